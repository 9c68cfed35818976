"""The worker's schedule: one loop that, each round, dispatches filed appeals, relays committed outbox rows to RQ
as delivery jobs and checks the dispatched appeals for 聚焦办 hot spots; and, on their own clocks, queues the photos
still to save (every second), sweeps for 督着办 (every 10 s), forgets old message keys and, past their keep days, the
messages sent and the notices' recipients (hourly), refreshes WeChat's callback IP list (daily) and checkpoints
SQLite's WAL (every second), and writes the morning's 每日简报 once its hour has come (checked every minute).
Each database step runs in a transaction of its own. `warm_figures`, on a thread of its own, computes the
console's default figures ahead every four minutes (bot/figure_cache.py)."""

from __future__ import annotations

import functools
import logging
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

from redis import RedisError
from rq import Queue, Worker
from sqlalchemy.orm import Session

from bot import redisconn
from bot.figure_cache import WARM_EVERY, FigureCache
from bot.jobqueue import QUEUE_NAME
from bot.settings import Settings
from bot.wechat.api import WeChatAPIError
from bot.wechat.sources import callback_ips_stored, store_callback_ips
from bot.worker import jobs
from bot.worker.call_marks import CallMarks
from bot.worker.failures import FailureLog
from bot.worker.runtime import WorkerRuntime
from nlp import Taxonomy, load_taxonomy
from storage import (
    daily_summary,
    dedup,
    dispatch,
    focus,
    media_files,
    notice_records,
    notice_sending,
    outbox,
    roster,
    supervision,
)

log = logging.getLogger(__name__)
# WeChat retries a message within seconds; a day of keys is plenty.
DEDUP_KEEP = timedelta(days=1)
PURGE_EVERY = timedelta(hours=1)
# A full batch of old messages or recipients forgotten means more are waiting (the years of history there may be
# when the setting is first met): the next batch comes this soon, not in an hour, each a short transaction of its own.
FORGET_AGAIN_AFTER = timedelta(seconds=10)
CHECKPOINT_EVERY_S = 1.0
# Photos to save: a second's delay costs nothing against WeChat's three days, and spares SQLite's write lock a
# transaction each 200 ms round.
SAVE_PHOTOS_EVERY_S = 1.0
SUPERVISE_EVERY_S = 10.0
# How often the worker makes sure the embedded Redis (the one in use when GRIDBOT_REDIS_URL is not set) runs.
EMBEDDED_REDIS_CHECK_S = 5.0
# Appeals per dispatch transaction, and chunks per schedule round (DISPATCH_CHUNK x DISPATCH_CHUNKS_PER_TICK is
# the most one round dispatches): a chunk holds SQLite's write lock for a few tens of milliseconds.
DISPATCH_CHUNK = 20
DISPATCH_CHUNKS_PER_TICK = 10
# Rows per delivery job: a round's due rows shared evenly by the worker processes listening (two workers, 60 rows:
# two jobs of 30), but at least DELIVERY_BATCH, because a job costs 6-11 ms of CPU before its first card (RQ's
# bookkeeping in Redis, the claim, the write-down; bench/appeal_cost.py), and at most MAX_DELIVERY_BATCH.
DELIVERY_BATCH = 20
MAX_DELIVERY_BATCH = 80
# A batch may meet slow API calls (5 s timeouts, one retry each) on every row: 80 of them on one lane take 800 s.
DELIVERY_JOB_TIMEOUT = 15 * 60
# A chunk of a notice: one mass send, or 50 template messages at the shared pace, each with the API's timeouts.
NOTICE_JOB_TIMEOUT = 15 * 60
# One photo of at most 10 MB, the API's own timeouts and retry included.
MEDIA_JOB_TIMEOUT = 120
# WeChat's callback IP list (GRIDBOT_TRUSTED_SOURCES=wechat): fetched at start, then daily; a failed fetch
# is tried again sooner, because until one succeeds the webhook refuses everything.
CALLBACK_IPS_EVERY = timedelta(days=1)
CALLBACK_IPS_RETRY = timedelta(minutes=5)
# A list gone from Redis (emptied, or replaced by an empty server) leaves the webhook refusing everything: the worker
# looks for it this often and, when it is gone, fetches it again at once (at most every CALLBACK_IPS_LOST_RETRY).
CALLBACK_IPS_CHECK_S = 10.0
CALLBACK_IPS_LOST_RETRY = timedelta(seconds=30)
# 每日简报 (GRIDBOT_SUMMARY_HOUR): whether the day's are due is asked this often, so they leave within a minute.
SUMMARY_EVERY_S = 60.0
# One worker process a round computes the console's figures ahead (`warm_figures`): the others find this key.
WARMING_KEY = "gridbot:figures:warming"
WARM_FIRST_AFTER_S = 30.0


