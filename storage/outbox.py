"""The outbox: messages decided inside a transaction, delivered by workers after it commits.

A row is sent at most once. A worker claims a batch of rows (queued -> sending) in one transaction, with their
channels, before calling WeChat; a transient error puts a row back to pending. Before each call the worker marks the
row in Redis, and after it notes the send there too (bot/worker/call_marks.py); the batch's sends are written here
at its end. A row still `sending` after ABANDONED_AFTER lost its worker, and `settle_abandoned` asks those marks what
became of it: never called (back to pending, sent later), sent (recorded), or cut off around the call. Neither
WeChat's customer-service nor its template API can say whether that one arrived: it is marked failed, "outcome
unknown", never sent again. Without marks to trust (another Redis server now, or none) every such row is.

Digests: task cards, reminders, escalations, merges and category corrections (FOLDED) beyond `digest_after` to one person within one
minute are not sent one by one (an emergency's 【紧急】 card always is). Each is still written, as `digested`, and counted into one digest row for that
person and minute, due at the minute's end, that names the first tickets and points to 我的任务. `add` is the
only writer of outbox rows, so this is the one place that decides it, in the transaction of the row it absorbs.

Routine copies (`routine=True`): a 抢单 grid's task cards to its 网格长, who oversees rather than claims, are
always folded, into that person's digest of the ROUTINE_WINDOW (a quarter of an hour), never sent one by one. What
needs the leader (escalations, returns, emergencies, complaints, focus cases, reopened appeals) is never routine.

Finished rows (sent, failed, digested) are forgotten GRIDBOT_OUTBOX_KEEP_DAYS after their last try, except those
of an appeal still open (`forget_finished`, run by the worker every hour).
"""

from __future__ import annotations

import enum
import json
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Callable, Collection, Mapping, Sequence, cast

from sqlalchemy import ColumnElement, case, delete, func, or_, select, true, tuple_, update
from sqlalchemy.orm import Session

from storage import advisory_locks
from storage.driver_sql import DriverSQL, timestamp
from storage.models import OPEN_STATUSES, Appeal, DeliveryChannel, OutboxMessage, OutboxStatus, Staff
from storage.notices import (
    BY_NAME,
    Audience,
    Notice,
    StaffDigest,
    StaffEscalated,
    StaffMerged,
    StaffNewAppeal,
    StaffRecategorised,
    StaffReminder,
    StaffTaken,
    from_params,
)

# A queued row whose job has not finished by then was lost with its worker or its Redis: queue it again.
REQUEUE_AFTER = timedelta(minutes=5)
# A live batch takes seconds, or minutes when every call meets the API's 5 s timeouts and one retry (20 rows x 10 s):
# a row sending this long has no worker.
ABANDONED_AFTER = timedelta(minutes=10)
OUTCOME_UNKNOWN = "outcome unknown: worker stopped during the send"
# Rows that are done with (GRIDBOT_OUTBOX_KEEP_DAYS, `forget_finished`); a task card of an appeal still open is not:
# a merge tells the card's holders (storage.joins).
FINISHED = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.DIGESTED)
FORGET_BATCH = 1_000  # rows a transaction deletes: SQLite's write lock is held for milliseconds, not seconds

# Digests (GRIDBOT_DIGEST_AFTER; the value reaches storage through the session's info, see `session_info`).
DIGEST_AFTER = 5
DIGEST_AFTER_KEY = "outbox_digest_after"
DIGEST_WINDOW = timedelta(minutes=1)
# The tickets a digest keeps, each once: its text names the first ten and says how many in all (a member with thirty
# overdue tasks is told thirty), and a withdrawn appeal's notices leave it whichever it is. Beyond these the count
# of notices covers the rest.
DIGEST_TICKETS = 100
# notice -> the digest's counter for it
FOLDED: dict[type[Notice], str] = {StaffNewAppeal: "new", StaffReminder: "reminders", StaffEscalated: "escalations",
                                   StaffMerged: "merged", StaffRecategorised: "recategorised"}
FOLDED_NAMES = frozenset(kind.name for kind in FOLDED)
ROUTINE_WINDOW = timedelta(minutes=15)

