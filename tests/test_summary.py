"""The summary, checked number by number against a dataset worked out by hand.

Incidents (BY unless noted), with the periods they count in:
 1  2021-07-05            raid+detention  Minsk   journalist A, outlet Nasha Niva   July
 2  2021-07-10            raid            Minsk   outlet Nasha Niva                 July
 3  2021-07-20            assault         Hrodna  journalist B                      July
 4  2021-07 (month)       detention               journalist C                      July
 5  2021 (year)           blocking                outlet Belsat      less precise for July
 6  2021-07-30..08-02     raid                    (across a month)   less precise for July
 7  2021-06-15            raid            Minsk                                     June
 8  2021-06-20            detention+arrest  RU Moscow  journalist D                 June
 9  2021-08-03            raid                                                      August
10  2020-12-31..2021-01-02 threat                 (across a year)    less precise for 2021
11  2021-07-26..07-30     designation (Belsat, extremist-formation, via designate)  July
A is released on 2021-07-25; C (from July) and D (from 20 June, RU) are still held.
"""

import re

import pytest

from helpers import corpus


def _build_worked(cli):
    def add(*args):
        cli("add", *args, "--publisher", "BAJ")

    add(
        "raid",
        "detention",
        "--date",
        "2021-07-05",
        "--country",
        "BY",
        "--city",
        "Minsk",
        "--journalist",
        "A",
        "--outlet",
        "Nasha Niva",
    )
    add(
        "raid",
        "--date",
        "2021-07-10",
        "--country",
        "BY",
        "--city",
        "Minsk",
        "--outlet",
        "Nasha Niva",
    )
    add(
        "assault",
        "--date",
        "2021-07-20",
        "--country",
        "BY",
        "--city",
        "Hrodna",
        "--journalist",
        "B",
    )
    add("detention", "--date", "2021-07", "--country", "BY", "--journalist", "C")
    add("blocking", "--date", "2021", "--country", "BY", "--outlet", "Belsat")
    add("raid", "--date", "2021-07-30..2021-08-02", "--country", "BY")
    add("raid", "--date", "2021-06-15", "--country", "BY", "--city", "Minsk")
    add(
        "detention",
        "arrest",
        "--date",
        "2021-06-20",
        "--country",
        "RU",
        "--city",
        "Moscow",
        "--journalist",
        "D",
    )
    add("raid", "--date", "2021-08-03", "--country", "BY")
    add("threat", "--date", "2020-12-31..2021-01-02", "--country", "BY")
    cli(
        "designate",
        "Belsat",
        "--label",
        "extremist-formation",
        "--by",
        "KGB",
        "--date",
        "2021-07-26..2021-07-30",
        "--country",
        "BY",
    )
    cli("release", "A", "--date", "2021-07-25")
    cli(
        "tally",
        "add",
        "raid",
        ">200",
        "--period",
        "2021-07",
        "--country",
        "BY",
        "--publisher",
        "Viasna",
    )
    cli(
        "tally",
        "add",
        "journalists-in-custody",
        "28",
        "--as-of",
        "2021-07-30",
        "--country",
        "BY",
        "--publisher",
        "BAJ",
    )


# The worked dataset, built once for the module on each backend; its tests only read it.
worked = corpus(_build_worked)


def test_july(worked):
    s = worked.json("summary", "--month", "2021-07")
    assert (s["period"], s["previous_period"]) == ("2021-07", "2021-06")
    assert s["total_incidents"] == 5 and s["previous_total"] == 2
    assert s["by_kind"] == {"raid": 2, "detention": 2, "assault": 1, "designation": 1}
    assert s["previous_by_kind"] == {"raid": 1, "detention": 1, "arrest": 1}
    assert [(k["kind"], k["count"], k["previous"], k["change"]) for k in s["kinds"]] == [
        ("detention", 2, 1, 1),
        ("raid", 2, 1, 1),
        ("assault", 1, 0, 1),
        ("designation", 1, 0, 1),
        ("arrest", 0, 1, -1),
    ]
    assert s["imprecise"] == {"count": 2, "by_precision": {"range": 1, "year": 1}}
    assert [t["text"] for t in s["tallies"]] == [
        "raid in 2021-07: Viasna reports more than 200; 2 itemised here",
        "journalists in custody as of 2021-07-30: BAJ reports 28; 1 itemised here",
    ]
    assert [t["gap"] for t in s["tallies"]] == [198, 27]
    assert s["in_custody"] == {
        "as_of": "2021-07-31",
        "itemised": 2,
        "reported": [
            {
                "publisher": "BAJ",
                "figure": "28",
                "value": 28,
                "qualifier": "exact",
                "as_of": "2021-07-30",
                "country": "BY",
            }
        ],
    }
    assert [(d["target"], d["label"]) for d in s["designations"]] == [
        ("Belsat", "extremist-formation")
    ]
    assert s["top_outlets"] == [
        {"name": "Nasha Niva", "incidents": 2},
        {"name": "Belsat", "incidents": 1},
    ]
    assert s["top_journalists"] == [{"name": n, "incidents": 1} for n in "ABC"]
    assert s["by_country"] == [{"country": "BY", "name": "Belarus", "incidents": 5}]
    assert s["by_city"] == [
        {"city": "Minsk", "country": "BY", "incidents": 2},
        {"city": "Hrodna", "country": "BY", "incidents": 1},
    ]
    assert s["monthly"] == []


