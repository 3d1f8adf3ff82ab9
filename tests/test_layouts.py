"""Other trackers' exports in every layout they published: recognised by their header,
imported on the first try; starting mappings; filters on what the source recorded."""

import csv
import re
import tomllib

import pytest

from helpers import DATASETS, FIXTURES, ROOT

LAYOUTS = FIXTURES / "layouts"
PFT = FIXTURES / "pft_excerpt.csv"


def _by_name(cli) -> dict:
    return {
        i["journalists"][0] if i["journalists"] else i["outlets"][0]: i for i in cli.json("list")
    }


def _rewrite(source, path, rename=None, keep=None, extra_rows=()):
    """A copy of a real excerpt in another layout: columns renamed or left out."""
    rename = rename or {}
    with open(source, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    columns = [c for c in rows[0] if keep is None or c in keep]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([rename.get(c, c) for c in columns])
        writer.writerows([[r[c] for c in columns] for r in rows])
        writer.writerows(extra_rows)
    return path


# --- every layout found, recognised without --preset ------------------------------------


@pytest.mark.parametrize(
    "name, preset, layout, rows",
    [
        ("cpj_datamanager.csv", "cpj", "datamanager", 12),
        ("cpj_kaggle_2016.csv", "cpj", "kaggle-2016", 7),
        ("cpj_database_2022.csv", "cpj", "database", 10),
        ("cpj_database_2018_combined.csv", "cpj", "database", 11),
        ("pft_export_2020.csv", "pft", "export-2020", 1),
        ("pft_excerpt.csv", "pft", "export-2019", 23),
    ],
)
def test_each_layout_is_recognised_and_imports_whole(cli, tmp_path, name, preset, layout, rows):
    path = LAYOUTS / name if (LAYOUTS / name).exists() else FIXTURES / name
    said = cli("import", path).stderr
    assert said.startswith(f"Recognised {name} as preset {preset}, layout {layout} (")
    many = "s" if rows != 1 else ""
    assert f"Imported {rows} incident{many} from {rows} row{many}" in said
    assert {i["dataset"] for i in cli.json("list")} == {preset}
    # the same file named with its preset reads the same layout
    again = cli(
        "--db", tmp_path / "other.db", "import", path, "--preset", preset, "--dry-run"
    ).stderr
    assert f"as {preset}, layout {layout} (" in again


def test_the_export_2019_header_is_recognised_even_without_rows(cli):
    said = cli("import", LAYOUTS / "pft_export_2019_header.csv").stderr
    assert "preset pft, layout export-2019" in said
    assert "Imported 0 incidents from 0 rows" in said


def test_cpj_report_download_values(cli):
    cli("import", LAYOUTS / "cpj_datamanager.csv")
    people = _by_name(cli)
    ward = people["Adam Ward"]
    assert (ward["date"], ward["country"], ward["city"]) == (
        "2015-08-26",
        "US",
        "Smith Mountain Lake, Virginia",
    )
    assert ward["external_id"] == "https://cpj.org/data/people/adam-ward/"
    assert ward["status"] == "confirmed" and ward["kinds"] == ["killing"]
    assert ward["tags"] == ["Dangerous Assignment", "Journalist"]
    # dates written as words keep the month or year they name, and the words
    hassan = people["Abdul Raheem Kour Hassan"]
    assert (hassan["date"], hassan["date_precision"]) == ("2013", "year")
    assert hassan["extra"]["startDisplay"] == "Unknown in 2013"
    assert people["Abdul Samad Rohani"]["date"] == "2008-06"
    assert people["Adel Sayegh"]["date"] == "2015-08"
    assert people["Abdel Karim al-Khaiwani"]["status"] == "reported"
    # CPJ's own country names: one mapped, one with no code kept as extra
    assert people["Abdoulaye Bakayoko"]["country"] == "CI"
    zorob = people["Adel Zorob"]
    assert zorob["country"] is None and zorob["outlets"] == []
    assert zorob["extra"]["country"] == "Israel and the Occupied Palestinian Territory"


def test_cpj_kaggle_values(cli):
    cli("import", LAYOUTS / "cpj_kaggle_2016.csv")
    people = {i["journalists"][0]: i for i in cli.json("list")}
    assert people["Jeroen Oerlemans"]["date"] == "2016-10-02"  # "October  2, 2016"
    rabah = people["Sami Jawdat Rabah"]  # "October 2015 - June 2016"
    assert (rabah["date"], rabah["date_precision"]) == ("2015-10-01..2016-06-30", "range")
    assert {i["status"] for i in people.values()} == {"confirmed"}
    assert people["Pavel Sheremet"]["country"] == "UA"
    assert people["Pavel Sheremet"]["extra"]["Tortured"].strip() == "No"


def test_cpj_imprisoned_rows_are_detentions_and_defaulted_cells_are_kept(cli, tmp_path):
    cli("import", LAYOUTS / "cpj_database_2018_combined.csv")
    kinds = sorted(i["kinds"][0] for i in cli.json("list"))
    assert kinds == ["detention"] * 10 + ["killing"]
    cli("--db", tmp_path / "x.db", "import", LAYOUTS / "cpj_database_2022.csv")
    worker = next(
        i
        for i in cli.json("--db", tmp_path / "x.db", "list")
        if i["journalists"] == ["Khaled Mohammad Nofan"]
    )
    # motiveConfirmed "N/A" became status reported by default: the cell is kept
    assert worker["status"] == "reported"
    assert worker["extra"]["motiveConfirmed"] == "N/A"
    shown = cli("--db", tmp_path / "x.db", "show", worker["id"]).stdout
    assert "motiveConfirmed: N/A" in shown


def test_pft_2020_export_names_people_without_their_outlet(cli):
    cli("import", LAYOUTS / "pft_export_2020.csv")
    [incident] = cli.json("list")
    assert incident["journalists"] == ["Katie Nielsen"]
    assert incident["region"] == "California" and incident["city"] == "Oakland"
    assert incident["kinds"] == ["arrest"]
    assert incident["external_id"].startswith("https://pressfreedomtracker.us/all-incidents/")


def test_pft_map_layout_and_abbreviated_states(cli, tmp_path):
    path = _rewrite(
        PFT,
        tmp_path / "map.csv",
        keep={"date", "city", "state", "categories", "tags"},
        rename={"state": "state"},
    )
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[0] += ["latitude", "longitude"]
    state = rows[0].index("state")
    for row in rows[1:]:
        row[state] = re.sub(r".*\(([A-Z]{2})\)$", r"\1", row[state])  # "California (CA)"
        row += ["", ""]
    rows[1][-2:] = ["37.7749", "-122.4194"]  # the one the map places
    assert sum(len(r[state]) == 2 for r in rows[1:]) > 10
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    said = cli("import", path).stderr
    assert "preset pft, layout map" in said and "Imported 23 incidents" in said
    regions = {i["region"] for i in cli.json("list")} - {None}
    assert "California" in regions and not any(len(r) == 2 for r in regions)
    placed = [(i["latitude"], i["longitude"]) for i in cli.json("list") if "latitude" in i]
    assert placed == [(37.7749, -122.4194)]
    rows[2][-2:] = ["37.7749", ""]  # half a point: the row is refused, nothing imported
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    said = cli("--db", tmp_path / "other.db", "import", path, code=1).stderr
    assert "row 3: latitude: 37.7749 needs a longitude too" in said


def test_cpj_spaced_heading_download(cli, tmp_path):
    path = _rewrite(
        LAYOUTS / "cpj_datamanager.csv",
        tmp_path / "download.csv",
        rename={
            "fullName": "Name",
            "status": "Status",
            "startDisplay": "Date",
            "country": "Country",
            "typeOfDeath": "Type of Death",
            "mtpage": "cpj.org URL",
            "motiveConfirmed": "Motive",
        },
        keep={
            "fullName",
            "status",
            "startDisplay",
            "country",
            "typeOfDeath",
            "mtpage",
            "motiveConfirmed",
        },
    )
    said = cli("import", path).stderr
    assert "preset cpj, layout download" in said and "Imported 12 incidents" in said
    ward = _by_name(cli)["Adam Ward"]
    assert ward["date"] == "2015-08-26" and ward["status"] == "confirmed"


def test_footnote_rows_are_skipped_by_the_preset_rule_and_refused_by_a_users_mapping(cli, tmp_path):
    path = _rewrite(
        LAYOUTS / "cpj_datamanager.csv",
        tmp_path / "notes.csv",
        extra_rows=[["1"] + [""] * 10, ["2"] + [""] * 10],
    )
    said = cli("import", path, "--dry-run").stderr
    assert "Would import 12 incidents from 14 rows" in said
    assert (
        "2 rows not incidents, skipped (row 14, 15: the mapping's skip_rows_without rule)" in said
    )
    mine = tmp_path / "mine.toml"
    mine.write_text(
        'name = "mine"\nloose_dates = true\n[columns]\n'
        'date = "startDisplay"\njournalists = "fullName"\n'
        '[defaults]\nkinds = "killing"\n',
        encoding="utf-8",
    )
    said = cli("import", path, "--mapping", mine, code=1).stderr
    assert "row 14: startDisplay: '' is empty: every incident needs a date" in said
    assert "2 of 14 rows are invalid; nothing was imported" in said
    assert cli.json("list") == []


# --- what happens when nothing fits ---------------------------------------------------


def test_an_unknown_header_says_which_columns_and_the_next_step(cli, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("When,What\n2021-07-30,raid\n", encoding="utf-8")
    result = cli("import", path, code=1)
    assert result.stderr == (
        "Error: import: the columns of odd.csv are not a layout any preset knows (it has: "
        "When, What). Write a mapping for it: pressfree mapping init odd.csv > mine.toml, "
        "edit it, then import with --mapping mine.toml\n"
    )


def test_a_preset_that_fits_no_layout_names_each_layouts_needs(cli, tmp_path, created):
    path = _rewrite(PFT, tmp_path / "cut.csv", keep={"title", "date", "city"})
    err = cli("import", path, "--preset", "pft", code=2).stderr
    assert err.startswith(
        "Error: --preset: 'pft' does not fit this file (layout export-2019 "
        "needs categories, targets; layout export-2020 needs categories, "
        "targeted_journalists; layout api needs url, categories; layout "
        "map needs categories, latitude, longitude; the file has: title, "
        "date, city): copy it (`pressfree mapping show pft > mine.toml`)"
    )
    assert err.endswith(
        "or set require_columns = false at its top level to read a file that lacks some of them\n"
    )
    assert len(err.splitlines()) == 1 and not created()


def test_a_preset_copy_with_require_columns_false_reads_the_best_layout(cli, tmp_path):
    path = _rewrite(PFT, tmp_path / "cut.csv", keep={"title", "date", "city", "categories"})
    mine = tmp_path / "mine.toml"
    mine.write_text(
        cli("mapping", "show", "pft").stdout.replace(
            'unknown_kinds = "error"', 'unknown_kinds = "error"\nrequire_columns = false'
        ),
        encoding="utf-8",
    )
    said = cli("import", path, "--mapping", mine).stderr
    assert "Imported 23 incidents" in said
    assert {i["dataset"] for i in cli.json("list")} == {"pft"}


def test_mapping_list_names_every_layout(cli):
    rows = cli.json("mapping", "list")
    assert {(r["preset"], r["layout"]) for r in rows} == {
        ("cpj", "database"),
        ("cpj", "datamanager"),
        ("cpj", "kaggle-2016"),
        ("cpj", "download"),
        ("pft", "export-2019"),
        ("pft", "export-2020"),
        ("pft", "api"),
        ("pft", "map"),
        ("pressfree", ""),
    }
    assert cli("mapping", "show", "nope", code=2).stderr.startswith(
        "Error: NAME: 'nope' is not a preset (known: cpj, pft, pressfree)"
    )


# --- mapping init -------------------------------------------------------------------


def test_mapping_init_guesses_a_mapping_that_imports(cli, tmp_path):
    sheet = tmp_path / "journal.csv"
    sheet.write_text(
        "Дата,Вид,Журналист,СМИ,Место,Страна,Описание,Примечание\n"
        "30.07.2021,Обыск; задержание,Ігар Лосік,Белсат,Минск,Belarus,Обыск дома,x\n"
        "01.08.2021,Задержание,Анна Иванова,,Гомель,Belarus,,\n",
        encoding="utf-8",
    )
    text = cli("mapping", "init", sheet).stdout
    data = tomllib.loads(text)
    assert data["columns"] == {
        "date": "Дата",
        "kinds": "Вид",
        "country": "Страна",
        "city": "Место",
        "journalists": "Журналист",
        "outlets": "СМИ",
        "summary": "Описание",
    }
    assert data["date_formats"] == ["%d.%m.%Y"] and data["country_names"] is True
    assert data["kinds"] == {"Обыск": "raid", "задержание": "detention"}
    assert data["split"] == {"kinds": ";"}
    assert '# Kept as extra fields: "Примечание"' in text
    mine = tmp_path / "mine.toml"
    mine.write_text(text, encoding="utf-8")
    cli("import", sheet, "--mapping", mine)
    losik = next(i for i in cli.json("list") if i["journalists"] == ["Ігар Лосік"])
    assert sorted(losik["kinds"]) == ["detention", "raid"] and losik["country"] == "BY"
    assert losik["date"] == "2021-07-30" and losik["extra"] == {"Примечание": "x"}


def test_mapping_init_finds_columns_by_their_values_and_quotes_odd_names(cli, tmp_path):
    sheet = tmp_path / "odd.csv"
    sheet.write_text(
        '"when ""exactly""",where,k\nJune 7 or 8 2008,Belarus,raid\n2021-07-30,Ukraine,raid\n',
        encoding="utf-8",
    )
    data = tomllib.loads(cli("mapping", "init", sheet).stdout)
    assert data["columns"]["date"] == 'when "exactly"'
    assert data["columns"]["country"] == "where"
    assert data["loose_dates"] is True
    assert "kinds" not in data["columns"] and data["defaults"] == {"kinds": "other"}


def test_mapping_init_reads_belarusian_and_russian_sheets_by_the_stores_names(cli, tmp_path):
    """Headers in Belarusian ("Тып", "Што адбылося") and Russian ("Тип") are columns; a
    kind written as the store names it in any language ("Адключэнне інтэрнэту", a user's
    own kind named in Belarusian) is that kind; the sheet then imports as it reads."""
    cli("kinds", "add", "internet-shutdown", "Internet shutdown")
    cli("kinds", "name", "internet-shutdown", "--lang", "be", "Адключэнне інтэрнэту")
    sheet = tmp_path / "be.csv"
    sheet.write_text(
        "Дата,Тып,Журналіст,Горад,Краіна,Што адбылося\n"
        "30.07.2021,ператрус,Ігар Лосік,Мінск,Беларусь,Ператрус дома\n"
        "31.07.2021,Адключэнне інтэрнэту,,Гомель,Беларусь,Сувязь адключана\n",
        encoding="utf-8",
    )
    data = tomllib.loads(cli("mapping", "init", sheet).stdout)
    assert data["columns"] == {
        "date": "Дата",
        "kinds": "Тып",
        "country": "Краіна",
        "city": "Горад",
        "journalists": "Журналіст",
        "summary": "Што адбылося",
    }
    assert data["kinds"] == {"ператрус": "raid", "Адключэнне інтэрнэту": "internet-shutdown"}
    mine = tmp_path / "be.toml"
    mine.write_text(cli("mapping", "init", sheet).stdout, encoding="utf-8")
    cli("import", sheet, "--mapping", mine)
    assert sorted((i["date"], i["kinds"][0]) for i in cli.json("list")) == [
        ("2021-07-30", "raid"),
        ("2021-07-31", "internet-shutdown"),
    ]
    russian = tmp_path / "ru.csv"
    russian.write_text("Дата,Тип\n30.07.2021,Обыск\n", encoding="utf-8")
    assert tomllib.loads(cli("mapping", "init", russian).stdout)["columns"]["kinds"] == "Тип"


def test_mapping_init_on_a_file_without_a_date_column_says_so_at_import(cli, tmp_path):
    sheet = tmp_path / "nodate.csv"
    sheet.write_text("Name,Outlet\nAnn,Belsat\n", encoding="utf-8")
    mine = tmp_path / "mine.toml"
    mine.write_text(cli("mapping", "init", sheet).stdout, encoding="utf-8")
    assert cli("import", sheet, "--mapping", mine, code=2).stderr == (
        f"Error: mapping {mine} [columns]: 'date' is required\n"
    )


# --- the docs' mapping examples --------------------------------------------------------


def test_every_toml_example_in_the_docs_is_a_mapping_that_parses(tmp_path):
    from pressfree.exchange import mapping

    text = (ROOT / "docs" / "importing.md").read_text(encoding="utf-8")
    examples = re.findall(r"```toml\n(.*?)```", text, re.S)
    assert examples and re.search(r"(?m)^# \w+ = ", examples[0])  # the first shows them
    for i, example in enumerate(examples):
        # each example as written, and with its commented-out settings switched on
        switched_on = re.sub(r"(?m)^# (\w+ = )", r"\1", example)
        for j, text in enumerate((example, switched_on)):
            path = tmp_path / f"example{i}-{j}.toml"
            path.write_text(text, encoding="utf-8")
            layouts = mapping.load(path)  # raises on anything a mapping would not understand
            assert all(m.columns.get("date") or m.defaults.get("date") for m in layouts)


# --- the shared datasets, recognised -----------------------------------------------------


@pytest.mark.skipif(
    not (DATASETS / "cpj_killed_1992-2020.csv").exists(),
    reason="shared/datasets is not beside this checkout",
)
def test_the_shared_datasets_import_without_a_preset(cli):
    said = cli("import", DATASETS / "pft_incidents_full_2020-03.csv").stderr
    assert "preset pft, layout export-2019" in said
    assert cli.json("summary", "--year", "2019")["by_kind"]["arrest"] == 9
    said = cli("import", DATASETS / "cpj_killed_1992-2020.csv").stderr
    assert "preset cpj, layout database" in said
    assert cli.json("summary", "--year", "2007", "--where", "dataset=cpj")["by_kind"] == {
        "killing": 112
    }
    media_workers = cli.json("list", "--where", "motiveConfirmed=N/A")
    assert len(media_workers) == 114 and {i["status"] for i in media_workers} == {"reported"}


# --- filtering on what the source recorded ------------------------------------------


def _month(cli, db):
    def add(*args):
        return cli("--db", db, "add", *args, "--country", "BY", "--force").stdout.strip()

    both = add(
        "raid",
        "detention",
        "--date",
        "2021-07-30",
        "--status",
        "confirmed",
        "--journalist",
        "Ann Lee",
        "--tag",
        "newsroom",
    )
    raid = add("raid", "--date", "2021-07-12", "--journalist", "Bob Roe")
    held = add(
        "detention",
        "--date",
        "2021-07-02",
        "--journalist",
        "Cy Doe",
        "--publisher",
        "Viasna",
        "--source",
        "https://spring96.org/x",
    )
    return both, raid, held


def test_summary_and_chart_take_the_filters_list_takes(cli, any_db, tmp_path):
    both, raid, held = _month(cli, any_db)
    summary = cli.json("--db", any_db, "summary", "--month", "2021-07", "--kind", "raid")
    # incidents with a raid, counted under each of their kinds
    assert summary["by_kind"] == {"raid": 2, "detention": 1}
    assert summary["total_incidents"] == 2 and summary["filters"] == ["kind raid"]
    confirmed = cli.json("--db", any_db, "summary", "--month", "2021-07", "--status", "confirmed")
    assert confirmed["total_incidents"] == 1 and confirmed["by_kind"] == {"raid": 1, "detention": 1}
    for option, value, total in (
        ("--journalist", "ann lee", 1),
        ("--tag", "newsroom", 1),
        ("--publisher", "Viasna", 1),
        ("--search", "Roe", 1),
        ("--outlet", "nobody", 0),
    ):
        found = cli.json("--db", any_db, "summary", "--month", "2021-07", option, value)
        listed = cli.json("--db", any_db, "list", "--month", "2021-07", option, value)
        assert found["total_incidents"] == len(listed) == total, option
    # custody is about people: not narrowed, and the summary says so
    table = cli("--db", any_db, "summary", "--month", "2021-07", "--status", "confirmed").stdout
    assert "Press-freedom incidents, July 2021 (status confirmed)" in table
    assert "(all journalists: the filters narrow incidents only)" in table
    assert (
        confirmed["in_custody"]
        == cli.json("--db", any_db, "summary", "--month", "2021-07")["in_custody"]
    )


def test_where_filters_on_extra_fields_everywhere(cli, any_db, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "date,kinds,city,Verified by,Count\n2021-07-01,raid,Minsk,BAJ,3\n"
        "2021-07-02,raid,Minsk,Viasna,4\n2021-07-03,detention,Hrodna,BAJ,5\n",
        encoding="utf-8",
    )
    cli("--db", any_db, "import", sheet)
    listed = cli.json("--db", any_db, "list", "--where", "Verified by=BAJ")
    assert sorted(i["date"] for i in listed) == ["2021-07-01", "2021-07-03"]
    assert (
        len(cli.json("--db", any_db, "list", "--where", "Verified by=BAJ", "--where", "city=Minsk"))
        == 1
    )
    assert len(cli.json("--db", any_db, "search", "Minsk", "--where", "extra.Count=4")) == 1
    summary = cli.json(
        "--db", any_db, "summary", "--month", "2021-07", "--where", "Verified by=BAJ"
    )
    assert summary["by_kind"] == {"raid": 1, "detention": 1}
    assert summary["filters"] == ["Verified by=BAJ"]
    exported = cli(
        "--db", any_db, "export", "--format", "ndjson", "--where", "Verified by=Viasna"
    ).stdout.splitlines()
    assert len(exported) == 1 and '"2021-07-02"' in exported[0]
    # a field nothing holds is said, not silently empty; a malformed option is refused
    result = cli("--db", any_db, "list", "--where", "Verifed by=BAJ")
    assert "No incidents match" in result.stdout + result.stderr
    assert "Warning: --where: no incident has a field 'Verifed by'" in result.stderr
    assert cli("--db", any_db, "summary", "--month", "2021-07", "--where", "x", code=2).stderr == (
        "Error: --where: 'x' must be FIELD=VALUE, such as motiveConfirmed=Confirmed\n"
    )


def test_chart_takes_the_filters(cli, tmp_path):
    pytest.importorskip("matplotlib")
    _month(cli, tmp_path / "c.db")
    out = tmp_path / "raids.svg"
    said = cli(
        "--db",
        tmp_path / "c.db",
        "chart",
        "--year",
        "2021",
        "--out",
        out,
        "--kind",
        "raid",
        "--status",
        "confirmed",
    ).stderr
    assert said.startswith(f"Wrote {out}.")
    assert "(kind Raid; status confirmed)" in out.read_text(encoding="utf-8")


def test_a_map_export_layered_on_a_full_export_adds_nothing_twice(cli, any_db, tmp_path):
    path = _rewrite(
        PFT, tmp_path / "later-map.csv", keep={"date", "city", "state", "categories", "tags"}
    )
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[0] += ["latitude", "longitude"]
    at = {name: i for i, name in enumerate(rows[0])}
    for row in rows[1:]:
        row[at["state"]] = re.sub(r".*\(([A-Z]{2})\)$", r"\1", row[at["state"]])
        row += ["0", "0"]
    new = dict(
        date="2020-03-21",
        city="Nowhere",
        state="TX",
        categories="Physical Attack",
        tags="",
        latitude="0",
        longitude="0",
    )
    rows.append([new[name] for name in rows[0]])
    rows[5][at["tags"]] = (rows[5][at["tags"]] + ", corrected").strip(", ")
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    cli("--db", any_db, "import", PFT)
    arrests = len(cli.json("--db", any_db, "list", "--kind", "arrest"))
    said = cli("--db", any_db, "import", path).stderr
    assert "layout map" in said
    assert said.endswith("Imported 1 incident from 24 rows; 22 already stored, 1 changed, 1 new.\n")
    assert "(tags)" in said
    assert len(cli.json("--db", any_db, "list")) == 24
    assert len(cli.json("--db", any_db, "list", "--kind", "arrest")) == arrests
    # --update adds the tag, and keeps what the fuller export said
    cli("--db", any_db, "import", path, "--again", "--update")
    tagged = cli.json("--db", any_db, "list", "--tag", "corrected")
    assert len(tagged) == 1 and tagged[0]["summary"] and tagged[0]["journalists"] is not None
    again = cli("--db", any_db, "import", PFT, "--again").stderr
    assert "Imported 0 incidents from 23 rows" in again


# --- sheets that look like a layout, odd cells, loose dates and countries ------------------


def test_a_generic_sheet_is_not_taken_for_a_trackers_export(cli, tmp_path, created):
    sheet = tmp_path / "generic.csv"
    sheet.write_text(
        "Date,Name,Country,Type,Outlet\n2021-07-30,Ihar Losik,Belarus,Arrest,RFE/RL\n",
        encoding="utf-8",
    )
    assert "are not a layout any preset knows" in cli("import", sheet, code=1).stderr
    both = tmp_path / "both.csv"
    both.write_text(
        "date,kinds,Name,Status,Date,Country,Type of Death\n"
        "2021-07-30,arrest,Ihar Losik,Killed,2021-07-30,Belarus,Murder\n",
        encoding="utf-8",
    )
    assert cli("import", both, code=2).stderr == (
        "Error: header: 'date, kinds, Name, Status, Date, Country, Type of Death' fits the "
        "layouts of more than one preset (cpj, pressfree): name one with --preset\n"
    )
    assert not created()
    said = cli("import", both, "--preset", "pressfree").stderr
    assert cli.json("list")[0]["kinds"] == ["arrest"] and "Imported 1" in said


@pytest.mark.skipif(
    not (DATASETS / "cpj_killed_1992-2020.csv").exists(),
    reason="shared/datasets is not beside this checkout",
)
def test_cpj_layouts_layered_match_by_people_across_date_precision(cli):
    cli("import", DATASETS / "cpj_killed_1992-2020.csv")
    killed_2018 = cli.json("summary", "--year", "2018", "--kind", "killing")["total_incidents"]
    said = cli("import", LAYOUTS / "cpj_datamanager.csv").stderr
    assert said.endswith(
        "Imported 2 incidents from 12 rows; 0 already stored, 10 changed, 2 new.\n"
    )
    assert [i["date"] for i in cli.json("list", "--journalist", "Abadullah Hananzai")] == ["2018"]
    assert (
        cli.json("summary", "--year", "2018", "--kind", "killing")["total_incidents"] == killed_2018
    )
    assert sorted(i["journalists"][0] for i in cli.json("list", "--year", "2023")) == [
        "Abdelhalim Awad",
        "Adel Zorob",
    ]  # killed after the earlier file was made


def test_people_matching_leaves_alone_what_two_rows_could_be(cli, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text(
        "year,fullName,country,status\n2018,Ann Lee,Belarus,Killed\n", encoding="utf-8"
    )
    later = tmp_path / "later.csv"
    later.write_text(
        'fullName,startDisplay,country,status\nAnn Lee,"May 1, 2018",Belarus,'
        'Killed\nAnn Lee,"June 1, 2018",Belarus,Killed\n',
        encoding="utf-8",
    )
    cli("import", first)
    assert "Imported 2 incidents from 2 rows" in cli("import", later).stderr


def test_where_reads_any_key_and_true_false_alike_on_both_backends(cli, any_db, tmp_path):
    rows = tmp_path / "types.json"
    rows.write_text(
        '[{"date": "2021-07-01", "kinds": "raid", "Примечание": "важно", '
        '"q\\"k": "quote", "flag": true, "n": 5, "s": "5"}, {"date": '
        '"2021-07-02", "kinds": "raid", "flag": false, "n": 6, "s": "true"}]',
        encoding="utf-8",
    )
    cli("--db", any_db, "import", rows)
    for where, dates in (
        ("Примечание=важно", ["2021-07-01"]),
        ('q"k=quote', ["2021-07-01"]),
        ("flag=true", ["2021-07-01"]),
        ("flag=false", ["2021-07-02"]),
        ("n=5", ["2021-07-01"]),
        ("s=5", ["2021-07-01"]),
        ("s=true", ["2021-07-02"]),
        ('a"=1', []),
    ):
        found = cli.json("--db", any_db, "list", "--where", where)
        assert [i["date"] for i in found] == dates, where


def test_json_cells_of_the_wrong_type_are_refused(cli, tmp_path):
    rows = tmp_path / "odd.json"
    rows.write_text(
        '[{"date": "2020-01-01", "kinds": "arrest", "region": true}, {"date": '
        '"2020-01-02", "kinds": "arrest", "outlets": {"x": "y"}}, {"date": '
        '"2020-01-02", "kinds": 5}, {"date": "2020-01-03", "kinds": "raid", '
        '"summary": ["a"]}]',
        encoding="utf-8",
    )
    said = cli("import", rows, code=1).stderr.splitlines()
    assert said == [
        "row 1: region: True is not text",
        "row 2: outlets: {'x': 'y'} is not text or a list of text",
        "row 3: kinds: 5 is not text or a list of text",
        "row 4: summary: ['a'] is not text",
        "Error: import: 4 of 4 rows are invalid; nothing was imported (fix them, "
        "or use --skip-invalid)",
    ]
    ids = tmp_path / "ids.json"
    ids.write_text(
        '[{"date": "2020-01-01", "kinds": "arrest", "external_id": 77}]', encoding="utf-8"
    )
    cli("import", ids)
    assert cli.json("list")[0]["external_id"] == "77"


def test_a_one_cell_footnote_row_is_skipped_too(cli, tmp_path):
    path = _rewrite(
        LAYOUTS / "cpj_database_2022.csv",
        tmp_path / "foot.csv",
        extra_rows=[["Data as of 2023-01-01, CPJ"]],
    )
    said = cli("import", path).stderr
    assert "Imported 10 incidents from 11 rows" in said and "1 rows not incidents" in said


def test_loose_dates_read_only_what_the_words_say():
    from pressfree.exchange.convert import loose_date

    assert str(loose_date("Unknown, may be 2013")) == "2013"  # "may" is no month
    assert str(loose_date("Sept. 5, 2008")) == "2008-09"
    assert str(loose_date("May 2,3 or 4, 2015")) == "2015-05"
    assert loose_date("2021-02-30") is None and loose_date("Date unknown") is None
    assert loose_date("June 2016 - October 2015") is None


def test_presets_are_named_never_a_path_and_mappings_are_checked(cli, tmp_path):
    secret = tmp_path / "secret.toml"
    secret.write_text('name = "x"\n[columns]\ndate = "d"\n', encoding="utf-8")
    assert cli("mapping", "show", str(secret.with_suffix("")), code=2).stderr.startswith(
        f"Error: NAME: '{secret.with_suffix('')}' is not a preset (known: cpj, pft, pressfree)"
    )
    assert cli("import", PFT, "--preset", str(secret.with_suffix("")), code=2).stderr.startswith(
        "Error: --preset: "
    )
    for text, error in (
        ('name = " "\n[columns]\ndate = "d"\n', "name: ' ' is empty: it names the dataset"),
        (
            '[columns]\ndate = "d"\n[kinds]\nArrest = "arrest"\nARREST = "killing"\n',
            "[kinds]: 'ARREST' is listed twice (values are matched in any case)",
        ),
    ):
        secret.write_text(text, encoding="utf-8")
        assert error in cli("import", PFT, "--mapping", secret, code=2).stderr


def test_mapping_init_never_lets_a_column_name_out_of_its_comment(cli, tmp_path):
    sheet = tmp_path / "inj.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [["date", "kind", 'note\n"ARREST" = "killing"'], ["2021-01-02", "Arrest", "x"]]
        )
    text = cli("mapping", "init", sheet).stdout
    assert tomllib.loads(text)["kinds"] == {"Arrest": "arrest"}
    mine = tmp_path / "mine.toml"
    mine.write_text(text, encoding="utf-8")
    cli("import", sheet, "--mapping", mine)
    assert cli.json("list")[0]["kinds"] == ["arrest"]


def test_country_names_in_the_researchers_languages(cli, tmp_path):
    sheet = tmp_path / "by.csv"
    sheet.write_text(
        "Дата,Вид,Страна\n30.07.2021,Обыск,Беларусь\n31.07.2021,Обыск,Украіна\n"
        "01.08.2021,Обыск,Россия\n",
        encoding="utf-8",
    )
    mine = tmp_path / "by.toml"
    mine.write_text(cli("mapping", "init", sheet).stdout, encoding="utf-8")
    cli("import", sheet, "--mapping", mine)
    assert sorted(i["country"] for i in cli.json("list")) == ["BY", "RU", "UA"]


def test_mapping_init_says_when_a_preset_reads_the_file_already(cli):
    text = cli("mapping", "init", LAYOUTS / "cpj_datamanager.csv").stdout
    assert "# This file fits preset cpj, layout datamanager: `pressfree import` reads it" in text


# --- matching never merges two incidents ---------------------------------------------------


def _map_of(source, path, rows=None, reverse=False):
    """A PFT map-layout file (date, city, state, latitude, longitude, categories, tags) of
    the rows of an export, states abbreviated."""
    with open(source, newline="", encoding="utf-8") as handle:
        found = rows or list(csv.DictReader(handle))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "city", "state", "latitude", "longitude", "categories", "tags"])
        for r in reversed(found) if reverse else found:
            writer.writerow(
                [
                    r["date"],
                    r["city"],
                    re.sub(r".*\(([A-Z]{2})\)$", r"\1", r["state"]),
                    "1",
                    "2",
                    r["categories"],
                    r["tags"],
                ]
            )
    return path


