"""Who may POST to the webhook: WeChat's callback IP list (GRIDBOT_TRUSTED_SOURCES=wechat), behind trusted proxies.

The worker fetches the list from WeChat (`cgi-bin/getcallbackip`) at start and daily, and keeps it in Redis;
every web process reads it from there (and keeps it a minute). While Redis cannot give it (unreachable, or
emptied), a process goes on with the list it read last, for up to a day (the list changes seldom; the database is
what files a message), and logs once a minute that it does. A process that never read it -- one started during a
Redis outage, which is when a supervisor restarts things -- takes the copy every web process keeps in the data
directory (`wechat_callback_ips.json`), also for up to a day after it was last confirmed from Redis: refusing WeChat
would lose messages the database could file, while accepting every signed request would drop the restriction the
deployment asked for. Only a host that never read the list answers 503 (WeChat retries) and logs what is missing.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

import redis

from bot.settings import IPNetwork, Settings
from bot.throttle import Throttle
from bot.wechat.wire import WireError

log = logging.getLogger(__name__)
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
CACHE_S = 60.0
# While Redis is unreachable: how long the last list read stays in use (the worker refreshes it daily).
STALE_MAX_S = 24 * 3600.0
OUTAGE_ASK_S = 10.0  # ... and how often it is asked again meanwhile
SAVED_NAME = "wechat_callback_ips.json"  # the copy in the data directory, for a process started without Redis


def callback_ips_key(appid: str) -> str:
    """The Redis key of an account's callback IP list."""
    return f"gridbot:wechat:{appid}:callback_ips"


def callback_ips_stored(client: redis.Redis, appid: str) -> bool:
    """Whether the account's callback IP list is in Redis, readable (the webhook cannot check sources without it)."""
    return stored_networks(client.get(callback_ips_key(appid))) is not None


def stored_networks(raw: bytes | str | None) -> tuple[IPNetwork, ...] | None:
    """The networks of a list as kept in Redis; None when there is none or it cannot be read (not JSON, no
    entries, none usable: written by hand, or by something else sharing the Redis)."""
    try:
        networks, _invalid = parse_networks(json.loads(raw)["entries"]) if raw is not None else ((), [])
    except (ValueError, KeyError, TypeError):
        return None
    return networks or None


def parse_networks(entries: Iterable[str]) -> tuple[tuple[IPNetwork, ...], list[str]]:
    """IP addresses and CIDR ranges as networks, and the entries that are neither."""
    networks, invalid = [], []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            invalid.append(str(entry)[:64])
    return tuple(networks), invalid


def store_callback_ips(client: redis.Redis, appid: str, entries: list[str], fetched_at: datetime,
                       data_dir: Path | None = None) -> int:
    """Keep the list WeChat gave (its valid entries) for every web process (in Redis, and a copy in `data_dir` for
    the web processes of this host); returns how many were kept.

    No expiry: a refresh that fails keeps yesterday's list, which beats refusing WeChat altogether.
    """
    networks, invalid = parse_networks(entries)
    if invalid:
        log.warning("WeChat's callback IP list has %d entries that are not IPs or CIDR ranges: %s",
                    len(invalid), ", ".join(invalid[:5]))
    if not networks:
        raise ValueError("WeChat's callback IP list holds no usable entry")
    value = {"fetched_at": fetched_at.isoformat(), "entries": [str(network) for network in networks]}
    client.set(callback_ips_key(appid), json.dumps(value))
    if data_dir is not None:
        try:
            keep_copy(data_dir, appid, json.dumps(value))
        except OSError as error:
            log.warning("could not keep WeChat's callback IP list in %s: %s", data_dir, error)
    return len(networks)


