"""`gridbot worker` outlives RQ's loop: RQ quits its loop on an error outside a job (Redis gone while it records a
job's end, a Redis timeout); the process starts the loop again, and stops only when asked to."""

from __future__ import annotations

import contextlib
import logging
import threading
import time

import redis as redis_lib
from rq.exceptions import StopRequested

import worker as worker_module
from bot.worker import schedule
from bot.worker.rq_worker import PUBSUB_WAIT_S, GridbotWorker


def test_an_rq_loop_that_quits_on_an_error_is_started_again_and_a_stop_request_ends_it(worker_runtime, monkeypatch,
                                                                                       caplog):
    loops = []

    def work(self, burst=False, logging_level="INFO"):  # type: ignore[no-untyped-def]
        loops.append(self)
        if len(loops) == 2:  # RQ's clean-up after its loop quit met Redis still gone
            raise redis_lib.ConnectionError("Error 111 connecting to 10.0.0.32:6379. Connection refused.")
        if len(loops) == 3:
            with contextlib.suppress(StopRequested):  # RQ's own loop catches it: SIGTERM, as systemd stops the unit
                self.request_stop(15, None)
        return False

    monkeypatch.setattr(worker_module.GridbotWorker, "work", work)
    monkeypatch.setattr(worker_module, "RESTART_AFTER_S", 0.0)
    caplog.set_level(logging.ERROR)
    worker_module.main(worker_runtime.settings)
    assert len(loops) == 3 and len(set(map(id, loops))) == 3
    again = "the RQ worker loop (started again every 0 s) failed, retrying: "
    assert [record.getMessage() for record in caplog.records if record.name == "worker"] == [
        again + "LoopQuit: RQ quit its loop on an error outside a job",
        again + "ConnectionError: Error 111 connecting to 10.0.0.32:6379. Connection refused."]


def test_a_redis_refusing_writes_quits_the_rq_loop_at_every_start_and_is_logged_once_a_minute(
        worker_runtime, monkeypatch, caplog):
    loops = []

    def work(self, burst=False, logging_level="INFO"):  # type: ignore[no-untyped-def]
        loops.append(self)
        if len(loops) == 12:  # a minute of starts, 5 s apart
            with contextlib.suppress(StopRequested):
                self.request_stop(15, None)
            return False
        raise redis_lib.ResponseError("MISCONF Errors writing to the AOF file: No space left on device")

    monkeypatch.setattr(worker_module.GridbotWorker, "work", work)
    monkeypatch.setattr(worker_module, "RESTART_AFTER_S", 0.0)
    caplog.set_level(logging.ERROR)
    worker_module.main(worker_runtime.settings)
    lines = [record.getMessage() for record in caplog.records if record.name == "worker"]
    assert len(loops) == 12 and len(lines) == 1 and "No space left on device" in lines[0], lines


def test_a_burst_worker_on_an_empty_queue_signs_off_at_once(worker_runtime):
    # RQ's own SimpleWorker left redis-py's pubsub thread waiting up to 60 s for a subscription its quick sign-off
    # had already undone. A thread busy beside it (the schedule's, in `gridbot worker`) makes that race likely:
    # it hung within 15 bursts in each of four tries.
    busy = threading.Event()

    def spin() -> None:
        while not busy.is_set():
            sum(range(1000))

    threading.Thread(target=spin, daemon=True).start()
    took = []
    try:
        for _ in range(16):
            started = time.monotonic()
            GridbotWorker([schedule.queue(worker_runtime)], connection=worker_runtime.redis).work(burst=True)
            took.append(time.monotonic() - started)
    finally:
        busy.set()
    assert max(took) < PUBSUB_WAIT_S + 3, took


def test_the_pubsub_threads_lost_redis_is_logged_once_a_minute_not_at_every_try(worker_runtime, monkeypatch, caplog):
    monkeypatch.setattr(time, "sleep", lambda seconds: None)  # RQ and this handler wait 2 s after each try
    worker = GridbotWorker([schedule.queue(worker_runtime)], connection=worker_runtime.redis)
    refused = redis_lib.ConnectionError("Error 111 connecting to /var/lib/gridbot/redis.sock. Connection refused.")
    caplog.set_level(logging.INFO, logger="rq.worker")
    for _ in range(30):  # a minute of RQ's tries, 2 s apart
        worker._pubsub_exception_handler(refused, None, None)  # type: ignore[arg-type]
    lines = [record.getMessage() for record in caplog.records if record.name == "rq.worker"]
    assert len(lines) == 1 and "Connection refused" in lines[0], lines


def test_the_pubsub_thread_outlives_a_redis_refusing_writes(worker_runtime, monkeypatch, caplog):
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    worker = GridbotWorker([schedule.queue(worker_runtime)], connection=worker_runtime.redis)
    misconf = redis_lib.ResponseError("MISCONF Errors writing to the AOF file: No space left on device")
    caplog.set_level(logging.INFO, logger="rq.worker")
    for _ in range(3):
        worker._pubsub_exception_handler(misconf, None, None)  # type: ignore[arg-type]
    lines = [record.getMessage() for record in caplog.records if record.name == "rq.worker"]
    assert len(lines) == 1 and "No space left on device" in lines[0], lines


def test_the_schedule_starts_the_embedded_redis_again_when_it_died(worker_runtime, monkeypatch, tmp_path, caplog):
    """RQ's loop only retries its connection: without the schedule, a killed embedded Redis stayed down until
    someone restarted gridbot."""
    from bot.redisconn import answers, ensure_embedded_redis, stop_embedded_redis

    own = tmp_path / "data"
    monkeypatch.setattr(schedule, "EMBEDDED_REDIS_CHECK_S", 0.05)
    monkeypatch.setattr(worker_runtime, "settings", worker_runtime.settings.with_(redis_url=None, data_dir=own))
    stop = threading.Event()
    running = threading.Thread(target=schedule.run, args=(worker_runtime, stop), daemon=True)
    url = ensure_embedded_redis(own)
    running.start()
    try:
        stop_embedded_redis(own)  # killed
        deadline = time.monotonic() + 10
        while not answers(url) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert answers(url)
    finally:
        stop.set()
        running.join(timeout=10)
        stop_embedded_redis(own)
    assert [record.getMessage() for record in caplog.records if "embedded Redis" in record.getMessage()] == [
        f"the embedded Redis did not answer: it runs again ({url})"]


def test_a_configured_redis_is_left_to_its_operator(worker_runtime, tmp_path):
    schedule.keep_embedded_redis(worker_runtime.settings.with_(data_dir=tmp_path))  # GRIDBOT_REDIS_URL is set
    assert not (tmp_path / "redis.sock").exists()
