"""The entry form of `add` and `edit ID` on a terminal: every field in turn, each completed
from what the database holds (names in any script, by their Latin spelling; kinds by their
names in every language) and checked as it is typed by the rule the store applies; then a
preview of the incident as `show` prints it, and a confirmation.

prompt_toolkit does the line editing, completion and validation (readline's keys, a menu of
completions, the error shown under the line). The form gives back the same values as the
editor's file (cli/editing.read), which `add` and `edit` record through the one path."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

import typer
from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.validation import ValidationError, Validator

from pressfree import countries, dates, names, own_fields
from pressfree.cli.editing import FIELDS as HINTS
from pressfree.errors import InvalidValue, PressfreeError
from pressfree.schemas import INCIDENT_FIELDS, SourceIn, check_status, clean_text, validated
from pressfree.store.models import STATUSES

if TYPE_CHECKING:
    from pressfree.recorded import Recorded

LISTS = ("kinds", "journalists", "outlets", "tags")
HINT = dict(HINTS)
SEPARATOR = ","  # items of a list field: names may hold spaces, never commas


class Listed(Completer):
    """Completes what is being typed (in a list, the item after the last comma) from
    stored values, matched by their folded words: "losik" finds "Ігар Лосік"."""

    def __init__(self, values: dict[str, str], many: bool):
        self.many = many
        # (folded words, what is shown, what is written)
        self.values = [(names.fold(shown), shown, stored) for shown, stored in values.items()]

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        text = document.text_before_cursor
        start = text.rfind(SEPARATOR) + 1 if self.many else 0
        typed = text[start:].lstrip()
        key = names.fold(typed)
        given = set()
        for folded, shown, stored in self.values:
            if key and not (folded.startswith(key) or f" {key}" in f" {folded}"):
                continue
            if stored in given:
                continue
            given.add(stored)
            yield Completion(
                stored,
                start_position=-len(typed),
                display=shown,
                display_meta=stored if stored != shown else "",
            )


class Checked(Validator):
    """A field checked as it is typed, by the store's own rule (an InvalidValue's line is
    shown under it)."""

    def __init__(self, check: Callable[[str], Any]):
        self.check = check

    def validate(self, document: Document) -> None:
        try:
            self.check(document.text)
        except PressfreeError as error:
            raise ValidationError(message=str(error), cursor_position=len(document.text)) from None


def items(text: str) -> list[str]:
    return [item.strip() for item in text.split(SEPARATOR) if item.strip()]


def _text(field: str, text: str) -> str | None:
    return clean_text(text, field)


def _texts(field: str, text: str) -> list[str | None]:
    return [clean_text(item, field) for item in items(text)]


class Form:
    """One incident's fields asked in turn; `ask` is prompt_toolkit's prompt, a session of
    its own for each question (a PromptSession keeps a question's completer, checks and
    hint for the next one that gives none)."""

    def __init__(self, recorded: Recorded, ask: Callable[..., str] | None = None):
        self.recorded = recorded
        self.kinds = {k.casefold(): slug for k, slug in recorded.kinds.items()}
        self.ask = ask or (lambda *args, **options: PromptSession().prompt(*args, **options))

    def _line(
        self,
        label: str,
        default: Any = None,
        *,
        hint: str = "",
        values: Iterable[str] | dict[str, str] = (),
        many: bool = False,
        check: Callable[[str], Any] | None = None,
    ) -> str:
        shown = default if isinstance(default, str) else ""
        if isinstance(default, list):
            shown = f"{SEPARATOR} ".join(map(str, default))
        elif default is not None and not isinstance(default, str):
            shown = str(default)
        offered = values if isinstance(values, dict) else {v: v for v in values}
        return str(
            self.ask(
                f"{label}: ",
                default=shown,
                completer=Listed(offered, many) if offered else None,
                complete_while_typing=True,
                validator=Checked(check) if check else None,
                validate_while_typing=False,
                bottom_toolbar=(hint + " · Tab completes" if offered else hint) or None,
            )
        ).strip()

    def kinds_of(self, text: str) -> list[str]:
        found = []
        for item in items(text):
            if item.casefold() not in self.kinds:
                known = ", ".join(sorted(set(self.kinds.values())))
                raise InvalidValue("kind", item, f"is not a kind ({known})")
            found.append(self.kinds[item.casefold()])
        if not found:
            raise InvalidValue("kind", "", "is required: what happened (Tab lists the kinds)")
        return list(dict.fromkeys(found))

    def fill(self, start: dict[str, Any]) -> dict[str, Any]:
        """Every field, each starting as `start` has it; the values as the editor's file
        gives them."""
        r = self.recorded
        values: dict[str, Any] = dict(start)
        values["kinds"] = self.kinds_of(
            self._line("Kinds", start.get("kinds") or [], hint=HINT["kinds"],
                       values=r.kinds, many=True, check=self.kinds_of)
        )  # fmt: skip
        values["date"] = self._line(
            "Date", start.get("date"), hint=HINT["date"], check=lambda t: dates.parse(t, "date")
        )
        country = self._line(
            "Country",
            start.get("country"),
            hint=HINT["country"],
            values={**{code: code for code in r.countries}, **countries.spelled()},
            check=lambda t: countries.normalise(t or None),
        )
        values["country"] = countries.normalise(country or None)
        for name, places in (("region", r.regions), ("city", r.cities)):
            values[name] = self._line(
                name.capitalize(), start.get(name), values=places, check=partial(_text, name)
            ) or None  # fmt: skip
        for name, spellings in (("journalists", r.journalists), ("outlets", r.outlets)):
            values[name] = items(
                self._line(
                    name.capitalize(), start.get(name) or [], hint=HINT[name] or "by commas",
                    values=spellings, many=True, check=partial(_texts, name[:-1]),
                )
            )  # fmt: skip
        for name in ("perpetrator", "summary"):
            values[name] = self._line(
                name.capitalize(), start.get(name), hint=HINT[name], check=partial(_text, name)
            ) or None  # fmt: skip
        values["sources"] = self._sources(start.get("sources") or [])
        values["tags"] = items(
            self._line("Tags", start.get("tags") or [], hint="by commas", values=r.tags,
                       many=True, check=partial(_texts, "tag"))
        )  # fmt: skip
        values["status"] = self._line(
            "Status", start.get("status") or "reported", values=STATUSES, check=check_status
        ).lower()
        held = start.get("fields") or start.get("extra") or {}
        values["fields"] = {}
        for name, definition in sorted(r.own.items()):
            kind = definition["type"]
            values["fields"][name] = self._line(
                name, held.get(name), hint=f"your own field: {kind}",
                values=definition.get("choices", []),
                check=partial(own_fields.value, definition, name),
            ) or None  # fmt: skip
        return values

    def _sources(self, start: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Sources one at a time, each with its publisher and title; an empty source ends."""
        found: list[dict[str, Any]] = []
        number = 0
        while True:
            before = start[number] if number < len(start) else {}
            number += 1
            url = self._line(
                f"Source {number} URL", before.get("url"),
                hint="where it was reported; Enter with no URL and no publisher ends the sources",
                check=lambda t: validated(SourceIn, url=t or None),
            )  # fmt: skip
            publisher = self._line(
                f"Source {number} publisher", before.get("publisher"),
                hint="who reported it (BAJ, Viasna)", values=self.recorded.publishers,
                check=partial(_text, "publisher"),
            )  # fmt: skip
            if not url and not publisher:
                return found
            title = self._line(
                f"Source {number} title", before.get("title"),
                check=partial(_text, "title"),
            )  # fmt: skip
            found.append(
                {
                    "url": url or None,
                    "publisher": publisher or None,
                    "title": title or None,
                    "published": before.get("published"),
                }
            )


