"""GET/POST /wechat: translate WeChat's HTTP into a call to the inbox and back, nothing else."""

from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, current_app, request

from bot.throttle import LineBudget
from bot.web.read_deadline import deadlines
from bot.web.runtime import Runtime
from bot.wechat.wire import WireError

log = logging.getLogger(__name__)
blueprint = Blueprint("wechat", __name__)
TEXT_XML = "application/xml; charset=utf-8"
# WeChat sends a body of a few hundred bytes with its headers; one still arriving after this is a slow client
# holding a server thread (WeChat itself gives up after 5 s).
BODY_DEADLINE_S = 2.0
_STATUS_TEXT = {400: "bad request", 403: "forbidden", 408: "request timeout", 413: "payload too large",
                503: "service unavailable"}
# Refusals logged a minute, per status: anyone can send forged requests as fast as the network carries them, one
# log line each filled the disk. Every refusal is still counted (gridbot_webhook_refused_total); a line says how
# many were left out before it.
REFUSALS_LOGGED_PER_MINUTE = 20


@blueprint.get("/wechat")
def verify() -> Response:
    """The URL check WeChat performs when the account's server is configured (from its callback servers too)."""
    runtime = _runtime()
    try:
        runtime.sources.check(request.remote_addr, request.headers.get("X-Forwarded-For"))
        checked = runtime.wire.verify_url(request.args)
        runtime.replay.spend(checked)
    except WireError as refused:
        return _refuse(refused)
    response = Response(checked.echo, mimetype="text/plain")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blueprint.post("/wechat")
def receive() -> Response:
    """A message or event: answer within WeChat's 5 seconds, with no outbound call on the way.

    Everything the peer and the query string decide is checked before the body is read, and the body is
    read against a deadline: a client that is not WeChat, or is slow, costs no more than that.
    """
    started = time.perf_counter()
    runtime = _runtime()
    try:
        runtime.sources.check(request.remote_addr, request.headers.get("X-Forwarded-For"))
        query = runtime.wire.check_query(request.args)
        body = _read_body(runtime.wire.max_body)
        decoded = runtime.wire.decode_body(query, body)
        runtime.replay.check(query, body)
    except WireError as refused:
        runtime.metrics.refused(refused.status, time.perf_counter() - started)
        return _refuse(refused)
    answer = runtime.handle(decoded)
    response = Response(runtime.wire.seal(answer.xml, decoded), mimetype=TEXT_XML)
    runtime.metrics.answered(answer.outcome, time.perf_counter() - started)
    return response


def _read_body(limit: int) -> bytes:
    """The body, if its announced length is within `limit` and it all arrives within BODY_DEADLINE_S."""
    length = request.content_length
    if length is None:
        if request.headers.get("Transfer-Encoding"):
            raise WireError(400, "chunked body without a Content-Length")
        length = 0  # HTTP/1.1: neither header means no body
    if length > limit:
        raise WireError(413, f"body over {limit} bytes")
    # The WSGI input itself, not Flask's wrapper (which raises on a short read): a short body is ours to judge.
    with deadlines.bounded(request.environ.get("gunicorn.socket"), BODY_DEADLINE_S):
        body = request.environ["wsgi.input"].read(length) if length else b""
    if len(body) < length:
        raise WireError(408, f"body incomplete after {BODY_DEADLINE_S:g}s ({len(body)} of {length} bytes)")
    return body


def _refuse(refused: WireError) -> Response:
    budget = _runtime().refusal_lines.setdefault(refused.status, LineBudget(REFUSALS_LOGGED_PER_MINUTE))
    left_out = budget.take()
    if left_out is not None:
        log.warning("webhook refused %s: %s (from %s)%s", refused.status, refused.reason, request.remote_addr,
                    f"; {left_out} more refused with {refused.status} before this one, not logged" if left_out else "")
    response = Response(_STATUS_TEXT.get(refused.status, "refused"), status=refused.status)
    if refused.status in (408, 413):
        response.headers["Connection"] = "close"  # the rest of the body is not worth reading
    return response


def _runtime() -> Runtime:
    return current_app.extensions["gridbot"]
