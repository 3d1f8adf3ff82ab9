"""Schema 10: people at risk. An incident's public summary; restricted incidents and
journalists, and on PostgreSQL, row-level security that keeps them from roles not granted
`pressfree_restricted`.

- incident.public_summary: the summary a researcher wrote for publication, shown in redacted
  outputs (a report, `export --redact`) in place of a summary that names a person at risk;
  without one, such a summary is withheld there.
- incident.restricted, person.restricted: never in a redacted or published output. An
  incident naming a restricted journalist is restricted too.
- PostgreSQL only: row-level security on the incidents, the people and every table that
  says something of them (links, updates, search entries, custody, cases, the history).
  A role reads a restricted row only as the tables' owner (the team's writers), as a
  superuser, or as a member of the role `pressfree_restricted` (made by an administrator;
  without it, nobody else does). pressfree_restricted_row() and pressfree_revealed() are the
  two functions the policies call; the first reads the tables as their owner, so that the
  policies never read each other.
Nothing stored before is changed.

Revision ID: 0010_at_risk
Revises: 0009_settings
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_at_risk"
down_revision = "0009_settings"
branch_labels = None
depends_on = None

# Tables whose rows say something of one incident, and of one person.
OF_AN_INCIDENT = (
    "incident_kind",
    "incident_tag",
    "incident_journalist",
    "incident_outlet",
    "incident_source",
    "incident_update",
    "incident_search",
    "case_incident",
)
OF_A_PERSON = ("person_alias", "custody_period", "custody_release", "legal_case")
OF_A_CASE = ("charge", "case_event")

FUNCTIONS = """
CREATE FUNCTION pressfree_revealed() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM pg_roles r
        WHERE r.rolname = 'pressfree_restricted' AND pg_has_role(current_user, r.oid, 'MEMBER')
    )
$$;
CREATE FUNCTION pressfree_restricted_row(what text, key text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT CASE what
        WHEN 'incident' THEN EXISTS (
            SELECT 1 FROM incident i WHERE i.id = key::integer AND (i.restricted OR EXISTS (
                SELECT 1 FROM incident_journalist ij JOIN person p ON p.id = ij.person_id
                WHERE ij.incident_id = i.id AND p.restricted)))
        WHEN 'incident public id' THEN EXISTS (
            SELECT 1 FROM incident i WHERE i.public_id = key AND (i.restricted OR EXISTS (
                SELECT 1 FROM incident_journalist ij JOIN person p ON p.id = ij.person_id
                WHERE ij.incident_id = i.id AND p.restricted)))
        WHEN 'person' THEN EXISTS (SELECT 1 FROM person p WHERE p.id = key::integer AND p.restricted)
        WHEN 'person name' THEN EXISTS (SELECT 1 FROM person p WHERE p.name = key AND p.restricted)
        WHEN 'case' THEN EXISTS (
            SELECT 1 FROM legal_case c JOIN person p ON p.id = c.person_id
            WHERE c.id = key::integer AND p.restricted)
        ELSE false
    END
$$;
"""


def _policy(table: str, using: str) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY pressfree_restricted ON {table} FOR SELECT USING ({using})")


def upgrade() -> None:
    op.add_column("incident", sa.Column("public_summary", sa.String(), nullable=True))
    # Nullable-free columns with a default are added in place on both backends
    for table in ("incident", "person"):
        op.add_column(
            table,
            sa.Column("restricted", sa.Boolean(), nullable=False, server_default=sa.false()),
        )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTIONS)
    shown = "pressfree_revealed() OR NOT pressfree_restricted_row"
    _policy("incident", f"{shown}('incident', id::text)")
    _policy("person", f"{shown}('person', id::text)")
    for table in OF_AN_INCIDENT:
        _policy(table, f"{shown}('incident', incident_id::text)")
    for table in OF_A_PERSON:
        _policy(table, f"{shown}('person', person_id::text)")
    for table in OF_A_CASE:
        _policy(table, f"{shown}('case', case_id::text)")
    _policy(
        "revision",
        f"{shown}(CASE record_type WHEN 'incident' THEN 'incident public id' "
        "WHEN 'journalist' THEN 'person name' ELSE '' END, record_id)",
    )


def downgrade() -> None:
    raise NotImplementedError("schema 10 is not downgraded: restore the NAME.schema-9.bak copy")
