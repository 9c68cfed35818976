"""Starts a gridbot worker: the schedule thread and the console-figures thread (bot/worker/schedule.py) and an RQ
worker on the gridbot queue."""

from __future__ import annotations

import logging
import threading

from rq import SimpleWorker

from bot.privacy import configure_logging
from bot.settings import Settings
from bot.worker import schedule
from bot.worker.runtime import WorkerRuntime, install


def main(settings: Settings | None = None, burst: bool = False) -> None:
    """Run until stopped (or, with burst, until the queue is empty)."""
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level)
    settings.log_warnings(logging.getLogger("worker"))
    runtime = WorkerRuntime.build(settings)
    install(runtime)
    runtime.api.token.unblock()  # a restart is how a fixed WECHAT_SECRET takes effect
    stop = threading.Event()
    schedule_thread = threading.Thread(target=schedule.run, args=(runtime, stop), name="schedule", daemon=True)
    schedule_thread.start()
    threading.Thread(target=schedule.warm_figures, args=(runtime, stop), name="figures", daemon=True).start()
    # SimpleWorker runs jobs in this process: no fork per job, the runtime and its pools are reused.
    worker = SimpleWorker([schedule.queue(runtime)], connection=runtime.redis)
    try:
        worker.work(burst=burst, logging_level=settings.log_level)
    finally:
        stop.set()
        schedule_thread.join(timeout=5)


if __name__ == "__main__":
    main()
