"""Hostile input, generated: whatever a user types or a file holds, pressfree answers with
exit 0, or exactly one line on stderr and exit 1 or 2, never a traceback, and a command that
fails changes nothing. Run on both backends; bounded so that CI stays fast."""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import INTERRUPTED, SAMPLE, Cli, interrupted_after, raw_engine
from pressfree.schemas import BIDI_CONTROL, CONTROL

EXAMPLES = 40
ROW_PROBLEM = re.compile(r"^(row|line) \d+: |^\.\.\. and \d+ more invalid rows$")
SETTINGS = settings(max_examples=EXAMPLES)

# Text a hostile user or file might hold: control characters and NUL, right-to-left marks,
# scripts, very long values, things that look like SQL, options, ids and dates.
awkward = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
controls = st.text(
    alphabet=st.sampled_from("\x00\x01\x07\x08\t\n\r\x1b\x7f\u200f\u202e\u2066\ufeffaZ Ж-"),
    max_size=12,
)
specials = st.sampled_from(
    [
        "",
        " ",
        "x" * 100_000,
        "Ж" * 3000,
        "'; DROP TABLE incident; --",
        "%",
        "_",
        "\\",
        "0b7c3e52-9d41-4a8e-8f0e-6c2d9a1b7e11",
        "0b7c",
        "abcd",
        "zzzz",
        "-1",
        "--help",
        "0000-01-01",
        "9999-12-31",
        "10000-01-01",
        "2021-02-29",
        "2021-13-01",
        "2021-00",
        "2021-07-30..2021-07-01",
        "2021..",
        "..2021",
        "1..2..3",
        "-2021",
        "١٢٣",
        "NaN",
        "9" * 5000,
        "-9" * 30,
        str(2**31),
        str(2**63),
        str(-(2**63)),
        "1e308",
        "0x10",
        "BY",
        "by",
        "XX",
        "raid",
        "detention",
        "extremist-materials",
        "person",
        "organisation",
    ]
)
hostile = st.one_of(awkward, controls, specials)
integers = st.one_of(st.integers(min_value=-(10**30), max_value=10**30).map(str), specials)


class Probe:
    """Runs commands in-process and checks the contract on each result."""

    def __init__(self, location: str):
        from sqlalchemy import inspect

        self.location = location
        self.cli = Cli()
        # One engine for the probe's life: connecting and reading the schema anew before
        # and after every example took most of each example's time.
        self.engine = raw_engine(location)
        with self.engine.connect() as connection:
            self.tables = sorted(inspect(connection).get_table_names())

    def rows(self) -> dict:
        from sqlalchemy import text

        with self.engine.connect() as connection:
            return {
                t: sorted(map(repr, connection.execute(text(f'SELECT * FROM "{t}"'))))
                for t in self.tables
            }

    def stored_controls(self) -> list[str]:
        """Stored text holding a character that could rewrite a terminal (schemas.CONTROL,
        NUL): none may, whatever path brought it (a cell, a header, a JSON key, a mapping's
        name, a file's name)."""
        from sqlalchemy import text

        found = []
        with self.engine.connect() as connection:
            for table in self.tables:
                for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                    for value in row:
                        if isinstance(value, (dict, list)):
                            value = json.dumps(value, ensure_ascii=False)
                        if isinstance(value, str) and ("\x00" in value or CONTROL.search(value)):
                            found.append(f"{table}: {value[:80]!r}")
        return found

    def stored_bidi(self) -> list[str]:
        """Names, tags, places, publishers and field names holding a bidirectional control
        (free text may: mixed right-to-left writing needs them)."""
        from sqlalchemy import text

        lines = [
            ("person", "name"), ("person_alias", "name"), ("outlet", "name"),
            ("outlet_alias", "name"), ("incident_tag", "tag"), ("incident", "city"),
            ("incident", "region"), ("source", "publisher"),
        ]  # fmt: skip
        found = []
        with self.engine.connect() as connection:
            for table, column in lines:
                for (value,) in connection.execute(text(f'SELECT "{column}" FROM "{table}"')):
                    if value and BIDI_CONTROL.search(value):
                        found.append(f"{table}.{column}: {value!r}")
            for (extra,) in connection.execute(text("SELECT extra FROM incident")):
                keys = json.loads(extra) if isinstance(extra, str) else extra
                found += [f"extra key {k!r}" for k in keys or {} if BIDI_CONTROL.search(k)]
        return found

    def __call__(self, *args) -> int:
        before = self.rows()
        result = self.cli.invoke("--db", self.location, *args)
        shown = f"pressfree {args!r}\nstdout: {result.stdout[-500:]}\nstderr: {result.stderr}"
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{shown}\nexception: {result.exception!r}"
        )
        # nothing printed may rewrite the terminal: values are shown escaped (a backup to
        # standard output is the database's bytes, for a pipe)
        binary = args[:1] == ("backup",)
        printed = CONTROL.search(("" if binary else result.stdout) + result.stderr)
        assert printed is None, f"printed {printed[0]!r}\n{shown}"
        assert not self.stored_controls(), f"{self.stored_controls()}\n{shown}"
        if result.exit_code != 0:
            assert result.exit_code in (1, 2), shown
            lines = result.stderr.splitlines()
            # an import lists every bad row (as docs/logging.md says) before its one error line
            listed = [line for line in lines[:-1] if not ROW_PROBLEM.match(line)]
            assert lines and lines[-1].startswith("Error: ") and not listed, shown
            assert self.rows() == before, f"a failed command changed the database\n{shown}"
        return result.exit_code