def queue(runtime: WorkerRuntime) -> Queue:
    """The queue delivery jobs go to."""
    return Queue(QUEUE_NAME, connection=runtime.redis)


def tick(runtime: WorkerRuntime) -> int:
    """One round of the schedule: dispatch what was filed, queue what is due, then check the dispatched
    appeals for hot spots (after the task cards are on their way); returns jobs queued.

    A burst is dispatched DISPATCH_CHUNK appeals at a time, each chunk's cards queued before the next chunk: the
    first cards leave sooner, and on SQLite the webhook gets the write lock between chunks instead of waiting
    behind one long transaction. At most DISPATCH_CHUNKS_PER_TICK chunks, so the sweeps still take their turn.
    """
    queued = 0
    for _ in range(DISPATCH_CHUNKS_PER_TICK):
        dispatched = dispatch_round(runtime)
        queued += relay_once(runtime)
        check_hot_spots(runtime, dispatched)
        if len(dispatched) < DISPATCH_CHUNK:
            break
    return queued + relay_notices(runtime)


def dispatch_once(runtime: WorkerRuntime) -> int:
    """Dispatch the appeals filed since the last round, then check them for hot spots; returns how many."""
    dispatched = dispatch_round(runtime)
    check_hot_spots(runtime, dispatched)
    return len(dispatched)


def dispatch_round(runtime: WorkerRuntime) -> list[int]:
    """Dispatch the oldest DISPATCH_CHUNK appeals filed and not yet dispatched (one transaction); returns their ids."""
    sensitive = rules_in_force(runtime)[0]
    with runtime.database.transaction() as session:
        return list(dispatch.dispatch_pending(session, runtime.clock(), sensitive, DISPATCH_CHUNK))


def check_hot_spots(runtime: WorkerRuntime, appeal_ids: list[int]) -> None:
    """Link dispatched appeals to their open focus cases, or open the cases they complete.

    A transaction of its own, so that delivery jobs get SQLite's write lock in between. A worker that stops
    before it leaves those appeals unchecked; they still count when the next appeal of their place and key is
    checked (the check counts the whole window), so such a case opens one appeal later.
    """
    if not appeal_ids:
        return
    sensitive, rules = rules_in_force(runtime)
    with runtime.database.transaction() as session:
        focus.check(session, appeal_ids, runtime.clock(), sensitive, rules)


def rules_in_force(runtime: WorkerRuntime) -> tuple[frozenset[str], focus.HotspotRules]:
    """The private categories and [hotspots] thresholds of the taxonomy in force (the newest saved from the
    console, else the file), checked against the database at most every handlers.taxonomy_cache.REFRESH_INTERVAL."""
    return rules_of(runtime.taxonomy.current(runtime.database, runtime.clock()))


@functools.cache
def hotspot_rules(taxonomy_path: Path | None = None) -> tuple[frozenset[str], focus.HotspotRules]:
    """The taxonomy file's private categories (never clustered) and its [hotspots] thresholds; read once."""
    return rules_of(load_taxonomy(taxonomy_path))


def rules_of(taxonomy: Taxonomy) -> tuple[frozenset[str], focus.HotspotRules]:
    """A taxonomy's private categories (never clustered) and its [hotspots] thresholds."""
    spots = taxonomy.hotspots
    return taxonomy.sensitive, focus.HotspotRules(timedelta(days=spots.window_days), spots.building,
                                                  spots.compound, spots.grid)


def supervise_once(runtime: WorkerRuntime) -> supervision.SweepReport:
    """Send the reminders and make the escalations that are due: found on a read-only session, then made in one
    transaction for those appeals alone (none when nothing is due)."""
    unclaimed_after = timedelta(minutes=runtime.settings.unclaimed_minutes)
    now = runtime.clock()
    tell_leaves_begun(runtime, now)
    with runtime.database.read() as session:
        due = supervision.due(session, now, unclaimed_after)
    if not due:
        return supervision.SweepReport()
    with runtime.database.transaction() as session:
        return supervision.sweep(session, now, unclaimed_after, only=due)


