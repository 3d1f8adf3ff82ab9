"""Country codes: ISO 3166-1 alpha-2, checked against pycountry's offline copy of the standard."""

from __future__ import annotations

from functools import lru_cache

from pressfree.errors import InvalidValue

# Kosovo has no ISO code yet; XK is the user-assigned code the EU, IMF and CPJ use.
EXTRA = {"XK": "Kosovo"}


@lru_cache(maxsize=None)
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


@lru_cache(maxsize=None)
def _by_name() -> dict[str, str]:
    import pycountry

    table = {}
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            if value := getattr(country, attribute, None):
                table[value.casefold()] = country.alpha_2
    table.update({v.casefold(): k for k, v in EXTRA.items()})
    return table


def code_for_name(text: str) -> str | None:
    """The code for a country's English name ("Belarus" -> "BY"), or None if unknown."""
    return _by_name().get(text.strip().casefold())
