"""What every console request goes through: the blueprint, the logged-in operator and their scope, the session's
lifetime and idle timeout, the CSRF check, and the security headers. Pages only declare `@login_required` (and
`@admin_only`) and load objects through `in_scope_or_404`.

Sessions are Flask's signed cookies (GRIDBOT_SECRET_KEY). A signed cookie cannot be revoked, so each request
checks it against the account (a password changed or an account disabled after the login ends the session) and
against the logins ended by 退出 (in the database, read in the same transaction as the account).
"""

from __future__ import annotations

import functools
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, session, url_for
from redis import RedisError
from werkzeug.exceptions import InternalServerError, RequestEntityTooLarge

from bot.rate import SharedRate
from bot.web import unavailable
from bot.web.console import texts
from bot.web.paced_bodies import BUSY, INCOMPLETE
from bot.web.runtime import Runtime
from storage import console_users, org
from storage.actors import Actor, ActorKind
from storage.errors import NotAllowed
from storage.models import ConsoleRole, ConsoleUser
from storage.queries import Scope
from storage.typed_ids import typed_id

if TYPE_CHECKING:
    from sqlalchemy.orm import Session as DbSession

log = logging.getLogger(__name__)
_View = TypeVar("_View", bound=Callable[..., Any])
_T = TypeVar("_T")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
# No inline script or style anywhere: every asset is a file gridbot serves; no page may be framed.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
VENDOR_MAX_AGE = 365 * 24 * 3600  # vendor files sit in a directory named by their version: they never change
ASSET_MAX_AGE = 3600
# State changes one account may make a minute (a 待分类 queue worked at a click every two seconds is 30): a stolen
# login cannot reassign a street's appeals or message its residents by the thousand before anyone sees it.
ACTIONS_PER_MINUTE = 60
# A form (not a file) and its fields: the longest a page takes is a taxonomy at its bound (200,000 characters,
# handlers/taxonomy_edit.py, 1.8 MB url-encoded if all Chinese, so that it meets that bound's own words), the widest
# a few dozen fields; anything past these is refused unparsed.
FORM_MAX_BYTES = 2 * 1024 * 1024
FORM_MAX_FIELDS = 1000


class ConsoleBlueprint(Blueprint):
    """A blueprint whose vendored files are cached for a year and its own assets for an hour."""

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        return VENDOR_MAX_AGE if filename and filename.startswith("vendor/") else ASSET_MAX_AGE


blueprint = ConsoleBlueprint("console", __name__, template_folder="templates", static_folder="static")


@dataclass(frozen=True)
class Operator:
    """The logged-in operator, read from their account at the start of each request."""

    id: int
    username: str
    display_name: str
    role: ConsoleRole
    scope: Scope

    @property
    def actor(self) -> Actor:
        """Who they are in an appeal's audit trail: 控制台 <显示名>."""
        return Actor(ActorKind.CONSOLE_USER, self.id)

    @property
    def is_admin(self) -> bool:
        return self.role is ConsoleRole.ADMIN


def runtime() -> Runtime:
    """The app's runtime (database, clock, Redis)."""
    found: Runtime = current_app.extensions["gridbot"]
    return found


@blueprint.before_request
def guard() -> Response | None:
    """Load the operator of a live session (ending a stale one), then refuse a state change without the token."""
    g.operator, g.expired = None, False
    if request.endpoint == "console.static":
        return None  # a stylesheet or a library: no database, and no cookie on a response caches keep
    if session.get("uid") is not None:
        g.operator = _live_operator(runtime().clock(), renew=not _view_mark("passive"))
        g.expired = g.operator is None
    if request.environ.get(INCOMPLETE):  # a form still arriving at its deadline (bot/web/paced_bodies.py)
        return Response(render_template("console/refused.html", title=texts.BODY_LATE_TITLE, message=texts.BODY_LATE),
                        status=408)
    if request.environ.get(BUSY):  # a large body while others were being read (bot/web/paced_bodies.py)
        return Response(render_template("console/refused.html", title=texts.BODY_BUSY_TITLE, message=texts.BODY_BUSY),
                        status=503, headers={"Retry-After": "60"})
    # Before the CSRF check reads the form: a body beyond its view's bound is refused unread (413), and so is a
    # form of more fields than any page has (413, by the error handler below).
    max_upload = _view_mark("max_upload")
    request.max_content_length = FORM_MAX_BYTES if max_upload is None else max_upload
    request.max_form_parts = FORM_MAX_FIELDS
    if _too_many_fields():
        raise RequestEntityTooLarge()
    if _holds_nul():
        return Response(render_template("console/refused.html", title=texts.NUL_TITLE, message=texts.NUL_REFUSED),
                        status=400)
    if request.method not in SAFE_METHODS and not _token_matches():
        return Response(render_template("console/refused.html", title=texts.CSRF_TITLE, message=texts.CSRF_REFUSED),
                        status=400)
    if request.method not in SAFE_METHODS and g.operator is not None and not _within_action_rate(g.operator):
        return Response(render_template("console/refused.html", title=texts.TOO_FAST_TITLE,
                                        message=texts.TOO_FAST.format(limit=ACTIONS_PER_MINUTE)),
                        status=429, headers={"Retry-After": "60"})
    return None


