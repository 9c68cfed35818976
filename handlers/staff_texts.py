"""Every sentence staff read from the bot, in one place; notices are worded by their type (see notifications)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Callable

from handlers import community_texts, summary_texts
from handlers.resident_texts import ATTACHMENT_NAMES, LOCAL_ZONE, Fields, clock, reference
from nlp.taxonomy import STAFF_COMPLAINT, UNCLASSIFIED
from storage import dispatch, supervision
from storage.actors import ActorKind
from storage.appeals import LAPSED_STATUS
from storage.emergencies import UNPLACED_GRID
from storage.enrolments import Waiting
from storage.lookups import CLI_READER
from storage.notices import (
    LEADER_CARD,
    OPERATOR_AWAY_CARD,
    OPERATOR_CARD,
    StaffAppealText,
    StaffCancelled,
    StaffCardLost,
    StaffCertifyLocked,
    StaffChased,
    StaffDailySummary,
    StaffDigest,
    StaffEmergencyUnclaimed,
    StaffEnrolmentDeclined,
    StaffEnrolmentRequested,
    StaffEscalated,
    StaffFocusOpened,
    StaffMaterialAdded,
    StaffMemberConfirmed,
    StaffMemberLeaveCancelled,
    StaffMemberMovedHome,
    StaffMemberOnLeave,
    StaffMerged,
    StaffNewAppeal,
    StaffNotice,
    StaffPartsFiled,
    StaffPausedByOther,
    StaffProgressByOther,
    StaffReassigned,
    StaffRecategorised,
    StaffRejected,
    StaffReminder,
    StaffReopened,
    StaffResolvedByOther,
    StaffResumedByOther,
    StaffReturned,
    StaffReturnedByOther,
    StaffSupervised,
    StaffTaken,
    StaffTasksHandedOver,
    StaffTransferredAway,
    StaffVolunteerAppealResolved,
    StaffVolunteerClaimed,
    StaffVolunteerConfirmed,
    StaffVolunteerDone,
    StaffVolunteerLetGo,
    StaffVolunteerMaterial,
    StaffVolunteerPraised,
    StaffVolunteerReleased,
    StaffWishCancelled,
    StaffWishWithdrawn,
    StaffWordsAdded,
)
from storage.outbox import DIGEST_TICKETS
from storage.reassigning import OnLeave
from storage.tasks import PROGRESS_PER_HOUR, STATUS_TOLD_PER_HOUR

# A second problem the classifier found in the message: a hint for whoever handles it, not a second appeal.
SECOND_CATEGORY = "{label}（另涉及{second}）"


def category_label(category: str, subcategory: str | None, second: str | None = None) -> str:
    """物业服务·电梯, or just the category when no subcategory was recognised; with the second problem's
    category when the message names one: 市政设施·路灯（另涉及噪音扰民）. Not when an operator's 分类 made the second
    category the appeal's own."""
    label = f"{category}·{subcategory}" if subcategory else category
    return SECOND_CATEGORY.format(label=label, second=second) if second and second != category else label


# A sensitive appeal's card to a member who may not read it yet (storage.dispatch._card_for).
WITHHELD_HOME = "（接单后可见）"
WITHHELD_CONTENT = "涉及个人隐私，仅接单人和网格长可见；接单后回复“查询 {ticket}”查看。"


EMERGENCY_NUMBERS = "危及人身安全请同时拨打 110、119 或 120"
URGENT_DOOR = "门牌：{door}"


# Photos and locations staff may open (storage/media_files.py): in cards, notices and 查询.
PHOTO_LINE = "图片{number}：{link}"
PLACE_LINE = "位置{number}：{link}"
PHOTO_SAVING = "图片（保存中）"  # not downloaded from WeChat yet
PHOTO_LOST = "图片未能保存"  # WeChat's copy expired, or every try failed
# The page a photo link (bot/web/media.py) shows instead of the photo.
MEDIA_LINK_INVALID = "链接已过期或无效，请在公众号里重新发送“查询 编号”获取"
MEDIA_SAVING = "图片正在保存，请稍后刷新本页"
MEDIA_LOST = "图片未能保存（微信只保留三天，或多次下载失败）"
MEDIA_UNAVAILABLE = "图片暂时打不开，几秒后本页会自动刷新"


def material_lines(photos: tuple[str | None, ...], places: tuple[str, ...], states: tuple[str, ...] = ()) -> str:
    """Each photo as 图片1：<link> (or its copy's state, from 查询) and each location as 位置1：<map link>, a line
    each after a newline; empty when there is neither."""
    lines = [PHOTO_LINE.format(number=number, link=_photo_shown(link, states[number - 1] if states else "saved"))
             for number, link in enumerate(photos, start=1)]
    lines += [PLACE_LINE.format(number=number, link=link) for number, link in enumerate(places, start=1)]
    return "".join(f"\n{line}" for line in lines)


def _photo_shown(link: str | None, state: str) -> str:
    if state == "failed":
        return PHOTO_LOST
    if state == "saving" or not link:
        return PHOTO_SAVING
    return link


# A task moved on after its 办结 deadline: the date alone reads like a slip of the pen.
OVERDUE_CARD = "（已超时）"


def due_clock(at: datetime, now: datetime | None = None) -> str:
    """A deadline as staff read it: 12月7日 18:00; one at midnight (a working-day limit that began on a holiday ends
    at one) as the end of its day, 12月7日 24:00: 12月8日 00:00前 reads as a day more than it gives. With `now`, a
    day of another year says its year (2025年12月31日 24:00), as `clock` does."""
    local = at.astimezone(LOCAL_ZONE)
    if local.time() != time(0):
        return clock(at, now)
    day = local.date() - timedelta(days=1)
    now = reference(now)
    year = f"{day.year}年" if now is not None and now.astimezone(LOCAL_ZONE).year != day.year else ""
    return f"{year}{day.month}月{day.day}日 24:00"


def _new_appeal(n: StaffNewAppeal) -> str:
    if n.urgent:
        return _urgent_card(n)
    deadline = f"\n办结时限：{due_clock(n.resolve_due_at)}前{OVERDUE_CARD if n.overdue else ''}" if n.resolve_due_at else ""
    return (
        f"{_card_heading(n)}\n"
        f"类别：{category_label(n.category, n.subcategory, n.second_category)}\n"
        f"地址：{n.grid} {_card_home(n)}\n"
        f"{_card_contact(n)}"
        f"内容：{_card_content(n)}{material_lines(n.photos, n.places)}"
        f"{deadline}\n"
        f"{_new_appeal_ask(n)}"
    )


# A card handed on by 改派: who moved it, to the reader (a member) or their grid (a team's card), and why.
CARD_REASSIGNED_TO_YOU = "【改派】{ticket} {by}改派给您"
CARD_REASSIGNED_TO_GRID = "【改派】{ticket} {by}改派到本网格"


def _card_heading(n: StaffNewAppeal) -> str:
    if n.reassigned_by is None:
        return f"【新诉求】{n.ticket}"
    heading = CARD_REASSIGNED_TO_YOU if n.reassigned_to_you else CARD_REASSIGNED_TO_GRID
    reason = f"：{n.reassign_reason.rstrip('。.')}" if n.reassign_reason else ""
    return heading.format(ticket=n.ticket, by=n.reassigned_by) + reason


def _new_appeal_ask(n: StaffNewAppeal) -> str:
    if n.for_department:  # a department hands back only what it has claimed (storage.tasks.give_back)
        return (f"回复“接单 {n.ticket}”接下任务，办理中回复“进展 {n.ticket} 说明”，办完回复“办结 {n.ticket} 说明”；"
                f"不归本单位办理的，接单后回复“退回 {n.ticket} 原因”，由社区重新派发。")
    if n.receiver == OPERATOR_CARD:  # an operator's 接单 of an ordinary task is refused: they route it
        return CARD_ASK_OPERATOR.format(ticket=n.ticket)
    if n.receiver == OPERATOR_AWAY_CARD:
        return CARD_ASK_OPERATOR_AWAY.format(ticket=n.ticket)
    if n.receiver == LEADER_CARD:
        return CARD_ASK_LEADER.format(ticket=n.ticket)
    return f"回复“接单 {n.ticket}”接下任务；不属于本网格请回复“退回 {n.ticket} 原因”。"


# Nobody below the reader is bound to claim the card (storage.dispatch.stand_ins): what they do instead.
CARD_ASK_OPERATOR = ("这个网格还没有绑定微信的网格员和网格长，没有人能接单：请回复“改派 {ticket} 网格或姓名”派给能办理的人，"
                     "归部门或物业办理的回复“转办 {ticket} 部门”。")
CARD_ASK_OPERATOR_AWAY = ("这个网格是派单模式，网格员和网格长现在都不在岗（请假或取消关注了公众号），没有人能接单：请回复“改派 {ticket} 网格或姓名”派给能办理的人，"
                          "归部门或物业办理的回复“转办 {ticket} 部门”。")
CARD_ASK_LEADER = ("本网格暂时没有网格员接收任务卡：请回复“接单 {ticket}”自己办理，或回复“改派 {ticket} 姓名”交给网格员；"
                   "不属于本网格请回复“退回 {ticket} 原因”。")
# A reminder or 督办 of an unclaimed task whose grid is all on leave, to the operators its card went to.
AWAY_ASK_OPERATOR = ("尚无人接单：这个网格的网格员和网格长现在都不在岗（请假），请回复“改派 {ticket} 网格或姓名”派给在岗的人，"
                     "归部门或物业办理的回复“转办 {ticket} 部门”；回复“查询 {ticket}”查看详情。")
CARD_FIELDS_ASK_OPERATOR = "网格里没有人能接单，请改派或转办。"


def _urgent_card(n: StaffNewAppeal) -> str:
    """An emergency's card: words and place in full (someone is in danger), and what to do first."""
    deadline = f"，{due_clock(n.response_due_at)}前无人接单将升级督办" if n.response_due_at else ""
    # Not yet placed: no grid to claim it in until the resident binds; what they say meanwhile reaches operators.
    act = (URGENT_UNPLACED_ACT.format(ticket=n.ticket) if n.grid == UNPLACED_GRID
           else f"请立即联系居民或赶赴现场，回复“接单 {n.ticket}”{deadline}")
    return (
        f"【紧急】{n.emergency or ''} {n.ticket}\n"
        f"地址：{n.grid} {n.home or ''}".rstrip() + "\n"
        f"{_urgent_contact(n)}"
        f"内容：{n.content}{material_lines(n.photos, n.places)}\n"
        f"{act}。{EMERGENCY_NUMBERS}。"
    )


def _urgent_contact(n: StaffNewAppeal) -> str:
    """An emergency card's 门牌, whole (storage.contacts), and the phone masked as on any card."""
    phone = f"{contact_line(n.phone, None)}{CONTACT_AFTER_CLAIM}\n" if n.phone else ""
    return _door_line(n.door) + phone


def _door_line(door: str | None) -> str:
    return f"{URGENT_DOOR.format(door=door)}\n" if door else ""


URGENT_UNPLACED_ACT = ("居民还没有绑定地址，绑定后任务卡立即发给所在网格接单；居民随后说的情况和位置会转给您，"
                       "也可回复“查询 {ticket}”查看")


def _emergency_unclaimed(n: StaffEmergencyUnclaimed) -> str:
    return (
        f"【紧急督办】{n.ticket} {n.emergency}，至今无人接单{_emergency_level(n)}\n"
        f"地点：{n.place}\n"
        f"{_door_line(n.door)}"
        f"内容：{n.content}\n"
        f"求助时间：{clock(n.since)}\n"
        f"{_emergency_unclaimed_ask(n)}；{EMERGENCY_NUMBERS}。"
    )


def _emergency_unclaimed_ask(n: StaffEmergencyUnclaimed) -> str:
    if n.waiting_for:  # only that unit may claim it: 接单 by the reader would be refused
        return (f"已转给{n.waiting_for}，只有他们能接单：请立即电话联系{n.waiting_for}安排人员赶赴现场，"
                f"联系不上的回复“改派 {n.ticket} 网格或姓名”交回网格")
    return f"请立即电话安排网格员赶赴现场，或自己回复“接单 {n.ticket}”"


def _emergency_level(n: StaffEmergencyUnclaimed) -> str:
    """"，已升级为第2级督办" past the grid's 网格长 (the first level, which every 紧急督办 reaches), else nothing."""
    return EMERGENCY_LEVEL.format(level=n.level) if isinstance(n.level, int) and n.level > 1 else ""


def _card_home(n: StaffNewAppeal) -> str:
    if n.withheld:
        return WITHHELD_HOME
    return n.home or "（未填写楼栋）"


def _card_contact(n: StaffNewAppeal) -> str:
    """The resident's phone and 门牌, masked: the whole ones come with the 接单 reply."""
    if n.withheld or not (n.phone or n.door):
        return ""
    return contact_line(n.phone, n.door) + CONTACT_AFTER_CLAIM + "\n"


def _card_content(n: StaffNewAppeal | StaffChased | StaffMaterialAdded | StaffWordsAdded
                  | StaffPartsFiled) -> str | None:
    """The appeal's words, or how to read them for someone who may not yet (a private appeal's withheld notice)."""
    if n.withheld:
        return WITHHELD_CONTENT.format(ticket=n.ticket)
    return n.content


def _taken(n: StaffTaken) -> str:
    return f"【已接单】{n.ticket} 已由 {n.by} 接单，您无需再处理。"


def _reminder(n: StaffReminder) -> str:
    if n.clock == "paused":  # paused (挂起) for the whole completion time: the clock stands, the resident waits
        return (f"【挂起提醒】{n.ticket} 自 {clock(n.due_at)} 挂起至今，已超过办结时限\n"
                f"{_overdue_facts(n)}\n{_reminder_ask(n)}")
    if n.category is None:  # a row from before reminders said what they are about
        return f"【办理提醒】{n.ticket} 须在 {due_clock(n.due_at)} 前{_deadline_act(n)}，请抓紧办理并及时报告进展。"
    urgent = TASK_URGENT.format(emergency=n.emergency) if n.emergency else ""  # as its card says
    return (f"【办理提醒】{urgent}{n.ticket} 须在 {due_clock(n.due_at)} 前{_deadline_act(n)}\n{_overdue_facts(n)}\n"
            f"{_reminder_ask(n)}")


def _reminder_ask(n: StaffReminder) -> str:
    if n.clock == "paused":
        return f"能办了请回复“恢复 {n.ticket}”；仍要等的，请回复“进展 {n.ticket} 说明”告诉居民在等什么。"
    if n.clock == "response" and n.grid_away:  # told to the operators standing in: they claim no ordinary task
        return AWAY_ASK_OPERATOR.format(ticket=n.ticket)
    if n.clock == "response":
        return f"请回复“接单 {n.ticket}”，或回复“查询 {n.ticket}”查看详情。"
    return f"请抓紧办理：办好后回复“办结 {n.ticket} 说明”，未办完请回复“进展 {n.ticket} 说明”告知居民。"


def _escalated(n: StaffEscalated) -> str:
    if n.category is None:  # a row from before 督办 said what it is about
        return f"【督办】{n.ticket} {_overdue(n)}，{_level(n)}，请尽快处理。"
    return f"【督办】{n.ticket} {_overdue(n)}，{_level(n)}\n{_overdue_facts(n)}\n{_escalated_ask(n)}"


def _overdue_facts(n: StaffReminder | StaffEscalated) -> str:
    """What, where, since when (and who has it): the lines a reminder or 督办 needs to be acted on."""
    lines = [f"类别：{category_label(n.category or '', n.subcategory)}"]
    if n.content:
        lines.append(f"内容：{n.content}")
    lines.append(f"地点：{n.place or '（未知）'}")
    if n.filed_at:
        lines.append(f"提交时间：{clock(n.filed_at)}")
    if n.holder:
        lines.append(f"经办人：{_holder(n)}")
    return "\n".join(lines)


def _holder(n: StaffReminder | StaffEscalated) -> str:
    """吴刚（综合执法中队）: a department's officer is named with their unit, whom a 网格长 would not know."""
    return f"{n.holder}（{n.holder_unit}）" if n.holder_unit else n.holder or ""


