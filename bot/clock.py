"""The real clock; everything that tells time takes a clock parameter so tests can move it."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Callable

Clock = Callable[[], datetime]


def now_utc() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.fromtimestamp(time.time(), timezone.utc)
