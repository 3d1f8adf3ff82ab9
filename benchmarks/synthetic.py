"""Synthetic incidents for benchmarks: a realistic mix of precisions, kinds and targets, with
real-shaped text (Cyrillic summaries, each different) and dense years (2021 holds about a
tenth of all), as Belarusian trackers' data is."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

START, DAYS = date(2000, 1, 1), 25 * 365
COUNTRIES = ["BY", "RU", "UA", "TR", "IR", "CN", "US", "MX", "IN", "AZ"]
# 20,000 journalists named as people are: 100 first names, 200 surnames, so that a first
# name is shared by 200 people and a surname by 100, and a whole name is one person's.
FIRST = [
    f"{a}{b}"
    for a in ("Ih", "An", "Al", "Dz", "Ka", "Mi", "Ol", "Se", "Ta", "Ju")
    for b in ("ar", "drei", "es", "mitry", "tsia", "khail", "lga", "rhei", "nia", "lia")
]
LAST = [
    f"{a}{b}{c}"
    for a in ("Lo", "Bi", "Ka", "Ma", "Sa", "Ts", "Zu", "Pa", "Ko", "Ha")
    for b in ("s", "l", "r", "v", "t")
    for c in ("ik", "enka", "ovich", "ski")
]


def journalist(number: int) -> str:
    return f"{FIRST[number % len(FIRST)]} {LAST[number // len(FIRST)]}"


CITIES = [f"City {i}" for i in range(30)]

# Real-shaped text (issue 32): Belarusian and Russian trackers write their summaries in
# Cyrillic, with French quotes round outlets' names, and every summary is different. Words
# come from a vocabulary of common words and made-up names, as real summaries repeat their
# words but never a whole summary.
COMMON = (
    "супрацоўнікі ГУБАЗіК правялі ператрус у кватэры журналіста затрымалі рэдакцыі "
    "сайта выданне прызнана экстрэмісцкім фарміраваннем суд прысудзіў адміністрацыйны "
    "арышт сутак штраф базавых велічынь паводле паведамлення БАЖ Вясны сотрудники "
    "провели обыск в квартире журналиста задержали редакции сайт издание признано "
    "экстремистским суд назначил арест суток штраф по сообщению правозащитников "
    "канал заблакаваны доступ абмежаваны Міністэрства інфармацыі пасля допыту вызвалілі "
    "пад падпіску аб нявыездзе тэхніку канфіскавалі ноўтбук тэлефоны"
).split()
SYLLABLES = [c + v for c in "бвгдзклмнпрстхцчшж" for v in "аеіоуыэя"]


def _made_up_words(rng: random.Random, count: int) -> list[str]:
    return [
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randrange(2, 5))).capitalize()
        for _ in range(count)
    ]


NAMES = _made_up_words(random.Random(5), 3000)


def real_summary(number: int, rng: random.Random) -> str:
    """A summary as a Belarusian tracker writes one: Cyrillic, «quoted» outlets, a few of
    the same words as others and a few names of its own."""
    words = rng.choices(COMMON, k=rng.randrange(8, 16))
    at = rng.randrange(len(words))
    words[at:at] = [f"«{rng.choice(NAMES)}»", rng.choice(NAMES), rng.choice(NAMES)]
    return " ".join(words) + f" (№ {number})."


def real_day(rng: random.Random, start: date = START, days: int = DAYS) -> date:
    """A day as real trackers' data falls: one year dense (2021, about a tenth of all), the
    rest spread over the years."""
    if rng.random() < 0.06:
        return date(2021, 1, 1) + timedelta(days=rng.randrange(365))
    return start + timedelta(days=rng.randrange(days))


def incident_rows(n: int, rng: random.Random):
    """Yield (incident row, kind slugs, outlet number or None, person number or None)."""
    now = datetime(2025, 1, 1, tzinfo=UTC)
    for i in range(n):
        day = real_day(rng)
        roll = rng.random()
        if roll < 0.94:
            first = last = day
            precision = "day"
        elif roll < 0.97:
            first = day.replace(day=1)
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            precision = "month"
        elif roll < 0.99:
            first, last, precision = date(day.year, 1, 1), date(day.year, 12, 31), "year"
        else:
            first, last, precision = day, day + timedelta(days=rng.randrange(2, 40)), "range"
        yield (
            {
                "public_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "first_day": first,
                "last_day": last,
                "date_precision": precision,
                "country": rng.choice(COUNTRIES),
                "city": rng.choice(CITIES),
                "summary": real_summary(i, rng),
                "status": "reported",
                "created_at": now,
                "updated_at": now,
            },
            rng.sample(range(14), rng.choice((1, 1, 1, 2))),
            rng.randrange(2000) if rng.random() < 0.4 else None,
            rng.randrange(20000) if rng.random() < 0.5 else None,
        )


def build(location: str, n: int, seed: int = 7, batch: int = 20_000) -> None:
    """Fill a fresh database with n incidents, in batches through SQLAlchemy Core."""
    from pressfree import identity, search
    from pressfree.store import db
    from pressfree.store.models import Kind, Outlet, Person

    rng = random.Random(seed)
    store = db.open_store(location)
    with store.session(write=True) as session:
        kind_ids = list(session.execute(select(Kind.id).order_by(Kind.id)).scalars())
        session.execute(
            insert(Outlet),
            [
                {
                    "id": i + 1,
                    "name": f"Outlet {i}",
                    "type": "outlet",
                    **identity.keys(f"Outlet {i}"),
                }
                for i in range(2000)
            ],
        )
        session.execute(
            insert(Person),
            [
                {
                    "id": i + 1,
                    "name": journalist(i),
                    "at_risk": False,
                    **identity.keys(journalist(i)),
                }
                for i in range(20000)
            ],
        )
        rows, kinds, outlets, people, found = [], [], [], [], []
        next_id = 1
        for row, kind_numbers, outlet, person in incident_rows(n, rng):
            rows.append({"id": next_id, **row})
            kinds += [{"incident_id": next_id, "kind_id": kind_ids[k]} for k in kind_numbers]
            named = []
            if outlet is not None:
                outlets.append({"incident_id": next_id, "outlet_id": outlet + 1})
                named.append(f"Outlet {outlet}")
            if person is not None:
                people.append({"incident_id": next_id, "person_id": person + 1})
                named.append(journalist(person))
            # the search index, as search.refresh would write it
            words, sounds = search.document([row["summary"], row["city"]], named)
            found.append({"incident_id": next_id, "words": words, "sounds": sounds})
            next_id += 1
            if len(rows) >= batch:
                _flush(session, rows, kinds, outlets, people, found)
        _flush(session, rows, kinds, outlets, people, found)
    store.dispose()


def _flush(session, rows, kinds, outlets, people, found) -> None:
    from pressfree.store.models import (
        Incident,
        IncidentJournalist,
        IncidentKind,
        IncidentOutlet,
        IncidentSearch,
    )

    for table, values in (
        (Incident, rows),
        (IncidentKind, kinds),
        (IncidentOutlet, outlets),
        (IncidentJournalist, people),
        (IncidentSearch, found),
    ):
        if values:
            session.execute(insert(table), values)
        values.clear()
