"""Staff over time from the command line: `gridbot staff list|disable|move|duty` and `gridbot invite list|revoke`,
street operators, departments the taxonomy routes to; and what the chat makes of it."""

import json
import re
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.cli import staff as staff_cli
from handlers import staff_texts
from storage import seeding, supervision
from storage import staff as staff_places
from storage.appeals import UNCLASSIFIED
from storage.models import Appeal, AppealEvent, AppealStatus, Staff, StaffInvite, StaffRole
from storage.notices import StaffReminder
from storage.telling import tell
from storage.tickets import LOCAL_ZONE
from tests.support.console import OTHER_STREET
from tests.support.database import appeal, notices, staff_id, worded
from tests.support.personas import BUILDING_LEAD, CHEN, HEPING_RESIDENT, LI, LIU, OPERATOR, RESIDENT, WANG, ZHANG
from tests.support.street import (
    ANNING,
    DEPARTMENT_OFFICER,
    FIRST,
    PROPERTY_CLERK,
    SQUAD,
    SQUAD_XINGFU,
    XINGFULI,
    add_contractors,
    add_second_street,
)
from tests.support.worker import file_and_dispatch

pytestmark = pytest.mark.postgres

SENT_CODE = re.compile(r"发送：认证 (\S{8})（")


def ok(result):
    assert result.exit_code == 0, result.output
    return result.output


def refused(result):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) >= 1
    return result.output


def claimed_by(wechat, seeded, clock, openid):
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert wechat.send(openid, f"接单 {ticket}").startswith("接单成功")
    return ticket


def row(seeded, openid):
    with seeded.transaction() as session:
        return session.scalars(select(Staff).where(Staff.openid == openid)).one()


# --- staff list -----------------------------------------------------------------------------------------------

def test_staff_list_shows_who_works_where_with_their_open_tasks_and_never_an_openid(gridbot, wechat, seeded, clock):
    claimed_by(wechat, seeded, clock, ZHANG)
    with seeded.transaction() as session:
        session.scalars(select(Staff).where(Staff.openid == ZHANG)).one().phone = "13812345678"

    output = ok(gridbot("staff", "list", "--scope", "幸福里社区·第一网格"))

    assert output.splitlines()[0] == "工作人员 4 名（幸福里社区·第一网格）："
    assert (f"[{staff_id(seeded, ZHANG)}] 张伟 · 网格员 · 幸福里社区·第一网格 · 已绑定 · 在岗 · 未办结 1 件 · "
            "手机 138****5678") in output
    assert "王强 · 网格长" in output and "刘洋" not in output
    assert f"[{staff_id(seeded, BUILDING_LEAD)}] 赵阿姨 · 楼长 · 幸福里社区·第一网格·阳光花园·3号楼 · 已绑定\n" in output
    assert "demo_staff" not in output and "13812345678" not in output


def test_staff_list_by_community_and_role_and_as_json(gridbot, seeded):
    output = ok(gridbot("staff", "list", "--scope", "幸福里社区", "--role", "操作员", "--json"))

    listed = json.loads(output)
    assert [(member["name"], member["role"], member["place"]) for member in listed] == [("孙丽", "操作员", "幸福里社区")]
    assert set(listed[0]) == {"id", "name", "role", "place", "department", "bound", "on_duty", "off_duty_until",
                              "off_duty_from", "open_tasks", "work_phone", "phone"}
    assert "demo_staff" not in output


def test_staff_list_refuses_an_unknown_place_and_role(gridbot):
    assert "找不到网格“幸福里社区·第九网格”" in refused(gridbot("staff", "list", "--scope", "幸福里社区·第九网格"))
    assert "--role 只能是" in refused(gridbot("staff", "list", "--role", "队长"))


# --- staff disable --------------------------------------------------------------------------------------------

def test_a_disabled_member_loses_tasks_reads_and_commands_at_once(gridbot, wechat, seeded, clock):
    ticket = claimed_by(wechat, seeded, clock, ZHANG)

    output = ok(gridbot("staff", "disable", "张伟"))

    assert "已停用 张伟（网格员，幸福里社区·第一网格）" in output and f"· {ticket} → 幸福里社区·第一网格" in output
    back = appeal(seeded, ticket)
    assert (back.status, back.assignee_staff_id) == (AppealStatus.DISPATCHED, None)
    assert row(seeded, ZHANG).active is False
    assert "电梯" not in wechat.send(ZHANG, f"查询 {ticket}") and "电梯" in wechat.send(LI, f"查询 {ticket}")
    assert wechat.send(ZHANG, "我的任务") == staff_texts.STAFF_DISABLED
    assert wechat.send(ZHANG, f"接单 {ticket}") == staff_texts.STAFF_DISABLED
    # The grid's team gets the card again, without the one who left; they hear where their task went.
    assert LI in [openid for openid in notices(seeded, "staff_new_appeal", ticket)]
    assert worded(seeded, "staff_tasks_handed_over", ZHANG) == [
        f"【任务已交出】您未办结的 1 件诉求（{ticket}）已交回各自的网格重新派发，您无需再处理。"]
    with seeded.transaction() as session:
        events = session.scalars(select(AppealEvent.action).where(AppealEvent.appeal_id == back.id)).all()
    assert "reassigned" in events


