"""Evidence files out of the store and back: `export --with-files PATH` writes the files of
the incidents exported into a folder or a zip, named so that a person can find them
(`1a2b3c4d-1-protocol.pdf`: the incident, the attachment's number, its name), and
`import FILE --files PATH` takes from such a folder or zip the files a document's
attachments name, found by their SHA-256 whatever they are called there."""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pressfree import evidence
from pressfree.errors import InvalidValue, UsageError
from pressfree.schemas import IncidentRecord

if TYPE_CHECKING:
    from sqlmodel import Session

READ = 1 << 20  # bytes read at a time while a file is hashed


def file_name(incident_id: str, attachment: dict[str, Any]) -> str:
    return f"{incident_id[:8]}-{attachment['number']}-{attachment['name']}"


class Written:
    """What `export --with-files` wrote: how many files, and how many bytes."""

    def __init__(self) -> None:
        self.files = 0
        self.size = 0


@contextmanager
def writer(path: Path, field: str = "--with-files") -> Iterator[Callable[[str, bytes], None]]:
    """A function that writes one file into the folder or zip at `path` (a zip when the
    name ends .zip), private (a folder 0700, files 0600). Written beside it and renamed
    into place only when every file is written: a failed export leaves nothing there. A
    folder that holds anything already, or a zip that exists, is refused."""
    import shutil

    check_destination(path, field)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        if path.suffix.casefold() == ".zip":
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:

                def into_zip(name: str, content: bytes) -> None:
                    archive.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)

                yield into_zip
        else:
            partial.mkdir(mode=0o700)

            def into_folder(name: str, content: bytes) -> None:
                target = partial / name
                descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(descriptor, "wb") as handle:
                    handle.write(content)

            yield into_folder
            if path.is_dir():
                path.rmdir()  # empty (check_destination): the written folder takes its place
        check_destination(path, field)  # again: something may have appeared meanwhile
        os.replace(partial, path)
    finally:
        if partial.is_dir():
            shutil.rmtree(partial)
        else:
            partial.unlink(missing_ok=True)


def check_destination(path: Path, field: str = "--with-files") -> None:
    """A new zip, or a new or empty folder (checked before an export's work)."""
    if path.suffix.casefold() == ".zip":
        if path.exists() or path.is_symlink():
            raise InvalidValue(field, str(path), "exists already: name a new zip")
        if not path.parent.is_dir():
            raise InvalidValue(field, str(path), "is in a folder that does not exist")
        return
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise InvalidValue(field, str(path), "is not a folder (name a new folder, or a .zip)")
    if path.is_dir() and any(path.iterdir()):
        raise InvalidValue(field, str(path), "holds files already: name a new or empty folder")


def write_files(
    session: Session, records: Iterable[IncidentRecord], write: Callable[[str, bytes], None]
) -> Written:
    """Write the evidence files of the incidents, each checked against its hash first."""
    written = Written()
    for record in records:
        for attachment in record.attachments:
            _, content = evidence.content(session, record.id, attachment["number"])
            write(file_name(record.id, attachment), content)
            written.files += 1
            written.size += len(content)
    return written


def given_files(path: Path, field: str = "--files") -> dict[str, Callable[[], bytes]]:
    """sha256 -> a function reading the file, of every file in a folder (and its folders)
    or a zip."""
    if zipfile.is_zipfile(path) if path.is_file() else False:
        archive = zipfile.ZipFile(path)
        found: dict[str, Callable[[], bytes]] = {}
        for info in archive.infolist():
            if info.is_dir():
                continue
            digest = hashlib.sha256()
            with archive.open(info) as handle:
                while chunk := handle.read(READ):
                    digest.update(chunk)
            found[digest.hexdigest()] = partial(archive.read, info)
        return found
    if not path.is_dir():
        raise UsageError(f"{field}: {str(path)!r} is not a folder or a zip of evidence files")
    found = {}
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest = hashlib.sha256()
        with file.open("rb") as handle:
            while chunk := handle.read(READ):
                digest.update(chunk)
        found[digest.hexdigest()] = file.read_bytes
    return found