def test_june_and_august_never_double_count_the_range(worked):
    june = worked.json("summary", "--month", "2021-06")
    assert june["total_incidents"] == 2
    assert june["by_country"] == [
        {"country": "BY", "name": "Belarus", "incidents": 1},
        {"country": "RU", "name": "Russian Federation", "incidents": 1},
    ]
    assert june["imprecise"] == {"count": 1, "by_precision": {"year": 1}}
    august = worked.json("summary", "--month", "2021-08")
    assert august["total_incidents"] == 1 and august["by_kind"] == {"raid": 1}
    assert august["imprecise"] == {"count": 2, "by_precision": {"range": 1, "year": 1}}
    assert august["in_custody"]["itemised"] == 2


def test_country_filter(worked):
    s = worked.json("summary", "--month", "2021-07", "--country", "BY")
    assert s["total_incidents"] == 5 and s["previous_total"] == 1
    assert s["previous_by_kind"] == {"raid": 1}
    assert s["in_custody"]["itemised"] == 1  # C; D is held in Russia
    russia = worked.json("summary", "--month", "2021-06", "--country", "RU")
    assert russia["by_kind"] == {"detention": 1, "arrest": 1}
    assert russia["in_custody"]["reported"] == []


def test_year(worked):
    s = worked.json("summary", "--year", "2021")
    assert s["total_incidents"] == 10 and s["previous_total"] == 0
    assert s["by_kind"] == {
        "raid": 5,
        "detention": 3,
        "arrest": 1,
        "assault": 1,
        "blocking": 1,
        "designation": 1,
    }
    assert s["imprecise"] == {"count": 1, "by_precision": {"range": 1}}
    months = {m["month"]: m for m in s["monthly"]}
    assert len(months) == 12
    assert months["2021-06"] == {
        "month": "2021-06",
        "total": 2,
        "by_kind": {"raid": 1, "detention": 1, "arrest": 1},
    }
    assert months["2021-07"]["total"] == 5
    assert months["2021-07"]["by_kind"] == {
        "raid": 2,
        "detention": 2,
        "assault": 1,
        "designation": 1,
    }
    assert months["2021-08"] == {"month": "2021-08", "total": 1, "by_kind": {"raid": 1}}
    assert sum(m["total"] for m in s["monthly"]) == 8
    assert s["not_in_a_month"] == 2  # the year-dated blocking and the July-August range
    table = worked("summary", "--year", "2021").stdout
    assert "Jul 2021 " + "█" * 40 + " 5" in table
    assert "Aug 2021 " + "█" * 8 + " " * 32 + " 1" in table
    assert "2 incidents of 2021 are dated to the year or across months" in table


def test_previous_year_sees_the_range_across_new_year_as_imprecise(worked):
    s = worked.json("summary", "--year", "2020")
    assert s["total_incidents"] == 0
    assert s["imprecise"] == {"count": 1, "by_precision": {"range": 1}}


def test_an_empty_period(worked):
    s = worked.json("summary", "--month", "2019-03")
    assert (s["total_incidents"], s["previous_total"], s["by_kind"]) == (0, 0, {})
    assert s["imprecise"] == {"count": 0, "by_precision": {}}
    assert s["tallies"] == [] and s["designations"] == [] and s["top_outlets"] == []
    assert s["in_custody"]["itemised"] == 0
    table = worked("summary", "--month", "2019-03").stdout
    assert "total (distinct incidents)" in table and "Dated less precisely: none." in table


