"""Custody follows cases: a verdict with a custodial sentence starts or continues custody,
the sentence's end (or the case's end, or a release) ends it; custody, the census, a
journalist's page and the summary agree on every day of a generated history."""

import uuid
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import Cli, discard

START = date(2021, 7, 1)
DAYS = 31  # July 2021: the summary's month
PEOPLE = ("Ales Test", "Bela Test")


def _day(n: int) -> str:
    return (START + timedelta(days=n)).isoformat()


# one step of a person's history: ("detention", day) | ("release", day) |
# ("case", opened, verdict day, sentence or outcome, appeal ruling or None)
STEPS = st.one_of(
    st.tuples(st.just("detention"), st.integers(0, DAYS - 1)),
    st.tuples(st.just("release"), st.integers(0, DAYS - 1)),
    st.tuples(
        st.just("case"),
        st.integers(0, DAYS - 1),
        st.integers(0, 10),
        st.sampled_from(["5d", "10d", "1m", "fine", "acquitted", "pending", "prison 1y"]),
        st.none() | st.sampled_from(["3d", "fine", "acquitted"]),
    ),
)


def _record(cli, person: str, step) -> None:
    if step[0] == "detention":
        cli.invoke("add", "detention", "--date", _day(step[1]), "--country", "BY", "-j", person,
                   "--force", "--different")  # fmt: skip
        return
    if step[0] == "release":
        cli.invoke("release", person, "--date", _day(step[1]))
        return
    _, opened, after, verdict, appeal = step
    kind = "criminal" if verdict == "prison 1y" else "administrative"
    case = cli.invoke("case", "open", person, "--type", kind, "--date", _day(opened),
                      "--country", "BY").stdout.strip()  # fmt: skip
    if not case or verdict == "pending":
        return
    ruled = _day(min(opened + after, DAYS - 1))
    _verdict(cli, case, ruled, verdict)
    if appeal is not None and opened + after + 2 < DAYS:
        cli.invoke("case", "appeal", case, "--date", _day(opened + after + 1))
        _verdict(cli, case, _day(opened + after + 2), appeal)


def _verdict(cli, case: str, day: str, verdict: str) -> None:
    if verdict == "acquitted":
        cli.invoke("case", "verdict", case, "--date", day, "--outcome", "acquitted")
        return
    sentence = verdict.split()[-1]
    cli.invoke("case", "verdict", case, "--date", day, "--outcome", "convicted", "--sentence",
               sentence)  # fmt: skip


def _periods_on_page(cli, person: str) -> list[tuple[str, str | None]]:
    """The custody periods a person's page (journalists show) gives: (began, ended)."""
    page = cli.json("journalists", "show", person)
    began = [e["date"] for e in page["entries"] if e["event"] == "custody began"]
    ended = [e["date"] for e in page["entries"] if e["event"] == "custody ended"]
    return [(start, min((e for e in ended if e >= start), default=None)) for start in sorted(began)]


def test_custody_census_pages_and_summary_agree_on_every_day(backend, templates, tmp_path):
    @settings(max_examples=8, deadline=None)
    @given(history=st.lists(st.tuples(st.sampled_from(PEOPLE), STEPS), min_size=1, max_size=8))
    def agree(history):
        folder = tmp_path / uuid.uuid4().hex
        folder.mkdir()
        location = templates.clone(backend, folder)
        try:
            _check_every_day(Cli(env={"PRESSFREE_DB": location}), history)
        finally:
            discard(location)

    agree()


def _check_every_day(cli, history) -> None:
    for person in PEOPLE:  # known before their cases open (a raid opens no custody)
        cli("add", "raid", "--date", _day(0), "--country", "BY", "-j", person, "--force")
    for person, step in history:
        _record(cli, person, step)
    assert cli("check").stdout == ""
    pages = {person: _periods_on_page(cli, person) for person in PEOPLE}
    for n in range(DAYS):
        day = _day(n)
        custody = sorted(h["person"] for h in cli.json("custody", "--as-of", day)["held"])
        census = sorted(h["person"] for h in cli.json("census", "--as-of", day)["held"])
        on_pages = sorted(
            p for p, periods in pages.items()
            if any(start <= day and (end is None or day <= end) for start, end in periods)
        )  # fmt: skip
        assert custody == census == on_pages, day
    summary = cli.json("summary", "--month", "2021-07")["in_custody"]
    assert summary["itemised"] == len(cli.json("custody", "--as-of", _day(DAYS - 1))["held"])


