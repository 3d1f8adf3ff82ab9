"""`add --editor` and `edit ID --editor`: the incident as a commented TOML file in the
user's editor ($VISUAL, then $EDITOR, then vi, as `git commit` does), read back when it
closes. What does not read is said, and on a terminal the file opens again with the error
at its top; an empty file records nothing.

The file names people at risk: it is written in a private folder (0700, the file 0600) and
removed when the editor closes, whatever happens.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import tempfile
import tomllib
from collections.abc import Callable
from typing import Any

import typer

from pressfree.cli.common import Format, emit, if_stored, interactive, note, reading, writing
from pressfree.errors import InvalidValue, PressfreeError

# The fields in the order the file lists them, each with the line that explains it
FIELDS: list[tuple[str, str]] = [
    ("kinds", "what happened: slugs of `pressfree kinds` (raid, detention, ...)"),
    ("date", "2021-07-30, 30.07.2021, 30 July 2021, 2021-07, 2021 or a range A..B"),
    ("country", "a code (BY) or a name (Belarus, Беларусь)"),
    ("region", ""),
    ("city", ""),
    ("latitude", "where, for maps: decimal degrees (53.9045 and 27.5615), or both empty"),
    ("longitude", ""),
    ("journalists", "names, in any script"),
    ("outlets", ""),
    ("perpetrator", "who did it (GUBOPiK, KGB, police)"),
    ("summary", "what happened"),
    ("public_summary", "what a report shows when the summary names someone at risk"),
    ("status", "reported, confirmed, disputed, retracted or withdrawn"),
    ("restricted", "true keeps it out of everything published"),
    ("tags", ""),
]
SOURCE_KEYS = ("url", "publisher", "title", "published")
HEADER = """\
# {what}
# Lines starting with # are ignored. Save to record it; an empty file records nothing.
# A field left empty ("" or []) is empty; sources are [[sources]] tables, one each.
"""


def template(
    values: dict[str, Any], what: str, own: dict[str, dict[str, Any]] | None = None
) -> str:
    """The incident as a commented TOML file: every field, with what it takes, and the
    database's own fields (own_fields) under [fields]."""
    lines = [HEADER.format(what=what)]
    for name, hint in FIELDS:
        if hint:
            lines.append(f"# {hint}")
        lines.append(f"{name} = {_toml(values.get(name), name)}")
    if own:
        held = values.get("extra") or {}
        lines += ["", '[fields]   # your own (`pressfree fields`); "" for none']
        for name, definition in sorted(own.items()):
            kind = definition["type"]
            if kind == "choice":
                kind = "one of " + ", ".join(definition["choices"])
            lines.append(
                f"{json.dumps(name, ensure_ascii=False)} = {_toml(held.get(name), name)}   # {kind}"
            )
    for source in values.get("sources") or [{}]:
        lines += ["", "[[sources]]   # where it was reported: url, publisher, title, published"]
        lines += [f"{key} = {_toml(source.get(key), key)}" for key in SOURCE_KEYS]
    return "\n".join(lines) + "\n"


def _toml(value: Any, name: str) -> str:
    if name in ("kinds", "journalists", "outlets", "tags"):
        return "[" + ", ".join(json.dumps(str(v), ensure_ascii=False) for v in value or []) + "]"
    if name == "restricted":
        return "true" if value else "false"
    return json.dumps("" if value is None else str(value), ensure_ascii=False)  # TOML's escapes