def _escalated_ask(n: StaffEscalated) -> str:
    if n.reason == "returned_waiting":  # nobody may claim it: an operator routes it again
        return (f"请回复“改派 {n.ticket} 网格或姓名”重新派发，归部门或物业办理的回复“转办 {n.ticket} 部门”；"
                f"回复“查询 {n.ticket}”查看详情。")
    if n.yours and n.reason in _UNCLAIMED_REASONS:  # given to them (派单, 改派 to a member) but not claimed yet
        return f"请立即接单：回复“接单 {n.ticket}”；回复“查询 {n.ticket}”查看详情。"
    if n.yours:
        return f"请立即办理：办好后回复“办结 {n.ticket} 说明”，未办完请回复“进展 {n.ticket} 说明”说明原因。"
    if n.holder:
        return f"请联系经办人{_holder(n)}了解原因、督促办结；回复“查询 {n.ticket}”查看进展。"
    if n.waiting_for:  # only that unit may claim it: 接单 by the reader would be refused
        return f"已转给{n.waiting_for}，尚无人接单：请联系{n.waiting_for}尽快接单；回复“查询 {n.ticket}”查看详情。"
    if n.given_to and n.given_to_away:
        return (f"已派给{n.given_to}，尚未接单，{n.given_to}正在请假：请回复“改派 {n.ticket} 姓名”交给在岗的人；"
                f"回复“查询 {n.ticket}”查看详情。")
    if n.given_to:
        return (f"已派给{n.given_to}，尚未接单：请联系{n.given_to}尽快接单，或改派给他人；"
                f"回复“查询 {n.ticket}”查看详情。")
    if n.category == STAFF_COMPLAINT:  # no grid member may claim it: only whoever this 督办 reaches
        return (f"尚无人接单：这是对工作人员的投诉，只由网格长或操作员接单，请回复“接单 {n.ticket}”处理；"
                f"回复“查询 {n.ticket}”查看详情。")
    if n.operator and n.unmanned:  # nobody in the grid to chase: it must go elsewhere
        return (f"尚无人接单：这个网格还没有绑定微信的网格员和网格长，请回复“改派 {n.ticket} 网格或姓名”派给能办理的人，"
                f"归部门或物业办理的回复“转办 {n.ticket} 部门”；回复“查询 {n.ticket}”查看详情。")
    if n.operator and n.grid_away:  # everyone of the grid on leave: nobody there to chase
        return AWAY_ASK_OPERATOR.format(ticket=n.ticket)
    if n.operator:  # an operator's 接单 of an ordinary task is refused: the grid claims it, or it goes elsewhere
        return (f"尚无人接单：请督促网格安排接单，或回复“改派 {n.ticket} 网格或姓名”交给他人；"
                f"回复“查询 {n.ticket}”查看详情。")
    return f"尚无人接单：请安排网格员接单，或自己回复“接单 {n.ticket}”；回复“查询 {n.ticket}”查看详情。"


def _card_lost(n: StaffCardLost) -> str:
    ticket = n.ticket
    return (f"【任务卡可能未送达】{ticket} 发给 {n.holder} 的任务卡发送时中断，对方可能没有收到。"
            f"请联系 {n.holder} 确认，或安排他人接单；回复“查询 {ticket}”查看详情。")


def _reassigned(n: StaffReassigned) -> str:
    return f"【已改派】{n.ticket} 已由{n.by}改派给 {n.to}，您无需再处理。"


def _member_on_leave(n: StaffMemberOnLeave) -> str:
    if not n.count:  # leave to come, told when arranged: nothing held now
        return f"【请假】{n.who}{_leave_until(n)}，请假期间本网格的新任务由在岗的同事办理。"
    tickets = "、".join(n.tickets) + ("等" if n.count > len(n.tickets) else "")
    return (f"【请假】{n.who}{_leave_until(n)}，手上 {n.count} 件未办结的任务仍在其名下：{tickets}。"
            "需要尽快办理的，请回复“改派 编号 姓名”交给在岗的人。")


def _leave_cancelled(n: StaffMemberLeaveCancelled) -> str:
    return f"【销假】{n.who}取消了 {_local_month_day(n.first_day)}起的请假，照常在岗。"


def _local_month_day(at: datetime) -> str:
    return month_day(at.astimezone(LOCAL_ZONE).date())


def _leave_until(n: StaffMemberOnLeave) -> str:
    first = f"将于 {month_day(n.first_day.astimezone(LOCAL_ZONE).date())}起" if n.first_day is not None else ""
    if n.last_day is None:
        return f"{first}请假（直到销假）"
    return f"{first}请假至 {month_day(n.last_day.astimezone(LOCAL_ZONE).date())}"


def _tasks_handed_over(n: StaffTasksHandedOver) -> str:
    return f"【任务已交出】您未办结的 {n.count} 件诉求（{_handed_tickets(n)}）{_handed_to(n)}，您无需再处理。"


def _handed_tickets(n: StaffTasksHandedOver) -> str:
    return "、".join(n.tickets) + ("等" if n.count > len(n.tickets) else "")


def _handed_to(n: StaffTasksHandedOver) -> str:
    return f"已交给 {n.to}" if n.to else "已交回各自的网格重新派发"


def _transferred_away(n: StaffTransferredAway) -> str:
    return f"【已转办】{n.ticket} 已由{n.by}转办给 {n.to}，由对方接单办理，您无需再处理。"


def _returned_by_other(n: StaffReturnedByOther) -> str:
    return f"【已退回】{n.ticket} 已由{n.by}退回社区重新派发：{n.reason.rstrip('。.')}。您无需再处理。"


def _progress_by_other(n: StaffProgressByOther) -> str:
    return f"【新进展】{n.ticket} {n.by}已告知居民：{n.note.rstrip('。.')}。"


def _paused_by_other(n: StaffPausedByOther) -> str:
    return (f"【已挂起】{n.ticket} 已由{n.by}挂起：{n.reason.rstrip('。.')}。办结时限暂停计时；"
            f"恢复办理时回复“恢复 {n.ticket}”。")


def _resumed_by_other(n: StaffResumedByOther) -> str:
    due = f"，办结时限顺延至 {due_clock(n.due_at)}" if n.due_at else ""
    return f"【已恢复】{n.ticket} 已由{n.by}恢复办理{due}。办好后回复“办结 {n.ticket} 说明”。"


def _recategorised(n: StaffRecategorised) -> str:
    dues = [f"{label}{due_clock(at)}" for label, at in (("接单时限 ", n.response_due_at), ("办结时限 ", n.resolve_due_at))
            if at is not None]
    limits = f"：{'，'.join(dues)}" if dues else ""
    if n.category == UNCLASSIFIED:  # 分类 编号 待分类: a correction taken back
        return f"【改分类】{n.ticket} 已由{n.by}放回待分类，等待确认类别，办理时限恢复为默认时限{limits}。{_recategorised_ask(n)}"
    return (f"【改分类】{n.ticket} 已由{n.by}改为“{category_label(n.category, n.subcategory)}”，"
            f"办理时限按新类别计算{limits}。{_recategorised_ask(n)}")


def _recategorised_ask(n: StaffRecategorised) -> str:
    if n.response_due_at is not None:
        return f"回复“接单 {n.ticket}”接下任务。"
    return f"办好后回复“办结 {n.ticket} 说明”。"


def _resolved_by_other(n: StaffResolvedByOther) -> str:
    return f"【已办结】{n.ticket} 已由{n.by}办结：{n.note.rstrip('。.')}。您无需再处理。"


def _appeal_text(n: StaffAppealText) -> str:
    return f"【诉求全文 {n.part}/{n.parts}】{n.ticket}\n{n.text}"


def _cancelled(n: StaffCancelled) -> str:
    if n.relayer_name is not None:  # a 代报: the 楼长 withdrew it, the neighbour has no WeChat
        return f"【代报已撤销】{n.ticket} {_speaker(n)}已撤销这件诉求，您无需再处理。"
    return f"【居民已撤销】{n.ticket} 居民已撤销这件诉求，您无需再处理。"


def _rejected(n: StaffRejected) -> str:
    return f"【不受理】{n.ticket} 已由{n.by}作不受理关闭\n原因：{n.reason}\n您无需再处理。"


def _returned(n: StaffReturned) -> str:
    if n.emergency:  # someone may still be in danger: the operator routes it within its minutes
        due = f"请在 {clock(n.due_at)} 前" if n.due_at else "请立即"
        return (f"【紧急·{n.emergency}】诉求退回 {n.ticket}\n退回人：{n.by}\n原因：{n.reason}\n"
                f"{due}重新分派：回复“改派 {n.ticket} 网格或姓名”，任务卡立即发给对方；{EMERGENCY_NUMBERS}。")
    return (f"【诉求退回】{n.ticket}\n退回人：{n.by}\n原因：{n.reason}\n"
            f"请重新分派：回复“改派 {n.ticket} 网格或姓名”，归部门或物业办理的回复“转办 {n.ticket} 部门”；"
            f"回复“查询 {n.ticket}”查看详情。")


def _speaker(n: StaffChased | StaffWordsAdded | StaffReopened | StaffMaterialAdded | StaffCancelled) -> str:
    """Who is speaking for the appeal: its resident, or the 楼长 (党员…) who filed it for a neighbour (代报)."""
    if n.relayer_name is None:
        return "居民"
    return f"代报的{community_texts.role_name(n.relayer_role or '')}{n.relayer_name}"


def _added_by(n: StaffWordsAdded | StaffMaterialAdded) -> str:
    """Whose 补充 a card's head names: 居民, or the 楼长 (党员…) of a 代报."""
    return "居民" if n.relayer_name is None else community_texts.role_name(n.relayer_role or "")


def _chased(n: StaffChased) -> str:
    said = f"\n{_speaker(n)}说：{n.words}" if n.words else ""
    return (f"【催办】{n.ticket}（第{n.count}次）\n{clock(n.filed_at)}提交：{_card_content(n)}{said}\n"
            f"{_chased_ask(n)}")


def _route_again(ticket: str) -> str:
    """What a returned (退回) appeal's operator does: route it again, never claim it."""
    return f"网格已退回，等待重新派发：请尽快回复“改派 {ticket} 网格或姓名”或“转办 {ticket} 部门”。"


def _route_away(ticket: str) -> str:
    """What the operators standing in for a grid all on leave do with a task nobody claimed: route it to someone at
    work."""
    return (f"这个网格的网格员和网格长现在都不在岗（请假），尚无人接单：请回复“改派 {ticket} 网格或姓名”派给在岗的人，"
            f"归部门或物业办理的回复“转办 {ticket} 部门”。")


def _chased_ask(n: StaffChased) -> str:
    if n.returned:
        return _route_again(n.ticket)
    if n.away:
        return f"办理人{n.away}正在请假：需要尽快办理的，请回复“改派 {n.ticket} 姓名”交给在岗的网格员。"
    if n.grid_away:
        return _route_away(n.ticket)
    if n.claimed:
        return f"请尽快处理，并回复“进展 {n.ticket} 说明”告知{_speaker(n)}。"
    return f"尚无人接单，请回复“接单 {n.ticket}”。"


def _supervised(n: StaffSupervised) -> str:
    return f"【督办】{n.ticket} {n.by}督办：{n.words}\n{_supervised_ask(n)}"


def _supervised_ask(n: StaffSupervised) -> str:
    if n.returned:
        return (f"网格已退回，等待重新派发：请尽快回复“改派 {n.ticket} 网格或姓名”或“转办 {n.ticket} 部门”；"
                f"回复“查询 {n.ticket}”查看详情。")
    if n.claimed:
        return f"请尽快办理：办好后回复“办结 {n.ticket} 说明”，未办完请回复“进展 {n.ticket} 说明”告知居民。"
    return f"尚无人接单，请尽快回复“接单 {n.ticket}”；回复“查询 {n.ticket}”查看详情。"


def _parts_filed(n: StaffPartsFiled) -> str:
    return (f"【分开登记】{n.ticket} 居民把其中的其他问题另行登记为 {'、'.join(n.tickets)}，由相应人员办理。\n"
            f"本单只需处理：{_card_content(n)}")


def _material_added(n: StaffMaterialAdded) -> str:
    name = MATERIAL_NAMES.get(n.material, "材料")
    return (f"【补充材料】{n.ticket} {_speaker(n)}补充了{name}{material_lines(n.photos, n.places)}\n诉求：{_card_content(n)}\n"
            f"回复“查询 {n.ticket}”查看。{_material_ask(n)}")


def _material_ask(n: StaffMaterialAdded) -> str:
    if n.returned:
        return _route_again(n.ticket)
    if n.grid_away:
        return _route_away(n.ticket)
    return "" if n.claimed else f"尚无人接单，请回复“接单 {n.ticket}”。"


def _words_added(n: StaffWordsAdded) -> str:
    who = f"同一险情的另一位报告人（{n.reporter}）" if n.reporter else _speaker(n)
    said = f"\n{who}说：{n.words}" if n.words else ""
    return f"{_words_head(n)}{said}\n诉求：{_card_content(n)}\n{_words_ask(n)}"


def _words_head(n: StaffWordsAdded) -> str:
    by = _added_by(n)
    return f"【紧急·{by}补充】{n.ticket}（{n.emergency}）" if n.emergency else f"【{by}补充】{n.ticket}"


def _words_ask(n: StaffWordsAdded) -> str:
    if n.returned:
        return _route_again(n.ticket)
    if n.grid_away:
        return _route_away(n.ticket)
    if n.claimed:
        return f"回复“查询 {n.ticket}”查看全部记录，“进展 {n.ticket} 说明”告诉{_speaker(n)}。"
    if n.emergency:
        return f"尚无人接单，请立即回复“接单 {n.ticket}”；{EMERGENCY_NUMBERS}。"
    return f"尚无人接单，请回复“接单 {n.ticket}”。"


def _reopened(n: StaffReopened) -> str:
    said = (f"\n居民原话：{n.words}" if n.relayer_name is None else f"\n{_speaker(n)}说：{n.words}") if n.words else ""
    return f"【重新办理】{n.ticket} {_reopened_what(n)}，诉求已重新打开，{_reopened_ask(n)}。{said}"


def _reopened_what(n: StaffReopened) -> str:
    """A second 不满意 says so: the first 重新办理 did not help. A 代报's rating is the 楼长's, for the neighbour."""
    times = f"第{n.times}次" if n.times > 1 else ""
    if n.relayer_name is not None:
        return f"{_speaker(n)}转达邻居{times}对办理结果不满意"
    return f"居民{times}对办理结果不满意"


def _rater(n: StaffReopened) -> str:
    """Who said 不满意, as a template line names them: 居民, or 楼长转达 (a 代报's rating is hers, for the neighbour)."""
    return "居民" if n.relayer_name is None else f"{community_texts.role_name(n.relayer_role or '')}转达"


def _reopened_ask(n: StaffReopened) -> str:
    if n.follow_up and n.yours:  # she resolved it herself: nobody else to press, hers to see the resident and redo
        return "请当面回访居民、再次办理" if n.times > 1 else "请回访居民并再次办理"
    if n.follow_up:
        return "请当面回访、督促办好" if n.times > 1 else "请督促跟进"
    return "请再次办理"


DEADLINE_ACTS = {"response": "接单响应", "resolve": "办结"}
OVERDUE_REASONS = {"unclaimed": "无人接单", "response_overdue": "超时未响应", "resolve_overdue": "超时未办结",
                   "returned_waiting": "退回社区后超时未重新派发"}
_UNCLAIMED_REASONS = ("unclaimed", "response_overdue")


def _deadline_act(n: StaffReminder) -> str:
    return DEADLINE_ACTS.get(n.clock or "resolve", "办结")


def _overdue(n: StaffEscalated) -> str:
    return OVERDUE_REASONS.get(n.reason or "", "已超过办理时限")


def _level(n: StaffEscalated) -> str:
    return f"已升级为第{n.level}级督办" if isinstance(n.level, int) else f"已上报{n.level}督办"


