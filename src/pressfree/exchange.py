"""pressfree's own JSON format: a whole database (or a filtered part) out, and back in."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Iterator

from sqlalchemy import select
from sqlmodel import Session

from pressfree import designations, incidents, ledger, vocabulary
from pressfree.errors import InvalidValue, PressfreeError
from pressfree.models import CustodyPeriod, Incident, Outlet, Person, Tally
from pressfree.schemas import IncidentIn, validated

FORMAT, VERSION = "pressfree", 1


def _people_and_outlets(session: Session) -> tuple[list[dict], list[dict]]:
    outlets = session.execute(select(Outlet).order_by(Outlet.name)).scalars().all()
    names = {o.id: o.name for o in outlets}
    people = session.execute(select(Person).order_by(Person.name)).scalars().all()
    return ([{"name": p.name, "outlet": names.get(p.outlet_id), "at_risk": p.at_risk,
              "pseudonym": p.pseudonym} for p in people],
            [{"name": o.name, "type": o.type} for o in outlets])


def write_document(session: Session, out: IO[str], filters: incidents.IncidentFilter,
                   redact=None) -> int:
    """Write the JSON document, streaming incidents; returns how many were written."""
    people, outlets = _people_and_outlets(session)
    head = {
        "format": FORMAT, "version": VERSION,
        "exported_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "kinds": [{"slug": t.slug, "label": t.label} for t in vocabulary.terms(session)],
        "labels": [{"slug": t.slug, "name": t.label}
                   for t in vocabulary.terms(session, "label")],
        "people": people, "outlets": outlets,
    }
    if redact:
        head = redact(head)
    body = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    out.write(body + ',\n "incidents": [')
    count = 0
    for record in incidents.iter_incidents(session, filters):
        data = redact(record.to_dict()) if redact else record.to_dict()
        out.write(("\n  " if count == 0 else ",\n  ") + json.dumps(data, ensure_ascii=False))
        count += 1
    tail = {
        "tallies": [asdict(t) for t in ledger.list_tallies(session)],
        "custody": [asdict(c) for c in ledger.custody_history(session)],
        "designations": [asdict(d) for d in designations.list_designations(session)],
    }
    if redact:
        tail = redact(tail)
    out.write("\n ],\n" + json.dumps(tail, ensure_ascii=False, indent=1)[2:] + "\n")
    return count


def read_document(path: Path) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            document = json.load(handle)
    except json.JSONDecodeError as error:
        raise InvalidValue("file", str(path), f"is not valid JSON (line {error.lineno}, "
                                              f"column {error.colno}: {error.msg})") from None
    if not is_document(document):
        raise InvalidValue("file", str(path), "is not a pressfree export "
                                              "(no \"format\": \"pressfree\")")
    if document.get("version", 0) > VERSION:
        raise InvalidValue("version", document.get("version"),
                           f"is newer than this pressfree reads ({VERSION}): upgrade pressfree")
    return document


def is_document(document: Any) -> bool:
    return isinstance(document, dict) and document.get("format") == FORMAT


def _row_error(section: str, index: int, error: PressfreeError) -> PressfreeError:
    return type(error)(*error.args) if not hasattr(error, "field") else InvalidValue(
        f"{section}[{index}].{error.field}", error.value, getattr(error, "reason", "is invalid"))


def load_document(session: Session, document: dict[str, Any]) -> dict[str, int]:
    """Add what the document holds and the database lacks; ids already present are skipped."""
    counts = {"incidents": 0, "tallies": 0, "custody": 0, "designations": 0, "skipped": 0}
    known_kinds = set(vocabulary.slugs(session))
    for kind in document.get("kinds", []):
        if kind["slug"] not in known_kinds:
            vocabulary.add_term(session, kind["slug"], kind["label"])
    known_labels = set(vocabulary.slugs(session, "label"))
    for label in document.get("labels", []):
        if label["slug"] not in known_labels:
            vocabulary.add_term(session, label["slug"], label["name"], "label")
    for outlet in document.get("outlets", []):
        incidents.outlet_id(session, outlet["name"], outlet.get("type", "outlet"))
    for person in document.get("people", []):
        row = session.get(Person, incidents.person_id(session, person["name"]))
        if person.get("outlet"):
            row.outlet_id = incidents.outlet_id(session, person["outlet"])
        row.at_risk = bool(person.get("at_risk")) or row.at_risk
        if person.get("pseudonym") and row.pseudonym is None:
            row.pseudonym = person["pseudonym"]
    existing = _existing(session, Incident, [i.get("id") for i in document.get("incidents", [])])
    for index, item in enumerate(document.get("incidents", [])):
        if item.get("id") in existing:
            counts["skipped"] += 1
            continue
        try:
            _load_incident(session, item)
        except PressfreeError as error:
            raise _row_error("incidents", index, error) from None
        counts["incidents"] += 1
    existing = _existing(session, Tally, [t.get("id") for t in document.get("tallies", [])])
    for index, item in enumerate(document.get("tallies", [])):
        if item.get("id") in existing:
            counts["skipped"] += 1
            continue
        try:
            ledger.add_tally(session, item["metric"], _value_text(item),
                             period=item.get("period"), as_of=item.get("as_of"),
                             country=item["country"], scope=item.get("scope"),
                             publisher=item.get("publisher"), source=item.get("source"),
                             title=item.get("source_title"), public_id=item.get("id"))
        except PressfreeError as error:
            raise _row_error("tallies", index, error) from None
        counts["tallies"] += 1
    counts["custody"] = _load_custody(session, document.get("custody", []))
    from pressfree.models import Designation

    existing = _existing(session, Designation,
                         [d.get("id") for d in document.get("designations", [])])
    for index, item in enumerate(document.get("designations", [])):
        if item.get("id") in existing:
            counts["skipped"] += 1
            continue
        try:
            record = designations.designate(
                session, item["target"], label=item["label"], by=item["issued_by"],
                on=item["date"], target_type=item.get("target_type", "outlet"),
                list_reference=item.get("list_reference"), source=item.get("source"),
                publisher=item.get("publisher"), public_id=item.get("id"),
                incident_id=item.get("incident"))
            for step in item.get("changes", []):
                designations.change(session, record.id, step["change"], step["date"],
                                    step.get("note"))
        except PressfreeError as error:
            raise _row_error("designations", index, error) from None
        counts["designations"] += 1
    return counts


def _value_text(item: dict) -> str:
    signs = {"exact": "", "at-least": ">=", "more-than": ">", "about": "~", "at-most": "<="}
    if item.get("qualifier") not in signs:
        raise InvalidValue("qualifier", item.get("qualifier"), "is not a known qualifier")
    return f"{signs[item['qualifier']]}{item['value']}"


def _existing(session: Session, model, public_ids: list) -> set[str]:
    wanted = [i for i in public_ids if i]
    found: set[str] = set()
    for start in range(0, len(wanted), incidents.CHUNK):
        found.update(session.execute(select(model.public_id).where(
            model.public_id.in_(wanted[start:start + incidents.CHUNK]))).scalars())
    return found


def _timestamp(text: str | None):
    if not text:
        return None
    from datetime import timezone

    moment = datetime.fromisoformat(text.removesuffix("Z"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _load_incident(session: Session, item: dict) -> None:
    fields = {k: item.get(k) for k in ("kinds", "date", "country", "region", "city",
                                       "perpetrator", "summary", "journalists", "outlets",
                                       "status", "tags", "sources")}
    draft = validated(IncidentIn, **{k: v for k, v in fields.items() if v is not None})
    added = incidents.add(session, draft, public_id=item.get("id"),
                          created_at=_timestamp(item.get("created_at")),
                          updated_at=_timestamp(item.get("updated_at")), open_custody=False)
    if any(item.get(k) for k in ("external_id", "dataset", "extra")):
        row = incidents.find(session, added.record.id)
        row.external_id, row.dataset, row.extra = (item.get("external_id"),
                                                   item.get("dataset"), item.get("extra"))


def _load_custody(session: Session, rows: list[dict]) -> int:
    """Custody periods, skipping any that already exist for the same person and start."""
    from pressfree import dates

    added = 0
    for index, row in enumerate(rows):
        since = dates.parse(row["since"], f"custody[{index}].since")
        pid = incidents.person_id(session, row["person"])
        duplicate = session.execute(select(CustodyPeriod.id).where(
            CustodyPeriod.person_id == pid, CustodyPeriod.start_first == since.first,
            CustodyPeriod.start_last == since.last)).first()
        if duplicate:
            continue
        incident_id = None
        if row.get("incident"):
            incident_id = incidents.find(session, row["incident"]).id
        session.add(CustodyPeriod(
            person_id=pid, incident_id=incident_id, start_first=since.first,
            start_last=since.last, start_precision=since.precision, country=row.get("country"),
            released_on=dates.parse_day(row["released_on"], f"custody[{index}].released_on")
            if row.get("released_on") else None, outcome=row.get("outcome")))
        added += 1
    session.flush()
    return added


def iter_records(session: Session, filters: incidents.IncidentFilter,
                 redact=None) -> Iterator[dict]:
    """Incidents as plain dicts (for ndjson and csv), names redacted when asked."""
    for record in incidents.iter_incidents(session, filters):
        yield redact(record.to_dict()) if redact else record.to_dict()


def write(session: Session, out: IO[str], fmt: str, filters: incidents.IncidentFilter,
          redact=None) -> int:
    """Export in a format: json (the whole document), ndjson or csv (incidents only)."""
    from pressfree import render

    if fmt == "json":
        return write_document(session, out, filters, redact)
    if fmt == "ndjson":
        count = 0
        for data in iter_records(session, filters, redact):
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
            count += 1
        return count
    if fmt == "csv":
        return render.write_csv(out, (render.incident_csv_row(d)
                                      for d in iter_records(session, filters, redact)),
                                render.EXPORT_COLUMNS)
    raise InvalidValue("--format", fmt, "is not an export format (json, ndjson or csv)")
