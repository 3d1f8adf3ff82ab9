"""Commands for incidents: add, list, show, edit, delete; and the kinds vocabulary."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from pressfree.cli import bulk, editing
from pressfree.cli import options as o
from pressfree.cli.common import (
    Format,
    FormatOption,
    confirm_delete,
    emit,
    interactive,
    note,
    reading,
    unheld_where,
    warn,
    writing,
)
from pressfree.cli.sources import InOrder
from pressfree.errors import InvalidValue

KindsArg = Annotated[
    list[str] | None,
    typer.Argument(
        help="One or more kinds: raid, detention, arrest, ... (see `pressfree kinds`).",
        show_default=False,
    ),
]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date", "-d", help="2021-07-30, 2021-07, 2021 or a range 2021-07-26..2021-07-30."
    ),
]
Region = Annotated[str | None, typer.Option("--region", help="Region or oblast.")]
City = Annotated[str | None, typer.Option("--city", help="City or town.")]
Journalists = Annotated[
    list[str] | None,
    typer.Option("--journalist", "-j", help="A journalist targeted (repeat for several)."),
]
Outlets = Annotated[
    list[str] | None,
    typer.Option("--outlet", "-o", help="An outlet or organisation targeted (repeat for several)."),
]
Perpetrator = Annotated[
    str | None,
    typer.Option(
        "--perpetrator",
        help='Who did it, as reported: "KGB", "GUBOPiK", "Ministry of Information".',
    ),
]
Summary = Annotated[str | None, typer.Option("--summary", "-s", help="What happened.")]
Restricted = Annotated[
    bool | None,
    typer.Option(
        "--restricted/--not-restricted",
        help="Restricted: never in a redacted or published output (a report, export "
        "--redact), and on a server not readable by a role without the pressfree_restricted "
        "grant.",
    ),
]
PublicSummary = Annotated[
    str | None,
    typer.Option(
        "--public-summary",
        help="What happened, written for publication: shown instead of the summary in a "
        "report or redacted export when the summary names a journalist at risk (without it, "
        "that summary is withheld there).",
    ),
]
Sources = Annotated[
    list[str] | None, typer.Option("--source", help="Source URL (repeat for several).")
]
Publisher = Annotated[
    list[str] | None,
    typer.Option(
        "--publisher",
        help="Who published the --source before it (VOA, BAJ, Viasna); once, after the "
        "last --source, for all of them.",
    ),
]
SourceTitle = Annotated[
    list[str] | None,
    typer.Option("--source-title", help="The title of the --source before it."),
]
Published = Annotated[
    list[str] | None,
    typer.Option("--published", help="Day the --source before it was published, YYYY-MM-DD."),
]
RedactOption = Annotated[
    bool,
    typer.Option(
        "--redact",
        help="To show others: journalists at risk by their pseudonyms, text that names them "
        "withheld, restricted incidents left out (as `export --redact`).",
    ),
]
StatusOpt = Annotated[
    str | None,
    typer.Option(
        "--status", help="reported (default), confirmed, disputed, retracted or withdrawn."
    ),
]
Tags = Annotated[list[str] | None, typer.Option("--tag", "-t", help="A tag (repeatable).")]
Latitude = Annotated[
    str | None,
    typer.Option(
        "--lat", help="Where it happened: latitude in decimal degrees (53.9045), with --lon."
    ),
]
Longitude = Annotated[
    str | None,
    typer.Option("--lon", help="Longitude in decimal degrees (27.5615), with --lat."),
]
OwnFields = Annotated[
    list[str] | None,
    typer.Option(
        "--field",
        help="NAME=VALUE: one of your own fields (`pressfree fields`), checked by its type; "
        "NAME= removes it (repeatable).",
    ),
]
EditorOption = Annotated[
    bool,
    typer.Option(
        "--editor",
        help="Write the incident in your editor ($VISUAL or $EDITOR), as a commented TOML "
        "file (options given fill it in); nothing is recorded until it reads.",
    ),
]
IdArg = Annotated[str, typer.Argument(help="Incident id, or its first characters (4 or more).")]


def _sources(ctx: typer.Context, urls, publisher, title, published) -> list[dict]:
    """The sources as typed: each --source with the options that follow it (cli/sources.py)."""
    from pressfree.cli.sources import ORDER, paired

    values = {"publisher": publisher, "source_title": title, "published": published}
    return paired(ctx.meta.get(ORDER, []), urls, values)


def add(
    ctx: typer.Context,
    kinds: KindsArg = None,
    date: DateOpt = None,
    country: o.Country = None,
    region: Region = None,
    city: City = None,
    lat: Latitude = None,
    lon: Longitude = None,
    journalist: Journalists = None,
    outlet: Outlets = None,
    perpetrator: Perpetrator = None,
    summary: Summary = None,
    public_summary: PublicSummary = None,
    restricted: Restricted = None,
    source: Sources = None,
    publisher: Publisher = None,
    source_title: SourceTitle = None,
    published: Published = None,
    status: StatusOpt = None,
    tag: Tags = None,
    force: Annotated[
        bool, typer.Option("--force", help="Do not look for a stored incident this one may repeat.")
    ] = False,
    same_as: Annotated[
        list[str] | None,
        typer.Option(
            "--same-as",
            help="A stored journalist or outlet a new name of this incident is another "
            "spelling of: the name is recorded as their alias (repeat for several).",
        ),
    ] = None,
    different: Annotated[
        bool,
        typer.Option(
            "--different",
            help="New names that look like stored ones are other people or outlets: do not ask.",
        ),
    ] = False,
    field: OwnFields = None,
    editor: EditorOption = False,
) -> None:
    """Record an incident and print its id.

    A new name that may be a stored journalist or outlet under another spelling (another
    script, or sounding alike) is asked about on a terminal: the same one (the name is
    recorded as their alias), a different one, or cancel; elsewhere pressfree warns and
    records a new one, unless --same-as or --different says which.

    If a stored incident looks like the same event (dates overlap, a kind in common, the
    same country, and the same journalist, outlet or source URL), pressfree names it: on a
    terminal it asks before adding; elsewhere it warns and adds.

    Example: [bold]pressfree add raid detention --date 2021-07-30 --country BY --city Minsk
    --publisher BAJ --summary "Raids and detentions of journalists"[/]
    """
    values: dict[str, Any] = dict(
        kinds=kinds or [],
        date=date,
        country=country,
        region=region,
        city=city,
        journalists=journalist or [],
        outlets=outlet or [],
        perpetrator=perpetrator,
        summary=summary,
        public_summary=public_summary,
        restricted=bool(restricted),
        sources=_sources(ctx, source, publisher, source_title, published),
        status=status,
        tags=tag or [],
        latitude=lat,
        longitude=lon,
    )
    settle = (same_as or [], different, force, field or [])
    if editor:
        from pressfree.cli import editing

        if field:
            raise InvalidValue("--field", field[0], "goes without --editor: write it in [fields]")
        first = editing.template(values, "A new incident: `pressfree add`", editing.defined(ctx))
        if not editing.edited(first, lambda v: _record(ctx, v, *settle), interactive()):
            note("Nothing recorded.")
            raise typer.Exit(1)
        return
    if not (values["kinds"] and values["date"]):
        if not interactive():
            missing = "kind" if not values["kinds"] else "--date"
            raise InvalidValue(
                missing, "", "is required (stdin is not a terminal, so pressfree does not ask)"
            )
        from pressfree.cli import entry_form

        # --field values start the form's own fields, which it gives back under "fields"
        values["fields"] = dict(item.partition("=")[::2] for item in field or [])
        same, other, forced, _ = settle
        if not entry_form.at_the_keyboard(
            ctx, values, "(new)", lambda v: _record(ctx, v, same, other, forced, [])
        ):
            note("Nothing recorded.")
            raise typer.Exit(1)
        return
    _record(ctx, values, *settle)


def _record(
    ctx: typer.Context,
    values: dict,
    same_as: list[str],
    different: bool,
    force: bool,
    own: list[str],
) -> None:
    """Record a new incident, in one transaction: its names settled, its likely repeats
    named, its id printed before the commit."""
    from pressfree import incidents, own_fields
    from pressfree.schemas import IncidentIn, validated

    with writing(ctx) as session:
        written = values.pop("fields", None) or {}  # the editor's [fields]
        extra = own_fields.valued(session, written) | own_fields.given(session, own)
        draft = validated(IncidentIn, **values)
        _settle_spellings(session, draft, same_as, different)
        if not force:
            _check_repeats(session, draft)
        added = incidents.add(session, draft, extra=extra)
        # printed before the commit: if stdout cannot be written, nothing is stored, so
        # trying again cannot record the incident twice
        emit(f"{added.record.id}\n")
    for message in added.warnings:
        warn(message)


def _settle_spellings(session, draft, same_as: list[str], different: bool) -> None:
    """New names that may be stored ones under another spelling: --same-as records them as
    aliases; otherwise a terminal asks, and elsewhere pressfree warns (unless --different)."""
    from pressfree import identity

    spellings = identity.new_spellings(session, draft.journalists, draft.outlets)
    chosen = identity.same_as(session, same_as, spellings, draft.journalists, draft.outlets)
    for spelling, stored in chosen:
        identity.add_alias(session, spelling.target, stored, spelling.name)
        note(f"Recorded {spelling.name!r} as another spelling of {stored}.")
    settled = {spelling.name for spelling, _ in chosen}
    for spelling in spellings:
        if spelling.name in settled or different:
            continue
        noun = identity.NOUNS[spelling.target]
        if not interactive():
            warn(
                f"{spelling.name!r} is recorded as a new {noun}, but may be "
                f"{' or '.join(spelling.candidates)} under another spelling: `--same-as "
                f"{spelling.candidates[0]!r}` records it as theirs, `--different` says it is not"
            )
            continue
        note(f"{spelling.name!r} may be a {noun} already recorded under another spelling:")
        for number, stored in enumerate(spelling.candidates, 1):
            note(
                f"  {number}  same {noun}: record {spelling.name!r} as another spelling of {stored}"
            )
        note(f"  d  a different {noun}\n  c  cancel")
        choices = [str(n) for n in range(1, len(spelling.candidates) + 1)] + ["d", "c"]
        while (answer := typer.prompt("Which", default="c").strip().lower()) not in choices:
            note(f"Answer {', '.join(choices)}.")
        if answer == "c":
            raise typer.Exit(1)
        if answer != "d":
            stored = spelling.candidates[int(answer) - 1]
            identity.add_alias(session, spelling.target, stored, spelling.name)
            note(f"Recorded {spelling.name!r} as another spelling of {stored}.")


def _check_repeats(session, draft) -> None:
    """Name the stored incidents the draft may repeat; on a terminal, ask."""
    from pressfree import duplicates

    found = duplicates.candidates(session, draft)
    for candidate in found:
        warn(
            f"possible duplicate of {candidate.id[:8]} ({candidate.date}: "
            f"{candidate.summary[:60] or '(no summary)'}): {'; '.join(candidate.reasons)}"
        )
    if found and interactive() and not typer.confirm("Add it anyway?"):
        raise typer.Exit(1)


def list_(
    ctx: typer.Context,
    month: o.Month = None,
    year: o.Year = None,
    start: o.From = None,
    end: o.To = None,
    kind: o.Kinds = None,
    country: o.Country = None,
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
    limit: o.Limit = None,
    every: o.Every = False,
    fmt: FormatOption = Format.table,
    redact: RedactOption = False,
) -> None:
    """List incidents, newest first; a period keeps those dated wholly inside it. On a
    terminal the table shows the first 100 and says how many there are (--limit, --all).

    Example: [bold]pressfree list --month 2021-07 --country BY --kind raid[/]
    """
    _listing(
        ctx,
        o.incident_filter(
            month,
            year,
            start,
            end,
            kind,
            country,
            journalist,
            outlet,
            publisher,
            status,
            tag,
            limit,
            search,
            where,
            updated_since=updated_since,
            updated_before=updated_before,
            include_new=include_new,
            affiliated=affiliated,
        ),
        fmt,
        redact,
        every,
    )


def search(
    ctx: typer.Context,
    text: Annotated[
        str, typer.Argument(help="Words to find, in any script or case.", show_default=False)
    ],
    month: o.Month = None,
    year: o.Year = None,
    start: o.From = None,
    end: o.To = None,
    kind: o.Kinds = None,
    country: o.Country = None,
    journalist: o.Journalist = None,
    outlet: o.Outlet = None,
    publisher: o.Publisher = None,
    status: o.Status = None,
    tag: o.Tag = None,
    where: o.Where = None,
    limit: o.Limit = None,
    every: o.Every = False,
    fmt: FormatOption = Format.table,
    redact: RedactOption = False,
) -> None:
    """Find incidents by words in their summaries, people, outlets, perpetrators, places,
    sources, tags and updates, best match first.

    Every word must match the start of a word (in any case or script: "losik" finds "Лосік"),
    or a name that sounds the same in another script or spelling ("Ihar Losik" finds
    "Игорь Лосик"). Quotes, *, -, AND, OR and brackets are searched as plain text.

    Example: [bold]pressfree search "Ihar Losik" --year 2021[/]
    """
    from pressfree import search as searching

    searching.terms(text, "TEXT")  # a query with nothing to search is said of TEXT
    _listing(
        ctx,
        o.incident_filter(
            month,
            year,
            start,
            end,
            kind,
            country,
            journalist,
            outlet,
            publisher,
            status,
            tag,
            limit,
            text,
            where,
        ),
        fmt,
        redact,
        every,
    )


SHOWN = 100  # rows a table on a terminal shows unless --limit or --all says otherwise


def _listing(
    ctx: typer.Context, filters, fmt: Format, redact: bool = False, every: bool = False
) -> None:
    from pressfree import incidents, languages, people, vocabulary
    from pressfree import search as searching
    from pressfree.publish import render

    if every and filters.limit is not None:
        raise InvalidValue("--all", "", f"cannot be combined with --limit {filters.limit}")
    filters.public = redact  # to be shown to others: nothing restricted
    # On a terminal, a table of a page, not of a whole database, and how many there are
    paged = fmt == Format.table and not every and filters.limit is None and sys.stdout.isatty()
    if paged:
        filters.limit = SHOWN
    with reading(ctx) as session:
        records, total = incidents.page(session, filters, counted=paged)
        if not records:
            unheld_where(session, filters)
        kind_names = vocabulary.names_in(session, languages.language(None))
        if redact:
            hide = people.redactor(session)
            records = [hide(record.to_dict()) for record in records]
    marked = (
        searching.highlighter(searching.terms(filters.search))
        if filters.search is not None
        else None
    )
    emit(render.incidents(records, fmt.value, marked=marked, kind_names=kind_names))
    if total > len(records):
        note(
            f"Showing the first {len(records):,} of {total:,}: --limit N or --all for more "
            "(piped or saved, the list is always complete)."
        )


def show(ctx: typer.Context, incident_id: IdArg, fmt: FormatOption = Format.table) -> None:
    """Show one incident with everything recorded about it.

    Example: [bold]pressfree show 3f2a9c1e --format json[/]
    """
    from pressfree import cases, incidents
    from pressfree.publish import render

    with reading(ctx) as session:
        record = incidents.get(session, incident_id)
        opened = cases.of_incident(session, incidents.find(session, record.id))
    emit(render.incident_detail(record, fmt.value, opened))


def edit(
    ctx: typer.Context,
    incident_id: Annotated[
        str | None,
        typer.Argument(
            help="Incident id, or its first characters (4 or more); none, with --where, to "
            "edit every incident it chooses."
        ),
    ] = None,
    kinds: Annotated[
        list[str] | None, typer.Option("--kind", "-k", help="Add a kind (repeatable).")
    ] = None,
    date: DateOpt = None,
    country: o.Country = None,
    region: Region = None,
    city: City = None,
    lat: Latitude = None,
    lon: Longitude = None,
    journalist: Journalists = None,
    outlet: Outlets = None,
    perpetrator: Perpetrator = None,
    summary: Summary = None,
    public_summary: PublicSummary = None,
    restricted: Restricted = None,
    source: Sources = None,
    publisher: Publisher = None,
    source_title: SourceTitle = None,
    published: Published = None,
    status: StatusOpt = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", "--add-tag", "-t", help="Add a tag (repeatable)."),
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option(
            "--where",
            help="FIELD=VALUE, without an id: edit every incident it chooses (kind, date, "
            "country, journalist, outlet, publisher, status, tag, or a field as `list "
            "--where` takes); repeat to require several.",
        ),
    ] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="FIELD=VALUE: set date, country, region, city, latitude, longitude, "
            "perpetrator, summary, "
            "public_summary or status (as its own option does).",
        ),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="With --where: do not ask first.")
    ] = False,
    field: OwnFields = None,
    editor: EditorOption = False,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Lists given (kinds, journalists, outlets, sources, tags) "
            "replace the old ones instead of adding to them.",
        ),
    ] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Change an incident: fields given are set, list values are added (or --replace).
    Without an id, --where chooses incidents and each is changed the same way: pressfree
    says how many and asks first (or --yes); `pressfree undo CHANGE` takes them all back.

    Example: [bold]pressfree edit 3f2a9c1e --status confirmed --tag belsat[/] or
    [bold]pressfree edit --where tag=minsk --where date=2021-07 --set status=confirmed[/]
    """
    from pressfree import incidents
    from pressfree.publish import render

    changes = dict(
        kinds=kinds,
        date=date,
        country=country,
        region=region,
        city=city,
        journalists=journalist,
        outlets=outlet,
        perpetrator=perpetrator,
        summary=summary,
        public_summary=public_summary,
        restricted=restricted,
        sources=_sources(ctx, source, publisher, source_title, published),
        status=status,
        tags=tag,
        latitude=lat,
        longitude=lon,
    )
    changes.update(bulk.settings(sets or [], changes))
    if field:
        changes["extra"] = field  # read as own fields' values in the transaction
    if editor:
        if incident_id is None or where:
            raise InvalidValue("--editor", "", "edits one incident: give its id, not --where")
        if field:
            raise InvalidValue("--field", field[0], "goes without --editor: write it in [fields]")
        editing.edit_in_editor(ctx, incident_id, changes, fmt)
        return
    if incident_id is None:
        bulk.edit_chosen(ctx, where or [], changes, replace, yes)
        return
    if interactive() and not (where or field or replace or any(changes.values())):
        from pressfree.cli import entry_form

        entry_form.edit_in_form(ctx, incident_id, fmt)  # nothing given: the form, filled in
        return
    if where:
        raise InvalidValue(
            "--where", where[0], "chooses incidents to edit: give it without an incident id"
        )
    with writing(ctx) as session:
        record = incidents.edit(session, incident_id, bulk.own(session, changes), replace=replace)
        emit(render.incident_detail(record, fmt.value))  # before the commit, as in add


