"""Incidents: add, find, list, edit and delete, with their kinds, targets, sources and tags."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from sqlalchemy import and_, delete, exists, func, insert, literal, or_, select
from sqlmodel import Session

from pressfree import (
    countries,
    dates,
    identity,
    publication,
    publishers,
    search,
    sources,
    vocabulary,
    work,
)
from pressfree.errors import InvalidValue
from pressfree.schemas import (
    INCIDENT_FIELDS,
    IncidentIn,
    IncidentRecord,
    SourceRecord,
    check_status,
    checked_update,
    validated,
)
from pressfree.store.models import (
    Attachment,
    EvidenceFile,
    Incident,
    IncidentJournalist,
    IncidentKind,
    IncidentOutlet,
    IncidentSource,
    IncidentTag,
    IncidentUpdate,
    Kind,
    Outlet,
    Person,
    Source,
    incident_now,
    stamp,
)
from pressfree.store.ordering import by_name, code_points

CHUNK = 500  # ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits
MAX_INTEGER = 2**63 - 1  # the largest integer SQLite and PostgreSQL store


@dataclass
class Added:
    record: IncidentRecord
    warnings: list[str] = field(default_factory=list)


@dataclass
class IncidentFilter:
    """What `list` and `export` select; every field is optional."""

    period: dates.PartialDate | None = None
    kinds: list[str] = field(default_factory=list)
    country: str | None = None
    journalist: str | None = None
    outlet: str | None = None
    publisher: str | None = None
    status: str | None = None
    tag: str | None = None
    search: str | None = None  # words, matched as search.py says
    where: list[tuple[str, str]] = field(default_factory=list)  # (field, value) of --where
    limit: int | None = None
    # Changed (edited, noted, linked) from the first day of one, before the first of the
    # other; an incident recorded then and never changed only with include_new.
    updated_since: dates.PartialDate | None = None
    updated_before: dates.PartialDate | None = None
    include_new: bool = False
    # With outlet: also the incidents of journalists affiliated with it.
    affiliated: bool = False
    # What may be published alone: no restricted incident (redacted and published outputs)
    public: bool = False

    def narrowed(self) -> bool:
        """True when the filter chooses among the incidents (leaving out the restricted ones
        alone is not a choice: a redacted export of everything is still of everything)."""
        return any(
            v is not None and v is not False and v != []
            for name, v in vars(self).items()
            if name != "public"
        )


# --- adding -----------------------------------------------------------------------------


def add(
    session: Session,
    draft: IncidentIn,
    *,
    public_id: str | None = None,
    created_at=None,
    updated_at=None,
    opens_custody: bool = True,
    import_id: int | None = None,
    extra: dict | None = None,
) -> Added:
    """Store a new incident with everything it links to; open custody for detentions
    (unless opens_custody is false: see models.Incident.opens_custody). `extra`: its own
    fields' values (own_fields.given), checked already."""
    kind_ids = vocabulary.ids_for(session, draft.kinds, "kind")
    now = incident_now()
    incident = Incident(
        first_day=draft.date.first,
        last_day=draft.date.last,
        date_precision=draft.date.precision,
        country=draft.country,
        region=draft.region,
        city=draft.city,
        perpetrator=draft.perpetrator,
        summary=draft.summary,
        public_summary=draft.public_summary,
        status=draft.status,
        restricted=draft.restricted,
        latitude=draft.latitude,
        longitude=draft.longitude,
        created_at=created_at or now,
        updated_at=updated_at or now,
        opens_custody=opens_custody,
        import_id=import_id,
        extra={k: v for k, v in (extra or {}).items() if v is not None} or None,
    )
    if public_id:
        from pressfree.public_ids import checked_public_id

        incident.public_id = checked_public_id(public_id)
    session.add(incident)
    session.flush()
    _link(session, incident.id, kind_ids.values(), draft)
    warnings = (
        []
        if draft.sources
        else [
            f"incident {incident.public_id} has no source: add one with "
            f"`pressfree edit {incident.public_id[:8]} --source URL`"
        ]
    )
    record = get(session, incident.public_id)
    work.changed(session, "incident", record.id, None, record)
    work.settle(session)  # custody refuses the add now, not at commit
    return Added(record, warnings)


