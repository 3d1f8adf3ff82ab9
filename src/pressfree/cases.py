"""Cases against journalists: charges, hearings, verdicts and sentences, as dated events;
what a case is on any day is derived from them (the rule is `state_on`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, select
from sqlmodel import Session

from pressfree import countries, dates, identity, sources, vocabulary, work
from pressfree.case_rules import (
    _steps,
    check,
    known_on,
    ordered,
    state_on,
)
from pressfree.errors import InvalidValue
from pressfree.public_ids import by_public_id, checked_public_id
from pressfree.schemas import SourceIn, clean_text, validated
from pressfree.store.models import (
    CASE_EVENTS,
    CASE_TYPES,
    SENTENCE_TYPES,
    VERDICTS,
    Case,
    CaseEvent,
    CaseIncident,
    Charge,
    ChargeCategory,
    Incident,
    IncidentJournalist,
    IncidentOutlet,
    LawArticle,
    Outlet,
    Person,
    Source,
)
from pressfree.store.ordering import code_points
from pressfree.vocabulary import SLUG

# What a case is on a day, in the words the Press Freedom Tracker uses for charges.
STATUSES = ("pending", "dropped", "convicted", "acquitted", "dismissed", "on appeal", "closed")
UNCLASSIFIED = "not-classified"
_SENTENCE = re.compile(r"^(?:(\d+)\s*y)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*d)?$")
MAX_YEARS = 100


def law_key(text: str) -> str:
    """The same article however it is typed: "Criminal Code, Article 342" is "criminal code
    art. 342" (case, dots, commas, "Article" and spacing ignored)."""
    folded = re.sub(r"[.,;:№#]", " ", text.casefold())
    folded = re.sub(r"\b(?:article|artikel|art|статья|ст|артыкул|арт)\b", "art", folded)
    return " ".join(folded.split())


@dataclass(frozen=True)
class Sentence:
    text: str  # as stored: "3y6m", "15d", "fine"
    months: int | None
    days: int | None


def parse_sentence(text: str, field_name: str = "--sentence") -> Sentence:
    """'3y', '6m', '15d', '2y6m', '2y 6m' or 'fine'."""
    value = " ".join((text or "").strip().lower().split())
    if value == "fine":
        return Sentence("fine", None, None)
    match = _SENTENCE.match(value)
    if not value or not match or not any(match.groups()):
        raise InvalidValue(
            field_name,
            text,
            "is not a sentence (give years, months and days as 3y, 6m, 15d, 2y6m, or fine)",
        )
    if any(g and len(g) > 6 for g in match.groups()):  # no sentence is a million days
        raise InvalidValue(field_name, text, f"is longer than {MAX_YEARS} years")
    years, months, days = (int(g) if g else 0 for g in match.groups())
    if years * 12 + months > MAX_YEARS * 12 or days > MAX_YEARS * 366:
        raise InvalidValue(field_name, text, f"is longer than {MAX_YEARS} years")
    if years * 12 + months + days == 0:
        raise InvalidValue(field_name, text, "is no time at all")
    shown = "".join(f"{n}{unit}" for n, unit in ((years, "y"), (months, "m"), (days, "d")) if n)
    return Sentence(shown, years * 12 + months, days)


def sentence_type(given: str | None, sentence: Sentence, case_type: str) -> str:
    """The kind of sentence: as given, else what the sentence and the case say (a fine is a
    fine; a term in an administrative case is an administrative arrest; else prison)."""
    if given:
        wanted = given.strip().lower()
        if wanted not in SENTENCE_TYPES:
            raise InvalidValue(
                "--sentence-type", given, f"is not a sentence type ({', '.join(SENTENCE_TYPES)})"
            )
        if (wanted == "fine") != (sentence.text == "fine"):
            raise InvalidValue(
                "--sentence-type", given, f"does not fit the sentence {sentence.text!r}"
            )
        return wanted
    if sentence.text == "fine":
        return "fine"
    if case_type == "administrative":  # an administrative court gives no prison term
        return "administrative-arrest"
    return "prison"


# --- records ------------------------------------------------------------------------------


