"""Commands about the database itself: init, info, backup, copy, check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from pressfree.cli.common import (
    EncryptPassphrase,
    EncryptTo,
    Format,
    FormatOption,
    emit,
    file_passphrase,
    note,
    open_store,
    passphrases,
    reading,
    seal,
    to_stdout,
    working,
    write_sealed,
    writing,
)


def init(
    ctx: typer.Context,
    encrypt: Annotated[
        bool,
        typer.Option(
            "--encrypt",
            help="Encrypt a new database file with a passphrase (asked on a terminal; "
            "PRESSFREE_PASSPHRASE or --passphrase-file for scripts). Needs pressfree\\[secure].",
        ),
    ] = False,
    remember: Annotated[
        bool,
        typer.Option("--remember", help="Keep the passphrase in the OS keyring."),
    ] = False,
) -> None:
    """Create the database (or upgrade an older one) and print where it is.

    Example: [bold]pressfree --db ~/cases/belarus.db init --encrypt[/]
    """
    from pressfree.errors import PressfreeError
    from pressfree.store import db
    from pressfree.store import passphrases as keeping

    asked = passphrases(ctx, encrypt=encrypt)
    store = open_store(ctx)
    store.publish()  # a new file is kept though nothing is written to it yet
    if encrypt and not store.encrypted:  # a server database was refused on opening
        raise PressfreeError(
            f"--encrypt: {store.display!r} exists and is not encrypted: pressfree encrypt "
            "encrypts it"
        )
    if remember:
        if not store.encrypted:
            raise PressfreeError(f"--remember: {store.display!r} is not encrypted")
        assert store.path is not None
        keeping.remember(store.path, asked.given() or asked.typed[-1])
    note(
        f"Database ready at {store.display} "
        f"(schema {db.schema_version(db.current_revision(store))}"
        f"{', encrypted' if store.encrypted else ''})."
    )


def info(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Show where the database is, its schema version and what it holds.

    Example: [bold]pressfree info --format json[/]
    """
    from pressfree import contents as database
    from pressfree.publish import render

    with reading(ctx) as session:
        facts = database.database_facts(open_store(ctx), session)
    rows = [{"what": k, "value": v} for k, v in facts.items()]
    if fmt == Format.json:
        emit(render.to_json(facts) + "\n")
    else:
        emit(
            render.listing(
                rows, [("what", "What"), ("value", "Value")], fmt.value, title="Database"
            )
        )


def backup(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(help="Where to write the copy (replaced if it is a file; - for stdout)."),
    ],
    encrypt_to: EncryptTo = None,
    encrypt_passphrase: EncryptPassphrase = False,
) -> None:
    """Write a consistent copy of the database, even while another terminal writes.

    Example: [bold]pressfree backup ~/backups/pressfree-2021-07.db[/]
    """
    store = open_store(ctx, write=False)
    sealing = seal(encrypt_to, encrypt_passphrase)
    if sealing is not None:  # the copy in memory (an encrypted database's: beside it)
        if str(path) != "-":
            from pressfree.store.private_files import check_target

            check_target(path, "path")
        data, pages = store.backend.backup_bytes(store.path, store.key)
        write_sealed(path, sealing(data), "path")
        shown = "standard output" if str(path) == "-" else path
        note(f"Backed up {store.display} to {shown}, encrypted ({pages} pages).")
        return
    if str(path) == "-":
        with to_stdout() as out:
            pages = store.backend.backup_to_stream(store.path, out.buffer, store.key)
            out.buffer.flush()
        note(f"Backed up {store.display} to standard output ({pages} pages).")
        return
    pages = store.backend.backup(store.path, path, store.key)
    note(f"Backed up {store.display} to {path} ({pages} pages).")


