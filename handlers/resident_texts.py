"""Every sentence a resident reads, in one place, so wording can change without touching logic."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any, Callable, Iterator
from zoneinfo import ZoneInfo

from handlers.one_reply import within_one_reply
from handlers.privacy import mask_personal_numbers
from nlp.chatter import Chatter
from nlp.complaints import CATEGORY as COMPLAINT_CATEGORY
from storage.appeals import LAPSED_STATUS
from storage.material import WORDS_PER_HOUR, WordsAdded
from storage.notices import (
    ResidentAccepted,
    ResidentAddressWanted,
    ResidentFollowPaused,
    ResidentFollowProgress,
    ResidentFollowResolved,
    ResidentHeldLapsed,
    ResidentMerged,
    ResidentNotice,
    ResidentPaused,
    ResidentProgress,
    ResidentRecategorised,
    ResidentRejected,
    ResidentReopened,
    ResidentResolved,
    ResidentResumed,
    ResidentSplit,
    ResidentTransferred,
    ResidentVolunteerComing,
    ResidentVolunteerNotComing,
    ResidentWithdrawn,
)
from storage.supervision import HELD_LAPSES_AFTER
from storage.tasks import RATING_WINDOW

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")

STATUS_NAMES = {
    "awaiting_address": "待绑定地址",
    "submitted": "已受理",
    "dispatched": "已转交网格员",
    "accepted": "办理中",
    "paused": "暂停办理",
    "returned": "社区重新派发中",
    "resolved": "已办结",
    "closed": "已评价完结",
    "cancelled": "已撤销",
    "merged": "已并入相同诉求",
    "rejected": "不作为诉求办理",
}
# Closed for the address never given (storage.appeals.LAPSED_STATUS): no status of its own, never "已撤销".
LAPSED_STATUS_NAME = "未绑定住址，已自动关闭"

EVENT_NAMES = {
    "held": "收到诉求，等待绑定地址",
    "submitted": "已受理",
    "dispatched": "已转交网格员办理",
    "cancelled": "您已撤销",
    "attached": "补充了材料",
    "words_added": "补充了情况",
    "accepted": "工作人员已接单",
    "progress": "办理进展",
    "transferred": "转交相关部门办理",
    "returned": "退回社区重新派发",
    "reassigned": "更换办理人员",
    "reassigned_within": "更换办理人员",
    "paused": "暂停办理",
    "resumed": "恢复办理",
    "resolved": "已办结",
    "rated": "您已评价",
    "reopened": "重新办理",
    "merged": "并入相同诉求",
    "split": "恢复单独办理",
    "parts_filed": "其他问题已分开登记",
    "rejected": "工作人员说明，不作为诉求办理",
    "lapsed": "一直未绑定住址，已自动关闭",
    "volunteer_claimed": "志愿者已领单，将前来帮忙",
    "volunteer_done": "志愿者已完成帮忙",
    "volunteer_confirmed": "志愿者的帮忙已确认",
    "volunteer_released": "志愿者因故不能前来，工作人员继续办理",
}

# A complaint about staff goes to the accused's leader, never to the grid's members: "已转交网格员" would tell the
# resident it went to the very person they complained about.
COMPLAINT_STATUS_NAMES = {**STATUS_NAMES, "dispatched": "已转交被投诉人的上级"}
COMPLAINT_EVENT_NAMES = {**EVENT_NAMES, "dispatched": "已转交被投诉人的上级处理"}
# Waiting for a department's or the property company's claim: no grid member has it ("已转交网格员" would say so).
DEPARTMENT_DISPATCHED = "已转交相关部门"


def status_name(status: str, category: str, department: str | None = None) -> str:
    """The status as the resident reads it; a complaint's says who has it, as does one waiting for a department
    or the property company (转办, or a category routed to them) to claim it."""
    if category == COMPLAINT_CATEGORY:
        return COMPLAINT_STATUS_NAMES.get(status, status)
    if status == "dispatched" and department:
        return DEPARTMENT_DISPATCHED
    if status == LAPSED_STATUS:
        return LAPSED_STATUS_NAME
    return STATUS_NAMES.get(status, status)


def _event_name(action: str, category: str) -> str:
    names = COMPLAINT_EVENT_NAMES if category == COMPLAINT_CATEGORY else EVENT_NAMES
    return names.get(action, action)


ATTACHMENT_NAMES = {"image": "图片", "location": "位置"}

UNCLASSIFIED_NOTE = "（工作人员将尽快确认类别）"

# Emergencies (handlers/emergency.py): the number and the advice come first, whatever else is going on.
EMERGENCY_NUMBERS = "遇到火灾、急病、暴力等危险，请先拨打 119 火警、120 急救、110 报警。"
EMERGENCY_ADVICE = "【紧急】请立即{call}！\n{advice}"
EMERGENCY_FILED = ("已登记为紧急诉求 {ticket}，同时通知了{who}，{minutes}分钟内会有人联系您。"
                   "有新情况请直接发消息告诉我们。")
# Nobody of the grid, its community or its street has bound WeChat yet (a street just imported): nobody is told.
EMERGENCY_FILED_NOBODY = ("已登记为紧急诉求 {ticket}。您所在的网格暂时还没有工作人员在公众号上接收消息，"
                          "请一定先打上面的电话求助，不要等我们联系。有新情况请直接发消息告诉我们。")
EMERGENCY_HELD = "已登记为紧急诉求 {ticket}，并立即通知了{who}。"
# No operator anywhere has bound WeChat yet (a district just imported): nobody heard of it.
EMERGENCY_HELD_NOBODY = "已登记为紧急诉求 {ticket}。暂时还没有工作人员在公众号上接收消息，请一定先打上面的电话求助，不要等我们联系。"
# Filed at the building the resident named, not at their home (storage.emergencies.place_said).
EMERGENCY_PLACE_NAMED = "工作人员会赶往您说的地点：{place}。地点不对请马上告诉我们。"
# A routine appeal filed at the building the resident named (of her community, or her street with its 小区), not at
# home (storage.said_places).
PLACE_SAID = "地点：按您说的登记在{place}，转给那里的网格。地点不对请回复“撤销 {ticket}”，再发一次并写清楼号。"
# 我替我妈反映，她家楼道灯坏了 from a resident bound to her own home, no place said: filed at her home, which may not
# be her mother's; she must know where it went and how to send it where her mother lives.
FAMILY_PLACE_UNSAID = ("地点：您是替家人反映的，登记在您绑定的住址{place}。家人住在别处的，请回复“撤销 {ticket}”，"
                       "再连小区、楼号一起发一次，例如：“我妈住在阳光花园3号楼1单元，她家楼道灯坏了”。")
# A neighbour reported the same danger at the same building minutes ago (handlers.filing.join_same_danger).
EMERGENCY_JOINED = ("已有人报告了这一险情，您的求助 {ticket} 已并入紧急诉求 {into}：{who}已经收到，"
                    "您说的情况也已转告他们，之后的每一步进展都会通知您。有新情况请直接发消息告诉我们。")
EMERGENCY_JOINED_NOBODY = ("已有人报告了这一险情，您的求助 {ticket} 已并入紧急诉求 {into}。您所在的网格暂时还没有工作人员在公众号上"
                           "接收消息，请一定先打上面的电话求助，不要等我们联系。有新情况请直接发消息告诉我们。")
EMERGENCY_ASK_ADDRESS = "为了让工作人员尽快找到您，请告诉我们住址（回复序号）：\n{question}"
EMERGENCY_BINDING_GOES_ON = "方便时请继续回复上面的序号完成住址绑定，工作人员能更快找到您。"
# A photo or location sent while choosing an address: kept with the appeal, and the menu still waits.
BINDING_GOES_ON = "请接着回复上面选单里的序号或名称完成住址绑定，绑定后诉求马上转给网格员（回复“取消”退出）。"
EMERGENCY_STAFF = "需要登记时，请回复“上报 内容”。"
# Only the number asked for ("着火了应该打什么电话"): the answer, and how to reach us if it is happening now.
EMERGENCY_ASKED = "遇到{label}请{call}。\n{advice}"
EMERGENCY_ASKED_TELL_US = "如果现在就有危险，请先打电话，再告诉我们发生了什么、在哪里（几号楼几单元几号），我们马上通知工作人员。"
# What the resident writes after their emergency was filed goes to its responders (handlers/filing.py): what
# became of it, by storage.material.WordsAdded's outcome.
EMERGENCY_WORDS = {
    "told": "已把您说的情况转告处理紧急诉求 {ticket} 的工作人员。",
    "kept": "已把您说的情况记在紧急诉求 {ticket} 上。",
    "too_often": "紧急诉求 {ticket} 这一小时已收到您补充的很多条情况，工作人员都能看到。",
    "again": "您说的这些情况已经转告过处理紧急诉求 {ticket} 的工作人员。",
}
EMERGENCY_FOLLOW_UP = "【紧急】{said}情况危急请立即{call}！"
EMERGENCY_ALREADY_CLAIMED = "紧急诉求 {ticket} 已由{name}接单处理。有新情况请直接发消息告诉我们。"
EMERGENCY_ALREADY_TOLD = "紧急诉求 {ticket} 已通知{who}。有新情况请直接发消息告诉我们。"
EMERGENCY_ALREADY_NOBODY = ("紧急诉求 {ticket} 已登记，但这里暂时还没有工作人员在公众号上接收消息，请一定先打电话求助。"
                            "有新情况请直接发消息告诉我们。")


def emergency_follow_up(said: str, call: str | None) -> str:
    """The reply to words about an ongoing emergency: what became of them, and the number to call again."""
    if call is None:
        return f"【紧急】{said}{EMERGENCY_NUMBERS}"
    return EMERGENCY_FOLLOW_UP.format(said=said, call=call)


# "误报", "不用来了，火已经灭了" from the emergency's own reporter: told to its responders, and how to withdraw it.
EMERGENCY_CALLED_OFF = "【紧急】{said}如果确实不需要工作人员到场了，请回复“撤销 {ticket}”。"


EMERGENCY_VOICE_UNHEARD = "【紧急】抱歉，没能听清这段语音，请打字告诉我们现在的情况。"


def emergency_voice_unheard(call: str | None) -> str:
    """A voice message not recognised while the resident's emergency goes on: write it, and call."""
    if call is None:
        return EMERGENCY_VOICE_UNHEARD + EMERGENCY_NUMBERS
    return f"{EMERGENCY_VOICE_UNHEARD}情况危急请立即{call}！"


