"""Input and output shapes: validated drafts coming in, plain records going out."""

from __future__ import annotations

import functools
import math
import re
from dataclasses import asdict, dataclass, field, is_dataclass
from dataclasses import fields as dataclass_fields
from datetime import date
from typing import Any, cast

from pydantic import ValidationError, ValidationInfo, field_validator, model_validator
from sqlmodel import Field, SQLModel

from pressfree import countries, dates
from pressfree.errors import InvalidValue
from pressfree.names import MEMO
from pressfree.store.models import STATUSES

# What each field is, by its name: a text's rule (how long it may be, whether it may break
# lines) comes from this table, never from how a command spells its option. How long a value
# may be, so that SQLite and PostgreSQL take the same values: PostgreSQL refuses a VARCHAR(n)
# value longer than n, and an index entry over ~2,700 bytes (names, places, publishers and
# URLs are indexed), where SQLite takes anything.
INDEXED_BYTES = 2000
NAME = "name"  # indexed: at most INDEXED_BYTES, one line
FREE = "free"  # free text: may hold line breaks, tabs and bidirectional controls
LINE = "line"  # one line, no other limit
FIELDS: dict[str, tuple[str, int | None]] = {
    # names, places and addresses (indexed)
    "journalist": (NAME, None),
    "outlet": (NAME, None),
    "city": (NAME, None),
    "country": (NAME, None),
    "url": (NAME, None),
    "publisher": (NAME, None),
    "name": (NAME, None),
    "target": (NAME, None),
    "alias": (NAME, None),
    "person": (NAME, None),
    # free text
    "extra": (FREE, None),
    "summary": (FREE, None),
    "public_summary": (FREE, None),
    "perpetrator": (FREE, None),
    "title": (FREE, None),
    "scope": (FREE, None),
    "region": (FREE, None),
    "note": (FREE, None),
    "text": (FREE, None),
    # one line, some with a column's length
    "tag": (LINE, 100),
    "kind": (LINE, 64),
    "label": (LINE, 200),
    "category": (LINE, None),
    "external_id": (LINE, 500),
    "dataset": (LINE, 200),
    "pseudonym": (LINE, 32),
    "as": (LINE, None),
    "who": (LINE, None),
    "verb": (LINE, None),
    "change": (LINE, None),
    "id": (LINE, None),
    "metric": (LINE, None),
    "by": (LINE, None),
    "charge": (LINE, None),
    "law": (LINE, None),
    "to": (LINE, None),
    "reference": (LINE, None),
    "field": (LINE, 64),  # the name of an organisation's own field (own_fields)
    "media_type": (LINE, 127),  # what an evidence file is ("application/pdf")
}
# Labels that are not a field's own name: a list's plural, a positional argument, an option
# spelt otherwise. (tests/test_layers.py checks that every label the code passes is known.)
LABELS = {
    "journalists": "journalist",
    "outlets": "outlet",
    "tags": "tag",
    "kinds": "kind",
    "aliases": "alias",
    "KEEP": "name",
    "NAME": "field",
    "choices": "field",
    "DROP": "name",
    "same-as": "name",
    "source": "url",
    "source-title": "title",
}


def field_of(label: str) -> str:
    """The field a label names: "--journalist", "incidents[2].journalists" and "KEEP" name
    journalist, journalist and name."""
    name = label.rsplit(".", 1)[-1].lstrip("-")
    return LABELS.get(name, name)


# Control characters could rewrite a terminal that shows them (ESC starts a sequence); free
# text may hold tabs and line breaks, names, places, tags and ids may not.
CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_BREAK = re.compile("[\t\n\r\x85\u2028\u2029]")
# Bidirectional embeddings, overrides and isolates reorder the text after them: in a name, a
# tag or a kind they make a table or the report show one thing for another ("U+202E" turns
# "Losik" round). Free text may hold them (mixed right-to-left writing needs them).
BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")


SURROGATE = re.compile("[\ud800-\udfff]")
# What a file's name may hold that no stored text may: it is written as its escape instead
UNREADABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def file_label(name: str) -> str:
    """A file's name as it is stored and shown (the imports list, the history): the name is
    what it is, so a control, line-break or bidirectional character in it is not refused but
    written as its escape (\\x1b, \\u202e), which can neither rewrite a terminal nor turn
    the name round."""
    return UNREADABLE.sub(lambda found: found[0].encode("unicode_escape").decode("ascii"), name)


