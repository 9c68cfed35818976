"""console_ended_logins: the console logins ended by 退出, until they would have expired (storage/console_users.py).
They were kept in Redis only, so a Redis without persistence, flushed or replaced, let a copied cookie of an ended
login in again. Logouts made before this revision lived in Redis and are not carried over.

Revision ID: 0052
Revises: 0051
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0052"
down_revision = "0051"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_ended_logins",
        sa.Column("login_hash", sa.String(length=64), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("login_hash", name="pk_console_ended_logins"),
    )
    op.create_index("ix_console_ended_logins_until", "console_ended_logins", ["until"])


def downgrade() -> None:
    op.drop_index("ix_console_ended_logins_until", table_name="console_ended_logins")
    op.drop_table("console_ended_logins")
