"""紧急: an appeal naming a danger to life reaches everyone who can act at once, and escalates within minutes.

`appeals.emergency` holds the taxonomy's label of the danger (火情, 急病, 困电梯…) and `response_minutes` its
clock. Such an appeal is never offered to join (我也遇到), merged by staff, nor folded into a digest (storage.outbox);
a neighbour's report of the same danger at the same building joins it (storage.joins.join_emergency).
- Dispatch (storage.dispatch): whatever the grid's mode, the 【紧急】 card goes to every member and the leader of
  the grid and to the community's operators.
- An unbound resident's emergency waits for their address like any held appeal, but its card goes at once to the
  duty desks over every place, since with no grid there is nobody nearer to tell (storage.staff.duty_desks): the
  district-wide operators (bound to no street) if any, else every street's operators, else (no street operator
  bound anywhere yet) every community's. At a city's size (31 streets, 293 communities) every operator would be
  some 300 people each told of one resident's danger, none of them sure it was theirs to act on.
- Filed where the resident says it is when that is a building of their community ("我在5号楼门口，看到2号楼冒烟":
  2号楼), not at their home, as any appeal is (storage.said_places), and street-wide when its compound is said
  with it: the responders must go there, and it may be another grid's (`place_said`).
- Unclaimed at its deadline (storage.supervision) it escalates to the grid's leaders, and on, one response time
  a level, to the community's and the street's operators until claimed; the notice says what, where, since when
  and what to do.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Sequence

from sqlalchemy import Row, select
from sqlalchemy.orm import Session, aliased

from storage import appeals, contacts, org, said_places
from storage.contact_input import in_digits
from storage.models import OPEN_STATUSES, Appeal, AppealStatus, Staff, StaffRole
from storage.notices import StaffEmergencyUnclaimed, StaffNewAppeal
from storage.staff import community_operators, duty_desks, street_operators
from storage.telling import tell

# While a resident's 紧急 appeal of the last FOLLOW_UP is open, what else they write is about it ("我们被困在5楼出不来"):
# it goes to the responders at once (storage.material.add_words), not into an appeal of its own read hours later.
FOLLOW_UP = timedelta(hours=2)
UNPLACED_GRID = "地址未绑定"  # the card's place of a resident who has not bound an address yet
CONTENT_LENGTH = 200
# An alias is made once: its columns are adapted for it on first use and kept (made per call, ~1.5 ms a query).
_Source = aliased(Appeal)  # a resident's report merged into the emergency


def responders(session: Session, appeal: Appeal, grid_team: Sequence[Staff],
               about: frozenset[int] = frozenset(), hold: bool = False) -> list[Staff]:
    """Who gets an emergency's card: the grid's team (its bound members and leaders) and the community's
    operators, or the street's when the community has none (yet): some operator must hear of it at once, not at
    its 督办 minutes later; never whom it complains about (`about`, storage.complaints: "网格员李娜动手打我").
    `hold`: the operators' rows share-locked, as the dispatch holds the grid's team (storage.staff.held)."""
    operators = (community_operators(session, appeal.grid_id, hold)
                 or street_operators(session, appeal.grid_id, hold))
    people = [*grid_team, *operators]
    return [person for person in _unique(people) if person.openid and person.id not in about]


def told_roles(people: Sequence[Staff]) -> tuple[str, ...]:
    """Whom an emergency's card reaches, by role, in the order a reply names them: "members" (网格员), "leader"
    (网格长), "community" or "street" (the operators of the community, or of the street); () for nobody."""
    roles = {StaffRole.GRID_MEMBER: "members", StaffRole.GRID_LEADER: "leader"}
    found = {roles.get(person.role) or ("community" if person.community_id is not None else "street")
             for person in people}
    return tuple(role for role in ("members", "leader", "community", "street") if role in found)


def place_said(session: Session, sender: appeals.Sender, text: str) -> appeals.Sender | None:
    """The sender filing at the building `text` says the danger is in, when it is not their home building: one
    named with its compound (in its clause, else in the message) anywhere in the street (the only way to place it
    for a sender with no address yet), else one of their community as a routine appeal is placed
    (storage.said_places.nearby); None to file at home (held for the address when there is none)."""
    said = said_places.building_said(in_digits(text))
    if said is None:
        return said_places.nearby(session, sender, text)  # "2单元楼道冒烟了": a unit of their own building
    key, clause = said
    # The compound in the building's own words first ("锦绣家园5号楼冒烟"), else anywhere ("我住阳光花园3号楼，2号楼着火了").
    chosen = _named_with_compound(session, key, clause) or _named_with_compound(session, key, in_digits(text))
    if not chosen:
        return said_places.nearby(session, sender, text)
    if len(chosen) != 1:
        return None
    if chosen[0].id == sender.building_id:
        return said_places.with_unit(session, sender, None, clause)
    return said_places.with_unit(session, sender, said_places.SaidPlace(sender.id, chosen[0].grid_id, chosen[0].id),
                                 clause)


def _named_with_compound(session: Session, key: str, clause: str) -> list[Row[Any]]:
    """The buildings called `key` of a compound the clause names ("阳光花园2号楼着火了")."""
    named = said_places.active_buildings(session, said_places.compound_in(clause))
    return [building for building in named if said_places.building_key(building.name) == key]


def marked(card: StaffNewAppeal, appeal: Appeal, now: datetime) -> StaffNewAppeal:
    """The task card of `appeal`, sent at `now`, marked 【紧急】 with its deadline when the appeal is an emergency:
    a department's (转办, or its category's route) its minutes from now, as its clock runs (storage.queries)."""
    if appeal.emergency is None:
        return card
    due = appeals.response_due(appeal, now) if appeal.department else appeal.response_due_at
    return replace(card, urgent=True, emergency=appeal.emergency, response_due_at=due)


def alert_unplaced(session: Session, appeal_id: int, now: datetime) -> int:
    """Tell the duty desks (storage.staff.duty_desks) of an emergency held for an address (filed by an unbound
    resident); returns how many were told."""
    appeal = session.get_one(Appeal, appeal_id)
    operators = duty_desks(session, hold=True)
    card = StaffNewAppeal(ticket=appeal.ticket, category=appeal.category, subcategory=appeal.subcategory,
                          grid=UNPLACED_GRID, content=contacts.words_on_card(appeal, CONTENT_LENGTH), urgent=True,
                          emergency=appeal.emergency)
    for operator in operators:
        tell(session, operator.openid, card, now, appeal=appeal, key=f"appeal:{appeal.id}:urgent:{operator.id}")
    return len(operators)


def in_one(session: Session, resident_id: int, now: datetime) -> bool:
    """Whether the resident has a 紧急 appeal of the last FOLLOW_UP still open."""
    return session.scalar(select(Appeal.id).where(
        Appeal.resident_id == resident_id, Appeal.emergency.is_not(None), Appeal.status.in_(OPEN_STATUSES),
        Appeal.created_at >= now - FOLLOW_UP,
    ).limit(1)) is not None


def joined_into(session: Session, joined: Sequence[int], now: datetime) -> appeals.Recent | None:
    """The open 紧急 appeal a resident's report of the last FOLLOW_UP was joined to (storage.joins.join_emergency,
    `joined`: their merged reports): what they say next is about it, as about their own."""
    if not joined:
        return None
    target = session.scalars(select(Appeal).join(_Source, _Source.merged_into_id == Appeal.id).where(
        _Source.id.in_(joined), _Source.created_at >= now - FOLLOW_UP, Appeal.status.in_(OPEN_STATUSES),
    ).order_by(_Source.id.desc()).limit(1)).first()
    if target is None:
        return None
    return appeals.Recent(target.id, target.ticket, target.content, AppealStatus(target.status), target.emergency,
                          target.created_at)


def unclaimed_notice(session: Session, appeal: Appeal, since: datetime, level: int) -> StaffEmergencyUnclaimed:
    """What the escalation of an unclaimed emergency to `level` says: what, where, since when."""
    place = org.address(session, appeal.grid_id, appeal.building_id, appeal.unit_id)  # type: ignore[arg-type]
    return StaffEmergencyUnclaimed(ticket=appeal.ticket, emergency=appeal.emergency or "",
                                   place=f"{place.grid_label} {place.home_label}",
                                   content=contacts.words_on_card(appeal, CONTENT_LENGTH), since=since,
                                   door=contacts.on_card(session, appeal).door, level=level,
                                   waiting_for=appeal.department)


def _unique(people: Sequence[Staff]) -> list[Staff]:
    return list({person.id: person for person in people}.values())
