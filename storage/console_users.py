"""Operator accounts of the web console: who may log in, what each oversees, and the record of their logins.

A 管理员 oversees everything, a 街道 account one street, a 社区 account one community (`scope_of`); every console
page reads through that scope. Passwords are kept as werkzeug's scrypt hashes (a pure hashing module, no HTTP),
and a weak one is refused before it is hashed. Logging in checks the password even for an account that does not
exist (against a stand-in hash), so that the answer takes as long either way and says nothing of who has one.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from storage.errors import DomainError, NotAllowed, NotFound
from storage.models import Appeal, Community, ConsoleLogin, ConsoleRole, ConsoleUser, EndedLogin, LoginOutcome, Street
from storage.queries import Scope
from storage.staff import find_community, find_street

ROLE_WORDS = {"管理员": ConsoleRole.ADMIN, "街道": ConsoleRole.STREET, "社区": ConsoleRole.COMMUNITY}
ROLE_NAMES = {role: word for word, role in ROLE_WORDS.items()}
USERNAME = re.compile(r"[a-z0-9][a-z0-9_.-]{2,31}")
DISPLAY_NAME_MAX = 32
PASSWORD_MIN = 10
PASSWORD_MAX = 128  # scrypt takes any length; a megabyte typed at the login page should not cost a megabyte
# Passwords people pick first; each is refused whatever its length (with the check for one kind of character).
COMMON_PASSWORDS = frozenset({"password123", "password1234", "1234567890", "12345678910", "qwertyuiop",
                              "qwerty123456", "admin12345", "admin123456", "abc1234567", "a123456789",
                              "woaini1314", "iloveyou123", "gridbot123", "p@ssw0rd123"})
PASSWORD_METHOD = "scrypt"


class InvalidAccount(DomainError):
    """An account's username, role, scope or name is not usable; `reason` names which, `detail` what was given."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason  # bad_username | taken | bad_role | needs_scope | no_scope | bad_name | name_taken
        self.detail = detail


