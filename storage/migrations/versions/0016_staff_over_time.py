"""staff over time: leave until a date (休假 --until), revoked invites, invites bound to the person's phone

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("off_duty_until", sa.DateTime(), nullable=True))
    with op.batch_alter_table("staff_invites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("phone_bound", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("staff_invites", schema=None) as batch_op:
        batch_op.drop_column("phone_bound")
        batch_op.drop_column("revoked_at")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("off_duty_until")
