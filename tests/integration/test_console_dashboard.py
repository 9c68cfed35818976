"""数据看板 and 三率排名 through Flask's client, on a hand-built week whose right answers are written here.

Now is 22 Nov 2026 10:00 (Beijing time); the period read is 18–22 Nov. Limits: 24 h to 接单, 72 h to 办结, from
filing. The cast (tests/support/console.py) adds G-XFL (幸福里·第二网格), G-HP (和平·第一网格) and G-PA (平安街道), filed
now, 市容环境, waiting past their response deadline (it is now). 幸福里社区·第一网格 unless said:

  D1  18 Nov 09:00 环境卫生 text    张伟 接单 10:00 (1 h), 办结 19 Nov 09:00 (24 h)                closed
  D2  19 Nov 07:00 物业服务 voice   (18 Nov 23:00 UTC: a day of its own in Beijing time) 李娜 接单 10:00 (3 h),
                                    挂起 12:00, 恢复 20 Nov 12:00, 办结 19:00: 36 h, of which 24 h paused → 12 h
  D3  20 Nov 09:00 环境卫生 上报    张伟 接单 11:00 (2 h), held                        open 49 h: 1–3 天
  D4  20 Nov 10:00 环境卫生 text    nobody claims it: overdue since 21 Nov 10:00       open 48 h: 1–3 天
  D5  21 Nov 09:00 物业服务 text    张伟 接单 19:00 (10 h), 办结 22 Nov 07:00 (22 h)
  D6  12 Nov 09:00 (before the period) 李娜 接单 10:00, held past its 办结 deadline   open 10 days: >7 天
  D7  21 Nov 08:00 环境卫生 text, 和平社区·第一网格: 陈静 接单 09:00 (1 h), held      open 26 h: 1–3 天
  D8  18 Nov 10:00 merged into D1: counted nowhere
  D9  17 Nov 09:00 (before the period) nobody claims it: overdue                      open 5 days: 3–7 天

Everywhere (管理员):
  per day: 18th 环境卫生 1; 19th 物业服务 1; 20th 环境卫生 2; 21st 环境卫生 1, 物业服务 1; 22nd 市容环境 3 — 9 in all
  channels: text 7, voice 1, grid_report 1
  backlog: <1 天 3 (G-*), 1–3 天 3 (D3 D4 D7), 3–7 天 1 (D9), >7 天 1 (D6)
  to 接单: 1, 1, 2, 3, 10 h → median (rank 3) 2 h, p90 (rank 5) 10 h
  to 办结: 12, 22, 24 h → median 22 h, p90 24 h (D2 at 36 h, were its pause counted, would make them 24 and 36)
幸福里社区 (社区 operator): per day as above without D7, G-HP and G-PA (6 in all); backlog 1, 2, 1, 1;
  overdue D4 D6 D9 G-XFL; to 接单 1, 2, 3, 10 h → median (rank 2) 2 h, p90 (rank 4) 10 h;
  workload: 张伟 holds 1 (D3), 接单 3 (D1 D3 D5), 办结 2 (D1 D5); 李娜 holds 1 (D6), 接单 1 (D2), 办结 1 (D2);
  王强 and 刘洋 nothing.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.web.app import create_app
from storage import queries, seeding
from storage.appeals import Action
from storage.dashboard import Spread, backlog, per_day, times, workload
from storage.models import (
    Appeal,
    AppealEvent,
    AppealStatus,
    Community,
    FocusCase,
    FocusCaseAppeal,
    Grid,
    Staff,
    StaffRole,
    Street,
)
from storage.queries import EVERYWHERE, Scope
from storage.rates import LOCAL_ZONE, Period
from tests.support.console import browser, cast, logged_in

pytestmark = pytest.mark.postgres

A, B, C = "幸福里社区·第一网格", "幸福里社区·第二网格", "和平社区·第一网格"
PERIOD = "from=2026-11-18&to=2026-11-22"
WEEK = Period.days(datetime(2026, 11, 18).date(), datetime(2026, 11, 22).date())
HOUR = timedelta(hours=1)


def nov(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=LOCAL_ZONE)


class Builder:
    """Appeals with their trail written straight into the tables (the staff member's name acts)."""

    def __init__(self, session: Any) -> None:
        self.session = session
        rows = session.execute(select(Grid.id, Community.name, Grid.name).join(Community))
        self.grids = {f"{community}·{grid}": grid_id for grid_id, community, grid in rows}
        self.staff = dict(session.execute(select(Staff.name, Staff.id)).all())

    def appeal(self, ticket: str, filed: datetime, status: AppealStatus, trail: list[tuple[Action, datetime, str]],
               grid: str = A, category: str = "环境卫生", channel: str = "text", holder: str | None = None,
               **values: Any) -> Appeal:
        appeal = Appeal(ticket=ticket, grid_id=self.grids[grid], category=category, confidence=1.0, channel=channel,
                        content="…", raw_message="{}", status=status, response_hours=24, resolve_hours=72,
                        response_due_at=filed + 24 * HOUR, resolve_due_at=filed + 72 * HOUR, created_at=filed,
                        updated_at=filed, assignee_staff_id=self.staff[holder] if holder else None, **values)
        self.session.add(appeal)
        self.session.flush()
        self.session.add(AppealEvent(appeal_id=appeal.id, at=filed, actor_kind="system", action=Action.DISPATCHED,
                                     to_status=AppealStatus.DISPATCHED))
        for action, moment, name in trail:
            self.session.add(AppealEvent(appeal_id=appeal.id, at=moment, actor_kind="staff",
                                         actor_id=self.staff[name], action=action))
        self.session.flush()
        return appeal


def work(name: str, claimed: datetime, resolved: datetime | None = None) -> list[tuple[Action, datetime, str]]:
    trail = [(Action.ACCEPTED, claimed, name)]
    return trail + [(Action.RESOLVED, resolved, name)] if resolved else trail


@pytest.fixture
def week(runtime, clock):  # type: ignore[no-untyped-def]
    now = clock()
    cast(runtime.database, now)
    with runtime.database.transaction() as session:
        build = Builder(session)
        d1 = build.appeal("D1", nov(18), AppealStatus.CLOSED, work("张伟", nov(18, 10), nov(19)), holder="张伟")
        build.appeal("D2", nov(19, 7), AppealStatus.RESOLVED,
                     [(Action.ACCEPTED, nov(19, 10), "李娜"), (Action.PAUSED, nov(19, 12), "李娜"),
                      (Action.RESUMED, nov(20, 12), "李娜"), (Action.RESOLVED, nov(20, 19), "李娜")],
                     category="物业服务", channel="voice", holder="李娜")
        d3 = build.appeal("D3", nov(20), AppealStatus.ACCEPTED, work("张伟", nov(20, 11)), channel="grid_report",
                          holder="张伟")
        d4 = build.appeal("D4", nov(20, 10), AppealStatus.DISPATCHED, [])
        build.appeal("D5", nov(21), AppealStatus.RESOLVED, work("张伟", nov(21, 19), nov(22, 7)), category="物业服务",
                     holder="张伟")
        build.appeal("D6", nov(12), AppealStatus.ACCEPTED, work("李娜", nov(12, 10)), holder="李娜")
        build.appeal("D7", nov(21, 8), AppealStatus.ACCEPTED, work("陈静", nov(21)), grid=C, holder="陈静")
        build.appeal("D8", nov(18, 10), AppealStatus.MERGED, [], merged_into_id=d1.id)
        build.appeal("D9", nov(17), AppealStatus.DISPATCHED, [])
        case = FocusCase(code="J20261120-1", scope_kind="grid", scope_ref=f"grid:{build.grids[A]}", scope_label=A,
                         grid_id=build.grids[A], key_kind="category", key="环境卫生", status="open",
                         open_key=f"grid:{build.grids[A]}|category:环境卫生", opened_at=nov(20, 12))
        session.add(case)
        session.flush()
        session.add_all([FocusCaseAppeal(case_id=case.id, appeal_id=appeal.id, linked_at=nov(20, 12))
                         for appeal in (d3, d4)])
    return create_app(runtime=runtime)



def page(person, path: str) -> str:  # type: ignore[no-untyped-def]
    response = person.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return str(response.get_data(as_text=True))


def row_cells(html: str, row_id: str) -> list[str]:
    found = re.search(rf'<tr id="{re.escape(row_id)}"[^>]*>(.*?)</tr>', html, re.S)
    assert found, f"no row {row_id}"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.S)]


