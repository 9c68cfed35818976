"""appeals.content's trigram index on the text in NFKC (normalize(content, 'NFKC'), storage/typed_words.py) instead
of 0050's full-width-only translate(): the lists' text search compares both sides in NFKC, so that '50m2' finds
'50㎡' and '1号楼' finds '①号楼' as residents typed them. PostgreSQL with pg_trgm only, as the index it replaces;
nothing stored changes (the index is on an expression), and SQLite has no such index.

Revision ID: 0051
Revises: 0050
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0051"
down_revision = "0050"
branch_labels = None
depends_on = None

# As 0050 has them, for the downgrade.
WIDE = "".join(chr(code) for code in range(0xFF01, 0xFF5F)) + "\u3000"
NARROW = "".join(chr(code) for code in range(0x21, 0x7F)) + " "


def _trigrams(bind: sa.engine.Connection) -> bool:
    return bind.dialect.name == "postgresql" and bind.exec_driver_sql(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'").first() is not None


def upgrade() -> None:
    if not _trigrams(op.get_bind()):
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("DROP INDEX IF EXISTS ix_appeals_content_narrow_trgm")
    # The form is a keyword of PostgreSQL's grammar, which SQLAlchemy's func cannot write.
    op.execute("CREATE INDEX ix_appeals_content_nfkc_trgm ON appeals USING gin (normalize(content, NFKC) gin_trgm_ops)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_appeals_content_nfkc_trgm")
    if _trigrams(op.get_bind()):
        narrowed = sa.func.translate(sa.column("content"), sa.literal(WIDE, literal_execute=True),
                                     sa.literal(NARROW, literal_execute=True)).label("content_narrow")
        op.create_index("ix_appeals_content_narrow_trgm", "appeals", [narrowed], unique=False,
                        postgresql_using="gin", postgresql_ops={"content_narrow": "gin_trgm_ops"})
