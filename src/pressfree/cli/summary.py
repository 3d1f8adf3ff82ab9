"""Commands for summaries: the monthly or yearly review, and its chart."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from pressfree.cli import options as o
from pressfree.cli.common import (
    EncryptPassphrase,
    EncryptTo,
    Format,
    FormatOption,
    counted,
    emit,
    note,
    reading,
    seal,
    unheld_where,
    working,
    write_sealed,
    writing,
)
from pressfree.errors import InvalidValue


def _period(month, year, start, end):
    from pressfree import dates

    if bool(start) != bool(end):
        raise InvalidValue("--from/--to", start or end, "a summary needs both ends of the period")
    period = dates.period(month, year, start, end)
    if period is None:
        raise InvalidValue("period", "", "is required: give --month, --year or --from/--to")
    period.previous()  # refuses a period too early to compare with the one before it
    return period


Lang = Annotated[
    str | None,
    typer.Option(
        "--lang", help="en, ru or be. Default: from the locale (LANGUAGE, LC_ALL, LANG), or en."
    ),
]


def summary(
    ctx: typer.Context,
    month: o.Month = None,
    year: o.Year = None,
    start: o.From = None,
    end: o.To = None,
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
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help="Show journalists marked at risk by their pseudonyms, as "
            "`export --redact` does: for summaries you publish.",
        ),
    ] = False,
    lang: Lang = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Summarise a month, a year or any period: counts by kind, figures, custody, targets.

    --kind, --status, --where and the other filters `list` takes narrow the incidents
    counted (custody and designations are not narrowed).

    Example: [bold]pressfree summary --month 2021-07 --country BY --format markdown[/]
    """
    from pressfree import languages, vocabulary
    from pressfree.publish import i18n, render_summary
    from pressfree.publish import summary as summaries

    words = i18n.Words(languages.language(lang))
    if fmt == Format.ndjson:
        raise InvalidValue(
            "--format", "ndjson", "is not offered for summaries (use table, markdown, json or csv)"
        )
    period = _period(month, year, start, end)
    filters = o.narrowing(locals(), public=redact)
    with reading(ctx) as session:
        result = summaries.summarise(session, period, country, filters=filters)
        if not result.total_incidents:
            unheld_where(session, filters)
        if redact:
            from pressfree import people

            result = summaries.redacted(result, people.redactor(session))
        names = vocabulary.names_in(session, words.lang)
    emit(render_summary.render(result, fmt.value, words, names))


def chart(
    ctx: typer.Context,
    year: Annotated[str, typer.Option("--year", help="YYYY.")],
    out: Annotated[Path, typer.Option("--out", help="trend.png or trend.svg.")],
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
    redact: Annotated[
        bool,
        typer.Option(
            "--redact/--show-at-risk",
            help="A journalist at risk named in the title (--journalist) by their pseudonym: "
            "the default, a chart is for publishing.",
        ),
    ] = True,
    lang: Lang = None,
) -> None:
    """Draw the monthly trend by kind for a year (needs the charts extra), its words in
    the reader's language.

    Example: [bold]pressfree chart --year 2021 --out trend.png[/]
    """
    from pressfree import languages, vocabulary
    from pressfree.publish import charts, i18n
    from pressfree.publish import summary as summaries

    if out.suffix.lower() not in (".png", ".svg"):
        raise InvalidValue("--out", str(out), "must end in .png or .svg")
    charts.require_matplotlib()
    period = _period(None, year, None, None)
    filters = o.narrowing(locals(), public=redact)
    with reading(ctx) as session:
        result = summaries.summarise(session, period, country, filters=filters)
        if not result.total_incidents:
            unheld_where(session, filters)
        if redact:
            from pressfree import people

            result = summaries.redacted(result, people.redactor(session))
        words = i18n.Words(languages.language(lang))
        names = vocabulary.names_in(session, words.lang)
    charts.monthly_trend(result, out, words, names)
    note(f"Wrote {out}.")
    if result.not_in_a_month:
        note(
            f"{result.not_in_a_month} of {result.total_incidents} incidents of {year} are "
            "dated to the year or across months, so in no month of the chart."
        )