@functools.lru_cache(maxsize=MEMO)  # an import asks again for each row's place, names...
def text_problem(value: str, field: str) -> str | None:
    """Why a text value cannot be stored as it is, or None: the same rule for every path
    into the store and for both backends. (Every cell of an import passes here: each test
    is one scan in C.)"""
    if "\x00" in value:
        return "holds a NUL character, which PostgreSQL cannot store"
    if found := CONTROL.search(value):
        return f"holds a control character ({found[0]!r}), which could rewrite a terminal"
    free = FIELDS.get(field_of(field), (LINE, None))[0] == FREE
    if not free and (found := LINE_BREAK.search(value)):
        return f"holds a line break or tab ({found[0]!r}); only free text may"
    if not free and (problem := _bidi_problem(value)):
        return f"{problem}; only free text may"
    if problem := _length_problem(value, field):
        return problem
    if SURROGATE.search(value):
        return "holds an unpaired surrogate, which is not text"
    return None


def _bidi_problem(value: str) -> str | None:
    if found := BIDI_CONTROL.search(value):
        return (
            f"holds a bidirectional control character (U+{ord(found[0]):04X}), which could "
            "make it read as something else"
        )
    return None


def _length_problem(value: str, field: str) -> str | None:
    what, limit = FIELDS.get(field_of(field), (LINE, None))
    if limit is not None and len(value) > limit:
        return f"is longer than {limit} characters"
    # a character is at most 4 bytes in UTF-8: shorter text needs no counting
    if (
        what == NAME
        and len(value) * 4 > INDEXED_BYTES
        and len(value.encode("utf-8", "surrogatepass")) > INDEXED_BYTES
    ):
        return f"is longer than {INDEXED_BYTES:,} bytes"
    return None


def extra_problem(extra: dict, field: str = "extra") -> tuple[str, object, str] | None:
    """The first (field, value, why) of an incident's extra fields that cannot be stored as
    it is, or None: a field's name and text follow the rule of free text (a name becomes a
    label in `show` and a column in exports, so it may not hold a bidirectional control
    either), and no number is NaN or infinite (JSON has none, and one stored would break
    every later query)."""
    pending: list[tuple[str, object]] = [(field, extra)]
    while pending:
        where, value = pending.pop()
        if isinstance(value, dict):
            for key, inner in value.items():
                # a spreadsheet's header may break its line, as free text does; it is shown
                # as a label, so it must not reorder what follows either
                if problem := text_problem(str(key), field) or _bidi_problem(str(key)):
                    return f"{where} field name", key, problem
                pending.append((where, inner))
        elif isinstance(value, list):
            pending.extend((where, inner) for inner in value)
        elif isinstance(value, str):
            if problem := text_problem(value, field):
                return where, value, problem
        elif isinstance(value, float) and not math.isfinite(value):
            return where, value, "is not a finite number"
    return None


def first_text_problem(values: list[tuple[str, str]]) -> tuple[str, str, str] | None:
    """The first (field, value, why) of these that text_problem refuses, or None. Text that
    is all printable ASCII (most rows of an import) breaks no rule about characters, so
    only its length is checked."""
    joined = "".join(value for _, value in values)
    plain = joined.isascii() and joined.isprintable()
    for name, value in values:
        if problem := (_length_problem if plain else text_problem)(value, name):
            return name, value, problem
    return None


