"""Everything PostgreSQL-only; the twin of sqlite_backend.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

from pressfree.errors import PressfreeError
from pressfree.store.writes import WRITE_WAIT_SECONDS, bulk_values

# psycopg prepares a statement on the server once it has run 5 times, and PostgreSQL may
# then plan it once for any values (a generic plan). An import runs the same lookup of 5,000
# ids batch after batch: in a generic plan `IN ($1, ..., $5000)` is searched value by value
# for every row (seconds a batch) where a plan for the values at hand hashes them. So every
# statement is planned for its values (the time it saves is larger than what preparing does).
CONNECT_ARGS = {"prepare_threshold": None}

# The advisory lock every write transaction and every schema upgrade takes ("pres").
WRITE_LOCK = 0x70726573


def configure(engine: Engine) -> None:
    """Times in UTC. Writers take turns, as on SQLite: a write transaction takes one advisory
    lock first (waiting up to WRITE_WAIT_SECONDS), so two commands never interleave their
    reads and writes (two new journalists of one name, an edit and a delete of one incident),
    and a schema upgrade waits for the command in progress. Readers never wait (MVCC)."""

    _partial_indexes()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if connection.get_execution_options().get("pressfree_write", False):
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{WRITE_WAIT_SECONDS}s'")
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")


def _partial_indexes() -> None:
    """The models' partial indexes (models.partial_unique) given their PostgreSQL form."""
    from pressfree.store import models

    for table in models.SQLModel.metadata.tables.values():
        for index in table.indexes:
            where = index.dialect_options["sqlite"]["where"]
            if where is not None:
                index.dialect_options["postgresql"]["where"] = where


def backup(*_args, **_options) -> int:
    raise PressfreeError(
        "backup: a PostgreSQL database is backed up with pg_dump, "
        "not by pressfree (it copies SQLite files only)"
    )


backup_to_stream = backup
backup_bytes = backup


@contextmanager
def migrating(connection) -> Iterator[None]:
    """PostgreSQL alters tables in place, inside one transaction, holding an advisory lock
    so that two commands starting at once on a new database upgrade it once."""
    with connection.begin():  # a write transaction: it holds WRITE_LOCK
        yield


def reserve_ids(connection, table, count: int) -> list[int]:
    """Ids for rows about to be inserted in bulk, taken from the table's own sequence."""
    from sqlalchemy import text

    rows = (
        connection.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
            ),
            {"table": table.name, "n": count},
        )
        .scalars()
        .all()
    )
    return list(rows)


def one_of(column, values: list):
    """`column = ANY($1)`: a batch's thousands of values go as one array parameter, not one
    parameter each (psycopg and the server each parse a statement of 5,000 parameters in
    milliseconds, batch after batch)."""
    from sqlalchemy import any_, bindparam
    from sqlalchemy.dialects.postgresql import ARRAY

    return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))


def insert_rows(connection, table, rows: list[dict]) -> None:
    """Rows in bulk through COPY ... FROM STDIN, several times faster than INSERT; the values
    as writes.bulk_values converts them."""
    if not rows:
        return
    names, values = bulk_values(connection.dialect, table, rows)
    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(map(quote, names))}) FROM STDIN"
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(statement) as copy:
            for row in values:
                copy.write_row(row)


def indexes_set_aside(_connection, _table):
    """Indexes stay on PostgreSQL: dropping one locks its table against every reader until
    the import commits, and COPY keeps the import within SQLite's time anyway."""
    from contextlib import nullcontext

    return nullcontext()


# The expression of the GIN index made by schema 6: a query must repeat it exactly to use it.
SEARCH_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, words), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, sounds), 'B'))"
)


def search_ids(terms):
    """Ids of incidents matching every term: a word prefix among the words (weight A) or a
    sound key among the names' (weight B). Terms are plain words of [a-z0-9]."""
    from sqlalchemy import select, text

    from pressfree.store.models import IncidentSearch

    query = " & ".join(
        f"({t.word}:*A" + (f" | {t.sound}:B" if t.sound else "") + ")" for t in terms
    )
    return select(IncidentSearch.incident_id).where(
        text(f"{SEARCH_VECTOR} @@ to_tsquery('simple'::regconfig, :query)").bindparams(query=query)
    )


def search_index_problem(_connection) -> str | None:
    """Nothing to check: PostgreSQL keeps a GIN index itself (the SQLite twin asks FTS5)."""
    return None


def rebuild_search_index(_connection) -> None:
    """Nothing to rebuild (see search_index_problem)."""


def extra_field(name: str, value: str | None):
    """Incidents whose extra field NAME holds VALUE by extra_values' rule (None: held at
    all): `->>` gives text, true and false as those words; numbers compare as numeric
    (exact), arrays and objects as jsonb (key order and spacing aside). CASE, because
    PostgreSQL may evaluate AND's operands in any order, and a string cast to numeric
    fails."""
    from sqlalchemy import Numeric, and_, case, cast, false, func, literal, or_
    from sqlalchemy.dialects.postgresql import JSONB

    from pressfree.store import extra_values
    from pressfree.store.models import Incident

    field = Incident.extra[name]
    as_text = field.as_string()
    if value is None:
        return as_text.is_not(None)
    want = extra_values.wanted(value)
    kind = func.jsonb_typeof(cast(field, JSONB))
    ways = [and_(kind.in_(("string", "boolean")), as_text == want.text)]
    if want.number is not None:
        ways.append(
            case(
                (kind == "number", cast(as_text, Numeric) == cast(literal(want.number), Numeric)),
                else_=false(),
            )
        )
    if want.document is not None:
        ways.append(
            and_(kind.in_(("array", "object")), cast(field, JSONB) == cast(literal(value), JSONB))
        )
    return or_(*ways)
