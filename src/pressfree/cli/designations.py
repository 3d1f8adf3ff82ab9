"""Commands for the designations register: designate, list, lift; and the labels."""

from __future__ import annotations

from typing import Annotated

import typer

from pressfree.cli import options as o
from pressfree.cli.common import (
    Format,
    FormatOption,
    confirm_delete,
    emit,
    note,
    reading,
    writing,
)

DESIGNATION_COLUMNS = [
    ("id", "ID"),
    ("target", "Target"),
    ("target_type", "Type"),
    ("label", "Label"),
    ("issued_by", "By"),
    ("date", "Decided"),
    ("list_reference", "Reference"),
    ("lifted_on", "Lifted"),
    ("publisher", "Publisher"),
    ("source", "Source"),
]
DESIGNATION_TABLE_COLUMNS = [  # the label by its name on a screen, by its slug in a file
    ("id", "ID"),
    ("target", "Target"),
    ("label_name", "Label"),
    ("issued_by", "By"),
    ("date", "Decided"),
    ("lifted_on", "Lifted"),
]


def designate(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="Outlet, organisation or person.")],
    label: Annotated[
        str,
        typer.Option(
            "--label", "-l", help="extremist-materials, extremist-formation, foreign-agent, ..."
        ),
    ],
    by: Annotated[str, typer.Option("--by", help="Issuing body: a court, a ministry, the KGB.")],
    date: Annotated[str, typer.Option("--date", "-d", help="Decision date, any precision.")],
    target_type: Annotated[
        str | None,
        typer.Option(
            "--target-type",
            help="outlet, organisation or person (default: what the "
            "target is recorded as, else outlet).",
        ),
    ] = None,
    country: o.Country = None,
    reference: Annotated[
        str | None, typer.Option("--reference", help="List reference (entry number).")
    ] = None,
    source: Annotated[str | None, typer.Option("--source", help="URL.")] = None,
    publisher: o.Publisher = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Record it even when the same designation is recorded."),
    ] = False,
) -> None:
    """Record a designation (and an incident of kind designation); prints its id. The same
    designation (target, label, issuing body, date) twice is refused without --force.

    Example: [bold]pressfree designate Belsat --label extremist-formation --by "KGB"
    --date 2021-07-26..2021-07-30 --country BY[/]
    """
    from pressfree import designations

    with writing(ctx) as session:
        record = designations.designate(
            session,
            target,
            label=label,
            by=by,
            on=date,
            target_type=target_type,
            country=country,
            list_reference=reference,
            source=source,
            publisher=publisher,
            force=force,
        )
        emit(f"{record.id}\n")  # before the commit: see `add`


app = typer.Typer(
    help="The designations register: who was under which label.\n\n"
    "Example: [bold]pressfree designations --as-of 2021-08-01[/]",
    invoke_without_command=True,
    rich_markup_mode="rich",
)


@app.callback()
def list_(
    ctx: typer.Context,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Only designations in force on this day.")
    ] = None,
    label: Annotated[str | None, typer.Option("--label", "-l")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List designations (those in force on a day with --as-of)."""
    if ctx.invoked_subcommand:
        return
    from pressfree import designations
    from pressfree.publish import render

    with reading(ctx) as session:
        rows = designations.list_designations(session, as_of=as_of, label=label)
    emit(
        render.listing(
            rows,
            DESIGNATION_COLUMNS,
            fmt.value,
            title="Designations",
            table_columns=DESIGNATION_TABLE_COLUMNS,
        )
    )


def _change(verb: str, what: str):
    def command(
        ctx: typer.Context,
        designation_id: Annotated[str, typer.Argument(help="Designation id.")],
        date: Annotated[str, typer.Option("--date", "-d", help="YYYY-MM-DD.")],
        note_text: Annotated[str | None, typer.Option("--note")] = None,
    ) -> None:
        from pressfree import designations

        with writing(ctx) as session:
            record = designations.change(session, designation_id, what, date, note_text)
        note(f"{record.target}: {record.label} {what} on {date}.")

    command.__doc__ = (
        f"Record that a designation was {what}.\n\n"
        f"Example: [bold]pressfree designations {verb} 1c9e --date 2022-03-01[/]"
    )
    return command


for _verb, _what in (("lift", "lifted"), ("appeal", "appealed"), ("uphold", "upheld")):
    app.command(_verb)(_change(_verb, _what))

DesignationId = Annotated[str, typer.Argument(help="Designation id (4+ characters will do).")]


@app.command("edit")
def edit(
    ctx: typer.Context,
    designation_id: DesignationId,
    label: Annotated[str | None, typer.Option("--label", "-l")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Issuing body.")] = None,
    date: Annotated[
        str | None, typer.Option("--date", "-d", help="Decision date (moves its incident).")
    ] = None,
    reference: Annotated[str | None, typer.Option("--reference", help="List reference.")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Keep it even when it becomes another's double.")
    ] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Correct a designation: what is given changes, the rest stays; a revision. Its target
    is its incident's (`pressfree edit INCIDENT`).

    Example: [bold]pressfree designations edit 1c9e --label extremist-materials[/]
    """
    from pressfree import designations
    from pressfree.publish import render

    with writing(ctx) as session:
        record = designations.edit(
            session,
            designation_id,
            label=label,
            by=by,
            on=date,
            list_reference=reference,
            force=force,
        )
        # inside the transaction: output that cannot be written stores nothing
        emit(render.record_detail(record, fmt.value))


@app.command("delete")
def delete(
    ctx: typer.Context,
    designation_id: DesignationId,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
) -> None:
    """Delete a designation with its incident; the history keeps both (`pressfree restore
    ID` brings both back).

    Example: [bold]pressfree designations delete 1c9e --yes[/]
    """
    from pressfree import designations, restore

    with writing(ctx) as session:
        found = designations.records(session, [designations.find(session, designation_id)])[0]
        confirm_delete(
            yes, f"Delete {found.id} ({found.target}: {found.label_name}, {found.date})?"
        )
        restore.delete_designation(session, designation_id)
    note(
        f"Deleted {found.id} and its incident {found.incident}; "
        f"`pressfree restore {found.id[:8]}` brings both back."
    )


def register(root: typer.Typer) -> None:
    panel = "Figures and ledgers"
    root.command(rich_help_panel=panel)(designate)
    root.add_typer(app, name="designations", rich_help_panel=panel)
    from pressfree.cli.vocabulary import vocabulary_app

    labels = vocabulary_app(
        "label",
        "labels",
        "Designation labels (extremist-materials, foreign-agent, ...)",
        "Designations",
        "undesirable-media",
        "Undesirable media",
    )
    root.add_typer(labels, name="labels", rich_help_panel=panel)
