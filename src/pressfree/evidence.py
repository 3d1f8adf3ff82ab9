"""Evidence files: documents, photos and archived pages kept inside the store with the
incident they bear on. The bytes are stored once, named by their SHA-256, however many
incidents they are attached to; an attachment is a change of its incident (a revision of
the history), and a file no longer attached keeps its bytes so that restore and undo can
put it back, until a researcher erases them."""

from __future__ import annotations

import hashlib
import mimetypes
import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from pressfree import dates, incidents, settings, work
from pressfree.errors import Conflict, InvalidValue, NotFound
from pressfree.schemas import clean_text, file_label
from pressfree.store.models import Attachment, EvidenceFile, Setting, incident_now, utcnow

LIMIT_SETTING = "evidence_size_limit"
DEFAULT_LIMIT = 100 * 1024 * 1024  # bytes: a phone's video is more; a scan or a page is less
# What the database itself can hold in one value: SQLite's default SQLITE_MAX_LENGTH is
# 1,000,000,000 bytes, and PostgreSQL's bytea 1 GiB.
MOST = 1_000_000_000
SHA256 = re.compile(r"[0-9a-f]{64}")
UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1024**2, "mb": 1024**2,
         "mib": 1024**2, "g": 1024**3, "gb": 1024**3, "gib": 1024**3, "t": 1024**4,
         "tb": 1024**4, "tib": 1024**4}  # fmt: skip


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- the size limit -------------------------------------------------------------------------


def size_limit(session: Session) -> int:
    row = session.get(Setting, LIMIT_SETTING)
    return int(row.value) if row is not None else DEFAULT_LIMIT


def parse_size(text: str, field: str = "SIZE") -> int:
    """A size as people write it: 250MB, 1.5 GB, 800k, 1048576 (binary units: 1 MB is
    1,048,576 bytes, as file managers on Linux and Windows count them)."""
    found = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*([a-zA-Z]*)\s*", text or "")
    unit = found.group(2).casefold() if found else ""
    if not found or unit not in UNITS:
        raise InvalidValue(field, text, "is not a size (write it as 250MB, 1.5GB or 800KB)")
    size = int(float(found.group(1).replace(",", ".")) * UNITS[unit])
    if not 1 <= size <= MOST:
        raise InvalidValue(field, text, f"must be between 1 byte and {shown_size(MOST)}")
    return size


def shown_size(size: int) -> str:
    """1 KB, 3.4 MB: how a file manager says a size (binary units)."""
    amount = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            if unit == "bytes":
                return f"{size:,} byte{'s' if size != 1 else ''}"
            return f"{amount:.1f} {unit}".replace(".0 ", " ")
        amount /= 1024
    raise AssertionError  # the loop returns at GB


def set_size_limit(session: Session, text: str) -> int:
    """Change the largest file `attach` takes, as one revision."""
    after = parse_size(text)
    before = size_limit(session)
    if after == before:
        return after
    settings.store(session, LIMIT_SETTING, after, {"limit": before}, {"limit": after})
    return after


# --- attaching and removing -----------------------------------------------------------------


def keep(session: Session, content: bytes) -> str:
    """The file's bytes in the store (once: a file stored already is found by its hash);
    returns their SHA-256."""
    sha256 = digest(content)
    if session.get(EvidenceFile, sha256) is None:
        session.add(EvidenceFile(sha256=sha256, size=len(content), content=content))
        session.flush()
    return sha256


def checked_name(name: str, field: str = "--name") -> str:
    """The name a file is attached under: its own name without any folder (a name from a
    document never leads `export --with-files` outside the folder it writes to), a control
    or bidirectional character in it written as its escape (schemas.file_label)."""
    text = file_label((name or "").replace("\\", "/").rsplit("/", 1)[-1].strip())
    if not text or text in (".", ".."):
        raise InvalidValue(field, name, "is not a file name")
    if len(text) > 255:
        raise InvalidValue(field, name, "is longer than 255 characters")
    return text


