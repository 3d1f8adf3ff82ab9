"""Charts drawn with matplotlib, an optional extra: `pip install 'pressfree[charts]'`."""

from __future__ import annotations

from pathlib import Path

from pressfree.errors import PressfreeError
from pressfree.publish import render_summary
from pressfree.store.private_files import WholeFile


def require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise PressfreeError(
            "chart: matplotlib is not installed; install the charts extra "
            "with: pip install 'pressfree[charts]'"
        ) from None


TOP_KINDS = 6  # kinds drawn on their own; the rest share one grey stack


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


def monthly_trend(summary, out: Path) -> None:
    """A bar per month, stacked by kind (the most frequent six, the rest together), with the
    number of distinct incidents marked above it: an incident of two kinds is in two
    stacks, and counted once in the mark."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no screen, no network
    from matplotlib import pyplot

    months = [m["month"][5:] for m in summary.monthly]
    kinds, series = stacks(summary.monthly)
    figure, axes = pyplot.subplots(figsize=(11, 4.8))
    colours = pyplot.get_cmap("tab10").colors
    bottom = [0] * len(months)
    for i, (kind, counts) in enumerate(zip(kinds, series)):
        axes.bar(
            months,
            counts,
            bottom=bottom,
            label=kind,
            width=0.7,
            color="#b0b0b0" if i == TOP_KINDS else colours[i % len(colours)],
        )
        bottom = [b + n for b, n in zip(bottom, counts)]
    totals = [m["total"] for m in summary.monthly]
    marked = [(x, t) for x, t in zip(months, totals) if t]
    axes.scatter(
        [x for x, _ in marked],
        [t for _, t in marked],
        marker="_",
        s=500,
        color="black",
        zorder=3,
        label="distinct incidents",
    )
    for x, total, height in zip(months, totals, bottom):
        if total:
            axes.annotate(
                str(total),
                (x, max(total, height)),
                textcoords="offset points",
                xytext=(0, 4),
                ha="center",
                fontsize="small",
            )
    axes.set_title(render_summary.title(summary, "Press-freedom incidents by month"))
    axes.set_xlabel("Month")
    axes.set_ylabel("Incidents (by kind; the mark counts each incident once)")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylim(0, max(bottom + [1]) * 1.15 + 0.5)  # room for the counts above the bars
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    if summary.not_in_a_month:
        axes.annotate(
            f"Not drawn: {summary.not_in_a_month} of {summary.total_incidents} "
            "incidents dated to the year or across months",
            xy=(0, -0.18),
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