@dataclass
class CaseRecord:
    id: str
    person: str
    outlet: str | None
    case_type: str
    opened: str
    authority: str | None
    country: str | None
    status: str
    charges: list[dict] = field(default_factory=list)
    sentence: str | None = None
    sentence_type: str | None = None
    place: str | None = None
    closed: str | None = None
    verdict_on: str | None = None  # the date of the verdict in force
    incidents: list[str] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)

    @property
    def charges_text(self) -> str:
        return charges_text(self.charges)


def charges_text(charges: list[dict]) -> str:
    """A case's charges in one line: "Criminal Code art. 342 (anti-state, dropped)"."""
    return (
        "; ".join(f"{c['law']} ({c['category']}, {c['status']})" for c in charges)
        or "no charge disclosed"
    )


def described(event: dict) -> str:
    """What an event says besides its date and name: "convicted; 3y (prison); BAJ"."""
    parts = [
        event.get("charge"),
        event.get("outcome"),
        f"{event['sentence']} ({event['sentence_type']})" if event.get("sentence") else None,
        event.get("place"),
        event.get("note"),
        " ".join(p for p in (event.get("publisher"), event.get("source")) if p) or None,
    ]
    return "; ".join(p for p in parts if p)


def records(session: Session, rows: list[Case], as_of: date | None = None) -> list[CaseRecord]:
    """Cases as plain data, with their state on a day: as they stood then (only the charges
    brought and the events known by then), or, without one, with everything recorded and
    their state today."""
    day = as_of or date.today()
    ids = [r.id for r in rows]
    people = dict(
        session.execute(
            select(Person.id, Person.name).where(Person.id.in_({r.person_id for r in rows}))
        ).all()
    )
    outlets = dict(
        session.execute(
            select(Outlet.id, Outlet.name).where(
                Outlet.id.in_({r.outlet_id for r in rows if r.outlet_id})
            )
        ).all()
    )
    categories = dict(session.execute(select(ChargeCategory.id, ChargeCategory.slug)).all())
    charges: dict[int, list[Charge]] = {}
    for c in session.execute(
        select(Charge).where(Charge.case_id.in_(ids)).order_by(Charge.id)
    ).scalars():
        charges.setdefault(c.case_id, []).append(c)
    events: dict[int, list[CaseEvent]] = {}
    for e in session.execute(
        select(CaseEvent)
        .where(CaseEvent.case_id.in_(ids))
        .order_by(CaseEvent.first_day, CaseEvent.id)
    ).scalars():
        events.setdefault(e.case_id, []).append(e)
    cited = {
        s.id: s
        for s in session.execute(
            select(Source).where(
                Source.id.in_({e.source_id for es in events.values() for e in es if e.source_id})
            )
        ).scalars()
    }
    linked: dict[int, list[str]] = {}
    for case_id, public_id in session.execute(
        select(CaseIncident.case_id, Incident.public_id)
        .join(Incident, Incident.id == CaseIncident.incident_id)
        .where(CaseIncident.case_id.in_(ids))
        .order_by(Incident.first_day, Incident.id)
    ):
        linked.setdefault(case_id, []).append(public_id)
    out = []
    for row in rows:
        mine = charges.get(row.id, [])
        laws = {c.id: c.law for c in mine}
        mine_events = events.get(row.id, [])
        steps = _steps(mine_events, {c.id: c for c in mine})
        state = state_on(steps, day)
        position = {s.order: n for n, s in enumerate(ordered(steps))}
        mine_events = sorted(mine_events, key=lambda e: position[e.id])  # as the rule reads
        if as_of is not None:  # as it stood that day
            known = {s.order for s in known_on(steps, day)}
            mine_events = [e for e in mine_events if e.id in known]
            mine = [c for c in mine if state and c.law_key in state.charges]
        verdict = next(
            (e for e in mine_events if state and state.verdict and e.id == state.verdict.order),
            None,
        )
        place = [e.place for e in mine_events if e.event == "transfer" and e.first_day <= day]
        out.append(
            CaseRecord(
                row.public_id,
                people[row.person_id],
                outlets.get(row.outlet_id),
                row.case_type,
                str(row.span),
                row.authority,
                row.country,
                state.status if state else "not yet opened",
                [
                    {
                        "law": c.law,
                        "category": categories[c.category_id],
                        "status": state.charges.get(c.law_key, "pending") if state else "not yet",
                    }
                    for c in mine
                ],
                verdict.sentence if verdict else None,
                verdict.sentence_type if verdict else None,
                place[-1] if place else None,
                state.closed.isoformat() if state and state.closed else None,
                state.verdict.when if state and state.verdict else None,
                linked.get(row.id, []),
                [_event_dict(e, laws, cited) for e in mine_events],
            )
        )
    return out


