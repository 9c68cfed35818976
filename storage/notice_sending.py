"""Sending a stored notice chunk by chunk: never one person twice, never one lost without a record.

A chunk is handed to RQ (`take_due`: pending -> queued) and claimed by the worker that runs it (`claim`: queued ->
sending, with a lease). A worker that dies leaves its chunk `sending`; once the lease is over, `take_due` queues it
again and the next claim resumes it. Whether a resumed send may go out again is WeChat's idempotency key's to say:
- a mass send carries `clientmsgid` = notice number + chunk (deterministic, ≤32 ASCII): WeChat answers a repeat
  within 24 hours with 45065 and the first msg_id, which is success. A chunk first claimed longer ago than
  MASS_KEY_KEEPS is failed as "outcome unknown" instead.
- a template message carries `client_msg_id` = notice number + recipient: WeChat sends one per openid and key within
  10 minutes. A recipient claimed (sending) longer ago than TEMPLATE_KEY_KEEPS is failed as "outcome unknown".
- a customer-service message has no key: a recipient left `sending` by a dead worker is failed as "outcome unknown".
Each template or customer-service recipient is claimed (pending -> sending) in small batches just before its call and
recorded sent right after; a claim or record that finds the chunk taken over (another attempt) stops the old worker.

45009 (the day's quota) stops the channel until the next local midnight (ChannelStop): the chunk waits for it (an
ordinary notice's until 08:00), every other chunk of that channel too, and the notice says why; it is never retried
in a loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import ColumnElement, Row, and_, false, or_, select, update
from sqlalchemy.orm import Session

from storage import notice_scope
from storage.models import (
    Broadcast,
    BroadcastChunk,
    BroadcastRecipient,
    ChannelStop,
    ChunkStatus,
    NoticeAudience,
    NoticeChannel,
    NoticeState,
    RecipientStatus,
    Resident,
    ResidentStatus,
    Staff,
    StaffRole,
)
from storage.notice_planning import MASS_MIN, MORNING, SkipReason, month_of, monthly_full
from storage.staff import UnclearPlace
from storage.tickets import LOCAL_ZONE

REQUEUE_AFTER = timedelta(minutes=5)  # queued and never claimed: the job was lost with Redis
MASS_KEY_KEEPS = timedelta(hours=23)  # WeChat keeps a clientmsgid 24 hours
TEMPLATE_KEY_KEEPS = timedelta(minutes=9)  # and a template's client_msg_id 10 minutes
OUTCOME_UNKNOWN = "outcome unknown: worker stopped during the send"
UNSENT = (RecipientStatus.PENDING, RecipientStatus.SENDING)
CANCELLED = "cancelled"  # a skipped recipient's reason (storage.notice_records.cancel writes the same)


def mass_key(number: str, seq: int) -> str:
    """The clientmsgid of a notice's mass chunk: the same for every attempt, ≤32 ASCII characters."""
    return f"{number}-{seq}"


def template_key(number: str, recipient_id: int) -> str:
    """The client_msg_id of a notice's template message to one recipient."""
    return f"{number}-r{recipient_id}"


@dataclass(frozen=True)
class Work:
    """A claimed chunk: what the worker sends, under which attempt (its records must name it)."""

    chunk_id: int
    attempt: int
    channel: NoticeChannel
    number: str
    seq: int
    text: str
    urgent: bool
    kind: str | None
    send_at: datetime  # when it is due to go (a scheduled notice's planned time): the time its templates show
    recipients: tuple[tuple[int, str], ...]  # (recipient id, openid), unsent, in id order
    public: bool  # its text may be read at /n/<number> (not a staff-only notice): templates link there
    leads: frozenset[int] = frozenset()  # recipient ids of 楼长, asked to reply 已转达 once they passed it on


def stopped_channels(session: Session, now: datetime) -> list[str]:
    """The channels WeChat's daily quota has stopped at `now` (45009), for monitoring."""
    return sorted(session.scalars(select(ChannelStop.channel).where(ChannelStop.until > now)))


