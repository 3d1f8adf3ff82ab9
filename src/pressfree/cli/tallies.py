"""Commands for reported counts: figures sources publish instead of names."""

from __future__ import annotations

from typing import Annotated

import typer

from pressfree.cli import options as o
from pressfree.cli.common import Format, FormatOption, emit, reading, writing

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
) -> None:
    """Record a figure a source published; figures from other sources are kept beside it.

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
        )
        emit(f"{record.id}\n")  # before the commit: see `add`


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
