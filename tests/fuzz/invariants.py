"""What "nothing half-written" means, checked after every fuzzed input."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from storage.db import Database
from storage.models import Appeal, AppealEvent, Base, OutboxMessage


def row_counts(database: Database) -> dict[str, int]:
    """How many rows each table holds."""
    with database.transaction() as session:
        return {table.name: session.scalar(select(func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables}


def changed(before: dict[str, int], after: dict[str, int], ignore: tuple[str, ...] = ()) -> dict[str, tuple[int, int]]:
    """The tables whose count moved (outside `ignore`), with their counts before and after."""
    return {name: (before[name], after[name]) for name in before
            if before[name] != after[name] and name not in ignore}


def half_written(database: Database) -> list[str]:
    """Every appeal has its audit trail, and every outbox row names an appeal that exists."""
    problems: list[str] = []
    with database.transaction() as session:
        silent = session.scalars(
            select(Appeal.ticket).where(~select(AppealEvent.id).where(AppealEvent.appeal_id == Appeal.id).exists())
        ).all()
        problems += [f"appeal {ticket} without an audit event" for ticket in silent]
        tickets = set(session.scalars(select(Appeal.ticket)))
        for key, params in session.execute(select(OutboxMessage.idempotency_key, OutboxMessage.params)):
            ticket = json.loads(params).get("ticket")
            if isinstance(ticket, str) and ticket.startswith("G") and ticket not in tickets:
                problems.append(f"outbox row {key} for an appeal that does not exist ({ticket})")
    return problems