def tell_leaves_begun(runtime: WorkerRuntime, now: datetime) -> int:
    """Leave arranged for a later day that began at its midnight: the grid's leaders hear which open tasks the
    member still holds, once (storage.roster.leave_begun_untold); found on a read-only session, told in one
    transaction when there is any. Returns how many members' leave was told."""
    with runtime.database.read() as session:
        begun = roster.leave_begun_untold(session, now)
    if begun:
        with runtime.database.transaction() as session:
            roster.tell_leaders_leave_begun(session, begun, now)
    return len(begun)


def relay_once(runtime: WorkerRuntime) -> int:
    """Hand every due outbox row to RQ; returns how many.

    Rows are marked queued in the same transaction that selects them and enqueued after it commits; if
    Redis loses them, outbox.take_due hands them out again after REQUEUE_AFTER. The rows a dead worker left claimed
    are settled first by its marks (call_marks.py), and a task card that ends as outcome unknown is reported to the
    holder's supervisor in the same transaction.
    """
    now = runtime.clock()
    requeue_lost = _queue_drained(runtime)
    marks = CallMarks(runtime.redis)
    with runtime.database.transaction() as session:
        abandoned = outbox.settle_abandoned(session, now, lambda claims: marks.outcomes(claims, now))
        supervision.report_lost_cards(session, abandoned, now)
        ids = outbox.take_due(session, now, requeue_lost=requeue_lost)
    if not ids:
        return 0
    size = max(DELIVERY_BATCH, min(MAX_DELIVERY_BATCH, -(-len(ids) // _workers_listening(runtime))))
    batches = [list(ids[start:start + size]) for start in range(0, len(ids), size)]
    _enqueue(runtime, jobs.deliver_batch, DELIVERY_JOB_TIMEOUT,
             [((batch,), f"outbox-{batch[0]}-{batch[-1]}") for batch in batches],
             release=lambda session: outbox.release_queued(session, ids, now))
    return len(ids)


def _queue_drained(runtime: WorkerRuntime) -> bool:
    """Whether RQ's queue is empty (every job handed to a worker, or lost): only then may rows queued long ago be
    taken for lost (see outbox.take_due). Unknown when Redis does not answer, and then not."""
    try:
        return queue(runtime).count == 0
    except (RedisError, OSError):
        return False


def _workers_listening(runtime: WorkerRuntime) -> int:
    """How many worker processes take delivery jobs (this one among them); 1 when Redis does not say."""
    try:
        return max(1, Worker.count(queue=queue(runtime)))
    except (RedisError, OSError):
        return 1


def _enqueue(runtime: WorkerRuntime, function: Callable[..., object], timeout: int,
             calls: list[tuple[tuple[object, ...], str]], release: Callable[[Session], object]) -> None:
    """Hand RQ one job of `function` per (arguments, job id), all in one Redis round trip (MULTI/EXEC: all or
    none). When Redis refuses them (down, or failing over to a replica), `release` hands the rows they were for
    back in a transaction of its own, so the next round retries them at once; the error goes on to the round's log.
    """
    target = queue(runtime)
    try:
        with runtime.redis.pipeline() as pipe:
            target.enqueue_many(
                [Queue.prepare_data(function, args=args, job_id=job_id, timeout=timeout, result_ttl=3600)
                 for args, job_id in calls],
                pipeline=pipe,
            )
            pipe.execute()
    except (RedisError, OSError):
        with runtime.database.transaction() as session:
            release(session)
        raise


def relay_notices(runtime: WorkerRuntime) -> int:
    """Hand every due chunk of a broadcast notice to RQ, one job each; returns how many.

    Marked queued in a transaction of their own and enqueued after it commits. A chunk whose worker died is due
    again once its lease is over, a queued one Redis lost after notice_sending.REQUEUE_AFTER; each gets a new job
    id, since the old job may still sit in RQ's registries.
    """
    now = runtime.clock()
    with runtime.database.transaction() as session:
        ids = notice_sending.take_due(session, now)
    if ids:
        _enqueue(runtime, jobs.send_notice_chunk, NOTICE_JOB_TIMEOUT,
                 [((chunk_id,), f"notice-{chunk_id}-{now:%Y%m%d%H%M%S%f}") for chunk_id in ids],
                 release=lambda session: notice_sending.release_queued(session, ids, now))
    return len(ids)


def save_photos(runtime: WorkerRuntime) -> int:
    """Queue a download job for every photo due (new ones, retries after their backoff, and what a stopped
    worker missed, within WeChat's three days); returns how many.

    Taken (each try counted) in a transaction of their own and enqueued after it commits, like the outbox.
    """
    now = runtime.clock()
    with runtime.database.transaction() as session:
        ids = media_files.take_due(session, now)
    if ids:
        _enqueue(runtime, jobs.download_media, MEDIA_JOB_TIMEOUT,
                 [((attachment_id,), f"media-{attachment_id}-{now:%Y%m%d%H%M%S%f}") for attachment_id in ids],
                 release=lambda session: media_files.release_taken(session, ids, now))
    return len(ids)


def purge_dedup(runtime: WorkerRuntime) -> int:
    """Forget message keys WeChat can no longer retry."""
    with runtime.database.transaction() as session:
        return dedup.purge_before(session, runtime.clock() - DEDUP_KEEP)


def forget_old_messages(runtime: WorkerRuntime) -> int:
    """Forget a batch of outbox rows finished more than GRIDBOT_OUTBOX_KEEP_DAYS ago (storage.outbox.forget_finished);
    returns how many."""
    return _forget_older_than(runtime, runtime.settings.outbox_keep_days, outbox.forget_finished, outbox.FORGET_BATCH,
                              "outbox: forgot %d messages finished more than %d days ago")


def forget_old_recipients(runtime: WorkerRuntime) -> int:
    """Forget a batch of the recipients of notices that ended more than GRIDBOT_NOTICE_KEEP_DAYS ago, their counts
    kept (storage.notice_records.forget_recipients); returns how many."""
    return _forget_older_than(runtime, runtime.settings.notice_keep_days, notice_records.forget_recipients,
                              notice_records.FORGET_BATCH,
                              "notices: forgot %d recipients of notices that ended more than %d days ago")


def _forget_older_than(runtime: WorkerRuntime, keep_days: int | None, forget: Callable[[Session, datetime, int], int],
                       batch: int, logged: str) -> int:
    if keep_days is None:
        return 0  # off: kept for ever
    with runtime.database.transaction() as session:
        forgotten = forget(session, runtime.clock() - timedelta(days=keep_days), batch)
    if forgotten:
        log.info(logged, forgotten, keep_days)
    return forgotten


def forget_old_records(runtime: WorkerRuntime) -> bool:
    """A batch of each kind of record past its keep days; True when more may be waiting: the messages' batch was
    full, or a notice's recipients were forgotten (a batch stops at the end of its notice, so a year of notices to
    a building or two needs a batch each, not one an hour)."""
    messages = forget_old_messages(runtime) >= outbox.FORGET_BATCH
    recipients = forget_old_recipients(runtime) > 0
    return messages or recipients


def send_summaries(runtime: WorkerRuntime, done: date | None) -> date | None:
    """Write the day's 每日简报 to the outbox once GRIDBOT_SUMMARY_HOUR has come, or, for a worker that was down
    then, when it is back that morning (storage.daily_summary.CATCH_UP); returns the day this process has done.

    `done` spares the figures' queries every minute after; another worker doing the same writes nobody's
    summary twice (the outbox keys), and a round that fails leaves the day to the next.
    """
    hour = runtime.settings.summary_hour
    day = None if hour is None else daily_summary.due_day(runtime.clock(), hour)
    if day is None or day == done:
        return done
    with runtime.database.transaction() as session:
        planned = daily_summary.send(session, day, runtime.clock(), runtime.settings.rate_weights)
    written = sum(1 for item in planned if item.outcome is daily_summary.Outcome.WRITTEN)
    log.info("daily summaries of %s: %d written, %d already written or nothing to report", day, written,
             len(planned) - written)
    return day


def refresh_callback_ips(runtime: WorkerRuntime) -> bool:
    """Fetch WeChat's callback IP list into Redis for the webhook's source check; False (logged) on failure."""
    try:
        entries = runtime.api.callback_ips()
        kept = store_callback_ips(runtime.redis, runtime.settings.wechat_appid, entries, runtime.clock(),
                                  runtime.settings.data_dir)
    except (WeChatAPIError, ValueError, RedisError) as error:
        log.error("could not refresh WeChat's callback IP list (the webhook keeps the last one): %s", error)
        return False
    log.info("WeChat's callback IP list refreshed: %d entries", kept)
    return True


def keep_embedded_redis(settings: Settings) -> None:
    """Start the embedded Redis again if it is the one in use and it died (killed, out of memory): nothing else
    would, and every process would wait on it until someone restarted gridbot. Its append-only file keeps what it
    held. RQ's own loop only retries its connection, so this is the schedule's job. A configured Redis
    (GRIDBOT_REDIS_URL) is its operator's to run."""
    if settings.redis_url or redisconn.answers(redisconn.embedded_url(settings.data_dir)):
        return
    redisconn.ensure_embedded_redis(settings.data_dir)  # under its lock: one server, whoever starts it
    log.warning("the embedded Redis did not answer: it runs again (%s)", redisconn.embedded_url(settings.data_dir))


def run(runtime: WorkerRuntime, stop: threading.Event) -> None:
    """Run the schedule until `stop` is set; errors are logged (one line per kind a minute) and the loop goes on."""
    interval = runtime.settings.outbox_poll_ms / 1000
    next_purge = next_forget = next_callback_ips = last_callback_ips = runtime.clock()
    check_sources = runtime.settings.trusted_sources == "wechat"
    next_checkpoint = next_sweep = next_photos = next_summary = next_ips_check = time.monotonic()
    summarised: date | None = None
    failures = FailureLog(log, "worker schedule round")
    next_redis_check = time.monotonic()
    while not stop.is_set():
        try:
            if time.monotonic() >= next_redis_check:
                next_redis_check = time.monotonic() + EMBEDDED_REDIS_CHECK_S
                keep_embedded_redis(runtime.settings)
            if check_sources and time.monotonic() >= next_ips_check:
                next_ips_check = time.monotonic() + CALLBACK_IPS_CHECK_S
                if not callback_ips_stored(runtime.redis, runtime.settings.wechat_appid):
                    next_callback_ips = min(next_callback_ips, last_callback_ips + CALLBACK_IPS_LOST_RETRY)
            if check_sources and runtime.clock() >= next_callback_ips:
                last_callback_ips = runtime.clock()
                next_callback_ips = runtime.clock() + CALLBACK_IPS_RETRY  # whatever the fetch raises
                if refresh_callback_ips(runtime):
                    next_callback_ips = runtime.clock() + CALLBACK_IPS_EVERY
            tick(runtime)
            if runtime.clock() >= next_purge:
                purge_dedup(runtime)
                next_purge = runtime.clock() + PURGE_EVERY
            if runtime.clock() >= next_forget:
                more = forget_old_records(runtime)
                next_forget = runtime.clock() + (FORGET_AGAIN_AFTER if more else PURGE_EVERY)
            if time.monotonic() >= next_photos:
                next_photos = time.monotonic() + SAVE_PHOTOS_EVERY_S
                save_photos(runtime)
            if time.monotonic() >= next_sweep:
                next_sweep = time.monotonic() + SUPERVISE_EVERY_S  # a failing sweep waits its turn too
                supervise_once(runtime)
            if time.monotonic() >= next_summary:
                next_summary = time.monotonic() + SUMMARY_EVERY_S
                summarised = send_summaries(runtime, summarised)
            if time.monotonic() >= next_checkpoint:
                runtime.database.checkpoint()  # here, so that no webhook request waits for it
                next_checkpoint = time.monotonic() + CHECKPOINT_EVERY_S
        except Exception as error:  # noqa: BLE001 - a database or Redis hiccup must not end the schedule
            failures.failed(error)
            stop.wait(min(5.0, interval * 10))
        else:
            failures.succeeded()
        stop.wait(interval)


def warm_figures(runtime: WorkerRuntime, stop: threading.Event, first_after: float = WARM_FIRST_AFTER_S) -> None:
    """Compute the console's default figures ahead (bot/figure_cache.py) every WARM_EVERY until `stop` is set, one
    worker process a round, the first `first_after` seconds after start (the start-up has the machine first). On
    a thread of its own: at a city's size a round takes the database seconds, which the schedule's dispatch and
    deliveries must not wait for."""
    if runtime.settings.figures_keep_after_ms is None:
        return  # GRIDBOT_FIGURES_KEEP_AFTER_MS=off: every page computes its figures
    cache = FigureCache(runtime.database, lambda: runtime.redis, runtime.clock, runtime.settings.rate_weights,
                        runtime.settings.figures_keep_after_ms)
    failures = FailureLog(log, "console figures round")
    stop.wait(first_after)
    while not stop.is_set():
        started = time.monotonic()
        try:
            if runtime.redis.set(WARMING_KEY, "1", nx=True, ex=int(WARM_EVERY.total_seconds()) - 1):
                scopes = cache.warm()
                log.info("console figures computed ahead for %d scopes in %.1f s", scopes, time.monotonic() - started)
        except Exception as error:  # noqa: BLE001 - a database or Redis hiccup must not end the thread
            failures.failed(error)
        else:
            failures.succeeded()
        stop.wait(max(1.0, WARM_EVERY.total_seconds() - (time.monotonic() - started)))
