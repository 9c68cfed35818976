"""Every sentence an operator reads from the command line (`gridbot import org`, `gridbot faq`), in one place."""

from __future__ import annotations

from datetime import datetime

from handlers.faq_cache import REFRESH_INTERVAL
from handlers.resident_texts import clock
from storage import faq_import
from storage.faq_import import FaqImportReport, FaqProblem, FaqRowError
from storage.models import FaqEntry
from storage.org_import import COLUMNS, LEVELS, MAX_NAME_LENGTH, ImportReport, Problem, RowError

# How each level is counted in Chinese: "2 个社区", "12 栋楼".
COUNTED = {
    "street": "{n} 个街道",
    "community": "{n} 个社区",
    "grid": "{n} 个网格",
    "building": "{n} 栋楼",
    "unit": "{n} 个单元",
}
SAVE_AS_HINT = "请在 Excel 或 WPS 中“另存为”CSV（UTF-8 或 GBK）或 .xlsx 后再导入。"


def file_not_found(path: str) -> str:
    """The file does not exist."""
    return f"找不到文件：{path}"


def is_a_directory(path: str) -> str:
    """A folder was given instead of a file."""
    return f"{path} 是文件夹，请给出要导入的文件。"


def no_permission(path: str) -> str:
    """The file exists but may not be read."""
    return f"没有读取文件 {path} 的权限。"


def file_unreadable(path: str, reason: str) -> str:
    """The operating system refused to read the file."""
    return f"无法读取文件 {path}：{reason}"


def unknown_encoding(path: str) -> str:
    """The CSV is neither UTF-8 nor GBK/GB18030 text."""
    return f"无法识别文件 {path} 的编码：只支持 UTF-8（带或不带 BOM）和 GBK 编码的 CSV。{SAVE_AS_HINT}"


def old_excel(path: str) -> str:
    """An .xls (Excel 97–2003) workbook, which is not supported."""
    return f"文件 {path} 是旧版 Excel（.xls）格式，不能直接导入。{SAVE_AS_HINT}"


def excel_unreadable(path: str) -> str:
    """The .xlsx file could not be opened as a workbook."""
    return f"无法打开 Excel 文件 {path}：文件可能已损坏或不是 .xlsx 格式。{SAVE_AS_HINT}"


def csv_malformed(path: str, line: int) -> str:
    """The CSV structure is broken (e.g. an unclosed quote)."""
    return f"文件 {path} 第 {line} 行格式有误（可能有未闭合的引号），无法解析。"


def empty_file(path: str, headers: list[str]) -> str:
    """Not even a header row."""
    return f"文件 {path} 是空的：第一行应为表头（{','.join(headers)}）。"


def missing_columns(names: list[str], headers: list[str], optional: list[str]) -> str:
    """Required headers that the first row lacks."""
    missing = "、".join(f"“{name}”" for name in names)
    may_be_empty = f"（{'、'.join(optional)}可以不填）" if optional else ""
    return f"表头缺少 {missing} 列。第一行应为表头，列名为：{','.join(headers)}{may_be_empty}。"


def duplicate_column(name: str) -> str:
    """A header that appears twice."""
    return f"表头中“{name}”出现了不止一次，请只保留一列。"


def no_data_rows(path: str) -> str:
    """A header and nothing below it."""
    return f"文件 {path} 只有表头，没有数据行，未导入任何数据。"


def database_failed(detail: str) -> str:
    """The database refused the import (unreachable, locked, ...); the transaction rolled back."""
    return f"数据库出错，未导入任何数据（GRIDBOT_DATABASE_URL）：{detail}"


def errors_heading(count: int) -> str:
    """The line above the list of row errors."""
    return f"文件有 {count} 处错误，未导入任何数据："


def fix_and_retry() -> str:
    """The line below the list of row errors."""
    return "请修改以上各行后重新导入。"


