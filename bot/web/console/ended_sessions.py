"""Logins ended by 退出, remembered in Redis until they would have expired anyway.

A session is a signed cookie: clearing it in the browser does not void a copy of it (left on a shared computer,
read from a proxy or a stolen laptop), which would otherwise open the console until its idle timeout or lifetime.
Each login gets a random id; logging out writes that id here, and every request of a session checks it.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Callable

import redis

from bot.throttle import Throttle

log = logging.getLogger(__name__)
PREFIX = "gridbot:console:ended:"


class EndedSessions:
    """The ids of logins that were logged out and have not reached their own end yet."""

    def __init__(self, client: Callable[[], redis.Redis]) -> None:
        self._client = client

    def end(self, session_id: str, remaining_s: float) -> None:
        """Remember that the login `session_id` ended, for the `remaining_s` it could still have lasted."""
        try:
            self._client().set(_key(session_id), 1, ex=max(1, int(remaining_s) + 60))
        except redis.RedisError as error:
            log.error("console logout not remembered (Redis unreachable: %s): a copy of the cookie stays valid "
                      "until it expires", type(error).__name__)

    def ended(self, session_id: str) -> bool:
        """Whether the login was logged out. Without Redis it is taken as live (logged): the console keeps
        working for those logged in, as the action count does."""
        try:
            return bool(self._client().exists(_key(session_id)))
        except redis.RedisError as error:
            if _outage_log.ready():
                log.warning("console logouts not checked (Redis unreachable: %s)", type(error).__name__)
            return False


_outage_log = Throttle()


def _key(session_id: str) -> str:
    # The id itself opens nothing without the signed cookie, but a Redis dump need not hold it either.
    return PREFIX + hashlib.sha256(session_id.encode()).hexdigest()
