"""Likely duplicates: two records of one event, entered from two sources or twice.

Two incidents are likely the same when their dates overlap, they share a kind, they are in
the same country, and they name the same target (the same person or outlet, an alias of it,
or a name that sounds the same: names.sound_key) or cite the same source URL. Placeholder
names ("[full name unavailable]") never make two incidents the same."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import exists, select
from sqlmodel import Session

from pressfree import dates, identity, names
from pressfree.schemas import IncidentIn
from pressfree.store.models import (
    Incident,
    IncidentJournalist,
    IncidentKind,
    IncidentOutlet,
    IncidentSource,
    Kind,
    Outlet,
    Person,
    Source,
)

SHOWN = 5
TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")  # parameters that name no page


@dataclass
class Candidate:
    """A stored incident an incident about to be added may repeat, and why."""

    id: str
    date: str
    summary: str
    reasons: list[str] = field(default_factory=list)


@dataclass
class Pair:
    first: str
    second: str
    first_date: str
    second_date: str
    first_summary: str
    second_summary: str
    reason: str


def candidates(session: Session, draft: IncidentIn) -> list[Candidate]:
    """Stored incidents that the draft may repeat (at most SHOWN), with the reasons."""
    kind_ids = select(Kind.id).where(Kind.slug.in_(draft.kinds))
    linked = []
    reasons_by_query = []
    known = identity.placeholder_keys(session)
    for name in draft.journalists:
        if not identity.is_placeholder(session, name, known):
            linked.append(
                select(IncidentJournalist.incident_id).where(
                    IncidentJournalist.person_id.in_(identity.matching("person", name))
                )
            )
            reasons_by_query.append(f"same journalist {name}")
    for name in draft.outlets:
        if identity.is_placeholder(session, name, known):
            continue
        linked.append(
            select(IncidentOutlet.incident_id).where(
                IncidentOutlet.outlet_id.in_(identity.matching("outlet", name))
            )
        )
        reasons_by_query.append(f"same outlet {name}")
    for source in draft.sources:
        if source.url:
            linked.append(
                select(IncidentSource.incident_id)
                .join(Source, Source.id == IncidentSource.source_id)
                .where(Source.url.in_(spellings(source.url)))
            )
            reasons_by_query.append(f"same source {source.url}")
    if not linked:
        return []
    found: dict[int, list[str]] = defaultdict(list)
    # driven by the few incidents the targets name, each checked by its own index rows
    conditions = [
        Incident.first_day <= draft.date.last,
        Incident.last_day >= draft.date.first,
        exists().where(IncidentKind.incident_id == Incident.id, IncidentKind.kind_id.in_(kind_ids)),
    ]
    if draft.country:
        conditions.append(Incident.country == draft.country)
    for query, reason in zip(linked, reasons_by_query):
        for incident_id in session.execute(
            select(Incident.id).where(Incident.id.in_(query), *conditions)
        ).scalars():
            found[incident_id].append(reason)
    # who the draft names: a stored person's id, and how the name sounds
    mine = set()
    for name in draft.journalists:
        if not identity.is_placeholder(session, name, known):
            person = identity.find(session, "person", name)
            mine.update({names.sound_key(name), f"#{person}" if person else ""} - {""})
    theirs: dict[int, set] = defaultdict(set)
    for incident_id, person_id, sound in session.execute(
        select(IncidentJournalist.incident_id, Person.id, Person.sound_key)
        .join(Person, Person.id == IncidentJournalist.person_id)
        .where(IncidentJournalist.incident_id.in_(list(found)), Person.placeholder.is_(False))
    ):
        theirs[incident_id].update({sound, f"#{person_id}"} - {""})
    alike = [i for i in found if not _others(mine, theirs[i])]
    rows = (
        session.execute(
            select(Incident)
            .where(Incident.id.in_(alike))
            .order_by(Incident.first_day.desc(), Incident.id)
            .limit(SHOWN)
        )
        .scalars()
        .all()
    )
    return [
        Candidate(
            r.public_id,
            str(r.span),
            r.summary or "",
            found[r.id],
        )
        for r in rows
    ]


def _parts(url: str):
    """A URL's parts without what does not change the page: tracking parameters
    (utm_...), a final slash, the case of the host."""
    from urllib.parse import parse_qsl, urlencode, urlsplit

    try:
        parts = urlsplit(url.strip())
    except ValueError:  # stored before source URLs were checked: compared as written
        return url.strip(), "", ""
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith(TRACKING)
        ]
    )
    netloc = parts.netloc[4:] if parts.netloc.lower().startswith("www.") else parts.netloc
    return netloc, parts.path.rstrip("/"), query


def spellings(url: str) -> list[str]:
    """The ways one page's URL is written: http or https, the host in any case, with or
    without a final slash, with or without tracking parameters."""
    from urllib.parse import urlunsplit

    netloc, path, query = _parts(url)
    return sorted(
        {url}
        | {
            urlunsplit((scheme, www + host, tail, query, ""))
            for scheme in ("http", "https")
            for www in ("", "www.")
            for host in (netloc, netloc.lower())
            for tail in (path, path + "/")
        }
    )


def page(url: str) -> str:
    """One spelling for all of a URL's spellings (to group by)."""
    netloc, path, query = _parts(url)
    return f"{netloc.lower()}{path}?{query}"


