"""The three rates on a hand-built November: every appeal's trail is written out, and so is where it counts.

Deadlines: 24 hours to claim (接单), 72 to resolve (办结), from filing; an emergency has 10 minutes to be claimed.
The figures are read on 3 December, so November's end (1 December 00:00, Beijing time) is the `as_of`.

幸福里社区·第一网格 (A):
  A0  filed 20 Oct (October: the previous period) 张伟 claims in time, resolves, 满意.
  A1  张伟 claims in 1 h, resolves the next day, 满意            dispatched, responded, resolved on time, 满意
  A2  李娜 claims 27 h after filing (late), resolves after 5 days (late), 基本满意
                                                                  dispatched, resolved (late), 基本满意, overdue
  A3  李娜 claims, resolves, 不满意 reopens it, still open at the end
                                                                  dispatched, responded, 办结过, reopened, 不满意,
                                                                  not resolved, overdue (open past its deadline)
  A4  张伟 claims, resolves, 不满意 reopens, resolves again on time, not rated again
                                                                  dispatched, responded, resolved on time, 办结过,
                                                                  reopened, 不满意 (the latest rating)
  A5  withdrawn (撤销)                                             received only
  A6  merged into A1                                              nowhere (A1 counts once)
  A7  张伟 resolves on 29 Nov; 满意 comes on 1 Dec, after the end   dispatched, responded, resolved on time, unrated
  A8  张伟 resolves on 30 Nov; 不满意 reopens it on 2 Dec           dispatched, responded, resolved on time (at the
                                                                  end it was), not reopened, unrated
  A9  不受理                                                       received, rejected
  A10 an emergency, 张伟 claims in 5 minutes, pauses it; still paused
                                                                  dispatched, responded, emergency, not overdue
幸福里社区·第二网格 (B):
  B1  刘洋 returns it (退回), it is sent back, 刘洋 claims and resolves, 基本满意
                                                                  dispatched, responded, resolved on time, returned
  B2  nobody claims it                                            dispatched, overdue
和平社区·第一网格 (C):
  C1  filed 31 Oct 23:00 (October); 陈静 claims on 1 Nov 08:00 (in time), resolves on 2 Nov, 满意: at October's
      end it was only claimed.
  C2  filed 30 Nov 23:30; 陈静 claims on 1 Dec 00:30, within its 24 hours; resolved on 1 Dec, after the end
                                                                  dispatched, responded, not resolved
和平社区·第二网格 (D): nothing.

Grid A: 派发 7 (A1 A2 A3 A4 A7 A8 A10); responded 6 (all but A2); resolved 5 (A1 A2 A4 A7 A8); on time 4 (A2
late); 办结过 6 (+A3); reopened 2 (A3 A4); rated 4: 满意 A1, 基本满意 A2, 不满意 A3 A4.
  响应率 6/7, 解决率 5/7, 满意率 (1 + 0.9 × 1)/4 = 0.475, 评价率 4/6,
  综合成绩 100 × (0.1 × 6/7 + 0.5 × 5/7 + 0.4 × 0.475) = 100 × (3.1/7 + 0.19) = 63.2857…
Grid B: 派发 2, responded 1, resolved 1, returned 1, 基本满意 1: 0.5, 0.5, 0.9 → 100 × (0.05 + 0.25 + 0.36) = 66.0
Grid C: 派发 1, responded 1, nothing resolved or rated: 响应率 1, 解决率 0, 满意率 — so 综合成绩 —.
Grid D: everything —.
Total (pooled): 派发 10, responded 8, resolved 6, rated 5 (满意 1, 基本满意 2, 不满意 2), 办结过 7:
  0.8, 0.6, (1 + 1.8)/5 = 0.56 → 100 × (0.08 + 0.30 + 0.224) = 60.4 — not the mean of the grids' rates.
October, read at its end: A0 perfect (100); C1 claimed only: 1, 0, — so —; total 1, 0.5, 1 → 75.0.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cli.gridbot import main
from storage import seeding
from storage.appeals import Action
from storage.models import Appeal, AppealEvent, AppealStatus, Community, Grid, Staff
from storage.rates import LOCAL_ZONE, Counts, Period, Unit, Weights, counts_by, ranking
from tests.support import street

pytestmark = pytest.mark.postgres

A, B, C, D = "幸福里社区·第一网格", "幸福里社区·第二网格", "和平社区·第一网格", "和平社区·第二网格"
NOVEMBER = Period.month(2026, 11)
READ_ON = datetime(2026, 12, 3, 10, tzinfo=LOCAL_ZONE)
CLAIM, RESOLVE = timedelta(hours=24), timedelta(hours=72)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL_ZONE)


def nov(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return at(11, day, hour, minute)


class Builder:
    """Appeals with their trail written straight into the tables."""

    def __init__(self, session: Session) -> None:
        self.session = session
        rows = session.execute(select(Grid.id, Community.name, Grid.name).join(Community))
        self.grids = {f"{community}·{grid}": grid_id for grid_id, community, grid in rows}
        self.staff: dict[str, int] = dict(session.execute(select(Staff.name, Staff.id)).all())  # type: ignore[arg-type]
        self.count = 0

    def appeal(self, grid: str, filed: datetime, status: AppealStatus, trail: list[tuple[Action, datetime, str]],
               holder: str | None = None, category: str = "环境卫生", **values: Any) -> Appeal:
        self.count += 1
        columns: dict[str, Any] = dict(
            ticket=f"T{self.count:04d}", grid_id=self.grids[grid], category=category, confidence=1.0, channel="text",
            content="…", raw_message="{}", status=status, response_hours=24, resolve_hours=72,
            response_due_at=filed + CLAIM, resolve_due_at=filed + RESOLVE, created_at=filed, updated_at=filed,
            assignee_staff_id=self.staff[holder] if holder else None)
        appeal = Appeal(**{**columns, **values})
        self.session.add(appeal)
        self.session.flush()
        self.session.add(AppealEvent(appeal_id=appeal.id, at=filed, actor_kind="resident", action=Action.SUBMITTED))
        self.session.add(AppealEvent(appeal_id=appeal.id, at=filed, actor_kind="system", action=Action.DISPATCHED,
                                     to_status=AppealStatus.DISPATCHED))
        for action, moment, note in trail:
            staff = self.staff.get(note)
            self.session.add(AppealEvent(appeal_id=appeal.id, at=moment, actor_kind="staff" if staff else "resident",
                                         actor_id=staff, action=action, note=None if staff else note))
            self.session.flush()
        return appeal


def claimed_and_resolved(member: str, claimed: datetime, resolved: datetime) -> list[tuple[Action, datetime, str]]:
    return [(Action.ACCEPTED, claimed, member), (Action.RESOLVED, resolved, member)]


def rated(rating: str, moment: datetime) -> list[tuple[Action, datetime, str]]:
    trail = [(Action.RATED, moment, rating)]
    return trail + [(Action.REOPENED, moment, "")] if rating == "unsatisfied" else trail


@pytest.fixture
def november(seeded):  # type: ignore[no-untyped-def]
    with seeded.transaction() as session:
        build = Builder(session)
        ok = AppealStatus.CLOSED
        build.appeal(A, at(10, 20), ok, claimed_and_resolved("张伟", at(10, 20, 10), at(10, 21))
                     + rated("satisfied", at(10, 21, 12)), "张伟")
        a1 = build.appeal(A, nov(2), ok, claimed_and_resolved("张伟", nov(2, 10), nov(3)) + rated("satisfied", nov(3, 12)),
                          "张伟")
        build.appeal(A, nov(5), ok, claimed_and_resolved("李娜", nov(6, 12), nov(10)) + rated("basic", nov(10, 10)), "李娜")
        build.appeal(A, nov(10), AppealStatus.ACCEPTED, claimed_and_resolved("李娜", nov(10, 10), nov(11))
                     + rated("unsatisfied", nov(11, 12)), "李娜")
        build.appeal(A, nov(12), AppealStatus.RESOLVED, claimed_and_resolved("张伟", nov(12, 10), nov(13))
                     + rated("unsatisfied", nov(14)) + [(Action.RESOLVED, nov(15, 8), "张伟")], "张伟",
                     rating="unsatisfied")
        build.appeal(A, nov(20), AppealStatus.CANCELLED, [(Action.CANCELLED, nov(20, 10), "")])
        build.appeal(A, nov(21), AppealStatus.MERGED, [(Action.MERGED, nov(21, 10), "")], merged_into_id=a1.id)
        build.appeal(A, nov(28), ok, claimed_and_resolved("张伟", nov(28, 10), nov(29)) + rated("satisfied", at(12, 1, 10)),
                     "张伟", rating="satisfied")
        build.appeal(A, nov(29), AppealStatus.ACCEPTED, claimed_and_resolved("张伟", nov(29, 10), nov(30))
                     + rated("unsatisfied", at(12, 2)), "张伟", rating="unsatisfied")
        build.appeal(A, nov(15), AppealStatus.REJECTED, [(Action.REJECTED, nov(15, 10), "")])
        build.appeal(A, nov(16), AppealStatus.PAUSED, [(Action.ACCEPTED, nov(16, 9, 5), "张伟"),
                                                      (Action.PAUSED, nov(16, 10), "张伟")], "张伟",
                     emergency="elevator", response_minutes=10, response_due_at=nov(16, 9, 10), paused_at=nov(16, 10))
        build.appeal(B, nov(3), ok, [(Action.RETURNED, nov(3, 11), "刘洋")]
                     + claimed_and_resolved("刘洋", nov(3, 12), nov(4)) + rated("basic", nov(4, 12)), "刘洋",
                     category="物业服务")
        build.appeal(B, nov(25), AppealStatus.DISPATCHED, [], category="物业服务")
        build.appeal(C, at(10, 31, 23), ok, claimed_and_resolved("陈静", nov(1, 8), nov(2))
                     + rated("satisfied", nov(2, 12)), "陈静")
        build.appeal(C, nov(30, 23, 30), ok, claimed_and_resolved("陈静", at(12, 1, 0, 30), at(12, 1, 10)), "陈静")
    return seeded


def test_each_grid_counts_what_the_trail_says(november):
    with november.transaction() as session:
        counts = counts_by(session, Unit.GRID, NOVEMBER.start, NOVEMBER.end, NOVEMBER.as_of(READ_ON), _everywhere())
        grids = _by_label(session, counts)
    assert grids[A] == Counts(received=9, rejected=1, emergencies=1, dispatched=7, responded=6, resolved=5,
                              resolved_on_time=4, ever_resolved=6, reopened=2, returned=0, overdue=2, satisfied=1,
                              basic=1, unsatisfied=2)
    assert grids[B] == Counts(received=2, dispatched=2, responded=1, resolved=1, resolved_on_time=1, ever_resolved=1,
                              returned=1, overdue=1, basic=1)
    assert grids[C] == Counts(received=1, dispatched=1, responded=1)
    assert D not in grids  # no appeals: no row of counts (ranking() still lists it)


def test_an_appeal_withdrawn_or_rejected_after_its_unsatisfied_rating_stays_in_the_rates(november):
    """A street cannot take a 不满意 out of its figures by having the resident withdraw the reopened appeal (or by
    不受理 of it): what was 办结 stays 派发, with its rating. One withdrawn before any 办结 is still out."""
    with november.transaction() as session:
        build = Builder(session)
        build.count = 100  # after the November's tickets
        unsatisfied = claimed_and_resolved("赵磊", nov(10, 10), nov(11)) + rated("unsatisfied", nov(11, 12))
        build.appeal(D, nov(10), AppealStatus.CANCELLED, unsatisfied + [(Action.CANCELLED, nov(20), "")], "赵磊",
                     rating="unsatisfied")
        build.appeal(D, nov(13), AppealStatus.REJECTED, [(Action.ACCEPTED, nov(13, 10), "赵磊"),
                                                         (Action.RESOLVED, nov(14), "赵磊")]
                     + rated("unsatisfied", nov(14, 12)) + [(Action.REJECTED, at(12, 2), "赵磊")], "赵磊",
                     rating="unsatisfied")
        build.appeal(D, nov(15), AppealStatus.CANCELLED, [(Action.ACCEPTED, nov(15, 10), "赵磊"),
                                                          (Action.CANCELLED, nov(16), "")])
    with november.transaction() as session:
        counts = counts_by(session, Unit.GRID, NOVEMBER.start, NOVEMBER.end, NOVEMBER.as_of(READ_ON), _everywhere())
        grids = _by_label(session, counts)
    assert grids[D] == Counts(received=3, dispatched=2, responded=2, ever_resolved=2, reopened=2, overdue=2,
                              unsatisfied=2)  # reopened, not 办结 again by their deadlines


def test_an_appeal_merged_into_another_after_its_unsatisfied_rating_stays_in_the_rates(november):
    """合并 of a reopened appeal into another open one, like a 撤销, cannot take its 不满意 out of the figures."""
    with november.transaction() as session:
        build = Builder(session)
        build.count = 400
        unsatisfied = claimed_and_resolved("赵磊", nov(10, 10), nov(11)) + rated("unsatisfied", nov(11, 12))
        target = build.appeal(D, nov(15), AppealStatus.DISPATCHED, [])
        build.appeal(D, nov(10), AppealStatus.MERGED, unsatisfied + [(Action.MERGED, nov(20), "")], "赵磊",
                     rating="unsatisfied", merged_into_id=target.id)
    with november.transaction() as session:
        counts = counts_by(session, Unit.GRID, NOVEMBER.start, NOVEMBER.end, NOVEMBER.as_of(READ_ON), _everywhere())
        grids = _by_label(session, counts)
    assert grids[D] == Counts(received=2, dispatched=2, responded=1, ever_resolved=1, reopened=1, overdue=2,
                              unsatisfied=1)


def test_a_past_month_stays_as_it_was_at_its_end_whatever_happens_to_its_appeals_after(november):
    """November as published on 1 December: an appeal open at its end and withdrawn, 不受理 or merged in December
    stays in it as it was, and one claimed late in December was not overdue at the end."""
    with november.transaction() as session:
        build = Builder(session)
        build.count = 200
        leaving = [(AppealStatus.CANCELLED, Action.CANCELLED, nov(20), []),
                   (AppealStatus.REJECTED, Action.REJECTED, nov(21), [(Action.ACCEPTED, nov(21, 10), "赵磊")]),
                   (AppealStatus.MERGED, Action.MERGED, nov(22), [])]
        for status, action, filed, trail in leaving:
            left = build.appeal(D, filed, status, trail, "赵磊" if trail else None)
            session.add(AppealEvent(appeal_id=left.id, at=at(12, 2), actor_kind="system", action=action,
                                    from_status=AppealStatus.ACCEPTED if trail else AppealStatus.DISPATCHED,
                                    to_status=status))
        build.appeal(D, nov(30, 10), AppealStatus.ACCEPTED, [(Action.ACCEPTED, at(12, 2), "赵磊")], "赵磊")
    with november.transaction() as session:
        counts = counts_by(session, Unit.GRID, NOVEMBER.start, NOVEMBER.end, NOVEMBER.as_of(READ_ON), _everywhere())
        grids = _by_label(session, counts)
    # overdue: the withdrawn and the merged one unclaimed past their 24 hours, the rejected one open past its 72
    assert grids[D] == Counts(received=4, dispatched=4, responded=1, overdue=3)


def test_an_appeal_merged_at_a_past_months_end_and_split_off_after_it_stays_out_of_that_month(november):
    """November as published: an appeal merged into another then (counted once, as that one) is still out of it
    when a December 拆分 makes it an appeal of its own again — but one merged and split again within November,
    or split in December after a merge there, is in it."""
    with november.transaction() as session:
        build = Builder(session)
        build.count = 500
        target = build.appeal(D, nov(20), AppealStatus.DISPATCHED, [])
        for filed, merged, split in ((nov(21), nov(22), at(12, 2)), (nov(23), nov(24), nov(25)),
                                     (nov(26), at(12, 2), at(12, 3))):
            appeal = build.appeal(D, filed, AppealStatus.DISPATCHED, [])
            session.add_all([
                AppealEvent(appeal_id=appeal.id, at=merged, actor_kind="system", action=Action.MERGED,
                            from_status=AppealStatus.DISPATCHED, to_status=AppealStatus.MERGED, note=target.ticket),
                AppealEvent(appeal_id=appeal.id, at=split, actor_kind="system", action=Action.SPLIT,
                            from_status=AppealStatus.MERGED, to_status=AppealStatus.DISPATCHED, note=target.ticket)])
    with november.transaction() as session:
        counts = counts_by(session, Unit.GRID, NOVEMBER.start, NOVEMBER.end, NOVEMBER.as_of(READ_ON), _everywhere())
        grids = _by_label(session, counts)
    # the target, the one split within November and the one merged only in December: each unclaimed past 24 hours
    assert grids[D] == Counts(received=3, dispatched=3, overdue=3)


def test_an_appeal_overdue_at_a_past_months_end_and_paused_after_it_stays_overdue_in_that_month(november):
    with november.transaction() as session:
        build = Builder(session)
        build.count = 300
        build.appeal(D, nov(10), AppealStatus.PAUSED, [(Action.ACCEPTED, nov(10, 10), "赵磊"),
                                                       (Action.PAUSED, at(12, 2), "赵磊")], "赵磊", paused_at=at(12, 2))
        build.appeal(D, nov(20), AppealStatus.PAUSED, [(Action.ACCEPTED, nov(20, 10), "赵磊"),
                                                       (Action.PAUSED, nov(21), "赵磊")], "赵磊", paused_at=nov(21))
    with november.transaction() as session:
        counts = counts_by(session, Unit.GRID, NOVEMBER.start, NOVEMBER.end, NOVEMBER.as_of(READ_ON), _everywhere())
        grids = _by_label(session, counts)
    # the first was open past its 72 hours at the end; the second was paused then, as it still is
    assert grids[D] == Counts(received=2, dispatched=2, responded=2, overdue=1)


def test_the_rates_follow_the_definitions(november):
    with november.transaction() as session:
        ranked = ranking(session, NOVEMBER, READ_ON)
    rows = {row.label: row for row in ranked.rows}
    a = rows[A].rates
    assert (a.response, a.resolve, a.satisfaction, a.rating) == pytest.approx((6 / 7, 5 / 7, 0.475, 4 / 6))
    assert a.score == pytest.approx(100 * (3.1 / 7 + 0.19))
    assert (a.on_time, a.redo, a.returned) == pytest.approx((4 / 7, 2 / 6, 0.0))
    b = rows[B].rates
    assert (b.response, b.resolve, b.satisfaction, b.score, b.returned) == pytest.approx((0.5, 0.5, 0.9, 66.0, 0.5))
    c = rows[C].rates
    assert (c.response, c.resolve, c.satisfaction, c.rating, c.score) == (1.0, 0.0, None, None, None)
    d = rows[D].rates
    assert (d.response, d.resolve, d.satisfaction, d.score) == (None, None, None, None)  # "—", never 0 %


def test_the_total_pools_the_counts_instead_of_averaging_the_rates(november):
    with november.transaction() as session:
        ranked = ranking(session, NOVEMBER, READ_ON)
    total = ranked.total
    assert (total.counts.dispatched, total.counts.responded, total.counts.resolved, total.counts.rated) == (10, 8, 6, 5)
    assert (total.rates.response, total.rates.resolve, total.rates.satisfaction) == pytest.approx((0.8, 0.6, 0.56))
    assert total.rates.score == pytest.approx(60.4)
    assert total.rates.rating == pytest.approx(5 / 7) and total.rates.redo == pytest.approx(2 / 7)


def test_units_are_ranked_by_score_and_the_unscored_come_last_unranked(november):
    with november.transaction() as session:
        ranked = ranking(session, NOVEMBER, READ_ON)
    assert [(row.label, row.rank) for row in ranked.rows] == [(B, 1), (A, 2), (C, None), (D, None)]


def test_each_unit_carries_its_previous_period(november):
    with november.transaction() as session:
        ranked = ranking(session, NOVEMBER, READ_ON)
    assert ranked.previous_period == Period.month(2026, 10)
    rows = {row.label: row for row in ranked.rows}
    assert rows[A].previous is not None and rows[A].previous.score == pytest.approx(100.0)  # A0
    assert rows[C].previous is not None and rows[C].previous.resolve == 0.0  # C1 was resolved in November
    assert rows[C].previous.score is None
    assert rows[B].previous is None and rows[D].previous is None  # nothing filed there in October
    assert ranked.total.previous is not None and ranked.total.previous.score == pytest.approx(75.0)


def test_members_count_the_appeals_they_resolved_or_hold(november):
    with november.transaction() as session:
        ranked = ranking(session, NOVEMBER, READ_ON, Unit.MEMBER)
    rows = {row.label: row for row in ranked.rows}
    assert (rows["张伟"].counts.dispatched, rows["张伟"].counts.resolved) == (5, 4)
    assert rows["张伟"].rates.score == pytest.approx(70.0)
    assert rows["李娜"].rates.score == pytest.approx(48.0) and rows["刘洋"].rates.score == pytest.approx(96.0)
    assert [row.label for row in ranked.rows[:3]] == ["刘洋", "张伟", "李娜"]
    assert rows[""].key is None and rows[""].counts.dispatched == 1  # B2: nobody claimed it
    assert rows["王强"].counts == Counts() and rows["王强"].rank is None  # the grid leader, quiet
    assert sum((row.counts for row in ranked.rows), Counts()) == ranked.total.counts


@pytest.mark.parametrize(("unit", "ours", "theirs"), [
    (Unit.GRID, f"幸福街道·{A}", "滨湖街道·幸福里社区·第一网格"), (Unit.COMMUNITY, "幸福街道·幸福里社区", "滨湖街道·幸福里社区")])
def test_where_two_streets_have_a_community_of_one_name_the_ranking_names_the_street(november, clock, unit, ours,
                                                                                    theirs):
    with november.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan(
            "滨湖街道", {"幸福里社区": {"第一网格": ("幸福家园", {"1号楼": ("1单元",)})}}), clock())
    with november.transaction() as session:
        ranked = ranking(session, NOVEMBER, READ_ON, unit)
    labels = [row.label for row in ranked.rows]
    assert ours in labels and theirs in labels and len(set(labels)) == len(labels)


@pytest.mark.parametrize("unit", [Unit.STREET, Unit.COMMUNITY, Unit.CATEGORY])
def test_every_breakdown_adds_up_to_the_same_total(november, unit):
    with november.transaction() as session:
        ranked = ranking(session, NOVEMBER, READ_ON, unit)
    assert sum((row.counts for row in ranked.rows), Counts()) == ranked.total.counts
    assert ranked.total.counts.dispatched == 10
    if unit is Unit.COMMUNITY:
        assert [row.label for row in ranked.rows] == ["幸福里社区", "和平社区"]
        assert ranked.rows[0].rates.score == pytest.approx(100 * (0.1 * 7 / 9 + 0.5 * 6 / 9 + 0.4 * 0.56))
    if unit is Unit.CATEGORY:
        assert {row.label for row in ranked.rows} == {"环境卫生", "物业服务"}


def test_the_weights_and_the_credit_of_basic_satisfaction_are_configurable(november):
    weights = Weights(basic_credit=1.0, response=0.3, resolve=0.35, satisfaction=0.35)
    with november.transaction() as session:
        ranked = ranking(session, NOVEMBER, READ_ON, weights=weights)
    b = {row.label: row for row in ranked.rows}[B].rates
    assert b.satisfaction == 1.0 and b.score == pytest.approx(100 * (0.15 + 0.175 + 0.35))


def test_the_cli_prints_a_ranked_table_with_the_change(november, database_url):
    result = _cli(database_url, "--from", "2026-11-01", "--to", "2026-11-30")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "2026-11-01 至 2026-11-30" in lines[0] and "2026-10-01 至 2026-10-31" in lines[0]
    # 已评价 beside 满意率: B's 90.0% is one rating, which the table says rather than leave it to look like many.
    assert lines[1].split() == ["排名", "网格", "派发", "响应率", "解决率", "满意率", "已评价", "评价率", "综合成绩",
                                "较上期", "按期办结率", "重办率", "回退率"]
    assert lines[2].split()[:10] == ["1", B, "2", "50.0%", "50.0%", "90.0%", "1", "100.0%", "66.0", "—"]
    assert lines[3].split()[:10] == ["2", A, "7", "85.7%", "71.4%", "47.5%", "4", "66.7%", "63.3", "↓36.7"]
    assert lines[4].split()[:9] == ["—", C, "1", "100.0%", "0.0%", "—", "0", "—", "—"]
    assert lines[6].split()[:9] == ["合计", "10", "80.0%", "60.0%", "56.0%", "5", "71.4%", "60.4", "↓14.6"]
    assert "0.9 × 基本满意" in lines[7]


@pytest.mark.parametrize(("word", "unit"), [("网格", "grid"), ("网格员", "member"), ("类别", "category")])
def test_the_cli_ranks_by_the_unit_named_as_its_table_names_it(november, database_url, word, unit):
    november_by = ("--from", "2026-11-01", "--to", "2026-11-30", "--json", "--by")
    typed, named = _cli(database_url, *november_by, word), _cli(database_url, *november_by, unit)
    assert typed.exit_code == 0, typed.output
    assert json.loads(typed.output) == json.loads(named.output) and json.loads(typed.output)


def test_a_member_who_left_after_resolving_appeals_is_listed_as_having_left(november, database_url, tmp_path):
    """李娜 resolved two of November's appeals and left on 5 December: the month's member lines still carry her
    figures, and the CLI, the console and the report say she has left, so nobody looks for her in the staff list."""
    from openpyxl import load_workbook

    with november.transaction() as session:
        session.scalars(select(Staff).where(Staff.name == "李娜")).one().active = False
    result = _cli(database_url, "--from", "2026-11-01", "--to", "2026-11-30", "--by", "member")
    assert result.exit_code == 0, result.output
    assert "李娜（已离职）" in result.output and "张伟（已离职）" not in result.output
    with november.transaction() as session:
        rows = ranking(session, NOVEMBER, READ_ON, Unit.MEMBER).rows
    assert [row.label for row in rows if row.left] == ["李娜"]
    path = tmp_path / "十一月.xlsx"
    report = CliRunner().invoke(main, ["report", "--month", "2026-11", "--xlsx", str(path)], obj=lambda: READ_ON,
                                env={"GRIDBOT_DATABASE_URL": database_url})
    assert report.exit_code == 0, report.output
    names = [row[0] for row in load_workbook(path)["网格员"].iter_rows(min_row=2, values_only=True)]
    assert "李娜（已离职）" in names and "张伟" in names


def test_the_cli_ranks_one_street_or_community_with_scope_as_the_report_does(november, database_url):
    # A district of two streets: each street office ranked its grids among the other street's, with no --scope.
    result = _cli(database_url, "--from", "2026-11-01", "--to", "2026-11-30", "--scope", "和平社区")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "（北京时间）和平社区范围内提交的诉求，按网格" in lines[0]
    assert [line.split()[1] for line in lines[2:4]] == [C, D] and lines[4].split()[:2] == ["合计", "1"]
    members = json.loads(_cli(database_url, "--from", "2026-11-01", "--to", "2026-11-30", "--scope", "幸福里社区",
                              "--by", "member", "--json").output)
    assert "陈静" not in {row["unit"] for row in members} and "刘洋" in {row["unit"] for row in members}
    unknown = _cli(database_url, "--scope", "平安社区")
    assert unknown.exit_code == 1 and "没有找到“平安社区”" in unknown.output


def test_the_cli_prints_json_with_the_keys_the_issue_names(november, database_url):
    result = _cli(database_url, "--from", "2026-11-01", "--to", "2026-11-30", "--by", "member", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert list(rows[0])[:7] == ["unit", "dispatched", "响应率", "解决率", "满意率", "评价率", "综合成绩"]
    first = rows[0]
    assert (first["unit"], first["dispatched"], first["响应率"], first["满意率"]) == ("刘洋", 1, 1.0, 0.9)
    assert first["综合成绩"] == pytest.approx(96.0)
    quiet = next(row for row in rows if row["unit"] == "王强")
    assert quiet["dispatched"] == 0 and quiet["响应率"] is None and quiet["综合成绩"] is None
    assert any(row["unit"] == "（无人接单）" for row in rows)


def test_the_cli_defaults_to_this_month_and_refuses_bad_dates(november, database_url):
    this_month = _cli(database_url)
    assert this_month.exit_code == 0 and "2026-12-01 至 2026-12-31" in this_month.output
    for arguments, refusal in ((["--from", "2026-11-01"], "要一起给出"), (["--from", "2026-11-31", "--to", "2026-12-01"],
                                                                         "日历上没有 2026-11-31 这一天"),
                               (["--from", "2026/11/01", "--to", "2026-12-01"], "YYYY-MM-DD"),
                               (["--from", "2026-11-30", "--to", "2026-11-01"], "不能早于"),
                               (["--from", "2026-12-04", "--to", "2026-12-31"],
                                "--from（2026-12-04）还没到（今天是 2026-12-03）")):
        refused = _cli(database_url, *arguments)
        assert refused.exit_code == 1 and refusal in refused.output and "Traceback" not in refused.output
    full_width = _cli(database_url, "--from", "２０２６－１１－０１", "--to", "２０２６-１１-３０")  # a Chinese input method's
    assert full_width.exit_code == 0 and "2026-11-01 至 2026-11-30" in full_width.output, full_width.output


def test_a_bad_weight_is_refused_at_start_in_one_chinese_line(november, database_url):
    refused = _cli(database_url, env={"GRIDBOT_RATE_WEIGHTS": "0.5,0.5,0.5"})
    assert refused.exit_code == 2 and "GRIDBOT_RATE_WEIGHTS 必须是三个" in refused.output
    refused = _cli(database_url, env={"GRIDBOT_RATE_BASIC_CREDIT": "1.5"})
    assert refused.exit_code == 2 and "GRIDBOT_RATE_BASIC_CREDIT 必须是 0 到 1 之间的数" in refused.output
    assert len(refused.output.strip().splitlines()) == 1


def test_the_configured_weights_reach_the_table(november, database_url):
    result = _cli(database_url, "--from", "2026-11-01", "--to", "2026-11-30", "--json",
                  env={"GRIDBOT_RATE_BASIC_CREDIT": "1", "GRIDBOT_RATE_WEIGHTS": "0.3,0.35,0.35"})
    b = next(row for row in json.loads(result.output) if row["unit"] == B)
    assert b["满意率"] == 1.0 and b["综合成绩"] == pytest.approx(100 * (0.15 + 0.175 + 0.35))


def test_the_json_rates_are_rounded_to_four_decimals_and_scores_to_two(november, database_url):
    # Scripts read these: 0.15 + 0.175 + 0.35 printed 67.49999999999999, a rate 0.6849999999999999.
    result = _cli(database_url, "--from", "2026-11-01", "--to", "2026-11-30", "--json",
                  env={"GRIDBOT_RATE_BASIC_CREDIT": "1", "GRIDBOT_RATE_WEIGHTS": "0.3,0.35,0.35"})
    rows = json.loads(result.output)
    b = next(row for row in rows if row["unit"] == B)
    assert b["综合成绩"] == 67.5
    for row in rows:
        figures = [row[key] for key in ("响应率", "解决率", "满意率", "评价率", "按期办结率", "重办率", "回退率")]
        assert all(figure is None or figure == round(figure, 4) for figure in figures)
        assert row["综合成绩"] is None or row["综合成绩"] == round(row["综合成绩"], 2)


def test_a_json_rate_short_of_full_never_reads_full():
    from handlers.rate_words import fraction, score_value

    assert (fraction(19999 / 20000), fraction(0.685), fraction(None)) == (0.9999, 0.685, None)
    assert (score_value(99.999), score_value(100 * (0.15 + 0.175 + 0.35)), score_value(100.0)) == (99.99, 67.5, 100.0)


def _cli(database_url: str, *arguments: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(main, ["rates", *arguments], obj=lambda: READ_ON,
                              env={"GRIDBOT_DATABASE_URL": database_url, **(env or {})})


def _everywhere() -> Any:
    from storage.queries import EVERYWHERE

    return EVERYWHERE


def _by_label(session: Session, counts: dict[Any, Counts]) -> dict[str, Counts]:
    rows = session.execute(select(Grid.id, Community.name, Grid.name).join(Community))
    labels = {grid_id: f"{community}·{grid}" for grid_id, community, grid in rows}
    return {labels[key]: value for key, value in counts.items()}


def test_two_streets_communities_of_one_name_are_ranked_under_their_streets(seeded):
    from storage import seeding

    with seeded.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan("平安街道", {"和平社区": {"第一网格": ("平安小区", {
            "1号楼": ("1单元",)})}}), READ_ON)
        communities = [row.label for row in ranking(session, NOVEMBER, READ_ON, Unit.COMMUNITY).rows]
        grids = [row.label for row in ranking(session, NOVEMBER, READ_ON, Unit.GRID).rows]
    assert {"幸福里社区", "幸福街道·和平社区", "平安街道·和平社区"} == set(communities)
    assert {"幸福街道·和平社区·第一网格", "平安街道·和平社区·第一网格", "幸福里社区·第一网格"} <= set(grids)


def test_two_members_of_one_name_are_ranked_by_the_numbers_staff_list_gives_them(november):
    with november.transaction() as session:
        other = Staff(openid="o_other_zhangwei", name="张伟", role="grid_member", active=True, created_at=READ_ON,
                      grid_id=session.scalars(select(Staff.grid_id).where(Staff.name == "刘洋")).one())
        session.add(other)
        session.flush()
        first = session.scalars(select(Staff.id).where(Staff.name == "张伟").order_by(Staff.id)).first()
        rows = {row.label: row for row in ranking(session, NOVEMBER, READ_ON, Unit.MEMBER).rows}
        other_id = other.id
    assert rows[f"张伟 [{first}]"].counts.dispatched == 5 and rows[f"张伟 [{other_id}]"].counts == Counts()
    assert "张伟" not in rows


def _grid_lines(session: Session, period: Period, now: datetime) -> dict[str, dict[str, Counts]]:
    """The period's grid lines as the whole district and as each community sees them."""
    from storage.queries import Scope

    lines = {"": _by_label(session, counts_by(session, Unit.GRID, period.start, period.end, period.as_of(now),
                                              _everywhere()))}
    for community_id, name in session.execute(select(Community.id, Community.name)):
        counts = counts_by(session, Unit.GRID, period.start, period.end, period.as_of(now),
                           Scope(community_id=community_id))
        lines[name] = _by_label(session, counts)
    return lines


