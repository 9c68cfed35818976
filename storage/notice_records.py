"""What became of broadcast notices: progress and status, the list, cancelling, WeChat's job-finish events,
residents' opt-out (退订通知 / 订阅通知) and 楼长's 已转达.

Counting (`status`): a recipient is sent, filtered, failed, skipped or still pending. A mass send reports no names:
once its MASSSENDJOBFINISH arrives, the chunk's counts replace its recipients' — SentCount sent, TotalCount minus
FilterCount filtered (WeChat's filters: the 4 a month, refusals), ErrorCount failed.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from storage import notice_sending, points_grants
from storage.errors import NotAllowed, NotFound
from storage.models import (
    Broadcast,
    BroadcastChunk,
    BroadcastConfirmation,
    BroadcastRecipient,
    ChunkStatus,
    ConsoleUser,
    NoticeAudience,
    NoticeChannel,
    NoticeState,
    RecipientStatus,
    Resident,
    Staff,
)
from storage.tickets import LOCAL_ZONE, normalize_notice_number

CHANNELS = (NoticeChannel.MASS, NoticeChannel.TEMPLATE, NoticeChannel.CUSTOM)
ENDED = (NoticeState.DONE, NoticeState.CANCELLED)
FORGET_BATCH = 1_000  # recipient rows a transaction deletes (`forget_recipients`): the write lock for milliseconds
CANCELLED_REASON = notice_sending.CANCELLED
RECENT_DAYS = timedelta(days=30)  # 最近通知 lists what reached a person within this
# A 已转达 without a number is about a notice sent this recently (after that, the 楼长 names it).
RELAY_ASKED_WITHIN = timedelta(days=7)


@dataclass(frozen=True)
class Progress:
    """A notice's numbers, as `gridbot notice status` and 通知进度 show them."""

    number: str
    state: str
    scope: str
    audience: str
    text: str
    urgent: bool
    kind: str | None
    send_at: datetime
    recipients: int
    sent: int
    filtered: int
    failed: int
    skipped: int
    confirmed_by_building_leads: int
    by_channel: dict[str, dict[str, int]] = field(default_factory=dict)
    skipped_why: dict[str, int] = field(default_factory=dict)
    waiting_reason: str | None = None  # a channel WeChat stopped for the day (45009)
    author: str = ""  # who sent it: a staff member's or console account's name; "" from the CLI
    author_login: str | None = None  # from the CLI: the server login that ran it (None before it was kept)
    recipients_forgotten: bool = False  # the row per recipient is gone (GRIDBOT_NOTICE_KEEP_DAYS); the counts stay
    next_due: datetime | None = None  # when its first waiting chunk goes: later than send_at when quota put it off
    created_at: datetime | None = None  # when it was written (its number's day): `notice list --until` pages by it
    cancelled_at: datetime | None = None
    cancelled_by: str = ""  # the console account's or staff member's name that cancelled it; "" from the CLI
    cancelled_by_login: str | None = None  # from the CLI: the server login that ran `gridbot notice cancel`

    @property
    def pending(self) -> int:
        """Not yet handed to WeChat."""
        return self.recipients - self.sent - self.filtered - self.failed - self.skipped

    @property
    def percent(self) -> int:
        """How much of the notice has an outcome; of a cancelled one, how much had one before it was cancelled: the
        people it stopped never get it, and a full bar beside 已撤销 read as sent to all."""
        stopped = self.skipped_why.get(CANCELLED_REASON, 0) if self.state == NoticeState.CANCELLED else 0
        done = self.recipients - self.pending - stopped
        return 100 if self.recipients == 0 else done * 100 // self.recipients

    def as_json(self) -> dict[str, object]:
        """The keys of `gridbot notice status --json`."""
        return {"number": self.number, "state": self.state, "recipients": self.recipients, "sent": self.sent,
                "filtered": self.filtered, "failed": self.failed, "skipped": self.skipped,
                "confirmed_by_building_leads": self.confirmed_by_building_leads, "by_channel": self.by_channel,
                # Added after the keys above (scripts read those as they were): whether, when and by whom it was
                # cancelled; a name from the console or the chat, a server login from the command line.
                "cancelled_at": None if self.cancelled_at is None else self.cancelled_at.astimezone(LOCAL_ZONE).isoformat(),
                "cancelled_by": self.cancelled_by or None, "cancelled_by_login": self.cancelled_by_login}


