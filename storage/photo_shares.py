"""How many photos and locations one sender may have kept in an hour and in 24 hours.

Each photo is downloaded and kept (up to 10 MB, bot/media_store.py) in the order received: an account sending
hundreds a minute would fill the disk and hold everyone else's photos behind its own until WeChat forgot them.
Past its share nothing more is kept and the sender is told; what counts as theirs is the caller's (`kept_since`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable


@dataclass(frozen=True)
class Share:
    per_hour: int
    per_day: int


RESIDENT = Share(per_hour=30, per_day=100)  # three albums of nine an hour: more than any appeal needs
STAFF = Share(per_hour=200, per_day=1000)  # a long patrol, photo by photo, with every result's before and after


def used_up(share: Share, kept_since: Callable[[datetime], int], now: datetime) -> tuple[str, int] | None:
    """("hour" or "day", the limit) when the sender has as many kept as `share` allows (`kept_since(moment)`: how
    many of theirs were kept after it), or None while there is room for one more."""
    if kept_since(now - timedelta(hours=1)) >= share.per_hour:
        return "hour", share.per_hour
    if kept_since(now - timedelta(days=1)) >= share.per_day:
        return "day", share.per_day
    return None