def preview(values: dict[str, Any], incident_id: str) -> Any:
    """The incident the answers make, as `show` prints it (checked as it will be stored:
    what does not fit raises the same line the command would)."""
    from pressfree.publish import render
    from pressfree.schemas import IncidentIn, IncidentRecord, SourceRecord

    fields = {k: v for k, v in values.items() if k in INCIDENT_FIELDS and v not in (None, [])}
    draft: Any = validated(IncidentIn, **fields)
    record = IncidentRecord(
        id=incident_id,
        date=str(draft.date),
        date_precision=draft.date.precision,
        kinds=draft.kinds,
        country=draft.country,
        region=draft.region,
        city=draft.city,
        journalists=draft.journalists,
        outlets=draft.outlets,
        perpetrator=draft.perpetrator,
        summary=draft.summary,
        status=draft.status,
        tags=draft.tags,
        sources=[
            SourceRecord(
                s.url, s.publisher, s.title, s.published.isoformat() if s.published else None
            )
            for s in draft.sources
        ],
        created_at="",
        updated_at="",
        extra={k: v for k, v in (values.get("fields") or {}).items() if v} or None,
        public_summary=draft.public_summary,
        restricted=draft.restricted,
        latitude=draft.latitude,
        longitude=draft.longitude,
    )
    return render.incident_detail(record, "table", preview=True)


