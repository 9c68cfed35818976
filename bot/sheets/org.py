"""Reading a street office's hierarchy spreadsheet into OrgRows (the reading itself is bot/sheets/table.py)."""

from __future__ import annotations

from pathlib import Path

from bot.sheets.table import Columns, TableFileError, read_table
from storage.org_import import COLUMNS, REQUIRED, OrgRow

OrgFileError = TableFileError  # the name `gridbot import org` and its tests catch
ORG_COLUMNS = Columns(COLUMNS, REQUIRED)


def read_org_rows(path: Path | str) -> list[OrgRow]:
    """The data rows of the file (header required, empty lines skipped), numbered as Excel or an editor shows them."""
    return [OrgRow(line=row.line, **row.cells) for row in read_table(path, ORG_COLUMNS)]
