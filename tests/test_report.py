"""`pressfree report`: the HTML file researchers publish, its safety, and its languages; the
terminal summary in Russian and Belarusian; the message catalogues."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import ROOT

CASES = ROOT / "data" / "examples" / "cases-invented.json"
LOCALES = ROOT / "src" / "pressfree" / "publish" / "locales"


class Page(HTMLParser):
    """What a reader's browser would find in the page: elements, links, scripts, text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.sections: dict[str, list[str]] = {}
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "section":
            self.stack.append(attributes.get("id", ""))
            self.sections.setdefault(self.stack[-1], [])

    def handle_endtag(self, tag):
        if tag == "section" and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if data.strip():
            self.text.append(data.strip())
            if self.stack:
                self.sections[self.stack[-1]].append(data.strip())

    def all(self, tag: str) -> list[dict]:
        return [a for t, a in self.tags if t == tag]

    def said(self, section: str) -> str:
        return " ".join(self.sections.get(section, []))


def _report(cli, tmp_path, *args: str) -> Page:
    out = tmp_path / "report.html"
    cli("report", *args, "--out", out)
    return Page(out.read_text(encoding="utf-8"))


@pytest.fixture
def cases(sample):
    sample("import", CASES)
    return sample


def test_the_report_holds_every_section_with_the_sample_s_figures(cases, tmp_path):
    page = _report(cases, tmp_path, "--month", "2021-07", "--country", "BY")
    assert [a["id"] for a in page.all("section")] == [
        "brief",
        "kinds",
        "chart",
        "reported",
        "custody",
        "designations",
        "cases",
        "incidents",
        "method",
    ]
    assert "3 incidents in July 2021" in page.said("brief")
    assert "2 detentions" in page.said("brief") and "1 designation" in page.said("brief")
    assert "Total (distinct incidents) 3 0 +3" in page.said("kinds")
    # the figure a source reported beside what is itemised: "more than 200" raids, 2 here
    assert "Viasna more than 200 2 +198" in page.said("reported")
    assert "2 journalists are itemised as held." in page.said("custody")
    assert "Anna Prykladnaja" in page.said("custody")
    assert "Belsat Extremist formation" in page.said("designations")
    # every incident of the month, oldest first, with its source as a link
    rows = page.said("incidents")
    # dates as a reader writes them, a range with Babel's interval (thin spaces round the dash)
    assert rows.index("Jul 26\u2009–\u200930, 2021") < rows.index("Jul 30, 2021")
    assert {"https://example.org/invented/uzorny"} <= {a.get("href") for a in page.all("a")} or any(
        "example" in (a.get("href") or "") for a in page.all("a")
    )
    # nothing is fetched: no script, no stylesheet or image from elsewhere
    assert page.all("script") == [] and page.all("img") == []
    assert all(a.get("rel") != "stylesheet" for a in page.all("link"))
    assert "How these figures are counted" in page.text


def test_the_chart_stacks_twelve_months_by_kind_with_the_totals_marked(cases, tmp_path):
    page = _report(cases, tmp_path, "--month", "2021-07")
    months = [a for a in page.all("g") if a.get("class") == "month"]
    assert len(months) == 12
    # months named in the reader's language, the year under the first month and January
    months_named = "Aug Sep Oct Nov Dec Jan Feb Mar Apr May Jun Jul".split()
    labels = [t for t in page.sections["chart"] if t in months_named or t in ("2020", "2021")]
    assert labels == ["Aug", "2020", *months_named[1:5], "Jan", "2021", *months_named[6:]]
    # July: three incidents, five stacks (2 detentions, 2 raids, 1 designation) of 3 colours
    july = page.said("chart")
    assert (
        "July 2021: Detention 2" in july
        and "July 2021: Designation 1" in july  # short names; the method note explains
    )
    # the distinct count is a series of its own: a dot a month, its number beside it
    dots = page.all("circle")
    assert len(dots) == 12 and "July 2021: distinct incidents 3" in july
    assert float(dots[-1]["cy"]) < float(dots[0]["cy"])  # 3 in July, 0 in August
    belarusian = _report(cases, tmp_path, "--month", "2021-07", "--lang", "be")
    assert "ліп" in belarusian.sections["chart"], belarusian.sections["chart"]
    assert "Jul" not in belarusian.sections["chart"]
    assert len(page.all("svg")) == 1 and page.all("svg")[0]["viewbox"].startswith("0 0 ")


