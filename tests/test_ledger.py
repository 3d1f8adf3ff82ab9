"""Reported counts (tallies) and the custody ledger."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pressfree.custody import Detention, Release, derive_periods

TALLY = [
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
    "--scope",
    "offices and apartments",
]


def test_tally_values_read_as_a_person_would_say_them(cli):
    for value, reads, qualifier, number in [
        ("28", "28", "exact", 28),
        ("200+", "at least 200", "at-least", 200),
        (">=200", "at least 200", "at-least", 200),
        (">200", "more than 200", "more-than", 200),
        ("~200", "about 200", "about", 200),
        ("<=200", "at most 200", "at-most", 200),
    ]:
        cli(
            "tally",
            "add",
            "detention",
            value,
            "--period",
            "2021-07",
            "--country",
            "BY",
            "--publisher",
            "Viasna",
            "--force",  # 200+ and >=200 are one figure: recorded twice on purpose
        )
        newest = cli.json("tally", "list")[-1]
        assert (newest["reads"], newest["qualifier"], newest["value"]) == (reads, qualifier, number)


def test_two_sources_for_the_same_thing_are_both_kept(cli):
    cli(*TALLY)
    cli(
        "tally",
        "add",
        "raid",
        "~250",
        "--period",
        "2021-07",
        "--country",
        "BY",
        "--publisher",
        "BAJ",
        "--source",
        "https://baj.media/july",
    )
    rows = cli.json("tally", "list", "--month", "2021-07")
    assert sorted((r["publisher"], r["reads"]) for r in rows) == [
        ("BAJ", "about 250"),
        ("Viasna", "more than 200"),
    ]
    assert cli.json("tally", "list", "--publisher", "BAJ")[0]["source"] == "https://baj.media/july"
    assert cli.json("tally", "list", "--month", "2021-06") == []
    assert len(cli.json("tally", "list", "--metric", "raid", "--country", "BY")) == 2
    table = cli("tally", "list").stdout
    assert "more than 200" in table and "about 250" in table


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["raid", "about 200", "--period", "2021-07"],
            "value: 'about 200' has an unknown qualifier",
        ),
        (["raid", "<200", "--period", "2021-07"], "value: '<200' has an unknown qualifier"),
        (["--period", "2021-07", "--", "raid", "-5"], "value: '-5' is negative"),
        (
            ["raid", "200", "--period", "2021-07", "--as-of", "2021-07-30"],
            "--period/--as-of: '2021-07' give exactly one",
        ),
        (["raid", "200"], "--period/--as-of: '' give exactly one"),
        (
            ["journalists-in-jail", "28", "--as-of", "2021-07-30"],
            "metric: 'journalists-in-jail' is not a known kind",
        ),
        (["raid", "200", "--period", "2021-13"], "--period: '2021-13' is not a real date"),
        (
            ["journalists-in-custody", "28", "--as-of", "2021-07"],
            "--as-of: '2021-07' must be a single day",
        ),
    ],
)
def test_bad_tallies_write_nothing(cli, args, message):
    result = cli("tally", "add", "--country", "BY", "--publisher", "BAJ", *args, code=2)
    assert result.stderr.startswith(f"Error: {message}")
    assert cli.json("tally", "list") == []


def detain(cli, name, date, *kinds):
    return cli(
        "add",
        *(kinds or ("detention",)),
        "--date",
        date,
        "--country",
        "BY",
        "--journalist",
        name,
        "--publisher",
        "BAJ",
    ).stdout.strip()


def held(cli, day, *extra):
    return {
        r["person"]: r["days_held"] for r in cli.json("custody", "--as-of", day, *extra)["held"]
    }


def test_custody_lists_who_was_held_with_days_so_far(cli):
    detain(cli, "Ігар Лосік", "2021-07-01")
    detain(cli, "Andrej Ŭładzimiraŭ", "2021-07-20", "raid", "arrest")
    cli("add", "raid", "--date", "2021-07-21", "--journalist", "Not Held")
    cli("add", "detention", "--date", "2021-07-21", "--country", "RU", "--journalist", "R")
    assert held(cli, "2021-07-30", "--country", "BY") == {
        "Ігар Лосік": 29,
        "Andrej Ŭładzimiraŭ": 10,
    }
    assert held(cli, "2021-07-10") == {"Ігар Лосік": 9}
    assert held(cli, "2021-06-30") == {}


def test_custody_shows_the_newest_reported_figure_beside_the_itemised_number(cli):
    for name in ("A", "B", "C"):
        detain(cli, name, "2021-07-15")
    cli(
        "tally",
        "add",
        "journalists-in-custody",
        "27",
        "--as-of",
        "2021-07-01",
        "--country",
        "BY",
        "--publisher",
        "Belarusian Association of Journalists",
    )
    cli(
        "tally",
        "add",
        "journalists-in-custody",
        "28",
        "--as-of",
        "2021-07-30",
        "--country",
        "BY",
        "--publisher",
        "Belarusian Association of Journalists",
    )
    report = cli.json("custody", "--as-of", "2021-07-30", "--country", "BY")
    assert report["comparison"] == [
        "Belarusian Association of Journalists reports 28 as of 2021-07-30; 3 itemised here"
    ]
    report = cli.json("custody", "--as-of", "2021-07-29", "--country", "BY")
    assert report["comparison"] == [
        "Belarusian Association of Journalists reports 27 as of 2021-07-01; 3 itemised here"
    ]
    assert (
        "reports 28 as of 2021-07-30; 3 itemised here"
        in cli("custody", "--as-of", "2021-07-30", "--country", "BY").stdout
    )


def test_detained_and_released_the_same_day(cli):
    detain(cli, "Ігар Лосік", "2021-07-30")
    result = cli("release", "Ігар Лосік", "--date", "2021-07-30")
    assert result.stderr == (
        "Ігар Лосік: held since 2021-07-30, released on 2021-07-30 (0 days).\n"
    )
    assert held(cli, "2021-07-30") == {"Ігар Лосік": 0}
    assert held(cli, "2021-07-31") == {}


def test_repeated_short_detentions_are_separate_periods(cli):
    detain(cli, "Ігар Лосік", "2021-07-01")
    detain(cli, "Ігар Лосік", "2021-07-02")  # still held: no second period
    cli("release", "Ігар Лосік", "--date", "2021-07-03")
    detain(cli, "Ігар Лосік", "2021-07-10")
    cli("release", "Ігар Лосік", "--date", "2021-07-25", "--outcome", "sentence-served")
    assert held(cli, "2021-07-05") == {}
    assert held(cli, "2021-07-12") == {"Ігар Лосік": 2}
    document = cli("export").stdout
    import json

    custody = json.loads(document)["custody"]
    assert [(c["since"], c["released_on"], c["outcome"]) for c in custody] == [
        ("2021-07-01", "2021-07-03", "released"),
        ("2021-07-10", "2021-07-25", "sentence-served"),
    ]


def test_a_release_before_the_detention_is_refused(cli):
    detain(cli, "Ігар Лосік", "2021-07-30")
    result = cli("release", "Ігар Лосік", "--date", "2021-07-29", code=2)
    assert result.stderr == (
        "Error: --date: '2021-07-29' is before the detention it would end (2021-07-30)\n"
    )
    assert held(cli, "2021-08-01") == {"Ігар Лосік": 2}


def test_a_release_with_no_open_period_is_refused(cli):
    detain(cli, "Ігар Лосік", "2021-07-30")
    cli("release", "Ігар Лосік", "--date", "2021-07-31")
    result = cli("release", "Ігар Лосік", "--date", "2021-08-01", code=1)
    assert result.stderr == "Error: person: 'Ігар Лосік' has no open custody period to close\n"
    result = cli("release", "Nobody", "--date", "2021-08-01", code=1)
    assert result.stderr == "Error: person: 'Nobody' is not a journalist in this database\n"
    result = cli("release", "Ігар Лосік", "--date", "2021-08-01", "--outcome", "escaped", code=2)
    assert result.stderr.startswith("Error: --outcome: 'escaped' is not an outcome")


def test_a_detention_dated_only_to_a_month(cli):
    detain(cli, "Ігар Лосік", "2021-07")
    [row] = cli.json("custody", "--as-of", "2021-07-31")["held"]
    assert row["since"] == "2021-07"
    assert row["days_held"] == 30  # counted from the earliest possible day, 1 July
    assert held(cli, "2021-06-30") == {}
    cli("release", "Ігар Лосік", "--date", "2021-07-15")  # possible: within the month
    assert held(cli, "2021-07-16") == {}


def test_a_tally_must_fit_its_metric(cli):
    result = cli(
        "tally",
        "add",
        "journalists-in-custody",
        "5",
        "--period",
        "2021-07",
        "--country",
        "BY",
        "--publisher",
        "X",
        code=2,
    )
    assert result.stderr.startswith(
        "Error: --period: '2021-07' does not fit journalists-in-custody"
    )
    result = cli(
        "tally",
        "add",
        "raid",
        "5",
        "--as-of",
        "2021-07-30",
        "--country",
        "BY",
        "--publisher",
        "X",
        code=2,
    )
    assert result.stderr.startswith("Error: --as-of: '2021-07-30' does not fit raid")
    result = cli("tally", "list", "--metric", "bogus", code=2)
    assert result.stderr.startswith("Error: --metric: 'bogus' is not a known kind")


def test_editing_a_detention_keeps_the_custody_ledger_in_step(cli):
    new_id = cli(
        "add",
        "detention",
        "--date",
        "2021-07-10",
        "--country",
        "BY",
        "--journalist",
        "Ann Lee",
        "--journalist",
        "Carl",
    ).stdout.strip()
    cli("release", "Ann Lee", "--date", "2021-07-15")
    cli("edit", new_id, "--status", "confirmed")  # must not re-open Ann's custody

    def held(day, *extra):
        return sorted(r["person"] for r in cli.json("custody", "--as-of", day, *extra)["held"])

    assert held("2021-07-20") == ["Carl"]
    assert held("2021-07-12") == ["Ann Lee", "Carl"]
    cli("edit", new_id, "--date", "2021-07-11", "--country", "RU")
    assert held("2021-07-12", "--country", "RU") == ["Ann Lee", "Carl"]
    assert held("2021-07-10") == []
    result = cli("edit", new_id, "--date", "2021-07-20", code=2)
    assert result.stderr == (
        "Error: date: '2021-07-20' is after the recorded release (2021-07-15)\n"
    )
    cli("edit", new_id, "--replace", "--journalist", "Dan")
    assert held("2021-07-12") == ["Dan"]
    cli("edit", new_id, "--replace", "--kind", "raid")
    assert held("2021-07-12") == []
    detained = cli("add", "arrest", "--date", "2021-07-01", "--journalist", "Eve").stdout
    cli("delete", detained.strip(), "--yes")
    assert held("2021-07-12") == []


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


def test_every_publishers_newest_figure_is_shown(cli, tmp_path):
    cli(
        "tally",
        "add",
        "journalists-in-custody",
        "30",
        "--as-of",
        "2021-01-01",
        "--country",
        "BY",
        "--publisher",
        "Viasna",
    )
    for day in range(1, 56):
        cli(
            "tally",
            "add",
            "journalists-in-custody",
            str(day),
            "--as-of",
            f"2021-{2 + day // 28:02d}-{1 + day % 28:02d}",
            "--country",
            "BY",
            "--publisher",
            "BAJ",
        )
    report = cli.json("custody", "--as-of", "2021-12-31", "--country", "BY")
    assert sorted(t["publisher"] for t in report["reported"]) == ["BAJ", "Viasna"]


# --- the ledger's one rule ----------------------------------------------------------------


def _detention(n, first, last=None):
    return Detention(n, date.fromisoformat(first), date.fromisoformat(last or first), "day", "BY")


def _release(day, outcome="released"):
    return Release(date.fromisoformat(day), outcome)


def test_derive_periods_by_hand():
    periods, passed, left = derive_periods(
        [_detention(3, "2021-07-20"), _detention(1, "2021-07-01"), _detention(2, "2021-07-05")],
        [_release("2021-07-10"), _release("2021-07-25", "exchanged"), _release("2021-08-01")],
    )
    assert [
        (p.detention.incident_id, p.released.day.isoformat() if p.released else None)
        for p in periods
    ] == [(1, "2021-07-10"), (3, "2021-07-25")]
    assert (passed, left) == ([], [_release("2021-08-01")])
    # a release that a detention was moved past ends nothing any more
    periods, passed, left = derive_periods([_detention(1, "2021-07-12")], [_release("2021-07-10")])
    assert [p.released for p in periods] == [None] and passed == [_release("2021-07-10")]


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2021, 12, 31))


@given(st.lists(days, max_size=8), st.lists(days, max_size=5, unique=True), st.randoms())
def test_derived_periods_hold_whatever_the_order(starts, release_days, random):
    detentions = [Detention(i, d, d, "day", None) for i, d in enumerate(starts)]
    releases = [Release(d, "released") for d in release_days]
    periods, passed, left = derive_periods(detentions, releases)
    shuffled = detentions[:]
    random.shuffle(shuffled)
    assert derive_periods(shuffled, list(reversed(releases))) == (periods, passed, left)
    assert sum(p.released is None for p in periods) <= 1  # held at most once at a time
    assert all(p.released is not None for p in periods[:-1])
    for before, after in zip(periods, periods[1:]):
        assert before.released.day < after.detention.first  # periods never overlap
    for period in periods:
        assert period.released is None or period.released.day >= period.detention.first
    used = [p.released for p in periods if p.released]
    assert sorted(used + passed + left) == sorted(releases)  # every release is accounted for
    if starts:
        assert periods and periods[0].detention.first == min(starts)


def test_an_imported_detention_never_holds_anyone_whatever_is_edited(cli, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("date,kinds,journalists\n2021-07-10,detention,Ann\n", encoding="utf-8")
    rules = tmp_path / "sheet.toml"
    rules.write_text(
        'name = "ngo-sheet"\n[columns]\ndate = "date"\nkinds = "kinds"\n'
        'journalists = "journalists"\n',
        encoding="utf-8",
    )
    cli("import", sheet, "--mapping", rules)
    [row] = cli.json("list")
    assert cli.json("custody", "--as-of", "2021-07-11")["held"] == []
    for change in (
        ["--status", "confirmed"],
        ["--date", "2021-07-09"],
        ["--journalist", "Bob"],
        ["--kind", "arrest"],
    ):
        cli("edit", row["id"], *change)
        assert cli.json("custody", "--as-of", "2021-07-11")["held"] == []
    # a detention added by hand does hold Ann, and the imported one changes nothing
    cli("add", "detention", "--date", "2021-07-10", "--journalist", "Ann")
    assert _held(cli, "2021-07-11") == [("Ann", "2021-07-10")]


def test_a_release_survives_every_rebuild(cli):
    first = cli("add", "detention", "--date", "2021-07-01", "--journalist", "Ann").stdout.strip()
    cli("release", "Ann", "--date", "2021-07-05", "--outcome", "exchanged")
    for change in (["--status", "confirmed"], ["--tag", "x"], ["--date", "2021-07-02"]):
        cli("edit", first, *change)
    [period] = cli.json("export")["custody"]
    assert (period["since"], period["released_on"], period["outcome"]) == (
        "2021-07-02",
        "2021-07-05",
        "exchanged",
    )
    # a second detention after the release opens a second period; deleting it leaves the first
    second = cli("add", "arrest", "--date", "2021-07-09", "--journalist", "Ann").stdout.strip()
    assert _held(cli, "2021-07-10") == [("Ann", "2021-07-09")]
    cli("delete", second, "--yes")
    assert _held(cli, "2021-07-10") == [] and _held(cli, "2021-07-03") == [("Ann", "2021-07-02")]


@pytest.mark.parametrize(
    "value, message",
    [
        ("2147483648", "is too large (at most 2,147,483,647)"),
        ("9" * 5000, "is too large (at most 2,147,483,647)"),
        (">=-1", "is negative"),
    ],
)
def test_a_count_is_the_same_on_both_backends(cli, any_db, value, message):
    result = cli(
        "--db",
        any_db,
        "tally",
        "add",
        "raid",
        value,
        "--period",
        "2021-07",
        "--country",
        "BY",
        "--publisher",
        "Viasna",
        code=2,
    )
    assert result.stderr.startswith(f"Error: value: '{value[:20]}")
    assert result.stderr.rstrip().endswith(message) and len(result.stderr.splitlines()) == 1
    cli(
        "--db",
        any_db,
        "tally",
        "add",
        "raid",
        "2147483647",
        "--period",
        "2021-07",
        "--country",
        "BY",
        "--publisher",
        "Viasna",
    )
    assert [t["value"] for t in cli.json("--db", any_db, "tally", "list")] == [2147483647]


def test_a_count_is_written_in_ascii_digits(cli):
    result = cli(
        "tally",
        "add",
        "raid",
        "٣",
        "--period",
        "2021-07",
        "--country",
        "BY",
        "--publisher",
        "Viasna",
        code=2,
    )
    assert result.stderr.startswith("Error: value: '٣' has an unknown qualifier")
