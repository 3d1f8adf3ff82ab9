"""Identity and search: names in any script, aliases, placeholder names, search, likely
duplicates, merges and their undo, and later exports of a dataset matched to what is stored."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import FIXTURES, SAMPLE, corpus, on_a_terminal
from pressfree import names

# --- names: pure keys ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ["Ігар Лосік", "Игорь Лосик", "Ihar Łosik", "Ihar Losik", "Igor Losik", "IHAR LOSIK"],
        ["Śviatłana Cichanoŭskaja", "Святлана Ціханоўская", "Sviatlana Tsikhanouskaya"],
        ["Aleś Bialacki", "Алесь Бяляцкі", "Ales Bialiatski"],
        ["Ŭładzimir", "Ўладзімір", "Uladzimir"],
        ["Andrej", "Andrei", "Андрэй", "Андрей"],
        ["Νίκος", "ΝΊΚΟΣ", "Nikos"],
    ],
)
def test_spellings_of_one_name_share_a_sound_key(spellings):
    assert len({names.sound_key(s) for s in spellings}) == 1, {
        s: names.sound_key(s) for s in spellings
    }


def test_different_names_do_not_share_a_sound_key():
    assert names.sound_key("Ihar Losik") != names.sound_key("Ihar Ilyash")
    assert names.sound_key("Belsat") != names.sound_key("Viasna")


def test_the_format_characters_are_unicodes_own():
    import sys
    import unicodedata

    listed = {c for c in range(sys.maxunicode + 1) if names.FORMAT_CHARACTERS.match(chr(c))}
    # every character Unicode 14 calls a format character is listed (a newer Python may
    # know more: they are then kept, as any other character)
    assert listed <= {c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    assert len(listed) == 163 and names.name_key("Ihar\u200b Losik\ufeff") == "ihar losik"


def test_fold_and_name_key():
    assert names.fold("«Ігар Лосік», BAJ!") == "igar losik baj"
    assert names.fold('"(*-') == ""
    assert names.name_key("  Ігар   ЛОСІК ") == "ігар лосік"
    assert names.name_key("ΝΊΚΟΣ") == names.name_key("νίκος")


def _folded_whole(text: str) -> str:
    """fold as it was before it went word by word: the whole text at once (what every
    search entry stored before was made by)."""
    if text.isascii():
        return " ".join(names._NOT_WORD.sub(" ", text.lower()).split())
    text = names._visible(text)
    if names.LACINKA_MARKS & set(text.casefold()):
        text = " ".join(names._lacinka(w) for w in text.split())
    return " ".join(names._NOT_WORD.sub(" ", names._latin(text)).split())


SCRIPTS = "".join(
    chr(c)
    for c in [*range(0x20, 0x250), *range(0x400, 0x530), *range(0x2000, 0x2070)]
    + [0x85, 0xA0, 0x3000, 0x180E, 0x1680, 0xFEFF, 0xA8, 0x301, 0x30C, 0xFB01, 0x4E2D, 0x56FD]
)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=SCRIPTS, max_size=40))
def test_folding_word_by_word_gives_what_the_whole_text_gave(text):
    assert names.fold(text) == _folded_whole(text)


# --- search -------------------------------------------------------------------------------


def _ids(cli, *args):
    return [row["id"] for row in cli.json(*args)]


def _corpus(cli, db):
    """A small corpus in several scripts, the same on every backend."""
    cli("--db", db, "import", SAMPLE)
    added = {}
    for key, name, outlet, summary, day in [
        ("by", "Ігар Лосік", "Белсат", "Обыск у журналиста", "2021-07-30"),
        ("ru", "Игорь Лосик", None, "Задержание в Минске", "2021-07-29"),
        ("latin", "Ihar Łosik", "Belsat TV", 'Raid (at home) on "Ihar"', "2021-07-28"),
        ("greek", "Νίκος Παπαδόπουλος", None, "ΈΡΕΥΝΑ στο σπίτι", "2021-07-27"),
        ("other", "Ann Lee", None, "Assault near the court", "2021-07-26"),
    ]:
        args = [
            "--db",
            db,
            "add",
            "raid",
            "--date",
            day,
            "--country",
            "BY",
            "-j",
            name,
            "--summary",
            summary,
            "--source",
            f"https://example.org/{key}",
            "--publisher",
            "BAJ",
            "--force",
        ]
        if outlet:
            args += ["-o", outlet]
        added[key] = cli(*args).stdout.strip()
    return added


# The corpus in several scripts, built once for the module on each backend.
scripts = corpus(lambda cli: _corpus(cli, os.environ["PRESSFREE_DB"]))


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Ihar Losik", ["by", "ru", "latin"]),
        ("Igor Losik", ["by", "ru", "latin"]),
        ("ЛОСИК", ["by", "ru", "latin"]),
        ("Łosik", ["by", "ru", "latin"]),
        ("обыск", ["by"]),
        ("ОБЫСК журналист", ["by"]),
        ("έρευνα", ["greek"]),
        ("ΠΑΠΑΔΌΠΟΥΛΟΣ", ["greek"]),
        ("court assault", ["other"]),
        ("belsat", ["by", "latin"]),
    ],
)
def test_search_finds_across_scripts_and_cases_the_same_on_both_backends(scripts, query, expected):
    found = _ids(scripts, "search", query)
    mine = {v: k for k, v in scripts.built.items()}
    assert sorted(mine[i] for i in found if i in mine) == sorted(expected)


def test_search_ranks_whole_words_above_sound_alikes_and_takes_list_filters(scripts):
    cli, added = scripts, scripts.built
    found = _ids(cli, "search", "Igor Losik")
    assert found[0] == added["ru"]  # its words are "igor losik"; the others only sound so
    assert _ids(cli, "search", "losik", "--from", "2021-07-29") == [added["by"], added["ru"]]
    assert _ids(cli, "list", "--search", "losik", "--limit", "1") == [added["by"]]  # newest
    assert _ids(cli, "search", "losik", "--outlet", "belsat tv") == [added["latin"]]
    rows = list(csv.DictReader(io.StringIO(cli("search", "Лосік", "-f", "csv").stdout)))
    assert {r["journalists"] for r in rows} == {"Ігар Лосік", "Игорь Лосик", "Ihar Łosik"}


def cli_db(cli) -> str:
    import os

    return os.environ["PRESSFREE_DB"]


LOSIK = ["by", "latin", "ru"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ('"Ihar', LOSIK),
        ('Losik"', LOSIK),
        ("-losik", LOSIK),
        ("losik*", LOSIK),
        ("(losik", LOSIK),
        # operators are words to be found like any other: no incident holds "near" or "and"
        ("NEAR(losik ihar)", []),
        ("losik AND OR NOT", []),
        ("ihar OR", []),
        ("{words}: losik", []),
        ("losik^2", []),
        ("👍 losik", []),
        ("x" * 5000, []),
        # nothing to search for at all
        ('"', None),
        ("*", None),
        ("\\", None),
    ],
)
def test_query_syntax_is_searched_as_text_on_both_backends(scripts, query, expected):
    if expected is None:
        result = scripts("search", "--", query, code=2)
        assert result.stderr.startswith("Error: TEXT: ") and result.stderr.count("\n") == 1
        return
    mine = {v: k for k, v in scripts.built.items()}
    listed = json.loads(scripts("search", "--format", "json", "--", query).stdout)
    assert sorted(mine.get(row["id"], "sample") for row in listed) == expected


def test_search_of_nothing_searchable_is_one_line(cli):
    cli("init")
    assert (
        cli("search", "*-()", code=2).stderr
        == "Error: TEXT: '*-()' has no letters or digits to search for\n"
    )
    assert (
        cli("list", "--search", "*-()", code=2).stderr
        == "Error: --search: '*-()' has no letters or digits to search for\n"
    )
    assert cli("search", " ".join(f"w{i}" for i in range(20)), code=2).stderr.startswith(
        "Error: TEXT: "
    )
    assert cli("search", "losik", "--limit", "-1", code=2).stderr.startswith(
        "Error: --limit: -1 must be between 0 and "
    )


def test_search_highlights_what_matched_in_the_table(cli):
    from rich.console import Console

    from pressfree import search
    from pressfree.publish import render
    from pressfree.schemas import IncidentRecord

    record = IncidentRecord(
        id="0" * 36,
        date="2021-07-30",
        date_precision="day",
        kinds=["raid"],
        country="BY",
        region=None,
        city="Minsk",
        journalists=["Ігар Лосік"],
        outlets=[],
        perpetrator=None,
        summary="Search at Losik's home",
        status="reported",
        tags=[],
        sources=[],
        created_at="",
        updated_at="",
    )
    table = render.incidents(
        [record], "table", marked=search.highlighter(search.terms("ihar losik"))
    )
    console = Console(file=io.StringIO(), width=120, color_system="standard", force_terminal=True)
    console.print(table)
    out = console.file.getvalue()
    assert "\x1b[7mІгар\x1b[0m" in out and "\x1b[7mЛосік\x1b[0m" in out
    assert "\x1b[7mLosik\x1b[0m" in out and "\x1b[7mhome" not in out


def test_the_index_follows_edits_updates_deletes_and_aliases(cli):
    cli("init")
    incident = cli("add", "raid", "--date", "2021-07-30", "-j", "Ann Lee").stdout.strip()
    assert _ids(cli, "search", "printing") == []
    cli("edit", incident, "--summary", "Printing house raided")
    assert _ids(cli, "search", "printing") == [incident]
    cli("note", incident, "Equipment seized by the KGB", "--date", "2021-07-31")
    assert _ids(cli, "search", "kgb equipment") == [incident]
    cli("journalists", "alias", "Ann Lee", "Hanna Li")
    assert _ids(cli, "search", "hanna") == [incident]
    cli("delete", incident, "--yes")
    assert _ids(cli, "search", "printing") == []
    cli("restore", incident)
    assert _ids(cli, "search", "printing kgb hanna") == [incident]


# --- aliases, filters and the ledgers -----------------------------------------------------


def test_aliases_make_one_person_however_typed(cli):
    cli("init")
    cli(
        "add",
        "detention",
        "--date",
        "2021-07-30",
        "--country",
        "BY",
        "-j",
        "Ігар Лосік",
        "--source",
        "https://example.org/1",
    )
    cli("journalists", "alias", "Ігар Лосік", "Ihar Losik")
    second = cli(
        "add", "raid", "--date", "2021-08-02", "--country", "BY", "-j", "IHAR  losik", "--force"
    ).stdout.strip()
    assert cli.json("show", second)["journalists"] == ["Ігар Лосік"]
    people = cli.json("journalists")
    assert [(p["name"], p["aliases"], p["incidents"]) for p in people] == [
        ("Ігар Лосік", ["Ihar Losik"], 2)
    ]
    assert len(cli.json("list", "--journalist", "ihar losik")) == 2
    assert len(cli.json("list", "--journalist", "Igor Losik")) == 2  # sounds the same
    assert cli.json("list", "--journalist", "Ihar") == []  # a name is whole, not a word
    summary = cli.json("summary", "--from", "2021-07", "--to", "2021-08")
    assert summary["top_journalists"] == [{"name": "Ігар Лосік", "incidents": 2}]
    assert cli("release", "ihar losik", "--date", "2021-08-05").stderr.startswith(
        "Ігар Лосік: held since 2021-07-30"
    )
    assert [p["person"] for p in cli.json("custody", "--as-of", "2021-08-04")["held"]] == [
        "Ігар Лосік"
    ]


def test_outlet_aliases_and_the_outlets_listing(cli):
    cli("init")
    cli("add", "raid", "--date", "2021-07-30", "-o", "Belsat")
    cli("outlets", "alias", "Belsat", "Белсат")
    cli("outlets", "alias", "belsat", "Belsat TV")
    cli("add", "raid", "--date", "2021-07-31", "-o", "белсат", "--force")
    cli(
        "designate",
        "Belsat TV",
        "--label",
        "extremist-materials",
        "--by",
        "Court",
        "--date",
        "2021-07-27",
    )
    outlets = cli.json("outlets")
    assert outlets == [
        {"name": "Belsat", "type": "outlet", "aliases": ["Belsat TV", "Белсат"], "incidents": 3}
    ]
    assert len(cli.json("list", "--outlet", "BELSAT TV")) == 3
    assert cli.json("designations")[0]["target"] == "Belsat"


def _named(cli) -> list:
    """Two journalists and an outlet; the history."""
    cli("add", "raid", "--date", "2021-07-30", "-j", "Ann Lee", "-j", "Bob Roe", "-o", "Belsat")
    return cli.json("history")


# Built once for the module on each backend: each refused alias changes nothing in it.
named = corpus(_named)


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["journalists", "alias", "Nobody", "X"],
            "journalist: 'Nobody' is not a journalist in this database",
        ),
        (
            ["journalists", "alias", "Ann Lee", "ann  LEE"],
            "alias: 'ann  LEE' already names this journalist",
        ),
        (
            ["journalists", "alias", "Ann Lee", "Bob Roe"],
            "alias: 'Bob Roe' already names journalist 'Bob Roe': to make them one, `pressfree "
            "merge journalist 'Ann Lee' 'Bob Roe'`",
        ),
        (
            ["journalists", "alias", "Ann Lee", "unknown"],
            "alias: 'unknown' is a placeholder name: it names nobody",
        ),
        (["journalists", "alias", "Ann Lee", " "], "alias: ' ' is empty"),
        (
            ["outlets", "alias", "Belsat", "a\x00b"],
            "alias: 'a\\x00b' holds a NUL character, which PostgreSQL cannot store",
        ),
    ],
)
def test_bad_aliases_are_one_line_and_write_nothing(named, args, message):
    result = named(
        *args,
        code=2 if " is empty" in message or "placeholder" in message or "NUL" in message else 1,
    )
    assert result.stderr == f"Error: {message}\n"
    assert named.json("history") == named.built


def test_redacted_exports_hide_every_spelling_of_an_at_risk_name(cli):
    cli(
        "add",
        "raid",
        "--date",
        "2021-07-30",
        "-j",
        "Ігар Лосік",
        "--summary",
        "Ihar Losik and Ігар Лосік were searched",
    )
    cli("journalists", "alias", "Ігар Лосік", "Ihar Losik")
    cli("journalists", "set", "Ihar Losik", "--at-risk")  # an alias finds the person
    out = cli("export", "--redact").stdout
    assert "Losik" not in out and "Лосік" not in out
    assert "aliases" not in json.loads(out)["people"][0]
    assert "Ihar Losik" in cli("export").stdout


# --- placeholder names --------------------------------------------------------------------


def test_placeholder_names_are_each_an_unnamed_person(cli):
    cli("init")
    for day in ("2021-07-29", "2021-07-29", "2021-07-30"):
        cli(
            "add",
            "detention",
            "--date",
            day,
            "--country",
            "BY",
            "-j",
            "[full name unavailable]",
            "-j",
            "Ann Lee",
            "--force",
        )
    cli("add", "raid", "--date", "2021-07-30", "-j", "UNKNOWN", "--force")
    people = cli.json("journalists")
    assert [p["name"] for p in people] == ["Ann Lee"]
    assert "And 4 unnamed" in cli("journalists").stderr
    summary = cli.json("summary", "--month", "2021-07")
    assert summary["top_journalists"] == [{"name": "Ann Lee", "incidents": 3}]
    # each unnamed person held is counted: three detentions, three people in custody
    held = cli.json("custody", "--as-of", "2021-07-30")["held"]
    assert sorted(p["person"] for p in held) == ["Ann Lee"] + ["[full name unavailable]"] * 3
    assert cli.json("duplicates", "--month", "2021-07") != []  # through Ann Lee, not them
    assert all("unavailable" not in p["reason"] for p in cli.json("duplicates"))


def test_editing_an_incident_keeps_its_unnamed_person(cli, sql):
    incident = cli("add", "raid", "--date", "2021-07-30", "-j", "anonymous").stdout.strip()
    cli("edit", incident, "--tag", "x", "-j", "Ann Lee")
    cli("edit", incident, "--summary", "Still one unnamed person")
    assert cli.json("show", incident)["journalists"] == ["Ann Lee", "anonymous"]
    assert sql("SELECT count(*) FROM person WHERE placeholder") == [(1,)]


def test_placeholders_can_be_added_and_imports_follow_them(cli, tmp_path):
    cli("journalists", "placeholders", "add", "Name Withheld By Request")
    assert cli(
        "journalists", "placeholders", "add", "name withheld by request!", code=1
    ).stderr == ("Error: name: 'name withheld by request!' is already a placeholder name\n")
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "date,kinds,journalists\n2021-07-01,raid,Name withheld by request\n"
        "2021-07-02,raid,name withheld by request\n2021-07-03,raid,Ann Lee\n"
        "2021-07-04,raid,ann lee\n",
        encoding="utf-8",
    )
    cli("import", rows)
    assert [(p["name"], p["incidents"]) for p in cli.json("journalists")] == [("Ann Lee", 2)]
    assert "And 2 unnamed" in cli("journalists").stderr


# --- likely duplicates --------------------------------------------------------------------


def test_add_warns_of_a_likely_duplicate_and_force_skips_the_check(cli):
    first = cli(
        "add",
        "detention",
        "--date",
        "2021-07-30",
        "--country",
        "BY",
        "-j",
        "Ігар Лосік",
        "--summary",
        "Detained in Minsk",
    ).stdout.strip()
    result = cli(
        "add",
        "detention",
        "arrest",
        "--date",
        "2021-07",
        "--country",
        "BY",
        "-j",
        "Ihar Losik",
        "--source",
        "https://example.org/other",
    )
    assert result.stderr == (
        "Warning: 'Ihar Losik' is recorded as a new journalist, but may be Ігар Лосік under "
        "another spelling: `--same-as 'Ігар Лосік'` records it as theirs, `--different` says "
        "it is not\n"
        f"Warning: possible duplicate of {first[:8]} (2021-07-30: "
        "Detained in Minsk): same journalist Ihar Losik\n"
    )
    assert (
        "possible duplicate"
        not in cli(
            "add",
            "detention",
            "--date",
            "2021-07-30",
            "--country",
            "BY",
            "-j",
            "Ihar Losik",
            "--force",
        ).stderr
    )
    # another country, another kind, another day: not the same event
    for args in (["--country", "PL"], ["--date", "2021-08-01"]):
        options = {"--date": "2021-07-30", "--country": "BY", **dict([args])}
        assert (
            "possible duplicate"
            not in cli(
                "add", "detention", "-j", "Ihar Losik", *[x for kv in options.items() for x in kv]
            ).stderr
        )
    assert (
        "possible duplicate"
        not in cli(
            "add", "raid", "--date", "2021-07-30", "--country", "BY", "-j", "Ihar Losik"
        ).stderr
    )


def test_the_same_source_url_is_a_likely_duplicate(cli):
    first = cli(
        "add", "raid", "--date", "2021-07-30", "--source", "https://example.org/raid"
    ).stdout.strip()
    assert cli(
        "add", "raid", "--date", "2021-07-29..2021-07-31", "--source", "https://example.org/raid"
    ).stderr.startswith(
        f"Warning: possible duplicate of {first[:8]} (2021-07-30: (no summary)): same source"
    )


def test_duplicates_lists_pairs_with_the_reason(cli):
    a = cli(
        "add", "raid", "--date", "2021-07-30", "--country", "BY", "-o", "Belsat", "--summary", "A"
    ).stdout.strip()
    b = cli(
        "add",
        "raid",
        "--date",
        "2021-07-30",
        "--country",
        "BY",
        "-o",
        "Белсат",
        "--summary",
        "B",
        "--force",
    ).stdout.strip()
    cli("add", "raid", "--date", "2021-06-30", "--country", "BY", "-o", "Belsat", "--force")
    pairs = cli.json("duplicates", "--month", "2021-07")
    assert len(pairs) == 1
    pair = pairs[0]
    assert {pair["first"], pair["second"]} == {a, b}
    assert (pair["first_date"], pair["second_date"]) == ("2021-07-30", "2021-07-30")
    assert {pair["first_summary"], pair["second_summary"]} == {"A", "B"}
    assert pair["reason"] in ("same outlet Belsat / Белсат", "same outlet Белсат / Belsat")
    assert cli.json("duplicates", "--month", "2021-06") == []
    assert "No likely duplicates." in cli("duplicates", "--month", "2021-06").stdout


def test_restore_takes_back_fields_and_lists_that_were_empty(cli):
    incident = cli("add", "raid", "--date", "2021-07-30").stdout.strip()
    cli("edit", incident, "--tag", "x", "--city", "Minsk", "-j", "Ann Lee")
    cli("restore", incident, "--to", "1")
    restored = cli.json("show", incident)
    assert (restored["tags"], restored["city"], restored["journalists"]) == ([], None, [])


# --- merges -------------------------------------------------------------------------------


def _document(cli) -> dict:
    """An export, in an order that does not depend on internal row ids."""
    document = json.loads(cli("export").stdout)
    document.pop("exported_at")
    document["incidents"].sort(key=lambda i: i["id"])
    return document


def _merge_rev(result) -> str:
    return result.stderr.split("merge undo ")[1].split("`")[0]


def test_merging_incidents_loses_nothing_and_undo_takes_it_back(cli):
    keep = cli(
        "add",
        "detention",
        "--date",
        "2021-07-30",
        "--country",
        "BY",
        "-j",
        "Ігар Лосік",
        "--summary",
        "Detained",
        "--source",
        "https://example.org/1",
        "--publisher",
        "BAJ",
    ).stdout.strip()
    drop = cli(
        "add",
        "arrest",
        "--date",
        "2021-07-30",
        "--country",
        "BY",
        "--city",
        "Minsk",
        "-j",
        "Ann Lee",
        "-o",
        "Belsat",
        "--summary",
        "Arrested",
        "--tag",
        "court",
        "--source",
        "https://example.org/2",
        "--publisher",
        "Viasna",
        "--force",
    ).stdout.strip()
    cli("note", drop, "Moved to a pre-trial prison", "--date", "2021-08-01")
    cli(
        "designate",
        "Belsat",
        "--label",
        "extremist-materials",
        "--by",
        "Court",
        "--date",
        "2021-07-30",
    )
    before = _document(cli)
    merged = cli("merge", "incident", keep[:8], drop[:8])
    kept = cli.json("show", drop)  # the dropped id finds the kept incident
    assert kept["id"] == keep
    assert kept["kinds"] == ["arrest", "detention"]
    assert kept["journalists"] == ["Ann Lee", "Ігар Лосік"]
    assert kept["outlets"] == ["Belsat"] and kept["tags"] == ["court"]
    assert kept["city"] == "Minsk" and kept["summary"] == "Detained"
    assert [s["url"] for s in kept["sources"]] == ["https://example.org/1", "https://example.org/2"]
    assert kept["extra"] == {"merged": {drop: {"summary": "Arrested"}}}
    assert [u["text"] for u in kept["updates"]] == ["Moved to a pre-trial prison"]
    assert {p["person"] for p in cli.json("custody", "--as-of", "2021-07-31")["held"]} == {
        "Ann Lee",
        "Ігар Лосік",
    }
    assert len(cli.json("list")) == 2  # the designation's incident and the kept one
    cli("merge", "undo", _merge_rev(merged))
    after = _document(cli)
    for document in (before, after):
        for incident in document["incidents"]:
            incident.pop("updated_at")
    assert after["incidents"] == before["incidents"]
    assert after["custody"] == before["custody"]
    assert after["designations"] == before["designations"]
    assert cli("merge", "undo", _merge_rev(merged), code=1).stderr.startswith(
        "Error: REV: that merge was undone already (revision "
    )


def test_merges_in_a_chain_undo_in_reverse_order(cli):
    a, b, c = (
        cli("add", "raid", "--date", "2021-07-30", "-j", name, "--force").stdout.strip()
        for name in ("Ann Lee", "Bob Roe", "Cy Doe")
    )
    first = cli("merge", "incident", a, b)
    second = cli("merge", "incident", c, a)
    assert cli.json("show", b)["id"] == c
    assert cli("merge", "undo", _merge_rev(first), code=1).stderr.startswith(
        f"Error: REV: a later merge of {c} stands (revision "
    )
    cli("merge", "undo", _merge_rev(second))
    assert cli.json("show", b)["id"] == a  # the first merge stands: b finds a again
    cli("merge", "undo", _merge_rev(first))
    assert [cli.json("show", i)["journalists"] for i in (a, b, c)] == [
        ["Ann Lee"],
        ["Bob Roe"],
        ["Cy Doe"],
    ]


def test_incidents_on_days_that_do_not_overlap_are_not_merged(cli):
    a = cli("add", "raid", "--date", "2021-07-10").stdout.strip()
    b = cli("add", "raid", "--date", "2021-07-12").stdout.strip()
    assert cli("merge", "incident", a, b, code=2).stderr == (
        f"Error: DROP: '{b}' is dated 2021-07-12, {a[:8]} 2021-07-10: dates that do not "
        "overlap are not one event (edit a date first if one is wrong)\n"
    )


def test_designating_a_journalist_by_name_or_alias_designates_the_person(cli):
    cli("add", "raid", "--date", "2021-07-30", "-j", "Ігар Лосік")
    cli("journalists", "alias", "Ігар Лосік", "Ihar Losik")
    cli(
        "designate",
        "ihar losik",
        "--label",
        "extremist-materials",
        "--by",
        "MinJust",
        "--date",
        "2021-08-14",
    )
    designation = cli.json("designations")[0]
    assert (designation["target"], designation["target_type"]) == ("Ігар Лосік", "person")
    assert cli.json("outlets") == []


def test_merging_journalists_moves_everything_and_undo_takes_it_back(cli):
    cli(
        "add", "detention", "--date", "2021-07-01", "--country", "BY", "-j", "Ігар Лосік", "--force"
    )
    cli(
        "add",
        "detention",
        "--date",
        "2021-07-01",
        "--country",
        "BY",
        "-j",
        "Igor Losik",
        "-j",
        "Ann Lee",
        "--force",
    )
    cli("journalists", "alias", "Igor Losik", "И. Лосик")
    cli("journalists", "set", "Igor Losik", "--at-risk", "--outlet", "Belsat")
    cli("release", "Igor Losik", "--date", "2021-07-05")
    cli(
        "designate",
        "Igor Losik",
        "--target-type",
        "person",
        "--label",
        "extremist-materials",
        "--by",
        "MVD",
        "--date",
        "2021-07-20",
    )
    before = _document(cli)
    merged = cli("merge", "journalist", "ігар лосік", "Igor Losik")
    people = {p["name"]: p for p in cli.json("journalists")}
    assert set(people) == {"Ann Lee", "Ігар Лосік"}
    losik = people["Ігар Лосік"]
    assert losik["aliases"] == ["Igor Losik", "И. Лосик"]
    assert (losik["incidents"], losik["at_risk"], losik["outlet"]) == (3, True, "Belsat")
    assert losik["pseudonym"] == before_pseudonym(before, "Igor Losik")
    assert cli.json("designations")[0]["target"] == "Ігар Лосік"
    # the release moved too: Losik is out, Ann Lee is still held
    assert [p["person"] for p in cli.json("custody", "--as-of", "2021-07-06")["held"]] == [
        "Ann Lee"
    ]
    assert len(cli.json("list", "--journalist", "И. Лосик")) == 3
    cli("merge", "undo", _merge_rev(merged))
    after = _document(cli)
    for document in (before, after):
        for incident in document["incidents"]:
            incident.pop("updated_at")
        document["custody"].sort(key=lambda c: (c["person"], c["since"]))
    assert after["people"] == before["people"]
    assert after["incidents"] == before["incidents"]
    assert after["custody"] == before["custody"]
    assert after["designations"] == before["designations"]


def before_pseudonym(document: dict, name: str) -> str:
    return next(p["pseudonym"] for p in document["people"] if p["name"] == name)


def test_merging_outlets_keeps_affiliations_and_the_name_as_an_alias(cli):
    cli("add", "raid", "--date", "2021-07-30", "-o", "Belsat", "--force")
    cli("add", "raid", "--date", "2021-07-30", "-o", "Белсат", "--force")
    cli("add", "raid", "--date", "2021-07-30", "-j", "Ann Lee", "--force")
    cli("journalists", "set", "Ann Lee", "--outlet", "Белсат")
    before = _document(cli)
    merged = cli("merge", "outlet", "Belsat", "Белсат")
    assert cli.json("outlets") == [
        {"name": "Belsat", "type": "outlet", "aliases": ["Белсат"], "incidents": 2}
    ]
    assert cli.json("journalists")[0]["outlet"] == "Belsat"
    cli("merge", "undo", _merge_rev(merged))
    after = _document(cli)
    for document in (before, after):
        for incident in document["incidents"]:
            incident.pop("updated_at")
    assert after == before


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["merge", "incident", "KEEP", "KEEP"],
            "DROP: 'KEEP' is the incident to keep: give two incidents",
        ),
        (
            ["merge", "journalist", "Ann Lee", "ann lee"],
            "DROP: 'ann lee' is the journalist to keep (the same name or an alias of it): give two",
        ),
        (
            ["merge", "journalist", "Ann Lee", "Nobody"],
            "DROP: 'Nobody' is not a journalist in this database",
        ),
        (
            ["merge", "outlet", "Belsat", "Nobody"],
            "DROP: 'Nobody' is not an outlet in this database",
        ),
        (["merge", "undo", "1"], "REV: '1' is not a revision of a merge (see `pressfree history`)"),
        (["merge", "undo", "x"], "REV: 'x' is not a revision number"),
    ],
)
def test_bad_merges_are_one_line_and_write_nothing(cli, args, message):
    code = 1 if "not a journalist" in message or "not an outlet" in message else 2
    keep = cli(
        "add", "raid", "--date", "2021-07-30", "-j", "Ann Lee", "-o", "Belsat"
    ).stdout.strip()
    args = [keep if a == "KEEP" else a for a in args]
    message = message.replace("KEEP", keep)
    before = cli.json("history")
    assert cli(*args, code=code).stderr == f"Error: {message}\n"
    assert cli.json("history") == before


# --- later exports of a dataset -----------------------------------------------------------


def _later_export(tmp_path):
    """The PFT excerpt as a later export would have it: no slug column, one row corrected,
    one new, the rest unchanged."""
    rows = list(csv.DictReader(open(FIXTURES / "pft_excerpt.csv", newline="", encoding="utf-8")))
    columns = [c for c in rows[0] if c != "slug"]
    later = [{c: r[c] for c in columns} for r in rows]
    later[1]["tags"] = (later[1]["tags"] + ",corrected").strip(",")
    later.append(dict(later[2], title="A new incident", date="2020-03-20", city="Nowhere"))
    path = tmp_path / "later.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(later)
    # Nothing to adjust by hand: the preset reads a layout without the slug column too.
    mapping = ("--preset", "pft")
    return path, mapping, len(rows), later[1]["title"]


def test_a_later_export_without_ids_does_not_double(cli, tmp_path):
    path, mapping, count, corrected = _later_export(tmp_path)
    cli("import", FIXTURES / "pft_excerpt.csv", "--preset", "pft")
    arrests = len(cli.json("list", "--kind", "arrest"))
    assert arrests > 0
    before = _document(cli)
    said = cli("import", path, *mapping, "--dry-run").stderr
    assert said.endswith(
        f"Would import 1 incident from {count + 1} rows; {count - 1} already "
        "stored, 1 changed, 1 new.\n"
    )
    assert "changed since stored as" in said and "(tags)" in said
    assert _document(cli) == before
    said = cli("import", path, *mapping).stderr
    assert said.endswith(
        f"Imported 1 incident from {count + 1} rows; {count - 1} already "
        "stored, 1 changed, 1 new.\n"
    )
    assert "add --update to apply them" in said
    assert len(cli.json("list")) == count + 1
    assert len(cli.json("list", "--kind", "arrest")) == arrests  # nothing counted twice
    stored = next(i for i in cli.json("list") if i["summary"] == corrected)
    assert "corrected" not in stored["tags"]
    said = cli("import", path, *mapping, "--again", "--update").stderr
    assert said.endswith(
        f"Imported 0 incidents from {count + 1} rows; {count} already stored, 1 changed, 0 new.\n"
    )
    assert "corrected" in cli.json("show", stored["id"])["tags"]
    assert cli("import", path, *mapping, "--again").stderr.endswith(
        f"Imported 0 incidents from {count + 1} rows; {count + 1} already stored, 0 changed, "
        "0 new.\n"
    )


def test_identical_rows_without_ids_are_matched_as_a_multiset(cli, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text(
        "date,kinds,city\n2021-07-01,raid,Minsk\n2021-07-01,raid,Minsk\n", encoding="utf-8"
    )
    later = tmp_path / "later.csv"
    later.write_text(
        "date,kinds,city\n2021-07-01,raid,Minsk\n2021-07-01,raid,Minsk\n2021-07-01,raid,Minsk\n",
        encoding="utf-8",
    )
    cli("import", first)
    assert cli("import", later).stderr.endswith(
        "Imported 1 incident from 3 rows; 2 already stored, 0 changed, 1 new.\n"
    )
    assert len(cli.json("list")) == 3


# --- custody across merges -----------------------------------------------------------------


def test_a_detention_merged_into_an_imported_row_keeps_the_custody_it_opened(cli, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "date,kinds,journalists,country\n2021-07-01,detention,Ann Lee,BY\n", encoding="utf-8"
    )
    cli("import", rows)
    imported = cli.json("list")[0]["id"]
    assert cli.json("custody", "--as-of", "2021-07-02")["held"] == []  # files say no custody
    typed = cli(
        "add", "detention", "--date", "2021-07-01", "--country", "BY", "-j", "Ann Lee", "--force"
    ).stdout.strip()
    merged = cli("merge", "incident", imported, typed)
    held = cli.json("custody", "--as-of", "2021-07-02")["held"]
    assert [(h["person"], h["incident"]) for h in held] == [("Ann Lee", imported)]
    cli("merge", "undo", _merge_rev(merged))
    held = cli.json("custody", "--as-of", "2021-07-02")["held"]
    assert [(h["person"], h["incident"]) for h in held] == [("Ann Lee", typed)]


def test_an_export_with_ids_after_one_without_matches_and_takes_the_ids(cli, tmp_path):
    path, mapping, count, _ = _later_export(tmp_path)
    cli("import", path, *mapping)  # without ids first (it has one row more)
    # every row matches; each also cites its own page (the id column), which was not there
    assert cli("import", FIXTURES / "pft_excerpt.csv", "--preset", "pft").stderr.endswith(
        f"Imported 0 incidents from {count} rows; 0 already stored, {count} changed, 0 new.\n"
    )
    assert len(cli.json("list")) == count + 1
    # changed rows left as stored do not take their ids: --update can still apply them
    assert not any(i.get("external_id") for i in cli.json("list"))
    cli("import", FIXTURES / "pft_excerpt.csv", "--preset", "pft", "--again", "--update")
    assert sum(1 for i in cli.json("list") if i.get("external_id")) == count
    # from now on the ids find them
    assert cli(
        "import", FIXTURES / "pft_excerpt.csv", "--preset", "pft", "--again"
    ).stderr.endswith(f"{count} already stored, 0 changed, 0 new.\n")


def test_a_document_from_another_database_with_the_same_rows_adds_them_once(cli, tmp_path):
    other = tmp_path / "other.db"
    cli("--db", other, "import", FIXTURES / "pft_excerpt.csv", "--preset", "pft")
    document = tmp_path / "other.json"
    cli("--db", other, "export", "--out", document)
    cli("import", FIXTURES / "pft_excerpt.csv", "--preset", "pft")
    before = len(cli.json("list"))
    assert "skipped" in cli("import", document).stderr
    assert len(cli.json("list")) == before


def test_an_unnamed_person_is_released_through_the_detention_that_named_them(cli):
    first = cli("add", "detention", "--date", "2021-07-01", "-j", "unknown").stdout.strip()
    cli("add", "detention", "--date", "2021-07-02", "-j", "Unknown", "--force")
    assert cli("release", "unknown", "--date", "2021-07-05", code=2).stderr == (
        "Error: person: 'unknown' names nobody in particular: give --incident, the detention "
        "that named them\n"
    )
    cli("release", "UNKNOWN", "--date", "2021-07-05", "--incident", first[:8])
    held = cli.json("custody", "--as-of", "2021-07-06")["held"]
    assert [(h["person"], h["since"]) for h in held] == [("Unknown", "2021-07-02")]
    assert (
        cli("release", "Ann Lee", "--date", "2021-07-05", "--incident", first, code=1).stderr
        == f"Error: person: 'Ann Lee' is not named by incident {first}\n"
    )


def test_partial_names_with_a_placeholder_and_freelance_name_nobody(cli):
    for day in ("2021-07-01", "2021-07-02"):
        cli(
            "add",
            "raid",
            "--date",
            day,
            "-j",
            "Ahmad [full name unavailable]",
            "-o",
            "Freelance",
            "--force",
        )
    cli("add", "raid", "--date", "2021-07-03", "-j", "Ann Lee", "-o", "Belsat", "--force")
    summary = cli.json("summary", "--month", "2021-07")
    assert summary["top_journalists"] == [{"name": "Ann Lee", "incidents": 1}]
    assert summary["top_outlets"] == [{"name": "Belsat", "incidents": 1}]
    assert "And 2 unnamed" in cli("journalists").stderr


def test_a_placeholder_cannot_be_a_stored_name_and_can_be_removed(cli):
    cli("add", "raid", "--date", "2021-07-01", "-j", "Zack Stoner")
    assert cli("journalists", "placeholders", "add", "zack stoner", code=1).stderr == (
        "Error: name: 'zack stoner' names journalist 'Zack Stoner': a placeholder names nobody\n"
    )
    assert (
        cli("journalists", "placeholders", "add", "!!!", code=2).stderr
        == "Error: name: '!!!' has no letters or digits\n"
    )
    cli("journalists", "placeholders", "remove", "Independent")
    cli("add", "raid", "--date", "2021-07-02", "-j", "Independent", "--force")
    assert [p["name"] for p in cli.json("journalists")] == ["Independent", "Zack Stoner"]


def test_the_same_page_under_another_spelling_is_a_likely_duplicate(cli):
    first = cli(
        "add", "raid", "--date", "2021-07-30", "--source", "https://example.org/raid/"
    ).stdout.strip()
    for url in ("http://EXAMPLE.org/raid", "https://example.org/raid?utm_source=x"):
        assert (
            f"possible duplicate of {first[:8]}"
            in cli("add", "raid", "--date", "2021-07-30", "--source", url).stderr
        )
    pairs = cli.json("duplicates")
    assert len(pairs) == 3 and all(p["reason"].startswith("same source ") for p in pairs)


@pytest.mark.parametrize("first", [1, 3, 20_000])
def test_every_way_of_searching_finds_the_same(cli, monkeypatch, first):
    """The index leads when the words match few incidents; the filters lead when they match
    many (tried here by making "many" small): the results are the same."""
    from pressfree import incidents

    added = _corpus(cli, cli_db(cli))
    monkeypatch.setattr(incidents, "SEARCH_FIRST", first)
    assert _ids(cli, "search", "losik") == [added["by"], added["ru"], added["latin"]]
    assert _ids(cli, "search", "losik", "--from", "2021-07-29") == [added["by"], added["ru"]]
    assert _ids(cli, "search", "Igor", "--month", "2021-07")[0] == added["ru"]
    assert _ids(cli, "search", "belarusian", "--month", "2021-07") == _ids(
        cli, "list", "--month", "2021-07", "--search", "BELARUSIAN"
    )
    assert len(_ids(cli, "search", "belarusian")) == 2
    # "baj" matches more than 3: with --from, the filters choose few and the words are
    # checked on those
    expected = [
        i["id"]
        for i in cli.json("list", "--from", "2021-07-29")
        if any(src["publisher"] == "BAJ" for src in i["sources"])
    ]
    assert expected and _ids(cli, "search", "baj", "--from", "2021-07-29") == expected


def test_merges_are_undone_newest_first_whatever_they_merged(cli):
    a = cli(
        "add", "detention", "--date", "2021-07-10", "-j", "Ігар Лосік", "--force"
    ).stdout.strip()
    b = cli(
        "add", "detention", "--date", "2021-07-10", "-j", "Ihar Losik", "--force"
    ).stdout.strip()
    people = cli("merge", "journalist", "Ігар Лосік", "Ihar Losik")
    both = cli("merge", "incident", a, b)
    assert cli("merge", "undo", _merge_rev(people), code=1).stderr == (
        "Error: REV: journalist Ігар Лосік changed after the merge (its incidents, aliases, "
        "releases or designations), so the merge cannot be taken back\n"
    )
    cli("merge", "undo", _merge_rev(both))
    cli("merge", "undo", _merge_rev(people))
    assert (cli.json("show", a)["journalists"], cli.json("show", b)["journalists"]) == (
        ["Ігар Лосік"],
        ["Ihar Losik"],
    )


def test_an_incident_merged_away_is_not_deleted_and_not_restored(cli):
    keep = cli("add", "raid", "--date", "2021-07-30", "--force").stdout.strip()
    drop = cli("add", "raid", "--date", "2021-07-30", "--force").stdout.strip()
    merged = cli("merge", "incident", keep, drop)
    assert cli.json("deleted") == []
    assert cli("restore", drop, code=1).stderr == (
        f"Error: id: {drop} was merged into {keep}: `pressfree merge undo "
        f"{int(_merge_rev(merged)) - 1}` takes the merge back\n"
    )


def test_a_merge_undo_records_no_change_that_did_not_happen(cli):
    keep = cli("add", "raid", "--date", "2021-07-30", "--force").stdout.strip()
    drop = cli("add", "raid", "--date", "2021-07-30", "--force").stdout.strip()
    cli("merge", "undo", _merge_rev(cli("merge", "incident", keep, drop)))
    last = cli.json("history", keep)[-1]
    assert last["verb"] == "merge undo" and "opens_custody" not in json.dumps(last["changes"])


def test_documents_carry_merged_ids_placeholders_and_match_rows_without_ids(cli, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "date,kinds,journalists\n2021-07-01,raid,Ann Lee\n2021-07-01,raid,Ann Lee\n"
        "2021-07-02,raid,Bob Roe\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "rows.toml"
    mapping.write_text(
        'name = "tracker"\n[columns]\ndate = "date"\nkinds = "kinds"\n'
        'journalists = "journalists"\n',
        encoding="utf-8",
    )
    cli("import", rows, "--mapping", mapping)
    cli("journalists", "placeholders", "add", "name withheld by request")
    keep, drop = (
        cli("add", "detention", "--date", "2021-07-03", "-j", name, "--force").stdout.strip()
        for name in ("Cy Doe", "Dee Poe")
    )
    cli("merge", "incident", keep, drop)
    document = tmp_path / "all.json"
    cli("export", "--out", document)
    other = tmp_path / "other.db"
    cli("--db", other, "import", rows, "--mapping", mapping)  # the same file, there too
    said = cli("--db", other, "import", document).stderr
    assert len(cli.json("--db", other, "list")) == 4  # 3 rows once, and the merged pair
    assert "skipped" in said
    assert cli.json("--db", other, "show", drop)["id"] == keep
    assert "name withheld by request" in [
        p["name"] for p in cli.json("--db", other, "journalists", "placeholders")
    ]


def test_a_document_made_before_merges_loads_into_the_merged_database(cli, tmp_path):
    a = cli(
        "add", "detention", "--date", "2021-07-10", "-j", "Ігар Лосік", "--force"
    ).stdout.strip()
    cli("add", "detention", "--date", "2021-07-10", "-j", "Ihar Losik", "--force")
    cli("release", "Ihar Losik", "--date", "2021-07-20")
    before = tmp_path / "before.json"
    cli("export", "--out", before)
    cli("merge", "journalist", "Ігар Лосік", "Ihar Losik")
    said = cli("import", before).stderr
    assert "skipped" in said and len(cli.json("list")) == 2
    assert cli.json("show", a)["journalists"] == ["Ігар Лосік"]


def test_history_finds_a_journalist_by_any_spelling(cli):
    cli("add", "raid", "--date", "2021-07-30", "-j", "Ігар Лосік")
    cli("journalists", "alias", "Ігар Лосік", "Ihar Losik")
    assert cli.json("history", "ihar losik") == cli.json("history", "Ігар Лосік") != []


def test_different_journalists_at_one_outlet_are_not_duplicates(cli):
    cli("add", "killing", "--date", "1993", "-j", "Ann Lee", "-o", "Ozgur Gundem")
    second = cli("add", "killing", "--date", "1993", "-j", "Bob Roe", "-o", "Ozgur Gundem")
    assert "possible duplicate" not in second.stderr
    assert cli.json("duplicates") == []
    third = cli("add", "killing", "--date", "1993", "-j", "ann lee", "-o", "Ozgur Gundem")
    assert "possible duplicate" in third.stderr  # the same person: likely the same event


def test_an_outlet_may_become_a_placeholder_and_stops_counting(cli):
    cli("add", "raid", "--date", "2021-07-01", "-o", "Freelancers Inc", "--force")
    cli("journalists", "placeholders", "add", "Freelancers Inc")
    assert cli.json("summary", "--month", "2021-07")["top_outlets"] == []
    cli("journalists", "placeholders", "remove", "freelancers inc")
    assert cli.json("summary", "--month", "2021-07")["top_outlets"] == [
        {"name": "Freelancers Inc", "incidents": 1}
    ]


def test_more_spellings_of_a_page_are_one_source(cli):
    first = cli(
        "add", "raid", "--date", "2021-07-30", "--source", "https://a.example/1"
    ).stdout.strip()
    assert (
        f"possible duplicate of {first[:8]}"
        in cli(
            "add",
            "raid",
            "--date",
            "2021-07-30",
            "--source",
            "https://www.a.example/1?utm_medium=x&fbclid=abc",
        ).stderr
    )


def test_identical_rows_of_one_file_are_all_added_whatever_the_batches(cli, tmp_path, monkeypatch):
    from pressfree.exchange import loader

    monkeypatch.setattr(loader, "BATCH", 2)  # identical rows fall in different batches
    rows = tmp_path / "rows.csv"
    rows.write_text("date,kinds,city\n" + "2021-07-01,raid,Minsk\n" * 5, encoding="utf-8")
    assert cli("import", rows).stderr == "Imported 5 incidents from 5 rows.\n"
    assert cli("import", rows, "--again").stderr.endswith(
        "Imported 0 incidents from 5 rows; 5 already stored, 0 changed, 0 new.\n"
    )


def test_an_import_indexes_its_rows_as_a_refresh_would(cli, sql, tmp_path):
    import os

    from pressfree import search
    from pressfree.store import db

    cli("journalists", "alias", "Ann Lee", "Hanna Li", code=1)  # nobody yet: refused
    cli(
        "add",
        "raid",
        "--date",
        "2020-01-01",
        "-j",
        "Tara O'Neill",
        "--source",
        "https://pressfreedomtracker.us/x",
        "--source-title",
        "First title",
    )
    cli("journalists", "alias", "Tara O'Neill", "T. O'Neill")
    cli("import", FIXTURES / "pft_excerpt.csv", "--preset", "pft")

    def entries():
        return {
            i: (sorted(w.split()), sorted(s.split()))
            for i, w, s in sql("SELECT incident_id, words, sounds FROM incident_search")
        }

    imported = entries()
    store = db.open_store(os.environ["PRESSFREE_DB"])
    with store.session(write=True) as session:
        search.refresh(session, list(imported))
    store.dispose()
    assert entries() == imported
    assert any("o" in words and "neill" in words for words, _ in imported.values())


def test_merges_and_their_undo_lose_nothing_on_both_backends(cli, any_db):
    def run(*args, **kw):
        return cli("--db", any_db, *args, **kw)

    def document() -> dict:
        data = json.loads(run("export").stdout)
        data.pop("exported_at")
        data["incidents"].sort(key=lambda i: i["id"])
        for incident in data["incidents"]:
            incident.pop("updated_at")
        data["custody"].sort(key=lambda c: (c["person"], c["since"]))
        return data

    a = run(
        "add",
        "detention",
        "--date",
        "2021-07-10",
        "--country",
        "BY",
        "-j",
        "Ігар Лосік",
        "-o",
        "Belsat",
        "--summary",
        "A",
        "--source",
        "https://a.example",
        "--force",
    ).stdout.strip()
    b = run(
        "add",
        "arrest",
        "--date",
        "2021-07-10",
        "--country",
        "BY",
        "-j",
        "Igor Losik",
        "-o",
        "Белсат",
        "--summary",
        "B",
        "--tag",
        "t",
        "--force",
    ).stdout.strip()
    run("release", "Igor Losik", "--date", "2021-07-20")
    run("note", b, "Moved", "--date", "2021-07-11")
    before = document()
    people = run("merge", "journalist", "Ігар Лосік", "Igor Losik")
    outlets = run("merge", "outlet", "Belsat", "Белсат")
    both = run("merge", "incident", a, b)
    assert run("search", "igor").stdout.count(a[:8]) == 1
    assert [i["id"] for i in json.loads(run("list", "--format", "json").stdout)] == [a]
    for merged in (both, outlets, people):
        run("merge", "undo", _merge_rev(merged))
    assert document() == before


@pytest.mark.parametrize("answer, stored", [("n", 1), ("y", 2)])
def test_on_a_terminal_add_asks_before_adding_a_likely_duplicate(cli, answer, stored):
    import os

    cli("add", "raid", "--date", "2021-07-30", "--country", "BY", "-j", "Ann Lee")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    code, said = on_a_terminal(
        ["add", "raid", "--date", "2021-07-30", "--country", "BY", "-j", "ann lee"], env, answer
    )
    assert "possible duplicate of" in said and "Add it anyway? [y/N]" in said
    assert code == (1 if answer == "n" else 0)
    assert len(cli.json("list")) == stored


def test_a_restored_row_is_still_matched_by_its_dataset(cli, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "date,kinds,city\n2021-07-01,raid,Minsk\n2021-07-02,raid,Brest\n", encoding="utf-8"
    )
    cli("import", rows)
    minsk = next(i["id"] for i in cli.json("list") if i["city"] == "Minsk")
    cli("delete", minsk, "--yes")
    cli("restore", minsk)
    assert cli("import", rows, "--again").stderr.endswith(
        "Imported 0 incidents from 2 rows; 2 already stored, 0 changed, 0 new.\n"
    )
    cli("imports", "undo", "1", "--yes", "--force")  # it came from that import: it goes with it
    assert cli.json("list") == []


def test_a_merge_is_undone_from_the_state_it_left_and_only_then(cli):
    cli(
        "add", "detention", "--date", "2021-07-01", "--country", "BY", "-j", "Ігар Лосік", "--force"
    )
    cli(
        "add",
        "detention",
        "--date",
        "2021-07-10",
        "--country",
        "BY",
        "-j",
        "Игорь Лосик",
        "--force",
    )
    people = cli("merge", "journalist", "Ігар Лосік", "Игорь Лосик")
    # typed with the dropped name after the merge: it is the kept person's now
    cli("add", "raid", "--date", "2021-08-01", "-j", "Игорь Лосик", "--force")
    assert (
        "so the merge cannot be taken back"
        in cli("merge", "undo", _merge_rev(people), code=1).stderr
    )
    # unrelated merges do not stand in each other's way
    a, b = (
        cli("add", "raid", "--date", "2021-07-05", "-o", name, "--force").stdout.strip()
        for name in ("Oo", "Pp")
    )
    incidents_ = cli("merge", "incident", a, b)
    outlets = cli("merge", "outlet", "Oo", "Pp")
    cli("merge", "undo", _merge_rev(outlets))
    # an edit since is put back as the merge left it, and then the undo goes through
    cli("edit", a, "--summary", "edited")
    said = cli("merge", "undo", _merge_rev(incidents_), code=1).stderr
    assert "changed after the merge: `pressfree restore" in said
    cli("restore", a, "--to", _merge_rev(incidents_))
    cli("merge", "undo", _merge_rev(incidents_))
    assert sorted(
        i["outlets"][0] for i in cli.json("list", "--from", "2021-07-05", "--to", "2021-07-05")
    ) == ["Oo", "Pp"]


def test_a_long_alias_is_refused_the_same_on_both_backends(cli, any_db):
    cli("--db", any_db, "add", "raid", "--date", "2021-07-01", "-j", "Anna Lee")
    long = "x" * 3000
    said = cli("--db", any_db, "journalists", "alias", "Anna Lee", long, code=2).stderr
    assert said == f"Error: alias: '{'x' * 198}… (3,000 characters) is longer than 2,000 bytes\n"


def test_a_document_is_held_to_the_rules_of_aliases(cli, tmp_path):
    def load(aliases) -> str:
        document = tmp_path / "doc.json"
        document.write_text(
            json.dumps(
                {
                    "format": "pressfree",
                    "version": 1,
                    "people": [{"name": "Cy Doe", "aliases": aliases}],
                }
            ),
            encoding="utf-8",
        )
        return cli("import", document, code=2).stderr

    assert load(["unknown"]) == (
        "Error: people[0].aliases: 'unknown' is a placeholder name: it names nobody\n"
    )
    assert load([5]) == "Error: people[0].aliases: 5 is not a name\n"
    assert cli.json("journalists") == []


def test_undoing_an_update_import_takes_its_edits_back(cli, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text("date,kinds,city,tags\n2021-07-01,raid,Minsk,a\n", encoding="utf-8")
    later = tmp_path / "later.csv"
    later.write_text(
        "date,kinds,city,tags\n2021-07-01,raid,Minsk,b\n2021-07-02,raid,Brest,\n", encoding="utf-8"
    )
    cli("import", first)
    assert cli("import", later, "--update").stderr.endswith(
        "Imported 1 incident from 2 rows; 0 already stored, 1 changed, 1 new.\n"
    )
    minsk = next(i for i in cli.json("list") if i["city"] == "Minsk")
    assert minsk["tags"] == ["a", "b"]
    cli("imports", "undo", "2", "--yes")
    assert [(i["city"], i["tags"]) for i in cli.json("list")] == [("Minsk", ["a"])]
    cli("imports", "undo", "1", "--yes")  # the undone import's edits no longer stand in its way
    assert cli.json("list") == []


def test_terminals_adding_the_same_new_person_at_once_all_succeed(any_db, cli):
    import subprocess
    import sys

    cli("--db", any_db, "init")
    commands = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pressfree",
                "--db",
                any_db,
                "add",
                "detention",
                "--date",
                f"2021-09-{day:02d}",
                "--country",
                "BY",
                "-j",
                "Brand New Person",
                "-o",
                "Brand New Outlet",
                "--force",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for day in range(1, 7)
    ]
    results = [(c.wait(timeout=120), c.stderr.read()) for c in commands]
    assert all(code == 0 for code, _ in results), results
    people = cli.json("--db", any_db, "journalists")
    assert [(p["name"], p["incidents"]) for p in people] == [("Brand New Person", 6)]
    assert [o["incidents"] for o in cli.json("--db", any_db, "outlets")] == [6]


# --- the same person, chosen when adding ----------------------------------------------------

LOSIK = "Ігар Лосік"


def _detention(cli, day, name, *more, code=0, input=None):
    return cli(
        "add", "detention", "--date", day, "--country", "BY", "-j", name, "--source",
        f"https://example.org/{day}", *more, code=code, input=input,
    )  # fmt: skip


def _people(cli):
    return [(p["name"], p["aliases"]) for p in cli.json("journalists")]


@pytest.fixture
def losik(cli):
    _detention(cli, "2021-07-30", LOSIK)
    return cli


def test_without_a_terminal_a_likely_spelling_is_a_new_person_said_aloud(losik):
    said = _detention(losik, "2021-08-05", "Igor Losik").stderr
    assert said == (
        "Warning: 'Igor Losik' is recorded as a new journalist, but may be Ігар Лосік under "
        "another spelling: `--same-as 'Ігар Лосік'` records it as theirs, `--different` says "
        "it is not\n"
    )
    assert sorted(_people(losik)) == [("Igor Losik", []), (LOSIK, [])]
    assert _detention(losik, "2021-08-06", "Ihar Losik", "--different").stderr == ""


def test_same_as_records_the_spelling_as_theirs(losik):
    said = _detention(losik, "2021-08-05", "Igor Losik", "--same-as", "ігар лосік").stderr
    assert said == "Recorded 'Igor Losik' as another spelling of Ігар Лосік.\n"
    assert _people(losik) == [(LOSIK, ["Igor Losik"])]
    held = losik.json("custody", "--as-of", "2021-08-06")["held"]
    assert [(r["person"], r["since"]) for r in held] == [(LOSIK, "2021-07-30")]
    assert [r["record_type"] for r in losik.json("history", "--kind", "journalist")] == [
        "journalist"
    ]


@pytest.mark.parametrize(
    "names, same_as, message",
    [
        (
            ["Igor Losik"],
            "Nobody Known",
            "--same-as: 'Nobody Known' is not a journalist or outlet in this database",
        ),  # fmt: skip
        (
            [LOSIK],
            LOSIK,
            "--same-as: 'Ігар Лосік' matches no new journalist name of this "
            "incident (all of them are recorded: `pressfree merge journalist KEEP "
            "DROP` makes two one)",
        ),  # fmt: skip
        (
            ["Anna One", "Anna Two"],
            LOSIK,
            "--same-as: 'Ігар Лосік' may be any of several new "
            "journalist names of this incident: record the one with `pressfree journalists "
            "alias`",
        ),  # fmt: skip
    ],
)
def test_a_same_as_that_cannot_be_writes_nothing(losik, names, same_as, message):
    args = [a for n in names for a in ("-j", n)]
    code = 1 if "not a journalist" in message else 2
    said = losik("add", "raid", "--date", "2021-08-05", "--country", "BY", *args,
                 "--same-as", same_as, code=code).stderr  # fmt: skip
    assert said == f"Error: {message}\n"
    assert len(losik.json("list")) == 1 and _people(losik) == [(LOSIK, [])]


@pytest.mark.parametrize(
    "answer, people, incidents",
    [
        ("1\n", [(LOSIK, ["Igor Losik"])], 2),
        ("d\n", [("Igor Losik", []), (LOSIK, [])], 2),
        ("c\n", [(LOSIK, [])], 1),
        ("x\n1\n", [(LOSIK, ["Igor Losik"])], 2),
    ],
)
def test_a_terminal_asks_same_person_different_or_cancel(losik, monkeypatch, answer, people,
                                                         incidents):  # fmt: skip
    from pressfree.cli import incidents as commands

    monkeypatch.setattr(commands, "interactive", lambda: True)
    result = _detention(losik, "2021-08-05", "Igor Losik", "--status", "reported",
                        code=1 if answer == "c\n" else 0, input=answer)  # fmt: skip
    assert (
        "'Igor Losik' may be a journalist already recorded under another spelling:\n"
        "  1  same journalist: record 'Igor Losik' as another spelling of Ігар Лосік\n"
        "  d  a different journalist\n  c  cancel\n"
    ) in result.stderr
    assert sorted(_people(losik)) == people
    assert len(losik.json("list")) == incidents
