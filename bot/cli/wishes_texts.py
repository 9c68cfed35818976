"""What `gridbot wishes add|list|cancel` prints (微心愿 for volunteers to take)."""

from __future__ import annotations

from datetime import datetime

from bot.cli import appeals_texts

STATUS_NAMES = {"open": "待领取", "claimed": "已领取", "done": "已完成待确认", "confirmed": "已确认完成",
                "cancelled": "已取消"}
ADDED = "微心愿已发布（{place}）：志愿者发送“可领任务”即可看到，领单后由{who}跟进确认。"
GRID_CONFIRMS = "该网格的网格员"
COMMUNITY_CONFIRMS = "社区操作员"
EMPTY = "心愿内容是空的，没有发布。请用 --text 写明需要帮什么忙。"
TOO_LONG = "心愿内容最多 {limit} 字，现在有 {length} 字，没有发布。请精简后再发。"
SCOPE_FORMS = "社区、小区、社区/网格、社区/网格/小区 或 社区/网格/小区/楼栋"  # a wish lies within one community
SCOPE_TOO_WIDE = f"微心愿要落在一个社区里：--scope 请写{SCOPE_FORMS}。"
NONE = {False: "没有进行中的微心愿。", True: "还没有微心愿。"}
HEADER = {False: "进行中的微心愿 {n} 条：", True: "微心愿 {n} 条："}
NOT_FOUND = "没有编号为 {code} 的微心愿（编号形如 W2612020001）。"
CLOSED = "微心愿 {code} 已完成、已确认或已取消，不能再取消。"
CANCELLED = "微心愿 {code} 已取消。{told}"
TOLD_VOLUNTEER = "已领单的志愿者{name}会收到通知。"
TOLD_POSTER = "发布人{name}会收到通知。"
REFUSALS = {"empty": EMPTY, "scope": SCOPE_TOO_WIDE, "closed": CLOSED, "too_long": TOO_LONG}


def refusal(reason: str, code: str, limit: int, length: int) -> str:
    """Why a wish was not posted or cancelled."""
    return REFUSALS[reason].format(code=code, limit=limit, length=length)


def line(code: str, place: str, text: str, status: str, volunteer: str | None, created_at: datetime,
         now: datetime) -> str:
    """One wish of `gridbot wishes list`: number, place, status, who took it, when (with its year when another
    than `now`'s), its words."""
    taker = f"，领单：{volunteer}" if volunteer else ""
    when = appeals_texts.local(created_at, now=now)
    return f"{code}｜{place}｜{STATUS_NAMES.get(status, status)}{taker}｜{when}\n  {text}"
