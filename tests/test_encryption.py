"""Encrypted database files (SQLCipher): made, opened, encrypted, decrypted and rekeyed;
every file the store keeps for itself encrypted; a wrong or missing passphrase one line;
a killed rekey leaves the old file. (Every test on `backend` also runs on an encrypted
file: see helpers.BACKENDS.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import SAMPLE, TEST_PASSPHRASE, Cli, at_a_terminal, connect_file, encryption_installed
from pressfree.store import db, encryption
from pressfree.store.passphrases import Passphrases

# What the sample's files would show in clear: a summary, an outlet, a publisher
NEEDLES = (b"Raids and detentions", b"Belsat", "Лукашэнка".encode(), b"Viasna")


@pytest.fixture(autouse=True)
def secure() -> None:
    encryption_installed()


class MemoryKeyring:
    """An OS keyring kept in memory (the tests' machine has none)."""

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        return self.kept.get((service, user))

    def set_password(self, service: str, user: str, password: str) -> None:
        self.kept[(service, user)] = password

    def delete_password(self, service: str, user: str) -> None:
        del self.kept[(service, user)]


@pytest.fixture
def keyring(monkeypatch) -> MemoryKeyring:
    import keyring as library

    kept = MemoryKeyring()
    for name in ("get_password", "set_password", "delete_password"):
        monkeypatch.setattr(library, name, getattr(kept, name))
    return kept


def on(path: Path, passphrase: str | None = None, **env: str) -> Cli:
    given = {"PRESSFREE_DB": str(path), **env}
    if passphrase is not None:
        given["PRESSFREE_PASSPHRASE"] = passphrase
    return Cli(env=given)


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def shown_in_clear(folder: Path) -> list[tuple[str, bytes]]:
    return [(name, n) for name, data in files_in(folder).items() for n in NEEDLES if n in data]


def test_an_encrypted_database_shows_nothing_in_any_file_it_keeps(tmp_path):
    folder = tmp_path / "cases"
    path = folder / "belarus.db"
    cli = on(path, "correct horse")
    assert cli("init", "--encrypt").stderr == f"Database ready at {path} (schema 14, encrypted).\n"
    cli("import", SAMPLE)
    assert not path.read_bytes().startswith(b"SQLite format 3")
    assert cli.json("info")["encryption"].startswith("SQLCipher 4.")
    # a write committed into the write-ahead log, not yet folded into the file
    store = db.open_store(str(path), passphrases=Passphrases(typed=["correct horse"]))
    try:
        with store.session(write=True) as session:
            session.connection().exec_driver_sql(
                "UPDATE incident SET summary = summary || ' Лукашэнка, Belsat'"
            )
        assert Path(f"{path}-wal").stat().st_size > 0
        assert shown_in_clear(folder) == []
    finally:
        store.dispose()
    cli("backup", tmp_path / "backup.db")
    assert shown_in_clear(tmp_path) == [] and shown_in_clear(folder) == []
    assert on(tmp_path / "backup.db", "correct horse").json("list") == cli.json("list")
    # the same file, decrypted, shows them: the needles are there to be found
    cli("decrypt", "--yes")
    assert {name for name, _ in shown_in_clear(folder)} == {"belarus.db"}


def test_a_wrong_or_missing_passphrase_is_one_line_and_changes_nothing(tmp_path):
    path = tmp_path / "belarus.db"
    on(path, "correct horse")("import", SAMPLE)
    before = files_in(tmp_path)
    for args in (["list"], ["add", "raid", "--date", "2021-07-01"], ["backup", "copy.db"]):
        wrong = on(path, "wrong horse").invoke(*args)
        assert (wrong.exit_code, wrong.stderr) == (
            1,
            f"Error: --db: '{path}' is encrypted, and this passphrase does not open it\n",
        )
        missing = on(path).invoke(*args)
        assert (missing.exit_code, missing.stderr) == (
            1,
            f"Error: --db: '{path}' is encrypted: give its passphrase (PRESSFREE_PASSPHRASE, "
            "--passphrase-file, or run on a terminal)\n",
        )
    assert files_in(tmp_path) == before
    copied = on(tmp_path / "plain.db").invoke("copy", "--from", path)
    assert copied.stderr.startswith(f"Error: --from: '{path}' is encrypted: give its passphrase")


def test_a_passphrase_file_gives_its_first_line(tmp_path):
    path = tmp_path / "belarus.db"
    on(path, "correct horse")("import", SAMPLE)
    file = tmp_path / "passphrase"
    file.write_text("correct horse\nnot this line\n")
    assert len(on(path)("--passphrase-file", file, "list", "--format", "json").stdout) > 100
    assert on(path, PRESSFREE_PASSPHRASE_FILE=str(file))("list").exit_code == 0
    file.write_text("\n")
    assert on(path).invoke("--passphrase-file", file, "list").stderr == (
        "Error: --passphrase-file: '' is empty: a passphrase needs at least one character\n"
    )
    assert on(path).invoke("--passphrase-file", tmp_path / "none", "list").stderr == (
        f"Error: --passphrase-file: '{tmp_path / 'none'}' cannot be read (No such file or "
        "directory)\n"
    )


def test_init_encrypt_needs_a_passphrase_and_a_new_file(tmp_path):
    path = tmp_path / "new" / "belarus.db"
    refused = on(path).invoke("init", "--encrypt")
    assert (refused.exit_code, refused.stderr) == (
        1,
        f"Error: --encrypt: no passphrase given for '{path}': give its passphrase "
        "(PRESSFREE_PASSPHRASE, --passphrase-file, or run on a terminal)\n",
    )
    assert not path.parent.exists()
    plain = tmp_path / "plain.db"
    on(plain)("init")
    assert on(plain, "correct horse").invoke("init", "--encrypt").stderr == (
        f"Error: --encrypt: '{plain}' exists and is not encrypted: pressfree encrypt encrypts it\n"
    )
    assert on(plain).invoke("init", "--remember").stderr == (
        f"Error: --remember: '{plain}' is not encrypted\n"
    )
    assert plain.read_bytes().startswith(b"SQLite format 3\x00")


def test_encrypt_rekey_and_decrypt_keep_every_row_and_the_keyring_follows(tmp_path, keyring):
    path = tmp_path / "belarus.db"
    plain = on(path)
    plain("import", SAMPLE)
    listed = plain.json("list")
    said = on(path, "one")("encrypt", "--remember").stderr
    assert said.startswith(f"Encrypted {path} (") and "overwritten with zeros" in said
    assert "only full-disk encryption protects against that" in said
    assert encryption.encrypted(path)
    assert on(path).json("list") == listed  # the keyring remembers it
    assert keyring.kept == {("pressfree", str(path.resolve())): "one"}
    assert on(path, "one").invoke("encrypt").stderr == (
        f"Error: --db: '{path}' is encrypted already (pressfree rekey changes its passphrase)\n"
    )

    said = on(path, PRESSFREE_NEW_PASSPHRASE="two")("rekey").stderr
    assert said.startswith(f"Changed the passphrase of {path} (")
    assert keyring.kept == {("pressfree", str(path.resolve())): "two"}
    assert on(path, "two").json("list") == listed
    assert on(path, "one").invoke("list").exit_code == 1

    refused = on(path, "two").invoke("decrypt")
    assert refused.stderr == "Error: --yes: '' is required to decrypt without a terminal\n"
    assert on(path)("decrypt", "--yes").stderr.startswith(f"Decrypted {path} (")
    assert keyring.kept == {}
    assert path.read_bytes().startswith(b"SQLite format 3\x00")
    assert on(path).json("list") == listed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["belarus.db"]  # no partial left
    assert on(path).invoke("decrypt", "--yes").stderr == f"Error: --db: '{path}' is not encrypted\n"
    assert on(path).invoke("rekey").stderr == (
        f"Error: --db: '{path}' is not encrypted (pressfree encrypt encrypts it)\n"
    )


def test_a_file_another_command_has_open_is_not_encrypted_under_it(tmp_path, monkeypatch):
    from pressfree.store import encrypting

    monkeypatch.setattr(encrypting, "WRITE_WAIT_SECONDS", 1)  # how long it waits for the other
    path = tmp_path / "belarus.db"
    on(path)("import", SAMPLE)
    before = files_in(tmp_path)
    other = subprocess.Popen(  # another terminal's command, reading
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN'); print(c.execute('SELECT count(*) FROM incident').fetchone())\n"
            "sys.stdout.flush(); sys.stdin.readline()\n",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout is not None and other.stdout.readline() == "(2,)\n"
        refused = on(path, "one").invoke("encrypt")
    finally:
        other.communicate("done\n")
    assert (refused.exit_code, refused.stderr) == (
        1,
        f"Error: --db: another command has been using '{path}' for more than 1 s; nothing was "
        "changed: try again when it has finished\n",
    )
    assert not encryption.encrypted(path) and files_in(tmp_path) == before
    assert on(path, "one")("encrypt").exit_code == 0


def test_the_copy_kept_before_a_schema_upgrade_is_encrypted_too(tmp_path):
    path = tmp_path / "belarus.db"
    older = db.known_revisions()[-2]
    given = Passphrases(typed=["correct horse"])
    store = db.open_store(str(path), upgrade=False, passphrases=given)
    try:
        db.upgrade_schema(store, older)
    finally:
        store.dispose()
    on(path, "correct horse")("init")
    kept = tmp_path / f"belarus.db.schema-{db.schema_version(older)}.bak"
    assert encryption.encrypted(kept)
    key = encryption.key_of(kept, "correct horse")
    with encryption.connect(str(kept), key) as connection:
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    assert rows == [(older,)]


def test_a_rekey_killed_before_the_swap_leaves_the_old_file(tmp_path):
    """kill -9 at the worst moment: the new file written and checked, not yet in place."""
    path = tmp_path / "belarus.db"
    on(path, "one")("import", SAMPLE)
    listed = on(path, "one").json("list")
    killer = (
        "import os, signal, sys\n"
        "from pressfree.store import encrypting\n"
        "encrypting.os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)\n"
        "from pressfree.cli import main\n"
        "sys.argv = ['pressfree', 'rekey']\n"
        "main()\n"
    )
    env = {**os.environ, "PRESSFREE_DB": str(path), "PRESSFREE_PASSPHRASE": "one"}
    env["PRESSFREE_NEW_PASSPHRASE"] = "two"
    ended = subprocess.run([sys.executable, "-c", killer], env=env, capture_output=True)
    assert ended.returncode == -signal.SIGKILL
    partials = [p for p in tmp_path.iterdir() if p.name.endswith(".pressfree-partial")]
    assert len(partials) == 1 and encryption.encrypted(partials[0])
    assert on(path, "one").json("list") == listed
    on(path, "one")("add", "raid", "--date", "2021-07-01", "--country", "BY")
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []  # swept


def test_without_sqlcipher_installed_an_encrypted_file_is_one_line(tmp_path, monkeypatch):
    path = tmp_path / "belarus.db"
    on(path, "one")("init")
    monkeypatch.setitem(sys.modules, "sqlcipher3", None)
    monkeypatch.setitem(sys.modules, "sqlcipher3.dbapi2", None)
    assert on(path, "one").invoke("list").stderr == (
        f"Error: --db: '{path}' is encrypted: opening it needs pressfree's encryption "
        "(pip install 'pressfree[secure]')\n"
    )
    new = tmp_path / "new.db"
    assert on(new, "one").invoke("init").stderr == (
        "Error: encryption: pressfree's encryption is not installed here: "
        "pip install 'pressfree[secure]'\n"
    )
    assert not new.exists()


def test_the_key_is_sqlciphers_own(tmp_path):
    """The file opens with its passphrase as SQLCipher derives it (sqlcipher at the shell)."""
    path = tmp_path / "belarus.db"
    on(path, TEST_PASSPHRASE)("import", SAMPLE)
    connection = encryption.driver().connect(str(path))
    connection.execute("PRAGMA cipher_log_level = NONE")
    connection.execute(f"PRAGMA key = '{TEST_PASSPHRASE}'")
    assert connection.execute("SELECT count(*) FROM incident").fetchone() == (2,)
    connection.close()
    assert connect_file(path).execute("SELECT count(*) FROM incident").fetchone() == (2,)


def test_on_a_terminal_the_passphrase_is_asked_for_and_never_shown(tmp_path):
    path = tmp_path / "belarus.db"
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PRESSFREE_DB"] = str(path)
    code, shown = at_a_terminal(["init", "--encrypt"], ["correct horse"] * 2, env)
    assert code == 0, shown
    assert f"New passphrase for {path}:" in shown and "Repeat for confirmation:" in shown
    assert "correct horse" not in shown and encryption.encrypted(path)
    code, shown = at_a_terminal(["list", "--format", "csv"], ["correct horse"], env)
    header = "id,date,kinds,country,city,journalists,outlets,perpetrator,summary,publishers,status"
    assert (code, shown.splitlines()[-1]) == (0, header)
    assert f"Passphrase of {path}:" in shown and "correct horse" not in shown
    code, shown = at_a_terminal(["list"], ["wrong horse"], env)
    assert code == 1 and shown.splitlines()[-1] == (
        f"Error: --db: '{path}' is encrypted, and this passphrase does not open it"
    )


def test_a_copy_from_or_to_an_encrypted_file_writes_no_temporary_file(tmp_path, monkeypatch):
    import tempfile

    encrypted, plain = tmp_path / "encrypted.db", tmp_path / "plain.db"
    on(encrypted, "one")("import", SAMPLE)
    listed = on(encrypted, "one").json("list")

    def refused(*_args, **_kwargs):
        raise AssertionError("a temporary file was asked for")

    monkeypatch.setattr(tempfile, "TemporaryFile", refused)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refused)
    on(encrypted, "one")("copy", "--to", tmp_path / "new.db")
    assert encryption.encrypted(tmp_path / "new.db")  # a passphrase at hand encrypts it
    assert on(tmp_path / "new.db", "one").json("list") == listed
    file = tmp_path / "passphrase"
    file.write_text("one\n")
    on(plain)("init")  # a plain file stays plain; a new one would be encrypted
    on(plain)("--passphrase-file", file, "copy", "--from", encrypted)
    assert on(plain).json("list") == listed and not encryption.encrypted(plain)


def test_a_server_database_is_not_encrypted_and_nothing_is_made_there(pg_url):
    for command in (["init", "--encrypt"], ["encrypt"]):
        refused = Cli(env={"PRESSFREE_DB": pg_url, "PRESSFREE_PASSPHRASE": "one"}).invoke(*command)
        assert (refused.exit_code, refused.stderr) == (
            1,
            f"Error: --db: '{pg_url}' is a server database: pressfree encrypts SQLite files "
            "(a server keeps its data as its administrator sets it up)\n",
        )
    from sqlalchemy import create_engine, inspect

    engine = create_engine(pg_url)
    with engine.connect() as connection:
        assert inspect(connection).get_table_names() == []
    engine.dispose()
    for command in (["decrypt", "--yes"], ["rekey"]):
        Cli(env={"PRESSFREE_DB": pg_url})("init")
        refused = Cli(env={"PRESSFREE_DB": pg_url}).invoke(*command)
        assert refused.stderr == f"Error: --db: '{pg_url}' is not encrypted\n"


def test_a_passphrase_given_for_a_plain_file_is_said_not_ignored(tmp_path):
    path = tmp_path / "plain.db"
    on(path)("init")
    assert on(path, "one")("list", "--format", "csv").stderr == (
        f"Warning: {path} is not encrypted; the passphrase given is not used (pressfree "
        "encrypt encrypts it).\n"
    )
    assert not encryption.encrypted(path)


def test_rejected_rows_are_written_in_clear_only_where_the_user_says(tmp_path):
    path = tmp_path / "belarus.db"
    on(path, "one")("init")
    rows = tmp_path / "rows.csv"
    rows.write_text("date,kinds\n2021-07-01,raid\n2021-02-30,raid\n")
    refused = on(path, "one").invoke("import", rows, "--skip-invalid")
    assert (refused.exit_code, refused.stderr) == (
        2,
        "Error: --skip-invalid: the database is encrypted, and the rejected rows would be "
        "written in clear beside the file: name where they go (--rejected FILE), or fix the "
        "rows\n",
    )
    assert not (tmp_path / "rows.rejected.csv").exists()
    chosen = tmp_path / "mine.csv"
    on(path, "one")("import", rows, "--skip-invalid", "--rejected", chosen)
    assert "2021-02-30" in chosen.read_text() and len(on(path, "one").json("list")) == 1