class WeakPassword(DomainError):
    """A password refused before it is stored; `reason`: empty | short | long | one_kind | has_username | common."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Account:
    """One account as `gridbot user list` shows it."""

    user: ConsoleUser
    scope_label: str  # the street or community it oversees; "" for a 管理员


def normalize_username(typed: str) -> str:
    """The username as stored and compared: full-width letters made plain, surrounding spaces gone, lower case."""
    return unicodedata.normalize("NFKC", typed or "").strip().lower()


def check_password(password: str, username: str) -> None:
    """Refuse a weak password (WeakPassword): empty, under 10 characters, letters or digits alone, one that holds
    the username, or one of the passwords people pick first."""
    if not password:
        raise WeakPassword("empty")
    if len(password) < PASSWORD_MIN:
        raise WeakPassword("short")
    if len(password) > PASSWORD_MAX:
        raise WeakPassword("long")
    kinds = sum(bool(re.search(pattern, password)) for pattern in (r"[A-Za-z]", r"[0-9]", r"[^A-Za-z0-9]"))
    if kinds < 2:
        raise WeakPassword("one_kind")
    if username and username in password.lower():
        raise WeakPassword("has_username")
    if password.lower() in COMMON_PASSWORDS:
        raise WeakPassword("common")


def add_user(session: Session, username: str, role_word: str, scope_name: str | None, display_name: str | None,
             password: str, now: datetime) -> ConsoleUser:
    """A new console account: its role (管理员, 街道, 社区), the street or community it oversees, the name its
    actions carry (the username when none is given) and its password (checked, then hashed)."""
    name = normalize_username(username)
    if not USERNAME.fullmatch(name):
        raise InvalidAccount("bad_username", username)
    role = ROLE_WORDS.get((role_word or "").strip())
    if role is None:
        raise InvalidAccount("bad_role", role_word)
    shown = unicodedata.normalize("NFKC", display_name or "").strip() or name
    if len(shown) > DISPLAY_NAME_MAX:
        raise InvalidAccount("bad_name", shown)
    street_id, community_id = _scope_ids(session, role, scope_name)
    check_password(password, name)
    # The accounts there are, locked (PostgreSQL): an account being added at the same moment (a double click on
    # 添加, two admins) is waited for and then found below, as taken, and not met on the unique key as a 500.
    session.execute(select(ConsoleUser.id).with_for_update())
    if session.scalars(select(ConsoleUser.id).where(ConsoleUser.username == name)).first() is not None:
        raise InvalidAccount("taken", name)
    # Actions carry the display name (控制台 孙丽 改派…): two accounts of one name could not be told apart there.
    if session.scalars(select(ConsoleUser.id).where(ConsoleUser.display_name == shown)).first() is not None:
        raise InvalidAccount("name_taken", shown)
    user = ConsoleUser(username=name, display_name=shown, role=role, street_id=street_id, community_id=community_id,
                       password_hash=generate_password_hash(password, method=PASSWORD_METHOD), active=True,
                       created_at=now, password_changed_at=now)
    session.add(user)
    session.flush()
    return user


def _scope_ids(session: Session, role: ConsoleRole, scope_name: str | None) -> tuple[int | None, int | None]:
    wanted = unicodedata.normalize("NFKC", scope_name or "").strip()
    if role is ConsoleRole.ADMIN:
        if wanted:
            raise InvalidAccount("no_scope", wanted)
        return None, None
    if not wanted:
        raise InvalidAccount("needs_scope", role)
    # Unknown: UnclearPlace with the streets there are, or the communities named like it (幸福里 for 幸福里社区).
    if role is ConsoleRole.STREET:
        return find_street(session, wanted).id, None
    return None, find_community(session, wanted).id


def accounts(session: Session) -> list[Account]:
    """Every account, by username, with the street or community it oversees."""
    streets = {street_id: name for street_id, name in session.execute(select(Street.id, Street.name))}
    communities = {community.id: f"{streets.get(community.street_id, '')}·{community.name}"
                   for community in session.scalars(select(Community))}
    return [Account(user, streets.get(user.street_id, "") if user.street_id is not None
                    else communities.get(user.community_id, "") if user.community_id is not None else "")
            for user in session.scalars(select(ConsoleUser).order_by(ConsoleUser.username))]


def named(session: Session, username: str) -> ConsoleUser:
    """The account of that username (NotFound when there is none)."""
    user = session.scalars(select(ConsoleUser).where(ConsoleUser.username == normalize_username(username))).first()
    if user is None:
        raise NotFound(username)
    return user


def _id_of(username: str) -> Select[tuple[int]]:
    return select(ConsoleUser.id).where(ConsoleUser.username == normalize_username(username))


def disable(session: Session, username: str, now: datetime) -> ConsoleUser:
    """Stop the account from logging in; its open sessions end at their next request. Kept, not deleted: its
    name stays on what it did."""
    user = named(session, username)
    if user.active:
        user.active, user.disabled_at, user.password_changed_at = False, now, now
    return user


def enable(session: Session, username: str) -> tuple[ConsoleUser, bool]:
    """Let a disabled account log in again, with the password it had (a 管理员 who suspects it leaked sets a new
    one); the account and whether it was disabled."""
    user = named(session, username)
    was_disabled = not user.active
    if was_disabled:
        user.active, user.disabled_at = True, None
    return user, was_disabled


def set_password(session: Session, username: str, password: str, now: datetime) -> ConsoleUser:
    """A new password for the account (checked, hashed); every session logged in with the old one ends."""
    user = named(session, username)
    check_password(password, user.username)
    user.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
    user.password_changed_at = now
    return user


@functools.cache
def _stand_in_hash() -> str:
    """A hash to check a password against when the account does not exist: the same work, the same answer."""
    return generate_password_hash("no such account: a stand-in to spend the same time", method=PASSWORD_METHOD)


def authenticate(session: Session, username: str, password: str) -> tuple[ConsoleUser | None, str]:
    """The active account whose password this is, with "ok"; or None and why not (unknown, wrong_password,
    disabled) for the login record, never for the person at the page."""
    user = session.scalars(select(ConsoleUser).where(ConsoleUser.username == normalize_username(username))).first()
    matches = check_password_hash(user.password_hash if user else _stand_in_hash(), password[:PASSWORD_MAX])
    if user is None:
        return None, "unknown"
    if not matches:
        return None, "wrong_password"
    if not user.active:
        return None, "disabled"
    return user, "ok"


def attempt(session: Session, username: str, password: str, ip: str,
            now: datetime) -> tuple[ConsoleUser | None, str]:
    """`authenticate`, and the attempt added to the login record (with the account's id when there is one)."""
    user, why = authenticate(session, username, password)
    user_id = user.id if user is not None else session.scalars(_id_of(username)).first()
    _record(session, username, user_id, ip, LoginOutcome.SUCCESS if user else LoginOutcome.FAILURE, why, now)
    return user, why


def refused_locked(session: Session, username: str, ip: str, lock: str, now: datetime) -> None:
    """Add to the login record an attempt refused unchecked because `lock` ("account", "address") holds."""
    _record(session, username, session.scalars(_id_of(username)).first(), ip, LoginOutcome.LOCKED, lock, now)


def _record(session: Session, username: str, user_id: int | None, ip: str, outcome: LoginOutcome,
            detail: str | None, now: datetime) -> None:
    session.add(ConsoleLogin(at=now, username=normalize_username(username)[:32], user_id=user_id, ip=ip[:45],
                             outcome=outcome, detail=detail))


def end_login(session: Session, login_id: str, until: datetime, now: datetime) -> None:
    """Remember that the login `login_id` was ended by 退出, until it would have expired (`until`); forget the ended
    logins already past theirs."""
    session.execute(delete(EndedLogin).where(EndedLogin.until < now))
    login_hash = _login_hash(login_id)
    if session.get(EndedLogin, login_hash) is not None:
        return
    try:
        with session.begin_nested():  # 退出 clicked twice: the other click may have just remembered it
            session.add(EndedLogin(login_hash=login_hash, until=until))
    except IntegrityError:
        pass


def login_ended(session: Session, login_id: str) -> bool:
    """Whether the login `login_id` was ended by 退出."""
    return session.get(EndedLogin, _login_hash(login_id)) is not None


def _login_hash(login_id: str) -> str:
    # The id opens nothing without the signed cookie, but a database dump need not hold it either.
    return hashlib.sha256(login_id.encode()).hexdigest()


def logins(session: Session, limit: int = 100) -> Sequence[ConsoleLogin]:
    """The latest attempts to log in, newest first."""
    return session.scalars(select(ConsoleLogin).order_by(ConsoleLogin.id.desc()).limit(limit)).all()


def scope_of(user: ConsoleUser) -> Scope:
    """What the account oversees: its community, its street, or (管理员) everything."""
    if user.role == ConsoleRole.ADMIN:
        return Scope()
    # A 社区 or 街道 account always names its place (add_user); were it lost, it must not widen to everything.
    if user.role == ConsoleRole.COMMUNITY and user.community_id is not None:
        return Scope(community_id=user.community_id)
    if user.role == ConsoleRole.STREET and user.street_id is not None:
        return Scope(street_id=user.street_id)
    raise NotAllowed("no_scope")


def appeal_within(session: Session, scope: Scope, ticket: str) -> Appeal | None:
    """The appeal of that ticket if it lies within the scope; None otherwise, whether it exists or not."""
    return session.scalars(select(Appeal).where(Appeal.ticket == ticket.strip().upper(), scope.condition())).first()
