"""Pure functions that turn a summary into Rich tables, Markdown, JSON or CSV."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.table import Table
from rich.text import Text

from pressfree import dates
from pressfree.publish.i18n import ENGLISH, N_, Words
from pressfree.publish.render import markdown_table, table, to_csv, to_json
from pressfree.vocabulary import short_name

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
    """Kinds by slug (CSV), or, given names (vocabulary.names_in), by their short names in
    w's language ("Raid": the explanation in brackets is the method note's)."""
    names = names or {}
    rows = [
        {
            "kind": short_name(names[k.kind]) if k.kind in names else k.kind,
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
        period=w.period(dates.parse(summary.period)),
        parts=parts,
    )


def rule_line(summary, w: Words = ENGLISH) -> str:
    """Which incidents count (the publication rule, or --status) and how many it left out:
    "Counted: reported and confirmed incidents. Left out: 1 retracted, 2 disputed."."""
    counted = [w.term("status", s) for s in summary.counted]
    left = ", ".join(f"{n} {w.term('status', s)}" for s, n in summary.left_out.items())
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
            publisher=r["publisher"] or w("A source"),
            figure=w.figure(r["value"], r["qualifier"]),
            day=w.day(r["as_of"]),
        )
        for r in custody["reported"]
    ) or w("no reported figure")
    unfiltered = (
        w(" (all journalists: the filters narrow incidents only)") if summary.filters else ""
    )
    return w(
        "Journalists in custody on {day}{unfiltered}: {itemised} itemised here; {reported}.",
        day=w.day(custody["as_of"]),
        unfiltered=unfiltered,
        itemised=custody["itemised"],
        reported=reported,
    )


# A figure's metric when it is a stock (how many on a day), not a kind of incident
STOCKS = {"journalists-in-custody": N_("Journalists in custody")}


def figure_name(t, w: Words, names: dict) -> str:
    """What a reported figure counts, in w's language: "Ператрус за ліпень 2021",
    "Journalists in custody as of July 30, 2021"."""
    what = short_name(names.get(t.metric) or w(STOCKS.get(t.metric, t.metric)))
    if t.as_of:
        return w("{what} as of {day}", what=what, day=w.day(t.as_of))
    return w("{what} in {period}", what=what, period=w.when(t.period))


def figure_line(t, w: Words, names: dict) -> str:
    """A reported figure beside what is itemised here, in w's language."""
    return w(
        "{what}: {publisher} reports {figure}; {itemised} itemised here",
        what=figure_name(t, w, names),
        publisher=t.publisher or w("A source"),
        figure=w.figure(t.value, t.qualifier),
        itemised=w.number(t.itemised),
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
        f"{n} {w.term('case_status', outcome)}"
        for outcome, n in cases.get("verdicts", {}).items()
        if n
    ) or w("none")
    if cases.get("appeal_rulings"):
        verdicts += w(" (and {n} on appeal)", n=cases["appeal_rulings"])
    sentences = ", ".join(
        f"{n} {w.term('sentence_type', kind)}"
        + (
            w(" ({years} years in all)", years=w.number(cases["prison_years"]))
            if kind == "prison"
            else ""
        )
        for kind, n in cases.get("sentences_by_type", {}).items()
    )
    return w(
        "Charges brought: {brought}. Verdicts: {verdicts}. Sentences handed down: {sentences}.",
        brought=brought,
        verdicts=verdicts,
        sentences=sentences or w("none"),
    )


def title(
    summary,
    what: str = N_("Press-freedom incidents"),
    w: Words = ENGLISH,
    names: dict | None = None,
) -> str:
    where = f", {w.country(summary.country)}" if summary.country else ""
    return f"{w(what)}, {w.period(dates.parse(summary.period))}{where}{narrowed(summary, w, names)}"


def narrowed(summary, w: Words = ENGLISH, names: dict | None = None) -> str:
    """What narrowed the incidents counted, for a title: " (kind Ператрус; status ...)"."""
    said = [w.narrowed(item, names) for item in summary.narrowed_by]
    return f" ({'; '.join(said)})" if said else ""


def bars(monthly: list[dict], w: Words = ENGLISH) -> list[str]:
    """A bar per month, scaled to the busiest month, each month named in w's language."""
    top = max((m["total"] for m in monthly), default=0) or 1
    named = [_month(m["month"], w) for m in monthly]
    width = max((len(n) for n in named), default=0)
    return [
        f"{n:<{width}} {'█' * round(BAR_WIDTH * m['total'] / top):<{BAR_WIDTH}} {m['total']}"
        for n, m in zip(named, monthly)
    ]


def _month(month: str, w: Words) -> str:
    """ "2021-07" as a reader names it in a table: "Jul 2021", "ліп 2021"."""
    first = dates.parse(month).first
    return f"{w.month_name(first)} {first.year}"


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
            title=title(self.summary, w=self.w, names=self.names),
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
        headings = {
            key: f"{heading} ({_previous(self.summary, self.w)})" if key == "previous" else heading
            for key, heading in _columns(KIND_COLUMNS, self.w)
        }
        # a heading's words stay whole when they all fit ("Journalists", not "Journali/sts")
        words = {key: max(len(word) for word in h.split()) for key, h in headings.items()}
        whole = longest + sum(words[k] for k, _ in KIND_COLUMNS[1:]) + 1 + 3 * len(KIND_COLUMNS)
        for key, heading in headings.items():
            kinds.add_column(
                heading,
                justify="left" if key == "kind" else "right",
                min_width=longest if key == "kind" else None,
                max_width=max(room, 3, words[key] if whole <= options.max_width else 0)
                if narrow and key != "kind"
                else None,
                overflow="fold",
            )
        for i, row in enumerate(rows):
            kinds.add_row(*[str(row[k]) for k, _ in KIND_COLUMNS], end_section=i == len(rows) - 2)
        yield kinds