def take_due(session: Session, now: datetime, limit: int = 500) -> list[int]:
    """Mark due chunks queued and return them: pending ones whose time has come (channel not stopped), queued
    ones never claimed (lost), sending ones whose lease ran out (their worker died)."""
    stopped = select(ChannelStop.channel).where(ChannelStop.until > now)
    due = or_(
        and_(BroadcastChunk.status == ChunkStatus.PENDING, BroadcastChunk.due_at <= now,
             BroadcastChunk.channel.not_in(stopped), ~_left_for_the_morning(now)),
        and_(BroadcastChunk.status == ChunkStatus.QUEUED, BroadcastChunk.queued_at < now - REQUEUE_AFTER),
        and_(BroadcastChunk.status == ChunkStatus.SENDING, BroadcastChunk.lease_until < now),
    )
    ids = list(session.scalars(select(BroadcastChunk.id).where(due).order_by(BroadcastChunk.id).limit(limit)))
    if not ids:
        return []
    taken = list(session.scalars(
        update(BroadcastChunk).where(BroadcastChunk.id.in_(ids), due)
        .values(status=ChunkStatus.QUEUED, queued_at=now).returning(BroadcastChunk.id)))
    session.execute(update(Broadcast).where(
        Broadcast.state == NoticeState.SCHEDULED,
        Broadcast.id.in_(select(BroadcastChunk.broadcast_id).where(BroadcastChunk.id.in_(taken)))
    ).values(state=NoticeState.SENDING))
    return sorted(taken)


def _left_for_the_morning(now: datetime) -> ColumnElement[bool]:
    """Before 08:00 (MORNING), an ordinary notice's chunk that was due on an earlier day: a worker down overnight
    finds at 03:00 what was to go out at 21:00, and it waits for the morning as one put off by quota does, rather
    than wake its residents; one an operator set for tonight itself still goes at its time."""
    local = now.astimezone(LOCAL_ZONE)
    if local.time() >= MORNING:
        return false()
    today = datetime.combine(local.date(), time(), LOCAL_ZONE)
    ordinary = select(Broadcast.id).where(Broadcast.urgent.is_(False))
    return (BroadcastChunk.due_at < today) & BroadcastChunk.broadcast_id.in_(ordinary)


def release_queued(session: Session, ids: list[int], queued_at: datetime) -> int:
    """Hand chunks taken at `queued_at` back (pending, due at once) when their jobs never reached Redis, rather than
    wait REQUEUE_AFTER for the lost-job sweep; a chunk a job has claimed meanwhile is left alone."""
    return session.execute(
        update(BroadcastChunk)
        .where(BroadcastChunk.id.in_(ids), BroadcastChunk.status == ChunkStatus.QUEUED,
               BroadcastChunk.queued_at == queued_at)
        .values(status=ChunkStatus.PENDING)
    ).rowcount


def claim(session: Session, chunk_id: int, now: datetime, lease: timedelta, template: bool = False) -> Work | None:
    """Take a queued chunk for sending (compare-and-set); None if another worker has it or it ended. Recipients a
    dead worker left mid-send are failed here when their idempotency key can no longer protect them. `template`:
    the account has a notice template (Limits.has_template), which reaches a mass send's lone person."""
    claimed = session.execute(
        update(BroadcastChunk).where(BroadcastChunk.id == chunk_id, BroadcastChunk.status == ChunkStatus.QUEUED)
        .values(status=ChunkStatus.SENDING, attempts=BroadcastChunk.attempts + 1, lease_until=now + lease)
    ).rowcount
    if claimed != 1:
        return None
    chunk = session.get_one(BroadcastChunk, chunk_id)
    chunk.first_claimed_at = chunk.first_claimed_at or now
    notice = session.get_one(Broadcast, chunk.broadcast_id)
    if notice.state == NoticeState.CANCELLED:  # cancelled while this chunk's worker was gone: nothing more goes
        _drop_cancelled(session, chunk)
        return None
    channel = NoticeChannel(chunk.channel)
    if channel is NoticeChannel.MASS and chunk.first_claimed_at < now - MASS_KEY_KEEPS:
        fail_chunk(session, chunk_id, OUTCOME_UNKNOWN, now, chunk.attempts)
        return None
    if channel is not NoticeChannel.MASS:
        unsafe = BroadcastRecipient.status == RecipientStatus.SENDING
        if channel is NoticeChannel.TEMPLATE:
            unsafe = unsafe & (BroadcastRecipient.sending_at < now - TEMPLATE_KEY_KEEPS)
        session.execute(update(BroadcastRecipient).where(BroadcastRecipient.chunk_id == chunk_id, unsafe)
                        .values(status=RecipientStatus.FAILED, reason=OUTCOME_UNKNOWN))
    _skip_those_gone_since(session, chunk_id, notice)
    if channel is NoticeChannel.MASS:
        _count_in_month_sent(session, chunk_id, now)
    # The role comes with the rows (the role now, not at planning: only a 楼长 may reply 已转达).
    recipients = session.execute(
        select(BroadcastRecipient.id, BroadcastRecipient.openid, Staff.role)
        .outerjoin(Staff, Staff.id == BroadcastRecipient.staff_id)
        .where(BroadcastRecipient.chunk_id == chunk_id, BroadcastRecipient.status.in_(UNSENT))
        .order_by(BroadcastRecipient.id)).all()
    if channel is NoticeChannel.MASS and len(recipients) < MASS_MIN:
        # Those skipped since left one person: WeChat refuses a mass list of one (40130). As planning does, a
        # template message reaches them when the account has one; without, they are told apart (群发至少需要两人)
        # rather than failed by a call bound to fail.
        lone = [rid for rid, _, _ in recipients]
        if template and lone:
            channel = NoticeChannel.TEMPLATE
            chunk.channel = channel
            session.execute(update(BroadcastRecipient).where(BroadcastRecipient.id.in_(lone))
                            .values(channel=channel.value, mass_month=None))
        else:
            session.execute(update(BroadcastRecipient).where(BroadcastRecipient.id.in_(lone))
                            .values(status=RecipientStatus.SKIPPED, reason=SkipReason.ALONE))
            recipients = []
    if not recipients:
        finish(session, chunk_id, chunk.attempts, now)
        return None
    return Work(chunk_id, chunk.attempts, channel, notice.number, chunk.seq, notice.text, notice.urgent, notice.kind,
                notice.send_at, tuple((rid, openid) for rid, openid, _ in recipients), is_public(notice),
                _leads_to_relay(notice, recipients))


