"""Who a name is: people and outlets found by name, by the same name in another case, or by
an alias; created when new. Placeholder names ("[full name unavailable]") are nobody: each
mention is an unnamed person of its own. Every way into the store resolves names here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select, true, union
from sqlmodel import Session

from pressfree import names, work
from pressfree.errors import Conflict, InvalidValue, NotFound, shown
from pressfree.public_ids import by_public_id
from pressfree.schemas import clean_text
from pressfree.store.db import one_of
from pressfree.store.models import (
    OUTLET_TYPES,
    Incident,
    IncidentJournalist,
    IncidentOutlet,
    Outlet,
    OutletAlias,
    Person,
    PersonAlias,
    PlaceholderName,
)
from pressfree.store.ordering import by_name, code_points

NOUNS = {"person": "journalist", "outlet": "outlet"}
BRACKETED = re.compile(r"\[([^\]]*)\]")  # "Ahmad [full name unavailable]"


def _models(target: str):
    return (
        (Person, PersonAlias, PersonAlias.person_id)
        if target == "person"
        else (Outlet, OutletAlias, OutletAlias.outlet_id)
    )


def cleaned(name: str, field: str = "name") -> str:
    text = clean_text(name, field)
    if not text:
        raise InvalidValue(field, name or "", "is empty")
    return text


def keys(name: str) -> dict:
    return {"name_key": names.name_key(name), "sound_key": names.sound_key(name)}


# --- placeholders -----------------------------------------------------------------------


def placeholder_keys(db) -> set[str]:
    """The keys of the placeholder names; read once per session (a command asks for them
    for every name it resolves), again after the session changes them."""
    cached = db.info.get(PLACEHOLDERS) if isinstance(db, Session) else None
    if cached is None:
        cached = set(db.execute(select(PlaceholderName.name_key)).scalars())
        if isinstance(db, Session):
            db.info[PLACEHOLDERS] = cached
    return cached


PLACEHOLDERS = "placeholder_keys"  # its key in Session.info


def is_placeholder(db, name: str, known: set[str] | None = None) -> bool:
    """A placeholder name, or a name with one in brackets ("Ahmad [full name unavailable]":
    many people are Ahmad)."""
    known = known if known is not None else placeholder_keys(db)
    return names.fold(name) in known or any(
        names.fold(part) in known for part in BRACKETED.findall(name)
    )


def placeholders(session: Session) -> list[dict]:
    rows = session.execute(
        select(PlaceholderName).order_by(code_points(PlaceholderName.name))
    ).scalars()
    return [{"name": p.name, "builtin": p.builtin} for p in rows]


def add_placeholder(session: Session, name: str) -> dict:
    """A new placeholder name. Names already stored as people stay as they are (merge or
    edit them by hand): turning a named person into several would guess."""
    name = cleaned(name)
    key = names.fold(name)
    if not any(c.isalnum() for c in name):
        raise InvalidValue("name", name, "has no letters or digits")
    if key in placeholder_keys(session):
        raise Conflict(f"name: {shown(name)} is already a placeholder name")
    named = find(session, "person", name)
    if named is not None:
        raise Conflict(
            f"name: {shown(name)} names journalist "
            f"{shown(session.get(Person, named).name)}: a placeholder names nobody"
        )
    session.add(PlaceholderName(name=name, name_key=key, builtin=False))
    session.flush()
    session.info.pop(PLACEHOLDERS, None)
    _flag_outlets(session)
    work.changed(session, "placeholder", name, None, {"name": name})
    return {"name": name, "builtin": False}


def keep_placeholder(session: Session, name) -> None:
    """A placeholder name a document brings: added unless known, or unless it names a
    journalist stored here (that would turn one person into several: a guess)."""
    if not isinstance(name, str) or not any(c.isalnum() for c in name):
        raise InvalidValue("name", name, "is not a placeholder name")
    name = cleaned(name)
    if names.fold(name) in placeholder_keys(session) or find(session, "person", name):
        return
    session.add(PlaceholderName(name=name, name_key=names.fold(name), builtin=False))
    session.flush()
    session.info.pop(PLACEHOLDERS, None)
    _flag_outlets(session)


def remove_placeholder(session: Session, name: str) -> None:
    """A placeholder name no more: new mentions of it are a person again. The unnamed
    people already stored stay unnamed."""
    row = (
        session.execute(
            select(PlaceholderName).where(PlaceholderName.name_key == names.fold(name or ""))
        )
        .scalars()
        .first()
    )
    if row is None:
        raise NotFound(
            "name", name, "is not a placeholder name (see `pressfree journalists placeholders`)"
        )
    work.changed(session, "placeholder", row.name, {"name": row.name}, None)
    session.delete(row)
    session.flush()
    session.info.pop(PLACEHOLDERS, None)
    _flag_outlets(session)


def _flag_outlets(session: Session) -> None:
    """Outlets named by a placeholder ("Freelance") are marked so, the others not."""
    known = placeholder_keys(session)
    for outlet in session.execute(select(Outlet)).scalars():
        unnamed = is_placeholder(session, outlet.name, known)
        if outlet.placeholder != unnamed:
            outlet.placeholder = unnamed
    session.flush()


# --- finding and creating ---------------------------------------------------------------


def find(db, target: str, name: str) -> int | None:
    """The id of the named (not placeholder) person or outlet, or None."""
    return find_all(db, target, [name]).get(name)


def find_all(db, target: str, wanted: list[str]) -> dict[str, int]:
    """Ids of the people or outlets these names are (placeholders are nobody): each by its
    exact name, else the same name in another case or spacing, else an alias. Names not
    found are left out. A few queries for the whole list (imports ask a batch at a time)."""
    model, alias, owner = _models(target)
    named = model.placeholder.is_(False) if target == "person" else true()
    found = dict(
        db.execute(select(model.name, model.id).where(one_of(db, model.name, wanted), named)).all()
    )
    by_key: dict[str, list[str]] = {}
    for name in wanted:
        if name not in found:
            by_key.setdefault(names.name_key(name), []).append(name)
    if by_key:
        keyed = dict(
            db.execute(
                select(model.name_key, func.min(model.id))
                .where(one_of(db, model.name_key, list(by_key)), named)
                .group_by(model.name_key)
            ).all()
        )
        for key, owner_id in db.execute(
            select(alias.name_key, owner).where(one_of(db, alias.name_key, list(by_key)))
        ):
            keyed.setdefault(key, owner_id)
        found.update({n: keyed[k] for k, group in by_key.items() if k in keyed for n in group})
    return found


def person_id(
    session: Session, name: str, field: str = "name", incident_id: int | None = None
) -> int:
    """The person a name is, created if new. A placeholder name is a new unnamed person,
    except that an incident already naming one by it keeps that one."""
    name = cleaned(name, field)
    if is_placeholder(session, name):
        if incident_id is not None:
            found = session.execute(
                select(Person.id)
                .join(IncidentJournalist, IncidentJournalist.person_id == Person.id)
                .where(
                    IncidentJournalist.incident_id == incident_id,
                    Person.placeholder.is_(True),
                    Person.name == name,
                )
            ).scalar()
            if found is not None:
                return found
        person = Person(**new_record("person", name, placeholder=True))
    else:
        found = find(session, "person", name)
        if found is not None:
            return found
        person = Person(**new_record("person", name))
    return _created(session, person, "person", name)


def new_record(target: str, name: str, placeholder: bool = False, type_: str = "outlet") -> dict:
    """The columns of a new person or outlet: its name, the keys it is found by, whether it
    names nobody. Commands, documents and imports (a batch at a time) all create by it."""
    record = {"name": name, "placeholder": placeholder, **keys(name)}
    if target == "person":
        return {**record, "at_risk": False, "pseudonym": None, "outlet_id": None}
    return {**record, "type": type_}


def _created(session: Session, record, target: str, name: str) -> int:
    """Store a new person or outlet. When another command stored the same name meanwhile
    (two terminals on a server), that one is the record: the insert is rolled back to a
    savepoint and the name found again."""
    from sqlalchemy.exc import IntegrityError

    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        found = find(session, target, name)
        if found is None:
            raise
        return found
    return record.id


def outlet_type(type_: object) -> str:
    """An outlet's type as given, if it is one."""
    if type_ not in OUTLET_TYPES:
        raise InvalidValue("type", type_, f"is not an outlet type ({', '.join(OUTLET_TYPES)})")
    return str(type_)


