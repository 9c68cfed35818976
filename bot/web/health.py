"""GET /healthz and /healthz/all: whether gridbot can do its work, for load balancers, monitors and the demo.

- /healthz: this web host can take webhook traffic. 200 "ok" when the database and Redis answer and its disk has
  room; 503 "down: database" (or redis, or disk, or several) when not. A full disk answers every query and fails
  every write (SQLite's, the photos saved): below DISK_FREE_MIN of free space where the data directory (and a
  SQLite database) live, it is down. For the load balancer or proxy in front of the web hosts.
- /healthz/all: the whole service works: the same, plus at least one RQ worker with a current heartbeat on the
  gridbot queue (503 "down: workers"): without one, appeals are still acknowledged and stored, but nobody is told
  of them. For monitors and alerts, never for a load balancer: a missing worker is no reason to take a web host
  out of rotation (every web host would go, and WeChat's messages with them).
With `?detail=1` (operators): JSON with each dependency's status and reason, and the configuration warnings;
/healthz/all adds the queue's depths. The reasons name the hosts and ports behind gridbot: only clients that may
read /metrics (GRIDBOT_METRICS_ALLOW: this host and the private networks by default) get them; anyone else gets
the plain answer, with the same status. Never a secret or personal data: reasons are the drivers' first lines, which
name hosts and ports, not passwords. Cheap enough to poll: a `SELECT 1` outside any transaction and a PING (and a
few Redis reads), each bounded by the web process's timeouts.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any, Callable

import redis
from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy.engine import make_url

from bot import jobqueue
from bot.web.metrics import inside
from bot.web.runtime import Runtime
from storage.db import DatabaseUnavailable, first_line

log = logging.getLogger(__name__)
blueprint = Blueprint("health", __name__)
DETAIL = ("1", "true", "yes")
DISK_FREE_MIN = 200 * 2**20  # bytes: a day's logs, photos and WAL of a busy street fit
NO_WORKERS = "no RQ worker with a current heartbeat listens on the gridbot queue (is `gridbot worker` running?)"


@blueprint.get("/healthz")
def health() -> Response:
    """200 "ok", or 503 naming the dependencies that are down; `?detail=1` adds each one's status."""
    runtime: Runtime = current_app.extensions["gridbot"]
    return _answer(runtime, {"database": _database(runtime), "redis": _redis(runtime), "disk": _disk(runtime)})


@blueprint.get("/healthz/all")
def health_all() -> Response:
    """As /healthz, and the workers: 503 "down: workers" when no worker is alive; `?detail=1` adds the queue."""
    runtime: Runtime = current_app.extensions["gridbot"]
    redis_down = _redis(runtime)
    workers = f"unknown while Redis is down ({redis_down})" if redis_down else _workers(runtime)
    problems = {"database": _database(runtime), "redis": redis_down, "disk": _disk(runtime), "workers": workers}
    return _answer(runtime, problems, queue=lambda: None if redis_down else _depths(runtime))


def _answer(runtime: Runtime, problems: dict[str, str | None],
            queue: Callable[[], dict[str, Any] | None] | None = None) -> Response:
    down = [name for name, reason in problems.items() if reason]
    status = 503 if down else 200
    if request.args.get("detail") in DETAIL and inside(runtime, request):
        dependencies = {name: {"status": "down", "reason": reason} if reason else {"status": "ok"}
                        for name, reason in problems.items()}
        extra = {"queue": queue()} if queue is not None else {}
        response = jsonify(status="down" if down else "ok", dependencies=dependencies,
                           warnings=runtime.settings.warnings(), **extra)
        response.status_code = status
        return response
    return Response(f"down: {', '.join(down)}" if down else "ok", status=status, mimetype="text/plain")


def _database(runtime: Runtime) -> str | None:
    try:
        runtime.database.ping()
    except DatabaseUnavailable as error:
        return str(error)
    return None


def _redis(runtime: Runtime) -> str | None:
    try:
        runtime.redis().ping()
    except (redis.RedisError, OSError) as error:
        return first_line(error)
    return None


def _disk(runtime: Runtime) -> str | None:
    settings = runtime.settings
    places = [settings.data_dir]
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        places.append(Path(url.database).parent)
    for place in places:
        try:
            free = shutil.disk_usage(place).free
        except OSError as error:
            return f"{place}: {first_line(error)}"
        if free < DISK_FREE_MIN:
            return f"{free // 2**20} MiB free where {place} is (below {DISK_FREE_MIN // 2**20} MiB)"
    return None


def _workers(runtime: Runtime) -> str | None:
    try:
        alive = jobqueue.live_workers(runtime.redis())
    except (redis.RedisError, OSError) as error:
        return first_line(error)
    return None if alive else NO_WORKERS


def _depths(runtime: Runtime) -> dict[str, Any] | None:
    try:
        return {"name": jobqueue.QUEUE_NAME, **vars(jobqueue.depths(runtime.redis()))}
    except (redis.RedisError, OSError):
        return None
