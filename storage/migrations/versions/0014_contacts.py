"""contacts: a staff member's published work phone (also on an invite), a resident's optional phone and 门牌

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("work_phone", sa.String(length=24), nullable=True))
    with op.batch_alter_table("staff_invites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("work_phone", sa.String(length=24), nullable=True))
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("door", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.drop_column("door")
        batch_op.drop_column("phone")
    with op.batch_alter_table("staff_invites", schema=None) as batch_op:
        batch_op.drop_column("work_phone")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("work_phone")
