"""Schema 3: imports (external ids, extra columns, imported files), people at risk, and a
covering index for period summaries.

Revision ID: 0003_imports
Revises: 0002_ledger
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_imports"
down_revision = "0002_ledger"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incident") as batch:
        batch.add_column(sa.Column("dataset", sa.String(200)))
        batch.add_column(sa.Column("external_id", sa.String(500)))
        batch.add_column(sa.Column("extra", sa.JSON))
        batch.create_unique_constraint("uq_incident_external", ["dataset", "external_id"])
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("at_risk", sa.Boolean, nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("pseudonym", sa.String(32)))
        batch.create_unique_constraint("uq_person_pseudonym", ["pseudonym"])
    # Summaries group a period's incidents by country and city: with both in the index
    # that serves the period range, SQLite answers from the index alone.
    op.drop_index("ix_incident_days", "incident")
    op.create_index("ix_incident_period", "incident",
                    ["first_day", "last_day", "country", "city"])
    op.add_column("incident_source", sa.Column("position", sa.Integer, nullable=False,
                                               server_default="0"))
    op.create_table(
        "imported_file",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("dataset", sa.String, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("schema 3 is not downgraded: restore the NAME.schema-2.bak copy")
