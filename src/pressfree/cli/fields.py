"""`pressfree fields`: an organisation's own fields, defined once, set with `--field`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pressfree.cli.common import Format, FormatOption, note, noun_listing, writing

fields_app = typer.Typer(
    help="Your organisation's own fields (text, number, date or a choice), set on incidents "
    "with `add/edit --field NAME=VALUE`, shown by `show`, filtered by `--where`, carried by "
    "exports and checked on import.\n\n"
    "Example: [bold]pressfree fields add court --type choice --choices district,regional[/]",
    invoke_without_command=True,
    rich_markup_mode="rich",
)


@fields_app.callback()
def fields(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """List the fields defined, with their type and choices."""
    from pressfree import own_fields

    def rows(session: Any) -> list[dict[str, str]]:
        return [
            {"name": name, "type": d["type"], "choices": ", ".join(d.get("choices", []))}
            for name, d in sorted(own_fields.defined(session).items())
        ]

    noun_listing(
        ctx,
        rows,
        [("name", "Field"), ("type", "Type"), ("choices", "Choices")],
        fmt,
        "Fields",
        "No field is defined: `pressfree fields add NAME --type text` defines one.",
    )


@fields_app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The field's name, as columns and --where say it.")],
    kind: Annotated[
        str, typer.Option("--type", help="text, number, date (as --date takes) or choice.")
    ] = "text",
    choices: Annotated[
        str | None,
        typer.Option("--choices", help="With --type choice: the values it takes, by commas."),
    ] = None,
) -> None:
    """Define a field (or change one's type or choices: refused if a stored value would not
    fit).

    Example: [bold]pressfree fields add fine --type number[/]
    """
    from pressfree import own_fields

    with writing(ctx) as session:
        own_fields.define(session, name, kind, choices.split(",") if choices else None)
    note(f"Field {name.strip()!r} ({kind.strip().lower()}) is defined.")


@fields_app.command("remove")
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The field's name.")],
) -> None:
    """Forget a field's definition; the values incidents hold stay, as extra fields.

    Example: [bold]pressfree fields remove fine[/]
    """
    from pressfree import own_fields

    with writing(ctx) as session:
        own_fields.remove(session, name)
    note(f"Field {name!r} is no longer defined; its values stay with their incidents.")


def register(root: typer.Typer) -> None:
    root.add_typer(fields_app, name="fields", rich_help_panel="Incidents")