def test_a_year_report_charts_its_own_months(cases, tmp_path):
    page = _report(cases, tmp_path, "--year", "2021")
    assert len([a for a in page.all("g") if a.get("class") == "month"]) == 12
    assert "5 incidents in 2021" in page.said("brief")
    assert "dated to a year or across months" not in page.said("chart")
    cases("add", "raid", "--date", "2021-06-28..2021-07-03", "--force")
    cases("add", "raid", "--date", "2021", "--force")
    page = _report(cases, tmp_path, "--year", "2021")
    assert (
        "2 incidents of these months are dated to a year or across months, so in no "
        "bar." in page.said("chart")
    )
    page = _report(cases, tmp_path, "--month", "2021-07")  # August 2020 to July 2021
    assert (
        "1 incident of these months is dated to a year or across months, so in no "
        "bar." in page.said("chart")
    )


HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "</td></tr></table><b>bold</b>",
]


def test_incident_text_never_becomes_markup_or_script(cli, tmp_path):
    for n, text in enumerate(HOSTILE):
        cli(
            "add",
            "raid",
            "--date",
            f"2021-07-{n + 1:02d}",
            "--country",
            "BY",
            "--summary",
            text,
            "-j",
            text,
            "-o",
            f"Outlet {text}",
            "--source",
            f"https://example.org/{n}",
            "--source-title",
            text,
            "--force",
        )
    cli(
        "add",
        "raid",
        "--date",
        "2021-07-20",
        "--summary",
        "A javascript source",
        "--source",
        "javascript:alert(3)",
        "--source-title",
        "Click me",
        "--force",
        code=2,
    )
    out = tmp_path / "r.html"
    cli("report", "--month", "2021-07", "--out", out)
    html = out.read_text(encoding="utf-8")
    page = Page(html)
    assert page.all("script") == [] and page.all("img") == [] and page.all("b") == []
    assert not any(k.startswith("on") for _, a in page.tags for k in a)
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # summary, name, title
    assert {a["href"] for a in page.all("a")} == {
        f"https://example.org/{n}" for n in range(len(HOSTILE))
    }


def test_a_source_address_that_is_not_http_is_shown_as_text_not_a_link():
    from pressfree.publish.render_report import link

    assert link("https://baj.media/x") == "https://baj.media/x"
    assert link("mailto:press@example.org") == "mailto:press@example.org"
    for unsafe in (
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:x",
        "/etc/passwd",
        "",
        None,
        "http://[::1",
    ):
        assert link(unsafe) is None, unsafe


def test_redact_hides_people_at_risk_everywhere_in_the_report(cases, tmp_path):
    cases("journalists", "set", "Anna Prykladnaja", "--at-risk")
    plain = tmp_path / "plain.html"
    cases("report", "--year", "2021", "--show-at-risk", "--out", plain)
    assert "Anna Prykladnaja" in plain.read_text(encoding="utf-8")
    for asked in ([], ["--redact"]):  # a report is for publishing: redacted unless told
        hidden = tmp_path / "hidden.html"
        cases("report", "--year", "2021", *asked, "--out", hidden)
        text = hidden.read_text(encoding="utf-8")
        assert "Anna Prykladnaja" not in text and "Prykladnaja" not in text
        assert (
            "Journalists marked at risk appear under pseudonyms, and text that names them is "
            "withheld." in text
        )


