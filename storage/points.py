"""积分: the points ledger of the community's people and grid staff.

Every entry names a person, an amount, the rule, what it was for (an appeal, a notice, a 微心愿), who granted it
and when. Entries are never changed or deleted: `reverse` undoes one with an entry of the opposite amount (once),
`redeem` records an exchange (积分兑换) as a negative entry. `grant` is idempotent: the same rule for the same
thing and person is granted once while it stands (a job that runs twice, a rating given again), again only after
that grant was reversed. Grants happen inside the transaction of the change they reward.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from storage import points_rules
from storage.errors import DomainError, NotFound
from storage.models import Community, Grid, PointsEntry, Staff, Street
from storage.tickets import LOCAL_ZONE

RECENT = 5  # entries 我的积分 shows
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
# An alias is made once: its columns are adapted for it on first use and kept (made per call, ~1.5 ms a query).
_Undoing = aliased(PointsEntry)  # a reversal of an entry


class NotReversible(DomainError):
    """An operator's reversal of an entry that is itself a reversal ("reversal") or was reversed ("reversed")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SpentAlready(DomainError):
    """An operator's reversal of a grant whose points were redeemed since: it would leave `balance - amount`."""

    def __init__(self, balance: int, amount: int) -> None:
        super().__init__(f"{balance}-{amount}")
        self.balance, self.amount = balance, amount


class NotEnoughPoints(DomainError):
    """A redemption larger than the balance: the ledger never goes below zero."""

    def __init__(self, balance: int) -> None:
        super().__init__(str(balance))
        self.balance = balance


@dataclass(frozen=True)
class Source:
    """What a grant is for: one appeal, one 微心愿 or one notice (or none, for a redemption)."""

    appeal_id: int | None = None
    wish_id: int | None = None
    broadcast_id: int | None = None

    @property
    def key(self) -> str:
        if self.appeal_id is not None:
            return f"appeal:{self.appeal_id}"
        if self.wish_id is not None:
            return f"wish:{self.wish_id}"
        if self.broadcast_id is not None:
            return f"notice:{self.broadcast_id}"
        return "none"


@dataclass(frozen=True)
class Balance:
    """我的积分's figures."""

    total: int
    this_month: int
    recent: list[PointsEntry]  # the newest first, at most RECENT


def month_of(at: datetime) -> str:
    """The local calendar month (YYYY-MM) an entry made at `at` counts in."""
    return at.astimezone(LOCAL_ZONE).strftime("%Y-%m")


def parse_month(text: str) -> str | None:
    """A month as people type it (2026-3, full-width digits) as the ledger keeps it (2026-03); None if it is none."""
    typed = _MONTH.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if typed is None or not 1 <= int(typed.group(2)) <= 12:
        return None
    return f"{typed.group(1)}-{int(typed.group(2)):02d}"


def grant(session: Session, staff_id: int, rule_name: str, source: Source, now: datetime,
          granted_by_staff_id: int | None = None, note: str | None = None) -> PointsEntry | None:
    """Grant rule `rule_name`'s points to `staff_id` for `source`; the entry, or None when nothing was granted: the
    rule is off (0 points), a grant of it for the same thing stands already, or the person reached the rule's
    monthly cap (a grant that would pass it is cut to what is left). The rule is priced by the person's street
    (its own points and cap, else the district's): where they volunteer or work when the grant is made."""
    _lock(session, staff_id)
    (street,) = street_names(session, [session.get_one(Staff, staff_id)])
    rule = points_rules.current().for_street(street)[rule_name]
    if rule.points == 0:
        return None
    prefix = f"{rule_name}:{source.key}:{staff_id}:"
    earlier = session.scalars(select(PointsEntry).where(PointsEntry.key.startswith(prefix, autoescape=True))).all()
    if any(_standing(session, entry) for entry in earlier):
        return None
    month = month_of(now)
    amount = _within_cap(rule, _granted_this_month(session, staff_id, rule_name, month))
    if amount == 0:
        return None
    entry = PointsEntry(staff_id=staff_id, amount=amount, rule=rule_name, month=month, appeal_id=source.appeal_id,
                        wish_id=source.wish_id, broadcast_id=source.broadcast_id,
                        granted_by_staff_id=granted_by_staff_id, note=note, created_at=now,
                        key=f"{prefix}{len(earlier)}")
    session.add(entry)
    session.flush()
    return entry


