"""Commands that encrypt a database file, decrypt it and change its passphrase."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pressfree.cli.common import interactive, location, note, passphrases

RememberOption = Annotated[
    bool,
    typer.Option(
        "--remember",
        help="Keep the passphrase in the OS keyring, so that commands on this file do not ask.",
    ),
]

# What removing a file does and does not do, said whenever a file with readable data goes
AT_REST = (
    "On an SSD, a flash drive, a copy-on-write or journaling file system, and in backups and "
    "snapshots, copies of the old contents may remain where pressfree cannot reach them: only "
    "full-disk encryption protects against that."
)


def encrypt(ctx: typer.Context, remember: RememberOption = False) -> None:
    """Encrypt the database file with a passphrase (SQLCipher, AES-256): written anew beside
    itself and put in its place; the plain file is overwritten with zeros and removed.

    Example: [bold]pressfree --db ~/cases/belarus.db encrypt --remember[/]
    """
    from pressfree.store import encrypting
    from pressfree.store import passphrases as keeping

    asked = passphrases(ctx, encrypt=True)
    done, passphrase = encrypting.encrypt(location(ctx), asked)
    path = Path(location(ctx)).expanduser()
    if remember:
        keeping.remember(path, passphrase)
    note(
        f"Encrypted {path} ({done.pages} pages). The plain file was overwritten with zeros and "
        f"removed. {AT_REST}" + _plain_copies(done.plain_copies)
    )


def decrypt(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask first.")] = False,
) -> None:
    """Write the database file in clear again (asks first unless --yes); a passphrase the
    keyring remembers for it is forgotten.

    Example: [bold]pressfree --db ~/cases/belarus.db decrypt[/]
    """
    from pressfree.errors import InvalidValue
    from pressfree.store import encrypting
    from pressfree.store import passphrases as keeping

    if not yes:
        if not interactive():
            raise InvalidValue("--yes", "", "is required to decrypt without a terminal")
        if not typer.confirm("Write the database in clear, readable by whoever holds the disk?"):
            raise typer.Exit(1)
    done = encrypting.decrypt(location(ctx), passphrases(ctx))
    path = Path(location(ctx)).expanduser()
    keeping.forget(path)
    note(f"Decrypted {path} ({done.pages} pages): it is a plain SQLite file now.")


def rekey(
    ctx: typer.Context,
    new_passphrase_file: Annotated[
        Path | None,
        typer.Option(
            "--new-passphrase-file",
            help="A file whose first line is the new passphrase (for scripts; "
            "PRESSFREE_NEW_PASSPHRASE gives it directly). On a terminal you are asked.",
        ),
    ] = None,
    remember: RememberOption = False,
) -> None:
    """Encrypt the database file under a new passphrase: written anew beside itself and put
    in its place; the old file is overwritten with zeros and removed.

    Example: [bold]pressfree --db ~/cases/belarus.db rekey[/]
    """
    from pressfree.store import encrypting
    from pressfree.store import passphrases as keeping

    asked = passphrases(ctx)
    path = Path(location(ctx)).expanduser()
    done, new = encrypting.rekey(
        location(ctx),
        asked,
        lambda path: asked.new_one(path, "--new-passphrase-file", new_passphrase_file),
    )
    if remember or keeping.remembered(path) is not None:
        keeping.remember(path, new)
    note(
        f"Changed the passphrase of {path} ({done.pages} pages). Backups made before now open "
        f"with the old passphrase only. {AT_REST}"
    )


def _plain_copies(copies: list[Path]) -> str:
    if not copies:
        return ""
    names = ", ".join(str(copy) for copy in copies)
    return (
        f" Still plain beside it, kept before schema upgrades: {names} (delete them once you "
        "no longer need them). Backups made before now are plain too."
    )


def register(app: typer.Typer) -> None:
    for command in (encrypt, decrypt, rekey):
        app.command(rich_help_panel="Database")(command)