def outlet_id(session: Session, name: str, type_: str = "outlet", field: str = "name") -> int:
    name = cleaned(name, field)
    type_ = outlet_type(type_)
    found = find(session, "outlet", name)
    if found is None:
        outlet = Outlet(
            **new_record("outlet", name, placeholder=is_placeholder(session, name), type_=type_)
        )
        found = _created(session, outlet, "outlet", name)
    return found


def existing(session: Session, target: str, name: str, field: str = "name") -> int:
    """The id of a person or outlet that must already be stored."""
    found = find(session, target, cleaned(name, field))
    if found is None:
        noun = NOUNS[target]
        raise NotFound(
            field, name, f"is not {'an' if noun[0] in 'aeiou' else 'a'} {noun} in this database"
        )
    return found


def stored_name(session: Session, name: str) -> str | None:
    """The name a journalist (else an outlet) is stored under, found by any spelling."""
    for target in ("person", "outlet"):
        found = find(session, target, name)
        if found is not None:
            return session.get(_models(target)[0], found).name
    return None


def named_by(session: Session, name: str, incident: str) -> int:
    """The person an incident names so (by name, in any case, or alias), placeholder
    names included: "unknown" in this detention."""
    row = by_public_id(session, Incident, incident, "an incident", "--incident")
    key = names.name_key(cleaned(name, "person"))
    aliased = select(PersonAlias.person_id).where(PersonAlias.name_key == key)
    found = session.execute(
        select(Person.id)
        .join(IncidentJournalist, IncidentJournalist.person_id == Person.id)
        .where(
            IncidentJournalist.incident_id == row.id,
            or_(Person.name_key == key, Person.id.in_(aliased)),
        )
    ).scalar()
    if found is None:
        raise NotFound("person", name, f"is not named by incident {row.public_id}")
    return found


