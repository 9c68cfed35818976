"""Writing the month's figures (storage/monthly_report.py) to a workbook: 网格, 网格员 and 说明 sheets.

Rates are numbers with a percent format (综合成绩 a number of points), so Excel sorts and charts them; a rate
over nothing (no appeals to count) is a blank cell, not 0%.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from bot.sheets.excel_text import append_as_text
from handlers.rate_words import LEFT, NOBODY
from storage.monthly_report import Line, Report
from storage.rates import LOCAL_ZONE

COUNTS = (
    ("收到", "received"), ("派发", "dispatched"), ("响应及时", "responded"), ("办结", "resolved"),
    ("按期办结", "resolved_on_time"), ("办结过", "ever_resolved"), ("重办", "reopened"), ("退回", "returned"),
    ("超期", "overdue"), ("满意", "satisfied"), ("基本满意", "basic"), ("不满意", "unsatisfied"), ("已评价", "rated"),
    ("不受理", "rejected"), ("紧急", "emergencies"),
)
RATES = (
    ("响应率", "response"), ("解决率", "resolve"), ("满意率", "satisfaction"), ("评价率", "rating"),
    ("综合成绩", "score"), ("按期办结率", "on_time"), ("重办率", "redo"), ("回退率", "returned"),
)
SCORE = "综合成绩"  # 0–100, not a percentage
TOTAL = "合计"
EVERYWHERE = "全部街道"  # no --scope
# Excel rounds what it shows: 0.9995 would read 100.0% and 99.96 read 100.0, as perfect as a perfect unit (the
# tables' rule, handlers/rate_words.py). A value short of full shows at most 99.9.
PERCENT = '[>=1]0.0%;[>=0.9995]"99.9%";0.0%'
POINTS = '[>=100]0.0;[>=99.95]"99.9";0.0'
MIN_WIDTH = 9  # a figure's column: 100.0% and 88.2 fit
# The same definitions as README's 三率 and 月报 sections and storage/rates.py.
DEFINITIONS = (
    ("统计范围", "范围：{where}。{start} 至 {end}（北京时间）提交、{as_of} 时所属网格在这个范围内的诉求（之后才改派或随楼栋划到别的网格的，仍按那时的网格计入）；居民撤销的、不受理的、并入其他诉求的（合并）"
              "不计入比率（合并的只按它并入的那件算一次；办结过之后才撤销、不受理或合并的仍然计入）；常见问题的自动答复不是诉求。办结、评价按 {as_of} 时的记录计算"
              "（报表生成于 {made}；那时还在办、之后才撤销、不受理或合并的，仍按那时计入；那时已合并、之后才拆分的，仍不计入）。"),
    ("收到", "统计范围内提交的诉求件数（并入其他诉求的不计）。"),
    ("派发", "收到的诉求中已派发给网格或部门的，不含居民撤销和不受理的（办结过之后才撤销、不受理或合并的除外）。三率的分母。"),
    ("响应及时", "派发的诉求中，第一次接单不晚于接单时限（紧急诉求按分钟计；挂起只在接单之后，不影响接单时限；"
             "原时限已过或已有人接过单后才改派、转办或拆分的，仍按原时限）。统计截止前提交、截止后仍在时限内接单的也算："
             "这样的诉求接单后，本表之后再生成时响应及时会多一件。"),
    ("办结", "派发的诉求中，统计截止时已办结（或已评价完结）、此后没有被重新打开的；居民不满意、重新办理且截止时还没"
           "再次办结的不算。"),
    ("按期办结", "办结的诉求中，办结不晚于办结时限的（挂起期间不计时，恢复后时限顺延）。"),
    ("办结过 / 重办", "截止时至少办结过一次的 / 其中被居民不满意重新打开过的。"),
    ("退回", "派发的诉求中被网格或部门退回过的。"),
    ("超期", "派发的诉求中，接单或办结晚于时限，或截止时仍未办结已过时限的（截止时挂起中的除外；截止后才挂起的仍算）。"),
    ("满意 / 基本满意 / 不满意", "截止时居民最近一次评价。已评价 = 三者之和。"),
    ("不受理、紧急", "收到的诉求中不受理的（办结过之后才不受理的计入派发，不在这里）、识别为紧急的。"),
    ("响应率", "响应及时 ÷ 派发。"),
    ("解决率", "办结 ÷ 派发。"),
    ("满意率", "（满意 + {credit} × 基本满意）÷ 已评价；不满意计 0，未评价的不在分母里。"),
    ("评价率", "已评价 ÷ 办结过。"),
    ("综合成绩", "100 ×（{response} × 响应率 + {resolve} × 解决率 + {satisfaction} × 满意率）；三率有一项为空时为空。"),
    ("按期办结率、重办率、回退率", "按期办结 ÷ 派发、重办 ÷ 办结过、退回 ÷ 派发。"),
    ("空白的比率", "分母为 0（例如本月没有诉求），不是 0%，不参与排名。"),
    ("合计", "各行件数相加后再算比率，不是各行比率的平均。"),
    ("网格员", "每件诉求算在最后一次办结它的工作人员名下；未办结的算在 {as_of} 时的接单人名下（之后才改派、退回、"
            "被别人接单或因承办人离开交回网格的，仍按那时的接单人计入）；那时无人接单的算在“（无人接单）”一行，"
            "之后按时接单的除外（算在接单人名下，和响应及时一样）。每件诉求只算在一个人或“（无人接单）”名下，"
            "所以这张表的合计与网格表的合计相同。"),
)


def write_report(report: Report, path: Path, where: str | None = None) -> None:
    """Write the report to `path` (.xlsx), replacing the file; `where` names its scope as the operator gave it
    (None: everywhere), so that a workbook passed on says whose 合计 it is."""
    book = Workbook()
    grids = book.active
    assert grids is not None
    grids.title = "网格"
    _table(grids, ("网格",), [(line.label,) for line in report.grids], report.grids, report.total)
    members = book.create_sheet("网格员")
    people = [*report.members, *([report.unclaimed] if report.unclaimed else [])]
    names = [(line.label + LEFT if line.left else line.label, line.grid) for line in report.members]
    # Nobody's row and the same 合计 as the 网格 sheet's: the district adds the people up and must find the grids' sum.
    _table(members, ("姓名", "网格或单位"), names + ([(NOBODY, "")] if report.unclaimed else []), people,
           report.total)
    _definitions(book.create_sheet("说明"), report, where or EVERYWHERE)
    book.save(path)


def _table(sheet: Worksheet, keys: tuple[str, ...], labels: list[tuple[str, ...]], rows: list[Line],
           total: Line | None) -> None:
    sheet.append([*keys, *(name for name, _ in COUNTS), *(name for name, _ in RATES)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for label, line in zip(labels, rows, strict=True):
        _row(sheet, label, line)
    if total is not None:
        _row(sheet, (TOTAL,) + ("",) * (len(keys) - 1), total)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=2, column=len(keys) + 1)
    sheet.column_dimensions["A"].width = 24
    if len(keys) > 1:
        sheet.column_dimensions["B"].width = 24
    for cell in sheet[1][len(keys):]:
        # Excel's default column is about eight Latin characters: 按期办结率 would be cut to 按期办结.
        sheet.column_dimensions[cell.column_letter].width = max(MIN_WIDTH, _shown_width(cell.value) + 2)


def _shown_width(words: str) -> int:
    """How many Latin characters' width `words` take in a cell: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in words)


def _row(sheet: Worksheet, label: tuple[str, ...], line: Line) -> None:
    append_as_text(sheet, [*label, *(getattr(line.counts, field) for _, field in COUNTS),
                           *(getattr(line.rates, field) for _, field in RATES)])
    for (name, _), cell in zip(RATES, sheet[sheet.max_row][len(label) + len(COUNTS):], strict=True):
        cell.number_format = POINTS if name == SCORE else PERCENT


def _definitions(sheet: Worksheet, report: Report, where: str) -> None:
    start, end = report.period.start.astimezone(LOCAL_ZONE), report.period.end.astimezone(LOCAL_ZONE)
    weights = report.weights
    facts = {"where": where, "start": f"{start:%Y-%m-%d %H:%M}", "end": f"{end:%Y-%m-%d %H:%M}",
             "as_of": f"{report.as_of.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}",
             "made": f"{report.made_at.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}",
             "credit": f"{weights.basic_credit:g}", "response": f"{weights.response:g}",
             "resolve": f"{weights.resolve:g}", "satisfaction": f"{weights.satisfaction:g}"}
    sheet.append(["指标", "定义"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for name, text in DEFINITIONS:
        sheet.append([name, text.format(**facts)])
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 110

