"""Deleting and putting back: delete an incident (its history keeping all of it), restore one
as it was (or after it was deleted), list what was deleted, list imports and undo one. Each
is a new revision: the history is never rewritten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, or_, select
from sqlmodel import Session

from pressfree import (
    cases,
    designations,
    evidence,
    history,
    identity,
    incidents,
    releases,
    tallies,
    work,
)
from pressfree.errors import Conflict, InvalidValue, UsageError
from pressfree.schemas import INCIDENT_FIELDS, IncidentIn, IncidentRecord, plain, validated
from pressfree.store.models import (
    Case,
    Designation,
    ImportedFile,
    Incident,
    IncidentJournalist,
    IncidentOutlet,
    IncidentSource,
    IncidentUpdate,
    Kind,
    Outlet,
    Person,
    Revision,
    Source,
    Tally,
    stamp,
)


def _state(rows: list[Revision], to: Revision | None) -> tuple[dict, Revision | None]:
    """The record as it was after revision `to`; without one, as it was before the delete
    that is its last revision."""
    last = rows[-1]
    if to is None:
        if last.after is not None:
            raise UsageError(
                f"--to is needed: {last.record_type} {last.record_id} is not deleted "
                "(give the revision to go back to, see `pressfree history ID`)"
            )
        return last.before, last
    if to.after is None:
        raise InvalidValue("--to", to.id, "is the revision that deleted it: give one before")
    return to.after, None


RESTORED = ("incident", "tally", "designation")


def restore(session: Session, text: str, to: str | None = None):
    """Put an incident or a figure back as it was after a revision, or bring a deleted one
    back (an incident with its id, kinds, people, outlets, sources, tags, updates, custody
    releases and designations). A designation is restored with its incident."""
    rows = history.matching(session, text)
    record_type = rows[0].record_type
    if record_type not in RESTORED:
        raise InvalidValue(
            "id",
            text,
            f"is a {record_type}: only incidents, figures and designations are "
            "restored (other records are only ever added to)",
        )
    if record_type == "designation" and to is not None:
        raise UsageError(
            "--to: a designation is restored with its incident: "
            "`pressfree restore INCIDENT --to REV` (see `pressfree history ID`)"
        )
    target = None
    if to is not None:
        target = history.get(session, to)
        if (target.record_type, target.record_id) != (record_type, rows[0].record_id):
            raise InvalidValue(
                "--to",
                to,
                f"is a revision of {target.record_type} "
                f"{target.record_id}, not of {rows[0].record_id}",
            )
    if record_type == "tally":
        state, _ = _state(rows, target)
        return tallies.restore_tally(session, rows[0].record_id, state)
    if record_type == "designation":
        incident = (rows[-1].before or rows[-1].after or {}).get("incident")
        rows = history.matching(session, incident)
    last = rows[-1]
    if last.after is None and (last.before or {}).get("merged_into"):
        raise Conflict(
            f"id: {last.record_id} was merged into {last.before['merged_into']}: "
            f"`pressfree merge undo {last.id}` takes the merge back"
        )
    state, deletion = _state(rows, target)
    public_id = rows[0].record_id
    before = None
    if session.execute(select(Incident.id).where(Incident.public_id == public_id)).scalar():
        before = incidents.get(session, public_id)
    with history.as_one(session):
        put_back(session, public_id, state, before is not None, deletion)
    after = incidents.get(session, public_id)
    if before is None or history.changes(plain(before), plain(after)):
        work.changed(session, "incident", public_id, before, after)
    return after


def put_back(
    session: Session, public_id: str, state: dict, present: bool, deletion: Revision | None = None
) -> None:
    """Make the incident what `state` (a record from the history) says: edited in place when
    present, added again with its id when not (with the designations its deletion took)."""
    values = {k: state.get(k) for k in INCIDENT_FIELDS}
    if present:
        incidents.edit(session, public_id, values, exact=True)
        row = incidents.find(session, public_id)
        for key in ("external_id", "extra", "content_hash", "identity_hash"):
            if key in state:  # what matched it to its dataset's exports, as it was then
                setattr(row, key, state[key])
        # the updates as they were then: none, if the record had none
        session.execute(
            delete(IncidentUpdate).where(
                IncidentUpdate.incident_id == incidents.find(session, public_id).id
            )
        )
        _put_updates(session, public_id, state)
        _put_attachments(session, row.id, state)
        return
    draft = validated(IncidentIn, **{k: v for k, v in values.items() if v is not None})
    incidents.add(
        session,
        draft,
        public_id=public_id,
        created_at=_moment(state.get("created_at")),
        opens_custody=state.get("opens_custody", True) is not False,
    )
    row = incidents.find(session, public_id)
    # what matches it to its dataset's later exports, and the import that brought it
    row.content_hash, row.identity_hash = state.get("content_hash"), state.get("identity_hash")
    if isinstance(state.get("import"), int) and session.get(Revision, state["import"]):
        row.import_id = state["import"]
    row.external_id, row.dataset, row.extra = (
        state.get("external_id"),
        state.get("dataset"),
        state.get("extra"),
    )
    _put_updates(session, public_id, state)
    _put_attachments(session, row.id, state)
    for release in state.get("releases") or []:
        releases.record_release(
            session,
            identity.person_id(session, release["person"]),
            date.fromisoformat(release["released_on"]),
            release["outcome"] or "released",
        )
    cases.relink(session, row.id, state.get("cases") or [])
    if deletion is not None:
        _restore_designations(session, deletion, public_id)


def _put_updates(session: Session, public_id: str, state: dict) -> None:
    for update in state.get("updates") or []:
        incidents.add_update(
            session,
            public_id,
            update["text"],
            update["date"],
            update.get("source"),
            update.get("publisher"),
        )


def _put_attachments(session: Session, incident_id: int, state: dict) -> None:
    """The attachments as they were then; those whose bytes were erased since cannot come
    back, and the session counts them ("files_left_out") for the command to say so."""
    if left_out := evidence.put(session, incident_id, state.get("attachments") or []):
        session.info["files_left_out"] = session.info.get("files_left_out", 0) + left_out


def _settled(session: Session) -> set[str]:
    """The changes of imports undone since, and of their undos: they no longer stand."""
    undone = (
        session.execute(
            select(Revision).where(Revision.record_type == "import", Revision.after.is_(None))
        )
        .scalars()
        .all()
    )
    imports_ = {int(r.record_id) for r in undone if r.record_id.isdigit()}
    originals = (
        set(session.execute(select(Revision.change_id).where(Revision.id.in_(imports_))).scalars())
        if imports_
        else set()
    )
    return originals | {r.change_id for r in undone}


def _take_back_edits(session: Session, entry: Revision, removed: set[str]) -> None:
    """The stored incidents an import changed (`import --update`) go back to what they were
    before it, each a revision of its own."""
    edits = (
        session.execute(
            select(Revision)
            .where(
                Revision.change_id == entry.change_id,
                Revision.record_type == "incident",
                Revision.before.is_not(None),
                Revision.after.is_not(None),
            )
            .order_by(Revision.id.desc())
        )
        .scalars()
        .all()
    )
    for row in edits:
        if (
            row.record_id in removed
            or not session.execute(
                select(Incident.id).where(Incident.public_id == row.record_id)
            ).first()
        ):
            continue
        before = incidents.get(session, row.record_id)
        with history.as_one(session):
            put_back(session, row.record_id, row.before, present=True)
        work.changed(
            session, "incident", row.record_id, before, incidents.get(session, row.record_id)
        )


def _moment(text):
    from pressfree import dates

    return dates.parse_timestamp(text, "created_at") if text else None


def _restore_designations(session: Session, deletion: Revision, public_id: str) -> None:
    """The designations deleted with the incident, by the same command."""
    for row in session.execute(
        select(Revision)
        .where(
            Revision.change_id == deletion.change_id,
            Revision.record_type == "designation",
            Revision.after.is_(None),
        )
        .order_by(Revision.id)
    ).scalars():
        was = row.before
        record = designations.designate(
            session,
            was["target"],
            label=was["label"],
            by=was["issued_by"],
            on=was["date"],
            target_type=was["target_type"],
            list_reference=was.get("list_reference"),
            source=was.get("source"),
            publisher=was.get("publisher"),
            public_id=was["id"],
            incident_id=public_id,
        )
        for step in was.get("changes") or []:
            designations.change(session, record.id, step["change"], step["date"], step.get("note"))


def _named_by(session: Session, incident_ids: list[int]) -> dict:
    """The people, outlets and sources these incidents link to, by model."""
    found: dict = {Person: set(), Outlet: set(), Source: set()}
    for start in range(0, len(incident_ids), incidents.CHUNK):
        chunk = incident_ids[start : start + incidents.CHUNK]
        for model, column in (
            (Person, IncidentJournalist.person_id),
            (Outlet, IncidentOutlet.outlet_id),
            (Source, IncidentSource.source_id),
        ):
            query = select(column).where(column.table.c.incident_id.in_(chunk))
            found[model].update(session.execute(query).scalars())
    return found


def _remove_unused(session: Session, named: dict, kinds: list[str]) -> None:
    """What an undone import leaves naming nothing: the people, outlets and sources only its
    incidents named, and the kinds it created, unless something else refers to them now
    (a later incident, a designation, a case, a release) or a researcher said something of
    them (at risk, a pseudonym, an affiliation, an alias)."""
    from sqlmodel import SQLModel

    created = select(Kind.id).where(Kind.slug.in_(kinds), Kind.builtin.is_(False))
    named = {**named, Kind: set(session.execute(created).scalars()) if kinds else set()}
    for model, ids in named.items():
        table = model.__table__
        wanted = set(ids)
        if model is Person and wanted:
            flagged = select(Person.id).where(
                Person.id.in_(sorted(wanted)),
                or_(
                    Person.at_risk.is_(True),
                    Person.pseudonym.is_not(None),
                    Person.outlet_id.is_not(None),
                ),
            )
            wanted -= set(session.execute(flagged).scalars())
        # every column that refers to the row, aliases included: found from the models,
        # so a table added later is counted too
        for other in SQLModel.metadata.tables.values():
            for key in other.foreign_keys:
                if key.column.table is table and wanted:
                    used = select(key.parent).where(key.parent.in_(sorted(wanted)))
                    wanted -= set(session.execute(used).scalars())
        chosen = sorted(wanted)
        for start in range(0, len(chosen), incidents.CHUNK):
            chunk = chosen[start : start + incidents.CHUNK]
            session.execute(delete(table).where(table.c.id.in_(chunk)))
    session.flush()


@dataclass
class DeletedRecord:
    id: str
    date: str | None
    kinds: list[str]
    summary: str | None
    deleted_at: str
    deleted_by: str
    rev: int


def deleted(session: Session) -> list[DeletedRecord]:
    """Incidents whose last revision deleted them, newest deletion first."""
    last = (
        select(Revision.record_id, func.max(Revision.id).label("rev"))
        .where(Revision.record_type == "incident")
        .group_by(Revision.record_id)
        .subquery()
    )
    rows = (
        session.execute(
            select(Revision)
            .join(last, last.c.rev == Revision.id)
            .where(Revision.after.is_(None))
            .order_by(Revision.id.desc())
        )
        .scalars()
        .all()
    )
    return [
        DeletedRecord(
            r.record_id,
            r.before.get("date"),
            r.before.get("kinds") or [],
            r.before.get("summary"),
            stamp(r.at),
            r.who,
            r.id,
        )
        for r in rows
        if not r.before.get("merged_into")
    ]  # merged: not gone, part of another


# --- imports ------------------------------------------------------------------------------


@dataclass
class ImportRecord:
    id: int
    at: str
    who: str
    file: str | None
    mapping: str | None
    sha256: str | None
    added: object  # how many incidents (rows) or records (documents) it added
    incidents: int  # how many of them are still here
    undone: bool


def imports(session: Session) -> list[ImportRecord]:
    rows = (
        session.execute(
            select(Revision).where(Revision.record_type == "import").order_by(Revision.id)
        )
        .scalars()
        .all()
    )
    undone = {r.record_id for r in rows if r.after is None}
    counts = dict(
        session.execute(
            select(Incident.import_id, func.count())
            .where(Incident.import_id.is_not(None))
            .group_by(Incident.import_id)
        ).all()
    )
    return [
        ImportRecord(
            r.id,
            stamp(r.at),
            r.who,
            r.after.get("file"),
            r.after.get("mapping"),
            r.after.get("sha256"),
            r.after.get("added"),
            counts.get(r.id, 0),
            str(r.id) in undone,
        )
        for r in rows
        if r.after is not None
    ]


def unmatched(session: Session, text: str) -> list[IncidentRecord]:
    """The stored incidents an import of a complete snapshot did not find in it (as they
    are now: withdrawn, if it retired them), oldest first."""
    entry = _import_entry(session, text)
    if "unmatched" not in entry.after:
        raise InvalidValue(
            "id", text, "was not imported as a snapshot (import --snapshot, or its preset's)"
        )
    wanted = entry.after["unmatched"]
    rows = []
    for start in range(0, len(wanted), incidents.CHUNK):
        rows += (
            session.execute(
                select(Incident).where(
                    Incident.public_id.in_(wanted[start : start + incidents.CHUNK])
                )
            )
            .scalars()
            .all()
        )
    order = {public_id: n for n, public_id in enumerate(wanted)}
    return incidents.records(session, sorted(rows, key=lambda r: order[r.public_id]))


def import_contents(session: Session, text: str) -> dict[str, int]:
    """What undoing an import would remove, as `imports undo` asks and says it:
    {"incidents": n, "designations": n, "tallies": n, "cases": n}."""
    entry = _import_entry(session, text)
    of_import = select(Incident.id).where(Incident.import_id == entry.id)

    def count(query) -> int:
        return int(session.execute(select(func.count()).select_from(query.subquery())).scalar_one())

    return {
        "incidents": count(of_import),
        "designations": count(select(Designation.id).where(Designation.incident_id.in_(of_import))),
        "tallies": count(select(Tally.id).where(Tally.import_id == entry.id)),
        "cases": count(select(Case.id).where(Case.import_id == entry.id)),
    }


def _import_entry(session: Session, text: str) -> Revision:
    entry = history.get(session, text, "id")
    if entry.record_type != "import" or entry.after is None:
        raise InvalidValue("id", text, "is not an import (see `pressfree imports`)")
    return entry


def undo_import(session: Session, text: str, force: bool = False) -> ImportRecord:
    """Remove exactly what one import added: its incidents, tallies and cases. Refused when later
    commands changed any of them, unless forced."""
    entry = _import_entry(session, text)
    if session.execute(
        select(Revision.id).where(
            Revision.record_type == "import",
            Revision.record_id == str(entry.id),
            Revision.after.is_(None),
        )
    ).first():
        raise Conflict(f"id: import {entry.id} was undone already")
    summary = next(i for i in imports(session) if i.id == entry.id)
    ids = dict(
        session.execute(
            select(Incident.public_id, Incident.id).where(Incident.import_id == entry.id)
        ).all()
    )
    opened = set(
        session.execute(select(Case.public_id).where(Case.import_id == entry.id)).scalars()
    )
    # Changed since: revisions of its incidents and cases made after it (not those a
    # document brought with it, which are older), deletions included.
    later = (
        session.execute(
            select(Revision).where(
                Revision.record_type.in_(("incident", "case")),
                Revision.id > entry.id,
                Revision.change_id.not_in(_settled(session) | {entry.change_id}),
                Revision.at >= entry.at,
            )
        )
        .scalars()
        .all()
    )
    of_incidents = [r for r in later if r.record_type == "incident"]
    touched = sorted({r.record_id for r in of_incidents if r.record_id in ids})
    gone = sorted(
        {
            r.record_id
            for r in of_incidents
            if r.after is None
            and r.record_id not in ids
            and (r.before or {}).get("import") == entry.id
        }
    )
    cases_changed = sorted(
        {r.record_id for r in later if r.record_type == "case" and r.record_id in opened}
    )
    if (touched or gone or cases_changed) and not force:
        changed = touched + gone + cases_changed
        shown = ", ".join(t[:8] for t in changed[:5]) + (" ..." if len(changed) > 5 else "")
        what = "incidents and cases" if opened else "incidents"
        raise Conflict(
            f"id: import {entry.id}: {len(changed)} of its "
            f"{len(ids) + len(gone) + len(opened)} {what} were changed or deleted "
            f"since ({shown}); add --force to remove them anyway"
        )
    for public_id in touched:  # changed since: each removal is kept in the history
        delete_incident(session, public_id)
    _take_back_edits(session, entry, set(touched))
    remaining = [i for p, i in ids.items() if p not in touched]
    named = _named_by(session, remaining)
    work.deleting(session, remaining)  # the custody a document's incidents opened
    for start in range(0, len(remaining), incidents.CHUNK):
        chunk = remaining[start : start + incidents.CHUNK]
        session.execute(delete(Incident).where(Incident.id.in_(chunk)))
    session.execute(delete(Tally).where(Tally.import_id == entry.id))
    for public_id in cases_changed:  # changed since: each removal is kept in the history
        work.changed(session, "case", public_id, cases.get(session, public_id), None)
    # a verdict among them may have started or ended someone's custody
    work.custody_changed(
        session, session.execute(select(Case.person_id).where(Case.import_id == entry.id)).scalars()
    )
    session.execute(delete(Case).where(Case.import_id == entry.id))
    _remove_unused(session, named, entry.after.get("new_kinds") or [])
    if entry.after.get("sha256"):  # the file can be imported again
        session.execute(delete(ImportedFile).where(ImportedFile.sha256 == entry.after["sha256"]))
    session.flush()
    work.changed(session, "import", str(entry.id), entry.after, None)
    return summary


def undo_change(session: Session, text: str, force: bool = False) -> list[str]:
    """Take back one change to incidents (a bulk edit): each incident it edited is put back
    as it was before, a new revision each. Refused when a later command changed any of them,
    unless forced; a change that added or deleted incidents is taken back by `delete`,
    `restore` or `imports undo`."""
    rows = history.of_change(session, text)
    edits = [r for r in rows if r.record_type == "incident"]
    if not edits or any(r.before is None or r.after is None for r in edits):
        verb = rows[0].verb
        raise InvalidValue(
            "change",
            text,
            f"is not an edit of incidents (it is `{verb}`): `restore`, `delete` or "
            "`imports undo` takes back other changes",
        )
    ids = [r.record_id for r in edits]
    later = sorted(
        {
            r.record_id
            for r in session.execute(
                select(Revision).where(
                    Revision.record_type == "incident",
                    Revision.record_id.in_(ids),
                    Revision.id > edits[-1].id,
                )
            ).scalars()
        }
    )
    if later and not force:
        shown = ", ".join(t[:8] for t in later[:5]) + (" ..." if len(later) > 5 else "")
        raise Conflict(
            f"change: {len(later)} of its {len(ids)} incidents were changed since ({shown}); "
            "add --force to put them back as they were before it anyway"
        )
    for revision in edits:
        if (
            session.execute(
                select(Incident.id).where(Incident.public_id == revision.record_id)
            ).scalar()
            is None
        ):
            continue  # deleted since (only with --force): `restore` brings it back
        before = incidents.get(session, revision.record_id)
        with history.as_one(session):
            put_back(session, revision.record_id, revision.before, True)
        after = incidents.get(session, revision.record_id)
        if history.changes(plain(before), plain(after)):
            work.changed(session, "incident", revision.record_id, before, after)
    return ids


def delete_designation(session: Session, public_id: str) -> designations.DesignationRecord:
    """Delete a designation with its incident (the one records the other); the history
    keeps both, and `restore` brings both back."""
    row = designations.find(session, public_id)
    record = designations.records(session, [row])[0]
    delete_incident(session, session.get(Incident, row.incident_id).public_id)
    return record


def delete_incident(session: Session, public_id: str) -> IncidentRecord:
    """Delete an incident and what hangs on it (its designations, its custody periods, its
    links to cases: the cases stay). The history keeps all of it, releases and cases
    included, so that `restore` can bring it back."""
    incident = incidents.find(session, public_id)
    record = incidents.get(session, incident.public_id)
    kept = {
        **record.to_dict(),
        "releases": releases.releases_of(session, incident),
        "cases": cases.linked_ids(session, incident.id),
        **incidents.hidden(incident),
    }
    for designation in designations.of_incident(session, incident):
        work.changed(session, "designation", designation.id, designation, None)
    work.deleting(session, [incident.id])
    session.delete(incident)
    session.flush()
    work.changed(session, "incident", record.id, kept, None)
    return record
