"""Migration 0042 on a database whose 部门 officers were bound before a department's street was recorded."""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import command

from storage.db import alembic_config, upgrade

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc).replace(tzinfo=None)


def _old_install(url: str, streets: int) -> sa.Engine:
    command.upgrade(alembic_config(url), "0041")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        for street in range(1, streets + 1):
            run("INSERT INTO streets (id, name) VALUES (?, ?)", (street, f"第{street}街道"))
            run("INSERT INTO communities (id, street_id, name, require_verified_binding) VALUES (?, ?, ?, 0)",
                (street, street, f"第{street}社区"))
            run("INSERT INTO grids (id, community_id, name, dispatch_mode, active) VALUES (?, ?, '第一网格', 'grab', 1)",
                (street, street))
        officers = [(1, "o_squad_1", "周队长"), (2, "o_squad_2", "吴队长"), (3, "o_squad_new", "郑队员")]
        for staff_id, openid, name in officers:
            run("INSERT INTO staff (id, openid, name, role, department, active, created_at, on_duty) "
                "VALUES (?, ?, ?, 'department', '综合执法中队', 1, ?, 1)", (staff_id, openid, name, NOW))
        run("INSERT INTO staff (id, openid, name, role, grid_id, community_id, department, active, created_at, "
            "on_duty) VALUES (4, 'o_clerk', '钱经理', 'property', 1, 1, '阳光物业公司', 1, ?, 1)", (NOW,))
        run("INSERT INTO staff_invites (id, code_hash, hash_scheme, role, department, name, created_at, expires_at) "
            "VALUES (1, 'h1', 'hmac-sha256', 'department', '综合执法中队', '刘队长', ?, ?)", (NOW, NOW))
        # 周队长 claimed an appeal of street 1 only; 吴队长 one of each street; 郑队员 none yet.
        for appeal_id, grid_id, officer in ((1, 1, 1), (2, 1, 2), (3, streets, 2)):
            run("INSERT INTO appeals (id, ticket, grid_id, category, confidence, keywords, channel, content, raw_message, status, "
                "response_hours, resolve_hours, created_at, updated_at, escalation_level) "
                "VALUES (?, ?, ?, '综合执法', 0.9, '[]', 'text', '占道经营', '{}', 'accepted', 2, 72, ?, ?, 0)",
                (appeal_id, f"G26120100{appeal_id:02d}", grid_id, NOW, NOW))
            run("INSERT INTO appeal_events (appeal_id, at, actor_kind, actor_id, action, internal) "
                "VALUES (?, ?, 'staff', ?, 'accepted', 0)", (appeal_id, NOW, officer))
    return engine


def _streets(engine: sa.Engine, table: str) -> list[tuple[int, int | None]]:
    with engine.begin() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(f"SELECT id, street_id FROM {table} ORDER BY id")]


def test_in_an_install_of_one_street_its_departments_officers_and_invites_get_that_street(tmp_path):
    url = f"sqlite:///{tmp_path / 'one.db'}"
    engine = _old_install(url, streets=1)

    upgrade(url)

    assert _streets(engine, "staff") == [(1, 1), (2, 1), (3, 1), (4, None)]  # a property clerk keeps their grid
    assert _streets(engine, "staff_invites") == [(1, 1)]
    engine.dispose()


def test_with_several_streets_an_officer_gets_the_one_street_they_worked_in_and_the_rest_stay_district_wide(
        tmp_path):
    url = f"sqlite:///{tmp_path / 'two.db'}"
    engine = _old_install(url, streets=2)

    upgrade(url)

    assert _streets(engine, "staff") == [(1, 1), (2, None), (3, None), (4, None)]
    assert _streets(engine, "staff_invites") == [(1, None)]
    engine.dispose()
