"""A database that disappears fails every schedule round: one log line per kind of failure a minute."""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError

from bot.worker.failures import FailureLog

LOG = logging.getLogger("test.schedule")


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def lost_database() -> OperationalError:
    return OperationalError("SELECT 1", {}, Exception("connection refused\nIs the server running?"))


def test_a_failure_repeated_every_round_is_logged_once_a_minute_with_a_count_then_once_on_recovery(caplog):
    caplog.set_level(logging.DEBUG, logger="test.schedule")
    ticks = Ticks()
    failures = FailureLog(LOG, "schedule round", ticks)

    for _ in range(300):  # a minute of rounds at 5 a second
        failures.failed(lost_database())
        ticks.now += 0.2
    failures.failed(lost_database())
    failures.failed(RuntimeError("something else"))
    failures.succeeded()

    lines = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]
    assert lines == [
        "schedule round failed, retrying: OperationalError: connection refused",
        "schedule round failed, retrying: OperationalError: connection refused (299 more like it in the last minute)",
        "schedule round failed, retrying: RuntimeError: something else",
        "schedule round works again after 302 failed round(s)",
    ]
    assert all(record.exc_info is None for record in caplog.records if record.levelno >= logging.WARNING)


def test_rounds_that_go_through_log_nothing(caplog):
    failures = FailureLog(LOG, "schedule round")
    failures.succeeded()
    assert not caplog.records
