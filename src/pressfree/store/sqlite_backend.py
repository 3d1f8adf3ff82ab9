"""Everything SQLite-only: file creation (0600), pragmas, write locks and online backup.

Its PostgreSQL twin is postgres_backend.py; db.py picks one by the URL's dialect.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.engine import Engine

from pressfree.errors import InvalidValue, PressfreeError
from pressfree.store import extra_values
from pressfree.store.encryption import Key, connect, key_connection
from pressfree.store.private_files import PARTIAL, WholeFile, create_private_file
from pressfree.store.writes import WRITE_WAIT_SECONDS, bulk_values

BUSY_TIMEOUT_MS = WRITE_WAIT_SECONDS * 1000
CACHE_KIB = 64 * 1024
SORT_CACHE_KIB = 16 * 1024  # while indexes are made again (indexes_set_aside)
# Rows to each INSERT of a bulk write: enough that an FTS5 index is written out once per 100
# rows, not once per row; few enough that the prepared statements stay small.
ROWS_PER_STATEMENT = 100


def create_folders(folder: Path, field: str = "--db") -> list[Path]:
    """FOLDER and every missing folder above it, each private (0700: mkdir's mode reaches
    only the last, and the umask may widen it); the ones made, deepest first."""
    made: list[Path] = []
    try:
        for each in reversed([folder, *folder.parents]):
            if not each.exists():
                each.mkdir(mode=0o700)
                each.chmod(0o700)  # whatever the umask
                made.insert(0, each)
    except OSError as error:
        remove_folders(made)
        raise InvalidValue(field, str(folder), f"cannot be created ({error.strerror})") from None
    return made


def remove_folders(made: list[Path]) -> None:
    """Folders create_folders made, deepest first, each only if still empty."""
    for folder in made:
        try:
            folder.rmdir()
        except OSError:
            return


class NewDatabase:
    """A database file that does not exist yet, built under a partial name beside it and
    linked into place only once a command has written to it: a command that fails leaves
    neither a schema-filled file nor the folders made for it, and no other command can open
    the file before it is whole. Until then it keeps a rollback journal (a write-ahead log
    is named after its file, and would not follow the link); the next command that writes
    to it turns on WAL."""

    def __init__(self, path: Path, folders: list[Path], lock: int | None):
        self.path, self.folders, self.lock = path, folders, lock
        # the process id last, as remove_stale_partials reads it; a token before it, for
        # two stores of one process (a test, a script) making the same file
        token = os.urandom(4).hex()
        self.partial = path.with_name(f".{path.name}.{token}.{os.getpid()}{PARTIAL}")
        try:
            create_private_file(self.partial, "--db")
        except InvalidValue:
            self.discard()
            raise InvalidValue(
                "--db", str(path), "cannot be created (its folder cannot be written)"
            ) from None

    def publish(self) -> None:
        """Link the written database into place; if another command has created a database
        of that name meanwhile, this one's writes are not kept, and the user is told so."""
        try:
            os.link(self.partial, self.path)
        except FileExistsError:
            raise PressfreeError(
                f"--db: {self.path} was created by another command meanwhile; nothing was "
                "written to it: run the command again"
            ) from None
        except OSError:  # a file system without hard links: a rename cannot replace
            if self.path.exists():  # (the window is only that of this check)
                raise PressfreeError(
                    f"--db: {self.path} was created by another command meanwhile; nothing "
                    "was written to it: run the command again"
                ) from None
            os.rename(self.partial, self.path)
        finally:
            self.discard(keep_folders=True)

    def discard(self, keep_folders: bool = False) -> None:
        for suffix in ("", "-journal"):
            Path(f"{self.partial}{suffix}").unlink(missing_ok=True)
        if not keep_folders:
            remove_folders(self.folders)
        if self.lock is not None:
            os.close(self.lock)  # the next command making a database here goes on
            self.lock = None


