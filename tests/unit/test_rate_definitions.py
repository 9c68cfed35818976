"""The rates from counts, and the periods they are read over (storage/rates.py), without a database."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.cli import rates_texts
from storage.rates import LOCAL_ZONE, Counts, Period, Unit, Weights, rates_of


def test_a_rate_over_nothing_is_none_never_zero():
    rates = rates_of(Counts())
    assert rates == type(rates)(None, None, None, None, None, None, None, None)


def test_unrated_appeals_are_not_in_the_satisfaction_denominator():
    counts = Counts(dispatched=4, responded=4, resolved=4, ever_resolved=4, satisfied=1, basic=1)
    rates = rates_of(counts)
    assert rates.satisfaction == pytest.approx((1 + 0.9) / 2) and rates.rating == 0.5


def test_the_score_needs_all_three_rates():
    assert rates_of(Counts(dispatched=2, responded=2, resolved=2, ever_resolved=2)).score is None
    scored = rates_of(Counts(dispatched=2, responded=1, resolved=2, ever_resolved=2, unsatisfied=1, satisfied=1))
    assert scored.score == pytest.approx(100 * (0.1 * 0.5 + 0.5 * 1 + 0.4 * 0.5))


def test_weights_change_the_score_and_the_credit_of_basic():
    counts = Counts(dispatched=1, responded=1, resolved=1, ever_resolved=1, basic=1)
    assert rates_of(counts, Weights(1.0, 0.3, 0.35, 0.35)).score == pytest.approx(100.0)
    assert rates_of(counts).score == pytest.approx(100 * (0.1 + 0.5 + 0.4 * 0.9))


def test_counts_add_up_field_by_field():
    assert Counts(dispatched=1, basic=2) + Counts(dispatched=3, satisfied=1) == Counts(dispatched=4, basic=2,
                                                                                      satisfied=1)


def test_a_running_period_is_read_up_to_now():
    now = datetime(2026, 12, 3, 10, tzinfo=LOCAL_ZONE)
    assert Period.month(2026, 12).as_of(now) == now
    assert Period.month(2026, 11).as_of(now) == Period.month(2026, 11).end
    assert Period.month_of(datetime(2026, 11, 30, 17, tzinfo=LOCAL_ZONE).astimezone()) == Period.month(2026, 11)


def test_the_previous_period_has_the_same_length():
    assert Period.month(2026, 3).previous() == Period.month(2026, 2)
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    week = Period.days(date(2026, 11, 9), date(2026, 11, 15))
    assert week.previous() == Period.days(date(2026, 11, 2), date(2026, 11, 8))
    assert Period.days(date(2026, 11, 10), date(2026, 11, 10)).previous() == Period.days(date(2026, 11, 9),
                                                                                        date(2026, 11, 9))
    with pytest.raises(ValueError):
        Period.days(date(2026, 11, 10), date(2026, 11, 9))


def test_the_cli_offers_every_unit_the_rates_know():
    assert set(rates_texts.UNIT_NAMES) == {unit.value for unit in Unit}


def test_the_change_against_the_previous_period_is_in_points_of_the_score():
    now = rates_of(Counts(dispatched=1, responded=1, resolved=1, ever_resolved=1, satisfied=1))
    before = rates_of(Counts(dispatched=2, responded=1, resolved=2, ever_resolved=2, satisfied=2))
    assert rates_texts.change(now, before) == "↑5.0" and rates_texts.change(before, now) == "↓5.0"
    assert rates_texts.change(now, None) == "—" and rates_texts.change(now, now) == "0.0"


@pytest.mark.parametrize(("rate", "decimals", "written"), [
    (1999 / 2000, 1, "99.9%"), (19999 / 20000, 1, "99.9%"), (199 / 200, 0, "99%"), (1.0, 1, "100.0%"),
    (0.875, 1, "87.5%"), (0.9994, 1, "99.9%"), (None, 1, "—"),
])
def test_a_rate_short_of_full_never_reads_100_percent(rate, decimals, written):
    from handlers.rate_words import percent

    assert percent(rate, decimals) == written


def test_a_score_short_of_100_never_reads_100():
    from handlers.rate_words import points

    assert points(99.96) == "99.9" and points(100.0) == "100.0" and points(63.28571) == "63.3"
