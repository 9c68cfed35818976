"""Planning a broadcast notice: who gets it by which WeChat channel, who is skipped and why, when each part goes.

The channels, on WeChat's rules (docs: shared/reference/broadcast-and-rates.md):
- 群发 by OpenID list (`mass`): the default for residents. ≤10,000 OpenIDs a call, at least 2. On a 服务号 each
  resident receives at most 4 a calendar month (console and API together); WeChat drops the rest silently, so a
  resident who has 4 this month by gridbot's own count is skipped here and the preview says so. A 订阅号 may
  mass-send once a day (GRIDBOT_MASS_SEND_DAILY_QUOTA defaults to 1 there).
- 模板消息 (`template`, 服务号 only, with GRIDBOT_NOTICE_TEMPLATE_ID): one call per person, not counted in the 4 a
  month, allowed unprompted only for 故障/灾害 notices — urgent notices, and staff outside their window. Without a
  template id an urgent notice goes by mass send and staff outside their window are skipped.
- 客服消息 (`custom`): staff inside their 48-hour window only. A resident's window is never spent on a broadcast:
  status updates of their appeals need it.

Quotas: the account's daily calls per channel (mass sends 100, template messages 100,000, customer-service
500,000 by default) are shared by every notice of the day; a part that does not fit goes the next day at 08:00
Beijing time (an urgent notice's at 00:00), and a channel WeChat stopped for the day (45009) waits for that. Nothing is spread beyond SPREAD_DAYS:
such a notice is refused.

`plan` only reads; `store` writes the notice, its chunks and every recipient in one transaction, before anything
is sent (storage.notice_sending delivers it).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage import notice_scope
from storage.account_types import SERVICE, SUBSCRIPTION
from storage.errors import DomainError, NotAllowed
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
    ReplyWindow,
    Resident,
    ResidentStatus,
    Staff,
    StaffRole,
)
from storage.notice_scope import NoticeScope
from storage.staff import UnclearPlace
from storage.tickets import LOCAL_ZONE, next_notice_number
from storage.windows import SLOTS, WINDOW

KINDS = ("停水", "停电", "停气", "防汛", "其他")
MASS_MAX, MASS_MIN = 10_000, 2
MONTHLY_MASS = 4
BATCH = 50  # template or customer-service messages per chunk (one RQ job)
# WeChat refuses text messages over 2,048 bytes (45002). The words gridbot wraps a notice in need the rest: at most
# 168 bytes, when a resident sends an urgent notice's number back (handlers/notice_texts.shown).
TEXT_BYTES = 2048 - 192
SPREAD_DAYS = 7
# A send time this far in the past is a typo, not "now".
PAST_GRACE = timedelta(minutes=1)
# And this far ahead, one (9999-12-31 was taken): who lives where, and each month's four mass sends, are planned now.
FURTHEST_AHEAD = timedelta(days=90)
MORNING = time(8)  # an ordinary notice put off to another day by quota goes then (Beijing time), not at 00:00
REPEAT_WINDOW = timedelta(hours=2)  # the same text to the same place within this is a second operator's repeat


class SkipReason:
    """Why a person the scope names gets nothing (the preview counts them; status keeps the reason)."""

    UNFOLLOWED = "unfollowed"
    OPTED_OUT = "opted_out"
    MONTHLY_QUOTA = "monthly_quota"
    NO_TEMPLATE = "no_template"
    ALONE = "alone"  # one person for a mass send, which needs two, and no template to send instead
    STAFF_LEFT = "staff_left"  # disabled between planning and sending (planning leaves them out)
    ALREADY_TOLD = "already_told"  # the same text reached them by another notice within REPEAT_WINDOW (阳光花园, then 3号楼)
    MOVED = "moved"  # a resident bound elsewhere (or unbound) between planning and sending: no longer in the scope


class NoticeRefused(DomainError):
    """A notice that cannot be planned; `reason` names why (the wording is the caller's), `detail` fills it in."""

    def __init__(self, reason: str, **detail: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


class StoredBefore(DomainError):
    """The console form's one-time token stored a notice already (a re-post at the same instant as another, after
    Redis lost the token's claim); `number` is that notice's."""

    def __init__(self, number: str) -> None:
        super().__init__(number)
        self.number = number


@dataclass(frozen=True)
class Limits:
    """The account and its quotas, from configuration (bot.settings builds it)."""

    account_type: str = SERVICE
    template_id: str | None = None
    mass_per_day: int = 100
    templates_per_day: int = 100_000
    custom_per_day: int = 500_000

    @property
    def has_template(self) -> bool:
        """Template messages exist only on a 服务号, and only with a template configured."""
        return self.account_type == SERVICE and self.template_id is not None

    def per_day(self, channel: NoticeChannel) -> int:
        """The daily calls of a channel (a mass send is one call for up to 10,000 people)."""
        return {NoticeChannel.MASS: self.mass_per_day, NoticeChannel.TEMPLATE: self.templates_per_day,
                NoticeChannel.CUSTOM: self.custom_per_day}[channel]


@dataclass(frozen=True)
class Request:
    """What an operator asked for: `author` the staff member (the chat), `console_author` the console account's
    id; both None is the CLI (the server's operator, `cli_login`)."""

    scope_path: str
    text: str
    audience: NoticeAudience = NoticeAudience.RESIDENTS
    urgent: bool = False
    kind: str | None = None
    send_at: datetime | None = None  # None: now
    author: Staff | None = None
    console_author: int | None = None
    cli_login: str | None = None  # the CLI's: the server login that ran it, kept as who sent it


@dataclass(frozen=True)
class Person:
    openid: str
    resident_id: int | None
    staff_id: int | None
    channel: NoticeChannel | None
    reason: str | None = None


@dataclass(frozen=True)
class Chunk:
    channel: NoticeChannel
    due_at: datetime
    people: tuple[Person, ...]


@dataclass(frozen=True)
class Plan:
    """The preview's numbers and what `store` writes."""

    scope: NoticeScope
    request: Request
    send_at: datetime
    people: tuple[Person, ...]
    chunks: tuple[Chunk, ...]
    account_type: str
    by_channel: dict[NoticeChannel, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def later(self) -> dict[date, dict[NoticeChannel, int]]:
        """Calls that go on a later day than the first (quota), by local day and channel."""
        first = self.send_at.astimezone(LOCAL_ZONE).date()
        found: dict[date, dict[NoticeChannel, int]] = defaultdict(Counter)
        for chunk in self.chunks:
            day = chunk.due_at.astimezone(LOCAL_ZONE).date()
            if day != first:
                found[day][chunk.channel] += _calls(chunk)
        return dict(sorted(found.items()))

    @property
    def chunk_counts(self) -> Counter[NoticeChannel]:
        """Chunks per channel (a mass chunk is one call)."""
        return Counter(chunk.channel for chunk in self.chunks)


def require_scope(request: Request) -> None:
    """NoticeRefused("empty_scope") for a request naming no scope: everywhere is said 全部, and an empty
    --scope "$SCOPE" or a form's scope left blank must not reach the whole district."""
    if not request.scope_path.strip():
        raise NoticeRefused("empty_scope")


def plan(session: Session, request: Request, limits: Limits, now: datetime) -> Plan:
    """Check the request (NoticeRefused, NotAllowed, storage.staff.UnclearPlace) and work out who gets what."""
    text = request.text.strip()
    if not text:
        raise NoticeRefused("empty_text")
    require_scope(request)
    if len(text.encode("utf-8")) > TEXT_BYTES:
        raise NoticeRefused("text_too_long", limit=TEXT_BYTES // 3, length=len(text))
    if request.kind is not None and (not request.urgent or request.kind not in KINDS):
        raise NoticeRefused("bad_kind", kinds="|".join(KINDS))
    send_at = request.send_at or now
    if send_at < now - PAST_GRACE:
        raise NoticeRefused("past_time")
    if send_at > now + FURTHEST_AHEAD:
        raise NoticeRefused("far_time", days=FURTHEST_AHEAD.days)
    scope = notice_scope.resolve(session, request.scope_path)
    if request.author is not None and not notice_scope.may_broadcast(session, request.author, scope):
        raise NotAllowed("broadcast_scope")
    earlier = _refuse_a_repeat(session, scope, request, text, now)
    candidates = _audience(session, scope, request, now)
    told = _told_already(session, earlier, [c.openid for c in candidates]) if earlier else {}
    people, chunks = _placed(session, [replace(c, reason=SkipReason.ALREADY_TOLD) if c.openid in told and c.reason is None
                                       else c for c in candidates], request, limits, send_at)
    if told and all(c.reason is not None or c.openid in told for c in candidates):
        # Everyone it could reach has it already: the same words went to a wider place (or to these, piece by piece).
        first = min((notice for notice in earlier if notice.id in told.values()), key=lambda notice: notice.id)
        raise NoticeRefused("covered", number=first.number, at=first.created_at.astimezone(LOCAL_ZONE))
    reaching = [person for person in people if person.channel is not None]
    if not reaching:
        raise NoticeRefused("no_recipients", skipped=dict(Counter(p.reason for p in people if p.reason)))
    return Plan(scope, request, send_at, tuple(people), tuple(chunks), limits.account_type,
                dict(Counter(person.channel for person in reaching if person.channel is not None)),
                dict(Counter(person.reason for person in people if person.channel is None and person.reason)))


def _placed(session: Session, candidates: list[_Candidate], request: Request, limits: Limits,
            send_at: datetime) -> tuple[list[Person], list[Chunk]]:
    """Who goes by which channel, and the chunks they go in, each resident's four mass sends counted in the month
    their mass send goes out: planned on a month's last day, a batch the day's quota (or WeChat's 45009) puts off
    to the 1st counts in the new month, whose four the resident may have used already (and the old month's no
    longer stand in the way). A notice's mass calls go on one day unless they overrun its quota of a hundred
    calls of 10,000 each, so the month of the first decides: first as if every resident went by mass send, then,
    should fewer calls fit in another month, in that one."""
    counted_at = _mass_sent_at(session, candidates, request, limits, send_at)
    for _ in range(2):
        people = _channels(session, candidates, request, limits, counted_at)
        reaching = [person for person in people if person.channel is not None]
        chunks = _schedule(session, _chunked(reaching), limits, send_at, request.urgent) if reaching else []
        mass_at = next((chunk.due_at for chunk in chunks if chunk.channel is NoticeChannel.MASS), counted_at)
        if month_of(mass_at) == month_of(counted_at):
            break
        counted_at = mass_at
    return people, chunks


def _mass_sent_at(session: Session, candidates: list[_Candidate], request: Request, limits: Limits,
                  send_at: datetime) -> datetime:
    """When the notice's mass sends would go out were every resident (and 楼长) it may reach to go by one."""
    possible = [Person(c.openid, c.resident_id, c.staff_id, NoticeChannel.MASS) for c in candidates
                if c.reason is None and (c.resident_id is not None or c.lead)]
    if len(possible) < 2:
        return send_at
    try:
        return _schedule(session, _chunked(possible), limits, send_at, request.urgent)[0].due_at
    except NoticeRefused:  # no room for them all in SPREAD_DAYS: the real plan, with fewer, says whether it fits
        return send_at


def _refuse_a_repeat(session: Session, scope: NoticeScope, request: Request, text: str,
                     now: datetime) -> list[Broadcast]:
    """Two operators told to send the same notice both send it: residents would read it twice and lose a second
    of their four mass sends a month. The same text to the same place within REPEAT_WINDOW is refused, naming the
    first (a cancelled one does not count: sending it again is how it is corrected). The same place is the same
    buildings and grids, however the path was written (幸福街道/幸福里社区/第一网格, a grid's only compound).
    Returns the notices of the same text to other places: who they reached is not told again (`_told_already`)."""
    earlier = session.scalars(
        select(Broadcast).where(Broadcast.audience == request.audience, Broadcast.text == text,
                                Broadcast.state != NoticeState.CANCELLED, Broadcast.created_at > now - REPEAT_WINDOW)
        .order_by(Broadcast.id.desc())).all()
    reach = _reach(session, scope) if earlier else None
    for notice in earlier:
        if notice.scope_path == scope.label or _reach_of_path(session, notice.scope_path) == reach:
            raise NoticeRefused("repeat", number=notice.number, at=notice.created_at.astimezone(LOCAL_ZONE))
    return list(earlier)


def _told_already(session: Session, earlier: list[Broadcast], openids: list[str]) -> dict[str, int]:
    """Those of `openids` an earlier notice of the same text reaches (to be sent, sending or sent), with its id:
    the same words to 阳光花园 and then to its 3号楼 reach 3号楼 once, and take one of their four mass sends."""
    reaching = (RecipientStatus.PENDING, RecipientStatus.SENDING, RecipientStatus.SENT)
    wanted = set(openids)
    rows = session.execute(
        select(BroadcastRecipient.openid, BroadcastRecipient.broadcast_id)
        .where(BroadcastRecipient.broadcast_id.in_([notice.id for notice in earlier]),
               BroadcastRecipient.status.in_(reaching))).all()
    return {openid: broadcast_id for openid, broadcast_id in rows if openid in wanted}


def _reach(session: Session, scope: NoticeScope) -> tuple[frozenset[int], frozenset[int], bool]:
    """The buildings and grids a scope reaches, and whether it is wider than a grid (departments' staff hear it)."""
    return (frozenset(session.scalars(scope.building_ids())), frozenset(session.scalars(scope.grid_ids())),
            scope.scope.grid_id is None and not scope.below_grid)


def _reach_of_path(session: Session, path: str) -> tuple[frozenset[int], frozenset[int], bool] | None:
    try:
        return _reach(session, notice_scope.resolve(session, path))
    except UnclearPlace:
        return None  # a place renamed or removed since: not the one asked for now


@dataclass(frozen=True)
class _Candidate:
    openid: str
    resident_id: int | None
    staff_id: int | None
    reason: str | None  # already skipped (unfollowed, opted out)
    in_window: bool = False
    lead: bool = False  # a 楼长: a resident of the building as well, so a mass send may reach them


def _audience(session: Session, scope: NoticeScope, request: Request, now: datetime) -> list[_Candidate]:
    found: dict[str, _Candidate] = {}
    # A residents' notice reaches the buildings' 楼长 as well: passing it on is what they are there for.
    staff_in_scope = (scope.staff_condition() if request.audience in (NoticeAudience.STAFF, NoticeAudience.ALL)
                      else scope.lead_condition())
    open_windows = (select(ReplyWindow.openid)
                    .where(ReplyWindow.opened_at > now - WINDOW, ReplyWindow.sent_count < SLOTS))
    rows = session.execute(
        select(Staff.id, Staff.openid, Staff.openid.in_(open_windows), Staff.role)
        .where(Staff.active.is_(True), Staff.openid.is_not(None), staff_in_scope)
        .order_by(Staff.id)).all()
    for staff_id, openid, in_window, role in rows:
        found[openid] = _Candidate(openid, None, staff_id, None, bool(in_window), role == StaffRole.BUILDING_LEAD)
    if request.audience in (NoticeAudience.RESIDENTS, NoticeAudience.ALL):
        rows = session.execute(
            select(Resident.id, Resident.openid, Resident.status, Resident.notices_opted_out_at)
            .where(Resident.building_id.in_(scope.building_ids(pruned_too=True))).order_by(Resident.id)).all()
        for resident_id, openid, status, opted_out in rows:
            if openid in found:
                continue  # staff who also live there hear it as staff
            reason = (SkipReason.UNFOLLOWED if status != ResidentStatus.ACTIVE
                      else SkipReason.OPTED_OUT if opted_out is not None and not request.urgent else None)
            found[openid] = _Candidate(openid, resident_id, None, reason)
    return list(found.values())


def _channels(session: Session, candidates: list[_Candidate], request: Request, limits: Limits,
              send_at: datetime) -> list[Person]:
    counted = [c.openid for c in candidates if (c.resident_id is not None or c.lead) and c.reason is None]
    full = monthly_full(session, counted, send_at) if limits.account_type == SERVICE else set()
    people: list[Person] = []
    for c in candidates:
        if c.reason is not None:
            channel, reason = None, c.reason
        elif c.staff_id is not None:
            channel, reason = _staff_channel(c, limits, c.openid in full)
        elif request.urgent and limits.has_template:
            channel, reason = NoticeChannel.TEMPLATE, None
        elif c.openid in full:
            channel, reason = None, SkipReason.MONTHLY_QUOTA
        else:
            channel, reason = NoticeChannel.MASS, None
        people.append(Person(c.openid, c.resident_id, c.staff_id, channel, reason))
    mass = [p for p in people if p.channel is NoticeChannel.MASS]
    if len(mass) == 1:  # WeChat refuses a list of one (40130)
        alone = mass[0]
        channel, reason = (NoticeChannel.TEMPLATE, None) if limits.has_template else (None, SkipReason.ALONE)
        people[people.index(alone)] = Person(alone.openid, alone.resident_id, alone.staff_id, channel, reason)
    return people


def _staff_channel(candidate: _Candidate, limits: Limits, month_full: bool) -> tuple[NoticeChannel | None, str | None]:
    if candidate.in_window:
        return NoticeChannel.CUSTOM, None
    if limits.has_template:
        return NoticeChannel.TEMPLATE, None
    if limits.account_type == SUBSCRIPTION:
        return NoticeChannel.MASS, None  # no monthly cap on a 订阅号; its one mass send a day carries them
    if candidate.lead:  # a 楼长 lives there: the residents' mass send reaches them, within their 4 a month
        return (None, SkipReason.MONTHLY_QUOTA) if month_full else (NoticeChannel.MASS, None)
    return None, SkipReason.NO_TEMPLATE


def month_of(at: datetime) -> str:
    """The local calendar month (YYYYMM) WeChat's 4-a-month counts in."""
    return at.astimezone(LOCAL_ZONE).strftime("%Y%m")


def monthly_full(session: Session, openids: list[str], at: datetime) -> set[str]:
    """Residents who already have MONTHLY_MASS mass sends this month by our count (planned, sending or sent)."""
    if not openids:
        return set()
    counted = (RecipientStatus.PENDING, RecipientStatus.SENDING, RecipientStatus.SENT)
    rows = session.execute(
        select(BroadcastRecipient.openid)
        .where(BroadcastRecipient.mass_month == month_of(at), BroadcastRecipient.status.in_(counted))
        .group_by(BroadcastRecipient.openid).having(func.count() >= MONTHLY_MASS)).scalars()
    wanted = set(openids)
    return {openid for openid in rows if openid in wanted}


def monthly_count(session: Session, openid: str, at: datetime) -> int:
    """How many mass sends the resident has (or will have) from gridbot in the month of `at`."""
    counted = (RecipientStatus.PENDING, RecipientStatus.SENDING, RecipientStatus.SENT)
    return session.scalar(select(func.count()).select_from(BroadcastRecipient).where(
        BroadcastRecipient.openid == openid, BroadcastRecipient.mass_month == month_of(at),
        BroadcastRecipient.status.in_(counted))) or 0


def _chunked(people: list[Person]) -> list[tuple[NoticeChannel, list[Person]]]:
    """Mass sends in as few calls as possible, evenly filled (never a list of one); the rest in batches."""
    parts: list[tuple[NoticeChannel, list[Person]]] = []
    mass = [p for p in people if p.channel is NoticeChannel.MASS]
    if mass:
        count = math.ceil(len(mass) / MASS_MAX)
        size = math.ceil(len(mass) / count)
        parts += [(NoticeChannel.MASS, mass[i:i + size]) for i in range(0, len(mass), size)]
    for channel in (NoticeChannel.TEMPLATE, NoticeChannel.CUSTOM):
        group = [p for p in people if p.channel is channel]
        parts += [(channel, group[i:i + BATCH]) for i in range(0, len(group), BATCH)]
    return parts


def _calls(chunk: Chunk) -> int:
    return 1 if chunk.channel is NoticeChannel.MASS else len(chunk.people)


def _schedule(session: Session, parts: list[tuple[NoticeChannel, list[Person]]], limits: Limits,
              send_at: datetime, urgent: bool = False) -> list[Chunk]:
    """Each part on the first day with quota left for it, from the send day (or the day a stopped channel opens):
    from the day's start for an urgent notice, from MORNING for an ordinary one, which nobody wants at midnight."""
    first_day = send_at.astimezone(LOCAL_ZONE).date()
    stops = {stop.channel: stop.until for stop in session.scalars(select(ChannelStop))}
    used = _used_per_day(session, first_day)
    chunks: list[Chunk] = []
    for channel, people in parts:
        calls = 1 if channel is NoticeChannel.MASS else len(people)
        due = max(send_at, stops.get(channel, send_at))
        day = due.astimezone(LOCAL_ZONE).date()
        if due > send_at and not urgent:  # a channel WeChat stopped opens at 00:00: ordinary notices wait for morning
            due = max(due, datetime.combine(day, MORNING, LOCAL_ZONE))
        while used[(channel, day)] + calls > limits.per_day(channel):
            day += timedelta(days=1)
            due = datetime.combine(day, time() if urgent else MORNING, LOCAL_ZONE)
            if day >= first_day + timedelta(days=SPREAD_DAYS):
                raise NoticeRefused("over_quota", channel=channel.value, days=SPREAD_DAYS)
        used[(channel, day)] += calls
        chunks.append(Chunk(channel, due, tuple(people)))
    return chunks


def _used_per_day(session: Session, first_day: date) -> Counter[tuple[NoticeChannel, date]]:
    """Calls already planned per channel and local day, from the first day on (not cancelled, not failed)."""
    start = datetime.combine(first_day, time(), LOCAL_ZONE)
    rows = session.execute(
        select(BroadcastChunk.channel, BroadcastChunk.due_at, BroadcastChunk.size)
        .where(BroadcastChunk.due_at >= start,
               BroadcastChunk.status.not_in((ChunkStatus.CANCELLED, ChunkStatus.FAILED)))).all()
    used: Counter[tuple[NoticeChannel, date]] = Counter()
    for channel, due_at, size in rows:
        kind = NoticeChannel(channel)
        used[(kind, due_at.astimezone(LOCAL_ZONE).date())] += 1 if kind is NoticeChannel.MASS else size
    return used


def stored_from_form(session: Session, form_token: str) -> str | None:
    """The number of the notice the console's preview with this one-time token stored, if one did."""
    return session.scalar(select(Broadcast.number).where(Broadcast.form_token == _digest(form_token)))


def _digest(form_token: str) -> str:
    return hashlib.sha256(form_token.encode()).hexdigest()


def store(session: Session, planned: Plan, now: datetime, form_token: str | None = None) -> Broadcast:
    """Write the notice, its chunks and all its recipients (skipped ones too) in the caller's transaction; a
    console send names the one-time token of its preview, which no other notice may have been stored with
    (StoredBefore names the one that was)."""
    request = planned.request
    notice = Broadcast(form_token=_digest(form_token) if form_token else None,
        number=next_notice_number(session, now), scope_path=planned.scope.label, audience=request.audience,
        text=request.text.strip(), urgent=request.urgent, kind=request.kind or ("其他" if request.urgent else None),
        state=NoticeState.SCHEDULED, author_staff_id=request.author.id if request.author else None,
        author_console_user_id=request.console_author, author_login=request.cli_login[:64] if request.cli_login else None,
        account_type=planned.account_type, created_at=now, send_at=planned.send_at)
    try:
        with session.begin_nested():  # two re-posts of one form at once: the other may have just stored it
            session.add(notice)
            session.flush()
    except IntegrityError:
        earlier = stored_from_form(session, form_token) if form_token else None
        if earlier is None:
            raise
        raise StoredBefore(earlier) from None
    chunk_rows = [BroadcastChunk(broadcast_id=notice.id, seq=seq, channel=chunk.channel, size=len(chunk.people),
                                 status=ChunkStatus.PENDING, due_at=chunk.due_at, attempts=0)
                  for seq, chunk in enumerate(planned.chunks, start=1)]
    session.add_all(chunk_rows)
    session.flush()
    rows = []
    for row, chunk in zip(chunk_rows, planned.chunks, strict=True):
        month = month_of(chunk.due_at) if chunk.channel is NoticeChannel.MASS else None
        rows += [_recipient(notice.id, person, row.id, RecipientStatus.PENDING, month) for person in chunk.people]
    rows += [_recipient(notice.id, person, None, RecipientStatus.SKIPPED, None)
             for person in planned.people if person.channel is None]
    # Core's executemany on the table: the ORM's bulk path spends more time collecting 100,000 rows than
    # SQLite spends writing them.
    session.connection().execute(insert(BroadcastRecipient.__table__), rows)
    return notice


def _recipient(broadcast_id: int, person: Person, chunk_id: int | None, status: str,
               month: str | None) -> dict[str, object]:
    return {"broadcast_id": broadcast_id, "chunk_id": chunk_id, "openid": person.openid,
            "resident_id": person.resident_id, "staff_id": person.staff_id,
            "channel": person.channel.value if person.channel else None, "status": status, "reason": person.reason,
            "mass_month": month, "msg_id": None, "sending_at": None, "sent_at": None}

