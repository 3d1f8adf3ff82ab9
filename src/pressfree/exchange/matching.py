"""Rows without ids, matched to what an earlier import of the same dataset stored.

Another tracker's later export repeats the incidents of its earlier one, often without any
id. Each row imported without an id keeps two hashes: of its whole mapped content, and of
who, when and where alone (its identity). A row of a later file is then
- already stored, when a stored incident of the dataset has its content hash;
- changed, when exactly one stored incident has its identity and no other row of its batch
  claims it (the source corrected a summary, added a tag);
- for a layout that names no one (the PFT's map CSV: date, place, kinds, tags), matched
  loosely, when a stored incident of the dataset has its dates, place and kinds: nothing
  more is there to tell it by;
- matched by its people, when its date is of another precision than a stored incident's
  (CPJ's download knows the year, its report download the day): the one stored incident
  of the dataset naming the same people, in the same country, whose date holds the row's
  or lies within it, with a kind in common;
- new otherwise.
Identical rows can be distinct incidents (two unnamed journalists detained the same day),
so matching is of multisets: each stored incident answers for one row only.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from pressfree import names
from pressfree.exchange.convert import ParsedRow
from pressfree.store.models import Incident

CHUNK = 2000


# One encoder for every row (json.dumps with options builds a new one each call); the text
# it writes, and so every stored hash, is the same.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def identity_of(p: ParsedRow) -> list:
    """Who, when and where; names as names.name_key has them (a name in another case is the
    same record, and shown as first stored)."""
    return [
        p.first,
        p.last,
        p.country,
        p.region,
        p.city,
        sorted(names.name_key(n) for n in p.journalists),
        sorted(names.name_key(n) for n in p.outlets),
    ]


def _content_of(p: ParsedRow) -> list:
    """Everything the mapping read into fields besides the identity; not the extra fields
    (the columns it did not use), which differ between an export's layouts while the
    incident stays the same."""
    return [
        p.precision,
        sorted(p.kinds),
        p.perpetrator,
        p.summary,
        p.status,
        sorted(p.tags),
        sorted([list(s) for s in p.sources], key=str),
    ]


def hashes(p: ParsedRow) -> tuple[str, str]:
    """(content hash: the whole mapped row; identity hash: who, when and where alone),
    worked out once for each row (a row is not changed once converted): where it was
    converted, when that was in a second process (exchange.converting)."""
    if p.hashes is None:
        identity = _ENCODER.encode(identity_of(p))
        # the text of the list identity + content, without encoding the identity twice:
        # both lists have seven items, joined by the encoder's own ", "
        whole = identity[:-1] + ", " + _ENCODER.encode(_content_of(p))[1:]
        p.hashes = (_digest(whole), _digest(identity))
    return p.hashes


@dataclass
class Matched:
    """What became of a batch's id-less rows: index in the batch -> stored incident id."""

    stored: dict[int, int] = field(default_factory=dict)
    changed: dict[int, int] = field(default_factory=dict)
    loose: set[int] = field(default_factory=set)  # changed rows matched loosely


