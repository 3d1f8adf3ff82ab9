"""Reading rows from CSV, JSON and NDJSON files, streaming, with the file's hash and progress."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from pressfree.errors import InvalidValue

FORMATS = ("csv", "json", "ndjson")
HASH_CHUNK = 1 << 20
MAX_DIGITS = 1000  # Python refuses to read integers of over 4,300 digits; no count needs 1,000
ARRAY_CHUNK = 1 << 16  # a JSON array of rows is read this much at a time
ARRAY_ELEMENT = 64 << 20  # and no row of it may be longer than this
_BLANK = re.compile(r"[ \t\n\r]*")


class _LongInteger(Exception):
    """An integer too long to read (its digits counted)."""


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _LongInteger(len(text.lstrip("-")))
    return int(text)


class _NotFinite(Exception):
    """NaN, Infinity, or a number too large for a float: Python's JSON reads them, JSON has
    none, and one stored breaks every later query on SQLite (PostgreSQL refuses it)."""


def _constant(text: str) -> float:
    raise _NotFinite(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotFinite(text)
    return value


# One decoder for every document and line: json.loads with any option builds a new decoder
# each time, which cost an NDJSON import twice its reading.
_DECODER = json.JSONDecoder(parse_int=_integer, parse_float=_float, parse_constant=_constant)


def _not_finite(error: _NotFinite) -> str:
    return f"holds {error.args[0]}, which is not a finite number (JSON has no such number)"


def load_json(source, field: str, value: str):
    """Parse JSON text or a text file, with every way a hostile file can break the parser
    (integers of thousands of digits, nesting thousands deep) turned into one complaint."""
    try:
        return _DECODER.decode(source if isinstance(source, str) else source.read())
    except _LongInteger as error:
        raise InvalidValue(
            field, value, f"holds an integer of {error.args[0]:,} digits (at most {MAX_DIGITS:,})"
        ) from None
    except _NotFinite as error:
        raise InvalidValue(field, value, _not_finite(error)) from None
    except RecursionError:
        raise InvalidValue(field, value, "is nested too deeply to read") from None


# Files decrypted in memory for this command (exchange.sealed), by path: read from here,
# never from a plain copy on the disk
_DECRYPTED: dict[Path, bytes] = {}


@contextmanager
def decrypted(path: Path, data: bytes) -> Iterator[None]:
    """While the block runs, the file at PATH reads as DATA (what it holds, decrypted)."""
    _DECRYPTED[path] = data
    try:
        yield
    finally:
        _DECRYPTED.pop(path, None)


def open_binary(path: Path) -> IO[bytes]:
    data = _DECRYPTED.get(path)
    return io.BytesIO(data) if data is not None else open(path, "rb")  # noqa: SIM115


def open_text(path: Path, errors: str = "strict") -> io.TextIOWrapper:
    """A file as text: UTF-8, a byte-order mark dropped, quoted newlines kept."""
    return io.TextIOWrapper(open_binary(path), encoding="utf-8-sig", newline="", errors=errors)


def in_memory(path: Path) -> bool:
    """Whether the file reads from memory (decrypted), not from the disk."""
    return path in _DECRYPTED


def size(path: Path) -> int:
    data = _DECRYPTED.get(path)
    return len(data) if data is not None else path.stat().st_size


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open_binary(path) as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def detect_format(path: Path) -> str:
    """A file's format by its name's ending (before .age, for a file encrypted with age)."""
    named = path.with_suffix("") if path.suffix.lower() == ".age" else path
    suffix = named.suffix.lower().lstrip(".")
    if suffix in ("csv", "tsv", "txt"):
        return "csv"
    if suffix in ("ndjson", "jsonl"):
        return "ndjson"
    if suffix == "json":
        return "json"
    raise InvalidValue(
        "file",
        str(path),
        "has an unknown format: name it .csv, .json or .ndjson (or give --format)",
    )


class _CountingReader(io.RawIOBase):
    """A binary file that reports how many bytes have been read, for a progress bar."""

    def __init__(self, raw, progress: Callable[[int], None] | None):
        self.raw, self.progress, self.done = raw, progress, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer)
        self.done += n or 0
        if self.progress:
            self.progress(self.done)
        return n


def _text(path: Path, progress) -> io.TextIOWrapper:
    raw = _CountingReader(open_binary(path), progress)
    # utf-8-sig drops a byte-order mark if there is one; newline="" keeps quoted newlines
    return io.TextIOWrapper(io.BufferedReader(raw, 1 << 16), encoding="utf-8-sig", newline="")


def _flatten_sources(row: dict) -> dict:
    """pressfree's own JSON records carry sources as objects: spread them into list columns."""
    sources = row.get("sources")
    if isinstance(sources, list) and all(isinstance(s, dict) for s in sources):
        row = dict(row)
        del row["sources"]
        row["source_urls"] = [s.get("url") or "" for s in sources]
        row["source_titles"] = [s.get("title") or "" for s in sources]
        row["source_publishers"] = [s.get("publisher") or "" for s in sources]
        row["source_published"] = [s.get("published") or "" for s in sources]
    return row


