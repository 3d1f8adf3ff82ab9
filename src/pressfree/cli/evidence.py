"""`pressfree attach` and `pressfree attachments`: evidence files kept with incidents."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from pressfree.cli.common import (
    Format,
    FormatOption,
    confirm_delete,
    emit,
    note,
    reading,
    writing,
)
from pressfree.cli.incidents import IdArg

Number = Annotated[int, typer.Argument(help="The attachment's number, as `show` lists it.")]

attachments_app = typer.Typer(
    help="Evidence files attached to incidents: list them, write one back, take one off, "
    "and the largest file `attach` takes.\n\n"
    "Example: [bold]pressfree attachments get 3f2a9c1e 1 --out protocol.pdf[/]",
    no_args_is_help=True,
    rich_markup_mode="rich",
)


def attach(
    ctx: typer.Context,
    incident_id: IdArg,
    file: Annotated[
        Path,
        typer.Argument(
            help="The file (a document, a photo, an archived page); - reads standard input "
            "(then --name is needed).",
            dir_okay=False,
        ),
    ],
    note_text: Annotated[
        str | None, typer.Option("--note", help="What the file is, or where it came from.")
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", help="The name to keep it under. Default: the file's own name."),
    ] = None,
) -> None:
    """Keep a file as evidence of an incident, inside the database.

    Its bytes are stored once however many incidents it is attached to, and `check` verifies
    them against their SHA-256.

    Example: [bold]pressfree attach 3f2a9c1e protocol.pdf --note "Court record"[/]
    """
    from pressfree import evidence
    from pressfree.errors import InvalidValue

    given = name or (None if str(file) == "-" else file.name)
    if not given:
        raise InvalidValue("--name", "", "is needed when the file is read from standard input")
    with reading(ctx) as session:  # the file is read before the write begins: never
        limit = evidence.size_limit(session)  # with the write lock held while stdin waits
    content = _read(file, limit)
    with writing(ctx) as session:
        attached = evidence.attach(session, incident_id, content, given, note_text)
        incident = evidence.find(session, incident_id, attached["number"])[1]
    note(
        f"Attached {attached['name']} to incident {incident[:8]} as number "
        f"{attached['number']} ({evidence.shown_size(attached['size'])}, sha256 "
        f"{attached['sha256']})."
    )


def _read(file: Path, limit: int) -> bytes:
    """The file's bytes, read no further than one byte past the limit (a file too large is
    refused without being read whole into memory)."""
    from pressfree import evidence
    from pressfree.errors import InvalidValue

    if str(file) == "-":
        content = sys.stdin.buffer.read(limit + 1)
    else:
        try:
            with file.open("rb") as handle:
                content = handle.read(limit + 1)
        except OSError as error:
            raise InvalidValue("FILE", str(file), f"cannot be read ({error.strerror})") from None
    if len(content) > limit:
        raise InvalidValue(
            "FILE",
            str(file),
            f"is over this database's limit of {evidence.shown_size(limit)} "
            "(`pressfree attachments limit SIZE` changes it)",
        )
    return content


@attachments_app.command("list")
def list_(ctx: typer.Context, incident_id: IdArg, fmt: FormatOption = Format.table) -> None:
    """List an incident's evidence files.

    Example: [bold]pressfree attachments list 3f2a9c1e[/]
    """
    from pressfree import incidents
    from pressfree.publish import render

    with reading(ctx) as session:
        record = incidents.get(session, incident_id)
    rows = record.attachments
    if not rows and fmt == Format.table:
        note(f"Incident {record.id[:8]} has no attachments: `pressfree attach ID FILE` adds one.")
        return
    if fmt == Format.json:
        emit(render.to_json(rows) + "\n")
        return
    if fmt == Format.table:  # the hash's first 12 digits, as `show` gives them
        rows = [dict(a, sha256=a["sha256"][:12] + "…") for a in rows]
    rows = [dict(a, note=a.get("note", "")) for a in rows]
    columns = [
        ("number", "N"),
        ("name", "Name"),
        ("note", "Note"),
        ("size", "Bytes"),
        ("media_type", "Type"),
        ("sha256", "SHA-256"),
    ]
    emit(render.listing(rows, columns, fmt.value, title=f"Attachments of {record.id[:8]}"))


@attachments_app.command("get")
def get(
    ctx: typer.Context,
    incident_id: IdArg,
    number: Number,
    out: Annotated[Path, typer.Option("--out", help="Where to write it (created 0600).")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace a file that is there already.")
    ] = False,
) -> None:
    """Write an evidence file back out, after checking it against its SHA-256.

    Example: [bold]pressfree attachments get 3f2a9c1e 1 --out protocol.pdf[/]
    """
    from pressfree import evidence
    from pressfree.errors import InvalidValue
    from pressfree.store.private_files import WholeFile, check_target

    check_target(out, "--out")  # a folder, a link or a device is never written over
    if not force and out.exists():
        raise InvalidValue("--out", str(out), "exists already (--force replaces it)")
    with reading(ctx) as session:
        attachment, content = evidence.content(session, incident_id, number)
    with WholeFile(out, "--out") as whole, whole.open("wb") as handle:
        handle.write(content)
    note(f"Wrote {attachment['name']} to {out} ({evidence.shown_size(len(content))}).")


@attachments_app.command("remove")
def remove(
    ctx: typer.Context,
    incident_id: IdArg,
    number: Number,
    erase: Annotated[
        bool,
        typer.Option(
            "--erase",
            help="Erase the file's bytes too, when no other incident has it attached: "
            "no restore brings it back (for a file that must not be kept).",
        ),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
) -> None:
    """Take an evidence file off an incident.

    The history keeps it: `restore` puts it back, unless --erase took its bytes.

    Example: [bold]pressfree attachments remove 3f2a9c1e 2[/]
    """
    from pressfree import evidence

    with reading(ctx) as session:
        row, full_id = evidence.find(session, incident_id, number)
        name = row.name
    confirm_delete(
        yes,
        f"{'Erase' if erase else 'Remove'} attachment {number} ({name}) of incident {full_id[:8]}?",
        "remove an attachment",
    )
    with writing(ctx) as session:
        gone = evidence.remove(session, full_id, number, erase)
    said = (
        "its bytes are erased"
        if erase
        else f"`pressfree restore {full_id[:8]} --to REV` puts it back (see `pressfree history "
        f"{full_id[:8]}`)"
    )
    note(f"Removed attachment {number} ({gone['name']}) of incident {full_id[:8]}: {said}.")


@attachments_app.command("limit")
def limit(
    ctx: typer.Context,
    size: Annotated[
        str | None,
        typer.Argument(help="The new limit (250MB, 1.5GB); none shows the current one."),
    ] = None,
) -> None:
    """Show or change the largest file `attach` takes.

    100 MB unless changed; at most about 1 GB, what SQLite and PostgreSQL hold in one value.

    Example: [bold]pressfree attachments limit 500MB[/]
    """
    from pressfree import evidence

    if size is None:
        with reading(ctx) as session:
            emit(evidence.shown_size(evidence.size_limit(session)) + "\n")
        return
    with writing(ctx) as session:
        after = evidence.set_size_limit(session, size)
    note(f"attach now takes files of up to {evidence.shown_size(after)}.")


def register(root: typer.Typer) -> None:
    root.command(rich_help_panel="Incidents")(attach)
    root.add_typer(attachments_app, name="attachments", rich_help_panel="Incidents")
