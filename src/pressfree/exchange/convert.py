"""Turning one raw row into incident values, as a mapping says, or into a precise complaint."""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pressfree import countries, dates
from pressfree.errors import InvalidValue
from pressfree.exchange.mapping import FIELDS, LIST_FIELDS, Mapping
from pressfree.public_ids import checked_public_id
from pressfree.schemas import (
    check_status,
    checked_update,
    extra_problem,
    first_text_problem,
    is_url,
)
from pressfree.store.models import STATUSES

TRUE = {"true", "1", "yes", "y", "t"}
# "Title (https://...) via Publisher, Title (https://...)" as the U.S. Press Freedom Tracker
# writes its links; titles may hold commas, so the URL in brackets is the anchor (any scheme:
# whether it is a URL is schemas.is_url's to say, as for every source).
LINK = re.compile(
    r"\s*(?P<title>.*?)\s*\((?P<url>[A-Za-z][A-Za-z0-9+.-]*://[^\s)]+)\)"
    r"(?:\s+via\s+(?P<publisher>[^,]+?))?\s*(?:,|$)"
)
SLUG_CHARS = re.compile(r"[^a-z0-9]+")
MEMO_LIMIT = 50_000
FIELD_MEMO = 20_000  # distinct cells of one field remembered; then forgotten
TEXT_FIELDS = (
    "region",
    "city",
    "perpetrator",
    "summary",
    "public_summary",
    "external_id",
    "dataset",
)
# Whose texts the rule every path applies checks (schemas.text_problem), in this order: a row
# with two bad texts is refused for the first.
CHECKED = (*TEXT_FIELDS, "journalists", "outlets", "tags", "sources")
SOURCE_PARTS = ("url", "title", "publisher")
# The fields a source is read from, as columns of the mapping
SOURCE_COLUMNS = ("source_url", "source_title", "publisher", "source_published", "source_links")
SOURCE_FIELDS = {"url": "source_url", "title": "source_title", "publisher": "publisher"}


class NotAnIncident(Exception):
    """A row the mapping's skip_rows_without rule says is not an incident (a footnote)."""


class RowError(Exception):
    """One bad cell: the column, its value and why."""

    def __init__(self, column: str, value: Any, reason: str):
        self.column, self.value, self.reason = column, value, reason
        super().__init__(f"{column}: {value!r} {reason}")

    def __reduce__(self) -> tuple[type, tuple[str, Any, str]]:  # sent between processes
        return type(self), (self.column, self.value, self.reason)


@dataclass
class ParsedRow:
    first: date
    last: date
    precision: str
    kinds: list[str]
    public_id: str | None = None
    external_id: str | None = None
    dataset: str | None = None
    country: str | None = None
    region: str | None = None
    city: str | None = None
    perpetrator: str | None = None
    summary: str | None = None
    public_summary: str | None = None
    status: str = "reported"
    restricted: bool = False  # only a pressfree document says so (a file's rows never are)
    journalists: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    sources: list[tuple] = field(default_factory=list)  # (url, title, publisher, published)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra: dict | None = None
    # dated updates: (date, text, source URL, publisher)
    updates: list[tuple[dates.PartialDate, str, str | None, str | None]] = field(
        default_factory=list
    )
    # whether a detention opens a custody period: never for a row of a file (it does not
    # say who is still held); a pressfree document says so of each incident
    opens_custody: bool = False
    # where it happened (schema 12): a pressfree document says so
    latitude: float | None = None
    longitude: float | None = None
    # (content, identity) hashes, once matching.hashes has worked them out
    hashes: tuple[str, str] | None = field(default=None, compare=False)


def _text_of(value: Any) -> str | None:
    """A value of a JSON object that should be text: anything else is refused by the rule
    that reads it, as text."""
    return value if value is None or isinstance(value, str) else json.dumps(value)


def _iso_day(value: str) -> dates.PartialDate | None:
    """The common case, 2021-07-30, without the general parser."""
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return None
        return dates.PartialDate(day, day, "day")
    return None


def _partial(value: str) -> dates.PartialDate | None:
    """A month, a year, a range or a loosely written day: pressfree's own date forms."""
    try:
        return dates.parse(value)
    except InvalidValue:
        return None


MONTHS = {
    name.casefold(): number
    for names in (calendar.month_name, calendar.month_abbr)
    for number, name in enumerate(names)
    if name
} | {"sept": 9}
LOOSE_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
# A month is capitalised, as trackers write one: "may" in "may be 2013" is no month.
LOOSE_MONTH = re.compile(r"\b[A-Z][a-z]+")
LETTER = re.compile(r"[^\W\d_]")


