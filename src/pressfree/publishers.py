"""Publishers: who published a source or a figure, by any of their names. A publisher is the
name its sources give; `publishers alias` records another name it goes by ("Belarusian
Association of Journalists" for BAJ), and everything under either name is one publisher's:
filters, figures kept one per publisher, and the duplicate check of a figure."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from pressfree import names, work
from pressfree.errors import Conflict, InvalidValue
from pressfree.schemas import clean_text
from pressfree.store.models import PublisherAlias, Source, Tally
from pressfree.store.ordering import code_points


def main_name(db: Session, name: str | None) -> str | None:
    """The name a publisher is known by: its own, or the one an alias of it points to."""
    if name is None:
        return None
    found = db.execute(
        select(col(PublisherAlias.publisher)).where(
            col(PublisherAlias.name_key) == names.name_key(name)
        )
    ).scalar()
    return found or name


def names_of(db: Session, name: str) -> list[str]:
    """Every name the publisher goes by: its main name and its other names."""
    main = main_name(db, name) or name
    others = db.execute(
        select(col(PublisherAlias.name))
        .where(col(PublisherAlias.publisher) == main)
        .order_by(code_points(PublisherAlias.name))
    ).scalars()
    return [main, *others]


def add_alias(session: Session, name: str, alias: str) -> list[str]:
    """Record that `alias` is another name of the publisher `name`; returns its names."""
    main = clean_text(name, "name")
    other = clean_text(alias, "alias")
    if not main:
        raise InvalidValue("name", name, "is empty")
    if not other:
        raise InvalidValue("alias", alias, "is empty")
    main = main_name(session, main) or main
    if names.name_key(other) == names.name_key(main):
        raise InvalidValue("alias", alias, f"is {main!r} itself")
    taken = main_name(session, other)
    if taken != other:
        if taken == main:
            raise Conflict(f"alias: {other!r} already names {main!r}")
        raise Conflict(f"alias: {other!r} already names another publisher, {taken!r}")
    if session.execute(
        select(col(PublisherAlias.id)).where(col(PublisherAlias.publisher) == other)
    ).first():
        raise Conflict(
            f"alias: {other!r} has other names of its own: it cannot become another name of "
            f"{main!r}"
        )
    before = names_of(session, main)
    session.add(PublisherAlias(name=other, name_key=names.name_key(other), publisher=main))
    session.flush()
    after = names_of(session, main)
    work.changed(session, "publisher", main, {"names": before}, {"names": after})
    return after


@dataclass
class PublisherRecord:
    name: str
    other_names: list[str]
    sources: int
    figures: int


def list_publishers(session: Session) -> list[PublisherRecord]:
    """Every publisher the sources name, under its main name, with its other names and
    how many sources and figures it has."""
    mains: dict[str, PublisherRecord] = {}
    counted = session.execute(
        select(
            col(Source.publisher),
            func.count(func.distinct(Source.id)),
            func.count(func.distinct(Tally.id)),
        )
        .outerjoin(Tally, col(Tally.source_id) == Source.id)
        .where(col(Source.publisher).is_not(None))
        .group_by(col(Source.publisher))
    ).all()
    aliases = session.execute(select(PublisherAlias)).scalars().all()
    main_of = {a.name_key: a.publisher for a in aliases}
    for publisher, sources, figures in counted:
        main = main_of.get(names.name_key(publisher), publisher)
        record = mains.setdefault(main, PublisherRecord(main, [], 0, 0))
        record.sources += sources
        record.figures += figures
    for alias in aliases:
        mains.setdefault(alias.publisher, PublisherRecord(alias.publisher, [], 0, 0))
        mains[alias.publisher].other_names.append(alias.name)
    return sorted(mains.values(), key=lambda r: r.name.casefold())
