"""The console's slow figures kept a few minutes in Redis (bot/figure_cache.py): kept only when slow to compute,
served to the same question while fresh, computed again after, computed ahead by the worker, and never in the way
when Redis is not there.

The cast (tests/support/console.py) files three appeals now, one in each of three grids of two streets; "slow" is
made to mean anything by GRIDBOT_FIGURES_KEEP_AFTER_MS=0 (a minute: nothing is slow). The test settings turn the
keeping off, so the other console tests read exact figures whatever the machine's load."""

from __future__ import annotations

import threading

import pytest
import redis as redis_lib
from sqlalchemy import select

from bot import figure_cache
from bot.web.app import create_app
from bot.worker import schedule
from storage import dashboard
from storage.models import Community, Grid
from storage.queries import EVERYWHERE, Scope
from storage.rates import LOCAL_ZONE, Period, Unit
from tests.support.console import cast, logged_in, new_appeal, street_id

pytestmark = pytest.mark.postgres


@pytest.fixture
def city(runtime, clock):  # type: ignore[no-untyped-def]
    """The cast in a runtime that keeps every figure, however quick."""
    cast(runtime.database, clock())
    runtime.figures = keeping(runtime, after_ms=0)
    return runtime


def keeping(runtime, after_ms: int | None) -> figure_cache.FigureCache:  # type: ignore[no-untyped-def]
    return figure_cache.FigureCache(runtime.database, runtime.redis, runtime.clock, runtime.settings.rate_weights,
                                    after_ms)


def file_another(runtime, clock) -> None:  # type: ignore[no-untyped-def]
    with runtime.database.transaction() as session:
        grid = session.scalars(select(Grid.id).join(Community).where(Community.name == "平安社区")).one()
        session.add(new_appeal("G-NEW", grid, clock()))


def received(runtime) -> int:  # type: ignore[no-untyped-def]
    found = runtime.figures.ranking(EVERYWHERE, Period.month_of(runtime.clock()), Unit.GRID)
    return found.total.counts.received


@pytest.mark.parametrize("after_ms", [60_000, None])
def test_figures_quicker_than_the_setting_or_with_it_off_are_never_kept(city, clock, after_ms):
    city.figures = keeping(city, after_ms)
    assert received(city) == 3
    file_another(city, clock)
    assert received(city) == 4
    assert not city.redis().keys("gridbot:figures:*")


def test_slow_figures_are_served_kept_until_they_are_five_minutes_old(city, clock):
    computed_at = clock()
    assert received(city) == 3
    file_another(city, clock)
    clock.advance(minutes=4, seconds=59)
    kept = city.figures.ranking(EVERYWHERE, Period.month_of(clock()), Unit.GRID)
    assert kept.total.counts.received == 3 and kept.as_of == computed_at  # the page says 截至 then
    clock.advance(seconds=2)
    fresh = city.figures.ranking(EVERYWHERE, Period.month_of(clock()), Unit.GRID)
    assert fresh.total.counts.received == 4 and fresh.as_of == clock()


def test_each_scope_period_and_unit_is_kept_apart(city, clock):
    month = Period.month_of(clock())
    everywhere = city.figures.ranking(EVERYWHERE, month, Unit.GRID)
    street = city.figures.ranking(Scope(street_id=street_id(city.database, "平安街道")), month, Unit.GRID)
    by_street = city.figures.ranking(EVERYWHERE, month, Unit.STREET)
    earlier = city.figures.ranking(EVERYWHERE, month.previous(), Unit.GRID)
    assert (everywhere.total.counts.received, street.total.counts.received, earlier.total.counts.received) == (3, 1, 0)
    assert {row.label for row in by_street.rows} == {"幸福街道", "平安街道"}
    assert len(city.redis().keys("gridbot:figures:ranking:*")) == 4


def test_the_console_pages_show_when_kept_figures_were_computed(city, clock):
    admin = logged_in(create_app(runtime=city), "admin")
    first = clock()
    assert admin.get("/console/rates").status_code == 200
    assert admin.get("/console/dashboard").status_code == 200
    file_another(city, clock)
    clock.advance(minutes=3)
    page = admin.get("/console/rates").get_data(as_text=True)
    assert f"截至 {first.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}" in page
    data = admin.get("/console/dashboard.json").get_json()
    assert sum(sum(line["counts"]) for line in data["categories"]) == 3  # the kept per-day counts
    assert sum(line["value"] for line in data["backlog"]) == 4  # the backlog is now, never kept


def test_the_worker_computes_the_default_pages_of_the_city_and_of_each_street_ahead(city, clock, worker_runtime):
    worker_runtime.settings = worker_runtime.settings.with_(figures_keep_after_ms=0)
    stop = threading.Event()
    thread = threading.Thread(target=schedule.warm_figures, args=(worker_runtime, stop, 0.0))
    thread.start()
    try:
        for _ in range(100):
            if len(city.redis().keys("gridbot:figures:*")) == 6:
                break
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert len(city.redis().keys("gridbot:figures:dashboard:*")) == 3  # the city, 幸福街道 and 平安街道
    file_another(city, clock)
    clock.advance(minutes=1)
    # The operators' first pages are the ones computed ahead: the new appeal shows once they are five minutes old.
    assert received(city) == 3
    kept = city.figures.period_figures(EVERYWHERE, dashboard.default_period(clock()))
    assert sum(line.count for line in kept.per_day) == 3
    assert city.redis().get(schedule.WARMING_KEY) is not None  # another worker process would not warm them again


def test_without_redis_the_figures_are_computed_every_time(city, clock):

    class Down:
        def get(self, *args: object, **options: object) -> None:
            raise redis_lib.ConnectionError("no Redis")

        set = get

    cache = figure_cache.FigureCache(city.database, Down, city.clock, city.settings.rate_weights, 0)
    month = Period.month_of(clock())
    assert cache.ranking(EVERYWHERE, month, Unit.GRID).total.counts.received == 3
    file_another(city, clock)
    assert cache.ranking(EVERYWHERE, month, Unit.GRID).total.counts.received == 4


def test_kept_figures_that_cannot_be_read_are_computed_again(city, clock):
    assert received(city) == 3
    file_another(city, clock)
    for key in city.redis().keys("gridbot:figures:*"):
        city.redis().set(key, b"not a pickle")
    assert received(city) == 4
