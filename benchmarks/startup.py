"""How quickly commands answer at the keyboard, on a small database: against Python importing
SQLModel alone, and `--help` against sqlite-utils' (the tool a user would otherwise reach
for), in one run.

Targets (issue 14): every command that opens the database within 1.25x of
`python -c "import sqlmodel"`; `pressfree COMMAND --help` within 1.3x of `sqlite-utils --help`.
Each figure is the wall time of a whole process, the best of several runs taken in turn (one
of each, then again), so that a busy moment of the machine falls on all of them alike. Python
writes its bytecode as it does on a user's machine (PYTHONDONTWRITEBYTECODE is dropped), and
each command runs once before timing.

Run: .venv/bin/python benchmarks/startup.py [--repeats 15]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from results import ENV, record  # noqa: E402

BIN = Path(sys.executable).parent
PRESSFREE = shutil.which("pressfree", path=str(BIN))
SQLITE_UTILS = shutil.which("sqlite-utils", path=str(BIN)) or shutil.which("sqlite-utils")
SAMPLE = Path(__file__).parent.parent / "data" / "belarus-2021-07.json"


def measure(commands: dict[str, list[str]], repeats: int) -> dict[str, float]:
    """The best wall time of each command, run in turn."""
    best = {name: float("inf") for name in commands}
    # The first round only warms up (bytecode, file cache); with no repeats (a smoke run),
    # the one round is kept.
    for round_ in range(repeats + 1 if repeats else 1):
        for name, command in commands.items():
            started = time.perf_counter()
            subprocess.run(
                command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV
            )
            wall = time.perf_counter() - started
            if round_ > 0 or not repeats:
                best[name] = min(best[name], wall)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pressfree-startup-bench-"))
    try:
        db = str(folder / "small.db")
        subprocess.run(
            [PRESSFREE, "--db", db, "import", str(SAMPLE), "--quiet"], check=True, env=ENV
        )
        shown = subprocess.run(
            [PRESSFREE, "--db", db, "list", "--format", "csv"],
            check=True,
            capture_output=True,
            text=True,
            env=ENV,
        )
        some_id = shown.stdout.splitlines()[1].split(",")[0]
        base = [PRESSFREE, "--db", db]
        opening = {
            "list": base + ["list"],
            "show": base + ["show", some_id],
            "summary": base + ["summary", "--month", "2021-07"],
            "add": base + ["add", "raid", "--date", "2021-07-02", "--country", "BY"],
        }
        commands = {"import sqlmodel": [sys.executable, "-c", "import sqlmodel"], **opening}
        helps = {f"{name} --help": [PRESSFREE, name, "--help"] for name in opening}
        helps["--help"] = [PRESSFREE, "--help"]
        if SQLITE_UTILS:
            commands["sqlite-utils query"] = [
                SQLITE_UTILS,
                "query",
                db,
                "select count(*) from incident",
            ]
            helps["sqlite-utils --help"] = [SQLITE_UTILS, "--help"]
        best = measure({**commands, **helps}, options.repeats)
        print(f"\n{'command':<24}{'best':>9}   ratio  target")
        floor = best["import sqlmodel"]
        print(f"{'import sqlmodel':<24}{floor:>8.3f}s")
        for name in opening:
            ratio = best[name] / floor
            verdict = record("startup", f"`{name}`, small database", ratio, 1.25, "import sqlmodel")
            print(f"{name:<24}{best[name]:>8.3f}s  {ratio:5.2f}x  <= 1.25x {verdict}")
        if not SQLITE_UTILS:
            print("sqlite-utils is not installed (pip install sqlite-utils): --help not compared")
            return
        peer = best["sqlite-utils --help"]
        print(
            f"{'sqlite-utils query':<24}{best['sqlite-utils query']:>8.3f}s  "
            f"(list is {best['list'] / best['sqlite-utils query']:.2f}x of it)"
        )
        print(f"{'sqlite-utils --help':<24}{peer:>8.3f}s")
        for name in helps:
            if name.startswith("sqlite-utils"):
                continue
            ratio = best[name] / peer
            verdict = record("startup", f"`pressfree {name}`", ratio, 1.3, "sqlite-utils --help")
            print(f"{name:<24}{best[name]:>8.3f}s  {ratio:5.2f}x  <= 1.3x  {verdict}")
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
