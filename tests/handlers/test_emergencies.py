"""Emergencies first: the number to call and the advice lead the reply in any state; the 紧急 appeal's card reaches
the whole grid and the community's operators at once, is never merged or digested, and escalates within minutes.

o1 lives in 阳光花园3号楼1单元 (幸福里社区·第一网格: 张伟 and 李娜 members, 王强 the leader; 孙丽 the operator).
"""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from handlers import notifications, resident_texts, staff_texts
from nlp.chatter import Chatter
from storage import appeals, joins, residents, supervision
from storage.errors import NotAllowed
from storage.models import Appeal, AppealStatus, OutboxMessage, OutboxStatus, Staff, StaffRole
from tests.support.database import appeal, notices, worded
from tests.support.personas import CHEN, LI, LIU, OPERATOR, WANG, ZHANG
from tests.support.races import dispatch_while_disabling, second_while_first_open
from tests.support.worker import dispatch_filed, file_and_dispatch

pytestmark = pytest.mark.postgres

EVERYONE = sorted([ZHANG, LI, WANG, OPERATOR])


def ticket_in(reply):
    return re.search(r"G\d{10}", reply).group(0)


def grid_of(seeded, openid):
    """The grid a staff member works in (ids differ on PostgreSQL when other tests used its sequences first)."""
    with seeded.transaction() as session:
        return session.scalars(select(Staff.grid_id).where(Staff.openid == openid)).one()


def cards(seeded, ticket, template="staff_new_appeal"):
    """What each recipient of the appeal's notices reads, by openid."""
    with seeded.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.template == template)).all()
        return {row.recipient_openid: (notifications.render(row.template, json.loads(row.params)), row.status)
                for row in rows if f'"{ticket}"' in row.params}


def report(wechat, seeded, clock, text, openid="o1"):
    reply = wechat.send(openid, text)
    ticket = ticket_in(reply)
    dispatch_filed(seeded, clock)
    return reply, ticket


@pytest.mark.parametrize(
    ("text", "number", "advice"),
    [
        ("着火了", "拨打 119！", "不要乘坐电梯"),
        ("有人晕倒了", "拨打 120！", "不要随意搬动病人"),
        ("煤气味很大", "拨打燃气公司抢修电话", "不要开关电灯"),
        ("我老公喝醉了又打我，我躲在卫生间不敢出去", "拨打 110！", "保护好自己"),
        ("3号楼电梯又不动了，困了好久", "按电梯里的紧急呼叫按钮", "不要扒门"),
        ("家里老人一天没开门了，敲门也没人应", "拨打 110", "不要自己破门"),
        ("楼下停车场有个小孩被锁在车里，一直在哭", "拨打 119", "联系车主"),
    ],
)
def test_an_emergency_reply_leads_with_the_number_and_the_whole_grid_and_operator_get_the_card_at_once(
        wechat, seeded, clock, text, number, advice):
    reply, ticket = report(wechat, seeded, clock, text)
    assert reply.startswith(f"【紧急】请立即{number}")
    assert advice in reply.split("\n")[1]
    assert f"已登记为紧急诉求 {ticket}" in reply and "10分钟内会有人联系您" in reply
    filed = appeal(seeded, ticket)
    assert filed.emergency is not None and filed.response_minutes == 10
    assert filed.response_due_at - filed.created_at == timedelta(minutes=10)  # a minutes-scale clock
    told = cards(seeded, ticket)
    assert sorted(told) == EVERYONE  # every member, the leader and the operator, whatever the mode
    for card, status in told.values():
        assert card.startswith("【紧急】") and text in card and "阳光花园3号楼1单元" in card
        assert status == OutboxStatus.PENDING


def test_a_fire_where_nobody_has_bound_wechat_yet_is_not_answered_as_if_the_grid_had_been_called(
        wechat, seeded, clock):
    # A street just imported, its posters up before its staff were invited: the reply said the grid, its leader
    # and the community had been told and someone would call within 10 minutes, while no card went to anyone.
    from storage import seeding

    with seeded.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan(
            "长青街道", {"长青社区": {"第一网格": ("长青苑", {"1号楼": ("1单元",)})}},
            residents={"o_changqing": ("长青社区", "第一网格", "1号楼", "1单元"),
                       "o_changqing_2": ("长青社区", "第一网格", "1号楼", "1单元")}), clock())

    reply, ticket = report(wechat, seeded, clock, "楼道里着火了，好多烟", openid="o_changqing")

    assert reply.startswith("【紧急】请立即拨打 119！")
    assert "网格暂时还没有工作人员在公众号上接收消息，请一定先打上面的电话求助" in reply
    assert "10分钟内会有人联系您" not in reply and "通知了" not in reply
    assert cards(seeded, ticket) == {}
    joined = wechat.send("o_changqing_2", "1号楼着火了，好多烟")  # a neighbour's report of it joins it
    assert f"已并入紧急诉求 {ticket}" in joined and "已经收到" not in joined and "请一定先打上面的电话求助" in joined
    ordinary, _ = report(wechat, seeded, clock, "着火了")  # o1's grid has its team: they are told
    assert "同时通知了网格员、网格长和社区工作人员" in ordinary


def test_an_emergency_reply_names_only_the_roles_its_card_reached(wechat, seeded, clock):
    # The reply said 网格员、网格长和社区工作人员 were told whoever was bound: in 和平社区·第一网格 only its member
    # 陈静 is (no 网格长, no community operator), and in a street just imported only the street's operator.
    from storage import seeding
    from storage.models import Street

    reply, ticket = report(wechat, seeded, clock, "着火了，楼道里全是烟", openid="o2")
    assert "同时通知了网格员，10分钟内会有人联系您" in reply
    assert sorted(cards(seeded, ticket)) == [CHEN]
    assert f"紧急诉求 {ticket} 已通知网格员。" in wechat.send("o2", "着火了，楼道里全是烟")
    with seeded.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan(
            "长青街道", {"长青社区": {"第一网格": ("长青苑", {"1号楼": ("1单元",)})}},
            residents={"o_changqing": ("长青社区", "第一网格", "1号楼", "1单元")}), clock())
        street = session.scalars(select(Street).where(Street.name == "长青街道")).one()
        session.add(Staff(openid="o_changqing_office", name="吴静", role=StaffRole.OPERATOR, street_id=street.id,
                          active=True, created_at=clock()))

    reply, ticket = report(wechat, seeded, clock, "楼道里着火了，好多烟", openid="o_changqing")

    assert "同时通知了街道工作人员，10分钟内会有人联系您" in reply and "网格员" not in reply
    assert sorted(cards(seeded, ticket)) == ["o_changqing_office"]