def test_a_sentence_keeps_a_released_journalist_in_custody_from_the_verdict(cli):
    """The issue's case: Ігар Лосік released on 2021-08-02, then convicted to 4 years of
    prison and transferred to a penal colony: custody, the census and his page say he is
    held from the verdict until the sentence has run; a release recorded ends it sooner."""
    name = "Ігар Лосік"
    cli("add", "raid", "detention", "--date", "2021-07-30", "--country", "BY", "-j", name)
    cli("release", name, "--date", "2021-08-02")
    case = cli("case", "open", name, "--type", "criminal", "--date", "2021-09-01", "--country",
               "BY", "--charge", "Criminal Code art. 342").stdout.strip()  # fmt: skip
    cli("case", "verdict", case, "--date", "2021-12-15", "--outcome", "convicted", "--sentence",
        "4y")  # fmt: skip
    cli("case", "transfer", case, "--date", "2022-03", "--to", "Penal colony No. 15")
    [held] = cli.json("custody", "--as-of", "2022-05-01")["held"]
    assert (held["since"], held["released_on"], held["outcome"], held["case"]) == (
        "2021-12-15", "2025-12-15", "end of sentence", case,
    )  # fmt: skip
    assert held["incident"] is None and held["due_for_release"] == "2025-12-15"
    [listed] = cli.json("census", "--as-of", "2022-05-01")["held"]
    assert (listed["person"], listed["place"], listed["sentence"]) == (
        name, "Penal colony No. 15", "4y prison",
    )  # fmt: skip
    assert cli.json("custody", "--as-of", "2021-12-14")["held"] == []
    assert cli.json("custody", "--as-of", "2025-12-16")["held"] == []
    summary = cli.json("summary", "--month", "2022-04")["in_custody"]
    assert summary["itemised"] == 1
    page = cli.json("journalists", "show", name)["entries"]
    assert [(e["date"], e["event"], e["detail"]) for e in page if "custody" in e["event"]] == [
        ("2021-07-30", "custody began", "held 3 days"),
        ("2021-08-02", "custody ended", "released"),
        ("2021-12-15", "custody began", "held 1461 days"),
        ("2025-12-15", "custody ended", "end of sentence"),
    ]
    cli("release", name, "--date", "2024-09-16", "--outcome", "released")  # pardoned early
    [held] = cli.json("custody", "--as-of", "2024-09-16")["held"]
    assert (held["released_on"], held["outcome"]) == ("2024-09-16", "released")
    assert cli.json("custody", "--as-of", "2024-09-17")["held"] == []
    assert cli("check").stdout == ""
    exported = cli.json("export")
    [period] = [c for c in exported["custody"] if c["case"] == case]
    assert (period["incident"], period["released_on"]) == (None, "2024-09-16")


def test_pre_trial_detention_on_a_pending_criminal_case_outlasts_an_arrest(cli):
    cli("add", "detention", "--date", "2021-03-01", "--country", "BY", "-j", "Pre Trial")
    for kind, day in (("criminal", "2021-03-02"), ("administrative", "2021-03-03")):
        case = cli("case", "open", "Pre Trial", "--type", kind, "--date", day).stdout.strip()
        if kind == "administrative":
            cli("case", "verdict", case, "--date", day, "--outcome", "convicted", "--sentence",
                "10d")  # fmt: skip
    [held] = cli.json("custody", "--as-of", "2021-06-01")["held"]
    assert (held["since"], held["released_on"], held["due_for_release"]) == (
        "2021-03-01", None, None,
    )  # fmt: skip


def test_a_case_an_import_brought_takes_its_custody_with_it_when_undone(cli, tmp_path):
    import json

    cli("add", "detention", "--date", "2021-08-01", "--country", "BY", "-j", "Ann Lee")
    case = {
        "person": "Ann Lee", "case_type": "administrative", "opened": "2021-08-02",
        "country": "BY",
        "events": [
            {"event": "opened", "date": "2021-08-02"},
            {"event": "verdict", "date": "2021-08-03", "outcome": "convicted", "sentence": "15d",
             "sentence_type": "administrative-arrest"},
        ],
    }  # fmt: skip
    document = tmp_path / "case.json"
    document.write_text(json.dumps({"format": "pressfree", "cases": [case]}))
    cli("import", document)
    [held] = cli.json("custody", "--as-of", "2021-08-10")["held"]
    assert (held["released_on"], held["outcome"]) == ("2021-08-16", "end of sentence")
    [entry] = cli.json("imports")
    cli("imports", "undo", str(entry["id"]), "--yes")
    [held] = cli.json("custody", "--as-of", "2021-09-10")["held"]  # no case: held until released
    assert (held["since"], held["released_on"]) == ("2021-08-01", None)
    assert cli("check").stdout == ""
