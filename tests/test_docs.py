"""The docs: the site builds in strict mode, the command reference is what the command line
says, every command has help and an example, every example in the README and the docs
names commands and options that exist, with values they take, and the README's tour runs."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from helpers import ROOT

DOCS = ROOT / "docs"
# Where examples are: the README, CONTRIBUTING and every page of the docs but the generated
# reference (its examples are the commands' own, checked below).
WRITTEN = [ROOT / "README.md", ROOT / "CONTRIBUTING.md"] + sorted(
    p for p in DOCS.glob("*.md") if p.name != "commands.md"
)


def _mkdocs(config: Path, site: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config, "-d", site],
        capture_output=True,
        text=True,
        env=env,
    )


def test_the_docs_site_builds_in_strict_mode_and_a_broken_link_fails_it(tmp_path):
    built = _mkdocs(ROOT / "mkdocs.yml", tmp_path / "site")
    assert built.returncode == 0, built.stderr
    pages = {p.parent.name for p in (tmp_path / "site").glob("*/index.html")}
    assert pages == {p.stem for p in DOCS.glob("*.md") if p.stem != "index"}
    # the same docs with one link to a page that is not there
    copy = tmp_path / "copy"
    shutil.copytree(DOCS, copy / "docs")
    shutil.copy(ROOT / "mkdocs.yml", copy / "mkdocs.yml")
    page = copy / "docs" / "history.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [undo](undoing.md).\n", "utf-8")
    broken = _mkdocs(copy / "mkdocs.yml", tmp_path / "broken")
    assert broken.returncode != 0
    assert "undoing.md" in broken.stderr


def test_every_page_of_the_docs_is_in_the_site_s_navigation():
    said = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert {p.name for p in DOCS.glob("*.md")} == set(re.findall(r": (\S+\.md)$", said, re.M))


def test_the_readme_s_links_reach_files_and_it_stays_short():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text)
    local = [link for link in links if "://" not in link]
    assert len(local) >= 15
    assert [link for link in local if not (ROOT / link).exists()] == []
    assert len(text.splitlines()) <= 200


def test_the_command_reference_is_current():
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "PY_COLORS")}
    done = subprocess.run(
        [sys.executable, ROOT / "tools" / "command_reference.py", "--check"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    reference = (DOCS / "commands.md").read_text(encoding="utf-8")
    assert "## `pressfree case charge add`" in reference
    assert "<bool>" not in reference


def _commands():
    from pressfree.cli import build

    def walk(command, path):
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])

    return list(walk(typer.main.get_command(build()), ["pressfree"]))


def test_every_command_has_help_and_an_example():
    found = _commands()
    assert len(found) > 90
    lacking = [" ".join(p) for p, c in found if not c.help or "Example: " not in c.help]
    assert lacking == []


def test_help_wraps_as_the_terminal_does(monkeypatch):
    """A description is one paragraph for the terminal to wrap: on a terminal wide enough,
    each command's first paragraph is on one line of the list of commands."""
    from pressfree.cli import build
    from pressfree.cli.help_text import reflowed

    monkeypatch.setenv("COLUMNS", "1000")
    monkeypatch.setenv("NO_COLOR", "1")
    from click.testing import CliRunner

    root = typer.main.get_command(build())
    shown = CliRunner().invoke(root, ["--help"], prog_name="pressfree").output
    for name, command in root.commands.items():
        first = reflowed(command.help or "").split("\n\n")[0]
        assert any(f"{name} " in line and first in line for line in shown.splitlines()), name
    copy = CliRunner().invoke(root, ["copy", "--help"], prog_name="pressfree").output
    assert "Needs pressfree[secure]." in copy
    assert "<bool>" not in copy and "--dry-run " in copy


def _command_lines(text: str) -> list[str]:
    lines = []
    for block in re.findall(r"```(?:sh|bash)\n(.*?)```", text, re.S):
        for line in re.sub(r"\\\n\s*", " ", block).splitlines():
            if line.strip().startswith("pressfree "):
                lines.append(line.strip())
    return lines


