"""Everything SQLite-only: file creation (0600), pragmas, write locks and online backup.

Its PostgreSQL twin is postgres_backend.py; db.py picks one by the URL's dialect.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine

from pressfree.errors import InvalidValue

BUSY_TIMEOUT_MS = 10_000


def create_private_file(path: Path, field: str = "--db") -> None:
    """Create the database file readable and writable by its owner only: it names people."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
    except OSError as error:
        raise InvalidValue(field, str(path), f"cannot be created ({error.strerror})") from None


def configure(engine: Engine) -> None:
    """Foreign keys on, WAL, a busy timeout; write transactions take the lock at BEGIN."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # BEGIN IMMEDIATE takes the write lock up front, so two terminals writing at once
        # wait for each other (busy timeout) instead of failing halfway through.
        write = connection.get_execution_options().get("pressfree_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def backup(source: Path, target: Path) -> int:
    """Copy a live database with SQLite's online backup API; returns pages copied.

    The copy is made beside the target and renamed over it when complete, so an older
    backup of the same name survives a failed one."""
    partial = target.with_name(f".{target.name}.partial")
    if partial.is_file():
        partial.unlink()  # left by a backup that was interrupted
    create_private_file(partial, "path")
    src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)
    dst = sqlite3.connect(partial)
    try:
        # pages=-1 copies in one step: the copy is one consistent snapshot even while
        # another process writes (a stepped copy restarts whenever the source changes).
        src.backup(dst, pages=-1)
        pages = dst.execute("PRAGMA page_count").fetchone()[0]
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()
        src.close()
    os.replace(partial, target)
    return pages


@contextmanager
def migrating(connection) -> Iterator[None]:
    """Foreign keys off while Alembic's batch mode copies tables (on, DROP TABLE would
    cascade and delete every linked row), then checked before the upgrade commits."""
    raw = connection.connection.driver_connection
    raw.execute("PRAGMA foreign_keys = OFF")  # only takes effect outside a transaction
    try:
        with connection.begin():
            yield
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"schema upgrade broke {len(broken)} links: {broken[:3]}")
    finally:
        raw.execute("PRAGMA foreign_keys = ON")


def reserve_ids(connection, table, count: int) -> list[int]:
    """Ids for rows about to be inserted in bulk. The write lock (BEGIN IMMEDIATE) is held,
    so nobody else can take the ones after the current largest."""
    from sqlalchemy import func, select

    top = connection.execute(select(func.max(table.c.id))).scalar() or 0
    return list(range(top + 1, top + 1 + count))
