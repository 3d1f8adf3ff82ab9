"""Terminal tables read at every width: no word of an id, a date, a kind or a name is split
across lines; free text takes the width left and ends with an ellipsis."""

import re

import pytest

from helpers import FIXTURES, SAMPLE, corpus

FREE_TEXT = {"summary", "scope", "changed", "text", "title", "reads", "charges", "detail"}
LISTINGS = [
    ("list",),
    ("search", "Belsat"),
    ("outlets",),
    ("journalists",),
    ("kinds",),
    ("labels",),
    ("tally", "list"),
    ("custody", "--as-of", "2021-07-30"),
    ("designations",),
    ("history",),
    ("imports",),
    ("cases",),
    ("census", "--as-of", "2021-07-30"),
    ("charges",),
    ("journalists", "show", "Aliaksandr Verkhnedvinsk"),
]


def _build(cli):
    cli("import", SAMPLE)
    cli("import", FIXTURES / "pft_excerpt.csv")
    cli(
        "add",
        "detention",
        "equipment-seizure",
        "--date",
        "2021-07-26..2021-07-30",
        "--country",
        "BY",
        "--city",
        "Maladzečna",
        "--journalist",
        "Aliaksandr Verkhnedvinsk",
        "--outlet",
        "Tut.by",
        "--summary",
        "A long summary " * 20,
        "--force",
    )
    case = cli(
        "case",
        "open",
        "Aliaksandr Verkhnedvinsk",
        "--type",
        "criminal",
        "--date",
        "2021-07-27",
        "--charge",
        "Criminal Code art. 361-1",
        "--charge",
        "Code of Administrative Offences art. 24.23",
    ).stdout.strip()
    cli(
        "case",
        "verdict",
        case,
        "--date",
        "2021-07-29",
        "--outcome",
        "convicted",
        "--sentence",
        "2y6m",
        "--sentence-type",
        "restricted-freedom",
    )


# One corpus for the module on each backend: every test here only reads it.
tables = corpus(_build)


UNBROKEN = re.compile(r"[0-9a-f]{8}|\d{4}-\d\d(-\d\d)?|\d\d:\d\d|[a-z]+(-[a-z]+)+")


def _words(value) -> set[str]:
    """The words of a value a table must never break: ids (by their first 8 characters),
    dates and times, kinds and other slugs, and every word of a name, an outlet, a
    publisher, a place (any value but free text)."""
    if isinstance(value, list):
        return {w for v in value for w in _words(v)}
    if isinstance(value, dict) or value is None:
        return set()
    text = str(value)
    if re.fullmatch(r"[0-9a-f]{8}-[0-9a-f-]{27}", text):
        return {text[:8]}
    whole = {w.strip(";,") for w in text.split() if len(w.strip(";,")) > 1 and ".." not in w}
    return whole | {w.group() for w in UNBROKEN.finditer(text.replace("T", " "))}


def _table(tables, width: int, *command) -> str:
    result = tables.invoke(*command, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _splits(shown: str, words: set[str]) -> list[str]:
    """The words cut between one line of a cell and the next (the end of a cell's line and
    the start of the same cell's next line joined)."""
    rows = [line.split("│")[1:-1] for line in shown.splitlines() if line.startswith("│")]
    found = []
    for above, below in zip(rows, rows[1:]):
        for top, bottom in zip(above, below):
            if top.split() and bottom.split() and top.split()[-1] + bottom.split()[0] in words:
                found.append(top.split()[-1] + bottom.split()[0])
    return found


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("command", LISTINGS, ids=" ".join)
def test_no_word_of_a_fixed_column_is_split(tables, command, width):
    shown = _table(tables, width, *command)
    lines = shown.splitlines()
    assert max(len(line) for line in lines) <= width  # captions and footers wrap too
    rows = tables.json(*command)
    if isinstance(rows, dict):  # a report: its rows are who is held, or a timeline's entries
        rows = rows.get("held", rows.get("entries"))
    words = {
        w
        for row in rows
        for key, value in row.items()
        if key not in FREE_TEXT
        for w in _words(value)
    }
    assert not _splits(shown, words), f"{command} at {width}:\n{shown}"


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_incidents_table_keeps_ids_dates_and_kinds_whole(tables, width):
    shown = _table(tables, width, "list")
    names = {k["slug"]: re.sub(r" \(.*\)$", "", k["label"]) for k in tables.json("kinds")}
    assert "Raid" in shown and "raid" not in shown  # names, not slugs
    for incident in tables.json("list"):
        assert incident["id"][:8] in shown
        for day in incident["date"].split(".."):
            assert re.search(rf"│ {re.escape(day)}(\.\.)? +│", shown), (day, shown)
        for kind in incident["kinds"]:  # by its short name, each word whole
            for word in names[kind].split():
                assert re.search(rf"[│ ]{re.escape(word)};? ", shown), (word, shown)


def test_free_text_takes_the_width_left_and_ends_with_an_ellipsis(tables):
    narrow, wide = (
        _table(tables, w, "list", "--kind", "equipment-seizure", "--country", "BY")
        for w in (80, 160)
    )
    row = next(line for line in narrow.splitlines() if "A long" in line)
    assert "…" in row and len(row) <= 80
    shown = next(line for line in wide.splitlines() if "A long" in line)
    assert shown.count("long summary") > row.count("long summary")
    assert "Src" in wide  # a wide terminal shows every column


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_summary_tables_fit(tables, width):
    shown = _table(tables, width, "summary", "--month", "2021-07")
    assert max(len(line) for line in shown.splitlines() if line[:1] in "┏┃┡│└") <= width
    assert re.search(r"│ Jul 26\u2009–\u200930, +│|│ Jul 26\u2009–\u200930, 2021 +│", shown), shown
    assert "Belsat" in shown and "Designation" in shown  # kinds by their (short) names
    assert "┃ Journalists ┃" in shown  # the kinds table's headings keep their words whole