def report(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="july.html (or .pdf); - for stdout.")],
    month: o.Month = None,
    year: o.Year = None,
    start: o.From = None,
    end: o.To = None,
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
    lang: Lang = None,
    redact: Annotated[
        bool,
        typer.Option(
            "--redact/--show-at-risk",
            help="Journalists marked at risk by their pseudonyms, and text that names them "
            "withheld, as `export --redact` does: the default, a report is for publishing. "
            "--show-at-risk names them (for a report kept inside the organisation).",
        ),
    ] = True,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="html or pdf (needs the pdf extra). Default: from --out's ending, else html.",
        ),
    ] = None,
    encrypt_to: EncryptTo = None,
    encrypt_passphrase: EncryptPassphrase = False,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            help="One of your own fields (`pressfree fields`) as a column of the list of "
            "incidents (repeat for several); text naming a person at risk is withheld.",
        ),
    ] = None,
) -> None:
    """Write the report to publish for a period: one HTML file with everything inline.

    The summary's tables, a chart of the months, figures sources reported beside what is
    itemised, who is held at the end of the period, designations made and lifted, cases and
    sentences, every incident with its status and sources, and how it is all counted.
    Incidents count as the publication rule says (`pressfree rule`); --status and the other
    filters `list` takes narrow them.

    Example: [bold]pressfree report --month 2021-07 --country BY --lang be --out july.html[/]
    """
    from pressfree import languages, vocabulary
    from pressfree.publish import i18n, render_report
    from pressfree.publish import report as reports

    file_format = (fmt or ("pdf" if out.suffix.lower() == ".pdf" else "html")).strip().lower()
    if file_format not in ("html", "pdf"):
        raise InvalidValue("--format", fmt, "is not html or pdf")
    words = i18n.Words(languages.language(lang))
    period = _period(month, year, start, end)
    filters = o.narrowing(locals(), public=redact)
    sealing = seal(encrypt_to, encrypt_passphrase)
    with working("Writing the report…", str(out) == "-"), reading(ctx) as session:
        # the list of incidents is read as the page is written (report.incidents), so the
        # page is written while the database is open
        found = reports.gather(
            session, period, country, redact=redact, filters=filters, fields=tuple(field or ())
        )
        parts = render_report.html_parts(
            found, period, words, vocabulary.names_in(session, words.lang), redacted=redact
        )
        incidents = counted(found.summary.total_incidents, "incident")
        chunks: Iterable[bytes] = (part.encode("utf-8") for part in parts)
        if file_format == "pdf" or sealing is not None:  # made whole, in memory
            page = "".join(parts)
            if file_format == "pdf":
                import io

                printed = io.BytesIO()
                render_report.pdf(page, printed)
                data = printed.getvalue()
            else:
                data = page.encode("utf-8")
            if sealing is not None:  # encrypted in memory, never written plain
                write_sealed(out, sealing(data))
                note(f"Wrote {out}, encrypted ({incidents}).")
                return
            chunks = [data]
        if str(out) == "-":  # standard output, as for export and backup
            from pressfree.cli.common import to_stdout

            with to_stdout() as stream:
                for chunk in chunks:
                    stream.buffer.write(chunk)
            return
        from pressfree.store.private_files import WholeFile

        with WholeFile(out, "--out") as whole, whole.open("wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
    note(f"Wrote {out} ({incidents}).")


def rule(
    ctx: typer.Context,
    count: Annotated[
        list[str] | None,
        typer.Option(
            "--count",
            help="A status that counts: reported, confirmed or disputed (repeat it). "
            "Retracted incidents never count.",
        ),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Show or set the publication rule: which statuses of incidents count in summaries,
    reports, charts, the census and custody. Default: reported and confirmed.

    Example: [bold]pressfree rule --count reported --count confirmed --count disputed[/]
    """
    from pressfree import publication, settings
    from pressfree.publish import render

    def shown(chosen: tuple[str, ...]) -> str:
        if fmt == Format.json:
            left_out = publication.left_out(chosen)
            return render.to_json({"counted": list(chosen), "left_out": left_out}) + "\n"
        return f"{publication.described(chosen)}.\n"

    if count:
        with writing(ctx) as session:
            before = publication.counted(session)
            chosen = settings.count(session, count)
            emit(shown(chosen))  # inside the transaction: output that fails changes nothing
        if chosen != before:
            note("Changed the publication rule; custody was derived again.")
    else:
        with reading(ctx) as session:
            chosen = publication.counted(session)
        emit(shown(chosen))


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Summaries")(summary)
    app.command(rich_help_panel="Summaries")(report)
    app.command(rich_help_panel="Summaries")(chart)
    app.command(rich_help_panel="Summaries")(rule)
