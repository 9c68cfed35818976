"""`gridbot members` (issue 14): the 党员报到 and 志愿者报名 waiting (pending), confirmed or declined from the command
line, and the roll of the community's own people (list) — never an openid or a phone."""

import json

import pytest
from sqlalchemy import select

from bot.cli import member_texts
from storage.models import Enrolment, EnrolmentStatus, Staff, StaffRole
from tests.support.cli import ok, refused
from tests.support.database import worded
from tests.support.personas import BUILDING_LEAD, NEXT_DOOR, PARTY_MEMBER, RESIDENT, VOLUNTEER

pytestmark = pytest.mark.postgres


def enrol(wechat, openid, name, command="党员报到", organisation="市税务局第二党支部"):
    wechat.dialog(openid, [(command, "姓名"), (name, "单位"), (organisation, "已收到")])


def number(seeded, name):
    with seeded.transaction() as session:
        return session.scalars(select(Enrolment.id).where(Enrolment.name == name)).one()


def test_pending_lists_what_waits_and_confirm_makes_the_member(gridbot, wechat, seeded):
    enrol(wechat, RESIDENT, "刘芳")
    listed = ok(gridbot("members", "pending"))
    assert f"[{number(seeded, '刘芳')}] 刘芳｜党员报到｜市税务局第二党支部｜幸福里社区 阳光花园 3号楼 1单元" in listed
    [row] = json.loads(ok(gridbot("members", "pending", "--json")))
    assert row["name"] == "刘芳" and row["role"] == "党员" and RESIDENT not in json.dumps(row)
    assert ok(gridbot("members", "confirm", "刘芳")).strip() == member_texts.CONFIRMED.format(
        name="刘芳", role="党员", number=number(seeded, "刘芳"), home="阳光花园 3号楼 1单元")
    with seeded.transaction() as session:
        made = session.scalars(select(Staff).where(Staff.openid == RESIDENT)).one()
    assert made.role == StaffRole.PARTY_MEMBER and made.organisation == "市税务局第二党支部"
    assert len(worded(seeded, "staff_member_confirmed", RESIDENT)) == 1
    again = ok(gridbot("members", "confirm", str(number(seeded, "刘芳"))))
    assert "已经确认为党员" in again and len(worded(seeded, "staff_member_confirmed", RESIDENT)) == 1
    assert ok(gridbot("members", "pending")).strip() == member_texts.PENDING_NONE


def test_decline_tells_the_applicant_and_makes_no_member(gridbot, wechat, seeded):
    enrol(wechat, RESIDENT, "路人甲", "志愿者报名", "无")
    assert "已不予确认 路人甲 的志愿者报名" in ok(gridbot("members", "decline", "路人甲"))
    with seeded.transaction() as session:
        assert session.scalars(select(Enrolment.status)).one() == EnrolmentStatus.DECLINED
        assert session.scalars(select(Staff).where(Staff.openid == RESIDENT)).first() is None
    [told] = worded(seeded, "staff_enrolment_declined", RESIDENT)
    assert "暂未确认" in told
    assert "不能再确认" in refused(gridbot("members", "confirm", str(number(seeded, "路人甲"))))
    assert "姓名" in wechat.send(RESIDENT, "志愿者报名")  # declined, they may ask again
    assert "没有改动" in ok(gridbot("members", "decline", str(number(seeded, "路人甲"))))


def test_a_name_two_people_wait_under_is_refused_with_their_numbers(gridbot, wechat, seeded):
    enrol(wechat, RESIDENT, "刘芳")
    enrol(wechat, NEXT_DOOR, "刘芳")
    with seeded.transaction() as session:
        ids = sorted(session.scalars(select(Enrolment.id)).all())
    assert refused(gridbot("members", "confirm", "刘芳")) == member_texts.AMBIGUOUS.format(
        name="刘芳", ids="、".join(map(str, ids)), command="confirm")
    assert refused(gridbot("members", "confirm", "无此人")) == member_texts.NOT_FOUND.format(typed="无此人")


def test_the_roll_lists_every_member_of_the_community_without_openids(gridbot, seeded):
    printed = ok(gridbot("members", "list", "--scope", "幸福里社区"))
    assert "陈明｜党员｜幸福里社区 阳光花园 2号楼 1单元｜市税务局第二党支部" in printed
    assert "周敏｜志愿者｜幸福里社区 阳光花园 1号楼 2单元" in printed and "赵阿姨｜楼长" in printed
    assert "孙丽" not in printed and "张伟" not in printed  # staff are `gridbot staff list`'s
    rows = json.loads(ok(gridbot("members", "list", "--json")))
    assert {row["name"] for row in rows} == {"陈明", "周敏", "赵阿姨"}
    for shown in (printed, json.dumps(rows, ensure_ascii=False)):
        assert not any(openid in shown for openid in (PARTY_MEMBER, VOLUNTEER, BUILDING_LEAD))
    assert ok(gridbot("members", "list", "--scope", "和平社区")).strip() == member_texts.LIST_NONE.format(
        where="和平社区")


