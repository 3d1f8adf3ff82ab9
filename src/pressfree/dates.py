"""Partial dates and periods: a day, a month, a year or a range, as first and last day."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

from pressfree.errors import InvalidValue

PRECISIONS = ("day", "month", "year", "range")

_DAY = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")
_YEAR = re.compile(r"^([0-9]{4})$")
# As people write a day: 30.07.2021 (day first, as in Belarus and Russia), 30/07/2021 or
# 07/30/2021 where only one reading is a date, and a month as 07.2021
_NUMERIC_DAY = re.compile(r"^([0-9]{1,2})([./])([0-9]{1,2})\2([0-9]{4})$")
_NUMERIC_MONTH = re.compile(r"^([0-9]{1,2})[./]([0-9]{4})$")
# ...and in words: "30 July 2021", "July 30, 2021", "30 ліпеня 2021 г.", "июль 2021 года"
_WORDS = re.compile(
    r"^(?:([0-9]{1,2})\.?\s+)?([^\W\d_]+\.?)\s+(?:([0-9]{1,2}),?\s+)?([0-9]{4})"
    r"(?:\s*(?:г\.?|года|году|гады|р\.?|року))?$"
)
# The languages whose month names a date may be written with
MONTH_LANGUAGES = ("en", "ru", "be", "uk")
FORMS = "YYYY-MM-DD, 30.07.2021, 30 July 2021, YYYY-MM, YYYY or A..B"


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to a day, month or year, or a range of days; always first <= last."""

    first: date
    last: date
    precision: str

    def __str__(self) -> str:
        if self.precision == "day":
            return self.first.isoformat()
        if self.precision == "month":
            return f"{self.first.year:04d}-{self.first.month:02d}"
        if self.precision == "year":
            return f"{self.first.year:04d}"
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> PartialDate:
        """The period of the same length just before this one: the month before a month,
        the three months before a quarter, the days before a range of days."""
        first, last = self.first, self.last
        try:
            if first.day == 1 and last.day == calendar.monthrange(last.year, last.month)[1]:
                # whole months
                months = (last.year - first.year) * 12 + last.month - first.month + 1
                start = _shift_month(first.year, first.month, -months)
                end = _shift_month(first.year, first.month, -1)
                shifted = PartialDate(date(*start, 1), month(*end).last, "range")
                if self.precision in ("month", "year"):
                    return PartialDate(shifted.first, shifted.last, self.precision)
                return shifted
            end_day = first - timedelta(days=1)
            return PartialDate(
                end_day - timedelta(days=self.days - 1),
                end_day,
                "day" if self.days == 1 else "range",
            )
        except (OverflowError, ValueError):
            raise InvalidValue(
                "period", str(self), "reaches too far back to compare with the period before it"
            ) from None


def _shift_month(y: int, m: int, by: int) -> tuple[int, int]:
    index = y * 12 + (m - 1) + by
    return index // 12, index % 12 + 1


def day(y: int, m: int, d: int) -> PartialDate:
    value = date(y, m, d)
    return PartialDate(value, value, "day")


def month(y: int, m: int) -> PartialDate:
    return PartialDate(date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]), "month")


def year(y: int) -> PartialDate:
    return PartialDate(date(y, 1, 1), date(y, 12, 31), "year")


