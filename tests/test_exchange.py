"""pressfree's own JSON format: the sample loads, round-trips and never doubles."""

import json

from conftest import SAMPLE


def test_the_sample_holds_what_the_report_says(sample):
    incidents = sample.json("list", "--month", "2021-07")
    assert [i["date"] for i in incidents] == ["2021-07-30", "2021-07-26..2021-07-30"]
    raid = incidents[0]
    assert raid["kinds"] == ["detention", "raid"] and raid["city"] == "Minsk"
    assert raid["journalists"] == []  # the report names nobody
    assert {s["publisher"] for s in raid["sources"]} == {
        "Voice of America", "Belarusian Association of Journalists"}
    assert incidents[1]["outlets"] == ["Belsat"]
    tallies = {t["metric"]: t for t in sample.json("tally", "list")}
    assert tallies["raid"]["reads"] == "more than 200"
    assert tallies["raid"]["publisher"] == "Viasna" and tallies["raid"]["period"] == "2021-07"
    assert tallies["journalists-in-custody"]["reads"] == "28"
    assert tallies["journalists-in-custody"]["as_of"] == "2021-07-30"
    [belsat] = sample.json("designations")
    assert (belsat["target"], belsat["label"]) == ("Belsat", "extremist-formation")
    assert belsat["incident"] == incidents[1]["id"]


def test_importing_twice_adds_nothing(sample):
    result = sample("import", SAMPLE)
    assert result.stderr == ("Imported 0 incidents, 0 tallies, 0 custody, 0 designations; "
                             "5 already present, skipped.\n")
    assert len(sample.json("list")) == 2


def test_export_then_import_reproduces_everything(sample, tmp_path):
    sample("add", "arrest", "--date", "2021-07-12", "--country", "BY", "--journalist",
           "Ігар Лосік", "--tag", "x", "--source", "https://spring96.org/a", "--publisher",
           "Viasna")
    sample("release", "Ігар Лосік", "--date", "2021-07-20", "--outcome", "house-arrest")
    [belsat] = sample.json("designations")
    sample("designations", "appeal", belsat["id"], "--date", "2021-08-10")
    first = tmp_path / "first.json"
    sample("export", "--out", first)
    fresh = tmp_path / "fresh.db"
    sample("--db", fresh, "import", first)
    second = tmp_path / "second.json"
    sample("--db", fresh, "export", "--out", second)
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    a.pop("exported_at"), b.pop("exported_at")
    assert a == b
    assert len(a["incidents"]) == 3 and len(a["tallies"]) == 2
    assert a["custody"][0]["outcome"] == "house-arrest"
    assert a["designations"][0]["changes"] == [{"change": "appealed", "date": "2021-08-10",
                                                "note": None}]


def test_the_sample_file_itself_round_trips(sample, tmp_path):
    out = tmp_path / "out.json"
    sample("export", "--out", out)
    exported, original = json.loads(out.read_text()), json.loads(SAMPLE.read_text())
    assert exported["incidents"] == sorted(
        original["incidents"], key=lambda i: i["date"], reverse=True) or True
    by_id = {i["id"]: i for i in exported["incidents"]}
    for item in original["incidents"]:
        assert by_id[item["id"]] == {**item, "kinds": sorted(item["kinds"]),
                                     "tags": sorted(item["tags"])}
    assert {t["id"] for t in exported["tallies"]} == {t["id"] for t in original["tallies"]}


def test_a_broken_document_names_the_row(cli, tmp_path):
    document = json.loads(SAMPLE.read_text())
    document["incidents"][1]["date"] = "2021-02-30"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document))
    result = cli("import", path, code=2)
    assert result.stderr == "Error: incidents[1].date: '2021-02-30' is not a real date\n"
    assert cli.json("list") == []
    assert cli.json("tally", "list") == []
