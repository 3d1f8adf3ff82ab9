"""Settings of the database, shared by everyone who uses it: each change is a revision of
the history, and what it changes is derived again by the unit of work."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from pressfree import work
from pressfree.errors import InvalidValue
from pressfree.publication import COUNTED, MAY_COUNT, NEVER, counted
from pressfree.schemas import check_status
from pressfree.store.models import STATUSES, Incident, IncidentJournalist, Setting


def count(session: Session, chosen: list[str], field: str = "--count") -> tuple[str, ...]:
    """Change the rule, as one revision; custody is derived again for everyone it may
    change (a detention that counted may no longer, or the reverse)."""
    wanted = set()
    for given in chosen:
        status = check_status(given, field)
        if status in NEVER:
            raise InvalidValue(
                field,
                given,
                "never counts: a retracted incident did not happen, a withdrawn one is no "
                "longer its source's",
            )
        wanted.add(status)
    if not wanted:
        raise InvalidValue(field, "", f"needs at least one status ({', '.join(MAY_COUNT)})")
    before = counted(session)
    after = tuple(s for s in STATUSES if s in wanted)
    if after == before:
        return after
    store(session, COUNTED, list(after), {"counted": list(before)}, {"counted": list(after)})
    changed = set(before) ^ set(after)
    work.custody_changed(
        session,
        session.execute(
            select(col(IncidentJournalist.person_id))
            .join(Incident, col(Incident.id) == IncidentJournalist.incident_id)
            .where(col(Incident.status).in_(changed), col(Incident.opens_custody).is_(True))
            .distinct()
        ).scalars(),
    )
    return after


def store(
    session: Session, name: str, value: Any, before: dict[str, Any], after: dict[str, Any]
) -> None:
    """A setting's new value, stored and recorded as one revision (`before` and `after` as
    the history shows them)."""
    row = session.get(Setting, name)
    if row is None:
        session.add(Setting(name=name, value=value))
    else:
        row.value = value
    session.flush()
    work.changed(session, "setting", name, before, after)
