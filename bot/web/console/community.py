"""党建与志愿 in the console: the community's own people on one page, within the operator's scope —
1. the 党员报到 and 志愿者报名 waiting for a decision (确认 / 不予确认, as `gridbot members confirm|decline`);
2. the roll of 楼长, 单元长, 党员中心户, 党员 and 志愿者 (as `gridbot members list`; never an openid or a phone);
3. the 微心愿 not yet closed, a form to post one and 取消 (as `gridbot wishes add|cancel`);
4. the month's 积分 (?month=YYYY-MM: per person the net and the balance, as `gridbot points report`, with the own
   rules of the scope's streets that set some — a street's operator reads only theirs; its CSV at
   /console/community/points.csv has every column).

Every id a form posts is loaded through the scope first (404 outside it); the decision itself is the storage
call the CLI makes, with no Staff `by`: the scope check is the console's, and the log line says which account
decided (an Enrolment records no console account).
"""

from __future__ import annotations

import logging

from flask import flash, g, get_flashed_messages, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from bot.sheets.points import points_csv
from bot.web.console import texts
from bot.web.console.guard import blueprint, in_scope_or_404, login_required, runtime
from bot.web.console.helpers import attachment, scope_label
from handlers.community_texts import enrol_word
from handlers.points_words import terms
from handlers.staff_texts import role_title, unclear_place
from storage import community_overview, duty, enrolments, points, points_report, wishes
from storage.errors import NotAllowed
from storage.limits import LIMITS, TextField
from storage.staff import AmbiguousPlace, UnclearPlace
from storage.typed_ids import typed_id

log = logging.getLogger(__name__)
DONE, REFUSED = "done", "refused"  # the flashed lines' categories
FIELD_LIMIT = 200  # a path or a choice longer than this is no place
TEXT_LIMIT = 2000  # typed words beyond this are refused unread (the wish's own limit is LIMITS[TextField.WISH])
WISH_FORM = ("place", "path", "text")


@blueprint.get("/community")
@login_required
def community() -> str | tuple[str, int]:
    """The enrolments waiting, the roll, the open 微心愿 and the month's 积分, within the scope."""
    return _render()


@blueprint.get("/community/points.csv")
@login_required
def points_download() -> Response:
    """The month's report within the scope as CSV, every column `gridbot points report` prints."""
    month, _ = _month()
    with runtime().database.transaction() as db:
        made = points_report.report(db, month, g.operator.scope)
        place = scope_label(db)
    return Response(points_csv(made), mimetype="text/csv", headers={"Content-Disposition": attachment(
        texts.POINTS_FILENAME.format(place=place, month=month), texts.POINTS_ASCII_FILENAME.format(month=month))})


def _month() -> tuple[str, str | None]:
    """The month asked for (?month=YYYY-MM), else this month in Beijing time; with a refusal for one that is none
    or has not begun (its table would be zeros, with today's balances as its month-end's)."""
    typed = request.args.get("month", "")
    month = points.parse_month(typed) if len(typed) <= FIELD_LIMIT else None
    now = runtime().clock()
    this_month = points.month_of(now)
    if month is not None and month > this_month:
        return this_month, texts.POINTS_NOT_YET.format(month=month, today=duty.today(now).isoformat())
    if month is not None:
        return month, None
    return this_month, texts.POINTS_BAD_MONTH.format(month=typed[:20]) if typed.strip() else None


def _render(refusal: str | None = None, status: int = 200,
            form: dict[str, str] | None = None) -> str | tuple[str, int]:
    scope = g.operator.scope
    month, bad_month = _month()  # a POST's refusal shows this month's
    with runtime().database.transaction() as db:
        shown = community_overview.overview(db, scope, month)
    flashed = get_flashed_messages(with_categories=True)
    refused = [line for kind, line in flashed if kind == REFUSED] + [line for line in (refusal, bad_month) if line]
    page = render_template("console/community.html", waiting=shown.waiting, members=shown.members,
                           wishes=shown.wishes, communities=shown.communities, grids=shown.grids, earned=shown.points,
                           form=form or {}, enrol_word=enrol_word, role_title=role_title, terms=terms,
                           wish_limit=LIMITS[TextField.WISH],
                           done=[line for kind, line in flashed if kind != REFUSED], refused=refused)
    return (page, status) if status != 200 else page


