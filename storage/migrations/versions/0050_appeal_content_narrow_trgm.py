"""appeals.content's trigram index on the text with full-width letters, digits and signs as ASCII
(translate(), storage/typed_words.py): the lists' text search compares both sides narrowed, so that 'B座' finds
'Ｂ座' as a resident typed it. PostgreSQL with pg_trgm only, as the index it replaces (0023).

Revision ID: 0050
Revises: 0049
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0050"
down_revision = "0049"
branch_labels = None
depends_on = None

# As storage/typed_words.py has them at this revision.
WIDE = "".join(chr(code) for code in range(0xFF01, 0xFF5F)) + "\u3000"
NARROW = "".join(chr(code) for code in range(0x21, 0x7F)) + " "


def _trigrams(bind: sa.engine.Connection) -> bool:
    return bind.dialect.name == "postgresql" and bind.exec_driver_sql(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'").first() is not None


def upgrade() -> None:
    if not _trigrams(op.get_bind()):
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("DROP INDEX IF EXISTS ix_appeals_content_trgm")
    narrowed = sa.func.translate(sa.column("content"), sa.literal(WIDE, literal_execute=True),
                                 sa.literal(NARROW, literal_execute=True)).label("content_narrow")
    op.create_index("ix_appeals_content_narrow_trgm", "appeals", [narrowed], unique=False, postgresql_using="gin",
                    postgresql_ops={"content_narrow": "gin_trgm_ops"})


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_appeals_content_narrow_trgm")
    if _trigrams(op.get_bind()):
        op.create_index("ix_appeals_content_trgm", "appeals", ["content"], unique=False, postgresql_using="gin",
                        postgresql_ops={"content": "gin_trgm_ops"})
