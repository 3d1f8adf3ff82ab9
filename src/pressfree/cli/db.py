"""Commands about the database itself: init, info, backup."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pressfree.cli.common import (Format, FormatOption, emit, note, open_store, reading,
                                  to_stdout)


def init(ctx: typer.Context) -> None:
    """Create the database (or upgrade an older one) and print where it is.

    Example: [bold]pressfree --db ~/cases/belarus.db init[/]
    """
    from pressfree import db

    store = open_store(ctx)
    note(f"Database ready at {store.display} "
         f"(schema {db.schema_version(db.current_revision(store))}).")


def info(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Show where the database is, its schema version and what it holds.

    Example: [bold]pressfree info --format json[/]
    """
    from pressfree import facts as database, render

    with reading(ctx) as session:
        facts = database.database_facts(open_store(ctx), session)
    rows = [{"what": k, "value": v} for k, v in facts.items()]
    if fmt == Format.json:
        emit(render.to_json(facts) + "\n")
    else:
        emit(render.listing(rows, [("what", "What"), ("value", "Value")], fmt.value,
                            title="Database"))


def backup(ctx: typer.Context, path: Annotated[Path, typer.Argument(
        help="Where to write the copy (replaced if it is a file; - for stdout).")]) -> None:
    """Write a consistent copy of the database, even while another terminal writes.

    Example: [bold]pressfree backup ~/backups/pressfree-2021-07.db[/]
    """
    store = open_store(ctx, write=False)
    if str(path) == "-":
        with to_stdout() as out:
            pages = store.backend.backup_to_stream(store.path, out.buffer)
            out.buffer.flush()
        note(f"Backed up {store.display} to standard output ({pages} pages).")
        return
    pages = store.backend.backup(store.path, path)
    note(f"Backed up {store.display} to {path} ({pages} pages).")


def register(app: typer.Typer) -> None:
    for command in (init, info, backup):
        app.command(rich_help_panel="Database")(command)
