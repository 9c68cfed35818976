"""Migration 0044 on a database where people left before disabling revoked the invites made out to them."""

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import command

from storage.db import alembic_config, upgrade

MADE = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(hours=1)  # naive UTC, as stored
RUNS = MADE + timedelta(hours=72)


def _old_install(url: str) -> sa.Engine:
    command.upgrade(alembic_config(url), "0043")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        run("INSERT INTO streets (id, name) VALUES (1, '幸福街道')")
        for community, name in ((1, "幸福里社区"), (2, "和平社区")):
            run("INSERT INTO communities (id, street_id, name, require_verified_binding) VALUES (?, 1, ?, 0)",
                (community, name))
            run("INSERT INTO grids (id, community_id, name, dispatch_mode, active) VALUES (?, ?, '第一网格', 'grab', 1)",
                (community, community))
        # 张伟 (his phone still on his row) and 王强 left; 李娜 works on.
        for staff_id, name, phone, active in ((1, "张伟", "13800000001", 0), (2, "王强", None, 0),
                                              (3, "李娜", None, 1)):
            run("INSERT INTO staff (id, openid, name, phone, role, grid_id, community_id, active, created_at, on_duty) "
                "VALUES (?, ?, ?, ?, 'grid_member', 1, 1, ?, ?, 1)", (staff_id, f"o_{staff_id}", name, phone, active,
                                                                         MADE))
        invites = [
            (1, "张伟", "13800000001", 2, None, RUNS),  # his phone, another community: his
            (2, "张伟", None, 1, None, RUNS),  # no phone, his community: his
            (3, "张伟", None, 2, None, RUNS),  # no phone, another community: a namesake's
            (4, "李娜", None, 1, None, RUNS),  # one who still works: hers
            (5, "王强", None, 1, MADE, RUNS),  # used already
            (6, "王强", None, 1, None, MADE),  # expired
            (7, "王强", None, 1, None, RUNS),  # his
        ]
        for invite_id, name, phone, community, used_at, expires_at in invites:
            run("INSERT INTO staff_invites (id, code_hash, hash_scheme, role, grid_id, community_id, name, phone, "
                "created_at, expires_at, used_at) VALUES (?, ?, 'hmac-sha256', 'grid_member', ?, ?, ?, ?, ?, ?, ?)",
                (invite_id, f"h{invite_id}", community, community, name, phone, MADE, expires_at, used_at))
    return engine


def test_the_unused_invites_made_out_to_people_who_left_are_revoked_and_their_leaving_recorded(tmp_path):
    url = f"sqlite:///{tmp_path / 'leavers.db'}"
    engine = _old_install(url)

    upgrade(url)

    with engine.begin() as connection:
        revoked = [row[0] for row in connection.exec_driver_sql(
            "SELECT id FROM staff_invites WHERE revoked_at IS NOT NULL ORDER BY id")]
        left = [tuple(row) for row in connection.exec_driver_sql(
            "SELECT id, disabled_at IS NOT NULL FROM staff ORDER BY id")]
    assert revoked == [1, 2, 7]
    assert left == [(1, 1), (2, 1), (3, 0)]
    engine.dispose()
