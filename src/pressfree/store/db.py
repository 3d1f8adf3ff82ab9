"""Where the database is, opening it, upgrading its schema, and transactions."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pressfree.errors import InvalidValue, PressfreeError, shown
from pressfree.store import encryption, writes
from pressfree.store.passphrases import Passphrases

if TYPE_CHECKING:
    from sqlalchemy import Connection

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


def is_file(location: str) -> bool:
    """Whether a location is a SQLite file's path rather than a database URL."""
    return "://" not in location


def backend_for(dialect: str):
    """The module holding everything specific to one database backend."""
    if dialect == "sqlite":
        from pressfree.store import sqlite_backend as backend
    else:
        from pressfree.store import postgres_backend as backend
    return backend


@dataclass
class Store:
    """An open database: an engine plus the knowledge of which backend it is."""

    location: str
    engine: object
    path: Path | None  # the SQLite file, or None for a server database
    new: object = None  # a SQLite file not yet in place (sqlite_backend.NewDatabase)
    key: object = None  # an encrypted file's (encryption.Key)
    in_memory: bool = False  # held in memory (open_in_memory): `path` is only what it shows

    def image(self) -> bytes:
        """A database held in memory, as the bytes of a SQLite file (a backup's header)."""
        from pressfree.store import sqlite_backend

        with self.engine.connect() as connection:
            raw = connection.connection.driver_connection
            return sqlite_backend.rollback_journal(raw.serialize())

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    @property
    def backend(self):
        return backend_for(self.engine.dialect.name)

    @property
    def display(self) -> str:
        """Where the database is, with any password in a URL hidden."""
        return (
            str(self.path)
            if self.path
            else hide_password(self.engine.url.render_as_string(hide_password=False))
        )

    @contextmanager
    def session(self, write: bool = False) -> Iterator:
        """One transaction: committed when the block ends, rolled back on any error."""
        from sqlmodel import Session

        options: dict = {"pressfree_write": write}
        if not write and self.engine.dialect.name == "postgresql":
            # Every read of a command sees one snapshot, as SQLite's do: a report's summary,
            # its list and its census agree while a teammate writes (READ COMMITTED gave each
            # statement its own). A read-only transaction is never refused for it.
            options["isolation_level"] = "REPEATABLE READ"
        bind = self.engine.execution_options(**options)
        with Session(bind, expire_on_commit=False) as session:
            written = self._watch(session) if self.new is not None else None
            with session.begin():
                yield session
        if written:  # a new file is kept only once a transaction wrote to it and committed
            self.publish()

    @staticmethod
    def _watch(session) -> list[bool]:
        """Whether a transaction of this session commits a change (SQLite counts the rows
        each connection changed): a dry run rolls back, and what the session then commits
        is empty."""
        from sqlalchemy import event

        written: list[bool] = []
        changes = {}

        def count(connection) -> int:
            return connection.connection.driver_connection.total_changes

        def began(_session, transaction, connection) -> None:
            changes[transaction] = count(connection)

        def committing(session) -> None:
            if session.in_nested_transaction():  # a savepoint released: not yet a commit
                return
            transaction = session.get_transaction()
            if count(session.connection()) > changes.get(transaction, 0):
                written.append(True)

        event.listen(session, "after_begin", began)
        event.listen(session, "before_commit", committing)
        return written

    def publish(self) -> None:
        """A new SQLite file, written to, put in place under its name (NewDatabase); from
        then on the store works on it there. Nothing to do for any other database."""
        if self.new is None:
            return
        from pressfree.store import sqlite_backend

        _forget(self.engine)
        self.new.publish()
        self.new = None
        assert self.path is not None
        self.engine = _sqlite_engine(self.path, True, self.key)
        sqlite_backend.use_wal(self.engine)  # type: ignore[arg-type]

    def dispose(self) -> None:
        """Close the connections; a new file nothing was written to is not kept."""
        if self.new is not None:
            _forget(self.engine)
            self.new.discard()
            self.new = None
        else:
            self.engine.dispose()


