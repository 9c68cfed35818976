"""focus cases (聚焦办): hot spots of one place and category or keyword, with their appeals

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "focus_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("scope_kind", sa.String(length=16), nullable=False),
        sa.Column("scope_ref", sa.String(length=96), nullable=False),
        sa.Column("scope_label", sa.String(length=200), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("key_kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("open_key", sa.String(length=192), nullable=True),
        sa.Column("owner_staff_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["grid_id"], ["grids.id"], name=op.f("fk_focus_cases_grid_id_grids")),
        sa.ForeignKeyConstraint(["owner_staff_id"], ["staff.id"], name=op.f("fk_focus_cases_owner_staff_id_staff")),
        sa.ForeignKeyConstraint(["closed_by_staff_id"], ["staff.id"],
                                name=op.f("fk_focus_cases_closed_by_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_focus_cases")),
        sa.UniqueConstraint("code", name=op.f("uq_focus_cases_code")),
        sa.UniqueConstraint("open_key", name=op.f("uq_focus_cases_open_key")),
    )
    with op.batch_alter_table("focus_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_focus_cases_grid_id"), ["grid_id"], unique=False)
    op.create_table(
        "focus_case_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeals.id"], name=op.f("fk_focus_case_appeals_appeal_id_appeals")),
        sa.ForeignKeyConstraint(["case_id"], ["focus_cases.id"],
                                name=op.f("fk_focus_case_appeals_case_id_focus_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_focus_case_appeals")),
        sa.UniqueConstraint("case_id", "appeal_id", name=op.f("uq_focus_case_appeals_case_id_appeal_id")),
    )
    with op.batch_alter_table("focus_case_appeals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_focus_case_appeals_appeal_id"), ["appeal_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("focus_case_appeals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_focus_case_appeals_appeal_id"))
    op.drop_table("focus_case_appeals")
    with op.batch_alter_table("focus_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_focus_cases_grid_id"))
    op.drop_table("focus_cases")
