"""How `pressfree summary` scales: 1,000 against 1,000,000 synthetic incidents, one run.

Targets (issues 4 and 14): one million within 1.25x of one thousand for --month, within
1.5x for --year. Each figure is the wall time of the installed command, best of several
runs, so it includes Python start-up, as a researcher would feel it (with its bytecode
written, as on a user's machine: PYTHONDONTWRITEBYTECODE is dropped).

Run: .venv/bin/python benchmarks/summary_scale.py [--small 1000] [--large 1000000]
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
from synthetic import build  # noqa: E402

PRESSFREE = shutil.which("pressfree", path=str(Path(sys.executable).parent))


def best_wall(db: Path, args: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(
            [PRESSFREE, "--db", str(db), "summary", *args, "--format", "json"],
            check=True,
            stdout=subprocess.DEVNULL,
            env=ENV,
        )
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pressfree-bench-"))
    sizes = {"small": options.small, "large": options.large}
    paths = {}
    for name, n in sizes.items():
        paths[name] = folder / f"{name}.db"
        started = time.perf_counter()
        build(str(paths[name]), n)
        print(f"built {n:>9,} incidents in {time.perf_counter() - started:6.1f} s")
    print(f"\n{'command':<28}{options.small:>12,}{options.large:>14,}   ratio  target")
    for label, args, target in (
        ("summary --month 2021-07", ["--month", "2021-07"], 1.25),
        ("summary --year 2021", ["--year", "2021"], 1.5),
    ):
        small = best_wall(paths["small"], args, options.repeats)
        large = best_wall(paths["large"], args, options.repeats)
        ratio = large / small
        verdict = record("summary_scale", label, ratio, target, f"{options.small:,} incidents")
        print(f"{label:<28}{small:>11.3f}s{large:>13.3f}s   {ratio:5.2f}x  <= {target}x {verdict}")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
