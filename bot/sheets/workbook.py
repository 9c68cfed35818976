"""Reading an .xlsx workbook's first visible sheet as Excel shows it: lines of cell texts, merged cells giving their
value to every cell they cover, numbers with the words their format adds. Workbooks far beyond any real ledger (a
zip bomb, a million merged cells, a sheet of 100,000 rows past a reader's limit) are refused before openpyxl loads
them. `bot.sheets.table` finds the header and the data rows in these lines, as it does in a CSV's.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from bot.sheets.errors import TableFileError, TooManyRows
from handlers import operator_texts as texts

# What a workbook may unpack to before openpyxl loads it whole. A few kilobytes can claim far more: a zip of one
# compressed sheet of blanks, or one merged range over a million cells (openpyxl makes an object for each, minutes of
# a server thread and gigabytes). A street's real ledger is a few megabytes and merges a column over its rows.
XLSX_MAX_UNPACKED = 100 * 1024 * 1024
XLSX_MAX_MERGED_CELLS = 200_000
# A formula cell without the result Excel or WPS store beside it (no value, or an empty one that is no text): a
# workbook a program wrote and nothing ever calculated. Read without a result, it would be an empty cell, which a
# ledger's 社区 column takes as "same as above".
_UNCALCULATED = re.compile(rb'<c\b(?![^>]*\st=")[^>]*><f\b[^>]*(?:/>|>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>')
_XML_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?row>)", re.DOTALL)
_XML_VALUE = re.compile(rb"<(?:\w+:)?[vt]\b[^>]*>[^<]")  # a cell's <v>value</v>, or an inline string's <t>text</t>
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*ref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')
# A number format that shows a whole number with words around it: 0"号楼", "第"0"栋", General"单元" (\号 is "号").
_NUMBER_WITH_WORDS = re.compile(r'(?:"(?P<before>[^"]*)")?(?:0+|#+|General)(?:"(?P<after>[^"]*)")?')
_ESCAPED_CHARACTER = re.compile(r"\\(.)")
# How Excel writes a character XML cannot hold in a cell's text (a carriage return is _x000D_, a literal _x is
# _x005F_x); openpyxl hands the escapes over as they are.
_XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")

def xlsx_lines(path: Path, data: bytes, max_rows: int | None = None,
               rows_above: int = 0) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """The first visible sheet's lines that holds anything (a blank 说明 or Sheet1 left before the ledger is no
    sheet anyone means), and the names of the visible sheets, the one read first (what Excel shows as its tabs). With
    `max_rows`, a sheet of more rows holding something than that and `rows_above` (a title, a header) is refused
    (TooManyRows) before it is loaded."""
    import openpyxl

    _refuse_oversized(path, data, max_rows, rows_above)
    try:
        # Not read-only: merged ranges are only known to a fully loaded sheet.
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # a damaged workbook fails in zipfile, XML or openpyxl, each with its own exception types
        raise TableFileError(texts.excel_unreadable(str(path))) from None
    try:
        # A template's hidden sheet of drop-down lists often comes first: the person sees, and means, the next one.
        shown = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"] or workbook.worksheets
        if not shown:
            return [], []
        sheet, (last_row, last_column) = next(((each, extent) for each in shown
                                               if (extent := _filled_extent(each))[0]), (shown[0], (0, 0)))
        merged = _merged_values(sheet)
        # Missing rows come back as empty ones, so counting from 1 gives Excel's row numbers.
        return ([(number, [_cell_text(merged.get((number, column), _displayed(cell)))
                           for column, cell in enumerate(cells, start=1)])
                 for number, cells in enumerate(sheet.iter_rows(min_row=1, min_col=1, max_row=last_row,
                                                                max_col=last_column), start=1)],
                [sheet.title, *(shown_sheet.title for shown_sheet in shown if shown_sheet is not sheet)])
    except Exception:
        raise TableFileError(texts.excel_unreadable(str(path))) from None
    finally:
        workbook.close()


def _filled_extent(sheet: Any) -> tuple[int, int]:
    """The last row and column holding anything but blanks. A space typed far below (Excel has 1,048,576 rows) or
    far right makes openpyxl's sheet span it, and reading every row up to its end creates every cell on the way:
    minutes and gigabytes for one stray cell."""
    filled = [key for key, cell in sheet._cells.items()  # openpyxl keeps no public index of the cells it holds
              if cell.value is not None and str(cell.value).strip()]
    return max((row for row, _column in filled), default=0), max((column for _row, column in filled), default=0)


def _refuse_oversized(path: Path, data: bytes, max_rows: int | None, rows_above: int) -> None:
    """TableFileError for a workbook that would unpack, or merge cells, far beyond any real ledger; TooManyRows for
    one with a sheet of more rows holding something than `max_rows` and `rows_above` above them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if sum(member.file_size for member in members) > XLSX_MAX_UNPACKED:
                raise TableFileError(texts.excel_too_large(str(path)))
            merged, uncalculated, most_rows = 0, False, 0
            for member in members:
                if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                    sheet_xml = archive.read(member)
                    merged += _merged_cells(sheet_xml)
                    uncalculated = uncalculated or _UNCALCULATED.search(sheet_xml) is not None
                    if max_rows is not None:
                        most_rows = max(most_rows, _rows_with_values(sheet_xml))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise TableFileError(texts.excel_unreadable(str(path))) from None
    if merged > XLSX_MAX_MERGED_CELLS:
        raise TableFileError(texts.excel_too_large(str(path)))
    if max_rows is not None and most_rows > max_rows + rows_above:
        raise TooManyRows(path, max_rows)
    if uncalculated:
        raise TableFileError(texts.excel_uncalculated(str(path)))


