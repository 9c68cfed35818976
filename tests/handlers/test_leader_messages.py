"""Who must hear what (issue 10, section 4): a grid leader got 81 messages in ten minutes, every card, every 已接单 and
督办 lines with no content, place or next step. In a 抢单 grid the 网格长 now gets the routine cards in one digest
and no 已接单; what needs them (an emergency, a 督办) comes at once, and every 督办 and reminder says what, where,
since when and what to do.

幸福里社区·第一网格 grabs (抢单): 张伟 and 李娜 claim, 王强 leads; o1, o5, o6 and o7 live in 阳光花园.
"""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from handlers import notifications
from storage import supervision
from storage.models import Appeal, OutboxMessage, OutboxStatus, Staff, StaffRole
from tests.support.personas import LI, NEIGHBOUR, NEXT_DOOR, OPERATOR, RESIDENT, UNIT_NEIGHBOUR, WANG, ZHANG
from tests.support.worker import dispatch_filed

pytestmark = pytest.mark.postgres

# Ten ordinary problems of one morning, one a minute, from four neighbours.
BURST = [
    (RESIDENT, "3号楼门口的路灯坏了，晚上走路看不见"),
    (NEIGHBOUR, "楼道里堆满了杂物，堵住了消防通道"),
    (UNIT_NEIGHBOUR, "楼上每天半夜装修，吵得睡不着"),
    (NEXT_DOOR, "小区门口的井盖丢了，很危险"),
    (RESIDENT, "垃圾桶满了三天没人清运，味道很大"),
    (NEIGHBOUR, "小区里有人遛狗不牵绳，吓到小孩"),
    (UNIT_NEIGHBOUR, "地下车库漏水，地上都是积水"),
    (NEXT_DOOR, "1号楼楼道的灯不亮了"),
    (RESIDENT, "小区健身器材坏了，螺丝松动"),
    (NEIGHBOUR, "有人在绿化带里种菜，把草坪都挖了"),
]
TICKET = re.compile(r"G\d{10}")


def sent_to(seeded, openid):
    """What `openid` is sent on its own (a notice folded into a digest is not), rendered, oldest first."""
    with seeded.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_openid == openid,
                                                           OutboxMessage.status != OutboxStatus.DIGESTED)
                               .order_by(OutboxMessage.id)).all()
        return [notifications.render(row.template, json.loads(row.params)) for row in rows]


def file_burst(wechat, seeded, clock):
    """The morning: a problem a minute, dispatched by the worker, claimed in turn by 张伟 and 李娜."""
    tickets = []
    for number, (resident, words) in enumerate(BURST):
        ticket = TICKET.search(wechat.send(resident, words)).group(0)
        dispatch_filed(seeded, clock)
        assert wechat.send((ZHANG, LI)[number % 2], f"接单 {ticket}").startswith("接单成功")
        tickets.append(ticket)
        clock.advance(minutes=1)
    return tickets


def test_a_burst_in_a_grabbing_grid_reaches_the_leader_as_one_digest_and_members_get_every_card(
        wechat, seeded, clock):
    tickets = file_burst(wechat, seeded, clock)
    # Before: ten cards and ten 已接单 to 王强 in ten minutes. Now: one digest of the quarter hour.
    (digest,) = sent_to(seeded, WANG)
    assert digest.startswith("【本网格新任务汇总】11月22日 10:00起15分钟内派发 10 件，网格员抢单办理中")
    assert all(ticket in digest for ticket in tickets) and "我的任务" in digest
    # The members who grab still get every card (and each the other's 已接单).
    assert sum("【新诉求】" in text for text in sent_to(seeded, ZHANG)) == 10
    assert sum("【已接单】" in text for text in sent_to(seeded, ZHANG)) == 5
    # The leader still reads every one of them.
    detail = wechat.send(WANG, f"查询 {tickets[3]}")
    assert "井盖丢了" in detail


