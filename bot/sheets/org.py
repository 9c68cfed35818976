"""Reading a street office's hierarchy spreadsheet into OrgRows (the reading itself is bot/sheets/table.py)."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Sequence

from bot.sheets.errors import TableFileError, TooManyRows
from bot.sheets.excel_text import append_as_text
from bot.sheets.table import Columns, read_table, read_table_data
from storage.org_import import COLUMNS, REQUIRED, OrgRow, row_of

OrgFileError = TableFileError  # the name `gridbot import org` and its tests catch
OrgFileTooLong = TooManyRows  # the console's refusal of a file past its row limit
# The other names offices give the columns, ledger by ledger.
HEADER_ALIASES = {
    "street": ("街道名称", "所属街道", "街道办事处"),
    "community": ("社区名称", "所属社区", "社区居委会", "居委会"),
    "grid": ("网格名称", "所属网格", "网格名"),
    "compound": ("小区名称", "所属小区", "小区名"),
    "building": ("楼栋号", "楼栋名称", "楼号", "楼幢", "幢号", "栋号", "楼栋编号"),
    "unit": ("单元号", "单元名称", "单元编号", "所在单元"),
}
# A ledger as offices keep it: a blank 街道/社区/网格/小区 under a filled one is "same as above" (never a blank
# 楼栋 or 单元: that is a missing name), and 合计/小计/总计 lines are totals (汇总 is the word of a table's total row
# in Chinese Excel).
ORG_COLUMNS = Columns(COLUMNS, REQUIRED, fill_down=("street", "community", "grid", "compound"),
                      total_words=("合计", "小计", "总计", "汇总", "共计"), aliases=HEADER_ALIASES)


def read_org_rows(path: Path | str) -> list[OrgRow]:
    """The data rows of the file (header found below a title, empty lines and totals skipped, merged and "same as
    above" cells filled in, names normalised), numbered as Excel or an editor shows them."""
    return [row_of(row.line, row.cells) for row in read_table(path, ORG_COLUMNS)]


def read_org_data(data: bytes, name: str, max_rows: int | None = None) -> list[OrgRow]:
    """The data rows of an uploaded file's bytes, read as `read_org_rows` reads a file (`name` for messages); with
    `max_rows`, a longer file is refused (TooManyRows) without reading it all."""
    return [row_of(row.line, row.cells) for row in read_table_data(data, name, ORG_COLUMNS, max_rows)]


def write_org_rows(path: Path | str | BinaryIO, rows: Sequence[OrgRow]) -> None:
    """An .xlsx of the rows under the import's header (to a file, or the console's download): `gridbot import org`
    reads it back unchanged."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "组织架构"
    sheet.append(list(COLUMNS.values()))
    for row in rows:
        append_as_text(sheet, [getattr(row, name) for name in COLUMNS])
    workbook.save(path)
