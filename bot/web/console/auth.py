"""Logging in and out of the console.

Every attempt leaves an English log line and a row in the login record (`storage.console_users.record_login`,
listed by a 管理员 at /console/logins): who was typed, from where, and what came of it. The person at the page hears
only "wrong username or password" or "locked, try later", never which accounts exist.
"""

from __future__ import annotations

import logging

import redis
from flask import Response, g, redirect, render_template, request, session, url_for

from bot.privacy import redact
from bot.web.console import texts
from bot.web.console.guard import blueprint, runtime, safe_next, start_session
from bot.web.console.lockout import Lockout
from storage import console_users
from storage.models import LoginOutcome

log = logging.getLogger(__name__)


def lockout() -> Lockout:
    """The lockout counters of this app (one per runtime)."""
    return Lockout(runtime().redis, runtime().clock)


@blueprint.get("/login")
def login() -> Response | str:
    """The login page (a logged-in operator goes straight on)."""
    if g.operator is not None:
        return redirect(safe_next(request.args.get("next")))  # type: ignore[return-value]
    notice = texts.LOGIN_EXPIRED if request.args.get("expired") else texts.LOGGED_OUT if request.args.get("out") \
        else None
    return render_template("console/login.html", notice=notice, next=request.args.get("next", ""))


@blueprint.post("/login")
def login_submit() -> Response | tuple[str, int]:
    """Check the password; on success a fresh session and the page asked for."""
    typed = console_users.normalize_username(request.form.get("username", ""))[:64]
    password = request.form.get("password", "")
    address = client_address()
    counters = lockout()
    try:
        locked = counters.locked(typed, address)
    except redis.RedisError as error:
        log.error("console login of %r from %s refused: the lockout counters are unreachable (%s)",
                  redact(typed), address, type(error).__name__)
        return _again(texts.LOGIN_UNAVAILABLE, 503)
    if locked:
        _record(typed, None, address, LoginOutcome.LOCKED, locked)
        return _again(texts.LOGIN_LOCKED.format(minutes=counters.limits.lock_s // 60), 429)
    with runtime().database.transaction() as db:
        user, why = console_users.authenticate(db, typed, password)
        if user is None:
            existing = db.scalars(console_users.select_id(typed)).first()
            console_users.record_login(db, typed, existing, address, LoginOutcome.FAILURE, why, runtime().clock())
        else:
            console_users.record_login(db, typed, user.id, address, LoginOutcome.SUCCESS, why, runtime().clock())
            start_session(user, runtime().clock())
            log.info("console login: %r (account %s) from %s", redact(typed), user.id, address)
    if user is not None:
        counters.succeeded(typed)
        return redirect(safe_next(request.form.get("next")))  # type: ignore[return-value]
    log.warning("console login failed (%s): %r from %s", why, redact(typed), address)
    try:
        now_locked = counters.failed(typed, address)
    except redis.RedisError as error:
        log.error("console login failures of %r not counted: Redis unreachable (%s)", redact(typed),
                  type(error).__name__)
        now_locked = None
    if now_locked:
        log.warning("console login locked (%s) after repeated failures: %r from %s", now_locked, redact(typed),
                    address)
        return _again(texts.LOGIN_LOCKED.format(minutes=counters.limits.lock_s // 60), 429)
    return _again(texts.LOGIN_FAILED, 401)


def _again(message: str, status: int) -> tuple[str, int]:
    return render_template("console/login.html", error=message, next=request.form.get("next", "")), status


def _record(typed: str, user_id: int | None, address: str, outcome: LoginOutcome, detail: str) -> None:
    log.warning("console login refused unchecked, %s locked: %r from %s", detail, redact(typed), address)
    with runtime().database.transaction() as db:
        existing = db.scalars(console_users.select_id(typed)).first()
        console_users.record_login(db, typed, user_id or existing, address, outcome, detail, runtime().clock())


@blueprint.post("/logout")
def logout() -> Response:
    """End the session (the form carries the CSRF token: a link elsewhere cannot log the operator out)."""
    if g.operator is not None:
        log.info("console logout: account %s", g.operator.id)
    session.clear()
    return redirect(url_for("console.login", out=1))  # type: ignore[return-value]


def client_address() -> str:
    """The client's address: the peer, or behind a trusted proxy (GRIDBOT_TRUSTED_PROXIES) the one it names."""
    found = runtime().sources.client_address(request.remote_addr, request.headers.get("X-Forwarded-For"))
    return str(found) if found is not None else "unknown"

