"""Schema 14: what a published output leaves out is found from indexes.

A redacted summary or report (a report always is, unless --show-at-risk) counts no
restricted incident, nor one naming a restricted journalist. With `restricted` in
ix_incident_period, a period's incidents are still counted from that index alone (without it,
each incident's row was read, scattered over the table: a dense year's redacted report read
most of a 1 GB file); with ix_person_restricted, the incidents naming a restricted journalist
are found from the few people who are. Nothing stored is changed.

Revision ID: 0014_restricted_index
Revises: 0013_evidence
"""

from alembic import op

revision = "0014_restricted_index"
down_revision = "0013_evidence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_incident_period", "incident")
    op.create_index(
        "ix_incident_period",
        "incident",
        ["first_day", "last_day", "status", "country", "city", "restricted"],
    )
    op.create_index("ix_person_restricted", "person", ["restricted"])


def downgrade() -> None:
    raise NotImplementedError("schema 14 is not downgraded: restore the NAME.schema-13.bak copy")
