"""Every sentence an operator reads from the command line (`gridbot import org`, `faq`, `focus`, `nlp`), in one
place; the operating system's reasons for refusing a file or port are in handlers/os_reasons.py, which every
command's start loads."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Sequence

from handlers.faq_cache import REFRESH_INTERVAL
from handlers.resident_texts import clock
from nlp.dataset import DatasetError, Trouble
from nlp.metrics import Report
from nlp.taxonomy import UNCLASSIFIED
from storage import faq_import
from storage.faq import split_alternates
from storage.faq_import import FaqImportReport, FaqProblem, FaqRowError
from storage.models import FaqDisabled, FaqEntry
from storage.org_import import COLUMNS, LEVELS, MAX_NAME_LENGTH, ImportReport, Problem, RowError

if TYPE_CHECKING:
    from nlp.retraining import Retrained, Shortfall
    from storage.org_former_names import Match
    from storage.org_renames import Renamed

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
    return (f"无法识别文件 {path} 的编码：支持 UTF-8（带或不带 BOM）和 GBK 编码的 CSV，以及 Excel 另存的“Unicode 文本”。"
            f"{SAVE_AS_HINT}")


def old_excel(path: str) -> str:
    """An .xls (Excel 97–2003) or WPS .et workbook (both OLE compound files), which is not supported."""
    return f"文件 {path} 是旧版 Excel（.xls）或 WPS 表格（.et）格式，不能直接导入。{SAVE_AS_HINT}"


def web_page_table(path: str) -> str:
    """A web page (or Excel 2003 XML) a system exported under an Excel name: Excel opens it, the import cannot."""
    return (f"文件 {path} 其实是网页（HTML/XML）格式的表格，不是 CSV 或 .xlsx：很多系统“导出 Excel”时生成这种文件，"
            f"Excel 能打开，但不能直接导入。请用 Excel 或 WPS 打开它，“另存为”.xlsx 或 CSV（UTF-8 或 GBK）后再导入。")


def excel_uncalculated(path: str) -> str:
    """A workbook a program wrote with formulas that were never calculated: their cells would read as empty."""
    return (f"文件 {path} 里有公式还没有计算出结果（文件可能是由其他程序生成的），读出来会是空的单元格，未导入任何数据。"
            f"请用 Excel 或 WPS 打开它，保存一次后再导入。")


def excel_encrypted(path: str) -> str:
    """The workbook has an opening password: it is encrypted and cannot be read."""
    return (f"文件 {path} 设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 里打开它，取消密码"
            f"（Excel：文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后保存，再导入。")


def excel_unreadable(path: str) -> str:
    """The .xlsx file could not be opened as a workbook."""
    return f"无法打开 Excel 文件 {path}：文件可能已损坏或不是 .xlsx 格式。{SAVE_AS_HINT}"


def excel_too_large(path: str) -> str:
    """The .xlsx file unpacks, or merges cells, far beyond any real ledger (refused before it is loaded)."""
    return (f"Excel 文件 {path} 解压后过大，或合并单元格的范围过大（远超一份台账），没有导入。"
            f"请检查是否合并了整列或整张表，取消这样的合并后再导入；{SAVE_AS_HINT}")


def too_many_rows(path: str, limit: int) -> str:
    """More data rows than may be read here (the console's upload), refused before they are all read."""
    return f"文件 {path} 超过 {limit:,} 行数据，这里不能读取。"


def csv_malformed(path: str, line: int) -> str:
    """The CSV structure is broken (e.g. an unclosed quote)."""
    return f"文件 {path} 第 {line} 行格式有误（可能有未闭合的引号），无法解析。"


def empty_file(path: str, headers: list[str]) -> str:
    """Not even a header row."""
    return f"文件 {path} 是空的：第一行应为表头（{','.join(headers)}）。"


def no_header(path: str, headers: list[str], workbook: bool = False) -> str:
    """Lines, but none of the first ones is a header: the header row was left out, or (a CSV) the cells are not
    separated by commas."""
    found = f"文件 {path} 里找不到表头：前面几行都没有写着列名（{','.join(headers)}）。"
    if workbook:
        return found + "请在数据上方加一行表头，每个列名写在它那一列的单元格里。"
    return found + "请在数据上方加一行表头，各列用英文逗号分隔（或在 Excel 里加上表头后另存为 .xlsx）。"


def missing_columns(names: list[str], headers: list[str], optional: list[str], line: int) -> str:
    """Required headers that the header row (the first row naming a column, on `line`) lacks."""
    missing = "、".join(f"“{name}”" for name in names)
    may_be_empty = f"（{'、'.join(optional)}可以不填）" if optional else ""
    return (f"表头（第 {line} 行）缺少 {missing} 列。"
            f"请在表头里写上这些列名，表头的列名为：{','.join(headers)}{may_be_empty}。")


def date_cell(path: str, line: int, header: str, shown: str) -> str:
    """A cell of a read column that Excel holds as a date (1-2 typed, 1月2日 kept); nothing is imported."""
    return (f"文件 {path} 第 {line} 行的“{header}”是日期（{shown}），未导入任何数据：Excel 会把 1-2、3/1 这样的编号"
            f"自动改成日期。请把这一列的单元格格式设为“文本”，重新输入原来的编号后再导入。")


def formula_error_cell(path: str, line: int, header: str, shown: str) -> str:
    """A cell of a read column holding Excel's error value (#N/A of a lookup that found nothing); nothing is imported."""
    return (f"文件 {path} 第 {line} 行的“{header}”是 Excel 的错误值 {shown}（这个单元格的公式没有算出结果），"
            f"未导入任何数据。请在 Excel 里改正这个单元格（填上实际的名称）后再导入。")


def first_sheet_only(first: str, others: list[str]) -> str:
    """Added to a header refusal of a workbook of several sheets: only the first one is read."""
    named = "、".join(f"“{name}”" for name in others)
    return f"（只读取第一个工作表“{first}”；要导入的是{named}的话，请在 Excel 里把它拖到最前面，保存后再导入。）"


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


MORE_LIKE_THIS = "以及另外 {n} 行同样的问题"
SHOWN_PER_PROBLEM = 3  # a merged 社区 column once gave 4,970 identical lines


def fix_and_retry() -> str:
    """The line below the list of row errors."""
    return "请修改以上各行后重新导入。"


def grouped_row_errors(errors: Sequence[RowError] | Sequence[FaqRowError],
                       describe: Callable[[Any], str] | None = None) -> list[str]:
    """The rows' problems as lines (worded by `describe`, the hierarchy's wording by default): of each kind (the
    same column missing, too long, …) the first rows, then how many more rows have it."""
    kinds: dict[tuple[str, str], list[Any]] = {}
    for error in errors:
        kinds.setdefault((str(error.problem), error.column), []).append(error)
    lines = []
    for same in kinds.values():
        lines.extend((describe or row_error)(error) for error in same[:SHOWN_PER_PROBLEM])
        if len(same) > SHOWN_PER_PROBLEM:
            lines.append(MORE_LIKE_THIS.format(n=len(same) - SHOWN_PER_PROBLEM))
    return lines


def row_error(error: RowError) -> str:
    """One problem of one line, e.g. 第 7 行：缺少“楼栋”."""
    column = COLUMNS.get(error.column, error.column)
    if error.problem is Problem.MISSING and error.other_line:
        detail = (f"缺少“{column}”（第 {error.other_line} 行的“{error.building}”像是合并的单元格，另存为 CSV 后只有第一行"
                  f"有值：{column}空着不算同上，请每行都写上，或直接导入 .xlsx 原文件）")
    elif error.problem is Problem.MISSING:
        detail = f"缺少“{column}”"
    elif error.problem is Problem.TOO_LONG:
        detail = f"“{column}”太长（{error.length} 个字），最多 {MAX_NAME_LENGTH} 个字"
    elif error.problem is Problem.CONTROL_CHARACTER:
        detail = f"“{column}”含有换行、制表符或不可见字符，请删除"
    elif error.problem is Problem.BUILDING_IN_TWO_GRIDS:
        detail = (f"“{error.building}”在第 {error.other_line} 行属于“{error.other_grid}”，"
                  f"这里又写成“{error.grid}”；同一栋楼只能属于一个网格")
    elif error.problem is Problem.BUILDING_TWO_NAMES:
        detail = (f"“{error.building}”和第 {error.other_line} 行的“{error.other_building}”像是同一栋楼，"
                  "请统一写法（不统一的话，居民选楼栋时会看到两栋）")
    elif error.problem is Problem.BUILDING_STORED_UNDER_OTHER_NAME:
        detail = (f"“{error.building}”和已导入的“{error.other_building}”像是同一栋楼，请照已导入的写法"
                  "（不然居民选楼栋时会看到两栋）")
    elif error.problem is Problem.UNIT_STORED_UNDER_OTHER_NAME:
        detail = (f"“{error.building}”的“{error.unit}”和已导入的“{error.other_unit}”像是同一个单元，请照已导入的写法"
                  "（不然居民选单元时会看到两个）")
    elif error.problem is Problem.UNIT_TWO_NAMES:
        detail = (f"“{error.building}”的“{error.unit}”和第 {error.other_line} 行的“{error.other_unit}”像是同一个单元，"
                  "请统一写法（不统一的话，居民选单元时会看到两个）")
    elif error.problem is Problem.GRID_TWO_NAMES:
        detail = (f"网格“{error.grid}”和第 {error.other_line} 行的“{error.other_grid}”像是同一个网格，"
                  "请统一写法（不统一的话会导入成两个网格，各有一半楼栋）")
    elif error.problem is Problem.STORED_UNDER_OTHER_NAME:
        detail = (f"{column}“{error.name}”和已导入的“{error.stored_name}”像是同一个{column}，请照已导入的写法"
                  f"（不然会多出一个{column}，下面的网格、楼栋都重复一份）")
    elif error.problem is Problem.SEVERAL_UNITS:
        detail = (f"“单元”写的是几个单元（“{error.unit}”），导入后居民只能选到一个叫“{error.unit}”的单元；"
                  "请每个单元写一行（楼栋等其他列照写）")
    elif error.problem is Problem.OUTSIDE_SCOPE:
        detail = f"“{error.street}”不在您的管辖范围内，您只能导入“{error.allowed_street}”的组织架构"
    else:
        detail = (f"“{error.building}”已属于“{error.other_grid}”，不能再放到“{error.grid}”；"
                  "把楼栋划到别的网格请用 gridbot org move-building")
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


FORMER_NAMES_SHOWN = 10


def former_names_matched(matches: Sequence[Match]) -> str:
    """按原名匹配到 …: the file's names of places renamed since, imported as the places they are now."""
    if not matches:
        return ""
    shown = "；".join(f"{match.kind} {match.within + '·' if match.within else ''}{match.former} → {match.current}"
                     for match in matches[:FORMER_NAMES_SHOWN])
    more = f"；等 {len(matches)} 处" if len(matches) > FORMER_NAMES_SHOWN else ""
    return (f"按原名匹配到 {len(matches)} 处已改名的地方（台账里还是改名前的名字，按现在的名字导入，没有另建）："
            f"{shown}{more}。请把台账也改过来。")


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
    elif error.problem is FaqProblem.SHARED_PHRASING:
        detail = (f"“{error.phrasing}”在第 {error.other_line} 行已经有了；居民这样问时两条一样接近，哪条都不会答复，"
                  "请只保留在一行里")
    else:
        detail = f"问题与第 {error.other_line} 行重复；同一个问题只写一行，其他问法写进“同义问法”"
    return f"第 {error.line} 行：{detail}"


def faq_import_done(report: FaqImportReport, street: str | None = None) -> str:
    """问答导入完成（幸福街道，…）：新增 …，更新 …，未变 …; then what happened to the entries the file lacks (of the
    same street, or district-wide: the file never touches another street's)."""
    lines = [f"问答导入完成（{street + '，' if street else ''}{report.rows} 行）：新增 {report.created} 条，更新 {report.updated} 条，"
             f"未变 {report.unchanged} 条。"]
    mine = f"{street}的问答中，" if street else ""  # only the street's own entries are counted, never another's
    if report.restored:
        lines.append(f"重新启用 {report.restored} 条（上次用 --prune 导入时文件里没有）。")
    if report.held:
        lines.append(f"{report.held} 条已被手动停用，仍不答复（gridbot faq enable 编号 重新启用）。")
    if report.left_out and report.pruned:
        lines.append(f"{mine}停用了文件里没有的 {report.left_out} 条（没有删除，答复记录保留；gridbot faq list 查看）。")
    elif report.left_out:
        lines.append(f"{mine}数据库里另有 {report.left_out} 条文件里没有的问答仍在答复；要停用它们，"
                     "请加 --prune 重新导入，或用 gridbot faq disable 编号。")
    lines.append(f"正在运行的服务 {int(REFRESH_INTERVAL.total_seconds())} 秒内生效。")
    return "\n".join(lines)


FAQ_STATUS = {None: "", FaqDisabled.OPERATOR: "（已停用）", FaqDisabled.PRUNED: "（已停用：最近导入的文件里没有）"}
# {where}: "" for a district-wide entry, （安宁街道） for a street's.
FAQ_SWITCHED = {True: "已启用问答 {id}{where}：{question}。正在运行的服务 {seconds} 秒内开始答复它。",
                False: "已停用问答 {id}{where}：{question}。从现在起不再答复（没有删除，答复记录保留；重新导入也不会"
                       "启用它，要恢复请用 gridbot faq enable {id}）。"}
FAQ_UNCHANGED = {True: "问答 {id}{where} 本来就在使用，没有改动：{question}",
                 False: "问答 {id}{where} 本来就已停用，没有改动：{question}"}
FAQ_STREET_WHERE = "（{street}）"
FAQ_OVERRIDDEN = "（{street}的居民得到的是本街道同一问题的答案）"
FAQ_NOT_FOUND = "没有编号为 {id} 的问答。编号见 gridbot faq list。"
FAQ_NOT_IN_STREET = "{street}没有编号为 {id} 的问答，没有改动。{street}的问答编号见 gridbot faq list --street {street}。"
FAQ_EXPORT_NOT_XLSX = "导出文件名请以 .xlsx 结尾，收到的是“{path}”。"
FAQ_EXPORT_UNWRITABLE = "无法写入 {path}（{reason}）。"


def faq_exported(answered: int, disabled: int, path: str, street: str | None = None) -> str:
    """`gridbot faq export`: how many entries of the street (or district-wide) went into the file, and the disabled
    ones that did not."""
    again = f"gridbot faq import {path}" + (f" --street {street}" if street else "")
    done = (f"已导出{street + '的' if street else ''} {answered} 条答复中的问答到 {path}；改好后用 {again} 导回"
            "（加 --prune 会停用表里删掉的）。")
    if disabled:
        done += f"\n另有 {disabled} 条已停用，没有导出：导回这个文件不会重新启用它们（gridbot faq list 查看）。"
    return done
FAQ_DATABASE_FAILED = "数据库操作失败（{reason}），问答没有改动。请检查 GRIDBOT_DATABASE_URL 后重试。"

FAQ_ANSWER_INDENT = " " * 9  # under the answer's first character, after "   答案："


def faq_listing(entries: list[FaqEntry], answered: dict[int, tuple[int, int]],
                streets: dict[int, str] | None = None, overridden: tuple[str, set[int]] | None = None) -> str:
    """`gridbot faq list`: every entry with its phrasings, whether it is answered, and how often it was not enough;
    a street's entries marked with the street's name once any street has its own; with `overridden` (a street's
    name and ids, for `--street`), the district-wide entries that street's own replace."""
    if not entries:
        return "还没有问答。用 gridbot faq import 文件 导入（格式见 docs/faq-sample.csv）。"
    active = sum(1 for entry in entries if entry.active)
    lines = [f"共 {len(entries)} 条问答（答复中 {active} 条，已停用 {len(entries) - active} 条）："]
    if any(entry.street_id is not None for entry in entries):
        lines.append("标了街道的只答复该街道的居民，且先于全区通用的同一问题答复；没有标的全区通用。")
    for entry in entries:
        times, escalated = answered.get(entry.id, (0, 0))
        status = "" if entry.active else FAQ_STATUS.get(entry.disabled_reason, FAQ_STATUS[FaqDisabled.OPERATOR])
        if overridden is not None and entry.id in overridden[1]:
            status += FAQ_OVERRIDDEN.format(street=overridden[0])
        where = "" if entry.street_id is None else f"【{(streets or {}).get(entry.street_id, entry.street_id)}】"
        category = f"［{entry.category}］" if entry.category else ""
        lines.append(f"{entry.id}. {where}{category}{entry.question}{status}  已答 {times} 次，转人工 {escalated} 次")
        alternates = split_alternates(entry.alternates)
        if alternates:
            lines.append(f"   同义问法：{'｜'.join(alternates)}")
        # An answer's own lines indented under it: its "1. 带身份证" must not read as entry 1.
        lines.append("   答案：" + entry.answer.replace("\n", "\n" + FAQ_ANSWER_INDENT))
    return "\n".join(lines)



# --- `gridbot focus list` (聚焦办) -------------------------------------------------------------------------

FOCUS_LIST_NONE = {False: "没有进行中的聚焦事项。", True: "还没有聚焦事项。"}
FOCUS_LIST_HEADER = {False: "进行中的聚焦事项（{n} 件）：", True: "全部聚焦事项（{n} 件）："}
FOCUS_LIST_DATABASE_FAILED = "数据库操作失败（{reason}），无法列出聚焦事项。请检查 GRIDBOT_DATABASE_URL 后重试。"


def focus_closed(at: datetime, note: str | None, now: datetime) -> str:
    """The line under a closed focus case: when it was closed (with its year, of another year than `now`) and what
    was done."""
    return f"  已结案 {clock(at, now)}：{note or '（无说明）'}"


# --- `gridbot nlp` (train, eval, classify, review, suggest) ----------------------------------------------------

_TROUBLES = {
    Trouble.UNREADABLE: "无法读取：{detail}",
    Trouble.ENCODING: "不是 {detail} 编码的文本，请另存为 {detail}",
    Trouble.NOT_OBJECT: '不是一个 JSON 对象（每行应当是 {{"text": "诉求内容", "label": "类别"}}）',
    Trouble.MISSING_FIELD: "缺少“{field}”",
    Trouble.NOT_STRING: "“{field}”应当是文字，现在是 {detail}",
    Trouble.EMPTY_FIELD: "“{field}”是空的",
    Trouble.NO_EXAMPLES: "没有样本",
    Trouble.ONE_LABEL: "{detail} 条样本只有一个类别（{field}）：训练至少需要两个类别",
}
_FIELDS = {"text": "文本", "label": "类别"}
NLP_NEEDS_DATA = "请给出 --data 文件、--from-db，或两者都给。"
NLP_FROM_DATABASE = "数据库"


def dataset_problems(error: DatasetError) -> str:
    """Every problem of a labelled-examples file, by line; nothing was trained or evaluated."""
    lines = []
    for problem in error.problems[:MAX_SHOWN]:
        where = f"{error.source} 第 {problem.line} 行" if problem.line else error.source
        field = _FIELDS.get(problem.field, problem.field)
        lines.append(f"{where}：{_TROUBLES[problem.trouble].format(field=field, detail=problem.detail)}")
    if len(error.problems) > MAX_SHOWN:
        lines.append(f"……还有 {len(error.problems) - MAX_SHOWN} 处")
    return "\n".join([*lines, "请改正后重试，没有生成或更新任何模型。"])


def trained(examples: int, counts: dict[str, int], seconds: float) -> str:
    """`gridbot nlp train` fitted a model; examples labelled 待分类 (no category fits) are no category of their own."""
    labels = "，".join(f"{label} {count}" for label, count in counts.items())
    categories = sum(1 for label in counts if label != UNCLASSIFIED)
    unclassified = f"（另有 {counts[UNCLASSIFIED]} 条标为{UNCLASSIFIED}：哪个类别都不合适的）" if UNCLASSIFIED in counts else ""
    return f"训练完成：{examples} 条样本，{categories} 个类别{unclassified}，用时 {seconds:.1f} 秒\n  {labels}"


def saved(directory: str, features: int) -> str:
    return f"模型已保存到 {directory}（{features} 个特征）"


def taxonomy_unusable(reason: str) -> str:
    """`gridbot nlp`: the taxonomy it classifies by can't be loaded (the loader's reason, in English, as logged)."""
    return f"分类表无法加载：{reason}（请检查 GRIDBOT_TAXONOMY 指向的文件，或控制台里最新保存的分类表）"


def model_unusable(reason: str) -> str:
    """`gridbot nlp`: a model directory can't be used (the loader's reason, in English, as logged)."""
    return f"分类模型无法使用：{reason}（请检查 --model 目录或 GRIDBOT_NLP_MODEL）"


NLP_ONLY_DB_WITH_DATA = "--only-db 只用数据库里的样本，不能同时给 --data。"
_HELD_OUT_SOURCES = {"corpus": "附带测试集 {n} 条", "database": "数据库 {n} 条"}
NO_MODEL_CONFIGURED = ("机器人配置为只用分类表的关键词分类（GRIDBOT_NLP_MODEL=none），没有模型可用；"
                       "要评估或试用一个模型，请用 --model 指定它的目录")
_COMPARED = {"replaced": "{directory} 里原有的模型", "active": "当前使用的模型（GRIDBOT_NLP_MODEL）",
             "shipped": "随软件附带的模型"}


def too_few_examples(short: list[Shortfall], only_db: bool) -> str:
    """Training refused: categories of the taxonomy without (enough) examples, one line each."""
    if only_db:
        lines = [f"数据库里的样本不够单独训练：分类表的每个类别至少要 {short[0].need} 条。"]
        lines += [f"  {gap.label}：有 {gap.have} 条，还差 {gap.need - gap.have} 条" for gap in short]
        hint = "去掉 --only-db，就和随软件附带的语料一起训练。"
    else:
        lines = ["分类表里这些类别没有任何样本，训练出的模型不会认识它们："]
        lines += [f"  {gap.label}" for gap in short]
        hint = "请在 --data 文件里补上这些类别的样本。"
    return "\n".join([*lines, f"没有生成或更新任何模型。{hint}"])


def examples_outside_taxonomy(count: int) -> str:
    return f"数据库里另有 {count} 条样本的类别不在分类表里（已改名的类别、投诉工作人员），没有用于训练。"


def judged(result: Retrained, directory: str) -> str:
    """The new model's accuracy on the held-out examples, next to each compared model's on the same examples."""
    if result.accuracy is None:
        return "没有留出的样本可以比较（--data 的样本全部用于训练）；请用 gridbot nlp eval 在留出的数据上核对。"
    parts = "，".join(_HELD_OUT_SOURCES[name].format(n=n) for name, n in result.data.held_out_sources.items())
    lines = [f"留出的样本（训练时没有用过）{len(result.data.held_out)} 条（{parts}）上的准确率和进入待分类的比例：",
             f"  新模型：{result.accuracy:.4f}{_to_review(result, 'new')}"]
    lines += [f"  {_COMPARED[name].format(directory=directory)}：{accuracy:.4f}{_to_review(result, name)}"
              for name, accuracy in result.baselines.items()]
    lines += [f"新模型不如{_COMPARED[name].format(directory=directory)}，不建议启用。"
              for name in result.baselines if name != "replaced" and result.worse_than(name)]
    new = result.to_review.get("new")
    lines += [f"新模型让 {new:.1%} 进入待分类，多于{_COMPARED[name].format(directory=directory)}的 {share:.1%}："
              "启用后待分类的诉求会更多。" for name, share in result.to_review.items()
              if name != "new" and new is not None and round(new, 3) > round(share, 3)]
    return "\n".join(lines)


def _to_review(result: Retrained, name: str) -> str:
    share = result.to_review.get(name)
    return "" if share is None else f"，进入待分类 {share:.1%}"


NLP_NOT_INTO_SHIPPED = ("--model 指向随软件附带的模型目录：不能覆盖它（升级时会被换掉，也是新模型比较的基准）。"
                        "请保存到另一个目录，再把 GRIDBOT_NLP_MODEL 设为那个目录；没有生成或更新任何模型。")


def not_replaced(directory: str) -> str:
    return (f"新模型不如 {directory} 里原有的模型，没有覆盖它。确实要换成新模型请加 --force，"
            "或用 --model 保存到另一个目录。")


def evaluation(report: Report) -> str:
    """`gridbot nlp eval`: the figures, the per-class table and the confusion matrix."""
    width = max(len(label) for label in report.labels) + 1
    lines = [f"样本数：{report.n}", f"准确率 accuracy：{report.accuracy:.4f}", f"macro-F1：{report.macro_f1:.4f}"]
    if report.extra.get("messages_per_second"):
        lines.append(f"速度：每秒 {report.extra['messages_per_second']} 条")
    if "below_threshold" in report.extra:
        extra = report.extra
        scope = "" if extra["in_scope"] == report.n else f"（不计标为待分类的样本，共 {extra['in_scope']} 条）"
        longer = (f"（超过 {extra['longer_than']} 字的低于 {extra['long_threshold']}）" if "long_threshold" in extra
                  else "")
        lines.append(f"置信度低于 {extra['threshold']}{longer}、进入待分类：{extra['below_threshold']:.1%}{scope}")
        if extra["accuracy_above_threshold"] is not None:
            lines.append(f"其余（自动分类的）准确率：{extra['accuracy_above_threshold']:.4f}")
        if extra["accuracy_all"] is not None:
            lines.append(f"全部样本准确率（标为待分类的进入待分类算对）：{extra['accuracy_all']:.4f}")
    lines += ["", f"{'类别'.ljust(width, chr(0x3000))} 精确率  召回率      F1  样本数"]
    for label, scores in report.per_class.items():
        lines.append(f"{label.ljust(width, chr(0x3000))} {scores.precision:6.3f} {scores.recall:7.3f} "
                     f"{scores.f1:7.3f} {scores.support:7d}")
    lines += ["", "混淆矩阵（行：真实类别，列：预测类别，顺序同上）"]
    for label, row in zip(report.labels, report.confusion, strict=True):
        lines.append(f"{label.ljust(width, chr(0x3000))} " + " ".join(f"{count:4d}" for count in row))
    return "\n".join(lines)


def classified(category: str, subcategory: str | None, confidence: float, threshold: float | None,
               runner_up: tuple[str, float] | None, words: tuple[str, ...], guess: str | None,
               second: str | None = None) -> str:
    """`gridbot nlp classify`: label, confidence, runner-up (and whether it is kept as a second problem) and the
    words that decided."""
    if guess is not None:
        lines = [f"类别：待分类（置信度 {confidence:.2f} 低于阈值 {threshold}；最可能是 {guess}）"]
    else:
        lines = [f"类别：{category}" + (f" · {subcategory}" if subcategory else ""), f"置信度：{confidence:.2f}"]
    if runner_up is not None:
        lines.append(f"第二可能：{runner_up[0]}（{runner_up[1]:.2f}）"
                     + ("，作为第二个问题记在诉求上（另涉及）" if second == runner_up[0] else ""))
    lines.append(f"关键词：{'、'.join(words) if words else '—'}")
    return "\n".join(lines)


REVIEW_NONE = "没有待分类的诉求。"


def review_line(ticket: str, at: datetime, guess: str | None, confidence: float, content: str,
                now: datetime) -> str:
    """One appeal of `gridbot nlp review` (filed in another year than `now`'s: with its year); how sure the machine
    was as a percentage an operator reads ("（0.20）" told her nothing)."""
    return f"{ticket}  {clock(at, now)}  建议：{guess or '—'}（把握 {confidence:.0%}）  {content[:40]}"


def review_footer(count: int) -> str:
    return (f"共 {count} 条（机器没有把握，请人来定类别）；改分类：控制台“待分类”里一键采用建议或选类别，"
            "或在公众号里发 分类 编号 类别")


def corrections_counted(count: int, outside: int = 0) -> str:
    """`nlp suggest`: the corrections read, and how many of them name a category the taxonomy no longer has."""
    if not outside:
        return f"数据库里有 {count} 条分类纠正。"
    return (f"数据库里有 {count} 条分类纠正，其中 {outside} 条改成的类别已不在分类表里（改名或删除了的类别），"
            "不用于找新关键词。")


def no_suggestions(min_count: int) -> str:
    return f"没有哪个词在同一类别的 {min_count} 条以上纠正里出现、又还不是关键词。"


def suggestion(category: str, word: str, count: int, score: float) -> str:
    return f"{category}：“{word}” 出现在 {count} 条纠正里（对数几率 {score:+.2f}）"


SUGGESTIONS_FOOTER = "同意的词请加进分类表对应类别的 [category.keywords]（词 = 权重）。"
MAX_SHOWN = 10


# --- `gridbot binding require`: joins only for verified addresses (storage/verification.py) -----------------

BINDING_SWITCHES = {"on": True, "off": False}
BINDING_SWITCH_BAD = "开关只能是 on（要求核实）或 off（不要求），收到的是“{switch}”。"
BINDING_DATABASE_FAILED = "数据库操作失败（{reason}），住址核实要求没有改动。请检查 GRIDBOT_DATABASE_URL 后重试。"
BINDING_REQUIRED = {
    True: "已要求{community}的居民先核实住址：按序号自行绑定的居民不再收到、也不能加入邻居的相同诉求（我也遇到）。"
          "核实方式：扫楼栋二维码绑定，或网格员上门后在公众号发送“核实 编号”。",
    False: "已取消{community}的住址核实要求：按序号绑定住址的居民也会收到并可以加入同楼邻居的相同诉求。",
}
BINDING_UNCHANGED = {
    True: "{community}已经要求居民核实住址后才能加入邻居的诉求，没有改动。",
    False: "{community}本来就不要求核实住址，没有改动。",
}


def binding_required(community: str, required: bool, changed: bool) -> str:
    """What `gridbot binding require` did."""
    return (BINDING_REQUIRED if changed else BINDING_UNCHANGED)[required].format(community=community)

# gridbot grid mode GRID 抢单|派单
GRID_MODE_BAD = "模式只能是“抢单”或“派单”，收到的是“{mode}”。"
GRID_MODE_DONE = {True: "已将 {grid} 设为{mode}模式：{how}", False: "{grid} 已经是{mode}模式，没有改动。"}
GRID_MODE_HOW = {"grab": "新诉求通知本网格所有网格员和网格长，先接单者办理。",
                 "assign": "新诉求派给在岗、在办任务最少的网格员，由他接单；无人接单转网格长。"}


# gridbot org rename and the console's 改名 (storage/org_renames.py)
RENAME_DONE = ("已改名：{kind} {old} → {new}。{residents} 位住在这里的居民不用重新绑定，诉求、人员和二维码都跟着新名字"
               "{notices}。旧名字记下了：台账里还是旧名字的话，下次导入（gridbot import org 或控制台的“导入组织架构”）"
               "按原名匹配到这里，不会再建一个；台账文件也请改过来。")
RENAME_NOTICES = "；{count} 条通知的范围已改成新名字"
RENAME_REFUSED = {
    "empty": "新名字是空的，没有改动。",
    "too_long": f"新名字太长（最多 {MAX_NAME_LENGTH} 个字），没有改动。",
    "control_character": "新名字里有看不见的控制字符（多半是从别处复制来的），请重新输入，没有改动。",
    "same": "新名字和现在的一样，没有改动。",
    "taken": "同一级里已经有叫“{other}”的了，不能重名，没有改动。",
    "twin": "同一级里已经有“{other}”，和新名字是同一个编号（如 2号楼 和 2栋），不能两个都用，没有改动。",
}
RENAME_KINDS = ("社区", "网格", "小区", "楼栋", "单元")  # and 街道, for whom may rename a street (the CLI, a 管理员)


def renamed(done: Renamed) -> str:
    """What `org rename` (or the console's 改名) did."""
    notices = RENAME_NOTICES.format(count=done.notices) if done.notices else ""
    return RENAME_DONE.format(kind=done.kind.value, old=done.old, new=done.new, residents=done.residents,
                              notices=notices)
