"""The publication rule: retracted incidents never count in what is published (summary,
report, chart, census, custody, designations made); disputed ones count only when the rule,
a setting of the database, says so; what is left out is said, and stays in list and show."""

import json

import pytest

from helpers import ROOT

SAMPLE = "data/belarus-2021-07.json"


def _add(cli, kinds, day, *more):
    return cli(
        "add", *kinds, "--date", day, "--country", "BY", "--source", f"https://example.org/{day}",
        "--force", *more,
    ).stdout.strip()  # fmt: skip


def _held(cli, day):
    return [r["person"] for r in cli.json("custody", "--as-of", day)["held"]]


@pytest.fixture
def july(cli):
    """The sample, and a raid and detention of Ігар Лосік on 2021-07-30 (the quick start)."""
    cli("import", ROOT / SAMPLE)
    return _add(cli, ["raid", "detention"], "2021-07-30", "-j", "Ігар Лосік")


def test_a_retracted_incident_leaves_every_published_count(cli, july, tmp_path):
    before = cli.json("summary", "--month", "2021-07")
    assert (before["total_incidents"], before["left_out"]) == (3, {})
    assert _held(cli, "2021-07-31") == ["Ігар Лосік"]
    cli("edit", july, "--status", "retracted")
    after = cli.json("summary", "--month", "2021-07")
    assert after["total_incidents"] == 2
    assert after["by_kind"] == {"designation": 1, "detention": 1, "raid": 1}
    assert after["left_out"] == {"retracted": 1}
    assert after["counted"] == ["reported", "confirmed"]
    assert after["top_journalists"] == []
    assert _held(cli, "2021-07-31") == []
    assert cli.json("census", "--as-of", "2021-07-31")["held"] == []
    yearly = cli.json("summary", "--year", "2021")
    assert [m["total"] for m in yearly["monthly"] if m["month"] == "2021-07"] == [2]
    said = cli("summary", "--month", "2021-07", "--format", "markdown").stdout
    assert "Counted: incidents reported / confirmed. Left out: 1 retracted." in said
    page = tmp_path / "july.html"
    cli("report", "--month", "2021-07", "--out", page)
    html = page.read_text()
    assert "Home searched" not in html and "Ігар Лосік" not in html
    assert html.count("Left out: 1 retracted.") == 2  # under the counts and in the method
    # it stays where a researcher looks for it
    assert [i["id"] for i in cli.json("list", "--status", "retracted")] == [july]
    assert cli.json("show", july)["status"] == "retracted"
    [revision] = [r for r in cli.json("history", july) if r["verb"] == "edit"]
    assert revision["after"]["status"] == "retracted"
    cli("edit", july, "--status", "confirmed")
    assert _held(cli, "2021-07-31") == ["Ігар Лосік"]
    assert cli("check").stdout == ""


def test_the_report_shows_each_incident_s_status_and_takes_list_s_filters(cli, july, tmp_path):
    cli("edit", july, "--status", "confirmed")
    page = tmp_path / "raids.html"
    cli("report", "--month", "2021-07", "--kind", "detention", "--status", "confirmed", "--out",
        page)  # fmt: skip
    html = page.read_text()
    rows = html.split('<section id="incidents">')[1].split("</section>")[0]
    assert rows.count("<tr><td") == 1 and '<td data-label="Status">confirmed</td>' in rows
    assert "Counted: incidents confirmed. Left out: 1 reported." in html


def test_retracted_never_counts_even_when_asked_for(cli, july, tmp_path):
    for command in (["summary"], ["report", "--out", tmp_path / "r.html"]):
        said = cli(*command, "--month", "2021-07", "--status", "retracted", code=2).stderr
        assert said == (
            "Error: --status: 'retracted' never counts in what is published "
            "(`list --status retracted` shows those incidents)\n"
        )
    assert not (tmp_path / "r.html").exists()


def test_disputed_counts_when_the_rule_says_so_and_custody_follows(cli, july):
    cli("edit", july, "--status", "disputed")
    assert cli.json("summary", "--month", "2021-07")["left_out"] == {"disputed": 1}
    assert _held(cli, "2021-07-31") == []
    only = cli.json("summary", "--month", "2021-07", "--status", "disputed")
    assert (only["total_incidents"], only["counted"], only["left_out"]) == (
        1,
        ["disputed"],
        {"reported": 2},
    )
    assert cli("rule").stdout == (
        "reported and confirmed incidents count; disputed, retracted and withdrawn ones are "
        "left out.\n"
    )
    cli("rule", "--count", "reported", "--count", "confirmed", "--count", "DISPUTED")
    assert cli.json("rule") == {
        "counted": ["reported", "confirmed", "disputed"],
        "left_out": ["retracted", "withdrawn"],
    }
    assert cli.json("summary", "--month", "2021-07")["total_incidents"] == 3
    assert _held(cli, "2021-07-31") == ["Ігар Лосік"]
    [change] = cli.json("history", "--kind", "setting")
    assert (change["verb"], change["before"], change["after"]) == (
        "rule",
        {"counted": ["reported", "confirmed"]},
        {"counted": ["reported", "confirmed", "disputed"]},
    )
    assert cli("check").stdout == ""


