"""Commands that move data in and out: import, export."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from pressfree.cli import options as o
from pressfree.cli.common import (
    EncryptPassphrase,
    EncryptTo,
    counted,
    file_passphrase,
    note,
    open_store,
    reading,
    seal,
    to_stdout,
    unheld_where,
    working,
    write_sealed,
    writing,
)

# What each count of an import or a copy is of ("tallies": 2 -> "2 tallies", 1 -> "1 tally")
ONE = {
    "incidents": "incident",
    "tallies": "tally",
    "custody": "custody period",
    "designations": "designation",
    "cases": "case",
    "revisions": "revision",
    "files": "evidence file",
}
LEFT_OUT = "files left out"  # attachments whose bytes a document did not carry


def describe(counts: dict[str, int]) -> str:
    added = ", ".join(
        counted(n, ONE.get(name, name))
        for name, n in counts.items()
        if name not in ("skipped", LEFT_OUT)
    )
    skipped = counts.get("skipped", 0)
    said = f" {added}" + (f"; {skipped} already present, skipped." if skipped else ".")
    if left_out := counts.get(LEFT_OUT):
        said += (
            f" {counted(left_out, 'attachment')} left out: their files were not given "
            "(`export --with-files PATH`, then `import FILE --files PATH`)."
        )
    return said


class ExportFormat(str, Enum):
    json = "json"
    ndjson = "ndjson"
    csv = "csv"
    geojson = "geojson"


PROGRESS_BYTES = 1 << 20  # about a few thousand rows: below this a bar only flickers


def import_(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="CSV, JSON or NDJSON file.", exists=True, dir_okay=False)
    ],
    preset: Annotated[
        str | None,
        typer.Option(
            "--preset",
            help="A built-in mapping: pft (U.S. Press Freedom Tracker), cpj "
            "(CPJ killed journalists), pressfree (own CSV/NDJSON).",
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            help="A TOML mapping file (`pressfree mapping init FILE` writes one; "
            "docs/importing.md says more).",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="csv, json or ndjson (default: from the name)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row; write nothing.")
    ] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Import the valid rows; write the rejected ones, with "
            "the reason, to FILE.rejected.csv (or --rejected).",
        ),
    ] = False,
    rejected: Annotated[
        Path | None,
        typer.Option(
            "--rejected",
            help="With --skip-invalid: where the rejected rows go (a CSV file, in clear; "
            "needed to write them from an encrypted file or into an encrypted database).",
        ),
    ] = None,
    again: Annotated[
        bool,
        typer.Option(
            "--again",
            help="Read a file imported before once more (after fixing the "
            "mapping): rows already stored are skipped.",
        ),
    ] = False,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="Rows without ids that match a stored incident of the same "
            "dataset but say something else (a corrected summary, a new "
            "tag) are applied to it as edits; without --update they "
            "are listed and left alone.",
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    snapshot: Annotated[
        bool,
        typer.Option(
            "--snapshot",
            help="The file is a complete snapshot of its dataset: say which stored incidents "
            "of it, dated within what the file covers, no row matched.",
        ),
    ] = False,
    retire: Annotated[
        bool,
        typer.Option(
            "--retire",
            help="With a snapshot: mark the stored incidents it no longer holds withdrawn "
            "(they never count; `imports undo` puts them back).",
        ),
    ] = False,
    identity: Annotated[
        Path | None,
        typer.Option(
            "--identity",
            help="An age identity file (or SSH private key) that opens an encrypted file "
            "(export --encrypt-to); without it, its passphrase is asked for on a terminal, "
            "or PRESSFREE_FILE_PASSPHRASE.",
        ),
    ] = None,
    files: Annotated[
        Path | None,
        typer.Option(
            "--files",
            help="A pressfree JSON export's evidence files: the folder or zip "
            "`export --with-files` wrote (found by their SHA-256, whatever their names).",
        ),
    ] = None,
) -> None:
    """Import incidents; a file already imported, or rows already present, add nothing.

    Rows without ids are matched to what an earlier import of the same dataset stored (a
    later export of the same tracker): identical rows are already stored, rows with the same
    date, place and targets but other content are changed (see --update), the rest are new.

    Example: [bold]pressfree import incidents.csv --preset pft --dry-run[/]
    """
    from pressfree.exchange import readers, sealed

    arguments = (
        ctx, file, preset, mapping, fmt, dry_run, skip_invalid, rejected, again, update, quiet
    )  # fmt: skip
    if not sealed.is_sealed(file):
        _import(*arguments, snapshot, retire, files)
        return
    if skip_invalid and rejected is None:
        from pressfree.errors import UsageError

        raise UsageError(
            "--skip-invalid: it would write the rejected rows of an encrypted file in clear "
            "beside it: name where they go (--rejected FILE), or fix the rows"
        )
    keys = sealed.identities(identity) if identity else None
    data = sealed.unseal(file, keys, None if keys else file_passphrase())
    with readers.decrypted(file, data):
        _import(*arguments, snapshot, retire, files)


def _import(
    ctx: typer.Context,
    file: Path,
    preset: str | None,
    mapping: Path | None,
    fmt: str | None,
    dry_run: bool,
    skip_invalid: bool,
    rejected: Path | None,
    again: bool,
    update: bool,
    quiet: bool,
    snapshot: bool,
    retire: bool,
    files: Path | None = None,
) -> None:
    from pressfree.errors import InvalidValue
    from pressfree.exchange import document, loader, readers
    from pressfree.exchange import mapping as mappings
    from pressfree.schemas import file_label

    if preset and mapping:
        raise InvalidValue("--preset", preset, "and --mapping cannot both be given")
    if fmt and fmt not in readers.FORMATS:
        raise InvalidValue(
            "--format", fmt, f"is not an import format ({', '.join(readers.FORMATS)})"
        )
    file_format = fmt or readers.detect_format(file)
    if file_format == "json" and not (preset or mapping) and document.holds_document(file):
        for option, given in (
            ("--skip-invalid", skip_invalid),
            ("--snapshot", snapshot),
            ("--retire", retire),
        ):
            if given:
                raise InvalidValue(
                    option,
                    "",
                    "applies to rows of CSV, NDJSON or JSON arrays; a pressfree export imports "
                    "whole",
                )
        loaded = document.read_document(file)
        evidence_given = None
        if files is not None:
            from pressfree.exchange.evidence_files import given_files

            evidence_given = given_files(files)
        with writing(ctx) as session:
            counts = document.load_document(
                session,
                loaded,
                {"file": file_label(file.name), "sha256": readers.sha256(file)},
                evidence_given,
            )
            if dry_run:
                session.rollback()
        note(("Would import" if dry_run else "Imported") + describe(counts))
        return
    if files is not None:
        raise InvalidValue(
            "--files", str(files), "goes with a pressfree JSON export (rows carry no files)"
        )
    chosen, said = _layout(
        file,
        file_format,
        *(
            (mappings.load(mapping), "--mapping", str(mapping))
            if mapping
            else (mappings.preset(preset), "--preset", preset)
            if preset
            else (None, "", "")
        ),
    )
    if skip_invalid and rejected is None and not dry_run and open_store(ctx).encrypted:
        from pressfree.errors import UsageError

        raise UsageError(
            "--skip-invalid: the database is encrypted, and the rejected rows would be written "
            "in clear beside the file: name where they go (--rejected FILE), or fix the rows"
        )
    with _progress(file, quiet) as advance, writing(ctx) as session:
        report = loader.import_file(
            session,
            file,
            chosen,
            file_format,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            rejected_to=rejected,
            again=again,
            update=update,
            progress=advance,
            snapshot=snapshot,
            retire=retire,
        )
        if dry_run or (report.invalid and not skip_invalid):
            session.rollback()
    for line in said:  # after the import: a file that cannot be read gets one line only
        note(line)
    _report(report, skip_invalid)


SHOWN_CHANGES = 20


def _layout(file: Path, file_format: str, layouts, option: str, value: str):
    """The mapping that reads the file (mapping.for_file), and what to tell the user of it."""
    from pressfree.exchange import mapping as mappings

    chosen, recognised, unread = mappings.for_file(file, file_format, layouts, option, value)
    described = chosen.title + (f" ({chosen.description})" if chosen.description else "")
    said = []
    if recognised and chosen.name != "pressfree":  # its own exports need no saying
        said.append(f"Recognised {file.name} as preset {described}.")
    elif not recognised and len(layouts) > 1:
        said.append(f"Reading {file.name} as {described}.")
    if unread:
        said.append(
            f"Columns the layout reads that this file lacks (left empty): {', '.join(unread)}."
        )
    return chosen, said


def _report(report, skip_invalid: bool) -> None:
    from pressfree.errors import PressfreeError, shown

    if report.already_imported:
        note(
            f"{report.file} was imported before (same sha256): nothing added. To read it "
            "again after fixing its mapping, add --again."
        )
        return
    for p in report.problems:
        note(f"row {p.row}: {p.column}: {shown(p.value)} {p.reason}")
    if report.invalid > len(report.problems):
        note(f"... and {report.invalid - len(report.problems)} more invalid rows")
    if report.invalid and not skip_invalid:
        raise PressfreeError(
            f"import: {report.invalid} of {report.rows} rows are invalid; "
            f"nothing {'would be' if report.dry_run else 'was'} imported "
            "(fix them, or use --skip-invalid)"
        )
    verb = "Would import" if report.dry_run else "Imported"
    parts = [f"{verb} {counted(report.added, 'incident')} from {counted(report.rows, 'row')}"]
    if report.already_present or report.changed:
        parts.append(
            f"{report.already_present} already stored, {len(report.changed)} "
            f"changed, {report.added} new"
        )
    for change in report.changed[:SHOWN_CHANGES]:
        note(
            f"row {change.row}: changed since stored as {change.incident[:8]} "
            f"({', '.join(change.fields) or 'sources or extra fields'})"
            + (
                ": updated"
                if report.updated and not report.dry_run
                else ": would be updated"
                if report.updated
                else ""
            )
        )
    if len(report.changed) > SHOWN_CHANGES:
        note(f"... and {len(report.changed) - SHOWN_CHANGES} more changed rows")
    if report.changed and not report.updated:
        note("Changed rows were left as stored: add --update to apply them as edits.")
    if report.not_incidents:
        rows = ", ".join(map(str, report.not_incidents[:10]))
        parts.append(
            f"{len(report.not_incidents)} rows not incidents, skipped (row "
            f"{rows}{' ...' if len(report.not_incidents) > 10 else ''}: the "
            "mapping's skip_rows_without rule)"
        )
    if report.invalid:
        parts.append(
            f"{report.invalid} invalid"
            + (
                f", written to {report.rejected_file}"
                if report.rejected_file
                else ", to be left out"
                if report.dry_run
                else ""
            )
        )
    if report.new_kinds:
        parts.append(f"new kinds: {', '.join(report.new_kinds)}")
    if report.cases:
        parts.append(f"{report.cases} cases opened from the charge columns")
    note("; ".join(parts) + ".")
    if report.rejected_file:
        note(
            "The file is not marked as imported, so it can be imported again once fixed; "
            "rows with ids will then be skipped, rows without ids added again."
        )
    if report.snapshot and report.invalid:
        note(
            f"Not compared as a snapshot with the stored incidents of {report.dataset}: "
            f"{report.invalid} rows were rejected, and what they stand for would look "
            "withdrawn (fix them and import again)."
        )
    if report.snapshot and report.unmatched:
        count = len(report.unmatched)
        first, last = report.covers
        said = (
            f"{count} stored incidents of {report.dataset} dated {first}..{last} are not in "
            f"this snapshot"
        )
        if report.retired:
            note(f"{said}: withdrawn (`pressfree imports undo {report.import_id}` puts them back).")
        else:
            note(
                f"{said}: `pressfree imports unmatched {report.import_id}` lists them; "
                "--retire withdraws them."
                if not report.dry_run
                else f"{said} (--retire would withdraw them)."
            )


@contextmanager
def _progress(file: Path, quiet: bool):
    """A Rich progress bar over the file's bytes, on a terminal, for files worth one."""
    from pressfree.exchange import readers

    if quiet or not sys.stdout.isatty() or readers.size(file) < PROGRESS_BYTES:
        yield None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task(f"Importing {file.name}", total=readers.size(file))
        yield lambda done: bar.update(task, completed=done)


