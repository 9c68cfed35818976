"""Bounded free text: every field staff and residents write has a limit, and anything longer is refused whole.

The attack: a 15,000-character 办结 note was stored and sent as a 15,063-character message, which WeChat
refuses (2,048 bytes), so the resident never learned of the result.
"""

import re

import pytest
from sqlalchemy import func, select

from bot.worker import schedule
from storage import dispatch
from storage.limits import LIMITS, TextField
from storage.models import Appeal, AppealEvent, AppealStatus, OutboxMessage
from tests.support.personas import WANG, ZHANG

pytestmark = pytest.mark.postgres

LIFT = "3号楼电梯坏了，物业一直不来修"


def claimed_appeal(wechat, seeded, clock):
    """o1's appeal, dispatched and claimed by 张伟; returns its ticket."""
    ticket = re.search(r"G\d{10}", wechat.send("o1", LIFT)).group(0)
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    wechat.send(ZHANG, f"接单 {ticket}")
    return ticket


def counts(seeded):
    """What a refused message must not change: appeals, events, outbox rows."""
    with seeded.transaction() as session:
        return tuple(session.scalar(select(func.count()).select_from(table))
                     for table in (Appeal, AppealEvent, OutboxMessage))


def test_a_15000_character_resolve_note_is_refused_with_the_limit_and_nothing_is_stored(wechat, seeded, clock):
    ticket = claimed_appeal(wechat, seeded, clock)
    before = counts(seeded)
    reply = wechat.send(ZHANG, f"办结 {ticket} " + "已处理" * 5000)
    assert "说明最多 300 字，您发了 15000 字" in reply and "请精简后再发" in reply
    assert counts(seeded) == before
    with seeded.transaction() as session:
        appeal = session.scalars(select(Appeal).where(Appeal.ticket == ticket)).one()
        assert (appeal.status, appeal.resolution) == (AppealStatus.ACCEPTED, None)


@pytest.mark.parametrize("command, what, field", [
    ("进展 {ticket} ", "说明", TextField.NOTE),
    ("挂起 {ticket} ", "原因", TextField.NOTE),
    ("退回 {ticket} ", "原因", TextField.NOTE),
    ("转办 {ticket} ", "部门", TextField.DEPARTMENT),
    ("分类 {ticket} ", "类别", TextField.CATEGORY),
    ("上报 ", "内容", TextField.APPEAL),
])
def test_every_staff_field_one_over_its_limit_is_refused_and_nothing_is_stored(wechat, seeded, clock, command,
                                                                               what, field):
    ticket = claimed_appeal(wechat, seeded, clock)
    before = counts(seeded)
    limit = LIMITS[field]
    reply = wechat.send(WANG, command.format(ticket=ticket) + "字" * (limit + 1))
    assert f"{what}最多 {limit} 字，您发了 {limit + 1} 字" in reply
    assert counts(seeded) == before


def test_a_note_of_exactly_the_limit_is_saved_whole(wechat, seeded, clock):
    ticket = claimed_appeal(wechat, seeded, clock)
    note = "已" * LIMITS[TextField.NOTE]
    assert "已记录" in wechat.send(ZHANG, f"进展 {ticket} {note}")
    with seeded.transaction() as session:
        assert session.scalars(select(AppealEvent.note).where(AppealEvent.action == "progress")).one() == note


def test_a_resident_appeal_over_the_limit_is_refused_politely_and_nothing_is_filed(wechat, seeded):
    before = counts(seeded)
    reply = wechat.send("o1", "电梯坏了" * 251)  # 1,004 characters
    assert "诉求内容最多 1000 字，您发了 1004 字，没有登记" in reply and "请精简后再发" in reply
    assert counts(seeded) == before
    assert "已受理您的诉求" in wechat.send("o1", ("电梯坏了" * 250))  # exactly the limit is filed