def _moved_in_december(session: Session, build: Builder, now: datetime) -> tuple[Appeal, Appeal]:
    """A November appeal of grid B 改派'd to D, and one of a building of A moved (with it) to C, both on `now`."""
    from storage import org_moves, reassigning
    from storage.models import Building

    reassigned = session.scalars(select(Appeal).where(Appeal.grid_id == build.grids[B], Appeal.created_at < NOVEMBER.end,
                                                      Appeal.status == AppealStatus.DISPATCHED)).one()
    reassigning.reassign(session, None, reassigned.ticket, D, now, frozenset())
    building = session.scalars(select(Building).where(Building.grid_id == build.grids[A]).order_by(Building.id)).first()
    assert building is not None
    moving = session.scalars(select(Appeal).where(Appeal.building_id == building.id)).one()
    planned = org_moves.plan(session, building, session.get_one(Grid, build.grids[C]))
    org_moves.move(session, planned, org_moves.AppealsChoice.MOVE, now, frozenset())
    return reassigned, moving


def test_a_past_months_grid_lines_stay_when_its_appeals_move_to_another_grid_after_it(november):
    """November as published: a 改派 and a building's move in December leave every grid's line, and every
    community's report, as it was; December's own appeal 改派'd counts under its new grid."""
    from storage import reassigning
    from storage.models import Building

    with november.transaction() as session:
        build = Builder(session)
        build.count = 400
        building = session.scalars(select(Building).where(Building.grid_id == build.grids[A])
                                   .order_by(Building.id)).first()
        assert building is not None
        build.appeal(A, nov(26), AppealStatus.DISPATCHED, [], building_id=building.id)
        this_month = build.appeal(B, at(12, 3, 9), AppealStatus.DISPATCHED, [])
        before = _grid_lines(session, NOVEMBER, READ_ON)
    with november.transaction() as session:
        build = Builder(session)
        reassigned, moving = _moved_in_december(session, build, READ_ON)
        assert (reassigned.grid_id, moving.grid_id) == (build.grids[D], build.grids[C])
        reassigning.reassign(session, None, this_month.ticket, D, READ_ON, frozenset())
    with november.transaction() as session:
        after = _grid_lines(session, NOVEMBER, READ_ON + timedelta(hours=1))
        december = _grid_lines(session, Period.month(2026, 12), READ_ON + timedelta(hours=1))
    assert after == before
    assert before[""][A].received == 10 and before["和平社区"].keys() == {C}
    # the running month counts its own appeal 改派'd from B under D, where it is now
    assert december[""] == {D: Counts(received=1, dispatched=1)}


