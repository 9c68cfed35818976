"""The street office's invites over time: which are waiting to be used (`gridbot invite list`), and taking one
back before it is used (`gridbot invite revoke`). Creating and redeeming them is storage.staff's.

A revoked code is refused at 认证 exactly like a wrong one (storage.staff.find_invite): whoever holds it learns
nothing from trying it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from storage import staff
from storage.errors import DomainError, NotFound
from storage.models import Staff, StaffInvite
from storage.typed_ids import typed_id


class InviteStatus(StrEnum):
    PENDING = "pending"  # may still be used
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"
    DEAD = "dead"  # made under another GRIDBOT_SECRET_KEY: no code redeems it any more


class NotRevocable(DomainError):
    """The invite was used, has expired or was revoked already: `status` says which."""

    def __init__(self, invite: StaffInvite, status: InviteStatus) -> None:
        super().__init__(status)
        self.invite, self.status = invite, status


@dataclass(frozen=True)
class Invite:
    """One row of the invite list (the code itself is not stored: only the id names an invite)."""

    row: StaffInvite
    status: InviteStatus
    place: str | None  # 社区·网格, 社区 or a street operator's street; None for a department's


def status_of(invite: StaffInvite, now: datetime, secret: str) -> InviteStatus:
    """Where the invite stands at `now`, the server's secret being `secret`."""
    if invite.revoked_at is not None:
        return InviteStatus.REVOKED
    if invite.used_at is not None:
        return InviteStatus.USED
    if invite.expires_at <= now:
        return InviteStatus.EXPIRED
    return InviteStatus.DEAD if invite.key_id not in (None, staff.key_id(secret)) else InviteStatus.PENDING


def listing(session: Session, now: datetime, secret: str, include_all: bool = False,
            where: ColumnElement[bool] | None = None) -> list[Invite]:
    """The invites still waiting to be used, oldest first; with `include_all`, every invite ever made; `where`
    narrows them (the console: to an operator's scope)."""
    query = select(StaffInvite).where(where if where is not None else true())
    if not include_all:
        query = query.where(StaffInvite.used_at.is_(None), StaffInvite.revoked_at.is_(None),
                            StaffInvite.expires_at > now,
                            StaffInvite.key_id.is_(None) | (StaffInvite.key_id == staff.key_id(secret)))
    rows = session.scalars(query.order_by(StaffInvite.id)).all()
    return [Invite(row, status_of(row, now, secret), place)
            for row, place in zip(rows, staff.workplace_labels(session, rows), strict=True)]


def revoke(session: Session, typed: str, now: datetime, secret: str) -> StaffInvite:
    """Take back an unused invite named by its code (as `gridbot invite` printed it) or its id (the list's);
    NotFound when neither names one, NotRevocable when it is no longer waiting."""
    invite = by_code(session, typed, secret) or _by_id(session, typed)
    if invite is None:
        raise NotFound("invite")
    status = status_of(invite, now, secret)
    if status is not InviteStatus.PENDING:
        raise NotRevocable(invite, status)
    invite.revoked_at = now
    session.flush()
    return invite


def revoke_naming(session: Session, member: Staff, now: datetime) -> tuple[int, ...]:
    """Take back the unused invites made out to `member`: one who left is bound by no code they, or whoever they
    passed it to, still hold (made out to them: storage.staff.made_out_to). Their ids, oldest first."""
    if not member.name:
        return ()
    waiting = session.scalars(select(StaffInvite).where(
        staff.made_out_to(member), StaffInvite.used_at.is_(None), StaffInvite.revoked_at.is_(None),
        StaffInvite.expires_at > now,
    ).order_by(StaffInvite.id)).all()
    for invite in waiting:
        invite.revoked_at = now
    session.flush()
    return tuple(invite.id for invite in waiting)


def waiting_for(session: Session, name: str, phone: str | None, community_id: int | None, street_id: int | None,
                now: datetime, secret: str) -> list[int]:
    """The ids of the invites still waiting to be used made out to the person: of their name and phone, or, without
    a phone, of their name in their community (street, for one placed by street). None without a name."""
    if not name:
        return []
    place = StaffInvite.community_id == community_id if community_id is not None else \
        StaffInvite.street_id == street_id if street_id is not None else StaffInvite.id.is_(None)
    same = StaffInvite.phone == phone if phone else StaffInvite.phone.is_(None) & place
    return list(session.scalars(select(StaffInvite.id).where(
        StaffInvite.name == name, same, StaffInvite.used_at.is_(None), StaffInvite.revoked_at.is_(None),
        StaffInvite.expires_at > now, StaffInvite.key_id.is_(None) | (StaffInvite.key_id == staff.key_id(secret)),
    ).order_by(StaffInvite.id)))


def by_code(session: Session, typed: str, secret: str) -> StaffInvite | None:
    """The invite a code was issued for, whatever its status; None when the code names none."""
    code = staff.normalize_code(typed)
    if code is None:
        return None
    return session.scalars(select(StaffInvite).where(StaffInvite.code_hash == staff.code_hash(code, secret))).first()


def _by_id(session: Session, typed: str) -> StaffInvite | None:
    number = typed_id(typed)
    return session.get(StaffInvite, number) if number is not None else None
