"""Migration 0046 on a database with an FAQ: every entry stays district-wide, and a street may repeat a question."""

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from alembic import command

from storage.db import alembic_config, upgrade

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc).replace(tzinfo=None)


def _old_install(url: str) -> sa.Engine:
    command.upgrade(alembic_config(url), "0045")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        run("INSERT INTO streets (id, name) VALUES (1, '幸福街道'), (2, '安宁街道')")
        run("INSERT INTO faq_entries (id, question, answer, alternates, category, active, created_at, updated_at) "
            "VALUES (1, '社区服务中心在哪', '人民路100号。', '', '', 1, ?, ?)", (NOW, NOW))
        # A question answered from it: the rebuilt table (SQLite batch mode) is referred to by its log.
        run("INSERT INTO residents (id, openid, status, created_at) VALUES (1, 'o1', 'active', ?)", (NOW,))
        run("INSERT INTO faq_answers (id, resident_id, faq_id, question, score, answered_at) "
            "VALUES (1, 1, 1, '服务中心在哪', 0.9, ?)", (NOW,))
    return engine


def test_every_entry_stays_district_wide_and_streets_may_then_each_have_the_question(tmp_path):
    url = f"sqlite:///{tmp_path / 'faq.db'}"
    engine = _old_install(url)

    upgrade(url)

    with engine.begin() as connection:
        run = connection.exec_driver_sql
        assert run("SELECT street_id FROM faq_entries WHERE id = 1").scalar() is None
        assert run("SELECT faq_id FROM faq_answers").scalar() == 1 and run("PRAGMA foreign_key_check").all() == []
        for entry, street in ((2, 1), (3, 2)):
            run("INSERT INTO faq_entries (id, question, answer, alternates, category, active, created_at, updated_at, "
                "street_id) VALUES (?, '社区服务中心在哪', '街道的。', '', '', 1, ?, ?, ?)", (entry, NOW, NOW, street))
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO faq_entries (id, question, answer, alternates, category, active, created_at, updated_at, "
            "street_id) VALUES (4, '社区服务中心在哪', '又一条。', '', '', 1, ?, ?, 1)", (NOW, NOW))

    command.downgrade(alembic_config(url), "0045")  # the street entries go; the district-wide one is kept

    with engine.begin() as connection:
        assert [tuple(row) for row in connection.exec_driver_sql("SELECT id FROM faq_entries")] == [(1,)]
    engine.dispose()
