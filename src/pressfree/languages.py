"""The languages pressfree speaks, by code, and which one a command speaks: --lang, else the
environment's locale, else English. Small and pure: every layer may use it (the words
themselves are publish/i18n.py's)."""

from __future__ import annotations

import os

from pressfree.errors import InvalidValue

LANGUAGES = {"en": "English", "ru": "Русский", "be": "Беларуская"}
DEFAULT = "en"


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogues where it is defined (`pybabel extract -k N_`); it
    is translated where used (publish/i18n.py's Words)."""
    return message


N_ = gettext_noop


def language(asked: str | None) -> str:
    """--lang when given; otherwise the first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG
    that names a language pressfree speaks ("be_BY.UTF-8" is be); otherwise English."""
    if asked is not None:
        code = asked.strip().lower().replace("-", "_").split("_")[0]
        if code not in LANGUAGES:
            raise InvalidValue(
                "--lang", asked, f"is not a language pressfree speaks ({', '.join(LANGUAGES)})"
            )
        return code
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for value in os.environ.get(variable, "").split(":"):
            code = value.split(".")[0].split("_")[0].lower()
            if code in LANGUAGES:
                return code
            if code and code not in ("c", "posix"):
                break  # a language pressfree does not speak: try the next variable
    return DEFAULT