def _sample_at(location: str) -> Probe:
    cli = Cli()
    cli("--db", location, "import", SAMPLE)
    cli(
        "--db",
        location,
        "add",
        "detention",
        "--date",
        "2021-07-30",
        "--journalist",
        "Ann",
        "--country",
        "BY",
    )
    return Probe(location)


@pytest.fixture
def probe(any_db):
    probe = _sample_at(any_db)
    yield probe
    probe.engine.dispose()


@pytest.fixture
def file_probe(tmp_path):
    """The sample in a SQLite file: for what only a file has (a path, a -wal)."""
    probe = _sample_at(str(tmp_path / "sample.db"))
    yield probe
    probe.engine.dispose()


def _first_id(probe: Probe) -> str:
    listed = probe.cli("--db", probe.location, "list", "--format", "json", "--limit", "1")
    return json.loads(listed.stdout)[0]["id"]


def test_add(probe):
    @SETTINGS
    @given(kind=hostile, date=hostile, text=hostile, country=hostile, name=hostile)
    def run(kind, date, text, country, name):
        probe(
            "add",
            kind,
            "--date",
            date,
            "--summary",
            text,
            "--country",
            country,
            "--journalist",
            name,
            "--tag",
            text,
            "--city",
            name,
            "--source",
            text,
        )

    run()


def test_edit(probe):
    incident = _first_id(probe)

    @SETTINGS
    @given(
        target=st.one_of(st.just(incident), st.just(incident[:6]), hostile),
        date=hostile,
        text=hostile,
        status=hostile,
        replace=st.booleans(),
    )
    def run(target, date, text, status, replace):
        probe(
            "edit",
            target,
            "--date",
            date,
            "--status",
            status,
            "--kind",
            text,
            "--outlet",
            text,
            *(["--replace"] if replace else []),
        )

    run()


def test_tally_add(probe):
    @SETTINGS
    @given(
        metric=hostile,
        value=integers,
        period=hostile,
        country=hostile,
        publisher=hostile,
        stock=st.booleans(),
    )
    def run(metric, value, period, country, publisher, stock):
        probe(
            "tally",
            "add",
            metric,
            value,
            "--as-of" if stock else "--period",
            period,
            "--country",
            country,
            "--publisher",
            publisher,
            "--scope",
            publisher,
        )

    run()


def test_release(probe):
    @SETTINGS
    @given(person=st.one_of(st.just("Ann"), hostile), day=hostile, outcome=hostile)
    def run(person, day, outcome):
        probe("release", person, "--date", day, "--outcome", outcome)

    run()


