"""Option types shared by several commands, declared once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from pressfree.incidents import IncidentFilter

Month = Annotated[str | None, typer.Option("--month", help="A month, YYYY-MM.")]
Year = Annotated[str | None, typer.Option("--year", help="A year, YYYY.")]
From = Annotated[
    str | None,
    typer.Option("--from", help="Start: a day, month or year (2021, 2021-07, 2021-07-26)."),
]
To = Annotated[
    str | None,
    typer.Option("--to", help="End: a day, month or year; the whole month or year is included."),
]
Country = Annotated[
    str | None, typer.Option("--country", "-c", help="ISO 3166-1 alpha-2 country code, such as BY.")
]
Kinds = Annotated[
    list[str] | None,
    typer.Option("--kind", "-k", help="Only incidents of this kind (repeat for any of several)."),
]
Journalist = Annotated[
    str | None,
    typer.Option(
        "--journalist", help="Name or alias, in any case; also the same name in another script."
    ),
]
Outlet = Annotated[
    str | None, typer.Option("--outlet", help="Outlet name or alias, in any case or script.")
]
Publisher = Annotated[str | None, typer.Option("--publisher", help="Source publisher.")]
Status = Annotated[
    str | None,
    typer.Option("--status", help="reported, confirmed, disputed, retracted or withdrawn."),
]
Tag = Annotated[str | None, typer.Option("--tag", help="Only incidents with this tag.")]
Search = Annotated[
    str | None,
    typer.Option("--search", help="Words to find, in any script (see `pressfree search --help`)."),
]
Where = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        help="FIELD=VALUE: only incidents whose extra field (a column an import kept, "
        "as `show` lists them) or dataset, external_id, region, city or "
        "perpetrator is exactly VALUE; repeat to require several.",
    ),
]
Limit = Annotated[int | None, typer.Option("--limit", "-n", help="At most this many.")]
Every = Annotated[
    bool,
    typer.Option(
        "--all",
        help="Every one, also on a terminal (where a table shows the first "
        "100 and how many there are); piped output is always complete.",
    ),
]
UpdatedSince = Annotated[
    str | None,
    typer.Option(
        "--updated-since",
        help="Only incidents changed (edited, noted, linked) on or after this day, month or "
        "year (UTC).",
    ),
]
UpdatedBefore = Annotated[
    str | None,
    typer.Option(
        "--updated-before", help="Only incidents last changed before this day, month or year."
    ),
]
IncludeNew = Annotated[
    bool,
    typer.Option(
        "--include-new",
        help="With --updated-since/--updated-before: incidents recorded in that time and "
        "never changed count too.",
    ),
]
Affiliated = Annotated[
    bool,
    typer.Option(
        "--affiliated",
        help="With --outlet: also incidents of journalists affiliated with the outlet "
        "(`journalists set NAME --outlet`).",
    ),
]


def incident_filter(
    month: str | None = None,
    year: str | None = None,
    start: str | None = None,
    end: str | None = None,
    kinds: list[str] | None = None,
    country: str | None = None,
    journalist: str | None = None,
    outlet: str | None = None,
    publisher: str | None = None,
    status: str | None = None,
    tag: str | None = None,
    limit: int | None = None,
    search: str | None = None,
    where: list[str] | None = None,
    updated_since: str | None = None,
    updated_before: str | None = None,
    include_new: bool = False,
    affiliated: bool = False,
) -> IncidentFilter:
    """Build the service's filter from the options above (dates are parsed in dates.py)."""
    from pressfree import dates
    from pressfree.errors import UsageError
    from pressfree.incidents import IncidentFilter, where_pairs

    if include_new and not (updated_since or updated_before):
        raise UsageError("--include-new goes with --updated-since or --updated-before")
    if affiliated and not outlet:
        raise UsageError("--affiliated goes with --outlet")
    return IncidentFilter(
        period=dates.period(month, year, start, end),
        kinds=kinds or [],
        country=country,
        journalist=journalist,
        outlet=outlet,
        publisher=publisher,
        status=status,
        tag=tag,
        limit=limit,
        search=search,
        where=where_pairs(where or []),
        updated_since=dates.parse(updated_since, "--updated-since") if updated_since else None,
        updated_before=dates.parse(updated_before, "--updated-before") if updated_before else None,
        include_new=include_new,
        affiliated=affiliated,
    )


# The options above a command takes, by its parameter names (`kind` is the filter's `kinds`).
NARROWING = (
    "kind",
    "journalist",
    "outlet",
    "publisher",
    "status",
    "tag",
    "search",
    "where",
    "updated_since",
    "updated_before",
    "include_new",
    "affiliated",
)


def narrowing(params: dict[str, Any], public: bool = False) -> IncidentFilter:
    """The filter of a command that takes every option of NARROWING and no period (the period
    is its own): called with the command's locals(). `public`: what it selects is to be
    published (redacted), so no restricted incident is."""
    given = {name: params[name] for name in NARROWING}
    found = incident_filter(kinds=given.pop("kind"), **given)
    found.public = public
    return found
