"""A starting mapping for a file no preset knows: `pressfree mapping init FILE`.

Columns are matched to fields by their names (in English, Russian and Belarusian), the date
column and its layouts by what the first rows hold, and each kind written in the file to a
kind of the vocabulary by its words. Every guess is marked in the TOML for the user to check.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from itertools import islice
from pathlib import Path

from pressfree.errors import InvalidValue
from pressfree.exchange import readers
from pressfree.exchange.convert import loose_date, slugify
from pressfree.exchange.mapping import recognise

SAMPLE = 500  # rows read to guess from
SHOWN_KINDS = 40  # distinct kinds written into [kinds]; more are created as they come
# Column names that mean each field, compared without case, spaces or punctuation.
NAMES = {
    "external_id": ["id", "caseid", "case", "slug", "uuid", "incidentid", "номер", "нумар"],
    "date": [
        "date",
        "when",
        "day",
        "incidentdate",
        "eventdate",
        "startdisplay",
        "dateofdeath",
        "year",
        "дата",
        "год",
        "год",
    ],
    "kinds": [
        "kind",
        "kinds",
        "type",
        "types",
        "category",
        "categories",
        "incidenttype",
        "violation",
        "violations",
        "status",
        "тип",
        "тып",
        "вид",
        "від",
        "видинцидента",
        "відінцыдэнту",
        "категория",
        "катэгорыя",
        "нарушение",
        "парушэнне",
    ],
    "country": ["country", "countrykilled", "nation", "страна", "краіна"],
    "region": ["region", "state", "province", "oblast", "область", "вобласць", "регион", "рэгіён"],
    "city": [
        "city",
        "town",
        "locality",
        "location",
        "place",
        "город",
        "горад",
        "место",
        "месца",
        "населенныйпункт",
        "населеныпункт",
    ],
    "latitude": ["latitude", "lat", "широта", "шырата"],
    "longitude": ["longitude", "lon", "lng", "long", "долгота", "даўгата"],
    "journalists": [
        "journalist",
        "journalists",
        "name",
        "fullname",
        "target",
        "targets",
        "victim",
        "person",
        "who",
        "журналист",
        "журналіст",
        "журналисты",
        "журналісты",
        "имя",
        "фио",
        "імя",
    ],
    "outlets": [
        "outlet",
        "outlets",
        "media",
        "organization",
        "organizations",
        "organisation",
        "publication",
        "newsroom",
        "сми",
        "смі",
        "издание",
        "выданне",
        "редакция",
        "рэдакцыя",
    ],
    "perpetrator": [
        "perpetrator",
        "actor",
        "assailant",
        "sourceoffire",
        "sourcesoffire",
        "sourcefire",
        "agency",
        "by",
        "виновник",
        "исполнитель",
        "кто",
        "хто",
        "ведомство",
        "ведамства",
    ],
    "summary": [
        "summary",
        "title",
        "description",
        "what",
        "headline",
        "описание",
        "апісанне",
        "чтослучилось",
        "штоадбылося",
        "подробности",
        "падрабязнасці",
    ],
    "status": ["verified", "verification", "motiveconfirmed", "confirmed", "статус"],
    "tags": ["tag", "tags", "label", "labels", "теги", "тэгі", "метки"],
    "source_url": [
        "url",
        "link",
        "links",
        "sourceurl",
        "source",
        "ссылка",
        "спасылка",
        "источник",
        "крыніца",
    ],
    "publisher": ["publisher", "sourcename", "reportedby", "издатель", "выдавец", "кемпаведамлена"],
}
DATE_LAYOUTS = [
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%B %d, %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%Y/%m/%d",
    "%B %Y",
]
# Words of a kind cell and the built-in kind they suggest (stems, any script).
KIND_WORDS = [
    ("raid", ["raid", "search", "обыск", "вобшук", "ператрус"]),
    ("detention", ["detain", "detention", "задерж", "затрым"]),
    ("arrest", ["arrest", "арест", "арышт"]),
    ("killing", ["kill", "murder", "убий", "забой", "death"]),
    ("assault", ["assault", "attack", "beat", "избие", "збіц", "напад"]),
    ("threat", ["threat", "harass", "угроз", "пагроз"]),
    ("blocking", ["block", "блок"]),
    ("equipment-seizure", ["seiz", "confiscat", "изъят", "канфіск"]),
    ("charge", ["charge", "обвин", "абвінав"]),
    ("conviction", ["convict", "sentence", "приговор", "прысуд"]),
    ("designation", ["designat", "extremis", "экстрем", "экстрэм"]),
    ("disappearance", ["missing", "disappear", "исчез", "знік"]),
    ("denial-of-access", ["access", "доступ"]),
]
SEPARATORS = (";", ",", "|")


def _key(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


def _quoted(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _columns(
    header: list[str], rows: list[dict], named: dict[str, str] | None = None
) -> dict[str, str]:
    """field -> the column whose name means it; each column used once, the first fields
    first (a "Name" column is the journalist, not the outlet). Of several columns named like
    kinds ("Type", "Status"), the one whose values read most as kinds; a country or date
    column not named so is found by its values."""
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    for name, words in NAMES.items():
        found = [c for c in header if c not in taken and _key(c) in words]
        if name == "kinds" and len(found) > 1:
            found.sort(key=lambda c: -sum(_kind_for(v, named) != "other" for v in _values(rows, c)))
        if not found and name in FOUND_BY_VALUES:
            found = [c for c in [FOUND_BY_VALUES[name](rows, header, taken)] if c]
        if found:
            chosen[name] = found[0]
            taken.add(found[0])
    return chosen


def _by_values(reads) -> callable:
    """A finder of the column most of whose first values `reads` accepts."""

    def find(rows: list[dict], header: list[str], taken: set[str]) -> str | None:
        best, most = None, 0
        for column in header:
            if column in taken:
                continue
            values = _values(rows, column)[:50]
            n = sum(1 for v in values if reads(v))
            if values and n > most and n >= len(values) / 2:
                best, most = column, n
        return best

    return find


def _values(rows: list[dict], column: str) -> list[str]:
    return [v.strip() for r in rows if isinstance(v := r.get(column), str) and v.strip()]


def _layouts_of(values: list[str]) -> list[str]:
    """The date layouts that read at least one of the values, most reading first."""
    counts = {}
    for layout in DATE_LAYOUTS:
        n = 0
        for value in values:
            try:
                datetime.strptime(value, layout)
                n += 1
            except ValueError:
                pass
        if n:
            counts[layout] = n
    return sorted(counts, key=lambda layout: -counts[layout])


def _is_country(value: str) -> bool:
    from pressfree import countries

    return countries.code_for_name(value) is not None


FOUND_BY_VALUES = {
    "date": _by_values(lambda v: bool(_layouts_of([v]) or loose_date(v))),
    "country": _by_values(_is_country),
}


def _separator(values: list[str]) -> str | None:
    for separator in SEPARATORS:
        if sum(separator in v for v in values) >= max(1, len(values) // 10):
            return separator
    return None


def _kind_for(value: str, named: dict[str, str] | None = None) -> str:
    """The kind a cell names: by a stored kind's slug, label or name in any language
    (`named`, vocabulary.kind_words), else by the words it holds."""
    folded = value.strip().casefold()
    if named and folded in named:
        return named[folded]
    for slug, stems in KIND_WORDS:
        if any(stem in folded for stem in stems):
            return slug
    return "other"


def initial_mapping(path: Path, fmt: str, named: dict[str, str] | None = None) -> str:
    """The TOML text of a starting mapping for the file; kinds read through `named` (every
    name the store gives each kind, vocabulary.kind_words) as well as their words."""
    header = readers.header(path, fmt)
    rows = [row for _, row in islice(readers.rows(path, fmt), SAMPLE)]
    columns = _columns(header, rows, named)
    shown = _quoted(path.name)  # a name in a comment must not end the comment
    lines = [
        f"# A starting mapping for {shown}, written by `pressfree mapping init`.",
        "# Every line marked `guessed` is a guess: check it against the file, then",
        f"#   pressfree import {shown} --mapping THIS-FILE --dry-run",
        "# Columns not named below are kept with each incident as extra fields.",
        f"name = {_quoted(slugify(path.stem) or 'my-sheet')}"
        "   # the dataset: external ids are unique within it",
    ]
    try:
        known = recognise(header)
    except InvalidValue:  # a header fitting two presets: no one preset to name
        known = None
    if known is not None:
        lines[1:1] = [
            f"# This file fits preset {known.title}: `pressfree import` reads it with no mapping;",
            "# write one only to read it differently.",
        ]
    if "date" in columns:
        values = _values(rows, columns["date"])
        layouts = _layouts_of(values) or ["%Y-%m-%d"]
        lines.append(
            f"date_formats = [{', '.join(map(_quoted, layouts))}]   # guessed; "
            "2021, 2021-07 and 2021-07-26..2021-07-30 always read"
        )
        if any(not _layouts_of([v]) and loose_date(v) for v in values):
            lines.append(
                'loose_dates = true   # guessed: some dates are words ("June 7 or 8,'
                ' 2008"); their month or year is kept'
            )
    countries = _values(rows, columns["country"]) if "country" in columns else []
    if countries and any(len(v) != 2 for v in countries):
        lines.append("country_names = true   # guessed: countries are written as names")
    lines.append(
        'unknown_kinds = "create"   # a kind not listed under [kinds] becomes a new '
        'kind; "error" refuses it'
    )
    lines += ["", "[columns]"]
    for name in NAMES:
        if name in columns:
            how = "its name" if _key(columns[name]) in NAMES[name] else "its values"
            lines.append(f"{name} = {_quoted(columns[name])}   # guessed from {how}")
        elif name == "date":
            lines.append(
                '# date = ""   # no column looked like a date: name it here '
                "(every incident needs one)"
            )
        else:
            lines.append(f'# {name} = ""')
    splits = {
        name: _separator(_values(rows, columns[name]))
        for name in ("kinds", "journalists", "outlets", "tags")
        if name in columns
    }
    if any(splits.values()):
        lines += ["", "[split]   # guessed: cells holding several values"]
        lines += [f"{name} = {_quoted(sep)}" for name, sep in splits.items() if sep]
    if "kinds" not in columns:
        lines += [
            "",
            "[defaults]",
            'kinds = "other"   # no column of kinds: every incident '
            "gets this kind (or name the column above)",
        ]
    else:
        separator = splits.get("kinds")
        seen: dict[str, str] = {}
        for value in _values(rows, columns["kinds"]):
            for part in value.split(separator) if separator else [value]:
                if part.strip():  # a mapping's [kinds] ignore case: one line a kind
                    seen.setdefault(part.strip().casefold(), part.strip())
        if seen:
            lines += [
                "",
                "[kinds]   # each value in the file -> a kind (`pressfree kinds`); "
                "guessed from its words",
            ]
            lines += [
                f"{_quoted(value)} = {_quoted(_kind_for(value, named))}"
                for value in islice(seen.values(), SHOWN_KINDS)
            ]
    unused = [c for c in header if c not in columns.values()]
    if unused:
        lines += [
            "",
            f"# Kept as extra fields: {', '.join(map(_quoted, unused))}",
            "# skip = []   # columns to leave out altogether",
        ]
    return "\n".join(lines) + "\n"
