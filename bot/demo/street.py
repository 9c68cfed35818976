"""The demo's street: 1 street, 2 communities, 4 grids with buildings, grid members, an operator, residents,
and the sample FAQ (docs/faq-sample.csv) that answers residents' 政策咨询.

The tests seed the same people, so a test reads like a session in the demo.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.sheets.faq import read_faq_rows
from nlp import load_taxonomy
from storage import appeals, faq_import, org, residents
from storage.models import Appeal, Building, Staff, StaffRole, Unit

STREET = "幸福街道"
FAQ_SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "faq-sample.csv"
# community -> grid -> (compound, buildings -> units)
LAYOUT: dict[str, dict[str, tuple[str, dict[str, tuple[str, ...]]]]] = {
    "幸福里社区": {
        "第一网格": ("阳光花园", {"1号楼": ("1单元", "2单元"), "2号楼": ("1单元", "2单元"), "3号楼": ("1单元", "2单元")}),
        "第二网格": ("锦绣家园", {"5号楼": ("1单元", "2单元"), "6号楼": ("1单元",)}),
    },
    "和平社区": {
        "第一网格": ("和平小区", {"1栋": ("1单元", "2单元", "3单元"), "2栋": ("1单元",)}),
        "第二网格": ("东方名苑", {"A座": (), "B座": ()}),
    },
}
# openid, name, role, community, grid (None for operators)
STAFF: tuple[tuple[str, str, StaffRole, str, str | None], ...] = (
    ("demo_staff_zhangwei", "张伟", StaffRole.GRID_MEMBER, "幸福里社区", "第一网格"),
    ("demo_staff_lina", "李娜", StaffRole.GRID_MEMBER, "幸福里社区", "第一网格"),
    ("demo_staff_wangqiang", "王强", StaffRole.GRID_LEADER, "幸福里社区", "第一网格"),
    ("demo_staff_liuyang", "刘洋", StaffRole.GRID_MEMBER, "幸福里社区", "第二网格"),
    ("demo_staff_chenjing", "陈静", StaffRole.GRID_MEMBER, "和平社区", "第一网格"),
    ("demo_staff_zhaolei", "赵磊", StaffRole.GRID_MEMBER, "和平社区", "第二网格"),
    ("demo_staff_sunli", "孙丽", StaffRole.OPERATOR, "幸福里社区", None),
)
# openid -> (community, grid, building, unit): residents already bound; o3 is left for the binding dialogue,
# o4 for the QR code. o5 is o1's neighbour in 3号楼, to show joining an open appeal (我也遇到); o1, o5 and o6
# share 3号楼: three of them reporting the same thing make a 聚焦办 hot spot; o7 lives next door.
RESIDENTS = {
    "o1": ("幸福里社区", "第一网格", "3号楼", "1单元"),
    "o2": ("和平社区", "第一网格", "1栋", "2单元"),
    "o5": ("幸福里社区", "第一网格", "3号楼", "2单元"),
    "o6": ("幸福里社区", "第一网格", "3号楼", "1单元"),
    "o7": ("幸福里社区", "第一网格", "1号楼", "1单元"),
}


# Only the demo (not the tests) seeds a resident who wrote two days ago and not since: their 48-hour reply window
# is closed, so their notices show the template path (GRIDBOT_RESIDENT_TEMPLATE_ID) at the fake API.
QUIET_RESIDENT = "o8"
QUIET_HOME = ("幸福里社区", "第一网格", "2号楼", "1单元")
QUIET_APPEAL = "2号楼1单元楼道灯不亮，晚上上下楼看不见"
QUIET_CATEGORY = "物业服务"
QUIET_SINCE = timedelta(hours=50)


def seed_quiet_resident(session: Session, now: datetime) -> str:
    """o8 and the appeal they filed QUIET_SINCE ago (once: a second run finds it); returns its ticket."""
    resident = residents.get_or_create(session, QUIET_RESIDENT, now - QUIET_SINCE)
    filed = session.scalars(select(Appeal.ticket).where(Appeal.resident_id == resident.id).order_by(Appeal.id)).first()
    if filed is not None:
        return filed
    residents.bind(session, resident, *_home(session, *QUIET_HOME))
    session.flush()
    limits = load_taxonomy().category(QUIET_CATEGORY)
    intake = appeals.Intake(content=QUIET_APPEAL, channel=appeals.Channel.TEXT, category=QUIET_CATEGORY,
                            confidence=1.0, keywords=("楼道灯",), raw_message={}, response_hours=limits.response_hours,
                            resolve_hours=limits.resolve_hours, department=limits.department)
    return appeals.file_appeal(session, resident, intake, now - QUIET_SINCE).ticket


def seed(session: Session, now: datetime) -> None:
    """Create the demo street (idempotent: running it twice changes nothing)."""
    street = org.ensure_street(session, STREET)
    grids = {}
    for community_name, community_grids in LAYOUT.items():
        community = org.ensure_community(session, street, community_name)
        for grid_name, (compound, grid_buildings) in community_grids.items():
            grid = org.ensure_grid(session, community, grid_name)
            grids[community_name, grid_name] = (community, grid)
            for building_name, unit_names in grid_buildings.items():
                building = org.ensure_building(session, grid, building_name, compound)
                for unit_name in unit_names:
                    org.ensure_unit(session, building, unit_name)
    for openid, name, role, community_name, grid_name in STAFF:
        if session.scalars(select(Staff).where(Staff.openid == openid)).first():
            continue
        community = next(c for (cn, _g), (c, _grid) in grids.items() if cn == community_name)
        grid = grids[community_name, grid_name][1] if grid_name else None
        session.add(Staff(openid=openid, name=name, role=role, grid_id=grid.id if grid else None,
                          community_id=community.id, active=True, created_at=now))
    for openid, home in RESIDENTS.items():
        resident = residents.get_or_create(session, openid, now)
        if resident.grid_id is None:
            residents.bind(session, resident, *_home(session, *home))
    session.flush()
    faq_import.apply(session, read_faq_rows(FAQ_SAMPLE), now)  # keyed by question: a second run changes nothing


def _home(session: Session, community_name: str, grid_name: str, building_name: str,
          unit_name: str) -> tuple[Building, Unit]:
    """A building and unit of LAYOUT (already seeded) by their names."""
    street = org.ensure_street(session, STREET)
    grid = org.ensure_grid(session, org.ensure_community(session, street, community_name), grid_name)
    building = org.ensure_building(session, grid, building_name, LAYOUT[community_name][grid_name][0])
    return building, org.ensure_unit(session, building, unit_name)
