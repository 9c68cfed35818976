"""Starts a gridbot worker: the schedule thread and the console-figures thread (bot/worker/schedule.py) and an RQ
worker on the gridbot queue."""

from __future__ import annotations

import logging
import threading
import time
from types import FrameType

from redis import RedisError
from rq import SimpleWorker

from bot.privacy import configure_logging
from bot.settings import Settings
from bot.worker import schedule
from bot.worker.runtime import WorkerRuntime, install

log = logging.getLogger("worker")
RESTART_AFTER_S = 5.0
PUBSUB_WAIT_S = 1.0


def main(settings: Settings | None = None, burst: bool = False) -> None:
    """Run until stopped (or, with burst, until the queue is empty)."""
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
    try:
        while True:
            # SimpleWorker runs jobs in this process: no fork per job, the runtime and its pools are reused.
            worker = _Worker([schedule.queue(runtime)], connection=runtime.redis)
            try:
                worker.work(burst=burst, logging_level=settings.log_level)
            except RedisError as error:  # raised by RQ's own clean-up after its loop quit: Redis is still gone
                if burst:
                    raise
                log.error("the RQ worker could not sign off: %s", error)
            if burst or worker.stop_asked:
                break
            # RQ's loop quits on an error outside a job (Redis gone mid-bookkeeping, a Redis timeout): this process
            # is not done, it starts the loop again once Redis may be back (found by bench/faults.py).
            log.error("the RQ worker loop stopped on an error; starting it again in %.0f s", RESTART_AFTER_S)
            time.sleep(RESTART_AFTER_S)
    finally:
        stop.set()
        schedule_thread.join(timeout=5)


class _Worker(SimpleWorker):
    """RQ's SimpleWorker that remembers whether it was asked to stop (SIGTERM, SIGINT) rather than quit on an error."""

    stop_asked = False

    def subscribe(self) -> None:
        """RQ's, with a short wait in redis-py's pubsub thread (RQ gives it 60 s): a burst worker that quits right
        after subscribing unsubscribes before that thread saw the subscription, the thread then waits out its
        whole wait for one that never comes, and RQ's sign-off joins it (`gridbot worker --burst` hung a minute)."""
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(sleep_time=PUBSUB_WAIT_S, daemon=True,
                                                       exception_handler=self._pubsub_exception_handler)

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stop_asked = True
        super().request_stop(signum, frame)


if __name__ == "__main__":
    main()
