"""Sources: found by URL (or, without one, by publisher, title and date), created when new;
shared by every incident, update, figure and designation that cites them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, select
from sqlmodel import Session

from pressfree import work
from pressfree.schemas import SourceIn
from pressfree.store.models import Source

# What a source is known by: (url, title, publisher, published). Every way in (a command,
# a document, an import a batch at a time) finds and creates sources by these two rules.
Key = tuple[str | None, str | None, str | None, date | None]


def key_of(source: SourceIn) -> Key:
    return (source.url, source.title, source.publisher, source.published)


def same(key: Key):
    """The same URL is the same source; without a URL, the same publisher, title and date."""
    url, title, publisher, published = key
    if url:
        return Source.url == url

    def equal(column, value):
        return column.is_(None) if value is None else column == value

    return and_(
        Source.url.is_(None),
        equal(Source.title, title),
        equal(Source.publisher, publisher),
        equal(Source.published, published),
    )


def new_record(key: Key) -> dict:
    """The columns of a new source."""
    url, title, publisher, published = key
    return {"url": url, "title": title, "publisher": publisher, "published": published}


def source_id(session: Session, source: SourceIn) -> int:
    """The source this is (see `same`), created when new."""
    key = key_of(source)
    existing = session.execute(select(Source).where(same(key))).scalars().first()
    if existing is None:
        existing = Source(**new_record(key))
        session.add(existing)
        session.flush()
    else:
        # Fill what the stored source lacks, never overwrite what it has.
        filled = {
            name: value
            for name, value in source.model_dump().items()
            if value is not None and getattr(existing, name) is None
        }
        for name, value in filled.items():
            setattr(existing, name, value)
        if filled:
            work.sources_changed(session, [existing.id])
    return existing.id