def rows(
    path: Path,
    fmt: str,
    delimiter: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, dict]]:
    """(row number, row) pairs; CSV rows are numbered as a spreadsheet shows them."""
    handle = _text(path, progress)
    try:
        yield from _rows(handle, path, fmt, delimiter)
    except UnicodeDecodeError as error:
        raise InvalidValue(
            "file",
            str(path),
            f"is not UTF-8 text (byte {error.start} of a "
            "block): save it as UTF-8 (in a spreadsheet: CSV UTF-8)",
        ) from None
    except csv.Error as error:
        raise InvalidValue("file", str(path), f"is not readable as CSV ({error})") from None
    finally:
        handle.close()


def _rows(handle, path: Path, fmt: str, delimiter: str | None) -> Iterator[tuple[int, dict]]:
    if fmt == "csv":
        yield from _csv_rows(handle, delimiter, path)
    elif fmt == "ndjson":
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, _flatten_sources(_json_object(line, number, path))
    else:
        start = handle.read(ARRAY_CHUNK)
        if start[_BLANK.match(start).end() :].startswith("["):  # an array streams, a row at a time
            items = _array_items(start, handle, str(path))
            for number, item in enumerate(items, start=1):
                if not isinstance(item, dict):
                    raise InvalidValue(f"row {number}", item, "is not a JSON object")
                yield number, _flatten_sources(item)
            return
        try:
            data = load_json(start + handle.read(), "file", str(path))
        except json.JSONDecodeError as error:
            raise InvalidValue(
                "file", str(path), f"is not valid JSON (line {error.lineno}: {error.msg})"
            ) from None
        if isinstance(data, dict) and isinstance(data.get("incidents"), list):
            data = data["incidents"]
        if not isinstance(data, list):
            raise InvalidValue("file", str(path), "is not a JSON array of objects")
        for number, item in enumerate(data, start=1):
            if not isinstance(item, dict):
                raise InvalidValue(f"row {number}", item, "is not a JSON object")
            yield number, _flatten_sources(item)