def test_an_emergency_in_the_burst_reaches_the_leader_at_once(wechat, seeded, clock):
    file_burst(wechat, seeded, clock)
    ticket = TICKET.search(wechat.send(RESIDENT, "着火了")).group(0)
    dispatch_filed(seeded, clock)
    told = sent_to(seeded, WANG)
    assert len(told) == 2 and told[-1].startswith("【紧急】") and ticket in told[-1]
    assert wechat.send(ZHANG, f"接单 {ticket}").startswith("接单成功")
    assert sent_to(seeded, WANG)[-1].startswith(f"【已接单】{ticket} 已由 张伟 接单")


def test_a_grid_of_leaders_alone_gets_its_cards_one_by_one(wechat, seeded, clock):
    with seeded.transaction() as session:  # 张伟 and 李娜 left: 王强 is the grid's only claimer
        for member in session.scalars(select(Staff).where(Staff.openid.in_((ZHANG, LI)))):
            member.active = False
    ticket = TICKET.search(wechat.send(RESIDENT, BURST[0][1])).group(0)
    dispatch_filed(seeded, clock)
    (card,) = sent_to(seeded, WANG)
    assert card.startswith(f"【新诉求】{ticket}")


def test_with_every_member_of_a_grabbing_grid_on_leave_the_leader_gets_the_card_at_once_and_the_resident_hears_so(
        wechat, seeded, clock):
    with seeded.transaction() as session:  # 张伟 and 李娜 on leave: 王强 is the one on duty
        for member in session.scalars(select(Staff).where(Staff.openid.in_((ZHANG, LI)))):
            member.on_duty = False
    receipt = wechat.send(RESIDENT, BURST[0][1])
    assert "网格长会尽快联系您" in receipt
    ticket = TICKET.search(receipt).group(0)
    dispatch_filed(seeded, clock)
    (card,) = sent_to(seeded, WANG)
    assert card.startswith(f"【新诉求】{ticket}")
    # The members on leave still get it: one back early may take it.
    assert any(ticket in text for text in sent_to(seeded, ZHANG))
    assert wechat.send(ZHANG, f"接单 {ticket}").startswith("接单成功")



def test_with_every_member_on_leave_the_leader_who_got_the_card_hears_who_took_it(wechat, seeded, clock):
    with seeded.transaction() as session:
        for member in session.scalars(select(Staff).where(Staff.openid.in_((ZHANG, LI)))):
            member.on_duty = False
    ticket = TICKET.search(wechat.send(RESIDENT, BURST[0][1])).group(0)
    dispatch_filed(seeded, clock)
    assert wechat.send(ZHANG, f"接单 {ticket}").startswith("接单成功")
    assert sent_to(seeded, WANG)[-1].startswith(f"【已接单】{ticket} 已由 张伟 接单")


def test_an_unclaimed_appeals_escalation_says_what_where_since_when_and_what_to_do(wechat, seeded, clock):
    ticket = TICKET.search(wechat.send(RESIDENT, "3号楼电梯坏了，物业一直不来修")).group(0)
    dispatch_filed(seeded, clock)
    (digest,) = sent_to(seeded, WANG)  # the card waits in the quarter hour's digest; the leader's list shows it
    assert digest.startswith("【本网格新任务汇总】") and ticket in digest
    assert ticket in wechat.send(WANG, "我的任务")
    clock.advance(minutes=31)  # nobody claimed it
    with seeded.transaction() as session:
        supervision.sweep(session, clock(), timedelta(minutes=30))
    escalation = sent_to(seeded, WANG)[-1]
    assert escalation.startswith(f"【督办】{ticket} 无人接单，已升级为第1级督办")
    assert "类别：物业服务·电梯" in escalation
    assert "内容：3号楼电梯坏了，物业一直不来修" in escalation
    assert "地点：幸福里社区·第一网格 阳光花园3号楼1单元" in escalation
    assert "提交时间：11月22日 10:00" in escalation
    assert f"请安排网格员接单，或自己回复“接单 {ticket}”" in escalation
    clock.advance(hours=4)  # past the response deadline and a period more: the community's operator
    with seeded.transaction() as session:
        supervision.sweep(session, clock(), timedelta(minutes=30))
    # Not 或自己回复“接单 …”: an operator's 接单 of an ordinary task is refused.
    assert sent_to(seeded, OPERATOR)[-1].endswith(
        f"尚无人接单：请督促网格安排接单，或回复“改派 {ticket} 网格或姓名”交给他人；回复“查询 {ticket}”查看详情。")
    assert "操作员不接普通诉求" in wechat.send(OPERATOR, f"接单 {ticket}")


