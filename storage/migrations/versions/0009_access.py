"""access: counters for staff lookups and wrong 认证 codes (with lockouts); invite codes keyed with a secret

Invites issued before this revision keep their plain sha256 digest (hash_scheme "sha256") and are accepted
until they expire; every new invite is an HMAC-SHA256 keyed with GRIDBOT_SECRET_KEY.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_counters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("window_started_at", sa.DateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("alerted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_counters")),
        sa.UniqueConstraint("kind", "subject", name=op.f("uq_access_counters_kind_subject")),
    )
    with op.batch_alter_table("staff_invites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hash_scheme", sa.String(length=16), nullable=False, server_default="sha256"))


def downgrade() -> None:
    # Invites keyed with the secret stay as they are: the older code can't match them, so they just expire.
    with op.batch_alter_table("staff_invites", schema=None) as batch_op:
        batch_op.drop_column("hash_scheme")
    op.drop_table("access_counters")
