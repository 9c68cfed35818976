"""broadcasts.cancelled_by_console_user_id, cancelled_by_staff_id, cancelled_by_login: who stopped a notice (the
console's 撤销通知, 撤销通知 in the chat, `gridbot notice cancel`), as the notice already names who sent it. NULL for the notices cancelled before this revision:
their status says when, not by whom.

Revision ID: 0055
Revises: 0054
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0055"
down_revision = "0054"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("broadcasts") as batch:
        batch.add_column(sa.Column("cancelled_by_console_user_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cancelled_by_staff_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cancelled_by_login", sa.String(length=64), nullable=True))
        batch.create_foreign_key("fk_broadcasts_cancelled_by_console_user_id_console_users", "console_users",
                                 ["cancelled_by_console_user_id"], ["id"])
        batch.create_foreign_key("fk_broadcasts_cancelled_by_staff_id_staff", "staff", ["cancelled_by_staff_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("broadcasts") as batch:
        batch.drop_constraint("fk_broadcasts_cancelled_by_staff_id_staff", type_="foreignkey")
        batch.drop_constraint("fk_broadcasts_cancelled_by_console_user_id_console_users", type_="foreignkey")
        batch.drop_column("cancelled_by_login")
        batch.drop_column("cancelled_by_staff_id")
        batch.drop_column("cancelled_by_console_user_id")
