"""Reported counts (tallies) and the custody ledger: figures sources publish, and who is held."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from pressfree import countries, custody, dates, sources, vocabulary, work
from pressfree.errors import Conflict, InvalidValue, shown
from pressfree.models import (
    MAX_COUNT,
    CustodyPeriod,
    CustodyRelease,
    Incident,
    Person,
    Source,
    Tally,
)
from pressfree.schemas import SourceIn, clean_text, validated

# Qualifier slug -> how a reader says it (the slugs are models.QUALIFIERS).
PHRASES = {
    "exact": "{n}",
    "at-least": "at least {n}",
    "more-than": "more than {n}",
    "about": "about {n}",
    "at-most": "at most {n}",
}
_VALUE = re.compile(r"^(>=|>|<=|~|≥|≤)?\s*(-?[0-9]+)\s*(\+)?$")
_SIGNS = {
    None: "exact",
    ">=": "at-least",
    "≥": "at-least",
    ">": "more-than",
    "~": "about",
    "<=": "at-most",
    "≤": "at-most",
}
# Stocks are counted on a day ("28 journalists in custody"); every kind slug is a flow metric.
STOCKS = {"journalists-in-custody": "journalists in custody"}


OUTCOMES = ("released", "sentence-served", "house-arrest", "exchanged", "other")


def parse_value(text: str) -> tuple[int, str]:
    """'28' -> (28, exact); '200+' or '>=200' -> at-least; '>200', '~200', '<=200'."""
    match = _VALUE.match((text or "").strip())
    if not match or (match[1] and match[3]):
        raise InvalidValue(
            "value", text, "has an unknown qualifier (use 28, 200+, >=200, >200, ~200 or <=200)"
        )
    if match[2].startswith("-"):
        raise InvalidValue("value", text, "is negative")
    # Compared as text first: Python refuses to convert integers of over 4,300 digits.
    if len(match[2].lstrip("0")) > len(str(MAX_COUNT)) or int(match[2]) > MAX_COUNT:
        raise InvalidValue("value", text, f"is too large (at most {MAX_COUNT:,})")
    number = int(match[2])
    return number, "at-least" if match[3] else _SIGNS[match[1]]


def say(value: int, qualifier: str) -> str:
    return PHRASES[qualifier].format(n=value)


@dataclass
class TallyRecord:
    id: str
    metric: str
    value: int
    qualifier: str
    reads: str
    period: str | None
    as_of: str | None
    country: str
    scope: str | None
    publisher: str | None
    source: str | None
    source_title: str | None = None


def add_tally(
    session: Session,
    metric: str,
    value: str,
    *,
    period: str | None = None,
    as_of: str | None = None,
    country: str,
    scope: str | None = None,
    publisher: str | None,
    source: str | None = None,
    title: str | None = None,
    public_id: str | None = None,
    import_id: int | None = None,
) -> TallyRecord:
    metric = (clean_text(metric, "metric") or "").lower()
    if metric not in STOCKS:
        vocabulary.ids_for(session, [metric], "kind", "metric")
    number, qualifier = parse_value(value)
    if bool(period) == bool(as_of):
        raise InvalidValue(
            "--period/--as-of",
            period or as_of or "",
            "give exactly one: a period for a count of events, "
            "an as-of day for a count of people held",
        )
    if metric in STOCKS and period:
        raise InvalidValue(
            "--period",
            period,
            f"does not fit {metric}, a count of people held on a day: give --as-of",
        )
    if metric not in STOCKS and as_of:
        raise InvalidValue(
            "--as-of",
            as_of,
            f"does not fit {metric}, a count of events: give the --period it covers",
        )
    if as_of:
        when = dates.PartialDate(
            dates.parse_day(as_of, "--as-of"), dates.parse_day(as_of, "--as-of"), "day"
        )
    else:
        when = dates.parse(period, "--period")
    code = countries.normalise(country, "--country")
    if code is None:
        raise InvalidValue("--country", country or "", "is required for a tally")
    if not (publisher or "").strip():
        raise InvalidValue("--publisher", publisher or "", "is required: who published it?")
    source_row = validated(SourceIn, url=source, publisher=publisher, title=title)
    tally = Tally(
        metric=metric,
        value=number,
        qualifier=qualifier,
        first_day=when.first,
        last_day=when.last,
        date_precision=when.precision,
        as_of=bool(as_of),
        country=code,
        scope=clean_text(scope, "--scope"),
        source_id=sources.source_id(session, source_row),
        import_id=import_id,
    )
    if public_id:
        from pressfree.lookup import checked_public_id

        tally.public_id = checked_public_id(public_id)
    session.add(tally)
    session.flush()
    record = tally_records(session, [tally])[0]
    work.changed(session, "tally", record.id, None, record)
    return record


def tally_records(session: Session, tallies: list[Tally]) -> list[TallyRecord]:
    cited = {
        s.id: s
        for s in session.execute(
            select(Source).where(Source.id.in_({t.source_id for t in tallies}))
        ).scalars()
    }
    out = []
    for t in tallies:
        when = str(dates.from_stored(t.first_day, t.last_day, t.date_precision))
        src = cited[t.source_id]
        out.append(
            TallyRecord(
                t.public_id,
                t.metric,
                t.value,
                t.qualifier,
                say(t.value, t.qualifier),
                None if t.as_of else when,
                when if t.as_of else None,
                t.country,
                t.scope,
                src.publisher,
                src.url,
                src.title,
            )
        )
    return out


def list_tallies(
    session: Session,
    *,
    period: dates.PartialDate | None = None,
    country: str | None = None,
    metric: str | None = None,
    publisher: str | None = None,
) -> list[TallyRecord]:
    """Tallies whose period or as-of day lies inside the period, newest first."""
    query = select(Tally).join(Source, Source.id == Tally.source_id)
    if period:
        query = query.where(Tally.first_day >= period.first, Tally.last_day <= period.last)
    if country:
        query = query.where(Tally.country == countries.normalise(country, "--country"))
    if metric:
        metric = metric.strip().lower()
        if metric not in STOCKS:
            vocabulary.ids_for(session, [metric], "kind", "--metric")
        query = query.where(Tally.metric == metric)
    if publisher:
        query = query.where(Source.publisher == publisher)
    query = query.order_by(Tally.last_day.desc(), Tally.metric, Tally.id)
    return tally_records(session, session.execute(query).scalars().all())


def newest_stock(
    session: Session, metric: str, as_of: date, country: str | None
) -> list[TallyRecord]:
    """The newest as-of figures for a stock on or before a day, one per publisher."""
    query = (
        select(Tally)
        .where(Tally.metric == metric, Tally.as_of.is_(True), Tally.last_day <= as_of)
        .order_by(Tally.last_day.desc(), Tally.id.desc())
    )
    if country:
        query = query.where(Tally.country == country)
    newest: dict[tuple, TallyRecord] = {}
    for record in tally_records(session, session.execute(query).scalars().all()):
        newest.setdefault((record.publisher, record.country), record)
    return list(newest.values())


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
    # The day the cases that held someone stopped holding them, once it has come with no
    # release recorded (census.due_for_release): the ledger's list may be out of date there.
    due_for_release: str | None = None


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
    from pressfree import identity

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
    period = (
        session.execute(
            select(CustodyPeriod).where(
                CustodyPeriod.person_id == pid, CustodyPeriod.released_on.is_(None)
            )
        )
        .scalars()
        .first()
    )
    if period is None:
        raise Conflict(f"person: {shown(person)} has no open custody period to close")
    since = dates.from_stored(period.start_first, period.start_last, period.start_precision)
    outcome = check_release(outcome, day, since)
    before = _person_periods(session, pid)
    if period.incident_id is None:  # a period recorded without its detention (schema 3)
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


def _person_periods(session: Session, pid: int) -> list[dict]:
    """A person's custody as the history keeps it (no "days held": that grows daily)."""
    periods = (
        session.execute(
            select(CustodyPeriod)
            .where(CustodyPeriod.person_id == pid)
            .order_by(CustodyPeriod.start_first)
        )
        .scalars()
        .all()
    )
    return [
        {
            "since": r.since,
            "released_on": r.released_on,
            "outcome": r.outcome,
            "incident": r.incident,
        }
        for r in custody_records(session, periods, date.today())
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
    return [
        CustodyRecord(
            names[p.person_id],
            str(dates.from_stored(p.start_first, p.start_last, p.start_precision)),
            (min(p.released_on or as_of, as_of) - p.start_first).days,
            p.released_on.isoformat() if p.released_on else None,
            p.outcome,
            p.country,
            incidents.get(p.incident_id),
        )
        for p in periods
    ]


def held(
    session: Session, as_of: date, country: str | None = None
) -> list[tuple[int, CustodyRecord]]:
    """(person id, custody record) of everyone held on a day, longest-held first. Days
    count from the earliest possible start."""
    query = select(CustodyPeriod).where(custody.held_on(as_of))
    if country:
        query = query.where(CustodyPeriod.country == country)
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
