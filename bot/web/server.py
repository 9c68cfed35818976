"""gunicorn in-process: `gridbot serve` without a separate config file."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from subprocess import SubprocessError
from typing import Any, Callable

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger as GunicornLogger

from bot.privacy import PrivateFormatter
from bot.redisconn import redis_url
from bot.settings import Settings

log = logging.getLogger(__name__)
# Threads per worker process. A thread is held by one request at a time; a client trickling its body holds
# one for at most the webhook's body deadline (2 s), so a dozen slow clients still leave threads for WeChat.
# A request holds a database connection while its transaction runs (storage/db.py hands the threads the most
# recently used one in turn), and on PostgreSQL another for a moment to number an appeal (`Database.aside`): at
# most two a thread, within storage/db.py's pool (5 + 25 overflow).
THREADS = 12
# How long a stop waits for requests in flight before it kills the workers still running.
GRACEFUL_S = 6
KEEPALIVE_S = 2  # seconds an idle kept-alive connection may wait for its next request
# Web processes when `gridbot serve --workers` is not given. On SQLite one: a process handles one message at a time
# anyway, and a second only contends for SQLite's one write lock and finds SQLite's page cache emptied by the other's
# writes (bench/dispatch_latency.py at 150/s: 8.0 against 8.6 ms of CPU per appeal, reply p95 0.17 against 0.29 s).
# PostgreSQL takes writers side by side: two, and more on a bigger host (docs/deploy.md).
SQLITE_WEB_PROCESSES, WEB_PROCESSES = 1, 2
FAKE_API_THREADS = 32
FAKE_API_KEEPALIVE_S = 60


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Callable[[], Any], options: dict[str, Any]) -> None:
        self.app = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.app()


class PrivateGunicornLogger(GunicornLogger):  # type: ignore[misc]
    """gunicorn's own lines, redacted like gridbot's: they bypass the root logger, and name a request's path (a
    photo link's token at DEBUG) or, on an unhandled error, its URI with WeChat's query (the sender's openid)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(PrivateFormatter(self.error_fmt, self.datefmt))


def default_workers(settings: Settings) -> int:
    """Web processes for a `gridbot serve` not told how many: fewer on SQLite (see SQLITE_WEB_PROCESSES)."""
    from storage.db import is_sqlite_url

    return SQLITE_WEB_PROCESSES if is_sqlite_url(settings.database_url) else WEB_PROCESSES


def metrics_directory(settings: Settings) -> Path:
    """A new directory for this run's metrics files: in systemd's RuntimeDirectory= when the unit gives one (files
    in /tmp unused for 10 days are removed by systemd-tmpfiles, and a worker whose file went was counted nowhere),
    else in the system's temporary directory."""
    return Path(tempfile.mkdtemp(prefix="gridbot-metrics-", dir=settings.runtime_dir))


def run_gunicorn(settings: Settings, host: str, port: int, workers: int) -> None:
    """Serve the webhook; jieba and the taxonomy load once, before the workers fork."""
    # Imported here: `gridbot fake-wechat` serves through this module too, and needs none of the app.
    from bot.web.app import create_app
    from bot.web.runtime import Runtime
    from bot.web.webhook_metrics import enable_multiprocess

    # Each worker counts its webhook metrics into a file of this run's own directory (see bot.web.webhook_metrics);
    # the runtime makes the metrics, so this comes first. A directory per run: two servers on a host never mix.
    metrics_dir = metrics_directory(settings)
    master = os.getpid()
    enable_multiprocess(metrics_dir)
    runtime = Runtime(settings)
    try:
        redis_url(settings)  # start the embedded Redis (the replay guard's) now, not in a worker's first request
    except (OSError, RuntimeError, SubprocessError) as error:
        # Each request then meets the outage as the replay guard's mode says (safe goes on, plain refuses).
        log.error("cannot start the embedded Redis: %s", error)
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        # Threads: a slow client ties up a thread, not the whole worker (sync workers read a body with one
        # thread and no deadline). Idle and kept-alive connections wait in the worker's poller, not in a thread.
        "worker_class": "gthread",
        "threads": THREADS,
        # A worker that has not checked in for 10 s is stuck, not slow (WeChat gives up after 5 s).
        "timeout": 10,
        # A stop lets requests in flight finish (a webhook request is over within WeChat's 5 s), then kills what is
        # left. A worker forked just as a stop began can miss its signal (it still runs the arbiter's handlers until
        # it sets its own): gunicorn's 30 s default kept such a stop waiting, and the demo, which kills the
        # arbiter after 10 s, left that worker holding the port.
        "graceful_timeout": GRACEFUL_S,
        "keepalive": KEEPALIVE_S,
        "preload_app": True,
        "accesslog": None,
        # gunicorn 27's control socket defaults to one path per user: two servers on a host would fight over it.
        "control_socket_disable": True,
        "loglevel": settings.log_level.lower(),
        "logger_class": PrivateGunicornLogger,
        # Connections opened before the fork must not be shared by the workers.
        "post_fork": lambda _server, _worker: runtime.database.dispose(),
    }
    try:
        _Gunicorn(lambda: create_app(runtime=runtime), options).run()
    finally:
        # gunicorn ends each forked worker with sys.exit, which unwinds through here too: only the master, on its
        # way out, removes the directory; a worker that stopped took every other's files with it (HTTP 500 for
        # every message until a restart).
        if os.getpid() == master:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def run_fake_api(app: Any, host: str, port: int) -> None:
    """Serve `gridbot fake-wechat`'s app as WeChat's API servers answer: connections kept alive between calls
    (werkzeug's server closed each one, so every call paid a new TCP connection on both sides). One process: the
    fake's records live in its memory. Threads: a call the fake delays (an injected timeout) holds one."""
    _Gunicorn(lambda: app, {
        "bind": f"{host}:{port}", "workers": 1, "worker_class": "gthread", "threads": FAKE_API_THREADS,
        "keepalive": FAKE_API_KEEPALIVE_S, "timeout": 30, "graceful_timeout": 2, "preload_app": True,
        "accesslog": None,  # an access line would carry the access_token and secrets of the query string
        "control_socket_disable": True, "loglevel": "warning",
    }).run()
