"""The pressfree command line: one Typer sub-app per noun, errors as one line on stderr.

Nothing here imports SQLAlchemy at module level, so --help, --version and tab completion
stay fast; each command imports the services it needs when it runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from pressfree import __version__
from pressfree.errors import PressfreeError

# Click's own usage errors (a missing option, a bad choice), found without importing click,
# which some Typer versions vendor under another name.
_CLICK_ERROR = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


class _Commands(TyperGroup):
    """Turns any error a user can cause, anywhere below, into one line on stderr; its help
    and that of every command below it wraps as the terminal does (`help_text`)."""

    def __init__(self, *args, **kwargs):
        from pressfree.cli.help_text import tidy

        super().__init__(*args, **kwargs)
        tidy(self)

    def make_context(self, *args, **kwargs):
        try:
            return super().make_context(*args, **kwargs)
        except _CLICK_ERROR as error:
            _usage_error(error)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PressfreeError as error:
            _fail(str(error), error.exit_code)
        except _CLICK_ERROR as error:
            _usage_error(error)
        except BrokenPipeError:
            raise
        except OSError as error:  # a file-system fault no service turned into a message
            if error.filename is None:  # writing help or a listing to stdout failed
                from pressfree.cli.common import drop_stdout

                drop_stdout()
                _fail(f"output: standard output cannot be written ({error.strerror})", 1)
            _fail(f"file system: {error.strerror or error} ({error.filename})", 1)
        except RecursionError:
            _fail("input: nested too deeply to read", 1)
        except KeyboardInterrupt:
            from pressfree.cli.interrupt import EXIT_CODE, MESSAGE

            _fail(MESSAGE, EXIT_CODE)
        except Exception as error:  # noqa: BLE001 - only database errors are ours to word
            if type(error).__module__.startswith(("sqlalchemy", "psycopg")):
                from pressfree.store.db import database_problem

                _fail(database_problem(error), 1)
            raise


def _usage_error(error) -> None:
    if type(error).__name__ == "NoArgsIsHelpError":  # shows help, as asked
        raise error
    command = getattr(getattr(error, "ctx", None), "command_path", "pressfree")
    _fail(f"{error.format_message()} (see `{command} --help`)", error.exit_code)


def _say_error(message: str) -> None:
    from pressfree.cli.common import stderr

    # One line: line breaks become spaces; other blanks stay, as they are part of values.
    text = message.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    stderr().print(f"Error: {text}", markup=False)


def _fail(message: str, code: int) -> None:
    _say_error(message)
    raise typer.Exit(code)


app_root = typer.Typer(
    cls=_Commands,
    rich_markup_mode="rich",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Track press-freedom incidents from the terminal: raids, detentions, designations, "
    "the figures sources publish, and monthly summaries.\n\n"
    "Example: [bold]pressfree add raid detention --date 2021-07-30 --country BY[/]",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pressfree {__version__}")
        raise typer.Exit()


@app_root.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="PRESSFREE_DB",
            show_envvar=True,
            help="Database file, or a SQLAlchemy URL such as postgresql+psycopg://host/db. "
            "Default: pressfree.db in your user data folder.",
        ),
    ] = None,
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = None,
    author: Annotated[
        str | None,
        typer.Option(
            "--as",
            envvar="PRESSFREE_USER",
            show_envvar=True,
            help="Who is making the changes, for the history. Default: your user name.",
        ),
    ] = None,
    passphrase_file: Annotated[
        Path | None,
        typer.Option(
            "--passphrase-file",
            envvar="PRESSFREE_PASSPHRASE_FILE",
            show_envvar=True,
            help="A file whose first line is the passphrase of an encrypted database (for "
            "scripts; PRESSFREE_PASSPHRASE gives it directly). On a terminal you are asked.",
        ),
    ] = None,
) -> None:
    """Track press-freedom incidents from the terminal."""
    ctx.obj = {"db": db, "as": author, "passphrase_file": passphrase_file}


# The module of pressfree.cli that registers each command (`pressfree NAME`), in the order
# of `pressfree --help`. A command line naming one imports and builds only that one: Typer
# builds every command's options, and importing and building all of them took longer than
# most commands' own work. (tests/test_installed.py checks this against the modules.)
COMMANDS = {
    "db": ("init", "info", "backup", "copy", "check"),
    "encryption": ("encrypt", "decrypt", "rekey"),
    "incidents": ("add", "list", "search", "show", "edit", "delete", "kinds"),
    "fields": ("fields",),
    "evidence": ("attach", "attachments"),
    "people": ("journalists", "outlets", "publishers"),
    "identity": ("duplicates", "merge"),
    "import_export": ("import", "export"),
    "mappings": ("mapping",),
    "tallies": ("tally",),
    "custody": ("release", "custody"),
    "designations": ("designate", "designations", "labels"),
    "cases": ("case", "cases", "census", "charges"),
    "summary": ("summary", "report", "chart", "rule"),
    "history": ("history", "restore", "deleted", "undo", "note", "imports"),
}
OWNERS = {name: module for module, names in COMMANDS.items() for name in names}
_built: dict[str | None, typer.Typer] = {}


def build(name: str | None = None) -> typer.Typer:
    """The command line: every command, or only the one named (what `main` runs for a
    command line that names one)."""
    import copy
    from importlib import import_module

    if None in _built or name in _built:
        return _built.get(name) or _built[None]
    built = copy.copy(app_root)
    built.registered_commands, built.registered_groups = [], []
    for module in COMMANDS if name is None else [OWNERS[name]]:
        import_module(f"pressfree.cli.{module}").register(built)
    if name is not None:
        built.registered_commands = [c for c in built.registered_commands if _name_of(c) == name]
        built.registered_groups = [g for g in built.registered_groups if g.name == name]
    _built[name] = built
    return built


def _name_of(command) -> str:
    from typer.main import get_command_name

    return command.name or get_command_name(command.callback.__name__)


def _named(args: list[str]) -> str | None:
    """The command a command line names, when it is one of ours and nothing before it asks
    for the whole command line (--help, --version, tab completion, a mistyped name)."""
    import os

    if any(key.startswith("_PRESSFREE") for key in os.environ):  # completing a word
        return None
    value_follows = False
    for arg in args:
        if value_follows:
            value_follows = False
        elif arg in ("--db", "--as", "--passphrase-file"):
            value_follows = True
        elif not arg.startswith(("--db=", "--as=", "--passphrase-file=")):
            return arg if arg in OWNERS else None
    return None


def _derive_key_early(args: list[str]) -> None:
    """An encrypted file's key starts being derived (about 0.15 s) beside the loading of the
    command's code, when its passphrase is given by the environment or a file: commands on
    an encrypted file then take hardly longer than on a plain one. Only a head start:
    whatever is wrong is found and said when the command opens the database."""
    import os
    from pathlib import Path

    def option(name: str, env: str) -> str | None:
        for at, arg in enumerate(args):
            if arg == name and at + 1 < len(args):
                return args[at + 1]
            if arg.startswith(name + "="):
                return arg[len(name) + 1 :]
        return os.environ.get(env)

    try:
        location = option("--db", "PRESSFREE_DB")
        passphrase = os.environ.get("PRESSFREE_PASSPHRASE")
        file = option("--passphrase-file", "PRESSFREE_PASSPHRASE_FILE")
        if passphrase is None and file:
            passphrase = Path(file).read_text(encoding="utf-8").splitlines()[0]
        if not location or "://" in location or not passphrase:
            return
        from pressfree.store import encryption

        path = Path(location).expanduser()
        if encryption.encrypted(path):
            encryption.derive_soon(passphrase, path)
    except (OSError, UnicodeError, IndexError, ValueError):
        return


def __getattr__(name: str):
    if name == "app":  # every command, built when first asked for (the tests use it)
        return build()
    raise AttributeError(name)


class _ClosedStream:
    """A standard stream the shell closed (`>&-`, `2>&-`), which Python leaves as None:
    writing to standard output fails as writing to any closed descriptor does (one line,
    exit 1); what would go to a closed standard error is dropped, nobody can read it."""

    def __init__(self, fd: int):
        self.fd = fd

    def write(self, text: str) -> int:
        if self.fd == 2:
            return len(text)
        import errno

        raise OSError(errno.EBADF, "Bad file descriptor")

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return False


def _reopen_closed_streams() -> None:
    import os
    import sys

    if sys.stdin is None:  # `<&-`: input reads as empty, so nothing is ever confirmed
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - for the whole run
    if sys.stdout is None:
        sys.stdout = _ClosedStream(1)
    if sys.stderr is None:
        sys.stderr = _ClosedStream(2)


def main() -> None:
    import gc
    import sys

    _reopen_closed_streams()

    # A command runs for seconds and builds rows by the ten thousand (a year's report, an
    # import's batches) that live until it ends: Python's default (a collection every 700
    # new objects) spends a tenth of a year's report looking for cycles among them.
    # Reference counting still frees everything at once; only cycles wait longer.
    gc.set_threshold(100_000, 50, 100)
    from pressfree.cli import interrupt

    interrupt.install()
    _derive_key_early(sys.argv[1:])
    try:
        build(_named(sys.argv[1:]))(prog_name="pressfree")
    except BrokenPipeError:
        raise
    except OSError as error:  # help or version text that could not be written
        from pressfree.cli.common import drop_stdout

        drop_stdout()
        _say_error(f"output: standard output cannot be written ({error.strerror})")
        sys.exit(1)