def matching(target: str, text: str):
    """A SELECT of the ids of people or outlets a filter value names: by name or alias in
    any case, or by a name that sounds the same in another script or spelling. Placeholder
    names match nobody."""
    model, alias, owner = _models(target)
    key, sound = names.name_key(text), names.sound_key(text)
    named = model.placeholder.is_(False) if target == "person" else True
    direct = select(model.id).where(
        named,
        or_(
            model.name == text, model.name_key == key, model.sound_key == sound if sound else False
        ),
    )
    aliased = select(owner).where(
        or_(alias.name_key == key, alias.sound_key == sound if sound else False)
    )
    return union(direct, aliased)


def likely(db, target: str, name: str) -> list[str]:
    """The stored people (or outlets) a new name may be under another spelling: the same
    name in another script or sounding alike (as `matching` reads it). Empty when the name
    is stored already, or names nobody."""
    name = cleaned(name, "name")
    if is_placeholder(db, name):
        return []
    model = _models(target)[0]
    ids = select(matching(target, name).subquery().c[0])
    found = db.execute(select(model.name).where(model.id.in_(ids)).order_by(*by_name(model)))
    # names that differ in their numbers ("Writer 1", "Writer 11") sound alike, but are not
    numbers = re.findall(r"\d+", name)
    alike = [stored for stored in found.scalars() if re.findall(r"\d+", stored) == numbers]
    # nothing alike is the common case: only then is it asked whether the name is stored
    return alike if alike and find(db, target, name) is None else []


@dataclass
class Spelling:
    """A name a new incident gives that is not stored, but may be a stored person (or
    outlet) under another spelling: the one asking is to say which."""

    target: str  # person or outlet
    name: str
    candidates: list[str]


def new_spellings(session: Session, journalists: list[str], outlets: list[str]) -> list[Spelling]:
    """The names an incident gives that are likely other spellings of stored ones."""
    found = []
    for target, given in (("person", journalists), ("outlet", outlets)):
        for name in dict.fromkeys(given):
            if candidates := likely(session, target, name):
                found.append(Spelling(target, name, candidates))
    return found


def same_as(
    session: Session, asked: list[str], spellings: list[Spelling], journalists: list[str],
    outlets: list[str],
) -> list[tuple[Spelling, str]]:  # fmt: skip
    """What `--same-as STORED` says: each new name of the incident that is STORED under
    another spelling, as (the spelling, the stored name). A name like STORED is taken, else
    the one new name of its sort; anything else is refused, naming the value."""
    chosen = []
    for given in asked:
        stored = None
        for target in ("person", "outlet"):
            found = find(session, target, cleaned(given, "--same-as"))
            if found is not None:
                stored = (target, session.get(_models(target)[0], found).name)
                break
        if stored is None:
            raise NotFound("--same-as", given, "is not a journalist or outlet in this database")
        target, name = stored
        like = [s for s in spellings if s.target == target and name in s.candidates]
        new = [
            n
            for n in dict.fromkeys(journalists if target == "person" else outlets)
            if find(session, target, n) is None and not is_placeholder(session, n)
        ]
        if len(like) == 1:
            chosen.append((like[0], name))
        elif not like and len(new) == 1:
            chosen.append((Spelling(target, new[0], [name]), name))
        elif like or new:
            raise InvalidValue(
                "--same-as",
                given,
                f"may be any of several new {NOUNS[target]} names of this incident: record "
                f"the one with `pressfree {'journalists' if target == 'person' else 'outlets'} "
                "alias`",
            )
        else:
            raise InvalidValue(
                "--same-as",
                given,
                f"matches no new {NOUNS[target]} name of this incident (all of them are "
                f"recorded: `pressfree merge {NOUNS[target]} KEEP DROP` makes two one)",
            )
    return chosen


