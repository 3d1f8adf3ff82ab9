"""The installed `pressfree` script in a real subprocess, and what start-up imports."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import SAMPLE

SCRIPT = shutil.which("pressfree", path=str(Path(sys.executable).parent)) or shutil.which(
    "pressfree"
)


def run(*args, env=None, check=True):
    return subprocess.run(
        [SCRIPT, *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=check,
        timeout=120,
    )


@pytest.mark.skipif(SCRIPT is None, reason="the pressfree script is not installed")
def test_the_installed_script_runs_the_main_job(tmp_path):
    db = tmp_path / "sample.db"
    run("--db", db, "import", SAMPLE)
    listed = json.loads(run("--db", db, "list", "--month", "2021-07", "--format", "json").stdout)
    assert [i["date"] for i in listed] == ["2021-07-30", "2021-07-26..2021-07-30"]
    summary = json.loads(
        run("--db", db, "summary", "--month", "2021-07", "--format", "json").stdout
    )
    assert summary["total_incidents"] == 2
    bad = run("--db", db, "add", "raid", "--date", "2021-02-30", check=False)
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == "Error: date: '2021-02-30' is not a real date\n"
    assert run("--version").stdout == "pressfree 0.1.0\n"


def test_python_dash_m_works(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pressfree", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout == "pressfree 0.1.0\n"


@pytest.mark.parametrize(
    "args", [["--help"], ["--version"], ["list", "--help"], ["summary", "--help"]]
)
def test_help_and_version_do_not_import_the_database_stack(args):
    code = (
        "import sys\nfrom pressfree.cli import app\n"
        f"try:\n    app(args={args!r}, prog_name='pressfree')\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'sqlmodel', 'alembic', 'pycountry', 'matplotlib'))\n"
        "print('HEAVY', heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "HEAVY []"


def _names(app) -> list[str]:
    from pressfree.cli import _name_of

    return sorted(
        [_name_of(c) for c in app.registered_commands] + [g.name for g in app.registered_groups]
    )


def test_every_command_is_owned_by_the_module_that_registers_it():
    import copy
    from importlib import import_module

    from pressfree import cli

    assert _names(cli.build()) == sorted(cli.OWNERS)
    for module, names in cli.COMMANDS.items():
        bare = copy.copy(cli.app_root)
        bare.registered_commands, bare.registered_groups = [], []
        import_module(f"pressfree.cli.{module}").register(bare)
        assert _names(bare) == sorted(names), module


@pytest.mark.parametrize(
    "args, named",
    [
        (["list"], "list"),
        (["--db", "x.db", "list"], "list"),
        (["--db=x.db", "case", "open"], "case"),
        (["--as", "ann", "--db", "x.db", "import", "f.csv"], "import"),
        (["--help"], None),
        (["--version", "list"], None),
        (["lst"], None),
        ([], None),
        (["--db", "list"], None),
    ],
)
def test_a_command_line_naming_one_command_builds_only_it(args, named):
    from pressfree import cli

    assert cli._named(args) == named


@pytest.mark.skipif(SCRIPT is None, reason="the pressfree script is not installed")
def test_the_whole_command_line_answers_what_names_no_command(tmp_path):
    typo = run("--db", tmp_path / "x.db", "lst", check=False)
    assert typo.returncode == 2 and "No such command 'lst'" in typo.stderr
    assert "Did you mean 'list'" in typo.stderr
    assert "tally" in run("--help").stdout and "report" in run("--help").stdout
    alone = run("report", "--help").stdout
    assert "Usage: pressfree report [OPTIONS]" in alone and "--redact" in alone
    assert "Usage: pressfree case open" in run("case", "open", "--help").stdout


def test_tab_completion_answers_without_the_database_stack():
    code = (
        "import sys\nfrom pressfree.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'sqlmodel', 'alembic'))\n"
        "print('HEAVY', heavy)"
    )
    env = {
        **os.environ,
        "_PRESSFREE_COMPLETE": "complete_bash",
        "COMP_WORDS": "pressfree li",
        "COMP_CWORD": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.splitlines() == ["list", "HEAVY []"]


@pytest.mark.sqlite_only
def test_a_command_on_a_sqlite_file_never_loads_the_postgresql_dialect(tmp_path):
    """SQLAlchemy's PostgreSQL dialect took 0.03 s of every command's start (a partial
    index named its PostgreSQL form: models.partial_unique)."""
    db = tmp_path / "sample.db"
    subprocess.run(
        [sys.executable, "-m", "pressfree", "--db", str(db), "import", str(SAMPLE)],
        check=True,
        capture_output=True,
    )
    code = (
        "import sys\nfrom pressfree.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('LOADED', sorted(m for m in sys.modules if 'postgresql' in m or "
        "m.startswith('psycopg')))"
    )
    for args in (
        ["list"],
        ["summary", "--month", "2021-07"],
        ["add", "raid", "--date", "2021-07-31", "--force"],
    ):
        result = subprocess.run(
            [sys.executable, "-c", code, "--db", str(db), *args],
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.splitlines()[-1] == "LOADED []", args


@pytest.mark.skipif(SCRIPT is None, reason="the pressfree script is not installed")
def test_a_read_only_folder_shows_what_a_killed_writer_left_in_the_log(tmp_path):
    """A write committed to the write-ahead log and never checkpointed (its process
    killed) is part of the database: a read in a read-only folder shows it, as sqlite3
    does, instead of the file's older pages."""
    folder = tmp_path / "archive"
    folder.mkdir()
    db = folder / "s.db"
    run("--db", db, "add", "raid", "--date", "2021-07-01", "--summary", "Before")
    killed = (
        "import os, signal, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1])\n"
        "c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "c.execute(\"UPDATE incident SET summary = 'Logged'\")\n"
        "c.commit()\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    subprocess.run([sys.executable, "-c", killed, str(db)], timeout=60)
    assert (folder / "s.db-wal").stat().st_size > 0
    before = sorted(p.name for p in folder.iterdir())
    reading = _read_only_folder(folder)
    try:
        listed = reading("--db", db, "list", "--format", "json")
        assert listed.returncode == 0, listed.stderr
        assert [i["summary"] for i in json.loads(listed.stdout)] == ["Logged"]
    finally:
        folder.chmod(0o755)
    assert sorted(p.name for p in folder.iterdir()) == before


@pytest.mark.skipif(SCRIPT is None, reason="the pressfree script is not installed")
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_output_that_cannot_be_written_is_one_line(tmp_path):
    db = tmp_path / "sample.db"
    run("--db", db, "import", SAMPLE)
    for args in (
        ["list", "--format", "json"],
        ["list"],
        ["summary", "--month", "2021-07"],
        ["export"],
        ["backup", "-"],
    ):
        with open("/dev/full", "w") as full:
            result = subprocess.run(
                [SCRIPT, "--db", str(db), *args],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                timeout=120,
            )
        assert result.returncode in (1, 2), args
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1, (
            result.stderr
        )
        assert "cannot be written (No space left on device)" in result.stderr


def _read_only_folder(folder: Path):
    """Runs a command with `folder` read-only for it: a read-only bind mount when run as
    root (root ignores file modes), the folder's mode otherwise."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return lambda *args: run(*args, check=False)
    if (
        not shutil.which("unshare")
        or subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode != 0
    ):
        pytest.skip("running as root without mount namespaces: cannot make a folder read-only")

    def in_namespace(*args):
        command = " ".join(f"'{a}'" for a in (SCRIPT, *map(str, args)))
        script = (
            f"mount --bind '{folder}' '{folder}' && mount -o remount,bind,ro '{folder}' "
            f"&& {command}"
        )
        return subprocess.run(
            ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=120
        )

    return in_namespace


@pytest.mark.skipif(SCRIPT is None, reason="the pressfree script is not installed")
def test_reading_works_in_a_read_only_folder(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    db = folder / "sample.db"
    run("--db", db, "import", SAMPLE)
    run("--db", db, "add", "raid", "--date", "2021-07-29")
    before = sorted(p.name for p in folder.iterdir())
    reading = _read_only_folder(folder)
    try:
        listed = reading("--db", db, "list", "--format", "json")
        assert listed.returncode == 0, listed.stderr
        assert len(json.loads(listed.stdout)) == 3
        summary = reading("--db", db, "summary", "--month", "2021-07", "--format", "json")
        assert json.loads(summary.stdout)["total_incidents"] == 3
        assert reading("--db", db, "info").returncode == 0
        backup = reading("--db", db, "backup", tmp_path / "copy.db")
        assert backup.returncode == 0, backup.stderr
        written = reading("--db", db, "add", "raid", "--date", "2021-07-28")
        assert written.returncode == 1 and len(written.stderr.splitlines()) == 1
        assert "Traceback" not in written.stderr
    finally:
        folder.chmod(0o755)
    assert sorted(p.name for p in folder.iterdir()) == before


@pytest.mark.skipif(SCRIPT is None, reason="the pressfree script is not installed")
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_write_whose_output_fails_stores_nothing(tmp_path):
    db = tmp_path / "s.db"
    run("--db", db, "init")
    for args in (
        ["add", "raid", "--date", "2021-07-01", "--source", "https://x.org/1"],
        ["tally", "add", "raid", "5", "--period", "2021-07", "--country", "BY", "--publisher", "X"],
        [
            "designate",
            "Belsat",
            "--label",
            "extremist-materials",
            "--by",
            "KGB",
            "--date",
            "2021-07",
        ],
        ["--help"],
        ["--version"],
        ["list", "--help"],
    ):
        with open("/dev/full", "w") as full:
            result = subprocess.run(
                [SCRIPT, "--db", str(db), *args],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                timeout=120,
            )
        assert (result.returncode, result.stderr) == (
            1,
            "Error: output: standard output cannot be written (No space left on device)\n",
        ), args
    facts = json.loads(run("--db", db, "info", "--format", "json").stdout)
    assert (facts["incidents"], facts["tallies"], facts["designations"]) == (0, 0, 0)


def _closing(*fds: int):
    """Runs the child with these standard streams closed, as `<&-` and `>&-` do."""

    def close() -> None:
        for fd in fds:
            os.close(fd)

    return close


@pytest.mark.skipif(SCRIPT is None, reason="the pressfree script is not installed")
def test_closed_standard_streams_are_one_line_and_store_nothing(tmp_path):
    db = tmp_path / "s.db"
    incident = run("--db", db, "add", "detention", "--date", "2021-07-01", "-j", "Ann").stdout
    closed_out = "Error: output: standard output cannot be written (Bad file descriptor)\n"
    for args, fd, said in [
        (
            ["delete", incident.strip()],
            0,
            "Error: --yes: '' is required to delete without a terminal\n",
        ),
        (["list"], 1, closed_out),
        (["info"], 1, closed_out),
        (["export"], 1, closed_out),
        (["summary", "--month", "2021-07"], 1, closed_out),
        (["add", "raid", "--date", "2021-07-02", "--force"], 1, closed_out),
    ]:
        result = subprocess.run(
            [SCRIPT, "--db", str(db), *args],
            capture_output=fd == 0,
            stderr=None if fd == 0 else subprocess.PIPE,
            text=True,
            preexec_fn=_closing(fd),
            timeout=120,
        )
        assert (result.returncode, result.stderr) == (2 if fd == 0 else 1, said), args
    # a likely duplicate with no one to ask: added with a warning, as on any non-terminal
    added = subprocess.run(
        [
            SCRIPT,
            "--db",
            str(db),
            "add",
            "detention",
            "--date",
            "2021-07-01",
            "-j",
            "Ann",
            "--source",
            "https://x.org/1",
        ],
        capture_output=True,
        text=True,
        preexec_fn=_closing(0),
        timeout=120,
    )
    assert added.returncode == 0 and "possible duplicate" in added.stderr
    listed = json.loads(run("--db", db, "list", "--format", "json").stdout)
    assert len(listed) == 2  # the first and the duplicate: nothing of the refused commands
    # standard error closed: the exit code still says what happened
    quiet = subprocess.run(
        [SCRIPT, "--db", str(db), "add", "raid", "--date", "2021-02-30"],
        capture_output=False,
        stdout=subprocess.DEVNULL,
        preexec_fn=_closing(2),
        timeout=120,
    )
    assert quiet.returncode == 2


# Every command, with what it needs to do its work, for the standard-streams test below.
# {incident}, {case}, {designation}, {tally}: records of the test's database.
EVERY_COMMAND = [
    ["init"], ["info"], ["backup", "-"], ["backup", "{dir}/b.db"], ["copy", "--to", "{dir}/c.db"],
    ["check"], ["add", "raid", "--date", "2021-07-02", "--force"], ["list"], ["search", "Losik"],
    ["show", "{incident}"], ["edit", "{incident}", "--summary", "Changed"],
    ["delete", "{incident}"], ["delete", "{incident}", "--yes"],
    ["kinds"], ["kinds", "add", "sabotage", "Sabotage"], ["kinds", "name", "raid", "--lang", "be",
    "Ператрус"], ["journalists"], ["journalists", "set", "Ann", "--at-risk"],
    ["journalists", "show", "Ann"], ["journalists", "alias", "Ann", "Anna"],
    ["journalists", "placeholders"], ["outlets"], ["outlets", "alias", "Belsat", "Belsat TV"],
    ["publishers"], ["publishers", "alias", "Viasna", "Вясна"], ["duplicates"],
    ["merge", "incident", "{incident}", "{other}", "--yes"],
    ["merge", "journalist", "Ann", "Anna B"],
    ["merge", "outlet", "Belsat", "Belsat TV"], ["merge", "undo", "1"],
    ["import", "{sample}", "--again"], ["export"], ["export", "--out", "{dir}/e.json"],
    ["mapping", "list"], ["mapping", "show", "cpj"], ["mapping", "init", "{sample}"],
    ["tally", "add", "raid", "5", "--period", "2021-07", "--country", "BY", "--publisher", "X"],
    ["tally", "edit", "{tally}", "--value", "6"], ["tally", "delete", "{tally}", "--yes"],
    ["tally", "list"], ["release", "Ann", "--date", "2021-08-01"], ["custody"],
    ["designate", "Belsat", "--label", "extremist-materials", "--by", "KGB", "--date", "2021-07"],
    ["designations"], ["designations", "lift", "{designation}", "--date", "2022-01"],
    ["designations", "appeal", "{designation}", "--date", "2022-01"],
    ["designations", "uphold", "{designation}", "--date", "2022-02"],
    ["designations", "edit", "{designation}", "--by", "MVD"],
    ["designations", "delete", "{designation}", "--yes"], ["labels"],
    ["labels", "add", "terrorist", "Terrorist"], ["labels", "name", "terrorist", "--lang", "be",
    "Тэрарыст"], ["case", "open", "Ann", "--type", "criminal", "--date", "2021-07-30"],
    ["case", "hearing", "{case}", "--date", "2021-09-01"],
    ["case", "verdict", "{case}", "--date", "2022-02", "--outcome", "convicted",
     "--sentence", "3y"],
    ["case", "appeal", "{case}", "--date", "2022-03"],
    ["case", "transfer", "{case}", "--date", "2022-04", "--to", "Colony 15"],
    ["case", "close", "{case}", "--date", "2026-01"], ["case", "link", "{case}", "{incident}"],
    ["case", "show", "{case}"], ["case", "charge", "add", "{case}", "--charge", "Art. 342",
    "--date", "2021-08"], ["cases"], ["census", "--as-of", "2021-08-01"], ["charges"],
    ["summary", "--month", "2021-07"], ["report", "--month", "2021-07", "--out", "{dir}/r.html"],
    ["chart", "--month", "2021-07", "--out", "{dir}/c.svg"], ["rule"],
    ["rule", "--count", "confirmed"], ["history"], ["restore", "{incident}", "--to", "1"],
    ["deleted"], ["note", "{incident}", "Released"], ["imports"], ["imports", "undo", "1", "--yes"],
    ["imports", "unmatched", "1"], ["encrypt"], ["rekey"], ["decrypt", "--yes"],
    ["fields", "add", "court", "--type", "number"], ["fields"], ["fields", "remove", "court"],
    ["edit", "--where", "country=BY", "--set", "status=confirmed", "--yes"],
    ["undo", "0123abcd"], ["export", "--format", "geojson"],
    ["attach", "{incident}", "{sample}"], ["attachments", "list", "{incident}"],
    ["attachments", "get", "{incident}", "1", "--out", "{dir}/a.csv"],
    ["attachments", "remove", "{incident}", "1", "--yes"], ["attachments", "limit"],
]  # fmt: skip
STREAMS = ("stdin closed", "stdout closed", "stdout full", "stderr closed")


def test_the_streams_test_names_every_command():
    from pressfree.cli import OWNERS

    assert set(OWNERS) == {line[0] for line in EVERY_COMMAND}


@pytest.mark.skipif(SCRIPT is None, reason="the pressfree script is not installed")
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("stream", STREAMS)  # one test each, so that the workers share them
def test_every_command_with_a_closed_or_full_standard_stream(tmp_path, stream):
    """Each command with standard input closed (`<&-`), standard output closed (`>&-`) or
    full (/dev/full), or standard error closed: exit 0, 1 or 2, never a traceback, one line
    on standard error when it fails, and a command that fails stores nothing."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from helpers import contents

    db = tmp_path / "s.db"
    run("--db", db, "import", SAMPLE)
    made = {
        "incident": run("--db", db, "add", "detention", "--date", "2021-07-30", "-j", "Ann"),
        "other": run("--db", db, "add", "raid", "--date", "2021-07-30", "--force"),
        "case": run("--db", db, "case", "open", "Ann", "--type", "criminal", "--date",
                    "2021-07-30"),
        "designation": run("--db", db, "designate", "Belsat", "--label", "extremist-materials",
                           "--by", "KGB", "--date", "2021-07"),
        "tally": run("--db", db, "tally", "add", "raid", "5", "--period", "2021-07", "--country",
                     "BY", "--publisher", "X"),
    }  # fmt: skip
    values = {name: made[name].stdout.split()[0] for name in made}
    values |= {"dir": str(tmp_path), "sample": str(SAMPLE)}

    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    @given(line=st.sampled_from(EVERY_COMMAND))
    def each(line):
        args = [a.format(**values) for a in line]
        before = contents(str(db))
        fd = {"stdin closed": 0, "stdout closed": 1, "stderr closed": 2}.get(stream)
        with open("/dev/full", "w") as full:
            result = subprocess.run(
                [SCRIPT, "--db", str(db), *args],
                stdin=subprocess.DEVNULL if fd != 0 else None,
                stdout=full if stream == "stdout full" else subprocess.PIPE if fd != 1 else None,
                stderr=subprocess.PIPE if fd != 2 else None,
                preexec_fn=_closing(fd) if fd is not None else None,
                timeout=120,
            )  # bytes: a backup to standard output is the database's
        said = (result.stderr or b"").decode("utf-8", errors="replace")
        shown = f"{stream}: pressfree {' '.join(args)} -> {result.returncode}\n{said}"
        assert result.returncode in (0, 1, 2), shown
        assert "Traceback" not in said, shown
        if result.returncode != 0:
            if fd != 2:
                assert said.splitlines()[-1].startswith("Error: "), shown
                assert len([x for x in said.splitlines() if x.startswith("Error")]) == 1, shown
            assert contents(str(db)) == before, f"a failed command changed the database\n{shown}"
        for made_file in tmp_path.iterdir():
            if made_file.name != "s.db" and not made_file.name.startswith("s.db-"):
                made_file.unlink() if made_file.is_file() else None

    each()
