"""Restricted records (issue 28 item 4): never in a redacted or published output, said as
"N restricted" left out; on PostgreSQL, unreadable by a role without the
pressfree_restricted grant, by any command or by SQL."""

from __future__ import annotations

import json
import uuid

import pytest

from helpers import SAMPLE, Cli


def _record(cli) -> dict[str, str]:
    cli("import", SAMPLE)
    ids = {
        "restricted": cli("add", "raid", "--date", "2021-07-15", "--country", "BY", "-j",
                          "Ann Lee", "--summary", "A raid on a safe house", "--restricted",
                          "--source", "https://x.org/1").stdout.strip(),
        "naming": cli("add", "detention", "--date", "2021-07-16", "--country", "BY", "-j",
                      "Bo Hid", "--summary", "Held at the border",
                      "--source", "https://x.org/2").stdout.strip(),
        "open": cli("add", "raid", "--date", "2021-07-17", "--country", "BY", "-j", "Cy Open",
                    "--summary", "An office searched", "--source", "https://x.org/3").stdout.strip(),
    }  # fmt: skip
    cli("journalists", "set", "Bo Hid", "--restricted")
    return ids


def test_restricted_incidents_are_left_out_of_everything_published(cli, tmp_path):
    ids = _record(cli)
    assert cli.json("show", ids["restricted"])["restricted"] is True
    assert "restricted" not in cli.json("show", ids["open"])  # said only when it is
    everything = cli.json("summary", "--month", "2021-07")
    assert (everything["total_incidents"], everything["left_out"]) == (5, {})
    published = cli.json("summary", "--month", "2021-07", "--redact")
    assert (published["total_incidents"], published["left_out"]) == (3, {"restricted": 2})
    report = tmp_path / "r.html"
    cli("report", "--month", "2021-07", "--out", report)  # redacted: the default
    page = report.read_text(encoding="utf-8")
    assert "Left out: 2 restricted." in page
    for hidden in ("safe house", "Held at the border", "Bo Hid", "x.org/1", "x.org/2"):
        assert hidden not in page
    assert "An office searched" in page
    cli("report", "--month", "2021-07", "--lang", "be", "--out", report)
    assert "2 з абмежаваным доступам" in report.read_text(encoding="utf-8")
    exported = [json.loads(line) for line in cli("export", "--redact", "--format", "ndjson")
                .stdout.splitlines()]  # fmt: skip
    assert ids["open"] in [i["id"] for i in exported]
    assert not {ids["restricted"], ids["naming"]} & {i["id"] for i in exported}
    document = json.loads(cli("export", "--redact").stdout)
    assert len(document["incidents"]) == 3 and "Bo Hid" not in json.dumps(document)
    # held since his detention: in custody, but not in anything published, by any name
    assert "Bo Hid" in [h["person"] for h in cli.json("custody", "--as-of", "2021-07-31")["held"]]
    pseudonym = next(p["pseudonym"] for p in cli.json("journalists") if p["name"] == "Bo Hid")
    assert pseudonym and pseudonym not in json.dumps(document) and pseudonym not in page
    # the researcher's own screen shows everything
    assert {ids["restricted"], ids["naming"]} <= {i["id"] for i in cli.json("list")}
    cli("edit", ids["restricted"], "--not-restricted")
    assert cli.json("summary", "--month", "2021-07", "--redact")["left_out"] == {"restricted": 1}


def test_what_only_a_restricted_incident_tells_is_in_nothing_published(cli, tmp_path):
    """Custody it opened (held: counted nowhere published), and the people only it names,
    though they are not restricted themselves; the researcher's own counts keep them."""
    ids = _record(cli)
    cli("add", "detention", "--date", "2021-07-18", "--country", "BY", "-j", "Di Kept",
        "--restricted", "--source", "https://x.org/4")  # fmt: skip
    own = cli.json("summary", "--month", "2021-07")["in_custody"]["itemised"]
    published = cli.json("summary", "--month", "2021-07", "--redact")["in_custody"]["itemised"]
    held = cli.json("custody", "--as-of", "2021-07-31")["held"]
    assert {"Bo Hid", "Di Kept"} <= {h["person"] for h in held}
    assert (own, published) == (len(held), len(held) - 2)
    document = json.loads(cli("export", "--redact").stdout)
    said = json.dumps(document, ensure_ascii=False)
    assert "Ann Lee" not in said and "Di Kept" not in said
    assert "Cy Open" in [p["name"] for p in document["people"]]
    assert not [c for c in document["custody"] if c["incident"] in ids.values()]
    report = tmp_path / "r.html"
    cli("report", "--month", "2021-07", "--out", report)
    page = report.read_text(encoding="utf-8")
    assert "Di Kept" not in page and "Ann Lee" not in page
    assert f"<p>{len(held) - 2} journalist" in page


