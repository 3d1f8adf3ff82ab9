"""Commands for records that are one thing twice: likely duplicates, and merging them."""

from __future__ import annotations

from typing import Annotated

import typer

from pressfree.cli import options as o
from pressfree.cli.common import Format, FormatOption, emit, note, reading, writing

merge_app = typer.Typer(
    help="Make two records of one thing one: incidents, journalists or outlets. Nothing is "
    "lost, and `merge undo` takes a merge back.\n\n"
    'Example: [bold]pressfree merge journalist "Ігар Лосік" "Ihar Losik"[/]',
    no_args_is_help=True,
    rich_markup_mode="rich",
)

PAIR_COLUMNS = [
    ("first", "First"),
    ("first_date", "Date"),
    ("first_summary", "Summary"),
    ("second", "Second"),
    ("second_date", "Date "),
    ("second_summary", "Summary "),
    ("reason", "Why"),
]
PAIR_TABLE_COLUMNS = [
    ("first", "First"),
    ("first_date", "Date"),
    ("second", "Second"),
    ("second_date", "Date "),
    ("reason", "Why"),
]


def duplicates(
    ctx: typer.Context,
    month: o.Month = None,
    year: o.Year = None,
    start: o.From = None,
    end: o.To = None,
    country: o.Country = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List pairs of incidents that are likely one event: dates that overlap, a kind in
    common, the same country, and the same journalist, outlet (or a name that sounds the
    same in another script) or source URL.

    Example: [bold]pressfree duplicates --month 2021-07[/], then [bold]pressfree merge
    incident KEEP DROP[/]
    """
    from pressfree import dates
    from pressfree import duplicates as finding
    from pressfree.publish import render

    period = dates.period(month, year, start, end)
    with reading(ctx) as session:
        rows = finding.pairs(session, period, country)
    emit(
        render.listing(
            rows,
            PAIR_COLUMNS,
            fmt.value,
            title="Likely duplicates",
            table_columns=PAIR_TABLE_COLUMNS,
            empty="No likely duplicates.",
        )
    )


KeepArg = Annotated[str, typer.Argument(help="The record to keep.", show_default=False)]
DropArg = Annotated[
    str, typer.Argument(help="The record merged into it (it goes).", show_default=False)
]


def _said(merged) -> None:
    note(
        f"Merged {merged.record_type} {merged.dropped} into {merged.kept} "
        f"(`pressfree merge undo {merged.change}` takes it back)."
    )


@merge_app.command("incident")
def merge_incident(ctx: typer.Context, keep: KeepArg, drop: DropArg) -> None:
    """Merge incident DROP into KEEP: kinds, sources, journalists, outlets, tags, updates
    and designations move to KEEP; KEEP's empty fields take DROP's, DROP's differing values
    are kept in KEEP's extra fields (under "merged"); DROP's id finds KEEP from now on.

    Example: [bold]pressfree merge incident 3f2a9c1e 7b1d0e44[/]
    """
    from pressfree import merging

    with writing(ctx) as session:
        merged = merging.merge_incidents(session, keep, drop)
    _said(merged)


@merge_app.command("journalist")
def merge_journalist(ctx: typer.Context, keep: KeepArg, drop: DropArg) -> None:
    """Make two journalists one: DROP's incidents, custody, releases, designations and
    aliases move to KEEP, and DROP's name becomes an alias of KEEP.

    Example: [bold]pressfree merge journalist "Ігар Лосік" "Игорь Лосик"[/]
    """
    from pressfree import merging

    with writing(ctx) as session:
        merged = merging.merge_named(session, "journalist", keep, drop)
    _said(merged)


@merge_app.command("outlet")
def merge_outlet(ctx: typer.Context, keep: KeepArg, drop: DropArg) -> None:
    """Make two outlets or organisations one: DROP's incidents, designations, journalists
    and aliases move to KEEP, and DROP's name becomes an alias of KEEP.

    Example: [bold]pressfree merge outlet Belsat Белсат[/]
    """
    from pressfree import merging

    with writing(ctx) as session:
        merged = merging.merge_named(session, "outlet", keep, drop)
    _said(merged)


@merge_app.command("undo")
def merge_undo(
    ctx: typer.Context,
    rev: Annotated[
        str,
        typer.Argument(
            help="A revision of the merge (as `merge` printed it, or from `pressfree history`).",
            show_default=False,
        ),
    ],
) -> None:
    """Take a merge back: the dropped record returns with everything it had.

    Example: [bold]pressfree merge undo 42[/]
    """
    from pressfree import merging

    with writing(ctx) as session:
        merged = merging.undo(session, rev)
    note(f"Took back the merge of {merged.record_type} {merged.dropped} into {merged.kept}.")


def register(root: typer.Typer) -> None:
    root.command(rich_help_panel="Incidents")(duplicates)
    root.add_typer(merge_app, name="merge", rich_help_panel="Incidents")