def _link(session: Session, incident_id: int, kind_ids: Iterable[int], draft) -> None:
    """Link kinds, tags, journalists, outlets and sources not linked yet; sources keep the
    order they were given in."""
    rows = {
        IncidentKind.kind_id: list(kind_ids),
        IncidentTag.tag: draft.tags,
        IncidentJournalist.person_id: [
            identity.person_id(session, n, incident_id=incident_id) for n in draft.journalists
        ],
        IncidentOutlet.outlet_id: [identity.outlet_id(session, n) for n in draft.outlets],
        IncidentSource.source_id: [sources.source_id(session, s) for s in draft.sources],
    }
    for column, values in rows.items():
        table = column.table
        existing = set(
            session.execute(select(column).where(table.c.incident_id == incident_id)).scalars()
        )
        fresh = [v for v in dict.fromkeys(values) if v not in existing]
        if not fresh:
            continue
        links = [{"incident_id": incident_id, column.key: v} for v in fresh]
        if table is IncidentSource.__table__:
            after = len(existing)
            for position, link in enumerate(links, start=after):
                link["position"] = position
        session.execute(insert(table), links)


# --- finding ----------------------------------------------------------------------------


def find(session: Session, public_id: str, field: str = "id") -> Incident:
    """The incident with this id, or with an unambiguous prefix of it (at least 4 characters)."""
    from pressfree.public_ids import by_public_id

    return by_public_id(session, Incident, public_id, "an incident", field)


def get(session: Session, public_id: str, field: str = "id") -> IncidentRecord:
    return records(session, [find(session, public_id, field)])[0]


def contained_in(period: dates.PartialDate):
    """Incidents whose whole date lies inside the period (an index range on first_day)."""
    return and_(
        Incident.first_day >= period.first,
        Incident.first_day <= period.last,
        Incident.last_day <= period.last,
    )


def filtered(filters: IncidentFilter, session: Session):
    """A SELECT of incidents matching the filters, newest first."""
    query = select(Incident)
    if filters.period:
        query = query.where(contained_in(filters.period))
    query = query.where(*conditions(filters, session))
    # Ties are broken by what an export carries, so a re-imported copy lists the same way.
    query = query.order_by(
        Incident.first_day.desc(),
        Incident.last_day.desc(),
        Incident.created_at.desc(),
        Incident.public_id,
    )
    if checked_limit(filters.limit) is not None:
        query = query.limit(filters.limit)
    return query


def conditions(filters: IncidentFilter, session: Session) -> list:
    """The filters other than the period and the limit, as WHERE clauses on Incident: the
    one reading of them that list, export, summary and chart share."""
    out = [publication.unrestricted()] if filters.public else []
    if filters.kinds:
        kind_ids = vocabulary.ids_for(session, filters.kinds, "kind", "--kind").values()
        out.append(
            _about(
                exists().where(
                    IncidentKind.incident_id == Incident.id, IncidentKind.kind_id.in_(kind_ids)
                )
            )
        )
    if filters.country:
        from pressfree import countries

        out.append(Incident.country == countries.normalise(filters.country, "--country"))
    if filters.journalist:
        out.append(
            _about(
                exists().where(
                    IncidentJournalist.incident_id == Incident.id,
                    IncidentJournalist.person_id.in_(
                        identity.matching("person", filters.journalist)
                    ),
                )
            )
        )
    if filters.outlet:
        outlets = identity.matching("outlet", filters.outlet)
        named = _about(
            exists().where(
                IncidentOutlet.incident_id == Incident.id, IncidentOutlet.outlet_id.in_(outlets)
            )
        )
        if filters.affiliated:
            named = or_(
                named,
                _about(
                    exists().where(
                        IncidentJournalist.incident_id == Incident.id,
                        IncidentJournalist.person_id == Person.id,
                        Person.outlet_id.in_(outlets),
                    )
                ),
            )
        out.append(named)
    out += _updated(filters)
    if filters.search is not None:
        out.append(
            Incident.id.in_(search.matching(session, search.terms(filters.search, "--search")))
        )
    if filters.publisher:
        out.append(
            _about(
                exists().where(
                    IncidentSource.incident_id == Incident.id,
                    IncidentSource.source_id == Source.id,
                    Source.publisher.in_(publishers.names_of(session, filters.publisher)),
                )
            )
        )
    if filters.status:
        out.append(Incident.status == check_status(filters.status, "--status"))
    if filters.tag:
        out.append(
            _about(
                exists().where(
                    IncidentTag.incident_id == Incident.id, IncidentTag.tag == filters.tag
                )
            )
        )
    out += [recorded_as(session, name, value) for name, value in filters.where]
    return out


