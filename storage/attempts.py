"""Counting one person's attempts at one thing, in the database so every process counts together.

Each (kind, subject) has one row: a fixed window that starts at the first attempt after the previous window
ended, the attempts in it, and for 认证 the lockout they led to. Every change is one conditional UPDATE, so two
requests of the same person at the same moment (two web workers, two processes) both count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.errors import DomainError
from storage.models import AccessCounter

LOOKUP = "lookup"  # a staff member's 查询 of appeals that are not their own tasks; subject: the staff id
CERTIFY = "certify"  # wrong 认证 codes; subject: the sender's openid
PHONE_DIGITS = "phone_digits"  # wrong last four digits of an invite's phone, from anyone; subject: the invite id
LOOKUP_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Lockout:
    """`failures` wrong codes within `within` lock the sender out of 认证 for `duration`."""

    failures: int = 5
    within: timedelta = timedelta(minutes=15)
    duration: timedelta = timedelta(hours=1)
    # Operators hear of an openid's lockout at most once in this long: a persistent guesser is one alert a day.
    alert_quiet: timedelta = timedelta(days=1)


DEFAULT_LOCKOUT = Lockout()


class TooMany(DomainError):
    """Over the limit, or locked out: nothing was done; `retry_at` says when the person may try again."""

    def __init__(self, retry_at: datetime, started: bool = False) -> None:
        super().__init__(retry_at.isoformat())
        self.retry_at = retry_at
        self.started = started  # this very attempt started the lockout


def count(session: Session, kind: str, subject: str, now: datetime, window: timedelta) -> AccessCounter:
    """Count one attempt in the subject's current window (a new window when the last one ended); the row after."""
    counted = session.execute(
        update(AccessCounter)
        .where(AccessCounter.kind == kind, AccessCounter.subject == subject,
               AccessCounter.window_started_at > now - window)
        .values(count=AccessCounter.count + 1)
        .execution_options(synchronize_session=False)
    ).rowcount or session.execute(
        update(AccessCounter)
        .where(AccessCounter.kind == kind, AccessCounter.subject == subject,
               AccessCounter.window_started_at <= now - window)
        .values(count=1, window_started_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not counted:
        try:
            with session.begin_nested():
                session.add(AccessCounter(kind=kind, subject=subject, window_started_at=now, count=1))
        except IntegrityError:
            return count(session, kind, subject, now, window)  # the same person's other request made the row
    return _row(session, kind, subject)


def count_lookup(session: Session, staff_id: int, now: datetime, per_hour: int) -> None:
    """Count one staff lookup; TooMany (with when the hour ends) past `per_hour` in the hour."""
    row = count(session, LOOKUP, str(staff_id), now, LOOKUP_WINDOW)
    if row.count > per_hour:
        raise TooMany(row.window_started_at + LOOKUP_WINDOW)


def refuse_if_locked(session: Session, kind: str, subject: str, now: datetime) -> None:
    """TooMany while the subject is locked out."""
    locked_until = session.scalars(
        select(AccessCounter.locked_until).where(AccessCounter.kind == kind, AccessCounter.subject == subject)
    ).first()
    if locked_until is not None and locked_until > now:
        raise TooMany(locked_until)


def fail(session: Session, kind: str, subject: str, now: datetime, rule: Lockout) -> AccessCounter:
    """Count one failure; the failure that reaches the limit locks the subject out and raises TooMany(started)."""
    row = count(session, kind, subject, now, rule.within)
    if row.count < rule.failures:
        return row
    until = now + rule.duration
    # Compare-and-set: of two failures racing past the limit, one starts the lockout (and its alert).
    started = session.execute(
        update(AccessCounter)
        .where(AccessCounter.id == row.id, (AccessCounter.locked_until.is_(None)) | (AccessCounter.locked_until <= now))
        .values(locked_until=until, count=0, window_started_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    raise TooMany(until if started else _row(session, kind, subject).locked_until or until, started=started)


def take_alert(session: Session, kind: str, subject: str, now: datetime, quiet: timedelta) -> bool:
    """Whether to alert about the subject now: True at most once per `quiet` (marks the time it returns True)."""
    return session.execute(
        update(AccessCounter)
        .where(AccessCounter.kind == kind, AccessCounter.subject == subject,
               AccessCounter.alerted_at.is_(None) | (AccessCounter.alerted_at <= now - quiet))
        .values(alerted_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount == 1


def forget(session: Session, kind: str, subject: str) -> None:
    """Clear the count (a right code after a few wrong ones starts the next person's count afresh)."""
    session.execute(
        update(AccessCounter).where(AccessCounter.kind == kind, AccessCounter.subject == subject)
        .values(count=0).execution_options(synchronize_session=False)
    )


def _row(session: Session, kind: str, subject: str) -> AccessCounter:
    # populate_existing: the UPDATEs above bypassed the session, a row it already holds must be read afresh.
    return session.scalars(
        select(AccessCounter).where(AccessCounter.kind == kind, AccessCounter.subject == subject)
        .execution_options(populate_existing=True)
    ).one()