def test_an_appeal_moved_before_the_grid_it_left_was_recorded_counts_under_its_grid_now(november):
    """A 改派 recorded before migration 0043 names no grid it left: its appeal counts where it is now."""
    with november.transaction() as session:
        build = Builder(session)
        build.count = 500
        moved = build.appeal(D, nov(20), AppealStatus.DISPATCHED, [])
        session.add(AppealEvent(appeal_id=moved.id, at=at(12, 2), actor_kind="staff", action=Action.REASSIGNED,
                                from_status=AppealStatus.DISPATCHED, to_status=AppealStatus.DISPATCHED, note=D))
    with november.transaction() as session:
        counts = counts_by(session, Unit.GRID, NOVEMBER.start, NOVEMBER.end, NOVEMBER.as_of(READ_ON), _everywhere())
        grids = _by_label(session, counts)
    assert grids[D] == Counts(received=1, dispatched=1, overdue=1)


def _changed_hands_in_december(session: Session, build: Builder, held: dict[str, Appeal], now: datetime) -> None:
    """In December: 张伟's task 改派'd to 王强, another 退回 then 改派'd to grid B and claimed there by 刘洋, a third
    转办'd to the property company, B2 (nobody's at November's end) claimed by 刘洋, and 李娜 leaves, her tasks going
    back to grid A."""
    from storage import reassigning, roster, tasks

    def member(name: str) -> Staff:
        return session.get_one(Staff, build.staff[name])

    reassigning.reassign(session, None, held["reassigned"].ticket, "王强", now, frozenset())
    tasks.give_back(session, member("张伟"), held["returned"].ticket, "不归网格管", now)
    reassigning.reassign(session, None, held["returned"].ticket, B, now, frozenset())
    tasks.claim(session, member("刘洋"), held["returned"].ticket, now)
    tasks.transfer(session, member("张伟"), held["transferred"].ticket, "阳光物业公司", now, frozenset())
    unclaimed = session.scalars(select(Appeal).where(Appeal.grid_id == build.grids[B],
                                                     Appeal.status == AppealStatus.DISPATCHED)).one()
    tasks.claim(session, member("刘洋"), unclaimed.ticket, now)
    roster.disable(session, member("李娜"), None, now, ())


