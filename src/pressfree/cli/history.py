"""Commands for the history: history, restore, deleted, note, imports (and undo)."""

from __future__ import annotations

from typing import Annotated

import typer

from pressfree.cli.common import (
    Format,
    FormatOption,
    confirm_delete,
    counted,
    emit,
    note,
    noun_listing,
    reading,
    warn,
    working,
    writing,
)

LOG_COLUMNS = [
    ("rev", "Rev"),
    ("at", "When (UTC)"),
    ("who", "Who"),
    ("verb", "Command"),
    ("record_type", "Record"),
    ("record_id", "Id"),
    ("changed", "Changed"),
]
LOG_TABLE = [
    ("rev", "Rev"),
    ("when", "When (UTC)"),
    ("who", "Who"),
    ("verb", "Command"),
    ("record_type", "Record"),
    ("short_id", "Id"),
    ("changed", "Changed"),
]
RECORD_COLUMNS = [
    ("rev", "Rev"),
    ("at", "When (UTC)"),
    ("who", "Who"),
    ("verb", "Command"),
    ("changed", "What changed"),
]
RECORD_TABLE = [
    ("rev", "Rev"),
    ("when", "When (UTC)"),
    ("who", "Who"),
    ("verb", "Command"),
    ("changed", "What changed"),
]
DELETED_COLUMNS = [
    ("id", "ID"),
    ("date", "Date"),
    ("kinds", "Kinds"),
    ("summary", "Summary"),
    ("deleted_at", "Deleted (UTC)"),
    ("deleted_by", "By"),
    ("rev", "Rev"),
]
IMPORT_COLUMNS = [
    ("id", "ID"),
    ("at", "When (UTC)"),
    ("who", "Who"),
    ("file", "File"),
    ("mapping", "Mapping"),
    ("incidents", "Incidents now"),
    ("undone", "Undone"),
]


def _short(text: str) -> str:
    """An id shown by its first 8 characters, as every table shows ids."""
    return text[:8] if len(text) == 36 and text.count("-") == 4 else text


def _said(value) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "; ".join(_said(v) for v in value) or "(none)"
    if isinstance(value, dict):  # a record in a list (a charge, an event): what it says
        return ", ".join(_said(v) for v in value.values() if v)
    return _short(str(value))


def _changed(row: dict) -> dict:
    """The field-by-field changes as one cell: "status: reported → confirmed"."""
    parts = []
    for change in row["changes"]:
        before, after = change["before"], change["after"]
        if change["field"] == "(record)":
            parts.append("added" if before == "(none)" else "deleted")
        elif (
            isinstance(before, list)
            and isinstance(after, list)
            and any(isinstance(v, dict) for v in before + after)
        ):
            # records in a list (a case's events): what came and went, not the whole list
            parts.append(
                f"{change['field']}: "
                + "; ".join(
                    [f"+ {_said(v)}" for v in after if v not in before]
                    + [f"- {_said(v)}" for v in before if v not in after]
                )
            )
        else:
            parts.append(f"{change['field']}: {_said(change['before'])} → {_said(change['after'])}")
    return {
        **row,
        "changed": "\n".join(parts),
        "short_id": _short(row["record_id"]),
        "when": row["at"][:16].replace("T", " "),
    }


def history(
    ctx: typer.Context,
    record_id: Annotated[
        str | None,
        typer.Argument(
            help="An id (or its first characters), a journalist's name, a kind or label "
            "slug; none for the log of the whole database."
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From this day, month or year (UTC).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="To this day, month or year (UTC).")
    ] = None,
    who: Annotated[str | None, typer.Option("--who", help="Changes by.")] = None,
    record_type: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="What changed: incident, tally, designation, journalist, "
            "outlet, placeholder, kind, label, custody, import, merge, "
            "case, article, category, check, setting or publisher.",
        ),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Show what changed, when, by whom and with which command.

    Example: [bold]pressfree history 3f2a9c1e[/] or [bold]pressfree history --since
    2021-07 --who anna[/]
    """
    from pressfree import history as revisions
    from pressfree import identity
    from pressfree.publish import render

    with reading(ctx) as session:
        if record_id is not None:
            rows = revisions.of_record(session, record_id, identity.stored_name)
        else:
            rows = revisions.log(
                session, since=since, until=until, who=who, record_type=record_type
            )
    if record_id is not None:
        title = f"History of {rows[0].record_type} {rows[0].record_id}"
        emit(
            render.listing(
                rows,
                RECORD_COLUMNS + [("changes", "Changes")],
                fmt.value,
                title=title,
                prepare=_changed,
                table_columns=RECORD_TABLE,
                empty="No changes recorded.",
            )
        )
    else:
        emit(
            render.listing(
                rows,
                LOG_COLUMNS + [("changes", "Changes")],
                fmt.value,
                title="History",
                prepare=_changed,
                table_columns=LOG_TABLE,
                empty="No changes match.",
            )
        )


def restore(
    ctx: typer.Context,
    incident_id: Annotated[
        str,
        typer.Argument(
            help="The id of an incident, a figure or a designation (4+ characters will do)."
        ),
    ],
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="The revision to go back to (see `pressfree history ID`); "
            "without it, a deleted incident is brought back.",
        ),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Put an incident or a figure back as it was, or bring back a deleted one (a
    designation comes back with its incident); a new revision.

    Example: [bold]pressfree restore 3f2a9c1e --to 12[/]
    """
    from pressfree import restore
    from pressfree.publish import render
    from pressfree.schemas import IncidentRecord

    with writing(ctx) as session:
        record = restore.restore(session, incident_id, to)
        if isinstance(record, IncidentRecord):
            emit(render.incident_detail(record, fmt.value))
        else:
            emit(render.record_detail(record, fmt.value))
        left_out = session.info.get("files_left_out", 0)
    if left_out:
        warn(
            f"{counted(left_out, 'attachment')} not put back: the file's bytes were erased "
            "(`attachments remove --erase`)"
        )