def test_designate(probe):
    @SETTINGS
    @given(target=hostile, label=hostile, by=hostile, day=hostile, kind=hostile)
    def run(target, label, by, day, kind):
        probe(
            "designate",
            target,
            "--label",
            label,
            "--by",
            by,
            "--date",
            day,
            "--target-type",
            kind,
            "--reference",
            by,
        )

    run()


row_values = st.one_of(
    hostile,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.lists(hostile, max_size=3),
    st.dictionaries(awkward, awkward, max_size=2),
)
rows = st.lists(
    st.fixed_dictionaries(
        {
            "date": st.one_of(st.just("2021-07-30"), row_values),
            "kinds": st.one_of(st.just("raid"), row_values),
            "journalists": row_values,
            "summary": row_values,
            "country": row_values,
            "id": st.one_of(st.none(), row_values),
            "external_id": row_values,
            "sources": st.one_of(
                st.none(),
                st.lists(
                    st.dictionaries(
                        st.sampled_from(["url", "publisher", "title", "published"]),
                        row_values,
                        max_size=4,
                    ),
                    max_size=2,
                ),
            ),
        }
    ),
    min_size=1,
    max_size=4,
)


def test_import_rows(probe, tmp_path):
    @SETTINGS
    @given(
        data=rows,
        fmt=st.sampled_from(["json", "ndjson", "csv"]),
        skip=st.booleans(),
        dry=st.booleans(),
    )
    def run(data, fmt, skip, dry):
        path = tmp_path / f"rows.{fmt}"
        if fmt == "json":
            path.write_text(json.dumps(data), encoding="utf-8")
        elif fmt == "ndjson":
            path.write_text("".join(json.dumps(r) + "\n" for r in data), encoding="utf-8")
        else:
            with open(path, "w", encoding="utf-8", newline="", errors="surrogatepass") as out:
                writer = csv.DictWriter(
                    out,
                    fieldnames=[
                        "date",
                        "kinds",
                        "journalists",
                        "summary",
                        "country",
                        "external_id",
                    ],
                )
                writer.writeheader()
                for r in data:
                    writer.writerow({k: r[k] for k in writer.fieldnames})
        probe(
            "import",
            path,
            "--again",
            *(["--skip-invalid"] if skip else []),
            *(["--dry-run"] if dry else []),
        )
        path.unlink()
        for rejected in tmp_path.glob("*.rejected.csv"):
            rejected.unlink()

    run()


def test_import_documents(probe, tmp_path):
    incident_id = "5e1f0a93-2c64-4b7d-a9e8-3f4b6c7d8e22"

    @SETTINGS
    @given(
        value=row_values,
        other=row_values,
        section=st.sampled_from(
            ["incidents", "custody", "tallies", "designations", "people", "outlets", "kinds"]
        ),
    )
    def run(value, other, section):
        entries = {
            "incidents": [
                {
                    "id": incident_id,
                    "kinds": ["arrest"],
                    "date": value,
                    "journalists": ["Ann"],
                    "summary": other,
                }
            ],
            "custody": [
                {"person": value, "since": other, "incident": incident_id, "released_on": value}
            ],
            "tallies": [
                {
                    "metric": "raid",
                    "value": value,
                    "qualifier": other,
                    "period": "2021-07",
                    "country": "BY",
                    "publisher": "X",
                }
            ],
            "designations": [
                {
                    "target": value,
                    "label": "extremist-materials",
                    "issued_by": other,
                    "date": value,
                    "target_type": other,
                }
            ],
            "people": [{"name": value, "outlet": other, "at_risk": value}],
            "outlets": [{"name": value, "type": other}],
            "kinds": [{"slug": value, "label": other}],
        }
        document = {"format": "pressfree", "version": 1, section: entries[section]}
        if section == "custody":
            document["incidents"] = [
                {
                    "id": incident_id,
                    "kinds": ["arrest"],
                    "date": "2021-07-01",
                    "journalists": ["Ann"],
                }
            ]
        path = tmp_path / "document.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        probe("import", path)

    run()


