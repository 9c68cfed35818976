"""积分 in the lifecycle: what grid staff earn by their results, what a post earns by 已转达, and what is taken back
when it did not hold.

Each function is called by the one storage function that makes the change it rewards (tasks.claim, tasks.resolve,
rating.rate, rejecting.reject, notice_records.confirm_relayed), inside that change's transaction: the points stand
or fall with it. Grants are idempotent per rule, thing and person (storage/points.py), so a job or a message that
runs twice grants once. Only the grid's own team (GRID_TEAM) earns by appeals: a department's or 物业's staff who
claim or resolve a transferred appeal earn nothing, and neither does a console operator.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import points
from storage.actors import ActorKind
from storage.appeals import Action
from storage.models import COMMUNITY_ROLES, GRID_TEAM, Appeal, AppealEvent, Broadcast, Staff
from storage.points import Source


class Reason(StrEnum):
    """Why the lifecycle took a grant back: the note of its reversal (the CLI and the chat word it)."""

    REOPENED = "reopened"  # 不满意 reopened the appeal: the 办结 did not hold
    REJECTED = "rejected"  # the 代报 was 不受理: it was no appeal


def claimed(session: Session, appeal: Appeal, member: Staff, now: datetime) -> None:
    """接单 before the appeal's response deadline: accepted_in_time to a member of the grid's team."""
    due = appeal.response_due_at
    if member.role in GRID_TEAM and due is not None and now <= due:
        points.grant(session, member.id, "accepted_in_time", Source(appeal_id=appeal.id), now)


def resolved(session: Session, appeal: Appeal, member: Staff, now: datetime) -> None:
    """办结 by a member of the grid's team (the assignee, or the 网格长 who closed it for them): resolved."""
    if member.role in GRID_TEAM:
        points.grant(session, member.id, "resolved", Source(appeal_id=appeal.id), now)


def rated_satisfied(session: Session, appeal: Appeal, now: datetime) -> None:
    """The resident's 满意: rated_satisfied to whoever resolved the appeal (基本满意 earns nothing)."""
    resolver = _resolver(session, appeal)
    if resolver is not None:
        points.grant(session, resolver.id, "rated_satisfied", Source(appeal_id=appeal.id), now)


def reopened(session: Session, appeal: Appeal, now: datetime) -> None:
    """The resident's 不满意 reopened the appeal: rated_unsatisfied to whoever resolved it, and the appeal's standing
    `resolved` grant taken back (it is earned again by the next 办结)."""
    resolver = _resolver(session, appeal)
    if resolver is not None:
        points.grant(session, resolver.id, "rated_unsatisfied", Source(appeal_id=appeal.id), now)
    points.reverse_grants(session, "resolved", Source(appeal_id=appeal.id), now, note=Reason.REOPENED)


def rejected(session: Session, appeal: Appeal, now: datetime, by_staff_id: int | None) -> None:
    """不受理: a 代报 that was no appeal earns nothing; its neighbour_report grant is taken back."""
    points.reverse_grants(session, "neighbour_report", Source(appeal_id=appeal.id), now,
                          granted_by_staff_id=by_staff_id, note=Reason.REJECTED)


def relayed(session: Session, member: Staff, notice: Broadcast, now: datetime) -> None:
    """已转达 of a notice by a 楼长 (or another of the community's posts): notice_relayed."""
    if member.role in COMMUNITY_ROLES:
        points.grant(session, member.id, "notice_relayed", Source(broadcast_id=notice.id), now)


def _resolver(session: Session, appeal: Appeal) -> Staff | None:
    """The grid team member whose 办结 the resident rated: the actor of the appeal's latest 办结."""
    actor = session.scalars(
        select(AppealEvent.actor_id).where(AppealEvent.appeal_id == appeal.id,
                                           AppealEvent.action == str(Action.RESOLVED),
                                           AppealEvent.actor_kind == str(ActorKind.STAFF))
        .order_by(AppealEvent.at.desc(), AppealEvent.id.desc()).limit(1)).first()
    member = session.get(Staff, actor) if actor is not None else None
    return member if member is not None and member.role in GRID_TEAM else None
