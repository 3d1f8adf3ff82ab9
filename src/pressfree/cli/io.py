"""Commands that move data in and out: import, export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from pressfree.cli import options as o
from pressfree.cli.common import note, reading, writing


def import_(ctx: typer.Context,
            file: Annotated[Path, typer.Argument(help="A pressfree JSON export.",
                                                 exists=True, dir_okay=False)]) -> None:
    """Import a file; records already in the database are skipped, never doubled.

    Example: [bold]pressfree import data/belarus-2021-07.json[/]
    """
    from pressfree import exchange

    document = exchange.read_document(file)
    with writing(ctx) as session:
        counts = exchange.load_document(session, document)
    note(_describe(counts))


def _describe(counts: dict[str, int]) -> str:
    added = ", ".join(f"{n} {name}" for name, n in counts.items() if name != "skipped")
    skipped = counts.get("skipped", 0)
    return f"Imported {added}" + (f"; {skipped} already present, skipped." if skipped else ".")


def export(ctx: typer.Context, month: o.Month = None, year: o.Year = None,
           start: o.From = None, end: o.To = None, kind: o.Kinds = None,
           country: o.Country = None, journalist: o.Journalist = None,
           outlet: o.Outlet = None, publisher: o.Publisher = None, status: o.Status = None,
           tag: o.Tag = None, limit: o.Limit = None,
           fmt: Annotated[str, typer.Option("--format", "-f",
                                            help="json (the whole database, re-importable), "
                                                 "ndjson or csv (incidents).")] = "json",
           out: Annotated[Optional[Path], typer.Option(
               "--out", help="Write to this file instead of stdout.")] = None) -> None:
    """Export incidents (json also carries tallies, custody and designations).

    Example: [bold]pressfree export --format json --out belarus.json[/]
    """
    from pressfree import exchange

    filters = o.incident_filter(month, year, start, end, kind, country, journalist, outlet,
                                publisher, status, tag, limit)
    handle = open(out, "w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        with reading(ctx) as session:
            count = exchange.write(session, handle, fmt, filters)
    finally:
        if out:
            handle.close()
    if out:
        note(f"Exported {count} incidents to {out}.")


def register(app: typer.Typer) -> None:
    app.command("import", rich_help_panel="Import and export")(import_)
    app.command(rich_help_panel="Import and export")(export)
