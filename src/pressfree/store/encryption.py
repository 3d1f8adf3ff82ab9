"""Encrypted SQLite files (SQLCipher, the optional extra pressfree[secure]).

A file is encrypted when it does not begin with SQLite's plain header: SQLCipher writes a
random salt there, and encrypts every page after it (of the file, its write-ahead log and
its rollback journal alike). The key is derived from the passphrase as SQLCipher 4 derives
it (PBKDF2-HMAC-SHA512, 256,000 rounds, the file's salt), once per process, and handed to
SQLCipher raw: every connection a command opens then costs nothing more than a plain one,
and the file opens with the passphrase in any SQLCipher 4 (`sqlcipher` at the shell too).

Where a passphrase comes from (a prompt, the environment, a file, the OS keyring) is the
command line's business (pressfree.passphrases); this module only keys connections.
"""

from __future__ import annotations

import hashlib
import os
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pressfree.errors import PressfreeError

PLAIN_HEADER = b"SQLite format 3\x00"
SALT_BYTES = 16
KEY_BYTES = 32
ROUNDS = 256_000  # SQLCipher 4's default: files stay readable by its own tools
EXTRA = "pip install 'pressfree[secure]'"


@dataclass(frozen=True)
class Key:
    """The raw key of one encrypted file, with the salt at its head."""

    raw: bytes
    salt: bytes

    @property
    def pragma(self) -> str:
        # x'KEY SALT': the key as it is, and the salt the file starts with (or will)
        return f"PRAGMA key = \"x'{self.raw.hex()}{self.salt.hex()}'\""

    @property
    def fingerprint(self) -> str:
        """Tells engines of one file under different keys apart (never shown, never kept)."""
        return hashlib.sha256(self.raw + self.salt).hexdigest()[:16]


def encrypted(path: Path) -> bool:
    """Whether a database file is encrypted: not SQLite's plain header, and whole pages (of
    at least 512 bytes, SQLite's smallest) as every database file has; any other file is no
    database at all."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(PLAIN_HEADER))
            size = os.fstat(handle.fileno()).st_size
    except OSError:
        return False
    return bool(head) and head != PLAIN_HEADER and size % 512 == 0


def salt_of(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(SALT_BYTES)


@lru_cache(maxsize=8)
def derive(passphrase: str, salt: bytes) -> Key:
    """SQLCipher 4's key for a passphrase and salt (about 0.15 s: once per process, and
    then only what derive_soon has not done yet)."""
    started = _STARTED.pop((passphrase, salt), None)
    if started is not None:
        return started.result()
    raw = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, ROUNDS, KEY_BYTES)
    return Key(raw, salt)


# Keys being derived beside the start-up of a command (derive_soon), by passphrase and salt
_STARTED: dict[tuple[str, bytes], Future[Key]] = {}


def derive_soon(passphrase: str, path: Path) -> None:
    """Start deriving an encrypted file's key in another thread, while the command's own
    code loads (hashlib lets go of the interpreter while it derives: the two share the
    machine's cores); derive() then takes the result. Nothing is said of any problem here:
    the command finds it again when it opens the file."""
    salt = salt_of(path)
    if (passphrase, salt) in _STARTED:
        return
    future: Future[Key] = Future()

    def work() -> None:
        try:
            raw = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, ROUNDS, KEY_BYTES)
            future.set_result(Key(raw, salt))
        except BaseException as error:  # handed to whoever waits for it
            future.set_exception(error)

    _STARTED[(passphrase, salt)] = future
    threading.Thread(target=work, name="pressfree-key", daemon=True).start()


def key_of(path: Path, passphrase: str) -> Key:
    """The key that opens an encrypted file, if the passphrase is its own."""
    return derive(passphrase, salt_of(path))


def new_key(passphrase: str) -> Key:
    """The key of a file about to be encrypted: a new random salt."""
    return derive(passphrase, os.urandom(SALT_BYTES))


def driver() -> Any:
    """SQLCipher's DB-API module (sqlcipher3), or one line saying how to install it."""
    try:
        import sqlcipher3.dbapi2 as module
    except ImportError:
        raise PressfreeError(
            f"encryption: pressfree's encryption is not installed here: {EXTRA}"
        ) from None
    return module


def key_connection(connection: Any, key: Key) -> None:
    """The first statements on a connection to an encrypted file: SQLCipher's own log
    silenced (it writes every failed page check to stderr), the key, temporary tables and
    sorts kept in memory, never in a plain temporary file."""
    connection.execute("PRAGMA cipher_log_level = NONE")
    connection.execute(key.pragma)
    connection.execute("PRAGMA temp_store = MEMORY")


def connect(database: str, key: Key | None, uri: bool = False, timeout: float = 5.0) -> Any:
    """A DB-API connection to a file, through SQLCipher when a key is given."""
    if key is None:
        import sqlite3

        return sqlite3.connect(database, uri=uri, timeout=timeout)
    connection = driver().connect(database, uri=uri, timeout=timeout)
    key_connection(connection, key)
    return connection


def opens(connection: Any) -> bool:
    """Whether a keyed connection reads its file (a wrong key reads garbage: 'file is not a
    database')."""
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except Exception as error:  # the driver's DatabaseError, of either module
        if "not a database" in str(error):
            return False
        raise
    return True
