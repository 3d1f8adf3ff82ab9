"""Merging two records of one thing: two incidents of one event, two people or two outlets
that are one. Everything the dropped record had moves to the kept one, nothing is lost, and
each merge is one change in the history that `merge undo` takes back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select, update
from sqlmodel import Session

from pressfree import cases, evidence, history, identity, incidents, names, work
from pressfree.errors import Conflict, InvalidValue
from pressfree.store.models import (
    Case,
    CustodyRelease,
    Designation,
    Incident,
    IncidentJournalist,
    IncidentOutlet,
    IncidentUpdate,
    MergedIncident,
    Outlet,
    OutletAlias,
    Person,
    PersonAlias,
    Revision,
)
from pressfree.store.ordering import by_name

# Fields of the dropped incident kept on the kept one when they differ (under extra): its
# single values but the restricted flag, which is no text to keep.
SCALARS = tuple(name for name in incidents.FIELDS if name != "restricted")


@dataclass
class Merged:
    record_type: str  # incident, journalist or outlet
    kept: str  # id or name
    dropped: str
    change: int  # the revision to give `merge undo`


# --- incidents ----------------------------------------------------------------------------


def merge_incidents(session: Session, keep_text: str, drop_text: str) -> Merged:
    """Move DROP's kinds, sources, people, outlets, tags, updates, designations and
    evidence files to KEEP; KEEP's empty fields take DROP's values, and DROP's differing
    ones are kept in KEEP's extra fields under "merged"; DROP's id (and its dataset's
    external id) find KEEP."""
    keep = incidents.find(session, keep_text, "KEEP")
    drop = incidents.find(session, drop_text, "DROP")
    if keep.id == drop.id:
        raise InvalidValue("DROP", drop_text, "is the incident to keep: give two incidents")
    kept_before = incidents.get(session, keep.public_id)
    dropped = incidents.get(session, drop.public_id)
    if keep.first_day > drop.last_day or drop.first_day > keep.last_day:
        # one event happens once: the kept date would move the other's custody and releases
        raise InvalidValue(
            "DROP",
            drop_text,
            f"is dated {dropped.date}, {keep.public_id[:8]} "
            f"{kept_before.date}: dates that do not overlap "
            "are not one event (edit a date first if one "
            "is wrong)",
        )
    redirected = list(
        session.execute(
            select(MergedIncident.public_id).where(MergedIncident.incident_id == drop.id)
        ).scalars()
    )
    moved_designations = list(
        session.execute(
            select(Designation.public_id).where(Designation.incident_id == drop.id)
        ).scalars()
    )
    snapshot = {
        **dropped.to_dict(),
        **incidents.hidden(drop),
        "opens_custody": drop.opens_custody,
        "designations": moved_designations,
        "cases": cases.linked_ids(session, drop.id),
        "cases_of_kept": cases.linked_ids(session, keep.id),
        "merged_into": keep.public_id,
        "redirected": redirected,
    }
    kept_opening = keep.opens_custody
    with history.as_one(session):
        changes = {name: getattr(dropped, name) for name in incidents.LISTS}
        changes["sources"] = [s.__dict__ for s in dropped.sources]
        for name in ("country", "region", "city", "perpetrator", "summary", "public_summary"):
            if getattr(kept_before, name) is None and getattr(dropped, name) is not None:
                changes[name] = getattr(dropped, name)
        # the updates move first, so that edit re-indexes them with the rest
        session.execute(
            update(IncidentUpdate)
            .where(IncidentUpdate.incident_id == drop.id)
            .values(incident_id=keep.id)
        )
        session.execute(
            update(Designation)
            .where(Designation.incident_id == drop.id)
            .values(incident_id=keep.id)
        )
        cases.move_links(session, drop.id, keep.id)
        evidence.move(session, drop.id, keep.id)
        incidents.edit(session, keep.public_id, changes)
        differing = {
            name: getattr(dropped, name)
            for name in SCALARS
            if getattr(dropped, name) is not None
            and getattr(kept_before, name) not in (None, getattr(dropped, name))
        }
        extra = dict(keep.extra or {})
        for name, value in (dropped.extra or {}).items():
            extra.setdefault(name, value)
        if differing:
            extra.setdefault("merged", {})
            extra["merged"] = {**extra["merged"], drop.public_id: differing}
        keep.extra = extra or None
        # a detention recorded by hand opens custody, even merged into an imported row
        keep.opens_custody = keep.opens_custody or drop.opens_custody
        change_id = session.info["change_id"]
        session.execute(
            update(MergedIncident)
            .where(MergedIncident.incident_id == drop.id)
            .values(incident_id=keep.id)
        )
        session.add(
            MergedIncident(
                public_id=drop.public_id,
                incident_id=keep.id,
                dataset=drop.dataset,
                external_id=drop.external_id,
                change_id=change_id,
            )
        )
        work.deleting(session, [drop.id])
        session.delete(drop)
        session.flush()
        work.incidents_changed(session, [keep.id])
        work.settle(session)
    # whether it opens custody is part of what undo must put back
    kept_before = {**kept_before.to_dict(), "opens_custody": kept_opening}
    kept_after = _with_custody(session, keep.public_id)
    work.changed(session, "incident", drop.public_id, snapshot, None)
    revision = work.changed(session, "incident", keep.public_id, kept_before, kept_after)
    _mark(session, "incident", keep.public_id, drop.public_id)
    return Merged("incident", keep.public_id, drop.public_id, revision.id)


def _mark(session: Session, noun: str, kept: str, dropped: str) -> None:
    """The merge as a record of its own in the history (type "merge", id: the change), so
    that its undo can be told apart from later changes."""
    work.changed(
        session,
        "merge",
        session.info["change_id"],
        None,
        {"kind": noun, "kept": kept, "dropped": dropped},
    )


_NAMED = {"person": "people", "outlet": "outlets"}


def _undo_incidents(session: Session, rows: list[Revision]) -> None:
    from pressfree import restore

    gone = next(r for r in rows if r.after is None)
    kept = next(r for r in rows if r.after is not None)
    state = dict(gone.before, releases=[])  # releases belong to people: they stayed
    with history.as_one(session):
        session.execute(delete(MergedIncident).where(MergedIncident.public_id == gone.record_id))
        restore.put_back(session, gone.record_id, state, present=False)
        drop = incidents.find(session, gone.record_id)
        session.execute(
            update(MergedIncident)
            .where(MergedIncident.public_id.in_(gone.before.get("redirected") or []))
            .values(incident_id=drop.id)
        )
        session.execute(
            update(Designation)
            .where(Designation.public_id.in_(gone.before.get("designations") or []))
            .values(incident_id=drop.id)
        )
        restore.put_back(session, kept.record_id, kept.before, present=True)
        row = incidents.find(session, kept.record_id)
        cases.unlink(
            session,
            row.id,
            sorted(
                set(gone.before.get("cases") or []) - set(gone.before.get("cases_of_kept") or [])
            ),
        )
        row.extra = kept.before.get("extra")
        if row.opens_custody != (kept.before.get("opens_custody") is not False):
            row.opens_custody = not row.opens_custody
            work.incidents_changed(session, [row.id])
        session.flush()
    work.changed(session, "incident", gone.record_id, None, incidents.get(session, gone.record_id))
    work.changed(
        session, "incident", kept.record_id, kept.after, _with_custody(session, kept.record_id)
    )


def _with_custody(session: Session, public_id: str) -> dict:
    """An incident as a merge records it: with whether it opens custody, which its undo
    puts back."""
    return {
        **incidents.get(session, public_id).to_dict(),
        "opens_custody": incidents.find(session, public_id).opens_custody,
    }


# --- journalists and outlets --------------------------------------------------------------

TARGETS = {"journalist": "person", "outlet": "outlet"}


def _tables(target: str):
    """The record, its alias table, its incident link and the column naming it there."""
    if target == "person":
        return Person, PersonAlias, IncidentJournalist, "person_id"
    return Outlet, OutletAlias, IncidentOutlet, "outlet_id"


def _state(session: Session, target: str, record_id: int) -> dict:
    """Everything that names a person or outlet, by public ids and names (for undo)."""
    model, alias, link, column = _tables(target)
    row = session.get(model, record_id)
    linked = list(
        session.execute(
            select(Incident.public_id)
            .join(link, link.incident_id == Incident.id)
            .where(getattr(link, column) == record_id)
            .order_by(Incident.public_id)
        ).scalars()
    )
    state = {
        "name": row.name,
        "aliases": identity.aliases_of(session, target, record_id),
        "incidents": linked,
        "designations": list(
            session.execute(
                select(Designation.public_id)
                .where(getattr(Designation, column) == record_id)
                .order_by(Designation.public_id)
            ).scalars()
        ),
        "cases": list(
            session.execute(
                select(Case.public_id)
                .where(getattr(Case, column) == record_id)
                .order_by(Case.public_id)
            ).scalars()
        ),
    }
    if target == "person":
        outlet = session.get(Outlet, row.outlet_id) if row.outlet_id else None
        state.update(
            outlet=outlet.name if outlet else None,
            at_risk=row.at_risk,
            restricted=row.restricted,
            pseudonym=row.pseudonym,
            releases=[
                {"released_on": r.released_on.isoformat(), "outcome": r.outcome}
                for r in session.execute(
                    select(CustodyRelease)
                    .where(CustodyRelease.person_id == record_id)
                    .order_by(CustodyRelease.released_on)
                ).scalars()
            ],
        )
    else:
        state.update(
            type=row.type,
            affiliated=list(
                session.execute(
                    select(Person.name)
                    .where(Person.outlet_id == record_id)
                    .order_by(*by_name(Person))
                ).scalars()
            ),
        )
    return state


def merge_named(session: Session, noun: str, keep_name: str, drop_name: str) -> Merged:
    """Make two journalists (or outlets) one: DROP's incidents, custody, releases,
    designations, cases, affiliations and aliases move to KEEP, and DROP's name becomes an
    alias."""
    target = TARGETS[noun]
    model, alias, link, column = _tables(target)
    keep_id = identity.existing(session, target, keep_name, "KEEP")
    drop_id = identity.existing(session, target, drop_name, "DROP")
    if keep_id == drop_id:
        raise InvalidValue(
            "DROP", drop_name, f"is the {noun} to keep (the same name or an alias of it): give two"
        )
    kept_before, dropped = _state(session, target, keep_id), _state(session, target, drop_id)
    keep, drop = session.get(model, keep_id), session.get(model, drop_id)
    shared = select(link.incident_id).where(getattr(link, column) == keep_id)
    session.execute(
        delete(link).where(getattr(link, column) == drop_id, link.incident_id.in_(shared))
    )
    session.execute(update(link).where(getattr(link, column) == drop_id).values({column: keep_id}))
    for model_naming in (Designation, Case):
        session.execute(
            update(model_naming)
            .where(getattr(model_naming, column) == drop_id)
            .values({column: keep_id})
        )
    session.execute(
        update(alias).where(getattr(alias, column) == drop_id).values({column: keep_id})
    )
    if target == "person":
        days = select(CustodyRelease.released_on).where(CustodyRelease.person_id == keep_id)
        session.execute(
            delete(CustodyRelease).where(
                CustodyRelease.person_id == drop_id, CustodyRelease.released_on.in_(days)
            )
        )
        session.execute(
            update(CustodyRelease)
            .where(CustodyRelease.person_id == drop_id)
            .values(person_id=keep_id)
        )
        taken = (drop.at_risk, drop.pseudonym, drop.outlet_id, drop.restricted)
    else:
        session.execute(update(Person).where(Person.outlet_id == drop_id).values(outlet_id=keep_id))
    session.flush()
    session.delete(drop)
    session.flush()
    if target == "person":  # after the delete: a pseudonym is one person's
        keep.at_risk = keep.at_risk or taken[0]
        keep.pseudonym = keep.pseudonym or taken[1]
        keep.outlet_id = keep.outlet_id or taken[2]
        keep.restricted = keep.restricted or taken[3]
    if names.name_key(dropped["name"]) != keep.name_key:
        session.add(
            alias(**{column: keep_id, "name": dropped["name"], **identity.keys(dropped["name"])})
        )
    session.flush()
    if target == "person":
        work.custody_changed(session, [keep_id])
    work.names_changed(session, **{_NAMED[target]: [keep_id]})
    work.settle(session)
    work.changed(session, noun, dropped["name"], dropped, None)
    revision = work.changed(session, noun, keep.name, kept_before, _state(session, target, keep_id))
    _mark(session, noun, keep.name, dropped["name"])
    return Merged(noun, keep.name, dropped["name"], revision.id)


def _undo_named(session: Session, noun: str, rows: list[Revision]) -> None:
    target = TARGETS[noun]
    model, alias, link, column = _tables(target)
    gone = next(r for r in rows if r.after is None).before
    kept = next(r for r in rows if r.after is not None)
    keep_id = identity.existing(session, target, kept.record_id, "KEEP")
    if identity.find(session, target, gone["name"]) not in (None, keep_id):
        raise Conflict(f"merge: {noun} {gone['name']!r} exists again: merge or rename it first")
    session.execute(delete(alias).where(alias.name_key == names.name_key(gone["name"])))
    values = {"name": gone["name"], **identity.keys(gone["name"])}
    if target == "person":
        values.update(
            at_risk=gone["at_risk"],
            restricted=gone.get("restricted", False),  # merges before schema 10 say nothing
            pseudonym=None,
            outlet_id=(
                identity.existing(session, "outlet", gone["outlet"]) if gone["outlet"] else None
            ),
        )
    else:
        values.update(type=gone["type"])
    drop = model(**values)
    session.add(drop)
    session.flush()
    incident_ids = _incident_ids(session, gone["incidents"])
    only_dropped = set(gone["incidents"]) - set(kept.before["incidents"])
    session.execute(
        delete(link).where(
            getattr(link, column) == keep_id,
            link.incident_id.in_([incident_ids[p] for p in only_dropped if p in incident_ids]),
        )
    )
    relinked = [{"incident_id": i, column: drop.id} for i in set(incident_ids.values())]
    if relinked:
        session.execute(link.__table__.insert(), relinked)
    session.execute(
        update(Designation)
        .where(Designation.public_id.in_(gone["designations"]))
        .values({column: drop.id})
    )
    session.execute(
        update(Case).where(Case.public_id.in_(gone.get("cases") or [])).values({column: drop.id})
    )
    session.execute(
        update(alias)
        .where(getattr(alias, column) == keep_id, alias.name.in_(gone["aliases"]))
        .values({column: drop.id})
    )
    keep = session.get(model, keep_id)
    if target == "person":
        kept_days = {r["released_on"] for r in kept.before["releases"]}
        for release in gone["releases"]:
            day = date.fromisoformat(release["released_on"])
            if release["released_on"] not in kept_days:  # it moved: take it back
                session.execute(
                    delete(CustodyRelease).where(
                        CustodyRelease.person_id == keep_id, CustodyRelease.released_on == day
                    )
                )
            session.add(
                CustodyRelease(person_id=drop.id, outcome=release["outcome"], released_on=day)
            )
        keep.at_risk = kept.before["at_risk"]
        keep.restricted = kept.before.get("restricted", False)
        keep.pseudonym = kept.before["pseudonym"]
        keep.outlet_id = (
            identity.existing(session, "outlet", kept.before["outlet"])
            if kept.before["outlet"]
            else None
        )
        session.flush()
        drop.pseudonym = gone["pseudonym"]
    else:
        session.execute(
            update(Person)
            .where(Person.outlet_id == keep_id, Person.name.in_(gone["affiliated"]))
            .values(outlet_id=drop.id)
        )
    session.flush()
    if target == "person":
        work.custody_changed(session, [keep_id, drop.id])
    work.names_changed(session, **{_NAMED[target]: [keep_id, drop.id]})
    work.settle(session)
    work.changed(session, noun, gone["name"], None, _state(session, target, drop.id))
    work.changed(session, noun, keep.name, kept.after, _state(session, target, keep_id))


def _incident_ids(session: Session, public_ids: list[str]) -> dict[str, int]:
    """Internal ids of incidents by public id, following merges; deleted ones left out."""
    from pressfree.errors import NotFound

    found = {}
    for public_id in public_ids:
        try:
            found[public_id] = incidents.find(session, public_id).id
        except NotFound:
            continue
    return found


# --- in documents ---------------------------------------------------------------------------


def merged_ids(session: Session, kept: set[str] | None = None) -> list[dict]:
    """The ids of incidents merged into others (those kept among `kept`, or all), for a
    document: so that they keep finding the kept one wherever it is loaded."""
    rows = session.execute(
        select(MergedIncident, Incident.public_id)
        .join(Incident, Incident.id == MergedIncident.incident_id)
        .order_by(MergedIncident.public_id)
    ).all()
    return [
        {"id": m.public_id, "into": into, "dataset": m.dataset, "external_id": m.external_id}
        for m, into in rows
        if kept is None or into in kept
    ]


def keep_merged(session: Session, item: dict) -> None:
    """A merged id a document brings: added unless this database holds that id already."""
    from pressfree.public_ids import checked_public_id

    public_id = checked_public_id(item.get("id"))
    into = incidents.find(session, str(item.get("into") or ""), "into")
    taken = session.execute(
        select(Incident.id).where(Incident.public_id == public_id)
    ).first() or session.get(MergedIncident, public_id)
    if not taken:
        session.add(
            MergedIncident(
                public_id=public_id,
                incident_id=into.id,
                dataset=item.get("dataset"),
                external_id=item.get("external_id"),
                change_id=session.info.get("change_id", ""),
            )
        )
        session.flush()


# --- undo -----------------------------------------------------------------------------------


def undo(session: Session, text: str) -> Merged:
    """Take back the merge a revision belongs to: refused when either record changed since."""
    revision = history.get(session, text, "REV")
    change = revision.change_id
    rows = (
        session.execute(
            select(Revision)
            .where(Revision.change_id == change, Revision.record_type != "merge")
            .order_by(Revision.id)
        )
        .scalars()
        .all()
    )
    marks = _merge_marks(session)
    if change not in marks:
        raise InvalidValue("REV", text, "is not a revision of a merge (see `pressfree history`)")
    if marks[change] is not None:
        raise Conflict(f"REV: that merge was undone already (revision {marks[change]})")
    mark = session.execute(
        select(Revision).where(Revision.change_id == change, Revision.record_type == "merge")
    ).scalar_one()
    names_ = {mark.after["kept"], mark.after["dropped"]}
    for later in session.execute(
        select(Revision)
        .where(Revision.record_type == "merge", Revision.id > mark.id, Revision.after.is_not(None))
        .order_by(Revision.id.desc())
    ).scalars():
        standing = marks.get(later.record_id) is None
        if standing and names_ & {later.after["kept"], later.after["dropped"]}:
            raise Conflict(
                f"REV: a later merge of {later.after['kept']} stands (revision "
                f"{later.id}): undo that first"
            )
    _unchanged(session, rows)
    noun = rows[0].record_type
    if noun == "incident":
        _undo_incidents(session, rows)
    else:
        _undo_named(session, noun, rows)
    kept = next(r for r in rows if r.after is not None)
    gone = next(r for r in rows if r.after is None)
    mark = session.execute(
        select(Revision).where(Revision.change_id == change, Revision.record_type == "merge")
    ).scalar_one()
    work.changed(session, "merge", change, mark.after, None)
    return Merged(noun, kept.record_id, gone.record_id, revision.id)


def _unchanged(session: Session, rows: list[Revision]) -> None:
    """A merge is taken back only from the state it left: the kept record as it was right
    after it (an edit since must be restored away first), the dropped one still gone."""
    kept = next(r for r in rows if r.after is not None)
    gone = next(r for r in rows if r.after is None)
    noun = kept.record_type
    if noun == "incident":
        if session.execute(select(Incident.id).where(Incident.public_id == gone.record_id)).first():
            raise Conflict(
                f"REV: incident {gone.record_id} is stored again: there is no merge to take back"
            )
        if not session.execute(
            select(Incident.id).where(Incident.public_id == kept.record_id)
        ).first():
            raise Conflict(
                f"REV: incident {kept.record_id} was deleted after the merge: "
                f"`pressfree restore {kept.record_id[:8]}` first"
            )
        now = _with_custody(session, kept.record_id)
        said = (
            f"changed after the merge: `pressfree restore {kept.record_id[:8]} --to "
            f"{kept.id}` puts it back as the merge left it"
        )
    else:
        target = TARGETS[noun]
        found = identity.find(session, target, kept.record_id)
        now = _state(session, target, found) if found is not None else None
        said = (
            "changed after the merge (its incidents, aliases, releases or "
            "designations), so the merge cannot be taken back"
        )
    if _comparable(now) != _comparable(kept.after):
        raise Conflict(f"REV: {noun} {kept.record_id} {said}")


def _comparable(state):
    from pressfree.schemas import plain

    data = plain(state) if state is not None else None
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k != "updated_at"}
    return data


def _merge_marks(session: Session) -> dict[str, int | None]:
    """Every merge's change id, with the revision that undid it (None while it stands)."""
    marks: dict[str, int | None] = {}
    for record_id, after, rev in session.execute(
        select(Revision.record_id, Revision.after, Revision.id)
        .where(Revision.record_type == "merge")
        .order_by(Revision.id)
    ):
        marks[record_id] = None if after is not None else rev
    return marks
