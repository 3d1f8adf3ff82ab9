"""The history: every change kept with who made it, updates on incidents, restore and undo."""

import json

import pytest

from helpers import FIXTURES, SAMPLE, connect_file, corpus, on_a_terminal


def _log(cli, *args):
    return [(r["verb"], r["record_type"]) for r in cli.json("history", *args)]


def test_every_write_records_a_revision_with_who_and_which_command(cli, monkeypatch):
    monkeypatch.setenv("PRESSFREE_USER", "viasna-desk")
    incident = cli(
        "add",
        "detention",
        "--date",
        "2021-07-30",
        "--journalist",
        "Ann",
        "--source",
        "https://example.org/a",
    ).stdout.strip()
    cli("--as", "anna", "edit", incident, "--status", "confirmed")
    cli(
        "tally",
        "add",
        "raid",
        ">200",
        "--period",
        "2021-07",
        "--country",
        "BY",
        "--publisher",
        "Viasna",
    )
    cli("release", "Ann", "--date", "2021-08-02")
    designation = cli(
        "designate",
        "Belsat",
        "--label",
        "extremist-formation",
        "--by",
        "KGB",
        "--date",
        "2021-07-26",
    ).stdout.strip()
    cli("designations", "lift", designation, "--date", "2024-01-10")
    cli("journalists", "set", "Ann", "--at-risk")
    cli("kinds", "add", "internet-shutdown", "Internet shutdown")
    cli("labels", "add", "undesirable-media", "Undesirable media")
    cli("delete", incident, "--yes")
    assert _log(cli) == [
        ("add", "incident"),
        ("edit", "incident"),
        ("tally add", "tally"),
        ("release", "custody"),
        ("designate", "incident"),
        ("designate", "designation"),
        ("designations lift", "designation"),
        ("journalists set", "journalist"),
        ("kinds add", "kind"),
        ("labels add", "label"),
        ("delete", "incident"),
    ]
    log = cli.json("history")
    assert {r["who"] for r in log} == {"viasna-desk", "anna"}
    assert [r["who"] for r in log if r["verb"] == "edit"] == ["anna"]
    [edit] = [r for r in log if r["verb"] == "edit"]
    assert edit["changes"] == [{"field": "status", "before": "reported", "after": "confirmed"}]
    assert edit["before"]["status"] == "reported" and edit["after"]["status"] == "confirmed"
    assert edit["at"].endswith("Z")
    assert [r["verb"] for r in cli.json("history", "--who", "anna")] == ["edit"]
    assert _log(cli, "--kind", "designation") == [
        ("designate", "designation"),
        ("designations lift", "designation"),
    ]
    assert cli.json("history", "--since", "2000", "--until", "2001") == []


def test_a_failed_command_leaves_no_revision(cli):
    incident = cli("add", "raid", "--date", "2021-07-30").stdout.strip()
    cli("edit", incident, "--kind", "bogus", code=2)
    cli("add", "raid", "--date", "2021-02-30", code=2)
    cli("release", "Nobody", "--date", "2021-07-30", code=1)
    cli("--as", "", "add", "raid", "--date", "2021", code=2)
    assert _log(cli) == [("add", "incident")]


def test_one_records_history_field_by_field(cli):
    incident = cli("add", "raid", "--date", "2021-07", "--city", "Minsk").stdout.strip()
    cli("edit", incident, "--date", "2021-07-30", "--city", "Hrodna", "--tag", "newsroom")
    cli(
        "note",
        incident,
        "Equipment returned",
        "--date",
        "2021-08-15",
        "--source",
        "https://example.org/b",
        "--publisher",
        "BAJ",
    )
    revisions = cli.json("history", incident[:6])
    assert [r["rev"] for r in revisions] == [1, 2, 3]
    assert revisions[1]["changes"] == [
        {"field": "date", "before": "2021-07", "after": "2021-07-30"},
        {"field": "date_precision", "before": "month", "after": "day"},
        {"field": "city", "before": "Minsk", "after": "Hrodna"},
        {"field": "tags", "before": [], "after": ["newsroom"]},
    ]
    assert revisions[2]["changes"] == [
        {
            "field": "updates",
            "before": None,
            "after": [
                {
                    "date": "2021-08-15",
                    "text": "Equipment returned",
                    "source": "https://example.org/b",
                    "publisher": "BAJ",
                }
            ],
        }
    ]
    lines = cli("history", incident).stdout
    assert "city: Minsk → Hrodna" in lines and "added" in lines
    ndjson = cli("history", incident, "--format", "ndjson").stdout.splitlines()
    assert [json.loads(line)["verb"] for line in ndjson] == ["add", "edit", "note"]