def _updated(filters: IncidentFilter) -> list:
    """--updated-since/--updated-before: by when the incident last changed (updated_at, which
    every edit, note and change of its links sets); one recorded in that time and never
    changed only with --include-new."""
    from datetime import UTC, datetime, time

    out = []
    if filters.updated_since:
        start = datetime.combine(filters.updated_since.first, time.min, UTC)
        out.append(Incident.updated_at >= start)
    if filters.updated_before:
        end = datetime.combine(filters.updated_before.first, time.min, UTC)
        out.append(Incident.updated_at < end)
    if out and not filters.include_new:
        out.append(Incident.updated_at > Incident.created_at)
    return out


def _about(clause):
    """A filter's EXISTS tied to the incident alone: a summary that counts from a link
    table (kinds, journalists) must not have the filter tied to its own rows of it."""
    return clause.correlate(Incident)


# Stored columns `--where` reads; any other name is an extra field (a column an import kept).
WHERE_COLUMNS = {
    "dataset": Incident.dataset,
    "external_id": Incident.external_id,
    "region": Incident.region,
    "city": Incident.city,
    "perpetrator": Incident.perpetrator,
}


def recorded_as(session: Session, name: str, value: str | None):
    """`--where NAME=VALUE`: the stored column of that name, or else the extra field (what
    the source recorded beyond pressfree's fields; `extra.NAME` always means the extra
    field), holding exactly VALUE; with VALUE None, the extra field held at all. Text
    compares as it is, numbers as they are written, true and false as those words: the same
    on both backends (each reads extra fields its own way: backend.extra_field)."""
    from pressfree.store.db import backend_for

    if name.startswith("extra."):
        name = name[len("extra.") :]
    elif name in WHERE_COLUMNS and value is not None:
        return WHERE_COLUMNS[name] == value
    return backend_for(session.get_bind().dialect.name).extra_field(name, value)


def unheld_fields(session: Session, filters: IncidentFilter) -> list[str]:
    """The --where extra fields no incident has (a misspelt column name, most likely)."""
    return [
        name
        for name, _ in filters.where
        if name not in WHERE_COLUMNS
        and session.execute(
            select(Incident.id).where(recorded_as(session, name, None)).limit(1)
        ).first()
        is None
    ]


def where_pairs(items: Iterable[str]) -> list[tuple[str, str]]:
    """--where FIELD=VALUE options as (field, value) pairs, or one complaint naming the
    option that is not of that form."""
    pairs = []
    for item in items:
        name, equals, value = item.partition("=")
        name = name.strip()
        if not equals or not name or name == "extra.":
            raise InvalidValue(
                "--where", item, "must be FIELD=VALUE, such as motiveConfirmed=Confirmed"
            )
        pairs.append((name, value.strip()))
    return pairs


# What --where of a bulk edit may name besides stored and extra fields: the filters `list`
# takes as options, by name ("kind=raid", "date=2021-07", "tag=minsk").
SELECTING = ("kind", "date", "country", "journalist", "outlet", "publisher", "status", "tag")


def selection(items: Iterable[str]) -> IncidentFilter:
    """The incidents --where FIELD=VALUE options choose, as one filter (all must hold):
    a filter of SELECTING by its name, anything else as `list --where` reads it."""
    chosen = IncidentFilter()
    rest = []
    for name, value in where_pairs(items):
        if name not in SELECTING:
            rest.append((name, value))
        elif name == "kind":
            chosen.kinds.append(value)
        elif name == "date":
            chosen.period = dates.parse(value, "--where date")
        elif getattr(chosen, name) is not None:
            raise InvalidValue("--where", f"{name}={value}", f"gives a second {name}: give one")
        else:
            setattr(chosen, name, countries.normalise(value) if name == "country" else value)
    chosen.where = rest
    return chosen