def reverse(session: Session, entry: PointsEntry, now: datetime, granted_by_staff_id: int | None = None,
            note: str | None = None) -> PointsEntry | None:
    """Undo `entry` with one of the opposite amount (counted in this month); None if it was reversed already
    (or is itself a reversal)."""
    if entry.reverses_id is not None or not _standing(session, entry):
        return None
    undo = PointsEntry(staff_id=entry.staff_id, amount=-entry.amount, rule=entry.rule, month=month_of(now),
                       appeal_id=entry.appeal_id, wish_id=entry.wish_id, broadcast_id=entry.broadcast_id,
                       granted_by_staff_id=granted_by_staff_id, note=note, created_at=now, reverses_id=entry.id,
                       key=f"reverse:{entry.id}")
    session.add(undo)
    session.flush()
    return undo


def reverse_grants(session: Session, rule_name: str, source: Source, now: datetime, staff_id: int | None = None,
                   granted_by_staff_id: int | None = None, note: str | None = None) -> list[PointsEntry]:
    """Reverse every standing grant of `rule_name` for `source` (to `staff_id` only, if given): a 办结 reopened by
    不满意, a 代报 found to be no appeal. Returns the reversals made."""
    query = select(PointsEntry).where(PointsEntry.rule == rule_name, PointsEntry.reverses_id.is_(None),
                                      PointsEntry.key.startswith(f"{rule_name}:{source.key}:", autoescape=True))
    if staff_id is not None:
        query = query.where(PointsEntry.staff_id == staff_id)
    made = [reverse(session, entry, now, granted_by_staff_id, note)
            for entry in session.scalars(query.order_by(PointsEntry.id))]
    return [entry for entry in made if entry is not None]


def correct(session: Session, entry_id: int, note: str, now: datetime) -> PointsEntry:
    """An operator's correction (`gridbot points reverse`): undo entry `entry_id` with a reversal saying `note`.
    NotFound for no such entry; NotReversible when it is a reversal or was reversed already; SpentAlready when the
    grant's points were redeemed since, so that undoing it would leave a negative balance."""
    entry = session.get(PointsEntry, entry_id)
    if entry is None:
        raise NotFound(str(entry_id))
    if entry.reverses_id is not None:
        raise NotReversible("reversal")
    if entry.amount > 0:  # the ledger never goes below zero: points spent on a 兑换 cannot be taken back too
        _lock(session, entry.staff_id)
        held = balance(session, entry.staff_id)
        if held < entry.amount and _standing(session, entry):
            raise SpentAlready(held, entry.amount)
    undo = reverse(session, entry, now, note=note)
    if undo is None:
        raise NotReversible("reversed")
    return undo


def redeem(session: Session, staff_id: int, amount: int, note: str, now: datetime,
           granted_by_staff_id: int | None = None) -> PointsEntry:
    """积分兑换: take `amount` (> 0) points for what `note` says was given; NotEnoughPoints when the balance is
    smaller (the person's row is locked first, see `_lock`)."""
    if amount <= 0:
        raise ValueError("a redemption takes a positive amount")
    _lock(session, staff_id)
    available = balance(session, staff_id)
    if available < amount:
        raise NotEnoughPoints(available)
    count = session.scalar(select(func.count()).where(PointsEntry.staff_id == staff_id,
                                                      PointsEntry.rule == points_rules.REDEEM)) or 0
    entry = PointsEntry(staff_id=staff_id, amount=-amount, rule=points_rules.REDEEM, month=month_of(now),
                        granted_by_staff_id=granted_by_staff_id, note=note, created_at=now,
                        key=f"{points_rules.REDEEM}:{staff_id}:{count}")
    session.add(entry)
    session.flush()
    return entry