def test_table_markdown_and_csv(worked):
    table = worked("summary", "--month", "2021-07").stdout
    assert "Press-freedom incidents, July 2021" in table
    assert (
        "An incident with several kinds counts under each kind; the total counts it "
        "once." in " ".join(table.split())
    )
    assert (
        "Dated less precisely: 2 more incidents overlap July 2021 without lying wholly "
        "inside it (1 as a range, 1 dated to a year)"
    ) in " ".join(table.split())
    markdown = worked("summary", "--month", "2021-07", "--format", "markdown").stdout
    assert markdown.startswith(
        "# Press-freedom incidents, July 2021\n\n5 incidents (2 in June 2021).\n"
    )
    assert "| Raid | 2 | 1 | +1 | 1 |" in markdown
    assert "| total (distinct incidents) | 5 | 2 | +3 | 3 |" in markdown
    assert "- Raid in July 2021: Viasna reports more than 200; 2 itemised here" in markdown
    csv = worked("summary", "--month", "2021-07", "--format", "csv").stdout.splitlines()
    assert csv[0] == "kind,count,previous,change,journalists"
    assert csv[1:3] == ["detention,2,1,+1,2", "raid,2,1,+1,1"]
    assert csv[-1] == "total (distinct incidents),5,2,+3,3"


def test_summary_needs_a_period_and_a_real_one(cli):
    result = cli("summary", code=2)
    assert result.stderr == ("Error: period: '' is required: give --month, --year or --from/--to\n")
    result = cli("summary", "--month", "2021-13", code=2)
    assert result.stderr == "Error: --month: '2021-13' is not a real date\n"


def test_the_sample_summary(sample):
    s = sample.json("summary", "--month", "2021-07", "--country", "BY")
    assert s["total_incidents"] == 2
    assert s["by_kind"] == {"raid": 1, "detention": 1, "designation": 1}
    assert [t["text"] for t in s["tallies"]] == [
        "raid in 2021-07: Viasna reports more than 200; 1 itemised here",
        "journalists in custody as of 2021-07-30: Belarusian Association of Journalists "
        "reports 28; 0 itemised here",
    ]


