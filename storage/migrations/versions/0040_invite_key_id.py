"""staff_invites.key_id: which GRIDBOT_SECRET_KEY hashed the code, so that invites made before the key was changed
(which no code can redeem any more) are listed as such, not as waiting

Revision ID: 0040
Revises: 0036
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("staff_invites", sa.Column("key_id", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_invites") as batch:
        batch.drop_column("key_id")