def chosen_ids(session: Session, filters: IncidentFilter) -> list[str]:
    """The ids of the incidents a filter chooses, newest first (a bulk edit's)."""
    query = filtered(filters, session).with_only_columns(Incident.public_id)
    return list(session.execute(query).scalars())


def checked_limit(limit: int | None) -> int | None:
    if limit is not None and not 0 <= limit <= MAX_INTEGER:
        raise InvalidValue("--limit", limit, f"must be between 0 and {MAX_INTEGER}")
    return limit


def list_incidents(session: Session, filters: IncidentFilter) -> list[IncidentRecord]:
    """Matching incidents, newest first; with search words, the best match first."""
    return page(session, filters, counted=False)[0]


def page(
    session: Session, filters: IncidentFilter, counted: bool = True
) -> tuple[list[IncidentRecord], int]:
    """The matching incidents a listing shows (at most filters.limit), and how many match
    in all ("100 of 241,737"; with counted false, only how many are shown)."""
    if filters.search is None:
        shown = records(session, session.execute(filtered(filters, session)).scalars().all())
        if not counted or filters.limit is None:
            return shown, len(shown)
        chosen = filtered(replace(filters, limit=None), session)
        chosen = chosen.with_only_columns(Incident.id).order_by(None)
        total = session.execute(select(func.count()).select_from(chosen.subquery())).scalar_one()
        return shown, int(total)
    query_terms = search.terms(filters.search, "--search")
    limit = checked_limit(filters.limit)
    found = _searched(session, filters, query_terms)  # every match: the limit comes after
    order = search.ranked(session, found, query_terms)
    if limit is not None:
        order = order[:limit]
    rows = {
        i.id: i
        for start in range(0, len(order), CHUNK)
        for i in session.execute(
            select(Incident).where(Incident.id.in_(order[start : start + CHUNK]))
        ).scalars()
    }
    return records(session, [rows[i] for i in order]), len(found)


SEARCH_FIRST = 20_000  # matches up to which the search index leads, and the filters follow


def _searched(session: Session, filters: IncidentFilter, query_terms) -> list[int]:
    """Ids of the incidents matching the words and the filters, newest first. When the
    words match few incidents, those are found first and the filters checked on them (a
    name in a million incidents); when they match many and the filters choose few (a
    month), the words are checked on what the filters choose; when both are many, SQL
    joins them."""
    matches = (
        session.execute(search.matching(session, query_terms).limit(SEARCH_FIRST + 1))
        .scalars()
        .all()
    )
    rest = replace(filters, search=None, limit=None)
    columns = (
        Incident.id,
        Incident.first_day,
        Incident.last_day,
        Incident.created_at,
        Incident.public_id,
    )
    if len(matches) > SEARCH_FIRST:
        chosen = (
            session.execute(
                filtered(rest, session).with_only_columns(Incident.id).limit(SEARCH_FIRST + 1)
            )
            .scalars()
            .all()
        )
        if len(chosen) <= SEARCH_FIRST:  # the filters choose few: check the words on them
            return search.among(session, chosen, query_terms)
        return list(
            session.execute(
                filtered(replace(filters, limit=None), session).with_only_columns(Incident.id)
            ).scalars()
        )
    rows = []
    for start in range(0, len(matches), CHUNK):
        rows += session.execute(
            filtered(rest, session)
            .with_only_columns(*columns)
            .where(Incident.id.in_(matches[start : start + CHUNK]))
        ).all()
    # the order `filtered` gives: newest first, ties by what an export carries
    rows.sort(key=lambda r: r.public_id)
    rows.sort(key=lambda r: (r.first_day, r.last_day, r.created_at), reverse=True)
    return [r.id for r in rows]


def iter_incidents(session: Session, filters: IncidentFilter, batch: int = 1000):
    """Stream matching incidents in batches (exports of large databases)."""
    result = session.execute(filtered(filters, session).execution_options(yield_per=batch))
    for partition in result.scalars().partitions(batch):
        yield from records(session, partition)