def delete(
    ctx: typer.Context,
    incident_id: IdArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
) -> None:
    """Delete an incident (asks first unless --yes).

    Example: [bold]pressfree delete 3f2a9c1e --yes[/]
    """
    from pressfree import incidents, restore

    with writing(ctx) as session:
        record = incidents.get(session, incident_id)
        summary = record.summary or ", ".join(record.kinds)
        confirm_delete(yes, f"Delete {record.id} ({record.date}: {summary})?")
        restore.delete_incident(session, record.id)
    note(f"Deleted {record.id}.")


def register(app: typer.Typer) -> None:
    panel = "Incidents"
    app.command(rich_help_panel=panel, cls=InOrder)(add)
    app.command("list", rich_help_panel=panel)(list_)
    app.command(rich_help_panel=panel)(search)
    app.command(rich_help_panel=panel)(show)
    app.command(rich_help_panel=panel, cls=InOrder)(edit)
    app.command(rich_help_panel=panel)(delete)
    from pressfree.cli.vocabulary import vocabulary_app

    kinds = vocabulary_app(
        "kind",
        "kinds",
        "Incident kinds (raid, detention, ...)",
        "Incidents",
        "internet-shutdown",
        "Internet shutdown",
    )
    app.add_typer(kinds, name="kinds", rich_help_panel=panel)