def test_a_leavers_unused_invites_are_revoked_and_bind_nobody_whoever_holds_them(gridbot, wechat, seeded):
    with seeded.transaction() as session:
        session.scalars(select(Staff).where(Staff.openid == ZHANG)).one().phone = "13812345678"
    theirs = code_of(gridbot("invite", "--role", "网格长", "--grid", "幸福里社区·第一网格", "--name", "张伟"))
    by_phone = code_of(gridbot("invite", "--role", "网格员", "--grid", "幸福里社区·第二网格", "--name", "张伟",
                               "--phone", "13812345678"))
    namesake = code_of(gridbot("invite", "--role", "网格员", "--grid", "和平社区·第一网格", "--name", "张伟",
                               "--phone", "13999990000"))  # another 张伟: his own phone
    colleague = code_of(gridbot("invite", "--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "赵敏"))
    # A namesake invited elsewhere with no phone: most likely someone else, a new hire whose code must still work.
    elsewhere = code_of(gridbot("invite", "--role", "网格员", "--grid", "和平社区·第一网格", "--name", "张伟"))

    output = ok(gridbot("staff", "disable", "张伟"))

    # ids as the database numbers them (PostgreSQL's sequences are not reset between tests)
    assert re.search(r"TA 未使用的邀请 2 个已撤销（\[\d+\]、\[\d+\]）：凭这些验证码不能再认证。", output), output
    assert wechat.send(ZHANG, f"认证 {theirs}") == staff_texts.CERTIFY_REFUSED
    assert wechat.send("o_handed_on", f"认证 {by_phone}") == staff_texts.CERTIFY_REFUSED
    waiting = ok(gridbot("invite", "list"))
    assert "待使用的邀请 3 个" in waiting and "和平社区·第一网格 · 张伟" in waiting and "赵敏" in waiting
    assert "认证成功" in wechat.send("o_colleague", f"认证 {colleague}")
    assert "认证成功" in wechat.send("o_new_hire", f"认证 {elsewhere}")
    assert "请回复" in wechat.send("o_namesake", f"认证 {namesake}")  # his phone's last four digits, then bound


def test_a_leavers_personal_phone_is_dropped_and_the_trail_still_names_them(gridbot, wechat, seeded, clock):
    with seeded.transaction() as session:
        session.scalars(select(Staff).where(Staff.openid == ZHANG)).one().phone = "13812345678"
    ticket = claimed_by(wechat, seeded, clock, ZHANG)
    leaver = staff_id(seeded, ZHANG)

    assert "TA 的个人手机号已删除，办理记录里仍写着 TA 的姓名" in ok(gridbot("staff", "disable", "张伟"))

    with seeded.transaction() as session:
        gone = session.get_one(Staff, leaver)
        assert (gone.name, gone.phone, gone.active) == ("张伟", None, False)
    assert "接单（张伟）" in wechat.send(WANG, f"查询 {ticket}")


def test_a_leaver_invited_again_is_bound_afresh_and_their_old_trail_keeps_their_name(gridbot, wechat, seeded, clock):
    ticket = claimed_by(wechat, seeded, clock, ZHANG)
    leaver = staff_id(seeded, ZHANG)
    output = ok(gridbot("staff", "disable", "张伟"))
    assert "个人手机号已删除" not in output  # none was stored: nothing to say was deleted
    assert wechat.send(ZHANG, "我的任务") == staff_texts.STAFF_DISABLED  # told they left, not taken for a resident

    # Their work phone goes to the one who takes over: the same WeChat account, another person's invite.
    code = code_of(gridbot("invite", "--role", "网格员", "--grid", "幸福里社区·第二网格", "--name", "赵敏"))
    assert "认证成功" in wechat.send(ZHANG, f"认证 {code}")

    with seeded.transaction() as session:
        gone = session.get_one(Staff, leaver)
        assert (gone.name, gone.openid, gone.active) == ("张伟", None, False)
        now = session.scalars(select(Staff).where(Staff.openid == ZHANG)).one()
        assert (now.name, now.active) == ("赵敏", True) and now.id != leaver
    trail = wechat.send(WANG, f"查询 {ticket}")
    assert "接单（张伟）" in trail and "赵敏" not in trail
    assert wechat.send(ZHANG, "我的任务") != staff_texts.STAFF_DISABLED  # staff again, as 赵敏


def test_a_department_officers_task_goes_back_to_their_colleagues_when_they_leave_not_to_the_grid(
        gridbot, wechat, seeded, clock):
    with seeded.transaction() as session:
        for openid, name in (("dept_wu", "吴刚"), ("dept_feng", "冯军")):
            session.add(Staff(openid=openid, name=name, role=StaffRole.DEPARTMENT, department="综合执法中队",
                              active=True, created_at=clock()))
    ticket = claimed_by(wechat, seeded, clock, ZHANG)
    wechat.dialog(ZHANG, [(f"转办 {ticket} 综合执法中队", "已转办")])
    wechat.dialog("dept_wu", [(f"接单 {ticket}", "接单成功")])
    cards_before = Counter(notices(seeded, "staff_new_appeal", ticket))

    output = ok(gridbot("staff", "disable", "吴刚"))

    assert f"· {ticket} → 综合执法中队" in output
    back = appeal(seeded, ticket)
    assert (back.status, back.assignee_staff_id, back.department) == (AppealStatus.DISPATCHED, None, "综合执法中队")
    # Its card goes to the department's remaining officer; the grid, which handed it out, is not asked again.
    assert Counter(notices(seeded, "staff_new_appeal", ticket)) - cards_before == Counter(["dept_feng"])
    assert worded(seeded, "staff_tasks_handed_over", "dept_wu") == [
        f"【任务已交出】您未办结的 1 件诉求（{ticket}）已交给 综合执法中队，您无需再处理。"]
    assert "接单成功" in wechat.send("dept_feng", f"接单 {ticket}")


def test_when_a_departments_last_officer_leaves_what_waited_for_its_claim_goes_back_to_the_grid(
        gridbot, wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_wu", name="吴刚", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          active=True, created_at=clock()))
    ticket = claimed_by(wechat, seeded, clock, ZHANG)
    wechat.dialog(ZHANG, [(f"转办 {ticket} 综合执法中队", "已转办")])

    output = ok(gridbot("staff", "disable", "吴刚"))

    assert "注意：TA 原来负责的地方 综合执法中队 再没有别的在岗人员，等该单位接单的 1 件诉求已交回各自的网格" in output
    assert f"· {ticket} → 幸福里社区·第一网格" in output
    back = appeal(seeded, ticket)
    assert (back.status, back.assignee_staff_id, back.department) == (AppealStatus.DISPATCHED, None, None)
    assert "接单成功" in wechat.send(LI, f"接单 {ticket}")


def test_a_leaver_with_many_tasks_is_told_once_for_all_of_them(gridbot, wechat, seeded, clock):
    """One notice a task went past the five messages WeChat lets an account send someone who has not written to it
    for 48 hours (45047): the last of them never arrived."""
    tickets = []
    for problem in ("3号楼电梯坏了", "2号楼楼道灯不亮", "小区门口垃圾没人清", "楼下有人占道摆摊", "健身器材坏了", "3号楼楼道堆满杂物"):
        tickets.append(file_and_dispatch(wechat, seeded, clock, text=problem))
        wechat.send(ZHANG, f"接单 {tickets[-1]}")
        clock.advance(minutes=1)
    ok(gridbot("staff", "disable", "张伟", "--to", "李娜"))
    assert notices(seeded, "staff_reassigned") == []
    [told] = worded(seeded, "staff_tasks_handed_over", ZHANG)
    assert told.startswith("【任务已交出】您未办结的 6 件诉求（") and "等）已交给 李娜" in told
    assert all(ticket in told for ticket in tickets[:5]) and tickets[5] not in told


def test_a_disabled_members_tasks_go_to_the_person_named(gridbot, wechat, seeded, clock):
    ticket = claimed_by(wechat, seeded, clock, ZHANG)

    ok(gridbot("staff", "disable", str(staff_id(seeded, ZHANG)), "--to", "李娜"))

    handed = appeal(seeded, ticket)
    assert (handed.status, handed.assignee_staff_id) == (AppealStatus.DISPATCHED, staff_id(seeded, LI))


def test_a_disabled_members_tasks_handed_to_someone_on_leave_say_so(gridbot, wechat, seeded, clock):
    claimed_by(wechat, seeded, clock, ZHANG)
    ok(gridbot("staff", "duty", "李娜", "休假", "--until", "11-30"))

    output = ok(gridbot("staff", "disable", "张伟", "--to", "李娜"))

    assert "注意：李娜正在请假（至 11月30日），这些任务会等李娜接单" in output


def test_the_only_members_tasks_going_back_to_a_grid_left_with_nobody_say_that_nobody_has_them(gridbot, wechat,
                                                                                                   seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, "楼下垃圾桶满了三天没人清", HEPING_RESIDENT)
    assert wechat.send(CHEN, f"接单 {ticket}").startswith("接单成功")  # 陈静 is 和平社区·第一网格's only member

    output = ok(gridbot("staff", "disable", "陈静"))

    assert f"· {ticket} → 和平社区·第一网格" in output
    assert "注意：和平社区·第一网格 已没有在岗的网格员，这些任务没有人收到；请用 gridbot reassign 改派" in output
    assert "（接手人和居民都已通知）" not in output


def test_a_name_several_people_share_is_refused_listing_them_with_their_ids(gridbot, seeded):
    with seeded.transaction() as session:
        session.scalars(select(Staff).where(Staff.openid == LIU)).one().name = "张伟"

    output = refused(gridbot("staff", "disable", "张伟"))

    assert "有 2 位在职工作人员叫“张伟”" in output
    assert f"[{staff_id(seeded, ZHANG)}] 张伟" in output and f"[{staff_id(seeded, LIU)}] 张伟" in output
    assert row(seeded, ZHANG).active and row(seeded, LIU).active


def test_a_number_past_any_staff_id_is_no_one_on_postgresql_as_on_sqlite(gridbot, seeded):
    # A phone number typed for the id: PostgreSQL's ids are 32-bit, and the lookup failed as "数据库操作失败
    # （DataError）…请检查 GRIDBOT_DATABASE_URL" there, where SQLite said no one has it.
    assert "找不到在职的工作人员“13812345678”" in refused(gridbot("staff", "disable", "13812345678"))
    assert "找不到在职的工作人员“2147483648”" in refused(gridbot("staff", "duty", "2147483648", "在岗"))


def test_a_disabled_member_is_not_disabled_twice_and_an_unknown_name_is_refused(gridbot, seeded):
    ok(gridbot("staff", "disable", "张伟"))
    assert "找不到在职的工作人员“张伟”" in refused(gridbot("staff", "disable", "张伟"))
    assert "找不到在职的工作人员“张三”" in refused(gridbot("staff", "disable", "张三"))


def test_handing_tasks_to_the_person_leaving_is_refused_and_nothing_changes(gridbot, wechat, seeded, clock):
    ticket = claimed_by(wechat, seeded, clock, ZHANG)

    assert "--to 不能是本人" in refused(gridbot("staff", "disable", "张伟", "--to", "张伟"))

    assert row(seeded, ZHANG).active and appeal(seeded, ticket).assignee_staff_id == staff_id(seeded, ZHANG)


# --- staff move -----------------------------------------------------------------------------------------------

def test_moving_a_member_with_open_tasks_in_a_script_is_refused_naming_the_option(gridbot, wechat, seeded, clock):
    claimed_by(wechat, seeded, clock, ZHANG)

    output = refused(gridbot("staff", "move", "张伟", "--grid", "幸福里社区·第二网格"))

    assert "张伟 手上有 1 件未办结任务，请用 --tasks keep|handover|return" in output
    assert len(output.strip().splitlines()) == 1
    assert row(seeded, ZHANG).grid_id != row(seeded, LIU).grid_id


def test_moving_a_member_named_by_the_id_staff_list_shows_asks_about_their_tasks_by_name(gridbot, wechat, seeded,
                                                                                        clock):
    # "1 手上有 1 件未办结任务": the question named the id typed, not the person.
    claimed_by(wechat, seeded, clock, ZHANG)

    number = str(staff_id(seeded, ZHANG))
    output = refused(gridbot("staff", "move", number, "--grid", "幸福里社区·第二网格"))

    assert "张伟 手上有 1 件未办结任务" in output and f"{number} 手上有" not in output


def test_moving_a_member_asks_at_a_terminal_and_returns_the_tasks_to_the_old_grid(gridbot, wechat, seeded, clock,
                                                                                  monkeypatch):
    ticket = claimed_by(wechat, seeded, clock, ZHANG)
    monkeypatch.setattr(staff_cli, "_interactive", lambda: True)

    output = ok(gridbot("staff", "move", "张伟", "--grid", "幸福里社区·第二网格", input="return\n"))

    assert "已把 张伟 调到 幸福里社区·第二网格。" in output and f"{ticket} → 幸福里社区·第一网格" in output
    assert row(seeded, ZHANG).grid_id == row(seeded, LIU).grid_id
    assert appeal(seeded, ticket).assignee_staff_id is None


def test_a_member_moved_with_tasks_return_is_told_they_went_back_to_the_grid_not_to_a_taker(gridbot, wechat, seeded,
                                                                                              clock):
    # It said 已转出（接手人和居民都已通知） though nobody had taken them over: they wait for the grid to claim.
    claimed_by(wechat, seeded, clock, ZHANG)

    output = ok(gridbot("staff", "move", "张伟", "--grid", "幸福里社区·第二网格", "--tasks", "return"))

    assert "未办结任务 1 件已交回原来的网格（或部门）等待重新接单（居民都已通知）" in output and "接手人" not in output


def test_a_member_moved_with_tasks_handover_is_told_the_taker_and_residents_heard(gridbot, wechat, seeded, clock):
    claimed_by(wechat, seeded, clock, ZHANG)

    output = ok(gridbot("staff", "move", "张伟", "--grid", "幸福里社区·第二网格", "--tasks", "handover", "--to", "李娜"))

    assert "未办结任务 1 件已转出（接手人和居民都已通知）" in output


def test_a_resident_whose_handler_moved_away_hears_someone_else_of_the_grid_takes_it_not_a_transfer(
        gridbot, wechat, seeded, clock):
    ticket = claimed_by(wechat, seeded, clock, ZHANG)

    ok(gridbot("staff", "move", "张伟", "--grid", "幸福里社区·第二网格", "--tasks", "return"))

    (told,) = worded(seeded, "resident_transferred", "o1")
    assert told.startswith(f"您的诉求 {ticket} 将由 幸福里社区·第一网格 另行安排工作人员办理") and "转交" not in told


def test_a_moved_member_answering_a_card_of_the_old_grid_is_told_it_is_no_longer_theirs_not_that_it_does_not_exist(
        gridbot, wechat, seeded, clock):
    from storage.models import OutboxMessage, OutboxStatus

    ticket = file_and_dispatch(wechat, seeded, clock)
    with seeded.transaction() as session:  # the card reached them
        for row in session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_openid == ZHANG)):
            row.status = OutboxStatus.SENT
    ok(gridbot("staff", "move", "张伟", "--grid", "幸福里社区·第二网格"))

    said = wechat.send(ZHANG, f"接单 {ticket}")

    assert said == f"诉求 {ticket} 已不在您负责的网格，由那里的工作人员办理，您无需再处理。"
    assert appeal(seeded, ticket).assignee_staff_id is None
    # Who never had its card reads it as a ticket that does not exist, as ever.
    assert wechat.send(LIU, f"接单 {ticket}") == staff_texts.TASK_NOT_FOUND.format(ticket=ticket)


def test_a_moved_member_may_keep_their_tasks_and_still_read_them(gridbot, wechat, seeded, clock):
    ticket = claimed_by(wechat, seeded, clock, ZHANG)

    output = ok(gridbot("staff", "move", "张伟", "--grid", "幸福里社区·第二网格", "--tasks", "keep"))

    assert "1 件未办结任务仍由 TA 办理" in output
    assert appeal(seeded, ticket).assignee_staff_id == staff_id(seeded, ZHANG)
    assert ticket in wechat.send(ZHANG, f"查询 {ticket}") and "找不到" not in wechat.send(ZHANG, f"查询 {ticket}")


def test_a_moved_members_tasks_may_be_handed_over(gridbot, wechat, seeded, clock):
    ticket = claimed_by(wechat, seeded, clock, ZHANG)

    assert "--tasks handover 需要用 --to" in refused(
        gridbot("staff", "move", "张伟", "--grid", "幸福里社区·第二网格", "--tasks", "handover"))
    ok(gridbot("staff", "move", "张伟", "--grid", "幸福里社区·第二网格", "--tasks", "handover", "--to", "李娜"))

    assert appeal(seeded, ticket).assignee_staff_id == staff_id(seeded, LI)


def test_a_task_card_still_waiting_for_a_worker_does_not_follow_a_member_moved_to_another_grid(
        gridbot, wechat, seeded, clock):
    # A busy worker sent the old grid's card (its words and address) after the move to someone who may no longer
    # read it; as for a leaver, what waits for them of appeals they can no longer read is dropped.
    kept = claimed_by(wechat, seeded, clock, ZHANG)
    with seeded.transaction() as session:  # a reminder of the task they keep, not sent yet either
        tell(session, ZHANG, StaffReminder(ticket=kept, due_at=clock()), clock(),
             appeal=session.scalars(select(Appeal).where(Appeal.ticket == kept)).one())
    ticket = file_and_dispatch(wechat, seeded, clock, "2号楼楼道灯坏了好几天")
    assert ZHANG in notices(seeded, "staff_new_appeal", ticket)

    ok(gridbot("staff", "move", "张伟", "--grid", "幸福里社区·第二网格", "--tasks", "keep"))

    assert ZHANG not in notices(seeded, "staff_new_appeal", ticket) and LI in notices(seeded, "staff_new_appeal", ticket)
    assert notices(seeded, "staff_reminder", kept) == [ZHANG]  # their own task's: they still hold it


def test_a_card_waiting_for_a_department_officer_placed_in_another_street_is_not_sent_and_one_for_all_is(
        gridbot, wechat, seeded, clock):
    with seeded.transaction() as session:
        add_second_street(session, clock())  # 周队长 serves 幸福街道
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"转办 {ticket} 综合执法中队", "已转办")])
    assert SQUAD_XINGFU in notices(seeded, "staff_new_appeal", ticket)

    ok(gridbot("staff", "move", "周队长", "--all-streets"))  # every street: 幸福街道's case is still theirs to read
    assert SQUAD_XINGFU in notices(seeded, "staff_new_appeal", ticket)
    ok(gridbot("staff", "move", "周队长", "--street", ANNING))

    assert SQUAD_XINGFU not in notices(seeded, "staff_new_appeal", ticket)


