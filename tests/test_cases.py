"""Cases against journalists: charges, hearings, verdicts, sentences; the prison census."""

import json
from dataclasses import astuple
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import DATASETS, FIXTURES, SAMPLE, corpus
from pressfree.errors import shown

ART_342 = "Criminal Code art. 342"


def _held(cli, name: str, day: str = "2021-07-30", *more: str) -> str:
    """A detention naming the journalist (it opens a custody period); returns its id."""
    return cli(
        "add",
        "detention",
        "--date",
        day,
        "--country",
        "BY",
        "--journalist",
        name,
        "--source",
        f"https://example.org/{name.encode().hex()}-{day}",
        "--publisher",
        "BAJ",
        *more,
    ).stdout.strip()


def _open(cli, name: str = "Ihar Losik", *more: str, day: str = "2021-07-30") -> str:
    return cli("case", "open", name, "--type", "criminal", "--date", day, *more).stdout.strip()


def _losik(cli) -> tuple[str, str]:
    """Ihar Losik detained on 2021-07-30 and a criminal case opened that day."""
    incident = _held(cli, "Ihar Losik")
    case = _open(
        cli,
        "Ihar Losik",
        "--charge",
        ART_342,
        "--charge",
        "Tax Code art. 5=other",
        "--incident",
        incident,
        "--by",
        "Investigative Committee",
        "--country",
        "BY",
    )
    return incident, case


@pytest.fixture
def losik(cli) -> tuple[str, str]:
    return _losik(cli)


# --- the rule, on its own -------------------------------------------------------------------


def _steps(*events):
    from pressfree.case_rules import Step

    return [
        Step(date.fromisoformat(d), date.fromisoformat(d), e, c, o, n, c)
        for n, (d, e, c, o) in enumerate(events)
    ]


CASE = [
    ("2021-07-30", "opened", None, None),
    ("2021-07-30", "charge-added", "a", None),
    ("2021-07-30", "charge-added", "b", None),
    ("2021-09-01", "charge-dropped", "b", None),
    ("2021-12-14", "verdict", None, "convicted"),
    ("2022-01-10", "appeal", None, None),
    ("2022-03-01", "verdict", None, "acquitted"),
]


@pytest.mark.parametrize(
    "day, status, charges",
    [
        ("2021-07-29", None, None),
        ("2021-07-30", "pending", {"a": "pending", "b": "pending"}),
        ("2021-09-01", "pending", {"a": "pending", "b": "dropped"}),
        ("2021-12-14", "convicted", {"a": "convicted", "b": "dropped"}),
        ("2022-02-01", "on appeal", {"a": "on appeal", "b": "dropped"}),
        ("2022-03-01", "acquitted", {"a": "acquitted", "b": "dropped"}),
    ],
)
def test_the_status_of_a_case_and_its_charges_on_any_day(day, status, charges):
    from pressfree.case_rules import state_on

    state = state_on(_steps(*CASE), date.fromisoformat(day))
    assert (state.status, state.charges) == (status, charges) if status else state is None


@given(st.permutations(range(len(CASE))))
def test_the_order_events_were_entered_in_changes_nothing(order):
    from pressfree.case_rules import check, state_on

    steps = _steps(*[CASE[i] for i in order])
    check(steps)
    for day in ("2021-08-01", "2021-10-01", "2022-02-01", "2022-04-01"):
        entered = state_on(steps, date.fromisoformat(day))
        expected = state_on(_steps(*CASE), date.fromisoformat(day))
        assert (
            entered.status,
            entered.charges,
            entered.verdict.outcome if entered.verdict else None,
        ) == (
            expected.status,
            expected.charges,
            expected.verdict.outcome if expected.verdict else None,
        )


@pytest.mark.parametrize(
    "events, message",
    [
        (
            [("2021-08-01", "charge-dropped", "x", None)],
            "Error: --charge: 'x' was not brought in this case by 2021-08-01",
        ),
        (
            [("2021-08-01", "appeal", None, None)],
            "Error: --date: '2021-08-01' has no verdict before it to appeal",
        ),
        (
            [
                ("2021-08-01", "verdict", None, "convicted"),
                ("2021-09-01", "verdict", None, "convicted"),
            ],
            "Error: --date: '2021-09-01' follows a verdict with no appeal between: record the "
            "appeal first",
        ),
        (
            [("2021-08-01", "closed", None, None), ("2021-09-01", "hearing", None, None)],
            "Error: --date: '2021-09-01' is after the case was closed: a hearing cannot follow",
        ),
    ],
)
def test_a_history_no_case_can_have_is_refused(events, message):
    from pressfree.case_rules import check
    from pressfree.errors import InvalidValue

    with pytest.raises(InvalidValue) as raised:
        check(_steps(("2021-07-30", "opened", None, None), *events))
    assert f"Error: {raised.value}" == message


@pytest.mark.parametrize(
    "text, stored, months, days",
    [
        ("3y", "3y", 36, 0),
        ("6m", "6m", 6, 0),
        ("15d", "15d", 0, 15),
        ("2y6m", "2y6m", 30, 0),
        ("2Y 6M", "2y6m", 30, 0),
        ("1y0m10d", "1y10d", 12, 10),
        ("fine", "fine", None, None),
    ],
)
def test_sentences_parse(text, stored, months, days):
    from pressfree.cases import parse_sentence

    assert astuple(parse_sentence(text)) == (stored, months, days)


@pytest.mark.parametrize(
    "text", ["", "3", "y", "3years", "3y3y", "-3y", "0y", "101y", "fine 3y", "3y\x00"]
)
def test_sentences_that_do_not_parse_are_refused(text):
    from pressfree.cases import parse_sentence
    from pressfree.errors import InvalidValue

    with pytest.raises(InvalidValue) as raised:
        parse_sentence(text)
    assert str(raised.value).startswith(f"--sentence: {text!r} is ")


def test_an_article_is_the_same_however_it_is_typed():
    from pressfree.cases import law_key

    assert (
        law_key("Criminal Code, Article 342")
        == law_key("criminal code art.342")
        == law_key("  CRIMINAL  code   art 342 ")
        == "criminal code art 342"
    )
    assert law_key("Criminal Code art. 342") != law_key("Criminal Code art. 343")


# --- from the command line ------------------------------------------------------------------


def test_a_case_is_opened_with_categorised_charges(cli, losik):
    incident, case = losik
    shown = cli.json("case", "show", case)
    assert (
        shown["person"],
        shown["case_type"],
        shown["opened"],
        shown["authority"],
        shown["country"],
        shown["status"],
    ) == ("Ihar Losik", "criminal", "2021-07-30", "Investigative Committee", "BY", "pending")
    assert shown["charges"] == [
        {"law": ART_342, "category": "anti-state", "status": "pending"},
        {"law": "Tax Code art. 5", "category": "other", "status": "pending"},
    ]
    assert shown["incidents"] == [incident]
    assert [e["event"] for e in shown["events"]] == ["opened", "charge-added", "charge-added"]
    assert cli.json("show", incident)["cases"] == [
        {
            "id": case,
            "person": "Ihar Losik",
            "case_type": "criminal",
            "status": "pending",
            "charges": "Criminal Code art. 342 (anti-state, pending); Tax Code art. 5 (other, "
            "pending)",
        }
    ]


