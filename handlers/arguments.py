"""What a chat command's words say, parsed once by the command table (handlers/commands.py) for its callback."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Arguments:
    """A command's parsed argument; each command fills what its `Takes` names, the rest stays empty."""

    ticket: str = ""  # an appeal's number, normalised (G2611220007): 查询, 接单, 进展 …
    case_code: str = ""  # a focus case's number, normalised (J2611230001): 结案
    words: str = ""  # the words after the number (进展 … 已联系物业), or all of them (上报, 认证), as typed
    tickets: tuple[str, ...] = ()  # several numbers in one message (接单 G2612020014 G2612020015), normalised
    position: int | None = None  # 接 1, 结 2 已修好: a place in the member's last task list, not yet read as a ticket
    positions: tuple[int, ...] = ()  # 接 1 2, 接 1、3: several places in that list, not yet read as tickets
    near_ticket: str = ""  # a number that is not a ticket's length (G261202014): the sender is told the format


# Said before whom a task goes to, as people say it aloud: 改派 G… 给张伟, 转办 G… 到综合执法中队; and a member's
# title before their name (改派 G… 给网格员张伟).
_HANDED_TO = ("交给", "转给", "派给", "给", "到")
_TITLES = ("网格员", "网格长")


def recipient(words: str) -> str:
    """The grid, member or department named in 改派 and 转办, without the 给 or 到 (or a title) said before it, nor
    the reason said after a comma (改派 G… 陈晨，她熟悉情况): no name of a grid, person or unit holds one."""
    named = _AFTER_A_COMMA.sub("", words).strip()
    for lead in (_HANDED_TO, _TITLES):
        named = _without_lead(named, lead)
    return named


_AFTER_A_COMMA = re.compile(r"[，,；;。].*$", re.S)


def reason_after(words: str) -> str:
    """The reason said after the name in 改派 (改派 G… 陈晨，她熟悉情况: 她熟悉情况), for the new holder's card."""
    said = _AFTER_A_COMMA.search(words)
    return said.group(0)[1:].strip(" \t，,；;。") if said else ""


def _without_lead(named: str, leads: tuple[str, ...]) -> str:
    for lead in leads:
        if named.startswith(lead) and len(named) > len(lead):
            return named[len(lead):].lstrip()
    return named
