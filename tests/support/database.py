"""Looking into the test database (and writing the odd outbox row) the way several test modules need to."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from storage import outbox
from storage.db import Database
from storage.models import Appeal, OutboxMessage, Resident, Staff
from storage.notices import Notice
from tests.support.personas import RESIDENT


def appeal(database: Database, ticket: str) -> Appeal:
    """The appeal with that ticket, as stored now."""
    with database.transaction() as session:
        return session.scalars(select(Appeal).where(Appeal.ticket == ticket)).one()


def notices(database: Database, template: str, ticket: str | None = None) -> list[str]:
    """The recipients (sorted) of every notice of `template` in the outbox; with `ticket`, only that appeal's."""
    with database.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.template == template)).all()
        return sorted(row.recipient_openid for row in rows if ticket is None or f'"{ticket}"' in row.params)


def worded(database: Database, template: str, openid: str) -> list[str]:
    """What the outbox holds for `openid` of `template`, worded as they will read it, oldest first."""
    from handlers import notifications
    with database.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.template == template,
                                                           OutboxMessage.recipient_openid == openid)
                               .order_by(OutboxMessage.id)).all()
        return [notifications.render(row.template, json.loads(row.params), row.created_at) for row in rows]


def resident(database: Database, openid: str) -> Resident | None:
    """The resident of that openid, if WeChat ever brought them."""
    with database.transaction() as session:
        return session.scalars(select(Resident).where(Resident.openid == openid)).first()


def staff_id(database: Database, openid: str) -> int:
    """The id of the staff member with that openid."""
    with database.transaction() as session:
        return session.scalars(select(Staff.id).where(Staff.openid == openid)).one()


def outbox_row(database: Database, outbox_id: int) -> OutboxMessage:
    """One outbox row, as stored now."""
    with database.transaction() as session:
        return session.get_one(OutboxMessage, outbox_id)


def add_notice(database: Database, key: str, notice: Notice, now: datetime, openid: str = RESIDENT) -> int:
    """Write one outbox row the way the appeal lifecycle does; returns its id."""
    with database.transaction() as session:
        outbox.add(session, key=key, recipient_openid=openid, notice=notice, now=now)
        session.flush()
        return session.scalars(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)).one()
