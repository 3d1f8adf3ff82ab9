"""Regression tests for problems found in review: each once gave a traceback or wrong data."""

import csv
import json
import stat

import pytest

from conftest import FIXTURES, SAMPLE


@pytest.mark.parametrize("args, message", [
    (["--from", "2021-07"], "--from/--to: '2021-07' a summary needs both ends of the period"),
    (["--to", "2021-07"], "--from/--to: '2021-07' a summary needs both ends of the period"),
    (["--year", "0001"], "period: '0001' reaches too far back to compare with the period "
                         "before it"),
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


# --- second review ---------------------------------------------------------------------

def test_a_mapping_naming_columns_the_file_lacks_is_refused(cli, tmp_path):
    rules, sheet = tmp_path / "m.toml", tmp_path / "s.csv"
    rules.write_text('[columns]\ndate = "When"\nkinds = "Type"\ncity = "Town"\n')
    sheet.write_text("When,Type,City\n2021-07-30,raid,Minsk\n")
    result = cli("import", sheet, "--mapping", rules, code=2)
    assert result.stderr == (f"Error: mapping {rules}: 'Town' names columns the file does not "
                             "have (it has: When, Type, City)\n")
    rules.write_text('[columns]\ndate = "When"\nkinds = "Type"\n')
    cli("import", sheet, "--mapping", rules)  # City was kept as an extra field
    rules.write_text('[columns]\ndate = "When"\nkinds = "Type"\ncity = "City"\n')
    assert "add --again" in cli("import", sheet, "--mapping", rules).stderr
    result = cli("import", sheet, "--mapping", rules, "--again")
    assert result.stderr == "Imported 1 incidents from 1 rows.\n"  # no id: added again
    assert sorted(str(i["city"]) for i in cli.json("list")) == ["Minsk", "None"]


def test_bad_mapping_files(cli, tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text("When,Type\n2021-07-01,Search\n")
    cases = [
        (b'[columns]\ndate="When"\nkinds="Type"\n[kinds]\n"Search"="raids"\n',
         "[kinds] search: 'raids' is not a known kind (add it under [new_kinds])"),
        (b'[columns]\ndate="When"\n[defaults]\ncontry = "BY"\n',
         "[defaults]: 'contry' is not a field"),
        (b'name="x"\n[columns]\ndate="d\xe9"\n', None),
    ]
    for content, message in cases:
        rules = tmp_path / "m.toml"
        rules.write_bytes(content)
        result = cli("import", sheet, "--mapping", rules, "--dry-run", code=2)
        expected = (f"Error: mapping {rules} {message}" if message else
                    f"Error: --mapping: '{rules}' is not UTF-8 text")
        assert result.stderr.startswith(expected), result.stderr
    result = cli("import", sheet, "--mapping", tmp_path, code=2)
    assert result.stderr == f"Error: --mapping: '{tmp_path}' is a folder: name a TOML file\n"


def test_list_output_imports_back_as_a_json_array(sample, tmp_path):
    listed = tmp_path / "listed.json"
    listed.write_text(sample("list", "--format", "json").stdout)
    fresh = tmp_path / "fresh.db"
    assert sample("--db", fresh, "import", listed).stderr == \
        "Imported 2 incidents from 2 rows.\n"
    assert [i["id"] for i in sample.json("--db", fresh, "list")] == \
        [i["id"] for i in sample.json("list")]


def test_round_trips_keep_source_order_and_text_that_looks_like_json(cli, tmp_path):
    cli("add", "raid", "--date", "2021-07-30", "--summary", '["a", "b"]', "--source",
        "https://z.test/1", "--source", "https://a.test/2", "--publisher", "BAJ")
    cli("add", "raid", "--date", "2021-07-31", "--source", "https://a.test/2")
    cli("import", FIXTURES / "pft_excerpt.csv", "--preset", "pft")
    for fmt in ("csv", "ndjson"):
        out = tmp_path / f"out.{fmt}"
        cli("export", "--format", fmt, "--out", out)
        fresh = tmp_path / f"fresh-{fmt}.db"
        cli("--db", fresh, "import", out)
        assert cli.json("--db", fresh, "list") == cli.json("list"), fmt
    first = [i for i in cli.json("list") if i["date"] == "2021-07-30"][0]
    assert first["summary"] == '["a", "b"]'
    assert [s["url"] for s in first["sources"]] == ["https://z.test/1", "https://a.test/2"]


def test_a_redacted_export_imports_back_into_its_own_database(cli, tmp_path):
    cli("add", "arrest", "--date", "2021-07-30", "--journalist", "Ann")
    cli("journalists", "set", "Ann", "--at-risk")
    out = tmp_path / "public.json"
    cli("export", "--redact", "--out", out)
    assert "Ann" not in out.read_text().replace("Annual", "")
    cli("import", out)  # the pseudonymous copy of the incident is skipped by its id


def test_quarters_compare_with_the_quarter_before(cli):
    cli("add", "raid", "--date", "2021-03-31")
    cli("add", "raid", "--date", "2021-04-01")
    summary = cli.json("summary", "--from", "2021-07", "--to", "2021-09")
    assert summary["previous_period"] == "2021-04-01..2021-06-30"
    assert summary["previous_total"] == 1
    result = cli("summary", "--from", "1000", "--to", "2025", code=2)
    assert result.stderr == ("Error: period: '1000-01-01..2025-12-31' reaches too far back "
                             "to compare with the period before it\n")


def test_a_published_summary_can_hide_people_at_risk(cli):
    cli("add", "arrest", "--date", "2021-07-30", "--journalist", "Anna")
    cli("journalists", "set", "Anna", "--at-risk")
    pseudonym = cli.json("journalists")[0]["pseudonym"]
    markdown = cli("summary", "--month", "2021-07", "--format", "markdown", "--redact").stdout
    assert "Anna" not in markdown and f"| {pseudonym} | 1 |" in markdown
    assert "| Anna | 1 |" in cli("summary", "--month", "2021-07", "--format", "markdown").stdout


def test_designations_follow_their_incident(cli, tmp_path):
    cli("designate", "Belsat", "--label", "extremist-formation", "--by", "KGB", "--date",
        "2021-07-28", "--country", "BY")
    [incident] = cli.json("list")
    cli("edit", incident["id"], "--date", "2021-08-05", "--country", "RU")
    assert cli.json("designations")[0]["date"] == "2021-08-05"
    august = cli.json("summary", "--month", "2021-08")
    assert august["by_kind"] == {"designation": 1} and len(august["designations"]) == 1
    assert cli.json("summary", "--month", "2021-07")["designations"] == []
    cli("delete", incident["id"], "--yes")
    assert cli.json("designations") == []


def test_every_publishers_newest_figure_is_shown(cli, tmp_path):
    cli("tally", "add", "journalists-in-custody", "30", "--as-of", "2021-01-01", "--country",
        "BY", "--publisher", "Viasna")
    for day in range(1, 56):
        cli("tally", "add", "journalists-in-custody", str(day), "--as-of",
            f"2021-{2 + day // 28:02d}-{1 + day % 28:02d}", "--country", "BY", "--publisher",
            "BAJ")
    report = cli.json("custody", "--as-of", "2021-12-31", "--country", "BY")
    assert sorted(t["publisher"] for t in report["reported"]) == ["BAJ", "Viasna"]


def test_a_filtered_export_by_journalist_carries_no_figures(sample):
    sample("add", "arrest", "--date", "2021-07-30", "--journalist", "Ann")
    document = json.loads(sample("export", "--journalist", "Ann").stdout)
    assert len(document["incidents"]) == 1 and document["tallies"] == []
    document = json.loads(sample("export", "--publisher", "Viasna").stdout)
    assert [t["publisher"] for t in document["tallies"]] == ["Viasna"]


def test_the_chart_says_what_it_cannot_draw(cli, tmp_path):
    pytest.importorskip("matplotlib")
    cli("add", "killing", "--date", "2007")
    cli("add", "killing", "--date", "2007-03-02")
    result = cli("chart", "--year", "2007", "--out", tmp_path / "t.png")
    assert result.stderr.splitlines()[-1] == ("1 of 2 incidents of 2007 are dated to the year "
                                              "or across months, so in no month of the chart.")


def test_file_system_problems_are_one_line(cli, tmp_path):
    blocker = tmp_path / "file.db"
    blocker.write_text("x")
    result = cli("--db", blocker / "sub.db", "init", code=2)
    assert result.stderr.startswith(f"Error: --db: '{blocker / 'sub.db'}' cannot be created")
    cli("add", "raid", "--date", "2021-07-30")
    result = cli("backup", blocker / "x.db", code=2)
    assert result.stderr.startswith("Error: path: ") and "cannot be created" in result.stderr
    result = cli("export", "--out", "/proc/pressfree.json", code=2)
    assert result.stderr.startswith("Error: --out: '/proc/pressfree.json' cannot be written")
    result = cli("list", "--limit", "99999999999999999999", code=2)
    assert result.stderr.startswith("Error: --limit: 99999999999999999999 must be between")
    result = cli("tally", "add", "raid", "99999999999999999999", "--period", "2021",
                 "--country", "BY", "--publisher", "X", code=2)
    assert result.stderr == "Error: value: '99999999999999999999' is too large\n"
    result = cli("add", "raid", "--date", "2021-07-01..2021-07-02..2021-07-03", code=2)
    assert result.stderr.startswith("Error: date: '2021-07-01..2021-07-02..2021-07-03' has "
                                    "more than one '..'")
