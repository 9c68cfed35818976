"""在岗/休假: the days people type after 请假 到 and --until, and when leave through a day is over."""

from datetime import date, datetime, timezone

import pytest

from storage import duty
from storage.models import Staff

TODAY = date(2026, 12, 5)
NOON = datetime(2026, 12, 5, 4, tzinfo=timezone.utc)  # 12:00 in Beijing


@pytest.mark.parametrize(("typed", "day"), [
    ("2026-12-31", date(2026, 12, 31)),
    ("12-31", date(2026, 12, 31)),
    ("到 12月31日", date(2026, 12, 31)),
    ("到12月31号", date(2026, 12, 31)),
    ("至2027年1月3日为止", date(2027, 1, 3)),
    ("２０２６／１２／３１", date(2026, 12, 31)),  # full-width, as Chinese input methods type it
    ("1月3日", date(2027, 1, 3)),  # a day of this year already over: next year's
    ("12月5日", TODAY),  # today is still to come
    ("明天", date(2026, 12, 6)),
    ("到后天。", date(2026, 12, 7)),
    ("周五", date(2026, 12, 11)),  # TODAY is a Saturday: the coming Friday
    ("星期六", TODAY),
    ("到下周一", date(2026, 12, 7)),
    ("下个星期天", date(2026, 12, 13)),
    ("这周五", date(2026, 12, 4)),  # over already: refused as a past day when it is used
    ("到昨天", date(2026, 12, 4)),  # over already, as 这周五
    ("前天", date(2026, 12, 3)),
    ("三天", date(2026, 12, 7)),  # 请假三天: today and the two days after it
    ("3天。", date(2026, 12, 7)),
    ("一天", TODAY),
    ("两天", date(2026, 12, 6)),
    ("十天", date(2026, 12, 14)),
    ("十五天", date(2026, 12, 19)),
])
def test_days_are_read_as_people_type_them(typed, day):
    assert duty.parse_day(typed, TODAY) == day


@pytest.mark.parametrize("typed", ["明年", "2026-13-01", "2月30日", "12", "下下周一", "周八", "", "9999-12-31", "0天",
                                   "二二天", "天"])
def test_what_is_no_day_is_none(typed):
    assert duty.parse_day(typed, TODAY) is None


@pytest.mark.parametrize(("typed", "passed", "next_one"), [
    ("12-01", date(2026, 12, 1), date(2027, 12, 1)),  # typed on 5 December for 12-07: not a year of leave
    ("6月30日", date(2026, 6, 30), date(2027, 6, 30)),
])
def test_a_day_without_a_year_over_this_year_and_far_off_next_year_is_refused_naming_both(typed, passed, next_one):
    with pytest.raises(duty.UnclearYear) as unclear:
        duty.parse_day(typed, TODAY)
    assert (unclear.value.passed, unclear.value.next_one) == (passed, next_one)


def test_29_february_without_a_year_is_the_coming_leap_day():
    assert duty.parse_day("到2月29日", date(2027, 12, 5)) == date(2028, 2, 29)
    assert duty.parse_day("2月29日", date(2028, 2, 1)) == date(2028, 2, 29)
    assert duty.parse_day("2月29日", TODAY) is None  # 2027 has none: the next is over a year away


def test_leave_through_a_day_ends_at_the_next_local_midnight():
    member = Staff(on_duty=True)
    assert duty.set_duty(member, False, date(2026, 12, 31), NOON) == duty.Duty(False, date(2026, 12, 31))
    assert member.off_duty_until == datetime(2026, 12, 31, 16, tzinfo=timezone.utc)
    assert duty.duty_of(member, datetime(2026, 12, 31, 15, 59, tzinfo=timezone.utc)) == duty.Duty(
        False, date(2026, 12, 31))
    assert duty.duty_of(member, datetime(2026, 12, 31, 16, tzinfo=timezone.utc)).on_duty


