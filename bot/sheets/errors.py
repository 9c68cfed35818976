"""What reading an operator's spreadsheet refuses: each message is worded for the operator."""

from __future__ import annotations

from pathlib import Path

from handlers import operator_texts as texts


class TableFileError(Exception):
    """The file cannot be read as the expected spreadsheet; the message is worded for the operator."""


class TooManyRows(TableFileError):
    """The file holds more data rows than the reader was asked to take (`limit`); a workbook is refused so before
    it is loaded, a CSV as soon as the row past the limit is read."""

    def __init__(self, path: Path, limit: int) -> None:
        super().__init__(texts.too_many_rows(str(path), limit))
        self.limit = limit