@pytest.mark.parametrize(
    "given, message",
    [
        (
            ["retracted"],
            "--count: 'retracted' never counts: a retracted incident did not happen, a "
            "withdrawn one is no longer its source's",
        ),  # fmt: skip
        (
            ["reported", "maybe"],
            "--count: 'maybe' is not a status (one of reported, confirmed, disputed, retracted, "
            "withdrawn)",
        ),  # fmt: skip
    ],
)
def test_a_rule_that_cannot_be_is_refused_and_nothing_changes(cli, july, given, message):
    said = cli("rule", *[a for g in given for a in ("--count", g)], code=2).stderr
    assert said == f"Error: {message}\n"
    assert cli.json("rule")["counted"] == ["reported", "confirmed"]
    assert cli.json("history", "--kind", "setting") == []


def test_retracting_a_detention_whose_release_a_later_one_passes_over_is_allowed(cli):
    first = _add(cli, ["detention"], "2021-07-01", "-j", "Ales Test")
    cli("release", "Ales Test", "--date", "2021-07-10")
    _add(cli, ["detention"], "2021-08-01", "-j", "Ales Test")
    assert _held(cli, "2021-07-05") == ["Ales Test"] and _held(cli, "2021-08-02") == ["Ales Test"]
    cli("edit", first, "--status", "retracted")
    assert _held(cli, "2021-07-05") == []
    assert _held(cli, "2021-08-02") == ["Ales Test"]
    cli("edit", first, "--status", "reported")  # the release was kept: it ends July again
    assert [(r["person"], r["released_on"]) for r in
            cli.json("custody", "--as-of", "2021-07-05")["held"]] == [
        ("Ales Test", "2021-07-10")
    ]  # fmt: skip
    assert cli("check").stdout == ""


def test_a_designation_reported_in_error_is_not_published(cli, july):
    made = cli("designate", "Belsat TV", "--label", "extremist-materials", "--by", "Court",
               "--date", "2021-07-20", "--country", "BY").stdout.strip()  # fmt: skip
    designation = next(d for d in cli.json("designations") if d["id"] == made)
    listed = cli.json("summary", "--month", "2021-07")["designations"]
    assert made in [d["id"] for d in listed]
    cli("edit", designation["incident"], "--status", "retracted")
    listed = cli.json("summary", "--month", "2021-07")["designations"]
    assert made not in [d["id"] for d in listed]
    assert made in [d["id"] for d in cli.json("designations")]


def test_the_summary_s_json_names_the_rule_in_every_language(cli, july):
    cli("edit", july, "--status", "retracted")
    for lang in ("en", "ru", "be"):
        data = json.loads(
            cli("summary", "--month", "2021-07", "--lang", lang, "--format", "json").stdout
        )
        assert (data["counted"], data["left_out"]) == (["reported", "confirmed"], {"retracted": 1})
    said = cli("summary", "--month", "2021-07", "--lang", "be").stdout
    assert "Не ўлічаны: 1 адклікана." in " ".join(said.split())


def test_a_copy_or_an_export_carries_the_rule_to_a_database_without_one(cli, july, tmp_path):
    cli("edit", july, "--status", "disputed")
    cli("rule", "--count", "reported", "--count", "disputed")
    exported = tmp_path / "all.json"
    cli("export", "--format", "json", "--out", exported)
    assert json.loads(exported.read_text())["settings"] == [
        {"name": "counted_statuses", "value": ["reported", "disputed"]}
    ]
    fresh = tmp_path / "fresh.db"
    cli("--db", fresh, "import", exported)
    assert cli.json("--db", fresh, "rule")["counted"] == ["reported", "disputed"]
    assert _held(cli, "2021-07-31") == ["Ігар Лосік"]
    assert [r["person"] for r in cli.json("--db", fresh, "custody", "--as-of", "2021-07-31")[
        "held"]] == ["Ігар Лосік"]  # fmt: skip
    copied = tmp_path / "copied.db"
    cli("copy", "--to", copied)
    assert cli.json("--db", copied, "rule")["counted"] == ["reported", "disputed"]
    # a database that chose its own rule keeps it
    own = tmp_path / "own.db"
    cli("--db", own, "rule", "--count", "confirmed")
    cli("--db", own, "import", exported)
    assert cli.json("--db", own, "rule")["counted"] == ["confirmed"]
    assert cli.json("--db", own, "custody", "--as-of", "2021-07-31")["held"] == []


def test_a_document_s_setting_that_cannot_be_is_refused(cli, tmp_path):
    path = tmp_path / "bad.json"
    for setting, message in (
        (
            {"name": "colour", "value": []},
            "settings[0].name: 'colour' is not a setting (counted_statuses, own_fields)",
        ),  # fmt: skip
        (
            {"name": "counted_statuses", "value": ["retracted"]},
            "settings[0].value: 'retracted' never counts: a retracted incident did not happen, "
            "a withdrawn one is no longer its source's",
        ),  # fmt: skip
    ):
        path.write_text(json.dumps({"format": "pressfree", "settings": [setting]}))
        assert cli("import", path, code=2).stderr == f"Error: {message}\n"
