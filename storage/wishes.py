"""微心愿: small wishes of residents in need (a lamp changed, shopping, a notice read aloud), posted for the
community's volunteers and party members to take (领单, storage/volunteer_claims.py).

An operator posts one from the CLI for any place of one community (`gridbot wishes add --scope PATH`), in the
chat for their community; a grid member or leader in the chat for their grid (`发布心愿 内容`). Who the wish is
for is in its words, as the poster chose to write it: volunteers read them, so a 门牌 or a phone number is the
poster's choice, never added by gridbot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from storage import notice_scope
from storage.errors import DomainError, NotAllowed, NotFound
from storage.limits import TextField, excess
from storage.models import (
    GRID_TEAM,
    Building,
    ClaimStatus,
    Community,
    Grid,
    Staff,
    StaffRole,
    VolunteerClaim,
    Wish,
    WishStatus,
)
from storage.notices import StaffWishCancelled, StaffWishWithdrawn
from storage.queries import Scope
from storage.roster import within
from storage.telling import tell
from storage.tickets import next_wish_code, normalize_wish_code

OPEN_WISHES = (WishStatus.OPEN, WishStatus.CLAIMED, WishStatus.DONE)  # `wishes list` without --all


class WishRefused(DomainError):
    """A wish that cannot be posted or cancelled: `reason` says why (empty, too_long, scope, closed, outside)."""

    def __init__(self, reason: str, limit: int = 0, length: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit
        self.length = length


@dataclass(frozen=True)
class Place:
    """Where a wish is: always one community; a grid, a 小区 and a building when the poster named them."""

    community_id: int
    grid_id: int | None = None
    compound: str | None = None
    building_id: int | None = None


@dataclass(frozen=True)
class WishLine:
    """One wish as `gridbot wishes list` shows it."""

    code: str
    place: str
    text: str
    status: str
    volunteer: str | None  # who took it (领单), while their claim stands
    created_at: datetime


@dataclass(frozen=True)
class Cancelled:
    wish: Wish
    volunteer: str | None  # who had taken it and was told
    poster: str | None = None  # the grid member (or operator) who posted it in the chat and was told


def place_of_path(session: Session, path: str) -> Place:
    """The place a scope path names (a community, a grid, a 小区 or a building, as `gridbot notice send --scope`
    reads them); UnclearPlace for a name that is not clear, WishRefused("scope") for a street or everywhere."""
    resolved = notice_scope.resolve(session, path)
    scope = resolved.scope
    if scope.grid_id is not None:
        community_id = session.get_one(Grid, scope.grid_id).community_id
        return Place(community_id, scope.grid_id, resolved.compound, resolved.building_id)
    if scope.community_id is not None:
        return Place(scope.community_id, compound=resolved.compound)  # a 小区 named alone: all of it
    raise WishRefused("scope")


def place_within(session: Session, scope: Scope, *, community_id: int | None = None, grid_id: int | None = None,
                 path: str | None = None) -> Place:
    """Where a console operator posts a wish: a grid or a community picked by id, or a scope path as
    `place_of_path` reads it (UnclearPlace, WishRefused("scope")); WishRefused("outside") for a place that is not
    there or not within the operator's scope."""
    if path is not None:
        place = place_of_path(session, notice_scope.qualified(session, path, scope))
    elif grid_id is not None:
        grid = session.get(Grid, grid_id)
        if grid is None or not grid.active:
            raise WishRefused("outside")
        place = Place(grid.community_id, grid.id)
    elif community_id is not None and session.get(Community, community_id) is not None:
        place = Place(community_id)
    else:
        raise WishRefused("outside")
    if not _place_inside(session, scope, place):
        raise WishRefused("outside")
    return place


def _place_inside(session: Session, scope: Scope, place: Place) -> bool:
    if scope.grid_id is not None:
        return place.grid_id == scope.grid_id
    if scope.community_id is not None:
        return place.community_id == scope.community_id
    if scope.street_id is not None:
        return session.get_one(Community, place.community_id).street_id == scope.street_id
    return True


def place_of_member(member: Staff) -> Place:
    """Where a staff member's 发布心愿 goes: a grid member's or leader's grid, an operator's community; NotAllowed
    for anyone else (a street operator names a place with the CLI)."""
    if member.role in GRID_TEAM and member.grid_id is not None and member.community_id is not None:
        return Place(member.community_id, member.grid_id)
    if member.role == StaffRole.OPERATOR and member.community_id is not None:
        return Place(member.community_id)
    raise NotAllowed(member.role)


def post(session: Session, place: Place, text: str, now: datetime, posted_by: Staff | None = None) -> Wish:
    """Post a wish for volunteers (open until one takes it); WishRefused for empty or too long words."""
    words = text.strip()
    if not words:
        raise WishRefused("empty")
    too_long = excess(TextField.WISH, words)
    if too_long is not None:
        raise WishRefused("too_long", too_long.limit, too_long.length)
    compound = place.compound
    if place.building_id is not None:
        compound = session.get_one(Building, place.building_id).compound
    wish = Wish(code=next_wish_code(session, now), community_id=place.community_id, grid_id=place.grid_id,
                building_id=place.building_id, compound=compound or None, text=words, status=WishStatus.OPEN,
                posted_by_staff_id=posted_by.id if posted_by is not None else None, created_at=now)
    session.add(wish)
    session.flush()
    return wish


def find(session: Session, code: str) -> Wish:
    """The wish numbered `code` (with its W, as typed: w2612020001 too); NotFound if there is none."""
    normal = normalize_wish_code(code)
    wish = session.scalars(select(Wish).where(Wish.code == normal)).first() if normal else None
    if wish is None:
        raise NotFound(code)
    return wish


