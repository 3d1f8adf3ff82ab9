"""Monthly and yearly summaries: counts aggregated in SQL, never by loading incidents.

Counting rule: an incident counts in a period only when its whole date lies inside it.
Incidents that merely overlap the period (dated to a year, or a range across its edge) are
counted apart as "dated less precisely", so no incident is dropped or counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session, col

from pressfree import cases, countries, custody, dates, designations, publication, tallies
from pressfree.incidents import IncidentFilter, conditions, contained_in
from pressfree.publish.i18n import ENGLISH
from pressfree.store.db import one_of
from pressfree.store.models import (
    CustodyPeriod,
    Incident,
    IncidentJournalist,
    IncidentKind,
    IncidentOutlet,
    Kind,
    Outlet,
    Person,
)
from pressfree.store.ordering import by_name, code_points

TOP = 10
# The longest a date of each precision can span, so the overlap search stays on the index.
LONGEST = {"month": timedelta(days=31), "year": timedelta(days=366)}


@dataclass
class KindCount:
    kind: str
    label: str
    count: int
    previous: int
    journalists: int = 0  # distinct named journalists these incidents name

    @property
    def change(self) -> int:
        return self.count - self.previous


@dataclass
class ReportedBeside:
    """A figure a source reported beside what is itemised here for the same thing."""

    metric: str
    reported: str
    value: int
    qualifier: str
    publisher: str | None
    period: str | None
    as_of: str | None
    itemised: int
    gap: int
    text: str


@dataclass
class Summary:
    period: str
    first_day: str
    last_day: str
    previous_period: str
    country: str | None
    total_incidents: int
    previous_total: int
    by_kind: list[KindCount]
    imprecise: dict
    tallies: list[ReportedBeside]
    in_custody: dict
    designations: list[dict]
    top_outlets: list[dict]
    top_journalists: list[dict]
    by_country: list[dict]
    by_city: list[dict]
    monthly: list[dict] = field(default_factory=list)
    # Incidents of a year dated within it but not to one month (a range across months).
    not_in_a_month: int = 0
    # Charges brought and sentences handed down in the period (cases.in_period).
    cases: dict = field(default_factory=dict)
    filters: list[str] = field(default_factory=list)  # what narrowed the incidents counted
    narrowed_by: list[dict] = field(default_factory=list)  # the same, as narrowing() keeps it
    # The publication rule: the statuses counted, and how many incidents of the period (of
    # those the filters select) it left out, by status.
    counted: list[str] = field(default_factory=lambda: list(publication.DEFAULT))
    left_out: dict[str, int] = field(default_factory=dict)
    # Journalists the counted incidents name: distinct named people, and mentions without a
    # name ("[full name unavailable]") counted apart, in all and by kind.
    journalists_affected: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        from dataclasses import asdict

        data = asdict(self)
        data["by_kind"] = {k.kind: k.count for k in self.by_kind if k.count}
        data["previous_by_kind"] = {k.kind: k.previous for k in self.by_kind if k.previous}
        data["kinds"] = [dict(asdict(k), change=k.change) for k in self.by_kind]
        return data


def _where(period: dates.PartialDate, country: str | None, narrow: tuple = ()):
    clause = and_(contained_in(period), *narrow)
    return and_(clause, Incident.country == country) if country else clause


def _by_kind(session: Session, where) -> dict[str, int]:
    query = (
        select(IncidentKind.kind_id, func.count())
        .join(Incident, Incident.id == IncidentKind.incident_id)
        .where(where)
        .group_by(IncidentKind.kind_id)
    )
    return dict(session.execute(query).all())


def _total(session: Session, where) -> int:
    return session.execute(select(func.count()).select_from(Incident).where(where)).scalar_one()


def overlapping_only(period: dates.PartialDate):
    """Dated less precisely: overlaps the period without lying wholly inside it.

    Written as one indexed range per precision (date_precision, first_day), so that a
    month in a million incidents reads only the rows near it.
    """
    starts_before = [
        and_(
            Incident.date_precision == precision,
            Incident.first_day >= period.first - span,
            Incident.first_day < period.first,
            Incident.last_day >= period.first,
        )
        for precision, span in LONGEST.items()
    ]
    starts_before.append(
        and_(
            Incident.date_precision == "range",
            Incident.first_day < period.first,
            Incident.last_day >= period.first,
        )
    )
    ends_after = and_(
        Incident.first_day >= period.first,
        Incident.first_day <= period.last,
        Incident.last_day > period.last,
    )
    return or_(*starts_before, ends_after)


def _imprecise(
    session: Session, period: dates.PartialDate, country: str | None, narrow: tuple
) -> dict:
    where = and_(overlapping_only(period), *narrow)
    if country:
        where = and_(where, Incident.country == country)
    rows = session.execute(
        select(Incident.date_precision, func.count()).where(where).group_by(Incident.date_precision)
    ).all()
    by_precision = {precision: count for precision, count in sorted(rows)}
    return {"count": sum(by_precision.values()), "by_precision": by_precision}


def _top(session: Session, link, target, key, where) -> list[dict]:
    count = func.count().label("n")
    named = (target.placeholder.is_(False),)  # placeholder names name nobody
    query = (
        select(target.name, count)
        .join(link, getattr(link, key) == target.id)
        .join(Incident, Incident.id == link.incident_id)
        .where(where, *named)
        .group_by(target.id, target.name)
        .order_by(count.desc(), *by_name(target))
        .limit(TOP)
    )
    return [{"name": name, "incidents": n} for name, n in session.execute(query).all()]


def _journalists(session: Session, where, labels: dict) -> tuple[dict, list[dict]]:
    """The journalists the incidents `where` selects name: how many are affected (distinct
    named people, and unnamed mentions, each placeholder name a person of its own), in all
    and by kind; and the ten named most often.

    Two passes over the period's links, grouped by person and by kind and person, read
    through the connection (rows by the ten thousand: the ORM's rows cost more than the
    query), with no person's row read: which people are placeholders is asked apart."""
    person, kind = IncidentJournalist.person_id, IncidentKind.kind_id
    links = (
        select()
        .select_from(IncidentJournalist)
        .join(Incident, Incident.id == IncidentJournalist.incident_id)
        .where(where)
    )
    connection = session.connection()
    counts = dict(
        connection.execute(links.add_columns(person, func.count()).group_by(person)).all()
    )
    placeholders = set(  # of those people: a database may hold thousands more
        session.execute(
            select(Person.id).where(
                col(Person.placeholder).is_(True), one_of(session, col(Person.id), list(counts))
            )
        ).scalars()
    )
    by_kind: dict[str, dict[str, int]] = {}
    for kind_id, person_id, n in connection.execute(
        links.join(IncidentKind, IncidentKind.incident_id == Incident.id)
        .add_columns(kind, person, func.count())
        .group_by(kind, person)
    ):
        entry = by_kind.setdefault(labels[kind_id][0], {"named": 0, "unnamed": 0})
        if person_id in placeholders:
            entry["unnamed"] += n  # every mention
        else:
            entry["named"] += 1  # every person once
    named = {p: n for p, n in counts.items() if p not in placeholders}
    affected = {
        "named": len(named),
        "unnamed": sum(n for p, n in counts.items() if p in placeholders),
        "by_kind": dict(sorted(by_kind.items())),
    }
    return affected, _most_named(session, named)


