"""Staff and invite codes in the console: the active staff within the operator's scope (role, place, bound or
not, duty, open tasks; never an openid, personal phones masked), the invite codes waiting to be used, a new code
for a role and place, taking one back, and disabling someone who left: the calls `gridbot invite` and `gridbot
staff` make (storage.staff, storage.invites, storage.roster), each place checked against the operator's scope.

A department's officer is given another place (`gridbot staff move --street`): a street's account its own street's
officers, within its street; a 管理员 anyone, district-wide too.

Every role may do all of it within their scope. A street-wide invite (a 部门's staff) is the street's: a 社区
operator is refused it; a street operator's invite stays with the CLI (`gridbot invite --street`).
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from flask import flash, g, get_flashed_messages, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from bot.web.console import texts
from bot.web.console.guard import blueprint, in_scope_or_404, login_required, runtime
from handlers.resident_texts import clock as local_clock
from handlers.staff_texts import ROLE_TITLES, masked_phone, scope
from storage import invites, management, roster, staff, volunteer_claims
from storage.contact_input import InvalidContact
from storage.errors import DomainError, NotAllowed
from storage.models import StaffInvite, StaffRole
from storage.queries import Scope
from storage.roster import MEMBERS_NOT_STAFF
from storage.staff import UnclearPlace
from storage.typed_ids import typed_id

MAX_INVITE_HOURS = 24 * 30  # as `gridbot invite --ttl-hours`
DEFAULT_INVITE_HOURS = 72
FIELD_LIMIT = 200
# The roles the staff list shows (the community's other posts are the community page's), as the filter offers them.
STAFF_LIST_ROLES = tuple(role.value for role in StaffRole if role not in MEMBERS_NOT_STAFF)


@blueprint.get("/staff")
@login_required
def staff_page() -> str | tuple[str, int]:
    """The staff and open invites within the scope (the staff of one role or place, as filtered), and the form for a
    new invite."""
    return _render_staff()


def _filters(db: Session) -> tuple[StaffRole | None, Scope | None, dict[str, str]]:
    """The list's role and place filters of the query string (a street lists a thousand 楼长 beside its 网格员);
    _Unreadable with the refusal to show for one that names no role or no place within the scope."""
    shown = {name: unicodedata.normalize("NFKC", request.args.get(name, "")).strip()[:FIELD_LIMIT]
             for name in ("role", "where")}
    role = shown["role"] or None
    if role is not None and role not in STAFF_LIST_ROLES:
        raise _Unreadable(texts.STAFF_FILTER_BAD_ROLE, shown)
    try:
        place = Scope.of_path(db, shown["where"], within=g.operator.scope) if shown["where"] else None
    except UnclearPlace as unclear:
        refusal = texts.FILTER_UNCLEAR_PLACE.format(name=shown["where"], candidates="、".join(unclear.candidates[:8])) \
            if unclear.candidates else texts.FILTER_NO_PLACE.format(name=shown["where"])
        raise _Unreadable(refusal, shown) from None
    return StaffRole(role) if role else None, place, shown


class _Unreadable(Exception):
    def __init__(self, refusal: str, shown: dict[str, str]) -> None:
        super().__init__(refusal)
        self.refusal, self.shown = refusal, shown


def _render_staff(refusal: str | None = None, status: int = 200,
                  form: dict[str, str] | None = None) -> str | tuple[str, int]:
    now = runtime().clock()
    with runtime().database.transaction() as db:
        try:
            role, place, shown = _filters(db) if request.method == "GET" else (None, None, {})
        except _Unreadable as unreadable:
            role, place, shown, refusal, status = None, None, unreadable.shown, unreadable.refusal, 400
        members = roster.members(db, g.operator.scope, role, now, place)
        waiting = management.open_invites(db, g.operator.scope, now, runtime().settings.secret_key or "")
        grids = management.grids(db, g.operator.scope)
        communities = management.communities(db, g.operator.scope)
        officer_places = management.officer_places(db, g.operator.scope)
        places_now = management.officer_places_now(db, [member.id for member in members])
    page = render_template("console/staff.html", members=members, waiting=waiting, grids=grids,
                           communities=communities, officer_places=officer_places, places_now=places_now,
                           community_values=[value for value, _ in officer_places if value.startswith("community:")],
                           admin=g.operator.scope == Scope(), refusal=refusal, form=form or {}, role_titles=ROLE_TITLES,
                           filters=shown, list_roles=STAFF_LIST_ROLES, filtered=bool(role or place),
                           masked_phone=masked_phone, scope=scope, local_clock=local_clock, now=now,
                           done=get_flashed_messages(),
                           default_hours=DEFAULT_INVITE_HOURS, max_hours=MAX_INVITE_HOURS)
    return (page, status) if status != 200 else page


@blueprint.post("/staff/invite")
@login_required
def staff_invite() -> str | tuple[str, int]:
    """A new invite code for a role and place within the scope, shown once with the text to forward."""
    form = {name: " ".join(request.form.get(name, "").split())[:FIELD_LIMIT] for name in texts.INVITE_FIELDS}
    role = staff.ROLE_WORDS.get(form["role"])
    if role is None:
        return _render_staff(texts.INVITE_REFUSED["role"], 400, form)
    typed_hours = form["ttl_hours"]
    hours = int(typed_hours) if typed_hours.isascii() and typed_hours.isdigit() else 0  # isdigit() alone takes "²"
    if not 1 <= hours <= MAX_INVITE_HOURS:
        return _render_staff(texts.INVITE_REFUSED["ttl"].format(max_hours=MAX_INVITE_HOURS), 400, form)
    settings, now = runtime().settings, runtime().clock()
    secret = settings.secret_key or ""
    try:
        with runtime().database.transaction() as db:
            made = management.create_invite(
                db, g.operator.scope, management.InviteRequest(
                    role=role, grid_id=_number(form["grid"]), community_id=_number(form["community"]),
                    department=form["department"] or None, building=form["building"] or None, name=form["name"],
                    phone=form["phone"] or None, work_phone=form["work_phone"] or None),
                runtime().understanding.taxonomy.departments, now, secret, timedelta(hours=hours))
    except DomainError as refused:
        return _render_staff(_invite_refusal(refused), 409, form)
    expires = local_clock(made.expires_at, now)
    name = form["name"]
    follow = texts.INVITE_FOLLOW_NAMED.format(account=settings.account_name) if settings.account_name \
        else texts.INVITE_FOLLOW_UNNAMED
    role_title = ROLE_TITLES.get(role, role)
    person = (texts.INVITE_PERSON.format(name=name) if name else "") + (
        texts.INVITE_PHONE.format(phone=masked_phone(made.phone)) if made.phone else "")
    # A department's officer: the department, and the street they will serve (storage.unit_reach).
    where = scope(made.place, made.department, role) if role is staff.StaffRole.DEPARTMENT else made.place or made.department or ""
    return render_template(
        "console/staff_invite.html", made=made, expires=expires,
        created=texts.INVITE_CREATED.format(role=role_title, id=made.id, place=where, person=person),
        forward=texts.INVITE_FORWARD.format(name=name or texts.INVITE_UNNAMED),
        earlier=texts.INVITE_EARLIER_WAITING.format(name=name.strip(), ids="、".join(f"[{i}]" for i in made.earlier))
        if made.earlier else None,
        message=texts.INVITE_MESSAGE.format(
            greeting=texts.INVITE_GREETING.format(name=name), place=where, role=role_title,
            follow=follow, code=made.code, expires=expires,
            check=texts.INVITE_CHECK_PHONE if made.phone_bound else texts.INVITE_CHECK_NONE))


def _number(value: str) -> int | None:
    return typed_id(value)


def _invite_refusal(refused: DomainError) -> str:
    if isinstance(refused, InvalidContact):
        return texts.INVITE_REFUSED["work_phone"]
    if isinstance(refused, management.OutsideScope):
        return texts.INVITE_REFUSED["outside"]
    if isinstance(refused, staff.UnknownDepartment):
        return texts.INVITE_REFUSED["unknown_department"].format(name=refused.name, known="、".join(refused.known))
    if isinstance(refused, staff.UnclearPlace):
        from handlers import staff_texts

        return staff_texts.unclear_place(refused.kind, refused.name, refused.candidates,
                                         isinstance(refused, staff.AmbiguousPlace))
    if isinstance(refused, staff.InvalidInvite):
        return texts.INVITE_REFUSED.get(refused.field, texts.INVITE_REFUSED["outside"])
    return texts.ACTION_REFUSED


@blueprint.post("/staff/invites/<int:invite_id>/revoke")
@login_required
def staff_invite_revoke(invite_id: int) -> Response | str | tuple[str, int]:
    """Take back an unused invite of the scope: 认证 with its code is then refused like a wrong code."""
    now = runtime().clock()
    try:
        with runtime().database.transaction() as db:
            found: StaffInvite = in_scope_or_404(management.invite_within(db, g.operator.scope, invite_id))
            invites.revoke(db, str(found.id), now, runtime().settings.secret_key or "")
    except invites.NotRevocable as refused:
        return _render_staff(texts.INVITE_NOT_REVOCABLE[refused.status].format(id=invite_id), 409)
    flash(texts.INVITE_REVOKED.format(id=invite_id))
    return redirect(url_for("console.staff_page"))


@blueprint.post("/staff/<int:staff_id>/disable")
@login_required
def staff_disable(staff_id: int) -> Response:
    """Someone left: inactive at once (no tasks, no reading, chat commands refused); their open tasks go back to
    their grids (a department's to its other officers), the holders and residents told, their unused invites
    revoked and their personal phone dropped, as `gridbot staff disable` does."""
    now = runtime().clock()
    sensitive = runtime().understanding.taxonomy.sensitive  # before the transaction: it may read the database
    with runtime().database.transaction() as db:
        member = in_scope_or_404(management.member_within(db, g.operator.scope, staff_id))
        moved = roster.disable(db, member, None, now, sensitive)
        released = volunteer_claims.release_all(db, member, now)
        name, unit = member.name, member.department
    tasks = texts.STAFF_DISABLED_NO_TASKS
    if moved.handed:  # a department's officer's go to their colleagues while there are any (storage.roster)
        to_unit = unit is not None and all(done.to == unit for done in moved.handed)
        tasks = texts.STAFF_DISABLED_TASKS_UNIT.format(n=len(moved.handed), unit=unit) if to_unit \
            else texts.STAFF_DISABLED_TASKS.format(n=len(moved.handed))
    if moved.unit_waiting:
        tasks += texts.STAFF_DISABLED_UNIT_WAITING.format(unit=unit, n=len(moved.unit_waiting))
    if released:
        tasks += texts.STAFF_DISABLED_CLAIMS.format(n=len(released))
    if moved.invites_revoked:
        tasks += texts.STAFF_DISABLED_INVITES.format(n=len(moved.invites_revoked))
    phone = texts.STAFF_DISABLED_PHONE if moved.phone_dropped else ""
    flash(texts.STAFF_DISABLED.format(name=name, tasks=tasks + phone))
    if request.form.get("back") == "community":  # a volunteer or party member, from the community page's list
        return redirect(url_for("console.community", _anchor="members"))
    return redirect(url_for("console.staff_page"))


@blueprint.post("/staff/<int:staff_id>/place")
@login_required
def staff_place(staff_id: int) -> Response | str | tuple[str, int]:
    """A department's officer now serves another street, community or every street (管理员 only), as `gridbot
    staff move --street` does: what waited for the unit where no colleague now serves goes back to its grid."""
    now = runtime().clock()
    sensitive = runtime().understanding.taxonomy.sensitive  # before the transaction: it may read the database
    wanted = request.form.get("place", "")[:FIELD_LIMIT]
    if not wanted:  # the button tapped with no place chosen (a browser that ignores `required`)
        return _render_staff(texts.STAFF_PLACE_REFUSED["none"], 400)
    try:
        with runtime().database.transaction() as db:
            moved = in_scope_or_404(management.place_officer(db, g.operator.scope, staff_id, wanted, now, sensitive))
            member = moved.member
            place = staff.workplace_label(db, member.role, member.grid_id, member.community_id,
                                          street_id=member.street_id)
            name, unit = member.name, member.department
    except management.OutsideScope:
        return _render_staff(texts.INVITE_REFUSED["outside"], 409)
    except NotAllowed as refused:
        return _render_staff(texts.STAFF_PLACE_REFUSED.get(refused.reason, texts.ACTION_REFUSED), 409)
    waiting = texts.STAFF_DISABLED_UNIT_WAITING.format(unit=unit, n=len(moved.unit_waiting)) \
        if moved.unit_waiting else ""
    flash(texts.STAFF_PLACED.format(name=name, unit=unit, place=place or management.DISTRICT_WIDE, waiting=waiting))
    return redirect(url_for("console.staff_page"))
