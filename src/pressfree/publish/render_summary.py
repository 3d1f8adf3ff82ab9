"""Pure functions that turn a summary into Rich tables, Markdown, JSON or CSV."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.table import Table
from rich.text import Text

from pressfree.publish.i18n import N_, Words
from pressfree.publish.render import markdown_table, table, to_csv, to_json

ENGLISH = Words()
MULTI_KIND_NOTE = N_(
    "An incident with several kinds counts under each kind; the total counts it once."
)
KIND_COLUMNS = [
    ("kind", N_("Kind")),
    ("count", N_("This period")),
    ("previous", N_("Previous")),
    ("change", N_("Change")),
    ("journalists", N_("Journalists")),
]
BAR_WIDTH = 40


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def kind_rows(summary, w: Words = ENGLISH, names: dict | None = None) -> list[dict]:
    """Kinds by slug (or by their names in w's language, when names has them)."""
    names = names or {}
    rows = [
        {
            "kind": names.get(k.kind, k.kind),
            "label": k.label,
            "count": k.count,
            "previous": k.previous,
            "change": _signed(k.change),
            "journalists": k.journalists,
        }
        for k in summary.by_kind
    ]
    rows.append(
        {
            "kind": w("total (distinct incidents)"),
            "label": "",
            "count": summary.total_incidents,
            "previous": summary.previous_total,
            "change": _signed(summary.total_incidents - summary.previous_total),
            "journalists": (summary.journalists_affected or {}).get("named", 0),
        }
    )
    return rows


PRECISIONS = {
    "year": N_("{n} dated to a year"),
    "month": N_("{n} dated to a month"),
    "day": N_("{n} dated to a day"),
    "range": N_("{n} as a range"),
}


def imprecise_line(summary, w: Words = ENGLISH) -> str:
    imprecise = summary.imprecise
    if not imprecise["count"]:
        return w("Dated less precisely: none.")
    parts = ", ".join(
        w(PRECISIONS.get(p, "{n} " + p), n=n) for p, n in imprecise["by_precision"].items()
    )
    return w(
        "Dated less precisely: {count} more incidents overlap {period} without lying "
        "wholly inside it ({parts}); they are not in the counts above.",
        count=imprecise["count"],
        period=summary.period,
        parts=parts,
    )


STATUS_NAMES = {
    "reported": N_("reported"),
    "confirmed": N_("confirmed"),
    "disputed": N_("disputed"),
    "retracted": N_("retracted"),
    "withdrawn": N_("withdrawn"),
    "restricted": N_("restricted"),  # left out of what is published, whatever its status
}


def rule_line(summary, w: Words = ENGLISH) -> str:
    """Which incidents count (the publication rule, or --status) and how many it left out:
    "Counted: reported and confirmed incidents. Left out: 1 retracted, 2 disputed."."""
    counted = [w(STATUS_NAMES[s]) for s in summary.counted]
    left = ", ".join(f"{n} {w(STATUS_NAMES[s])}" for s, n in summary.left_out.items())
    return w(
        "Counted: incidents {statuses}. Left out: {left}.",
        statuses=" / ".join(counted),
        left=left or w("none"),
    )


def affected_line(summary, w: Words = ENGLISH) -> str:
    """Journalists the counted incidents name (the Journalists column: named people)."""
    affected = summary.journalists_affected or {}
    return w(
        "Journalists affected: {named} named (each once, whatever the kinds), and {unnamed} "
        "mentioned without a name.",
        named=affected.get("named", 0),
        unnamed=affected.get("unnamed", 0),
    )


def custody_line(summary, w: Words = ENGLISH) -> str:
    custody = summary.in_custody
    reported = "; ".join(
        w(
            "{publisher} reports {figure} as of {day}",
            publisher=r["publisher"],
            figure=r["figure"],
            day=r["as_of"],
        )
        for r in custody["reported"]
    ) or w("no reported figure")
    unfiltered = (
        w(" (all journalists: the filters narrow incidents only)") if summary.filters else ""
    )
    return w(
        "Journalists in custody on {day}{unfiltered}: {itemised} itemised here; {reported}.",
        day=custody["as_of"],
        unfiltered=unfiltered,
        itemised=custody["itemised"],
        reported=reported,
    )


CHARGE_COLUMNS = [("name", N_("Category")), ("count", N_("Charges"))]
SENTENCE_COLUMNS = [
    ("person", N_("Journalist")),
    ("sentence", N_("Sentence")),
    ("sentence_type", N_("Type")),
    ("date", N_("Date")),
    ("case", N_("Case")),
]


def cases_line(summary, w: Words = ENGLISH) -> str:
    """ "Charges brought: 3. Verdicts: 2 convicted, 1 acquitted. Sentences: 1 prison (3.0
    years in all), 1 administrative-arrest."""
    cases = summary.cases or {}
    brought = sum(c["count"] for c in cases.get("charges_brought", []))
    verdicts = ", ".join(
        f"{n} {outcome}" for outcome, n in cases.get("verdicts", {}).items() if n
    ) or w("none")
    if cases.get("appeal_rulings"):
        verdicts += w(" (and {n} on appeal)", n=cases["appeal_rulings"])
    sentences = ", ".join(
        f"{n} {kind}"
        + (w(" ({years} years in all)", years=cases["prison_years"]) if kind == "prison" else "")
        for kind, n in cases.get("sentences_by_type", {}).items()
    )
    return w(
        "Charges brought: {brought}. Verdicts: {verdicts}. Sentences handed down: {sentences}.",
        brought=brought,
        verdicts=verdicts,
        sentences=sentences or w("none"),
    )


def title(summary, what: str = N_("Press-freedom incidents"), w: Words = ENGLISH) -> str:
    where = f", {summary.country}" if summary.country else ""
    narrowed = f" ({'; '.join(summary.filters)})" if summary.filters else ""
    return f"{w(what)}, {summary.period}{where}{narrowed}"


def bars(monthly: list[dict]) -> list[str]:
    """A bar per month, scaled to the busiest month."""
    top = max((m["total"] for m in monthly), default=0) or 1
    return [
        f"{m['month']} {'█' * round(BAR_WIDTH * m['total'] / top):<{BAR_WIDTH}} {m['total']}"
        for m in monthly
    ]


def _small_table(title_text: str, rows: list[dict], columns: list[tuple[str, str]]):
    """A table of the summary's, fitted to the terminal as every listing is."""
    return table(rows, columns, title_text, title_justify="left")


def _columns(columns: list[tuple[str, str]], w: Words) -> list[tuple[str, str]]:
    return [(key, w(heading)) for key, heading in columns]


@dataclass
class _KindsTable:
    """The counts by kind, laid out for the width it is given: a kind's name is never
    broken (up to a long one's width); on a narrow terminal the numbers' headings fold."""

    summary: Any
    w: Words
    names: dict | None

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        narrow = options.max_width < NARROW
        kinds = Table(
            title=title(self.summary, w=self.w),
            title_justify="left",
            caption=self.w(MULTI_KIND_NOTE),
            caption_justify="left",
        )
        rows = kind_rows(self.summary, self.w, self.names)
        longest = min(
            max((len(word) for row in rows for word in str(row["kind"]).split()), default=4), 24
        )
        numbers = len(KIND_COLUMNS) - 1
        # each column takes its width and three of borders and padding, the table one more
        room = (options.max_width - 1 - 3 * len(KIND_COLUMNS) - longest) // numbers
        for key, heading in _columns(KIND_COLUMNS, self.w):
            kinds.add_column(
                f"{heading} ({self.summary.previous_period})" if key == "previous" else heading,
                justify="left" if key == "kind" else "right",
                min_width=longest if key == "kind" else None,
                max_width=max(room, 3) if narrow and key != "kind" else None,
                overflow="fold",
            )
        for i, row in enumerate(rows):
            kinds.add_row(*[str(row[k]) for k, _ in KIND_COLUMNS], end_section=i == len(rows) - 2)
        yield kinds


NARROW = 72  # below it, the kinds table's headings fold to fit


def as_table(summary, w: Words = ENGLISH, names: dict | None = None) -> Group:
    kinds = _KindsTable(summary, w, names)
    parts: list = [
        kinds,
        Text(affected_line(summary, w)),
        Text(imprecise_line(summary, w)),
        Text(rule_line(summary, w)),
    ]
    parts += [Text(w("Reported counts: ") + t.text) for t in summary.tallies] or [
        Text(w("Reported counts: none for this period."))
    ]
    parts.append(Text(custody_line(summary, w)))
    parts.append(Text(cases_line(summary, w)))
    for heading, rows, columns in _sections(summary, short_cases=True):
        if rows:
            parts.append(_small_table(w(heading), rows, _columns(columns, w)))
    if summary.monthly:
        parts.append(monthly_table(summary, w))
        if summary.not_in_a_month:
            parts.append(Text(unplaced_line(summary, w)))
        parts.append(Text(w("Incidents per month") + "\n" + "\n".join(bars(summary.monthly))))
    return Group(*parts)


def _sections(summary, short_cases: bool = False) -> list[tuple[str, list, list]]:
    """The summary's small tables: (heading, rows, columns), in the order shown."""
    sentences = summary.cases.get("sentences") or []
    if short_cases:
        sentences = [dict(r, case=r["case"][:8]) for r in sentences]
    return [
        (N_("Charges brought, by category"), summary.cases.get("charges_brought"), CHARGE_COLUMNS),
        (N_("Sentences handed down"), sentences, SENTENCE_COLUMNS),
        (
            N_("Designations made"),
            summary.designations,
            [
                ("target", N_("Target")),
                ("label_name", N_("Label")),
                ("issued_by", N_("By")),
                ("date", N_("Decided")),
            ],
        ),
        (
            N_("Most targeted outlets"),
            summary.top_outlets,
            [("name", N_("Outlet")), ("incidents", N_("Incidents"))],
        ),
        (
            N_("Most targeted journalists"),
            summary.top_journalists,
            [("name", N_("Journalist")), ("incidents", N_("Incidents"))],
        ),
        (
            N_("By country"),
            summary.by_country,
            [("country", N_("Code")), ("name", N_("Country")), ("incidents", N_("Incidents"))],
        ),
        (
            N_("By city"),
            summary.by_city,
            [("city", N_("City")), ("country", N_("Country")), ("incidents", N_("Incidents"))],
        ),
    ]


def unplaced_line(summary, w: Words = ENGLISH) -> str:
    n = summary.not_in_a_month
    return (
        w.plural(
            "{n} incident of {period} is dated to the year or across months, so in "
            "no month row above (but in the totals).",
            "{n} incidents of {period} are dated to the year or across months, so "
            "in no month row above (but in the totals).",
            n,
            period=summary.period,
        )
        if n
        else ""
    )


def monthly_columns(summary) -> list[str]:
    return sorted({k for m in summary.monthly for k in m["by_kind"]})


def monthly_table(summary, w: Words = ENGLISH) -> Table:
    kinds = monthly_columns(summary)
    grid = Table(title=w("Month by month"), title_justify="left")
    grid.add_column(w("Month"))
    for kind in kinds:
        grid.add_column(kind, justify="right")
    grid.add_column(w("Total"), justify="right")
    for m in summary.monthly:
        grid.add_row(m["month"], *[str(m["by_kind"].get(k, 0)) for k in kinds], str(m["total"]))
    return grid


def as_markdown(summary, w: Words = ENGLISH, names: dict | None = None) -> str:
    out = [
        f"# {title(summary, w=w)}",
        "",
        w.plural(
            "{n} incident ({previous} in {period}).",
            "{n} incidents ({previous} in {period}).",
            summary.total_incidents,
            previous=summary.previous_total,
            period=summary.previous_period,
        ),
        "",
        "## " + w("Incidents by kind"),
        "",
        markdown_table(
            kind_rows(summary, w, names),
            [
                (k, f"{h} ({summary.previous_period})" if k == "previous" else h)
                for k, h in _columns(KIND_COLUMNS, w)
            ],
        ),
        f"_{w(MULTI_KIND_NOTE)}_",
        "",
        affected_line(summary, w),
        "",
        imprecise_line(summary, w),
        "",
        rule_line(summary, w),
        "",
        "## " + w("Reported counts"),
        "",
    ]
    out += [f"- {t.text}" for t in summary.tallies] or ["- " + w("None for this period.")]
    out += [
        "",
        "## " + w("Custody"),
        "",
        custody_line(summary, w),
        "",
        "## " + w("Cases"),
        "",
        cases_line(summary, w),
        "",
    ]
    for heading, rows, columns in _sections(summary):
        if rows:
            out += [f"## {w(heading)}", "", markdown_table(rows, _columns(columns, w))]
    if summary.monthly:
        kinds = monthly_columns(summary)
        rows = [
            {"month": m["month"], **{k: m["by_kind"].get(k, 0) for k in kinds}, "total": m["total"]}
            for m in summary.monthly
        ]
        out += [
            "## " + w("Month by month"),
            "",
            markdown_table(
                rows, [("month", w("Month")), *[(k, k) for k in kinds], ("total", w("Total"))]
            ),
            unplaced_line(summary, w),
            "",
            "```",
            *bars(summary.monthly),
            "```",
            "",
        ]
    return "\n".join(out).rstrip() + "\n"


def render(summary, fmt: str, w: Words = ENGLISH, names: dict | None = None):
    """The summary in a format; table and markdown speak w's language (with kinds by their
    names in it), JSON and CSV are the same in every language."""
    if fmt == "json":
        return to_json(summary) + "\n"
    if fmt == "csv":
        return to_csv(
            kind_rows(summary),
            [
                ("kind", "kind"),
                ("count", "count"),
                ("previous", "previous"),
                ("change", "change"),
                ("journalists", "journalists"),
            ],
        )
    if fmt == "markdown":
        return as_markdown(summary, w, names)
    return as_table(summary, w, names)