# The statements every task card runs, handed straight to the driver (storage/driver_sql.py): SQLAlchemy's layers
# around a statement cost more than SQLite's work in it, and a dispatch round runs thousands
# (bench/appeal_cost.py). Parameters are what the driver stores: `timestamp` for times, plain text for statuses.
_INSERT_ROW = DriverSQL(
    "INSERT INTO outbox (idempotency_key, recipient_openid, template, params, appeal_id, status, attempts, "
    "created_at, next_attempt_at) VALUES (%(key)s, %(openid)s, %(template)s, %(params)s, %(appeal_id)s, "
    "%(status)s, 0, %(now)s, %(due)s)"
)
# A person's digest row of a window, made by the first message folded into it (on PostgreSQL `lock_digests` has
# locked its key first: no other transaction makes it meanwhile); later ones update its counts.
_NEW_DIGEST = DriverSQL(
    "INSERT INTO outbox (idempotency_key, recipient_openid, template, params, status, attempts, created_at, "
    "next_attempt_at) VALUES (%(key)s, %(openid)s, %(template)s, %(params)s, %(pending)s, 0, %(now)s, %(due)s)"
)
_DIGEST_COUNTS = DriverSQL("UPDATE outbox SET params = %(params)s WHERE id = %(row)s")
# What a worker writes down for each row of its batch: the channel before the call, "sent" after it.
_MARK_SENT = DriverSQL(
    "UPDATE outbox SET status = %(sent)s, sent_at = %(now)s, last_error = NULL, wechat_msgid = %(msgid)s "
    "WHERE id = %(row)s AND status = %(sending)s"
)
_RECORD_CHANNEL = DriverSQL(
    "UPDATE outbox SET channel = %(channel)s WHERE id = %(row)s AND status = %(sending)s"
)


@dataclass(frozen=True)
class Delivery:
    """What a worker needs to send one outbox row."""

    id: int
    recipient_openid: str
    template: str
    params: dict[str, Any]
    attempts: int
    channel: DeliveryChannel | None  # None until the first attempt chooses; kept for the retries
    created_at: datetime | None = None  # when the step it tells of happened (a template's time line)


@dataclass(frozen=True)
class Outgoing:
    """One message to record: to whom, what, when it was decided, and the key that makes it happen once."""

    key: str
    recipient_openid: str
    notice: Notice
    now: datetime
    appeal_id: int | None = None
    routine: bool = False
    due: datetime | None = None  # not to be sent before (a resident's quiet hours, storage.quiet_hours); None: now

    @property
    def foldable(self) -> bool:
        """A task card, reminder or escalation; an emergency's card must be read the moment it arrives: never."""
        return type(self.notice) in FOLDED and not getattr(self.notice, "urgent", False)

    @property
    def minute(self) -> tuple[str, datetime]:
        """The recipient and the minute whose rows `digest_after` counts."""
        return self.recipient_openid, self.now.replace(second=0, microsecond=0)


def add(
    session: Session,
    *,
    key: str,
    recipient_openid: str,
    notice: Notice,
    now: datetime,
    appeal_id: int | None = None,
    routine: bool = False,
) -> None:
    """Record a message to send once the current transaction commits; the key makes it happen once.

    The row stores the notice's name and parameters (storage.notices). A task card, reminder or escalation
    beyond the recipient's `digest_after` of this minute is recorded as `digested` and counted into their
    digest instead; a `routine` one always is, into their digest of the ROUTINE_WINDOW. Everything but tests
    writes through storage.telling.tell.
    """
    add_all(session, [Outgoing(key, recipient_openid, notice, now, appeal_id, routine)])


def add_all(session: Session, messages: Sequence[Outgoing]) -> None:
    """Record `messages` exactly as `add` would one after another, in a few statements whatever their number.

    A dispatch chunk tells some sixty people: one by one that was two to four statements each (a round trip
    each on PostgreSQL), here it is one per step for all of them. On PostgreSQL the recipients' digest rows are
    locked first, in one order (`lock_digests`).
    """
    if not messages:
        return
    foldable = [message for message in messages if message.foldable]
    digests = _Digests.read(session, foldable)
    digested = _fold(session, messages, foldable, digests)
    session.flush()  # what the ORM holds goes first (the appeals the rows point to)
    _INSERT_ROW.run_many(session, [{
        "key": message.key, "openid": message.recipient_openid, "template": message.notice.name,
        "params": message.notice.stored, "appeal_id": message.appeal_id,
        "status": str(OutboxStatus.DIGESTED if position in digested else OutboxStatus.PENDING),
        "now": timestamp(session, message.now), "due": timestamp(session, message.due or message.now),
    } for position, message in enumerate(messages)])
    digests.write(session)  # a digest made here comes after the rows it counts, as one by one


def session_info(digest_after: int) -> dict[str, Any]:
    """What a Database puts into each session's info for `add` (GRIDBOT_DIGEST_AFTER)."""
    return {DIGEST_AFTER_KEY: digest_after}


