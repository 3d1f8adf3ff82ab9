"""The incident commands end to end: add, list, show, edit, delete, kinds, formats, bad input."""

import csv
import io
import json

import pytest

from helpers import corpus, editor_script, on_a_terminal

BASE = [
    "add",
    "raid",
    "detention",
    "--date",
    "2021-07-30",
    "--country",
    "by",
    "--city",
    "Minsk",
    "--perpetrator",
    "GUBOPiK",
    "--summary",
    "Search and detention",
    "--journalist",
    "Ігар Лосік",
    "--journalist",
    "Andrej Ŭładzimiraŭ",
    "--outlet",
    "Belsat",
    "--source",
    "https://baj.media/x",
    "--publisher",
    "BAJ",
    "--tag",
    "minsk",
]


def count(cli) -> int:
    return len(cli.json("list"))


def test_add_prints_the_id_and_list_returns_the_contract(cli):
    new_id = cli(*BASE).stdout.strip()
    assert len(new_id) == 36
    [item] = cli.json("list")
    assert item == {
        "id": new_id,
        "date": "2021-07-30",
        "date_precision": "day",
        "kinds": ["detention", "raid"],
        "country": "BY",
        "region": None,
        "city": "Minsk",
        "journalists": ["Andrej Ŭładzimiraŭ", "Ігар Лосік"],
        "outlets": ["Belsat"],
        "perpetrator": "GUBOPiK",
        "summary": "Search and detention",
        "status": "reported",
        "tags": ["minsk"],
        "sources": [
            {"url": "https://baj.media/x", "publisher": "BAJ", "title": None, "published": None}
        ],
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
    }
    assert item["created_at"].endswith("Z")


def test_add_without_a_source_warns(cli):
    result = cli("add", "threat", "--date", "2021-07")
    assert "has no source" in result.stderr
    assert result.stdout.strip() in result.stderr


def test_add_without_a_terminal_never_prompts(cli):
    result = cli("add", "--date", "2021-07-30", code=2, input="raid\n")
    assert result.stderr == (
        "Error: kind: '' is required (stdin is not a terminal, so pressfree does not ask)\n"
    )
    result = cli("add", "raid", code=2)
    assert "--date: '' is required" in result.stderr
    assert count(cli) == 0


def test_list_filters(cli):
    cli(*BASE)
    cli(
        "add",
        "assault",
        "--date",
        "2021-06-02",
        "--country",
        "RU",
        "--status",
        "confirmed",
        "--publisher",
        "CPJ",
    )
    cli("add", "blocking", "--date", "2021", "--country", "BY", "--outlet", "Belsat")
    cli("add", "raid", "--date", "2021-07-31..2021-08-02", "--country", "BY")

    def dates(*args):
        return [i["date"] for i in cli.json("list", *args)]

    assert dates() == ["2021-07-31..2021-08-02", "2021-07-30", "2021-06-02", "2021"]
    assert dates("--month", "2021-07") == ["2021-07-30"]
    assert dates("--year", "2021") == ["2021-07-31..2021-08-02", "2021-07-30", "2021-06-02", "2021"]
    assert dates("--from", "2021-06", "--to", "2021-07") == ["2021-07-30", "2021-06-02"]
    assert dates("--kind", "raid") == ["2021-07-31..2021-08-02", "2021-07-30"]
    assert dates("--kind", "assault", "--kind", "blocking") == ["2021-06-02", "2021"]
    assert dates("--country", "ru") == ["2021-06-02"]
    assert dates("--journalist", "Ігар Лосік") == ["2021-07-30"]
    assert dates("--outlet", "Belsat") == ["2021-07-30", "2021"]
    assert dates("--publisher", "CPJ") == ["2021-06-02"]
    assert dates("--status", "confirmed") == ["2021-06-02"]
    assert dates("--tag", "minsk") == ["2021-07-30"]
    assert dates("--limit", "1") == ["2021-07-31..2021-08-02"]


def test_formats(cli):
    new_id = cli(*BASE).stdout.strip()
    rows = list(csv.DictReader(io.StringIO(cli("list", "--format", "csv").stdout)))
    assert rows[0]["id"] == new_id
    assert rows[0]["kinds"] == "detention; raid"
    assert rows[0]["journalists"] == "Andrej Ŭładzimiraŭ; Ігар Лосік"
    ndjson = cli("list", "--format", "ndjson").stdout.splitlines()
    assert json.loads(ndjson[0])["id"] == new_id
    markdown = cli("list", "--format", "markdown").stdout
    assert markdown.startswith("## Incidents\n\n| ID | Date | Kinds |")
    assert f"| {new_id} | 2021-07-30 | detention; raid | BY | Minsk |" in markdown
    table = cli("list").stdout
    assert new_id[:8] in table and "Ігар Лосік" in table
    assert "\x1b[" not in table  # no colour codes when stdout is not a terminal


