"""appeals.claim_due_at: the 接单 deadline the rates judge the first claim by, kept when 改派 gives a fresh one

Revision ID: 0035
Revises: 0033
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("appeals", sa.Column("claim_due_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appeals") as batch:
        batch.drop_column("claim_due_at")