def test_the_operator_told_of_an_emergency_given_back_reads_that_it_is_one_and_by_when_to_route_it(
        wechat, seeded, clock):
    # It read 【诉求退回】 like a blocked drain's, with nothing saying someone may be in danger.
    _, ticket = report(wechat, seeded, clock, "着火了，楼道里全是烟")
    wechat.send(ZHANG, f"接单 {ticket}")
    clock.advance(minutes=3)
    wechat.send(ZHANG, f"退回 {ticket} 不在本网格")
    (said,) = worded(seeded, "staff_returned", OPERATOR)
    due = clock() + timedelta(minutes=appeal(seeded, ticket).response_minutes)
    assert said.startswith(f"【紧急·火情】诉求退回 {ticket}\n退回人：张伟\n原因：不在本网格\n")
    assert f"请在 {staff_texts.clock(due)} 前重新分派：回复“改派 {ticket} 网格或姓名”" in said


@pytest.mark.parametrize("first", ["dispatch", "disable"])
def test_an_operator_disabled_while_an_emergency_is_dispatched_is_not_sent_its_card(wechat, seeded, clock, first):
    # PostgreSQL: the grid's team was share-locked during the dispatch, the operators read without the lock, and
    # the operator who had just left got the fire's words, address and door.
    ticket = ticket_in(wechat.send("o1", "着火了，楼道里全是烟"))

    assert dispatch_while_disabling(seeded, OPERATOR, clock, first) == ("done", "done")
    assert sorted(cards(seeded, ticket)) == sorted([ZHANG, LI, WANG])


@pytest.mark.parametrize("first", ["alert", "disable"])
def test_an_operator_disabled_while_an_unplaced_emergency_is_alerted_is_not_sent_it(wechat, seeded, clock, first):
    from storage import emergencies, roster, staff

    ticket = ticket_in(wechat.send("o_new", "救命 楼下着火了 好多烟"))
    with seeded.transaction() as session:  # as if filed a moment later: the alert is what races the disabling
        for row in session.scalars(select(OutboxMessage).where(OutboxMessage.template == "staff_new_appeal")):
            session.delete(row)
        held = session.scalars(select(Appeal.id).where(Appeal.ticket == ticket)).one()

    def alert(session):
        emergencies.alert_unplaced(session, held, clock())

    def disable(session):
        roster.disable(session, staff.staff_by_openid(session, OPERATOR), None, clock(), ())

    steps = (alert, disable) if first == "alert" else (disable, alert)
    assert second_while_first_open(seeded, *steps) == ("done", "done")
    assert cards(seeded, ticket) == {}


def test_everyone_the_urgent_card_reached_hears_the_resident_withdrew_the_emergency(wechat, seeded, clock):
    _, ticket = report(wechat, seeded, clock, "着火了，楼道里全是烟")
    assert "已撤销" in wechat.send("o1", f"撤销 {ticket}")
    told = cards(seeded, ticket, "staff_cancelled")
    assert sorted(told) == EVERYONE
    assert ticket in told[ZHANG][0] and "居民已撤销" in told[ZHANG][0]


def test_everyone_the_urgent_card_reached_hears_who_claimed_the_emergency(wechat, seeded, clock):
    _, ticket = report(wechat, seeded, clock, "着火了，楼道里全是烟")
    wechat.send(LI, f"接单 {ticket}")
    told = cards(seeded, ticket, "staff_taken")
    assert sorted(told) == sorted([ZHANG, WANG, OPERATOR])  # the operator too: they might send someone
    assert told[OPERATOR][0] == f"【已接单】{ticket} 已由 李娜 接单，您无需再处理。"


def test_an_unbound_residents_withdrawn_emergency_is_told_to_the_operators_it_reached(wechat, seeded):
    ticket = ticket_in(wechat.send("o_new", "救命 楼下着火了 好多烟"))
    wechat.send("o_new", "取消")
    assert "已撤销" in wechat.send("o_new", f"撤销 {ticket}")
    assert sorted(cards(seeded, ticket, "staff_cancelled")) == [OPERATOR]


def test_my_tasks_marks_an_emergency_as_its_card_does(wechat, seeded, clock):
    _, ordinary = report(wechat, seeded, clock, "3号楼电梯坏了，物业一直不来修", openid="o5")
    _, ticket = report(wechat, seeded, clock, "3号楼电梯又不动了，困了好久")
    tasks = wechat.send(ZHANG, "我的任务")
    assert f"1. 【紧急·困电梯】{ticket}｜" in tasks and f"2. {ordinary}｜" in tasks


def test_a_lookup_marks_an_emergency_as_its_card_does(wechat, seeded, clock):
    _, ordinary = report(wechat, seeded, clock, "3号楼电梯坏了，物业一直不来修", openid="o5")
    _, ticket = report(wechat, seeded, clock, "3号楼电梯又不动了，困了好久")
    assert wechat.send(ZHANG, f"查询 {ticket}").startswith(f"【紧急·困电梯】诉求 {ticket}\n类别：物业服务")
    assert wechat.send(ZHANG, f"查询 {ordinary}").startswith(f"诉求 {ordinary}\n")


def test_a_trapped_lift_is_never_offered_to_join_nor_merged_and_staff_read_its_words(wechat, seeded, clock):
    ordinary, _ = report(wechat, seeded, clock, "3号楼电梯坏了，物业一直不来修", openid="o5")
    reply, ticket = report(wechat, seeded, clock, "3号楼电梯又不动了，困了好久")
    assert "加入已有诉求" not in reply
    card, _ = cards(seeded, ticket)[ZHANG]
    assert "困了好久" in card and "【紧急】困电梯" in card
    with seeded.transaction() as session:
        operator = session.scalars(select(Staff).where(Staff.openid == OPERATOR)).one()
        with pytest.raises(NotAllowed, match="emergency"):
            joins.merge(session, operator, ticket, ticket_in(ordinary), frozenset(), clock())
    # In the chat the operator is told why, in either order.
    assert "紧急诉求不能合并" in wechat.send(OPERATOR, f"合并 {ticket} {ticket_in(ordinary)}")
    assert "紧急诉求不能合并" in wechat.send(OPERATOR, f"合并 {ticket_in(ordinary)} {ticket}")
    assert appeal(seeded, ticket).status == AppealStatus.DISPATCHED
    # A neighbour's ordinary appeal about the lift is offered the ordinary one, never the emergency.
    offered = wechat.send("o6", "3号楼电梯又坏了，不动了，上下楼很不方便")
    assert ticket not in offered


