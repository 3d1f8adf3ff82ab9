"""Schema upgrades: the migration chain from every released schema, on files made by those
releases, and the rules that keep released migrations as they were. The only tests that run
the migration chain; every other test starts from a schema built once per session."""

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from helpers import FIXTURES, connect_file, raw_engine

ART_342 = "Criminal Code art. 342"

RELEASED_MIGRATIONS = {
    # Released steps never change: users' databases were made by them. Add a new step.
    # Changed once, on 2026-12-07, without changing any upgrade: 0006 and 0007 import their
    # helpers from frozen/ instead of the live modules, and every downgrade refuses alike.
    "versions/0001_core.py": "4539ccd8d06dae6535b942d3c1e3c89b1ee3ec1f9ab302005b66fe6dbb2a4147",
    "versions/0002_ledger.py": "cc4fe51a4809f39f737dd3f48bd820bffd77a2a5fe913e0c0aa0d514b75320d6",
    "versions/0003_imports.py": "c159666119b4f821eba973384c59a27cb00aacabbc6be75d741c5d3d65616a6b",
    "versions/0004_rules.py": "13e5e280524d25339f55407cd7832ee13bd7a48d1d12d3d8ffd8898ffc1362ff",
    "versions/0005_history.py": "bc3ec058923b304d8e0294deb447d37ed03be913b0166977cf7e90912b806cde",
    "versions/0006_identity.py": "eafcb57f8a63bd445f37d446e38a817a1e9b2e398ca8bf995a842e4710d6cfe1",
    "versions/0007_cases.py": "56555d04249b538d4fc920a134c3c65a97746709ba24876eca27d04c798b9841",
    "versions/0008_names.py": "99d8ebb5ed0401771fb0fdb12de855e8ba45d2484daea6f1699d01c0f1e1310f",
    "versions/0009_settings.py": "52a072c79f07fa7f4d7eeed679bdc0720a563078be792e0b6b757071101a8033",
    "versions/0010_at_risk.py": (
        "fa93012faaaac909840b59b966460f0794ef4995824fc350aa3bc4efc9f936d8"
    ),
    "versions/0011_period_index.py": (
        "ff3705eb1fb7c2746ba6d20cbebaf5acc64e705102175ffcf6db22c47f492105"
    ),
    "versions/0012_coordinates.py": (
        "38093fdea0bdd08af69057027756a2cf9c10855ec97d0895ee766bba04a77d66"
    ),
    "versions/0013_evidence.py": (
        "a450006d20c3f8ef7d17efda94462668493e5ad1442934270bd01e2139a5c407"
    ),
    "versions/0014_restricted_index.py": (
        "04f77ec38d6a2412eab56d5cb922f50681eb0cd970facd4ee1203353b4c6799c"
    ),
    "frozen/__init__.py": "4ba85b042bb6f6e31da87ef1105c14e072490693c66429cb667681ffb45fd7d6",
    "frozen/cases_0007.py": "ad6948f7f358be04f8b9f916695c98aad7a304c50b4ffac287874c8cc531a3b9",
    "frozen/names_0006.py": "3f3de91d1f001fd202cf3eccd70d3922b935b4b3c34618c193fb759811d5425b",
    "frozen/search_0006.py": "7c8db2ef0f98c256ff383d29638a2d6c9839b62d0de0ed64a32d0db895517e9e",
}


