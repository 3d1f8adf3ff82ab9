"""Country codes: ISO 3166-1 alpha-2, checked against pycountry's offline copy of the standard."""

from __future__ import annotations

from functools import cache

from pressfree.errors import InvalidValue

# Kosovo has no ISO code yet; XK is the user-assigned code the EU, IMF and CPJ use.
EXTRA = {"XK": "Kosovo"}


@cache
def _names() -> dict[str, str]:
    import pycountry

    names = {c.alpha_2: c.name for c in pycountry.countries}
    names.update(EXTRA)
    return names


def normalise(code: str | None, field: str = "country") -> str | None:
    """A country's two-letter code, from its code in any case or its name in English,
    Russian, Belarusian or Ukrainian ("Belarus", "Беларусь" -> "BY"); None and "" mean
    unknown. Anything else is refused, with the nearest name when one is close."""
    if code is None or not code.strip():
        return None
    value = code.strip().upper()
    if value in _names():
        return value
    if len(value) > 2 and (named := code_for_name(value)):
        return named
    near = nearest(code)
    raise InvalidValue(
        field,
        code,
        "is not an ISO 3166-1 alpha-2 country code or a country's name"
        + (f" (did you mean {near} for {name(near)}?)" if near else ""),
    )


def nearest(text: str) -> str | None:
    """The code of the country whose name is closest to a misspelt one ("Belarsu")."""
    import difflib

    table = _by_name()
    found = difflib.get_close_matches(text.strip().casefold(), list(table), n=1, cutoff=0.8)
    return table[found[0]] if found else None


def name(code: str) -> str:
    return _names().get(code, code)


# Languages whose country names are read too: the researchers' own (pycountry ships the
# names of ISO 3166-1 in each, as gettext catalogues, offline).
NAME_LANGUAGES = ("ru", "be", "uk")
# Short names the catalogues give only in their formal form ("Российская Федерация").
SHORT_NAMES = {
    "россия": "RU",
    "расія": "RU",
    "росія": "RU",
    "молдова": "MD",
    "малдова": "MD",
    "иран": "IR",
    "сирия": "SY",
    "сірыя": "SY",
}


@cache
def _by_name() -> dict[str, str]:
    import gettext

    import pycountry

    catalogues = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in NAME_LANGUAGES
    ]
    table: dict[str, str] = {c.alpha_3.casefold(): c.alpha_2 for c in pycountry.countries}
    for catalogue in [None, *catalogues]:
        for country in pycountry.countries:
            for attribute in ("name", "common_name", "official_name"):
                if value := getattr(country, attribute, None):
                    value = catalogue.gettext(value) if catalogue else value
                    table.setdefault(value.casefold(), country.alpha_2)
    from babel import Locale

    for lang in ("en", *NAME_LANGUAGES):  # CLDR's names, as the reports write them
        for territory, value in Locale.parse(lang).territories.items():
            if len(territory) == 2 and territory.isalpha() and territory in _names():
                table.setdefault(value.casefold(), territory)
    table.update({v.casefold(): k for k, v in EXTRA.items()})
    table.update(SHORT_NAMES)
    return table


def code_for_name(text: str) -> str | None:
    """The code for a country's name in English, Russian, Belarusian or Ukrainian
    ("Belarus", "Беларусь" -> "BY"), or None if unknown."""
    return _by_name().get(text.strip().casefold())


@cache
def spelled() -> dict[str, str]:
    """Each country's names as they are written (in English, and as CLDR writes them in
    Russian, Belarusian and Ukrainian) -> its code: what a form completes a country from."""
    from babel import Locale

    found = {value: code for code, value in _names().items()}
    for lang in ("en", *NAME_LANGUAGES):
        for territory, value in Locale.parse(lang).territories.items():
            if len(territory) == 2 and territory.isalpha() and territory in _names():
                found.setdefault(value, territory)
    return found