def test_an_unknown_article_is_recorded_as_not_classified_and_said_so(cli):
    _held(cli, "Ann Lee")
    result = cli(
        "case",
        "open",
        "Ann Lee",
        "--type",
        "administrative",
        "--date",
        "2021-07-31",
        "--charge",
        "Code of Administrative Offences art. 23.34",
    )
    assert result.stderr == (
        "Warning: --charge: 'Code of Administrative Offences art. 23.34' is not an article "
        "pressfree knows, so it is recorded as not-classified (give its category after =, or "
        "add the article with `pressfree charges add`)\n"
    )
    assert cli.json("cases")[0]["charges"][0]["category"] == "not-classified"
    cli(
        "charges",
        "add",
        "Code of Administrative Offences art. 23.34",
        "--category",
        "other",
        "--name",
        "Unauthorised picketing",
    )
    result = cli(
        "case",
        "open",
        "Ann Lee",
        "--type",
        "administrative",
        "--date",
        "2021-08-05",
        "--charge",
        "code of administrative offences, article 23.34",
    )
    assert result.stderr == ""
    assert cli.json("cases")[0]["charges"][0]["category"] == "other"
    known = {a["law"]: a for a in cli.json("charges")}
    assert known["Code of Administrative Offences art. 23.34"]["charges"] == 2
    assert known[ART_342]["category"] == "anti-state" and known[ART_342]["builtin"]


def test_a_case_follows_its_events_to_a_verdict_and_a_sentence(cli, losik):
    _, case = losik
    cli("case", "charge", "add", case, "--charge", "Criminal Code art. 130", "--date", "2021-09")
    cli("case", "charge", "drop", case, "--charge", "tax code, article 5", "--date", "2021-10-01")
    cli("case", "hearing", case, "--date", "2021-11-02", "--note", "closed trial")
    result = cli(
        "case",
        "verdict",
        case,
        "--date",
        "2021-12-14",
        "--outcome",
        "convicted",
        "--sentence",
        "3y6m",
    )
    assert result.stderr == (
        f"Case {case[:8]} (Ihar Losik): verdict on 2021-12-14; now convicted.\n"
    )
    cli("case", "transfer", case, "--date", "2022-01", "--to", "Penal colony No. 1")
    shown = cli.json("case", "show", case)
    assert (shown["status"], shown["sentence"], shown["sentence_type"], shown["place"]) == (
        "convicted",
        "3y6m",
        "prison",
        "Penal colony No. 1",
    )
    assert [(c["law"], c["status"]) for c in shown["charges"]] == [
        (ART_342, "convicted"),
        ("Tax Code art. 5", "dropped"),
        ("Criminal Code art. 130", "convicted"),
    ]
    before = cli.json("case", "show", case, "--as-of", "2021-11-30")
    assert (before["status"], before["sentence"], before["place"]) == ("pending", None, None)
    assert [c["id"] for c in cli.json("cases", "--status", "convicted")] == [case]
    assert [c["id"] for c in cli.json("cases", "--status", "pending", "--as-of", "2021-12-01")] == [
        case
    ]
    assert cli.json("cases", "--status", "pending") == []
    cli("case", "appeal", case, "--date", "2022-02-01")
    assert cli.json("case", "show", case)["status"] == "on appeal"
    cli(
        "case",
        "verdict",
        case,
        "--date",
        "2022-04-01",
        "--outcome",
        "convicted",
        "--sentence",
        "2y",
        "--note",
        "reduced on appeal",
    )
    assert cli.json("case", "show", case)["sentence"] == "2y"
    cli("case", "close", case, "--date", "2023-04-01", "--note", "sentence served")
    assert cli.json("case", "show", case)["closed"] == "2023-04-01"
    revisions = cli.json("history", case)
    assert len(revisions) == 9 and revisions[0]["verb"] == "case open"


BAD = [
    (
        ["case", "verdict", "{case}", "--date", "2021-07-01", "--outcome", "convicted"],
        "Error: --date: '2021-07-01' is before the case was opened (2021-07-30)\n",
    ),
    (
        [
            "case",
            "verdict",
            "{case}",
            "--date",
            "2021-12-01",
            "--outcome",
            "convicted",
            "--sentence",
            "three years",
        ],
        "Error: --sentence: 'three years' is not a sentence (give years, months and days as 3y, "
        "6m, 15d, 2y6m, or fine)\n",
    ),
    (
        [
            "case",
            "verdict",
            "{case}",
            "--date",
            "2021-12-01",
            "--outcome",
            "acquitted",
            "--sentence",
            "3y",
        ],
        "Error: --sentence: '3y' does not fit a verdict of acquitted\n",
    ),
    (
        ["case", "verdict", "{case}", "--date", "2021-12-01", "--outcome", "guilty"],
        "Error: --outcome: 'guilty' is not a verdict (convicted, acquitted, dismissed)\n",
    ),
    (
        [
            "case",
            "verdict",
            "{case}",
            "--date",
            "2021-12-01",
            "--outcome",
            "convicted",
            "--sentence",
            "3y",
            "--sentence-type",
            "fine",
        ],
        "Error: --sentence-type: 'fine' does not fit the sentence '3y'\n",
    ),
    (
        [
            "case",
            "charge",
            "drop",
            "{case}",
            "--charge",
            "Criminal Code art. 361-1",
            "--date",
            "2021-09-01",
        ],
        "Error: --charge: 'Criminal Code art. 361-1' was never brought in this case\n",
    ),
    (
        ["case", "charge", "add", "{case}", "--charge", ART_342, "--date", "2021-09-01"],
        f"Error: --charge: '{ART_342}' is already brought in this case\n",
    ),
    (
        [
            "case",
            "charge",
            "add",
            "{case}",
            "--charge",
            "Criminal Code art. 1=no-such",
            "--date",
            "2021-09-01",
        ],
        "Error: --charge: 'Criminal Code art. 1=no-such' has an unknown category (known: "
        "anti-state, "
        "criminal-defamation, ethnic-or-religious-insult, false-news, no-charge-disclosed, "
        "not-classified, other, retaliatory; add one with `pressfree charges categories add`)\n",
    ),
    (
        ["case", "appeal", "{case}", "--date", "2021-09-01"],
        "Error: --date: '2021-09-01' has no verdict before it to appeal\n",
    ),
    (
        ["case", "transfer", "{case}", "--date", "2021-09-01", "--to", " "],
        "Error: --to: ' ' is empty: name the place of detention\n",
    ),
    (
        ["case", "hearing", "{case}", "--date", "2021-02-30"],
        "Error: --date: '2021-02-30' is not a real date\n",
    ),
    (
        ["case", "hearing", "abc", "--date", "2021-09-01"],
        "Error: id: 'abc' is too short (give at least 4 characters)\n",
    ),
    (
        ["case", "hearing", "ffffffff", "--date", "2021-09-01"],
        "Error: id: 'ffffffff' is not a case id\n",
    ),
    (
        ["case", "open", "Nobody Known", "--type", "criminal", "--date", "2021-08-01"],
        "Error: person: 'Nobody Known' is not a journalist in this database\n",
    ),
    (
        ["case", "open", "Ihar Losik", "--type", "martial", "--date", "2021-08-01"],
        "Error: --type: 'martial' is not a case type (criminal, administrative, civil)\n",
    ),
    (
        ["case", "open", "unknown", "--type", "criminal", "--date", "2021-08-01"],
        "Error: person: 'unknown' names nobody in particular: give --incident, an incident that "
        "names them\n",
    ),
    (
        [
            "case",
            "open",
            "Ihar Losik",
            "--type",
            "criminal",
            "--date",
            "2021-08-01",
            "--incident",
            "{other}",
        ],
        "Error: --incident: '{other}' names neither the journalist nor the outlet of this case\n",
    ),
    (
        [
            "case",
            "open",
            "Ihar Losik",
            "--type",
            "criminal",
            "--date",
            "2021-08-01",
            "--charge",
            "=anti-state",
        ],
        "Error: --charge: '=anti-state' names no law\n",
    ),
    (
        ["case", "charge", "add", "{case}", "--charge", "a=b=other", "--date", "2021-09-01"],
        'Error: --charge: \'a=b=other\' holds "=" twice: give the law, then one "=" and its '
        "category\n",
    ),
    (
        ["case", "charge", "add", "{case}", "--charge", "Art. 1=", "--date", "2021-09-01"],
        'Error: --charge: \'Art. 1=\' has no category after "=" (give one as "Criminal Code '
        'art. 342=anti-state")\n',
    ),
    (
        [
            "case",
            "verdict",
            "{case}",
            "--date",
            "2021-12-01",
            "--outcome",
            "convicted",
            "--sentence",
            " ",
        ],
        "Error: --sentence: ' ' is empty\n",
    ),
    (
        [
            "case",
            "verdict",
            "{case}",
            "--date",
            "2021-12-01",
            "--outcome",
            "convicted",
            "--sentence",
            "9" * 5000 + "d",
        ],
        f"Error: --sentence: {shown('9' * 5000 + 'd')} is longer than 100 years\n",
    ),
    (
        ["charges", "add", "=x", "--category", "other"],
        "Error: law: '=x' holds \"=\": give the category with --category\n",
    ),
    (
        ["charges", "add", ART_342, "--category", "other"],
        f"Error: law: '{ART_342}' is already known\n",
    ),
    (
        ["cases", "--status", "jailed"],
        "Error: --status: 'jailed' is not a status (pending, dropped, convicted, acquitted, "
        "dismissed, on appeal, closed, open)\n",
    ),
]