def _count_in_month_sent(session: Session, chunk_id: int, now: datetime) -> None:
    """A mass chunk going out in another month than it was counted in (planned for 22:00 on the 30th, sent on the
    1st by a worker that was down over midnight) counts in the month it goes in; whom that month's four are used
    up for already is skipped, as planning would have, rather than sent a fifth WeChat drops."""
    month = month_of(now)
    moved = session.execute(select(BroadcastRecipient.id, BroadcastRecipient.openid).where(
        BroadcastRecipient.chunk_id == chunk_id, BroadcastRecipient.status == RecipientStatus.PENDING,
        BroadcastRecipient.mass_month.is_not(None), BroadcastRecipient.mass_month != month)).all()
    if not moved:
        return
    full = monthly_full(session, [openid for _, openid in moved], now)
    session.execute(update(BroadcastRecipient).where(BroadcastRecipient.id.in_(
        [rid for rid, openid in moved if openid in full])).values(status=RecipientStatus.SKIPPED,
                                                                 reason=SkipReason.MONTHLY_QUOTA))
    session.execute(update(BroadcastRecipient).where(BroadcastRecipient.id.in_(
        [rid for rid, openid in moved if openid not in full])).values(mass_month=month))


def _skip_those_gone_since(session: Session, chunk_id: int, notice: Broadcast) -> None:
    """The plan was made before the notice goes (a scheduled one, one waiting for quota): residents who unfollowed
    since, opted out of ordinary notices or moved out of the scope, and staff who left are skipped now as planning
    would have left them out."""
    gone = [(SkipReason.UNFOLLOWED, Resident.status != ResidentStatus.ACTIVE)]
    try:
        # As planning reads them: a building the ledger dropped (import org --prune) still has its residents.
        buildings = notice_scope.resolve(session, notice.scope_path).building_ids(pruned_too=True)
    except UnclearPlace:
        buildings = None  # the place was renamed or removed since: who lives there is the plan's to say
    if buildings is not None:  # 3号楼's water cut is no news to a resident who moved to another building
        gone.append((SkipReason.MOVED, Resident.building_id.is_(None) | Resident.building_id.not_in(buildings)))
    if not notice.urgent:  # urgent notices reach those who opted out
        gone.append((SkipReason.OPTED_OUT, Resident.notices_opted_out_at.is_not(None)))
    for reason, condition in gone:
        session.execute(update(BroadcastRecipient).where(
            BroadcastRecipient.chunk_id == chunk_id, BroadcastRecipient.status == RecipientStatus.PENDING,
            select(Resident.id).where(Resident.id == BroadcastRecipient.resident_id, condition).exists())
            .values(status=RecipientStatus.SKIPPED, reason=reason))
    # Staff who left since (停用): a work notice is no longer theirs to read.
    session.execute(update(BroadcastRecipient).where(
        BroadcastRecipient.chunk_id == chunk_id, BroadcastRecipient.status == RecipientStatus.PENDING,
        select(Staff.id).where(Staff.id == BroadcastRecipient.staff_id, Staff.active.is_(False)).exists())
        .values(status=RecipientStatus.SKIPPED, reason=SkipReason.STAFF_LEFT))


