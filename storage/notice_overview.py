"""Broadcast notices as an operator of a part of the organisation sees them (the console's notices pages): the
scopes they may address, the notices within their part, and one notice's recipients, masked.

A notice lies within an operator's part when every grid its scope covers is one of theirs. The notice keeps its
scope as the path the sender named (`Broadcast.scope_path`), so the check resolves that path against today's
organisation: a path that no longer resolves (a grid renamed since) is within no one's part but a 管理员's, who
sees everything. Only a 管理员 may address 全部.

Planning and storing stay `storage.notice_planning`'s, progress and cancelling `storage.notice_records`'s: this
module only adds the operator's scope around them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import notice_planning, notice_records, notice_scope
from storage.errors import NotAllowed, NotFound
from storage.models import Broadcast, BroadcastRecipient, Building, Community, Grid, Resident, Staff, Street
from storage.notice_planning import Limits, Plan, Request
from storage.notice_records import Progress
from storage.notice_scope import NoticeScope
from storage.privacy import mask, mask_door
from storage.queries import EVERYWHERE, Scope
from storage.staff import UnclearPlace

SCAN_BATCH = 200
# Notices looked at for an operator's list before it stops short of a full page: a city's notices of a year or
# so, and a list that never reads the whole table.
SCAN_LIMIT = 2000
PLACES_SHOWN = 300  # suggestions for the scope field (streets, communities, grids)


class Within:
    """Answers "does this notice scope lie within the operator's part?" for one request, resolving each path
    once and reading the operator's grids once."""

    def __init__(self, session: Session, operator: Scope) -> None:
        self._session = session
        self._operator = operator
        self._grids: set[int] | None = None
        self._paths: dict[str, bool] = {}

    @property
    def everywhere(self) -> bool:
        """A 管理员: no part of the organisation is out of reach."""
        return self._operator == EVERYWHERE

    def scope(self, wanted: NoticeScope) -> bool:
        """Whether every grid the notice scope covers is the operator's (全部 is a 管理员's only)."""
        if self.everywhere:
            return True
        if wanted.scope == EVERYWHERE and not wanted.below_grid:
            return False
        covered = set(self._session.scalars(wanted.grid_ids()))
        return bool(covered) and covered <= self._own_grids()

    def path(self, path: str) -> bool:
        """The same for a stored notice's path; a path that no longer names a place is a 管理员's only."""
        if self.everywhere:
            return True
        if path not in self._paths:
            try:
                self._paths[path] = self.scope(notice_scope.resolve(self._session, path))
            except UnclearPlace:
                self._paths[path] = False
        return self._paths[path]

    def _own_grids(self) -> set[int]:
        if self._grids is None:
            self._grids = set(self._session.scalars(
                select(Grid.id).join(Community, Community.id == Grid.community_id)
                .where(self._operator.grid_condition())))
        return self._grids


def plan_within(session: Session, operator: Scope, request: Request, limits: Limits, now: datetime) -> Plan:
    """`notice_planning.plan` for an operator: NotAllowed("broadcast_scope") when the scope reaches beyond their
    part (checked before anyone is counted), else the plan or the planner's own refusals. A grid named alone is
    looked for in the operator's part first (notice_scope.qualified)."""
    notice_planning.require_scope(request)  # before the reach: blank is no place, not one beyond their part
    request = replace(request, scope_path=notice_scope.qualified(session, request.scope_path, operator))
    if not Within(session, operator).scope(notice_scope.resolve(session, request.scope_path)):
        raise NotAllowed("broadcast_scope")
    return notice_planning.plan(session, request, limits, now)


def find_within(session: Session, operator: Scope, number: str) -> Broadcast | None:
    """The notice of that number if it lies within the operator's part; None for any other (or no such) number."""
    try:
        notice = notice_records.find(session, number)
    except NotFound:
        return None
    return notice if Within(session, operator).path(notice.scope_path) else None


def page_within(session: Session, operator: Scope, after_id: int | None, limit: int) -> tuple[list[Progress], int | None]:
    """A page of the operator's notices, newest first, with their progress: those older than the notice `after_id`
    (the last of the page before). With it, the id the next page starts after; None on the last page."""
    within = Within(session, operator)
    found: list[Broadcast] = []
    scanned = 0
    last_id = None
    for notice in _newest(session, after_id):
        scanned, last_id = scanned + 1, notice.id
        if within.everywhere or within.path(notice.scope_path):
            found.append(notice)
            if len(found) > limit:
                return [notice_records.progress(session, shown) for shown in found[:limit]], found[limit - 1].id
    # A scan that stopped at SCAN_LIMIT may have older notices of the part beyond it: the next page goes on from there.
    following = last_id if scanned == SCAN_LIMIT else None
    return [notice_records.progress(session, shown) for shown in found], following


