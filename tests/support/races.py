"""Two requests at once, deterministically: the second runs while the first's transaction is still open.

On PostgreSQL the second reads what was committed before the first began, unless something makes it wait for the
first (a row lock); on SQLite it always waits (BEGIN IMMEDIATE). The first holds its transaction open until the
second has finished or is seen waiting for it (`waits_for_first`), at most HOLD_S, and then commits.
"""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Callable

from sqlalchemy.orm import Session

from storage import dispatch, roster, staff, supervision
from storage.db import Database, _begin_immediate
from storage.errors import DomainError

HOLD_S = 3.0
WATCH_S = 0.01  # how often the first looks whether the second waits for it
Step = Callable[[Session], object]


def waits_for_first(first: Session, second: threading.Thread) -> bool:
    """Whether the `second` thread waits for the transaction of `first`: on SQLite it is in BEGIN IMMEDIATE's
    retries for the write lock (storage.db._begin_immediate), on PostgreSQL its backend is blocked by the first's."""
    if first.get_bind().dialect.name == "sqlite":
        frame = sys._current_frames().get(second.ident or 0)
        while frame is not None:
            if frame.f_code is _begin_immediate.__code__:
                return True
            frame = frame.f_back
        return False
    return bool(first.connection().exec_driver_sql(
        "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid)))").scalar())


def second_while_first_open(database: Database, first: Step, second: Step) -> tuple[str, str]:
    """Run `first`, then `second` while the first's transaction is open; each one's outcome: "done", or the name of
    the DomainError it raised (its transaction rolled back)."""
    first_done, second_done = threading.Event(), threading.Event()
    seconds: list[threading.Thread] = []

    def run(step: Step, before_commit: Callable[[Session], None]) -> str:
        try:
            with database.transaction() as session:
                step(session)
                before_commit(session)
        except DomainError as refused:
            return type(refused).__name__
        return "done"

    def hold_open(session: Session) -> None:
        first_done.set()
        # The second, when it does not wait for this transaction, ends meanwhile; when it waits, it can go on only
        # once this one commits.
        deadline = time.monotonic() + HOLD_S
        while not second_done.wait(timeout=WATCH_S) and time.monotonic() < deadline:
            if seconds and waits_for_first(session, seconds[0]):
                return

    def after_the_first() -> str:
        seconds.append(threading.current_thread())
        first_done.wait(timeout=10 * HOLD_S)
        try:
            return run(second, lambda session: None)
        finally:
            second_done.set()

    def first_of_two() -> str:
        try:
            return run(first, hold_open)
        finally:
            first_done.set()  # refused, it holds nothing open: the second need not wait

    with ThreadPoolExecutor(2) as pool:
        one, other = pool.submit(first_of_two), pool.submit(after_the_first)
        return one.result(), other.result()


def dispatch_while_disabling(database: Database, openid: str, now: Callable[[], datetime], first: str) -> tuple[str, str]:
    """The worker dispatching what waits and the staff member `openid` disabled at once, `first` ("dispatch" or
    "disable") holding its transaction open while the other runs: whoever left must get no card either way."""

    def run_dispatch(session: Session) -> None:
        dispatch.dispatch_pending(session, now(), ())

    def disable(session: Session) -> None:
        roster.disable(session, staff.staff_by_openid(session, openid), None, now(), ())

    steps = (run_dispatch, disable) if first == "dispatch" else (disable, run_dispatch)
    return second_while_first_open(database, *steps)


def sweep_while_disabling(database: Database, openid: str, now: Callable[[], datetime], first: str) -> tuple[str, str]:
    """The worker's 督办 sweep (of what `due` finds, as it runs) and the staff member `openid` disabled at once,
    `first` ("sweep" or "disable") holding its transaction open while the other runs."""

    def sweep(session: Session) -> None:
        supervision.sweep(session, now(), only=supervision.due(session, now()))

    def disable(session: Session) -> None:
        roster.disable(session, staff.staff_by_openid(session, openid), None, now(), ())

    steps = (sweep, disable) if first == "sweep" else (disable, sweep)
    return second_while_first_open(database, *steps)


def sweep_while_moving(database: Database, openid: str, grid: str, now: Callable[[], datetime],
                       first: str) -> tuple[str, str]:
    """The worker's 督办 sweep and the grid member `openid` moved to `grid` (their tasks back to the old grid) at
    once, `first` ("sweep" or "move") holding its transaction open while the other runs."""

    def sweep(session: Session) -> None:
        supervision.sweep(session, now(), only=supervision.due(session, now()))

    def move(session: Session) -> None:
        roster.move(session, staff.staff_by_openid(session, openid), grid, roster.Tasks.RETURN, None, now(), ())

    steps = (sweep, move) if first == "sweep" else (move, sweep)
    return second_while_first_open(database, *steps)
