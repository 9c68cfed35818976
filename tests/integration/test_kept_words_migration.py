"""Migration 0047 on a database with appeals: each is listed by its message as before, and one split after it is
listed by the problem it kept."""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import command

from storage.db import alembic_config, upgrade

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc).replace(tzinfo=None)


def test_appeals_filed_before_keep_their_message_and_a_downgrade_drops_the_kept_problem(tmp_path):
    url = f"sqlite:///{tmp_path / 'kept.db'}"
    command.upgrade(alembic_config(url), "0046")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO appeals (id, ticket, category, confidence, keywords, channel, content, raw_message, status, "
            "response_hours, resolve_hours, created_at, updated_at, escalation_level, working_days, trail_returned) "
            "VALUES (1, 'G2612010001', '环境卫生', 0.9, '[]', 'text', '1.路灯坏了 2.垃圾桶满了', '{}', 'dispatched', "
            "2, 72, ?, ?, 0, 0, 0)", (NOW, NOW))

    upgrade(url)

    with engine.begin() as connection:
        run = connection.exec_driver_sql
        assert run("SELECT content, kept_words FROM appeals").one() == ("1.路灯坏了 2.垃圾桶满了", None)
        run("UPDATE appeals SET kept_words = '垃圾桶满了' WHERE id = 1")
    command.downgrade(alembic_config(url), "0046")
    with engine.begin() as connection:
        columns = [row[1] for row in connection.exec_driver_sql("PRAGMA table_info(appeals)")]
        assert "kept_words" not in columns and "content" in columns
    engine.dispose()