def _newest(session: Session, before: int | None = None) -> Iterator[Broadcast]:
    """The notices older than `before` (all, without it), newest first, SCAN_LIMIT at most."""
    for _ in range(SCAN_LIMIT // SCAN_BATCH):
        query = select(Broadcast).order_by(Broadcast.id.desc()).limit(SCAN_BATCH)
        if before is not None:
            query = query.where(Broadcast.id < before)
        batch = session.scalars(query).all()
        yield from batch
        if len(batch) < SCAN_BATCH:
            return
        before = batch[-1].id


def places_within(session: Session, operator: Scope) -> list[str]:
    """Scope paths the operator may address, broadest first, for the scope field's suggestions: streets,
    communities, grids, then each 小区 as a whole (社区/小区, notice_scope)."""
    communities = session.execute(
        select(Street.name, Community.name).join(Street, Street.id == Community.street_id)
        .join(Grid, Grid.community_id == Community.id).where(operator.grid_condition())
        .group_by(Street.id, Street.name, Community.id, Community.name).order_by(Street.id, Community.id)).all()
    grids = session.execute(
        select(Community.name, Grid.name).join(Community, Community.id == Grid.community_id)
        .where(operator.grid_condition()).order_by(Community.id, Grid.id).limit(PLACES_SHOWN)).all()
    streets = [] if operator.community_id is not None else list(dict.fromkeys(street for street, _ in communities))
    places = ["全部"] if Within(session, operator).everywhere else []
    places += streets + [community for _, community in communities]
    places += [f"{community}/{grid}" for community, grid in grids]
    compounds = session.execute(
        select(Community.name, Building.compound).join(Grid, Grid.id == Building.grid_id)
        .join(Community, Community.id == Grid.community_id)
        .where(operator.grid_condition(), Building.active.is_(True), Building.compound != "")
        .group_by(Community.id, Community.name, Building.compound).order_by(Community.id, Building.compound)
        .limit(PLACES_SHOWN)).all()
    places += [f"{community}/{compound}" for community, compound in compounds]
    return places[:PLACES_SHOWN]


@dataclass(frozen=True)
class RecipientLine:
    """One recipient as the operator sees them: who (masked), the channel, and what became of their message."""

    id: int
    name: str | None  # a staff member's, masked
    role: str | None  # a staff member's StaffRole
    home: str  # a resident's building and masked door
    openid: str  # masked
    channel: str | None
    status: str
    reason: str | None


def recipients(session: Session, notice: Broadcast, after_id: int | None, limit: int,
               status: str | None = None) -> list[RecipientLine]:
    """The notice's recipients in id order, a page at a time (keyset: `after_id` is the last of the previous
    page), optionally of one status; names, doors and openids masked."""
    query = (select(BroadcastRecipient, Staff.name, Staff.role, Resident.door, Building.compound, Building.name)
             .outerjoin(Staff, Staff.id == BroadcastRecipient.staff_id)
             .outerjoin(Resident, Resident.id == BroadcastRecipient.resident_id)
             .outerjoin(Building, Building.id == Resident.building_id)
             .where(BroadcastRecipient.broadcast_id == notice.id).order_by(BroadcastRecipient.id).limit(limit))
    if after_id is not None:
        query = query.where(BroadcastRecipient.id > after_id)
    if status is not None:
        query = query.where(BroadcastRecipient.status == status)
    return [RecipientLine(row.id, mask_name(name) if name else None, role, _home(compound, building, door),
                          mask(row.openid), row.channel, row.status, row.reason)
            for row, name, role, door, compound, building in session.execute(query).all()]


def _home(compound: str | None, building: str | None, door: str | None) -> str:
    home = "·".join(part for part in (compound, building) if part)
    return f"{home} {mask_door(door)}".strip() if door else home


def mask_name(name: str) -> str:
    """A person's name with all but its first character hidden (张伟 → 张*)."""
    return name[:1] + "*" * max(len(name) - 1, 1)
