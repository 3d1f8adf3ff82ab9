"""Mapping files: which column holds what, how cells split, which values mean which kind.

A mapping is TOML (see the README for a complete example). Presets are ordinary mapping
files shipped in importing/presets/, so a user can copy one as a starting point.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pressfree.errors import InvalidValue

PRESETS = Path(__file__).with_name("presets")
FIELDS = ("id", "external_id", "date", "month_flag", "kinds", "country", "region", "city",
          "journalists", "outlets", "perpetrator", "summary", "status", "tags", "source_url",
          "source_title", "publisher", "source_published", "source_links", "created_at",
          "updated_at", "dataset")
LIST_FIELDS = ("kinds", "journalists", "outlets", "tags", "source_url", "source_title",
               "publisher", "source_published")


@dataclass
class Mapping:
    """What one kind of file means, field by field."""

    name: str
    columns: dict[str, list[str]] = field(default_factory=dict)
    split: dict[str, str] = field(default_factory=dict)
    missing: set[str] = field(default_factory=lambda: {"", "None", "N/A"})
    date_formats: list[str] = field(default_factory=lambda: ["%Y-%m-%d"])
    unknown_kinds: str = "error"  # or "create"
    kinds: dict[str, list[str]] = field(default_factory=dict)  # casefolded value -> slugs
    new_kinds: dict[str, str] = field(default_factory=dict)  # slug -> label
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> value map
    patterns: dict[str, re.Pattern] = field(default_factory=dict)
    subtract: dict[str, list[str]] = field(default_factory=dict)
    ignore: dict[str, set[str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    country_names: bool = False
    delimiter: str | None = None
    skip: set[str] = field(default_factory=set)  # columns neither mapped nor kept as extra
    json_cells: bool = False  # cells holding JSON arrays or objects are decoded
    require_columns: bool = True  # a CSV must have every column the mapping names
    source: str | None = None  # where the mapping came from, for messages

    def used_columns(self) -> set[str]:
        used = {c for columns in self.columns.values() for c in columns}
        return used | self.skip | {c for columns in self.subtract.values() for c in columns}


def _columns(value, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    raise InvalidValue(where, value, "must be a column name or a list of them")


_TYPES = {str: "text", bool: "true or false", list: "a list", dict: "a table"}


def _setting(data: dict, key: str, kind: type, source: str, default=None):
    """A setting of the expected TOML type, or a clear complaint naming it."""
    value = data.get(key, default)
    if value is not None and not isinstance(value, kind):
        raise InvalidValue(f"mapping {source} {key}", value, f"must be {_TYPES[kind]}")
    return value


def _texts(value, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidValue(where, value, "must be a list of text values")
    return value


def _table(data: dict, key: str, source: str) -> dict:
    return _setting(data, key, dict, source, {})


def parse(data: dict, name: str, source: str) -> Mapping:
    """Build a Mapping from parsed TOML, refusing anything it would not understand."""
    known = {"name", "columns", "split", "missing", "date_formats", "unknown_kinds", "kinds",
             "new_kinds", "values", "patterns", "subtract", "ignore", "defaults",
             "country_names", "delimiter", "skip", "json_cells", "require_columns"}
    for key in data:
        if key not in known:
            raise InvalidValue(f"mapping {source}", key, "is not a mapping setting "
                               f"(known: {', '.join(sorted(known))})")
    mapping = Mapping(name=_setting(data, "name", str, source, name), source=source)
    for table in ("defaults", "values", "patterns", "subtract", "ignore"):
        for key in _table(data, table, source):
            if key not in FIELDS:
                raise InvalidValue(f"mapping {source} [{table}]", key,
                                   f"is not a field (known: {', '.join(FIELDS)})")
    for key, value in _table(data, "columns", source).items():
        if key not in FIELDS:
            raise InvalidValue(f"mapping {source} [columns]", key,
                               f"is not a field (known: {', '.join(FIELDS)})")
        mapping.columns[key] = _columns(value, f"[columns] {key}")
    for key, value in _table(data, "split", source).items():
        if key not in LIST_FIELDS:
            raise InvalidValue(f"mapping {source} [split]", key, "is not a list field")
        if not isinstance(value, str) or not value:
            raise InvalidValue(f"mapping {source} [split] {key}", value, "must be text")
        mapping.split[key] = value
    if "missing" in data:
        mapping.missing = set(_texts(data["missing"], f"mapping {source} missing")) | {""}
    if "date_formats" in data:
        mapping.date_formats = _texts(data["date_formats"], f"mapping {source} date_formats")
    mapping.unknown_kinds = _setting(data, "unknown_kinds", str, source, "error")
    if mapping.unknown_kinds not in ("error", "create"):
        raise InvalidValue(f"mapping {source} unknown_kinds", mapping.unknown_kinds,
                           "must be \"error\" or \"create\"")
    for value, slugs in _table(data, "kinds", source).items():
        slugs = [slugs] if isinstance(slugs, str) else slugs
        mapping.kinds[value.casefold()] = _texts(slugs, f"mapping {source} [kinds] {value}")
    for slug, label in _table(data, "new_kinds", source).items():
        if not isinstance(label, str):
            raise InvalidValue(f"mapping {source} [new_kinds] {slug}", label, "must be text")
        mapping.new_kinds[slug] = label
    for key, table in _table(data, "values", source).items():
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise InvalidValue(f"mapping {source} [values.{key}]", table,
                               "must be a table of text values")
        mapping.values[key] = {k.casefold(): v for k, v in table.items()}
    for key, pattern in _table(data, "patterns", source).items():
        if not isinstance(pattern, str):
            raise InvalidValue(f"mapping {source} [patterns] {key}", pattern, "must be text")
        try:
            mapping.patterns[key] = re.compile(pattern)
        except re.error as error:
            raise InvalidValue(f"mapping {source} [patterns] {key}", pattern,
                               f"is not a regular expression ({error})") from None
    mapping.subtract = {k: _columns(v, f"[subtract] {k}")
                        for k, v in _table(data, "subtract", source).items()}
    mapping.ignore = {k: {x.casefold() for x in _texts(v, f"mapping {source} [ignore] {k}")}
                      for k, v in _table(data, "ignore", source).items()}
    for key, value in _table(data, "defaults", source).items():
        if not isinstance(value, str):
            raise InvalidValue(f"mapping {source} [defaults] {key}", value, "must be text")
        mapping.defaults[key] = value
    mapping.country_names = _setting(data, "country_names", bool, source, False)
    mapping.json_cells = _setting(data, "json_cells", bool, source, False)
    mapping.require_columns = _setting(data, "require_columns", bool, source, True)
    mapping.delimiter = _setting(data, "delimiter", str, source)
    if mapping.delimiter is not None and len(mapping.delimiter) != 1:
        raise InvalidValue(f"mapping {source} delimiter", mapping.delimiter,
                           "must be one character")
    mapping.skip = set(_texts(data.get("skip", []), f"mapping {source} skip"))
    if "date" not in mapping.columns and "date" not in mapping.defaults:
        raise InvalidValue(f"mapping {source} [columns]", "date", "is required")
    return mapping


def load(path: Path) -> Mapping:
    if path.is_dir():
        raise InvalidValue("--mapping", str(path), "is a folder: name a TOML file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidValue("--mapping", str(path), "does not exist") from None
    except UnicodeDecodeError:
        raise InvalidValue("--mapping", str(path), "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise InvalidValue("--mapping", str(path), f"is not valid TOML ({error})") from None
    return parse(data, path.stem, str(path))


def preset(name: str) -> Mapping:
    path = PRESETS / f"{name}.toml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in PRESETS.glob("*.toml")))
        raise InvalidValue("--preset", name, f"is not a preset (known: {known})")
    return load(path)