def test_an_unbound_resident_is_advised_at_once_and_the_operators_told_before_the_address(wechat, seeded):
    reply = wechat.send("o_new", "救命 楼下着火了 好多烟")
    assert reply.startswith("【紧急】请立即拨打 119！")
    assert "不要乘坐电梯" in reply and "并立即通知了社区工作人员" in reply
    assert reply.index("119") < reply.index("请选择您所在的社区")  # the address comes after the advice
    ticket = ticket_in(reply)
    assert appeal(seeded, ticket).status == AppealStatus.AWAITING_ADDRESS
    told = cards(seeded, ticket)
    assert sorted(told) == [OPERATOR]
    card, _ = told[OPERATOR]
    assert card.startswith("【紧急】火情") and "地址未绑定" in card and "楼下着火了" in card


@pytest.mark.parametrize("said", ["阳光花园2号楼着火了", "我住阳光花园3号楼，2号楼着火了"])
def test_an_unbound_residents_emergency_at_a_named_building_reaches_that_grid_at_once(wechat, seeded, clock, said):
    reply, ticket = report(wechat, seeded, clock, said, openid="o_new")
    assert reply.startswith("【紧急】请立即拨打 119！") and "同时通知了网格员、网格长和社区工作人员" in reply
    filed = appeal(seeded, ticket)
    assert filed.status != AppealStatus.AWAITING_ADDRESS and filed.grid_id == grid_of(seeded, ZHANG)
    told = cards(seeded, ticket)
    assert sorted(told) == EVERYONE
    assert "阳光花园2号楼" in told[ZHANG][0] and "地址未绑定" not in told[ZHANG][0]
    assert "已把您说的情况转告" in wechat.send("o_new", "我们在3楼出不来")


def test_fire_during_the_binding_dialogue_is_answered_and_the_dialogue_goes_on(wechat, seeded):
    wechat.dialog("o_new", [
        ("绑定", "请选择您所在的社区"),
        ("着火了！！", "【紧急】请立即拨打 119！"),
        ("1", "请选择您所在的小区"),  # the address can still be given
    ])
    assert notices(seeded, "staff_new_appeal") == [OPERATOR]


@pytest.mark.parametrize(("said", "answer"), [("阳光花园三号楼二单元。", "绑定成功！您的住址：幸福里社区·第一网格 阳光花园3号楼2单元"),
                                             ("阳光花园", "请选择您所在的楼栋")])
def test_an_address_said_during_an_emergency_answers_the_binding_question(wechat, seeded, said, answer):
    wechat.send("o_new", "嗯那个我家好像有煤气味。")
    reply = wechat.send("o_new", said)
    assert answer in reply and "已把您说的情况转告" not in reply


@pytest.mark.parametrize("said", ["我住阳光花园3号楼2单元502", "阳光花园三号楼二单元五零二室。"])
def test_a_room_number_said_with_the_address_while_binding_reaches_the_emergencys_card(wechat, seeded, clock, said):
    ticket = ticket_in(wechat.send("o_new", "嗯那个我家好像有煤气味。"))
    reply = wechat.send("o_new", said)
    assert "绑定成功" in reply and "已记下您的门牌 3号楼2单元502" in reply
    dispatch_filed(seeded, clock)
    card, _ = cards(seeded, ticket)[ZHANG]  # released to the grid once bound: whoever goes first knows the door
    assert "门牌：3号楼2单元502" in card


def test_an_address_without_a_room_number_leaves_the_door_unset(wechat, seeded):
    reply = wechat.send("o_new", "我住阳光花园3号楼2单元")
    assert "绑定成功" in reply and "门牌" not in reply.split("\n")[0] and "已记下您的门牌" not in reply


def test_fire_during_a_rating_question_is_answered_and_filed(wechat, seeded, clock):
    _, ordinary = report(wechat, seeded, clock, "3号楼电梯坏了，物业一直不来修")
    wechat.dialog(ZHANG, [(f"接单 {ordinary}", "接单成功"), (f"办结 {ordinary} 已修好", "已办结")])
    reply, ticket = report(wechat, seeded, clock, "着火了！！")
    assert reply.startswith("【紧急】请立即拨打 119！") and ticket != ordinary
    assert appeal(seeded, ordinary).rating is None  # not read as a rating
    assert sorted(cards(seeded, ticket)) == EVERYONE


def test_commands_still_work_and_words_that_only_look_like_danger_are_ordinary(wechat, seeded):
    assert "119" in wechat.send("o1", "帮助")
    assert "【紧急】" not in wechat.send("o1", "3号楼电梯坏了，好几天了")
    assert "【紧急】" not in wechat.send("o1", "煤气费在哪里交")


@pytest.mark.parametrize("text", ["昨晚楼下着火了，现在已经灭了", "消防通道堵了，万一着火怎么办", "上次电梯困人的事处理了吗"])
def test_a_danger_that_is_past_or_only_feared_is_no_emergency_and_sends_nobody_running(wechat, seeded, clock, text):
    assert "【紧急】" not in wechat.send("o1", text)
    dispatch_filed(seeded, clock)
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal).where(Appeal.emergency.is_not(None))).all() == []
    assert all("【紧急】" not in card for card in worded(seeded, "staff_new_appeal", ZHANG))


def test_a_barbecues_smoke_is_an_ordinary_appeal_for_law_enforcement_not_a_fire(wechat, seeded, clock):
    reply = wechat.send("o1", "我家楼下那个烧烤店烟大，窗户一开全是烟")
    assert "【紧急】" not in reply and "119" not in reply
    dispatch_filed(seeded, clock)
    with seeded.transaction() as session:
        filed = session.scalars(select(Appeal)).one()
    assert (filed.emergency, filed.category) == (None, "综合执法")


def test_an_old_couple_asking_for_care_after_a_stroke_years_ago_is_not_told_to_call_120(wechat, seeded, clock):
    reply = wechat.send("o1", "我老伴中风好几年了一个人照顾不过来")
    assert "【紧急】" not in reply and "120" not in reply
    dispatch_filed(seeded, clock)
    with seeded.transaction() as session:
        filed = session.scalars(select(Appeal)).one()
    assert (filed.emergency, filed.category) == (None, "养老服务")


