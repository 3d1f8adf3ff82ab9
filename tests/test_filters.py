"""The filters researchers of other trackers asked for (the U.S. Press Freedom Tracker's
issues #482/#587, #812/#880/#1414, #938): incidents by when they last changed, an outlet's
incidents with those of its journalists, and journalists counted beside incidents."""

import json

import pytest


def _add(cli, day, *more):
    return cli(
        "add", "raid", "--date", day, "--country", "BY", "--source", f"https://example.org/{day}",
        "--force", *more,
    ).stdout.strip()  # fmt: skip


def _ids(cli, *args, db=None):
    return sorted(i["id"] for i in cli.json(*(["--db", db] if db else []), "list", *args))


@pytest.fixture
def three(cli, tmp_path):
    """An incident recorded in 2019 and changed in 2020, one recorded in 2019 and never
    changed, one recorded and changed now (a pressfree document keeps the timestamps)."""
    old = _add(cli, "2019-05-01", "-j", "Ales Test")
    never = _add(cli, "2019-05-02", "-j", "[full name unavailable]")
    exported = json.loads(cli("export", "--format", "json").stdout)
    stamps = {old: ("2019-05-01T10:00:00Z", "2020-03-01T10:00:00Z"),
              never: ("2019-05-02T10:00:00Z", "2019-05-02T10:00:00Z")}  # fmt: skip
    for incident in exported["incidents"]:
        incident["created_at"], incident["updated_at"] = stamps[incident["id"]]
    document = tmp_path / "old.json"
    document.write_text(json.dumps(exported))
    fresh = tmp_path / "fresh.db"
    cli("--db", fresh, "import", document)
    now = _add(cli, "2021-07-30", "-j", "Ігар Лосік")  # in the test's database
    return fresh, old, never, now


def test_incidents_by_when_they_last_changed(cli, three):
    fresh, old, never, _ = three
    assert _ids(cli, "--updated-since", "2020", db=fresh) == [old]
    assert _ids(cli, "--updated-since", "2020-03-02", db=fresh) == []
    assert _ids(cli, "--updated-before", "2020-03-02", db=fresh) == [old]
    assert _ids(cli, "--updated-before", "2020-03", db=fresh) == []  # before its first day
    assert _ids(cli, "--updated-before", "2020", "--include-new", db=fresh) == [never]
    assert _ids(cli, "--updated-since", "2019", "--include-new", db=fresh) == sorted([old, never])
    db = ["--db", fresh]
    cli(*db, "note", never, "Charged")
    assert _ids(cli, "--updated-since", "2026", db=fresh) == [never]
    exported = json.loads(cli(*db, "export", "--format", "json", "--updated-since", "2026").stdout)
    assert [i["id"] for i in exported["incidents"]] == [never]
    s = cli.json(*db, "summary", "--year", "2019", "--updated-since", "2020")
    assert (s["total_incidents"], s["filters"]) == (2, ["updated since 2020"])


def test_journalists_affected_count_people_once_and_unnamed_mentions_apart(cli, three):
    _, _, _, now = three
    _add(cli, "2021-07-02", "-j", "Igor Losik", "-j", "[full name unavailable]")
    cli("merge", "journalist", "Ігар Лосік", "Igor Losik")
    _add(cli, "2021-07-03", "-j", "[full name unavailable]", "-j", "Ann Lee")
    s = cli.json("summary", "--month", "2021-07")
    assert s["total_incidents"] == 3
    assert s["journalists_affected"] == {
        "named": 2,
        "unnamed": 2,
        "by_kind": {"raid": {"named": 2, "unnamed": 2}},
    }


def test_an_outlet_s_incidents_with_those_of_its_journalists(cli, three):
    _, _, _, now = three
    designation = cli("designate", "Belsat", "--label", "extremist-formation", "--by", "KGB",
                      "--date", "2021-07-26", "--country", "BY").stdout.strip()  # fmt: skip
    incident = next(d["incident"] for d in cli.json("designations") if d["id"] == designation)
    assert _ids(cli, "--outlet", "Belsat") == [incident]
    assert _ids(cli, "--outlet", "Belsat", "--affiliated") == [incident]
    cli("journalists", "set", "Ігар Лосік", "--outlet", "Belsat")
    assert _ids(cli, "--outlet", "belsat", "--affiliated") == sorted([incident, now])
    assert _ids(cli, "--outlet", "Belsat") == [incident]
    s = cli.json("summary", "--month", "2021-07", "--outlet", "Belsat", "--affiliated")
    assert s["total_incidents"] == 2
    assert s["filters"] == ["outlet Belsat", "with its affiliated journalists"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--affiliated"], "--affiliated goes with --outlet"),
        (["--include-new"], "--include-new goes with --updated-since or --updated-before"),
        (
            ["--updated-since", "soon"],
            "--updated-since: 'soon' is not a date "
            "(use YYYY-MM-DD, 30.07.2021, 30 July 2021, YYYY-MM, YYYY or A..B)",
        ),  # fmt: skip
    ],
)
def test_a_filter_that_cannot_be_is_one_line(cli, args, message):
    for command in (["list"], ["summary", "--month", "2021-07"], ["export"]):
        assert cli(*command, *args, code=2).stderr == f"Error: {message}\n"


def test_custody_and_the_census_take_list_s_filters_by_the_detention_that_opened_it(cli):
    cli("add", "detention", "--date", "2021-07-01", "--country", "BY", "-j", "Ann Lee", "--tag",
        "newsroom", "--perpetrator", "GUBOPiK")  # fmt: skip
    cli("add", "arrest", "--date", "2021-07-02", "--country", "BY", "-j", "Bob Roe")
    cli("add", "raid", "--date", "2021-05-01", "--country", "BY", "-j", "Cy Doe")
    case = cli("case", "open", "Cy Doe", "--type", "criminal", "--date", "2021-06-01").stdout
    cli("case", "verdict", case.strip(), "--date", "2021-07-03", "--outcome", "convicted",
        "--sentence", "2y")  # fmt: skip

    def held(*filters):
        found = [
            sorted(h["person"] for h in cli.json(command, "--as-of", "2021-07-10", *filters)[
                "held"])
            for command in ("custody", "census")
        ]  # fmt: skip
        assert found[0] == found[1], filters
        return found[0]

    assert held() == ["Ann Lee", "Bob Roe", "Cy Doe"]
    assert held("--kind", "arrest") == ["Bob Roe"]
    assert held("--tag", "newsroom") == ["Ann Lee"]
    assert held("--where", "perpetrator=GUBOPiK") == ["Ann Lee"]
    assert held("--journalist", "cy doe") == ["Cy Doe"]  # opened by his verdict
    assert held("--journalist", "Cy Doe", "--kind", "detention") == []
    assert held("--status", "confirmed") == []
    said = cli("custody", "--as-of", "2021-07-10", "--affiliated", code=2).stderr
    assert said == "Error: --affiliated goes with --outlet\n"


def test_export_takes_search_too(cli):
    wanted = _add(cli, "2021-07-01", "-j", "Ігар Лосік", "--summary", "Searched at dawn")
    _add(cli, "2021-07-02", "-j", "Ann Lee")
    cli("tally", "add", "raid", "5", "--period", "2021-07", "--country", "BY", "--publisher", "X")
    exported = cli.json("export", "--search", "losik")
    assert [i["id"] for i in exported["incidents"]] == [wanted]
    assert exported["tallies"] == []  # figures are not about a search's words
    csv_rows = cli("export", "--search", "dawn", "--format", "csv").stdout.splitlines()
    assert len(csv_rows) == 2 and csv_rows[1].startswith(wanted)
