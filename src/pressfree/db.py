"""Where the database is, opening it, upgrading its schema, and transactions."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from pressfree.errors import InvalidValue, PressfreeError

ENV_VAR = "PRESSFREE_DB"
MIGRATIONS = Path(__file__).with_name("migrations")


def default_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path("pressfree") / "pressfree.db"


def resolve_location(option: str | None) -> str:
    """--db wins over PRESSFREE_DB, which wins over the user data folder."""
    if option is not None:
        value, field = option, "--db"
    elif ENV_VAR in os.environ:
        value, field = os.environ[ENV_VAR], ENV_VAR
    else:
        return str(default_path())
    if not value.strip():
        raise InvalidValue(field, value, "is empty: give a file path or a database URL")
    return value


def backend_for(dialect: str):
    """The module holding everything specific to one database backend."""
    if dialect == "sqlite":
        from pressfree import sqlite_backend as backend
    else:
        from pressfree import postgres_backend as backend
    return backend


@dataclass
class Store:
    """An open database: an engine plus the knowledge of which backend it is."""

    location: str
    engine: object
    path: Path | None  # the SQLite file, or None for a server database

    @property
    def backend(self):
        return backend_for(self.engine.dialect.name)

    @property
    def display(self) -> str:
        """Where the database is, with any password in a URL hidden."""
        return str(self.path) if self.path else self.engine.url.render_as_string(
            hide_password=True)

    @contextmanager
    def session(self, write: bool = False) -> Iterator:
        """One transaction: committed when the block ends, rolled back on any error."""
        from sqlmodel import Session

        bind = self.engine.execution_options(pressfree_write=write)
        with Session(bind, expire_on_commit=False) as session:
            with session.begin():
                yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(location: str, upgrade: bool = True, create: bool = True) -> Store:
    """Open (and create, and upgrade) the database at a path or SQLAlchemy URL.

    With create=False a SQLite file that does not exist is an error: a mistyped --db for a
    read-only command should say so, not report an empty new database.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ArgumentError

    engine = None
    if "://" in location:
        try:
            engine = create_engine(location)
        except (ArgumentError, ImportError) as error:
            raise InvalidValue("--db", location,
                               f"is not a usable database URL ({error})") from None
        if engine.url.get_backend_name() == "sqlite":
            if not engine.url.database or engine.url.database == ":memory:":
                raise InvalidValue("--db", location, "names no database file (pressfree keeps "
                                                     "its data in a file)")
            path = Path(engine.url.database)
        else:
            path = None
    else:
        path = Path(location).expanduser()
    if path is not None:
        from pressfree import sqlite_backend

        if path.is_dir():
            raise InvalidValue("--db", location, "is a folder, not a database file")
        if not create and not path.exists():
            raise InvalidValue("--db", location, "does not exist (any command that records "
                                                 "something, or `pressfree init`, creates it)")
        sqlite_backend.create_private_file(path)
        engine = engine or create_engine(f"sqlite:///{path}")
        sqlite_backend.configure(engine)
    else:
        from pressfree import postgres_backend

        postgres_backend.configure(engine)
    store = Store(location, engine, path)
    if upgrade:
        upgrade_schema(store)
    return store


def _alembic_config(connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema. Migration files are named by their revision ids, numbered in
    order (a test holds them to it), so this needs no Alembic import on every start."""
    return max(p.stem for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def current_revision(store: Store) -> str | None:
    """The schema the database is at; None for a new, empty database."""
    from sqlalchemy import inspect, text

    with store.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def schema_version(revision: str | None) -> int:
    """Revisions are named 0001_core, 0002_ledger ...: the number is the schema version."""
    return int(revision.split("_", 1)[0]) if revision else 0


def upgrade_schema(store: Store, target: str = "head") -> None:
    """Bring the schema up to date in one transaction, keeping a copy of an older file."""
    from sqlalchemy.exc import DatabaseError, OperationalError

    try:
        current = current_revision(store)
    except (OperationalError, DatabaseError) as error:
        raise PressfreeError(f"--db: {store.display!r} cannot be opened as a database "
                             f"({error.orig})") from None
    head = head_revision() if target == "head" else target
    if current == head:
        return
    if current is not None and store.path is not None:
        # An upgrade rewrites tables; keep the old file until the user deletes it.
        backup_path = store.path.with_name(
            f"{store.path.name}.schema-{schema_version(current)}.bak")
        if not backup_path.exists():
            store.backend.backup(store.path, backup_path)
    from alembic import command  # only when there is something to upgrade: it is slow

    with store.engine.execution_options(pressfree_write=True).connect() as connection:
        with store.backend.migrating(connection):
            command.upgrade(_alembic_config(connection), target)
