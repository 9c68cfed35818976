"""Two requests at once, deterministically: the second runs while the first's transaction is still open.

On PostgreSQL the second reads what was committed before the first began, unless something makes it wait for the
first (a row lock); on SQLite it always waits (BEGIN IMMEDIATE). The first holds its transaction open until the
second has finished, or for HOLD_S when the second waits for it, and then commits.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Callable

from sqlalchemy.orm import Session

from storage import dispatch, roster, staff, supervision
from storage.db import Database
from storage.errors import DomainError

HOLD_S = 3.0
Step = Callable[[Session], object]


def second_while_first_open(database: Database, first: Step, second: Step) -> tuple[str, str]:
    """Run `first`, then `second` while the first's transaction is open; each one's outcome: "done", or the name of
    the DomainError it raised (its transaction rolled back)."""
    first_done, second_done = threading.Event(), threading.Event()

    def run(step: Step, before_commit: Callable[[], None]) -> str:
        try:
            with database.transaction() as session:
                step(session)
                before_commit()
        except DomainError as refused:
            return type(refused).__name__
        return "done"

    def hold_open() -> None:
        first_done.set()
        second_done.wait(timeout=HOLD_S)  # the second, when it does not wait for this transaction, ends meanwhile

    def after_the_first() -> str:
        first_done.wait(timeout=10 * HOLD_S)
        try:
            return run(second, lambda: None)
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
