"""Schema 4: the database enforces what the code assumes.

- CHECK constraints: first day <= last day and a known precision for every partial date,
  incident statuses, tally qualifiers (and no negative counts), designation changes, outlet
  types, a release on or after the start of custody, and a designation naming exactly one
  target.
- Releases get their own table (custody_release): custody periods become a derivation of
  detentions and releases, rebuilt whenever either changes, so no rebuild can lose a release.
- incident.opens_custody: rows imported from other trackers (they have a dataset) never open
  custody periods, whatever is edited later.
- A designation's target type lives on the outlet only (designation.target_type is dropped).
- At most one open custody period per person (a partial unique index).
- Indexes on the remaining foreign keys.

Rows that break a new rule could only have come from an earlier pressfree's import of a
pressfree document: a release before its custody began is dropped (the period stays open),
later duplicate open periods of one person are removed, unknown outlet types become "outlet".

Revision ID: 0004_rules
Revises: 0003_imports
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_rules"
down_revision = "0003_imports"
branch_labels = None
depends_on = None

PRECISIONS = "'day', 'month', 'year', 'range'"


def _dated(batch, prefix: str, first: str, last: str, precision: str) -> None:
    batch.create_check_constraint(f"ck_{prefix}_days", sa.text(f"{first} <= {last}"))
    batch.create_check_constraint(f"ck_{prefix}_precision",
                                  sa.text(f"{precision} IN ({PRECISIONS})"))


def upgrade() -> None:
    with op.batch_alter_table("incident") as batch:
        batch.add_column(sa.Column("opens_custody", sa.Boolean, nullable=False,
                                   server_default=sa.true()))
        _dated(batch, "incident", "first_day", "last_day", "date_precision")
        batch.create_check_constraint(
            "ck_incident_status",
            sa.text("status IN ('reported', 'confirmed', 'disputed', 'retracted')"))
    op.execute("UPDATE incident SET opens_custody = false WHERE dataset IS NOT NULL")

    op.execute("UPDATE outlet SET type = 'outlet' WHERE type NOT IN ('outlet', 'organisation')")
    with op.batch_alter_table("outlet") as batch:
        batch.create_check_constraint("ck_outlet_type",
                                      sa.text("type IN ('outlet', 'organisation')"))
    op.create_index("ix_person_outlet_id", "person", ["outlet_id"])

    with op.batch_alter_table("tally") as batch:
        _dated(batch, "tally", "first_day", "last_day", "date_precision")
        batch.create_check_constraint(
            "ck_tally_qualifier",
            sa.text("qualifier IN ('exact', 'at-least', 'more-than', 'about', 'at-most')"))
        batch.create_check_constraint("ck_tally_value", sa.text("value >= 0"))
    op.create_index("ix_tally_source_id", "tally", ["source_id"])

    op.create_table(
        "custody_release",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("released_on", sa.Date, nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.UniqueConstraint("person_id", "released_on", name="uq_release_day"),
    )
    op.create_index("ix_custody_release_person_id", "custody_release", ["person_id"])
    op.execute("UPDATE custody_period SET released_on = NULL, outcome = NULL "
               "WHERE released_on < start_first")
    op.execute("""
        INSERT INTO custody_release (person_id, released_on, outcome)
        SELECT person_id, released_on, MIN(COALESCE(outcome, 'released'))
        FROM custody_period
        WHERE released_on IS NOT NULL AND incident_id IS NOT NULL
        GROUP BY person_id, released_on
    """)
    op.execute("""
        DELETE FROM custody_period WHERE released_on IS NULL AND EXISTS (
            SELECT 1 FROM custody_period AS earlier
            WHERE earlier.person_id = custody_period.person_id
              AND earlier.released_on IS NULL AND earlier.id < custody_period.id)
    """)
    with op.batch_alter_table("custody_period") as batch:
        _dated(batch, "custody", "start_first", "start_last", "start_precision")
        batch.create_check_constraint(
            "ck_custody_release", sa.text("released_on IS NULL OR released_on >= start_first"))
    op.create_index("uq_custody_open", "custody_period", ["person_id"], unique=True,
                    sqlite_where=sa.text("released_on IS NULL"),
                    postgresql_where=sa.text("released_on IS NULL"))

    with op.batch_alter_table("designation") as batch:
        batch.drop_column("target_type")
        _dated(batch, "designation", "decided_first", "decided_last", "decided_precision")
        batch.create_check_constraint(
            "ck_designation_target", sa.text("(outlet_id IS NULL) <> (person_id IS NULL)"))
    op.create_index("ix_designation_label_id", "designation", ["label_id"])
    op.create_index("ix_designation_source_id", "designation", ["source_id"])
    with op.batch_alter_table("designation_change") as batch:
        batch.create_check_constraint(
            "ck_change", sa.text("change IN ('appealed', 'upheld', 'lifted')"))


def downgrade() -> None:
    raise NotImplementedError("schema 4 is not downgraded: restore the NAME.schema-3.bak copy")
