"""Schema 12: where an incident happened, as a point (latitude and longitude, WGS 84
degrees), for maps: `export --format geojson`. Both empty for every incident stored before;
nothing else is changed.

Revision ID: 0012_coordinates
Revises: 0011_period_index
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_coordinates"
down_revision = "0011_period_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("incident", sa.Column("latitude", sa.Float(), nullable=True))
    op.add_column("incident", sa.Column("longitude", sa.Float(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("schema 12 is not downgraded: restore the NAME.schema-11.bak copy")
