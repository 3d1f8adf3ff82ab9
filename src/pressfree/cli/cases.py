"""Commands for cases against journalists (`case open`, its events, `cases`), the prison
census, and the charges (articles of law and their categories)."""

from __future__ import annotations

from typing import Annotated

import typer

from pressfree.cli import options as o
from pressfree.cli.common import Format, FormatOption, emit, footer, note, reading, warn, writing

CaseArg = Annotated[str, typer.Argument(help="Case id (its first characters will do).")]
DateOpt = Annotated[str, typer.Option("--date", "-d", help="When: a day, month, year or range.")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="What else to keep.")]
SourceOpt = Annotated[str | None, typer.Option("--source", help="URL.")]
AsOf = Annotated[
    str | None, typer.Option("--as-of", help="As the case stood on this day (default: today).")
]
Charges = Annotated[
    list[str] | None,
    typer.Option(
        "--charge",
        help='Law and article, as "Criminal Code art. 342"; its category is known '
        "for the articles `pressfree charges` lists, else give it after =: "
        '"Criminal Code art. 999=anti-state". Repeatable.',
    ),
]

CASE_COLUMNS = [
    ("id", "ID"),
    ("person", "Journalist"),
    ("case_type", "Type"),
    ("opened", "Opened"),
    ("status", "Status"),
    ("charges", "Charges"),
    ("sentence", "Sentence"),
    ("country", "Country"),
    ("authority", "By"),
    ("place", "Held at"),
    ("closed", "Closed"),
]
CASE_TABLE_COLUMNS = [
    ("id", "ID"),
    ("person", "Journalist"),
    ("case_type", "Type"),
    ("opened", "Opened"),
    ("status", "Status"),
    ("charges", "Charges"),
    ("sentence", "Sentence"),
]
EVENT_COLUMNS = [("date", "Date"), ("event", "Event"), ("what", "What")]
CENSUS_COLUMNS = [
    ("person", "Journalist"),
    ("outlet", "Outlet"),
    ("since", "Held since"),
    ("days_held", "Days held"),
    ("charges", "Charges"),
    ("status", "Status of charges"),
    ("sentence", "Sentence"),
    ("place", "Held at"),
    ("country", "Country"),
    ("due_for_release", "Due for release"),
]
CENSUS_TABLE_COLUMNS = [c for c in CENSUS_COLUMNS if c[0] not in ("country",)]
ARTICLE_COLUMNS = [
    ("law", "Law and article"),
    ("category", "Category"),
    ("name", "What"),
    ("charges", "Charges"),
    ("builtin", "Built in"),
]

case_app = typer.Typer(
    help="A case against a journalist: open it, then record its "
    "charges, hearings, verdict, appeal, transfers, close.\n\n"
    'Example: [bold]pressfree case open "Ihar Losik" --type criminal '
    '--date 2020-06-25 --charge "Criminal Code art. 342"[/]',
    rich_markup_mode="rich",
    no_args_is_help=True,
)
charge_app = typer.Typer(
    help="Charges brought or dropped in a case.\n\n"
    'Example: [bold]pressfree case charge add 1c9e --charge "Criminal Code art. 361-1" '
    "--date 2021-03[/]",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
case_app.add_typer(charge_app, name="charge")
charges_app = typer.Typer(
    help="Articles of law whose category is known, so that charges "
    "under them are categorised; and the categories.\n\n"
    'Example: [bold]pressfree charges add "Criminal Code art. 367" '
    "--category criminal-defamation[/]",
    invoke_without_command=True,
    rich_markup_mode="rich",
)


def _unclassified(record, given: list[str]) -> None:
    """Say which of the charges just given no article classified."""
    from pressfree.cases import law_key

    keys = {law_key(text) for text in given if "=" not in text}
    for charge in record.charges:
        if charge["category"] == "not-classified" and law_key(charge["law"]) in keys:
            warn(
                f"--charge: {charge['law']!r} is not an article pressfree knows, so it is "
                "recorded as not-classified (give its category after =, or add the article "
                "with `pressfree charges add`)"
            )


@case_app.command("open")
def open_(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="The journalist (name or alias).")],
    case_type: Annotated[str, typer.Option("--type", help="criminal, administrative or civil.")],
    date: DateOpt,
    charge: Charges = None,
    incident: Annotated[
        list[str] | None,
        typer.Option("--incident", help="An incident that opened or advanced it (repeatable)."),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="The authority: an investigative committee, a court.")
    ] = None,
    outlet: Annotated[
        str | None, typer.Option("--outlet", help="The outlet the case is also against.")
    ] = None,
    country: o.Country = None,
    source: SourceOpt = None,
    publisher: o.Publisher = None,
) -> None:
    """Open a case against a journalist; prints its id.

    Example: [bold]pressfree case open "Ihar Losik" --type criminal --date 2020-06-25
    --charge "Criminal Code art. 342" --by "Investigative Committee" --country BY[/]
    """
    from pressfree import cases

    with writing(ctx) as session:
        record = cases.open_case(
            session,
            person,
            case_type=case_type,
            on=date,
            charges=charge or [],
            incidents=incident or [],
            by=by,
            outlet=outlet,
            country=country,
            source=source,
            publisher=publisher,
        )
        emit(f"{record.id}\n")  # before the commit: see `add`
    _unclassified(record, charge or [])


