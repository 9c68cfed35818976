"""Reading the points ledger (积分): a person's entries as people read them (我的积分, `gridbot points show`) and
积分排行, the community's own people ranked by this month's points.

Points "earned" in a month are its entries other than redemptions: grants, less the reversals made that month.
A redemption (积分兑换) spends points, it does not make anyone less of a volunteer, so rankings leave it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import points_rules
from storage.models import COMMUNITY_ROLES, Appeal, Broadcast, Building, Community, PointsEntry, Staff, Wish

TOP = 10  # 积分排行 lists this many


@dataclass(frozen=True)
class Line:
    """One entry of the ledger as people read it."""

    id: int
    at: datetime
    rule: str
    amount: int
    reverses_id: int | None  # the entry it undoes, for a reversal
    what: str | None  # what it was for: the appeal's ticket, the notice's number or the 微心愿's code
    note: str | None
    granted_by: str | None  # who granted it (a name); None: gridbot itself, or an operator at the command line

    @property
    def reversal(self) -> bool:
        """Whether it undoes another entry."""
        return self.reverses_id is not None


def entries(session: Session, staff_id: int, limit: int | None = None) -> list[Line]:
    """The person's entries, the newest first (at most `limit`)."""
    query = select(PointsEntry).where(PointsEntry.staff_id == staff_id).order_by(PointsEntry.id.desc())
    return lines(session, session.scalars(query.limit(limit) if limit else query).all())


def lines(session: Session, rows: Sequence[PointsEntry]) -> list[Line]:
    """The entries as people read them, each with the number of what it was for."""
    tickets = _numbers(session, Appeal.id, Appeal.ticket, {row.appeal_id for row in rows})
    notices = _numbers(session, Broadcast.id, Broadcast.number, {row.broadcast_id for row in rows})
    wishes = _numbers(session, Wish.id, Wish.code, {row.wish_id for row in rows})
    granters = _numbers(session, Staff.id, Staff.name, {row.granted_by_staff_id for row in rows})
    return [Line(row.id, row.created_at, row.rule, row.amount, row.reverses_id,
                 tickets.get(row.appeal_id) or notices.get(row.broadcast_id) or wishes.get(row.wish_id),
                 row.note, granters.get(row.granted_by_staff_id)) for row in rows]


def label(rule: str) -> str:
    """What people read for a rule (积分兑换 for a redemption)."""
    return points_rules.current().label(rule)


@dataclass(frozen=True)
class Ranked:
    place: int  # people with the same points share a place
    staff_id: int
    name: str
    role: str
    points: int


@dataclass(frozen=True)
class Board:
    """积分排行 of a month within the sender's 小区 (or community)."""

    where: str  # the 小区's name, or the community's
    month: str
    rows: list[Ranked]  # the first TOP
    own: Ranked | None  # the sender's place; None while they have no points this month


def board(session: Session, member: Staff, month: str, whole_community: bool) -> Board:
    """The month's ranking of the community's own people (COMMUNITY_ROLES, active) in `member`'s 小区 — the compound
    of their building — or, with `whole_community` (or without a building), in their community. Only those with
    points earned that month are ranked."""
    compound = _compound(session, member) if not whole_community else None
    earned = func.sum(PointsEntry.amount)
    query = (select(Staff.id, Staff.name, Staff.role, earned)
             .join(PointsEntry, PointsEntry.staff_id == Staff.id)
             .where(Staff.active.is_(True), Staff.role.in_(COMMUNITY_ROLES),
                    Staff.community_id == member.community_id, PointsEntry.month == month,
                    PointsEntry.rule != points_rules.REDEEM)
             .group_by(Staff.id, Staff.name, Staff.role).having(earned > 0))
    if compound is not None:
        query = query.join(Building, Building.id == Staff.building_id).where(Building.compound == compound)
    scored = sorted(session.execute(query).all(), key=lambda row: (-row[3], row[0]))
    ranked: list[Ranked] = []
    for index, (staff_id, name, role, points) in enumerate(scored):
        place = ranked[-1].place if ranked and ranked[-1].points == points else index + 1
        ranked.append(Ranked(place, staff_id, name, role, int(points)))
    own = next((row for row in ranked if row.staff_id == member.id), None)
    community = session.get(Community, member.community_id) if member.community_id is not None else None
    return Board(compound or (community.name if community is not None else ""), month, ranked[:TOP], own)


def own_places(session: Session, member: Staff) -> tuple[str | None, str]:
    """The member's 小区 (None without one) and community, by name: the places their 积分排行 may show."""
    community = session.get(Community, member.community_id) if member.community_id is not None else None
    return _compound(session, member), community.name if community is not None else ""


def _compound(session: Session, member: Staff) -> str | None:
    """The 小区 of the member's building; None without a building or in a community of one compound ("")."""
    if member.building_id is None:
        return None
    return session.get_one(Building, member.building_id).compound or None


def _numbers(session: Session, key: object, value: object, ids: set[int | None]) -> dict[int, str]:
    wanted = [one for one in ids if one is not None]
    if not wanted:
        return {}
    return dict(session.execute(select(key, value).where(key.in_(wanted))).all())  # type: ignore[arg-type, attr-defined]