def loose_date(value: str) -> dates.PartialDate | None:
    """What a date written as free text still says ("June 7 or 8, 2008" is June 2008,
    "Unknown in 2013" is 2013, "October 2015 - June 2016" the months between): the months
    and years it names, at the precision they give. None for text without words (a
    mistyped day such as 2021-02-30 stays an error) or naming no year."""
    years = [int(y) for y in LOOSE_YEAR.findall(value)]
    if not years or not LETTER.search(value):
        return None
    months = [MONTHS[w.casefold()] for w in LOOSE_MONTH.findall(value) if w.casefold() in MONTHS]
    if not months:
        first, last = dates.year(min(years)), dates.year(max(years))
    elif len(years) == 1:
        first, last = dates.month(years[0], min(months)), dates.month(years[0], max(months))
    else:
        pairs = (
            list(zip(months, years))
            if len(months) == len(years)
            else [(1, min(years)), (12, max(years))]
        )
        first = dates.month(pairs[0][1], pairs[0][0])
        last = dates.month(pairs[-1][1], pairs[-1][0])
    if first == last:
        return first
    if last.last < first.first:
        return None
    return dates.PartialDate(first.first, last.last, "range")


def _precision(layout: str) -> str:
    """How precise a date read with this strptime layout is."""
    if "%d" in layout or "%j" in layout:
        return "day"
    return "month" if any(d in layout for d in ("%m", "%B", "%b")) else "year"


def _json_list(text: str):
    """A cell written as a JSON array by pressfree's CSV export; other text stays text."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return text


def _scalar(column: str, value: Any) -> str:
    """A JSON cell as text: text, or a number (an id written as one); never a list, an
    object or true/false, which no field holds."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise RowError(column, value, "is not text")


def slugify(text: str) -> str:
    return SLUG_CHARS.sub("-", text.casefold()).strip("-")