def _merged(n: StaffMerged) -> str:
    return f"【已合并】{n.ticket} 已并入 {n.into}，无需另行处理；进展请在 {n.into} 上办理。"


def _focus_opened(n: StaffFocusOpened) -> str:
    code = n.code
    return (
        f"【聚焦办】{code}\n"
        f"{n.place} {n.days}天内有 {n.count} 件{focus_subject(n.key_kind, n.key)}："
        f"{focus_tickets(n.tickets)}\n"
        f"负责人：{focus_owner(n.owner)}\n"
        f"请统筹处理、查找共性原因。处理完毕回复“结案 {code} 处理说明”；回复“聚焦”查看全部聚焦事项。"
    )


def focus_subject(key_kind: str, key: str) -> str:
    """“物业服务”类诉求, or 提到“停水”的诉求."""
    return f"“{key}”类诉求" if key_kind == "category" else f"提到“{key}”的诉求"


def focus_tickets(tickets: list[str] | tuple[str, ...]) -> str:
    """The first tickets of a focus case, with 等 when there are more."""
    shown = "、".join(tickets[:FOCUS_TICKETS_SHOWN])
    return shown + ("等" if len(tickets) > FOCUS_TICKETS_SHOWN else "")


def focus_owner(name: str | None) -> str:
    """Who answers for a focus case: the grid leader, or the community's staff when the grid has none."""
    return f"{name}（网格长）" if name else "社区工作人员"


FOCUS_TICKETS_SHOWN = 10

# A digest (storage/outbox.py): what one person would have got beyond GRIDBOT_DIGEST_AFTER within a minute.
DIGEST_KINDS = (("new", "新任务"), ("reminders", "办理提醒"), ("escalations", "督办"), ("merged", "已合并"),
                ("recategorised", "改分类"))


DIGEST_TICKETS_SHOWN = 10  # the tickets a digest's text names (storage.outbox keeps more, to count them)
DIGEST_REST = "共涉及 {total} 件，以上是前 {shown} 件；{look}（回复“更多”翻页），回复“查询 编号”查看详情。"
DIGEST_LOOK = "回复“我的任务”查看全部待办"
# A 网格长's (an operator's) digest with 督办 of others' tasks: 我的任务 lists only their own, 超期 the grid's.
DIGEST_LOOK_OVERSEEN = "回复“超期”查看全部超期和无人接单的任务"
DIGEST_TOTAL_AT_LEAST = "{count} 件以上"


def _digest(n: StaffDigest) -> str:
    if n.minutes > 1:
        return _routine_digest(n)
    head = (f"【任务汇总】{clock(n.window_start)} 这一分钟内另有 {n.count} 条通知"
            f"没有逐条发送（{_digest_kinds(n)}），涉及：")
    if len(n.tickets) <= DIGEST_TICKETS_SHOWN:
        return head + f"{_digest_tickets(n)}\n请{_digest_look(n)}，回复“查询 编号”查看详情。"
    kept_all = len(n.tickets) < DIGEST_TICKETS  # else its notices may be about more than it kept
    total = len(n.tickets) if kept_all else DIGEST_TOTAL_AT_LEAST.format(count=len(n.tickets))
    return (head + "、".join(n.tickets[:DIGEST_TICKETS_SHOWN]) + "\n"
            + DIGEST_REST.format(total=total, shown=DIGEST_TICKETS_SHOWN, look=_digest_look(n)))


def _digest_look(n: StaffDigest) -> str:
    return DIGEST_LOOK_OVERSEEN if n.overseen else DIGEST_LOOK


def _routine_digest(n: StaffDigest) -> str:
    """A 网格长's quarter hour of their 抢单 grid's new tasks: for an overview, nothing to do unless it stalls."""
    return (
        f"【本网格新任务汇总】{clock(n.window_start)}起{n.minutes}分钟内派发 {n.count} 件，网格员抢单办理中："
        f"{_digest_tickets(n)}\n"
        "无人接单或超时会另行督办您。回复“我的任务”查看全部，回复“查询 编号”查看详情。"
    )


def _digest_tickets(n: StaffDigest) -> str:
    # The digest names its first tickets only; 等 when its notices were about more.
    more = n.count > min(len(n.tickets), DIGEST_TICKETS_SHOWN)
    return "、".join(n.tickets[:DIGEST_TICKETS_SHOWN]) + ("等" if more else "")


def _digest_kinds(n: StaffDigest) -> str:
    return "、".join(f"{name}{getattr(n, kind)}条" for kind, name in DIGEST_KINDS if getattr(n, kind))


def _digest_fields(n: StaffDigest) -> Fields:
    first = n.tickets[0] if n.tickets else ""
    return (f"{first}等{n.count}条", "任务汇总", _digest_kinds(n)), f"请{_digest_look(n)}。"


def _certify_locked(n: StaffCertifyLocked) -> str:
    return (
        f"【认证异常】微信用户 {n.who} 在 {n.minutes} 分钟内连续 {n.failures} 次发送错误的验证码，"
        f"已暂停其认证至 {clock(n.until)}。如是新同事，请核对邀请后让其届时再试；如不认识此人，请留意是否有人在试探验证码。"
    )


# Each table takes the notice of its key's type (see resident_texts.TEMPLATES).
TEMPLATES: dict[type[StaffNotice], Callable[[Any], str]] = {
    StaffNewAppeal: _new_appeal,
    StaffMerged: _merged,
    StaffTaken: _taken,
    StaffReminder: _reminder,
    StaffEscalated: _escalated,
    StaffReturned: _returned,
    StaffReassigned: _reassigned,
    StaffTasksHandedOver: _tasks_handed_over,
    StaffMemberOnLeave: _member_on_leave,
    StaffMemberLeaveCancelled: _leave_cancelled,
    StaffTransferredAway: _transferred_away,
    StaffResolvedByOther: _resolved_by_other,
    StaffProgressByOther: _progress_by_other,
    StaffReturnedByOther: _returned_by_other,
    StaffPausedByOther: _paused_by_other,
    StaffResumedByOther: _resumed_by_other,
    StaffRecategorised: _recategorised,
    StaffCancelled: _cancelled,
    StaffRejected: _rejected,
    StaffReopened: _reopened,
    StaffChased: _chased,
    StaffSupervised: _supervised,
    StaffMaterialAdded: _material_added,
    StaffWordsAdded: _words_added,
    StaffAppealText: _appeal_text,
    StaffPartsFiled: _parts_filed,
    StaffFocusOpened: _focus_opened,
    StaffDigest: _digest,
    StaffCardLost: _card_lost,
    StaffCertifyLocked: _certify_locked,
    StaffEmergencyUnclaimed: _emergency_unclaimed,
}


def _new_appeal_fields(n: StaffNewAppeal) -> Fields:
    if n.urgent:
        place = f"{n.grid} {n.home or ''}".rstrip()
        return (n.ticket, f"【紧急】{n.emergency or n.category}", place, n.content or "", "立即接单"), \
            f"回复“接单 {n.ticket}”；{EMERGENCY_NUMBERS}。"
    deadline = f"{due_clock(n.resolve_due_at)}前办结{OVERDUE_CARD if n.overdue else ''}" if n.resolve_due_at else "见办理时限"
    place = n.grid if n.withheld else n.home or n.grid
    category = category_label(n.category, n.subcategory, n.second_category)
    ask = CARD_FIELDS_ASK_OPERATOR if n.receiver in (OPERATOR_CARD, OPERATOR_AWAY_CARD) else "请尽快接单办理。"
    return (n.ticket, category, place, _card_content(n), deadline), ask


def _overdue_fields(n: StaffReminder | StaffEscalated, state: tuple[str, str], old_ask: str,
                    ask: Callable[[Any], str]) -> Fields:
    """A reminder's or 督办's lines; with what, where and since when once the row carries them."""
    if n.category is None:
        return (n.ticket, *state), old_ask
    what = category_label(n.category, n.subcategory) + (f"：{n.content}" if n.content else "")
    home = (n.place or "").rsplit(" ", 1)[-1]  # the home without the grid: a keyword line holds 20 characters
    return (n.ticket, *state, what, home, f"提交时间：{clock(n.filed_at)}" if n.filed_at else ""), ask(n)


# The keyword lines a template message shows (see resident_texts.TEMPLATE_FIELDS).
TEMPLATE_FIELDS: dict[type[StaffNotice], Callable[[Any], Fields]] = {
    StaffNewAppeal: _new_appeal_fields,
    StaffTaken: lambda n: ((n.ticket, "已被接单", f"接单人：{n.by}"), "您无需再处理。"),
    StaffMerged: lambda n: ((n.ticket, "已合并", f"并入：{n.into}"), "无需另行处理。"),
    StaffReminder: lambda n: _overdue_fields(n, ("挂起提醒", f"{clock(n.due_at)}起挂起") if n.clock == "paused" else (
        "办理提醒", f"{due_clock(n.due_at)}前{_deadline_act(n)}"), "请抓紧办理。", _reminder_ask),
    StaffEscalated: lambda n: _overdue_fields(n, (_overdue(n), _level(n)), "请尽快处理。", _escalated_ask),
    StaffReturned: lambda n: ((n.ticket, f"{f'【紧急·{n.emergency}】' if n.emergency else ''}被{n.by}退回",
                               f"原因：{n.reason}"), f"请重新分派：回复“改派 {n.ticket} 网格或姓名”。"),
    StaffReassigned: lambda n: ((n.ticket, f"已由{n.by}改派", f"改派给：{n.to}"), "您无需再处理。"),
    StaffTasksHandedOver: lambda n: ((_handed_tickets(n), f"{n.count} 件任务已交出", _handed_to(n)), "您无需再处理。"),
    StaffMemberOnLeave: lambda n: ((n.who, _leave_until(n), f"{n.count} 件未办结") if n.count else (
        n.who, _leave_until(n), "新任务由在岗的同事办理"), "需要尽快办理的请改派给在岗的人。" if n.count else "请知悉。"),
    StaffMemberLeaveCancelled: lambda n: ((n.who, "取消请假", f"原定 {_local_month_day(n.first_day)}起"), "照常在岗。"),
    StaffTransferredAway: lambda n: ((n.ticket, f"已由{n.by}转办", f"转办给：{n.to}"), "您无需再处理。"),
    StaffResolvedByOther: lambda n: ((n.ticket, f"已由{n.by}办结", n.note), "您无需再处理。"),
    StaffProgressByOther: lambda n: ((n.ticket, f"{n.by}已告知居民进展", n.note), "请留意，告知居民的说法保持一致。"),
    StaffReturnedByOther: lambda n: ((n.ticket, f"已由{n.by}退回社区", f"原因：{n.reason}"), "您无需再处理。"),
    StaffPausedByOther: lambda n: ((n.ticket, f"已由{n.by}挂起", f"原因：{n.reason}"), f"恢复办理时回复“恢复 {n.ticket}”。"),
    StaffResumedByOther: lambda n: ((n.ticket, f"已由{n.by}恢复办理", f"办结时限：{due_clock(n.due_at)}" if n.due_at else ""),
                                    f"办好后回复“办结 {n.ticket} 说明”。"),
    StaffRecategorised: lambda n: ((n.ticket, f"已由{n.by}改分类", category_label(n.category, n.subcategory),
                                    f"办结时限：{due_clock(n.resolve_due_at)}" if n.resolve_due_at else ""),
                                   _recategorised_ask(n)),
    StaffCancelled: lambda n: ((n.ticket, "居民已撤销" if n.relayer_name is None
                                else f"{community_texts.role_name(n.relayer_role or '')}已撤销代报"), "您无需再处理。"),
    StaffRejected: lambda n: ((n.ticket, f"已由{n.by}不受理", f"原因：{n.reason}"), "您无需再处理。"),
    StaffReopened: lambda n: ((n.ticket, f"{_rater(n)}第{n.times}次不满意，重新办理" if n.times > 1
                               else f"{_rater(n)}不满意，重新办理",
                               _reopened_ask(n)), "诉求已重新打开。"),
    StaffChased: lambda n: ((n.ticket, f"居民第{n.count}次催办", _card_content(n)), _chased_ask(n)),
    StaffSupervised: lambda n: ((n.ticket, f"{n.by}督办", n.words), _supervised_ask(n)),
    StaffMaterialAdded: lambda n: ((n.ticket, f"{_added_by(n)}补充了{MATERIAL_NAMES.get(n.material, '材料')}",
                                    _card_content(n)),
                                   _material_ask(n) or f"回复“查询 {n.ticket}”查看。"),
    StaffAppealText: lambda n: ((n.ticket, f"诉求全文 {n.part}/{n.parts}", n.text), "回复“查询 编号”可再看一遍。"),
    StaffWordsAdded: lambda n: ((n.ticket, f"【紧急】{n.emergency} {_added_by(n)}补充" if n.emergency
                                 else f"{_added_by(n)}补充情况",
                                 n.words or _card_content(n)), _words_ask(n)),
    StaffPartsFiled: lambda n: ((n.ticket, "其他问题已分开登记", f"另行登记为：{'、'.join(n.tickets)}", _card_content(n)),
                                "本单只需处理所列问题。"),
    StaffFocusOpened: lambda n: ((n.code, n.place, f"{n.days}天内{n.count}件：{n.key}",
                                  f"负责人：{focus_owner(n.owner)}"), "回复“聚焦”查看，处理完毕回复“结案 编号 说明”。"),
    StaffDigest: _digest_fields,
    StaffCardLost: lambda n: ((n.ticket, "任务卡可能未送达", f"接收人：{n.holder}"), "请联系确认或安排他人接单。"),
    StaffEmergencyUnclaimed: lambda n: ((n.ticket, f"【紧急】{n.emergency} 无人接单", n.place, n.content,
                                         f"求助时间：{clock(n.since)}"),
                                        f"请立即联系{n.waiting_for}接单并赶赴现场。" if n.waiting_for
                                        else "请立即安排人员赶赴现场并接单。"),
    StaffCertifyLocked: lambda n: ((f"微信用户 {n.who}", f"{n.minutes}分钟内{n.failures}次验证码错误",
                                    f"认证暂停至{clock(n.until)}"), "如不认识此人，请留意是否有人在试探验证码。"),
}

# 每日简报 (storage/daily_summary.py), worded in its own module.
TEMPLATES[StaffDailySummary] = summary_texts.summary
TEMPLATE_FIELDS[StaffDailySummary] = summary_texts.summary_fields


# --- 党员报到 / 志愿者报名 (storage/enrolments.py): the operators' notice; the applicant's in community_texts ----

ENROLMENT_REQUESTED = ("【{what}待确认】{name}申请{what}，{organisation}，住址：{place}（编号 {number}）。"
                       "核实后请回复“确认报到 {number}”；回复“报到待确认”查看全部待确认的申请；"
                       "不予确认请回复“不予确认 {number}”。")
ENROLMENT_ORGANISATION = {"party_member": "所在党组织：{organisation}", "volunteer": "所在团队或单位：{organisation}"}
ENROLMENT_NO_ORGANISATION = "未填写单位"


def enrolment_organisation(role: str, organisation: str | None) -> str:
    """所在党组织：… / 所在团队或单位：…, or that none was given."""
    if not organisation:
        return ENROLMENT_NO_ORGANISATION
    return ENROLMENT_ORGANISATION.get(role, ENROLMENT_ORGANISATION["volunteer"]).format(organisation=organisation)


def _enrolment_requested(n: StaffEnrolmentRequested) -> str:
    return ENROLMENT_REQUESTED.format(what=community_texts.enrol_word(n.role), name=n.who, place=n.place,
                                      organisation=enrolment_organisation(n.role, n.organisation), number=n.number)