def row_error(error: RowError) -> str:
    """One problem of one line, e.g. 第 7 行：缺少“楼栋”."""
    column = COLUMNS.get(error.column, error.column)
    if error.problem is Problem.MISSING:
        detail = f"缺少“{column}”"
    elif error.problem is Problem.TOO_LONG:
        detail = f"“{column}”太长（{error.length} 个字），最多 {MAX_NAME_LENGTH} 个字"
    elif error.problem is Problem.CONTROL_CHARACTER:
        detail = f"“{column}”含有换行、制表符或不可见字符，请删除"
    elif error.problem is Problem.BUILDING_IN_TWO_GRIDS:
        detail = (f"“{error.building}”在第 {error.other_line} 行属于“{error.other_grid}”，"
                  f"这里又写成“{error.grid}”；同一栋楼只能属于一个网格")
    else:
        detail = (f"“{error.building}”已属于“{error.other_grid}”，不能再放到“{error.grid}”；"
                  "调整楼栋所属网格请联系系统管理员")
    return f"第 {error.line} 行：{detail}"


def import_done(report: ImportReport) -> str:
    """导入完成：新建 …；已存在 …。"""
    created = _counts(report.created)
    present = _counts(report.present)
    if not created:
        return f"导入完成（{report.rows} 行）：没有需要新建的，全部已存在（{present}）。"
    if not present:
        return f"导入完成（{report.rows} 行）：新建 {created}。"
    return f"导入完成（{report.rows} 行）：新建 {created}；已存在 {present}。"


def header_names() -> str:
    """The expected headers, comma-separated as in the file."""
    return ",".join(COLUMNS.values())


def _counts(counts: dict[str, int]) -> str:
    return "、".join(COUNTED[level].format(n=counts[level]) for level in LEVELS if counts.get(level))


def faq_row_error(error: FaqRowError) -> str:
    """One problem of one line of an FAQ file, e.g. 第 4 行：缺少“答案”."""
    column = faq_import.COLUMNS[error.column]
    if error.problem is FaqProblem.MISSING:
        detail = f"缺少“{column}”"
    elif error.problem is FaqProblem.TOO_LONG:
        limit = faq_import.MAX_LENGTH[error.column]
        each = "每种问法" if error.column == "alternates" else ""
        detail = f"“{column}”太长（{error.length} 个字），{each}最多 {limit} 个字"
    elif error.problem is FaqProblem.CONTROL_CHARACTER:
        detail = f"“{column}”含有制表符或不可见字符，请删除"
    else:
        detail = f"问题与第 {error.other_line} 行重复；同一个问题只写一行，其他问法写进“同义问法”"
    return f"第 {error.line} 行：{detail}"


def faq_import_done(report: FaqImportReport) -> str:
    """问答导入完成：新增 …，更新 …，未变 …。"""
    return (f"问答导入完成（{report.rows} 行）：新增 {report.created} 条，更新 {report.updated} 条，"
            f"未变 {report.unchanged} 条。正在运行的服务 {int(REFRESH_INTERVAL.total_seconds())} 秒内生效。")


def faq_listing(entries: list[FaqEntry], answered: dict[int, tuple[int, int]]) -> str:
    """`gridbot faq list`: every entry with its phrasings, and how often its answer was not enough."""
    if not entries:
        return "还没有问答。用 gridbot faq import 文件 导入（格式见 docs/faq-sample.csv）。"
    lines = [f"共 {len(entries)} 条问答："]
    for entry in entries:
        times, escalated = answered.get(entry.id, (0, 0))
        status = "" if entry.active else "（已停用）"
        category = f"［{entry.category}］" if entry.category else ""
        lines.append(f"{entry.id}. {category}{entry.question}{status}  已答 {times} 次，转人工 {escalated} 次")
        alternates = [part for part in entry.alternates.split("\n") if part]
        if alternates:
            lines.append(f"   同义问法：{'｜'.join(alternates)}")
        lines.append(f"   答案：{entry.answer}")
    return "\n".join(lines)
# --- `gridbot focus list` (聚焦办) -------------------------------------------------------------------------

FOCUS_LIST_NONE = {False: "没有进行中的聚焦事项。", True: "还没有聚焦事项。"}
FOCUS_LIST_HEADER = {False: "进行中的聚焦事项（{n} 件）：", True: "全部聚焦事项（{n} 件）："}
FOCUS_LIST_DATABASE_FAILED = "数据库操作失败（{reason}），无法列出聚焦事项。请检查 GRIDBOT_DATABASE_URL 后重试。"


def focus_closed(at: datetime, note: str | None) -> str:
    """The line under a closed focus case: when it was closed and what was done."""
    return f"  已结案 {clock(at)}：{note or '（无说明）'}"
