"""Tallies: the figures sources publish ("more than 200 raids this month", "28 journalists
in custody"), with who said them."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from pressfree import countries, dates, publishers, sources, vocabulary, work
from pressfree.errors import Conflict, InvalidValue
from pressfree.languages import N_
from pressfree.schemas import SourceIn, clean_text, validated
from pressfree.store.models import MAX_COUNT, Source, Tally

# Qualifier slug -> how a reader says it (the slugs are models.QUALIFIERS); marked for the
# catalogues, so a report says it in the reader's language (i18n.Words.figure).
PHRASES = {
    "exact": "{n}",
    "at-least": N_("at least {n}"),
    "more-than": N_("more than {n}"),
    "about": N_("about {n}"),
    "at-most": N_("at most {n}"),
}


_VALUE = re.compile(r"^(>=|>|<=|~|≥|≤)?\s*(-?[0-9]+)\s*(\+)?$")


_SIGNS = {
    None: "exact",
    ">=": "at-least",
    "≥": "at-least",
    ">": "more-than",
    "~": "about",
    "<=": "at-most",
    "≤": "at-most",
}


_SIGN_OF = {"exact": "", "at-least": ">=", "more-than": ">", "about": "~", "at-most": "<="}

# Stocks are counted on a day ("28 journalists in custody"); every kind slug is a flow metric.
STOCKS = {"journalists-in-custody": "journalists in custody"}


def parse_value(text: str) -> tuple[int, str]:
    """'28' -> (28, exact); '200+' or '>=200' -> at-least; '>200', '~200', '<=200'."""
    match = _VALUE.match((text or "").strip())
    if not match or (match[1] and match[3]):
        raise InvalidValue(
            "value", text, "has an unknown qualifier (use 28, 200+, >=200, >200, ~200 or <=200)"
        )
    if match[2].startswith("-"):
        raise InvalidValue("value", text, "is negative")
    # Compared as text first: Python refuses to convert integers of over 4,300 digits.
    if len(match[2].lstrip("0")) > len(str(MAX_COUNT)) or int(match[2]) > MAX_COUNT:
        raise InvalidValue("value", text, f"is too large (at most {MAX_COUNT:,})")
    number = int(match[2])
    return number, "at-least" if match[3] else _SIGNS[match[1]]


def say(value: int, qualifier: str) -> str:
    return PHRASES[qualifier].format(n=value)


@dataclass
class TallyRecord:
    id: str
    metric: str
    value: int
    qualifier: str
    reads: str
    period: str | None
    as_of: str | None
    country: str
    scope: str | None
    publisher: str | None
    source: str | None
    source_title: str | None = None


def value_text(value: int, qualifier: str) -> str:
    """The value as `tally add` takes it: 28, >=200, >200, ~200, <=200 (parse_value's inverse)."""
    return f"{_SIGN_OF[qualifier]}{value}"


def _columns(
    session: Session,
    metric: str,
    value: str,
    *,
    period: str | None,
    as_of: str | None,
    country: str | None,
    scope: str | None,
    publisher: str | None,
    source: str | None,
    title: str | None,
) -> dict:
    """A figure's columns, checked: the one rule for adding and editing one."""
    metric = (clean_text(metric, "metric") or "").lower()
    if metric not in STOCKS:
        vocabulary.ids_for(session, [metric], "kind", "metric")
    number, qualifier = parse_value(value)
    if bool(period) == bool(as_of):
        raise InvalidValue(
            "--period/--as-of",
            period or as_of or "",
            "give exactly one: a period for a count of events, "
            "an as-of day for a count of people held",
        )
    if metric in STOCKS and period:
        raise InvalidValue(
            "--period",
            period,
            f"does not fit {metric}, a count of people held on a day: give --as-of",
        )
    if metric not in STOCKS and as_of:
        raise InvalidValue(
            "--as-of",
            as_of,
            f"does not fit {metric}, a count of events: give the --period it covers",
        )
    if as_of:
        day = dates.parse_day(as_of, "--as-of")
        when = dates.PartialDate(day, day, "day")
    else:
        when = dates.parse(period, "--period")
    code = countries.normalise(country, "--country")
    if code is None:
        raise InvalidValue("--country", country or "", "is required for a tally")
    if not (publisher or "").strip():
        raise InvalidValue("--publisher", publisher or "", "is required: who published it?")
    source_row = validated(SourceIn, url=source, publisher=publisher, title=title)
    source_id = sources.source_id(session, source_row)
    stored = session.get(Source, source_id).publisher
    if stored not in publishers.names_of(session, source_row.publisher or ""):
        raise InvalidValue(
            "--publisher",
            publisher,
            f"does not match the source {source_row.url}, published by {stored!r}",
        )
    return {
        "metric": metric,
        "value": number,
        "qualifier": qualifier,
        **Tally.span_columns(when),
        "as_of": bool(as_of),
        "country": code,
        "scope": clean_text(scope, "--scope"),
        "source_id": source_id,
    }


_SAME = ("metric", "value", "qualifier", *Tally.SPAN, "as_of", "country")


def _same(session: Session, columns: dict, other_than: int | None = None) -> Tally | None:
    """A stored figure identical to these columns: the same metric, value, dates, country
    and publisher (under any of its names)."""
    publisher = session.get(Source, columns["source_id"]).publisher
    query = (
        select(Tally)
        .join(Source, Source.id == Tally.source_id)
        .where(
            *(getattr(Tally, name) == columns[name] for name in _SAME),
            Source.publisher.in_(publishers.names_of(session, publisher)),
        )
    )
    if other_than is not None:
        query = query.where(Tally.id != other_than)
    return session.execute(query.order_by(Tally.id)).scalars().first()


def add_tally(
    session: Session,
    metric: str,
    value: str,
    *,
    period: str | None = None,
    as_of: str | None = None,
    country: str,
    scope: str | None = None,
    publisher: str | None,
    source: str | None = None,
    title: str | None = None,
    public_id: str | None = None,
    import_id: int | None = None,
    force: bool = False,
) -> TallyRecord:
    """Record a figure; one identical to a stored one is refused unless `force` (a figure
    repeated by mistake would be published twice)."""
    columns = _columns(
        session,
        metric,
        value,
        period=period,
        as_of=as_of,
        country=country,
        scope=scope,
        publisher=publisher,
        source=source,
        title=title,
    )
    if not force and (same := _same(session, columns)) is not None:
        raise Conflict(
            f"tally: the same figure is already recorded ({same.public_id}): "
            "give --force to record it again"
        )
    tally = Tally(**columns, import_id=import_id)
    if public_id:
        from pressfree.public_ids import checked_public_id

        tally.public_id = checked_public_id(public_id)
    session.add(tally)
    session.flush()
    record = tally_records(session, [tally])[0]
    work.changed(session, "tally", record.id, None, record)
    return record


def doubles(session: Session, publisher: str) -> list[tuple[str, str]]:
    """Pairs of the publisher's figures (under any of its names) that are the same figure:
    what giving a publisher another name can reveal."""
    found = (
        session.execute(
            select(Tally)
            .join(Source, Source.id == Tally.source_id)
            .where(Source.publisher.in_(publishers.names_of(session, publisher)))
            .order_by(Tally.id)
        )
        .scalars()
        .all()
    )
    pairs = []
    for tally in found:
        columns = {name: getattr(tally, name) for name in ("source_id", *_SAME)}
        same = _same(session, columns, other_than=tally.id)
        if same is not None and same.id < tally.id:
            pairs.append((same.public_id, tally.public_id))
    return pairs


def find(session: Session, text: str) -> Tally:
    from pressfree.public_ids import by_public_id

    found: Tally = by_public_id(session, Tally, text, "a tally")
    return found


def edit_tally(
    session: Session, text: str, force: bool = False, **given: str | None
) -> TallyRecord:
    """Change what a figure says (any of value, period or as_of, country, scope, publisher,
    source, title): checked as a new figure is, one revision."""
    tally = find(session, text)
    before = tally_records(session, [tally])[0]
    current = _given(asdict(before))
    if given.get("period"):
        current["as_of"] = None
    if given.get("as_of"):
        current["period"] = None
    wanted = {**current, **{k: v for k, v in given.items() if v is not None}}
    columns = _columns(session, before.metric, wanted.pop("value") or "", **wanted)
    if not force and (same := _same(session, columns, other_than=tally.id)) is not None:
        raise Conflict(
            f"tally: the same figure is already recorded ({same.public_id}): "
            "give --force to keep both"
        )
    for name, value in columns.items():
        setattr(tally, name, value)
    session.flush()
    after = tally_records(session, [tally])[0]
    if after != before:
        work.changed(session, "tally", after.id, before, after)
    return after


def delete_tally(session: Session, text: str) -> TallyRecord:
    """Delete a figure; its history keeps it, and `restore` brings it back."""
    tally = find(session, text)
    before = tally_records(session, [tally])[0]
    session.delete(tally)
    session.flush()
    work.changed(session, "tally", before.id, before, None)
    return before


def _given(record: dict) -> dict:
    """A figure as recorded (a TallyRecord as data) put back into what `tally add` takes."""
    return {
        "value": value_text(record["value"], record["qualifier"]),
        "period": record.get("period"),
        "as_of": record.get("as_of"),
        "country": record.get("country"),
        "scope": record.get("scope"),
        "publisher": record.get("publisher"),
        "source": record.get("source"),
        "title": record.get("source_title"),
    }


def restore_tally(session: Session, public_id: str, state: dict) -> TallyRecord:
    """Make a figure what a revision of it says: edited in place, or added again with its
    id after a delete."""
    given = _given(state)
    if session.execute(select(Tally.id).where(Tally.public_id == public_id)).scalar():
        return edit_tally(session, public_id, force=True, **given)
    return add_tally(session, state["metric"], public_id=public_id, force=True, **given)


def tally_records(session: Session, tallies: list[Tally]) -> list[TallyRecord]:
    cited = {
        s.id: s
        for s in session.execute(
            select(Source).where(Source.id.in_({t.source_id for t in tallies}))
        ).scalars()
    }
    out = []
    for t in tallies:
        when = str(t.span)
        src = cited[t.source_id]
        out.append(
            TallyRecord(
                t.public_id,
                t.metric,
                t.value,
                t.qualifier,
                say(t.value, t.qualifier),
                None if t.as_of else when,
                when if t.as_of else None,
                t.country,
                t.scope,
                src.publisher,
                src.url,
                src.title,
            )
        )
    return out


def list_tallies(
    session: Session,
    *,
    period: dates.PartialDate | None = None,
    country: str | None = None,
    metric: str | None = None,
    publisher: str | None = None,
) -> list[TallyRecord]:
    """Tallies whose period or as-of day lies inside the period, newest first."""
    query = select(Tally).join(Source, Source.id == Tally.source_id)
    if period:
        query = query.where(Tally.first_day >= period.first, Tally.last_day <= period.last)
    if country:
        query = query.where(Tally.country == countries.normalise(country, "--country"))
    if metric:
        metric = metric.strip().lower()
        if metric not in STOCKS:
            vocabulary.ids_for(session, [metric], "kind", "--metric")
        query = query.where(Tally.metric == metric)
    if publisher:
        query = query.where(Source.publisher.in_(publishers.names_of(session, publisher)))
    query = query.order_by(Tally.last_day.desc(), Tally.metric, Tally.id)
    return tally_records(session, session.execute(query).scalars().all())


def newest_stock(
    session: Session, metric: str, as_of: date, country: str | None
) -> list[TallyRecord]:
    """The newest as-of figures for a stock on or before a day, one per publisher."""
    query = (
        select(Tally)
        .where(Tally.metric == metric, Tally.as_of.is_(True), Tally.last_day <= as_of)
        .order_by(Tally.last_day.desc(), Tally.id.desc())
    )
    if country:
        query = query.where(Tally.country == country)
    newest: dict[tuple, TallyRecord] = {}
    for record in tally_records(session, session.execute(query).scalars().all()):
        newest.setdefault((publishers.main_name(session, record.publisher), record.country), record)
    return list(newest.values())
