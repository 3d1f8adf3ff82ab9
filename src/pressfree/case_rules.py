"""The rule of what a case is on a day, from its events alone: which events are known by
then, in which order, and the status they give the case and each charge. Read by the cases
register (cases.py) and by custody (a case that still holds someone keeps them in custody)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cmp_to_key

from sqlalchemy import select
from sqlmodel import Session

from pressfree import dates
from pressfree.errors import InvalidValue
from pressfree.store.models import Case, CaseEvent, Charge


@dataclass(frozen=True)
class Step:
    """One event of a case as the rule needs it (the charge by its law key)."""

    first: date
    last: date
    event: str
    charge: str | None = None
    outcome: str | None = None
    order: int = 0  # the order it was recorded in
    law: str | None = field(default=None, compare=False)  # the charge as written
    precision: str = field(default="day", compare=False)

    @property
    def when(self) -> str:
        return str(dates.PartialDate(self.first, self.last, self.precision))


@dataclass
class State:
    status: str
    charges: dict[str, str]  # law key -> status of that charge
    verdict: Step | None = None
    closed: date | None = None


# Events that change what a case is: they count once they have certainly happened (on the
# last day their date can mean); the others (opened, a charge brought, a hearing, a
# transfer) count from the first, as custody counts from the earliest possible start.
CHANGES = ("charge-dropped", "verdict", "appeal", "closed")


def _before(a: Step, b: Step) -> int:
    """Whether a came before b: by date where their dates do not overlap, else in the
    order they were recorded ("2021-08" recorded after "2021-08-15" came after it)."""
    if a.last < b.first:
        return -1
    if b.last < a.first:
        return 1
    return (a.order > b.order) - (a.order < b.order)


def ordered(steps: list[Step]) -> list[Step]:
    return sorted(sorted(steps, key=lambda s: (s.first, s.order)), key=cmp_to_key(_before))


def steps_of(session: Session, row: Case) -> list[Step]:
    """A stored case's events as the rules read them."""
    charges = {
        c.id: c for c in session.execute(select(Charge).where(Charge.case_id == row.id)).scalars()
    }
    events = session.execute(select(CaseEvent).where(CaseEvent.case_id == row.id)).scalars()
    return _steps(list(events), charges)


def check(steps: list[Step]) -> None:
    """Refuse a history of events no case can have, whatever order they were entered in:
    a charge dropped that was never brought (or brought twice), an appeal with no verdict
    before it, a second verdict with no appeal between, anything after the case closed."""
    brought: set[str] = set()
    dropped: set[str] = set()
    verdict = appealed = closed = False
    for step in ordered(steps):
        if closed:
            raise InvalidValue(
                "--date", step.when, f"is after the case was closed: a {step.event} cannot follow"
            )
        if step.event == "charge-added":
            if step.charge in brought - dropped:
                raise InvalidValue("--charge", step.law, "is already brought in this case")
            brought.add(step.charge)
            dropped.discard(step.charge)
        elif step.event == "charge-dropped":
            if step.charge not in brought:
                raise InvalidValue(
                    "--charge", step.law, f"was not brought in this case by {step.when}"
                )
            if step.charge in dropped:
                raise InvalidValue("--charge", step.law, "is already dropped")
            dropped.add(step.charge)
        elif step.event == "verdict":
            if verdict and not appealed:
                raise InvalidValue(
                    "--date",
                    step.when,
                    "follows a verdict with no appeal between: record the appeal first",
                )
            verdict, appealed = True, False
        elif step.event == "appeal":
            if not verdict or appealed:
                raise InvalidValue(
                    "--date",
                    step.when,
                    "has no verdict before it to appeal"
                    if not verdict
                    else "is a second appeal of the same verdict",
                )
            appealed = True
        elif step.event == "closed":
            closed = True


def known_on(steps: list[Step], day: date) -> list[Step]:
    """The events known on a day, in order: a change once it has certainly happened, and
    none after a change not yet certain (an appeal waits for the verdict it appeals); the
    others from the first day their date can mean."""
    known, waiting = [], False
    for step in ordered(steps):
        if step.event in CHANGES:
            waiting = waiting or step.last > day
            if waiting:
                continue
        elif step.first > day:
            continue
        known.append(step)
    return known


def state_on(steps: list[Step], day: date) -> State | None:
    """The case on a day; None before it was opened. The last verdict decides for the
    charges it ruled on ("on appeal" once appealed, until the next verdict); a charge
    brought since is pending, a dropped one dropped. Without a verdict, a case whose every
    charge was dropped is "dropped", one closed "closed", else "pending"."""
    known = known_on(steps, day)
    if not any(s.event == "opened" for s in known):
        return None
    charges: dict[str, str] = {}
    verdict: Step | None = None
    appealed = False
    closed = None
    for step in known:
        if step.event == "charge-added":
            charges[step.charge] = "pending"
        elif step.event == "charge-dropped":
            charges[step.charge] = "dropped"
        elif step.event in ("verdict", "appeal"):
            verdict = step if step.event == "verdict" else verdict
            appealed = step.event == "appeal"
            ruling = "on appeal" if appealed else verdict.outcome
            charges = {k: v if v == "dropped" else ruling for k, v in charges.items()}
        elif step.event == "closed":
            closed = step.last
    if verdict is not None:
        status = "on appeal" if appealed else verdict.outcome
    elif charges and all(v == "dropped" for v in charges.values()):
        status = "dropped"
    else:
        status = "closed" if closed else "pending"
    return State(status, charges, verdict, closed)


def _steps(events: list[CaseEvent], charges: dict[int, Charge]) -> list[Step]:
    return [
        Step(
            e.first_day,
            e.last_day,
            e.event,
            charges[e.charge_id].law_key if e.charge_id else None,
            e.outcome,
            e.id if e.id is not None else 10**12 + n,
            charges[e.charge_id].law if e.charge_id else None,
            e.date_precision,
        )
        for n, e in enumerate(events)
    ]
