"""rates and working days: an appeal remembers whether its category's limits count working days; the rates of a
period find its appeals by the time they were filed, and the few actions of their trails they read

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch (see 0017): SQLite would copy and drop `appeals`, which other tables refer to.
    op.add_column("appeals", sa.Column("working_days", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_index("ix_appeals_created_at", "appeals", ["created_at"])
    op.create_index("ix_appeal_events_appeal_action", "appeal_events", ["appeal_id", "action", "at"])


def downgrade() -> None:
    op.drop_index("ix_appeal_events_appeal_action", table_name="appeal_events")
    op.drop_index("ix_appeals_created_at", table_name="appeals")
    with op.batch_alter_table("appeals") as batch_op:
        batch_op.drop_column("working_days")