NARROW = 72  # below it, the kinds table's headings fold to fit


def _previous(summary, w: Words) -> str:
    return w.period(dates.parse(summary.previous_period))


def as_table(summary, w: Words = ENGLISH, names: dict | None = None) -> Group:
    kinds = _KindsTable(summary, w, names)
    parts: list = [
        kinds,
        Text(affected_line(summary, w)),
        Text(imprecise_line(summary, w)),
        Text(rule_line(summary, w)),
    ]
    parts += [
        Text(w("Reported counts: ") + figure_line(t, w, names or {})) for t in summary.tallies
    ] or [Text(w("Reported counts: none for this period."))]
    parts.append(Text(custody_line(summary, w)))
    parts.append(Text(cases_line(summary, w)))
    for heading, rows, columns in _sections(summary, w, names or {}, short_cases=True):
        if rows:
            parts.append(_small_table(w(heading), rows, _columns(columns, w)))
    if summary.monthly:
        parts.append(monthly_table(summary, w, names or {}))
        if summary.not_in_a_month:
            parts.append(Text(unplaced_line(summary, w)))
        parts.append(Text(w("Incidents per month") + "\n" + "\n".join(bars(summary.monthly, w))))
    return Group(*parts)


def _sections(
    summary, w: Words, names: dict, short_cases: bool = False
) -> list[tuple[str, list, list]]:
    """The summary's small tables: (heading, rows, columns), in the order shown, their
    values as a reader of w's language says them (names: vocabulary.names_in)."""
    sentences = [
        dict(
            r,
            sentence=w.sentence(r["sentence"]),
            sentence_type=w.term("sentence_type", r["sentence_type"]),
            date=w.when(r["date"]),
            case=r["case"][:8] if short_cases else r["case"],
        )
        for r in summary.cases.get("sentences") or []
    ]
    charges = [
        dict(c, name=w.term("category", c["category"], c["name"]))
        for c in summary.cases.get("charges_brought") or []
    ]
    made = [
        dict(
            d,
            label_name=names.get(f"label:{d['label']}") or d["label_name"],
            date=w.when(d["date"]),
        )
        for d in summary.designations
    ]
    return [
        (N_("Charges brought, by category"), charges, CHARGE_COLUMNS),
        (N_("Sentences handed down"), sentences, SENTENCE_COLUMNS),
        (
            N_("Designations made"),
            made,
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
            [dict(c, name=w.country(c["country"]) or c["name"]) for c in summary.by_country],
            [("country", N_("Code")), ("name", N_("Country")), ("incidents", N_("Incidents"))],
        ),
        (
            N_("By city"),
            [dict(c, country=w.country(c["country"])) for c in summary.by_city],
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
            period=w.period(dates.parse(summary.period)),
        )
        if n
        else ""
    )


def monthly_columns(summary) -> list[str]:
    return sorted({k for m in summary.monthly for k in m["by_kind"]})


def monthly_table(summary, w: Words = ENGLISH, names: dict | None = None) -> Table:
    kinds = monthly_columns(summary)
    grid = Table(title=w("Month by month"), title_justify="left")
    grid.add_column(w("Month"), no_wrap=True)
    for kind in kinds:
        grid.add_column(short_name((names or {}).get(kind, kind)), justify="right")
    grid.add_column(w("Total"), justify="right")
    for m in summary.monthly:
        grid.add_row(
            _month(m["month"], w), *[str(m["by_kind"].get(k, 0)) for k in kinds], str(m["total"])
        )
    return grid


def as_markdown(summary, w: Words = ENGLISH, names: dict | None = None) -> str:
    previous = _previous(summary, w)
    out = [
        f"# {title(summary, w=w, names=names)}",
        "",
        w.plural(
            "{n} incident ({previous} in {period}).",
            "{n} incidents ({previous} in {period}).",
            summary.total_incidents,
            previous=summary.previous_total,
            period=previous,
        ),
        "",
        "## " + w("Incidents by kind"),
        "",
        markdown_table(
            kind_rows(summary, w, names),
            [
                (k, f"{h} ({previous})" if k == "previous" else h)
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
    out += [f"- {figure_line(t, w, names or {})}" for t in summary.tallies] or [
        "- " + w("None for this period.")
    ]
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
    for heading, rows, columns in _sections(summary, w, names or {}):
        if rows:
            out += [f"## {w(heading)}", "", markdown_table(rows, _columns(columns, w))]
    if summary.monthly:
        kinds = monthly_columns(summary)
        rows = [
            {
                "month": _month(m["month"], w),
                **{k: m["by_kind"].get(k, 0) for k in kinds},
                "total": m["total"],
            }
            for m in summary.monthly
        ]
        out += [
            "## " + w("Month by month"),
            "",
            markdown_table(
                rows,
                [
                    ("month", w("Month")),
                    *[(k, short_name((names or {}).get(k, k))) for k in kinds],
                    ("total", w("Total")),
                ],
            ),
            unplaced_line(summary, w),
            "",
            "```",
            *bars(summary.monthly, w),
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