# --- aliases ----------------------------------------------------------------------------


def aliases_of(db, target: str, owner_id: int) -> list[str]:
    _, alias, owner = _models(target)
    return list(
        db.execute(
            select(alias.name).where(owner == owner_id).order_by(code_points(alias.name))
        ).scalars()
    )


def add_alias(session: Session, target: str, name: str, alias_name: str) -> tuple[str, list[str]]:
    """Another name for a person or outlet: it finds them from now on, in filters, search,
    imports and new incidents. Returns their name and all their aliases."""
    owner_id = existing(session, target, name, NOUNS[target])
    alias_name = cleaned(alias_name, "alias")
    if target == "person" and is_placeholder(session, alias_name):
        raise InvalidValue("alias", alias_name, "is a placeholder name: it names nobody")
    model, alias, owner = _models(target)
    other = find(session, target, alias_name)
    if other == owner_id:
        raise Conflict(f"alias: {shown(alias_name)} already names this {NOUNS[target]}")
    if other is not None:
        other_name = session.get(model, other).name
        raise Conflict(
            f"alias: {shown(alias_name)} already names {NOUNS[target]} "
            f"{shown(other_name)}: to make them one, `pressfree merge "
            f"{NOUNS[target]} {shown(name)} {shown(other_name)}`"
        )
    before = aliases_of(session, target, owner_id)
    session.add(alias(**{owner.key: owner_id, "name": alias_name, **keys(alias_name)}))
    session.flush()
    work.names_changed(session, **{"people" if target == "person" else "outlets": [owner_id]})
    after = aliases_of(session, target, owner_id)
    record_name = session.get(model, owner_id).name
    work.changed(session, NOUNS[target], record_name, {"aliases": before}, {"aliases": after})
    return record_name, after


def all_aliases(db) -> dict[str, dict[int, list[str]]]:
    """Every alias, by owner: {"person": {id: [names]}, "outlet": {...}}."""
    found: dict[str, dict[int, list[str]]] = {"person": {}, "outlet": {}}
    for target in found:
        _, alias, owner = _models(target)
        for owner_id, alias_name in db.execute(
            select(owner, alias.name).order_by(code_points(alias.name))
        ):
            found[target].setdefault(owner_id, []).append(alias_name)
    return found


def keep_aliases(session: Session, target: str, owner_id: int, aliases: list) -> None:
    """Aliases a document gives a person or outlet: added unless already theirs (an alias
    naming someone else is refused, as `alias` refuses it)."""
    if not isinstance(aliases, list):
        raise InvalidValue("aliases", aliases, "must be a list of names")
    model, alias, owner = _models(target)
    for alias_name in aliases:
        if not isinstance(alias_name, str):
            raise InvalidValue("aliases", alias_name, "is not a name")
        alias_name = cleaned(alias_name, "aliases")
        if target == "person" and is_placeholder(session, alias_name):
            raise InvalidValue("aliases", alias_name, "is a placeholder name: it names nobody")
        other = find(session, target, alias_name)
        if other == owner_id:
            continue
        if other is not None:
            other_name = session.get(model, other).name
            raise Conflict(
                f"aliases: {shown(alias_name)} already names {NOUNS[target]} "
                f"{shown(other_name)}: merge them first (`pressfree merge "
                f"{NOUNS[target]} {shown(session.get(model, owner_id).name)} "
                f"{shown(other_name)}`)"
            )
        session.add(alias(**{owner.key: owner_id, "name": alias_name, **keys(alias_name)}))
        session.flush()


def list_outlets(session: Session) -> list[dict]:
    counts = dict(
        session.execute(
            select(IncidentOutlet.outlet_id, func.count()).group_by(IncidentOutlet.outlet_id)
        ).all()
    )
    aliases = all_aliases(session)["outlet"]
    return [
        {
            "name": o.name,
            "type": o.type,
            "aliases": aliases.get(o.id, []),
            "incidents": counts.get(o.id, 0),
        }
        for o in session.execute(select(Outlet).order_by(*by_name(Outlet))).scalars()
    ]
