"""appeal indexes slimmed: the claimant's, the reporter's and the join's indexes leave out the rows without one, and
the events' index on appeal_id alone goes (ix_appeal_events_appeal_action starts with it); a filed appeal writes
four index entries fewer

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

PARTIAL = {"ix_appeals_assignee_staff_id": ["assignee_staff_id"],
           "ix_appeals_reporter_created": ["reporter_staff_id", "created_at"],
           "ix_appeals_merged_into_id": ["merged_into_id"]}


def upgrade() -> None:
    op.drop_index("ix_appeal_events_appeal_id", table_name="appeal_events")
    for name, columns in PARTIAL.items():
        where = sa.text(f"{columns[0]} IS NOT NULL")
        op.drop_index(name, table_name="appeals")
        op.create_index(name, "appeals", columns, sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    for name, columns in PARTIAL.items():
        op.drop_index(name, table_name="appeals")
        op.create_index(name, "appeals", columns)
    op.create_index("ix_appeal_events_appeal_id", "appeal_events", ["appeal_id"])
