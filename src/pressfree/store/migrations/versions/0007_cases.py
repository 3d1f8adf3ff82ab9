"""Schema 7: cases against journalists.

- legal_case: proceedings against one person (and maybe their outlet), opened on a date by
  an authority (or by an import, which its undo removes); case_incident links it to the incidents that opened or advanced it.
- charge: the law and article a case names, each with a category; case_event: its dated
  steps (charges added or dropped, hearings, verdicts with sentences, appeals, transfers to
  a place of detention, closed). What a case is on any day is derived from its events.
- charge_category: a vocabulary seeded with the categories of CPJ's prison census;
  law_article: articles whose category is known, seeded with an example set from Belarus's
  Criminal Code and Code of Administrative Offences.
Nothing stored before is changed.

Revision ID: 0007_cases
Revises: 0006_identity
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_cases"
down_revision = "0006_identity"
branch_labels = None
depends_on = None

# CPJ's prison census categories, and one for a charge nobody has classified yet.
CATEGORIES = (("anti-state", "Anti-state"), ("false-news", "False news"),
              ("retaliatory", "Retaliatory"), ("criminal-defamation", "Criminal defamation"),
              ("ethnic-or-religious-insult", "Ethnic or religious insult"),
              ("no-charge-disclosed", "No charge disclosed"), ("other", "Other"),
              ("not-classified", "Not classified"))
# An example set for Belarus, as BAJ and Viasna name the articles used against journalists.
ARTICLES = (
    ("Criminal Code art. 130", "anti-state", "Inciting racial, national, religious or other "
                                             "social hatred"),
    ("Criminal Code art. 188", "criminal-defamation", "Libel"),
    ("Criminal Code art. 243", "retaliatory", "Tax evasion"),
    ("Criminal Code art. 293", "anti-state", "Mass riots"),
    ("Criminal Code art. 342", "anti-state", "Organising or actively taking part in actions "
                                             "grossly violating public order"),
    ("Criminal Code art. 356", "anti-state", "Treason"),
    ("Criminal Code art. 361-1", "anti-state", "Creating or taking part in an extremist "
                                               "formation"),
    ("Criminal Code art. 361-4", "anti-state", "Facilitating extremist activity"),
    ("Criminal Code art. 368", "criminal-defamation", "Insulting the President"),
    ("Criminal Code art. 369", "criminal-defamation", "Insulting a public official"),
    ("Code of Administrative Offences art. 19.11", "anti-state",
     "Distributing extremist materials"),
    ("Code of Administrative Offences art. 22.9", "retaliatory",
     "Unlawful production or distribution of media products"),
    ("Code of Administrative Offences art. 24.23", "other",
     "Violating the procedure for mass events"),
)


def _dated(name: str, first: str, last: str, precision: str) -> list:
    return [sa.Column(first, sa.Date, nullable=False), sa.Column(last, sa.Date, nullable=False),
            sa.Column(precision, sa.String(8), nullable=False),
            sa.CheckConstraint(f"{first} <= {last}", name=f"ck_{name}_days"),
            sa.CheckConstraint(f"{precision} IN ('day', 'month', 'year', 'range')",
                               name=f"ck_{name}_precision")]


def _cascade(target: str) -> sa.ForeignKey:
    return sa.ForeignKey(target, ondelete="CASCADE")


def upgrade() -> None:
    from pressfree.store.migrations.frozen.cases_0007 import law_key

    category = op.create_table(
        "charge_category",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("builtin", sa.Boolean, nullable=False),
    )
    op.bulk_insert(category, [{"id": number, "slug": slug, "name": name, "builtin": True}
                              for number, (slug, name) in enumerate(CATEGORIES, 1)])
    if op.get_bind().dialect.name == "postgresql":  # the ids were given: move the sequence on
        op.execute("SELECT setval('charge_category_id_seq', "
                   "(SELECT max(id) FROM charge_category))")
    article = op.create_table(
        "law_article",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("law", sa.String, nullable=False),
        sa.Column("law_key", sa.String, nullable=False, unique=True),
        sa.Column("category_id", sa.Integer, sa.ForeignKey("charge_category.id"),
                  nullable=False),
        sa.Column("name", sa.String),
        sa.Column("builtin", sa.Boolean, nullable=False),
    )
    op.create_index("ix_law_article_category_id", "law_article", ["category_id"])
    number = {slug: n for n, (slug, _) in enumerate(CATEGORIES, 1)}
    op.bulk_insert(article, [{"law": law, "law_key": law_key(law), "category_id": number[slug],
                              "name": name, "builtin": True} for law, slug, name in ARTICLES])
    op.create_table(
        "legal_case",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("public_id", sa.String(36), nullable=False, unique=True),
        sa.Column("person_id", sa.Integer, _cascade("person.id"), nullable=False),
        sa.Column("outlet_id", sa.Integer, sa.ForeignKey("outlet.id", ondelete="SET NULL")),
        sa.Column("case_type", sa.String(16), nullable=False),
        *_dated("case", "opened_first", "opened_last", "opened_precision"),
        sa.Column("authority", sa.String),
        sa.Column("country", sa.String(2)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("revision.id", ondelete="SET NULL")),
        sa.CheckConstraint("case_type IN ('criminal', 'administrative', 'civil')",
                           name="ck_case_type"),
    )
    op.create_index("ix_legal_case_person_id", "legal_case", ["person_id"])
    op.create_index("ix_legal_case_outlet_id", "legal_case", ["outlet_id"])
    op.create_index("ix_legal_case_import_id", "legal_case", ["import_id"])
    op.create_table(
        "case_incident",
        sa.Column("case_id", sa.Integer, _cascade("legal_case.id"), primary_key=True),
        sa.Column("incident_id", sa.Integer, _cascade("incident.id"), primary_key=True),
    )
    op.create_index("ix_case_incident_incident", "case_incident", ["incident_id"])
    op.create_table(
        "charge",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, _cascade("legal_case.id"), nullable=False),
        sa.Column("law", sa.String, nullable=False),
        sa.Column("law_key", sa.String, nullable=False),
        sa.Column("category_id", sa.Integer, sa.ForeignKey("charge_category.id"),
                  nullable=False),
        sa.UniqueConstraint("case_id", "law_key", name="uq_charge_law"),
    )
    op.create_index("ix_charge_case_id", "charge", ["case_id"])
    op.create_index("ix_charge_category_id", "charge", ["category_id"])
    op.create_table(
        "case_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, _cascade("legal_case.id"), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        *_dated("case_event", "first_day", "last_day", "date_precision"),
        sa.Column("charge_id", sa.Integer, _cascade("charge.id")),
        sa.Column("outcome", sa.String(16)),
        sa.Column("sentence", sa.String(32)),
        sa.Column("sentence_type", sa.String(24)),
        sa.Column("sentence_months", sa.Integer),
        sa.Column("sentence_days", sa.Integer),
        sa.Column("place", sa.String),
        sa.Column("note", sa.String),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("source.id")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("event IN ('opened', 'charge-added', 'charge-dropped', 'hearing', "
                           "'verdict', 'appeal', 'transfer', 'closed')", name="ck_case_event"),
        sa.CheckConstraint("outcome IS NULL OR outcome IN ('convicted', 'acquitted', "
                           "'dismissed')", name="ck_case_event_outcome"),
        sa.CheckConstraint("sentence_type IS NULL OR sentence_type IN ('prison', "
                           "'restricted-freedom', 'fine', 'administrative-arrest', "
                           "'suspended')", name="ck_case_event_sentence_type"),
        sa.CheckConstraint("sentence_months >= 0 AND sentence_days >= 0",
                           name="ck_case_event_sentence"),
    )
    for column in ("case_id", "charge_id", "source_id"):
        op.create_index(f"ix_case_event_{column}", "case_event", [column])
    op.create_index("ix_case_event_day", "case_event", ["event", "first_day"])


def downgrade() -> None:
    raise NotImplementedError("schema 7 is not downgraded: restore the NAME.schema-6.bak copy")
