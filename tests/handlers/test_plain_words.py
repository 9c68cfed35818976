"""What people read says what it means: no codes in 查询, a snippet in 我的诉求, task cards never cut silently."""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from handlers import notifications, staff_texts
from storage import dispatch, supervision
from storage.models import Community, DispatchMode, Grid, OutboxMessage
from storage.notices import StaffNewAppeal
from tests.support.personas import OPERATOR, RESIDENT, WANG, ZHANG
from tests.support.worker import LIFT, file_and_dispatch

pytestmark = pytest.mark.postgres


def ticket_of(reply):
    return re.search(r"G\d{10}", reply).group(0)


def card_to(seeded, openid, ticket):
    with seeded.transaction() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.template == StaffNewAppeal.name,
                                                          OutboxMessage.recipient_openid == openid)).one()
        params = json.loads(row.params)
    assert params["ticket"] == ticket
    return notifications.render(row.template, params)


def test_a_grid_leaders_query_words_materials_reminders_and_escalations(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.deliver(wechat.server.image(RESIDENT, create_time=wechat.now()))
    clock.advance(hours=3)  # past the 2-hour response limit of 物业服务, nobody has claimed it
    with seeded.transaction() as session:
        supervision.sweep(session, clock(), timedelta(minutes=30))
    detail = wechat.send(WANG, f"查询 {ticket}")
    assert "补充材料（王强）" not in detail  # the resident added it, not the leader
    assert "补充材料：图片" in detail
    assert "督办升级：第1级" in detail
    for code in ("image", "location", "level", "response", "resolve"):
        assert code not in detail, code


ENGLISH_WORD = re.compile(r"[a-z]{3,}")


def test_how_a_complaint_and_an_emergency_were_dispatched_and_escalated_is_said_in_chinese(wechat, seeded, clock):
    complaint = file_and_dispatch(wechat, seeded, clock, "我要投诉网格员张伟，上门态度很差还骂人")
    detail = wechat.send(WANG, f"查询 {complaint}")
    assert "派发：投诉工作人员，只发给被投诉人的上级和社区操作员" in detail
    assert not ENGLISH_WORD.search(detail), detail
    emergency = file_and_dispatch(wechat, seeded, clock, "有人晕倒了")
    clock.advance(minutes=11)  # past the emergency's 10-minute response limit, nobody has claimed it
    with seeded.transaction() as session:
        supervision.sweep(session, clock())
    detail = wechat.send(OPERATOR, f"查询 {emergency}")
    assert "派发：紧急诉求，立即发给本网格和社区操作员" in detail
    assert "督办升级：第1级（紧急诉求无人接单）" in detail
    assert not ENGLISH_WORD.search(detail), detail


def test_whom_a_dispatch_in_assign_mode_went_to_is_said_in_chinese(wechat, seeded, clock):
    with seeded.transaction() as session:
        grid = session.scalars(select(Grid).join(Community).where(Community.name == "幸福里社区",
                                                                  Grid.name == "第一网格")).one()
        dispatch.set_mode(session, grid, DispatchMode.ASSIGN)
    ticket = file_and_dispatch(wechat, seeded, clock)
    detail = wechat.send(WANG, f"查询 {ticket}")
    assert re.search(r"派发：派单给网格员 (张伟|李娜)$", detail, re.MULTILINE), detail  # by name, not an id nobody can look up
    assert not ENGLISH_WORD.search(detail), detail


@pytest.mark.parametrize(("note", "words"), [
    (dispatch.ROUTED_NOTE.format(department="综合执法中队"), "按类别转给综合执法中队"),
    (dispatch.ASSIGNED_NOTE.format(staff_id=7), "派单给网格员（人员编号 7）"),  # recorded before names were
    (dispatch.ASSIGNED_NAMED_NOTE.format(staff_id=7, name="张伟"), "派单给网格员 张伟"),
    (dispatch.NOBODY_BOUND_NOTE, "本网格、社区和街道都还没有绑定微信的工作人员，无人收到任务卡"),
    (dispatch.STAND_IN_NOTE.format(whom="community"), "本网格还没有绑定微信的网格员和网格长，发给社区操作员改派"),
    (dispatch.STAND_IN_NOTE.format(whom="street"), "本网格和社区还没有绑定微信的网格员、网格长和操作员，发给街道操作员改派"),
    (dispatch.NOBODY_ON_DUTY_NOTE.format(whom="leader"), "网格员都不在岗，发给网格长"),
    (dispatch.NOBODY_ON_DUTY_NOTE.format(whom="members"), "网格员都不在岗，发给全体网格员"),
    (dispatch.NOBODY_AT_WORK_NOTE.format(whom="community"), "网格员和网格长都不在岗，发给社区操作员改派"),
    (dispatch.NOBODY_AT_WORK_NOTE.format(whom="street"), "网格员和网格长都不在岗，社区没有操作员，发给街道操作员改派"),
])
def test_every_way_a_dispatch_can_go_is_said_in_chinese(note, words):
    assert staff_texts.event_note("dispatched", note) == words


@pytest.mark.parametrize(("choice", "words"), [("keep", "未办结的诉求仍由原办理人办完"), ("move", "未办结的诉求重新派给新网格")])
def test_a_building_moved_with_its_open_appeals_is_said_in_chinese(choice, words):
    note = f"阳光花园·3号楼：幸福里社区·第一网格 → 幸福里社区·第二网格（{choice}）"

    assert staff_texts.event_note("building_moved", note) == \
        f"阳光花园·3号楼：幸福里社区·第一网格 → 幸福里社区·第二网格（{words}）"


def test_my_appeals_shows_the_start_of_each_appeals_words(wechat):
    ticket_of(wechat.send(RESIDENT, LIFT))
    ticket_of(wechat.send(RESIDENT, "5号楼门口的路灯坏了一个星期，晚上特别黑，老人出门不方便"))
    reply = wechat.send(RESIDENT, "我的诉求")
    assert "3号楼电梯坏了，物业一直不来修" in reply
    assert "5号楼门口的路灯坏了一个星期，晚…" in reply  # the first 16 characters, marked as cut


def test_a_long_appeal_reaches_the_card_whole_with_the_phone_number_at_its_end(wechat, seeded, clock):
    words = "3号楼电梯坏了" + "，家里有行动不便的老人，上下楼非常困难" * 12 + "，请联系我13912345678"
    assert len(words) > 200
    ticket = file_and_dispatch(wechat, seeded, clock, words)
    card = card_to(seeded, ZHANG, ticket)
    assert "13912345678" in card  # staff call residents back: the card keeps the number, and every word


def test_a_card_too_long_for_one_message_is_cut_visibly_and_points_to_query(wechat, seeded, clock):
    words = "3号楼电梯坏了，" + "电梯门关不上还一直响，" * 90
    ticket = file_and_dispatch(wechat, seeded, clock, words)
    card = card_to(seeded, ZHANG, ticket)
    assert len(card.encode()) <= notifications.TEXT_BYTE_LIMIT
    assert "…" in card and f"查询 {ticket}" in card
