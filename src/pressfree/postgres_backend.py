"""Everything PostgreSQL-only; the twin of sqlite_backend.py."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine

from pressfree.errors import PressfreeError

SCHEMA_LOCK = 0x70726573  # "pres": the advisory lock every schema upgrade takes


def configure(engine: Engine) -> None:
    """Write transactions run at READ COMMITTED (PostgreSQL's row locks do the rest)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()


def backup(*_args) -> int:
    raise PressfreeError("backup: a PostgreSQL database is backed up with pg_dump, "
                         "not by pressfree (it copies SQLite files only)")


backup_to_stream = backup


@contextmanager
def migrating(connection) -> Iterator[None]:
    """PostgreSQL alters tables in place, inside one transaction, holding an advisory lock
    so that two commands starting at once on a new database upgrade it once."""
    with connection.begin():
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
        yield


def reserve_ids(connection, table, count: int) -> list[int]:
    """Ids for rows about to be inserted in bulk, taken from the table's own sequence."""
    from sqlalchemy import text

    rows = connection.execute(text(
        "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
        {"table": table.name, "n": count}).scalars().all()
    return list(rows)


# The expression of the GIN index made by schema 6: a query must repeat it exactly to use it.
SEARCH_VECTOR = ("(setweight(to_tsvector('simple'::regconfig, words), 'A') || "
                 "setweight(to_tsvector('simple'::regconfig, sounds), 'B'))")


def search_ids(terms):
    """Ids of incidents matching every term: a word prefix among the words (weight A) or a
    sound key among the names' (weight B). Terms are plain words of [a-z0-9]."""
    from sqlalchemy import select, text

    from pressfree.models import IncidentSearch

    query = " & ".join(f"({t.word}:*A" + (f" | {t.sound}:B" if t.sound else "") + ")"
                       for t in terms)
    return select(IncidentSearch.incident_id).where(text(
        f"{SEARCH_VECTOR} @@ to_tsquery('simple'::regconfig, :query)").bindparams(query=query))


def extra_field(name: str, value: str | None):
    """Incidents whose extra field NAME holds VALUE as text (None: held at all): `->>`
    gives text, true and false as those words."""
    from pressfree.models import Incident

    field = Incident.extra[name].as_string()
    return field.is_not(None) if value is None else field == value
