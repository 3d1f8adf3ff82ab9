"""Evidence files (issue 30 item 6): kept inside the store by SHA-256, once however many
incidents have them; listed by `show`; written back privately; carried by exports, copies
and backups; checked by `check`; put back by restore and merge undo."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
import zipfile

import pytest

from helpers import SAMPLE, Cli

PDF = b"%PDF-1.4 court record of 30 July"
PHOTO = b"\xff\xd8\xff\xe0 raid photo"


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@pytest.fixture
def files(tmp_path):
    (tmp_path / "protocol.pdf").write_bytes(PDF)
    (tmp_path / "raid photo.jpg").write_bytes(PHOTO)
    return tmp_path


@pytest.fixture
def two(cli):
    """Two incidents of the sample, by id."""
    cli("import", SAMPLE)
    return [i["id"] for i in cli.json("list")]


def test_a_file_is_attached_listed_and_written_back_as_it_was(cli, two, files, sql):
    first, second = two
    said = cli("attach", first[:8], files / "protocol.pdf", "--note", "Court record").stderr
    assert said == (
        f"Attached protocol.pdf to incident {first[:8]} as number 1 ({len(PDF)} bytes, sha256 "
        f"{sha(PDF)}).\n"
    )
    cli("attach", first, files / "raid photo.jpg")
    cli("attach", second, files / "protocol.pdf")  # the same bytes: stored once
    assert sql("SELECT count(*) FROM evidence_file") == [(2,)]
    listed = cli.json("show", first)["attachments"]
    assert [{k: a[k] for k in ("number", "name", "sha256", "size", "media_type")}
            for a in listed] == [
        {"number": 1, "name": "protocol.pdf", "sha256": sha(PDF), "size": len(PDF),
         "media_type": "application/pdf"},
        {"number": 2, "name": "raid photo.jpg", "sha256": sha(PHOTO), "size": len(PHOTO),
         "media_type": "image/jpeg"},
    ]  # fmt: skip
    assert listed[0]["note"] == "Court record" and "note" not in listed[1]
    shown = cli("show", first).stdout
    assert f"1. protocol.pdf (application/pdf, 32 bytes, sha256 {sha(PDF)[:12]}…)" in shown
    assert "Court record" in shown
    out = files / "out" / "got.pdf"
    out.parent.mkdir()
    assert cli("attachments", "get", first, "1", "--out", out).stderr == (
        f"Wrote protocol.pdf to {out} ({len(PDF)} bytes).\n"
    )
    assert out.read_bytes() == PDF
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    refused = cli("attachments", "get", first, "2", "--out", out, code=2)
    assert refused.stderr == f"Error: --out: '{out}' exists already (--force replaces it)\n"
    assert out.read_bytes() == PDF
    cli("attachments", "get", first, "2", "--out", out, "--force")
    assert out.read_bytes() == PHOTO
    missing = cli("attachments", "get", first, "3", "--out", files / "x", code=1)
    assert missing.stderr == (
        f"Error: N: 3 is not an attachment of incident {first[:8]} (it has: 1, 2)\n"
    )
    assert [
        (h["verb"], [c["field"] for c in h["changes"]]) for h in cli.json("history", first)
    ] == [
        ("attach", ["attachments"]),
        ("attach", ["attachments"]),
    ]
    assert cli("check").stderr == "Everything derived matches the facts.\n"


def test_what_cannot_be_attached_is_refused_in_one_line_and_nothing_is_stored(cli, two, files, sql):
    first = two[0]
    cli("attach", first, files / "protocol.pdf")
    again = cli("attach", first, files / "protocol.pdf", code=1)
    assert again.stderr == (
        f"Error: FILE: 'protocol.pdf' is attached to incident {first[:8]} already (number 1)\n"
    )
    assert cli("attachments", "limit").stdout == "100 MB\n"
    assert cli("attachments", "limit", "20 bytes", code=2).stderr == (
        "Error: SIZE: '20 bytes' is not a size (write it as 250MB, 1.5GB or 800KB)\n"
    )
    assert cli("attachments", "limit", "2TB", code=2).stderr == (
        "Error: SIZE: '2TB' must be between 1 byte and 953.7 MB\n"
    )
    assert cli("attachments", "limit", "20").stderr == "attach now takes files of up to 20 bytes.\n"
    before = sql("SELECT count(*) FROM revision")
    over = cli("attach", two[1], files / "raid photo.jpg", "--note", "x" * 3)
    assert over.exit_code == 0  # 15 bytes: under
    too_big = cli("attach", two[1], files / "protocol.pdf", code=2)
    assert too_big.stderr == (
        f"Error: FILE: '{files / 'protocol.pdf'}' is over this database's limit of 20 bytes "
        "(`pressfree attachments limit SIZE` changes it)\n"
    )
    assert sql("SELECT count(*) FROM revision") == [(before[0][0] + 1,)]
    assert cli("attach", first, "-", input="from stdin", code=2).stderr == (
        "Error: --name: '' is needed when the file is read from standard input\n"
    )
    cli("attach", first, "-", "--name", "../../etc/notes\x1b.txt", input="from stdin")
    kept = cli.json("show", first)["attachments"][-1]
    assert kept["name"] == "notes\\x1b.txt" and kept["media_type"] == "text/plain"
    assert cli("attach", first, files, code=2).exit_code == 2  # a folder
    (files / "empty.txt").write_bytes(b"")
    assert cli("attach", first, files / "empty.txt", code=2).stderr == (
        "Error: FILE: 'empty.txt' is empty: there is nothing to keep\n"
    )
    assert cli("attachments", "get", first, "1", "--out", files, "--force", code=2).stderr == (
        f"Error: --out: '{files}' is a folder: name a file\n"
    )


def test_restore_and_undo_put_attachments_back_and_erase_takes_the_bytes(cli, two, files, sql):
    first, second = two
    cli("attach", first, files / "protocol.pdf")
    cli("attach", first, files / "raid photo.jpg")
    rev = cli.json("history", first)[-1]["rev"]
    said = cli("attachments", "remove", first, "2", "--yes").stderr
    assert said == (
        f"Removed attachment 2 (raid photo.jpg) of incident {first[:8]}: `pressfree restore "
        f"{first[:8]} --to REV` puts it back (see `pressfree history {first[:8]}`).\n"
    )
    assert [a["number"] for a in cli.json("show", first)["attachments"]] == [1]
    cli("restore", first, "--to", rev)
    assert [a["name"] for a in cli.json("show", first)["attachments"]] == [
        "protocol.pdf",
        "raid photo.jpg",
    ]
    cli("delete", first, "--yes")
    assert sql("SELECT count(*) FROM attachment") == [(0,)]
    cli("restore", first)
    assert [a["sha256"] for a in cli.json("show", first)["attachments"]] == [sha(PDF), sha(PHOTO)]
    # without a terminal to ask on, a remove needs --yes
    assert cli("attachments", "remove", first, "1", code=2).stderr == (
        "Error: --yes: '' is required to remove an attachment without a terminal\n"
    )
    # erased: the bytes go when no other incident has the file, and nothing brings them back
    cli("attach", second, files / "protocol.pdf")
    cli("attachments", "remove", first, "1", "--erase", "--yes")
    cli("attachments", "remove", first, "2", "--erase", "--yes")
    assert sql("SELECT sha256 FROM evidence_file") == [(sha(PDF),)]
    said = cli("restore", first, "--to", rev).stderr
    assert said == (
        "Warning: 1 attachment not put back: the file's bytes were erased "
        "(`attachments remove --erase`)\n"
    )
    assert [a["name"] for a in cli.json("show", first)["attachments"]] == ["protocol.pdf"]
    assert cli("check").stderr == "Everything derived matches the facts.\n"


def test_a_merge_moves_attachments_and_its_undo_puts_them_back(cli, two, files):
    keep, drop = two
    cli("attach", keep, files / "protocol.pdf")
    cli("attach", drop, files / "protocol.pdf")
    cli("attach", drop, files / "raid photo.jpg", "--note", "From the scene")
    cli("merge", "incident", keep, drop, input="y\n")
    moved = cli.json("show", keep)["attachments"]
    assert [(a["number"], a["name"], a.get("note")) for a in moved] == [
        (1, "protocol.pdf", None),
        (2, "raid photo.jpg", "From the scene"),
    ]
    rev = cli.json("history")[-1]["rev"]
    cli("merge", "undo", rev)
    assert [a["name"] for a in cli.json("show", keep)["attachments"]] == ["protocol.pdf"]
    assert [a["number"] for a in cli.json("show", drop)["attachments"]] == [1, 2]
    assert cli("check").stderr == "Everything derived matches the facts.\n"


def test_exports_carry_hashes_and_the_files_travel_to_another_database(cli, two, files, tmp_path):
    first = two[0]
    cli("attach", first, files / "protocol.pdf", "--note", "Court record")
    cli("attach", first, files / "raid photo.jpg")
    out, folder, archive = tmp_path / "all.json", tmp_path / "evidence", tmp_path / "ev.zip"
    said = cli("export", "--out", out, "--with-files", folder).stderr
    assert said == (
        f"Exported 2 incidents to {out}.\n"
        f"Wrote 2 evidence files ({len(PDF) + len(PHOTO)} bytes) to {folder}.\n"
    )
    assert sorted(p.name for p in folder.iterdir()) == [
        f"{first[:8]}-1-protocol.pdf",
        f"{first[:8]}-2-raid photo.jpg",
    ]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert (folder / f"{first[:8]}-1-protocol.pdf").read_bytes() == PDF
    cli("export", "--out", tmp_path / "again.json", "--with-files", archive)
    with zipfile.ZipFile(archive) as opened:
        assert opened.read(f"{first[:8]}-2-raid photo.jpg") == PHOTO
    exported = next(i for i in json.loads(out.read_text())["incidents"] if i["id"] == first)
    assert [a["sha256"] for a in exported["attachments"]] == [sha(PDF), sha(PHOTO)]
    csv_row = cli("export", "--format", "csv").stdout
    assert f"{sha(PDF)} protocol.pdf; {sha(PHOTO)} raid photo.jpg" in csv_row
    # refused before any work: a folder with files, a zip that exists, --redact
    for target, reason in (
        (folder, "holds files already: name a new or empty folder"),
        (archive, "exists already: name a new zip"),
    ):
        refused = cli("export", "--out", tmp_path / "n.json", "--with-files", target, code=2)
        assert refused.stderr == f"Error: --with-files: '{target}' {reason}\n"
    assert not (tmp_path / "n.json").exists()
    assert cli("export", "--redact", "--with-files", tmp_path / "r", code=2).stderr == (
        "Error: --with-files cannot go with --redact: a file's bytes are not redacted\n"
    )
    # another database takes the files from the folder or the zip, by their hashes
    for given in (folder, archive):
        other = Cli(env={"PRESSFREE_DB": str(tmp_path / f"{given.name}.db")})
        said = other("import", out, "--files", given).stderr
        assert said.endswith("1 designation, 2 evidence files.\n")
        assert other.json("show", first)["attachments"] == cli.json("show", first)["attachments"]
        assert other("check").exit_code == 0
    bare = Cli(env={"PRESSFREE_DB": str(tmp_path / "bare.db")})
    assert bare("import", out).stderr.endswith(
        "1 designation. 2 attachments left out: their files were not given "
        "(`export --with-files PATH`, then `import FILE --files PATH`).\n"
    )
    assert "attachments" not in bare.json("show", first)


def test_a_copy_and_a_backup_carry_the_files(cli, two, files, tmp_path):
    first = two[0]
    cli("attach", first, files / "protocol.pdf")
    copied = tmp_path / "copy.db"
    assert (
        "2 incidents, 2 tallies, 0 custody periods, 1 designation, 1 evidence file"
        in cli("copy", "--to", copied).stderr
    )
    other = Cli(env={"PRESSFREE_DB": str(copied)})
    other("attachments", "get", first, "1", "--out", tmp_path / "from-copy.pdf")
    assert (tmp_path / "from-copy.pdf").read_bytes() == PDF
    if not os.environ["PRESSFREE_DB"].startswith("postgresql"):  # pg_dump backs a server up
        cli("backup", tmp_path / "b.db")
        backed = Cli(env={"PRESSFREE_DB": str(tmp_path / "b.db")})
        backed("attachments", "get", first, "1", "--out", tmp_path / "from-backup.pdf")
        assert (tmp_path / "from-backup.pdf").read_bytes() == PDF


def test_check_finds_a_damaged_file_and_get_refuses_to_hand_it_out(cli, two, files, sql):
    first = two[0]
    cli("attach", first, files / "raid photo.jpg")
    sql("UPDATE evidence_file SET content = :c", c=b"tampered")
    found = cli("check", code=1)
    assert found.stdout == (
        f"evidence: file {sha(PHOTO)[:12]} ({first[:8]} #1 raid photo.jpg): its bytes no "
        "longer have this SHA-256\n"
    )
    got = cli("attachments", "get", first, "1", "--out", files / "x.jpg", code=1)
    assert got.stderr == (
        f"Error: N: attachment 1 of incident {first[:8]} (raid photo.jpg) is damaged: its "
        "bytes no longer have the SHA-256 they were stored under (`pressfree check`)\n"
    )
    assert not (files / "x.jpg").exists()
    assert cli("check", "--repair", code=1).stderr.endswith("1 difference found.\n")


@pytest.mark.parametrize(
    "files, attachment, error",
    [
        (
            [{"sha256": sha(PDF), "content": base64.b64encode(b"other").decode()}],
            None,
            f"files[0].sha256: '{sha(PDF)}' is not the SHA-256 of the file's content",
        ),
        ([{"sha256": sha(PDF), "content": "not base64!"}], None,
         "files[0].content: 'not base64!' is not base64"),
        ([], {"number": 1, "name": "a.pdf", "sha256": "abc"},
         "incidents[0].attachments[0].sha256: 'abc' is not a SHA-256 (64 hex digits)"),
        ([], {"number": 0, "name": "a.pdf", "sha256": sha(PDF)},
         "incidents[0].attachments[0].number: 0 must be a whole number from 1"),
        ([], {"number": 1, "name": "..", "sha256": sha(PDF)},
         "incidents[0].attachments[0].name: '..' is not a file name"),
        ([], {"number": 1, "name": "a.pdf", "sha256": sha(PDF), "attached_at": "noon"},
         "incidents[0].attachments[0].attached_at: 'noon' is not an ISO 8601 timestamp"),
    ],
)  # fmt: skip
def test_a_documents_files_and_attachments_are_checked(
    pressfree, tmp_path, files, attachment, error
):
    cli = Cli(env={"PRESSFREE_DB": str(tmp_path / "a.db")})
    cli("import", SAMPLE)
    data = json.loads(cli("export").stdout)
    data["files"] = files
    if attachment is not None:
        data["incidents"][0]["attachments"] = [attachment]
    doc = tmp_path / "doc.json"
    doc.write_text(json.dumps(data))
    fresh = Cli(env={"PRESSFREE_DB": str(tmp_path / "b.db")})
    assert fresh("import", doc, code=2).stderr == f"Error: {error}\n"
    assert "does not exist" in fresh("list", code=2).stderr  # nothing was written
