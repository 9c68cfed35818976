"""community volunteers (党建引领): enrolments, party branches, 微心愿, volunteer claims and the points ledger

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("organisation", sa.String(64), nullable=True))
        batch.create_foreign_key("fk_staff_unit_id_units", "units", ["unit_id"], ["id"])
    op.create_table(
        "enrolments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("resident_id", sa.Integer(), sa.ForeignKey("residents.id"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=True),
        sa.Column("community_id", sa.Integer(), sa.ForeignKey("communities.id"), nullable=False),
        sa.Column("grid_id", sa.Integer(), sa.ForeignKey("grids.id"), nullable=False),
        sa.Column("building_id", sa.Integer(), sa.ForeignKey("buildings.id"), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("pending_key", sa.Integer(), nullable=True, unique=True),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
    )
    op.create_index("ix_enrolments_resident_id", "enrolments", ["resident_id"])
    op.create_index("ix_enrolments_community_id", "enrolments", ["community_id"])
    op.create_table(
        "party_branches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("community_id", sa.Integer(), sa.ForeignKey("communities.id"), nullable=False),
        sa.Column("compound", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("secretary_staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("community_id", "compound"),
    )
    op.create_table(
        "wishes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("community_id", sa.Integer(), sa.ForeignKey("communities.id"), nullable=False),
        sa.Column("grid_id", sa.Integer(), sa.ForeignKey("grids.id"), nullable=True),
        sa.Column("building_id", sa.Integer(), sa.ForeignKey("buildings.id"), nullable=True),
        sa.Column("compound", sa.String(64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("posted_by_staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_wishes_community_id", "wishes", ["community_id"])
    op.create_table(
        "volunteer_claims",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("appeal_id", sa.Integer(), sa.ForeignKey("appeals.id"), nullable=True),
        sa.Column("wish_id", sa.Integer(), sa.ForeignKey("wishes.id"), nullable=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("task_key", sa.String(32), nullable=True, unique=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("confirmed_by_staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("released_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_volunteer_claims_appeal_id", "volunteer_claims", ["appeal_id"])
    op.create_index("ix_volunteer_claims_wish_id", "volunteer_claims", ["wish_id"])
    op.create_index("ix_volunteer_claims_staff_id", "volunteer_claims", ["staff_id"])
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("volunteer_claim_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_attachments_volunteer_claim_id_volunteer_claims", "volunteer_claims",
                                 ["volunteer_claim_id"], ["id"])
        batch.create_index("ix_attachments_volunteer_claim_id", ["volunteer_claim_id"])
    op.create_table(
        "points_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("appeal_id", sa.Integer(), sa.ForeignKey("appeals.id"), nullable=True),
        sa.Column("broadcast_id", sa.Integer(), sa.ForeignKey("broadcasts.id"), nullable=True),
        sa.Column("wish_id", sa.Integer(), sa.ForeignKey("wishes.id"), nullable=True),
        sa.Column("granted_by_staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reverses_id", sa.Integer(), sa.ForeignKey("points_entries.id"), nullable=True, unique=True),
        sa.Column("key", sa.String(128), nullable=False, unique=True),
    )
    op.create_index("ix_points_entries_staff_month", "points_entries", ["staff_id", "month"])
    op.create_index("ix_points_entries_appeal_id", "points_entries", ["appeal_id"])


def downgrade() -> None:
    op.drop_table("points_entries")
    with op.batch_alter_table("attachments") as batch:
        batch.drop_index("ix_attachments_volunteer_claim_id")
        batch.drop_constraint("fk_attachments_volunteer_claim_id_volunteer_claims", type_="foreignkey")
        batch.drop_column("volunteer_claim_id")
    op.drop_table("volunteer_claims")
    op.drop_table("wishes")
    op.drop_table("party_branches")
    op.drop_table("enrolments")
    with op.batch_alter_table("staff") as batch:
        batch.drop_constraint("fk_staff_unit_id_units", type_="foreignkey")
        batch.drop_column("organisation")
        batch.drop_column("unit_id")