def test_a_past_months_member_lines_stay_when_its_appeals_change_hands_after_it(november):
    """November as published: a 改派, a 退回 and another's 接单, a 转办, a claim of what nobody held and a leaver's
    tasks released in December leave every member's line as it was at November's end; December's own task 改派'd
    counts under its new holder."""
    from storage import reassigning

    with november.transaction() as session:
        street.add_contractors(session, nov(1))
        build = Builder(session)
        build.count = 600
        held = {name: build.appeal(A, nov(day), AppealStatus.ACCEPTED, [(Action.ACCEPTED, nov(day, 10), member)],
                                   member)
                for name, day, member in (("reassigned", 24, "张伟"), ("returned", 25, "张伟"), ("left", 26, "李娜"),
                                          ("transferred", 27, "张伟"))}
        this_month = build.appeal(A, at(12, 2), AppealStatus.ACCEPTED, [(Action.ACCEPTED, at(12, 2, 10), "张伟")],
                                  "张伟")
        before = counts_by(session, Unit.MEMBER, NOVEMBER.start, NOVEMBER.end, NOVEMBER.as_of(READ_ON), _everywhere())
    with november.transaction() as session:
        build = Builder(session)
        _changed_hands_in_december(session, build, held, READ_ON)
        reassigning.reassign(session, None, this_month.ticket, "王强", READ_ON, frozenset())
        assert {appeal.ticket: session.get_one(Appeal, appeal.id).assignee_staff_id for appeal in held.values()} == {
            held["reassigned"].ticket: build.staff["王强"], held["returned"].ticket: build.staff["刘洋"],
            held["left"].ticket: None, held["transferred"].ticket: None}
    later = READ_ON + timedelta(hours=1)
    with november.transaction() as session:
        after = counts_by(session, Unit.MEMBER, NOVEMBER.start, NOVEMBER.end, NOVEMBER.as_of(later), _everywhere())
        december = Period.month(2026, 12)
        this_month_lines = counts_by(session, Unit.MEMBER, december.start, december.end, december.as_of(later),
                                     _everywhere())
    assert after == before
    zhang, li = build.staff["张伟"], build.staff["李娜"]
    assert (before[zhang].dispatched, before[li].dispatched) == (8, 3)  # and the tasks each held at the end
    assert before[None].dispatched == 1  # B2: nobody held it at November's end
    # the running month counts its own task under whoever holds it now
    assert this_month_lines[build.staff["王强"]].dispatched == 1 and zhang not in this_month_lines


