"""A report (report.py) as one self-contained HTML file, or as PDF through WeasyPrint.

The page is a Jinja2 template with autoescaping on, so no text of an incident (a summary,
a name, a source's title) can add markup or script; only http(s) and mailto addresses become
links. The chart is inline SVG drawn from the same stacks as `pressfree chart`."""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import chain
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from pressfree.designations import generated_summary
from pressfree.errors import PressfreeError
from pressfree.publish import charts
from pressfree.publish.i18n import N_, NP_, Words
from pressfree.publish.render_summary import affected_line, figure_name, narrowed, rule_line
from pressfree.redaction import WITHHELD
from pressfree.vocabulary import explanation, short_name

TEMPLATES = Path(__file__).with_name("templates")
# matplotlib's tab10, as `pressfree chart` draws; the kinds grouped together are grey
COLOURS = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
]
OTHER = "#b0b0b0"

# "5 detentions": each built-in kind counted, in each language's plural forms.
KIND_COUNTS = {
    "raid": NP_("{n} raid", "{n} raids"),
    "detention": NP_("{n} detention", "{n} detentions"),
    "arrest": NP_("{n} arrest", "{n} arrests"),
    "charge": NP_("{n} charge", "{n} charges"),
    "conviction": NP_("{n} conviction", "{n} convictions"),
    "designation": NP_("{n} designation", "{n} designations"),
    "equipment-seizure": NP_("{n} equipment seizure", "{n} equipment seizures"),
    "assault": NP_("{n} assault", "{n} assaults"),
    "threat": NP_("{n} threat", "{n} threats"),
    "denial-of-access": NP_("{n} denial of access", "{n} denials of access"),
    "blocking": NP_("{n} blocking", "{n} blockings"),
    "killing": NP_("{n} killing", "{n} killings"),
    "disappearance": NP_("{n} disappearance", "{n} disappearances"),
}


def link(url: str | None) -> str | None:
    """The address when it is safe to follow from a published page (http, https, mailto);
    None for anything else (javascript:, data:, a relative path), shown as text instead."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https", "mailto") else None


def _source(source: dict, unnamed: str, said: Callable[[str], str] = str) -> str:
    """A source as the list shows it, escaped: a link when its address is safe to follow,
    its text (title, publisher or address), and the address in brackets when it is not a
    link and not the text already."""
    href = link(source["url"])
    text = said(source["title"] or source["publisher"] or source["url"] or unnamed)
    if source["title"] and source["publisher"]:  # who published it, beside what it is called
        text = f"{text} ({said(source['publisher'])})"
    if href:
        return f'<a href="{escape(href)}" rel="noopener noreferrer">{escape(text)}</a>'
    if source["url"] and source["url"] != text:
        return f"{escape(text)} ({escape(source['url'])})"
    return str(escape(text))


def incident_rows(
    batches: Iterable[list[dict]],
    kind_name,
    unnamed: str,
    status_name,
    said: Callable[[str], str] = str,
    w: Words | None = None,
    label: Callable[[str, str], str] = lambda slug, name: name,
    fields: tuple[str, ...] = (),
) -> Iterator[str]:
    """The rows of the list of incidents, a batch of incidents at a time, every value
    escaped; `said` gives a text withheld by redaction in the reader's language.

    The one part of the page written here rather than in the template: a year's report
    lists tens of thousands of incidents, and markupsafe's escape (what the template's
    autoescaping calls) written into one string takes a third of the template's time; and
    the page is written out as the rows are made, never held whole."""
    w = w or Words()
    # each cell with its column's heading, for a phone (see _labelled), written here at once
    day, kind, place, who, what, status, sources = (
        f' data-label="{escape(w(heading))}"' for heading in INCIDENT_HEADINGS
    )
    labels = [f' data-label="{escape(name)}"' for name in fields]

    def own(values: list) -> str:  # the incident's own fields asked for (report --field)
        return "".join(
            f"<td{label}>{escape(said(v) if v is not None else '')}</td>"
            for label, v in zip(labels, values)
        )

    for batch in batches:
        yield "".join(
            f'\n<tr><td{day} class="date">{escape(w.when(i["date"]))}</td>'
            f"<td{kind}>{escape(', '.join(map(kind_name, i['kinds'])))}</td>"
            f"<td{place}>{escape(_place(i['place'], w))}</td>\n"
            f"<td{who}>{escape(', '.join(i['who']))}</td>"
            f"<td{what}>{escape(_summary(i, said, w, label))}</td>"
            f"<td{status}>{escape(status_name(i['status']))}</td>"
            f'<td{sources} class="sources">'
            + ";".join("\n" + _source(s, unnamed, said) for s in i["sources"])
            + "</td>"
            + (own(i["fields"]) if fields else "")
            + "</tr>"
            for i in batch
        )


# The incidents table's columns (the template's headings, incident_rows' data-labels)
INCIDENT_HEADINGS = (
    N_("Date"),
    N_("Kind"),
    N_("Place"),
    N_("Who"),
    N_("What happened"),
    N_("Status"),
    N_("Sources"),
)


def _summary(incident: dict, said: Callable[[str], str], w: Words, label) -> str:
    """What happened: as recorded, or, when it is still the summary a designation gave it,
    that summary in the reader's language (the label by its name there)."""
    text = incident["summary"] or ""
    made = incident.get("generated")
    if made and text == generated_summary(made["by"], made["target"], made["label_name"]):
        return w(
            "{by} designated {target}: {label}",
            by=made["by"],
            target=made["target"],
            label=label(made["label"], made["label_name"]),
        )
    return said(text)


