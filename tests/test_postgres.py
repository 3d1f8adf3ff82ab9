"""The same store on a PostgreSQL server (a team's shared database).

Set PRESSFREE_TEST_POSTGRES to a server URL (postgresql+psycopg://postgres@127.0.0.1/postgres)
to run these; each test gets a database of its own, dropped afterwards. `.ci/run` sets it and
PRESSFREE_NOTHING_SKIPS, so in CI a missing server fails instead of skipping.
"""

import pytest

from helpers import SAMPLE


def test_sample_list_summary_and_ledgers_on_postgres(cli, pg_url):
    cli("--db", pg_url, "import", SAMPLE)
    facts = cli.json("--db", pg_url, "info")
    assert facts["backend"] == "postgresql" and facts["schema_version"] == 14
    assert [i["date"] for i in cli.json("--db", pg_url, "list", "--month", "2021-07")] == [
        "2021-07-30",
        "2021-07-26..2021-07-30",
    ]
    new_id = cli(
        "--db",
        pg_url,
        "add",
        "arrest",
        "--date",
        "2021-07",
        "--country",
        "BY",
        "--journalist",
        "Ігар Лосік",
    ).stdout.strip()
    assert cli.json("--db", pg_url, "show", new_id[:8])["journalists"] == ["Ігар Лосік"]
    custody = cli.json("--db", pg_url, "custody", "--as-of", "2021-07-31", "--country", "BY")
    assert custody["comparison"] == [
        "Belarusian Association of Journalists reports 28 as of 2021-07-30; 1 itemised here"
    ]
    summary = cli.json("--db", pg_url, "summary", "--year", "2021")
    assert summary["total_incidents"] == 3
    assert summary["monthly"][6] == {
        "month": "2021-07",
        "total": 3,
        "by_kind": {"arrest": 1, "designation": 1, "detention": 1, "raid": 1},
    }
    cli("--db", pg_url, "add", "raid", "--date", "2021-02-30", code=2)
    assert cli.json("--db", pg_url, "info")["incidents"] == 3


def test_imports_and_exports_on_postgres(cli, pg_url, tmp_path):
    from helpers import FIXTURES

    result = cli("--db", pg_url, "import", FIXTURES / "pft_excerpt.csv", "--preset", "pft")
    assert "\nImported 23 incidents from 23 rows" in result.stderr
    assert cli.json("--db", pg_url, "summary", "--year", "2019")["by_kind"]["arrest"] == 9
    cli("--db", pg_url, "add", "raid", "--date", "2021-07-30", "--journalist", "A")
    exported = tmp_path / "all.csv"
    cli("--db", pg_url, "export", "--format", "csv", "--out", exported)
    fresh = tmp_path / "fresh.db"
    cli("--db", fresh, "import", exported)
    again = tmp_path / "again.csv"
    cli("--db", fresh, "export", "--format", "csv", "--out", again)
    assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")
    result = cli("--db", pg_url, "backup", tmp_path / "copy.db", code=1)
    assert result.stderr.startswith(
        "Error: backup: a PostgreSQL database is backed up with pg_dump"
    )


def test_on_a_server_the_history_s_author_is_the_role(cli, pg_url, monkeypatch):
    from sqlalchemy.engine import make_url

    monkeypatch.delenv("PRESSFREE_USER", raising=False)
    incident = cli("--db", pg_url, "add", "raid", "--date", "2021-07-30").stdout.strip()
    cli("--db", pg_url, "--as", "anna", "edit", incident, "--status", "confirmed")
    assert [r["who"] for r in cli.json("--db", pg_url, "history", incident)] == [
        make_url(pg_url).username,
        "anna",
    ]


@pytest.mark.runs_once  # it makes its own databases and roles
def test_the_docs_team_set_up_works_from_an_empty_server(cli, tmp_path, monkeypatch):
    """The SQL of "Working as a team", run as written (with names of this test's own): a
    writer creates and fills the database, a reader prints, a reader's write is refused in
    one line, and the history names the person who logged in."""
    import re
    import uuid

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from helpers import NO_SERVER, ROOT, SERVER

    if not SERVER:
        pytest.skip(NO_SERVER)
    monkeypatch.delenv("PRESSFREE_USER", raising=False)
    section = (ROOT / "docs" / "team.md").read_text(encoding="utf-8")
    on_server, in_database = re.findall(r"```sql\n(.*?)```", section, re.S)
    tag = uuid.uuid4().hex[:8]
    names = {
        "pressfree_writers": f"w_{tag}",
        "pressfree_readers": f"r_{tag}",
        "pressfree_team": f"team_{tag}",
        "anna": f"anna_{tag}",
        "olga": f"olga_{tag}",
    }

    def ours(sql: str) -> list[str]:
        for name, mine in names.items():
            sql = re.sub(rf"\b{name}\b", mine, sql)
        return [s.strip() for s in re.sub(r"--[^\n]*", "", sql).split(";") if s.strip()]

    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    url = make_url(SERVER).set(database=names["pressfree_team"])
    inside = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for statement in ours(on_server):
                connection.exec_driver_sql(statement)
        with inside.connect() as connection:
            for statement in ours(in_database):
                connection.exec_driver_sql(statement)
        inside.dispose()
        writer = url.set(username=names["anna"]).render_as_string(hide_password=False)
        reader = url.set(username=names["olga"]).render_as_string(hide_password=False)
        cli("--db", writer, "import", SAMPLE)
        incident = cli(
            "--db", writer, "add", "raid", "--date", "2021-07-31", "--country", "BY"
        ).stdout.strip()
        assert [r["who"] for r in cli.json("--db", reader, "history", incident)] == [names["anna"]]
        assert len(cli.json("--db", reader, "list", "--month", "2021-07")) == 3
        for command in (
            ["summary", "--month", "2021-07"],
            ["census", "--as-of", "2021-07-30"],
            ["cases"],
            ["info"],
            ["search", "Belsat"],
            ["export", "--out", "-"],
        ):
            cli("--db", reader, *command)
        refused = cli("--db", reader, "add", "raid", "--date", "2021-07-31", code=1).stderr
        assert refused == "Error: database: permission denied for table incident\n"
        assert len(cli.json("--db", reader, "list")) == 3
    finally:
        inside.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(
                f'DROP DATABASE IF EXISTS "{names["pressfree_team"]}" WITH (FORCE)'
            )
            for role in (
                names["anna"],
                names["olga"],
                names["pressfree_writers"],
                names["pressfree_readers"],
            ):
                connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
        admin.dispose()