def find(session: Session, number: str) -> Broadcast:
    """The notice of that number (typed as people type it); NotFound otherwise."""
    normalised = normalize_notice_number(number)
    notice = session.scalars(select(Broadcast).where(Broadcast.number == normalised)).first() if normalised else None
    if notice is None:
        raise NotFound(number)
    return notice


def progress(session: Session, notice: Broadcast) -> Progress:
    """Counts per outcome and channel, WeChat's mass-send reports folded in."""
    rows = _outcomes(session, notice) if notice.tally is None else json.loads(notice.tally)
    outcome: Counter[str] = Counter()
    per_channel: dict[str, Counter[str]] = {channel.value: Counter() for channel in CHANNELS}
    skipped_why: Counter[str] = Counter()
    for channel, status, reason, count in rows:
        outcome[status] += count
        if channel:
            per_channel[channel][status] += count
        if status == RecipientStatus.SKIPPED:
            skipped_why[reason or ""] += count
    # SentCount = FilterCount - ErrorCount: what is taken off `sent` below.
    for total, kept, errors in session.execute(
            select(BroadcastChunk.total_count, BroadcastChunk.filter_count, BroadcastChunk.error_count)
            .where(BroadcastChunk.broadcast_id == notice.id, BroadcastChunk.total_count.is_not(None))).all():
        filtered = max(total - (kept or 0), 0)
        unsent = filtered + (errors or 0)
        outcome[RecipientStatus.SENT] -= unsent
        outcome[RecipientStatus.FILTERED] += filtered
        outcome[RecipientStatus.FAILED] += errors or 0
        per_channel[NoticeChannel.MASS][RecipientStatus.SENT] -= unsent
        per_channel[NoticeChannel.MASS][RecipientStatus.FAILED] += errors or 0
    confirmed = session.scalar(select(func.count()).select_from(BroadcastConfirmation)
                               .where(BroadcastConfirmation.broadcast_id == notice.id)) or 0
    return Progress(
        notice.number, notice.state, notice.scope_path, notice.audience, notice.text, notice.urgent, notice.kind,
        notice.send_at, sum(outcome.values()), outcome[RecipientStatus.SENT], outcome[RecipientStatus.FILTERED],
        outcome[RecipientStatus.FAILED], outcome[RecipientStatus.SKIPPED], confirmed,
        {channel: {"sent": counts[RecipientStatus.SENT], "failed": counts[RecipientStatus.FAILED]}
         for channel, counts in per_channel.items()},
        dict(skipped_why), notice.last_error if notice.state == NoticeState.SENDING else None, _author(session, notice),
        notice.author_login, notice.tally is not None,
        session.scalar(select(func.min(BroadcastChunk.due_at)).where(BroadcastChunk.broadcast_id == notice.id,
                                                                     BroadcastChunk.status == ChunkStatus.PENDING)),
        notice.created_at, notice.cancelled_at, _canceller(session, notice), notice.cancelled_by_login)


def _outcomes(session: Session, notice: Broadcast) -> list[tuple[str | None, str, str | None, int]]:
    """(channel, status, reason, how many) over the notice's recipients."""
    counted = session.execute(
        select(BroadcastRecipient.channel, BroadcastRecipient.status, BroadcastRecipient.reason, func.count())
        .where(BroadcastRecipient.broadcast_id == notice.id)
        .group_by(BroadcastRecipient.channel, BroadcastRecipient.status, BroadcastRecipient.reason)).all()
    return [(channel, status, reason, count) for channel, status, reason, count in counted]