def emergency_already(ticket: str, assignee: str | None, told: tuple[str, ...]) -> str:
    """The same danger again in the same words: who has it already (`told`: storage.emergencies.told_roles)."""
    if assignee is not None:
        return EMERGENCY_ALREADY_CLAIMED.format(ticket=ticket, name=assignee)
    if not told:
        return EMERGENCY_ALREADY_NOBODY.format(ticket=ticket)
    return EMERGENCY_ALREADY_TOLD.format(ticket=ticket, who=who_was_told(told))


# Whom an emergency's card reached, by role (storage.emergencies.told_roles): only those who were, never the whole
# ladder when only the street's operator has bound WeChat.
TOLD_ROLES = {"members": "网格员", "leader": "网格长", "community": "社区工作人员", "street": "街道工作人员"}


def who_was_told(told: tuple[str, ...]) -> str:
    """网格员、网格长和社区工作人员: the roles `told` names, in words."""
    words = [TOLD_ROLES[role] for role in told]
    return words[0] if len(words) == 1 else f"{'、'.join(words[:-1])}和{words[-1]}"

WELCOME = (
    "您好，欢迎关注网格诉求助手！\n"
    "小区里遇到电梯故障、楼道灯不亮、垃圾清运、邻里纠纷，或想咨询养老、社保政策，"
    "直接发文字或语音给我，我们会转给您所在网格的网格员办理，并随时告诉您进展。\n"
    + EMERGENCY_NUMBERS
)
BIND_FIRST_HINT = "第一次使用请先绑定住址，回复“绑定”开始。"
# An unbound resident following again whose appeal still waits for the address (they left before binding).
HELD_ON_RETURN = "您之前反映的问题 {tickets} 还在等待绑定住址：回复“绑定”选择住址后，会马上转给您所在的网格办理。"
# A bound resident following again (unfollowed months ago): they may have moved since, and what they file goes to
# the address on record.
WELCOME_BACK_HOME = "您绑定的住址：{grid_label} {home}。如果已经搬家，请回复“我搬家了”重新绑定。"
GREETING = "您好！请直接描述您遇到的问题，例如：“3号楼电梯坏了”。回复“帮助”查看全部功能。"
TOO_SHORT = "请再具体描述一下您遇到的问题（比如：几号楼、什么问题），我们马上为您登记。"
# 救命, 快来人 and nothing else (nlp.chatter.is_cry_for_help): the numbers first, then what and where.
CRY_FOR_HELP = ("【紧急】有危险请立即拨打 110 报警、119 火警或 120 急救！\n"
                "请告诉我们发生了什么、在哪里（几号楼几单元几号），我们马上通知工作人员。")
# "火！", "煤气", "电梯" and nothing more (handlers.intake): maybe a danger, maybe not; the numbers first, then what and where.
SHORT_MAYBE_IN_DANGER = (EMERGENCY_NUMBERS + "\n请用一句话告诉我们是什么情况、在哪里（几号楼几单元），"
                         "例如：“3号楼2单元楼道里有煤气味”，我们马上为您登记。")
# What is not a problem to file (nlp/chatter.py): a short friendly answer, help, or a question back.
CHATTER_REPLIES = {
    Chatter.GREETING: GREETING,
    Chatter.THANKS: "不客气！以后遇到问题，随时发消息给我们。",
    Chatter.OK: "好的。以后遇到问题，直接发文字或语音给我们就行。",
    Chatter.NO_THANKS: "好的，有需要随时找我们。",
    Chatter.GOODBYE: "再见！有需要随时找我们。",
    Chatter.HOW_TO: (
        "直接发文字或语音，说清楚在哪里、什么问题，例如：“3号楼2单元楼道灯不亮”。我们会登记并派给您所在网格的网格员，"
        "接单、进展和办结都会通知您。还没绑定住址或搬了家，回复“绑定”选择住址。回复“我的诉求”查看进度，回复“帮助”查看全部功能。"
    ),
    Chatter.CONTACT: (
        "有问题请直接在这里描述，我们会马上派给您所在网格的网格员；网格员接单后会告诉您办理人并与您联系。"
        "已提交的诉求可回复“我的诉求”查看。"
    ),
    # 怎么接单 from a resident: 接单 is someone else's work; how to become a volunteer who may (community_texts).
    Chatter.HOW_TO_CLAIM: ("接单是网格员和社区确认过的志愿者、党员使用的：他们在这里接下居民反映的问题去办。想出一份力，"
                           "请发送“志愿者报名”（在职党员发送“党员报到”），社区确认后发送“可领任务”就能领单。"
                           "您自己遇到的问题，直接发文字或语音告诉我们就行。"),
    # 帮帮我 alone (nlp.chatter): what happened, and the numbers first in case it is a danger.
    Chatter.HELP_ME: ("请告诉我们遇到了什么事、在哪里（几号楼几单元），例如：“3号楼2单元楼道灯不亮”，我们马上登记，转给网格员。"
                      "如果有危险（着火、有人受伤或突然发病、有人动手），请先拨打 119、120 或 110。"),
    Chatter.FRAGMENT: "请再具体描述一下：是什么问题、在哪里（几号楼几单元）？例如：“3号楼2单元楼道灯不亮”，我们马上为您登记。",
    Chatter.PROPERTY: ("请说一下物业服务哪里有问题、在哪里，例如：“3号楼电梯坏了，物业一直不来修”“小区垃圾几天没人清运”，"
                       "我们登记后马上转给负责的人办理。"),
    Chatter.WANTS_TO_ASK: ("请直接发您想咨询的问题，例如：“高龄补贴怎么申请？”常见的问题会马上答复；答复没解决，再回复“转人工”"
                           "转给工作人员。"),
}
# 催办 (handlers/chasing.py): the status of the open appeal, and whether its handler was told now.
NOTHING_TO_CHASE = "您还没有反映过问题。遇到问题请直接描述在哪里、什么情况，例如：“3号楼2单元楼道灯不亮”，我们登记后马上转交网格员。"
CHASE_NOT_OPEN = "诉求 {ticket} 当前状态为“{status}”，不在办理中，无需催办。如问题仍在，请直接描述，我们重新登记。"


def chase_reply(ticket: str, category: str, status: str, handler: str | None, sent: bool, count: int,
                followed: bool = False, for_neighbour: bool = False, waiting_with: str | None = None,
                just_filed: int | None = None, dispatching: bool = False, held: bool = True) -> str:
    """The answer to a chase-up: where the appeal stands, and what was done about the chasing; `followed`: a
    neighbour's appeal the resident's own was merged into; `for_neighbour`: one the sender filed for a neighbour
    (代报); `waiting_with`: whom an unclaimed one waits with, when not the grid's staff (a department, the community);
    `just_filed`: the minutes a new appeal's card is given before a 催办 goes (storage.chasing.JUST_FILED), when it
    went out within them: nobody was chased; `dispatching`: its card is still going out.; `held`: it waits for the
    resident's address (else nobody of its grid receives messages yet, a street just imported)."""
    who = f"办理人{handler}" if handler else _chased_unclaimed(category, waiting_with)
    if just_filed is not None:
        # Counted from the card, not the filing: one held for an address went out only when it was placed.
        done = (f"{who}刚刚接单，会尽快联系您。任务卡" if handler else
                f"任务卡正在发给{who}。" if dispatching else f"任务卡刚刚已发给{who}。")
        done += f"发出 {just_filed} 分钟后还没有人联系您，可以再催办。"
    elif sent:
        done = f"已为您向{who}催办（第{count}次），会尽快处理。"
    elif count:
        done = f"一小时内已为您催办过，{who}正在跟进，请耐心等待。"
    elif held:  # it waits for the address: binding is the one next thing to do, not 查询
        done = "您的诉求还在等待提交：绑定住址后会马上派给网格员。"
    else:
        done = CHASED_NOBODY
    whose = "您加入的诉求" if followed else "您代报的诉求" if for_neighbour else "您的诉求"
    after = (f"回复“查询 {ticket}”查看进度。" if sent or count or just_filed is not None or not held
             else "回复“绑定”开始，按提示回复序号即可。")
    return f"{whose} {ticket}（{_category(category, short=True)}）当前状态：{status}。{done}{after}"


# A paused appeal chased: what it waits for (the reason its handler gave), so that "为什么暂缓" is answered.
PAUSED_BECAUSE = "{status}（原因：{reason}，条件具备后会继续办理）"


def _chased_unclaimed(category: str, waiting_with: str | None = None) -> str:
    # A complaint is chased with its reviewers (网格长, operators), never the grid's members it may be about; one
    # waiting with a department or the community, with them (storage.chasing.holders_of), not the grid.
    if category == COMPLAINT_CATEGORY:
        return COMPLAINT_CONTACT
    return waiting_with or "网格工作人员"


# Chased where nobody of its grid (nor above it) receives messages yet: nobody could be told.
CHASED_NOBODY = "您所在的网格暂时还没有工作人员在公众号上接收消息，催办暂时无人接收；诉求已登记，等待工作人员安排。"
# Given back (退回) by a grid or a department: the community's operators route it again, and are the ones chased.
CHASED_COMMUNITY = "社区工作人员"


# What a question about a fix names, echoed when it is as short as a thing's name (电梯, 楼道灯).
NEVER_REPORTED_SUBJECT = 8


def never_reported(subject: str) -> str:
    """电梯修好了吗 about nothing she reported of late: no appeal of hers about it, and how to report it."""
    about = f"“{subject}”的" if 0 < len(subject) <= NEVER_REPORTED_SUBJECT else "这件事的"
    return (f"没有查到您最近反映过{about}诉求。如果问题还在，请直接说说是什么情况、在哪里，例如：“3号楼电梯坏了，"
            "一直停在1楼”，我们马上登记。回复“我的诉求”可查看您反映过的诉求。")