NOT_FOUND = ("is not a case id", "is not a journalist in this database")


def _everything(cli) -> str:
    """The whole database as an export shows it, but for the moment of the export."""
    return cli("export", "--format", "json", "--history").stdout.split('"exported_at"')[1][30:]


def _losik_and_another(cli) -> tuple[str, str, str]:
    """Ihar Losik's case and Ann Lee's detention; and the export of it all."""
    _, case = _losik(cli)
    other = _held(cli, "Ann Lee", "2021-08-01")
    return case, other, _everything(cli)


# Built once for the module on each backend: a refused command changes nothing in it.
refusing = corpus(_losik_and_another)


@pytest.mark.parametrize("command, message", BAD, ids=[" ".join(b[0][:3]) for b in BAD])
def test_bad_input_is_one_line_and_writes_nothing(refusing, command, message):
    case, other, before = refusing.built
    # a value that cannot be used is a usage error (2); one that names nothing here, 1
    code = 1 if any(m in message for m in NOT_FOUND) else 2
    result = refusing(*[a.format(case=case, other=other) for a in command], code=code)
    assert result.stderr == message.format(other=other)
    assert _everything(refusing) == before


def test_an_event_out_of_date_order_is_checked_against_the_whole_case(cli, losik):
    _, case = losik
    cli("case", "verdict", case, "--date", "2021-12-14", "--outcome", "convicted")
    # a verdict earlier than the one recorded, with no appeal between: refused
    assert cli(
        "case", "verdict", case, "--date", "2021-11-01", "--outcome", "acquitted", code=2
    ).stderr == (
        "Error: --date: '2021-11-01' would put the case out of "
        "order: then 2021-12-14 follows a verdict with no appeal "
        "between: record the appeal first\n"
    )
    cli("case", "hearing", case, "--date", "2021-11-01")  # a hearing recorded late is fine
    assert [e["event"] for e in cli.json("case", "show", case)["events"]][-2:] == [
        "hearing",
        "verdict",
    ]


# --- custody, the census -----------------------------------------------------------------


def test_an_administrative_arrest_makes_the_journalist_due_for_release(cli):
    _held(cli, "Ann Lee", "2021-08-01")
    case = cli(
        "case",
        "open",
        "Ann Lee",
        "--type",
        "administrative",
        "--date",
        "2021-08-02",
        "--charge",
        "Code of Administrative Offences art. 24.23",
    ).stdout.strip()
    cli(
        "case",
        "verdict",
        case,
        "--date",
        "2021-08-03",
        "--outcome",
        "convicted",
        "--sentence",
        "15d",
    )
    assert cli.json("case", "show", case)["sentence_type"] == "administrative-arrest"
    # 15 days from the detention (time held counts): held through 2021-08-16, not after
    due = {
        d: [(r["due_for_release"], r["released_on"], r["outcome"])
            for r in cli.json("custody", "--as-of", d)["held"]]
        for d in ("2021-08-15", "2021-08-16", "2021-08-17")
    }  # fmt: skip
    ends = ("2021-08-16", "2021-08-16", "end of sentence")
    assert due == {"2021-08-15": [ends], "2021-08-16": [ends], "2021-08-17": []}
    table = cli("custody", "--as-of", "2021-08-15").stdout
    assert "Due for release" in table and "2021-08-16" in table
    # released early: what was recorded is what happened
    cli("release", "Ann Lee", "--date", "2021-08-14")
    assert cli.json("custody", "--as-of", "2021-08-15")["held"] == []
    [held] = cli.json("custody", "--as-of", "2021-08-14")["held"]
    assert (held["released_on"], held["outcome"], held["due_for_release"]) == (
        "2021-08-14",
        "released",
        None,
    )
    assert cli("check").stdout == ""


