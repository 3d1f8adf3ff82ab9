"""Importing spreadsheets and other trackers' exports: mappings, presets, all or nothing."""

import csv
import json
import re
from datetime import UTC

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import DATASETS, FIXTURES, connect_file, rejected_named

PFT = FIXTURES / "pft_excerpt.csv"
CPJ = FIXTURES / "cpj_excerpt.csv"


def by_external(cli):
    return {i["external_id"]: i for i in cli.json("list")}


def test_pft_preset_on_the_excerpt(cli):
    result = cli("import", PFT, "--preset", "pft")
    said, done = result.stderr.splitlines()
    assert said == (
        f"Reading {PFT.name} as pft, layout export-2019 (the tracker's export "
        "until 2020, with title, slug, targets and links)."
    )
    assert done.startswith("Imported 23 incidents from 23 rows; new kinds: subpoena, ")
    incidents = cli.json("list")
    assert len(incidents) == 23
    assert {i["dataset"] for i in incidents} == {"pft"} and {i["country"] for i in incidents} == {
        "US"
    }
    summary = cli.json("summary", "--year", "2019")
    assert summary["by_kind"]["arrest"] == 9
    month_only = [i for i in incidents if i["date_precision"] == "month"]
    assert len(month_only) == 3
    assert all(len(i["date"]) == 7 for i in month_only)
    assert sum("targeted_journalists" in i["extra"] for i in incidents) >= 10
    uncategorised = [i for i in incidents if i["kinds"] == ["other"]]
    assert len(uncategorised) >= 1
    california = [i for i in incidents if i["region"] == "California"]
    assert len(california) >= 3 and not any("(CA)" in (i["region"] or "") for i in incidents)
    for incident in incidents:
        first = incident["sources"][0]
        assert first["url"] == incident["external_id"]
        assert first["publisher"] == "U.S. Press Freedom Tracker"
        assert first["title"] == incident["summary"]
        raw = incident["extra"].get("targeted_journalists", "TargetedJournalist object")
        assert raw.startswith("TargetedJournalist object")  # kept as raw data, not a name
        assert all("TargetedJournalist" not in name for name in incident["journalists"])
        assert "body" in incident["extra"] or "teaser" in incident["extra"]


def test_pft_links_become_sources(cli):
    cli("import", PFT, "--preset", "pft")
    with open(PFT, encoding="utf-8", newline="") as handle:
        links = {row["title"]: row["links"] for row in csv.DictReader(handle)}
    linked = [i for i in cli.json("list") if len(i["sources"]) > 1]
    assert (len(linked), sum(len(i["sources"]) - 1 for i in linked)) == (3, 22)
    for incident in linked:
        cell = links[incident["sources"][0]["title"]] + ", "
        # the links in the cell's order, each "Title (URL) via Publisher", or "Title (URL)"
        # where the tracker itself is the publisher
        assert [s["url"] for s in incident["sources"][1:]] == re.findall(
            r"\((https?://[^)]+)\)", cell
        )
        for s in incident["sources"][1:]:
            said = f"{s['title']} ({s['url']})"
            assert f"{said} via {s['publisher']}, " in cell or (
                s["publisher"] == "U.S. Press Freedom Tracker" and f"{said}, " in cell
            ), s


