"""appeals.kept_words: after 分开, the problem the original ticket kept of the several its message named, which
lists show it by (its split-off tickets show their own); NULL for every appeal before this revision, which lists go
on showing by its message.

Revision ID: 0047
Revises: 0046
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0047"
down_revision = "0046"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appeals") as batch:
        batch.add_column(sa.Column("kept_words", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appeals") as batch:
        batch.drop_column("kept_words")