def new_database(path: Path) -> NewDatabase | None:
    """A NewDatabase for PATH, or None when another command has made it meanwhile. Commands
    making a database in one folder take turns (a lock on the folder, held until the file
    is in place or given up, released by the system if the process dies): so two first
    commands at once both succeed, the second on the file the first made."""
    folders = create_folders(path.parent)
    if not path.parent.is_dir():  # a file stands where the folder should be
        raise InvalidValue("--db", str(path), "cannot be created (Not a directory)")
    lock = _lock_folder(path.parent)
    if path.exists():
        if lock is not None:
            os.close(lock)
        return None
    try:
        return NewDatabase(path, folders, lock)
    except BaseException:
        if lock is not None:
            os.close(lock)
        raise


def _lock_folder(folder: Path) -> int | None:
    """An exclusive lock on a folder (flock on its descriptor), waited for as long as a
    write waits for another's; None where the system has no flock."""
    try:
        import fcntl
    except ImportError:  # not a POSIX system: nothing to take turns with
        return None
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return None
    deadline = time.monotonic() + WRITE_WAIT_SECONDS
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return descriptor
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(descriptor)
                raise PressfreeError(
                    f"--db: another command has been creating a database in {folder} for more "
                    f"than {WRITE_WAIT_SECONDS} s; nothing was written: try again"
                ) from None
            time.sleep(0.02)  # the other command is making its first write


def read_uri(path: Path) -> str:
    """A SQLite URI filename that opens the file for reading and never creates it.

    mode=rw fails on a missing file. A file the user cannot write, or in a folder they
    cannot write to, is read as it is (immutable) unless it has a write-ahead log beside it:
    opened read-only, SQLite would leave a -wal and a -shm file of this user's beside
    another's database (which its owner then cannot open for writing), and in a folder
    nobody can write to it cannot make them at all. A log beside it holds committed writes
    (another terminal's, or one killed before its checkpoint): then it is opened read-only,
    and SQLite reads the log through the -shm file that came with it. The path is
    percent-encoded, so ?, # and % in it stay part of the name."""
    if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
        mode = "mode=rw"
    elif path.with_name(path.name + "-wal").exists():
        mode = "mode=ro"
    else:
        mode = "immutable=1"
    return f"file:{quote(str(path.absolute()))}?{mode}"


def url(path: Path, write: bool):
    """The SQLAlchemy URL of a database file, built by URL.create so that no character of
    the path (?, #, %, spaces) is read as part of a URL; readers get read_uri."""
    from sqlalchemy.engine import URL

    if write:
        return URL.create("sqlite", database=str(path))
    return URL.create("sqlite", database=read_uri(path), query={"uri": "true"})


def configure(engine: Engine, write: bool = True, key: Key | None = None) -> None:
    """Foreign keys on, WAL, a busy timeout; write transactions take the lock at BEGIN; an
    encrypted file's key before anything else."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        if key is not None:
            key_connection(dbapi_connection, key)
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Pages kept in memory (SQLite's default is 2 MB): an import adds rows under random
        # keys (UUIDs, external ids, hashes) to indexes that outgrow 2 MB at once; with too
        # small a cache each insertion rereads and rewrites pages.
        cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        for function, arguments in ((extra_values.same_document, 2), (extra_values.same_number, 3)):
            dbapi_connection.create_function(
                f"pressfree_{function.__name__}", arguments, function, deterministic=True
            )
        if write:
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # BEGIN IMMEDIATE takes the write lock up front, so two terminals writing at once
        # wait for each other (busy timeout) instead of failing halfway through.
        write = connection.get_execution_options().get("pressfree_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def driver_of(key: Key | None):
    """The DB-API module a file is read through: SQLCipher's for an encrypted one."""
    if key is None:
        return sqlite3
    from pressfree.store.encryption import driver

    return driver()


def use_wal(engine: Engine) -> None:
    """Write-ahead logging, recorded in the file: set once the file is known to be
    pressfree's (new, or at its schema), so that a refused write leaves another program's
    SQLite file as it was."""
    with engine.connect() as connection:
        # on the driver's connection: outside a transaction, where the mode can change
        raw = connection.connection.driver_connection
        assert raw is not None  # an open connection has its driver's
        if raw.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            raw.execute("PRAGMA journal_mode = WAL")


