"""Repeated failed logins lock the account and the address out for a while, counted in Redis so that every
gunicorn worker counts together (as the replay guard and the callback-IP list do).

Failures are counted per typed username, whether or not such an account exists, so that a lock says nothing
of which accounts are real; and per client address, so that one machine trying many names is stopped too. An IPv6
address counts by its /64: a provider gives each customer (a home line, a cloud server) a whole /64, whose 2**64
addresses its owner may take in turn, each of them counting from zero.
Times come from the app's clock (tests move it); Redis expires the keys only to clean up.

An account's lock does not keep out the addresses it logged in from within KNOWN_FOR: anyone who has read an
operator's username (on a printed rota, in a forwarded mail) could otherwise lock them out of their own console
for good, five wrong passwords every fifteen minutes from anywhere. From those addresses the address lock still
counts, so guessing there stays bounded.
"""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

import redis

from bot.clock import Clock

PREFIX = "gridbot:console:"
KNOWN_FOR = 30 * 24 * 3600  # seconds an address the account logged in from stays out of the account's lock


@dataclass(frozen=True)
class Limits:
    """Failures allowed within the window, per account and per address, and how long a lock lasts."""

    per_account: int = 5
    per_address: int = 20
    window_s: int = 15 * 60
    lock_s: int = 15 * 60


class Lockout:
    """Counts failed logins and answers whether an account or an address is locked out now."""

    def __init__(self, client: Callable[[], redis.Redis], clock: Clock, limits: Limits = Limits()) -> None:
        self._client = client
        self._clock = clock
        self.limits = limits

    def locked(self, username: str, address: str) -> str | None:
        """Which lock refuses this attempt now ("account" or "address"), or None. Redis errors propagate: the
        caller refuses the login rather than let guessing run unchecked."""
        now = self._now()
        client = self._client()
        known_until = client.get(self._key("known", f"{username}:{network_of(address)}"))
        known = known_until is not None and float(known_until) > now
        for kind, key in (("account", self._key("lock:account", username)),
                          ("address", self._key("lock:address", network_of(address)))):
            if kind == "account" and known:
                continue  # the owner's own network: someone else's guesses elsewhere do not shut them out
            until = client.get(key)
            if until is not None and float(until) > now:
                return kind
        return None

    def first_refusal_this_minute(self, kind: str, username: str, address: str) -> bool:
        """Whether this is the first attempt refused by the `kind` lock on the account or address in this minute
        (of the app's clock). Attempts refused while locked cost nothing to send: each one written down would let
        anyone fill the log and the login record as fast as the network carries requests."""
        subject = username if kind == "account" else network_of(address)
        minute = int(self._now() // 60)
        key = self._key(f"refused:{kind}", f"{subject}:{minute}")
        return bool(self._client().set(key, 1, nx=True, ex=120))

    def failed(self, username: str, address: str) -> str | None:
        """Count a failure; the lock it brings about ("account" or "address"), or None."""
        now, limits = self._now(), self.limits
        client = self._client()
        found = None
        for kind, subject, limit in (("account", username, limits.per_account),
                                     ("address", network_of(address), limits.per_address)):
            key = self._key(f"failures:{kind}", subject)
            with client.pipeline() as pipe:
                pipe.zremrangebyscore(key, "-inf", now - limits.window_s)
                pipe.zadd(key, {uuid.uuid4().hex: now})
                pipe.zcard(key)
                pipe.expire(key, limits.window_s + 60)
                count = pipe.execute()[2]
            if count >= limit:
                client.set(self._key(f"lock:{kind}", subject), now + limits.lock_s, ex=limits.lock_s + 60)
                client.delete(key)
                found = found or kind
        return found

    def succeeded(self, username: str, address: str) -> None:
        """A correct password: the account's failures are forgotten (the address's are not), and the address is
        known to the account for KNOWN_FOR."""
        client = self._client()
        client.delete(self._key("failures:account", username))
        client.set(self._key("known", f"{username}:{network_of(address)}"), self._now() + KNOWN_FOR,
                   ex=KNOWN_FOR + 60)

    def _now(self) -> float:
        current: datetime = self._clock()
        return current.timestamp()

    @staticmethod
    def _key(kind: str, subject: str) -> str:
        return f"{PREFIX}{kind}:{subject}"


IPV6_CUSTOMER_PREFIX = 64


def network_of(address: str) -> str:
    """What the address lock counts for a client address: an IPv4 address itself, an IPv6 address's /64."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address  # "unknown": one subject, as before
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_CUSTOMER_PREFIX}", strict=False))
    return str(parsed)
