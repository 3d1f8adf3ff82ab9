"""How `search` and `add` (with its duplicate check) scale: 1,000 against 1,000,000
synthetic incidents, side by side in one run.

Targets (issue 10): `search` on one million within 1.5x of one thousand; `add`, which looks
for likely duplicates first, on one million within 1.2x of one thousand. Each figure is the
wall time of the installed command, best of several runs, start-up included, as a researcher
would feel it. Each `add` is of a new incident of a journalist who has others, so the
duplicate check has candidates to look at.

Run: .venv/bin/python benchmarks/identity_scale.py [--small 1000] [--large 1000000]
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
from results import record  # noqa: E402
from synthetic import build, journalist  # noqa: E402

PRESSFREE = shutil.which("pressfree", path=str(Path(sys.executable).parent))
SEARCHES = {
    "a name": ["search", journalist(1234)],
    "a name, Cyrillic capitals": ["search", "ІГАР ЛОСІК"],  # journalist(0) is Ihar Losik
    "a common word and a month": ["search", "incident", "--month", "2021-07", "--limit", "20"],
}


def best_wall(db: Path, runs: list[list[str]]) -> float:
    times = []
    for args in runs:
        started = time.perf_counter()
        subprocess.run(
            [PRESSFREE, "--db", str(db), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - started)
    return min(times)


def adds(repeats: int) -> list[list[str]]:
    return [
        [
            "add",
            "detention",
            "--date",
            f"2021-07-{day:02d}",
            "--country",
            "BY",
            "-j",
            journalist(1234),
            "--source",
            f"https://example.org/bench/{day}",
        ]
        for day in range(1, repeats + 1)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--keep",
        type=Path,
        help="build the databases here once, and reuse "
        "them (each run's adds are rolled back "
        "by copying)",
    )
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pressfree-bench-"))
    paths = {}
    for name, n in (("small", options.small), ("large", options.large)):
        paths[name] = folder / f"{name}.db"
        kept = options.keep / f"{name}-{n}.db" if options.keep else None
        if kept and kept.exists():
            shutil.copy(kept, paths[name])
            continue
        started = time.perf_counter()
        build(str(paths[name]), n)
        print(f"built {n:>9,} incidents in {time.perf_counter() - started:6.1f} s")
        if kept:
            options.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(paths[name], kept)
    print(f"\n{'command':<36}{options.small:>10,}{options.large:>14,}   ratio  target")
    rows = [(f"search: {label}", [args] * options.repeats, 1.5) for label, args in SEARCHES.items()]
    rows.append(("add, checking for duplicates", adds(options.repeats), 1.2))
    for label, runs, target in rows:
        small = best_wall(paths["small"], runs)
        large = best_wall(paths["large"], runs)
        ratio = large / small
        verdict = record("identity_scale", label, ratio, target, f"{options.small:,} incidents")
        print(f"{label:<36}{small:>9.3f}s{large:>13.3f}s   {ratio:5.2f}x  <= {target}x {verdict}")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
