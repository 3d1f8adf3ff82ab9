"""A later complete snapshot of a tracker layered on an earlier one: the stored incidents it
no longer holds (withdrawn, or changed under a new id) are reported, and with --retire
withdrawn, so each year's total is the snapshot's own; undoing the import puts them back."""

import csv
from datetime import date, timedelta

import pytest

from helpers import DATASETS, FIXTURES, rejected_named

PFT_2020 = DATASETS / "pft_incidents_full_2020-03.csv"
YEARS = ("2017", "2018", "2019", "2020")


def _later(source, out, dropped=10, moved=7, renamed=11, added=5) -> int:
    """A later snapshot made from an earlier export as the tracker makes them: some rows
    withdrawn, some moved to another date under a new slug (the tracker's id follows the
    title), some with another city under the same slug, some new. Returns how many stored
    rows it no longer holds within the dates it covers (what the import should find)."""
    with open(source, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    later = []
    for n, row in enumerate(rows):
        row = dict(row)
        if n % dropped == 3:
            continue
        if n % moved == 2:
            row["date"] = (date.fromisoformat(row["date"][:10]) + timedelta(days=200)).isoformat()
            row["slug"] = row["slug"].rstrip("/") + "-revised/"
        if n % renamed == 5:
            row["city"] = f"{row['city']} (corrected)"
        later.append(row)
    for n in range(added):
        slug = f"https://pressfreedomtracker.us/all-incidents/new-{n}/"
        later.append(dict(rows[n * 13], date=f"2019-0{n + 1}-15", slug=slug))
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(later)
    kept = {r["slug"] for r in later}
    first, last = min(r["date"][:10] for r in later), max(r["date"][:10] for r in later)
    return sum(r["slug"] not in kept and first <= r["date"][:10] <= last for r in rows)


def _totals(cli, *db):
    return {y: cli.json(*db, "summary", "--year", y)["total_incidents"] for y in YEARS}


@pytest.mark.skipif(not PFT_2020.exists(), reason="shared/datasets is not beside this checkout")
def test_a_later_snapshot_retires_what_it_no_longer_holds(cli, tmp_path):
    later = tmp_path / "later.csv"
    gone = _later(PFT_2020, later)
    alone = tmp_path / "alone.db"
    cli("--db", alone, "import", later, "--preset", "pft", "--quiet")
    own = _totals(cli, "--db", alone)
    cli("import", PFT_2020, "--preset", "pft", "--quiet")
    before = _totals(cli)
    said = cli("import", later, "--preset", "pft", "--retire", "--quiet").stderr
    assert f"\n{gone} stored incidents of pft dated " in said
    assert said.rstrip().endswith("are not in this snapshot: withdrawn (`pressfree imports undo "
                                  "2` puts them back).")  # fmt: skip
    assert _totals(cli) == own != before
    withdrawn = cli.json("imports", "unmatched", "2")
    assert len(withdrawn) == gone and {i["status"] for i in withdrawn} == {"withdrawn"}
    assert {i["id"] for i in cli.json("list", "--status", "withdrawn")} == {
        i["id"] for i in withdrawn
    }
    assert cli("check").stdout == ""
    cli("imports", "undo", "2", "--yes")
    assert _totals(cli) == before
    assert cli.json("list", "--status", "withdrawn") == []


def test_a_snapshot_without_retire_only_says_what_it_lacks(cli, tmp_path):
    excerpt = FIXTURES / "pft_excerpt.csv"
    cli("import", excerpt, "--preset", "pft")
    later = tmp_path / "later.csv"
    gone = _later(excerpt, later, dropped=6, moved=1000, renamed=1000, added=0)
    said = cli("import", later, "--preset", "pft", "--snapshot").stderr
    assert f"\n{gone} stored incidents of pft dated " in said
    assert "`pressfree imports unmatched 2` lists them; --retire withdraws them." in said
    listed = cli.json("imports", "unmatched", "2")
    assert len(listed) == gone
    assert {i["status"] for i in listed} == {"reported"}
    said = cli("imports", "unmatched", "1", code=2).stderr
    assert said == (
        "Error: id: '1' was not imported as a snapshot (import --snapshot, or its preset's)\n"
    )
    # a dry run says it and writes nothing
    cli("imports", "undo", "2", "--yes")
    said = cli("import", later, "--preset", "pft", "--retire", "--dry-run").stderr
    assert "are not in this snapshot (--retire would withdraw them)." in said
    assert cli.json("list", "--status", "withdrawn") == []


def test_withdrawn_never_counts_and_cannot_be_counted(cli):
    cli("add", "raid", "--date", "2021-07-30", "--country", "BY", "--status", "withdrawn")
    assert cli.json("summary", "--month", "2021-07")["left_out"] == {"withdrawn": 1}
    said = cli("rule", "--count", "withdrawn", code=2).stderr
    assert said.startswith("Error: --count: 'withdrawn' never counts")
    said = cli("summary", "--month", "2021-07", "--status", "withdrawn", code=2).stderr
    assert said == (
        "Error: --status: 'withdrawn' never counts in what is published (`list --status "
        "withdrawn` shows those incidents)\n"
    )


def test_a_pressfree_export_is_no_snapshot_of_rows(cli, tmp_path):
    cli("add", "raid", "--date", "2021-07-30", "--country", "BY")
    exported = tmp_path / "all.json"
    cli("export", "--format", "json", "--out", exported)
    for option in ("--snapshot", "--retire"):
        said = cli("import", exported, option, code=2).stderr
        assert said == (
            f"Error: {option}: '' applies to rows of CSV, NDJSON or JSON arrays; a pressfree "
            "export imports whole\n"
        )


def test_a_snapshot_with_rejected_rows_retires_nothing_and_says_so(cli, tmp_path, backend):
    excerpt = FIXTURES / "pft_excerpt.csv"
    cli("import", excerpt, "--preset", "pft")
    with open(excerpt, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[4]["date"] = "2019-02-30"
    broken = tmp_path / "broken.csv"
    with open(broken, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    named = rejected_named(backend, broken)
    said = cli("import", broken, "--preset", "pft", "--retire", "--skip-invalid", *named).stderr
    assert (
        "Not compared as a snapshot with the stored incidents of pft: 1 rows were rejected, "
        "and what they stand for would look withdrawn (fix them and import again)."
    ) in said
    assert cli.json("list", "--status", "withdrawn") == []