def test_asking_which_number_to_call_is_answered_with_it_and_files_nothing(wechat, seeded):
    reply = wechat.send("o1", "着火了应该打什么电话")
    assert reply.startswith("遇到火情请拨打 119。") and "不要乘坐电梯" in reply and "在哪里" in reply
    assert "还没有提交过诉求" in wechat.send("o1", "我的诉求")
    staff = wechat.send(ZHANG, "着火了应该打什么电话")
    assert staff.startswith("遇到火情请拨打 119。") and "上报" in staff and "通知工作人员" not in staff


def test_the_fire_put_out_during_an_emergency_still_reaches_its_responders(wechat, seeded, clock):
    _, ticket = report(wechat, seeded, clock, "着火了")
    reply = wechat.send("o1", "厨房着火了，我们自己已经灭了")
    assert reply.startswith(f"【紧急】已把您说的情况转告处理紧急诉求 {ticket} 的工作人员。")
    assert "居民说：厨房着火了，我们自己已经灭了" in worded(seeded, "staff_words_added", ZHANG)[0]


def test_an_emergency_said_to_be_in_another_grids_building_reaches_that_grid_not_the_reporters(
        wechat, seeded, clock):
    _, ticket = report(wechat, seeded, clock, "我在3号楼门口，看到锦绣家园5号楼冒烟了")
    told = cards(seeded, ticket)
    assert LIU in told and ZHANG not in told and LI not in told
    card = told[LIU][0]
    assert "锦绣家园5号楼" in card and "阳光花园3号楼" not in card.split("\n", 2)[1]


def test_a_compound_named_in_latin_letters_is_found_in_either_case_on_postgresql_as_on_sqlite(wechat, seeded, clock):
    # SQLite's LIKE ignores the case of Latin letters, PostgreSQL's does not: "soho小区2栋冒烟了" reached the SOHO小区
    # grid in the demo, and in a city's deployment the reporter's own 2号楼's grid.
    from storage.models import Building
    with seeded.transaction() as session:
        for building in session.scalars(select(Building).where(Building.compound == "和平小区")):
            building.compound = "SOHO小区"
    _, ticket = report(wechat, seeded, clock, "我在3号楼门口，看到soho小区2栋冒烟了")
    told = cards(seeded, ticket)
    assert CHEN in told and ZHANG not in told and LI not in told
    assert "SOHO小区2栋" in told[CHEN][0]


@pytest.mark.parametrize(("name", "said", "reaches"), [
    ("和_小区", "和谐小区", False),  # no compound of the street: `_` is no wildcard
    ("%小区", "和谐小区", False),
    ("和_小区", "和_小区", True),
    ("%小区", "%小区", True),
])
def test_a_compound_name_with_a_like_wildcard_names_only_itself(wechat, seeded, clock, name, said, reaches):
    from storage.models import Building
    with seeded.transaction() as session:
        for building in session.scalars(select(Building).where(Building.compound == "和平小区")):
            building.compound = name
    _, ticket = report(wechat, seeded, clock, f"我在3号楼门口，看到{said}2栋冒烟了")
    assert (CHEN in cards(seeded, ticket)) is reaches


@pytest.mark.parametrize("said", ["我在5号楼门口，看到2号楼冒烟", "我在五号楼门口看到二号楼冒烟"])  # typed, and by voice
def test_an_emergency_said_to_be_in_a_neighbouring_building_names_that_building_and_not_the_reporters_door(
        wechat, seeded, clock, said):
    wechat.send("o1", "门牌 3号楼1单元502")
    reply, ticket = report(wechat, seeded, clock, said)  # 5号楼 is no building of 阳光花园
    assert "工作人员会赶往您说的地点：阳光花园2号楼。" in reply
    filed = appeal(seeded, ticket)
    assert filed.grid_id == grid_of(seeded, ZHANG) and filed.unit_id is None
    card = cards(seeded, ticket)[ZHANG][0]
    assert "阳光花园2号楼" in card and "502" not in card


def test_an_emergency_at_home_or_nowhere_said_keeps_the_home_and_its_door(wechat, seeded, clock):
    wechat.send("o1", "门牌 3号楼1单元502")
    reply, ticket = report(wechat, seeded, clock, "我在3号楼家里，厨房着火了")
    assert "赶往" not in reply
    card = cards(seeded, ticket)[ZHANG][0]
    assert "阳光花园3号楼1单元" in card and "502" in card


def test_neighbours_reporting_the_same_fire_join_the_first_report_and_the_responders_get_one_card_each(
        wechat, seeded, clock):
    _, first = report(wechat, seeded, clock, "3号楼着火了", openid="o1")
    reply, second = report(wechat, seeded, clock, "着火了，楼道里全是烟", openid="o5")
    assert reply.startswith("【紧急】请立即拨打 119！") and f"您的求助 {second} 已并入紧急诉求 {first}" in reply
    assert notices(seeded, "staff_new_appeal", second) == []  # no second storm
    assert notices(seeded, "staff_new_appeal", first) == EVERYONE
    assert appeal(seeded, second).status == AppealStatus.MERGED
    who = f"同一险情的另一位报告人（{second}，阳光花园3号楼2单元）说："
    assert f"{who}着火了，楼道里全是烟" in worded(seeded, "staff_words_added", ZHANG)[0]
    # What the second reporter says next reaches the same responders, not a new appeal, and says who says it:
    # nobody should look for "5楼" behind the first reporter's door.
    told = wechat.send("o5", "我们在5楼出不来")
    assert told.startswith(f"【紧急】已把您说的情况转告处理紧急诉求 {first} 的工作人员。")
    assert f"{who}我们在5楼出不来" in worded(seeded, "staff_words_added", ZHANG)[1]
    wechat.dialog(ZHANG, [(f"接单 {first}", "接单成功")])
    assert notices(seeded, "resident_accepted", first) == ["o1", "o5"]


def test_a_joined_neighbours_report_of_a_fire_whose_first_reporter_withdrew_reaches_everyone_again(
        wechat, seeded, clock):
    _, first = report(wechat, seeded, clock, "3号楼着火了", openid="o1")
    _, second = report(wechat, seeded, clock, "着火了，楼道里全是烟", openid="o5")
    assert "已撤销" in wechat.send("o1", f"撤销 {first}")
    assert appeal(seeded, second).status == AppealStatus.DISPATCHED
    told = cards(seeded, second)
    assert sorted(told) == EVERYONE  # the operator too, as at any emergency's dispatch
    assert all(card.startswith("【紧急】火情") for card, _ in told.values())


