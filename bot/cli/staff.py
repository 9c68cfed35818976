"""The operator's staff commands: invite."""

from __future__ import annotations

import click

from bot.cli.support import configured, fail, operator_transaction
from bot.clock import Clock, now_utc
from bot.settings import Settings

MAX_INVITE_HOURS = 24 * 30


@click.command()
@click.option("--role", metavar="网格员|网格长|物业|部门|操作员", help="the invited person's role")
@click.option("--grid", help="网格: 第一网格, or 幸福里社区·第一网格 when the name is not unique")
@click.option("--name", default="", help="the person's name, shown in the instructions")
@click.option("--phone", help="the person's phone number (stored; printed masked)")
@click.option("--work-phone", help="工作电话 residents are told when the person claims their appeal (a mobile, "
              "or 区号-号码 of an office)")
@click.option("--community", help="社区: for operators (default: the grid's community)")
@click.option("--department", help="the department or property company the person works for")
@click.option("--ttl-hours", default=72, show_default=True, type=int, help="hours the code stays valid")
@click.pass_obj
def invite(clock: Clock | None, role: str | None, grid: str | None, name: str, phone: str | None,
           work_phone: str | None, community: str | None, department: str | None, ttl_hours: int) -> None:
    """Print a one-time code; whoever sends `认证 <code>` to the account is bound as that staff member."""
    from datetime import timedelta

    from sqlalchemy.exc import SQLAlchemyError

    from handlers import staff_texts
    from storage import contact_input, staff
    from storage.errors import DomainError

    staff_role = staff.ROLE_WORDS.get((role or "").strip())
    if staff_role is None:
        fail(staff_texts.INVITE_BAD_ROLE)
    if not 1 <= ttl_hours <= MAX_INVITE_HOURS:
        fail(staff_texts.INVITE_BAD_TTL.format(max_hours=MAX_INVITE_HOURS))
    secret = configured(Settings.secret_key_from_env)
    now, ttl = (clock or now_utc)(), timedelta(hours=ttl_hours)  # tests pass their clock as the context object
    try:
        with operator_transaction() as session:
            scope = staff.invite_scope(session, staff_role, grid, community, department)
            code = staff.create_invite(session, staff_role, scope.grid_id, scope.community_id, scope.department,
                                       name, phone, now, secret, ttl, work_phone=work_phone)
            place = staff.place_label(session, scope.grid_id, scope.community_id)
    except DomainError as error:
        fail(invite_refusal(error))
    except SQLAlchemyError as error:
        # The class name only: the message would carry the statement's parameters, the phone among them.
        fail(staff_texts.INVITE_DATABASE_FAILED.format(reason=type(error).__name__))
    click.echo(staff_texts.invite_created(staff_role, place, scope.department, name.strip(),
                                          staff.normalize_phone(phone), code, ttl_hours, now + ttl))
    if work_phone:
        click.echo(staff_texts.INVITE_WORK_PHONE.format(phone=contact_input.phone_number(work_phone)))


def invite_refusal(error: Exception) -> str:
    from handlers import staff_texts
    from storage.contact_input import InvalidContact
    from storage.staff import AmbiguousPlace, InvalidInvite, UnclearPlace

    if isinstance(error, InvalidContact):
        return staff_texts.INVITE_BAD_WORK_PHONE
    if isinstance(error, UnclearPlace):
        return staff_texts.unclear_place(error.kind, error.name, error.candidates, isinstance(error, AmbiguousPlace))
    if isinstance(error, InvalidInvite):
        return staff_texts.INVITE_MISSING[error.field]
    return str(error)


COMMANDS = (invite,)
