"""Files that leave the store encrypted for their readers (age, issue 28 item 2): export,
report and backup sealed for a recipient or with a passphrase, in memory (no plain copy on
the disk); import reads them back; bad keys, passphrases and files are one line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers import SAMPLE, Cli, at_a_terminal

try:
    import pyrage
except ImportError:  # each test skips, saying so (a failure where nothing may skip)
    pyrage = None


@pytest.fixture(autouse=True)
def age_installed() -> None:
    if pyrage is None:
        pytest.skip("age (pyrage) not installed: pip install -e '.[test]' installs it")


IN_CLEAR = (b"Belsat", b"Viasna", b"Raids and detentions")


@pytest.fixture
def reader(tmp_path) -> tuple[str, Path, object]:
    """A reader's age key pair: the public key, the identity file, the identity."""
    identity = pyrage.x25519.Identity.generate()
    file = tmp_path / "reader.key"
    file.write_text(f"# a reader's key\n{identity}\n")
    return str(identity.to_public()), file, identity


def opened(path: Path, identity) -> bytes:
    return bytes(pyrage.decrypt(path.read_bytes(), [identity]))


def test_export_report_and_backup_are_sealed_for_a_reader(sample, tmp_path, reader, backend):
    public, _, identity = reader
    plain = json.loads(sample("export").stdout)
    for fmt in ("json", "ndjson", "csv"):
        out = tmp_path / f"e.{fmt}.age"
        said = sample("export", "--format", fmt, "--encrypt-to", public, "--out", out).stderr
        assert said == f"Exported 2 incidents to {out}.\n"
        data = out.read_bytes()
        assert data.startswith(b"age-encryption.org/v1\n")
        assert not [n for n in IN_CLEAR if n in data]
        if fmt == "json":  # a document says when it was exported
            assert json.loads(opened(out, identity))["incidents"] == plain["incidents"]
        else:
            assert opened(out, identity) == sample("export", "--format", fmt).stdout_bytes
    page = tmp_path / "r.html.age"
    sample("report", "--month", "2021-07", "--encrypt-to", public, "--out", page)
    assert b"<html" in opened(page, identity) and b"<html" not in page.read_bytes()
    if backend == "postgresql":
        return
    copy = tmp_path / "b.db.age"
    sample("backup", copy, "--encrypt-to", public)
    restored = tmp_path / "restored.db"
    restored.write_bytes(opened(copy, identity))
    assert restored.read_bytes().startswith(b"SQLite format 3") == (backend == "sqlite")
    assert [i["id"] for i in sample.json("--db", restored, "list")] == [
        i["id"] for i in sample.json("list")
    ]
    piped = sample("backup", "-", "--encrypt-to", public).stdout_bytes
    assert bytes(pyrage.decrypt(piped, [identity])).startswith(restored.read_bytes()[:16])
    assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []


def test_import_reads_a_sealed_export_with_the_readers_key(cli, tmp_path, reader):
    public, key, _ = reader
    origin = Cli(env={"PRESSFREE_DB": str(tmp_path / "origin.db")})
    origin("import", SAMPLE)
    sealed = tmp_path / "belarus.json.age"
    origin("export", "--encrypt-to", public, "--out", sealed)
    missing = cli.invoke("import", sealed)
    assert (missing.exit_code, missing.stderr) == (
        1,
        f"Error: file: '{sealed}' is encrypted (age): give --identity FILE, or its passphrase "
        "(PRESSFREE_FILE_PASSPHRASE, or run on a terminal)\n",
    )
    other = tmp_path / "other.key"
    other.write_text(f"{pyrage.x25519.Identity.generate()}\n")
    assert cli.invoke("import", sealed, "--identity", other).stderr == (
        f"Error: file: '{sealed}' is encrypted, and --identity does not open it\n"
    )
    bad = tmp_path / "bad.key"
    bad.write_text("AGE-SECRET-KEY-1NOTAKEY\n")
    assert cli.invoke("import", sealed, "--identity", bad).stderr.startswith(
        f"Error: --identity: '{bad}' holds no usable age or SSH secret key ("
    )
    cut = tmp_path / "cut.json.age"
    cut.write_bytes(sealed.read_bytes()[:200])
    assert cli.invoke("import", cut, "--identity", key).stderr.startswith(
        f"Error: file: '{cut}' is encrypted, and damaged or incomplete ("
    )
    assert cli.json("list") == []  # nothing of any of these was imported
    said = cli("import", sealed, "--identity", key).stderr
    assert said == "Imported 2 incidents, 2 tallies, 0 custody periods, 1 designation.\n"
    assert [i["id"] for i in cli.json("list")] == [i["id"] for i in origin.json("list")]
    rows = tmp_path / "rows.csv.age"
    origin("export", "--format", "csv", "--encrypt-to", public, "--out", rows)
    refused = cli.invoke("import", rows, "--identity", key, "--skip-invalid")
    assert refused.stderr == (
        "Error: --skip-invalid: it would write the rejected rows of an encrypted file in clear "
        "beside it: name where they go (--rejected FILE), or fix the rows\n"
    )
    assert not (tmp_path / "rows.csv.rejected.csv").exists()
    assert cli("import", rows, "--identity", key, "--again").exit_code == 0


