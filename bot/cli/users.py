"""The operator's commands for console accounts: `gridbot user add|list|disable|enable|passwd`.

Each parses its options, reads the password (from stdin when piped, else prompted twice, never an option: it
would stay in the shell's history and the process list), makes one call to storage/console_users.py and prints
the outcome in the wording of bot/cli/user_texts.py.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Callable, TypeVar

import click

from bot.cli import user_texts as texts
from bot.cli.support import configured, fail, fail_database, operator_transaction
from bot.clock import Clock, now_utc

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_T = TypeVar("_T")


@click.group("user")
def user_group() -> None:
    """Operator accounts of the web console at /console: 管理员 (everything), 街道 (a street), 社区 (a community)."""


@user_group.command("add")
@click.argument("username")
@click.option("--role", required=True, metavar="管理员|街道|社区")
@click.option("--scope", metavar="NAME")
@click.option("--name", "display_name", metavar="显示名")
@click.pass_obj
def user_add(clock: Clock | None, username: str, role: str, scope: str | None, display_name: str | None) -> None:
    """Create an account; the password is read from stdin (one line) or prompted for twice."""
    from bot.settings import Settings
    from storage import console_users

    password = read_password()
    now = (clock or now_utc)()

    def add(session: Session) -> tuple[str, str, str, str]:
        user = console_users.add_user(session, username, role, scope, display_name, password, now)
        label = next(a.scope_label for a in console_users.accounts(session) if a.user.id == user.id)
        return user.username, user.display_name, user.role, label

    name, shown, saved_role, label = _in_transaction(add)
    click.echo(texts.added(name, shown, saved_role, label, configured(Settings.public_url_from_env)))


@user_group.command("list")
@click.pass_obj
def user_list(clock: Clock | None) -> None:
    """Print every account: username, display name, role and scope, state, when created and its password set."""
    from storage import console_users

    found = _in_transaction(console_users.accounts)
    if not found:
        click.echo(texts.LIST_NONE)
        return
    click.echo(texts.LIST_HEADER.format(n=len(found)))
    for account in found:
        click.echo(texts.account_line(account, (clock or now_utc)()))


@user_group.command("disable")
@click.argument("username")
@click.pass_obj
def user_disable(clock: Clock | None, username: str) -> None:
    """Stop an account from logging in; its open sessions end at their next request. Its name stays on its work."""
    from storage import console_users

    now = (clock or now_utc)()

    def disable(session: Session) -> tuple[str, str, bool]:
        was_active = console_users.named(session, username).active
        user = console_users.disable(session, username, now)
        return user.username, user.display_name, was_active

    name, shown, was_active = _in_transaction(disable, username)
    click.echo((texts.DISABLED if was_active else texts.ALREADY_DISABLED).format(username=name, name=shown))


@user_group.command("enable")
@click.argument("username")
def user_enable(username: str) -> None:
    """Let a disabled account log in again, with its old password (set a new one with `gridbot user passwd`)."""
    from storage import console_users

    def enable(session: Session) -> tuple[str, str, bool]:
        user, was_disabled = console_users.enable(session, username)
        return user.username, user.display_name, was_disabled

    name, shown, was_disabled = _in_transaction(enable, username)
    click.echo((texts.ENABLED if was_disabled else texts.ALREADY_ENABLED).format(username=name, name=shown))


@user_group.command("passwd")
@click.argument("username")
@click.pass_obj
def user_passwd(clock: Clock | None, username: str) -> None:
    """Set a new password (stdin or prompted twice); sessions logged in with the old one end."""
    from storage import console_users

    now = (clock or now_utc)()
    _in_transaction(lambda session: console_users.named(session, username), username)  # before asking for it
    password = read_password()
    name = _in_transaction(lambda session: console_users.set_password(session, username, password, now).username,
                           username)
    click.echo(texts.PASSWORD_CHANGED.format(username=name))


def read_password() -> str:
    """The password: one line of stdin when it is not a terminal, else typed twice without echo."""
    stdin = sys.stdin
    if not stdin.isatty():
        line = stdin.readline()
        if not line:
            fail(texts.NO_PASSWORD_ON_STDIN)
        return line.rstrip("\r\n")
    while True:
        first = click.prompt(texts.PASSWORD_PROMPT, hide_input=True, default="", show_default=False)
        second = click.prompt(texts.PASSWORD_AGAIN, hide_input=True, default="", show_default=False)
        if first == second:
            return str(first)
        click.echo(texts.PASSWORDS_DIFFER, err=True)


def _in_transaction(work: Callable[[Session], _T], username: str = "") -> _T:
    """`work` in one operator transaction; a refusal becomes one Chinese line (nothing written)."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage.console_users import InvalidAccount, WeakPassword
    from storage.errors import NotFound
    from storage.staff import AmbiguousPlace, UnclearPlace

    try:
        with operator_transaction() as session:
            return work(session)
    except WeakPassword as weak:
        fail(texts.WEAK_PASSWORD[weak.reason])
    except InvalidAccount as invalid:
        fail(texts.INVALID_ACCOUNT[invalid.reason].format(detail=invalid.detail))
    except AmbiguousPlace as several:
        fail(texts.AMBIGUOUS_COMMUNITY.format(name=several.name, candidates="、".join(several.candidates)))
    except UnclearPlace as unknown:
        street = unknown.kind == "street"
        hint = (texts.KNOWN_STREETS if street else texts.SIMILAR_COMMUNITIES).format(
            candidates="、".join(unknown.candidates)) if unknown.candidates else ""
        fail((texts.UNKNOWN_STREET if street else texts.UNKNOWN_COMMUNITY).format(name=unknown.name) + hint)
    except NotFound:
        fail(texts.NO_SUCH_USER.format(name=username))
    except SQLAlchemyError as error:
        fail_database(texts.DATABASE_FAILED, error)
