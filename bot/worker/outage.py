"""Waiting out a database restart or failover inside a job, for the steps that are safe to try again.

A PostgreSQL restart or a switch to its standby takes seconds. A delivery job that met one used to fail at once and
leave the rest of its batch queued for the lost-job sweep five minutes later (found by bench/faults.py); now the
step waits for the database, and gives up (the job fails, the sweep still stands behind it) after about half a
minute. Only for steps that send nothing: a claim, a record of what was sent, a retry's schedule.
"""

from __future__ import annotations

import logging
import time
from typing import Callable, TypeVar

from sqlalchemy.exc import OperationalError

from storage.db import first_line, is_busy

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRY_DELAYS_S = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)


def through_outage(step: Callable[[], T], what: str) -> T:
    """`step()`, tried again while the database cannot be reached (not when it is merely busy: that is the lock
    wait's to decide), with the delays of RETRY_DELAYS_S; the last failure is raised."""
    for delay in RETRY_DELAYS_S:
        try:
            return step()
        except OperationalError as error:
            if is_busy(error):
                raise
            log.warning("%s: database unavailable (%s); trying again in %.1f s", what, first_line(error), delay)
            time.sleep(delay)
    return step()
