"""Names of people at risk, found in any form a text gives them and replaced by their
pseudonyms (issue 28: redaction that holds).

A name is matched word by word on the words' plain-Latin folds (names.fold), so case (İsmail,
ISMAIL), Unicode forms (NFC or NFD), the spaces between words (a no-break space, two
spaces), and the script (Лосік, Losik, Łosik) make no difference. A word of four letters or
more also matches its inflected forms (Лосіка, Лосіку, Лосіком: the word less a final vowel,
then up to three more letters), and a surname alone matches ("Losik taken away"): when in
doubt, a text withholds. Within a whole name, a word that sounds alike matches too (Ihar,
Ігар, Igar). Short words match only whole (Ann is not Anna nor Annual).

Free text (a summary, an update, a source's title) that names a person at risk is withheld
whole (FREE_TEXT), not only the name: "her flat in Hrodna" is not replaced by a pseudonym."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pressfree import names

# a word's letters with their combining marks (NFD, or "i̇" of a lower-cased "İ")
_WORD = re.compile(r"(?:\w|[\u0300-\u036f\u0483-\u0489])+")
STEM_FROM = 4  # letters of a folded word from which its inflected forms match too
# Free text says more of a person than their name (where they live, who took them away):
# a text that names a person at risk is withheld whole. An incident's summary gives way to
# its public summary, when the researcher wrote one that names nobody at risk.
FREE_TEXT = ("summary", "public_summary", "text", "title")
WITHHELD = "[withheld: names a person at risk]"
ENDINGS = 3  # letters an inflection may add to a stem
_VOWELS = "aeiouy"


@dataclass(frozen=True)
class _Name:
    words: tuple[str, ...]  # folded
    pseudonym: str


def _folded_words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, folded) of each word of TEXT (already NFC)."""
    return [(m.start(), m.end(), names.fold(m.group(0))) for m in _WORD.finditer(text)]


def _stem(word: str) -> str:
    return word[:-1] if len(word) >= STEM_FROM and word[-1] in _VOWELS else word


def _same_word(written: str, named: str, sounding: bool = False) -> bool:
    """Whether a folded word of the text is a folded word of a name, or one of its
    inflected forms; with `sounding` (a word within a whole name), also one that sounds
    alike (Ihar and Ігар, folded "ihar" and "igar": names.sound)."""
    if written == named:
        return True
    if not written or len(named) < 3:
        return False
    if sounding:  # Ігар, Игорь, Игорем: the skeleton of the name, then an ending
        heard, meant = names.sound(written), names.sound(named)
        if heard.startswith(meant) and len(heard) - len(meant) <= 2:
            return True
    stem = _stem(named)
    return (
        len(named) >= STEM_FROM and written.startswith(stem) and len(written) - len(stem) <= ENDINGS
    )


class Redactor:
    """Replaces every form of the names it holds (name -> pseudonym) in strings, lists and
    dicts (keys kept)."""

    def __init__(self, pseudonyms: dict[str, str]):
        self.names: list[_Name] = []
        for name, pseudonym in pseudonyms.items():
            words = tuple(w for _, _, w in _folded_words(unicodedata.normalize("NFC", name)) if w)
            if words:
                self.names.append(_Name(words, pseudonym))
        # longest names first: "Ihar Losik" before "Losik"
        self.names.sort(key=lambda n: -len(n.words))

    def __bool__(self) -> bool:
        return bool(self.names)

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self(v) for v in value]
        if isinstance(value, dict):
            return {
                key: (
                    self._instead(value, key)
                    if key in FREE_TEXT and isinstance(item, str) and self.names_someone(item)
                    else self(item)
                )
                for key, item in value.items()
            }
        return value

    def names_someone(self, text: str) -> bool:
        return bool(self.names) and self.first(text) is not None

    def _instead(self, record: dict[str, Any], key: str) -> str:
        """What stands for a free text that names a person at risk: for a summary, the
        record's public summary if it names nobody at risk; else the withheld marker."""
        public = record.get("public_summary")
        if key == "summary" and isinstance(public, str) and public:
            if not self.names_someone(public):
                return public
        return WITHHELD

    def first(self, text: str) -> str | None:
        """The pseudonym of the first name TEXT gives in any form, or None."""
        words = _folded_words(unicodedata.normalize("NFC", text))
        for i in range(len(words)):
            if found := self._match(words, i):
                return found[1]
        return None

    def text(self, text: str) -> str:
        if not self.names or not text:
            return text
        text = unicodedata.normalize("NFC", text)
        words = _folded_words(text)
        out, at, i = [], 0, 0
        while i < len(words):
            found = self._match(words, i)
            if found is None:
                i += 1
                continue
            length, pseudonym = found
            out += [text[at : words[i][0]], pseudonym]
            at, i = words[i + length - 1][1], i + length
        return "".join(out) + text[at:] if out else text

    def _match(self, words: list[tuple[int, int, str]], i: int) -> tuple[int, str] | None:
        """(words matched, pseudonym) of a name starting at word i: the whole name, or its
        last word alone (a surname) when that word is long enough to be one."""
        for name in self.names:
            n = len(name.words)
            if i + n <= len(words) and all(
                _same_word(words[i + k][2], name.words[k], sounding=n > 1) for k in range(n)
            ):
                return n, name.pseudonym
        for name in self.names:
            last = name.words[-1]
            if len(name.words) > 1 and len(last) >= STEM_FROM and _same_word(words[i][2], last):
                return 1, name.pseudonym
        return None


def redactor(pairs: Iterable[tuple[str, str]]) -> Callable[[Any], Any]:
    """A Redactor of these (name, pseudonym) pairs, or nothing to do when there are none."""
    found = Redactor(dict(pairs))
    return found if found else (lambda value: value)
