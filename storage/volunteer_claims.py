"""领单, 完成, 放弃 and 确认完成: a volunteer's (or party member's) part in an appeal or a 微心愿.

领单 is a compare-and-set: the claim row's unique `task_key` ("appeal:12", "wish:3") is inserted in a savepoint,
so of two volunteers at once exactly one wins and the other hears who has it. The grid member stays responsible
for the appeal: they (or, for nobody's yet, the grid's team; for a wish its poster) hear of each step and confirm
the volunteer's part with 确认完成, or the resident's 满意/基本满意 rating confirms it. Confirmation grants the
`task_confirmed` points, 满意 `task_satisfied` too (storage/points.py: once per task and person). Every step
is in the appeal's audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage import material, photo_shares, points
from storage.appeals import Action, record
from storage.contacts import volunteer_phone
from storage.errors import DomainError, NotFound
from storage.models import (
    GRID_TEAM,
    OPEN_STATUSES,
    Appeal,
    Attachment,
    ClaimStatus,
    Resident,
    Staff,
    StaffRole,
    VolunteerClaim,
    Wish,
    WishStatus,
)
from storage.notices import (
    ResidentVolunteerComing,
    ResidentVolunteerNotComing,
    StaffNotice,
    StaffVolunteerClaimed,
    StaffVolunteerConfirmed,
    StaffVolunteerDone,
    StaffVolunteerMaterial,
    StaffVolunteerPraised,
    StaffVolunteerReleased,
)
from storage.points import Source
from storage.staff import manages_grid
from storage.tasks import RESULT_PHOTO_WINDOW
from storage.telling import tell, tell_resident
from storage.tickets import LOCAL_ZONE
from storage.volunteer_tasks import CLAIMABLE, Target, VolunteerWork, appeal_place, find, volunteer_work, what
from storage.wishes import place_label

MAX_IN_PROGRESS = 3  # claims a person holds at once (领单 … 完成): more than they can do this week
MAX_PER_DAY = 10  # claims a person makes in a local day, given back ones included: no hoarding by 领单/放弃
RATED_BY = "rating"  # the volunteer_confirmed event's note when the resident's rating confirmed it
CONFIRMING_RATINGS = ("satisfied", "basic")


class ClaimRefused(DomainError):
    """领单 or 确认完成 refused: `reason` is not_volunteer_work, emergency, closed, in_progress, per_day, not_done."""

    def __init__(self, reason: str, limit: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit


class TakenByOther(DomainError):
    """Someone else holds the task: their name and role, for the reply; `done` once they reported it done (完成),
    confirmed or not: the task is done, not merely taken."""

    def __init__(self, name: str, role: str, done: bool = False) -> None:
        super().__init__(name)
        self.name = name
        self.role = role
        self.done = done


class AlreadyReported(DomainError):
    """The member reported the task done already (完成): waiting for the one responsible, or `confirmed`."""

    def __init__(self, code: str, confirmed: bool) -> None:
        super().__init__(code)
        self.confirmed = confirmed


@dataclass(frozen=True)
class Claimed:
    target: Target
    new: bool  # False: the member had taken it already, nothing changed


@dataclass(frozen=True)
class Confirmed:
    target: Target
    volunteer: Staff
    points: int  # granted by this confirmation
    already: bool = False  # it was confirmed before: nothing changed


def claim(session: Session, member: Staff, code: str, taxonomy: VolunteerWork, now: datetime) -> Claimed:
    """领单: `member` takes the task numbered `code`. NotFound (also for another community's), ClaimRefused,
    TakenByOther; taking one's own again changes nothing."""
    target = find(session, code)
    if target.community_id(session) != member.community_id:
        raise NotFound(code)  # another community's work is none of theirs: told as for no such number
    standing = _standing(session, target)
    if standing is not None:
        if standing.staff_id == member.id:
            _check_not_reported(standing, target)
            return Claimed(target, new=False)
        raise _taken(session, standing)
    _check_open(target, taxonomy)
    _check_limits(session, member, now)
    try:
        with session.begin_nested():
            session.add(VolunteerClaim(appeal_id=target.appeal.id if target.appeal else None,
                                       wish_id=target.wish.id if target.wish else None, staff_id=member.id,
                                       status=ClaimStatus.CLAIMED, task_key=target.key, claimed_at=now))
            session.flush()
            if target.wish is not None and not _move_wish(session, target.wish, WishStatus.OPEN,
                                                          WishStatus.CLAIMED):
                raise ClaimRefused("closed")  # cancelled meanwhile: the savepoint takes the claim back
    except IntegrityError:
        winner = _standing(session, target)
        if winner is None:  # the winner gave it back at once: rare enough to ask to try again
            raise ClaimRefused("closed") from None
        raise _taken(session, winner) from None
    if target.appeal is not None:
        record(session, target.appeal.id, now, Action.VOLUNTEER_CLAIMED, None, None, actor_id=member.id,
               actor_kind="staff")
        tell_resident(session, target.appeal, ResidentVolunteerComing(ticket=target.code, volunteer=member.name),
                      now)
        place = appeal_place(session, target.appeal)
        kind = what(target.appeal)
    else:
        place, kind = place_label(session, target.wish), "微心愿"  # type: ignore[arg-type]
    _tell_responsible(session, target, StaffVolunteerClaimed(code=target.code, volunteer=member.name,
                                                             role=member.role, what=kind, place=place,
                                                             phone=volunteer_phone(session, member)), now)
    return Claimed(target, new=True)


def release(session: Session, member: Staff, code: str, now: datetime) -> Target:
    """放弃: the volunteer gives back a task they took and have not finished; it is open to others again."""
    target = find(session, code)
    _release(session, member, _own_claim(session, member, target, ClaimStatus.CLAIMED), target, now)
    return target


def release_all(session: Session, member: Staff, now: datetime) -> tuple[str, ...]:
    """The member left (`gridbot staff disable`): every task they took and have not finished is open to others
    again, as if they had sent 放弃, the one responsible told; the numbers. A part they reported done stays to be
    confirmed."""
    held = session.scalars(select(VolunteerClaim).where(VolunteerClaim.staff_id == member.id,
                                                        VolunteerClaim.status == ClaimStatus.CLAIMED)
                           .order_by(VolunteerClaim.id)).all()
    released = []
    for claim in held:
        target = Target(appeal=session.get_one(Appeal, claim.appeal_id)) if claim.appeal_id is not None \
            else Target(wish=session.get_one(Wish, claim.wish_id))
        _release(session, member, claim, target, now)
        released.append(target.code)
    return tuple(released)


def _release(session: Session, member: Staff, held: VolunteerClaim, target: Target, now: datetime) -> None:
    held.status, held.task_key, held.released_at = ClaimStatus.RELEASED, None, now
    session.flush()
    if target.wish is not None:
        _move_wish(session, target.wish, WishStatus.CLAIMED, WishStatus.OPEN)
    if target.appeal is not None:
        record(session, target.appeal.id, now, Action.VOLUNTEER_RELEASED, None, None, actor_id=member.id,
               actor_kind="staff")
        if target.appeal.status in OPEN_STATUSES:  # told this volunteer was coming, they would wait for nobody
            tell_resident(session, target.appeal,
                          ResidentVolunteerNotComing(ticket=target.code, volunteer=member.name), now)
    closed = target.appeal is not None and target.appeal.status not in CLAIMABLE  # 办结 before the 放弃
    _tell_responsible(session, target, StaffVolunteerReleased(code=target.code, volunteer=member.name,
                                                              role=member.role, closed=closed), now)


def finish(session: Session, member: Staff, code: str, note: str, now: datetime) -> Target:
    """完成: the volunteer's part is done, in their words; the one responsible is asked to confirm it."""
    target = find(session, code)
    held = _own_claim(session, member, target, ClaimStatus.CLAIMED)
    moved = session.execute(update(VolunteerClaim).where(VolunteerClaim.id == held.id,
                                                         VolunteerClaim.status == ClaimStatus.CLAIMED)
                            .values(status=ClaimStatus.DONE, done_at=now, note=note)).rowcount
    if moved != 1:
        raise NotFound(code)  # a second 完成 at the same moment: the first one counts
    if target.wish is not None:
        _move_wish(session, target.wish, WishStatus.CLAIMED, WishStatus.DONE)
    if target.appeal is not None:
        record(session, target.appeal.id, now, Action.VOLUNTEER_DONE, None, None, actor_id=member.id,
               actor_kind="staff", note=note)
    _tell_responsible(session, target, StaffVolunteerDone(code=target.code, volunteer=member.name,
                                                          role=member.role, note=note), now)
    return target


def confirm(session: Session, confirmer: Staff, code: str, now: datetime) -> Confirmed:
    """确认完成: the appeal's grid team or the community's operator (a wish: its grid's team or the operators)
    confirms the volunteer's part; the volunteer gets the points and is told. NotFound for a task they may not
    confirm or no volunteer took; ClaimRefused("not_done") before the volunteer's 完成."""
    target = find(session, code)
    if not _may_confirm(session, confirmer, target):
        raise NotFound(code)
    held = _standing(session, target)
    if held is None:
        raise NotFound(code)
    volunteer = session.get_one(Staff, held.staff_id)
    if held.status == ClaimStatus.CLAIMED:
        raise ClaimRefused("not_done")
    if held.status == ClaimStatus.CONFIRMED:
        return Confirmed(target, volunteer, 0, already=True)
    granted = _confirm(session, held, target, now, confirmer)
    rated = target.appeal is not None and target.appeal.rating == "satisfied"  # before the member confirmed
    if rated and not _rated_by_the_volunteer(session, target.appeal, held):
        granted += _grant(session, held, target, "task_satisfied", now, confirmer.id)
    tell(session, volunteer.openid, StaffVolunteerConfirmed(code=target.code, by=confirmer.name, points=granted),
         now, key=f"claim:{held.id}:confirmed")
    return Confirmed(target, volunteer, granted)


def to_confirm_ending(session: Session, confirmer: Staff, digits: str) -> list[str]:
    """确认完成 0001: the numbers of the tasks reported done that `confirmer` may confirm, ending in `digits`."""
    done = select(VolunteerClaim).where(VolunteerClaim.status == ClaimStatus.DONE)
    held = [*session.scalars(done.join(Appeal, Appeal.id == VolunteerClaim.appeal_id)
                             .where(Appeal.ticket.endswith(digits))),
            *session.scalars(done.join(Wish, Wish.id == VolunteerClaim.wish_id).where(Wish.code.endswith(digits)))]
    targets = [Target(appeal=session.get_one(Appeal, claim.appeal_id)) if claim.appeal_id is not None
               else Target(wish=session.get_one(Wish, claim.wish_id)) for claim in held]
    return sorted(target.code for target in targets if _may_confirm(session, confirmer, target))


def confirm_by_rating(session: Session, appeal: Appeal, rating: str, now: datetime) -> None:
    """The resident rated the appeal: 满意 or 基本满意 confirms a volunteer's finished part (with its points),
    满意 also grants task_satisfied, even when staff confirmed it before. Anything else changes nothing."""
    if rating not in CONFIRMING_RATINGS:
        return
    target = Target(appeal=appeal)
    held = _standing(session, target)
    if held is None or held.status not in (ClaimStatus.DONE, ClaimStatus.CONFIRMED):
        return
    if _rated_by_the_volunteer(session, appeal, held):
        return  # their own word on their own part: the grid member confirms it (确认完成)
    confirmed_before = held.status == ClaimStatus.CONFIRMED
    granted = 0 if confirmed_before else _confirm(session, held, target, now, None)
    if rating == "satisfied":
        granted += _grant(session, held, target, "task_satisfied", now, None)
    if granted:
        volunteer = session.get_one(Staff, held.staff_id)
        notice = StaffVolunteerPraised(code=appeal.ticket, points=granted) if confirmed_before \
            else StaffVolunteerConfirmed(code=appeal.ticket, points=granted)
        tell(session, volunteer.openid, notice, now, key=f"claim:{held.id}:rated")


def _rated_by_the_volunteer(session: Session, appeal: Appeal, held: VolunteerClaim) -> bool:
    """The one rating the appeal took its part themselves: a 楼长 who filed for a neighbour (代报, she rates for
    them) and went to help herself, or a volunteer who took their own appeal."""
    volunteer = session.scalar(select(Staff.openid).where(Staff.id == held.staff_id))
    rater = session.scalar(select(Resident.openid).where(Resident.id == appeal.resident_id))
    return volunteer is not None and volunteer == rater


@dataclass(frozen=True)
class PhotoNotKept:
    """A photo past the volunteer's share (`window` "hour" or "day", `limit`): not kept, as a resident's would not
    be (storage.photo_shares.RESIDENT)."""

    window: str
    limit: int


def attach_photo(session: Session, member: Staff, attachment: Attachment, now: datetime) -> str | PhotoNotKept | None:
    """A photo (or location) the volunteer sends within RESULT_PHOTO_WINDOW of their 完成 is kept with that
    claim (and its appeal's material) and sent to the ones responsible, with its link; the task's number, or None
    when they finished nothing just now. Past a
    resident's share of photos (each one downloaded and kept), PhotoNotKept and nothing is kept."""
    held = session.scalars(select(VolunteerClaim).where(
        VolunteerClaim.staff_id == member.id, VolunteerClaim.status.in_([ClaimStatus.DONE, ClaimStatus.CONFIRMED]),
        VolunteerClaim.done_at >= now - RESULT_PHOTO_WINDOW).order_by(VolunteerClaim.done_at.desc()).limit(1)).first()
    if held is None:
        return None
    def kept_since(moment: datetime) -> int:
        return session.scalar(select(func.count(Attachment.id)).join(
            VolunteerClaim, VolunteerClaim.id == Attachment.volunteer_claim_id).where(
            VolunteerClaim.staff_id == member.id, Attachment.created_at > moment)) or 0
    full = photo_shares.used_up(photo_shares.RESIDENT, kept_since, now)
    if full is not None:
        return PhotoNotKept(*full)
    attachment.volunteer_claim_id, attachment.appeal_id, attachment.resident_id = held.id, held.appeal_id, None
    attachment.created_at = now
    session.add(attachment)
    session.flush()  # its public id, for the link
    if held.appeal_id is not None:
        record(session, held.appeal_id, now, Action.ATTACHED, None, None, actor_id=member.id, actor_kind="staff",
               note=attachment.kind)
    target = Target(appeal=session.get_one(Appeal, held.appeal_id)) if held.appeal_id is not None \
        else Target(wish=session.get_one(Wish, held.wish_id))
    _tell_responsible(session, target, StaffVolunteerMaterial(
        code=target.code, volunteer=member.name, role=member.role, material=attachment.kind,
        photos=material.photo_link(session, attachment), places=material.place_link(attachment),
        confirmed=held.status == ClaimStatus.CONFIRMED), now)
    return target.code


def _confirm(session: Session, held: VolunteerClaim, target: Target, now: datetime, confirmer: Staff | None) -> int:
    """DONE → CONFIRMED (a conditional update: a rating and a member at once confirm it once); the points."""
    moved = session.execute(update(VolunteerClaim).where(VolunteerClaim.id == held.id,
                                                         VolunteerClaim.status == ClaimStatus.DONE)
                            .values(status=ClaimStatus.CONFIRMED, confirmed_at=now,
                                    confirmed_by_staff_id=confirmer.id if confirmer else None)).rowcount
    if moved != 1:
        return 0
    session.refresh(held)
    if target.wish is not None:
        _move_wish(session, target.wish, WishStatus.DONE, WishStatus.CONFIRMED, closed_at=now)
    if target.appeal is not None:
        if confirmer is not None:
            record(session, target.appeal.id, now, Action.VOLUNTEER_CONFIRMED, None, None, actor_id=confirmer.id,
                   actor_kind="staff")
        else:
            record(session, target.appeal.id, now, Action.VOLUNTEER_CONFIRMED, None, None, actor_kind="system",
                   note=RATED_BY)
    return _grant(session, held, target, "task_confirmed", now, confirmer.id if confirmer else None)


def _grant(session: Session, held: VolunteerClaim, target: Target, rule: str, now: datetime,
           by: int | None) -> int:
    source = Source(appeal_id=target.appeal.id) if target.appeal is not None else Source(wish_id=held.wish_id)
    entry = points.grant(session, held.staff_id, rule, source, now, granted_by_staff_id=by)
    return entry.amount if entry is not None else 0


def _check_open(target: Target, taxonomy: VolunteerWork) -> None:
    appeal = target.appeal
    if appeal is None:
        if target.wish.status != WishStatus.OPEN:  # type: ignore[union-attr]
            raise ClaimRefused("closed")
        return
    if appeal.emergency is not None:
        raise ClaimRefused("emergency")
    if not volunteer_work(taxonomy, appeal):  # a sensitive category included: told no more than that
        raise ClaimRefused("not_volunteer_work")
    if appeal.status not in CLAIMABLE:
        raise ClaimRefused("closed")


def _check_limits(session: Session, member: Staff, now: datetime) -> None:
    held = session.scalar(select(func.count(VolunteerClaim.id)).where(
        VolunteerClaim.staff_id == member.id, VolunteerClaim.status == ClaimStatus.CLAIMED)) or 0
    if held >= MAX_IN_PROGRESS:
        raise ClaimRefused("in_progress", MAX_IN_PROGRESS)
    local = now.astimezone(LOCAL_ZONE)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    today = session.scalar(select(func.count(VolunteerClaim.id)).where(
        VolunteerClaim.staff_id == member.id, VolunteerClaim.claimed_at >= midnight)) or 0
    if today >= MAX_PER_DAY:
        raise ClaimRefused("per_day", MAX_PER_DAY)


def _standing(session: Session, target: Target) -> VolunteerClaim | None:
    return session.scalars(select(VolunteerClaim).where(VolunteerClaim.task_key == target.key)).first()


def _own_claim(session: Session, member: Staff, target: Target, status: ClaimStatus) -> VolunteerClaim:
    held = _standing(session, target)
    if held is None or held.staff_id != member.id:
        raise NotFound(target.code)
    _check_not_reported(held, target)
    if held.status != status:
        raise NotFound(target.code)
    return held


def _check_not_reported(held: VolunteerClaim, target: Target) -> None:
    """A task its volunteer reported done is past 领单, 完成 and 放弃: they are told it waits for confirmation."""
    if held.status in (ClaimStatus.DONE, ClaimStatus.CONFIRMED):
        raise AlreadyReported(target.code, confirmed=held.status == ClaimStatus.CONFIRMED)


def _taken(session: Session, held: VolunteerClaim) -> TakenByOther:
    holder = session.get_one(Staff, held.staff_id)
    return TakenByOther(holder.name, holder.role, done=held.status in (ClaimStatus.DONE, ClaimStatus.CONFIRMED))


def _move_wish(session: Session, wish: Wish, old: WishStatus, new: WishStatus, **values: object) -> bool:
    moved = session.execute(update(Wish).where(Wish.id == wish.id, Wish.status == old)
                            .values(status=new, **values)).rowcount
    session.refresh(wish)
    return moved == 1


def _may_confirm(session: Session, confirmer: Staff, target: Target) -> bool:
    if confirmer.role == StaffRole.OPERATOR:
        if confirmer.community_id is None:  # a street operator: their street's (every street's, if none recorded)
            return confirmer.street_id is None or manages_grid(session, confirmer, target.grid_id)
        return confirmer.community_id == target.community_id(session)
    return confirmer.role in GRID_TEAM and target.grid_id is not None and confirmer.grid_id == target.grid_id


def responsible(session: Session, target: Target) -> Sequence[Staff]:
    """Who hears of a volunteer's steps: the appeal's assignee, else its grid's team; a wish's poster, else its
    grid's team, else its community's operators — whoever is told can confirm (确认完成). The volunteer's replies
    name them."""
    first = target.appeal.assignee_staff_id if target.appeal is not None else target.wish.posted_by_staff_id  # type: ignore[union-attr]
    if first is not None:
        member = session.get(Staff, first)
        # A department or 物业 holding a transferred appeal may not 确认完成: the grid's team hears, who may.
        if member is not None and member.active and _may_confirm(session, member, target):
            return [member]
    query = select(Staff).where(Staff.active.is_(True))
    if target.grid_id is not None:
        return session.scalars(query.where(Staff.grid_id == target.grid_id, Staff.role.in_(GRID_TEAM))
                               .order_by(Staff.id)).all()
    return session.scalars(query.where(Staff.role == StaffRole.OPERATOR,
                                       Staff.community_id == target.community_id(session)).order_by(Staff.id)).all()


def _tell_responsible(session: Session, target: Target, notice: StaffNotice, now: datetime) -> None:
    for member in responsible(session, target):
        tell(session, member.openid, notice, now, appeal=target.appeal)
