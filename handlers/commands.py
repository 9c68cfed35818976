"""The command table: verbs (full and short), who may use them, what argument they take; 帮助 is built from it."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Callable

from handlers import (
    binding,
    building_lead,
    contacts,
    dialogues,
    duty,
    enrolment,
    faq,
    focus,
    help_pages,
    joins,
    merging,
    notice_chat,
    points,
    rating,
    reassigning,
    rejecting,
    resident,
    review,
    staff,
    staff_binding,
    staff_texts,
    supervising,
    task_list,
    verification,
    volunteering,
)
from handlers import community_texts as lead_texts
from handlers import resident_texts as texts
from handlers.arguments import Arguments
from handlers.chasing import chase_command
from handlers.conversation import Conversation
from handlers.types import Kind, Reply
from nlp.cleaning import NUMERAL_DIGITS, spoken_ticket_digits, to_simplified
from storage import enrolments
from storage import staff as staff_store
from storage.contact_input import DELETE_WORDS, InvalidContact, phone_number, says_a_door
from storage.duty import calls_off_leave, names_leave
from storage.limits import TextField, excess
from storage.models import COMMUNITY_ROLES, GRID_BOUND, NEIGHBOUR_REPORTERS, StaffRole
from storage.tickets import (
    FOCUS_PREFIX,
    WISH_PREFIX,
    normalize_focus_code,
    normalize_ticket,
    normalize_wish_code,
)
from storage.verification import VERIFIERS


class Takes(StrEnum):
    NOTHING = "nothing"
    TICKET = "ticket"
    TICKET_TEXT = "ticket_text"  # a ticket, then words (进展 G2611220007 已联系物业)
    TEXT = "text"  # words, required (上报 3号楼消防通道堆满杂物)
    CODE = "code"  # a short code of letters and digits (认证), required
    CASE_TEXT = "case_text"  # a focus-case number, then words (结案 J2611230001 已统一更换水管)
    CONTACT = "contact"  # a phone number or a 门牌 (with a digit), or 删除; nothing: show it (我的电话, 门牌)
    PHONE = "phone"  # a phone number and nothing else (电话 13912345678: 我的电话 said shorter)
    DAY = "day"  # a day, days, or nothing (请假 到 12月31日, 请假 下周一到周三, 请假)
    SCOPE_TEXT = "scope_text"  # a scope, then words (通知 幸福里社区/第一网格 周六消防演练)
    CHOICE = "choice"  # nothing, or one of the command's `choices` (积分排行 社区)
    TASK = "task"  # a volunteer task's number: an appeal's ticket or a 微心愿's (领单 W2612020001)
    TASK_TEXT = "task_text"  # a task's number, then words (完成 W2612020001 菜已送到)


class Several(StrEnum):
    """What a command does with two ticket numbers in one message (voice reads out a whole list)."""

    REFUSE = "refuse"  # one at a time, and the reply says so: never glued into one bogus number
    EACH = "each"  # acts on each in turn (接单 G2612020014 G2612020015)
    TARGET = "target"  # the second number is the command's words (合并 编号 目标编号)


class Audience(StrEnum):
    RESIDENT = "resident"  # listed in residents' help; anyone may use it
    STAFF = "staff"  # listed in staff help; only bound staff may use it (never a 楼长: they are no grid staff)
    # The community's own people (COMMUNITY_ROLES: 楼长, 单元长, 党员中心户, 党员, 志愿者), or those of them the
    # command's `roles` name: listed in their help with the residents' commands; only they may use it.
    COMMUNITY = "community"
    # Anyone with a Staff row, grid staff and the community's own people alike (我的积分): listed in both their
    # helps, never in residents'; a resident may still send it, and the command itself tells them why it is not
    # theirs (who earns points) instead of a refusal.
    STAFF_AND_COMMUNITY = "staff_and_community"
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
    several: Several = Several.REFUSE
    # STAFF: help lists it only to these roles; COMMUNITY: only these may use it. None named: every role.
    roles: tuple[StaffRole, ...] = ()
    # 进展 已联系物业, 办结，已修好, 补充 明天家里有人: the words alone name the sender's one task in progress, or open appeal
    bare_words: bool = False
    choices: tuple[str, ...] = ()  # Takes.CHOICE: the words it takes (积分排行 社区); others make it no command

    @property
    def words_name(self) -> str:
        """What the usage calls the words: 说明, 原因, 部门, 内容, 类别."""
        return self.usage.rsplit(" ", 1)[-1]


    @property
    def short(self) -> str | None:
        """The short form staff can say with one hand (接 for 接单, 结 for 办结), if it has one."""
        shorter = [verb for verb in self.verbs[1:] if len(verb) < len(self.verbs[0]) and verb in self.verbs[0]]
        return min(shorter, key=len) if shorter else None


def _help(conversation: Conversation, arguments: Arguments) -> Reply:
    """帮助 [页]: residents' commands, those of a member of the community's own people (theirs by role, then the
    residents'), or the staff member's own (by role, with 查询 and the short forms); in pages that fit a reply."""
    number = help_pages.page_number(arguments.words)
    member = conversation.volunteer
    if member is not None:
        lines = [lead_texts.HELP_LINE.format(usage=command.usage, summary=command.summary)
                 for audience in (Audience.COMMUNITY, Audience.STAFF_AND_COMMUNITY, Audience.RESIDENT)
                 for command in COMMANDS if command.audience is audience and _for_role(command, member.role)
                 and command.name not in _JOINING]
        header = lead_texts.HELP_HEADER.format(role=lead_texts.role_name(member.role))
        return Reply(help_pages.page(lines, number, help_pages.Wording(header, lead_texts.HELP_CONTINUED,
                                                                       lead_texts.HELP_MORE)))
    if not conversation.is_staff:
        lines = [texts.HELP_LINE.format(usage=command.usage, summary=command.summary)
                 for command in COMMANDS if command.audience is Audience.RESIDENT]
        header = texts.HELP_HEADER
        if dialogues.named(conversation, binding.DIALOG) is not None:  # the menu still waits for an answer
            header = f"{texts.HELP_WHILE_BINDING}\n{header}"
        return Reply(help_pages.page(lines, number, help_pages.Wording(header, texts.HELP_CONTINUED,
                                                                       texts.HELP_MORE)))
    role = StaffRole(conversation.staff.role)
    # 上报 files in the member's grid, a 物业 clerk of a whole community's in the grid of the building named (and
    # their help says so).
    gridless = conversation.staff.grid_id is None and conversation.staff.community_id is None
    listed = [command for command in COMMANDS if command.name in _STAFF_TOO
              or command.audience is Audience.STAFF_AND_COMMUNITY
              or (command.audience is Audience.STAFF and (not command.roles or role in command.roles)
                  and not (command.name == "report" and gridless))]
    community_wide = conversation.staff.grid_id is None and conversation.staff.community_id is not None
    lines = [staff_texts.HELP_LINE.format(usage=staff_texts.REPORT_USAGE_COMMUNITY_WIDE,
                                          summary=staff_texts.REPORT_SUMMARY_COMMUNITY_WIDE, short="")
             if command.name == "report" and community_wide
             else staff_texts.HELP_LINE.format(usage=command.usage, summary=command.summary,
                                               short=staff_texts.HELP_SHORT.format(short=command.short)
                                               if command.short else "")
             for command in listed]
    return Reply(help_pages.page(lines, number, help_pages.Wording(
        staff_texts.STAFF_HELP_HEADER, staff_texts.HELP_CONTINUED, staff_texts.HELP_MORE)))


_STAFF_TOO = ("help", "show")  # residents' commands staff use as well
_JOINING = ("enrol_party_member", "enrol_volunteer")  # residents' commands a member has no more use for
_OVERSEERS = (StaffRole.GRID_LEADER, StaffRole.OPERATOR)
_WISH_POSTERS = (StaffRole.GRID_MEMBER, StaffRole.GRID_LEADER, StaffRole.OPERATOR)  # 发布心愿, 确认完成

COMMANDS: tuple[Command, ...] = (
    Command("help", ("帮助", "help", "?", "菜单"), "帮助", "查看使用说明", Takes.CHOICE, _help,
            choices=help_pages.PAGE_WORDS),
    # 述求, 查寻, 撤消: how voice input and quick typing write 诉求, 查询 and 撤销.
    Command("my_appeals", ("我的诉求", "我的投诉", "我的工单", "我的述求", "我的代报"), "我的诉求", "查看最近5条诉求和状态", Takes.NOTHING,
            resident.my_appeals),
    Command("show", ("查询", "查看", "进度", "查一下", "查寻"), "查询 编号", "查看一条诉求的办理进度", Takes.TICKET, resident.show),
    Command("cancel_appeal", ("撤销", "撤回", "撤消"), "撤销 编号", "撤销自己提交的诉求", Takes.TICKET, resident.cancel),
    Command("chase", ("催办",), "催办 编号", "催促办理自己提交的诉求", Takes.TICKET, chase_command),
    # What residents guess from 1/2/3 and 我也遇到 with a ticket: never filed as an appeal of a number.
    Command("rate", ("评价",), "评价 编号 1/2/3", "评价已办结的诉求：1 满意、2 基本满意、3 不满意", Takes.TICKET_TEXT,
            rating.rate_by_ticket, Audience.UNLISTED),
    Command("join_by_ticket", ("加入", "我也遇到"), "加入 编号", "加入邻居反映的同一问题", Takes.TICKET, joins.by_ticket,
            Audience.UNLISTED),
    Command("add_words", ("补充",), "补充 编号 内容", "告诉办理人更多情况（只有一件在办时可不写编号）",
            Takes.TICKET_TEXT, resident.add_words, limit=TextField.NOTE, bare_words=True),
    # How people say they moved, want another address or chose a wrong one: 我已经搬家了, 我们家搬家了, 我搬家啦,
    # 换地址, 我要改地址, 我想换个地址, 地址变了, 我绑错地址了, 住址填错了.
    Command("bind", ("绑定", "绑定地址", "修改地址", "更换地址", "绑定住址", "修改住址", "更换住址", "我搬家了", "搬家了",
                     "我们搬家了", "我家搬家了", "我们家搬家了", "我已经搬家了", "已经搬家了", "我搬家啦", "搬家啦", "搬家",
                     "改地址", "换地址", "换个地址", "更改地址", "改住址", "换住址", "换个住址", "更改住址", "地址变了",
                     "住址变了", "地址错了", "住址错了", "地址填错了", "住址填错了", "地址绑错了", "绑错地址了", "我绑错地址了",
                     "我地址绑错了", "我的地址错了", "我的住址错了"), "绑定", "绑定或修改住址",
            Takes.NOTHING, binding.restart),
    Command("my_address", ("我的地址", "我的住址", "我的信息", "我的个人信息", "查看我的信息", "查看我的个人信息", "我的资料",
                           "查看我的资料"), "我的地址", "查看绑定的住址和留下的联系方式", Takes.NOTHING,
            resident.my_address),
    Command("my_data", ("删除我的信息", "删除我的个人信息", "删除个人信息", "删除我的资料", "删除我的数据", "删除我的记录",
                        "注销", "注销账号", "注销账户", "注销我的信息", "删除地址", "删除住址", "删除我的地址",
                        "删除我的住址", "解除绑定", "解绑", "解绑地址", "解除绑定住址", "你们保存了我哪些信息",
                        "保存了我哪些信息", "你们有我哪些信息", "你们有我的哪些信息", "我的信息有哪些"), "删除我的信息", "查看保存了您哪些信息、怎样删除",
            Takes.NOTHING, resident.my_data),
    Command("to_human", ("转人工", "人工", "人工客服", "人工服务", "转人工服务", "找人工", "找人工服务"), "转人工", "自动答复没解决时，转给工作人员办理", Takes.NOTHING,
            faq.to_human),
    Command("quit", ("取消", "退出"), "取消", "退出正在进行的操作", Takes.NOTHING, binding.cancel),
    # 我想留个电话: how to leave it (and with the number, left), never an appeal of those words.
    Command("my_phone", ("我的电话", "我的手机", "留个电话", "留电话", "留下电话", "留个手机号"), "我的电话 号码", "留个电话方便办理人联系您（可选，只有办理人能看到完整号码）",
            Takes.CONTACT, contacts.my_phone),
    Command("phone_given", ("联系电话", "电话号码", "手机号码", "手机号", "电话", "手机"), "电话 号码", "留电话（同 我的电话）",
            Takes.PHONE, contacts.phone_given, Audience.UNLISTED),
    Command("door", ("门牌号", "门牌"), "门牌 门牌号", "留下门牌，如 3号楼2单元501（可选，只有办理人能看到）", Takes.CONTACT,
            contacts.door),
    # Said the way people say it (删除我的电话, 删掉手机号): before these, each was filed as an appeal and the
    # number stayed.
    Command("forget_phone", ("删除电话", "删除我的电话", "删除电话号码", "删除我的电话号码", "删除联系电话", "删除手机",
                             "删除手机号", "删除手机号码", "删除我的手机", "删除我的手机号", "删除我的手机号码", "删掉电话",
                             "删掉我的电话", "删掉手机号", "删掉我的手机号"), "删除电话", "删除留下的电话", Takes.NOTHING, contacts.forget_phone,
            Audience.UNLISTED),
    Command("forget_door", ("删除门牌", "删除门牌号", "删除我的门牌", "删除我的门牌号", "删掉门牌", "删掉门牌号",
                            "删掉我的门牌"), "删除门牌", "删除留下的门牌", Takes.NOTHING, contacts.forget_door,
            Audience.UNLISTED),
    Command("certify", ("认证",), "认证 验证码", "工作人员绑定身份", Takes.CODE, staff_binding.certify,
            Audience.UNLISTED),
    # What members say back to a card (接了 G…, 我来处理 G…): with a ticket or a place only, never a sentence.
    Command("claim", ("接单", "接", "接了", "接单了", "我接了", "我来接", "我来处理"), "接单 编号", "接下本网格（或转给您部门）的诉求", Takes.TICKET, staff.claim,
            Audience.STAFF, several=Several.EACH),
    Command("progress", ("进展", "进"), "进展 编号 说明", "记录进展并通知居民", Takes.TICKET_TEXT, staff.progress,
            Audience.STAFF, TextField.NOTE, bare_words=True),
    # 结单 is what a work order's closing is called; 已办结 G… is how a member reports it done.
    Command("resolve", ("办结", "结", "结单", "已办结"), "办结 编号 说明", "办结，随后可发现场照片", Takes.TICKET_TEXT, staff.resolve,
            Audience.STAFF, TextField.NOTE, bare_words=True),
    Command("give_back", ("退回", "退"), "退回 编号 原因", "不归本网格（本单位）办理的，退回社区重新派发", Takes.TICKET_TEXT,
            staff.give_back, Audience.STAFF, TextField.NOTE),
    Command("transfer", ("转办", "转"), "转办 编号 部门", "转给部门或物业办理", Takes.TICKET_TEXT, staff.transfer,
            Audience.STAFF, TextField.DEPARTMENT),
    Command("pause", ("挂起", "挂"), "挂起 编号 原因", "暂停计时（如等配件）", Takes.TICKET_TEXT, staff.pause,
            Audience.STAFF, TextField.NOTE),
    Command("resume", ("恢复", "恢复办理", "取消挂起"), "恢复 编号", "恢复办理，时限顺延", Takes.TICKET, staff.resume, Audience.STAFF),
    Command("work_phone", ("工作电话",), "工作电话 号码", "公布工作电话，居民的“已接单”通知会附上（工作电话 删除：撤下）",
            Takes.CONTACT, contacts.work_phone, Audience.STAFF),
    Command("my_tasks", ("我的任务", "任务"), "我的任务", "查看任务，最急的在前（每页10条）", Takes.NOTHING,
            task_list.my_tasks, Audience.STAFF),
    Command("more_tasks", ("更多", "下一页"), "更多", "我的任务的下一页", Takes.NOTHING, task_list.more, Audience.STAFF),
    # 超时, 逾期: the words the 督办 notices use (超时未响应) and the assessment's.
    Command("overdue", ("超期", "本网格超期", "超期任务", "本社区超期", "超时", "超时任务", "逾期", "逾期任务"), "超期",
            "查看本网格（社区）全部超期和无人接单的任务、谁在办、超了多久（网格长、操作员）", Takes.NOTHING,
            task_list.overdue, Audience.STAFF, roles=_OVERSEERS),
    Command("report", ("上报",), "上报 内容", "巡查发现的问题，登记为本网格诉求", Takes.TEXT, staff.report,
            Audience.STAFF, TextField.APPEAL, roles=GRID_BOUND),  # a grid, or a community of buildings, to file it in
    Command("review_queue", ("待分类",), "待分类", "查看自动分类没把握的诉求（操作员、网格长）", Takes.NOTHING,
            review.waiting, Audience.STAFF, roles=_OVERSEERS),
    Command("reclassify", ("分类", "改分类"), "分类 编号 类别", "修改诉求类别（操作员、网格长）", Takes.TICKET_TEXT,
            review.reclassify, Audience.STAFF, TextField.CATEGORY, roles=_OVERSEERS),
    Command("merge", ("合并",), "合并 编号 目标编号", "同一问题的两条诉求并为一条（操作员、网格长）", Takes.TICKET_TEXT,
            merging.merge, Audience.STAFF, several=Several.TARGET, roles=_OVERSEERS),
    Command("split", ("拆分",), "拆分 编号", "撤销合并，诉求重新单独派发（操作员、网格长）", Takes.TICKET, merging.split,
            Audience.STAFF, roles=_OVERSEERS),
    Command("reassign", ("改派",), "改派 编号 网格或姓名", "把退回、无人接或需换人的诉求改派给网格或网格员", Takes.TICKET_TEXT,
            reassigning.reassign, Audience.STAFF, roles=_OVERSEERS),  # the name and its reason: each its own limit
    Command("reject", ("不受理",), "不受理 编号 原因", "不是诉求的消息（如致谢、闲聊），说明原因后关闭（操作员、网格长）",
            Takes.TICKET_TEXT, rejecting.reject, Audience.STAFF, TextField.NOTE, roles=_OVERSEERS),
    Command("verify", ("核实",), "核实 编号", "上门核实后确认诉求居民的住址（可加入邻居的相同诉求）", Takes.TICKET,
            verification.confirm, Audience.STAFF, roles=VERIFIERS),
    Command("leave", ("请假", "休假"), "请假 到 12月31日", "不派新任务，到期自动在岗（不写日期：直到销假；请假 明天、请假 周一到周三：只请那几天）",
            Takes.DAY, duty.leave, Audience.STAFF),
    Command("back", ("销假", "取消请假", "不请假了"), "销假", "提前结束请假，恢复在岗", Takes.NOTHING, duty.back,
            Audience.STAFF),
    Command("supervise", ("督办",), "督办 编号 要求",
            "督促承办人（无人接单时：可以接单的人；已退回的：社区操作员）尽快办理（操作员、网格长）",
            Takes.TICKET_TEXT, supervising.supervise, Audience.STAFF, TextField.NOTE, roles=_OVERSEERS),
    # 帮邻居代报 2单元 …: the neighbour said before the verb, not words of the lead's own problem.
    Command("report_for_neighbour", ("代报", "帮邻居代报", "替邻居代报", "代邻居报"), lead_texts.DAIBAO_USAGE, "替不用微信的邻居反映问题，进展会发给您",
            Takes.TEXT, building_lead.report_for_neighbour, Audience.COMMUNITY, roles=NEIGHBOUR_REPORTERS),
    Command("focus", ("聚焦", "聚焦办"), "聚焦", "查看本网格（社区）反复出现的问题：聚焦事项", Takes.NOTHING,
            focus.list_cases, Audience.STAFF),
    Command("close_focus", ("结案",), "结案 案号 说明", "聚焦事项处理完毕后结案", Takes.CASE_TEXT, focus.close_case,
            Audience.STAFF, TextField.NOTE),
    Command("notice", ("通知",), "通知 范围 内容", "给范围内的居民发通知，先看预览再确认（操作员：本社区，街道操作员：本街道；网格长：本网格）",
            Takes.SCOPE_TEXT, notice_chat.draft, Audience.STAFF, roles=_OVERSEERS),
    Command("urgent_notice", ("紧急通知",), "紧急通知 范围 内容",
            "停水、停电、停气、防汛等紧急通知：用模板消息发，退订了一般通知的居民也收到，不占每月 4 条群发", Takes.SCOPE_TEXT,
            notice_chat.draft_urgent, Audience.STAFF, roles=_OVERSEERS),
    Command("staff_notice", ("工作通知",), "工作通知 范围 内容",
            "只给范围内的工作人员（网格员、网格长、物业、楼长，街道、社区范围还有部门人员）发通知，如例会、工作安排，先看预览再确认", Takes.SCOPE_TEXT,
            notice_chat.draft_for_staff, Audience.STAFF, roles=_OVERSEERS),
    Command("notice_progress", ("通知进度",), "通知进度 编号", "查看通知发送到哪儿了（操作员、网格长）", Takes.CODE,
            notice_chat.progress, Audience.STAFF, roles=_OVERSEERS),
    Command("notice_cancel", ("撤销通知", "撤回通知"), "撤销通知 编号", "发错的通知：还没发出的部分不再发送（操作员、网格长）",
            Takes.CODE, notice_chat.cancel_notice, Audience.STAFF, roles=_OVERSEERS),
    Command("relayed", ("已转达", "已转达了", "转达了", "已经转达", "已经转达了"), "已转达 编号", "通知已转告不用微信的邻居", Takes.CODE, notice_chat.relayed,
            Audience.COMMUNITY, roles=(StaffRole.BUILDING_LEAD,)),
    Command("notice_show", ("通知全文",), "通知全文 编号", "查看一条通知的全文", Takes.CODE, notice_chat.show,
            Audience.UNLISTED),
    Command("recent_notices", ("最近通知", "最近的通知", "我的通知", "通知列表", "以前的通知", "收到的通知"), "最近通知",
            "查看最近 30 天发给您的通知和编号（回复编号看全文）", Takes.NOTHING, notice_chat.recent),
    Command("opt_out", ("退订通知", "退订", "取消订阅", "TD"), "退订通知", "不再接收一般通知（停水停电等紧急通知仍会收到）", Takes.NOTHING,
            notice_chat.opt_out),
    Command("opt_in", ("订阅通知", "订阅", "重新订阅", "恢复订阅"), "订阅通知", "重新接收通知", Takes.NOTHING, notice_chat.opt_in),
    # --- 党员报到 / 志愿者报名 and their confirmation (handlers/enrolment.py) ---
    Command("enrol_party_member", ("党员报到",), "党员报到", "在职党员到居住的小区报到，社区确认后可领任务、代报",
            Takes.NOTHING, enrolment.party_member),
    Command("enrol_volunteer", ("志愿者报名",), "志愿者报名", "报名成为社区志愿者，社区确认后可领任务", Takes.NOTHING,
            enrolment.volunteer),
    # Unlisted: said to those waiting (ENROL_SENT, ENROL_PENDING), not a line in every resident's help.
    Command("withdraw_enrolment", ("撤回报名", "取消报名", "撤回报到", "取消报到", "撤销报名", "撤销报到"), "撤回报名",
            "撤回还在等待社区确认的党员报到或志愿者报名", Takes.NOTHING, enrolment.withdraw, Audience.UNLISTED),
    Command("enrolments", ("报到待确认",), "报到待确认", "查看待确认的党员报到和志愿者报名（操作员）", Takes.NOTHING,
            enrolment.pending, Audience.STAFF, roles=(StaffRole.OPERATOR,)),
    Command("confirm_enrolment", ("确认报到",), "确认报到 姓名或编号", "确认党员报到或志愿者报名（操作员）", Takes.TEXT,
            enrolment.confirm, Audience.STAFF, limit=TextField.NAME, roles=(StaffRole.OPERATOR,)),
    # 不予确认报到 7: the longer verbs, so that 报到 is not read as the name.
    Command("decline_enrolment", ("不予确认", "不予确认报到", "不予确认报名", "婉拒报到", "婉拒报名"), "不予确认 姓名或编号",
            "不予确认党员报到或志愿者报名，本人会收到礼貌的说明（操作员）", Takes.TEXT, enrolment.decline, Audience.STAFF,
            limit=TextField.NAME, roles=(StaffRole.OPERATOR,)),
    # --- 积分 (handlers/points.py) ---
    # How people ask in their own words too: "我的积分是多少" was filed as an appeal to the grid.
    Command("my_points", ("我的积分", "积分", "查积分", "查询积分", "积分查询", "我的积分是多少", "我的积分有多少", "我的积分多少",
                          "我有多少积分", "我有多少分", "积分是多少", "查一下积分", "查一下我的积分", "查我的积分", "看看我的积分"),
            "我的积分", "查看积分余额、本月积分和最近的记录", Takes.NOTHING,
            points.my_points, Audience.STAFF_AND_COMMUNITY),
    # 积分兑换 alone: the way to it; "积分怎么兑换" stays a question for the FAQ (a community's own rules).
    Command("redeem_how", ("积分兑换", "兑换积分"), "积分兑换",
            "怎样用积分兑换", Takes.NOTHING, points.how_to_redeem, Audience.STAFF_AND_COMMUNITY),
    Command("points_ranking", ("积分排行", "积分排名", "积分排行榜", "排行榜", "我的积分排名", "我的排名"), "积分排行", "本小区本月的积分排行（积分排行 社区：全社区）",
            Takes.CHOICE, points.ranking, Audience.COMMUNITY, choices=lead_texts.RANKING_WORDS + lead_texts.RANKING_COMPOUND_WORDS),
    # --- 领单 (handlers/volunteering.py) ---
    Command("open_tasks", ("可领任务", "可领的任务", "可以领的任务", "可领取的任务", "有什么任务", "有任务吗", "有没有任务",
                           "领任务", "领个任务", "我要领任务", "我想领任务", "我想领个任务"), lead_texts.TASKS_USAGE, "查看附近可以领取的任务和微心愿", Takes.NOTHING,
            volunteering.open_tasks, Audience.COMMUNITY),
    Command("take_task", ("领单", "领取", "我要领单"), lead_texts.CLAIM_USAGE, "领取一个任务（诉求编号或微心愿编号），网格员仍负责办理",
            Takes.TASK, volunteering.take, Audience.COMMUNITY),
    Command("task_done", ("完成", "完成了", "已完成"), lead_texts.DONE_USAGE, "帮忙完成后告知网格员核实，随后可发现场照片", Takes.TASK_TEXT,
            volunteering.done, Audience.COMMUNITY, TextField.NOTE, bare_words=True),
    Command("give_back_task", ("放弃", "放弃了"), lead_texts.RELEASE_USAGE, "做不了时放弃已领的任务，让其他志愿者领取", Takes.TASK,
            volunteering.give_back, Audience.COMMUNITY),
    Command("post_wish", ("发布心愿",), staff_texts.WISH_USAGE, "发布微心愿供志愿者领单（网格员：本网格；操作员：本社区）",
            Takes.TEXT, volunteering.post_wish, Audience.STAFF, TextField.WISH, roles=_WISH_POSTERS),
    Command("confirm_task", ("确认完成", "确认"), "确认完成 编号", "核实志愿者完成的任务，记入其积分", Takes.TASK,
            volunteering.confirm_done, Audience.STAFF, roles=_WISH_POSTERS),
)

_VERBS = sorted(((verb.lower(), command) for command in COMMANDS for verb in command.verbs),
                key=lambda pair: -len(pair[0]))
# Verbs that are a command only with a number after them: 确认 alone answers a notice's preview (notice_chat).
_NUMBER_REQUIRED = frozenset({"确认"})
# Voice recognition ends a sentence with 。 and people add ！ or ？: around a command they mean nothing.
_EDGES = "。．.！!？?，,、；;～~…　 \t\r\n"
# Between the verb and what follows (接单，2612020014); voice recognition ends the verb said alone with 。
# (进展。明天上午来修。).
_SEPARATORS = ",，、:：;；。！! \t\u3000"
# What people say before a ticket: 查询编号G2612020014, 查询一下我的诉求 2612020014, 编号是G2612020014.
_TICKET_LABEL = re.compile(r"(?:一下)?(?:我的)?(?:诉求|工单)?(?:编号|单号)?(?:是)?[" + _SEPARATORS + r"]*")
# A notice's number (with its N: ten digits alone are a ticket), alone or after the words people ask with.
_NOTICE_ASKED = re.compile(r"(?:查询|查看|查一下|通知|通知编号|编号)?[" + _SEPARATORS + r"]*([Nn]\d{10})")
_SAID_BRIEFLY = "一下"  # 补充一下…: the verb said politely, its words following without a separator
_STARTS_WITH_TICKET = re.compile(r"[Gg]?\d{10}")
_TICKET_SUFFIXED = re.compile(r"([GgＧｇ]?[0-9０-９]{10,})\s*号(?:诉求|工单)?")  # 2612020014号, 2612020014号诉求
# How people ask for a command: 我要撤销…, 请帮我查询…, 麻烦绑定一下, and by voice with a hesitation or a greeting
# first (嗯那个我要绑定, 你好，我想查询…) (NFKC: one character for one, so its end is the same in the text as typed).
_POLITE = re.compile(r"(?:(?:嗯+|呃|额|啊|哦|那个|就是|你好|您好)[,，、\s]*)*"
                     r"(?:请问|请|麻烦)?(?:你|您)?(?:帮我|帮忙)?(?:我?(?:想要|要|想))?(?=.)")
# 怎么评价, 如何撤销: how to use a resident's command on their appeal, which its reply without a ticket says.
_ASKING_HOW = re.compile(r"(?:请问)?(?:我)?(?:要)?(?:怎么|如何|怎样)(?=.)")


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> tuple[Command, str] | None:
    """The command a message names and its argument; a bare ticket number means 查询. A resident's command may
    be asked for politely ("我要撤销G2612020014", "请帮我查询 G2612020014"), and one on their appeal asked how
    to use (怎么评价: its answer without a ticket says how)."""
    found = _parse_command(text)
    if found is not None:
        return found
    how = _ASKING_HOW.match(unicodedata.normalize("NFKC", text.strip(_EDGES)))
    asked = _parse_command(text.strip(_EDGES)[how.end():]) if how is not None else None
    if asked is not None and not asked[1] and asked[0].takes in (Takes.TICKET, Takes.TICKET_TEXT) \
            and (asked[0].audience is Audience.RESIDENT or asked[0].name == "rate"):
        return asked
    polite = _POLITE.match(unicodedata.normalize("NFKC", text.strip(_EDGES)))
    if polite is None:
        return None
    found = _parse_command(text.strip(_EDGES)[polite.end():])
    # Staff work stays a sentence: "我要上报井盖丢了" is a resident's problem to file, not 上报; 我要评价 is asked.
    if found is not None and (found[0].audience is Audience.RESIDENT or found[0].name == "rate"):
        return found
    return _spaced_apart(text) or _staff_verb_spaced_apart(text)


def _spaced_apart(text: str) -> tuple[Command, str] | None:
    """A command that takes nothing, typed with a space inside it ("我的 诉求", "我 搬家了"): the command. Only the
    whole message squeezed is compared, so a sentence with spaces ("我的 电梯 坏了") stays a sentence."""
    squeezed = "".join(unicodedata.normalize("NFKC", text).split()).strip(_EDGES)
    if squeezed == text.strip(_EDGES):
        return None
    command = _TAKING_NOTHING.get(_simplified(squeezed).lower())
    return (command, "") if command is not None else None


def _staff_verb_spaced_apart(text: str) -> tuple[Command, str] | None:
    """A staff command whose verb is typed with a space inside it, as voice input and fat thumbs do ("请 假 明天",
    "销 假", "接 单 1"): the command, read as with the verb whole. Only a staff command's verb is joined, and the
    words after it are read as after the whole verb, so residents' words mean what they meant."""
    original = text.strip(_EDGES)
    spaced = _STAFF_VERB_SPACED.match(unicodedata.normalize("NFKC", original))
    if spaced is None:
        return None
    verb = "".join(spaced.group().split())
    found = _parse_command(verb + original[spaced.end():])
    return found if found is not None and found[0].audience is Audience.STAFF else None


def _parse_command(text: str) -> tuple[Command, str] | None:
    original = text.strip(_EDGES) or text.strip()  # "？" alone is still 帮助
    cleaned = unicodedata.normalize("NFKC", original)
    lowered = _simplified(cleaned).lower()
    for verb, command in _VERBS:
        if not lowered.startswith(verb):
            continue
        # Matched on the normalised text, but the words are kept as typed (a resident reads them back);
        # verbs are CJK or ASCII, whose full-width forms normalise one character to one.
        after = original[len(verb):]
        rest = spoken_ticket_digits(after.lstrip(_SEPARATORS).strip())
        if command.takes in (Takes.TICKET, Takes.TICKET_TEXT):
            rest = _without_label(rest)
        # Only the full verb takes words alone: "进 去看看" is no note on a task. Voice drops the space and says
        # 一下 instead ("补充一下明天上午家里有人").
        if after.startswith(_SAID_BRIEFLY) and command.bare_words and command.audience is Audience.RESIDENT:
            rest = rest.removeprefix(_SAID_BRIEFLY).lstrip(_SEPARATORS)
            after = " "
        if not rest and verb in _NUMBER_REQUIRED:
            continue
        if _names(command, rest, words_alone=verb == command.verbs[0] and after[:1] in _SEPARATORS):
            return command, rest
    if _is_phone(cleaned):  # a number alone, as the binding reply invites: a phone to be called on, no ticket
        return _BY_NAME["phone_given"], original
    later = _TICKET_THEN_VERB.fullmatch(_simplified(cleaned))
    if later is not None:  # G2612020014撤销: the number first, then what to do with it
        return _BY_VERB[later.group(2)], later.group(1)
    rated = _RATED_TICKET.fullmatch(_simplified(cleaned))
    if rated is not None:  # 不满意 G2612020014, G2612020014 满意: that appeal's rating, never a new appeal
        return _BY_NAME["rate"], f"{rated.group('first') or rated.group('then')} {rated.group('word') or rated.group('after')}"
    bare = _without_label(spoken_ticket_digits(cleaned))
    if normalize_ticket(bare) is not None and re.search(r"\d{10}", bare):
        return _BY_NAME["show"], bare
    notice = _NOTICE_ASKED.fullmatch(cleaned)
    if notice is not None:  # the number of a notice's footer, sent back: its text, never a new appeal
        return _BY_NAME["notice_show"], notice.group(1)
    if other_code(bare) is not None:  # a 微心愿's or a focus case's number alone: never a new appeal either
        return _BY_NAME["show"], bare
    return None


def _is_phone(text: str) -> bool:
    """Whether `text` is a phone number and nothing else (我的电话 would store it)."""
    try:
        phone_number(contacts.without_lead(text))
    except InvalidContact:
        return False
    return True


def _names(command: Command, rest: str, words_alone: bool) -> bool:
    """Whether the words after a verb make the message that command, not a sentence starting like it."""
    if command.takes is Takes.PHONE:
        return _is_phone(rest)  # "电话打不通", "手机丢了" are problems to file
    if not rest:
        return True
    if command.takes is Takes.NOTHING:
        # "绑定好了吗" is a sentence, not the command 绑定; "我的任务 2", "超期 第2页" ask for that page.
        return command.name in _PAGED and task_list.page_asked(rest) is not None
    if command.takes in (Takes.TICKET, Takes.TICKET_TEXT) and _numbers(command, rest) is not None:
        return True  # several tickets, a place in the last list, or a number of the wrong length
    if command.takes is Takes.TICKET:
        if command.name in ("cancel_appeal", "chase", "show") and _ONE_OF_MINE.fullmatch(_simplified(rest)):
            return True  # 撤销我的诉求, 查一下我的诉求: which one is asked, with the numbers to choose from
        if command.name == "show" and _PROGRESS_OF_MINE.fullmatch(_simplified(rest)):
            return True  # 查一下进度, 查询我的诉求进展: their appeals, as 查询 alone
        # "查询一下低保怎么办" is a question for the intake, not 查询; 查询 W…/J… asks after a wish or a focus case.
        return normalize_ticket(rest) is not None or (command.name == "show" and (
            other_code(rest) is not None or _TICKET_PAGE.fullmatch(unicodedata.normalize("NFKC", rest)) is not None))
    if command.takes is Takes.TASK:
        # "放弃了吧" is a sentence, not 放弃; "领单 1" is a place in 可领任务, told to use the number instead.
        return (task_number(rest) is not None or _LIST_PLACE.fullmatch(unicodedata.normalize("NFKC", rest)) is not None
                or len(_several_tasks(rest)) > 1 or _task_last_four(command, rest) is not None)
    if command.takes is Takes.TASK_TEXT and _task_last_four(command, rest) is not None:
        return True  # 完成 0001 已换好: the volunteer's own task ending so, never a new appeal
    if command.takes is Takes.DAY:
        return names_leave(rest) or calls_off_leave(rest)  # "请假条怎么开" is a question for the intake, not 请假
    if command.takes is Takes.SCOPE_TEXT:
        return notice_chat.names_scope(rest)  # "通知物业来修" is a problem to file, not a broadcast
    if command.takes is Takes.CHOICE:
        # "积分排行怎么算" is a question for the intake, "积分排行 社区" the command (帮助 ２ typed full-width too)
        said = unicodedata.normalize("NFKC", rest).strip()
        return said in command.choices or (command.name == "points_ranking" and points.names_a_place(said))
    if command.name == "my_phone" and _problem_after_number(rest):
        return False  # "我的电话是139…，门口垃圾三天没人清": an appeal leaving a number to call, filed with it
    if command.name == "door" and _problem_after_door(rest):
        return False  # "门牌 3号楼2单元501 楼道灯坏了": an appeal saying where, filed with it (not a 门牌 of 13 characters)
    if command.takes is Takes.CONTACT:
        # "门牌掉了" is a problem to file, "我的电话换了" a sentence: a number or 删除 makes it the command.
        return rest in DELETE_WORDS or says_a_door(rest)
    if command.name == "rate" and _ONE_OF_MINE.fullmatch(_simplified(rest)):
        return True  # 评价一下: the appeal waiting for a rating is asked about
    if command.takes is Takes.CASE_TEXT and _mistyped_case(rest) is not None:
        return True  # 结案 F1 已处理: told the number was not recognised, with the usage
    if command.takes in _NUMBERED:
        # "结果怎么样了" is a sentence, not 办结 (结); "结案了吗" is a question, not 结案; "进展怎么样了" is a
        # resident asking, "进展 已联系物业" a member's note on their one task.
        return _number_then_text(command.takes, rest) is not None or (command.bare_words and words_alone)
    # "认证码是多少" is a question, not a code
    return command.takes is not Takes.CODE or bool(_CODE_LIKE.fullmatch(unicodedata.normalize("NFKC", rest)))


# A number, then words of a problem: as many Chinese characters after the number as the shortest appeal has (灯坏了).
_NUMBER_THEN_WORDS = re.compile(r"\d[\d\s-]*(.*)", re.DOTALL)
_PROBLEM_CHARACTERS = 4


def _problem_after_number(rest: str) -> bool:
    """Whether words describing something follow the number (not 谢谢, 和 another number, or nothing)."""
    found = _NUMBER_THEN_WORDS.search(unicodedata.normalize("NFKC", rest))
    return found is not None and len(re.findall(r"[\u4e00-\u9fff]", found.group(1))) >= _PROBLEM_CHARACTERS


_DOOR_PARTS = re.compile(r"[\s,，;；。]+")


def _problem_after_door(rest: str) -> bool:
    """Whether, after a part holding a digit (the 门牌), a part of words alone follows: 3号楼2单元501 楼道灯坏了, not
    3号楼 2单元 501 or 12号院 东厢房."""
    parts = [part for part in _DOOR_PARTS.split(unicodedata.normalize("NFKC", rest)) if part]
    first = next((at for at, part in enumerate(parts) if re.search(r"\d", part)), None)
    return first is not None and any(not re.search(r"\d", part) and len(re.findall(r"[\u4e00-\u9fff]", part))
                                     >= _PROBLEM_CHARACTERS for part in parts[first + 1:])


def _simplified(text: str) -> str:
    """The text in simplified characters (查詢 is 查询), when that keeps one character for one: the words after
    the verb are cut from the text as typed at the verb's length."""
    simplified = to_simplified(text)
    return simplified if len(simplified) == len(text) else text


def _without_label(text: str) -> str:
    """The ticket without the words people put around it ("编号G2612020014", "诉求编号：2612020014",
    "2612020014号诉求"); the text itself when no ticket follows them, so a note starting with 诉求 keeps its words."""
    label = _TICKET_LABEL.match(_simplified(text))  # one character for one: its end is the same in `text`
    unlabelled = text[label.end():] if label else text
    if not _STARTS_WITH_TICKET.match(unicodedata.normalize("NFKC", unlabelled)):
        return text
    suffixed = _TICKET_SUFFIXED.fullmatch(_simplified(unlabelled))
    return unlabelled[:suffixed.end(1)] if suffixed else unlabelled


def other_code(text: str) -> str | None:
    """A 微心愿's (W…) or a focus case's (J…) number, which 查询 is asked with but which is no appeal's; the letter
    is required (ten digits alone are a ticket)."""
    if not unicodedata.normalize("NFKC", text).strip()[:1].upper() in (WISH_PREFIX, FOCUS_PREFIX):
        return None
    return normalize_wish_code(text) or normalize_focus_code(text)


def task_number(text: str) -> str | None:
    """A volunteer task's number as typed: a 微心愿's (W…) or an appeal's ticket (G…, or the bare number)."""
    return normalize_wish_code(text) or normalize_ticket(text)


_BY_NAME = {command.name: command for command in COMMANDS}
_BY_VERB = {verb: command for command in COMMANDS for verb in command.verbs}
# "One of my appeals" said instead of its number (撤销我的诉求, 撤销刚才那个, 催办一下吧): never a new appeal.
_ONE_OF_MINE = re.compile(r"(?:一下)?(?:我的|我|刚才|刚刚|我刚才|上一个|最后一个|最近的|那个|这个)?的?"
                          r"(?:诉求|问题|那个|这个|那条|这条|那件事|这件事|事情|一个)?(?:吧|了|啊|呀)?")
# 查一下进度, 查看我的诉求的办理情况: asked after without a number (what 查询 alone answers).
_PROGRESS_OF_MINE = re.compile(r"(?:一下)?(?:我的|我)?(?:诉求|问题)?的?(?:进度|进展|办理情况|办理进度|处理情况|处理进度|情况)"
                               r"(?:吧|了|啊|呀|呢)?")
# A resident's ticket with the command said after it (G2612020014撤销, 2612020014 催办): never a new appeal.
_RATING_WORD = r"(?:非常|很|基本|不太|很不|不)?满意"
_RATED_TICKET = re.compile(rf"(?P<word>{_RATING_WORD})[\s,，、:：]*(?P<first>[Gg]?\d{{10}})[。.!！]*"
                           rf"|(?P<then>[Gg]?\d{{10}})[\s,，、:：]*(?P<after>{_RATING_WORD})[。.!！]*")
_TICKET_THEN_VERB = re.compile(r"([Gg]?\d{10})[\s,，、:：]*(撤销|撤回|撤消|查询|查一下|催办)(?:一下)?")
# A resident's commands on their own appeal: staff sending one on a task they handle are shown their commands.
_RESIDENTS_OWN = frozenset({"cancel_appeal", "chase", "rate", "add_words"})
# A staff command's verb of two or more characters with spaces inside it (请 假, 接 单), followed by a space or nothing.
_STAFF_VERB_SPACED = re.compile("(?:{})(?=\\s|$)".format("|".join(
    r"\s*".join(map(re.escape, verb)) for verb in sorted(
        {verb for command in COMMANDS if command.audience is Audience.STAFF for verb in command.verbs
         if len(verb) > 1 and not verb.isascii()}, key=len, reverse=True))))
# Lists that take a page number (我的任务 2, 超期 第2页) besides 更多.
_PAGED = frozenset({"my_tasks", "overdue"})
_TAKING_NOTHING = {verb.lower(): command for command in COMMANDS if command.takes is Takes.NOTHING for verb in command.verbs}
_CODE_LIKE = re.compile(r"[0-9A-Za-z\- ]{1,16}")
# A number, then words: an appeal's ticket (进展 G2611220007 已联系物业) or a focus case's (结案 J2611230001 …).
_NUMBERED: dict[Takes, tuple[re.Pattern[str], Callable[[str], str | None]]] = {
    Takes.TICKET_TEXT: (re.compile(r"([Gg]?\d{10,})\s*(.*)", re.DOTALL), normalize_ticket),
    Takes.CASE_TEXT: (re.compile(r"([Jj]?\d{10,})\s*(.*)", re.DOTALL), normalize_focus_code),
    Takes.TASK_TEXT: (re.compile(r"([GgWw]?\d{10,})\s*(.*)", re.DOTALL), task_number),
}
# 结案 F1 已处理, 结案 JJ1, 结案 J261123 已处理: a case number mistyped (letters and digits, then a break), said back
# with the usage; 结案了吗, 结案报告写好了 stay sentences.
_CASE_LIKE = re.compile(r"(?:[A-Za-z]{1,3}\d{1,12}|\d{3,12})(?=[\s,，、:：;；。]|$)")  # not 2 (结案 2 号楼…)
# 接 1, 结 2 已修好: a place in the member's last task list (a page holds 10; 更多 goes on counting). Voice puts a
# comma before the words (结二，已修好), reads a place on the second page out as 十二, and says it as people count
# lines (接第三个, 结第2条，已修好). After a counting word (个, 条, 件) the place has ended, and voice often runs the
# words on without a comma (结第二条已修好); a bare number needs the separator (进 3号楼看看 is no place).
# Typed with one thumb the space goes too (结1已修好): digits run on into words, unless what follows counts or
# places something (3号楼, 2单元, 10点, 3天), which makes the digits no place in a list.
_RUN_ON = r"(?<=\d)(?=[\u4e00-\u9fff])(?![号栋楼幢座单层室户区期门组路天点时分秒月日年周个条件次人家米元块台辆位岁斤十百千万多])"
_POSITION = re.compile(r"第?(\d{1,2}|[一二三四五六七八九幺两]?十[一二三四五六七八九]?|[一二三四五六七八九幺两])"
                       r"(?:[个条件]|(?=[\s,，、:：;；。！!]|$)|" + _RUN_ON + r")(?:[\s,，、:：;；。！!]*(.+))?", re.DOTALL)
# G261202014: a ticket with a digit missing (or too few to be a place in a list), said back with its format; so is
# F1 (挂起 F1 等配件), a letter mistyped for G, and W1 or J1 (查询 W1), a wish's or a focus case's number cut short.
_NEAR_TICKET = re.compile(r"([A-Za-z]\d{1,9}|\d{3,9})(?:\s+(.+))?", re.DOTALL)
# 结 0013，已修好 (or 结零零一三，已修好): a ticket's last four, as people read a number out; a member's own task
# when only one ends so.
_LAST_FOUR = re.compile(r"(\d{4}|[〇零一二三四五六七八九幺两]{4})(?:(?:[\s,，、:：;；。！!]+|" + _RUN_ON + r")(.+))?",
                        re.DOTALL)
_LIST_PLACE = re.compile(r"\d{1,2}|[一二三四五六七八九十两]")  # 领单 1: a line of 可领任务, which has no positions
_TICKETS_APART = re.compile(r"[\s,，、;；和]+")
# 查询 G2612020014 2: the page of a record too long for one reply (a ticket is ten digits, so the page is apart).
_TICKET_PAGE = re.compile(r"([Gg]?\d{10})\s+(\d{1,2}|[二三四五])")  # the page as 帮助 2 reads it


_WORDS_AFTER_NUMBER = (Takes.TICKET_TEXT, Takes.TASK_TEXT)  # a number sent without its words: asked for them


def _number_then_text(takes: Takes, argument: str) -> tuple[str, str] | None:
    """("G2611220007", "已联系物业") from "g2611220007 已联系物业"; None if it doesn't start with such a number."""
    pattern, normalize = _NUMBERED[takes]
    match = pattern.fullmatch(unicodedata.normalize("NFKC", argument))
    if match is None:
        return None
    number = normalize(match.group(1))
    # A number's characters normalise one to one, so the words start at the same place in the original.
    return (number, _words_after(argument[match.end(1):])) if number else None


def _mistyped_case(argument: str) -> str | None:
    """The code-like start of 结案's argument when it is no focus-case number (F1, JJ1, J261123); None otherwise."""
    found = _CASE_LIKE.match(unicodedata.normalize("NFKC", argument))
    if found is None or normalize_focus_code(found.group()) is not None or normalize_ticket(found.group()) is not None:
        return None  # a case's number, or an appeal's (结案 G… is asked what to do with that appeal)
    return found.group()


def _words_after(text: str) -> str:
    """The words after a number, without the comma or colon voice and typing put there (结 G… ，已修好)."""
    return text.lstrip(_SEPARATORS).strip()


def _numbers(command: Command, argument: str) -> Arguments | None:
    """Several tickets, a place in the last list (staff), or a wrong-length number; None for anything else."""
    normal = unicodedata.normalize("NFKC", argument)
    takes_words = command.takes is Takes.TICKET_TEXT
    tickets = _leading_tickets(normal)
    if len(tickets) > 1 and command.several is not Several.TARGET and (takes_words or _all_tickets(normal)):
        return Arguments(ticket=tickets[0], tickets=tickets)
    positions = _positions(normal) if command.audience is Audience.STAFF and command.takes is Takes.TICKET else ()
    if positions:  # 接 1 2: each of them, as 接单 G… G… (a command taking one number says so)
        return Arguments(positions=positions)
    position = _POSITION.fullmatch(normal)
    if command.audience is Audience.STAFF and position and bool(position.group(2)) <= takes_words:
        words = argument[position.start(2):].strip() if position.group(2) else ""
        return Arguments(position=_position_number(position.group(1)), words=words)
    last_four = _LAST_FOUR.fullmatch(normal) if command.audience is Audience.STAFF else None
    if last_four and bool(last_four.group(2)) <= takes_words:
        words = argument[last_four.start(2):].strip() if last_four.group(2) else ""
        return Arguments(near_ticket=last_four.group(1).translate(NUMERAL_DIGITS), words=words)
    near = _NEAR_TICKET.fullmatch(normal)
    # 补充 A1 栋门口…: a resident's words about building A1, not a ticket with a wrong letter (staff's would be)
    lettered = near is not None and near.group(1)[0] not in "Gg0123456789"
    if near and bool(near.group(2)) <= takes_words and not (lettered and near.group(2) and command.audience is not Audience.STAFF):
        return Arguments(near_ticket=near.group(1).upper())
    return None


_POSITIONS_APART = re.compile(r"\s*(?:[\s,，、;；]|和|及)\s*")


def _positions(normal: str) -> tuple[int, ...]:
    """Two or more places in the last task list said alone (1 2, 1、3, 第一和第三个); () for anything else."""
    parts = [part for part in _POSITIONS_APART.split(normal.strip(" 。.！!")) if part]
    said = [_POSITION.fullmatch(part) for part in parts]
    if len(parts) < 2 or not all(found is not None and found.group(2) is None for found in said):
        return ()
    return tuple(_position_number(found.group(1)) for found in said if found is not None)


def _position_number(said: str) -> int:
    """12 from "12", "十二" or "一十二"; 10 from "十", 20 from "二十"."""
    if "十" not in said:
        return int(said.translate(NUMERAL_DIGITS))
    tens, ones = said.split("十")
    return int(tens.translate(NUMERAL_DIGITS) or 1) * 10 + int(ones.translate(NUMERAL_DIGITS) or 0)


def _leading_tickets(text: str) -> tuple[str, ...]:
    """The ticket numbers a text starts with, each whole (a space inside one number does not split it here)."""
    found: list[str] = []
    for part in _TICKETS_APART.split(text.strip()):
        ticket = normalize_ticket(part) if re.fullmatch(r"[Gg]?\d{10,}", part) else None
        if ticket is None:
            break
        found.append(ticket)
    return tuple(found)


def _leading_tasks(text: str) -> tuple[str, ...]:
    """The volunteer tasks' numbers (W…, G…) a text starts with, before any words."""
    found: list[str] = []
    for part in _TICKETS_APART.split(unicodedata.normalize("NFKC", text).strip()):
        number = task_number(part) if re.fullmatch(r"[GgWw]?\d{10,}", part) else None
        if number is None:
            break
        found.append(number)
    return tuple(found)


def _several_tasks(text: str) -> tuple[str, ...]:
    """The volunteer tasks' numbers (W…, G…) a text is made of, when it is nothing else; () otherwise."""
    parts = [part for part in _TICKETS_APART.split(unicodedata.normalize("NFKC", text).strip()) if part]
    numbers = [task_number(part) if re.fullmatch(r"[GgWw]?\d{10,}", part) else None for part in parts]
    return tuple(number for number in numbers if number) if all(numbers) else ()


def _all_tickets(text: str) -> bool:
    return all(re.fullmatch(r"[Gg]?\d{10,}", part) for part in _TICKETS_APART.split(text.strip()) if part)


def matches(conversation: Conversation) -> bool:
    """A text (or recognised voice) that is a command."""
    inbound = conversation.inbound
    return inbound.kind in (Kind.TEXT, Kind.VOICE) and parse(inbound.text) is not None


def asks_for_help(conversation: Conversation) -> bool:
    """帮助 (any page of it)."""
    parsed = parse(conversation.inbound.text) if conversation.inbound.kind in (Kind.TEXT, Kind.VOICE) else None
    return parsed is not None and parsed[0].name == "help"


def is_refused(conversation: Conversation) -> bool:
    """A command the sender may not use (a resident's 通知 3号楼 …): refused, unless the words say more."""
    inbound = conversation.inbound
    parsed = parse(inbound.text) if inbound.kind in (Kind.TEXT, Kind.VOICE) else None
    return parsed is not None and _refused(conversation, parsed[0]) is not None


def handle(conversation: Conversation) -> Reply:
    """Run the command the message names."""
    return run_text(conversation, conversation.inbound.text) or Reply.silent()


def run_text(conversation: Conversation, text: str) -> Reply | None:
    """Run `text` as a command (also used for menu clicks); None if it is not one."""
    parsed = parse(text)
    if parsed is None:
        return None
    command, argument = parsed
    if command.name == "my_tasks" and conversation.volunteer is not None and not conversation.is_staff:
        command = _BY_NAME["open_tasks"]  # a volunteer's 我的任务: the tasks they took, with those they may take
    refused = _refused(conversation, command)
    if refused is not None:
        return refused
    arguments = arguments_of(command, argument)
    if arguments is None and command.takes is Takes.TICKET and not conversation.is_staff:
        return resident.ticket_missing(conversation, command.name, command.verbs[0])  # she forgot the number
    alone = _said_alone(conversation, command) if not argument or _ONE_OF_MINE.fullmatch(_simplified(argument)) \
        else None
    if alone is not None:
        return alone
    mistyped = _mistyped_case(argument) if arguments is None and command.takes is Takes.CASE_TEXT else None
    if mistyped is not None:
        return Reply(staff_texts.FOCUS_CODE_UNKNOWN.format(code=mistyped, usage=command.usage))
    if arguments is None:
        split = _number_then_text(command.takes, argument) if command.takes in _WORDS_AFTER_NUMBER else None
        return Reply(_needs(command, split[0] if split else _ticket_at_place(conversation, command, argument)))
    if arguments.near_ticket:
        ending = _tasks_by_last_four(conversation, command, arguments.near_ticket)
        if len(ending) > 1:  # numbers start again each day: 0001 ends one ticket of every day
            several = lead_texts.SEVERAL_ENDING if command.audience is Audience.COMMUNITY \
                else staff_texts.CONFIRM_SEVERAL_ENDING if command.takes is Takes.TASK else staff_texts.SEVERAL_ENDING
            return Reply(several.format(digits=arguments.near_ticket, count=len(ending), tickets="、".join(ending),
                                        first=ending[0], verb=command.verbs[0]))
        if not ending and command.audience is Audience.COMMUNITY:
            return Reply(lead_texts.NONE_ENDING.format(digits=arguments.near_ticket))
        if not ending and command.takes is Takes.TASK:
            return Reply(staff_texts.CONFIRM_NONE_ENDING.format(digits=arguments.near_ticket))
        if not ending:
            digits = sum(character.isdigit() for character in arguments.near_ticket)
            wrong = texts.TICKET_FORMAT if arguments.near_ticket[0] in "G0123456789" else texts.TICKET_LETTER
            return Reply(wrong.format(number=arguments.near_ticket, digits=digits))
        ticket = ending[0]
        if command.takes in _WORDS_AFTER_NUMBER and not arguments.words:
            return Reply(_needs(command, ticket))
        arguments = replace(arguments, ticket=ticket, near_ticket="")
    if arguments.positions:  # each place read before any is acted on: a claim reorders the list
        tickets = [task_list.ticket_at(conversation, position) for position in arguments.positions]
        missing = next((position for position, ticket in zip(arguments.positions, tickets, strict=True)
                        if ticket is None), None)
        if missing is not None:
            return Reply(staff_texts.NO_SUCH_POSITION.format(position=missing))
        arguments = replace(arguments, ticket=tickets[0], tickets=tuple(tickets), positions=())  # type: ignore[arg-type]
    if len(arguments.tickets) > 1:
        return _several(conversation, command, arguments)
    if arguments.position is not None:  # 接 0 is no place either, said back as such
        ticket = task_list.ticket_at(conversation, arguments.position)
        if ticket is None:
            return Reply(staff_texts.NO_SUCH_POSITION.format(position=arguments.position))
        arguments = replace(arguments, ticket=ticket, position=None)
    if command.name in _RESIDENTS_OWN and arguments.ticket and conversation.is_staff:
        redirected = staff.resident_verb_on_task(conversation, command.verbs[0], arguments.ticket)
        if redirected is not None:
            return redirected
    too_long = excess(command.limit, arguments.words) if command.limit else None
    if too_long is not None:  # refused before anything runs: nothing of it is stored or sent
        return Reply(staff_texts.TOO_LONG.format(what=command.words_name, limit=too_long.limit,
                                                 length=too_long.length))
    return command.run(conversation, arguments)


def _ticket_at_place(conversation: Conversation, command: Command, argument: str) -> str:
    """退回 2 or 结 2 without the words: the ticket at that place of the member's last list, for the line to send
    whole (退回 G… 原因); "" when the argument names no place there."""
    said = _numbers(command, argument) if conversation.is_staff and command.takes is Takes.TICKET_TEXT else None
    if said is None or said.position is None:
        return ""
    return task_list.ticket_at(conversation, said.position) or ""


def _said_alone(conversation: Conversation, command: Command) -> Reply | None:
    """接单, 进展, 办结, 挂起, 恢复, 退回, 督办 (staff) or 评价 (a resident) with nothing after it: what waits for it, to
    answer by its place in the list (接 1, 结 1 说明, 恢复 1, 督办 1 要求: 超期's list), the one task's line to
    complete, or 1/2/3; None for any other command, which is told what it takes."""
    if command.name == "claim" and conversation.is_staff:
        return task_list.to_claim(conversation)
    if command.name in ("progress", "resolve", "pause") and conversation.is_staff:
        found = task_list.one_in_progress(conversation, command.verbs[0], command.words_name,
                                          pausing=command.name == "pause")
        return found if isinstance(found, Reply) else Reply(_needs(command, found))
    if command.name == "resume" and conversation.is_staff and conversation.staff.role != StaffRole.OPERATOR:
        return task_list.to_resume(conversation)
    if command.name == "give_back" and conversation.is_staff and conversation.staff.role != StaffRole.OPERATOR:
        found = task_list.one_to_give_back(conversation)
        return found if isinstance(found, Reply) else Reply(_needs(command, found))
    if command.name == "supervise" and conversation.is_staff and task_list.oversees(conversation.staff):
        return task_list.overdue(conversation, Arguments())
    if command.name == "rate" and not conversation.is_staff:
        return rating.rate_unnamed(conversation)
    return None


def _tasks_by_last_four(conversation: Conversation, command: Command, number: str) -> list[str]:
    """结 0013 已修好 (查询 0013 too): the member's tasks whose tickets end in the four digits said (none for any
    other number); 确认完成 0001: the volunteers' tasks reported done that they may confirm."""
    if not number.isdigit() or len(number) != 4:
        return []
    if command.audience is Audience.COMMUNITY:
        return volunteering.own_ending(conversation, number)
    if not conversation.is_staff or (command.audience is not Audience.STAFF and command.name not in _STAFF_TOO):
        return []
    if command.takes is Takes.TASK:
        return volunteering.to_confirm_ending(conversation, number)
    return task_list.tickets_ending(conversation, number)


def _task_last_four(command: Command, text: str) -> tuple[str, str] | None:
    """0001 (or 零零零一) after 确认完成, or after 完成 or 放弃 (a volunteer's own task), with the words after it for
    完成: the digits and the words; None for anything else (words after a command that takes none)."""
    if command.takes not in (Takes.TASK, Takes.TASK_TEXT) or command.name == "take_task":
        return None  # 领单 0001: the task is not the sender's yet, and 领单 1 is a place in 可领任务
    said = _LAST_FOUR.fullmatch(unicodedata.normalize("NFKC", text))
    if said is None or (said.group(2) and command.takes is Takes.TASK):
        return None
    words = text[said.start(2):].strip() if said.group(2) else ""
    return said.group(1).translate(NUMERAL_DIGITS), words


def _needs(command: Command, ticket: str = "") -> str:
    """What to send instead, when what the command takes is missing: with the ticket sent, when there was one
    (办结 G… with no words: the same line with them added)."""
    if ticket and command.takes is Takes.TASK_TEXT:  # 完成 W… alone: a volunteer would send the word 说明 itself
        return lead_texts.DONE_NEEDS_WORDS.format(verb=command.verbs[0], code=ticket)
    if ticket:
        return staff_texts.NEEDS_WORDS.format(verb=command.verbs[0], ticket=ticket, words=command.words_name)
    if command.takes is Takes.TICKET:
        return texts.NEEDS_TICKET.format(verb=command.verbs[0])
    if command.takes is Takes.TASK and command.audience is Audience.STAFF:  # 确认完成: staff never see 可领任务
        return staff_texts.NEEDS_CONFIRM_NUMBER.format(verb=command.verbs[0])
    if command.takes is Takes.TASK:
        return lead_texts.NEEDS_TASK_NUMBER.format(verb=command.verbs[0])
    if command.name == "add_words":  # a resident's, not staff's: the number only when several are open
        return texts.NEEDS_WORDS_TO_ADD
    return staff_texts.NEEDS_TEXT.format(usage=command.usage)


def _for_role(command: Command, role: str) -> bool:
    """Whether a member of the community's own people of `role` may use a COMMUNITY command."""
    return not command.roles or role in command.roles


def _refused(conversation: Conversation, command: Command) -> Reply | None:
    """The refusal when the sender may not use the command: staff work for residents and the community's people,
    the community's commands for residents, staff and the roles they are not for."""
    member = conversation.volunteer
    if command.audience is Audience.STAFF and not conversation.is_staff:
        if member is not None:
            instead = lead_texts.GRID_WORK_INSTEAD.get(command.verbs[0], lead_texts.GRID_WORK_INSTEAD_OTHERWISE)
            return Reply(lead_texts.NOT_GRID_WORK.format(role=lead_texts.role_name(member.role), instead=instead))
        # A resident's 恢复 G… after 撤销 wants the withdrawal undone, not the staff's 恢复 of a paused task.
        restored = resident.cannot_restore(conversation) if command.name == "resume" else None
        if restored is not None and not staff_store.disabled(conversation.session, conversation.inbound.openid):
            return restored
        refusal = staff_texts.NOT_YOURS
    elif command.audience is Audience.COMMUNITY and (member is None or not _for_role(command, member.role)):
        who = lead_texts.who(command.roles or COMMUNITY_ROLES)
        if conversation.is_staff:
            verb = command.verbs[0]
            instead = lead_texts.STAFF_INSTEAD.get(verb, lead_texts.STAFF_INSTEAD_OTHERWISE)
            return Reply(lead_texts.STAFF_USE_REPORT.format(verb=verb, who=who, instead=instead))
        refusal = lead_texts.COMMUNITY_ONLY.format(verb=command.verbs[0], summary=command.summary, who=who)
        if member is not None:
            return Reply(refusal)
        refusal += _how_to_join(conversation, command)
    else:
        return None
    # A disabled staff member is told so, not taken for a resident who tried staff work.
    if staff_store.disabled(conversation.session, conversation.inbound.openid):
        return Reply(staff_texts.STAFF_DISABLED)
    return Reply(refusal)


def _how_to_join(conversation: Conversation, command: Command) -> str:
    """What a resident sends to become one who may use the community's command (志愿者报名, 党员报到), or that
    theirs waits for the community; nothing when only a post given by the community (楼长) may."""
    joins = _for_role(command, StaffRole.VOLUNTEER) or _for_role(command, StaffRole.PARTY_MEMBER)
    if joins and enrolments.waiting(conversation.session, conversation.sender.id):
        return lead_texts.JOIN_WAITING
    if _for_role(command, StaffRole.VOLUNTEER):
        return lead_texts.JOIN_TO_USE
    return lead_texts.JOIN_TO_USE_PARTY if _for_role(command, StaffRole.PARTY_MEMBER) else ""


def _several(conversation: Conversation, command: Command, arguments: Arguments) -> Reply:
    """接单 G2612020014 G2612020015 claims each; any other command takes one number at a time."""
    if command.several is not Several.EACH:
        # The example is what to send: 办结 G… 说明, not a bare 办结 G… that only earns the usage next.
        example = arguments.tickets[0] + (f" {command.words_name}" if command.takes in _WORDS_AFTER_NUMBER else "")
        return Reply(texts.ONE_TICKET_AT_A_TIME.format(verb=command.verbs[0], count=len(arguments.tickets),
                                                      ticket=example))
    replies = [command.run(conversation, Arguments(ticket=ticket)).text for ticket in arguments.tickets]
    return Reply("\n".join(reply for reply in replies if reply))


def arguments_of(command: Command, argument: str) -> Arguments | None:
    """What `parse` found after the verb, parsed for the callback; None when what the command takes is missing."""
    numbers = _numbers(command, argument) if argument and command.takes in (Takes.TICKET, Takes.TICKET_TEXT) else None
    if numbers is not None:
        return (None if command.takes is Takes.TICKET_TEXT and numbers.position is not None and not numbers.words
                else numbers)
    said = _task_last_four(command, argument) if command.takes is Takes.TASK_TEXT else None
    if said is not None:
        return Arguments(near_ticket=said[0], words=said[1])
    several = _leading_tasks(argument) if command.takes is Takes.TASK_TEXT else ()
    if len(several) > 1:  # 完成 W… W… 说明: one at a time, told so (the second number was taken for the note)
        return Arguments(ticket=several[0], tickets=several)
    if command.takes in _NUMBERED:
        split = _number_then_text(command.takes, argument)
        if split is None and command.bare_words and argument:
            return Arguments(words=argument)
        if split is None or not split[1]:
            return None
        number, words = split
        if command.takes is Takes.CASE_TEXT:
            return Arguments(case_code=number, words=words)
        return Arguments(ticket=number, words=words)
    paged = _TICKET_PAGE.fullmatch(unicodedata.normalize("NFKC", argument)) if command.name == "show" else None
    if paged is not None:  # 查询 G… 2: a later page of a long record, not an eleven-digit number
        return Arguments(ticket=normalize_ticket(paged.group(1)) or "", words=paged.group(2))
    last_four = _task_last_four(command, argument) if command.takes in (Takes.TASK, Takes.TASK_TEXT) else None
    if last_four is not None:  # 确认完成 0001, 完成 0001 说明: the task whose number ends so
        return Arguments(near_ticket=last_four[0], words=last_four[1])
    several = _several_tasks(argument) if command.takes is Takes.TASK else ()
    if len(several) > 1:  # 领单 W… W…: one at a time, told so (it was filed as an appeal)
        return Arguments(ticket=several[0], tickets=several)
    if command.takes in (Takes.TICKET, Takes.TASK):
        ticket = normalize_ticket(argument) if command.takes is Takes.TICKET else task_number(argument)
        if ticket is None and command.name == "show":
            code = other_code(argument)
            return Arguments(words=code) if code is not None else None
        return Arguments(ticket=ticket) if ticket is not None else None
    if command.takes in (Takes.CODE, Takes.TEXT, Takes.SCOPE_TEXT):
        return Arguments(words=argument) if argument else None
    if command.takes in (Takes.CONTACT, Takes.PHONE, Takes.DAY, Takes.CHOICE) or command.name in _PAGED:
        return Arguments(words=argument)
    return Arguments()
