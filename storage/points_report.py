"""The month's 积分 per person (`gridbot points report`): what each earned by each rule, what was reversed and
redeemed that month, the net, and the balance at the month's end.

A person is listed when the ledger has an entry of theirs in the month or they hold points at its end; their place
decides the scope (a 楼长's building's grid, a party member's home, a grid member's grid, an operator's
community; a street's department staff and street operators are its own, never another street's), and the report
names each person's street: a grant was priced by its street's rules, and the report lists the rules of each
street that set its own (storage/points_rules.py). Entries count in the month they were made: a reversal in
December of a November grant lowers December's net, never November's, so a report once printed stays true.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import points, points_rules, staff
from storage.models import PointsEntry, Staff
from storage.queries import Scope
from storage.roster import within


@dataclass
class Person:
    """One person's month (or, for the total line, everyone's)."""

    staff_id: int | None
    name: str
    role: str | None
    place: str | None
    street: str | None  # the street they volunteer or work in, whose rules price their grants
    by_rule: dict[str, int] = field(default_factory=dict)  # grants made in the month, by rule
    reversed: int = 0  # the month's reversals (of grants or of redemptions)
    redeemed: int = 0  # the month's redemptions, negative
    net: int = 0  # all of the month's entries
    balance: int = 0  # every entry up to the month's end

    def add(self, other: Person) -> None:
        """Count `other`'s figures in too (the total line)."""
        for rule, amount in other.by_rule.items():
            self.by_rule[rule] = self.by_rule.get(rule, 0) + amount
        self.reversed += other.reversed
        self.redeemed += other.redeemed
        self.net += other.net
        self.balance += other.balance


@dataclass(frozen=True)
class StreetRules:
    """A street of the report that set some rules of its own: those rules, as in force there."""

    street: str
    rules: tuple[points_rules.Rule, ...]


@dataclass(frozen=True)
class Report:
    month: str
    rules: tuple[points_rules.Rule, ...]  # the columns: the district's rules, as configured
    people: list[Person]  # by net, then name
    total: Person
    streets: tuple[StreetRules, ...] = ()  # the streets of the people listed that have rules of their own, by name


def report(session: Session, month: str, scope: Scope) -> Report:
    """The month's points of everyone within `scope` who had any that month or holds any at its end."""
    people = {row.id: row for row in session.scalars(
        select(Staff).where(within(scope, Staff.grid_id, Staff.community_id, Staff.street_id)))}
    ids = list(people)
    months = defaultdict(lambda: defaultdict(int))  # type: ignore[var-annotated]
    if ids:
        rows = session.execute(
            select(PointsEntry.staff_id, PointsEntry.rule, PointsEntry.reverses_id.is_not(None),
                   func.sum(PointsEntry.amount))
            .where(PointsEntry.staff_id.in_(ids), PointsEntry.month == month)
            .group_by(PointsEntry.staff_id, PointsEntry.rule, PointsEntry.reverses_id.is_not(None))).all()
        for staff_id, rule, is_reversal, amount in rows:
            kind = "reversed" if is_reversal else "redeemed" if rule == points_rules.REDEEM else rule
            months[staff_id][kind] += int(amount)
    balances = dict(session.execute(  # type: ignore[arg-type]
        select(PointsEntry.staff_id, func.sum(PointsEntry.amount))
        .where(PointsEntry.staff_id.in_(ids), PointsEntry.month <= month)
        .group_by(PointsEntry.staff_id)).all()) if ids else {}
    listed = [one for one in ids if months.get(one) or balances.get(one)]
    places = staff.workplace_labels(session, [people[one] for one in listed])  # at once: a street has hundreds
    streets = points.street_names(session, [people[one] for one in listed])
    lines = [_person(people[one], place, street, months.get(one, {}), int(balances.get(one) or 0))
             for one, place, street in zip(listed, places, streets, strict=True)]
    lines.sort(key=lambda person: (-person.net, person.name, person.staff_id or 0))
    total = Person(None, "", None, None, None)
    for line in lines:
        total.add(line)
    rules = points_rules.current()
    own = tuple(StreetRules(street, tuple(rules.for_street(street)[name] for name in rules.overridden(street)))
                for street in sorted({one for one in streets if one is not None}) if rules.overridden(street))
    return Report(month, tuple(rules.by_name.values()), lines, total, own)


def _person(member: Staff, place: str | None, street: str | None, month: dict[str, int], balance: int) -> Person:
    by_rule = {rule: amount for rule, amount in month.items() if rule not in ("reversed", "redeemed")}
    return Person(member.id, member.name, member.role, place, street, by_rule, month.get("reversed", 0),
                  month.get("redeemed", 0), sum(month.values()), balance)
