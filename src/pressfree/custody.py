"""Custody periods: derived, one rule whatever path the data came by, from each person's
detentions, the custodial sentences their cases hand down, and the releases recorded for
them (only the unit of work writes them)."""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, exists, insert, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from pressfree import case_rules, dates, publication
from pressfree.errors import InvalidValue
from pressfree.store.models import (
    Case,
    CaseEvent,
    CustodyPeriod,
    CustodyRelease,
    Incident,
    IncidentJournalist,
    IncidentKind,
    Kind,
    Person,
)

OPENING_KINDS = ("detention", "arrest")
# Sentences served in custody: a verdict handing one down starts custody (or continues it).
CUSTODIAL = ("prison", "administrative-arrest")
# How a period ends when its sentence has run (derived, never a recorded release).
SENTENCE_ENDS = "end of sentence"
CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class Detention:
    """A detention or arrest naming the person, as the ledger needs it."""

    incident_id: int | None
    first: date
    last: date
    precision: str
    country: str | None
    # Which of two detentions on the same day opens the period: the one recorded first (to
    # the second, as exports keep it), then by public id, so that a copy of the database
    # (other row ids) derives the same.
    created_at: datetime | None = None
    public_id: str = ""
    # A verdict with a custodial sentence, in place of a detention (no incident).
    case_event_id: int | None = None

    def order(self) -> tuple:
        return (self.first, self.last, self.created_at or datetime.min, self.public_id)


@dataclass(frozen=True, order=True)
class Release:
    day: date
    outcome: str


@dataclass
class Period:
    detention: Detention
    released: Release | None = None


def derive_periods(
    detentions: list[Detention], releases: list[Release]
) -> tuple[list[Period], list[Release], list[Release]]:
    """One person's custody periods from their detentions and recorded releases: the rule
    of the ledger, whatever order things were entered in and whatever path they came by.

    Detentions are taken in date order. The first opens a period; one while the person is
    still held (its start is on or before the period's release, or there is none) adds
    nothing; each period ends with the earliest release on or after its start; a detention
    after that release opens the next. Returns the periods, the releases passed over
    because a later detention started after them (an edit moved a detention past its
    release), and the releases left after the last period ended."""
    periods: list[Period] = []
    waiting = sorted(releases)
    passed: list[Release] = []
    for detention in sorted(
        detentions, key=lambda d: (*d.order(), d.incident_id or 0, d.case_event_id or 0)
    ):
        current = periods[-1] if periods else None
        if current and (current.released is None or current.released.day >= detention.first):
            continue  # still held: this detention is part of the same period
        while waiting and waiting[0].day < detention.first:
            passed.append(waiting.pop(0))
        periods.append(Period(detention, waiting.pop(0) if waiting else None))
    return periods, passed, waiting


@dataclass(frozen=True)
class Holding:
    """What one of the person's cases says of their custody, as it finally stands: when it
    was opened, the day it stopped holding them (decided: a verdict in force, dropped,
    closed), and its custodial sentence. A case pending or on appeal, or ending in a
    custodial sentence whose length was not said, holds them with no end (indefinite)."""

    opened: date
    decided: date | None
    sentence_type: str | None = None
    months: int = 0
    days: int = 0
    indefinite: bool = False


def derive(
    detentions: list[Detention], releases: list[Release], holdings: Sequence[Holding] = ()
) -> tuple[list[Period], list[Release], list[Release]]:
    """derive_periods, and then the cases: a period with no recorded release ends on the
    day its cases stop holding the person (`cases_end`), when that can be said."""
    ends: list[Release] = []
    while True:  # an end may let a later detention or verdict open the next period
        periods, passed, left = derive_periods(detentions, releases + ends)
        more = [
            Release(end, SENTENCE_ENDS)
            for period in periods
            if period.released is None
            and (end := cases_end(period.detention.first, holdings)) is not None
        ]
        if not more:
            break
        ends += more
    derived = set(ends)
    return periods, [r for r in passed if r not in derived], [r for r in left if r not in derived]