class Matcher:
    """Matches the id-less rows of one import, batch by batch, against their dataset."""

    def __init__(self, connection, import_id: int | None = None):
        self.connection, self.import_id = connection, import_id
        self.claimed: set[int] = set()  # stored incidents that already answered for a row
        self.before: dict[tuple, bool] = {}

    def _earlier(self, dataset: str | None, idless: bool) -> list:
        """Incidents of the dataset stored before this import (its own rows never match
        each other: identical rows of one file are distinct incidents)."""
        where = [Incident.dataset.is_(None) if dataset is None else Incident.dataset == dataset]
        if self.import_id is not None:
            where.append(or_(Incident.import_id.is_(None), Incident.import_id != self.import_id))
        if idless:  # a row with an id of its own may only be one stored without any
            where.append(Incident.external_id.is_(None))
        return where

    def worth(self, dataset: str | None, idless: bool) -> bool:
        """Whether anything was stored before that rows of the dataset could match (the
        first import of a dataset asks nothing more)."""
        key = (dataset, idless)
        if key not in self.before:
            self.before[key] = (
                self.connection.execute(
                    select(Incident.id).where(*self._earlier(dataset, idless)).limit(1)
                ).first()
                is not None
            )
        return self.before[key]

    def _stored(
        self, column, hashes: list[str], dataset: str | None, idless: bool
    ) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        where = self._earlier(dataset, idless)
        for start in range(0, len(hashes), CHUNK):
            for incident_id, value in self.connection.execute(
                select(Incident.id, column)
                .where(*where, column.in_(hashes[start : start + CHUNK]))
                .order_by(Incident.id)
            ):
                if incident_id not in self.claimed:
                    found.setdefault(value, []).append(incident_id)
        return found

    def match(
        self,
        rows: list[tuple[int, ParsedRow, str, str]],
        dataset: str | None,
        result: Matched,
        idless: bool = False,
        loosely: bool = False,
    ) -> None:
        """rows: (index, row, content hash, identity hash) of a batch's rows of one dataset,
        all without ids or all with ids not stored (idless: match only incidents stored
        without one); what they match is added to result. loosely: the rows' layout names
        no one, so dates, place and kinds are all they can be told by."""
        by_content = self._stored(
            Incident.content_hash, list({r[2] for r in rows}), dataset, idless
        )
        rest = []
        for index, row, content, identity in rows:
            candidates = by_content.get(content)
            if candidates:
                incident_id = candidates.pop(0)
                self.claimed.add(incident_id)
                result.stored[index] = incident_id
            else:
                rest.append((index, identity, row.summary))
        if not rest:
            return
        if loosely:
            self._loosely(
                {index: row for index, row, _, _ in rows},
                [r[0] for r in rest],
                dataset,
                result,
                idless,
            )
            return
        by_identity = self._stored(
            Incident.identity_hash, list({r[1] for r in rest}), dataset, idless
        )
        wanted = Counter(identity for _, identity, _ in rest)
        summaries = self._summaries([i for ids in by_identity.values() for i in ids])
        kinds = self._kinds([i for ids in by_identity.values() for i in ids])
        rows_at = {index: row for index, row, _, _ in rows}
        for index, identity, summary in rest:
            # the same people, day and place, but no kind in common: another incident (a
            # journalist imprisoned, then killed, in one year)
            candidates = [
                i
                for i in by_identity.get(identity) or []
                if i not in self.claimed and set(rows_at[index].kinds) & kinds.get(i, set())
            ]
            if not (len(candidates) == 1 and wanted[identity] == 1):
                # several alike (same day, place and targets): only the same summary tells
                candidates = [i for i in candidates if summaries.get(i) == summary][:1]
            if candidates:
                self.claimed.add(candidates[0])
                result.changed[index] = candidates[0]
        unmatched = [i for i, _, _ in rest if i not in result.changed]
        if unmatched:
            self._by_people(rows_at, unmatched, dataset, result, idless)

    def _loosely(
        self,
        rows: dict[int, ParsedRow],
        indexes: list[int],
        dataset: str | None,
        result: Matched,
        idless: bool,
    ) -> None:
        """Rows matched by place, dates and kinds: a stored incident of the same country,
        region and city whose kinds include the row's. First those dated the same (the
        same kinds and tags before the same tags, before any); then, for what is left, one
        stored to the month or year around the row's day (such a layout has no flag for a
        day that is not known), when nothing tells the stored incidents it could be apart
        and no other row wants them. Each answers for one row; they are "changed", and
        found already stored when they change nothing."""
        from datetime import date

        starts = sorted(
            {
                d
                for i in indexes
                for d in (
                    rows[i].first,
                    date(rows[i].first.year, rows[i].first.month, 1),
                    date(rows[i].first.year, 1, 1),
                )
            }
        )
        where = self._earlier(dataset, idless)
        stored: dict[tuple, list[tuple]] = {}
        for start in range(0, len(starts), CHUNK):
            for incident_id, first, last, *place in self.connection.execute(
                select(
                    Incident.id,
                    Incident.first_day,
                    Incident.last_day,
                    Incident.country,
                    Incident.region,
                    Incident.city,
                )
                .where(*where, Incident.first_day.in_(starts[start : start + CHUNK]))
                .order_by(Incident.id)
            ):
                if incident_id not in self.claimed:
                    stored.setdefault(tuple(place), []).append((incident_id, first, last))
        ids = [i for found in stored.values() for i, _, _ in found]
        kinds, tags = self._kinds(ids), self._tags(ids)

        def fits(index: int, exact: bool) -> list[int]:
            row = rows[index]
            return [
                incident_id
                for incident_id, first, last in stored.get((row.country, row.region, row.city), [])
                if incident_id not in self.claimed
                and set(row.kinds) <= kinds.get(incident_id, set())
                and (
                    (first, last) == (row.first, row.last)
                    if exact
                    else first <= row.first and row.last <= last
                )
            ]

        def take(index: int, incident_id: int) -> None:
            self.claimed.add(incident_id)
            result.changed[index] = incident_id
            result.loose.add(index)

        # the closest first: the same kinds and tags, then the same tags, then any
        for closeness in (2, 1, 0):
            for index in indexes:
                if index not in result.changed:
                    row = rows[index]
                    found = [
                        i
                        for i in fits(index, exact=True)
                        if closeness == 0
                        or (
                            tags.get(i, set()) == set(row.tags)
                            and (closeness == 1 or kinds.get(i, set()) == set(row.kinds))
                        )
                    ]
                    if found:
                        take(index, found[0])
        # Around the day: the stored incidents a set of rows could be must be alike (the
        # same dates, kinds and tags: nothing tells them apart, the multiset rule), wanted by
        # no other row, and at least as many as the rows; then they are paired off.
        dated = {i: (first, last) for found in stored.values() for i, first, last in found}
        alike = {
            i: (dated[i], frozenset(kinds.get(i, ())), frozenset(tags.get(i, ()))) for i in ids
        }
        wanted: dict[tuple, list[int]] = {}
        groups: dict[tuple, list[int]] = {}
        for index in (i for i in indexes if i not in result.changed):
            found = tuple(fits(index, exact=False))
            if found:
                groups.setdefault(found, []).append(index)
                wanted[found] = list(found)
        asked = Counter(i for found in wanted for i in found)
        for found, members in groups.items():
            # stored incidents that cannot be told apart answer for as many rows, in turn
            if (
                len({alike[i] for i in found}) == 1
                and all(asked[i] == 1 for i in found)
                and len(members) <= len(found)
            ):
                for index, incident_id in zip(members, found):
                    take(index, incident_id)

    def _by_people(
        self,
        rows: dict[int, ParsedRow],
        indexes: list[int],
        dataset: str | None,
        result: Matched,
        idless: bool,
    ) -> None:
        """Rows matched to the one stored incident naming exactly the same people, in the
        same country, dated with another precision around the same time, with a kind in
        common and no outlet that differs. A placeholder ("[full name unavailable]") names
        nobody, so there the same outlets and city are needed too. Each answers for one
        row, and a stored incident two rows could be is left alone."""
        from pressfree.store.models import IncidentJournalist, Person

        people = {i: sorted(names.name_key(n) for n in rows[i].journalists) for i in indexes}
        keys = sorted({k for found in people.values() for k in found})
        if not keys:
            return
        where = self._earlier(dataset, idless)
        candidates: set[int] = set()
        for start in range(0, len(keys), CHUNK):
            candidates.update(
                self.connection.execute(
                    select(IncidentJournalist.incident_id)
                    .join(Person, Person.id == IncidentJournalist.person_id)
                    .join(Incident, Incident.id == IncidentJournalist.incident_id)
                    .where(*where, Person.name_key.in_(keys[start : start + CHUNK]))
                ).scalars()
            )
        ids = sorted(candidates - self.claimed)
        if not ids:
            return
        named: dict[int, list[str]] = {}
        unnamed: set[int] = set()
        facts: dict[int, tuple] = {}
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            for incident_id, key, placeholder in self.connection.execute(
                select(IncidentJournalist.incident_id, Person.name_key, Person.placeholder)
                .join(Person, Person.id == IncidentJournalist.person_id)
                .where(IncidentJournalist.incident_id.in_(chunk))
            ):
                named.setdefault(incident_id, []).append(key)
                if placeholder:
                    unnamed.add(incident_id)
            for incident_id, *fact in self.connection.execute(
                select(
                    Incident.id,
                    Incident.first_day,
                    Incident.last_day,
                    Incident.date_precision,
                    Incident.country,
                    Incident.city,
                ).where(Incident.id.in_(chunk))
            ):
                facts[incident_id] = tuple(fact)
        kinds, outlets = self._kinds(ids), self._outlets(ids)

        def agree(incident_id: int, row: ParsedRow) -> bool:
            mine, theirs = {names.name_key(o) for o in row.outlets}, outlets.get(incident_id, set())
            if incident_id in unnamed:  # a placeholder: its outlet and city tell who
                return bool(mine) and mine == theirs and facts[incident_id][4] == row.city
            return not (mine and theirs) or mine == theirs

        wanted: dict[int, list[int]] = {}
        for index in indexes:
            row = rows[index]
            wanted[index] = [
                incident_id
                for incident_id in ids
                if sorted(named.get(incident_id, [])) == people[index]
                and (f := facts[incident_id])[3] == row.country
                and f[2] != row.precision
                and set(row.kinds) & kinds.get(incident_id, set())
                and agree(incident_id, row)
                and (f[0] <= row.first <= row.last <= f[1] or row.first <= f[0] <= f[1] <= row.last)
            ]
        asked = Counter(i for found in wanted.values() for i in found)
        for index, found in wanted.items():
            if len(found) == 1 and asked[found[0]] == 1 and found[0] not in self.claimed:
                self.claimed.add(found[0])
                result.changed[index] = found[0]
                result.loose.add(index)

    def _sets(self, query, incident_ids: list[int]) -> dict[int, set[str]]:
        """incident id -> the values `query` (a SELECT of (incident id, value)) gives for it,
        read a chunk of ids at a time."""
        found: dict[int, set[str]] = {}
        ids = query.selected_columns[0]
        for start in range(0, len(incident_ids), CHUNK):
            for incident_id, value in self.connection.execute(
                query.where(ids.in_(incident_ids[start : start + CHUNK]))
            ):
                found.setdefault(incident_id, set()).add(value)
        return found

    def _outlets(self, incident_ids: list[int]) -> dict[int, set[str]]:
        from pressfree.store.models import IncidentOutlet, Outlet

        return self._sets(
            select(IncidentOutlet.incident_id, Outlet.name_key).join(
                Outlet, Outlet.id == IncidentOutlet.outlet_id
            ),
            incident_ids,
        )

    def _kinds(self, incident_ids: list[int]) -> dict[int, set[str]]:
        from pressfree.store.models import IncidentKind, Kind

        return self._sets(
            select(IncidentKind.incident_id, Kind.slug).join(Kind, Kind.id == IncidentKind.kind_id),
            incident_ids,
        )

    def _tags(self, incident_ids: list[int]) -> dict[int, set[str]]:
        from pressfree.store.models import IncidentTag

        return self._sets(select(IncidentTag.incident_id, IncidentTag.tag), incident_ids)

    def _summaries(self, incident_ids: list[int]) -> dict[int, str | None]:
        found = {}
        for start in range(0, len(incident_ids), CHUNK):
            found.update(
                self.connection.execute(
                    select(Incident.id, Incident.summary).where(
                        Incident.id.in_(incident_ids[start : start + CHUNK])
                    )
                ).all()
            )
        return found


