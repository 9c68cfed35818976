"""The Flask app factory."""

from __future__ import annotations

import logging

from flask import Flask

from bot.privacy import configure_logging
from bot.settings import Settings
from bot.web import console, health, media, metrics, notice_page, webhook
from bot.web.runtime import Runtime

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    """A WSGI app serving the WeChat webhook, the photo links, the operator console, the health checks and the
    metrics; tests pass their own settings or runtime."""
    runtime = runtime or Runtime(settings or Settings.from_env())
    configure_logging(runtime.settings.log_level)
    runtime.settings.log_warnings(log)
    app = Flask(__name__)
    app.extensions["gridbot"] = runtime
    app.register_blueprint(webhook.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(metrics.blueprint)
    app.register_blueprint(media.blueprint)
    app.register_blueprint(notice_page.blueprint)
    console.init_app(app, runtime.settings)
    return app