def forget_recipients(session: Session, before: datetime, limit: int = FORGET_BATCH) -> int:
    """Delete up to `limit` recipient rows of one notice that ended (done, or cancelled) before `before`, its counts
    kept in `tally` first, from the rows as they were (`progress` reads them from there); returns how many.

    The oldest such notice first, a batch at a time until its rows are gone, then the next. What is lost is the
    row per person: who exactly got it, the console's list of recipients, a 楼长's 已转达 a year late. The caller's
    `before` is at least 62 days back (GRIDBOT_NOTICE_KEEP_DAYS): a resident's 4 mass sends a month count from
    this month's rows.

    The notice's row is locked (PostgreSQL; SQLite has one writer): two workers at once would otherwise both count
    it, one of them after the other's first batch was gone, and the later, smaller tally would stay. The other
    worker skips it.
    """
    ended_at = func.coalesce(Broadcast.finished_at, Broadcast.cancelled_at)
    notice = session.scalars(
        select(Broadcast).where(Broadcast.state.in_(ENDED), ended_at < before,
                                select(BroadcastRecipient.id).where(BroadcastRecipient.broadcast_id == Broadcast.id)
                                .exists())
        .order_by(Broadcast.id).limit(1).with_for_update(of=Broadcast, skip_locked=True)).first()
    if notice is None:
        return 0
    if notice.tally is None:
        notice.tally = json.dumps(_outcomes(session, notice), ensure_ascii=False)
    chosen = select(BroadcastRecipient.id).where(BroadcastRecipient.broadcast_id == notice.id).limit(limit)
    doomed = delete(BroadcastRecipient).where(BroadcastRecipient.id.in_(chosen.scalar_subquery()))
    return session.execute(doomed.execution_options(synchronize_session=False)).rowcount


def _author(session: Session, notice: Broadcast) -> str:
    if notice.author_console_user_id is not None:
        return _console_name(session, notice.author_console_user_id)
    if notice.author_staff_id is not None:
        return session.scalar(select(Staff.name).where(Staff.id == notice.author_staff_id)) or ""
    return ""


def _canceller(session: Session, notice: Broadcast) -> str:
    if notice.cancelled_by_staff_id is not None:
        return session.scalar(select(Staff.name).where(Staff.id == notice.cancelled_by_staff_id)) or ""
    return _console_name(session, notice.cancelled_by_console_user_id)


def _console_name(session: Session, user_id: int | None) -> str:
    if user_id is None:
        return ""
    return session.scalar(select(ConsoleUser.display_name).where(ConsoleUser.id == user_id)) or ""


@dataclass(frozen=True)
class PublicNotice:
    """What the public page /n/<number> shows: the broadcast itself, nothing about its recipients."""

    number: str
    text: str
    urgent: bool
    kind: str | None
    send_at: datetime
    withdrawn: bool = False  # cancelled after part of it went: its readers are told so, and not shown the text


def public(session: Session, number: str) -> PublicNotice | None:
    """The notice as broadcast, once it is going out (sending or done) and if it is not staff-only; None otherwise
    or for no such number. A notice cancelled after some of it went out is `withdrawn`, without its text: those
    who got it follow its link, and an operator who stopped it may have stopped it for what it said."""
    try:
        notice = find(session, number)
    except NotFound:
        return None
    if not notice_sending.is_public(notice):
        return None
    if notice.state == NoticeState.CANCELLED and _partly_sent(session, notice):
        return PublicNotice(notice.number, "", notice.urgent, notice.kind, notice.send_at, withdrawn=True)
    if not _out(notice):
        return None
    return _as_broadcast(notice)


def received_by(session: Session, number: str, openid: str) -> PublicNotice | None:
    """The notice as `public` shows it, or a staff-only one as it reached this person among its recipients (its
    footer's number sent back); None for anyone else, or for no such number."""
    shown = public(session, number)
    if shown is not None:
        return shown
    try:
        notice = find(session, number)
    except NotFound:
        return None
    return _as_broadcast(notice) if _out(notice) and received(session, notice, openid) else None


def _out(notice: Broadcast) -> bool:
    return notice.state in (NoticeState.SENDING, NoticeState.DONE)


def _as_broadcast(notice: Broadcast) -> PublicNotice:
    return PublicNotice(notice.number, notice.text, notice.urgent, notice.kind, notice.send_at)


