"""Every sentence staff read from the bot, in one place; outbox rows name these templates (see notifications)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from handlers.resident_texts import clock


def _new_appeal(params: dict[str, Any]) -> str:
    due = params.get("resolve_due_at")
    deadline = f"\n办结时限：{clock(datetime.fromisoformat(due))}前" if due else ""
    home = params.get("home") or "（未填写楼栋）"
    return (
        f"【新诉求】{params['ticket']}\n"
        f"类别：{params['category']}\n"
        f"地址：{params['grid']} {home}\n"
        f"内容：{params['content']}"
        f"{deadline}"
    )


TEMPLATES: dict[str, Callable[[dict[str, Any]], str]] = {
    "staff_new_appeal": _new_appeal,
}

