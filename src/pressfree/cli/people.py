"""Commands for journalists and outlets as records: list them with their aliases, add an
alias, set a journalist's affiliation or at-risk flag; the placeholder names."""

from __future__ import annotations

from typing import Annotated

import typer

from pressfree.cli.common import (
    Format,
    FormatOption,
    emit,
    note,
    noun_listing,
    reading,
    warn,
    writing,
)

app = typer.Typer(
    help="Journalists: affiliations, other spellings, who is at risk.\n\n"
    'Example: [bold]pressfree journalists set "Ігар Лосік" --at-risk[/]',
    invoke_without_command=True,
    rich_markup_mode="rich",
)
outlets_app = typer.Typer(
    help="Outlets and organisations, with their other names.\n\n"
    "Example: [bold]pressfree outlets alias Belsat Белсат[/]",
    invoke_without_command=True,
    rich_markup_mode="rich",
)
placeholders_app = typer.Typer(
    help='Placeholder names ("[full name unavailable]", "unknown"): each mention of one '
    'is an unnamed person of its own, never merged, never "most targeted".\n\n'
    'Example: [bold]pressfree journalists placeholders add "name withheld"[/]',
    invoke_without_command=True,
    rich_markup_mode="rich",
)
app.add_typer(placeholders_app, name="placeholders")
publishers_app = typer.Typer(
    help="Publishers of sources and figures, with their other names: figures under either "
    "name are one publisher's.\n\n"
    'Example: [bold]pressfree publishers alias BAJ "Belarusian Association of Journalists"[/]',
    invoke_without_command=True,
    rich_markup_mode="rich",
)

COLUMNS = [
    ("name", "Journalist"),
    ("aliases", "Also written"),
    ("outlet", "Outlet"),
    ("incidents", "Incidents"),
    ("at_risk", "At risk"),
    ("pseudonym", "Pseudonym"),
]
OUTLET_COLUMNS = [
    ("name", "Outlet"),
    ("type", "Type"),
    ("aliases", "Also written"),
    ("incidents", "Incidents"),
]
TIMELINE_COLUMNS = [("date", "Date"), ("event", "What"), ("detail", "Detail"), ("id", "ID")]
NameArg = Annotated[str, typer.Argument(help="The name, or one of its aliases.")]
AliasArg = Annotated[str, typer.Argument(help="Another spelling or name.")]


