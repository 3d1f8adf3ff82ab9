"""What every command shares: the database from --db, output formats, errors, consoles."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

T = TypeVar("T")


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    ndjson = "ndjson"
    markdown = "markdown"


FormatOption = Annotated[
    Format,
    typer.Option(
        "--format", "-f", help="Output: table, csv, json, ndjson or markdown.", case_sensitive=False
    ),
]


def stdout() -> Console:
    # Rich already drops colour when stdout is not a terminal or NO_COLOR is set.
    return Console(highlight=False, soft_wrap=False)


def stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def drop_stdout() -> None:
    """Send what could not be written to stdout nowhere: else Python reports the failure
    again, as a traceback, when it flushes stdout at exit."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@contextmanager
def to_stdout() -> Iterator:
    """Writing to stdout: a full disk or a closed file descriptor is one line, not a
    traceback (a reader that stops early, as `| head` does, is no error at all)."""
    try:
        yield sys.stdout
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        from pressfree.errors import PressfreeError

        drop_stdout()

        raise PressfreeError(
            f"output: standard output cannot be written ({error.strerror})"
        ) from None


EncryptTo = Annotated[
    list[str] | None,
    typer.Option(
        "--encrypt-to",
        help="Encrypt the file for a reader (age): their age public key (age1...) or SSH public "
        "key; repeat for several readers. Needs pressfree\\[secure].",
    ),
]
EncryptPassphrase = Annotated[
    bool,
    typer.Option(
        "--encrypt-passphrase",
        help="Encrypt the file with a passphrase (age): asked twice on a terminal, or "
        "PRESSFREE_FILE_PASSPHRASE. Needs pressfree\\[secure].",
    ),
]


def seal(encrypt_to: list[str] | None, encrypt_passphrase: bool):
    """How an output is to be encrypted (exchange.sealed.Seal), or None."""
    from pressfree.exchange import sealed

    passphrase = file_passphrase("--encrypt-passphrase", new=True) if encrypt_passphrase else None
    return sealed.seal_for(encrypt_to or [], passphrase)


def file_passphrase(field: str = "file", new: bool = False) -> str | None:
    """The passphrase of a file encrypted with age (not a database's): from
    PRESSFREE_FILE_PASSPHRASE, else asked on a terminal (twice for a new one); None where
    nobody can answer and it is not new (the caller says what is missing)."""
    from pressfree.exchange import sealed

    given = os.environ.get(sealed.PASSPHRASE_VAR)
    if given:
        return given
    if not sys.stdin.isatty() or os.environ.get("CI"):
        if not new:
            return None
        from pressfree.errors import UsageError

        raise UsageError(
            f"{field}: no passphrase given: set {sealed.PASSPHRASE_VAR}, or run on a terminal"
        )
    return _ask_passphrase("Passphrase of the file" if not new else "Passphrase for the file", new)


def write_sealed(out: Path | None, data: bytes, field: str = "--out") -> None:
    """An encrypted file to --out (written whole, 0600) or standard output, never shown on a
    terminal (it is binary)."""
    if out is None or str(out) == "-":
        if sys.stdout.isatty():
            from pressfree.errors import InvalidValue

            raise InvalidValue(
                field, "-", "is a terminal: an encrypted file is not shown; name a file"
            )
        with to_stdout() as stream:
            stream.buffer.write(data)
            stream.buffer.flush()
        return
    from pressfree.store.private_files import WholeFile

    with WholeFile(out, field) as whole, whole.open("wb") as handle:
        handle.write(data)


def emit(output: Any) -> None:
    """Print a renderable, or write text exactly as it is (CSV, JSON) to stdout."""
    with to_stdout() as out:
        if isinstance(output, str):
            out.write(output)
        else:
            stdout().print(output)


def footer(lines: list[str], fmt: Format) -> Any:
    """Lines printed under a table: wrapped at spaces to the terminal (never mid-word) in
    a table, as they are in markdown."""
    if fmt == Format.table:
        from rich.text import Text

        return Text("\n".join(lines))
    return "\n".join(lines) + "\n"


# Nouns whose plural is not the singular with an "s"
PLURALS = {"tally": "tallies", "custody period": "custody periods", "entry": "entries"}


def counted(n: int, one: str) -> str:
    """A count as a line of the CLI says it: "1 incident", "2 incidents", "3 tallies"."""
    return f"{n} {one if n == 1 else PLURALS.get(one, one + 's')}"


@contextmanager
def working(description: str, to_stdout: bool = False) -> Iterator[None]:
    """A spinner with what is being done, on stderr when it is a terminal, for work that
    can take a while on a large database (an export, an undo, a copy, a report); not when
    the output itself goes to that terminal (`to_stdout`), nor when stderr is redirected."""
    if not sys.stderr.isatty() or (to_stdout and sys.stdout.isatty()):
        yield
        return
    with stderr().status(description):
        yield


def warn(message: str) -> None:
    stderr().print(f"Warning: {message}", markup=False)


def note(message: str) -> None:
    """A line of what was done; on a terminal it wraps at spaces (a file gets one line)."""
    stderr().print(message, markup=False, soft_wrap=not sys.stderr.isatty())


