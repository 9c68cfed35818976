"""Quiet hours: news of an ordinary appeal decided at night reaches its resident at 07:00 (Beijing), an
emergency's at once, and so does news whose resident's reply window would close before morning.

o1 lives in 阳光花园3号楼 (张伟 a member of its grid). The test clock starts at 10:00 Beijing time.
"""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from storage import outbox, quiet_hours
from storage.models import OutboxMessage, ReplyWindow
from tests.support.personas import ZHANG
from tests.support.worker import file_and_dispatch

pytestmark = pytest.mark.postgres

BEIJING = timezone(timedelta(hours=8))
SEVEN_NEXT_MORNING = datetime(2026, 11, 23, 7, 0, tzinfo=BEIJING)


def due(seeded, template, openid="o1"):
    """When each `template` row to `openid` may be sent, oldest first."""
    with seeded.transaction() as session:
        return list(session.scalars(select(OutboxMessage.next_attempt_at).where(
            OutboxMessage.template == template, OutboxMessage.recipient_openid == openid).order_by(OutboxMessage.id)))


def taken(seeded, clock):
    """The rows the worker's relay would queue now (and queues)."""
    with seeded.transaction() as session:
        ids = outbox.take_due(session, clock())
        return sorted(session.scalars(select(OutboxMessage.template).where(OutboxMessage.id.in_(ids))))


def test_a_claim_at_eleven_at_night_reaches_the_resident_at_seven(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    taken(seeded, clock)  # the cards of the day
    clock.advance(hours=13)  # 23:00
    assert "接单成功" in wechat.send(ZHANG, f"接单 {ticket}")
    assert due(seeded, "resident_accepted") == [SEVEN_NEXT_MORNING]
    assert "resident_accepted" not in taken(seeded, clock)
    clock.advance(hours=7, minutes=59)  # 06:59
    assert "resident_accepted" not in taken(seeded, clock)
    clock.advance(minutes=1)
    assert taken(seeded, clock) == ["resident_accepted"]


def test_news_held_for_the_morning_is_dropped_when_the_resident_withdraws_the_appeal_before_it(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    taken(seeded, clock)  # the cards of the day
    clock.advance(hours=13)  # 23:00
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(ZHANG, f"进展 {ticket} 明天上午来修")
    clock.advance(hours=7)  # 06:00: she withdraws it before the news of the night goes out
    assert "已撤销" in wechat.send("o1", f"撤销 {ticket}")
    assert due(seeded, "resident_accepted") == [] and due(seeded, "resident_progress") == []
    clock.advance(hours=1)
    sent = taken(seeded, clock)
    assert "staff_cancelled" in sent and not [template for template in sent if template.startswith("resident_")]


def test_an_emergencys_news_is_never_held(wechat, seeded, clock):
    clock.advance(hours=14)  # 00:00
    ticket = file_and_dispatch(wechat, seeded, clock, "着火了")
    wechat.send(ZHANG, f"接单 {ticket}")
    assert due(seeded, "resident_accepted") == [clock()]


def test_news_goes_at_night_when_the_residents_reply_window_closes_before_morning(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    clock.advance(hours=13)  # 23:00; the window o1's message opened at 10:00 closes at 10:00 in two days
    with seeded.transaction() as session:  # as if o1 last wrote at 02:00 the day before
        session.execute(update(ReplyWindow).where(ReplyWindow.openid == "o1")
                        .values(opened_at=clock() - timedelta(hours=45)))
    wechat.send(ZHANG, f"接单 {ticket}")
    assert due(seeded, "resident_accepted") == [clock()]


def test_quiet_hours_off_holds_nothing(wechat, seeded, clock):
    seeded.session_info = {**seeded.session_info, **quiet_hours.session_info(None)}
    ticket = file_and_dispatch(wechat, seeded, clock)
    clock.advance(hours=13)
    wechat.send(ZHANG, f"接单 {ticket}")
    assert due(seeded, "resident_accepted") == [clock()]


@pytest.mark.parametrize(("span", "local", "ends"), [
    ("22:00-07:00", (21, 59), None), ("22:00-07:00", (22, 0), (1, 7, 0)), ("22:00-07:00", (3, 0), (0, 7, 0)),
    ("22:00-07:00", (7, 0), None), ("12:00-14:00", (13, 30), (0, 14, 0)), ("12:00-14:00", (14, 0), None),
])
def test_a_quiet_spell_ends_at_its_end_on_the_right_day(span, local, ends):
    now = datetime(2026, 11, 22, *local, tzinfo=BEIJING)
    expected = None if ends is None else datetime(2026, 11, 22 + ends[0], ends[1], ends[2], tzinfo=BEIJING)
    assert quiet_hours.parse(span).ends_after(now.astimezone(timezone.utc)) == expected