def balance(session: Session, staff_id: int) -> int:
    """The person's points: every entry's amount, reversals and redemptions included."""
    return session.scalar(select(func.coalesce(func.sum(PointsEntry.amount), 0))
                          .where(PointsEntry.staff_id == staff_id)) or 0


def summary(session: Session, staff_id: int, now: datetime) -> Balance:
    """我的积分: the balance, this month's points earned (grants less reversals; a redemption spends points, it
    earns none), the newest entries."""
    month = session.scalar(select(func.coalesce(func.sum(PointsEntry.amount), 0))
                           .where(PointsEntry.staff_id == staff_id, PointsEntry.month == month_of(now),
                                  PointsEntry.rule != points_rules.REDEEM)) or 0
    recent = list(session.scalars(select(PointsEntry).where(PointsEntry.staff_id == staff_id)
                                  .order_by(PointsEntry.id.desc()).limit(RECENT)))
    return Balance(balance(session, staff_id), month, recent)


def street_names(session: Session, members: Sequence[Staff]) -> list[str | None]:
    """The street each person volunteers or works in, by name (read at once, for a street's report): their
    community's or grid's street, a street operator's or a department's own; None for one placed nowhere."""
    grids = {member.grid_id for member in members if member.community_id is None and member.grid_id is not None}
    grid_communities = dict(session.execute(select(Grid.id, Grid.community_id).where(Grid.id.in_(grids))).all()) \
        if grids else {}
    communities = {member.community_id or grid_communities.get(member.grid_id) for member in members}
    community_streets = dict(session.execute(select(Community.id, Community.street_id)
                                             .where(Community.id.in_(communities - {None}))).all())
    streets = [community_streets.get(member.community_id or grid_communities.get(member.grid_id))
               or member.street_id for member in members]
    names = dict(session.execute(select(Street.id, Street.name)
                                 .where(Street.id.in_({one for one in streets if one is not None}))).all())
    return [names.get(street) if street is not None else None for street in streets]


def _lock(session: Session, staff_id: int) -> None:
    """Take the person's row for the rest of the transaction: of two grants (or redemptions) of theirs at once, the
    second waits and then counts the first — the same grant is not made twice (nor fails on the unique key, rolling
    back the 接单 or rating it came with), a cap is not passed, the same points are not spent twice. SQLite's
    writers take turns anyway."""
    session.execute(select(Staff.id).where(Staff.id == staff_id).with_for_update())


def _standing(session: Session, entry: PointsEntry) -> bool:
    """Whether `entry` still counts: no other entry reverses it."""
    return session.scalar(select(PointsEntry.id).where(PointsEntry.reverses_id == entry.id)) is None


def _granted_this_month(session: Session, staff_id: int, rule_name: str, month: str) -> int:
    """What the person got by the rule this month, in grants that stand (a reversed grant frees its part of the
    cap)."""
    reversed_ids = select(_Undoing.reverses_id).where(_Undoing.reverses_id.is_not(None),
                                                      _Undoing.staff_id == staff_id)
    return session.scalar(select(func.coalesce(func.sum(PointsEntry.amount), 0)).where(
        PointsEntry.staff_id == staff_id, PointsEntry.rule == rule_name, PointsEntry.month == month,
        PointsEntry.reverses_id.is_(None), PointsEntry.id.not_in(reversed_ids))) or 0


def _within_cap(rule: points_rules.Rule, so_far: int) -> int:
    """The rule's points, cut to what is left of its monthly cap (in absolute value) after `so_far`."""
    if rule.monthly_cap == 0:
        return rule.points
    left = max(rule.monthly_cap - abs(so_far), 0)
    step = min(abs(rule.points), left)
    return step if rule.points > 0 else -step