def test_updates_are_shown_in_date_order_and_travel_with_the_incident(cli, tmp_path):
    incident = cli("add", "arrest", "--date", "2021-07-30", "--journalist", "Ann").stdout.strip()
    cli("note", incident, "Sentenced to 3 years", "--date", "2022-01")
    cli("note", incident, "Charged under article 342", "--date", "2021-08-02")
    shown = cli.json("show", incident)
    assert [u["text"] for u in shown["updates"]] == [
        "Charged under article 342",
        "Sentenced to 3 years",
    ]
    assert "Charged under article 342" in cli("show", incident).stdout
    result = cli("note", incident, "Before it happened", "--date", "2021-07-01", code=2)
    assert result.stderr == "Error: --date: '2021-07-01' is before the incident (2021-07-30)\n"
    document = tmp_path / "all.json"
    cli("export", "--out", document)
    fresh = tmp_path / "fresh.db"
    cli("--db", fresh, "import", document)
    assert cli.json("--db", fresh, "show", incident)["updates"] == shown["updates"]


def test_restore_to_a_revision_is_a_new_revision(cli):
    incident = cli(
        "add", "raid", "--date", "2021-07-30", "--summary", "First words", "--tag", "a"
    ).stdout.strip()
    cli("edit", incident, "--summary", "Second words", "--replace", "--tag", "b")
    cli("edit", incident, "--status", "retracted")
    restored = cli.json("restore", incident, "--to", "1")
    assert (restored["summary"], restored["tags"], restored["status"]) == (
        "First words",
        ["a"],
        "reported",
    )
    revisions = cli.json("history", incident)
    assert [r["verb"] for r in revisions] == ["add", "edit", "edit", "restore"]
    assert revisions[-1]["before"]["status"] == "retracted"  # nothing was rewritten


def test_a_deleted_incident_comes_back_whole(cli):
    cli("import", SAMPLE)
    [designated] = cli.json("designations")
    belsat = designated["incident"]
    cli("designations", "appeal", designated["id"], "--date", "2021-08-10")
    detention = cli(
        "add",
        "detention",
        "--date",
        "2021-07-30",
        "--country",
        "BY",
        "--city",
        "Minsk",
        "--journalist",
        "Ann",
        "--outlet",
        "Belsat",
        "--tag",
        "home",
        "--source",
        "https://example.org/a",
        "--publisher",
        "BAJ",
    ).stdout.strip()
    cli("release", "Ann", "--date", "2021-08-02", "--outcome", "exchanged")
    cli("note", detention, "Released after 3 days", "--date", "2021-08-02")
    before = {i: cli.json("show", i) for i in (detention, belsat)}
    custody = cli.json("export")["custody"]
    designations = cli.json("designations")
    cli("delete", detention, "--yes")
    cli("delete", belsat, "--yes")
    assert cli.json("designations") == [] and cli.json("export")["custody"] == []
    gone = cli.json("deleted")
    assert [(d["id"], d["kinds"]) for d in gone] == [
        (belsat, ["designation"]),
        (detention, ["detention"]),
    ]
    for incident in (detention, belsat):
        cli("restore", incident[:8])
    for incident in (detention, belsat):
        back = cli.json("show", incident)
        assert {k: v for k, v in back.items() if k != "updated_at"} == {
            k: v for k, v in before[incident].items() if k != "updated_at"
        }
    assert cli.json("export")["custody"] == custody
    assert cli.json("designations") == designations
    assert cli.json("deleted") == []
    assert [r["verb"] for r in cli.json("history", detention)] == [
        "add",
        "note",
        "delete",
        "restore",
    ]


