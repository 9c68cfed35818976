"""Wording of `gridbot notice …` (the preview's lines are shared with the chat: handlers/notice_texts.py)."""

from __future__ import annotations

from datetime import datetime

from handlers.notice_texts import AUDIENCE_NAMES, CHANNEL_NAMES, REFUSALS, STATE_NAMES, scheduled_line, skipped_line
from storage.notice_planning import NoticeRefused
from storage.notice_records import Progress
from storage.staff import UnclearPlace
from storage.tickets import LOCAL_ZONE

PLACE_KINDS = {"street": "街道", "community": "社区", "grid": "网格", "compound": "小区", "building": "楼栋",
               "place": "街道、社区、网格或小区"}
BAD_AT = "发送时间“{value}”看不懂，请写成 YYYY-MM-DD HH:MM（北京时间），例如 2026-12-05 09:00。"
CONFIRM = "确认发送这条通知吗？"
NOT_CONFIRMED = "没有发送，什么也没有保存。"
NEEDS_YES = "没有终端可以确认：请先看过预览（不加 --yes 在终端里运行），确认无误后加 --yes 发送。什么也没有保存。"
STORED = "通知 {number} 已保存，worker 会按计划发送。查看进度：gridbot notice status {number} --watch"
PREVIEW_HEADING = "通知预览："
UNKNOWN_NOTICE = "没有编号为 {number} 的通知。用 gridbot notice list 查看已有的通知。"
# A notice all handed to WeChat: text mass sends and template messages cannot be deleted (mass/delete takes only
# articles and videos), so what is left to a clerk is a correction.
ALREADY_SENT = ("通知 {number} 已全部交给微信，不能再撤销：已发出的消息无法收回。内容有误请另发一条更正通知"
                "（同样的范围，内容以“更正：”开头写明正确的内容）。")
CANCELLED = "通知 {number} 已撤销：{count} 人不会再收到。"
# WeChat keeps what it was handed: a text mass send or a template message cannot be called back from the phones.
CANCELLED_SENT = ("已经发出的 {sent} 人已收到，微信上的消息无法收回；内容有误请另发一条更正通知"
                  "（同样的范围，内容以“更正：”开头写明正确的内容）。")
CANCELLED_UNDER_WAY = "正在交给微信的 {count} 人这一批会发完。"
ALREADY_CANCELLED = "通知 {number} 已于 {at}（北京时间）撤销过{by}，这次没有改动。"
CANCELLED_LINE = "撤销：{at}（北京时间）{by}"
CANCELLED_BY = "，撤销人：{who}"
NO_NOTICES = "还没有通知。"
NO_NOTICES_DATED = "这段时间没有创建过通知。"
BAD_DAY = "{option} 的日期请写成 YYYY-MM-DD，如 2026-12-01；收到“{text}”。"
NO_SUCH_DAY = "日历上没有 {text} 这一天，请核对 {option} 的日期。"
DAYS_BACKWARDS = "--until（{last}）不能早于 --since（{first}）。"
KIND_NEEDS_URGENT = "--kind {kind} 是紧急通知的类别：紧急通知请同时加 --urgent，一般通知不用写 --kind。什么也没有保存。"
WAITING_QUOTA = "微信当日接口配额已用完（45009），剩余部分明天继续发送（一般通知早上 8 点起，紧急通知 0 点起）。"
BAR_WIDTH = 30
AUTHOR_LOGIN = "命令行 {login}"  # a notice sent with gridbot notice send: the server login that ran it


def refusal(error: NoticeRefused) -> str:
    """One Chinese line for a request the planner refused."""
    detail = dict(error.detail)
    if error.reason == "no_recipients":
        detail["skipped"] = skipped_line(detail.get("skipped") or {})  # type: ignore[arg-type]
    return REFUSALS[error.reason].format(**detail)


SCOPE_FORMS = "全部、街道、社区、小区、社区/网格、社区/网格/小区/楼栋"


def unclear_place(error: UnclearPlace, forms: str = SCOPE_FORMS) -> str:
    """The scope part that names nothing (or several), with what may have been meant and how a scope is written
    (`forms`: the command's own, when it takes fewer than a notice)."""
    kind = PLACE_KINDS.get(error.kind, "")
    line = f"范围里的{kind}“{error.name}”" + ("不止一个" if type(error).__name__ == "AmbiguousPlace" else "没有找到")
    if error.candidates:
        line += "，可选：" + "、".join(error.candidates)
    return line + f"。范围写法：{forms}。"


