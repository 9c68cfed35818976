"""满意度评价: after 办结 the resident rates the result; 不满意 reopens the appeal and starts a follow-up (回访).

tasks.resolve opens the question (the RATING_DIALOG on the resident) for three days; no answer counts as
unrated, never as satisfied.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import building_leads, complaints, points_grants, reassigning, residents, volunteer_claims
from storage.actors import ActorKind
from storage.appeals import Action, record, transition, wrong_state
from storage.errors import NotFound
from storage.models import Appeal, AppealEvent, AppealStatus, Resident, Staff, StaffRole
from storage.notices import ResidentReopened, StaffReopened
from storage.staff import community_operators, street_operators
from storage.tasks import RATING_DIALOG, RATING_WINDOW
from storage.telling import tell, tell_followers


class Rating(StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASIC = "basic"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意


def rate(session: Session, resident: Resident, appeal_id: int, rating: Rating, now: datetime,
         words: str | None = None, *, sensitive: Collection[str]) -> Appeal:
    """Record the resident's rating; 不满意 reopens the task for its assignee and tells the grid leader, passing
    on the resident's `words` when they said more than a number. Whoever resolved it gains or loses 积分 by the
    rating, and a reopened appeal's 办结 points are taken back (storage/points_grants.py). `sensitive` names the
    private categories: a departed holder's task goes back to the team with the card dispatch would send."""
    appeal = session.get(Appeal, appeal_id)
    if appeal is None or appeal.resident_id != resident.id:
        raise NotFound(str(appeal_id))
    if appeal.status != AppealStatus.RESOLVED:
        raise wrong_state(session, appeal)
    residents.set_dialog(resident, None, now)
    if rating is Rating.UNSATISFIED:
        transition(session, appeal, AppealStatus.RESOLVED, AppealStatus.ACCEPTED, now,
                   rating=rating, rated_at=now, resolved_at=None)
        record(session, appeal.id, now, Action.RATED, None, None, actor_id=resident.id, note=rating)
        record(session, appeal.id, now, Action.REOPENED, AppealStatus.RESOLVED, AppealStatus.ACCEPTED,
               actor_id=resident.id, note=words)
        points_grants.reopened(session, appeal, now)
        tell_followers(session, appeal, ResidentReopened(ticket=appeal.ticket), now)
        times = session.scalar(select(func.count(AppealEvent.id)).where(AppealEvent.appeal_id == appeal.id,
                                                                        AppealEvent.action == Action.REOPENED)) or 1
        followers = follow_up_by(session, appeal)
        relayer = building_leads.relayer(session, appeal, resident.id)  # a 代报: the 楼长 rated it for the neighbour
        role, name = (relayer.role, relayer.name) if relayer else (None, None)
        for person in followers:
            record(session, appeal.id, now, Action.FOLLOW_UP, None, None, note=person.name, internal=True)
            reopened = StaffReopened(ticket=appeal.ticket, follow_up=True, words=words, times=times,
                                     yours=person.id == appeal.assignee_staff_id, relayer_role=role,
                                     relayer_name=name)
            tell(session, person.openid, reopened, now, appeal=appeal)
        assignee = session.get(Staff, appeal.assignee_staff_id) if appeal.assignee_staff_id else None
        if assignee is not None and not assignee.active:
            # They left (gridbot staff disable) after 办结: the grid's team (a department's officers) gets it
            # back, as their open tasks did.
            reassigning.hand_back(session, appeal, now, sensitive, unattended=ActorKind.SYSTEM)
        elif assignee is not None and assignee not in followers:
            tell(session, assignee.openid, StaffReopened(ticket=appeal.ticket, follow_up=False, words=words, times=times,
                                                         relayer_role=role, relayer_name=name), now, appeal=appeal)
        return appeal
    transition(session, appeal, AppealStatus.RESOLVED, AppealStatus.CLOSED, now, rating=rating, rated_at=now)
    record(session, appeal.id, now, Action.RATED, AppealStatus.RESOLVED, AppealStatus.CLOSED, actor_id=resident.id,
           note=rating)
    if rating is Rating.SATISFIED:
        points_grants.rated_satisfied(session, appeal, now)
    volunteer_claims.confirm_by_rating(session, appeal, rating, now)  # a volunteer's finished part, with points
    return appeal


def ask_next(session: Session, resident: Resident, now: datetime) -> Appeal | None:
    """Open the rating question of the resident's latest other appeal still waiting for one (办结 within the last
    RATING_WINDOW), and return it; None when none waits. Each 办结 opens its own question and the newest replaces
    the one before, so an answer moves on to the appeal whose question it replaced."""
    waiting = session.scalars(
        select(Appeal).where(Appeal.resident_id == resident.id, Appeal.status == AppealStatus.RESOLVED,
                             Appeal.resolved_at > now - RATING_WINDOW)
        .order_by(Appeal.resolved_at.desc(), Appeal.id.desc()).limit(1)
    ).first()
    if waiting is None or waiting.resolved_at is None:
        return None
    state = {"name": RATING_DIALOG, "appeal_id": waiting.id, "ticket": waiting.ticket}
    residents.set_dialog(resident, state, now, ttl=waiting.resolved_at + RATING_WINDOW - now)
    return waiting


def latest_unrated(session: Session, resident_id: int) -> Appeal | None:
    """The resident's latest 办结 when nobody rated it yet (its RATING_WINDOW may have passed: see `still_open`);
    None when their latest 办结 was rated, or there is none."""
    latest = session.scalars(
        select(Appeal).where(Appeal.resident_id == resident_id, Appeal.resolved_at.is_not(None))
        .order_by(Appeal.resolved_at.desc(), Appeal.id.desc()).limit(1)
    ).first()
    if latest is None or latest.status != AppealStatus.RESOLVED or latest.resolved_at is None:
        return None
    return latest


def latest_rated(session: Session, resident_id: int, now: datetime) -> Appeal | None:
    """The resident's appeal rated last, when that was within RATING_WINDOW; else None."""
    return session.scalars(
        select(Appeal).where(Appeal.resident_id == resident_id, Appeal.rated_at > now - RATING_WINDOW)
        .order_by(Appeal.rated_at.desc(), Appeal.id.desc()).limit(1)
    ).first()


def still_open(appeal: Appeal, now: datetime) -> bool:
    """Whether the resident may still rate the resolved appeal: within RATING_WINDOW of its 办结."""
    return appeal.resolved_at is not None and appeal.resolved_at > now - RATING_WINDOW


def follow_up_by(session: Session, appeal: Appeal) -> list[Staff]:
    """Who follows up (回访) a 不满意: the grid's leaders; a grid without one, the community's operators (the next
    level of escalation), then the street's; none when nobody above the grid is bound. Never anyone a complaint
    about staff names: the leader it is about would get the resident's words and be sent to see them."""
    about = complaints.accused(session, appeal.id) or frozenset()
    leaders = session.scalars(
        select(Staff).where(Staff.grid_id == appeal.grid_id, Staff.role == StaffRole.GRID_LEADER,
                            Staff.active.is_(True))
    ).all()
    for level in (leaders, community_operators(session, appeal.grid_id), street_operators(session, appeal.grid_id)):
        people = [person for person in level if person.id not in about]
        if people:
            return people
    return []