def later(day: date, months: int, days: int = 0) -> date:
    """A day plus a term: months (to the same day of the month, or its last), then days."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1])) + timedelta(
        days=days
    )


def parse(text: str, field: str = "date") -> PartialDate:
    """Parse 2021-07-30, 2021-07, 2021 or a range A..B (each end any of those)."""
    value = (text or "").strip()
    if value.count("..") > 1:
        raise InvalidValue(field, text, "has more than one '..' (a range is A..B)")
    if ".." in value:
        start_text, _, end_text = value.partition("..")
        start, end = parse(start_text, field), parse(end_text, field)
        if end.last < start.first:
            raise InvalidValue(field, text, "ends before it starts")
        if start.first == end.last:
            return PartialDate(start.first, start.first, "day")
        return PartialDate(start.first, end.last, "range")
    try:
        if m := _DAY.match(value):
            return day(int(m[1]), int(m[2]), int(m[3]))
        if m := _MONTH.match(value):
            return month(int(m[1]), int(m[2]))
        if m := _YEAR.match(value):
            return year(int(m[1]))
        if written := as_written(value, field, text):
            return written
    except ValueError:
        raise InvalidValue(field, text, "is not a real date") from None
    raise InvalidValue(field, text, f"is not a date (use {FORMS})")


def as_written(value: str, field: str, text: str) -> PartialDate | None:
    """A day or month as people write it (30.07.2021, 30/07/2021, 30 July 2021, 30 ліпеня
    2021, июль 2021), or None. A numeric day both of whose readings are dates is refused,
    naming both."""
    if m := _NUMERIC_DAY.match(value):
        first, second, y = int(m[1]), int(m[3]), int(m[4])
        if m[2] == "." or first > 12 or first == second:
            return day(y, second, first)
        if second > 12:
            return day(y, first, second)
        one, other = date(y, second, first), date(y, first, second)
        raise InvalidValue(
            field, text, f"could be {one.isoformat()} or {other.isoformat()}: write one of them"
        )
    if m := _NUMERIC_MONTH.match(value):
        return month(int(m[2]), int(m[1]))
    if m := _WORDS.match(value):
        number = _month_names().get(m[2].casefold().rstrip("."))
        if number is None or (m[1] and m[3]):
            return None
        wanted = m[1] or m[3]
        return day(int(m[4]), number, int(wanted)) if wanted else month(int(m[4]), number)
    return None


@cache
def _month_names() -> dict[str, int]:
    """Every language's names of the months, whole and short, in both grammatical forms
    ("ліпень", "ліпеня", "ліп"), as Babel's CLDR data gives them; a name two languages
    give to different months is left out."""
    from babel.dates import get_month_names

    found: dict[str, set[int]] = {}
    for lang in MONTH_LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, lang).items():
                    found.setdefault(name.casefold().rstrip("."), set()).add(number)
    return {name: next(iter(n)) for name, n in found.items() if len(n) == 1}


def parse_day(text: str, field: str = "date") -> date:
    """Parse a date that must be a single day (a release, an as-of date)."""
    value = parse(text, field)
    if value.precision != "day":
        raise InvalidValue(field, text, "must be a single day (YYYY-MM-DD)")
    return value.first


def from_stored(first: date, last: date, precision: str) -> PartialDate:
    return PartialDate(first, last, precision)


def period(
    month_text: str | None = None,
    year_text: str | None = None,
    start: str | None = None,
    end: str | None = None,
    default: PartialDate | None = None,
) -> PartialDate | None:
    """The period named by --month, --year or --from/--to (partial dates allowed)."""
    given = [
        name
        for name, value in (
            ("--month", month_text),
            ("--year", year_text),
            ("--from/--to", start or end),
        )
        if value
    ]
    if len(given) > 1:
        raise InvalidValue(
            "period",
            " and ".join(given),
            "cannot be combined: give one of --month, --year, --from/--to",
        )
    if month_text:
        value = parse(month_text, "--month")
        if value.precision != "month":
            raise InvalidValue("--month", month_text, "must be a month (YYYY-MM)")
        return value
    if year_text:
        value = parse(year_text, "--year")
        if value.precision != "year":
            raise InvalidValue("--year", year_text, "must be a year (YYYY)")
        return value
    if start or end:
        first = parse(start, "--from").first if start else date(1, 1, 1)
        last = parse(end, "--to").last if end else date(9999, 12, 31)
        if last < first:
            raise InvalidValue("--to", end, f"ends before --from {start}")
        return PartialDate(first, last, "range" if first != last else "day")
    return default


def parse_timestamp(text: str, field: str = "timestamp") -> datetime:
    """An ISO 8601 moment ("2021-07-30T21:27:00Z", or with an offset) as an aware UTC
    datetime; one without an offset is taken as UTC, as pressfree writes them."""
    value = str(text).strip()
    if value[-1:] in ("Z", "z"):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidValue(field, text, "is not an ISO 8601 timestamp") from None