def unheld_where(session, filters) -> None:
    """When a filtered command found nothing, say which --where fields nothing holds."""
    from pressfree.incidents import unheld_fields

    for name in unheld_fields(session, filters):
        warn(
            f"--where: no incident has a field {name!r} (`show ID` lists an incident's extra "
            "fields; a column the mapping read into a field is filtered with that field's "
            "option, such as --tag or --status)"
        )


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty() and not os.environ.get("CI")


def confirm_delete(yes: bool, question: str, doing: str = "delete") -> None:
    """A delete (or a change of many) asks first (unless --yes); without a terminal to ask
    on, --yes is needed."""
    if yes:
        return
    if not interactive():
        from pressfree.errors import InvalidValue

        raise InvalidValue("--yes", "", f"is required to {doing} without a terminal")
    if not typer.confirm(question):
        raise typer.Exit(1)


def location(ctx: typer.Context) -> str:
    from pressfree.store import db

    root = ctx.find_root()
    return db.resolve_location((root.obj or {}).get("db"))


def open_store(ctx: typer.Context, write: bool = True):
    """The database named by --db / PRESSFREE_DB / the default, opened once per command;
    for reading only, it is opened read-only and nothing is created or upgraded."""
    root = ctx.find_root()
    root.obj = root.obj or {}
    if "store" not in root.obj:
        from pressfree.store import db

        root.obj["store"] = db.open_store(
            location(ctx),
            write=write,
            after_upgrade=rederive,
            until_written=True,
            passphrases=passphrases(ctx),
        )
        root.call_on_close(root.obj["store"].dispose)
        _unused_passphrase(root.obj["store"], root.obj["passphrases"])
    return root.obj["store"]


def _unused_passphrase(store, given) -> None:
    """A passphrase given for a database file that is not encrypted is said, never silently
    ignored: the user may believe the file is protected."""
    if store.path is not None and not store.encrypted and not given.encrypt and given.given():
        note(
            f"Warning: {store.display} is not encrypted; the passphrase given is not used "
            "(pressfree encrypt encrypts it)."
        )


def passphrases(ctx: typer.Context, encrypt: bool = False):
    """The passphrases of this command's encrypted databases (store.passphrases): from the
    environment, --passphrase-file or the keyring, else asked on a terminal (never echoed),
    each asked once per command."""
    from pressfree.store.passphrases import Passphrases

    root = ctx.find_root()
    root.obj = root.obj or {}
    if "passphrases" not in root.obj:
        root.obj["passphrases"] = Passphrases(
            file=root.obj.get("passphrase_file"),
            ask=_ask_passphrase if sys.stdin.isatty() and not os.environ.get("CI") else None,
        )
    root.obj["passphrases"].encrypt = root.obj["passphrases"].encrypt or encrypt
    return root.obj["passphrases"]


def _ask_passphrase(question: str, new: bool) -> str:
    return str(typer.prompt(question, hide_input=True, confirmation_prompt=new, err=True))


def rederive(connection) -> None:
    """After a schema upgrade, in its transaction: what this pressfree derives from the
    facts differently from the one that wrote them (the publication rule of schema 9 leaves
    retracted detentions out of custody) is derived again, as one revision (history --kind
    check); nothing, when nothing differs."""
    from sqlmodel import Session

    from pressfree import check, history

    with Session(bind=connection, join_transaction_mode="rollback_only") as session:
        history.begin(session, "upgrade", None)
        check.repair(session, check.differences(session))
        session.commit()  # settles the unit of work; the upgrade's transaction commits it


@contextmanager
def writing(ctx: typer.Context) -> Iterator:
    """A session whose writes are one transaction: all of them, or none on any error."""
    from pressfree import history

    with open_store(ctx).session(write=True) as session:
        # every change the command makes is recorded in the history under its verb
        history.begin(
            session,
            " ".join(ctx.command_path.split()[1:]) or "pressfree",
            (ctx.find_root().obj or {}).get("as"),
        )
        yield session


def noun_listing(
    ctx: typer.Context, rows_of, columns, fmt, title: str, empty: str | None = None
) -> None:
    """A noun's own listing (`pressfree outlets`), unless one of its subcommands was asked
    for: rows_of(session) gives the rows."""
    if ctx.invoked_subcommand:
        return
    from pressfree.publish import render

    with reading(ctx) as session:
        rows = rows_of(session)
    emit(render.listing(rows, columns, fmt.value, title=title, empty=empty))


def if_stored(ctx: typer.Context, read: Callable[[Any], T], none: T) -> T:
    """What `read` finds in the database, or `none` when there is no database yet (a SQLite
    file not made): what a command offers before anything is stored."""
    from pressfree.store.db import is_file

    if is_file(where := location(ctx)) and not Path(where).exists():
        return none
    with reading(ctx) as session:
        return read(session)


@contextmanager
def reading(ctx: typer.Context) -> Iterator:
    """A read-only session; the database must exist already."""
    with open_store(ctx, write=False).session(write=False) as session:
        yield session