def _revised(cli) -> tuple[dict[str, str], list]:
    """An incident added and edited, and a tally: revisions 1 to 3; and the history."""
    incident = cli("add", "raid", "--date", "2021-07-30").stdout.strip()
    cli("edit", incident, "--status", "confirmed")
    tally = cli(
        "tally", "add", "raid", "5", "--period", "2021-07", "--country", "BY", "--publisher", "X"
    ).stdout.strip()
    return {"INCIDENT": incident, "TALLY": tally}, cli.json("history")


# Built once for the module on each backend: each refused command changes nothing in it.
revised = corpus(_revised)


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["history", "0000"], 1, "id: '0000' has no history here"),
        (["history", ""], 2, "id: '' is empty"),
        (["restore", "abcdef12"], 1, "id: 'abcdef12' has no history here"),
        (["restore", "INCIDENT", "--to", "x"], 2, "--to: 'x' is not a revision number"),
        (["restore", "INCIDENT", "--to", "99"], 1, "--to: '99' is not a revision here"),
        (
            ["restore", "INCIDENT", "--to", "3"],
            2,
            "--to: '3' is a revision of tally TALLY, not of INCIDENT",
        ),
        (
            ["restore", "INCIDENT"],
            2,
            "--to is needed: incident INCIDENT is not deleted (give the "
            "revision to go back to, see `pressfree history ID`)",
        ),
        (
            ["restore", "TALLY"],
            2,
            "--to is needed: tally TALLY is not deleted (give the "
            "revision to go back to, see `pressfree history ID`)",
        ),
        (
            ["history", "--kind", "bogus"],
            2,
            "--kind: 'bogus' is not a kind of record (incident, "
            "tally, designation, journalist, outlet, placeholder, "
            "kind, label, custody, import, merge, case, article, "
            "category, check, setting, publisher)",
        ),
        (
            ["imports", "undo", "2", "--yes"],
            2,
            "id: '2' is not an import (see `pressfree imports`)",
        ),
    ],
)
def test_bad_history_input_is_one_line_and_writes_nothing(revised, args, code, message):
    swap, before = revised.built
    args = [swap.get(a, a) for a in args]
    for name, value in swap.items():
        message = message.replace(name, value)
    assert revised(*args, code=code).stderr == f"Error: {message}\n"
    assert revised.json("history") == before


def test_an_import_is_one_entry_and_can_be_undone(cli, tmp_path):
    excerpt = FIXTURES / "pft_excerpt.csv"
    cli("add", "raid", "--date", "2021-07-30")
    cli("import", excerpt, "--preset", "pft")
    assert _log(cli) == [("add", "incident"), ("import", "import")]
    [entry] = cli.json("imports")
    assert (entry["file"], entry["mapping"], entry["incidents"], entry["undone"]) == (
        "pft_excerpt.csv",
        "pft, layout export-2019",
        23,
        False,
    )
    assert entry["added"] == 23 and len(entry["sha256"]) == 64
    imported = [i for i in cli.json("list") if i.get("dataset") == "pft"]
    cli("edit", imported[0]["id"], "--status", "disputed")
    result = cli("imports", "undo", str(entry["id"]), "--yes", code=1)
    assert result.stderr == (
        f"Error: id: import {entry['id']}: 1 of its 25 incidents and "
        "cases were "
        f"changed or deleted since ({imported[0]['id'][:8]}); add --force "
        "to remove them anyway\n"
    )
    assert len(cli.json("list")) == 24
    result = cli("imports", "undo", str(entry["id"]), "--yes", "--force")
    assert result.stderr == (
        f"Undid import {entry['id']} (pft_excerpt.csv): removed 23 incidents, 2 cases.\n"
    )
    assert len(cli.json("list")) == 1
    assert cli.json("imports")[0]["undone"] is True
    result = cli("imports", "undo", str(entry["id"]), "--yes", code=1)
    assert result.stderr == f"Error: id: import {entry['id']} was undone already\n"
    # the changed incident's removal is in the history, and the file imports again
    assert [r["verb"] for r in cli.json("history", imported[0]["id"])] == ["edit", "imports undo"]
    assert "\nImported 23 incidents" in cli("import", excerpt, "--preset", "pft").stderr


