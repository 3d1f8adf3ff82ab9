"""Every benchmark in one run, and one table of the ratios each is judged by.

Each script measures its figures side by side in one run (the small against the large
database, pressfree against the sqlite3 shell, with against without history) and keeps them
through results.record; this runs them one after another and prints the table. `--quick`
runs them at tiny sizes, a smoke run that CI executes so the scripts never rot; its timings
mean nothing and nothing is asserted of them.

Run: .venv/bin/python benchmarks/run.py [--quick] [--only summary_scale ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
# script -> (its arguments for the full run, for a quick run)
SCRIPTS = {
    "summary_scale": ([], ["--small", "100", "--large", "500", "--repeats", "1"]),
    "identity_scale": ([], ["--small", "100", "--large", "500", "--repeats", "1"]),
    "history_cost": ([], ["--quick"]),
    "import_scale": ([], ["--rows", "500"]),
    "postgres_scale": ([], ["--incidents", "500", "--rows", "300", "--repeats", "1"]),
    "report_scale": ([], ["--incidents", "500", "--repeats", "1"]),
    "startup": ([], ["--repeats", "0"]),
    "encryption": ([], ["--incidents", "300", "--rows", "200", "--repeats", "0"]),
}


def run(name: str, quick: bool, results: Path) -> float:
    """Run one script, its output shown as it goes; its wall time."""
    arguments = SCRIPTS[name][1 if quick else 0]
    print(f"\n== {name} {' '.join(arguments)}", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(HERE / f"{name}.py"), *arguments],
        check=True,
        env={**os.environ, "PRESSFREE_BENCH_RESULTS": str(results)},
    )
    return time.perf_counter() - started


def table(rows: list[dict]) -> str:
    width = max([len(r["measure"]) for r in rows] + [7])
    lines = [
        f"{'benchmark':<16}{'measure':<{width + 2}}{'against':<22}{'ratio':>8}"
        f"{'target':>9}  verdict"
    ]
    for r in rows:
        lines.append(
            f"{r['benchmark']:<16}{r['measure']:<{width + 2}}{r['against']:<22}"
            f"{r['ratio']:>7.2f}x{r['target']:>8}x  {r['verdict']}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes: checks the scripts run; the timings mean nothing",
    )
    parser.add_argument("--only", nargs="+", choices=sorted(SCRIPTS), default=list(SCRIPTS))
    parser.add_argument(
        "--encrypted",
        action="store_true",
        help="every SQLite database the scripts make is encrypted (SQLCipher): a passphrase "
        "is at hand, so pressfree encrypts each new file",
    )
    options = parser.parse_args()
    if options.encrypted:
        os.environ.setdefault("PRESSFREE_PASSPHRASE", "a passphrase for the benchmarks")
    with tempfile.TemporaryDirectory(prefix="pressfree-bench-") as folder:
        results = Path(folder) / "results.ndjson"
        results.touch()
        walls = {name: run(name, options.quick, results) for name in options.only}
        rows = [json.loads(line) for line in results.read_text().splitlines()]
    print("\n" + table(rows))
    print("\n" + ", ".join(f"{name} {wall:.0f} s" for name, wall in walls.items()))
    if options.quick:
        print("(--quick: tiny sizes; these ratios say nothing about speed)")


if __name__ == "__main__":
    main()
