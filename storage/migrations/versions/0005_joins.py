"""joins: merged appeals and the residents who follow another appeal (我也遇到)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_appeals_merged_into_id"), ["merged_into_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_appeals_merged_into_id_appeals"), "appeals", ["merged_into_id"],
                                    ["id"])
    op.create_table(
        "appeal_followers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("source_appeal_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeals.id"], name=op.f("fk_appeal_followers_appeal_id_appeals")),
        sa.ForeignKeyConstraint(["resident_id"], ["residents.id"],
                                name=op.f("fk_appeal_followers_resident_id_residents")),
        sa.ForeignKeyConstraint(["source_appeal_id"], ["appeals.id"],
                                name=op.f("fk_appeal_followers_source_appeal_id_appeals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_followers")),
        sa.UniqueConstraint("appeal_id", "resident_id", name=op.f("uq_appeal_followers_appeal_id_resident_id")),
    )
    op.create_index(op.f("ix_appeal_followers_source_appeal_id"), "appeal_followers", ["source_appeal_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_appeal_followers_source_appeal_id"), table_name="appeal_followers")
    op.drop_table("appeal_followers")
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_appeals_merged_into_id_appeals"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_appeals_merged_into_id"))
        batch_op.drop_column("merged_into_id")
