"""`pressfree import` against the sqlite3 shell's `.import` and `sqlite-utils insert --csv`,
on the same synthetic CSV, in one run.

Targets (issues 14 and 32): within 12x of sqlite3's wall time and within 1.5x of
sqlite-utils storing the same rows as text (`insert --csv --no-detect-types`) and indexing
them for full-text search (`enable-fts --fts5 --create-triggers`), peak memory under
300 MB; a further tenth of the rows imported into the database the big import made within
25x of `.import` of those rows; and
NDJSON and JSON at the same speed per row as CSV (within 1.1x, the same rows, a tenth of the
size). sqlite3 and sqlite-utils only copy text into a bare table; pressfree parses dates,
maps kinds, checks countries and every text, links journalists, outlets and sources, keeps
unmapped columns, and writes the search index and the hashes later exports are matched by.

It also measures the floor: SQLite alone storing the rows pressfree stored (INSERT ...
SELECT from pressfree's database into a new one made by `pressfree init`, with pressfree's
pragmas, in one transaction), with the incident table's indexes kept and set aside as
pressfree sets them aside, and for the further tenth into a copy of the big database.

Run: .venv/bin/python benchmarks/import_scale.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from results import record  # noqa: E402
from synthetic import real_day, real_summary  # noqa: E402

PRESSFREE = shutil.which("pressfree", path=str(Path(sys.executable).parent))
SQLITE_UTILS = shutil.which("sqlite-utils", path=str(Path(sys.executable).parent))
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


def write_csv(path: Path, rows: int, seed: int = 11, first: int = 0) -> None:
    """Rows shaped as real data is: Cyrillic summaries, each different; dense years."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "case_id",
                "date",
                "categories",
                "country",
                "city",
                "journalist",
                "outlet",
                "summary",
                "url",
                "publisher",
                "notes",
            ]
        )
        for i in range(first, first + rows):
            out.writerow(
                [
                    f"case-{i}",
                    real_day(rng).isoformat(),
                    ", ".join(rng.sample(KINDS, rng.choice((1, 1, 2)))),
                    rng.choice(("BY", "RU", "UA", "TR", "US")),
                    f"City {rng.randrange(200)}",
                    f"Journalist {rng.randrange(20000)}" if rng.random() < 0.5 else "",
                    f"Outlet {rng.randrange(2000)}" if rng.random() < 0.4 else "",
                    real_summary(i, rng),
                    f"https://example.org/incidents/{i}",
                    rng.choice(("BAJ", "Viasna", "CPJ")),
                    "kept as an extra field",
                ]
            )


