"""Regression tests for problems found in review: each once gave a traceback or wrong data."""

import csv
import json
import stat

import pytest

from conftest import SAMPLE


@pytest.mark.parametrize("args, message", [
    (["--from", "2021-07"], "--from/--to: '2021-07' a summary needs both ends of the period"),
    (["--to", "2021-07"], "--from/--to: '2021-07' a summary needs both ends of the period"),
    (["--year", "0001"], "period: '0001' is too early to compare with the period before it"),
])
def test_summary_periods_it_cannot_compare(cli, args, message):
    cli("init")
    assert cli("summary", *args, code=2).stderr == f"Error: {message}\n"


def test_a_tally_must_fit_its_metric(cli):
    result = cli("tally", "add", "journalists-in-custody", "5", "--period", "2021-07",
                 "--country", "BY", "--publisher", "X", code=2)
    assert result.stderr.startswith("Error: --period: '2021-07' does not fit "
                                    "journalists-in-custody")
    result = cli("tally", "add", "raid", "5", "--as-of", "2021-07-30", "--country", "BY",
                 "--publisher", "X", code=2)
    assert result.stderr.startswith("Error: --as-of: '2021-07-30' does not fit raid")
    result = cli("tally", "list", "--metric", "bogus", code=2)
    assert result.stderr.startswith("Error: --metric: 'bogus' is not a known kind")


def test_editing_a_detention_keeps_the_custody_ledger_in_step(cli):
    new_id = cli("add", "detention", "--date", "2021-07-10", "--country", "BY",
                 "--journalist", "Ann Lee", "--journalist", "Carl").stdout.strip()
    cli("release", "Ann Lee", "--date", "2021-07-15")
    cli("edit", new_id, "--status", "confirmed")  # must not re-open Ann's custody

    def held(day, *extra):
        return sorted(r["person"] for r in
                      cli.json("custody", "--as-of", day, *extra)["held"])

    assert held("2021-07-20") == ["Carl"]
    assert held("2021-07-12") == ["Ann Lee", "Carl"]
    cli("edit", new_id, "--date", "2021-07-11", "--country", "RU")
    assert held("2021-07-12", "--country", "RU") == ["Ann Lee", "Carl"]
    assert held("2021-07-10") == []
    result = cli("edit", new_id, "--date", "2021-07-20", code=2)
    assert result.stderr == ("Error: date: '2021-07-20' is after the recorded release "
                             "(2021-07-15)\n")
    cli("edit", new_id, "--replace", "--journalist", "Dan")
    assert held("2021-07-12") == ["Dan"]
    cli("edit", new_id, "--replace", "--kind", "raid")
    assert held("2021-07-12") == []
    detained = cli("add", "arrest", "--date", "2021-07-01", "--journalist", "Eve").stdout
    cli("delete", detained.strip(), "--yes")
    assert held("2021-07-12") == []


def test_designating_an_organisation_records_it_as_one(cli):
    cli("designate", "Viasna", "--label", "extremist-formation", "--by", "MVD", "--date",
        "2023-08", "--target-type", "Organisation")
    document = json.loads(cli("export").stdout)
    assert document["outlets"] == [{"name": "Viasna", "type": "organisation"}]


def test_small_inconsistencies(cli):
    new_id = cli("add", "raid", "--date", "2021-07-30", "--status", "confirmed").stdout.strip()
    result = cli("edit", new_id, "--status", "", code=2)
    assert result.stderr.startswith("Error: status: '' is not a status")
    result = cli("add", "raid", "--date", "2021-07-30", "--published", "2021-07-31", code=2)
    assert result.stderr.startswith("Error: --published: '2021-07-31' needs a source")
    assert cli("export", "--format", "CSV").stdout.startswith("id,date,")
    cli("add", "raid", "--date", "2021-07-30", "--journalist", "Ann")
    cli("journalists", "set", "Ann", "--outlet", " Belsat ")
    assert cli.json("journalists")[0]["outlet"] == "Belsat"


