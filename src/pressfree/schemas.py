"""Input and output shapes: validated drafts coming in, plain records going out."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Optional

from pydantic import ValidationError, field_validator
from sqlmodel import Field, SQLModel

from pressfree import countries, dates
from pressfree.errors import InvalidValue
from pressfree.models import STATUSES


def _clean(value: Optional[str]) -> Optional[str]:
    """Strip surrounding blanks; an empty value means "not given"."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def _clean_list(values: list[str] | str) -> list[str]:
    if isinstance(values, str):  # one value where a list was expected
        values = [values]
    seen: dict[str, None] = {}
    for value in values or []:
        if cleaned := _clean(value):
            seen.setdefault(cleaned, None)
    return list(seen)


class SourceIn(SQLModel):
    """A source as the user gives it: any of url, publisher, title, published date."""

    url: Optional[str] = None
    publisher: Optional[str] = None
    title: Optional[str] = None
    published: Optional[date] = None

    @field_validator("url", "publisher", "title", mode="before")
    @classmethod
    def _strip(cls, value):
        return _clean(value)

    @field_validator("published", mode="before")
    @classmethod
    def _published(cls, value):
        if isinstance(value, str):
            return dates.parse_day(value, "published") if value.strip() else None
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value):
        if value and "://" not in value:
            raise InvalidValue("source", value, "is not a URL (it needs a scheme such as "
                                                 "https://)")
        return value

    def is_empty(self) -> bool:
        return not (self.url or self.publisher or self.title)


class IncidentIn(SQLModel):
    """A new incident before it is stored; kinds are checked against the database later."""

    kinds: list[str] = Field(min_length=1)
    date: dates.PartialDate
    country: Optional[str] = None
    region: Optional[str] = None
    city: Optional[str] = None
    perpetrator: Optional[str] = None
    summary: Optional[str] = None
    journalists: list[str] = []
    outlets: list[str] = []
    sources: list[SourceIn] = []
    status: str = "reported"
    tags: list[str] = []

    @field_validator("kinds", "journalists", "outlets", "tags", mode="before")
    @classmethod
    def _lists(cls, values):
        return _clean_list(values)

    @field_validator("kinds")
    @classmethod
    def _kinds(cls, values):
        return [v.lower() for v in values]

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value):
        return dates.parse(value, "date") if isinstance(value, str) else value

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, value):
        return countries.normalise(value)

    @field_validator("region", "city", "perpetrator", "summary", mode="before")
    @classmethod
    def _text(cls, value):
        return _clean(value)

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value):
        return check_status(value)

    @field_validator("sources", mode="before")
    @classmethod
    def _sources(cls, values):
        return [s for s in (SourceIn.model_validate(v) if isinstance(v, dict) else v
                            for v in values or []) if not s.is_empty()]


def check_status(value: Optional[str], field: str = "status") -> str:
    """None means the default, reported; anything else must be a status."""
    status = "reported" if value is None else value.strip().lower()
    if status not in STATUSES:
        raise InvalidValue(field, value, f"is not a status (one of {', '.join(STATUSES)})")
    return status


def validated(model: type[SQLModel], **values: Any) -> SQLModel:
    """Build a non-table model, turning pydantic's report into one InvalidValue line."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or model.__name__
        raise InvalidValue(where, first.get("input"), first["msg"].lower()) from None


@dataclass
class SourceRecord:
    url: Optional[str]
    publisher: Optional[str]
    title: Optional[str]
    published: Optional[str]


@dataclass
class IncidentRecord:
    """An incident as the outside world sees it: the JSON contract of list and show."""

    id: str
    date: str
    date_precision: str
    kinds: list[str]
    country: Optional[str]
    region: Optional[str]
    city: Optional[str]
    journalists: list[str]
    outlets: list[str]
    perpetrator: Optional[str]
    summary: Optional[str]
    status: str
    tags: list[str]
    sources: list[SourceRecord]
    created_at: str
    updated_at: str
    first_day: date = field(repr=False, default=None)
    last_day: date = field(repr=False, default=None)
    external_id: Optional[str] = None
    dataset: Optional[str] = None
    extra: Optional[dict] = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for private in ("first_day", "last_day"):
            data.pop(private)
        for optional in ("external_id", "dataset", "extra"):
            if data[optional] is None:
                data.pop(optional)
        return data