# A URL whose host is plain letters, digits, dots and dashes, without a port, user or
# brackets: what urlsplit takes apart without complaint (most sources), said without it.
PLAIN_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9.-]+(?:[/?#][^\s\[\]]*)?\Z")


def is_url(value: str) -> bool:
    """A source URL needs a scheme (https://...) and must be one a URL parser can take apart
    (no "http://[::1" or port 99999), as finding duplicates by URL does; the one check every
    path uses."""
    from urllib.parse import urlsplit

    if PLAIN_URL.match(value):
        return True
    if "://" not in value:
        return False
    try:
        urlsplit(value).port  # noqa: B018 - reading the port is what checks it
    except ValueError:
        return False
    return True


def clean_text(value, field: str) -> str | None:
    """Text as it is stored: blanks stripped, "" meaning not given, and checked."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValue(field, value, "must be text")
    value = value.strip()
    if problem := text_problem(value, field):
        raise InvalidValue(field, value, problem)
    return value or None


def _clean_list(values: list[str] | str, field: str) -> list[str]:
    if isinstance(values, str):  # one value where a list was expected
        values = [values]
    seen: dict[str, None] = {}
    for value in values or []:
        if cleaned := clean_text(value, field):
            seen.setdefault(cleaned, None)
    return list(seen)


class SourceIn(SQLModel):
    """A source as the user gives it: any of url, publisher, title, published date."""

    url: str | None = None
    publisher: str | None = None
    title: str | None = None
    published: date | None = None

    @field_validator("url", "publisher", "title", mode="before")
    @classmethod
    def _strip(cls, value, info: ValidationInfo):
        return clean_text(value, info.field_name)

    @field_validator("published", mode="before")
    @classmethod
    def _published(cls, value):
        if isinstance(value, str):
            return dates.parse_day(value, "published") if value.strip() else None
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value):
        if value and not is_url(value):
            raise InvalidValue("source", value, "is not a URL (it needs a scheme such as https://)")
        return value

    def is_empty(self) -> bool:
        return not (self.url or self.publisher or self.title)


def checked_update(
    text: str | None,
    on: str | None,
    source: str | None = None,
    publisher: str | None = None,
    date_field: str = "--date",
) -> tuple[dates.PartialDate, str, SourceIn | None]:
    """The one rule for a dated update on an incident ("Released on bail"), whatever path
    brings it (`note`, a document, an NDJSON export): some words, a date (today unless
    given), and a source given as `--source`/`--publisher` are."""
    words = clean_text(text, "text")
    if not words:
        raise InvalidValue("text", text or "", "is empty: say what happened")
    today = date.today()
    when = dates.parse(on, date_field) if on else dates.PartialDate(today, today, "day")
    given = (
        cast(SourceIn, validated(SourceIn, url=source, publisher=publisher))
        if (source or publisher)
        else None
    )
    return when, words, given


# An incident's fields as a user (or a document, or the history) gives them: what IncidentIn
# takes, in the order `show` lists them.
INCIDENT_FIELDS = (
    "kinds",
    "date",
    "country",
    "region",
    "city",
    "perpetrator",
    "summary",
    "public_summary",
    "journalists",
    "outlets",
    "status",
    "restricted",
    "tags",
    "sources",
    "latitude",
    "longitude",
)


class IncidentIn(SQLModel):
    """A new incident before it is stored; kinds are checked against the database later."""

    kinds: list[str] = Field(min_length=1)
    date: dates.PartialDate
    country: str | None = None
    region: str | None = None
    city: str | None = None
    perpetrator: str | None = None
    summary: str | None = None
    public_summary: str | None = None
    journalists: list[str] = []
    outlets: list[str] = []
    sources: list[SourceIn] = []
    status: str = "reported"
    restricted: bool = False
    tags: list[str] = []
    latitude: float | None = None
    longitude: float | None = None

    @field_validator("latitude", "longitude", mode="before")
    @classmethod
    def _degrees(cls, value, info: ValidationInfo):
        return degrees(value, info.field_name)

    @model_validator(mode="after")
    def _point(self):
        if (self.latitude is None) != (self.longitude is None):
            given, missing = (
                ("latitude", "longitude") if self.longitude is None else ("longitude", "latitude")
            )
            raise InvalidValue(given, getattr(self, given), f"needs a {missing} too")
        return self

    @field_validator("kinds", "journalists", "outlets", "tags", mode="before")
    @classmethod
    def _lists(cls, values, info: ValidationInfo):
        return _clean_list(values, info.field_name)

    @field_validator("restricted", mode="before")
    @classmethod
    def _restricted(cls, value):
        if value is None:  # not said (an older record, a restore): not restricted
            return False
        if not isinstance(value, bool):
            raise InvalidValue("restricted", value, "must be true or false")
        return value

    @field_validator("kinds")
    @classmethod
    def _kinds(cls, values):
        return [v.lower() for v in values]

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value):
        return dates.parse(value, "date") if isinstance(value, str) else value

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, value):
        return countries.normalise(value)

    @field_validator("region", "city", "perpetrator", "summary", "public_summary", mode="before")
    @classmethod
    def _text(cls, value, info: ValidationInfo):
        return clean_text(value, info.field_name)

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value):
        return check_status(value)

    @field_validator("sources", mode="before")
    @classmethod
    def _sources(cls, values):
        return [
            s
            for s in (
                SourceIn.model_validate(v) if isinstance(v, dict) else v for v in values or []
            )
            if not s.is_empty()
        ]


# The degrees each coordinate may take (WGS 84, as GeoJSON and every map use)
LIMITS = {"latitude": 90.0, "longitude": 180.0}


def degrees(value: Any, field: str) -> float | None:
    """A latitude or longitude in decimal degrees ("53.9", 53.9); None and "" are none."""
    import math

    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InvalidValue(field, value, "is not a number of degrees")
    try:
        number = float(value.strip().replace(",", ".") if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise InvalidValue(field, value, "is not a number of degrees") from None
    if not math.isfinite(number) or abs(number) > LIMITS[field]:
        limit = LIMITS[field]
        raise InvalidValue(field, value, f"must be between -{limit:g} and {limit:g} degrees")
    return number


def check_status(value: str | None, field: str = "status") -> str:
    """None means the default, reported; anything else must be a status."""
    status = "reported" if value is None else value.strip().lower()
    if status not in STATUSES:
        raise InvalidValue(field, value, f"is not a status (one of {', '.join(STATUSES)})")
    return status


def validated(model: type[SQLModel], **values: Any) -> SQLModel:
    """Build a non-table model, turning pydantic's report into one InvalidValue line."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or model.__name__
        raise InvalidValue(where, first.get("input"), first["msg"].lower()) from None


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    """A dataclass's fields (`dataclasses.asdict` copied every value deeply, which took a
    second for a year's census of 20,000 people held)."""
    return tuple(f.name for f in dataclass_fields(kind))


def plain(value: Any) -> Any:
    """Records to JSON-ready data, recursively (dataclasses to dicts, dates to ISO text), so
    every format, and the history, starts from the same data."""
    if hasattr(value, "to_dict"):
        return plain(value.to_dict())
    if is_dataclass(value):
        return {name: plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


@dataclass
class SourceRecord:
    url: str | None
    publisher: str | None
    title: str | None
    published: str | None


@dataclass
class IncidentRecord:
    """An incident as the outside world sees it: the JSON contract of list and show."""

    id: str
    date: str
    date_precision: str
    kinds: list[str]
    country: str | None
    region: str | None
    city: str | None
    journalists: list[str]
    outlets: list[str]
    perpetrator: str | None
    summary: str | None
    status: str
    tags: list[str]
    sources: list[SourceRecord]
    created_at: str
    updated_at: str
    first_day: date = field(repr=False, default=None)
    last_day: date = field(repr=False, default=None)
    external_id: str | None = None
    dataset: str | None = None
    extra: dict | None = None
    opens_custody: bool = True
    updates: list[dict] = field(default_factory=list)  # dated updates, oldest first
    public_summary: str | None = None  # for publication: see redaction.Redactor
    restricted: bool = False  # never published (nor read on a server without the grant)
    latitude: float | None = None  # where it happened, for maps (schema 12)
    longitude: float | None = None
    # evidence files (schema 13), by number: {number, name, sha256, size, media_type, note?,
    # attached_at}; the bytes stay in the store (evidence.py)
    attachments: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for private in ("first_day", "last_day"):
            data.pop(private)
        for optional in (
            "external_id",
            "dataset",
            "extra",
            "public_summary",
            "latitude",
            "longitude",
        ):
            if data[optional] is None:
                data.pop(optional)
        if not data["restricted"]:
            data.pop("restricted")
        # The ledger's business: a pressfree JSON document says it of the rows imported from
        # files, which never open custody; listings and row exports do not.
        data.pop("opens_custody")
        for listed in ("updates", "attachments"):
            if not data[listed]:
                data.pop(listed)
        return data
