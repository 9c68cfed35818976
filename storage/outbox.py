"""The outbox: messages decided inside a transaction, delivered by workers after it commits.

A row is sent at most once. A worker claims it (queued -> sending) before calling WeChat and records the
channel before each call; a transient error puts it back to pending. A row still `sending` after
ABANDONED_AFTER lost its worker somewhere around the call, and neither WeChat's customer-service nor its
template API can say whether the message arrived: it is marked failed, "outcome unknown", never sent again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from storage.models import DeliveryChannel, OutboxMessage, OutboxStatus

# A queued row whose job has not finished by then was lost with its worker or its Redis: queue it again.
REQUEUE_AFTER = timedelta(minutes=5)
SENDING = "sending"
# A live send takes seconds (5 s API timeouts, RQ's 180 s job timeout): a row sending this long has no worker.
ABANDONED_AFTER = timedelta(minutes=10)
OUTCOME_UNKNOWN = "outcome unknown: worker stopped during the send"


@dataclass(frozen=True)
class Delivery:
    """What a worker needs to send one outbox row."""

    id: int
    recipient_openid: str
    template: str
    params: dict[str, Any]
    attempts: int
    channel: DeliveryChannel | None  # None until the first attempt chooses; kept for the retries


def add(
    session: Session,
    *,
    key: str,
    recipient_openid: str,
    template: str,
    params: dict[str, Any],
    now: datetime,
    appeal_id: int | None = None,
) -> None:
    """Record a message to send once the current transaction commits; the key makes it happen once."""
    session.add(
        OutboxMessage(
            idempotency_key=key,
            recipient_openid=recipient_openid,
            template=template,
            params=json.dumps(params, ensure_ascii=False),
            appeal_id=appeal_id,
            status=OutboxStatus.PENDING,
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )
    )


def take_due(session: Session, now: datetime, limit: int = 500) -> Sequence[int]:
    """Mark due rows as queued and return their ids, for the relay to hand to RQ; fail abandoned sends."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == SENDING, OutboxMessage.sending_at < now - ABANDONED_AFTER)
        .values(status=OutboxStatus.FAILED, last_error=OUTCOME_UNKNOWN)
    )
    stale = now - REQUEUE_AFTER
    ids = session.scalars(
        select(OutboxMessage.id)
        .where(
            or_(
                (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == OutboxStatus.QUEUED) & (OutboxMessage.queued_at < stale),
            )
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
        # Two relays on PostgreSQL skip each other's rows instead of queueing them twice.
        .with_for_update(skip_locked=True)
    ).all()
    if ids:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status=OutboxStatus.QUEUED, queued_at=now)
        )
    return ids


def start_sending(session: Session, outbox_id: int, now: datetime) -> Delivery | None:
    """Claim a queued row for one send (compare-and-set); None if it was sent, is being sent, or is gone."""
    claimed = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id, OutboxMessage.status == OutboxStatus.QUEUED)
        .values(status=SENDING, attempts=OutboxMessage.attempts + 1, sending_at=now)
    ).rowcount
    if claimed != 1:
        return None
    row = session.get_one(OutboxMessage, outbox_id)
    channel = DeliveryChannel(row.channel) if row.channel else None
    return Delivery(row.id, row.recipient_openid, row.template, json.loads(row.params), row.attempts, channel)


def record_channel(session: Session, delivery: Delivery, channel: DeliveryChannel) -> Delivery:
    """Write down which way the claimed row is about to go, before the call that sends it."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == delivery.id, OutboxMessage.status == SENDING)
        .values(channel=channel)
    )
    return replace(delivery, channel=channel)


def mark_sent(session: Session, outbox_id: int, now: datetime, msgid: str | None = None) -> None:
    """The message left (a template message with WeChat's msgid)."""
    _finish(session, outbox_id, status=OutboxStatus.SENT, sent_at=now, last_error=None, wechat_msgid=msgid)


def mark_failed(session: Session, outbox_id: int, error: str) -> None:
    """The message can't be sent (a permanent error); kept for operators to see."""
    _finish(session, outbox_id, status=OutboxStatus.FAILED, last_error=error[:500])


def retry_later(session: Session, outbox_id: int, error: str, at: datetime) -> None:
    """A transient error: back to pending, due again at `at`."""
    _finish(session, outbox_id, status=OutboxStatus.PENDING, next_attempt_at=at, last_error=error[:500])


def _finish(session: Session, outbox_id: int, **values: Any) -> None:
    session.execute(
        update(OutboxMessage).where(OutboxMessage.id == outbox_id, OutboxMessage.status == SENDING).values(**values)
    )