def export(
    ctx: typer.Context,
    month: o.Month = None,
    year: o.Year = None,
    start: o.From = None,
    end: o.To = None,
    kind: o.Kinds = None,
    country: o.Country = None,
    journalist: o.Journalist = None,
    outlet: o.Outlet = None,
    publisher: o.Publisher = None,
    status: o.Status = None,
    tag: o.Tag = None,
    search: o.Search = None,
    where: o.Where = None,
    updated_since: o.UpdatedSince = None,
    updated_before: o.UpdatedBefore = None,
    include_new: o.IncludeNew = False,
    affiliated: o.Affiliated = False,
    limit: o.Limit = None,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="json (the whole database, re-importable), ndjson or csv (incidents), "
            "geojson (incidents with coordinates, for QGIS and uMap).",
        ),
    ] = ExportFormat.json,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write to this file (created 0600, written whole) instead of stdout; - is stdout.",
        ),
    ] = None,
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help="Replace the names of people marked at risk with their "
            "pseudonyms, wherever they appear.",
        ),
    ] = False,
    with_history: Annotated[
        bool,
        typer.Option(
            "--history",
            help="json: carry every revision of what is exported (never with --redact).",
        ),
    ] = False,
    encrypt_to: EncryptTo = None,
    encrypt_passphrase: EncryptPassphrase = False,
    with_files: Annotated[
        Path | None,
        typer.Option(
            "--with-files",
            help="Also write the incidents' evidence files into this new folder, or zip "
            "(a name ending .zip), as ID-N-NAME (never with --redact).",
        ),
    ] = None,
) -> None:
    """Export incidents (json also carries tallies, custody, designations and cases).

    Example: [bold]pressfree export --format json --redact --out belarus-public.json[/]
    """
    from pressfree.errors import UsageError
    from pressfree.exchange import document
    from pressfree.publish import render

    if with_history and fmt != ExportFormat.json:
        raise UsageError("--history goes with --format json (ndjson and csv hold incidents only)")
    if with_files is not None:
        from pressfree.exchange.evidence_files import check_destination

        if redact:
            raise UsageError(
                "--with-files cannot go with --redact: a file's bytes are not redacted"
            )
        check_destination(with_files)
    filters = o.incident_filter(
        month,
        year,
        start,
        end,
        kind,
        country,
        journalist,
        outlet,
        publisher,
        status,
        tag,
        limit,
        search,
        where,
        updated_since=updated_since,
        updated_before=updated_before,
        include_new=include_new,
        affiliated=affiliated,
    )
    filters.public = redact  # a redacted export is for publishing: nothing restricted
    sealing = seal(encrypt_to, encrypt_passphrase)
    to_stdout = out is None or str(out) == "-"
    with (
        working("Exporting…", to_stdout),
        _destination(out, sealing) as handle,
        reading(ctx) as session,
    ):
        from pressfree import people

        redactor = people.redactor(session) if redact else None
        without = 0
        if fmt == ExportFormat.json:
            count = document.write_document(session, handle, filters, redactor, with_history)
        elif fmt == ExportFormat.geojson:
            records = document.iter_records(session, filters, redactor)
            count, without = render.write_geojson(handle, records)
        else:
            records = document.iter_records(session, filters, redactor)
            count = (
                render.write_ndjson(handle, records)
                if fmt == ExportFormat.ndjson
                else render.write_csv(
                    handle, map(render.incident_csv_row, records), render.EXPORT_COLUMNS
                )
            )
        if not count and not without:
            unheld_where(session, filters)
        if with_files is not None:
            from pressfree import incidents
            from pressfree.exchange import evidence_files

            with evidence_files.writer(with_files) as write:
                written = evidence_files.write_files(
                    session, incidents.iter_incidents(session, filters), write
                )
    if out and str(out) != "-":
        note(f"Exported {counted(count, 'incident')} to {out}.")
    if with_files is not None:
        from pressfree.evidence import shown_size

        note(
            f"Wrote {counted(written.files, 'evidence file')} "
            f"({shown_size(written.size)}) to {with_files}."
        )
    if without:  # said on a terminal and in a script alike: a map that shows fewer
        note(
            f"{counted(without, 'incident')} without coordinates left out of the map "
            "(add them with `edit ID --lat ... --lon ...`)."
        )


@contextmanager
def _destination(out: Path | None, sealing=None):
    """stdout (no --out, or -), or a private file written whole: a partial file beside it is
    renamed over it only when the export succeeds, so a failed export leaves an old file as
    it was, and a link, FIFO or device is refused rather than replaced. Sealed (age), the
    export is gathered in memory and written encrypted."""
    if sealing is not None:
        import io

        if out is not None and str(out) != "-":
            from pressfree.store.private_files import check_target

            check_target(out, "--out")  # before the export's work
        buffer = io.StringIO()
        yield buffer
        write_sealed(out, sealing(buffer.getvalue().encode("utf-8")))
        return
    if out is None or str(out) == "-":
        with to_stdout() as handle:
            yield handle
        return
    from pressfree.store.private_files import WholeFile

    with WholeFile(out, "--out") as whole, whole.open("w") as handle:
        yield handle


def register(app: typer.Typer) -> None:
    app.command("import", rich_help_panel="Import and export")(import_)
    app.command(rich_help_panel="Import and export")(export)