def _event(ctx: typer.Context, case_id: str, event: str, date: str, **fields) -> None:
    from pressfree import cases

    with writing(ctx) as session:
        record = cases.add_event(session, case_id, event, date, **fields)
    if event == "charge-added":
        _unclassified(record, [fields["charge"]])
    note(
        f"Case {record.id[:8]} ({record.person}): {event.replace('-', ' ')} on {date}; "
        f"now {record.status}."
    )


@charge_app.command("add")
def charge_add(
    ctx: typer.Context,
    case_id: CaseArg,
    charge: Annotated[str, typer.Option("--charge", help="Law and article.")],
    date: DateOpt,
    source: SourceOpt = None,
    publisher: o.Publisher = None,
) -> None:
    """Record a charge brought in a case.

    Example: [bold]pressfree case charge add 1c9e --charge "Criminal Code art. 361-1"
    --date 2021-03[/]
    """
    _event(ctx, case_id, "charge-added", date, charge=charge, source=source, publisher=publisher)


@charge_app.command("drop")
def charge_drop(
    ctx: typer.Context,
    case_id: CaseArg,
    charge: Annotated[str, typer.Option("--charge", help="Law and article.")],
    date: DateOpt,
    source: SourceOpt = None,
    publisher: o.Publisher = None,
) -> None:
    """Record a charge dropped (it must have been brought).

    Example: [bold]pressfree case charge drop 1c9e --charge "Criminal Code art. 342"
    --date 2021-05-02[/]
    """
    _event(ctx, case_id, "charge-dropped", date, charge=charge, source=source, publisher=publisher)


def _step(event: str, doc: str):
    """A command recording a step that is only a date, a note and a source."""

    def command(
        ctx: typer.Context,
        case_id: CaseArg,
        date: DateOpt,
        note_text: NoteOpt = None,
        source: SourceOpt = None,
        publisher: o.Publisher = None,
    ) -> None:
        _event(ctx, case_id, event, date, note=note_text, source=source, publisher=publisher)

    command.__doc__ = doc
    return command


case_app.command("hearing")(
    _step(
        "hearing",
        """Record a hearing.

    Example: [bold]pressfree case hearing 1c9e --date 2021-11-02 --note "closed trial"[/]
    """,
    )
)


@case_app.command("verdict")
def verdict(
    ctx: typer.Context,
    case_id: CaseArg,
    date: DateOpt,
    outcome: Annotated[str, typer.Option("--outcome", help="convicted, acquitted or dismissed.")],
    sentence: Annotated[
        str | None, typer.Option("--sentence", help="3y, 6m, 15d, 2y6m or fine.")
    ] = None,
    sentence_type: Annotated[
        str | None,
        typer.Option(
            "--sentence-type",
            help="prison, restricted-freedom, fine, "
            "administrative-arrest or suspended (default: a fine "
            "is a fine, a term in an administrative case an "
            "administrative arrest, else prison).",
        ),
    ] = None,
    note_text: NoteOpt = None,
    source: SourceOpt = None,
    publisher: o.Publisher = None,
) -> None:
    """Record a verdict (after an appeal: the appeal court's ruling) and its sentence.

    Example: [bold]pressfree case verdict 1c9e --date 2021-12-14 --outcome convicted
    --sentence 15y[/]
    """
    _event(
        ctx,
        case_id,
        "verdict",
        date,
        outcome=outcome,
        sentence=sentence,
        sentence_kind=sentence_type,
        note=note_text,
        source=source,
        publisher=publisher,
    )


case_app.command("appeal")(
    _step(
        "appeal",
        """Record an appeal ("on appeal" to the next verdict).

    Example: [bold]pressfree case appeal 1c9e --date 2022-01-10[/]
    """,
    )
)


@case_app.command("transfer")
def transfer(
    ctx: typer.Context,
    case_id: CaseArg,
    date: DateOpt,
    to: Annotated[str, typer.Option("--to", help="The place of detention.")],
    source: SourceOpt = None,
    publisher: o.Publisher = None,
) -> None:
    """Record where the journalist is held from a day (a remand prison, a penal colony).

    Example: [bold]pressfree case transfer 1c9e --date 2022-03 --to "Penal colony No. 1,
    Navapolatsk"[/]
    """
    _event(ctx, case_id, "transfer", date, place=to, source=source, publisher=publisher)


case_app.command("close")(
    _step(
        "closed",
        """Record that a case is over (served, pardoned...).

    Example: [bold]pressfree case close 1c9e --date 2024-07-03 --note "pardoned"[/]
    """,
    )
)


