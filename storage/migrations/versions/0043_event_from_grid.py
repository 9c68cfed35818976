"""appeal_events.from_grid_id: the grid an appeal left by a 改派 or a building's move, so that a past period's
rates count the appeal under the grid it was in at the period's end (storage/rate_counts.py). Moves recorded
before have none: their appeals count under their current grid, as they did.

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0043"
down_revision = "0042"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("appeal_events", sa.Column("from_grid_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appeal_events") as batch:
        batch.drop_column("from_grid_id")
