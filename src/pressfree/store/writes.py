"""How the store writes, for db.py and both backends alike: how long a write waits for
another's, and the values of rows inserted in bulk."""

from __future__ import annotations

# How long a write waits for another command's write to end, on either backend.
WRITE_WAIT_SECONDS = 10


def bulk_values(dialect, table, rows: list[dict]) -> tuple[list[str], list[tuple]]:
    """The columns and values of rows inserted in bulk (insert_rows of each backend), as an
    INSERT through SQLAlchemy would send them: each value through its column type's own
    conversion (JSON, dates, booleans), and a column the rows leave out given its default.
    Every row has the keys of the first."""
    from operator import itemgetter

    from sqlalchemy import Boolean, Date, DateTime

    names = list(rows[0])
    defaults = [
        c
        for c in table.columns
        if c.name not in rows[0]
        and c.default is not None
        and (c.default.is_scalar or c.default.is_callable)
    ]
    convert = []
    for i, name in enumerate(names):
        column_type = table.c[name].type
        f = column_type._cached_bind_processor(dialect)
        if f is not None:
            repeats = isinstance(column_type, (Boolean, Date, DateTime))
            convert.append((i, _repeated(f) if repeats else f))
    pick = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    values = list(map(pick, rows))
    if convert or defaults:  # column by column: one map() in C per column, not a loop per row
        columns = list(zip(*values))
        for i, f in convert:
            columns[i] = tuple(map(f, columns[i]))
        for c in defaults:
            columns.append(
                tuple(c.default.arg(None) for _ in rows)
                if c.default.is_callable
                else (c.default.arg,) * len(rows)
            )
        values = list(zip(*columns))
    return names + [c.name for c in defaults], values


def _repeated(convert):
    """A conversion that does its work once per distinct value of a batch: a batch of
    5,000 incidents holds a few thousand distinct days and one moment of import. Keyed by
    the time zone too: one moment written with two offsets is equal, but stored as two
    texts."""
    done: dict = {}

    def once(value):
        key = (value, getattr(value, "tzinfo", None))
        try:
            return done[key]
        except KeyError:
            done[key] = result = convert(value)
            return result

    return once
