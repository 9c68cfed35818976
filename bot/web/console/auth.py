"""Logging in and out of the console.

Every attempt leaves an English log line and a row in the login record (`storage.console_users.attempt`,
listed by a 管理员 at /console/logins): who was typed, from where, and what came of it. The person at the page hears
only "wrong username or password" or "locked, try later", never which accounts exist.
"""

from __future__ import annotations

import logging

import redis
from flask import Response, g, redirect, render_template, request, url_for

from bot.privacy import redact
from bot.web.console import texts
from bot.web.console.guard import blueprint, end_session, runtime, safe_next, start_session
from bot.web.console.lockout import Lockout
from storage import console_users
from storage.db import first_line

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
        log.error("console login of %r from %s refused: the lockout counters are unreachable (%s: %s)",
                  redact(typed), address, type(error).__name__, first_line(error))
        return _again(texts.LOGIN_UNAVAILABLE, 503)
    if locked:
        if _first_refusal_this_minute(counters, locked, typed, address):
            log.warning("console login refused unchecked, %s locked: %r from %s (further ones this minute not "
                        "recorded)", locked, redact(typed), address)
            with runtime().database.transaction() as db:
                console_users.refused_locked(db, typed, address, locked, runtime().clock())
        return _again(texts.LOGIN_LOCKED.format(minutes=counters.limits.lock_s // 60), 429)
    with runtime().database.transaction() as db:
        user, why = console_users.attempt(db, typed, password, address, runtime().clock())
        if user is not None:
            start_session(user, runtime().clock())
            log.info("console login: %r (account %s) from %s", redact(typed), user.id, address)
    if user is not None:
        counters.succeeded(typed, address)
        return redirect(safe_next(request.form.get("next")))  # type: ignore[return-value]
    log.warning("console login failed (%s): %r from %s", why, redact(typed), address)
    return _failed(counters, typed, address)


def _first_refusal_this_minute(counters: Lockout, locked: str, typed: str, address: str) -> bool:
    try:
        return counters.first_refusal_this_minute(locked, typed, address)
    except redis.RedisError:
        return True  # Redis answered the lock a moment ago: a hiccup now, so keep the record whole


def _failed(counters: Lockout, typed: str, address: str) -> tuple[str, int]:
    """Count the failure; the answer is the same whatever failed, and says when it brought about a lock."""
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
    # The username as typed stays in its field: on a phone only the password is typed again.
    return render_template("console/login.html", error=message, next=request.form.get("next", ""),
                           username=request.form.get("username", "")[:64]), status


@blueprint.post("/logout")
def logout() -> Response:
    """End the session, a copy of its cookie too (the form carries the CSRF token: a link elsewhere cannot log
    the operator out)."""
    if g.operator is not None:
        log.info("console logout: account %s", g.operator.id)
    end_session(runtime().clock())
    return redirect(url_for("console.login", out=1))  # type: ignore[return-value]


def client_address() -> str:
    """The client's address: the peer, or behind a trusted proxy (GRIDBOT_TRUSTED_PROXIES) the one it names."""
    found = runtime().sources.client_address(request.remote_addr, request.headers.get("X-Forwarded-For"))
    return str(found) if found is not None else "unknown"

