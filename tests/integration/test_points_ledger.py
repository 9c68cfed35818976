"""The points ledger (积分, storage/points.py): grants once per thing, monthly caps, reversals once, redemptions
never below zero; and the rules file GRIDBOT_POINTS_RULES names."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from storage import points, points_rules
from storage.errors import NotFound
from storage.models import PointsEntry, Staff, Wish
from storage.points import Source
from tests.support.database import staff_id
from tests.support.personas import VOLUNTEER, ZHANG
from tests.support.street import ANNING_MEMBER, add_second_street

pytestmark = pytest.mark.postgres

TIGHT = """
[rule.task_confirmed]
label = "领单任务完成"
points = 5
monthly_cap = 12
[rule.task_satisfied]
label = "居民评价满意"
points = 2
[rule.notice_relayed]
label = "转达通知"
points = 0
[rule.neighbour_report]
label = "代报成为诉求"
points = 2
[rule.accepted_in_time]
label = "按时接单"
points = 1
[rule.resolved]
label = "办结诉求"
points = 2
[rule.rated_satisfied]
label = "居民满意"
points = 2
[rule.rated_unsatisfied]
label = "居民不满意"
points = -3
monthly_cap = 5
"""


@pytest.fixture
def tight_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules above for this test: task_confirmed capped at 12 a month, 不满意 -3 capped at 5, 已转达 off."""
    path = tmp_path / "points.toml"
    path.write_text(TIGHT, encoding="utf-8")
    monkeypatch.setattr(points_rules, "_configured", [path])


def wishes(session, count: int, now) -> list[Source]:  # type: ignore[no-untyped-def]
    """`count` 微心愿 of 幸福里社区 to grant points for (each a thing of its own)."""
    community = session.scalars(select(Staff.community_id).where(Staff.openid == VOLUNTEER)).one()
    made = [Wish(code=f"W261122{number:04d}", community_id=community, text="帮独居老人换灯泡", status="open",
                 created_at=now) for number in range(1, count + 1)]
    session.add_all(made)
    session.flush()
    return [Source(wish_id=wish.id) for wish in made]


# 幸福街道 sets its own task_confirmed (8 a time, at most 10 a month), 安宁街道 turns resolved off.
STREETS_OWN = """
[street."幸福街道".task_confirmed]
points = 8
monthly_cap = 10

[street."安宁街道".resolved]
points = 0
"""


