"""Schema 2: reported counts (tallies), the custody ledger and the designations register.

Revision ID: 0002_ledger
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_ledger"
down_revision = "0001_core"
branch_labels = None
depends_on = None

LABELS = [
    ("extremist-materials", "Extremist materials"),
    ("extremist-formation", "Extremist formation"),
    ("terrorist-organisation", "Terrorist organisation"),
    ("foreign-agent", "Foreign agent"),
    ("undesirable-organisation", "Undesirable organisation"),
]


def _cascade(target):
    return sa.ForeignKey(target, ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "tally",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("public_id", sa.String(36), nullable=False, unique=True),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("value", sa.Integer, nullable=False),
        sa.Column("qualifier", sa.String(16), nullable=False),
        sa.Column("first_day", sa.Date, nullable=False),
        sa.Column("last_day", sa.Date, nullable=False),
        sa.Column("date_precision", sa.String(8), nullable=False),
        sa.Column("as_of", sa.Boolean, nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("scope", sa.String),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("source.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_tally_metric_country", "tally", ["metric", "country", "first_day"])
    custody = op.create_table(
        "custody_period",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, _cascade("person.id"), nullable=False),
        sa.Column("incident_id", sa.Integer, _cascade("incident.id")),
        sa.Column("start_first", sa.Date, nullable=False),
        sa.Column("start_last", sa.Date, nullable=False),
        sa.Column("start_precision", sa.String(8), nullable=False),
        sa.Column("country", sa.String(2)),
        sa.Column("released_on", sa.Date),
        sa.Column("outcome", sa.String(32)),
    )
    op.create_index("ix_custody_period_person_id", "custody_period", ["person_id"])
    op.create_index("ix_custody_period_incident_id", "custody_period", ["incident_id"])
    op.create_index("ix_custody_start", "custody_period", ["start_first", "released_on"])
    _open_custody_for_earlier_detentions(custody)
    label = op.create_table(
        "label",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("builtin", sa.Boolean, nullable=False),
    )
    op.bulk_insert(label, [{"slug": s, "name": n, "builtin": True} for s, n in LABELS])
    op.create_table(
        "designation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("public_id", sa.String(36), nullable=False, unique=True),
        sa.Column("target_type", sa.String(16), nullable=False),
        sa.Column("outlet_id", sa.Integer, _cascade("outlet.id")),
        sa.Column("person_id", sa.Integer, _cascade("person.id")),
        sa.Column("label_id", sa.Integer, sa.ForeignKey("label.id"), nullable=False),
        sa.Column("issued_by", sa.String, nullable=False),
        sa.Column("decided_first", sa.Date, nullable=False),
        sa.Column("decided_last", sa.Date, nullable=False),
        sa.Column("decided_precision", sa.String(8), nullable=False),
        sa.Column("list_reference", sa.String),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("source.id")),
        sa.Column("incident_id", sa.Integer, _cascade("incident.id")),
    )
    op.create_index("ix_designation_outlet_id", "designation", ["outlet_id"])
    op.create_index("ix_designation_person_id", "designation", ["person_id"])
    op.create_index("ix_designation_decided", "designation", ["decided_first"])
    op.create_index("ix_designation_incident_id", "designation", ["incident_id"])
    op.create_table(
        "designation_change",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("designation_id", sa.Integer, _cascade("designation.id"), nullable=False),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("on_day", sa.Date, nullable=False),
        sa.Column("note", sa.String),
    )
    op.create_index("ix_designation_change_designation_id", "designation_change",
                    ["designation_id"])


def _open_custody_for_earlier_detentions(custody) -> None:
    """Journalists detained or arrested before the ledger existed are held from their
    earliest detention (no release was ever recorded for them)."""
    incident = sa.table("incident", sa.column("id", sa.Integer),
                        sa.column("first_day", sa.Date), sa.column("last_day", sa.Date),
                        sa.column("date_precision", sa.String), sa.column("country", sa.String))
    link = sa.table("incident_journalist", sa.column("incident_id", sa.Integer),
                    sa.column("person_id", sa.Integer))
    tagged = sa.table("incident_kind", sa.column("incident_id", sa.Integer),
                      sa.column("kind_id", sa.Integer))
    kind = sa.table("kind", sa.column("id", sa.Integer), sa.column("slug", sa.String))
    rows = op.get_bind().execute(
        sa.select(link.c.person_id, incident.c.id, incident.c.first_day, incident.c.last_day,
                  incident.c.date_precision, incident.c.country)
        .join(incident, incident.c.id == link.c.incident_id)
        .join(tagged, tagged.c.incident_id == incident.c.id)
        .join(kind, kind.c.id == tagged.c.kind_id)
        .where(kind.c.slug.in_(("detention", "arrest")))
        .order_by(link.c.person_id, incident.c.first_day, incident.c.last_day, incident.c.id)
    ).all()
    first: dict = {}
    for person_id, incident_id, first_day, last_day, precision, country in rows:
        first.setdefault(person_id, {
            "person_id": person_id, "incident_id": incident_id, "start_first": first_day,
            "start_last": last_day, "start_precision": precision, "country": country})
    if first:
        op.bulk_insert(custody, list(first.values()))


def downgrade() -> None:
    raise NotImplementedError("schema 2 is not downgraded: restore the NAME.schema-1.bak copy")
