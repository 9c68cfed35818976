"""Leave said for a later day (我明天请假, 请假 明天, 下周一到周三请假) starts on that day, Beijing time: until then
the member is on duty and gets cards; the 网格长 hears of it when it is arranged; 销假 before it cancels it.

The clock starts on Sunday 2026-11-22, 10:00 in Beijing; 张伟 and 李娜 are grid A's members, 王强 its leader."""

import pytest
from sqlalchemy import select

from storage import duty
from storage.models import Staff
from tests.support.database import notices, worded
from tests.support.personas import LI, WANG, ZHANG
from tests.support.worker import file_and_dispatch

pytestmark = pytest.mark.postgres


def duty_now(seeded, clock, openid=ZHANG):
    with seeded.transaction() as session:
        return duty.duty_of(session.scalars(select(Staff).where(Staff.openid == openid)).one(), clock())


def card_readers(wechat, seeded, clock, text, openid="o5"):
    ticket = file_and_dispatch(wechat, seeded, clock, text, openid=openid)
    return notices(seeded, "staff_new_appeal", ticket)


def test_leave_said_for_tomorrow_starts_tomorrow_and_the_grid_leader_is_told_now(wechat, seeded, clock):
    reply = wechat.send(ZHANG, "我明天请假")
    assert reply.startswith("已登记请假：11月23日起至 11月23日（含），11月24日起自动恢复在岗。11月23日之前您照常在岗")
    assert duty_now(seeded, clock) == duty.Duty(True, duty.date(2026, 11, 23), duty.date(2026, 11, 23))
    assert worded(seeded, "staff_member_on_leave", WANG) == [
        "【请假】张伟将于 11月23日起请假至 11月23日，请假期间本网格的新任务由在岗的同事办理。"]
    assert ZHANG in card_readers(wechat, seeded, clock, "2号楼楼道灯坏了好几天")  # today: at work
    clock.advance(hours=14, minutes=30)  # 00:30 on Monday the 23rd
    assert not duty_now(seeded, clock).on_duty
    readers = card_readers(wechat, seeded, clock, "1号楼门口的路灯不亮了")
    assert ZHANG not in readers and LI in readers
    clock.advance(days=1)  # Tuesday: back
    assert duty_now(seeded, clock).on_duty


@pytest.mark.parametrize("said", ["请假 明天", "明天请假", "请假 明天起", "我明天休假", "休假 明天"])
def test_each_way_of_saying_tomorrow_leaves_her_on_duty_today(wechat, seeded, clock, said):
    assert wechat.send(ZHANG, said).startswith("已登记请假：11月23日起")
    assert duty_now(seeded, clock).on_duty


def test_a_span_of_days_to_come_is_those_days(wechat, seeded, clock):
    reply = wechat.send(ZHANG, "下周一到周三请假")
    assert reply.startswith("已登记请假：11月23日起至 11月25日（含），11月26日起自动恢复在岗。")
    assert duty_now(seeded, clock) == duty.Duty(True, duty.date(2026, 11, 25), duty.date(2026, 11, 23))
    assert wechat.send(ZHANG, "请假 12月9日到12月8日") == "请假的最后一天在第一天之前，请检查日期，如：请假 下周一到周三。"
    assert wechat.send(ZHANG, "请假 周三到周一").startswith("已登记请假：11月25日起至 11月30日（含）")  # the Monday after


def test_back_before_the_leave_starts_cancels_it(wechat, seeded, clock):
    wechat.send(ZHANG, "请假 明天")
    assert wechat.send(ZHANG, "销假") == "已取消11月23日起的请假，您照常在岗。"
    assert worded(seeded, "staff_member_leave_cancelled", WANG) == ["【销假】张伟取消了 11月23日起的请假，照常在岗。"]
    clock.advance(hours=15)
    assert duty_now(seeded, clock) == duty.Duty(True)
    assert ZHANG in card_readers(wechat, seeded, clock, "2号楼楼道灯坏了好几天")