def _rows_with_values(sheet_xml: bytes) -> int:
    """How many of a sheet's rows hold a value (a number, a shared or an inline string): counted in its XML, in
    well under a second for a sheet of 100,000 rows that openpyxl takes 40 s and 300 MB to load. Rows of
    formatting only (a template's styled blank rows) hold none."""
    return sum(1 for row in _XML_ROW.finditer(sheet_xml) if row[1] and _XML_VALUE.search(row[1]))


def _merged_cells(sheet_xml: bytes) -> int:
    """How many cells a sheet's merged ranges cover."""
    return sum((abs(int(last_row) - int(first_row)) + 1) * (abs(_column(last) - _column(first)) + 1)
               for first, first_row, last, last_row in _MERGE_REF.findall(sheet_xml))


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _displayed(cell: Any) -> object:
    """The cell's value, a number with the words its format adds (3 shown as 3号楼 by 0"号楼") as Excel shows it."""
    value = cell.value
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return value
    quoted = _ESCAPED_CHARACTER.sub(r'"\1"', cell.number_format.split(";")[0]).replace('""', "")
    wording = _NUMBER_WITH_WORDS.fullmatch(quoted)
    if wording is None or not (wording["before"] or wording["after"]):
        return value
    return f"{wording['before'] or ''}{_cell_text(value)}{wording['after'] or ''}"


def _merged_values(sheet: Any) -> dict[tuple[int, int], object]:
    """(row, column) -> value for every cell a merged range covers: a merged 社区 names each of its rows."""
    values: dict[tuple[int, int], object] = {}
    for cells in sheet.merged_cells.ranges:
        value = _displayed(sheet.cell(cells.min_row, cells.min_col))
        for row in range(cells.min_row, cells.max_row + 1):
            for column in range(cells.min_col, cells.max_col + 1):
                values[(row, column)] = value
    return values


class DateCell(str):
    """A cell Excel stores as a date: typed as 1-2 or 3/1, a unit or building number became 1月2日 on entry."""


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.time)):
        return DateCell(value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value.isoformat())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps every number as a float: building 3, not 3.0
    text = _XML_ESCAPE.sub(lambda escape: chr(int(escape[1], 16)), value) if isinstance(value, str) else str(value)
    return plain_line_breaks(text).strip()


def plain_line_breaks(text: str) -> str:
    """A line break in a cell (Alt+Enter) as one line feed, however the program that saved the file wrote it."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
