"""street operator's street: an 操作员 invited with `--street` oversees that street only, not every street of the
install (staff.street_id, staff_invites.street_id)

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("street_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_staff_street_id_streets", "streets", ["street_id"], ["id"])
    with op.batch_alter_table("staff_invites") as batch:
        batch.add_column(sa.Column("street_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_staff_invites_street_id_streets", "streets", ["street_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("staff_invites") as batch:
        batch.drop_constraint("fk_staff_invites_street_id_streets", type_="foreignkey")
        batch.drop_column("street_id")
    with op.batch_alter_table("staff") as batch:
        batch.drop_constraint("fk_staff_street_id_streets", type_="foreignkey")
        batch.drop_column("street_id")
