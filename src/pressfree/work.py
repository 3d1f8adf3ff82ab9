"""The unit of work: the one write path. Services say what they changed (a revision, or which
incidents, people, names and sources they touched); this module alone brings what is derived
from those facts up to date, once, just before the transaction commits: custody periods,
designation dates, and the search index.

A session's unit of work starts the first time a service says something, and one listener
finishes it before any session commits, so every write goes through it whichever command,
import, document, copy, merge, restore or undo made it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from pressfree import custody, history, search
from pressfree.errors import InvalidValue
from pressfree.store.models import (
    Case,
    Designation,
    DesignationChange,
    Incident,
    IncidentJournalist,
    IncidentKind,
    IncidentOutlet,
    IncidentSource,
    Kind,
    Outlet,
    Person,
    Revision,
)

CHUNK = 500  # ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits


@dataclass
class Work:
    """What one transaction touched and has not yet been brought up to date."""

    incidents: set[int] = field(default_factory=set)  # added or changed
    public_ids: set[str] = field(default_factory=set)  # the same, named by a revision
    # ... whose status changed: retracting a detention may leave a release ending nothing,
    # which is no reason to refuse it (an edit that moves a detention past a release is)
    new_status: set[str] = field(default_factory=set)
    people: set[int] = field(default_factory=set)  # custody to derive again
    tidy: set[int] = field(default_factory=set)  # ... after a delete concerned them
    person_names: set[int] = field(default_factory=set)  # names or aliases changed
    outlet_names: set[int] = field(default_factory=set)
    sources: set[int] = field(default_factory=set)  # a shared source's text changed

    def __bool__(self) -> bool:
        return any(vars(self).values())


def of(session: Session) -> Work:
    """The session's unit of work, started if need be (every session finishes its own
    before it commits: see the listener below settle)."""
    work = session.info.get("work")
    if work is None:
        work = session.info["work"] = Work()
    return work


# --- what services say ----------------------------------------------------------------------


def changed(
    session: Session, record_type: str, record_id: str, before: Any, after: Any
) -> Revision | None:
    """A record changed: its revision is recorded, and an incident's derived state is
    brought up to date (whichever path changed it, however it changed)."""
    if record_type == "case":  # a verdict may start or end custody: the person's, read now
        # (an undo deletes the case after saying so)
        person = session.execute(
            select(Case.person_id).where(Case.public_id == str(record_id))
        ).scalar()
        of(session).people.update(_ids([person]))
    if record_type == "incident" and after is not None:
        of(session).public_ids.add(str(record_id))
        if before is not None and _status(before) != _status(after):
            of(session).new_status.add(str(record_id))
    return history.record(session, record_type, record_id, before, after)


def _status(incident: Any) -> str | None:
    """An incident's status, of a record or of its plain dict (services pass either)."""
    return incident.get("status") if isinstance(incident, dict) else incident.status


def incidents_changed(session: Session, incident_ids: Iterable[int | None]) -> None:
    """Incidents were added or changed (fields, links, updates, whether they open custody)."""
    of(session).incidents.update(_ids(incident_ids))


def deleting(session: Session, incident_ids: Iterable[int | None]) -> None:
    """Incidents are about to be deleted: the custody of the people they concern is derived
    again without them (releases that then end nothing go, kept by the delete's history)."""
    ids = sorted(_ids(incident_ids))
    people = custody.concerned(session, ids)
    work = of(session)
    work.people |= people
    work.tidy |= people
    work.incidents.difference_update(ids)


def custody_changed(session: Session, person_ids: Iterable[int | None]) -> None:
    """Releases were recorded or moved, or people merged: their custody is derived again."""
    of(session).people.update(_ids(person_ids))


def names_changed(
    session: Session, *, people: Iterable[int | None] = (), outlets: Iterable[int | None] = ()
) -> None:
    """Names or aliases changed: the search entries of the incidents naming them."""
    work = of(session)
    work.person_names.update(_ids(people))
    work.outlet_names.update(_ids(outlets))


def sources_changed(session: Session, source_ids: Iterable[int | None]) -> None:
    """A shared source's title or publisher was filled in: every incident citing it."""
    of(session).sources.update(_ids(source_ids))


def indexed(
    connection: Connection, entries: dict[int, tuple[list[str | None], list[int], list[int]]]
) -> None:
    """The search entries of incidents an import's batch has just added, written in bulk
    from what the batch holds in memory (search.write_entries); they are new, so nothing
    else derived from them is out of date (imported rows open no custody)."""
    search.write_entries(connection, entries)


