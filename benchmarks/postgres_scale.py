"""PostgreSQL against SQLite, side by side in one run: `summary` on a large database, the
import of one CSV file, and the copy of what it imported into a server.

Targets (issue 13): `summary --month` and `--year` on 1,000,000 incidents on PostgreSQL
within 2x of the same on SQLite; an import of 100,000 rows on PostgreSQL within 1.5x of the
same file into SQLite; a copy of those incidents into PostgreSQL within 2x of importing their
file there (issue 26: a copy went one statement per row). Each figure is the wall time of the
installed command (best of several runs for summaries), so it includes Python start-up and the
connection to the server.

The server is PRESSFREE_TEST_POSTGRES (or --server); the script makes its own databases on it
and drops them. Without a server it says so and measures nothing.

Run: .venv/bin/python benchmarks/postgres_scale.py [--incidents 1000000] [--rows 100000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from import_scale import MAPPING, write_csv  # noqa: E402
from results import record  # noqa: E402
from synthetic import build  # noqa: E402

PRESSFREE = shutil.which("pressfree", path=str(Path(sys.executable).parent))


class Server:
    """New databases on one PostgreSQL server, dropped at the end."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT")
        self.made: list[str] = []

    def new(self) -> str:
        name = f"pressfree_bench_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def analyze(self, location: str) -> None:
        """What autovacuum does on a server after a bulk load, done now, so that the
        planner knows the tables' sizes (SQLite's planner needs no statistics here)."""
        from sqlalchemy import create_engine

        engine = create_engine(location, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        engine.dispose()

    def close(self) -> None:
        with self.admin.connect() as connection:
            for name in self.made:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


def wall(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([PRESSFREE, *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def best(location: str, args: list[str], repeats: int) -> float:
    return min(wall(["--db", location, *args]) for _ in range(repeats))


def summaries(server: Server, folder: Path, incidents: int, repeats: int) -> None:
    sqlite, postgres = str(folder / "large.db"), server.new()
    for name, location in (("SQLite", sqlite), ("PostgreSQL", postgres)):
        started = time.perf_counter()
        build(location, incidents)
        print(f"built {incidents:,} incidents on {name} in {time.perf_counter() - started:.1f} s")
    server.analyze(postgres)
    print(f"\n{'command':<26}{'SQLite':>10}{'PostgreSQL':>12}   ratio  target")
    for label, args in (
        ("summary --month 2021-07", ["--month", "2021-07"]),
        ("summary --year 2021", ["--year", "2021"]),
    ):
        command = ["summary", *args, "--format", "json"]
        on_sqlite, on_postgres = best(sqlite, command, repeats), best(postgres, command, repeats)
        ratio = on_postgres / on_sqlite
        verdict = record(
            "postgres_scale", f"{label}, {incidents:,} incidents", ratio, 2.0, "the same on SQLite"
        )
        print(
            f"{label:<26}{on_sqlite:>9.3f}s{on_postgres:>11.3f}s   {ratio:5.2f}x  <= 2x {verdict}"
        )


def bare_copy(psql: str, location: str, csv_path: Path) -> float:
    """Seconds psql takes to \\copy the CSV's text into a bare table of text columns."""
    from sqlalchemy.engine import make_url

    url = make_url(location).set(drivername="postgresql").render_as_string(hide_password=False)
    with open(csv_path, encoding="utf-8") as handle:
        columns = handle.readline().strip().split(",")
    table = ", ".join(f'"{c}" text' for c in columns)
    subprocess.run([psql, url, "-qc", f"CREATE TABLE bare ({table})"], check=True)
    started = time.perf_counter()
    subprocess.run(
        [psql, url, "-qc", f"\\copy bare FROM '{csv_path}' CSV HEADER"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def imports(server: Server, folder: Path, rows: int) -> None:
    csv_path, mapping = folder / "incidents.csv", folder / "bench.toml"
    write_csv(csv_path, rows)
    mapping.write_text(MAPPING, encoding="utf-8")
    times = {}
    for name, location in (("SQLite", str(folder / "import.db")), ("PostgreSQL", server.new())):
        subprocess.run([PRESSFREE, "--db", location, "init"], check=True, stderr=subprocess.DEVNULL)
        times[name] = wall(
            ["--db", location, "import", str(csv_path), "--mapping", str(mapping), "--quiet"]
        )
    ratio = times["PostgreSQL"] / times["SQLite"]
    verdict = record(
        "postgres_scale", f"import of {rows:,} rows", ratio, 1.5, "the same file into SQLite"
    )
    print(
        f"{'import ' + format(rows, ',') + ' rows':<26}{times['SQLite']:>9.2f}s"
        f"{times['PostgreSQL']:>11.2f}s   {ratio:5.2f}x  <= 1.5x {verdict}"
    )
    psql = shutil.which("psql")
    if psql:  # the server's own loader: the file's text into a bare table (issue 32)
        label = "psql \\copy | import"
        copied_bare = bare_copy(psql, server.new(), csv_path)
        ratio = times["PostgreSQL"] / copied_bare
        verdict = record(
            "postgres_scale",
            f"import of {rows:,} rows into PostgreSQL",
            ratio,
            40.0,
            "psql \\copy of the file",
        )
        print(
            f"{label:<26}{copied_bare:>9.2f}s{times['PostgreSQL']:>11.2f}s"
            f"   {ratio:5.2f}x  <= 40x {verdict}"
        )
    # The SQLite file just imported, copied whole (history and all) into a new database on
    # the server: a copy takes the import's bulk path (COPY), so it stays near the import
    # of the same rows on the server (it also carries the history and the checks of a
    # pressfree document).
    copied = wall(["--db", str(folder / "import.db"), "copy", "--to", server.new()])
    ratio = copied / times["PostgreSQL"]
    verdict = record(
        "postgres_scale",
        f"copy of {rows:,} incidents to PostgreSQL",
        ratio,
        2.0,
        "importing their file into PostgreSQL",
    )
    print(
        f"{'copy ' + format(rows, ',') + ' to PostgreSQL':<26}{times['PostgreSQL']:>9.2f}s"
        f"{copied:>11.2f}s   {ratio:5.2f}x  <= 2x {verdict}   (import | copy)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--server", default=os.environ.get("PRESSFREE_TEST_POSTGRES"))
    options = parser.parse_args()
    if not options.server:
        print(
            "postgres_scale: no PostgreSQL server (set PRESSFREE_TEST_POSTGRES or give "
            "--server URL): nothing measured"
        )
        return
    server = Server(options.server)
    folder = Path(tempfile.mkdtemp(prefix="pressfree-pg-bench-"))
    try:
        summaries(server, folder, options.incidents, options.repeats)
        imports(server, folder, options.rows)
    finally:
        server.close()
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