@pytest.fixture
def both(tmp_path, pg_url):
    """The same starting data on SQLite and on PostgreSQL."""
    sqlite = str(tmp_path / "same.db")
    cli = Cli()
    for location in (sqlite, pg_url):
        cli("--db", location, "import", SAMPLE)
    probes = Probe(sqlite), Probe(pg_url)
    yield probes
    for probe in probes:
        probe.engine.dispose()


def test_both_backends_take_the_same_values(both):
    """A value one backend stores and the other refuses would make an export of one
    unloadable into the other: the rules are checked before writing, the same for both."""
    lite, server = both

    @SETTINGS
    @given(text=hostile, name=hostile, tag=hostile, value=integers)
    def run(text, name, tag, value):
        args = (
            "add",
            "raid",
            "--date",
            "2021-07-30",
            "--summary",
            text,
            "--journalist",
            name,
            "--tag",
            tag,
            "--city",
            name,
            "--perpetrator",
            text,
        )
        assert lite(*args) == server(*args), args
        args = (
            "tally",
            "add",
            "raid",
            value,
            "--period",
            "2021-07",
            "--country",
            "BY",
            "--publisher",
            name,
        )
        assert lite(*args) == server(*args), args

    run()


# --- every class of issue 26, generated ------------------------------------------------------

# Numbers as a hostile user types them: huge, negative, not finite, in other digits.
numbers = st.one_of(
    integers,
    st.sampled_from(
        ["nan", "inf", "-inf", "Infinity", "1e999", "-0", "0", "9" * 5000, str(2**31),
         str(2**63), str(-(2**63) - 1), "2147483648", "１２", "٣", "1_000", "0x10", " 5 "]
    ),
)  # fmt: skip
# Every numeric input a command takes ({n}), with what it needs around it.
NUMERIC = [
    ("list", "--limit", "{n}"),
    ("search", "Losik", "--limit", "{n}"),
    ("export", "--limit", "{n}"),
    ("tally", "add", "raid", "{n}", "--period", "2021-07", "--country", "BY", "--publisher", "X"),
    ("merge", "undo", "{n}"),
    ("imports", "undo", "{n}", "--yes"),
    ("imports", "unmatched", "{n}"),
    ("restore", "{incident}", "--to", "{n}"),
    ("history", "--limit", "{n}"),
    ("case", "verdict", "{case}", "--date", "2022-02", "--outcome", "convicted",
     "--sentence", "{n}y"),
    ("case", "verdict", "{case}", "--date", "2022-02", "--outcome", "convicted",
     "--sentence", "{n}"),
]  # fmt: skip


def test_numbers_in_every_numeric_input(probe):
    incident = _first_id(probe)
    case = probe.cli(
        "--db", probe.location, "case", "open", "Ann", "--type", "criminal", "--date", "2021-07-30"
    ).stdout.strip()

    @SETTINGS
    @given(template=st.sampled_from(NUMERIC), n=numbers)
    def run(template, n):
        probe(*(a.format(n=n, incident=incident, case=case) for a in template))

    run()


# A header, JSON key or mapping name: controls, bidirectional marks, any script.
labels = st.one_of(controls, awkward, st.sampled_from(["\x1b[2Jcol", "\u202eevil", "a\u2066b"]))


