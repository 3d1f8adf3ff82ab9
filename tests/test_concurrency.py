"""Several commands at once on one database, on each backend (the autouse `backend` fixture
runs every test here on a SQLite file and on a PostgreSQL database): writers take turns, and
every outcome is whole."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

# Many commands in one process, as many terminals would run them one after another: the
# whole command line (its Click command built once), PRESSFREE_DB from the environment.
WRITER = textwrap.dedent("""
    import sys
    from typer.main import get_command
    from pressfree.cli import app

    command = get_command(app)
    tag, count = sys.argv[1], int(sys.argv[2])
    for n in range(count):
        code = command.main(["add", "raid", "--date", "2021-07-01", "--country", "BY",
                             "-j", f"Writer {tag} {n}", "-j", "Shared Person",
                             "-o", "Shared Outlet", "--summary", f"{tag} {n}", "--force",
                             "--source", f"https://example.org/{tag}/{n}"],
                            prog_name="pressfree", standalone_mode=False)
        if code:
            sys.exit(f"add {n} exited {code}")
""")


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


def _pressfree(*args: str) -> subprocess.Popen:
    return _start("-m", "pressfree", *args)


def _ended(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=600)
    return process.returncode, out, err


def test_two_writers_adding_60_each_end_with_exactly_120(cli, sql):
    cli("init")
    writers = [_start("-c", WRITER, tag, "60") for tag in ("a", "b")]
    results = [_ended(w) for w in writers]
    assert [(code, err) for code, _, err in results] == [(0, ""), (0, "")]
    assert sql("SELECT count(*) FROM incident") == [(120,)]
    # both created "Shared Person" and "Shared Outlet" if missing: each exists once
    assert sql("SELECT count(*) FROM person WHERE name = 'Shared Person'") == [(1,)]
    assert sql("SELECT count(*) FROM outlet WHERE name = 'Shared Outlet'") == [(1,)]
    assert sql("SELECT count(DISTINCT public_id) FROM incident") == [(120,)]
    summaries = {i["summary"] for i in cli.json("list", "--limit", "2000")}
    assert summaries == {f"{tag} {n}" for tag in "ab" for n in range(60)}
    assert sql(
        "SELECT verb, count(*) FROM revision WHERE record_type = 'incident' GROUP BY verb"
    ) == [("add", 120)]


def _rows(tmp_path, name: str, city: str, count: int):
    path = tmp_path / f"{name}.csv"
    lines = ["date,kinds,country,city,journalists,summary"]
    lines += [
        f"2021-07-{1 + n % 28:02d},detention,BY,{city},Person {city} {n},{city} row {n}"
        for n in range(count)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_two_imports_of_different_files_at_once_both_land_whole(cli, sql, tmp_path):
    cli("init")
    files = [_rows(tmp_path, "minsk", "Minsk", 400), _rows(tmp_path, "brest", "Brest", 300)]
    results = [_ended(p) for p in [_pressfree("import", f) for f in files]]
    assert [code for code, _, _ in results] == [0, 0], results
    assert sql("SELECT city, count(*) FROM incident GROUP BY city ORDER BY city") == [
        ("Brest", 300),
        ("Minsk", 400),
    ]
    imports = cli.json("imports")
    assert sorted(i["incidents"] for i in imports) == [300, 400]
    # both again at once: each file is already stored, nothing is added twice
    again = [_ended(p) for p in [_pressfree("import", f) for f in files]]
    assert [code for code, _, _ in again] == [0, 0], again
    assert sql("SELECT count(*) FROM incident") == [(700,)]


def test_an_edit_racing_a_delete_ends_in_one_clear_outcome(cli, sql):
    outcomes = set()
    for attempt in range(2):  # each order once
        incident = cli(
            "add", "raid", "--date", "2021-07-30", "--summary", "Before", "--force"
        ).stdout.strip()
        racers = [
            _pressfree("edit", incident, "--summary", "After", "--tag", "edited"),
            _pressfree("delete", incident, "--yes"),
        ]
        if attempt % 2:
            racers.reverse()
        (edit_code, _, edit_err), (delete_code, _, delete_err) = [_ended(p) for p in racers][
            :: (-1 if attempt % 2 else 1)
        ]
        assert delete_code == 0, delete_err
        assert sql("SELECT count(*) FROM incident WHERE public_id = :p", p=incident) == [(0,)]
        revisions = [
            verb
            for (verb,) in sql(
                "SELECT verb FROM revision WHERE record_type = 'incident' AND record_id = :p "
                "ORDER BY id",
                p=incident,
            )
        ]
        if edit_code == 0:  # the edit came first; the delete removed the edited incident
            assert edit_err == ""
            assert revisions == ["add", "edit", "delete"]
            outcomes.add("edited, then deleted")
        else:  # the delete came first: the edit finds nothing, says so in one line
            assert edit_code == 1 and edit_err.count("\n") == 1, edit_err
            assert edit_err.startswith("Error: ") and incident[:8] in edit_err, edit_err
            assert revisions == ["add", "delete"]
            outcomes.add("deleted; the edit refused")
    assert sql("SELECT count(*) FROM incident_tag") == [(0,)]  # no tag left of any edit
    assert outcomes  # each attempt ended in one of the two whole outcomes


def _waits_for_the_write_lock(process: subprocess.Popen, sql, backend: str) -> None:
    """Returns once the process is blocked on the write lock another command holds: on
    PostgreSQL, its lock request is in pg_locks, not granted; on SQLite, it sleeps in the
    busy handler (Linux shows that as the process's wait channel)."""
    while True:
        assert process.poll() is None, process.communicate()
        if backend == "postgresql":
            if sql("SELECT count(*) FROM pg_locks WHERE NOT granted") != [(0,)]:
                return
        elif Path(f"/proc/{process.pid}/wchan").read_text() == "hrtimer_nanosleep":
            return
        time.sleep(0.01)  # polling for the condition: the loop ends only when it holds


@pytest.mark.new_database
def test_a_schema_upgrade_waits_for_the_command_in_progress(cli, sql, backend):
    """A command is writing when a newer pressfree upgrades the database: the upgrade waits
    until the write commits, then runs; the write is kept."""
    from pressfree.store import db

    store = db.open_store(os.environ["PRESSFREE_DB"], upgrade=False)
    try:
        db.upgrade_schema(store, "0006_identity")
        with store.session(write=True) as session:  # the command in progress
            session.connection().exec_driver_sql(
                "INSERT INTO outlet (name, type) VALUES ('Belsat', 'outlet')"
            )
            upgrade = _pressfree("init")
            _waits_for_the_write_lock(upgrade, sql, backend)
        code, _, err = _ended(upgrade)
    finally:
        store.dispose()
    assert (code, err.count("Error")) == (0, 0), err
    assert sql("SELECT version_num FROM alembic_version") == [(db.head_revision(),)]
    assert [o["name"] for o in cli.json("outlets")] == ["Belsat"]


def test_a_writer_waiting_too_long_gives_up_in_one_line_and_writes_nothing(cli, sql, monkeypatch):
    from pressfree.store import db, writes

    cli("init")
    monkeypatch.setattr(writes, "WRITE_WAIT_SECONDS", 1)
    store = db.open_store(os.environ["PRESSFREE_DB"])
    holder = _start(
        "-c",
        textwrap.dedent("""
        import os, sys, time
        from pressfree.store import db
        store = db.open_store(os.environ["PRESSFREE_DB"])
        with store.session(write=True) as session:
            session.connection().exec_driver_sql("DELETE FROM incident WHERE id = -1")
            print("holding", flush=True)
            time.sleep(float(sys.argv[1]))
    """),
        "30",
    )
    try:
        assert holder.stdout.readline() == "holding\n"
        slow = subprocess.run(
            [
                sys.executable,
                "-c",
                textwrap.dedent("""
            from pressfree.store import writes
            writes.WRITE_WAIT_SECONDS = 1
            from pressfree.cli import main
            main()
        """),
                "add",
                "raid",
                "--date",
                "2021-07-30",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.kill()
        holder.wait()
        store.dispose()
    assert slow.returncode == 1 and slow.stdout == ""
    assert slow.stderr == (
        "Error: database: another command has been writing to it for "
        "more than 1 s; nothing was written: try again when it has "
        "finished\n"
    )
    assert sql("SELECT count(*) FROM incident") == [(0,)]


# An import that stops after its first batch of rows is written, and says so: killed then,
# it is killed halfway through its transaction, however fast the machine.
# A command that stops just before it commits, and says so: killed then, it is killed in the
# middle of its one transaction.
PAUSED_BEFORE_COMMIT = textwrap.dedent("""
    import time
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    @event.listens_for(Session, "before_commit")
    def wait(session):
        print("committing", flush=True)
        time.sleep(120)

    from pressfree.cli import main
    main()
""")

PAUSED_IMPORT = textwrap.dedent("""
    import sys, time
    from pressfree.exchange import loader
    loader.INDEXES_SET_ASIDE_FROM = int(sys.argv[1])
    write = loader._write

    def first_batch_then_wait(*args):
        write(*args)
        print(len(args[2]), flush=True)
        time.sleep(120)

    loader._write = first_batch_then_wait
    sys.argv[1:2] = []
    from pressfree.cli import main
    main()
""")


def _killed_mid_import(rows, set_aside_from: int) -> None:
    from pressfree.exchange import loader

    process = _start("-c", PAUSED_IMPORT, str(set_aside_from), "import", str(rows))
    try:
        assert process.stdout.readline() == f"{loader.BATCH}\n"  # a batch is written
    finally:
        process.kill()  # kill -9
        process.wait()


@pytest.mark.parametrize("victim", ["import", "add"])
def test_a_command_killed_mid_write_leaves_nothing_half_written(cli, sql, tmp_path, victim):
    from pressfree.exchange import loader

    cli("init")
    rows = _rows(tmp_path, "big", "Minsk", 20000)
    if victim == "import":
        _killed_mid_import(rows, loader.INDEXES_SET_ASIDE_FROM)
    else:
        process = _start(
            "-c",
            PAUSED_BEFORE_COMMIT,
            "add",
            "raid",
            "--date",
            "2021-07-30",
            "--journalist",
            "Ales Test",
            "--source",
            "https://example.org/a",
        )
        try:
            assert process.stdout.readline() == "committing\n"  # everything is written
        finally:
            process.kill()  # kill -9
            process.wait()
    for table in ("incident", "revision", "imported_file", "person", "source"):
        assert sql(f"SELECT count(*) FROM {table}") == [(0,)], table
    cli("add", "raid", "--date", "2021-07-31", "--force")  # the database is usable
    assert len(cli.json("list")) == 1


INDEXES = (
    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'incident' ORDER BY name"
)


@pytest.mark.sqlite_only
def test_a_large_import_killed_with_its_indexes_set_aside_keeps_them(cli, sql, tmp_path):
    """A large import into an empty database drops the incident table's secondary indexes
    and makes them again before it commits (loader._indexes): killed in between, the
    database keeps every index, and nothing needs restoring by hand."""
    cli("init")
    before = sql(INDEXES)
    assert len(before) == 8
    rows = _rows(tmp_path, "big", "Minsk", 20000)
    _killed_mid_import(rows, 0)
    assert sql("SELECT count(*) FROM incident") == [(0,)]
    assert sql(INDEXES) == before
    assert sql("PRAGMA integrity_check") == [("ok",)]


# A backup to standard output that stops once its copy is made, and says so.
PAUSED_BACKUP = textwrap.dedent("""
    import shutil, time
    def copy_then_wait(source, target, *args):
        print("copied", flush=True)
        time.sleep(120)
    shutil.copyfileobj = copy_then_wait
    from pressfree.cli import main
    main()
""")


@pytest.mark.sqlite_only  # backups copy SQLite files
def test_a_backup_to_a_stream_killed_halfway_leaves_no_copy_outside_its_folder(
    cli, db_path, tmp_path
):
    cli("add", "detention", "--date", "2021-07-01", "-j", "Ann")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSED_BACKUP, "backup", "-"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    try:
        assert process.stdout.readline() == "copied\n"
    finally:
        process.kill()  # kill -9
        process.wait()
    assert list(scratch.iterdir()) == []  # nothing in the temporary folder
    [left] = [p for p in db_path.parent.iterdir() if ".pressfree-partial" in p.name]
    assert stat.S_IMODE(left.stat().st_mode) == 0o600 and left.name.startswith(".test.db.")
    cli("add", "raid", "--date", "2021-07-02")  # the next write removes it
    assert [p for p in db_path.parent.iterdir() if ".pressfree-partial" in p.name] == []
