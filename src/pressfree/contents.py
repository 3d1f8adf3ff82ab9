"""Facts about the database as a whole: where it is, its schema, how many of each record."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from pressfree.store import db
from pressfree.store.models import (
    Case,
    CustodyPeriod,
    CustodyRelease,
    Designation,
    Incident,
    Kind,
    Outlet,
    Person,
    Source,
    Tally,
)


def server_version(session: Session) -> str:
    """The database engine and its version: the SQLite library, or the PostgreSQL server."""
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name == "sqlite":
        version = connection.exec_driver_sql("SELECT sqlite_version()").scalar_one()
        return f"SQLite {version}"
    shown = ".".join(str(part) for part in dialect.server_version_info or ())
    return f"PostgreSQL {shown}".strip()


def encryption(store: db.Store, session: Session) -> str:
    """How the file is protected at rest: SQLCipher's version when it is encrypted."""
    if store.path is None:
        return "the server's (pressfree does not encrypt a server database)"
    if not store.encrypted:
        return "none (pressfree encrypt encrypts the file)"
    version = session.connection().exec_driver_sql("PRAGMA cipher_version").scalar_one()
    return f"SQLCipher {version.split()[0]} (AES-256, a passphrase)"


def database_facts(store: db.Store, session: Session) -> dict[str, object]:
    revision = db.current_revision(store)
    facts: dict[str, object] = {
        "database": store.display,
        "backend": store.engine.dialect.name,
        "server_version": server_version(session),
        "schema_version": db.schema_version(revision),
        "schema_revision": revision,
        "encryption": encryption(store, session),
    }
    for name, model in (
        ("incidents", Incident),
        ("kinds", Kind),
        ("journalists", Person),
        ("outlets", Outlet),
        ("sources", Source),
        ("tallies", Tally),
        ("custody_periods", CustodyPeriod),
        ("releases", CustodyRelease),
        ("designations", Designation),
        ("cases", Case),
    ):
        facts[name] = session.execute(select(func.count()).select_from(model)).scalar_one()
    first, last = session.execute(
        select(func.min(Incident.first_day), func.max(Incident.last_day))
    ).one()
    facts["first_incident"] = first.isoformat() if first else None
    facts["last_incident"] = last.isoformat() if last else None
    return facts