def attach(
    session: Session, public_id: str, content: bytes, name: str, note: str | None = None
) -> dict[str, Any]:
    """Attach a file to an incident: one revision of the incident; returns the attachment
    as its record lists it."""
    limit = size_limit(session)
    if not content:
        raise InvalidValue("FILE", name, "is empty: there is nothing to keep")
    if len(content) > limit:
        raise InvalidValue(
            "FILE",
            name,
            f"is {shown_size(len(content))}, over this database's limit of "
            f"{shown_size(limit)} (`pressfree attachments limit SIZE` changes it)",
        )
    name = checked_name(name, "FILE")
    note = clean_text(note.strip(), "--note") or None if note else None
    incident = incidents.find(session, public_id)
    before = incidents.get(session, incident.public_id)
    sha256 = keep(session, content)
    if any(a["sha256"] == sha256 for a in before.attachments):
        number = next(a["number"] for a in before.attachments if a["sha256"] == sha256)
        raise Conflict(
            f"FILE: {name!r} is attached to incident {incident.public_id[:8]} already "
            f"(number {number})"
        )
    assert incident.id is not None  # a stored incident
    number = _next_number(session, incident.id)
    session.add(
        Attachment(
            incident_id=incident.id,
            number=number,
            sha256=sha256,
            name=name,
            media_type=media_type(name),
            note=note,
        )
    )
    incident.updated_at = incident_now()
    session.flush()
    after = incidents.get(session, incident.public_id)
    work.changed(session, "incident", after.id, before, after)
    return next(a for a in after.attachments if a["number"] == number)


def _next_number(session: Session, incident_id: int) -> int:
    last = session.execute(
        select(func.max(col(Attachment.number))).where(col(Attachment.incident_id) == incident_id)
    ).scalar()
    return (last or 0) + 1


def media_type(name: str) -> str:
    """What a file is, by its name (the standard library's table; no file is opened)."""
    return mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"


def find(session: Session, public_id: str, number: int) -> tuple[Attachment, str]:
    """An incident's attachment by number, and the incident's full id."""
    incident = incidents.find(session, public_id)
    row = session.execute(
        select(Attachment).where(
            col(Attachment.incident_id) == incident.id, col(Attachment.number) == number
        )
    ).scalar()
    if row is None:
        numbers = session.execute(
            select(col(Attachment.number))
            .where(col(Attachment.incident_id) == incident.id)
            .order_by(col(Attachment.number))
        ).scalars()
        held = ", ".join(map(str, numbers)) or "none"
        raise NotFound("N", number, f"is not an attachment of incident "
                       f"{incident.public_id[:8]} (it has: {held})")  # fmt: skip
    return row, incident.public_id


def content(session: Session, public_id: str, number: int) -> tuple[dict[str, Any], bytes]:
    """An attachment and its bytes, checked against their hash: a file whose bytes no longer
    match is refused rather than handed out as evidence."""
    row, full_id = find(session, public_id, number)
    stored = session.get(EvidenceFile, row.sha256)
    assert stored is not None  # a foreign key
    if digest(stored.content) != row.sha256:
        raise Conflict(
            f"N: attachment {number} of incident {full_id[:8]} ({row.name}) is damaged: its "
            f"bytes no longer have the SHA-256 they were stored under (`pressfree check`)"
        )
    return incidents.attachment_dict(row, stored.size), stored.content


def remove(session: Session, public_id: str, number: int, erase: bool = False) -> dict[str, Any]:
    """Take an attachment off its incident (one revision). The bytes stay for restore and
    undo, unless `erase`: then they go too when no other incident has the file attached,
    and no restore brings them back."""
    row, full_id = find(session, public_id, number)
    incident = incidents.find(session, full_id)
    before = incidents.get(session, full_id)
    gone = next(a for a in before.attachments if a["number"] == number)
    session.delete(row)
    incident.updated_at = incident_now()
    session.flush()
    if erase:
        erase_unattached(session, [row.sha256])
    after = incidents.get(session, full_id)
    work.changed(session, "incident", after.id, before, after)
    return gone


def move(session: Session, from_id: int, to_id: int) -> None:
    """Attach one incident's files to another (a merge), numbered after the other's own; a
    file the other has attached already is not attached twice."""
    held = set(
        session.execute(
            select(col(Attachment.sha256)).where(col(Attachment.incident_id) == to_id)
        ).scalars()
    )
    number = _next_number(session, to_id)
    moving = session.execute(
        select(Attachment)
        .where(col(Attachment.incident_id) == from_id)
        .order_by(col(Attachment.number))
    ).scalars()
    for row in list(moving):
        if row.sha256 in held:
            session.delete(row)
            continue
        row.incident_id, row.number = to_id, number
        held.add(row.sha256)
        number += 1
    session.flush()


