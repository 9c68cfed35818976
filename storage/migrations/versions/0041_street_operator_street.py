"""street operator's street: an 操作员 invited with `--street` oversees that street only, not every street of the
install (staff.street_id, staff_invites.street_id); in an install of one street, its street operators get it

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
    # An install of one street: its street operators (and invites for one) can only be that street's. Recorded
    # now, they stay that street's when the district adds a second street; with several already, nobody can tell.
    for table in ("staff", "staff_invites"):
        op.execute(f"UPDATE {table} SET street_id = (SELECT MIN(id) FROM streets) "
                   "WHERE role = 'operator' AND community_id IS NULL AND grid_id IS NULL "
                   "AND (SELECT COUNT(*) FROM streets) = 1")


def downgrade() -> None:
    with op.batch_alter_table("staff_invites") as batch:
        batch.drop_constraint("fk_staff_invites_street_id_streets", type_="foreignkey")
        batch.drop_column("street_id")
    with op.batch_alter_table("staff") as batch:
        batch.drop_constraint("fk_staff_street_id_streets", type_="foreignkey")
        batch.drop_column("street_id")