def _place(place: list, w: Words) -> str:
    """City, region and country (its name in the reader's language, from its code)."""
    *within, code = place or [None]
    return ", ".join(p for p in (*within, w.country(code)) if p)


@dataclass
class Chart:
    """The geometry of the stacked bar chart, in SVG user units."""

    width: int = 760
    height: int = 300
    left: int = 44
    right: int = 744
    top: int = 20
    bottom: int = 260
    bar_width: float = 0
    bars: list[dict] = field(default_factory=list)
    ticks: list[dict] = field(default_factory=list)
    legend: list[dict] = field(default_factory=list)
    unplaced: int = 0


def chart(
    months: list[dict], names: dict[str, str], other, unplaced: int = 0, w: Words | None = None
) -> Chart:
    """A bar per month, stacked by the most frequent kinds (the rest together, grey), and
    the number of distinct incidents as a series of its own (a dot and its number, joined
    by a line), so nobody takes a stack's height for it. Months are named in the reader's
    language, the year under the first month and each January."""
    w = w or Words()
    shape = Chart(unplaced=unplaced)
    kinds, series = charts.stacks(months)
    distinct = {k for m in months for k in m["by_kind"]}
    grouped = len(distinct) > charts.TOP_KINDS + 1
    colours = [COLOURS[i % len(COLOURS)] for i in range(len(kinds))]
    shown = [names.get(k, k) for k in kinds]
    if grouped:  # the last stack is the rest of the kinds together
        colours[-1] = OTHER
        shown[-1] = other(len(distinct) - charts.TOP_KINDS)
    stacked = [sum(column) for column in zip(*series)] or [0] * len(months)
    top = max([*stacked, *(m["total"] for m in months), 1])
    step = _tick_step(top)
    top = -(-top // step) * step
    scale = (shape.bottom - shape.top) / top
    slot = (shape.right - shape.left) / max(len(months), 1)
    shape.bar_width = round(slot * 0.68, 2)
    shape.ticks = [
        {"value": v, "y": round(shape.bottom - v * scale, 2)} for v in range(0, top + 1, step)
    ]
    for i, (month, (short, year)) in enumerate(zip(months, charts.month_labels(months, w))):
        x = round(shape.left + slot * i + (slot - shape.bar_width) / 2, 2)
        y, blocks = shape.bottom, []
        for name, colour, counts in zip(shown, colours, series):
            if counts[i]:
                height = counts[i] * scale
                y -= height
                blocks.append(
                    {
                        "y": round(y, 2),
                        "height": round(height, 2),
                        "count": counts[i],
                        "colour": colour,
                        "name": name,
                    }
                )
        shape.bars.append(
            {
                "x": x,
                "centre": round(x + shape.bar_width / 2, 2),
                "blocks": blocks,
                "total": month["total"],
                "total_y": round(shape.bottom - month["total"] * scale, 2),
                "label": w.month(f"{month['month']}-01"),
                "short": short,
                "year": year,
            }
        )
    shape.legend = [{"name": n, "colour": c} for n, c in zip(shown, colours)]
    return shape


def _tick_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if top / step <= 6:
            return step
    return 10 ** len(str(top)) // 10


def html(
    report,
    period,
    w: Words,
    names: dict[str, str],
    redacted: bool = False,
    generated: date | None = None,
) -> str:
    """The report as one HTML page: styles and chart inline, nothing fetched from anywhere."""
    return "".join(html_parts(report, period, w, names, redacted, generated))


# Where the template leaves the list of incidents, written after it by html_parts.
_ROWS = "<!--pressfree: the incidents' rows-->"


def html_parts(
    report,
    period,
    w: Words,
    names: dict[str, str],
    redacted: bool = False,
    generated: date | None = None,
) -> Iterator[str]:
    """The report's HTML page in parts, to be written one after the other: the page up to
    the list of incidents, its rows a batch of incidents at a time (as report.incidents
    reads them), and the rest of the page."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from pressfree import __version__

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters["sentenced"] = w.sentenced
    s = report.summary

    def full_name(slug: str) -> str:
        return names.get(slug) or report.kinds.get(slug) or slug

    @cache
    def kind_name(slug: str) -> str:  # on every row: the explanation is the method note's
        return short_name(full_name(slug))

    def label_name(slug: str, default: str) -> str:
        return names.get(f"label:{slug}") or default

    explained = [
        (kind_name(k.kind), why)
        for k in s.by_kind
        if (why := explanation(full_name(k.kind))) is not None
    ]

    brief = [
        w.plural(*KIND_COUNTS[k.kind], k.count)
        if k.kind in KIND_COUNTS
        else f"{kind_name(k.kind)}: {w.number(k.count)}"
        for k in s.by_kind
        if k.count
    ]
    cases = s.cases or {}
    title = w("Press-freedom incidents, {period}", period=w.period(period))
    if s.country:
        title += f" — {w.country(s.country)}"
    title += narrowed(s, w, {k: kind_name(k) for k in report.kinds})
    batches = iter(report.incidents)
    first = next(batches, None)
    page = _labelled(
        environment.get_template("report.html").render(
            r=report,
            w=w,
            _=w,
            n_=w.plural,
            title=title,
            period=period,
            brief=brief,
            any_incident=first is not None,
            rows=Markup(_ROWS),
            incident_headings=[w(h) for h in INCIDENT_HEADINGS] + list(report.fields),
            rule=rule_line(s, w),
            affected=affected_line(s, w),
            chart=chart(
                report.chart,
                {k: kind_name(k) for k in report.kinds},
                lambda n: w.plural("{n} more kind", "{n} more kinds", n),
                report.unplaced,
                w,
            ),
            kind_name=kind_name,
            label_name=label_name,
            figure_name=lambda t: figure_name(t, w, names),
            explained=explained,
            signed=lambda n: f"+{w.number(n)}" if n > 0 else w.number(n),
            charges_brought=sum(c["count"] for c in cases.get("charges_brought", [])),
            verdicts=sum(cases.get("verdicts", {}).values()),
            redacted=redacted,
            generated=generated or date.today(),
            version=__version__,
        )
    )
    head, _, tail = page.partition(_ROWS)
    yield head
    if first is not None:
        yield from incident_rows(
            chain([first], batches),
            kind_name,
            w("source"),
            lambda s: w.term("status", s),
            lambda text: w(WITHHELD_SHOWN) if text == WITHHELD else text,
            w,
            label_name,
            report.fields,
        )
    yield tail


_HEADING = re.compile(r"<th(?:\s[^>]*)?>(.*?)</th>", re.S)
_ROW = re.compile(r"<tr[ >].*?</tr>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _labelled(page: str) -> str:
    """Each cell of a table body given its column's heading (data-label), which a narrow
    screen shows before the value when the table's rows become cards (the page's CSS). A
    table written with its labels (incident_rows) is left as it is."""

    def table(inner: str) -> str:
        head, _, body = inner.partition("</thead>")
        names = [
            escape(html_module.unescape(_TAG.sub("", h)).strip()) for h in _HEADING.findall(head)
        ]

        def row(match: re.Match) -> str:
            cells = iter(names)
            return re.sub(
                r"<td(?=[ >])",
                lambda _: f'<td data-label="{next(cells, "")}"',
                match.group(0),
            )

        return f"{head}</thead>{_ROW.sub(row, body)}"

    # by positions, copying no more of the page than it must (a year's incidents table is
    # tens of megabytes, labelled already)
    out, done = [], 0
    while (start := page.find("<table>", done)) >= 0:
        end = page.find("</table>", start)
        if page.find("<td data-label=", start, end) >= 0:
            out.append(page[done:end])
        else:
            out += [page[done : start + len("<table>")], table(page[start + len("<table>") : end])]
        done = end
    return "".join([*out, page[done:]]) if out else page


# redaction.WITHHELD, in the reader's language (a test holds the two to one text)
WITHHELD_SHOWN = N_("[withheld: names a person at risk]")


def pdf(page: str, out) -> None:
    """The HTML page printed to PDF on A4 by WeasyPrint (the optional pdf extra)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError):
        raise PressfreeError(
            "report: --format pdf needs WeasyPrint; install the pdf extra "
            "with: pip install 'pressfree[pdf]'"
        ) from None

    def nothing(url, *args, **kwargs):  # a report never fetches anything, even for a PDF
        raise ValueError(f"not fetched: {url}")

    HTML(string=page, url_fetcher=nothing).write_pdf(out)