def test_a_property_clerk_moved_to_another_compound_leaves_no_transfer_waiting_for_nobody(
        gridbot, wechat, seeded, clock):
    with seeded.transaction() as session:
        add_contractors(session, clock())  # 物业钱经理 of 阳光物业公司, serving 幸福里社区·第一网格 (阳光花园)
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert "已转办给 阳光物业公司" in wechat.send(ZHANG, f"转办 {ticket} 阳光物业公司")

    output = ok(gridbot("staff", "move", "物业钱经理", "--grid", "幸福里社区·第二网格"))

    # The company serves 阳光花园 through nobody now: its case is the grid's again, not another compound's clerk's.
    assert "阳光物业公司 再没有别的在岗人员，等该单位接单的 1 件诉求已交回各自的网格" in output
    back = appeal(seeded, ticket)
    assert (back.department, back.status) == (None, AppealStatus.DISPATCHED)
    assert ZHANG in notices(seeded, "staff_new_appeal", ticket)


def test_a_district_wide_officer_is_listed_as_such_not_as_if_of_no_place(gridbot, seeded, clock):
    with seeded.transaction() as session:
        add_contractors(session, clock())  # 周队长 of 综合执法中队, bound to no street: district-wide
        session.add(Staff(openid="zf_street", name="吴队长", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          street_id=staff_places.find_street(session, "幸福街道").id, active=True, created_at=clock()))

    listed = ok(gridbot("staff", "list", "--role", "部门"))

    assert "周队长 · 部门工作人员 · 综合执法中队（全区） ·" in listed
    assert "吴队长 · 部门工作人员 · 综合执法中队（幸福街道） ·" in listed