def test_schema_matches_the_models(store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    import pressfree.store.models  # noqa: F401

    def modelled(name, type_, parent_names):
        # the search index is the backend's own (FTS5 tables, a GIN index): not a model
        return not (name or "").startswith(("incident_fts", "ix_incident_search_fts"))

    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": modelled})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_a_schema_1_database_is_upgraded_in_place_without_loss(pressfree, tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema1.db", path)
    # reading never changes the file: a command that only reads asks for the upgrade
    result = pressfree("--db", path, "list", code=1)
    assert result.stderr == (
        "Error: database: schema 0001 is older than this pressfree "
        "(0014): run `pressfree init` to upgrade it (reading never "
        "changes the file)\n"
    )
    assert not (tmp_path / "old.db.schema-1.bak").exists()
    pressfree("--db", path, "init")
    [raid, detention] = pressfree.json("--db", path, "list")
    assert raid["id"] == "0b7c3e52-9d41-4a8e-8f0e-6c2d9a1b7e11"
    assert raid["kinds"] == ["equipment-seizure", "raid"]
    assert raid["outlets"] == ["Наша Ніва"]
    assert raid["summary"] == "Search of a newsroom; Łukašenka era"
    assert raid["sources"] == [
        {
            "url": "https://example.org/report",
            "publisher": "BAJ",
            "title": "Weekly review",
            "published": "2021-07-31",
        }
    ]
    assert raid["tags"] == ["newsroom"] and raid["status"] == "confirmed"
    assert raid["created_at"] == "2021-07-31T09:00:00Z"
    assert detention["journalists"] == ["Андрэй Ŭładzimiraŭ"]
    assert detention["date"] == "2021-07"
    assert pressfree.json("--db", path, "info")["schema_version"] == 14
    kinds = {k["slug"]: k["count"] for k in pressfree.json("--db", path, "kinds")}
    assert kinds["internet-shutdown"] == 0 and kinds["raid"] == 1
    # the file as it was is kept beside the upgraded one
    backup = tmp_path / "old.db.schema-1.bak"
    old = connect_file(backup)
    assert old.execute("select version_num from alembic_version").fetchone() == ("0001_core",)
    assert old.execute("select count(*) from incident").fetchone() == (2,)
    old.close()
    # the ledger holds the journalist detained before it existed
    custody = pressfree.json("--db", path, "custody", "--as-of", "2021-07-31")
    assert [(c["person"], c["since"]) for c in custody["held"]] == [
        ("Андрэй Ŭładzimiraŭ", "2021-07")
    ]
    # new tables work on the upgraded file
    pressfree(
        "--db",
        path,
        "tally",
        "add",
        "raid",
        "200+",
        "--period",
        "2021-07",
        "--country",
        "BY",
        "--publisher",
        "Viasna",
    )
    assert len(pressfree.json("--db", path, "tally", "list")) == 1


