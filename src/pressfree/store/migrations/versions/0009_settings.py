"""Schema 9: settings of the database, the first being the publication rule.

- setting: name (primary key), value (JSON). "counted_statuses" lists the statuses of the
  incidents that count in what is published; absent, reported and confirmed ones count.
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


def downgrade() -> None:
    raise NotImplementedError("schema 9 is not downgraded: restore the NAME.schema-8.bak copy")