def _ids(ids: Iterable[int | None]) -> set[int]:
    """Ids of rows the session has flushed (a row not yet flushed has none)."""
    return {i for i in ids if i is not None}


# --- bringing what is derived up to date ----------------------------------------------------


def settle(session: Session) -> None:
    """Derive now what the changes so far call for (it runs before every commit; a service
    that reads derived state in the middle of a change calls it first)."""
    work = session.info.get("work")
    if not work:
        return
    session.flush()
    incident_ids = _stored(session, Incident.id, work.incidents) | _stored(
        session, Incident.public_id, work.public_ids
    )
    concerned = custody.concerned(session, sorted(incident_ids))
    lenient = custody.concerned(
        session, sorted(_stored(session, Incident.public_id, work.new_status))
    )
    _follow_designations(session, sorted(incident_ids))
    custody.rebuild(
        session,
        concerned | work.people,
        strict=concerned - work.tidy - lenient,
        tidy=work.tidy,
    )
    refreshed = incident_ids | _citing(session, work)
    search.refresh(session, sorted(refreshed))
    session.info["work"] = Work()
    session.flush()


def _stored(session: Session, column: Any, wanted: set[int] | set[str]) -> set[int]:
    """The ids of the incidents still stored, of those named (by id or public id)."""
    found: set[int] = set()
    chosen = sorted(wanted)
    for start in range(0, len(chosen), CHUNK):  # an import --update changes thousands
        query = select(Incident.id).where(column.in_(chosen[start : start + CHUNK]))
        found |= set(session.execute(query).scalars())
    return found


# Once for every session, rather than once for each (registering on an instance costs more
# than a small write's own derivations): a session with no unit of work returns at once.
event.listen(OrmSession, "before_commit", settle)


def _citing(session: Session, work: Work) -> set[int]:
    """The incidents naming the people and outlets, or citing the sources, that changed."""
    found: set[int] = set()
    for ids, column in (
        (work.person_names, IncidentJournalist.person_id),
        (work.outlet_names, IncidentOutlet.outlet_id),
        (work.sources, IncidentSource.source_id),
    ):
        if ids:
            query = select(column.table.c.incident_id).where(column.in_(sorted(ids)))
            found |= set(session.execute(query).scalars())
    return found


def _follow_designations(session: Session, incident_ids: list[int]) -> None:
    """A designation is dated by its incident and names what its incident names: when the
    incident's date is edited, so is it. The incident must stay one of kind designation,
    keep naming the designated person or outlet, and not move after a later step (appeal,
    lift) recorded on the designation."""
    rows = [
        row
        for start in range(0, len(incident_ids), CHUNK)
        for row in session.execute(
            select(Designation).where(
                Designation.incident_id.in_(incident_ids[start : start + CHUNK])
            )
        ).scalars()
    ]
    for row in rows:
        incident = session.get(Incident, row.incident_id)
        kinds = incident_kinds(session, incident.id)
        if "designation" not in kinds:
            raise InvalidValue(
                "kind",
                ", ".join(kinds),
                f"leaves out designation: incident "
                f"{incident.public_id[:8]} records designation "
                f"{row.public_id[:8]} (delete that instead)",
            )
        if row.person_id is not None:
            link, column, wanted, option = (
                IncidentJournalist,
                IncidentJournalist.person_id,
                row.person_id,
                "--journalist",
            )
            name = session.get(Person, row.person_id).name
        else:
            link, column, wanted, option = (
                IncidentOutlet,
                IncidentOutlet.outlet_id,
                row.outlet_id,
                "--outlet",
            )
            name = session.get(Outlet, row.outlet_id).name
        named = session.execute(
            select(column).where(link.incident_id == incident.id, column == wanted)
        ).first()
        if named is None:
            raise InvalidValue(
                option,
                name,
                f"is designated by designation {row.public_id[:8]}: it stays on incident "
                f"{incident.public_id[:8]} (delete the designation to change what it names)",
            )
        when = incident.span
        for step in session.execute(
            select(DesignationChange).where(DesignationChange.designation_id == row.id)
        ).scalars():
            if step.on_day < incident.first_day:
                raise InvalidValue(
                    "date",
                    str(when),
                    f"is after the designation was {step.change} ({step.on_day.isoformat()})",
                )
        row.decided_first, row.decided_last = incident.first_day, incident.last_day
        row.decided_precision = incident.date_precision


def incident_kinds(session: Session, incident_id: int) -> list[str]:
    return sorted(
        session.execute(
            select(Kind.slug)
            .join(IncidentKind, IncidentKind.kind_id == Kind.id)
            .where(IncidentKind.incident_id == incident_id)
        ).scalars()
    )