@app.callback()
def list_(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """List journalists with their other spellings, outlet, incident count and at-risk flag."""
    if ctx.invoked_subcommand:
        return
    from pressfree import people
    from pressfree.publish import render

    with reading(ctx) as session:
        rows = people.list_people(session)
        unnamed = people.unnamed_count(session)
    emit(render.listing(rows, COLUMNS, fmt.value, title="Journalists"))
    if unnamed and fmt == Format.table:
        note(
            f"And {unnamed} unnamed (placeholder names: see `pressfree journalists placeholders`)."
        )


@app.command("set")
def set_(
    ctx: typer.Context,
    name: NameArg,
    outlet: Annotated[
        str | None, typer.Option("--outlet", help="Affiliation (an empty value removes it).")
    ] = None,
    at_risk: Annotated[
        bool | None,
        typer.Option(
            "--at-risk/--not-at-risk",
            help="At risk: `export --redact` replaces the name with a pseudonym.",
        ),
    ] = None,
    restricted: Annotated[
        bool | None,
        typer.Option(
            "--restricted/--not-restricted",
            help="Restricted: the incidents naming them are never in a redacted or published "
            "output, and on a server not readable without the pressfree_restricted grant.",
        ),
    ] = None,
) -> None:
    """Set a journalist's affiliation, at-risk or restricted flag.

    Example: [bold]pressfree journalists set "Ігар Лосік" --outlet Belsat --at-risk[/]
    """
    from pressfree import people

    with writing(ctx) as session:
        record = people.update(session, name, outlet=outlet, at_risk=at_risk, restricted=restricted)
    note(
        f"{record.name}: outlet {record.outlet or '(none)'}; "
        + (
            f"at risk, exported as {record.pseudonym!r} with --redact"
            if record.at_risk
            else "not marked at risk"
        )
        + ("; restricted" if record.restricted else "")
        + "."
    )


@app.command("show")
def show(ctx: typer.Context, name: NameArg, fmt: FormatOption = Format.table) -> None:
    """One journalist's timeline: incidents, custody periods, cases and their events,
    designations, oldest first.

    Example: [bold]pressfree journalists show "Ihar Losik"[/]
    """
    from pressfree.publish import render, timeline

    with reading(ctx) as session:
        found = timeline.of_person(session, name)
    if fmt == Format.json:
        emit(render.to_json(found) + "\n")
        return
    also = f" (also written {'; '.join(found.aliases)})" if found.aliases else ""
    emit(
        render.listing(
            found.entries,
            TIMELINE_COLUMNS,
            fmt.value,
            title=f"{found.name}{also}" + (f", {found.outlet}" if found.outlet else ""),
            empty=f"Nothing is recorded about {found.name} yet.",
        )
    )


def _alias(ctx: typer.Context, target: str, name: str, alias: str) -> None:
    from pressfree import identity

    with writing(ctx) as session:
        named, aliases = identity.add_alias(session, target, name, alias)
    note(f"{named} is also written: {'; '.join(aliases)}.")


@app.command("alias")
def alias_person(ctx: typer.Context, name: NameArg, alias: AliasArg) -> None:
    """Record another spelling of a journalist's name: filters, search, the summary, the
    custody ledger and new incidents find the same person by it.

    Example: [bold]pressfree journalists alias "Ігар Лосік" "Ihar Losik"[/]
    """
    _alias(ctx, "person", name, alias)


@outlets_app.callback()
def list_outlets(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """List outlets and organisations with their other names and incident counts."""
    from pressfree import identity

    noun_listing(ctx, identity.list_outlets, OUTLET_COLUMNS, fmt, "Outlets")


@outlets_app.command("alias")
def alias_outlet(ctx: typer.Context, name: NameArg, alias: AliasArg) -> None:
    """Record another name of an outlet or organisation.

    Example: [bold]pressfree outlets alias Belsat "Belsat TV"[/]
    """
    _alias(ctx, "outlet", name, alias)


@publishers_app.callback()
def list_publishers(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """List publishers with their other names, sources and figures."""
    from pressfree import publishers

    noun_listing(
        ctx,
        publishers.list_publishers,
        [
            ("name", "Publisher"),
            ("other_names", "Also called"),
            ("sources", "Sources"),
            ("figures", "Figures"),
        ],
        fmt,
        "Publishers",
    )


@publishers_app.command("alias")
def alias_publisher(ctx: typer.Context, name: NameArg, alias: AliasArg) -> None:
    """Record another name of a publisher: its sources and figures under either name are
    one publisher's (filters, the newest figure of each publisher, the duplicate check).

    Example: [bold]pressfree publishers alias BAJ "Belarusian Association of Journalists"[/]
    """
    from pressfree import publishers, tallies

    with writing(ctx) as session:
        named = publishers.add_alias(session, name, alias)
        doubles = tallies.doubles(session, named[0])
    note(f"{named[0]} is also called: {'; '.join(named[1:])}.")
    for kept, twice in doubles:
        warn(
            f"{kept} and {twice} are now the same figure of one publisher: delete one "
            "(`pressfree tally delete ID`)"
        )


@placeholders_app.callback()
def list_placeholders(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """List the placeholder names (matched ignoring case and punctuation)."""
    from pressfree import identity

    noun_listing(
        ctx,
        identity.placeholders,
        [("name", "Placeholder name"), ("builtin", "Built in")],
        fmt,
        "Placeholder names",
    )


@placeholders_app.command("add")
def add_placeholder(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="A name that names nobody.")]
) -> None:
    """Add a placeholder name: incidents recorded from now on that give it name nobody.

    Example: [bold]pressfree journalists placeholders add "name withheld"[/]
    """
    from pressfree import identity

    with writing(ctx) as session:
        identity.add_placeholder(session, name)
    note(f"{name!r} is a placeholder name: each mention is an unnamed person of its own.")


@placeholders_app.command("remove")
def remove_placeholder(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="A placeholder name.")]
) -> None:
    """Make a placeholder name a name again: incidents recorded from now on that give it
    name one person (unnamed people already recorded stay so).

    Example: [bold]pressfree journalists placeholders remove "independent"[/]
    """
    from pressfree import identity

    with writing(ctx) as session:
        identity.remove_placeholder(session, name)
    note(f"{name!r} is no longer a placeholder name.")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="journalists", rich_help_panel="Incidents")
    root.add_typer(outlets_app, name="outlets", rich_help_panel="Incidents")
    root.add_typer(publishers_app, name="publishers", rich_help_panel="Figures and ledgers")