@dataclass(frozen=True)
class Abandoned:
    """A row whose send was cut off (failed as outcome unknown by `settle_abandoned`)."""

    id: int
    template: str
    recipient_openid: str
    appeal_id: int | None


@dataclass(frozen=True)
class Claim:
    """A row still `sending` ABANDONED_AFTER its claim: the worker's claim, for its marks to be looked up."""

    id: int
    attempt: int  # the claim's attempt number (rows are claimed again after transient errors)
    epoch: str | None  # the Redis server its marks went to; None for claims before marks existed
    sending_at: datetime


class CallState(enum.Enum):
    """What a dead worker's marks say of one claimed row."""

    NOT_CALLED = "not called"  # WeChat never saw it, and the worker that claimed it will not call now
    SENT = "sent"  # the call succeeded; the worker died before writing it down
    UNKNOWN = "unknown"  # cut off around the call, or no marks to trust


CallOutcomes = Callable[[Sequence[Claim]], Mapping[int, tuple[CallState, str | None]]]


def settle_abandoned(session: Session, now: datetime, outcomes: CallOutcomes) -> Sequence[Abandoned]:
    """Settle the rows still `sending` ABANDONED_AFTER their claim by what `outcomes` says of their calls (a row it
    leaves out is UNKNOWN): back to pending, sent (with WeChat's msgid), or failed as outcome unknown. Returns the
    failed ones.

    Compare-and-set on the status and the claim's attempt: of two relays running this at once, each row is settled
    by exactly one, and a relay that read a claim before the other settled it, queued it and a worker claimed it
    again leaves that live claim alone (it would have put it back to pending, or failed it, during its send).
    """
    claims = [Claim(row_id, attempts, epoch, sending_at) for row_id, attempts, epoch, sending_at in session.execute(
        select(OutboxMessage.id, OutboxMessage.attempts, OutboxMessage.claim_epoch, OutboxMessage.sending_at)
        .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.sending_at < now - ABANDONED_AFTER)
        .order_by(OutboxMessage.id)
    )]
    if not claims:
        return []
    said = outcomes(claims)
    unknown = []
    for claim in claims:
        state, msgid = said.get(claim.id, (CallState.UNKNOWN, None))
        if state is CallState.NOT_CALLED:
            # Its attempt stays counted: the next claim's number, and so its mark, must be new.
            _finish(session, claim.id, claim.attempt, status=OutboxStatus.PENDING, next_attempt_at=now,
                    queued_at=None, sending_at=None, claim_epoch=None)
        elif state is CallState.SENT:
            _finish(session, claim.id, claim.attempt, status=OutboxStatus.SENT, sent_at=now, last_error=None,
                    wechat_msgid=msgid)
        else:
            unknown.append((claim.id, claim.attempt))
    if not unknown:
        return []
    rows = session.execute(
        update(OutboxMessage)
        .where(tuple_(OutboxMessage.id, OutboxMessage.attempts).in_(unknown),
               OutboxMessage.status == OutboxStatus.SENDING)
        .values(status=OutboxStatus.FAILED, last_error=OUTCOME_UNKNOWN)
        .returning(OutboxMessage.id, OutboxMessage.template, OutboxMessage.recipient_openid, OutboxMessage.appeal_id)
    ).all()
    return [Abandoned(*row) for row in sorted(rows)]


def take_due(session: Session, now: datetime, limit: int = 500, requeue_lost: bool = True) -> list[int]:
    """Mark due rows as queued and return their ids in order, for the relay to hand to RQ (call `settle_abandoned`
    first): pending rows whose time has come, the longest due first (after the lost ones below).

    `requeue_lost`: also take rows queued more than REQUEUE_AFTER ago, whose jobs Redis lost. The relay asks for
    them only when RQ's queue is empty: while it holds a backlog those rows' jobs are most likely still waiting in
    it, and queueing them again would only lengthen the backlog each round (a worker that fell five minutes
    behind would never catch up).

    Each kind is read on its own along ix_outbox_status_due (status, then due time), so a round reads the rows it
    takes and not the ones sent long ago. Asked for both at once, oldest id first, PostgreSQL walked the primary key
    from the first row ever sent: 40 ms a round at 300,000 sent rows, a month of a city's appeals.
    """
    ids: list[int] = []
    if requeue_lost:  # first: they have waited longest
        ids += _lock_first(session, (OutboxMessage.status == OutboxStatus.QUEUED)
                           & (OutboxMessage.queued_at < now - REQUEUE_AFTER), limit)
    if len(ids) < limit:
        ids += _lock_first(session, (OutboxMessage.status == OutboxStatus.PENDING)
                           & (OutboxMessage.next_attempt_at <= now), limit - len(ids))
    if ids:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status=OutboxStatus.QUEUED, queued_at=now)
        )
    return sorted(ids)