# --- the figures, straight from storage -----------------------------------------------------------------------

def test_appeals_per_day_count_beijing_days_per_category_without_merged_ones(week, runtime):
    with runtime.database.transaction() as session:
        found = [(str(line.day), line.category, line.count) for line in per_day(session, EVERYWHERE, WEEK)]
    assert found == [("2026-11-18", "环境卫生", 1), ("2026-11-19", "物业服务", 1), ("2026-11-20", "环境卫生", 2),
                     ("2026-11-21", "物业服务", 1), ("2026-11-21", "环境卫生", 1), ("2026-11-22", "市容环境", 3)]


def test_the_backlog_is_bucketed_by_age(week, runtime, clock):
    with runtime.database.transaction() as session:
        everywhere = backlog(session, EVERYWHERE, clock())
        community = backlog(session, _community(session, "幸福里社区"), clock())
    assert everywhere.by_age == (3, 3, 1, 1) and everywhere.total == 8
    assert community.by_age == (1, 2, 1, 1)


def test_median_and_p90_leave_paused_time_out(week, runtime, clock):
    with runtime.database.transaction() as session:
        everywhere = times(session, EVERYWHERE, WEEK, clock())
        community = times(session, _community(session, "幸福里社区"), WEEK, clock())
    assert everywhere == (Spread(5, 2 * HOUR, 10 * HOUR), Spread(3, 22 * HOUR, 24 * HOUR))
    assert community == (Spread(4, 2 * HOUR, 10 * HOUR), Spread(3, 22 * HOUR, 24 * HOUR))