def pairs(
    session: Session, period: dates.PartialDate | None = None, country: str | None = None
) -> list[Pair]:
    """Likely duplicate pairs among the incidents dated within the period, oldest first."""
    from pressfree.incidents import contained_in

    where = [contained_in(period)] if period else []
    if country:
        from pressfree import countries

        where.append(Incident.country == countries.normalise(country, "--country"))
    incidents = {
        row.id: row
        for row in session.execute(
            select(
                Incident.id,
                Incident.public_id,
                Incident.first_day,
                Incident.last_day,
                Incident.date_precision,
                Incident.country,
                Incident.summary,
            ).where(*where)
        )
    }
    if not incidents:
        return []
    chosen = select(Incident.id).where(*where)
    kinds: dict[int, set] = defaultdict(set)
    for incident_id, kind_id in session.execute(
        select(IncidentKind.incident_id, IncidentKind.kind_id).where(
            IncidentKind.incident_id.in_(chosen)
        )
    ):
        kinds[incident_id].add(kind_id)
    groups: dict[tuple, set] = defaultdict(set)  # (reason, key) -> incidents
    people: dict[int, set] = defaultdict(set)
    for incident_id, person_id, name, sound in session.execute(
        select(IncidentJournalist.incident_id, Person.id, Person.name, Person.sound_key)
        .join(Person, Person.id == IncidentJournalist.person_id)
        .where(IncidentJournalist.incident_id.in_(chosen), Person.placeholder.is_(False))
    ):
        groups[("journalist", sound or f"#{person_id}")].add((incident_id, name))
        people[incident_id].update({sound, f"#{person_id}"} - {""})
    for incident_id, outlet_id, name, sound in session.execute(
        select(IncidentOutlet.incident_id, Outlet.id, Outlet.name, Outlet.sound_key)
        .join(Outlet, Outlet.id == IncidentOutlet.outlet_id)
        .where(IncidentOutlet.incident_id.in_(chosen), Outlet.placeholder.is_(False))
    ):
        groups[("outlet", sound or f"#{outlet_id}")].add((incident_id, name))
    for incident_id, url in session.execute(
        select(IncidentSource.incident_id, Source.url)
        .join(Source, Source.id == IncidentSource.source_id)
        .where(IncidentSource.incident_id.in_(chosen), Source.url.is_not(None))
    ):
        groups[("source", page(url))].add((incident_id, url))
    reasons: dict[tuple[int, int], list[str]] = defaultdict(list)
    for (what, _key), members in groups.items():
        ordered = sorted(members, key=lambda m: (incidents[m[0]].first_day, m[0]))
        for i, (a, a_name) in enumerate(ordered):
            for b, b_name in ordered[i + 1 :]:
                if incidents[b].first_day > incidents[a].last_day:
                    break
                if (
                    a == b
                    or not _alike(incidents[a], incidents[b], kinds)
                    or _others(people[a], people[b])
                ):
                    continue
                said = a_name if a_name == b_name else f"{a_name} / {b_name}"
                reason = f"same {what} {said}"
                key = (min(a, b), max(a, b))
                if reason not in reasons[key]:
                    reasons[key].append(reason)
    result = []
    for (a, b), why in reasons.items():
        x, y = sorted((incidents[a], incidents[b]), key=lambda r: (r.first_day, r.public_id))
        result.append(
            Pair(
                x.public_id,
                y.public_id,
                _date(x),
                _date(y),
                x.summary or "",
                y.summary or "",
                "; ".join(why),
            )
        )
    return sorted(result, key=lambda p: (p.first_date, p.first, p.second))


def _others(first: set, second: set) -> bool:
    """Both name journalists, and not one in common: two people's incidents (colleagues
    at one outlet, two detentions in one report), not one incident twice."""
    return bool(first and second and not first & second)


def _alike(a, b, kinds) -> bool:
    return (
        a.country == b.country
        and a.first_day <= b.last_day
        and b.first_day <= a.last_day
        and bool(kinds[a.id] & kinds[b.id])
    )


def _date(row) -> str:
    """The date of a row read as columns (not a stored record)."""
    return str(dates.from_stored(row.first_day, row.last_day, row.date_precision))
