"""faq retiring: why an entry is not answered (停用 by an operator, or left out of an import with --prune)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("faq_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disabled_reason", sa.String(length=16), nullable=True))
    # Entries made inactive before this revision could only have been switched off by hand.
    op.execute("UPDATE faq_entries SET disabled_reason = 'operator' WHERE NOT active")


def downgrade() -> None:
    with op.batch_alter_table("faq_entries", schema=None) as batch_op:
        batch_op.drop_column("disabled_reason")
