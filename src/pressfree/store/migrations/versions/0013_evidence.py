"""Schema 13: evidence files (documents, photos, archived pages) kept inside the store.

- evidence_file: a file's bytes, once however many incidents it is attached to, named by
  their SHA-256 (primary key), with their size and when they were stored.
- attachment: a file attached to an incident: its number on the incident (1, 2, ...), the
  file's SHA-256, the name it was attached under, its media type, a note, and when.
- PostgreSQL: the attachments of a restricted incident are kept from roles not granted
  `pressfree_restricted`, as everything else said of it is (schema 10); so are the bytes
  of a file no attachment they may read refers to (a file no longer attached included).
Nothing stored before is changed.

Revision ID: 0013_evidence
Revises: 0012_coordinates
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_evidence"
down_revision = "0012_coordinates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_file",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size >= 0", name="ck_evidence_file_size"),
    )
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incident.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("evidence_file.sha256"),
                  nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("media_type", sa.String(127), nullable=False),
        sa.Column("note", sa.String, nullable=True),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("incident_id", "number", name="uq_attachment_number"),
        sa.CheckConstraint("number >= 1", name="ck_attachment_number"),
    )  # fmt: skip
    op.create_index("ix_attachment_sha256", "attachment", ["sha256"])
    if op.get_bind().dialect.name != "postgresql":
        return
    shown = "pressfree_revealed() OR NOT pressfree_restricted_row"
    for table, using in (
        ("attachment", f"{shown}('incident', incident_id::text)"),
        (
            "evidence_file",
            # an attachment the role may read refers to them (its own policy applies)
            "pressfree_revealed() OR EXISTS (SELECT 1 FROM attachment a "
            "WHERE a.sha256 = evidence_file.sha256)",
        ),
    ):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY pressfree_restricted ON {table} FOR SELECT USING ({using})")


def downgrade() -> None:
    raise NotImplementedError("schema 13 is not downgraded: restore the NAME.schema-12.bak copy")