def test_a_map_layer_matches_whatever_the_order_of_its_rows(cli, tmp_path):
    cli("import", PFT)
    before = cli("export").stdout
    said = cli("import", _map_of(PFT, tmp_path / "rev.csv", reverse=True), "--update").stderr
    assert said.endswith(
        "Imported 0 incidents from 23 rows; 23 already stored, 0 changed, 0 new.\n"
    )
    assert cli("export").stdout.count('"tags"') == before.count('"tags"')
    exported = cli.json("list")
    assert all(
        s["url"] or s["title"]
        for i in exported
        for s in i["sources"]
        if i["sources"] and len(i["sources"]) > 1
    )  # no empty source added


def test_a_day_row_is_not_taken_for_a_month_incident_when_the_day_itself_is_stored(cli, tmp_path):
    stored = tmp_path / "stored.csv"
    stored.write_text(
        "title,slug,date,exact_date_unknown,categories,targets,city,state,tags\n"
        "Arrested in June,https://x.test/a,2020-06-01,True,Arrest / Criminal Charge,Ann Lee,"
        "Minneapolis,Minnesota (MN),protest\n"
        "Arrested on the 1st,https://x.test/b,2020-06-01,False,Arrest / Criminal Charge,"
        "Bob Roe,Minneapolis,Minnesota (MN),curfew\n",
        encoding="utf-8",
    )
    cli("import", stored)
    later = tmp_path / "later.csv"
    later.write_text(
        "date,city,state,latitude,longitude,categories,tags\n"
        "2020-06-15,Minneapolis,MN,1,2,Arrest / Criminal Charge,curfew\n"
        "2020-06-01,Minneapolis,MN,1,2,Arrest / Criminal Charge,curfew\n",
        encoding="utf-8",
    )
    said = cli("import", later, "--update").stderr
    # the 1st is the day stored; the 15th could only be the month incident: that one
    assert said.endswith("Imported 0 incidents from 2 rows; 1 already stored, 1 changed, 0 new.\n")
    month = next(i for i in cli.json("list") if i["summary"] == "Arrested in June")
    assert month["date"] == "2020-06" and sorted(month["tags"]) == ["curfew", "protest"]


