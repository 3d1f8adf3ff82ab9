"""Commands for the custody ledger: who is held, and releases."""

from __future__ import annotations

from typing import Annotated

import typer

from pressfree.cli import options as o
from pressfree.cli.common import Format, FormatOption, emit, footer, note, reading, writing

CUSTODY_COLUMNS = [
    ("person", "Journalist"),
    ("since", "Held since"),
    ("days_held", "Days held"),
    ("country", "Country"),
    ("incident", "Incident"),
    ("case", "Case"),
]
CUSTODY_TABLE_COLUMNS = [
    ("person", "Journalist"),
    ("since", "Held since"),
    ("days_held", "Days held"),
    ("country", "Country"),
    ("opened_by", "Opened by"),  # the detention's id, or the case's whose verdict it was
]


def release(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="The journalist's name or alias, in any case.")],
    date: Annotated[str, typer.Option("--date", "-d", help="Day of release.")],
    outcome: Annotated[
        str,
        typer.Option(
            "--outcome", help="released, sentence-served, house-arrest, exchanged or other."
        ),
    ] = "released",
    incident: Annotated[
        str | None,
        typer.Option(
            "--incident",
            help="The detention that named them: needed for someone "
            'known only by a placeholder ("unknown").',
        ),
    ] = None,
) -> None:
    """Close a journalist's open custody period.

    Example: [bold]pressfree release "Ihar Losik" --date 2021-08-02 --outcome released[/]
    """
    from pressfree import releases

    with writing(ctx) as session:
        record = releases.release(session, person, date, outcome, incident=incident)
    note(
        f"{record.person}: held since {record.since}, {record.outcome} on "
        f"{record.released_on} ({record.days_held} days)."
    )


def custody(
    ctx: typer.Context,
    as_of: Annotated[str, typer.Option("--as-of", help="The day, YYYY-MM-DD.")],
    country: o.Country = None,
    kind: o.Kinds = None,
    journalist: o.Journalist = None,
    outlet: o.Outlet = None,
    publisher: o.Publisher = None,
    status: o.Status = None,
    tag: o.Tag = None,
    search: o.Search = None,
    where: o.Where = None,
    updated_since: o.UpdatedSince = None,
    updated_before: o.UpdatedBefore = None,
    include_new: o.IncludeNew = False,
    affiliated: o.Affiliated = False,
    fmt: FormatOption = Format.table,
) -> None:
    """List who was in custody on a day, beside the newest figure a source reported.
    The filters `list` takes select periods by the detention that opened them.

    Example: [bold]pressfree custody --as-of 2021-07-30 --country BY[/]
    """
    from pressfree.publish import census, render

    filters = o.narrowing(locals())
    with reading(ctx) as session:
        report = census.custody_report(session, as_of, country, filters)
    if fmt == Format.json:
        emit(render.to_json({**render.plain(report), "comparison": report.comparison()}) + "\n")
        return
    # the day the cases stop holding someone, when they say it (custody.cases_end)
    due = (
        [("due_for_release", "Due for release")]
        if any(r.due_for_release for r in report.held)
        else []
    )
    emit(
        render.listing(
            report.held,
            CUSTODY_COLUMNS + due,
            fmt.value,
            title=f"In custody on {report.as_of}",
            prepare=lambda r: {
                **r,
                "opened_by": (r["incident"] or "")[:8] or f"case {(r['case'] or '')[:8]}",
            },
            table_columns=CUSTODY_TABLE_COLUMNS + due,
            empty=f"Nobody itemised here was in custody on {report.as_of}.",
            droppable=["opened_by", "country"],
        )
    )
    if fmt in (Format.table, Format.markdown):
        lines = report.comparison() or [f"No reported figure; {len(report.held)} itemised here."]
        emit(footer(lines, fmt))


def register(root: typer.Typer) -> None:
    panel = "Figures and ledgers"
    root.command(rich_help_panel=panel)(release)
    root.command(rich_help_panel=panel)(custody)