def _event_dict(e: CaseEvent, laws: dict, sources: dict) -> dict:
    source = sources.get(e.source_id)
    out = {
        "event": e.event,
        "date": str(e.span),
    }
    for key, value in (
        ("charge", laws.get(e.charge_id)),
        ("outcome", e.outcome),
        ("sentence", e.sentence),
        ("sentence_type", e.sentence_type),
        ("place", e.place),
        ("note", e.note),
        ("source", source.url if source else None),
        ("publisher", source.publisher if source else None),
    ):
        if value is not None:
            out[key] = value
    return out


def find(session: Session, text: str) -> Case:
    return by_public_id(session, Case, text, "a case")


def every_case(session: Session) -> list[CaseRecord]:
    """Every case with everything recorded (an export's)."""
    return records(
        session,
        session.execute(select(Case).order_by(Case.opened_first.desc(), Case.id)).scalars().all(),
    )


def get(session: Session, text: str, as_of: str | None = None) -> CaseRecord:
    day = dates.parse_day(as_of, "--as-of") if as_of else None
    return records(session, [find(session, text)], day)[0]


# What --status may also say: "open" is pending or on appeal.
STATUS_GROUPS = {"open": ("pending", "on appeal")}


def list_cases(
    session: Session,
    *,
    statuses: list[str] | None = None,
    country: str | None = None,
    as_of: str | None = None,
    person: str | None = None,
) -> list[CaseRecord]:
    """Cases opened by the day (today without one), each as it stood then, newest first;
    with statuses, those of any of them ("closed": any closed case, whatever its verdict;
    "open": pending or on appeal)."""
    day = dates.parse_day(as_of, "--as-of") if as_of else date.today()
    wanted: set[str] = set()
    for given in statuses or []:
        status = given.strip().lower()
        if status not in STATUSES and status not in STATUS_GROUPS:
            raise InvalidValue(
                "--status", given, f"is not a status ({', '.join((*STATUSES, *STATUS_GROUPS))})"
            )
        wanted.update(STATUS_GROUPS.get(status, (status,)))
    query = select(Case).where(Case.opened_first <= day)
    if country:
        query = query.where(Case.country == countries.normalise(country, "--country"))
    if person:
        query = query.where(
            Case.person_id == identity.existing(session, "person", person, "journalist")
        )
    rows = session.execute(query.order_by(Case.opened_first.desc(), Case.id)).scalars().all()
    found = records(session, rows, day if as_of else None)
    return [
        r
        for r in found
        if not wanted or r.status in wanted or ("closed" in wanted and r.closed is not None)
    ]


def of_incident(session: Session, incident: Incident) -> list[CaseRecord]:
    rows = (
        session.execute(
            select(Case)
            .join(CaseIncident, CaseIncident.case_id == Case.id)
            .where(CaseIncident.incident_id == incident.id)
            .order_by(Case.opened_first, Case.id)
        )
        .scalars()
        .all()
    )
    return records(session, rows)


# --- writing ------------------------------------------------------------------------------


