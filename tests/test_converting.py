"""A large file's rows converted in a second process (exchange.converting): the import is
the same, row for row, message for message, as when they are converted in one; and that
process never outlives the import."""

import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import FIXTURES, INTERRUPTED, interrupted_after

PFT = FIXTURES / "pft_excerpt.csv"
CPJ = FIXTURES / "cpj_excerpt.csv"
# What differs between two imports of one file into two databases: made when stored
VOLATILE = {"id", "created_at", "updated_at"}


@pytest.fixture
def both(pressfree, tmp_path, monkeypatch):
    """Runs one command line against two new databases, the rows converted in this process
    for the first and in a second one for the second; returns both results."""
    from pressfree.exchange import converting

    for name in ("here.db", "second.db"):
        pressfree("--db", tmp_path / name, "init")

    def run(*args, code: int = 0):
        results = []
        for name, parallel in (("here.db", False), ("second.db", True)):
            monkeypatch.setattr(converting, "in_parallel", lambda _path, p=parallel: p)
            results.append(pressfree("--db", tmp_path / name, *args, code=code))
        return results

    return run


def stored(pressfree, path):
    """The incidents as listed, without what is made when stored, in an order of their
    own (list breaks ties of date by public id, made at random)."""
    incidents = pressfree.json("--db", path, "list", "--all")
    return sorted(
        ({k: v for k, v in i.items() if k not in VOLATILE} for i in incidents),
        key=lambda i: json.dumps(i, sort_keys=True),
    )


@pytest.mark.parametrize(
    "args",
    [(PFT, "--preset", "pft"), (CPJ, "--preset", "cpj"), ("pft.ndjson", "--preset", "pft")],
    ids=["pft", "cpj", "pft-ndjson"],
)
def test_a_file_converted_in_a_second_process_is_stored_as_in_one(both, pressfree, tmp_path, args):
    if args[0] == "pft.ndjson":  # the same rows as JSON objects, a line each
        with open(PFT, encoding="utf-8", newline="") as handle:
            lines = [json.dumps(row) for row in csv.DictReader(handle)]
        args = (_write(tmp_path / args[0], lines), *args[1:])
    here, second = both("import", *args)
    assert second.stderr == here.stderr and "Imported" in here.stderr
    one, other = stored(pressfree, tmp_path / "here.db"), stored(pressfree, tmp_path / "second.db")
    assert other == one and len(one) >= 17
    assert len(json.dumps(one)) > 10_000  # every field of each row


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


MAPPING = """
name = "mine"
unknown_kinds = "create"
skip_rows_without = ["date", "summary"]
[columns]
date = "date"
kinds = "kind"
summary = "summary"
source_url = "url"
"""


def test_bad_rows_new_kinds_and_footnotes_from_a_second_process(both, pressfree, tmp_path):
    mapping = _write(tmp_path / "mine.toml", [MAPPING])
    rows = _write(
        tmp_path / "rows.csv",
        [
            "date,kind,summary,url",
            "2021-07-01,Raid,Searched,https://example.org/1",
            "2021-13-01,Raid,A bad month,https://example.org/2",
            "2021-07-02,Office Sealed,A kind made from the file,https://example.org/3",
            "2021-07-03,Raid,\x1b[31mred,https://example.org/4",
            "2021-07-04,Raid,Not a link,example.org/5",
            ",,,",
            "2021-07-05,Raid,Held,https://example.org/6",
        ],
    )
    here, second = both("import", rows, "--mapping", mapping, code=1)
    assert second.stderr == here.stderr
    assert "row 3" in here.stderr and "row 5" in here.stderr and "row 6" in here.stderr
    for name in ("here.db", "second.db"):  # all or nothing
        assert pressfree.json("--db", tmp_path / name, "list", "--all") == []
    here, second = both("import", rows, "--mapping", mapping, "--skip-invalid")
    assert second.stderr == here.stderr and "office-sealed" in here.stderr
    assert stored(pressfree, tmp_path / "second.db") == stored(pressfree, tmp_path / "here.db")
    assert len(stored(pressfree, tmp_path / "here.db")) == 3
    rejected = (tmp_path / "rows.rejected.csv").read_text(encoding="utf-8")
    assert rejected.count("\n") == 4  # its header and the three bad rows


def test_a_file_unreadable_midway_is_one_line_from_a_second_process(both, pressfree, tmp_path):
    rows = tmp_path / "broken.csv"
    rows.write_bytes(
        b"date,kinds,summary\n2021-07-01,raid,fine\n" * 1 + b"2021-07-02,raid,caf\xe9\n"
    )
    here, second = both("import", rows, code=2)
    assert second.stderr == here.stderr
    assert here.stderr.startswith("Error: file: ") and "is not UTF-8 text" in here.stderr
    assert len(here.stderr.splitlines()) == 1


