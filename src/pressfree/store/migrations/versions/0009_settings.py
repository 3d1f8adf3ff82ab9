"""Schema 9: settings of the database, the first being the publication rule; publishers'
other names.

- setting: name (primary key), value (JSON). "counted_statuses" lists the statuses of the
  incidents that count in what is published; absent, reported and confirmed ones count.
- publisher_alias: another name a publisher goes by (name, its key for matching, and the
  publisher's name): figures and sources under either name are one publisher's.
- incident.status may be "withdrawn": an incident a later complete snapshot of its dataset
  no longer holds (import --retire); it never counts, like a retracted one.
- custody_period.case_event_id: a custody period a case opened (a verdict with a custodial
  sentence), not a detention; deleting the event removes the period, derived again.
Nothing stored before is changed. Custody periods opened by retracted incidents are derived
again by the pressfree that upgrades (a derived thing, not a fact: see db.upgrade_schema).

Revision ID: 0009_settings
Revises: 0008_names
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_settings"
down_revision = "0008_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "setting",
        sa.Column("name", sa.String(length=64), primary_key=True),
        sa.Column("value", sa.JSON(), nullable=False),
    )
    op.create_table(
        "publisher_alias",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("publisher", sa.String(), nullable=False),
    )
    op.create_index("ix_publisher_alias_name_key", "publisher_alias", ["name_key"], unique=True)
    op.create_index("ix_publisher_alias_publisher", "publisher_alias", ["publisher"])
    with op.batch_alter_table("incident") as batch:
        batch.drop_constraint("ck_incident_status", type_="check")
        batch.create_check_constraint(
            "ck_incident_status",
            sa.text("status IN ('reported', 'confirmed', 'disputed', 'retracted', 'withdrawn')"),
        )
    # batch mode copies the table on SQLite: the partial index goes first, and comes back
    op.drop_index("uq_custody_open", table_name="custody_period")
    with op.batch_alter_table("custody_period") as batch:
        batch.add_column(sa.Column("case_event_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_custody_period_case_event_id_case_event",
            "case_event",
            ["case_event_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_custody_period_case_event_id", ["case_event_id"])
    op.create_index("uq_custody_open", "custody_period", ["person_id"], unique=True,
                    sqlite_where=sa.text("released_on IS NULL"),
                    postgresql_where=sa.text("released_on IS NULL"))


def downgrade() -> None:
    raise NotImplementedError("schema 9 is not downgraded: restore the NAME.schema-8.bak copy")