def _partly_sent(session: Session, notice: Broadcast) -> bool:
    went = select(BroadcastChunk.id).where(BroadcastChunk.broadcast_id == notice.id,
                                           BroadcastChunk.status == ChunkStatus.DONE)
    return session.scalar(went.limit(1)) is not None


def latest(session: Session, limit: int = 50, since: datetime | None = None,
           before: datetime | None = None) -> list[Progress]:
    """The most recent notices, newest first, with their numbers: of those created from `since` and before
    `before` when given (`gridbot notice list --since --until`)."""
    query = select(Broadcast).order_by(Broadcast.id.desc()).limit(limit)
    if since is not None:
        query = query.where(Broadcast.created_at >= since)
    if before is not None:
        query = query.where(Broadcast.created_at < before)
    notices = session.scalars(query).all()
    return [progress(session, notice) for notice in notices]


@dataclass(frozen=True)
class Canceller:
    """Who stops a notice, kept on it as its author is: a console account, a staff member in the chat, or the
    server login that ran `gridbot notice cancel`."""

    console_user_id: int | None = None
    login: str | None = None
    staff_id: int | None = None


def cancel(session: Session, notice: Broadcast, now: datetime, by: Canceller | None = None) -> int:
    """Stop a notice: what is not handed to WeChat yet never will be (a chunk under way finishes), and who stopped it
    is kept. Returns how many recipients will not get it; NotAllowed("finished") once it is done,
    NotAllowed("cancelled") once cancelled (nothing changes: a second cancel finds the first)."""
    if notice.state == NoticeState.CANCELLED:
        raise NotAllowed("cancelled")
    if notice.state == NoticeState.DONE:
        raise NotAllowed("finished")
    waiting = select(BroadcastChunk.id).where(BroadcastChunk.broadcast_id == notice.id,
                                              BroadcastChunk.status.in_((ChunkStatus.PENDING, ChunkStatus.QUEUED)))
    ids = list(session.scalars(waiting))
    session.execute(update(BroadcastChunk).where(BroadcastChunk.id.in_(ids),
                                                 BroadcastChunk.status.in_((ChunkStatus.PENDING, ChunkStatus.QUEUED)))
                    .values(status=ChunkStatus.CANCELLED))
    stopped = session.execute(
        update(BroadcastRecipient).where(BroadcastRecipient.chunk_id.in_(ids),
                                         BroadcastRecipient.status == RecipientStatus.PENDING)
        .values(status=RecipientStatus.SKIPPED, reason=CANCELLED_REASON)).rowcount
    notice.state, notice.cancelled_at = NoticeState.CANCELLED, now
    if by is not None:
        notice.cancelled_by_console_user_id, notice.cancelled_by_staff_id = by.console_user_id, by.staff_id
        notice.cancelled_by_login = (by.login or "")[:64] or None
    return stopped


def record_mass_event(session: Session, msg_id: str, status: str, total: int, kept: int, sent: int,
                      errors: int) -> bool:
    """MASSSENDJOBFINISH: WeChat's counts on the chunk of that msg_id (the same again on a repeat); False if no
    chunk of ours has it (a send from the web console)."""
    return session.execute(
        update(BroadcastChunk).where(BroadcastChunk.msg_id == msg_id)
        .values(event_status=status[:32], total_count=total, filter_count=kept, sent_count=sent, error_count=errors)
    ).rowcount > 0


def record_template_event(session: Session, msg_id: str, status: str) -> bool:
    """TEMPLATESENDJOBFINISH: a refusal (`failed:user block`) marks the recipient filtered, a system failure failed;
    success changes nothing. False if no recipient of ours has that msgid (an appeal's notice)."""
    found = session.scalars(select(BroadcastRecipient).where(BroadcastRecipient.msg_id == msg_id)).first()
    if found is None:
        return False
    if status.startswith("failed"):
        blocked = "block" in status
        found.status = RecipientStatus.FILTERED if blocked else RecipientStatus.FAILED
        found.reason = status[:255]
    return True