def _too_many_fields() -> bool:
    """Whether a url-encoded form has more than FORM_MAX_FIELDS fields. Werkzeug bounds only a multipart form's
    parts (max_form_parts); a url-encoded one of 200,000 empty fields in the body's 6 MB (paced_bodies.MAX_BODY),
    even on the login page, cost a thread one to two seconds to parse."""
    if request.mimetype != "application/x-www-form-urlencoded":
        return False
    return request.get_data(cache=True).count(b"&") >= FORM_MAX_FIELDS  # the form is parsed from this copy


def _holds_nul() -> bool:
    """Whether the path, the query or a form field carries a NUL character. Nobody types one; PostgreSQL refuses
    text holding one, so a login or a filter with it ended in a 500 (and a traceback in the log) for anyone who
    cared to send it. Refused here, before anything reads it."""
    fields = [*request.args.items(multi=True), *request.form.items(multi=True)]
    return "\x00" in request.path or any("\x00" in key or "\x00" in value for key, value in fields)


def _within_action_rate(operator: Operator) -> bool:
    """Count the operator's state change in this minute; False past ACTIONS_PER_MINUTE. Without Redis the
    action goes ahead (logged): the login lockout needs Redis anyway, and a console that refuses all work when
    Redis hiccups would hurt more than a minute without the count."""
    try:
        count = SharedRate(runtime().redis(), f"console-actions:{operator.id}", ACTIONS_PER_MINUTE, 60.0,
                           clock=lambda: runtime().clock().timestamp()).count()
    except RedisError as error:
        log.warning("console action not counted (Redis): %s", error)
        return True
    if count == ACTIONS_PER_MINUTE + 1:
        log.warning("console account %s passed %d actions a minute: refused until the minute ends",
                    operator.username, ACTIONS_PER_MINUTE)
    return count <= ACTIONS_PER_MINUTE


def _view_mark(name: str) -> Any:
    """What `accepts_upload` or `passive` marked the requested view with (None if nothing)."""
    return getattr(current_app.view_functions.get(request.endpoint or ""), name, None)


def _live_operator(now: datetime, renew: bool) -> Operator | None:
    settings = runtime().settings
    login_at, seen_at = session.get("login_at", 0.0), session.get("seen_at", 0.0)
    stale = (now.timestamp() - login_at > settings.console_session_hours * 3600
             or now.timestamp() - seen_at > settings.console_idle_minutes * 60)
    operator = None if stale else _operator(int(session["uid"]), session.get("stamp"), session.get("sid"))
    if operator is None:
        if renew:  # a page's own poll leaves the ended login for the operator's next click to find and say so
            session.clear()
        return None
    if renew:
        session["seen_at"] = now.timestamp()
    return operator


def end_session(now: datetime) -> None:
    """Log the operator out: this login is remembered as ended for the rest of its lifetime, and the cookie
    cleared."""
    session_id = session.get("sid")
    if isinstance(session_id, str):
        login_at = datetime.fromtimestamp(session.get("login_at", 0.0), now.tzinfo)
        until = login_at + timedelta(hours=runtime().settings.console_session_hours, minutes=1)
        with runtime().database.transaction() as db:
            console_users.end_login(db, session_id, until, now)
    session.clear()


def _operator(user_id: int, stamp: object, session_id: object) -> Operator | None:
    """The operator of a login still open: their account active, its password unchanged, the login not ended by
    退出 (a copy of its cookie kept elsewhere opens nothing)."""
    with runtime().database.transaction() as db:
        user = db.get(ConsoleUser, user_id)
        if user is None or not user.active or stamp != session_stamp(user):
            return None
        if isinstance(session_id, str) and console_users.login_ended(db, session_id):
            return None
        try:
            scope = console_users.scope_of(user)
        except NotAllowed:
            return None
        return Operator(user.id, user.username, user.display_name, ConsoleRole(user.role), scope)


def session_stamp(user: ConsoleUser) -> float:
    """What a session remembers of the account's password: a session from before the last change is void."""
    return user.password_changed_at.timestamp()


def start_session(user: ConsoleUser, now: datetime) -> None:
    """Log the operator in: a fresh session (nothing carried over from before the login, a new token)."""
    session.clear()
    session.permanent = True
    session.update(uid=user.id, stamp=session_stamp(user), login_at=now.timestamp(), seen_at=now.timestamp(),
                   csrf=secrets.token_urlsafe(32), sid=secrets.token_urlsafe(16))


