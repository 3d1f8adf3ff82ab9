"""The history: every change as a revision (before, after, when, who, which command), only
ever appended to; one record's revisions with what changed field by field; the whole log."""

from __future__ import annotations

import getpass
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from pressfree import dates
from pressfree.errors import InvalidValue, NotFound
from pressfree.schemas import clean_text, plain
from pressfree.store.models import Revision, stamp

RECORD_TYPES = (
    "incident",
    "tally",
    "designation",
    "journalist",
    "outlet",
    "placeholder",
    "kind",
    "label",
    "custody",
    "import",
    "merge",
    "case",
    "article",
    "category",
    "check",
    "setting",
    "publisher",
)
USER_VARIABLE = "PRESSFREE_USER"
# Fields that change with every edit and say nothing a reader asked about.
UNSHOWN = {"updated_at", "content_hash", "identity_hash", "import"}


def default_author(session: Session | None = None) -> str:
    """Who makes a change: PRESSFREE_USER, else on a server the role that logged in (its
    session user, even when it acts as the team's role), else the operating-system user."""
    named = os.environ.get(USER_VARIABLE, "").strip()
    if named:
        return named
    if session is not None and session.get_bind().dialect.name == "postgresql":
        from sqlalchemy import text

        return session.execute(text("SELECT session_user")).scalar_one()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def begin(session: Session, verb: str, who: str | None = None) -> None:
    """Say which command a session's changes belong to (the CLI does, for every write)."""
    if who is not None:
        who = clean_text(who, "--as")
        if not who or len(who) > 200:
            raise InvalidValue("--as", who or "", "must name someone (1 to 200 characters)")
    session.info["verb"] = verb
    session.info["who"] = who or default_author(session)
    session.info["change_id"] = str(uuid.uuid4())


@contextmanager
def as_one(session: Session) -> Iterator[None]:
    """Changes made inside are not recorded one by one: the caller records them as one
    revision (a restore is one change, whatever it takes to make it)."""
    was = session.info.get("batched")
    session.info["batched"] = True
    try:
        yield
    finally:
        session.info["batched"] = was


def record(
    session: Session, record_type: str, record_id: str, before: Any, after: Any
) -> Revision | None:
    """Append a revision for one record, in the caller's transaction. Inside an import the
    batch has one revision of its own, so single records are not recorded."""
    if session.info.get("batched"):
        return None
    if "change_id" not in session.info:
        begin(session, "api")
    row = Revision(
        change_id=session.info["change_id"],
        record_type=record_type,
        record_id=str(record_id)[:500],
        verb=session.info["verb"],
        before=plain(before),
        after=plain(after),
        who=session.info["who"],
    )
    session.add(row)
    session.flush()
    return row


def start_import(session: Session, details: dict) -> Revision:
    """The one revision of an import, for its whole batch; the records it adds point to it,
    and are not recorded one by one (so imports keep their speed) until finish_import."""
    entry = record(session, "import", "", None, details)
    entry.record_id = str(entry.id)
    session.flush()
    session.info["batched"] = True
    return entry


def finish_import(session: Session, entry: Revision, details: dict) -> None:
    entry.after = plain({**(entry.after or {}), **details})
    session.info["batched"] = False
    session.flush()


# --- reading the history ------------------------------------------------------------------


@dataclass
class RevisionRecord:
    rev: int
    at: str
    who: str
    verb: str
    record_type: str
    record_id: str
    changes: list[dict] = field(default_factory=list)
    before: dict | None = None
    after: dict | None = None
    change: str = ""  # the id every revision of one command shares (`pressfree undo`)


def changes(before: dict | None, after: dict | None) -> list[dict]:
    """What changed, field by field: [{field, before, after}] (a whole record when it was
    added or deleted)."""
    if before is None or after is None:
        return [
            {
                "field": "(record)",
                "before": "(none)" if before is None else "(record)",
                "after": "(none)" if after is None else "(record)",
            }
        ]
    out = []
    for key in list(before) + [k for k in after if k not in before]:
        if key in UNSHOWN or before.get(key) == after.get(key):
            continue
        out.append({"field": key, "before": before.get(key), "after": after.get(key)})
    return out


def _records(rows: list[Revision]) -> list[RevisionRecord]:
    return [
        RevisionRecord(
            r.id,
            stamp(r.at),
            r.who,
            r.verb,
            r.record_type,
            r.record_id,
            changes(r.before, r.after),
            r.before,
            r.after,
            r.change_id,
        )
        for r in rows
    ]


def matching(
    session: Session, text: str, stored_name: Callable[[Session, str], str | None] | None = None
) -> list[Revision]:
    """The revisions of the one record a text names: an id or its first characters (4 or
    more), or a name or slug exactly; with stored_name (identity's), a journalist or outlet
    by any spelling."""
    wanted = (text or "").strip()
    if not wanted:
        raise InvalidValue("id", text, "is empty")
    query = select(Revision).order_by(Revision.id)
    rows = session.execute(query.where(Revision.record_id == wanted)).scalars().all()
    if not rows and len(wanted) >= 4 and all(c in "0123456789abcdef-" for c in wanted.lower()):
        rows = (
            session.execute(query.where(Revision.record_id.like(f"{wanted.lower()}%")))
            .scalars()
            .all()
        )
    if not rows and stored_name:  # a journalist or outlet by any spelling of its name
        named = stored_name(session, wanted)
        if named is not None:
            rows = session.execute(query.where(Revision.record_id == named)).scalars().all()
    if not rows:
        raise NotFound("id", text, "has no history here")
    owners = {(r.record_type, r.record_id) for r in rows}
    if len(owners) > 1:
        raise InvalidValue(
            "id", text, "names several records: give more characters or the whole id"
        )
    return rows