# 报到待确认 and 确认报到 (handlers/enrolment.py), for operators
ENROLMENTS_SHOWN = 10
ENROLMENTS_NONE = "目前没有待确认的党员报到或志愿者报名。"
ENROLMENTS_HEADER = "待确认的报到/报名共 {n} 条（回复“确认报到 编号”确认，“不予确认 编号”婉拒）："
ENROLMENTS_LINE = "{number}. {name}｜{what}｜{organisation}｜{community} {home}"
ENROLMENTS_MORE = "……另有 {n} 条，请在电脑上运行 gridbot members pending 查看全部。"
ENROLMENT_CONFIRMED = "已确认 {name} 为{role}（编号 {number}），已通知本人。"
ENROLMENT_ALREADY = "{name}（编号 {number}）已经确认为{role}，无需再次确认。"
# 不予确认 (as `gridbot members decline`): the applicant is told politely (community_texts.declined).
ENROLMENT_DECLINED = "已不予确认 {name} 的{what}（编号 {number}），已礼貌告知本人。"
ENROLMENT_ALREADY_DECLINED = "{name} 的{what}（编号 {number}）已经不予确认或已由本人撤回，没有改动。"
ENROLMENT_NOT_FOUND = "没有找到“{typed}”的报到/报名申请。回复“报到待确认”查看待确认的申请和编号。"
ENROLMENT_AMBIGUOUS = "有多位“{name}”在等待确认（编号 {ids}），请用编号：{verb} 编号。"
ENROLMENT_NOW_STAFF = "此人已绑定为{role}，不能再确认为党员或志愿者；如需变更身份，请先在电脑上停用其原有身份。"
ENROLMENT_REFUSALS = {
    "scope": "这条申请不属于您负责的社区，不能处理。",
    "operator": "只有社区操作员可以确认或不予确认报到。",
    "declined": "这条申请已不予确认或已撤回，不能再确认；请让本人重新申请。",
    "confirmed": "这条申请已经确认，不能再不予确认；如需取消其身份，请在电脑上运行 gridbot staff disable 停用。",
}


def enrolment_line(row: Waiting) -> str:
    """One waiting request in 报到待确认: number, name, what, organisation, home."""
    return ENROLMENTS_LINE.format(number=row.id, name=row.name, what=community_texts.enrol_word(row.role),
                                  organisation=row.organisation or ENROLMENT_NO_ORGANISATION,
                                  community=row.community, home=row.home)


TEMPLATES[StaffEnrolmentRequested] = _enrolment_requested
TEMPLATE_FIELDS[StaffEnrolmentRequested] = lambda n: (
    (n.who, f"{community_texts.enrol_word(n.role)}待确认", n.place, f"编号 {n.number}"),
    f"核实后请回复“确认报到 {n.number}”。")
TEMPLATES[StaffMemberConfirmed] = community_texts.confirmed
TEMPLATE_FIELDS[StaffMemberConfirmed] = community_texts.confirmed_fields
TEMPLATES[StaffMemberMovedHome] = community_texts.moved_home
TEMPLATE_FIELDS[StaffMemberMovedHome] = community_texts.moved_home_fields
TEMPLATES[StaffEnrolmentDeclined] = community_texts.declined
TEMPLATE_FIELDS[StaffEnrolmentDeclined] = community_texts.declined_fields


# --- binding staff by one-time code: 认证 in the chat, `gridbot invite` on the console --------------------

ROLE_TITLES = {
    "grid_member": "网格员",
    "grid_leader": "网格长",
    "property": "物业人员",
    "department": "部门工作人员",
    "operator": "操作员",
    **community_texts.ROLE_NAMES,  # 楼长, 单元长, 党员中心户, 党员, 志愿者: as they are called among themselves
}


def role_title(role: str | None) -> str:
    """网格员, 操作员, 楼长, 党员…: how anyone with a staff row is called, whatever their role ("" for none)."""
    return "" if role is None else ROLE_TITLES.get(role, role)


UNSUPPORTED = "抱歉，暂时只能处理文字、语音、图片和位置消息。工作指令请用文字或语音发送，回复“帮助”查看。"

# Following the account again (after unfollowing it): their 认证 still holds, they have no address to bind.
SUBSCRIBED_AGAIN = "您好，欢迎回来！您已认证为{title}（{name}），可以直接在这里办理任务：回复“我的任务”查看，回复“帮助”查看工作指令。"


def subscribed_again(name: str, role: str | None) -> str:
    """The welcome of a bound staff member who followed the account again."""
    return SUBSCRIBED_AGAIN.format(title=role_title(role) or "工作人员", name=name)


NEEDS_TEXT = "请按这个格式发送：{usage}"
SEVERAL_ENDING = "您的任务里有 {count} 条编号以 {digits} 结尾：{tickets}。请发完整编号，或先发“我的任务”再用序号。"
NEEDS_WORDS = "还需要写上{words}，请按这个格式发送：{verb} {ticket} {words}"
# Words over their field's limit (storage/limits.py): refused whole, nothing stored.
TOO_LONG = "{what}最多 {limit} 字，您发了 {length} 字，没有保存。请精简后再发。"
# A complaint about staff keeps its category: as another it would be open to the colleagues of whom it is about.
COMPLAINT_NOT_RECLASSIFIED = ("诉求 {ticket} 是对工作人员的投诉，不能改类别（改了之后被投诉人的同事也能看到）。"
                              "投诉里另有要办的事，由处理投诉的人接单后一并办理。")
# 改派 G… 李娜，她熟悉情况: the name and the reason after the comma are limited each on its own.
REASSIGN_TARGET = "网格或姓名"
REASSIGN_REASON = "改派理由（逗号后面的话）"
CERTIFIED = "认证成功！您已绑定为 {scope} 的{role}。回复“帮助”查看工作指令。"
CERTIFIED_CLAIMS_RELEASED = "您以志愿者身份领取、还没报完成的任务 {codes} 已重新开放给其他志愿者，负责的网格员已收到通知。"
# The same words for an unknown, used or expired code: a guesser learns nothing.
CERTIFY_REFUSED = "验证码无效或已失效，请核对后重新发送；如仍不行，请联系邀请您的工作人员重新获取。"
# Too many wrong codes: even the right one is refused until then.
CERTIFY_LOCKED = "验证码错误次数过多，为保护账号安全，认证已暂停，请在 {until} 之后再试。如有疑问，请联系邀请您的工作人员。"
# An invite bound to the person's phone (`gridbot invite --phone`): the code was right, the digits come next.
CERTIFY_ASK_PHONE = "验证码正确。为确认是您本人，请回复您手机号的后四位。"
CERTIFY_WRONG_DIGITS = "手机号后四位不对，请核对后重新回复（多次错误会暂停认证）。"
# Staff sending the code of a 楼长…志愿者 invite: binding it would end their work role and strand their tasks.
CERTIFY_STAFF_NOT_MEMBER = ("您已绑定为 {scope} 的{role}，工作人员不能同时登记为{invited}，这个验证码没有使用，您的身份和任务不变。"
                            "如确实要改为{invited}，请联系社区工作人员先办理停用，再发送验证码。")

INVITE_BAD_ROLE = "请用 --role 指定角色，只能是：网格员、网格长、物业、部门、操作员、楼长、单元长、党员中心户、党员、志愿者。"
INVITE_BAD_TTL = "--ttl-hours 须在 1 到 {max_hours} 之间。"
INVITE_MISSING = {
    "grid": ("邀请网格员、网格长或物业人员需要用 --grid 指定网格，例如 --grid 幸福里社区·第一网格"
             "（物业公司管着一个社区的几个小区时，也可以用 --community 指定社区）。"),
    "department": "邀请部门人员需要用 --department 写明部门名称（最多 64 个字）。",
    # Several streets, each with its own 综合执法中队: an officer receives and reads the cases of one (storage.unit_reach).
    "department_place": ("平台上有几个街道，邀请部门人员请用 --street 指定所在街道（只接收、查看这个街道的诉求），"
                         "例如 --street 幸福街道；全区性的部门（如区住建局）用 --all-streets。"),
    "district_wide": "--all-streets 只用于邀请全区性的部门人员（--role 部门），且不能与 --grid、--community、--street 同时使用。",
    "community": "邀请操作员需要用 --community 指定社区（或用 --grid，取网格所在的社区）。",
    "building": ("邀请楼长、单元长、党员中心户、党员或志愿者需要用 --building 指定楼栋（楼长：负责的楼栋；其他：居住的楼栋），"
                 "例如 --building 幸福里社区/第一网格/阳光花园/3号楼 或 阳光花园·3号楼。"),
    "building_only_lead": ("--building 和 --unit 只用于邀请楼长、单元长、党员中心户、党员或志愿者，"
                           "且不能与 --grid、--community、--street、--department 同时使用。"),
    "unit": "邀请单元长或党员中心户需要用 --unit 指定 --building 那栋楼在用的单元，例如 --unit 2单元（或 --unit 2）。",
    "name": "--name 最多 32 个字。",
    "phone": "--phone 应为 11 位手机号或带区号的座机号（如 13812345678、0531-87654321）。",
}
INVITE_PLACE_KINDS = {"grid": "网格", "community": "社区", "street": "街道", "building": "楼栋", "compound": "小区",
                      "unit": "单元", "place": "街道、社区或网格"}
INVITE_AMBIGUOUS = "{kind}“{name}”不唯一，请写明是哪一个（{how}）：\n{candidates}"
INVITE_NAMED_HOW = {"building": "小区·楼栋，或 社区/网格/小区/楼栋", "community": "街道·社区", "compound": "社区·小区"}
INVITE_NAMED_HOW_DEFAULT = "社区·网格；两个街道有同名社区时写 街道·社区·网格"
INVITE_UNKNOWN = "找不到{kind}“{name}”。"
INVITE_UNKNOWN_CANDIDATES = "找不到{kind}“{name}”。您是不是要找：\n{candidates}"
INVITE_DATABASE_FAILED = "数据库操作失败（{reason}），没有生成邀请。请检查 GRIDBOT_DATABASE_URL 后重试。"
INVITEE_UNNAMED = "对方"


def certified(role: str, place: str | None, department: str | None) -> str:
    """The reply to a successful 认证."""
    return CERTIFIED.format(scope=scope(place, department, role), role=ROLE_TITLES.get(role, role))


def certify_staff_not_member(role: str, place: str | None, department: str | None, invited: str) -> str:
    """The refusal of a 楼长…志愿者 code sent by someone bound as staff: who they stay, what was not done."""
    return CERTIFY_STAFF_NOT_MEMBER.format(scope=scope(place, department, role), role=role_title(role),
                                           invited=role_title(invited))


# A department's officer bound to no street: a district-wide office (storage.unit_reach), told apart from a street's.
DISTRICT_WIDE = "全区"


def scope(place: str | None, department: str | None, role: str | None = None) -> str:
    """Where a staff member works: 社区·网格, 社区, or the department (with its place when known; 全区 for a
    department's officer bound to no place)."""
    if department and not place and role == "department":
        place = DISTRICT_WIDE
    if department and place:
        return f"{department}（{place}）"
    return department or place or "本平台"


def unclear_place(kind: str, name: str, candidates: list[str], ambiguous: bool) -> str:
    """A grid or community name matched several or none: list what the inviter may have meant."""
    kind_name = INVITE_PLACE_KINDS.get(kind, kind)
    listed = "\n".join(f"· {candidate}" for candidate in candidates)
    if ambiguous:
        how = INVITE_NAMED_HOW.get(kind, INVITE_NAMED_HOW_DEFAULT)
        return INVITE_AMBIGUOUS.format(kind=kind_name, name=name, how=how, candidates=listed)
    if candidates:
        return INVITE_UNKNOWN_CANDIDATES.format(kind=kind_name, name=name, candidates=listed)
    return INVITE_UNKNOWN.format(kind=kind_name, name=name)


def masked_phone(phone: str) -> str:
    """138****5678: enough to tell numbers apart, never the whole number."""
    if len(phone) >= 11:
        return f"{phone[:3]}****{phone[-4:]}"
    return f"****{phone[-2:]}"


# --- the task commands (handlers/staff.py) ---------------------------------------------------------------

STATUS_NAMES = {
    "submitted": "待派发", "dispatched": "待接单", "accepted": "办理中", "paused": "已挂起",
    "returned": "已退回社区", "resolved": "已办结", "closed": "已评价完结", "cancelled": "居民已撤销",
    "awaiting_address": "待居民绑定地址", "merged": "已合并", "rejected": "不受理",
}
# Cancelled by the sweep for the address never given (storage.appeals.shown_status), not by the resident.
LAPSED_STATUS_NAME = "居民一直未绑定住址，已自动关闭"


def status_name(status: str) -> str:
    """A status, or storage.appeals.shown_status's label for a lapsed appeal, as staff read it."""
    return LAPSED_STATUS_NAME if status == LAPSED_STATUS else STATUS_NAMES.get(status, status)
NOT_YOURS = "这个指令是工作人员专用的。您可以直接发送文字描述您的诉求，回复“帮助”查看可用功能。"
# A disabled member (`gridbot staff disable`) sending a staff command.
STAFF_DISABLED = "您的工作人员身份已停用，如有疑问请联系社区。"
NOT_ALLOWED = {
    "not_your_grid": "诉求 {ticket} 不属于您的网格，不能接单。",
    # An operator over the grid (sent its card when nobody there is bound, or reading it in 我的任务).
    "operator_routes": "操作员不接普通诉求，由网格接单。诉求 {ticket} 请回复“改派 {ticket} 网格或姓名”派给能办理的人，"
                       "归部门或物业办理的回复“转办 {ticket} 部门”。",
    "not_your_department": "诉求 {ticket} 已转给其他部门（{unit}）办理，不能由您接单；回复“查询 {ticket}”可查看进展。",
    # A property company's clerk reads their grid's appeals, but claims only what is transferred (转办) to them.
    "not_transferred_to_you": "诉求 {ticket} 由网格员办理，没有转办给您的单位，不能由您接单。"
                              "网格员转办给您的单位后，您会收到任务卡，再接单。",
    "assigned_to_other": "诉求 {ticket} 已派给其他网格员办理，不能由您接单。如需调整请联系网格长。",
    "not_your_task": "诉求 {ticket} 不是您负责的任务（只有接单人或本网格网格长可以操作）。",
    "own_appeal": "诉求 {ticket} 是您本人以居民身份提交的，不能由您接单或办理，由本网格其他工作人员办理。",
    "complaint_handlers_only": "诉求 {ticket} 是对工作人员的投诉，由被投诉人的上级（网格长、社区或街道操作员）接单处理。",
    "complaint_not_transferable": "诉求 {ticket} 是对工作人员的投诉，只由被投诉人的上级（网格长、社区或街道操作员）办理，不能转办。",
    "emergency_not_pausable": "诉求 {ticket} 是紧急诉求，不能挂起，请继续处置。需要其他单位处置的请回复“转办 {ticket} 部门”；"
                              "处置完毕请回复“办结 {ticket} 处理说明”。",
    "own_department": "诉求 {ticket} 已在您的单位办理，不用转办给本单位。转给其他部门或物业请写对方的名称；"
                      "不归本单位办理的，请回复“退回 {ticket} 原因”。",
    "already_with_department": "诉求 {ticket} 已转给 {unit}，正等对方接单，不用再转办；对方已收到任务卡。",
    # Unknown, or a unit that serves other streets or compounds only (storage.unit_reach): nobody here to claim it.
    "unknown_department": "诉求 {ticket} 所在的地方没有“{department}”可以接单的人员。可转办的部门：{departments}",
    "no_operator": "社区和街道都还没有绑定操作员，退回后没有人接收，诉求 {ticket} 没有退回。请继续办理，或联系社区安排。",
    "ambiguous_department": "“{department}”对应不止一个部门，请写全称：{departments}",
    "progress_too_often": f"诉求 {{ticket}} 一小时内已给居民发了 {PROGRESS_PER_HOUR} 条进展，这条没有保存，也没有发给居民。"
                          "请把要说的合在一条里，稍后再发。",
}
# A colleague's task (the member may read it): who has it, so that they know whom to call.
HELD_BY_OTHER = "诉求 {ticket} 不是您负责的任务，现由 {name} 负责（只有接单人或本网格网格长可以操作）。"
# A department's or property company's officer: their unit has no 网格长; the colleague who claimed it does it.
HELD_BY_COLLEAGUE = "诉求 {ticket} 已由本单位的 {name} 接单负责，只有接单人可以操作，您无需再处理。"
# Also the answer for an appeal the staff member may not read: a guessed ticket tells nothing.
TASK_NOT_FOUND = "没有找到编号为 {ticket} 的诉求，请核对编号。"
# A card they were sent for an appeal no longer theirs to work on (they moved to another grid, or it did).
CARD_LEFT_BEHIND = "诉求 {ticket} 已不在您负责的网格，由那里的工作人员办理，您无需再处理。"
# A command on a task 改派 or 转办 took from the member (told, or their own 转办 sent again while the network stalled).
MOVED_AWAY = "诉求 {ticket} 已改派给 {to}，您无需再处理。"
TRANSFERRED_AWAY = "诉求 {ticket} 已转办给 {to}，由对方接单办理，您无需再处理。"
MOVED_THEN_RETURNED = "诉求 {ticket} 已{how}给 {to}，对方已退回社区，由社区重新派发，您无需再处理。"
LOOKUP_LIMIT = "您本小时查询诉求的次数已达上限（{limit} 次），请在 {until} 之后再试。本人负责的任务不受限制，可回复“我的任务”查看。"
ALREADY_TAKEN = "诉求 {ticket} 已被 {name} 接单。"
# 接单 again on one's own task (a second tap, a voice message sent twice): no colleague is named.
ALREADY_YOURS = "诉求 {ticket} 您已经接单了，无需重复接单。办结时回复：办结 {ticket} 处理说明"
WRONG_STATE = "诉求 {ticket} 当前状态为“{status}”，不能{action}。"
CLAIM_FIRST = "诉求 {ticket} 还没有人接单，不能{action}。请先回复“接单 {ticket}”，再{action}。"
# 办结 of a paused task (the parts came, the member goes straight to 办结): the way on, not only the state.
RESUME_FIRST = "诉求 {ticket} 已挂起，不能{action}。请先回复“恢复 {ticket}”，再{action}。"
# The same 办结, 挂起 or 恢复 sent again (the network stalled, a second tap): what stands, never "不能…" as if
# the first had failed.
RESOLVED_ALREADY = "诉求 {ticket} 您已经办结了，无需重复办结，居民已收到办结通知。"
RESOLVED_BY_OTHER = "诉求 {ticket} 已由 {name} 办结，您无需再处理。"
PAUSED_ALREADY = "诉求 {ticket} 已经挂起了，无需重复挂起。恢复时回复：恢复 {ticket}"
RESUMED_ALREADY = "诉求 {ticket} 已在办理中，无需恢复。办结时回复：办结 {ticket} 处理说明"
# 恢复 of a task waiting for the member (or their unit) to claim it: nothing was paused, claiming is the way on.
RESUME_UNCLAIMED = "诉求 {ticket} 还没有人接单，也没有挂起，无需恢复。要办理请回复“接单 {ticket}”。"
ACTION_NAMES = {
    "claim": "接单", "progress": "填写进展", "resolve": "办结", "pause": "挂起", "resume": "恢复",
    "transfer": "转办", "give_back": "退回", "reassign": "改派", "reject": "作不受理处理", "supervise": "督办",
}
CLAIMED = "接单成功：{ticket}\n{contact}\n办结时回复：办结 {ticket} 处理说明"
# Claimed by a member still registered on leave: likely back early, and 派单 passes them over until they say so.
CLAIMED_ON_LEAVE = "\n您登记了请假{until}；已经回来上班的，请发“销假”，派单才会给您派新任务。"


