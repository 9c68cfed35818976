"""党员报到 and 志愿者报名 in the chat (issue 14): the dialogue, the request the community's operators are told of,
and the operator's 报到待确认 / 确认报到 making the resident a member of the community's own people."""

import threading

import pytest
from sqlalchemy import func, select

from handlers import community_texts, staff_texts
from storage import enrolments, points, residents, roster
from storage.models import Community, Enrolment, EnrolmentStatus, Resident, Staff, StaffRole
from tests.support.database import notices, worded
from tests.support.personas import BUILDING_LEAD, NEXT_DOOR, OPERATOR, PARTY_MEMBER, RESIDENT, ZHANG

pytestmark = pytest.mark.postgres

UNBOUND = "o3"  # meets the binding dialogue: no home yet


def enrol(wechat, openid=RESIDENT, name="刘芳", organisation="市税务局第二党支部"):
    wechat.dialog(openid, [("党员报到", "请回复您的真实姓名"), (name, "所在党组织或工作单位"),
                           (organisation, "已收到您的党员报到")])


def enrolment_of(seeded, name="刘芳", status=None):
    with seeded.transaction() as session:
        query = select(Enrolment).where(Enrolment.name == name)
        return session.scalars(query if status is None else query.where(Enrolment.status == status)).one()


def member(seeded, openid):
    with seeded.transaction() as session:
        return session.scalars(select(Staff).where(Staff.openid == openid)).first()


def test_a_party_member_reports_at_their_home_and_the_communitys_operator_is_told(wechat, seeded, clock):
    with seeded.transaction() as session:  # a street operator (no community) decides every community's too
        session.add(Staff(openid="o_street_operator", name="街道操作员", role=StaffRole.OPERATOR, active=True,
                          created_at=clock()))
    enrol(wechat)
    enrolment = enrolment_of(seeded)
    assert enrolment.status == EnrolmentStatus.PENDING and enrolment.role == StaffRole.PARTY_MEMBER
    assert enrolment.organisation == "市税务局第二党支部" and enrolment.unit_id is not None
    [told] = worded(seeded, "staff_enrolment_requested", OPERATOR)
    assert "刘芳申请党员报到" in told and "阳光花园 3号楼 1单元" in told and "市税务局第二党支部" in told
    assert f"确认报到 {enrolment.id}" in told
    assert notices(seeded, "staff_enrolment_requested") == sorted([OPERATOR, "o_street_operator"])  # no grid staff
    assert member(seeded, RESIDENT) is None  # nothing until the community confirms


def test_a_volunteer_without_a_team_says_none(wechat, seeded):
    wechat.dialog(NEXT_DOOR, [("志愿者报名", "欢迎志愿者报名"), ("王芳", "志愿服务队或工作单位"),
                              ("无", "已收到您的志愿者报名")])
    enrolment = enrolment_of(seeded, "王芳")
    assert enrolment.role == StaffRole.VOLUNTEER and enrolment.organisation is None


def test_an_unbound_resident_is_told_to_bind_first(wechat, seeded):
    assert wechat.send(UNBOUND, "党员报到") == community_texts.ENROL_NO_HOME.format(what="党员报到")
    with seeded.transaction() as session:
        assert session.scalars(select(Enrolment)).all() == []


def test_members_and_staff_are_told_what_they_already_are(wechat, seeded):
    assert wechat.send(PARTY_MEMBER, "党员报到") == community_texts.ENROL_ALREADY_MEMBER.format(
        role="党员", what="党员报到")
    assert wechat.send(BUILDING_LEAD, "志愿者报名") == community_texts.ENROL_ALREADY_MEMBER.format(
        role="楼长", what="志愿者报名")
    assert wechat.send(ZHANG, "党员报到") == community_texts.ENROL_ALREADY_STAFF.format(role="网格员",
                                                                                     what="党员报到")


def test_a_second_request_waits_for_the_first(wechat, seeded):
    enrol(wechat)
    assert wechat.send(RESIDENT, "志愿者报名") == community_texts.ENROL_PENDING
    assert wechat.send(RESIDENT, "党员报到") == community_texts.ENROL_PENDING


