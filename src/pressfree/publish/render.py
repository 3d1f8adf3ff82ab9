"""Pure functions from plain data to what people read: Rich tables, CSV, JSON, Markdown."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from pressfree.schemas import plain

FORMATS = ("table", "csv", "json", "ndjson", "markdown")

# (key, heading) pairs: what a listing shows as columns, in order.
INCIDENT_COLUMNS = [
    ("id", "ID"),
    ("date", "Date"),
    ("kinds", "Kinds"),
    ("country", "Country"),
    ("city", "City"),
    ("journalists", "Journalists"),
    ("outlets", "Outlets"),
    ("perpetrator", "Perpetrator"),
    ("summary", "Summary"),
    ("publishers", "Sources"),
    ("status", "Status"),
]
# A terminal is narrow: the table folds place and targets into one column each.
INCIDENT_TABLE_COLUMNS = [
    ("id", "ID"),
    ("date", "Date"),
    ("kinds", "Kinds"),
    ("place", "Place"),
    ("targets", "Targets"),
    ("summary", "Summary"),
    ("source_count", "Src"),
]
WORD = re.compile(r"\w+")
DATE_RANGE = re.compile(r"\d{4}(?:-\d\d){0,2}\.\.\d{4}(?:-\d\d){0,2}")
TIMESTAMP = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d):\d\d(?:\.\d+)?Z")
# Words a table never breaks: ids, dates, times, kinds and other slugs, numbers. Other words
# (names, file names) are never broken either while a column can be left out instead; they
# fold at this width only when one column is left and a word is wider than the terminal.
UNBROKEN = re.compile(r"(?:[0-9a-f]{8}|[+-]?\d[\d:.,-]*|[a-z0-9]+(?:-[a-z0-9]+)*)[;,]?")
FOLDED_AT = 12
TIGHT = 4
# Free text: one line a row, cut with an ellipsis to the width left (show, json and csv keep
# all of it); the widest column, so a wide terminal shows more of it.
FREE_TEXT = {"summary", "scope", "changed", "what", "text", "title", "detail"}
FREE_TEXT_MIN = 12
FREE_TEXT_COMFORT = 30
# Columns a narrow terminal leaves out of the incidents table, first to last.
DROPPED_WHEN_NARROW = ["source_count", "place", "targets", "summary"]


def _short(key: str, text: str) -> str:
    if key in ("id", "first", "second"):  # public ids: 8 characters find them
        return text[:8]
    if DATE_RANGE.fullmatch(text):  # a range of dates: one a line, never split in a day
        return text.replace("..", "..\n")
    if TIMESTAMP.fullmatch(text):  # to the minute, in two words
        return TIMESTAMP.sub(r"\1 \2", text)
    return text


def _least(text: str, fold: int | None) -> int:
    """The narrowest a column can be without breaking a word of this text: with `fold`
    (the last resort, when no column is left to leave out), words other than those that must
    stay whole (an id, a date, a kind) may fold at `fold` characters."""
    return max(
        (
            len(w) if fold is None or UNBROKEN.fullmatch(w) else min(len(w), fold)
            for w in text.split()
        ),
        default=0,
    )


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


class FittedTable:
    """A table that fits the terminal it is printed on without breaking an id, a date or a
    kind: each column is at least as wide as the longest such word in it; names and
    headings fold, at FOLDED_AT characters and, when the terminal is narrower still, at
    TIGHT; free text takes the width left, on one line ending with an ellipsis. When even
    that does not fit, columns are left out (those of `droppable` first, before names fold
    tight; then free text, then from the right) and a caption names them."""

    def __init__(
        self,
        rows: list[list],
        columns: Sequence[tuple[str, str]],
        title,
        numeric,
        droppable: Sequence[str] = (),
        title_justify: str = "center",
    ):
        self.rows, self.columns, self.title, self.numeric = rows, list(columns), title, numeric
        self.title_justify = title_justify
        keys = [key for key, _ in self.columns]
        self.first_dropped = [k for k in droppable if k in keys]  # before names fold tight
        self.drop_order = (
            self.first_dropped
            + [k for k in reversed(keys[1:]) if k in FREE_TEXT and k not in droppable]
            + [k for k in reversed(keys[1:]) if k not in FREE_TEXT and k not in droppable]
        )

    def _widths(self, keys: list[str], fold: int | None) -> tuple[dict, dict]:
        least, most = {}, {}
        for i, (key, heading) in enumerate(self.columns):
            if key not in keys:
                continue
            lines = [line for row in self.rows for line in row[i].plain.split("\n")]
            most[key] = max(len(line) for line in lines + [heading])
            least[key] = (
                min(FREE_TEXT_MIN, most[key])
                if key in FREE_TEXT
                else max(
                    [_least(line, fold) for line in lines]
                    + [min(_longest_word(heading), fold or len(heading))]
                )
            )
        return least, most

    @staticmethod
    def _borders(keys: list[str]) -> int:
        return 3 * len(keys) + 1

    def _fitting(self, room: int) -> tuple[list[str], dict, dict]:
        """The columns shown and their narrowest and widest widths."""
        keys = [key for key, _ in self.columns]
        dropped = list(self.drop_order)
        while True:  # every word whole, leaving columns out while it does not fit
            least, most = self._widths(keys, None)
            if sum(least.values()) + self._borders(keys) <= room:
                return keys, least, most
            if not dropped:
                break
            keys.remove(dropped.pop(0))
        for fold in (FOLDED_AT, TIGHT):  # one column left, and a word wider than the terminal
            least, most = self._widths(keys, fold)
            if sum(least.values()) + self._borders(keys) <= room:
                break
        return keys, least, most

    def __rich_console__(self, console, options):
        room = options.max_width
        keys, least, widths = self._fitting(room)
        free = [key for key in keys if key in FREE_TEXT]
        spare = room - self._borders(keys) - sum(widths.values())
        # too wide: free text gives way down to a readable width, then the widest wrapping
        # columns down to their least, then free text down to its least
        comfortable = {k: max(least[k], min(widths[k], FREE_TEXT_COMFORT)) for k in free}
        order = (
            [(k, comfortable[k]) for k in free]
            + [
                (k, least[k])
                for k in sorted((k for k in keys if k not in FREE_TEXT), key=lambda k: -widths[k])
            ]
            + [(k, least[k]) for k in free]
        )
        for key, floor in order:
            if spare >= 0:
                break
            give = max(0, min(widths[key] - floor, -spare))
            widths[key] -= give
            spare += give
        left_out = [heading for key, heading in self.columns if key not in keys]
        grid = Table(
            title=self.title,
            show_lines=False,
            expand=False,
            title_justify=self.title_justify,
            caption_justify="left",
            caption=f"Left out at this width: {', '.join(left_out)} (a wider "
            "terminal, or --format csv, shows them)"
            if left_out
            else None,
        )
        for key, heading in self.columns:
            if key in keys:
                grid.add_column(
                    heading,
                    width=widths[key],
                    no_wrap=key in FREE_TEXT,
                    overflow="ellipsis" if key in FREE_TEXT else "fold",
                    justify="right" if self.numeric.get(key) else "left",
                )
        for row in self.rows:
            grid.add_row(*[row[i] for i, (key, _) in enumerate(self.columns) if key in keys])
        yield grid


def cell(value: Any) -> str:
    """One value as text in a table or CSV cell: lists joined with "; ", None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values() if v)
    return str(value)


