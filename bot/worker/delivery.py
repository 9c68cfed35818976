"""Delivering outbox rows: the channel each gets (reply window or template), the fallback, retries with backoff.

The policy behind the RQ jobs in jobs.py; each row is sent at most once (see storage.outbox)."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

from redis import RedisError
from sqlalchemy.orm import Session

from bot.privacy import mask
from bot.wechat.api import WeChatAPIError
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


class _Unrecorded:
    """A send that went out and is not written down yet: the next row's claim records it in the same transaction.

    One transaction per row instead of two, in a batch: SQLite has one writer, and the webhook and the dispatch
    round wait for the same lock. A worker that dies before the record leaves that row `sending`, exactly as
    one dying right after the call did before: failed as "outcome unknown", never sent twice.
    """

    def __init__(self) -> None:
        self.sends: list[tuple[Delivery, str | None]] = []

    def record(self, runtime: WorkerRuntime, session: Session) -> None:
        """Write the sends down in `session`; `committed` forgets them once its transaction has committed (a
        transaction that failed wrote nothing, and the next one writes them again)."""
        for delivery, msgid in self.sends:
            outbox.mark_sent(session, delivery.id, runtime.clock(), msgid)

    def committed(self) -> None:
        for delivery, _msgid in self.sends:
            log.info("outbox %s sent to %s (%s, %s)", delivery.id, mask(delivery.recipient_openid),
                     delivery.template, delivery.channel)
        self.sends.clear()

    def flush(self, runtime: WorkerRuntime) -> None:
        if self.sends:
            through_outage(lambda: self._flush(runtime), "outbox: recording sends")

    def _flush(self, runtime: WorkerRuntime) -> None:
        with runtime.database.transaction() as session:
            self.record(runtime, session)
        self.committed()


def deliver_rows(runtime: WorkerRuntime, outbox_ids: list[int]) -> dict[str, int]:
    """Send outbox rows one after the other, each claimed just before its own send; returns how many ended how.
    The batch's calls are counted for /metrics at its end (bot.wechat.counters)."""
    unrecorded = _Unrecorded()
    try:
        with runtime.api.counters.deferred():
            return dict(Counter(_deliver(runtime, outbox_id, unrecorded) for outbox_id in outbox_ids))
    finally:
        unrecorded.flush(runtime)


def _deliver(runtime: WorkerRuntime, outbox_id: int, unrecorded: _Unrecorded) -> str:
    delivery = through_outage(lambda: _claim(runtime, outbox_id, unrecorded), f"outbox {outbox_id}: claim")
    if delivery is None:
        return "skipped"
    try:
        if delivery.channel is DeliveryChannel.CUSTOMER_SERVICE:
            return _send_text(runtime, delivery, unrecorded)
        return _send_template(runtime, delivery, unrecorded)
    except WeChatAPIError as error:
        return _after_failure(runtime, delivery.id, delivery.attempts, error)
    except RedisError as error:
        # The shared token (and pace) are read from Redis before the call: a Redis that is down or failing over
        # stopped this send before it left, so it is tried again later, like WeChat's own -1.
        unavailable = WeChatAPIError(f"Redis unavailable before the call: {error}", transient=True, failure="redis")
        return _after_failure(runtime, delivery.id, delivery.attempts, unavailable)
    except Exception as error:  # noqa: BLE001 - a bug must not leave the row claimed forever
        log.exception("outbox %s: unexpected failure", outbox_id)
        _fail(runtime, outbox_id, f"{type(error).__name__}: {error}")
        return "failed"


def _claim(runtime: WorkerRuntime, outbox_id: int, unrecorded: _Unrecorded) -> Delivery | None:
    """The row claimed for its send with its channel chosen, and the sends before it written down, in one
    transaction; None if it is not this job's to send."""
    with runtime.database.transaction() as session:
        unrecorded.record(runtime, session)
        delivery = outbox.start_sending(session, outbox_id, runtime.clock())
        if delivery is not None and delivery.channel is None:
            delivery = outbox.record_channel(session, delivery, _choose(runtime, session, delivery))
    unrecorded.committed()
    return delivery


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


def _send_text(runtime: WorkerRuntime, delivery: Delivery, unrecorded: _Unrecorded) -> str:
    try:
        runtime.api.send_text(delivery.recipient_openid, notifications.render(delivery.template, delivery.params))
    except WeChatAPIError as error:
        if not error.window_closed:
            raise
        log.info("outbox %s: reply window closed (%s); trying the template message", delivery.id, error.errcode)
        with runtime.database.transaction() as session:
            windows.close(session, delivery.recipient_openid)
            if runtime.settings.template_for(delivery.template) is not None:
                delivery = outbox.record_channel(session, delivery, DeliveryChannel.TEMPLATE)
        if delivery.channel is not DeliveryChannel.TEMPLATE:
            _fail(runtime, delivery.id, f"{NO_TEMPLATE.format(template=delivery.template)} ({error})")
            return "failed"
        return _send_template(runtime, delivery, unrecorded)
    unrecorded.sends.append((delivery, None))
    return "sent"


def _send_template(runtime: WorkerRuntime, delivery: Delivery, unrecorded: _Unrecorded) -> str:
    choice = runtime.settings.template_for(delivery.template)
    if choice is None:
        _fail(runtime, delivery.id, NO_TEMPLATE.format(template=delivery.template))
        return "failed"
    if choice.generic:
        data = notifications.generic_template_data(delivery.template, delivery.params,
                                                   delivery.created_at or runtime.clock())
    else:
        data = notifications.template_data(delivery.template, delivery.params)
    msgid = runtime.api.send_template(delivery.recipient_openid, choice.template_id, data)
    unrecorded.sends.append((delivery, msgid))
    return "sent"


def _fail(runtime: WorkerRuntime, outbox_id: int, reason: str) -> None:
    def mark() -> None:
        with runtime.database.transaction() as session:
            outbox.mark_failed(session, outbox_id, reason)

    through_outage(mark, f"outbox {outbox_id}: recording the failure")
    log.error("outbox %s failed: %s", outbox_id, reason)


def _after_failure(runtime: WorkerRuntime, outbox_id: int, attempts: int, error: WeChatAPIError) -> str:
    # A timeout is retried too, although WeChat may have delivered the call: the one duplicate we accept.
    def schedule_or_fail() -> str:
        with runtime.database.transaction() as session:
            if error.transient and attempts < MAX_ATTEMPTS:
                due = runtime.clock() + BACKOFF * (4 ** (attempts - 1))
                outbox.retry_later(session, outbox_id, str(error), due)
                log.warning("outbox %s: transient error (%s), retry %d at %s", outbox_id, error, attempts, due)
                return "retry"
            outbox.mark_failed(session, outbox_id, str(error))
        return "failed"

    outcome = through_outage(schedule_or_fail, f"outbox {outbox_id}: recording the failure")
    if outcome == "failed":
        log.error("outbox %s: giving up after %d attempt(s): %s", outbox_id, attempts, error)
    return outcome