def row_of(draft, dataset: str | None) -> ParsedRow:
    """An incident of a pressfree document as the row its dataset's file gave (to match
    it the way rows of files are matched)."""
    from datetime import date

    return ParsedRow(
        first=draft.date.first,
        last=draft.date.last,
        precision=draft.date.precision,
        kinds=list(draft.kinds),
        dataset=dataset,
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
        journalists=list(draft.journalists),
        outlets=list(draft.outlets),
        tags=list(draft.tags),
        sources=[
            (
                s.url,
                s.title,
                s.publisher,
                date.fromisoformat(s.published) if isinstance(s.published, str) else s.published,
            )
            for s in draft.sources
        ],
    )


def claim(session, incident_id: int) -> None:
    """This incident answers for a row of what is being loaded: no other row matches it."""
    session.info.setdefault("claimed", set()).add(incident_id)


def stored_once(session, dataset: str | None, content: str) -> str | None:
    """The public id of an incident of the dataset with this content, stored and not yet
    claimed by another row of what is being loaded (then it is claimed); else None."""
    where = Incident.dataset.is_(None) if dataset is None else Incident.dataset == dataset
    claimed = session.info.setdefault("claimed", set())
    for incident_id, public_id in session.execute(
        select(Incident.id, Incident.public_id)
        .where(where, Incident.content_hash == content)
        .order_by(Incident.id)
    ).all():
        if incident_id not in claimed:
            claimed.add(incident_id)
            return public_id
    return None


