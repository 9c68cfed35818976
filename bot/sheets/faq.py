"""Reading an operator's FAQ spreadsheet (问题,答案[,同义问法][,类别]) into FaqRows."""

from __future__ import annotations

from pathlib import Path

from bot.sheets.table import Columns, read_table
from storage.faq_import import COLUMNS, REQUIRED, FaqRow

FAQ_COLUMNS = Columns(COLUMNS, REQUIRED)


def read_faq_rows(path: Path | str) -> list[FaqRow]:
    """The data rows of the file, numbered as Excel or an editor shows them; raises TableFileError."""
    return [FaqRow(line=row.line, **row.cells) for row in read_table(path, FAQ_COLUMNS)]
