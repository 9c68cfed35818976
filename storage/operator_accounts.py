"""Operator accounts as the console's 管理员 manages them: the list with each account's last login, and disabling
one with the two guards the CLI does not need (the CLI's operator can always add a new 管理员 from the server):
nobody disables their own account from the console, and the last active 管理员 is never disabled, or no one
could manage the console from it again. Adding and password changes are storage/console_users.py's, unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import console_users
from storage.errors import NotAllowed
from storage.models import ConsoleLogin, ConsoleRole, ConsoleUser, LoginOutcome


@dataclass(frozen=True)
class Listed:
    """One account on the console's page."""

    account: console_users.Account
    last_login: datetime | None


def listed(session: Session) -> list[Listed]:
    """Every account, by username, with its scope and the time of its last successful login."""
    last = {user_id: at for user_id, at in session.execute(
        select(ConsoleLogin.user_id, func.max(ConsoleLogin.at))
        .where(ConsoleLogin.outcome == LoginOutcome.SUCCESS, ConsoleLogin.user_id.is_not(None))
        .group_by(ConsoleLogin.user_id)
    )}
    return [Listed(account, last.get(account.user.id)) for account in console_users.accounts(session)]


def disable_by(session: Session, acting_id: int, username: str, now: datetime) -> tuple[ConsoleUser, bool]:
    """Disable the account of `username` for the operator `acting_id`; the account and whether it was active.
    NotAllowed("self") for their own, NotAllowed("last_admin") for the last active 管理员; NotFound if none."""
    user = console_users.named(session, username)
    if user.id == acting_id:
        raise NotAllowed("self")
    was_active = user.active
    if was_active and user.role == ConsoleRole.ADMIN:
        # Locked rows: two 管理员 disabling each other at once cannot both succeed (PostgreSQL re-reads the
        # second's rows after the first commits; SQLite lets one writer at a time).
        admins = session.scalars(select(ConsoleUser.id).where(ConsoleUser.role == ConsoleRole.ADMIN,
                                                              ConsoleUser.active).with_for_update()).all()
        if len(admins) <= 1:
            raise NotAllowed("last_admin")
    return console_users.disable(session, username, now), was_active