def open_store(
    location: str,
    write: bool = True,
    upgrade: bool = True,
    after_upgrade: Callable[[Connection], None] | None = None,
    until_written: bool = False,
    passphrases: Passphrases | None = None,
) -> Store:
    """Open the database at a path or SQLAlchemy URL.

    For writing, a missing SQLite file is created (0600) and an older schema upgraded
    (then `after_upgrade` runs in the upgrade's transaction: see upgrade_schema).
    For reading, nothing is ever created or changed: the database must exist and be at this
    pressfree's schema, and a SQLite file is opened read-only (so reading works in a folder
    or on a disk the user cannot write to).
    With `until_written` (every command), a new SQLite file is put in place only when a
    write transaction commits (Store.publish): a command that fails leaves nothing.
    An encrypted file is opened with its passphrase (`passphrases`: by default from the
    environment, a file or the keyring); a new file is encrypted when a passphrase is at
    hand, or when `passphrases.encrypt` asks for one.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if location.strip() == ":memory:":
        raise InvalidValue(
            "--db",
            location,
            "is not a file: pressfree keeps its data in a "
            "file, and a database in memory would be lost",
        )
    if "://" in location:
        try:
            url = make_url(location)
        except (ArgumentError, ValueError) as error:
            raise InvalidValue(
                "--db", hide_password(location), f"is not a usable database URL ({error})"
            ) from None
        if url.host and "@" in url.host:
            raise InvalidValue(
                "--db",
                hide_password(location),
                "is not a usable database URL (write an @ in a user name or password as %40)",
            )
        if url.get_backend_name() != "sqlite" and not url.database:
            raise InvalidValue(
                "--db",
                hide_password(location),
                "names no database on the server (add its name: postgresql+psycopg://host/name)",
            )
        if url.get_backend_name() == "sqlite":
            if not url.database or url.database == ":memory:" or url.query.get("mode") == "memory":
                raise InvalidValue(
                    "--db",
                    hide_password(location),
                    "names no database file (pressfree keeps its data in a file)",
                )
            path = Path(url.database)
        else:
            path = None
    else:
        path = Path(location).expanduser()
    new = None
    key = None
    if path is not None:
        from pressfree.store import sqlite_backend

        _check_file_name(path, location, write)
        passphrases = passphrases or Passphrases()
        file = path
        if write:
            from pressfree.store.private_files import remove_stale_partials

            if not path.exists():
                passphrase = passphrases.for_new(path)
                if passphrase is not None:
                    encryption.driver()  # installed, before anything is made
                    key = encryption.new_key(passphrase)
                if (new := sqlite_backend.new_database(path)) is not None:
                    file = new.partial
                else:  # another command made it meanwhile: open it as it is
                    key = None
            remove_stale_partials(path.parent)  # of backups and databases killed halfway
        if new is None and encryption.encrypted(path):
            key = _key_of(path, location, passphrases)
        engine = _sqlite_engine(file, write, key)
        if key is not None and new is None:
            _check_key(engine, location)
        from pressfree.store.private_files import protect

        protect(path)
        protect(file)
    else:
        from pressfree.store import postgres_backend

        if passphrases is not None and passphrases.encrypt:  # before anything is made there
            raise PressfreeError(
                f"--db: {hide_password(location)!r} is a server database: pressfree encrypts "
                "SQLite files (a server keeps its data as its administrator sets it up)"
            )
        try:
            engine = _engine(
                url, postgres_backend.configure, connect_args=postgres_backend.CONNECT_ARGS
            )
        except (ArgumentError, ImportError, ValueError) as error:
            raise InvalidValue(
                "--db", hide_password(location), f"is not a usable database URL ({error})"
            ) from None
    store = Store(location, engine, path, new, key)
    if upgrade:
        try:
            upgrade_schema(store, after=after_upgrade) if write else check_readable(store)
            if write and path is not None and store.new is None:
                from pressfree.store import sqlite_backend

                sqlite_backend.use_wal(engine)
        except BaseException:
            store.dispose()  # no connection kept to a database that was not opened
            raise
    if not until_written:
        store.publish()
    return store


def open_in_memory(data: bytes | None, shown_as: Path, write: bool = False) -> Store:
    """A plain SQLite database held in memory, never written to the disk in clear: a sealed
    backup decrypted, for reading; or, with no `data`, a new database to be written and then
    sealed (copy --to FILE --encrypt-to) as Store.image gives it. Shown as the file it came
    from or goes to; its temporary tables are kept in memory too."""
    import sqlite3

    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    from pressfree.store import sqlite_backend

    held = sqlite3.connect(":memory:", check_same_thread=False)
    held.execute("PRAGMA temp_store = MEMORY")
    if data is not None:
        try:
            held.deserialize(sqlite_backend.rollback_journal(data))
        except sqlite3.Error as error:
            held.close()
            raise InvalidValue("file", str(shown_as), f"holds no database ({error})") from None
    engine = create_engine("sqlite://", creator=lambda: held, poolclass=StaticPool)
    sqlite_backend.configure(engine, write=write)
    store = Store(str(shown_as), engine, shown_as, in_memory=True)
    try:
        upgrade_schema(store) if write else check_readable(store)
    except BaseException:
        store.dispose()
        raise
    return store


def _check_file_name(path: Path, location: str, write: bool) -> None:
    """A file path pressfree can keep its database at (or read it from)."""
    if location.strip() == "-":
        raise InvalidValue(
            "--db", location, "means standard output elsewhere, not a database file: name a file"
        )
    if path.is_dir():
        raise InvalidValue("--db", location, "is a folder, not a database file")
    if not path.name.strip():
        raise InvalidValue("--db", location, "is blank: name a database file")
    if path.name.endswith(("-wal", "-shm", "-journal")):
        raise InvalidValue(
            "--db",
            location,
            "is the name of a file SQLite keeps beside a database (and deletes): name "
            "the database itself",
        )
    if path.exists() and not path.is_file():
        raise InvalidValue("--db", location, "is not a regular file (a device, FIFO or socket)")
    if not write and not path.exists():
        raise InvalidValue(
            "--db",
            location,
            "does not exist (any command that records something, or `pressfree init`, creates it)",
        )


def _key_of(path: Path, location: str, passphrases: Passphrases):
    """The key of an encrypted file, from its passphrase."""
    try:
        encryption.driver()
    except PressfreeError:
        raise PressfreeError(
            f"--db: {location!r} is encrypted: opening it needs pressfree's encryption "
            f"({encryption.EXTRA})"
        ) from None
    return encryption.key_of(path, passphrases.for_existing(path))


def _check_key(engine, location: str) -> None:
    """One line, and no connection kept, when the passphrase is not the file's."""
    from sqlalchemy.exc import DatabaseError

    try:
        with engine.connect() as connection:
            opens = encryption.opens(connection.connection.driver_connection)
    except DatabaseError as error:  # SQLAlchemy's first look at the file reads it
        if "not a database" not in str(error.orig):
            raise
        opens = False
    if not opens:
        _forget(engine)
        raise PressfreeError(
            f"--db: {location!r} is encrypted, and this passphrase does not open it"
        )


