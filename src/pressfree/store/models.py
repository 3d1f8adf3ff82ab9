"""The database tables (SQLModel), in one module so relationships never import in circles."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlmodel import Field, SQLModel

from pressfree.dates import PRECISIONS, PartialDate

# withdrawn (schema 9): no longer in a later complete snapshot of its dataset (import --retire)
STATUSES = ("reported", "confirmed", "disputed", "retracted", "withdrawn")
OUTLET_TYPES = ("outlet", "organisation")
TARGET_TYPES = (*OUTLET_TYPES, "person")
QUALIFIERS = ("exact", "at-least", "more-than", "about", "at-most")
CHANGES = ("appealed", "upheld", "lifted")
# The largest count a tally holds: PostgreSQL's INTEGER, so both backends take the same.
MAX_COUNT = 2**31 - 1


def new_public_id() -> str:
    return new_public_ids(1)[0]


def new_public_ids(count: int) -> list[str]:
    """Version 4 UUIDs as text, from one read of the system's random source (an import
    needs one per row; uuid.uuid4 reads it once for each, and took about five times as
    long). As uuid4 does, the version (4) and the variant (RFC 4122) overwrite six of the
    128 random bits."""
    import os

    hexes = os.urandom(16 * count).hex()
    variant = "89ab89ab89ab89ab"  # the hex digit's top two bits become 10
    return [
        f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant[int(h[16], 16)]}{h[17:20]}-{h[20:]}"
        for h in (hexes[i : i + 32] for i in range(0, 32 * count, 32))
    ]


def partial_unique(name: str, *columns: str, where: str) -> Index:
    """A unique index over the rows WHERE holds for. Declared in SQLite's form only: naming
    postgresql_where here would import SQLAlchemy's PostgreSQL dialect (0.03 s) into every
    command on a SQLite file. postgres_backend.configure adds PostgreSQL's form when a
    PostgreSQL database is opened (the migrations create both)."""
    return Index(name, *columns, unique=True, sqlite_where=text(where))


def utcnow() -> datetime:
    return datetime.now(UTC)


def incident_now() -> datetime:
    """Now as an incident records it (created, updated): to the second, as exports write it
    (stamp), so that a copy made from an export orders its incidents as the original does."""
    return utcnow().replace(microsecond=0)


def stamp(moment: datetime) -> str:
    """A stored timestamp as ISO 8601 UTC text ("2021-07-30T21:27:00Z")."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds") + "Z"


def _timestamp() -> Any:
    """A UTC timestamp column (aware datetimes in, UTC out, on every backend)."""
    return Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


def one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK that a column holds one of a few words (the database enforces what the code
    assumes, whatever wrote the row)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _dated(prefix: str, first: str, last: str, precision: str) -> tuple:
    """CHECKs for a partial date stored as first day, last day and precision."""
    return (
        CheckConstraint(f"{first} <= {last}", name=f"ck_{prefix}_days"),
        CheckConstraint(one_of(precision, PRECISIONS), name=f"ck_{prefix}_precision"),
    )


class Dated:
    """A record dated by one span: its first and last possible day and how precise the date
    is (a day, a month, a year, a range). The columns keep the names they were released
    with (incidents, figures, updates and case events: first_day, last_day, date_precision;
    a custody period's start_*, a designation's decided_*, a case's opened_*), so files read
    by other tools keep working; code reads and writes every one as `span`."""

    SPAN: ClassVar[tuple[str, str, str]] = ("first_day", "last_day", "date_precision")

    @property
    def span(self) -> PartialDate:
        first, last, precision = (getattr(self, column) for column in self.SPAN)
        return PartialDate(first, last, precision)

    @classmethod
    def span_columns(cls, when: PartialDate) -> dict:
        """The columns holding `when`, to build or update a record."""
        return dict(zip(cls.SPAN, (when.first, when.last, when.precision)))


def _link_key(target: str, ondelete: str = "CASCADE") -> Any:
    """One half of a link table's primary key."""
    return Field(sa_column=Column(Integer, ForeignKey(target, ondelete=ondelete), primary_key=True))


def _fk(target: str, *, nullable: bool = False, index: bool = False) -> Any:
    """A foreign key that disappears with its parent row (link tables and ledgers)."""
    return Field(
        sa_column=Column(
            Integer, ForeignKey(target, ondelete="CASCADE"), nullable=nullable, index=index
        )
    )