def nothing_open(ticket: str, category: str, status: str) -> str:
    """A chase-up with nothing open: where the latest appeal ended, and how to report the problem again."""
    return (f"您目前没有办理中的诉求。最近一件是 {ticket}（{_category(category, short=True)}），状态：{status}。"
            f"如果问题还在或又出现了，请直接描述现在的情况，我们重新登记。回复“查询 {ticket}”可查看办理经过。")


def finished_asked_after(ticket: str, category: str, resolved_at: datetime, resolution: str | None,
                         awaiting_rating: bool) -> str:
    """路灯修好了吗 about an appeal resolved of late: when, with what result, and how to say it is still not fixed."""
    result = f"办理结果：{_excerpt(resolution)}。" if resolution else ""
    again = ("问题还没有解决的，请直接回复“不满意”并说说现在的情况（如“不满意，还是没修好”），诉求会重新打开，"
             "您的话会转告办理人员。" if awaiting_rating else
             "如果问题还在或又出现了，请直接描述现在的情况，我们重新登记。")
    return (f"您反映的诉求 {ticket}（{_category(category, short=True)}）已于 {clock(resolved_at)} 办结。{result}"
            f"{again}回复“查询 {ticket}”可查看办理经过。")


# Said to someone who speaks rather than types: say it again first, typing only as the other way.
VOICE_UNCLEAR = "抱歉，没能听清这段语音。请离手机近一点、慢一点再说一遍（也可以打字），我们马上为您登记。"
UNSUPPORTED = "抱歉，暂时只能处理文字、语音、图片和位置消息。请用文字描述您的诉求。"
MENU_KEY_UNKNOWN = "抱歉，这个菜单暂时不能使用。请直接发送文字或语音描述您的问题，回复“帮助”查看全部功能。"
NOT_FOUND = "没有找到编号为 {ticket} 的诉求。请核对编号，或回复“我的诉求”查看您提交过的诉求。"
# 查询 with a 微心愿's (W…) or a focus case's (J…) number, by its first letter.
NOT_A_TICKET = {
    "W": "{code} 是微心愿的编号，不是诉求编号。领了这个心愿的志愿者回复“可领任务”就能看到它（在您正在做的任务里）；"
         "查看您提交的诉求请回复“我的诉求”。",
    "J": "{code} 是聚焦办事项的编号，不是诉求编号，由工作人员处理。查看您提交的诉求请回复“我的诉求”。",
}
NO_APPEALS = "您还没有提交过诉求。直接发送文字或语音即可提交。"
NEEDS_TICKET = "请在“{verb}”后面加上诉求编号，例如：{verb} G2611220007"
TICKET_FORMAT = "诉求编号是 G 加 10 位数字，例如 G2611220007。您发的 {number} 只有 {digits} 位数字，请核对后再发一次。"
TICKET_LETTER = ("诉求编号是 G 加 10 位数字，例如 G2611220007（心愿是 W 加 10 位数字）。您发的 {number} 不是完整的编号，"
                 "请核对后再发一次。")
ONE_TICKET_AT_A_TIME = "您发了 {count} 个编号。“{verb}”一次只能办一条，请分开发送，例如：{verb} {ticket}"
CANNOT_CANCEL = "诉求 {ticket} 当前状态为“{status}”，不能撤销。"
ALREADY_CANCELLED = "诉求 {ticket} 已经撤销了，不用再撤销。如问题仍未解决，可随时重新提交。"
CANCELLED = "诉求 {ticket} 已撤销。如问题仍未解决，可随时重新提交。"
STOPPED_FOLLOWING = "已撤销诉求 {ticket}，不再收到诉求 {joined} 的办理进展。"
NO_ADDRESS = "您还没有绑定住址。回复“绑定”开始，按提示回复序号即可。"
MY_ADDRESS = "您绑定的住址：{street}{grid_label} {home}\n如需更改，回复“绑定”。{contact}"
# 删除我的信息, 注销: what is kept about them, what they can delete here, and whom to ask for the rest (the archive
# of appeals is kept: docs/deploy.md "数据增长与保留").
MY_DATA = ("为办理您的诉求，我们保存了：绑定的住址、您留下的电话和门牌（回复“我的地址”查看），以及您提交的诉求和办理记录"
           "（回复“我的诉求”查看）。\n"
           "· 删除电话：回复“删除电话”；删除门牌：回复“删除门牌”\n"
           "· 住址变了：回复“我搬家了”重新绑定\n"
           "· 不再接收一般通知：回复“退订通知”\n"
           "诉求和办理记录是办事档案，按规定保存，不能在这里删除。需要删除或更正其他个人信息的，请联系您所在的社区。")
RATING_THANKS = "感谢您的评价！诉求 {ticket} 已完结。以后遇到问题，随时发消息给我们。"
# Who follows up (storage.rating.follow_up_by), by role and place; a street with nobody bound above the grid
# promises no 回访 at all.
FOLLOWING_UP = {"leader": "网格长会尽快回访您，并督促继续办理。", "community": "社区工作人员会尽快回访您，并督促继续办理。",
                "street": "街道工作人员会尽快回访您，并督促继续办理。", None: "办理人员会继续办理。"}


def rating_reopened(ticket: str, follower: str | None, words_passed_on: bool) -> str:
    """不满意: the appeal reopened, who follows up, and how to say why (unless they said it already)."""
    if words_passed_on:
        return f"很抱歉没有让您满意。诉求 {ticket} 已重新打开，您说的情况已转告办理人员，{FOLLOWING_UP[follower]}"
    return (f"很抱歉没有让您满意。诉求 {ticket} 已重新打开，{FOLLOWING_UP[follower]}"
            f"想说说哪里不满意，请回复“补充 {ticket} 内容”，会转告办理人员。")


RATING_CLOSED = ("诉求 {ticket} 办结已超过 {days} 天，评价已经截止，这次回复不再记为评价。"
                 "如问题仍未解决，请直接描述问题，我们重新为您登记；回复“查询 {ticket}”可查看办理记录。")
RATING_NAMES = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}
RATING_GIVEN = ("诉求 {ticket} 已经评价过了（{rating}），评价不能更改。问题还没有解决的，请直接描述现在的情况，"
                "我们重新为您登记。")
RATING_GIVEN_AGAIN = "诉求 {ticket} 已经评价过了（{rating}），谢谢您！以后遇到问题，随时发消息给我们。"
RATING_GIVEN_REOPENED = "诉求 {ticket} 已按“不满意”重新打开办理，办结后会再请您评价。有话要告诉办理人，请回复“补充 {ticket} 内容”。"
RATING_NOT_YET = "诉求 {ticket} 还没有办结，办结后会请您评价。想了解进度，请回复“查询 {ticket}”。"
# 评价 said alone with nothing waiting for a rating: when one will be asked, and how it is answered.
NOTHING_TO_RATE = "您目前没有等待评价的诉求。诉求办结后，我们会请您评价，到时回复 1 满意 / 2 基本满意 / 3 不满意 即可。"
JOIN_BY_TICKET = ("想和邻居一起关注同一个问题，请直接描述这个问题（如“3号楼电梯坏了”）：已有邻居反映过的，我们会请您回复 1 加入，"
                  "办理进展会同步告诉您。")
RATING_TOO_LATE = "诉求 {ticket} 已经不在待评价状态，无需再评价。如有新问题，请直接描述。"
APPEAL_TOO_LONG = "诉求内容最多 {limit} 字，您发了 {length} 字，没有登记。请精简后再发一次（照片、位置可以另外发送）。"
SYSTEM_BUSY = "抱歉，系统有点忙，您的消息没有登记成功，请稍后再发一次。"
# After an emergency's advice (handlers/emergency.py's `unfiled`): nobody has been told yet, the advice is all there is.
EMERGENCY_NOT_FILED = "抱歉，系统有点忙，您的求助没有登记成功，还没有通知工作人员：请先按上面的方法求助，稍后再发一次。"
# Intake limits (GRIDBOT_APPEALS_PER_HOUR / _PER_DAY): nothing is filed.
_URGENT = "如有紧急情况，请直接致电社区居委会；危及人身安全请拨打 110、119 或 120。"
LIMIT_PER_HOUR = (
    "抱歉，每位居民一小时内最多提交 {limit} 条诉求，您已达到上限，这条消息没有登记为新诉求。"
    "已提交的诉求正在办理，回复“我的诉求”可查看进度；请稍后再提交新的问题。" + _URGENT
)
LIMIT_PER_DAY = (
    "抱歉，每位居民 24 小时内最多提交 {limit} 条诉求，您已达到上限，这条消息没有登记为新诉求。"
    "已提交的诉求正在办理，回复“我的诉求”可查看进度；请明天再提交新的问题。" + _URGENT
)

BIND_CHOOSE_STREET = "请选择您所在的街道（回复序号，也可以直接回复社区或小区名称）：\n{options}\n回复“取消”可退出。"
BIND_CHOOSE_FIRST = "请选择您所在的社区（回复序号，也可以直接回复小区名称）：\n{options}\n回复“取消”可退出。"
BIND_COMMUNITY_OF_STREET = "{community}（{street}）"  # a menu's community whose name another street's shares
BIND_CHOOSE = "请选择您所在的{level}（回复序号或名称）：\n{options}\n回复“返回”回到上一步，回复“取消”可退出。"
BIND_RETRY = "没有这个选项，请回复 1 到 {count} 之间的序号或名称，或回复“取消”退出。\n{options}"
# A building or unit said before the question for it (3号楼2单元 at the 社区 question): one question at a time.
BIND_NOT_YET = ("请先选择您所在的{level}，{said}下一步再选。请回复 1 到 {count} 之间的序号或名称，或回复“取消”退出。"
                "\n{options}")
