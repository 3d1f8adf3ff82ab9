"""Text in one order on both backends (issue 26): SQLite compares text by its code points
(BINARY); a PostgreSQL database orders by its own default collation, which on a server set
up with ICU `en` puts "_x" before "ann" and "Ärla" before "Bob". Every ORDER BY on text
names its order here, so two researchers sharing data see the same lists, and the top ten
of a summary break ties alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal


class _CodePoints(ColumnElement[Any]):
    """A text column compared by code points: COLLATE "C" on PostgreSQL (its byte order
    of UTF-8 is code point order), the column itself on SQLite (already so)."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Any) -> None:
        self.column = column
        self.type = column.type


@compiles(_CodePoints)
def _as_is(element: _CodePoints, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(_CodePoints, "postgresql")
def _collate_c(element: _CodePoints, compiler: Any, **kw: Any) -> str:
    return f'{compiler.process(element.column, **kw)} COLLATE "C"'


def code_points(column: Any) -> Any:
    """COLUMN in code point order, on either backend."""
    return _CodePoints(column)


def by_name(model: Any) -> tuple[Any, Any]:
    """People or outlets in the order of their names, case aside (name_key: the name
    case-folded), then as written: alike on both backends."""
    return code_points(model.name_key), code_points(model.name)
