"""The appeal lifecycle's rule table (storage.appeals.allowed, which transition() consults), without a database.

The moves are written out here rather than read from the table, so a move dropped from the table, or one added to it
without a row here, fails a test.
"""

from itertools import product

import pytest

from storage.appeals import allowed
from storage.models import AppealStatus as S

OPEN = (S.AWAITING_ADDRESS, S.SUBMITTED, S.DISPATCHED, S.ACCEPTED, S.PAUSED, S.RETURNED)
JOINABLE = (S.SUBMITTED, S.DISPATCHED, S.ACCEPTED, S.PAUSED)  # open, placed, and not handed back
# What moves an appeal, and from where to where.
MOVES_BY_EVENT = {
    "binding places an appeal held for want of an address": [(S.AWAITING_ADDRESS, S.SUBMITTED)],
    "dispatch hands it to the grid's members": [(S.SUBMITTED, S.DISPATCHED)],
    "接单 (claim)": [(S.DISPATCHED, S.ACCEPTED)],
    "挂起 (pause): waiting for parts or a third party": [(S.ACCEPTED, S.PAUSED)],
    "恢复 (resume)": [(S.PAUSED, S.ACCEPTED)],
    "办结 (resolve)": [(S.ACCEPTED, S.RESOLVED)],
    "the rating: 满意 or 基本满意 closes, 不满意 reopens": [(S.RESOLVED, S.CLOSED), (S.RESOLVED, S.ACCEPTED)],
    "转办 (transfer), for the department to claim": [(S.ACCEPTED, S.DISPATCHED)],
    "拆分 (split) from the appeal it was merged into": [(S.MERGED, S.DISPATCHED)],
    "退回 (return), claimed or not": [(S.DISPATCHED, S.RETURNED), (S.ACCEPTED, S.RETURNED)],
    "合并 (merge) into another open appeal": [(old, S.MERGED) for old in JOINABLE],
    "撤销 (cancel) while open": [(old, S.CANCELLED) for old in OPEN],
    "撤销 of a joined (merged) appeal: its resident stops following the one it joined": [(S.MERGED, S.CANCELLED)],
    "改派 (reassign) to another grid or member": [(old, S.DISPATCHED)
                                                 for old in (S.RETURNED, S.DISPATCHED, S.ACCEPTED, S.PAUSED)],
    "不受理 (reject) an open appeal that has a grid: no appeal at all": [
        (old, S.REJECTED) for old in (S.SUBMITTED, S.DISPATCHED, S.ACCEPTED, S.PAUSED, S.RETURNED)],
}
MOVES = [(old, new, f"{event}: {old} -> {new}") for event, moves in MOVES_BY_EVENT.items() for old, new in moves]

REFUSED = {
    "closing a closed appeal": (S.CLOSED, S.CLOSED),
    "resolving it twice": (S.RESOLVED, S.RESOLVED),
    "cancelling a resolved appeal": (S.RESOLVED, S.CANCELLED),
    "cancelling a closed appeal": (S.CLOSED, S.CANCELLED),
    "reopening a closed appeal": (S.CLOSED, S.ACCEPTED),
    "reviving a cancelled appeal": (S.CANCELLED, S.SUBMITTED),
    "transferring a resolved appeal": (S.RESOLVED, S.DISPATCHED),
    "resolving an appeal nobody claimed": (S.DISPATCHED, S.RESOLVED),
    "claiming an appeal not yet dispatched": (S.SUBMITTED, S.ACCEPTED),
    "resolving a paused appeal without resuming it": (S.PAUSED, S.RESOLVED),
    "pausing an appeal nobody claimed": (S.DISPATCHED, S.PAUSED),
    "pausing it twice": (S.PAUSED, S.PAUSED),
    "claiming it twice": (S.ACCEPTED, S.ACCEPTED),
    "closing an appeal before it is resolved": (S.ACCEPTED, S.CLOSED),
    "merging a merged appeal again": (S.MERGED, S.MERGED),
    "claiming a merged appeal": (S.MERGED, S.ACCEPTED),
    "merging a returned appeal": (S.RETURNED, S.MERGED),
    "dispatching an appeal without an address": (S.AWAITING_ADDRESS, S.DISPATCHED),
    "rejecting an appeal without a grid (held for an address)": (S.AWAITING_ADDRESS, S.REJECTED),
    "rejecting a resolved appeal (it waits for the rating)": (S.RESOLVED, S.REJECTED),
    "rejecting a merged appeal (it follows the one it joined)": (S.MERGED, S.REJECTED),
    "reviving a rejected appeal": (S.REJECTED, S.DISPATCHED),
}


@pytest.mark.parametrize(("old", "new"), [move[:2] for move in MOVES], ids=[move[2] for move in MOVES])
def test_the_lifecycle_allows_the_move(old, new):
    assert allowed(old, new)


@pytest.mark.parametrize(("old", "new"), REFUSED.values(), ids=REFUSED.keys())
def test_the_lifecycle_refuses(old, new):
    assert not allowed(old, new)


def test_no_move_is_allowed_that_is_not_listed_here():
    listed = {(old, new) for old, new, _why in MOVES}
    extra = [(str(old), str(new)) for old, new in product(S, S) if allowed(old, new) and (old, new) not in listed]
    assert extra == []
