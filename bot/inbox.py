"""One inbound message, once: claim its key, let the conversation answer, store the reply, commit."""

from __future__ import annotations

import logging
from typing import Callable

from bot.clock import Clock
from bot.privacy import mask
from handlers.conversation import Conversation, Understanding
from handlers.router import dispatch
from handlers.types import Inbound, Reply
from storage import dedup
from storage.db import Database

log = logging.getLogger(__name__)


def process(
    database: Database,
    understanding: Understanding,
    inbound: Inbound,
    render: Callable[[Reply], str],
    clock: Clock,
) -> str:
    """The reply XML for a message: computed once, stored with its key, the same for every retry.

    Everything (dedup claim, appeal, audit events, outbox rows, stored reply) commits together, so an
    acknowledged appeal is never lost and a retry never files a second one. Nothing here calls out.
    """
    now = clock()
    with database.transaction() as session:
        if not dedup.claim(session, inbound.key, now):
            log.info("duplicate message %s from %s: sending the stored reply", _short(inbound.key), mask(inbound.openid))
            return dedup.stored_reply(session, inbound.key) or render(Reply.silent())
        reply = dispatch(Conversation(session, inbound, now, understanding))
        rendered = render(reply)
        dedup.record_reply(session, inbound.key, rendered)
    return rendered


def _short(key: str) -> str:
    # Event keys embed the openid: log only the message id part.
    return key if key.startswith("msg:") else key.split(":")[0] + ":…"