@blueprint.post("/community/enrolments/<int:enrolment_id>/confirm")
@login_required
def enrolment_confirm(enrolment_id: int) -> Response:
    """确认: the applicant becomes a member at their home and is told; a second click says it was done."""
    now = runtime().clock()
    try:
        with runtime().database.transaction() as db:
            found = in_scope_or_404(enrolments.enrolment_within(db, g.operator.scope, enrolment_id))
            decided = enrolments.confirm(db, found, now)
            name, role = decided.enrolment.name, decided.enrolment.role
    except enrolments.AlreadyMember as member:
        return _back(texts.ENROLMENT_NOW_STAFF.format(role=role_title(member.role)), REFUSED)
    except NotAllowed as refused:
        return _back(texts.ENROLMENT_REFUSED.get(refused.reason, texts.ACTION_REFUSED).format(number=enrolment_id),
                     REFUSED)
    if not decided.already:
        log.info("console account %s confirmed enrolment %d", g.operator.username, enrolment_id)
    wording = texts.ENROLMENT_ALREADY_CONFIRMED if decided.already else texts.ENROLMENT_CONFIRMED
    return _back(wording.format(name=name, role=role_title(role), number=enrolment_id), DONE)


@blueprint.post("/community/enrolments/<int:enrolment_id>/decline")
@login_required
def enrolment_decline(enrolment_id: int) -> Response:
    """不予确认: the applicant is told politely and may ask again; a second click changes nothing."""
    now = runtime().clock()
    try:
        with runtime().database.transaction() as db:
            found = in_scope_or_404(enrolments.enrolment_within(db, g.operator.scope, enrolment_id))
            decided = enrolments.decline(db, found, now)
            name, role = decided.enrolment.name, decided.enrolment.role
    except NotAllowed as refused:
        return _back(texts.ENROLMENT_REFUSED.get(refused.reason, texts.ACTION_REFUSED).format(number=enrolment_id),
                     REFUSED)
    if not decided.already:
        log.info("console account %s declined enrolment %d", g.operator.username, enrolment_id)
    wording = texts.ENROLMENT_ALREADY_DECLINED if decided.already else texts.ENROLMENT_DECLINED
    return _back(wording.format(name=name, what=enrol_word(role), number=enrolment_id), DONE)


@blueprint.post("/community/wishes")
@login_required
def wish_post() -> Response | str | tuple[str, int]:
    """发布微心愿 for a community or grid of the scope (picked) or a place within it (typed, down to a building)."""
    form = {name: request.form.get(name, "").strip() for name in WISH_FORM}
    if len(form["text"]) > TEXT_LIMIT:
        return _render(texts.WISH_REFUSED["too_long"].format(limit=LIMITS[TextField.WISH], length=len(form["text"])),
                       400, {})
    if len(form["path"]) > FIELD_LIMIT or len(form["place"]) > FIELD_LIMIT:
        return _render(texts.WISH_REFUSED["outside"], 400, {})
    kind, _, number = form["place"].partition(":")
    chosen = typed_id(number)
    now = runtime().clock()
    try:
        with runtime().database.transaction() as db:
            place = wishes.place_within(db, g.operator.scope, path=form["path"] or None,
                                        grid_id=chosen if kind == "grid" else None,
                                        community_id=chosen if kind == "community" else None)
            wish = wishes.post(db, place, form["text"], now)
            code, label = wish.code, wishes.place_label(db, wish)
    except wishes.WishRefused as refused:
        return _render(texts.WISH_REFUSED[refused.reason].format(limit=refused.limit, length=refused.length,
                                                                  code=""), 409, form)
    except UnclearPlace as unclear:
        return _render(unclear_place(unclear.kind, unclear.name, unclear.candidates,
                                     isinstance(unclear, AmbiguousPlace)), 409, form)
    log.info("console account %s posted wish %s", g.operator.username, code)
    return _back(texts.WISH_POSTED.format(code=code, place=label), DONE)


@blueprint.post("/community/wishes/<code>/cancel")
@login_required
def wish_cancel(code: str) -> Response:
    """取消 a wish of the scope nobody has done yet; a volunteer who took it is told and let go."""
    now = runtime().clock()
    try:
        with runtime().database.transaction() as db:
            found = in_scope_or_404(wishes.wish_within(db, g.operator.scope, code))
            cancelled = wishes.cancel(db, found.code, now)
            shown, volunteer, poster = cancelled.wish.code, cancelled.volunteer, cancelled.poster
    except wishes.WishRefused as refused:
        return _back(texts.WISH_REFUSED[refused.reason].format(code=code, limit=0, length=0), REFUSED)
    log.info("console account %s cancelled wish %s", g.operator.username, shown)
    told = (texts.WISH_TOLD_VOLUNTEER.format(name=volunteer) if volunteer else "") \
        + (texts.WISH_TOLD_POSTER.format(name=poster) if poster else "")
    return _back(texts.WISH_CANCELLED.format(code=shown, told=told), DONE)


def _back(line: str, kind: str) -> Response:
    flash(line, kind)
    return redirect(url_for("console.community"))
