"""The demo's street: 1 street, 2 communities, 4 grids with buildings, grid members, an operator, a 楼长, residents,
and the sample FAQ (docs/faq-sample.csv) that answers residents' 政策咨询.

The test suite describes a street with the same people (tests/support/street.py), so a test reads like a session
in the demo; storage/seeding.py turns either description into rows.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.sheets.faq import read_faq_rows
from nlp import load_taxonomy
from storage import appeals, console_users, dispatch, faq_import, residents, seeding
from storage.errors import NotFound
from storage.models import Appeal, StaffRole, Street

STREET = "幸福街道"
FAQ_SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "faq-sample.csv"
# community -> grid -> (compound, buildings -> units)
LAYOUT: seeding.Layout = {
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
STAFF: tuple[seeding.StaffRow, ...] = (
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
# share 3号楼: three of them reporting the same thing make a 聚焦办 hot spot; o7 lives next door; o9 shows 党员报到.
RESIDENTS: dict[str, seeding.Home] = {
    "o1": ("幸福里社区", "第一网格", "3号楼", "1单元"),
    "o2": ("和平社区", "第一网格", "1栋", "2单元"),
    "o5": ("幸福里社区", "第一网格", "3号楼", "2单元"),
    "o6": ("幸福里社区", "第一网格", "3号楼", "1单元"),
    "o7": ("幸福里社区", "第一网格", "1号楼", "1单元"),
    "o9": ("幸福里社区", "第一网格", "2号楼", "2单元"),  # an in-service party member, not reported yet (党员报到)
}
# openid, name, community, grid, building: 赵阿姨, 楼长 of 阳光花园3号楼, passes notices on and files 代报 for
# neighbours who don't use WeChat.
BUILDING_LEADS: tuple[seeding.LeadRow, ...] = (
    ("demo_staff_louzhang", "赵阿姨", "幸福里社区", "第一网格", "3号楼"),
)
# openid, name, role, home, organisation: the community's own people already confirmed, beside 赵阿姨.
MEMBERS: tuple[seeding.MemberRow, ...] = (
    ("demo_volunteer_zhoumin", "周敏", StaffRole.VOLUNTEER, ("幸福里社区", "第一网格", "1号楼", "2单元"), None),
)
DEMO = seeding.StreetPlan(STREET, LAYOUT, STAFF, RESIDENTS, BUILDING_LEADS, MEMBERS)


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
    residents.bind(session, resident, *seeding.home(session, DEMO, QUIET_HOME))
    session.flush()
    taxonomy = load_taxonomy()
    limits = taxonomy.category(QUIET_CATEGORY)
    intake = appeals.Intake(content=QUIET_APPEAL, channel=appeals.Channel.TEXT, category=QUIET_CATEGORY,
                            confidence=1.0, keywords=("楼道灯",), raw_message={}, response_hours=limits.response_hours,
                            resolve_hours=limits.resolve_hours, department=limits.department,
                            working_days=limits.working_days)
    filed_at = now - QUIET_SINCE
    ticket = appeals.file_appeal(session, resident, intake, filed_at).ticket
    # Dispatched when it was filed, as history's are: left for the demo's worker, it would be a late dispatch
    # (storage.appeals.dispatch_clock) whose claim clock starts again, and nothing would be overdue to show.
    dispatch.dispatch_pending(session, filed_at + timedelta(minutes=1), taxonomy.sensitive)
    return ticket


def seed(session: Session, now: datetime) -> None:
    """Create the demo street on a fresh database (idempotent: running it twice changes nothing). A restart leaves
    the organisation as whoever tried the demo left it: seeded again by the plan's names, a 小区 or building renamed
    (org rename) or moved (org move-building) since was created a second time, on its own QR scene key, and the
    demo stopped with "UNIQUE constraint failed". Any street is the demo's (renamed too): its database is its own."""
    if session.scalar(select(Street.id).limit(1)) is not None:
        return
    seeding.seed_street(session, DEMO, now)
    faq_import.apply(session, read_faq_rows(FAQ_SAMPLE), now)  # keyed by question: a second run changes nothing


CONSOLE_USERNAME = "demo"
CONSOLE_NAME = "演示管理员"


def seed_console_operator(session: Session, now: datetime) -> str:
    """The demo's console account `demo` (a 管理员), with a new random password each start; returns it.

    Random rather than fixed: `gridbot demo --host 0.0.0.0` puts the console on the network, and a password
    printed in the README would open it to anyone there. The guide prints it; a second run replaces it.
    """
    password = _console_password()
    try:
        console_users.set_password(session, CONSOLE_USERNAME, password, now)
    except NotFound:
        console_users.add_user(session, CONSOLE_USERNAME, "管理员", None, CONSOLE_NAME, password, now)
    return password


def _console_password() -> str:
    while True:  # the rules refuse, say, a draw that spells the username: draw again
        password = f"{secrets.token_urlsafe(9)}-{secrets.randbelow(90) + 10}"
        try:
            console_users.check_password(password, CONSOLE_USERNAME)
        except console_users.WeakPassword:
            continue
        return password
