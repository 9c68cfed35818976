"""党建与志愿 in the console: the community's own people on one page, within the operator's scope — the 党员报到
and 志愿者报名 waiting for a decision (确认 / 不予确认, as `gridbot members confirm|decline`), and the roll of
楼长, 单元长, 党员中心户, 党员 and 志愿者 (as `gridbot members list`; never an openid or a phone).

Every id a form posts is loaded through the scope first (404 outside it); the decision itself is the storage
call the CLI makes, with no Staff `by`: the scope check is the console's.
"""

from __future__ import annotations

from flask import flash, g, get_flashed_messages, redirect, render_template, url_for
from werkzeug.wrappers import Response

from bot.web.console import texts
from bot.web.console.guard import blueprint, in_scope_or_404, login_required, runtime
from handlers.community_texts import ROLE_NAMES, enrol_word, role_name
from handlers.staff_texts import ROLE_TITLES
from storage import chain, enrolments
from storage.errors import NotAllowed

DONE, REFUSED = "done", "refused"  # the flashed lines' categories


@blueprint.get("/community")
@login_required
def community() -> str:
    """The enrolments waiting and the roll, within the scope."""
    with runtime().database.transaction() as db:
        waiting = enrolments.pending_within(db, g.operator.scope)
        members = chain.members(db, g.operator.scope)
    flashed = get_flashed_messages(with_categories=True)
    return render_template("console/community.html", waiting=waiting, members=members, role_name=role_word,
                           enrol_word=enrol_word, done=[line for kind, line in flashed if kind == DONE],
                           refused=[line for kind, line in flashed if kind == REFUSED])


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
        return _back(texts.ENROLMENT_NOW_STAFF.format(role=role_word(member.role)), REFUSED)
    except NotAllowed as refused:
        return _back(texts.ENROLMENT_REFUSED.get(refused.reason, texts.ACTION_REFUSED).format(number=enrolment_id),
                     REFUSED)
    wording = texts.ENROLMENT_ALREADY_CONFIRMED if decided.already else texts.ENROLMENT_CONFIRMED
    return _back(wording.format(name=name, role=role_word(role), number=enrolment_id), DONE)


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
    wording = texts.ENROLMENT_ALREADY_DECLINED if decided.already else texts.ENROLMENT_DECLINED
    return _back(wording.format(name=name, what=enrol_word(role), number=enrolment_id), DONE)


def role_word(role: str) -> str:
    """党员, 楼长… for the community's own people; 网格员, 操作员… for staff."""
    return role_name(role) if role in ROLE_NAMES else ROLE_TITLES.get(role, role)


def _back(line: str, kind: str) -> Response:
    flash(line, kind)
    return redirect(url_for("console.community"))