def _words(line: str) -> list[str]:
    line = re.sub(r"\s+#.*$", "", line)  # a comment after the command
    line = re.sub(r"\$\([^)]*\)", "X", line)  # a shell substitution
    for stop in (" > ", " | ", " && ", " < "):
        line = line.split(stop)[0]
    return shlex.split(line)[1:]


def _parse(root, args: list[str]) -> None:
    """Parse a command line as pressfree would, down to its command, without running it."""
    ctx = root.make_context("pressfree", list(args))
    command = root
    while hasattr(command, "commands"):
        rest = [*ctx._protected_args, *ctx.args]
        if not rest:
            return
        name, command, rest = command.resolve_command(ctx, rest)
        ctx = command.make_context(name, rest, parent=ctx)


def _refusal(root, args: list[str]) -> str | None:
    """Why pressfree would refuse the command line, or None."""
    try:
        _parse(root, args)
    except typer.Exit as done:
        return f"exit {done.exit_code}" if done.exit_code else None
    except Exception as error:  # noqa: BLE001 - each is a refusal to report
        return f"{type(error).__name__}: {error}"
    return None


@pytest.mark.parametrize("page", WRITTEN, ids=lambda p: p.name)
def test_every_example_names_commands_and_options_that_exist(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = typer.main.get_command(__import__("pressfree.cli", fromlist=["build"]).build())
    lines = _command_lines(page.read_text(encoding="utf-8"))
    refused = []
    for line in lines:
        args = _words(line)
        for word in args:  # the files an example reads, there (empty: only parsed)
            if not word.startswith("-") and re.search(r"\.[a-z]{2,5}$", word) and ":" not in word:
                (tmp_path / word).parent.mkdir(parents=True, exist_ok=True)
                (tmp_path / word).touch()
        if (refusal := _refusal(root, args)) is not None:
            refused.append(f"{line}: {refusal}")
    assert refused == []
    if page.name not in (
        "CONTRIBUTING.md",
        "architecture.md",
        "json.md",
        "benchmarks.md",
        "index.md",
    ):
        assert lines, f"{page.name} shows no command"


def test_the_examples_check_refuses_what_pressfree_refuses():
    root = typer.main.get_command(__import__("pressfree.cli", fromlist=["build"]).build())
    for line in (
        "pressfree list --no-such-option",
        "pressfree frobnicate",
        "pressfree tally add",
        "pressfree list --format xml",
        "pressfree case charge add 1c9e --charge x --date 2021 --nope",
    ):
        assert _refusal(root, _words(line)) is not None, line
    assert _refusal(root, _words("pressfree list --month 2021-07 --format csv")) is None


def test_the_readme_s_tour_runs_as_written(cli, tmp_path, monkeypatch):
    """Every command of the README's tour, in order, on a new database: the files it names
    made beside it (an excerpt of a PFT export, a small sheet), the id it shows (3f2a9c1e)
    the one `add` printed."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").symlink_to(ROOT / "data")
    shutil.copy(ROOT / "tests" / "fixtures" / "pft_excerpt.csv", tmp_path / "pft_incidents.csv")
    (tmp_path / "sheet.csv").write_text("When,What,Where\n2021-07-30,raid,Minsk\n", "utf-8")
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = text.split("## A short tour")[1]
    lines = _command_lines(tour.split("```sh\n", 1)[1].split("```")[0].join(["```sh\n", "```"]))
    assert len(lines) >= 14
    added = None
    for line in lines:
        words = _words(line)
        if added:
            words = [added if word == "3f2a9c1e" else word for word in words]
        result = cli(*words)
        if words[0] == "add":
            added = result.stdout.strip()[:8]
        if " > " in line:  # the command's output, to the file the line names
            (tmp_path / line.split(" > ")[1].split()[0]).write_text(result.stdout, "utf-8")
    assert added and (tmp_path / "july-be.html").exists() and (tmp_path / "sheet.toml").exists()
    assert "Ператрус" in (tmp_path / "july-be.html").read_text("utf-8")