def test_times_over_no_appeals_are_none(week, runtime, clock):
    empty = Period.days(datetime(2026, 1, 1).date(), datetime(2026, 1, 2).date())
    with runtime.database.transaction() as session:
        assert times(session, EVERYWHERE, empty, clock()) == (Spread(0, None, None), Spread(0, None, None))


def test_workload_counts_what_each_member_holds_and_did_in_the_period(week, runtime):
    with runtime.database.transaction() as session:
        found = [(line.name, line.held, line.accepted, line.resolved)
                 for line in workload(session, _community(session, "幸福里社区"), WEEK)]
    assert found[:2] == [("张伟", 1, 3, 2), ("李娜", 1, 1, 1)]
    assert sorted(found[2:]) == sorted([("王强", 0, 0, 0), ("刘洋", 0, 0, 0)])


def test_the_districts_workload_names_the_street_where_two_have_a_community_of_one_name(week, runtime, clock):
    with runtime.database.transaction() as session:  # 平安街道 gets a 幸福里社区 of its own, with a member at work
        seeding.seed_street(session, seeding.StreetPlan(
            "平安街道", {"幸福里社区": {"第一网格": ("幸福家园", {"1号楼": ("1单元",)})}}), clock())
        grid = session.scalars(select(Grid).join(Community, Community.id == Grid.community_id).join(Street)
                               .where(Street.name == "平安街道", Community.name == "幸福里社区")).one()
        session.add(Staff(openid="o_pingan_member", name="吴刚", role=StaffRole.GRID_MEMBER, grid_id=grid.id,
                          community_id=grid.community_id, created_at=clock()))
    with runtime.database.transaction() as session:
        grids = {line.name: line.grid for line in workload(session, EVERYWHERE, WEEK)}
    assert (grids["张伟"], grids["吴刚"]) == ("幸福街道·幸福里社区·第一网格", "平安街道·幸福里社区·第一网格")
    assert grids["陈静"] == "和平社区·第一网格"