def test_people_matching_needs_the_same_people_and_never_a_placeholder_alone(cli, tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text(
        'name = "ngo"\nloose_dates = true\n[columns]\ndate = "When"\n'
        'kinds = "Type"\ncountry = "Country"\njournalists = "Who"\n'
        'outlets = "Outlet"\ncity = "City"\n[split]\njournalists = ";"\n',
        encoding="utf-8",
    )
    first = tmp_path / "first.csv"
    first.write_text(
        "When,Type,Country,Who,Outlet,City\n"
        "2021,detention,BY,Ivan Ivanov;Petr Petrov,Nasha Niva,Minsk\n"
        "2013,killing,SY,Unknown,Halab News,Aleppo\n"
        "2015,detention,SY,Naji Jerf,Hentah,Raqqa\n",
        encoding="utf-8",
    )
    cli("import", first, "--mapping", mine)
    later = tmp_path / "later.csv"
    later.write_text(
        "When,Type,Country,Who,Outlet,City\n"
        "2021-03-05,detention,BY,Ivan Ivanov,Belsat,Minsk\n"
        "2013-06-03,killing,SY,Unknown,Orient TV,Idlib\n"
        "2015,killing,SY,Naji Jerf,Hentah,Raqqa\n",
        encoding="utf-8",
    )
    said = cli("import", later, "--mapping", mine, "--dry-run").stderr
    assert said.endswith("Would import 3 incidents from 3 rows.\n")
    same = tmp_path / "same.csv"
    same.write_text(
        "When,Type,Country,Who,Outlet,City\n2013-06-03,killing,SY,Unknown,Halab News,Aleppo\n",
        encoding="utf-8",
    )
    said = cli("import", same, "--mapping", mine, "--dry-run").stderr
    assert "1 already stored, 0 changed, 0 new" in said  # the outlet and city tell who


@pytest.mark.skipif(
    not (DATASETS / "pft_incidents_full_2020-03.csv").exists(),
    reason="shared/datasets is not beside this checkout",
)
@pytest.mark.parametrize("reverse", [False, True])
def test_the_whole_pft_export_as_a_map_layer_adds_nothing(cli, tmp_path, reverse):
    cli("import", DATASETS / "pft_incidents_full_2020-03.csv")
    layer = _map_of(
        DATASETS / "pft_incidents_full_2020-03.csv", tmp_path / "map.csv", reverse=reverse
    )
    assert cli("import", layer, "--update").stderr.endswith(
        "Imported 0 incidents from 449 rows; 449 already stored, 0 changed, 0 new.\n"
    )


def test_undoing_an_update_import_puts_back_what_matches_later_exports(cli, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text(
        "date,kinds,city,summary,notes\n2021-07-01,raid,Minsk,Home searched,a\n", encoding="utf-8"
    )
    later = tmp_path / "later.csv"
    later.write_text(
        "date,kinds,city,summary,notes,extra note\n"
        "2021-07-01,raid,Minsk,Home and office searched,a,b\n",
        encoding="utf-8",
    )
    cli("import", first)
    before = cli("export").stdout
    said = cli("import", later, "--update").stderr
    assert "1 changed" in said
    assert cli.json("list")[0]["extra"] == {"notes": "a", "extra note": "b"}
    cli("imports", "undo", cli.json("imports")[-1]["id"], "--yes")
    assert cli.json("list")[0]["extra"] == {"notes": "a"}
    assert cli.json("list")[0]["summary"] == "Home searched"
    # the correction is found again, not taken for what is stored
    assert "1 changed" in cli("import", later, "--again", "--dry-run").stderr
    assert cli("export").stdout.count("Home searched") == before.count("Home searched")


def test_a_database_loaded_from_an_own_csv_export_still_matches_the_trackers_file(cli, tmp_path):
    cli("import", LAYOUTS / "cpj_database_2022.csv")
    exported = tmp_path / "all.csv"
    cli("export", "--format", "csv", "--out", exported)
    other = tmp_path / "other.db"
    cli("--db", other, "import", exported)
    again = tmp_path / "again.csv"
    again.write_bytes((LAYOUTS / "cpj_database_2022.csv").read_bytes() + b"\n")
    assert cli("--db", other, "import", again, "--dry-run").stderr.endswith(
        "Would import 0 incidents from 10 rows; 10 already stored, 0 changed, 0 new.\n"
    )


def test_where_compares_numbers_and_nested_values_alike_on_both_backends(cli, any_db, tmp_path):
    """One rule on both backends: numbers compare as numbers (integers of 64 bits exactly,
    others as 64-bit floating point), arrays and objects as JSON (spacing and key order do
    not matter), text exactly as written."""
    rows = tmp_path / "numbers.json"
    values = [
        2**63,
        -(2**63) - 1,
        "5e-324",
        "1e308",
        {"a": [1, 2]},
        2**63 - 1,
        9007199254740993,
        0.1,
        "007",
        {"b": 1, "a": [1.0, "x"]},
    ]
    import json

    documents = [
        {"date": f"2021-07-{day:02}", "kinds": "raid", "v": value}
        for day, value in enumerate(values, start=1)
    ]
    text = json.dumps(documents).replace('"5e-324"', "5e-324").replace('"1e308"', "1e308")
    rows.write_text(text, encoding="utf-8")
    cli("--db", any_db, "import", rows)
    for where, days in (
        (f"v={2**63}", [1]),
        (f"v={-(2**63) - 1}", [2]),
        ("v=5e-324", [3]),
        ("v=4.9406564584124654e-324", []),
        ("v=0.5e-323", [3]),
        ("v=1e308", [4]),
        ("v=1E+308", [4]),
        ('v={"a": [1, 2]}', [5]),
        ('v={"a":[1,2]}', [5]),
        ('v={"a":[2,1]}', []),
        (f"v={2**63 - 1}", [6]),
        (f"v={2**63 + 1}", []),
        ("v=9.223372036854775808e18", [1]),
        (f"v={2**63 - 2}", []),
        ("v=9007199254740993", [7]),
        ("v=9007199254740992", []),
        ("v=0.1", [8]),
        ("v=0.10", [8]),
        ("v=007", [9]),
        ("v=7", []),
        ('v={"a": [1, "x"], "b": 1.0}', [10]),
        ("v=[1, 2]", []),
    ):
        found = cli.json("--db", any_db, "list", "--where", where)
        assert sorted(int(i["date"][-2:]) for i in found) == days, where
