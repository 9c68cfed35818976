"""查询 by staff: what they may read (`staff.can_read`), who read what (an internal `viewed` event on the
appeal), and how many lookups an hour (`attempts.count_lookup`), all in the caller's transaction.

Reading one's own task or report is one's work, not a lookup: it is neither counted nor audited, so the
trail shows who looked at an appeal from outside it and a member checking their own tasks is never throttled.
Every other lookup counts, found or not: guessing tickets costs the same as reading them.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import attempts
from storage.actors import Actor
from storage.appeals import Action, record
from storage.errors import NotFound
from storage.models import Appeal, OutboxMessage, Staff
from storage.notices import StaffAppealText
from storage.staff import can_read, owns, readable
from storage.tasks import find
from storage.telling import tell

log = logging.getLogger(__name__)
# An appeal's words 查询 shows in its reply; longer ones (letters of up to 1,000 characters, three or four bytes each)
# do not fit one passive reply (2048 bytes) and follow it in parts, each a customer-service message, counted in bytes
# as WeChat counts them: the reply keeps the first INLINE_BYTES, each part PART_BYTES with its header around it.
INLINE_BYTES = 900
PART_BYTES = 1_800
WORDS_WINDOW = timedelta(minutes=10)  # the whole words go to one member at most once in it


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


def parts_of(appeal: Appeal) -> int:
    """How many messages the appeal's words take after a 查询 reply: 0 when they fit in it."""
    words = appeal.content or ""
    return 0 if len(words.encode()) <= INLINE_BYTES else len(_pieces(words, PART_BYTES))


def opening(appeal: Appeal) -> str:
    """The start of the appeal's words that a 查询 reply shows when they follow in parts."""
    return _pieces(appeal.content or "", INLINE_BYTES)[0]


def send_words(session: Session, member: Staff, appeal: Appeal, now: datetime) -> bool:
    """The appeal's whole words to the member who asked (`parts_of` messages), at most once in a WORDS_WINDOW (their
    own task's 查询 is not counted as a lookup: asked again and again, it must not queue messages without end);
    False when this window's were sent already (WeChat's retry of the request included)."""
    window = now.timestamp() // WORDS_WINDOW.total_seconds()
    key = f"appeal:{appeal.id}:words:{member.id}:{window:.0f}"
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == f"{key}:1")) is not None:
        return False
    pieces = _pieces(appeal.content or "", PART_BYTES)
    for part, text in enumerate(pieces, start=1):
        tell(session, member.openid, StaffAppealText(ticket=appeal.ticket, part=part, parts=len(pieces), text=text),
             now, appeal=appeal, key=f"{key}:{part}")
    return True


def _pieces(words: str, most_bytes: int) -> list[str]:
    """The words in pieces of at most `most_bytes` of UTF-8 each, never splitting a character."""
    pieces, piece, size = [], [], 0
    for character in words:
        width = len(character.encode())
        if piece and size + width > most_bytes:
            pieces.append("".join(piece))
            piece, size = [], 0
        piece.append(character)
        size += width
    return [*pieces, "".join(piece)] if piece else pieces or [""]


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
