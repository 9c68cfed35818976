"""聚焦办: a hot spot - the same category or keyword recurring in one building, compound or grid within a
window - becomes a focus case that links its appeals, has an owner (the grid's 网格长) and alerts operators.

The worker checks the appeals of each dispatch chunk right after the chunk, in a transaction of its own
(bot/worker/schedule.check_hot_spots says why and what a worker stopping in between costs). For one appeal:
1. an open case of its place (its building, then its compound, then its grid) and one of its keys (its
   category, then each decisive keyword) takes it in: linked, with an internal event, and no new alert;
2. otherwise the narrowest place where one of its keys reaches that place's threshold within the window
   opens a case, linking every matching appeal of the window, and alerts the owner and the operators once.
An appeal joins at most one case per check: one complaint is one hot spot, not three.

Counted: filed appeals (not held for an address, not cancelled, not 不受理) of non-sensitive categories (family and
neighbour matters are never clustered); 待分类 counts for keywords only; an appeal of a closed case was handled
as a hot spot already and does not make another. Two workers at once: `open_key` is
unique while a case is open, so the one that loses the race links its appeal to the winner's case.

Cost: a chunk is read with six statements however many grids it spans (its fresh appeals, their grids' open
cases, the links already there and the new ones, the window of the grids with appeals left to count and the
window's links), then the same rules run per grid over what was read; an audit event per appeal linked, and a
few statements per case opened. Reading grid by grid cost five statements a grid, a quarter of the worker's
CPU in bench/appeal_cost.py's spread load.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage import duty, org
from storage.appeals import UNCLASSIFIED, Action, record
from storage.models import (
    Appeal,
    AppealStatus,
    Building,
    FocusCase,
    FocusCaseAppeal,
    FocusStatus,
    Staff,
)
from storage.notices import StaffFocusOpened
from storage.staff import community_operators, grid_leaders
from storage.telling import tell
from storage.tickets import next_focus_code

# Not counted: held for an address, withdrawn, merged into another appeal (the same problem, counted there), or
# found to be no appeal at all (不受理; also when it was linked to a case before).
NOT_FILED = (AppealStatus.AWAITING_ADDRESS, AppealStatus.CANCELLED, AppealStatus.MERGED, AppealStatus.REJECTED)
SCOPES = ("building", "compound", "grid")  # narrowest first
# Appeal ids checked together: each batch's statements carry its ids and grids as bound lists (the worker checks
# DISPATCH_CHUNK at a time).
CHECK_BATCH = 500


def _counted(*conditions: Any) -> Select[Any]:
    """The counted appeals (filed, not merged) of the window that meet the conditions, as the check needs them."""
    return (
        select(Appeal.id, Appeal.grid_id, Appeal.ticket, Appeal.building_id, Building.compound, Appeal.category,
               Appeal.keywords)
        .outerjoin(Building, Building.id == Appeal.building_id)
        .where(*conditions, Appeal.created_at >= bindparam("since"), Appeal.status.not_in(NOT_FILED))
        .order_by(Appeal.id)
    )


# The statements every check runs, built once with bind parameters (storage/outbox.py says why), each for all the
# grids of a batch: a chunk of appeals over twenty grids costs what one over a single grid does.
_FRESH = _counted(Appeal.id.in_(bindparam("ids", expanding=True)), Appeal.grid_id.is_not(None))
_WINDOW = _counted(Appeal.grid_id.in_(bindparam("grids", expanding=True)))
_OPEN_CASES = select(FocusCase).where(FocusCase.grid_id.in_(bindparam("grids", expanding=True)),
                                      FocusCase.status == FocusStatus.OPEN)
# The window's links to cases of the appeal's own grid: a link to a case of a grid it was moved from doesn't count.
_WINDOW_LINKS = (
    select(FocusCaseAppeal.appeal_id, FocusCase.grid_id, FocusCase.status)
    .join(FocusCase, FocusCase.id == FocusCaseAppeal.case_id)
    .join(Appeal, Appeal.id == FocusCaseAppeal.appeal_id)
    .where(FocusCase.grid_id.in_(bindparam("grids", expanding=True)), Appeal.grid_id == FocusCase.grid_id,
           Appeal.created_at >= bindparam("since"), Appeal.status.not_in(NOT_FILED))
)
_LINKED = select(FocusCaseAppeal.case_id, FocusCaseAppeal.appeal_id).where(
    FocusCaseAppeal.appeal_id.in_(bindparam("ids", expanding=True)))
_INSERT_LINK = insert(FocusCaseAppeal.__table__)


@dataclass(frozen=True)
class HotspotRules:
    """When recurring appeals make a hot spot: this many within `window`, per kind of place."""

    window: timedelta = timedelta(days=7)
    building: int = 3
    compound: int = 5  # 小区
    grid: int = 8

    def threshold(self, scope_kind: str) -> int:
        """How many appeals make a hot spot in a place of this kind."""
        return int(getattr(self, scope_kind))


@dataclass(frozen=True)
class _Seen:
    """An appeal of the window as the check needs it."""

    id: int
    ticket: str
    building_id: int | None
    compound: str
    category: str
    keywords: tuple[str, ...]

    def keys(self, sensitive: Collection[str]) -> list[tuple[str, str]]:
        if self.category in sensitive:
            return []
        own = [] if self.category == UNCLASSIFIED else [("category", self.category)]
        return own + [("keyword", word) for word in self.keywords]

    def places(self, grid_id: int) -> list[tuple[str, str]]:
        """(scope kind, scope ref) from the narrowest; a grid that is one compound has no compound scope."""
        places = []
        if self.building_id is not None:
            places.append(("building", f"building:{self.building_id}"))
            if self.compound:
                places.append(("compound", f"compound:{grid_id}:{self.compound}"))
        return places + [("grid", f"grid:{grid_id}")]


@dataclass
class _GridState:
    """What one check needs of a grid, read once per batch (with the batch's other grids): the window's appeals,
    its open and closed cases."""

    grid_id: int
    window: dict[int, _Seen]
    open_cases: dict[str, FocusCase]  # by open_key
    in_open_case: set[int]  # appeal ids
    in_closed_case: set[int]  # appeal ids: handled as a hot spot already, they don't make another
    # (place, key) -> the window's appeals there with that key, not in a closed case: counted once per batch
    groups: dict[tuple[tuple[str, str], tuple[str, str]], list[_Seen]]


def check(session: Session, appeal_ids: Iterable[int], now: datetime, sensitive: Collection[str],
          rules: HotspotRules = HotspotRules()) -> list[FocusCase]:
    """Link each appeal to its open focus case, or open one where it makes a hot spot; returns cases opened."""
    ids = list(appeal_ids)
    opened: list[FocusCase] = []
    for start in range(0, len(ids), CHECK_BATCH):
        opened += _check_batch(session, ids[start:start + CHECK_BATCH], now, sensitive, rules)
    return opened


def _check_batch(session: Session, ids: list[int], now: datetime, sensitive: Collection[str],
                 rules: HotspotRules) -> list[FocusCase]:
    since = now - rules.window
    fresh = _seen_by_grid(session, _FRESH, {"ids": ids, "since": since})
    if not fresh:
        return []
    # Most appeals of a hot spot arrive while its case is open: linking them needs no count of the window.
    open_cases = _open_cases(session, list(fresh))
    pairs: list[tuple[FocusCase, _Seen]] = []
    unlinked: dict[int, list[_Seen]] = {}
    for grid_id, grid_appeals in fresh.items():
        to_link: dict[int, tuple[FocusCase, list[_Seen]]] = {}
        for seen in grid_appeals.values():
            if not seen.keys(sensitive):
                continue  # nothing to cluster by (a sensitive or unclassified appeal without keywords)
            case = _open_case_of(open_cases[grid_id], seen, grid_id, sensitive)
            if case is None:
                unlinked.setdefault(grid_id, []).append(seen)
            else:
                to_link.setdefault(case.id, (case, []))[1].append(seen)
        pairs += [(case, seen) for case, appeals in to_link.values() for seen in appeals]
    # Linked before any grid's window is read, as the check of one grid did: a link is no count's business but
    # its own grid's, so linking every grid's at once changes no count.
    _link_all(session, pairs, now)
    if not unlinked:
        return []
    states = _grid_states(session, list(unlinked), open_cases, since, sensitive)
    opened: list[FocusCase] = []
    for grid_id, grid_appeals in unlinked.items():
        for seen in sorted(grid_appeals, key=lambda seen: seen.id):
            case = _check_one(session, states[grid_id], seen.id, now, sensitive, rules)
            if case is not None:
                opened.append(case)
    return opened


def _open_case_of(open_cases: dict[str, FocusCase], seen: _Seen, grid_id: int,
                  sensitive: Collection[str]) -> FocusCase | None:
    """The open case of one of the appeal's places and keys (the narrowest place first), if there is one."""
    for _kind, ref in seen.places(grid_id):
        for key_kind, key in seen.keys(sensitive):
            case = open_cases.get(_open_key(ref, key_kind, key))
            if case is not None:
                return case
    return None


def _check_one(session: Session, state: _GridState, appeal_id: int, now: datetime, sensitive: Collection[str],
               rules: HotspotRules) -> FocusCase | None:
    seen = state.window.get(appeal_id)
    if seen is None or appeal_id in state.in_open_case:
        return None
    case = _open_case_of(state.open_cases, seen, state.grid_id, sensitive)  # one this batch opened
    if case is not None:
        _link(session, state, case, [seen], now)
        return None
    keys, places = seen.keys(sensitive), seen.places(state.grid_id)
    for kind, ref in places:
        for key_kind, key in keys:
            matching = state.groups.get(((kind, ref), (key_kind, key)), [])
            if len(matching) >= rules.threshold(kind):
                return _open(session, state, seen, (kind, ref), (key_kind, key), matching, now, rules)
    return None


def _grid_states(session: Session, grid_ids: list[int], open_cases: dict[int, dict[str, FocusCase]],
                 since: datetime, sensitive: Collection[str]) -> dict[int, _GridState]:
    """Each grid's window, its links to open and closed cases and its groups: two statements for all of them."""
    windows = _seen_by_grid(session, _WINDOW, {"grids": grid_ids, "since": since})
    in_open_case: dict[int, set[int]] = {grid_id: set() for grid_id in grid_ids}
    in_closed_case: dict[int, set[int]] = {grid_id: set() for grid_id in grid_ids}
    for appeal_id, grid_id, status in session.execute(_WINDOW_LINKS, {"grids": grid_ids, "since": since}):
        if status == FocusStatus.OPEN:
            in_open_case[grid_id].add(appeal_id)
        elif status == FocusStatus.CLOSED:
            in_closed_case[grid_id].add(appeal_id)
    states = {}
    for grid_id in grid_ids:
        window = windows.get(grid_id, {})
        groups: dict[tuple[tuple[str, str], tuple[str, str]], list[_Seen]] = {}
        for seen in window.values():
            if seen.id not in in_closed_case[grid_id]:
                for place in seen.places(grid_id):
                    for key in seen.keys(sensitive):
                        groups.setdefault((place, key), []).append(seen)
        states[grid_id] = _GridState(grid_id, window, open_cases[grid_id], in_open_case[grid_id],
                                     in_closed_case[grid_id], groups)
    return states


def _open_cases(session: Session, grid_ids: list[int]) -> dict[int, dict[str, FocusCase]]:
    """Each grid's open cases by their place and key."""
    by_grid: dict[int, dict[str, FocusCase]] = {grid_id: {} for grid_id in grid_ids}
    for case in session.scalars(_OPEN_CASES, {"grids": grid_ids}):
        if case.open_key:
            by_grid[case.grid_id][case.open_key] = case
    return by_grid


def _seen_by_grid(session: Session, statement: Select[Any], params: dict[str, Any]) -> dict[int, dict[int, _Seen]]:
    """The appeals `statement` (one of _counted's) reads, by grid, the grids in the order of their first appeal."""
    by_grid: dict[int, dict[int, _Seen]] = {}
    for row in session.execute(statement, params):
        by_grid.setdefault(row.grid_id, {})[row.id] = _Seen(
            row.id, row.ticket, row.building_id, row.compound or "", row.category,
            tuple(json.loads(row.keywords or "[]")))
    return by_grid


def _open(session: Session, state: _GridState, seen: _Seen, place: tuple[str, str], key: tuple[str, str],
          matching: Sequence[_Seen], now: datetime, rules: HotspotRules) -> FocusCase | None:
    (scope_kind, scope_ref), (key_kind, key_value) = place, key
    open_key = _open_key(scope_ref, key_kind, key_value)
    owner = _owner(session, state.grid_id, now)
    case = FocusCase(
        code=next_focus_code(session, now), scope_kind=scope_kind, scope_ref=scope_ref,
        scope_label=place_label(session, scope_kind, scope_ref, state.grid_id), grid_id=state.grid_id, key_kind=key_kind,
        key=key_value, status=FocusStatus.OPEN, open_key=open_key, owner_staff_id=owner.id if owner else None,
        opened_at=now,
    )
    try:
        with session.begin_nested():
            session.add(case)
    except IntegrityError:
        # Another worker opened this place and key's case a moment ago: join it instead.
        existing = session.scalars(select(FocusCase).where(FocusCase.open_key == open_key)).first()
        if existing is None:
            raise  # not that race: a real fault, for the relay to log and retry
        state.open_cases[open_key] = existing
        _link(session, state, existing, [seen], now)
        return None
    state.open_cases[open_key] = case
    _link(session, state, case, matching, now)
    _alert(session, case, owner, matching, now, rules)
    return case


def _link(session: Session, state: _GridState, case: FocusCase, appeals: Sequence[_Seen], now: datetime) -> None:
    state.in_open_case.update(seen.id for seen in appeals)
    _link_all(session, [(case, seen) for seen in appeals], now)


def _link_all(session: Session, pairs: Sequence[tuple[FocusCase, _Seen]], now: datetime) -> None:
    """Link appeals to cases (those not linked yet), with an internal event on each appeal.

    A few statements for the whole batch, not a few per appeal: while a hot spot lasts, most dispatch rounds
    link appeals, and per-row ORM work showed in the worker's dispatch latency.
    """
    if not pairs:
        return
    appeal_ids = sorted({seen.id for _, seen in pairs})
    linked = {(case_id, appeal_id) for case_id, appeal_id in session.execute(_LINKED, {"ids": appeal_ids})}
    new = [(case, seen) for case, seen in pairs if (case.id, seen.id) not in linked]
    if not new:
        return
    session.execute(_INSERT_LINK, [{"case_id": case.id, "appeal_id": seen.id, "linked_at": now}
                                   for case, seen in new])
    for case, seen in new:
        record(session, seen.id, now, Action.FOCUSED, None, None, note=case.code, internal=True)


def _alert(session: Session, case: FocusCase, owner: Staff | None, appeals: Sequence[_Seen], now: datetime,
           rules: HotspotRules) -> None:
    notice = StaffFocusOpened(
        code=case.code, place=case.scope_label, key_kind=case.key_kind, key=case.key, count=len(appeals),
        days=rules.window.days, tickets=tuple(seen.ticket for seen in appeals), owner=owner.name if owner else None,
    )
    people = ([owner] if owner else []) + list(community_operators(session, case.grid_id))
    for person in {person.id: person for person in people if person.openid}.values():
        tell(session, person.openid, notice, now, key=f"focus:{case.id}:opened:{person.id}")


def _owner(session: Session, grid_id: int, now: datetime) -> Staff | None:
    """The grid's 网格长 (the first bound one at work at `now`); None leaves the case to the community's operators,
    as when every 网格长 is on leave (请假) — unless the community has no operator bound: then its 网格长 all the same."""
    leaders = [leader for leader in grid_leaders(session, grid_id) if leader.openid]
    at_work = duty.at_work(leaders, now)
    if at_work or not leaders:
        return at_work[0] if at_work else None
    return None if any(person.openid for person in community_operators(session, grid_id)) else leaders[0]


def place_label(session: Session, scope_kind: str, scope_ref: str, grid_id: int) -> str:
    """A case's place as lists and cards show it, from its ref (building:12, compound:3:阳光花园, grid:3) and the
    places' names today (`gridbot org rename` makes open cases' labels again)."""
    grid = org.grid_label(session, grid_id)
    if scope_kind == "building":
        building = session.get_one(Building, int(scope_ref.split(":")[1]))
        return f"{grid} {building.compound}{building.name}"
    if scope_kind == "compound":
        return f"{grid} {scope_ref.split(':', 2)[2]}"
    return grid


def _open_key(ref: str, key_kind: str, key: str) -> str:
    return f"{ref}|{key_kind}:{key}"