def claimed_on_leave(until: date | None, today: date) -> str:
    """The line after a claim by a member on leave: the leave they registered, and 销假 if they are back."""
    return CLAIMED_ON_LEAVE.format(until=f"（至 {month_day(until, today)}）" if until is not None else "")
PROGRESS_SAVED = "已记录诉求 {ticket} 的进展，并通知居民。"
# The same 进展 sent again (the network stalled, a second tap): the first one stands, nobody is told twice.
PROGRESS_REPEATED = "诉求 {ticket} 的这条进展 {at} 已记录过，这次没有重复记录和发送。有新情况请写新的说明。"
# A 上报 has no resident of its own: nobody reads its notes or rates it (joined neighbours hear its status only).
PROGRESS_SAVED_REPORTED = "已记录诉求 {ticket} 的进展（上报的诉求，进展不发给居民）。"
RESOLVED = "诉求 {ticket} 已办结，居民会收到通知并评价。如有现场照片，现在发送即可附上。"
RESOLVED_REPORTED = "诉求 {ticket} 已办结（上报的诉求，无需居民评价）。如有现场照片，现在发送即可附上。"
# The photos (or locations) sent just before the 办结 went with it as its result.
RESOLVED_WITH_MATERIAL = "诉求 {ticket} 已办结，刚才发的照片或位置（{count} 份）已附到办结结果，居民会收到通知并评价。"
RESOLVED_REPORTED_WITH_MATERIAL = ("诉求 {ticket} 已办结（上报的诉求，无需居民评价），"
                                   "刚才发的照片或位置（{count} 份）已附到办结结果。")
PAUSED = "诉求 {ticket} 已挂起，办结时限暂停计时。恢复时回复：恢复 {ticket}"
RESUMED = "诉求 {ticket} 已恢复办理，办结时限顺延至 {due}。"
# Resumed with its deadline gone by before the 挂起 (a pause stops the clock, it gives back no time already late).
RESUMED_LATE = "诉求 {ticket} 已恢复办理。办结时限 {due} 已过（{late}），请尽快办结：办结 {ticket} 处理说明"
# A 挂起 or 恢复 past storage.tasks.STATUS_TOLD_PER_HOUR in an hour: made, but the resident was not messaged again.
STATUS_UNTOLD = (f"这件诉求一小时内已挂起或恢复 {STATUS_TOLD_PER_HOUR} 次，这次没有再通知居民和接单人"
                 "（查询时看到的是当前状态）。")
TRANSFERRED = "诉求 {ticket} 已转办给 {department}。"
GIVEN_BACK = "诉求 {ticket} 已退回社区，由社区工作人员重新派发。"
REASSIGNED = "诉求 {ticket} 已改派给 {to}，已通知对方接单，并告知居民。"
REASSIGNED_TO_NOBODY = ("诉求 {ticket} 已改派给 {to}，并告知居民。\n"
                        "注意：{to} 现在没有在岗的网格员，没有人收到任务卡；请改派给有人的网格或网格员。")
# A 改派 or 转办 past storage.tasks.STATUS_TOLD_PER_HOUR of them in an hour: made, but the resident was not messaged.
REASSIGNED_UNTOLD = "诉求 {ticket} 已改派给 {to}，已通知对方接单。"
REASSIGNED_TO_NOBODY_UNTOLD = ("诉求 {ticket} 已改派给 {to}。\n"
                               "注意：{to} 现在没有在岗的网格员，没有人收到任务卡；请改派给有人的网格或网格员。")
MOVE_UNTOLD = (f"这件诉求一小时内已改派或转办 {STATUS_TOLD_PER_HOUR} 次，这次没有再通知居民"
               "（居民查询时看到的是当前状态）。")
REASSIGNED_TO_AWAY = "注意：{name}正在请假{until}，这件诉求会等{name}接单；需要尽快办理的，请改派给在岗的人。"
REASSIGNED_TO_LEAVING = ("注意：{name}将于 {first}起请假{until}；办不完的，请和{name}确认在那之前交接，"
                         "或改派给那时在岗的人。")


def reassigned(ticket: str, to: str, away: OnLeave | None = None, unmanned: bool = False,
               untold: bool = False, coming: OnLeave | None = None) -> str:
    """改派 done; when it went to a member on leave, whoever moved it reads so (派单 itself passes them over); when
    it went to a grid nobody active works in, that no card reached anyone; when the resident, told of too many moves
    in the hour, was not told of this one (`untold`), that too."""
    if unmanned:
        done = (REASSIGNED_TO_NOBODY_UNTOLD if untold else REASSIGNED_TO_NOBODY).format(ticket=ticket, to=to)
    else:
        done = (REASSIGNED_UNTOLD if untold else REASSIGNED).format(ticket=ticket, to=to)
        done = done if away is None else done + "\n" + reassigned_to_away(away)
        done = done if coming is None else done + "\n" + _reassigned_to_leaving(coming)
    return done + "\n" + MOVE_UNTOLD if untold else done


def _reassigned_to_leaving(coming: OnLeave) -> str:
    """The member an appeal was just handed to is at work, with leave arranged from a later day."""
    assert coming.starts is not None, "leave from a later day"
    until = f"至 {month_day(coming.until, coming.today)}" if coming.until is not None else "（直到销假）"
    return REASSIGNED_TO_LEAVING.format(name=coming.name, first=month_day(coming.starts, coming.today), until=until)


def reassigned_to_away(away: OnLeave) -> str:
    """The member an appeal was just handed to is on leave: it waits for them (the chat's 改派 and the console's)."""
    until = f"（至 {month_day(away.until, away.today)}）" if away.until is not None else ""
    return REASSIGNED_TO_AWAY.format(name=away.name, until=until)
REASSIGN_BAD_TICKET = "“{ticket}”不是诉求编号：编号是 G 加 10 位数字，如 G2612020014。"
REASSIGN_DATABASE_FAILED = "数据库操作失败（{reason}），诉求没有改派。请检查 GRIDBOT_DATABASE_URL 后重试。"
REJECTED = "诉求 {ticket} 已不受理并关闭，已把原因告诉居民。"
REJECT_REFUSED = {"not_rejecter": "只有社区操作员和本网格网格长可以不受理诉求 {ticket}。"}
SUPERVISED = "已督办诉求 {ticket}，已发给：{who}。"
SUPERVISED_ALREADY = "诉求 {ticket} {at} 已督办过，一小时内不再重复督办。"
SUPERVISE_REFUSED = {
    "not_your_task": "只有社区操作员和本网格网格长可以督办诉求 {ticket}。",
    "nobody_holds": "诉求 {ticket} 现在没有可以督办的人（网格里没有在岗的网格员）：请改派给有人的网格或网格员。",
    "nobody_routes": "诉求 {ticket} 已退回社区，社区没有其他在岗的操作员可以督办：请直接改派或转办。",
}
REASSIGN_REFUSED = {
    "not_reassigner": "只有社区操作员和本网格网格长可以改派诉求 {ticket}。",
    "target_out_of_scope": "不能把诉求 {ticket} 改派到您负责范围以外的网格（网格长只能在本网格内改派，操作员在本社区内）。",
    "complained_about": "诉求 {ticket} 是对这位工作人员的投诉，不能改派给本人。",
    "complaint_to_member": ("诉求 {ticket} 是对工作人员的投诉，由网格长和社区操作员处理，不能改派给网格员；"
                            "可以改派给网格长，或改派到网格（由那里的网格长和社区操作员接单）。"),
    "filed_by_target": "诉求 {ticket} 是这位工作人员本人以居民身份提交的，不能改派给本人办理。",
    "target_disabled": "这位工作人员已停用（离职），不能把诉求 {ticket} 改派给 TA，请改派给在岗的网格员或网格。",
    "target_not_grid_team": ("这位工作人员不是网格员或网格长，改派只能交给网格员或网格；"
                             "要交给物业或部门，请用“转办 {ticket} 单位名称”。"),
}


REASSIGN_ALREADY_THERE = {False: "诉求 {ticket} 已经在{to}，不用改派。", True: "诉求 {ticket} 已经由{to}负责，不用改派。"}


def reassign_which(name: str, candidates: list[str]) -> str:
    """Several members have the name: list them, and say how to pick by grid."""
    listed = "\n".join(f"· {candidate}" for candidate in candidates)
    return f"有多位工作人员叫“{name}”：\n{listed}\n请改派到其所在网格（如 改派 编号 第一网格），或联系网格长安排。"


# A street operator's scope holds hundreds of grids and members: the first few are listed, and how many there are.
UNKNOWN_TARGET_GRIDS_SHOWN = 10
UNKNOWN_TARGET_MEMBERS_SHOWN = 20


def reassign_unknown(name: str, grids: list[str], members: list[str]) -> str:
    """Neither a grid nor a member of that name: what may be meant (the first few of each, within one reply)."""
    return (f"找不到网格或工作人员“{name}”。可以改派给：\n"
            f"网格：{_first_of(grids, UNKNOWN_TARGET_GRIDS_SHOWN, '个网格')}\n"
            f"工作人员：{_first_of(members, UNKNOWN_TARGET_MEMBERS_SHOWN, '人')}")


def _first_of(names: list[str], shown: int, unit: str) -> str:
    if not names:
        return "（无）"
    listed = "、".join(names[:shown])
    return listed if len(names) <= shown else f"{listed}等 {len(names)} {unit}，请写完整的名称"
NO_TASKS = "您目前没有待办任务。"
# A 网格长's own list empty: what she watches is the grid's, on 超期.
NO_TASKS_LEADER = "您目前没有待办任务。本网格超期和无人接单的任务请回复“超期”查看。"
TASKS_HEADER = "您的任务（最急的在前）："
TASKS_MORE_HEADER = "您的任务（续）："
TASK_LINE = "{position}. {urgent}{ticket}｜{category}｜{status}｜{clock}\n   {snippet}{home}"
TASK_WITHHELD = "涉及个人隐私，接单后可见"  # a sensitive appeal waiting for a claim, as its card withholds it
TASK_URGENT = "【紧急·{emergency}】"  # as the card says: someone may be in danger
# The example is the page's first place: on the page 更多 shows, 接 1 would be a line of the one before.
TASKS_LEFT = "还有 {count} 条，回复“更多”查看。"
TASKS_USAGE = "用序号办理：接 {first}、进展 {first} 说明、结 {first} 说明"
# A list to pick one from (接, 挂, 恢复, 退回 said alone): the one line its verb takes.
PICK_USAGE = "用序号办理：{verb} {first}{words}"
# An operator's list is what waits for them to route (退回, 待分类, 超时): they move and correct, not claim.
TASKS_USAGE_OPERATOR = "用序号办理：改派 {first} 网格或姓名、分类 {first} 类别"
TASKS_USAGE_OPERATOR_URGENT = "；紧急诉求没有人接单时您也可以接：接 {position}"
# 更多 after a pick list (接, 挂起, 恢复, 退回 alone): the rest of that list, with its own line to send.
PICK_MORE_HEADER = "可选的任务（续）："
NO_MORE_PICKED = "这份列表没有更多任务了，请用列表里的序号回复“{verb} 序号”；回复“我的任务”查看全部任务。"
NO_MORE_TASKS = "没有更多任务了。回复“我的任务”从头查看。"
# 我的任务 3 (超期 3) past the last page: how many there are, and how to go through them.
NO_SUCH_PAGE = "“{verb}”只有 {pages} 页。回复“{verb}”从第 1 页看起，之后回复“更多”翻页。"
MY_TASKS_VERB = "我的任务"
OVERDUE_VERB = "超期"
# 超期: a 网格长's (an operator's) look over the grid (community): what is late, and what nobody has claimed yet.
OVERDUE_NOT_OVERSEER = "“超期”列出整个网格的超期和无人接单的任务，是给网格长和社区操作员用的。您自己的任务请回复“我的任务”查看。"
NO_OVERDUE = "{area}目前没有超期或无人接单的任务。"
OVERDUE_HEADER = "{area}超期和无人接单的任务（超期最久的在前）："
OVERDUE_MORE_HEADER = "{area}超期和无人接单的任务（续）："
OVERDUE_LINE = "{position}. {urgent}{ticket}｜{category}｜{status}｜{clock}｜{holder}\n   {snippet}{home}"
OVERDUE_USAGE = "用序号督办、改派：督办 {first} 要求、改派 {first} 网格或姓名"
NO_MORE_OVERDUE = "没有更多了。回复“超期”从头查看。"
OVERDUE_AREA_GRID = "本网格"
OVERDUE_AREA_COMMUNITY = "本社区"
OVERDUE_AREA_STREET = "本街道"
# Who holds a task on the 超期 list: its assignee, else who it waits for.
HOLDER_NOBODY = "无人接单"
HOLDER_DEPARTMENT = "待{department}接单"
HOLDER_RETURNED = "待社区改派"
NO_LIST_YET = "请先回复“我的任务”查看任务列表。"
NO_SUCH_POSITION = "您最近的任务列表里没有第 {position} 条。请回复“我的任务”查看，或直接用编号。"
CLOCK_STEPS = {"claim": "接单", "resolve": "办结", "route": "重新派发"}
# The step a status's clock waits for: a claim while dispatched, re-routing once given back (退回), else 办结.
CLOCK_STEP_OF = {"dispatched": "claim", "returned": "route"}
CLOCK_LEFT = "{step}剩{span}"
CLOCK_LATE = "{step}已超时{span}"
CLOCK_STOPPED = "暂停计时"
SPAN_MINUTES = "{count}分钟"
SPAN_HOURS = "{count}小时"
SPAN_DAYS = "{count}天"
# 接单 said alone, by a member with one hand free: the tasks waiting, to take one by its place in the list.
WHICH_TO_CLAIM = "有 {count} 条任务等待接单，要接哪一条？请回复：接 序号（或 接单 编号）"
NOTHING_TO_CLAIM = "您目前没有等待接单的任务。回复“我的任务”查看全部任务。"
NOTHING_IN_PROGRESS = "您目前没有办理中的任务。请按这个格式发送：{verb} 编号 {words}"
# 挂起 said alone while every task in progress is an emergency, which is never paused.
ONLY_EMERGENCIES_IN_PROGRESS = "您办理中的任务都是紧急诉求，紧急诉求不能挂起，请继续处置；需要其他单位处置的请回复“转办 编号 部门”。"
WHICH_IN_PROGRESS = "您有 {count} 条办理中的任务，是哪一条？请回复：{verb} 序号 {words}（或 {verb} 编号 {words}）"
# 退回 said alone: the tasks waiting for the member's claim or in her hands, to give one back by its place.
WHICH_TO_GIVE_BACK = "您有 {count} 条任务可以退回，是哪一条？请回复：退回 序号 原因（或 退回 编号 原因）"
NOTHING_TO_GIVE_BACK = "您目前没有可以退回的任务。回复“我的任务”查看全部任务。"
# 恢复 said alone: the member's paused tasks, to resume one by its place in the list.
WHICH_TO_RESUME = "您有 {count} 条挂起的任务，要恢复哪一条？请回复：恢复 序号（或 恢复 编号）"
NOTHING_TO_RESUME = "您目前没有挂起的任务，无需恢复。回复“我的任务”查看全部任务。"
# Staff's words are never filed as their appeal (STAFF_FREE_TEXT): 我的诉求 and 绑定 must not say they would be.
QUIT_DONE = "已退出当前操作。回复“帮助”查看工作指令。"
NOTHING_TO_CANCEL = "目前没有正在进行的操作，无需取消。回复“帮助”查看工作指令。"
NO_APPEALS = "您还没有提交过诉求。工作人员发送的文字不登记为诉求；发现的问题请发送：上报 内容。"
BIND_DONE = ("绑定成功！您的住址：{grid_label} {home}\n"
             "工作人员发送的文字不登记为诉求；发现的问题请发送：上报 内容，登记为本网格诉求。")