def _lock_first(session: Session, condition: ColumnElement[bool], limit: int) -> list[int]:
    """The ids of at most `limit` rows meeting `condition`, earliest due first, locked; two relays on PostgreSQL
    skip each other's rows instead of queueing them twice."""
    return list(session.scalars(
        select(OutboxMessage.id).where(condition)
        .order_by(OutboxMessage.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ))


def release_queued(session: Session, ids: Sequence[int], queued_at: datetime) -> int:
    """Hand rows taken at `queued_at` back (pending, due at once) when their jobs never reached Redis: the next round
    takes them again instead of the lost-job sweep after REQUEUE_AFTER. Compare-and-set: a row a job has claimed
    meanwhile (the enqueue did land, only its answer was lost) is left alone; the others' jobs, if they did land,
    find nothing to claim."""
    return session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.QUEUED,
               OutboxMessage.queued_at == queued_at)
        .values(status=OutboxStatus.PENDING, queued_at=None)
    ).rowcount


def claim(session: Session, outbox_ids: Sequence[int], now: datetime, epoch: str | None,
          customer_service: Collection[str] = ()) -> list[Delivery]:
    """Claim the queued rows among `outbox_ids` for a send each (compare-and-set), by id; a row that was sent, is
    being sent, or is gone is left out. `epoch`: the Redis server the worker marks its calls on. A row of a
    `customer_service` template that has no channel yet is given that one in the same statement (staff notices:
    their channel needs no window to be looked up; the others' are chosen and written by `record_channels`)."""
    channel: Any = OutboxMessage.channel
    if customer_service:
        channel = case((OutboxMessage.channel.is_(None) & OutboxMessage.template.in_(sorted(customer_service)),
                        str(DeliveryChannel.CUSTOMER_SERVICE)), else_=OutboxMessage.channel)
    rows = session.execute(
        update(OutboxMessage.__table__)
        .where(OutboxMessage.id.in_(outbox_ids), OutboxMessage.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.SENDING, attempts=OutboxMessage.attempts + 1, sending_at=now, claim_epoch=epoch,
                channel=channel)
        .returning(OutboxMessage.id, OutboxMessage.recipient_openid, OutboxMessage.template, OutboxMessage.params,
                   OutboxMessage.attempts, OutboxMessage.channel, OutboxMessage.created_at)
    ).all()
    return [Delivery(row_id, openid, template, json.loads(params), attempts,
                     DeliveryChannel(channel) if channel else None, created_at)
            for row_id, openid, template, params, attempts, channel, created_at in sorted(rows)]


def record_channels(session: Session, chosen: Sequence[Delivery]) -> None:
    """Write down which way each claimed row is about to go (its `channel`), before the calls that send them."""
    sending = str(OutboxStatus.SENDING)
    _RECORD_CHANNEL.run_many(session, [{"row": delivery.id, "channel": str(delivery.channel), "sending": sending}
                                       for delivery in chosen])


def record_channel(session: Session, delivery: Delivery, channel: DeliveryChannel) -> Delivery:
    """Write down which way the claimed row is about to go, before the call that sends it."""
    chosen = replace(delivery, channel=channel)
    record_channels(session, [chosen])
    return chosen


def mark_all_sent(session: Session, sends: Sequence[tuple[int, str | None]], now: datetime) -> None:
    """The messages left: (outbox id, WeChat's msgid for a template message, else None) each."""
    sent_at, sent, sending = timestamp(session, now), str(OutboxStatus.SENT), str(OutboxStatus.SENDING)
    _MARK_SENT.run_many(session, [{"row": outbox_id, "now": sent_at, "msgid": msgid, "sent": sent, "sending": sending}
                                  for outbox_id, msgid in sends])


def mark_failed(session: Session, outbox_id: int, error: str, attempt: int | None = None) -> None:
    """The message can't be sent (a permanent error); kept for operators to see. `attempt`: the claim that met it
    (a worker taken over after a stall leaves the claim now sending it alone)."""
    _finish(session, outbox_id, attempt, status=OutboxStatus.FAILED, last_error=error[:500])


def retry_later(session: Session, outbox_id: int, error: str, at: datetime, attempt: int | None = None) -> None:
    """A transient error: back to pending, due again at `at`; of the claim `attempt`, as `mark_failed`."""
    _finish(session, outbox_id, attempt, status=OutboxStatus.PENDING, next_attempt_at=at, last_error=error[:500])


