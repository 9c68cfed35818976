"""The holiday calendar: which days are working days, and working time added, taken back and measured."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from storage import workdays
from storage.workdays import HOURS, LOCAL_ZONE, CalendarError, Clock, load, parse

HOUR = timedelta(hours=1)


def bj(month: int, day: int, hour: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LOCAL_ZONE)


def test_the_shipped_calendar_knows_the_state_councils_holidays_and_make_up_days():
    calendar = load()
    assert not calendar.is_workday(date(2026, 2, 16))  # 春节, a Monday
    assert calendar.is_workday(date(2026, 2, 14))  # 春节调休, a Saturday
    assert calendar.is_workday(date(2026, 10, 10))  # 国庆节调休, a Saturday
    assert calendar.is_workday(date(2026, 10, 8))  # the Thursday after 国庆节
    assert not calendar.is_workday(date(2026, 11, 28))  # an ordinary Saturday
    assert calendar.is_workday(date(2025, 1, 26)) and not calendar.is_workday(date(2025, 10, 8))  # 2025 too


def test_a_limit_runs_through_a_make_up_saturday():
    # Friday 13 Feb 2026 15:00 + 24 working hours: 9 on Friday, then the make-up Saturday works: 15:00 Saturday.
    assert load().add(bj(2, 13, 15), 24 * HOUR) == bj(2, 14, 15)


def test_a_limit_stops_over_the_spring_festival():
    # Saturday 14 Feb 10:00 + 48 h: 14 h that Saturday, 15–23 Feb off, 24 h on Tuesday 24th, 10 h on Wednesday.
    assert load().add(bj(2, 14, 10), 48 * HOUR) == bj(2, 25, 10)


def test_a_limit_starting_on_a_holiday_starts_at_the_next_working_day():
    assert load().add(bj(10, 3, 9), 24 * HOUR) == bj(10, 9)  # 3 Oct (holiday) → all of 8 Oct → 9 Oct 00:00


def test_taking_working_time_back_undoes_adding_it():
    calendar = load()
    for start, hours in ((bj(2, 13, 15), 24), (bj(9, 30, 16), 72), (bj(12, 31, 23), 5)):
        assert calendar.subtract(calendar.add(start, hours * HOUR), hours * HOUR) == start


def test_working_time_between_skips_the_holidays():
    # Paused Thursday 24 Sep 12:00, resumed Monday 28 Sep 12:00: 25–27 Sep are 中秋节 (and a weekend).
    assert load().between(bj(9, 24, 12), bj(9, 28, 12)) == 24 * HOUR
    assert load().between(bj(9, 28, 12), bj(9, 24, 12)) == timedelta(0)


def test_the_reach_of_working_time_runs_on_over_the_days_off_after_it():
    calendar = load()
    # Wednesday 30 Sep 16:00 + 8 working hours ends at midnight; 1–7 Oct are 国庆节: no more working time until 8 Oct.
    assert calendar.reach(bj(9, 30, 16), 8 * HOUR) == bj(10, 8)
    assert calendar.between(bj(9, 30, 16), bj(10, 8)) == 8 * HOUR
    assert calendar.reach(bj(9, 30, 16), 10 * HOUR) == bj(10, 8, 2)  # inside a working day: where `add` ends
    assert HOURS.reach(bj(9, 30, 16), 8 * HOUR) == bj(10, 1)


def test_the_plain_clock_stays_exact_hours():
    start = bj(9, 30, 16)
    assert HOURS.due(start, 72 * HOUR) == start + 72 * HOUR
    assert HOURS.shift(start, -5 * HOUR) == start - 5 * HOUR
    assert HOURS.elapsed(start, start + 100 * HOUR) == 100 * HOUR
    assert workdays.clock(False) is HOURS and workdays.clock(True) == Clock(load())


def test_a_calendar_file_reads_dates_ranges_and_comments():
    calendar = parse("# 说明\n2030-01-01 休 元旦\n2030-02-02..2030-02-04  休\n2030-02-09 班 # 调休\n\n")
    assert calendar.holidays == {date(2030, 1, 1), date(2030, 2, 2), date(2030, 2, 3), date(2030, 2, 4)}
    assert calendar.workdays == {date(2030, 2, 9)}


def test_a_calendar_file_saved_with_a_bom_by_notepad_reads_from_its_first_line(tmp_path):
    calendar_file = tmp_path / "holidays.txt"
    calendar_file.write_text("2030-01-01 休 元旦\n2030-02-09 班\n", encoding="utf-8-sig")

    calendar = load(calendar_file)

    assert calendar.holidays == {date(2030, 1, 1)} and calendar.workdays == {date(2030, 2, 9)}


def test_dates_typed_in_full_width_with_a_chinese_input_method_are_read():
    calendar = parse("２０３０－０１－０１　休　元旦\n２０３０－０２－０２．．２０３０－０２－０３　休\n２０３０－０２－０９　班　＃ 调休\n")

    assert calendar.holidays == {date(2030, 1, 1), date(2030, 2, 2), date(2030, 2, 3)}
    assert calendar.workdays == {date(2030, 2, 9)}


@pytest.mark.parametrize("line", ["2030-02-30 休", "2030-01-01", "2030-01-01 放", "2030-03-01..2030-01-01 休",
                                  "2030-01-01..2030-03-01 休", "1月1日 休"])
def test_a_bad_line_is_named_by_its_number(line):
    with pytest.raises(CalendarError) as refused:
        parse(f"# 第一行\n{line}\n")
    assert refused.value.line_number == 2 and refused.value.line == line