def _community(session: Any, name: str) -> Scope:
    return Scope(community_id=session.scalars(select(Community.id).where(Community.name == name)).one())


# --- the dashboard page --------------------------------------------------------------------------------------

def test_the_dashboard_shows_the_numbers_as_tables(week):
    html = page(logged_in(week, "admin"), f"/console/dashboard?{PERIOD}")
    assert row_cells(html, "day-2026-11-21")[0] == "2026-11-21"
    assert 'id="received">共提交 9 件' in html
    assert [row_cells(html, f"age-{index}")[1] for index in (1, 2, 3, 4)] == ["3", "3", "1", "1"]
    assert row_cells(html, "age-total")[1] == "8"
    assert row_cells(html, "channel-text")[1] == "7" and row_cells(html, "channel-voice")[1] == "1"
    assert row_cells(html, "times-accept")[1:] == ["5", "2.0 小时", "10.0 小时"]
    assert row_cells(html, "times-resolve")[1:] == ["3", "22.0 小时", "24.0 小时"]
    assert 'href="/console/appeals/D4"' in html and 'id="overdue-D6"' in html
    assert row_cells(html, "focus-J20261120-1")[-1] == "2：D3、D4"
    assert 'data-source="/console/dashboard.json?from=2026-11-18&amp;to=2026-11-22"' in html
    assert "<script>" not in html and "style=" not in html  # the CSP allows neither


def test_the_workload_says_it_counts_steps_taken_not_the_rankings_appeals(week):
    """An operator read 赵磊 办结 21 here and 17 in 三率排名 of the same days, and took one of them for wrong."""
    html = page(logged_in(week, "admin"), f"/console/dashboard?{PERIOD}")
    section = html.split('<section id="workload"', 1)[1].split("</section>", 1)[0]
    assert "<th>期间办结（次）</th>" in section and 'data-label="期间接单（次）"' in section
    assert "不论诉求哪天提交，重办后再次办结也算一次" in section and "和三率排名" in section


def test_the_overdue_list_starts_with_what_is_longest_past_its_deadline(week):
    html = page(logged_in(week, "admin"), f"/console/dashboard?{PERIOD}")
    listed = re.findall(r'<tr id="overdue-([^"]+)"', html)
    # D6's 办结 was due on 15 Nov, D9's 接单 on 18 Nov, D4's on 21 Nov, the G-* now: not D4 first for its lower id
    assert listed[:3] == ["D6", "D9", "D4"] and set(listed[3:]) == {"G-XFL", "G-HP", "G-PA"}
    assert "这里列出超时最久的 6 件" in html


def test_a_deadline_counted_from_a_transfer_or_a_return_takes_its_place_among_the_most_overdue(week, runtime,
                                                                                                clock, monkeypatch):
    with runtime.database.transaction() as session:
        build = Builder(session)
        # 转办 on 19 Nov 08:00 to a department with 72 h to claim: due 22 Nov 08:00, though its clock started early
        transferred = build.appeal("D10", nov(10), AppealStatus.DISPATCHED, [], department="综合执法中队")
        transferred.response_hours = 72
        # 退回 on 19 Nov 09:00: to be routed again within 24 h, by 20 Nov 09:00
        given_back = build.appeal("D11", nov(10), AppealStatus.RETURNED, [])
        session.add_all([AppealEvent(appeal_id=transferred.id, at=nov(19, 8), actor_kind="system",
                                     action=Action.TRANSFERRED, to_status=AppealStatus.DISPATCHED),
                         AppealEvent(appeal_id=given_back.id, at=nov(19), actor_kind="system",
                                     action=Action.RETURNED, to_status=AppealStatus.RETURNED)])
    monkeypatch.setattr(queries, "MOST_OVERDUE_BATCH", 2)  # the batches must not stop before D4 is read
    with runtime.database.transaction() as session:
        found = [(late.appeal.ticket, late.due) for late in queries.most_overdue(session, clock(), limit=5)]
    assert found == [("D6", nov(15)), ("D9", nov(18)), ("D11", nov(20)), ("D4", nov(21, 10)), ("D10", nov(22, 8))]


