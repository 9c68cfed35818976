"""Accelerated wall-clock time for the city's week (bench/city_week.py): the bench-only entry point its gridbot
processes run under.

    BENCH_SIM_CLOCK="<real anchor>:<simulated anchor>:<speed>" python bench/cityweek_clock.py serve ...
    BENCH_SIM_CLOCK=... python bench/cityweek_clock.py fake-wechat --host H --port P --expires-in S

Simulated time = simulated anchor + (real time - real anchor) × speed, epoch seconds; every process computes it
from the same three numbers, so the webhook, the worker, the fake API and the bench agree on the moment.

Why not libfaketime (tried first, 0.9.10 from Debian): it fakes CLOCK_MONOTONIC along with the wall clock, and
Python 3.11's timed lock waits (threading.Event.wait, Condition.wait, queue.get(timeout=...), Lock.acquire(
timeout=...): RQ, gunicorn's gthread workers, the worker's threads) block on sem_clockwait with a deadline from
the faked clock that the kernel never reaches: they hang. With FAKETIME_DONT_FAKE_MONOTONIC=1 those work, but
time.sleep fails with EINVAL (its absolute CLOCK_MONOTONIC deadline goes through the intercepted
clock_nanosleep). So this entry point moves only the wall clock, in Python: time.time, time.time_ns and the
datetime class's now/utcnow/today, patched before anything is imported. time.monotonic, time.sleep and every
timeout stay real: the worker's loop still polls every 200 ms and sweeps (督着办) every 10 s of REAL time, which
is `speed` times coarser in simulated time. Nothing in the product reads the variable: only this file does.

On PostgreSQL the product tells time by the database server's clock (bot/clock.py: this host's clock corrected
to it), which the bench cannot move: the server's readings are mapped onto simulated time the same way, so the
correction measures the hosts' real difference (about none here), not the speed-up.
"""

from __future__ import annotations

import datetime as _datetime_module
import os
import runpy
import sys
import time as _time_module
from pathlib import Path

VARIABLE = "BENCH_SIM_CLOCK"
_real_time = _time_module.time
_RealDatetime = _datetime_module.datetime


def parse(value: str) -> tuple[float, float, float]:
    """The real anchor, the simulated anchor (both epoch seconds) and the speed-up of a BENCH_SIM_CLOCK value."""
    real, simulated, speed = (float(part) for part in value.split(":"))
    if not 1 <= speed <= 10_000:
        raise ValueError(f"speed {speed} outside 1..10000")
    return real, simulated, speed


def simulated(real_now: float, anchors: tuple[float, float, float]) -> float:
    """The simulated epoch seconds at the real epoch seconds `real_now`."""
    real, sim, speed = anchors
    return sim + (real_now - real) * speed


def install(anchors: tuple[float, float, float]) -> None:
    """Make this process's wall clock the simulated one (monotonic time, sleeps and timeouts stay real)."""
    def sim_time() -> float:
        return simulated(_real_time(), anchors)

    class _Meta(type):
        def __instancecheck__(cls, instance: object) -> bool:
            return isinstance(instance, _RealDatetime)

        def __subclasscheck__(cls, subclass: type) -> bool:
            return issubclass(subclass, _RealDatetime)

    class SimDatetime(_RealDatetime, metaclass=_Meta):
        """datetime whose now()/utcnow()/today() read the simulated clock; instances are plain datetimes."""

        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
            return _RealDatetime.fromtimestamp(sim_time(), tz)

        @classmethod
        def utcnow(cls):  # type: ignore[no-untyped-def, override]
            return _RealDatetime.fromtimestamp(sim_time(), _datetime_module.timezone.utc).replace(tzinfo=None)

        @classmethod
        def today(cls):  # type: ignore[no-untyped-def, override]
            return _RealDatetime.fromtimestamp(sim_time())

    _time_module.time = sim_time
    _time_module.time_ns = lambda: int(sim_time() * 1_000_000_000)
    _datetime_module.datetime = SimDatetime  # type: ignore[misc]


def follow_the_database_in_simulated_time(anchors: tuple[float, float, float]) -> None:
    """Map the database server's clock readings (storage.db.Database.server_time) onto simulated time."""
    from storage import db

    read_server = db.Database.server_time

    def server_time(database: db.Database) -> _RealDatetime | None:
        at = read_server(database)
        return None if at is None else _RealDatetime.fromtimestamp(simulated(at.timestamp(), anchors),
                                                                   _datetime_module.timezone.utc)
    db.Database.server_time = server_time  # type: ignore[method-assign]


def main() -> None:
    """Install the clock, then run `python -m bot <args>` (or the fake API with a chosen token lifetime)."""
    anchors = parse(os.environ[VARIABLE])
    install(anchors)
    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    follow_the_database_in_simulated_time(anchors)
    args = sys.argv[1:]
    if args[:1] == ["fake-wechat"]:
        # The token lifetime is real seconds in Redis (its TTL), so the bench shortens it by the speed-up to keep
        # the number of fetches per simulated day close to a real day's.
        from bot.cli.dev import serve_fake

        host, port, expires_in = args[args.index("--host") + 1], int(args[args.index("--port") + 1]), \
            int(args[args.index("--expires-in") + 1])
        serve_fake(host, port, expires_in=expires_in)
        return
    sys.argv = ["gridbot", *args]
    runpy.run_module("bot", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