# The name of a community two streets each have: it is an option, twice; the street tells them apart.
BIND_SHARED_NAME = "“{name}”有不止一个（在不同街道），请回复序号选择您所在的那个，或回复“取消”退出。\n{options}"
# A 小区 name two communities (or streets) have: the first question tells them apart.
BIND_SHARED_COMPOUND = "“{name}”不止一个（在不同的社区），请先选择您所在的{level}。"
BIND_NO_STEP_BACK = "这已经是第一步了。"
BIND_NO_MORE = "选项就是下面这些，没有下一页了，请回复序号或名称，或回复“取消”退出。\n{options}"
BIND_MORE = "（第 {first}–{last} 项，共 {count} 项）回复“更多”看下一页，也可以直接回复名称。"
BIND_MORE_FROM_START = "（第 {first}–{last} 项，共 {count} 项，这是最后一页）回复“更多”从头再看，也可以直接回复名称。"
# A problem typed instead of an answer: kept, and the question asked again.
BIND_PROBLEM_HELD = "已记下您的诉求（编号 {ticket}），住址绑定后会马上转给您所在的网格。请接着选择住址：\n{question}"
BIND_EMPTY = "暂时没有可选的{level}，请联系社区工作人员。"
BIND_CANCELLED = "已退出地址绑定。需要时回复“绑定”重新开始。"
BIND_CANCELLED_HELD = ("已退出地址绑定。您的诉求 {tickets} 还没有转给网格员：绑定住址后才会派给您所在的网格办理。"
                       "需要时回复“绑定”重新开始。")
BIND_LAPSED = "刚才的选单已过期，您的诉求 {tickets} 还在等待绑定住址，请重新选择：\n{question}"
QUIT_DONE = "已退出当前操作。有问题请直接描述。"
NOTHING_TO_CANCEL = "目前没有正在进行的操作，无需取消。要撤销已提交的诉求，请回复：撤销 编号（回复“我的诉求”可查看编号）。"
# 政策咨询 answered from the FAQ operators import; 转人工 files the question as an appeal.
FAQ_ANSWER = "{answer}\n\n没解决请回复 转人工"
# To a resident bound nowhere, answered from a district-wide entry some street answers its own way (at most 600
# characters of answer: this still fits one passive reply).
FAQ_ANSWER_DIFFERS_BY_STREET = ("{answer}\n\n各街道的答复可能不同：回复“绑定”绑定住址后再问一次，就能得到您所在街道的答复。"
                                "没解决请回复 转人工")
FAQ_NOTHING_PENDING = "请直接描述您遇到的问题或想咨询的事项，我们会登记并转给工作人员办理。"
BIND_DONE = "绑定成功！您的住址：{grid_label} {home}\n以后直接发送诉求，我们会转给您所在网格的网格员。"
BIND_SCENE_DONE = "已为您绑定：{grid_label} {home}\n如需精确到单元，回复“绑定”重新选择。"
BIND_SCENE_UNIT_KEPT = "已为您绑定：{grid_label} {home}\n如需更改，回复“绑定”。"
# A code scanned in another building than the one bound (visiting a parent, a poster seen elsewhere) moves them:
# they must learn their old address is gone, and how to have it back.
BIND_SCENE_MOVED = ("已将您的住址由 {old} 改为：{grid_label} {home}\n"
                    "如果您并不住在这栋楼，或需要精确到单元，请回复“绑定”重新选择。")
BIND_SCENE_UNKNOWN = "这个二维码没有对应的楼栋，请回复“绑定”手动选择住址。"
HELD_RELEASED = "您反映的问题（编号 {tickets}）已提交给 {grid_label}。"
LEVELS = {"street": "街道", "community": "社区", "compound": "小区", "grid": "网格", "building": "楼栋", "unit": "单元"}

HELP_HEADER = EMERGENCY_NUMBERS + "\n您可以直接发送文字或语音提交诉求，也可以回复下面的指令："
# 帮助 in the middle of choosing an address: the menu is still waiting, and this says so first.
HELP_WHILE_BINDING = "您正在绑定住址：看完说明，请回复刚才选单里的序号或名称接着选（回复“取消”退出）。"
HELP_LINE = "· {usage}：{summary}"
HELP_CONTINUED = "指令（续，第{page}/{pages}页）："
HELP_MORE = "还有更多指令，请回复：帮助 {next}"


# Who handles a complaint (storage.complaints.handled_at): never a word that could name the person complained of.
COMPLAINT_HANDLERS = {"grid": "网格长或社区", "community": "社区", "street": "街道"}
COMPLAINT_DETAILS_WANTED = ("请把投诉谁（姓名或职务，或物业）和发生了什么事一起发过来，例如：投诉网格员张伟，上门态度很差还骂人；"
                            "投诉物业，电梯坏了三天没人修。投诉工作人员的，由其上级处理，被投诉人看不到。")
COMPLAINT_HANDLED_BY = "您的投诉由被投诉人的上级（{who}）处理，被投诉的工作人员看不到您的投诉。"
COMPLAINT_CONTACT = "处理投诉的工作人员"


def appeal_received(ticket: str, category: str, grid_label: str, response_hours: int, resolve_hours: int,
                    subcategory: str | None = None, department: str | None = None, working_days: bool = False,
                    reach: str = "members") -> str:
    """The passive reply to a new appeal of a bound resident (`department`: the category goes to one, not to the
    grid's members; `working_days`: its limits count working days only; `reach`: who its card reaches,
    storage.dispatch.reach)."""
    return (
        "已受理您的诉求\n"
        f"编号：{ticket}\n"
        f"类别：{_category(category)}{'·' + subcategory if subcategory else ''}\n"
        f"网格：{grid_label}\n"
        f"{time_limits(response_hours, resolve_hours, working_days)}\n"
        f"接下来：{_next(category, department, reach)}处理进展会通过本公众号通知您。"
        f"回复“查询 {ticket}”可随时查看进度。"
    )


# Who the task card reached (storage.dispatch.reach): the resident is told who will call, never a grid member
# where none is bound.
REACH_CONTACTS = {"department": "工作人员", "members": "网格员", "leader": "网格长"}
REACH_ARRANGES = {"community": "社区工作人员", "street": "街道工作人员"}
REACH_ARRANGE = "您所在的网格暂时还没有网格员在公众号上接收消息，已通知{who}尽快安排人员联系您，"
REACH_NOBODY = "您所在的网格暂时还没有工作人员在公众号上接收消息，诉求已登记，等待工作人员安排，"
# A 派单 grid whose members and 网格长 are all away (on leave, or unfollowed): the operators standing in were told
# (storage.dispatch.reach).
REACH_AWAY = "您所在网格的网格员暂时都不在岗，已通知{who}尽快安排人员联系您，"


def _next(category: str, department: str | None, reach: str) -> str:
    if category == COMPLAINT_CATEGORY:
        return f"{COMPLAINT_CONTACT}会尽快联系您，"
    if reach in REACH_ARRANGES:
        return REACH_ARRANGE.format(who=REACH_ARRANGES[reach])
    if reach == "":
        return REACH_NOBODY
    if reach.startswith("away:"):
        return REACH_AWAY.format(who=REACH_ARRANGES[reach.removeprefix("away:")])
    return f"{REACH_CONTACTS.get(reach, '工作人员' if department else '网格员')}会尽快联系您，"


def already_filed(ticket: str, content: str) -> str:
    """The reply to a message that repeats one of the sender's open appeals: nothing new is filed."""
    return (
        f"您已反映过“{_excerpt(content, 20)}”，编号 {ticket}，正在办理，无需重复发送。"
        f"回复“查询 {ticket}”可查看进度；如有新情况，请说明与之前不同的地方。"
    )


def appeal_held(ticket: str, bind_prompt: str, for_family: bool = False) -> str:
    """The reply when an unbound resident sends an appeal: it waits, and binding starts; `for_family` (我替我妈反映):
    the address to choose is the family member's, where the problem is."""
    if for_family:
        return (f"已收到您替家人反映的问题（编号 {ticket}）。还需要知道问题在哪里：请按您家人的住址选择下面的社区、小区、"
                "楼栋和单元，选好后马上转给那里的网格（这个住址也会作为您绑定的住址，以后可回复“更换地址”修改）。\n"
                f"{bind_prompt}")
    return f"已收到您的诉求（编号 {ticket}），绑定住址后会马上转给您所在的网格。\n{bind_prompt}"


def attachment_added(kind: str, ticket: str) -> str:
    """An image or location was added to an open appeal."""
    return f"已将{ATTACHMENT_NAMES.get(kind, '材料')}补充到诉求 {ticket}。"


def attachment_not_for_older(kind: str, ticket: str) -> str:
    """Material sent long after the resident's open appeal: kept for the problem they are about to describe."""
    name = ATTACHMENT_NAMES.get(kind, "材料")
    return (f"收到{name}。您的诉求 {ticket} 已提交一段时间，这次的{name}没有附到它。"
            f"请用文字说明{name}反映的问题，我们会一并登记。")


def attachment_waiting(kind: str) -> str:
    """An image or location arrived with no open appeal: ask what it is about."""
    return f"收到{ATTACHMENT_NAMES.get(kind, '材料')}。请用文字说明遇到了什么问题，我们会一并登记。"


MATERIAL_LIMIT = {
    "hour": "抱歉，每位居民一小时内最多发送 {limit} 张图片或位置，您已达到上限，这次的{name}没有保存。请稍后再发；"
            "要说明的情况请直接发文字。",
    "day": "抱歉，每位居民 24 小时内最多发送 {limit} 张图片或位置，您已达到上限，这次的{name}没有保存。请明天再发；"
           "要说明的情况请直接发文字。",
}


def attachment_limit(kind: str, window: str, limit: int) -> str:
    """A photo or location past the resident's hour's or day's share: not kept (storage.photo_shares.RESIDENT)."""
    return MATERIAL_LIMIT[window].format(limit=limit, name=ATTACHMENT_NAMES.get(kind, "材料")) + _URGENT


def attachment_while_rating(kind: str, ticket: str) -> str:
    """An image or location with nothing open while the resolved appeal's rating is asked: 不满意 reopens it and
    takes this along to its handler; a new problem is filed with it."""
    name = ATTACHMENT_NAMES.get(kind, "材料")
    return (f"收到{name}。诉求 {ticket} 已办结，正在等您评价：问题还没有解决的，请回复“不满意”并说说现在的情况，"
            f"诉求会重新打开，这次的{name}会一并转给办理人员；是别的问题，请用文字说明，我们会一并登记。")