def copy(
    ctx: typer.Context,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Copy this database (--db) into that one: a file or a URL such as "
            "postgresql+psycopg://host/team.",
        ),
    ] = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="Copy that database into this one (--db).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be added, and add nothing.")
    ] = False,
    identity: Annotated[
        Path | None,
        typer.Option(
            "--identity",
            help="--from a backup encrypted with age (backup --encrypt-to): the age identity "
            "file (or SSH private key) that opens it; without it, its passphrase is asked "
            "for on a terminal, or PRESSFREE_FILE_PASSPHRASE.",
        ),
    ] = None,
    encrypt_to: EncryptTo = None,
    encrypt_passphrase: EncryptPassphrase = False,
) -> None:
    """Copy a whole database into another, on either backend: ids, links, figures, custody,
    designations, cases and history. Only what the other lacks is added, so copying again
    adds nothing. With --encrypt-to (or --encrypt-passphrase), --to names a new file: the
    copy is made in memory and written encrypted with age, as backup --encrypt-to writes
    (a team's server database carried on a laptop); copy --from and import read it.

    Example: [bold]pressfree copy --to postgresql+psycopg://team@db.example.org/pressfree[/]
    """
    from pressfree.cli.import_export import describe
    from pressfree.errors import InvalidValue, PressfreeError, UsageError
    from pressfree.exchange import copying, sealed
    from pressfree.store import db

    if (to is None) == (from_ is None):
        raise UsageError("copy: give one of --to (from this database) or --from (into it)")
    for option, value in (("--to", to), ("--from", from_)):
        if value is not None and not value.strip():
            raise InvalidValue(option, value, "is empty: give a file path or a database URL")
    sealing = None
    if encrypt_to or encrypt_passphrase:
        if to is None:
            raise UsageError(
                "copy: --encrypt-to and --encrypt-passphrase go with --to FILE "
                "(--from reads an encrypted file as it is)"
            )
        sealed_copy = _new_sealed_file(to)
        sealing = seal(encrypt_to, encrypt_passphrase)
    here = open_store(ctx, write=from_ is not None)
    done: Callable[[], None] = _nothing  # what a sealed backup leaves to remove
    try:
        if sealing is not None:
            there = db.open_in_memory(None, sealed_copy, write=True)
        elif from_ is not None and sealed.is_sealed(Path(from_)):  # a backup encrypted with age
            keys = sealed.identities(identity) if identity else None
            there, done = sealed.opened_backup(
                Path(from_), keys, None if keys else file_passphrase(), passphrases(ctx)
            )
        else:
            there = db.open_store(
                to or from_, write=to is not None, until_written=True, passphrases=passphrases(ctx)
            )
    except PressfreeError as error:  # say which option named it
        raise _named(error, "--to" if to else "--from") from None
    try:
        source, target = (here, there) if to else (there, here)
        with working("Copying…"):
            counts = copying.copy_database(
                source, target, dry_run=dry_run, who=(ctx.find_root().obj or {}).get("as")
            )
        if sealing is not None and not dry_run:
            write_sealed(sealed_copy, sealing(there.image()), "--to")
    finally:
        there.dispose()
        done()
    note(
        f"{'Would copy' if dry_run else 'Copied'} from {source.display} to "
        f"{target.display}:" + describe(counts)
    )


def check(
    ctx: typer.Context,
    repair: Annotated[
        bool,
        typer.Option(
            "--repair", help="Write what the facts say wherever it differs, as one revision."
        ),
    ] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Rebuild everything derived (search index, custody periods, designation dates, name
    keys) from the facts, compare it with what is stored, and check every case's events.
    Prints one line per difference; exits 1 if there is any, 0 if none. Run it after a
    crash, or before publishing.

    Example: [bold]pressfree check[/] then [bold]pressfree check --repair[/]
    """
    from pressfree import check as checking
    from pressfree.publish import render

    def shown(found: list[checking.Difference], repaired: int) -> str:
        rows = [{"area": d.area, "record": d.record, "problem": d.problem} for d in found]
        if fmt == Format.json:
            return render.to_json({"differences": rows, "repaired": repaired}) + "\n"
        if fmt == Format.table:
            return "".join(d.line() + "\n" for d in found)  # one line each, as grep wants
        columns = [("area", "Area"), ("record", "Record"), ("problem", "Problem")]
        return str(render.listing(rows, columns, fmt.value, title="Differences"))

    if repair:
        with writing(ctx) as session:
            found = checking.differences(session)
            repaired = checking.repair(session, found)
            emit(
                shown(found, repaired)
            )  # inside the transaction: output that fails repairs nothing
    else:
        with reading(ctx) as session:
            found = checking.differences(session)
        repaired = 0
        emit(shown(found, repaired))
    if repaired:
        note(f"Repaired {repaired} of {len(found)}: recorded as one revision.")
    left = len(found) - repaired
    if left:
        note(f"{left} difference{'s' if left != 1 else ''} found.")
        raise typer.Exit(1)
    if not found:
        note("Everything derived matches the facts.")


def _nothing() -> None:
    pass


def _new_sealed_file(to: str) -> Path:
    """Where copy --to writes an encrypted copy: a new file (or - for standard output)."""
    from pressfree.errors import InvalidValue
    from pressfree.store.private_files import check_target

    if "://" in to:
        raise InvalidValue("--to", to, "is a database URL: an encrypted copy is a file (name one)")
    path = Path(to).expanduser()
    if to == "-":
        return path
    check_target(path, "--to")
    if path.exists():
        raise InvalidValue(
            "--to",
            to,
            "exists: an encrypted copy is written whole as a new file, and would replace it "
            "(name another, or copy --from it into a database first)",
        )
    return path


def _named(error, option: str):
    """An error about --db, said of the option that named the other database."""
    from pressfree.errors import InvalidValue, PressfreeError

    if isinstance(error, InvalidValue) and error.field == "--db":
        return InvalidValue(option, error.value, error.reason)
    if not str(error).startswith("--db: "):
        return error
    renamed = PressfreeError(option + str(error)[len("--db") :])
    renamed.exit_code = error.exit_code
    return renamed


def register(app: typer.Typer) -> None:
    for command in (init, info, backup, copy, check):
        app.command(rich_help_panel="Database")(command)
