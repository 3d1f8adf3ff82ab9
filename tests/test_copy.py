"""`pressfree copy`: a whole database into another, on either backend, adding only what the
other lacks."""

import json

from helpers import ROOT, SAMPLE

EXAMPLE = ROOT / "data" / "examples" / "cases-invented.json"


def _document(cli, location, tmp_path, name: str) -> dict:
    out = tmp_path / f"{name}.json"
    cli("--db", location, "export", "--format", "json", "--history", "--out", out)
    return json.loads(out.read_text(encoding="utf-8"))


def _laptop(cli, path) -> None:
    """A researcher's log: the sample, the invented cases, a release, an edit, a merge."""
    cli("--db", path, "import", SAMPLE)
    cli("--db", path, "import", EXAMPLE)
    cli("--db", path, "release", "Paval Testavy", "--date", "2021-12-05")
    incident = cli.json("--db", path, "list", "--journalist", "Ihar Uzorny")[0]["id"]
    cli("--db", path, "edit", incident, "--status", "confirmed")
    twin = cli(
        "--db",
        path,
        "add",
        "raid",
        "--date",
        "2021-07-30",
        "--country",
        "BY",
        "--city",
        "Hrodna",
        "--journalist",
        "Ihar Uzorny",
        "--force",
    ).stdout.strip()
    cli("--db", path, "merge", "incident", incident, twin)
    cli("--db", path, "journalists", "set", "Anna Prykladnaja", "--at-risk")


def test_a_copy_carries_everything_and_a_second_copy_adds_nothing(cli, any_db, tmp_path):
    laptop = tmp_path / "laptop.db"
    _laptop(cli, laptop)
    first = cli("--db", laptop, "copy", "--to", any_db).stderr
    assert (
        first.startswith("Copied from ")
        and "5 incidents, 3 tallies, 3 custody periods, 1 designation, 3 cases" in first
    )
    mine, theirs = (
        _document(cli, where, tmp_path, name)
        for where, name in ((laptop, "mine"), (any_db, "theirs"))
    )
    for section in (
        "incidents",
        "people",
        "outlets",
        "tallies",
        "custody",
        "designations",
        "cases",
        "merged",
        "categories",
        "articles",
        "placeholders",
    ):
        assert sorted(map(json.dumps, theirs[section])) == sorted(map(json.dumps, mine[section])), (
            section
        )
    # the history came along, with one more entry: the copy itself
    assert [(r["type"], r["id"], r["verb"]) for r in theirs["history"] if r["verb"] != "copy"] == [
        (r["type"], r["id"], r["verb"]) for r in mine["history"]
    ]
    assert [r["verb"] for r in theirs["history"]].count("copy") == 1
    again = cli("--db", laptop, "copy", "--to", any_db).stderr
    assert "0 incidents" in again and "already present, skipped" in again
    assert len(_document(cli, any_db, tmp_path, "after")["history"]) == len(theirs["history"])


def test_a_copy_comes_back_the_other_way(cli, any_db, tmp_path):
    cli("--db", any_db, "import", EXAMPLE)
    laptop = tmp_path / "laptop.db"
    cli("--db", laptop, "copy", "--from", any_db)
    census = cli.json("--db", laptop, "census", "--as-of", "2021-12-01")
    assert [h["person"] for h in census["held"]] == [
        "Anna Prykladnaja",
        "Ihar Uzorny",
        "Paval Testavy",
    ]
    assert census["held"][0]["status"] == "on appeal"


def test_a_dry_run_says_what_it_would_add_and_writes_nothing(cli, tmp_path):
    laptop, server = tmp_path / "laptop.db", tmp_path / "server.db"
    cli("--db", laptop, "import", SAMPLE)
    said = cli("--db", laptop, "copy", "--to", server, "--dry-run").stderr
    assert said == (
        f"Would copy from {laptop} to {server}: 2 incidents, 2 tallies, "
        "0 custody periods, 1 designation, 1 revision.\n"
    )
    assert not server.exists()  # a dry run makes no database either


def test_copy_refuses_what_it_cannot_do_in_one_line(pressfree, tmp_path):
    laptop = tmp_path / "laptop.db"
    pressfree("--db", laptop, "import", SAMPLE)
    assert pressfree("--db", laptop, "copy", code=2).stderr == (
        "Error: copy: give one of --to (from this database) or --from (into it)\n"
    )
    assert pressfree("--db", laptop, "copy", "--to", laptop, code=2).stderr == (
        f"Error: copy: {laptop} is the database itself: name another\n"
    )
    missing = tmp_path / "none.db"
    assert pressfree("--db", laptop, "copy", "--from", missing, code=2).stderr == (
        f"Error: --from: '{missing}' does not exist (any command that records something, or "
        "`pressfree init`, creates it)\n"
    )
    assert not missing.exists()
    for option in ("--to", "--from"):
        for blank in ("", " "):
            assert pressfree("--db", laptop, "copy", option, blank, code=2).stderr == (
                f"Error: {option}: {blank!r} is empty: give a file path or a database URL\n"
            )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["laptop.db"]  # no file named " "


def test_a_password_in_the_url_is_never_shown(cli, pg_url, tmp_path):
    from sqlalchemy.engine import make_url

    laptop = tmp_path / "laptop.db"
    cli("--db", laptop, "import", SAMPLE)
    with_password = (
        make_url(pg_url).set(password="s3cret-pass").render_as_string(hide_password=False)
    )
    said = cli("--db", laptop, "copy", "--to", with_password).stderr
    assert "s3cret-pass" not in said and "***" in said


def test_a_server_that_cannot_be_reached_is_one_line_naming_the_option(cli, tmp_path):
    laptop = tmp_path / "laptop.db"
    cli("--db", laptop, "import", SAMPLE)
    result = cli(
        "--db", laptop, "copy", "--to", "postgresql+psycopg://someone:pw@127.0.0.1:1/none", code=1
    )
    assert result.stderr.startswith(
        "Error: --to: 'postgresql+psycopg://someone:***@127.0.0.1"
        ":1/none' cannot be opened as a database (connection "
        "failed: "
    )
    assert result.stderr.count("\n") == 1 and "pw@" not in result.stderr


def test_a_copy_into_the_database_itself_is_refused_however_it_is_named(
    pressfree, tmp_path, monkeypatch
):
    folder = tmp_path / "d"
    folder.mkdir()
    monkeypatch.chdir(folder)
    pressfree("--db", "a.db", "import", SAMPLE)
    history = pressfree.json("--db", "a.db", "history")
    (folder / "link.db").symlink_to(folder / "a.db")
    for target in (str(folder / "a.db"), "../d/a.db", "link.db"):
        assert pressfree("--db", "a.db", "copy", "--to", target, code=2).stderr == (
            "Error: copy: a.db is the database itself: name another\n"
        )
    assert pressfree.json("--db", "a.db", "info")["incidents"] == 2
    assert pressfree.json("--db", "a.db", "history") == history  # nothing copied into it
