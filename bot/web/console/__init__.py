"""The operator console at /console: server-rendered pages in Chinese, for a laptop or a phone, every asset served
by gridbot itself.

guard.py holds what every request goes through (the operator, their scope, session expiry, CSRF, security
headers); auth.py logs in and out (lockout.py counts failures in Redis); pages.py holds the pages (the list's
filters in appeal_filters.py, one appeal's page in appeal_page.py); actions.py what an operator does to an appeal;
manage_org.py and manage_staff.py the organisation (tree, import, posters), staff and invite codes;
notices.py and notice_compose.py broadcast notices; manage_admin.py, manage_taxonomy.py and manage_faq.py 系统设置;
texts.py every word they say; templates/console/ the layout; static/ the stylesheet and vendored libraries
(ECharts, see static/vendor/README.md). dashboard.py holds 数据看板 (its charts in static/dashboard.js) and
rates_page.py 三率排名; community.py 党建与志愿 (enrolments, the roll, 微心愿, the month's 积分).
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from bot.settings import Settings

CONSOLE_PATH = "/console"


class ConsoleSessions(SecureCookieSessionInterface):
    """Only the console has a session. Every other request (each WeChat message, above all) skips reading cookies
    and building the cookie's signer: a null session, which Flask neither reads nor saves."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path != CONSOLE_PATH and not request.path.startswith(CONSOLE_PATH + "/"):
            return None
        return super().open_session(app, request)


def init_app(app: Flask, settings: Settings) -> None:
    """Register the console at /console and set up its signed session cookie."""
    from bot.web.console import (  # noqa: F401  (they register on the blueprint)
        actions,
        auth,
        community,
        dashboard,
        helpers,
        manage_admin,
        manage_faq,
        manage_org,
        manage_staff,
        manage_taxonomy,
        notice_compose,
        notices,
        pages,
        rates_page,
    )
    from bot.web.console.guard import blueprint

    app.secret_key = settings.secret_key
    app.session_interface = ConsoleSessions()
    app.config.update(
        SESSION_COOKIE_NAME="gridbot_console",
        SESSION_COOKIE_PATH=CONSOLE_PATH,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=(settings.public_url or "").lower().startswith("https://"),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.console_session_hours),
        # Pages renew the cookie themselves (the idle clock); a stylesheet must not carry a Set-Cookie into caches.
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    app.register_blueprint(blueprint, url_prefix=CONSOLE_PATH)