def test_cancel_leaves_the_dialogue_with_nothing_stored(wechat, seeded):
    wechat.dialog(RESIDENT, [("党员报到", "姓名"), ("刘芳", "党组织"), ("取消", "")])
    with seeded.transaction() as session:
        assert session.scalars(select(Enrolment)).all() == []
    # out of the dialogue, the same words are no answer any more: 刘芳's organisation would be an appeal's text
    assert "已收到" not in (wechat.send(RESIDENT, "市税务局第二党支部") or "")


def test_a_name_too_long_is_asked_again(wechat, seeded):
    wechat.dialog(RESIDENT, [("党员报到", "姓名"), ("刘" * 33, "最多 32 字"), ("刘芳", "党组织"),
                             ("单" * 65, "最多 64 字"), ("市税务局第二党支部", "已收到")])
    assert enrolment_of(seeded).organisation == "市税务局第二党支部"


@pytest.mark.parametrize(("start", "what"), [("党员报到", "党员报到"), ("志愿者报名", "志愿者报名")])
@pytest.mark.parametrize("problem", ["电梯坏了", "楼道灯不亮了", "3号楼电梯坏了，快来修"])
def test_a_problem_sent_at_the_name_question_is_not_taken_as_the_name(wechat, seeded, start, what, problem):
    wechat.dialog(RESIDENT, [(start, "姓名")])
    assert wechat.send(RESIDENT, problem) == community_texts.ENROL_NOT_A_NAME.format(what=what)
    wechat.dialog(RESIDENT, [("阿依·古丽", "工作单位"), ("无" if start == "志愿者报名" else "市税务局第二党支部", "已收到")])
    assert enrolment_of(seeded, "阿依·古丽").name == "阿依·古丽"


@pytest.mark.parametrize("name", ["王路灯", "李电梯", "欧阳垃圾", "张物业"])
def test_a_name_holding_a_problems_words_is_taken_and_said_back(wechat, seeded, name):
    # They were told that the dialogue waits for their name, however often they sent it.
    wechat.dialog(RESIDENT, [("志愿者报名", "姓名")])
    reply = wechat.send(RESIDENT, name)
    assert reply.startswith(f"已记下您的姓名：{name}（不对请回复“取消”重新开始）。\n请回复您所在的志愿服务队")
    wechat.dialog(RESIDENT, [("无", f"已收到您的志愿者报名：{name}，")])
    assert enrolment_of(seeded, name).name == name


@pytest.mark.parametrize("problem", ["路灯坏了", "高空抛物", "李电梯又坏了", "王路灯不亮"])
def test_a_problem_starting_with_a_surname_is_still_not_a_name(wechat, seeded, problem):
    wechat.dialog(RESIDENT, [("党员报到", "姓名")])
    assert wechat.send(RESIDENT, problem) == community_texts.ENROL_NOT_A_NAME.format(what="党员报到")


@pytest.mark.parametrize("said", ["我叫王芳", "我是王芳。", "姓名：王芳", "我的名字叫王芳"])
def test_a_name_said_in_a_sentence_is_stored_as_the_name_alone(wechat, seeded, said):
    wechat.dialog(RESIDENT, [("志愿者报名", "姓名"), (said, "志愿服务队或工作单位"), ("无", "已收到您的志愿者报名：王芳，")])
    assert enrolment_of(seeded, "王芳").name == "王芳"


def test_of_two_requests_at_once_one_is_stored(seeded, clock):
    with seeded.transaction() as session:
        resident_id = residents.get_or_create(session, RESIDENT, clock()).id
    outcomes: list[object] = []
    barrier = threading.Barrier(2)

    def ask(role: StaffRole) -> None:
        barrier.wait(timeout=10)
        try:
            with seeded.transaction() as session:
                resident = session.get_one(Resident, resident_id)
                outcomes.append(enrolments.request(session, resident, role, "刘芳", None, clock()).id)
        except enrolments.AlreadyPending as refused:
            outcomes.append(refused)
        except Exception as error:  # noqa: BLE001 - a lock timeout would be the bug this test is for
            outcomes.append(error)

    threads = [threading.Thread(target=ask, args=(role,)) for role in enrolments.ENROLLING_ROLES]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["AlreadyPending", "int"], outcomes
    with seeded.transaction() as session:
        assert len(session.scalars(select(Enrolment)).all()) == 1


