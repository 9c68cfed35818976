"""The month's 积分 (storage/points_report.py) as a table: its columns and cells, shared by `gridbot points report`'s
terminal table, the workbook it writes with --xlsx (积分 and 规则 sheets) and the console's CSV download."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.sheets.appeals_csv import CSV_BOM
from bot.sheets.excel_text import append_as_text, csv_row
from handlers.staff_texts import role_title
from storage.points_report import Person, Report

FIXED = ("姓名", "角色", "地点", "街道")
TAIL = ("撤销", "兑换", "本月净得", "月末余额")
TOTAL = "合计"
NOWHERE = "—"
RULE_COLUMNS = ("适用于", "规则", "名称", "每次积分", "每月上限")
DISTRICT = "全区"  # the rules of every street that sets none of its own
NO_CAP = "不限"
# The same definitions as README's 积分 section.
DEFINITIONS = (
    ("统计范围", "{month}（北京时间）记入积分台账的记录；人员按其所在网格或社区归入范围。本月有记录或月末有余额的人才列出。"),
    ("街道", "人员所在的街道。积分按记分时所在街道的规则记：街道有自己的分值或上限的用街道的（上面列出），其余用全区的。"),
    ("各规则", "本月按该规则发放的积分（后来被撤销的也计在这里，撤销另列）。"),
    ("撤销", "本月的撤销记录之和：居民不满意收回的办结积分、不受理收回的代报积分、操作员的更正。撤销计入撤销当月。"),
    ("兑换", "本月积分兑换之和（负数）。"),
    ("本月净得", "本月全部记录之和 = 各规则 + 撤销 + 兑换。"),
    ("月末余额", "截至本月底的全部记录之和。"),
)


def header(report: Report) -> list[str]:
    """The column names: the person, each configured rule's label, then reversals, redemptions, net and balance."""
    return [*FIXED, *(rule.label for rule in report.rules), *TAIL]


def cells(report: Report, person: Person) -> list[str | int]:
    """One person's (or the total's) cells in `header`'s order: the figures stay numbers for the workbook."""
    fixed = (TOTAL, "", "", "") if person.staff_id is None else (person.name, role_title(person.role),
                                                                 person.place or NOWHERE, person.street or NOWHERE)
    return [*fixed, *(person.by_rule.get(rule.name, 0) for rule in report.rules), person.reversed, person.redeemed,
            person.net, person.balance]


def points_csv(report: Report) -> str:
    """The report as CSV for Excel (UTF-8 with a BOM): `header`, a line per person, the total; the columns of
    `gridbot points report`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header(report))
    for person in (*report.people, report.total):
        writer.writerow(csv_row(cells(report, person)))
    return CSV_BOM + buffer.getvalue()


def write_points_report(report: Report, path: Path) -> None:
    """Write the report to `path` (.xlsx), replacing the file: a 积分 sheet (a line per person and the total) and a
    规则 sheet (the district's rules in force, each listed street's own, and what each column means)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "积分"
    sheet.append(header(report))
    for person in report.people:
        append_as_text(sheet, cells(report, person))
    append_as_text(sheet, cells(report, report.total))
    for cell in (*sheet[1], *sheet[sheet.max_row]):
        cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=2, column=len(FIXED) + 1)
    sheet.column_dimensions["C"].width = 36
    rules = book.create_sheet("规则")
    rules.append(list(RULE_COLUMNS))
    for where, listed in ((DISTRICT, report.rules), *((own.street, own.rules) for own in report.streets)):
        for rule in listed:
            rules.append([where, rule.name, rule.label, rule.points, rule.monthly_cap or NO_CAP])
    rules.append([])
    for name, text in DEFINITIONS:
        rules.append([name, text.format(month=report.month)])
    rules.column_dimensions["A"].width = 20
    rules.column_dimensions["B"].width = 90
    book.save(path)