def _related(session: Session, ids: list[int]) -> dict[str, dict[int, list]]:
    """Kinds, tags, targets and sources of many incidents, one query per relation per chunk."""
    related: dict[str, dict[int, list]] = {
        name: defaultdict(list)
        for name in (
            "kinds", "tags", "journalists", "outlets", "sources", "updates", "attachments"
        )
    }  # fmt: skip
    queries = {
        "kinds": lambda chunk: (
            select(IncidentKind.incident_id, Kind.slug)
            .join(Kind, Kind.id == IncidentKind.kind_id)
            .where(IncidentKind.incident_id.in_(chunk))
            .order_by(code_points(Kind.slug))
        ),
        "tags": lambda chunk: (
            select(IncidentTag.incident_id, IncidentTag.tag)
            .where(IncidentTag.incident_id.in_(chunk))
            .order_by(code_points(IncidentTag.tag))
        ),
        "journalists": lambda chunk: (
            select(IncidentJournalist.incident_id, Person.name)
            .join(Person, Person.id == IncidentJournalist.person_id)
            .where(IncidentJournalist.incident_id.in_(chunk))
            .order_by(*by_name(Person))
        ),
        "outlets": lambda chunk: (
            select(IncidentOutlet.incident_id, Outlet.name)
            .join(Outlet, Outlet.id == IncidentOutlet.outlet_id)
            .where(IncidentOutlet.incident_id.in_(chunk))
            .order_by(*by_name(Outlet))
        ),
        "sources": lambda chunk: (
            select(IncidentSource.incident_id, Source)
            .join(Source, Source.id == IncidentSource.source_id)
            .where(IncidentSource.incident_id.in_(chunk))
            .order_by(IncidentSource.position, Source.id)
        ),
        "updates": lambda chunk: (
            select(IncidentUpdate.incident_id, IncidentUpdate, Source)
            .outerjoin(Source, Source.id == IncidentUpdate.source_id)
            .where(IncidentUpdate.incident_id.in_(chunk))
            .order_by(IncidentUpdate.first_day, IncidentUpdate.last_day, IncidentUpdate.id)
        ),
        "attachments": lambda chunk: (
            select(Attachment.incident_id, Attachment, EvidenceFile.size)
            .join(EvidenceFile, EvidenceFile.sha256 == Attachment.sha256)
            .where(Attachment.incident_id.in_(chunk))
            .order_by(Attachment.number)
        ),
    }
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for name, query in queries.items():
            for incident_id, value, *more in session.execute(query(chunk)).all():
                if name == "updates":
                    value = update_dict(value, more[0])
                elif name == "attachments":
                    value = attachment_dict(value, more[0])
                elif name == "sources":
                    value = SourceRecord(
                        value.url,
                        value.publisher,
                        value.title,
                        value.published.isoformat() if value.published else None,
                    )
                related[name][incident_id].append(value)
    return related


LISTED_BATCH = 2000  # incidents `listed` reads and gives at a time


