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
import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from handlers import operator_texts as texts

XLSX_MAGIC = b"PK\x03\x04"  # .xlsx is a zip archive
XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (OLE compound file)
# A password-protected .xlsx (or WPS .et) is an OLE compound file too, whose workbook is this encrypted stream.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# Many systems' "导出 Excel" writes a web page (or Excel 2003's XML) named .xls: Excel opens it, a CSV reader cannot.
_MARKUP = re.compile(rb"<(?:html|table|\?xml|!doctype html)\b", re.IGNORECASE)
DITTO_WORDS = ("同上", "〃")  # a cell saying "the same as the cell above", as paper forms and their ledgers do
HEADER_SEARCH_ROWS = 10  # a title, a date line, a blank: the header row is found among the first non-empty rows
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
_SPACES = re.compile(r"\s+")
_FLOAT_WHOLE = re.compile(r"[0-9]+\.0+")
# A number format that shows a whole number with words around it: 0"号楼", "第"0"栋", General"单元" (\号 is "号").
_NUMBER_WITH_WORDS = re.compile(r'(?:"(?P<before>[^"]*)")?(?:0+|#+|General)(?:"(?P<after>[^"]*)")?')
_ESCAPED_CHARACTER = re.compile(r"\\(.)")
# How Excel writes a character XML cannot hold in a cell's text (a carriage return is _x000D_, a literal _x is
# _x005F_x); openpyxl hands the escapes over as they are.
_XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_BRACKETED_REMARK = re.compile(r"\([^()]*\)$")  # read after NFKC, which makes （居委会） (居委会)
_REQUIRED_MARKS = re.compile(r"^[*★☆※]+|[*★☆※]+$")  # after NFKC, which makes ＊ *
# What Excel and WPS show (and save, in a CSV too) where a formula failed: a ledger's VLOOKUP that found nothing.
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!"})


class TableFileError(Exception):
    """The file cannot be read as the expected spreadsheet; the message is worded for the operator."""


class TooManyRows(TableFileError):
    """The file holds more data rows than the reader was asked to take (`limit`); a workbook is refused so before
    it is loaded, a CSV as soon as the row past the limit is read."""

    def __init__(self, path: Path, limit: int) -> None:
        super().__init__(texts.too_many_rows(str(path), limit))
        self.limit = limit


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


def read_table(path: Path | str, columns: Columns) -> list[TableRow]:
    """The data rows of the file (header required, empty lines skipped), numbered as Excel or an editor shows them."""
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
        raise TableFileError(texts.file_unreadable(str(path), texts.os_reason(error))) from None
    return read_table_data(data, path, columns)


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
    lines, sheets = _xlsx_lines(path, data, max_rows)
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
            yield start, [_whole_number(_plain_line_breaks(cell).strip()) for cell in cells]
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


def _xlsx_lines(path: Path, data: bytes, max_rows: int | None = None) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """The first visible sheet's lines, and the names of the visible sheets (what Excel shows as its tabs)."""
    import openpyxl

    _refuse_oversized(path, data, max_rows)
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
        sheet = shown[0]
        merged = _merged_values(sheet)
        last_row, last_column = _filled_extent(sheet)
        # Missing rows come back as empty ones, so counting from 1 gives Excel's row numbers.
        return ([(number, [_cell_text(merged.get((number, column), _displayed(cell)))
                           for column, cell in enumerate(cells, start=1)])
                 for number, cells in enumerate(sheet.iter_rows(min_row=1, min_col=1, max_row=last_row,
                                                                max_col=last_column), start=1)],
                [shown_sheet.title for shown_sheet in shown])
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


def _refuse_oversized(path: Path, data: bytes, max_rows: int | None = None) -> None:
    """TableFileError for a workbook that would unpack, or merge cells, far beyond any real ledger; TooManyRows for
    one with a sheet of more rows holding something than `max_rows` and a title and header above them."""
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
    if max_rows is not None and most_rows > max_rows + HEADER_SEARCH_ROWS:
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


class _DateCell(str):
    """A cell Excel stores as a date: typed as 1-2 or 3/1, a unit or building number became 1月2日 on entry."""


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.time)):
        return _DateCell(value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value.isoformat())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps every number as a float: building 3, not 3.0
    text = _XML_ESCAPE.sub(lambda escape: chr(int(escape[1], 16)), value) if isinstance(value, str) else str(value)
    return _plain_line_breaks(text).strip()


def _plain_line_breaks(text: str) -> str:
    """A line break in a cell (Alt+Enter) as one line feed, however the program that saved the file wrote it."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


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
        if isinstance(value, _DateCell):
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
