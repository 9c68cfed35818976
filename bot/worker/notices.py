"""Sending one chunk of a broadcast notice: a mass send, or template / customer-service messages one by one.

The records and their exactly-once rules are storage.notice_sending's; this module makes the calls, at the pace
shared by all workers (bot/rate.py), and sorts WeChat's answers:
- 45065 (a mass send's clientmsgid seen within 24 h) is success with the first msg_id (api.mass_send_text);
- 45009 (the day's quota) stops the channel until midnight: logged once and shown on the notice, never retried in a
  loop;
- 40130 (an OpenID list outside 2-10,000: the planner never makes one) fails the chunk with the reason;
- a person WeChat will not reach (unfollowed, refused the template, …) fails alone, the rest go on;
- transient errors (-1, timeouts, 5xx) put the chunk back with a backoff; the idempotency keys make the repeat safe.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.rate import SharedRate
from bot.wechat.api import DAILY_QUOTA, WeChatAPIError
from bot.worker.runtime import WorkerRuntime
from handlers import notice_texts
from storage import notice_sending, windows
from storage.account_types import SERVICE
from storage.models import NoticeChannel
from storage.notice_sending import Work

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BACKOFF = timedelta(seconds=30)
BATCH = 10  # template / customer-service recipients claimed (and recorded) together
# WeChat's answers about one person, not about the call: that person fails, the others still go.
ONE_PERSON = frozenset({40003, 43004, 43019, 43101, 45015, 45047, 48002})
NO_TEMPLATE = "reply window closed and no notice template configured"


def send_chunk(runtime: WorkerRuntime, chunk_id: int) -> str:
    """Claim the chunk and send it; returns how it ended (sent, skipped, stopped, retry, failed, taken over)."""
    lease = timedelta(seconds=runtime.settings.notice_lease_s)
    with runtime.database.transaction() as session:
        work = notice_sending.claim(session, chunk_id, runtime.clock(), lease,
                                     runtime.settings.notice_limits().has_template)
    if work is None:
        return "skipped"
    try:
        if work.channel is NoticeChannel.MASS:
            return _mass(runtime, work)
        return _one_by_one(runtime, work, lease)
    except WeChatAPIError as error:
        return _after_failure(runtime, work, error)
    except Exception as error:  # noqa: BLE001 - a bug must not leave the chunk claimed until its lease ends
        log.exception("notice chunk %s: unexpected failure", chunk_id)
        with runtime.database.transaction() as session:
            notice_sending.fail_chunk(session, chunk_id, f"{type(error).__name__}: {error}", runtime.clock(),
                                      work.attempt)
        return "failed"


def _pace(runtime: WorkerRuntime, channel: NoticeChannel) -> SharedRate:
    # The windows are numbered by the runtime's clock (the database's): workers on hosts whose clocks disagree
    # would each count into a window of their own and together send at twice the pace.
    def seconds() -> float:
        return runtime.clock().timestamp()

    if channel is NoticeChannel.MASS:
        return SharedRate(runtime.redis, channel.value, runtime.settings.mass_sends_per_minute, 60.0, clock=seconds)
    return SharedRate(runtime.redis, channel.value, runtime.settings.templates_per_second, 1.0, clock=seconds)


def _mass(runtime: WorkerRuntime, work: Work) -> str:
    _pace(runtime, work.channel).wait()
    content = notice_texts.message(work.number, work.text, work.urgent, work.kind)
    key = notice_sending.mass_key(work.number, work.seq)
    msg_id = runtime.api.mass_send_text([openid for _, openid in work.recipients], content, key)
    with runtime.database.transaction() as session:
        notice_sending.record_mass(session, work, msg_id, runtime.clock())
    log.info("notice %s chunk %d: mass send to %d, msg_id %s", work.number, work.seq, len(work.recipients), msg_id)
    return "sent"


def _one_by_one(runtime: WorkerRuntime, work: Work, lease: timedelta) -> str:
    pace = _pace(runtime, work.channel)
    unrecorded: list[tuple[int, str | None]] = []
    try:
        for start in range(0, len(work.recipients), BATCH):
            batch = work.recipients[start:start + BATCH]
            with runtime.database.transaction() as session:
                notice_sending.record_sent(session, unrecorded, runtime.clock())
                unrecorded.clear()
                if not notice_sending.start(session, work, [rid for rid, _ in batch], runtime.clock(), lease):
                    log.warning("notice %s chunk %d was taken over by another worker", work.number, work.seq)
                    return "taken over"
            for recipient_id, openid in batch:
                pace.wait()
                try:
                    unrecorded.append((recipient_id, _send_one(runtime, work, recipient_id, openid)))
                except WeChatAPIError as error:
                    if error.errcode not in ONE_PERSON:
                        raise
                    with runtime.database.transaction() as session:
                        notice_sending.fail_recipient(session, recipient_id, str(error))
    finally:
        if unrecorded:
            with runtime.database.transaction() as session:
                notice_sending.record_sent(session, unrecorded, runtime.clock())
    with runtime.database.transaction() as session:
        notice_sending.finish(session, work.chunk_id, work.attempt, runtime.clock())
    log.info("notice %s chunk %d: %d %s message(s) handled", work.number, work.seq, len(work.recipients),
             work.channel.value)
    return "sent"


def _send_one(runtime: WorkerRuntime, work: Work, recipient_id: int, openid: str) -> str | None:
    if work.channel is NoticeChannel.CUSTOM:
        with runtime.database.transaction() as session:
            slot = windows.take_slot(session, openid, runtime.clock())
        if slot:
            try:
                runtime.api.send_text(openid, notice_texts.message(
                    work.number, work.text, work.urgent, work.kind, for_staff=True,
                    for_lead=recipient_id in work.leads))
                return None
            except WeChatAPIError as error:
                if not error.window_closed:
                    raise
                with runtime.database.transaction() as session:
                    windows.close(session, openid)
        if runtime.settings.notice_template_id is None or runtime.settings.account_type != SERVICE:
            raise WeChatAPIError(NO_TEMPLATE, errcode=45015)
    return _send_template(runtime, work, recipient_id, openid)


def _send_template(runtime: WorkerRuntime, work: Work, recipient_id: int, openid: str) -> str:
    template_id = runtime.settings.notice_template_id
    if template_id is None:
        raise WeChatAPIError(NO_TEMPLATE, errcode=45015)
    public_url = runtime.settings.public_url if work.public else None
    url = f"{public_url.rstrip('/')}/n/{work.number}" if public_url else None
    data = notice_texts.template_data(work.number, work.text, work.urgent, work.kind, work.send_at, url is not None)
    return runtime.api.send_keyed_template(openid, template_id, data, url,
                                           notice_sending.template_key(work.number, recipient_id))


def _after_failure(runtime: WorkerRuntime, work: Work, error: WeChatAPIError) -> str:
    now = runtime.clock()
    with runtime.database.transaction() as session:
        if error.errcode == DAILY_QUOTA:
            until = notice_sending.stop_channel(session, work, str(error), now)
            log.error("notice %s: WeChat's daily %s quota is used up (45009); the channel rests until %s",
                      work.number, work.channel.value, until.isoformat())
            return "stopped"
        if error.transient and work.attempt < MAX_ATTEMPTS:
            due = now + BACKOFF * (2 ** (work.attempt - 1))
            notice_sending.retry_later(session, work, due, str(error))
            log.warning("notice %s chunk %d: transient error (%s), retry at %s", work.number, work.seq, error, due)
            return "retry"
        notice_sending.fail_chunk(session, work.chunk_id, str(error), now, work.attempt)
    log.error("notice %s chunk %d failed: %s", work.number, work.seq, error)
    return "failed"
