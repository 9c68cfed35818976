"""What `gridbot summary` says to the operator, in one place: one line per person, the tally and the refusals.

The summaries themselves are worded for their readers in handlers/summary_texts.py; a dry run prints them so.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from bot.day_words import not_on_the_calendar, read_day
from storage.privacy import mask

if TYPE_CHECKING:
    from storage.daily_summary import Planned

BAD_DATE = "日期请写成 YYYY-MM-DD，如 2026-12-03；收到“{text}”。"
NO_SUCH_DAY = "日历上没有 {text} 这一天，请核对日期。"
FUTURE_DATE = "{day} 还没到：只能发今天或以前的简报（今天是 {today}）。"
DATABASE_FAILED = "读取或写入数据库失败（{reason}），没有发送简报，请稍后再试。"
NOBODY = "没有要收简报的人：网格长和操作员认证（绑定微信）后才能收到。"
ROLES = {"grid_leader": "网格长", "operator": "操作员"}
PERSON = "{name}（{role}，{openid}）· {area}：{outcome}"
# storage.daily_summary.Outcome, as a dry run and a real run say it
OUTCOMES = {
    True: {"written": "将发送", "already": "今天已发过，不再发送", "quiet": "休息日且无超期，不发送"},
    False: {"written": "已写入发件箱", "already": "今天已发过，未重发", "quiet": "休息日且无超期，未发送"},
}
TALLY = "{day} 的简报共 {people} 人：{written} {w} 人，已发过 {a} 人，不发送 {q} 人。"
DRY_RUN_NOTE = "（试运行：什么都没有写入。）"
SENT_NOTE = "worker 运行时会马上送出（先发客服消息，对方 48 小时内没找过公众号则改发模板消息）。"
NOTHING_WRITTEN_NOTE = "这次没有新写入的简报。"
INDENT = "    "


def day_of(text: str | None, today: date) -> date | str:
    """The morning --date names (none: today), or the refusal to print."""
    if text is None:
        return today
    day = read_day(text.strip())
    if day is None:
        return (NO_SUCH_DAY if not_on_the_calendar(text.strip()) else BAD_DATE).format(text=text.strip())
    if day > today:
        return FUTURE_DATE.format(day=day, today=today)
    return day


def report(planned: list[Planned], day: date, dry_run: bool, worded: dict[int, str]) -> list[str]:
    """One line per person (name, role, masked openid, what happened), under it in a dry run the text they
    would read (`worded`, by staff id), then the tally."""
    if not planned:
        return [NOBODY]
    lines = []
    for item in planned:
        person = item.recipient
        lines.append(PERSON.format(name=person.name, role=ROLES.get(person.role, person.role),
                                   openid=mask(person.openid), area=person.area,
                                   outcome=OUTCOMES[dry_run][item.outcome]))
        if dry_run and person.staff_id in worded:
            lines.extend(INDENT + line for line in worded[person.staff_id].splitlines())
    count = {outcome: sum(1 for item in planned if item.outcome == outcome) for outcome in OUTCOMES[dry_run]}
    lines.append(TALLY.format(day=day, people=len(planned), written=OUTCOMES[dry_run]["written"],
                              w=count["written"], a=count["already"], q=count["quiet"]))
    lines.append(DRY_RUN_NOTE if dry_run else SENT_NOTE if count["written"] else NOTHING_WRITTEN_NOTE)
    return lines
