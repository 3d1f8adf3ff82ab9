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
    """Upper-case a two-letter code and check it exists; None and "" mean unknown."""
    if code is None or not code.strip():
        return None
    value = code.strip().upper()
    if value not in _names():
        raise InvalidValue(field, code, "is not an ISO 3166-1 alpha-2 country code")
    return value


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
    table: dict[str, str] = {}
    for catalogue in [None, *catalogues]:
        for country in pycountry.countries:
            for attribute in ("name", "common_name", "official_name"):
                if value := getattr(country, attribute, None):
                    value = catalogue.gettext(value) if catalogue else value
                    table.setdefault(value.casefold(), country.alpha_2)
    table.update({v.casefold(): k for k, v in EXTRA.items()})
    table.update(SHORT_NAMES)
    return table


def code_for_name(text: str) -> str | None:
    """The code for a country's name in English, Russian, Belarusian or Ukrainian
    ("Belarus", "Беларусь" -> "BY"), or None if unknown."""
    return _by_name().get(text.strip().casefold())