# Words around one ticket that make no command (先挂起 G… 等配件, 转给物业 G…, G… 怎么样了): its commands, to send one.
# The pause line is the appeal's own: none for an emergency (never paused), 恢复 for one paused already.
STAFF_TICKET_FORMATS = ("查询 {ticket}\n接单 {ticket}\n进展 {ticket} 说明\n办结 {ticket} 说明\n{pause}"
                        "转办 {ticket} 部门\n退回 {ticket} 原因")
STAFF_TICKET_PAUSE = "挂起 {ticket} 原因\n"
STAFF_TICKET_RESUME = "恢复 {ticket}\n"
STAFF_TICKET_UNCLEAR = "没有看懂要对 {ticket} 做什么，请按下面的格式发送其中一条：\n" + STAFF_TICKET_FORMATS
# 撤销 G…, 催办 G…, 补充 G…, 评价 G… from staff on a task they may read: a resident's command, not "no such appeal".
STAFF_RESIDENT_VERB = ("“{verb}”是居民对自己提交的诉求用的，{ticket} 不是您提交的。办理这件请按下面的格式发送其中一条：\n"
                       + STAFF_TICKET_FORMATS)
# …and for the 网格长 and operators, who move and press tasks (改派给李娜 G…, 让李娜去办 G…, 盯一下 G…):
STAFF_TICKET_UNCLEAR_REASSIGN = "\n改派 {ticket} 网格或姓名\n督办 {ticket} 要求"
# 我的任务有哪些, 看看今天的任务: the list is what a member on his rounds asks for most, so the hint starts with it.
STAFF_FREE_TEXT = ("工作人员请使用指令，例如：我的任务（查看待办，之后可用序号：接 1、结 1 说明）、接单 编号、进展 编号 说明、"
                   "办结 编号 说明。发现问题请发送：上报 内容。回复“帮助”查看全部指令。")
# 收到, 好的, 谢谢 said to a notice or a reply: acknowledged, not answered with every command.
STAFF_ACKNOWLEDGED = "好的。需要办理时回复“我的任务”查看待办。"
STAFF_HELP_HEADER = "工作指令（编号可以不带 G；“我的任务”列出后可用序号，如 接 1、结 2 已修好）："
HELP_LINE = "· {usage}{short}：{summary}"
HELP_CONTINUED = "工作指令（续，第{page}/{pages}页）："
HELP_MORE = "还有更多工作指令，请回复：帮助 {next}"
HELP_SHORT = "（可简写“{short}”）"
EVENT_NAMES = {
    "held": "收到诉求（居民未绑定地址）", "submitted": "受理", "dispatched": "派发", "accepted": "接单",
    "progress": "进展", "transferred": "转办", "returned": "退回社区", "paused": "挂起", "resumed": "恢复",
    "resolved": "办结", "rated": "居民评价", "reopened": "居民不满意，重新办理", "follow_up": "回访",
    "cancelled": "居民撤销", "attached": "补充材料", "reminded": "提醒", "escalated": "督办升级",
    "reclassified": "改分类",
    "merged": "并入", "follower_joined": "并入相同诉求", "split": "拆分，重新派发", "follower_left": "拆出诉求",
    "parts_filed": "居民把其他问题分开登记为",
    "focused": "列入聚焦办", "repeated": "居民再次反映（未另立诉求）", "card_lost": "任务卡可能未送达，已告知",
    "viewed": "查阅",
    "address_verified": "核实居民住址",
    "reassigned": "改派",
    "chased": "居民催办",
    "chased_early": "居民催办（任务卡刚发出，未再通知）",
    "supervised": "督办",
    "words_added": "居民补充情况",
    "rejected": "不受理",
    "complaint": "投诉工作人员",
    "building_moved": "所在楼栋划入其他网格",
    "lapsed": "居民一直未绑定地址，自动关闭",
    "noted": "内部备注",
    "volunteer_claimed": "志愿者领单",
    "volunteer_done": "志愿者报完成",
    "volunteer_confirmed": "确认志愿者完成",
    "volunteer_released": "志愿者放弃",
}
RATING_NAMES = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}
# Notes storage records as codes (ratings, the channel of a 上报); any other note is people's words, shown as is.
EVENT_NOTE_NAMES = {**RATING_NAMES, "grid_report": "网格员上报", "building_lead": "代报（楼长、党员等）", "reporter_claimed": "上报人自己办理"}
COMPLAINT_NOTE = "被投诉人看不到此诉求"
# How a dispatch that did not simply go to the grid's team went (storage.dispatch records it in English).
DISPATCH_NOTE_NAMES = {
    dispatch.EMERGENCY_NOTE: "紧急诉求，立即发给本网格和社区操作员",
    dispatch.COMPLAINT_NOTE: "投诉工作人员，只发给被投诉人的上级和社区操作员",
    # Nobody got the card: before the operators stood in (storage.dispatch.stand_ins) they never did either.
    dispatch.NOBODY_BOUND_NOTE: "本网格、社区和街道都还没有绑定微信的工作人员，无人收到任务卡",
    dispatch.STAND_IN_NOTE.format(whom="community"): "本网格还没有绑定微信的网格员和网格长，发给社区操作员改派",
    dispatch.STAND_IN_NOTE.format(whom="street"): "本网格和社区还没有绑定微信的网格员、网格长和操作员，发给街道操作员改派",
    dispatch.NOBODY_ON_DUTY_NOTE.format(whom="leader"): "网格员都不在岗，发给网格长",
    dispatch.NOBODY_ON_DUTY_NOTE.format(whom="members"): "网格员都不在岗，发给全体网格员",
    dispatch.NOBODY_AT_WORK_NOTE.format(whom="community"): "网格员和网格长都不在岗，发给社区操作员改派",
    dispatch.NOBODY_AT_WORK_NOTE.format(whom="street"): "网格员和网格长都不在岗，社区没有操作员，发给街道操作员改派",
}
ROUTED_NOTE = "按类别转给{department}"
ASSIGNED_NOTE = "派单给网格员（人员编号 {staff_id}）"
ASSIGNED_NAMED_NOTE = "派单给网格员 {name}"
EMERGENCY_ESCALATION = "第{level}级（紧急诉求无人接单）"
EMERGENCY_LEVEL = "，已升级为第{level}级督办"
VOLUNTEER_RATED = "居民评价满意或基本满意，自动确认"
CLOCK_NAMES = {"response": "接单时限", "resolve": "办结时限"}
BUILDING_MOVED_CHOICES = {"keep": "未办结的诉求仍由原办理人办完", "move": "未办结的诉求重新派给新网格"}
CLI_READ = "命令行 {user}"
CONSOLE_ACTOR = "控制台 {name}"


def event_who(actor_kind: str, name: str | None) -> str:
    """Who acted, after an event's name: （张伟） for staff, （控制台 孙丽） for a console operator; nothing for a
    resident or the system."""
    if not name:
        return ""
    return f"（{CONSOLE_ACTOR.format(name=name) if actor_kind == ActorKind.CONSOLE_USER else name}）"


def event_note(action: str, note: str) -> str:
    """An audit event's note as staff read it in 查询: codes storage records (a material's kind, a clock, a
    督办 level, a rating) in words; anything else is people's words, shown as is."""
    if action == "attached":
        return ATTACHMENT_NAMES.get(note, note)
    if action == "reminded":
        return CLOCK_NAMES.get(note, note)
    if action == "complaint":  # the note holds the ids of the staff complained about
        return COMPLAINT_NOTE
    if action == "viewed" and note.startswith(CLI_READER):  # `gridbot appeals show` names the server login
        return CLI_READ.format(user=note.removeprefix(CLI_READER))
    emergency_level = supervision.emergency_note_level(note) if action == "escalated" else None
    if emergency_level is not None:
        return EMERGENCY_ESCALATION.format(level=emergency_level)
    if action == "escalated" and note.startswith("level "):
        return f"第{note.removeprefix('level ')}级"
    if action == "dispatched":
        return _dispatch_note(note)
    if action == "volunteer_done":  # the volunteer's own words
        return note
    if action == "building_moved":
        return _building_moved_note(note)
    if action == "lapsed":  # storage.supervision notes the days it was held
        return LAPSED_NOTE.format(days=note)
    if action == "volunteer_confirmed" and note == "rating":  # storage.volunteer_claims.RATED_BY
        return VOLUNTEER_RATED
    return EVENT_NOTE_NAMES.get(note, note)


LAPSED_NOTE = "等了 {days} 天"


def _building_moved_note(note: str) -> str:
    """storage.org_moves notes the operator's choice for the open appeals as its option value, (keep) or (move)."""
    for choice, words in BUILDING_MOVED_CHOICES.items():
        if note.endswith(f"（{choice}）"):
            return note.removesuffix(f"（{choice}）") + f"（{words}）"
    return note


def _dispatch_note(note: str) -> str:
    if note in DISPATCH_NOTE_NAMES:
        return DISPATCH_NOTE_NAMES[note]
    routed_before, routed_after = dispatch.ROUTED_NOTE.split("{department}")
    if note.startswith(routed_before) and note.endswith(routed_after):
        return ROUTED_NOTE.format(department=note.removeprefix(routed_before).removesuffix(routed_after))
    assigned_before = dispatch.ASSIGNED_NOTE.removesuffix("{staff_id}")
    if note.startswith(assigned_before):  # the name since 2026-12-06; older records have the id alone
        staff_id, _, name = note.removeprefix(assigned_before).partition(": ")
        return ASSIGNED_NAMED_NOTE.format(name=name) if name else ASSIGNED_NOTE.format(staff_id=staff_id)
    return EVENT_NOTE_NAMES.get(note, note)  # reporter_claimed: a 上报 its reporter handles


def content_continued(start: str, length: int, parts: int, sent_now: bool = True) -> str:
    """An appeal's words too long for 查询's reply: their start, and where the rest comes (or came, minutes ago)."""
    if not sent_now:
        return f"{start}……（全文共 {length} 字，10 分钟内已分 {parts} 条发给您，请向上翻看）"
    return f"{start}……（全文共 {length} 字，随后分 {parts} 条发给您）"


# A record too long for one reply (handlers/staff.py) starts with the count of the earliest lines left out, and
# where to read them: 查询 <编号> 2 is the page before.
EARLIER_EVENTS = "……（较早的 {count} 条记录从略，回复“查询 {ticket} {next}”查看）"
STAFF_DETAIL = "{urgent}诉求 {ticket}\n类别：{category}\n状态：{status}\n地址：{place}\n内容：{content}{material}\n记录（含内部备注）：\n{events}"
EVENT_LINE = "{at} {action}{who}{note}"
# A photo or a location sent right after 办结, named as what it is.
MATERIAL_NAMES = {"image": "照片", "location": "位置"}


def result_material_attached(kind: str, ticket: str) -> str:
    """A photo or location attached to the result of the member's 办结 just now."""
    return f"{MATERIAL_NAMES.get(kind, '材料')}已附到诉求 {ticket} 的办结结果。"


def progress_material_attached(kind: str, ticket: str) -> str:
    """A photo or location sent after the member's 进展 on a task still open: it goes with that task's record."""
    return f"{MATERIAL_NAMES.get(kind, '材料')}已附到诉求 {ticket} 的办理记录（刚才填写进展的这件）。"


def claim_material_attached(kind: str, ticket: str) -> str:
    """A photo or location sent after the member's 接单, nothing since: it goes with the task they just took."""
    return f"{MATERIAL_NAMES.get(kind, '材料')}已附到诉求 {ticket} 的办理记录（刚才接单的这件）。"


def report_material_attached(kind: str, ticket: str) -> str:
    """A photo or location attached to the member's 上报 just now."""
    return f"{MATERIAL_NAMES.get(kind, '材料')}已附到 {ticket}。"


MATERIAL_LIMIT = {"hour": "一小时", "day": "24 小时"}


def material_limit(kind: str, window: str, limit: int) -> str:
    """A photo or location past the member's hour's or day's share: not kept (storage.photo_shares.STAFF)."""
    return (f"抱歉，每个工作账号{MATERIAL_LIMIT[window]}内最多发送 {limit} 张照片或位置，您已达到上限，"
            f"这次的{MATERIAL_NAMES.get(kind, '材料')}没有保存。请稍后再发；办理情况可以用文字写在进展或办结里。")


def material_waiting(kind: str) -> str:
    """A photo or location with no 办结, 上报, 进展 or 接单 of the last half hour to go with: kept for the next 上报
    or 办结."""
    name = MATERIAL_NAMES.get(kind, "材料")
    return (f"收到{name}。30 分钟内发送“上报 内容”，{name}会附到上报的诉求；"
            f"发送“办结 编号 说明”，会附到办结结果。")


def report_material_count(count: int, ticket: str) -> str:
    """After 上报: the photos and locations sent in the half hour before it went with it."""
    return f"\n刚才发的照片或位置（{count} 份）已附到 {ticket}。" if count else ""