def as_changes(p: ParsedRow) -> dict:
    """A row as the changes `incidents.edit` takes, to make a stored incident say it."""
    from pressfree import dates

    return {
        "date": str(dates.from_stored(p.first, p.last, p.precision)),
        "kinds": p.kinds,
        "country": p.country,
        "region": p.region,
        "city": p.city,
        "journalists": p.journalists,
        "outlets": p.outlets,
        "perpetrator": p.perpetrator,
        "summary": p.summary,
        "status": p.status,
        "tags": p.tags,
        "sources": [
            {
                "url": url,
                "title": title,
                "publisher": publisher,
                "published": published.isoformat() if published else None,
            }
            for url, title, publisher, published in p.sources
        ],
    }


def differs(stored, wanted) -> bool:
    """Whether a row would change a stored value (of an IncidentRecord) as an edit does:
    a value it gives that differs, or an item of a list the stored one lacks."""
    if isinstance(wanted, list):
        if wanted and isinstance(wanted[0], dict):  # sources: by URL, else by publisher
            return not all(_cited(w, stored) for w in wanted)
        return bool(set(wanted) - set(stored or []))
    return wanted is not None and stored != wanted


def _cited(wanted: dict, stored: list) -> bool:
    """A row's source is stored already: its URL, or (without one) its publisher and title."""
    if wanted["url"]:
        return any(s.url == wanted["url"] for s in stored)
    return any(
        s.publisher == wanted["publisher"] and wanted["title"] in (None, s.title) for s in stored
    )
