"""The command table: verbs (full and short), who may use them, what argument they take; 帮助 is built from it."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Callable

from handlers import binding, faq, focus, merging, resident, review, staff, staff_binding, staff_texts, verification
from handlers import resident_texts as texts
from handlers.arguments import Arguments
from handlers.chasing import chase_command
from handlers.conversation import Conversation
from handlers.types import Kind, Reply
from storage.limits import TextField, excess
from storage.tickets import normalize_focus_code, normalize_ticket


class Takes(StrEnum):
    NOTHING = "nothing"
    TICKET = "ticket"
    TICKET_TEXT = "ticket_text"  # a ticket, then words (进展 G2611220007 已联系物业)
    TEXT = "text"  # words, required (上报 3号楼消防通道堆满杂物)
    CODE = "code"  # a short code of letters and digits (认证), required
    CASE_TEXT = "case_text"  # a focus-case number, then words (结案 J2611230001 已统一更换水管)


class Audience(StrEnum):
    RESIDENT = "resident"  # listed in residents' help; anyone may use it
    STAFF = "staff"  # listed in staff help; only bound staff may use it
    UNLISTED = "unlisted"  # anyone may use it, no help lists it (认证 is for people who aren't staff yet)


@dataclass(frozen=True)
class Command:
    """One chat command."""

    name: str
    verbs: tuple[str, ...]  # the full word first; help shows it
    usage: str
    summary: str
    takes: Takes
    run: Callable[[Conversation, Arguments], Reply]
    audience: Audience = Audience.RESIDENT
    limit: TextField | None = None  # the words after the number (or the TEXT) are this field, refused if longer

    @property
    def words_name(self) -> str:
        """What the usage calls the words: 说明, 原因, 部门, 内容, 类别."""
        return self.usage.rsplit(" ", 1)[-1]


def _help(conversation: Conversation, _arguments: Arguments) -> Reply:
    audience, header = ((Audience.STAFF, staff_texts.STAFF_HELP_HEADER) if conversation.is_staff
                        else (Audience.RESIDENT, texts.HELP_HEADER))
    lines = [texts.HELP_LINE.format(usage=command.usage, summary=command.summary)
             for command in COMMANDS if command.audience is audience or command.name == "help"]
    return Reply("\n".join([header, *lines]))


COMMANDS: tuple[Command, ...] = (
    Command("help", ("帮助", "help", "?", "菜单"), "帮助", "查看使用说明", Takes.NOTHING, _help),
    Command("my_appeals", ("我的诉求", "我的投诉", "我的工单"), "我的诉求", "查看最近5条诉求和状态", Takes.NOTHING,
            resident.my_appeals),
    Command("show", ("查询", "查看", "进度"), "查询 编号", "查看一条诉求的办理进度", Takes.TICKET, resident.show),
    Command("cancel_appeal", ("撤销", "撤回"), "撤销 编号", "撤销自己提交的诉求", Takes.TICKET, resident.cancel),
    Command("chase", ("催办",), "催办 编号", "催促办理自己提交的诉求", Takes.TICKET, chase_command),
    Command("bind", ("绑定", "绑定地址", "修改地址"), "绑定", "绑定或修改住址", Takes.NOTHING, binding.restart),
    Command("my_address", ("我的地址", "我的住址"), "我的地址", "查看绑定的住址", Takes.NOTHING, resident.my_address),
    Command("to_human", ("转人工", "人工", "人工客服"), "转人工", "自动答复没解决时，转给工作人员办理", Takes.NOTHING,
            faq.to_human),
    Command("quit", ("取消", "退出"), "取消", "退出正在进行的操作", Takes.NOTHING, binding.cancel),
    Command("certify", ("认证",), "认证 验证码", "工作人员绑定身份", Takes.CODE, staff_binding.certify,
            Audience.UNLISTED),
    Command("claim", ("接单", "接"), "接单 编号", "接下本网格（或转给您部门）的诉求", Takes.TICKET, staff.claim,
            Audience.STAFF),
    Command("progress", ("进展", "进"), "进展 编号 说明", "记录进展并通知居民", Takes.TICKET_TEXT, staff.progress,
            Audience.STAFF, TextField.NOTE),
    Command("resolve", ("办结", "结"), "办结 编号 说明", "办结，随后可发现场照片", Takes.TICKET_TEXT, staff.resolve,
            Audience.STAFF, TextField.NOTE),
    Command("give_back", ("退回", "退"), "退回 编号 原因", "不属于本网格，退回社区重新派发", Takes.TICKET_TEXT,
            staff.give_back, Audience.STAFF, TextField.NOTE),
    Command("transfer", ("转办", "转"), "转办 编号 部门", "转给部门或物业办理", Takes.TICKET_TEXT, staff.transfer,
            Audience.STAFF, TextField.DEPARTMENT),
    Command("pause", ("挂起", "挂"), "挂起 编号 原因", "暂停计时（如等配件）", Takes.TICKET_TEXT, staff.pause,
            Audience.STAFF, TextField.NOTE),
    Command("resume", ("恢复",), "恢复 编号", "恢复办理，时限顺延", Takes.TICKET, staff.resume, Audience.STAFF),
    Command("my_tasks", ("我的任务", "任务"), "我的任务", "查看办理中和待接单的任务", Takes.NOTHING, staff.my_tasks,
            Audience.STAFF),
    Command("report", ("上报",), "上报 内容", "巡查发现的问题，登记为本网格诉求", Takes.TEXT, staff.report,
            Audience.STAFF, TextField.APPEAL),
    Command("review_queue", ("待分类",), "待分类", "查看自动分类没把握的诉求（操作员、网格长）", Takes.NOTHING,
            review.waiting, Audience.STAFF),
    Command("reclassify", ("分类", "改分类"), "分类 编号 类别", "修改诉求类别（操作员、网格长）", Takes.TICKET_TEXT,
            review.reclassify, Audience.STAFF, TextField.CATEGORY),
    Command("merge", ("合并",), "合并 编号 目标编号", "同一问题的两条诉求并为一条（操作员、网格长）", Takes.TICKET_TEXT,
            merging.merge, Audience.STAFF),
    Command("split", ("拆分",), "拆分 编号", "撤销合并，诉求重新单独派发（操作员、网格长）", Takes.TICKET, merging.split,
            Audience.STAFF),
    Command("verify", ("核实",), "核实 编号", "上门核实后确认诉求居民的住址（可加入邻居的相同诉求）", Takes.TICKET,
            verification.confirm, Audience.STAFF),
    Command("focus", ("聚焦", "聚焦办"), "聚焦", "查看本网格（社区）反复出现的问题：聚焦事项", Takes.NOTHING,
            focus.list_cases, Audience.STAFF),
    Command("close_focus", ("结案",), "结案 案号 说明", "聚焦事项处理完毕后结案", Takes.CASE_TEXT, focus.close_case,
            Audience.STAFF, TextField.NOTE),
)

_VERBS = sorted(((verb.lower(), command) for command in COMMANDS for verb in command.verbs),
                key=lambda pair: -len(pair[0]))


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> tuple[Command, str] | None:
    """The command a message names and its argument; a bare ticket number means 查询."""
    original = text.strip()
    cleaned = unicodedata.normalize("NFKC", original)
    lowered = cleaned.lower()
    for verb, command in _VERBS:
        if not lowered.startswith(verb):
            continue
        # Matched on the normalised text, but the words are kept as typed (a resident reads them back);
        # verbs are CJK or ASCII, whose full-width forms normalise one character to one.
        rest = original[len(verb):].strip()
        if command.takes is Takes.NOTHING and rest:
            continue  # "绑定好了吗" is a sentence, not the command 绑定
        if command.takes is Takes.TICKET and rest and normalize_ticket(rest) is None:
            continue  # "查询一下低保怎么办" is a question for the intake, not 查询
        if command.takes in _NUMBERED and rest and _number_then_text(command.takes, rest) is None:
            continue  # "结果怎么样了" is a sentence, not 办结 (结); "结案了吗" is a question, not 结案
        if command.takes is Takes.CODE and rest and not _CODE_LIKE.fullmatch(unicodedata.normalize("NFKC", rest)):
            continue  # "认证码是多少" is a question, not a code
        return command, rest
    if normalize_ticket(cleaned) is not None and re.search(r"\d{10}", cleaned):
        return _BY_NAME["show"], cleaned
    return None


_BY_NAME = {command.name: command for command in COMMANDS}
_CODE_LIKE = re.compile(r"[0-9A-Za-z\- ]{1,16}")
# A number, then words: an appeal's ticket (进展 G2611220007 已联系物业) or a focus case's (结案 J2611230001 …).
_NUMBERED: dict[Takes, tuple[re.Pattern[str], Callable[[str], str | None]]] = {
    Takes.TICKET_TEXT: (re.compile(r"([Gg]?\d{10,})\s*(.*)", re.DOTALL), normalize_ticket),
    Takes.CASE_TEXT: (re.compile(r"([Jj]?\d{10,})\s*(.*)", re.DOTALL), normalize_focus_code),
}


def _number_then_text(takes: Takes, argument: str) -> tuple[str, str] | None:
    """("G2611220007", "已联系物业") from "g2611220007 已联系物业"; None if it doesn't start with such a number."""
    pattern, normalize = _NUMBERED[takes]
    match = pattern.fullmatch(unicodedata.normalize("NFKC", argument))
    if match is None:
        return None
    number = normalize(match.group(1))
    # A number's characters normalise one to one, so the words start at the same place in the original.
    return (number, argument[match.end(1):].strip()) if number else None


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
    if command.audience is Audience.STAFF and not conversation.is_staff:
        return Reply(staff_texts.NOT_YOURS)
    arguments = arguments_of(command, argument)
    if arguments is None:
        return Reply(texts.NEEDS_TICKET.format(verb=command.verbs[0]) if command.takes is Takes.TICKET
                     else staff_texts.NEEDS_TEXT.format(usage=command.usage))
    too_long = excess(command.limit, arguments.words) if command.limit else None
    if too_long is not None:  # refused before anything runs: nothing of it is stored or sent
        return Reply(staff_texts.TOO_LONG.format(what=command.words_name, limit=too_long.limit,
                                                 length=too_long.length))
    return command.run(conversation, arguments)


def arguments_of(command: Command, argument: str) -> Arguments | None:
    """What `parse` found after the verb, parsed for the callback; None when what the command takes is missing."""
    if command.takes in _NUMBERED:
        split = _number_then_text(command.takes, argument)
        if split is None or not split[1]:
            return None
        number, words = split
        if command.takes is Takes.CASE_TEXT:
            return Arguments(case_code=number, words=words)
        return Arguments(ticket=number, words=words)
    if command.takes is Takes.TICKET:
        ticket = normalize_ticket(argument)
        return Arguments(ticket=ticket) if ticket is not None else None
    if command.takes in (Takes.CODE, Takes.TEXT):
        return Arguments(words=argument) if argument else None
    return Arguments()
