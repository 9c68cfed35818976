"""Telling people: every notice goes to the outbox through `tell`, in the transaction of what it tells of.

Staff's actions, residents' ratings and joins, the sweep, dispatch and the focus check all tell someone; they
share this module rather than one of them, so none imports another to send a message.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import datetime
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import followers, outbox, quiet_hours
from storage.models import Appeal, ReplyWindow, Resident, ResidentStatus
from storage.notices import Audience, Notice, ResidentNotice
from storage.windows import SLOTS, WINDOW

_DEFERRED = "telling.deferred"  # Session.info: the tells `deferred` holds back, in the order they were made


def tell(session: Session, openid: str | None, notice: Notice, now: datetime, *, appeal: Appeal | None = None,
         key: str | None = None, routine: bool = False) -> None:
    """Write one outbox row with the notice to one person (nobody if they have not bound WeChat yet).

    `key` makes a row happen once however often the step is retried; without one, each call is a new row.
    `routine`: a copy for someone who oversees rather than acts, folded into their digest (storage.outbox).
    A resident's notice decided in the quiet hours waits for their end (storage.quiet_hours), an emergency's never.
    """
    if openid is None:
        return  # invited but not yet bound (认证)
    if key is None:
        about = f"appeal:{appeal.id}" if appeal is not None else "notice"
        key = f"{about}:{notice.name}:{uuid.uuid4().hex}"
    urgent = appeal is not None and appeal.emergency is not None
    due = _resident_due(session, openid, now) if notice.audience is Audience.RESIDENT and not urgent \
        else None
    told = outbox.Outgoing(key, openid, notice, now, appeal.id if appeal is not None else None, routine,
                           due if due != now else None)
    held_back = session.info.get(_DEFERRED)
    if held_back is None:
        outbox.add_all(session, [told])
    else:
        held_back.append(told)


def _resident_due(session: Session, openid: str, now: datetime) -> datetime:
    """When a notice about an ordinary appeal, decided `now`, may go to the resident `openid`: now, or the end of
    the quiet hours, unless their reply window closes before then."""
    quiet = session.info.get(quiet_hours.QUIET_HOURS_KEY, quiet_hours.DEFAULT)
    ends = quiet.ends_after(now) if quiet is not None else None
    if ends is None:
        return now
    window = session.execute(select(ReplyWindow.opened_at, ReplyWindow.sent_count)
                             .where(ReplyWindow.openid == openid)).first()
    if window is not None and window.sent_count < SLOTS and now < window.opened_at + WINDOW <= ends:
        return now  # held till morning, it would miss the window that is still open tonight
    return ends


@contextmanager
def deferred(session: Session) -> Iterator[None]:
    """The block's tells are written at its end, in the order they were made, all at once (storage.outbox.add_all:
    a few statements for all of them, their recipients' digest rows locked first in one order on PostgreSQL).

    For a transaction that decides whom to tell one appeal at a time, such as a dispatch chunk or the supervision
    sweep: its digest rows would otherwise be locked in its appeals' order, and two of them sharing recipients could
    deadlock (one holds the 网格长 of grid 1's digest and waits for grid 2's, the other the other way round). Until
    the block's end it holds no digest row and no such lock, so it never waits for one while holding another. Nothing
    told inside the block can be read back before it ends; an error drops the tells with the transaction.
    """
    if _DEFERRED in session.info:
        yield  # already inside such a block: its end writes these too
        return
    held_back: list[outbox.Outgoing] = []
    session.info[_DEFERRED] = held_back
    try:
        yield
    finally:
        del session.info[_DEFERRED]
    outbox.add_all(session, held_back)


def tell_resident_and_followers(session: Session, appeal: Appeal, notice: ResidentNotice, now: datetime) -> None:
    """A step of the appeal, to the neighbours who joined it and to the resident who filed it."""
    tell_followers(session, appeal, notice, now)
    tell_resident(session, appeal, notice, now)


def tell_resident(session: Session, appeal: Appeal, notice: ResidentNotice, now: datetime) -> None:
    """The notice to the resident who filed the appeal, if there is one and they still follow the account."""
    if appeal.resident_id is None:
        return  # reported by staff (上报): no resident to tell
    openid, status = session.execute(
        select(Resident.openid, Resident.status).where(Resident.id == appeal.resident_id)
    ).one()
    if status != ResidentStatus.ACTIVE:
        return  # an unfollowed account can't be written to
    # A staff reporter beside a resident is a 代报: the resident row is the reporter's own, the appeal a neighbour's.
    told = notice.for_reporter() if appeal.reporter_staff_id is not None else notice
    tell(session, openid, told, now, appeal=appeal)


def tell_followers(session: Session, appeal: Appeal, notice: ResidentNotice, now: datetime) -> None:
    """One outbox row each (its own key) for the residents who joined the appeal (我也遇到), without staff's words."""
    for openid, for_neighbour in followers.following(session, appeal.id):
        told = notice.for_follower()
        tell(session, openid, told.for_reporter() if for_neighbour else told, now, appeal=appeal)