def _array_items(buffer: str, handle, name: str) -> Iterator:
    """The elements of a JSON array, read a chunk at a time and decoded one by one by the
    same decoder as every other JSON (so its checks, and its refusal of nesting too deep,
    are the same): memory holds one chunk and one element, however long the file.

    An element cut by the end of a chunk fails to decode, or ends exactly at the end of
    what was read (a number): then another chunk is read and the element decoded again."""
    state = {"buffer": buffer, "pos": 0, "line": 1, "end": False}

    def more() -> bool:
        chunk = handle.read(ARRAY_CHUNK)
        if not chunk:
            state["end"] = True
            return False
        state["line"] += state["buffer"].count("\n", 0, state["pos"])
        state["buffer"], state["pos"] = state["buffer"][state["pos"] :] + chunk, 0
        return True

    def blank() -> None:  # skip white space, reading on as needed
        while True:
            state["pos"] = _BLANK.match(state["buffer"], state["pos"]).end()
            if state["pos"] < len(state["buffer"]) or not more():
                return

    def broken(message: str, at: int | None = None) -> InvalidValue:
        line = state["line"] + state["buffer"].count("\n", 0, state["pos"] if at is None else at)
        return InvalidValue("file", name, f"is not valid JSON (line {line}: {message})")

    def current() -> str:
        return state["buffer"][state["pos"] : state["pos"] + 1]

    blank()
    state["pos"] += 1  # the opening bracket
    first = True
    while True:
        blank()
        if current() == "]":
            state["pos"] += 1
            blank()
            if current():
                raise broken("Extra data")
            return
        if not first:
            if current() != ",":
                raise broken("Expecting ',' delimiter" if current() else "the array is not closed")
            state["pos"] += 1
            blank()
        first = False
        read = 0
        while True:
            try:
                value, end = _DECODER.raw_decode(state["buffer"], state["pos"])
            except (json.JSONDecodeError, _LongInteger) as error:
                # cut by the chunk's end (an integer, too, is only counted whole)?
                if read < ARRAY_ELEMENT // ARRAY_CHUNK and not state["end"] and more():
                    read += 1
                    continue
                if not state["end"]:  # read on as far as a row may go: still no end
                    raise InvalidValue(
                        "file",
                        name,
                        f"has a row longer than {ARRAY_ELEMENT >> 20} MB, or is not valid JSON",
                    ) from None
                if isinstance(error, _LongInteger):
                    raise InvalidValue(
                        "file",
                        name,
                        f"holds an integer of {error.args[0]:,} digits (at most {MAX_DIGITS:,})",
                    ) from None
                raise broken(error.msg, error.pos) from None
            except _NotFinite as error:
                raise InvalidValue("file", name, _not_finite(error)) from None
            except RecursionError:
                raise InvalidValue("file", name, "is nested too deeply to read") from None
            if end == len(state["buffer"]) and not state["end"] and more():
                continue  # a number may go on in the next chunk
            break
        state["pos"] = end
        yield value


def _json_object(line: str, number: int, path: Path) -> dict:
    try:
        item = load_json(line, f"line {number}", line.strip())
    except json.JSONDecodeError as error:
        raise InvalidValue(
            f"line {number}", line.strip()[:60], f"is not valid JSON ({error.msg})"
        ) from None
    if not isinstance(item, dict):
        raise InvalidValue(f"line {number}", line.strip()[:60], "is not a JSON object")
    return item


def sniff_delimiter(path: Path) -> str:
    """The delimiter of a CSV file: comma, semicolon, tab or bar, by csv.Sniffer."""
    with open_text(path, errors="replace") as handle:
        sample = handle.read(64 * 1024)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def csv_header(path: Path, delimiter: str | None) -> list[str]:
    """The column names of a CSV file (its first row)."""
    handle = _text(path, None)
    try:
        first = next(csv.reader(handle, delimiter=delimiter or sniff_delimiter(path)), [])
    except UnicodeDecodeError:
        raise InvalidValue(
            "file", str(path), "is not UTF-8 text: save it as UTF-8 (in a spreadsheet: CSV UTF-8)"
        ) from None
    finally:
        handle.close()
    return [h.strip() for h in first]


def header(path: Path, fmt: str, delimiter: str | None = None) -> list[str]:
    """The column names: a CSV's first row, or the keys of the first JSON or NDJSON record
    (pressfree's own records with their sources spread into columns)."""
    if fmt == "csv":
        return csv_header(path, delimiter)
    for _, row in rows(path, fmt):
        return list(row)
    return []


def _csv_rows(handle, delimiter: str | None, path: Path) -> Iterator[tuple[int, dict]]:
    """Rows numbered as a spreadsheet shows them: the header is row 1."""
    reader = csv.reader(handle, delimiter=delimiter or sniff_delimiter(path))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return
    if len(set(header)) != len(header):
        duplicated = sorted({h for h in header if header.count(h) > 1})
        raise InvalidValue("header", ", ".join(duplicated), "names a column twice")
    width = len(header)
    for number, cells in enumerate(reader, start=2):
        if not cells or (len(cells) == 1 and not cells[0].strip() and width > 1):
            continue  # a blank line
        row = dict(zip(header, cells))
        if len(cells) != width:
            row["__width__"] = (len(cells), width)
        yield number, row
