"""Journalists as records: affiliation, the at-risk flag, and pseudonyms for redacted exports."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any, Callable, Optional

from sqlalchemy import func, select
from sqlmodel import Session

from pressfree import history
from pressfree.errors import NotFound
from pressfree.models import IncidentJournalist, Outlet, Person

PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


@dataclass
class PersonRecord:
    name: str
    outlet: Optional[str]
    at_risk: bool
    pseudonym: Optional[str]
    incidents: int


def list_people(session: Session) -> list[PersonRecord]:
    counts = dict(session.execute(select(IncidentJournalist.person_id, func.count())
                                  .group_by(IncidentJournalist.person_id)).all())
    outlets = dict(session.execute(select(Outlet.id, Outlet.name)).all())
    people = session.execute(select(Person).order_by(Person.name)).scalars().all()
    return [PersonRecord(p.name, outlets.get(p.outlet_id), p.at_risk, p.pseudonym,
                         counts.get(p.id, 0)) for p in people]


def new_pseudonym(session: Session) -> str:
    """A random name ("Person K7QX-M2PA"): it reveals nothing and never changes once given."""
    while True:
        code = "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(8))
        pseudonym = f"Person {code[:4]}-{code[4:]}"
        if session.execute(select(Person.id).where(Person.pseudonym == pseudonym)).first() \
                is None:
            return pseudonym


def update(session: Session, name: str, *, outlet: str | None = None,
           at_risk: bool | None = None) -> PersonRecord:
    person = session.execute(select(Person).where(Person.name == name)).scalars().first()
    if person is None:
        raise NotFound("journalist", name, "is not a journalist in this database")
    before = next(p for p in list_people(session) if p.name == name)
    if outlet is not None:
        from pressfree.incidents import outlet_id

        person.outlet_id = outlet_id(session, outlet.strip()) if outlet.strip() else None
    if at_risk is not None:
        person.at_risk = at_risk
        if at_risk and person.pseudonym is None:
            person.pseudonym = new_pseudonym(session)
    session.flush()
    after = next(p for p in list_people(session) if p.name == name)
    history.record(session, "journalist", name, before, after)
    return after


def redactor(session: Session) -> Callable[[Any], Any]:
    """A function that replaces every at-risk name, wherever it appears in exported data."""
    names = dict(session.execute(select(Person.name, Person.pseudonym)
                                 .where(Person.at_risk.is_(True))).all())
    if not names:
        return lambda value: value
    # Whole names only ("Ann" is not redacted inside "Anna" or "Annual"), in any case.
    by_folded = {name.casefold(): pseudonym for name, pseudonym in names.items()}
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(
        re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?!\w)",
        re.IGNORECASE)

    def redact(value: Any) -> Any:
        if isinstance(value, str):
            return pattern.sub(lambda m: by_folded.get(m.group(0).casefold(), m.group(0)),
                               value)
        if isinstance(value, list):
            return [redact(v) for v in value]
        if isinstance(value, dict):
            return {k: redact(v) for k, v in value.items()}
        return value

    return redact
