"""Commands for summaries: the monthly or yearly review, and its chart."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    pass