def test_the_report_speaks_belarusian_and_russian(cases, tmp_path):
    page = _report(cases, tmp_path, "--month", "2021-07", "--lang", "be")
    assert page.all("html")[0]["lang"] == "be"
    assert "3 інцыдэнты за ліпень 2021" in page.said("brief")
    assert "2 затрыманні" in page.said("brief") and "2 ператрусы" in page.said("brief")
    assert "Затрыманне" in page.said("kinds")  # the kind's Belarusian name (schema 8)
    assert "Як лічацца гэтыя лічбы" in page.text
    page = _report(cases, tmp_path, "--month", "2021-07", "--lang", "ru")
    assert "3 инцидента за июль 2021" in page.said("brief")
    assert "2 задержания" in page.said("brief")


@pytest.mark.parametrize(
    "n, be, ru",
    [
        (1, "1 затрыманне", "1 задержание"),
        (2, "2 затрыманні", "2 задержания"),
        (5, "5 затрыманняў", "5 задержаний"),
        (11, "11 затрыманняў", "11 задержаний"),
        (21, "21 затрыманне", "21 задержание"),
        (1000, "1\xa0000 затрыманняў", "1\xa0000 задержаний"),
    ],
)
def test_plural_forms_follow_each_language(n, be, ru):
    from pressfree.publish.i18n import Words
    from pressfree.publish.render_report import KIND_COUNTS

    assert Words("be").plural(*KIND_COUNTS["detention"], n) == be
    assert Words("ru").plural(*KIND_COUNTS["detention"], n) == ru
    assert Words("en").plural(*KIND_COUNTS["detention"], n) == (
        f"{n:,} detention" if n == 1 else f"{n:,} detentions"
    )


def test_the_language_comes_from_lang_then_the_locale(monkeypatch):
    from pressfree.errors import InvalidValue
    from pressfree.languages import language

    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    assert language(None) == "en"
    monkeypatch.setenv("LANG", "be_BY.UTF-8")
    assert language(None) == "be"
    monkeypatch.setenv("LC_ALL", "C.UTF-8")  # C says nothing of a language: LANG decides
    assert language(None) == "be"
    monkeypatch.setenv("LANGUAGE", "ru:en")
    assert language(None) == "ru"
    assert language("EN") == "en" and language("be-BY") == "be"
    with pytest.raises(InvalidValue, match="'de' is not a language pressfree speaks"):
        language("de")


def test_the_terminal_summary_speaks_the_language_json_does_not(sample):
    said = sample("summary", "--month", "2021-07", "--lang", "be").stdout
    assert "Парушэнні свабоды прэсы, ліпень 2021" in said and "Усяго" not in said
    assert "усяго (розных інцыдэнтаў)" in said and "Затрыманне" in said
    markdown = sample(
        "summary", "--month", "2021-07", "--lang", "ru", "--format", "markdown"
    ).stdout
    assert markdown.startswith(
        "# Нарушения свободы прессы, июль 2021\n\n2 инцидента (0 за июнь 2021)."
    )
    assert (
        sample("summary", "--month", "2021-07", "--lang", "be", "--format", "json").stdout
        == sample("summary", "--month", "2021-07", "--format", "json").stdout
    )
    said = sample("summary", "--month", "2021-07", "--lang", "fr", code=2).stderr
    assert said == "Error: --lang: 'fr' is not a language pressfree speaks (en, ru, be)\n"


def test_what_narrowed_a_summary_is_said_in_the_readers_language(sample, tmp_path):
    """A title says the filters in the reader's language, kinds by their names; JSON keeps
    them in English, and in parts (narrowed_by) for any language to say."""
    given = ("--month", "2021-07", "--kind", "raid", "--kind", "detention")
    given += ("--status", "confirmed")
    markdown = sample("summary", *given, "--lang", "be", "--format", "markdown").stdout
    assert markdown.startswith(
        "# Парушэнні свабоды прэсы, ліпень 2021 (від Ператрус або Затрыманне; статус пацверджана)\n"
    )
    out = tmp_path / "r.html"
    sample("report", *given, "--lang", "ru", "--out", out)
    assert (
        "<h1>Нарушения свободы прессы, июль 2021 (вид Обыск или Задержание; статус "
        "подтверждено)</h1>" in out.read_text(encoding="utf-8")
    )
    english = sample("summary", *given, "--format", "markdown").stdout
    assert english.startswith(
        "# Press-freedom incidents, July 2021 (kind Raid or Detention; status confirmed)\n"
    )
    data = json.loads(sample("summary", *given, "--lang", "be", "--format", "json").stdout)
    assert data["filters"] == ["kind raid or detention", "status confirmed"]
    assert data["narrowed_by"] == [
        {"filter": "kind", "value": ["raid", "detention"]},
        {"filter": "status", "value": "confirmed"},
    ]


