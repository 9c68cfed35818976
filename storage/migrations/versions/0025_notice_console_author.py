"""console notice author: a notice sent from the console names the operator account that sent it

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("broadcasts") as batch:
        batch.add_column(sa.Column("author_console_user_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_broadcasts_author_console_user_id_console_users", "console_users",
                                 ["author_console_user_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("broadcasts") as batch:
        batch.drop_constraint("fk_broadcasts_author_console_user_id_console_users", type_="foreignkey")
        batch.drop_column("author_console_user_id")
