"""Cases from another tracker's arrest and charge columns ([cases] in a mapping): after an
import, each incident it added whose row named charges or a status of charges gets a case
for each journalist it names, opened on the incident's date, through the same service and
checks as `pressfree case`. A status the mapping maps to "" is no case, whatever charges
the row lists (the tracker's "unknown"); a status it does not list, with charges, is a
pending case.

An export says what the status was when the row was last updated, not when it changed: a
charge dropped or a verdict is dated as a range from the incident to that update (the
`known_by` column), or to the day of the import when the export has no such column."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from pressfree import cases, dates
from pressfree.exchange.mapping import CaseColumns
from pressfree.store.models import Incident, IncidentJournalist

_DAY = re.compile(r"^(\d{4}-\d\d-\d\d)")


def _listed(value, split: str) -> list[str]:
    if not isinstance(value, str):
        return []
    out: list[str] = []
    for part in value.split(split):
        if part.strip() and part.strip().casefold() not in {p.casefold() for p in out}:
            out.append(part.strip())
    return out


def _known_by(incident: Incident, extra: dict, column: str | None, today: date) -> str:
    """The range from the incident to the day the row last said what it says."""
    found = _DAY.match(str(extra.get(column) or "")) if column else None
    try:
        last = date.fromisoformat(found[1]) if found else today
    except ValueError:
        last = today
    last = max(last, incident.first_day)
    return str(
        dates.PartialDate(
            incident.first_day, last, "day" if last == incident.first_day else "range"
        )
    )


def from_extra(
    session: Session,
    import_id: int,
    columns: CaseColumns,
    missing: set[str],
    today: date | None = None,
) -> int:
    """Open the cases the rows of one import describe; returns how many."""
    today = today or date.today()
    wanted = [c for c in (columns.status, columns.charges, columns.dropped_charges) if c]
    opened = 0
    rows = (
        session.execute(
            select(Incident)
            .where(Incident.import_id == import_id, Incident.extra.is_not(None))
            .order_by(Incident.id)
        )
        .scalars()
        .all()
    )
    for incident in rows:
        extra = {
            k: v
            for k, v in (incident.extra or {}).items()
            if k in wanted and str(v).strip() not in missing
        }
        if not extra:
            continue
        said = str(extra.get(columns.status, "")).strip().casefold()
        status = columns.statuses.get(said, "pending" if said else "")
        if said and status == "":
            continue  # the mapping says this status is no case ("not charged", "unknown")
        current = _listed(extra.get(columns.charges), columns.split)
        dropped = [
            c
            for c in _listed(extra.get(columns.dropped_charges), columns.split)
            if c.casefold() not in {k.casefold() for k in current}
        ]
        if status == "acquitted":  # the charges acquitted of are listed as dropped
            current, dropped = current + dropped, []
        if not (current or dropped or status in ("dropped", "convicted", "acquitted", "on appeal")):
            continue  # nothing known: no case
        people = (
            session.execute(
                select(IncidentJournalist.person_id).where(
                    IncidentJournalist.incident_id == incident.id
                )
            )
            .scalars()
            .all()
        )
        when = str(incident.span)
        later = _known_by(incident, incident.extra or {}, columns.known_by, today)
        for person_id in sorted(people):
            record = cases.open_case(
                session,
                "",
                person_id=person_id,
                case_type=columns.case_type,
                on=when,
                charges=[*current, *dropped],
                incidents=[incident.public_id],
                country=incident.country,
                import_id=import_id,
            )
            # "charges dropped" drops every charge, those the export still lists too
            for charge in dropped + (current if status == "dropped" else []):
                cases.add_event(session, record.id, "charge-dropped", later, charge=charge)
            if status == "dropped" and not (current or dropped):
                cases.add_event(
                    session,
                    record.id,
                    "closed",
                    later,
                    note="charges dropped (the export names none)",
                )
            if status in ("convicted", "acquitted", "on appeal"):
                cases.add_event(
                    session,
                    record.id,
                    "verdict",
                    later,
                    outcome="acquitted" if status == "acquitted" else "convicted",
                )
            if status == "on appeal":
                cases.add_event(session, record.id, "appeal", later)
            opened += 1
    return opened