def test_a_document_import_is_one_entry_too(cli, tmp_path):
    cli("import", SAMPLE)
    assert _log(cli) == [("import", "import")]
    [entry] = cli.json("imports")
    # without a terminal to ask on, as `delete`: --yes, or nothing is removed
    refused = cli("imports", "undo", str(entry["id"]), code=2).stderr
    assert refused == "Error: --yes: '' is required to delete without a terminal\n"
    assert cli.json("info")["incidents"] == 2
    said = cli("imports", "undo", str(entry["id"]), "--yes").stderr
    assert said == (
        f"Undid import {entry['id']} ({SAMPLE.name}): removed 2 incidents, 1 designation, "
        "2 tallies.\n"
    )
    facts = cli.json("info")
    assert (facts["incidents"], facts["tallies"], facts["designations"]) == (0, 0, 0)


@pytest.mark.parametrize("answer, left", [("n", 2), ("y", 0)])
def test_on_a_terminal_imports_undo_says_what_it_removes_and_asks(cli, answer, left):
    import os

    cli("import", SAMPLE)
    [entry] = cli.json("imports")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    code, shown = on_a_terminal(["imports", "undo", str(entry["id"])], env, answer)
    assert (
        f"Undo import {entry['id']}: remove 2 incidents, 1 designation, 2 tallies? [y/N]"
        in " ".join(shown.split())
    )
    assert code == (1 if answer == "n" else 0)
    assert cli.json("info")["incidents"] == left


@pytest.mark.sqlite_only  # backups copy SQLite files
def test_the_history_goes_with_a_whole_export_and_a_backup_but_never_redacted(cli, tmp_path):
    incident = cli("add", "raid", "--date", "2021-07-30", "--journalist", "Ann").stdout.strip()
    cli("edit", incident, "--status", "confirmed")
    cli("journalists", "set", "Ann", "--at-risk")
    document = json.loads(cli("export", "--history").stdout)
    assert [r["verb"] for r in document["history"]] == ["add", "edit", "journalists set"]
    assert "history" not in json.loads(cli("export").stdout)
    result = cli("export", "--history", "--format", "csv", code=2)
    assert result.stderr == (
        "Error: --history goes with --format json (ndjson and csv hold incidents only)\n"
    )
    result = cli("export", "--history", "--redact", code=2)
    assert result.stderr == (
        "Error: --history cannot go with --redact: old values hold the names it hides\n"
    )
    path = tmp_path / "with-history.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    cli("--db", fresh, "import", path)
    cli("--db", fresh, "import", path, "--dry-run")
    assert [r["verb"] for r in cli.json("--db", fresh, "history", incident)] == ["add", "edit"]
    copy = tmp_path / "copy.db"
    cli("backup", copy)
    assert connect_file(copy).execute("SELECT COUNT(*) FROM revision").fetchone() == (3,)


def test_restore_to_a_revision_takes_back_later_updates(cli):
    incident = cli("add", "raid", "--date", "2021-07-10").stdout.strip()
    cli("note", incident, "Released on bail", "--date", "2021-07-12")
    assert cli.json("restore", incident, "--to", "1").get("updates") is None
    assert [r["verb"] for r in cli.json("history", incident)] == ["add", "note", "restore"]
    cli("restore", incident, "--to", "1")  # already so: nothing to record
    assert len(cli.json("history", incident)) == 3


