"""Sources: found by URL (or, without one, by publisher, title and date), created when new;
shared by every incident, update, figure and designation that cites them."""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlmodel import Session

from pressfree import work
from pressfree.schemas import SourceIn
from pressfree.store.models import Source


def source_id(session: Session, source: SourceIn) -> int:
    """The same URL is the same source; without a URL, the same publisher, title and date."""
    if source.url:
        where = Source.url == source.url
    else:
        where = and_(
            Source.url.is_(None),
            Source.publisher == source.publisher,
            Source.title.is_(None) if source.title is None else Source.title == source.title,
            Source.published.is_(None)
            if source.published is None
            else Source.published == source.published,
        )
    existing = session.execute(select(Source).where(where)).scalars().first()
    if existing is None:
        existing = Source(**source.model_dump())
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