def test_the_census_lists_who_custody_lists_with_their_cases(cli, losik):
    _, case = losik
    cli(
        "tally",
        "add",
        "journalists-in-custody",
        "28",
        "--as-of",
        "2021-12-01",
        "--country",
        "BY",
        "--publisher",
        "BAJ",
    )
    cli("journalists", "set", "Ihar Losik", "--outlet", "RFE/RL")
    cli(
        "case",
        "verdict",
        case,
        "--date",
        "2021-11-20",
        "--outcome",
        "convicted",
        "--sentence",
        "15y",
    )
    cli("case", "transfer", case, "--date", "2021-11-25", "--to", "Pre-trial prison No. 1")
    _held(cli, "Ann Lee", "2021-11-30")
    _held(cli, "Freed Man", "2021-07-01")
    cli("release", "Freed Man", "--date", "2021-07-10")
    census = cli.json("census", "--as-of", "2021-12-01", "--country", "BY")
    custody = cli.json("custody", "--as-of", "2021-12-01", "--country", "BY")
    assert (
        [h["person"] for h in census["held"]]
        == [h["person"] for h in custody["held"]]
        == ["Ihar Losik", "Ann Lee"]
    )
    losik_row, lee_row = census["held"]
    assert losik_row == {
        "person": "Ihar Losik",
        "outlet": "RFE/RL",
        "since": "2021-07-30",
        "days_held": 124,
        "charges": "Criminal Code art. 342 (anti-state, convicted); Tax Code art. 5 (other, "
        "convicted)",
        "status": "convicted",
        "sentence": "15y prison",
        "place": "Pre-trial prison No. 1",
        "country": "BY",
        "due_for_release": "2036-07-30",  # 15 years from his detention
        "cases": [case],
        # the same in parts, for a reader's language (the report)
        "charge_list": [
            {"law": "Criminal Code art. 342", "category": "anti-state", "status": "convicted"},
            {"law": "Tax Code art. 5", "category": "other", "status": "convicted"},
        ],
        "sentences": [{"sentence": "15y", "type": "prison"}],
    }
    assert (lee_row["charges"], lee_row["status"]) == ("no case recorded", "no case recorded")
    assert census["comparison"] == ["BAJ reports 28 as of 2021-12-01; 2 itemised here"]
    csv_lines = cli("census", "--as-of", "2021-12-01", "--format", "csv").stdout.splitlines()
    assert csv_lines[0] == (
        "person,outlet,since,days_held,charges,status,sentence,place,country,due_for_release"
    )
    markdown = cli("census", "--as-of", "2021-12-01", "--format", "markdown").stdout
    assert markdown.startswith("## Journalists in custody on 2021-12-01\n")
    assert markdown.rstrip().endswith("BAJ reports 28 as of 2021-12-01; 2 itemised here")
    # a closed case (a pardon) ends the custody it held someone in
    cli("case", "close", case, "--date", "2021-11-29", "--note", "pardoned")
    assert [h["person"] for h in cli.json("census", "--as-of", "2021-12-01")["held"]] == ["Ann Lee"]
    [held] = [h for h in cli.json("custody", "--as-of", "2021-11-29")["held"]
              if h["person"] == "Ihar Losik"]  # fmt: skip
    assert (held["released_on"], held["outcome"]) == ("2021-11-29", "end of sentence")


def test_census_and_custody_agree_on_every_day(cli, sample):
    for n, day in enumerate(("2021-07-01", "2021-07-05", "2021-07-09")):
        _held(cli, f"Person {n}", day)
    cli("release", "Person 1", "--date", "2021-07-07")
    for day in ("2021-06-30", "2021-07-01", "2021-07-06", "2021-07-07", "2021-07-08", "2021-07-30"):
        census = cli.json("census", "--as-of", day)["held"]
        custody = cli.json("custody", "--as-of", day)["held"]
        assert [(c["person"], c["since"], c["days_held"]) for c in census] == [
            (c["person"], c["since"], c["days_held"]) for c in custody
        ]


# --- the summary ---------------------------------------------------------------------------


def test_the_summary_counts_charges_brought_and_sentences_handed_down(cli, losik):
    _, case = losik
    _held(cli, "Ann Lee", "2021-07-10")
    other = cli(
        "case",
        "open",
        "Ann Lee",
        "--type",
        "administrative",
        "--date",
        "2021-07-11",
        "--charge",
        "Code of Administrative Offences art. 24.23",
        "--country",
        "BY",
    ).stdout.strip()
    cli(
        "case",
        "verdict",
        other,
        "--date",
        "2021-07-12",
        "--outcome",
        "convicted",
        "--sentence",
        "15d",
    )
    cli(
        "case",
        "verdict",
        case,
        "--date",
        "2021-08-02",
        "--outcome",
        "convicted",
        "--sentence",
        "2y6m",
    )
    july = cli.json("summary", "--month", "2021-07")["cases"]
    assert july["charges_brought"] == [
        {"category": "other", "name": "Other", "count": 2},
        {"category": "anti-state", "name": "Anti-state", "count": 1},
    ]
    assert july["verdicts"] == {"convicted": 1, "acquitted": 0, "dismissed": 0}
    assert july["sentences_by_type"] == {"administrative-arrest": 1}
    assert july["prison_years"] == 0
    year = cli.json("summary", "--year", "2021", "--country", "BY")["cases"]
    assert year["prison_years"] == 2.5 and year["sentences_by_type"] == {
        "administrative-arrest": 1,
        "prison": 1,
    }
    assert [s["person"] for s in year["sentences"]] == ["Ann Lee", "Ihar Losik"]
    table = cli("summary", "--year", "2021").stdout
    assert (
        "Charges brought: 3. Verdicts: 2 convicted. Sentences handed down: 1 "
        "administrative arrest, 1 prison (2.5 years in all)."
    ) in " ".join(table.split())
    markdown = cli("summary", "--year", "2021", "--format", "markdown").stdout
    assert "## Charges brought, by category" in markdown and "## Sentences handed down" in markdown
    assert cli.json("summary", "--month", "2021-09")["cases"]["charges_brought"] == []


def test_a_redacted_summary_hides_the_names_of_the_sentenced(cli, losik):
    _, case = losik
    cli(
        "case",
        "verdict",
        case,
        "--date",
        "2021-08-02",
        "--outcome",
        "convicted",
        "--sentence",
        "3y",
    )
    cli("journalists", "set", "Ihar Losik", "--at-risk")
    shown = cli("summary", "--month", "2021-08", "--redact", "--format", "json").stdout
    assert "Losik" not in shown and json.loads(shown)["cases"]["sentences"][0]["person"].startswith(
        "Person "
    )


# --- the timeline ----------------------------------------------------------------------------


def test_a_journalist_s_timeline_puts_everything_in_date_order(cli, losik):
    incident, case = losik
    cli("release", "Ihar Losik", "--date", "2021-08-10")
    cli("case", "verdict", case, "--date", "2021-12-14", "--outcome", "acquitted")
    cli(
        "designate",
        "Ihar Losik",
        "--label",
        "extremist-materials",
        "--by",
        "Court",
        "--date",
        "2022-01",
        "--country",
        "BY",
    )
    cli("journalists", "alias", "Ihar Losik", "Ігар Лосік")
    found = cli.json("journalists", "show", "ігар лосік")
    assert (found["name"], found["aliases"]) == ("Ihar Losik", ["Ігар Лосік"])
    assert [(e["date"], e["event"]) for e in found["entries"]] == [
        ("2021-07-30", "detention"),
        ("2021-07-30", "custody began"),
        ("2021-07-30", "case opened"),
        ("2021-07-30", "case charge-added"),
        ("2021-07-30", "case charge-added"),
        ("2021-08-10", "custody ended"),
        ("2021-12-14", "case verdict"),
        ("2022-01", "designation"),
        ("2022-01", "designated extremist-materials"),
    ]
    assert found["entries"][1]["detail"] == "held 11 days"
    assert found["entries"][6]["detail"] == "acquitted"
    assert cli("journalists", "show", "Nobody", code=1).stderr == (
        "Error: journalist: 'Nobody' is not a journalist in this database\n"
    )