def _sqlite_engine(file: Path, write: bool, key):
    """The engine of a SQLite file: through SQLCipher, keyed, when it is encrypted."""
    from pressfree.store import sqlite_backend

    options = {"module": encryption.driver()} if key is not None else {}
    return _engine(
        sqlite_backend.url(file, write),
        lambda e: sqlite_backend.configure(e, write, key),
        identity=key.fingerprint if key is not None else "",
        **options,
    )


# The engines opened last in this process, by URL. An engine keeps the SQL it has compiled:
# a program that opens one database again and again (commands run in-process, as the tests
# and scripts run them) compiles each statement once, as SQLAlchemy means an engine to live
# for the life of the program. A few at most: each holds its compiled statements.
_ENGINES: dict = {}
ENGINES_KEPT = 4


def _engine(url, configure, identity: str = "", **options):
    """The engine of a database URL: the one opened before, or a new one, configured
    (`identity` tells apart engines of one URL configured differently: by their key)."""
    from sqlalchemy import create_engine

    key = (url.render_as_string(hide_password=False), identity, repr(sorted(options.items())))
    engine = _ENGINES.pop(key, None)
    if engine is None:
        engine = create_engine(url, **options)
        configure(engine)
        while len(_ENGINES) >= ENGINES_KEPT:
            _ENGINES.pop(next(iter(_ENGINES))).dispose()
    _ENGINES[key] = engine  # the most recently used last
    return engine


def _forget(engine) -> None:
    """Close an engine and drop it from those kept (its file is gone or renamed)."""
    for key, kept in list(_ENGINES.items()):
        if kept is engine:
            del _ENGINES[key]
    engine.dispose()


def one_of(db, column, values: list):
    """`column IN (values)` as the backend of `db` (a Session or Connection) reads a long
    list best: batch lookups of imports and the search index go through this."""
    return backend_for(
        db.get_bind().dialect.name if hasattr(db, "get_bind") else db.dialect.name
    ).one_of(column, values)


def database_problem(error: Exception) -> str:
    """One line for a database error no service put into words."""
    cause = getattr(error, "orig", None) or error
    detail = str(cause).strip()
    if detail == "database is locked" or type(cause).__name__ == "LockNotAvailable":
        return (
            f"database: another command has been writing to it for more than "
            f"{writes.WRITE_WAIT_SECONDS} s; nothing was written: try again when it has finished"
        )
    return f"database: {detail.splitlines()[0] if detail else type(error).__name__}"