def cancel(session: Session, code: str, now: datetime) -> Cancelled:
    """Cancel a wish nobody has done yet (open or taken); a volunteer who took it is told and let go. NotFound,
    or WishRefused("closed") once it is done, confirmed or cancelled."""
    wish = find(session, code)
    moved = session.execute(update(Wish).where(Wish.id == wish.id,
                                               Wish.status.in_([WishStatus.OPEN, WishStatus.CLAIMED]))
                            .values(status=WishStatus.CANCELLED, closed_at=now)).rowcount
    if moved != 1:
        raise WishRefused("closed")
    session.refresh(wish)
    claim = session.scalars(select(VolunteerClaim).where(VolunteerClaim.task_key == task_key(wish),
                                                         VolunteerClaim.status == ClaimStatus.CLAIMED)).first()
    volunteer = None
    if claim is not None:
        claim.status, claim.task_key, claim.released_at = ClaimStatus.RELEASED, None, now
        volunteer = session.get_one(Staff, claim.staff_id)
        tell(session, volunteer.openid, StaffWishCancelled(code=wish.code), now, key=f"wish:{wish.id}:cancelled")
    poster = session.get(Staff, wish.posted_by_staff_id) if wish.posted_by_staff_id is not None else None
    if poster is None or not poster.active:
        return Cancelled(wish, volunteer.name if volunteer else None)
    # They wait for the 领单 and 完成 notices that will not come now.
    tell(session, poster.openid, StaffWishWithdrawn(code=wish.code, text=wish.text,
                                                    volunteer=volunteer.name if volunteer else None),
         now, key=f"wish:{wish.id}:withdrawn")
    return Cancelled(wish, volunteer.name if volunteer else None, poster.name)


def listing(session: Session, path: str | None, include_all: bool) -> list[WishLine]:
    """The wishes of a place (a scope path as `gridbot notice send` reads it; None: everywhere), newest first:
    those not yet confirmed or cancelled, or with `include_all` every one."""
    query = select(Wish).order_by(Wish.id.desc())
    if not include_all:
        query = query.where(Wish.status.in_(OPEN_WISHES))
    if path and path.strip():
        query = query.where(*_within(session, path))
    return _lines(session, session.scalars(query).all())


def open_within(session: Session, scope: Scope) -> list[WishLine]:
    """The wishes within a console operator's scope not yet confirmed or cancelled, newest first."""
    query = select(Wish).where(Wish.status.in_(OPEN_WISHES), within(scope, Wish.grid_id, Wish.community_id))
    return _lines(session, session.scalars(query.order_by(Wish.id.desc())).all())


def _lines(session: Session, found: Sequence[Wish]) -> list[WishLine]:
    """The wishes as listed: a list spanning several communities names each 小区 with its community (two
    communities of a street may each have a 阳光花园)."""
    several = len({wish.community_id for wish in found}) > 1
    return [WishLine(wish.code, place_label(session, wish, with_community=several), wish.text, wish.status,
                     _taken_by(session, wish), wish.created_at) for wish in found]


def wish_within(session: Session, scope: Scope, code: str) -> Wish | None:
    """The wish numbered `code` (whatever its status) within the scope; None otherwise, whether it exists or not."""
    normal = normalize_wish_code(code)
    if not normal:
        return None
    return session.scalars(select(Wish).where(Wish.code == normal,
                                              within(scope, Wish.grid_id, Wish.community_id))).first()


def place_label(session: Session, wish: Wish, with_community: bool = False) -> str:
    """Where the wish is, no finer than its building: 阳光花园3号楼, 阳光花园, 幸福里社区·第一网格, 幸福里社区;
    `with_community` (a list of several communities' wishes): a building or 小区 with its community first,
    幸福里社区·阳光花园."""
    community = session.get_one(Community, wish.community_id).name
    within = f"{community}·" if with_community else ""
    if wish.building_id is not None:
        building = session.get_one(Building, wish.building_id)
        return f"{within}{building.compound}{building.name}"
    if wish.compound:
        return f"{within}{wish.compound}"
    if wish.grid_id is not None:
        return f"{community}·{session.get_one(Grid, wish.grid_id).name}"
    return community


def task_key(wish: Wish) -> str:
    """The claim key that makes taking this wish a compare-and-set (VolunteerClaim.task_key)."""
    return f"wish:{wish.id}"


def _within(session: Session, path: str) -> list[ColumnElement[bool]]:
    """Conditions on Wish: it lies in the place `path` names (a street or 全部 too, for listing; 阳光花园/3号楼 as
    `wishes add` reads it)."""
    resolved = notice_scope.resolve(session, notice_scope.qualified(session, path, Scope()))
    scope = resolved.scope
    if resolved.building_id is not None:
        return [Wish.building_id == resolved.building_id]
    if scope.grid_id is not None:
        conditions = [Wish.grid_id == scope.grid_id]
        return conditions + ([Wish.compound == resolved.compound] if resolved.compound is not None else [])
    if scope.community_id is not None:
        conditions = [Wish.community_id == scope.community_id]
        return conditions + ([Wish.compound == resolved.compound] if resolved.compound is not None else [])
    if scope.street_id is not None:
        return [Wish.community_id.in_(select(Community.id).where(Community.street_id == scope.street_id))]
    return []


def _taken_by(session: Session, wish: Wish) -> str | None:
    return session.scalar(select(Staff.name).join(VolunteerClaim, VolunteerClaim.staff_id == Staff.id)
                          .where(VolunteerClaim.task_key == task_key(wish)))