def csrf_token() -> str:
    """The session's token for forms (made on first use, before a login too: the login form carries one)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def _token_matches() -> bool:
    expected = session.get("csrf")
    given = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    return bool(expected) and hmac.compare_digest(str(expected), given)


@blueprint.after_request
def security_headers(response: Response) -> Response:
    """No framing, no inline script, no sniffing; pages with data are never stored by the browser or a proxy."""
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.endpoint != "console.static":
        response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.errorhandler(404)
def not_found(_error: Exception) -> tuple[str, int]:
    """An object that is not there, or not within the operator's scope: the same page, in Chinese."""
    return render_template("console/refused.html", title=texts.NOT_FOUND_TITLE, message=texts.NOT_FOUND), 404


def _database_unavailable() -> Response:
    """The page for a request that met a database it could not use (bot/web/unavailable.py). An action may or may
    not have been done (the break may have come at its commit): the operator is told to look before repeating it."""
    if request.endpoint == "console.login_submit":
        message = texts.LOGIN_UNAVAILABLE  # nothing to look at before trying again
    else:
        message = texts.DATABASE_UNAVAILABLE if request.method in SAFE_METHODS else texts.DATABASE_UNAVAILABLE_ACTION
    return Response(render_template("console/refused.html", title=texts.UNAVAILABLE_TITLE, message=message))


unavailable.answer_with(blueprint, _database_unavailable)


@blueprint.errorhandler(RequestEntityTooLarge)
def too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
    """A body over its view's bound: the upload's own words for a file, the form's for anything else."""
    own = _view_mark("too_large")
    if own is not None:
        answer: tuple[str, int] = own()
        return answer
    return render_template("console/refused.html", title=texts.FORM_TOO_BIG_TITLE, message=texts.FORM_TOO_BIG), 413


@blueprint.errorhandler(InternalServerError)
def internal_error(_error: InternalServerError) -> tuple[str, int]:
    """A fault of the console's own: Flask has logged the traceback; the operator gets a page in Chinese."""
    return render_template("console/refused.html", title=texts.INTERNAL_ERROR_TITLE, message=texts.INTERNAL_ERROR), 500


def login_required(view: _View) -> _View:
    """The page for a logged-in operator; anyone else is sent to the login page (and back here after it). A
    `passive` view answers 401 instead: its caller is a page's script, and following the redirect would open the
    login page in the background, which ends the login before the operator is told it expired."""
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.operator is None and getattr(view, "passive", False):
            return Response("login ended", status=401, mimetype="text/plain")
        if g.operator is None:
            return redirect(url_for("console.login", next=request.full_path.rstrip("?"),
                                    expired=1 if g.expired else None))
        return view(*args, **kwargs)
    return wrapped  # type: ignore[return-value]


def admin_only(view: _View) -> _View:
    """A 管理员's page: to anyone else it does not exist (404, as for an object outside their scope)."""
    @functools.wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not g.operator.is_admin:
            abort(404)
        return view(*args, **kwargs)
    return wrapped  # type: ignore[return-value]


def accepts_upload(max_bytes: int, too_large: Callable[[], tuple[str, int]]) -> Callable[[_View], _View]:
    """A view that takes a file: a request body over `max_bytes` is refused (413) before anything reads it, with
    the page `too_large` makes (it names the file's bound)."""
    def mark(view: _View) -> _View:
        view.max_upload = max_bytes  # type: ignore[attr-defined]
        view.too_large = too_large  # type: ignore[attr-defined]
        return view
    return mark


def passive(view: _View) -> _View:
    """A view a page calls by itself (a progress bar polling): not the operator's doing, so it does not start the
    idle time again. A page left open on a notice scheduled for tomorrow would otherwise keep its login alive."""
    view.passive = True  # type: ignore[attr-defined]
    return view


def page_after() -> int | None:
    """The `after` of a keyset page link (the last id of the previous page); a value no row id can have, as in a
    hand-edited link, starts from the first page instead of overflowing the database's integer."""
    return typed_id(request.args.get("after", ""))


def streets_apart(db: DbSession) -> bool:
    """Whether the operator's pages name each place's street: their scope spans several streets (a district's
    管理员), which may each have a community of one name."""
    scope = g.operator.scope
    return scope.street_id is None and scope.community_id is None and len(org.street_names(db)) > 1


def in_scope_or_404(found: _T | None) -> _T:
    """What a loader found within the operator's scope, or 404: an object elsewhere is as absent as a missing one."""
    if found is None:
        abort(404)
    return found



def safe_next(target: str | None) -> str:
    """Where to go after the login: a console page of this site, else the home page (never another site, nor a
    target with a line break or other control character, which no Location header can carry)."""
    if target and target.isprintable():
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/console/") \
                and "\\" not in target and ".." not in parts.path:
            return target
    return url_for("console.home")