def incident_row(record: dict) -> dict:
    """An incident flattened for tables and CSV: sources shown by publisher or URL."""
    row = dict(record)
    row["publishers"] = [s.get("publisher") or s.get("url") for s in record.get("sources", [])]
    row["place"] = ", ".join(
        p for p in (record.get("city"), record.get("region"), record.get("country")) if p
    )
    row["targets"] = record.get("journalists", []) + record.get("outlets", [])
    row["source_count"] = len(record.get("sources", []))
    return row


def _marked(text: str, marked) -> Text:
    """Text with the words a search matched in reverse video."""
    shown = Text(text)
    if marked is not None:
        for word in WORD.finditer(text):
            if marked(word.group()):
                shown.stylize("reverse", word.start(), word.end())
    return shown


def table(
    rows: Sequence[dict],
    columns: Sequence[tuple[str, str]],
    title: str | None = None,
    marked=None,
    droppable: Sequence[str] = (),
    title_justify: str = "center",
) -> FittedTable:
    """A table fitted to the terminal (FittedTable); ids shown by their first 8 characters;
    with `marked` (search.highlighter), the words a search matched stand out."""
    numeric = {key: bool(rows) and type(rows[0].get(key)) is int for key, _ in columns}
    cells = [
        [
            _marked(_short(key, cell(row.get(key))), None if key == "id" else marked)
            for key, _ in columns
        ]
        for row in rows
    ]
    return FittedTable(cells, columns, title, numeric, droppable, title_justify)


def to_csv(rows: Iterable[dict], columns: Sequence[tuple[str, str]] | None = None) -> str:
    buffer = io.StringIO()
    write_csv(buffer, rows, columns)
    return buffer.getvalue()


def write_ndjson(out, rows: Iterable[dict]) -> int:
    """Stream records as one JSON object per line. Returns rows written."""
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


# What each GeoJSON feature says of its incident besides where (a map's popup)
GEOJSON_PROPERTIES = (
    "id",
    "date",
    "kinds",
    "country",
    "region",
    "city",
    "journalists",
    "outlets",
    "perpetrator",
    "summary",
    "status",
    "tags",
)


