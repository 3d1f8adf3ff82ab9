"""pressfree's own JSON format: a whole database (or a filtered part) out, and back in."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select, update
from sqlmodel import Session

from pressfree import (
    cases,
    custody,
    designations,
    evidence,
    identity,
    incidents,
    merging,
    own_fields,
    publication,
    releases,
    settings,
    tallies,
    vocabulary,
    work,
)
from pressfree.errors import InvalidValue, PressfreeError, UsageError
from pressfree.exchange import readers
from pressfree.exchange.document_incidents import Loading, listed
from pressfree.people import restricted_names
from pressfree.public_ids import checked_public_id
from pressfree.schemas import clean_text
from pressfree.store.db import one_of
from pressfree.store.models import CustodyPeriod, Incident, Outlet, Person, Tally
from pressfree.store.ordering import by_name

FORMAT, VERSION = "pressfree", 1
SECTIONS = (
    "settings",
    "kinds",
    "labels",
    "categories",
    "articles",
    "placeholders",
    "people",
    "outlets",
    "incidents",
    "tallies",
    "custody",
    "designations",
    "cases",
    "merged",
    "history",
    "files",
)


def _people_and_outlets(
    session: Session, names: set[str] | None, outlet_names: set[str] | None
) -> tuple[list[dict], list[dict]]:
    """People and outlets: all of them, or only those a filtered export mentions."""
    outlets = session.execute(select(Outlet).order_by(*by_name(Outlet))).scalars().all()
    by_id = {o.id: o.name for o in outlets}
    # unnamed people (placeholder names) are only what each incident says of them
    people = (
        session.execute(
            select(Person).where(Person.placeholder.is_(False)).order_by(*by_name(Person))
        )
        .scalars()
        .all()
    )
    aliases = identity.all_aliases(session)

    def also(target: str, record_id: int) -> dict:
        return {"aliases": aliases[target][record_id]} if record_id in aliases[target] else {}

    return (
        [
            {
                "name": p.name,
                "outlet": by_id.get(p.outlet_id),
                "at_risk": p.at_risk,
                "pseudonym": p.pseudonym,
                **({"restricted": True} if p.restricted else {}),
                **also("person", p.id),
            }
            for p in people
            if names is None or p.name in names
        ],
        [
            {"name": o.name, "type": o.type, **also("outlet", o.id)}
            for o in outlets
            if outlet_names is None or o.name in outlet_names
        ],
    )


def write_document(
    session: Session,
    out: IO[str],
    filters: incidents.IncidentFilter,
    redact=None,
    with_history: bool = False,
    with_files: bool = False,
) -> int:
    """Write the JSON document, streaming incidents; returns how many were written. With
    `with_files`, it carries the bytes of their evidence files too (base64), as a copy does.

    A filtered export carries only what belongs to the incidents it holds: their people and
    outlets, their custody periods and designations, and the tallies of the same period and
    country. So it can be imported on its own, and it shares nothing it was not asked for.
    """
    redacting = redact is not None
    if redacting and with_history:
        raise UsageError("--history cannot go with --redact: old values hold the names it hides")
    redact = redact or (lambda value: value)
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "settings": [
            {"name": publication.COUNTED, "value": list(publication.counted(session))},
            *(
                [{"name": own_fields.SETTING, "value": defined}]
                if (defined := own_fields.defined(session))
                else []
            ),
        ],
        "kinds": [
            {"slug": t.slug, "label": t.label, **_term_names(t)} for t in vocabulary.terms(session)
        ],
        "labels": [
            {"slug": t.slug, "name": t.label, **_term_names(t)}
            for t in vocabulary.terms(session, "label")
        ],
        "categories": [
            {"slug": t.slug, "name": t.label} for t in vocabulary.terms(session, "category")
        ],
        "articles": [
            {"law": a.law, "category": a.category, "name": a.name} for a in cases.articles(session)
        ],
        "placeholders": [{"name": p["name"]} for p in identity.placeholders(session)],
    }
    out.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "incidents": [')
    narrowed = filters.narrowed()
    ids: set[str] = set()
    names: set[str] = set()
    outlet_names: set[str] = set()
    count = 0
    attached: list[str] = []
    for record in incidents.iter_incidents(session, filters):
        attached.extend(a["sha256"] for a in record.attachments)
        if narrowed:
            ids.add(record.id)
            names.update(record.journalists)
            outlet_names.update(record.outlets)
        data = record.to_dict()
        if not record.opens_custody:
            data["opens_custody"] = False
        data = redact(data)
        out.write(("\n  " if count == 0 else ",\n  ") + json.dumps(data, ensure_ascii=False))
        count += 1
    custody = [asdict(c) for c in releases.custody_history(session)]
    made = [asdict(d) for d in designations.list_designations(session)]
    opened = [asdict(c) for c in cases.every_case(session)]
    reported = tallies.list_tallies(
        session, period=filters.period, country=filters.country, publisher=filters.publisher
    )
    if narrowed:
        custody = [c for c in custody if c["incident"] in ids]
        made = [d for d in made if d["incident"] in ids]
        # the cases of the incidents it holds and of the people they name (an unnamed
        # person is only the one their incident names), linked only to what it holds
        wanted = identity.stored_name(session, filters.journalist) if filters.journalist else None
        placeholders = identity.placeholder_keys(session)
        opened = [
            dict(c, incidents=[i for i in c["incidents"] if i in ids])
            for c in opened
            if set(c["incidents"]) & ids
            or (
                c["person"] in names | {wanted}
                and not identity.is_placeholder(session, c["person"], placeholders)
            )
        ]
        # figures are about a period, a country, a kind and a publisher: a filter on
        # anything else (a journalist, a status, a tag, when changed, a limit) selects none
        about_figures = not (
            filters.journalist
            or filters.outlet
            or filters.status
            or filters.tag
            or filters.search is not None
            or filters.updated_since
            or filters.updated_before
            or filters.limit is not None
        )
        reported = [
            t
            for t in reported
            if about_figures and (not filters.kinds or t.metric in filters.kinds)
        ]
        names.update(c["person"] for c in custody)
        names.update(d["target"] for d in made if d["target_type"] == "person")
        names.update(c["person"] for c in opened)
        outlet_names.update(c["outlet"] for c in opened if c["outlet"])
        outlet_names.update(d["target"] for d in made if d["target_type"] != "person")
    people, outlets = _people_and_outlets(
        session, names if narrowed else None, outlet_names if narrowed else None
    )
    if filters.public:
        # restricted journalists are in nothing to be published, nor is anything that only
        # a restricted incident tells: its id, custody it opened, who and what it names
        ids_hidden, only_people, only_outlets = publication.unpublished(session)
        custody = [c for c in custody if c["incident"] not in ids_hidden]
        made = [d for d in made if d["incident"] not in ids_hidden]
        opened = [dict(c, incidents=[i for i in c["incidents"] if i not in ids_hidden])
                  for c in opened]  # fmt: skip
        still = (
            {c["person"] for c in custody}
            | {c["person"] for c in opened}
            | {c["outlet"] for c in opened if c["outlet"]}
            | {d["target"] for d in made}
        )
        hidden = restricted_names(session) | (only_people - still)
        people = [p for p in people if p["name"] not in hidden]
        outlets = [o for o in outlets if o["name"] not in only_outlets - still]
        custody = [c for c in custody if c["person"] not in hidden]
        made = [d for d in made if not (d["target_type"] == "person" and d["target"] in hidden)]
        opened = [c for c in opened if c["person"] not in hidden]
    if redacting:
        # the name becomes the pseudonym: a second copy of it would clash on re-import; the
        # other spellings of an at-risk name go (even their number tells something)
        people = [
            {
                k: v
                for k, v in dict(p, pseudonym=None).items()
                if not (k == "aliases" and p["at_risk"])
            }
            for p in people
        ]
    tail = {
        "people": people,
        "outlets": outlets,
        "tallies": [asdict(t) for t in reported],
        "custody": custody,
        "designations": made,
        "cases": opened,
        "merged": merging.merged_ids(session, ids if narrowed else None),
    }
    if with_history:
        from pressfree import history

        tail["history"] = history.everything(
            session,
            ids | {t.id for t in reported} | {d["id"] for d in made} | {c["id"] for c in opened}
            if narrowed
            else None,
        )
    text = json.dumps(redact(tail), ensure_ascii=False, indent=1)[2:]
    if not (with_files and attached):
        out.write("\n ],\n" + text + "\n")
        return count
    if redacting:
        raise UsageError("--with-files cannot go with --redact: a file's bytes are not redacted")
    out.write("\n ],\n" + text[: -len("\n}")] + ',\n "files": [')
    for number, (sha256, content) in enumerate(evidence.files_of(session, attached)):
        carried = {"sha256": sha256, "content": base64.b64encode(content).decode("ascii")}
        out.write(("\n  " if number == 0 else ",\n  ") + json.dumps(carried))
    out.write("\n ]\n}\n")
    return count


def _outlets(session: Session, loading: Loading, outlets: list[dict[str, Any]]) -> None:
    """A document's outlets: found, or made with their type, and their aliases kept."""
    listed = []
    for index, outlet in enumerate(outlets):
        with _entry("outlets", index):
            _texts(outlet, ("name", "type"))
            name = identity.cleaned(outlet["name"])
            listed.append((index, outlet, name, identity.outlet_type(outlet.get("type", "outlet"))))
    stored = identity.find_all(session, "outlet", [name for _, _, name, _ in listed])
    ids = loading.names.ids("outlet", [name for _, _, name, _ in listed])  # made as "outlet"
    made: dict[str, list[int]] = {}
    for _, _, name, type_ in listed:
        if name not in stored and type_ != "outlet":
            made.setdefault(type_, []).append(ids[name])
    for type_, of_type in made.items():
        session.execute(
            update(Outlet).where(one_of(session, Outlet.id, of_type)).values(type=type_)
        )
    for index, outlet, name, _ in listed:
        with _entry("outlets", index):
            identity.keep_aliases(session, "outlet", ids[name], outlet.get("aliases") or [])


