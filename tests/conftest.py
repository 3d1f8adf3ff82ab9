"""Shared fixtures: every test runs on a temporary database and a temporary data folder."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "belarus-2021-07.json"
FIXTURES = Path(__file__).with_name("fixtures")
# Real exports of other trackers (shared/datasets beside the checkout, or where
# PRESSFREE_DATASETS says, as .ci/run does): tests that need them skip without them.
DATASETS = Path(os.environ.get("PRESSFREE_DATASETS") or ROOT.parent / "shared" / "datasets")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No test can touch a user's database: the data folder and PRESSFREE_DB are temporary."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.setenv("PRESSFREE_DB", str(tmp_path / "test.db"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("CI", raising=False)
    yield


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "test.db"


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
def store(db_path):
    from pressfree import db

    opened = db.open_store(str(db_path))
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
