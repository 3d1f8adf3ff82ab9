"""Finding a record by its public id, or by an unambiguous prefix of it (like git)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlmodel import Session

from pressfree.errors import InvalidValue, NotFound

MIN_PREFIX = 4
_ID_TEXT = re.compile(r"^[0-9a-f-]+$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def checked_public_id(text, field: str = "id") -> str:
    """An id given in a file: a UUID, lower-cased, or a clear complaint."""
    value = str(text).strip().lower()
    if not _UUID.match(value):
        raise InvalidValue(
            field,
            text,
            "is not a pressfree id (a UUID such as 0b7c3e52-9d41-4a8e-8f0e-6c2d9a1b7e11)",
        )
    return value


def by_public_id(session: Session, model, text: str, noun: str, field: str = "id"):
    """The one row whose public id is or starts with the text (`field` names it in errors)."""
    wanted = (text or "").strip().lower()
    if len(wanted) < MIN_PREFIX:
        raise InvalidValue(field, text, f"is too short (give at least {MIN_PREFIX} characters)")
    if not _ID_TEXT.match(wanted):
        raise NotFound(field, text, f"is not {noun} id")
    column = model.public_id
    # A whole id uses the unique index; a prefix is a LIKE (hex digits need no escaping).
    where = column == wanted if len(wanted) == 36 else column.like(f"{wanted}%")
    rows = session.execute(select(model).where(where).limit(2)).scalars().all()
    if not rows and hasattr(model, "dataset"):  # an incident merged into another finds it
        from pressfree.store.models import MergedIncident

        merged = MergedIncident.public_id
        kept = (
            session.execute(
                select(MergedIncident.incident_id)
                .where(merged == wanted if len(wanted) == 36 else merged.like(f"{wanted}%"))
                .limit(2)
            )
            .scalars()
            .all()
        )
        rows = [session.get(model, i) for i in kept]
    if not rows:
        raise NotFound(field, text, f"is not {noun} id")
    if len(rows) > 1:
        raise InvalidValue(
            field, text, f"matches several {noun.split()[-1]}s: give more characters"
        )
    return rows[0]
