"""What `--help` shows, made to read as a terminal would wrap it.

Typer shows a docstring's line breaks as they are in the source, inside a command's own help
and in the list of commands: a description broke mid-sentence wherever the source line
ended. And it shows a flag's type (`<bool>`), which a flag has none of to type.
"""

from __future__ import annotations

import inspect
from typing import Any

from typer.core import TyperOption


def reflowed(text: str) -> str:
    """Each paragraph on one line, for the terminal to wrap; a paragraph that starts with
    Click's no-rewrap mark (a backspace line) is kept as written."""
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(
        p if p.startswith("\b") else " ".join(line.strip() for line in p.splitlines())
        for p in paragraphs
    )


_display_type = TyperOption.display_type_rich


def _display_type_rich(self: TyperOption, ctx: Any) -> str | None:
    return None if self.is_flag else _display_type(self, ctx)


# Every option's type column, the help and completion options' included (Typer makes those
# after a command is built), goes through this one method.
TyperOption.display_type_rich = _display_type_rich  # type: ignore[method-assign]


def tidy(command: Any) -> None:
    """Reflow the help of a command, its options and every command below it."""
    if command.help:
        command.help = reflowed(command.help)
    if command.short_help:
        command.short_help = reflowed(command.short_help)
    for param in command.params:
        if getattr(param, "help", None):
            param.help = reflowed(param.help)
    for sub in getattr(command, "commands", {}).values():
        tidy(sub)
