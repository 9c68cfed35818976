"""可领任务: what the community's volunteers and party members may take (领单), and a task found by its number.

A task is an open 微心愿 of their community, or an open appeal there (dispatched, claimed or paused, never an
emergency) whose category the taxonomy in force gives to volunteers (`volunteers = true`, never a sensitive
one), that nobody has taken. A volunteer reads only what they need: the number, what it is, the 小区, building
and unit (never a 门牌 or the resident), and the start of the words with phone and ID numbers masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import org, wishes
from storage.errors import NotFound
from storage.models import (
    Appeal,
    AppealStatus,
    Building,
    ClaimStatus,
    Grid,
    Staff,
    VolunteerClaim,
    Wish,
    WishStatus,
)
from storage.privacy import mask_for_volunteers
from storage.tickets import normalize_ticket, normalize_wish_code

LIST_LIMIT = 10  # tasks 可领任务 shows
SNIPPET = 40  # characters of a task's words it shows
CANDIDATES = 200  # open appeals (and wishes) read per request before the taxonomy's filter: bounds the work
CLAIMABLE = (AppealStatus.DISPATCHED, AppealStatus.ACCEPTED, AppealStatus.PAUSED)


class VolunteerWork(Protocol):
    """What the taxonomy in force says volunteers may take (nlp.Taxonomy; storage does not import nlp)."""

    @property
    def volunteer_categories(self) -> frozenset[str]: ...

    def for_volunteers(self, category: str, subcategory: str | None = None) -> bool: ...


@dataclass(frozen=True)
class Target:
    """The task a number names: an appeal or a 微心愿."""

    appeal: Appeal | None = None
    wish: Wish | None = None

    @property
    def code(self) -> str:
        return self.appeal.ticket if self.appeal is not None else self.wish.code  # type: ignore[union-attr]

    @property
    def key(self) -> str:
        """VolunteerClaim.task_key: the unique claim on this task while it stands."""
        if self.appeal is not None:
            return f"appeal:{self.appeal.id}"
        return wishes.task_key(self.wish)  # type: ignore[arg-type]

    @property
    def grid_id(self) -> int | None:
        return self.appeal.grid_id if self.appeal is not None else self.wish.grid_id  # type: ignore[union-attr]

    def community_id(self, session: Session) -> int | None:
        if self.wish is not None:
            return self.wish.community_id
        grid_id = self.appeal.grid_id  # type: ignore[union-attr]
        return session.scalar(select(Grid.community_id).where(Grid.id == grid_id)) if grid_id else None


RESOLVED_BY_STAFF = "resolved"  # a Task's status: the grid member 办结 the appeal the volunteer still holds
CLOSED_FOR_VOLUNTEERS = (AppealStatus.RESOLVED, AppealStatus.CLOSED)


@dataclass(frozen=True)
class Task:
    """One line of 可领任务: `what` is category·subcategory, or None for a 微心愿."""

    code: str
    what: str | None
    place: str
    text: str
    status: str | None = None  # the volunteer's own claim's status, in their list of tasks in progress


@dataclass(frozen=True)
class Offer:
    open: list[Task]
    mine: list[Task]


def find(session: Session, code: str) -> Target:
    """The appeal (G… or the bare number) or the 微心愿 (W…) numbered `code`; NotFound if there is none."""
    wish_code = normalize_wish_code(code)
    if wish_code is not None:
        return Target(wish=wishes.find(session, wish_code))
    ticket = normalize_ticket(code)
    appeal = session.scalars(select(Appeal).where(Appeal.ticket == ticket)).first() if ticket else None
    if appeal is None:
        raise NotFound(code)
    return Target(appeal=appeal)


def volunteer_work(taxonomy: VolunteerWork, appeal: Appeal) -> bool:
    """Whether volunteers may take part in the appeal: the taxonomy flags its kind, it is no private matter and
    no emergency (those are for staff and the emergency services)."""
    return appeal.emergency is None and taxonomy.for_volunteers(appeal.category, appeal.subcategory)


def offer(session: Session, member: Staff, taxonomy: VolunteerWork) -> Offer:
    """可领任务 for `member`: open tasks of their 小区 first, then of the rest of their community (at most
    LIST_LIMIT, the longest waiting first within each), and their own claims in progress."""
    home = _home_compound(session, member)
    found: list[tuple[bool, datetime, Task]] = []
    for appeal, compound in _open_appeals(session, member, taxonomy):
        found.append((compound != home, appeal.created_at, _appeal_task(session, appeal)))
    for wish in _open_wishes(session, member):
        found.append((wish.compound != home, wish.created_at, wish_task(session, wish)))
    found.sort(key=lambda row: (row[0], row[1]))
    return Offer([task for _far, _at, task in found[:LIST_LIMIT]], mine(session, member))


def wish_task(session: Session, wish: Wish, status: str | None = None) -> Task:
    return Task(wish.code, None, wishes.place_label(session, wish), snippet(wish.text), status)


def snippet(text: str) -> str:
    """The start of a task's words as a volunteer reads them: numbers of people and rooms masked, cut to SNIPPET."""
    flat = " ".join(mask_for_volunteers(text).split())
    return flat if len(flat) <= SNIPPET else flat[:SNIPPET] + "…"