def test_two_neighbours_reporting_one_fire_in_the_same_instant_make_one_emergency(seeded, clock):
    # Each report's transaction could not see the other's new appeal: on PostgreSQL both looked for a neighbour's
    # report, found none, and two emergencies went out, each with its storm of cards. The second now waits for the
    # first to commit and joins it.
    found = {}

    def report_fire(openid):
        def step(session):
            intake = appeals.Intake(content="3号楼着火了", channel=appeals.Channel.TEXT, category="安全隐患",
                                    confidence=1.0, keywords=(), raw_message={}, response_hours=1, resolve_hours=24,
                                    emergency="火情", response_minutes=5)
            sender = residents.view(session, openid, clock())
            filed = appeals.file_appeal(session, sender, intake, clock())
            target = joins.same_danger(session, sender.id, filed.id, clock())
            found[openid] = (filed.id, target.id if target else None)
        return step

    assert second_while_first_open(seeded, report_fire("o1"), report_fire("o5")) == ("done", "done")
    assert found["o1"][1] is None and found["o5"][1] == found["o1"][0]


def test_a_neighbours_other_danger_or_the_same_an_hour_later_is_an_emergency_of_its_own(wechat, seeded, clock):
    _, fire = report(wechat, seeded, clock, "3号楼着火了", openid="o1")
    reply, faint = report(wechat, seeded, clock, "有人晕倒了", openid="o5")
    assert "已并入" not in reply and notices(seeded, "staff_new_appeal", faint) == EVERYONE
    clock.advance(minutes=31)
    reply, later = report(wechat, seeded, clock, "楼道里冒烟了", openid="o6")
    assert "已并入" not in reply and later != fire and notices(seeded, "staff_new_appeal", later) == EVERYONE


@pytest.mark.parametrize("text", ["通知 3号楼 着火了，快来人", "工作通知 3号楼 着火了", "通知 阳光花园 有人晕倒了"])
def test_an_emergency_a_resident_words_like_a_staff_command_is_answered_not_refused(wechat, seeded, clock, text):
    reply, ticket = report(wechat, seeded, clock, text)
    assert reply.startswith("【紧急】请立即") and ticket is not None
    assert appeal(seeded, ticket).emergency is not None
    assert "工作人员专用" in wechat.send("o1", "通知 3号楼 明天停水")  # no emergency: still the refusal


def test_staff_get_the_advice_and_the_way_to_report(wechat, seeded):
    reply = wechat.send(ZHANG, "着火了")
    assert reply.startswith("【紧急】请立即拨打 119！") and "上报" in reply


def test_a_danger_staff_report_is_filed_urgent_and_its_card_reaches_the_grid_and_the_operator_at_once(
        wechat, seeded, clock):
    assert "上报 内容" in wechat.send(ZHANG, "3号楼2单元楼道着火了")  # the advice, and how to file it
    reply = wechat.send(ZHANG, "上报 3号楼2单元楼道着火了，冒烟")
    ticket = ticket_in(reply)
    assert reply.startswith("【紧急】请立即拨打 119！") and f"已上报为紧急诉求，编号 {ticket}" in reply
    filed = appeal(seeded, ticket)
    assert filed.emergency == "火情" and filed.response_due_at - filed.created_at == timedelta(minutes=10)
    dispatch_filed(seeded, clock)
    told = cards(seeded, ticket)
    assert sorted(told) == EVERYONE  # the operator too, as for a resident's emergency
    assert told[OPERATOR][0].startswith(f"【紧急】火情 {ticket}")


def test_an_emergency_in_a_community_with_no_operator_reaches_the_streets_at_once_who_may_claim_it(
        wechat, seeded, clock):
    with seeded.transaction() as session:  # 和平社区 has no operator bound: 陈静 is its grid's only member
        session.add(Staff(openid="o_street_operator", name="街道操作员", role=StaffRole.OPERATOR, active=True,
                          created_at=clock()))
    _, ticket = report(wechat, seeded, clock, "楼道里着火了", openid="o2")
    told = cards(seeded, ticket)
    assert sorted(told) == sorted([CHEN, "o_street_operator"])
    assert told["o_street_operator"][0].startswith(f"【紧急】火情 {ticket}\n地址：和平社区·第一网格")
    assert f"接单成功：{ticket}" in wechat.send("o_street_operator", f"接单 {ticket}")
    _, ours = report(wechat, seeded, clock, "有人晕倒了")
    assert "o_street_operator" not in cards(seeded, ours)  # 幸福里社区 has 孙丽


def test_urgent_cards_are_never_folded_into_a_digest(wechat, seeded, clock):
    for n in range(6):
        report(wechat, seeded, clock, f"{n + 1}号楼门口的路灯坏了，晚上看不见路")
    _, ticket = report(wechat, seeded, clock, "有人晕倒了")
    _, status = cards(seeded, ticket)[ZHANG]
    assert status == OutboxStatus.PENDING


def test_the_reminder_before_an_emergencys_deadline_says_what_and_where_as_its_card_did(wechat, seeded, clock):
    _, ticket = report(wechat, seeded, clock, "有人晕倒了")
    clock.advance(minutes=8)  # three quarters of its ten minutes
    with seeded.transaction() as session:
        assert supervision.sweep(session, clock()).reminders == 1
    [reminder] = worded(seeded, "staff_reminder", ZHANG)
    assert reminder.startswith(f"【办理提醒】【紧急·急病】{ticket} 须在 11月22日 10:10 前接单响应")
    assert "内容：有人晕倒了" in reminder and "地点：幸福里社区·第一网格 阳光花园3号楼1单元" in reminder


def test_an_unclaimed_emergency_escalates_within_minutes_saying_what_where_and_since_when(wechat, seeded, clock):
    _, ticket = report(wechat, seeded, clock, "有人晕倒了")
    clock.advance(minutes=9)
    with seeded.transaction() as session:
        supervision.sweep(session, clock())
    assert cards(seeded, ticket, "staff_emergency_unclaimed") == {}
    clock.advance(minutes=2)
    with seeded.transaction() as session:
        assert supervision.sweep(session, clock()).escalations == 1
    told = cards(seeded, ticket, "staff_emergency_unclaimed")
    assert sorted(told) == [WANG]  # the community's operators have had its card from the start
    alert, _ = told[WANG]
    assert alert.startswith(f"【紧急督办】{ticket} 急病，至今无人接单\n")
    assert "阳光花园3号楼1单元" in alert and "有人晕倒了" in alert and "11月22日 10:00" in alert
    assert f"接单 {ticket}" in alert
    clock.advance(minutes=10)  # still nobody: the community's operators, a level up
    with seeded.transaction() as session:
        assert supervision.sweep(session, clock()).escalations == 1
    told = cards(seeded, ticket, "staff_emergency_unclaimed")
    assert sorted(told) == sorted([WANG, OPERATOR])
    alert, _ = told[OPERATOR]
    assert alert.startswith(f"【紧急督办】{ticket} 急病，至今无人接单，已升级为第2级督办\n")
    staff_view = wechat.send(WANG, f"查询 {ticket}")
    assert "第1级（紧急诉求无人接单）" in staff_view and "第2级（紧急诉求无人接单）" in staff_view


