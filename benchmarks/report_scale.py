"""`pressfree report` against `pressfree summary` on the same large database, in one run.

Target (issue 15): `report --year` on 1,000,000 incidents within 2x of `summary --year` on
the same database. The report does all the summary does and more: it lists every incident
of the period with its sources (about 98,000 for the dense year of the synthetic data), draws
the chart, and reads custody, designations and cases. Each figure is the wall time of the
installed command, best of several runs.

Run: .venv/bin/python benchmarks/report_scale.py [--incidents 1000000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from results import record  # noqa: E402
from synthetic import build  # noqa: E402

PRESSFREE = shutil.which("pressfree", path=str(Path(sys.executable).parent))


def best(args: list[str], repeats: int) -> tuple[float, float]:
    """The best wall time of the command, and its largest peak memory (MB) over the runs."""
    times, peak = [], 0.0
    for _ in range(repeats):
        started = time.perf_counter()
        process = subprocess.Popen(
            [PRESSFREE, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - started)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise SystemExit(f"pressfree {' '.join(args)} exited {process.returncode}")
        peak = max(peak, usage.ru_maxrss / 1024)  # KB on Linux
    return min(times), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pressfree-report-bench-"))
    try:
        db = str(folder / "large.db")
        started = time.perf_counter()
        build(db, options.incidents)
        print(f"built {options.incidents:,} incidents in {time.perf_counter() - started:.1f} s")
        print(
            f"\n{'period':<18}{'summary':>10}{'report':>10}   ratio  target   "
            "report size  report peak memory"
        )
        for label, args, target in (
            ("--year 2021", ["--year", "2021"], 2.0),
            ("--month 2021-07", ["--month", "2021-07"], None),
        ):
            summary, _ = best(["--db", db, "summary", *args, "--format", "json"], options.repeats)
            out = folder / "report.html"
            report, peak = best(["--db", db, "report", *args, "--out", str(out)], options.repeats)
            ratio = report / summary
            verdict = (
                record(
                    "report_scale",
                    f"report {label}, {options.incidents:,} incidents",
                    ratio,
                    target,
                    "summary on the same database",
                )
                if target
                else "(no target)"
            )
            print(
                f"{label:<18}{summary:>9.2f}s{report:>9.2f}s   {ratio:5.2f}x  "
                f"{'<= ' + str(target) + 'x' if target else '':<8}{verdict:<4}"
                f"{out.stat().st_size / 1e6:8.1f} MB{peak:14.0f} MB"
            )
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