def test_users_name_their_own_kinds_in_a_language(cli, tmp_path):
    cli("kinds", "add", "house-search", "House search")
    cli("add", "house-search", "--date", "2021-07-02", "--force")
    said = cli("kinds", "name", "house-search", "Ператрус жылля", "--lang", "be").stderr
    assert said == "Names of kind house-search: be: Ператрус жылля.\n"
    page = _report(cli, tmp_path, "--month", "2021-07", "--lang", "be")
    assert "Ператрус жылля" in page.said("kinds")
    assert "Ператрус жылля: 1" in page.said("brief")  # no plural forms of a user's own kind
    assert cli("kinds", "name", "house-search", "x", "--lang", "en", code=2).stderr == (
        "Error: --lang: 'en' is English, whose name is the term's label\n"
    )
    assert "is not a known kind" in cli("kinds", "name", "nope", "x", "--lang", "ru", code=2).stderr
    cli("labels", "name", "foreign-agent", "Замежны агент (ярлык)", "--lang", "be")
    # categories of charges have no names in other languages (yet): no such command
    assert (
        "No such command 'name'"
        in cli("charges", "categories", "name", "other", "x", "--lang", "be", code=2).stderr
    )
    history = cli.json("history", "--kind", "kind")
    assert history[-1]["after"]["names"] == {"be": "Ператрус жылля"}


def _key(text):
    """A message or its words as Babel gives them: text, or a plural's forms as a tuple."""
    return tuple(text) if isinstance(text, (list, tuple)) else text


def test_a_document_naming_terms_in_other_languages_is_checked(cli, tmp_path):
    import json

    def document(section: str, term: dict) -> Path:
        path = tmp_path / f"{section}.json"
        path.write_text(
            json.dumps({"format": "pressfree", "version": 1, section: [term], "incidents": []}),
            encoding="utf-8",
        )
        return path

    cli(
        "import",
        document(
            "kinds",
            {"slug": "house-search", "label": "House search", "names": {"be": "Ператрус жылля"}},
        ),
    )
    kinds = {k["slug"]: k for k in cli.json("kinds")}
    assert kinds["house-search"]["names"] == {"be": "Ператрус жылля"}
    said = cli(
        "import",
        document("kinds", {"slug": "raid", "label": "Raid", "names": ["not", "a", "table"]}),
        code=2,
    ).stderr
    assert said.startswith("Error: kinds[0].names: ['not', 'a', 'table'] is not a table")
    said = cli(
        "import",
        document("categories", {"slug": "other", "name": "Other", "names": {"be": "Іншае"}}),
        code=2,
    ).stderr
    assert said == (
        "Error: categories[0].names: {'be': 'Іншае'} cannot be given: a category "
        "has no names in other languages\n"
    )


def test_every_catalogue_has_every_message_and_its_compiled_copy_is_current():
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    with open(LOCALES / "pressfree.pot", "rb") as handle:
        wanted = {_key(m.id) for m in read_po(handle) if m.id}
    assert len(wanted) > 100
    for lang in ("ru", "be"):
        folder = LOCALES / lang / "LC_MESSAGES"
        with open(folder / "pressfree.po", "rb") as handle:
            catalogue = read_po(handle)
        have = {_key(m.id): _key(m.string) for m in catalogue if m.id}
        assert set(have) == wanted, (lang, set(have) ^ wanted)
        assert catalogue.num_plurals == 3
        for message, string in have.items():
            forms = string if isinstance(string, tuple) else (string,)
            assert all(forms) and len(forms) == (3 if isinstance(message, tuple) else 1), (
                lang,
                message,
            )
            placeholders = set(re.findall(r"\{\w+\}", str(message)))
            assert all(set(re.findall(r"\{\w+\}", f)) == placeholders for f in forms), (
                lang,
                message,
            )
        with open(folder / "pressfree.mo", "rb") as handle:
            compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
        assert compiled == have, f"{lang}: run pybabel compile (see CONTRIBUTING.md, Translations)"


