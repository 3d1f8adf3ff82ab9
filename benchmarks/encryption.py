"""An encrypted database against a plain one, side by side in one run: everyday commands on
the same incidents, and the import of one CSV file into a new file of each.

Targets (issue 28): commands on an encrypted file within 1.15x of the same on a plain one;
an import within 1.3x. Each figure is the wall time of the installed command, the best of
several runs taken in turn (plain, encrypted, plain, ...), so that a busy moment of the
machine falls on both alike; start-up and the key's derivation from the passphrase (once
per command) included.

Run: .venv/bin/python benchmarks/encryption.py [--incidents 100000] [--rows 20000]
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
from import_scale import MAPPING, write_csv  # noqa: E402
from results import ENV, record  # noqa: E402
from synthetic import build  # noqa: E402

from pressfree.store.encryption import encrypted as is_encrypted  # noqa: E402

PRESSFREE = shutil.which("pressfree", path=str(Path(sys.executable).parent))
PASSPHRASE = "a passphrase for the benchmark"


def run(db: Path, *args: str, encrypted: bool) -> float:
    """One command's wall time; the encrypted side's with its passphrase, the plain side's
    with none (given one, a new file would be encrypted too)."""
    env = {k: v for k, v in ENV.items() if not k.startswith("PRESSFREE_PASSPHRASE")}
    if encrypted:
        env["PRESSFREE_PASSPHRASE"] = PASSPHRASE
    started = time.perf_counter()
    subprocess.run(
        [PRESSFREE, "--db", str(db), *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    return time.perf_counter() - started


def best_in_turn(sides: dict[str, Path], args: list[str], repeats: int) -> dict[str, float]:
    best = {name: float("inf") for name in sides}
    for round_ in range(repeats + 1 if repeats else 1):
        for name, db in sides.items():
            wall = run(db, *args, encrypted=name == "encrypted")
            if round_ > 0 or not repeats:  # the first round warms the file cache
                best[name] = min(best[name], wall)
    return best


COMMANDS = {
    "summary --month": ["summary", "--month", "2021-07"],
    "summary --year": ["summary", "--year", "2021"],
    "list --month": ["list", "--month", "2021-07", "--format", "csv"],
    "search": ["search", "incident 4242"],
    "add": ["add", "raid", "--date", "2021-07-30", "--country", "BY", "--force"],
    "info": ["info"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pressfree-encryption-bench-"))
    try:
        plain, encrypted = folder / "plain.db", folder / "encrypted.db"
        os.environ.pop("PRESSFREE_PASSPHRASE", None)  # the plain side is built plain
        build(str(plain), options.incidents)
        shutil.copyfile(plain, encrypted)
        run(encrypted, "encrypt", encrypted=True)
        assert not is_encrypted(plain) and is_encrypted(encrypted)
        sides = {"plain": plain, "encrypted": encrypted}
        print(f"{options.incidents:,} incidents; best of {options.repeats}, in turn")
        for measure, args in COMMANDS.items():
            best = best_in_turn(sides, args, options.repeats)
            ratio = best["encrypted"] / best["plain"]
            verdict = record("encryption", measure, ratio, 1.15, "a plain file")
            print(
                f"  {measure:<16} plain {best['plain']:.3f} s  encrypted "
                f"{best['encrypted']:.3f} s  {ratio:.2f}x (target 1.15x) {verdict}"
            )
        data = folder / "rows.csv"
        write_csv(data, options.rows)
        mapping = folder / "mapping.toml"
        mapping.write_text(MAPPING)
        walls: dict[str, list[float]] = {"plain": [], "encrypted": []}
        for round_ in range(3):
            for name in walls:
                target = folder / f"import-{name}-{round_}.db"
                side = name == "encrypted"
                walls[name].append(
                    run(target, "import", str(data), "--mapping", str(mapping), encrypted=side)
                )
                assert is_encrypted(target) == side  # each side what it says
        best = {name: min(times) for name, times in walls.items()}
        ratio = best["encrypted"] / best["plain"]
        verdict = record("encryption", f"import {options.rows:,} rows", ratio, 1.3, "a plain file")
        print(
            f"  import {options.rows:,} rows: plain {best['plain']:.2f} s  encrypted "
            f"{best['encrypted']:.2f} s  {ratio:.2f}x (target 1.3x) {verdict}"
        )
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
