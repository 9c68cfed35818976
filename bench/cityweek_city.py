"""The city of the seed articles (seed 002), bulk-loaded into a migrated, empty database for bench/city_week.py:
31 streets, 293 communities, 4,327 grids, 4,407 grid staff (one member per grid, and a 网格长 in 80 of them),
an operator per community and per street, five buildings per grid and about a million bound residents.

Rows are written past the ORM the way bench/city_year.py writes them (COPY on PostgreSQL, executemany on SQLite);
the staff are bound (their openid is set), as after `认证`."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import fixture  # noqa: F401 - puts the repository on sys.path
from city_year import _Writer, sqlite_datetimes

from storage.db import Database
from storage.models import Building, Community, Grid, Resident, Staff, Street

STREETS, COMMUNITIES, GRIDS, GRID_STAFF = 31, 293, 4_327, 4_407
BUILDINGS_PER_GRID = 5
RESIDENTS_TOTAL = 1_000_000
BATCH = 50_000
STAFF_PREFIX = "o_staff_"


@dataclass(frozen=True)
class GridPeople:
    """Who lives and works in one grid: residents are ids first_resident … first_resident + residents - 1,
    resident number k lives in buildings[k % len(buildings)]."""

    grid_id: int
    buildings: tuple[int, ...]
    members: tuple[str, ...]  # openids of the grid's 网格员
    leader: str | None  # openid of the 网格长, if the grid has one
    first_resident: int
    residents: int


def resident_openid(resident_id: int) -> str:
    """The openid of resident `resident_id`."""
    return f"o_res_{resident_id:07d}"


def spread(total: int, parts: int) -> list[int]:
    """`total` split into `parts` near-equal whole shares, the larger ones first."""
    share, extra = divmod(total, parts)
    return [share + (1 if index < extra else 0) for index in range(parts)]


def load(database: Database, residents_total: int = RESIDENTS_TOTAL) -> list[GridPeople]:
    """Write the city into `database` (migrated, empty); the people of every grid."""
    sqlite_datetimes()
    created = datetime(2026, 1, 1, tzinfo=timezone.utc).replace(tzinfo=None) - timedelta(days=30)
    streets, communities, grids, buildings, staff = [], [], [], [], []
    people: list[GridPeople] = []
    communities_of = spread(COMMUNITIES, STREETS)
    grids_of = spread(GRIDS, COMMUNITIES)
    residents_of = spread(residents_total, GRIDS)
    leaders = set(range(1, GRIDS + 1, GRIDS // (GRID_STAFF - GRIDS)))  # 80 grids spread over the city
    leaders = set(sorted(leaders)[:GRID_STAFF - GRIDS])
    next_resident = 1
    for street_index in range(STREETS):
        street_id = street_index + 1
        streets.append({"id": street_id, "name": f"第{street_id}街道"})
        staff.append(_staff(len(staff) + 1, f"街道操作员{street_id}", "operator", None, None, created))
        for _ in range(communities_of[street_index]):
            community_id = len(communities) + 1
            communities.append({"id": community_id, "street_id": street_id, "name": f"第{community_id}社区"})
            staff.append(_staff(len(staff) + 1, f"社区操作员{community_id}", "operator", None, community_id, created))
            for number in range(1, grids_of[community_id - 1] + 1):
                grid_id = len(grids) + 1
                grids.append({"id": grid_id, "community_id": community_id, "name": f"第{number}网格"})
                grid_buildings = []
                for b in range(1, BUILDINGS_PER_GRID + 1):
                    building_id = len(buildings) + 1
                    buildings.append({"id": building_id, "grid_id": grid_id, "compound": "", "name": f"{b}号楼",
                                      "scene_key": f"w{building_id}"})
                    grid_buildings.append(building_id)
                staff.append(_staff(len(staff) + 1, f"网格员{grid_id}", "grid_member", grid_id, community_id,
                                    created))
                member = staff[-1]["openid"]
                leader = None
                if grid_id in leaders:
                    staff.append(_staff(len(staff) + 1, f"网格长{grid_id}", "grid_leader", grid_id, community_id,
                                        created))
                    leader = staff[-1]["openid"]
                count = residents_of[grid_id - 1]
                people.append(GridPeople(grid_id, tuple(grid_buildings), (member,), leader, next_resident, count))
                next_resident += count
    writer = _Writer(database)
    for model, rows in ((Street, streets), (Community, communities), (Grid, grids), (Building, buildings),
                        (Staff, staff)):
        writer.write(model.__table__, rows)  # type: ignore[attr-defined]
    _residents(writer, people, created)
    writer.finish()
    return people


def _residents(writer: _Writer, people: list[GridPeople], created: datetime) -> None:
    rows: list[dict[str, Any]] = []
    for grid in people:
        for offset in range(grid.residents):
            resident_id = grid.first_resident + offset
            rows.append({"id": resident_id, "openid": resident_openid(resident_id), "status": "active",
                         "grid_id": grid.grid_id, "building_id": grid.buildings[offset % len(grid.buildings)],
                         "created_at": created, "subscribed_at": created})
            if len(rows) >= BATCH:
                writer.write(Resident.__table__, rows)  # type: ignore[attr-defined]
                print(f"\r  {resident_id} residents", end="", file=sys.stderr, flush=True)
                rows = []
    writer.write(Resident.__table__, rows)  # type: ignore[attr-defined]
    print(file=sys.stderr)


def _staff(staff_id: int, name: str, role: str, grid_id: int | None, community_id: int | None,
           created: datetime) -> dict[str, Any]:
    return {"id": staff_id, "openid": f"{STAFF_PREFIX}{staff_id:06d}", "name": name, "role": role, "grid_id": grid_id,
            "community_id": community_id, "active": True, "created_at": created}