def test_an_appeal_that_changed_hands_before_its_holder_was_recorded_counts_under_its_holder_now(november):
    """A 改派 recorded before migration 0045 names no holder before it: its appeal counts under the holder now."""
    with november.transaction() as session:
        build = Builder(session)
        build.count = 700
        moved = build.appeal(A, nov(20), AppealStatus.DISPATCHED, [], "李娜")
        session.add(AppealEvent(appeal_id=moved.id, at=at(12, 2), actor_kind="staff", action=Action.REASSIGNED,
                                from_status=AppealStatus.ACCEPTED, to_status=AppealStatus.DISPATCHED, note="李娜"))
    with november.transaction() as session:
        plain = counts_by(session, Unit.MEMBER, NOVEMBER.start, NOVEMBER.end, NOVEMBER.as_of(READ_ON), _everywhere())
    assert plain[build.staff["李娜"]].dispatched == 3  # A2 and A3 as before, and this one


def test_an_appeal_nobody_held_at_a_past_months_end_and_claimed_in_time_after_it_counts_under_its_claimer(november):
    """Filed on 30 November at 23:00, claimed by 陈静 on 1 December at 08:00, within its 24 hours: 响应及时 counts
    it, and so does 陈静's line, not the one of appeals nobody claimed; a 改派 later leaves it there."""
    from storage import reassigning, tasks

    with november.transaction() as session:
        build = Builder(session)
        build.count = 800
        late_night = build.appeal(C, nov(30, 23), AppealStatus.DISPATCHED, [])
        before = counts_by(session, Unit.MEMBER, NOVEMBER.start, NOVEMBER.end, NOVEMBER.as_of(READ_ON), _everywhere())
    with november.transaction() as session:
        chen = session.get_one(Staff, build.staff["陈静"])
        tasks.claim(session, chen, late_night.ticket, at(12, 1, 8))
        reassigning.reassign(session, None, late_night.ticket, D, READ_ON, frozenset())
    with november.transaction() as session:
        after = counts_by(session, Unit.MEMBER, NOVEMBER.start, NOVEMBER.end, NOVEMBER.as_of(READ_ON), _everywhere())
    chen_id = build.staff["陈静"]
    assert (after[chen_id].dispatched, after[chen_id].responded) == (before[chen_id].dispatched + 1,
                                                                     before[chen_id].responded + 1)
    assert (before[None].dispatched, after[None].dispatched) == (2, 1), (before[None], after[None])  # B2 stays