def hide_password(location: str) -> str:
    """A URL as it may be shown: any password (user:PASSWORD@host, or ?password=...)
    replaced by ***, even in a malformed URL."""
    location = re.sub(r"(://[^/:@]*:)[^/]*@", r"\1***@", location)
    return re.sub(r"(?i)([?&](?:password|passwd|pwd|sslpassword)=)[^&#]*", r"\1***", location)


def _alembic_config(connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema. Migration files are named by their revision ids, numbered in
    order (a test holds them to it), so this needs no Alembic import on every start."""
    return known_revisions()[-1]


@lru_cache(maxsize=1)
def known_revisions() -> tuple[str, ...]:
    """The migration steps this pressfree has, oldest first (read once per process)."""
    steps = (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")
    return tuple(sorted(p.stem for p in steps))


def current_revision(store: Store, connection=None) -> str | None:
    """The schema the database is at; None for a new, empty database."""
    from sqlalchemy import inspect, text

    if connection is None:
        with store.engine.connect() as connection:
            return current_revision(store, connection)
    if not inspect(connection).has_table("alembic_version"):
        if inspect(connection).get_table_names():
            raise PressfreeError(
                f"--db: {store.display!r} is a database, but not "
                "pressfree's (it has tables of its own): name another file"
            )
        return None
    versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(versions) != 1:
        raise PressfreeError(
            f"database: {store.display!r} records {len(versions)} schema "
            f"versions ({', '.join(map(repr, versions)) or 'none'}), where it "
            "should record one: it was changed by something other than "
            "pressfree"
        )
    return versions[0]


def schema_version(revision: str | None) -> int:
    """Revisions are named 0001_core, 0002_ledger ...: the number is the schema version."""
    return int(revision.split("_", 1)[0]) if revision else 0


def _checked(store: Store, connection=None) -> str | None:
    """The database's schema, refused when this pressfree does not know it (a newer
    pressfree wrote it, or it is garbage), before anything is written."""
    from sqlalchemy.exc import DatabaseError, OperationalError

    try:
        current = current_revision(store, connection)
    except (OperationalError, DatabaseError) as error:
        raise PressfreeError(
            f"--db: {store.display!r} cannot be opened as a database ({error.orig})"
        ) from None
    if current is None or current in known_revisions():
        return current
    head = head_revision()
    number = re.match(r"^(\d+)(?:_|$)", str(current))
    if number and int(number[1]) > schema_version(head):
        raise PressfreeError(
            f"database: schema {int(number[1]):04d} is newer than this "
            f"pressfree ({schema_version(head):04d}); upgrade pressfree"
        )
    raise PressfreeError(
        f"database: schema {shown(current)} is not one this pressfree "
        f"knows (it knows {', '.join(known_revisions())})"
    )


def check_readable(store: Store) -> None:
    """A database a read-only command can use as it is."""
    current = _checked(store)
    head = head_revision()
    if current is None:
        raise PressfreeError(
            f"--db: {store.display!r} holds no pressfree database yet (any "
            "command that records something, or `pressfree init`, creates "
            "one)"
        )
    if current != head:
        raise PressfreeError(
            f"database: schema {schema_version(current):04d} is older than "
            f"this pressfree ({schema_version(head):04d}): run `pressfree "
            "init` to upgrade it (reading never changes the file)"
        )


def upgrade_schema(
    store: Store, target: str = "head", after: Callable[[Connection], None] | None = None
) -> None:
    """Bring the schema up to date in one transaction, keeping a copy of an older file.

    Migrations change the facts' tables and never import live code (they stand as released);
    what is derived from the facts follows the rules of the pressfree that runs, so a caller
    that knows them passes `after`, run in the same transaction once an existing database
    is upgraded (the command line derives again what differs: check.repair).

    Two commands starting at once on a new database both find it out of date: the upgrade
    runs under the backend's write lock (an advisory lock on PostgreSQL), and whoever comes
    second finds the schema current once it holds the lock, and does nothing."""
    head = head_revision() if target == "head" else target
    if _checked(store) == head:
        return
    from alembic import command  # only when there is something to upgrade: it is slow

    with store.engine.execution_options(pressfree_write=True).connect() as connection:
        with store.backend.migrating(connection):
            current = _checked(store, connection)
            if current == head:
                return
            if current is not None and store.path is not None and not store.in_memory:
                # An upgrade rewrites tables; keep the old file until the user deletes it.
                backup_path = store.path.with_name(
                    f"{store.path.name}.schema-{schema_version(current)}.bak"
                )
                if not backup_path.exists():  # encrypted as the database is
                    store.backend.backup(store.path, backup_path, store.key)
            command.upgrade(_alembic_config(connection), target)
            if current is not None and after is not None:
                after(connection)
