"""Reading an operator's spreadsheet: CSV (UTF-8 or GBK; tab-separated and Excel's UTF-16 "Unicode 文本" too) or
.xlsx, into named cells with line numbers.

Shared by `gridbot import org`, `gridbot faq import` and `gridbot nlp train|eval --data`: each names its columns
and which are required. Real ledgers are read as offices keep them: the header is found below a title (within the
first rows), merged cells give their value to every cell they cover, and a ledger may say which columns an empty
cell means "same as above" in and which words (合计, 小计) mark a total row to skip.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from bot.sheets.errors import TableFileError, TooManyRows
from bot.sheets.workbook import DateCell, plain_line_breaks, xlsx_lines
from handlers import operator_texts as texts
from handlers.os_reasons import os_reason

XLSX_MAGIC = b"PK\x03\x04"  # .xlsx is a zip archive
XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (OLE compound file)
# A password-protected .xlsx (or WPS .et) is an OLE compound file too, whose workbook is this encrypted stream.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# Many systems' "导出 Excel" writes a web page (or Excel 2003's XML) named .xls: Excel opens it, a CSV reader cannot.
_MARKUP = re.compile(rb"<(?:html|table|\?xml|!doctype html)\b", re.IGNORECASE)
DITTO_WORDS = ("同上", "〃")  # a cell saying "the same as the cell above", as paper forms and their ledgers do
HEADER_SEARCH_ROWS = 10  # a title, a date line, a blank: the header row is found among the first non-empty rows
_SPACES = re.compile(r"\s+")
_FLOAT_WHOLE = re.compile(r"[0-9]+\.0+")
_BRACKETED_REMARK = re.compile(r"\([^()]*\)$")  # read after NFKC, which makes （居委会） (居委会)
_REQUIRED_MARKS = re.compile(r"^[*★☆※]+|[*★☆※]+$")  # after NFKC, which makes ＊ *
# What Excel and WPS show (and save, in a CSV too) where a formula failed: a ledger's VLOOKUP that found nothing.
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!"})


@dataclass(frozen=True)
class Columns:
    """The headers a file must (or may) have: field name -> header, and the fields that are required.

    `aliases`: other headers a field's column may have, for exports that name it their own way; with two of
    them in one file, the header first (then the earliest alias) wins.
    """

    headers: Mapping[str, str]
    required: tuple[str, ...]
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Fields where an empty cell under a filled one means "same as above", while every field before it in this
    # tuple is the same as above too (a blank 网格 under 第一网格 of the same 社区).
    fill_down: tuple[str, ...] = ()
    # A row whose first non-empty cell starts with one of these is a total line, not data.
    total_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableRow:
    """One data line: its number as Excel or an editor shows it, and every field's cell ("" when absent)."""

    line: int
    cells: dict[str, str]


def read_table(path: Path | str, columns: Columns, max_rows: int | None = None) -> list[TableRow]:
    """The data rows of the file (header required, empty lines skipped), numbered as Excel or an editor shows them;
    with `max_rows`, a longer file is refused (TooManyRows)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TableFileError(texts.file_not_found(str(path))) from None
    except IsADirectoryError:
        raise TableFileError(texts.is_a_directory(str(path))) from None
    except PermissionError:
        raise TableFileError(texts.no_permission(str(path))) from None
    except OSError as error:
        raise TableFileError(texts.file_unreadable(str(path), os_reason(error))) from None
    return read_table_data(data, path, columns, max_rows)


def read_table_data(data: bytes, path: Path | str, columns: Columns, max_rows: int | None = None) -> list[TableRow]:
    """Like `read_table`, of a file's bytes already in hand (an upload); `path` names it in the messages. With
    `max_rows`, a file of more data rows is refused (TooManyRows) without reading them all."""
    path = Path(path)
    # The content decides, not the name: offices rename files, and Excel saves .csv names over workbooks.
    if data.startswith(XLS_MAGIC):
        if ENCRYPTED_STREAM in data:
            raise TableFileError(texts.excel_encrypted(str(path)))
        raise TableFileError(texts.old_excel(str(path)))
    if not data.startswith(XLSX_MAGIC):
        if _MARKUP.match(data.lstrip(codecs.BOM_UTF8 + b" \t\r\n")):
            raise TableFileError(texts.web_page_table(str(path)))
        return _rows(path, _csv_lines(path, data), columns, max_rows=max_rows)
    lines, sheets = xlsx_lines(path, data, max_rows, rows_above=HEADER_SEARCH_ROWS)
    try:
        return _rows(path, lines, columns, workbook=True, max_rows=max_rows)
    except TooManyRows:
        raise
    except TableFileError as error:  # the header was not found where it was looked for: say where that was
        if len(sheets) > 1:
            raise TableFileError(str(error) + texts.first_sheet_only(sheets[0], sheets[1:])) from None
        raise


def _decode_csv(path: Path, data: bytes) -> str:
    """The text of a CSV: UTF-16 with its BOM (Excel's and WPS's "Unicode 文本"), else UTF-8 (with or without BOM)
    first, then GBK's superset GB18030."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise TableFileError(texts.unknown_encoding(str(path))) from None
    # Other NUL bytes mean UTF-16 without its BOM or not text at all; GB18030 would decode them silently.
    if b"\x00" not in data:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise TableFileError(texts.unknown_encoding(str(path)))