@pytest.fixture
def street_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped rules with STREETS_OWN below them, for this test."""
    path = tmp_path / "points.toml"
    path.write_text(points_rules.SHIPPED.read_text(encoding="utf-8") + STREETS_OWN, encoding="utf-8")
    monkeypatch.setattr(points_rules, "_configured", [path])


def granted(session, person: int, rule: str, sources: list[Source], now) -> list[int]:  # type: ignore[no-untyped-def]
    """What each grant gave (0: nothing)."""
    made = [points.grant(session, person, rule, source, now) for source in sources]
    return [entry.amount if entry is not None else 0 for entry in made]


def test_a_grant_for_the_same_thing_and_person_is_made_once(seeded, clock):
    member, other = staff_id(seeded, ZHANG), staff_id(seeded, VOLUNTEER)
    with seeded.transaction() as session:
        (wish,) = wishes(session, 1, clock())
        assert granted(session, member, "resolved", [wish, wish], clock()) == [2, 0]
        assert granted(session, other, "resolved", [wish], clock()) == [2]  # the same thing, another person
        assert granted(session, member, "rated_satisfied", [wish], clock()) == [2]  # another rule
        assert points.balance(session, member) == 4


def test_a_monthly_cap_cuts_the_last_grant_and_then_grants_nothing_until_next_month(seeded, clock, tight_rules):
    person = staff_id(seeded, VOLUNTEER)
    with seeded.transaction() as session:
        made = wishes(session, 5, clock())
        assert granted(session, person, "task_confirmed", made[:4], clock()) == [5, 5, 2, 0]
        clock.advance(days=10)  # 2026-12-02: a new month
        assert granted(session, person, "task_confirmed", made[4:], clock()) == [5]
        assert points.balance(session, person) == 17


def test_a_grant_is_priced_by_the_rules_of_the_grantees_street_and_the_districts_for_the_rest(seeded, clock,
                                                                                             street_rules):
    volunteer, member = staff_id(seeded, VOLUNTEER), staff_id(seeded, ZHANG)
    with seeded.transaction() as session:
        add_second_street(session, clock())
    anning = staff_id(seeded, ANNING_MEMBER)
    with seeded.transaction() as session:
        made = wishes(session, 3, clock())
        assert granted(session, volunteer, "task_confirmed", made, clock()) == [8, 2, 0]  # 幸福街道's: 8, cap 10
        assert granted(session, member, "resolved", made[:1], clock()) == [2]  # a rule 幸福街道 left: the district's
        assert granted(session, anning, "resolved", made[:1], clock()) == [0]  # 安宁街道 turned it off
        assert granted(session, anning, "task_confirmed", made[:1], clock()) == [5]  # and kept the district's here


def test_a_negative_rule_is_capped_by_its_absolute_value(seeded, clock, tight_rules):
    member = staff_id(seeded, ZHANG)
    with seeded.transaction() as session:
        assert granted(session, member, "rated_unsatisfied", wishes(session, 3, clock()), clock()) == [-3, -2, 0]
        assert points.summary(session, member, clock()).total == -5


def test_a_reversed_grant_frees_its_part_of_the_cap_and_may_be_granted_again(seeded, clock, tight_rules):
    person = staff_id(seeded, VOLUNTEER)
    with seeded.transaction() as session:
        made = wishes(session, 4, clock())
        assert granted(session, person, "task_confirmed", made[:3], clock()) == [5, 5, 2]
        first = session.scalars(select(PointsEntry).order_by(PointsEntry.id)).first()
        assert first is not None
        undo = points.reverse(session, first, clock(), note="录错了")
        assert undo is not None and undo.amount == -5 and undo.reverses_id == first.id
        assert granted(session, person, "task_confirmed", made[:1], clock()) == [5]  # the cap had 5 left again
        assert granted(session, person, "task_confirmed", made[3:], clock()) == [0]  # and now none
        assert points.balance(session, person) == 12


def test_an_entry_is_reversed_once_and_a_reversal_is_never_reversed(seeded, clock):
    member = staff_id(seeded, ZHANG)
    with seeded.transaction() as session:
        entry = points.grant(session, member, "resolved", wishes(session, 1, clock())[0], clock())
        assert entry is not None
        undo = points.correct(session, entry.id, "重复记分", clock())
        assert points.reverse(session, entry, clock()) is None
        with pytest.raises(points.NotReversible) as twice:
            points.correct(session, entry.id, "再撤一次", clock())
        assert twice.value.reason == "reversed"
        with pytest.raises(points.NotReversible) as of_reversal:
            points.correct(session, undo.id, "撤销撤销", clock())
        assert of_reversal.value.reason == "reversal"
        with pytest.raises(NotFound):
            points.correct(session, 999_999, "没有这条", clock())
        assert points.balance(session, member) == 0


def test_a_redemption_never_takes_the_balance_below_zero(seeded, clock):
    person = staff_id(seeded, VOLUNTEER)
    with seeded.transaction() as session:
        points.grant(session, person, "task_confirmed", wishes(session, 1, clock())[0], clock())
        with pytest.raises(points.NotEnoughPoints) as refused:
            points.redeem(session, person, 6, "兑换洗衣液", clock())
        assert refused.value.balance == 5
        spent = points.redeem(session, person, 5, "兑换洗衣液", clock())
        assert spent.amount == -5 and spent.rule == points_rules.REDEEM
        with pytest.raises(points.NotEnoughPoints):
            points.redeem(session, person, 1, "再兑一次", clock())
        figures = points.summary(session, person, clock())
    assert (figures.total, figures.this_month) == (0, 5)  # a redemption spends points, it earns none
    assert [entry.amount for entry in figures.recent] == [-5, 5]


def test_a_reversal_counts_in_the_month_it_is_made(seeded, clock):
    member = staff_id(seeded, ZHANG)
    with seeded.transaction() as session:
        entry = points.grant(session, member, "resolved", wishes(session, 1, clock())[0], clock())
        assert entry is not None and entry.month == "2026-11"
        later = clock() + timedelta(days=10)
        undo = points.reverse(session, entry, later)
        assert undo is not None and undo.month == "2026-12"
        assert points.summary(session, member, later).this_month == -2


def test_a_rule_at_zero_points_is_off(seeded, clock, tight_rules):
    member = staff_id(seeded, ZHANG)
    with seeded.transaction() as session:
        (wish,) = wishes(session, 1, clock())
        assert points.grant(session, member, "notice_relayed", wish, clock()) is None


def race(workers, action):  # type: ignore[no-untyped-def]
    """Run `action(i)` in `workers` threads released at the same moment; returns results or exceptions."""
    barrier = threading.Barrier(workers)

    def run(i):  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            return action(i)
        except Exception as error:  # the race's losers are part of the result
            return error

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(run, range(workers)))


def test_the_same_grant_racing_itself_is_made_once_and_fails_neither_transaction(seeded, clock):
    member = staff_id(seeded, ZHANG)
    with seeded.transaction() as session:
        (wish,) = wishes(session, 1, clock())

    def grant(_):  # type: ignore[no-untyped-def]
        with seeded.transaction() as session:
            entry = points.grant(session, member, "resolved", wish, clock())
            return entry.amount if entry is not None else 0

    results = race(2, grant)
    assert all(isinstance(result, int) for result in results), results  # no unique-key failure rolled one back
    assert sorted(results) == [0, 2]


def test_two_redemptions_racing_never_spend_the_same_points(seeded, clock):
    person = staff_id(seeded, VOLUNTEER)
    with seeded.transaction() as session:
        points.grant(session, person, "task_confirmed", wishes(session, 1, clock())[0], clock())

    def spend(_):  # type: ignore[no-untyped-def]
        with seeded.transaction() as session:
            return points.redeem(session, person, 4, "兑换毛巾", clock()).amount

    results = race(2, spend)
    assert sorted(map(type, results), key=str) == sorted([int, points.NotEnoughPoints], key=str)
    with seeded.transaction() as session:
        assert points.balance(session, person) == 1