def status_lines(shown: Progress) -> list[str]:
    """`gridbot notice status` without --json."""
    lines = [f"通知 {shown.number}：{STATE_NAMES.get(shown.state, shown.state)}，{shown.percent}%",
             f"范围：{shown.scope}（{AUDIENCE_NAMES.get(shown.audience, shown.audience)}）"
             f"{'，紧急：' + (shown.kind or '') if shown.urgent else ''}",
             f"共 {shown.recipients} 人：已发 {shown.sent}，被微信过滤 {shown.filtered}，失败 {shown.failed}，"
             f"未发送 {shown.skipped}，待发 {shown.pending}"
             + (f"（未发送：{skipped_line(shown.skipped_why)}）" if shown.skipped_why else ""),
             "按渠道：" + ("，".join(f"{CHANNEL_NAMES.get(name, name)} 已发 {counts['sent']} 失败 {counts['failed']}"
                                    for name, counts in shown.by_channel.items() if counts["sent"] or counts["failed"])
                          or "还没有发出")]
    if shown.state == "scheduled":
        lines.append(scheduled_line(shown.send_at, shown.next_due))
    if shown.author or shown.author_login:
        lines.append(f"发布人：{shown.author or AUTHOR_LOGIN.format(login=shown.author_login)}")
    if shown.cancelled_at is not None:
        lines.append(CANCELLED_LINE.format(at=f"{shown.cancelled_at.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}",
                                           by=canceller(shown)))
    if shown.confirmed_by_building_leads:
        lines.append(f"楼长已转达：{shown.confirmed_by_building_leads}")
    if shown.waiting_reason:
        lines.append(WAITING_QUOTA)
    return lines


def bar(shown: Progress) -> str:
    """A one-line progress bar for --watch."""
    filled = shown.percent * BAR_WIDTH // 100
    return (f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {shown.percent:3d}%  已发 {shown.sent} / "
            f"{shown.recipients}  失败 {shown.failed}  {STATE_NAMES.get(shown.state, shown.state)}")


def list_line(shown: Progress) -> str:
    """One notice in `gridbot notice list`."""
    text = shown.text if len(shown.text) <= 24 else shown.text[:23] + "…"
    return (f"{shown.number}  {STATE_NAMES.get(shown.state, shown.state)} {shown.percent:3d}%  "
            f"{shown.scope}  {shown.recipients} 人  {text}")


def more_before(limit: int, oldest: datetime) -> str:
    """Under the latest notices when there are older ones: how to list those."""
    day = oldest.astimezone(LOCAL_ZONE).date().isoformat()
    return (f"只列出了最近 {limit} 条。更早的通知：gridbot notice list --until {day}"
            f"（列出 {day} 及以前创建的，这一天的会再列一次；加 --since 日期 只看一段时间）")


def more_in_period(limit: int) -> str:
    """Under a period's notices when it holds more than are listed."""
    return f"这段时间的通知超过 {limit} 条，只列出了最近的 {limit} 条：请用 --since 和 --until 缩短时间段。"


def canceller(shown: Progress) -> str:
    """"，撤销人：…" for a notice cancelled by a console account or at the command line; "" when nobody was kept."""
    who = shown.cancelled_by or (AUTHOR_LOGIN.format(login=shown.cancelled_by_login) if shown.cancelled_by_login
                                 else "")
    return CANCELLED_BY.format(who=who) if who else ""


def cancelled(shown: Progress, stopped: int) -> str:
    """What `gridbot notice cancel` did: how many will not get it, and how many had it already (not recalled)."""
    line = CANCELLED.format(number=shown.number, count=stopped)
    if shown.pending:
        line += CANCELLED_UNDER_WAY.format(count=shown.pending)
    if shown.sent:
        line += CANCELLED_SENT.format(sent=shown.sent)
    return line


def already_cancelled(shown: Progress) -> str:
    """A second `gridbot notice cancel`: when and by whom the first one stopped it."""
    at = shown.cancelled_at.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M") if shown.cancelled_at else "之前"
    return ALREADY_CANCELLED.format(number=shown.number, at=at, by=canceller(shown))
