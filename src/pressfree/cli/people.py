"""Commands for journalists as records: list them, set affiliation and the at-risk flag."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from pressfree.cli.common import Format, FormatOption, emit, note, reading, writing

app = typer.Typer(help="Journalists: affiliations and who is at risk.\n\n"
                       "Example: [bold]pressfree journalists set \"Ігар Лосік\" --at-risk[/]",
                  invoke_without_command=True, rich_markup_mode="rich")

COLUMNS = [("name", "Journalist"), ("outlet", "Outlet"), ("incidents", "Incidents"),
           ("at_risk", "At risk"), ("pseudonym", "Pseudonym")]


@app.callback()
def list_(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """List journalists with their outlet, incident count and at-risk flag."""
    if ctx.invoked_subcommand:
        return
    from pressfree import people, render

    with reading(ctx) as session:
        rows = people.list_people(session)
    emit(render.listing(rows, COLUMNS, fmt.value, title="Journalists"))


@app.command("set")
def set_(ctx: typer.Context,
         name: Annotated[str, typer.Argument(help="The journalist's name, exactly.")],
         outlet: Annotated[Optional[str], typer.Option(
             "--outlet", help="Affiliation (an empty value removes it).")] = None,
         at_risk: Annotated[Optional[bool], typer.Option(
             "--at-risk/--not-at-risk",
             help="At risk: `export --redact` replaces the name with a pseudonym.")] = None
         ) -> None:
    """Set a journalist's affiliation or at-risk flag.

    Example: [bold]pressfree journalists set "Ігар Лосік" --outlet Belsat --at-risk[/]
    """
    from pressfree import people

    with writing(ctx) as session:
        record = people.update(session, name, outlet=outlet, at_risk=at_risk)
    note(f"{record.name}: outlet {record.outlet or '(none)'}; "
         + (f"at risk, exported as {record.pseudonym!r} with --redact" if record.at_risk
            else "not marked at risk") + ".")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="journalists", rich_help_panel="Incidents")
