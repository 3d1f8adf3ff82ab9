"""Hostile input, generated: whatever a user types or a file holds, pressfree answers with
exit 0, or exactly one line on stderr and exit 1 or 2, never a traceback, and a command that
fails changes nothing. Run on both backends; bounded so that CI stays fast."""

from __future__ import annotations

import csv
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import SAMPLE, Cli

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
        from sqlalchemy import create_engine, inspect

        self.location = location
        self.cli = Cli()
        # One engine for the probe's life: connecting and reading the schema anew before
        # and after every example took most of each example's time.
        self.engine = create_engine(location if "://" in location else f"sqlite:///{location}")
        with self.engine.connect() as connection:
            self.tables = sorted(inspect(connection).get_table_names())

    def rows(self) -> dict:
        from sqlalchemy import text

        with self.engine.connect() as connection:
            return {
                t: sorted(map(repr, connection.execute(text(f'SELECT * FROM "{t}"'))))
                for t in self.tables
            }

    def __call__(self, *args) -> int:
        before = self.rows()
        result = self.cli.invoke("--db", self.location, *args)
        shown = f"pressfree {args!r}\nstdout: {result.stdout[-500:]}\nstderr: {result.stderr}"
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{shown}\nexception: {result.exception!r}"
        )
        if result.exit_code != 0:
            assert result.exit_code in (1, 2), shown
            lines = result.stderr.splitlines()
            # an import lists every bad row (as the README says) before its one error line
            listed = [line for line in lines[:-1] if not ROW_PROBLEM.match(line)]
            assert lines and lines[-1].startswith("Error: ") and not listed, shown
            assert self.rows() == before, f"a failed command changed the database\n{shown}"
        return result.exit_code


@pytest.fixture
def probe(any_db):
    cli = Cli()
    cli("--db", any_db, "import", SAMPLE)
    cli(
        "--db",
        any_db,
        "add",
        "detention",
        "--date",
        "2021-07-30",
        "--journalist",
        "Ann",
        "--country",
        "BY",
    )
    probe = Probe(any_db)
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