def test_show(cli):
    new_id = cli(*BASE).stdout.strip()
    shown = cli("show", new_id[:6], "--format", "json").stdout
    assert json.loads(shown)["id"] == new_id
    table = cli("show", new_id).stdout
    assert "GUBOPiK" in table and "https://baj.media/x" in table


def test_edit_adds_or_replaces_lists(cli):
    new_id = cli(*BASE).stdout.strip()
    edited = cli.json(
        "edit",
        new_id,
        "--status",
        "confirmed",
        "--tag",
        "belsat",
        "--kind",
        "equipment-seizure",
        "--date",
        "2021-07",
    )
    assert edited["status"] == "confirmed"
    assert edited["tags"] == ["belsat", "minsk"]
    assert edited["kinds"] == ["detention", "equipment-seizure", "raid"]
    assert edited["date"] == "2021-07" and edited["date_precision"] == "month"
    replaced = cli.json("edit", new_id, "--replace", "--tag", "only", "--journalist", "A. B.")
    assert replaced["tags"] == ["only"]
    assert replaced["journalists"] == ["A. B."]
    assert replaced["kinds"] == ["detention", "equipment-seizure", "raid"]
    assert replaced["updated_at"] >= replaced["created_at"]


def test_delete_asks_first(cli):
    new_id = cli(*BASE).stdout.strip()
    result = cli("delete", new_id, code=2)
    assert result.stderr == "Error: --yes: '' is required to delete without a terminal\n"
    assert count(cli) == 1
    cli("delete", new_id, "--yes")
    assert count(cli) == 0


def test_kinds_list_and_add(cli):
    cli(*BASE)
    kinds = {k["slug"]: k for k in cli.json("kinds")}
    assert len(kinds) == 14
    assert kinds["raid"]["count"] == 1 and kinds["assault"]["count"] == 0
    assert kinds["raid"]["label"] == "Raid (search of a home, office or newsroom)"
    cli("kinds", "add", "internet-shutdown", "Internet shutdown")
    cli("add", "internet-shutdown", "--date", "2021-08", "--country", "BY")
    kinds = {k["slug"]: k for k in cli.json("kinds")}
    assert kinds["internet-shutdown"] == {
        "slug": "internet-shutdown",
        "label": "Internet shutdown",
        "builtin": False,
        "count": 1,
        "names": {},
    }
    assert kinds["detention"]["names"] == {"ru": "Задержание", "be": "Затрыманне"}
    result = cli("kinds", "add", "Bad Slug", "x", code=2)
    assert result.stderr.startswith("Error: kind: 'Bad Slug' is not a slug")


# One incident, built once for the module on each backend: refused input adds nothing to it.
one_added = corpus(lambda cli: cli(*BASE))


