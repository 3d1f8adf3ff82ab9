"""Pure functions from plain data to what people read: Rich tables, CSV, JSON, Markdown."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Iterable, Sequence

from rich.table import Table
from rich.text import Text

from pressfree.schemas import plain

FORMATS = ("table", "csv", "json", "ndjson", "markdown")

# (key, heading) pairs: what a listing shows as columns, in order.
INCIDENT_COLUMNS = [("id", "ID"), ("date", "Date"), ("kinds", "Kinds"), ("country", "Country"),
                    ("city", "City"), ("journalists", "Journalists"), ("outlets", "Outlets"),
                    ("perpetrator", "Perpetrator"), ("summary", "Summary"),
                    ("publishers", "Sources"), ("status", "Status")]
# A terminal is narrow: the table folds place and targets into one column each.
INCIDENT_TABLE_COLUMNS = [("id", "ID"), ("date", "Date"), ("kinds", "Kinds"),
                          ("place", "Place"), ("targets", "Targets"), ("summary", "Summary"),
                          ("source_count", "Src")]
WORD = re.compile(r"\w+")
# Long free text is cut in tables (show, json and csv keep all of it).
TABLE_TEXT_LIMIT = 60


def _short(key: str, text: str) -> str:
    if key in ("id", "first", "second"):  # public ids: 8 characters find them
        return text[:8]
    if key in ("summary", "scope") and len(text) > TABLE_TEXT_LIMIT:
        return text[:TABLE_TEXT_LIMIT - 1].rstrip() + "…"
    return text


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
    row["place"] = ", ".join(p for p in (record.get("city"), record.get("region"),
                                         record.get("country")) if p)
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


def table(rows: Sequence[dict], columns: Sequence[tuple[str, str]],
          title: str | None = None, marked=None) -> Table:
    """A Rich table; ids shown by their first 8 characters, long text cut short; with
    `marked` (search.highlighter), the words a search matched stand out."""
    grid = Table(title=title, show_lines=False, expand=False)
    for key, heading in columns:
        numeric = bool(rows) and type(rows[0].get(key)) is int
        grid.add_column(heading, overflow="fold", no_wrap=key in ("id", "date"),
                        justify="right" if numeric else "left")
    for row in rows:
        grid.add_row(*[_marked(_short(key, cell(row.get(key))), None if key == "id" else marked)
                       for key, _ in columns])
    return grid


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
    lines = ["| " + " | ".join(h for _, h in columns) + " |",
             "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(_md_escape(cell(row.get(k))) for k, _ in columns) + " |")
    return "\n".join(lines) + "\n"


def listing(rows: Sequence[Any], columns: Sequence[tuple[str, str]], fmt: str,
            title: str | None = None, prepare=lambda row: row,
            table_columns: Sequence[tuple[str, str]] | None = None, empty: str | None = None,
            marked=None):
    """Any list of records in any format: a Rich renderable for table, else a string.
    `empty` is what the table says when there is nothing to show."""
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
    return table(flat, table_columns or columns, title, marked)


def incidents(records: Sequence[Any], fmt: str, title: str = "Incidents", marked=None):
    return listing(records, INCIDENT_COLUMNS, fmt, title, incident_row, INCIDENT_TABLE_COLUMNS,
                   marked=marked)


def incident_detail(record: Any, fmt: str):
    """One incident, every field: a two-column table, or the record in another format."""
    data = plain(record)
    if fmt != "table":
        if fmt == "json":
            return to_json(data) + "\n"
        return incidents([record], fmt, title=f"Incident {data['id']}")
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for key, value in data.items():
        if key == "sources":
            value = [" ".join(p for p in (s.get("publisher"), s.get("title"), s.get("url"),
                                          s.get("published")) if p) for s in value]
            grid.add_row("sources", "\n".join(value) or "(none)")
        elif key == "extra" and value:
            grid.add_row("extra", "\n".join(f"{k}: {cell(v)}" for k, v in value.items()))
        else:
            grid.add_row(key.replace("_", " "), cell(value))
    return grid



# Flat CSV columns of an export: lists joined with "; ", sources as parallel lists.
EXPORT_COLUMNS = [(k, k) for k in (
    "id", "date", "date_precision", "kinds", "country", "region", "city", "journalists",
    "outlets", "perpetrator", "summary", "status", "tags", "source_urls", "source_publishers",
    "source_titles", "source_published", "created_at", "updated_at", "external_id", "dataset",
    "extra")]
EXPORT_LISTS = ("kinds", "journalists", "outlets", "tags", "source_urls", "source_publishers",
                "source_titles", "source_published")


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
    row["extra"] = json.dumps(record["extra"], ensure_ascii=False) if record.get("extra") \
        else ""
    return row
