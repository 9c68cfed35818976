"""A city-sized year of appeals for the console bench (bench/console_scale.py), bulk-loaded into an empty,
migrated database: COPY on PostgreSQL, executemany on SQLite.

The organisation: 30 streets of 10 communities of 10 grids (3,000 grids), five buildings per grid, a grid
leader and three members per grid, an operator per community and per street, and residents bound to the
buildings. The appeals: filed over the year before `NOW` with a summer peak, each with the trail the lifecycle
writes (submitted, dispatched, sometimes 退回 and 改派, 接单, progress notes, sometimes 挂起/恢复, 办结, a rating,
不满意 → reopened and 办结 again, reminders and views), cut at `NOW`: the recent ones are still open, so the
queues (unclaimed, overdue, 待分类) are as full as a real console's. Ids follow the filing time, as they do live.
"""

from __future__ import annotations

import random
import sqlite3
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, text

from storage.db import Database
from storage.models import Appeal, AppealEvent, Building, Community, Grid, Resident, Staff, Street
from storage.trail_facts import ACCEPTED, RATED, RATING_CODES, REOPENED, RESOLVED, RETURNED, TRAIL

# 10:00 in Beijing: the bench's clock. The rows are written past SQLAlchemy, in naive UTC as UTCDateTime
# stores it (`sqlite_datetimes` writes them as SQLAlchemy's SQLite dialect does).
NOW = datetime(2026, 12, 1, 2, 0)
NOW_UTC = NOW.replace(tzinfo=timezone.utc)
YEAR = timedelta(days=365)
STREETS, COMMUNITIES_PER_STREET, GRIDS_PER_COMMUNITY, BUILDINGS_PER_GRID = 30, 10, 10, 5
MEMBERS_PER_GRID = 3
RESIDENTS_PER_GRID = 20
BATCH = 20_000
# Appeals per month, relative: summer (drains, air conditioners, mosquitoes) is the busy season.
SEASON = (0.8, 0.7, 0.9, 1.0, 1.1, 1.3, 1.5, 1.5, 1.2, 1.0, 0.9, 0.8)
CATEGORIES = ("物业服务", "环境卫生", "市政设施", "噪音扰民", "邻里纠纷", "安全隐患", "停车管理", "待分类")
CATEGORY_WEIGHTS = (22, 20, 16, 12, 8, 8, 12, 2)
PLACES = ("小区门口", "3号楼", "地下车库", "楼道", "健身广场", "垃圾站", "东门", "7栋2单元", "电梯间", "河边步道")
TROUBLES = ("电梯坏了一直没人修", "垃圾好几天没人清运", "路灯不亮", "污水井冒水", "晚上施工噪音很大",
            "有人占用消防通道", "楼上漏水", "绿化带被占用种菜", "共享单车乱停", "井盖松动有危险",
            "空调外机滴水", "流浪狗咬人", "楼道堆放杂物", "停车位被长期占用", "水压太低")


@dataclass(frozen=True)
class City:
    """The ids the appeals are spread over."""

    grids: list[int]
    buildings: dict[int, list[int]]  # per grid
    members: dict[int, list[int]]  # per grid: the leader first
    operators: dict[int, int]  # per community
    communities: dict[int, int]  # the community of each grid
    residents: dict[int, list[int]]  # per grid


def sqlite_datetimes() -> None:
    """Let sqlite3 write naive datetimes as SQLAlchemy's SQLite DateTime does (with microseconds, always)."""
    sqlite3.register_adapter(datetime, lambda value: value.isoformat(" ", "microseconds"))