def _charge(session: Session, text: str) -> tuple[str, str, int]:
    """(law, law key, category id) of a charge as given: "Criminal Code art. 342", its
    category known from the articles, or given after "=" ("... art. 342=anti-state")."""
    given = clean_text(text, "--charge") or ""
    law, category = given, None
    if "=" in given:
        law, _, category = (part.strip() for part in given.rpartition("="))
        if not SLUG.match(category.lower()):
            raise InvalidValue(
                "--charge",
                text,
                'has no category after "=" (give one as "Criminal Code art. 342=anti-state")',
            )
        category = category.lower()
    if not law:
        raise InvalidValue("--charge", text, "names no law")
    if "=" in law:
        raise InvalidValue(
            "--charge", text, 'holds "=" twice: give the law, then one "=" and its category'
        )
    key = law_key(law)
    if not key:
        raise InvalidValue("--charge", text, "names no law")
    if category is not None:
        known = vocabulary.slugs(session, "category")
        if category not in known:
            raise InvalidValue(
                "--charge",
                text,
                f"has an unknown category (known: "
                f"{', '.join(known)}; add one with "
                "`pressfree charges categories add`)",
            )
        return law, key, vocabulary.ids_for(session, [category], "category")[category]
    known = session.execute(
        select(LawArticle.category_id).where(LawArticle.law_key == key)
    ).scalar()
    if known is None:
        known = vocabulary.ids_for(session, [UNCLASSIFIED], "category")[UNCLASSIFIED]
    return law, key, known


def _source(session: Session, url: str | None, publisher: str | None) -> int | None:
    if not (url or publisher):
        return None
    return sources.source_id(session, validated(SourceIn, url=url, publisher=publisher))


def _incidents(session: Session, row: Case, given: list[str]) -> list[Incident]:
    """Incidents a case belongs to: each must name its journalist (or its outlet)."""

    found = []
    for text in given:
        incident = by_public_id(session, Incident, text, "an incident", "--incident")
        named = session.execute(
            select(IncidentJournalist.person_id).where(
                IncidentJournalist.incident_id == incident.id,
                IncidentJournalist.person_id == row.person_id,
            )
        ).first()
        if named is None and row.outlet_id is not None:
            named = session.execute(
                select(IncidentOutlet.outlet_id).where(
                    IncidentOutlet.incident_id == incident.id,
                    IncidentOutlet.outlet_id == row.outlet_id,
                )
            ).first()
        if named is None:
            raise InvalidValue(
                "--incident", text, "names neither the journalist nor the outlet of this case"
            )
        found.append(incident)
    return found


def _country_of(session: Session, person_id: int, by: date) -> str | None:
    """Where a journalist's latest incident up to a day took place (else any of theirs):
    the country of a case nobody gave one."""
    named = (
        select(Incident.country)
        .join(IncidentJournalist, IncidentJournalist.incident_id == Incident.id)
        .where(IncidentJournalist.person_id == person_id, Incident.country.is_not(None))
    )
    return (
        session.execute(
            named.where(Incident.first_day <= by)
            .order_by(Incident.first_day.desc(), Incident.id.desc())
            .limit(1)
        ).scalar()
        or session.execute(named.order_by(Incident.first_day, Incident.id).limit(1)).scalar()
    )


def _person(session: Session, person: str, incidents: list[str]) -> int:
    if identity.is_placeholder(session, person or ""):
        if not incidents:
            raise InvalidValue(
                "person",
                person,
                "names nobody in particular: give --incident, an incident that names them",
            )
        return identity.named_by(session, person, incidents[0])
    return identity.existing(session, "person", person, "person")


def open_case(
    session: Session,
    person: str,
    *,
    case_type: str,
    on: str,
    charges: list[str] = (),
    incidents: list[str] = (),
    by: str | None = None,
    outlet: str | None = None,
    country: str | None = None,
    source: str | None = None,
    publisher: str | None = None,
    public_id: str | None = None,
    person_id: int | None = None,
    import_id: int | None = None,
) -> CaseRecord:
    """Open a case against a journalist already recorded (by name, or by `person_id`), with
    the charges brought then."""
    kind = (case_type or "").strip().lower()
    if kind not in CASE_TYPES:
        raise InvalidValue("--type", case_type, f"is not a case type ({', '.join(CASE_TYPES)})")
    when = dates.parse(on, "--date")
    if person_id is None:
        person_id = _person(session, person, list(incidents))
    row = Case(
        person_id=person_id,
        case_type=kind,
        import_id=import_id,
        opened_first=when.first,
        opened_last=when.last,
        opened_precision=when.precision,
        authority=clean_text(by, "--by") or None,
        country=countries.normalise(country, "--country"),
    )
    if outlet and outlet.strip():
        row.outlet_id = identity.outlet_id(session, outlet.strip(), field="--outlet")
    if public_id:
        row.public_id = checked_public_id(public_id)
    linked = _incidents(session, row, list(incidents))
    if row.country is None:
        row.country = next((i.country for i in linked if i.country), None) or _country_of(
            session, row.person_id, when.last
        )
    session.add(row)
    session.flush()
    for incident in linked:
        if session.get(CaseIncident, (row.id, incident.id)) is None:
            session.add(CaseIncident(case_id=row.id, incident_id=incident.id))
    source_id = _source(session, source, publisher)
    _add_events(
        session,
        row,
        [CaseEvent(case_id=row.id, event="opened", source_id=source_id, **_dated(when))],
    )
    for text in charges:
        _add_events(
            session, row, [_charge_event(session, row, "charge-added", text, when, source_id)]
        )
    record = records(session, [row])[0]
    work.changed(session, "case", record.id, None, record)
    return record