def cases_end(start: date, holdings: Sequence[Holding]) -> date | None:
    """The day the cases of a custody that began on `start` stop holding the person: every
    one decided, none pending or on appeal; a prison sentence runs from the start (time held
    counts), administrative arrests one after another from it; a fine, a suspended sentence,
    an acquittal, a dismissal, a dropped or a closed case holds them until its day. A case
    decided before the custody began is not of it, nor one opened after it ended. None while
    any holds them with no end, or when no case of the custody is recorded."""
    of_it = sorted(
        (h for h in holdings if h.decided is None or h.decided >= start), key=lambda h: h.opened
    )
    end: date | None = None
    arrests = (0, 0)
    for holding in of_it:
        if end is not None and holding.opened > end:
            break  # opened once this custody had ended: a matter for the next one
        if holding.indefinite or holding.decided is None:
            return None
        until = holding.decided
        if holding.sentence_type == "prison":
            until = max(until, dates.later(start, holding.months, holding.days))
        elif holding.sentence_type == "administrative-arrest":
            arrests = (arrests[0] + holding.months, arrests[1] + holding.days)
            until = max(until, dates.later(start, *arrests))
        end = until if end is None else max(end, until)
    return end


def cases_of(session: Session, pid: int) -> list[Case]:
    return list(session.execute(select(Case).where(Case.person_id == pid)).scalars())


def holdings(session: Session, cases: list[Case]) -> list[Holding]:
    """The person's cases as custody reads them (case_rules.state_on, everything known)."""
    found = []
    for case in cases:
        steps = case_rules.steps_of(session, case)
        state = case_rules.state_on(steps, date.max)
        if state is None:
            continue
        opened = min(s.first for s in steps if s.event == "opened")
        if state.status in ("pending", "on appeal"):
            found.append(Holding(opened, None, indefinite=True))
            continue
        decisive = [s for s in steps if s.event in case_rules.CHANGES and s.event != "appeal"]
        decided = max((s.last for s in decisive), default=opened)
        if state.closed is not None:  # closed: the sentence served, a pardon, ...
            found.append(Holding(opened, state.closed))
            continue
        if state.status != "convicted" or state.verdict is None:
            found.append(Holding(opened, decided))
            continue
        verdict = session.get(CaseEvent, state.verdict.order)
        kind = verdict.sentence_type if verdict is not None else None
        if kind in ("fine", "suspended"):
            found.append(Holding(opened, decided))
        elif kind in CUSTODIAL and (verdict.sentence_months or verdict.sentence_days):
            found.append(
                Holding(
                    opened,
                    decided,
                    kind,
                    verdict.sentence_months or 0,
                    verdict.sentence_days or 0,
                )
            )
        else:  # restricted freedom, or a sentence nobody recorded: held until released
            found.append(Holding(opened, decided, kind, indefinite=True))
    return found


def detentions(
    session: Session, pid: int, counted: tuple[str, ...], cases: list[Case]
) -> list[Detention]:
    """The person's detentions and arrests that open custody, of the statuses that count
    (publication.counted: a retracted detention never opened anything)."""
    query = (
        select(
            Incident.id,
            Incident.first_day,
            Incident.last_day,
            Incident.date_precision,
            Incident.country,
            Incident.created_at,
            Incident.public_id,
        )
        .join(IncidentJournalist, IncidentJournalist.incident_id == Incident.id)
        .where(
            IncidentJournalist.person_id == pid,
            Incident.opens_custody.is_(True),
            of_opening_kind(Incident.id),
            Incident.status.in_(counted),
        )
    )
    found = [Detention(*row) for row in session.execute(query).all()]
    return found + (sentences(session, pid) if cases else [])


def sentences(session: Session, pid: int) -> list[Detention]:
    """The person's verdicts that handed down a custodial sentence: each starts custody on
    its day, or continues it."""
    query = (
        select(CaseEvent, Case.country, Case.public_id)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(
            Case.person_id == pid,
            CaseEvent.event == "verdict",
            CaseEvent.outcome == "convicted",
            CaseEvent.sentence_type.in_(CUSTODIAL),
        )
    )
    return [
        Detention(
            None,
            event.first_day,
            event.last_day,
            event.date_precision,
            country,
            event.created_at,
            public_id,
            case_event_id=event.id,
        )
        for event, country, public_id in session.execute(query).all()
    ]


def concerned(session: Session, incident_ids: list[int]) -> set[int]:
    """The people whose custody these incidents may change: those they opened a period
    for, and those they name if they are detentions or arrests that open custody."""
    found: set[int] = set()
    for start in range(0, len(incident_ids), CHUNK):
        chunk = incident_ids[start : start + CHUNK]
        found.update(
            session.execute(
                select(CustodyPeriod.person_id).where(CustodyPeriod.incident_id.in_(chunk))
            ).scalars()
        )
        found.update(
            session.execute(
                select(IncidentJournalist.person_id)
                .join(Incident, Incident.id == IncidentJournalist.incident_id)
                .where(
                    Incident.id.in_(chunk),
                    Incident.opens_custody.is_(True),
                    of_opening_kind(Incident.id),
                )
            ).scalars()
        )
    return found