def _finish(session: Session, outbox_id: int, attempt: int | None = None, **values: Any) -> None:
    """End a claim (`sending`): of the claim numbered `attempt`, when given."""
    claimed = (OutboxMessage.id == outbox_id) & (OutboxMessage.status == OutboxStatus.SENDING)
    if attempt is not None:
        claimed &= OutboxMessage.attempts == attempt
    session.execute(update(OutboxMessage.__table__).where(claimed).values(**values))


def drop_unsent_to_staff(session: Session, openid: str, appeal_ids: Collection[int] | None = None) -> int:
    """Delete the staff notices to `openid` not sent yet (pending or queued: their jobs find nothing to send); the
    member has left (or, given `appeal_ids`, moved away from those appeals), and a card still waiting for a busy
    worker would carry an appeal's words and address to them. What they would have read as a resident (their own
    appeals) still goes. Returns how many."""
    if appeal_ids is not None and not appeal_ids:
        return 0
    about = OutboxMessage.appeal_id.in_(sorted(appeal_ids)) if appeal_ids is not None else true()
    return session.execute(
        delete(OutboxMessage)
        .where(_unsent(openid, residents=False), about)
        .execution_options(synchronize_session=False)
    ).rowcount


def drop_unsent_news(session: Session, appeal_id: int, openid: str) -> int:
    """Delete the resident notices about the appeal to `openid` not sent yet (pending or queued: their jobs find
    nothing to send); its resident withdrew it, and news held for the morning by the quiet hours (已接单, 有新进展)
    would reach them after their 撤销, of work on an appeal they no longer have. Returns how many."""
    return session.execute(
        delete(OutboxMessage)
        .where(_unsent(openid, residents=True), OutboxMessage.appeal_id == appeal_id)
        .execution_options(synchronize_session=False)
    ).rowcount


def drop_unsent_taken(session: Session, appeal_id: int, openid: str) -> int:
    """Delete the 已由某某接单 about the appeal to `openid` not sent yet: they tried to claim it just after and the
    reply told them who had it; the same news a second later is noise on a phone in the field. Returns how many."""
    return session.execute(
        delete(OutboxMessage)
        .where(_unsent(openid, residents=False), OutboxMessage.appeal_id == appeal_id,
               OutboxMessage.template == StaffTaken.name)
        .execution_options(synchronize_session=False)
    ).rowcount


def appeals_unsent_to_staff(session: Session, openid: str) -> set[int]:
    """The appeals of the staff notices to `openid` not sent yet (pending or queued)."""
    return set(session.scalars(select(OutboxMessage.appeal_id).where(
        _unsent(openid, residents=False), OutboxMessage.appeal_id.is_not(None)).distinct()))


def _unsent(openid: str, residents: bool) -> ColumnElement[bool]:
    """The notices to `openid` not sent yet (pending or queued): those of a resident's, or of a staff member's."""
    notices = sorted(name for name, kind in BY_NAME.items() if (kind.audience is Audience.RESIDENT) == residents)
    return (OutboxMessage.recipient_openid == openid) & OutboxMessage.template.in_(notices) \
        & OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.QUEUED))


@dataclass(frozen=True)
class Undelivered:
    """A notice that could not be delivered (`gridbot outbox failed`), with the appeal it told of."""

    row: OutboxMessage
    ticket: str | None
    staff_name: str | None  # the recipient, when they are staff


def undelivered(session: Session, since: datetime | None = None) -> list[Undelivered]:
    """Failed rows (a permanent error, retries used up, or cut off mid-send), created at or after `since`, by id."""
    query = (select(OutboxMessage, Appeal.ticket, Staff.name)
             .outerjoin(Appeal, Appeal.id == OutboxMessage.appeal_id)
             .outerjoin(Staff, Staff.openid == OutboxMessage.recipient_openid)
             .where(OutboxMessage.status == OutboxStatus.FAILED))
    if since is not None:
        query = query.where(OutboxMessage.created_at >= since)
    return [Undelivered(row, ticket, name) for row, ticket, name in session.execute(query.order_by(OutboxMessage.id))]


class NotRetriable(Exception):
    """`requeue` refused: the row is not failed (`status`), or its outcome is unknown (it may have arrived)."""

    def __init__(self, status: str | None, outcome_unknown: bool = False) -> None:
        super().__init__(status)
        self.status = status
        self.outcome_unknown = outcome_unknown


