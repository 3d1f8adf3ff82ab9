"""Changing many incidents at once: `edit --where ... --set FIELD=VALUE`, as one
transaction with one revision each and one change id (`pressfree undo`), and the options
single and bulk edits share (--set, --field)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from pressfree.cli.common import (
    confirm_delete,
    counted,
    note,
    reading,
    unheld_where,
    working,
    writing,
)
from pressfree.errors import InvalidValue

if TYPE_CHECKING:  # --help and completion never import the database stack
    from sqlmodel import Session


def own(session: Session, changes: dict[str, Any]) -> dict[str, Any]:
    """The changes with --field NAME=VALUE read as the database defines its fields."""
    from pressfree import own_fields

    if not changes.get("extra"):
        return changes
    return {**changes, "extra": own_fields.given(session, changes["extra"])}


# What --set may set: an incident's single fields other than its flags
SETTABLE = (
    "date",
    "country",
    "region",
    "city",
    "latitude",
    "longitude",
    "perpetrator",
    "summary",
    "public_summary",
    "status",
)


def settings(items: list[str], changes: dict[str, Any]) -> dict[str, Any]:
    """--set FIELD=VALUE options as changes; a field set twice (by --set and its own
    option, or by two --set) is refused, naming both."""
    out: dict[str, Any] = {}
    for item in items:
        name, equals, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if not equals or name not in SETTABLE:
            raise InvalidValue(
                "--set", item, f"must be FIELD=VALUE, FIELD one of {', '.join(SETTABLE)}"
            )
        if out.get(name) is not None or changes.get(name) is not None:
            raise InvalidValue("--set", item, f"sets {name} a second time")
        out[name] = value
    return out


def edit_chosen(
    ctx: typer.Context, where: list[str], changes: dict[str, Any], replace: bool, yes: bool
) -> None:
    """A bulk edit: every incident --where chooses, changed the same way, in one transaction
    (one revision each, one change id to take them back with)."""
    from pressfree import incidents

    if not where:
        raise InvalidValue(
            "id",
            "",
            "is needed: give an incident's id, or --where FIELD=VALUE to edit every "
            "incident it chooses",
        )
    if not any(v is not None and v != [] for v in changes.values()):
        raise InvalidValue("--where", where[0], "chooses incidents, but no change is given")
    chosen = incidents.selection(where)
    with reading(ctx) as session:
        count = len(incidents.chosen_ids(session, chosen))
        if count == 0:
            unheld_where(session, chosen)  # a field no incident has is said so
    if count == 0:
        note("No incident is chosen: nothing changed.")
        return
    confirm_delete(yes, f"Change {counted(count, 'incident')}?", "change them")
    with working("Editing…"), writing(ctx) as session:
        changes = own(session, changes)
        ids = incidents.chosen_ids(session, chosen)
        before = {i: incidents.get(session, i) for i in ids}
        changed = [
            i
            for i in ids
            if incidents.edit(session, i, changes, replace=replace).to_dict() != before[i].to_dict()
        ]
        change = session.info.get("change_id", "")
    if not changed:
        note(f"Nothing changed: the {counted(len(ids), 'incident')} chosen already say so.")
        return
    note(
        f"Changed {counted(len(changed), 'incident')} of {len(ids)} chosen (change "
        f"{change[:8]}): `pressfree undo {change[:8]}` takes them all back."
    )