def test_units_tied_on_score_and_dispatched_share_a_rank_and_the_next_one_skips_it(seeded):
    """Two grids with one appeal each, claimed in time, resolved and rated 满意: both 100 with 派发 1, so both are
    第 1 (并列); the grid below them (基本满意: 96) is 第 3, as a meeting's ranking reads — not 第 1 and 第 2 by the organisation's order."""
    with seeded.transaction() as session:
        build = Builder(session)
        build.count = 900
        for grid in (C, D):
            build.appeal(grid, nov(2), AppealStatus.CLOSED, claimed_and_resolved("陈静", nov(2, 10), nov(3))
                         + rated("satisfied", nov(3, 12)), "陈静")
        build.appeal(A, nov(2), AppealStatus.CLOSED, claimed_and_resolved("张伟", nov(2, 10), nov(3))
                     + rated("basic", nov(3, 12)), "张伟")
    with seeded.transaction() as session:
        ranked = ranking(session, NOVEMBER, READ_ON)
    assert [(row.label, row.rank) for row in ranked.rows][:3] == [(C, 1), (D, 1), (A, 3)]


def test_units_without_a_score_are_listed_in_the_organisations_order_not_by_code_point(seeded):
    plan = {f"{numeral}网格": (f"{numeral}苑", {"1号楼": ("1单元",)}) for numeral in ("第一", "第二", "第三", "第四")}
    with seeded.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan("东湖街道", {"湖滨社区": plan}), READ_ON)
        street_grid = [row.label for row in ranking(session, NOVEMBER, READ_ON, Unit.GRID).rows
                       if row.label.startswith("湖滨社区")]
    assert street_grid == ["湖滨社区·第一网格", "湖滨社区·第二网格", "湖滨社区·第三网格", "湖滨社区·第四网格"]