def write_geojson(out, rows: Iterable[dict]) -> tuple[int, int]:
    """Incidents with coordinates as a GeoJSON FeatureCollection (RFC 7946: points as
    [longitude, latitude], WGS 84), as QGIS and uMap open it; sources as their addresses.
    Streamed. Returns (features written, incidents left out for having no coordinates)."""
    out.write('{"type": "FeatureCollection", "features": [\n')
    written = without = 0
    for row in rows:
        if row.get("latitude") is None or row.get("longitude") is None:
            without += 1
            continue
        properties = {key: row.get(key) for key in GEOJSON_PROPERTIES}
        properties["sources"] = [s.get("url") for s in row.get("sources") or [] if s.get("url")]
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
            "properties": properties,
        }
        out.write((",\n" if written else "") + json.dumps(feature, ensure_ascii=False))
        written += 1
    out.write("\n]}\n")
    return written, without


def write_csv(out, rows: Iterable[dict], columns: Sequence[tuple[str, str]] | None = None) -> int:
    """Stream rows as CSV with a header; keys are the column names. Returns rows written."""
    writer = None
    count = 0
    for row in rows:
        if writer is None:
            keys = [k for k, _ in columns] if columns else list(row)
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(keys)
        writer.writerow([cell(row.get(k)) for k in keys])
        count += 1
    if writer is None and columns:
        csv.writer(out, lineterminator="\n").writerow([k for k, _ in columns])
    return count


def to_json(data: Any) -> str:
    return json.dumps(plain(data), ensure_ascii=False, indent=2)


