"""Write docs/commands.md: every command's `--help`, as the installed command prints it.

python tools/command_reference.py          # write it
python tools/command_reference.py --check  # exit 1 if it is out of date (CI's test does)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "commands.md"
WIDTH = 80

HEAD = """# Command reference

Every command and its options, as `pressfree COMMAND --help` prints them at {width} columns.
This page is generated from the command line itself (`python tools/command_reference.py`),
and a test fails when it is out of date, so it says what the installed command does.
Guides to each task: [the index](index.md).
"""


def commands() -> list[tuple[list[str], object]]:
    """(The words of each command line, its command), the root first, then by name."""
    import typer

    from pressfree.cli import build

    def walk(command, path):
        yield path, command
        for name in sorted(getattr(command, "commands", {})):
            yield from walk(command.commands[name], [*path, name])

    return list(walk(typer.main.get_command(build()), []))


def help_of(root, words: list[str]) -> str:
    """What `pressfree WORDS --help` prints, without the blank lines around it."""
    from click.testing import CliRunner

    env = {"COLUMNS": str(WIDTH), "TERMINAL_WIDTH": str(WIDTH)}
    result = CliRunner().invoke(root, [*words, "--help"], env=env, prog_name="pressfree")
    if result.exit_code != 0:
        raise SystemExit(f"pressfree {' '.join(words)} --help exited {result.exit_code}")
    return "\n".join(line.rstrip() for line in result.output.splitlines()).strip("\n")


def reference() -> str:
    found = commands()
    parts = [HEAD.format(width=WIDTH)]
    for words, _ in found:
        title = " ".join(["pressfree", *words])
        parts.append(f"## `{title}`\n\n```text\n{help_of(found[0][1], words)}\n```\n")
    return "\n".join(parts)


def main() -> int:
    os.environ["COLUMNS"] = os.environ["TERMINAL_WIDTH"] = str(WIDTH)
    text = reference()
    if "--check" in sys.argv[1:]:
        if TARGET.read_text(encoding="utf-8") != text:
            print(
                f"{TARGET.relative_to(ROOT)} is out of date: run python tools/command_reference.py"
            )
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(commands())} commands)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
