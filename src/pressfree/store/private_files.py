"""Files pressfree writes beside the database (exports, backups, rejected rows, charts):
readable by their owner only, written whole or not at all, and never over anything but a
regular file."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import IO, Any

from pressfree.errors import InvalidValue

PARTIAL = ".pressfree-partial"
# SQLite leaves -journal, -wal or -shm beside a backup's partial file when it is killed.
_PARTIAL_NAME = re.compile(r"^\..+\.(\d+)" + re.escape(PARTIAL) + "(?:-journal|-wal|-shm)?$")
_PROTECTED: set[Path] = set()


def protect(path: Path) -> None:
    """Never write an output file over this one (the open database, its -wal and -shm)."""
    resolved = path.resolve()
    _PROTECTED.update(
        {resolved, *(resolved.with_name(resolved.name + s) for s in ("-wal", "-shm", "-journal"))}
    )


def create_private_file(path: Path, field: str = "--db") -> None:
    """Create an empty file readable and writable by its owner only (it may name people);
    an existing file is left as it is."""
    try:
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as error:
        raise InvalidValue(field, str(path), f"cannot be created ({error.strerror})") from None


def check_target(path: Path, field: str) -> None:
    """A path pressfree may write to: nothing there yet, or a regular file, in a folder that
    exists. A symbolic link, FIFO or device is refused rather than replaced by a file, and
    a name of blanks (a slip of the shell's quoting) rather than made."""
    if not path.name.strip():
        raise InvalidValue(field, str(path), "is blank: name a file")
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None
    except OSError as error:
        raise InvalidValue(field, str(path), f"cannot be used ({error.strerror})") from None
    if mode is not None:
        if stat.S_ISDIR(mode):
            raise InvalidValue(field, str(path), "is a folder: name a file")
        if stat.S_ISLNK(mode):
            raise InvalidValue(field, str(path), "is a symbolic link: name the file itself")
        if not stat.S_ISREG(mode):
            raise InvalidValue(
                field, str(path), "is not a regular file (a device, FIFO or socket): name a file"
            )
    if not path.parent.is_dir():
        raise InvalidValue(field, str(path), "is in a folder that does not exist (create it first)")
    if path.resolve() in _PROTECTED:
        raise InvalidValue(field, str(path), "is the database itself")


def remove_stale_partials(folder: Path) -> list[Path]:
    """Partial files left in a folder by exports or backups that were killed: each name holds
    the writer's process id, so only those of processes that are gone are removed."""
    removed: list[Path] = []
    try:
        candidates = [p for p in folder.iterdir() if PARTIAL in p.name]
    except OSError:
        return removed
    for path in candidates:
        match = _PARTIAL_NAME.match(path.name)
        if match and not process_alive(int(match[1])):
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass
    return removed


def process_alive(pid: int) -> bool:
    """Whether a process of this id runs (one of another user's counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


class WholeFile:
    """A file written beside its target and renamed over it only when complete, so a failed
    or killed write never leaves a half file under the target's name.

    with WholeFile(path, "--out") as whole:
        with whole.open("w") as handle: ...
    """

    def __init__(self, path: Path, field: str):
        self.path, self.field = path, field
        check_target(path, field)
        remove_stale_partials(path.parent)
        self.partial = path.with_name(f".{path.name}.{os.getpid()}{PARTIAL}")

    def open(self, mode: str = "w") -> IO[Any]:
        """The partial file, created private (0600)."""
        try:
            self.partial.unlink(missing_ok=True)
            descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as error:
            raise InvalidValue(
                self.field, str(self.path), f"cannot be written ({error.strerror})"
            ) from None
        if "b" in mode:
            return os.fdopen(descriptor, "wb")
        return os.fdopen(descriptor, "w", encoding="utf-8", newline="")

    def commit(self) -> None:
        check_target(self.path, self.field)  # again: something may have appeared meanwhile
        os.chmod(self.partial, 0o600)
        os.replace(self.partial, self.path)

    def discard(self) -> None:
        self.partial.unlink(missing_ok=True)

    def __enter__(self) -> WholeFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_exc: object) -> None:
        try:
            if kind is None:
                self.commit()
        finally:
            self.discard()