LIST_SNIPPET = 16  # characters of each appeal's words in 我的诉求: enough to tell two lift appeals apart


# 补充 (handlers/resident.py): words for the handler of an open appeal, and what became of them.
WORDS = {
    "told": "已把您补充的情况转告诉求 {ticket} 的办理人。",
    # Given back (退回) by its grid: nobody handles it until its community routes it again.
    "routing": "已把您补充的情况转告{place}的工作人员，他们正在为诉求 {ticket} 另行安排办理人员，办理人也能看到您补充的情况。",
    "kept": "已把您补充的情况记在诉求 {ticket} 上，工作人员办理时能看到。",
    "too_often": "诉求 {ticket} 这一小时已经补充了 {limit} 次，工作人员都能看到。请过一会儿再补充。",
    "again": "这些情况已经补充到诉求 {ticket} 了，工作人员能看到。",
}
# 补充 or 催办 of a resolved appeal whose rating is asked: 不满意 reopens it for its handler, a new appeal would not.
RATE_TO_REOPEN = ("诉求 {ticket} 已办结，正在等您评价。问题还没有解决的，请直接回复“不满意”并说说现在的情况"
                  "（如“不满意，还是没修好”），诉求会重新打开，您的话会转告办理人员。")
WORDS_NOT_OPEN = "诉求 {ticket} 的状态是“{status}”，不能再补充。有新的问题请直接发送，会登记为新的诉求。"
NOTHING_TO_ADD_TO = "您现在没有正在办理的诉求。要反映新问题，直接发送文字或语音即可。"
WHICH_TO_ADD_TO = "您有 {count} 件诉求正在办理，请写明补充哪一件，例如：补充 {ticket} 明天上午家里有人"


def words_added(ticket: str, added: WordsAdded, emergency: bool = False) -> str:
    """What became of the words a resident added with 补充, or to their emergency."""
    outcome = "again" if added.again else "too_often" if added.too_often else "told" if added.told else "kept"
    if outcome == "told" and added.routing is not None and not emergency:
        return WORDS["routing"].format(ticket=ticket, place=added.routing)
    return (EMERGENCY_WORDS if emergency else WORDS)[outcome].format(ticket=ticket, limit=WORDS_PER_HOUR)


# Words of no category of their own minutes after an appeal (handlers.filing._continues): added to it, not filed.
CONTINUED = "这条消息已作为您刚才反映的“{excerpt}”（诉求 {ticket}）的补充。{added}如果说的是另一件事，请过几分钟单独发送，写清在哪里、什么问题。"


def continued(ticket: str, content: str, added: WordsAdded) -> str:
    """The reply to words that went on with the appeal filed minutes ago: which, and what became of them."""
    return CONTINUED.format(ticket=ticket, excerpt=_excerpt(content, 12), added=words_added(ticket, added))


# Only where (2号楼1单元), after being asked what and where: the problem is asked for with the place.
PLACE_ONLY = "{place}有什么问题？请把问题和地点一起发过来，例如：“{place}楼道灯不亮”，我们马上为您登记。"
# 补充 said with nothing to add (我想补充一下): the words go after it, the number only when several are open.
NEEDS_WORDS_TO_ADD = ("请把要补充的情况直接写在“补充”后面发过来，例如：补充 明天上午家里有人"
                      "（有几件诉求在办时写上编号，例如：补充 G2611220007 明天上午家里有人）。")


def which_to_add_to(still_open: list[tuple[str, str, str]]) -> str:
    """补充 without a number: none open, or which of the open (ticket, category, content) is meant."""
    if not still_open:
        return NOTHING_TO_ADD_TO
    return "\n".join([WHICH_TO_ADD_TO.format(count=len(still_open), ticket=still_open[0][0]), *_rows(still_open)])


def _rows(still_open: list[tuple[str, str, str]]) -> list[str]:
    """One line per open (ticket, category, content): the number to send, what it is, how it began."""
    return [f"{ticket}｜{_category(category, short=True)}｜{_excerpt(content, LIST_SNIPPET)}"
            for ticket, category, content in still_open]


WHICH_TICKET = "请在“{verb}”后面写上诉求编号，例如：{verb} {ticket}\n您正在办理的诉求："


def which_ticket(verb: str, still_open: list[tuple[str, str, str]]) -> str:
    """撤销 or 催办 without a number: none open, or the open (ticket, category, content) to pick from."""
    if not still_open:
        return NOTHING_TO_ADD_TO
    return "\n".join([WHICH_TICKET.format(verb=verb, ticket=still_open[0][0]), *_rows(still_open)])


CALL_OFF_NOTHING_OPEN = "好的，有需要随时找我们。"
CALL_OFF_HOW = "好的。问题已经解决的话，请回复“撤销 编号”撤销诉求，例如：撤销 {ticket}\n您正在办理的诉求："


def how_to_call_off(still_open: list[tuple[str, str, str]]) -> str:
    """“不用了，我自己弄好了”: how to withdraw the open (ticket, category, content), or a friendly word."""
    if not still_open:
        return CALL_OFF_NOTHING_OPEN
    return "\n".join([CALL_OFF_HOW.format(ticket=still_open[0][0]), *_rows(still_open)])


def cannot_restore_lapsed(ticket: str, content: str) -> str:
    """恢复 of an appeal closed for the address never given: what to do instead, with its words to send again."""
    return (f"诉求 {ticket} 一直未绑定住址，已自动关闭，不能恢复。问题还在的，请回复“绑定”绑定住址后把情况再发一次。"
            f"原来的内容：{_excerpt(content, LIST_SNIPPET)}")


def cannot_restore(ticket: str, content: str) -> str:
    """撤销错了: the withdrawn appeal cannot be restored; its words, to send again as a new one."""
    return (f"诉求 {ticket} 已经撤销，撤销后不能恢复。问题还在的，请把情况再发一次，我们重新登记为新的诉求。"
            f"原来的内容：{_excerpt(content, LIST_SNIPPET)}")


def appeal_list(lines: list[tuple[str, str, str, datetime, str, str | None]], now: datetime | None = None) -> str:
    """我的诉求: (ticket, category, status, created_at, content, department) newest first, each with the start of
    its words (and the year of one filed in another year than `now`'s)."""
    rows = [f"{ticket}｜{_category(category, short=True)}｜{status_name(status, category, department)}｜"
            f"{clock(at, now)}\n"
            f"　{_excerpt(content, LIST_SNIPPET)}"
            for ticket, category, status, at, content, department in lines]
    return "您最近的诉求：\n" + "\n".join(rows) + "\n回复“查询 编号”查看详情。"


def appeal_detail(ticket: str, category: str, status: str, content: str, events: list[tuple[datetime, str, str | None]],
                  department: str | None = None, page: int = 1, now: datetime | None = None) -> str:
    """查询: the appeal with its timeline, staff's notes included; `page` 2 (3, …): its earlier steps; a step of
    another year than `now`'s says its year."""
    steps = [f"{clock(at, now)} {_step(action, note, NOTES_SHOWN, category)}" for at, action, note in events]
    head = (f"诉求 {ticket}\n类别：{_category(category, short=True)}\n状态：{status_name(status, category, department)}\n"
            f"内容：{_excerpt(content)}\n进度：\n")
    return within_one_reply(steps, lambda lines: head + lines, EARLIER_STEPS, page, ticket=ticket)


def join_offer(ticket: str, category: str, place: str, status: str, department: str | None = None) -> str:
    """Appended to a new appeal's reply when a neighbour's open appeal is about the same problem.

    Only what the platform knows of that appeal, and no finer than the building: never its words, who sent it
    or their unit.
    """
    return (
        f"同楼已有相同诉求正在办理（编号 {ticket}，{_category(category, short=True)}，{place}，"
        f"{status_name(status, category, department)}）。回复 1 加入已有诉求，办理进展会同步告诉您；"
        "不回复则按您的新诉求单独办理。"
    )


JOINED = "已加入诉求 {target}：您的诉求 {ticket} 并入其中，不再单独派发。办理进展会同步告诉您，回复“查询 {ticket}”可查看。"
JOIN_DECLINED = "好的，您的诉求 {ticket} 单独办理，进展会通知您。"
# Several problems in one message (handlers/several.py).
PART_SNIPPET = 30
SEVERAL_KEPT_WHOLE = "好的，这几件事都在诉求 {ticket} 里一起办理，进展会通知您。"
SEVERAL_OVER_LIMIT = "您这一小时提交的诉求已达上限，这几件事先都在诉求 {ticket} 里一起办理；也可以稍后分别发送。"
SEVERAL_GONE = "诉求 {ticket} 已有变动（可能已撤销或办结），没有再拆分。如还有问题，请直接分别描述，我们重新登记。"


def several_problems_offer(parts: list[tuple[str, str, str | None]]) -> str:
    """Appended to a new appeal's reply when its message holds several problems: what they are, and the choice."""
    listed = "\n".join(f"{index}. {_part(text, category, subcategory)}"
                        for index, (text, category, subcategory) in enumerate(parts, 1))
    return (f"您的消息里有 {len(parts)} 件事：\n{listed}\n"
            "回复“分开”为每件事分别登记，各自派给负责的人办理；回复“不用了”就在这一条里一起办理。")


def several_filed(ticket: str, kept: str, others: list[tuple[str, str, str | None, str]], kept_back: int) -> str:
    """The answer to 分开: one problem (`kept`) stays with `ticket`, each other one has its own."""
    lines = [f"已分开登记：\n· {ticket}：{_excerpt(kept, PART_SNIPPET)}"]
    lines += [f"· {other}：{_part(text, category, subcategory)}" for other, category, subcategory, text in others]
    if kept_back:
        lines.append(f"您这一小时提交的诉求已达上限，其余 {kept_back} 件仍在 {ticket} 里一起办理。")
    lines.append("每件事的进展会分别通知您，回复“我的诉求”查看。")
    return "\n".join(lines)


