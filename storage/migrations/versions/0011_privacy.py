"""verified addresses: a per-community switch requiring them before joins, and who verified a resident's building

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("require_verified_binding", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verified_building_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("verified_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("verified_via", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("verified_by_staff_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_residents_verified_building_id_buildings"), "buildings", ["verified_building_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_residents_verified_by_staff_id_staff"), "staff", ["verified_by_staff_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_residents_verified_by_staff_id_staff"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_residents_verified_building_id_buildings"), type_="foreignkey")
        batch_op.drop_column("verified_by_staff_id")
        batch_op.drop_column("verified_via")
        batch_op.drop_column("verified_at")
        batch_op.drop_column("verified_building_id")
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.drop_column("require_verified_binding")