def appeal_place(session: Session, appeal: Appeal) -> str:
    """小区, building and unit of an appeal (never its 门牌); the grid when it has no building."""
    if appeal.grid_id is None:
        return ""
    address = org.address(session, appeal.grid_id, appeal.building_id, appeal.unit_id)
    return address.home_label if address.building else address.grid_label


def what(appeal: Appeal) -> str:
    return f"{appeal.category}·{appeal.subcategory}" if appeal.subcategory else appeal.category


def _appeal_task(session: Session, appeal: Appeal, status: str | None = None) -> Task:
    return Task(appeal.ticket, what(appeal), appeal_place(session, appeal), snippet(appeal.listed_words), status)


def _open_appeals(session: Session, member: Staff, taxonomy: VolunteerWork) -> list[tuple[Appeal, str | None]]:
    flagged = sorted(taxonomy.volunteer_categories)
    if not flagged or member.community_id is None:
        return []
    taken = select(VolunteerClaim.id).where(VolunteerClaim.appeal_id == Appeal.id,
                                            VolunteerClaim.task_key.is_not(None))
    rows = session.execute(
        select(Appeal, Building.compound).join(Grid, Grid.id == Appeal.grid_id)
        .outerjoin(Building, Building.id == Appeal.building_id)
        .where(Grid.community_id == member.community_id, Appeal.status.in_(CLAIMABLE),
               Appeal.emergency.is_(None), Appeal.category.in_(flagged), ~taken.exists())
        .order_by(Appeal.created_at).limit(CANDIDATES)
    ).all()
    return [(appeal, compound) for appeal, compound in rows if volunteer_work(taxonomy, appeal)]


def _open_wishes(session: Session, member: Staff) -> list[Wish]:
    if member.community_id is None:
        return []
    return list(session.scalars(select(Wish).where(Wish.community_id == member.community_id,
                                                   Wish.status == WishStatus.OPEN)
                                .order_by(Wish.created_at).limit(CANDIDATES)))


def mine(session: Session, member: Staff) -> list[Task]:
    """The tasks the member took and has not had confirmed (in progress or reported done), the oldest first."""
    claims = session.scalars(select(VolunteerClaim).where(
        VolunteerClaim.staff_id == member.id,
        VolunteerClaim.status.in_([ClaimStatus.CLAIMED, ClaimStatus.DONE])).order_by(VolunteerClaim.claimed_at))
    tasks = []
    for claim in claims:
        if claim.appeal_id is not None:
            appeal = session.get_one(Appeal, claim.appeal_id)
            # Staff closed it while the volunteer holds their part: theirs to say 完成 or 放弃, not "in progress".
            closed = claim.status == ClaimStatus.CLAIMED and appeal.status in CLOSED_FOR_VOLUNTEERS
            tasks.append(_appeal_task(session, appeal, RESOLVED_BY_STAFF if closed else claim.status))
        else:
            tasks.append(wish_task(session, session.get_one(Wish, claim.wish_id), claim.status))
    return tasks


def _home_compound(session: Session, member: Staff) -> str | None:
    """The 小区 the member lives in (their building's compound)."""
    if member.building_id is None:
        return None
    return session.scalar(select(Building.compound).where(Building.id == member.building_id))