def erase_unattached(session: Session, hashes: list[str]) -> int:
    """Erase the bytes of those files no attachment refers to; returns how many."""
    attached = select(col(Attachment.sha256)).where(col(Attachment.sha256).in_(hashes))
    result = session.execute(
        delete(EvidenceFile).where(
            col(EvidenceFile.sha256).in_(hashes), col(EvidenceFile.sha256).not_in(attached)
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def put(session: Session, incident_id: int, attachments: list[dict[str, Any]]) -> int:
    """Make an incident's attachments those of a record (a restore, a copy), keeping their
    numbers; those whose bytes the store does not hold (erased since, or not carried) are
    left out. Returns how many were left out."""
    session.execute(delete(Attachment).where(col(Attachment.incident_id) == incident_id))
    held = held_files(session, [a["sha256"] for a in attachments])
    left_out = 0
    for item in attachments:
        if item["sha256"] not in held:
            left_out += 1
            continue
        session.add(
            Attachment(
                incident_id=incident_id,
                number=item["number"],
                sha256=item["sha256"],
                name=item["name"],
                media_type=item["media_type"],
                note=item.get("note"),
                attached_at=(
                    dates.parse_timestamp(item["attached_at"], "attached_at")
                    if item.get("attached_at")
                    else utcnow()
                ),
            )
        )
    session.flush()
    return left_out


def held_files(session: Session, hashes: list[str]) -> set[str]:
    wanted = sorted(set(hashes))
    found: set[str] = set()
    for start in range(0, len(wanted), incidents.CHUNK):
        found |= set(
            session.execute(
                select(col(EvidenceFile.sha256)).where(
                    col(EvidenceFile.sha256).in_(wanted[start : start + incidents.CHUNK])
                )
            ).scalars()
        )
    return found


def checked_attachments(items: Any, field: str = "attachments") -> list[dict[str, Any]]:
    """The attachments a document gives an incident, each checked as `attach` checks a file
    (its name, its note), with a SHA-256 and a number."""
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InvalidValue(field, items, "must be a list of JSON objects")
    out, numbers = [], set()
    for index, item in enumerate(items):
        where = f"{field}[{index}]"
        sha256, number = item.get("sha256"), item.get("number")
        if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
            raise InvalidValue(f"{where}.sha256", sha256, "is not a SHA-256 (64 hex digits)")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise InvalidValue(f"{where}.number", number, "must be a whole number from 1")
        if number in numbers:
            raise InvalidValue(f"{where}.number", number, "is given twice")
        numbers.add(number)
        name = checked_name(item.get("name") or "", f"{where}.name")
        note = item.get("note")
        kept = {
            "number": number,
            "name": name,
            "sha256": sha256,
            "media_type": clean_text(item.get("media_type"), f"{where}.media_type")
            or media_type(name),
            "attached_at": item.get("attached_at"),
        }
        if kept["attached_at"]:  # checked here, where the entry is named
            dates.parse_timestamp(kept["attached_at"], f"{where}.attached_at")
        if note:
            kept["note"] = clean_text(note, f"{where}.note")
        out.append(kept)
    return out


# --- carrying files and checking them -------------------------------------------------------


def files_of(session: Session, hashes: list[str]) -> Iterator[tuple[str, bytes]]:
    """(sha256, bytes) of the files named, one at a time (a copy carries them)."""
    for sha256 in sorted(set(hashes)):
        stored = session.get(EvidenceFile, sha256)
        if stored is not None:
            yield sha256, stored.content
            session.expunge(stored)  # one file's bytes in memory at a time


def checked_file(sha256: Any, content: bytes) -> str:
    """The SHA-256 a document gives a file it carries, if it is the hash of its bytes."""
    if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
        raise InvalidValue("sha256", sha256, "is not a SHA-256 (64 hex digits)")
    if digest(content) != sha256:
        raise InvalidValue("sha256", sha256, "is not the SHA-256 of the file's content")
    return sha256


def take_file(session: Session, sha256: str, content: bytes) -> bool:
    """A file given with a document, stored unless held already; refused if its bytes are
    not what its hash says. Returns whether it was new."""
    checked_file(sha256, content)
    if session.get(EvidenceFile, sha256) is not None:
        return False
    keep(session, content)
    return True


def damaged(session: Session) -> list[tuple[str, str]]:
    """(sha256, what is wrong) for every stored file whose bytes do not match their hash
    or their size, one file in memory at a time."""
    found = []
    hashes = list(session.execute(select(col(EvidenceFile.sha256))).scalars())
    for sha256 in hashes:
        size, data = session.execute(
            select(col(EvidenceFile.size), col(EvidenceFile.content)).where(
                col(EvidenceFile.sha256) == sha256
            )
        ).one()
        if digest(data) != sha256:
            found.append((sha256, "its bytes no longer have this SHA-256"))
        elif len(data) != size:
            found.append((sha256, f"holds {len(data)} bytes, not {size}"))
    return found
