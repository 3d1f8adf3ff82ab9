"""pressfree's own JSON format: the sample loads, round-trips and never doubles."""

import json
import os
import stat

import pytest

from helpers import SAMPLE, rejected_named


def test_the_sample_holds_what_the_report_says(sample):
    incidents = sample.json("list", "--month", "2021-07")
    assert [i["date"] for i in incidents] == ["2021-07-30", "2021-07-26..2021-07-30"]
    raid = incidents[0]
    assert raid["kinds"] == ["detention", "raid"] and raid["city"] == "Minsk"
    assert raid["journalists"] == []  # the report names nobody
    assert {s["publisher"] for s in raid["sources"]} == {
        "Voice of America",
        "Belarusian Association of Journalists",
    }
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
    assert result.stderr == (
        "Imported 0 incidents, 0 tallies, 0 custody periods, 0 designations; "
        "5 already present, skipped.\n"
    )
    assert len(sample.json("list")) == 2


def test_export_then_import_reproduces_everything(sample, tmp_path):
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
        "--source",
        "https://spring96.org/a",
        "--publisher",
        "Viasna",
    )
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
    assert a["designations"][0]["changes"] == [
        {"change": "appealed", "date": "2021-08-10", "note": None}
    ]


def test_the_sample_file_itself_round_trips(sample, tmp_path):
    out = tmp_path / "out.json"
    sample("export", "--out", out)
    exported, original = json.loads(out.read_text()), json.loads(SAMPLE.read_text())
    assert [i["id"] for i in exported["incidents"]] == [
        i["id"] for i in sorted(original["incidents"], key=lambda i: i["date"], reverse=True)
    ]
    by_id = {i["id"]: i for i in exported["incidents"]}
    for item in original["incidents"]:
        assert by_id[item["id"]] == {
            **item,
            "kinds": sorted(item["kinds"]),
            "tags": sorted(item["tags"]),
        }
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