def to_ndjson(rows: Iterable[Any]) -> str:
    return "".join(json.dumps(plain(r), ensure_ascii=False) + "\n" for r in rows)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(rows: Sequence[dict], columns: Sequence[tuple[str, str]]) -> str:
    lines = [
        "| " + " | ".join(h for _, h in columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(_md_escape(cell(row.get(k))) for k, _ in columns) + " |")
    return "\n".join(lines) + "\n"


def listing(
    rows: Sequence[Any],
    columns: Sequence[tuple[str, str]],
    fmt: str,
    title: str | None = None,
    prepare=lambda row: row,
    table_columns: Sequence[tuple[str, str]] | None = None,
    empty: str | None = None,
    marked=None,
    droppable: Sequence[str] = (),
):
    """Any list of records in any format: a Rich renderable for table, else a string.
    `empty` is what the table says when there is nothing to show; `droppable`, the
    table's columns a narrow terminal leaves out, first to last."""
    data = [plain(r) for r in rows]
    if fmt == "json":
        return to_json(data) + "\n"
    if fmt == "ndjson":
        return to_ndjson(data)
    flat = [prepare(r) for r in data]
    if fmt == "csv":
        return to_csv(flat, columns)
    if fmt == "markdown":
        return (f"## {title}\n\n" if title else "") + markdown_table(flat, columns)
    if not flat:
        return Text(empty or f"No {title.lower() if title else 'rows'} match.", style="dim")
    return table(
        flat,
        table_columns or columns,
        title,
        marked,
        DROPPED_WHEN_NARROW if table_columns is INCIDENT_TABLE_COLUMNS else droppable,
    )


def incidents(
    records: Sequence[Any],
    fmt: str,
    title: str = "Incidents",
    marked=None,
    kind_names: dict[str, str] | None = None,
):
    """Incidents in any format; a table names their kinds by their short names
    (vocabulary.names_in: "Raid", "Ператрус"), files by their slugs."""
    from pressfree.vocabulary import short_name

    def named(record: dict) -> dict:
        row = incident_row(record)
        row["kinds"] = [short_name((kind_names or {}).get(k, k)) for k in row["kinds"]]
        return row

    prepare = named if fmt == "table" and kind_names else incident_row
    return listing(
        records, INCIDENT_COLUMNS, fmt, title, prepare, INCIDENT_TABLE_COLUMNS, marked=marked
    )


def incident_detail(record: Any, fmt: str, cases: list | None = None, preview: bool = False):
    """One incident, every field: a two-column table, or the record in another format; with
    the cases it opened or advanced, when it has any. A `preview` of one not yet recorded
    (the entry form's) has no times to show."""
    data = plain(record)
    if preview:
        for moment in ("created_at", "updated_at"):
            data.pop(moment)
    if cases:
        data["cases"] = [
            {
                "id": c.id,
                "person": c.person,
                "case_type": c.case_type,
                "status": c.status,
                "charges": c.charges_text,
            }
            for c in cases
        ]
    if fmt != "table":
        if fmt == "json":
            return to_json(data) + "\n"
        return incidents([record], fmt, title=f"Incident {data['id']}")
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for key, value in data.items():
        if key == "sources":
            value = [
                " ".join(
                    p
                    for p in (s.get("publisher"), s.get("title"), s.get("url"), s.get("published"))
                    if p
                )
                for s in value
            ]
            grid.add_row("sources", "\n".join(value) or "(none)")
        elif key == "extra" and value:
            grid.add_row("extra", "\n".join(f"{k}: {cell(v)}" for k, v in value.items()))
        elif key == "attachments":
            if value:
                grid.add_row("attachments", "\n".join(attachment_line(a) for a in value))
        elif key == "cases":
            grid.add_row(
                "cases",
                "\n".join(
                    f"{c['id'][:8]} {c['person']}, {c['case_type']}, {c['status']}: {c['charges']}"
                    for c in value
                ),
            )
        else:
            grid.add_row(key.replace("_", " "), cell(value))
    return grid


def attachment_line(attachment: dict) -> str:
    """An evidence file as `show` lists it: "2. protocol.pdf (application/pdf, 1.2 MB,
    sha256 3f2a9c1e0b12…): the court's record"."""
    from pressfree.evidence import shown_size

    amount = shown_size(attachment["size"])
    line = (
        f"{attachment['number']}. {attachment['name']} ({attachment['media_type']}, {amount}, "
        f"sha256 {attachment['sha256'][:12]}…)"
    )
    return line + (f": {attachment['note']}" if attachment.get("note") else "")


def record_detail(record: Any, fmt: str):
    """Any other record (a figure, a designation), every field: a two-column table, or the
    record as JSON; csv, markdown and ndjson list it as a one-row listing."""
    data = plain(record)
    if fmt == "json":
        return to_json(data) + "\n"
    if fmt != "table":
        return listing([data], [(k, k) for k in data], fmt, "Record")
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for key, value in data.items():
        grid.add_row(key.replace("_", " "), cell(value))
    return grid


# Flat CSV columns of an export: lists joined with "; ", sources as parallel lists.
EXPORT_COLUMNS = [
    (k, k)
    for k in (
        "id",
        "date",
        "date_precision",
        "kinds",
        "country",
        "region",
        "city",
        "journalists",
        "outlets",
        "perpetrator",
        "summary",
        "public_summary",
        "status",
        "tags",
        "source_urls",
        "source_publishers",
        "source_titles",
        "source_published",
        "created_at",
        "updated_at",
        "external_id",
        "dataset",
        "extra",
        "attachments",
    )
]
EXPORT_LISTS = (
    "kinds",
    "journalists",
    "outlets",
    "tags",
    "source_urls",
    "source_publishers",
    "source_titles",
    "source_published",
)


def joined(values: list) -> str:
    """A list in one CSV cell: "a; b", or a JSON array when a value would make that
    ambiguous (it holds "; " or starts with "["), so the cell reads back exactly."""
    if any("; " in v or v.startswith("[") for v in values):
        return json.dumps(values, ensure_ascii=False)
    return "; ".join(values)


def incident_csv_row(record: dict) -> dict:
    row = dict(record)
    sources = record.get("sources", [])
    row["source_urls"] = [s.get("url") or "" for s in sources]
    row["source_publishers"] = [s.get("publisher") or "" for s in sources]
    row["source_titles"] = [s.get("title") or "" for s in sources]
    row["source_published"] = [s.get("published") or "" for s in sources]
    for key in EXPORT_LISTS:
        row[key] = joined([str(v) for v in row.get(key) or []])
    row["extra"] = json.dumps(record["extra"], ensure_ascii=False) if record.get("extra") else ""
    # evidence files by hash and name ("<sha256> protocol.pdf"): the bytes stay in the store
    row["attachments"] = joined(
        [f"{a['sha256']} {a['name']}" for a in row.get("attachments") or []]
    )
    return row


def case_detail(record: Any, fmt: str):
    """One case: its fields, then its events oldest first (table or Markdown); JSON whole;
    CSV its events."""
    from pressfree.cases import charges_text, described

    data = plain(record)
    events = [
        {"date": e["date"], "event": e["event"], "what": described(e)} for e in data["events"]
    ]
    columns = [("date", "Date"), ("event", "Event"), ("what", "What")]
    if fmt == "json":
        return to_json(data) + "\n"
    if fmt in ("csv", "ndjson"):
        return to_csv(events, columns) if fmt == "csv" else to_ndjson(data["events"])
    fields = {
        **{k: v for k, v in data.items() if k not in ("events", "charges")},
        "charges": charges_text(data["charges"]),
    }
    if fmt == "markdown":
        return (
            f"## Case {data['id']}\n\n"
            + "".join(f"- {k.replace('_', ' ')}: {cell(v)}\n" for k, v in fields.items())
            + "\n"
            + markdown_table(events, columns)
        )
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for key, value in fields.items():
        grid.add_row(key.replace("_", " "), cell(value))
    return Group(grid, table(events, columns, "Events"))
