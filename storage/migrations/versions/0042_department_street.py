"""departments confined to their place: a 部门 officer serves the street (or community, or grid) recorded on their
row, and one with none serves every street (storage.unit_reach). Officers and pending invites bound before a
department's place was recorded get one where it can be told: in an install of one street, that street; with
several, the one street of every appeal the officer claimed. The rest stay district-wide, as they were.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-06
"""

from alembic import op

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None

UNPLACED = "role = 'department' AND street_id IS NULL AND community_id IS NULL AND grid_id IS NULL"
# The streets of the appeals an officer (the `staff` row being updated) claimed (接单).
CLAIMED_STREETS = ("FROM appeal_events e JOIN appeals a ON a.id = e.appeal_id JOIN grids g ON g.id = a.grid_id "
                   "JOIN communities c ON c.id = g.community_id "
                   "WHERE e.actor_kind = 'staff' AND e.actor_id = staff.id AND e.action = 'accepted'")


def upgrade() -> None:
    # One street: every department of the install was that street's. Recorded now, it stays that street's when
    # the district adds a second street.
    for table in ("staff", "staff_invites"):
        op.execute(f"UPDATE {table} SET street_id = (SELECT MIN(id) FROM streets) "
                   f"WHERE {UNPLACED} AND (SELECT COUNT(*) FROM streets) = 1")
    # Several: an officer who has only ever claimed one street's appeals works for that street's unit.
    op.execute(f"UPDATE staff SET street_id = (SELECT MIN(c.street_id) {CLAIMED_STREETS}) "
               f"WHERE {UNPLACED} AND (SELECT COUNT(DISTINCT c.street_id) {CLAIMED_STREETS}) = 1")


def downgrade() -> None:
    # 0041's street_id stays; a department's street recorded here no longer confines anyone after a downgrade.
    pass