def test_a_member_who_left_and_enrols_again_is_the_same_person_with_her_points_and_history(
        wechat, seeded, clock):
    enrol(wechat)
    wechat.send(OPERATOR, "确认报到 刘芳")
    first = member(seeded, RESIDENT)
    with seeded.transaction() as session:
        points.grant(session, first.id, "notice_relayed", points.Source(), clock())
        roster.disable(session, session.get_one(Staff, first.id), None, clock(), ())
    clock.advance(days=30)
    wechat.dialog(RESIDENT, [("志愿者报名", "欢迎志愿者报名"), ("刘芳", "志愿服务队或工作单位"),
                             ("无", "已收到您的志愿者报名")])
    number = enrolment_of(seeded, "刘芳", EnrolmentStatus.PENDING).id
    assert wechat.send(OPERATOR, f"确认报到 {number}") == staff_texts.ENROLMENT_CONFIRMED.format(
        name="刘芳", role="志愿者", number=number)
    again = member(seeded, RESIDENT)
    assert (again.id, again.role, again.active, again.disabled_at) == (first.id, StaffRole.VOLUNTEER, True, None)
    with seeded.transaction() as session:
        assert points.balance(session, again.id) == 1
        assert session.scalars(select(func.count()).select_from(Staff).where(Staff.name == "刘芳")).one() == 1


def test_the_operator_lists_and_confirms_and_the_member_is_told_what_they_can_do(wechat, seeded):
    enrol(wechat)
    number = enrolment_of(seeded).id
    listed = wechat.send(OPERATOR, "报到待确认")
    assert f"{number}. 刘芳｜党员报到｜市税务局第二党支部｜幸福里社区 阳光花园 3号楼 1单元" in listed
    assert wechat.send(OPERATOR, "确认报到 刘芳") == staff_texts.ENROLMENT_CONFIRMED.format(
        name="刘芳", role="党员", number=number)
    made = member(seeded, RESIDENT)
    assert made.role == StaffRole.PARTY_MEMBER and made.active and made.name == "刘芳"
    assert made.organisation == "市税务局第二党支部" and made.building_id is not None and made.unit_id is not None
    assert enrolment_of(seeded).status == EnrolmentStatus.CONFIRMED and enrolment_of(seeded).staff_id == made.id
    [told] = worded(seeded, "staff_member_confirmed", RESIDENT)
    assert "可领任务" in told and "我的积分" in told and "代报" in told
    assert wechat.send(OPERATOR, f"确认报到 {number}") == staff_texts.ENROLMENT_ALREADY.format(
        name="刘芳", role="党员", number=number)
    assert len(worded(seeded, "staff_member_confirmed", RESIDENT)) == 1
    assert wechat.send(RESIDENT, "帮助").startswith(community_texts.HELP_HEADER.format(role="党员"))
    assert wechat.send(OPERATOR, "报到待确认") == staff_texts.ENROLMENTS_NONE


def test_a_volunteer_is_told_no_daibao(wechat, seeded):
    wechat.dialog(NEXT_DOOR, [("志愿者报名", "姓名"), ("王芳", "志愿服务队"), ("无", "已收到")])
    wechat.send(OPERATOR, "确认报到 王芳")
    [told] = worded(seeded, "staff_member_confirmed", NEXT_DOOR)
    assert "可领任务" in told and "代报" not in told


def test_another_communitys_operator_and_grid_staff_cannot_confirm(wechat, seeded, clock):
    enrol(wechat)
    with seeded.transaction() as session:
        heping = session.scalars(select(Community.id).where(Community.name == "和平社区")).one()
        session.add(Staff(openid="o_heping_operator", name="何平", role=StaffRole.OPERATOR, community_id=heping,
                          active=True, created_at=clock()))
    number = enrolment_of(seeded).id
    assert wechat.send("o_heping_operator", f"确认报到 {number}") == staff_texts.ENROLMENT_NOT_FOUND.format(
        typed=str(number))
    assert wechat.send("o_heping_operator", "报到待确认") == staff_texts.ENROLMENTS_NONE
    assert wechat.send(ZHANG, f"确认报到 {number}") == staff_texts.ENROLMENT_REFUSALS["operator"]
    assert enrolment_of(seeded).status == EnrolmentStatus.PENDING
    assert member(seeded, RESIDENT) is None


