"""The designations register: labels authorities put on outlets, organisations and people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, exists, select
from sqlmodel import Session

from pressfree import countries, dates, identity, incidents, sources, vocabulary, work
from pressfree.errors import Conflict, InvalidValue
from pressfree.schemas import IncidentIn, SourceIn, clean_text, validated
from pressfree.store.models import (
    CHANGES,
    TARGET_TYPES,
    Designation,
    DesignationChange,
    Incident,
    Label,
    Outlet,
    Person,
    Source,
)


@dataclass
class DesignationRecord:
    id: str
    target: str
    target_type: str
    label: str
    label_name: str
    issued_by: str
    date: str
    list_reference: str | None
    source: str | None
    publisher: str | None
    incident: str | None
    changes: list[dict] = field(default_factory=list)
    lifted_on: str | None = None


def _target_type(session: Session, target: str, asked: str | None) -> str:
    """What the target is: a person, or the type its outlet record already has (the one
    place a target's type lives); a new outlet takes the type asked for, or "outlet"."""
    wanted = (asked or "").strip().lower() or None
    if wanted is not None and wanted not in TARGET_TYPES:
        raise InvalidValue(
            "--target-type", asked, f"is not a target type ({', '.join(TARGET_TYPES)})"
        )
    if wanted == "person":
        return wanted
    if wanted is None and identity.find(session, "person", target.strip()) is not None:
        return "person"  # a journalist's name (or alias) names them
    found = identity.find(session, "outlet", target.strip())
    stored = session.get(Outlet, found).type if found is not None else None
    if stored is not None and wanted is not None and stored != wanted:
        raise InvalidValue(
            "--target-type",
            asked,
            f"does not match {target!r}, recorded as "
            f"{'an' if stored[0] in 'aeiou' else 'a'} "
            f"{stored}",
        )
    return stored or wanted or "outlet"


def designate(
    session: Session,
    target: str,
    *,
    label: str,
    by: str,
    on: str,
    target_type: str | None = None,
    country: str | None = None,
    list_reference: str | None = None,
    source: str | None = None,
    publisher: str | None = None,
    title: str | None = None,
    public_id: str | None = None,
    incident_id: str | None = None,
    force: bool = False,
) -> DesignationRecord:
    """Record a designation and the incident of kind designation that goes with it. The
    same designation (target, label, issuing body, date) twice is refused unless `force`."""
    if not (target or "").strip():
        raise InvalidValue("target", target, "is empty")
    target = clean_text(target, "target")
    target_type = _target_type(session, target, target_type)
    if not (by or "").strip():
        raise InvalidValue("--by", by, "is empty: name the court, ministry or agency")
    by = clean_text(by, "--by")
    label_id = vocabulary.ids_for(session, [label], "label", "--label")[label.strip().lower()]
    when = dates.parse(on, "--date")
    given = (
        []
        if not (source or publisher)
        else [validated(SourceIn, url=source, publisher=publisher, title=title)]
    )
    label_name = session.get(Label, label_id).name
    if not force and (same := _same(session, target, target_type, label_id, by, when)):
        raise Conflict(
            f"designation: {target} is already recorded as {label_name} by {by} on {when} "
            f"({same}): give --force to record it again"
        )
    if target_type != "person":
        # create the target first, with its type, so the incident links the right record
        identity.outlet_id(session, target, target_type)
    if incident_id:
        incident = incidents.find(session, incident_id, "incident")
        if "designation" not in incidents.get(session, incident.public_id).kinds:
            raise InvalidValue("incident", incident_id, "is not an incident of kind designation")
    else:
        draft = validated(
            IncidentIn,
            kinds=["designation"],
            date=when,
            country=countries.normalise(country),
            perpetrator=by,
            summary=generated_summary(by, target, label_name),
            journalists=[target] if target_type == "person" else [],
            outlets=[] if target_type == "person" else [target],
            sources=given,
        )
        added = incidents.add(session, draft)
        incident = incidents.find(session, added.record.id)
    row = Designation(
        label_id=label_id,
        issued_by=by,
        decided_first=when.first,
        decided_last=when.last,
        decided_precision=when.precision,
        list_reference=clean_text(list_reference, "--reference"),
        source_id=sources.source_id(session, given[0]) if given else None,
        incident_id=incident.id,
    )
    if target_type == "person":
        row.person_id = identity.person_id(session, target)
    else:
        row.outlet_id = identity.outlet_id(session, target, target_type)
    if public_id:
        from pressfree.public_ids import checked_public_id

        row.public_id = checked_public_id(public_id)
    session.add(row)
    session.flush()
    record = records(session, [row])[0]
    work.changed(session, "designation", record.id, None, record)
    return record


def _same(
    session: Session,
    target: str,
    target_type: str,
    label_id: int,
    by: str,
    when: dates.PartialDate,
    other_than: int | None = None,
) -> str | None:
    """The id of a stored designation identical to this one, if any."""
    found = identity.find(session, "person" if target_type == "person" else "outlet", target)
    if found is None:
        return None
    column = Designation.person_id if target_type == "person" else Designation.outlet_id
    query = select(Designation.public_id).where(
        column == found,
        Designation.label_id == label_id,
        Designation.issued_by == by,
        *(
            getattr(Designation, name) == value
            for name, value in Designation.span_columns(when).items()
        ),
    )
    if other_than is not None:
        query = query.where(Designation.id != other_than)
    return session.execute(query).scalars().first()


def edit(
    session: Session,
    public_id: str,
    *,
    label: str | None = None,
    by: str | None = None,
    on: str | None = None,
    list_reference: str | None = None,
    force: bool = False,
) -> DesignationRecord:
    """Correct a designation: its label, issuing body, date or list reference; one revision.
    The date is its incident's (moved with it), and an incident summary or perpetrator that
    still reads as `designate` wrote it follows the new label and body."""
    row = find(session, public_id)
    before = records(session, [row])[0]
    incident = session.get(Incident, row.incident_id)
    old_label = session.get(Label, row.label_id).name
    old_summary = generated_summary(row.issued_by, before.target, old_label)
    if label is not None:
        row.label_id = vocabulary.ids_for(session, [label], "label", "--label")[
            label.strip().lower()
        ]
    changes: dict = {}
    if by is not None:
        by = clean_text(by, "--by")
        if not by:
            raise InvalidValue("--by", by, "is empty: name the court, ministry or agency")
        if incident.perpetrator == row.issued_by:
            changes["perpetrator"] = by
        row.issued_by = by
    if list_reference is not None:
        row.list_reference = clean_text(list_reference, "--reference") or None
    when = dates.parse(on, "--date") if on is not None else row.span
    if not force and (
        same := _same(
            session, before.target, before.target_type, row.label_id, row.issued_by, when, row.id
        )
    ):
        raise Conflict(
            f"designation: {before.target} is already recorded so ({same}): give --force to "
            "keep both"
        )
    if on is not None:
        changes["date"] = str(when)
    summary = generated_summary(row.issued_by, before.target, session.get(Label, row.label_id).name)
    if incident.summary == old_summary and summary != old_summary:
        changes["summary"] = summary
    session.flush()
    if changes:  # the incident's date is the designation's: through the one write path
        incidents.edit(session, incident.public_id, changes)
    session.flush()
    after = records(session, [row])[0]
    if after != before:
        work.changed(session, "designation", after.id, before, after)
    return after


def find(session: Session, public_id: str) -> Designation:
    from pressfree.public_ids import by_public_id

    return by_public_id(session, Designation, public_id, "a designation")


def change(
    session: Session, public_id: str, what: str, on: str, note: str | None = None
) -> DesignationRecord:
    """Record a later step (appealed, upheld, lifted) on a designation."""
    if what not in CHANGES:
        raise InvalidValue("change", what, f"is not one of {', '.join(CHANGES)}")
    row = find(session, public_id)
    day = dates.parse_day(on, "--date")
    if day < row.decided_first:
        decided = row.span
        raise InvalidValue("--date", on, f"is before the designation was decided ({decided})")
    if _lifted(session, row.id) is not None:
        raise InvalidValue("id", public_id, "is already lifted")
    before = records(session, [row])[0]
    session.add(
        DesignationChange(
            designation_id=row.id, change=what, on_day=day, note=clean_text(note, "--note")
        )
    )
    session.flush()
    record = records(session, [row])[0]
    work.changed(session, "designation", record.id, before, record)
    return record


def of_incident(session: Session, incident: Incident) -> list[DesignationRecord]:
    return records(
        session,
        session.execute(select(Designation).where(Designation.incident_id == incident.id))
        .scalars()
        .all(),
    )


def _lifted(session: Session, designation_id: int) -> date | None:
    return session.execute(
        select(DesignationChange.on_day).where(
            DesignationChange.designation_id == designation_id, DesignationChange.change == "lifted"
        )
    ).scalar()


def in_force_on(day: date):
    """Designations decided by the day and not lifted on or before it."""
    return and_(
        Designation.decided_first <= day,
        ~exists().where(
            DesignationChange.designation_id == Designation.id,
            DesignationChange.change == "lifted",
            DesignationChange.on_day <= day,
        ),
    )


def list_designations(
    session: Session,
    *,
    as_of: str | None = None,
    label: str | None = None,
    period: dates.PartialDate | None = None,
    country: str | None = None,
    counted: tuple[str, ...] | None = None,
) -> list[DesignationRecord]:
    """Designations, filtered; with `counted`, only those whose incident has a status that
    counts (what publishes: a designation reported in error is retracted with it)."""
    query = select(Designation)
    if country or counted:
        query = query.join(Incident, Incident.id == Designation.incident_id)
    if country:
        query = query.where(Incident.country == country)
    if counted:
        query = query.where(Incident.status.in_(counted))
    if as_of:
        query = query.where(in_force_on(dates.parse_day(as_of, "--as-of")))
    if period:
        query = query.where(
            Designation.decided_first >= period.first, Designation.decided_last <= period.last
        )
    if label:
        label_id = vocabulary.ids_for(session, [label], "label", "--label")[label.strip().lower()]
        query = query.where(Designation.label_id == label_id)
    rows = (
        session.execute(query.order_by(Designation.decided_first.desc(), Designation.id))
        .scalars()
        .all()
    )
    return records(session, rows)


def lifted_in(
    session: Session, period: dates.PartialDate, country: str | None = None
) -> list[DesignationRecord]:
    """Designations lifted on a day of the period (whenever they were decided)."""
    query = (
        select(Designation)
        .join(DesignationChange, DesignationChange.designation_id == Designation.id)
        .where(
            DesignationChange.change == "lifted",
            DesignationChange.on_day >= period.first,
            DesignationChange.on_day <= period.last,
        )
    )
    if country:
        query = query.join(Incident, Incident.id == Designation.incident_id).where(
            Incident.country == country
        )
    rows = (
        session.execute(query.order_by(DesignationChange.on_day.desc(), Designation.id))
        .scalars()
        .all()
    )
    return records(session, rows)


def records(session: Session, rows: list[Designation]) -> list[DesignationRecord]:
    labels = {label.id: label for label in session.execute(select(Label)).scalars()}
    outlets = {
        id_: (name, type_)
        for id_, name, type_ in session.execute(
            select(Outlet.id, Outlet.name, Outlet.type).where(
                Outlet.id.in_({r.outlet_id for r in rows if r.outlet_id})
            )
        )
    }
    people = dict(
        session.execute(
            select(Person.id, Person.name).where(
                Person.id.in_({r.person_id for r in rows if r.person_id})
            )
        ).all()
    )
    cited = {
        s.id: s
        for s in session.execute(
            select(Source).where(Source.id.in_({r.source_id for r in rows if r.source_id}))
        ).scalars()
    }
    incident_ids = dict(
        session.execute(
            select(Incident.id, Incident.public_id).where(
                Incident.id.in_({r.incident_id for r in rows if r.incident_id})
            )
        ).all()
    )
    changes: dict[int, list[dict]] = {}
    for c in session.execute(
        select(DesignationChange)
        .where(DesignationChange.designation_id.in_([r.id for r in rows]))
        .order_by(DesignationChange.on_day, DesignationChange.id)
    ).scalars():
        changes.setdefault(c.designation_id, []).append(
            {"change": c.change, "date": c.on_day.isoformat(), "note": c.note}
        )
    out = []
    for r in rows:
        source = cited.get(r.source_id)
        lifted = [c["date"] for c in changes.get(r.id, []) if c["change"] == "lifted"]
        out.append(
            DesignationRecord(
                r.public_id,
                outlets[r.outlet_id][0] if r.outlet_id else people.get(r.person_id),
                outlets[r.outlet_id][1] if r.outlet_id else "person",
                labels[r.label_id].slug,
                labels[r.label_id].name,
                r.issued_by,
                str(r.span),
                r.list_reference,
                source.url if source else None,
                source.publisher if source else None,
                incident_ids.get(r.incident_id),
                changes.get(r.id, []),
                lifted[0] if lifted else None,
            )
        )
    return out


def generated_summary(by: str, target: str, label_name: str) -> str:
    """The summary a designation's own incident is given when nobody wrote one: "Belarusian
    authorities designated Belsat: Extremist formation" (a report says it in its reader's
    language while the incident keeps it: generated_in)."""
    return f"{by} designated {target}: {label_name}"


def generated_in(session: Session, public_ids: list[str]) -> dict[str, dict[str, str]]:
    """Of these incidents (by public id), those whose summary is still the one their
    designation gave them (generated_summary), each with its parts: who designated what,
    under which label."""
    from sqlalchemy import func

    from pressfree.store.db import one_of

    target = func.coalesce(Outlet.name, Person.name)
    rows = session.execute(
        select(Incident.public_id, Designation.issued_by, target, Label.slug, Label.name,
               Incident.summary)
        .join(Label, Label.id == Designation.label_id)
        .join(Incident, Incident.id == Designation.incident_id)
        .outerjoin(Outlet, Outlet.id == Designation.outlet_id)
        .outerjoin(Person, Person.id == Designation.person_id)
        .where(one_of(session, Incident.public_id, public_ids))
    ).all()  # fmt: skip
    return {
        public_id: {"by": by, "target": name, "label": slug, "label_name": label}
        for public_id, by, name, slug, label, summary in rows
        if summary == generated_summary(by, name, label)
    }
