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


def test_the_identity_benchmark_runs():
    result = subprocess.run([sys.executable, str(BENCHMARKS / "identity_scale.py"),
                             "--small", "100", "--large", "2000", "--repeats", "1"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    rows = [line.split()[0] for line in result.stdout.splitlines()
            if line.endswith(("ok", "MISSED"))]
    assert rows == ["search:", "search:", "search:", "add,"]
