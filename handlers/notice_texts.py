"""Every sentence of broadcast notices: what recipients read, and what the chat says to senders and residents.

Operators' CLI wording is in bot/cli/notice_texts.py.
"""

from __future__ import annotations

from datetime import datetime

from handlers.resident_texts import clock
from handlers.staff_texts import month_day
from storage.notice_planning import NoticeRefused, Plan, SkipReason
from storage.notice_records import Progress, PublicNotice
from storage.staff import AmbiguousPlace, UnclearPlace
from storage.tickets import LOCAL_ZONE

# --- what recipients read --------------------------------------------------------------------------------------

HEADER = "【通知】"
URGENT_HEADER = "【紧急通知·{kind}】"
FOOTER = "\n（通知编号 {number}。不想再收到一般通知请回复“退订通知”，紧急通知仍会送达）"
STAFF_FOOTER = "\n（通知编号 {number}）"
LEAD_FOOTER = "\n（通知编号 {number}。转告不用微信的邻居后，请回复“已转达 {number}”）"
LINKED_REMARK = "点击查看全文（{number}）"
UNLINKED_REMARK = "回复“{number}”查看全文"
# WeChat no longer shows the remark: a notice with nothing to click says in its category line how to read it all.
UNLINKED_CATEGORY = "{category}（回复{number}看全文）"
TEMPLATE_LINE = 20  # WeChat shows at most 20 characters of a keyword line and cuts the rest with …


def message(number: str, text: str, urgent: bool, kind: str | None, for_staff: bool = False,
            for_lead: bool = False) -> str:
    """The text of a mass send or customer-service message; a 楼长's (`for_lead`) asks for 已转达."""
    header = URGENT_HEADER.format(kind=kind or "其他") if urgent else HEADER
    footer = LEAD_FOOTER if for_lead else STAFF_FOOTER if for_staff else FOOTER
    return header + text + footer.format(number=number)


