"""The incidents of a pressfree document, loaded in bulk: each entry checked by the rules
every incident takes (IncidentIn, the extra fields, a dated update's), then written a batch
at a time by the import's own bulk path (loader.insert_incidents: COPY on PostgreSQL), so
that a copy of 200,000 incidents into a server takes statements by the batch, not by the
row."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from pressfree import evidence, own_fields, vocabulary, work
from pressfree.errors import InvalidValue
from pressfree.exchange import loader, matching
from pressfree.exchange.convert import ParsedRow
from pressfree.schemas import (
    INCIDENT_FIELDS,
    IncidentIn,
    checked_update,
    clean_text,
    extra_problem,
    validated,
)
from pressfree.store.db import backend_for, one_of
from pressfree.store.models import Incident, Kind, MergedIncident, incident_now, new_public_ids

CHUNK = 500  # values per IN (...) list


class Loading:
    """The incidents of one document, as its entries come: `add` checks one (raising what
    is wrong with it, for the caller to place), `flush` writes those waiting."""

    def __init__(
        self,
        session: Session,
        import_id: int,
        counts: dict[str, int],
        files: dict[str, Callable[[], bytes]] | None = None,
    ):
        self.session, self.import_id, self.counts = session, import_id, counts
        self.files = files or {}  # sha256 -> reads an evidence file given beside the document
        self.connection = session.connection()
        self.backend = backend_for(self.connection.dialect.name)
        self.names = loader._Names(self.connection, self.backend)  # type: ignore[no-untyped-call]
        self.kinds: dict[str, int] = dict(
            session.execute(select(col(Kind.slug), col(Kind.id))).all()
        )
        self.waiting: list[tuple[dict[str, Any], ParsedRow]] = []
        self.own = own_fields.defined(session)
        self.external: dict[
            tuple[Any, ...], str
        ] = {}  # (dataset, external id) -> public id, this load
        self.stored_as: dict[str, str] = {}  # a document's id -> the id it is stored under
        self.attachments: dict[int, list[dict[str, Any]]] = {}  # id(row) -> its evidence

    def add(self, item: dict[str, Any]) -> None:
        """Check one entry and keep it for the next flush."""
        self.waiting.append((item, self._row(item)))

    @property
    def full(self) -> bool:
        return len(self.waiting) >= loader.BATCH

    def _row(self, item: dict[str, Any]) -> ParsedRow:
        """One entry as a row of the bulk path, checked as `add` and `note` check theirs."""
        fields = {k: item.get(k) for k in INCIDENT_FIELDS}
        draft: Any = validated(IncidentIn, **{k: v for k, v in fields.items() if v is not None})
        if unknown := [k for k in draft.kinds if k not in self.kinds]:
            vocabulary.ids_for(self.session, unknown, "kind")  # says which, and what is known
        external_id = clean_text(as_text(item.get("external_id")), "external_id")
        dataset = clean_text(as_text(item.get("dataset")), "dataset")
        extra = item.get("extra")
        if extra is not None and not isinstance(extra, dict):
            raise InvalidValue("extra", extra, "must be a JSON object")
        if extra and (found := extra_problem(extra)):
            raise InvalidValue(*found)
        if extra and self.own:  # the database's own fields, checked by their types
            extra = own_fields.checked(self.own, extra)
        # An incident imported from a file opened no custody period where it came from, and
        # does not here (documents of pressfree 0.1.0 do not say so: a dataset tells).
        opens = item.get("opens_custody", dataset is None)
        if not isinstance(opens, bool):
            raise InvalidValue("opens_custody", opens, "must be true or false")
        row = matching.row_of(draft, dataset)
        row.public_id = item.get("id")
        row.external_id = external_id
        row.extra = extra or None
        row.opens_custody = opens
        now = incident_now()
        row.created_at = timestamp(item.get("created_at"), "created_at") or now
        row.updated_at = timestamp(item.get("updated_at"), "updated_at") or now
        if attached := evidence.checked_attachments(item.get("attachments")):
            self.attachments[id(row)] = attached
        for number, update in enumerate(
            listed(item, "updates", dict, "must be a list of JSON objects")
        ):
            try:
                when, words, given = checked_update(
                    update.get("text"), update.get("date"), update.get("source"),
                    update.get("publisher"),
                )  # fmt: skip
                if when.last < draft.date.first:
                    raise InvalidValue(
                        "--date", str(when), f"is before the incident ({draft.date})"
                    )
            except InvalidValue as error:
                raise error.at(f"updates[{number}]") from None
            row.updates.append(
                (when, words, given.url if given else None, given.publisher if given else None)
            )
        return row

    def flush(self) -> None:
        """Write the waiting rows: those whose dataset's row is stored already (under another
        id: an export of another database that imported the same file) are not added again,
        and the document's id is noted as stored under the stored one."""
        waiting, self.waiting = self.waiting, []
        if not waiting:
            return
        stored = self._stored_external([row for _, row in waiting])
        hashes = {id(row): matching.hashes(row) for _, row in waiting if row.dataset is not None}
        candidates = self._stored_by_content(
            [(row.dataset, hashes[id(row)][0]) for _, row in waiting if id(row) in hashes]
        )
        claimed = self.session.info.setdefault("claimed", set())
        made = iter(new_public_ids(sum(not row.public_id for _, row in waiting)))
        fresh: list[ParsedRow] = []
        for item, row in waiting:
            key = (row.dataset, row.external_id)
            found = None
            if row.external_id:
                found = self.external.get(key) or stored.get(key)
            elif id(row) in hashes:  # first come, first served: each stored row answers once
                for incident_id, public_id in candidates.get((row.dataset, hashes[id(row)][0]), []):
                    if incident_id not in claimed:
                        claimed.add(incident_id)
                        found = public_id
                        break
            if found is not None:
                if item.get("id"):
                    self.stored_as[item["id"]] = found
                self.counts["skipped"] += 1
                continue
            fresh.append(row)
            if row.external_id:  # a later row of the document with this id is this one
                row.public_id = row.public_id or next(made)
                self.external[key] = row.public_id
        if not fresh:
            return
        added = loader.insert_incidents(
            self.connection, self.backend, fresh, self.kinds, self.names, None,
            self.import_id, hashes,
        )  # fmt: skip
        for row, (incident_id, _) in zip(fresh, added):
            if id(row) in hashes:
                claimed.add(incident_id)  # an identical row later in the document is new
            if attached := self.attachments.get(id(row)):
                self._take_given(attached)
                if left_out := evidence.put(self.session, incident_id, attached):
                    self.counts["files left out"] = self.counts.get("files left out", 0) + left_out
        self.attachments.clear()
        self.counts["incidents"] += len(fresh)
        # custody is derived from the detentions that open it (the unit of work, at once:
        # a detention a stored release contradicts is refused now, as `add` refuses it)
        work.incidents_changed(
            self.session,
            [i for row, (i, _) in zip(fresh, added) if row.opens_custody and row.journalists],
        )
        work.settle(self.session)

    def _take_given(self, attached: list[dict[str, Any]]) -> None:
        """Store the files given beside the document that these attachments name."""
        wanted = [a["sha256"] for a in attached if a["sha256"] in self.files]
        held = evidence.held_files(self.session, wanted)
        for sha256 in wanted:
            if sha256 not in held and evidence.take_file(
                self.session, sha256, self.files[sha256]()
            ):
                self.counts["files"] = self.counts.get("files", 0) + 1

    def _stored_external(self, rows: list[ParsedRow]) -> dict[tuple[Any, ...], str]:
        """(dataset, external id) -> the public id of the incident it is stored as, or was
        merged into, of the rows that carry one."""
        wanted: dict[str | None, list[str]] = {}
        for row in rows:
            if row.external_id:
                wanted.setdefault(row.dataset, []).append(row.external_id)
        found: dict[tuple[Any, ...], str] = {}
        for model in (MergedIncident, Incident):  # an incident's own row wins
            dataset_of, external_of = col(model.dataset), col(model.external_id)
            query = select(dataset_of, external_of, col(Incident.public_id))
            if model is MergedIncident:
                query = query.join(Incident, col(Incident.id) == MergedIncident.incident_id)
            for dataset, ids in wanted.items():
                owner = dataset_of.is_(None) if dataset is None else dataset_of == dataset
                for part in _chunks(ids):
                    found.update(
                        ((d, e), p)
                        for d, e, p in self.session.execute(
                            query.where(owner, one_of(self.session, external_of, part))
                        )
                    )
        return found

    def _stored_by_content(
        self, keys: list[tuple[Any, ...]]
    ) -> dict[tuple[Any, ...], list[tuple[int, str]]]:
        """(dataset, content hash) -> the stored incidents of that dataset holding it, oldest
        first (matching.stored_once, a batch at a time)."""
        wanted: dict[str | None, list[str]] = {}
        for dataset, content in keys:
            wanted.setdefault(dataset, []).append(content)
        found: dict[tuple[Any, ...], list[tuple[int, str]]] = {}
        for dataset, contents in wanted.items():
            dataset_of = col(Incident.dataset)
            owner = dataset_of.is_(None) if dataset is None else dataset_of == dataset
            for part in _chunks(list(dict.fromkeys(contents))):
                for incident_id, public_id, content in self.session.execute(
                    select(col(Incident.id), col(Incident.public_id), col(Incident.content_hash))
                    .where(owner, one_of(self.session, col(Incident.content_hash), part))
                    .order_by(col(Incident.id))
                ):
                    found.setdefault((dataset, content), []).append((incident_id, public_id))
        return found


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    return (values[i : i + CHUNK] for i in range(0, len(values), CHUNK))


def listed(item: dict[str, Any], key: str, expected: type, reason: str) -> list[Any]:
    """A list of a document's entry, each of its values of one expected (absent is empty)."""
    values = item.get(key) or []
    if not isinstance(values, list) or not all(isinstance(v, expected) for v in values):
        raise InvalidValue(key, str(values)[:60], reason)
    return values


def as_text(value: Any) -> Any:
    """An id in a document may be written as a number: keep it as text."""
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def timestamp(text: str | None, field: str) -> Any:
    from pressfree import dates

    return dates.parse_timestamp(text, field) if text else None