def test_setting_a_department_officers_duty_speaks_of_their_units_cards_not_派单(gridbot, seeded, clock):
    with seeded.transaction() as session:
        add_contractors(session, clock())  # 周队长 of 综合执法中队

    away = ok(gridbot("staff", "duty", "周队长", "休假", "--until", "12-31"))
    back = ok(gridbot("staff", "duty", "周队长", "在岗"))

    assert "派单" not in away + back
    assert "转给本单位的任务卡仍发给本单位每位人员（包括 TA）" in away and "转给本单位的任务卡照常发给 TA" in back
    assert "派单会照常给 TA 派新任务" in ok(gridbot("staff", "duty", "张伟", "在岗"))  # a grid member's is 派单


def test_setting_an_operators_duty_speaks_of_their_daily_summary_not_派单(gridbot, seeded, clock):
    # It said 派单不再给 TA 派新任务, where the chat's 请假 tells an operator their leave stops only the summary.
    away = ok(gridbot("staff", "duty", "孙丽", "休假", "--until", "12-31"))
    forever = ok(gridbot("staff", "duty", "孙丽", "休假"))
    back = ok(gridbot("staff", "duty", "孙丽", "在岗"))

    assert "派单" not in away + forever + back
    assert "不给 TA 发每日简报；退回、督办和请操作员改派的任务卡仍照常发给每位操作员（包括 TA）" in away and "不给 TA 发每日简报" in forever
    assert "照常给 TA 发每日简报" in back


def test_setting_a_grid_leader_off_duty_says_whom_the_督办_go_to_meanwhile(gridbot, seeded, clock):
    said = ok(gridbot("staff", "duty", "王强", "休假", "--until", "12-31"))
    assert said.endswith("休假期间，本网格无人接单和超时的督办改发给在岗的网格长（都在休假时发给社区操作员）。\n")
    assert "督办" not in ok(gridbot("staff", "duty", "张伟", "休假"))


def test_a_district_wide_department_officer_is_given_a_street_and_then_made_district_wide_again(
        gridbot, seeded, clock):
    with seeded.transaction() as session:
        add_second_street(session, clock())
        session.add(Staff(openid="zf_old", name="郑队长", role=StaffRole.DEPARTMENT, department=SQUAD, active=True,
                          created_at=clock()))  # invited before officers had a place: every street

    placed = ok(gridbot("staff", "move", "郑队长", "--street", ANNING))

    assert "郑队长（综合执法中队）现在负责 安宁街道：只接收、查看这里转给本单位的诉求。" in placed
    officer = row(seeded, "zf_old")
    with seeded.transaction() as session:
        assert officer.street_id == staff_places.find_street(session, ANNING).id
    assert "综合执法中队（安宁街道）" in ok(gridbot("staff", "list", "--role", "部门"))
    assert "TA 已经负责这个地方了" in refused(gridbot("staff", "move", "郑队长", "--street", ANNING))
    assert "现在负责 全区各街道" in ok(gridbot("staff", "move", "郑队长", "--all-streets"))
    assert row(seeded, "zf_old").street_id is None


def test_a_department_officer_placed_away_from_a_transfer_waiting_for_their_unit_sends_it_back_to_its_grid(
        gridbot, wechat, seeded, clock):
    with seeded.transaction() as session:
        add_contractors(session, clock())  # 周队长 of 综合执法中队, district-wide, its only officer
    ticket = claimed_by(wechat, seeded, clock, ZHANG)
    wechat.dialog(ZHANG, [(f"转办 {ticket} 综合执法中队", "已转办")])

    output = ok(gridbot("staff", "move", "周队长", "--community", "和平社区"))

    assert "现在负责 和平社区" in output
    assert "注意：TA 原来负责的地方 综合执法中队 再没有别的在岗人员，等该单位接单的 1 件诉求已交回各自的网格" in output
    assert (appeal(seeded, ticket).department, appeal(seeded, ticket).status) == (None, AppealStatus.DISPATCHED)