def test_a_task_given_to_a_member_who_has_not_claimed_it_asks_them_to_claim_not_to_finish(wechat, seeded, clock):
    ticket = TICKET.search(wechat.send(RESIDENT, "3号楼电梯坏了，物业一直不来修")).group(0)
    dispatch_filed(seeded, clock)
    assert "已改派给 李娜" in wechat.send(WANG, f"改派 {ticket} 李娜")
    clock.advance(minutes=31)  # she has not claimed it
    with seeded.transaction() as session:
        supervision.sweep(session, clock(), timedelta(minutes=30))
    escalation = sent_to(seeded, LI)[-1]
    assert escalation.startswith(f"【督办】{ticket} 无人接单，已升级为第1级督办")
    # Not 请立即办理：办好后回复“办结 …”: 办结 of a task not claimed is refused.
    assert escalation.endswith(f"请立即接单：回复“接单 {ticket}”；回复“查询 {ticket}”查看详情。")
    # The leader who gave it to her reads whom it waits on, not 尚无人接单：请安排网格员接单.
    assert sent_to(seeded, WANG)[-1].endswith(
        f"已派给李娜，尚未接单：请联系李娜尽快接单，或改派给他人；回复“查询 {ticket}”查看详情。")


def test_an_unclaimed_escalation_of_a_department_task_asks_the_leader_to_chase_the_department(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_zhifa", name="周队长", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          active=True, created_at=clock()))
    ticket = TICKET.search(wechat.send(RESIDENT, "小区门口有人占道经营，天天摆摊堵路")).group(0)
    dispatch_filed(seeded, clock)
    clock.advance(minutes=31)  # nobody at the department claimed it
    with seeded.transaction() as session:
        supervision.sweep(session, clock(), timedelta(minutes=30))
    escalation = sent_to(seeded, WANG)[-1]
    assert escalation.startswith(f"【督办】{ticket} 无人接单")
    # Not 请安排网格员接单，或自己回复“接单 …”: the leader's 接单 would be refused (已转给其他部门).
    assert escalation.endswith(f"已转给综合执法中队，尚无人接单：请联系综合执法中队尽快接单；回复“查询 {ticket}”查看详情。")
    assert "已转给其他部门" in wechat.send(WANG, f"接单 {ticket}")


def test_an_overdue_task_tells_its_holder_to_finish_and_the_leader_whom_to_call(wechat, seeded, clock):
    ticket = TICKET.search(wechat.send(RESIDENT, "3号楼门口的路灯坏了，晚上走路看不见")).group(0)
    dispatch_filed(seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    with seeded.transaction() as session:
        due = session.scalars(select(Appeal.resolve_due_at).where(Appeal.ticket == ticket)).one()
    clock.current = due - timedelta(minutes=1)
    with seeded.transaction() as session:
        supervision.sweep(session, clock())
    reminder = sent_to(seeded, ZHANG)[-1]
    assert reminder.startswith(f"【办理提醒】{ticket} 须在") and "路灯坏了" in reminder
    assert "阳光花园3号楼1单元" in reminder and "提交时间：11月22日 10:00" in reminder
    assert f"办好后回复“办结 {ticket} 说明”" in reminder
    clock.advance(minutes=2)
    with seeded.transaction() as session:
        supervision.sweep(session, clock())
    to_leader, to_holder = sent_to(seeded, WANG)[-1], sent_to(seeded, ZHANG)[-1]
    for text in (to_leader, to_holder):
        assert text.startswith(f"【督办】{ticket} 超时未办结，已升级为第1级督办")
        assert "路灯坏了" in text and "阳光花园3号楼1单元" in text and "经办人：张伟" in text
    assert "请联系经办人张伟了解原因、督促办结" in to_leader
    assert f"请立即办理：办好后回复“办结 {ticket} 说明”" in to_holder


def test_a_督办_stored_before_it_said_what_it_is_about_still_delivers_in_the_old_words():
    old = {"ticket": "G2611220001", "level": 1, "reason": "unclaimed"}
    assert notifications.render("staff_escalated", old) == "【督办】G2611220001 无人接单，已升级为第1级督办，请尽快处理。"
    assert notifications.render("staff_reminder", {"ticket": "G2611220001", "due_at": "2026-11-22T04:00:00+00:00"})
    assert notifications.template_data("staff_escalated", old)["remark"]["value"] == "请尽快处理。"


def test_a_督办_sent_as_a_template_message_carries_what_where_and_when_too():
    params = {"ticket": "G2611220001", "level": 1, "reason": "unclaimed", "category": "物业服务", "subcategory": "电梯",
              "place": "幸福里社区·第一网格 阳光花园3号楼1单元", "content": "3号楼电梯坏了",
              "filed_at": "2026-11-22T02:00:00+00:00"}
    data = notifications.template_data("staff_escalated", params)
    assert [data[f"keyword{n}"]["value"] for n in range(4, 7)] == [
        "物业服务·电梯：3号楼电梯坏了", "阳光花园3号楼1单元", "提交时间：11月22日 10:00"]
    assert "接单 G2611220001" in data["remark"]["value"]


def test_an_appeal_withdrawn_before_the_quarter_hours_digest_goes_out_is_not_in_it(wechat, seeded, clock):
    kept = TICKET.search(wechat.send(RESIDENT, BURST[0][1])).group(0)
    dispatch_filed(seeded, clock)
    clock.advance(minutes=1)
    withdrawn = TICKET.search(wechat.send(NEIGHBOUR, BURST[1][1])).group(0)
    dispatch_filed(seeded, clock)
    assert "已撤销" in wechat.send(NEIGHBOUR, f"撤销 {withdrawn}")
    (digest,) = sent_to(seeded, WANG)  # due at the quarter's end: the leader reads the new tasks still waiting
    assert digest.startswith("【本网格新任务汇总】11月22日 10:00起15分钟内派发 1 件，") and kept in digest
    assert withdrawn not in digest
    withdrawn_too = TICKET.search(wechat.send(RESIDENT, BURST[2][1] + "，第二次说")).group(0)
    dispatch_filed(seeded, clock)
    assert "已撤销" in wechat.send(RESIDENT, f"撤销 {kept}") and "已撤销" in wechat.send(RESIDENT, f"撤销 {withdrawn_too}")
    assert sent_to(seeded, WANG) == []  # nothing left to tell of: no digest at all


def test_an_appeal_closed_as_no_appeal_before_the_quarter_hours_digest_goes_out_is_not_in_it(wechat, seeded, clock):
    kept = TICKET.search(wechat.send(RESIDENT, BURST[0][1])).group(0)
    dispatch_filed(seeded, clock)
    thanks = TICKET.search(wechat.send(NEIGHBOUR, BURST[1][1])).group(0)
    dispatch_filed(seeded, clock)
    assert "不受理" in wechat.send(OPERATOR, f"不受理 {thanks} 已当面解决，不是诉求")
    (digest,) = sent_to(seeded, WANG)
    assert kept in digest and thanks not in digest and "派发 1 件" in digest
