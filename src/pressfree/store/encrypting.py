"""Encrypting, decrypting and changing the passphrase of a database file (SQLCipher).

The file is written anew beside itself under a partial name (SQLCipher's sqlcipher_export
copies every table, index, trigger and the schema version), checked, and renamed over the
old one: killed at any moment, the old file is still there and opens as before. While it
is written, the old file is held exclusively, so no other command writes to it; a command
that had it open and tries to write after the swap is refused by SQLite (the file it holds
was replaced), so no write goes into the old file unseen.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pressfree.errors import PressfreeError
from pressfree.store.encryption import Key, driver, encrypted, key_connection, key_of, new_key
from pressfree.store.passphrases import Passphrases
from pressfree.store.private_files import PARTIAL, create_private_file
from pressfree.store.writes import WRITE_WAIT_SECONDS

# Old files are overwritten this many bytes at a time before they are let go
BLOCK = 1 << 20


@dataclass
class Converted:
    """What a conversion did, for the user to be told plainly."""

    pages: int
    overwritten: bool  # the old file's bytes overwritten with zeros before it was let go
    plain_copies: list[Path] = field(default_factory=list)  # beside it, not encrypted


def convert(path: Path, old: Key | None, new: Key | None) -> Converted:
    """Write PATH again under NEW (None: plain), reading it with OLD (None: plain), and put
    the new file in its place. The old one's bytes are overwritten when it held something
    the new one protects better (it was plain, or under another key)."""
    module = driver()
    source = module.connect(str(path), timeout=WRITE_WAIT_SECONDS, isolation_level=None)
    partial = path.with_name(f".{path.name}.{os.urandom(4).hex()}.{os.getpid()}{PARTIAL}")
    try:
        if old is not None:
            key_connection(source, old)
        _hold(source, path)
        create_private_file(partial, "--db")
        secret = f"x'{new.raw.hex()}{new.salt.hex()}'" if new is not None else ""
        source.execute("ATTACH DATABASE ? AS converted KEY ?", (str(partial), secret))
        source.execute("SELECT sqlcipher_export('converted')")
        source.execute("DETACH DATABASE converted")
        pages = _checked(module, partial, new)
        _sync(partial)
        old_bytes = os.open(path, os.O_WRONLY) if new is not None else None
        try:
            os.replace(partial, path)
            _sync(path.parent)
            if old_bytes is not None:
                _overwrite(old_bytes)
        finally:
            if old_bytes is not None:
                os.close(old_bytes)
    except module.Error as error:
        raise PressfreeError(f"--db: {str(path)!r} could not be written again ({error})") from None
    finally:
        source.close()
        partial.unlink(missing_ok=True)
    return Converted(pages, new is not None, plain_copies(path))


def _hold(source: Any, path: Path) -> None:
    """The old file to this connection alone until it is closed: out of write-ahead mode
    (its log folded into the file) and locked exclusively, waiting as a write waits."""
    try:
        source.execute(f"PRAGMA busy_timeout = {WRITE_WAIT_SECONDS * 1000}")
        source.execute("PRAGMA locking_mode = EXCLUSIVE")
        mode = source.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        source.execute("BEGIN EXCLUSIVE")
        source.execute("COMMIT")
    except Exception as error:
        if "not a database" in str(error):
            raise PressfreeError(
                f"--db: {str(path)!r} does not open with this passphrase"
            ) from None
        if "locked" in str(error) or "busy" in str(error):
            raise PressfreeError(
                f"--db: another command has been using {str(path)!r} for more than "
                f"{WRITE_WAIT_SECONDS} s; nothing was changed: try again when it has finished"
            ) from None
        raise
    if mode != "delete":
        raise PressfreeError(
            f"--db: {str(path)!r} is in use by another command; nothing was changed: "
            "try again when it has finished"
        )


def _checked(module: Any, partial: Path, key: Key | None) -> int:
    """The new file opens with its key and SQLite finds nothing wrong in it; its pages."""
    connection = module.connect(str(partial), isolation_level=None)
    try:
        if key is not None:
            key_connection(connection, key)
        problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise PressfreeError(
                f"--db: the new file failed SQLite's check ({problems[0]}); the old one is kept"
            )
        return int(connection.execute("PRAGMA page_count").fetchone()[0])
    finally:
        connection.close()


def _overwrite(descriptor: int) -> None:
    """Zeros over the old file, written through to the disk (what that does and does not
    guarantee is said to the user: see the command)."""
    size = os.fstat(descriptor).st_size
    zeros = bytes(BLOCK)
    os.lseek(descriptor, 0, os.SEEK_SET)
    for start in range(0, size, BLOCK):
        os.write(descriptor, zeros[: min(BLOCK, size - start)])
    os.fsync(descriptor)


def _sync(file: Path) -> None:
    """A file's (or a folder's entries') writes on the disk before what follows."""
    try:
        descriptor = os.open(file, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def plain_copies(path: Path) -> list[Path]:
    """Copies pressfree keeps beside a database (before a schema upgrade) that are plain."""
    return sorted(
        copy for copy in path.parent.glob(f"{path.name}.schema-*.bak") if not encrypted(copy)
    )


def encrypt(location: str, passphrases: Passphrases) -> tuple[Converted, str]:
    """Encrypt a plain database file; what was done, and the passphrase it took."""
    path = _pressfree_file(location, passphrases)
    if encrypted(path):
        raise PressfreeError(
            f"--db: {location!r} is encrypted already (pressfree rekey changes its passphrase)"
        )
    passphrase = passphrases.for_new(path)
    assert passphrase is not None  # passphrases.encrypt: given, or asked, or refused
    return convert(path, None, new_key(passphrase)), passphrase


def decrypt(location: str, passphrases: Passphrases) -> Converted:
    """Write an encrypted database file in clear."""
    path = _pressfree_file(location, passphrases)
    if not encrypted(path):
        raise PressfreeError(f"--db: {location!r} is not encrypted")
    return convert(path, key_of(path, passphrases.for_existing(path)), None)


def rekey(
    location: str, passphrases: Passphrases, new_passphrase: Callable[[Path], str]
) -> tuple[Converted, str]:
    """Encrypt a database file under a new passphrase (and a new salt), asked for once the
    file is known to be encrypted and its passphrase right; the passphrase it took."""
    path = _pressfree_file(location, passphrases)
    if not encrypted(path):
        raise PressfreeError(f"--db: {location!r} is not encrypted (pressfree encrypt encrypts it)")
    old = key_of(path, passphrases.for_existing(path))
    new = new_passphrase(path)
    return convert(path, old, new_key(new)), new


def _pressfree_file(location: str, passphrases: Passphrases) -> Path:
    """The file of a pressfree database that exists, at this pressfree's schema, opened once
    (read-only) with its passphrase: a wrong one is told before anything is written."""
    from pressfree.store import db

    store = db.open_store(location, write=False, passphrases=passphrases)
    store.dispose()
    if store.path is None:  # decrypt, rekey: encrypt's passphrases refuse a server on opening
        raise PressfreeError(f"--db: {db.hide_password(location)!r} is not encrypted")
    return store.path