def load(databases: list[Database], appeals: int, seed: int = 13) -> City:
    """Write the organisation and `appeals` appeals with their trails into each database (the same rows into
    each, generated once); the ids they were spread over."""
    city = _organisation(databases)
    rng = random.Random(seed)
    filed = sorted(NOW - YEAR + _seasonal(rng) for _ in range(appeals))
    writers = [_Writer(database) for database in databases]
    event_id = 0
    for start in range(0, appeals, BATCH):
        rows, events = [], []
        for number in range(start, min(start + BATCH, appeals)):
            row, trail = _appeal(rng, city, number + 1, filed[number])
            rows.append(row)
            for event in trail:
                event_id += 1
                events.append({"id": event_id, "appeal_id": number + 1, **event})
            row.update(_trail_columns(row, events[len(events) - len(trail):]))
        for writer in writers:
            writer.write(Appeal.__table__, rows)
            writer.write(AppealEvent.__table__, events)
        print(f"\r  {start + len(rows)} appeals", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    for writer in writers:
        writer.finish()
    return city


def _trail_columns(row: dict[str, Any], trail: list[dict[str, Any]]) -> dict[str, Any]:
    """The trail columns storage.appeals.record keeps (storage/trail_facts.py), from the appeal's events."""
    def of(action: str) -> list[dict[str, Any]]:
        return [event for event in trail if event["action"] == action]

    accepted, resolved, reopened, rated = of(ACCEPTED), of(RESOLVED), of(REOPENED), of(RATED)
    return {
        "trail_at": max([row["created_at"], *(event["at"] for event in trail if event["action"] in TRAIL)]),
        "trail_first_accepted_at": min(event["at"] for event in accepted) if accepted else None,
        "trail_resolve_event_id": resolved[-1]["id"] if resolved else None,
        "trail_resolved_at": max(event["at"] for event in resolved) if resolved else None,
        "trail_reopen_event_id": reopened[-1]["id"] if reopened else None,
        "trail_rating_key": max(event["id"] * len(RATING_CODES) + RATING_CODES.get(event["note"] or "", 0)
                                for event in rated) if rated else None,
        "trail_returned": bool(of(RETURNED)),
    }


def _seasonal(rng: random.Random) -> timedelta:
    month = rng.choices(range(12), SEASON)[0]
    return timedelta(days=(month + rng.random()) * 365 / 12)


class _Writer:
    """Bulk inserts of dict rows, the fastest way each database takes them; sequences set right at the end."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.postgres = database.engine.dialect.name == "postgresql"
        self.tables: set[Table] = set()

    def write(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        self.tables.add(table)
        names = [column.name for column in table.columns]
        defaults = {name: _default(table, name) for name in names}
        in_order = itemgetter(*names)
        values = [in_order({**defaults, **row}) for row in rows]
        with self.database.engine.begin() as connection:
            if self.postgres:
                cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
                with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                    for row_values in values:
                        copy.write_row(row_values)
            else:
                statement = (f"INSERT INTO {table.name} ({', '.join(names)}) "
                             f"VALUES ({', '.join('?' * len(names))})")
                connection.exec_driver_sql(statement, values)

    def finish(self) -> None:
        if not self.postgres:
            return
        with self.database.engine.begin() as connection:
            for table in self.tables:
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                        f"(SELECT max(id) FROM {table.name}))"))


def _default(table: Table, name: str) -> Any:
    column = table.columns[name]
    if column.default is not None and column.default.is_scalar:
        return column.default.arg
    if column.server_default is not None:
        value = str(getattr(column.server_default, "arg", ""))
        return {"true": True, "false": False, "0": 0, "1": True}.get(value.lower(), value)
    return None


def _organisation(databases: list[Database]) -> City:
    created = NOW - YEAR - timedelta(days=30)
    streets, communities, grids, buildings, staff, residents = [], [], [], [], [], []
    city = City([], {}, {}, {}, {}, {})
    for s in range(1, STREETS + 1):
        streets.append({"id": s, "name": f"第{s}街道"})
        staff.append(_staff(len(staff) + 1, f"街道操作员{s}", "operator", None, None, created))
        for _ in range(COMMUNITIES_PER_STREET):
            community_id = len(communities) + 1
            communities.append({"id": community_id, "street_id": s, "name": f"第{community_id}社区"})
            staff.append(_staff(len(staff) + 1, f"社区操作员{community_id}", "operator", None, community_id, created))
            city.operators[community_id] = len(staff)
            for g in range(1, GRIDS_PER_COMMUNITY + 1):
                grid_id = len(grids) + 1
                grids.append({"id": grid_id, "community_id": community_id, "name": f"第{g}网格"})
                city.grids.append(grid_id)
                city.communities[grid_id] = community_id
                city.buildings[grid_id] = []
                for b in range(1, BUILDINGS_PER_GRID + 1):
                    building_id = len(buildings) + 1
                    buildings.append({"id": building_id, "grid_id": grid_id, "compound": "", "name": f"{b}号楼",
                                      "scene_key": f"b{building_id}"})
                    city.buildings[grid_id].append(building_id)
                city.members[grid_id] = []
                for m in range(MEMBERS_PER_GRID + 1):
                    role = "grid_leader" if m == 0 else "grid_member"
                    staff.append(_staff(len(staff) + 1, f"网格员{grid_id}-{m}", role, grid_id, community_id, created))
                    city.members[grid_id].append(len(staff))
                city.residents[grid_id] = []
                for r in range(RESIDENTS_PER_GRID):
                    resident_id = len(residents) + 1
                    building = city.buildings[grid_id][r % BUILDINGS_PER_GRID]
                    residents.append({"id": resident_id, "openid": f"o_city_{resident_id:07d}", "status": "active",
                                      "grid_id": grid_id, "building_id": building, "created_at": created,
                                      "subscribed_at": created})
                    city.residents[grid_id].append(resident_id)
    for database in databases:
        writer = _Writer(database)
        for model, rows in ((Street, streets), (Community, communities), (Grid, grids), (Building, buildings),
                            (Staff, staff), (Resident, residents)):
            writer.write(model.__table__, rows)  # type: ignore[attr-defined]
        writer.finish()
    return city


def _staff(staff_id: int, name: str, role: str, grid_id: int | None, community_id: int | None,
           created: datetime) -> dict[str, Any]:
    return {"id": staff_id, "openid": f"o_staff_{staff_id:06d}", "name": name, "role": role, "grid_id": grid_id,
            "community_id": community_id, "active": True, "created_at": created}


def _appeal(rng: random.Random, city: City, number: int, filed: datetime) -> tuple[dict[str, Any], list[dict]]:
    """One appeal and its trail as the lifecycle writes it, cut at NOW; the row's columns as of NOW."""
    grid = rng.choice(city.grids)
    category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
    hour = timedelta(hours=1)
    trail = _Trail(filed)
    row: dict[str, Any] = {
        "id": number, "ticket": _ticket(filed, number), "resident_id": rng.choice(city.residents[grid]),
        "grid_id": grid, "building_id": rng.choice(city.buildings[grid]), "category": category,
        "confidence": round(rng.uniform(0.5, 1), 2), "keywords": "[]", "channel": rng.choices(
            ("text", "voice", "image"), (85, 10, 5))[0],
        "content": f"{rng.choice(PLACES)}{rng.choice(TROUBLES)}，麻烦尽快处理", "raw_message": "{}",
        "response_hours": 24, "resolve_hours": 72, "response_due_at": filed + 24 * hour,
        "resolve_due_at": filed + 72 * hour, "created_at": filed, "escalation_level": 0, "working_days": False,
    }
    trail.add(filed, "resident", row["resident_id"], "submitted", None, "submitted")
    status = "submitted"
    trail.add(filed, "system", None, "dispatched", status, "dispatched")
    status = "dispatched"
    members = city.members[grid]
    member = rng.choice(members[1:])
    operator = city.operators[city.communities[grid]]
    roll = rng.random()
    moment = filed
    if roll < 0.03:
        moment += hour * rng.uniform(0.1, 5)
        if trail.add(moment, "resident", row["resident_id"], "cancelled", status, "cancelled"):
            status = "cancelled"
        return _finish(row, status, trail), trail.events
    if roll < 0.04:
        moment += hour * rng.uniform(0.5, 8)
        if trail.add(moment, "staff", operator, "rejected", status, "rejected", "不属于诉求"):
            status = "rejected"
        return _finish(row, status, trail), trail.events
    if rng.random() < 0.05:  # 退回 by the grid, 改派 by the community's operator
        moment += hour * rng.uniform(0.5, 6)
        if trail.add(moment, "staff", member, "returned", status, "returned", "不属于本网格"):
            status = "returned"
            moment += hour * rng.uniform(0.5, 12)
            if trail.add(moment, "staff", operator, "reassigned", status, "dispatched", "改派"):
                status = "dispatched"
    # Claims: most within the day; a tenth late. Those filed just now are still waiting.
    moment += hour * (rng.uniform(0.2, 20) if rng.random() < 0.9 else rng.uniform(24, 60))
    if moment > filed + 20 * hour:
        trail.add(filed + 20 * hour, "system", None, "reminded", None, None, internal=True)
    if not trail.add(moment, "staff", member, "accepted", status, "accepted"):
        return _finish(row, status, trail), trail.events
    status, row["assignee_staff_id"], row["accepted_at"] = "accepted", member, moment
    for _ in range(rng.choice((0, 1, 1, 2))):
        moment += hour * rng.uniform(1, 12)
        if not trail.add(moment, "staff", member, "progress", None, None, "已到现场查看"):
            return _finish(row, status, trail), trail.events
    if rng.random() < 0.04:  # 挂起 for parts, then 恢复: the resolve deadline moves on by the pause
        moment += hour * rng.uniform(1, 10)
        if not trail.add(moment, "staff", member, "paused", status, "paused", "等配件"):
            return _finish(row, status, trail), trail.events
        status, row["paused_at"] = "paused", moment
        pause = hour * rng.uniform(24, 120)
        if not trail.add(moment + pause, "staff", member, "resumed", status, "accepted"):
            return _finish(row, status, trail), trail.events
        moment += pause
        status, row["paused_at"] = "accepted", None
        row["resolve_due_at"] += pause
    if rng.random() < 0.06:  # someone else read it (查询)
        trail.add(moment, "staff", members[0], "viewed", None, None, internal=True)
    for attempt in range(2):
        moment += hour * (rng.uniform(1, 60) if rng.random() < 0.88 else rng.uniform(60, 200))
        if not trail.add(moment, "staff", member, "resolved", status, "resolved", "已处理"):
            return _finish(row, status, trail), trail.events
        status, row["resolved_at"] = "resolved", moment
        if rng.random() > 0.72:  # not rated (yet): it closes unrated
            return _finish(row, status, trail), trail.events
        moment += hour * rng.uniform(0.5, 30)
        rating = rng.choices(("satisfied", "basic", "unsatisfied"), (0.82, 0.13, 0.05 if attempt == 0 else 0.01))[0]
        if not trail.add(moment, "resident", row["resident_id"], "rated", status,
                         "accepted" if rating == "unsatisfied" else "closed", rating):
            return _finish(row, status, trail), trail.events
        row["rating"], row["rated_at"] = rating, moment
        if rating != "unsatisfied":
            return _finish(row, "closed", trail), trail.events
        trail.add(moment, "resident", row["resident_id"], "reopened", "resolved", "accepted")
        status, row["resolved_at"] = "accepted", None
    return _finish(row, status, trail), trail.events


class _Trail:
    """The events of one appeal up to NOW (`add` says whether the event happened by then)."""

    def __init__(self, filed: datetime) -> None:
        self.events: list[dict[str, Any]] = []
        self.last = filed

    def add(self, at: datetime, kind: str, actor: int | None, action: str, from_status: str | None,
            to_status: str | None, note: str | None = None, internal: bool = False) -> bool:
        if at >= NOW:
            return False
        self.last = max(self.last, at)
        self.events.append({"at": at, "actor_kind": kind, "actor_id": actor, "action": action,
                            "from_status": from_status, "to_status": to_status, "note": note, "internal": internal})
        return True


def _finish(row: dict[str, Any], status: str, trail: _Trail) -> dict[str, Any]:
    row["status"] = status
    row["updated_at"] = trail.last
    return row


def _ticket(filed: datetime, number: int) -> str:
    local = filed + timedelta(hours=8)
    return f"G{local:%y%m%d}{number:07d}"[:16]
