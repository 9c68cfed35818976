"""Reading an operator's FAQ spreadsheet (问题,答案[,同义问法][,类别]) into FaqRows."""

from __future__ import annotations

from pathlib import Path

from bot.sheets.table import Columns, read_table
from storage.faq_import import COLUMNS, REQUIRED, FaqRow

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
