"""Schema 1: incidents, kinds, journalists, outlets, sources and tags.

Revision ID: 0001_core
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None

KINDS = [
    ("raid", "Raid (search of a home, office or newsroom)"),
    ("detention", "Detention"),
    ("arrest", "Arrest"),
    ("charge", "Criminal or administrative charge"),
    ("conviction", "Conviction"),
    ("designation", "Designation (extremist, foreign agent, ...)"),
    ("equipment-seizure", "Equipment seizure"),
    ("assault", "Physical assault"),
    ("threat", "Threat or harassment"),
    ("denial-of-access", "Denial of access"),
    ("blocking", "Blocking of a site or channel"),
    ("killing", "Killing"),
    ("disappearance", "Enforced disappearance"),
    ("other", "Other"),
]


def _link(name, left, right, index_name):
    op.create_table(
        name,
        sa.Column(f"{left}_id", sa.Integer, sa.ForeignKey(f"{left}.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column(f"{right}_id", sa.Integer,
                  sa.ForeignKey(f"{right}.id",
                                ondelete="RESTRICT" if right == "kind" else "CASCADE"),
                  primary_key=True),
    )
    op.create_index(index_name, name, [f"{right}_id"] + ([f"{left}_id"] if right == "kind" else []))


def upgrade() -> None:
    kind = op.create_table(
        "kind",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(64), nullable=False, unique=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("builtin", sa.Boolean, nullable=False),
    )
    op.bulk_insert(kind, [{"slug": s, "label": label, "builtin": True} for s, label in KINDS])
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("public_id", sa.String(36), nullable=False, unique=True),
        sa.Column("first_day", sa.Date, nullable=False),
        sa.Column("last_day", sa.Date, nullable=False),
        sa.Column("date_precision", sa.String(8), nullable=False),
        sa.Column("country", sa.String(2)),
        sa.Column("region", sa.String),
        sa.Column("city", sa.String),
        sa.Column("perpetrator", sa.String),
        sa.Column("summary", sa.String),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_incident_days", "incident", ["first_day", "last_day"])
    op.create_index("ix_incident_precision_day", "incident", ["date_precision", "first_day"])
    op.create_index("ix_incident_country_day", "incident", ["country", "first_day"])
    op.create_index("ix_incident_city", "incident", ["city"])
    _link("incident_kind", "incident", "kind", "ix_incident_kind_kind")
    op.create_table(
        "incident_tag",
        sa.Column("incident_id", sa.Integer,
                  sa.ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tag", sa.String(100), primary_key=True),
    )
    op.create_index("ix_incident_tag_tag", "incident_tag", ["tag"])
    op.create_table(
        "outlet",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, nullable=False, unique=True),
        sa.Column("type", sa.String(16), nullable=False),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, nullable=False, unique=True),
        sa.Column("outlet_id", sa.Integer, sa.ForeignKey("outlet.id", ondelete="SET NULL")),
    )
    _link("incident_journalist", "incident", "person", "ix_incident_journalist_person")
    _link("incident_outlet", "incident", "outlet", "ix_incident_outlet_outlet")
    op.create_table(
        "source",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.String, unique=True),
        sa.Column("publisher", sa.String),
        sa.Column("title", sa.String),
        sa.Column("published", sa.Date),
    )
    op.create_index("ix_source_publisher", "source", ["publisher"])
    _link("incident_source", "incident", "source", "ix_incident_source_source")


def downgrade() -> None:
    raise NotImplementedError("schema 1 is not downgraded: it is the first (delete the file to start again)")
