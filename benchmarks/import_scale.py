"""`pressfree import` against the sqlite3 shell's `.import`, on the same synthetic CSV.

Targets (issue 5): within 4x of sqlite3's wall time, peak memory under 300 MB.
sqlite3 only copies text into a bare table; pressfree parses dates, maps kinds, checks
countries, links journalists, outlets and sources, and keeps unmapped columns.

Run: .venv/bin/python benchmarks/import_scale.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from results import record  # noqa: E402

PRESSFREE = shutil.which("pressfree", path=str(Path(sys.executable).parent))
KINDS = ["Arrest", "Raid", "Physical Attack", "Detention", "Threat", "Blocking"]
MAPPING = """
name = "bench"
date_formats = ["%Y-%m-%d"]
[columns]
external_id = "case_id"
date = "date"
kinds = "categories"
country = "country"
city = "city"
journalists = "journalist"
outlets = "outlet"
summary = "summary"
source_url = "url"
publisher = "publisher"
[split]
kinds = ","
[kinds]
"Arrest" = "arrest"
"Raid" = "raid"
"Physical Attack" = "assault"
"Detention" = "detention"
"Threat" = "threat"
"Blocking" = "blocking"
"""


def write_csv(path: Path, rows: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    start = date(2000, 1, 1)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["case_id", "date", "categories", "country", "city", "journalist",
                      "outlet", "summary", "url", "publisher", "notes"])
        for i in range(rows):
            out.writerow([
                f"case-{i}", (start + timedelta(days=rng.randrange(9000))).isoformat(),
                ", ".join(rng.sample(KINDS, rng.choice((1, 1, 2)))),
                rng.choice(("BY", "RU", "UA", "TR", "US")), f"City {rng.randrange(200)}",
                f"Journalist {rng.randrange(20000)}" if rng.random() < 0.5 else "",
                f"Outlet {rng.randrange(2000)}" if rng.random() < 0.4 else "",
                f"Synthetic incident number {i}, with a short summary",
                f"https://example.org/incidents/{i}", rng.choice(("BAJ", "Viasna", "CPJ")),
                "kept as an extra field"])


def timed(command: list[str], **kwargs) -> tuple[float, int]:
    """Wall seconds and the peak resident memory (MB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kwargs)
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest so far: measure each tool in its own process group
    return wall, max(peak, before) // 1024


def measure(kind: str, csv_path: Path, folder: Path) -> tuple[float, int]:
    """Run one side in a fresh Python so ru_maxrss belongs to that side alone."""
    result = subprocess.run([sys.executable, __file__, "--one", kind, str(csv_path),
                             str(folder)], check=True, capture_output=True, text=True)
    wall, peak = result.stdout.split()
    return float(wall), int(peak)


def one(kind: str, csv_path: Path, folder: Path) -> None:
    if kind == "python-csv":  # the floor: Python reading the rows, doing nothing with them
        wall, peak = timed([sys.executable, "-c", "import csv, sys\n"
                            "for _ in csv.reader(open(sys.argv[1], newline='')): pass",
                            str(csv_path)])
    elif kind == "sqlite3":
        db = folder / "bare.db"
        db.unlink(missing_ok=True)
        wall, peak = timed(["sqlite3", str(db)], input=f".mode csv\n.import {csv_path} bare\n",
                           text=True)
    else:
        db = folder / "pressfree.db"
        for stale in folder.glob("pressfree.db*"):
            stale.unlink()
        subprocess.run([PRESSFREE, "--db", str(db), "init"], check=True,
                       stderr=subprocess.DEVNULL)
        mapping = folder / "bench.toml"
        mapping.write_text(MAPPING, encoding="utf-8")
        wall, peak = timed([PRESSFREE, "--db", str(db), "import", str(csv_path), "--mapping",
                            str(mapping), "--quiet"])
    print(f"{wall:.3f} {peak}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one:
        one(options.one[0], Path(options.one[1]), Path(options.one[2]))
        return
    folder = Path(tempfile.mkdtemp(prefix="pressfree-import-bench-"))
    csv_path = folder / "incidents.csv"
    started = time.perf_counter()
    write_csv(csv_path, options.rows)
    size = csv_path.stat().st_size / 1e6
    print(f"wrote {options.rows:,} rows ({size:.0f} MB) in {time.perf_counter() - started:.1f} s")
    sqlite_wall, sqlite_peak = measure("sqlite3", csv_path, folder)
    floor_wall, floor_peak = measure("python-csv", csv_path, folder)
    pressfree_wall, pressfree_peak = measure("pressfree", csv_path, folder)
    print(f"\n{'':<22}{'wall':>10}{'peak memory':>14}")
    print(f"{'sqlite3 .import':<22}{sqlite_wall:>9.2f}s{sqlite_peak:>11} MB")
    print(f"{'python csv (read only)':<22}{floor_wall:>9.2f}s{floor_peak:>11} MB")
    print(f"{'pressfree import':<22}{pressfree_wall:>9.2f}s{pressfree_peak:>11} MB")
    ratio = pressfree_wall / sqlite_wall
    print(f"\nper row: pressfree {pressfree_wall / options.rows * 1e6:.0f} us, sqlite3 "
          f"{sqlite_wall / options.rows * 1e6:.1f} us")
    verdict = record("import_scale", f"import of {options.rows:,} rows", ratio, 4.0,
                     "sqlite3 .import")
    memory = record("import_scale", f"peak memory, {options.rows:,} rows (MB / 300)",
                    pressfree_peak / 300, 1.0, "300 MB")
    print(f"ratio {ratio:.2f}x (target <= 4x: {verdict}); peak {pressfree_peak} MB (target "
          f"< 300 MB: {memory})")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
