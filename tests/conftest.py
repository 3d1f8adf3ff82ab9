"""Fixtures: every test runs in a temporary home and data folder; a test that needs a
database asks for one (through `backend`, `cli` or a module's corpus) and gets a new one on
each backend, cloned from a schema built once per session."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from helpers import (
    BACKENDS,
    PLAIN_BACKENDS,
    SAMPLE,
    TEST_PASSPHRASE,
    Cli,
    Templates,
    close_server,
    discard,
    encryption_installed,
    environment,
    new_location,
    passphrases,
    raw_engine,
)

# Generated tests find the same examples on every run (derandomize), wait for no clock
# (no deadline, no health check on slow generation: a busy machine is not a failure) and
# write nothing into the checkout. `--hypothesis-profile=explore` searches further.
settings.register_profile(
    "pressfree",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "explore", parent=settings.get_profile("pressfree"), derandomize=False, max_examples=500
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "pressfree"))

# Commands run in-process here as the installed command runs them: with its garbage
# collector thresholds (pressfree.cli.main), not Python's default of a collection every 700
# new objects, which spent a quarter of the suite's time looking for cycles among
# SQLAlchemy's objects.
gc.set_threshold(100_000, 50, 100)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Where PRESSFREE_NOTHING_SKIPS is set (CI, which has a server, the datasets and every
    extra), a test that would skip fails instead, with its reason."""
    report = (yield).get_result()
    if report.skipped and os.environ.get("PRESSFREE_NOTHING_SKIPS"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped, where PRESSFREE_NOTHING_SKIPS is set: {reason}"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No test can touch a user's files or database, nor the checkout: a temporary home and
    data folder, PRESSFREE_DB at a file of the test's own that nothing has made, and the
    test's own folder to work in."""
    environment(monkeypatch, tmp_path)
    monkeypatch.setenv("PRESSFREE_DB", str(tmp_path / "unused.db"))
    monkeypatch.chdir(tmp_path)  # a relative name a command is given is written here


@pytest.fixture(scope="session")
def templates(tmp_path_factory):
    built = Templates(tmp_path_factory.mktemp("templates"))
    yield built
    built.close()
    close_server()


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path, monkeypatch, templates):
    """The test's own database, on each backend in turn: PRESSFREE_DB names a new SQLite file
    or a new PostgreSQL database (its half skipped, with the reason, when no server is
    configured), at the current schema and empty. A test marked `new_database`, or asking
    whether its database was `created`, gets a location where nothing has been made yet, to
    see what a first command creates. An encrypted file's commands find its passphrase in
    PRESSFREE_PASSPHRASE."""
    if request.param == "sqlcipher":
        encryption_installed()
        monkeypatch.setenv("PRESSFREE_PASSPHRASE", TEST_PASSPHRASE)
    if request.node.get_closest_marker("new_database") or "created" in request.fixturenames:
        location = new_location(request.param, tmp_path)
    else:
        location = templates.clone(request.param, tmp_path)
    monkeypatch.setenv("PRESSFREE_DB", location)
    yield request.param
    discard(location)


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL run of a test about SQLite files, or the PostgreSQL or encrypted run of
    one that makes its own databases on each backend, would repeat its SQLite run: it is
    left out (deselected, not skipped, so that a run with a server skips nothing)."""
    kept, dropped = [], []
    for item in items:
        params = getattr(item, "callspec", None)
        repeated = params is not None and (
            params.params.get("backend") == "postgresql"
            and item.get_closest_marker("sqlite_only") is not None
            or params.params.get("backend") in ("postgresql", "sqlcipher")
            and (
                item.get_closest_marker("runs_once") is not None
                or {"any_db", "pg_url"} & set(item.fixturenames)
            )
        )
        (dropped if repeated else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
def cli(backend) -> Cli:
    """pressfree, in-process, on the test's database."""
    return Cli()


@pytest.fixture
def pressfree() -> Cli:
    """pressfree, in-process, for a test that names its databases itself (--db) or needs
    none: it runs once, not on each backend."""
    return Cli()


@pytest.fixture
def db_path(backend) -> Path:
    """The test's SQLite file (for tests marked sqlite_only)."""
    return Path(os.environ["PRESSFREE_DB"])


@pytest.fixture
def sample(cli) -> Cli:
    """A database with the bundled Belarus July 2021 sample loaded."""
    cli("import", SAMPLE)
    return cli


@pytest.fixture
def store(backend):
    """The test's database opened for writing, on the backend the test runs on."""
    from pressfree.store import db

    opened = db.open_store(os.environ["PRESSFREE_DB"], passphrases=passphrases(backend))
    yield opened
    opened.dispose()


@pytest.fixture
def pg_url():
    """A new, empty PostgreSQL database of the test's own, dropped afterwards."""
    url = new_location("postgresql", None)
    yield url
    discard(url)


@pytest.fixture(params=PLAIN_BACKENDS)
def any_db(request, tmp_path):
    """A new database location on each backend in turn, where nothing has been made yet: a
    SQLite file's path, an empty PostgreSQL database."""
    location = new_location(request.param, tmp_path, "any.db")
    yield location
    discard(location)


@pytest.fixture
def sql(backend):
    """Runs one SQL statement on the test's database, whichever the backend: rows as tuples
    for a query, the row count otherwise."""
    from sqlalchemy import text

    engines: list = []  # made at the first statement: a new file is encrypted or not then

    def run(statement: str, **params):
        if not engines:
            engines.append(raw_engine(os.environ["PRESSFREE_DB"]))
        with engines[0].begin() as connection:
            result = connection.execute(text(statement), params)
            return [tuple(r) for r in result] if result.returns_rows else result.rowcount

    yield run
    for engine in engines:
        engine.dispose()


@pytest.fixture
def created(backend):
    """Whether the test's database has been created: its SQLite file exists, or its
    PostgreSQL database holds pressfree's tables (for tests that nothing was written).
    Only meaningful on a test marked `new_database`."""
    from sqlalchemy import inspect

    def check() -> bool:
        location = os.environ["PRESSFREE_DB"]
        if "://" not in location:
            return os.path.exists(location)
        engine = raw_engine(location)
        try:
            with engine.connect() as connection:
                return inspect(connection).has_table("alembic_version")
        finally:
            engine.dispose()

    return check
