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


def parse(data: dict, name: str, source: str) -> Mapping:
    """Build a Mapping from parsed TOML, refusing anything it would not understand."""
    known = {"name", "columns", "split", "missing", "date_formats", "unknown_kinds", "kinds",
             "new_kinds", "values", "patterns", "subtract", "ignore", "defaults",
             "country_names", "delimiter", "skip"}
    for key in data:
        if key not in known:
            raise InvalidValue(f"mapping {source}", key, "is not a mapping setting "
                               f"(known: {', '.join(sorted(known))})")
    mapping = Mapping(name=data.get("name", name), source=source)
    for key, value in data.get("columns", {}).items():
        if key not in FIELDS:
            raise InvalidValue(f"mapping {source} [columns]", key,
                               f"is not a field (known: {', '.join(FIELDS)})")
        mapping.columns[key] = _columns(value, f"[columns] {key}")
    for key, value in data.get("split", {}).items():
        if key not in LIST_FIELDS:
            raise InvalidValue(f"mapping {source} [split]", key, "is not a list field")
        mapping.split[key] = value
    if "missing" in data:
        mapping.missing = set(data["missing"]) | {""}
    mapping.date_formats = data.get("date_formats", mapping.date_formats)
    mapping.unknown_kinds = data.get("unknown_kinds", "error")
    if mapping.unknown_kinds not in ("error", "create"):
        raise InvalidValue(f"mapping {source} unknown_kinds", mapping.unknown_kinds,
                           "must be \"error\" or \"create\"")
    for value, slugs in data.get("kinds", {}).items():
        mapping.kinds[value.casefold()] = [slugs] if isinstance(slugs, str) else list(slugs)
    mapping.new_kinds = dict(data.get("new_kinds", {}))
    for key, table in data.get("values", {}).items():
        mapping.values[key] = {k.casefold(): v for k, v in table.items()}
    for key, pattern in data.get("patterns", {}).items():
        try:
            mapping.patterns[key] = re.compile(pattern)
        except re.error as error:
            raise InvalidValue(f"mapping {source} [patterns] {key}", pattern,
                               f"is not a regular expression ({error})") from None
    mapping.subtract = {k: _columns(v, f"[subtract] {k}")
                        for k, v in data.get("subtract", {}).items()}
    mapping.ignore = {k: {x.casefold() for x in v} for k, v in data.get("ignore", {}).items()}
    mapping.defaults = dict(data.get("defaults", {}))
    mapping.country_names = bool(data.get("country_names", False))
    mapping.delimiter = data.get("delimiter")
    mapping.skip = set(data.get("skip", []))
    if "date" not in mapping.columns and "date" not in mapping.defaults:
        raise InvalidValue(f"mapping {source} [columns]", "date", "is required")
    return mapping


def load(path: Path) -> Mapping:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidValue("--mapping", str(path), "does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise InvalidValue("--mapping", str(path), f"is not valid TOML ({error})") from None
    return parse(data, path.stem, str(path))


def preset(name: str) -> Mapping:
    path = PRESETS / f"{name}.toml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in PRESETS.glob("*.toml")))
        raise InvalidValue("--preset", name, f"is not a preset (known: {known})")
    return load(path)


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESETS.glob("*.toml"))
