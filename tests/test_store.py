"""The store: where the database is, SQLite settings, privacy, transactions, schema upgrades."""

import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from helpers import SAMPLE, connect_file, contents, corpus, raw_engine


def test_default_database_lives_in_the_user_data_folder(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("PRESSFREE_DB")
    cli("init")
    facts = cli.json("info")
    assert facts["database"] == str(tmp_path / "data-home" / "pressfree" / "pressfree.db")


def test_db_option_wins_over_the_environment(cli, tmp_path):
    other = tmp_path / "other.db"
    cli("--db", other, "add", "raid", "--date", "2021-07-30")
    assert cli.json("--db", other, "info")["incidents"] == 1
    cli("init")
    assert cli.json("info")["incidents"] == 0


def test_reading_a_database_that_does_not_exist_says_so(cli, tmp_path):
    missing = tmp_path / "typo.db"
    for command in (
        ["list"],
        ["summary", "--month", "2021-07"],
        ["info"],
        ["export"],
        ["backup", tmp_path / "copy.db"],
    ):
        result = cli("--db", missing, *command, code=2)
        assert result.stderr == (
            f"Error: --db: '{missing}' does not exist (any command that "
            "records something, or `pressfree init`, creates it)\n"
        )
    assert not missing.exists()
    for url in ("sqlite:///", "sqlite://"):
        result = cli("--db", url, "list", code=2)
        assert result.stderr == (
            f"Error: --db: '{url}' names no database file (pressfree keeps its data in a file)\n"
        )


@pytest.mark.sqlite_only
def test_new_database_is_private_and_uses_wal(cli, db_path, store):
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000


def test_info_reports_schema_and_counts(sample):
    facts = sample.json("info")
    assert facts["schema_version"] == 14
    assert facts["schema_revision"] == "0014_restricted_index"
    assert (facts["incidents"], facts["tallies"], facts["designations"]) == (2, 2, 1)
    assert facts["first_incident"] == "2021-07-26" and facts["last_incident"] == "2021-07-30"


def test_a_file_that_is_not_a_database(cli, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a database at all, just some notes\n" * 100)
    result = cli("--db", path, "list", code=1)
    assert result.stderr.startswith(f"Error: --db: '{path}' cannot be opened as a database")


def test_every_write_is_one_transaction(store):
    """A failure after the first insert leaves nothing behind."""
    from pressfree import incidents
    from pressfree.schemas import IncidentIn, validated
    from pressfree.store.models import Incident

    draft = validated(IncidentIn, kinds=["raid"], date="2021-07-30")
    with pytest.raises(RuntimeError):
        with store.session(write=True) as session:
            incidents.add(session, draft)
            raise RuntimeError("power cut")
    with store.session() as session:
        assert session.execute(text("select count(*) from incident")).scalar() == 0
        assert session.get(Incident, 1) is None


def test_a_read_sees_one_snapshot_while_another_terminal_writes(cli, store):
    """What a command reads (a report's summary, its list, its census) is one moment of the
    database, on every backend, whatever another terminal commits meanwhile."""
    cli("add", "raid", "--date", "2021-07-30", "--country", "BY")
    count = text("select count(*) from incident")
    with store.session() as session:
        before = session.execute(count).scalar()
        cli("add", "detention", "--date", "2021-07-31", "--country", "BY")  # committed
        assert session.execute(count).scalar() == before == 1
    with store.session() as session:
        assert session.execute(count).scalar() == 2


def test_two_writers_wait_for_each_other(store):
    """A second writer waits on the busy timeout instead of failing at once."""
    import threading

    from pressfree import incidents
    from pressfree.schemas import IncidentIn, validated
    from pressfree.store import db

    other = db.open_store(store.location)
    draft = validated(IncidentIn, kinds=["raid"], date="2021-07-30")
    errors = []
    started, done = threading.Event(), threading.Event()

    def second():
        try:
            started.set()
            with other.session(write=True) as session:
                incidents.add(session, draft)
            done.set()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    thread = threading.Thread(target=second, daemon=True)
    try:
        with store.session(write=True) as session:
            incidents.add(session, draft)
            thread.start()
            assert started.wait(10), "the second writer never started"
            # while this transaction is open, the second writer cannot commit
            assert not done.wait(0.5), "the second writer did not wait for the lock"
            assert errors == []
        assert done.wait(10), f"the second writer never finished: {errors}"
    finally:
        thread.join(timeout=10)
        other.dispose()
    assert errors == []
    with store.session() as session:
        assert session.execute(text("select count(*) from incident")).scalar() == 2


@pytest.mark.sqlite_only  # backups copy SQLite files
def test_file_system_problems_are_one_line(cli, tmp_path):
    blocker = tmp_path / "file.db"
    blocker.write_text("x")
    result = cli("--db", blocker / "sub.db", "init", code=2)
    assert result.stderr.startswith(f"Error: --db: '{blocker / 'sub.db'}' cannot be created")
    cli("add", "raid", "--date", "2021-07-30")
    result = cli("backup", blocker / "x.db", code=2)
    assert result.stderr == (
        f"Error: path: '{blocker / 'x.db'}' is in a folder that does not exist (create it first)\n"
    )
    result = cli("export", "--out", "/proc/pressfree.json", code=2)
    assert result.stderr.startswith("Error: --out: '/proc/pressfree.json' cannot be written")
    result = cli("list", "--limit", "99999999999999999999", code=2)
    assert result.stderr.startswith("Error: --limit: 99999999999999999999 must be between")
    result = cli(
        "tally",
        "add",
        "raid",
        "99999999999999999999",
        "--period",
        "2021",
        "--country",
        "BY",
        "--publisher",
        "X",
        code=2,
    )
    assert result.stderr == (
        "Error: value: '99999999999999999999' is too large (at most 2,147,483,647)\n"
    )
    result = cli("add", "raid", "--date", "2021-07-01..2021-07-02..2021-07-03", code=2)
    assert result.stderr.startswith(
        "Error: date: '2021-07-01..2021-07-02..2021-07-03' has more than one '..'"
    )


# --- odd --db values; reading never writes ---------------------------------------------


@pytest.mark.parametrize(
    "location, message",
    [
        (
            ":memory:",
            "--db: ':memory:' is not a file: pressfree keeps its data in a file, and a "
            "database in memory would be lost",
        ),
        (
            "sqlite:///:memory:",
            "--db: 'sqlite:///:memory:' names no database file (pressfree keeps "
            "its data in a file)",
        ),
        (
            "postgresql+psycopg://postgres:secret@[::1:5432/x",
            "--db: 'postgresql+psycopg://postgres:***@[::1:5432/x' is not a usable database URL "
            "(invalid literal for int() with base 10: ':1:5432')",
        ),
    ],
)
def test_odd_database_locations_are_refused(pressfree, tmp_path, monkeypatch, location, message):
    monkeypatch.chdir(tmp_path)
    for command in (["add", "raid", "--date", "2021"], ["list"]):
        assert pressfree("--db", location, *command, code=2).stderr == f"Error: {message}\n"
    assert list(tmp_path.iterdir()) == []  # no file named ':memory:' or anything else


@pytest.mark.parametrize(
    "name",
    [
        "odd?name.db",
        "hash#name.db",
        "per%20cent.db",
        "with space.db",
        "Беларусь ŭ.db",
        "a?b#c%d e.db",
    ],
)
def test_any_file_name_is_the_database_it_names(pressfree, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    pressfree("--db", name, "add", "raid", "--date", "2021-07-30")
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    assert pressfree.json("--db", name, "info")["incidents"] == 1
    pressfree("--db", name, "backup", "copy.db")
    assert pressfree.json("--db", "copy.db", "info")["incidents"] == 1


READ_COMMANDS = [
    ["list"],
    ["summary", "--month", "2021-07"],
    ["info"],
    ["export"],
    ["custody", "--as-of", "2021-07-30"],
    ["tally", "list"],
    ["designations"],
    ["journalists"],
    ["kinds"],
    ["show", "abcd"],
    ["backup", "copy.db"],
]


@pytest.mark.parametrize(
    "content, message",
    [
        (
            b"",
            "holds no pressfree database yet (any command that records something, or "
            "`pressfree init`, creates one)",
        ),
        (b"just some notes\n" * 50, "cannot be opened as a database (file is not a database)"),
    ],
)
def test_reading_never_creates_or_changes_a_file(
    pressfree, tmp_path, monkeypatch, content, message
):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    path.chmod(0o644)
    for command in READ_COMMANDS:
        result = pressfree("--db", path, *command, code=1)
        assert result.stderr == f"Error: --db: '{path}' {message}\n"
        assert path.read_bytes() == content
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_a_database_with_tables_of_its_own_is_not_taken_over(cli, tmp_path):
    path = tmp_path / "other.db"
    other = connect_file(path)
    other.execute("CREATE TABLE contacts (name TEXT)")
    other.commit()
    other.close()
    result = cli("--db", path, "add", "raid", "--date", "2021", code=1)
    assert result.stderr == (
        f"Error: --db: '{path}' is a database, but not pressfree's (it "
        "has tables of its own): name another file\n"
    )
    assert connect_file(path).execute("SELECT name FROM sqlite_master").fetchall() == [
        ("contacts",)
    ]


def test_reading_leaves_no_files_beside_the_database(pressfree, tmp_path):
    path = tmp_path / "kept.db"
    pressfree("--db", path, "add", "raid", "--date", "2021-07-30")
    before = sorted(p.name for p in tmp_path.iterdir())
    for command in READ_COMMANDS[:-1]:
        pressfree("--db", path, *command, code=1 if command[0] == "show" else 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == before == ["kept.db"]


def _ruled(cli) -> None:
    """Every kind of row the database holds a rule about."""
    cli("import", SAMPLE)
    cli("add", "detention", "--date", "2021-07-01", "--journalist", "Ann")
    cli("release", "Ann", "--date", "2021-07-02")
    cli("add", "detention", "--date", "2021-07-05", "--journalist", "Ann")
    cli("tally", "add", "raid", "5", "--period", "2021-07", "--country", "BY", "--publisher", "X")
    [designation] = cli.json("designations")
    cli("designations", "appeal", designation["id"], "--date", "2021-08-01")


# Built once for the module on each backend: each statement is refused and changes nothing.
ruled = corpus(_ruled)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE incident SET last_day = '2000-01-01'",
        "UPDATE incident SET date_precision = 'week'",
        "UPDATE incident SET status = 'rumoured'",
        "UPDATE tally SET qualifier = 'lots'",
        "UPDATE tally SET value = -1",
        "UPDATE tally SET last_day = '2000-01-01'",
        "UPDATE designation_change SET change = 'annulled'",
        "UPDATE designation SET person_id = (SELECT MIN(id) FROM person)",
        "UPDATE outlet SET type = 'blog'",
        "UPDATE custody_period SET released_on = '2000-01-01'",
        "UPDATE custody_period SET released_on = NULL",
    ],
)
def test_the_database_enforces_the_rules_itself(ruled, statement):
    from sqlalchemy.exc import IntegrityError

    before = contents(ruled.location)
    location = ruled.location
    engine = raw_engine(location)
    with pytest.raises(IntegrityError):
        with engine.begin() as connection:
            connection.execute(text(statement))
    engine.dispose()
    assert contents(location) == before


def test_two_first_commands_at_once_both_succeed(any_db):
    """Creating the schema is safe when two commands start together on a new database."""

    def start(n):
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pressfree",
                "--db",
                any_db,
                "add",
                "raid",
                "--date",
                f"2021-07-{n:02d}",
                "--source",
                f"https://example.org/{n}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    for attempt in range(3):
        if attempt and "://" not in any_db:
            for p in Path(any_db).parent.glob("any.db*"):
                p.unlink()
        elif attempt:
            break  # a PostgreSQL database is new only once per test
        runs = [start(n) for n in (1, 2, 3)]
        results = [(p.wait(60), p.stderr.read()) for p in runs]
        assert [code for code, _ in results] == [0, 0, 0], results
    from pressfree.store import db

    store = db.open_store(any_db, write=False)
    with store.session() as session:
        assert session.execute(text("SELECT COUNT(*) FROM incident")).scalar() == 3
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
            db.head_revision()
        ]
    store.dispose()


@pytest.mark.parametrize(
    "location, shown",
    [
        (
            "postgresql+psycopg://postgres@127.0.0.1:1/x?password=s3cretPW",
            "postgresql+psycopg://postgres@127.0.0.1:1/x?password=***",
        ),
        (
            "postgresql+psycopg://postgres:s3cretPW@127.0.0.1:1/x",
            "postgresql+psycopg://postgres:***@127.0.0.1:1/x",
        ),
    ],
)
def test_a_password_is_never_shown(cli, location, shown):
    result = cli("--db", location, "list", code=1)
    assert "s3cretPW" not in result.stderr
    assert result.stderr.startswith(f"Error: --db: '{shown}' cannot be opened as a database")
    result = cli("--db", "postgresql+psycopg://postgres:s3c@retPW@127.0.0.1:1/x", "list", code=2)
    assert result.stderr == (
        "Error: --db: 'postgresql+psycopg://postgres:***@127.0.0.1:1/x' "
        "is not a usable database URL (write an @ in a user name or "
        "password as %40)\n"
    )


def test_a_device_is_not_a_database(cli, tmp_path):
    for command in (["add", "raid", "--date", "2021"], ["list"]):
        result = cli("--db", "/dev/null", *command, code=2)
        assert result.stderr == (
            "Error: --db: '/dev/null' is not a regular file (a device, FIFO or socket)\n"
        )
    assert not Path("/dev/null-journal").exists()


def test_info_names_the_backend_and_its_version_never_a_password(cli, any_db):
    url = any_db
    if url.startswith("postgresql"):  # trust auth takes any password: it must not show
        url = url.replace("postgres@", "postgres:s3cret-pw@", 1)
    cli("--db", url, "init")
    facts = cli.json("--db", url, "info")
    shown = cli("--db", url, "info").stdout
    assert "s3cret-pw" not in shown + str(facts)
    if url.startswith("postgresql"):
        assert facts["backend"] == "postgresql"
        assert re.fullmatch(r"PostgreSQL \d+(\.\d+)*", facts["server_version"])
    else:
        assert facts["backend"] == "sqlite"
        assert facts["server_version"] == f"SQLite {sqlite3.sqlite_version}"
    assert facts["schema_version"] >= 6 and facts["server_version"] in shown


def test_partial_indexes_are_partial_on_each_backend(store):
    """models.partial_unique declares SQLite's form only (so a SQLite command never imports
    the PostgreSQL dialect); opening a PostgreSQL database adds that backend's."""
    from sqlalchemy.schema import CreateIndex

    from pressfree.store.models import CustodyPeriod, Person

    for model, name, where in (
        (Person, "uq_person_name", "NOT placeholder"),
        (CustodyPeriod, "uq_custody_open", "released_on IS NULL"),
    ):
        index = next(i for i in model.__table__.indexes if i.name == name)
        created = str(CreateIndex(index).compile(dialect=store.engine.dialect)).strip()
        assert created.startswith(f"CREATE UNIQUE INDEX {name} ON ")
        assert created.endswith(f" WHERE {where}")


def test_files_sqlite_keeps_beside_a_database_are_not_databases(pressfree, tmp_path):
    for suffix in ("-wal", "-shm", "-journal"):
        path = tmp_path / f"v.db{suffix}"
        assert pressfree("--db", path, "add", "raid", "--date", "2021", code=2).stderr == (
            f"Error: --db: '{path}' is the name of a file SQLite keeps beside a database (and "
            "deletes): name the database itself\n"
        )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("url", ["postgresql+psycopg://", "postgresql+psycopg://u@127.0.0.1/"])
def test_a_server_url_naming_no_database_is_refused(pressfree, url):
    assert pressfree("--db", url, "list", code=2).stderr == (
        f"Error: --db: '{url}' names no database on the server (add its name: "
        "postgresql+psycopg://host/name)\n"
    )


def test_every_folder_made_for_a_new_database_is_private(pressfree, tmp_path):
    import os

    old = os.umask(0)
    try:
        pressfree("--db", tmp_path / "a" / "b" / "new.db", "add", "raid", "--date", "2021")
    finally:
        os.umask(old)
    modes = [stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "a", tmp_path / "a" / "b")]
    assert modes == [0o700, 0o700]
    assert stat.S_IMODE((tmp_path / "a" / "b" / "new.db").stat().st_mode) == 0o600


