"""The test street, seeded by the `seeded` fixture: the facts the tests rely on.

幸福街道 has two communities of two grids each; 幸福里社区·第一网格 has two grid members and a leader, the other grids
one member each, and 幸福里社区 an operator; 阳光花园3号楼 has a 楼长 (赵阿姨); 阳光花园 has a confirmed 党员 (陈明)
and 志愿者 (周敏). The residents of personas.py are bound; o3 and o4 are not (o3 meets
the binding dialogue, o4 scans a building's QR code). The sample FAQ (docs/faq-sample.csv) answers 政策咨询.
The binding dialogue offers communities, grids, buildings and units in the order they are created here.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from bot.sheets.faq import read_faq_rows
from storage import faq_import, seeding, staff
from storage.models import Staff, StaffRole
from tests.support.personas import (
    BUILDING_LEAD,
    CHEN,
    HEPING_RESIDENT,
    LI,
    LIU,
    NEIGHBOUR,
    NEXT_DOOR,
    OPERATOR,
    PARTY_MEMBER,
    RESIDENT,
    UNIT_NEIGHBOUR,
    VOLUNTEER,
    WANG,
    ZHANG,
    ZHAO,
)

XINGFULI, HEPING = "幸福里社区", "和平社区"
FIRST, SECOND = "第一网格", "第二网格"
FAQ_SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "faq-sample.csv"

ONE_UNIT, TWO_UNITS = ("1单元",), ("1单元", "2单元")
LAYOUT: seeding.Layout = {
    XINGFULI: {
        FIRST: ("阳光花园", dict.fromkeys(("1号楼", "2号楼", "3号楼"), TWO_UNITS)),
        SECOND: ("锦绣家园", {"5号楼": TWO_UNITS, "6号楼": ONE_UNIT}),
    },
    HEPING: {
        FIRST: ("和平小区", {"1栋": ("1单元", "2单元", "3单元"), "2栋": ONE_UNIT}),
        SECOND: ("东方名苑", dict.fromkeys(("A座", "B座"), ())),  # buildings without units
    },
}
MEMBER, LEADER = StaffRole.GRID_MEMBER, StaffRole.GRID_LEADER
STAFF: tuple[seeding.StaffRow, ...] = (
    (ZHANG, "张伟", MEMBER, XINGFULI, FIRST),
    (LI, "李娜", MEMBER, XINGFULI, FIRST),
    (WANG, "王强", LEADER, XINGFULI, FIRST),
    (LIU, "刘洋", MEMBER, XINGFULI, SECOND),
    (CHEN, "陈静", MEMBER, HEPING, FIRST),
    (ZHAO, "赵磊", MEMBER, HEPING, SECOND),
    (OPERATOR, "孙丽", StaffRole.OPERATOR, XINGFULI, None),
)
BUILDING_3 = (XINGFULI, FIRST, "3号楼")
RESIDENTS: dict[str, seeding.Home] = {
    RESIDENT: (*BUILDING_3, "1单元"),
    HEPING_RESIDENT: (HEPING, FIRST, "1栋", "2单元"),
    NEIGHBOUR: (*BUILDING_3, "2单元"),
    UNIT_NEIGHBOUR: (*BUILDING_3, "1单元"),
    NEXT_DOOR: (XINGFULI, FIRST, "1号楼", "1单元"),
}
LEADS: tuple[seeding.LeadRow, ...] = ((BUILDING_LEAD, "赵阿姨", *BUILDING_3),)
MEMBERS: tuple[seeding.MemberRow, ...] = (
    (PARTY_MEMBER, "陈明", StaffRole.PARTY_MEMBER, (XINGFULI, FIRST, "2号楼", "1单元"), "市税务局第二党支部"),
    (VOLUNTEER, "周敏", StaffRole.VOLUNTEER, (XINGFULI, FIRST, "1号楼", "2单元"), None),
)
STREET = seeding.StreetPlan("幸福街道", LAYOUT, STAFF, RESIDENTS, LEADS, MEMBERS)


def seed(session: Session, now: datetime) -> None:
    """Create the test street, its people and the sample FAQ (idempotent)."""
    seeding.seed_street(session, STREET, now)
    faq_import.apply(session, read_faq_rows(FAQ_SAMPLE), now)


PROPERTY_CLERK, DEPARTMENT_OFFICER = "prop_1", "dept_zhifa"


def add_contractors(session: Session, now: datetime) -> None:
    """A clerk of 阳光物业公司 serving 幸福里社区·第一网格 and an officer of 综合执法中队 (no grid), both bound."""
    grid = staff.find_grid(session, "幸福里社区·第一网格")
    session.add(Staff(openid=PROPERTY_CLERK, name="物业钱经理", role=StaffRole.PROPERTY, department="阳光物业公司",
                      grid_id=grid.id, community_id=grid.community_id, active=True, created_at=now))
    session.add(Staff(openid=DEPARTMENT_OFFICER, name="周队长", role=StaffRole.DEPARTMENT, department="综合执法中队",
                      active=True, created_at=now))


# A second street of the district, with units named like 幸福街道's (storage.unit_reach): each street its own
# 综合执法中队, and one property company, 阳光物业公司, serving a compound in each of two communities.
ANNING, ANNING_COMMUNITY = "安宁街道", "安宁社区"
ANNING_RESIDENT, ANNING_MEMBER = "o_anning", "an_member"
SQUAD, SQUAD_XINGFU, SQUAD_ANNING = "综合执法中队", "zf_xingfu", "zf_anning"
COMPANY, CLERK_YANGGUANG, CLERK_HEPING = "阳光物业公司", "wy_yangguang", "wy_heping"
ANNING_STREET = seeding.StreetPlan(
    ANNING, {ANNING_COMMUNITY: {FIRST: ("翠湖苑", {"1号楼": TWO_UNITS})}},
    ((ANNING_MEMBER, "马超", MEMBER, ANNING_COMMUNITY, FIRST),),
    {ANNING_RESIDENT: (ANNING_COMMUNITY, FIRST, "1号楼", "1单元")})


def add_second_street(session: Session, now: datetime) -> None:
    """安宁街道 and the same-named units of both streets: a 综合执法中队 officer of each street, and a clerk of
    阳光物业公司 in 幸福里社区·第一网格 (阳光花园) and one in 和平社区·第一网格 (和平小区)."""
    seeding.seed_street(session, ANNING_STREET, now)
    for openid, name, street_name in ((SQUAD_XINGFU, "周队长", "幸福街道"), (SQUAD_ANNING, "吴队长", ANNING)):
        session.add(Staff(openid=openid, name=name, role=StaffRole.DEPARTMENT, department=SQUAD, active=True,
                          street_id=staff.find_street(session, street_name).id, created_at=now))
    for openid, name, place in ((CLERK_YANGGUANG, "物业钱经理", "幸福里社区·第一网格"),
                                (CLERK_HEPING, "物业孙经理", "和平社区·第一网格")):
        grid = staff.find_grid(session, place)
        session.add(Staff(openid=openid, name=name, role=StaffRole.PROPERTY, department=COMPANY, grid_id=grid.id,
                          community_id=grid.community_id, active=True, created_at=now))
