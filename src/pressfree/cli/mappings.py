"""Mappings: the presets and their layouts, a preset's text to copy, a mapping to start from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pressfree.cli.common import Format, FormatOption, emit

mapping_app = typer.Typer(
    help="Mapping files that say what another tracker's columns mean.\n\n"
    "Example: [bold]pressfree mapping init sheet.csv > mine.toml[/]",
    no_args_is_help=True,
    rich_markup_mode="rich",
)


@mapping_app.command("list")
def list_presets(fmt: FormatOption = Format.table) -> None:
    """List the presets and the layouts each recognises, with the columns a layout needs.

    Example: [bold]pressfree mapping list[/]
    """
    from pressfree.exchange import mapping as mappings
    from pressfree.publish import render

    rows = [
        {
            "preset": m.name,
            "layout": m.layout or "",
            "needs": ", ".join(m.required()),
            "what": m.description,
        }
        for name in mappings.presets()
        for m in mappings.preset(name)
    ]
    emit(
        render.listing(
            rows,
            [
                ("preset", "Preset"),
                ("layout", "Layout"),
                ("needs", "Columns it needs"),
                ("what", "What it reads"),
            ],
            fmt.value,
            title="Presets",
        )
    )


@mapping_app.command("show")
def show(name: Annotated[str, typer.Argument(help="A preset: pft, cpj or pressfree.")]) -> None:
    """Print a preset's mapping file, to copy and adjust.

    Example: [bold]pressfree mapping show pft > my-pft.toml[/]
    """
    from pressfree.exchange import mapping as mappings

    emit(mappings.preset_path(name, "NAME").read_text(encoding="utf-8"))


@mapping_app.command("init")
def init(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(help="The CSV, JSON or NDJSON file to read.", exists=True, dir_okay=False),
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="csv, json or ndjson (default: from the name)."),
    ] = None,
) -> None:
    """Write a starting mapping for a file no preset knows, guessed from its header and
    first rows (date, kind, country and name columns, date layouts, kinds), to edit.

    Example: [bold]pressfree mapping init sheet.csv > mine.toml[/]
    """
    from pressfree.errors import InvalidValue
    from pressfree.exchange import guess, readers

    if fmt and fmt not in readers.FORMATS:
        raise InvalidValue(
            "--format", fmt, f"is not an import format ({', '.join(readers.FORMATS)})"
        )
    emit(guess.initial_mapping(file, fmt or readers.detect_format(file), _kind_words(ctx)))


def _kind_words(ctx: typer.Context) -> dict[str, str]:
    """Every name the database gives each kind, to read a sheet's kinds by; none when there
    is no database yet (the built-in words still read them)."""
    from pressfree import vocabulary
    from pressfree.cli.common import if_stored

    return if_stored(ctx, vocabulary.kind_words, {})


def register(root: typer.Typer) -> None:
    root.add_typer(mapping_app, name="mapping", rich_help_panel="Import and export")