def test_two_waiting_people_of_one_name_are_told_apart_by_number(wechat, seeded):
    enrol(wechat, RESIDENT)
    enrol(wechat, NEXT_DOOR)
    with seeded.transaction() as session:
        ids = sorted(session.scalars(select(Enrolment.id)).all())
    assert wechat.send(OPERATOR, "确认报到 刘芳") == staff_texts.ENROLMENT_AMBIGUOUS.format(
        name="刘芳", verb="确认报到", ids="、".join(map(str, ids)))
    assert wechat.send(OPERATOR, "不予确认 刘芳").endswith("请用编号：不予确认 编号。")
    assert "已确认" in wechat.send(OPERATOR, f"确认报到 {ids[1]}")
    assert member(seeded, NEXT_DOOR) is not None and member(seeded, RESIDENT) is None


def test_a_resident_who_became_staff_meanwhile_is_not_confirmed(wechat, seeded, clock):
    enrol(wechat)
    with seeded.transaction() as session:
        session.add(Staff(openid=RESIDENT, name="刘芳", role=StaffRole.GRID_MEMBER, active=True,
                          created_at=clock()))
    assert wechat.send(OPERATOR, "确认报到 刘芳") == staff_texts.ENROLMENT_NOW_STAFF.format(role="网格员")
    assert enrolment_of(seeded).status == EnrolmentStatus.PENDING


def test_the_operator_declines_in_the_chat_as_on_the_command_line_and_the_applicant_is_told(wechat, seeded):
    enrol(wechat)
    number = enrolment_of(seeded).id
    assert f"不予确认 {number}" in worded(seeded, "staff_enrolment_requested", OPERATOR)[0]
    assert "不予确认 编号" in wechat.send(OPERATOR, "报到待确认")
    assert wechat.send(OPERATOR, "不予确认 刘芳") == staff_texts.ENROLMENT_DECLINED.format(
        name="刘芳", what="党员报到", number=number) == f"已不予确认 刘芳 的党员报到（编号 {number}），已礼貌告知本人。"
    assert enrolment_of(seeded).status == EnrolmentStatus.DECLINED and member(seeded, RESIDENT) is None
    [told] = worded(seeded, "staff_enrolment_declined", RESIDENT)
    assert "刘芳" in told
    assert wechat.send(OPERATOR, f"不予确认 {number}") == staff_texts.ENROLMENT_ALREADY_DECLINED.format(
        name="刘芳", what="党员报到", number=number)
    assert len(worded(seeded, "staff_enrolment_declined", RESIDENT)) == 1  # told once
    assert wechat.send(OPERATOR, f"确认报到 {number}") == staff_texts.ENROLMENT_REFUSALS["declined"]
    assert wechat.send(OPERATOR, "报到待确认") == staff_texts.ENROLMENTS_NONE


def test_a_confirmed_member_cannot_be_declined_and_only_the_communitys_operator_declines(wechat, seeded, clock):
    enrol(wechat)
    enrol(wechat, NEXT_DOOR, name="王芳")
    with seeded.transaction() as session:
        heping = session.scalars(select(Community.id).where(Community.name == "和平社区")).one()
        session.add(Staff(openid="o_heping_operator", name="何平", role=StaffRole.OPERATOR, community_id=heping,
                          active=True, created_at=clock()))
    number = enrolment_of(seeded).id
    wechat.send(OPERATOR, f"确认报到 {number}")
    assert wechat.send(OPERATOR, f"不予确认 {number}") == staff_texts.ENROLMENT_REFUSALS["confirmed"]
    assert member(seeded, RESIDENT).active
    other = enrolment_of(seeded, "王芳").id
    assert wechat.send("o_heping_operator", f"不予确认 {other}") == staff_texts.ENROLMENT_NOT_FOUND.format(
        typed=str(other))
    assert wechat.send(ZHANG, f"不予确认 {other}") == staff_texts.ENROLMENT_REFUSALS["operator"]
    assert wechat.send(OPERATOR, "不予确认") == "请按这个格式发送：不予确认 姓名或编号"
    assert wechat.send(OPERATOR, f"不予确认报到 {other}") == staff_texts.ENROLMENT_DECLINED.format(
        name="王芳", what="党员报到", number=other)
    assert wechat.send(OPERATOR, f"不予确认 {other}").endswith("没有改动。")
    assert len(worded(seeded, "staff_enrolment_declined", NEXT_DOOR)) == 1
