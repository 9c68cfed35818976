"""What `gridbot points` says to the operator: the month's report, redemptions, corrections, a person's entries and
the refusals, one Chinese line each."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from bot.sheets.points import FIXED, NOWHERE, cells
from bot.sheets.points import header as columns
from handlers.points_words import amount, terms, title, why
from handlers.staff_texts import role_title
from storage.tickets import LOCAL_ZONE

if TYPE_CHECKING:
    from storage.points_report import Report
    from storage.points_rules import Rule, Rules
    from storage.points_view import Line
    from storage.roster import Member

BAD_MONTH = "月份请写成 YYYY-MM，如 2026-11；收到“{month}”。"
MONTH_NOT_YET = "{month} 还没到（今天是 {today}），这个月还没有积分可报。"
BAD_XLSX = "报表文件名请以 .xlsx 结尾；收到“{file}”。"
BAD_AMOUNT = "积分数请写正整数，如 20；收到“{amount}”。"
BAD_ENTRY = "记录编号请写数字（见 gridbot points show 姓名）；收到“{entry}”。"
NOTE_NEEDED = "请写明说明，例如兑换了什么、为什么撤销。"
NOTE_TOO_LONG = "说明最多 {limit} 字，收到 {length} 字，没有记录。"
CANNOT_WRITE = "无法写入 {file}：{reason}"
DATABASE_FAILED = "读写数据库失败（{reason}），什么也没有记录，请稍后再试。"
UNKNOWN_PERSON = "没有叫“{name}”的人员（在职的工作人员、楼长、党员、志愿者等）。"
UNKNOWN_PERSON_SIMILAR = "没有叫“{name}”的人员；名字相近的有：{similar}。"
AMBIGUOUS_PERSON = "有 {n} 位叫“{name}”的人员，请用编号代替姓名（如 gridbot points {command} {first} …）：\n{candidates}"
UNKNOWN_ENTRY = "没有编号为 {entry} 的积分记录。"
NOT_REVERSIBLE = {
    "reversal": "记录 {entry} 本身就是一次撤销，不能再撤销；需要的话请重新发放或兑换。",
    "reversed": "记录 {entry} 已经撤销过了，不能再撤销。",
}
SPENT_ALREADY = ("没有撤销：{name} 现有 {balance} 分，撤销记录 {entry}（{title} {amount}）会变成 {after} 分，"
                 "这条的积分已有兑换用掉了，积分不能为负。若是兑换记错了，先撤销那条兑换"
                 "（gridbot points show {staff} 查看记录编号）。")
NOT_ENOUGH = "{name} 现有 {balance} 分，不够兑换 {amount} 分，没有记录。"
REDEEMED = "已记录积分兑换：{name} -{amount} 分（{note}），记录编号 {entry}；现有 {balance} 分。"
REVERSED = "已撤销记录 {entry}（{name} {title} {amount}）：新记录 {undo} {undo_amount} 分；{name} 现有 {balance} 分。"
SHOW_HEADER = "{name}（{role}，{place}）现有 {balance} 分，共 {n} 条记录，最新的在前："
SHOW_NONE = "{name}（{role}，{place}）还没有积分记录。"
SHOW_LINE = "[{id}] {at} {title} {amount}{what}{why}{by}{undone}"
SHOW_BY = "，{name}记"
SHOW_UNDONE = "（已被 [{undo}] 撤销）"

REPORT_HEADING = "{month} 积分（北京时间{scope}），每人一行：各规则本月所得、撤销、兑换、本月净得和月末余额。"
REPORT_SCOPE = "，{scope}"
RULES_DISTRICT = "全区的积分规则（没有自己规则的街道都按这些）："
RULES_STREET = "{street}的积分规则（{whose}）："
RULES_STREET_OWN = "其中标 * 的是本街道自己定的，其余同全区"
RULES_STREET_NONE = "本街道没有自己定的规则，全部同全区"
RULES_LINE = "  {mark}{name:<18} {label}  每次 {points} 分，每月上限 {cap}"
RULES_NO_CAP = "不限"
RULES_OWN = "{street}有自己的规则：{terms}。"
RULES_NO_OWN = "各街道都按全区的规则。"
UNKNOWN_STREET = "台账里没有叫“{street}”的街道（有：{known}）。"
REPORT_STREET_RULES = "{street}有自己的规则：{terms}；其余规则同全区。"
REPORT_EMPTY = "{month}{scope}没有积分记录。"
REPORT_WRITTEN = "已写入 {file}：{month} {n} 人，本月净得合计 {net} 分。"
def ambiguous(name: str, candidates: list[Member], command: str) -> str:
    """Several active people have that name: each with the id to type instead."""
    listed = "\n".join(f"· [{one.id}] {one.name} · {role_title(one.role)} · {one.place or NOWHERE}"
                       for one in candidates)
    return AMBIGUOUS_PERSON.format(n=len(candidates), name=name, command=command, first=candidates[0].id,
                                   candidates=listed)


def unknown(name: str, similar: list[str]) -> str:
    """Nobody active has that name; the names that contain it, if any."""
    if similar:
        return UNKNOWN_PERSON_SIMILAR.format(name=name, similar="、".join(similar))
    return UNKNOWN_PERSON.format(name=name)


def district_rules(rules: Rules, streets: list[str]) -> list[str]:
    """`gridbot points rules`: the district's rules and a line for each street that set some of its own."""
    lines = [RULES_DISTRICT, *(_rule_line(rule) for rule in rules.by_name.values())]
    own = [RULES_OWN.format(street=street, terms=terms([rules.for_street(street)[name]
                                                         for name in rules.overridden(street)], off_too=True))
           for street in streets if rules.overridden(street)]
    return lines + (own or [RULES_NO_OWN])