@pytest.mark.parametrize("said", ["请假", "请假 到 明天", "请假 今天", "请假 两天", "休假 到 明天"])
def test_leave_from_today_starts_now_as_before(wechat, seeded, clock, said):
    assert wechat.send(ZHANG, said).startswith("已登记请假，")
    assert not duty_now(seeded, clock).on_duty


def test_the_help_says_leave_for_a_later_day_starts_then(wechat, seeded):
    assert "请假 明天、请假 周一到周三：只请那几天" in wechat.send(ZHANG, "帮助")


def test_tomorrow_asked_while_away_today_runs_on_from_now_not_back_to_work_this_afternoon(wechat, seeded, clock):
    wechat.send(ZHANG, "请假 今天")
    assert wechat.send(ZHANG, "请假 明天").startswith("已登记请假，至 11月23日（含）")
    assert duty_now(seeded, clock) == duty.Duty(False, duty.date(2026, 11, 23))
    assert wechat.send(ZHANG, "请假 11月26日") == (
        "您现在请假至 11月23日。之后隔几天再请的假，请回来上班后再登记（发“销假”可提前回来）；要连着请，请发“请假 到 某天”。这次没有登记。")
    assert duty_now(seeded, clock) == duty.Duty(False, duty.date(2026, 11, 23))


@pytest.mark.parametrize(("said", "first", "last"), [
    ("请假 11月30日到2日", "11月30日", "12月2日"),  # read as 2 days from today: "the last day before the first"
    ("请假 30号到2号", "11月30日", "12月2日"),  # the staff's general hint
    ("请假 从明天到后天", "11月23日", "11月24日"),  # the staff's general hint
    ("请假 11月23日至25号", "11月23日", "11月25日"),
])
def test_leave_for_days_said_with_the_month_left_off_the_last_day_or_from_before_the_first(
        wechat, seeded, clock, said, first, last):
    assert wechat.send(ZHANG, said).startswith(f"已登记请假：{first}起至 {last}（含）")


def test_leave_to_a_day_of_the_month_said_with_号_alone_is_the_next_such_day(wechat):
    assert wechat.send(ZHANG, "请假 到 30号").startswith("已登记请假，至 11月30日（含），12月1日起自动恢复在岗")
    assert wechat.send(LI, "请假 到 1号").startswith("已登记请假，至 12月1日（含），12月2日起自动恢复在岗")


@pytest.mark.parametrize("said", ["取消请假", "请假 取消", "不请假了。"])
def test_leave_to_come_is_called_off_in_the_words_people_use_as_销假_does(wechat, seeded, clock, said):
    # They got the staff's general hint: only 销假 cancelled it, and nobody thinks of 销假 for leave not begun.
    wechat.send(ZHANG, "请假 明天")
    assert wechat.send(ZHANG, said) == "已取消11月23日起的请假，您照常在岗。"
    assert duty_now(seeded, clock) == duty.Duty(True)
    assert worded(seeded, "staff_member_leave_cancelled", WANG) == ["【销假】张伟取消了 11月23日起的请假，照常在岗。"]


def test_leave_taken_today_is_ended_by_取消请假_too(wechat, seeded, clock):
    wechat.send(ZHANG, "请假")
    assert wechat.send(ZHANG, "取消请假").startswith("已销假，恢复在岗")


def test_days_of_leave_said_inside_请假_are_taken_as_请假_with_that_count(wechat, seeded, clock):
    # 请两天假 got the staff's general hint, though 请假两天 was understood.
    assert wechat.send(ZHANG, "请两天假").startswith("已登记请假，至 11月23日（含），11月24日起自动恢复在岗")
    assert wechat.send(LI, "明天请两天假").startswith("已登记请假：11月23日起至 11月24日（含），11月25日起自动恢复在岗")
    assert duty_now(seeded, clock, LI) == duty.Duty(True, duty.date(2026, 11, 24), duty.date(2026, 11, 23))