def read_document(path: Path) -> dict[str, Any]:
    try:
        with readers.open_text(path) as handle:
            return read_from(handle, str(path))
    except UnicodeDecodeError:
        raise InvalidValue("file", str(path), "is not UTF-8 text") from None


def read_from(handle: IO[str], name: str) -> dict[str, Any]:
    """A pressfree document from an open file, checked section by section."""
    from pressfree.exchange.readers import load_json

    try:
        document = load_json(handle, "file", name)
    except json.JSONDecodeError as error:
        raise InvalidValue(
            "file",
            name,
            f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})",
        ) from None
    if not is_document(document):
        raise InvalidValue("file", name, 'is not a pressfree export (no "format": "pressfree")')
    version = document.get("version", VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InvalidValue("version", version, "must be a whole number from 1")
    if version > VERSION:
        raise InvalidValue(
            "version", version, f"is newer than this pressfree reads ({VERSION}): upgrade pressfree"
        )
    for section in SECTIONS:
        rows = document.get(section, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise InvalidValue(section, str(rows)[:60], "must be a list of JSON objects")
    return document


def holds_document(path: Path) -> bool:
    """Whether a .json file is a pressfree export (else it is an array of rows)."""
    try:
        with readers.open_text(path) as handle:
            start = handle.read(4096)
    except UnicodeDecodeError:
        return True  # let read_document say what is wrong
    return not start.lstrip().startswith("[")


def is_document(document: Any) -> bool:
    return isinstance(document, dict) and document.get("format") == FORMAT


@contextmanager
def _entry(section: str, index: int) -> Iterator[None]:
    """Any problem with one entry of the document, named by section and position."""
    where = f"{section}[{index}]"
    try:
        yield
    except PressfreeError as error:
        raise error.at(where) from None
    except KeyError as error:
        raise InvalidValue(where, "", f"lacks the field {error.args[0]!r}") from None
    except (TypeError, AttributeError, ValueError) as error:
        raise InvalidValue(where, "", f"has a value of the wrong kind ({error})") from None


def _new(session: Session, model, section: str, rows: list[dict], counts: dict) -> Iterator:
    """(index, entry) for the entries whose ids the database does not hold yet."""
    seen: set[str] = set()
    for index, item in enumerate(rows):
        if item.get("id") is not None:
            with _entry(section, index):
                item["id"] = checked_public_id(item["id"])
                if item["id"] in seen:
                    raise InvalidValue("id", item["id"], "appears twice in the document")
                seen.add(item["id"])
    existing = _existing(session, model, [item.get("id") for item in rows])
    for index, item in enumerate(rows):
        if item.get("id") in existing:
            counts["skipped"] += 1
        else:
            yield index, item


def _carried(document: dict[str, Any]) -> dict[str, Callable[[], bytes]]:
    """The evidence files a document carries (a copy's), each checked against its hash; an
    attachment takes one when its incident is added (a file no new attachment names is
    not kept)."""
    carried: dict[str, Callable[[], bytes]] = {}
    for index, item in enumerate(document.get("files", [])):
        with _entry("files", index):
            given = item.get("content")
            try:
                content = base64.b64decode(given if isinstance(given, str) else "", validate=True)
            except binascii.Error:
                raise InvalidValue("content", str(given)[:20], "is not base64") from None
            carried[evidence.checked_file(item.get("sha256"), content)] = partial(bytes, content)
    return carried


def _take_setting(session: Session, setting: dict) -> None:
    """A database takes a document's setting when it has none of its own (a new database, a
    copy); one it has stands (a team's rule does not change by an import). Of the own
    fields, it takes those it does not define."""
    known = (publication.COUNTED, own_fields.SETTING)
    if setting["name"] not in known:
        raise InvalidValue("name", setting["name"], f"is not a setting ({', '.join(known)})")
    if setting["name"] == own_fields.SETTING:
        given = setting.get("value")
        if not isinstance(given, dict):
            raise InvalidValue("value", given, "must be an object of fields")
        have = own_fields.defined(session)
        for name, definition in given.items():
            if name not in have and isinstance(definition, dict):
                own_fields.define(session, name, definition.get("type"), definition.get("choices"))
        return
    value = listed(setting, "value", str, "must be a list of statuses")
    if not publication.is_set(session):
        settings.count(session, value, "value")


def load_document(
    session: Session,
    document: dict[str, Any],
    origin: dict | None = None,
    files: dict[str, Callable[[], bytes]] | None = None,
) -> dict[str, int]:
    """Add what the document holds and the database lacks; ids already present are skipped.
    The whole document is one entry in the history (`origin` says which file it was).
    Evidence files come in the document (a copy's) or in `files`: sha256 -> its bytes."""
    from pressfree import history
    from pressfree.store.models import Case, Designation

    entry = history.start_import(session, {**(origin or {}), "mapping": FORMAT, "format": "json"})
    counts = {
        "incidents": 0,
        "tallies": 0,
        "custody": 0,
        "designations": 0,
        "cases": 0,
        "skipped": 0,
    }
    periods_before = session.execute(select(func.count()).select_from(CustodyPeriod)).scalar_one()
    for index, setting in enumerate(document.get("settings", [])):
        with _entry("settings", index):
            _take_setting(session, setting)
    known = {name: set(vocabulary.slugs(session, name)) for name in ("kind", "label", "category")}
    for section, vocabulary_name, text in (
        ("kinds", "kind", "label"),
        ("labels", "label", "name"),
        ("categories", "category", "name"),
    ):
        stored = {t.slug: t.names for t in vocabulary.terms(session, vocabulary_name)}
        for index, term in enumerate(document.get(section, [])):
            with _entry(section, index):
                if term["slug"] not in known[vocabulary_name]:
                    vocabulary.add_term(session, term["slug"], term[text], vocabulary_name)
                for lang, name in _listed_names(term).items():
                    if stored.get(term["slug"], {}).get(lang) != name:
                        vocabulary.name_term(session, term["slug"], lang, name, vocabulary_name)
    articles = {cases.law_key(a.law) for a in cases.articles(session)}
    for index, article in enumerate(document.get("articles", [])):
        with _entry("articles", index):
            if cases.law_key(_texts(article, ("law",))["law"] or "") not in articles:
                cases.add_article(session, article["law"], article["category"], article.get("name"))
    for index, placeholder in enumerate(document.get("placeholders", [])):
        with _entry("placeholders", index):
            identity.keep_placeholder(session, placeholder.get("name"))
    # Outlets and people a batch at a time, as an import finds and makes them: a copy of a
    # database holds thousands, and one by one they took most of a copy to a server.
    loading = Loading(session, entry.id, counts, {**_carried(document), **(files or {})})
    _outlets(session, loading, document.get("outlets", []))
    placeholder_keys = identity.placeholder_keys(session)
    named: list[tuple[int, dict, str, str | None]] = []
    for index, person in enumerate(document.get("people", [])):
        with _entry("people", index):
            _texts(person, ("name", "outlet", "pseudonym"))
            if identity.is_placeholder(session, person["name"], placeholder_keys):
                continue  # an unnamed person is whoever each incident names
            outlet = identity.cleaned(person["outlet"], "outlet") if person.get("outlet") else None
            named.append((index, person, identity.cleaned(person["name"]), outlet))
    ids = loading.names.ids("person", [name for _, _, name, _ in named])
    affiliations = loading.names.ids("outlet", [o for _, _, _, o in named if o is not None])
    rows = {
        row.id: row
        for row in session.scalars(
            select(Person).where(one_of(session, Person.id, sorted(set(ids.values()))))
        )
    }
    for index, person, name, outlet in named:
        with _entry("people", index):
            row = rows[ids[name]]
            identity.keep_aliases(session, "person", row.id, person.get("aliases") or [])
            if outlet is not None:
                row.outlet_id = affiliations[outlet]
            row.at_risk = bool(person.get("at_risk")) or row.at_risk
            row.restricted = bool(person.get("restricted")) or row.restricted
            pseudonym = clean_text(person.get("pseudonym"), "pseudonym")
            if pseudonym and row.pseudonym is None:
                taken = session.execute(
                    select(Person.name).where(Person.pseudonym == pseudonym)
                ).scalar()
                if taken is not None:
                    raise InvalidValue("pseudonym", pseudonym, f"is already {taken!r}'s")
                row.pseudonym = pseudonym
                session.flush()
    for index, item in _new(session, Incident, "incidents", document.get("incidents", []), counts):
        with _entry("incidents", index):
            loading.add(item)
        if loading.full:
            loading.flush()
    loading.flush()
    stored_as = loading.stored_as  # a document's incident stored under another id
    for index, item in _new(session, Tally, "tallies", document.get("tallies", []), counts):
        with _entry("tallies", index):
            tallies.add_tally(
                session,
                item["metric"],
                _value_text(item),
                period=item.get("period"),
                as_of=item.get("as_of"),
                country=item["country"],
                scope=item.get("scope"),
                publisher=item.get("publisher"),
                source=item.get("source"),
                title=item.get("source_title"),
                public_id=item.get("id"),
                import_id=entry.id,
                force=True,  # a document's figures are matched by their ids
            )
        counts["tallies"] += 1
    for index, item in enumerate(document.get("merged", [])):
        with _entry("merged", index):
            merging.keep_merged(session, item)
    _load_custody(session, document.get("custody", []))
    counts["custody"] = (
        session.execute(select(func.count()).select_from(CustodyPeriod)).scalar_one()
        - periods_before
    )
    for index, item in _new(
        session, Designation, "designations", document.get("designations", []), counts
    ):
        with _entry("designations", index):
            record = designations.designate(
                session,
                item["target"],
                label=item["label"],
                by=item["issued_by"],
                on=item["date"],
                target_type=item.get("target_type"),
                list_reference=item.get("list_reference"),
                source=item.get("source"),
                publisher=item.get("publisher"),
                public_id=item.get("id"),
                incident_id=item.get("incident"),
            )
            for step in item.get("changes", []):
                designations.change(
                    session, record.id, step["change"], step["date"], step.get("note")
                )
        counts["designations"] += 1
    for index, item in _new(session, Case, "cases", document.get("cases", []), counts):
        with _entry("cases", index):
            _load_case(session, item, entry.id, stored_as)
        counts["cases"] += 1
    if not counts["cases"]:
        del counts["cases"]  # said only of documents that hold some
    if not isinstance(document.get("history", []), list):
        raise InvalidValue("history", str(document["history"])[:60], "must be a list")
    if revisions := history.load(session, document.get("history", [])):
        counts["revisions"] = revisions
    history.finish_import(session, entry, {"added": counts})
    return counts


CASE_TEXTS = ("person", "case_type", "opened", "authority", "outlet", "country")
EVENT_TEXTS = (
    "event",
    "date",
    "charge",
    "outcome",
    "sentence",
    "sentence_type",
    "place",
    "note",
    "source",
    "publisher",
)


def _term_names(term) -> dict:
    """A term's names in other languages, when it has any (a document names them once)."""
    return {"names": term.names} if term.names else {}


def _listed_names(term: dict) -> dict[str, str]:
    names = term.get("names") or {}
    if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
        raise InvalidValue("names", names, 'is not a table of names by language ({"be": "..."})')
    return names


def _texts(item: dict, keys: tuple[str, ...]) -> dict:
    """The values of these keys, each text or absent (a number or a list is refused)."""
    for key in keys:
        if item.get(key) is not None and not isinstance(item[key], str):
            raise InvalidValue(key, item[key], "must be text")
    return {key: item.get(key) for key in keys}


def _load_case(session: Session, item: dict, import_id: int, stored_as: dict[str, str]) -> None:
    """A case of a document: opened, then its events replayed in order through the same
    checks as `pressfree case` (its status, sentence and place are derived again). Its
    incidents are found by id, or under the id the same row is stored with here."""
    case = _texts(item, CASE_TEXTS)
    events = listed(item, "events", dict, "must be a list of JSON objects")
    linked = listed(item, "incidents", str, "must be a list of incident ids")
    charges = listed(item, "charges", dict, "must be a list of JSON objects")
    categories = {c.get("law"): c.get("category") for c in charges}
    opening = next((e for e in events if e.get("event") == "opened"), {})
    record = cases.open_case(
        session,
        case["person"] or "",
        case_type=case["case_type"] or "",
        on=case["opened"] or "",
        incidents=[stored_as.get(i, i) for i in linked],
        by=case["authority"],
        outlet=case["outlet"],
        country=case["country"],
        source=_texts(opening, EVENT_TEXTS)["source"],
        publisher=opening.get("publisher"),
        public_id=item.get("id"),
        import_id=import_id,
    )
    for number, event in enumerate(events):
        if event is opening:
            continue
        try:
            given = _texts(event, EVENT_TEXTS)
            charge = given["charge"]
            if charge and given["event"] == "charge-added" and categories.get(charge):
                charge = f"{charge}={categories[charge]}"
            cases.add_event(
                session,
                record.id,
                given["event"] or "",
                given["date"] or "",
                charge=charge,
                outcome=given["outcome"],
                sentence=given["sentence"],
                sentence_kind=given["sentence_type"],
                place=given["place"],
                note=given["note"],
                source=given["source"],
                publisher=given["publisher"],
            )
        except InvalidValue as error:
            raise error.at(f"events[{number}]") from None


def _value_text(item: dict) -> str:
    if item.get("qualifier") not in tallies.PHRASES:
        raise InvalidValue("qualifier", item.get("qualifier"), "is not a known qualifier")
    return tallies.value_text(item["value"], item["qualifier"])


def _existing(session: Session, model, public_ids: list) -> set[str]:
    wanted = [i for i in public_ids if i]
    found: set[str] = set()
    for start in range(0, len(wanted), incidents.CHUNK):
        found.update(
            session.execute(
                select(model.public_id).where(
                    model.public_id.in_(wanted[start : start + incidents.CHUNK])
                )
            ).scalars()
        )
    return found


def _load_custody(session: Session, rows: list[dict]) -> None:
    """Custody periods of a document: each names the detention that opened it (loaded from
    the document or already stored) and, when it ended, its release. The releases are
    recorded, checked as `pressfree release` checks them, and the periods derived again
    by the ledger's one rule."""
    from pressfree import dates

    concerned: set[int] = set()
    for index, row in enumerate(rows):
        with _entry("custody", index):
            since = dates.parse(row["since"], "since")
            # a sentence's end is derived from its case, never recorded as a release
            released = (
                row.get("released_on") if row.get("outcome") != custody.SENTENCE_ENDS else None
            )
            if not row.get("incident") and row.get("case"):
                # opened by the case's verdict (its cases come later, and derive it): only a
                # release recorded for it is the document's to give
                if released:
                    day = dates.parse_day(released, "released_on")
                    outcome = releases.check_release(row.get("outcome"), day, since, "released_on")
                    pid = identity.person_id(session, row["person"])
                    releases.record_release(session, pid, day, outcome)
                    concerned.add(pid)
                continue
            if not row.get("incident"):
                raise InvalidValue(
                    "incident",
                    row.get("incident"),
                    "is required: a custody "
                    "period belongs to the detention or arrest that opened it",
                )
            record = incidents.get(session, row["incident"], "incident")
            name = _named(session, row["person"], record)
            if not set(record.kinds) & set(custody.OPENING_KINDS):
                raise InvalidValue("incident", row["incident"], "is not a detention or arrest")
            pid = identity.person_id(
                session, name, incident_id=incidents.find(session, record.id).id
            )
            concerned.add(pid)
            if released:
                day = dates.parse_day(released, "released_on")
                outcome = releases.check_release(row.get("outcome"), day, since, "released_on")
                releases.record_release(session, pid, day, outcome)
    work.custody_changed(session, concerned)


def _named(session: Session, person: str, record) -> str:
    """The journalist of an incident a custody entry names: by name, or by the pseudonym a
    redacted export of this database gave them."""
    if person in record.journalists:
        return person
    real = session.execute(select(Person.name).where(Person.pseudonym == person)).scalar()
    if real in record.journalists:
        return real
    stored = identity.stored_name(session, person)  # another spelling, or merged since
    if stored in record.journalists:
        return stored
    raise InvalidValue("person", person, f"is not named by incident {record.id}")


def iter_records(
    session: Session, filters: incidents.IncidentFilter, redact=None
) -> Iterator[dict]:
    """Incidents as plain dicts (for ndjson and csv), names redacted when asked."""
    for record in incidents.iter_incidents(session, filters):
        yield redact(record.to_dict()) if redact else record.to_dict()