def listed(
    session: Session,
    period: dates.PartialDate,
    country: str | None,
    narrow: tuple = (),
    fields: tuple[str, ...] = (),
) -> Iterator[list[dict]]:
    """The incidents counted in a period (and meeting `narrow`: the publication rule and
    the filters), oldest first, as a published list shows them: date, kinds, place,
    journalists and outlets, summary, status and sources (plain data, so that a redactor
    reaches every name). With `fields`, each incident's values of those of its own fields
    (own_fields), in that order, under "fields".

    Given LISTED_BATCH incidents at a time, read as they are given (a year's list is tens of
    thousands of incidents: held whole, with its page, it took 700 MB): the incidents
    streamed in their order, each batch's kinds, people, outlets and sources looked up by
    its ids; only the columns the list shows, read as plain rows without the ORM, each date
    written once."""
    from pressfree.store.db import one_of

    where = [contained_in(period), *narrow] + ([Incident.country == country] if country else [])
    connection = session.connection()
    rows = connection.execution_options(yield_per=LISTED_BATCH).execute(
        select(
            Incident.id,
            Incident.public_id,
            Incident.first_day,
            Incident.last_day,
            Incident.date_precision,
            Incident.city,
            Incident.region,
            Incident.country,
            Incident.summary,
            Incident.status,
            Incident.public_summary,
            Incident.extra if fields else literal(None),
        )
        .where(*where)
        .order_by(Incident.first_day, Incident.last_day, Incident.public_id)
    )

    def related(ids: list[int], link, columns, joined, order) -> dict[int, list]:
        found: dict[int, list] = defaultdict(list)
        query = (
            select(link.incident_id, *columns)
            .join(*joined)
            .where(one_of(connection, link.incident_id, ids))
            .order_by(order)
        )
        result = connection.execute(query).all()
        if len(columns) == 1:
            for incident_id, value in result:
                found[incident_id].append(value)
        else:
            for incident_id, *values in result:
                found[incident_id].append(dict(zip(("url", "title", "publisher"), values)))
        return found

    # (link, the columns shown, the table joined, the order), for each relation shown
    relations = {
        "kinds": (IncidentKind, (Kind.slug,), (Kind, Kind.id == IncidentKind.kind_id), Kind.slug),
        "journalists": (
            IncidentJournalist,
            (Person.name,),
            (Person, Person.id == IncidentJournalist.person_id),
            Person.name,
        ),
        "outlets": (
            IncidentOutlet,
            (Outlet.name,),
            (Outlet, Outlet.id == IncidentOutlet.outlet_id),
            Outlet.name,
        ),
        "sources": (
            IncidentSource,
            (Source.url, Source.title, Source.publisher),
            (Source, Source.id == IncidentSource.source_id),
            IncidentSource.position,
        ),
    }
    shown: dict[tuple, str] = {}  # a year's incidents fall on a few hundred dates
    for batch in rows.partitions():
        ids = [row[0] for row in batch]
        found = {name: related(ids, *relation) for name, relation in relations.items()}
        listing = []
        for (
            incident_id,
            public_id,
            first,
            last,
            precision,
            city,
            region,
            code,
            text,
            status,
            public,
            extra,
        ) in batch:
            day = shown.get((first, last, precision))
            if day is None:
                day = shown[first, last, precision] = str(dates.from_stored(first, last, precision))
            listing.append(
                {
                    "id": public_id,
                    "date": day,
                    "kinds": found["kinds"].get(incident_id, []),
                    "place": [city, region, code],
                    "who": found["journalists"].get(incident_id, [])
                    + found["outlets"].get(incident_id, []),
                    "summary": text,
                    "public_summary": public,
                    "status": status,
                    "sources": found["sources"].get(incident_id, []),
                    **({"fields": [(extra or {}).get(name) for name in fields]} if fields else {}),
                }
            )
        yield listing


def records(session: Session, incidents: list[Incident]) -> list[IncidentRecord]:
    related = _related(session, [i.id for i in incidents])
    return [
        IncidentRecord(
            id=i.public_id,
            date=str(i.span),
            date_precision=i.date_precision,
            kinds=related["kinds"][i.id],
            country=i.country,
            region=i.region,
            city=i.city,
            journalists=related["journalists"][i.id],
            outlets=related["outlets"][i.id],
            perpetrator=i.perpetrator,
            summary=i.summary,
            status=i.status,
            tags=related["tags"][i.id],
            sources=related["sources"][i.id],
            created_at=stamp(i.created_at),
            updated_at=stamp(i.updated_at),
            first_day=i.first_day,
            last_day=i.last_day,
            external_id=i.external_id,
            dataset=i.dataset,
            extra=i.extra,
            opens_custody=i.opens_custody,
            updates=related["updates"][i.id],
            public_summary=i.public_summary,
            restricted=i.restricted,
            latitude=i.latitude,
            longitude=i.longitude,
            attachments=related["attachments"][i.id],
        )
        for i in incidents
    ]


def attachment_dict(attachment: Attachment, size: int) -> dict:
    """An evidence file as an incident's record lists it (the bytes stay in the store)."""
    return {
        "number": attachment.number,
        "name": attachment.name,
        "sha256": attachment.sha256,
        "size": size,
        "media_type": attachment.media_type,
        **({"note": attachment.note} if attachment.note else {}),
        "attached_at": stamp(attachment.attached_at),
    }


def update_dict(update: IncidentUpdate, source: Source | None) -> dict:
    return {
        "date": str(update.span),
        "text": update.text,
        "source": source.url if source else None,
        "publisher": source.publisher if source else None,
    }


