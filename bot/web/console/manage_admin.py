"""系统设置 (settings) of the console: the operator accounts and the template ids (管理员), beside the taxonomy
(manage_taxonomy.py) and the FAQ (manage_faq.py); the four pages share the tabs of taxonomy_tabs.html.

Accounts follow `gridbot user` exactly (storage/console_users.py: the same username, scope and password rules),
with two guards of storage/operator_accounts.py: nobody disables their own account here, and never the last
active 管理员. A success returns to the list (a reload repeats nothing); a refusal is one Chinese line on it.
"""

from __future__ import annotations

import logging

from flask import g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from bot.web.console import texts
from bot.web.console.guard import admin_only, blueprint, runtime
from handlers import notifications
from storage import console_users, operator_accounts
from storage.console_users import InvalidAccount, WeakPassword
from storage.errors import NotAllowed, NotFound
from storage.notices import BY_NAME
from storage.staff import AmbiguousPlace, UnclearPlace

FIELD_LIMIT = 200  # characters of any field (a password is refused over console_users.PASSWORD_MAX before that)
log = logging.getLogger(__name__)


@blueprint.get("/users")
@admin_only
def users() -> str:
    """Every account with its role, scope, state and last login; the form to add one."""
    return _users_page()


@blueprint.post("/users")
@admin_only
def user_add() -> Response | tuple[str, int]:
    """新增账号: the rules of `gridbot user add`; the password typed twice."""
    username, password = _field("username"), request.form.get("password", "")
    if password != request.form.get("again", ""):
        return _users_page(texts.USER_PASSWORDS_DIFFER), 409
    try:
        with runtime().database.transaction() as db:
            user = console_users.add_user(db, username, _field("role"), _field("scope") or None,
                                          _field("name") or None, password, runtime().clock())
            added = user.username
    except (InvalidAccount, WeakPassword, UnclearPlace) as refused:
        return _users_page(_account_refusal(refused)), 409
    log.info("console account %s added by %s", added, g.operator.username)
    return redirect(url_for("console.users", done="added", who=added))


@blueprint.post("/users/<username>/disable")
@admin_only
def user_disable(username: str) -> Response | tuple[str, int]:
    """停用: not one's own account, never the last active 管理员."""
    try:
        with runtime().database.transaction() as db:
            user, was_active = operator_accounts.disable_by(db, g.operator.id, username, runtime().clock())
            name = user.username
    except NotAllowed as refused:
        return _users_page(texts.USER_REFUSED[refused.reason]), 409
    except NotFound:
        return _users_page(texts.USER_NOT_FOUND.format(name=username)), 404
    log.info("console account %s disabled by %s", name, g.operator.username)
    return redirect(url_for("console.users", done="disabled" if was_active else "already", who=name))


@blueprint.post("/users/<username>/enable")
@admin_only
def user_enable(username: str) -> Response | tuple[str, int]:
    """重新启用: the account logs in with its old password again."""
    try:
        with runtime().database.transaction() as db:
            user, was_disabled = console_users.enable(db, username)
            name = user.username
    except NotFound:
        return _users_page(texts.USER_NOT_FOUND.format(name=username)), 404
    log.info("console account %s enabled by %s", name, g.operator.username)
    return redirect(url_for("console.users", done="enabled" if was_disabled else "enabled_already", who=name))


@blueprint.post("/users/<username>/password")
@admin_only
def user_password(username: str) -> Response | tuple[str, int]:
    """重设密码: checked as `gridbot user passwd` does; the account's open sessions end."""
    password = request.form.get("password", "")
    if password != request.form.get("again", ""):
        return _users_page(texts.USER_PASSWORDS_DIFFER), 409
    try:
        with runtime().database.transaction() as db:
            name = console_users.set_password(db, username, password, runtime().clock()).username
    except WeakPassword as weak:
        return _users_page(_account_refusal(weak)), 409
    except NotFound:
        return _users_page(texts.USER_NOT_FOUND.format(name=username)), 404
    log.info("console account %s: password reset by %s", name, g.operator.username)
    return redirect(url_for("console.users", done="password", who=name))


def _users_page(refusal: str | None = None) -> str:
    with runtime().database.transaction() as db:
        found = operator_accounts.listed(db)
    done = texts.USER_DONE.get(request.args.get("done", ""), "").format(username=request.args.get("who", "")[:32])
    return render_template("console/users.html", found=found, refusal=refusal, done=done if not refusal else "",
                           roles=list(console_users.ROLE_WORDS), form=request.form if refusal else {})


def _account_refusal(refused: Exception) -> str:
    """The operator's line for an account the rules of `gridbot user` refuse."""
    if isinstance(refused, WeakPassword):
        return texts.USER_WEAK_PASSWORD[refused.reason]
    if isinstance(refused, InvalidAccount):
        return texts.USER_INVALID[refused.reason].format(detail=refused.detail)
    if isinstance(refused, AmbiguousPlace):
        return texts.USER_AMBIGUOUS_COMMUNITY.format(name=refused.name, candidates="、".join(refused.candidates))
    assert isinstance(refused, UnclearPlace)
    return texts.USER_UNKNOWN_PLACE.format(name=refused.name)


def _field(name: str) -> str:
    return " ".join(request.form.get(name, "").split())[:FIELD_LIMIT]


@blueprint.get("/templates")
@admin_only
def templates() -> str:
    """Read-only: each notice, by its label and its name, with its template id (its own, the generic one, or none)
    and what a missing one means."""
    settings = runtime().settings
    rows = []
    for name in sorted(BY_NAME, key=lambda name: (not notifications.for_resident(name), name)):
        choice = settings.template_for(name)
        source = "none" if choice is None else "generic" if choice.generic else "own"
        rows.append((name, notifications.LABELS[name], "resident" if notifications.for_resident(name) else "staff",
                     choice.template_id if choice else "", source))
    generic = {"resident": settings.resident_template_id or "", "notice": settings.notice_template_id or ""}
    return render_template("console/templates_ids.html", rows=rows, generic=generic,
                           missing=sum(1 for row in rows if row[4] == "none"))
