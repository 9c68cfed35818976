"""GET/POST /wechat: translate WeChat's HTTP into a call to the inbox and back, nothing else."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, jsonify, request

from bot.runtime import Runtime
from bot.wire import WireError

log = logging.getLogger(__name__)
blueprint = Blueprint("wechat", __name__)
TEXT_XML = "application/xml; charset=utf-8"


@blueprint.get("/wechat")
def verify() -> Response:
    """The URL check WeChat performs when the account's server is configured."""
    try:
        echo = _runtime().wire.verify_url(request.args)
    except WireError as refused:
        return _refuse(refused)
    return Response(echo, mimetype="text/plain")


@blueprint.post("/wechat")
def receive() -> Response:
    """A message or event: answer within WeChat's 5 seconds, with no outbound call on the way."""
    runtime = _runtime()
    body = request.stream.read(runtime.wire.max_body + 1)
    try:
        decoded = runtime.wire.decode(request.args, body)
    except WireError as refused:
        return _refuse(refused)
    plaintext = runtime.handle(decoded)
    return Response(runtime.wire.seal(plaintext, decoded), mimetype=TEXT_XML)


@blueprint.get("/healthz")
def health() -> Response:
    """Liveness for load balancers and the demo's start-up wait; `?detail=1` adds the configuration warnings
    (JSON; no secrets, no personal data)."""
    if request.args.get("detail") in ("1", "true", "yes"):
        return jsonify(status="ok", warnings=_runtime().settings.warnings())
    return Response("ok", mimetype="text/plain")


def _refuse(refused: WireError) -> Response:
    log.warning("webhook refused %s: %s (from %s)", refused.status, refused.reason, request.remote_addr)
    return Response("forbidden" if refused.status == 403 else "bad request", status=refused.status)


def _runtime() -> Runtime:
    return current_app.extensions["gridbot"]
