"""Journalists as records: affiliation, the at-risk flag, and pseudonyms for redacted exports."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from pressfree import identity, work
from pressfree.store.models import IncidentJournalist, Outlet, Person, PersonAlias
from pressfree.store.ordering import by_name

PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


@dataclass
class PersonRecord:
    name: str
    outlet: str | None
    at_risk: bool
    pseudonym: str | None
    incidents: int
    aliases: list[str] = field(default_factory=list)
    restricted: bool = False


def list_people(session: Session, only: int | None = None) -> list[PersonRecord]:
    """Named journalists (unnamed ones, each a placeholder name, are counted apart)."""
    counts = dict(
        session.execute(
            select(IncidentJournalist.person_id, func.count()).group_by(
                IncidentJournalist.person_id
            )
        ).all()
    )
    outlets = dict(session.execute(select(Outlet.id, Outlet.name)).all())
    query = select(Person).where(Person.placeholder.is_(False)).order_by(*by_name(Person))
    if only is not None:
        query = query.where(Person.id == only)
    aliases = identity.all_aliases(session)["person"]
    return [
        PersonRecord(
            p.name,
            outlets.get(p.outlet_id),
            p.at_risk,
            p.pseudonym,
            counts.get(p.id, 0),
            aliases.get(p.id, []),
            p.restricted,
        )
        for p in session.execute(query).scalars().all()
    ]


def unnamed_count(session: Session) -> int:
    """People known only by a placeholder name ("[full name unavailable]")."""
    return session.execute(
        select(func.count(func.distinct(Person.id)))
        .join(IncidentJournalist, IncidentJournalist.person_id == Person.id)
        .where(Person.placeholder.is_(True))
    ).scalar_one()


def new_pseudonym(session: Session) -> str:
    """A random name ("Person K7QX-M2PA"): it reveals nothing and never changes once given."""
    while True:
        code = "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(8))
        pseudonym = f"Person {code[:4]}-{code[4:]}"
        if session.execute(select(Person.id).where(Person.pseudonym == pseudonym)).first() is None:
            return pseudonym


def update(
    session: Session,
    name: str,
    *,
    outlet: str | None = None,
    at_risk: bool | None = None,
    restricted: bool | None = None,
) -> PersonRecord:
    person = session.get(Person, identity.existing(session, "person", name, "journalist"))
    before = list_people(session, person.id)[0]
    if outlet is not None:
        person.outlet_id = (
            identity.outlet_id(session, outlet.strip(), field="--outlet")
            if outlet.strip()
            else None
        )
    if at_risk is not None:
        person.at_risk = at_risk
    if restricted is not None:
        person.restricted = restricted
    if (person.at_risk or person.restricted) and person.pseudonym is None:
        person.pseudonym = new_pseudonym(session)
    session.flush()
    after = list_people(session, person.id)[0]
    work.changed(session, "journalist", person.name, before, after)
    return after


def restricted_names(session: Session) -> set[str]:
    """The journalists marked restricted: in nothing published, not even by pseudonym."""
    return set(session.scalars(select(Person.name).where(col(Person.restricted).is_(True))))


def redactor(session: Session) -> Callable[[Any], Any]:
    """A function that replaces every at-risk name, in any form (redaction.Redactor), wherever
    it appears in exported data: the stored name, its aliases, and any other person stored
    under a name that gives it (another spelling kept as its own person: "Igor Losik" beside
    "Ihar Losik"), who then shows as the same pseudonym."""
    from pressfree.redaction import Redactor
    from pressfree.redaction import redactor as plain

    hidden = or_(Person.at_risk.is_(True), Person.restricted.is_(True))
    pairs = dict(session.execute(select(Person.name, Person.pseudonym).where(hidden)).all())
    pairs.update(
        session.execute(
            select(PersonAlias.name, Person.pseudonym)
            .join(Person, Person.id == PersonAlias.person_id)
            .where(hidden)
        ).all()
    )
    if not pairs:
        return plain([])
    found = Redactor(pairs)
    for (name,) in session.execute(select(Person.name).where(~hidden)):
        if (pseudonym := found.first(name)) is not None:
            pairs[name] = pseudonym
    return Redactor(pairs)