def _most_named(session: Session, counts: dict[int, int]) -> list[dict]:
    """The TOP people of `counts` (person id: incidents), most incidents first, then in the
    order of their names (`ordering.by_name`: Python orders text by code points, as it does)."""
    if not counts:
        return []
    least = sorted(counts.values(), reverse=True)[:TOP][-1]
    candidates = [person_id for person_id, n in counts.items() if n >= least]
    names = sorted(  # all tied at the tenth count, asked as one array parameter
        session.execute(
            select(Person.id, Person.name_key, Person.name).where(
                one_of(session, col(Person.id), candidates)
            )
        ).all(),
        key=lambda row: (-counts[row[0]], row[1], row[2]),
    )
    return [{"name": name, "incidents": counts[person_id]} for person_id, _, name in names[:TOP]]


def _places(session: Session, where) -> tuple[list[dict], list[dict]]:
    count = func.count().label("n")
    by_country = session.execute(
        select(Incident.country, count)
        .where(where)
        .group_by(Incident.country)
        .order_by(count.desc(), code_points(Incident.country).nulls_last())
    ).all()
    by_city = session.execute(
        select(Incident.country, Incident.city, count)
        .where(where, Incident.city.is_not(None))
        .group_by(Incident.country, Incident.city)
        .order_by(count.desc(), code_points(Incident.city))
        .limit(TOP)
    ).all()
    return (
        [
            {"country": c, "name": countries.name(c) if c else "unknown", "incidents": n}
            for c, n in by_country
        ],
        [{"city": city, "country": c, "incidents": n} for c, city, n in by_city],
    )


