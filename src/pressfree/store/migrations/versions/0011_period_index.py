"""Schema 11: the index that serves a period's incidents holds their status too.

Every summary, report and chart counts a period's incidents of the statuses the publication
rule names; with `status` in ix_incident_period beside the period, the country and the city,
SQLite answers those counts from the index alone instead of reading each incident's row,
scattered over the table (a year's summary of 100,000 incidents read most of a 60 MB file;
on an encrypted file each page read is also decrypted). Nothing stored is changed.

Revision ID: 0011_period_index
Revises: 0010_at_risk
"""

from alembic import op

revision = "0011_period_index"
down_revision = "0010_at_risk"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_incident_period", "incident")
    op.create_index(
        "ix_incident_period", "incident", ["first_day", "last_day", "status", "country", "city"]
    )


def downgrade() -> None:
    raise NotImplementedError("schema 11 is not downgraded: restore the NAME.schema-10.bak copy")
