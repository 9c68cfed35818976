"""What people read says what it means: no codes in 查询, a snippet in 我的诉求, task cards never cut silently."""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from handlers import notifications
from storage import supervision
from storage.models import OutboxMessage
from storage.notices import StaffNewAppeal
from tests.support.personas import RESIDENT, WANG, ZHANG
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
