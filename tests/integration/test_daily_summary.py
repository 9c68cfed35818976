"""每日简报 on a hand-built day: Thursday 3 December 2026, read at 08:00 (Beijing time); it reports on Wednesday.

Deadlines are written out per appeal. Besides the test street's 王强 (网格长 of A) and 孙丽 (操作员 of 幸福里社区),
周敏 leads C, 吴芳 leads D and 郑强 is an 操作员 bound to no community (the street's).

幸福里社区·第一网格 (A):
  A1  filed 2 Dec 09:00, 张伟 claims 10:00, resolves 15:00, 满意 16:00      new, accepted, resolved
  A2  filed 2 Dec 11:00, waiting for a claim until 3 Dec 11:00             new, open
  A3  filed 28 Nov, 李娜 claims; to be resolved by 1 Dec 09:00, still open  open, 47 hours late (resolve)
  A4  resolved 26 Nov, 不满意 on 2 Dec 12:00: reopened, due 5 Dec           reopened, open
  A5  filed 1 Dec 22:00 (Tuesday), to be claimed by 2 Dec 22:00            open, 10 hours late (response)
  A6  filed 2 Dec 23:59                                                   new, open
  A7  filed 3 Dec 07:00, this morning                                     open (not reported on yet)
幸福里社区·第二网格 (B):
  B1  filed 2 Dec 10:00, 刘洋 claims 11:00                                 new, accepted, open
  B2  filed 20 Nov, claimed, to be resolved by 23 Nov                     open, 9 days late
和平社区·第一网格 (C):
  C1  filed 2 Dec 09:00, to be claimed by 12:00                           new, open, 20 hours late
和平社区·第二网格 (D): nothing.

December to date (as of 3 Dec 00:00), grid A: 派发 A1 A2 A5 A6 = 4; responded: A1 only (A5 missed its deadline,
A2 and A6 still have time) = 25 %; resolved: A1 = 25 %; rated: A1 满意 = 100 %. 幸福里社区 adds B1 (claimed in
time): 5 派发, 2 responded (40 %), 1 resolved (20 %), 100 %.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.cli.gridbot import main
from bot.worker import schedule
from handlers import notifications
from storage import daily_summary, workdays
from storage.appeals import Action
from storage.daily_summary import Outcome
from storage.models import Appeal, AppealEvent, AppealStatus, Community, Grid, OutboxMessage, Staff, StaffRole
from storage.privacy import mask
from storage.tickets import LOCAL_ZONE
from tests.support.cli import ok, refused
from tests.support.personas import OPERATOR, WANG
from tests.support.worker import told, work

pytestmark = pytest.mark.postgres

A, B, C, D = "幸福里社区·第一网格", "幸福里社区·第二网格", "和平社区·第一网格", "和平社区·第二网格"
THURSDAY = date(2026, 12, 3)
MORNING = datetime(2026, 12, 3, 8, tzinfo=LOCAL_ZONE)
ZHOU, WU, ZHENG = "summary_leader_zhoumin", "summary_leader_wufang", "summary_operator_zhengqiang"


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL_ZONE)


class Day:
    """Appeals with their trail written straight into the tables, and three more people to summarise for."""

    def __init__(self, session: Session) -> None:
        self.session = session
        rows = session.execute(select(Grid.id, Grid.community_id, Community.name, Grid.name).join(Community))
        self.grids = {f"{community}·{grid}": (grid_id, community_id) for grid_id, community_id, community, grid in rows}
        self.staff: dict[str, int] = dict(session.execute(select(Staff.name, Staff.id)).all())  # type: ignore[arg-type]

    def person(self, openid: str, name: str, role: StaffRole, grid: str | None) -> None:
        grid_id, community_id = self.grids[grid] if grid else (None, None)
        self.session.add(Staff(openid=openid, name=name, role=role, grid_id=grid_id, community_id=community_id,
                               active=True, created_at=at(11, 1)))

    def appeal(self, ticket: str, grid: str, filed: datetime, status: AppealStatus,
               trail: tuple[tuple[Action, datetime, str], ...] = (), **values: Any) -> None:
        columns: dict[str, Any] = dict(
            ticket=ticket, grid_id=self.grids[grid][0], category="环境卫生", confidence=1.0, channel="text",
            content="…", raw_message="{}", status=status, response_hours=24, resolve_hours=72,
            response_due_at=filed + timedelta(hours=24), resolve_due_at=filed + timedelta(hours=72),
            created_at=filed, updated_at=filed)
        appeal = Appeal(**{**columns, **values})
        self.session.add(appeal)
        self.session.flush()
        self.session.add(AppealEvent(appeal_id=appeal.id, at=filed, actor_kind="system", action=Action.DISPATCHED,
                                     to_status=AppealStatus.DISPATCHED))
        for action, moment, who in trail:
            staff = self.staff.get(who)
            self.session.add(AppealEvent(appeal_id=appeal.id, at=moment, actor_kind="staff" if staff else "resident",
                                         actor_id=staff, action=action, note=None if staff else who))
        self.session.flush()


@pytest.fixture
def wednesday(seeded):  # type: ignore[no-untyped-def]
    with seeded.transaction() as session:
        day = Day(session)
        day.person(ZHOU, "周敏", StaffRole.GRID_LEADER, C)
        day.person(WU, "吴芳", StaffRole.GRID_LEADER, D)
        day.person(ZHENG, "郑强", StaffRole.OPERATOR, None)
        accepted, working = AppealStatus.ACCEPTED, AppealStatus.DISPATCHED
        day.appeal("GA1", A, at(12, 2), AppealStatus.CLOSED, (
            (Action.ACCEPTED, at(12, 2, 10), "张伟"), (Action.RESOLVED, at(12, 2, 15), "张伟"),
            (Action.RATED, at(12, 2, 16), "satisfied")), rating="satisfied")
        day.appeal("GA2", A, at(12, 2, 11), working)
        day.appeal("GA3", A, at(11, 28), accepted, ((Action.ACCEPTED, at(11, 28, 10), "李娜"),),
                   resolve_due_at=at(12, 1))
        day.appeal("GA4", A, at(11, 25), accepted, (
            (Action.ACCEPTED, at(11, 25, 10), "张伟"), (Action.RESOLVED, at(11, 26), "张伟"),
            (Action.RATED, at(12, 2, 12), "unsatisfied"), (Action.REOPENED, at(12, 2, 12), "")),
                   resolve_due_at=at(12, 5), category="物业服务")
        day.appeal("GA5", A, at(12, 1, 22), working, category="市政设施")
        day.appeal("GA6", A, at(12, 2, 23, 59), working)
        day.appeal("GA7", A, at(12, 3, 7), working)
        day.appeal("GB1", B, at(12, 2, 10), accepted, ((Action.ACCEPTED, at(12, 2, 11), "刘洋"),))
        day.appeal("GB2", B, at(11, 20), accepted, ((Action.ACCEPTED, at(11, 20, 10), "刘洋"),))
        day.appeal("GC1", C, at(12, 2), working, response_due_at=at(12, 2, 12))
    return seeded


def summaries(database, day: date = THURSDAY, now: datetime = MORNING) -> dict[str, daily_summary.Planned]:  # type: ignore[no-untyped-def]
    with database.transaction() as session:
        return {item.recipient.name: item for item in daily_summary.plan(session, day, now)}


def text(planned: daily_summary.Planned) -> str:
    assert planned.notice is not None
    return notifications.render(planned.notice.name, planned.notice.params())


def outbox_rows(database) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with database.transaction() as session:
        return sorted(session.execute(select(OutboxMessage.idempotency_key, OutboxMessage.recipient_openid)
                                      .where(OutboxMessage.template == "staff_daily_summary")).all())


def test_a_grid_leader_reads_yesterday_the_backlog_what_is_overdue_and_the_months_rates(wednesday):
    wang = summaries(wednesday)["王强"]
    assert wang.outcome is Outcome.WRITTEN
    assert text(wang) == (
        "【每日简报】12月3日（周四）幸福里社区·第一网格\n"
        "昨日：新诉求 3 件，接单 1 件，办结 1 件，不满意重办 1 件。\n"
        "在办 6 件，其中超期 2 件：\n"
        "· GA3 环境卫生 未办结，已超 47小时\n"
        "· GA5 市政设施 未接单，已超 10小时\n"
        "本月累计：响应率 25.0%，解决率 25.0%，满意率 100.0%（1 件评价）\n"
        "回复“查询 编号”查看详情。"
    )


def test_a_leader_sees_only_their_grid_and_an_operator_their_community(wednesday):
    planned = summaries(wednesday)
    zhou = text(planned["周敏"])
    assert "和平社区·第一网格" in zhou and "新诉求 1 件" in zhou and "GC1 环境卫生 未接单，已超 20小时" in zhou
    assert not any(ticket in zhou for ticket in ("GA", "GB"))
    assert not any(ticket in text(planned["王强"]) for ticket in ("GB", "GC"))
    sun = planned["孙丽"].notice
    assert sun is not None and (sun.area, sun.new, sun.accepted, sun.backlog, sun.overdue) == ("幸福里社区", 4, 2, 8, 3)
    assert sun.late_tickets == ("GB2", "GA3", "GA5")  # most late first
    assert (sun.response_rate, sun.resolve_rate, sun.satisfaction_rate) == pytest.approx((0.4, 0.2, 1.0))
    assert "GC1" not in text(planned["孙丽"])


def test_an_overdue_complaint_about_the_leader_is_named_to_the_operator_not_to_him(wednesday):
    with wednesday.transaction() as session:
        day = Day(session)
        day.appeal("GA8", A, at(12, 1, 9, 30), AppealStatus.DISPATCHED, category="投诉工作人员",
                   response_due_at=at(12, 1, 10))
        complaint = session.scalars(select(Appeal.id).where(Appeal.ticket == "GA8")).one()
        session.add(AppealEvent(appeal_id=complaint, at=at(12, 1, 9, 30), actor_kind="system",
                                action=Action.COMPLAINT, note=str(day.staff["王强"]), internal=True))
    planned = summaries(wednesday)
    assert "GA8" not in text(planned["王强"]) and "其中超期 2 件" in text(planned["王强"])
    sun = planned["孙丽"].notice
    assert sun is not None and sun.overdue == 4 and sun.late_tickets[0] == "GB2" and "GA8" in sun.late_tickets


def test_an_operator_bound_to_no_community_reads_the_street(wednesday):
    zheng = summaries(wednesday)["郑强"]
    assert zheng.notice is not None and zheng.notice.area == "幸福街道"
    assert (zheng.notice.new, zheng.notice.backlog, zheng.notice.overdue) == (5, 9, 4)
    assert "……另有 1 件超期，回复“超期”查看全部" in text(zheng)  # three named, the fourth counted, and how to list it


def test_a_quiet_grid_gets_one_line_on_a_working_day_and_nothing_on_a_day_off(wednesday):
    wu = summaries(wednesday)["吴芳"]
    assert wu.outcome is Outcome.WRITTEN
    assert text(wu) == "【每日简报】12月3日（周四）和平社区·第二网格\n昨日无新诉求，目前无超期。"
    saturday = summaries(wednesday, date(2026, 12, 5), at(12, 5, 8))
    assert saturday["吴芳"].outcome is Outcome.QUIET
    assert saturday["王强"].outcome is Outcome.WRITTEN  # GA3 and GA5 are still overdue: that can't wait
    national_day = summaries(wednesday, date(2026, 10, 2), at(10, 2, 8))  # a Friday, but a holiday
    assert national_day["吴芳"].outcome is Outcome.QUIET


def test_the_first_working_day_after_days_off_reports_on_all_of_them(wednesday):
    assert daily_summary.covered_from(date(2026, 12, 7)) == date(2026, 12, 4)  # Monday: since Friday
    assert daily_summary.covered_from(date(2026, 12, 3)) == date(2026, 12, 2)
    assert daily_summary.covered_from(date(2026, 10, 8)) == date(2026, 9, 30)  # after the National Day week
    assert daily_summary.covered_from(date(2026, 10, 10)) == date(2026, 10, 9)  # a make-up Saturday
    assert daily_summary.covered_from(date(2026, 12, 5)) == date(2026, 12, 4)  # a day off: the day before
    wang = summaries(wednesday, date(2026, 12, 7), at(12, 7, 8))["王强"]
    assert "12月4日至6日：新诉求 0 件" in text(wang)


def test_running_twice_writes_one_outbox_row_per_person(wednesday):
    with wednesday.transaction() as session:
        first = daily_summary.send(session, THURSDAY, MORNING)
    with wednesday.transaction() as session:
        second = daily_summary.send(session, THURSDAY, MORNING + timedelta(minutes=5))
    assert {item.outcome for item in first} == {Outcome.WRITTEN}
    assert {item.outcome for item in second} == {Outcome.ALREADY}
    rows = outbox_rows(wednesday)
    assert len(rows) == len(first) == 5 and len({openid for _, openid in rows}) == 5
    assert all(key.startswith("summary:") and key.endswith(":2026-12-03") for key, _ in rows)


def test_a_summary_another_worker_wrote_meanwhile_is_not_written_twice(wednesday, monkeypatch):
    with wednesday.transaction() as session:
        planned = daily_summary.plan(session, THURSDAY, MORNING)
        daily_summary.send(session, THURSDAY, MORNING)  # the other worker, between this one's check and insert
    monkeypatch.setattr(daily_summary, "plan", lambda *arguments: planned)
    with wednesday.transaction() as session:
        again = daily_summary.send(session, THURSDAY, MORNING)
    assert {item.outcome for item in again} == {Outcome.ALREADY}
    assert len(outbox_rows(wednesday)) == 5


@pytest.mark.parametrize(("local_time", "due"), [
    ((7, 59), False),  # not before the hour
    ((8, 0), True),
    ((11, 30), True),  # a worker that was down at 8:00, back the same morning
    ((12, 0), False),  # the afternoon: the day's news is old, tomorrow's summary has it
])
def test_the_schedule_writes_the_days_summaries_from_the_hour_in_the_morning(wednesday, worker_runtime, clock,
                                                                             local_time, due):
    clock.current = datetime(2026, 12, 3, *local_time, tzinfo=LOCAL_ZONE)
    done = schedule.send_summaries(worker_runtime, None)
    assert (done == THURSDAY) is due
    assert len(outbox_rows(wednesday)) == (5 if due else 0)


def test_the_schedule_keeps_to_the_configured_hour_and_can_be_turned_off(wednesday, worker_runtime, clock):
    clock.current = MORNING
    off = replace(worker_runtime, settings=worker_runtime.settings.with_(summary_hour=None))
    assert schedule.send_summaries(off, None) is None
    later = replace(worker_runtime, settings=worker_runtime.settings.with_(summary_hour=9))
    assert schedule.send_summaries(later, None) is None and outbox_rows(wednesday) == []
    clock.advance(hours=1)
    assert schedule.send_summaries(later, None) == THURSDAY and len(outbox_rows(wednesday)) == 5


def test_the_summary_goes_out_through_the_outbox_by_customer_service_message(wednesday, worker_runtime, clock,
                                                                             fake_wechat):
    clock.current = MORNING
    schedule.send_summaries(worker_runtime, None)
    work(worker_runtime)
    (message,) = [content for content in told(fake_wechat, WANG) if "每日简报" in content]
    assert message.startswith("【每日简报】12月3日（周四）幸福里社区·第一网格")
    assert any("每日简报" in content for content in told(fake_wechat, OPERATOR))


def gridbot(database_url: str, now: datetime, *arguments: str) -> Any:
    return CliRunner().invoke(main, ["summary", *arguments], obj=lambda: now,
                              env={"GRIDBOT_DATABASE_URL": database_url})


def test_a_dry_run_prints_who_would_get_what_masked_and_writes_nothing(wednesday, database_url):
    output = ok(gridbot(database_url, MORNING, "--dry-run"))
    assert f"王强（网格长，{mask(WANG)}）· 幸福里社区·第一网格：将发送" in output
    assert "    在办 6 件，其中超期 2 件：" in output
    assert WANG not in output and OPERATOR not in output
    assert "共 5 人：将发送 5 人，已发过 0 人，不发送 0 人" in output
    assert outbox_rows(wednesday) == []
    saturday = ok(gridbot(database_url, at(12, 5, 8), "--dry-run"))
    assert "吴芳（网格长，" in saturday and "休息日且无超期，不发送" in saturday


def test_the_cli_sends_now_once_and_refuses_a_bad_or_future_date(wednesday, database_url):
    sent = ok(gridbot(database_url, MORNING))
    assert "王强（网格长，" in sent and "已写入发件箱" in sent and len(outbox_rows(wednesday)) == 5
    assert "worker 运行时会马上送出" in sent
    again = ok(gridbot(database_url, MORNING, "--date", "2026-12-03"))
    assert "今天已发过，未重发" in again and len(outbox_rows(wednesday)) == 5
    assert "马上送出" not in again and "这次没有新写入的简报" in again  # nothing new went into the outbox
    assert "2026-12-04 还没到" in refused(gridbot(database_url, MORNING, "--date", "2026-12-04"))
    assert "YYYY-MM-DD" in refused(gridbot(database_url, MORNING, "--date", "12月3日"))
    assert "日历上没有 2026-02-29 这一天" in refused(gridbot(database_url, MORNING, "--date", "2026-02-29"))


def test_people_off_duty_disabled_or_not_bound_get_no_summary(wednesday):
    with wednesday.transaction() as session:
        session.execute(update(Staff).where(Staff.name == "周敏").values(on_duty=False))
        session.execute(update(Staff).where(Staff.name == "吴芳").values(active=False))
        session.execute(update(Staff).where(Staff.name == "郑强").values(openid=None))
    assert set(summaries(wednesday)) == {"王强", "孙丽"}


def test_from_november_operators_are_reminded_when_next_years_holidays_are_not_in_the_calendar(wednesday, tmp_path):
    """The State Council publishes the next year's holidays each November; until the calendar has them, working-day
    deadlines would run through 元旦 and 春节. Operators (not 网格长, who cannot change it) read it each morning."""
    reminder = "提醒：节假日表里还没有 2027 年的放假安排"
    planned = summaries(wednesday)  # 12月3日, the shipped calendar ends with 2026
    assert reminder in text(planned["孙丽"]) and "节假日" not in text(planned["王强"])
    assert reminder not in text(summaries(wednesday, date(2026, 10, 9), at(10, 9, 8))["孙丽"])  # before November
    calendar = tmp_path / "holidays.txt"
    calendar.write_text(workdays.SHIPPED.read_text(encoding="utf-8") + "2027-01-01  休  元旦\n", encoding="utf-8")
    workdays.configure(calendar)
    try:
        assert "节假日" not in text(summaries(wednesday)["孙丽"])
    finally:
        workdays.configure(None)