@pytest.mark.parametrize(
    "args, message",
    [
        (["add", "raid", "--date", "2021-13-01"], "date: '2021-13-01' is not a real date"),
        (["add", "raid", "--date", "2021-02-30"], "date: '2021-02-30' is not a real date"),
        (
            ["add", "raid", "--date", "last July"],
            "date: 'last July' is not a date "
            "(use YYYY-MM-DD, 30.07.2021, 30 July 2021, YYYY-MM, YYYY or A..B)",
        ),
        (
            ["add", "raid", "--date", "2021-07-30..2021-07-01"],
            "date: '2021-07-30..2021-07-01' ends before it starts",
        ),
        (["add", "bombing", "--date", "2021-07-30"], "kind: 'bombing' is not a known kind"),
        (
            ["add", "raid", "--date", "2021-07-30", "--country", "XX"],
            "country: 'XX' is not an ISO 3166-1 alpha-2 country code or a country's name\n",
        ),
        (
            ["add", "raid", "--date", "2021-07-30", "--status", "rumoured"],
            "status: 'rumoured' is not a status (one of reported, confirmed, disputed, retracted, "
            "withdrawn)",
        ),
        (
            ["add", "raid", "--date", "2021-07-30", "--source", "baj.by"],
            "source: 'baj.by' is not a URL",
        ),
        (
            ["add", "raid", "--date", "2021-07-30", "-j", "Ann\u202eLee"],
            "journalists: 'Ann\\u202eLee' holds a bidirectional control character (U+202E), "
            "which could make it read as something else; only free text may",
        ),
        (
            ["add", "raid", "--date", "2021-07-30", "--tag", "x\u2066y"],
            "tags: 'x\\u2066y' holds a bidirectional control character (U+2066)",
        ),
        (
            ["--as", "Ann\u202d", "add", "raid", "--date", "2021-07-30"],
            "--as: 'Ann\\u202d' holds a bidirectional control character (U+202D)",
        ),
        (
            ["add", "raid", "--date", "2021-07-30", "--source", "http://[::1"],
            "source: 'http://[::1' is not a URL",
        ),
        (
            ["add", "raid", "--date", "2021-07-30", "--source", "https://baj.by:99999/"],
            "source: 'https://baj.by:99999/' is not a URL",
        ),
        (["list", "--month", "2021-13"], "--month: '2021-13' is not a real date"),
        (["list", "--kind", "bombing"], "--kind: 'bombing' is not a known kind"),
        (
            ["list", "--country", "Belarsu"],
            "--country: 'Belarsu' is not an ISO 3166-1 alpha-2 country code or a country's name "
            "(did you mean BY for Belarus?)",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(one_added, args, message):
    result = one_added(*args, code=2)
    assert result.stderr.startswith(f"Error: {message}")
    assert result.stderr.count("\n") == 1
    assert count(one_added) == 1


@pytest.mark.parametrize("command", [["show"], ["edit"], ["delete", "--yes"]])
def test_unknown_id(cli, command):
    cli(*BASE)
    result = cli(*command[:1], "deadbeef", *command[1:], code=1)
    assert result.stderr == "Error: id: 'deadbeef' is not an incident id\n"
    assert count(cli) == 1


def test_empty_db_value(cli, monkeypatch):
    result = cli("--db", "", "list", code=2)
    assert result.stderr == ("Error: --db: '' is empty: give a file path or a database URL\n")
    monkeypatch.setenv("PRESSFREE_DB", "")
    result = cli("list", code=2)
    assert result.stderr == (
        "Error: PRESSFREE_DB: '' is empty: give a file path or a database URL\n"
    )


def test_a_failed_edit_changes_nothing(cli):
    new_id = cli(*BASE).stdout.strip()
    before = cli.json("show", new_id)
    cli("edit", new_id, "--status", "confirmed", "--date", "2021-02-30", code=2)
    cli("edit", new_id, "--tag", "x", "--kind", "bombing", code=2)
    assert cli.json("show", new_id) == before


def test_every_help_has_a_purpose_and_an_example(cli):
    from typer.main import get_command

    from pressfree.cli import app

    group = get_command(app)

    def walk(command, path):
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                yield from walk(sub, path + [name])
        else:
            yield path, command

    seen = 0
    for path, _ in walk(group, []):
        text = cli(*path, "--help").stdout
        assert "Example:" in text, f"pressfree {' '.join(path)} --help has no example"
        seen += 1
    assert seen >= 20


@pytest.mark.parametrize(
    "args, line",
    [
        (["list", "--format", "xml"], "Error: Invalid value for '--format' / '-f': "),
        (
            ["release", "X"],
            "Error: Missing option '--date' / '-d'. (see `pressfree release --help`)",
        ),
        (["add", "raid", "--colour", "red"], "Error: No such option: --colour"),
    ],
)
def test_usage_errors_are_one_line_too(cli, args, line):
    result = cli(*args, code=2)
    assert result.stderr.startswith(line)
    assert result.stderr.count("\n") == 1


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


def test_messages_show_values_as_they_were_typed_and_cut_long_ones(cli):
    cli("add", "detention", "--date", "2021-07-01", "--journalist", "Ann Lee")
    result = cli("release", "Ann  Leigh ", "--date", "2021-07-02", code=1)
    assert result.stderr == ("Error: person: 'Ann  Leigh ' is not a journalist in this database\n")
    # spacing and case are not part of a name: "ANN  lee" is Ann Lee
    assert cli("release", "ANN  lee", "--date", "2021-07-02").stderr.startswith("Ann Lee: ")
    huge = "x" * 100_000
    result = cli("add", "raid", "--date", huge, code=2)
    assert result.stderr == (
        f"Error: date: '{'x' * 198}… (100,000 characters) is not a date "
        "(use YYYY-MM-DD, 30.07.2021, 30 July 2021, YYYY-MM, YYYY or A..B)\n"
    )
    result = cli("add", "raid", "--date", "2021", "--summary", "line one\nline two\x00", code=2)
    assert result.stderr == (
        "Error: summary: 'line one\\nline two\\x00' holds a NUL "
        "character, which PostgreSQL cannot store\n"
    )
    result = cli("custody", "--as-of", "2021-06-30")
    assert result.stdout.splitlines()[0] == ("Nobody itemised here was in custody on 2021-06-30.")


@pytest.mark.parametrize(
    "option, value, message",
    [
        (
            "--summary",
            "a\x00b",
            "summary: 'a\\x00b' holds a NUL character, which PostgreSQL cannot store",
        ),
        (
            "--journalist",
            "Ann\x00",
            "journalists: 'Ann\\x00' holds a NUL character, which PostgreSQL cannot store",
        ),
        ("--tag", "t" * 101, f"tags: '{'t' * 101}' is longer than 100 characters"),
        (
            "--city",
            "Мінск" * 300,
            "city: '" + ("Мінск" * 40)[:198] + "… (1,500 characters) is longer than 2,000 bytes",
        ),
    ],
)
def test_both_backends_take_the_same_text(cli, any_db, option, value, message):
    result = cli("--db", any_db, "add", "raid", "--date", "2021", option, value, code=2)
    assert result.stderr == f"Error: {message}\n"
    cli("--db", any_db, "add", "raid", "--date", "2021", option, value[:50].replace("\x00", ""))


def test_a_source_address_stored_before_it_was_checked_breaks_nothing(cli, sql):
    """A URL no parser can read, stored by an older pressfree: finding duplicates compares it
    as written instead of failing."""
    first = cli("add", "raid", "--date", "2021-07-30", "--source", "https://x.org/a").stdout
    sql("UPDATE source SET url = 'http://[::1' WHERE url = 'https://x.org/a'")
    assert cli.json("duplicates") == []
    cli("add", "raid", "--date", "2021-07-31", "--source", "https://x.org/b")
    assert cli.json("show", first.strip())["sources"][0]["url"] == "http://[::1"


def _sources_of(cli, *args) -> list[tuple]:
    new_id = cli("add", "raid", "--date", "2021-07-30", "--force", *args).stdout.strip()
    [item] = [i for i in cli.json("list") if i["id"] == new_id]
    return [(s["url"], s["publisher"], s["title"], s["published"]) for s in item["sources"]]


@pytest.mark.parametrize("written", ["Belarus", "беларусь", "Беларусь", "BLR", "by"])
def test_a_country_is_taken_by_its_name_in_any_language_or_code(cli, written):
    new_id = cli("add", "raid", "--date", "30.07.2021", "--country", written).stdout.strip()
    assert cli.json("show", new_id)["country"] == "BY"
    assert cli.json("show", new_id)["date"] == "2021-07-30"
    assert [i["id"] for i in cli.json("list", "--country", written)] == [new_id]


def test_each_source_takes_the_publisher_title_and_day_that_follow_it(cli):
    """`--source A --publisher BAJ --source B --publisher Viasna`: each pair as typed."""
    assert _sources_of(
        cli,
        "--source", "https://a.example/1", "--publisher", "BAJ", "--published", "2021-07-30",
        "--source", "https://b.example/2", "--source-title", "Затрыманні",
        "--publisher", "Viasna",
    ) == [
        ("https://a.example/1", "BAJ", None, "2021-07-30"),
        ("https://b.example/2", "Viasna", "Затрыманні", None),
    ]  # fmt: skip
    # one publisher after the last source, or before the first, is every source's, as ever
    two = ("--source", "https://a.example/3", "--source", "https://b.example/4")
    expected = [
        ("https://a.example/3", "BAJ", None, None),
        ("https://b.example/4", "BAJ", None, None),
    ]
    assert _sources_of(cli, *two, "--publisher", "BAJ") == expected
    assert _sources_of(cli, "--publisher", "BAJ", *two) == expected
    # no URL: each publisher is a source of its own
    assert _sources_of(
        cli, "--publisher", "BAJ", "--source-title", "T1", "--publisher", "Viasna"
    ) == [(None, "BAJ", "T1", None), (None, "Viasna", None, None)]


@pytest.mark.parametrize(
    "args, said",
    [
        (
            [
                "--source",
                "https://a.example",
                "--publisher",
                "BAJ",
                "--source",
                "https://b.example",
            ],
            "Error: --publisher: 'BAJ' follows the source 'https://a.example' but not the ones "
            "after it: give one --publisher after each --source, or one after the last\n",
        ),
        (
            ["--publisher", "BAJ", "--source", "https://a.example", "--publisher", "Viasna"],
            "Error: --publisher: 'BAJ' comes before any --source: give each --publisher after "
            "its --source\n",
        ),
        (
            ["--source", "https://a.example", "--publisher", "BAJ", "--publisher", "Viasna"],
            "Error: --publisher: 'Viasna' is the second after the source 'https://a.example': "
            "give one after each --source\n",
        ),
        (
            ["--published", "2021-07-30"],
            "Error: --published: '2021-07-30' needs a source: give --source, --publisher or "
            "--source-title too\n",
        ),
    ],
)
def test_a_source_line_that_reads_two_ways_is_refused_and_nothing_written(cli, args, said):
    result = cli("add", "raid", "--date", "2021-07-30", *args, code=2)
    assert result.stderr == said and count(cli) == 0
    new_id = cli("add", "raid", "--date", "2021-07-30").stdout.strip()
    result = cli("edit", new_id, *args, code=2)
    assert result.stderr == said
    assert cli.json("show", new_id)["sources"] == []


def test_edit_pairs_sources_as_add_does(cli):
    new_id = cli("add", "raid", "--date", "2021-07-30").stdout.strip()
    cli("edit", new_id, "--source", "https://a.example", "--publisher", "BAJ",
        "--source", "https://b.example", "--publisher", "Viasna")  # fmt: skip
    assert [(s["url"], s["publisher"]) for s in cli.json("show", new_id)["sources"]] == [
        ("https://a.example", "BAJ"),
        ("https://b.example", "Viasna"),
    ]


def test_on_a_terminal_list_shows_a_page_and_says_how_many_piped_output_is_whole(cli, tmp_path):
    """On a terminal a table shows the first 100 newest and says how many there are;
    --limit and --all choose; piped or saved, the list is complete."""
    import os

    rows = tmp_path / "many.ndjson"
    rows.write_text(
        "".join(
            json.dumps({"date": f"2021-07-{n % 28 + 1:02d}", "kinds": ["raid"], "summary": f"R{n}"})
            + "\n"
            for n in range(130)
        ),
        encoding="utf-8",
    )
    cli("import", rows)
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"COLUMNS": "100"}
    code, shown = on_a_terminal(["list"], env)
    assert code == 0 and shown.count("│ 2021-07-") == 100, shown
    assert " ".join(shown.split()).endswith(  # wrapped at spaces to the terminal's width
        "Showing the first 100 of 130: --limit N or --all for more (piped or saved, the list "
        "is always complete)."
    )
    code, shown = on_a_terminal(["list", "--all"], env)
    assert code == 0 and shown.count("│ 2021-07-") == 130 and "Showing" not in shown
    code, shown = on_a_terminal(["list", "--limit", "3"], env)
    assert code == 0 and shown.count("│ 2021-07-") == 3 and "Showing" not in shown
    code, shown = on_a_terminal(["search", "R1*", "--month", "2021-07"], env)
    assert code == 0 and "Showing" not in shown  # R1, R10-R19, R100-R129: 41
    assert cli("list").stdout.count("│ 2021-07-") == 130  # not a terminal: all of them
    assert cli("list", "--all", "--limit", "3", code=2).stderr == (
        "Error: --all: '' cannot be combined with --limit 3\n"
    )


def test_on_a_terminal_long_work_ends_with_what_it_did_on_a_line_of_its_own(cli, tmp_path):
    """export, report and copy show what they are doing while they work; when they end, the
    terminal's last line says what they did (the spinner erased, not the line)."""
    import os

    cli(*BASE)
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"COLUMNS": "400"}
    out, page, copy = tmp_path / "all.json", tmp_path / "r.html", tmp_path / "copy.db"
    for args, said in [
        (["export", "--out", str(out)], f"Exported 1 incident to {out}."),
        (["report", "--month", "2021-07", "--out", str(page)], f"Wrote {page} (1 incident)."),
        (["copy", "--to", str(copy)], "1 incident, 0 tallies, 2 custody periods"),
    ]:
        code, shown = on_a_terminal(args, env)
        assert code == 0 and said in shown.replace("\r", "\n").strip().splitlines()[-1], shown
    assert json.loads(out.read_text(encoding="utf-8"))["incidents"][0]["city"] == "Minsk"


def test_add_in_the_editor_records_what_is_saved(cli, tmp_path, monkeypatch):
    folder = editor_script(
        tmp_path,
        monkeypatch,
        'kinds = ["raid", "detention"]\ndate = "30.07.2021"\ncountry = "Беларусь"\n'
        'journalists = ["Ігар Лосік"]\nsummary = "Ператрус"\n'
        '[[sources]]\nurl = "https://baj.by/a"\npublisher = "BAJ"\n'
        '[[sources]]\nurl = "https://spring96.org/b"\npublisher = "Viasna"\n',
    )
    new_id = cli("add", "raid", "--journalist", "Ігар Лосік", "--editor").stdout.strip()
    shown = (folder / "shown-1.toml").read_text(encoding="utf-8")
    assert 'kinds = ["raid"]' in shown and 'journalists = ["Ігар Лосік"]' in shown
    assert (folder / "mode").read_text() == "0o600"  # it names people: private, then gone
    item = cli.json("show", new_id)
    assert (item["date"], item["country"], item["kinds"]) == (
        "2021-07-30",
        "BY",
        ["detention", "raid"],
    )
    assert [(s["url"], s["publisher"]) for s in item["sources"]] == [
        ("https://baj.by/a", "BAJ"),
        ("https://spring96.org/b", "Viasna"),
    ]


def test_edit_in_the_editor_makes_the_incident_what_is_saved(cli, tmp_path, monkeypatch):
    new_id = cli(*BASE).stdout.strip()
    folder = editor_script(
        tmp_path,
        monkeypatch,
        'kinds = ["raid"]\ndate = "2021-07-30"\ncountry = "BY"\nstatus = "confirmed"\n'
        'journalists = ["Ігар Лосік"]\n',
    )
    shown_record = cli("edit", new_id, "--editor", "--tag", "checked").stdout
    assert "confirmed" in shown_record
    shown = (folder / "shown-1.toml").read_text(encoding="utf-8")
    assert 'tags = ["minsk", "checked"]' in shown and 'city = "Minsk"' in shown
    item = cli.json("show", new_id)
    assert (item["status"], item["city"], item["tags"], item["sources"]) == (
        "confirmed",
        None,
        [],
        [],
    )
    assert item["journalists"] == ["Ігар Лосік"] and item["kinds"] == ["raid"]


@pytest.mark.parametrize(
    "saved, code, said",
    [
        ("# nothing but comments\n\n", 1, "Nothing recorded.\n"),
        ('kinds = ["raid"]\ndate = "2021-13-01"\n', 2,
         "Error: date: '2021-13-01' is not a real date\n"),
        ('kinds = ["raid"\n', 2, "Error: file: "),
        ('kinds = ["raid"]\ndate = "2021"\ncolour = "red"\n', 2,
         "Error: file: 'colour' is not a field ("),
        ('kinds = ["bombing"]\ndate = "2021"\n', 2, "Error: kind: 'bombing' is not a known kind"),
    ],
)  # fmt: skip
def test_what_the_editor_saves_that_does_not_read_records_nothing(
    cli, tmp_path, monkeypatch, saved, code, said
):
    editor_script(tmp_path, monkeypatch, saved)
    result = cli("add", "--editor", code=code)
    assert result.stderr.startswith(said) and result.stderr.count("\n") == 1
    assert count(cli) == 0


def test_an_editor_that_cannot_run_is_one_line(cli, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "/nonexistent/editor --wait")
    assert cli("add", "--editor", code=2).stderr == (
        "Error: $VISUAL/$EDITOR: '/nonexistent/editor --wait' cannot be run (No such file or "
        "directory)\n"
    )


def test_on_a_terminal_the_editor_opens_again_with_what_was_wrong(cli, tmp_path, monkeypatch):
    import os

    folder = editor_script(
        tmp_path,
        monkeypatch,
        'kinds = ["raid"]\ndate = "03/07/2021"\n',
        'kinds = ["raid"]\ndate = "2021-07-03"\n',
    )
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    code, shown = on_a_terminal(["add", "--editor"], env, "y")
    assert code == 0 and "Edit it again? [Y/n]" in shown
    again = (folder / "shown-2.toml").read_text(encoding="utf-8")
    assert again.startswith(
        "# Error: date: '03/07/2021' could be 2021-07-03 or 2021-03-07: write one of them\n"
    )
    assert [i["date"] for i in cli.json("list")] == ["2021-07-03"]