def test_chart_draws_a_png_and_an_svg(worked, tmp_path):
    pytest.importorskip("matplotlib")
    png, svg = tmp_path / "trend.png", tmp_path / "trend.svg"
    worked("chart", "--year", "2021", "--out", png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    worked("chart", "--year", "2021", "--out", svg)
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    import os
    import stat

    old = os.umask(0)
    try:  # charts hold what the database holds: private whatever the umask
        worked("chart", "--year", "2021", "--out", png)
    finally:
        os.umask(old)
    assert stat.S_IMODE(png.stat().st_mode) == stat.S_IMODE(svg.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if "trend" in p.name) == [
        "trend.png",
        "trend.svg",
    ]  # and no partial file left beside them
    result = worked("chart", "--year", "2021", "--out", tmp_path / "trend.gif", code=2)
    assert result.stderr == f"Error: --out: '{tmp_path / 'trend.gif'}' must end in .png or .svg\n"


def test_chart_without_matplotlib_says_how_to_install_it(worked, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = worked("chart", "--year", "2021", "--out", tmp_path / "t.png", code=1)
    assert result.stderr == (
        "Error: chart: matplotlib is not installed; install the charts "
        "extra with: pip install 'pressfree[charts]'\n"
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2021-07"], "--from/--to: '2021-07' a summary needs both ends of the period"),
        (["--to", "2021-07"], "--from/--to: '2021-07' a summary needs both ends of the period"),
        (
            ["--year", "0001"],
            "period: '0001' reaches too far back to compare with the period before it",
        ),
    ],
)
def test_summary_periods_it_cannot_compare(cli, args, message):
    cli("init")
    assert cli("summary", *args, code=2).stderr == f"Error: {message}\n"


def test_quarters_compare_with_the_quarter_before(cli):
    cli("add", "raid", "--date", "2021-03-31")
    cli("add", "raid", "--date", "2021-04-01")
    summary = cli.json("summary", "--from", "2021-07", "--to", "2021-09")
    assert summary["previous_period"] == "2021-04-01..2021-06-30"
    assert summary["previous_total"] == 1
    result = cli("summary", "--from", "1000", "--to", "2025", code=2)
    assert result.stderr == (
        "Error: period: '1000-01-01..2025-12-31' reaches too far back "
        "to compare with the period before it\n"
    )


def test_a_published_summary_can_hide_people_at_risk(cli):
    cli("add", "arrest", "--date", "2021-07-30", "--journalist", "Anna")
    cli("journalists", "set", "Anna", "--at-risk")
    pseudonym = cli.json("journalists")[0]["pseudonym"]
    markdown = cli("summary", "--month", "2021-07", "--format", "markdown", "--redact").stdout
    assert "Anna" not in markdown and f"| {pseudonym} | 1 |" in markdown
    assert "| Anna | 1 |" in cli("summary", "--month", "2021-07", "--format", "markdown").stdout


def test_the_chart_says_what_it_cannot_draw(cli, tmp_path):
    pytest.importorskip("matplotlib")
    cli("add", "killing", "--date", "2007")
    cli("add", "killing", "--date", "2007-03-02")
    result = cli("chart", "--year", "2007", "--out", tmp_path / "t.png")
    assert result.stderr.splitlines()[-1] == (
        "1 of 2 incidents of 2007 are dated to the year "
        "or across months, so in no month of the chart."
    )


def test_the_end_of_the_calendar_is_summarised(cli):
    cli("add", "raid", "--date", "9999-12-31")
    assert cli.json("summary", "--year", "9999")["total_incidents"] == 1
    assert cli.json("summary", "--month", "9999-12")["previous_period"] == "9999-11"


def test_the_chart_stacks_the_six_most_frequent_kinds_and_the_rest_together():
    from pressfree.publish.charts import stacks

    monthly = [
        {
            "month": "2019-01",
            "total": 9,
            "by_kind": {k: n for k, n in zip("abcdefgh", (8, 7, 6, 5, 4, 3, 2, 1))},
        },
        {"month": "2019-02", "total": 1, "by_kind": {"h": 1}},
    ]
    kinds, series = stacks(monthly)
    assert kinds == ["a", "b", "c", "d", "e", "f", "2 more kinds"]
    assert series[-1] == [3, 1] and series[0] == [8, 0]
    assert stacks(monthly[:1], top=7)[0] == list("abcdefgh")  # one more: no "1 more kinds"


def test_journalists_affected_beside_incidents(worked):
    """A, B and C are named in July (A in a raid and a detention: once in all); nobody
    unnamed."""
    s = worked.json("summary", "--month", "2021-07")
    assert s["journalists_affected"] == {
        "named": 3,
        "unnamed": 0,
        "by_kind": {
            "assault": {"named": 1, "unnamed": 0},
            "detention": {"named": 2, "unnamed": 0},
            "raid": {"named": 1, "unnamed": 0},
        },
    }
    assert {k["kind"]: k["journalists"] for k in s["kinds"]} == {
        "raid": 1,
        "detention": 2,
        "assault": 1,
        "designation": 0,
        "arrest": 0,  # a kind of June only
    }
    table = " ".join(worked("summary", "--month", "2021-07").stdout.split())
    assert "Journalists affected: 3 named (each once, whatever the kinds), and 0 mentioned" in table


def test_the_chart_speaks_the_readers_language(worked, tmp_path):
    """chart --lang: months named with their year, kinds by their names in the language,
    the distinct count a series of its own with its legend; no slug, no English word."""
    pytest.importorskip("matplotlib")
    svg = tmp_path / "trend.svg"
    worked("chart", "--year", "2021", "--out", svg, "--lang", "be")
    said = re.findall(r">([^<>]+)</text>", svg.read_text(encoding="utf-8"))
    words = " ".join(said)
    assert "сту" in said and "2021" in words and "ліп" in said  # January with its year
    assert "Ператрус" in said and "Затрыманне" in said  # short names, in Belarusian
    assert "розных інцыдэнтаў" in said
    assert "Парушэнні свабоды прэсы па месяцах, 2021" in said
    assert not re.search(r"\b(raid|detention|Month|Incidents|distinct)\b", words), words


def test_the_ten_named_most_often_tie_by_their_names_as_written_case_aside(cli):
    """Counts first, then names in code-point order of their case-folded form, then as
    written; placeholder names are nobody; unnamed mentions are counted apart, each time."""
    from pressfree.names import name_key

    once = ["zed", "Zoe", "Ärni", "émile", "Bo", "bob", "Ann", "Ольга", "olga", "Ян", "Al"]
    twice = ["Mia", "mark"]
    for n, name in enumerate(once + twice + twice):
        cli("add", "raid", "--date", f"2021-07-{n + 1:02d}", "--country", "BY", "-j", name)
    for day in ("2021-07-20", "2021-07-21"):
        cli(
            "add",
            "detention",
            "raid",
            "--date",
            day,
            "--country",
            "BY",
            "-j",
            "Ян",
            "-j",
            "Ahmad [full name unavailable]",
        )
    s = cli.json("summary", "--month", "2021-07")
    counts = dict.fromkeys(once, 1) | dict.fromkeys(twice, 2) | {"Ян": 3}
    expected = sorted(counts, key=lambda name: (-counts[name], name_key(name), name))[:10]
    assert [j["name"] for j in s["top_journalists"]] == expected
    assert expected[:4] == ["Ян", "mark", "Mia", "Al"]
    assert [j["incidents"] for j in s["top_journalists"]] == [counts[n] for n in expected]
    assert s["journalists_affected"] == {
        "named": 13,
        "unnamed": 2,
        "by_kind": {"detention": {"named": 1, "unnamed": 2}, "raid": {"named": 13, "unnamed": 2}},
    }