def test_an_emergencys_card_and_its_escalation_give_the_door_whole_and_the_phone_masked(wechat, seeded, clock):
    wechat.send("o1", "门牌 3号楼1单元502")
    wechat.send("o1", "我的电话 13912345678")
    _, ticket = report(wechat, seeded, clock, "家里老人晕倒了")
    card, _ = cards(seeded, ticket)[ZHANG]
    assert "门牌：3号楼1单元502\n" in card  # whoever goes first must find the door
    assert "电话 139****5678（接单后可见完整）" in card and "13912345678" not in card
    clock.advance(minutes=11)
    with seeded.transaction() as session:
        supervision.sweep(session, clock())
    alert, _ = cards(seeded, ticket, "staff_emergency_unclaimed")[WANG]
    assert "门牌：3号楼1单元502\n" in alert and "13912345678" not in alert


def test_a_resident_repeating_or_flooding_the_same_danger_gets_the_advice_each_time_and_staff_one_card_each(
        wechat, seeded, clock):
    first, ticket = report(wechat, seeded, clock, "着火了")
    for _ in range(20):
        again = wechat.send("o1", "着火了！！楼下好多烟")
        assert again.startswith("【紧急】请立即拨打 119！") and ticket in again
    dispatch_filed(seeded, clock)
    assert sorted(cards(seeded, ticket)) == EVERYONE  # one card each, not twenty-one
    with seeded.transaction() as session:
        sent = session.scalars(select(OutboxMessage).where(OutboxMessage.template == "staff_new_appeal")).all()
    assert len(sent) == len(EVERYONE)
    other, fainted = report(wechat, seeded, clock, "有人晕倒了")
    assert fainted != ticket and other.startswith("【紧急】请立即拨打 120！")  # another danger is another appeal


def test_once_an_unclaimed_emergencys_督办_reached_the_street_what_the_resident_adds_reaches_it_too(
        wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="street_zhou", name="周主任", role=StaffRole.OPERATOR, community_id=None,
                          active=True, created_at=clock()))
    _, ticket = report(wechat, seeded, clock, "着火了")
    clock.advance(minutes=31)  # 网格长, community, street: nobody has claimed it
    with seeded.transaction() as session:
        supervision.sweep(session, clock())
    assert "street_zhou" in cards(seeded, ticket, "staff_emergency_unclaimed")

    wechat.send("o1", "我们被困在5楼出不来，家里有老人")

    assert sorted(cards(seeded, ticket, "staff_words_added")) == sorted([*EVERYONE, "street_zhou"])


def test_the_street_operators_an_unclaimed_emergencys_督办_reached_hear_when_it_is_claimed_or_withdrawn(
        wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="street_zhou", name="周主任", role=StaffRole.OPERATOR, community_id=None,
                          active=True, created_at=clock()))
    _, claimed = report(wechat, seeded, clock, "着火了")
    _, withdrawn = report(wechat, seeded, clock, "有人晕倒了", openid="o5")
    clock.advance(minutes=31)  # both climbed to the street unclaimed
    with seeded.transaction() as session:
        supervision.sweep(session, clock())

    wechat.send(LI, f"接单 {claimed}")
    wechat.send("o5", f"撤销 {withdrawn}")

    assert "street_zhou" in cards(seeded, claimed, "staff_taken")  # nobody need go any more
    assert "street_zhou" in cards(seeded, withdrawn, "staff_cancelled")


def test_what_the_resident_writes_after_their_emergency_reaches_its_responders_at_once(wechat, seeded, clock):
    _, ticket = report(wechat, seeded, clock, "着火了")
    reply = wechat.send("o1", "我们被困在5楼出不来，家里有老人")
    assert reply == (f"【紧急】已把您说的情况转告处理紧急诉求 {ticket} 的工作人员。情况危急请立即拨打 119！")
    told = cards(seeded, ticket, "staff_words_added")
    assert sorted(told) == EVERYONE  # everyone its card reached, at once
    card, status = told[ZHANG]
    assert card.startswith(f"【紧急·居民补充】{ticket}（火情）") and "居民说：我们被困在5楼出不来，家里有老人" in card
    assert f"接单 {ticket}" in card and status == OutboxStatus.PENDING
    assert re.findall(r"G\d{10}", wechat.send("o1", "我的诉求")) == [ticket]  # nothing filed of its own

    # The same danger in more words says more too; the number and the advice still come first.
    again = wechat.send("o1", "着火了，我们在5楼502，门口全是烟")
    assert again.startswith("【紧急】请立即拨打 119！") and f"已把您说的情况转告处理紧急诉求 {ticket}" in again
    assert len(worded(seeded, "staff_words_added", ZHANG)) == 2

    # Once someone has it, what follows goes to them and the community's operators.
    wechat.send(LI, f"接单 {ticket}")
    wechat.send("o1", "消防车到了吗，烟越来越大")
    assert [len(worded(seeded, "staff_words_added", who)) for who in (ZHANG, LI, WANG, OPERATOR)] == [2, 3, 2, 3]
    assert f"紧急诉求 {ticket} 已由李娜接单处理" in wechat.send("o1", "着火了")


def test_a_door_number_or_a_word_too_short_to_file_during_an_emergency_reaches_its_responders(wechat, seeded, clock):
    _, ticket = report(wechat, seeded, clock, "着火了")
    for said in ("502", "快点", "门口", "在吗？", "帮帮我"):
        reply = wechat.send("o1", said)
        assert reply == f"【紧急】已把您说的情况转告处理紧急诉求 {ticket} 的工作人员。情况危急请立即拨打 119！", said
    told = worded(seeded, "staff_words_added", ZHANG)
    assert [card.split("\n")[1] for card in told] == ["居民说：502", "居民说：快点", "居民说：门口", "居民说：在吗？",
                                                             "居民说：帮帮我"]
    assert wechat.send("o1", "谢谢") == resident_texts.CHATTER_REPLIES[Chatter.THANKS]  # answered as ever
    clock.advance(hours=2, minutes=1)
    assert wechat.send("o1", "502") == resident_texts.CHATTER_REPLIES[Chatter.FRAGMENT]  # no emergency goes on