def _part(text: str, category: str, subcategory: str | None) -> str:
    return f"{_excerpt(text, PART_SNIPPET)}（{category}{'·' + subcategory if subcategory else ''}）"


JOIN_UNAVAILABLE = "诉求 {target} 已不能加入（可能刚刚办结或有变动），您的诉求 {ticket} 继续单独办理。"


def merged_detail(ticket: str, content: str, target_ticket: str, category: str, status: str,
                  events: list[tuple[datetime, str, str | None]], department: str | None = None,
                  page: int = 1, now: datetime | None = None) -> str:
    """查询 of a merged appeal: the appeal it joined, with that one's steps (not its words, nor staff's notes);
    `page` 2 (3, …): the earlier ones; a step of another year than `now`'s says its year."""
    steps = [f"{clock(at, now)} {_step(action, note, FOLLOWER_NOTES_SHOWN)}" for at, action, note in events]
    head = (f"诉求 {ticket}\n内容：{_excerpt(content)}\n已并入相同诉求 {target_ticket}，一并办理。\n"
            f"{target_ticket}｜{_category(category, short=True)}｜{status_name(status, category, department)}\n进度：\n")
    return within_one_reply(steps, lambda lines: head + lines, EARLIER_STEPS, page, ticket=ticket)


EARLIER_STEPS = "……（较早的 {count} 条进度从略，回复“查询 {ticket} {next}”查看）"
# Any reply that grew past one passive reply ends here (handlers.router): said to residents and staff alike.
REPLY_CUT = "……（内容较长，一条消息放不下，后面的部分已省略）"


def choices(names: list[str], start: int = 1) -> str:
    """Numbered options, one per line, the first numbered `start` (a later page of a long menu goes on counting)."""
    return "\n".join(f"{number}. {name}" for number, name in enumerate(names, start=start))


def duration(hours: int) -> str:
    """2小时, 3天: how people say a time limit."""
    return f"{hours // 24}天" if hours % 24 == 0 else f"{hours}小时"


# A category counting working days (storage/workdays.py) stops its clock over weekends and holidays: "5天" would
# promise a day the resident sees pass on a Saturday.
TIME_LIMITS = "时限：{response}内响应，{resolve}内办结"
WORKING_TIME_LIMITS = "时限：{response}内响应，{resolve}内办结（周末和节假日不计）"


def working_duration(hours: int) -> str:
    """2个工作小时, 3个工作日: a time limit counted on working days only."""
    return f"{hours // 24}个工作日" if hours % 24 == 0 else f"{hours}个工作小时"


def time_limits(response_hours: int, resolve_hours: int, working_days: bool = False) -> str:
    """The receipt's line of time limits, in the days the category counts."""
    if working_days:
        return WORKING_TIME_LIMITS.format(response=working_duration(response_hours),
                                          resolve=working_duration(resolve_hours))
    return TIME_LIMITS.format(response=duration(response_hours), resolve=duration(resolve_hours))


def clock(at: datetime, now: datetime | None = None) -> str:
    """11月22日 14:30 in Beijing time; with `now` (in a notice, when it was made: `worded_at`), a moment of another
    year says its year (2025年12月7日 14:30: a year-old appeal is not read as today's)."""
    local = at.astimezone(LOCAL_ZONE)
    now = reference(now)
    year = f"{local.year}年" if now is not None and now.astimezone(LOCAL_ZONE).year != local.year else ""
    return f"{year}{local.month}月{local.day}日 {local:%H:%M}"


# When the notice being worded was made (handlers.notifications): its wordings take no `now` of their own, yet a
# reminder in January of an appeal filed in December must say 2026年12月.
_WORDED_AT: ContextVar[datetime | None] = ContextVar("worded_at", default=None)


@contextmanager
def worded_at(made: datetime | None) -> Iterator[None]:
    """Word a notice made at `made`: `clock` and the other date helpers then say the year of another year's date."""
    token = _WORDED_AT.set(made)
    try:
        yield
    finally:
        _WORDED_AT.reset(token)


def reference(now: datetime | None) -> datetime | None:
    """The moment a date is read against: `now` when given, else when the notice being worded was made."""
    return now if now is not None else _WORDED_AT.get()


def _category(category: str, short: bool = False) -> str:
    return category if short or category != "待分类" else category + UNCLASSIFIED_NOTE


# Notes staff write for the resident; a return's reason is for the community's operators. Residents who
# follow someone else's appeal see where it went and into what, never what staff wrote about it.
NOTES_SHOWN = frozenset({"progress", "resolved", "paused", "transferred", "merged", "rejected", "parts_filed",
                         "accepted", "reassigned", "reassigned_within"})
FOLLOWER_NOTES_SHOWN = frozenset({"transferred", "merged"})
# A step whose note is part of its sentence, not a remark after it: who took the appeal, or who has it now after a
# 改派 (handlers.resident._as_told gives the note: the name, or where it went). The followers of a neighbour's appeal
# read the bare step (EVENT_NAMES): the people handling it are the neighbour's to know.
REASSIGNED_WITHIN = "reassigned_within"  # taken from its holder, left with its grid: someone else there takes it
NOTED_STEPS = {
    "accepted": "工作人员{note}已接单",
    "reassigned": "改由{note}办理",
    REASSIGNED_WITHIN: "由{note}另行安排工作人员办理",
}


def _step(action: str, note: str | None, shown: frozenset[str], category: str = "") -> str:
    """One line of a timeline after its time: what was done, with its note where the reader may see it."""
    if action in NOTED_STEPS and action in shown and note:
        return NOTED_STEPS[action].format(note=_excerpt(note))
    return f"{_event_name(action, category)}{_note(action, note, shown)}"


def _note(action: str, note: str | None, shown: frozenset[str]) -> str:
    if action == "attached" and note:
        return f"（{ATTACHMENT_NAMES.get(note, note)}）"
    if action in shown and note:
        return f"：{_excerpt(note)}"
    return ""


def _excerpt(content: str, limit: int = 60) -> str:
    # Masked before the cut: a cut through a phone number would leave most of its digits unmasked.
    masked = mask_personal_numbers(content)
    return masked if len(masked) <= limit else masked[:limit] + "…"


# --- notices: each step of an appeal, as a customer-service text or as a template message's lines ----------

RATE_PROMPT = "回复 1 满意 / 2 基本满意 / 3 不满意"
# 撤销 of an appeal resolved and waiting for its rating: nothing to withdraw, the rating is the next thing to do.
CANCEL_WHILE_RATING = ("诉求 {ticket} 已经办结，不用撤销，正在等您评价：" + RATE_PROMPT
                       + "（问题没有解决的，回复“不满意”并说说现在的情况，诉求会重新打开）。")
# After one rating, the next appeal still waiting for one (storage/rating.ask_next).
RATING_OFF_THE_SCALE = "评价诉求 {ticket} 请" + RATE_PROMPT + "（也可以直接说“满意”“还行”“五星”）。"
# 我看看再说 to the rating question: the question stays open for when she has looked.
RATING_DEFERRED = ("好的，看过之后再评价诉求 {ticket}：" + RATE_PROMPT + "。问题还在的，请回复“不满意”并说说现在的情况，"
                   "诉求会重新打开。")
RATING_NEXT = "您的诉求 {ticket} 也已办结，请对它进行评价：" + RATE_PROMPT
CUT_MARK = "…（全文请回复“查询 {ticket}”）"  # a notice cut to what WeChat accepts (handlers/notifications.py)
RATE_PROMPT_SHORT = "回复1满意/2基本满意/3不满意"  # a template line shows 20 characters at most
TRACK_HINT = "回复“查询 {ticket}”可查看办理进度。"
PHOTO_NOTE = "工作人员已上传办结现场照片。"
# The question lasts RATING_WINDOW: said, so that an answer after it (评价已经截止) is no surprise.
RATE_YOURSELF = f"请您在 {RATING_WINDOW.days} 天内对本次办理进行评价："
RATE_FOR_NEIGHBOUR = f"请转告邻居，并在 {RATING_WINDOW.days} 天内代邻居对本次办理进行评价："  # 代报: the reporter rates for the neighbour
Fields = tuple[tuple[str, ...], str]  # a template message's keyword lines and its remark


def _yours(n: ResidentNotice) -> str:
    # A follower joined a neighbour's appeal: it is not "theirs", but they asked to hear of it; a 楼长 (党员…) hears
    # of the appeal they filed for a neighbour (代报), whom they tell.
    if n.followed:  # a 代报 merged into a neighbour's same appeal: the 楼长 follows it for the neighbour
        return "您代报的诉求所并入的诉求" if n.for_neighbour else "您加入的诉求"
    return "您代报的诉求" if n.for_neighbour else "您的诉求"


def _track(n: ResidentNotice) -> str:
    return TRACK_HINT.format(ticket=n.ticket)


def _accepted(n: ResidentAccepted) -> str:
    return f"{_yours(n)} {n.ticket} 已接单\n办理人：{_handler(n)}\n{_reach(n)}{_track(n)}"


# No published work phone: the account is the way to them (补充 reaches the handler, handlers/resident.py).
REACH_IN_CHAT = "工作人员会尽快与您联系；有话要告诉办理人，请回复“补充 {ticket} 内容”。"


def _handler(n: ResidentAccepted) -> str:
    name = f"{n.staff_name}（{n.unit}）" if n.unit else n.staff_name  # 冯队员（综合执法中队）: not a grid member
    return f"{name}，工作电话 {n.work_phone}" if n.work_phone else name


def _handler_line(n: ResidentAccepted, lead: str) -> str:
    # A template line shows 20 characters: the number goes right after the name, so it is not the part cut.
    return f"{n.staff_name} {n.work_phone}" if n.work_phone else f"{lead}{n.staff_name}"


# A follower joined a neighbour's appeal: the handler contacts the neighbour who asked, not them.
FOLLOWER_REACH = "办理进展会通过本公众号通知您。"