def _dated(when: dates.PartialDate) -> dict:
    return {"first_day": when.first, "last_day": when.last, "date_precision": when.precision}


def _charge_event(
    session: Session,
    row: Case,
    event: str,
    text: str,
    when: dates.PartialDate,
    source_id: int | None,
) -> CaseEvent:
    law, key, category = _charge(session, text)
    charge = (
        session.execute(select(Charge).where(Charge.case_id == row.id, Charge.law_key == key))
        .scalars()
        .first()
    )
    if charge is None:
        if event == "charge-dropped":
            raise InvalidValue("--charge", law, "was never brought in this case")
        charge = Charge(case_id=row.id, law=law, law_key=key, category_id=category)
        session.add(charge)
        session.flush()
    return CaseEvent(
        case_id=row.id, event=event, charge_id=charge.id, source_id=source_id, **_dated(when)
    )


def _add_events(session: Session, row: Case, new: list[CaseEvent]) -> None:
    """Add events to a case if the case, with them, is still one a case can be."""
    for event in new:
        if event.last_day < row.opened_first:
            opened = row.span
            raise InvalidValue(
                "--date",
                str(event.span),
                f"is before the case was opened ({opened})",
            )
    stored = (
        session.execute(select(CaseEvent).where(CaseEvent.case_id == row.id).order_by(CaseEvent.id))
        .scalars()
        .all()
    )
    charges = {
        c.id: c for c in session.execute(select(Charge).where(Charge.case_id == row.id)).scalars()
    }
    steps = _steps([*stored, *new], charges)
    try:
        check(steps)
    except InvalidValue as error:
        if error.value in {s.when for s in steps[len(stored) :]} | {s.law for s in steps}:
            raise
        # the check stopped at an event already recorded: name the one given instead
        added = steps[len(stored)]
        raise InvalidValue(
            "--date",
            added.when,
            f"would put the case out of order: then {error.value} {error.reason}",
        ) from None
    for event in new:
        session.add(event)
    session.flush()


def add_event(
    session: Session,
    case_text: str,
    event: str,
    on: str,
    *,
    charge: str | None = None,
    outcome: str | None = None,
    sentence: str | None = None,
    sentence_kind: str | None = None,
    place: str | None = None,
    note: str | None = None,
    source: str | None = None,
    publisher: str | None = None,
) -> CaseRecord:
    """Record a step of a case: a charge added or dropped, a hearing, a verdict, an appeal,
    a transfer to a place of detention, the case closed."""
    if event not in CASE_EVENTS or event == "opened":
        raise InvalidValue(
            "event", event, f"is not an event a case can record ({', '.join(CASE_EVENTS[1:])})"
        )
    row = find(session, case_text)
    # On a server, two commands adding events to one case at once would each check the
    # case without the other's event: the case's row is locked, so they take turns.
    session.execute(select(Case.id).where(Case.id == row.id).with_for_update())
    when = dates.parse(on, "--date")
    before = records(session, [row])[0]
    source_id = _source(session, source, publisher)
    if event in ("charge-added", "charge-dropped"):
        new = _charge_event(session, row, event, charge or "", when, source_id)
    else:
        new = CaseEvent(
            case_id=row.id,
            event=event,
            source_id=source_id,
            note=clean_text(note, "--note") or None,
            **_dated(when),
        )
    if event == "verdict":
        new.outcome = (outcome or "").strip().lower()
        if new.outcome not in VERDICTS:
            raise InvalidValue("--outcome", outcome, f"is not a verdict ({', '.join(VERDICTS)})")
        if sentence_kind and not sentence:
            raise InvalidValue("--sentence-type", sentence_kind, "needs a --sentence")
        if sentence is not None and not sentence.strip():
            raise InvalidValue("--sentence", sentence, "is empty")
        if sentence:
            if new.outcome != "convicted":
                raise InvalidValue(
                    "--sentence", sentence, f"does not fit a verdict of {new.outcome}"
                )
            given = parse_sentence(sentence)
            new.sentence, new.sentence_months, new.sentence_days = (
                given.text,
                given.months,
                given.days,
            )
            new.sentence_type = sentence_type(sentence_kind, given, row.case_type)
    if event == "transfer":
        new.place = clean_text(place, "--to") or None
        if new.place is None:
            raise InvalidValue("--to", place, "is empty: name the place of detention")
    _add_events(session, row, [new])
    record = records(session, [row])[0]
    work.changed(session, "case", record.id, before, record)
    return record


