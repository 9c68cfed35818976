"""task assignment: who works on an appeal, and the lifecycle's timestamps

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("assignee_staff_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("accepted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("paused_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("resolution", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_appeals_assignee_staff_id"), ["assignee_staff_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_appeals_assignee_staff_id_staff"), "staff", ["assignee_staff_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_appeals_assignee_staff_id_staff"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_appeals_assignee_staff_id"))
        for column in ("resolution", "resolved_at", "paused_at", "accepted_at", "assignee_staff_id", "department"):
            batch_op.drop_column(column)
