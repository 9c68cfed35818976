"""The monthly report (`gridbot report`): a month's counts and rates per grid and per member, as storage/rates.py
defines them, for bot/sheets/report.py to write out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Staff, Street
from storage.queries import EVERYWHERE, Scope
from storage.rates import (
    DEFAULT_WEIGHTS,
    Counts,
    Period,
    Rates,
    Unit,
    Weights,
    counts_by,
    departed,
    rates_of,
    unit_labels,
)


@dataclass(frozen=True)
class Line:
    """One row of the report: a grid (社区·网格) or a member (name, and their grid or department)."""

    label: str
    grid: str
    counts: Counts
    rates: Rates
    left: bool = False  # a member who has left since (their figures stay)


@dataclass(frozen=True)
class Report:
    """A period's figures within a scope: per grid, per member, and in total. Every appeal counts in one grid and
    in one member or `unclaimed`, so both sheets add up to `total`."""

    period: Period
    made_at: datetime
    as_of: datetime
    weights: Weights
    grids: list[Line]
    members: list[Line]
    total: Line
    unclaimed: Line | None = None  # the appeals nobody held at the period's end (the rates' unit None)


def report(session: Session, period: Period, now: datetime, scope: Scope = EVERYWHERE,
           weights: Weights = DEFAULT_WEIGHTS) -> Report:
    """The figures of appeals filed in the period within the scope, as of `now`: every grid of the scope and
    every grid team member of it (quiet ones with zeros), and whoever else handled an appeal of it."""
    as_of = period.as_of(now)
    by_grid = counts_by(session, Unit.GRID, period.start, period.end, as_of, scope)
    by_member = counts_by(session, Unit.MEMBER, period.start, period.end, as_of, scope)
    grids = unit_labels(session, Unit.GRID, scope, set(by_grid))
    members = unit_labels(session, Unit.MEMBER, scope, set(by_member) - {None})
    places = {row.id: _place(grids.get(row.grid_id or 0), row.department, row.street)
              for row in session.execute(select(Staff.id, Staff.grid_id, Staff.department, Street.name.label("street"))
                                         .outerjoin(Street, Street.id == Staff.street_id)
                                         .where(Staff.id.in_(members)))}

    gone = departed(session, set(members))

    def line(label: str, place: str, counts: Counts, left: bool = False) -> Line:
        return Line(label, place, counts, rates_of(counts, weights), left)

    total = sum(by_grid.values(), Counts())
    unclaimed = by_member.get(None)
    return Report(
        period, now, as_of, weights,
        [line(label, label, by_grid.get(grid_id, Counts())) for grid_id, label in grids.items()],
        [line(name, places.get(staff_id, ""), by_member.get(staff_id, Counts()), staff_id in gone)
         for staff_id, name in members.items()],
        line("", "", total),
        None if unclaimed is None else line("", "", unclaimed),
    )


def _place(grid: str | None, department: str | None, street: str | None = None) -> str:
    """Where a member works: their grid, their department, or a grid's property company with its grid (阳光物业公司
    （幸福里社区·第一网格）, as its invite named it): the company is whom the line is about. A department with its
    street (综合执法中队（幸福街道）): a district's report has a 中队 of that name in every street."""
    if department and (grid or street):
        return f"{department}（{grid or street}）"
    return grid or department or ""