REPORTED = "已上报，编号 {ticket}（{category}），已派发到本网格。可回复：接单 {ticket}"
# A category routed to a department (占道经营 → 综合执法中队): its staff claim it, not the grid.
REPORTED_TO_DEPARTMENT = "已上报，编号 {ticket}（{category}），已按类别派给 {department} 接单办理。回复“查询 {ticket}”可查看办理情况。"
# A property clerk's 上报: the grid's members claim it (the clerk claims only what is transferred to the company).
REPORTED_TO_GRID_TEAM = ("已上报，编号 {ticket}（{category}），已派发给本网格的网格员接单办理。回复“查询 {ticket}”可查看办理情况；"
                         "要由您自己办理，上报时在末尾写“我来处理”。")
# The same 上报 sent again within the hour (the network stalled): the first one stands, no second card.
REPORTED_AGAIN = "这个问题您刚才已上报，编号 {ticket}，这次没有重复登记。回复“查询 {ticket}”可查看办理情况。"
# 上报 of a danger (handlers/staff.py): sent as a resident's emergency is, after the number to call.
REPORTED_EMERGENCY = ("已上报为紧急诉求，编号 {ticket}（{category}），【紧急】任务卡已发给本网格全体人员和社区工作人员，"
                      "{minutes}分钟内无人接单将升级督办。可回复：接单 {ticket}")
# A 物业 clerk's: the grid's members claim it, not the clerk (接单 would be refused them); {grid}: 本网格, or the
# grid of the building named for a clerk of a whole community.
REPORTED_EMERGENCY_TO_GRID_TEAM = ("已上报为紧急诉求，编号 {ticket}（{category}），【紧急】任务卡已发给{grid}的网格员和社区工作人员，"
                                   "{minutes}分钟内无人接单将升级督办。回复“查询 {ticket}”可查看办理情况。")
REPORTED_OWN = "已上报，编号 {ticket}（{category}），已由您接单办理，不派发给网格其他人。办好后回复：办结 {ticket} 说明"
# 上报 … 我来办: the reporter handles it themselves (handlers/staff.py strips these words from the appeal).
OWN_REPORT_WORDS = ("我自己办", "我来办", "自己办", "我来处理", "我自己处理", "我去处理")
REPORT_NEEDS_GRID = "您没有绑定网格，不能上报。请联系社区工作人员。"
# A 物业 clerk of a whole community: the building named decides the grid; none named (or two alike) files nothing.
REPORT_NEEDS_BUILDING = ("这条没有登记：您负责{community}的各个小区，上报时请写明是哪栋楼（两个小区都有这栋楼时连小区名一起写），"
                         "例如：上报 {example}消防通道堆满杂物。登记后派给那栋楼所在网格的网格员。")
# 帮助's 上报 line for that clerk: theirs is filed in the grid of the building named, not in a grid of their own.
REPORT_USAGE_COMMUNITY_WIDE = "上报 楼栋和内容"
REPORT_SUMMARY_COMMUNITY_WIDE = "巡查发现的问题，写明哪栋楼（如 上报 3号楼消防通道堆满杂物），登记为那栋楼所在网格的诉求"
# The same clerk's 上报 filed: which grid it went to, since they serve several.
REPORTED_TO_BUILDINGS_GRID = ("已上报，编号 {ticket}（{category}），已派发给{grid}的网格员接单办理。回复“查询 {ticket}”可查看办理情况；"
                              "要由您自己办理，上报时在末尾写“我来处理”。")
REPORT_LIMIT = "一小时内最多上报 {limit} 件，您已达到上限，这条没有登记。请稍后再报；紧急情况请直接电话联系社区。"

# 待分类 / 分类 (handlers/review.py)
NOT_A_REVIEWER = "只有社区操作员和本网格网格长可以查看待分类诉求、修改诉求分类。类别不对的，请告诉网格长或社区工作人员改正，任务照常办理。"
REVIEW_EMPTY = "没有待分类的诉求。"
REVIEW_HEADER = "待分类诉求（最早的在前）："
REVIEW_LINE = "{ticket} {at}｜{content}｜建议：{guess}"
REVIEW_MORE = "……还有较晚提交的待分类诉求没有列出：改正以上几件后再回复“待分类”查看。"
REVIEW_FOOTER = "修改分类请回复：分类 编号 类别，例如：分类 G2611230001 物业服务"
UNKNOWN_CATEGORY = "没有“{name}”这个类别。可用类别：{names}"
RECLASSIFIED = "诉求 {ticket} 已改为“{category}”，办理时限按新类别计算。这条纠正会用于改进自动分类。"
# 分类 minutes after someone else's 分类 of the same appeal (storage.review.overridden): both saw it in 待分类.
OVERRIDDEN = "注意：{by}在{at}刚把它改为“{category}”，现在按您改的“{new}”办理；如有分歧请与{by}商量后再改。"
SOMEONE = "其他工作人员"
# 分类 of a resolved or closed appeal: the record and the training example, not its time limits (storage.review).
RECLASSIFIED_FINISHED = ("诉求 {ticket} 已办结，类别已改为“{category}”：只更正记录，办理时限不变，也不再通知办理人和居民。"
                         "这条纠正会用于改进自动分类。")
# 分类 编号 待分类: a correction taken back, the appeal waits for someone sure of its category (storage.review).
BACK_TO_REVIEW = ("诉求 {ticket} 已放回待分类，办理时限恢复为默认时限，之前对它的改正不再用于训练。"
                  "确定类别后请回复：分类 {ticket} 类别")
RECLASSIFIED_TO_DEPARTMENT = (
    "诉求 {ticket} 已改为“{category}”，办理时限按新类别计算。该类别由{department}办理，"
    "如需转办请回复：转办 {ticket} {department}"
)
# …a unit with nobody serving the appeal's place (storage.unit_reach): a 转办 to it would be refused, the grid keeps it.
RECLASSIFIED_TO_UNSERVED_DEPARTMENT = (
    "诉求 {ticket} 已改为“{category}”，办理时限按新类别计算。该类别由{department}办理，"
    "但诉求所在的地方还没有{department}可以接单的人员，仍由网格办理。"
)
# --- 合并 / 拆分 (handlers/merging.py) ----------------------------------------------------------------------
MERGED = "已将诉求 {ticket} 并入 {target}：其居民会收到 {target} 的办理进展，原任务卡持有人已收到通知。撤销合并：拆分 {ticket}"
SPLIT = "诉求 {ticket} 已从 {target} 拆分，重新派发给网格（或原转办部门），居民不再接收 {target} 的进展。"
MERGE_USAGE = "请按这个格式发送：合并 编号 目标编号（把第一条并入第二条）"
MERGE_REFUSED = {
    "not_manager": "只有社区操作员或本网格网格长可以合并、拆分诉求；{ticket} 不在您管理的范围内。",
    "same_appeal": "不能把诉求 {ticket} 并入它自己。",
    "already_merged": "诉求 {ticket} 已经并入其他诉求。如需改并，请先发送：拆分 {ticket}",
    "target_merged": "目标诉求 {target} 本身已并入其他诉求，请直接并入它所并入的诉求（查询 {target} 可看到）。",
    "other_grid": "诉求 {ticket} 和 {target} 不属于同一网格，不能合并。",
    "sensitive": "涉及家庭矛盾、邻里纠纷等敏感类别的诉求不能合并：居民的隐私不能出现在他人的诉求里。",
    "emergency": "紧急诉求不能合并（{ticket} 或 {target} 是紧急诉求）：有人可能处在危险中，须单独办理。",
    "target_closed": "目标诉求 {target} 已不在办理中（办结、完结、撤销或退回），不能并入。",
    "has_followers": "已有其他居民的诉求并入 {ticket}，不能再把它并入别的诉求。可以反过来：合并 {target} {ticket}",
    "same_resident": "诉求 {ticket} 和 {target} 是同一位居民的（或他已在关注 {target}），无需合并。",
}
SPLIT_NOT_MERGED = "诉求 {ticket} 当前状态为“{status}”，没有并入其他诉求，无需拆分。"
MERGE_WRONG_STATE = "诉求 {ticket} 当前状态为“{status}”，不能合并（只有办理中的诉求可以合并）。"

# --- 核实: a resident's address confirmed after a visit (handlers/verification.py) ---------------------------
VERIFIED = "已核实诉求 {ticket} 的居民住在{place}。在要求核实住址的社区，该居民现在可以加入同楼邻居的相同诉求。"
ALREADY_VERIFIED = "诉求 {ticket} 的居民住在{place}，已经核实过，无需再核实。"
VERIFY_NOT_YOURS = "核实居民住址由本网格的网格员上门后办理（网格长、社区操作员也可以），物业和部门不用核实。"
VERIFY_REFUSED = {
    "no_resident": "诉求 {ticket} 是工作人员上报的，没有需要核实住址的居民。",
    "moved": "诉求 {ticket} 的居民已改绑其他住址，不能按这条诉求核实；请等他在新住址提交诉求后再核实。",
}

# --- 聚焦办: focus cases (handlers/focus.py) -------------------------------------------------------------

FOCUS_NONE = "目前没有进行中的聚焦事项。"
FOCUS_HEADER = "进行中的聚焦事项（处理完毕回复“结案 编号 说明”）："
# A grid member who owns none of them: 结案 is the owner's, the 网格长's or an operator's, not theirs.
FOCUS_HEADER_READ_ONLY = "进行中的聚焦事项（由负责人统筹处理、结案）："
FOCUS_LINE = "{code}｜{place}｜{subject} {count}件｜负责人：{owner}\n  {tickets}"
FOCUS_MORE = "……另有 {count} 件进行中的聚焦事项没有列出（先开始的在前）"
FOCUS_CLOSED = "聚焦事项 {code} 已结案。其中的诉求仍按各自进度办理。"
FOCUS_NOT_FOUND = "没有找到编号为 {code} 的聚焦事项，请核对编号（回复“聚焦”查看）。"
FOCUS_NOT_YOURS = "聚焦事项 {code} 不由您负责（负责人、本网格网格长或社区工作人员可以结案）。"
FOCUS_ALREADY_CLOSED = "聚焦事项 {code} 已经结案。"
FOCUS_CODE_UNKNOWN = ("没有认出案号“{code}”：聚焦事项的案号是 J 加 10 位数字，例如 J2611230001（回复“聚焦”查看）。"
                      "请按这个格式发送：{usage}")

# --- 联系方式: work phones, and the resident's phone and 门牌 (handlers/contacts.py, storage/contacts.py) -----

WORK_PHONE_SAVED = "工作电话已设为 {phone}。您接单后，居民收到的“已接单”通知会附上这个号码。撤下请回复：工作电话 删除"
WORK_PHONE_REMOVED = "工作电话已撤下，居民的“已接单”通知不再附电话。"
WORK_PHONE_NONE = "您还没有设置工作电话。设置后，居民在“已接单”通知里就能看到：工作电话 13800001111"
WORK_PHONE_SHOWN = "您的工作电话：{phone}。修改请回复：工作电话 新号码；撤下请回复：工作电话 删除"
WORK_PHONE_FORMAT = (
    "没能识别这个号码，没有保存。手机请写 11 位，如：工作电话 13800001111；"
    "座机请写 区号-号码，如：工作电话 0531-87654321（分机写在最后：0531-87654321-8001）。"
)
# A number a member sent alone (or after 电话): maybe a resident's, so never published as theirs.
WORK_PHONE_BY_NAME = "要公布您的工作电话，请发送：工作电话 号码（如 工作电话 0531-87654321）；查询居民诉求请发送：查询 编号。"
INVITE_WORK_PHONE = "工作电话：{phone}（绑定后，居民的“已接单”通知会附上这个号码）"
INVITE_BAD_WORK_PHONE = "--work-phone 应为手机号（11 位）或座机 区号-号码（可加 -分机），例如 0531-87654321。"
CONTACT_AFTER_CLAIM = "（接单后可见完整）"
# 查询 with a 微心愿's (W…) or a focus case's (J…) number, by its first letter.
NOT_A_TICKET = {
    "W": "{code} 是微心愿的编号，不是诉求编号：志愿者领单、报完成时发布人会收到通知，核实后回复“确认完成 {code}”。",
    "J": "{code} 是聚焦办事项的编号，不是诉求编号：回复“聚焦”查看进行中的聚焦事项，处理完毕回复“结案 {code} 说明”。",
}
DETAIL_UNPLACED = "居民还没有绑定住址（绑定后派给所在网格）"
DETAIL_CONTACT = "居民联系方式：{contact}"
CLAIM_CONTACT = "居民联系方式：{contact}\n请尽快联系居民处理。"
# No phone and no 门牌 left: the card's address and the account are how to reach them.
CLAIM_NO_CONTACT = "居民未留电话和门牌：请按地址上门，或回复“进展 {ticket} 说明”通过公众号告诉居民。"
# A 代报: the neighbour does not use WeChat; what is told through the account reaches the one who reported it.
CLAIM_FOR_NEIGHBOUR = ("这是{who}替不用微信的邻居代报的诉求：请按地址上门；回复“进展 {ticket} 说明”会通过公众号告诉{who}，"
                       "由其转告邻居。")
# A 上报 (no resident): the place is all there is.
CLAIM_REPORTED = "这是工作人员上报的诉求，没有需要联系的居民：请按地址到现场处理。"


def contact_line(phone: str | None, door: str | None) -> str:
    """电话 139****2222，门牌 3-2-***: what the resident left, as the reader may see it."""
    parts = [f"电话 {phone}" if phone else "", f"门牌 {door}" if door else ""]
    return "，".join(part for part in parts if part)


# --- 请假 and 销假 (handlers/duty.py) --------------------------------------------------------------------

LEAVE_TAKEN_UNTIL = ("已登记请假，至 {day}（含），{back}起自动恢复在岗。请假期间派单不会给您派新任务；"
                     "提前回来请发“销假”。{tasks}")
LEAVE_TAKEN = "已登记请假，直到您发“销假”。请假期间派单不会给您派新任务。{tasks}"
LEAVE_TASKS = "您手上 {n} 件未办结的任务仍由您负责，需要别人接手请联系网格长或社区改派。"
# The 网格长 is whom members ask to move their tasks: they move their own (改派 within the grid).
LEAVE_TASKS_LEADER = "您手上 {n} 件未办结的任务仍由您负责；需要别人接手，可回复“改派 编号 姓名”交给组员，或联系社区改派。"
# A 网格长 on leave is passed over by the 督办 ladder (storage.supervision): who hears in their stead.
LEAVE_LEADER_SUPERVISION = "请假期间，本网格无人接单和超时的督办改发给在岗的网格长（都在请假时发给社区操作员）。"
# A department's or property company's officer: no 派单 reaches them, and every officer of the unit gets its
# 转办 cards, on leave or not (storage.unit_reach.officers); no 网格长 to move their tasks, the community does.
LEAVE_TAKEN_UNIT_UNTIL = ("已登记请假，至 {day}（含），{back}起自动恢复在岗。转给本单位的任务卡仍会发给本单位每位人员（包括您），"
                          "由在岗的同事接单；提前回来请发“销假”。{tasks}")
LEAVE_TAKEN_UNIT = "已登记请假，直到您发“销假”。转给本单位的任务卡仍会发给本单位每位人员（包括您），由在岗的同事接单。{tasks}"
LEAVE_TASKS_UNIT = "您手上 {n} 件未办结的任务仍由您负责；需要同事接手，请联系诉求所在网格的网格长或社区工作人员把它重新转办给本单位。"
# An operator: no 派单 reaches them; leave stops only their daily summary (storage.daily_summary): what the operators
# route (退回, 督办, a stand-in's card) still reaches every one of them.
LEAVE_TAKEN_OPERATOR_UNTIL = ("已登记请假，至 {day}（含），{back}起自动恢复在岗。请假期间不给您发每日简报；退回、督办和请操作员改派的"
                              "任务卡仍照常发给您和其他操作员，由在岗的同事处理；提前回来请发“销假”。{tasks}")
LEAVE_TAKEN_OPERATOR = ("已登记请假，直到您发“销假”。请假期间不给您发每日简报；退回、督办和请操作员改派的任务卡仍照常发给您和"
                        "其他操作员，由在岗的同事处理。{tasks}")
