"""Writing the month's figures (storage/rates.py) to a workbook: 网格, 网格员 and 说明 sheets.

Rates are numbers with a percent format, so Excel sorts and charts them; a rate over nothing (no appeals to
count) is a blank cell, not 0%.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from storage.rates import LOCAL_ZONE, Figures, Report

COUNTS = (
    ("收到", "received"), ("应办", "to_handle"), ("响应及时", "claimed_in_time"), ("办结", "resolved"),
    ("按时办结", "resolved_in_time"), ("超期", "overdue"), ("满意", "satisfied"), ("基本满意", "basic"),
    ("不满意", "unsatisfied"), ("已评价", "rated"), ("未评价", "unrated"), ("不受理", "rejected"), ("紧急", "emergencies"),
)
RATES = (
    ("响应率", "response_rate"), ("解决率", "resolve_rate"), ("按时办结率", "on_time_rate"),
    ("满意率", "satisfaction_rate"),
)
TOTAL = "合计"
PERCENT = "0.0%"
DEFINITIONS = (
    ("统计范围", "{start} 至 {end}（北京时间）提交、所属网格在范围内的诉求；并入其他诉求的（合并）不重复计算。"
              "数字截至报表生成时（{made}）：月内提交、月后办结的也算办结。"),
    ("收到", "统计范围内的诉求件数。"),
    ("应办", "收到的诉求中已派发给网格或部门的，减去不受理和居民撤销的。"),
    ("响应及时", "应办诉求中，第一次接单不晚于接单时限（紧急诉求按分钟计）。"),
    ("办结", "应办诉求中，报表生成时已办结或已评价完结的（居民不满意重新办理的不算）。"),
    ("按时办结", "办结诉求中，办结不晚于办结时限（挂起期间不计时，恢复后时限顺延）。"),
    ("超期", "应办诉求中，接单晚于接单时限、办结晚于办结时限，或报表生成时仍未办结且已过时限（挂起中的除外）。"),
    ("满意 / 基本满意 / 不满意", "诉求的最近一次评价（居民不满意、重新办理的，再次评价前仍计不满意）。已评价 = 三者之和。"),
    ("未评价", "办结诉求中居民还没有评价的。"),
    ("不受理", "收到的诉求中被判为不受理的。"),
    ("紧急", "收到的诉求中识别为紧急情况的。"),
    ("响应率", "响应及时 ÷ 应办。"),
    ("解决率", "办结 ÷ 应办。"),
    ("按时办结率", "按时办结 ÷ 应办。"),
    ("满意率", "（满意 + 基本满意）÷ 已评价；基本满意与满意同样计入（两者都让诉求完结）。"),
    ("空白的比率", "分母为 0（例如本月没有诉求），不是 0%，不参与排名。"),
    ("合计", "各行件数相加后再算比率，不是各行比率的平均。"),
    ("网格员", "每件诉求算在最后一次办结它的工作人员名下；未办结的算在当前接单人名下；无人接单的只算在网格。"),
)


def write_report(report: Report, path: Path) -> None:
    """Write the report to `path` (.xlsx), replacing the file."""
    book = Workbook()
    grids = book.active
    assert grids is not None
    grids.title = "网格"
    _table(grids, ("网格",), [(line.label,) for line in report.grids], [line.figures for line in report.grids],
           report.total)
    members = book.create_sheet("网格员")
    _table(members, ("姓名", "网格或单位"), [(line.label, line.grid) for line in report.members],
           [line.figures for line in report.members], None)
    _definitions(book.create_sheet("说明"), report)
    book.save(path)


def _table(sheet: Worksheet, keys: tuple[str, ...], labels: list[tuple[str, ...]], rows: list[Figures],
           total: Figures | None) -> None:
    sheet.append([*keys, *(name for name, _ in COUNTS), *(name for name, _ in RATES)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for label, figures in zip(labels, rows, strict=True):
        _row(sheet, label, figures)
    if total is not None:
        _row(sheet, (TOTAL,) + ("",) * (len(keys) - 1), total)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=2, column=len(keys) + 1)
    sheet.column_dimensions["A"].width = 24
    if len(keys) > 1:
        sheet.column_dimensions["B"].width = 24


def _row(sheet: Worksheet, label: tuple[str, ...], figures: Figures) -> None:
    sheet.append([*label, *(getattr(figures, field) for _, field in COUNTS),
                  *(getattr(figures, field) for _, field in RATES)])
    for cell in sheet[sheet.max_row][len(label) + len(COUNTS):]:
        cell.number_format = PERCENT


def _definitions(sheet: Worksheet, report: Report) -> None:
    start, end = report.start.astimezone(LOCAL_ZONE), report.end.astimezone(LOCAL_ZONE)
    facts = {"start": f"{start:%Y-%m-%d %H:%M}", "end": f"{end:%Y-%m-%d %H:%M}",
             "made": f"{report.made_at.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}"}
    sheet.append(["指标", "定义"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for name, text in DEFINITIONS:
        sheet.append([name, text.format(**facts)])
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 110

