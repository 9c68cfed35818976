"""Migration 0017 on a database where `３号楼` and `3号楼` were imported as two buildings before it."""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import command

from storage.db import alembic_config, upgrade


def test_width_duplicates_become_one_active_building_and_nothing_is_deleted(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0016")
    engine = sa.create_engine(url)
    now = datetime(2026, 12, 1, tzinfo=timezone.utc).replace(tzinfo=None)
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        run("INSERT INTO streets (id, name) VALUES (1, '东湖街道')")
        run("INSERT INTO communities (id, street_id, name, require_verified_binding) VALUES (1, 1, '滨湖社区', 0)")
        run("INSERT INTO grids (id, community_id, name, dispatch_mode) VALUES (1, 1, '第一网格', 'grab')")
        run("INSERT INTO buildings (id, grid_id, compound, name, scene_key) VALUES "
            "(1, 1, '滨湖花园', '３号楼', 'b1'), (2, 1, '滨湖花园', '3号楼', 'b2'), (3, 1, '滨湖 花园', '5号楼', 'b3')")
        run("INSERT INTO units (id, building_id, name) VALUES (1, 1, '1单元'), (2, 2, '1单元'), (3, 2, '２单元')")
        run("INSERT INTO residents (id, openid, status, grid_id, building_id, unit_id, created_at) VALUES "
            "(1, 'o_full', 'active', 1, 1, 1, ?), (2, 'o_half', 'active', 1, 2, 2, ?)", (now, now))

    upgrade(url)

    with engine.begin() as connection:
        buildings = connection.exec_driver_sql(
            "SELECT id, compound, name, active FROM buildings ORDER BY id").all()
        units = connection.exec_driver_sql("SELECT id, building_id, name, active FROM units ORDER BY id").all()
        homes = connection.exec_driver_sql("SELECT building_id, unit_id FROM residents ORDER BY id").all()
    # 3号楼 is already spelled the normalised way: it stays; ３号楼 is kept, deactivated, for its history.
    assert [tuple(row) for row in buildings] == [(1, "滨湖花园", "３号楼", 0), (2, "滨湖花园", "3号楼", 1),
                                                 (3, "滨湖花园", "5号楼", 1)]
    assert [tuple(row) for row in units] == [(1, 1, "1单元", 0), (2, 2, "1单元", 1), (3, 2, "2单元", 1)]
    assert [tuple(row) for row in homes] == [(2, 2), (2, 2)]
    engine.dispose()
