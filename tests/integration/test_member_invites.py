"""`gridbot invite --role 单元长|党员中心户|党员|志愿者 --building PATH [--unit 单元]` (issue 14): invited like a 楼长,
bound by 认证 to their building (and unit); 单元长 and 党员中心户 need a unit of that building."""

import re

import pytest
from sqlalchemy import select

from handlers import community_texts, staff_texts
from storage import points
from storage.models import Staff, StaffInvite, StaffRole, Unit, Wish, WishStatus
from tests.support.cli import ok, refused
from tests.support.personas import PARTY_MEMBER, VOLUNTEER, WANG, ZHANG

pytestmark = pytest.mark.postgres

SENT_CODE = re.compile(r"发送：认证 (\S{8})（")
HOME = "幸福里社区/第一网格/阳光花园/1号楼"
INVITED = "o_invited_member"


def bound(seeded):
    with seeded.transaction() as session:
        member = session.scalars(select(Staff).where(Staff.openid == INVITED)).one()
        unit = session.get(Unit, member.unit_id) if member.unit_id else None
        return member.role, member.building_id is not None, unit.name if unit else None


@pytest.mark.parametrize(("word", "role", "unit"), [
    ("单元长", StaffRole.UNIT_LEAD, "2单元"),
    ("党员中心户", StaffRole.PARTY_HOUSEHOLD, "2"),
    ("党员", StaffRole.PARTY_MEMBER, None),
    ("志愿者", StaffRole.VOLUNTEER, None),
])
def test_each_role_is_invited_to_a_building_and_bound_there_by_certify(gridbot, wechat, seeded, word, role, unit):
    printed = ok(gridbot("invite", "--role", word, "--building", HOME, "--name", "钱先生",
                         *(("--unit", unit) if unit else ())))
    place = "幸福里社区·第一网格·阳光花园·1号楼" + ("·2单元" if unit else "")
    assert f"已生成{word}邀请" in printed and place in printed and "可领任务" in printed
    reply = wechat.send(INVITED, f"认证 {SENT_CODE.search(printed).group(1)}")
    assert reply == staff_texts.CERTIFIED.format(scope=place, role=word)
    assert bound(seeded) == (role, True, "2单元" if unit else None)
    assert wechat.send(INVITED, "帮助").startswith(community_texts.HELP_HEADER.format(role=word))


def test_a_grid_member_sending_a_volunteers_code_stays_a_grid_member_and_the_code_stays_unused(gridbot, wechat, seeded):
    printed = ok(gridbot("invite", "--role", "志愿者", "--building", HOME, "--name", "张伟", "--phone", "13812345678"))
    code = SENT_CODE.search(printed).group(1)
    reply = wechat.send(ZHANG, f"认证 {code}")
    assert reply == staff_texts.CERTIFY_STAFF_NOT_MEMBER.format(scope="幸福里社区·第一网格", role="网格员", invited="志愿者")
    with seeded.transaction() as session:
        member = session.scalars(select(Staff).where(Staff.openid == ZHANG)).one()
        assert member.role == StaffRole.GRID_MEMBER and member.building_id is None
        assert session.scalars(select(StaffInvite.used_at)).one() is None
    assert "接单" in wechat.send(ZHANG, "帮助")
    assert wechat.send(INVITED, f"认证 {code}") == staff_texts.CERTIFY_ASK_PHONE


def test_a_grid_leader_sending_a_party_members_code_without_a_phone_is_refused_too(gridbot, wechat, seeded):
    code = SENT_CODE.search(ok(gridbot("invite", "--role", "党员", "--building", HOME))).group(1)
    assert wechat.send(WANG, f"认证 {code}") == staff_texts.CERTIFY_STAFF_NOT_MEMBER.format(
        scope="幸福里社区·第一网格", role="网格长", invited="党员")
    assert wechat.send(INVITED, f"认证 {code}").startswith("认证成功")


@pytest.mark.parametrize("typed", ["2 单元", "２单元", " 2 ", "二单元", "二"])
def test_a_unit_typed_with_a_space_or_full_width_or_in_chinese_numerals_is_the_unit(gridbot, typed):
    assert "幸福里社区·第一网格·阳光花园·1号楼·2单元" in ok(gridbot("invite", "--role", "单元长", "--building", HOME,
                                                            "--unit", typed))


@pytest.mark.parametrize("word", ["单元长", "党员中心户"])
def test_a_unit_post_needs_a_unit_of_the_building(gridbot, seeded, word):
    assert refused(gridbot("invite", "--role", word, "--building", HOME)) == staff_texts.INVITE_MISSING["unit"]
    assert refused(gridbot("invite", "--role", word, "--building", HOME, "--unit", "5单元")) == \
        staff_texts.INVITE_MISSING["unit"]
    with seeded.transaction() as session:
        assert session.scalars(select(StaffInvite)).all() == []


def test_a_unit_is_only_for_the_communitys_own_people(gridbot):
    assert refused(gridbot("invite", "--role", "网格员", "--grid", "幸福里社区·第一网格", "--unit", "2单元")) == \
        staff_texts.INVITE_MISSING["building_only_lead"]
    assert refused(gridbot("invite", "--role", "党员")) == staff_texts.INVITE_MISSING["building"]


def test_staff_list_leaves_members_to_members_list(gridbot):
    assert "gridbot members list" in refused(gridbot("staff", "list", "--role", "党员"))


def test_a_volunteer_bound_as_a_grid_member_gives_back_the_tasks_they_could_no_longer_finish(gridbot, wechat, seeded):
    wish = re.search(r"W\d{10}", wechat.send(WANG, "发布心愿 帮3号楼李奶奶换灯泡")).group(0)
    assert "领单成功" in wechat.send(VOLUNTEER, f"领单 {wish}")
    code = SENT_CODE.search(ok(gridbot("invite", "--role", "网格员", "--grid", "幸福里社区·第一网格"))).group(1)
    reply = wechat.send(VOLUNTEER, f"认证 {code}")
    assert reply.endswith(staff_texts.CERTIFIED_CLAIMS_RELEASED.format(codes=wish))
    with seeded.transaction() as session:
        assert session.scalars(select(Wish.status).where(Wish.code == wish)).one() == WishStatus.OPEN
    assert "领单成功" in wechat.send(PARTY_MEMBER, f"领单 {wish}")


def test_a_volunteer_who_left_and_is_invited_again_is_the_same_person_with_her_points(gridbot, wechat, seeded, clock):
    code = SENT_CODE.search(ok(gridbot("invite", "--role", "志愿者", "--building", HOME, "--name", "钱芳"))).group(1)
    wechat.send(INVITED, f"认证 {code}")
    with seeded.transaction() as session:
        first = session.scalars(select(Staff).where(Staff.openid == INVITED)).one()
        points.grant(session, first.id, "notice_relayed", points.Source(), clock())
    ok(gridbot("staff", "disable", str(first.id)))
    clock.advance(days=1)
    code = SENT_CODE.search(ok(gridbot("invite", "--role", "志愿者", "--building", HOME, "--name", "钱芳"))).group(1)
    assert wechat.send(INVITED, f"认证 {code}").startswith("认证成功")
    with seeded.transaction() as session:
        again = session.scalars(select(Staff).where(Staff.openid == INVITED)).one()
        assert (again.id, again.active) == (first.id, True)
        assert points.balance(session, again.id) == 1