def read(text: str) -> dict[str, Any] | None:
    """The values of a saved file, or None when it holds nothing but comments."""
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidValue("file", str(error).split(" (at")[0], "does not read as TOML") from None
    known = {name for name, _ in FIELDS} | {"sources", "fields"}
    for name in data:
        if name not in known:
            raise InvalidValue("file", name, f"is not a field ({', '.join(sorted(known))})")
    values: dict[str, Any] = {name: _empty_is_none(data.get(name)) for name, _ in FIELDS}
    values["restricted"] = bool(data.get("restricted"))
    sources = data.get("sources") or []
    if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
        raise InvalidValue("file", "sources", "must be [[sources]] tables")
    values["sources"] = [
        {key: _empty_is_none(source.get(key)) for key in SOURCE_KEYS}
        for source in sources
        if any(_empty_is_none(source.get(key)) for key in SOURCE_KEYS)
    ]
    for name in ("kinds", "journalists", "outlets", "tags"):
        values[name] = values[name] or []
    own = data.get("fields") or {}
    if not isinstance(own, dict):
        raise InvalidValue("file", "fields", "must be a [fields] table")
    values["fields"] = {name: _empty_is_none(given) for name, given in own.items()}
    return values


def in_editor(text: str) -> str:
    """What the user's editor leaves in a private file that held `text`."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.TemporaryDirectory(prefix="pressfree-") as folder:  # 0700
        path = os.path.join(folder, "incident.toml")
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(text)
        try:
            done = subprocess.run([*shlex.split(command), path], check=False)
        except OSError as error:
            raise InvalidValue(
                "$VISUAL/$EDITOR", command, f"cannot be run ({error.strerror})"
            ) from None
        if done.returncode != 0:
            raise InvalidValue(
                "$VISUAL/$EDITOR", command, f"ended with exit code {done.returncode}"
            )
        with open(path, encoding="utf-8") as handle:
            return handle.read()


def _empty_is_none(value: Any) -> Any:
    return None if value == "" else value


def edited(first: str, record: Callable[[dict[str, Any]], None], interactive: bool) -> bool:
    """Open the editor on `first` until what is saved is recorded by `record` (which raises
    what is wrong, in a transaction of its own). False when the user records nothing."""
    text = first
    while True:
        saved = in_editor(text)
        try:
            values = read(saved)
            if values is None:
                return False
            record(values)
            return True
        except PressfreeError as error:
            if not interactive:
                raise
            typer.echo(f"Error: {error}", err=True)
            if not typer.confirm("Edit it again?", default=True, err=True):
                return False
            body = "\n".join(
                line for line in saved.splitlines() if not line.startswith("# Error: ")
            )
            text = f"# Error: {error}\n{body}\n"


def edit_in_editor(
    ctx: typer.Context, incident_id: str, changes: dict[str, Any], fmt: Format
) -> None:
    """The incident as it is (with any changes given as options) in the editor; what is
    saved becomes the incident, exactly: a field emptied in the file is emptied."""
    from pressfree import incidents, own_fields

    with reading(ctx) as session:
        current = incidents.get(session, incident_id).to_dict()
        own = own_fields.defined(session)
    lists = ("kinds", "journalists", "outlets", "tags", "sources")
    for name, value in changes.items():
        if value is None or (name in lists and not value):
            continue
        current[name] = current[name] + list(value) if name in lists else value

    first = template(current, f"Incident {current['id']}: `pressfree edit`", own)
    if not edited(
        first, lambda values: made_exactly(ctx, current["id"], values, fmt), interactive()
    ):
        note("Nothing changed.")
        raise typer.Exit(1)


def made_exactly(ctx: typer.Context, incident_id: str, values: dict[str, Any], fmt: Format) -> None:
    """The incident becomes what the editor's file or the form says, exactly: a field
    emptied there is emptied; shown as `show` shows it, before the commit."""
    from pressfree import incidents, own_fields
    from pressfree.publish import render

    with writing(ctx) as session:
        written = values.pop("fields", None) or {}
        values["extra"] = own_fields.valued(session, written) if written else None
        after = incidents.edit(session, incident_id, values, exact=True)
        emit(render.incident_detail(after, fmt.value))


def defined(ctx: typer.Context) -> dict[str, dict[str, Any]]:
    """The database's own fields, for the editor's file; none before the database exists."""
    from pressfree import own_fields

    return if_stored(ctx, own_fields.defined, {})