def test_an_import_whose_incident_was_deleted_is_not_undone_silently(cli):
    cli("import", FIXTURES / "pft_excerpt.csv", "--preset", "pft")
    [entry] = cli.json("imports")
    victim = cli.json("list")[0]["id"]
    cli("delete", victim, "--yes")
    result = cli("imports", "undo", str(entry["id"]), "--yes", code=1)
    assert result.stderr == (
        f"Error: id: import {entry['id']}: 1 of its 25 incidents and "
        "cases were "
        f"changed or deleted since ({victim[:8]}); add --force to remove "
        "them anyway\n"
    )
    cli("imports", "undo", str(entry["id"]), "--yes", "--force")
    assert cli.json("list") == []


def test_a_documents_own_history_is_no_change_since_its_import(cli, tmp_path):
    incident = cli("add", "raid", "--date", "2021-07-30").stdout.strip()
    cli("edit", incident, "--status", "confirmed")
    document = tmp_path / "all.json"
    cli("export", "--history", "--out", document)
    fresh = tmp_path / "fresh.db"
    cli("--db", fresh, "import", document)
    [entry] = cli.json("--db", fresh, "imports")
    cli("--db", fresh, "imports", "undo", str(entry["id"]), "--yes")
    assert cli.json("--db", fresh, "list") == []


@pytest.mark.parametrize("command", [["merge", "undo"], ["imports", "undo"]])
def test_a_revision_number_past_32_bits_is_no_revision_on_either_backend(cli, command):
    result = cli(*command, "2147483648", code=1)
    assert result.stderr.endswith("'2147483648' is not a revision here\n")
    assert result.stderr.count("\n") == 1


def _many(cli, tmp_path, n: int = 6) -> None:
    rows = tmp_path / "rows.ndjson"
    rows.write_text(
        "".join(
            json.dumps(
                {"date": f"2021-07-{d + 1:02d}", "kinds": ["raid" if d % 2 else "detention"],
                 "country": "BY", "tags": ["minsk"] if d < 4 else []}
            ) + "\n"
            for d in range(n)
        ),
        encoding="utf-8",
    )  # fmt: skip
    cli("import", rows)


def test_a_bulk_edit_changes_what_where_chooses_one_revision_each_and_undo_takes_it_back(
    cli, tmp_path
):
    _many(cli, tmp_path)
    before = {i["id"]: i for i in cli.json("list")}
    where = ("--where", "tag=minsk", "--where", "kind=raid")
    refused = cli("edit", *where, "--set", "status=confirmed", code=2).stderr
    assert refused == "Error: --yes: '' is required to change them without a terminal\n"
    said = cli("edit", *where, "--set", "status=confirmed", "--add-tag", "checked", "--yes")
    change = said.stderr.split("(change ")[1][:8]
    assert said.stderr == (
        f"Changed 2 incidents of 2 chosen (change {change}): `pressfree undo {change}` takes "
        "them all back.\n"
    )
    after = {i["id"]: i for i in cli.json("list")}
    edited = {i for i in after if after[i] != before[i]}
    assert {after[i]["date"] for i in edited} == {"2021-07-02", "2021-07-04"}
    assert all(after[i]["status"] == "confirmed" for i in edited)
    assert all(after[i]["tags"] == ["checked", "minsk"] for i in edited)
    log = cli.json("history", "--kind", "incident")
    assert [(r["verb"], r["change"][:8]) for r in log] == [("edit", change)] * 2
    # undone: every one as it was, a revision each
    assert cli("undo", change).stderr == (
        f"Took back change {change}: 2 incidents as they were before it.\n"
    )
    assert {i["id"]: {**i, "updated_at": None} for i in cli.json("list")} == {
        i: {**v, "updated_at": None} for i, v in before.items()
    }
    assert len(cli.json("history", "--kind", "incident")) == 4
    # taken back already, or changed since: --force, or nothing
    refused = cli("undo", change, code=1).stderr
    assert refused.startswith("Error: change: 2 of its 2 incidents were changed since (")


