"""Every benchmark script runs (at tiny sizes, no timing asserted), so they never rot."""

import importlib.util
import os
import re
import shutil
import subprocess
import sys

import pytest

from helpers import ROOT

BENCHMARKS = ROOT / "benchmarks"
# sqlite-utils (the test extra installs it) is what imports and --help are compared with
PEER = 1 if shutil.which("sqlite-utils", path=os.path.dirname(sys.executable)) else 0
# The ratios each script reports: postgres_scale measures nothing without a server to
# compare SQLite with.
RATIOS = {
    "summary_scale": 2,
    "identity_scale": 4,
    "history_cost": 2,
    "import_scale": 5 + PEER,
    # ... and the import against psql's \copy where psql is installed
    "postgres_scale": (4 + bool(shutil.which("psql")))
    if os.environ.get("PRESSFREE_TEST_POSTGRES")
    else 0,
    "report_scale": 1,
    "startup": 4 + 5 * PEER,
    "encryption": 7,  # six commands and an import, encrypted against plain
}


def _runner():
    spec = importlib.util.spec_from_file_location("benchmarks_run", BENCHMARKS / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_benchmark_script_is_run_here():
    assert sorted(_runner().SCRIPTS) == sorted(RATIOS)


# One item a script, so that the test workers share them out; the scripts that make SQLite
# files run on encrypted ones too (run.py --encrypted: issue 28).
ENCRYPTED = ("summary_scale", "identity_scale", "history_cost", "import_scale", "report_scale")


@pytest.mark.parametrize(
    "name, encrypted",
    [(name, False) for name in sorted(RATIOS)] + [(name, True) for name in ENCRYPTED],
)
def test_the_benchmark_runs_and_reports_its_ratios(name, encrypted):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PRESSFREE_PASS")}
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--quick", "--only", name]
        + (["--encrypted"] if encrypted else []),
        capture_output=True,
        text=True,
        timeout=600,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    table = result.stdout[result.stdout.index("benchmark ") :].splitlines()
    rows = [line for line in table[1:] if re.search(r"\d\.\d\dx +[\d.]+x  (ok|MISSED)$", line)]
    assert [row.split()[0] for row in rows] == [name] * RATIOS[name]
    assert "(--quick: tiny sizes; these ratios say nothing about speed)" in result.stdout
