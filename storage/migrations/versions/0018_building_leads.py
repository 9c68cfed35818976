"""building leads: 楼长, a resident volunteer bound to one building (`gridbot invite --role 楼长 --building …`)

A 楼长 is a staff row with role `building_lead` and the building they look after; the invite that binds them
names the building too. An appeal a 楼长 files for a neighbour (代报) keeps the neighbour's 门牌 on the appeal.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_TABLES = ("staff", "staff_invites")


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch (as in 0017): SQLite would copy and drop `staff`, which appeals, tasks and
    # invites refer to, and a database with data refuses that drop while foreign keys are enforced. SQLite
    # takes the foreign key only inline in the ADD COLUMN (alembic >= 1.13 cannot say that), hence the SQL.
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in _TABLES:
        if sqlite:
            op.execute(f"ALTER TABLE {table} ADD COLUMN building_id INTEGER "
                       f"CONSTRAINT {_foreign_key(table)} REFERENCES buildings (id)")
        else:
            op.add_column(table, sa.Column("building_id", sa.Integer(), nullable=True))
            op.create_foreign_key(_foreign_key(table), table, "buildings", ["building_id"], ["id"])
    op.add_column("appeals", sa.Column("door", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_column("door")
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(_foreign_key(table), type_="foreignkey")
            batch_op.drop_column("building_id")


def _foreign_key(table: str) -> str:
    return f"fk_{table}_building_id_buildings"  # storage.models.NAMING's name for it
