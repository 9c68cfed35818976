"""console users: operator accounts of the web console and the record of their logins

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["street_id"], ["streets.id"], name="fk_console_users_street_id_streets"),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"],
                                name="fk_console_users_community_id_communities"),
        sa.PrimaryKeyConstraint("id", name="pk_console_users"),
        sa.UniqueConstraint("username", name="uq_console_users_username"),
    )
    op.create_table(
        "console_logins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["console_users.id"], name="fk_console_logins_user_id_console_users"),
        sa.PrimaryKeyConstraint("id", name="pk_console_logins"),
    )
    op.create_index("ix_console_logins_at", "console_logins", ["at"])
    op.create_index("ix_console_logins_user_id", "console_logins", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_console_logins_user_id", table_name="console_logins")
    op.drop_index("ix_console_logins_at", table_name="console_logins")
    op.drop_table("console_logins")
    op.drop_table("console_users")