def test_migration_files_are_named_by_their_revisions():
    """db.head_revision() reads the newest file name instead of importing Alembic."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from pressfree.store import db

    config = Config()
    config.set_main_option("script_location", str(db.MIGRATIONS))
    scripts = ScriptDirectory.from_config(config)
    assert scripts.get_current_head() == db.head_revision() == "0014_restricted_index"
    for script in scripts.walk_revisions():
        assert script.path.endswith(f"{script.revision}.py")


def test_released_migrations_never_change():
    import hashlib

    from pressfree.store import db

    found = {
        f"{p.parent.name}/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in ("versions", "frozen")
        for p in (db.MIGRATIONS / folder).glob("*.py")
    }
    assert found == RELEASED_MIGRATIONS


def test_migrations_use_only_their_own_frozen_helpers():
    """A migration importing a live module would upgrade old files differently each time
    that module changed."""
    import ast

    from pressfree.store import db

    for folder in ("versions", "frozen"):
        for path in (db.MIGRATIONS / folder).glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module:
                    named = [node.module]
                elif isinstance(node, ast.Import):
                    named = [a.name for a in node.names]
                else:
                    continue
                for name in named:
                    assert not name.startswith("pressfree") or name.startswith(
                        "pressfree.store.migrations.frozen"
                    ), (path.name, name)


def test_every_downgrade_refuses_alike(store):
    """pressfree never downgrades (the NAME.schema-N.bak copy an upgrade keeps is the way
    back): every step says so, and nothing is changed."""
    from alembic import command

    from pressfree.store import db

    for step in reversed(db.known_revisions()):
        with store.engine.connect() as connection:
            with connection.begin():
                connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": step})
            with pytest.raises(NotImplementedError, match=rf"^schema {int(step[:4])} is not down"):
                with connection.begin():
                    command.downgrade(db._alembic_config(connection), "-1")
    with store.engine.begin() as connection:
        connection.execute(
            text("UPDATE alembic_version SET version_num = :v"), {"v": db.head_revision()}
        )
    assert db.current_revision(store) == db.head_revision()


def _set_schema(location: str, version: str) -> None:

    engine = raw_engine(location)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": version})
    engine.dispose()


@pytest.mark.parametrize(
    "version, message",
    [
        (
            "0015_future",
            "database: schema 0015 is newer than this pressfree (0014); upgrade pressfree",
        ),
        (
            "abc",
            "database: schema 'abc' is not one this pressfree knows (it knows 0001_core, "
            "0002_ledger, 0003_imports, 0004_rules, 0005_history, 0006_identity, "
            "0007_cases, 0008_names, 0009_settings, 0010_at_risk, 0011_period_index, "
            "0012_coordinates, 0013_evidence, 0014_restricted_index)",
        ),
    ],
)
def test_a_schema_this_pressfree_does_not_know_is_refused(pressfree, any_db, version, message):
    pressfree("--db", any_db, "add", "raid", "--date", "2021-07-30")
    _set_schema(any_db, version)
    for command in (["info"], ["list"], ["add", "raid", "--date", "2021"], ["init"]):
        assert pressfree("--db", any_db, *command, code=1).stderr == f"Error: {message}\n"
    if "://" not in any_db:  # no backup is written for a schema that will not be upgraded
        assert sorted(p.name for p in Path(any_db).parent.iterdir() if ".bak" in p.name) == []


def test_a_schema_3_database_is_upgraded_without_loss(pressfree, tmp_path):
    """tests/fixtures/schema3.db was made with pressfree 0.1.0 through its own commands."""
    path = tmp_path / "three.db"
    shutil.copy(FIXTURES / "schema3.db", path)
    old = connect_file(path)
    counts = {
        t: old.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in (
            "incident",
            "person",
            "outlet",
            "source",
            "tally",
            "designation",
            "designation_change",
            "incident_journalist",
            "incident_kind",
        )
    }
    old.close()
    pressfree("--db", path, "init")
    new = connect_file(path)
    assert {t: new.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in counts} == counts
    assert new.execute(
        "SELECT p.name, r.released_on, r.outcome FROM custody_release r "
        "JOIN person p ON p.id = r.person_id"
    ).fetchall() == [("Ann Lee", "2021-08-02", "released")]
    # the 23 rows of another tracker's export open no custody, the detention added does
    assert new.execute("SELECT COUNT(*) FROM incident WHERE NOT opens_custody").fetchone() == (23,)
    new.close()
    assert (tmp_path / "three.db.schema-3.bak").exists()
    held = pressfree.json("--db", path, "custody", "--as-of", "2021-08-05")["held"]
    assert [r["person"] for r in held] == ["Ігар Лосік"]
    # the organisation stays one, and its designation says so
    [viasna] = [d for d in pressfree.json("--db", path, "designations") if d["target"] == "Viasna"]
    assert (viasna["target_type"], viasna["lifted_on"]) == ("organisation", "2024-01-10")
    # the ledger goes on working: an edit re-derives it from detentions and releases (a
    # disputed detention opens nothing under the default publication rule; confirmed again,
    # it opens what it did, Ann Lee's release kept)
    [detention] = pressfree.json("--db", path, "list", "--journalist", "Ann Lee")
    pressfree("--db", path, "edit", detention["id"], "--status", "disputed")
    assert pressfree.json("--db", path, "custody", "--as-of", "2021-08-01")["held"] == []
    pressfree("--db", path, "edit", detention["id"], "--status", "confirmed")
    assert [
        r["person"]
        for r in pressfree.json("--db", path, "custody", "--as-of", "2021-08-05")["held"]
    ] == ["Ігар Лосік"]
    assert sorted(
        r["person"]
        for r in pressfree.json("--db", path, "custody", "--as-of", "2021-08-01")["held"]
    ) == ["Ann Lee", "Ігар Лосік"]


def test_a_schema_recorded_twice_or_not_at_all_is_refused(cli, sql):
    import os

    from pressfree.store.db import hide_password

    cli("init")
    sql("INSERT INTO alembic_version VALUES ('0015_future')")
    result = cli("list", code=1)
    shown = hide_password(os.environ["PRESSFREE_DB"])
    assert result.stderr == (
        f"Error: database: '{shown}' records 2 schema versions "
        "('0014_restricted_index', '0015_future'), where it should record one: it "
        "was changed by something other than pressfree\n"
    )
    sql("DELETE FROM alembic_version")
    assert "records 0 schema versions (none)" in cli("init", code=1).stderr


def test_a_schema_7_database_gains_names_in_other_languages_without_loss(pressfree, tmp_path):
    """tests/fixtures/schema7.db was made with schema 7's own commands (make_schema7_db.py)."""
    path = tmp_path / "seven.db"
    shutil.copy(FIXTURES / "schema7.db", path)
    before = {
        k: v
        for k, v in json.loads(
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import sqlite3, json, sys; con = sqlite3.connect("
                    "sys.argv[1]); print(json.dumps({t: con.execute(f'SELECT COUNT(*) FROM "
                    '"{t}"\').fetchone()[0] for (t,) in con.execute("SELECT name FROM '
                    "sqlite_master WHERE type = 'table'\")}))",
                    str(path),
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        ).items()
        # the search index's own tables are rebuilt by the upgrade's repair (below)
        if k != "alembic_version" and not k.startswith("incident_fts")
    }
    pressfree("--db", path, "init")
    assert (tmp_path / "seven.db.schema-7.bak").exists()
    con = connect_file(path)
    after = {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in before}
    # custody follows cases from schema 9: the invented sentences end two custodies, derived
    # again in the upgrade, as one revision
    assert after == {**before, "revision": before["revision"] + 1}
    [repair] = pressfree.json("--db", path, "history", "--kind", "check")
    assert [line.split(" #")[0] for line in repair["before"]["differences"]] == [
        "custody: Anna Prykladnaja",
        "custody: Paval Testavy",
    ]
    names = dict(con.execute("SELECT slug, names FROM kind").fetchall())
    con.close()
    assert json.loads(names["detention"]) == {"ru": "Задержание", "be": "Затрыманне"}
    assert names["house-search"] is None  # the user's own kind: named by the user
    assert pressfree.json("--db", path, "info")["schema_version"] == 14
    said = pressfree("--db", path, "summary", "--year", "2021", "--lang", "be").stdout
    assert "Затрыманне" in said and "House search" in said  # its own label, unnamed in be
    pressfree("--db", path, "kinds", "name", "house-search", "Ператрус жылля", "--lang", "be")
    assert (
        "Ператрус жылля"
        in pressfree("--db", path, "summary", "--year", "2021", "--lang", "be").stdout
    )


def test_a_schema_4_database_gains_a_history_without_loss(pressfree, tmp_path):
    path = tmp_path / "four.db"
    shutil.copy(FIXTURES / "schema4.db", path)
    before = connect_file(path)
    counts = {
        t: before.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in (
            "incident",
            "person",
            "tally",
            "designation",
            "custody_release",
            "custody_period",
            "incident_kind",
        )
    }
    before.close()
    pressfree("--db", path, "init")
    after = connect_file(path)
    assert {t: after.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in counts} == counts
    assert after.execute("SELECT COUNT(*) FROM revision").fetchone() == (0,)
    after.close()
    assert (tmp_path / "four.db.schema-4.bak").exists()
    [ann] = pressfree.json("--db", path, "list", "--journalist", "Ann Lee")
    pressfree("--db", path, "edit", ann["id"], "--status", "disputed")
    assert [r["verb"] for r in pressfree.json("--db", path, "history", ann["id"])] == ["edit"]


def test_a_schema_5_database_gets_keys_search_and_unnamed_people(pressfree, tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema5.db", path)
    pressfree("--db", path, "init")
    found = pressfree.json("--db", path, "search", "Ihar Losik")
    assert sorted(i["journalists"][-1] for i in found) == sorted(
        ["Ihar Losik", "Игорь Лосик", "Ігар Лосік"]
    )
    assert "Losik" not in json.dumps(pressfree.json("--db", path, "search", "unavailable"))
    assert "And 2 unnamed" in pressfree("--db", path, "journalists").stderr
    raids = pressfree.json("--db", path, "list", "--journalist", "[full name unavailable]")
    assert raids == []  # a placeholder names nobody
    assert len(pressfree.json("--db", path, "list", "--search", "unavailable")) == 2
    assert len(pressfree.json("--db", path, "list", "--journalist", "igor losik")) == 3


def test_a_schema_6_database_gets_cases(pressfree, tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema6.db", path)
    pressfree("--db", path, "init")
    assert pressfree.json("--db", path, "info")["schema_version"] == 14
    held = pressfree.json("--db", path, "custody", "--as-of", "2021-08-10")["held"]
    assert [h["person"] for h in held] == ["Ігар Лосік"]
    case = pressfree(
        "--db",
        path,
        "case",
        "open",
        "Ihar Losik",
        "--type",
        "criminal",
        "--date",
        "2021-07-30",
        "--charge",
        ART_342,
    ).stdout.strip()
    assert (
        pressfree.json("--db", path, "case", "show", case)["charges"][0]["category"] == "anti-state"
    )
    census = pressfree.json("--db", path, "census", "--as-of", "2021-08-10")["held"]
    assert [(c["person"], c["cases"]) for c in census] == [("Ігар Лосік", [])]
    assert len(pressfree.json("--db", path, "charges", "categories")) == 8


@pytest.mark.parametrize("version", [1, 3, 4, 5, 6, 7, 8, 9])
def test_an_upgraded_old_database_has_nothing_derived_out_of_date(pressfree, tmp_path, version):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / f"schema{version}.db", path)
    pressfree("--db", path, "init")
    assert pressfree("--db", path, "check").stdout == ""


def test_a_schema_8_database_gains_the_publication_rule_and_its_custody_follows_it(
    pressfree, tmp_path
):
    """tests/fixtures/schema8.db (make_schema8_db.py) holds a retracted detention of Pavel
    Test that opened custody under schema 8: the upgrade derives custody again by the rule,
    in the upgrade's transaction, as one revision."""
    path = tmp_path / "eight.db"
    shutil.copy(FIXTURES / "schema8.db", path)
    con = connect_file(path)
    before = {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in ("incident",)}
    held = con.execute(
        "SELECT COUNT(*) FROM custody_period JOIN person ON person.id = person_id "
        "WHERE person.name = 'Pavel Test'"
    ).fetchone()[0]
    con.close()
    assert held == 1
    pressfree("--db", path, "init")
    assert (tmp_path / "eight.db.schema-8.bak").exists()
    assert pressfree.json("--db", path, "info")["incidents"] == before["incident"]
    held = pressfree.json("--db", path, "custody", "--as-of", "2021-07-25")["held"]
    assert "Pavel Test" not in [r["person"] for r in held]
    repairs = pressfree.json("--db", path, "history", "--kind", "check")
    # Pavel Test's retracted detention, and two custodies the invented sentences end
    assert [(r["verb"], r["after"]) for r in repairs] == [("upgrade", {"repaired": 3})]
    assert "custody: Pavel Test #28: 1 period(s) stored, 0 derived" in " ".join(
        repairs[0]["before"]["differences"]
    )
    assert pressfree.json("--db", path, "rule") == {
        "counted": ["reported", "confirmed"],
        "left_out": ["disputed", "retracted", "withdrawn"],
    }
    summary = pressfree.json("--db", path, "summary", "--month", "2021-07")
    assert summary["left_out"] == {"disputed": 1, "retracted": 1}
    assert pressfree("--db", path, "check").stdout == ""


def _copy_rows(source: Path, url: str) -> None:
    """Every row of a SQLite database into a PostgreSQL one at the same schema, as PostgreSQL
    types them, parents first; the id sequences moved past what was copied."""
    from sqlalchemy import JSON, Boolean, MetaData, create_engine, func, select

    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    old = connect_file(source)
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):  # what the steps seeded: the file has it
            if table.name != "alembic_version":
                connection.execute(table.delete())
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            cursor = old.execute(f"SELECT * FROM {table.name}")
            columns = [d[0] for d in cursor.description]
            typed = {
                c.name: bool if isinstance(c.type, Boolean) else json.loads
                for c in table.columns
                if isinstance(c.type, (Boolean, JSON))
            }
            rows = [
                {c: v if v is None or c not in typed else typed[c](v) for c, v in zip(columns, r)}
                for r in cursor
            ]
            if rows:
                connection.execute(table.insert(), rows)
            if "id" in table.c and rows:
                top = connection.execute(select(func.max(table.c.id))).scalar()
                connection.execute(
                    text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :n)"),
                    {"t": table.name, "n": top},
                )
    old.close()
    engine.dispose()


def test_a_schema_4_database_with_data_upgrades_alike_on_postgresql(pressfree, pg_url, tmp_path):
    from pressfree.store import db

    store = db.open_store(pg_url, upgrade=False)
    db.upgrade_schema(store, "0004_rules")
    store.dispose()
    _copy_rows(FIXTURES / "schema4.db", pg_url)
    path = tmp_path / "four.db"
    shutil.copy(FIXTURES / "schema4.db", path)
    for location in (pg_url, path):
        pressfree("--db", location, "init")
        assert pressfree("--db", location, "check").stdout == ""
    on_server, on_file = (pressfree.json("--db", location, "export") for location in (pg_url, path))
    assert on_server["incidents"] == on_file["incidents"]
    for export in (on_server, on_file):
        del export["exported_at"]  # the two exports are a second apart, or not
    assert on_server == on_file
    fixture = sqlite3.connect(FIXTURES / "schema4.db")
    for part, table in (("incidents", "incident"), ("custody", "custody_period")):
        [(count,)] = fixture.execute(f"SELECT count(*) FROM {table}").fetchall()
        assert len(on_server[part]) == count > 0
    fixture.close()
