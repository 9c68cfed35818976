"""The appeal lifecycle's rule table (storage.appeals.allowed, which transition() consults), without a database.

The moves are written out here rather than read from the table, so a move dropped from the table, or one added to it
without a row here, fails a test.
"""

from itertools import product

import pytest

from storage.appeals import allowed
from storage.models import AppealStatus as S

MOVES = [
    (S.AWAITING_ADDRESS, S.SUBMITTED, "binding places an appeal held for want of an address"),
    (S.SUBMITTED, S.DISPATCHED, "dispatch hands it to the grid's members"),
    (S.DISPATCHED, S.ACCEPTED, "接单: a member claims it"),
    (S.ACCEPTED, S.PAUSED, "挂起: the assignee waits for parts or a third party"),
    (S.PAUSED, S.ACCEPTED, "恢复: the work resumes"),
    (S.ACCEPTED, S.RESOLVED, "办结: the assignee resolves it"),
    (S.RESOLVED, S.CLOSED, "the resident rates it 满意 or 基本满意"),
    (S.RESOLVED, S.ACCEPTED, "不满意 reopens it"),
    (S.ACCEPTED, S.DISPATCHED, "转办: transferred, for the department to claim"),
    (S.MERGED, S.DISPATCHED, "拆分: split off the appeal it was merged into"),
    (S.DISPATCHED, S.RETURNED, "退回 before anyone claimed it"),
    (S.ACCEPTED, S.RETURNED, "退回 by the assignee"),
    *[(old, S.MERGED, f"合并: a {old} appeal joins another open one")
      for old in (S.SUBMITTED, S.DISPATCHED, S.ACCEPTED, S.PAUSED)],
    *[(old, S.CANCELLED, f"撤销 while {old}")
      for old in (S.AWAITING_ADDRESS, S.SUBMITTED, S.DISPATCHED, S.ACCEPTED, S.PAUSED, S.RETURNED)],
]

REFUSED = [
    (S.CLOSED, S.CLOSED, "closing a closed appeal"),
    (S.RESOLVED, S.RESOLVED, "resolving it twice"),
    (S.RESOLVED, S.CANCELLED, "cancelling a resolved appeal"),
    (S.CLOSED, S.CANCELLED, "cancelling a closed appeal"),
    (S.CLOSED, S.ACCEPTED, "reopening a closed appeal"),
    (S.CANCELLED, S.SUBMITTED, "reviving a cancelled appeal"),
    (S.RESOLVED, S.DISPATCHED, "transferring a resolved appeal"),
    (S.DISPATCHED, S.RESOLVED, "resolving an appeal nobody claimed"),
    (S.SUBMITTED, S.ACCEPTED, "claiming an appeal not yet dispatched"),
    (S.PAUSED, S.RESOLVED, "resolving a paused appeal without resuming it"),
    (S.DISPATCHED, S.PAUSED, "pausing an appeal nobody claimed"),
    (S.PAUSED, S.PAUSED, "pausing it twice"),
    (S.ACCEPTED, S.ACCEPTED, "claiming it twice"),
    (S.ACCEPTED, S.CLOSED, "closing an appeal before it is resolved"),
    (S.MERGED, S.MERGED, "merging a merged appeal again"),
    (S.MERGED, S.ACCEPTED, "claiming a merged appeal"),
    (S.MERGED, S.CANCELLED, "cancelling a merged appeal (it follows the one it joined)"),
    (S.RETURNED, S.MERGED, "merging a returned appeal"),
    (S.AWAITING_ADDRESS, S.DISPATCHED, "dispatching an appeal without an address"),
]


@pytest.mark.parametrize(("old", "new"), [move[:2] for move in MOVES], ids=[move[2] for move in MOVES])
def test_the_lifecycle_allows_the_move(old, new):
    assert allowed(old, new)


@pytest.mark.parametrize(("old", "new"), [move[:2] for move in REFUSED], ids=[move[2] for move in REFUSED])
def test_the_lifecycle_refuses(old, new):
    assert not allowed(old, new)


def test_no_move_is_allowed_that_is_not_listed_here():
    listed = {(old, new) for old, new, _why in MOVES}
    extra = [(str(old), str(new)) for old, new in product(S, S) if allowed(old, new) and (old, new) not in listed]
    assert extra == []
