"""What keeping the history costs: `add` commands and a bulk import, with the history and
with its recording switched off, side by side in one run (alternating, so that the machine's
load falls on both alike).

Targets (issue 9): 500 `add` commands with history within 1.1x of without; importing
100,000 rows within 1.1x.

Run: .venv/bin/python benchmarks/history_cost.py [--adds 500] [--rows 100000] [--quick]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from results import record  # noqa: E402

MAPPING = """
name = "bench"
[columns]
external_id = "case_id"
date = "date"
kinds = "categories"
country = "country"
journalists = "journalist"
summary = "summary"
source_url = "url"
publisher = "publisher"
[kinds]
"Arrest" = "arrest"
"Raid" = "raid"
"""


@contextlib.contextmanager
def without_history():
    """Recording switched off: what pressfree did before it kept a history."""
    from pressfree import history

    class Entry:
        id = None
        after: dict = {}

    with (
        mock.patch.object(history, "record", lambda *a, **k: None),
        mock.patch.object(history, "start_import", lambda *a, **k: Entry()),
        mock.patch.object(history, "finish_import", lambda *a, **k: None),
    ):
        yield


def run(args: list[str]) -> None:
    from pressfree.cli import app

    result = CliRunner().invoke(app, args)
    if result.exit_code != 0:
        sys.exit(f"pressfree {' '.join(args)} failed: {result.stderr} {result.exception!r}")


def time_adds(folder: Path, adds: int, blocks: int) -> tuple[float, float]:
    spent = {True: 0.0, False: 0.0}
    for kept in (True, False):
        run(["--db", str(folder / f"adds-{kept}.db"), "init"])
    per_block = adds // blocks
    for kept in (True, False):  # warm up: the first command pays for imports
        run(["--db", str(folder / f"adds-{kept}.db"), "add", "raid", "--date", "2021"])
    for block in range(blocks):
        for kept in (True, False) if block % 2 == 0 else (False, True):
            db = str(folder / f"adds-{kept}.db")
            with contextlib.ExitStack() as stack:
                if not kept:
                    stack.enter_context(without_history())
                start = time.perf_counter()
                for n in range(per_block):
                    run(
                        [
                            "--db",
                            db,
                            "add",
                            "raid",
                            "detention",
                            "--date",
                            "2021-07-30",
                            "--country",
                            "BY",
                            "--journalist",
                            f"Person {block}-{n}",
                            "--source",
                            f"https://example.org/{block}/{n}",
                            "--publisher",
                            "BAJ",
                        ]
                    )
                spent[kept] += time.perf_counter() - start
    return spent[True], spent[False]


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(7)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "case_id",
                "date",
                "categories",
                "country",
                "journalist",
                "summary",
                "url",
                "publisher",
            ]
        )
        for n in range(rows):
            day = date(2000, 1, 1) + timedelta(days=rng.randrange(9000))
            writer.writerow(
                [
                    f"c{n}",
                    day.isoformat(),
                    rng.choice(["Arrest", "Raid"]),
                    "BY",
                    f"Person {rng.randrange(rows // 10 + 1)}",
                    f"Row {n}",
                    f"https://example.org/{n}",
                    "BAJ",
                ]
            )


def time_imports(folder: Path, rows: int, rounds: int) -> tuple[float, float]:
    sheet = folder / "rows.csv"
    write_csv(sheet, rows)
    mapping = folder / "bench.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    best = {True: float("inf"), False: float("inf")}
    for round_ in range(rounds):
        for kept in (True, False) if round_ % 2 == 0 else (False, True):
            db = folder / f"import-{kept}-{round_}.db"
            run(["--db", str(db), "init"])
            with contextlib.ExitStack() as stack:
                if not kept:
                    stack.enter_context(without_history())
                start = time.perf_counter()
                run(["--db", str(db), "import", str(sheet), "--mapping", str(mapping), "-q"])
                best[kept] = min(best[kept], time.perf_counter() - start)
    return best[True], best[False]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--adds", type=int, default=500)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    options = parser.parse_args()
    adds, rows, blocks, rounds = (options.adds, options.rows, 10, 3)
    if options.quick:
        adds, rows, blocks, rounds = 20, 500, 2, 1
    with tempfile.TemporaryDirectory(prefix="pressfree-bench-") as folder:
        with_adds, without_adds = time_adds(Path(folder), adds, blocks)
        with_import, without_import = time_imports(Path(folder), rows, rounds)
    print(f"{'':34}{'with history':>14}{'without':>10}{'ratio':>8}  target")
    for label, with_, without in (
        (f"{adds} add commands", with_adds, without_adds),
        (f"import of {rows:,} rows (best of {rounds})", with_import, without_import),
    ):
        verdict = record("history_cost", label, with_ / without, 1.1, "without history")
        print(f"{label:34}{with_:>13.2f}s{without:>9.2f}s{with_ / without:>7.2f}x  1.1x {verdict}")


if __name__ == "__main__":
    main()