def link_incident(session: Session, case_text: str, incident: str) -> CaseRecord:
    row = find(session, case_text)
    before = records(session, [row])[0]
    for found in _incidents(session, row, [incident]):
        if session.get(CaseIncident, (row.id, found.id)) is None:
            session.add(CaseIncident(case_id=row.id, incident_id=found.id))
    session.flush()
    record = records(session, [row])[0]
    work.changed(session, "case", record.id, before, record)
    return record


# --- charges and their categories ---------------------------------------------------------


@dataclass
class ArticleRecord:
    law: str
    category: str
    name: str | None
    builtin: bool
    charges: int


def articles(session: Session) -> list[ArticleRecord]:
    categories = dict(session.execute(select(ChargeCategory.id, ChargeCategory.slug)).all())
    counts: dict[str, int] = {}
    for key in session.execute(select(Charge.law_key)).scalars():
        counts[key] = counts.get(key, 0) + 1
    return [
        ArticleRecord(a.law, categories[a.category_id], a.name, a.builtin, counts.get(a.law_key, 0))
        for a in session.execute(select(LawArticle).order_by(code_points(LawArticle.law))).scalars()
    ]


def add_article(
    session: Session, law: str, category: str, name: str | None = None
) -> ArticleRecord:
    """Make an article known, so charges under it are categorised (those recorded from now
    on: charges already recorded keep their category)."""
    text = clean_text(law, "law") or ""
    if not text:
        raise InvalidValue("law", law, "is empty")
    if "=" in text:
        raise InvalidValue("law", law, 'holds "=": give the category with --category')
    key = law_key(text)
    if not key:
        raise InvalidValue("law", law, "names no law")
    if session.execute(select(LawArticle.law).where(LawArticle.law_key == key)).first():
        raise InvalidValue("law", law, "is already known")
    category_id = vocabulary.ids_for(session, [category], "category", "--category")[
        category.strip().lower()
    ]
    session.add(
        LawArticle(
            law=text, law_key=key, category_id=category_id, name=clean_text(name, "--name") or None
        )
    )
    session.flush()
    record = ArticleRecord(
        text, category.strip().lower(), clean_text(name, "--name") or None, False, 0
    )
    work.changed(session, "article", text, None, record)
    return record


# --- in a period (the summary) ------------------------------------------------------------


def _appeal_rulings(session: Session, case_ids: set[int]) -> set[int]:
    """The verdicts (by event id) that rule on an appeal: those after an appeal."""
    events = (
        session.execute(
            select(CaseEvent)
            .where(CaseEvent.case_id.in_(case_ids), CaseEvent.event.in_(("verdict", "appeal")))
            .order_by(CaseEvent.id)
        )
        .scalars()
        .all()
    )
    out: set[int] = set()
    for case_id in case_ids:
        appealed = False
        for step in ordered(_steps([e for e in events if e.case_id == case_id], {})):
            appealed = appealed or step.event == "appeal"
            if step.event == "verdict" and appealed:
                out.add(step.order)
    return out