def test_a_refused_write_leaves_another_program_s_file_as_it_was(pressfree, tmp_path):
    path = tmp_path / "contacts.db"
    other = connect_file(path)
    other.execute("CREATE TABLE contacts (name TEXT)")
    other.commit()
    other.close()
    before = path.read_bytes()
    pressfree("--db", path, "add", "raid", "--date", "2021", code=1)
    assert path.read_bytes() == before  # still in its own journal mode, unchanged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.db"]


def test_names_and_places_are_listed_in_one_order_on_both_backends(cli, any_db):
    """The test server's databases collate by ICU `en` (helpers.Databases), which would put
    "_x" before "ann" and "Ärla" before "Bob": lists follow the names case aside, then code
    points, on either backend; the summary's top ten break ties alike."""
    names = ["Zed", "Ärla", "ann Lee", "_x", "Bob", "bob B"]
    for name, city in zip(names, ["Минск", "Brest", "brest", "_c", "Ölen", "Zhodzina"]):
        cli(
            "--db",
            any_db,
            "add",
            "raid",
            "--date",
            "2021-07-01",
            "-j",
            name,
            "--force",
            "--city",
            city,
            "--outlet",
            f"{name} Media",
        )
    listed = [r["name"] for r in cli.json("--db", any_db, "journalists")]
    assert listed == ["_x", "ann Lee", "Bob", "bob B", "Zed", "Ärla"]
    outlets = [r["name"] for r in cli.json("--db", any_db, "outlets")]
    assert outlets == [f"{n} Media" for n in ["_x", "ann Lee", "bob B", "Bob", "Zed", "Ärla"]]
    summary = cli.json("--db", any_db, "summary", "--month", "2021-07")
    assert [r["name"] for r in summary["top_journalists"]] == listed
    assert [r["city"] for r in summary["by_city"]] == [
        "Brest",
        "Zhodzina",
        "_c",
        "brest",
        "Ölen",
        "Минск",
    ]


