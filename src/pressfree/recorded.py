"""What the database has recorded already, read once to complete a new incident's fields
from at the keyboard (`add` and `edit ID` on a terminal): the kinds by every name they
have, the people and outlets by every spelling, places, publishers and tags."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from pressfree import own_fields, publishers, vocabulary
from pressfree.store.models import (
    Incident,
    IncidentTag,
    Outlet,
    OutletAlias,
    Person,
    PersonAlias,
)


@dataclass
class Recorded:
    """Each field's values as stored. `kinds`: every name of a kind (its slug, its label,
    its names in each language) -> the slug; `journalists` and `outlets`: every spelling
    (a name, an alias) -> the name it is stored under."""

    kinds: dict[str, str] = field(default_factory=dict)
    kind_names: dict[str, str] = field(default_factory=dict)  # slug -> how a list shows it
    journalists: dict[str, str] = field(default_factory=dict)
    outlets: dict[str, str] = field(default_factory=dict)
    countries: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    own: dict[str, dict[str, Any]] = field(default_factory=dict)


def recorded(session: Session) -> Recorded:
    found = Recorded(own=own_fields.defined(session))
    for term in vocabulary.terms(session):
        found.kind_names[term.slug] = " / ".join(dict.fromkeys([term.label, *term.names.values()]))
        for name in (term.slug, term.label, *term.names.values()):
            for form in (name, vocabulary.short_name(name)):
                found.kinds.setdefault(form, term.slug)
    for spellings, model, alias, owner in (
        (found.journalists, Person, PersonAlias, PersonAlias.person_id),
        (found.outlets, Outlet, OutletAlias, OutletAlias.outlet_id),
    ):
        names = dict(session.execute(select(col(model.id), col(model.name))).all())
        for name in names.values():
            spellings.setdefault(name, name)
        for other, owner_id in session.execute(select(col(alias.name), col(owner))):
            spellings.setdefault(other, names[owner_id])
    for values, column in (
        (found.countries, Incident.country),
        (found.regions, Incident.region),
        (found.cities, Incident.city),
        (found.tags, IncidentTag.tag),
    ):
        query = select(col(column)).where(col(column).is_not(None)).distinct()
        values.extend(sorted(session.execute(query).scalars()))
    found.publishers = [
        name
        for record in publishers.list_publishers(session)
        for name in (record.name, *record.other_names)
    ]
    return found
