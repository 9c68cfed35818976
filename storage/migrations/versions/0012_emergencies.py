"""emergencies: an appeal's emergency kind (紧急, from the taxonomy) and its minutes-scale response clock

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("emergency", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("response_minutes", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_column("response_minutes")
        batch_op.drop_column("emergency")