def test_the_danger_passing_or_nobody_come_yet_during_an_emergency_reaches_its_responders(wechat, seeded, clock):
    _, ticket = report(wechat, seeded, clock, "着火了")
    told = f"【紧急】已把您说的情况转告处理紧急诉求 {ticket} 的工作人员。"
    for said in ("不用来了，火已经灭了", "没事了", "怎么还没人来", "你们到底管不管"):
        assert wechat.send("o1", said).startswith(told), said
    cards_to_zhang = worded(seeded, "staff_words_added", ZHANG)
    assert [card.split("\n")[1] for card in cards_to_zhang] == [
        "居民说：不用来了，火已经灭了", "居民说：没事了", "居民说：怎么还没人来", "居民说：你们到底管不管"]
    assert notices(seeded, "staff_chased") == []  # not a 催办 besides: the words themselves went to everyone


@pytest.mark.parametrize("said", ["误报，不好意思", "是误报", "不用来了，火已经灭了", "没事了", "救护车来了，没事了",
                                  "火已经灭了"])
def test_a_reporter_calling_the_emergency_off_is_told_how_to_withdraw_it_not_to_call_119(wechat, seeded, clock, said):
    _, ticket = report(wechat, seeded, clock, "着火了")
    reply = wechat.send("o1", said)
    assert reply == (f"【紧急】已把您说的情况转告处理紧急诉求 {ticket} 的工作人员。"
                     f"如果确实不需要工作人员到场了，请回复“撤销 {ticket}”。")
    assert f"居民说：{said}" in worded(seeded, "staff_words_added", ZHANG)[0]


@pytest.mark.parametrize("cry", ["救命", "救命啊。", "快来人啊！！", "救救我们", "SOS"])
def test_a_cry_for_help_alone_is_answered_with_the_numbers_and_asked_what_and_where(wechat, seeded, cry):
    reply = wechat.send("o1", cry)
    assert reply == resident_texts.CRY_FOR_HELP
    assert reply.startswith("【紧急】有危险请立即拨打 110 报警、119 火警或 120 急救！") and "在哪里" in reply
    assert "还没有提交过诉求" in wechat.send("o1", "我的诉求")  # nothing filed that says nothing
    assert "已受理您的诉求" in wechat.send("o1", "快来人修一下楼道灯")  # asking someone to come fix it is no cry


def test_a_cry_for_help_during_an_emergency_reaches_its_responders(wechat, seeded, clock):
    _, ticket = report(wechat, seeded, clock, "有人晕倒了")
    assert wechat.send("o1", "救命啊") == f"【紧急】已把您说的情况转告处理紧急诉求 {ticket} 的工作人员。情况危急请立即拨打 120！"
    assert "居民说：救命啊" in worded(seeded, "staff_words_added", ZHANG)[0]


@pytest.mark.parametrize("recognition", ["", "。"])
def test_a_voice_message_not_recognised_during_an_emergency_asks_to_write_and_repeats_the_number(
        wechat, seeded, clock, recognition):
    _, ticket = report(wechat, seeded, clock, "着火了")
    reply = wechat.deliver(wechat.server.voice("o1", recognition, create_time=wechat.now()))
    assert reply == "【紧急】抱歉，没能听清这段语音，请打字告诉我们现在的情况。情况危急请立即拨打 119！"
    assert "登记" not in reply
    assert re.findall(r"G\d{10}", wechat.send("o1", "我的诉求")) == [ticket]


def test_words_said_twice_are_told_once_and_after_two_hours_a_problem_is_filed_again(wechat, seeded, clock):
    _, ticket = report(wechat, seeded, clock, "有人晕倒了")
    for _ in range(5):
        reply = wechat.send("o1", "是我爸爸，七十岁，在客厅地上")
    assert reply.startswith(f"【紧急】您说的这些情况已经转告过处理紧急诉求 {ticket} 的工作人员。")
    assert len(worded(seeded, "staff_words_added", ZHANG)) == 1
    clock.advance(hours=2, minutes=1)
    filed = wechat.send("o1", "3号楼楼道灯坏了，晚上看不见")
    assert "已受理您的诉求" in filed and ticket not in filed


def test_an_unbound_residents_follow_up_reaches_the_operators_and_the_binding_goes_on(wechat, seeded):
    wechat.dialog("o_new", [
        ("绑定", "请选择您所在的社区"),
        ("着火了！！", "【紧急】请立即拨打 119！"),
    ])
    reply = wechat.send("o_new", "我们在三楼，门口下不去")
    assert reply.startswith("【紧急】已把您说的情况转告处理紧急诉求") and "请选择您所在的社区" in reply
    assert notices(seeded, "staff_words_added") == [OPERATOR]
    # a community's operator reads them whole, as the 【紧急】 card: the appeal is in no community yet
    card = worded(seeded, "staff_words_added", OPERATOR)[0]
    assert "居民说：我们在三楼，门口下不去" in card and "涉及个人隐私" not in card and "着火了" in card


def test_an_unbound_resident_repeating_the_danger_mid_binding_is_reminded_to_answer_it(wechat, seeded):
    wechat.dialog("o_new", [("绑定", "请选择您所在的社区"), ("着火了！！", "【紧急】请立即拨打 119！")])
    reply = wechat.send("o_new", "着火了！！我们在三楼")
    assert reply.startswith("【紧急】请立即拨打 119！") and "已把您说的情况转告处理紧急诉求" in reply
    assert reply.endswith(resident_texts.EMERGENCY_BINDING_GOES_ON)  # the address is what the responders lack
    assert "绑定成功" in "".join(wechat.send("o_new", answer) for answer in ("1", "1", "1", "1"))


def test_a_location_sent_during_an_emergency_reaches_everyone_its_card_reached(wechat, seeded, clock):
    _, ticket = report(wechat, seeded, clock, "有人晕倒了")
    wechat.deliver(wechat.server.location("o1", 36.65, 117.12, "阳光花园3号楼", create_time=wechat.now()))
    assert notices(seeded, "staff_material_added", ticket) == EVERYONE  # the operator too, as for words
    held = ticket_in(wechat.send("o_new", "救命 楼下着火了 好多烟"))  # no address yet: the operators have its card
    reply = wechat.deliver(wechat.server.location("o_new", 36.66, 117.13, "和平小区1栋", create_time=wechat.now()))
    assert held in reply and reply.endswith(resident_texts.EMERGENCY_BINDING_GOES_ON)  # the address is still asked
    [told] = worded(seeded, "staff_material_added", OPERATOR)[-1:]
    assert held in told and "位置1：" in told  # where she is: the map link


