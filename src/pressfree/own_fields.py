"""An organisation's own fields: names it gives to what it records beside pressfree's
fields ("oblast", "court case number", "verified by"), each with a type (text, number, date
or a choice among values). Their values live with each incident's extra fields, as the
columns an import kept do, so `show`, `--where`, exports and the history treat both alike;
what a field is defined as is checked wherever a value comes in: `add/edit --field`, a
mapped file's column of that name, a pressfree document.

The definitions are a setting of the database (one revision each change), not a schema:
defining a field changes no table.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from pressfree import dates, settings
from pressfree.errors import InvalidValue
from pressfree.schemas import INCIDENT_FIELDS, clean_text
from pressfree.store.models import Setting

SETTING = "own_fields"
TYPES = ("text", "number", "date", "choice")
# Names that are pressfree's own, in records and documents: a field may not take one
RESERVED = {*INCIDENT_FIELDS, "id", "date_precision", "created_at", "updated_at", "updates"}
RESERVED |= {"external_id", "dataset", "extra", "opens_custody", "import", "merged"}


def defined(session: Session) -> dict[str, dict[str, Any]]:
    """The fields defined, by name: {"type": ..., "choices": [...]}."""
    row = session.get(Setting, SETTING)
    return dict(row.value) if row is not None else {}


def define(
    session: Session, name: str, kind: str, choices: list[str] | None = None
) -> dict[str, Any]:
    """Define a field (or change its type or choices), as one revision. A new definition is
    refused when a value stored already would not read under it."""
    name = clean_text(name, "NAME") or ""
    if not name or len(name) > 64:
        raise InvalidValue("NAME", name, "must be 1 to 64 characters")
    if name in RESERVED:
        raise InvalidValue("NAME", name, "is one of pressfree's own fields: choose another name")
    kind = (kind or "").strip().lower()
    if kind not in TYPES:
        raise InvalidValue("--type", kind, f"is not a type ({', '.join(TYPES)})")
    values = [c for c in (clean_text(c.strip(), "--choices") for c in choices or []) if c]
    if kind == "choice" and not values:
        raise InvalidValue("--choices", "", "are needed for a choice: the values it may take")
    if kind != "choice" and values:
        raise InvalidValue("--choices", ",".join(values), f"go with --type choice, not {kind}")
    definition: dict[str, Any] = {"type": kind}
    if values:
        definition["choices"] = list(dict.fromkeys(values))
    _check_stored(session, name, definition)
    return _store(session, name, definition)


def remove(session: Session, name: str) -> None:
    """Forget a field's definition; the values stored stay, as extra fields."""
    if name not in defined(session):
        raise InvalidValue("NAME", name, "is not a field of this database (see `pressfree fields`)")
    _store(session, name, None)


def _store(session: Session, name: str, definition: dict[str, Any] | None) -> dict[str, Any]:
    before = defined(session)
    after = dict(before)
    if definition is None:
        after.pop(name, None)
    else:
        after[name] = definition
    settings.store(session, SETTING, after, {"fields": before}, {"fields": after})
    return after


def value(definition: dict[str, Any], name: str, given: Any) -> str | None:
    """A value of the field as it is stored (text, whatever the type): a number as written
    with a point, a date as pressfree writes dates, a choice as defined; "" is none."""
    text = clean_text(str(given).strip(), name) if given is not None else None
    if not text:
        return None
    kind = definition["type"]
    if kind == "number":
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise InvalidValue(name, given, "is not a number") from None
        if not math.isfinite(number):
            raise InvalidValue(name, given, "is not a number")
        return text.replace(",", ".")
    if kind == "date":
        return str(dates.parse(text, name))
    if kind == "choice":
        found = {c.casefold(): c for c in definition["choices"]}
        if text.casefold() not in found:
            raise InvalidValue(name, given, f"is not one of {', '.join(definition['choices'])}")
        return str(found[text.casefold()])
    return text


def checked(own: dict[str, dict[str, Any]], values: dict[str, Any]) -> dict[str, Any]:
    """Extra fields with each defined field's value checked and written as stored (an empty
    one left out); the others as they are."""
    out = {}
    for key, given in values.items():
        stored = value(own[key], key, given) if key in own else given
        if stored is not None:
            out[key] = stored
    return out


def given(session: Session, items: list[str]) -> dict[str, str | None]:
    """--field NAME=VALUE options, each a defined field, as values to store (None: remove
    it from the incident)."""
    out: dict[str, Any] = {}
    for item in items:
        name, equals, text = item.partition("=")
        name = name.strip()
        if not equals or not name:
            raise InvalidValue("--field", item, "must be NAME=VALUE")
        if name in out:
            raise InvalidValue("--field", item, f"gives {name} a second time")
        out[name] = text
    return valued(session, out, "--field")


def check_defined(session: Session, chosen: Iterable[str], field: str) -> None:
    """Each name is one of the database's own fields, or it is refused naming them."""
    own = defined(session)
    for name in chosen:
        if name not in own:
            known = ", ".join(sorted(own)) or "none yet"
            raise InvalidValue(
                field,
                name,
                f"is not a field of this database ({known}; `pressfree fields add NAME "
                "--type text|number|date|choice` defines one)",
            )


def valued(
    session: Session, values: dict[str, Any], field: str = "fields"
) -> dict[str, str | None]:
    """Values given by field name (the editor's [fields], --field), each a defined field's,
    as they are stored (None: remove it from the incident)."""
    check_defined(session, values, field)
    own = defined(session)
    return {name: value(own[name], name, given) for name, given in values.items()}


def _check_stored(session: Session, name: str, definition: dict[str, Any]) -> None:
    """Every value stored under the name reads under the new definition, or it is refused
    naming the first that does not."""
    from sqlalchemy import select
    from sqlmodel import col

    from pressfree.store.models import Incident

    query = select(col(Incident.public_id), col(Incident.extra)).where(
        col(Incident.extra).is_not(None)
    )
    for public_id, extra in session.execute(query):
        if isinstance(extra, dict) and extra.get(name) not in (None, ""):
            try:
                value(definition, name, extra[name])
            except InvalidValue as error:
                raise InvalidValue(
                    "--type", definition["type"], f"does not fit incident {public_id[:8]}: {error}"
                ) from None
