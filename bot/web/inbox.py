"""One inbound message, once: claim its key, let the conversation answer, store the reply, commit."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from bot.clock import Clock
from bot.privacy import mask
from bot.web.webhook_metrics import Outcome
from handlers import intake
from handlers.conversation import Access, Conversation, Understanding
from handlers.router import dispatch
from handlers.types import Inbound, Kind, Reply
from storage import appeals, dedup, windows
from storage.db import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    """The reply XML, and how the message was answered (for /metrics)."""

    xml: str
    outcome: Outcome


def process(
    database: Database,
    understanding: Understanding,
    access: Access,
    inbound: Inbound,
    render: Callable[[Reply], str],
    clock: Clock,
) -> Answer:
    """The reply XML for a message: computed once, stored with its key, the same for every retry.

    The handling (appeal, audit events, dialogue state) and the claim of the message key with its reply
    commit together, so an acknowledged appeal is never lost. A retry's claim finds the key taken: its own
    handling rolls back and it answers with the stored reply. Nothing here calls out.
    """
    now = clock()
    inbound = intake.as_meant(inbound)  # 回复1 is 1: the 回复 of our "回复 1 加入" typed too
    # Pure and ~0.1 ms, but done outside the transaction: SQLite's write lock is not held while jieba runs.
    classification = intake.prepare(understanding, inbound)
    try:
        with database.transaction() as session:
            if inbound.kind is not Kind.EVENT:  # events open only a one-minute window (see storage.windows)
                windows.opened(session, inbound.openid, min(inbound.created_at, now))
            reply = dispatch(Conversation(session, inbound, now, understanding, access, classification))
            rendered = render(reply)
            if not dedup.claim(session, inbound.key, now, rendered):
                raise _AlreadyHandled
            outcome = _outcome(reply, appeals.filed_in(session))
    except _AlreadyHandled:
        log.info("duplicate message %s from %s: sending the stored reply", _short(inbound.key), mask(inbound.openid))
        with database.transaction() as session:
            return Answer(dedup.stored_reply(session, inbound.key) or render(Reply.silent()), Outcome.DUPLICATE)
    return Answer(rendered, outcome)


def _outcome(reply: Reply, filed: int) -> Outcome:
    if filed:
        return Outcome.APPEAL
    return Outcome.SILENT if reply.text is None else Outcome.REPLY


class _AlreadyHandled(Exception):
    """Raised inside the transaction to undo the handling of a message another request already answered."""


def _short(key: str) -> str:
    # Event keys embed the openid: log only the message id part.
    return key if key.startswith("msg:") else key.split(":")[0] + ":…"