def test_which_files_are_converted_in_a_second_process(tmp_path, monkeypatch):
    from pressfree.exchange import converting, readers

    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    small.write_bytes(b"x" * (converting.PARALLEL_FROM - 1))
    large.write_bytes(b"x" * converting.PARALLEL_FROM)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert (converting.in_parallel(small), converting.in_parallel(large)) == (False, True)
    with readers.decrypted(large, b"x" * converting.PARALLEL_FROM):  # a sealed file, opened
        assert not converting.in_parallel(large)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert not converting.in_parallel(large)  # one core: nothing to gain


def test_the_second_process_dying_is_one_line_and_nothing_stored(pressfree, tmp_path, monkeypatch):
    import helpers
    from pressfree.exchange import converting

    monkeypatch.setattr(converting, "in_parallel", lambda _path: True)
    monkeypatch.setattr(converting, "_convert_rows", helpers.die_at_once)
    pressfree("--db", tmp_path / "x.db", "init")
    result = pressfree("--db", tmp_path / "x.db", "import", PFT, "--preset", "pft", code=1)
    assert result.stderr == (
        "Error: import: the process converting the file's rows stopped (exit code 3): "
        "nothing was imported\n"
    )
    assert pressfree.json("--db", tmp_path / "x.db", "list", "--all") == []


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(c) for c in handle.read().split()]
    except FileNotFoundError:
        return []


def _converting(pid: int) -> bool:
    """Whether a process is multiprocessing's spawned child (not its resource tracker)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return b"spawn_main" in handle.read()
    except FileNotFoundError:
        return False


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[-1][0] != "Z"
    except FileNotFoundError:
        return False


def _until(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="reads /proc (Linux)")
def test_the_second_process_ends_when_the_import_is_killed(tmp_path):
    """kill -9 of `pressfree import` mid-file: the process converting its rows finds no one
    reading them and ends; the database holds nothing."""
    from pressfree.exchange import converting

    rows = tmp_path / "big.csv"
    line = "2021-07-01,raid,{}," + "a long summary of what happened " * 8 + "\n"
    with open(rows, "w", encoding="utf-8") as handle:
        handle.write("date,kinds,city,summary\n")
        for i in range(converting.PARALLEL_FROM // len(line) + 1000):
            handle.write(line.format(f"City {i % 50}"))
    database = tmp_path / "killed.db"
    command = [sys.executable, "-m", "pressfree", "--db", str(database)]
    subprocess.run([*command, "init"], check=True, capture_output=True)
    process = subprocess.Popen(
        [*command, "import", str(rows)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert _until(lambda: any(map(_converting, _children(process.pid)))), "no second process"
        children = _children(process.pid)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert _until(lambda: not any(map(_alive, children))), "a process outlived the import"
    listed = subprocess.run(
        [*command, "list", "--all", "--format", "json"], capture_output=True, text=True
    )
    assert (listed.returncode, listed.stdout.strip()) == (0, "[]")


def test_ctrl_c_while_a_second_process_converts_is_one_line_and_nothing_stored(tmp_path):
    """A real Ctrl-C once a batch is written: exit 130 and pressfree's one line, none from
    the second process (it leaves Ctrl-C to the import, which stops it)."""
    database = tmp_path / "interrupted.db"
    command = [sys.executable, "-m", "pressfree", "--db", str(database)]
    subprocess.run([*command, "init"], check=True, capture_output=True)
    done = interrupted_after(
        "pressfree.exchange.loader._write",
        ["--db", database, "import", PFT, "--preset", "pft"],
        setup="from pressfree.exchange import converting\n"
        "converting.in_parallel = lambda path: True\n",
    )
    assert (done.returncode, done.stdout, done.stderr) == (130, "", INTERRUPTED)
    listed = subprocess.run([*command, "list", "--all", "--format", "json"], capture_output=True)
    assert (listed.returncode, listed.stdout.strip()) == (0, b"[]")


@given(
    st.one_of(
        st.text(max_size=40),
        st.builds(
            "{}://{}{}".format,
            st.sampled_from(["https", "http", "ftp", "h2", "a+b"]),
            st.text("abcXYZ019.-[]:@", min_size=1, max_size=12),
            st.text("/?#abc %[]\x01é", max_size=12),
        ),
    )
)
@settings(max_examples=300, deadline=None)
def test_a_plain_url_is_judged_as_urlsplit_judges_it(text):
    """is_url's quick way with a plain URL says what taking it apart says (a port, a bracket
    or anything else in its host goes the long way)."""
    from urllib.parse import urlsplit

    from pressfree.schemas import is_url

    def taken_apart(value: str) -> bool:
        if "://" not in value:
            return False
        try:
            urlsplit(value).port  # noqa: B018
        except ValueError:
            return False
        return True

    assert is_url(text) == taken_apart(text)