def _in_custody(
    session: Session, period: dates.PartialDate, country: str | None, today: date, public: bool
) -> dict:
    as_of = min(period.last, today)
    itemised = _held_count(session, as_of, country, public)
    reported = tallies.newest_stock(session, "journalists-in-custody", as_of, country)
    return {
        "as_of": as_of.isoformat(),
        "itemised": itemised,
        "reported": [
            {
                "publisher": t.publisher,
                "figure": t.reads,
                "value": t.value,
                "qualifier": t.qualifier,
                "as_of": t.as_of,
                "country": t.country,
            }
            for t in reported
        ],
    }


def _held_count(session: Session, day: date, country: str | None, public: bool) -> int:
    """Journalists held on a day; in a redacted summary, none it may not show."""
    query = select(func.count()).select_from(CustodyPeriod).where(custody.held_on(day))
    if country:
        query = query.where(CustodyPeriod.country == country)
    if public:
        query = query.where(publication.custody_shown())
    return session.execute(query).scalar_one()


def _reported(
    session: Session, period: dates.PartialDate, country: str | None, narrow: tuple, public: bool
) -> list[ReportedBeside]:
    """Each figure reported for the period beside the itemised count for its country."""
    out = []
    for t in tallies.list_tallies(session, period=period, country=country):
        if t.metric in tallies.STOCKS:
            itemised = _held_count(session, date.fromisoformat(t.as_of), t.country, public)
            what = f"{tallies.STOCKS[t.metric]} as of {t.as_of}"
        else:
            itemised = _count_kind(session, t.metric, dates.parse(t.period), t.country, narrow)
            what = f"{t.metric} in {t.period}"
        out.append(
            ReportedBeside(
                t.metric,
                t.reads,
                t.value,
                t.qualifier,
                t.publisher,
                t.period,
                t.as_of,
                itemised,
                t.value - itemised,
                f"{what}: {t.publisher} reports {t.reads}; {itemised} itemised here",
            )
        )
    return out


def _count_kind(
    session: Session, slug: str, period: dates.PartialDate, country: str | None, narrow: tuple
) -> int:
    query = (
        select(func.count())
        .select_from(IncidentKind)
        .join(Incident, Incident.id == IncidentKind.incident_id)
        .join(Kind, Kind.id == IncidentKind.kind_id)
        .where(_where(period, country, narrow), Kind.slug == slug)
    )
    return session.execute(query).scalar_one()


