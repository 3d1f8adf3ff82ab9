"""Schema 8: names of kinds and labels in other languages.

- kind.names, label.names: {"ru": "...", "be": "..."}, the name a report or summary in that
  language shows (English is the label itself). The built-in kinds and labels get their
  Russian and Belarusian names; users name their own with `pressfree kinds name`.
Nothing stored before is changed.

Revision ID: 0008_names
Revises: 0007_cases
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_names"
down_revision = "0007_cases"
branch_labels = None
depends_on = None

KIND_NAMES = {
    "raid": ("Обыск (жилья, офиса или редакции)", "Ператрус (жылля, офіса або рэдакцыі)"),
    "detention": ("Задержание", "Затрыманне"),
    "arrest": ("Арест", "Арышт"),
    "charge": ("Уголовное или административное обвинение",
               "Крымінальнае або адміністрацыйнае абвінавачанне"),
    "conviction": ("Осуждение", "Асуджэнне"),
    "designation": ("Признание (экстремистским, иностранным агентом, ...)",
                    "Прызнанне (экстрэмісцкім, замежным агентам, ...)"),
    "equipment-seizure": ("Изъятие техники", "Канфіскацыя тэхнікі"),
    "assault": ("Физическое нападение", "Фізічны напад"),
    "threat": ("Угрозы или преследование", "Пагрозы або пераслед"),
    "denial-of-access": ("Отказ в доступе", "Адмова ў доступе"),
    "blocking": ("Блокировка сайта или канала", "Блакаванне сайта або канала"),
    "killing": ("Убийство", "Забойства"),
    "disappearance": ("Насильственное исчезновение", "Гвалтоўнае знікненне"),
    "other": ("Другое", "Іншае"),
}
LABEL_NAMES = {
    "extremist-materials": ("Экстремистские материалы", "Экстрэмісцкія матэрыялы"),
    "extremist-formation": ("Экстремистское формирование", "Экстрэмісцкае фармаванне"),
    "terrorist-organisation": ("Террористическая организация", "Тэрарыстычная арганізацыя"),
    "foreign-agent": ("Иностранный агент", "Замежны агент"),
    "undesirable-organisation": ("Нежелательная организация", "Непажаданая арганізацыя"),
}


def upgrade() -> None:
    for table, seeded in (("kind", KIND_NAMES), ("label", LABEL_NAMES)):
        op.add_column(table, sa.Column("names", sa.JSON(none_as_null=True), nullable=True))
        rows = sa.table(table, sa.column("slug", sa.String), sa.column("builtin", sa.Boolean),
                        sa.column("names", sa.JSON(none_as_null=True)))
        for slug, (ru, be) in seeded.items():
            op.execute(rows.update().where(rows.c.slug == slug, rows.c.builtin.is_(True))
                       .values(names={"ru": ru, "be": be}))


def downgrade() -> None:
    raise NotImplementedError("schema 8 is not downgraded: restore the NAME.schema-7.bak copy")
