"""The entry form of `add` and `edit ID` on a terminal (issue 30 item 1): every field in
turn, completed from what the database holds, checked as typed, previewed, confirmed."""

from __future__ import annotations

import os
import select
import sys
import time

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from helpers import SAMPLE, Cli

CLEAR = "\x15"  # Ctrl-U: the line's default (or a refused answer) is cleared


def offered(completer, typed: str) -> list[tuple[str, str]]:
    """(what is written, what is shown) of the completions of what was typed."""
    return [
        (c.text, c.display_text)
        for c in completer.get_completions(Document(typed), CompleteEvent(text_inserted=True))
    ]


@pytest.fixture
def held(sample, store):
    """What the sample database holds, with a journalist under two spellings."""
    from pressfree.recorded import recorded

    sample("add", "detention", "--date", "2021-07-30", "--country", "BY", "-j", "Ігар Лосік",
           "--source", "https://x.org/1", "--publisher", "Viasna", "--tag", "minsk")  # fmt: skip
    sample("journalists", "alias", "Ігар Лосік", "Ihar Losik")
    sample("kinds", "name", "raid", "--lang", "be", "Ператрус")
    sample("fields", "add", "court", "--type", "choice", "--choices", "district,regional")
    with store.session() as session:
        return recorded(session)


def test_what_the_database_holds_completes_each_field_in_any_script(held):
    from pressfree.cli.entry_form import Listed

    assert held.journalists == {"Ігар Лосік": "Ігар Лосік", "Ihar Losik": "Ігар Лосік"}
    assert "Viasna" in held.publishers and held.tags == ["minsk", "minsk-and-other-cities"]
    assert held.own == {"court": {"type": "choice", "choices": ["district", "regional"]}}
    names = Listed(held.journalists, many=True)
    # typed in Latin letters, the stored Cyrillic name is found; after a comma, the next one
    assert offered(names, "Anna, los") == [("Ігар Лосік", "Ігар Лосік")]
    assert offered(names, "ihar") == [("Ігар Лосік", "Ihar Losik")]
    kinds = Listed(held.kinds, many=True)
    assert ("raid", "Ператрус") in offered(kinds, "пера")
    assert ("raid", "Ператрус") in offered(kinds, "peratrus")
    assert offered(kinds, "zzz") == []


def answered(held, answers: str, start: dict | None = None) -> dict:
    """The form filled from keys typed into a pipe, as a terminal would send them."""
    from pressfree.cli.entry_form import Form

    with create_pipe_input() as keys, create_app_session(input=keys, output=DummyOutput()):
        keys.send_text(answers)
        return Form(held).fill(start or {})


def test_the_form_asks_every_field_in_turn_and_refuses_what_does_not_fit(held):
    typed = "".join(
        [
            "ператрус, detention\r",
            "31.02.2021\r" + CLEAR + "30.07.2021\r",  # no such day: refused, typed again
            "Belarus\r",
            "\r",  # region: none
            "Minsk\r",
            "Ihar Losik, Anna\r",
            "Belsat\r",
            "GUBOPiK\r",
            "Searched the flat\r",
            "baj.by\r" + CLEAR + "https://baj.by/1\r",  # not a URL: refused
            "BAJ\r",
            "Statement\r",
            "\r\r",  # no second source
            "minsk\r",
            "\r",  # status: reported, as it starts
            "county\r" + CLEAR + "District\r",  # court: a choice
        ]
    )
    values = answered(held, typed)
    assert values == {
        "kinds": ["raid", "detention"],
        "date": "30.07.2021",
        "country": "BY",
        "region": None,
        "city": "Minsk",
        "journalists": ["Ihar Losik", "Anna"],
        "outlets": ["Belsat"],
        "perpetrator": "GUBOPiK",
        "summary": "Searched the flat",
        "sources": [
            {"url": "https://baj.by/1", "publisher": "BAJ", "title": "Statement", "published": None}
        ],
        "tags": ["minsk"],
        "status": "reported",
        "fields": {"court": "District"},
    }


def test_the_preview_is_the_incident_as_show_prints_it(held):
    from rich.console import Console

    from pressfree.cli.entry_form import preview
    from pressfree.errors import InvalidValue

    console = Console(width=80, record=True, color_system=None, file=open(os.devnull, "w"))
    console.print(
        preview(
            {
                "kinds": ["raid"],
                "date": "30.07.2021",
                "country": "BY",
                "sources": [],
                "fields": {"court": "district"},
            },
            "(new)",
        )  # fmt: skip
    )
    shown = console.export_text()
    assert "id              (new)" in shown and "date            2021-07-30" in shown
    assert "court: district" in shown and "created at" not in shown
    with pytest.raises(InvalidValue, match="latitude"):
        preview({"kinds": ["raid"], "date": "2021", "latitude": 95.0}, "(new)")


