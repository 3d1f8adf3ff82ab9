"""Charts drawn with matplotlib, an optional extra: `pip install 'pressfree[charts]'`."""

from __future__ import annotations

from pathlib import Path

from pressfree import render_summary
from pressfree.errors import PressfreeError
from pressfree.private_files import WholeFile


def require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise PressfreeError("chart: matplotlib is not installed; install the charts extra "
                             "with: pip install 'pressfree[charts]'") from None


def monthly_trend(summary, out: Path) -> None:
    """One line per kind, one point per month, and the distinct total as a dashed line."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no screen, no network
    from matplotlib import pyplot

    months = [m["month"][5:] for m in summary.monthly]
    kinds = sorted({k for m in summary.monthly for k in m["by_kind"]})
    figure, axes = pyplot.subplots(figsize=(11, 4.8))
    colours = pyplot.get_cmap("tab20").colors  # 20 distinct colours before any repeats
    for i, kind in enumerate(kinds):
        axes.plot(months, [m["by_kind"].get(kind, 0) for m in summary.monthly], marker="o",
                  markersize=4, label=kind, color=colours[i % len(colours)])
    axes.plot(months, [m["total"] for m in summary.monthly], linestyle="--", color="black",
              label="all incidents (distinct)")
    axes.set_title(render_summary.title(summary, "Press-freedom incidents by month"))
    axes.set_xlabel("Month")
    axes.set_ylabel("Incidents")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    if summary.not_in_a_month:
        axes.annotate(f"Not drawn: {summary.not_in_a_month} of {summary.total_incidents} "
                      "incidents dated to the year or across months", xy=(0, -0.18),
                      xycoords="axes fraction", fontsize="small")
    figure.tight_layout()
    svg = out.suffix.lower() == ".svg"
    try:
        with WholeFile(out, "--out") as whole, whole.open("wb") as handle:
            figure.savefig(handle, format="svg" if svg else "png",
                           metadata={"Date": None} if svg else None)
    finally:
        pyplot.close(figure)