def opt_out(resident: Resident, now: datetime) -> bool:
    """退订通知: ordinary notices skip the resident from now on (urgent ones still go); False if already so."""
    if resident.notices_opted_out_at is not None:
        return False
    resident.notices_opted_out_at = now
    return True


def opt_in(resident: Resident) -> bool:
    """订阅通知: ordinary notices reach the resident again; False if they had not opted out."""
    if resident.notices_opted_out_at is None:
        return False
    resident.notices_opted_out_at = None
    return True


def received_lately(session: Session, openid: str, now: datetime, limit: int = 5) -> list[PublicNotice]:
    """The latest notices handed over to this person within RECENT_DAYS, newest first, as `received_by` shows them
    (a withdrawn one without its text): how someone who lost a notice's number finds it again."""
    notices = session.scalars(
        select(Broadcast).join(BroadcastRecipient, BroadcastRecipient.broadcast_id == Broadcast.id)
        .where(BroadcastRecipient.openid == openid, BroadcastRecipient.status == RecipientStatus.SENT,
               Broadcast.send_at > now - RECENT_DAYS)
        .order_by(Broadcast.send_at.desc(), Broadcast.id.desc()).limit(limit)).all()
    return [PublicNotice(notice.number, "", notice.urgent, notice.kind, notice.send_at, withdrawn=True)
            if notice.state == NoticeState.CANCELLED else _as_broadcast(notice) for notice in notices]


def received(session: Session, notice: Broadcast, openid: str) -> bool:
    """Whether the notice was for this person (a recipient not skipped)."""
    return session.scalars(select(BroadcastRecipient.id).where(
        BroadcastRecipient.broadcast_id == notice.id, BroadcastRecipient.openid == openid,
        BroadcastRecipient.status != RecipientStatus.SKIPPED)).first() is not None


def awaiting_relay(session: Session, member: Staff, now: datetime) -> Broadcast | None:
    """The latest notice for neighbours this 楼长 was sent within RELAY_ASKED_WITHIN and has not said 已转达 for:
    what a 已转达 without a number (收到，已转达) is about; None when there is none."""
    confirmed = select(BroadcastConfirmation.broadcast_id).where(BroadcastConfirmation.staff_id == member.id)
    return session.scalars(
        select(Broadcast).join(BroadcastRecipient, BroadcastRecipient.broadcast_id == Broadcast.id).where(
            BroadcastRecipient.openid == member.openid, BroadcastRecipient.status == RecipientStatus.SENT,
            BroadcastRecipient.sent_at > now - RELAY_ASKED_WITHIN, Broadcast.audience != NoticeAudience.STAFF,
            Broadcast.tally.is_(None), Broadcast.id.not_in(confirmed))
        .order_by(BroadcastRecipient.sent_at.desc(), Broadcast.id.desc()).limit(1)
    ).first()


def confirm_relayed(session: Session, member: Staff, notice: Broadcast, now: datetime) -> bool:
    """已转达 by a 楼长 the notice was for, which earns them 积分; False if they had confirmed it already.
    NotAllowed("not_for_you") when it was not sent to them, ("forgotten") when who got it is no longer on record
    (GRIDBOT_NOTICE_KEEP_DAYS after the notice ended), ("staff_only") for a notice not meant for neighbours that
    reached them. NotFound for a staff-only notice that did not (or no longer provably did): as its page and its
    number sent back, it exists only for those it reached, or 已转达 with guessed numbers would list them."""
    if notice.audience == NoticeAudience.STAFF:
        if notice.tally is None and member.openid is not None and received(session, notice, member.openid):
            raise NotAllowed("staff_only")
        raise NotFound(notice.number)
    if notice.tally is not None:
        raise NotAllowed("forgotten")
    if member.openid is None or not received(session, notice, member.openid):
        raise NotAllowed("not_for_you")
    exists = session.scalars(select(BroadcastConfirmation.id).where(
        BroadcastConfirmation.broadcast_id == notice.id, BroadcastConfirmation.staff_id == member.id)).first()
    if exists is not None:
        return False
    session.add(BroadcastConfirmation(broadcast_id=notice.id, staff_id=member.id, at=now))
    points_grants.relayed(session, member, notice, now)
    return True
