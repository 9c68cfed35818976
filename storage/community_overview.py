"""What the console's 党建与志愿 page shows of an operator's scope, read in one call: the enrolments waiting, the
roll of the community's own people, the 微心愿 not yet closed, the places a wish may be posted for, and the month's
积分. Each part is the scope-based read of its own module (enrolments, chain, wishes, management, points_report);
this module only gathers them for one page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from storage import chain, enrolments, management, points_report, wishes
from storage.queries import Scope


@dataclass(frozen=True)
class Overview:
    waiting: list[enrolments.Waiting]  # 待确认的报到/报名, oldest first
    members: list[chain.Member]  # 在册人员
    wishes: list[wishes.WishLine]  # open, taken or done, newest first
    communities: list[tuple[int, str]]  # where a wish may be posted: the scope's communities…
    grids: list[tuple[int, str]]  # …and its grids (社区·网格)
    points: points_report.Report  # the month's 积分


def overview(session: Session, scope: Scope, month: str) -> Overview:
    """The page's parts within `scope`, the 积分 of `month` (YYYY-MM)."""
    return Overview(enrolments.pending_within(session, scope), chain.members(session, scope),
                    wishes.open_within(session, scope), management.communities(session, scope),
                    management.grids(session, scope), points_report.report(session, month, scope))
