"""Controlled vocabularies users can extend: incident kinds, designation labels and the
categories of charges."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from pressfree.errors import InvalidValue
from pressfree.models import Charge, ChargeCategory, Designation, IncidentKind, Kind, Label

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class Term:
    slug: str
    label: str
    builtin: bool
    count: int


def _table(vocabulary: str):
    return {"kind": (Kind, Kind.label, IncidentKind.kind_id),
            "label": (Label, Label.name, Designation.label_id),
            "category": (ChargeCategory, ChargeCategory.name, Charge.category_id)}[vocabulary]


# The command that adds to each vocabulary.
COMMANDS = {"kind": "kinds add", "label": "labels add", "category": "charges categories add"}


def terms(session: Session, vocabulary: str = "kind") -> list[Term]:
    """Every term with how many incidents (kinds), designations (labels) or charges
    (categories) use it."""
    model, text, used = _table(vocabulary)
    counts = dict(session.execute(select(used, func.count()).group_by(used)).all())
    rows = session.execute(select(model.id, model.slug, text, model.builtin)
                           .order_by(model.slug)).all()
    return [Term(slug, label, builtin, counts.get(id_, 0)) for id_, slug, label, builtin in rows]


def add_term(session: Session, slug: str, label: str, vocabulary: str = "kind") -> Term:
    from pressfree.schemas import clean_text

    model, text, _ = _table(vocabulary)
    slug = clean_text(slug, vocabulary) or ""
    if not SLUG.match(slug):
        raise InvalidValue(vocabulary, slug, "is not a slug (lower-case words joined by -)")
    label = clean_text(label, "label") or ""
    if not label:
        raise InvalidValue("label", label, "is empty")
    if session.execute(select(model.id).where(model.slug == slug)).first():
        raise InvalidValue(vocabulary, slug, "already exists")
    session.add(model(slug=slug, **{text.key: label}))
    session.flush()
    term = Term(slug, label, False, 0)
    from pressfree import history

    history.record(session, vocabulary, slug, None, {"slug": slug, "label": label})
    return term


def ids_for(session: Session, slugs: list[str], vocabulary: str = "kind",
            field: str | None = None) -> dict[str, int]:
    """Map slugs to ids, refusing any slug that is not in the vocabulary."""
    model, _, _ = _table(vocabulary)
    wanted = [s.strip().lower() for s in slugs]
    known = dict(session.execute(select(model.slug, model.id)
                                 .where(model.slug.in_(wanted))).all())
    for slug in wanted:
        if slug not in known:
            choices = ", ".join(session.execute(select(model.slug).order_by(model.slug))
                                .scalars())
            raise InvalidValue(field or vocabulary, slug, f"is not a known {vocabulary} "
                               f"(known: {choices}; add one with `pressfree "
                               f"{COMMANDS[vocabulary]}`)")
    return {slug: known[slug] for slug in wanted}


def slugs(session: Session, vocabulary: str = "kind") -> list[str]:
    model, _, _ = _table(vocabulary)
    return list(session.execute(select(model.slug).order_by(model.slug)).scalars())
