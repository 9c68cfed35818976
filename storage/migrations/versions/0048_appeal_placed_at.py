"""appeals.placed_at: when an appeal held for the resident's address got its grid, which the rates count it in
(storage/rate_counts.py), so that a closed month does not change when a resident binds after it. Filled from the
audit trail for the held appeals placed before this revision (their 提交 from awaiting_address); NULL for the others.

Revision ID: 0048
Revises: 0047
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0048"
down_revision = "0047"
branch_labels = None
depends_on = None

_WHERE = sa.text("placed_at IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("appeals") as batch:
        batch.add_column(sa.Column("placed_at", sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE appeals SET placed_at = (SELECT MIN(e.at) FROM appeal_events e WHERE e.appeal_id = appeals.id"
        " AND e.action = 'submitted' AND e.from_status = 'awaiting_address')"
        " WHERE EXISTS (SELECT 1 FROM appeal_events e WHERE e.appeal_id = appeals.id"
        " AND e.action = 'submitted' AND e.from_status = 'awaiting_address')"
    )
    op.create_index("ix_appeals_placed_at", "appeals", ["placed_at"], sqlite_where=_WHERE, postgresql_where=_WHERE)


def downgrade() -> None:
    op.drop_index("ix_appeals_placed_at", table_name="appeals")
    with op.batch_alter_table("appeals") as batch:
        batch.drop_column("placed_at")
