"""Pure functions that turn a summary into Rich tables, Markdown, JSON or CSV."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from pressfree.render import markdown_table, table, to_csv, to_json

MULTI_KIND_NOTE = ("An incident with several kinds counts under each kind; "
                   "the total counts it once.")
KIND_COLUMNS = [("kind", "Kind"), ("count", "This period"), ("previous", "Previous"),
                ("change", "Change")]
BAR_WIDTH = 40


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def kind_rows(summary) -> list[dict]:
    rows = [{"kind": k.kind, "label": k.label, "count": k.count, "previous": k.previous,
             "change": _signed(k.change)} for k in summary.by_kind]
    rows.append({"kind": "total (distinct incidents)", "label": "",
                 "count": summary.total_incidents, "previous": summary.previous_total,
                 "change": _signed(summary.total_incidents - summary.previous_total)})
    return rows


def imprecise_line(summary) -> str:
    imprecise = summary.imprecise
    if not imprecise["count"]:
        return "Dated less precisely: none."
    parts = ", ".join(f"{n} dated to a {p}" if p != "range" else f"{n} as a range"
                      for p, n in imprecise["by_precision"].items())
    return (f"Dated less precisely: {imprecise['count']} more incidents overlap "
            f"{summary.period} without lying wholly inside it ({parts}); "
            "they are not in the counts above.")


def custody_line(summary) -> str:
    custody = summary.in_custody
    reported = "; ".join(f"{r['publisher']} reports {r['figure']} as of {r['as_of']}"
                         for r in custody["reported"]) or "no reported figure"
    unfiltered = " (all journalists: the filters narrow incidents only)" \
        if summary.filters else ""
    return (f"Journalists in custody on {custody['as_of']}{unfiltered}: {custody['itemised']} "
            f"itemised here; {reported}.")


CHARGE_COLUMNS = [("name", "Category"), ("count", "Charges")]
SENTENCE_COLUMNS = [("person", "Journalist"), ("sentence", "Sentence"),
                    ("sentence_type", "Type"), ("date", "Date"), ("case", "Case")]


def cases_line(summary) -> str:
    """"Charges brought: 3. Verdicts: 2 convicted, 1 acquitted. Sentences: 1 prison (3.0
    years in all), 1 administrative-arrest."""
    cases = summary.cases or {}
    brought = sum(c["count"] for c in cases.get("charges_brought", []))
    verdicts = ", ".join(f"{n} {outcome}" for outcome, n in cases.get("verdicts", {}).items()
                         if n) or "none"
    if cases.get("appeal_rulings"):
        verdicts += f" (and {cases['appeal_rulings']} on appeal)"
    sentences = ", ".join(
        f"{n} {kind}" + (f" ({cases['prison_years']} years in all)" if kind == "prison"
                         else "") for kind, n in cases.get("sentences_by_type", {}).items())
    return (f"Charges brought: {brought}. Verdicts: {verdicts}. "
            f"Sentences handed down: {sentences or 'none'}.")


def title(summary, what: str = "Press-freedom incidents") -> str:
    where = f", {summary.country}" if summary.country else ""
    narrowed = f" ({'; '.join(summary.filters)})" if summary.filters else ""
    return f"{what}, {summary.period}{where}{narrowed}"


def bars(monthly: list[dict]) -> list[str]:
    """A bar per month, scaled to the busiest month."""
    top = max((m["total"] for m in monthly), default=0) or 1
    return [f"{m['month']} {'█' * round(BAR_WIDTH * m['total'] / top):<{BAR_WIDTH}} "
            f"{m['total']}" for m in monthly]


def _small_table(title_text: str, rows: list[dict], columns: list[tuple[str, str]]):
    """A table of the summary's, fitted to the terminal as every listing is."""
    return table(rows, columns, title_text, title_justify="left")