def keep_copy(data_dir: Path, appid: str, raw: bytes | str) -> None:
    """Write the list as stored in Redis to the data directory, for a web process started while Redis is down."""
    value = json.dumps({"appid": appid, **json.loads(raw)}).encode()
    handle, temporary = tempfile.mkstemp(dir=data_dir, prefix=".callback-ips-")  # 0600, like the other data
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(value)
        os.replace(temporary, Path(data_dir) / SAVED_NAME)  # whole files only: a reader never sees half of one
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class SourceCheck:
    """Refuses peers that are not WeChat's callback servers (when the setting asks for it)."""

    def __init__(self, settings: Settings, client: Callable[[], redis.Redis],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.enabled = settings.trusted_sources == "wechat"
        self._proxies = settings.trusted_proxies
        self._appid = settings.wechat_appid
        self._key = callback_ips_key(settings.wechat_appid)
        self._saved_path = Path(settings.data_dir) / SAVED_NAME
        self._saved_raw: bytes | None = None  # what this process last wrote there
        self._client = client
        self._cached: tuple[float, tuple[IPNetwork, ...]] | None = None
        self._ask_after = 0.0  # while Redis is unreachable: when to ask it again
        self._lock = threading.Lock()
        self._clock = clock
        self._missing_log = Throttle()
        self._stale_log = Throttle()
        self._save_log = Throttle(3600.0)

    def check(self, peer: str | None, forwarded_for: str | None) -> None:
        """Raise WireError 403 for a peer outside the list, 503 while the list is unknown."""
        if not self.enabled:
            return
        address = self.client_address(peer, forwarded_for)
        if address is None:
            raise WireError(403, "request from an unparsable address")
        if not any(address in network for network in self._allowed()):
            if forwarded_for is not None and address == _address(peer):
                # Most often our own nginx, missing from the setting: every WeChat message is refused until it is
                # added, and the log must say so rather than blame the (proxy's) address.
                raise WireError(403, f"request from {address}, not one of WeChat's callback IPs; it forwarded for "
                                     f"{forwarded_for.split(',')[-1].strip()[:64]}: if {address} is your reverse "
                                     "proxy, add it to GRIDBOT_TRUSTED_PROXIES")
            raise WireError(403, f"request from {address}, not one of WeChat's callback IPs")

    def client_address(self, peer: str | None, forwarded_for: str | None) -> IPAddress | None:
        """The peer, or behind a trusted proxy the right-most X-Forwarded-For address that is not a proxy."""
        address = _address(peer)
        if address is None or forwarded_for is None or not self._trusted_proxy(address):
            return address
        hops = [part.strip() for part in forwarded_for.split(",")]
        for hop in reversed(hops):
            address = _address(hop)
            if address is None or not self._trusted_proxy(address):
                return address
        return address  # every hop was one of our proxies: the left-most is the closest to the client

    def trusted_proxy(self, peer: str | None) -> bool:
        """Whether the peer is one of GRIDBOT_TRUSTED_PROXIES (whose X-Forwarded-For is believed)."""
        address = _address(peer)
        return address is not None and self._trusted_proxy(address)

    def _trusted_proxy(self, address: IPAddress) -> bool:
        return any(address in network for network in self._proxies)

    def _allowed(self) -> tuple[IPNetwork, ...]:
        now = self._clock()
        with self._lock:
            cached, ask_after = self._cached, self._ask_after
        if cached is not None and (now - cached[0] < CACHE_S or now < ask_after) and now - cached[0] < STALE_MAX_S:
            return cached[1]
        try:
            raw = self._client().get(self._key)
        except (redis.RedisError, OSError) as error:
            # Nor should each message wait for an unreachable Redis (up to a second, bot.redisconn.connect_for_web).
            networks = self._last_known(now, cached, f"Redis is unavailable ({type(error).__name__})")
            with self._lock:
                self._ask_after = now + OUTAGE_ASK_S
            return networks
        networks = stored_networks(raw)
        if networks is None:
            return self._last_known(now, cached, "it is not in Redis" if raw is None else "its value in Redis "
                                    "cannot be read (the worker fetches it again within half a minute)")
        with self._lock:
            self._cached = (now, networks)
        self._save(raw)
        return networks

    def _last_known(self, now: float, cached: tuple[float, tuple[IPNetwork, ...]] | None,
                    why: str) -> tuple[IPNetwork, ...]:
        """The list read last (by this process, else the copy on disk) if under a day old; else WireError 503."""
        if cached is None:  # started without Redis: what another process of this host read (and confirmed) last
            cached = self._load(now)
            with self._lock:
                self._cached = cached
        if cached is not None and now - cached[0] < STALE_MAX_S:
            if self._stale_log.ready():
                log.warning("%s: checking sources against WeChat's callback IP list read %d s ago, for up to %d s "
                            "more", why, now - cached[0], STALE_MAX_S - (now - cached[0]))
            return cached[1]
        self._log_missing(f"{why}, and this host has not read it within a day: the worker fetches it at start "
                          "(is `gridbot worker` running, with WECHAT_SECRET set?)")
        raise WireError(503, f"WeChat's callback IP list is unavailable ({why})")

    def _load(self, now: float) -> tuple[float, tuple[IPNetwork, ...]] | None:
        """The copy in the data directory, dated (on this process's clock) when it was last confirmed from Redis."""
        try:
            age = max(0.0, time.time() - self._saved_path.stat().st_mtime)
            raw = self._saved_path.read_bytes()
            ours = json.loads(raw).get("appid") == self._appid  # a copy left by another account's deployment: none
        except (OSError, ValueError, AttributeError):
            return None
        networks = stored_networks(raw) if ours else None
        return (now - age, networks) if networks else None

    def _save(self, raw: bytes) -> None:
        """Keep the list read from Redis in the data directory, or mark the copy there as confirmed just now."""
        try:
            if raw == self._saved_raw and self._saved_path.is_file():
                os.utime(self._saved_path)
                return
            keep_copy(self._saved_path.parent, self._appid, raw)
            self._saved_raw = raw
        except OSError as error:
            if self._save_log.ready():
                log.warning("could not keep WeChat's callback IP list in %s (a web process started while Redis is "
                            "down will answer 503): %s", self._saved_path, error)

    def _log_missing(self, why: str) -> None:
        if self._missing_log.ready():
            log.error("GRIDBOT_TRUSTED_SOURCES=wechat needs WeChat's callback IP list, but %s", why)


def _address(text: str | None) -> IPAddress | None:
    try:
        address = ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None
    # An IPv4 peer seen through an IPv6 socket: compare it as IPv4.
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return mapped or address
