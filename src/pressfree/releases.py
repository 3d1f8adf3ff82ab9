"""Releases, and the custody ledger as researchers read it: who was held, since when, until
when, and how that compares with the figures sources publish."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from pressfree import custody, dates, identity, incidents, publication, work
from pressfree.errors import Conflict, InvalidValue, shown
from pressfree.incidents import IncidentFilter
from pressfree.store.models import (
    Case,
    CaseEvent,
    CustodyPeriod,
    CustodyRelease,
    Incident,
    Person,
)
from pressfree.tallies import TallyRecord

OUTCOMES = ("released", "sentence-served", "house-arrest", "exchanged", "other")


# --- the custody ledger -----------------------------------------------------------------


@dataclass
class CustodyRecord:
    person: str
    since: str
    days_held: int
    released_on: str | None
    outcome: str | None
    country: str | None
    incident: str | None
    # The day the person's cases stop holding them (custody.cases_end): the period ends
    # then, unless a release recorded earlier ended it.
    due_for_release: str | None = None
    # The case whose verdict opened the period (a custodial sentence), when no incident did.
    case: str | None = None


def checked_outcome(outcome: str | None, field: str = "--outcome") -> str:
    value = (outcome or "released").strip().lower()
    if value not in OUTCOMES:
        raise InvalidValue(field, outcome, f"is not an outcome ({', '.join(OUTCOMES)})")
    return value


def check_release(
    outcome: str | None, day: date, since: dates.PartialDate, field: str = "--date"
) -> str:
    """The one rule for a release, whatever path records it: a known outcome, on or after
    the earliest day custody can have begun. Returns the outcome, normalised."""
    outcome = checked_outcome(outcome, "--outcome" if field == "--date" else "outcome")
    if day < since.first:
        raise InvalidValue(
            field, day.isoformat(), f"is before the detention it would end ({since})"
        )
    return outcome


def record_release(session: Session, pid: int, day: date, outcome: str) -> None:
    """Store a release (once per person and day) and re-derive the person's custody."""
    exists_ = session.execute(
        select(CustodyRelease.id).where(
            CustodyRelease.person_id == pid, CustodyRelease.released_on == day
        )
    ).first()
    if not exists_:
        session.add(CustodyRelease(person_id=pid, released_on=day, outcome=outcome))
        session.flush()
    work.custody_changed(session, [pid])


def release(
    session: Session, person: str, on: str, outcome: str = "released", incident: str | None = None
) -> CustodyRecord:
    """Close the person's open custody period (a later detention then opens the next). With
    an incident, the person is the one it names so (unnamed people have only that)."""
    day = dates.parse_day(on, "--date")
    checked_outcome(outcome)

    if incident is None and identity.is_placeholder(session, person or ""):
        raise InvalidValue(
            "person",
            person,
            "names nobody in particular: give --incident, the detention that named them",
        )
    pid = (
        identity.existing(session, "person", person, "person")
        if incident is None
        else identity.named_by(session, person, incident)
    )
    # the period still open, or the one whose end only its cases say (a recorded release
    # is what happened: it ends the period instead)
    period = (
        session.execute(
            select(CustodyPeriod)
            .where(
                CustodyPeriod.person_id == pid,
                or_(
                    CustodyPeriod.released_on.is_(None),
                    and_(
                        CustodyPeriod.outcome == custody.SENTENCE_ENDS,
                        CustodyPeriod.start_first <= day,
                    ),
                ),
            )
            .order_by(CustodyPeriod.start_first.desc())
        )
        .scalars()
        .first()
    )
    if period is None:
        raise Conflict(f"person: {shown(person)} has no open custody period to close")
    since = period.span
    outcome = check_release(outcome, day, since)
    before = _person_periods(session, pid)
    if period.incident_id is None and period.case_event_id is None:  # schema 3: no detention
        period.released_on, period.outcome = day, outcome
        session.flush()
    else:
        record_release(session, pid, day, outcome)
        work.settle(session)  # the period it closed is read next
    closed = (
        session.execute(
            select(CustodyPeriod).where(
                CustodyPeriod.person_id == pid,
                CustodyPeriod.start_first == since.first,
                CustodyPeriod.released_on == day,
            )
        )
        .scalars()
        .one()
    )
    work.changed(
        session, "custody", person, {"periods": before}, {"periods": _person_periods(session, pid)}
    )
    return custody_records(session, [closed], day)[0]


def person_custody(session: Session, pid: int) -> list[CustodyRecord]:
    """All of a person's custody periods, oldest first (days held counted to today)."""
    periods = (
        session.execute(
            select(CustodyPeriod)
            .where(CustodyPeriod.person_id == pid)
            .order_by(CustodyPeriod.start_first)
        )
        .scalars()
        .all()
    )
    return custody_records(session, list(periods), date.today())