def timed(command: list[str], **kwargs) -> tuple[float, int]:
    """Wall seconds and the peak resident memory (MB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kwargs)
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest so far: measure each tool in its own process group
    return wall, max(peak, before) // 1024


def measure(kind: str, data: Path, folder: Path, db: str = "pressfree.db") -> tuple[float, int]:
    """Run one side in a fresh Python so ru_maxrss belongs to that side alone."""
    result = subprocess.run(
        [sys.executable, __file__, "--one", kind, str(data), str(folder), db],
        check=True,
        capture_output=True,
        text=True,
    )
    wall, peak = result.stdout.split()
    return float(wall), int(peak)


def one(kind: str, data: Path, folder: Path, name: str) -> None:
    if kind == "python-csv":  # the floor: Python reading the rows, doing nothing with them
        wall, peak = timed(
            [
                sys.executable,
                "-c",
                "import csv, sys\nfor _ in csv.reader(open(sys.argv[1], newline='')): pass",
                str(data),
            ]
        )
    elif kind == "sqlite3":
        db = folder / name
        db.unlink(missing_ok=True)
        wall, peak = timed(
            ["sqlite3", str(db)], input=f".mode csv\n.import {data} bare\n", text=True
        )
    elif kind.startswith("sqlite-utils"):  # in its fair mode: text as text, no detection
        db = folder / name
        db.unlink(missing_ok=True)
        wall, peak = timed(
            [SQLITE_UTILS, "insert", str(db), "bare", str(data), "--csv", "--no-detect-types"]
        )
        if kind == "sqlite-utils-fts":  # ... and the full-text index pressfree also writes
            fts_wall, fts_peak = timed(
                [SQLITE_UTILS, "enable-fts", str(db), "bare", "summary", "city", "journalist",
                 "outlet", "--fts5", "--create-triggers"]
            )  # fmt: skip
            wall, peak = wall + fts_wall, max(peak, fts_peak)
    else:
        db = folder / name
        if kind == "pressfree":  # a new database; "pressfree-more" adds to the one there
            for stale in folder.glob(f"{name}*"):
                stale.unlink()
            subprocess.run(
                [PRESSFREE, "--db", str(db), "init"], check=True, stderr=subprocess.DEVNULL
            )
        mapping = folder / "bench.toml"
        mapping.write_text(MAPPING, encoding="utf-8")
        wall, peak = timed(
            [PRESSFREE, "--db", str(db), "import", str(data), "--mapping", str(mapping), "--quiet"]
        )
    print(f"{wall:.3f} {peak}")


# Every table an import writes, parents first; the key its new rows are told apart by.
WRITTEN = [
    ("revision", "id"),
    ("kind", "id"),  # a mapping may make kinds (unknown_kinds = "create")
    ("person", "id"),
    ("outlet", "id"),
    ("source", "id"),
    ("incident", "id"),
    ("incident_kind", "incident_id"),
    ("incident_tag", "incident_id"),
    ("incident_journalist", "incident_id"),
    ("incident_outlet", "incident_id"),
    ("incident_source", "incident_id"),
    ("incident_search", "incident_id"),
]


def floor(source: Path, target: Path, set_aside: bool) -> float:
    """Seconds SQLite alone takes to store the rows of SOURCE that TARGET lacks (all of them
    when TARGET is new), as pressfree's writers open a database. TARGET then holds every
    incident SOURCE holds (checked: a floor that stored less would flatter pressfree)."""
    from pressfree.store import encryption

    # keyed as pressfree opens them when they are encrypted (run.py --encrypted)
    passphrase = os.environ.get("PRESSFREE_PASSPHRASE")
    keys = {
        file: encryption.key_of(file, passphrase)
        if passphrase and encryption.encrypted(file)
        else None
        for file in (source, target)
    }
    connection = encryption.connect(str(target), keys[target])
    connection.isolation_level = None
    try:
        for pragma in (
            "foreign_keys = ON",
            "cache_size = -65536",
            "journal_mode = WAL",
            "synchronous = NORMAL",
        ):
            connection.execute(f"PRAGMA {pragma}")
        if keys[source] is not None:
            secret = f"x'{keys[source].raw.hex()}{keys[source].salt.hex()}'"
            connection.execute("ATTACH ? AS src KEY ?", (f"file:{source}?mode=ro", secret))
        else:
            connection.execute("ATTACH ? AS src", (f"file:{source}?mode=ro",))
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        indexes = (
            connection.execute(
                "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND "
                "tbl_name = 'incident' AND sql IS NOT NULL"
            ).fetchall()
            if set_aside
            else []
        )
        for name, _ in indexes:
            connection.execute(f"DROP INDEX main.{name}")
        for table, key in WRITTEN:
            top = connection.execute(f"SELECT max({key}) FROM main.{table}").fetchone()[0]
            columns = ", ".join(
                row[1] for row in connection.execute(f"PRAGMA main.table_info({table})")
            )
            connection.execute(
                f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM "
                f"src.{table} WHERE {key} > ?",
                (top or 0,),
            )
        connection.execute("PRAGMA cache_size = -16384")  # as sqlite_backend.SORT_CACHE_KIB
        for _, sql in indexes:
            connection.execute(sql)
        connection.execute("COMMIT")
        wall = time.perf_counter() - started
        counts = connection.execute(
            "SELECT (SELECT count(*) FROM main.incident), (SELECT count(*) FROM src.incident)"
        ).fetchone()
        assert counts[0] == counts[1], counts
        return wall
    finally:
        connection.close()


def fresh(folder: Path, name: str) -> Path:
    path = folder / name
    for stale in folder.glob(f"{name}*"):
        stale.unlink()
    subprocess.run([PRESSFREE, "--db", str(path), "init"], check=True, capture_output=True)
    return path


def as_json(csv_path: Path, folder: Path) -> tuple[Path, Path]:
    """The same rows as NDJSON and as a JSON array."""
    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ndjson, array = folder / (csv_path.stem + ".ndjson"), folder / (csv_path.stem + ".json")
    ndjson.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    array.write_text(json.dumps(rows), encoding="utf-8")
    return ndjson, array


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one:
        one(options.one[0], Path(options.one[1]), Path(options.one[2]), options.one[3])
        return
    folder = Path(tempfile.mkdtemp(prefix="pressfree-import-bench-"))
    rows, more = options.rows, max(options.rows // 10, 1)
    csv_path, more_path = folder / "incidents.csv", folder / "more.csv"
    started = time.perf_counter()
    write_csv(csv_path, rows)
    write_csv(more_path, more, seed=12, first=rows)
    size = csv_path.stat().st_size / 1e6
    print(
        f"wrote {rows:,} rows ({size:.0f} MB) and {more:,} more in "
        f"{time.perf_counter() - started:.1f} s"
    )
    sides = {
        "sqlite3 .import": measure("sqlite3", csv_path, folder, "bare.db"),
        "python csv (read only)": measure("python-csv", csv_path, folder),
    }
    if SQLITE_UTILS:
        sides["sqlite-utils insert"] = measure("sqlite-utils", csv_path, folder, "utils.db")
        sides["sqlite-utils + fts5"] = measure("sqlite-utils-fts", csv_path, folder, "utils.db")
    sides["pressfree import"] = measure("pressfree", csv_path, folder)
    big = folder / "pressfree.db"
    floors = {
        "kept": floor(big, fresh(folder, "floor.db"), False),
        "set aside": floor(big, fresh(folder, "floor.db"), True),
    }
    shutil.copy(big, folder / "before-more.db")  # the big import, its WAL checkpointed
    more_sqlite = measure("sqlite3", more_path, folder, "bare-more.db")
    more_pressfree = measure("pressfree-more", more_path, folder)
    floors["into"] = floor(big, folder / "before-more.db", False)
    print(f"\n{'':<26}{'wall':>10}{'peak memory':>14}")
    for name, (wall, peak) in sides.items():
        print(f"{name:<26}{wall:>9.2f}s{peak:>11} MB")
    wall, peak = sides["pressfree import"]
    sqlite_wall = sides["sqlite3 .import"][0]
    print(
        f"\nper row: pressfree {wall / rows * 1e6:.0f} us, sqlite3 "
        f"{sqlite_wall / rows * 1e6:.1f} us"
    )
    checks = [
        (f"import of {rows:,} rows", wall / sqlite_wall, 12.0, "sqlite3 .import"),
        (f"peak memory, {rows:,} rows (MB / 300)", peak / 300, 1.0, "300 MB"),
        (
            f"{more:,} rows into the {rows:,}",
            more_pressfree[0] / more_sqlite[0],
            25.0,
            "sqlite3 .import",
        ),
    ]
    if SQLITE_UTILS:  # the same index work, into a bare text table (issue 32)
        checks.append(
            (
                f"import of {rows:,} rows",
                wall / sides["sqlite-utils + fts5"][0],
                1.5,
                "sqlite-utils + fts5",
            )
        )
    print(
        f"{more:,} more rows into it: pressfree {more_pressfree[0]:.2f}s, sqlite3 "
        f"{more_sqlite[0]:.2f}s"
    )
    print(
        f"the floor, SQLite alone storing what pressfree stored: {rows:,} rows "
        f"{floors['kept']:.2f}s ({floors['kept'] / sqlite_wall:.1f}x .import) with the "
        f"incident indexes kept, {floors['set aside']:.2f}s "
        f"({floors['set aside'] / sqlite_wall:.1f}x) with them set aside; {more:,} more "
        f"{floors['into']:.2f}s ({floors['into'] / more_sqlite[0]:.1f}x)"
    )
    ndjson, array = as_json(more_path, folder)
    per_format = {
        "csv": measure("pressfree", more_path, folder, "formats.db")[0],
        "ndjson": measure("pressfree", ndjson, folder, "formats.db")[0],
        "json": measure("pressfree", array, folder, "formats.db")[0],
    }
    print(
        "the same {:,} rows into new databases: {}".format(
            more, ", ".join(f"{name} {wall:.2f}s" for name, wall in per_format.items())
        )
    )
    for name in ("ndjson", "json"):
        checks.append(
            (
                f"{name} import of {more:,} rows",
                per_format[name] / per_format["csv"],
                1.1,
                "the same rows as CSV",
            )
        )
    for measure_name, ratio, target, against in checks:
        verdict = record("import_scale", measure_name, ratio, target, against)
        print(f"{measure_name:<44}{ratio:6.2f}x of {against:<22}(target <= {target}x: {verdict})")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
