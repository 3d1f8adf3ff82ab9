"""The one write path and `pressfree check`: whatever path changes the facts, everything derived
from them (search index, custody, designation dates, name keys) follows, and `check` finds and
repairs what does not."""

import json


def _add_detention(cli, name="Ales Test", day="2021-07-01", *more):
    return cli(
        "add",
        "detention",
        "--date",
        day,
        "--journalist",
        name,
        "--source",
        f"https://example.org/{name.replace(' ', '-')}-{day}",
        *more,
    ).stdout.strip()


def _custody(cli, as_of):
    held = cli.json("custody", "--as-of", as_of)["held"]
    return [(r["person"], r["released_on"]) for r in held]


def _clean(cli):
    result = cli("check")
    assert result.stdout == ""
    assert "Everything derived matches the facts." in result.stderr


def test_a_restore_takes_words_out_of_the_search_index(cli):
    incident = _add_detention(cli)
    cli("note", incident, "Released on bail zebra")
    assert [r["id"] for r in cli.json("search", "zebra")] == [incident]
    cli("restore", incident, "--to", "1")
    assert "updates" not in cli.json("show", incident)
    assert cli.json("search", "zebra") == []
    _clean(cli)


def test_a_restore_brings_back_the_release_an_edit_took_away(cli):
    incident = _add_detention(cli)
    cli("release", "Ales Test", "--date", "2021-08-15")
    cli("note", incident, "Released")
    note = cli.json("history", incident)[-1]["rev"]
    cli("edit", incident, "--replace", "--journalist", "Someone Else")
    assert _custody(cli, "2021-09-01") == [("Someone Else", None)]
    cli("restore", incident, "--to", note)
    assert _custody(cli, "2021-07-02") == [("Ales Test", "2021-08-15")]
    assert _custody(cli, "2021-09-01") == []
    _clean(cli)


def test_an_edit_may_not_move_a_detention_past_its_release(cli):
    incident = _add_detention(cli)
    cli("release", "Ales Test", "--date", "2021-08-15")
    result = cli("edit", incident, "--date", "2021-09-01", code=2)
    assert result.stderr == "Error: date: '2021-09-01' is after the recorded release (2021-08-15)\n"
    assert _custody(cli, "2021-07-02") == [("Ales Test", "2021-08-15")]


def test_a_release_an_edit_left_unused_does_not_refuse_a_later_detention(cli):
    incident = _add_detention(cli)
    cli("release", "Ales Test", "--date", "2021-08-15")
    cli("edit", incident, "--replace", "--journalist", "Someone Else")
    _add_detention(cli, "Ales Test", "2021-09-01")
    assert ("Ales Test", None) in _custody(cli, "2021-09-02")
    _clean(cli)


def test_a_designation_keeps_its_target_on_its_incident(cli):
    cli(
        "designate",
        "Belsat",
        "--label",
        "extremist-formation",
        "--by",
        "KGB",
        "--date",
        "2021-07-26",
    )
    incident = cli.json("list")[0]["id"]
    result = cli("edit", incident, "--replace", "--outlet", "Another Outlet", code=2)
    assert result.stderr.startswith("Error: --outlet: 'Belsat' is designated by designation ")
    assert [i["outlets"] for i in cli.json("list")] == [["Belsat"]]
    cli("edit", incident, "--date", "2021-07-27")
    assert cli.json("designations")[0]["date"] == "2021-07-27"
    _clean(cli)


def test_a_shared_source_filled_in_later_is_searchable_on_every_incident(cli):
    first = cli(
        "add", "raid", "--date", "2021-07-16", "--source", "https://example.org/shared"
    ).stdout.strip()
    second = cli(
        "add",
        "raid",
        "--date",
        "2021-07-17",
        "--source",
        "https://example.org/shared",
        "--source-title",
        "Quokka raids",
        "--force",
    ).stdout.strip()
    assert sorted(r["id"] for r in cli.json("search", "quokka")) == sorted([first, second])
    _clean(cli)