def backup(source: Path, target: Path, key: Key | None = None) -> int:
    """Copy a live database with SQLite's online backup API; returns pages copied. The copy
    of an encrypted file is encrypted with the same key (SQLCipher re-encrypts each page).

    The copy is made beside the target and renamed over it when complete, so an older
    backup of the same name survives a failed one."""
    with WholeFile(target, "path") as whole:
        whole.open("wb").close()
        src = connect(read_uri(source), key, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        dst = connect(str(whole.partial), key)
        try:
            # pages=-1 copies in one step: the copy is one consistent snapshot even while
            # another process writes (a stepped copy restarts whenever the source changes).
            src.backup(dst, pages=-1)
            pages = dst.execute("PRAGMA page_count").fetchone()[0]
            dst.execute("PRAGMA journal_mode = DELETE")
        except (sqlite3.Error, getattr(driver_of(key), "Error", sqlite3.Error)) as error:
            raise InvalidValue("path", str(target), f"cannot be written ({error})") from None
        finally:
            dst.close()
            src.close()
    return pages


def backup_to_stream(source: Path, stream, key: Key | None = None) -> int:
    """A backup written to a stream (stdout, to pipe into gpg): made beside the database, in
    a private partial file named with this process's id, copied out, removed. Killed
    halfway, the partial stays only where the database itself is, and the next backup or
    command that writes there removes it (private_files.remove_stale_partials, which
    WholeFile runs); never in /tmp."""
    import os
    import shutil

    from pressfree.store.private_files import PARTIAL

    copy = source.with_name(f".{source.name}.backup.{os.getpid()}{PARTIAL}")
    try:
        pages = backup(source, copy, key)
        with open(copy, "rb") as handle:
            shutil.copyfileobj(handle, stream)
    finally:
        copy.unlink(missing_ok=True)
    return pages


def rollback_journal(data: bytes) -> bytes:
    """A database file's bytes with its header saying rollback journal, not write-ahead log
    (bytes 18 and 19: 2 for WAL, 1 for a journal): what a backup file says (backup), and
    what a database held in memory needs (it has no log)."""
    if len(data) > 19 and data[18] == 2:
        data = data[:18] + b"\x01\x01" + data[20:]
    return data


def backup_bytes(source: Path, key: Key | None = None) -> tuple[bytes, int]:
    """A backup as bytes, to be encrypted before it is written (a sealed backup): of a plain
    database through a copy in memory, never on the disk; of an encrypted one through its
    copy beside it, encrypted as it is (backup_to_stream). Its pages too."""
    if key is not None:
        import io

        stream = io.BytesIO()
        pages = backup_to_stream(source, stream, key)
        return stream.getvalue(), pages
    src = sqlite3.connect(read_uri(source), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    memory = sqlite3.connect(":memory:")
    try:
        src.backup(memory, pages=-1)
        pages = memory.execute("PRAGMA page_count").fetchone()[0]
        return rollback_journal(memory.serialize()), pages
    finally:
        memory.close()
        src.close()


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


def one_of(column, values: list):
    """`column IN (values)`, for lookups of a batch: the values as one JSON array parameter
    that SQLite's json_each reads (its twin on PostgreSQL takes an array). SQLAlchemy's own
    IN makes one parameter per value, and preparing 2,000 of them cost more than the lookup;
    SQLite still looks each value up in the column's index."""
    import json

    from sqlalchemy import String, bindparam, func, select

    listed = func.json_each(bindparam(None, json.dumps(list(values)), type_=String))
    return column.in_(select(listed.table_valued("value").c.value))


def insert_rows(connection, table, rows: list[dict]) -> None:
    """Rows in bulk, as writes.bulk_values converts them (its twin on PostgreSQL uses COPY):
    ROWS_PER_STATEMENT to each INSERT, fewer if SQLite takes fewer parameters. An FTS5
    index (the search index's trigger writes one) writes out what it has gathered at the
    end of every statement: one statement per row made 100,000 tiny index segments to
    merge, and took five times as long."""
    if not rows:
        return
    names, values = bulk_values(connection.dialect, table, rows)
    quote = connection.dialect.identifier_preparer.quote
    raw = connection.connection.driver_connection
    # sqlcipher3 has no getlimit: SQLite's default limit since 3.32, which SQLCipher keeps
    limit = (
        raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if hasattr(raw, "getlimit") else 32766
    )
    per = max(min(limit // len(names), ROWS_PER_STATEMENT), 1)
    one = f"({', '.join('?' * len(names))})"
    head = f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, names))}) VALUES "
    for start in range(0, len(values), per):
        chunk = values[start : start + per]
        connection.exec_driver_sql(head + ", ".join([one] * len(chunk)), tuple(chain(*chunk)))


