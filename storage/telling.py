"""Telling people: every notice goes to the outbox through `tell`, in the transaction of what it tells of.

Staff's actions, residents' ratings and joins, the sweep, dispatch and the focus check all tell someone; they
share this module rather than one of them, so none imports another to send a message.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import followers, outbox
from storage.models import Appeal, Resident, ResidentStatus
from storage.notices import Notice, ResidentNotice


def tell(session: Session, openid: str | None, notice: Notice, now: datetime, *, appeal: Appeal | None = None,
         key: str | None = None, routine: bool = False) -> None:
    """Write one outbox row with the notice to one person (nobody if they have not bound WeChat yet).

    `key` makes a row happen once however often the step is retried; without one, each call is a new row.
    `routine`: a copy for someone who oversees rather than acts, folded into their digest (storage.outbox).
    """
    if openid is None:
        return  # invited but not yet bound (认证)
    if key is None:
        about = f"appeal:{appeal.id}" if appeal is not None else "notice"
        key = f"{about}:{notice.name}:{uuid.uuid4().hex}"
    outbox.add(session, key=key, recipient_openid=openid, notice=notice, now=now,
               appeal_id=appeal.id if appeal is not None else None, routine=routine)


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
    if status == ResidentStatus.ACTIVE:  # an unfollowed account can't be written to
        tell(session, openid, notice, now, appeal=appeal)


def tell_followers(session: Session, appeal: Appeal, notice: ResidentNotice, now: datetime) -> None:
    """One outbox row each (its own key) for the residents who joined the appeal (我也遇到), without staff's words."""
    for openid in followers.openids(session, appeal.id):
        tell(session, openid, notice.for_follower(), now, appeal=appeal)
