"""Every benchmark script runs (at tiny sizes, no timing asserted), so they never rot."""

import re
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def test_every_benchmark_runs_and_reports_its_ratios():
    result = subprocess.run([sys.executable, str(BENCHMARKS / "run.py"), "--quick"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    table = result.stdout[result.stdout.index("benchmark "):].splitlines()
    rows = [line for line in table[1:] if re.search(r"\d\.\d\dx +[\d.]+x  (ok|MISSED)$", line)]
    assert [row.split()[0] for row in rows] == (
        ["summary_scale"] * 2 + ["identity_scale"] * 4 + ["history_cost"] * 2
        + ["import_scale"] * 2)
    assert "(--quick: tiny sizes; these ratios say nothing about speed)" in result.stdout
