"""Copying a whole database into another, on either backend (a laptop's log into the team's
server, or a team off it): through the JSON document, so a copy takes the same checks and
the same write path as `import`, keeps public ids, and adds only what the target lacks."""

from __future__ import annotations

import io
import tempfile

from pressfree import history
from pressfree.errors import UsageError
from pressfree.exchange import document
from pressfree.incidents import IncidentFilter


def _same_file(one, other) -> bool:
    """Two SQLite paths naming one file: by an absolute path, through `..` or a link."""
    import os

    try:
        return one is not None and other is not None and os.path.samefile(one, other)
    except OSError:
        return False


def copy_database(
    source, target, *, dry_run: bool = False, who: str | None = None
) -> dict[str, int]:
    """Copy what `source` holds and `target` lacks (two db.Store), history included, in one
    transaction on the target. When nothing is new (a second copy), nothing is written, not
    even the history's entry for the copy."""
    if source.display == target.display or _same_file(source.path, target.path):
        raise UsageError(f"copy: {source.display} is the database itself: name another")
    # The document holds every name: a file only this user can read, gone when closed; in
    # memory when either database is encrypted or held in memory (a sealed backup), never a
    # plain file on the disk then.
    private = any(store.encrypted or store.in_memory for store in (source, target))
    kept = io.StringIO() if private else tempfile.TemporaryFile("w+", encoding="utf-8")
    with kept as handle:
        with source.session() as session:
            document.write_document(
                session, handle, IncidentFilter(), with_history=True, with_files=True
            )
        handle.seek(0)
        loaded = document.read_from(handle, source.display)
    with target.session(write=True) as session:
        history.begin(session, "copy", who)
        counts = document.load_document(session, loaded, {"copied_from": source.display})
        if dry_run or not any(n for name, n in counts.items() if name != "skipped"):
            session.rollback()
    return counts
