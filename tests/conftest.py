"""Shared fixtures: every test runs on a temporary database and a temporary data folder."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
import typer.testing
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "belarus-2021-07.json"
FIXTURES = Path(__file__).with_name("fixtures")
# Real exports of other trackers (shared/datasets beside the checkout, or where
# PRESSFREE_DATASETS says, as .ci/run does): tests that need them skip without them.
DATASETS = Path(os.environ.get("PRESSFREE_DATASETS") or ROOT.parent / "shared" / "datasets")


BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(autouse=True, params=BACKENDS)
def backend(request, tmp_path, monkeypatch):
    """Every test runs twice, once on each backend: PRESSFREE_DB is a new SQLite file, or a
    new PostgreSQL database of the test's own (dropped afterwards; the half is skipped, with
    the reason, when no server is configured). No test can touch a user's database: the data
    folder is temporary too. Tests about SQLite files alone are marked sqlite_only, and tests
    that choose their own databases (any_db, pg_url, or marked runs_once) run once; see
    pytest_collection_modifyitems.
    """
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("PRESSFREE_USER", raising=False)
    if request.param == "sqlite":
        monkeypatch.setenv("PRESSFREE_DB", str(tmp_path / "test.db"))
        yield request.param
        return
    url, admin, name = _new_pg_database()
    monkeypatch.setenv("PRESSFREE_DB", url)
    yield request.param
    _drop_pg_database(admin, name)


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL run of a test about SQLite files, or of one that makes its own
    databases on each backend, would repeat its SQLite run: it is left out (deselected,
    not skipped, so that a run with a server skips nothing)."""
    kept, dropped = [], []
    for item in items:
        params = getattr(item, "callspec", None)
        repeated = params is not None and params.params.get("backend") == "postgresql" and (
            item.get_closest_marker("sqlite_only") is not None
            or item.get_closest_marker("runs_once") is not None
            or {"any_db", "pg_url"} & set(item.fixturenames))
        (dropped if repeated else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "test.db"


_BUILT: dict = {}


def _built_once(app):
    """Typer's CliRunner builds the whole Click command again on every invoke (0.13 s for
    pressfree's commands, most of a short test); the installed command builds it once per
    process, and so do the tests (in every CliRunner, through typer.testing's own name)."""
    from typer.main import get_command

    if app not in _BUILT:
        _BUILT[app] = get_command(app)
    return _BUILT[app]


typer.testing._get_command = _built_once


class Cli:
    """Runs pressfree in-process with CliRunner and checks exit codes."""

    def __init__(self):
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int = 0, input: str | None = None):
        from pressfree.cli import app

        result = self.runner.invoke(app, [str(a) for a in args], input=input)
        if result.exit_code != code:
            raise AssertionError(
                f"pressfree {' '.join(map(str, args))} exited {result.exit_code}, "
                f"expected {code}\nstdout: {result.stdout}\nstderr: {result.stderr}\n"
                f"exception: {result.exception!r}")
        return result

    def json(self, *args: str):
        return json.loads(self(*args, "--format", "json").stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def sample(cli) -> Cli:
    """A database with the bundled Belarus July 2021 sample loaded."""
    cli("import", SAMPLE)
    return cli


@pytest.fixture
def store():
    """The test's database opened for writing, on the backend the test runs on."""
    from pressfree import db

    opened = db.open_store(os.environ["PRESSFREE_DB"])
    yield opened
    opened.dispose()


SERVER = os.environ.get("PRESSFREE_TEST_POSTGRES")


def _new_pg_database() -> tuple[str, object, str]:
    if not SERVER:
        if os.environ.get("PRESSFREE_REQUIRE_POSTGRES"):
            pytest.fail("PRESSFREE_REQUIRE_POSTGRES is set but PRESSFREE_TEST_POSTGRES is not")
        pytest.skip("no PostgreSQL server configured: set PRESSFREE_TEST_POSTGRES to run")
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"pressfree_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return make_url(SERVER).set(database=name).render_as_string(hide_password=False), admin, name


def _drop_pg_database(admin, name: str) -> None:
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def pg_url():
    """A new, empty PostgreSQL database of the test's own, dropped afterwards."""
    url, admin, name = _new_pg_database()
    yield url
    _drop_pg_database(admin, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request, tmp_path):
    """A new database location on each backend in turn: a SQLite file, a PostgreSQL
    database (skipped, with the reason, when no server is configured)."""
    if request.param == "sqlite":
        yield str(tmp_path / "any.db")
        return
    url, admin, name = _new_pg_database()
    yield url
    _drop_pg_database(admin, name)


@pytest.fixture
def sql():
    """Runs one SQL statement on the test's database, whichever the backend: rows as tuples
    for a query, the row count otherwise."""
    from sqlalchemy import create_engine, text

    def run(statement: str, **params):
        location = os.environ["PRESSFREE_DB"]
        engine = create_engine(location if "://" in location else f"sqlite:///{location}")
        try:
            with engine.begin() as connection:
                result = connection.execute(text(statement), params)
                return [tuple(r) for r in result] if result.returns_rows else result.rowcount
        finally:
            engine.dispose()

    return run


@pytest.fixture
def created():
    """Whether the test's database has been created: its SQLite file exists, or its
    PostgreSQL database holds pressfree's tables (for tests that nothing was written)."""
    from sqlalchemy import create_engine, inspect

    def check() -> bool:
        location = os.environ["PRESSFREE_DB"]
        if "://" not in location:
            return Path(location).exists()
        engine = create_engine(location)
        try:
            with engine.connect() as connection:
                return inspect(connection).has_table("alembic_version")
        finally:
            engine.dispose()

    return check
