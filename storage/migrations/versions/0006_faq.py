"""faq: question-answer pairs operators import, and the log of questions answered from them

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faq_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=200), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("alternates", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_entries")),
        sa.UniqueConstraint("question", name=op.f("uq_faq_entries_question")),
    )
    op.create_table(
        "faq_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("faq_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.Column("escalated_appeal_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["escalated_appeal_id"], ["appeals.id"],
                                name=op.f("fk_faq_answers_escalated_appeal_id_appeals")),
        sa.ForeignKeyConstraint(["faq_id"], ["faq_entries.id"], name=op.f("fk_faq_answers_faq_id_faq_entries")),
        sa.ForeignKeyConstraint(["resident_id"], ["residents.id"], name=op.f("fk_faq_answers_resident_id_residents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_answers")),
    )
    with op.batch_alter_table("faq_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_faq_answers_faq_id"), ["faq_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_faq_answers_resident_id"), ["resident_id"], unique=False)


def downgrade() -> None:
    op.drop_table("faq_answers")
    op.drop_table("faq_entries")
