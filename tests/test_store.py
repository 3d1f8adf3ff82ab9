"""The store: where the database is, SQLite settings, privacy, transactions, schema upgrades."""

import shutil
import sqlite3
import stat

import pytest
from sqlalchemy import text

from conftest import FIXTURES


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
    for command in (["list"], ["summary", "--month", "2021-07"], ["info"], ["export"],
                    ["backup", tmp_path / "copy.db"]):
        result = cli("--db", missing, *command, code=2)
        assert result.stderr == (f"Error: --db: '{missing}' does not exist (any command that "
                                 "records something, or `pressfree init`, creates it)\n")
    assert not missing.exists()
    for url in ("sqlite:///", "sqlite://"):
        result = cli("--db", url, "list", code=2)
        assert result.stderr == (f"Error: --db: '{url}' names no database file (pressfree "
                                 "keeps its data in a file)\n")


def test_new_database_is_private_and_uses_wal(cli, db_path, store):
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000


def test_info_reports_schema_and_counts(sample):
    facts = sample.json("info")
    assert facts["schema_version"] == 4
    assert facts["schema_revision"] == "0004_rules"
    assert (facts["incidents"], facts["tallies"], facts["designations"]) == (2, 2, 1)
    assert facts["first_incident"] == "2021-07-26" and facts["last_incident"] == "2021-07-30"


def test_schema_matches_the_models(store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    import pressfree.models  # noqa: F401

    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection),
                                SQLModel.metadata) == []


def test_a_schema_1_database_is_upgraded_in_place_without_loss(cli, tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema1.db", path)
    # reading never changes the file: a command that only reads asks for the upgrade
    result = cli("--db", path, "list", code=1)
    assert result.stderr == ("Error: database: schema 0001 is older than this pressfree "
                             "(0004): run `pressfree init` to upgrade it (reading never "
                             "changes the file)\n")
    assert not (tmp_path / "old.db.schema-1.bak").exists()
    cli("--db", path, "init")
    [raid, detention] = cli.json("--db", path, "list")
    assert raid["id"] == "0b7c3e52-9d41-4a8e-8f0e-6c2d9a1b7e11"
    assert raid["kinds"] == ["equipment-seizure", "raid"]
    assert raid["outlets"] == ["Наша Ніва"]
    assert raid["summary"] == "Search of a newsroom; Łukašenka era"
    assert raid["sources"] == [{"url": "https://example.org/report", "publisher": "BAJ",
                                "title": "Weekly review", "published": "2021-07-31"}]
    assert raid["tags"] == ["newsroom"] and raid["status"] == "confirmed"
    assert raid["created_at"] == "2021-07-31T09:00:00Z"
    assert detention["journalists"] == ["Андрэй Ŭładzimiraŭ"]
    assert detention["date"] == "2021-07"
    assert cli.json("--db", path, "info")["schema_version"] == 4
    kinds = {k["slug"]: k["count"] for k in cli.json("--db", path, "kinds")}
    assert kinds["internet-shutdown"] == 0 and kinds["raid"] == 1
    # the file as it was is kept beside the upgraded one
    backup = tmp_path / "old.db.schema-1.bak"
    old = sqlite3.connect(backup)
    assert old.execute("select version_num from alembic_version").fetchone() == ("0001_core",)
    assert old.execute("select count(*) from incident").fetchone() == (2,)
    old.close()
    # the ledger holds the journalist detained before it existed
    custody = cli.json("--db", path, "custody", "--as-of", "2021-07-31")
    assert [(c["person"], c["since"]) for c in custody["held"]] == [
        ("Андрэй Ŭładzimiraŭ", "2021-07")]
    # new tables work on the upgraded file
    cli("--db", path, "tally", "add", "raid", "200+", "--period", "2021-07", "--country", "BY",
        "--publisher", "Viasna")
    assert len(cli.json("--db", path, "tally", "list")) == 1


def test_a_file_that_is_not_a_database(cli, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a database at all, just some notes\n" * 100)
    result = cli("--db", path, "list", code=1)
    assert result.stderr.startswith(f"Error: --db: '{path}' cannot be opened as a database")


def test_every_write_is_one_transaction(store):
    """A failure after the first insert leaves nothing behind."""
    from pressfree import incidents
    from pressfree.models import Incident
    from pressfree.schemas import IncidentIn, validated

    draft = validated(IncidentIn, kinds=["raid"], date="2021-07-30")
    with pytest.raises(RuntimeError):
        with store.session(write=True) as session:
            incidents.add(session, draft)
            raise RuntimeError("power cut")
    with store.session() as session:
        assert session.execute(text("select count(*) from incident")).scalar() == 0
        assert session.get(Incident, 1) is None


def test_two_writers_wait_for_each_other(store, db_path):
    """A second writer waits on the busy timeout instead of failing at once."""
    import threading

    from pressfree import db, incidents
    from pressfree.schemas import IncidentIn, validated

    other = db.open_store(str(db_path))
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


def test_migration_files_are_named_by_their_revisions():
    """db.head_revision() reads the newest file name instead of importing Alembic."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from pressfree import db

    config = Config()
    config.set_main_option("script_location", str(db.MIGRATIONS))
    scripts = ScriptDirectory.from_config(config)
    assert scripts.get_current_head() == db.head_revision() == "0004_rules"
    for script in scripts.walk_revisions():
        assert script.path.endswith(f"{script.revision}.py")


def test_file_system_problems_are_one_line(cli, tmp_path):
    blocker = tmp_path / "file.db"
    blocker.write_text("x")
    result = cli("--db", blocker / "sub.db", "init", code=2)
    assert result.stderr.startswith(f"Error: --db: '{blocker / 'sub.db'}' cannot be created")
    cli("add", "raid", "--date", "2021-07-30")
    result = cli("backup", blocker / "x.db", code=2)
    assert result.stderr == (f"Error: path: '{blocker / 'x.db'}' is in a folder that does not "
                             "exist (create it first)\n")
    result = cli("export", "--out", "/proc/pressfree.json", code=2)
    assert result.stderr.startswith("Error: --out: '/proc/pressfree.json' cannot be written")
    result = cli("list", "--limit", "99999999999999999999", code=2)
    assert result.stderr.startswith("Error: --limit: 99999999999999999999 must be between")
    result = cli("tally", "add", "raid", "99999999999999999999", "--period", "2021",
                 "--country", "BY", "--publisher", "X", code=2)
    assert result.stderr == ("Error: value: '99999999999999999999' is too large (at most "
                             "2,147,483,647)\n")
    result = cli("add", "raid", "--date", "2021-07-01..2021-07-02..2021-07-03", code=2)
    assert result.stderr.startswith("Error: date: '2021-07-01..2021-07-02..2021-07-03' has "
                                    "more than one '..'")