def requeue(session: Session, outbox_id: int, now: datetime) -> None:
    """Send a failed row again: the same row, key and recipient, back to pending and due now, for the relay.

    Compare-and-set on `failed`: a second requeue finds it pending (or sent) and is refused, so the row is never
    queued twice. The channel is chosen afresh (the window may be open again, a template may have been set up).
    A row cut off mid-send (OUTCOME_UNKNOWN) may have arrived: it is never sent again.
    """
    row = session.get(OutboxMessage, outbox_id)
    if row is None or row.status != OutboxStatus.FAILED or row.last_error == OUTCOME_UNKNOWN:
        raise NotRetriable(row.status if row else None, row is not None and row.last_error == OUTCOME_UNKNOWN)
    changed = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id, OutboxMessage.status == OutboxStatus.FAILED)
        .values(status=OutboxStatus.PENDING, next_attempt_at=now, channel=None, queued_at=None, sending_at=None)
    ).rowcount
    if changed != 1:
        raise NotRetriable(OutboxStatus.PENDING)


def requeue_since(session: Session, since: datetime, now: datetime) -> tuple[int, int]:
    """`requeue` every failed row created at or after `since` at once (after a wrong AppSecret or a network outage
    was put right); returns how many were queued again and how many were left: cut off mid-send, they may have
    arrived, so they are never sent again. One compare-and-set statement: a row queued twice is impossible."""
    failed = (OutboxMessage.status == OutboxStatus.FAILED) & (OutboxMessage.created_at >= since)
    unknown = OutboxMessage.last_error == OUTCOME_UNKNOWN
    requeued = session.execute(
        update(OutboxMessage)
        .where(failed, or_(OutboxMessage.last_error.is_(None), ~unknown))
        .values(status=OutboxStatus.PENDING, next_attempt_at=now, channel=None, queued_at=None, sending_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    left = session.scalar(select(func.count()).select_from(OutboxMessage).where(failed, unknown)) or 0
    return requeued, left


def forget_finished(session: Session, before: datetime, limit: int = FORGET_BATCH) -> int:
    """Delete up to `limit` finished rows whose last try was due before `before` and whose appeal, if any, is no
    longer open; returns how many. What they told is in the appeals' audit trail, which is never deleted.

    Their keys go with them: nothing writes a key again that long after (a step of an appeal is keyed by the
    appeal, which is closed; a daily summary by its day). One status at a time, each read through
    ix_outbox_status_due (status, time of the last try), so a round reads the rows it deletes, not the months of
    history it keeps (with `status IN (...)` SQLite's planner, once it has statistics, scans the table instead).
    """
    forgotten = 0
    for status in FINISHED:
        chosen = (select(OutboxMessage.id)
                  .outerjoin(Appeal, Appeal.id == OutboxMessage.appeal_id)
                  .where(OutboxMessage.status == status, OutboxMessage.next_attempt_at < before,
                         or_(OutboxMessage.appeal_id.is_(None), Appeal.status.not_in(OPEN_STATUSES)))
                  .limit(limit - forgotten))
        doomed = delete(OutboxMessage).where(OutboxMessage.id.in_(chosen.scalar_subquery()))
        # Nothing of these rows is loaded in the session: no need for SQLAlchemy to read them first to forget them.
        forgotten += session.execute(doomed.execution_options(synchronize_session=False)).rowcount
        if forgotten >= limit:
            break
    return forgotten


_DIGEST_KINDS = (("digest", DIGEST_WINDOW), ("routine", ROUTINE_WINDOW))


def lock_digests(session: Session, recipients: Collection[tuple[str, datetime]]) -> None:
    """PostgreSQL: lock, in one order for everybody, the digest rows that the transaction may create or count into
    for these (openid, time told) recipients (their minute's and their quarter's), before it writes any.

    Two workers' dispatch chunks that share recipients took those rows' locks in their appeals' order and could
    deadlock (A holds the 网格长 of grid 1's digest and waits for grid 2's, B the other way round): PostgreSQL found it
    after its deadlock_timeout (1 s) and aborted one chunk (bench/dispatch_latency.py, two workers); so could the
    supervision sweep and a chunk. Each now takes all its locks at once (storage.telling.deferred), and the second
    waits for the first to commit: advisory locks on the digest keys, which cover rows not created yet.
    """
    advisory_locks.lock(session, (_digest_window(kind, openid, now, window)[0]
                                  for openid, now in recipients for kind, window in _DIGEST_KINDS))


def _digest_window(kind: str, openid: str, now: datetime, window: timedelta) -> tuple[str, datetime, int]:
    """The key of `openid`'s digest row of the `kind` window `now` falls in, the window's start, its minutes."""
    minutes = int(window.total_seconds() // 60)
    start = now.replace(minute=now.minute - now.minute % minutes, second=0, microsecond=0)
    return f"{kind}:{openid}:{start:%Y%m%d%H%M}", start, minutes


def _fold(session: Session, messages: Sequence[Outgoing], foldable: Sequence[Outgoing],
          digests: _Digests) -> set[int]:
    """The positions of the `messages` counted into their recipient's digest rather than sent on their own.

    In order, as one by one: a routine copy always folds; another foldable message folds once its recipient already
    has `digest_after` rows of FOLDED kinds this minute that were not folded, counting the messages before it. A
    digest already handed to a worker (a clock running late) takes nothing more: the row is then sent on its own.
    """
    if not foldable:
        return set()
    on_their_own = _sent_on_their_own(session, {message.minute for message in foldable if not message.routine})
    digest_after = session.info.get(DIGEST_AFTER_KEY, DIGEST_AFTER)
    folded = set()
    for position, message in enumerate(messages):
        if message.foldable and (message.routine or on_their_own[message.minute] >= digest_after) \
                and digests.count(message):
            folded.add(position)
        elif type(message.notice) in FOLDED:
            on_their_own[message.minute] += 1
    return folded


def _sent_on_their_own(session: Session, minutes: Collection[tuple[str, datetime]]) -> Counter[tuple[str, datetime]]:
    """Rows of FOLDED kinds each (recipient, minute) already has that were not folded (a routine copy folded into
    the quarter's digest was not sent): one query per minute, usually one."""
    found: Counter[tuple[str, datetime]] = Counter()
    for start in sorted({start for _, start in minutes}):
        openids = sorted({openid for openid, minute in minutes if minute == start})
        found.update({(openid, start): count for openid, count in session.execute(
            select(OutboxMessage.recipient_openid, func.count(OutboxMessage.id))
            .where(OutboxMessage.recipient_openid.in_(openids), OutboxMessage.created_at >= start,
                   OutboxMessage.created_at < start + DIGEST_WINDOW, OutboxMessage.template.in_(FOLDED_NAMES),
                   OutboxMessage.status != OutboxStatus.DIGESTED)
            .group_by(OutboxMessage.recipient_openid))})
    return found


@dataclass
class _Digest:
    """A digest row as `_fold` counts into it: read (and locked), or made by this transaction (`id` None)."""

    id: int | None
    openid: str
    status: str
    summary: StaffDigest
    created_at: datetime
    due: datetime
    changed: bool = False


class _Digests:
    """The digest rows a batch of messages may count into, read at once and written back at once."""

    def __init__(self, found: dict[str, _Digest]) -> None:
        self._by_key = found

    @classmethod
    def read(cls, session: Session, foldable: Sequence[Outgoing]) -> _Digests:
        """The existing digest rows of these messages' windows, locked (PostgreSQL: first the keys, in one order, by
        `lock_digests`; then the rows)."""
        if not foldable:
            return cls({})
        lock_digests(session, {(message.recipient_openid, message.now) for message in foldable})
        keys = sorted({_window_of(message)[0] for message in foldable})
        rows = session.execute(
            select(OutboxMessage.id, OutboxMessage.idempotency_key, OutboxMessage.recipient_openid,
                   OutboxMessage.status, OutboxMessage.params, OutboxMessage.created_at, OutboxMessage.next_attempt_at)
            .where(OutboxMessage.idempotency_key.in_(keys))
            .order_by(OutboxMessage.idempotency_key)
            .with_for_update()
        )
        return cls({row.idempotency_key: _Digest(
            row.id, row.recipient_openid, row.status,
            cast(StaffDigest, from_params(StaffDigest.name, json.loads(row.params))), row.created_at,
            row.next_attempt_at) for row in rows})

    def count(self, message: Outgoing) -> bool:
        """Count the message into its digest (made when missing); False if that digest is no longer pending."""
        key, start, minutes = _window_of(message)
        digest = self._by_key.get(key)
        if digest is None:
            empty = StaffDigest(window_start=start, count=0, tickets=(), minutes=minutes)
            digest = self._by_key[key] = _Digest(None, message.recipient_openid, OutboxStatus.PENDING, empty,
                                                 message.now, start + timedelta(minutes=minutes))
        if digest.status != OutboxStatus.PENDING:
            return False
        summary = digest.summary
        ticket = getattr(message.notice, "ticket", None)
        named = ticket and ticket not in summary.tickets and len(summary.tickets) < DIGEST_TICKETS
        counter = FOLDED[type(message.notice)]
        overseen = isinstance(message.notice, StaffEscalated) and message.notice.overseer
        digest.summary = replace(summary, count=summary.count + 1,
                                 tickets=summary.tickets + ((ticket,) if named else ()),
                                 overseen=summary.overseen + overseen, **{counter: getattr(summary, counter) + 1})
        digest.changed = True
        return True

    def write(self, session: Session) -> None:
        """Insert the digests made, update those counted into, each in one call to the driver (key order)."""
        changed = sorted((key, digest) for key, digest in self._by_key.items() if digest.changed)
        _NEW_DIGEST.run_many(session, [{
            "key": key, "openid": digest.openid, "template": StaffDigest.name, "params": digest.summary.stored,
            "pending": str(OutboxStatus.PENDING), "now": timestamp(session, digest.created_at),
            "due": timestamp(session, digest.due)} for key, digest in changed if digest.id is None])
        _DIGEST_COUNTS.run_many(session, [{"row": digest.id, "params": digest.summary.stored}
                                          for _, digest in changed if digest.id is not None])


_COUNTERS = {kind.name: counter for kind, counter in FOLDED.items()}


def unfold(session: Session, appeal_id: int, ticket: str) -> int:
    """Take the notices of an appeal closed unworked (撤销, 不受理) out of the digests not sent yet that name it (a
    网格长's quarter-hour digest of new tasks, a minute's digest): its ticket and their counts go; a digest left with
    nothing is dropped. Returns how many digests changed. Call in the transaction that closes it."""
    folded = session.execute(
        select(OutboxMessage.recipient_openid, OutboxMessage.template, OutboxMessage.created_at)
        .where(OutboxMessage.appeal_id == appeal_id, OutboxMessage.status == OutboxStatus.DIGESTED)
    ).all()
    if not folded:
        return 0
    lock_digests(session, {(openid, at) for openid, _, at in folded})
    counted: dict[str, list[str]] = {}  # digest key -> the templates of the appeal's rows in its window
    for openid, template, at in folded:
        for kind, window in _DIGEST_KINDS:
            counted.setdefault(_digest_window(kind, openid, at, window)[0], []).append(template)
    rows = session.execute(
        select(OutboxMessage.id, OutboxMessage.idempotency_key, OutboxMessage.params)
        .where(OutboxMessage.idempotency_key.in_(sorted(counted)), OutboxMessage.status == OutboxStatus.PENDING)
        .order_by(OutboxMessage.idempotency_key).with_for_update()
    ).all()
    changed = 0
    for row_id, key, params in rows:
        summary = cast(StaffDigest, from_params(StaffDigest.name, json.loads(params)))
        if ticket not in summary.tickets:
            continue  # the other window's digest counted them, or this one kept only its first tickets
        templates = counted[key]
        fewer = {counter: max(0, getattr(summary, counter) - templates.count(name))
                 for name, counter in _COUNTERS.items()}
        summary = replace(summary, count=summary.count - len(templates),
                          tickets=tuple(named for named in summary.tickets if named != ticket), **fewer)
        if summary.count <= 0:
            session.execute(delete(OutboxMessage).where(OutboxMessage.id == row_id))
        else:
            _DIGEST_COUNTS.run(session, {"row": row_id, "params": summary.stored})
        changed += 1
    return changed


def _window_of(message: Outgoing) -> tuple[str, datetime, int]:
    """The key, start and minutes of the digest window a foldable message would count into."""
    kind, window = ("routine", ROUTINE_WINDOW) if message.routine else ("digest", DIGEST_WINDOW)
    return _digest_window(kind, message.recipient_openid, message.now, window)


# The states a scrape counts: each is few rows, found through ix_outbox_status_due. Sent and digested rows are
# the table's bulk (every message ever): counting them would read it all, and /metrics counts sends in Redis.
WATCHED = (OutboxStatus.PENDING, OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.FAILED)


@dataclass(frozen=True)
class Backlog:
    """What the outbox holds that is not done, for monitoring (/metrics)."""

    by_status: dict[str, int]  # each of WATCHED, zero included
    oldest_due: datetime | None  # the earliest `next_attempt_at` of a pending row already due, if any


def backlog(session: Session, now: datetime) -> Backlog:
    """Rows per unfinished (or failed) status, and how long the most overdue pending row has waited."""
    counts = dict(session.execute(
        select(OutboxMessage.status, func.count()).where(OutboxMessage.status.in_(WATCHED))
        .group_by(OutboxMessage.status)
    ).all())
    oldest = session.scalar(select(func.min(OutboxMessage.next_attempt_at)).where(
        OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now))
    return Backlog({str(status): int(counts.get(status, 0)) for status in WATCHED}, oldest)
