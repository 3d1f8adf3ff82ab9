"""Controlled vocabularies users can extend: incident kinds, designation labels and the
categories of charges."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlmodel import Session

from pressfree.errors import InvalidValue
from pressfree.store.models import Charge, ChargeCategory, Designation, IncidentKind, Kind, Label
from pressfree.store.ordering import code_points

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class Term:
    slug: str
    label: str
    builtin: bool
    count: int
    names: dict = field(default_factory=dict)  # in other languages (kinds and labels)


def _table(vocabulary: str):
    return {
        "kind": (Kind, Kind.label, IncidentKind.kind_id),
        "label": (Label, Label.name, Designation.label_id),
        "category": (ChargeCategory, ChargeCategory.name, Charge.category_id),
    }[vocabulary]


# The command that adds to each vocabulary.
COMMANDS = {"kind": "kinds add", "label": "labels add", "category": "charges categories add"}


def terms(session: Session, vocabulary: str = "kind") -> list[Term]:
    """Every term with how many incidents (kinds), designations (labels) or charges
    (categories) use it."""
    model, text, used = _table(vocabulary)
    counts = dict(session.execute(select(used, func.count()).group_by(used)).all())
    names = getattr(model, "names", None)
    rows = session.execute(
        select(
            model.id, model.slug, text, model.builtin, names if names is not None else text
        ).order_by(code_points(model.slug))
    ).all()
    return [
        Term(slug, label, builtin, counts.get(id_, 0), (named or {}) if names is not None else {})
        for id_, slug, label, builtin, named in rows
    ]


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
    from pressfree import work

    work.changed(session, vocabulary, slug, None, {"slug": slug, "label": label})
    return term


def name_term(session: Session, slug: str, lang: str, name: str, vocabulary: str = "kind") -> dict:
    """Give a term its name in another language (what reports in it show); an empty name
    removes it. Returns the term's names."""
    from pressfree import languages, work
    from pressfree.schemas import clean_text

    code = languages.language(lang)
    if code == languages.DEFAULT:
        raise InvalidValue("--lang", lang, "is English, whose name is the term's label")
    model, text, _ = _table(vocabulary)
    if not hasattr(model, "names"):
        raise InvalidValue(
            "names",
            {code: name},
            f"cannot be given: a {vocabulary} has no names in other languages",
        )
    term_id = ids_for(session, [slug], vocabulary)[slug.strip().lower()]
    row = session.get(model, term_id)
    before = {"slug": row.slug, "label": getattr(row, text.key), "names": row.names or {}}
    names = dict(row.names or {})
    name = clean_text(name, "name") or ""
    if name:
        names[code] = name
    else:
        names.pop(code, None)
    row.names = names or None
    session.flush()
    work.changed(session, vocabulary, row.slug, before, dict(before, names=names))
    return names


def names_in(session: Session, lang: str) -> dict[str, str]:
    """The names of kinds (by slug) and labels (by "label:" and slug) in a language: what
    a reader sees for each, its English label where it has no name in the language."""
    found: dict[str, str] = {}
    for model, label, prefix in ((Kind, Kind.label, ""), (Label, Label.name, "label:")):
        for slug, english, names in session.execute(select(model.slug, label, model.names)):
            found[prefix + slug] = (names or {}).get(lang) or english or slug
    return found


def short_name(name: str) -> str:
    """A kind's or label's name without the explanation in brackets that ends it ("Raid
    (search of a home, office or newsroom)" is "Raid"): what a table shows on every row."""
    short = re.sub(r"\s*\([^()]*\)$", "", name.strip())
    return short or name


def explanation(name: str) -> str | None:
    """The explanation in brackets that ends a name, if it has one."""
    found = re.search(r"\(([^()]*)\)$", name.strip())
    return found.group(1) if found and short_name(name) != name else None


def kind_words(session: Session) -> dict[str, str]:
    """Every way the store names each kind, folded (its slug, its label, its names in every
    language, with and without their explanation in brackets) -> the kind's slug: how a
    sheet written in any of them is read ("ператрус" -> raid)."""
    found: dict[str, str] = {}
    for slug, label, names in session.execute(select(Kind.slug, Kind.label, Kind.names)):
        for name in (slug, label, *(names or {}).values()):
            if name:
                for form in (name, short_name(name)):
                    found.setdefault(form.strip().casefold(), slug)
    return found


def ids_for(
    session: Session, slugs: list[str], vocabulary: str = "kind", field: str | None = None
) -> dict[str, int]:
    """Map slugs to ids, refusing any slug that is not in the vocabulary."""
    model, _, _ = _table(vocabulary)
    wanted = [s.strip().lower() for s in slugs]
    known = dict(session.execute(select(model.slug, model.id).where(model.slug.in_(wanted))).all())
    for slug in wanted:
        if slug not in known:
            choices = ", ".join(
                session.execute(select(model.slug).order_by(code_points(model.slug))).scalars()
            )
            raise InvalidValue(
                field or vocabulary,
                slug,
                f"is not a known {vocabulary} "
                f"(known: {choices}; add one with `pressfree "
                f"{COMMANDS[vocabulary]}`)",
            )
    return {slug: known[slug] for slug in wanted}


def slugs(session: Session, vocabulary: str = "kind") -> list[str]:
    model, _, _ = _table(vocabulary)
    return list(session.execute(select(model.slug).order_by(code_points(model.slug))).scalars())
