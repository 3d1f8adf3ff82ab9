"""Schema 6: identity and search.

- People and outlets get a name key (case and spacing ignored, in every script) and a sound
  key (names.sound_key: spellings across scripts meet), both indexed; aliases get tables.
- Placeholder names ("[full name unavailable]") name nobody: the one person each such name
  was becomes one unnamed person per incident (with the custody periods that incident
  opened), and a person's name is unique only among real names. An outlet named by one
  ("Freelance") is marked, and never counted as a target.
- incident_search holds every incident's words in plain Latin and its names' sound keys,
  indexed by FTS5 on SQLite (kept in step by triggers) and by a GIN index on PostgreSQL;
  it is built here for every stored incident.
- merged_incident keeps the ids of incidents merged into others.
- incident.content_hash and identity_hash: what a row imported without an id said, so a
  later export of the same dataset is matched to it (hashes of existing rows are left
  empty: they were not kept then, and guessing them from edited records could be wrong).

Revision ID: 0006_identity
Revises: 0005_history
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0006_identity"
down_revision = "0005_history"
branch_labels = None
depends_on = None

# Names that name nobody. "Freelance" and "independent" stand where an outlet would be.
PLACEHOLDERS = ("[full name unavailable]", "unknown", "anonymous", "unnamed", "name withheld",
                "unidentified", "freelance", "freelancer", "independent", "неизвестный",
                "невядомы", "аноним")


BRACKETED = re.compile(r"\[([^\]]*)\]")  # "Ahmad [full name unavailable]"


def _keys(batch) -> None:
    batch.add_column(sa.Column("name_key", sa.String, nullable=False, server_default=""))
    batch.add_column(sa.Column("sound_key", sa.String, nullable=False, server_default=""))


def _alias_table(name: str, owner: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(f"{owner}_id", sa.Integer, sa.ForeignKey(f"{owner}.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("name_key", sa.String, nullable=False, unique=True),
        sa.Column("sound_key", sa.String, nullable=False),
    )
    op.create_index(f"ix_{name}_{owner}_id", name, [f"{owner}_id"])
    op.create_index(f"ix_{name}_sound_key", name, ["sound_key"])


def upgrade() -> None:
    from pressfree.store.migrations.frozen import names_0006 as names
    from pressfree.store.migrations.frozen import search_0006 as search

    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    # The unnamed UNIQUE (name) of schema 1: SQLite's batch mode finds it by this
    # convention; PostgreSQL named it person_name_key.
    convention = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
    with op.batch_alter_table("person", naming_convention=convention) as batch:
        batch.drop_constraint("uq_person_name" if sqlite else "person_name_key",
                              type_="unique")
        _keys(batch)
        batch.add_column(sa.Column("placeholder", sa.Boolean, nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table("outlet") as batch:
        _keys(batch)
        batch.add_column(sa.Column("placeholder", sa.Boolean, nullable=False,
                                   server_default=sa.false()))
    for table in ("person", "outlet"):
        op.create_index(f"ix_{table}_name_key", table, ["name_key"])
        op.create_index(f"ix_{table}_sound_key", table, ["sound_key"])
    _alias_table("person_alias", "person")
    _alias_table("outlet_alias", "outlet")
    placeholder = op.create_table(
        "placeholder_name",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("name_key", sa.String, nullable=False, unique=True),
        sa.Column("builtin", sa.Boolean, nullable=False),
    )
    op.bulk_insert(placeholder, [{"name": n, "name_key": names.fold(n), "builtin": True}
                                 for n in PLACEHOLDERS])
    op.create_table(
        "incident_search",
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incident.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("words", sa.Text, nullable=False),
        sa.Column("sounds", sa.Text, nullable=False),
    )
    op.create_table(
        "merged_incident",
        sa.Column("public_id", sa.String(36), primary_key=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incident.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("dataset", sa.String(200)),
        sa.Column("external_id", sa.String(500)),
        sa.Column("change_id", sa.String(36), nullable=False),
    )
    op.create_index("ix_merged_incident_incident_id", "merged_incident", ["incident_id"])
    op.create_index("ix_merged_incident_external", "merged_incident",
                    ["dataset", "external_id"])
    with op.batch_alter_table("incident") as batch:
        batch.add_column(sa.Column("content_hash", sa.String(32)))
        batch.add_column(sa.Column("identity_hash", sa.String(32)))
    op.create_index("ix_incident_content", "incident", ["dataset", "content_hash"])

    _fill_keys(bind, names)
    _split_placeholders(bind, names)
    op.create_index("uq_person_name", "person", ["name"], unique=True,
                    sqlite_where=sa.text("NOT placeholder"),
                    postgresql_where=sa.text("NOT placeholder"))
    if sqlite:
        for statement in SQLITE_SEARCH:
            op.execute(statement)
    else:
        op.execute(POSTGRES_SEARCH)
    ids = [row[0] for row in bind.execute(sa.text("SELECT id FROM incident"))]
    search.refresh(bind, ids)


def _fill_keys(bind, names) -> None:
    for table in ("person", "outlet"):
        rows = bind.execute(sa.text(f"SELECT id, name FROM {table}")).all()
        if rows:
            bind.execute(sa.text(f"UPDATE {table} SET name_key = :k, sound_key = :s "
                                 "WHERE id = :i"),
                         [{"i": i, "k": names.name_key(n), "s": names.sound_key(n)}
                          for i, n in rows])


def _split_placeholders(bind, names) -> None:
    """One unnamed person per incident for every person whose name is a placeholder."""
    keys = {names.fold(n) for n in PLACEHOLDERS}

    def unnamed(name: str) -> bool:
        return names.fold(name) in keys or any(names.fold(part) in keys
                                               for part in BRACKETED.findall(name))

    for outlet_id, name in bind.execute(sa.text("SELECT id, name FROM outlet")).all():
        if unnamed(name):  # "Freelance" is nobody's newsroom: kept, never "most targeted"
            bind.execute(sa.text("UPDATE outlet SET placeholder = :t WHERE id = :i"),
                         {"t": True, "i": outlet_id})
    people = [(i, n) for i, n in bind.execute(sa.text("SELECT id, name FROM person"))
              if unnamed(n)]
    for person_id, name in people:
        bind.execute(sa.text("UPDATE person SET placeholder = :t WHERE id = :i"),
                     {"t": True, "i": person_id})
        incidents = [row[0] for row in bind.execute(sa.text(
            "SELECT incident_id FROM incident_journalist WHERE person_id = :p "
            "ORDER BY incident_id"), {"p": person_id})]
        for incident_id in incidents[1:]:
            new_id = bind.execute(sa.text(
                "INSERT INTO person (name, at_risk, name_key, sound_key, placeholder) "
                "VALUES (:n, :f, :k, :s, :t) RETURNING id"),
                {"n": name, "f": False, "k": names.name_key(name), "s": names.sound_key(name),
                 "t": True}).scalar()
            for table in ("incident_journalist", "custody_period"):
                bind.execute(sa.text(f"UPDATE {table} SET person_id = :new "
                                     "WHERE person_id = :old AND incident_id = :i"),
                             {"new": new_id, "old": person_id, "i": incident_id})


# SQLite: an FTS5 index over incident_search (external content), kept in step by triggers,
# so every insert, update and delete (foreign-key cascades included) updates it in the same
# transaction.
SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE incident_fts USING fts5(words, sounds, content='incident_search', "
    "content_rowid='incident_id', tokenize='unicode61')",
    "CREATE TRIGGER incident_search_ai AFTER INSERT ON incident_search BEGIN "
    "INSERT INTO incident_fts(rowid, words, sounds) "
    "VALUES (new.incident_id, new.words, new.sounds); END",
    "CREATE TRIGGER incident_search_ad AFTER DELETE ON incident_search BEGIN "
    "INSERT INTO incident_fts(incident_fts, rowid, words, sounds) "
    "VALUES ('delete', old.incident_id, old.words, old.sounds); END",
    "CREATE TRIGGER incident_search_au AFTER UPDATE ON incident_search BEGIN "
    "INSERT INTO incident_fts(incident_fts, rowid, words, sounds) "
    "VALUES ('delete', old.incident_id, old.words, old.sounds); "
    "INSERT INTO incident_fts(rowid, words, sounds) "
    "VALUES (new.incident_id, new.words, new.sounds); END",
)
# PostgreSQL: one GIN index over both columns, words weighted A and sound keys B, so one
# tsquery can ask for a word prefix in one and an exact key in the other.
POSTGRES_SEARCH = (
    "CREATE INDEX ix_incident_search_fts ON incident_search USING gin (("
    "setweight(to_tsvector('simple'::regconfig, words), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, sounds), 'B')))")


def downgrade() -> None:
    raise NotImplementedError("schema 6 is not downgraded: restore the NAME.schema-5.bak copy")