# --- moving, merging, deleting, undoing ----------------------------------------------------


def test_cases_travel_in_a_document_and_a_second_import_adds_nothing(cli, losik, tmp_path):
    _, case = losik
    cli("case", "charge", "drop", case, "--charge", "Tax Code art. 5", "--date", "2021-09")
    cli(
        "case",
        "verdict",
        case,
        "--date",
        "2021-12-14",
        "--outcome",
        "convicted",
        "--sentence",
        "3y",
        "--source",
        "https://example.org/verdict",
        "--publisher",
        "BAJ",
    )
    out = tmp_path / "all.json"
    cli("export", "--format", "json", "--out", out)
    exported = json.loads(out.read_text(encoding="utf-8"))["cases"]
    other = tmp_path / "other.db"
    assert "1 case." in cli("--db", other, "import", out).stderr
    second = cli("--db", other, "import", out).stderr
    assert "cases" not in second and "already present, skipped" in second
    again = tmp_path / "again.json"
    cli("--db", other, "export", "--format", "json", "--out", again)
    assert json.loads(again.read_text(encoding="utf-8"))["cases"] == exported
    assert exported[0]["events"][-1] == {
        "event": "verdict",
        "date": "2021-12-14",
        "outcome": "convicted",
        "sentence": "3y",
        "sentence_type": "prison",
        "source": "https://example.org/verdict",
        "publisher": "BAJ",
    }
    entry = cli.json("--db", other, "imports")[0]["id"]
    cli("--db", other, "imports", "undo", str(entry), "--yes")
    assert cli.json("--db", other, "cases") == []


@pytest.mark.parametrize(
    "broken, message",
    [
        ({"case_type": "martial"}, "cases[0].--type: 'martial' is not a case type"),
        ({"events": "nope"}, "cases[0].events: 'nope' must be a list of JSON objects"),
        (
            {
                "events": [
                    {"event": "opened", "date": "2021-07-30"},
                    {"event": "verdict", "date": "2021-07-01", "outcome": "convicted"},
                ]
            },
            "cases[0].events[1].--date: '2021-07-01' is before the case was opened (2021-07-30)",
        ),
        (
            {
                "events": [
                    {"event": "opened", "date": "2021-07-30"},
                    {"event": "opened", "date": "2021-07-31"},
                ]
            },
            "cases[0].events[1].event: 'opened' is not an event a case can record",
        ),
        ({"person": "Nobody"}, "cases[0].person: 'Nobody' is not a journalist in this database"),
    ],
)
def test_a_broken_cases_section_is_refused_whole(cli, losik, tmp_path, broken, message):
    out = tmp_path / "all.json"
    cli("export", "--format", "json", "--out", out)
    document = json.loads(out.read_text(encoding="utf-8"))
    document["cases"][0].update(broken)
    out.write_text(json.dumps(document), encoding="utf-8")
    other = tmp_path / "other.db"
    result = cli("--db", other, "import", out, code=1 if "is not a journalist" in message else 2)
    assert result.stderr.startswith(f"Error: {message}") and result.stderr.count("\n") == 1
    assert not other.exists()  # a failed import into a new file leaves none


def test_a_filtered_or_redacted_export_carries_only_its_cases(cli, losik, tmp_path):
    _held(cli, "Ann Lee", "2021-05-01")
    _open(cli, "Ann Lee", day="2021-05-02")
    cli("journalists", "set", "Ihar Losik", "--at-risk")
    out = tmp_path / "july.json"
    cli("export", "--format", "json", "--month", "2021-07", "--redact", "--out", out)
    text = out.read_text(encoding="utf-8")
    cases = json.loads(text)["cases"]
    assert len(cases) == 1 and cases[0]["person"].startswith("Person ")
    assert "Losik" not in text and "Ann Lee" not in text


def test_merging_journalists_keeps_their_cases_and_undo_gives_them_back(cli, losik):
    _, case = losik
    _held(cli, "Ігар Лосік", "2021-08-01")
    other = _open(cli, "Ігар Лосік", day="2021-08-02")
    merged = cli("merge", "journalist", "Ihar Losik", "Ігар Лосік")
    assert {c["person"] for c in cli.json("cases")} == {"Ihar Losik"}
    rev = merged.stderr.split("merge undo ")[1].split("`")[0]
    cli("merge", "undo", rev)
    people = {c["id"]: c["person"] for c in cli.json("cases")}
    assert people == {case: "Ihar Losik", other: "Ігар Лосік"}


def test_merging_incidents_moves_case_links_and_undo_puts_them_back(cli, losik):
    incident, case = losik
    twin = cli(
        "add",
        "arrest",
        "--date",
        "2021-07-30",
        "--country",
        "BY",
        "--journalist",
        "Ihar Losik",
        "--force",
    ).stdout.strip()
    cli("case", "link", case, "--incident", twin)
    merged = cli("merge", "incident", incident, twin)
    assert cli.json("case", "show", case)["incidents"] == [incident]
    rev = merged.stderr.split("merge undo ")[1].split("`")[0]
    cli("merge", "undo", rev)
    assert sorted(cli.json("case", "show", case)["incidents"]) == sorted([incident, twin])


def test_a_deleted_incident_leaves_its_case_and_restore_links_them_again(cli, losik):
    incident, case = losik
    cli("delete", incident, "--yes")
    assert cli.json("case", "show", case)["incidents"] == []
    cli("restore", incident)
    assert cli.json("case", "show", case)["incidents"] == [incident]


# --- imports from other trackers ---------------------------------------------------------


def test_the_press_freedom_tracker_s_charges_become_cases(cli):
    result = cli("import", FIXTURES / "pft_excerpt.csv", "--preset", "pft")
    assert "2 cases opened from the charge columns" in result.stderr
    found = {c["person"]: c for c in cli.json("cases")}
    assert set(found) == {"Nkiruka Azuka Omeronye", "Michael Nigro"}
    convicted = found["Nkiruka Azuka Omeronye"]
    assert (convicted["status"], convicted["charges"], convicted["country"]) == (
        "convicted",
        [
            {
                "law": "criminal contempt of court",
                "category": "not-classified",
                "status": "convicted",
            }
        ],
        "US",
    )
    # the verdict is known only to have come between the arrest and the row's last revision
    assert convicted["events"][-1] == {
        "event": "verdict",
        "date": "2019-11-19..2019-11-26",
        "outcome": "convicted",
    }
    assert found["Michael Nigro"]["status"] == "dropped"
    entry = cli.json("imports")[0]["id"]
    cli("imports", "undo", str(entry), "--yes")
    assert cli.json("cases") == []


