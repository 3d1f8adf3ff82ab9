"""Where the passphrase of an encrypted database file comes from, in this order: the
environment (PRESSFREE_PASSPHRASE), a file (--passphrase-file, for scripts), the OS keyring
(only once the user asked to remember it), a prompt on a terminal (the command line's, passed
in as `ask`). The passphrase is never written anywhere by pressfree but to the keyring, and
only when asked."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pressfree.errors import InvalidValue, PressfreeError

ENV_VAR = "PRESSFREE_PASSPHRASE"
FILE_ENV_VAR = "PRESSFREE_PASSPHRASE_FILE"
KEYRING_SERVICE = "pressfree"
HOW = f"give its passphrase ({ENV_VAR}, --passphrase-file, or run on a terminal)"


@dataclass
class Passphrases:
    """The passphrases one command may use. `ask(question, new)` prompts on a terminal (twice
    for a new passphrase) or is None where nobody can answer; `encrypt` makes a new file
    encrypted even when no passphrase is at hand yet (init --encrypt), asking for one."""

    file: Path | None = None
    ask: Callable[[str, bool], str] | None = None
    encrypt: bool = False
    typed: list[str] = field(default_factory=list)  # answered at a prompt in this command

    def given(self) -> str | None:
        """A passphrase given for scripts: the environment, else the file."""
        if os.environ.get(ENV_VAR):
            return checked(os.environ[ENV_VAR], ENV_VAR)
        file = self.file or (
            Path(os.environ[FILE_ENV_VAR]) if os.environ.get(FILE_ENV_VAR) else None
        )
        if file is None:
            return None
        return read_file(file)

    def for_existing(self, path: Path) -> str:
        """The passphrase of an encrypted file, or one line saying how to give it."""
        found = self.given() or remembered(path) or (self.typed[-1] if self.typed else None)
        if found is not None:
            return found
        if self.ask is None:
            raise PressfreeError(f"--db: {str(path)!r} is encrypted: {HOW}")
        return self._asked(f"Passphrase of {path}", new=False)

    def for_new(self, path: Path) -> str | None:
        """The passphrase a new file is encrypted with, or None for a plain file: one at
        hand (given, or typed in this command for another file) encrypts it."""
        found = self.given() or (self.typed[-1] if self.typed else None)
        if found is not None or not self.encrypt:
            return found
        if self.ask is None:
            raise PressfreeError(f"--encrypt: no passphrase given for {str(path)!r}: {HOW}")
        return self._asked(f"New passphrase for {path}", new=True)

    def new_one(self, path: Path, option: str, file: Path | None = None) -> str:
        """A new passphrase (rekey's): from FILE, else PRESSFREE_NEW_PASSPHRASE, else asked."""
        if file is not None:
            return read_file(file, option)
        if os.environ.get("PRESSFREE_NEW_PASSPHRASE"):
            return checked(os.environ["PRESSFREE_NEW_PASSPHRASE"], "PRESSFREE_NEW_PASSPHRASE")
        if self.ask is None:
            raise PressfreeError(
                f"{option}: no new passphrase given for {str(path)!r} (PRESSFREE_NEW_PASSPHRASE, "
                f"{option}, or run on a terminal)"
            )
        return checked(self.ask(f"New passphrase for {path}", True), "passphrase")

    def _asked(self, question: str, new: bool) -> str:
        assert self.ask is not None
        answer = checked(self.ask(question, new), "passphrase")
        self.typed.append(answer)
        return answer


def checked(passphrase: str, field: str) -> str:
    if not passphrase.strip():
        raise InvalidValue(field, "", "is empty: a passphrase needs at least one character")
    if "\x00" in passphrase:
        raise InvalidValue(field, "(hidden)", "holds a NUL character")
    return passphrase


def read_file(file: Path, field: str = "--passphrase-file") -> str:
    """A passphrase file's first line (what `echo` or a password manager writes)."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        raise InvalidValue(field, str(file), f"cannot be read ({reason})") from None
    return checked(text.splitlines()[0] if text.strip() else "", field)


def _keyring() -> Any:
    try:
        import keyring
    except ImportError:
        return None
    return keyring


def remembered(path: Path) -> str | None:
    """The passphrase the OS keyring keeps for this file, if the user asked it to."""
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        found = keyring.get_password(KEYRING_SERVICE, str(path.resolve()))
    except Exception:  # no keyring on this system, or it is locked: as if none were kept
        return None
    return found if isinstance(found, str) else None


def remember(path: Path, passphrase: str) -> None:
    keyring = _keyring()
    if keyring is None:
        raise PressfreeError(
            "--remember: the OS keyring is not installed here: pip install 'pressfree[secure]'"
        )
    try:
        keyring.set_password(KEYRING_SERVICE, str(path.resolve()), passphrase)
    except Exception as error:
        raise PressfreeError(
            f"--remember: the OS keyring cannot keep it ({type(error).__name__}: "
            f"{str(error).splitlines()[0] if str(error) else 'no keyring'}); nothing was kept"
        ) from None


def forget(path: Path) -> bool:
    """Remove a remembered passphrase; whether there was one."""
    keyring = _keyring()
    if keyring is None or remembered(path) is None:
        return False
    try:
        keyring.delete_password(KEYRING_SERVICE, str(path.resolve()))
    except Exception:
        return False
    return True