def test_a_file_sealed_with_a_passphrase(sample, cli, tmp_path, monkeypatch):
    out = tmp_path / "e.json.age"
    refused = sample.invoke("export", "--encrypt-passphrase", "--out", out)
    assert (refused.exit_code, refused.stderr) == (
        2,
        "Error: --encrypt-passphrase: no passphrase given: set PRESSFREE_FILE_PASSPHRASE, or "
        "run on a terminal\n",
    )
    assert not out.exists()
    both = sample.invoke("export", "--encrypt-passphrase", "--encrypt-to", "age1x", "--out", out)
    assert (both.exit_code, not out.exists()) == (2, True)
    monkeypatch.setenv("PRESSFREE_FILE_PASSPHRASE", "correct horse")
    sample("export", "--encrypt-passphrase", "--out", out)
    assert bytes(pyrage.passphrase.decrypt(out.read_bytes(), "correct horse")).startswith(b"{")
    monkeypatch.setenv("PRESSFREE_FILE_PASSPHRASE", "wrong horse")
    assert cli.invoke("import", out).stderr == (
        f"Error: file: '{out}' is encrypted, and the passphrase does not open it\n"
    )
    monkeypatch.setenv("PRESSFREE_FILE_PASSPHRASE", "correct horse")
    assert cli("import", out).exit_code == 0 and len(cli.json("list")) == 2


@pytest.mark.parametrize(
    "given, reason",
    [
        ("bogus", "is not an age public key (age1...) or an SSH public key"),
        ("age1qqqq", "is not a usable public key ("),
        ("ssh-ed25519 AAAA", "is not a usable public key ("),
    ],
)
def test_a_recipient_that_is_no_public_key_is_one_line(pressfree, tmp_path, given, reason):
    db = tmp_path / "x.db"
    pressfree("--db", db, "import", SAMPLE)
    out = tmp_path / "e.json"
    refused = pressfree.invoke("--db", db, "export", "--encrypt-to", given, "--out", out)
    assert refused.exit_code == 2 and not out.exists()
    assert refused.stderr.startswith(f"Error: --encrypt-to: {given!r} {reason}")
    assert refused.stderr.count("\n") == 1


def test_a_sealed_file_is_never_shown_on_a_terminal(tmp_path, reader):
    public, _, _ = reader
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PRESSFREE_DB"] = str(tmp_path / "x.db")
    Cli(env={"PRESSFREE_DB": env["PRESSFREE_DB"]})("import", SAMPLE)
    code, shown = at_a_terminal(["export", "--encrypt-to", public], [], env)
    assert (code, shown.splitlines()[-1]) == (
        2,
        "Error: --out: '-' is a terminal: an encrypted file is not shown; name a file",
    )
    out = tmp_path / "e.json.age"
    code, shown = at_a_terminal(
        ["export", "--encrypt-passphrase", "--out", str(out)], ["a file passphrase"] * 2, env
    )
    assert code == 0 and "a file passphrase" not in shown, shown
    assert "Passphrase for the file:" in shown and "Repeat for confirmation:" in shown
    assert bytes(pyrage.passphrase.decrypt(out.read_bytes(), "a file passphrase"))[:1] == b"{"


def test_copy_reads_a_sealed_backup_and_leaves_nothing_in_clear(
    pressfree, tmp_path, reader, monkeypatch
):
    """A plain database's sealed backup is opened in memory; an encrypted one's beside it,
    encrypted, and removed after; the sealed file is what every message names."""
    public, key, _ = reader
    for encrypted in (False, True):
        folder = tmp_path / ("encrypted" if encrypted else "plain")
        folder.mkdir()
        origin, target = folder / "origin.db", folder / "target.db"
        if encrypted:
            monkeypatch.setenv("PRESSFREE_PASSPHRASE", "database passphrase")
        pressfree("--db", origin, "import", SAMPLE)
        sealed = folder / "origin.db.age"
        pressfree("--db", origin, "backup", sealed, "--encrypt-to", public)
        monkeypatch.delenv("PRESSFREE_PASSPHRASE", raising=False)
        pressfree("--db", target, "init")
        before = sorted(p.name for p in folder.iterdir())
        if encrypted:
            missing = pressfree.invoke("--db", target, "copy", "--from", sealed, "--identity", key)
            assert missing.stderr == (
                f"Error: --from: '{sealed}' is encrypted: give its passphrase "
                "(PRESSFREE_PASSPHRASE, --passphrase-file, or run on a terminal)\n"
            )
            monkeypatch.setenv("PRESSFREE_PASSPHRASE", "database passphrase")
        said = pressfree("--db", target, "copy", "--from", sealed, "--identity", key).stderr
        assert said.splitlines()[-1].startswith(f"Copied from {sealed} to {target}: 2 incidents")
        monkeypatch.delenv("PRESSFREE_PASSPHRASE", raising=False)
        assert sorted(p.name for p in folder.iterdir()) == before  # no partial left
        assert len(pressfree.json("--db", target, "list")) == 2
    export = tmp_path / "e.json.age"
    pressfree("--db", tmp_path / "plain" / "origin.db", "export", "--encrypt-to", public,
              "--out", export)  # fmt: skip
    assert (
        pressfree.invoke(
            "--db", tmp_path / "plain" / "target.db", "copy", "--from", export, "--identity", key
        ).stderr
        == f"Error: file: '{export}' is encrypted, but holds no pressfree database\n"
    )


