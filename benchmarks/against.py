"""This tree against an earlier revision of pressfree, side by side in one run: `add` commands
and a bulk import of the same CSV, each timed with both, alternating (so that the machine's
load falls on both alike); the best of the rounds is kept (CPU-bound work is only ever slowed
by the machine, never sped up). For a change on the write path: what it costs the commands that
write.

Run: .venv/bin/python benchmarks/against.py REV [--adds 200] [--rows 100000] [--rounds 3]

REV is any git revision (a commit, a tag); it is checked out in a temporary worktree and run
from its src/ with this environment's packages. Not part of run.py: it needs git and history.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from history_cost import MAPPING, write_csv  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

ADDS = """
import sys
from click.testing import CliRunner
from typer.main import get_command
from pressfree.cli import app
command, runner = get_command(app), CliRunner()
for n in range(int(sys.argv[1])):
    result = runner.invoke(command, ["add", "detention", "--date", "2021-07-%02d" % (n % 28 + 1),
        "-j", "Person %d" % (n % 50), "--source", "https://example.org/%d" % n, "--force"])
    assert result.exit_code == 0, result.output
"""


def timed(src: Path, args: list[str], db: Path, script: str | None = None) -> float:
    env = {**os.environ, "PYTHONPATH": str(src), "PRESSFREE_DB": str(db)}
    start = time.perf_counter()
    if script is not None:
        command = [sys.executable, "-c", script, *args]
    else:
        command = [sys.executable, "-m", "pressfree", *args]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed with {src}:\n{result.stderr[-2000:]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev")
    parser.add_argument("--adds", type=int, default=200)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        old = work / "old"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), options.rev],
            check=True,
            capture_output=True,
        )
        try:
            sheet, mapping = work / "rows.csv", work / "bench.toml"
            write_csv(sheet, options.rows)
            mapping.write_text(MAPPING, encoding="utf-8")
            times: dict[tuple[str, str], list[float]] = {}
            for round_ in range(options.rounds):
                for label, src in (("this tree", ROOT / "src"), (options.rev, old / "src")):
                    db = work / f"{round_}-{label.replace(' ', '-')}.db"
                    times.setdefault((label, "adds"), []).append(
                        timed(src, [str(options.adds)], db, ADDS)
                    )
                    db = work / f"{round_}-{label.replace(' ', '-')}-import.db"
                    times.setdefault((label, "import"), []).append(
                        timed(src, ["import", str(sheet), "--mapping", str(mapping), "-q"], db)
                    )
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)],
                check=True,
                capture_output=True,
            )
    print(f"{'what':<32} {'this tree':>10} {options.rev[:10]:>10} {'ratio':>7}")
    for what, label in (
        ("adds", f"{options.adds} add commands"),
        ("import", f"import of {options.rows:,} rows"),
    ):
        mine = min(times[("this tree", what)])
        theirs = min(times[(options.rev, what)])
        print(f"{label:<32} {mine:>9.2f}s {theirs:>9.2f}s {mine / theirs:>6.2f}x")


if __name__ == "__main__":
    main()
