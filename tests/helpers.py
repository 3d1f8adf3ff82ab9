"""What the tests share: where things are, running pressfree in-process, and databases
that cost nothing (a schema built once per test session and cloned for each test)."""

from __future__ import annotations

import json
import os
import queue
import shutil
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from pressfree.store.private_files import process_alive

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "belarus-2021-07.json"
FIXTURES = Path(__file__).with_name("fixtures")
# Real exports of other trackers (shared/datasets beside the checkout, or where
# PRESSFREE_DATASETS says, as .ci/run does): tests that need them skip without them.
DATASETS = Path(os.environ.get("PRESSFREE_DATASETS") or ROOT.parent / "shared" / "datasets")
# Where a test's database is: a SQLite file, a PostgreSQL database, an encrypted SQLite file
# (SQLCipher, opened with TEST_PASSPHRASE). A corpus many tests only read, and a location
# a test names with --db itself, are on the first two: reading an encrypted file differs
# from reading a plain one only in its key, which every test on `backend` covers.
BACKENDS = ("sqlite", "postgresql", "sqlcipher")
PLAIN_BACKENDS = ("sqlite", "postgresql")
FILE_BACKENDS = ("sqlite", "sqlcipher")
TEST_PASSPHRASE = "a passphrase for the tests"
# The PostgreSQL server the tests may make databases on; without it, their PostgreSQL half
# is skipped with this reason (a newcomer's laptop); CI sets PRESSFREE_NOTHING_SKIPS.
SERVER = os.environ.get("PRESSFREE_TEST_POSTGRES")
NO_SERVER = "no PostgreSQL server configured: set PRESSFREE_TEST_POSTGRES to run"


