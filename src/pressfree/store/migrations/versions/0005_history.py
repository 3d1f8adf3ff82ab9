"""Schema 5: history. Every change is a revision (before, after, when, who, which command);
an import is one revision for its batch, and the incidents and tallies it added point to it,
so it can be undone. Incidents get dated updates.

Revision ID: 0005_history
Revises: 0004_rules
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_history"
down_revision = "0004_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revision",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("change_id", sa.String(36), nullable=False),
        sa.Column("record_type", sa.String(16), nullable=False),
        sa.Column("record_id", sa.String(500), nullable=False),
        sa.Column("verb", sa.String(64), nullable=False),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
    )
    op.create_index("ix_revision_change_id", "revision", ["change_id"])
    op.create_index("ix_revision_record", "revision", ["record_type", "record_id"])
    op.create_index("ix_revision_at", "revision", ["at"])
    for table in ("incident", "tally"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("import_id", sa.Integer, sa.ForeignKey(
                "revision.id", name=f"fk_{table}_import", ondelete="SET NULL")))
        op.create_index(f"ix_{table}_import_id", table, ["import_id"])
    op.create_table(
        "incident_update",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incident.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("first_day", sa.Date, nullable=False),
        sa.Column("last_day", sa.Date, nullable=False),
        sa.Column("date_precision", sa.String(8), nullable=False),
        sa.Column("text", sa.String, nullable=False),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("source.id")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("first_day <= last_day", name="ck_incident_update_days"),
        sa.CheckConstraint("date_precision IN ('day', 'month', 'year', 'range')",
                           name="ck_incident_update_precision"),
    )
    op.create_index("ix_incident_update_incident_id", "incident_update", ["incident_id"])
    op.create_index("ix_incident_update_source_id", "incident_update", ["source_id"])


def downgrade() -> None:
    raise NotImplementedError("schema 5 is not downgraded: restore the NAME.schema-4.bak copy")
