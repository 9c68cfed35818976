"""Delivering outbox rows: the channel each gets (reply window or template), the fallback, retries with backoff.

The policy behind the RQ jobs in jobs.py; each row is sent at most once (see storage.outbox and call_marks.py)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from typing import Callable

from redis import RedisError
from sqlalchemy.orm import Session

from bot.privacy import mask
from bot.wechat.api import WeChatAPIError
from bot.worker.call_marks import CallMarks
from bot.worker.outage import through_outage
from bot.worker.runtime import WorkerRuntime
from handlers import notifications
from storage import outbox, windows
from storage.models import DeliveryChannel
from storage.outbox import Delivery

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BACKOFF = timedelta(seconds=30)
NO_TEMPLATE = "no template id for {template} and the reply window is closed"


class _Lane:
    """Some of a delivery job's claimed rows, sent one after the other on one thread; the sends not written down
    yet (written for the whole job at its end). A recipient's rows share a lane, so they leave in order."""

    def __init__(self, runtime: WorkerRuntime, claimed: list[Delivery]) -> None:
        self.claimed = claimed
        self.marks = CallMarks(runtime.redis)
        self.sends: list[tuple[Delivery, str | None]] = []

    def send(self, runtime: WorkerRuntime) -> Counter[str]:
        """Deliver the lane's rows; how many ended how. Its calls are counted for /metrics at its end, and its last
        send is noted in Redis as soon as the lane is done: a worker that dies while another lane still waits for
        WeChat leaves this one's sends to the sweep as sent, not as outcome unknown."""
        try:
            with runtime.api.counters.deferred():
                return Counter(_deliver(runtime, delivery, self) for delivery in self.claimed)
        finally:
            _quietly(self.marks.flush, "noting the last send")

    def sent(self, delivery: Delivery, msgid: str | None) -> None:
        self.sends.append((delivery, msgid))
        self.marks.sent(delivery, msgid)


def _lanes(runtime: WorkerRuntime, claimed: list[Delivery]) -> list[_Lane]:
    """The rows split over up to GRIDBOT_SEND_LANES lanes, each recipient's into one, the lanes about even."""
    recipients = {delivery.recipient_openid for delivery in claimed}
    split: list[list[Delivery]] = [[] for _ in range(min(runtime.settings.send_lanes, len(recipients)))]
    lane_of: dict[str, list[Delivery]] = {}
    for delivery in claimed:
        lane = lane_of.get(delivery.recipient_openid)
        if lane is None:
            lane = lane_of[delivery.recipient_openid] = min(split, key=len)
        lane.append(delivery)
    return [_Lane(runtime, rows) for rows in split]


def _write_down(runtime: WorkerRuntime, lanes: list[_Lane]) -> None:
    """Write the job's sends down (each lane noted its last in Redis when it was done: a worker that dies before the
    transaction leaves them to the sweep as sent), then drop their marks.

    Only theirs: a lane still running (RQ's job timeout interrupts the wait for the lanes, not the lanes) must leave
    its later rows marked for the sweep. The marks of rows that failed or wait for a retry expire by themselves.
    """
    sends = [send for lane in lanes for send in lane.sends]
    if not sends:
        return
    through_outage(lambda: _record(runtime, sends), "outbox: recording sends")
    for delivery, _msgid in sends:
        log.info("outbox %s sent to %s (%s, %s)", delivery.id, mask(delivery.recipient_openid),
                 delivery.template, delivery.channel)
    _quietly(lambda: lanes[0].marks.forget([delivery for delivery, _msgid in sends]), "dropping the sends' marks")


def _record(runtime: WorkerRuntime, sends: list[tuple[Delivery, str | None]]) -> None:
    with runtime.database.transaction() as session:
        outbox.mark_all_sent(session, [(delivery.id, msgid) for delivery, msgid in sends], runtime.clock())


def _quietly(step: Callable[[], None], what: str) -> None:
    """A mark that only speeds up a dead worker's sweep: Redis failing here costs a row's certainty, not a send."""
    try:
        step()
    except (RedisError, OSError) as error:
        log.warning("outbox: %s failed (%s)", what, type(error).__name__)


def deliver_rows(runtime: WorkerRuntime, outbox_ids: list[int]) -> dict[str, int]:
    """Send outbox rows, all claimed in one transaction first, on the process's send lanes at once (each lane one
    row after the other); returns how many ended how."""
    epoch = CallMarks(runtime.redis).epoch()  # Redis down: the job fails, its rows stay queued for the relay
    lanes = _lanes(runtime, through_outage(lambda: _claim(runtime, outbox_ids, epoch), "outbox: claim"))
    outcomes = Counter({"skipped": len(outbox_ids) - sum(len(lane.claimed) for lane in lanes)})
    try:
        for counted in runtime.in_lanes(lambda lane: lane.send(runtime), lanes):
            outcomes.update(counted)
    finally:
        _write_down(runtime, lanes)
    return {outcome: count for outcome, count in outcomes.items() if count}


