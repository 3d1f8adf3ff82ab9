"""The pressfree command line: one Typer sub-app per noun, errors as one line on stderr.

Nothing here imports SQLAlchemy at module level, so --help, --version and tab completion
stay fast; each command imports the services it needs when it runs.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from pressfree import __version__
from pressfree.errors import PressfreeError


# Click's own usage errors (a missing option, a bad choice), found without importing click,
# which some Typer versions vendor under another name.
_CLICK_ERROR = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


class _Commands(TyperGroup):
    """Turns any error a user can cause, anywhere below, into one line on stderr."""

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
        except Exception as error:  # noqa: BLE001 - only database errors are ours to word
            if type(error).__module__.startswith(("sqlalchemy", "psycopg")):
                from pressfree.db import database_problem

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


app = typer.Typer(
    cls=_Commands, rich_markup_mode="rich", no_args_is_help=True,
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


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[Optional[str], typer.Option(
        "--db", envvar="PRESSFREE_DB", show_envvar=True,
        help="Database file, or a SQLAlchemy URL such as postgresql+psycopg://host/db. "
             "Default: pressfree.db in your user data folder.")] = None,
    version: Annotated[Optional[bool], typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = None,
    author: Annotated[Optional[str], typer.Option(
        "--as", envvar="PRESSFREE_USER", show_envvar=True,
        help="Who is making the changes, for the history. Default: your user name.")] = None,
) -> None:
    """Track press-freedom incidents from the terminal."""
    ctx.obj = {"db": db, "as": author}


def _register() -> None:
    from pressfree.cli import (cases, custody, db as db_commands, designations, history,
                               identity, import_export, incidents, mappings, people, summary,
                               tallies)

    for module in (db_commands, incidents, people, identity, import_export, mappings, tallies,
                   custody, designations, cases, summary, history):
        module.register(app)


_register()


def main() -> None:
    import gc

    # A command runs for seconds and builds rows by the ten thousand (a year's report, an
    # import's batches) that live until it ends: Python's default (a collection every 700
    # new objects) spends a tenth of a year's report looking for cycles among them.
    # Reference counting still frees everything at once; only cycles wait longer.
    gc.set_threshold(100_000, 50, 100)
    try:
        app(prog_name="pressfree")
    except BrokenPipeError:
        raise
    except OSError as error:  # help or version text that could not be written
        import sys

        from pressfree.cli.common import drop_stdout

        drop_stdout()
        _say_error(f"output: standard output cannot be written ({error.strerror})")
        sys.exit(1)
