"""How every surface writes one line of the points ledger (积分): 我的积分 in the chat (the community's own people
and grid staff) and `gridbot points show` at the command line — the rule's label, a reversal and why, the amount
with its sign, what it was for; and what a rule is worth where (我的积分, the report's rules of a street)."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from storage.points_grants import Reason
from storage.points_rules import Rule
from storage.points_view import Line, label
from storage.tickets import LOCAL_ZONE

# Why the lifecycle took points back (storage.points_grants.Reason); an operator's reversal says its own 说明.
REASONS: dict[str, str] = {Reason.REOPENED: "居民不满意，重新办理", Reason.REJECTED: "代报的问题不受理"}
REVERSAL = "撤销「{label}」"
WHY = "（{why}）"
FOR = "，{what}"  # the ticket, notice number or 微心愿 code
LINE = "{day} {title} {amount}{what}{why}"
TERM = "{label} {points} 分"  # what one rule is worth: 领单任务完成 +5 分（每月至多 100 分）
TERM_CAP = "（每月至多 {cap} 分）"
TERM_OFF = "{label} 不记分"
TERMS_JOIN = "、"


def amount(points: int) -> str:
    """+5 / -2 / 0."""
    return f"{points:+d}" if points else "0"


def title(line: Line) -> str:
    """The rule's label; a reversal's "撤销「label」"."""
    return REVERSAL.format(label=label(line.rule)) if line.reversal else label(line.rule)


def why(line: Line) -> str:
    """Why points were taken back or spent: the lifecycle's reason, or the operator's 说明."""
    if not line.note:
        return ""
    return WHY.format(why=REASONS.get(line.note, line.note))


def written(line: Line, now: datetime | None = None) -> str:
    """12月3日 办结诉求 +2，G2612030001 — one entry as the chat shows it; one of another year than `now`'s says its
    year (2025年12月3日), or a year-old entry reads as this month's."""
    day = line.at.astimezone(LOCAL_ZONE)
    year = f"{day.year}年" if now is not None and now.astimezone(LOCAL_ZONE).year != day.year else ""
    return LINE.format(day=f"{year}{day.month}月{day.day}日", title=title(line), amount=amount(line.amount),
                       what=FOR.format(what=line.what) if line.what else "", why=why(line))


def terms(rules: Iterable[Rule], off_too: bool = False) -> str:
    """领单任务完成 +5 分（每月至多 100 分）、转达通知 +1 分… — what each rule is worth; a rule that is off (0 points)
    says so with `off_too`, else is left out."""
    return TERMS_JOIN.join(TERM_OFF.format(label=rule.label) if not rule.points
                           else TERM.format(label=rule.label, points=amount(rule.points))
                           + (TERM_CAP.format(cap=rule.monthly_cap) if rule.monthly_cap else "")
                           for rule in rules if rule.points or off_too)