def form_at_a_terminal(args: list[str], steps: list[tuple[str, str]], env: dict) -> tuple[int, str]:
    """The installed command on a terminal of its own: each step's keys typed once it shows
    the step's text; its exit code and all it showed."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:
        os.execve(sys.executable, [sys.executable, "-m", "pressfree", *args], env)
    shown = bytearray()

    def read_until(text: str | None) -> None:
        deadline = time.monotonic() + 60  # only a hung child gets this far
        while text is None or text.encode() not in shown:
            assert time.monotonic() < deadline, bytes(shown)
            if select.select([fd], [], [], 1)[0]:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    return
                if not chunk:
                    return
                shown.extend(chunk)

    for text, keys in steps:
        text = text.rstrip()  # a prompt's last space comes apart from it
        read_until(text)
        del shown[: shown.index(text.encode()) + len(text)]  # the next step waits anew
        os.write(fd, keys.encode())
    read_until(None)
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


def terminal_env(db) -> dict:
    return {**os.environ, "PRESSFREE_DB": str(db), "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1",
            "COLUMNS": "100", "LINES": "50"}  # fmt: skip


def test_add_and_edit_on_a_terminal_record_what_the_form_confirms(pressfree, tmp_path):
    """On a SQLite file: what the form gives is recorded by the path `add --editor` takes,
    tested on every backend."""
    db = tmp_path / "form.db"
    cli = Cli(env={"PRESSFREE_DB": str(db)})
    cli("import", SAMPLE)
    env = terminal_env(db)
    steps = [
        ("Kinds: ", "raid\r"), ("Date: ", "30 July 2021\r"), ("Country: ", "BY\r"),
        ("Region: ", "\r"), ("City: ", "Grodno\r"), ("Journalists: ", "\r"),
        ("Outlets: ", "Belsat\r"), ("Perpetrator: ", "\r"), ("Summary: ", "Office searched\r"),
        ("Source 1 URL: ", "https://x.org/form\r"), ("Source 1 publisher: ", "BAJ\r"),
        ("Source 1 title: ", "\r"), ("Source 2 URL: ", "\r"), ("Source 2 publisher: ", "\r"),
        ("Tags: ", "\r"), ("Status: ", "\r"), ("[c]ancel", "\r"),
    ]  # fmt: skip
    code, shown = form_at_a_terminal(["add"], steps, env)
    assert code == 0, shown
    added = [i for i in cli.json("list") if i["city"] == "Grodno"]
    assert [(i["kinds"], i["date"], i["outlets"], i["summary"]) for i in added] == [
        (["raid"], "2021-07-30", ["Belsat"], "Office searched")
    ]
    assert added[0]["id"] in shown  # printed, as the flag form prints it
    # edit ID with nothing else: the form, filled in; only what changed is recorded
    edit = [(f"{label}: ", "\r") for label in ("Kinds", "Date", "Country", "Region", "City",
            "Journalists", "Outlets", "Perpetrator", "Summary", "Source 1 URL",
            "Source 1 publisher", "Source 1 title", "Source 2 URL", "Source 2 publisher",
            "Tags")] + [("Status: ", CLEAR + "confirmed\r"), ("[c]ancel", "y\r")]  # fmt: skip
    code, shown = form_at_a_terminal(["edit", added[0]["id"][:8]], edit, env)
    assert code == 0, shown
    assert cli.json("history", added[0]["id"])[-1]["changes"] == [
        {"field": "status", "before": "reported", "after": "confirmed"}
    ]
    # cancelled: nothing recorded
    cancel = steps[:-1] + [("[c]ancel", "c\r")]
    code, shown = form_at_a_terminal(["add"], cancel, env)
    assert code == 1 and "Nothing recorded." in shown
    assert len([i for i in cli.json("list") if i["city"] == "Grodno"]) == 1


def test_without_a_terminal_add_asks_nothing(cli):
    result = cli("add", "--date", "2021-07-30", code=2)
    assert result.stderr == (
        "Error: kind: '' is required (stdin is not a terminal, so pressfree does not ask)\n"
    )