def test_imports_undo_removes_the_names_and_kinds_only_it_brought(cli, tmp_path):
    _add_detention(cli, "Keep Me")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "date,kinds,journalists,outlets\n"
        "2021-07-05,newkind,Keep Me,Gone Outlet\n"
        "2021-07-06,raid,Gone Person,\n"
        "2021-07-07,raid,Flagged Person,\n",
        encoding="utf-8",
    )
    cli("import", sheet)
    cli("journalists", "set", "Flagged Person", "--at-risk")
    [imported] = cli.json("imports")
    cli("imports", "undo", str(imported["id"]), "--yes", "--force")
    assert [p["name"] for p in cli.json("journalists")] == ["Flagged Person", "Keep Me"]
    assert cli.json("outlets") == []
    assert "newkind" not in [k["slug"] for k in cli.json("kinds")]
    _clean(cli)


def test_check_finds_and_repairs_what_was_changed_behind_its_back(sample, sql):
    _add_detention(sample)
    sample("release", "Ales Test", "--date", "2021-08-15")
    _clean(sample)
    incident = sample.json("list")[0]["id"]
    sql(
        "UPDATE incident_search SET words = 'x' WHERE incident_id = "
        "(SELECT id FROM incident WHERE public_id = :p)",
        p=incident,
    )
    sql("UPDATE custody_period SET released_on = '2021-12-01'")
    sql("UPDATE designation SET decided_first = '2020-01-01'")
    sql("UPDATE person SET sound_key = 'zz'")
    result = sample("check", code=1)
    lines = result.stdout.splitlines()
    [(people,)] = sql("SELECT count(*) FROM person")
    assert [line.split(":")[0] for line in lines] == [
        "search",
        "custody",
        "designation",
        *["names"] * people,
    ]
    assert lines[1] == (
        "custody: Ales Test #1: 1 period(s) stored, 1 derived from the detentions, "
        "sentences and releases (dates or releases differ)"
    )
    assert lines[0].startswith(f"search: {incident}: search entry lacks ")
    assert lines[0].endswith("; still holds x")
    assert result.stderr.strip() == f"{len(lines)} differences found."
    report = json.loads(sample("check", "--format", "json", code=1).stdout)
    assert len(report["differences"]) == len(lines) and report["repaired"] == 0
    repaired = sample("check", "--repair")
    assert f"Repaired {len(lines)} of {len(lines)}: recorded as one revision." in repaired.stderr
    _clean(sample)
    [revision] = sample.json("history", "--kind", "check")
    assert revision["verb"] == "check"
    assert sql("SELECT count(*) FROM custody_period WHERE released_on = '2021-12-01'") == [(0,)]


def test_check_reads_only(sample, sql):
    before = sql("SELECT count(*) FROM revision")
    _clean(sample)
    assert sql("SELECT count(*) FROM revision") == before


def test_a_command_and_an_import_find_and_create_sources_and_people_alike(cli, tmp_path):
    """One rule finds a source (by URL, else by publisher, title and date) and a person (by
    name in any case or spacing), whether a command or an import a batch at a time asks."""
    import csv

    cli("add", "detention", "--date", "2021-07-01", "-j", "Ales Test", "--publisher", "BAJ",
        "--source-title", "Weekly review", "--summary", "one")  # fmt: skip
    row = next(csv.DictReader(cli("export", "--format", "csv").stdout.splitlines()))
    rows = [
        dict(row, id="", summary="two", journalists="ales  TEST", date="2021-07-02"),
        dict(
            row,
            id="",
            summary="three",
            journalists="Ales Test",
            date="2021-07-03",
            source_titles="Monthly review",
        ),  # fmt: skip
    ]
    path = tmp_path / "more.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerows(rows)
    cli("import", path)
    info = cli.json("info")
    assert (info["incidents"], info["journalists"], info["sources"]) == (3, 1, 2)
    cli("add", "detention", "--date", "2021-07-04", "-j", "ALES test", "--publisher", "BAJ",
        "--source-title", "Monthly review", "--summary", "four")  # fmt: skip
    info = cli.json("info")
    assert (info["incidents"], info["journalists"], info["sources"]) == (4, 1, 2)
    _clean(cli)