def test_a_restricted_flag_travels_with_a_copy(cli, tmp_path):
    ids = _record(cli)
    other = Cli(env={"PRESSFREE_DB": str(tmp_path / "copy.db")})
    other("init")
    document = tmp_path / "all.json"
    cli("export", "--out", document)
    other("import", document)
    assert other.json("show", ids["restricted"])["restricted"] is True
    assert [p["restricted"] for p in other.json("journalists") if p["name"] == "Bo Hid"] == [True]
    assert other.json("summary", "--month", "2021-07", "--redact")["left_out"] == {"restricted": 2}


def test_a_role_without_the_grant_reads_no_restricted_row_on_a_server(pressfree, pg_url, tmp_path):
    """Two roles, as docs/team.md sets them up: a reader without the
    pressfree_restricted grant sees none of it, by any command or by SQL; granted it, all."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    owner = Cli(env={"PRESSFREE_DB": pg_url})
    ids = _record(owner)
    evidence = tmp_path / "safe-house.jpg"
    evidence.write_bytes(b"a photo of the safe house")
    owner("attach", ids["restricted"], evidence)
    reader = f"pressfree_reader_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {reader} LOGIN"))
        connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {reader}"))
        connection.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}"))
        connection.execute(
            text(
                "DO $$ BEGIN CREATE ROLE pressfree_restricted NOLOGIN; "
                "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            )
        )
    as_reader = make_url(pg_url).set(username=reader).render_as_string(hide_password=False)
    try:
        olga = Cli(env={"PRESSFREE_DB": as_reader})
        listed = {i["id"] for i in olga.json("list")}
        assert ids["open"] in listed and not {ids["restricted"], ids["naming"]} & listed
        assert olga.invoke("show", ids["restricted"]).exit_code == 1
        assert olga.json("search", "safe house") == []
        assert "Bo Hid" not in olga("export").stdout
        assert "Bo Hid" not in [p["name"] for p in olga.json("journalists")]
        assert ids["restricted"] not in olga("history").stdout
        seen = create_engine(as_reader)
        with seen.connect() as connection:

            def count(sql: str) -> int:
                return connection.execute(text(sql)).scalar_one()

            assert count("SELECT count(*) FROM incident") == 3
            assert count("SELECT count(*) FROM incident WHERE restricted") == 0
            assert count("SELECT count(*) FROM person WHERE restricted") == 0
            assert count("SELECT count(*) FROM incident_search WHERE words LIKE '%safe%'") == 0
            # nor its evidence files, nor their bytes
            assert count("SELECT count(*) FROM attachment") == 0
            assert count("SELECT count(*) FROM evidence_file") == 0
            assert (
                count(
                    "SELECT count(*) FROM revision WHERE record_id IN "
                    f"('{ids['restricted']}', '{ids['naming']}', 'Bo Hid')"
                )
                == 0
            )
        with admin.connect() as connection:
            connection.execute(text(f"GRANT pressfree_restricted TO {reader}"))
        with seen.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM incident")).scalar_one() == 5
            assert connection.execute(text("SELECT count(*) FROM evidence_file")).scalar_one() == 1
        seen.dispose()
        assert {ids["restricted"], ids["naming"]} <= {i["id"] for i in olga.json("list")}
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP OWNED BY {reader}"))
            connection.execute(text(f"DROP ROLE {reader}"))
        admin.dispose()


@pytest.mark.parametrize(
    "value, refused",
    [
        ('"yes"', "Error: incidents[0].restricted: 'yes' must be true or false"),
        ("1", "Error: incidents[0].restricted: 1 must be true or false"),
        ("null", None),  # not said: not restricted
    ],
)
def test_a_documents_restricted_is_true_or_false(cli, tmp_path, value, refused):
    document = tmp_path / "d.json"
    document.write_text(
        '{"format": "pressfree", "version": 1, "incidents": [{"date": "2021-07-01", '
        f'"kinds": ["raid"], "restricted": {value}}}]}}'
    )
    result = cli.invoke("import", document)
    if refused is not None:
        assert (result.exit_code, result.stderr.splitlines()[0]) == (2, refused)
    else:
        assert result.exit_code == 0 and "restricted" not in cli.json("list")[0]


def test_list_and_search_redact_for_showing_others(cli):
    ids = _record(cli)
    cli("journalists", "set", "Cy Open", "--at-risk")
    pseudonym = next(p["pseudonym"] for p in cli.json("journalists") if p["name"] == "Cy Open")
    for command in (["list"], ["search", "searched"]):
        shown = cli.json(*command, "--redact")
        assert ids["open"] in [i["id"] for i in shown]
        assert not {ids["restricted"], ids["naming"]} & {i["id"] for i in shown}
        [found] = [i for i in shown if i["id"] == ids["open"]]
        assert found["journalists"] == [pseudonym]
        assert "Cy Open" not in json.dumps(shown)
    assert "Cy Open" in json.dumps(cli.json("list"))  # the researcher's own screen
