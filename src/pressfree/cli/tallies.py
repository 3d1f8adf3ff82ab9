"""Commands for reported counts: figures sources publish instead of names."""

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

TALLY_COLUMNS = [
    ("id", "ID"),
    ("metric", "Metric"),
    ("value", "Value"),
    ("qualifier", "Qualifier"),
    ("reads", "Figure"),
    ("period", "Period"),
    ("as_of", "As of"),
    ("country", "Country"),
    ("scope", "Scope"),
    ("publisher", "Publisher"),
    ("source", "Source"),
]
TALLY_TABLE_COLUMNS = [
    ("id", "ID"),
    ("metric", "Metric"),
    ("reads", "Figure"),
    ("when", "When"),
    ("country", "Country"),
    ("publisher", "Publisher"),
    ("scope", "Scope"),
]


def _when(row: dict) -> dict:
    return {**row, "when": row["period"] or f"as of {row['as_of']}"}


app = typer.Typer(
    help='Reported counts: figures sources publish ("more than 200 raids").\n\n'
    "Example: [bold]pressfree tally list --country BY[/]",
    no_args_is_help=True,
    rich_markup_mode="rich",
)


@app.command("add")
def add(
    ctx: typer.Context,
    metric: Annotated[
        str,
        typer.Argument(
            help="A kind (raid, detention, ...) for a count of events, or "
            "journalists-in-custody for a count of people held."
        ),
    ],
    value: Annotated[
        str,
        typer.Argument(
            help="28 (exact), 200+ or >=200 (at least), >200 (more than), ~200 (about), "
            "<=200 (at most)."
        ),
    ],
    period: Annotated[
        str | None, typer.Option("--period", help="What the count covers: 2021-07, 2021 or A..B.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The day a count of people held refers to.")
    ] = None,
    country: o.Country = None,
    scope: Annotated[
        str | None, typer.Option("--scope", help="What was counted, in the source's words.")
    ] = None,
    publisher: Annotated[
        str | None, typer.Option("--publisher", help="Who published the figure (Viasna, BAJ).")
    ] = None,
    source: Annotated[str | None, typer.Option("--source", help="Source URL.")] = None,
    title: Annotated[str | None, typer.Option("--source-title")] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Record it even when the same figure is already recorded."),
    ] = False,
) -> None:
    """Record a figure a source published; figures from other sources are kept beside it.
    The same figure (metric, value, dates, country, publisher) twice is refused without
    --force.

    Example: [bold]pressfree tally add raid ">200" --period 2021-07 --country BY
    --publisher Viasna --scope "offices and apartments of activists and journalists"[/]
    """
    from pressfree import tallies

    with writing(ctx) as session:
        record = tallies.add_tally(
            session,
            metric,
            value,
            period=period,
            as_of=as_of,
            country=country,
            scope=scope,
            publisher=publisher,
            source=source,
            title=title,
            force=force,
        )
        emit(f"{record.id}\n")  # before the commit: see `add`


TallyId = Annotated[str, typer.Argument(help="The figure's id (4+ characters of it will do).")]


@app.command("edit")
def edit(
    ctx: typer.Context,
    tally_id: TallyId,
    value: Annotated[
        str | None, typer.Option("--value", help="28, 200+, >200, ~200, <=200.")
    ] = None,
    period: Annotated[str | None, typer.Option("--period", help="2021-07, 2021 or A..B.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD.")] = None,
    country: o.Country = None,
    scope: Annotated[str | None, typer.Option("--scope")] = None,
    publisher: o.Publisher = None,
    source: Annotated[str | None, typer.Option("--source", help="Source URL.")] = None,
    title: Annotated[str | None, typer.Option("--source-title")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Keep it even when it becomes another's double.")
    ] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Correct a figure: what is given changes, the rest stays; a revision (`pressfree
    restore ID --to REV` puts it back).

    Example: [bold]pressfree tally edit 5c1e --value ">210" --publisher Viasna[/]
    """
    from pressfree import tallies
    from pressfree.publish import render

    with writing(ctx) as session:
        record = tallies.edit_tally(
            session,
            tally_id,
            force=force,
            value=value,
            period=period,
            as_of=as_of,
            country=country,
            scope=scope,
            publisher=publisher,
            source=source,
            title=title,
        )
        # inside the transaction: output that cannot be written stores nothing
        emit(render.record_detail(record, fmt.value))


@app.command("delete")
def delete(
    ctx: typer.Context,
    tally_id: TallyId,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
) -> None:
    """Delete a figure; its history keeps it (`pressfree restore ID` brings it back).

    Example: [bold]pressfree tally delete 5c1e --yes[/]
    """
    from pressfree import tallies

    with writing(ctx) as session:
        found = tallies.tally_records(session, [tallies.find(session, tally_id)])[0]
        confirm_delete(
            yes,
            f"Delete {found.id} ({found.metric} {found.reads}, {found.period or found.as_of}, "
            f"{found.publisher})?",
        )
        record = tallies.delete_tally(session, tally_id)
    note(
        f"Deleted {record.id}: {record.metric} {record.reads}; "
        f"`pressfree restore {record.id[:8]}` brings it back."
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    month: o.Month = None,
    year: o.Year = None,
    start: o.From = None,
    end: o.To = None,
    country: o.Country = None,
    metric: Annotated[str | None, typer.Option("--metric")] = None,
    publisher: o.Publisher = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List reported counts, newest first.

    Example: [bold]pressfree tally list --month 2021-07 --metric raid[/]
    """
    from pressfree import dates, tallies
    from pressfree.publish import render

    with reading(ctx) as session:
        rows = tallies.list_tallies(
            session,
            period=dates.period(month, year, start, end),
            country=country,
            metric=metric,
            publisher=publisher,
        )
    emit(
        render.listing(
            rows,
            TALLY_COLUMNS,
            fmt.value,
            title="Reported counts",
            prepare=_when,
            table_columns=TALLY_TABLE_COLUMNS,
        )
    )


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="tally", rich_help_panel="Figures and ledgers")