def _leads_to_relay(notice: Broadcast, recipients: Sequence[Row[tuple[int, str, str | None]]]) -> frozenset[int]:
    """The 楼长 among the recipients, asked to pass the notice on to neighbours without WeChat: not a staff-only one
    (a meeting, an internal reminder is not for neighbours)."""
    if not is_public(notice):
        return frozenset()
    return frozenset(rid for rid, _, role in recipients if role == StaffRole.BUILDING_LEAD)


def is_public(notice: Broadcast) -> bool:
    """Whether anyone may read the notice's text by its number: residents' notices are public; a staff-only one
    (a meeting, an internal reminder) is not, since numbers are sequential and easy to guess."""
    return notice.audience != NoticeAudience.STAFF


def _drop_cancelled(session: Session, chunk: BroadcastChunk) -> None:
    chunk.status = ChunkStatus.CANCELLED
    session.execute(update(BroadcastRecipient).where(BroadcastRecipient.chunk_id == chunk.id,
                                                     BroadcastRecipient.status == RecipientStatus.PENDING)
                    .values(status=RecipientStatus.SKIPPED, reason=CANCELLED))
    session.execute(update(BroadcastRecipient).where(BroadcastRecipient.chunk_id == chunk.id,
                                                     BroadcastRecipient.status == RecipientStatus.SENDING)
                    .values(status=RecipientStatus.FAILED, reason=OUTCOME_UNKNOWN))


def _held(chunk_id: int, attempt: int):  # type: ignore[no-untyped-def]
    return and_(BroadcastChunk.id == chunk_id, BroadcastChunk.status == ChunkStatus.SENDING,
                BroadcastChunk.attempts == attempt)


def start(session: Session, work: Work, recipient_ids: list[int], now: datetime, lease: timedelta) -> bool:
    """Claim the next recipients of a template/customer-service chunk and extend its lease; False if the chunk was
    taken over (the old worker stops)."""
    held = session.execute(update(BroadcastChunk).where(_held(work.chunk_id, work.attempt))
                           .values(lease_until=now + lease)).rowcount
    if held != 1:
        return False
    session.execute(update(BroadcastRecipient).where(BroadcastRecipient.id.in_(recipient_ids),
                                                     BroadcastRecipient.status.in_(UNSENT))
                    .values(status=RecipientStatus.SENDING, sending_at=now))
    return True


def record_sent(session: Session, sent: list[tuple[int, str | None]], now: datetime) -> None:
    """Template or customer-service messages that went out, with the template's msgid."""
    for recipient_id, msg_id in sent:
        session.execute(update(BroadcastRecipient).where(BroadcastRecipient.id == recipient_id,
                                                         BroadcastRecipient.status.in_(UNSENT))
                        .values(status=RecipientStatus.SENT, msg_id=msg_id, sent_at=now))


def record_mass(session: Session, work: Work, msg_id: str, now: datetime) -> None:
    """A mass chunk WeChat accepted (or had accepted: 45065): every recipient in it is handed over."""
    session.execute(update(BroadcastChunk).where(BroadcastChunk.id == work.chunk_id)
                    .values(msg_id=msg_id, sent_at=now))
    session.execute(update(BroadcastRecipient).where(BroadcastRecipient.chunk_id == work.chunk_id,
                                                     BroadcastRecipient.status.in_(UNSENT))
                    .values(status=RecipientStatus.SENT, sent_at=now))
    finish(session, work.chunk_id, work.attempt, now)


def fail_recipient(session: Session, recipient_id: int, reason: str) -> None:
    """One message WeChat refused for good (the person unfollowed, refused the template, …)."""
    session.execute(update(BroadcastRecipient).where(BroadcastRecipient.id == recipient_id)
                    .values(status=RecipientStatus.FAILED, reason=reason[:255]))


def finish(session: Session, chunk_id: int, attempt: int, now: datetime) -> None:
    """The chunk is through; the notice is done when no chunk is left."""
    session.execute(update(BroadcastChunk).where(_held(chunk_id, attempt)).values(status=ChunkStatus.DONE))
    _settle(session, chunk_id, now)