def _months(
    session: Session, period: dates.PartialDate, country: str | None, narrow: tuple
) -> tuple[dict[int, int], int, list[dict]]:
    """A period's counts by kind, its total, and its months, from one pass over its
    incidents (a year's for its summary, any run of months for a report's chart).

    Each incident is grouped by the month it starts in and whether it also ends in it; only
    those that do appear in the month rows, all of them in the period's counts.
    """
    where = _where(period, country, narrow)
    # Grouped by the dates themselves (in the order of the period index, a few thousand
    # groups for a year), months worked out here: a month taken from each row's date in
    # SQL cost twice the time on a million incidents.
    days = (Incident.first_day, Incident.last_day)
    per_kind = session.execute(
        select(*days, IncidentKind.kind_id, func.count())
        .join(IncidentKind, IncidentKind.incident_id == Incident.id)
        .where(where)
        .group_by(*days, IncidentKind.kind_id)
    ).all()
    totals = session.execute(select(*days, func.count()).where(where).group_by(*days)).all()
    first, last = period.first, period.last
    rows = {}
    for n in range((last.year - first.year) * 12 + last.month - first.month + 1):
        y, m = divmod(first.month - 1 + n, 12)
        rows[(first.year + y, m + 1)] = {
            "month": f"{first.year + y:04d}-{m + 1:02d}",
            "total": 0,
            "by_kind": {},
        }

    def month_of(start: date, end: date) -> dict | None:  # the row of the one month it is in
        return (
            rows[(start.year, start.month)]
            if (start.year, start.month) == (end.year, end.month)
            else None
        )

    by_kind: dict[int, int] = {}
    for start, end, kind_id, n in per_kind:
        by_kind[kind_id] = by_kind.get(kind_id, 0) + n
        if row := month_of(start, end):
            row["by_kind"][kind_id] = row["by_kind"].get(kind_id, 0) + n
    total = 0
    for start, end, n in totals:
        total += n
        if row := month_of(start, end):
            row["total"] += n
    return by_kind, total, list(rows.values())


def months(
    session: Session,
    period: dates.PartialDate,
    country: str | None = None,
    filters: IncidentFilter | None = None,
) -> tuple[list[dict], int]:
    """The incidents that count (see `counting`) of each month of the period by kind
    (slugs), as a chart draws them, and how many of the period's incidents are in no month
    (dated to a year, or across months)."""
    labels = dict(session.execute(select(Kind.id, Kind.slug)).all())
    _, narrow, _ = counting(session, filters)
    _, total, rows = _months(session, period, countries.normalise(country, "--country"), narrow)
    for row in rows:
        row["by_kind"] = {labels[k]: n for k, n in row["by_kind"].items()}
    return rows, total - sum(row["total"] for row in rows)


def _left_out(session, period, code, filters, selected, chosen) -> dict[str, int]:
    """What the rule left out, by status; and, in what may be published alone (a redacted
    summary or report), the restricted incidents it would have counted."""
    from dataclasses import replace

    left = publication.left_out_counts(session, _where(period, code, selected), chosen)
    if filters is not None and filters.public:
        every = tuple(conditions(replace(filters, status=None, public=False), session))
        hidden = session.execute(
            select(func.count()).where(
                _where(period, code, every), publication.condition(chosen), publication.restricted()
            )
        ).scalar_one()
        if hidden:
            left["restricted"] = hidden
    return left


def counting(
    session: Session, filters: IncidentFilter | None
) -> tuple[tuple[str, ...], tuple, tuple]:
    """(The statuses that count, the conditions of the incidents counted, those of the
    incidents the filters select whatever their status): the publication rule, or the one
    status --status asks for, applied with the other filters."""
    from dataclasses import replace

    wanted = filters.status if filters else None
    chosen = publication.statuses(session, wanted)
    selected = tuple(conditions(replace(filters, status=None), session)) if filters else ()
    return chosen, (*selected, publication.condition(chosen)), selected


def narrowing(filters: IncidentFilter | None) -> list[dict]:
    """What narrowed the incidents counted, each as {"filter", "value"} (and "field" for
    --where): kept so that a reader's language can say them (i18n.Words.narrowed)."""
    if filters is None:
        return []
    out: list[dict] = [{"filter": "kind", "value": list(filters.kinds)}] if filters.kinds else []
    for name in ("journalist", "outlet", "publisher", "status", "tag", "search"):
        if getattr(filters, name) is not None:
            out.append({"filter": name, "value": getattr(filters, name)})
    out += [{"filter": "where", "field": name, "value": value} for name, value in filters.where]
    if filters.affiliated:
        out.append({"filter": "affiliated"})
    for name in ("updated_since", "updated_before"):
        if getattr(filters, name):
            out.append({"filter": name, "value": str(getattr(filters, name))})
    if filters.include_new and (filters.updated_since or filters.updated_before):
        out.append({"filter": "include_new"})
    return out


