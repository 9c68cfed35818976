"""楼长 from the command line (issue 12): `gridbot invite --role 楼长 --building PATH`, 认证 binding the building,
`staff list` naming it, `staff move --building`, `staff disable`; and 0018's columns on a database with data."""

import re

import pytest
from sqlalchemy import select

from handlers import community_texts, staff_texts
from storage import org, staff
from storage.models import Appeal, Building, Staff, StaffInvite
from tests.support.cli import ok, refused
from tests.support.personas import BUILDING_LEAD

pytestmark = pytest.mark.postgres

SENT_CODE = re.compile(r"发送：认证 (\S{8})（")
FULL_PATH = "幸福里社区/第一网格/阳光花园/1号楼"
NEW_LEAD = "o_new_louzhang"


def lead(seeded, openid):
    with seeded.transaction() as session:
        return session.scalars(select(Staff).where(Staff.openid == openid)).one()


def building_id(seeded, compound, name):
    with seeded.transaction() as session:
        return session.scalars(select(Building.id).where(Building.compound == compound,
                                                         Building.name == name)).one()


@pytest.mark.parametrize("path", [FULL_PATH, "阳光花园·1号楼", "1号楼", "幸福里社区/阳光花园/1号楼"])
def test_an_invited_building_lead_is_bound_to_the_building_the_invite_names(gridbot, wechat, seeded, path):
    printed = ok(gridbot("invite", "--role", "楼长", "--building", path, "--name", "钱阿姨"))
    assert "已生成楼长邀请" in printed and "幸福里社区·第一网格·阳光花园·1号楼" in printed
    assert "代报" in printed and "办理居民诉求" not in printed  # the text forwarded says what a 楼长 does
    reply = wechat.send(NEW_LEAD, f"认证 {SENT_CODE.search(printed).group(1)}")
    assert reply == staff_texts.CERTIFIED.format(scope="幸福里社区·第一网格·阳光花园·1号楼", role="楼长")
    bound = lead(seeded, NEW_LEAD)
    assert bound.role == "building_lead" and bound.building_id == building_id(seeded, "阳光花园", "1号楼")
    with seeded.transaction() as session:
        assert org.grid_label(session, bound.grid_id) == "幸福里社区·第一网格"
    assert "代报 单元或门牌 内容" in wechat.send(NEW_LEAD, "帮助")


def test_a_building_lead_needs_a_building_and_only_a_building_lead_gets_one(gridbot, seeded):
    assert refused(gridbot("invite", "--role", "楼长")) == staff_texts.INVITE_MISSING["building"]
    assert refused(gridbot("invite", "--role", "网格员", "--grid", "第一网格", "--building", FULL_PATH)) == \
        staff_texts.INVITE_MISSING["building_only_lead"]
    assert refused(gridbot("invite", "--role", "楼长", "--building", FULL_PATH, "--grid", "第一网格")) == \
        staff_texts.INVITE_MISSING["building_only_lead"]
    with seeded.transaction() as session:
        assert session.scalars(select(StaffInvite.id)).all() == []


def test_an_unknown_building_is_refused_with_the_buildings_it_may_mean(gridbot):
    said = refused(gridbot("invite", "--role", "楼长", "--building", "阳光花园/4号楼"))
    assert said.startswith("找不到楼栋“阳光花园/4号楼”")
    said = refused(gridbot("invite", "--role", "楼长", "--building", "和平社区/阳光花园/3号楼"))
    assert "找不到楼栋" in said and "幸福里社区·第一网格·阳光花园·3号楼" in said


def test_an_ambiguous_building_is_refused_listing_each_with_its_place(gridbot, seeded):
    with seeded.transaction() as session:
        org.ensure_building(session, staff.find_grid(session, "幸福里社区·第二网格"), "3号楼", "锦绣家园")
    said = refused(gridbot("invite", "--role", "楼长", "--building", "3号楼"))
    assert said.startswith("楼栋“3号楼”不唯一") and "小区·楼栋" in said
    assert "幸福里社区·第一网格·阳光花园·3号楼" in said and "幸福里社区·第二网格·锦绣家园·3号楼" in said
    ok(gridbot("invite", "--role", "楼长", "--building", "锦绣家园·3号楼"))


def test_the_staff_list_shows_a_building_lead_with_the_building(gridbot):
    listed = ok(gridbot("staff", "list", "--role", "楼长"))
    assert "赵阿姨 · 楼长 · 幸福里社区·第一网格·阳光花园·3号楼" in listed
    assert "赵阿姨" in ok(gridbot("staff", "list", "--scope", "幸福里社区·第一网格"))
    assert "楼长" in ok(gridbot("invite", "--role", "楼长", "--building", FULL_PATH))
    assert "楼长 · 幸福里社区·第一网格·阳光花园·1号楼" in ok(gridbot("invite", "list"))


def test_a_building_lead_moves_to_another_building_with_building_not_grid(gridbot, wechat, seeded):
    assert refused(gridbot("staff", "move", "赵阿姨", "--grid", "第二网格")) == \
        "楼长属于楼栋，不属于网格：请用 --building 指定 TA 新负责的楼栋。"
    assert refused(gridbot("staff", "move", "张伟", "--building", FULL_PATH)).startswith("--building 只用于")
    assert refused(gridbot("staff", "move", "赵阿姨")).startswith("请用 --grid")
    assert refused(gridbot("staff", "move", "赵阿姨", "--building", "阳光花园·3号楼")) == "TA 已经是这栋楼的楼长了。"
    assert refused(gridbot("staff", "move", "赵阿姨", "--building", "锦绣家园·5号楼", "--tasks", "keep")).startswith(
        "--building 改楼长负责的楼栋或党员、志愿者的住址，不用 --tasks、--to")
    assert lead(seeded, BUILDING_LEAD).building_id == building_id(seeded, "阳光花园", "3号楼")
    said = ok(gridbot("staff", "move", "赵阿姨", "--building", "锦绣家园·5号楼"))
    assert said.strip() == "赵阿姨 现在是 幸福里社区·第二网格·锦绣家园·5号楼 的楼长。"
    moved = lead(seeded, BUILDING_LEAD)
    assert moved.building_id == building_id(seeded, "锦绣家园", "5号楼")
    assert "锦绣家园5号楼2单元" in wechat.send(BUILDING_LEAD, "代报 2单元 楼道灯坏了")


def test_a_disabled_building_lead_files_nothing_more(gridbot, wechat, seeded):
    assert "已停用" in ok(gridbot("staff", "disable", "赵阿姨"))
    assert wechat.send(BUILDING_LEAD, "代报 2单元 楼道灯坏了") == staff_texts.STAFF_DISABLED
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal.id)).all() == []


def test_a_building_moved_to_another_grid_takes_its_building_lead_along(gridbot, wechat, seeded):
    ok(gridbot("org", "move-building", "阳光花园·3号楼", "--grid", "幸福里社区·第二网格", "--yes"))
    reply = wechat.send(BUILDING_LEAD, "代报 2单元 楼道灯坏了")
    assert "已派给 幸福里社区·第二网格" in reply
    grid_id = lead(seeded, BUILDING_LEAD).grid_id
    with seeded.transaction() as session:
        assert org.grid_label(session, grid_id) == "幸福里社区·第二网格"
    # Still one of the community's own people, not grid staff: 我的任务 lists the tasks they took or may take.
    assert wechat.send(BUILDING_LEAD, "我的任务") == community_texts.TASKS_NONE
