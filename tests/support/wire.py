"""What a hand-made WeChat message needs."""

from __future__ import annotations

from datetime import datetime
from typing import Callable


def now_of(clock: Callable[[], datetime]) -> int:
    """The test clock's now as WeChat's CreateTime and timestamp (whole seconds since the epoch)."""
    return int(clock().timestamp())
