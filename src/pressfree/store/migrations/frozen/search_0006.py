"""Frozen for migration 0006 (see __init__): the search entries of schema 6, as search.py
wrote them on 2026-12-07, read with plain SQL on the tables of that schema (no models)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from pressfree.store.migrations.frozen import names_0006 as names

CHUNK = 500


def document(texts: Iterable[str | None], name_list: Iterable[str]) -> tuple[str, str]:
    """An incident's entry: all its words folded, and its names' sound keys."""
    name_list = [n for n in name_list if n]
    words = " ".join(names.fold(t) for t in (*texts, *name_list) if t)
    sounds = " ".join(names.sound_key(n) for n in name_list)
    return words, sounds


def refresh(bind: Connection, incident_ids: list[int]) -> None:
    """Write the entries of these incidents (which have none yet)."""
    for start in range(0, len(incident_ids), CHUNK):
        chunk = list(incident_ids[start : start + CHUNK])
        wanted = {"ids": chunk}
        texts: dict[int, list[str | None]] = {}
        people: dict[int, list[int]] = {i: [] for i in chunk}
        outlets: dict[int, list[int]] = {i: [] for i in chunk}
        for row in bind.execute(
            sa.text(
                "SELECT id, summary, perpetrator, city, region FROM incident WHERE id IN :ids"
            ).bindparams(sa.bindparam("ids", expanding=True)),
            wanted,
        ):
            texts[row[0]] = list(row[1:])
        for query, into in (
            ("SELECT incident_id, person_id FROM incident_journalist", people),
            ("SELECT incident_id, outlet_id FROM incident_outlet", outlets),
        ):
            for incident_id, owner in _rows(bind, query, wanted):
                into[incident_id].append(owner)
        for query in (
            "SELECT incident_id, tag FROM incident_tag",
            "SELECT l.incident_id, s.title, s.publisher FROM incident_source l "
            "JOIN source s ON s.id = l.source_id",
            "SELECT incident_id, text FROM incident_update",
        ):
            for incident_id, *values in _rows(bind, query, wanted, "incident_id"):
                texts[incident_id].extend(values)
        known = _names(bind, people, outlets)
        rows = []
        for incident_id in chunk:
            if incident_id not in texts:
                continue
            named = [n for p in people[incident_id] for n in known.get(("person", p), [])]
            named += [n for o in outlets[incident_id] for n in known.get(("outlet", o), [])]
            words, sounds = document(texts[incident_id], named)
            rows.append({"i": incident_id, "w": words, "s": sounds})
        if rows:
            bind.execute(
                sa.text(
                    "INSERT INTO incident_search (incident_id, words, sounds) VALUES (:i, :w, :s)"
                ),
                rows,
            )


def _rows(
    bind: Connection, query: str, wanted: dict[str, list[int]], column: str = "incident_id"
) -> list[tuple[Any, ...]]:
    where = " WHERE " if " WHERE " not in query else " AND "
    qualified = f"l.{column}" if " l " in query else column
    result = bind.execute(
        sa.text(f"{query}{where}{qualified} IN :ids").bindparams(
            sa.bindparam("ids", expanding=True)
        ),
        wanted,
    )
    return [tuple(row) for row in result]


def _names(
    bind: Connection, people: dict[int, list[int]], outlets: dict[int, list[int]]
) -> dict[tuple[str, int], list[str]]:
    """Each person's and outlet's name, then its aliases."""
    known: dict[tuple[str, int], list[str]] = {}
    for kind, owners, table, alias, owner in (
        ("person", people, "person", "person_alias", "person_id"),
        ("outlet", outlets, "outlet", "outlet_alias", "outlet_id"),
    ):
        ids = sorted({i for values in owners.values() for i in values})
        if not ids:
            continue
        for record_id, name in _by_id(bind, f"SELECT id, name FROM {table}", "id", ids):
            known.setdefault((kind, record_id), []).insert(0, name)
        for record_id, name in _by_id(bind, f"SELECT {owner}, name FROM {alias}", owner, ids):
            known.setdefault((kind, record_id), []).append(name)
    return known


def _by_id(bind: Connection, query: str, column: str, ids: list[int]) -> list[tuple[Any, ...]]:
    result = bind.execute(
        sa.text(f"{query} WHERE {column} IN :ids").bindparams(sa.bindparam("ids", expanding=True)),
        {"ids": ids},
    )
    return [tuple(row) for row in result]
