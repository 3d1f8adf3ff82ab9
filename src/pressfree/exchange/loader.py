"""The import use case: stream a file, convert each row, insert in batches, all or nothing."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from pressfree import identity, search, sources, vocabulary, work
from pressfree import names as name_keys
from pressfree.errors import InvalidValue, PressfreeError
from pressfree.exchange import converting, matching, readers
from pressfree.exchange.convert import ParsedRow, RowError
from pressfree.exchange.mapping import Mapping, choose
from pressfree.exchange.matching import Matcher
from pressfree.schemas import file_label
from pressfree.store.db import one_of
from pressfree.store.models import (
    ImportedFile,
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
    utcnow,
)

BATCH = 5000
CHUNK = 2000  # values per IN (...): under SQLite's and PostgreSQL's parameter limits
SHOWN_PROBLEMS = 50
NAME_CACHE = 100_000  # people and outlets remembered between batches; then forgotten
INDEXES_SET_ASIDE_FROM = 8 << 20  # bytes: about 40,000 rows of a tracker's export


@dataclass
class Problem:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class ImportReport:
    file: str
    dataset: str
    rows: int = 0
    added: int = 0
    already_present: int = 0
    invalid: int = 0
    problems: list[Problem] = field(default_factory=list)
    rejected_file: str | None = None
    new_kinds: list[str] = field(default_factory=list)
    already_imported: bool = False
    dry_run: bool = False
    import_id: int | None = None  # its entry in the history
    # rows without ids matching a stored incident whose content differs (matching.py)
    changed: list[Change] = field(default_factory=list)
    updated: bool = False  # whether the changes were applied (--update)
    not_incidents: list[int] = field(default_factory=list)  # rows skip_rows_without skipped
    cases: int = 0  # opened from the rows' charge columns ([cases] in the mapping)
    # A complete snapshot of its dataset (--snapshot, or its preset says so): the stored
    # incidents of the dataset, dated within what the file covers, that no row matched
    # (public ids, oldest first), and whether they were withdrawn (--retire).
    snapshot: bool = False
    unmatched: list[str] = field(default_factory=list)
    retired: bool = False
    covers: tuple | None = None  # (first day, last day) of the file's rows
    # what the rows matched: public ids, (dataset, external id) pairs, stored incident ids
    seen_public: set = field(default_factory=set)
    seen_external: set = field(default_factory=set)
    matched: set = field(default_factory=set)


@dataclass
class Change:
    row: int
    incident: str  # the stored incident's public id
    fields: list[str]
    parsed: ParsedRow | None = None
    hashes: tuple = ()  # none for a loose match: the stored incident keeps its own


class _Names:
    """Ids of people, outlets and sources by key, looked up and created a batch at a time."""

    def __init__(self, connection, backend):
        self.connection, self.backend = connection, backend
        self.cache: dict[tuple, int] = {}
        self.placeholders = identity.placeholder_keys(connection)

    def unnamed(self, mentions: list[str]) -> list[int]:
        """A new unnamed person for each mention of a placeholder name."""
        table = Person.__table__
        ids = self.backend.reserve_ids(self.connection, table, len(mentions))
        if ids:
            self.backend.insert_rows(
                self.connection,
                table,
                [
                    dict(identity.new_record("person", n, placeholder=True), id=i)
                    for n, i in zip(mentions, ids)
                ],
            )
        return ids

    def is_unnamed(self, name: str) -> bool:
        return identity.is_placeholder(self.connection, name, self.placeholders)

    def ids(self, key_type: str, keys: list) -> dict:
        """Ids for keys; new ones are created in order of first appearance."""
        keys = list(dict.fromkeys(keys))
        result = {k: self.cache[(key_type, k)] for k in keys if (key_type, k) in self.cache}
        wanted = [k for k in keys if k not in result]
        if wanted:
            found = self._select(key_type, wanted)
            missing = [k for k in wanted if k not in found]
            # one new row per name however its case is typed: the first spelling is kept
            same = name_keys.name_key if key_type in ("person", "outlet") else (lambda k: k)
            first: dict = {}
            for k in missing:
                first.setdefault(same(k), k)
            creating = list(first.values())
            if creating:
                table = self._model(key_type).__table__
                ids = self.backend.reserve_ids(self.connection, table, len(creating))
                rows = [dict(self._record(key_type, k), id=i) for k, i in zip(creating, ids)]
                self.backend.insert_rows(self.connection, table, rows)
                made = dict(zip(creating, ids))
                for k in missing:
                    found[k] = made[first[same(k)]]
            result.update(found)
            if len(self.cache) > NAME_CACHE:
                self.cache.clear()
            self.cache.update({(key_type, k): v for k, v in found.items()})
        return result

    @staticmethod
    def _model(key_type: str):
        return {"person": Person, "outlet": Outlet, "url": Source, "plain": Source}[key_type]

    def _record(self, key_type: str, key) -> dict:
        if key_type == "person":
            return identity.new_record("person", key)
        if key_type == "outlet":
            return identity.new_record("outlet", key, placeholder=self.is_unnamed(key))
        return sources.new_record(key)

    def _select(self, key_type: str, keys: list) -> dict:
        found: dict = {}
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            if key_type in ("person", "outlet"):
                found.update(identity.find_all(self.connection, key_type, chunk))
            elif key_type == "url":
                by_url = {k[0]: k for k in chunk}
                rows = self.connection.execute(
                    select(Source.url, Source.id).where(
                        self.backend.one_of(Source.url, list(by_url))
                    )
                ).all()
                found.update({by_url[url]: id_ for url, id_ in rows})
            else:
                for key in chunk:  # sources without a URL are few: one query each
                    row = self.connection.execute(
                        select(Source.id).where(sources.same(key))
                    ).first()
                    if row:
                        found[key] = row[0]
        return found


def already_imported(session: Session, digest: str) -> ImportedFile | None:
    return (
        session.execute(select(ImportedFile).where(ImportedFile.sha256 == digest)).scalars().first()
    )


def import_file(
    session: Session,
    path: Path,
    mapping: Mapping,
    fmt: str | None = None,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    rejected_to: Path | None = None,
    again: bool = False,
    update: bool = False,
    progress: Callable[[int], None] | None = None,
    snapshot: bool = False,
    retire: bool = False,
) -> ImportReport:
    """Import every row, or none: any invalid row means nothing is written (unless
    skip_invalid, which writes the valid rows and the rejected ones to a CSV beside the file).
    The caller's transaction is what makes it all or nothing. A complete snapshot of its
    dataset (snapshot, or the mapping says so) reports the stored incidents of the dataset
    it no longer holds; retire withdraws them (undone with the import)."""
    fmt = fmt or readers.detect_format(path)
    report = ImportReport(
        file=str(path),
        dataset=mapping.name,
        dry_run=dry_run,
        snapshot=snapshot or retire or mapping.snapshot,
    )
    digest = readers.sha256(path)
    seen_before = already_imported(session, digest)
    if seen_before and not again:
        report.already_imported = True
        return report
    if fmt == "csv":  # JSON records may leave out keys they have no value for
        choose(
            [mapping],
            readers.header(path, fmt, mapping.delimiter),
            "mapping",
            mapping.source or mapping.name,
        )
    from pressfree import history

    entry = history.start_import(
        session,
        {"file": file_label(path.name), "sha256": digest, "mapping": mapping.title, "format": fmt},
    )
    kinds = dict(session.execute(select(Kind.slug, Kind.id)).all())
    wanted = dict(mapping.new_kinds)
    for value, slugs in mapping.kinds.items():
        for slug in slugs:
            if slug not in kinds and slug not in wanted:
                if mapping.unknown_kinds != "create":
                    raise InvalidValue(
                        f"mapping {mapping.source} [kinds] {value}",
                        slug,
                        "is not a known kind (add it under [new_kinds])",
                    )
                wanted[slug] = slug
    for slug, label in wanted.items():
        if slug not in kinds:
            vocabulary.add_term(session, slug, label, "kind")
            report.new_kinds.append(slug)
    kinds = dict(session.execute(select(Kind.slug, Kind.id)).all())
    from pressfree import own_fields
    from pressfree.store.db import backend_for

    conversion = converting.Conversion(
        path, fmt, mapping, set(kinds), own_fields.defined(session), progress
    )
    connection = session.connection()
    backend = backend_for(connection.dialect.name)
    names = _Names(connection, backend)
    matcher = Matcher(connection, entry.id)
    # a layout naming no one (no journalist, outlet or summary column): matched loosely
    loosely = not any(
        mapping.columns.get(name)
        for name in ("journalists", "outlets", "summary", "id", "external_id")
    )
    rejected = _Rejected(path, rejected_to) if skip_invalid and not dry_run else None
    try:
        with _indexes(connection, backend, path):
            pending: list[tuple[int, ParsedRow]] = []
            for number, row, parsed in conversion:
                report.rows += 1
                if parsed is None:  # a footnote, say
                    report.not_incidents.append(number)
                    continue
                if isinstance(parsed, RowError):
                    report.invalid += 1
                    if len(report.problems) < SHOWN_PROBLEMS:
                        report.problems.append(
                            Problem(number, parsed.column, parsed.value, parsed.reason)
                        )
                    if rejected:
                        rejected.add(number, row, parsed)
                    continue
                pending.append((number, parsed))
                if len(pending) >= BATCH:
                    kinds = _create_kinds(session, conversion, kinds, report)
                    _write(
                        connection,
                        backend,
                        pending,
                        kinds,
                        names,
                        mapping.name,
                        report,
                        entry.id,
                        matcher,
                        loosely,
                    )
                    pending = []
            kinds = _create_kinds(session, conversion, kinds, report)
            _write(
                connection,
                backend,
                pending,
                kinds,
                names,
                mapping.name,
                report,
                entry.id,
                matcher,
                loosely,
            )
        if rejected:
            report.rejected_file = rejected.close()
    except BaseException:
        if rejected:
            rejected.discard()  # a failed import leaves no file of rejected rows
        raise
    if mapping.cases is not None and not dry_run and not report.invalid:
        from pressfree.exchange import cases

        report.cases = cases.from_extra(session, entry.id, mapping.cases, mapping.missing)
    session.info["batched"] = False  # edits of changed rows are revisions of their own
    _changes(session, report, update)
    if report.snapshot and not report.invalid:
        _reconcile(session, report, entry.id, retire and not dry_run)
    history.finish_import(
        session,
        entry,
        {
            "rows": report.rows,
            "added": report.added,
            "already_present": report.already_present,
            "changed": len(report.changed),
            "updated": report.updated,
            "invalid": report.invalid,
            "new_kinds": report.new_kinds,
            "not_incidents": len(report.not_incidents),
            "cases": report.cases,
            **(
                {"unmatched": report.unmatched, "retired": report.retired}
                if report.snapshot
                else {}
            ),
        },
    )
    report.import_id = entry.id
    if report.invalid and not skip_invalid:
        return report  # the caller rolls back: nothing is written
    if not dry_run and not report.invalid and not seen_before:
        # A file with rejected rows is not marked as imported, so that once fixed it can be
        # imported again (rows with ids are then skipped, rows without ids added again).
        session.add(
            ImportedFile(
                sha256=digest,
                name=file_label(path.name),
                dataset=mapping.name,
                rows=report.rows,
                imported_at=utcnow(),
            )
        )
        try:
            session.flush()
        except IntegrityError:  # another command imported the same file meanwhile
            raise PressfreeError(
                f"import: {file_label(path.name)} was imported by another command at the "
                "same time: nothing added"
            ) from None
    return report


def _reconcile(session: Session, report: ImportReport, import_id: int, retire: bool) -> None:
    """The stored incidents of the snapshot's dataset, dated within what it covers, that no
    row of it matched (by id, by its dataset's id, or by content); with retire, each is
    withdrawn (a revision of the import's own, so that undoing the import puts it back)."""
    from pressfree import incidents

    if report.covers is None:
        return
    first, last = report.covers
    rows = session.execute(
        select(Incident.id, Incident.public_id, Incident.dataset, Incident.external_id)
        .where(
            Incident.dataset == report.dataset,
            or_(Incident.import_id.is_(None), Incident.import_id != import_id),
            Incident.first_day >= first,
            Incident.last_day <= last,
            Incident.status != "withdrawn",
        )
        .order_by(Incident.first_day, Incident.last_day, Incident.public_id)
    ).all()
    report.unmatched = [
        public_id
        for incident_id, public_id, dataset, external_id in rows
        if incident_id not in report.matched
        and public_id not in report.seen_public
        and (external_id is None or (dataset, external_id) not in report.seen_external)
    ]
    if retire:
        for public_id in report.unmatched:
            incidents.edit(session, public_id, {"status": "withdrawn"})
        report.retired = bool(report.unmatched)


def _indexes(connection, backend, path: Path):
    """A file of INDEXES_SET_ASIDE_FROM bytes or more, read into a database holding no
    incident yet, is stored with the incident table's secondary indexes set aside and made
    again at the end (the backend's indexes_set_aside). Only then: were any incident
    stored, matching each batch against it would need those indexes."""
    from contextlib import nullcontext

    if (
        readers.size(path) < INDEXES_SET_ASIDE_FROM
        or connection.execute(select(Incident.id).limit(1)).first() is not None
    ):
        return nullcontext()
    return backend.indexes_set_aside(connection, Incident.__table__)


def _create_kinds(
    session, conversion: converting.Conversion, kinds: dict, report: ImportReport
) -> dict:
    fresh = {s: name for s, name in conversion.created_kinds.items() if s not in kinds}
    for slug, label in fresh.items():
        vocabulary.add_term(session, slug, label, "kind")
        report.new_kinds.append(slug)
    if fresh:
        kinds = dict(session.execute(select(Kind.slug, Kind.id)).all())
    return kinds


def _existing(connection, pending: list, dataset: str) -> tuple[set, set]:
    """Public ids, and (dataset, external id) pairs, of the batch already stored (as
    incidents, or merged into others)."""
    from pressfree.store.models import MergedIncident

    public = [p.public_id for _, p in pending if p.public_id]
    have_public: set = set()
    have_external: set = set()
    owners: dict = {}
    for _, p in pending:
        if p.external_id:
            owners.setdefault(_dataset(p, dataset), []).append(p.external_id)
    for model in (Incident, MergedIncident):
        for start in range(0, len(public), CHUNK):
            have_public.update(
                connection.execute(
                    select(model.public_id).where(
                        one_of(connection, model.public_id, public[start : start + CHUNK])
                    )
                ).scalars()
            )
        for owner, ids in owners.items():
            for start in range(0, len(ids), CHUNK):
                have_external.update(
                    (owner, e)
                    for e in connection.execute(
                        select(model.external_id).where(
                            model.dataset.is_(None) if owner is None else model.dataset == owner,
                            one_of(connection, model.external_id, ids[start : start + CHUNK]),
                        )
                    ).scalars()
                )
    return have_public, have_external


def _unmatched(
    connection,
    pending: list,
    report: ImportReport,
    matcher: Matcher,
    dataset: str,
    have_external: set,
    loosely: bool,
) -> list:
    """The batch without the rows that match stored incidents by content (matching.py):
    rows without ids, and rows whose id is new but whose incident was stored from an export
    without ids (it takes their id). Those already stored are counted, those changed kept
    for _changes."""
    groups: dict = {}
    asked: set = set()
    for index, (_, parsed) in enumerate(pending):
        owner = _dataset(parsed, dataset)
        key = (owner, parsed.external_id)
        if parsed.public_id or key in have_external or (parsed.external_id and key in asked):
            continue
        asked.add(key)
        if matcher.worth(owner, idless=bool(parsed.external_id)):
            content, identity = matching.hashes(parsed)
            groups.setdefault((owner, bool(parsed.external_id)), []).append(
                (index, parsed, content, identity)
            )
    if not groups:
        return pending
    found = matching.Matched()
    for (owner, with_id), rows in groups.items():
        matcher.match(rows, owner, found, idless=with_id, loosely=loosely)
    if not (found.stored or found.changed):
        return pending
    matched = {**found.stored, **found.changed}
    report.matched.update(matched.values())
    # A stored row takes the id its row has now; a changed one only when the change is
    # applied (--update), else a later --update would find it by the id and skip it.
    adopted = {found.stored[i]: pending[i][1] for i in found.stored if pending[i][1].external_id}
    _adopt_ids(connection, {i: p.external_id for i, p in adopted.items()})
    # a later row of the batch with the same id is then already present
    have_external.update(
        (_dataset(pending[i][1], dataset), pending[i][1].external_id)
        for i in matched
        if pending[i][1].external_id
    )
    report.already_present += len(found.stored)
    public = (
        dict(
            connection.execute(
                select(Incident.id, Incident.public_id).where(
                    Incident.id.in_(list(found.changed.values()))
                )
            ).all()
        )
        if found.changed
        else {}
    )
    hashes = {
        index: (content, identity)
        for rows in groups.values()
        for index, _, content, identity in rows
    }
    for index, incident_id in found.changed.items():
        number, parsed = pending[index]
        report.changed.append(
            Change(
                number,
                public[incident_id],
                [],
                parsed,
                () if index in found.loose else hashes[index],
            )
        )
    return [row for index, row in enumerate(pending) if index not in matched]


def _adopt_ids(connection, ids: dict[int, str]) -> None:
    """Stored incidents that a row with an id matched take that id, so that later exports
    find them by it."""
    from sqlalchemy import update

    for incident_id, external_id in ids.items():
        connection.execute(
            update(Incident).where(Incident.id == incident_id).values(external_id=external_id)
        )


def _dataset(parsed: ParsedRow, dataset: str) -> str | None:
    """Rows of pressfree's own exports carry their dataset; other rows get the mapping's."""
    return (parsed.dataset or None) if parsed.dataset is not None else dataset


def _changes(session: Session, report: ImportReport, update: bool) -> None:
    """Say which fields of each changed row differ; with update, apply them as edits (each
    a revision of its own, after the import's)."""
    from pressfree import incidents

    changed = []
    for change in report.changed:
        stored = incidents.get(session, change.incident)
        wanted = matching.as_changes(change.parsed)
        if not change.hashes:  # matched loosely, by a day within the stored date: a layout
            del wanted["date"]  # with no flag for "only the month is known" keeps it
        change.fields = [
            name for name, value in wanted.items() if matching.differs(getattr(stored, name), value)
        ]
        if not change.fields:  # the same incident, said in other words: nothing to change
            report.already_present += 1
            continue
        changed.append(change)
        if update:  # lists are added to, never cut: a later layout may lack a column
            _apply(session, change, wanted, stored)
        change.parsed = None
    report.changed = sorted(changed, key=lambda c: c.row)
    report.updated = update and bool(changed)
    session.flush()


def _apply(session: Session, change: Change, wanted: dict, stored) -> None:
    """One changed row applied as one revision: its fields, and what matches the incident
    to later exports (the row's id, extra fields and hashes), so that undoing the import
    puts all of it back."""
    from pressfree import history, incidents
    from pressfree.schemas import plain

    wanted["sources"] = [
        s
        for s in wanted["sources"]  # none cited twice
        if matching.differs(stored.sources, [s])
    ]
    row = incidents.find(session, change.incident)
    before = {**plain(stored), **incidents.hidden(row)}
    with history.as_one(session):
        incidents.edit(session, change.incident, wanted)
    if change.parsed.external_id and not row.external_id:
        row.external_id = change.parsed.external_id  # it takes the row's id now
    row.extra = {**(row.extra or {}), **(change.parsed.extra or {})} or None
    if change.hashes:  # a loose match keeps what the fuller row it matched said
        row.content_hash, row.identity_hash = change.hashes
    session.flush()
    work.changed(
        session,
        "incident",
        change.incident,
        before,
        {**plain(incidents.get(session, change.incident)), **incidents.hidden(row)},
    )


def _write(
    connection,
    backend,
    pending: list,
    kinds: dict,
    names: _Names,
    dataset: str,
    report: ImportReport,
    import_id: int,
    matcher: Matcher,
    loosely: bool,
) -> None:
    """Insert one batch through SQLAlchemy Core (executemany), ids reserved up front."""
    if not pending:
        return
    for _, parsed in pending:  # what a snapshot holds (its coverage, its ids)
        first, last = report.covers or (parsed.first, parsed.last)
        report.covers = (min(first, parsed.first), max(last, parsed.last))
        if not report.snapshot:  # a million ids kept for nothing took 100 MB
            continue
        if parsed.public_id:
            report.seen_public.add(parsed.public_id)
        if parsed.external_id:
            report.seen_external.add((_dataset(parsed, dataset), parsed.external_id))
    have_public, have_external = _existing(connection, pending, dataset)
    pending = _unmatched(connection, pending, report, matcher, dataset, have_external, loosely)
    fresh: list[ParsedRow] = []
    for _, parsed in pending:
        key_public = parsed.public_id
        key_external = (
            (_dataset(parsed, dataset), parsed.external_id) if parsed.external_id else None
        )
        if key_public in have_public or key_external in have_external:
            report.already_present += 1
            continue
        # an id repeated within the file counts once, like one already in the database
        if key_public:
            have_public.add(key_public)
        if key_external:
            have_external.add(key_external)
        fresh.append(parsed)
    if not fresh:
        return
    # Rows of another tracker's file may come again without ids: their hashes match them.
    # So do those of pressfree's own exports that carry such a row (its dataset).
    hashes = {id(p): matching.hashes(p) for p in fresh if not p.public_id or _dataset(p, dataset)}
    insert_incidents(connection, backend, fresh, kinds, names, dataset, import_id, hashes)
    report.added += len(fresh)


def insert_incidents(
    connection,
    backend,
    fresh: list[ParsedRow],
    kinds: dict,
    names: _Names,
    dataset: str | None,
    import_id: int,
    hashes: dict,
) -> list[tuple[int, str]]:
    """New incidents in bulk, with their links, updates and search entries, through
    SQLAlchemy Core (COPY on PostgreSQL), ids reserved up front: an import's batch, or a
    document's (a copy). `hashes` holds the (content, identity) hashes of the rows that
    carry them, by id(row). Returns each row's (id, public id)."""
    from pressfree.store.models import new_public_ids

    now = incident_now()
    made = iter(new_public_ids(sum(not p.public_id for p in fresh)))
    incident_rows = [
        {
            "public_id": p.public_id or next(made),
            "first_day": p.first,
            "last_day": p.last,
            "date_precision": p.precision,
            "country": p.country,
            "region": p.region,
            "city": p.city,
            "perpetrator": p.perpetrator,
            "summary": p.summary,
            "public_summary": p.public_summary,
            "status": p.status,
            "restricted": p.restricted,
            "latitude": p.latitude,
            "longitude": p.longitude,
            "created_at": p.created_at or now,
            "updated_at": p.updated_at or p.created_at or now,
            "dataset": _dataset(p, dataset),
            "external_id": p.external_id,
            "extra": p.extra,
            "content_hash": hashes.get(id(p), (None, None))[0],
            "identity_hash": hashes.get(id(p), (None, None))[1],
            # rows of a file never say who is still held: they open no custody periods
            # (a document says whether each of its incidents does)
            "opens_custody": p.opens_custody,
            "import_id": import_id,
        }
        for p in fresh
    ]
    ids = backend.reserve_ids(connection, Incident.__table__, len(incident_rows))
    for row, incident_id in zip(incident_rows, ids):
        row["id"] = incident_id
    backend.insert_rows(connection, Incident.__table__, incident_rows)
    unnamed = [
        (row, n)
        for row, p in enumerate(fresh)
        for n in dict.fromkeys(p.journalists)
        if names.is_unnamed(n)
    ]
    unnamed_ids = dict(zip(unnamed, names.unnamed([n for _, n in unnamed])))
    people = names.ids(
        "person", [n for p in fresh for n in p.journalists if not names.is_unnamed(n)]
    )
    outlets = names.ids("outlet", [n for p in fresh for n in p.outlets])
    # the sources updates cite, as sources: (url, title, publisher, published)
    cited_by_updates = {
        (url, None, publisher, None) for p in fresh for _, _, url, publisher in p.updates
    } - {(None, None, None, None)}
    by_url: dict = {}
    for source in (s for p in fresh for s in p.sources if s[0]):
        by_url.setdefault(source[0], source)  # one row per URL: the first one seen wins
    for source in sorted((s for s in cited_by_updates if s[0]), key=str):
        by_url.setdefault(source[0], source)
    url_ids = names.ids("url", list(by_url.values()))
    plain_ids = names.ids(
        "plain",
        [s for p in fresh for s in p.sources if not s[0]]
        + [s for s in cited_by_updates if not s[0]],
    )
    links: dict = {
        IncidentKind.__table__: [],
        IncidentTag.__table__: [],
        IncidentJournalist.__table__: [],
        IncidentOutlet.__table__: [],
        IncidentSource.__table__: [],
    }
    cited: dict[int, list[int]] = {}
    for row_number, (incident_id, p) in enumerate(zip(ids, fresh)):
        links[IncidentKind.__table__] += [
            {"incident_id": incident_id, "kind_id": kinds[k]} for k in p.kinds
        ]
        links[IncidentTag.__table__] += [{"incident_id": incident_id, "tag": t} for t in p.tags]
        links[IncidentJournalist.__table__] += [
            {"incident_id": incident_id, "person_id": unnamed_ids.get((row_number, n)) or people[n]}
            for n in dict.fromkeys(p.journalists)
        ]
        links[IncidentOutlet.__table__] += [
            {"incident_id": incident_id, "outlet_id": outlets[n]} for n in p.outlets
        ]
        source_ids = dict.fromkeys(
            url_ids[by_url[s[0]]] if s[0] else plain_ids[s] for s in p.sources
        )
        cited[incident_id] = list(source_ids)
        links[IncidentSource.__table__] += [
            {"incident_id": incident_id, "source_id": s, "position": i}
            for i, s in enumerate(source_ids)
        ]
    for table, rows in links.items():
        backend.insert_rows(connection, table, rows)
    updates = [
        {
            "incident_id": incident_id,
            "first_day": when.first,
            "last_day": when.last,
            "date_precision": when.precision,
            "text": text,
            "created_at": now,
            "source_id": (
                url_ids[by_url[url]]
                if url
                else plain_ids[(None, None, publisher, None)]
                if publisher
                else None
            ),
        }
        for incident_id, p in zip(ids, fresh)
        for when, text, url, publisher in p.updates
    ]
    if updates:
        connection.execute(insert(IncidentUpdate), updates)
    # sources as stored (a URL cited before keeps its first title)
    said = _source_texts(connection, {s for ids_ in cited.values() for s in ids_})
    work.indexed(
        connection,
        {
            incident_id: (
                search.row_texts(
                    p.summary,
                    p.perpetrator,
                    p.city,
                    p.region,
                    p.tags,
                    [said[s] for s in cited[incident_id]],
                )
                + [text for _, text, _, _ in p.updates],
                [unnamed_ids.get((row, n)) or people[n] for n in dict.fromkeys(p.journalists)],
                [outlets[n] for n in dict.fromkeys(p.outlets)],
            )
            for row, (incident_id, p) in enumerate(zip(ids, fresh))
        },
    )
    return [(i, row["public_id"]) for i, row in zip(ids, incident_rows)]


def _source_texts(connection, source_ids: set[int]) -> dict[int, tuple]:
    wanted = list(source_ids)
    found: dict[int, tuple] = {}
    for start in range(0, len(wanted), CHUNK):
        found.update(
            (i, (title, publisher))
            for i, title, publisher in connection.execute(
                select(Source.id, Source.title, Source.publisher).where(
                    one_of(connection, Source.id, wanted[start : start + CHUNK])
                )
            )
        )
    return found


class _Rejected:
    """The rows --skip-invalid left out, with the reason, in a CSV beside the input: private
    (it holds rows of the file) and written whole, or not at all if the import fails."""

    def __init__(self, path: Path, to: Path | None = None):
        from pressfree.store.private_files import WholeFile

        self.path = to or path.with_name(f"{path.stem}.rejected.csv")
        self.whole = WholeFile(self.path, "--rejected" if to else "--skip-invalid")
        self.handle = None
        self.writer = None
        self.columns: list[str] = []

    def add(self, number: int, row: dict, error: RowError) -> None:
        if self.writer is None:
            self.columns = [c for c in row if c != "__width__"]
            self.handle = self.whole.open("w")
            self.writer = csv.writer(self.handle)
            self.writer.writerow(["row", "column", "value", "reason", *self.columns])
        self.writer.writerow(
            [
                number,
                error.column,
                error.value,
                error.reason,
                *[_cell(row.get(c)) for c in self.columns],
            ]
        )

    def close(self) -> str | None:
        """Put the file in place; None when no row was rejected."""
        if self.handle is None:
            return None
        self.handle.close()
        self.whole.commit()
        return str(self.path)

    def discard(self) -> None:
        if self.handle is not None:
            self.handle.close()
        self.whole.discard()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)