def test_the_overdue_list_gives_a_midnight_deadline_as_24_00_and_one_of_last_year_with_its_year(week, runtime):
    with runtime.database.transaction() as session:
        session.scalars(select(Appeal).where(Appeal.ticket == "D6")).one().resolve_due_at = nov(14, 0)
        session.scalars(select(Appeal).where(Appeal.ticket == "D9")).one().response_due_at = \
            datetime(2025, 12, 30, 17, 30, tzinfo=LOCAL_ZONE)
    html = page(logged_in(week, "admin"), f"/console/dashboard?{PERIOD}")
    assert row_cells(html, "overdue-D6")[3] == "11月13日 24:00"  # as the chat says it, not 11月14日 00:00
    assert row_cells(html, "overdue-D9")[3] == "2025年12月30日 17:30"


def test_the_rates_say_what_they_are_out_of(week):
    html = page(logged_in(week, "admin"), f"/console/dashboard?{PERIOD}")
    # D1 D2 D3 D4 D5 D7 and the cast's three dispatched (D6 and D9 filed before, D8 merged); D1 D2 D5 resolved
    assert ('id="rates-basis">派发 9 件（响应率、解决率的分母），其中办结过 3 件（评价率的分母），'
            '已评价 0 件（满意率的分母）。</p>') in html


def test_the_daily_counts_say_they_go_by_filing_day_unlike_the_rates(week):
    """每日 counts what came in each day; 三率's 派发 counts a held appeal when it was placed: read side by side, the
    two numbers must not look like one count that disagrees with itself."""
    html = page(logged_in(week, "admin"), f"/console/dashboard?{PERIOD}")
    assert "<h2>每日收到的诉求（按提交日期、类别）" in html
    assert 'id="received">共提交 9 件（按提交那天算；三率的派发按派给网格的那一期算，两者可能不同）' in html


def test_the_per_day_table_has_a_column_per_category(week):
    html = page(logged_in(week, "admin"), f"/console/dashboard?{PERIOD}")
    header = re.search(r'<table id="per-day-table">\s*<thead><tr>(.*?)</tr>', html, re.S).group(1)  # type: ignore[union-attr]
    assert re.findall(r"<th>(.*?)</th>", header) == ["日期", "市容环境", "物业服务", "环境卫生"]
    assert row_cells(html, "day-2026-11-20") == ["2026-11-20", "0", "0", "2"]
    assert row_cells(html, "day-2026-11-22") == ["2026-11-22", "3", "0", "0"]


def test_a_community_operator_sees_only_their_community(week):
    html = page(logged_in(week, "xingfuli"), f"/console/dashboard?{PERIOD}")
    assert 'id="received">共提交 6 件' in html
    assert [row_cells(html, f"age-{index}")[1] for index in (1, 2, 3, 4)] == ["1", "2", "1", "1"]
    assert {ticket for ticket in ("D4", "D6", "D9", "G-XFL", "G-HP", "G-PA", "D7")
            if f'id="overdue-{ticket}"' in html} == {"D4", "D6", "D9", "G-XFL"}
    assert "陈静" not in html and "和平社区" not in html and "平安" not in html
    assert row_cells(html, "times-accept")[1:] == ["4", "2.0 小时", "10.0 小时"]
    members = re.findall(r'<tr id="member-\d+">\s*<td[^>]*>(.*?)</td>', html)
    assert members[:2] == ["张伟", "李娜"] and set(members) == {"张伟", "李娜", "王强", "刘洋"}