def test_pft_targets_split_people_from_institutions(cli, tmp_path):
    path = tmp_path / "one.csv"
    with open(PFT, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    row = dict(
        rows[0],
        targets="CNN, Jim Acosta, Anonymous",
        targeted_institutions="CNN",
        categories="Arrest / Criminal Charge, Physical Attack",
        slug="https://x.test/1",
    )
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow(row)
    cli("import", path, "--preset", "pft")
    [incident] = cli.json("list")
    assert incident["journalists"] == ["Jim Acosta"]
    assert incident["outlets"] == ["CNN"]
    assert incident["kinds"] == ["arrest", "assault"]


@pytest.mark.skipif(
    not (DATASETS / "pft_incidents_full_2020-03.csv").exists(),
    reason="shared/datasets is not beside this checkout",
)
def test_the_whole_pft_export_and_its_published_2019_figure(cli):
    cli("import", DATASETS / "pft_incidents_full_2020-03.csv", "--preset", "pft")
    assert cli.json("info")["incidents"] == 449
    summary = cli.json("summary", "--year", "2019")
    assert summary["by_kind"]["arrest"] == 9  # the tracker's own figure for 2019
    assert len(cli.json("list", "--year", "2019", "--kind", "arrest")) == 9


@pytest.mark.skipif(
    not (DATASETS / "cpj_killed_1992-2020.csv").exists(),
    reason="shared/datasets is not beside this checkout",
)
def test_the_whole_cpj_export(cli):
    cli("import", DATASETS / "cpj_killed_1992-2020.csv", "--preset", "cpj")
    assert cli.json("info")["incidents"] == 2033
    assert cli.json("summary", "--year", "2007")["by_kind"] == {"killing": 112}


def test_cpj_preset(cli):
    cli("import", CPJ, "--preset", "cpj")
    incidents = cli.json("list")
    assert len(incidents) == 17
    assert {i["date_precision"] for i in incidents} == {"year"}
    assert {i["kinds"][0] for i in incidents} == {"killing"}
    countries = {i["country"] for i in incidents}
    assert {"RU", "TR", "US", "IQ"} <= countries
    stateless = [i for i in incidents if i["country"] is None]
    assert {i["extra"]["country"] for i in stateless} == {
        "Israel and the Occupied Palestinian Territory",
        "Yugoslavia",
    }
    assert {i["status"] for i in incidents} <= {"confirmed", "reported"}
    assert all(
        i["sources"]
        == [
            {
                "url": None,
                "publisher": "Committee to Protect Journalists",
                "title": None,
                "published": None,
            }
        ]
        for i in incidents
    )
    assert any("Murder" in i["tags"] for i in incidents)


def test_importing_the_same_file_again_adds_nothing_and_says_so(cli):
    cli("import", PFT, "--preset", "pft")
    result = cli("import", PFT, "--preset", "pft")
    assert result.stderr.endswith(
        f"\n{PFT} was imported before (same sha256): nothing "
        "added. To read it again after fixing its mapping, add "
        "--again.\n"
    )
    assert len(cli.json("list")) == 23


def test_rows_already_present_by_external_id_are_skipped(cli, tmp_path):
    cli("import", PFT, "--preset", "pft")
    changed = tmp_path / "changed.csv"
    with open(PFT, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows.append(dict(rows[0], slug="https://pressfreedomtracker.us/all-incidents/new-one/"))
    with open(changed, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = cli("import", changed, "--preset", "pft")
    assert result.stderr.endswith(
        "\nImported 1 incident from 24 rows; 23 already stored, 0 changed, 1 new.\n"
    )


MAPPING = """
name = "ngo-sheet"
missing = ["", "None", "N/A"]
date_formats = ["%Y-%m-%d", "%d/%m/%Y", "%B %d, %Y"]
unknown_kinds = "error"

[columns]
external_id = "Case"
date = "When"
month_flag = "Month only"
kinds = "Type"
city = "Town"
journalists = "Who"
summary = "What"
source_url = "Link"
publisher = "Source"

[split]
kinds = ","
journalists = ","

[kinds]
"Arrest/Criminal Charge" = "arrest"
"Physical Attack" = "assault"

[defaults]
country = "BY"
"""

SHEET = (
    "\ufeffCase;When;Month only;Type;Town;Who;What;Link;Source;Notes\n"
    "c1;2021-07-30;;Arrest/Criminal Charge, Physical Attack;Minsk;Ігар Лосік, Łukasz;"
    '"Detained\nat home; beaten";https://baj.media/1;BAJ;first note\n'
    "c2;30/07/2021;;Physical Attack;None;N/A;x;;;\n"
    "c3;April 30, 2018;;raid;Hrodna;;y;;;\n"
    "c4;2007;;raid;;;z;;;\n"
    "c5;2021-07-14;True;raid;;;month only;;;\n"
)


def write_sheet(tmp_path, body=SHEET, mapping=MAPPING):
    sheet, rules = tmp_path / "sheet.csv", tmp_path / "ngo.toml"
    sheet.write_text(body, encoding="utf-8")
    rules.write_text(mapping, encoding="utf-8")
    return sheet, rules


def test_a_mapping_file(cli, tmp_path):
    sheet, rules = write_sheet(tmp_path)
    result = cli("import", sheet, "--mapping", rules)
    assert result.stderr == "Imported 5 incidents from 5 rows.\n"
    found = by_external(cli)
    c1 = found["c1"]
    assert c1["kinds"] == ["arrest", "assault"]
    assert c1["summary"] == "Detained\nat home; beaten"  # a quoted multi-line cell
    assert c1["journalists"] == ["Łukasz", "Ігар Лосік"]
    assert c1["country"] == "BY" and c1["city"] == "Minsk"
    assert c1["sources"] == [
        {"url": "https://baj.media/1", "publisher": "BAJ", "title": None, "published": None}
    ]
    assert c1["extra"] == {"Notes": "first note"}  # an unmapped column is kept
    assert (found["c2"]["date"], found["c2"]["city"], found["c2"]["journalists"]) == (
        "2021-07-30",
        None,
        [],
    )
    assert found["c3"]["date"] == "2018-04-30"
    assert (found["c4"]["date"], found["c4"]["date_precision"]) == ("2007", "year")
    assert (found["c5"]["date"], found["c5"]["date_precision"]) == ("2021-07", "month")
    assert found["c2"].get("extra") is None


def test_an_invalid_row_means_nothing_is_imported_and_every_bad_row_is_named(
    cli, tmp_path, backend
):
    body = SHEET + (
        "c6;2021-02-30;;raid;;;bad date;;;\n"
        "c7;2021-07-01;;Bombing;;;bad kind;;;\n"
        "c8;2021-07-01;;raid;;;bad link;baj.media;BAJ;\n"
    )
    sheet, rules = write_sheet(tmp_path, body)
    result = cli("import", sheet, "--mapping", rules, code=1)
    assert result.stderr.splitlines() == [
        "row 7: When: '2021-02-30' is not a date in any layout the mapping allows "
        "(%Y-%m-%d, %d/%m/%Y, %B %d, %Y)",
        "row 8: Type: 'Bombing' is not a known kind (map it under [kinds] in the mapping, or "
        'set unknown_kinds = "create")',
        "row 9: Link: 'baj.media' is not a URL",
        "Error: import: 3 of 8 rows are invalid; nothing was imported (fix them, or use "
        "--skip-invalid)",
    ]
    assert cli.json("list") == []
    assert cli("import", sheet, "--mapping", rules, "--dry-run", code=1).stderr.splitlines()[
        -1
    ] == (
        "Error: import: 3 of 8 rows are invalid; nothing would be imported (fix them, "
        "or use --skip-invalid)"
    )
    # a dry run says exactly what the run would do, --skip-invalid included
    result = cli("import", sheet, "--mapping", rules, "--dry-run", "--skip-invalid")
    assert result.stderr.splitlines()[-1] == (
        "Would import 5 incidents from 8 rows; 3 invalid, to be left out."
    )
    assert not (tmp_path / "sheet.rejected.csv").exists()
    assert cli.json("list") == []
    named = rejected_named(backend, sheet)
    result = cli("import", sheet, "--mapping", rules, "--skip-invalid", *named)
    rejected = tmp_path / "sheet.rejected.csv"
    assert result.stderr.splitlines()[-2:] == [
        f"Imported 5 incidents from 8 rows; 3 invalid, written to {rejected}.",
        "The file is not marked as imported, so it can be imported again once fixed; rows "
        "with ids will then be skipped, rows without ids added again.",
    ]
    import stat

    assert stat.S_IMODE(rejected.stat().st_mode) == 0o600  # it holds rows of the file
    with open(rejected, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["row"], r["column"], r["value"], r["Case"]) for r in rows] == [
        ("7", "When", "2021-02-30", "c6"),
        ("8", "Type", "Bombing", "c7"),
        ("9", "Link", "baj.media", "c8"),
    ]
    assert rows[1]["reason"].startswith("is not a known kind")
    assert len(cli.json("list")) == 5


def test_dry_run_writes_nothing(cli, tmp_path):
    sheet, rules = write_sheet(tmp_path)
    result = cli("import", sheet, "--mapping", rules, "--dry-run")
    assert result.stderr == "Would import 5 incidents from 5 rows.\n"
    assert cli.json("list") == []
    cli("import", sheet, "--mapping", rules)  # not remembered as imported by the dry run
    assert len(cli.json("list")) == 5


def test_unknown_values_can_become_new_kinds(cli, tmp_path):
    sheet, rules = write_sheet(
        tmp_path,
        SHEET + "c6;2021-07-01;;Internet Shutdown;;;x;;;\n",
        MAPPING.replace('unknown_kinds = "error"', 'unknown_kinds = "create"'),
    )
    result = cli("import", sheet, "--mapping", rules)
    assert result.stderr == "Imported 6 incidents from 6 rows; new kinds: internet-shutdown.\n"
    kinds = {k["slug"]: k for k in cli.json("kinds")}
    assert kinds["internet-shutdown"]["label"] == "Internet Shutdown"


def test_identical_rows_without_ids_are_all_kept(cli, tmp_path):
    mapping = MAPPING.replace('external_id = "Case"\n', "")
    row = "x;2021-07-30;;raid;Minsk;;same;;;\n"
    sheet, rules = write_sheet(tmp_path, SHEET.splitlines(True)[0] + row * 3, mapping)
    assert cli("import", sheet, "--mapping", rules).stderr == "Imported 3 incidents from 3 rows.\n"
    assert len(cli.json("list")) == 3


def test_any_delimiter_and_encoding_mark(cli, tmp_path):
    rows = list(csv.reader(SHEET.lstrip("\ufeff").splitlines(True), delimiter=";"))
    for delimiter in (",", "\t", "|"):
        sheet = tmp_path / f"sheet{ord(delimiter)}.csv"
        with open(sheet, "w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle, delimiter=delimiter).writerows(rows)
        db = tmp_path / f"d{ord(delimiter)}.db"
        _, rules = write_sheet(tmp_path)
        cli("--db", db, "import", sheet, "--mapping", rules)
        found = by_external(_Db(cli, db))
        assert found["c1"]["journalists"] == ["Łukasz", "Ігар Лосік"], delimiter
        assert found["c1"]["summary"] == "Detained\nat home; beaten"
        assert found["c3"]["date"] == "2018-04-30"


class _Db:
    def __init__(self, cli, path):
        self.cli, self.path = cli, path

    def json(self, *args):
        return self.cli.json("--db", self.path, *args)


def test_ndjson_and_json_arrays(cli, tmp_path):
    rules = tmp_path / "ngo.toml"
    rules.write_text(MAPPING, encoding="utf-8")
    records = [
        {"Case": "j1", "When": "2021-07-30", "Type": "raid", "Who": "A, B", "Level": 3},
        {"Case": "j2", "When": "2021-07", "Type": ["raid", "Physical Attack"]},
    ]
    ndjson = tmp_path / "rows.ndjson"
    ndjson.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    cli("import", ndjson, "--mapping", rules)
    found = by_external(cli)
    assert found["j1"]["journalists"] == ["A", "B"] and found["j1"]["extra"] == {"Level": 3}
    assert found["j2"]["kinds"] == ["assault", "raid"]
    array = tmp_path / "rows.json"
    array.write_text(json.dumps([{**r, "Case": r["Case"] + "x"} for r in records]))
    cli("import", array, "--mapping", rules)
    assert len(cli.json("list")) == 4


def test_a_json_array_is_read_a_row_at_a_time_whatever_the_chunks(cli, tmp_path, monkeypatch):
    """A JSON array streams: read in chunks, each element decoded alone. Every way a chunk
    can cut a row (inside a string, a number, a literal, between rows) reads the same."""
    from pressfree.exchange import readers

    rows = [
        {
            "Case": f"c{i}",
            "When": "2021-07-30",
            "Type": "raid",
            "Who": 'Ігар "Л"',
            "Level": 10 ** (i % 15),
            "Share": i / 7,
            "Notes": ["a", [None, True]],
            "Text": "x" * (i * 37 % 301) + "\n",
        }
        for i in range(60)
    ]
    path = tmp_path / "rows.json"
    for indent in (None, 3):
        path.write_text(json.dumps(rows, indent=indent, ensure_ascii=False), encoding="utf-8")
        for chunk in (1, 2, 5, 64, 1 << 16):
            monkeypatch.setattr(readers, "ARRAY_CHUNK", chunk)
            assert [r for _, r in readers.rows(path, "json")] == rows, (indent, chunk)
    monkeypatch.setattr(readers, "ARRAY_CHUNK", 7)
    rules = tmp_path / "ngo.toml"
    rules.write_text(MAPPING, encoding="utf-8")
    cli("import", path, "--mapping", rules)
    stored = by_external(cli)
    assert sorted(stored) == sorted(f"c{i}" for i in range(60))
    assert stored["c14"]["extra"]["Level"] == 10**14
    assert stored["c14"]["extra"]["Text"] == "x" * (14 * 37 % 301) + "\n"


@pytest.mark.parametrize(
    "text, message",
    [
        ('[{"Case": "a"},]', "is not valid JSON (line 1: Expecting value)"),
        ('[{"Case": "a"}', "is not valid JSON (line 1: the array is not closed)"),
        ('[{"Case": "a"} {"Case": "b"}]', "is not valid JSON (line 1: Expecting ',' delimiter)"),
        ('[{"Case": "a"}] trailing', "is not valid JSON (line 1: Extra data)"),
        ('[{"Case": "a"},\n\n{"Case": tru}]', "is not valid JSON (line 3: Expecting value)"),
        (
            '[\n{"Case": "unterminated}]',
            "is not valid JSON (line 2: Unterminated string starting at)",
        ),
        ('[{"Case": ' + "7" * 2000 + "}]", "holds an integer of 2,000 digits (at most 1,000)"),
        ("[" * 30_000 + "]" * 30_000, "is nested too deeply to read"),
    ],
)
def test_a_broken_json_array_is_one_line_wherever_the_chunks_fall(
    cli, tmp_path, monkeypatch, text, message
):
    from pressfree.exchange import readers

    path = tmp_path / "rows.json"
    path.write_text(text, encoding="utf-8")
    rules = tmp_path / "ngo.toml"
    rules.write_text(MAPPING, encoding="utf-8")
    for chunk in (3, 1 << 16):
        monkeypatch.setattr(readers, "ARRAY_CHUNK", chunk)
        result = cli("import", path, "--mapping", rules, code=2)
        assert result.stderr == f"Error: file: '{path}' {message}\n", chunk
    assert cli.json("list") == []


def test_a_json_row_too_long_to_hold_is_refused_in_one_line(cli, tmp_path, monkeypatch):
    from pressfree.exchange import readers

    monkeypatch.setattr(readers, "ARRAY_ELEMENT", 2 << 20)
    path = tmp_path / "rows.json"
    path.write_text('[{"Case": "a", "What": "' + "x" * (3 << 20) + '"}]', encoding="utf-8")
    rules = tmp_path / "ngo.toml"
    rules.write_text(MAPPING, encoding="utf-8")
    result = cli("import", path, "--mapping", rules, code=2)
    assert result.stderr == (
        f"Error: file: '{path}' has a row longer than 2 MB, or is not valid JSON\n"
    )


def test_bad_mappings_and_files(cli, tmp_path):
    sheet, rules = write_sheet(tmp_path, mapping=MAPPING.replace("[columns]", "[colums]"))
    result = cli("import", sheet, "--mapping", rules, code=2)
    assert result.stderr.startswith(f"Error: mapping {rules}: 'colums' is not a mapping setting")
    result = cli("import", sheet, "--preset", "gdelt", code=2)
    assert result.stderr == (
        "Error: --preset: 'gdelt' is not a preset (known: cpj, pft, pressfree)\n"
    )
    other = tmp_path / "data.xlsx"
    other.write_bytes(b"PK")
    result = cli("import", other, code=2)
    assert result.stderr.startswith(f"Error: file: '{other}' has an unknown format")


def test_a_csv_export_imports_into_a_fresh_database_unchanged(sample, tmp_path):
    sample(
        "add",
        "arrest",
        "--date",
        "2021-07-12",
        "--country",
        "BY",
        "--journalist",
        "Ігар Лосік",
        "--tag",
        "x",
        "--tag",
        "y",
        "--source",
        "https://spring96.org/a",
        "--publisher",
        "Viasna",
        "--published",
        "2021-07-13",
        "--region",
        "Minsk Region",
    )
    sample("import", PFT, "--preset", "pft")
    for fmt in ("csv", "ndjson"):
        exported = tmp_path / f"all.{fmt}"
        sample("export", "--format", fmt, "--out", exported)
        fresh = tmp_path / f"fresh-{fmt}.db"
        sample("--db", fresh, "import", exported)
        again = tmp_path / f"again.{fmt}"
        sample("--db", fresh, "export", "--format", fmt, "--out", again)
        assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")
        assert sample("--db", fresh, "import", again).stderr.startswith(
            f"{again} was imported before (same sha256): nothing added."
        )


def test_progress_is_reported_in_bytes(store, tmp_path):
    from pressfree.exchange import loader, mapping

    seen = []
    with store.session(write=True) as session:
        loader.import_file(session, PFT, mapping.preset("pft")[0], progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == PFT.stat().st_size


def test_redacted_export_hides_people_at_risk(cli):
    cli(
        "add",
        "arrest",
        "--date",
        "2021-07-30",
        "--journalist",
        "Ігар Лосік",
        "--journalist",
        "Open Name",
        "--summary",
        "Ігар Лосік was taken from home",
        "--publisher",
        "BAJ",
    )
    result = cli("journalists", "set", "Ігар Лосік", "--at-risk", "--outlet", "Belsat")
    pseudonym = cli.json("journalists")[1]["pseudonym"]
    assert pseudonym.startswith("Person ") and len(pseudonym) == 16
    assert pseudonym in result.stderr
    for fmt in ("json", "ndjson", "csv"):
        text = cli("export", "--format", fmt, "--redact").stdout
        assert "Лосік" not in text and pseudonym in text and "Open Name" in text
        assert "Лосік" in cli("export", "--format", fmt).stdout
    cli("journalists", "set", "Ігар Лосік", "--not-at-risk")
    cli("journalists", "set", "Ігар Лосік", "--at-risk")
    assert cli.json("journalists")[1]["pseudonym"] == pseudonym  # stable
    result = cli("journalists", "set", "Nobody", "--at-risk", code=1)
    assert result.stderr == "Error: journalist: 'Nobody' is not a journalist in this database\n"


@pytest.mark.sqlite_only  # backups copy SQLite files
def test_backup_is_a_consistent_copy_while_another_connection_writes(cli, db_path, tmp_path):
    import stat
    import threading

    cli("import", PFT, "--preset", "pft")
    stop = threading.Event()

    def writer():
        connection = connect_file(db_path, timeout=10)
        while not stop.is_set():
            connection.execute(
                "INSERT INTO incident_tag (incident_id, tag) SELECT id, "
                "'w' || abs(random()) FROM incident LIMIT 1"
            )
            connection.commit()
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        copy = tmp_path / "copy.db"
        result = cli("backup", copy)
    finally:
        stop.set()
        thread.join()
    assert result.stderr.startswith(f"Backed up {db_path} to {copy} (")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    check = connect_file(copy)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert check.execute("select count(*) from incident").fetchone() == (23,)
    check.close()
    assert cli.json("--db", copy, "info")["incidents"] == 23


@pytest.mark.parametrize(
    "toml, message",
    [
        ('columns = "x"', "columns: 'x' must be a table"),
        ('[columns]\ndate = "d"\n[kinds]\nraid = 5', "[kinds] raid: 5 must be a list of text"),
        ('delimiter = ";;"\n[columns]\ndate = "d"', "delimiter: ';;' must be one character"),
        ('missing = "N/A"\n[columns]\ndate = "d"', "missing: 'N/A' must be a list of text"),
        (
            'country_names = "false"\n[columns]\ndate = "d"',
            "country_names: 'false' must be true or false",
        ),
        ('[columns]\ndate = "d"\n[patterns]\ndate = 5', "[patterns] date: 5 must be text"),
    ],
)
def test_mapping_settings_of_the_wrong_type(cli, tmp_path, toml, message):
    rules, sheet = tmp_path / "m.toml", tmp_path / "s.csv"
    rules.write_text(toml)
    sheet.write_text("d,k\n2021-07-30,raid\n")
    result = cli("import", sheet, "--mapping", rules, code=2)
    assert result.stderr.startswith(f"Error: mapping {rules} {message}"), result.stderr


def test_a_mapping_holding_a_number_too_long_to_read_is_one_line(cli, tmp_path):
    rules, sheet = tmp_path / "m.toml", tmp_path / "s.csv"
    rules.write_text('[columns]\ndate = "d"\n[defaults]\nx = ' + "9" * 5000 + "\n")
    sheet.write_text("d,k\n2021-07-30,raid\n")
    assert cli("import", sheet, "--mapping", rules, code=2).stderr == (
        f"Error: --mapping: '{rules}' holds a number too long to read (over 4,300 digits)\n"
    )
    assert cli.json("list") == []


def test_external_ids_are_unique_per_dataset_through_a_round_trip(cli, tmp_path):
    for name in ("ngo-a", "ngo-b"):
        rules, sheet = tmp_path / f"{name}.toml", tmp_path / f"{name}.csv"
        rules.write_text(
            f'name = "{name}"\n[columns]\nexternal_id = "Case"\ndate = "d"\nkinds = "k"\n'
        )
        sheet.write_text(f"Case,d,k,source\n1,2021-07-30,raid,{name}\n2,2021-07-31,raid,{name}\n")
        cli("import", sheet, "--mapping", rules)
    assert len(cli.json("list")) == 4
    for fmt in ("csv", "ndjson"):
        exported = tmp_path / f"all.{fmt}"
        cli("export", "--format", fmt, "--out", exported)
        fresh = tmp_path / f"fresh-{fmt}.db"
        assert (
            cli("--db", fresh, "import", exported).stderr == "Imported 4 incidents from 4 rows.\n"
        )


def test_an_id_column_must_hold_pressfree_ids(cli, tmp_path):
    sheet = tmp_path / "ids.csv"
    sheet.write_text("id,date,kinds\n1,2021-07-30,raid\n")
    result = cli("import", sheet, code=1)
    assert result.stderr.splitlines()[0].startswith("row 2: id: '1' is not a pressfree id")


def test_csv_round_trip_keeps_awkward_values_and_extra_fields(cli, tmp_path):
    sheet, rules = tmp_path / "s.csv", tmp_path / "m.toml"
    rules.write_text(
        '[columns]\ndate = "d"\nkinds = "k"\njournalists = "who"\n'
        'source_url = "url"\nsource_title = "title"\n'
    )
    with open(sheet, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["d", "k", "who", "url", "title", "Notes"])
        writer.writerow(
            [
                "2021-07-30",
                "raid",
                "Doe; Jane",
                "https://x.test/a",
                "Raids; detentions",
                "secret note",
            ]
        )
    cli("import", sheet, "--mapping", rules)
    exported = tmp_path / "out.csv"
    cli("export", "--format", "csv", "--out", exported)
    fresh = tmp_path / "fresh.db"
    cli("--db", fresh, "import", exported)
    [item] = cli.json("--db", fresh, "list")
    assert item["journalists"] == ["Doe; Jane"]
    assert item["sources"] == [
        {
            "url": "https://x.test/a",
            "publisher": None,
            "title": "Raids; detentions",
            "published": None,
        }
    ]
    assert item["extra"] == {"Notes": "secret note"}


def test_a_mapping_naming_columns_the_file_lacks_is_refused(cli, tmp_path):
    rules, sheet = tmp_path / "m.toml", tmp_path / "s.csv"
    rules.write_text('[columns]\ndate = "When"\nkinds = "Type"\ncity = "Town"\n')
    sheet.write_text("When,Type,City\n2021-07-30,raid,Minsk\n")
    result = cli("import", sheet, "--mapping", rules, code=2)
    assert result.stderr == (
        f"Error: --mapping: '{rules}' does not fit this file (it needs "
        "Town; the file has: When, Type, City): rename the columns in it, "
        "or set require_columns = false at its top level to read a file "
        "that lacks some of them\n"
    )
    rules.write_text('[columns]\ndate = "When"\nkinds = "Type"\n')
    cli("import", sheet, "--mapping", rules)  # City was kept as an extra field
    rules.write_text('[columns]\ndate = "When"\nkinds = "Type"\ncity = "City"\n')
    assert "add --again" in cli("import", sheet, "--mapping", rules).stderr
    result = cli("import", sheet, "--mapping", rules, "--again")
    assert result.stderr == "Imported 1 incident from 1 row.\n"  # no id: added again
    assert sorted(str(i["city"]) for i in cli.json("list")) == ["Minsk", "None"]


def test_bad_mapping_files(cli, tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text("When,Type\n2021-07-01,Search\n")
    cases = [
        (
            b'[columns]\ndate="When"\nkinds="Type"\n[kinds]\n"Search"="raids"\n',
            "[kinds] search: 'raids' is not a known kind (add it under [new_kinds])",
        ),
        (
            b'[columns]\ndate="When"\n[defaults]\ncontry = "BY"\n',
            "[defaults]: 'contry' is not a field",
        ),
        (b'name="x"\n[columns]\ndate="d\xe9"\n', None),
    ]
    for content, message in cases:
        rules = tmp_path / "m.toml"
        rules.write_bytes(content)
        result = cli("import", sheet, "--mapping", rules, "--dry-run", code=2)
        expected = (
            f"Error: mapping {rules} {message}"
            if message
            else f"Error: --mapping: '{rules}' is not UTF-8 text"
        )
        assert result.stderr.startswith(expected), result.stderr
    result = cli("import", sheet, "--mapping", tmp_path, code=2)
    assert result.stderr == f"Error: --mapping: '{tmp_path}' is a folder: name a TOML file\n"


def test_list_output_imports_back_as_a_json_array(sample, tmp_path):
    listed = tmp_path / "listed.json"
    listed.write_text(sample("list", "--format", "json").stdout)
    fresh = tmp_path / "fresh.db"
    assert sample("--db", fresh, "import", listed).stderr == "Imported 2 incidents from 2 rows.\n"
    assert [i["id"] for i in sample.json("--db", fresh, "list")] == [
        i["id"] for i in sample.json("list")
    ]


def test_round_trips_keep_source_order_and_text_that_looks_like_json(cli, tmp_path):
    cli(
        "add",
        "raid",
        "--date",
        "2021-07-30",
        "--summary",
        '["a", "b"]',
        "--source",
        "https://z.test/1",
        "--source",
        "https://a.test/2",
        "--publisher",
        "BAJ",
    )
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


# --- the fast paths store what the plain ones did -----------------------------------------

_texts = st.one_of(st.none(), st.text(max_size=12))
_names = st.lists(st.text(min_size=1, max_size=10), max_size=3)


@pytest.mark.runs_once  # pure functions: no database
@settings(max_examples=200, deadline=None)
@given(
    st.dates(),
    st.dates(),
    _texts,
    _texts,
    _texts,
    _names,
    _names,
    _names,
    st.lists(st.tuples(_texts, _texts, _texts, st.one_of(st.none(), st.dates())), max_size=3),
)
def test_hashes_are_those_earlier_versions_stored(
    first, last, country, city, summary, journalists, outlets, tags, sources
):
    """Hashes stored by earlier imports must still match: the content hash is of the JSON
    text of identity + content as one list, which hashes() now writes without encoding the
    identity twice."""
    import hashlib

    from pressfree.exchange import matching
    from pressfree.exchange.convert import ParsedRow

    row = ParsedRow(
        first=first,
        last=last,
        precision="day",
        kinds=["raid", "arrest"],
        country=country,
        city=city,
        summary=summary,
        journalists=journalists,
        outlets=outlets,
        tags=tags,
        sources=sources,
    )

    def digest(value):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    identity = matching.identity_of(row)
    assert matching.hashes(row) == (digest(identity + matching._content_of(row)), digest(identity))


@pytest.mark.runs_once  # pure functions: no database
def test_public_ids_made_in_bulk_are_version_4_uuids():
    import uuid

    from pressfree.store.models import new_public_ids

    made = new_public_ids(5000)
    assert len(set(made)) == 5000
    for text in made:
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
    assert new_public_ids(0) == []


def test_a_bulk_write_is_searchable_and_whole_across_statements(cli, monkeypatch, tmp_path):
    """Rows go to SQLite many to a statement; with 7 to a statement, 23 rows take four,
    every row is stored once and found by the search index its trigger writes."""
    from pressfree.store import sqlite_backend

    monkeypatch.setattr(sqlite_backend, "ROWS_PER_STATEMENT", 7)
    path = tmp_path / "rows.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["date", "kinds", "summary", "journalists"])
        for i in range(23):
            out.writerow([f"2021-07-{i + 1:02d}", "raid", f"Row number{i} here", f"Ihar Losik {i}"])
    cli("import", path)
    listed = cli.json("list")
    assert sorted(i["summary"] for i in listed) == sorted(f"Row number{i} here" for i in range(23))
    assert len({i["id"] for i in listed}) == 23
    for i in (0, 6, 7, 22):
        found = cli.json("list", "--search", f"number{i}")
        assert [f["summary"] for f in found] == [f"Row number{i} here"]
    assert len(cli.json("list", "--search", "Łосік")) == 23


INDEXES = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = "
    "'incident' ORDER BY name"
)


@pytest.mark.sqlite_only
def test_an_import_with_its_indexes_set_aside_stores_the_same(cli, sql, monkeypatch, tmp_path):
    """The incident table's secondary indexes are set aside only while a large file fills
    an empty database, and are all there afterwards; what is stored and found is the same."""
    from pressfree.exchange import loader
    from pressfree.store import sqlite_backend

    cli("init")
    indexes = sql(INDEXES)
    aside = []
    real = sqlite_backend.indexes_set_aside

    def spy(connection, table):
        aside.append(table.name)
        return real(connection, table)

    monkeypatch.setattr(sqlite_backend, "indexes_set_aside", spy)
    monkeypatch.setattr(loader, "INDEXES_SET_ASIDE_FROM", 0)
    cli("import", PFT, "--preset", "pft")
    assert aside == ["incident"] and sql(INDEXES) == indexes
    assert sql("PRAGMA integrity_check") == [("ok",)]
    listed = cli.json("list")
    assert len(listed) == 23
    assert len(cli.json("list", "--country", "US", "--month", "2019-05")) == len(
        [i for i in listed if i["date"].startswith("2019-05")]
    )
    cli("import", CPJ, "--preset", "cpj")  # incidents are stored now: nothing set aside
    assert aside == ["incident"] and sql(INDEXES) == indexes


_fields = st.sampled_from(
    [
        "summary",
        "city",
        "tags",
        "url",
        "external_id",
        "journalists",
        "publisher",
        "title",
        "dataset",
        "region",
    ]
)
_cells = st.one_of(
    st.text(st.characters(blacklist_categories=()), min_size=1, max_size=30),
    st.text(st.characters(max_codepoint=127), min_size=1, max_size=30),
    st.builds(
        lambda c, n: c * n, st.sampled_from("aé\t"), st.sampled_from([99, 101, 201, 501, 2001])
    ),
)


@pytest.mark.runs_once  # pure functions: no database
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_fields, _cells), min_size=1, max_size=6))
def test_a_rows_text_is_refused_as_each_value_alone_would_be(values):
    """An import checks a row's text at once, at a glance when it is printable ASCII: what
    it refuses, and why, is what text_problem says of the first bad value."""
    from pressfree.schemas import first_text_problem, text_problem

    expected = next(((f, v, why) for f, v in values if (why := text_problem(v, f))), None)
    assert first_text_problem(values) == expected


@pytest.mark.runs_once  # pure functions: no database
def test_bulk_values_convert_repeated_values_as_each_alone():
    """writes.bulk_values converts each distinct date, moment and flag of a batch once: the
    values are those SQLAlchemy's own conversion gives each row, even for one moment
    written with two offsets (equal in Python, two texts in SQLite)."""
    from datetime import date, datetime, timedelta, timezone

    from sqlalchemy.dialects import sqlite

    from pressfree.store.models import Incident
    from pressfree.store.writes import bulk_values

    utc, plus2 = UTC, timezone(timedelta(hours=2))
    moments = [
        datetime(2021, 7, 30, 12, tzinfo=utc),
        datetime(2021, 7, 30, 14, tzinfo=plus2),
        datetime(2021, 7, 30, 12, tzinfo=utc),
    ]
    rows = [
        {"first_day": date(2021, 7, d), "created_at": m, "opens_custody": flag}
        for d, m, flag in zip((1, 2, 1), moments, (True, False, True))
    ]
    dialect = sqlite.dialect()
    names, values = bulk_values(dialect, Incident.__table__, rows)
    table = Incident.__table__
    alone = [
        tuple(
            table.c[n].type._cached_bind_processor(dialect)(row[n])
            for n in ("first_day", "created_at", "opens_custody")
        )
        for row in rows
    ]
    assert names[:3] == ["first_day", "created_at", "opens_custody"]
    assert [v[:3] for v in values] == alone
    assert alone[0][1] != alone[1][1]  # the same moment, two texts


@pytest.mark.parametrize(
    "name, text, said",
    [
        (
            "esc.csv",
            "date,kinds,\x1b[2Jcol\n2021-07-05,raid,v\n",
            "row 2: extra field name: '\\x1b[2Jcol' holds a control character ('\\x1b'), "
            "which could rewrite a terminal",
        ),
        (
            "cell.csv",
            "date,kinds,other\n2021-07-05,raid,\x1b[31mred\n",
            "row 2: extra: '\\x1b[31mred' holds a control character ('\\x1b'), which could "
            "rewrite a terminal",
        ),
        (
            "key.json",
            '[{"date": "2021-07-05", "kinds": ["raid"], "a\\u0000b": "v"}]',
            "row 1: extra field name: 'a\\x00b' holds a NUL character, which PostgreSQL cannot "
            "store",
        ),
        (
            "value.ndjson",
            '{"date": "2021-07-05", "kinds": ["raid"], "x": {"y": ["\\u009b2J"]}}\n',
            "row 1: extra: '\\x9b2J' holds a control character ('\\x9b'), which could rewrite "
            "a terminal",
        ),
    ],
)
def test_control_characters_in_extra_fields_are_refused(cli, tmp_path, name, text, said):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    err = cli("import", path, code=1).stderr
    assert err.splitlines()[0] == said
    assert cli.json("list") == []


@pytest.mark.parametrize(
    "name, text, said",
    [
        ("nan.json", '[{"date": "2021-07-05", "kinds": ["raid"], "x": NaN}]', "NaN"),
        ("inf.json", '[{"date": "2021-07-05", "kinds": ["raid"], "x": -Infinity}]', "-Infinity"),
        ("big.ndjson", '{"date": "2021-07-05", "kinds": ["raid"], "x": 1e999}\n', "1e999"),
    ],
)
def test_numbers_json_does_not_have_are_refused_at_the_door(cli, tmp_path, name, text, said):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    err = cli("import", path, code=2).stderr
    assert err.endswith(f"holds {said}, which is not a finite number (JSON has no such number)\n")
    assert err.count("\n") == 1 and cli.json("list") == []


def test_a_mapping_name_with_a_control_character_is_refused(cli, tmp_path):
    rules, sheet = tmp_path / "m.toml", tmp_path / "s.csv"
    rules.write_text('name = "ngo\\u001b[31m"\n[columns]\ndate = "d"\n')
    sheet.write_text("d\n2021-07-30\n")
    assert cli("import", sheet, "--mapping", rules, code=2).stderr == (
        f"Error: mapping {rules} name: 'ngo\\x1b[31m' holds a control character ('\\x1b'), "
        "which could rewrite a terminal\n"
    )


def test_a_cell_of_links_and_a_published_day_follow_the_rules_of_a_source_given_by_hand(
    cli, tmp_path
):
    mapping = tmp_path / "links.toml"
    mapping.write_text(
        'name = "links"\n[columns]\ndate = "date"\nkinds = "kinds"\nstatus = "status"\n'
        'source_links = "links"\n',
        encoding="utf-8",
    )
    sheet = tmp_path / "links.csv"
    sheet.write_text(
        "date,kinds,status,links\n"
        '2021-07-30,raid,Confirmed,"Raid, then more (https://e.org/a) via BAJ, '
        'Archive (ipfs://bafy/x)"\n',
        encoding="utf-8",
    )
    cli("import", sheet, "--mapping", mapping)
    [incident] = cli.json("list")
    assert incident["status"] == "confirmed"
    assert [(s["url"], s["title"], s["publisher"]) for s in incident["sources"]] == [
        ("https://e.org/a", "Raid, then more", "BAJ"),
        ("ipfs://bafy/x", "Archive", None),
    ]
    sheet.write_text("date,kinds,status,links\n2021-07-31,raid,bogus,\n", encoding="utf-8")
    result = cli("import", sheet, "--mapping", mapping, code=1)
    assert (
        "status: 'bogus' is not a status (reported, confirmed, disputed, retracted, withdrawn) "
        "(map it under [values.status])" in result.stderr
    )
