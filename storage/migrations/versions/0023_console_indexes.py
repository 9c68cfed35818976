"""console at a city's size: the rates' trail facts kept on the appeal, list and text-search indexes

The rates of a month read, per appeal, a few facts of its audit trail; gathering them from appeal_events took
seconds at a million appeals, so the appeal now keeps them (storage/trail_facts.py), filled in here for the
appeals before. The console's lists page by id within a status: (status, id) replaces (status); the open appeals get a
partial index by id (PostgreSQL); a street's or community's rates find their grids' appeals by (grid_id,
created_at). On PostgreSQL
a trigram index (pg_trgm, when the server has it) serves the list's text search, content LIKE '%…%'.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

TRAIL = "('accepted', 'resolved', 'reopened', 'rated', 'returned')"


def _of(action: str, value: str) -> str:
    return f"(SELECT {value} FROM appeal_events e WHERE e.appeal_id = appeals.id AND e.action = '{action}')"


def upgrade() -> None:
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        for name in ("trail_at", "trail_first_accepted_at", "trail_resolved_at"):
            batch_op.add_column(sa.Column(name, sa.DateTime(), nullable=True))
        for name in ("trail_resolve_event_id", "trail_reopen_event_id", "trail_rating_key"):
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("trail_returned", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.drop_index("ix_appeals_status")
        batch_op.create_index("ix_appeals_status_id", ["status", "id"], unique=False)
        batch_op.create_index("ix_appeals_grid_created", ["grid_id", "created_at"], unique=False)
    op.create_index("ix_appeal_events_action_at", "appeal_events", ["action", "at"], unique=False)
    # Rating notes as storage/trail_facts.py codes them: event id × 4 + (1 satisfied, 2 basic, 3 unsatisfied).
    rating = ("max(e.id * 4 + CASE e.note WHEN 'satisfied' THEN 1 WHEN 'basic' THEN 2 "
              "WHEN 'unsatisfied' THEN 3 ELSE 0 END)")
    op.execute(
        "UPDATE appeals SET "
        f"trail_first_accepted_at = {_of('accepted', 'min(e.at)')}, "
        f"trail_resolve_event_id = {_of('resolved', 'max(e.id)')}, "
        f"trail_resolved_at = {_of('resolved', 'max(e.at)')}, "
        f"trail_reopen_event_id = {_of('reopened', 'max(e.id)')}, "
        f"trail_rating_key = {_of('rated', rating)}, "
        "trail_returned = EXISTS (SELECT 1 FROM appeal_events e WHERE e.appeal_id = appeals.id "
        "AND e.action = 'returned'), "
        f"trail_at = (SELECT max(e.at) FROM appeal_events e WHERE e.appeal_id = appeals.id AND e.action IN {TRAIL})"
    )
    op.execute("UPDATE appeals SET trail_at = created_at WHERE trail_at IS NULL OR trail_at < created_at")
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    # Partial, PostgreSQL only: SQLite uses a partial index only for a query whose terms match it literally,
    # and the list binds its statuses as parameters.
    op.create_index("ix_appeals_open_id", "appeals", ["id"], unique=False, postgresql_where=sa.text(
        "status IN ('awaiting_address', 'submitted', 'dispatched', 'accepted', 'paused', 'returned')"))
    if bind.exec_driver_sql(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'").first():
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index("ix_appeals_content_trgm", "appeals", ["content"], unique=False, postgresql_using="gin",
                        postgresql_ops={"content": "gin_trgm_ops"})


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_appeals_content_trgm")
    op.execute("DROP INDEX IF EXISTS ix_appeals_open_id")
    op.drop_index("ix_appeal_events_action_at", table_name="appeal_events")
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index("ix_appeals_status_id")
        batch_op.drop_index("ix_appeals_grid_created")
        batch_op.create_index("ix_appeals_status", ["status"], unique=False)
        for name in ("trail_returned", "trail_rating_key", "trail_reopen_event_id", "trail_resolve_event_id",
                     "trail_resolved_at", "trail_first_accepted_at", "trail_at"):
            batch_op.drop_column(name)
