"""appeals open in a building: the index behind 我也遇到's neighbour lookup on every appeal a resident files

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04
"""

from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_appeals_building_category_status", "appeals",
                    ["building_id", "category", "status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_appeals_building_category_status", table_name="appeals")