def _reach(n: ResidentAccepted) -> str:
    if n.followed:
        return FOLLOWER_REACH
    return "工作人员会尽快与您联系。" if n.work_phone else REACH_IN_CHAT.format(ticket=n.ticket)


def _progress(n: ResidentProgress) -> str:
    return f"{_yours(n)} {n.ticket} 有新进展：\n{n.note}\n{_track(n)}"


def _transferred(n: ResidentTransferred) -> str:
    if n.again:  # still where it was: another of its people takes it over
        return f"{_yours(n)} {n.ticket} 将由 {n.to} 另行安排工作人员办理，办理结果会通过本公众号通知您。\n{_track(n)}"
    if n.person:  # 改派 to one member: who handles it now, not a transfer to another body
        return f"{_yours(n)} {n.ticket} 改由网格工作人员 {n.to}负责办理，办理结果会通过本公众号通知您。\n{_track(n)}"
    return f"{_yours(n)} {n.ticket} 已转交 {n.to} 办理，办理结果会通过本公众号通知您。\n{_track(n)}"


def _paused(n: ResidentPaused) -> str:
    return f"{_yours(n)} {n.ticket} 暂缓办理\n原因：{n.reason}\n条件具备后会继续办理，届时通知您。"


def _resumed(n: ResidentResumed) -> str:
    return f"{_yours(n)} {n.ticket} 已恢复办理，进展会通过本公众号通知您。\n{_track(n)}"


def _resolved(n: ResidentResolved) -> str:
    photo = f"{PHOTO_NOTE}\n" if n.photo else ""
    rate = RATE_FOR_NEIGHBOUR if n.for_neighbour else RATE_YOURSELF
    return f"{_yours(n)} {n.ticket} 已办结\n办理结果：{n.note}\n{photo}{rate}{RATE_PROMPT}"


# Followers' notices: the step, without what staff wrote about it (ResidentNotice.for_follower in storage.notices).
def _follow_progress(n: ResidentFollowProgress) -> str:
    return f"{_yours(n)} {n.ticket} 有新进展，工作人员正在办理。\n{_track(n)}"


def _follow_paused(n: ResidentFollowPaused) -> str:
    return f"{_yours(n)} {n.ticket} 暂缓办理，条件具备后会继续办理，届时通知您。"


FOLLOW_NOT_SOLVED = "如问题仍未解决，可直接发送文字或语音重新反映。"
# 代报 merged into a neighbour's appeal: the 楼长 tells the neighbour; words sent plainly would be her own appeal.
FOLLOW_NOT_SOLVED_FOR_NEIGHBOUR = "请转告邻居。邻居的问题仍未解决的，请用“代报 单元或门牌 内容”再报。"


def _follow_resolved(n: ResidentFollowResolved) -> str:
    photo = f"{PHOTO_NOTE}\n" if n.photo else ""
    return f"{_yours(n)} {n.ticket} 已办结。\n{photo}{_not_solved(n)}"


def _not_solved(n: ResidentNotice) -> str:
    return FOLLOW_NOT_SOLVED_FOR_NEIGHBOUR if n.for_neighbour else FOLLOW_NOT_SOLVED


def _merged(n: ResidentMerged) -> str:
    return (f"{_yours(n)} {n.ticket} 与诉求 {n.into} 是同一问题，已由工作人员合并办理。"
            f"办理进展会同步告诉您，回复“查询 {n.ticket}”可查看。")


def _split(n: ResidentSplit) -> str:
    return f"{_yours(n)} {n.ticket} 已从诉求 {n.from_} 中拆分出来，恢复单独办理，进展会通过本公众号通知您。"


REPORT_A_PROBLEM = "如果遇到需要解决的问题，请直接发文字或语音告诉我们，我们会转给网格员办理。"
# 代报: words sent plainly are filed as the reporter's own appeal, at her address; the neighbour's go by 代报.
REPORT_FOR_NEIGHBOUR = "邻居确有需要解决的问题，请用“代报 单元或门牌 内容”再报（直接发的文字会登记为您自己的诉求）。"


def _rejected(n: ResidentRejected) -> str:
    if n.for_neighbour:
        return (f"您好，您代报的诉求 {n.ticket} 经工作人员查看，不作为诉求办理，也不需要代邻居评价。\n"
                f"说明：{n.reason}\n{REPORT_FOR_NEIGHBOUR}")
    return (f"您好，您发来的消息（编号 {n.ticket}）经工作人员查看，不作为诉求办理，也不需要您评价。\n"
            f"说明：{n.reason}\n{REPORT_A_PROBLEM}")


WITHDRAWN_NOT_ASKED = "如果不是您要求撤销的，或问题还需要解决，请直接回复告诉我们。"


def _withdrawn(n: ResidentWithdrawn) -> str:
    return f"{_yours(n)} {n.ticket} 已由工作人员按您的要求撤销，不再办理。\n{WITHDRAWN_NOT_ASKED}"


ADDRESS_WANTED_ASK = "请回复“绑定”开始；不需要办理了，请回复“撤销 {ticket}”。"
HELD_LAPSES_WARNING = f"提交后 {HELD_LAPSES_AFTER.days} 天仍未绑定住址的，将自动关闭。"


def _address_wanted(n: ResidentAddressWanted) -> str:
    return (f"您反映的问题（编号 {n.ticket}）还在等您的住址：绑定住址后会马上转给您所在的网格办理。"
            + ADDRESS_WANTED_ASK.format(ticket=n.ticket) + HELD_LAPSES_WARNING)


HELD_LAPSED_ASK = "问题如果还在，请回复“绑定”绑定住址后重新发送。"


def _held_lapsed(n: ResidentHeldLapsed) -> str:
    return (f"您反映的问题（编号 {n.ticket}）等了 {n.days} 天仍没有住址，无法转给网格办理，已自动关闭。"
            + HELD_LAPSED_ASK)


def _reopened(n: ResidentReopened) -> str:
    return f"{_yours(n)} {n.ticket} 已重新办理，工作人员会再次跟进，进展会通过本公众号通知您。"


def _recategorised_what(n: ResidentRecategorised) -> str:
    return f"类别已确认为“{n.category}”" if n.confirmed else f"类别已改为“{n.category}”"


def _recategorised(n: ResidentRecategorised) -> str:
    limits = time_limits(n.response_hours, n.resolve_hours, n.working_days)
    return f"{_yours(n)} {n.ticket} {_recategorised_what(n)}，办理时限按新类别计算。\n{limits}\n{_track(n)}"


# Each table takes the notice of its key's type (Callable[[Any], ...]: a dict can't tie the two types).
TEMPLATES: dict[type[ResidentNotice], Callable[[Any], str]] = {
    ResidentAccepted: _accepted,
    ResidentProgress: _progress,
    ResidentTransferred: _transferred,
    ResidentPaused: _paused,
    ResidentResumed: _resumed,
    ResidentResolved: _resolved,
    ResidentReopened: _reopened,
    ResidentRecategorised: _recategorised,
    ResidentFollowProgress: _follow_progress,
    ResidentFollowPaused: _follow_paused,
    ResidentFollowResolved: _follow_resolved,
    ResidentMerged: _merged,
    ResidentSplit: _split,
    ResidentRejected: _rejected,
    ResidentWithdrawn: _withdrawn,
    ResidentAddressWanted: _address_wanted,
    ResidentHeldLapsed: _held_lapsed,
}

# Template messages show only their keyword lines (WeChat dropped first and remark in 2023): the lines carry
# what matters; the remark repeats the hint for accounts still on an old template.
TEMPLATE_FIELDS: dict[type[ResidentNotice], Callable[[Any], Fields]] = {
    ResidentAccepted: lambda n: ((n.ticket, "已接单", _handler_line(n, "办理人：")), _track(n)),
    ResidentProgress: lambda n: ((n.ticket, "办理进展", n.note), _track(n)),
    ResidentTransferred: lambda n: ((n.ticket, "更换办理人", f"办理人：{n.to}") if n.person
                                    else (n.ticket, "已转办", f"转交：{n.to}"), _track(n)),
    ResidentPaused: lambda n: ((n.ticket, "暂缓办理", f"原因：{n.reason}"), _track(n)),
    ResidentResumed: lambda n: ((n.ticket, "恢复办理", "工作人员继续办理"), _track(n)),
    ResidentResolved: lambda n: ((n.ticket, "已办结", n.note, RATE_PROMPT_SHORT), RATE_PROMPT),
    ResidentReopened: lambda n: ((n.ticket, "重新办理", "工作人员将再次跟进"), _track(n)),
    ResidentRecategorised: lambda n: ((n.ticket, "类别已确认" if n.confirmed else "类别已更改",
                                       f"类别：{n.category}"), time_limits(n.response_hours, n.resolve_hours,
                                                                          n.working_days)),
    ResidentFollowProgress: lambda n: ((n.ticket, "办理进展", "工作人员正在办理"), _track(n)),
    ResidentFollowPaused: lambda n: ((n.ticket, "暂缓办理", "条件具备后继续办理"), _track(n)),
    ResidentFollowResolved: lambda n: ((n.ticket, "已办结", "请转告邻居" if n.for_neighbour else "如未解决可重新反映"),
                                       _not_solved(n)),
    ResidentMerged: lambda n: ((n.ticket, "已合并办理", f"并入：{n.into}"), _track(n)),
    ResidentSplit: lambda n: ((n.ticket, "恢复单独办理", f"拆自：{n.from_}"), _track(n)),
    ResidentRejected: lambda n: ((n.ticket, "不作为诉求办理", f"说明：{n.reason}"),
                                 REPORT_FOR_NEIGHBOUR if n.for_neighbour else REPORT_A_PROBLEM),
    ResidentWithdrawn: lambda n: ((n.ticket, "已撤销", "按您的要求撤销"), WITHDRAWN_NOT_ASKED),
    ResidentAddressWanted: lambda n: ((n.ticket, "等您绑定住址", "绑定后马上派给网格"),
                                      ADDRESS_WANTED_ASK.format(ticket=n.ticket)),
    ResidentHeldLapsed: lambda n: ((n.ticket, "已关闭", "一直未绑定住址"), HELD_LAPSED_ASK),
}


