"""The two vocabularies users extend, kinds and labels, as one command shape each."""

from __future__ import annotations

from typing import Annotated

import typer

from pressfree.cli.common import Format, FormatOption, note, noun_listing, writing


def vocabulary_app(
    vocabulary: str,
    command: str,
    plural: str,
    counted: str,
    example_slug: str,
    example_label: str,
    named: bool = True,
) -> typer.Typer:
    """`pressfree COMMAND` lists terms with counts; `pressfree COMMAND add SLUG LABEL`; and,
    for a vocabulary whose terms have names in other languages (named: kinds and labels),
    `pressfree COMMAND name SLUG NAME --lang LANG`."""
    example = f'[bold]pressfree {command} add {example_slug} "{example_label}"[/]'
    app = typer.Typer(
        help=f"{plural}, with how many {counted.lower()} use each.\n\nExample: {example}",
        invoke_without_command=True,
        rich_markup_mode="rich",
    )

    @app.callback()
    def list_terms(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
        from pressfree import vocabulary as terms

        noun_listing(
            ctx,
            lambda session: terms.terms(session, vocabulary),
            [
                ("slug", vocabulary.title()),
                ("label", "Name" if vocabulary == "label" else "Label"),
                ("count", counted),
                ("builtin", "Built in"),
            ],
            fmt,
            plural.split(" (")[0],
        )

    list_terms.__doc__ = f"List {plural.split(' (')[0].lower()} with their counts."

    @app.command("add")
    def add_term(
        ctx: typer.Context,
        slug: Annotated[str, typer.Argument(help="Lower-case words joined by -.")],
        label: Annotated[str, typer.Argument(help="A readable name.")],
    ) -> None:
        from pressfree import vocabulary as terms

        with writing(ctx) as session:
            term = terms.add_term(session, slug, label, vocabulary)
        note(f"Added {vocabulary} {term.slug} ({term.label}).")

    add_term.__doc__ = f"Add a {vocabulary} to the vocabulary.\n\nExample: {example}"
    if not named:
        return app

    @app.command("name")
    def name_term(
        ctx: typer.Context,
        slug: Annotated[str, typer.Argument(help="Its slug.")],
        name: Annotated[str, typer.Argument(help='Its name in that language; "" removes it.')],
        lang: Annotated[str, typer.Option("--lang", help="ru or be.")],
    ) -> None:
        from pressfree import vocabulary as terms

        with writing(ctx) as session:
            names = terms.name_term(session, slug, lang, name, vocabulary)
        shown = ", ".join(f"{code}: {text}" for code, text in sorted(names.items()))
        note(f"Names of {vocabulary} {slug.strip().lower()}: {shown or 'none'}.")

    name_term.__doc__ = (
        f"Name a {vocabulary} in another language, for reports and "
        f"summaries in it.\n\nExample: [bold]pressfree {command} name "
        f'{example_slug} --lang be "..."[/]'
    )
    return app
