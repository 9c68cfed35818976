"""查询 by staff: what they may read (`staff.can_read`), who read what (an internal `viewed` event on the
appeal), and how many lookups an hour (`attempts.count_lookup`), all in the caller's transaction.

Reading one's own task or report is one's work, not a lookup: it is neither counted nor audited, so the
trail shows who looked at an appeal from outside it and a member checking their own tasks is never throttled.
Every other lookup counts, found or not: guessing tickets costs the same as reading them.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime

from sqlalchemy.orm import Session

from storage import attempts
from storage.actors import Actor
from storage.appeals import Action, record
from storage.errors import NotFound
from storage.models import Appeal, Staff
from storage.staff import can_read, owns, readable
from storage.tasks import find

log = logging.getLogger(__name__)


def look_up(session: Session, member: Staff, ticket: str, sensitive: Collection[str], now: datetime,
            per_hour: int) -> Appeal:
    """The appeal `ticket` for the member to read; NotFound when there is none or it is not theirs to read
    (the same refusal: no oracle for guessed tickets); attempts.TooMany past `per_hour` lookups in the hour."""
    try:
        appeal: Appeal | None = find(session, ticket)
    except NotFound:
        appeal = None
    facts = readable(session, appeal, sensitive) if appeal is not None else None
    if facts is not None and owns(member, facts):
        return appeal  # type: ignore[return-value]
    try:
        attempts.count_lookup(session, member.id, now, per_hour)
    except attempts.TooMany:
        log.warning("staff %s is over %s lookups an hour: %s refused", member.id, per_hour, ticket)
        raise
    if appeal is None or facts is None or not can_read(member, facts):
        log.info("staff %s looked up %s: none or not theirs to read", member.id, ticket)
        raise NotFound(ticket)
    record(session, appeal.id, now, Action.VIEWED, None, None, actor_id=member.id, actor_kind="staff", internal=True)
    return appeal


# The note of a read from the command line: who ran it, by their login on the server (see `read_from_cli`).
CLI_READER = "cli:"


def read_from_cli(session: Session, ticket: str, os_user: str, now: datetime) -> Appeal:
    """The appeal `ticket` for an operator at the command line (NotFound when there is none), audited as a
    system read naming the server login that ran the command: the CLI has no staff member, but the trail must
    still show that someone outside the appeal read it. Not counted: operators on the server are trusted."""
    appeal = find(session, ticket)
    record(session, appeal.id, now, Action.VIEWED, None, None, note=f"{CLI_READER}{os_user}", internal=True,
           actor_kind="system")
    return appeal


def read_by(session: Session, appeal: Appeal, actor: Actor, now: datetime) -> None:
    """Audit a read by someone outside the appeal whom the caller has let read it, such as a console operator
    within their scope: an internal `viewed` event by them (the trail names them, 控制台 <显示名>)."""
    record(session, appeal.id, now, Action.VIEWED, None, None, internal=True, actor=actor)