class Converter:
    """Applies one mapping to rows; knows the kinds the database has."""

    def __init__(self, mapping: Mapping, known_kinds: set[str], own: dict[str, dict] | None = None):
        self.m = mapping
        self.own = own or {}  # the database's own fields (own_fields): a column of one is checked
        self.known_kinds = set(known_kinds) | set(mapping.new_kinds)
        self.created_kinds: dict[str, str] = {}  # slug -> label, made from unmapped values
        self.used = mapping.used_columns()
        self.missing = mapping.missing
        # Fields the mapping gives neither a column nor a default are skipped outright.
        self.absent = {
            name for name in FIELDS if name not in mapping.columns and name not in mapping.defaults
        }
        # Cells repeat (the same category, country, status): remember what each became.
        self.memo: dict[tuple, Any] = {}
        self.extra_columns: dict[tuple, list[str]] = {}
        # Fields given a value when the file has none: what the file held instead is kept.
        self.defaulted = [name for name in FIELDS if name in mapping.defaults or name == "status"]
        # What each field became from its cells (_field), and the columns it reads them from
        self.cells: dict[str, dict] = {name: {} for name in (*FIELDS, "sources")}
        self.reads: dict[str, tuple[str, ...]] = {
            name: (
                *mapping.columns.get(name, ()),
                *mapping.subtract.get(name, ()),
                *(mapping.columns.get("month_flag", ()) if name == "date" else ()),
            )
            for name in FIELDS
        }
        self.reads["sources"] = tuple(c for n in SOURCE_COLUMNS for c in mapping.columns.get(n, ()))

    def _remember(self, key: tuple, compute):
        try:
            return self.memo[key]
        except KeyError:
            pass
        except TypeError:  # a JSON list in the cell: nothing to remember it by
            return compute()
        if len(self.memo) > MEMO_LIMIT:
            self.memo.clear()
        value = self.memo[key] = compute()
        return value

    def _field(self, compute, row: dict, name: str, discarded: dict, checked: dict):
        """compute(row, name, discarded) of one field, with the first of its texts that the
        text rule refuses put in checked. Worked out once per distinct cells it reads (a
        file's places, names, days and publishers repeat), until it has read FIELD_MEMO
        different ones: a field whose cells never repeat (a summary) is then worked out
        for each row. A list is the caller's own copy."""
        if name in self.absent:
            return [] if name in LIST_FIELDS else compute(row, name, discarded)
        memo = self.cells.get(name)
        if memo is None:
            dropped: dict = {}
            value = compute(row, name, dropped)
            problem = _text_problem(name, value)
        else:
            key = tuple(map(row.get, self.reads[name]))
            try:
                value, dropped, problem = memo[key]
            except KeyError:
                dropped = {}
                value = compute(row, name, dropped)
                problem = _text_problem(name, value)
                if len(memo) >= FIELD_MEMO:
                    del self.cells[name]
                memo[key] = (value, dropped, problem)
            except TypeError:  # a JSON list or object in a cell: nothing to remember it by
                dropped = {}
                value = compute(row, name, dropped)
                problem = _text_problem(name, value)
        if dropped:
            discarded.update(dropped)
        if problem:
            checked[name] = problem
        return list(value) if isinstance(value, list) else value

    # --- cells ------------------------------------------------------------------------

    def _raw(self, row: dict, name: str, strip: bool = True) -> tuple[str | None, Any]:
        """The first column of the field holding a value: (column, value)."""
        for column in self.m.columns.get(name, ()):
            value = row.get(column)
            if isinstance(value, str):
                if value.strip() in self.missing:
                    continue
                if self.m.json_cells and name in LIST_FIELDS and value.startswith("["):
                    value = _json_list(value)
                    if isinstance(value, list):
                        return column, value
                return column, value.strip() if strip else value
            if value is not None and value != []:
                return column, value
        return None, None

    def _parts(self, name: str, value: Any) -> list[str]:
        """A cell split on the field's separator (a JSON list is already split)."""
        if isinstance(value, str):
            separator = self.m.split.get(name)
            return value.split(separator) if separator else [value]
        return [_scalar(name, v) if v is not None else "" for v in value]

    def positional(self, row: dict, name: str) -> list[str | None]:
        """Parallel list cells (source URLs beside their titles): empty places are kept."""
        if name in self.absent:
            return []
        _, value = self._raw(row, name, strip=False)
        if value is None:
            return []
        return [None if p.strip() in self.missing else p.strip() for p in self._parts(name, value)]

    def _mapped(self, name: str, column: str | None, value: str, discarded: dict) -> str | None:
        if name in self.m.patterns:
            match = self.m.patterns[name].search(value)
            if match:
                value = (
                    match.groupdict().get("value") or match.group(1)
                    if match.groups()
                    else match.group(0)
                ).strip()
        table = self.m.values.get(name)
        if table is not None:
            mapped = table.get(value.casefold())
            if mapped is not None:
                if mapped == "" and column:
                    discarded[column] = value  # dropped by the mapping: kept as extra
                return mapped or None
        return value or None

    def updates(self, row: dict) -> list[tuple[dates.PartialDate, str, str | None, str | None]]:
        """An export's updates: a list of {date, text, source, publisher} (a JSON cell in
        CSV), each held to the rules of `pressfree note`."""
        if "updates" in self.absent:
            return []
        column, value = self._raw(row, "updates")
        if value is None:
            return []
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise RowError(column, value[:60], "is not a JSON list of updates") from None
        if not isinstance(value, list) or not all(isinstance(u, dict) for u in value):
            raise RowError(column, str(value)[:60], "is not a list of JSON objects")
        found = []
        for update in value:
            try:
                when, words, given = checked_update(
                    _text_of(update.get("text")),
                    _text_of(update.get("date")),
                    _text_of(update.get("source")),
                    _text_of(update.get("publisher")),
                    "date",
                )
                found.append(
                    (when, words, given.url, given.publisher)
                    if given
                    else (when, words, None, None)
                )
            except InvalidValue as error:
                raise RowError(f"{column}.{error.field}", error.value, error.reason) from None
        return found

    def text(self, row: dict, name: str, discarded: dict) -> str | None:
        if name in self.absent:
            return None
        column, value = self._raw(row, name)
        if value is None:
            default = self.m.defaults.get(name)
            return default if default else None
        return self._mapped(name, column, _scalar(column, value), discarded)

    def _own(self, extra: dict) -> dict:
        """Columns named as the database's own fields, each value checked by its type."""
        from pressfree.own_fields import checked

        try:
            return checked(self.own, extra)
        except InvalidValue as error:
            raise RowError(error.field, error.value, error.reason) from None

    def point(self, row: dict) -> tuple[float | None, float | None]:
        """Latitude and longitude in decimal degrees, both or neither, checked as `add
        --lat/--lon` checks them."""
        from pressfree.schemas import degrees

        if "latitude" in self.absent and "longitude" in self.absent:
            return None, None
        found = {}
        for name in ("latitude", "longitude"):
            column, value = (None, None) if name in self.absent else self._raw(row, name)
            try:
                found[name] = (column, degrees(value, name))
            except InvalidValue as error:
                raise RowError(column or name, value, error.reason) from None
        (lat_column, lat), (lon_column, lon) = found["latitude"], found["longitude"]
        if (lat is None) != (lon is None):
            column, value, missing = (
                (lat_column, lat, "longitude") if lon is None else (lon_column, lon, "latitude")
            )
            raise RowError(column or "latitude", value, f"needs a {missing} too")
        return lat, lon

    def many(self, row: dict, name: str, discarded: dict) -> list[str]:
        """A list field: the values of every column it names, split, mapped, de-duplicated."""
        if name in self.absent:
            return []
        cells = []
        for column in self.m.columns.get(name, ()):
            value = row.get(column)
            if (
                isinstance(value, str)
                and self.m.json_cells
                and name in LIST_FIELDS
                and value.startswith("[")
            ):
                value = _json_list(value)
            if isinstance(value, str) and value.strip() not in self.missing:
                cells.append((column, value))
            elif isinstance(value, list) and value:
                cells.append((column, value))
            elif value is not None and not isinstance(value, (str, list)):
                raise RowError(column, value, "is not text or a list of text")
        if not cells and self.m.defaults.get(name):
            cells = [(None, self.m.defaults[name])]
        parts = [(column, part) for column, value in cells for part in self._parts(name, value)]
        ignore = self.m.ignore.get(name, set())
        out: list[str] = []
        for column, part in parts:
            part = part.strip()
            if part in self.missing or part.casefold() in ignore:
                continue
            mapped = self._mapped(name, column, part, discarded)
            if mapped and mapped not in out:
                out.append(mapped)
        if name in self.m.subtract:
            others = set()
            for other in self.m.subtract[name]:
                cell = row.get(other)
                if isinstance(cell, str) and cell.strip() not in self.missing:
                    separator = self.m.split.get(name)
                    others.update(
                        p.strip() for p in (cell.split(separator) if separator else [cell])
                    )
            out = [v for v in out if v not in others]
        return out

    # --- fields -----------------------------------------------------------------------

    def kinds(self, row: dict) -> list[str]:
        return list(
            self._remember(
                ("kinds", *map(row.get, self.m.columns.get("kinds", ()))), lambda: self._kinds(row)
            )
        )

    def _kinds(self, row: dict) -> list[str]:
        column = (self.m.columns.get("kinds") or ["kinds"])[0]
        values = self.many(row, "kinds", {})
        slugs: list[str] = []
        for value in values:
            mapped = self.m.kinds.get(value.casefold())
            if mapped is None:
                slug = value.strip().lower()
                if slug in self.known_kinds:
                    mapped = [slug]
                elif self.m.unknown_kinds == "create" and slugify(value):
                    mapped = [slugify(value)]
                    if mapped[0] not in self.known_kinds:
                        self.created_kinds.setdefault(mapped[0], value.strip())
                else:
                    raise RowError(
                        column,
                        value,
                        "is not a known kind (map it under [kinds] "
                        'in the mapping, or set unknown_kinds = "create")',
                    )
            for slug in mapped:
                if slug not in slugs:
                    slugs.append(slug)
        if not slugs:
            raise RowError(
                column,
                "",
                "is empty: every incident needs a kind (or set defaults.kinds in the mapping)",
            )
        return slugs

    def date(self, row: dict, _: str, discarded: dict) -> dates.PartialDate:
        column, value = self._raw(row, "date")
        if value is None:
            value = self.m.defaults.get("date")
            column = (self.m.columns.get("date") or ["date"])[0]
            if not value:
                raise RowError(column, "", "is empty: every incident needs a date")
        value = str(value).strip()
        parsed = _iso_day(value) or _partial(value) or self._layouts(value)
        if parsed is None and self.m.loose_dates and (parsed := loose_date(value)):
            discarded[column] = value  # read loosely: the words are kept as extra
        if parsed is None:
            loosely = None if self.m.loose_dates else loose_date(value)
            raise RowError(
                column,
                value,
                "is not a date in any layout the mapping "
                f"allows ({', '.join(self.m.date_formats)})"
                + (f" (with loose_dates = true it is read as {loosely})" if loosely else ""),
            )
        if "month_flag" in self.absent:
            return parsed
        _, flag = self._raw(row, "month_flag")
        if flag is not None and str(flag).strip().lower() in TRUE:
            parsed = dates.month(parsed.first.year, parsed.first.month)
        return parsed

    def _layouts(self, value: str) -> dates.PartialDate | None:
        for layout in self.m.date_formats:
            try:
                day = datetime.strptime(value, layout).date()
            except ValueError:
                continue
            precision = _precision(layout)
            if precision == "month":
                return dates.month(day.year, day.month)
            return (
                dates.year(day.year) if precision == "year" else dates.PartialDate(day, day, "day")
            )
        return None

    def country(self, row: dict, discarded: dict) -> str | None:
        if "country" in self.absent:
            return None
        key = ("country", *map(row.get, self.m.columns.get("country", ())))
        code, dropped = self._remember(key, lambda: self._country(row))
        if dropped:
            discarded.update(dropped)
        return code

    def _country(self, row: dict) -> tuple[str | None, dict]:
        discarded: dict = {}
        return self._country_code(row, discarded), discarded

    def _country_code(self, row: dict, discarded: dict) -> str | None:
        column, _ = self._raw(row, "country")
        value = self.text(row, "country", discarded)
        if value is None:
            return None
        if len(value) == 2:
            try:
                return countries.normalise(value)
            except InvalidValue:
                pass
        if self.m.country_names and (code := countries.code_for_name(value)):
            return code
        raise RowError(
            column or "country",
            value,
            "is not a country code"
            + (" or name" if self.m.country_names else "")
            + " (map it under [values.country])",
        )

    def status(self, row: dict, _: str, discarded: dict) -> str:
        if "status" in self.absent:
            return "reported"
        column, _ = self._raw(row, "status")
        value = (self.text(row, "status", discarded) or "reported").lower()
        try:
            return check_status(value)  # the rule every path follows
        except InvalidValue:
            raise RowError(
                column or "status",
                value,
                f"is not a status ({', '.join(STATUSES)}) (map it under [values.status])",
            ) from None

    def sources(self, row: dict, _: str, discarded: dict) -> list[tuple]:
        urls = self.positional(row, "source_url")
        titles = self.positional(row, "source_title")
        publishers = self.positional(row, "publisher")
        published = self.positional(row, "source_published")
        default_publisher = self.m.defaults.get("publisher")
        out = []
        for i in range(max(len(urls), len(titles), len(publishers))):
            url, title, publisher, day = (
                part[i] if i < len(part) else None for part in (urls, titles, publishers, published)
            )
            if url and not is_url(url):
                raise RowError(self.m.columns["source_url"][0], url, "is not a URL")
            if day:
                try:
                    day = dates.parse_day(day, "published")  # as a source given by hand
                except InvalidValue:
                    raise RowError(
                        self.m.columns["source_published"][0], day, "is not a day (YYYY-MM-DD)"
                    ) from None
            if url or title or publisher:
                out.append((url, title, publisher or default_publisher, day))
        column, links = self._raw(row, "source_links")
        if isinstance(links, str):
            for match in LINK.finditer(links):
                if match.group("url"):
                    if not is_url(match["url"]):
                        raise RowError(column, match["url"], "is not a URL")
                    out.append(
                        (
                            match["url"],
                            match["title"] or None,
                            (match["publisher"] or "").strip() or default_publisher,
                            None,
                        )
                    )
        if not out and default_publisher:
            out.append((None, None, default_publisher, None))
        seen, unique = set(), []
        for source in out:
            key = source[0] or source
            if key not in seen:
                seen.add(key)
                unique.append(source)
        return unique

    def timestamp(self, row: dict, name: str) -> datetime | None:
        if name in self.absent:
            return None
        column, value = self._raw(row, name)
        if value is None:
            return None
        try:
            return dates.parse_timestamp(value, column)
        except InvalidValue as error:
            raise RowError(column, value, error.reason) from None

    def convert(self, row: dict) -> ParsedRow:
        # a footnote row is often one cell: it is not an incident, whatever its width
        if self.m.skip_rows_without and all(
            self._raw(row, name)[1] is None for name in self.m.skip_rows_without
        ):
            raise NotAnIncident()
        if "__width__" in row:
            found, expected = row["__width__"]
            raise RowError("(row)", f"{found} cells", f"but the header has {expected} columns")
        discarded: dict = {}
        checked: dict = {}  # field: the first of its texts the text rule refuses
        each, text, many = self._field, self.text, self.many
        when = each(self.date, row, "date", discarded, checked)
        self._defaulted(row, discarded)
        parsed = ParsedRow(
            first=when.first,
            last=when.last,
            precision=when.precision,
            kinds=self.kinds(row),
            country=self.country(row, discarded),
            region=each(text, row, "region", discarded, checked),
            city=each(text, row, "city", discarded, checked),
            perpetrator=each(text, row, "perpetrator", discarded, checked),
            summary=each(text, row, "summary", discarded, checked),
            public_summary=each(text, row, "public_summary", discarded, checked),
            status=each(self.status, row, "status", discarded, checked),
            journalists=each(many, row, "journalists", discarded, checked),
            outlets=each(many, row, "outlets", discarded, checked),
            tags=each(many, row, "tags", discarded, checked),
            sources=each(self.sources, row, "sources", discarded, checked),
            created_at=self.timestamp(row, "created_at"),
            updated_at=self.timestamp(row, "updated_at"),
            updates=self.updates(row),
        )
        for when, *_ in parsed.updates:
            if when.last < parsed.first:
                raise RowError(
                    self.m.columns["updates"][0] + ".date",
                    str(when),
                    "is before the incident "
                    f"({dates.from_stored(parsed.first, parsed.last, parsed.precision)})",
                )
        _, public_id = self._raw(row, "id")
        _, external_id = self._raw(row, "external_id")
        if public_id:
            try:
                parsed.public_id = checked_public_id(public_id)
            except InvalidValue as error:
                raise RowError(self.m.columns["id"][0], public_id, error.reason) from None
        parsed.external_id = str(external_id) if external_id is not None else None
        parsed.latitude, parsed.longitude = self.point(row)
        if "dataset" in self.m.columns:
            _, dataset = self._raw(row, "dataset")
            parsed.dataset = str(dataset) if dataset else ""
        keys = tuple(row)
        unused = self.extra_columns.get(keys)
        if unused is None:
            unused = self.extra_columns[keys] = [
                k for k in keys if k not in self.used and k != "extra"
            ]
            if len(self.extra_columns) > MEMO_LIMIT:
                self.extra_columns.clear()
        extra = {}
        for k in unused:
            v = row[k]
            if v is not None and (not isinstance(v, str) or v not in self.missing):
                extra[k] = v
        carried = row.get("extra")
        if isinstance(carried, str) and self.m.json_cells and carried.startswith("{"):
            try:
                carried = json.loads(carried)
            except ValueError:
                raise RowError("extra", carried[:60], "is not a JSON object") from None
        if isinstance(carried, dict):
            extra.update(carried)
        extra.update(discarded)
        if extra and (found := extra_problem(extra)):
            where, value, problem = found
            raise RowError(where, value, problem)
        if self.own and extra:
            extra = self._own(extra)
        parsed.extra = extra or None
        for name in ("external_id", "dataset"):
            if problem := _text_problem(name, getattr(parsed, name)):
                checked[name] = problem
        self._check_text(checked)
        return parsed

    def _defaulted(self, row: dict, discarded: dict) -> None:
        """A field that takes its default (or status its "reported") because its cells hold
        only "not known" markers such as N/A: the markers are kept among the extra fields,
        so that the file can be read back from what was stored."""
        for name in self.defaulted:
            if self._raw(row, name)[1] is None:
                for column in self.m.columns.get(name, ()):
                    cell = row.get(column)
                    if isinstance(cell, str) and cell.strip():
                        discarded[column] = cell

    def _check_text(self, checked: dict) -> None:
        """The rule every path into the store applies to text (schemas.text_problem): the
        row is refused for the first field, in CHECKED's order, holding a text it refuses."""
        if not checked:
            return
        name, value, problem = next(checked[n] for n in CHECKED if n in checked)
        column = self.m.columns.get(SOURCE_FIELDS.get(name, name), [name])[0]
        raise RowError(column, value, problem)


def _text_problem(name: str, value: Any) -> tuple[str, str, str] | None:
    """The first (field, text, why) of a field's value that the text rule refuses: a text,
    a list of texts, or sources (their URLs, titles and publishers). None for the fields
    it does not apply to (a date, a status)."""
    if name not in CHECKED or not value:
        return None
    if isinstance(value, str):
        return first_text_problem([(name, value)])
    if name == "sources":
        return first_text_problem(
            [(part, v) for source in value for part, v in zip(SOURCE_PARTS, source[:3]) if v]
        )
    return first_text_problem([(name, v) for v in value if v])