def test_non_utf8_and_malformed_files(cli, tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,date,kinds\n,2021-07-30,raid\n,2021-07-30,caf\xe9\n".encode("latin-1"))
    result = cli("import", latin, code=2)
    assert result.stderr.startswith(f"Error: file: '{latin}' is not UTF-8 text")
    document = json.loads(SAMPLE.read_text())
    for change, message in [
        (lambda d: d.update(version="1"), "version: '1' must be a whole number"),
        (lambda d: d.update(incidents=["x"]), "incidents: \"['x']\" must be a list of JSON "
                                              "objects"),
        (lambda d: d["kinds"].append({"label": "No slug"}),
         "kinds[0]: '' lacks the field 'slug'"),
        (lambda d: d["tallies"][0].pop("country"), "tallies[0]: '' lacks the field 'country'"),
        (lambda d: d["incidents"][0].update(country=12),
         "incidents[0]: '' has a value of the wrong kind"),
        (lambda d: d["incidents"][0].update(created_at="yesterday"),
         "incidents[0]: '' has a value of the wrong kind"),
        (lambda d: d["incidents"][0].update(id="1"), "incidents[0].id: '1' is not a pressfree "
                                                     "id"),
    ]:
        broken = json.loads(json.dumps(document))
        change(broken)
        path = tmp_path / "broken.json"
        path.write_text(json.dumps(broken))
        result = cli("import", path, code=2)
        assert result.stderr.startswith(f"Error: {message}"), result.stderr
    document["incidents"][0]["kinds"] = "raid"  # one kind where a list belongs
    document["incidents"][0]["id"] = document["incidents"][0]["id"].upper()
    path = tmp_path / "lenient.json"
    path.write_text(json.dumps(document))
    cli("import", path)
    assert [i["kinds"] for i in cli.json("list")] == [["raid"], ["designation"]]
    assert cli("import", SAMPLE).stderr.endswith("5 already present, skipped.\n")


@pytest.mark.parametrize("toml, message", [
    ('columns = "x"', "columns: 'x' must be a table"),
    ('[columns]\ndate = "d"\n[kinds]\nraid = 5', "[kinds] raid: 5 must be a list of text"),
    ('delimiter = ";;"\n[columns]\ndate = "d"', "delimiter: ';;' must be one character"),
    ('missing = "N/A"\n[columns]\ndate = "d"', "missing: 'N/A' must be a list of text"),
    ('country_names = "false"\n[columns]\ndate = "d"', "country_names: 'false' must be true "
                                                       "or false"),
    ('[columns]\ndate = "d"\n[patterns]\ndate = 5', "[patterns] date: 5 must be text"),
])
def test_mapping_settings_of_the_wrong_type(cli, tmp_path, toml, message):
    rules, sheet = tmp_path / "m.toml", tmp_path / "s.csv"
    rules.write_text(toml)
    sheet.write_text("d,k\n2021-07-30,raid\n")
    result = cli("import", sheet, "--mapping", rules, code=2)
    assert result.stderr.startswith(f"Error: mapping {rules} {message}"), result.stderr


def test_a_pressfree_document_honours_dry_run(cli):
    cli("init")
    result = cli("import", SAMPLE, "--dry-run")
    assert result.stderr == ("Would import 2 incidents, 2 tallies, 0 custody, "
                             "1 designations.\n")
    assert cli.json("list") == []
    result = cli("import", SAMPLE, "--skip-invalid", code=2)
    assert result.stderr.startswith("Error: --skip-invalid: '' applies to rows")


def test_a_failed_export_leaves_the_old_file_alone(sample, tmp_path):
    keep = tmp_path / "keep.json"
    keep.write_text("yesterday's export")
    sample("export", "--kind", "bogus", "--out", keep, code=2)
    assert keep.read_text() == "yesterday's export"
    sample("export", "--out", keep)
    assert json.loads(keep.read_text())["format"] == "pressfree"
    assert stat.S_IMODE(keep.stat().st_mode) == 0o600
    assert list(tmp_path.glob(".*partial")) == []
    result = sample("export", "--out", tmp_path, code=2)
    assert result.stderr == f"Error: --out: '{tmp_path}' is a folder: name a file\n"
    result = sample("export", "--out", tmp_path / "no" / "x.json", code=2)
    assert result.stderr.startswith("Error: --out: ")
    result = sample("backup", tmp_path, code=2)
    assert result.stderr == f"Error: path: '{tmp_path}' is a folder: name the copy's file\n"


def test_external_ids_are_unique_per_dataset_through_a_round_trip(cli, tmp_path):
    for name in ("ngo-a", "ngo-b"):
        rules, sheet = tmp_path / f"{name}.toml", tmp_path / f"{name}.csv"
        rules.write_text(f'name = "{name}"\n[columns]\nexternal_id = "Case"\ndate = "d"\n'
                         'kinds = "k"\n')
        sheet.write_text(f"Case,d,k,source\n1,2021-07-30,raid,{name}\n2,2021-07-31,raid,{name}\n")
        cli("import", sheet, "--mapping", rules)
    assert len(cli.json("list")) == 4
    for fmt in ("csv", "ndjson"):
        exported = tmp_path / f"all.{fmt}"
        cli("export", "--format", fmt, "--out", exported)
        fresh = tmp_path / f"fresh-{fmt}.db"
        assert cli("--db", fresh, "import", exported).stderr == \
            "Imported 4 incidents from 4 rows.\n"


def test_an_id_column_must_hold_pressfree_ids(cli, tmp_path):
    sheet = tmp_path / "ids.csv"
    sheet.write_text("id,date,kinds\n1,2021-07-30,raid\n")
    result = cli("import", sheet, code=1)
    assert result.stderr.splitlines()[0].startswith("row 2: id: '1' is not a pressfree id")


def test_a_filtered_json_export_stands_on_its_own(sample, tmp_path):
    sample("add", "arrest", "--date", "2020-03-01", "--country", "RU", "--journalist",
           "Elsewhere")
    out = tmp_path / "raids.json"
    sample("export", "--kind", "raid", "--out", out)
    document = json.loads(out.read_text())
    assert [i["kinds"] for i in document["incidents"]] == [["detention", "raid"]]
    assert document["designations"] == [] and document["custody"] == []
    assert document["people"] == []
    assert [t["metric"] for t in document["tallies"]] == ["raid"]
    fresh = tmp_path / "fresh.db"
    sample("--db", fresh, "import", out)
    assert len(sample.json("--db", fresh, "list")) == 1


def test_csv_round_trip_keeps_awkward_values_and_extra_fields(cli, tmp_path):
    sheet, rules = tmp_path / "s.csv", tmp_path / "m.toml"
    rules.write_text('[columns]\ndate = "d"\nkinds = "k"\njournalists = "who"\n'
                     'source_url = "url"\nsource_title = "title"\n')
    with open(sheet, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["d", "k", "who", "url", "title", "Notes"])
        writer.writerow(["2021-07-30", "raid", "Doe; Jane", "https://x.test/a",
                         "Raids; detentions", "secret note"])
    cli("import", sheet, "--mapping", rules)
    exported = tmp_path / "out.csv"
    cli("export", "--format", "csv", "--out", exported)
    fresh = tmp_path / "fresh.db"
    cli("--db", fresh, "import", exported)
    [item] = cli.json("--db", fresh, "list")
    assert item["journalists"] == ["Doe; Jane"]
    assert item["sources"] == [{"url": "https://x.test/a", "publisher": None,
                                "title": "Raids; detentions", "published": None}]
    assert item["extra"] == {"Notes": "secret note"}


def test_redaction_replaces_whole_names_in_any_case(cli):
    cli("add", "arrest", "--date", "2021-07-30", "--journalist", "Ann", "--journalist",
        "Anna Kova", "--summary", "ANN was held in Ann Arbor; Annual report", "--city",
        "Minsk")
    cli("journalists", "set", "Ann", "--at-risk")
    pseudonym = next(p["pseudonym"] for p in cli.json("journalists") if p["name"] == "Ann")
    [item] = [json.loads(line) for line in
              cli("export", "--format", "ndjson", "--redact").stdout.splitlines()]
    assert sorted(item["journalists"]) == sorted(["Anna Kova", pseudonym])
    assert item["summary"] == (f"{pseudonym} was held in {pseudonym} Arbor; Annual report")


def _held(cli, day):
    return [(r["person"], r["since"]) for r in cli.json("custody", "--as-of", day)["held"]]


def test_a_detention_inside_a_finished_period_does_not_hold_anyone_twice(cli):
    cli("add", "detention", "--date", "2021-07-01", "--journalist", "X")
    cli("release", "X", "--date", "2021-07-10")
    cli("add", "arrest", "--date", "2021-07-05", "--journalist", "X")
    assert _held(cli, "2021-07-06") == [("X", "2021-07-01")]
    assert _held(cli, "2021-12-31") == []


def test_the_ledger_does_not_depend_on_the_order_of_entry(cli):
    first = cli("add", "detention", "--date", "2021-07-01", "--journalist", "Y").stdout
    cli("add", "arrest", "--date", "2021-07-03", "--journalist", "Y")
    cli("delete", first.strip(), "--yes")
    assert _held(cli, "2021-07-05") == [("Y", "2021-07-03")]
    cli("add", "detention", "--date", "2021-07-01", "--journalist", "W")
    cli("add", "detention", "--date", "2021-08-01", "--journalist", "W")
    cli("release", "W", "--date", "2021-07-10")
    assert _held(cli, "2021-07-05") == [("W", "2021-07-01"), ("Y", "2021-07-03")]
    assert _held(cli, "2021-08-15") == [("Y", "2021-07-03"), ("W", "2021-08-01")]
