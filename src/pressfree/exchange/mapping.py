"""Mapping files: which column holds what, how cells split, which values mean which kind.

A mapping is TOML (docs/importing.md has a complete example). Presets are ordinary mapping
files shipped in importing/presets/, so a user can copy one as a starting point.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pressfree.errors import InvalidValue
from pressfree.schemas import text_problem

PRESETS = Path(__file__).with_name("presets")
FIELDS = (
    "id",
    "external_id",
    "date",
    "month_flag",
    "kinds",
    "country",
    "region",
    "city",
    "latitude",
    "longitude",
    "journalists",
    "outlets",
    "perpetrator",
    "summary",
    "public_summary",
    "status",
    "tags",
    "source_url",
    "source_title",
    "publisher",
    "source_published",
    "source_links",
    "created_at",
    "updated_at",
    "dataset",
    "updates",
)
LIST_FIELDS = (
    "kinds",
    "journalists",
    "outlets",
    "tags",
    "source_url",
    "source_title",
    "publisher",
    "source_published",
)


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
    require_columns: bool = True  # a file must have every column the mapping names
    essential: list[str] | None = None  # with these, other columns named may be absent
    skip_rows_without: list[str] = field(default_factory=list)  # fields: all empty = no row
    loose_dates: bool = False  # free-text dates give the month or year they name
    # a file is a complete snapshot of its dataset: stored incidents it lacks are reported
    snapshot: bool = False
    # Columns (kept as extra fields) that say a case followed: [cases] (importing.cases)
    cases: CaseColumns | None = None
    layout: str | None = None  # which of a preset's layouts this is
    description: str = ""
    source: str | None = None  # where the mapping came from, for messages

    def used_columns(self) -> set[str]:
        used = {c for columns in self.columns.values() for c in columns}
        return used | self.skip | {c for columns in self.subtract.values() for c in columns}

    @property
    def title(self) -> str:
        """How messages name it: `pft, layout export-2020`."""
        return self.name + (f", layout {self.layout}" if self.layout else "")

    def required(self) -> list[str]:
        """The columns a file must have for this mapping to read it: with require_columns
        false none, else its essential columns if it names them, else every one it reads."""
        if not self.require_columns:
            return []
        if self.essential is not None:
            return self.essential
        return sorted(self.used_columns() - self.skip)

    def absent(self, header: list[str]) -> list[str]:
        """The required columns the header lacks."""
        return [c for c in self.required() if c not in header]

    def unread(self, header: list[str]) -> list[str]:
        """Columns the mapping names that the header lacks (their fields stay empty)."""
        return sorted(self.used_columns() - self.skip - set(header))


def _columns(value, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    raise InvalidValue(where, value, "must be a column name or a list of them")


_TYPES = {str: "text", bool: "true or false", list: "a list", dict: "a table"}


def _setting(data: dict, key: str, expected: type, source: str, default=None):
    """A setting of the expected TOML type, or a clear complaint naming it."""
    value = data.get(key, default)
    if value is not None and not isinstance(value, expected):
        raise InvalidValue(f"mapping {source} {key}", value, f"must be {_TYPES[expected]}")
    return value


def _texts(value, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidValue(where, value, "must be a list of text values")
    return value


def _table(data: dict, key: str, source: str) -> dict:
    return _setting(data, key, dict, source, {})


CASE_STATUSES = ("pending", "dropped", "convicted", "acquitted", "on appeal", "")


@dataclass
class CaseColumns:
    """Where an export says what followed an arrest: the status of charges, the charges
    still brought and those dropped (columns the import keeps as extra fields)."""

    status: str | None = None
    charges: str | None = None
    dropped_charges: str | None = None
    split: str = ","
    case_type: str = "criminal"
    known_by: str | None = None  # a column dating the row's last update
    statuses: dict[str, str] = field(default_factory=dict)  # casefolded value -> status


def _case_columns(table: dict, where: str) -> CaseColumns:
    known = {"status", "charges", "dropped_charges", "split", "type", "known_by", "statuses"}
    for key in table:
        if key not in known:
            raise InvalidValue(
                f"mapping {where}",
                key,
                f"is not a setting of [cases] (known: {', '.join(sorted(known))})",
            )
    out = CaseColumns()
    for key in ("status", "charges", "dropped_charges", "split", "known_by"):
        if key in table:
            if not isinstance(table[key], str) or not table[key]:
                raise InvalidValue(f"mapping {where} {key}", table[key], "must be text")
            setattr(out, key, table[key])
    out.case_type = table.get("type", "criminal")
    if out.case_type not in ("criminal", "administrative", "civil"):
        raise InvalidValue(
            f"mapping {where} type",
            out.case_type,
            "is not a case type (criminal, administrative, civil)",
        )
    statuses = table.get("statuses", {})
    if not isinstance(statuses, dict):
        raise InvalidValue(f"mapping {where} statuses", statuses, "must be a table")
    for value, status in statuses.items():
        if status not in CASE_STATUSES:
            raise InvalidValue(
                f"mapping {where} statuses {value!r}",
                status,
                "is not a status (pending, dropped, convicted, acquitted, "
                'on appeal, or "" for no case)',
            )
        out.statuses[value.casefold()] = status
    return out


def parse(data: dict, name: str, source: str) -> Mapping:
    """Build a Mapping from parsed TOML, refusing anything it would not understand."""
    known = {
        "name",
        "columns",
        "split",
        "missing",
        "date_formats",
        "unknown_kinds",
        "kinds",
        "new_kinds",
        "values",
        "patterns",
        "subtract",
        "ignore",
        "defaults",
        "country_names",
        "delimiter",
        "skip",
        "json_cells",
        "require_columns",
        "essential",
        "skip_rows_without",
        "description",
        "loose_dates",
        "snapshot",
        "cases",
    }
    for key in data:
        if key not in known:
            raise InvalidValue(
                f"mapping {source}",
                key,
                f"is not a mapping setting (known: {', '.join(sorted(known))})",
            )
    mapping = Mapping(name=_setting(data, "name", str, source, name), source=source)
    if not mapping.name.strip():
        raise InvalidValue(
            f"mapping {source} name",
            mapping.name,
            "is empty: it names the dataset the rows are stored in",
        )
    if problem := text_problem(mapping.name, "name"):  # shown by `imports` and `show`
        raise InvalidValue(f"mapping {source} name", mapping.name, problem)
    for table in ("defaults", "values", "patterns", "subtract", "ignore"):
        for key in _table(data, table, source):
            if key not in FIELDS:
                raise InvalidValue(
                    f"mapping {source} [{table}]",
                    key,
                    f"is not a field (known: {', '.join(FIELDS)})",
                )
    for key, value in _table(data, "columns", source).items():
        if key not in FIELDS:
            raise InvalidValue(
                f"mapping {source} [columns]", key, f"is not a field (known: {', '.join(FIELDS)})"
            )
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
        raise InvalidValue(
            f"mapping {source} unknown_kinds", mapping.unknown_kinds, 'must be "error" or "create"'
        )
    for value, slugs in _table(data, "kinds", source).items():
        slugs = [slugs] if isinstance(slugs, str) else slugs
        if value.casefold() in mapping.kinds:
            raise InvalidValue(
                f"mapping {source} [kinds]",
                value,
                "is listed twice (values are matched in any case)",
            )
        mapping.kinds[value.casefold()] = _texts(slugs, f"mapping {source} [kinds] {value}")
    for slug, label in _table(data, "new_kinds", source).items():
        if not isinstance(label, str):
            raise InvalidValue(f"mapping {source} [new_kinds] {slug}", label, "must be text")
        mapping.new_kinds[slug] = label
    for key, table in _table(data, "values", source).items():
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise InvalidValue(
                f"mapping {source} [values.{key}]", table, "must be a table of text values"
            )
        mapping.values[key] = {k.casefold(): v for k, v in table.items()}
        if len(mapping.values[key]) < len(table):
            raise InvalidValue(
                f"mapping {source} [values.{key}]",
                ", ".join(table),
                "lists a value twice (values are matched in any case)",
            )
    for key, pattern in _table(data, "patterns", source).items():
        if not isinstance(pattern, str):
            raise InvalidValue(f"mapping {source} [patterns] {key}", pattern, "must be text")
        try:
            mapping.patterns[key] = re.compile(pattern)
        except re.error as error:
            raise InvalidValue(
                f"mapping {source} [patterns] {key}",
                pattern,
                f"is not a regular expression ({error})",
            ) from None
    mapping.subtract = {
        k: _columns(v, f"[subtract] {k}") for k, v in _table(data, "subtract", source).items()
    }
    mapping.ignore = {
        k: {x.casefold() for x in _texts(v, f"mapping {source} [ignore] {k}")}
        for k, v in _table(data, "ignore", source).items()
    }
    for key, value in _table(data, "defaults", source).items():
        if not isinstance(value, str):
            raise InvalidValue(f"mapping {source} [defaults] {key}", value, "must be text")
        mapping.defaults[key] = value
    mapping.country_names = _setting(data, "country_names", bool, source, False)
    mapping.json_cells = _setting(data, "json_cells", bool, source, False)
    mapping.require_columns = _setting(data, "require_columns", bool, source, True)
    mapping.loose_dates = _setting(data, "loose_dates", bool, source, False)
    mapping.snapshot = _setting(data, "snapshot", bool, source, False)
    mapping.delimiter = _setting(data, "delimiter", str, source)
    if mapping.delimiter is not None and len(mapping.delimiter) != 1:
        raise InvalidValue(
            f"mapping {source} delimiter", mapping.delimiter, "must be one character"
        )
    mapping.skip = set(_texts(data.get("skip", []), f"mapping {source} skip"))
    if "essential" in data:
        mapping.essential = _texts(data["essential"], f"mapping {source} essential")
    mapping.skip_rows_without = _texts(
        data.get("skip_rows_without", []), f"mapping {source} skip_rows_without"
    )
    for key in mapping.skip_rows_without:
        if key not in FIELDS:
            raise InvalidValue(
                f"mapping {source} skip_rows_without",
                key,
                f"is not a field (known: {', '.join(FIELDS)})",
            )
    mapping.description = _setting(data, "description", str, source, "")
    if "cases" in data:
        mapping.cases = _case_columns(_table(data, "cases", source), f"{source} [cases]")
    if "date" not in mapping.columns and "date" not in mapping.defaults:
        raise InvalidValue(f"mapping {source} [columns]", "date", "is required")
    return mapping


def parse_layouts(data: dict, name: str, source: str) -> list[Mapping]:
    """A mapping file's layouts: one, or each `[layouts.NAME]` table laid over the settings
    outside it (its tables, such as [layouts.NAME.columns], add to or replace the keys of
    the shared ones). Every layout keeps the file's name, so each export a tracker published
    over the years is one dataset."""
    layouts = _setting(data, "layouts", dict, source)
    if layouts is None:
        return [parse(data, name, source)]
    if not layouts:
        raise InvalidValue(
            f"mapping {source} layouts", "", "is empty: name each layout as a table, [layouts.NAME]"
        )
    shared = {k: v for k, v in data.items() if k != "layouts"}
    out = []
    for key, layout in layouts.items():
        where = f"{source} [layouts.{key}]"
        if not isinstance(layout, dict):
            raise InvalidValue(f"mapping {where}", layout, "must be a table")
        merged = dict(shared)
        for setting, value in layout.items():
            base = shared.get(setting)
            merged[setting] = (
                {**base, **value} if isinstance(base, dict) and isinstance(value, dict) else value
            )
        mapping = parse(merged, name, where)
        mapping.layout = key
        out.append(mapping)
    return out


def _read(path: Path, option: str) -> dict:
    if path.is_dir():
        raise InvalidValue(option, str(path), "is a folder: name a TOML file")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidValue(option, str(path), "does not exist") from None
    except UnicodeDecodeError:
        raise InvalidValue(option, str(path), "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise InvalidValue(option, str(path), f"is not valid TOML ({error})") from None
    except ValueError:  # an integer past Python's 4,300 digits, which tomllib does not catch
        raise InvalidValue(
            option, str(path), "holds a number too long to read (over 4,300 digits)"
        ) from None


def load(path: Path) -> list[Mapping]:
    """The layouts of a mapping file (most files have one)."""
    return parse_layouts(_read(path, "--mapping"), path.stem, str(path))


def preset_path(name: str, option: str = "--preset") -> Path:
    """The file of a built-in preset; only their names are taken (never a path)."""
    if name not in presets():
        raise InvalidValue(option, name, f"is not a preset (known: {', '.join(presets())})")
    return PRESETS / f"{name}.toml"


def presets() -> list[str]:
    return sorted(p.stem for p in PRESETS.glob("*.toml"))


def preset(name: str) -> list[Mapping]:
    """The layouts of a built-in preset."""
    path = preset_path(name)
    return parse_layouts(_read(path, "--preset"), path.stem, f"preset {name}")


SHOWN_COLUMNS = 80  # a header of thousands of columns is not listed whole in one line


def listed(header: list[str]) -> str:
    more = len(header) - SHOWN_COLUMNS
    return ", ".join(header[:SHOWN_COLUMNS]) + (f" and {more} more" if more > 0 else "")


def choose(
    layouts: list[Mapping], header: list[str], option: str, value: str, strict: bool = True
) -> Mapping:
    """The layout that reads this header: of those whose required columns it has, the one
    that reads most of its columns (the first, on a tie). None fitting is one complaint
    saying what each layout needs and what to do instead. Not strict (JSON records, which
    leave out keys they hold nothing for): the one that reads most."""
    fitting = [m for m in layouts if not strict or not m.absent(header)]
    if fitting:
        return max(
            fitting,
            key=lambda m: (
                len(m.used_columns() & set(header)),
                -len(m.unread(header)),
                -layouts.index(m),
            ),
        )
    needs = "; ".join(
        f"layout {m.layout} needs {', '.join(m.absent(header))}"
        if m.layout
        else f"it needs {', '.join(m.absent(header))}"
        for m in layouts
    )
    todo = (
        f"copy it (`pressfree mapping show {value} > mine.toml`) and rename the columns there"
        if option == "--preset"
        else "rename the columns in it"
    )
    raise InvalidValue(
        option,
        value,
        f"does not fit this file ({needs}; the file has: {listed(header)}): "
        f"{todo}, or set require_columns = false at its top level to read a "
        "file that lacks some of them",
    )


def for_file(
    path: Path, fmt: str, layouts: list[Mapping] | None, option: str, value: str
) -> tuple[Mapping, bool, list[str]]:
    """(The layout that reads the file, whether it was recognised, the columns that layout
    reads and the file lacks): of the layouts given (a preset's or a mapping file's), or
    else of every preset, by the file's header, read once."""
    from pressfree.errors import PressfreeError
    from pressfree.exchange import readers

    header = readers.header(path, fmt, layouts[0].delimiter if layouts else None)
    if layouts is not None:
        chosen, recognised = choose(layouts, header, option, value, strict=fmt == "csv"), False
    else:
        chosen, recognised = recognise(header), True
        if chosen is None:
            raise PressfreeError(
                f"import: the columns of {path.name} are not a layout any preset knows (it "
                f"has: {listed(header) or 'no columns'}). Write a mapping for it: pressfree "
                f"mapping init {path.name} > mine.toml, edit it, then import with --mapping "
                "mine.toml"
            )
    # JSON records may leave out keys they hold nothing for: only a CSV lacks columns
    unread = chosen.unread(header) if chosen.layout and fmt == "csv" else []
    return chosen, recognised, unread


def recognise(header: list[str]) -> Mapping | None:
    """The preset layout that reads this header best, if any does. A header that fits the
    layouts of two presets is refused: a guess there would store one tracker's rows as
    another's (a kind, a publisher by default)."""
    fitting = [m for name in presets() for m in preset(name) if not m.absent(header)]
    if not fitting:
        return None
    owners = sorted({m.name for m in fitting})
    if len(owners) > 1:
        raise InvalidValue(
            "header",
            listed(header),
            "fits the layouts of more than one "
            f"preset ({', '.join(owners)}): name one with --preset",
        )
    return choose(fitting, header, "header", "")
