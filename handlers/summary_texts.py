"""每日简报 as its readers see it (storage/daily_summary.py): a 网格长 or an operator, on a phone, in the morning.

Short on purpose: the figures first, the overdue appeals by name (most late first), the month's three rates,
and how to look further. handlers/staff_texts.py registers the two wordings in its notice tables.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from handlers.rate_words import percent
from handlers.resident_texts import Fields
from storage.notices import StaffDailySummary
from storage.tickets import LOCAL_ZONE

WEEKDAYS = "一二三四五六日"
HEADER = "【每日简报】{day}（周{weekday}）{area}"
FILED = "{days}：新诉求 {new} 件，接单 {accepted} 件，办结 {resolved} 件{reopened}。"
REOPENED = "，不满意重办 {count} 件"
BACKLOG = "在办 {backlog} 件，其中超期 {overdue} 件："
BACKLOG_ON_TIME = "在办 {backlog} 件，无超期。"
LATE_LINE = "· {ticket} {category} {clock}，已超 {span}"
LATE_CLOCKS = {"response": "未接单", "resolve": "未办结", "returned": "退回未重新派发"}
LATE_MORE = "……另有 {count} 件超期，回复“超期”查看全部"
RATES = "{month}：响应率 {response}，解决率 {resolve}，满意率 {satisfaction}{rated}"
RATED = "（{count} 件评价）"  # a 100 % over one rating reads as one
THIS_MONTH = "本月累计"
WHOLE_MONTH = "{month}月全月"
LOOK_FURTHER = "回复“查询 编号”查看详情。"
# An operator's, from November while the holiday calendar lacks the next year (storage/daily_summary.py).
HOLIDAYS_MISSING = ("提醒：节假日表里还没有 {year} 年的放假安排，按工作日计算的时限会把那年的节假日当作工作日。"
                    "国务院通知发布后，请联系系统管理员按通知加入（GRIDBOT_HOLIDAYS 指向的文件，步骤见 docs/deploy.md“节假日”）。")
QUIET = "{days}无新诉求，目前无超期{backlog}。"
QUIET_BACKLOG = "，在办 {backlog} 件"
YESTERDAY = "昨日"
SPAN_MINUTES, SPAN_HOURS, SPAN_DAYS = "{count}分钟", "{count}小时", "{count}天"
# Template lines (20 characters at most each): the figures without words around them.
TITLE_SHORT = "{day}每日简报"
FILED_SHORT = "新{new}·接单{accepted}·办结{resolved}"
BACKLOG_SHORT = "在办{backlog}·超期{overdue}"
RATES_SHORT = "响应{response}·解决{resolve}·满意{satisfaction}"
LATE_SHORT = "超期：{tickets}"


def summary(n: StaffDailySummary) -> str:
    """The customer-service text."""
    header = HEADER.format(day=_month_day(_local_day(n.until)), weekday=WEEKDAYS[_local_day(n.until).weekday()],
                           area=n.area)
    if n.quiet:
        backlog = QUIET_BACKLOG.format(backlog=n.backlog) if n.backlog else ""
        return "\n".join([header, QUIET.format(days=_days(n), backlog=backlog), *_reminders(n)])
    reopened = REOPENED.format(count=n.reopened) if n.reopened else ""
    lines = [header, FILED.format(days=_days(n), new=n.new, accepted=n.accepted, resolved=n.resolved,
                                  reopened=reopened)]
    if n.overdue:
        lines.append(BACKLOG.format(backlog=n.backlog, overdue=n.overdue))
        lines.extend(LATE_LINE.format(ticket=ticket, category=category, clock=LATE_CLOCKS.get(clock, ""),
                                      span=_span(minutes))
                     for ticket, category, clock, minutes in zip(n.late_tickets, n.late_categories, n.late_clocks,
                                                                 n.late_minutes, strict=True))
        if n.overdue > len(n.late_tickets):
            lines.append(LATE_MORE.format(count=n.overdue - len(n.late_tickets)))
    else:
        lines.append(BACKLOG_ON_TIME.format(backlog=n.backlog))
    rated = RATED.format(count=n.rated) if n.rated and n.satisfaction_rate is not None else ""
    lines.append(RATES.format(month=_month(n), response=percent(n.response_rate), resolve=percent(n.resolve_rate),
                              satisfaction=percent(n.satisfaction_rate), rated=rated))
    lines.append(LOOK_FURTHER)
    return "\n".join([*lines, *_reminders(n)])


def _reminders(n: StaffDailySummary) -> list[str]:
    return [HOLIDAYS_MISSING.format(year=n.holidays_missing)] if n.holidays_missing is not None else []


def summary_fields(n: StaffDailySummary) -> Fields:
    """A template message's lines: where, which morning, the figures, the rates; the overdue tickets in the remark."""
    rates = RATES_SHORT.format(response=percent(n.response_rate, 0), resolve=percent(n.resolve_rate, 0),
                               satisfaction=percent(n.satisfaction_rate, 0))
    remark = LATE_SHORT.format(tickets="、".join(n.late_tickets)) if n.late_tickets else LOOK_FURTHER
    return (n.area, TITLE_SHORT.format(day=_month_day(_local_day(n.until))),
            FILED_SHORT.format(new=n.new, accepted=n.accepted, resolved=n.resolved),
            BACKLOG_SHORT.format(backlog=n.backlog, overdue=n.overdue), rates), remark


def _local_day(at: datetime) -> date:
    return at.astimezone(LOCAL_ZONE).date()


def _month_day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _days(n: StaffDailySummary) -> str:
    """昨日, or the days reported on: 12月4日至6日, 9月30日至10月8日."""
    first, last = _local_day(n.since), _local_day(n.until) - timedelta(days=1)
    if first >= last:
        return YESTERDAY
    end = f"{last.day}日" if (first.year, first.month) == (last.year, last.month) else _month_day(last)
    return f"{_month_day(first)}至{end}"


def _month(n: StaffDailySummary) -> str:
    """The month the rates are of: the month of the last day reported on (on the 1st, the whole month before)."""
    last, today = _local_day(n.until) - timedelta(days=1), _local_day(n.until)
    return THIS_MONTH if (last.year, last.month) == (today.year, today.month) else WHOLE_MONTH.format(month=last.month)


def _span(minutes: int) -> str:
    minutes = max(1, minutes)
    if minutes < 60:
        return SPAN_MINUTES.format(count=minutes)
    if minutes < 48 * 60:
        return SPAN_HOURS.format(count=minutes // 60)
    return SPAN_DAYS.format(count=minutes // (24 * 60))