def add_streets(seeded, clock, count):
    """`count` more streets of three communities, each with a community operator and the street its operator:
    the street operators' openids."""
    from storage import seeding
    from storage import staff as staff_rows

    desks = []
    with seeded.transaction() as session:
        for number in range(1, count + 1):
            communities = [f"街{number}第{c}社区" for c in range(1, 4)]
            layout = {name: {"第一网格": (f"{name}小区", {"1号楼": ("1单元",)})} for name in communities}
            operators = tuple((f"op_{number}_{c}", f"社区员{number}{c}", StaffRole.OPERATOR, name, None)
                              for c, name in enumerate(communities, 1))
            seeding.seed_street(session, seeding.StreetPlan(f"第{number}街道", layout, operators), clock())
            desk = f"desk_{number}"
            session.add(Staff(openid=desk, name=f"街道值班{number}", role=StaffRole.OPERATOR, active=True,
                              street_id=staff_rows.find_street(session, f"第{number}街道").id, created_at=clock()))
            desks.append(desk)
    return desks


def test_an_unbound_residents_emergency_at_city_size_reaches_each_streets_duty_desk_once_not_every_operator(
        wechat, seeded, clock):
    desks = add_streets(seeded, clock, 8)  # 9 streets, 25 communities: 24 more community operators and 孙丽
    reply = wechat.send("o_new", "救命 楼下着火了 好多烟")
    assert "已登记为紧急诉求" in reply and "并立即通知了街道工作人员。" in reply
    ticket = ticket_in(reply)
    told = cards(seeded, ticket)
    assert sorted(told) == sorted(desks)  # one card each, and none to the communities' operators
    assert all("地址未绑定" in card for card, _ in told.values())
    wechat.send("o_new", "我们被困在5楼出不来")  # what she adds reaches the same desks
    assert sorted(notices(seeded, "staff_words_added", ticket)) == sorted(desks)


def test_an_unbound_residents_emergency_reaches_the_districts_duty_desk_when_there_is_one(wechat, seeded, clock):
    add_streets(seeded, clock, 3)
    with seeded.transaction() as session:  # over every street: the district's command centre
        session.add(Staff(openid="desk_district", name="区指挥中心", role=StaffRole.OPERATOR, active=True,
                          created_at=clock()))
    ticket = ticket_in(wechat.send("o_new", "救命 楼下着火了 好多烟"))
    assert sorted(cards(seeded, ticket)) == ["desk_district"]


def test_an_unbound_residents_emergency_with_no_operator_bound_anywhere_asks_them_to_call_first(wechat, seeded):
    with seeded.transaction() as session:
        session.scalars(select(Staff).where(Staff.openid == OPERATOR)).one().active = False
    reply = wechat.send("o_new", "救命 楼下着火了 好多烟")
    assert "通知了" not in reply and "请一定先打上面的电话求助，不要等我们联系。" in reply
    assert cards(seeded, ticket_in(reply)) == {}


def test_a_community_operator_told_of_an_unplaced_emergency_can_look_it_up_and_is_not_asked_to_claim_it(wechat,
                                                                                                          seeded):
    ticket = ticket_in(wechat.send("o_new", "救命 楼下着火了 好多烟"))
    card = cards(seeded, ticket)[OPERATOR][0]  # 孙丽, operator of 幸福里社区: the resident's community is not known
    assert "居民还没有绑定地址，绑定后任务卡立即发给所在网格接单" in card and f"接单 {ticket}" not in card
    looked_up = wechat.send(OPERATOR, f"查询 {ticket}")
    assert f"诉求 {ticket}" in looked_up
    assert "地址：居民还没有绑定住址（绑定后派给所在网格）" in looked_up and "网格员上报" not in looked_up
    assert "没有找到" in wechat.send(ZHANG, f"查询 {ticket}")  # a grid member was not told of it: not theirs to read


def test_the_communitys_operator_claims_a_placed_emergency_as_its_card_asks_and_resolves_it(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, "救命 楼下着火了 好多烟")
    card = cards(seeded, ticket)[OPERATOR][0]
    assert f"回复“接单 {ticket}”" in card
    assert f"接单成功：{ticket}" in wechat.send(OPERATOR, f"接单 {ticket}")
    assert "已办结" in wechat.send(OPERATOR, f"办结 {ticket} 消防已到场扑灭，无人受伤")
    assert appeal(seeded, ticket).status == AppealStatus.RESOLVED
    other = file_and_dispatch(wechat, seeded, clock, "3号楼电梯坏了，物业一直不来修")
    assert "操作员不接普通诉求，由网格接单" in wechat.send(OPERATOR, f"接单 {other}")  # an ordinary task stays the grid's


def test_a_member_who_left_after_the_urgent_card_reached_them_hears_no_more_of_it(wechat, seeded, clock):
    from storage import roster

    _, claimed = report(wechat, seeded, clock, "着火了，楼道里全是烟")
    _, withdrawn = report(wechat, seeded, clock, "2号楼有人晕倒了", openid="o5")
    with seeded.transaction() as session:
        for row in session.scalars(select(OutboxMessage).where(OutboxMessage.template == "staff_new_appeal")).all():
            row.status = OutboxStatus.SENT  # the cards went out; then 李娜 left
        leaver = session.scalars(select(Staff).where(Staff.openid == LI)).one()
        roster.disable(session, leaver, None, clock(), ())
    wechat.send(ZHANG, f"接单 {claimed}")
    assert sorted(cards(seeded, claimed, "staff_taken")) == sorted([WANG, OPERATOR])
    assert "已撤销" in wechat.send("o5", f"撤销 {withdrawn}")
    assert sorted(cards(seeded, withdrawn, "staff_cancelled")) == sorted([ZHANG, WANG, OPERATOR])


def test_an_emergencys_category_corrected_keeps_its_claim_minutes(wechat, seeded, clock):
    _, ticket = report(wechat, seeded, clock, "有人晕倒了")
    before = appeal(seeded, ticket)
    assert before.emergency == "急病"
    assert "已改为“家庭矛盾”" in wechat.send(OPERATOR, f"分类 {ticket} 家庭矛盾")  # 2 hours to respond, not minutes
    after = appeal(seeded, ticket)
    assert after.category == "家庭矛盾" and after.response_due_at == before.response_due_at
    assert notices(seeded, "resident_recategorised", ticket) == []