@pytest.mark.parametrize(
    "args, said",
    [
        (["--where", "date=2021-13", "--status", "confirmed"],
         "Error: --where date: '2021-13' is not a real date\n"),
        (["--where", "tag=minsk"],
         "Error: --where: 'tag=minsk' chooses incidents, but no change is given\n"),
        (["--where", "tag=minsk", "--set", "colour=red"],
         "Error: --set: 'colour=red' must be FIELD=VALUE, FIELD one of date, country, region, "
         "city, latitude, longitude, perpetrator, summary, public_summary, status\n"),
        (["--where", "tag=minsk", "--set", "status=confirmed", "--status", "disputed"],
         "Error: --set: 'status=confirmed' sets status a second time\n"),
        (["--where", "tag=minsk", "--where", "tag=brest", "--status", "confirmed"],
         "Error: --where: 'tag=brest' gives a second tag: give one\n"),
        (["--where", "tag=minsk", "--set", "status=rumoured", "--yes"],
         "Error: status: 'rumoured' is not a status (one of reported, confirmed, disputed, "
         "retracted, withdrawn)\n"),
        (["--status", "confirmed"],
         "Error: id: '' is needed: give an incident's id, or --where FIELD=VALUE to edit every "
         "incident it chooses\n"),
    ],
)  # fmt: skip
def test_a_bulk_edit_refuses_bad_input_and_changes_nothing(cli, tmp_path, args, said):
    _many(cli, tmp_path)
    before = cli.json("list")
    assert cli("edit", *args, code=2).stderr == said
    assert cli.json("list") == before
    assert [r["verb"] for r in cli.json("history")] == ["import"]


def test_a_bulk_edit_that_fails_on_one_incident_changes_none(cli, tmp_path, monkeypatch):
    """One transaction: if one incident cannot take the change, none is changed."""
    from pressfree import incidents
    from pressfree.errors import InvalidValue

    _many(cli, tmp_path)
    before = cli.json("list")
    real, calls = incidents.edit, []

    def third_fails(session, public_id, changes, **kwargs):
        calls.append(public_id)
        if len(calls) == 3:
            raise InvalidValue("date", "2021-07-03", "cannot be this incident's date")
        return real(session, public_id, changes, **kwargs)

    monkeypatch.setattr(incidents, "edit", third_fails)
    said = cli("edit", "--where", "country=BY", "--set", "date=2021-07-03", "--yes", code=2)
    monkeypatch.setattr(incidents, "edit", real)
    assert said.stderr == "Error: date: '2021-07-03' cannot be this incident's date\n"
    assert len(calls) == 3 and cli.json("list") == before
    assert [r["verb"] for r in cli.json("history")] == ["import"]


def test_undo_names_what_it_cannot_take_back(cli, tmp_path):
    _many(cli, tmp_path)
    assert cli("undo", "zz", code=2).stderr == (
        "Error: change: 'zz' is not a change id (8 or more of its characters)\n"
    )
    assert cli("undo", "0123abcd", code=1).stderr == (
        "Error: change: '0123abcd' is not a change here\n"
    )
    change = cli.json("history")[0]["change"]
    assert cli("undo", change, code=2).stderr == (
        f"Error: change: '{change}' is not an edit of incidents (it is `import`): `restore`, "
        "`delete` or `imports undo` takes back other changes\n"
    )


def test_on_a_terminal_a_bulk_edit_says_how_many_and_asks(cli, tmp_path):
    import os

    _many(cli, tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    code, shown = on_a_terminal(["edit", "--where", "tag=minsk", "--status", "confirmed"], env, "n")
    assert "Change 4 incidents? [y/N]" in shown and code == 1
    assert {i["status"] for i in cli.json("list")} == {"reported"}