def test_leave_without_a_day_lasts_until_duty_is_set_again():
    member = Staff(on_duty=True)
    duty.set_duty(member, False, None, NOON)
    assert duty.duty_of(member, datetime(2030, 1, 1, tzinfo=timezone.utc)) == duty.Duty(False, None)
    duty.set_duty(member, True, None, NOON)
    assert (member.on_duty, member.off_duty_until) == (True, None)


def test_leave_through_a_day_already_over_is_refused_and_changes_nothing():
    member = Staff(on_duty=True)
    with pytest.raises(duty.PastDay):
        duty.set_duty(member, False, date(2026, 12, 4), NOON)
    assert member.on_duty


@pytest.mark.parametrize(("typed", "day"), [
    ("我明天请假", date(2026, 12, 8)), ("明天要请个假", date(2026, 12, 8)), ("周五想请假", date(2026, 12, 11)),
    ("明天我想请个假", date(2026, 12, 8)), ("下周一本人需要请假", date(2026, 12, 14)), ("我今天请假", None), ("请假条怎么开", None), ("明天开会", None), ("我明天请假。", date(2026, 12, 8)),
])
def test_leave_said_for_a_later_day_in_a_sentence_is_read(typed, day):
    assert duty.leave_said_for_later(typed, date(2026, 12, 7)) == (duty.Leave(day, day) if day else None)


@pytest.mark.parametrize(("typed", "leave"), [
    ("明天", duty.Leave(date(2026, 12, 8), date(2026, 12, 8))),  # that day off, not from now through it
    ("到 明天", duty.Leave(None, date(2026, 12, 8))),
    ("今天", duty.Leave(None, date(2026, 12, 7))),
    ("三天", duty.Leave(None, date(2026, 12, 9))),
    ("下周一到周三", duty.Leave(date(2026, 12, 14), date(2026, 12, 16))),
    ("12月8日至12月9日", duty.Leave(date(2026, 12, 8), date(2026, 12, 9))),
    ("今天到周五", duty.Leave(None, date(2026, 12, 11))),
    ("明天起", duty.Leave(date(2026, 12, 8), None)),
    ("从下周一开始", duty.Leave(date(2026, 12, 14), None)),
    ("请假条", None),
])
def test_the_leave_asked_for_starts_on_a_later_day_said_alone_or_as_a_span(typed, leave):
    assert duty.parse_leave(typed, date(2026, 12, 7)) == leave


def test_leave_arranged_for_a_later_day_is_duty_until_its_first_midnight_in_beijing():
    member = Staff(on_duty=True)
    arranged = duty.set_duty(member, False, date(2026, 12, 9), NOON, first=date(2026, 12, 8))
    assert arranged == duty.Duty(True, date(2026, 12, 9), date(2026, 12, 8))
    assert duty.duty_of(member, datetime(2026, 12, 7, 15, 59, tzinfo=timezone.utc)).on_duty  # 23:59 on the 7th
    assert duty.duty_of(member, datetime(2026, 12, 7, 16, 0, tzinfo=timezone.utc)) == duty.Duty(False, date(2026, 12, 9))
    assert duty.duty_of(member, datetime(2026, 12, 9, 16, 0, tzinfo=timezone.utc)).on_duty
    duty.set_duty(member, True, None, NOON)
    assert member.off_duty_from is None and duty.duty_of(member, NOON) == duty.Duty(True)


def test_the_staff_line_says_when_leave_to_come_starts_and_ends():
    from bot.cli.roster_texts import duty_words

    assert duty_words(duty.Duty(True, date(2026, 12, 9), date(2026, 12, 8))) == "12月8日起休假至12月9日"
    assert duty_words(duty.Duty(True, None, date(2026, 12, 8))) == "12月8日起休假"
    assert duty_words(duty.Duty(True, date(2027, 1, 2), date(2026, 12, 30))) == "12月30日起休假至2027年1月2日"


@pytest.mark.parametrize(("typed", "later"), [
    ("明天", True), ("周五", True), ("12月9日", True), ("到 明天", False), ("明天为止", False), ("两天", False),
    ("今天", False),
])
def test_only_a_lone_day_to_come_may_be_meant_as_when_leave_starts(typed, later):
    assert duty.starts_later(typed, date(2026, 12, 7)) is later
