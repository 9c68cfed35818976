"""Customer-service windows: a user's message lets the account send them about 5 messages within 48 hours.

WeChat keeps the real count; this is our record of it, so that a worker picks the template message before
spending an API call on a window that is closed. When the record is wrong (45015/45047), the worker closes it.
Only messages open the window: subscribing, scanning and menu clicks open a one-minute window of 3 messages,
too short for a notification that waits on someone's work.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from storage.driver_sql import DriverSQL, timestamp
from storage.models import ReplyWindow

WINDOW = timedelta(hours=48)
SLOTS = 5

# One statement on the webhook's path. A message older than the window's opening (a late retry) leaves it alone.
_OPEN = DriverSQL(
    "INSERT INTO reply_windows (openid, opened_at, sent_count) VALUES (%(openid)s, %(at)s, 0) "
    "ON CONFLICT (openid) DO UPDATE SET opened_at = excluded.opened_at, sent_count = 0 "
    "WHERE excluded.opened_at >= reply_windows.opened_at"
)


def opened(session: Session, openid: str, at: datetime) -> None:
    """The user wrote at `at`: their window opens, or starts again with all its slots."""
    _OPEN.run(session, {"openid": openid, "at": timestamp(session, at)})


def take_slot(session: Session, openid: str, now: datetime) -> bool:
    """Reserve one customer-service message (compare-and-set); False if the window is closed or used up."""
    taken = session.execute(
        update(ReplyWindow)
        .where(
            ReplyWindow.openid == openid,
            ReplyWindow.opened_at > now - WINDOW,
            ReplyWindow.sent_count < SLOTS,
        )
        .values(sent_count=ReplyWindow.sent_count + 1)
    ).rowcount
    return taken == 1


def close(session: Session, openid: str) -> None:
    """WeChat refused a customer-service message (45015/45047): no more until the user writes again."""
    session.execute(update(ReplyWindow).where(ReplyWindow.openid == openid).values(sent_count=SLOTS))
