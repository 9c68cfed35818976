"""Composing a notice in the console: the form, its preview (what a resident reads, who gets it by which channel,
who is skipped and why: the planner's own numbers, nothing stored), and the send — a second POST that plans again
at that moment (`storage.notice_overview.plan_within`, the CLI's planner within the operator's scope) and stores.

A send happens once per preview: the preview carries a one-time token, claimed in Redis before anything is stored
(SET NX, shared by every gunicorn worker), so a double click or a re-posted form finds the notice the first one
stored instead of making a second. The notice keeps the token (its digest) too, so that a Redis flushed, replaced
or failed over since the first click does not let the form send it again: not even two re-posts at one instant,
the second of which finds the first's notice when its own would break the token's uniqueness.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import redis
from flask import g, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from bot.privacy import redact
from bot.web.console import texts
from bot.web.console.guard import blueprint, login_required, runtime
from handlers import notice_texts, staff_texts
from storage import notice_overview, notice_planning
from storage.errors import NotAllowed
from storage.models import NoticeAudience
from storage.notice_planning import KINDS, NoticeRefused, Plan, Request
from storage.staff import UnclearPlace
from storage.tickets import LOCAL_ZONE

log = logging.getLogger(__name__)

SCOPE_LIMIT = 255  # Broadcast.scope_path
ONCE_PREFIX = "gridbot:console:notice-once:"
ONCE_KEEPS_S = 24 * 3600
ONCE_FORM = re.compile(r"[A-Za-z0-9_-]{32,64}")
AT_FORMS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")  # the browser's datetime-local, and as people type it
# How far the number of people reached may move between the preview and the send before the operator is asked to
# look again: a few people binding or unfollowing meanwhile is normal, a different scope's worth is not.
DRIFT_SHARE, DRIFT_MIN = 0.1, 3


@dataclass(frozen=True)
class Composed:
    """The form as typed (shown again on the preview and after a refusal)."""

    scope: str
    audience: str
    text: str
    urgent: bool
    kind: str
    at: str


@blueprint.get("/notices/new")
@login_required
def notice_new() -> str:
    """The empty form, its scope the operator's own part."""
    with runtime().database.transaction() as db:
        places = notice_overview.places_within(db, g.operator.scope)
    first = "" if g.operator.is_admin or not places else places[0]
    return _form(Composed(first, NoticeAudience.RESIDENTS, "", False, "", ""), places)


@blueprint.post("/notices/new")
@login_required
def notice_preview() -> tuple[str, int] | str:
    """The preview of what the form asks for, or the form again with one line saying why not."""
    composed = _composed()
    asked = _request(composed)
    if isinstance(asked, str):
        return _refused_form(composed, asked)
    with runtime().database.transaction() as db:
        planned = _plan(db, asked)  # plan only reads: nothing of the preview is stored
    if isinstance(planned, str):
        return _refused_form(composed, planned)
    return _preview(composed, planned)


@blueprint.post("/notices/edit")
@login_required
def notice_edit() -> str:
    """The form again as it was filled in (返回修改 on the preview), for another preview."""
    with runtime().database.transaction() as db:
        places = notice_overview.places_within(db, g.operator.scope)
    return _form(_composed(), places)


@blueprint.post("/notices/send")
@login_required
def notice_send() -> Response | tuple[str, int] | str:
    """Plan again and store, once per preview; then the notice's page with its progress."""
    composed = _composed()
    once = request.form.get("once", "")
    asked = _request(composed)
    if not ONCE_FORM.fullmatch(once) or isinstance(asked, str):
        return _refused_form(composed, asked if isinstance(asked, str) else texts.NOTICE_ONCE_MISSING)
    key = ONCE_PREFIX + once
    try:
        claimed = runtime().redis().set(key, "", nx=True, ex=ONCE_KEEPS_S)
        stored = None if claimed else runtime().redis().get(key)
    except redis.RedisError as error:
        log.error("console notice refused: the one-time tokens are unreachable (%s)", redact(str(error)))
        return _refused_form(composed, texts.NOTICE_UNAVAILABLE, status=503)
    # Claimed again (Redis lost the first claim), or claimed with no number (Redis failed after the store): the
    # notice itself says whether this form stored it.
    if claimed or not stored:
        with runtime().database.transaction() as db:
            earlier = notice_planning.stored_from_form(db, once)
        if earlier is not None:
            _once(key, earlier)
            return _already(earlier.encode())
    if not claimed:
        return _already(stored)
    try:
        outcome = _store(asked, request.form.get("reach", type=int) or 0, once)
    except notice_planning.StoredBefore as earlier:  # another re-post of this form stored it a moment ago
        _once(key, earlier.number)
        return _already(earlier.number.encode())
    except Exception:
        _once(key, None)  # nothing stored (the transaction rolled back): the form may be sent again
        raise
    _once(key, outcome if isinstance(outcome, str) else None)
    if isinstance(outcome, str):
        log.info("console notice %s stored by operator %s", outcome, g.operator.username)
        return redirect(url_for("console.notice", number=outcome, done="sent"))
    if outcome.planned is not None:
        return _preview(composed, outcome.planned, outcome.refusal), 409
    return _refused_form(composed, outcome.refusal)


