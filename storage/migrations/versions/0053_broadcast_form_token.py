"""broadcasts.form_token: the digest of the console preview's one-time token a notice was sent with
(bot/web/console/notice_compose.py). The token was claimed in Redis only, so a Redis without persistence flushed,
replaced or failed over between a send and a re-posted form sent the notice a second time. NULL for the notices
stored before this revision and for those from the chat and the CLI.

Revision ID: 0053
Revises: 0052
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0053"
down_revision = "0052"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_token", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_broadcasts_form_token"), ["form_token"])


def downgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_broadcasts_form_token"), type_="unique")
        batch_op.drop_column("form_token")