def of_record(
    session: Session, text: str, stored_name: Callable[[Session, str], str | None] | None = None
) -> list[RevisionRecord]:
    return _records(matching(session, text, stored_name))


def log(
    session: Session,
    *,
    since: str | None = None,
    until: str | None = None,
    who: str | None = None,
    record_type: str | None = None,
    limit: int | None = None,
) -> list[RevisionRecord]:
    """The log of the whole database, oldest first, filtered."""
    from datetime import time

    query = select(Revision)
    if since:
        first = dates.parse(since, "--since").first
        query = query.where(Revision.at >= datetime.combine(first, time.min, UTC))
    if until:
        last = dates.parse(until, "--until").last
        query = query.where(Revision.at <= datetime.combine(last, time.max, UTC))
    if who:
        query = query.where(Revision.who == who)
    if record_type:
        wanted = record_type.strip().lower()
        if wanted not in RECORD_TYPES:
            raise InvalidValue(
                "--kind", record_type, f"is not a kind of record ({', '.join(RECORD_TYPES)})"
            )
        query = query.where(Revision.record_type == wanted)
    query = query.order_by(Revision.id)
    if limit is not None:
        query = query.limit(limit)
    return _records(session.execute(query).scalars().all())


def of_change(session: Session, text: str, field_name: str = "change") -> list[Revision]:
    """The revisions of one change (every revision one command made: a bulk edit's), by
    its id or its first characters (8 or more), oldest first."""
    wanted = (text or "").strip().lower()
    if len(wanted) < 8 or any(c not in "0123456789abcdef-" for c in wanted):
        raise InvalidValue(field_name, text, "is not a change id (8 or more of its characters)")
    rows = (
        session.execute(
            select(Revision).where(Revision.change_id.like(f"{wanted}%")).order_by(Revision.id)
        )
        .scalars()
        .all()
    )
    if len({r.change_id for r in rows}) > 1:
        raise InvalidValue(field_name, text, "begins more than one change: give more of it")
    if not rows:
        raise NotFound(field_name, text, "is not a change here")
    return list(rows)


def get(session: Session, rev: int | str, field_name: str = "--to") -> Revision:
    try:
        number = int(str(rev).strip().lstrip("#"))
    except ValueError:
        raise InvalidValue(field_name, rev, "is not a revision number") from None
    # ids are 32-bit integers on PostgreSQL: a larger number is no revision on either backend
    row = session.get(Revision, number) if 0 < number < 2**31 else None
    if row is None:
        raise NotFound(field_name, rev, "is not a revision here")
    return row


def everything(session: Session, record_ids: set[str] | None = None) -> list[dict]:
    """Revisions as a document carries them: all, or those of some records."""
    rows = session.execute(select(Revision).order_by(Revision.id)).scalars().all()
    return [
        {
            "rev": r.id,
            "change": r.change_id,
            "type": r.record_type,
            "id": r.record_id,
            "verb": r.verb,
            "before": r.before,
            "after": r.after,
            "at": stamp(r.at),
            "who": r.who,
        }
        for r in rows
        if record_ids is None or r.record_id in record_ids
    ]


def load(session: Session, entries: list[dict]) -> int:
    """Append a document's revisions this database does not hold yet (the same command,
    record, verb and moment); returns how many."""
    added = 0
    for index, entry in enumerate(entries):
        try:
            at = dates.parse_timestamp(entry["at"], "at")
            key = (str(entry["change"]), str(entry["type"]), str(entry["id"]), str(entry["verb"]))
        except KeyError as error:
            raise InvalidValue(
                f"history[{index}]", "", f"lacks the field {error.args[0]!r}"
            ) from None
        if entry["type"] not in RECORD_TYPES:
            raise InvalidValue(f"history[{index}].type", entry["type"], "is not a kind of record")
        for name in ("before", "after"):
            if entry.get(name) is not None and not isinstance(entry[name], dict):
                raise InvalidValue(
                    f"history[{index}].{name}", entry[name], "must be a JSON object or null"
                )
        exists = session.execute(
            select(Revision.id).where(
                Revision.change_id == key[0],
                Revision.record_type == key[1],
                Revision.record_id == key[2],
                Revision.verb == key[3],
                Revision.at == at,
            )
        ).first()
        if exists:
            continue
        session.add(
            Revision(
                change_id=clean_text(key[0], "change")[:36],
                record_type=key[1],
                record_id=clean_text(key[2], "id"),
                verb=clean_text(key[3], "verb"),
                before=entry.get("before"),
                after=entry.get("after"),
                at=at,
                who=clean_text(str(entry.get("who") or "unknown"), "who")[:200],
            )
        )
        added += 1
    session.flush()
    return added