@pytest.mark.sqlite_only
def test_reading_a_file_this_user_cannot_write_leaves_nothing_beside_it(cli, db_path, monkeypatch):
    """Opened read-only, SQLite would leave this user's -wal and -shm beside another's
    database (its owner could then no longer write it): a file without a log is read as it
    is. Root may write any file, so the test says which file this user cannot write."""
    import os

    cli("add", "raid", "--date", "2021-07-01", "--summary", "Kept")
    assert not db_path.with_name(db_path.name + "-wal").exists()
    before = sorted(p.name for p in db_path.parent.iterdir())
    writable = os.access
    monkeypatch.setattr(
        os, "access", lambda p, m: False if Path(p) == db_path and m == os.W_OK else writable(p, m)
    )
    assert [i["summary"] for i in cli.json("list")] == ["Kept"]
    assert cli.json("summary", "--month", "2021-07")["total_incidents"] == 1
    assert sorted(p.name for p in db_path.parent.iterdir()) == before


def test_a_failed_first_write_leaves_no_database_and_no_folders(pressfree, tmp_path):
    """The new file is built under a partial name and linked into place only when the
    command's write commits: a command that fails, before or after opening it, leaves
    neither a schema-filled file nor the folders made for it (issue 26)."""
    new = tmp_path / "nodir" / "sub" / "new.db"
    pressfree("--db", new, "add", "raid", "--date", "2021-02-30", code=2)
    said = pressfree("--db", new, "add", "no-such-kind", "--date", "2021-07-01", code=2).stderr
    assert "kind: 'no-such-kind' is not a known kind" in said
    pressfree("--db", new, "tally", "add", "raid", "x", "--period", "2021-07", code=2)
    pressfree("--db", new, "import", SAMPLE, "--dry-run")  # a dry run writes nothing
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    pressfree("--db", new, "add", "raid", "--date", "2021-07-01", "--summary", "Kept")
    assert sorted(p.name for p in new.parent.iterdir()) == ["new.db"]
    assert [stat.S_IMODE(p.stat().st_mode) for p in (new, new.parent, new.parent.parent)] == [
        0o600,
        0o700,
        0o700,
    ]
    assert connect_file(new).execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert [i["summary"] for i in pressfree.json("--db", new, "list")] == ["Kept"]
    empty = tmp_path / "empty.db"
    pressfree("--db", empty, "init")
    assert connect_file(empty).execute("SELECT count(*) FROM incident").fetchone() == (0,)


