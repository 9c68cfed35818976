"""GET /healthz: whether the webhook can answer, for load balancers, monitors and the demo's start-up wait.

200 "ok" when the database and Redis answer; 503 "down: database" (or redis, or both) when one does not. With
`?detail=1` (operators): JSON with each dependency's status and reason, and the configuration warnings. Never a
secret or personal data: reasons are the drivers' first lines, which name hosts and ports, not passwords. Cheap
enough to poll: a `SELECT 1` outside any transaction and a PING, each bounded by the web process's timeouts.
"""

from __future__ import annotations

import logging

import redis
from flask import Blueprint, Response, current_app, jsonify, request

from bot.web.runtime import Runtime
from storage.db import DatabaseUnavailable, first_line

log = logging.getLogger(__name__)
blueprint = Blueprint("health", __name__)
DETAIL = ("1", "true", "yes")


@blueprint.get("/healthz")
def health() -> Response:
    """200 "ok", or 503 naming the dependencies that are down; `?detail=1` adds each one's status."""
    runtime: Runtime = current_app.extensions["gridbot"]
    problems = {"database": _database(runtime), "redis": _redis(runtime)}
    down = [name for name, reason in problems.items() if reason]
    status = 503 if down else 200
    if request.args.get("detail") in DETAIL:
        dependencies = {name: {"status": "down", "reason": reason} if reason else {"status": "ok"}
                        for name, reason in problems.items()}
        response = jsonify(status="down" if down else "ok", dependencies=dependencies,
                           warnings=runtime.settings.warnings())
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
