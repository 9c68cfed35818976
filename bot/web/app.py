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
    return serving(routed_app(runtime.settings), runtime)


def routed_app(settings: Settings) -> Flask:
    """The app's routes, error pages and console cookie: what it is built of, from the settings (the secret key,
    the public URL and the console's session hours) but not yet serving any runtime."""
    app = Flask(__name__)
    app.url_map.converters["int"] = RowId  # before the first rule uses it
    app.register_blueprint(webhook.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(metrics.blueprint)
    app.register_blueprint(media.blueprint)
    app.register_blueprint(notice_page.blueprint)
    console.init_app(app, settings)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(MethodNotAllowed, _not_found)
    return app


def serving(app: Flask, runtime: Runtime) -> Flask:
    """`app` serving `runtime` (every view finds it in `app.extensions`), its bodies paced anew; the configuration's
    warnings logged. The tests give one routed app a new runtime per test: building it is most of an app's cost."""
    configure_logging(runtime.settings.log_level)
    runtime.settings.log_warnings(log)
    app.extensions["gridbot"] = runtime
    app.wsgi_app = PacedBodies(Flask.wsgi_app.__get__(app))  # type: ignore[method-assign]
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