@pytest.mark.skipif(
    not (DATASETS / "pft_incidents_full_2020-03.csv").exists(),
    reason="shared/datasets is not beside this checkout",
)
def test_the_tracker_s_whole_export_opens_a_case_for_each_charged_journalist(cli):
    cli("import", DATASETS / "pft_incidents_full_2020-03.csv", "--preset", "pft")
    statuses = {}
    for case in cli.json("cases"):
        statuses[case["status"]] = statuses.get(case["status"], 0) + 1
    # 29 rows say charges dropped (6 name no journalist, one names no charge), 1 pending,
    # 4 convicted, 4 acquitted; "unknown" (14) and "not charged" (7) are no case
    assert statuses == {"dropped": 22, "closed": 1, "pending": 1, "convicted": 4, "acquitted": 4}


# --- both backends -------------------------------------------------------------------------


def test_cases_on_both_backends(cli, any_db):
    cli("--db", any_db, "import", SAMPLE)
    incident = cli(
        "--db",
        any_db,
        "add",
        "detention",
        "--date",
        "2021-07-30",
        "--country",
        "BY",
        "--journalist",
        "Ihar Losik",
    ).stdout.strip()
    case = cli(
        "--db",
        any_db,
        "case",
        "open",
        "Ihar Losik",
        "--type",
        "criminal",
        "--date",
        "2021-07-30",
        "--charge",
        ART_342,
        "--incident",
        incident,
    ).stdout.strip()
    cli(
        "--db",
        any_db,
        "case",
        "verdict",
        case,
        "--date",
        "2021-12-14",
        "--outcome",
        "convicted",
        "--sentence",
        "1y6m",
    )
    assert cli(
        "--db",
        any_db,
        "case",
        "verdict",
        case,
        "--date",
        "2021-12-15",
        "--outcome",
        "convicted",
        code=2,
    ).stderr.startswith("Error: --date: '2021-12-15' follows")
    census = cli.json("--db", any_db, "census", "--as-of", "2021-12-31")
    assert [(h["person"], h["status"], h["sentence"]) for h in census["held"]] == [
        ("Ihar Losik", "convicted", "1y6m prison")
    ]
    assert cli.json("--db", any_db, "summary", "--year", "2021")["cases"]["prison_years"] == 1.5
    cli("--db", any_db, "charges", "categories", "add", "extremism", "Extremism")
    cli(
        "--db",
        any_db,
        "case",
        "charge",
        "add",
        case,
        "--charge",
        "Art. 1=extremism",
        "--date",
        "2021-08",
    )
    assert [c["category"] for c in cli.json("--db", any_db, "case", "show", case)["charges"]] == [
        "anti-state",
        "extremism",
    ]


def test_the_invented_example_reads_as_the_docs_say(cli):
    from helpers import ROOT

    cli("import", ROOT / "data" / "examples" / "cases-invented.json")
    census = cli.json("census", "--as-of", "2021-12-01", "--country", "BY")
    assert [(h["person"], h["days_held"], h["status"], h["sentence"]) for h in census["held"]] == [
        ("Anna Prykladnaja", 264, "on appeal", "6y prison"),
        ("Ihar Uzorny", 124, "pending", None),
        ("Paval Testavy", 11, "convicted", "15d administrative-arrest"),
    ]
    assert census["comparison"] == ["Invented example reports 30 as of 2021-12-01; 3 itemised here"]
    assert "art. 243 (retaliatory, dropped)" in census["held"][1]["charges"]
    assert [
        c["person"] for c in cli.json("cases", "--status", "on appeal", "--as-of", "2021-12-01")
    ] == ["Anna Prykladnaja"]
    # cases still open: pending or on appeal, asked for both ways (the tracker's #588/#616)
    both = ["--status", "pending", "--status", "on appeal", "--as-of", "2021-12-01"]
    still_open = [(c["person"], c["status"]) for c in cli.json("cases", *both)]
    assert still_open == [
        (c["person"], c["status"])
        for c in cli.json("cases", "--status", "open", "--as-of", "2021-12-01")
    ]
    assert sorted(still_open) == [("Anna Prykladnaja", "on appeal"), ("Ihar Uzorny", "pending")]
    assert [
        c["person"]
        for c in cli.json(
            "cases", "--status", "open", "--status", "CONVICTED", "--as-of", "2021-12-01"
        )  # fmt: skip
    ] == ["Paval Testavy", "Ihar Uzorny", "Anna Prykladnaja"]
    # December's verdict rules on the appeal: no sentence is handed down twice
    december = cli.json("summary", "--month", "2021-12", "--country", "BY")["cases"]
    assert (
        december["prison_years"],
        december["verdicts"]["convicted"],
        december["appeal_rulings"],
    ) == (0, 0, 1)
    october = cli.json("summary", "--month", "2021-10", "--country", "BY")["cases"]
    assert (october["prison_years"], october["verdicts"]["convicted"]) == (6.0, 1)
    # Paval Testavy's 15 days of administrative arrest, counted from his detention, end his
    # custody on 2021-12-05 (held that day, not the next); Anna Prykladnaja's 6 years run
    held = {r["person"]: r for r in cli.json("custody", "--as-of", "2021-12-05")["held"]}
    assert (held["Paval Testavy"]["released_on"], held["Paval Testavy"]["outcome"]) == (
        "2021-12-05",
        "end of sentence",
    )
    assert held["Anna Prykladnaja"]["released_on"] == "2027-03-12"
    after = [r["person"] for r in cli.json("custody", "--as-of", "2021-12-06")["held"]]
    assert after == ["Anna Prykladnaja", "Ihar Uzorny"]


def test_two_verdicts_at_once_end_with_one(cli, any_db):
    """Two terminals recording a verdict on one case at the same moment: one lands, the
    other is refused as a second verdict with no appeal between, on both backends."""
    import subprocess
    import sys

    cli("--db", any_db, "add", "detention", "--date", "2021-07-30", "--journalist", "Ann Lee")
    case = cli(
        "--db", any_db, "case", "open", "Ann Lee", "--type", "criminal", "--date", "2021-07-30"
    ).stdout.strip()
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pressfree",
                "--db",
                any_db,
                "case",
                "verdict",
                case,
                "--date",
                f"2021-12-{day}",
                "--outcome",
                "convicted",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for day in (10, 11)
    ]
    results = sorted((p.wait(60), p.stderr.read()) for p in runs)
    assert [code for code, _ in results] == [0, 2], results
    assert "follows a verdict with no appeal between" in results[1][1]
    events = [e["event"] for e in cli.json("--db", any_db, "case", "show", case)["events"]]
    assert events.count("verdict") == 1


# --- undo, round trips, dates given loosely, the census and appeals ------------------------


