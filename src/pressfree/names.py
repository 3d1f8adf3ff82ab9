"""Names and words in any script: the keys pressfree matches them by (pure functions).

Three levels, from strict to loose:
- `name_key`: the name as typed, ignoring case (in every script), Unicode forms and spacing.
  Two names with the same name_key are the same person or outlet.
- `fold`: any script written in plain Latin letters and digits (anyascii), lower case, every
  other character a space: "Игорь Лосик" -> "igor losik". Search matches words by it.
- `sound_key`: a consonant skeleton of each word of a name, so that spellings of one name in
  Belarusian and Russian Cyrillic, Belarusian Latin (łacinka) and the usual romanisations
  meet: "Ігар Лосік", "Игорь Лосик", "Ihar Łosik" and "Igor Losik" all give "igr lsk".
  It only ever suggests (search, duplicate warnings, filters): it never merges two people.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Names, places and publishers come again row after row in an import: each is worked out
# once (bounded, as a file may hold a million different summaries).
MEMO = 1 << 16
WORDS = 1 << 17  # different words folded, kept: a language's common words and a file's names
TEXTS = 1 << 12  # ... and whole texts: a name or a place comes again, a summary never does

# Belarusian Latin (łacinka) letters whose plain-Latin reading anyascii gets wrong: it drops
# the diacritic ("č" -> "c"), where the Cyrillic romanisation it gives for the same letter
# ("ч" -> "ch") has two letters. In a name written in łacinka, "c" is "ц" and "ch" is "х".
LACINKA = {
    "č": "ch",
    "š": "sh",
    "ž": "zh",
    "ć": "ts",
    "ś": "s",
    "ź": "z",
    "ń": "n",
    "ł": "l",
    "ŭ": "u",
    "dź": "dz",
}
LACINKA_MARKS = set("čšžćśźńłŭ")
# Consonant groups that romanisations spell differently, each reduced to one letter.
SOUNDS = [
    ("shch", "s"),
    ("sch", "s"),
    ("sh", "s"),
    ("zh", "z"),
    ("kh", "h"),
    ("tch", "c"),
    ("ch", "c"),
    ("ts", "c"),
    ("tz", "c"),
    ("dz", "d"),
    ("ck", "k"),
    ("ph", "f"),
    ("x", "ks"),
    ("w", "v"),
    ("q", "k"),
    ("h", "g"),
    ("j", "i"),
    ("y", "i"),
]
VOWELS = set("aeiou")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
# Unicode's format characters (category Cf, as of Unicode 14; a test checks the list
# against the running Python's own table).
FORMAT_CHARACTERS = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)


def _visible(text: str) -> str:
    """NFKC, without invisible format characters (zero-width spaces, joiners, marks of
    direction) that a copy from a web page can carry."""
    if text.isascii():  # the common case: nothing to normalise, no format characters
        return text
    return FORMAT_CHARACTERS.sub("", unicodedata.normalize("NFKC", text))


@functools.lru_cache(maxsize=MEMO)
def name_key(text: str) -> str:
    """A name as typed, without the differences nobody means: case, Unicode forms, spaces,
    invisible characters."""
    return " ".join(_visible(text).casefold().split())


def _latin(text: str) -> str:
    from anyascii import anyascii

    return anyascii(_visible(text)).lower()


@functools.lru_cache(maxsize=TEXTS)
def fold(text: str) -> str:
    """Plain Latin words: "Ігар Лосік, «Белсат»" -> "igar losik belsat"; a word in łacinka
    as the Cyrillic romanisation writes it ("Žuk" -> "zhuk", as "Жук").

    Word by word, each word worked out once (a bounded cache): a million summaries are a
    million different texts, but a few hundred thousand different words. Every step is
    per character or per word, so the words of a text give what the whole text gives.
    (NEL, U+0085, the one space the text's transliteration drops, parts words only where
    łacinka is read word by word: never in stored text, which refuses it.)"""
    if text.isascii():
        return _fold_ascii(text)
    if "\x85" in text and not LACINKA_MARKS & set(_visible(text).casefold()):
        text = text.replace("\x85", "")
    folded = [_fold_ascii(w) if w.isascii() else _fold_word(w) for w in text.split()]
    return " ".join(f for f in folded if f)


def _fold_ascii(word: str) -> str:
    """A word of plain ASCII: not kept (numbers and codes are many, and quick to fold)."""
    return " ".join(_NOT_WORD.sub(" ", word.lower()).split())


@functools.lru_cache(maxsize=WORDS)
def _fold_word(word: str) -> str:
    word = _visible(word)
    if LACINKA_MARKS & set(word.casefold()):
        word = " ".join(_lacinka(w) for w in word.split())
    return " ".join(_NOT_WORD.sub(" ", _latin(word)).split())


def words(text: str) -> list[str]:
    return fold(text).split()


def _lacinka(text: str) -> str:
    """Text in łacinka (it has one of its marked letters), written as the Cyrillic
    romanisation would write it: "Śviatłana Cichanoŭskaja" -> "svyatlana tsikhanouskaya"."""
    lowered = unicodedata.normalize("NFC", text.casefold())
    if not LACINKA_MARKS & set(lowered):
        return text
    lowered = re.sub(r"ch", "kh", lowered)
    lowered = re.sub(r"c(?!h)", "ts", lowered)
    for letter, spelled in sorted(LACINKA.items(), key=lambda item: -len(item[0])):
        lowered = lowered.replace(letter, spelled)
    # softness: "ie" is е, "ia", "iu", "io" are я, ю, ё after a consonant; j is й or its
    # start ("ja" is я)
    lowered = re.sub(r"(?<=[bcdfghklmnprstvzž])ie", "e", lowered)
    lowered = re.sub(r"(?<=[bcdfghklmnprstvzž])i(?=[aou])", "y", lowered)
    return lowered.replace("j", "y")


def sound(word: str) -> str:
    """The skeleton of one plain-Latin word: its first letter, then its consonants."""
    for group, letter in SOUNDS:
        word = word.replace(group, letter)
    if not word:
        return ""
    kept = word[0] + "".join(c for c in word[1:] if c not in VOWELS and c != "i")
    return re.sub(r"(.)\1+", r"\1", kept)


@functools.lru_cache(maxsize=MEMO)
def sound_key(text: str) -> str:
    """The skeletons of a name's words: "Ihar Łosik" -> "igr lsk"."""
    return " ".join(sound(w) for w in fold(_lacinka(text)).split())