# Leave arranged for a later day (我明天请假, 请假 下周一到周三): on duty, tasks as usual, until that day.
LEAVE_ARRANGED = ("已登记请假：{first}起至 {day}（含），{back}起自动恢复在岗。{first}之前您照常在岗、照常接收任务；{during}"
                  "要取消这次请假，请发“销假”。{tasks}")
LEAVE_ARRANGED_OPEN = ("已登记请假：{first}起，直到您发“销假”。{first}之前您照常在岗、照常接收任务；{during}"
                       "要取消这次请假，请发“销假”。{tasks}")
LEAVE_DURING = "请假期间派单不会给您派新任务。"
LEAVE_DURING_UNIT = "请假期间转给本单位的任务卡仍会发给本单位每位人员（包括您），由在岗的同事接单。"
LEAVE_DURING_OPERATOR = "请假期间不给您发每日简报。"
# Leave for a later day asked while on leave through an earlier one: one leave at a time, the later one waits.
LEAVE_WHILE_AWAY = ("您现在请假至 {until}。之后隔几天再请的假，请回来上班后再登记（发“销假”可提前回来）；"
                    "要连着请，请发“请假 到 某天”。这次没有登记。")
LEAVE_ENDS_FIRST = "请假的最后一天在第一天之前，请检查日期，如：请假 下周一到周三。"
LEAVE_BAD_DAY = "没看懂日期，请这样发：请假 到 12月31日（或 请假 到 2026-12-31）。"
LEAVE_PAST_DAY = "{day} 已经过去了，请写今天或以后的日期，如：请假 到 12月31日。"
LEAVE_UNCLEAR_YEAR = ("今年的 {passed} 已经过去了，是要请假到明年的 {next} 吗？"
                      "是的话请写上年份：请假 到 {typed}；否则请写今天或以后的日期。")
BACK = "已销假，恢复在岗：派单会照常给您派新任务。"
BACK_BEFORE_LEAVE = "已取消{first}起的请假，您照常在岗。"
BACK_ALREADY = "您本来就在岗，派单会照常给您派新任务。"
# A department's or property company's officer: 派单 never reaches them; their unit's 转办 cards do, as before.
BACK_UNIT = "已销假，恢复在岗。转给本单位的任务卡照常发给您，请及时接单。"
BACK_ALREADY_UNIT = "您本来就在岗，转给本单位的任务卡照常发给您。"
BACK_OPERATOR = "已销假，恢复在岗，每日简报照常发给您。"
BACK_ALREADY_OPERATOR = "您本来就在岗，每日简报照常发给您。"


# A day without its year reads as one of the coming months; further off (请假 到 12月5日 typed on 6 December: the
# next 5 December is a year away) the year is said, or the reply reads as if the leave were over already.
YEARLESS_WITHIN = 183  # days


def full_day(day: date) -> str:
    """2027年12月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def month_day(day: date, today: date | None = None) -> str:
    """12月31日: the year goes without saying (leave runs to the next such day), unless, from `today`, the day is
    more than YEARLESS_WITHIN days off in another year: 2027年12月5日."""
    far = today is not None and day.year != today.year and (day - today).days > YEARLESS_WITHIN
    return f"{day.year}年{day.month}月{day.day}日" if far else f"{day.month}月{day.day}日"


# --- 积分: 我的积分 of grid staff (handlers/points.py) ------------------------------------------------------

MY_POINTS = "{name}您好！您的积分：{balance} 分，本月 {month} 分。"
MY_POINTS_RECENT = "最近的积分记录："
MY_POINTS_LINE = "· {line}"
MY_POINTS_RULES = "{street}的积分规则：{terms}。"  # the street's own where it set some, else the district's
MY_POINTS_RULES_NO_STREET = "积分规则：{terms}。"
MY_POINTS_NONE = ("还没有积分记录。网格员按时接单、办结诉求和居民评价满意都会记积分，"
                  "居民不满意会扣分、重新打开的诉求收回办结积分。")
# 物业, 部门 and operators earn none (storage/points_grants.py): their 0 is no fault of their work.
MY_POINTS_NOT_EARNED = ("积分只记给网格员和网格长（按时接单、办结、居民满意）；物业、部门和操作员办理诉求不计积分，"
                        "办理情况见社区每月的月报。")
# --- 领单: 发布心愿 and 确认完成 (handlers/volunteering.py); what the responsible member and the volunteer are told ---

WISH_USAGE = "发布心愿 内容"
WISH_POSTED = ("微心愿已发布，编号 {code}（{place}），志愿者发送“可领任务”即可看到。"
               "有人领单或完成时会通知您，完成后请核实并回复“确认完成 {code}”。")
WISH_NOT_YOURS = "微心愿由网格员、网格长或社区操作员发布：网格员发到本网格，操作员发到本社区。"
CONFIRMED = "已确认 {code}：{role}{volunteer} 的帮忙已记入，{points}。"
CONFIRMED_POINTS = "获得 {points} 积分"
CONFIRMED_NO_POINTS = "本次未加积分（该项积分本月已达上限或未开启）"
NEEDS_CONFIRM_NUMBER = "请在“{verb}”后面加上任务编号（“【志愿者完成】”通知里的 G… 或 W…），例如：{verb} W2612020001"
CONFIRM_ALREADY = "{code} 志愿者的帮忙已经确认过了，无需重复确认。"
CONFIRM_NOT_DONE = "{code} 的志愿者还没有报完成；报完成时会通知您，届时再确认。"
CONFIRM_SEVERAL_ENDING = "等您确认的志愿者任务里有 {count} 条编号以 {digits} 结尾：{tickets}。请发完整编号，例如：确认完成 {first}"
CONFIRM_NONE_ENDING = "等您确认的志愿者任务里没有编号以 {digits} 结尾的。请发完整编号（“【志愿者完成】”通知里的 G… 或 W…）。"
CONFIRM_NONE = "没有找到您可以确认的志愿者任务 {code}：只有诉求或微心愿所在网格的网格员、网格长或本社区操作员可以确认，且需有志愿者领单。"


def _role(role: str) -> str:
    return community_texts.role_name(role)


# How the one responsible reaches the volunteer: the phone they left, whole as a 接单 reply gives the resident's
# to the one handling it; without one nobody can be told to keep in touch.
VOLUNTEER_REACH = "您仍是负责人，可拨打其电话 {phone} 联系；完成时会通知您核实。"
VOLUNTEER_NO_PHONE = "您仍是负责人；其没有留电话，完成时会通知您核实。"


def _volunteer_reach(n: StaffVolunteerClaimed) -> str:
    return VOLUNTEER_REACH.format(phone=n.phone) if n.phone else VOLUNTEER_NO_PHONE


def _volunteer_claimed(n: StaffVolunteerClaimed) -> str:
    return f"【志愿者领单】{_role(n.role)}{n.volunteer} 领取了 {n.code}（{n.what}，{n.place}）。{_volunteer_reach(n)}"


def _volunteer_done(n: StaffVolunteerDone) -> str:
    return f"【志愿者完成】{_role(n.role)}{n.volunteer} 报告 {n.code} 已完成：{n.note}\n请核实后回复“确认完成 {n.code}”。"


def _volunteer_material(n: StaffVolunteerMaterial) -> str:
    name = MATERIAL_NAMES.get(n.material, "材料")
    ask = "" if n.confirmed else f"\n请核实后回复“确认完成 {n.code}”。"
    return f"【志愿者照片】{_role(n.role)}{n.volunteer} 为 {n.code} 发来了{name}{material_lines(n.photos, n.places)}{ask}"


VOLUNTEER_RELEASED_CLOSED = "诉求已办结，无需再安排志愿者。"  # 放弃 of an appeal resolved or closed meanwhile


def _volunteer_released(n: StaffVolunteerReleased) -> str:
    after = VOLUNTEER_RELEASED_CLOSED if n.closed else "任务已重新开放给其他志愿者。"
    return f"【志愿者放弃】{_role(n.role)}{n.volunteer} 放弃了 {n.code}，{after}"


def _volunteer_confirmed(n: StaffVolunteerConfirmed) -> str:
    by = n.by or "居民评价"
    earned = f"，获得 {n.points} 积分" if n.points > 0 else ""
    return f"【任务确认】{n.code} 已由{by}确认完成{earned}。感谢您的付出！回复“我的积分”查看积分。"


def _volunteer_praised(n: StaffVolunteerPraised) -> str:
    return f"【居民满意】{n.code} 的居民对办理评价满意，您另得 {n.points} 积分。感谢您的付出！回复“我的积分”查看积分。"


# Why the appeal a volunteer took part of closed (StaffVolunteerLetGo.why).
VOLUNTEER_LET_GO_WHY = {"withdrawn": "居民已撤销这件诉求", "rejected": "工作人员查看后这件不作为诉求办理"}
VOLUNTEER_LET_GO_WHY_SHORT = {"withdrawn": "居民已撤销", "rejected": "不作为诉求办理"}


def _wish_withdrawn(n: StaffWishWithdrawn) -> str:
    told = f"，领单的志愿者{n.volunteer}已收到通知" if n.volunteer else ""
    return f"【微心愿取消】您发布的微心愿 {n.code}（{n.text}）已由社区工作人员取消{told}，无需再跟进。"


def _volunteer_let_go(n: StaffVolunteerLetGo) -> str:
    why = VOLUNTEER_LET_GO_WHY.get(n.why, VOLUNTEER_LET_GO_WHY["withdrawn"])
    return f"【任务取消】{n.code} {why}，您领的任务无需再做，感谢您的热心！回复“可领任务”看看其他任务。"


def _volunteer_appeal_resolved(n: StaffVolunteerAppealResolved) -> str:
    return (f"【诉求已办结】您领的 {n.code} 已由网格员办结。您去帮过忙的话，请回复“完成 {n.code} 做了什么”，网格员核实后记入积分；"
            f"没有去的话请回复“放弃 {n.code}”。")


def _wish_cancelled(n: StaffWishCancelled) -> str:
    return f"【微心愿取消】{n.code} 已取消，无需再做。感谢您的热心！回复“可领任务”看看其他任务。"


TEMPLATES.update({
    StaffVolunteerClaimed: _volunteer_claimed,
    StaffVolunteerDone: _volunteer_done,
    StaffVolunteerReleased: _volunteer_released,
    StaffVolunteerConfirmed: _volunteer_confirmed,
    StaffVolunteerPraised: _volunteer_praised,
    StaffWishCancelled: _wish_cancelled,
    StaffWishWithdrawn: _wish_withdrawn,
    StaffVolunteerLetGo: _volunteer_let_go,
    StaffVolunteerAppealResolved: _volunteer_appeal_resolved,
    StaffVolunteerMaterial: _volunteer_material,
})
TEMPLATE_FIELDS.update({
    StaffVolunteerClaimed: lambda n: ((n.code, "志愿者领单", f"{_role(n.role)}{n.volunteer}", n.what, n.place),
                                      _volunteer_reach(n)),
    StaffVolunteerDone: lambda n: ((n.code, "志愿者报完成", f"{_role(n.role)}{n.volunteer}", n.note),
                                   f"请核实后回复“确认完成 {n.code}”。"),
    StaffVolunteerReleased: lambda n: ((n.code, "志愿者放弃", f"{_role(n.role)}{n.volunteer}"),
                                       VOLUNTEER_RELEASED_CLOSED if n.closed else "任务已重新开放。"),
    StaffVolunteerConfirmed: lambda n: ((n.code, "任务已确认完成", f"确认：{n.by or '居民评价'}", f"积分：+{n.points}"),
                                        "感谢您的付出！"),
    StaffVolunteerPraised: lambda n: ((n.code, "居民评价满意", f"积分：+{n.points}"), "感谢您的付出！"),
    StaffWishCancelled: lambda n: ((n.code, "微心愿已取消"), "无需再做，感谢您的热心！"),
    StaffWishWithdrawn: lambda n: ((n.code, "您发布的微心愿已由社区取消", n.text), "无需再跟进。"),
    StaffVolunteerLetGo: lambda n: ((n.code, f"{VOLUNTEER_LET_GO_WHY_SHORT.get(n.why, '居民已撤销')}，任务取消"),
                                    "无需再做，感谢您的热心！"),
    StaffVolunteerMaterial: lambda n: ((n.code, f"志愿者发来{MATERIAL_NAMES.get(n.material, '材料')}",
                                        f"{_role(n.role)}{n.volunteer}"),
                                       "已确认完成。" if n.confirmed else f"请核实后回复“确认完成 {n.code}”。"),
    StaffVolunteerAppealResolved: lambda n: ((n.code, "网格员已办结"),
                                             f"帮过忙请回复“完成 {n.code} 做了什么”，没有请回复“放弃 {n.code}”。"),
})


# What an operator calls each notice (the console's 模板消息 page, beside its stored name); who reads it when that is
# not the grid's staff: volunteers, party members and applicants are in this audience too.
NOTICE_LABELS: dict[type[StaffNotice], str] = {
    StaffNewAppeal: "新任务卡",
    StaffEmergencyUnclaimed: "紧急求助无人接单",
    StaffMerged: "诉求已合并",
    StaffTaken: "任务已被他人接单",
    StaffReminder: "办理提醒（时限将到）",
    StaffEscalated: "督办（超时未接单、未办结）",
    StaffReassigned: "任务已改派",
    StaffTasksHandedOver: "离职或调动：未办结的任务已交出",
    StaffMemberOnLeave: "网格员请假时手上未办结的任务，或预先登记的请假（给网格长）",
    StaffMemberLeaveCancelled: "网格员取消了预先登记的请假（给网格长）",
    StaffTransferredAway: "任务已转办给部门或物业",
    StaffResolvedByOther: "任务已由网格长或操作员办结",
    StaffProgressByOther: "网格长或操作员告知居民进展",
    StaffReturnedByOther: "任务已由网格长或同事退回社区",
    StaffPausedByOther: "任务已由网格长或操作员挂起",
    StaffResumedByOther: "任务已由网格长或操作员恢复办理",
    StaffRecategorised: "任务已改分类，时限按新类别计算",
    StaffCancelled: "居民已撤销诉求",
    StaffRejected: "诉求不受理",
    StaffReturned: "诉求被退回，请重新分派",
    StaffReopened: "居民不满意，重新办理",
    StaffChased: "居民催办",
    StaffSupervised: "操作员督办",
    StaffWordsAdded: "居民补充情况",
    StaffAppealText: "诉求全文（查询时太长，分条发送）",
    StaffMaterialAdded: "居民补充图片或位置",
    StaffPartsFiled: "其他问题已分开登记",
    StaffFocusOpened: "聚焦办（同类诉求集中出现）",
    StaffDigest: "任务汇总（多条通知合成一条）",
    StaffCardLost: "任务卡可能未送达",
    StaffCertifyLocked: "认证异常（验证码多次错误）",
    StaffDailySummary: "每日简报",
    StaffEnrolmentRequested: "党员报到、志愿者报名待确认",
    StaffMemberConfirmed: "报到、报名已确认（给本人）",
    StaffMemberMovedHome: "党员、志愿者的登记住址已更新（给本人）",
    StaffEnrolmentDeclined: "报到、报名未确认（给本人）",
    StaffVolunteerClaimed: "志愿者领单（给负责人）",
    StaffVolunteerDone: "志愿者报完成（给负责人）",
    StaffVolunteerReleased: "志愿者放弃任务（给负责人）",
    StaffVolunteerConfirmed: "任务已确认完成（给志愿者）",
    StaffVolunteerPraised: "居民评价满意（给志愿者）",
    StaffWishCancelled: "微心愿已取消（给志愿者）",
    StaffVolunteerLetGo: "居民已撤销或不受理，领的任务取消（给志愿者）",
    StaffVolunteerAppealResolved: "领的诉求已由网格员办结，请报完成或放弃（给志愿者）",
    StaffVolunteerMaterial: "志愿者报完成后发来的照片或位置（给负责人）",
    StaffWishWithdrawn: "微心愿已由社区取消（给发布人）",
}
