"""The facts of an appeal's audit trail the rates read, kept on the appeal itself (the `trail_*` columns).

The rates (storage/rate_counts.py) need, per appeal, its first 接单, its last 办结, 重办 and 评价 and whether it
was ever 退回. Gathering them from appeal_events for every appeal of a month costs seconds at a city's size, so
`storage.appeals.record` brings these columns up to date whenever it writes one of those events, in the same
transaction, and migration 0023 filled them in for the appeals before it.

`trail_at` is when the columns were last brought up to date: the latest of those events, or the filing when
there is none yet. The columns say exactly what the trail said up to any moment after `trail_at`; for a moment
before it (a past period whose appeals were worked on since) the rates read the trail itself. NULL: the columns
are not kept for this appeal (a row written outside the lifecycle): the rates read the trail too.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Update, bindparam, case, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from storage.models import Appeal, AppealEvent

# A rating event's note (storage.rating.Rating) as a number: 0 for anything else.
RATING_CODES = {"": 0, "satisfied": 1, "basic": 2, "unsatisfied": 3}
# The actions of an appeal's trail the figures read (storage.appeals.Action's values).
ACCEPTED, RESOLVED, REOPENED, RATED, RETURNED = "accepted", "resolved", "reopened", "rated", "returned"
TRAIL = (ACCEPTED, RESOLVED, REOPENED, RATED, RETURNED)


def rating_code(note: Any) -> Any:
    """A rating event's note as its code in RATING_CODES, in SQL."""
    return case(*((note == name, code) for name, code in RATING_CODES.items() if code), else_=0)


def rating_key(event: Any) -> Any:
    """A rating as its event id × 4 + its code: the largest is the latest, and it needs no second look at the
    trail to read which rating it was."""
    return event.id * len(RATING_CODES) + rating_code(event.note)


def keep(session: Session, appeal_id: int, action: str, at: datetime) -> None:
    """Bring the appeal's trail columns up to date after an event of `action` at `at` was written (nothing to
    do for an action the rates do not read, or for an appeal whose columns are not kept)."""
    if action not in TRAIL:
        return
    session.execute(_keeping(), {"appeal_id": appeal_id, "moment": at})


@functools.cache
def _keeping() -> Update:
    """keep's statement, built once: building its six subqueries took longer than running it, on every 接单,
    办结 and 评价."""
    moment = bindparam("moment", type_=Appeal.trail_at.type)
    return (update(Appeal.__table__).where(Appeal.id == bindparam("appeal_id"), Appeal.trail_at.is_not(None))
            .values(**facts(Appeal.id), trail_at=case((Appeal.trail_at > moment, Appeal.trail_at), else_=moment)))


def facts(appeal_id: ColumnElement[Any]) -> dict[str, Any]:
    """The trail columns of the appeal `appeal_id` (a column or a value) as read from its whole trail."""
    event = aliased(AppealEvent)

    def of(action: str, value: Any) -> Any:
        return (select(value).where(event.appeal_id == appeal_id, event.action == action)
                .correlate_except(event).scalar_subquery())

    return {
        "trail_first_accepted_at": of(ACCEPTED, func.min(event.at)),
        "trail_resolve_event_id": of(RESOLVED, func.max(event.id)),
        "trail_resolved_at": of(RESOLVED, func.max(event.at)),
        "trail_reopen_event_id": of(REOPENED, func.max(event.id)),
        "trail_rating_key": of(RATED, func.max(rating_key(event))),
        "trail_returned": exists().where(event.appeal_id == appeal_id, event.action == RETURNED)
        .correlate_except(event),
    }
