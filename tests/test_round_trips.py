"""Export, import into a new database, export again: the same, in every export format, on
both backends, for a database holding every kind of record."""

import json

import pytest

from helpers import SAMPLE, Cli, discard


def _fill(cli):
    cli("import", SAMPLE)
    first = cli(
        "add", "detention", "--date", "2021-08-01", "-j", "Ales Test", "--source", "https://e.org/1"
    ).stdout.strip()
    cli(
        "add",
        "detention",
        "--date",
        "2021-08-01",
        "-j",
        "Ales Test",
        "--source",
        "https://e.org/2",
        "--force",
    )
    cli(
        "note",
        first,
        "Released on bail",
        "--date",
        "2021-08-05",
        "--source",
        "https://e.org/bail",
        "--publisher",
        "BAJ",
    )
    cli("release", "Ales Test", "--date", "2021-08-05")
    cli("add", "arrest", "--date", "2021-09-01", "-j", "Ales Test", "--source", "https://e.org/3")
    case = cli(
        "case",
        "open",
        "Ales Test",
        "--type",
        "criminal",
        "--date",
        "2021-09-02",
        "--charge",
        "Criminal Code art. 342",
    ).stdout.strip()
    cli(
        "case",
        "verdict",
        case,
        "--date",
        "2022-01-10",
        "--outcome",
        "convicted",
        "--sentence",
        "2y",
    )


def _exported(cli, fmt, path):
    cli("export", "--format", fmt, "--out", path)
    text = path.read_text(encoding="utf-8")
    if fmt == "json":
        document = json.loads(text)
        document.pop("exported_at")
        return document
    return text


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv"])
def test_an_export_imported_into_a_new_database_exports_the_same(
    cli, backend, templates, tmp_path, fmt
):
    _fill(cli)
    first = _exported(cli, fmt, tmp_path / f"first.{fmt}")
    (tmp_path / "new").mkdir()
    again = templates.clone(backend, tmp_path / "new")
    other = Cli(env={"PRESSFREE_DB": again})
    try:
        other("import", tmp_path / f"first.{fmt}")
        assert _exported(other, fmt, tmp_path / f"second.{fmt}") == first
        assert other("check").stdout == ""
    finally:
        discard(again)
    if fmt == "json":  # what the round trip had to carry
        assert any(i.get("updates") for i in first["incidents"])
        held = [c for c in first["custody"] if c["person"] == "Ales Test"]
        assert [(c["since"], c["released_on"]) for c in held] == [
            ("2021-08-01", "2021-08-05"),
            ("2021-09-01", "2023-09-01"),  # the 2 years of the verdict, time held counting
        ]