def template_data(number: str, text: str, urgent: bool, kind: str | None, at: datetime,
                  linked: bool = True) -> dict[str, dict[str, str]]:
    """A template message's data: first, keyword1 类别, keyword2 内容 (cut to what WeChat shows; the link opens
    the full text), keyword3 时间, remark. WeChat no longer shows first and remark (2023). A staff-only notice has
    no page to link to (`linked` False): its full text is read by sending its number back, which keyword1 says (the
    urgent kind alone, 停水, leaves it the room)."""
    title = f"紧急通知·{kind or '其他'}" if urgent else "通知"
    category = title if linked else UNLINKED_CATEGORY.format(category=(kind or "其他") if urgent else "通知",
                                                             number=number)
    return {
        "first": {"value": title},
        "keyword1": {"value": category[:TEMPLATE_LINE]},
        "keyword2": {"value": _line(text)},
        "keyword3": {"value": at.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")},
        "remark": {"value": (LINKED_REMARK if linked else UNLINKED_REMARK).format(number=number)},
    }


def _line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= TEMPLATE_LINE else flat[:TEMPLATE_LINE - 1] + "…"


# --- the chat -----------------------------------------------------------------------------------------------------

SKIP_NAMES = {
    SkipReason.UNFOLLOWED: "已取消关注",
    SkipReason.OPTED_OUT: "已退订通知",
    SkipReason.MONTHLY_QUOTA: "本月群发已满4条",
    SkipReason.NO_TEMPLATE: "未配置模板消息",
    SkipReason.ALONE: "群发至少需要两人",
    SkipReason.STAFF_LEFT: "已停用（离岗）",
    SkipReason.MOVED: "已搬离通知范围",
    SkipReason.ALREADY_TOLD: "已收到同样内容的通知",
    "cancelled": "通知已撤销",
}
CHANNEL_NAMES = {"mass": "群发", "template": "模板消息", "custom": "客服消息"}
AUDIENCE_NAMES = {"residents": "居民", "staff": "工作人员", "all": "居民和工作人员"}
STATE_NAMES = {"scheduled": "待发送", "sending": "发送中", "done": "已完成", "cancelled": "已撤销"}


def preview(planned: Plan) -> str:
    """The preview: the scope and audience, people per channel, who is skipped and why, what waits for quota."""
    request = planned.request
    lines = [f"范围：{planned.scope.label}（{AUDIENCE_NAMES[request.audience]}）"
             + ("，紧急：" + (request.kind or "其他") if request.urgent else "")]
    for channel, count in planned.by_channel.items():
        chunks = planned.chunk_counts[channel]
        lines.append(f"  {CHANNEL_NAMES[channel]}：{count} 人" + (f"（{chunks} 批）" if channel == "mass" else ""))
    for reason, count in planned.skipped.items():
        lines.append(f"  不发送：{count} 人，{SKIP_NAMES.get(reason, reason)}")
    for day, calls in planned.later.items():
        what = "、".join(f"{CHANNEL_NAMES[c]} {n} 次" for c, n in calls.items())
        lines.append(f"  超出当日配额，{month_day(day)} 发出：{what}")
    if request.send_at is not None:
        lines.append(f"发送时间：{planned.send_at.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}")
    return "\n".join(lines)


def skipped_line(skipped: dict[str, int]) -> str:
    """Who would have been skipped, when nobody is left to send to."""
    return "；".join(f"{count} 人{SKIP_NAMES.get(reason, reason)}" for reason, count in skipped.items()) or "范围内没有人"


def progress_line(shown: Progress) -> str:
    """One notice's progress for 通知进度 and the list."""
    text = (f"{shown.number} {STATE_NAMES.get(shown.state, shown.state)} {shown.percent}%："
            f"共 {shown.recipients} 人，已发 {shown.sent}，被过滤 {shown.filtered}，失败 {shown.failed}，"
            f"未发送 {shown.skipped}")
    if shown.skipped_why:  # a sender asks why first: 本月群发已满4条, 已退订通知
        text += f"（{skipped_line(shown.skipped_why)}）"
    if shown.state == "scheduled":
        text += "\n" + scheduled_line(shown.send_at, shown.next_due)
    if shown.confirmed_by_building_leads:
        text += f"，楼长已转达 {shown.confirmed_by_building_leads}"
    if shown.waiting_reason:
        text += "\n微信当日接口配额已用完，剩余部分明天继续发送（一般通知早上 8 点起，紧急通知 0 点起）"
    return text


RECENT_HEADING = "最近 30 天发给您的通知（回复编号查看全文）："
RECENT_LINE = "{number}｜{at}｜{title}{text}"
RECENT_WITHDRAWN = "{number}｜{at}｜已撤回"
NO_RECENT = "最近 30 天没有发给您的通知。收到的通知末尾有通知编号，回复编号可以再看全文。"


def recent(notices: list[PublicNotice], now: datetime) -> str:
    """最近通知: the notices that reached the person lately, one line each, the number first to send back; when
    each went as the chat says a time (12月5日 09:00; one of last year read in January: 2026年12月28日 09:00)."""
    if not notices:
        return NO_RECENT
    lines = [RECENT_HEADING]
    for notice in notices:
        at = clock(notice.send_at, now)
        if notice.withdrawn:
            lines.append(RECENT_WITHDRAWN.format(number=notice.number, at=at))
            continue
        title = URGENT_HEADER.format(kind=notice.kind or "其他") if notice.urgent else ""
        lines.append(RECENT_LINE.format(number=notice.number, at=at, title=title, text=_line(notice.text)))
    return "\n".join(lines)


SHOWN = "{title}{text}\n（通知编号 {number}，{at} 发出。这是通知，不是诉求；对通知有疑问，请直接发文字说明）"


def shown(notice: PublicNotice) -> str:
    """A notice as broadcast, for a resident (or a staff member it reached) who sent its number back."""
    title = URGENT_HEADER.format(kind=notice.kind or "其他") if notice.urgent else HEADER
    return SHOWN.format(title=title, text=notice.text, number=notice.number, at=page_time(notice.send_at))


def scheduled_line(send_at: datetime, next_due: datetime | None = None) -> str:
    """When a notice that waits goes out (a 待发送 notice at 0% says nothing of it): its time, or the later one
    WeChat's daily quota put it off to."""
    if next_due is not None and next_due > send_at:
        return f"当天的微信接口配额已排满，{next_due.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}（北京时间）起发送"
    return f"定时发送：{send_at.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}（北京时间）"


ASK_CONFIRM = "{preview}\n内容：{text}\n\n确认发送请回复“确认 发送”，放弃请回复“取消”。"
PREVIEW_TEXT = 60  # of the notice's text in the chat's preview: enough to see what goes out, short of 2048 bytes


def ask_confirm(planned: Plan) -> str:
    """The chat's preview with the start of the text residents will read, then how to confirm."""
    text = planned.request.text
    shown = text if len(text) <= PREVIEW_TEXT else f"{text[:PREVIEW_TEXT]}…（共 {len(text)} 字）"
    return ASK_CONFIRM.format(preview=preview(planned), text=shown)
SENT = "通知 {number} 已排入发送。回复“通知进度 {number}”查看进度。"
CANCELLED = "已放弃这条通知，什么也没有发出。"
NO_DRAFT = ("没有等待确认的通知草稿：已确认的通知不会重复发送；预览后发了别的消息或 30 分钟没有确认的草稿已放弃，没有发出。"
            "要发通知请发送“通知 范围 内容”，查看进度请回复“通知进度 编号”。")
NOTICE_USAGE = ("发通知请先写范围，再空一格写内容，如：通知 幸福里社区/第一网格 明天上午停水。"
                "范围写法：全部、社区、小区、社区/网格、社区/网格/小区/楼栋。只发给工作人员的，把“通知”换成“工作通知”；停水停电等紧急通知用“紧急通知”。")
NOT_CONFIRMED = "请回复“确认 发送”发出通知，或回复“取消”放弃。"
NOT_ALLOWED = "只有社区或街道的操作员（本社区或街道）和网格长（本网格）可以发通知。"
PROGRESS_NOT_ALLOWED = "通知进度只有社区或街道的操作员和网格长可以查看。"
CANCEL_NOT_ALLOWED = "撤销通知只有社区或街道的操作员和网格长可以使用。"
STOPPED = "通知 {number} 已撤销：还没发出的 {count} 人不会再收到。"
STOPPED_UNDER_WAY = "正在交给微信的 {count} 人这一批会发完。"
# WeChat keeps what it was handed: a text mass send or a template message cannot be called back from the phones.
STOPPED_SENT = "已经发出的 {sent} 人已收到，微信上的消息无法收回；内容有误请另发一条以“更正：”开头的通知。"
ALREADY_STOPPED = "通知 {number} 已于 {at} 撤销过{by}，这次没有改动。"
ALL_SENT = ("通知 {number} 已全部交给微信，不能再撤销：已发出的消息无法收回。内容有误请另发一条更正通知"
            "（同样的范围，内容以“更正：”开头写明正确的内容）。")
NOT_YOURS = "这个范围超出了您能发通知的范围（网格长：本网格；社区操作员：本社区；街道操作员：本街道）。"
UNKNOWN_NOTICE = "没有找到通知 {number}。"
WITHDRAWN = "通知 {number} 已撤回，请以社区之后发布的通知为准。"
OPTED_OUT = "已退订一般通知。停水停电等紧急通知仍会发给您。想重新接收，回复“订阅通知”。"
STAFF_CANNOT_OPT_OUT = "您是工作人员（或楼长），通知是工作安排，会照常发给您，不能退订。"
ALREADY_OPTED_OUT = "您已退订一般通知。想重新接收，回复“订阅通知”。"
OPTED_IN = "已重新订阅通知。"
ALREADY_OPTED_IN = "您正在接收通知，无需重新订阅。"
RELAYED = "已记下：通知 {number} 已由您转达给不用微信的邻居，谢谢！"
ALREADY_RELAYED = "通知 {number} 您已经确认过转达了。"
RELAY_WHICH = "最近一周没有等您转达的通知。转达了哪一条，请按这个格式发送：已转达 通知编号（编号在通知末尾，如 N2612060001）。"
NOT_FOR_YOU = "通知 {number} 没有发给您，无需确认转达。"
RELAY_TOO_LATE = "通知 {number} 已经结束很久，不再登记转达。"
NOT_FOR_NEIGHBOURS = "通知 {number} 只发给工作人员，不用转告邻居。"
# A notice all handed to WeChat cannot be withdrawn: only one still waiting can; a wrong one sent is corrected.
REPEAT_THEN = "那条还有待发的部分时可以先撤销再发；已经发出的内容有误，请另发一条以“更正：”开头的通知。"
REFUSALS = {
    "empty_text": "通知内容不能为空。",
    "empty_scope": "请填写范围：街道、社区、小区、网格或楼栋；发给所有人请写“全部”。",
    "text_too_long": "通知内容太长（{length} 字），请控制在 {limit} 字以内。",
    "bad_kind": "紧急通知的类别只能是 {kinds}。",
    "past_time": "发送时间已经过去了，请填写以后的时间。",
    "far_time": "发送时间最多只能定在 {days} 天以后（到时候住户和人员可能已经变了），请填写 {days} 天以内的时间，什么也没有保存。",
    "no_recipients": "这个范围没有可以发送的人（{skipped}）。",
    "over_quota": "微信接口配额不够：{days} 天内发不完，请缩小范围。",
    "repeat": "同样范围、同样内容的通知 {number} 已在 {at:%H:%M} 发出或排入发送，两小时内不重复发送。"
              + REPEAT_THEN,
    "covered": "同样内容的通知 {number} 已在 {at:%H:%M} 发给（或排入发送给）这个范围里的所有人，两小时内不重复发送。"
               + REPEAT_THEN,
}
UNKNOWN_PLACE = "范围里的“{name}”没有找到。可选：{candidates}"
AMBIGUOUS_PLACE = "范围里的“{name}”不止一个，请写全：{candidates}"
UNKNOWN_PLACE_ANYWHERE = "范围里的“{name}”没有找到。范围的写法：{forms}。"
PLACE_FORMS = "全部、社区、小区、社区/网格、社区/网格/小区/楼栋"


def refusal(refused: NoticeRefused) -> str:
    """One line for a notice the planner refused (the console's; the chat and the CLI word theirs alike)."""
    detail = dict(refused.detail)
    if refused.reason == "no_recipients":
        detail["skipped"] = skipped_line(detail.get("skipped") or {})  # type: ignore[arg-type]
    return REFUSALS[refused.reason].format(**detail)


def unclear_place(unclear: UnclearPlace) -> str:
    """One line for a scope part that names no place, or several."""
    if not unclear.candidates:  # nothing to choose from: how a scope is written
        return UNKNOWN_PLACE_ANYWHERE.format(name=unclear.name, forms=PLACE_FORMS)
    wording = AMBIGUOUS_PLACE if isinstance(unclear, AmbiguousPlace) else UNKNOWN_PLACE
    return wording.format(name=unclear.name, candidates="、".join(unclear.candidates))


# --- the public page /n/<number> (HTML, values escaped by the view) ------------------------------------------------

PAGE = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" '
        'content="width=device-width"><title>{title}</title><style>body{{font-family:sans-serif;margin:1.2em;'
        'line-height:1.6}}.text{{white-space:pre-wrap;font-size:1.1em}}.meta{{color:#666}}</style></head><body>'
        '<h1>{title}</h1><p class="meta">{at} · 编号 {number}</p><p class="text">{text}</p></body></html>')