def described(filters: IncidentFilter | None) -> list[str]:
    """The filters, as an English reader of the summary is told them ("status confirmed")."""
    return [ENGLISH.narrowed(item) for item in narrowing(filters)]


def redacted(summary: Summary, redact) -> Summary:
    """The summary with the names of people at risk replaced, wherever they appear."""
    from dataclasses import replace

    return replace(
        summary,
        top_journalists=redact(summary.top_journalists),
        top_outlets=redact(summary.top_outlets),  # "Ihar Losik Channel"
        designations=redact(summary.designations),
        cases=redact(summary.cases),
        in_custody=redact(summary.in_custody),
        filters=redact(summary.filters),  # `--journalist NAME` says the name
        narrowed_by=redact(summary.narrowed_by),
    )


def summarise(
    session: Session,
    period: dates.PartialDate,
    country: str | None = None,
    today: date | None = None,
    filters: IncidentFilter | None = None,
) -> Summary:
    """The summary of a period. Incidents count as the publication rule says (or as
    `filters.status` asks). `filters` (what `list` takes besides the period) narrow the
    incidents counted, and the itemised counts beside reported figures; custody,
    designations and cases are about people and outlets, and are not narrowed."""
    code = countries.normalise(country, "--country")
    today = today or date.today()
    public = filters is not None and filters.public
    previous = period.previous()
    chosen, narrow, selected = counting(session, filters)
    where, where_before = _where(period, code, narrow), _where(previous, code, narrow)
    labels = {k.id: (k.slug, k.label) for k in session.execute(select(Kind)).scalars()}
    monthly: list[dict] = []
    if period.precision == "year":
        now, total, monthly = _months(session, period, code, narrow)
        for row in monthly:
            row["by_kind"] = {labels[k][0]: n for k, n in row["by_kind"].items()}
    else:
        now, total = _by_kind(session, where), _total(session, where)
    before = _by_kind(session, where_before)
    by_kind = sorted(
        (
            KindCount(labels[k][0], labels[k][1], now.get(k, 0), before.get(k, 0))
            for k in set(now) | set(before)
        ),
        key=lambda k: (-k.count, -k.previous, k.kind),
    )
    by_country, by_city = _places(session, where)
    affected, top_journalists = _journalists(session, where, labels)
    for k in by_kind:
        k.journalists = affected["by_kind"].get(k.kind, {}).get("named", 0)
    made = designations.list_designations(session, period=period, country=code, counted=chosen)
    summary = Summary(
        period=str(period),
        first_day=period.first.isoformat(),
        last_day=period.last.isoformat(),
        previous_period=str(previous),
        country=code,
        total_incidents=total,
        previous_total=_total(session, where_before),
        by_kind=by_kind,
        imprecise=_imprecise(session, period, code, narrow),
        tallies=_reported(session, period, code, narrow, public),
        in_custody=_in_custody(session, period, code, today, public),
        designations=[
            {
                "target": d.target,
                "label": d.label,
                "label_name": d.label_name,
                "issued_by": d.issued_by,
                "date": d.date,
                "id": d.id,
            }
            for d in made
        ],
        top_outlets=_top(session, IncidentOutlet, Outlet, "outlet_id", where),
        top_journalists=top_journalists,
        by_country=by_country,
        by_city=by_city,
        cases=cases.in_period(session, period, code),
        filters=described(filters),
        narrowed_by=narrowing(filters),
        counted=list(chosen),
        left_out=_left_out(session, period, code, filters, selected, chosen),
        journalists_affected=affected,
    )
    if monthly:
        summary.monthly = monthly
        summary.not_in_a_month = total - sum(m["total"] for m in monthly)
    return summary