def as_table(summary) -> Group:
    kinds = Table(title=title(summary), title_justify="left",
                  caption=MULTI_KIND_NOTE, caption_justify="left")
    for key, heading in KIND_COLUMNS:
        kinds.add_column(f"{heading} ({summary.previous_period})" if key == "previous"
                         else heading, justify="left" if key == "kind" else "right")
    rows = kind_rows(summary)
    for i, row in enumerate(rows):
        kinds.add_row(*[str(row[k]) for k, _ in KIND_COLUMNS],
                      end_section=i == len(rows) - 2)
    parts: list = [kinds, Text(imprecise_line(summary))]
    parts += [Text("Reported counts: " + t.text) for t in summary.tallies] or \
        [Text("Reported counts: none for this period.")]
    parts.append(Text(custody_line(summary)))
    parts.append(Text(cases_line(summary)))
    for heading, rows, columns in (
            ("Charges brought, by category", summary.cases.get("charges_brought"),
             CHARGE_COLUMNS),
            ("Sentences handed down", [dict(r, case=r["case"][:8]) for r in
                                       summary.cases.get("sentences", [])], SENTENCE_COLUMNS)):
        if rows:
            parts.append(_small_table(heading, rows, columns))
    if summary.designations:
        parts.append(_small_table("Designations made", summary.designations,
                                  [("target", "Target"), ("label_name", "Label"),
                                   ("issued_by", "By"), ("date", "Decided")]))
    for name, rows, heading in (("Most targeted outlets", summary.top_outlets, "Outlet"),
                                ("Most targeted journalists", summary.top_journalists,
                                 "Journalist")):
        if rows:
            parts.append(_small_table(name, rows, [("name", heading),
                                                   ("incidents", "Incidents")]))
    if summary.by_country:
        parts.append(_small_table("By country", summary.by_country,
                                  [("country", "Code"), ("name", "Country"),
                                   ("incidents", "Incidents")]))
    if summary.by_city:
        parts.append(_small_table("By city", summary.by_city,
                                  [("city", "City"), ("country", "Country"),
                                   ("incidents", "Incidents")]))
    if summary.monthly:
        parts.append(monthly_table(summary))
        if summary.not_in_a_month:
            parts.append(Text(unplaced_line(summary)))
        parts.append(Text("Incidents per month\n" + "\n".join(bars(summary.monthly))))
    return Group(*parts)


def unplaced_line(summary) -> str:
    n = summary.not_in_a_month
    return (f"{n} incident{'s' if n != 1 else ''} of {summary.period} "
            f"{'are' if n != 1 else 'is'} dated to the year or across months, so in no "
            "month row above (but in the totals).") if n else ""


def monthly_columns(summary) -> list[str]:
    return sorted({k for m in summary.monthly for k in m["by_kind"]})


def monthly_table(summary) -> Table:
    kinds = monthly_columns(summary)
    grid = Table(title="Month by month", title_justify="left")
    grid.add_column("Month")
    for kind in kinds:
        grid.add_column(kind, justify="right")
    grid.add_column("Total", justify="right")
    for m in summary.monthly:
        grid.add_row(m["month"], *[str(m["by_kind"].get(k, 0)) for k in kinds], str(m["total"]))
    return grid


def as_markdown(summary) -> str:
    out = [f"# {title(summary)}", "",
           f"{summary.total_incidents} incidents ({summary.previous_total} in "
           f"{summary.previous_period}).", "", "## Incidents by kind", "",
           markdown_table(kind_rows(summary),
                          [(k, f"{h} ({summary.previous_period})" if k == "previous" else h)
                           for k, h in KIND_COLUMNS]),
           f"_{MULTI_KIND_NOTE}_", "", imprecise_line(summary), "", "## Reported counts", ""]
    out += [f"- {t.text}" for t in summary.tallies] or ["- None for this period."]
    out += ["", "## Custody", "", custody_line(summary), "", "## Cases", "",
            cases_line(summary), ""]
    sections = [
        ("Charges brought, by category", summary.cases.get("charges_brought"),
         CHARGE_COLUMNS),
        ("Sentences handed down", summary.cases.get("sentences"), SENTENCE_COLUMNS),
        ("Designations made", summary.designations,
         [("target", "Target"), ("label_name", "Label"), ("issued_by", "By"),
          ("date", "Decided")]),
        ("Most targeted outlets", summary.top_outlets, [("name", "Outlet"),
                                                        ("incidents", "Incidents")]),
        ("Most targeted journalists", summary.top_journalists,
         [("name", "Journalist"), ("incidents", "Incidents")]),
        ("By country", summary.by_country, [("country", "Code"), ("name", "Country"),
                                            ("incidents", "Incidents")]),
        ("By city", summary.by_city, [("city", "City"), ("country", "Country"),
                                      ("incidents", "Incidents")]),
    ]
    for heading, rows, columns in sections:
        if rows:
            out += [f"## {heading}", "", markdown_table(rows, columns)]
    if summary.monthly:
        kinds = monthly_columns(summary)
        rows = [{"month": m["month"], **{k: m["by_kind"].get(k, 0) for k in kinds},
                 "total": m["total"]} for m in summary.monthly]
        out += ["## Month by month", "",
                markdown_table(rows, [("month", "Month"), *[(k, k) for k in kinds],
                                      ("total", "Total")]),
                unplaced_line(summary), "", "```", *bars(summary.monthly), "```", ""]
    return "\n".join(out).rstrip() + "\n"


def render(summary, fmt: str):
    if fmt == "json":
        return to_json(summary) + "\n"
    if fmt == "csv":
        return to_csv(kind_rows(summary), [("kind", "kind"), ("count", "count"),
                                           ("previous", "previous"), ("change", "change")])
    if fmt == "markdown":
        return as_markdown(summary)
    return as_table(summary)


