"""Migration 0048 on a database with appeals: one held for an address and placed before it gets the moment it was
placed from its trail; one filed to its grid keeps none; a downgrade drops the column."""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import command

from storage.db import alembic_config, upgrade

FILED = datetime(2026, 11, 30, 15, tzinfo=timezone.utc).replace(tzinfo=None)
PLACED = datetime(2026, 12, 2, 1, tzinfo=timezone.utc).replace(tzinfo=None)


def test_a_held_appeal_placed_before_the_upgrade_gets_when_it_was_placed(tmp_path):
    url = f"sqlite:///{tmp_path / 'placed.db'}"
    command.upgrade(alembic_config(url), "0047")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        for appeal_id in (1, 2):
            run("INSERT INTO appeals (id, ticket, category, confidence, keywords, channel, content, raw_message, status, "
                "response_hours, resolve_hours, created_at, updated_at, escalation_level, working_days, trail_returned) "
                "VALUES (?, ?, '环境卫生', 0.9, '[]', 'text', '垃圾没人清', '{}', 'dispatched', 2, 72, ?, ?, 0, 0, 0)",
                (appeal_id, f"G261130000{appeal_id}", FILED, FILED))
        events = [(1, FILED, "held", None, "awaiting_address"), (1, PLACED, "submitted", "awaiting_address", "submitted"),
                  (2, FILED, "submitted", None, "submitted")]
        for appeal_id, at, action, before, after in events:
            run("INSERT INTO appeal_events (appeal_id, at, actor_kind, action, from_status, to_status, internal) "
                "VALUES (?, ?, 'resident', ?, ?, ?, 0)", (appeal_id, at, action, before, after))

    upgrade(url)

    with engine.begin() as connection:
        placed = dict(connection.exec_driver_sql("SELECT id, placed_at FROM appeals").all())
    assert placed == {1: str(PLACED), 2: None}
    command.downgrade(alembic_config(url), "0047")
    with engine.begin() as connection:
        assert "placed_at" not in [row[1] for row in connection.exec_driver_sql("PRAGMA table_info(appeals)")]
    engine.dispose()
