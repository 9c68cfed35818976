"""RQ job shells: load the worker's runtime, call storage and the WeChat adapter, nothing else."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.privacy import mask
from bot.wechat_client import WeChatAPIError
from bot.worker_runtime import WorkerRuntime, current
from handlers import notifications
from storage import outbox

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BACKOFF = timedelta(seconds=30)


def deliver(outbox_id: int) -> str:
    """Send one outbox message; safe to run twice (the second run finds it claimed and does nothing)."""
    runtime = current()
    with runtime.database.transaction() as session:
        delivery = outbox.start_sending(session, outbox_id)
    if delivery is None:
        return "skipped"
    try:
        text = notifications.render(delivery.template, delivery.params)
        runtime.api.send_text(delivery.recipient_openid, text)
    except WeChatAPIError as error:
        return _after_failure(runtime, delivery.id, delivery.attempts, error)
    except Exception as error:  # noqa: BLE001 - a bug must not leave the row claimed forever
        log.exception("outbox %s: unexpected failure", outbox_id)
        with runtime.database.transaction() as session:
            outbox.mark_failed(session, outbox_id, f"{type(error).__name__}: {error}")
        return "failed"
    with runtime.database.transaction() as session:
        outbox.mark_sent(session, delivery.id, runtime.clock())
    log.info("outbox %s sent to %s (%s)", delivery.id, mask(delivery.recipient_openid), delivery.template)
    return "sent"


def _after_failure(runtime: WorkerRuntime, outbox_id: int, attempts: int, error: WeChatAPIError) -> str:
    with runtime.database.transaction() as session:
        if error.transient and attempts < MAX_ATTEMPTS:
            due = runtime.clock() + BACKOFF * (4 ** (attempts - 1))
            outbox.retry_later(session, outbox_id, str(error), due)
            log.warning("outbox %s: transient error (%s), retry %d at %s", outbox_id, error, attempts, due)
            return "retry"
        outbox.mark_failed(session, outbox_id, str(error))
    log.error("outbox %s: giving up after %d attempt(s): %s", outbox_id, attempts, error)
    return "failed"