def test_undoing_an_import_keeps_a_case_changed_since_unless_forced(cli, losik, tmp_path):
    out = tmp_path / "all.json"
    cli("export", "--format", "json", "--out", out)
    other = tmp_path / "other.db"
    cli("--db", other, "import", out)
    case = cli.json("--db", other, "cases")[0]["id"]
    cli(
        "--db",
        other,
        "case",
        "verdict",
        case,
        "--date",
        "2021-10-04",
        "--outcome",
        "convicted",
        "--sentence",
        "5y",
    )
    entry = cli.json("--db", other, "imports")[0]["id"]
    refused = cli("--db", other, "imports", "undo", str(entry), "--yes", code=1).stderr
    assert refused == (
        f"Error: id: import {entry}: 1 of its 2 incidents and cases were "
        f"changed or deleted since ({case[:8]}); add --force to remove them "
        "anyway\n"
    )
    assert len(cli.json("--db", other, "cases")) == 1
    cli("--db", other, "imports", "undo", str(entry), "--yes", "--force")
    assert cli.json("--db", other, "cases") == []
    assert cli.json("--db", other, "history", case)[-1]["after"] is None  # kept there


def test_categories_and_articles_of_your_own_travel_with_the_document(cli, tmp_path):
    _held(cli, "Ann Lee")
    cli("charges", "categories", "add", "espionage", "Espionage")
    cli("charges", "add", "Criminal Code art. 358", "--category", "espionage")
    case = _open(cli, "Ann Lee", "--charge", "Criminal Code art. 358")
    out = tmp_path / "all.json"
    cli("export", "--format", "json", "--out", out)
    other = tmp_path / "other.db"
    cli("--db", other, "import", out)
    assert cli.json("--db", other, "case", "show", case)["charges"][0]["category"] == "espionage"
    assert {a["law"]: a["category"] for a in cli.json("--db", other, "charges")}[
        "Criminal Code art. 358"
    ] == "espionage"


def test_a_filtered_export_drops_links_it_does_not_hold_and_imports(cli, losik, tmp_path):
    incident, case = losik
    later = cli(
        "add", "raid", "--date", "2021-08-05", "--country", "BY", "--journalist", "Ihar Losik"
    ).stdout.strip()
    cli("case", "link", case, "--incident", later)
    _held(cli, "Dan Day", "2021-05-01")
    unlinked = _open(cli, "Dan Day", day="2021-05-03")
    july = tmp_path / "july.json"
    cli("export", "--format", "json", "--month", "2021-07", "--out", july)
    other = tmp_path / "other.db"
    cli("--db", other, "import", july)
    assert cli.json("--db", other, "case", "show", case)["incidents"] == [incident]
    dan = tmp_path / "dan.json"
    cli("export", "--format", "json", "--journalist", "Dan Day", "--out", dan)
    assert [c["id"] for c in json.loads(dan.read_text(encoding="utf-8"))["cases"]] == [unlinked]


def test_due_for_release_adds_up_arrests_and_never_precedes_a_verdict(cli):
    _held(cli, "Ann Lee", "2021-07-30")

    def arrest(day: str, sentence: str) -> None:
        case = cli(
            "case", "open", "Ann Lee", "--type", "administrative", "--date", day
        ).stdout.strip()
        cli(
            "case", "verdict", case, "--date", day, "--outcome", "convicted", "--sentence", sentence
        )

    arrest("2021-07-31", "15d")
    arrest("2021-08-13", "15d")  # a second arrest, served after the first

    def held(day):
        return [(h["since"], h["due_for_release"]) for h in cli.json("custody", "--as-of", day)[
            "held"] if h["person"] == "Ann Lee"]  # fmt: skip

    # 30 days from 2021-07-30, time held counting
    assert held("2021-08-20") == held("2021-08-29") == [("2021-07-30", "2021-08-29")]
    assert held("2021-08-30") == []
    arrest("2021-09-10", "1m")  # a later arrest: custody again, from its verdict
    assert held("2021-09-09") == []
    assert held("2021-09-10") == held("2021-10-10") == [("2021-09-10", "2021-10-10")]
    assert held("2021-10-11") == []
    assert [c["sentence_type"] for c in cli.json("cases")] == ["administrative-arrest"] * 3
    _held(cli, "Bob Roe", "2021-07-01")
    late = cli(
        "case", "open", "Bob Roe", "--type", "administrative", "--date", "2021-07-20"
    ).stdout.strip()
    cli(
        "case",
        "verdict",
        late,
        "--date",
        "2021-07-21",
        "--outcome",
        "convicted",
        "--sentence",
        "15d",
    )  # twenty days held already: the custody ends on the verdict's day
    bob = cli.json("custody", "--as-of", "2021-07-21")["held"]
    assert [(h["person"], h["released_on"]) for h in bob] == [("Bob Roe", "2021-07-21")]
    assert cli.json("custody", "--as-of", "2021-07-22")["held"] == []
    assert cli("check").stdout == ""


def test_a_case_as_it_stood_shows_only_what_was_known_then(cli, losik):
    _, case = losik
    cli("case", "verdict", case, "--date", "2021-10-01", "--outcome", "convicted")
    cli("case", "charge", "add", case, "--charge", "Criminal Code art. 130", "--date", "2021-10-04")
    then = cli.json("case", "show", case, "--as-of", "2021-09-01")
    assert [c["law"] for c in then["charges"]] == [ART_342, "Tax Code art. 5"]
    assert [e["event"] for e in then["events"]] == ["opened", "charge-added", "charge-added"]
    now = cli.json("case", "show", case)
    assert [(c["law"], c["status"]) for c in now["charges"]] == [
        (ART_342, "convicted"),
        ("Tax Code art. 5", "convicted"),
        ("Criminal Code art. 130", "pending"),
    ]  # brought after the verdict


def test_a_change_dated_loosely_counts_once_it_has_certainly_happened(cli, losik):
    _, case = losik
    cli("case", "verdict", case, "--date", "2021-12", "--outcome", "acquitted")
    assert cli.json("case", "show", case, "--as-of", "2021-12-15")["status"] == "pending"
    assert cli.json("case", "show", case, "--as-of", "2021-12-31")["status"] == "acquitted"
    # a month-dated drop recorded after a day-dated charge of the same month follows it
    _held(cli, "Ann Lee", "2021-08-15")
    other = _open(cli, "Ann Lee", "--charge", ART_342, day="2021-08-15")
    cli("case", "charge", "drop", other, "--charge", ART_342, "--date", "2021-08")
    assert cli.json("case", "show", other)["status"] == "dropped"


def test_the_census_leaves_out_cases_that_do_not_hold_anyone(cli):
    _held(cli, "Carl Ray", "2019-01-10")
    cli("release", "Carl Ray", "--date", "2019-02-01")
    old = _open(cli, "Carl Ray", "--charge", "Criminal Code art. 369", day="2019-03-01")
    cli("case", "verdict", old, "--date", "2019-06-01", "--outcome", "acquitted")
    served = _open(cli, "Carl Ray", day="2019-01-10")
    cli(
        "case",
        "verdict",
        served,
        "--date",
        "2019-01-20",
        "--outcome",
        "convicted",
        "--sentence",
        "3m",
    )
    _held(cli, "Carl Ray", "2021-07-30")
    current = _open(cli, "Carl Ray", "--charge", ART_342, day="2021-07-31")
    [entry] = cli.json("census", "--as-of", "2021-08-02")["held"]
    assert (entry["cases"], entry["status"]) == ([current], "pending")