def of_opening_kind(incident_id: Any) -> ColumnElement[bool]:
    """Whether the incident (its id, as the query has it) is a detention or an arrest.

    Asked of each incident the query reaches: an IN over every such incident was built whole
    for each statement, so a person's detentions on a million incidents read them all, and
    `check` (or the check after a schema upgrade) asked that for every person."""
    link = aliased(IncidentKind)
    opening = select(Kind.id).where(col(Kind.slug).in_(OPENING_KINDS))
    return exists().where(col(link.incident_id) == incident_id, col(link.kind_id).in_(opening))


def rebuild(
    session: Session,
    person_ids: set[int],
    strict: Set[int] = frozenset(),
    tidy: Set[int] = frozenset(),
) -> None:
    """Write each person's custody periods as derive_periods says.

    A release is a fact about the person and is kept even when it ends nothing any more
    (an edit took the person off their detention: restoring the edit makes it end the
    period again), except for the people in `tidy` (a delete concerned them: its history
    keeps the releases it ended, and a restore brings them back). For the people in
    `strict` (an add or edit concerned them), a release that ended a period and that a
    detention has now moved past would end nothing: the change is refused."""
    if person_ids:
        # On a server, two commands rebuilding one person's custody at once would each
        # write an open period: the person's row is locked, so they take turns (and the
        # second reads what the first committed). SQLite's write lock does this already.
        session.execute(
            select(Person.id)
            .where(Person.id.in_(sorted(person_ids)))
            .order_by(Person.id)
            .with_for_update(key_share=True)
        )
    counted = publication.counted(session)
    for pid in sorted(person_ids):
        stored = (
            session.execute(select(CustodyRelease).where(CustodyRelease.person_id == pid))
            .scalars()
            .all()
        )
        periods, passed, left = derive(
            detentions(session, pid, counted, cases := cases_of(session, pid)),
            [Release(r.released_on, r.outcome) for r in stored],
            holdings(session, cases),
        )
        if pid in strict and passed:
            ended = set(
                session.execute(
                    select(CustodyPeriod.released_on).where(
                        CustodyPeriod.person_id == pid, CustodyPeriod.released_on.is_not(None)
                    )
                ).scalars()
            )
            refused = [r for r in passed if r.day in ended]
            if refused:
                start = next(p.detention for p in periods if p.detention.first > refused[-1].day)
                when = dates.from_stored(start.first, start.last, start.precision)
                raise InvalidValue(
                    "date",
                    str(when),
                    f"is after the recorded release ({refused[-1].day.isoformat()})",
                )
        if pid in tidy:
            unused = set(passed) | set(left)
            for row in stored:
                if Release(row.released_on, row.outcome) in unused:
                    session.delete(row)
        session.execute(
            delete(CustodyPeriod).where(
                CustodyPeriod.person_id == pid,
                or_(
                    CustodyPeriod.incident_id.is_not(None),
                    CustodyPeriod.case_event_id.is_not(None),
                ),
            )
        )
        session.flush()
        rows = period_rows(pid, periods)
        if rows:
            session.execute(insert(CustodyPeriod), rows)
        session.flush()


def period_rows(pid: int, periods: list[Period]) -> list[dict]:
    """The stored rows of a person's periods."""
    return [
        {
            "person_id": pid,
            "incident_id": p.detention.incident_id,
            "case_event_id": p.detention.case_event_id,
            "start_first": p.detention.first,
            "start_last": p.detention.last,
            "start_precision": p.detention.precision,
            "country": p.detention.country,
            "released_on": p.released.day if p.released else None,
            "outcome": p.released.outcome if p.released else None,
        }
        for p in periods
    ]


def expected(session: Session, pid: int) -> list[dict]:
    """What a person's derived periods should be, from what is stored now (for `check`)."""
    releases = session.execute(
        select(CustodyRelease.released_on, CustodyRelease.outcome).where(
            CustodyRelease.person_id == pid
        )
    ).all()
    periods, _, _ = derive(
        detentions(session, pid, publication.counted(session), cases := cases_of(session, pid)),
        [Release(*r) for r in releases],
        holdings(session, cases),
    )
    return period_rows(pid, periods)


def held_on(day: date):
    """Custody periods that had started by the day and had not ended before it."""
    return and_(
        CustodyPeriod.start_first <= day,
        or_(CustodyPeriod.released_on.is_(None), CustodyPeriod.released_on >= day),
    )
