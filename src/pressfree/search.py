"""Search: each incident's words and name sounds (kept by `refresh` whenever it changes), and
finding incidents by any words typed in any script, ranked.

Text is matched on names.fold (plain Latin, lower case) and names' sound keys, never on what
the user typed as query syntax: every query becomes a list of plain words, so quotes, *, -,
NEAR, AND, OR and brackets are only ever searched as text. Each word must match, as the start
of a word of the incident, or as the sound of a name in it. The index itself (FTS5 or a GIN
index) lives in the backend modules; ranking is done here, the same on both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select

from pressfree import names
from pressfree.errors import InvalidValue
from pressfree.store.db import one_of
from pressfree.store.models import (
    Incident,
    IncidentJournalist,
    IncidentOutlet,
    IncidentSearch,
    IncidentSource,
    IncidentTag,
    IncidentUpdate,
    Outlet,
    OutletAlias,
    Person,
    PersonAlias,
    Source,
)

CHUNK = 500
MAX_TERMS = 16  # words in a query: more would only slow the index down
# A sound key shorter than this ("Zhuk": "zk") says too little: such a word matches as a
# word only.
MIN_SOUND = 3


@dataclass(frozen=True)
class Term:
    word: str  # folded: matched as the start of a word
    sound: str  # names.sound: matched as a whole sound key of a name ("" for none)


def terms(text: str, field: str = "search") -> list[Term]:
    """The words of a query; a query with none (only punctuation) is refused."""
    words = list(dict.fromkeys(names.words(text or "")))
    if not words:
        raise InvalidValue(field, text or "", "has no letters or digits to search for")
    if len(words) > MAX_TERMS:
        raise InvalidValue(field, text, f"has {len(words)} words: search for at most {MAX_TERMS}")
    sounds = [names.sound(w) for w in words]
    return [Term(w, s if len(s) >= MIN_SOUND else "") for w, s in zip(words, sounds)]


def document(texts: Iterable[str | None], name_list: Iterable[str]) -> tuple[str, str]:
    """An incident's index entry: all its words folded, and its names' sound keys."""
    name_list = [n for n in name_list if n]
    words = " ".join(names.fold(t) for t in (*texts, *name_list) if t)
    sounds = " ".join(names.sound_key(n) for n in name_list)
    return words, sounds


def refresh(db, incident_ids: list[int]) -> None:
    """Rewrite the index entries of these incidents from what is stored now (db is a
    Session or a Connection, inside the caller's transaction). Only the unit of work
    (work.py) calls it."""
    for start in range(0, len(incident_ids), CHUNK):
        chunk = list(incident_ids[start : start + CHUNK])
        rows = documents(db, _gathered(db, chunk))
        db.execute(delete(IncidentSearch).where(IncidentSearch.incident_id.in_(chunk)))
        _insert(db, rows)


def expected(db, incident_ids: list[int]) -> dict[int, tuple[str, str]]:
    """The entries these incidents should have, from what is stored now (for `check`)."""
    found: dict[int, tuple[str, str]] = {}
    for start in range(0, len(incident_ids), CHUNK):
        rows = documents(db, _gathered(db, list(incident_ids[start : start + CHUNK])))
        found.update((r["incident_id"], (r["words"], r["sounds"])) for r in rows)
    return found


def _gathered(db, chunk: list[int]) -> dict[int, tuple[list, list, list]]:
    entries: dict[int, tuple[list, list, list]] = {}
    for row in db.execute(
        select(
            Incident.id, Incident.summary, Incident.perpetrator, Incident.city, Incident.region
        ).where(Incident.id.in_(chunk))
    ):
        entries[row[0]] = (list(row[1:]), [], [])
    for query, slot in _related(chunk):
        for incident_id, *values in db.execute(query):
            entries[incident_id][slot].extend(values)
    return entries


def write_entries(db, entries: dict[int, tuple[list, list[int], list[int]]]) -> None:
    """Write index entries of incidents that have none (just added, or whose old entries
    `refresh` removed): {incident id: (texts, person ids, outlet ids)}, texts as
    `row_texts` gives them."""
    _insert(db, documents(db, entries))


def documents(db, entries: dict[int, tuple[list, list[int], list[int]]]) -> list[dict]:
    """The index rows of incidents: {incident id: (texts, person ids, outlet ids)}. Names
    and aliases are read once for the whole batch."""
    people = {p for _, ids, _ in entries.values() for p in ids}
    outlets = {o for _, _, ids in entries.values() for o in ids}
    known: dict[tuple, list[str]] = {}
    for kind, wanted, model, alias, owner in (
        ("person", people, Person, PersonAlias, PersonAlias.person_id),
        ("outlet", outlets, Outlet, OutletAlias, OutletAlias.outlet_id),
    ):
        wanted = list(wanted)
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            for record_id, name in db.execute(
                select(model.id, model.name).where(one_of(db, model.id, chunk))
            ):
                known.setdefault((kind, record_id), []).insert(0, name)
            for record_id, name in db.execute(
                select(owner, alias.name).where(one_of(db, owner, chunk))
            ):
                known.setdefault((kind, record_id), []).append(name)
    rows = []
    for incident_id, (texts, person_ids, outlet_ids) in entries.items():
        named = [n for p in person_ids for n in known.get(("person", p), [])]
        named += [n for o in outlet_ids for n in known.get(("outlet", o), [])]
        words, sounds = document(texts, named)
        rows.append({"incident_id": incident_id, "words": words, "sounds": sounds})
    return rows


def _insert(db, rows: list[dict]) -> None:
    if rows:
        from sqlalchemy.orm import Session

        from pressfree.store.db import backend_for

        connection = db.connection() if isinstance(db, Session) else db
        backend_for(connection.dialect.name).insert_rows(connection, IncidentSearch.__table__, rows)


def row_texts(summary, perpetrator, city, region, tags, sources) -> list:
    """The texts of an incident's entry besides its names, in `refresh`'s order: sources
    as (title, publisher) pairs."""
    return [
        summary,
        perpetrator,
        city,
        region,
        *tags,
        *(part for title, publisher in sources for part in (title, publisher)),
    ]


def _related(chunk: list[int]):
    """(query, slot) pairs: texts (0) of tags, sources and updates, and the ids of people
    (1) and outlets (2), whose names and aliases write_entries reads."""
    yield (
        select(IncidentJournalist.incident_id, IncidentJournalist.person_id).where(
            IncidentJournalist.incident_id.in_(chunk)
        ),
        1,
    )
    yield (
        select(IncidentOutlet.incident_id, IncidentOutlet.outlet_id).where(
            IncidentOutlet.incident_id.in_(chunk)
        ),
        2,
    )
    yield (
        select(IncidentTag.incident_id, IncidentTag.tag).where(IncidentTag.incident_id.in_(chunk)),
        0,
    )
    yield (
        select(IncidentSource.incident_id, Source.title, Source.publisher)
        .join(Source, Source.id == IncidentSource.source_id)
        .where(IncidentSource.incident_id.in_(chunk)),
        0,
    )
    yield (
        select(IncidentUpdate.incident_id, IncidentUpdate.text).where(
            IncidentUpdate.incident_id.in_(chunk)
        ),
        0,
    )


# --- finding ------------------------------------------------------------------------------


def matching(session, query_terms: list[Term]):
    """A SELECT of the ids of incidents matching every term (through the backend's index)."""
    from pressfree.store.db import backend_for

    backend = backend_for(session.get_bind().dialect.name)
    return backend.search_ids(query_terms)


def among(session, incident_ids: list[int], query_terms: list[Term]) -> list[int]:
    """Those of the ids (in their order) whose entries match every term, by the rule the
    index applies (a word starting with the term, or a name sounding like it): for a few
    incidents chosen by other filters, reading their entries beats asking the index."""
    entries = _entries(session, incident_ids)
    return [i for i in incident_ids if i in entries and _matches(query_terms, *entries[i])]


def _entries(session, incident_ids: list[int]) -> dict[int, tuple[str, str]]:
    """The index entries (words, sounds) of these incidents."""
    found: dict[int, tuple[str, str]] = {}
    for start in range(0, len(incident_ids), CHUNK):
        found.update(
            (i, (w, s))
            for i, w, s in session.execute(
                select(
                    IncidentSearch.incident_id, IncidentSearch.words, IncidentSearch.sounds
                ).where(IncidentSearch.incident_id.in_(incident_ids[start : start + CHUNK]))
            )
        )
    return found


def _matches(query_terms: list[Term], words: str, sounds: str) -> bool:
    word_list, sound_set = words.split(), set(sounds.split())
    return all(
        any(w.startswith(t.word) for w in word_list) or (t.sound and t.sound in sound_set)
        for t in query_terms
    )


def score(query_terms: list[Term], words: str, sounds: str) -> int:
    """How well an incident matches: a whole word beats the start of one, which beats a
    name that only sounds the same."""
    word_set, sound_set = set(words.split()), set(sounds.split())
    total = 0
    for term in query_terms:
        if term.word in word_set:
            total += 3
        elif any(w.startswith(term.word) for w in word_set):
            total += 2
        elif term.sound and term.sound in sound_set:
            total += 1
    return total


def ranked(session, incident_ids: list[int], query_terms: list[Term]) -> list[int]:
    """The ids, best match first; ties newest first, as `list` orders."""
    scores = {
        i: score(query_terms, words, sounds)
        for i, (words, sounds) in _entries(session, incident_ids).items()
    }
    order = {i: n for n, i in enumerate(incident_ids)}  # incident_ids come newest first
    return sorted(incident_ids, key=lambda i: (-scores.get(i, 0), order[i]))


def highlighter(query_terms: list[Term]):
    """A function telling whether a word as shown (any script) is one the query matched."""

    def matched(word: str) -> bool:
        folded = names.fold(word)
        if not folded:
            return False
        parts = folded.split()
        return any(
            p.startswith(t.word) or (t.sound and names.sound(p) == t.sound)
            for p in parts
            for t in query_terms
        )

    return matched
