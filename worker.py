"""Starts a gridbot worker: the schedule thread and the console-figures thread (bot/worker/schedule.py) and an RQ
worker on the gridbot queue."""

from __future__ import annotations

import logging
import sys
import threading
import time

from redis import RedisError

from bot.privacy import configure_logging
from bot.settings import Settings
from bot.worker import schedule
from bot.worker.failures import FailureLog
from bot.worker.rq_worker import GridbotWorker
from bot.worker.runtime import WorkerRuntime, install

log = logging.getLogger("worker")
RESTART_AFTER_S = 5.0
# The schedule thread's rounds keep the interpreter busy; the RQ thread's deliveries mostly wait on a socket. After
# each wait a delivery needs the interpreter back, and with CPython's default (5 ms) it waited up to that long for
# the busy thread to yield it, several times a card: under a burst the cards left about half as fast again with 1 ms
# (bench/dispatch_latency.py, 69 against 104 a second on the load of 2026-12-04, later found lighter than stated).
SWITCH_INTERVAL_S = 0.001


class LoopQuit(Exception):
    """RQ's loop returned on an error it logged itself, with nothing raised."""


def main(settings: Settings | None = None, burst: bool = False) -> None:
    """Run until stopped (or, with burst, until the queue is empty)."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level)
    settings.log_warnings(log)
    runtime = WorkerRuntime.build(settings)
    install(runtime)
    runtime.api.token.unblock()  # a restart is how a fixed WECHAT_SECRET takes effect
    stop = threading.Event()
    schedule_thread = threading.Thread(target=schedule.run, args=(runtime, stop), name="schedule", daemon=True)
    schedule_thread.start()
    threading.Thread(target=schedule.warm_figures, args=(runtime, stop), name="figures", daemon=True).start()
    # Redis refusing writes (MISCONF: its disk is full) quits the loop at once each time: two lines every 5 s
    # flooded the log for as long as it lasted.
    restarts = FailureLog(log, f"the RQ worker loop (started again every {RESTART_AFTER_S:.0f} s)")
    try:
        while True:
            worker = GridbotWorker([schedule.queue(runtime)], connection=runtime.redis)
            error: Exception = LoopQuit("RQ quit its loop on an error outside a job")
            try:
                worker.work(burst=burst, logging_level=settings.log_level)
            except RedisError as signing_off:  # raised by RQ's own clean-up after its loop quit: Redis is still gone
                if burst:
                    raise
                error = signing_off
            if burst or worker.stop_asked:
                break
            # RQ's loop quits on an error outside a job (Redis gone mid-bookkeeping, a Redis timeout): this process
            # is not done, it starts the loop again once Redis may be back (found by bench/faults.py).
            restarts.failed(error)
            time.sleep(RESTART_AFTER_S)
    finally:
        stop.set()
        schedule_thread.join(timeout=5)


if __name__ == "__main__":
    main()
