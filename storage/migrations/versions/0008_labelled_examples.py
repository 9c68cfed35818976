"""labelled examples (operators' category corrections, for retraining the classifier); appeal subcategories

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "labelled_examples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("previous_label", sa.String(length=32), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeals.id"], name=op.f("fk_labelled_examples_appeal_id_appeals")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_labelled_examples_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labelled_examples")),
        sa.UniqueConstraint("appeal_id", name=op.f("uq_labelled_examples_appeal_id")),
    )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subcategory", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_column("subcategory")
    op.drop_table("labelled_examples")
