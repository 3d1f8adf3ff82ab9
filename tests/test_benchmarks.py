"""The benchmark scripts run (at tiny sizes, no timing asserted), so they never rot."""

import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def test_the_history_benchmark_runs():
    result = subprocess.run([sys.executable, str(BENCHMARKS / "history_cost.py"), "--quick"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].startswith("20 add commands") and lines[2].startswith("import of 500 rows")