def filled(
    form: Form,
    start: dict[str, Any],
    incident_id: str,
    record: Callable[[dict[str, Any]], None],
    show: Callable[[Any], None],
    confirm: Callable[[str], str],
) -> bool:
    """The form until its incident is recorded by `record` (which raises what is wrong, in
    a transaction of its own), or the user cancels (False)."""
    values = start
    while True:
        values = form.fill(values)
        try:
            show(preview(values, incident_id))
        except PressfreeError as error:
            show(f"Error: {error}")
            answer = confirm("Answer again? [Y/n]")
            if answer.strip().lower() in ("n", "no"):
                return False
            continue
        answer = confirm("Record it? [Y]es, [e]dit again, [c]ancel")
        choice = answer.strip().lower()[:1] or "y"
        if choice == "c":
            return False
        if choice == "e":
            continue
        try:
            record(dict(values))  # a copy: a refused record leaves the answers as they were
            return True
        except PressfreeError as error:
            show(f"Error: {error}")
            if confirm("Answer again? [Y/n]").strip().lower() in ("n", "no"):
                return False


def at_the_keyboard(
    ctx: Any, start: dict[str, Any], incident_id: str, record: Callable[[dict[str, Any]], None]
) -> bool:
    """The form on this terminal, completed from the database (none before it exists), until
    `record` takes its incident; False when the user records nothing (Ctrl-D too)."""
    from pressfree.cli.common import emit, if_stored
    from pressfree.recorded import Recorded, recorded

    form = Form(if_stored(ctx, recorded, Recorded()))

    def confirm(question: str) -> str:
        return str(form.ask(f"{question} "))

    def show(shown: Any) -> None:
        if isinstance(shown, str):
            typer.echo(shown, err=True)
        else:
            emit(shown)

    try:
        return filled(form, start, incident_id, record, show, confirm)
    except EOFError:  # Ctrl-D: the form is left
        return False


def edit_in_form(ctx: typer.Context, incident_id: str, fmt: Any) -> None:
    """The incident as it is in the entry form; what is confirmed becomes the incident,
    exactly (as the editor's file does), its fields the form does not ask kept."""
    from pressfree import incidents
    from pressfree.cli import editing
    from pressfree.cli.common import note, reading

    with reading(ctx) as session:
        current = incidents.get(session, incident_id).to_dict()

    def record(values: dict[str, Any]) -> None:
        wanted = (*INCIDENT_FIELDS, "fields")  # not its id, times, updates or attachments
        editing.made_exactly(
            ctx, current["id"], {k: v for k, v in values.items() if k in wanted}, fmt
        )

    if not at_the_keyboard(ctx, current, current["id"], record):
        note("Nothing changed.")
        raise typer.Exit(1)