def fail_chunk(session: Session, chunk_id: int, reason: str, now: datetime, attempt: int) -> None:
    """The chunk cannot be sent (40130, an error retrying cannot fix): its unsent recipients fail with the reason.
    Only while `attempt` holds it: a worker that stalled past its lease and was taken over fails nothing of the
    attempt now sending those recipients."""
    failed = session.execute(update(BroadcastChunk).where(_held(chunk_id, attempt))
                             .values(status=ChunkStatus.FAILED, last_error=reason)).rowcount
    if failed != 1:
        return
    session.execute(update(BroadcastRecipient).where(BroadcastRecipient.chunk_id == chunk_id,
                                                     BroadcastRecipient.status.in_(UNSENT))
                    .values(status=RecipientStatus.FAILED, reason=reason[:255]))
    _settle(session, chunk_id, now)


def retry_later(session: Session, work: Work, due: datetime, reason: str) -> None:
    """A transient error: the chunk waits until `due`, its claimed-but-unsent recipients go back to pending (a
    template's key still protects a call that did arrive)."""
    moved = session.execute(update(BroadcastChunk).where(_held(work.chunk_id, work.attempt))
                            .values(status=ChunkStatus.PENDING, due_at=due, last_error=reason)).rowcount
    if moved:
        _count_in_month_of(session, work, due)
    if work.channel is NoticeChannel.TEMPLATE:
        session.execute(update(BroadcastRecipient).where(BroadcastRecipient.chunk_id == work.chunk_id,
                                                         BroadcastRecipient.status == RecipientStatus.SENDING)
                        .values(status=RecipientStatus.PENDING))


def _count_in_month_of(session: Session, work: Work, due: datetime) -> None:
    """A mass send put off to `due` counts in that month's four (month_of): stopped at 22:00 on 31 January and sent
    on 1 February, it is one of February's, which planning must see, not one of January's."""
    if work.channel is NoticeChannel.MASS:
        session.execute(update(BroadcastRecipient).where(BroadcastRecipient.chunk_id == work.chunk_id,
                                                         BroadcastRecipient.mass_month.is_not(None))
                        .values(mass_month=month_of(due)))


def stop_channel(session: Session, work: Work, reason: str, now: datetime) -> datetime:
    """WeChat's daily quota is used up (45009): the channel rests until local midnight, the chunk waits for it (an
    ordinary notice's until the morning, as planning puts one off) and its notice says why. Returns when the
    channel opens again."""
    tomorrow = now.astimezone(LOCAL_ZONE).date() + timedelta(days=1)
    until = datetime.combine(tomorrow, time(), LOCAL_ZONE)
    due = until if work.urgent else datetime.combine(tomorrow, MORNING, LOCAL_ZONE)
    stop = session.get(ChannelStop, work.channel.value)
    if stop is None:
        session.add(ChannelStop(channel=work.channel.value, until=until, reason=reason))
    else:
        stop.until, stop.reason = max(stop.until, until), reason
    moved = session.execute(update(BroadcastChunk).where(_held(work.chunk_id, work.attempt))
                            .values(status=ChunkStatus.PENDING, due_at=due, last_error=reason)).rowcount
    if moved:
        _count_in_month_of(session, work, due)
    # A 45009 call sent nothing: the recipients it was for go back to waiting.
    session.execute(update(BroadcastRecipient).where(BroadcastRecipient.chunk_id == work.chunk_id,
                                                     BroadcastRecipient.status == RecipientStatus.SENDING)
                    .values(status=RecipientStatus.PENDING))
    session.execute(update(Broadcast).where(Broadcast.number == work.number).values(last_error=reason))
    return until


def _settle(session: Session, chunk_id: int, now: datetime) -> None:
    """The notice is done when this chunk was its last open one. Its row is locked first (PostgreSQL): the last two
    chunks ending at once on two workers each saw the other still open, and the notice stayed 发送中 for ever."""
    broadcast_id = session.scalar(select(BroadcastChunk.broadcast_id).where(BroadcastChunk.id == chunk_id))
    session.execute(select(Broadcast.id).where(Broadcast.id == broadcast_id).with_for_update())
    open_chunks = select(BroadcastChunk.id).where(
        BroadcastChunk.broadcast_id == broadcast_id,
        BroadcastChunk.status.in_((ChunkStatus.PENDING, ChunkStatus.QUEUED, ChunkStatus.SENDING)))
    if session.scalars(open_chunks.limit(1)).first() is None:
        session.execute(update(Broadcast).where(Broadcast.id == broadcast_id,
                                                Broadcast.state.in_((NoticeState.SCHEDULED, NoticeState.SENDING)))
                        .values(state=NoticeState.DONE, finished_at=now))
