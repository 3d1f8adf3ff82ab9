"""The prison census: every journalist in custody on a day, with their cases (charges, the
status of charges, sentence, place of detention), beside the figure sources reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from pressfree import cases, countries, dates, releases, tallies
from pressfree.incidents import IncidentFilter
from pressfree.publish.terms import NO_CASE
from pressfree.store.models import Case, Outlet, Person
from pressfree.tallies import TallyRecord


@dataclass
class CensusEntry:
    person: str
    outlet: str | None
    since: str
    days_held: int
    charges: str
    status: str
    sentence: str | None
    place: str | None
    country: str | None
    due_for_release: str | None
    cases: list[str] = field(default_factory=list)
    # the same in parts, for a reader's language (Words.charges, Words.sentence): each open
    # case's charges, and each sentence with its type
    charge_list: list[dict[str, str]] = field(default_factory=list)
    sentences: list[dict[str, str | None]] = field(default_factory=list)


@dataclass
class Census:
    as_of: str
    country: str | None
    held: list[CensusEntry]
    reported: list[TallyRecord]

    def comparison(self) -> list[str]:
        return releases.compared(self.reported, len(self.held))


def _entry(
    record: releases.CustodyRecord, outlet: str | None, open_cases: list[cases.CaseRecord]
) -> CensusEntry:
    sentenced = [c for c in open_cases if c.sentence]
    return CensusEntry(
        record.person,
        next((c.outlet for c in open_cases if c.outlet), outlet),
        record.since,
        record.days_held,
        "; ".join(c.charges_text for c in open_cases) if open_cases else NO_CASE,
        "; ".join(c.status for c in open_cases) or NO_CASE,
        "; ".join(
            c.sentence if c.sentence == "fine" else f"{c.sentence} {c.sentence_type}"
            for c in sentenced
        )
        or None,
        next((c.place for c in reversed(open_cases) if c.place), None),
        record.country,
        record.due_for_release,
        [c.id for c in open_cases],
        [charge for c in open_cases for charge in c.charges],
        [{"sentence": c.sentence, "type": c.sentence_type} for c in sentenced],
    )


def _during(case: cases.CaseRecord, held_since: date) -> bool:
    """Whether a case concerns the custody that began on a day: not closed, and still going
    (pending, on appeal) or decided while they were held. A case decided before this custody
    began (a sentence served, most likely) does not."""
    if case.closed is not None:
        return False
    return case.status in ("pending", "on appeal") or (
        case.verdict_on is not None and dates.parse(case.verdict_on).last >= held_since
    )


def _cases_of(
    session: Session, held: list[tuple[int, releases.CustodyRecord]], day: date
) -> dict[int, list[cases.CaseRecord]]:
    """Each held person's cases of their present custody, as they stood on the day."""
    rows = (
        session.execute(
            select(Case)
            .where(Case.person_id.in_({pid for pid, _ in held}), Case.opened_first <= day)
            .order_by(Case.opened_first, Case.id)
        )
        .scalars()
        .all()
    )
    since = {pid: dates.parse(record.since).first for pid, record in held}
    out: dict[int, list[cases.CaseRecord]] = {}
    for row, record in zip(rows, cases.records(session, rows, day)):
        if _during(record, since[row.person_id]):
            out.setdefault(row.person_id, []).append(record)
    return out


@dataclass
class _Held:
    """Who the ledger says was held on a day, with their cases and who is due for release
    by them: what `census` and `custody --as-of` both print."""

    day: date
    country: str | None
    held: list[tuple[int, releases.CustodyRecord]]
    cases: dict[int, list[cases.CaseRecord]]
    reported: list[TallyRecord]


def _held(
    session: Session, as_of: str, country: str | None, filters: IncidentFilter | None = None
) -> _Held:
    day = dates.parse_day(as_of, "--as-of")
    code = countries.normalise(country, "--country")
    held = releases.held(session, day, code, filters)
    by_person = _cases_of(session, held, day)
    return _Held(
        day,
        code,
        held,
        by_person,
        tallies.newest_stock(session, "journalists-in-custody", day, code),
    )


def census(
    session: Session,
    as_of: str,
    country: str | None = None,
    filters: IncidentFilter | None = None,
) -> Census:
    """Who was held on the day (the custody ledger's list, the same as `custody --as-of`,
    narrowed as `releases.held` reads filters), each with the cases of their present
    custody as they stood that day."""
    found = _held(session, as_of, country, filters)
    outlets = dict(
        session.execute(
            select(Person.id, Outlet.name)
            .join(Outlet, Outlet.id == Person.outlet_id)
            .where(Person.id.in_({p for p, _ in found.held}))
        ).all()
    )
    return Census(
        found.day.isoformat(),
        found.country,
        [_entry(record, outlets.get(pid), found.cases.get(pid, [])) for pid, record in found.held],
        found.reported,
    )


def custody_report(
    session: Session,
    as_of: str,
    country: str | None = None,
    filters: IncidentFilter | None = None,
) -> releases.CustodyReport:
    """`custody --as-of`: the ledger's list (each with the day their cases stop holding
    them, when the cases say it: custody.cases_end)."""
    found = _held(session, as_of, country, filters)
    return releases.CustodyReport(
        found.day.isoformat(), found.country, [record for _, record in found.held], found.reported
    )