def _once(key: str, number: str | None) -> None:
    """Remember which notice a token stored, or release a token that stored nothing. Should Redis fail here,
    the token stays claimed: a re-post finds the notice by its token, or is told it is being saved, never sent
    twice."""
    try:
        if number is None:
            runtime().redis().delete(key)
        else:
            runtime().redis().set(key, number, ex=ONCE_KEEPS_S)
    except redis.RedisError as error:
        log.warning("console notice token not updated (%s)", redact(str(error)))


@dataclass(frozen=True)
class Unsent:
    """Why a send stored nothing, and (the plan moved since the preview) the plan of now to preview again."""

    refusal: str
    planned: Plan | None = None


def _store(asked: Request, previewed: int, once: str) -> str | Unsent:
    """The stored notice's number, or why nothing was stored."""
    with runtime().database.transaction() as db:
        planned = _plan(db, asked)
        if isinstance(planned, str):
            return Unsent(planned)
        reach = sum(planned.by_channel.values())
        if abs(reach - previewed) > max(DRIFT_MIN, previewed * DRIFT_SHARE):
            return Unsent(texts.NOTICE_DRIFTED.format(before=previewed, after=reach), planned)
        return notice_planning.store(db, planned, runtime().clock(), once).number


def _already(stored: bytes | None) -> Response | tuple[str, int]:
    """A token used before: the notice it stored, or (still being stored) a line saying so."""
    if stored:
        return redirect(url_for("console.notice", number=stored.decode(), done="again"))
    return render_template("console/refused.html", title=texts.NOTICE_NEW_TITLE, message=texts.NOTICE_IN_PROGRESS), 409


def _composed() -> Composed:
    form = request.form
    return Composed(" ".join(form.get("scope", "").split()), form.get("audience", ""),
                    form.get("text", "").strip(), form.get("urgent") == "1", form.get("kind", ""),
                    form.get("at", "").strip())


def _request(composed: Composed) -> Request | str:
    """The planner's request, or one line for what the form got wrong."""
    if len(composed.scope) > SCOPE_LIMIT:
        return texts.NOTICE_TOO_LONG.format(limit=SCOPE_LIMIT)
    if composed.audience not in set(NoticeAudience):
        return texts.NOTICE_BAD_AUDIENCE
    if composed.urgent and composed.kind not in KINDS:
        return texts.NOTICE_BAD_KIND
    at = None
    if composed.at:
        at = _at(composed.at)
        if at is None:
            return texts.NOTICE_BAD_AT.format(value=composed.at)
    return Request(composed.scope, composed.text, NoticeAudience(composed.audience), composed.urgent,
                   composed.kind if composed.urgent else None, at, console_author=g.operator.id)


def _at(typed: str) -> datetime | None:
    for form in AT_FORMS:
        try:
            return datetime.strptime(typed, form).replace(tzinfo=LOCAL_ZONE)
        except ValueError:
            continue
    return None


def _plan(db: Session, asked: Request) -> Plan | str:
    """The plan within the operator's part, or one line saying why there is none."""
    try:
        return notice_overview.plan_within(db, g.operator.scope, asked, runtime().settings.notice_limits(),
                                           runtime().clock())
    except NoticeRefused as refused:
        return notice_texts.refusal(refused)
    except UnclearPlace as unclear:
        return notice_texts.unclear_place(unclear)
    except NotAllowed:
        where = "community" if g.operator.scope.community_id is not None else "street"
        return texts.NOTICE_OUT_OF_SCOPE.format(where=texts.NOTICE_SCOPE_WORDS[where])


def _refused_form(composed: Composed, refusal: str, status: int = 409) -> tuple[str, int]:
    with runtime().database.transaction() as db:
        places = notice_overview.places_within(db, g.operator.scope)
    return _form(composed, places, refusal), status


def _form(composed: Composed, places: list[str], refusal: str | None = None) -> str:
    return render_template("console/notice_new.html", composed=composed, places=places, refusal=refusal,
                           kinds=KINDS, audiences=list(NoticeAudience), names=notice_texts)


def _preview(composed: Composed, planned: Plan, refusal: str | None = None) -> str:
    """What a resident (and a staff member) will read, with the number it gets on sending shown as its form: the
    number is dated the day it is confirmed (today), not the day a scheduled notice goes out."""
    today = runtime().clock().astimezone(LOCAL_ZONE).strftime("%y%m%d")
    number = texts.NOTICE_NUMBER_LATER.format(day=today)
    request_ = planned.request
    reads = {"resident": notice_texts.message(number, request_.text.strip(), request_.urgent, request_.kind),
             "staff": notice_texts.message(number, request_.text.strip(), request_.urgent, request_.kind, True)}
    template = (notice_texts.template_data(number, request_.text.strip(), request_.urgent, request_.kind,
                                           planned.send_at, linked=request_.audience != NoticeAudience.STAFF)
                if "template" in planned.by_channel else None)
    later = [texts.NOTICE_REACH_LATER.format(day=staff_texts.month_day(day), what="、".join(
        texts.NOTICE_REACH_CALLS.format(channel=notice_texts.CHANNEL_NAMES[channel], count=count)
        for channel, count in calls.items())) for day, calls in planned.later.items()]
    return render_template("console/notice_preview.html", composed=composed, planned=planned, reads=reads,
                           template=template, later=later, once=secrets.token_urlsafe(32), refusal=refusal,
                           reach=sum(planned.by_channel.values()), names=notice_texts, scheduled=request_.send_at)