def test_the_street_operator_does_not_see_another_street(week):
    html = page(logged_in(week, "street"), f"/console/dashboard?{PERIOD}")
    assert 'id="received">共提交 8 件' in html  # all but G-PA
    assert 'id="overdue-G-PA"' not in html and "平安" not in html


def test_the_default_period_is_the_last_30_days(week):
    html = page(logged_in(week, "admin"), "/console/dashboard")
    assert 'value="2026-10-24"' in html and 'value="2026-11-22"' in html
    assert 'id="received">共提交 11 件' in html  # D6 and D9 too


BAD_PERIODS = {
    "from=2026-13-01&to=2026-11-22": "日历上没有 2026-13-01 这一天，请核对日期。",
    "from=2026/11/01&to=2026-11-22": "日期“2026/11/01”看不懂，请写成 2026-03-01 这样。",
    "from=2026-11-22&to=2026-11-01": "结束日期（2026-11-01）不能早于开始日期（2026-11-22）。",
    "from=2026-11-01": "开始和结束日期要一起给出（都不给就用默认时间段）。",
    "from=2024-01-01&to=2026-11-22": "时间段最长 366 天，请缩短后再试。",
    # not begun yet: refused as `gridbot rates` refuses it, rather than a table of dashes
    "from=2026-11-23&to=2026-11-30": "开始日期（2026-11-23）还没到（今天是 2026-11-22），这段时间还没有诉求可算。",
}


def test_bad_dates_are_refused_in_one_line(week):
    person = logged_in(week, "admin")
    for query, line in BAD_PERIODS.items():
        response = person.get(f"/console/dashboard?{query}")
        assert response.status_code == 400
        assert f'id="refusal" role="alert">{line}</p>' in response.get_data(as_text=True)


# --- the charts' JSON ----------------------------------------------------------------------------------------

def test_the_json_gives_every_day_of_the_period_per_category(week):
    data = logged_in(week, "admin").get(f"/console/dashboard.json?{PERIOD}").get_json()
    assert data["days"] == ["2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22"]
    assert {item["name"]: item["counts"] for item in data["categories"]} == {
        "市容环境": [0, 0, 0, 0, 3], "物业服务": [0, 1, 0, 1, 0], "环境卫生": [1, 0, 2, 1, 0]}
    assert data["channels"] == [{"name": "文字", "value": 7}, {"name": "网格员上报", "value": 1},
                                {"name": "语音", "value": 1}]
    assert [item["value"] for item in data["backlog"]] == [3, 3, 1, 1]


def test_the_json_keeps_to_the_operators_scope(week):
    data = logged_in(week, "xingfuli").get(f"/console/dashboard.json?{PERIOD}").get_json()
    assert {item["name"]: item["counts"] for item in data["categories"]} == {
        "市容环境": [0, 0, 0, 0, 1], "物业服务": [0, 1, 0, 1, 0], "环境卫生": [1, 0, 2, 0, 0]}
    assert [item["value"] for item in data["backlog"]] == [1, 2, 1, 1]


def test_the_json_refuses_bad_dates_with_one_chinese_line(week):
    response = logged_in(week, "street").get("/console/dashboard.json?from=2026-11-31&to=2026-12-01")
    assert response.status_code == 400
    assert response.get_json() == {"error": "日历上没有 2026-11-31 这一天，请核对日期。"}


# --- the rates page -------------------------------------------------------------------------------------------

def test_the_rates_page_ranks_the_grids_of_this_month_by_default(week):
    html = page(logged_in(week, "xingfuli"), "/console/rates")
    assert 'value="2026-11-01"' in html and 'value="2026-11-30"' in html
    units = re.findall(r'<tr class="unit" data-unit="([^"]+)">', html)
    assert sorted(units) == sorted([A, B])  # not 和平社区's grids
    assert "—" in html and 'id="rates-total"' in html