def _names():
    """A term's names in other languages: {"ru": "...", "be": "..."} (English is its label)."""
    return Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))


class Kind(SQLModel, table=True):
    """A kind of incident (raid, detention, ...): a vocabulary users can extend."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=64)
    label: str = Field(max_length=200)
    builtin: bool = False
    names: dict | None = _names()  # schema 8


class Incident(Dated, SQLModel, table=True):
    """One thing that happened to journalists or media, dated as precisely as known."""

    __table_args__ = (
        # a period's incidents counted from the index alone (schema 11), published ones
        # too (schema 14)
        Index(
            "ix_incident_period", "first_day", "last_day", "status", "country", "city", "restricted"
        ),
        Index("ix_incident_precision_day", "date_precision", "first_day"),
        Index("ix_incident_country_day", "country", "first_day"),
        UniqueConstraint("dataset", "external_id", name="uq_incident_external"),
        Index("ix_incident_content", "dataset", "content_hash"),
        *_dated("incident", "first_day", "last_day", "date_precision"),
        CheckConstraint(one_of("status", STATUSES), name="ck_incident_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(default_factory=new_public_id, unique=True, max_length=36)
    first_day: date
    last_day: date
    date_precision: str = Field(max_length=8)
    country: str | None = Field(default=None, max_length=2)
    region: str | None = None
    city: str | None = Field(default=None, index=True)
    perpetrator: str | None = None
    summary: str | None = None
    status: str = Field(default="reported", max_length=16)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()
    # Added by schema 3 (imports): where a row came from and what the mapping did not use.
    dataset: str | None = Field(default=None, max_length=200)
    external_id: str | None = Field(default=None, max_length=500)
    extra: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # Added by schema 4: whether a detention or arrest opens custody periods. Rows imported
    # from CSV, NDJSON or JSON arrays never do (those files do not say who is still held),
    # whatever is edited later.
    opens_custody: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    # Added by schema 5: the import that added it (its entry in the history), for undo.
    import_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("revision.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )
    # Added by schema 6: for rows imported without an id, what the row said (a hash of its
    # mapped content) and who, when and where (a hash of those alone), so that a later
    # export of the same dataset is matched to what is stored (importing.matching).
    content_hash: str | None = Field(default=None, max_length=32)
    # Added by schema 12: where it happened, as a point (WGS 84 degrees), for maps
    latitude: float | None = None
    longitude: float | None = None
    identity_hash: str | None = Field(default=None, max_length=32)
    # Added by schema 10: the summary written for publication, shown in redacted outputs in
    # place of a summary that names a person at risk (redaction.Redactor); an incident never
    # in a redacted or published output (nor, on PostgreSQL, readable by a role not granted
    # pressfree_restricted).
    public_summary: str | None = None
    restricted: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class IncidentKind(SQLModel, table=True):
    __tablename__ = "incident_kind"
    __table_args__ = (Index("ix_incident_kind_kind", "kind_id", "incident_id"),)

    incident_id: int = _link_key("incident.id")
    kind_id: int = _link_key("kind.id", ondelete="RESTRICT")


class IncidentTag(SQLModel, table=True):
    __tablename__ = "incident_tag"
    __table_args__ = (Index("ix_incident_tag_tag", "tag"),)

    incident_id: int = _link_key("incident.id")
    tag: str = Field(primary_key=True, max_length=100)


class Outlet(SQLModel, table=True):
    """A media outlet or an organisation (NGO); `type` says which."""

    __table_args__ = (CheckConstraint(one_of("type", OUTLET_TYPES), name="ck_outlet_type"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    type: str = Field(default="outlet", max_length=16)
    # Added by schema 6: names.name_key and names.sound_key of the name; an outlet named by
    # a placeholder ("Freelance") is nobody's newsroom: never "most targeted", never a
    # reason for a likely duplicate.
    name_key: str = Field(default="", index=True)
    sound_key: str = Field(default="", index=True)
    placeholder: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class Person(SQLModel, table=True):
    """A journalist or media worker, named as first typed (other spellings are aliases)."""

    __table_args__ = (
        UniqueConstraint("pseudonym", name="uq_person_pseudonym"),
        # A name is one person, unless it is a placeholder ("[full name unavailable]"):
        # then each mention is a person of its own.
        partial_unique("uq_person_name", "name", where="NOT placeholder"),
        Index("ix_person_restricted", "restricted"),  # the few who are (schema 14)
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str
    outlet_id: int | None = Field(
        default=None, foreign_key="outlet.id", ondelete="SET NULL", index=True
    )
    # Added by schema 3: names of people at risk are replaced by their pseudonym (random,
    # given once, kept) in `export --redact`.
    at_risk: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    pseudonym: str | None = Field(default=None, max_length=32)
    # Added by schema 6: names.name_key and names.sound_key of the name; placeholder names
    # never identify anyone.
    name_key: str = Field(default="", index=True)
    sound_key: str = Field(default="", index=True)
    placeholder: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # Added by schema 10: never in a redacted or published output, nor the incidents naming
    # them (on PostgreSQL, not readable by a role not granted pressfree_restricted).
    restricted: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class IncidentJournalist(SQLModel, table=True):
    __tablename__ = "incident_journalist"
    __table_args__ = (Index("ix_incident_journalist_person", "person_id"),)

    incident_id: int = _link_key("incident.id")
    person_id: int = _link_key("person.id")


class IncidentOutlet(SQLModel, table=True):
    __tablename__ = "incident_outlet"
    __table_args__ = (Index("ix_incident_outlet_outlet", "outlet_id"),)

    incident_id: int = _link_key("incident.id")
    outlet_id: int = _link_key("outlet.id")


class Source(SQLModel, table=True):
    """Where a claim was published: a report, a statement, a web page."""

    __table_args__ = (Index("ix_source_publisher", "publisher"),)

    id: int | None = Field(default=None, primary_key=True)
    url: str | None = Field(default=None, unique=True)
    publisher: str | None = None
    title: str | None = None
    published: date | None = None


class IncidentSource(SQLModel, table=True):
    __tablename__ = "incident_source"
    __table_args__ = (Index("ix_incident_source_source", "source_id"),)

    incident_id: int = _link_key("incident.id")
    source_id: int = _link_key("source.id")
    # Added by schema 3: the order the sources were given in (the first is the main one).
    position: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


# --- Schema 2: reported counts, the custody ledger, the designations register -------------


class Tally(Dated, SQLModel, table=True):
    """A figure a source published ("more than 200 raids in July"), kept beside the others."""

    __table_args__ = (
        Index("ix_tally_metric_country", "metric", "country", "first_day"),
        *_dated("tally", "first_day", "last_day", "date_precision"),
        CheckConstraint(one_of("qualifier", QUALIFIERS), name="ck_tally_qualifier"),
        CheckConstraint("value >= 0", name="ck_tally_value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(default_factory=new_public_id, unique=True, max_length=36)
    metric: str = Field(max_length=64)
    value: int
    qualifier: str = Field(max_length=16)
    # A flow covers a period (first_day..last_day); a stock is as of one day (first = last).
    first_day: date
    last_day: date
    date_precision: str = Field(max_length=8)
    as_of: bool = False
    country: str = Field(max_length=2)
    scope: str | None = None
    source_id: int = Field(foreign_key="source.id", index=True)
    created_at: datetime = _timestamp()
    # Added by schema 5: the import that added it, for undo.
    import_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("revision.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )


class CustodyPeriod(Dated, SQLModel, table=True):
    """A stretch of time one person spent detained, opened by a detention or arrest.

    Derived: custody.rebuild (through the unit of work, work.py) writes these from the
    detentions and the releases (schema 4); they are kept as rows so that "who was held on
    D" is an index range."""

    SPAN: ClassVar[tuple[str, str, str]] = ("start_first", "start_last", "start_precision")

    __tablename__ = "custody_period"
    __table_args__ = (
        Index("ix_custody_start", "start_first", "released_on"),
        # A person is held at most once at a time.
        partial_unique("uq_custody_open", "person_id", where="released_on IS NULL"),
        *_dated("custody", "start_first", "start_last", "start_precision"),
        CheckConstraint(
            "released_on IS NULL OR released_on >= start_first", name="ck_custody_release"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = _fk("person.id", index=True)
    # The incident that opened it: deleting that incident removes the period too.
    incident_id: int | None = _fk("incident.id", nullable=True, index=True)
    # ... or the case event (a verdict with a custodial sentence), schema 9.
    case_event_id: int | None = _fk("case_event.id", nullable=True, index=True)
    start_first: date
    start_last: date
    start_precision: str = Field(max_length=8)
    country: str | None = Field(default=None, max_length=2)
    released_on: date | None = None
    outcome: str | None = Field(default=None, max_length=32)


class CustodyRelease(SQLModel, table=True):
    """A release as recorded (`pressfree release`): it ends the custody period it falls in.
    Kept apart from the periods, which are derived, so that no rebuild can lose one."""

    __tablename__ = "custody_release"
    __table_args__ = (UniqueConstraint("person_id", "released_on", name="uq_release_day"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = _fk("person.id", index=True)
    released_on: date
    outcome: str = Field(max_length=32)


class Label(SQLModel, table=True):
    """A label authorities put on targets ("extremist materials"); users can add more."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    builtin: bool = False
    names: dict | None = _names()  # schema 8


class Designation(Dated, SQLModel, table=True):
    """An authority's decision to put a label on an outlet, organisation or person (its
    type is the outlet's own: schema 4 keeps it in one place)."""

    SPAN: ClassVar[tuple[str, str, str]] = ("decided_first", "decided_last", "decided_precision")

    __table_args__ = (
        Index("ix_designation_decided", "decided_first"),
        *_dated("designation", "decided_first", "decided_last", "decided_precision"),
        CheckConstraint("(outlet_id IS NULL) <> (person_id IS NULL)", name="ck_designation_target"),
    )

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(default_factory=new_public_id, unique=True, max_length=36)
    outlet_id: int | None = _fk("outlet.id", nullable=True, index=True)
    person_id: int | None = _fk("person.id", nullable=True, index=True)
    label_id: int = Field(foreign_key="label.id", index=True)
    issued_by: str
    decided_first: date
    decided_last: date
    decided_precision: str = Field(max_length=8)
    list_reference: str | None = None
    source_id: int | None = Field(default=None, foreign_key="source.id", index=True)
    # The incident of kind designation recorded with it: one event, deleted together.
    incident_id: int | None = _fk("incident.id", nullable=True, index=True)


class DesignationChange(SQLModel, table=True):
    """A later step on a designation: appealed, upheld or lifted, with its date."""

    __tablename__ = "designation_change"
    __table_args__ = (CheckConstraint(one_of("change", CHANGES), name="ck_change"),)

    id: int | None = Field(default=None, primary_key=True)
    designation_id: int = _fk("designation.id", index=True)
    change: str = Field(max_length=16)
    on_day: date
    note: str | None = None


# --- Schema 3: imports --------------------------------------------------------------------


class ImportedFile(SQLModel, table=True):
    """A file already imported, by content hash, so importing it again adds nothing."""

    __tablename__ = "imported_file"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(unique=True, max_length=64)
    name: str
    dataset: str
    rows: int
    imported_at: datetime = _timestamp()


# --- Schema 5: history ------------------------------------------------------------------


class Revision(SQLModel, table=True):
    """One change to one record: what it was before and after, when, who, by which command.
    pressfree only ever appends to this table; an import is one revision for its batch."""

    __table_args__ = (
        Index("ix_revision_record", "record_type", "record_id"),
        Index("ix_revision_at", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    change_id: str = Field(max_length=36, index=True)  # the command that made it
    record_type: str = Field(max_length=16)
    record_id: str = Field(max_length=500)
    verb: str = Field(max_length=64)
    # none_as_null: "nothing" (before an add, after a delete) is SQL NULL, not JSON null
    before: dict | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True)
    )
    after: dict | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True)
    )
    at: datetime = _timestamp()
    who: str = Field(max_length=200)


class IncidentUpdate(Dated, SQLModel, table=True):
    """A dated update on an incident ("Released on bail"), as trackers show under it."""

    __tablename__ = "incident_update"
    __table_args__ = (*_dated("incident_update", "first_day", "last_day", "date_precision"),)

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = _fk("incident.id", index=True)
    first_day: date
    last_day: date
    date_precision: str = Field(max_length=8)
    text: str
    source_id: int | None = Field(default=None, foreign_key="source.id", index=True)
    created_at: datetime = _timestamp()


# --- Schema 6: identity and search ------------------------------------------------------


class PersonAlias(SQLModel, table=True):
    """Another spelling of a journalist's name ("Ihar Losik" for "Ігар Лосік")."""

    __tablename__ = "person_alias"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = _fk("person.id", index=True)
    name: str
    name_key: str = Field(unique=True)
    sound_key: str = Field(index=True)


class OutletAlias(SQLModel, table=True):
    """Another name of an outlet or organisation ("Белсат" for "Belsat")."""

    __tablename__ = "outlet_alias"

    id: int | None = Field(default=None, primary_key=True)
    outlet_id: int = _fk("outlet.id", index=True)
    name: str
    name_key: str = Field(unique=True)
    sound_key: str = Field(index=True)


class Setting(SQLModel, table=True):
    """A setting of the database, shared by everyone who uses it (schema 9): for now the
    publication rule, "counted_statuses". A setting not stored has its default."""

    name: str = Field(primary_key=True, max_length=64)
    value: Any = Field(sa_column=Column(JSON, nullable=False))


class PublisherAlias(SQLModel, table=True):
    """Another name a publisher goes by (schema 9): "Belarusian Association of Journalists"
    for BAJ. Sources and figures under either name are one publisher's."""

    __tablename__ = "publisher_alias"

    id: int | None = Field(default=None, primary_key=True)
    name: str
    name_key: str = Field(unique=True, index=True)
    publisher: str = Field(index=True)


class PlaceholderName(SQLModel, table=True):
    """A name that names nobody ("[full name unavailable]", "unknown"): users can add more."""

    __tablename__ = "placeholder_name"

    id: int | None = Field(default=None, primary_key=True)
    name: str
    name_key: str = Field(unique=True)
    builtin: bool = False


class IncidentSearch(SQLModel, table=True):
    """What `search` matches an incident by, kept by search_index in the same transaction
    as the incident: its words folded to plain Latin, and the sound keys of its names.
    SQLite indexes it with FTS5 (incident_fts), PostgreSQL with a GIN index."""

    __tablename__ = "incident_search"

    incident_id: int = _link_key("incident.id")
    words: str = Field(sa_column=Column(Text, nullable=False))
    sounds: str = Field(sa_column=Column(Text, nullable=False))


class MergedIncident(SQLModel, table=True):
    """The id of an incident merged into another: it still finds the one kept, and its
    dataset and external id keep a later import of the same row from adding it again."""

    __tablename__ = "merged_incident"
    __table_args__ = (Index("ix_merged_incident_external", "dataset", "external_id"),)

    public_id: str = Field(primary_key=True, max_length=36)
    incident_id: int = _fk("incident.id", index=True)
    dataset: str | None = Field(default=None, max_length=200)
    external_id: str | None = Field(default=None, max_length=500)
    change_id: str = Field(max_length=36)  # the merge, in the history


# --- Schema 7: cases ----------------------------------------------------------------------

CASE_TYPES = ("criminal", "administrative", "civil")
CASE_EVENTS = (
    "opened",
    "charge-added",
    "charge-dropped",
    "hearing",
    "verdict",
    "appeal",
    "transfer",
    "closed",
)
VERDICTS = ("convicted", "acquitted", "dismissed")
SENTENCE_TYPES = ("prison", "restricted-freedom", "fine", "administrative-arrest", "suspended")


class ChargeCategory(SQLModel, table=True):
    """What a charge is, across countries' laws (CPJ's census categories: anti-state, false
    news, retaliatory, ...): a vocabulary users can extend."""

    __tablename__ = "charge_category"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    builtin: bool = False


class LawArticle(SQLModel, table=True):
    """An article of a law a charge can name ("Criminal Code art. 342"), with its category,
    so that a charge under it is categorised without being told."""

    __tablename__ = "law_article"

    id: int | None = Field(default=None, primary_key=True)
    law: str
    law_key: str = Field(unique=True)
    category_id: int = Field(foreign_key="charge_category.id", index=True)
    name: str | None = None
    builtin: bool = False


class Case(Dated, SQLModel, table=True):
    """Proceedings against one journalist (and maybe their outlet): charges, hearings, a
    verdict, a sentence. Its state on any day is derived from its dated events."""

    SPAN: ClassVar[tuple[str, str, str]] = ("opened_first", "opened_last", "opened_precision")

    __tablename__ = "legal_case"  # CASE is an SQL keyword
    __table_args__ = (
        *_dated("case", "opened_first", "opened_last", "opened_precision"),
        CheckConstraint(one_of("case_type", CASE_TYPES), name="ck_case_type"),
    )

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(default_factory=new_public_id, unique=True, max_length=36)
    person_id: int = _fk("person.id", index=True)
    outlet_id: int | None = Field(
        default=None, foreign_key="outlet.id", ondelete="SET NULL", index=True
    )
    case_type: str = Field(max_length=16)
    opened_first: date
    opened_last: date
    opened_precision: str = Field(max_length=8)
    authority: str | None = None
    country: str | None = Field(default=None, max_length=2)
    created_at: datetime = _timestamp()
    # The import that opened it (from an export's charge columns, or a pressfree document),
    # so that undoing the import removes it.
    import_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("revision.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )


class CaseIncident(SQLModel, table=True):
    """An incident that opened or advanced a case (an arrest, a search, a trial)."""

    __tablename__ = "case_incident"
    __table_args__ = (Index("ix_case_incident_incident", "incident_id"),)

    case_id: int = _link_key("legal_case.id")
    incident_id: int = _link_key("incident.id")


class Charge(SQLModel, table=True):
    """One charge of a case: the law and article as written, and its category."""

    __table_args__ = (UniqueConstraint("case_id", "law_key", name="uq_charge_law"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = _fk("legal_case.id", index=True)
    law: str
    law_key: str
    category_id: int = Field(foreign_key="charge_category.id", index=True)


class CaseEvent(Dated, SQLModel, table=True):
    """A dated step of a case: opened, a charge added or dropped, a hearing, a verdict (with
    its sentence), an appeal, a transfer to a place of detention, closed."""

    __tablename__ = "case_event"
    __table_args__ = (
        Index("ix_case_event_day", "event", "first_day"),
        *_dated("case_event", "first_day", "last_day", "date_precision"),
        CheckConstraint(one_of("event", CASE_EVENTS), name="ck_case_event"),
        CheckConstraint(
            f"outcome IS NULL OR {one_of('outcome', VERDICTS)}", name="ck_case_event_outcome"
        ),
        CheckConstraint(
            f"sentence_type IS NULL OR {one_of('sentence_type', SENTENCE_TYPES)}",
            name="ck_case_event_sentence_type",
        ),
        CheckConstraint(
            "sentence_months >= 0 AND sentence_days >= 0", name="ck_case_event_sentence"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = _fk("legal_case.id", index=True)
    event: str = Field(max_length=16)
    first_day: date
    last_day: date
    date_precision: str = Field(max_length=8)
    charge_id: int | None = _fk("charge.id", nullable=True, index=True)
    outcome: str | None = Field(default=None, max_length=16)
    # A sentence as given ("3y6m", "15d", "fine") and its length, for sums and release days.
    sentence: str | None = Field(default=None, max_length=32)
    sentence_type: str | None = Field(default=None, max_length=24)
    sentence_months: int | None = None
    sentence_days: int | None = None
    place: str | None = None
    note: str | None = None
    source_id: int | None = Field(default=None, foreign_key="source.id", index=True)
    created_at: datetime = _timestamp()


# --- Schema 13: evidence files ------------------------------------------------------------


class EvidenceFile(SQLModel, table=True):
    """The bytes of a file kept as evidence (a document, a photo, an archived page), once
    however many incidents it is attached to: named by its SHA-256, which `check` verifies.
    Kept when its last attachment goes, so that restore and undo can put the attachment
    back, until `attachments remove --erase` says the bytes must go."""

    __tablename__ = "evidence_file"
    __table_args__ = (CheckConstraint("size >= 0", name="ck_evidence_file_size"),)

    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    stored_at: datetime = _timestamp()


class Attachment(SQLModel, table=True):
    """A file attached to an incident as evidence: its number on the incident (1, 2, ...),
    the name it was attached under, what it is, and a note."""

    __table_args__ = (
        UniqueConstraint("incident_id", "number", name="uq_attachment_number"),
        CheckConstraint("number >= 1", name="ck_attachment_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = _fk("incident.id")
    number: int
    sha256: str = Field(foreign_key="evidence_file.sha256", index=True, max_length=64)
    name: str = Field(max_length=255)
    media_type: str = Field(max_length=127)
    note: str | None = None
    attached_at: datetime = _timestamp()