def test_every_message_in_the_code_is_in_the_template(tmp_path):
    """The .pot is what `pybabel extract` finds now: no message was added without it."""
    import subprocess
    import sys

    from babel.messages.pofile import read_po

    out = tmp_path / "now.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "N_",
            "-k",
            "NP_:1,2",
            "-k",
            "w",
            "-k",
            "n_:1,2",
            "-k",
            "plural:1,2",
            "--no-location",
            "-o",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    with open(out, "rb") as fresh, open(LOCALES / "pressfree.pot", "rb") as kept:
        assert {_key(m.id) for m in read_po(fresh)} == {_key(m.id) for m in read_po(kept)}


def test_pdf_without_weasyprint_says_how_to_install_it(cases, tmp_path, monkeypatch):
    import builtins

    real = builtins.__import__

    def without_weasyprint(name, *args, **kwargs):
        if name.startswith("weasyprint"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_weasyprint)
    out = tmp_path / "r.pdf"
    said = cases("report", "--month", "2021-07", "--out", out, code=1).stderr
    assert said == (
        "Error: report: --format pdf needs WeasyPrint; install the pdf extra with: "
        "pip install 'pressfree[pdf]'\n"
    )
    assert not out.exists() and list(tmp_path.glob(".r.pdf*")) == []


