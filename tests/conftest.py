"""Shared fixtures: every test runs on a temporary database and a temporary data folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "belarus-2021-07.json"
FIXTURES = Path(__file__).with_name("fixtures")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No test can touch a user's database: the data folder and PRESSFREE_DB are temporary."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.setenv("PRESSFREE_DB", str(tmp_path / "test.db"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("CI", raising=False)
    yield


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "test.db"


class Cli:
    """Runs pressfree in-process with CliRunner and checks exit codes."""

    def __init__(self):
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int = 0, input: str | None = None):
        from pressfree.cli import app

        result = self.runner.invoke(app, [str(a) for a in args], input=input)
        if result.exit_code != code:
            raise AssertionError(
                f"pressfree {' '.join(map(str, args))} exited {result.exit_code}, "
                f"expected {code}\nstdout: {result.stdout}\nstderr: {result.stderr}\n"
                f"exception: {result.exception!r}")
        return result

    def json(self, *args: str):
        return json.loads(self(*args, "--format", "json").stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def sample(cli) -> Cli:
    """A database with the bundled Belarus July 2021 sample loaded."""
    cli("import", SAMPLE)
    return cli


@pytest.fixture
def store(db_path):
    from pressfree import db

    opened = db.open_store(str(db_path))
    yield opened
    opened.dispose()
