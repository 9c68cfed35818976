"""former_names: the names places had before they were renamed (`gridbot org rename`, the console), which the
ledger import matches to the renamed place (storage/org_former_names.py). Empty for the renames made before this
revision: their old names were not kept.

Revision ID: 0049
Revises: 0048
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0049"
down_revision = "0048"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "former_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("current", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_former_names"),
        sa.UniqueConstraint("kind", "place_id", "name", name="uq_former_names_kind_place_id_name"),
    )


def downgrade() -> None:
    op.drop_table("former_names")