def test_a_long_ranking_is_shown_in_pages_with_the_total_on_each(week, monkeypatch):
    from bot.web.console import rates_page

    monkeypatch.setattr(rates_page, "RATES_PAGE", 1)
    admin = logged_in(week, "admin")
    export = admin.get(f"/console/rates.csv?{PERIOD}&by=community").get_data().decode("utf-8").splitlines()
    everywhere = [line.split(",")[1] for line in export[1:-1]]  # every unit, in the ranking's order
    first = page(admin, f"/console/rates?{PERIOD}&by=community")
    assert len(re.findall(r'<tr class="unit"', first)) == 1 and 'id="rates-total"' in first
    assert "第 1 / 3 页，共 3 个社区" in first and 'id="rates-previous"' not in first
    assert "page=2" in re.search(r'id="rates-next" href="([^"]+)"', first).group(1)
    last = page(admin, f"/console/rates?{PERIOD}&by=community&page=999")  # past the end: the last page
    assert "第 3 / 3 页" in last and 'id="rates-next"' not in last and 'id="rates-total"' in last
    shown = [re.findall(r'<tr class="unit" data-unit="([^"]+)">', page(admin, f"/console/rates?{PERIOD}&by=community"
                                                                                 f"&page={number}"))[0]
             for number in ("1", "2", "３", "0")]  # full-width digits, or 0: page 1
    assert shown == [everywhere[0], everywhere[1], everywhere[0], everywhere[0]]


def test_the_rates_page_shows_the_definitions_rates(week):
    html = page(logged_in(week, "admin"), f"/console/rates?{PERIOD}&by=member")
    cells = row_cells(html.replace('<tr class="unit" data-unit="张伟">', '<tr id="zhang">'), "zhang")
    # 张伟: D1 D3 D5 of the period, each claimed in time; D1 (closed) and D5 resolved; none rated.
    assert cells[1:9] == ["张伟", "3", "100.0%", "66.7%", "—", "0", "0.0%", "—"]


def test_a_community_operator_cannot_rank_by_street(week):
    response = logged_in(week, "xingfuli").get("/console/rates?by=street")
    assert response.status_code == 400 and "不能按“街道”排名" in response.get_data(as_text=True)
    assert logged_in(week, "street").get("/console/rates?by=street").status_code == 200


def test_the_dashboards_rates_link_offers_only_the_units_the_operator_may_rank_by(week):
    """A 社区 account was offered 街道 by the link, and the page it opened then refused it."""
    def link(username):
        page = logged_in(week, username).get("/console/dashboard").get_data(as_text=True)
        return page.split('id="rates-link"', 1)[1].split("</a>", 1)[0]

    assert "（可按社区、网格、网格员、类别）" in link("xingfuli")
    assert "（可按街道、社区、网格、网格员、类别）" in link("street")


def test_the_rates_export_is_csv_for_excel(week):
    response = logged_in(week, "street").get(f"/console/rates.csv?{PERIOD}&by=community")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff排名,社区,派发,响应率,解决率,满意率,已评价,评价率,综合成绩,按期办结率,重办率,回退率,较上期\r\n")
    lines = text.splitlines()
    assert [line.split(",")[1] for line in lines[1:]] == ["幸福里社区", "和平社区", "合计"]


def test_the_rates_export_is_named_for_its_place_unit_and_days(week):
    """Two streets' exports of one month were both rates-community-….csv: the file now names the account's place."""
    from urllib.parse import quote

    street = logged_in(week, "street").get(f"/console/rates.csv?{PERIOD}&by=community").headers["Content-Disposition"]
    assert f"filename*=UTF-8''{quote('三率排名-幸福街道-按社区-2026-11-18至2026-11-22.csv')}" in street
    assert 'filename="rates-community-2026-11-18-2026-11-22.csv"' in street  # for a browser without RFC 5987
    community = logged_in(week, "xingfuli").get(f"/console/rates.csv?{PERIOD}").headers["Content-Disposition"]
    assert quote("三率排名-幸福里社区-按网格-2026-11-18至2026-11-22.csv") in community


