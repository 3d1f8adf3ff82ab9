"""The prison census: every journalist in custody on a day, with their cases (charges, the
status of charges, sentence, place of detention), beside the figure sources reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from sqlalchemy import select
from sqlmodel import Session

from pressfree import cases, countries, dates, ledger
from pressfree.ledger import TallyRecord
from pressfree.models import Case, Outlet, Person


@dataclass
class CensusEntry:
    person: str
    outlet: Optional[str]
    since: str
    days_held: int
    charges: str
    status: str
    sentence: Optional[str]
    place: Optional[str]
    country: Optional[str]
    due_for_release: Optional[str]
    cases: list[str] = field(default_factory=list)


@dataclass
class Census:
    as_of: str
    country: Optional[str]
    held: list[CensusEntry]
    reported: list[TallyRecord]

    def comparison(self) -> list[str]:
        return ledger.compared(self.reported, len(self.held))


def _entry(record: ledger.CustodyRecord, outlet: Optional[str],
           open_cases: list[cases.CaseRecord]) -> CensusEntry:
    sentenced = [c for c in open_cases if c.sentence]
    return CensusEntry(
        record.person, next((c.outlet for c in open_cases if c.outlet), outlet), record.since,
        record.days_held, "; ".join(c.charges_text for c in open_cases) if open_cases
        else "no case recorded", "; ".join(c.status for c in open_cases) or "no case recorded",
        "; ".join(f"{c.sentence} {c.sentence_type}" for c in sentenced) or None,
        next((c.place for c in reversed(open_cases) if c.place), None), record.country,
        record.due_for_release, [c.id for c in open_cases])


def _holds(case: cases.CaseRecord, held_since: date) -> bool:
    """Whether a case can be why someone held since a day is held: it is not closed, and
    it is still going (pending, on appeal) or ended in a conviction while they were held.
    An acquittal, a dismissal, charges dropped, or a sentence handed down before this
    custody began (served, most likely) is not."""
    if case.closed is not None:
        return False
    if case.status in ("pending", "on appeal"):
        return True
    return case.status == "convicted" and case.verdict_on is not None \
        and dates.parse(case.verdict_on).last >= held_since


def census(session: Session, as_of: str, country: str | None = None) -> Census:
    """Who was held on the day (the custody ledger's list, the same as `custody --as-of`),
    each with the cases that can be why (`_holds`) as they stood that day."""
    day = dates.parse_day(as_of, "--as-of")
    code = countries.normalise(country, "--country")
    held = ledger.held(session, day, code)
    ids = {pid for pid, _ in held}
    outlets = dict(session.execute(select(Person.id, Outlet.name).join(
        Outlet, Outlet.id == Person.outlet_id).where(Person.id.in_(ids))).all())
    rows = session.execute(select(Case).where(Case.person_id.in_(ids),
                                              Case.opened_first <= day)
                           .order_by(Case.opened_first, Case.id)).scalars().all()
    since = {pid: dates.parse(record.since).first for pid, record in held}
    by_person: dict[int, list[cases.CaseRecord]] = {}
    for row, record in zip(rows, cases.records(session, rows, day)):
        if _holds(record, since[row.person_id]):
            by_person.setdefault(row.person_id, []).append(record)
    return Census(day.isoformat(), code,
                  [_entry(record, outlets.get(pid), by_person.get(pid, []))
                   for pid, record in held],
                  ledger.newest_stock(session, "journalists-in-custody", day, code))