def test_only_a_department_officer_is_given_a_street_and_one_place_is_named(gridbot):
    assert "只用于改部门人员负责的地方" in refused(gridbot("staff", "move", "张伟", "--street", "幸福街道"))
    assert "只写一个" in refused(gridbot("staff", "move", "张伟", "--grid", "第二网格", "--street", "幸福街道"))
    assert "只写一个" in refused(gridbot("staff", "move", "张伟"))


def test_giving_a_department_officer_a_place_refuses_task_options_it_would_not_follow(gridbot, seeded, clock):
    with seeded.transaction() as session:
        add_contractors(session, clock())  # 周队长 of 综合执法中队

    output = refused(gridbot("staff", "move", "周队长", "--grid", "和平社区·第一网格", "--tasks", "return"))

    assert "已接单的任务仍由 TA 办理，不用 --tasks、--to" in output
    assert row(seeded, DEPARTMENT_OFFICER).grid_id is None  # nothing changed


def test_a_property_clerk_invited_for_a_community_serves_each_of_its_compounds_and_no_other(
        gridbot, wechat, seeded, clock):
    code = code_of(gridbot("invite", "--role", "物业", "--community", XINGFULI, "--department", "锦绣物业"))
    assert "认证成功" in wechat.send("o_clerk", f"认证 {code}")
    here = claimed_by(wechat, seeded, clock, ZHANG)  # 幸福里社区·第一网格
    there = file_and_dispatch(wechat, seeded, clock, openid=HEPING_RESIDENT)  # 和平社区

    assert "已转办给 锦绣物业" in wechat.send(ZHANG, f"转办 {here} 锦绣物业")
    assert "o_clerk" in notices(seeded, "staff_new_appeal", here)
    assert "o_clerk" not in notices(seeded, "staff_new_appeal", there)
    assert wechat.send("o_clerk", f"查询 {there}") == staff_texts.TASK_NOT_FOUND.format(ticket=there)
    assert "接单成功" in wechat.send("o_clerk", f"接单 {here}")


def test_a_property_clerk_of_one_compound_is_moved_to_serve_the_whole_community(gridbot, seeded, clock):
    with seeded.transaction() as session:
        add_contractors(session, clock())  # 物业钱经理 of 阳光物业公司, 幸福里社区·第一网格

    output = ok(gridbot("staff", "move", "物业钱经理", "--community", XINGFULI))

    assert "物业钱经理（阳光物业公司）现在负责 幸福里社区" in output
    clerk = row(seeded, PROPERTY_CLERK)
    assert (clerk.grid_id, clerk.community_id is not None) == (None, True)
    assert "只用于改部门人员负责的地方" in refused(gridbot("staff", "move", "物业钱经理", "--street", "幸福街道"))


def test_an_operator_is_not_moved_between_grids(gridbot):
    assert "只有网格员、网格长和物业人员属于网格" in refused(gridbot("staff", "move", "孙丽", "--grid", "幸福里社区·第二网格"))


# --- staff duty and 请假 -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["阿依・古丽", "阿依•古丽", "阿依·古丽"])
def test_a_name_with_a_middle_dot_is_found_whichever_dot_is_typed(gridbot, seeded, typed):
    li = staff_id(seeded, LI)
    with seeded.transaction() as session:
        session.get(Staff, li).name = "阿依·古丽"

    assert "阿依·古丽 已设为休假" in ok(gridbot("staff", "duty", typed, "休假"))

def set_assign_mode(gridbot):
    ok(gridbot("grid", "mode", "幸福里社区·第一网格", "派单"))


def test_leave_said_for_tomorrow_shows_in_the_staff_list_and_派单_gives_her_tasks_until_then(
        gridbot, wechat, seeded, clock):
    set_assign_mode(gridbot)
    wechat.send(LI, "我明天请假")
    line = next(one for one in ok(gridbot("staff", "list")).splitlines() if "李娜" in one)
    assert "11月23日起休假至11月23日" in line
    listed = json.loads(ok(gridbot("staff", "list", "--json")))
    assert [(m["on_duty"], m["off_duty_from"], m["off_duty_until"]) for m in listed if m["name"] == "李娜"] == [
        (True, "2026-11-23", "2026-11-23")]
    lamps = ("1号楼楼道灯坏了", "2号楼门口路灯不亮", "3号楼单元门坏了", "4号楼垃圾没人清")
    given = {appeal(seeded, file_and_dispatch(wechat, seeded, clock, text)).assignee_staff_id for text in lamps[:2]}
    assert staff_id(seeded, LI) in given  # today she is at work
    clock.advance(days=1)  # 11月23日 10:00: her day off
    assert {appeal(seeded, file_and_dispatch(wechat, seeded, clock, text)).assignee_staff_id
            for text in lamps[2:]} == {staff_id(seeded, ZHANG)}


def test_a_member_on_leave_gets_no_派单_task_until_the_day_after_their_leave(gridbot, wechat, seeded, clock):
    set_assign_mode(gridbot)
    output = ok(gridbot("staff", "duty", "李娜", "休假", "--until", "11-23"))
    assert "李娜 已设为休假，至 2026年11月23日（含），之后自动恢复在岗" in output
    listed = json.loads(ok(gridbot("staff", "list", "--scope", "幸福里社区·第一网格", "--json")))
    assert [(m["on_duty"], m["off_duty_until"]) for m in listed if m["name"] == "李娜"] == [(False, "2026-11-23")]

    for _ in range(2):
        assert appeal(seeded, file_and_dispatch(wechat, seeded, clock)).assignee_staff_id == staff_id(seeded, ZHANG)

    clock.advance(days=2)  # 11月24日 10:00: the leave is over
    assert {appeal(seeded, file_and_dispatch(wechat, seeded, clock)).assignee_staff_id} == {staff_id(seeded, LI)}


def test_the_operator_arranges_leave_for_later_days_a_member_phoned_in_as_请假_下周一到周三_does(
        gridbot, wechat, seeded, clock):
    # The office could set leave only from now: a member who phoned to say she is off next Monday to Wednesday
    # (today is Sunday 22 November) could not be entered until that morning.
    ticket = claimed_by(wechat, seeded, clock, LI)

    output = ok(gridbot("staff", "duty", "李娜", "休假", "--from", "11-23", "--until", "11-25"))

    assert output.strip() == ("李娜 已登记 2026年11月23日起休假，至 2026年11月25日（含），之后自动恢复在岗；在此之前照常在岗。"
                              "休假期间派单不再给 TA 派新任务，手上未办结的任务仍由 TA 负责。")
    listed = json.loads(ok(gridbot("staff", "list", "--json")))
    assert [(m["on_duty"], m["off_duty_from"], m["off_duty_until"]) for m in listed if m["name"] == "李娜"] == [
        (True, "2026-11-23", "2026-11-25")]
    [told] = worded(seeded, "staff_member_on_leave", WANG)
    assert told.startswith(f"【请假】李娜将于 11月23日起请假至 11月25日，手上 1 件未办结的任务仍在其名下：{ticket}。")
    line = next(one for one in ok(gridbot("staff", "list")).splitlines() if "李娜" in one)
    assert "11月23日起休假至11月25日" in line


def test_duty_from_a_later_day_alone_lasts_until_she_is_set_back_on_duty_which_cancels_it(gridbot, seeded):
    output = ok(gridbot("staff", "duty", "李娜", "休假", "--from", "2026-11-30"))
    assert output.startswith("李娜 已登记 2026年11月30日起休假，直到销假（gridbot staff duty 李娜 在岗）；在此之前照常在岗。")
    assert (row(seeded, LI).on_duty, row(seeded, LI).off_duty_until) == (False, None)
    assert "已设为在岗" in ok(gridbot("staff", "duty", "李娜", "在岗"))
    assert row(seeded, LI).off_duty_from is None


