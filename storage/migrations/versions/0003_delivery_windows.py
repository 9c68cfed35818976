"""delivery windows: each user's customer-service window; the outbox records its channel and the send's start

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reply_windows",
        sa.Column("openid", sa.String(length=64), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("sent_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("openid", name=op.f("pk_reply_windows")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("wechat_msgid", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("sending_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("sending_at")
        batch_op.drop_column("wechat_msgid")
        batch_op.drop_column("channel")
    op.drop_table("reply_windows")
