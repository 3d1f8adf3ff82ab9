"""`pressfree check`: everything derived (search entries, custody periods, designation dates,
name keys) rebuilt in memory from the facts and compared with what is stored; the stored
cases' events held to the rules of a case. What a researcher runs after a crash or before
publishing; `--repair` writes the rebuilt state, as one revision."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlmodel import Session

from pressfree import case_rules, custody, evidence, identity, names, search, work
from pressfree.errors import InvalidValue
from pressfree.store.db import backend_for
from pressfree.store.models import (
    Attachment,
    Case,
    CustodyPeriod,
    CustodyRelease,
    Designation,
    Incident,
    IncidentJournalist,
    IncidentSearch,
    Outlet,
    OutletAlias,
    Person,
    PersonAlias,
    PlaceholderName,
)

CHUNK = 500
PERIOD_FIELDS = (
    "incident_id",
    "case_event_id",
    "start_first",
    "start_last",
    "start_precision",
    "country",
    "released_on",
    "outcome",
)


@dataclass(frozen=True)
class Difference:
    """One thing stored that is not what the facts say it should be."""

    area: str  # search, custody, designation, names, case, evidence
    record: str  # which record, as a reader names it
    problem: str
    repairable: bool = True
    key: int | None = None  # the row a repair rewrites (an incident's, a person's id)

    def line(self) -> str:
        return f"{self.area}: {self.record}: {self.problem}"


def differences(session: Session) -> list[Difference]:
    """Everything derived that differs from what the facts say, area by area."""
    found: list[Difference] = []
    found += _search(session)
    found += _custody(session)
    found += _designations(session)
    found += _name_keys(session)
    found += _cases(session)
    found += _evidence(session)
    return found


def repair(session: Session, found: list[Difference]) -> int:
    """Write what the facts say wherever `found` says it differs; one revision of the whole
    repair. Returns how many differences were repaired (a case's events are facts: they are
    reported, never changed)."""
    fixable = [d for d in found if d.repairable]
    if not fixable:
        return 0
    search.refresh(
        session, sorted(d.key for d in fixable if d.area == "search" and d.key is not None)
    )
    people = {d.key for d in fixable if d.area == "custody" and d.key is not None}
    custody.rebuild(session, people)
    for d in fixable:
        if d.area == "designation":
            row = session.execute(
                select(Designation).where(Designation.public_id == d.record)
            ).scalar_one()
            incident = session.get(Incident, row.incident_id)
            row.decided_first, row.decided_last = incident.first_day, incident.last_day
            row.decided_precision = incident.date_precision
    _repair_name_keys(session)
    session.flush()
    backend_for(session.get_bind().dialect.name).rebuild_search_index(session.connection())
    work.changed(
        session,
        "check",
        "repair",
        {"differences": [d.line() for d in fixable]},
        {"repaired": len(fixable)},
    )
    return len(fixable)


# --- each area ------------------------------------------------------------------------------


def _search(session: Session) -> list[Difference]:
    found: list[Difference] = []
    ids = list(session.execute(select(Incident.id).order_by(Incident.id)).scalars())
    public = dict(session.execute(select(Incident.id, Incident.public_id)).all())
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        wanted = search.expected(session, chunk)
        stored = {
            i: (w, s)
            for i, w, s in session.execute(
                select(
                    IncidentSearch.incident_id, IncidentSearch.words, IncidentSearch.sounds
                ).where(IncidentSearch.incident_id.in_(chunk))
            )
        }
        for incident_id in chunk:
            have, want = stored.get(incident_id), wanted[incident_id]
            if have is None:
                problem = "has no search entry"
            elif set(have[0].split()) != set(want[0].split()):
                missing = sorted(set(want[0].split()) - set(have[0].split()))
                extra = sorted(set(have[0].split()) - set(want[0].split()))
                problem = "search entry " + "; ".join(
                    part
                    for part in (
                        f"lacks {' '.join(missing[:5])}" if missing else "",
                        f"still holds {' '.join(extra[:5])}" if extra else "",
                    )
                    if part
                )
            elif set(have[1].split()) != set(want[1].split()):
                problem = "search entry has the sounds of other names"
            else:
                continue
            found.append(Difference("search", public[incident_id], problem, key=incident_id))
    backend = backend_for(session.get_bind().dialect.name)
    if problem := backend.search_index_problem(session.connection()):
        found.append(Difference("search", "full-text index", problem))
    return found


def _custody(session: Session) -> list[Difference]:
    people = sorted(
        set(session.execute(select(CustodyPeriod.person_id)).scalars())
        | set(session.execute(select(CustodyRelease.person_id)).scalars())
        | set(
            session.execute(
                select(IncidentJournalist.person_id).where(
                    custody.of_opening_kind(IncidentJournalist.incident_id)
                )
            ).scalars()
        )
        | set(session.execute(select(Case.person_id)).scalars())
    )
    names_ = dict(session.execute(select(Person.id, Person.name)).all())
    found = []
    for pid in people:
        wanted = sorted(_period_key(r) for r in custody.expected(session, pid))
        stored = sorted(
            _period_key(r._mapping)
            for r in session.execute(
                select(*(getattr(CustodyPeriod, f) for f in PERIOD_FIELDS)).where(
                    CustodyPeriod.person_id == pid,
                    or_(
                        CustodyPeriod.incident_id.is_not(None),
                        CustodyPeriod.case_event_id.is_not(None),
                    ),
                )
            )
        )
        if wanted != stored:
            found.append(
                Difference(
                    "custody",
                    f"{names_[pid]} #{pid}",
                    f"{len(stored)} period(s) stored, {len(wanted)} derived from the "
                    "detentions, sentences and releases"
                    + ("" if len(stored) != len(wanted) else " (dates or releases differ)"),
                    key=pid,
                )
            )
    return found


def _period_key(row: Mapping[str, object]) -> tuple[str, ...]:
    return tuple(str(row[f]) for f in PERIOD_FIELDS)


def _designations(session: Session) -> list[Difference]:
    found = []
    rows = session.execute(
        select(Designation, Incident).join(Incident, Incident.id == Designation.incident_id)
    ).all()
    for row, incident in rows:
        stored = (row.decided_first, row.decided_last, row.decided_precision)
        wanted = (incident.first_day, incident.last_day, incident.date_precision)
        if stored != wanted:
            found.append(
                Difference(
                    "designation",
                    row.public_id,
                    f"dated {stored[0]}..{stored[1]}, its incident {incident.public_id[:8]} "
                    f"{wanted[0]}..{wanted[1]}",
                )
            )
    return found


_KEYED = (
    (Person, "journalist"),
    (Outlet, "outlet"),
    (PersonAlias, "journalist alias"),
    (OutletAlias, "outlet alias"),
)


def _name_keys(session: Session) -> list[Difference]:
    found = []
    for model, noun in _KEYED:
        for name, name_key, sound_key in session.execute(
            select(model.name, model.name_key, model.sound_key)
        ):
            if (name_key, sound_key) != (names.name_key(name), names.sound_key(name)):
                found.append(Difference("names", f"{noun} {name!r}", "keys are not its name's"))
    for name, name_key in session.execute(select(PlaceholderName.name, PlaceholderName.name_key)):
        if name_key != names.fold(name):
            found.append(Difference("names", f"placeholder {name!r}", "key is not its name's"))
    return found


def _repair_name_keys(session: Session) -> None:
    for model, _ in _KEYED:
        for record_id, name, name_key, sound_key in session.execute(
            select(model.id, model.name, model.name_key, model.sound_key)
        ).all():
            wanted = (names.name_key(name), names.sound_key(name))
            if (name_key, sound_key) != wanted:
                session.execute(
                    update(model)
                    .where(model.id == record_id)
                    .values(name_key=wanted[0], sound_key=wanted[1])
                )
    for record_id, name, name_key in session.execute(
        select(PlaceholderName.id, PlaceholderName.name, PlaceholderName.name_key)
    ).all():
        if name_key != names.fold(name):
            session.execute(
                update(PlaceholderName)
                .where(PlaceholderName.id == record_id)
                .values(name_key=names.fold(name))
            )
            session.info.pop(identity.PLACEHOLDERS, None)


def _cases(session: Session) -> list[Difference]:
    found = []
    for row in session.execute(select(Case).order_by(Case.id)).scalars():
        try:
            case_rules.check(case_rules.steps_of(session, row))
        except InvalidValue as error:
            found.append(Difference("case", row.public_id, str(error), repairable=False))
    return found


def _evidence(session: Session) -> list[Difference]:
    """Every evidence file's bytes against their SHA-256 (a fact: reported, never
    repaired; the file must come again from where it came, or from a backup)."""
    found = []
    for sha256, problem in evidence.damaged(session):
        attached = [
            f"{public_id[:8]} #{number} {name}"
            for public_id, number, name in session.execute(
                select(Incident.public_id, Attachment.number, Attachment.name)
                .join(Incident, Incident.id == Attachment.incident_id)
                .where(Attachment.sha256 == sha256)
                .order_by(Incident.public_id, Attachment.number)
            )
        ]
        record = f"file {sha256[:12]}" + (f" ({', '.join(attached)})" if attached else "")
        found.append(Difference("evidence", record, problem, repairable=False))
    return found
