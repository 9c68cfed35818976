"""staff.off_duty_from: leave arranged for a later day (我明天请假, 请假 下周一到周三) starts at that day's local
midnight; until then the member is on duty (storage.duty). NULL for leave that started when it was taken, and for
every row before this revision.

Revision ID: 0054
Revises: 0053
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0054"
down_revision = "0053"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("off_duty_from", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("off_duty_from")