def _person_periods(session: Session, pid: int) -> list[dict]:
    """A person's custody as the history keeps it (no "days held": that grows daily)."""
    return [
        {
            "since": r.since,
            "released_on": r.released_on,
            "outcome": r.outcome,
            "incident": r.incident,
        }
        for r in person_custody(session, pid)
    ]


def releases_of(session: Session, incident: Incident) -> list[dict]:
    """The releases that end custody periods an incident opened: {person, day, outcome}."""
    rows = session.execute(
        select(Person.name, CustodyPeriod.released_on, CustodyPeriod.outcome)
        .join(Person, Person.id == CustodyPeriod.person_id)
        .where(CustodyPeriod.incident_id == incident.id, CustodyPeriod.released_on.is_not(None))
    ).all()
    return [
        {"person": name, "released_on": day.isoformat(), "outcome": outcome}
        for name, day, outcome in rows
    ]


def custody_records(
    session: Session, periods: list[CustodyPeriod], as_of: date
) -> list[CustodyRecord]:
    names = dict(
        session.execute(
            select(Person.id, Person.name).where(Person.id.in_({p.person_id for p in periods}))
        ).all()
    )
    incidents = dict(
        session.execute(
            select(Incident.id, Incident.public_id).where(
                Incident.id.in_({p.incident_id for p in periods if p.incident_id})
            )
        ).all()
    )
    cases = dict(
        session.execute(
            select(CaseEvent.id, Case.public_id)
            .join(Case, Case.id == CaseEvent.case_id)
            .where(CaseEvent.id.in_({p.case_event_id for p in periods if p.case_event_id}))
        ).all()
    )
    return [
        CustodyRecord(
            names[p.person_id],
            str(p.span),
            (min(p.released_on or as_of, as_of) - p.start_first).days,
            p.released_on.isoformat() if p.released_on else None,
            p.outcome,
            p.country,
            incidents.get(p.incident_id),
            due_for_release=(
                p.released_on.isoformat()
                if p.released_on and p.outcome == custody.SENTENCE_ENDS
                else None
            ),
            case=cases.get(p.case_event_id),
        )
        for p in periods
    ]


def held(
    session: Session, as_of: date, country: str | None = None, filters: IncidentFilter | None = None
) -> list[tuple[int, CustodyRecord]]:
    """(person id, custody record) of everyone held on a day, longest-held first. Days
    count from the earliest possible start. `filters` (what `list` takes) select the periods
    by the incident that opened them; a period a verdict opened (no incident) is kept only
    when they ask for nothing but a journalist, and names that journalist."""
    query = select(CustodyPeriod).where(custody.held_on(as_of))
    if country:
        query = query.where(CustodyPeriod.country == country)
    if filters is not None and filters.public:
        query = query.where(publication.custody_shown())
    if filters is not None and filters.narrowed():
        opened = select(Incident.id).where(*incidents.conditions(filters, session))
        by_verdict = CustodyPeriod.case_event_id.is_not(None)
        only_who = replace(filters, journalist=None, country=None).narrowed() is False
        if filters.journalist:
            by_verdict = and_(
                by_verdict,
                CustodyPeriod.person_id.in_(identity.matching("person", filters.journalist)),
            )
        query = query.where(
            or_(CustodyPeriod.incident_id.in_(opened), by_verdict)
            if only_who
            else CustodyPeriod.incident_id.in_(opened)
        )
    periods = (
        session.execute(query.order_by(CustodyPeriod.start_first, CustodyPeriod.id)).scalars().all()
    )
    records = custody_records(session, periods, as_of)
    return [(p.person_id, r) for p, r in zip(periods, records)]


def custody_history(session: Session) -> list[CustodyRecord]:
    # in an order a copy of the database (other row ids) keeps
    periods = (
        session.execute(
            select(CustodyPeriod)
            .join(Person, Person.id == CustodyPeriod.person_id)
            .outerjoin(Incident, Incident.id == CustodyPeriod.incident_id)
            .order_by(
                CustodyPeriod.start_first,
                CustodyPeriod.start_last,
                Person.name,
                Incident.public_id,
                CustodyPeriod.id,
            )
        )
        .scalars()
        .all()
    )
    return custody_records(session, periods, date.today())


def compared(reported: list[TallyRecord], itemised: int) -> list[str]:
    """ "BAJ reports 28 as of 2021-07-30; 3 itemised here", one line per publisher."""
    return [
        f"{t.publisher} reports {t.reads} as of {t.as_of}; {itemised} itemised here"
        for t in reported
    ]


@dataclass
class CustodyReport:
    as_of: str
    country: str | None
    held: list[CustodyRecord]
    reported: list[TallyRecord]

    def comparison(self) -> list[str]:
        return compared(self.reported, len(self.held))