PAGE_MISSING = ('<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" '
                'content="width=device-width"><title>没有这条通知</title><p>没有这条通知，或它还没有发出。</p></html>')
# Any other address of the server (a link cut short, /n/ without its number, a mistyped path).
PAGE_NOT_FOUND = ('<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" '
                  'content="width=device-width"><title>页面不存在</title><p>页面不存在，请检查链接是否完整。</p></html>')
PAGE_WITHDRAWN = ('<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" '
                  'content="width=device-width"><title>通知已撤回</title><p>{line}</p></html>')
PAGE_UNAVAILABLE = ('<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" '
                    'content="width=device-width"><title>暂时打不开</title><p>页面暂时打不开，几秒后会自动刷新。</p></html>')


def page_title(urgent: bool, kind: str | None) -> str:
    """The page's heading."""
    return f"紧急通知·{kind or '其他'}" if urgent else "通知"


def page_time(at: datetime) -> str:
    """When the notice went, Beijing time."""
    return at.astimezone(LOCAL_ZONE).strftime("%Y年%m月%d日 %H:%M")


def cancelled(shown: Progress, stopped: int) -> str:
    """撤销通知 done: how many will not get it, and how many had it already (not recalled)."""
    line = STOPPED.format(number=shown.number, count=stopped)
    if shown.pending:
        line += STOPPED_UNDER_WAY.format(count=shown.pending)
    if shown.sent:
        line += STOPPED_SENT.format(sent=shown.sent)
    return line


def already_cancelled(shown: Progress) -> str:
    """A second 撤销通知: when and by whom the first one stopped it."""
    by = f"（{shown.cancelled_by}）" if shown.cancelled_by else ""
    return ALREADY_STOPPED.format(number=shown.number, at=clock(shown.cancelled_at) if shown.cancelled_at else "之前",
                                    by=by)