def test_duty_from_refuses_a_day_over_a_last_day_before_it_and_a_member_set_on_duty(gridbot, seeded):
    assert refused(gridbot("staff", "duty", "李娜", "休假", "--from", "2026-11-20", "--until", "11-25")).strip() == (
        "2026年11月20日 已经过去了，请写今天或以后的日期。")
    assert refused(gridbot("staff", "duty", "李娜", "休假", "--from", "11-25", "--until", "11-23")).strip() == (
        "--until 的 2026年11月23日 在 --from 的 2026年11月25日 之前，请检查日期。没有登记。")
    assert "--from 的日期“元旦”看不懂" in refused(gridbot("staff", "duty", "李娜", "休假", "--from", "元旦"))
    assert refused(gridbot("staff", "duty", "李娜", "在岗", "--from", "11-25")).strip() == "--from 只用于 休假。"
    assert row(seeded, LI).on_duty is True and row(seeded, LI).off_duty_from is None


def test_duty_from_a_grid_leader_says_whom_the_督办_go_to(gridbot):
    output = ok(gridbot("staff", "duty", "王强", "休假", "--from", "11-23", "--until", "11-24"))
    assert "督办改发给在岗的网格长" in output


def test_duty_refuses_a_day_it_cannot_read_or_that_is_over(gridbot):
    assert "看不懂" in refused(gridbot("staff", "duty", "李娜", "休假", "--until", "元旦"))
    assert "已经过去了" in refused(gridbot("staff", "duty", "李娜", "休假", "--until", "2026-11-01"))
    assert "请写 在岗 或 休假" in refused(gridbot("staff", "duty", "李娜", "出差"))


def test_duty_until_a_day_over_this_year_asks_for_the_year_instead_of_a_year_of_leave(gridbot, seeded, wechat):
    said = refused(gridbot("staff", "duty", "李娜", "休假", "--until", "11-01"))  # typed on 22 November
    assert said.strip() == ("--until 11-01：今年的 2026年11月1日 已经过去了，是要休假到明年的 2027年11月1日 吗？"
                            "是的话请写上年份（--until 2027-11-01），否则请写今天或以后的日期。")
    assert row(seeded, LI).on_duty is True
    assert wechat.send(LI, "请假 到 11月1日") == ("今年的 2026年11月1日 已经过去了，是要请假到明年的 2027年11月1日 吗？"
                                              "是的话请写上年份：请假 到 2027-11-01；否则请写今天或以后的日期。")
    assert row(seeded, LI).on_duty is True


@pytest.mark.parametrize(("said", "state"), [("请假", "已设为休假"), ("销假", "已设为在岗"), ("在岗。", "已设为在岗")])
def test_duty_takes_the_words_staff_use_in_the_chat(gridbot, said, state):
    assert state in ok(gridbot("staff", "duty", "李娜", said))


def test_请假_and_销假_in_the_chat(wechat, seeded, clock):
    claimed_by(wechat, seeded, clock, LI)

    reply = wechat.send(LI, "请假 到 12月31日")

    assert reply.startswith("已登记请假，至 12月31日（含），1月1日起自动恢复在岗。请假期间派单不会给您派新任务")
    assert "您手上 1 件未办结的任务仍由您负责" in reply
    assert row(seeded, LI).on_duty is False
    assert wechat.send(LI, "请假 到 2026-11-01").startswith("11月1日 已经过去了")
    # It read 昨天 as no day at all: the reply was the staff's general help, as if 请假 were no command.
    assert wechat.send(LI, "请假 到 昨天") == "11月21日 已经过去了，请写今天或以后的日期，如：请假 到 12月31日。"
    assert wechat.send(LI, "销假") == staff_texts.BACK
    assert row(seeded, LI).on_duty is True and row(seeded, LI).off_duty_until is None
    assert wechat.send(WANG, "销假") == staff_texts.BACK_ALREADY


def test_the_grid_leader_hears_when_a_member_holding_tasks_goes_on_leave_and_can_move_them(wechat, seeded, clock):
    ticket = claimed_by(wechat, seeded, clock, LI)
    wechat.send(LI, "请假 到 12月31日")
    [told] = worded(seeded, "staff_member_on_leave", WANG)
    assert told == (f"【请假】李娜请假至 12月31日，手上 1 件未办结的任务仍在其名下：{ticket}。"
                    f"需要尽快办理的，请回复“改派 编号 姓名”交给在岗的人。")
    assert notices(seeded, "staff_member_on_leave") == [WANG]
    wechat.send(LI, "请假 到 12月31日")  # said again: told once
    assert notices(seeded, "staff_member_on_leave") == [WANG]
    wechat.send(LI, "销假")
    wechat.send(ZHANG, "请假")  # holding nothing: the leader need not hear of it
    assert notices(seeded, "staff_member_on_leave") == [WANG]


def test_the_grid_leader_hears_of_a_leave_set_from_the_command_line_too(gridbot, wechat, seeded, clock):
    ticket = claimed_by(wechat, seeded, clock, LI)
    assert "已设为休假" in ok(gridbot("staff", "duty", "李娜", "请假"))
    [told] = worded(seeded, "staff_member_on_leave", WANG)
    assert told.startswith(f"【请假】李娜请假（直到销假），手上 1 件未办结的任务仍在其名下：{ticket}。")


def test_an_operator_on_leave_is_told_what_leave_changes_for_them_not_that_派单_stops(wechat, seeded, clock):
    # It said 请假期间派单不会给您派新任务: 派单 never gives an operator a task; leave stops their daily summary.
    reply = wechat.send(OPERATOR, "请假 到 12月31日")
    assert reply.startswith("已登记请假，至 12月31日（含），1月1日起自动恢复在岗。请假期间不给您发每日简报；")
    assert "派单" not in reply
    assert "派单" not in wechat.send(OPERATOR, "请假") and "派单" not in wechat.send(OPERATOR, "销假")
    assert wechat.send(OPERATOR, "销假") == staff_texts.BACK_ALREADY_OPERATOR


def test_a_grid_leader_on_leave_is_told_to_move_their_tasks_not_to_ask_the_grid_leader(wechat, seeded, clock):
    claimed_by(wechat, seeded, clock, WANG)

    reply = wechat.send(WANG, "请假 到 12月31日")

    assert reply.endswith("您手上 1 件未办结的任务仍由您负责；需要别人接手，可回复“改派 编号 姓名”交给组员，或联系社区改派。")


def test_a_grid_leader_on_leave_is_told_whom_the_督办_go_to_meanwhile(wechat, seeded, clock):
    # They read only 请假期间派单不会给您派新任务, though the 督办 of their grid now pass them over.
    reply = wechat.send(WANG, "请假")
    assert "请假期间，本网格无人接单和超时的督办改发给在岗的网格长（都在请假时发给社区操作员）。" in reply
    assert "督办" not in wechat.send(ZHANG, "请假")


