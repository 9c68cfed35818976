"""The RQ worker gridbot runs its jobs with: RQ's SimpleWorker (jobs in this process: no fork per job, the
runtime and its pools are reused), with two changes of its own."""

from __future__ import annotations

from types import FrameType

from rq import SimpleWorker

# How long redis-py's pubsub thread waits for a message before it looks whether it should stop (RQ gives it 60 s).
PUBSUB_WAIT_S = 1.0


class GridbotWorker(SimpleWorker):
    """RQ's SimpleWorker that quits at once in burst mode, and remembers whether it was asked to stop (SIGTERM,
    SIGINT) rather than quit on an error."""

    stop_asked = False

    def subscribe(self) -> None:
        """RQ's, with a short wait in redis-py's pubsub thread: a burst worker that quits right after subscribing
        unsubscribes before that thread saw the subscription, the thread then waits out its whole wait for one that
        never comes, and RQ's sign-off joins it (`gridbot worker --burst`, and tests, hung a minute)."""
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(sleep_time=PUBSUB_WAIT_S, daemon=True,
                                                       exception_handler=self._pubsub_exception_handler)

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stop_asked = True
        super().request_stop(signum, frame)
