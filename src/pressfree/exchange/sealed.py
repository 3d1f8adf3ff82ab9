"""Files encrypted for their readers with age (pyrage, in the optional extra
pressfree[secure]): what export, report and backup write when asked (--encrypt-to RECIPIENT,
--encrypt-passphrase), and what import reads back. Files are encrypted and decrypted in
memory: no plain copy of what is sealed is ever written to the disk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pressfree.errors import InvalidValue, PressfreeError, UsageError

AGE = b"age-encryption.org/v1\n"
ARMORED = b"-----BEGIN AGE ENCRYPTED FILE-----"
PASSPHRASE_VAR = "PRESSFREE_FILE_PASSPHRASE"
EXTRA = "pip install 'pressfree[secure]'"


def _age() -> Any:
    try:
        import pyrage
    except ImportError:
        raise PressfreeError(f"encryption: age is not installed here: {EXTRA}") from None
    return pyrage


@dataclass
class Seal:
    """How one output is encrypted: for recipients (age or SSH public keys), or with a
    passphrase (age's scrypt)."""

    recipients: list[Any] = field(default_factory=list)
    passphrase: str | None = None

    def __call__(self, data: bytes) -> bytes:
        age = _age()
        if self.passphrase is not None:
            return bytes(age.passphrase.encrypt(data, self.passphrase))
        return bytes(age.encrypt(data, self.recipients))


def recipient(text: str) -> Any:
    """An age public key (age1...) or an SSH public key (ssh-ed25519 ..., ssh-rsa ...)."""
    age = _age()
    given = text.strip()
    try:
        if given.startswith("age1"):
            return age.x25519.Recipient.from_str(given)
        if given.startswith("ssh-"):
            return age.ssh.Recipient.from_str(given)
    except (age.RecipientError, ValueError) as error:
        raise InvalidValue("--encrypt-to", text, f"is not a usable public key ({error})") from None
    raise InvalidValue(
        "--encrypt-to",
        text,
        "is not an age public key (age1...) or an SSH public key (ssh-ed25519 ..., ssh-rsa ...)",
    )


def seal_for(recipients: list[str], passphrase: str | None) -> Seal | None:
    """The seal of an output, or None when it is to be written as it is."""
    if recipients and passphrase is not None:
        raise UsageError("--encrypt-to and --encrypt-passphrase: give one of them")
    if passphrase is not None:
        _age()
        return Seal(passphrase=passphrase)
    if recipients:
        return Seal(recipients=[recipient(r) for r in recipients])
    return None


def is_sealed(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(ARMORED))
    except OSError:
        return False
    return head.startswith(AGE) or head.startswith(ARMORED)


def identities(path: Path) -> list[Any]:
    """The identities (secret keys) of an age identity file, or of an SSH private key."""
    age = _age()
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidValue("--identity", str(path), f"cannot be read ({error.strerror})") from None
    text = data.decode("utf-8", errors="replace")
    keys = [
        line.strip() for line in text.splitlines() if line.strip().startswith("AGE-SECRET-KEY-")
    ]
    try:
        if keys:
            return [age.x25519.Identity.from_str(key) for key in keys]
        return [age.ssh.Identity.from_buffer(data)]
    except (age.IdentityError, ValueError) as error:
        raise InvalidValue(
            "--identity", str(path), f"holds no usable age or SSH secret key ({error})"
        ) from None


def unseal(path: Path, keys: list[Any] | None, passphrase: str | None) -> bytes:
    """A sealed file's content, decrypted in memory."""
    age = _age()
    data = path.read_bytes()
    if data.startswith(ARMORED):
        raise InvalidValue(
            "file", str(path), "is age-encrypted in ASCII armour: `age -d` reads it, not pressfree"
        )
    try:
        if keys:
            return bytes(age.decrypt(data, keys))
        if passphrase is not None:
            return bytes(age.passphrase.decrypt(data, passphrase))
    except age.DecryptError as error:
        reason = str(error)
        if "No matching keys" in reason or "decryption failed" in reason.lower():
            how = "--identity" if keys else "the passphrase"
            raise InvalidValue(
                "file", str(path), f"is encrypted, and {how} does not open it"
            ) from None
        raise InvalidValue(
            "file", str(path), f"is encrypted, and damaged or incomplete ({reason})"
        ) from None
    raise PressfreeError(
        f"file: {str(path)!r} is encrypted (age): give --identity FILE, or its passphrase "
        f"({PASSPHRASE_VAR}, or run on a terminal)"
    )


def opened_backup(
    path: Path, keys: list[Any] | None, passphrase: str | None, passphrases: Any
) -> tuple[Any, Callable[[], None]]:
    """A sealed backup opened for reading (db.Store), and what removes what it needed once
    the store is disposed: a plain database's copy is held in memory; an encrypted one's is
    put beside the sealed file under a partial name (it is encrypted on the disk as it was
    in the backup) and opened with the database's passphrase."""
    import os

    from pressfree.store import db, encryption
    from pressfree.store.private_files import PARTIAL, create_private_file

    data = unseal(path, keys, passphrase)
    if data.startswith(encryption.PLAIN_HEADER):
        return db.open_in_memory(data, path), lambda: None
    if not data or len(data) % 512:
        raise InvalidValue("file", str(path), "is encrypted, but holds no pressfree database")
    partial = path.with_name(f".{path.name}.{os.urandom(4).hex()}.{os.getpid()}{PARTIAL}")
    create_private_file(partial, "--from")
    try:
        partial.write_bytes(data)
        store = db.open_store(str(partial), write=False, passphrases=passphrases)
    except PressfreeError as error:  # said of the sealed file, not of its partial copy
        partial.unlink(missing_ok=True)
        said = PressfreeError(str(error).replace(str(partial), str(path)))
        said.exit_code = error.exit_code
        raise said from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    store.path = path  # shown as the file it came from
    return store, lambda: partial.unlink(missing_ok=True)
