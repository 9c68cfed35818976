"""The command table: verbs (full and short), who may use them, what argument they take; 帮助 is built from it."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Callable

from handlers import binding, resident, staff_binding, staff_texts
from handlers import resident_texts as texts
from handlers.conversation import Conversation
from handlers.types import Kind, Reply
from storage.tickets import normalize_ticket


class Takes(StrEnum):
    NOTHING = "nothing"
    TICKET = "ticket"
    CODE = "code"  # a short code of letters and digits (认证), required


@dataclass(frozen=True)
class Command:
    """One chat command."""

    name: str
    verbs: tuple[str, ...]  # the full word first; help shows it
    usage: str
    summary: str
    takes: Takes
    run: Callable[[Conversation, str], Reply]


def _help(conversation: Conversation, _argument: str) -> Reply:
    lines = [texts.HELP_LINE.format(usage=command.usage, summary=command.summary) for command in COMMANDS]
    return Reply("\n".join([texts.HELP_HEADER, *lines]))


COMMANDS: tuple[Command, ...] = (
    Command("help", ("帮助", "help", "?", "菜单"), "帮助", "查看使用说明", Takes.NOTHING, _help),
    Command("my_appeals", ("我的诉求", "我的投诉", "我的工单"), "我的诉求", "查看最近5条诉求和状态", Takes.NOTHING,
            resident.my_appeals),
    Command("show", ("查询", "查看", "进度"), "查询 编号", "查看一条诉求的办理进度", Takes.TICKET, resident.show),
    Command("cancel_appeal", ("撤销", "撤回"), "撤销 编号", "撤销自己提交的诉求", Takes.TICKET, resident.cancel),
    Command("bind", ("绑定", "绑定地址", "修改地址"), "绑定", "绑定或修改住址", Takes.NOTHING, binding.restart),
    Command("my_address", ("我的地址", "我的住址"), "我的地址", "查看绑定的住址", Takes.NOTHING, resident.my_address),
    Command("quit", ("取消", "退出"), "取消", "退出正在进行的操作", Takes.NOTHING, binding.cancel),
    Command("certify", ("认证",), "认证 验证码", "工作人员绑定身份", Takes.CODE, staff_binding.certify),
)

_VERBS = sorted(((verb.lower(), command) for command in COMMANDS for verb in command.verbs),
                key=lambda pair: -len(pair[0]))


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> tuple[Command, str] | None:
    """The command a message names and its argument; a bare ticket number means 查询."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    lowered = cleaned.lower()
    for verb, command in _VERBS:
        if not lowered.startswith(verb):
            continue
        rest = cleaned[len(verb):].strip()
        if command.takes is Takes.NOTHING and rest:
            continue  # "绑定好了吗" is a sentence, not the command 绑定
        if command.takes is Takes.TICKET and rest and normalize_ticket(rest) is None:
            continue  # "查询一下低保怎么办" is a question for the intake, not 查询
        if command.takes is Takes.CODE and rest and not _CODE_LIKE.fullmatch(rest):
            continue  # "认证码是多少" is a question, not a code
        return command, rest
    if normalize_ticket(cleaned) is not None and re.search(r"\d{10}", cleaned):
        return _BY_NAME["show"], cleaned
    return None


_BY_NAME = {command.name: command for command in COMMANDS}
_CODE_LIKE = re.compile(r"[0-9A-Za-z\- ]{1,16}")


def matches(conversation: Conversation) -> bool:
    """A text (or recognised voice) that is a command."""
    inbound = conversation.inbound
    return inbound.kind in (Kind.TEXT, Kind.VOICE) and parse(inbound.text) is not None


def handle(conversation: Conversation) -> Reply:
    """Run the command the message names."""
    return run_text(conversation, conversation.inbound.text) or Reply.silent()


def run_text(conversation: Conversation, text: str) -> Reply | None:
    """Run `text` as a command (also used for menu clicks); None if it is not one."""
    parsed = parse(text)
    if parsed is None:
        return None
    command, argument = parsed
    if command.takes is Takes.TICKET:
        ticket = normalize_ticket(argument)
        if ticket is None:
            return Reply(texts.NEEDS_TICKET.format(verb=command.verbs[0]))
        argument = ticket
    if command.takes is Takes.CODE and not argument:
        return Reply(staff_texts.NEEDS_TEXT.format(usage=command.usage))
    return command.run(conversation, argument)