def test_a_department_officer_on_leave_is_told_their_units_cards_still_reach_them_and_whom_to_ask(
        wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_wu", name="吴刚", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          active=True, created_at=clock()))
    ticket = claimed_by(wechat, seeded, clock, ZHANG)
    wechat.dialog(ZHANG, [(f"转办 {ticket} 综合执法中队", "已转办")])
    wechat.dialog("dept_wu", [(f"接单 {ticket}", "接单成功")])

    reply = wechat.send("dept_wu", "请假 到 12月31日")

    assert "派单" not in reply
    assert "转给本单位的任务卡仍会发给本单位每位人员（包括您），由在岗的同事接单" in reply
    assert reply.endswith("您手上 1 件未办结的任务仍由您负责；需要同事接手，请联系诉求所在网格的网格长或社区工作人员把它重新转办给本单位。")
    wechat.dialog(WANG, [(f"转办 {ticket} 综合执法中队", "已转办")])  # what they were told to ask for works
    assert appeal(seeded, ticket).assignee_staff_id is None


def test_请假_to_a_day_said_as_people_say_it(wechat, seeded, clock):
    # The test clock's today is Sunday 22 November.
    assert wechat.send(LI, "请假 到 明天").startswith("已登记请假，至 11月23日（含），11月24日起自动恢复在岗")
    assert wechat.send(LI, "请假到周五。").startswith("已登记请假，至 11月27日（含），11月28日起自动恢复在岗")
    # Weeks start on Monday: on a Sunday 下周三 is three days ahead.
    assert wechat.send(LI, "请假 到 下周三").startswith("已登记请假，至 11月25日（含），11月26日起自动恢复在岗")
    # A count of days, today the first of them (the reply names the last, to be corrected).
    assert wechat.send(LI, "请假三天。").startswith("已登记请假，至 11月24日（含），11月25日起自动恢复在岗")
    assert wechat.send(LI, "请假 到 这周一").startswith("11月16日 已经过去了")
    assert row(seeded, LI).on_duty is False


def test_请假_to_a_day_just_gone_asks_for_the_year_and_a_year_with_it_is_taken(wechat, seeded, clock):
    # On 22 November, 11月21日 is most likely a slip, not a year's leave: both readings are named.
    reply = wechat.send(LI, "请假 到 11月21日")

    assert reply.startswith("今年的 2026年11月21日 已经过去了，是要请假到明年的 2027年11月21日 吗？")
    assert row(seeded, LI).on_duty is True
    reply = wechat.send(LI, "请假 到 2027-11-21")
    assert reply.startswith("已登记请假，至 2027年11月21日（含），2027年11月22日起自动恢复在岗")
    assert row(seeded, LI).on_duty is False


def test_staff_commands_typed_with_a_space_inside_the_verb_are_read_as_the_command(wechat, seeded, clock):
    # Voice input and fat thumbs split the verb: 请 假 got the staff's general hint, as if it were no command.
    assert wechat.send(LI, "请 假 明天").startswith("已登记请假：11月23日起至 11月23日（含）")
    assert wechat.send(LI, "销 假") == staff_texts.BACK_BEFORE_LEAVE.format(first="11月23日")
    assert wechat.send(LI, "请 假").startswith("已登记请假，直到您发“销假”")
    assert row(seeded, LI).on_duty is False
    assert wechat.send(LI, "销　假。") == staff_texts.BACK
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert wechat.send(ZHANG, f"接 单 {ticket}").startswith("接单成功")
    assert wechat.send(RESIDENT, "请 假条怎么开") != staff_texts.NOT_YOURS and row(seeded, LI).on_duty is True


def test_请假_is_listed_for_staff_and_a_residents_sentence_starting_with_it_is_no_command(wechat):
    assert "请假 到 12月31日" in wechat.send(WANG, "帮助") + wechat.send(WANG, "帮助 2")  # a 网格长's runs onto a page 2
    assert "请假" not in wechat.send(RESIDENT, "帮助")
    assert wechat.send(RESIDENT, "请假条怎么开") != staff_texts.NOT_YOURS


# --- invites --------------------------------------------------------------------------------------------------

def code_of(result):
    return SENT_CODE.search(ok(result)).group(1)


def test_invite_without_a_subcommand_still_creates_an_invite(gridbot, wechat):
    output = ok(gridbot("invite", "--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "张伟",
                        env={"GRIDBOT_ACCOUNT_NAME": "幸福街道"}))

    assert "请把下面这段话原样转发给 张伟：" in output
    assert "张伟您好！邀请您作为 幸福里社区·第一网格 的网格员" in output and "请关注微信公众号“幸福街道”" in output
    assert "认证成功" in wechat.send("o_newstaff", f"认证 {SENT_CODE.search(output).group(1)}")


def test_invite_list_shows_pending_invites_and_all_with_their_status(gridbot, wechat, clock):
    used = code_of(gridbot("invite", "--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "甲"))
    code_of(gridbot("invite", "--role", "网格员", "--grid", "幸福里社区·第二网格", "--name", "乙", "--ttl-hours", "1"))
    code_of(gridbot("invite", "--role", "网格长", "--grid", "和平社区·第一网格", "--name", "丙"))
    wechat.send("o_newstaff", f"认证 {used}")
    clock.advance(hours=2)

    pending = ok(gridbot("invite", "list"))
    everything = ok(gridbot("invite", "list", "--all"))

    assert pending.splitlines()[0] == "待使用的邀请 1 个：" and "网格长 · 和平社区·第一网格 · 丙" in pending
    assert everything.splitlines()[0] == "全部邀请 3 个："
    assert "甲 · 已使用" in everything and "乙 · 已过期" in everything and "丙 · 待使用" in everything


def test_a_revoked_code_is_refused_like_a_wrong_one(gridbot, wechat, seeded):
    by_code = code_of(gridbot("invite", "--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "甲"))
    code_of(gridbot("invite", "--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "乙"))
    with seeded.transaction() as session:
        second = session.scalars(select(StaffInvite.id).where(StaffInvite.name == "乙")).one()

    assert "已撤销邀请" in ok(gridbot("invite", "revoke", by_code.lower()))
    assert "已撤销邀请" in ok(gridbot("invite", "revoke", str(second)))

    assert wechat.send("o_newstaff", f"认证 {by_code}") == staff_texts.CERTIFY_REFUSED
    assert "已经撤销过了" in refused(gridbot("invite", "revoke", str(second)))
    assert "找不到邀请" in refused(gridbot("invite", "revoke", "999"))
    assert "已撤销" in ok(gridbot("invite", "list", "--all"))


def test_an_invite_made_on_30_december_says_the_year_it_runs_out_in(gridbot, clock):
    clock.current = datetime(2026, 12, 30, 10, tzinfo=LOCAL_ZONE)

    output = ok(gridbot("invite", "--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "甲"))

    assert "（2027年1月2日 10:00 前有效）" in output and "2027年1月2日 10:00 前）" in output


def test_invite_list_gives_times_of_another_year_with_their_year(gridbot, wechat, clock):
    code_of(gridbot("invite", "--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "甲"))  # 11月22日 10:00
    clock.advance(days=60)  # January: an invite that ran out in November was last year's

    assert "甲 · 已过期（2026年11月25日 10:00）" in ok(gridbot("invite", "list", "--all"))


def test_invites_made_before_the_secret_key_was_changed_are_listed_as_dead_not_waiting(gridbot, wechat):
    """No code made under the old GRIDBOT_SECRET_KEY redeems under a new one: the list says so and to invite again."""
    old = code_of(gridbot("invite", "--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "甲"))
    rotated = {"GRIDBOT_SECRET_KEY": "a-new-secret-key-after-rotation-0123456789"}
    code_of(gridbot("invite", "--role", "网格员", "--grid", "幸福里社区·第二网格", "--name", "乙", env=rotated))

    pending = ok(gridbot("invite", "list", env=rotated))
    assert pending.splitlines()[0] == "待使用的邀请 1 个：" and "乙 · 待使用" in pending and "甲" not in pending
    everything = ok(gridbot("invite", "list", "--all", env=rotated))
    assert "甲 · 已失效：服务器密钥（GRIDBOT_SECRET_KEY）更换过，验证码不能再用，请重新邀请" in everything
    first = everything.split("] 网格员")[0].split("[")[-1]
    assert "已经失效，无需撤销" in refused(gridbot("invite", "revoke", first, env=rotated))
    assert "甲 · 待使用" in ok(gridbot("invite", "list"))  # under the key it was made with, it still works
    assert "认证成功" in wechat.send("o_newstaff", f"认证 {old}")


def test_a_street_operator_is_invited_by_street_and_is_the_top_escalation_level(gridbot, wechat, seeded, clock):
    output = ok(gridbot("invite", "--role", "操作员", "--street", "幸福街道", "--name", "周红"))
    assert "已生成操作员邀请" in output and "幸福街道" in output
    assert "操作员 · 幸福街道 · 周红" in ok(gridbot("invite", "list"))  # the street, not a placeholder
    assert "幸福街道 的操作员" in wechat.send("o_street", f"认证 {SENT_CODE.search(output).group(1)}")
    street_operator = row(seeded, "o_street")
    assert (street_operator.community_id, street_operator.grid_id) == (None, None)

    ticket = claimed_by(wechat, seeded, clock, ZHANG)
    claimed = appeal(seeded, ticket)
    clock.current = claimed.resolve_due_at + 2 * timedelta(hours=claimed.resolve_hours)
    for _ in range(3):
        with seeded.transaction() as session:
            supervision.sweep(session, clock())
    assert appeal(seeded, ticket).escalation_level == 3
    assert "o_street" in notices(seeded, "staff_escalated", ticket)
    assert "找不到街道“光明街道”。您是不是要找：\n· 幸福街道" in refused(
        gridbot("invite", "--role", "操作员", "--street", "光明街道"))
    assert "--street 只用于邀请街道操作员" in refused(
        gridbot("invite", "--role", "网格员", "--street", "幸福街道", "--grid", "幸福里社区·第一网格"))


def test_a_street_operator_of_another_street_neither_reads_nor_hears_of_this_streets_appeals(
        gridbot, wechat, seeded, clock):
    with seeded.transaction() as session:
        seeding.seed_street(session, OTHER_STREET, clock())
    output = ok(gridbot("invite", "--role", "操作员", "--street", "平安街道", "--name", "吴刚"))
    certified = wechat.send("o_pingan", f"认证 {SENT_CODE.search(output).group(1)}")
    assert "平安街道 的操作员" in certified and "幸福街道" not in certified
    assert "吴刚 · 操作员 · 平安街道 · 已绑定" in ok(gridbot("staff", "list", "--role", "操作员"))

    ticket = claimed_by(wechat, seeded, clock, ZHANG)
    assert wechat.send("o_pingan", f"查询 {ticket}").startswith("没有找到编号为")
    category = appeal(seeded, ticket).category
    with seeded.transaction() as session:  # as if still waiting in 待分类: no operator of 平安街道 sees it there
        session.scalars(select(Appeal).where(Appeal.ticket == ticket)).one().category = UNCLASSIFIED
    assert ticket not in wechat.send("o_pingan", "待分类")
    assert ticket not in wechat.send("o_pingan", "我的任务")
    with seeded.transaction() as session:
        session.scalars(select(Appeal).where(Appeal.ticket == ticket)).one().category = category
    claimed = appeal(seeded, ticket)
    clock.current = claimed.resolve_due_at + 2 * timedelta(hours=claimed.resolve_hours)
    for _ in range(3):
        with seeded.transaction() as session:
            supervision.sweep(session, clock())
    assert appeal(seeded, ticket).escalation_level == 3
    assert "o_pingan" not in notices(seeded, "staff_escalated", ticket)  # 督办 stays in 幸福街道


def test_where_two_streets_have_a_community_of_one_name_staff_places_name_the_street(gridbot, wechat, seeded, clock):
    with seeded.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan(
            "滨湖街道", {XINGFULI: {FIRST: ("幸福家园", {"1号楼": ("1单元",)})}}), clock())
    output = ok(gridbot("invite", "--role", "网格员", "--grid", "滨湖街道/幸福里社区/第一网格", "--name", "钱多"))

    assert "滨湖街道·幸福里社区·第一网格" in wechat.send("o_binhu", f"认证 {SENT_CODE.search(output).group(1)}")
    listed = ok(gridbot("staff", "list"))
    assert "钱多 · 网格员 · 滨湖街道·幸福里社区·第一网格" in listed
    assert "孙丽 · 操作员 · 幸福街道·幸福里社区 ·" in listed and "张伟 · 网格员 · 幸福街道·幸福里社区·第一网格" in listed
    assert "刘主任" not in listed and "陈静 · 网格员 · 和平社区·第一网格" in listed  # a name only one street has


def test_a_phone_bound_code_binds_only_after_the_right_four_digits(gridbot, wechat, seeded):
    code = code_of(gridbot("invite", "--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "张三",
                           "--phone", "13812345678"))

    assert wechat.send("o_newstaff", f"认证 {code}") == staff_texts.CERTIFY_ASK_PHONE
    assert wechat.send("o_newstaff", "1234") == staff_texts.CERTIFY_WRONG_DIGITS
    with seeded.transaction() as session:
        assert session.scalars(select(Staff).where(Staff.openid == "o_newstaff")).first() is None
    assert wechat.send("o_newstaff", "５６７８").startswith("认证成功")  # full-width, as some IMEs type


def test_wrong_four_digits_count_as_failed_certifications_under_the_lockout(gridbot, wechat, seeded):
    code = code_of(gridbot("invite", "--role", "网格员", "--grid", "幸福里社区·第一网格", "--phone", "13812345678"))
    wechat.send("o_guesser", f"认证 {code}")

    replies = [wechat.send("o_guesser", f"{guess:04d}") for guess in range(5)]

    assert replies[:4] == [staff_texts.CERTIFY_WRONG_DIGITS] * 4
    assert replies[4].startswith("验证码错误次数过多")
    assert wechat.send("o_guesser", f"认证 {code}").startswith("验证码错误次数过多")
    assert wechat.send("o_guesser", "5678") != staff_texts.CERTIFY_ASK_PHONE
    with seeded.transaction() as session:
        assert session.scalars(select(Staff).where(Staff.openid == "o_guesser")).first() is None


def test_a_department_must_be_one_the_taxonomy_routes_to(gridbot, seeded):
    output = refused(gridbot("invite", "--role", "部门", "--department", "综合执法", "--name", "周队长"))

    assert output.strip() == "未知部门“综合执法”。可选：综合执法中队"
    with seeded.transaction() as session:
        assert session.scalars(select(StaffInvite)).first() is None


def test_a_leavers_unknown_taker_is_answered_with_others_than_the_leaver(gridbot, wechat, seeded, clock):
    claimed_by(wechat, seeded, clock, ZHANG)
    refused = gridbot("staff", "disable", "张伟", "--to", "张三")
    assert refused.exit_code != 0 and "李娜" in refused.output and "张伟" not in refused.output.split("找不到")[-1]
    assert row(seeded, ZHANG).active is True  # nothing changed
