"""Every benchmark script runs (at tiny sizes, no timing asserted), so they never rot."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.runs_once  # the scripts make their own databases, on both backends
def test_every_benchmark_runs_and_reports_its_ratios():
    result = subprocess.run([sys.executable, str(BENCHMARKS / "run.py"), "--quick"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    table = result.stdout[result.stdout.index("benchmark "):].splitlines()
    rows = [line for line in table[1:] if re.search(r"\d\.\d\dx +[\d.]+x  (ok|MISSED)$", line)]
    # postgres_scale measures nothing without a server to compare SQLite with
    on_a_server = 3 if os.environ.get("PRESSFREE_TEST_POSTGRES") else 0
    # sqlite-utils (the test extra installs it) is what imports and --help are compared with
    peer = 1 if shutil.which("sqlite-utils", path=str(Path(sys.executable).parent)) else 0
    assert [row.split()[0] for row in rows] == (
        ["summary_scale"] * 2 + ["identity_scale"] * 4 + ["history_cost"] * 2
        + ["import_scale"] * (5 + peer) + ["postgres_scale"] * on_a_server + ["report_scale"]
        + ["startup"] * (4 + 5 * peer))
    assert "(--quick: tiny sizes; these ratios say nothing about speed)" in result.stdout