def in_period(session: Session, period: dates.PartialDate, country: str | None) -> dict:
    """Charges brought and sentences handed down in a period, counted as incidents are: an
    event counts when its whole date lies inside the period. A verdict on an appeal is
    counted apart (appeal_rulings), so a sentence upheld is not handed down twice."""
    inside = (CaseEvent.first_day >= period.first, CaseEvent.last_day <= period.last)
    where = (*inside, Case.country == country) if country else inside
    brought: dict[str, int] = {}
    names = dict(session.execute(select(ChargeCategory.slug, ChargeCategory.name)).all())
    for slug in session.execute(
        select(ChargeCategory.slug)
        .select_from(CaseEvent)
        .join(Case, Case.id == CaseEvent.case_id)
        .join(Charge, Charge.id == CaseEvent.charge_id)
        .join(ChargeCategory, ChargeCategory.id == Charge.category_id)
        .where(CaseEvent.event == "charge-added", *where)
    ).scalars():
        brought[slug] = brought.get(slug, 0) + 1
    found = session.execute(
        select(CaseEvent, Case.public_id, Person.name)
        .join(Case, Case.id == CaseEvent.case_id)
        .join(Person, Person.id == Case.person_id)
        .where(CaseEvent.event == "verdict", *where)
        .order_by(CaseEvent.first_day, CaseEvent.id)
    ).all()
    rulings = _appeal_rulings(session, {e.case_id for e, _, _ in found})
    verdicts = [(e, case_id, name) for e, case_id, name in found if e.id not in rulings]
    sentenced = [(e, case_id, name) for e, case_id, name in verdicts if e.sentence]
    by_type: dict[str, int] = {}
    for e, _, _ in sentenced:
        by_type[e.sentence_type] = by_type.get(e.sentence_type, 0) + 1
    prison = sum(
        (e.sentence_months or 0) / 12 + (e.sentence_days or 0) / 365.25
        for e, _, _ in sentenced
        if e.sentence_type == "prison"
    )
    return {
        "charges_brought": [
            {"category": slug, "name": names[slug], "count": n}
            for slug, n in sorted(brought.items(), key=lambda i: (-i[1], i[0]))
        ],
        "verdicts": {
            outcome: sum(1 for e, _, _ in verdicts if e.outcome == outcome) for outcome in VERDICTS
        },
        "appeal_rulings": len(found) - len(verdicts),
        "sentences_by_type": dict(sorted(by_type.items())),
        "prison_years": round(prison, 1),
        "sentences": [
            {
                "person": name,
                "sentence": e.sentence,
                "sentence_type": e.sentence_type,
                "date": str(e.span),
                "case": case_id,
            }
            for e, case_id, name in sentenced
        ],
    }


# --- links that follow incidents (delete and restore, merge and its undo) ------------------


def linked_ids(session: Session, incident_id: int) -> list[str]:
    """The public ids of the cases an incident belongs to."""
    return list(
        session.execute(
            select(Case.public_id)
            .join(CaseIncident, CaseIncident.case_id == Case.id)
            .where(CaseIncident.incident_id == incident_id)
            .order_by(Case.public_id)
        ).scalars()
    )


def relink(session: Session, incident_id: int, public_ids: list[str]) -> None:
    """Link an incident to these cases again (those that still exist)."""
    for case_id in session.execute(
        select(Case.id).where(Case.public_id.in_(public_ids or []))
    ).scalars():
        if session.get(CaseIncident, (case_id, incident_id)) is None:
            session.add(CaseIncident(case_id=case_id, incident_id=incident_id))
    session.flush()


def unlink(session: Session, incident_id: int, public_ids: list[str]) -> None:
    ids = select(Case.id).where(Case.public_id.in_(public_ids or []))
    session.execute(
        delete(CaseIncident).where(
            CaseIncident.incident_id == incident_id, CaseIncident.case_id.in_(ids)
        )
    )


def move_links(session: Session, from_id: int, to_id: int) -> None:
    """An incident merged into another: its cases belong to the one kept."""
    relink(session, to_id, linked_ids(session, from_id))
    session.execute(delete(CaseIncident).where(CaseIncident.incident_id == from_id))
