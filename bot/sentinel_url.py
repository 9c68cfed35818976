"""`redis+sentinel://` URLs: Redis behind Sentinel, in the one variable GRIDBOT_REDIS_URL.

    redis+sentinel://[:password@]host:port[,host:port...]/service[/db]

The hosts are the Sentinels (26379 when a port is left out); `service` is the name they monitor the primary under
(`sentinel monitor <service> …`); the password, if any, is the primary's and its replicas' (`requirepass`), not the
Sentinels' own. The same spelling as Celery's and Kombu's `sentinel://` list, so an IT department writes it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

SCHEME = "redis+sentinel"
DEFAULT_PORT = 26379


@dataclass(frozen=True)
class SentinelAddress:
    sentinels: tuple[tuple[str, int], ...]
    service: str
    db: int = 0
    password: str | None = None


def is_sentinel(url: str) -> bool:
    return url.startswith(f"{SCHEME}://")


def parse(url: str) -> SentinelAddress:
    """The parts of a redis+sentinel URL; ValueError with the reason (never the password) when it is not one."""
    parts = urlsplit(url)
    if parts.scheme != SCHEME:
        raise ValueError(f"not a {SCHEME}:// URL")
    hosts = parts.netloc.rpartition("@")[2]
    sentinels = tuple(_host_port(item) for item in hosts.split(","))
    path = [segment for segment in parts.path.split("/") if segment]
    if not path or len(path) > 2:
        raise ValueError("give the service name the Sentinels monitor, and optionally the db: …/service[/db]")
    if len(path) == 2 and not path[1].isdigit():
        raise ValueError(f"the db must be a number, got {path[1]!r}")
    password = unquote(parts.password) if parts.password else None
    return SentinelAddress(sentinels, unquote(path[0]), int(path[1]) if len(path) == 2 else 0, password)


def _host_port(item: str) -> tuple[str, int]:
    item = item.strip()
    host, _, port = item.rpartition(":") if ":" in item else (item, "", str(DEFAULT_PORT))
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"each Sentinel must be host:port, got {item!r}")
    return host, int(port)
