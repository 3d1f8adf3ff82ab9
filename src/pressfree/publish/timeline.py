"""One journalist's timeline: their incidents, custody periods, cases and the steps of each,
and designations, in date order."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from pressfree import cases, designations, identity, incidents, releases
from pressfree.store.models import (
    Case,
    Designation,
    Incident,
    IncidentJournalist,
    Outlet,
    Person,
)


@dataclass
class Timeline:
    name: str
    outlet: str | None
    aliases: list[str]
    at_risk: bool
    entries: list[dict] = field(default_factory=list)  # {date, event, detail, id}


def _first(text: str) -> str:
    """The earliest day a date text can mean, for ordering ("2021-07" before "2021-07-02")."""
    return text.split("..")[0]


def of_person(session: Session, name: str) -> Timeline:
    pid = identity.existing(session, "person", name, "journalist")
    person = session.get(Person, pid)
    outlet = session.get(Outlet, person.outlet_id) if person.outlet_id else None
    entries: list[dict] = []
    rows = (
        session.execute(
            select(Incident)
            .join(IncidentJournalist, IncidentJournalist.incident_id == Incident.id)
            .where(IncidentJournalist.person_id == pid)
        )
        .scalars()
        .all()
    )
    for record in incidents.records(session, rows):
        entries.append(
            {
                "date": record.date,
                "event": ", ".join(record.kinds),
                "detail": record.summary or "",
                "id": record.id,
            }
        )
    for held in releases.person_custody(session, pid):
        entries.append(
            {
                "date": held.since,
                "event": "custody began",
                "detail": f"held {held.days_held} days" + ("" if held.released_on else " so far"),
                "id": held.incident or held.case,
            }
        )
        if held.released_on:
            entries.append(
                {
                    "date": held.released_on,
                    "event": "custody ended",
                    "detail": held.outcome or "",
                    "id": held.incident or held.case,
                }
            )
    for case in cases.records(
        session, session.execute(select(Case).where(Case.person_id == pid)).scalars().all()
    ):
        for event in case.events:
            detail = cases.described(event)
            if event["event"] == "opened":
                detail = "; ".join(
                    p for p in (f"{case.case_type} case", case.authority, detail) if p
                )
            entries.append(
                {
                    "date": event["date"],
                    "event": f"case {event['event']}",
                    "detail": detail,
                    "id": case.id,
                }
            )
    for made in designations.records(
        session,
        session.execute(select(Designation).where(Designation.person_id == pid)).scalars().all(),
    ):
        entries.append(
            {
                "date": made.date,
                "event": f"designated {made.label}",
                "detail": f"by {made.issued_by}",
                "id": made.id,
            }
        )
        for step in made.changes:
            entries.append(
                {
                    "date": step["date"],
                    "event": f"designation {step['change']}",
                    "detail": step.get("note") or "",
                    "id": made.id,
                }
            )
    entries.sort(key=lambda e: (_first(e["date"]), e["date"]))
    return Timeline(
        person.name,
        outlet.name if outlet else None,
        identity.aliases_of(session, "person", pid),
        person.at_risk,
        entries,
    )