def test_an_appeal_held_for_an_address_past_a_months_end_counts_in_the_month_it_was_placed(wechat, seeded, clock):
    """Filed on 30 November by a resident with no address, placed when they bind on 2 December: November, closed
    on 1 December, stays as it was; December counts it as received and 派发."""
    from tests.support.worker import dispatch_filed

    clock.current = nov(30, 23, 30).astimezone(clock.current.tzinfo)
    assert "绑定住址后会马上转给您所在的网格" in wechat.send("o_new", "小区门口垃圾堆了三天没人清理，味道很大")
    clock.current = at(12, 2).astimezone(clock.current.tzinfo)
    wechat.dialog("o_new", [("绑定", "请选择您所在的社区"), ("1", "小区"), ("1", "楼栋"), ("1", "单元"), ("1", "已提交")])
    dispatch_filed(seeded, clock)
    december = Period.month(2026, 12)
    with seeded.transaction() as session:
        closed = counts_by(session, Unit.GRID, NOVEMBER.start, NOVEMBER.end, NOVEMBER.as_of(READ_ON), _everywhere())
        running = counts_by(session, Unit.GRID, december.start, december.end, december.as_of(clock()), _everywhere())
    assert sum((counts for counts in closed.values()), Counts()) == Counts()
    placed = sum((counts for counts in running.values()), Counts())
    assert (placed.received, placed.dispatched) == (1, 1)
