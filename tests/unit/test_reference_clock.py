"""The production clock follows the database server's: a host whose own clock drifted tells the same time as the
others (bot/clock.py)."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest

from bot.clock import RESYNC_S, RETRY_S, ReferenceClock

TRUE_NOW = 1_796_000_000.0  # seconds since the epoch, on the reference's clock


class Host:
    """A host's wall clock `skew_s` off the true time, its monotonic clock, and a reference that answers after
    `round_trip_s` (half each way) and may be made to fail or to have no clock at all."""

    def __init__(self, skew_s: float, round_trip_s: float = 0.002) -> None:
        self.true = TRUE_NOW
        self.skew_s = skew_s
        self.round_trip_s = round_trip_s
        self.readings = 0
        self.failing = False
        self.no_clock = False

    def local(self) -> float:
        return self.true + self.skew_s

    def monotonic(self) -> float:
        return self.true - TRUE_NOW

    def reference(self) -> datetime | None:
        self.readings += 1
        if self.failing:
            raise ConnectionError("the database did not answer")
        self.true += self.round_trip_s / 2
        seen = self.true
        self.true += self.round_trip_s / 2
        return None if self.no_clock else datetime.fromtimestamp(seen, timezone.utc)

    def clock(self) -> ReferenceClock:
        return ReferenceClock(self.reference, local=self.local, monotonic=self.monotonic)


@pytest.mark.parametrize("skew_s", [300.0, -180.0, 0.0])
def test_a_host_whose_clock_drifted_tells_the_databases_time(skew_s: float) -> None:
    host = Host(skew_s)
    clock = host.clock()
    told = clock()
    assert abs(told.timestamp() - host.true) < 0.001
    assert clock.offset_s == pytest.approx(-skew_s, abs=0.001)


def test_the_correction_is_measured_again_each_minute_and_not_in_between() -> None:
    host = Host(300.0)
    clock = host.clock()
    clock()
    host.true += RESYNC_S - 1
    clock()
    assert host.readings == 1
    host.skew_s = 360.0  # the host's clock jumped on
    host.true += 1
    assert abs(clock().timestamp() - host.true) < 0.001 and host.readings == 2


def test_an_unreadable_database_keeps_the_last_correction_and_is_asked_again_soon() -> None:
    host = Host(300.0)
    clock = host.clock()
    clock()
    host.failing = True
    host.true += RESYNC_S
    assert abs(clock().timestamp() - host.true) < 0.001 and host.readings == 2
    clock()
    assert host.readings == 2  # not on every call while it is down
    host.failing = False
    host.true += RETRY_S
    clock()
    assert host.readings == 3


def test_a_database_without_a_clock_of_its_own_leaves_the_hosts_time() -> None:
    host = Host(300.0)
    host.no_clock = True
    assert abs(host.clock()().timestamp() - host.local()) < 0.001


def test_a_clock_minutes_off_is_logged_once_with_its_direction(caplog: pytest.LogCaptureFixture) -> None:
    host = Host(300.0)
    clock = host.clock()
    with caplog.at_level(logging.WARNING, logger="bot.clock"):
        clock()
        host.true += RESYNC_S
        clock()
    (record,) = caplog.records
    assert "300.0 s ahead of the database server's" in record.getMessage()