def _deliver(runtime: WorkerRuntime, delivery: Delivery, lane: _Lane) -> str:
    try:
        if not lane.marks.calling(delivery):
            log.warning("outbox %s: taken back by the sweep before its call; not sending", delivery.id)
            return "skipped"
        if delivery.channel is DeliveryChannel.CUSTOMER_SERVICE:
            return _send_text(runtime, delivery, lane)
        return _send_template(runtime, delivery, lane)
    except WeChatAPIError as error:
        return _after_failure(runtime, delivery.id, delivery.attempts, error)
    except RedisError as error:
        # The mark, the shared token (and pace) are written or read in Redis before the call: a Redis that is down or
        # failing over stopped this send before it left, so it is tried again later, like WeChat's own -1.
        unavailable = WeChatAPIError(f"Redis unavailable before the call: {error}", transient=True, failure="redis")
        return _after_failure(runtime, delivery.id, delivery.attempts, unavailable)
    except Exception as error:  # noqa: BLE001 - a bug must not leave the row claimed forever
        log.exception("outbox %s: unexpected failure", delivery.id)
        _fail(runtime, delivery.id, f"{type(error).__name__}: {error}", delivery.attempts)
        return "failed"


def _claim(runtime: WorkerRuntime, outbox_ids: list[int], epoch: str) -> list[Delivery]:
    """The batch's rows that are this job's to send, claimed with their channels chosen, in one transaction."""
    with runtime.database.transaction() as session:
        claimed = outbox.claim(session, outbox_ids, runtime.clock(), epoch, customer_service=notifications.FOR_STAFF)
        chosen = {delivery.id: replace(delivery, channel=_choose(runtime, session, delivery))
                  for delivery in claimed if delivery.channel is None}
        outbox.record_channels(session, list(chosen.values()))
        return [chosen.get(delivery.id, delivery) for delivery in claimed]


def _choose(runtime: WorkerRuntime, session: Session, delivery: Delivery) -> DeliveryChannel:
    """Residents: a slot of their window, else a template. Staff: customer service first, whatever we know.

    Staff are bound once and rarely write to the account, so their windows are mostly unknown to us; trying
    costs one call, and 45015/45047 turn to the template in the same job.
    """
    if not notifications.for_resident(delivery.template):
        return DeliveryChannel.CUSTOMER_SERVICE
    if windows.take_slot(session, delivery.recipient_openid, runtime.clock()):
        return DeliveryChannel.CUSTOMER_SERVICE
    return DeliveryChannel.TEMPLATE


def _send_text(runtime: WorkerRuntime, delivery: Delivery, lane: _Lane) -> str:
    try:
        runtime.api.send_text(delivery.recipient_openid, notifications.render(delivery.template, delivery.params,
                                                                                  delivery.created_at or runtime.clock()))
    except WeChatAPIError as error:
        if not error.window_closed:
            raise
        log.info("outbox %s: reply window closed (%s); trying the template message", delivery.id, error.errcode)
        with runtime.database.transaction() as session:
            windows.close(session, delivery.recipient_openid)
            if runtime.settings.template_for(delivery.template) is not None:
                delivery = outbox.record_channel(session, delivery, DeliveryChannel.TEMPLATE)
        if delivery.channel is not DeliveryChannel.TEMPLATE:
            _fail(runtime, delivery.id, f"{NO_TEMPLATE.format(template=delivery.template)} ({error})",
                  delivery.attempts)
            return "failed"
        return _send_template(runtime, delivery, lane)
    lane.sent(delivery, None)
    return "sent"


def _send_template(runtime: WorkerRuntime, delivery: Delivery, lane: _Lane) -> str:
    choice = runtime.settings.template_for(delivery.template)
    if choice is None:
        _fail(runtime, delivery.id, NO_TEMPLATE.format(template=delivery.template), delivery.attempts)
        return "failed"
    if choice.generic:
        data = notifications.generic_template_data(delivery.template, delivery.params,
                                                   delivery.created_at or runtime.clock())
    else:
        data = notifications.template_data(delivery.template, delivery.params, delivery.created_at or runtime.clock())
    msgid = runtime.api.send_template(delivery.recipient_openid, choice.template_id, data)
    lane.sent(delivery, msgid)
    return "sent"


def _fail(runtime: WorkerRuntime, outbox_id: int, reason: str, attempt: int) -> None:
    def mark() -> None:
        with runtime.database.transaction() as session:
            outbox.mark_failed(session, outbox_id, reason, attempt)

    through_outage(mark, f"outbox {outbox_id}: recording the failure")
    log.error("outbox %s failed: %s", outbox_id, reason)


def _after_failure(runtime: WorkerRuntime, outbox_id: int, attempts: int, error: WeChatAPIError) -> str:
    # A timeout is retried too, although WeChat may have delivered the call: the one duplicate we accept.
    def schedule_or_fail() -> str:
        with runtime.database.transaction() as session:
            if error.transient and attempts < MAX_ATTEMPTS:
                due = runtime.clock() + BACKOFF * (4 ** (attempts - 1))
                outbox.retry_later(session, outbox_id, str(error), due, attempts)
                log.warning("outbox %s: transient error (%s), retry %d at %s", outbox_id, error, attempts, due)
                return "retry"
            outbox.mark_failed(session, outbox_id, str(error), attempts)
        return "failed"

    outcome = through_outage(schedule_or_fail, f"outbox {outbox_id}: recording the failure")
    if outcome == "failed":
        log.error("outbox %s: giving up after %d attempt(s): %s", outbox_id, attempts, error)
    return outcome