def environment(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """What every command a test runs sees: a temporary home and data folder (no test can
    touch a user's database), no colour, a wide terminal, no CI or user from outside."""
    monkeypatch.setenv("HOME", str(folder / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(folder / "data-home"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("CI", raising=False)
    for name in (
        "PRESSFREE_USER",
        "PRESSFREE_PASSPHRASE",
        "PRESSFREE_PASSPHRASE_FILE",
        "PRESSFREE_NEW_PASSPHRASE",
    ):
        monkeypatch.delenv(name, raising=False)


_COMMAND: list = []


def command():
    """pressfree's whole Click command, built once per process: Typer builds it anew on
    every CliRunner.invoke (0.13 s, most of a short test); the installed script builds it
    once per run, and so do the tests."""
    if not _COMMAND:
        from typer.main import get_command

        from pressfree.cli import app

        _COMMAND.append(get_command(app))
    return _COMMAND[0]


class Cli:
    """Runs pressfree in-process and checks exit codes."""

    def __init__(self, env: dict[str, str] | None = None):
        self.runner = CliRunner()
        self.env = env

    def invoke(self, *args, input: str | None = None, env: dict[str, str] | None = None):
        """The result of one command line, whatever its exit code."""
        return self.runner.invoke(
            command(),
            [str(a) for a in args],
            input=input,
            prog_name="pressfree",
            env={**(self.env or {}), **(env or {})} or None,
        )

    def __call__(self, *args, code: int = 0, input: str | None = None):
        result = self.invoke(*args, input=input)
        # In-process, a traceback never reaches stderr: it is the exception Click caught.
        if result.exit_code != code or not (
            result.exception is None or isinstance(result.exception, SystemExit)
        ):
            raise AssertionError(
                f"pressfree {' '.join(map(str, args))} exited {result.exit_code}, "
                f"expected {code}\nstdout: {result.stdout}\nstderr: {result.stderr}\n"
                f"exception: {result.exception!r}"
            )
        return result

    def json(self, *args):
        return json.loads(self(*args, "--format", "json").stdout)


# ---- PostgreSQL databases -------------------------------------------------------------


class Server:
    """Makes and drops the tests' PostgreSQL databases, beside the tests: one thread keeps a
    database of each template made ahead for the next test to take, another drops those the
    tests are done with (a drop checkpoints: about half a second). The session waits for
    both at its end."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine

        self.url = url
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=3)
        self.spares: dict[str, queue.Queue] = {}
        self.lock = threading.Lock()
        with self.admin.connect() as connection:  # ICU collations: PostgreSQL 15 and later
            self.icu = connection.dialect.server_version_info >= (15,) and bool(
                connection.exec_driver_sql(
                    "SELECT count(*) FROM pg_collation WHERE collprovider = 'i'"
                ).scalar()
            )
        self.to_make: queue.Queue = queue.Queue()
        self.to_drop: queue.Queue = queue.Queue()
        for tasks, do in ((self.to_make, self._make), (self.to_drop, self._drop)):
            threading.Thread(target=self._work, args=(tasks, do), daemon=True).start()
        self._sweep()

    def _sweep(self) -> None:
        """Databases of test processes that are gone (killed before they could drop them):
        each name holds its maker's process id, as pressfree's partial files do."""
        with self.admin.connect() as connection:
            names = connection.exec_driver_sql(
                "SELECT datname FROM pg_database WHERE starts_with(datname, 'pressfree_test_')"
            ).scalars()
            for name in names:
                pid = name.split("_")[2]
                if pid.isdigit() and not process_alive(int(pid)):
                    self.to_drop.put(name)

    def create(self, template: str = "template0") -> str:
        """A new database cloned from the template; its URL."""
        from sqlalchemy.engine import make_url

        with self.lock:
            first = template not in self.spares
            spares = self.spares.setdefault(template, queue.Queue())
        for _ in range(2 if first else 1):  # one for this test, one ahead for the next
            self.to_make.put(template)
        name = spares.get(timeout=120)
        if isinstance(name, Exception):
            raise name
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        self.to_drop.put(make_url(url).database)

    def _make(self, template: str) -> None:
        name = f"pressfree_test_{os.getpid()}_{uuid.uuid4().hex[:12]}"
        create = f'CREATE DATABASE "{name}" TEMPLATE "{template}"'
        try:
            with self.admin.connect() as connection:
                if template == "template0" and self.icu:
                    # A collation that orders text unlike SQLite (ICU `en`: "_x" before
                    # "ann", "Ärla" before "Bob"), as a team's server may: any ORDER BY
                    # left to the database's collation shows as a difference of backends.
                    create += " LOCALE_PROVIDER icu ICU_LOCALE 'en' ENCODING 'UTF8'"
                connection.exec_driver_sql(create)
        except Exception as error:  # noqa: BLE001 - the test that takes it raises it
            self.spares[template].put(error)
        else:
            self.spares[template].put(name)

    def _drop(self, name: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @staticmethod
    def _work(tasks: queue.Queue, do) -> None:
        while (task := tasks.get()) is not None:
            try:
                do(task)
            finally:
                tasks.task_done()
        tasks.task_done()

    def close(self) -> None:
        self.to_make.put(None)
        self.to_make.join()
        for spares in self.spares.values():  # made ahead for tests that never came
            while not spares.empty():
                name = spares.get()
                if isinstance(name, str):
                    self.to_drop.put(name)
        self.to_drop.put(None)
        self.to_drop.join()
        self.admin.dispose()


_SERVER: list[Server] = []


def server() -> Server:
    """The configured server, or a skip."""
    if not SERVER:
        pytest.skip(NO_SERVER)
    if not _SERVER:
        _SERVER.append(Server(SERVER))
    return _SERVER[0]


def close_server() -> None:
    if _SERVER:
        _SERVER.pop().close()


# ---- Databases at the current schema, built once -------------------------------------


class Templates:
    """pressfree's schema, migrated once per test session on each backend, cloned for each
    test: a SQLite file copied, a PostgreSQL database made WITH TEMPLATE. Only the tests
    about migrations run the migration chain."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.built: dict[str, str] = {}

    def location(self, backend: str) -> str:
        if backend not in self.built:
            from pressfree.store import db

            if backend in FILE_BACKENDS:
                where = str(self.folder / f"{backend}.db")
            else:
                where = server().create()
            db.open_store(where, passphrases=passphrases(backend)).dispose()  # every migration
            self.built[backend] = where
        return self.built[backend]

    def clone(self, backend: str, folder: Path) -> str:
        """A new database at the current schema, holding nothing."""
        template = self.location(backend)
        if backend in FILE_BACKENDS:
            path = folder / "test.db"
            shutil.copyfile(template, path)
            path.chmod(0o600)
            return str(path)
        from sqlalchemy.engine import make_url

        return server().create(make_url(template).database)

    def close(self) -> None:
        if "postgresql" in self.built:
            server().drop(self.built["postgresql"])


def new_location(backend: str, folder: Path | None, name: str = "test.db") -> str:
    """Where a database may be made that does not exist yet: a SQLite file's path, or an
    empty PostgreSQL database (no pressfree schema)."""
    if backend in FILE_BACKENDS:
        assert folder is not None
        return str(folder / name)
    return server().create()


def discard(location: str) -> None:
    """A database a test made, dropped (SQLite files go with the test's folder)."""
    if "://" in location:
        server().drop(location)


def encryption_installed() -> None:
    """Skips (with the reason) where pressfree[secure] is not installed."""
    try:
        import sqlcipher3  # noqa: F401
    except ImportError:
        pytest.skip("SQLCipher not installed: pip install -e '.[test]' installs it")


def passphrases(backend: str):
    """The passphrases a test's store is opened with on a backend (encrypted: the tests')."""
    from pressfree.store.passphrases import Passphrases

    found = Passphrases()
    if backend == "sqlcipher":
        found.typed.append(TEST_PASSPHRASE)
    return found


def raw_engine(location: str):
    """A plain SQLAlchemy engine on a test's database, none of pressfree's settings (foreign
    keys off on SQLite): an encrypted file keyed with TEST_PASSPHRASE."""
    from sqlalchemy import create_engine, event

    from pressfree.store import encryption

    if "://" in location:
        return create_engine(location)
    if not encryption.encrypted(Path(location)):
        return create_engine(f"sqlite:///{location}")
    key = encryption.key_of(Path(location), TEST_PASSPHRASE)
    engine = create_engine(f"sqlite:///{location}", module=encryption.driver())
    event.listen(
        engine, "connect", lambda connection, _: encryption.key_connection(connection, key)
    )
    return engine


def connect_file(path, timeout: float = 5.0):
    """A DB-API connection to a SQLite file, as sqlite3.connect makes one: through SQLCipher,
    keyed with TEST_PASSPHRASE, when the file is encrypted."""
    from pressfree.store import encryption

    path = Path(path)
    key = encryption.key_of(path, TEST_PASSPHRASE) if encryption.encrypted(path) else None
    return encryption.connect(str(path), key, timeout=timeout)


def contents(location: str) -> dict[str, list[str]]:
    """Every row of every table, as text: to check that a shared database was only read."""
    from sqlalchemy import inspect, text

    engine = raw_engine(location)
    try:
        with engine.connect() as connection:
            return {
                t: sorted(map(repr, connection.execute(text(f'SELECT * FROM "{t}"'))))
                for t in sorted(inspect(connection).get_table_names())
            }
    finally:
        engine.dispose()


class Corpus(Cli):
    """pressfree on a database many tests read: a module's corpus."""

    def __init__(self, location: str, backend: str, built):
        super().__init__(env={"PRESSFREE_DB": location})
        self.location = location
        self.backend = backend
        self.built = built  # what the build returned (ids it made, say)


def corpus(build, scope: str = "module"):
    """A fixture giving a database built once (by `build`, given a Cli on it) for every test
    of its scope that reads it, on each backend in turn. Tests must only read it: afterwards
    every row is compared with what was built."""

    @pytest.fixture(scope=scope, params=PLAIN_BACKENDS)
    def fixture(request, tmp_path_factory, templates):
        folder = tmp_path_factory.mktemp("corpus")
        if request.param == "postgresql":
            server()  # skips here, once, without a server
        with pytest.MonkeyPatch.context() as monkeypatch:
            environment(monkeypatch, folder)
            location = templates.clone(request.param, folder)
            monkeypatch.setenv("PRESSFREE_DB", location)
            built = build(Cli())
        before = contents(location)
        yield Corpus(location, request.param, built)
        after = contents(location)
        discard(location)
        assert after == before, "a test wrote to a shared corpus"

    return fixture


def on_a_terminal(
    args: list[str], env: dict[str, str], answer: str | None = None
) -> tuple[int, str]:
    """The installed command run with a terminal as stdin, stdout and stderr, ANSWER typed
    once it asks a yes-or-no question ("[y/N]", "[Y/n]"); its exit code and all it showed."""
    import subprocess

    main, child = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "pressfree", *args],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        close_fds=True,
    )
    os.close(child)
    output = b""
    if answer is not None:
        deadline = time.monotonic() + 60  # only a hung child gets this far
        while b"[y/N]" not in output and b"[Y/n]" not in output and process.poll() is None:
            assert time.monotonic() < deadline, output
            output += os.read(main, 4096)
        os.write(main, answer.encode() + b"\n")
    try:
        while chunk := os.read(main, 4096):
            output += chunk
    except OSError:  # the terminal closes when the command ends
        pass
    os.close(main)
    return process.wait(timeout=60), output.decode(errors="replace")


def at_a_terminal(args: list[str], answers: list[str], env: dict[str, str]) -> tuple[int, str]:
    """pressfree run on a terminal of its own (a pseudo-terminal), each answer typed once
    the question before it ends ': '; its exit code and all it showed."""
    import pty
    import select
    import termios
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: pressfree, on the terminal
        os.execve(sys.executable, [sys.executable, "-m", "pressfree", *args], env)
    shown = bytearray()

    def read(until: bytes | None) -> None:
        """What the child shows, until a new question (shown since the last answer) ends
        with UNTIL, or to the end."""
        start = len(shown)
        deadline = time.monotonic() + 60  # only a hung child gets this far
        while until is None or not shown[start:].rstrip().endswith(until):
            assert time.monotonic() < deadline, bytes(shown)
            if select.select([fd], [], [], 1)[0]:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # the terminal closed: the child has ended
                    return
                if not chunk:
                    return
                shown.extend(chunk)

    def echo_off() -> None:  # the question asked: the terminal no longer shows what is typed
        deadline = time.monotonic() + 60
        while termios.tcgetattr(fd)[3] & termios.ECHO:
            assert time.monotonic() < deadline, bytes(shown)
            select.select([], [], [], 0.01)

    for answer in answers:
        read(b":")
        echo_off()
        os.write(fd, answer.encode() + b"\n")
    read(None)
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


def rejected_named(backend: str, file: Path) -> list[str]:
    """What `import --skip-invalid` is given beside it: on an encrypted database, where the
    rejected rows go, named (it never writes them in clear unasked there): the file they go
    to by default."""
    if backend != "sqlcipher":
        return []
    return ["--rejected", str(file.with_name(f"{file.stem}.rejected.csv"))]


def editor_script(tmp_path: Path, monkeypatch, *contents: str) -> Path:
    """$EDITOR as a script that keeps what it was shown (shown-1.toml, ...) and the file's
    mode, and saves each of `contents` in turn."""
    import sys

    for n, text in enumerate(contents, 1):
        (tmp_path / f"save-{n}.toml").write_text(text, encoding="utf-8")
    script = tmp_path / "editor.py"
    script.write_text(
        "import pathlib, sys\n"
        f"folder = pathlib.Path({str(tmp_path)!r})\n"
        "n = len(list(folder.glob('shown-*.toml'))) + 1\n"
        "target = pathlib.Path(sys.argv[-1])\n"
        "shown = target.read_text(encoding='utf-8')\n"
        "(folder / f'shown-{n}.toml').write_text(shown, encoding='utf-8')\n"
        "(folder / 'mode').write_text(oct(target.stat().st_mode & 0o777))\n"
        "text = (folder / f'save-{n}.toml').read_text(encoding='utf-8')\n"
        "target.write_text(text, encoding='utf-8')\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    return tmp_path


def die_at_once(*_args) -> None:
    """In place of the process converting a large import's rows: one that stops at once,
    with exit code 3 (exchange.converting)."""
    os._exit(3)


INTERRUPTED = "Error: Interrupted (Ctrl-C): nothing this command had not yet committed is stored\n"


def interrupted_after(target: str, args: list[str], setup: str = ""):
    """pressfree ARGS in a process of its own (the interrupt is pressfree's to handle, not
    the test runner's), sent a real Ctrl-C (SIGINT) as soon as TARGET, "module.function",
    has returned: once the rows it writes are written. SETUP is Python run first."""
    import subprocess

    module, function = target.rsplit(".", 1)
    script = (
        "import os, signal, sys\n"
        f"import {module} as patched\n"
        f"{setup}"
        f"real = patched.{function}\n"
        "def interrupted(*args, **kwargs):\n"
        "    done = real(*args, **kwargs)\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    return done\n"
        f"patched.{function} = interrupted\n"
        f"sys.argv = ['pressfree', *{[str(a) for a in args]!r}]\n"
        "from pressfree.cli import main\n"
        "main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