# The generic template (GRIDBOT_RESIDENT_TEMPLATE_ID), shared by every resident notice without a template of its
# own: (first, keyword2 状态, remark); keyword1 is the ticket and keyword3 the time (handlers/notifications.py).
# Only the keyword lines are shown today, each cut at 20 characters: the status says what happened and, for a
# result, how to rate it.
def _headline(n: ResidentNotice, what: str) -> str:
    return f"{_yours(n)}{what}"


GENERIC_FIELDS: dict[type[ResidentNotice], Callable[[Any], tuple[str, str, str]]] = {
    ResidentAccepted: lambda n: (_headline(n, "已接单"), _handler_line(n, "已接单，办理人"), _track(n)),
    ResidentProgress: lambda n: (_headline(n, "有新进展"), f"进展：{n.note}", _track(n)),
    ResidentTransferred: lambda n: (_headline(n, "更换办理人"), f"由{n.to}另行安排", _track(n)) if n.again
    else (_headline(n, "更换办理人"), f"改由{n.to}办理", _track(n)) if n.person
    else (_headline(n, "已转办"), f"已转交{n.to}办理", _track(n)),
    ResidentPaused: lambda n: (_headline(n, "暂缓办理"), f"暂缓：{n.reason}", _track(n)),
    ResidentResumed: lambda n: (_headline(n, "恢复办理"), "已恢复办理", _track(n)),
    ResidentResolved: lambda n: (_headline(n, "已办结"), f"已办结，{RATE_PROMPT_SHORT}", f"办理结果：{n.note}"),
    ResidentReopened: lambda n: (_headline(n, "重新办理"), "已重新办理", _track(n)),
    ResidentRecategorised: lambda n: (_headline(n, "类别已确认" if n.confirmed else "类别已更改"), f"类别：{n.category}",
                                      time_limits(n.response_hours, n.resolve_hours, n.working_days)),
    # Followers' notices carry the step, never what staff wrote (see _follow_progress).
    ResidentFollowProgress: lambda n: (_headline(n, "有新进展"), "有新进展，正在办理", _track(n)),
    ResidentFollowPaused: lambda n: (_headline(n, "暂缓办理"), "暂缓，条件具备后继续", _track(n)),
    ResidentFollowResolved: lambda n: (_headline(n, "已办结"), "已办结", _not_solved(n)),
    ResidentMerged: lambda n: (_headline(n, "已合并办理"), f"已并入{n.into}办理", _track(n)),
    ResidentSplit: lambda n: (_headline(n, "恢复单独办理"), "已拆分，恢复单独办理", _track(n)),
    ResidentRejected: lambda n: (_headline(n, "不作为诉求办理"), "不作为诉求办理", f"说明：{n.reason}"),
    ResidentWithdrawn: lambda n: (_headline(n, "已撤销"), "已按您的要求撤销", WITHDRAWN_NOT_ASKED),
    ResidentAddressWanted: lambda n: (_headline(n, "等您绑定住址"), "等您绑定住址",
                                      ADDRESS_WANTED_ASK.format(ticket=n.ticket)),
    ResidentHeldLapsed: lambda n: (_headline(n, "已关闭"), "未绑定住址，已关闭", HELD_LAPSED_ASK),
}

# --- 我的电话, 门牌: optional, read whole only by whoever handles the resident's appeal (handlers/contacts.py) --

CONTACT_HINT = "（可选）方便网格员联系您：可发送“我的电话 手机号”和“门牌 3号楼2单元501”，只有接单办理您诉求的工作人员能看到完整信息。"
PHONE_SAVED = "已记下您的电话 {phone}。只有接单办理您诉求的工作人员能看到完整号码；删除请回复“删除电话”。"
APPEALS_STAY_AT_OLD_HOME = "您在原住址反映的诉求 {tickets} 仍由原住址的网格办理，进展照常通知您。"
# After a move (我搬家了, or a code scanned in another building) the 门牌 left for the old home is not the new one's.
DOOR_NOTED = "已记下您的门牌 {door}，只有接单办理您诉求的工作人员能看到完整门牌（改门牌请发送“门牌 新门牌号”）。"
DOOR_OF_OLD_HOME = "您原来留的门牌 {door} 是原住址的，新住址的诉求不再使用（原住址的诉求照旧）；方便网格员上门，可发送“门牌 新门牌号”。"
# A bound resident said a building and unit not her bound home's, with nothing else (handlers.contacts.home_said).
HOME_SAID_ELSEWHERE = ("您绑定的住址是 {grid_label} {home}。如果已经搬家，请回复“我搬家了”重新绑定；"
                       "要留门牌方便上门，请回复“门牌”加门牌号，例如：门牌 3号楼2单元501。")
DOOR_SAVED = "已记下您的门牌 {door}。只有接单办理您诉求的工作人员能看到完整门牌；删除请回复“删除门牌”。"
PHONE_REMOVED = "已删除您留的电话。"
DOOR_REMOVED = "已删除您留的门牌。"
NO_PHONE = "您还没有留电话（可选）。留下方便办理人联系您：我的电话 13900002222"
NO_DOOR = "您还没有留门牌（可选）。留下方便办理人上门：门牌 3号楼2单元501"
PHONE_SHOWN = "您留的电话：{phone}。修改请回复：我的电话 新号码；删除请回复“删除电话”。"
DOOR_SHOWN = "您留的门牌：{door}。修改请回复：门牌 新门牌；删除请回复“删除门牌”。"
# Two numbers at once (a couple sharing one WeChat): only one is kept, so neither is, and they are told why.
PHONE_ONE_ONLY = ("只能留一个电话，这次没有保存。请只发一个号码，如：我的电话 13900002222；"
                  "家里其他人的电话，可以回复“补充 编号 内容”告诉办理人。")
PHONE_FORMAT = "没能识别这个电话号码，没有保存。请这样发送：我的电话 13900002222（手机 11 位），座机请写 区号-号码，如 0531-87654321。"
DOOR_FORMAT = "没能识别这个门牌，没有保存。请这样发送：门牌 3号楼2单元501 或 门牌 3-2-501（不超过 32 个字）。"


def my_contact(phone: str | None, door: str | None) -> str:
    """我的地址's line of what the resident left, masked as they gave it to be."""
    parts = [f"电话 {phone}" if phone else "", f"门牌 {door}" if door else ""]
    return "您留的联系方式：" + "，".join(part for part in parts if part) + "（只有办理人能看到完整信息）"



# --- 积分 (handlers/points.py) -------------------------------------------------------------------------------

POINTS_NOT_FOR_RESIDENTS = ("积分记录的是社区志愿者、党员、楼长等参与社区治理的贡献（领单完成任务、转达通知、代报等）"
                            "和网格工作人员的办理成效。想参与的话，党员可以发送“党员报到”，居民可以发送“志愿者报名”。")
POINTS_WAITING_FOR_COMMUNITY = ("您的报到/报名正在等待社区确认。确认后，领单完成任务、转达通知、代报等都会记积分，"
                                "发“我的积分”就能查看。")
# --- 领单: a volunteer takes part of the resident's appeal (storage/volunteer_claims.py) ------------------------
# By name only: the resident is not given the volunteer's number, nor the volunteer the resident's.


def _volunteer_coming(n: ResidentVolunteerComing) -> str:
    ask = FOLLOWER_REACH if n.followed else f"有问题请回复“补充 {n.ticket} 内容”告诉网格员。"
    return f"{_yours(n)} {n.ticket} 有志愿者{n.volunteer}前来帮忙，网格员仍负责办理，{ask}\n{_track(n)}"


TEMPLATES[ResidentVolunteerComing] = _volunteer_coming
TEMPLATE_FIELDS[ResidentVolunteerComing] = lambda n: ((n.ticket, "志愿者前来帮忙", f"志愿者：{n.volunteer}"), _track(n))
GENERIC_FIELDS[ResidentVolunteerComing] = lambda n: (_headline(n, "有志愿者帮忙"), f"志愿者{n.volunteer}前来帮忙",
                                                     _track(n))



def _volunteer_not_coming(n: ResidentVolunteerNotComing) -> str:
    return f"{_yours(n)} {n.ticket} 的志愿者{n.volunteer}因故不能前来帮忙了，网格员仍在办理，有进展会通知您。\n{_track(n)}"


TEMPLATES[ResidentVolunteerNotComing] = _volunteer_not_coming
TEMPLATE_FIELDS[ResidentVolunteerNotComing] = lambda n: ((n.ticket, "志愿者不能前来", f"志愿者：{n.volunteer}"),
                                                         _track(n))
GENERIC_FIELDS[ResidentVolunteerNotComing] = lambda n: ("帮忙的志愿者不能前来了",
                                                        f"志愿者{n.volunteer}因故不能前来", _track(n))

# What an operator calls each notice (the console's 模板消息 page, beside its stored name), by what the resident is told.
NOTICE_LABELS: dict[type[ResidentNotice], str] = {
    ResidentAccepted: "诉求已接单",
    ResidentProgress: "办理进展（含工作人员说明）",
    ResidentTransferred: "诉求已转办或改派（更换办理人）",
    ResidentPaused: "暂缓办理",
    ResidentResumed: "恢复办理",
    ResidentResolved: "已办结，请评价",
    ResidentReopened: "重新办理",
    ResidentRecategorised: "诉求类别已确认或更改（附新时限）",
    ResidentFollowProgress: "办理进展（给跟进的居民）",
    ResidentFollowPaused: "暂缓办理（给跟进的居民）",
    ResidentFollowResolved: "已办结（给跟进的居民）",
    ResidentMerged: "诉求已合并办理",
    ResidentSplit: "诉求恢复单独办理",
    ResidentRejected: "不作为诉求办理",
    ResidentWithdrawn: "诉求已撤销",
    ResidentAddressWanted: "诉求等待绑定住址（提醒一次）",
    ResidentHeldLapsed: "诉求一直未绑定住址，自动关闭",
    ResidentVolunteerComing: "志愿者前来帮忙",
    ResidentVolunteerNotComing: "志愿者不能前来了",
}
