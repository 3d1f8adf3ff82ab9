"""What `--where NAME=VALUE` compares an extra field with: one rule for both backends, each
of which writes it in its own SQL (extra_field in sqlite_backend.py and
postgres_backend.py).

- text compares as written ("007" is not 7);
- true and false are those words;
- a VALUE written as a JSON number matches a stored number of the same decimal value
  (0.1 and 0.10, 1e308 and 1E+308, 2^63 written out), whatever text each backend gives
  back for it;
- a VALUE written as a JSON array or object matches a stored one of the same contents:
  spacing and the order of an object's keys do not matter, numbers compare exactly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NoReturn

# numbers stored are Python floats and integers of at most 1,000 digits (readers.MAX_DIGITS)
MAX_EXPONENT = 4000
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,999})(?:\.[0-9]{1,1000})?(?:[eE][+-]?[0-9]{1,4})?")


@dataclass(frozen=True)
class Wanted:
    """A --where VALUE read every way it can match."""

    text: str
    number: str | None = None  # a JSON number, in canonical form
    document: str | None = None  # a JSON array or object, in canonical form


def wanted(value: str) -> Wanted:
    """VALUE as text, and as a number or a JSON document when it reads as one."""
    if _NUMBER.fullmatch(value):
        return Wanted(value, number=number_text(Decimal(value)))
    if value[:1] in ("[", "{"):
        try:
            return Wanted(value, document=canonical(value))
        except (ValueError, RecursionError):
            pass
    return Wanted(value)


def number_text(number: Decimal) -> str:
    """One text for every way of writing a number's value (PostgreSQL's numeric reads it)."""
    return str(number.normalize()) if number else "0"


def _read(document: str) -> Any:
    return json.loads(
        document, parse_float=Decimal, parse_int=Decimal, parse_constant=_not_a_number
    )


def _not_a_number(text: str) -> NoReturn:
    raise ValueError(f"{text} is not a JSON number")


def canonical(document: str) -> str:
    """A JSON array or object as one text for every way of writing the same contents."""
    return json.dumps(_tagged(_read(document)))


def _tagged(value: Any) -> list[Any]:
    """Each value with its type, so that true is not 1, nor 1.0 other than 1."""
    if isinstance(value, bool) or value is None:
        return ["b", value]
    if isinstance(value, Decimal):
        if abs(value.adjusted()) > MAX_EXPONENT:
            raise ValueError(f"{value} is beyond any stored number")
        return ["n", number_text(value)]
    if isinstance(value, str):
        return ["s", value]
    if isinstance(value, list):
        return ["a", [_tagged(v) for v in value]]
    return ["o", sorted([k, _tagged(v)] for k, v in value.items())]


def same_document(stored: str | None, document: str) -> bool:
    """Whether SQLite's text of a stored array or object holds DOCUMENT (canonical)."""
    try:
        return stored is not None and canonical(stored) == document
    except (ValueError, RecursionError):
        return False


def same_number(extra: str | None, name: str, number: str) -> bool:
    """Whether the extra fields (SQLite's JSON text, numbers as written) hold NUMBER
    (canonical) under NAME: SQLite's own reading turns an integer beyond 64 bits and every
    decimal into a float, 2^63 and 2^63 + 1 alike."""
    try:
        value = _read(extra).get(name) if extra is not None else None
    except (ValueError, RecursionError, AttributeError):
        return False
    return isinstance(value, Decimal) and number_text(value) == number