def deleted(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """List deleted incidents: when, by whom (bring one back with `pressfree restore ID`).

    Example: [bold]pressfree deleted[/]
    """
    from pressfree import restore
    from pressfree.publish import render

    with reading(ctx) as session:
        rows = restore.deleted(session)
    emit(
        render.listing(
            rows,
            DELETED_COLUMNS,
            fmt.value,
            title="Deleted incidents",
            empty="Nothing was deleted.",
        )
    )


def note_(
    ctx: typer.Context,
    incident_id: Annotated[str, typer.Argument(help="The incident's id.")],
    text: Annotated[str, typer.Argument(help="What happened since.")],
    date: Annotated[
        str | None, typer.Option("--date", "-d", help="When (any precision); default today.")
    ] = None,
    source: Annotated[str | None, typer.Option("--source", help="URL.")] = None,
    publisher: Annotated[str | None, typer.Option("--publisher")] = None,
) -> None:
    """Add a dated update to an incident ("Released on bail").

    Example: [bold]pressfree note 3f2a9c1e "Released on bail" --date 2021-08-02[/]
    """
    from pressfree import incidents

    with writing(ctx) as session:
        record = incidents.add_update(session, incident_id, text, date, source, publisher)
    count = len(record.updates)
    note(f"{record.id}: {count} update{'' if count == 1 else 's'}.")


imports_app = typer.Typer(
    help="Imports, one entry each in the history; undo one.\n\n"
    "Example: [bold]pressfree imports undo 7[/]",
    invoke_without_command=True,
    rich_markup_mode="rich",
)


@imports_app.callback()
def imports(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """List imports: when, who, which file and mapping, how many incidents remain."""
    from pressfree import restore

    noun_listing(ctx, restore.imports, IMPORT_COLUMNS, fmt, "Imports", "Nothing was imported.")


@imports_app.command("undo")
def undo_import(
    ctx: typer.Context,
    import_id: Annotated[str, typer.Argument(help="The import's id.")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Also when later commands changed some of its incidents."),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
) -> None:
    """Remove exactly what one import added: its incidents (with their designations), its
    tallies and its cases. On a terminal it says how many and asks first; elsewhere it
    needs --yes, as `delete` does.

    Example: [bold]pressfree imports undo 7[/]
    """
    from pressfree import restore

    if not yes:
        with reading(ctx) as session:
            said = _removing(restore.import_contents(session, import_id))
        confirm_delete(False, f"Undo import {import_id}: remove {said}?")
    with working(f"Undoing import {import_id}…"), writing(ctx) as session:
        removing = restore.import_contents(session, import_id)
        done = restore.undo_import(session, import_id, force)
    note(f"Undid import {done.id} ({done.file}): removed {_removing(removing)}.")


def undo(
    ctx: typer.Context,
    change: Annotated[
        str, typer.Argument(help="The change's id (8 or more of its characters), as edit said.")
    ],
    force: Annotated[
        bool,
        typer.Option("--force", help="Also when later commands changed some of its incidents."),
    ] = False,
) -> None:
    """Take back a change to many incidents (`edit --where`): each is put back as it was
    before it, one revision each.

    Example: [bold]pressfree undo 1f0c3e2a[/]
    """
    from pressfree import restore

    with working("Undoing…"), writing(ctx) as session:
        ids = restore.undo_change(session, change, force)
    note(f"Took back change {change}: {counted(len(ids), 'incident')} as they were before it.")


def _removing(contents: dict[str, int]) -> str:
    """What an import's undo removes, as "120 incidents, 1 designation, 2 tallies": the
    incidents always, the rest when there are any."""
    one = {"incidents": "incident", "designations": "designation", "tallies": "tally"}
    return ", ".join(
        counted(n, one.get(what, "case"))
        for what, n in contents.items()
        if n or what == "incidents"
    )


@imports_app.command("unmatched")
def unmatched(
    ctx: typer.Context,
    import_id: Annotated[str, typer.Argument(help="The import's id.")],
    fmt: FormatOption = Format.table,
) -> None:
    """List the stored incidents a snapshot's import did not find in it.

    Example: [bold]pressfree imports unmatched 7[/]
    """
    from pressfree import restore
    from pressfree.publish import render

    with reading(ctx) as session:
        rows = restore.unmatched(session, import_id)
    emit(render.incidents(rows, fmt.value, title=f"Not in the snapshot of import {import_id}"))


def register(root: typer.Typer) -> None:
    panel = "History"
    root.command(rich_help_panel=panel)(history)
    root.command(rich_help_panel=panel)(restore)
    root.command(rich_help_panel=panel)(deleted)
    root.command(rich_help_panel=panel)(undo)
    root.command("note", rich_help_panel="Incidents")(note_)
    root.add_typer(imports_app, name="imports", rich_help_panel="Import and export")
