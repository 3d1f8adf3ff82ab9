"""The languages summaries and reports speak: English, Russian and Belarusian.

Words come from gettext message catalogues (src/pressfree/publish/locales/LANG/LC_MESSAGES/
pressfree.po, compiled with Babel to the .mo files shipped beside them; a test holds each
.mo to its .po). Dates and numbers are written for the language by Babel, and plural forms
follow each language's rules (1 затрыманне, 2 затрыманні, 5 затрыманняў).

Machine formats (JSON, CSV) never change with the language: only what people read does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from pressfree.languages import DEFAULT, gettext_noop
from pressfree.vocabulary import short_name

LOCALES = Path(__file__).with_name("locales")
DOMAIN = "pressfree"


@cache
def _catalogue(code: str):
    import gettext

    if code == DEFAULT:
        return gettext.NullTranslations()
    with open(LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as handle:
        return gettext.GNUTranslations(handle)


@lru_cache(maxsize=4096, typed=True)
def _number(n: int | float, lang: str) -> str:
    """A number as the language writes it (1 000, 1,000): Babel takes 40 us for each, and a
    year's census writes one per person held, most of them the same few hundred."""
    from babel.numbers import format_decimal

    return format_decimal(n, locale=lang)


@dataclass(frozen=True)
class Words:
    """Everything a renderer needs to speak one language: messages, plurals, numbers, dates."""

    lang: str = DEFAULT

    def __call__(self, message: str, **values) -> str:
        text = _catalogue(self.lang).gettext(message)
        text = text.format(**values) if values else text
        if text.endswith("..") and not message.endswith(".."):  # "30 ліпеня 2021 г.." ends once
            text = text[:-1]
        return text

    def figure(self, value: int, qualifier: str) -> str:
        """A figure as its source gave it: "more than 200", "больше 200"."""
        from pressfree.tallies import PHRASES

        return self(PHRASES[qualifier], n=self.number(value))

    def when(self, text: str | None) -> str:
        """A stored date as a reader writes it: a day, a month, a year, or a range of them
        ("26–30 ліп 2021"); what is not a date is shown as it is. Remembered: a year's
        report writes the same few hundred dates on tens of thousands of rows."""
        return _when(self, text)

    def _when(self, text: str | None) -> str:
        from babel.dates import format_interval

        from pressfree import dates
        from pressfree.errors import InvalidValue

        if not text:
            return ""
        try:
            when = dates.parse(text)
        except InvalidValue:
            return text
        if ".." not in text:
            return self.period(when) if when.precision != "day" else self.short_day(when.first)
        start, end = (dates.parse(part) for part in text.split("..", 1))
        held = {start.precision, end.precision}
        skeleton = "yMMMd" if "day" in held else "yMMM" if "month" in held else "y"
        return format_interval(start.first, end.last, skeleton, locale=self.lang)

    def short_day(self, day: date | str) -> str:
        """30 Jul 2021, 30 июл. 2021 г., 30 ліп 2021 г.: a day in a table."""
        from babel.dates import format_date

        return format_date(_as_date(day), format="medium", locale=self.lang)

    def country(self, code: str | None) -> str:
        """A country's name in the language (Babel's territory names), from its code."""
        if not code:
            return ""
        return _territories(self.lang).get(code, code)

    def term(self, group: str, value: str | None, unknown: str | None = None) -> str:
        """A fixed value (publish/terms.py) in the language: a case's status, a sentence's
        type, a charge's category; one it does not know as `unknown` says (a category's
        own name), else as it is."""
        from pressfree.publish.terms import TERMS

        if not value:
            return ""
        known = TERMS[group].get(value)
        return self(known) if known else unknown or value

    def narrowed(self, item: dict[str, Any], names: dict[str, str] | None = None) -> str:
        """One filter of a summary (publish/summary.narrowing) as the language says it:
        "status confirmed", "статус пацверджаны"; kinds by their names when given."""
        from pressfree.publish.terms import NARROWING, OR

        value = item.get("value")
        if item["filter"] == "kind":
            value = self(OR).join(short_name((names or {}).get(k, k)) for k in value or ())
        elif item["filter"] == "status":
            value = self.term("status", value)
        elif item["filter"] in ("updated_since", "updated_before"):
            value = self.when(value)
        template = NARROWING[item["filter"]]
        return self(template, field=item.get("field"), value=value)

    def sentenced(self, given: dict[str, str | None]) -> str:
        """A sentence and its type ({"sentence": "6y", "type": "prison"}): "6 гадоў
        (пазбаўленне волі)"; a fine is said once."""
        if given["sentence"] == "fine" or not given.get("type"):
            return self.sentence(given["sentence"])
        return f"{self.sentence(given['sentence'])} ({self.term('sentence_type', given['type'])})"

    def sentence(self, text: str | None) -> str:
        """A sentence as stored ("2y6m", "15d", "fine") in words: "2 гады 6 месяцаў"."""
        from babel.units import format_unit

        if not text:
            return ""
        if text == "fine":
            return self.term("sentence_type", "fine")
        parts = re.findall(r"(\d+)([ymd])", text)
        if not parts:
            return text
        units = {"y": "duration-year", "m": "duration-month", "d": "duration-day"}
        return " ".join(
            format_unit(int(n), units[u], length="long", locale=self.lang) for n, u in parts
        )

    def charges(self, charges: list[dict[str, str]]) -> str:
        """A case's charges in one line: the law as written, its category and status in
        the language ("Criminal Code art. 342 (антыдзяржаўнае, разглядаецца)")."""
        from pressfree.publish.terms import NO_CHARGE

        return "; ".join(
            f"{c['law']} ({self.term('category', c['category'])}, "
            f"{self.term('case_status', c['status'])})"
            for c in charges
        ) or self(NO_CHARGE)

    def month_name(self, day: date | str) -> str:
        """A month's short name standing alone, for a chart: "Jul", "июль", "ліп"."""
        from babel.dates import format_date

        return format_date(_as_date(day), format="LLL", locale=self.lang).rstrip(".")

    def plural(self, one: str, many: str, n: int, **values) -> str:
        """The form for n ("{n} incident" / "{n} incidents"), with {n} written as a number
        of the language."""
        return _catalogue(self.lang).ngettext(one, many, n).format(n=self.number(n), **values)

    def number(self, n: int | float) -> str:
        return _number(n, self.lang)

    def day(self, day: date | str) -> str:
        """30 July 2021, 30 июля 2021 г., 30 ліпеня 2021 г."""
        from babel.dates import format_date

        return format_date(_as_date(day), format="long", locale=self.lang)

    def month(self, day: date | str) -> str:
        """July 2021, июль 2021, ліпень 2021 (the month standing alone)."""
        from babel.dates import format_date

        return format_date(_as_date(day), format="LLLL y", locale=self.lang)

    def period(self, period) -> str:
        """A period as a reader says it: a month, a year, or a range of days."""
        if period.precision == "month":
            return self.month(period.first)
        if period.precision == "year":
            return str(period.first.year)
        if period.precision == "day":
            return self.day(period.first)
        return f"{self.day(period.first)} – {self.day(period.last)}"


ENGLISH = Words()


@cache
def _territories(lang: str) -> dict[str, str]:
    from babel import Locale

    return dict(Locale.parse(lang).territories)


@cache
def _when(words: Words, text: str | None) -> str:
    return words._when(text)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def plural_noop(one: str, many: str) -> tuple[str, str]:
    """Marks a message and its plural for the catalogues; Words.plural chooses the form."""
    return one, many


N_ = gettext_noop
NP_ = plural_noop