def test_control_and_bidi_characters_in_every_file_header_key_and_name(probe, tmp_path):
    """A CSV header, a cell of an unmapped column, a JSON key, a mapping's name and a file's
    name: stored neutralised or refused, never printed raw (the probe checks every output
    and every stored text), and never a bidirectional control in a name or field name."""

    @SETTINGS
    @given(
        header=labels, cell=hostile, key=labels, name=labels, file=labels,
        fmt=st.sampled_from(["csv", "json", "mapping"]),
    )  # fmt: skip
    def run(header, cell, key, name, file, fmt):
        folder = tmp_path / "in"
        folder.mkdir(exist_ok=True)
        safe = "".join(c for c in file if c not in "/\x00")[:40] or "x"
        path = folder / f"{safe}.{'json' if fmt == 'json' else 'csv'}"
        try:
            path.touch()
        except (OSError, UnicodeEncodeError):
            path = folder / f"plain.{path.suffix[1:]}"
        args = ["import", path, "--again"]
        if fmt == "json":
            path.write_text(
                json.dumps([{"date": "2021-07-05", "kinds": "raid", key: cell}]), encoding="utf-8"
            )
        else:
            with open(path, "w", encoding="utf-8", newline="", errors="surrogatepass") as out:
                csv.writer(out).writerows(
                    [["date", "kinds", header, "other"], ["2021-07-05", "raid", cell, cell]]
                )
        if fmt == "mapping":
            mapping = folder / "m.toml"
            mapping.write_text(
                f'name = {json.dumps(name)}\n[columns]\ndate = "date"\nkinds = "kinds"\n',
                encoding="utf-8",
                errors="surrogatepass",
            )
            args += ["--mapping", mapping]
        if probe(*args) == 0:
            for listing in (["imports"], ["list", "--format", "json"], ["show", _first_id(probe)]):
                probe(*listing)
        assert not probe.stored_bidi()
        for made in folder.iterdir():
            made.unlink()

    run()


def test_every_output_option_pointed_at_the_database(file_probe, tmp_path):
    """Every option that names a file to write, given the database itself (by any path),
    its -wal, -shm or -journal, a folder, '' or ' ': refused in one line or written
    elsewhere; the database is whole and unchanged."""
    probe = file_probe
    database = probe.location
    other = tmp_path / "elsewhere"
    other.mkdir()
    link = tmp_path / "link.db"
    link.symlink_to(database)
    relative = os.path.relpath(database)
    targets = [
        database, str(Path(database).resolve()), relative, str(link), f"{database}-wal",
        f"{database}-shm", f"{database}-journal", str(tmp_path), "", " ", "-",
    ]  # fmt: skip
    outputs = [
        ("export", "--out", "{t}"),
        ("export", "--format", "csv", "--out", "{t}"),
        ("report", "--month", "2021-07", "--out", "{t}"),
        ("chart", "--month", "2021-07", "--out", "{t}"),
        ("backup", "{t}"),
        ("copy", "--to", "{t}"),
        ("summary", "--month", "2021-07", "--out", "{t}"),
    ]

    @SETTINGS
    @given(command=st.sampled_from(outputs), target=st.sampled_from(targets))
    def run(command, target):
        from sqlalchemy import text

        before = Path(database).read_bytes()
        code = probe(*(a.format(t=target) for a in command))
        with probe.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert code != 0 or target == "-", "written over the database, its files or a folder"
        assert Path(database).read_bytes() == before
        assert not [p for p in tmp_path.iterdir() if p.name in ("", " ")]

    run()


# --- Ctrl-C ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["add", "import"])
def test_ctrl_c_mid_write_is_one_line_exit_130_and_nothing_stored(cli, command):
    """A real Ctrl-C (SIGINT) after the rows are written but before the commit: one line,
    exit 130, no traceback, and the database as it was. (In a process of its own: the
    interrupt is pressfree's to handle, not the test runner's.)"""
    cli("add", "raid", "--date", "2021-07-01")
    args = (
        ["add", "detention", "--date", "2021-07-30", "--force"]
        if command == "add"
        else ["import", str(SAMPLE)]
    )
    done = interrupted_after("pressfree.work.changed", args)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", INTERRUPTED)
    assert [i["kinds"] for i in cli.json("list")] == [["raid"]]


def test_ctrl_c_inside_a_finalizer_is_delivered_again_not_ignored(tmp_path):
    """A Ctrl-C that lands in a finalizer (a connection being collected) is "ignored" by
    Python, which prints a traceback and runs on; pressfree delivers it again."""
    import subprocess
    import sys

    script = (
        "import signal\n"
        "from pressfree.cli import interrupt\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "interrupt.install()\n"
        "class Collected:\n"
        "    def __del__(self):\n"
        "        raise KeyboardInterrupt\n"
        "try:\n"
        "    Collected()\n"
        "    for _ in range(10_000_000):\n"
        "        pass\n"
        "    print('ran on')\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.stdout, done.stderr) == ("interrupted\n", "")
