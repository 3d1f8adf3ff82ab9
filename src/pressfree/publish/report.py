"""The report researchers publish for a month, a year or any period: everything `summary`
says, the itemised incidents with their sources, who is held at the end of the period,
designations made and lifted, cases and sentences, and a chart of the months before it.

This module gathers the facts; render_report.py writes them as HTML (and PDF)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from pressfree import dates, designations, incidents, own_fields
from pressfree.publish import census
from pressfree.publish import summary as summaries
from pressfree.publish.summary import Summary
from pressfree.schemas import plain

CHART_MONTHS = 12  # a month's report charts it and the eleven months before it


@dataclass
class Report:
    summary: Summary
    chart: list[dict]  # months, oldest first: {"month", "total", "by_kind": {slug: n}}
    unplaced: int  # incidents of the chart's months dated to a year or across months
    # As plain data (dicts, lists, text), so that --redact reaches every name in them:
    held: dict  # census.Census: who was in custody at the end of the period (or today)
    lifted: list[dict]  # designations.DesignationRecord: those lifted in the period
    # incidents.listed: those counted in the period, oldest first, a batch at a time, read
    # (and redacted) as they are written: to be used up while the session is open, once
    incidents: Iterator[list[dict]]
    kinds: dict[str, str]  # slug -> label, for every kind
    fields: tuple[str, ...] = ()  # own fields its list of incidents shows, in this order


def _with_generated(session: Session, listed: list[dict]) -> list[dict]:
    """Each incident whose summary is the one its designation gave it, with that summary's
    parts (designations.generated_in), so a report says it in its reader's language."""
    generated = designations.generated_in(session, [i["id"] for i in listed])
    return [dict(i, generated=generated[i["id"]]) if i["id"] in generated else i for i in listed]


def _incidents(
    session: Session,
    batches: Iterator[list[dict]],
    hide: Callable[[Any], Any] | None,
    fields: tuple[str, ...],
) -> Iterator[list[dict]]:
    """The report's incidents, a batch at a time: with their designations' summaries, and,
    redacted (`hide`), with the names of people at risk hidden and text naming them
    withheld."""
    for batch in batches:
        listing = _with_generated(session, batch)
        if hide is not None:
            yield hide(_withheld_fields(listing, hide) if fields else listing)
        else:
            yield listing


def _withheld_fields(listing: list[dict], hide: Callable[[Any], Any]) -> list[dict]:
    """A field's text that names a person at risk, withheld whole, as a summary is."""
    from pressfree.redaction import WITHHELD, Redactor

    if not isinstance(hide, Redactor):  # (not one when nobody is at risk)
        return listing
    for item in listing:
        item["fields"] = [
            WITHHELD if isinstance(v, str) and hide.names_someone(v) else v for v in item["fields"]
        ]
    return listing


def chart_period(period: dates.PartialDate) -> dates.PartialDate:
    """The months a report's chart shows: a month and the eleven before it; otherwise the
    months of the period itself."""
    if period.precision == "month":
        start = dates.later(period.first, 1 - CHART_MONTHS)
        return dates.parse(f"{start:%Y-%m}..{period.first:%Y-%m}")
    return period


def gather(
    session: Session,
    period: dates.PartialDate,
    country: str | None = None,
    redact: bool = False,
    today: date | None = None,
    filters: incidents.IncidentFilter | None = None,
    fields: tuple[str, ...] = (),
) -> Report:
    """The report's facts: its incidents are those the summary counts (the publication
    rule, or --status, and the other filters); `fields`: own fields its list shows."""
    from sqlalchemy import select

    from pressfree.store.models import Kind

    today = today or date.today()
    own_fields.check_defined(session, fields, "--field")
    result = summaries.summarise(session, period, country, today=today, filters=filters)
    _, narrow, _ = summaries.counting(session, filters)
    as_of = min(period.last, today).isoformat()
    # a redacted report shows no custody a published output may not (restricted people and
    # incidents: publication.custody_shown), not even under a pseudonym
    held = census.census(session, as_of, country, incidents.IncidentFilter(public=redact))
    if period.precision == "year":  # the summary has counted the year's months already
        chart, unplaced = result.monthly, result.not_in_a_month
    else:
        chart, unplaced = summaries.months(session, chart_period(period), result.country, filters)
    hide = None
    if redact:
        from pressfree import people

        hide = people.redactor(session)
    lifted = [plain(d) for d in designations.lifted_in(session, period, result.country)]
    return Report(
        summary=summaries.redacted(result, hide) if hide else result,
        chart=chart,
        unplaced=unplaced,
        held=hide(plain(held)) if hide else plain(held),
        lifted=hide(lifted) if hide else lifted,
        incidents=_incidents(
            session,
            incidents.listed(session, period, result.country, narrow, fields),
            hide,
            tuple(fields),
        ),
        kinds=dict(session.execute(select(Kind.slug, Kind.label)).all()),
        fields=tuple(fields),
    )