def test_a_pdf_report_is_printed_on_a4_without_fetching_anything(cases, tmp_path):
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:  # the pdf extra, or its Pango, is missing
        pytest.skip(f"WeasyPrint cannot run here: {error}")
    out = tmp_path / "july.pdf"
    cases("report", "--month", "2021-07", "--lang", "be", "--out", out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert out.stat().st_mode & 0o777 == 0o600
    # laid out on A4 (210 x 297 mm; WeasyPrint counts in CSS pixels, 96 to the inch)
    page = tmp_path / "july.html"
    cases("report", "--month", "2021-07", "--lang", "be", "--out", page)
    pages = weasyprint.HTML(filename=page).render().pages
    assert [(round(p.width * 25.4 / 96), round(p.height * 25.4 / 96)) for p in pages] == [
        (210, 297)
    ] * len(pages) and len(pages) >= 2


def test_bad_report_options_are_one_line(sample, tmp_path):
    assert sample("report", "--out", tmp_path / "r.html", code=2).stderr.startswith(
        "Error: period: '' is required"
    )
    assert (
        sample(
            "report", "--month", "2021-07", "--out", tmp_path / "r.html", "--format", "docx", code=2
        ).stderr
        == "Error: --format: 'docx' is not html or pdf\n"
    )
    assert not (tmp_path / "r.html").exists()


def test_the_report_is_never_written_over_the_database_or_into_a_folder(sample, tmp_path):
    import os

    where = os.environ["PRESSFREE_DB"]
    if "://" not in where:  # a SQLite file: the report cannot replace it
        assert sample("report", "--month", "2021-07", "--out", where, code=2).stderr == (
            f"Error: --out: '{where}' is the database itself\n"
        )
    assert sample("report", "--month", "2021-07", "--out", tmp_path, code=2).stderr == (
        f"Error: --out: '{tmp_path}' is a folder: name a file\n"
    )
    missing = tmp_path / "no" / "r.html"
    assert (
        "is in a folder that does not exist"
        in sample("report", "--month", "2021-07", "--out", missing, code=2).stderr
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in tmp_path.iterdir() if not p.name.startswith(".")
    )


# A stand-in for Chromium: writes what it is asked to (--screenshot=, --print-to-pdf=) and
# records its arguments, so the script is checked without a browser installed.
BROWSER = """#!{python}
import json, sys
for arg in sys.argv[1:]:
    if arg.startswith(("--screenshot=", "--print-to-pdf=")):
        open(arg.split("=", 1)[1], "w").write(json.dumps(sys.argv[1:]))
"""


@pytest.mark.sqlite_only  # the script reads the report's file, whichever database made it
def test_the_screenshot_script_shoots_a4_and_a_phone_and_prints_a_pdf(sample, tmp_path):
    import json
    import subprocess
    import sys

    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    browser = bin_folder / "chromium"
    browser.write_text(BROWSER.format(python=sys.executable), encoding="utf-8")
    browser.chmod(0o755)
    page = tmp_path / "july.html"
    sample("report", "--month", "2021-07", "--out", page)
    done = subprocess.run(
        [
            sys.executable,
            ROOT / "tools" / "screenshot_report.py",
            page,
            "--out-dir",
            tmp_path / "shots",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": str(bin_folder)},
        check=True,
    )
    shots = tmp_path / "shots"
    assert done.stdout.splitlines() == [
        f"wrote {shots / 'july-a4.png'} (794 px wide)",
        f"wrote {shots / 'july-phone.png'} (390 px wide)",
        f"wrote {shots / 'july-print.pdf'} (A4, as the page's print styles lay it out)",
    ]
    for name, size in (("a4", "794,6738"), ("phone", "390,5064")):
        said = json.loads((shots / f"july-{name}.png").read_text())
        assert f"--window-size={size}" in said and said[-1] == page.as_uri()
    said = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    assert "tools/screenshot_report.py" in said
    # a report that is not there, or a browser that writes nothing: said, never "wrote"
    for given, browser_code, said in (
        (tmp_path / "gone.html", BROWSER, "is not a file (write it with `report`)"),
        (page, "#!/bin/sh\nexit 0\n", "Chromium wrote no"),
    ):
        browser.write_text(browser_code.format(python=sys.executable), encoding="utf-8")
        failed = subprocess.run(
            [sys.executable, ROOT / "tools" / "screenshot_report.py", given,
             "--out-dir", tmp_path / "none"],
            capture_output=True, text=True, env={**os.environ, "PATH": str(bin_folder)},
        )  # fmt: skip
        assert failed.returncode == 1 and said in failed.stderr and "wrote" not in failed.stdout


def test_the_bundled_sample_report_reads_the_same_on_both_backends(sample, tmp_path):
    page = _report(sample, tmp_path, "--month", "2021-07")
    assert Path(tmp_path / "report.html").stat().st_mode & 0o777 == 0o600
    assert "2 incidents in July 2021" in page.said("brief")


def test_a_report_to_dash_goes_to_standard_output(sample, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = sample("report", "--month", "2021-07", "--out", "-").stdout
    assert page.startswith("<!DOCTYPE html>") and "2 incidents in July 2021" in page
    assert not (tmp_path / "-").exists()


def test_a_report_in_belarusian_says_figures_and_dates_in_belarusian(cases, tmp_path):
    """Qualifiers ("more than 200"), dates in tables (Babel: "26–30 ліп 2021"), countries by
    name; no sentence ends twice after a date ("2021 г..")."""
    page = _report(cases, tmp_path, "--month", "2021-07", "--lang", "be")
    assert "больш за 200" in page.said("reported") and "more than" not in page.text
    assert "26–30 ліп 2021" in page.said("incidents") and "2021-07-26" not in page.said("incidents")
    assert "Беларусь" in page.said("incidents") and ", BY" not in page.said("incidents")
    assert "г.." not in " ".join(page.text) and "на 30 ліпеня 2021\u202fг." in page.said("custody")


def test_every_table_cell_is_labelled_for_a_phone(cases, tmp_path):
    """On a narrow screen rows become cards, each value under its column's name: every cell
    of every table carries its heading (data-label), and the page's CSS shows it."""
    out = tmp_path / "r.html"
    cases("report", "--month", "2021-07", "--out", out)
    page = out.read_text(encoding="utf-8")
    for table in re.findall(r"<table>(.*?)</table>", page, re.S):
        head, body = table.split("</thead>")
        names = re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", head, re.S)
        for row in re.findall(r"<tr[ >].*?</tr>", body, re.S):
            labels = re.findall(r'<td data-label="([^"]*)"', row)
            assert labels == names[: len(labels)] and len(labels) == row.count("<td"), row
    assert 'td[data-label]::before { content: attr(data-label) ": "' in page
    assert "@bottom-right { content: counter(page)" in page  # page numbers in print


def _data_strings(cli) -> set[str]:
    """Every text the data itself holds (names, summaries, titles, places, laws...): what a
    report shows as it was recorded, in whatever language it was recorded."""
    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(cli("export").stdout))
    # not the codes beside them (slugs, statuses: "anti-state", "pending"), which a report
    # must say in words of the language
    return {v for v in found if re.search(r"[A-Z]|[^\x00-\x7f]", v)}


@pytest.mark.parametrize("lang", ["be", "ru"])
def test_no_english_word_of_the_catalogue_in_a_report_or_summary(cases, tmp_path, lang):
    """Every word pressfree itself writes in a be/ru report, and in its terminal and
    markdown summaries, comes from the catalogues: once the data's own text (names,
    summaries, sources) is taken out, no English word of the en catalogue is left."""
    from babel.messages.pofile import read_po

    with open(LOCALES / "pressfree.pot", "rb") as handle:
        english = {
            word.lower()
            for message in read_po(handle)
            for text in (message.id if isinstance(message.id, tuple) else (message.id,))
            for word in re.findall(r"(?<![{\w])[A-Za-z]{4,}(?![}\w])", text or "")
        }
    data = sorted(_data_strings(cases), key=len, reverse=True)
    out = tmp_path / "r.html"
    cases("report", "--month", "2021-07", "--lang", lang, "--show-at-risk", "--out", out)
    page = Page(out.read_text(encoding="utf-8"))
    shown = {
        "report": " ".join(t for t in page.text if not t.startswith(":root")),
        "summary": cases("summary", "--month", "2021-07", "--lang", lang).stdout,
        "markdown": cases(
            "summary", "--month", "2021-07", "--lang", lang, "--format", "markdown"
        ).stdout,
        "narrowed": cases(
            "summary", "--month", "2021-07", "--lang", lang, "--format", "markdown",
            "--kind", "raid", "--kind", "detention", "--status", "confirmed",
            "--updated-since", "2021-01", "--include-new",
        ).stdout,
    }  # fmt: skip
    for where, text in shown.items():
        text = " ".join(text.split())
        for value in data:
            text = text.replace(" ".join(value.split()), " ")
        left = {w for w in re.findall(r"[A-Za-z]{4,}", text) if w.lower() in english}
        assert left == {"pressfree"} or not left, (where, sorted(left), text)


MM = 72 / 25.4  # PDF points in a millimetre


def test_a_busy_months_pdf_keeps_every_word_inside_the_page(pressfree, tmp_path):
    """A month of long names, long Belarusian words and long addresses, printed: no word's
    box lies outside the text area of its A4 page (14 mm each side), nothing is clipped,
    every page is numbered in its footer, and each link's address is printed."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        pytest.skip(f"WeasyPrint cannot run here: {error}")
    pdfplumber = pytest.importorskip("pdfplumber")
    db = tmp_path / "busy.db"
    address = "https://example.org/" + "/".join(["naviny-pra-peratrusy-i-zatrymanni"] * 4)
    for day in range(1, 29):
        pressfree("--db", db, "add", "raid", "detention", "equipment-seizure",
                  "--date", f"2021-07-{day:02d}", "--country", "BY", "--city", "Maladzečna",
                  "--journalist", f"Aliaksandr Verkhnedvinsk-Shcharbakou {day}",
                  "--outlet", "Belaruskaja Asacyjacyja Žurnalistaŭ",
                  "--summary", "Супрацоўнікі праваахоўных органаў правялі ператрус "
                  "у кватэры журналіста і канфіскавалі тэхніку " * 3,
                  "--source", f"{address}/{day}", "--publisher", "Viasna",
                  "--source-title", "Ператрусы і затрыманні журналістаў", "--force")  # fmt: skip
    out = tmp_path / "busy.pdf"
    pressfree("--db", db, "report", "--month", "2021-07", "--lang", "be", "--out", out)
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) >= 5
        for number, page in enumerate(pdf.pages, 1):
            words = page.extract_words()
            body = [w for w in words if w["bottom"] < page.height - 18 * MM]
            outside = [
                w["text"]
                for w in body
                if w["x0"] < 14 * MM - 1 or w["x1"] > page.width - 14 * MM + 1
            ]
            assert not outside, (number, outside)
            footer = " ".join(w["text"] for w in words if w["top"] > page.height - 18 * MM)
            assert f"{number} / {len(pdf.pages)}" in footer and "ліпень 2021" in footer
        text = " ".join(page.extract_text() for page in pdf.pages)
    assert "example.org/naviny-" in text  # the address, printed after the link's text


def test_a_designations_own_summary_is_said_in_the_readers_language(cli, tmp_path):
    """The summary `designate` gives its incident is said in the report's language; one a
    researcher wrote is shown as written."""
    cli("designate", "Belsat", "--label", "extremist-formation", "--by", "KGB", "--date",
        "2021-07-27", "--country", "BY")  # fmt: skip
    assert "KGB designated Belsat: Extremist formation" in _report(
        cli, tmp_path, "--month", "2021-07"
    ).said("incidents")
    page = _report(cli, tmp_path, "--month", "2021-07", "--lang", "be")
    assert "KGB прызналі Belsat: Экстрэмісцкае фармаванне" in page.said("incidents")
    incident = cli.json("list")[0]["id"]
    cli("edit", incident, "--summary", "The KGB named Belsat extremist")
    page = _report(cli, tmp_path, "--month", "2021-07", "--lang", "be")
    assert "The KGB named Belsat extremist" in page.said("incidents")
    assert "прызналі" not in page.said("incidents")


def test_the_list_of_incidents_is_written_a_batch_at_a_time_whole_and_in_order(
    cases, tmp_path, monkeypatch
):
    """The list is read and written a batch at a time (incidents.LISTED_BATCH): batches of
    two give the page one batch of thousands gives, every incident once, oldest first, with
    its kinds, people and sources, redacted alike."""
    from pressfree import incidents

    cases("journalists", "set", "Anna Prykladnaja", "--at-risk")
    whole = tmp_path / "whole.html"
    cases("report", "--year", "2021", "--out", whole)
    monkeypatch.setattr(incidents, "LISTED_BATCH", 2)
    batched = tmp_path / "batched.html"
    said = cases("report", "--year", "2021", "--out", batched).stderr
    assert batched.read_bytes() == whole.read_bytes()
    page = whole.read_text("utf-8")
    section = page.split('<section id="incidents">')[1].split("</section>")[0]
    rows = re.findall(r'<tr><td data-label="Date" class="date">([^<]*)</td>', section)
    counted = cases.json("summary", "--year", "2021")["total_incidents"]
    assert len(rows) == counted == int(re.search(r"\((\d+) incidents\)", said).group(1)) > 2
    assert "Prykladnaja" not in page
    with_at_risk = tmp_path / "shown.html"
    cases("report", "--year", "2021", "--show-at-risk", "--out", with_at_risk)
    assert "Anna Prykladnaja" in with_at_risk.read_text("utf-8")
    empty = tmp_path / "empty.html"
    cases("report", "--year", "2019", "--out", empty)
    assert "No incident is recorded for this period." in empty.read_text("utf-8")