@case_app.command("link")
def link(
    ctx: typer.Context,
    case_id: CaseArg,
    incident: Annotated[
        str, typer.Option("--incident", help="An incident that advanced the case.")
    ],
) -> None:
    """Link an incident to a case (a search, a trial recorded as an incident).

    Example: [bold]pressfree case link 1c9e --incident 3f2a9c1e[/]
    """
    from pressfree import cases

    with writing(ctx) as session:
        record = cases.link_incident(session, case_id, incident)
    note(f"Case {record.id[:8]} belongs to {len(record.incidents)} incident(s).")


@case_app.command("show")
def show(
    ctx: typer.Context, case_id: CaseArg, as_of: AsOf = None, fmt: FormatOption = Format.table
) -> None:
    """Show a case with its charges and events.

    Example: [bold]pressfree case show 1c9e --as-of 2021-12-01[/]
    """
    from pressfree import cases
    from pressfree.publish import render

    with reading(ctx) as session:
        record = cases.get(session, case_id, as_of)
    emit(render.case_detail(record, fmt.value))


def list_cases(
    ctx: typer.Context,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            help="pending, dropped, convicted, acquitted, dismissed, "
            '"on appeal", closed (any closed case, whatever its verdict) or '
            "open (pending or on appeal); repeat for any of several.",
        ),
    ] = None,
    country: o.Country = None,
    as_of: AsOf = None,
    journalist: o.Journalist = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List cases as they stood on a day (today by default), newest first.

    Example: [bold]pressfree cases --status open --country BY --as-of 2021-12-31[/]
    """
    from pressfree import cases
    from pressfree.publish import render

    with reading(ctx) as session:
        rows = cases.list_cases(
            session, statuses=status, country=country, as_of=as_of, person=journalist
        )
    emit(
        render.listing(
            rows,
            CASE_COLUMNS,
            fmt.value,
            title="Cases",
            prepare=lambda r: {**r, "charges": cases.charges_text(r["charges"])},
            table_columns=CASE_TABLE_COLUMNS,
            droppable=["sentence", "case_type", "charges"],
        )
    )


def census(
    ctx: typer.Context,
    as_of: Annotated[
        str, typer.Option("--as-of", help="The day, YYYY-MM-DD (CPJ counts on 1 December).")
    ],
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
    """Every journalist in custody on a day, with charges, status of charges, sentence and
    place of detention, beside the figure sources reported: the list behind "28 in custody".
    The filters `list` takes select periods by the detention that opened them.

    Example: [bold]pressfree census --as-of 2021-12-01 --country BY --format markdown[/]
    """
    from pressfree.publish import census as census_service
    from pressfree.publish import render

    filters = o.narrowing(locals())
    with reading(ctx) as session:
        report = census_service.census(session, as_of, country, filters)
    if fmt == Format.json:
        emit(render.to_json({**render.plain(report), "comparison": report.comparison()}) + "\n")
        return
    place = f", {report.country}" if report.country else ""
    emit(
        render.listing(
            report.held,
            CENSUS_COLUMNS,
            fmt.value,
            title=f"Journalists in custody on {report.as_of}{place}",
            table_columns=CENSUS_TABLE_COLUMNS,
            droppable=["due_for_release", "place", "outlet", "sentence", "charges"],
            empty=f"Nobody itemised here was in custody on {report.as_of}.",
        )
    )
    if fmt in (Format.table, Format.markdown):
        lines = report.comparison() or [f"No reported figure; {len(report.held)} itemised here."]
        emit(footer(lines, fmt))


@charges_app.callback()
def list_articles(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """List the articles whose category is known, with how many charges name each."""
    from pressfree import cases
    from pressfree.cli.common import noun_listing

    noun_listing(ctx, cases.articles, ARTICLE_COLUMNS, fmt, "Articles of law")


@charges_app.command("add")
def add_article(
    ctx: typer.Context,
    law: Annotated[str, typer.Argument(help="Law and article, as charges name it.")],
    category: Annotated[
        str, typer.Option("--category", help="A category (`pressfree charges categories`).")
    ],
    name: Annotated[str | None, typer.Option("--name", help="What the article is about.")] = None,
) -> None:
    """Make an article known with its category: charges recorded under it from now on are
    categorised.

    Example: [bold]pressfree charges add "Criminal Code art. 367" --category
    criminal-defamation --name "Defaming the President"[/]
    """
    from pressfree import cases

    with writing(ctx) as session:
        record = cases.add_article(session, law, category, name)
    note(f"Charges under {record.law} are {record.category}.")


def _categories() -> None:
    from pressfree.cli.vocabulary import vocabulary_app

    charges_app.add_typer(
        vocabulary_app(
            "category",
            "charges categories",
            "Categories of charges (CPJ's census: anti-state, false news, retaliatory, ...)",
            "Charges",
            "extremism",
            "Extremism",
            named=False,
        ),
        name="categories",
    )


_categories()


def register(root: typer.Typer) -> None:
    panel = "Cases"
    root.add_typer(case_app, name="case", rich_help_panel=panel)
    root.command("cases", rich_help_panel=panel)(list_cases)
    root.command(rich_help_panel=panel)(census)
    root.add_typer(charges_app, name="charges", rich_help_panel=panel)