def test_commands_making_one_new_database_take_turns(tmp_path):
    """The second command to make a new file waits for the first (a lock on the folder) and
    then writes into the file the first made; another program making the file meanwhile
    is not overwritten: the command is told and keeps nothing."""
    import threading

    from pressfree.errors import PressfreeError
    from pressfree.store import db

    path = tmp_path / "shared.db"
    first = db.open_store(str(path), until_written=True)
    opened: list = []
    second = threading.Thread(target=lambda: opened.append(db.open_store(str(path))))
    second.start()  # waits for the folder's lock
    with first.session(write=True) as session:
        session.exec(text("CREATE TABLE mine (x)"))
        session.exec(text("INSERT INTO mine VALUES (1)"))
    second.join(timeout=60)
    assert opened and opened[0].new is None  # it opened the first's file
    with opened[0].session(write=True) as session:
        session.exec(text("CREATE TABLE theirs (x)"))
    first.dispose()
    opened[0].dispose()
    reader = connect_file(path)
    tables = {r[0] for r in reader.execute("SELECT name FROM sqlite_master")}
    reader.close()
    assert {"mine", "theirs"} <= tables
    other = tmp_path / "other.db"
    late = db.open_store(str(other), until_written=True)
    connect_file(other).close()  # another program makes the file meanwhile
    with pytest.raises(PressfreeError, match="was created by another command meanwhile"):
        with late.session(write=True) as session:
            session.exec(text("CREATE TABLE late (x)"))
            session.exec(text("INSERT INTO late VALUES (1)"))
    late.dispose()
    assert other.stat().st_size == 0
    assert not [p.name for p in tmp_path.iterdir() if "partial" in p.name]


def test_a_new_database_killed_before_its_first_write_is_swept(pressfree, tmp_path):
    """kill -9 leaves the partial file (a database with no data of the user's yet): the
    next command that writes in that folder removes it, as it removes a killed backup's."""
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    left = tmp_path / f".new.db.{gone}.pressfree-partial"
    left.write_bytes(b"SQLite format 3\0")
    pressfree("--db", tmp_path / "other.db", "add", "raid", "--date", "2021-07-01")
    assert not left.exists()


def test_a_dash_is_no_database_file(pressfree, tmp_path):
    """`-` is standard output wherever pressfree writes a file; as a database it made a file
    named "-" (once in the checkout, through a test's `copy --to -`)."""
    pressfree("--db", tmp_path / "x.db", "init")
    for args, field in (
        (["--db", "-", "add", "raid", "--date", "2021-07-01"], "--db"),
        (["--db", tmp_path / "x.db", "copy", "--to", "-"], "--to"),
    ):
        refused = pressfree.invoke(*args)
        assert (refused.exit_code, refused.stderr) == (
            2,
            f"Error: {field}: '-' means standard output elsewhere, not a database file: name a "
            "file\n",
        )
    assert not (tmp_path / "-").exists()