def test_a_file_that_is_not_age_or_a_cut_backup_is_one_line(pressfree, tmp_path, reader):
    public, key, _ = reader
    db = tmp_path / "x.db"
    pressfree("--db", db, "import", SAMPLE)
    junk = tmp_path / "junk.json.age"
    junk.write_bytes(bytes(range(256)) * 4)  # not age: read as the JSON its name says
    refused = pressfree.invoke("--db", db, "import", junk, "--identity", key)
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1
    assert refused.stderr.startswith(f"Error: file: '{junk}' is not UTF-8 text")
    sealed = tmp_path / "x.db.age"
    pressfree("--db", db, "backup", sealed, "--encrypt-to", public)
    cut = tmp_path / "cut.db.age"
    cut.write_bytes(sealed.read_bytes()[: len(sealed.read_bytes()) // 2])
    target = tmp_path / "target.db"
    pressfree("--db", target, "init")
    refused = pressfree.invoke("--db", target, "copy", "--from", cut, "--identity", key)
    assert refused.exit_code == 2
    assert refused.stderr.startswith(
        f"Error: file: '{cut}' is encrypted, and damaged or incomplete"
    )
    assert pressfree.json("--db", target, "list") == []
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_copy_writes_a_sealed_copy_of_any_backend_in_memory(sample, tmp_path, reader, backend):
    """copy --to FILE --encrypt-to: the copy is made in memory and written sealed (a team's
    server database carried on a laptop); no file in clear appears on the way, and copy
    --from reads it back whole."""
    public, key, identity = reader
    out = tmp_path / "carried" / "team.db.age"
    out.parent.mkdir()
    said = sample("copy", "--to", out, "--encrypt-to", public).stderr
    assert f" to {out}: 2 incidents, 2 tallies" in said.splitlines()[-1]
    assert sorted(p.name for p in out.parent.iterdir()) == ["team.db.age"]
    data = out.read_bytes()
    assert data.startswith(b"age-encryption.org/v1\n")
    assert not [n for n in IN_CLEAR if n in data]
    assert opened(out, identity).startswith(b"SQLite format 3\x00")  # a plain file, sealed
    back = tmp_path / "back.db"
    sample("--db", back, "copy", "--from", out, "--identity", key)
    assert sample.json("--db", back, "list") == sample.json("list")
    assert sample.json("--db", back, "designations") == sample.json("designations")
    again = sample.invoke("copy", "--to", out, "--encrypt-to", public)
    assert again.exit_code == 2 and again.stderr.startswith(
        f"Error: --to: '{out}' exists: an encrypted copy is written whole as a new file"
    )
    assert out.read_bytes() == data  # not replaced


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (
            ["--to", "postgresql+psycopg://host/team"],
            "Error: --to: 'postgresql+psycopg://host/team' is a database URL: an encrypted "
            "copy is a file (name one)\n",
        ),
        (
            ["--from", "other.db"],
            "Error: copy: --encrypt-to and --encrypt-passphrase go with --to FILE (--from "
            "reads an encrypted file as it is)\n",
        ),
    ],
)
def test_a_sealed_copy_names_a_file_to_write(pressfree, tmp_path, reader, given, said):
    refused = pressfree.invoke("--db", tmp_path / "x.db", "copy", *given, "--encrypt-to", reader[0])
    assert (refused.exit_code, refused.stderr) == (2, said)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reader.key"]


def test_a_dry_run_of_a_sealed_copy_writes_nothing(sample, tmp_path, monkeypatch):
    monkeypatch.setenv("PRESSFREE_FILE_PASSPHRASE", "a file passphrase")
    out = tmp_path / "c.db.age"
    said = sample("copy", "--to", out, "--encrypt-passphrase", "--dry-run").stderr
    assert said.splitlines()[-1].startswith("Would copy from ")
    assert f" to {out}: 2 incidents" in said
    assert not out.exists()
    sample("copy", "--to", out, "--encrypt-passphrase")
    restored = bytes(pyrage.passphrase.decrypt(out.read_bytes(), "a file passphrase"))
    assert restored.startswith(b"SQLite format 3\x00")
