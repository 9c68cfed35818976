"""taxonomy versions: the taxonomy as edited and saved from the console, with who saved it and when

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "taxonomy_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("saved_by", sa.Integer(), nullable=True),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["saved_by"], ["console_users.id"], name="fk_taxonomy_versions_saved_by_console_users"),
        sa.PrimaryKeyConstraint("id", name="pk_taxonomy_versions"),
    )


def downgrade() -> None:
    op.drop_table("taxonomy_versions")