@contextmanager
def indexes_set_aside(connection, table) -> Iterator[None]:
    """The table's secondary indexes dropped while a large import fills it, and made again
    from its sorted rows before the import ends: at 1,000,000 incidents, inserting into
    six indexes under random keys took twice as long as building them afterwards. Inside
    the import's transaction: other readers keep seeing the indexes, and a failed or killed
    import rolls the drop back. Constraints' own indexes (unique ids) stay."""
    made = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY name",
        (table.name,),
    ).all()
    quote = connection.dialect.identifier_preparer.quote
    for name, _ in made:
        connection.exec_driver_sql(f"DROP INDEX {quote(name)}")
    yield  # no finally: after an error the caller rolls back, and the drop with it
    # SQLite sorts for CREATE INDEX in as much memory as the page cache may take, on top
    # of it: with the import's 64 MB the import's peak rose by 60 MB, and it was slower
    connection.exec_driver_sql(f"PRAGMA cache_size = -{SORT_CACHE_KIB}")
    for _, sql in made:
        connection.exec_driver_sql(sql)
    connection.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")


def search_ids(terms):
    """Ids of incidents matching every term, through the FTS5 index (schema 6). Terms are
    plain words of [a-z0-9] (search.terms), quoted, so nothing in them is query syntax."""
    from sqlalchemy import column, select, table, text

    query = " AND ".join(
        f'({{words}}: "{t.word}"*' + (f' OR {{sounds}}: "{t.sound}"' if t.sound else "") + ")"
        for t in terms
    )
    fts = table("incident_fts", column("rowid"))
    return select(fts.c.rowid).where(text("incident_fts MATCH :query").bindparams(query=query))


def search_index_problem(connection) -> str | None:
    """What FTS5's own check finds wrong with the full-text index (schema 6: an external
    content table over incident_search), or None."""
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    try:
        with connection.begin_nested():
            connection.execute(
                text("INSERT INTO incident_fts(incident_fts, rank) VALUES ('integrity-check', 1)")
            )
    except DatabaseError as error:
        return f"the full-text index differs from the entries ({error.orig})"
    return None


def rebuild_search_index(connection) -> None:
    """Write the full-text index again from incident_search (its twin does nothing: a GIN
    index is PostgreSQL's to keep)."""
    from sqlalchemy import text

    connection.execute(text("INSERT INTO incident_fts(incident_fts) VALUES ('rebuild')"))


def extra_field(name: str, value: str | None):
    """Incidents whose extra field NAME holds VALUE by extra_values' rule (None: held at
    all). Through json_each, which reads keys unescaped: a path expression misses non-ASCII
    keys, and a quote in the key breaks it. json_each gives numbers as SQL numbers (an
    integer beyond 64 bits as a float): they are read again from the stored text."""
    from sqlalchemy import and_, exists, func, literal, or_, select

    from pressfree.store.models import Incident

    each = func.json_each(Incident.extra).table_valued("key", "value", "type")
    held = each.c.key == name
    if value is not None:
        want = extra_values.wanted(value)
        kind, stored = each.c.type, each.c.value
        ways = [
            and_(kind == "text", stored == want.text),
            and_(kind.in_(("true", "false")), kind == want.text),
        ]
        if want.number is not None:
            ways.append(
                and_(
                    kind.in_(("integer", "real")),
                    func.pressfree_same_number(Incident.extra, name, want.number) == 1,
                )
            )
        if want.document is not None:
            ways.append(
                and_(
                    kind.in_(("array", "object")),
                    func.pressfree_same_document(stored, want.document) == 1,
                )
            )
        held = and_(held, or_(*ways))
    return exists(select(literal(1)).select_from(each).where(held))
