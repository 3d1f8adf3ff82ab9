"""An organisation's own fields (issue 30): defined once with a type, set with --field,
checked wherever a value comes in, filtered, exported, kept in the history."""

import json

import pytest

from helpers import editor_script


@pytest.fixture
def defined(cli):
    cli("fields", "add", "court", "--type", "choice", "--choices", "district, regional")
    cli("fields", "add", "fine", "--type", "number")
    cli("fields", "add", "hearing", "--type", "date")
    cli("fields", "add", "judge")
    return cli


def test_fields_are_defined_set_shown_filtered_exported_and_kept_in_the_history(defined, tmp_path):
    cli = defined
    assert cli.json("fields") == [
        {"name": "court", "type": "choice", "choices": "district, regional"},
        {"name": "fine", "type": "number", "choices": ""},
        {"name": "hearing", "type": "date", "choices": ""},
        {"name": "judge", "type": "text", "choices": ""},
    ]
    new_id = cli(
        "add", "conviction", "--date", "2021-07-30", "--field", "court=District",
        "--field", "fine=1,5", "--field", "hearing=3 August 2021", "--field", "judge=Ivanova",
    ).stdout.strip()  # fmt: skip
    stored = cli.json("show", new_id)["extra"]
    assert stored == {
        "court": "district",
        "fine": "1.5",
        "hearing": "2021-08-03",
        "judge": "Ivanova",
    }
    assert "court: district" in cli("show", new_id).stdout
    other = cli("add", "raid", "--date", "2021-07-30", "--field", "court=regional").stdout.strip()
    assert [i["id"] for i in cli.json("list", "--where", "court=district")] == [new_id]
    # a field removed from one incident, then bulk-set on several
    cli("edit", new_id, "--field", "judge=")
    assert "judge" not in cli.json("show", new_id)["extra"]
    cli("edit", "--where", "date=2021-07-30", "--field", "fine=200", "--yes")
    assert {cli.json("show", i)["extra"]["fine"] for i in (new_id, other)} == {"200"}
    changes = cli.json("history", new_id)[1]["changes"]
    assert changes == [
        {
            "field": "extra",
            "before": {
                "court": "district",
                "fine": "1.5",
                "hearing": "2021-08-03",
                "judge": "Ivanova",
            },
            "after": {"court": "district", "fine": "1.5", "hearing": "2021-08-03"},
        }
    ]
    out = tmp_path / "all.json"
    cli("export", "--out", out)
    [exported] = [i for i in json.loads(out.read_text())["incidents"] if i["id"] == new_id]
    assert exported["extra"]["court"] == "district"


@pytest.mark.parametrize(
    "field, said",
    [
        ("court=supreme", "court: 'supreme' is not one of district, regional"),
        ("fine=a lot", "fine: 'a lot' is not a number"),
        ("fine=inf", "fine: 'inf' is not a number"),
        ("hearing=2021-13-01", "hearing: '2021-13-01' is not a real date"),
        ("colour=red", "--field: 'colour' is not a field of this database (court, fine, "
         "hearing, judge; `pressfree fields add NAME --type text|number|date|choice` defines one)"),
        ("judge", "--field: 'judge' must be NAME=VALUE"),
    ],
)  # fmt: skip
def test_a_value_that_does_not_fit_its_field_is_refused_and_nothing_written(defined, field, said):
    result = defined("add", "raid", "--date", "2021-07-30", "--field", field, code=2)
    assert result.stderr == f"Error: {said}\n"
    assert defined.json("list") == []


def test_a_column_named_as_a_field_is_checked_on_import(defined, tmp_path):
    sheet = tmp_path / "rows.csv"
    sheet.write_text(
        "date,kinds,court,fine\n2021-07-30,raid,Regional,10\n2021-07-31,raid,supreme,20\n",
        encoding="utf-8",
    )
    said = defined("import", sheet, code=1).stderr
    assert "row 3: court: 'supreme' is not one of district, regional" in said
    assert defined.json("list") == []
    sheet.write_text('date,kinds,court,fine\n2021-07-30,raid,Regional,"1,5"\n', encoding="utf-8")
    defined("import", sheet)
    [item] = defined.json("list")
    assert item["extra"] == {"court": "regional", "fine": "1.5"}


@pytest.mark.parametrize(
    "args, said",
    [
        (["fields", "add", "date"],
         "NAME: 'date' is one of pressfree's own fields: choose another name"),
        (["fields", "add", "x", "--type", "colour"],
         "--type: 'colour' is not a type (text, number, date, choice)"),
        (["fields", "add", "x", "--type", "choice"],
         "--choices: '' are needed for a choice: the values it may take"),
        (["fields", "add", "x", "--choices", "a,b"],
         "--choices: 'a,b' go with --type choice, not text"),
        (["fields", "remove", "x"],
         "NAME: 'x' is not a field of this database (see `pressfree fields`)"),
    ],
)  # fmt: skip
def test_a_bad_definition_is_one_line(cli, args, said):
    assert cli(*args, code=2).stderr == f"Error: {said}\n"