def stored_external(session: Session, dataset: str | None, external_id: str) -> str | None:
    """The public id of the incident a dataset's row is stored as (or merged into), if any."""
    from pressfree.store.models import MergedIncident

    for model in (Incident, MergedIncident):
        owner = model.dataset.is_(None) if dataset is None else model.dataset == dataset
        found = (
            session.execute(select(model).where(owner, model.external_id == external_id).limit(1))
            .scalars()
            .first()
        )
        if found is not None:
            return (
                found.public_id
                if model is Incident
                else session.get(Incident, found.incident_id).public_id
            )
    return None


# --- editing and deleting ---------------------------------------------------------------

LISTS = ("kinds", "journalists", "outlets", "sources", "tags")
# the single values of an incident, in the order schemas.INCIDENT_FIELDS gives (date first)
FIELDS = tuple(name for name in INCIDENT_FIELDS if name not in LISTS)


def edit(
    session: Session, public_id: str, changes: dict, replace: bool = False, exact: bool = False
) -> IncidentRecord:
    """Change the fields given; list values are added, or replace the old ones with replace.
    A field given as None or [] is left as it is, unless exact (a restore): then the
    incident becomes exactly what `changes` says, empty fields included."""
    incident = find(session, public_id)
    current = get(session, incident.public_id)
    merged = {name: getattr(current, name) for name in FIELDS + LISTS}
    merged["sources"] = [s.__dict__ for s in current.sources]
    replace = replace or exact
    changes = dict(changes)
    if own := changes.pop("extra", None):  # own fields (own_fields.given): None removes one
        kept = {k: v for k, v in {**(incident.extra or {}), **own}.items() if v is not None}
        incident.extra = kept or None
    for name, value in changes.items():
        if not exact and (value is None or (name in LISTS and not value)):
            continue
        if value is None and name in LISTS:
            value = []
        if name in LISTS and not replace:
            merged[name] = merged[name] + list(value)
        else:
            merged[name] = value
    draft = validated(IncidentIn, **merged)
    kind_ids = vocabulary.ids_for(session, draft.kinds, "kind")  # refuses unknown kinds first
    incident.first_day, incident.last_day = draft.date.first, draft.date.last
    incident.date_precision = draft.date.precision
    for name in FIELDS[1:]:  # the date is set above, as its span
        setattr(incident, name, getattr(draft, name))
    incident.updated_at = incident_now()
    if replace:
        for table in (
            IncidentKind,
            IncidentTag,
            IncidentJournalist,
            IncidentOutlet,
            IncidentSource,
        ):
            session.execute(delete(table).where(table.incident_id == incident.id))
    session.flush()
    _link(session, incident.id, kind_ids.values(), draft)
    record = get(session, incident.public_id)
    work.changed(session, "incident", record.id, current, record)
    work.settle(session)  # custody and designations refuse the edit now, not at commit
    return record


def hidden(incident: Incident) -> dict:
    """What a deleted or merged incident's history keeps beyond its record, so that restore
    and merge undo put it back: the import that brought it, and the hashes that match it to
    its dataset's later exports."""
    return {
        "import": incident.import_id,
        "content_hash": incident.content_hash,
        "identity_hash": incident.identity_hash,
    }


# --- updates --------------------------------------------------------------------------------


def add_update(
    session: Session,
    public_id: str,
    text: str,
    on: str | None = None,
    source: str | None = None,
    publisher: str | None = None,
    field: str = "id",
) -> IncidentRecord:
    """A dated update on an incident ("Released on bail"); dated today unless said."""

    incident = find(session, public_id, field)
    before = get(session, incident.public_id)
    when, words, given = checked_update(text, on, source, publisher)
    if when.last < incident.first_day:
        raise InvalidValue("--date", str(when), f"is before the incident ({before.date})")
    session.add(
        IncidentUpdate(
            incident_id=incident.id,
            first_day=when.first,
            last_day=when.last,
            date_precision=when.precision,
            text=words,
            source_id=sources.source_id(session, given) if given else None,
        )
    )
    incident.updated_at = incident_now()
    session.flush()
    after = get(session, incident.public_id)
    work.changed(session, "incident", after.id, before, after)
    return after
