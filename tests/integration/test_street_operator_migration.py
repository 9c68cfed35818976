"""Migration 0041 on a database whose street operators were bound before their street was recorded."""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import command

from storage.db import alembic_config, upgrade

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc).replace(tzinfo=None)


def _old_install(url: str, streets: int) -> sa.Engine:
    command.upgrade(alembic_config(url), "0040")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        for street in range(1, streets + 1):
            run("INSERT INTO streets (id, name) VALUES (?, ?)", (street, f"第{street}街道"))
        run("INSERT INTO communities (id, street_id, name, require_verified_binding) VALUES (1, 1, '滨湖社区', 0)")
        run("INSERT INTO staff (id, openid, name, role, community_id, active, created_at, on_duty) VALUES "
            "(1, 'o_street', '周红', 'operator', NULL, 1, ?, 1), (2, 'o_community', '孙丽', 'operator', 1, 1, ?, 1)",
            (NOW, NOW))
        run("INSERT INTO staff_invites (id, code_hash, hash_scheme, role, name, created_at, expires_at) VALUES "
            "(1, 'h1', 'hmac-sha256', 'operator', '刘主任', ?, ?)", (NOW, NOW))
    return engine


def test_in_an_install_of_one_street_its_street_operators_and_their_invites_get_that_street(tmp_path):
    url = f"sqlite:///{tmp_path / 'one.db'}"
    engine = _old_install(url, streets=1)

    upgrade(url)

    with engine.begin() as connection:
        staff = connection.exec_driver_sql("SELECT id, street_id FROM staff ORDER BY id").all()
        invites = connection.exec_driver_sql("SELECT street_id FROM staff_invites").all()
    assert [tuple(row) for row in staff] == [(1, 1), (2, None)]  # a community's operator has none
    assert [tuple(row) for row in invites] == [(1,)]
    engine.dispose()


def test_with_several_streets_already_nobody_can_tell_whose_and_none_is_recorded(tmp_path):
    url = f"sqlite:///{tmp_path / 'two.db'}"
    engine = _old_install(url, streets=2)

    upgrade(url)

    with engine.begin() as connection:
        assert connection.exec_driver_sql("SELECT street_id FROM staff WHERE id = 1").scalar() is None
    engine.dispose()