def street_rules(street: str, rules: Rules) -> list[str]:
    """`gridbot points rules --street`: every rule as in force in the street, its own marked."""
    own = set(rules.overridden(street))
    return [RULES_STREET.format(street=street, whose=RULES_STREET_OWN if own else RULES_STREET_NONE),
            *(_rule_line(rule, rule.name in own) for rule in rules.for_street(street).by_name.values())]


def _rule_line(rule: Rule, own: bool = False) -> str:
    return RULES_LINE.format(mark="*" if own else " ", name=rule.name, label=rule.label, points=amount(rule.points),
                             cap=rule.monthly_cap or RULES_NO_CAP)


def show_line(line: Line, undone_by: int | None) -> str:
    """[12] 2026-11-22 10:05 办结诉求 +2，G2611220001 — an entry as `points show` prints it."""
    return SHOW_LINE.format(id=line.id, at=f"{line.at.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}", title=title(line),
                            amount=amount(line.amount), what=f"，{line.what}" if line.what else "", why=why(line),
                            by=SHOW_BY.format(name=line.granted_by) if line.granted_by else "",
                            undone=SHOW_UNDONE.format(undo=undone_by) if undone_by else "")


def line_json(line: Line, undone_by: int | None) -> dict[str, object]:
    """An entry as `points show --json` prints it."""
    return {"id": line.id, "at": line.at.astimezone(LOCAL_ZONE).isoformat(), "rule": line.rule,
            "label": title(line), "amount": line.amount, "for": line.what, "note": line.note,
            "reverses": line.reverses_id, "reversed_by": undone_by, "granted_by": line.granted_by}


def report_table(report: Report, scope: str | None) -> list[str]:
    """The report as aligned lines: heading, column names, one line per person, the total."""
    where = REPORT_SCOPE.format(scope=scope) if scope else ""
    if not report.people:
        return [REPORT_EMPTY.format(month=report.month, scope=where)]
    rows = [[str(cell) for cell in cells(report, person)] for person in (*report.people, report.total)]
    header = columns(report)
    widths = [max(_width(line[column]) for line in (header, *rows)) for column in range(len(header))]
    return [REPORT_HEADING.format(month=report.month, scope=where),
            *(REPORT_STREET_RULES.format(street=own.street, terms=terms(own.rules, off_too=True)) for own in report.streets),
            *(_aligned(line, widths) for line in (header, *rows))]


def _width(text: str) -> int:
    """Columns a terminal gives the text: two for each wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _aligned(cells: list[str], widths: list[int]) -> str:
    # Names, roles and places to the left, the figures to the right.
    fixed = len(FIXED)
    padded = [cell + " " * (width - _width(cell)) if column < fixed else " " * (width - _width(cell)) + cell
              for column, (cell, width) in enumerate(zip(cells, widths, strict=True))]
    return "  ".join(padded).rstrip()
