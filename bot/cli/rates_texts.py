"""What `gridbot rates` says to the operator, in one place: the table's wording and the refusals."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING

from bot.day_words import not_on_the_calendar, read_day
from handlers.rate_words import NONE, TOTAL, UNIT_NAMES, change, label, percent, points  # noqa: F401 (the table's words)
from storage import duty
from storage.tickets import LOCAL_ZONE

if TYPE_CHECKING:
    from storage.rates import Period, Ranking, Row


BOTH_DATES = "--from 和 --to 要一起给出（都不给就是本月）。"
BAD_DATE = "日期请写成 YYYY-MM-DD，如 2026-12-01；收到“{text}”。"
NO_SUCH_DAY = "日历上没有 {text} 这一天，请核对日期。"
BACKWARDS = "--to（{last}）不能早于 --from（{first}）。"
NOT_YET = "--from（{first}）还没到（今天是 {today}），这段时间还没有诉求可算。"
DATABASE_FAILED = "读取数据库失败（{reason}），请稍后再试。"

HEADING = ("{first} 至 {last}（北京时间）{where}提交的诉求，按{unit}，办结和评价截至 {as_of}；"
           "较上期：与 {before_first} 至 {before_last} 相比综合成绩的变化。")
# 已评价 beside 满意率: a 100 % over one rating must read as one, not as a unit's whole month.
COLUMNS = ("排名", "{unit}", "派发", "响应率", "解决率", "满意率", "已评价", "评价率", "综合成绩", "较上期", "按期办结率",
           "重办率", "回退率")
FOOTNOTE = ("满意率 =（满意 + {credit} × 基本满意）÷ 已评价；综合成绩 = 100 ×（{response} × 响应率 + {resolve} × 解决率 + "
            "{satisfaction} × 满意率）。“—”：分母为 0，不参与排名。定义见 README“三率”。")
EMPTY = "这段时间在范围内没有单位可列。"


WHERE = "{place}范围内"


def heading(ranking: Ranking, place: str | None = None) -> str:
    """The period, the unit and (`place`: the --scope asked for) where, as of when."""
    period, before = ranking.period, ranking.previous_period
    as_of = f"{ranking.as_of.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}"
    return HEADING.format(first=period.first_day, last=period.last_day, unit=UNIT_NAMES[ranking.unit], as_of=as_of,
                          before_first=before.first_day, before_last=before.last_day,
                          where=WHERE.format(place=place) if place else "")


def table(ranking: Ranking, place: str | None = None) -> list[str]:
    """The ranking as aligned lines: heading (`place`: the --scope asked for), column names, one line per unit, the
    pooled total, the footnote."""
    if not ranking.rows:
        return [heading(ranking, place), EMPTY]
    header = [column.format(unit=UNIT_NAMES[ranking.unit]) for column in COLUMNS]
    body = [_cells(str(row.rank) if row.rank is not None else NONE, label(row), row) for row in ranking.rows]
    body.append(_cells("", TOTAL, ranking.total))
    widths = [max(_width(line[column]) for line in (header, *body)) for column in range(len(header))]
    weights = ranking.weights
    return [heading(ranking, place), *(_aligned(line, widths) for line in (header, *body)),
            FOOTNOTE.format(credit=f"{weights.basic_credit:g}", response=f"{weights.response:g}",
                            resolve=f"{weights.resolve:g}", satisfaction=f"{weights.satisfaction:g}")]


def _cells(rank: str, name: str, row: Row) -> list[str]:
    rates = row.rates
    return [rank, name, str(row.counts.dispatched), percent(rates.response), percent(rates.resolve),
            percent(rates.satisfaction), str(row.counts.rated), percent(rates.rating), points(rates.score),
            change(rates, row.previous),
            percent(rates.on_time), percent(rates.redo), percent(rates.returned)]


def _width(text: str) -> int:
    """Columns a terminal gives the text: two for each wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _aligned(cells: list[str], widths: list[int]) -> str:
    # The name column is left-aligned, the figures right-aligned.
    padded = [cell + " " * (width - _width(cell)) if column == 1 else " " * (width - _width(cell)) + cell
              for column, (cell, width) in enumerate(zip(cells, widths, strict=True))]
    return "  ".join(padded).rstrip()


def period_of(first: str | None, last: str | None, now: datetime) -> Period | str:
    """The period the options name (both or neither: this month in Beijing time), or the refusal to print."""
    from storage.rates import Period

    if first is None and last is None:
        return Period.month_of(now)
    if first is None or last is None:
        return BOTH_DATES
    days = []
    for text in (first, last):
        day = read_day(text.strip())
        if day is None:
            return (NO_SUCH_DAY if not_on_the_calendar(text.strip()) else BAD_DATE).format(text=text.strip())
        days.append(day)
    if days[1] < days[0]:
        return BACKWARDS.format(first=first, last=last)
    period = Period.days(days[0], days[1])
    if period.start > now:
        return NOT_YET.format(first=days[0].isoformat(), today=duty.today(now).isoformat())
    return period
