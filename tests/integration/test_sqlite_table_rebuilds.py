"""Migrations that rebuild a SQLite table (batch mode) on a database a street office has used: other tables' rows
refer to the rebuilt table's rows, as appeal_events do to appeals."""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from storage.db import alembic_config, upgrade


def test_a_database_with_appeals_and_their_events_upgrades_from_0022_keeping_every_row(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0022")
    engine = sa.create_engine(url)
    filed, accepted = datetime(2026, 12, 1, 9, tzinfo=timezone.utc), datetime(2026, 12, 1, 10, tzinfo=timezone.utc)
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        run("INSERT INTO streets (id, name) VALUES (1, '东湖街道')")
        run("INSERT INTO communities (id, street_id, name, require_verified_binding) VALUES (1, 1, '滨湖社区', 0)")
        run("INSERT INTO grids (id, community_id, name, dispatch_mode) VALUES (1, 1, '第一网格', 'grab')")
        run("INSERT INTO appeals (id, ticket, category, confidence, keywords, channel, content, raw_message, status, "
            "response_hours, resolve_hours, created_at, updated_at, grid_id) VALUES (1, 'G2612010001', '物业服务', "
            "0.9, '[]', 'wechat', '电梯坏了', '电梯坏了', 'accepted', 2, 72, ?, ?, 1)", (filed, accepted))
        run("INSERT INTO appeal_events (id, appeal_id, at, actor_kind, action, internal) VALUES "
            "(1, 1, ?, 'resident', 'filed', 0), (2, 1, ?, 'staff', 'accepted', 0)", (filed, accepted))

    upgrade(url)

    with engine.begin() as connection:
        appeal = connection.exec_driver_sql("SELECT ticket, status, trail_first_accepted_at FROM appeals").one()
        events = connection.exec_driver_sql("SELECT appeal_id, action FROM appeal_events ORDER BY id").all()
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    assert (appeal.ticket, appeal.status) == ("G2612010001", "accepted")
    assert appeal.trail_first_accepted_at is not None
    assert [tuple(row) for row in events] == [(1, "filed"), (1, "accepted")]
    assert version == ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert broken == []
    engine.dispose()
