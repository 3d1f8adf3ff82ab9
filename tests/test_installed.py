"""The installed `pressfree` script in a real subprocess, and what start-up imports."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE

SCRIPT = shutil.which("pressfree", path=str(Path(sys.executable).parent)) or \
    shutil.which("pressfree")


def run(*args, env=None, check=True):
    return subprocess.run([SCRIPT, *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, check=check, timeout=120)


@pytest.mark.skipif(SCRIPT is None, reason="the pressfree script is not installed")
def test_the_installed_script_runs_the_main_job(tmp_path):
    db = tmp_path / "sample.db"
    run("--db", db, "import", SAMPLE)
    listed = json.loads(run("--db", db, "list", "--month", "2021-07", "--format", "json").stdout)
    assert [i["date"] for i in listed] == ["2021-07-30", "2021-07-26..2021-07-30"]
    summary = json.loads(run("--db", db, "summary", "--month", "2021-07", "--format",
                             "json").stdout)
    assert summary["total_incidents"] == 2
    bad = run("--db", db, "add", "raid", "--date", "2021-02-30", check=False)
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == "Error: date: '2021-02-30' is not a real date\n"
    assert run("--version").stdout == "pressfree 0.1.0\n"


def test_python_dash_m_works(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pressfree", "--version"],
                            capture_output=True, text=True, check=True)
    assert result.stdout == "pressfree 0.1.0\n"


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["list", "--help"],
                                  ["summary", "--help"]])
def test_help_and_version_do_not_import_the_database_stack(args):
    code = ("import sys\nfrom pressfree.cli import app\n"
            "try:\n    app(args=%r, prog_name='pressfree')\nexcept SystemExit:\n    pass\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('sqlalchemy', 'sqlmodel', 'alembic', 'pycountry', 'matplotlib'))\n"
            "print('HEAVY', heavy)" % (args,))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.splitlines()[-1] == "HEAVY []"


def test_tab_completion_answers_without_the_database_stack():
    code = ("import sys\nfrom pressfree.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('sqlalchemy', 'sqlmodel', 'alembic'))\n"
            "print('HEAVY', heavy)")
    env = {**os.environ, "_PRESSFREE_COMPLETE": "complete_bash",
           "COMP_WORDS": "pressfree li", "COMP_CWORD": "1"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, check=True)
    assert result.stdout.splitlines() == ["list", "HEAVY []"]
