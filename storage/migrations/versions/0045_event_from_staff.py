"""appeal_events.from_staff_id: who held an appeal before an event that may change its holder (0: nobody), so
that a past period's member lines count an unresolved appeal under the member who held it at the period's end
(storage/rate_counts.py). Events recorded before have none: their appeals count under their current holder, as
they did.

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0045"
down_revision = "0044"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("appeal_events", sa.Column("from_staff_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appeal_events") as batch:
        batch.drop_column("from_staff_id")
