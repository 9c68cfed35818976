"""What a chat command's words say, parsed once by the command table (handlers/commands.py) for its callback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Arguments:
    """A command's parsed argument; each command fills what its `Takes` names, the rest stays empty."""

    ticket: str = ""  # an appeal's number, normalised (G2611220007): 查询, 接单, 进展 …
    case_code: str = ""  # a focus case's number, normalised (J2611230001): 结案
    words: str = ""  # the words after the number (进展 … 已联系物业), or all of them (上报, 认证), as typed
    tickets: tuple[str, ...] = ()  # several numbers in one message (接单 G2612020014 G2612020015), normalised
    position: int | None = None  # 接 1, 结 2 已修好: a place in the member's last task list, not yet read as a ticket
    near_ticket: str = ""  # a number that is not a ticket's length (G261202014): the sender is told the format
