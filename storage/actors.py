"""Who did something to an appeal, as its audit trail records it (`appeal_events.actor_kind`, `actor_id`).

A resident and a staff member act through the chat; the system (dispatch, 督着办, a merge undone) acts on its own;
an operator at the server's command line is recorded as `console` with no id, or as a system read whose note names
the login (`storage.lookups.read_from_cli`: 命令行 <login>). An operator of the web console is a `console_user`
with their account's id: the trail names them 控制台 <显示名> (`storage.queries.timeline_with_names`), so a
console page passes `Actor.of_console(user)` to the storage function it calls and writes nothing of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from storage.models import ConsoleUser, Staff

# Who manages appeals: a staff member in the chat, or an operator in the web console. The lifecycle functions that
# an operator may call from either take one (`storage.staff.manages_grid` decides for both) and record `actor_of` it.
Manager = Staff | ConsoleUser


class ActorKind(StrEnum):
    RESIDENT = "resident"
    STAFF = "staff"
    SYSTEM = "system"
    CLI = "console"  # an operator command at the server (the name predates the web console)
    CONSOLE_USER = "console_user"  # an operator account of the web console


@dataclass(frozen=True)
class Actor:
    """One who acts: their kind and, for a resident, staff member or console account, their id."""

    kind: ActorKind
    id: int | None = None

    @classmethod
    def of_staff(cls, member: Staff) -> Actor:
        """A staff member acting through the chat."""
        return cls(ActorKind.STAFF, member.id)

    @classmethod
    def of_console(cls, user: ConsoleUser) -> Actor:
        """An operator acting in the web console."""
        return cls(ActorKind.CONSOLE_USER, user.id)


SYSTEM = Actor(ActorKind.SYSTEM)


def actor_of(by: Manager) -> Actor:
    """The audit trail's actor for a staff member or a console operator."""
    return Actor.of_console(by) if isinstance(by, ConsoleUser) else Actor.of_staff(by)


def name_of(by: Manager) -> str:
    """The name staff are told (退回, 不受理 by whom): a staff member's, or the operator's display name."""
    return by.display_name if isinstance(by, ConsoleUser) else by.name


def staff_id_of(by: Manager) -> int | None:
    """The staff id of a staff member; None for a console operator (who is no staff member)."""
    return None if isinstance(by, ConsoleUser) else by.id
