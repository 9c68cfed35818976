"""GET /metrics: Prometheus' view of gridbot, for whoever GRIDBOT_METRICS_ALLOW and GRIDBOT_METRICS_TOKEN let in.

Two sources: the webhook's latency and answers, counted by each web process (bot.web.webhook_metrics), and what
the scrape works out from the shared database and Redis (bot.web.scrape). No personal data: labels are fixed sets
(an outcome, a state, a kind, an errcode), never an openid or free text. Operators may still keep it private:
- GRIDBOT_METRICS_ALLOW (comma-separated addresses or CIDR ranges; by default this host and the private networks):
  the client must be in one of them. Behind a proxy named in GRIDBOT_TRUSTED_PROXIES the client is the address it
  forwards; a request forwarded by any other proxy is refused, as its client cannot be known (nginx on the same
  host would otherwise pass every public request off as local).
- GRIDBOT_METRICS_TOKEN: when set, the request must also carry `Authorization: Bearer <token>` (401 without).
"""

from __future__ import annotations

import hmac
import logging
from typing import Iterator

from flask import Blueprint, Request, Response, current_app, request
from prometheus_client.core import Metric
from prometheus_client.exposition import choose_encoder

from bot.throttle import Throttle
from bot.web.runtime import Runtime
from bot.web.scrape import Scrape

log = logging.getLogger(__name__)
blueprint = Blueprint("metrics", __name__)
_refusal_log = Throttle()


@blueprint.get("/metrics")
def metrics() -> Response:
    """The metrics in the format the scraper asks for; 403 outside the allowed networks, 401 without the token."""
    runtime: Runtime = current_app.extensions["gridbot"]
    refusal = _refusal(runtime, request)
    if refusal is not None:
        return refusal
    # The format Prometheus asks for (its Accept header): the text format, or OpenMetrics.
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    return Response(encode(_Everything(runtime)), headers={"Content-Type": content_type})


class _Everything:
    """One scrape: the webhook's counts, then the shared state."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def collect(self) -> Iterator[Metric]:
        for source in self._runtime.metrics.sources():
            yield from source.collect()
        yield from Scrape(self._runtime).collect()


def inside(runtime: Runtime, req: Request) -> bool:
    """Whether the client is within GRIDBOT_METRICS_ALLOW (as the module docstring says): who may read the
    service's internals, /metrics and /healthz?detail=1."""
    return _outsider(runtime, req) is None


def _outsider(runtime: Runtime, req: Request) -> str | None:
    """Why the client is not within GRIDBOT_METRICS_ALLOW (for the log), or None when it is."""
    forwarded = req.headers.get("X-Forwarded-For")
    address = runtime.sources.client_address(req.remote_addr, forwarded)
    proxied_blindly = forwarded is not None and not runtime.sources.trusted_proxy(req.remote_addr)
    if address is None or proxied_blindly or not any(address in network for network in runtime.settings.metrics_allow):
        return f"from {address or req.remote_addr}" + (" (forwarded by an untrusted proxy)" if proxied_blindly else "")
    return None


def _refusal(runtime: Runtime, req: Request) -> Response | None:
    settings = runtime.settings
    outsider = _outsider(runtime, req)
    if outsider is not None:
        _log_refusal(outsider)
        return Response("forbidden", status=403, mimetype="text/plain")
    address = runtime.sources.client_address(req.remote_addr, req.headers.get("X-Forwarded-For"))
    if settings.metrics_token is not None:
        given = req.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), settings.metrics_token.encode()):
            _log_refusal(f"from {address}: no or wrong bearer token")
            return Response("unauthorized", status=401, mimetype="text/plain",
                            headers={"WWW-Authenticate": 'Bearer realm="gridbot metrics"'})
    return None


def _log_refusal(why: str) -> None:
    if _refusal_log.ready():
        log.warning("/metrics refused a scrape %s", why)