def test_a_case_takes_the_country_of_the_journalist_s_incidents(cli):
    _held(cli, "Ann Lee", "2021-07-30")
    case = _open(cli, "Ann Lee", "--charge", ART_342, day="2021-08-01")
    assert cli.json("case", "show", case)["country"] == "BY"
    brought = cli.json("summary", "--month", "2021-08", "--country", "BY")["cases"]
    assert brought["charges_brought"] == [
        {"category": "anti-state", "name": "Anti-state", "count": 1}
    ]


def test_closed_lists_every_closed_case(cli, losik):
    _, case = losik
    cli("case", "verdict", case, "--date", "2021-10-01", "--outcome", "convicted")
    cli("case", "close", case, "--date", "2021-10-05", "--note", "pardoned")
    assert [c["id"] for c in cli.json("cases", "--status", "closed")] == [case]
    assert [c["status"] for c in cli.json("cases")] == ["convicted"]


def test_the_history_of_a_case_shows_the_event_added(cli, losik):
    _, case = losik
    cli("case", "hearing", case, "--date", "2021-08-01")
    shown = cli("history", case).stdout
    assert "events: + hearing, 2021-08-01" in shown


def test_the_press_freedom_tracker_s_outcomes_wait_for_the_row_s_revision(cli):
    cli("import", FIXTURES / "pft_excerpt.csv", "--preset", "pft")
    [case] = cli.json("cases", "--journalist", "Nkiruka Azuka Omeronye")
    assert cli.json("case", "show", case["id"], "--as-of", "2019-11-20")["status"] == "pending"
    assert cli.json("case", "show", case["id"], "--as-of", "2019-11-26")["status"] == "convicted"


@pytest.mark.parametrize(
    "broken, message",
    [
        ({"opened": 20210801}, "cases[0].opened: 20210801 must be text"),
        ({"person": 7}, "cases[0].person: 7 must be text"),
        ({"incidents": [1]}, "cases[0].incidents: '[1]' must be a list of incident ids"),
        (
            {
                "events": [
                    {"event": "opened", "date": "2021-07-30"},
                    {"event": "verdict", "date": "2021-12-01", "outcome": ["convicted"]},
                ]
            },
            "cases[0].events[1].outcome: ['convicted'] must be text",
        ),
    ],
)
def test_a_cases_section_of_the_wrong_types_is_refused_naming_the_field(
    cli, losik, tmp_path, broken, message
):
    out = tmp_path / "all.json"
    cli("export", "--format", "json", "--out", out)
    document = json.loads(out.read_text(encoding="utf-8"))
    document["cases"][0].update(broken)
    out.write_text(json.dumps(document), encoding="utf-8")
    result = cli("--db", tmp_path / "other.db", "import", out, code=2)
    assert result.stderr == f"Error: {message}\n"


def test_the_docs_summary_of_the_example_is_what_pressfree_prints(cli):
    from helpers import ROOT

    cli("import", ROOT / "data" / "examples" / "cases-invented.json")
    shown = " ".join(cli("summary", "--year", "2021", "--country", "BY").stdout.split())
    lines = (
        (ROOT / "docs" / "cases.md")
        .read_text(encoding="utf-8")
        .split("pressfree summary --year 2021 --country BY\n")[1]
        .splitlines()
    )
    said = " ".join(line.lstrip("#").strip().removeprefix("... ") for line in lines[:2])
    assert said.startswith("Charges brought: 5.") and said in shown


def test_events_entered_in_an_order_their_dates_allow_survive_a_round_trip(cli, tmp_path):
    _held(cli, "Test Person", "2021-08-01")
    case = _open(cli, "Test Person", "--charge", ART_342, day="2021-08-01")
    cli(
        "case",
        "verdict",
        case,
        "--date",
        "2021-08-15",
        "--outcome",
        "convicted",
        "--sentence",
        "3y",
    )
    cli("case", "appeal", case, "--date", "2021-08")  # entered after the verdict: after it
    assert [e["event"] for e in cli.json("case", "show", case)["events"]][-2:] == [
        "verdict",
        "appeal",
    ]
    out = tmp_path / "all.json"
    cli("export", "--format", "json", "--out", out)
    other = tmp_path / "other.db"
    cli("--db", other, "import", out)
    assert cli.json("--db", other, "case", "show", case)["status"] == "on appeal"


def test_an_appeal_waits_for_the_verdict_it_appeals(cli, losik):
    _, case = losik
    cli("case", "verdict", case, "--date", "2021-12", "--outcome", "convicted", "--sentence", "3y")
    cli("case", "appeal", case, "--date", "2021-12-20")
    then = cli.json("case", "show", case, "--as-of", "2021-12-25")
    assert (then["status"], [e["event"] for e in then["events"]][-1]) == ("pending", "charge-added")
    assert cli.json("case", "show", case, "--as-of", "2021-12-31")["status"] == "on appeal"


@pytest.mark.parametrize(
    "steps, due",
    [
        # pending on a criminal case as well: nobody is due for release
        ([("criminal", "2021-03-02", None), ("administrative", "2021-05-02", "15d")], None),
        # a month-dated arrest of 15 days, known by the month's end
        ([("administrative", "2021-03", "15d")], "2021-03-31"),
        # an arrest replaced on appeal by a fine: due on the appeal's verdict
        ([("administrative", "2021-03-02", "15d", "fine")], "2021-03-28"),
        # an arrest reduced on appeal to 10 days: the ruling in force counts
        ([("administrative", "2021-03-02", "15d", "10d")], "2021-03-28"),
    ],
)
def test_due_for_release_follows_every_case_of_the_custody(cli, steps, due):
    _held(cli, "Pre Trial", "2021-03-01")
    for case_type, day, sentence, *on_appeal in steps:
        case = cli(
            "case", "open", "Pre Trial", "--type", case_type, "--date", day, "--charge", ART_342
        ).stdout.strip()
        if sentence:
            cli(
                "case",
                "verdict",
                case,
                "--date",
                day,
                "--outcome",
                "convicted",
                "--sentence",
                sentence,
            )
        if on_appeal:
            cli("case", "appeal", case, "--date", "2021-03-20")
            cli(
                "case",
                "verdict",
                case,
                "--date",
                "2021-03-28",
                "--outcome",
                "convicted",
                "--sentence",
                on_appeal[0],
            )
    held = cli.json("custody", "--as-of", "2021-03-01")["held"][0]
    census = cli.json("census", "--as-of", "2021-03-01")["held"][0]
    assert held["due_for_release"] == census["due_for_release"] == held["released_on"] == due
    later = cli.json("custody", "--as-of", "2021-06-01")["held"]
    assert [h["person"] for h in later] == ([] if due else ["Pre Trial"])