def _csv_lines(path: Path, data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The CSV's records as they are read (a reader with a row limit stops at it, the rest never split)."""
    text = _decode_csv(path, data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    start = 1  # a quoted cell may span lines: a record is numbered by the line it starts on
    try:
        for cells in reader:
            yield start, [_whole_number(plain_line_breaks(cell).strip()) for cell in cells]
            start = reader.line_num + 1
    except csv.Error:
        raise TableFileError(texts.csv_malformed(str(path), start)) from None


def _whole_number(cell: str) -> str:
    """A whole number as Excel shows it: a CSV a program wrote from a column of floats (pandas' to_csv, where a
    column has blanks) says 3.0 for building 3, which Excel opens as 3."""
    return cell.split(".", 1)[0] if _FLOAT_WHOLE.fullmatch(cell) else cell


def _delimiter(text: str) -> str:
    """Tabs when the first line with anything on it has tabs and no commas: Excel's "Unicode 文本" and cells copied
    out of a sheet into a .txt are tab-separated."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return "\t" if "\t" in first and "," not in first else ","


def _rows(path: Path, lines: Iterable[tuple[int, list[str]]], columns: Columns,
          workbook: bool = False, max_rows: int | None = None) -> list[TableRow]:
    positions: dict[str, int] | None = None
    rows: list[TableRow] = []
    before_header = 0
    field_of_header = _fields_by_header(columns)
    # The header row until the row below it is read, with its refusal when it lacks a required column.
    header: tuple[int, list[str], TableFileError | None] | None = None
    for line, cells in lines:
        if not any(cells):
            continue
        if header is not None:
            # A header of two rows (住址 over 小区, 楼栋, 单元): columns the first row lacks, or leaves unnamed under
            # a heading over several, are named below it.
            header_line, header_cells, lacking = header
            header = None
            if lacking is not None or _names_more_columns(cells, header_cells, field_of_header):
                stacked = _header_or_none(header_line, _stacked(header_cells, cells), columns)
                if stacked is None and lacking is not None:
                    raise lacking
                if stacked is not None:
                    positions = stacked
                    continue
        if positions is None:
            before_header += 1
            # Above the header: a title or a date line; the first row naming a required column is the header.
            if _names_a_column(cells, columns):
                try:
                    positions = _header(line, cells, columns)
                    header = (line, cells, None)
                except TableFileError as error:
                    header = (line, cells, error)
            elif before_header == HEADER_SEARCH_ROWS:
                break  # rows of another kind of file, however long: no header, not a header lacking columns
            continue
        if _is_total(cells, columns, positions):
            continue
        values = {name: cells[index] if index < len(cells) else "" for name, index in positions.items()}
        if not any(values.values()):
            continue  # a template's unused rows, numbered in its 序号 column ahead of use, hold no data
        if _repeats_header(values, field_of_header):
            continue  # two ledgers pasted one under the other, or a header repeated on every printed page
        _refuse_dates(path, line, values, columns)
        _refuse_formula_errors(path, line, values, columns)
        cells_by_name = {name: values.get(name, "") for name in columns.headers}
        if max_rows is not None and len(rows) == max_rows:
            raise TooManyRows(path, max_rows)
        rows.append(TableRow(line, _filled_down(cells_by_name, rows[-1].cells if rows else None, columns)))
    if header is not None and header[2] is not None:
        raise header[2]
    if positions is None:
        headers = list(columns.headers.values())
        if before_header:  # lines, but none of them names a column: no header row, or not separated by commas
            raise TableFileError(texts.no_header(str(path), headers, workbook))
        raise TableFileError(texts.empty_file(str(path), headers))
    return rows


def _refuse_dates(path: Path, line: int, values: dict[str, str], columns: Columns) -> None:
    """No column an import reads holds dates: a date there is a name Excel changed as it was typed."""
    for name, value in values.items():
        if isinstance(value, DateCell):
            typed = value.removesuffix(" 00:00:00")
            raise TableFileError(texts.date_cell(str(path), line, columns.headers[name], typed))


def _refuse_formula_errors(path: Path, line: int, values: dict[str, str], columns: Columns) -> None:
    """No name is #N/A: such a cell is a formula that found nothing, and would become a building called #N/A."""
    for name, value in values.items():
        if value.upper() in EXCEL_ERRORS:
            raise TableFileError(texts.formula_error_cell(str(path), line, columns.headers[name], value))


def _names_a_column(cells: list[str], columns: Columns) -> bool:
    wanted = {columns.headers[name] for name in columns.required}
    wanted |= {alias.lower() for name in columns.required for alias in columns.aliases.get(name, ())}
    return any(header in wanted or header.lower() in wanted for cell in cells for header in _header_readings(cell))


def _is_total(cells: list[str], columns: Columns, positions: dict[str, int]) -> bool:
    """A total line: its first cell says 合计 or 小计, or (under a 街道 merged over its communities' subtotals) a
    column read says so and no column read after it names anything."""
    if not columns.total_words:
        return False
    first = next((cell for cell in cells if cell), "")
    if _header_text(first).startswith(columns.total_words):
        return True
    read = sorted(index for index in positions.values() if index < len(cells))
    return any(_header_text(cells[index]).startswith(columns.total_words)
               and not any(cells[later] for later in read if later > index) for index in read if cells[index])


def _filled_down(cells: dict[str, str], above: dict[str, str] | None, columns: Columns) -> dict[str, str]:
    """The row's cells with the "same as above" ones (written 同上 in any column, or empty in a fill-down one) filled
    from the row above."""
    filled = {name: (above or {}).get(name, "") if _header_text(value) in DITTO_WORDS else value
              for name, value in cells.items()}
    if above is None:
        return filled
    for index, name in enumerate(columns.fill_down):
        same_so_far = all(filled[earlier] == above[earlier] for earlier in columns.fill_down[:index])
        if not filled[name] and same_so_far:
            filled[name] = above[name]
    return filled


def _header_text(cell: str) -> str:
    """A header as written (全角, 楼 栋 with a space) compared as the name it is; a byte-order mark before it (two
    CSVs joined with `copy a.csv+b.csv`, each starting with one) is no part of it."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", cell)).replace("\ufeff", "")


def _header_readings(cell: str) -> tuple[str, ...]:
    """The names a header cell may be read as: as written (less the * or ★ templates mark a required column
    with: *街道, 楼栋*), then without a closing remark in brackets (社区（居委会）, 楼栋(号)), which offices add to
    say what the column holds."""
    text = _REQUIRED_MARKS.sub("", _header_text(cell)) or _header_text(cell)
    plain = _REQUIRED_MARKS.sub("", _BRACKETED_REMARK.sub("", text))
    return (text, plain) if plain and plain != text else (text,)


def _field_of(cell: str, field_of_header: dict[str, tuple[str, int]]) -> tuple[str, tuple[str, int]] | None:
    """The header a cell is read as and its (field, alias rank), or None for a column the file may have."""
    for header in _header_readings(cell):
        found = field_of_header.get(header) or field_of_header.get(header.lower())
        if found is not None:
            return header, found
    return None


def _fields_by_header(columns: Columns) -> dict[str, tuple[str, int]]:
    """Header (aliases lower-cased) -> (field, alias rank: 0 for the header itself)."""
    field_of_header = {header: (name, 0) for name, header in columns.headers.items()}
    for name, others in columns.aliases.items():
        for rank, other in enumerate(others, start=1):
            field_of_header.setdefault(other.lower(), (name, rank))
    return field_of_header


def _repeats_header(values: dict[str, str], field_of_header: dict[str, tuple[str, int]]) -> bool:
    """Whether a data row is the header again: each of its filled cells names its own column (街道 under 街道)."""
    filled = [(name, value) for name, value in values.items() if value]
    return all((found := _field_of(value, field_of_header)) is not None and found[1][0] == name
               for name, value in filled)


def _header(line: int, cells: list[str], columns: Columns) -> dict[str, int]:
    field_of_header = _fields_by_header(columns)
    positions: dict[str, tuple[int, int]] = {}
    for index, cell in enumerate(cells):
        found = _field_of(cell, field_of_header)
        if found is None:
            continue
        header, (name, rank) = found
        if name in positions and positions[name][0] == rank:
            raise TableFileError(texts.duplicate_column(header))
        if name not in positions or rank < positions[name][0]:
            positions[name] = (rank, index)
    missing = [_named(columns, name) for name in columns.required if name not in positions]
    if missing:
        optional = [header for name, header in columns.headers.items() if name not in columns.required]
        raise TableFileError(texts.missing_columns(missing, list(columns.headers.values()), optional, line))
    return {name: index for name, (_, index) in positions.items()}


def _header_or_none(line: int, cells: list[str], columns: Columns) -> dict[str, int] | None:
    try:
        return _header(line, cells, columns)
    except TableFileError:
        return None


def _names_more_columns(cells: list[str], above: list[str], field_of_header: dict[str, tuple[str, int]]) -> bool:
    """Whether a row under a header names columns and nothing else: 小区, 楼栋 under 住址, beside the header cells
    merged down into it (which Excel gives to each row they cover)."""
    above = above + [""] * (len(cells) - len(above))
    named = [cell for cell, over in zip(cells, above[:len(cells)], strict=True) if cell and cell != over]
    return bool(named) and all(_field_of(cell, field_of_header) is not None for cell in named)


def _stacked(upper: list[str], lower: list[str]) -> list[str]:
    """A two-row header read as one: each column's name from the lower row where it has one, else the upper's."""
    length = max(len(upper), len(lower))
    upper, lower = upper + [""] * (length - len(upper)), lower + [""] * (length - len(lower))
    return [below or above for above, below in zip(upper, lower, strict=True)]


def _named(columns: Columns, name: str) -> str:
    others = columns.aliases.get(name, ())
    return f"{columns.headers[name]}（或 {'、'.join(others)}）" if others else columns.headers[name]
