"""An operator's FAQ spreadsheet (问题,答案[,同义问法][,类别]): read into FaqRows, and written from the entries."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from bot.sheets.excel_text import append_as_text
from bot.sheets.table import Columns, read_table
from storage.faq_import import COLUMNS, REQUIRED, FaqRow
from storage.models import FaqEntry

# The other names the columns go by: the console's FAQ page says 其他问法, office lists their own words.
HEADER_ALIASES = {
    "question": ("常见问题", "咨询问题"),
    "answer": ("回答", "答复", "解答"),
    "alternates": ("其他问法", "相似问法", "其他说法"),
    "category": ("分类", "类型"),
}
FAQ_COLUMNS = Columns(COLUMNS, REQUIRED, HEADER_ALIASES)


def read_faq_rows(path: Path | str) -> list[FaqRow]:
    """The data rows of the file, numbered as Excel or an editor shows them; raises TableFileError."""
    return [FaqRow(line=row.line, **row.cells) for row in read_table(path, FAQ_COLUMNS)]


def write_faq_rows(path: Path | str, entries: Sequence[FaqEntry]) -> None:
    """An .xlsx of the entries under the import's header, other phrasings one per line in their cell (Alt+Enter):
    `gridbot faq import` reads it back unchanged."""
    import openpyxl
    from openpyxl.styles import Alignment

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "政策问答"
    sheet.append(list(COLUMNS.values()))
    for entry in entries:
        append_as_text(sheet, [entry.question, entry.answer, entry.alternates, entry.category])
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")  # answers and phrasings span lines
    for letter, width in zip("ABCD", (30, 60, 30, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    workbook.save(path)
