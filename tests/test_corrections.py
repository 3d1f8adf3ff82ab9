"""Corrections with history: figures and designations are edited, deleted and restored as
revisions; the same figure or designation twice is refused without --force; a publisher's
other names make its figures one publisher's."""

import pytest

from helpers import ROOT

SAMPLE = ROOT / "data" / "belarus-2021-07.json"
RAIDS = "32dabf74-047e-4bb6-8ed7-13036cbdb65b"  # the sample's figures and designation
HELD = "8444d043-048d-454d-9272-56139f68dab6"
BELSAT = "f9dcc135-f7aa-43ea-9848-29dd4b7ae3bc"
LONG_NAME = "Belarusian Association of Journalists"


@pytest.fixture
def sample(cli):
    cli("import", SAMPLE)
    return cli


def _figures(cli, *args):
    return {t["id"]: (t["metric"], t["reads"], t["publisher"]) for t in cli.json("tally", "list",
            *args)}  # fmt: skip


def test_the_same_figure_twice_is_refused_unless_forced(sample):
    args = ["tally", "add", "raid", ">200", "--period", "2021-07", "--country", "BY",
            "--publisher", "Viasna"]  # fmt: skip
    said = sample(*args, code=1).stderr
    assert said == (
        f"Error: tally: the same figure is already recorded ({RAIDS}): give --force to record "
        "it again\n"
    )
    assert len(_figures(sample)) == 2
    other = sample(*args, "--force").stdout.strip()
    assert set(_figures(sample)) == {RAIDS, HELD, other}
    # another value, period or publisher is another figure
    sample("tally", "add", "raid", ">210", "--period", "2021-07", "--country", "BY",
           "--publisher", "Viasna")  # fmt: skip
    assert len(_figures(sample)) == 4


def test_a_figure_is_edited_deleted_and_restored_with_its_history(sample):
    edited = sample.json("tally", "edit", RAIDS[:6], "--value", ">210", "--scope", "homes")
    assert (edited["value"], edited["qualifier"], edited["reads"], edited["scope"]) == (
        210, "more-than", "more than 210", "homes",
    )  # fmt: skip
    assert edited["period"] == "2021-07" and edited["publisher"] == "Viasna"
    moved = sample.json("tally", "edit", HELD[:6], "--as-of", "2021-07-29")
    assert (moved["as_of"], moved["period"]) == ("2021-07-29", None)
    said = sample("tally", "edit", HELD[:6], "--period", "2021-07", code=2).stderr
    assert said == (
        "Error: --period: '2021-07' does not fit journalists-in-custody, a count of people "
        "held on a day: give --as-of\n"
    )
    sample("tally", "delete", RAIDS, "--yes")
    assert set(_figures(sample)) == {HELD}
    revisions = sample.json("history", RAIDS)
    assert [r["verb"] for r in revisions] == ["tally edit", "tally delete"]
    restored = sample.json("restore", RAIDS[:8])
    assert (restored["id"], restored["reads"], restored["scope"]) == (
        RAIDS, "more than 210", "homes",
    )  # fmt: skip
    first_edit = sample.json("history", RAIDS)[0]["rev"]
    sample("restore", RAIDS, "--to", first_edit)
    assert _figures(sample)[RAIDS] == ("raid", "more than 210", "Viasna")
    assert sample("check").stdout == ""


def test_deleting_a_figure_needs_yes_without_a_terminal(sample):
    said = sample("tally", "delete", RAIDS, code=2).stderr
    assert said == "Error: --yes: '' is required to delete without a terminal\n"
    assert RAIDS in _figures(sample)


def test_a_figure_s_publisher_must_be_its_source_s(sample):
    url = "https://example.org/baj"
    sample("tally", "add", "raid", "5", "--period", "2021-06", "--country", "BY",
           "--publisher", "BAJ", "--source", url)  # fmt: skip
    said = sample("tally", "add", "raid", "6", "--period", "2021-05", "--country", "BY",
                  "--publisher", "Viasna", "--source", url, code=2).stderr  # fmt: skip
    assert said == (
        f"Error: --publisher: 'Viasna' does not match the source {url}, published by 'BAJ'\n"
    )


