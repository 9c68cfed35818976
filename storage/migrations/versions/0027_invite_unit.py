"""invite unit: an invite of a 单元长 or 党员中心户 names the unit of the building (`gridbot invite --unit`)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_invites") as batch:
        batch.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_staff_invites_unit_id_units", "units", ["unit_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("staff_invites") as batch:
        batch.drop_constraint("fk_staff_invites_unit_id_units", type_="foreignkey")
        batch.drop_column("unit_id")
