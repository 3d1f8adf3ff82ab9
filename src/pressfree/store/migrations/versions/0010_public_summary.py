"""Schema 10: an incident's public summary.

- incident.public_summary: the summary a researcher wrote for publication, shown in redacted
  outputs (a report, `export --redact`) in place of a summary that names a person at risk;
  without one, such a summary is withheld there.
Nothing stored before is changed.

Revision ID: 0010_public_summary
Revises: 0009_settings
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_public_summary"
down_revision = "0009_settings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column is added in place on both backends (no table copy)
    op.add_column("incident", sa.Column("public_summary", sa.String(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("schema 10 is not downgraded: restore the NAME.schema-9.bak copy")