def test_a_publisher_s_other_name_makes_its_figures_one_publisher_s(sample):
    twice = sample("tally", "add", "journalists-in-custody", "28", "--as-of", "2021-07-30",
                   "--country", "BY", "--publisher", "BAJ").stdout.strip()  # fmt: skip
    later = sample("tally", "add", "journalists-in-custody", "29", "--as-of", "2021-07-31",
                   "--country", "BY", "--publisher", LONG_NAME).stdout.strip()  # fmt: skip
    custody = sample.json("summary", "--month", "2021-07")["in_custody"]["reported"]
    assert sorted(r["figure"] for r in custody) == ["28", "29"]  # two publishers, so far
    result = sample("publishers", "alias", "BAJ", LONG_NAME)
    assert result.stderr == (
        f"BAJ is also called: {LONG_NAME}.\n"
        f"Warning: {HELD} and {twice} are now the same figure of one publisher: delete one "
        "(`pressfree tally delete ID`)\n"
    )
    custody = sample.json("summary", "--month", "2021-07")["in_custody"]["reported"]
    assert [(r["figure"], r["as_of"]) for r in custody] == [("29", "2021-07-31")]
    assert set(_figures(sample, "--publisher", "BAJ")) == {HELD, twice, later}
    assert set(_figures(sample, "--publisher", LONG_NAME)) == {HELD, twice, later}
    said = sample("tally", "add", "journalists-in-custody", "29", "--as-of", "2021-07-31",
                  "--country", "BY", "--publisher", "BAJ", code=1).stderr  # fmt: skip
    assert f"the same figure is already recorded ({later})" in said
    [baj] = [p for p in sample.json("publishers") if p["name"] == "BAJ"]
    assert (baj["other_names"], baj["figures"]) == ([LONG_NAME], 3)
    [change] = sample.json("history", "--kind", "publisher")
    assert (change["before"], change["after"]) == (
        {"names": ["BAJ"]}, {"names": ["BAJ", LONG_NAME]},
    )  # fmt: skip


@pytest.mark.parametrize(
    "name, alias, message",
    [
        ("BAJ", "baj", "alias: 'baj' is 'BAJ' itself"),
        ("Viasna", LONG_NAME, f"alias: '{LONG_NAME}' already names another publisher, 'BAJ'"),
        ("BAJ", " ", "alias: ' ' is empty"),
    ],
)
def test_a_publisher_s_other_name_that_cannot_be(sample, name, alias, message):
    sample("publishers", "alias", "BAJ", LONG_NAME)
    said = sample("publishers", "alias", name, alias, code=2 if "empty" in message or "itself"
                  in message else 1).stderr  # fmt: skip
    assert said == f"Error: {message}\n"


def test_incidents_are_found_by_any_name_of_their_source_s_publisher(sample):
    sample("add", "raid", "--date", "2021-07-30", "--country", "BY", "--source",
           "https://example.org/1", "--publisher", LONG_NAME, "--force")  # fmt: skip
    assert sample.json("list", "--publisher", "BAJ") == []
    sample("publishers", "alias", "BAJ", LONG_NAME)
    # this one, and the sample's detention BAJ reported under its long name
    assert len(sample.json("list", "--publisher", "BAJ")) == 2


def test_the_same_designation_twice_is_refused_unless_forced(sample):
    args = ["designate", "Belsat", "--label", "extremist-formation", "--by",
            "Belarusian authorities", "--date", "2021-07-26..2021-07-30", "--country",
            "BY"]  # fmt: skip
    said = sample(*args, code=1).stderr
    assert said == (
        "Error: designation: Belsat is already recorded as Extremist formation by Belarusian "
        f"authorities on 2021-07-26..2021-07-30 ({BELSAT}): give --force to record it again\n"
    )
    assert len(sample.json("designations")) == 1
    sample(*args, "--force")
    assert len(sample.json("designations")) == 2


def test_a_designation_is_edited_with_its_incident(sample):
    edited = sample.json("designations", "edit", BELSAT[:6], "--label",
                         "extremist-materials", "--by", "KGB", "--date", "2021-07-28",
                         "--reference", "entry 7")  # fmt: skip
    assert (edited["label"], edited["issued_by"], edited["date"], edited["list_reference"]) == (
        "extremist-materials", "KGB", "2021-07-28", "entry 7",
    )  # fmt: skip
    incident = sample.json("show", edited["incident"])
    assert (incident["date"], incident["perpetrator"]) == ("2021-07-28", "KGB")
    # the sample's summary is the reporter's words, not designate's: it stays
    assert incident["summary"].startswith('"Earlier this week" the authorities')
    assert [r["verb"] for r in sample.json("history", BELSAT)] == ["designations edit"]
    said = sample("designations", "edit", BELSAT, "--label", "bogus", code=2).stderr
    assert said.startswith("Error: --label: 'bogus' is not a known label")
    assert sample("check").stdout == ""


def test_a_designation_deleted_comes_back_with_its_incident(sample):
    incident = sample.json("designations")[0]["incident"]
    sample("designations", "delete", BELSAT[:6], "--yes")
    assert sample.json("designations") == []
    assert sample.json("list", "--kind", "designation") == []
    sample("restore", BELSAT[:6])
    [back] = sample.json("designations")
    assert (back["id"], back["incident"], back["target"]) == (BELSAT, incident, "Belsat")
    said = sample("restore", BELSAT, "--to", "1", code=2).stderr
    assert said.startswith("Error: --to: a designation is restored with its incident")
    assert sample("check").stdout == ""
