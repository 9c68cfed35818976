"""staff.disabled_at: when a member left (`gridbot staff disable`), so that an invite made out to them before then
binds nobody (storage.staff). Those who left before it have the upgrade's moment, and the unused invites made out
to them, which disabling did not revoke before the offboarding release, are revoked now: the rule of
storage.staff.made_out_to (their name and phone; or their name, no phone and their own community, else street,
else unit). A new invite made for one of them before the upgrade (they came back) is revoked too: make another.

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-06
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0044"
down_revision = "0043"
branch_labels = None
depends_on = None

# Their own place, as storage.staff._their_place tells it: community, else street, else unit (department), else role.
THEIR_PLACE = ("(s.community_id IS NOT NULL AND i.community_id = s.community_id) "
               "OR (s.community_id IS NULL AND s.street_id IS NOT NULL AND i.street_id = s.street_id) "
               "OR (s.community_id IS NULL AND s.street_id IS NULL AND s.department IS NOT NULL "
               "AND i.department = s.department) "
               "OR (s.community_id IS NULL AND s.street_id IS NULL AND s.department IS NULL AND i.role = s.role)")
MADE_OUT_TO_A_LEAVER = (
    "EXISTS (SELECT 1 FROM staff s WHERE s.active = :off AND s.name = i.name AND ("
    f"(s.phone IS NOT NULL AND i.phone = s.phone) OR (i.phone IS NULL AND ({THEIR_PLACE}))))")


def upgrade() -> None:
    op.add_column("staff", sa.Column("disabled_at", sa.DateTime(), nullable=True))
    now = datetime.now(timezone.utc).replace(tzinfo=None)  # stored naive UTC, as storage.models.UTCDateTime does
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE staff SET disabled_at = :now WHERE active = :off"), {"now": now, "off": False})
    # Through `id IN`: an UPDATE's own table cannot take an alias on SQLite, and the subquery needs one.
    bind.execute(sa.text(
        "UPDATE staff_invites SET revoked_at = :now WHERE id IN (SELECT i.id FROM staff_invites i "
        "WHERE i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > :now AND i.name <> '' "
        f"AND {MADE_OUT_TO_A_LEAVER})"), {"now": now, "off": False})


def downgrade() -> None:
    # The invites revoked stay revoked: they were made out to people who had left.
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("disabled_at")