def test_the_lists_give_times_of_another_year_with_their_year(gridbot, wechat, seeded, clock):
    enrol(wechat, RESIDENT, "刘芳")  # 11月22日 10:00
    clock.advance(days=60)  # January: a roll of people on it since last November

    assert "｜2026年11月22日 10:00 申请" in ok(gridbot("members", "pending"))
    assert "赵阿姨｜楼长" in ok(gridbot("members", "list")) and "｜2026年" in ok(gridbot("members", "list"))


def test_the_json_lists_give_their_times_in_beijing_time(gridbot, wechat, seeded, clock):
    enrol(wechat, RESIDENT, "刘芳")  # at 10:00 in Beijing

    [waiting] = json.loads(ok(gridbot("members", "pending", "--json")))
    rows = json.loads(ok(gridbot("members", "list", "--json")))

    assert waiting["requested_at"] == "2026-11-22T10:00:00+08:00"
    assert rows and all(row["since"].endswith("+08:00") for row in rows)


def test_a_volunteer_who_moved_to_another_street_keeps_her_points_and_gives_back_what_she_took(gridbot, wechat,
                                                                                               seeded, clock):
    from storage import points, wishes
    from storage.points import Source
    from tests.support.street import add_second_street

    with seeded.transaction() as session:
        add_second_street(session, clock())
        volunteer = session.scalars(select(Staff).where(Staff.openid == VOLUNTEER)).one()
        done, taken = (wishes.post(session, wishes.Place(volunteer.community_id), text, clock())
                       for text in ("帮刘奶奶换灯泡", "帮王爷爷取快递"))
        points.grant(session, volunteer.id, "task_confirmed", Source(wish_id=done.id), clock())
        code, before = taken.code, volunteer.id
    assert "领单成功" in wechat.send(VOLUNTEER, f"领单 {code}")

    said = ok(gridbot("staff", "move", "周敏", "--building", "安宁社区·第一网格·翠湖苑·1号楼"))

    assert "周敏（志愿者）现在登记住在 安宁社区·第一网格·翠湖苑·1号楼" in said and "之后的积分按安宁街道的规则记" in said
    assert f"重新开放给别人，负责的网格员已收到通知：{code}。" in said
    with seeded.transaction() as session:
        moved = session.scalars(select(Staff).where(Staff.openid == VOLUNTEER)).one()
        assert moved.id == before and points.balance(session, moved.id) == 5  # the same person, her points hers
        assert points.street_names(session, [moved]) == ["安宁街道"]
        assert session.get_one(wishes.Wish, taken.id).status == "open"
    (told,) = worded(seeded, "staff_member_moved_home", VOLUNTEER)
    assert told == ("【住址已更新】周敏您好！社区已把您登记的志愿者住址改为 安宁社区·第一网格·翠湖苑·1号楼，“可领任务”和“积分排行”按新住址，"
                    f"已有的积分不变。\n您在原来社区领了、还没报完成的任务已交还，重新开放给其他志愿者：{code}。")
    assert "安宁社区 翠湖苑 1号楼" in ok(gridbot("members", "list", "--scope", "安宁社区"))
    assert refused(gridbot("staff", "move", "周敏", "--building", "翠湖苑·1号楼")) == "TA 登记的住址已经是这栋楼了。"
    assert refused(gridbot("staff", "move", "周敏", "--grid", "第二网格")).startswith("只有网格员、网格长和物业人员属于网格")


def test_a_party_branchs_secretary_moving_out_of_its_compound_is_refused_until_another_leads_it(gridbot, seeded):
    ok(gridbot("org", "branch", "幸福里社区·阳光花园", "--secretary", "陈明"))
    assert refused(gridbot("staff", "move", "陈明", "--building", "锦绣家园·5号楼")).startswith(
        "TA 是小区党支部书记，要搬出这个小区")
    assert "陈明（党员）现在登记住在 幸福里社区·第一网格·阳光花园·3号楼" in ok(
        gridbot("staff", "move", "陈明", "--building", "阳光花园·3号楼"))  # within its 小区: still its secretary


def test_a_resident_withdraws_her_waiting_request_and_may_ask_again_and_it_can_no_longer_be_confirmed(
        gridbot, wechat, seeded):
    from handlers import community_texts

    enrol(wechat, RESIDENT, "刘芳")
    number_of = number(seeded, "刘芳")
    assert wechat.send(RESIDENT, "撤回报名") == community_texts.ENROL_WITHDRAWN.format(what="党员报到",
                                                                                   number=number_of)
    assert wechat.send(RESIDENT, "撤回报名") == community_texts.ENROL_NOTHING_TO_WITHDRAW
    assert wechat.send(RESIDENT, "撤销报名") == community_texts.ENROL_NOTHING_TO_WITHDRAW  # not 撤销 of an appeal
    assert "刘芳" not in ok(gridbot("members", "pending"))
    assert "已撤回" in refused(gridbot("members", "confirm", str(number_of)))
    assert "已经不予确认或已撤回" in ok(gridbot("members", "decline", str(number_of)))
    with seeded.transaction() as session:
        assert session.get_one(Enrolment, number_of).status == EnrolmentStatus.WITHDRAWN
        assert session.scalars(select(Staff).where(Staff.openid == RESIDENT)).first() is None
    enrol(wechat, RESIDENT, "刘芳", command="志愿者报名", organisation="无")