def test_a_definition_that_a_stored_value_would_not_fit_is_refused(defined):
    new_id = defined("add", "raid", "--date", "2021-07-30", "--field", "judge=Ivanova").stdout
    said = defined("fields", "add", "judge", "--type", "number", code=2).stderr
    assert said == (
        f"Error: --type: 'number' does not fit incident {new_id[:8]}: judge: 'Ivanova' is not "
        "a number\n"
    )
    defined("fields", "remove", "judge")
    assert defined.json("show", new_id.strip())["extra"] == {"judge": "Ivanova"}


def test_the_editor_holds_the_fields_and_checks_them(defined, tmp_path, monkeypatch):
    folder = editor_script(
        tmp_path,
        monkeypatch,
        'kinds = ["raid"]\ndate = "2021-07-30"\n[fields]\ncourt = "Regional"\nfine = "2,5"\n',
        'kinds = ["raid"]\ndate = "2021-07-30"\n[fields]\ncourt = ""\nfine = "2.5"\n',
    )
    new_id = defined("add", "--editor").stdout.strip()
    shown = (folder / "shown-1.toml").read_text(encoding="utf-8")
    assert (
        '"court" = ""   # one of district, regional' in shown and '"fine" = ""   # number' in shown
    )
    assert defined.json("show", new_id)["extra"] == {"court": "regional", "fine": "2.5"}
    defined("edit", new_id, "--editor")
    assert '"court" = "regional"' in (folder / "shown-2.toml").read_text(encoding="utf-8")
    assert defined.json("show", new_id)["extra"] == {"fine": "2.5"}


def test_a_copy_and_a_document_carry_the_definitions(defined, tmp_path):
    defined("add", "raid", "--date", "2021-07-30", "--field", "court=district")
    copy = tmp_path / "copy.db"
    defined("copy", "--to", copy)
    assert [f["name"] for f in defined.json("--db", copy, "fields")] == [
        "court",
        "fine",
        "hearing",
        "judge",
    ]
    said = defined("--db", copy, "add", "raid", "--date", "2021", "--field", "court=x", code=2)
    assert said.stderr == "Error: court: 'x' is not one of district, regional\n"


def test_the_report_lists_the_fields_asked_for_and_withholds_text_naming_someone_at_risk(
    defined, tmp_path
):
    defined("add", "detention", "--date", "2021-07-20", "--country", "BY", "-j", "Ann Lee",
            "--field", "court=regional", "--field", "judge=Heard with Ann Lee's lawyer",
            "--source", "https://x.org/a")  # fmt: skip
    defined("add", "raid", "--date", "2021-07-21", "--country", "BY", "--field", "judge=Ivanova")
    defined("journalists", "set", "Ann Lee", "--at-risk")

    def cells(*options: str) -> list[list[str]]:
        out = tmp_path / "r.html"
        defined("report", "--month", "2021-07", "--out", out, "--lang", "be", *options)
        page = out.read_text(encoding="utf-8")
        table = page[page.index('<section id="incidents">') :]
        heads = [h.split(">", 1)[1] for h in table.split("</th>")[:-1]]
        rows = [
            [c.rsplit(">", 1)[-1] for c in row.split("</td>")[-3:-1]]
            for row in table.split("</tr>")[1:-1]
        ]
        return [heads[-2:], *rows]

    # the field's own name heads its column, in any language; an empty value is empty
    assert cells("--field", "court", "--field", "judge") == [
        ["court", "judge"],
        ["regional", "[не паказана: называе чалавека, які знаходзіцца ў небяспецы]"],
        ["", "Ivanova"],
    ]
    assert cells("--field", "judge", "--field", "court", "--show-at-risk")[1] == [
        "Heard with Ann Lee&#39;s lawyer",
        "regional",
    ]
    # printed, the seven columns leave a fifth of the page to the fields
    assert '<table class="with-fields">' in (tmp_path / "r.html").read_text(encoding="utf-8")
    refused = defined("report", "--month", "2021-07", "--out", tmp_path / "x.html",
                      "--field", "court", "--field", "nope", code=2)  # fmt: skip
    assert refused.stderr == (
        "Error: --field: 'nope' is not a field of this database (court, fine, hearing, judge; "
        "`pressfree fields add NAME --type text|number|date|choice` defines one)\n"
    )
    assert not (tmp_path / "x.html").exists()
