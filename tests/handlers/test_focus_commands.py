"""聚焦办 in the chat: three neighbours report the same thing; staff see the focus case (聚焦) and close it (结案)."""

import re

import pytest
from sqlalchemy import select

from bot.worker import schedule
from storage import dispatch, focus
from storage.models import FocusCase, FocusStatus, Staff
from tests.support.personas import LIU, OPERATOR, WANG, ZHANG

pytestmark = pytest.mark.postgres

NO_WATER = "3号楼停水了，一整天没水"


def hot_spot(wechat, seeded, clock):
    """o1, o5 and o6 of 3号楼 report the water cut; the worker's round dispatches them; returns the tickets."""
    tickets = [re.search(r"G\d{10}", wechat.send(openid, NO_WATER)).group(0) for openid in ("o1", "o5", "o6")]
    with seeded.transaction() as session:
        focus.check(session, dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0]), clock(), schedule.hotspot_rules()[0])
    return tickets


def test_the_grid_leader_and_the_operator_see_the_focus_case_with_its_tickets(wechat, seeded, clock):
    tickets = hot_spot(wechat, seeded, clock)
    for openid in (WANG, ZHANG, OPERATOR):
        listed = wechat.send(openid, "聚焦")
        assert "J2611220001｜幸福里社区·第一网格 阳光花园3号楼｜“市政设施”类诉求 3件｜负责人：王强（网格长）" in listed
        assert all(ticket in listed for ticket in tickets)
    assert wechat.send(LIU, "聚焦") == "目前没有进行中的聚焦事项。"
    # A member who may not close it is not told to (结案 would answer 不由您负责).
    assert wechat.send(WANG, "聚焦").startswith("进行中的聚焦事项（处理完毕回复“结案 编号 说明”）：")
    assert wechat.send(ZHANG, "聚焦").startswith("进行中的聚焦事项（由负责人统筹处理、结案）：")


def test_staff_see_the_focus_case_in_an_appeals_record_and_residents_do_not(wechat, seeded, clock):
    ticket = hot_spot(wechat, seeded, clock)[0]
    assert "列入聚焦办：J2611220001" in wechat.send(ZHANG, f"查询 {ticket}")
    assert "聚焦" not in wechat.send("o1", f"查询 {ticket}")


def test_the_grid_leader_closes_the_case_with_a_note(wechat, seeded, clock):
    hot_spot(wechat, seeded, clock)
    wechat.dialog(ZHANG, [("结案 J2611220001 已处理", "不由您负责")])
    wechat.dialog(WANG, [
        ("结案", "请按这个格式发送：结案 案号 说明"),
        ("结案 j2611220001", "请按这个格式发送"),
        ("结案 J2611229999 已处理", "没有找到编号为 J2611229999 的聚焦事项"),
        ("结案 ｊ2611220001 已协调自来水公司抢修，全楼恢复供水", "J2611220001 已结案"),
        ("结案 J2611220001 再结一次", "已经结案"),
        ("聚焦", "目前没有进行中的聚焦事项"),
    ])
    with seeded.transaction() as session:
        case = session.scalars(select(FocusCase)).one()
        assert (case.status, case.note) == (FocusStatus.CLOSED, "已协调自来水公司抢修，全楼恢复供水")


def test_a_mistyped_case_number_is_said_back_with_the_usage_and_a_sentence_stays_a_sentence(wechat, seeded, clock):
    hot_spot(wechat, seeded, clock)
    unknown = "没有认出案号“{}”：聚焦事项的案号是 J 加 10 位数字"
    wechat.dialog(WANG, [
        ("结案 F1 已处理", unknown.format("F1")),
        ("结案 JJ1", unknown.format("JJ1")),
        ("结案 J261122 已协调抢修", unknown.format("J261122")),
        ("结案 F1 已处理", "请按这个格式发送：结案 案号 说明"),
        ("结案 G2611220001 已处理", "没有看懂要对 G2611220001 做什么"),  # an appeal's number: its commands
    ])
    assert "没有认出" not in wechat.send(WANG, "结案报告写好了，明天交")
    with seeded.transaction() as session:
        assert session.scalars(select(FocusCase.status)).one() == FocusStatus.OPEN


def test_residents_cannot_use_the_focus_commands_and_a_question_stays_an_appeal(wechat, seeded):
    assert "工作人员专用" in wechat.send("o1", "聚焦")
    assert "已受理您的诉求" in wechat.send("o1", "结案了吗？楼下的事还没人管")
    assert "已受理您的诉求" in wechat.send("o5", "结案 2 号楼的事怎么还没人管")  # a number too short for a case's


def test_staff_help_lists_the_focus_commands(wechat, seeded):
    help_text = wechat.send(WANG, "帮助") + wechat.send(WANG, "帮助 2")
    assert "聚焦" in help_text and "结案 案号 说明" in help_text


def test_a_closing_note_over_the_limit_is_refused_and_the_case_stays_open(wechat, seeded, clock):
    hot_spot(wechat, seeded, clock)
    assert "说明最多 300 字，您发了 301 字" in wechat.send(WANG, "结案 J2611220001 " + "修" * 301)
    with seeded.transaction() as session:
        assert session.scalars(select(FocusCase.status)).one() == FocusStatus.OPEN


def test_a_list_of_focus_cases_longer_than_one_reply_shows_the_first_and_counts_the_rest(wechat, seeded, clock):
    with seeded.transaction() as session:
        grid_id = session.scalars(select(Staff.grid_id).where(Staff.openid == WANG)).one()
        for n in range(40):
            key = f"关键词{n:02d}"
            session.add(FocusCase(code=f"J26112200{n + 1:02d}", scope_kind="grid", scope_ref=f"grid:{grid_id}",
                                  scope_label="幸福里社区·第一网格", grid_id=grid_id, key_kind="keyword", key=key,
                                  status=FocusStatus.OPEN, open_key=f"grid:{grid_id}|keyword:{key}", opened_at=clock()))
    listed = wechat.send(WANG, "聚焦")  # the fixture checks it fits in one passive reply
    assert "J2611220001｜" in listed and "J2611220040｜" not in listed
    shown = listed.count("｜负责人：")
    assert f"……另有 {40 - shown} 件进行中的聚焦事项没有列出" in listed and shown > 5
