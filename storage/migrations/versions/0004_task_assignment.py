"""task assignment, rating, reminders and escalation, dispatch mode, staff on duty

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # First: SQLite rebuilds attachments by reflecting appeals through its foreign key, which must not be
    # half-altered at that moment.
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.alter_column("resident_id", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("assignee_staff_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("accepted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("paused_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("resolution", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("rating", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("rated_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("response_reminded_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("resolve_reminded_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("escalation_level", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("escalated_at", sa.DateTime(), nullable=True))
    # A separate batch: SQLite rebuilds the table, and mixing this with the new index above confuses it.
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reporter_staff_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_appeals_reporter_staff_id_staff"), "staff", ["reporter_staff_id"], ["id"]
        )
        batch_op.alter_column("resident_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f("ix_appeals_assignee_staff_id"), ["assignee_staff_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_appeals_assignee_staff_id_staff"), "staff", ["assignee_staff_id"], ["id"]
        )


    with op.batch_alter_table("grids", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dispatch_mode", sa.String(length=16), server_default="grab", nullable=False))
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("on_duty", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("on_duty")
    with op.batch_alter_table("grids", schema=None) as batch_op:
        batch_op.drop_column("dispatch_mode")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.alter_column("resident_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.alter_column("resident_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f("fk_appeals_reporter_staff_id_staff"), type_="foreignkey")
        batch_op.drop_column("reporter_staff_id")
        batch_op.drop_constraint(batch_op.f("fk_appeals_assignee_staff_id_staff"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_appeals_assignee_staff_id"))
        for column in ("escalated_at", "escalation_level", "resolve_reminded_at", "response_reminded_at", "rated_at",
                       "rating", "resolution", "resolved_at", "paused_at", "accepted_at", "assignee_staff_id",
                       "department"):
            batch_op.drop_column(column)
