"""The Flask app factory."""

from __future__ import annotations

import logging

from flask import Flask, Response
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import IntegerConverter

from bot.privacy import configure_logging
from bot.settings import Settings
from bot.web import console, health, media, metrics, notice_page, webhook
from bot.web.paced_bodies import PacedBodies
from bot.web.runtime import Runtime
from handlers import notice_texts
from storage.typed_ids import MAX_ID

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    """A WSGI app serving the WeChat webhook, the photo links, the operator console, the health checks and the
    metrics; tests pass their own settings or runtime."""
    runtime = runtime or Runtime(settings or Settings.from_env())
    configure_logging(runtime.settings.log_level)
    runtime.settings.log_warnings(log)
    app = Flask(__name__)
    app.url_map.converters["int"] = RowId  # before the first rule uses it
    app.extensions["gridbot"] = runtime
    app.register_blueprint(webhook.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(metrics.blueprint)
    app.register_blueprint(media.blueprint)
    app.register_blueprint(notice_page.blueprint)
    console.init_app(app, runtime.settings)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(MethodNotAllowed, _not_found)
    app.wsgi_app = PacedBodies(app.wsgi_app)  # type: ignore[method-assign]
    return app


def _not_found(_error: HTTPException) -> Response:
    """An address nothing answers (the console's own pages have theirs): a line in Chinese, not Flask's English."""
    response = Response(notice_texts.PAGE_NOT_FOUND, status=404, mimetype="text/html")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


class RowId(IntegerConverter):
    """`<int:…>` in a route is a row's id: a number past what the id columns hold (storage.typed_ids.MAX_ID) is no
    page (404), not an overflow in the query (500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # type: ignore[no-untyped-def]
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
