"""The publication rule: which incidents count in what is published.

Every summary, report, chart, census and custody period counts only incidents of the
statuses the rule names, a setting of the database shared by everyone who uses it (default:
reported and confirmed). Retracted incidents (they did not happen) and withdrawn ones (a later
snapshot of their dataset no longer holds them) never count; disputed ones count only when
the rule says so. Whatever is left out stays in `list --status`, `show`, the history and exports,
and what publishes says how many it left out and why.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from pressfree.errors import InvalidValue
from pressfree.schemas import check_status
from pressfree.store.models import (
    STATUSES,
    CustodyPeriod,
    Incident,
    IncidentJournalist,
    IncidentOutlet,
    Outlet,
    Person,
    Setting,
)

COUNTED = "counted_statuses"
DEFAULT = ("reported", "confirmed")
NEVER = ("retracted", "withdrawn")
MAY_COUNT = tuple(s for s in STATUSES if s not in NEVER)


def counted(db: Session) -> tuple[str, ...]:
    """The statuses that count, in the order statuses are listed."""
    stored = db.execute(select(col(Setting.value)).where(col(Setting.name) == COUNTED)).scalar()
    chosen = set(stored or DEFAULT)
    return tuple(s for s in STATUSES if s in chosen)


def is_set(db: Session) -> bool:
    """Whether the database has chosen its rule (else it has the default)."""
    return (
        db.execute(select(col(Setting.name)).where(col(Setting.name) == COUNTED)).first()
        is not None
    )


def left_out(chosen: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(s for s in STATUSES if s not in chosen)


def statuses(db: Session, wanted: str | None = None) -> tuple[str, ...]:
    """The statuses a published count takes: the rule's, or the one a --status filter asks
    for (any but those that never count)."""
    if wanted is None:
        return counted(db)
    status = check_status(wanted, "--status")
    if status in NEVER:
        raise InvalidValue(
            "--status",
            wanted,
            f"never counts in what is published (`list --status {status}` shows those incidents)",
        )
    return (status,)


def condition(chosen: tuple[str, ...]) -> ColumnElement[bool]:
    """The incidents of the statuses that count (as statuses() chose them), as a WHERE."""
    return col(Incident.status).in_(chosen)


def described(chosen: tuple[str, ...]) -> str:
    """The rule as a reader is told it."""
    out = left_out(chosen)
    return f"{_words(chosen)} incidents count; {_words(out)} ones are left out"


def _words(items: tuple[str, ...]) -> str:
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]


def _naming_restricted() -> Select[int]:
    """The incidents naming a restricted journalist, found from the few people who are
    (ix_person_restricted): a condition on each incident of a period cost a lookup of its
    journalists each. Aliases, so that the queries this narrows, which may join the
    journalists and people themselves (the summary's), keep their own."""
    link, person = aliased(IncidentJournalist), aliased(Person)
    return (
        select(col(link.incident_id))
        .join(person, col(person.id) == col(link.person_id))
        .where(col(person.restricted).is_(True))
    )


def restricted() -> ColumnElement[bool]:
    """Incidents never published: restricted, or naming a restricted journalist."""
    return col(Incident.restricted).is_(True) | col(Incident.id).in_(_naming_restricted())


def unrestricted() -> ColumnElement[bool]:
    """What a redacted or published output may show (restricted() left out)."""
    return and_(col(Incident.restricted).is_(False), col(Incident.id).not_in(_naming_restricted()))


def custody_shown() -> ColumnElement[bool]:
    """Custody periods a redacted or published output may show, or count: none of a
    restricted journalist, none opened by an incident never published (restricted())."""
    person = aliased(Person)
    of_restricted = (
        exists()
        .where(col(person.id) == col(CustodyPeriod.person_id), col(person.restricted).is_(True))
        .correlate(CustodyPeriod)
    )
    hidden = select(col(Incident.id)).where(restricted())
    return and_(
        ~of_restricted,
        col(CustodyPeriod.incident_id).is_(None) | col(CustodyPeriod.incident_id).not_in(hidden),
    )


def unpublished(session: Session) -> tuple[set[str], set[str], set[str]]:
    """What only restricted() incidents tell, for an export of what may be published: their
    ids, and the people and outlets no other incident names."""
    ids = set(session.scalars(select(col(Incident.public_id)).where(restricted())))

    def named(link: Any, target: Any, key: str) -> set[str]:
        rows = session.execute(
            select(col(target.name), restricted())
            .join(link, col(getattr(link, key)) == col(target.id))
            .join(Incident, col(Incident.id) == col(link.incident_id))
        ).all()
        return {n for n, hidden in rows if hidden} - {n for n, hidden in rows if not hidden}

    return (
        ids,
        named(IncidentJournalist, Person, "person_id"),
        named(IncidentOutlet, Outlet, "outlet_id"),
    )


def left_out_counts(
    session: Session, where: ColumnElement[bool], chosen: tuple[str, ...]
) -> dict[str, int]:
    """How many incidents `where` selects that the rule leaves out, by status."""
    rows = session.execute(
        select(col(Incident.status), func.count())
        .where(where, col(Incident.status).not_in(chosen))
        .group_by(col(Incident.status))
    ).all()
    found: dict[str, int] = {status: n for status, n in rows}
    return {s: found[s] for s in STATUSES if found.get(s)}
