"""Charts drawn with matplotlib, an optional extra: `pip install 'pressfree[charts]'`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pressfree import dates
from pressfree.errors import PressfreeError
from pressfree.publish import render_summary
from pressfree.publish.i18n import N_, Words
from pressfree.store.private_files import WholeFile
from pressfree.vocabulary import short_name


def require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise PressfreeError(
            "chart: matplotlib is not installed; install the charts extra "
            "with: pip install 'pressfree[charts]'"
        ) from None


TOP_KINDS = 6  # kinds drawn on their own; the rest share one grey stack


def month_labels(monthly: list[dict], w: Words) -> list[tuple[str, str]]:
    """Under each month of a chart: its short name in w's language, and its year under the
    first month and each January ("ліп", "" / "сту", "2021")."""
    firsts = [dates.parse(m["month"]).first for m in monthly]
    return [
        (w.month_name(day), str(day.year) if i == 0 or day.month == 1 else "")
        for i, day in enumerate(firsts)
    ]


def _halo() -> Any:
    """A white outline round a number drawn over bars, so it reads on any colour."""
    from matplotlib import patheffects

    return patheffects.withStroke(linewidth=3, foreground="white")


def stacks(monthly: list[dict], top: int = TOP_KINDS) -> tuple[list[str], list[list[int]]]:
    """The kinds drawn (the year's most frequent first, then "N more kinds" together) and,
    for each, its count in every month: what a stacked bar chart shows."""
    totals: dict[str, int] = {}
    for month in monthly:
        for kind, n in month["by_kind"].items():
            totals[kind] = totals.get(kind, 0) + n
    ranked = sorted(totals, key=lambda k: (-totals[k], k))
    shown = ranked if len(ranked) <= top + 1 else ranked[:top]
    rest = [k for k in ranked if k not in shown]
    series = [[m["by_kind"].get(kind, 0) for m in monthly] for kind in shown]
    if rest:
        shown = shown + [f"{len(rest)} more kinds"]
        series.append([sum(m["by_kind"].get(k, 0) for k in rest) for m in monthly])
    return shown, series


def monthly_trend(summary, out: Path, w: Words | None = None, names: dict | None = None) -> None:
    """A bar per month, stacked by kind (the most frequent six, the rest together, their
    names in w's language), and the number of distinct incidents as a series of its own (a
    dot a month on a dashed line, its number beside it): an incident of two kinds is in two
    stacks, and counted once by the dots. Months are named with their year."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no screen, no network
    from matplotlib import pyplot

    # an SVG's words stay text (found by a search, read by a screen reader), not outlines
    matplotlib.rcParams["svg.fonttype"] = "none"
    w = w or Words()
    names = names or {}
    months = [f"{name}\n{year}".strip() for name, year in month_labels(summary.monthly, w)]
    kinds, series = stacks(summary.monthly)
    distinct = {k for m in summary.monthly for k in m["by_kind"]}
    figure, axes = pyplot.subplots(figsize=(11, 4.8))
    colours = pyplot.get_cmap("tab10").colors
    bottom = [0] * len(months)
    for i, (kind, counts) in enumerate(zip(kinds, series)):
        grouped = i == TOP_KINDS
        axes.bar(
            months,
            counts,
            bottom=bottom,
            label=w.plural("{n} more kind", "{n} more kinds", len(distinct) - TOP_KINDS)
            if grouped
            else short_name(names.get(kind, kind)),
            width=0.7,
            color="#b0b0b0" if grouped else colours[i % len(colours)],
        )
        bottom = [b + n for b, n in zip(bottom, counts)]
    totals = [m["total"] for m in summary.monthly]
    axes.plot(
        months,
        totals,
        linestyle="--",
        linewidth=1.2,
        marker="o",
        markersize=5,
        color="black",
        zorder=3,
        label=w("distinct incidents"),
    )
    for x, total in zip(months, totals):
        if total:
            axes.annotate(
                w.number(total),
                (x, total),
                textcoords="offset points",
                xytext=(6, 5),
                fontsize="small",
                fontweight="bold",
                path_effects=[_halo()],
            )
    axes.set_title(render_summary.title(summary, N_("Press-freedom incidents by month"), w, names))
    axes.set_ylabel(w("Incidents by kind; the dots count each incident once"))
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylim(0, max(bottom + [1]) * 1.15 + 0.5)  # room for the counts above the bars
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    if summary.not_in_a_month:
        axes.annotate(
            w(
                "Not drawn: {n} of {total} incidents dated to the year or across months",
                n=w.number(summary.not_in_a_month),
                total=w.number(summary.total_incidents),
            ),
            xy=(0, -0.22),
            xycoords="axes fraction",
            fontsize="small",
        )
    figure.tight_layout()
    svg = out.suffix.lower() == ".svg"
    try:
        with WholeFile(out, "--out") as whole, whole.open("wb") as handle:
            figure.savefig(
                handle, format="svg" if svg else "png", metadata={"Date": None} if svg else None
            )
    finally:
        pyplot.close(figure)