def test_the_rates_export_refuses_bad_dates(week):
    assert logged_in(week, "admin").get("/console/rates.csv?from=2026-11-01&to=x").status_code == 400


def test_the_rates_page_refuses_a_period_not_begun_as_the_cli_does(week):
    person = logged_in(week, "xingfuli")
    for route in ("/console/rates", "/console/rates.csv"):
        response = person.get(f"{route}?from=2026-12-01&to=2026-12-31")
        assert response.status_code == 400
        assert "开始日期（2026-12-01）还没到（今天是 2026-11-22）" in response.get_data(as_text=True)
    assert person.get("/console/rates?from=2026-11-22&to=2026-11-30").status_code == 200  # today has begun


# --- who may open what ----------------------------------------------------------------------------------------

ROUTES = ("/console/dashboard", "/console/dashboard.json", "/console/rates", "/console/rates.csv")


def test_every_role_opens_every_route_and_nobody_else_does(week):
    for username in ("admin", "street", "xingfuli"):
        person = logged_in(week, username)
        assert [person.get(route).status_code for route in ROUTES] == [200] * len(ROUTES), username
    stranger = browser(week)
    for route in ROUTES:
        response = stranger.get(route)
        assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_the_nav_and_the_home_page_link_the_dashboard(week):
    html = page(logged_in(week, "xingfuli"), "/console/")
    assert 'id="nav-dashboard" href="/console/dashboard"' in html and 'id="home-dashboard"' in html


def test_a_rates_figure_lists_the_appeals_it_counted_by_the_month_they_were_placed_in(runtime, clock):
    """P1 was filed on 30 November by a resident with no address and placed on 2 December when they bound: the
    rates count it in December, so December's 派发 lists it and November's does not — by filing day it would be
    the other way round. N1, filed and placed in November, is November's."""
    clock.current = datetime(2026, 12, 5, 10, tzinfo=LOCAL_ZONE)
    cast(runtime.database, clock())
    with runtime.database.transaction() as session:
        build = Builder(session)
        build.appeal("P1", datetime(2026, 11, 30, 23, 30, tzinfo=LOCAL_ZONE), AppealStatus.DISPATCHED, [],
                     placed_at=datetime(2026, 12, 2, 9, tzinfo=LOCAL_ZONE))
        build.appeal("N1", nov(20), AppealStatus.CLOSED, work("张伟", nov(20, 10), nov(21)), holder="张伟")
    person = logged_in(create_app(runtime=runtime), "admin")
    december = page(person, "/console/dashboard?from=2026-12-01&to=2026-12-31")
    link = re.search(r'<a id="list-dispatched" href="([^"]+)">派发的 (\d+) 件</a>', december)
    assert link, december
    listed = page(person, link.group(1).replace("&amp;", "&"))
    assert 'id="appeal-P1"' in listed and 'id="appeal-N1"' not in listed
    # P1 and the cast's three, as the figure says
    assert len(re.findall(r'<tr id="appeal-', listed)) == int(link.group(2)) == 4
    november = page(person, "/console/appeals?counted=dispatched&from=2026-11-01&to=2026-11-30")
    assert 'id="appeal-N1"' in november and 'id="appeal-P1"' not in november
    assert "三率计入“派发”的诉求" in november


def test_a_rates_list_of_an_unknown_figure_is_refused_in_one_line(week):
    html = page(logged_in(week, "admin"), "/console/appeals?counted=everything")
    assert "不认识要列出的三率数字" in html and 'id="appeal-list"' not in html
    html = page(logged_in(week, "admin"), "/console/appeals?counted=dispatched&from=2020-01-01&to=2026-11-22")
    assert "时间段最长 366 天" in html and 'id="appeal-list"' not in html