def test_non_utf8_and_malformed_files(cli, tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,date,kinds\n,2021-07-30,raid\n,2021-07-30,caf\xe9\n".encode("latin-1"))
    result = cli("import", latin, code=2)
    assert result.stderr.startswith(f"Error: file: '{latin}' is not UTF-8 text")
    document = json.loads(SAMPLE.read_text())
    for change, message in [
        (lambda d: d.update(version="1"), "version: '1' must be a whole number"),
        (
            lambda d: d.update(incidents=["x"]),
            "incidents: \"['x']\" must be a list of JSON objects",
        ),
        (lambda d: d["kinds"].append({"label": "No slug"}), "kinds[0]: '' lacks the field 'slug'"),
        (lambda d: d["tallies"][0].pop("country"), "tallies[0]: '' lacks the field 'country'"),
        (
            lambda d: d["incidents"][0].update(country=12),
            "incidents[0]: '' has a value of the wrong kind",
        ),
        (
            lambda d: d["incidents"][0].update(created_at="yesterday"),
            "incidents[0].created_at: 'yesterday' is not an ISO 8601 timestamp",
        ),
        (lambda d: d["incidents"][0].update(id="1"), "incidents[0].id: '1' is not a pressfree id"),
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


def test_a_pressfree_document_honours_dry_run(cli):
    cli("init")
    result = cli("import", SAMPLE, "--dry-run")
    assert result.stderr == (
        "Would import 2 incidents, 2 tallies, 0 custody periods, 1 designation.\n"
    )
    assert cli.json("list") == []
    result = cli("import", SAMPLE, "--skip-invalid", code=2)
    assert result.stderr.startswith("Error: --skip-invalid: '' applies to rows")


@pytest.mark.sqlite_only  # backups copy SQLite files
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
    assert result.stderr == f"Error: path: '{tmp_path}' is a folder: name a file\n"


def test_a_filtered_json_export_stands_on_its_own(sample, tmp_path):
    sample("add", "arrest", "--date", "2020-03-01", "--country", "RU", "--journalist", "Elsewhere")
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


def test_redaction_replaces_whole_names_in_any_case(cli):
    cli(
        "add",
        "arrest",
        "--date",
        "2021-07-30",
        "--journalist",
        "Ann",
        "--journalist",
        "Anna Kova",
        "--perpetrator",
        "ANN was held in Ann Arbor; Annual report",
        "--summary",
        "Ann held at her flat",
        "--city",
        "Minsk",
    )
    cli("journalists", "set", "Ann", "--at-risk")
    pseudonym = next(p["pseudonym"] for p in cli.json("journalists") if p["name"] == "Ann")

    def exported() -> dict:
        [item] = [
            json.loads(line)
            for line in cli("export", "--format", "ndjson", "--redact").stdout.splitlines()
        ]
        return item

    item = exported()
    assert sorted(item["journalists"]) == sorted(["Anna Kova", pseudonym])
    assert item["perpetrator"] == (f"{pseudonym} was held in {pseudonym} Arbor; Annual report")
    # free text that names her is withheld whole: "her flat" says more than her name
    assert item["summary"] == "[withheld: names a person at risk]"
    cli("edit", item["id"], "--public-summary", "A journalist was detained in Minsk")
    assert exported()["summary"] == "A journalist was detained in Minsk"
    cli("edit", item["id"], "--public-summary", "Ann was detained")  # names her: withheld too
    assert exported()["summary"] == "[withheld: names a person at risk]"
    assert exported()["public_summary"] == "[withheld: names a person at risk]"
    shown = cli.json("show", item["id"])  # not redacted: the researcher's own screen
    assert (shown["summary"], shown["public_summary"]) == (
        "Ann held at her flat",
        "Ann was detained",
    )


def test_a_redacted_export_imports_back_into_its_own_database(cli, tmp_path):
    cli("add", "arrest", "--date", "2021-07-30", "--journalist", "Ann")
    cli("journalists", "set", "Ann", "--at-risk")
    out = tmp_path / "public.json"
    cli("export", "--redact", "--out", out)
    assert "Ann" not in out.read_text().replace("Annual", "")
    cli("import", out)  # the pseudonymous copy of the incident is skipped by its id


def test_a_filtered_export_by_journalist_carries_no_figures(sample):
    sample("add", "arrest", "--date", "2021-07-30", "--journalist", "Ann")
    document = json.loads(sample("export", "--journalist", "Ann").stdout)
    assert len(document["incidents"]) == 1 and document["tallies"] == []
    document = json.loads(sample("export", "--publisher", "Viasna").stdout)
    assert [t["publisher"] for t in document["tallies"]] == ["Viasna"]


# --- documents that name what is not there, odd targets, partial files ---------------------


def _document(**sections):
    return {"format": "pressfree", "version": 1, **sections}


def _arrest(id_="0b7c3e52-9d41-4a8e-8f0e-6c2d9a1b7e11", person="Ann"):
    return {"id": id_, "kinds": ["arrest"], "date": "2021-07-30", "journalists": [person]}


@pytest.mark.parametrize(
    "document, message",
    [
        (
            _document(
                custody=[
                    {
                        "person": "Ann",
                        "since": "2021-07-30",
                        "incident": "5e1f0a93-2c64-4b7d-a9e8-3f4b6c7d8e22",
                    }
                ]
            ),
            "custody[0].incident: '5e1f0a93-2c64-4b7d-a9e8-3f4b6c7d8e22' is not an incident id",
        ),
        (
            _document(
                designations=[
                    {
                        "target": "Belsat",
                        "label": "extremist-materials",
                        "issued_by": "KGB",
                        "date": "2021-07",
                        "incident": "5e1f0a93-2c64-4b7d-a9e8-3f4b6c7d8e22",
                    }
                ]
            ),
            "designations[0].incident: '5e1f0a93-2c64-4b7d-a9e8-3f4b6c7d8e22' is not an "
            "incident id",
        ),
        (
            _document(
                incidents=[_arrest()],
                custody=[
                    {
                        "person": "Ann",
                        "since": "2021-07-30",
                        "released_on": "2021-07-01",
                        "incident": "0b7c3e52-9d41-4a8e-8f0e-6c2d9a1b7e11",
                    }
                ],
            ),
            "custody[0].released_on: '2021-07-01' is before the detention it would end "
            "(2021-07-30)",
        ),
        (
            _document(
                incidents=[_arrest()],
                custody=[
                    {
                        "person": "Bob",
                        "since": "2021-07-30",
                        "incident": "0b7c3e52-9d41-4a8e-8f0e-6c2d9a1b7e11",
                    }
                ],
            ),
            "custody[0].person: 'Bob' is not named by incident "
            "0b7c3e52-9d41-4a8e-8f0e-6c2d9a1b7e11",
        ),
        (_document(people=[{"name": 5}]), "people[0].name: 5 must be text"),
        (_document(outlets=[{"name": ["Belsat"]}]), "outlets[0].name: ['Belsat'] must be text"),
        (
            _document(incidents=[_arrest()], custody=[{"person": "Ann", "since": "2021-07-30"}]),
            "custody[0].incident: None is required: a custody period belongs to the detention or "
            "arrest that opened it",
        ),
        (
            _document(
                tallies=[
                    {
                        "metric": "raid",
                        "value": 2147483648,
                        "qualifier": "exact",
                        "period": "2021-07",
                        "country": "BY",
                        "publisher": "X",
                    }
                ]
            ),
            "tallies[0].value: '2147483648' is too large (at most 2,147,483,647)",
        ),
        (
            _document(incidents=[dict(_arrest(), summary="a\x00b")]),
            "incidents[0].summary: 'a\\x00b' holds a NUL character, which PostgreSQL cannot store",
        ),
        (
            _document(outlets=[{"name": "Belsat", "type": "blog"}]),
            "outlets[0].type: 'blog' is not an outlet type (outlet, organisation)",
        ),
    ],
)
def test_a_document_that_does_not_hold_together_is_refused_whole(cli, tmp_path, document, message):
    path = tmp_path / "document.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    cli("add", "raid", "--date", "2021-07-01")
    before = cli("export").stdout.split('"incidents"', 1)[1]
    result = cli("import", path, code=result_code(message))
    assert result.stderr == f"Error: {message}\n"
    assert cli("export").stdout.split('"incidents"', 1)[1] == before


def result_code(message: str) -> int:
    return 1 if "is not an incident id" in message else 2


@pytest.mark.parametrize(
    "text, message",
    [
        ("[" * 100_000 + "]" * 100_000, "is nested too deeply to read"),
        (
            '{"format": "pressfree", "incidents": [' + "[" * 50_000 + "]" * 50_000 + "]}",
            "is nested too deeply to read",
        ),
        (
            '{"format": "pressfree", "tallies": [{"value": ' + "9" * 5000 + "}]}",
            "holds an integer of 5,000 digits (at most 1,000)",
        ),
        ('[{"date": ' + "1" * 4301 + "}]", "holds an integer of 4,301 digits (at most 1,000)"),
    ],
)
def test_hostile_json_is_one_line(cli, tmp_path, text, message):
    for suffix in ("json", "ndjson"):
        path = tmp_path / f"hostile.{suffix}"
        path.write_text(text)
        result = cli("import", path, code=2)
        where = "line 1" if suffix == "ndjson" else "file"
        assert result.stderr.startswith(f"Error: {where}: "), result.stderr
        assert result.stderr.endswith(f" {message}\n")
        assert len(result.stderr.splitlines()) == 1


@pytest.mark.sqlite_only  # backups copy SQLite files
def test_exports_and_backups_never_replace_anything_but_a_file(sample, tmp_path, backend):
    import os

    target = tmp_path / "target.json"
    target.write_text("precious")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for command, field in ((["export", "--out"], "--out"), (["backup"], "path")):
        assert sample(*command, link, code=2).stderr == (
            f"Error: {field}: '{link}' is a symbolic link: name the file itself\n"
        )
        assert sample(*command, fifo, code=2).stderr == (
            f"Error: {field}: '{fifo}' is not a regular file (a device, FIFO or socket): "
            "name a file\n"
        )
        assert sample(*command, "/dev/null", code=2).stderr == (
            f"Error: {field}: '/dev/null' is not a regular file (a device, FIFO or socket): "
            "name a file\n"
        )
        missing = tmp_path / "no-such-folder" / "x"
        assert sample(*command, missing, code=2).stderr == (
            f"Error: {field}: '{missing}' is in a folder that does not exist (create it first)\n"
        )
    assert target.read_text() == "precious" and link.is_symlink()
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert json.loads(sample("export", "--out", "-").stdout)["format"] == "pressfree"
    copy = sample("backup", "-").stdout_bytes  # the database's own bytes: encrypted as it is
    assert copy.startswith(b"SQLite format 3\x00") == (backend != "sqlcipher")
    (tmp_path / "piped.db").write_bytes(copy)
    assert [i["id"] for i in sample.json("--db", tmp_path / "piped.db", "list")] == [
        i["id"] for i in sample.json("list")
    ]


@pytest.mark.sqlite_only  # backups copy SQLite files
def test_partial_files_of_killed_writers_are_removed(sample, tmp_path):
    """A killed export or backup leaves a partial file named with its process id; the next
    export or backup into that folder removes those whose process is gone."""
    import subprocess
    import sys

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = tmp_path / f".old.json.{gone.pid}.pressfree-partial"
    stale.write_text("x" * 1000)
    journal = tmp_path / f".old.db.{gone.pid}.pressfree-partial-journal"  # a killed backup's
    journal.write_text("j")
    mine = tmp_path / f".other.json.{os.getpid()}.pressfree-partial"  # a live writer's
    mine.write_text("y")
    sample("export", "--out", tmp_path / "new.json")
    assert not stale.exists() and not journal.exists() and mine.exists()
    stale.write_text("x")
    sample("backup", tmp_path / "copy.db")
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [mine.name]
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o600


def test_no_output_file_is_written_over_the_database(cli, tmp_path, backend):
    db = tmp_path / "cases.db"
    cli("--db", db, "add", "raid", "--date", "2021-07-30")
    before = db.read_bytes()
    for command, field in ((["export", "--out"], "--out"), (["backup"], "path")):
        for target in (db, tmp_path / "." / "cases.db", tmp_path / "cases.db-wal"):
            result = cli("--db", db, *command, target, code=2)
            assert result.stderr == f"Error: {field}: '{target}' is the database itself\n"
    sheet = tmp_path / "cases.csv"
    sheet.write_text("date,kinds\n2021-07-30,raid\nnot a date,raid\n", encoding="utf-8")
    rejected_db = tmp_path / "cases.rejected.csv"  # a database named as the rejected file
    cli("--db", rejected_db, "init")
    named = rejected_named(backend, sheet)
    result = cli("--db", rejected_db, "import", sheet, "--skip-invalid", *named, code=2)
    field = "--rejected" if named else "--skip-invalid"
    assert result.stderr == (f"Error: {field}: '{rejected_db}' is the database itself\n")
    assert cli.json("--db", rejected_db, "info")["incidents"] == 0
    assert db.read_bytes() == before


def test_a_document_keeps_which_detentions_open_custody(cli, tmp_path):
    rows = tmp_path / "rows.json"
    rows.write_text(
        json.dumps([{"date": "2021-07-10", "kinds": "detention", "journalists": "Ann"}]),
        encoding="utf-8",
    )
    cli("import", rows)  # rows of a file open no custody
    cli("add", "arrest", "--date", "2021-07-12", "--journalist", "Bob")
    document = tmp_path / "all.json"
    cli("export", "--out", document)
    [imported] = [
        i for i in json.loads(document.read_text())["incidents"] if i["journalists"] == ["Ann"]
    ]
    assert imported["opens_custody"] is False
    fresh = tmp_path / "fresh.db"
    result = cli("--db", fresh, "import", document)
    assert result.stderr == ("Imported 2 incidents, 0 tallies, 1 custody period, 0 designations.\n")
    held = cli.json("--db", fresh, "custody", "--as-of", "2021-07-20")["held"]
    assert [r["person"] for r in held] == ["Bob"]
    assert "opens_custody" not in cli.json("--db", fresh, "list")[0]


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d: d["incidents"].append(dict(d["incidents"][0])),
            "incidents[1].id: '0b7c3e52-9d41-4a8e-8f0e-6c2d9a1b7e11' appears twice in the document",
        ),
        (
            lambda d: d.update(
                people=[
                    {"name": "A", "pseudonym": "Person AAAA-BBBB"},
                    {"name": "B", "pseudonym": "Person AAAA-BBBB"},
                ]
            ),
            "people[1].pseudonym: 'Person AAAA-BBBB' is already 'A''s",
        ),
        (
            lambda d: d.update(people=[{"name": "A", "outlet": "O\x00"}]),
            "people[0].outlet: 'O\\x00' holds a NUL character, which PostgreSQL cannot store",
        ),
        (
            lambda d: d.update(people=[{"name": "A", "pseudonym": "P\x00"}]),
            "people[0].pseudonym: 'P\\x00' holds a NUL character, which PostgreSQL cannot store",
        ),
        (
            lambda d: d["incidents"][0].update(city="Min\x1b[31msk"),
            "incidents[0].city: 'Min\\x1b[31msk' holds a control character ('\\x1b'), which could "
            "rewrite a terminal",
        ),
        (lambda d: d.update(version=-1), "version: -1 must be a whole number from 1"),
        (
            lambda d: d.update(
                tallies=[
                    {
                        "metric": "ra\x00id",
                        "value": 1,
                        "qualifier": "exact",
                        "period": "2021",
                        "country": "BY",
                        "publisher": "X",
                    }
                ]
            ),
            "tallies[0].metric: 'ra\\x00id' holds a NUL character, which PostgreSQL cannot store",
        ),
    ],
)
def test_a_document_is_checked_the_same_on_both_backends(cli, any_db, tmp_path, change, message):
    document = _document(incidents=[_arrest()])
    change(document)
    path = tmp_path / "document.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = cli("--db", any_db, "import", path, code=2)
    assert result.stderr == f"Error: {message}\n"
