"""Reading an operator's spreadsheet: CSV (UTF-8 or GBK) or .xlsx, into named cells with line numbers.

Shared by `gridbot import org`, `gridbot faq import` and `gridbot nlp train|eval --data`: each names its columns
and which are required.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from handlers import operator_texts as texts

XLSX_MAGIC = b"PK\x03\x04"  # .xlsx is a zip archive
XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (OLE compound file)


class TableFileError(Exception):
    """The file cannot be read as the expected spreadsheet; the message is worded for the operator."""


@dataclass(frozen=True)
class Columns:
    """The headers a file must (or may) have: field name -> header, and the fields that are required.

    `aliases`: other headers a field's column may have, for exports that name it their own way; with two of
    them in one file, the header first (then the earliest alias) wins.
    """

    headers: Mapping[str, str]
    required: tuple[str, ...]
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


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
        raise TableFileError(texts.file_unreadable(str(path), error.strerror or str(error))) from None
    # The content decides, not the name: offices rename files, and Excel saves .csv names over workbooks.
    if data.startswith(XLS_MAGIC):
        raise TableFileError(texts.old_excel(str(path)))
    lines = _xlsx_lines(path, data) if data.startswith(XLSX_MAGIC) else _csv_lines(path, data)
    return _rows(path, lines, columns)


def _decode_csv(path: Path, data: bytes) -> str:
    """The text of a CSV: UTF-8 (with or without BOM) first, then GBK's superset GB18030."""
    # NUL bytes mean UTF-16 (Excel's "Unicode text") or not text at all; GB18030 would decode them silently.
    if b"\x00" not in data:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise TableFileError(texts.unknown_encoding(str(path)))


def _csv_lines(path: Path, data: bytes) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(_decode_csv(path, data), newline=""))
    lines = []
    start = 1  # a quoted cell may span lines: a record is numbered by the line it starts on
    try:
        for cells in reader:
            lines.append((start, [cell.strip() for cell in cells]))
            start = reader.line_num + 1
    except csv.Error:
        raise TableFileError(texts.csv_malformed(str(path), start)) from None
    return lines


def _xlsx_lines(path: Path, data: bytes) -> list[tuple[int, list[str]]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged workbook fails in zipfile, XML or openpyxl, each with its own exception types
        raise TableFileError(texts.excel_unreadable(str(path))) from None
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        # The stored dimensions can be wrong (many tools write A1:A1); trusting them would drop rows silently.
        sheet.reset_dimensions()
        # Missing rows come back as empty ones, so counting from 1 gives Excel's row numbers.
        return [(number, [_cell_text(value) for value in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
    except Exception:
        raise TableFileError(texts.excel_unreadable(str(path))) from None
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps every number as a float: building 3, not 3.0
    return str(value).strip()


def _rows(path: Path, lines: Iterable[tuple[int, list[str]]], columns: Columns) -> list[TableRow]:
    positions: dict[str, int] | None = None
    rows = []
    for line, cells in lines:
        if not any(cells):
            continue
        if positions is None:
            positions = _header(cells, columns)
            continue
        values = {name: cells[index] if index < len(cells) else "" for name, index in positions.items()}
        rows.append(TableRow(line, {name: values.get(name, "") for name in columns.headers}))
    if positions is None:
        raise TableFileError(texts.empty_file(str(path), list(columns.headers.values())))
    return rows


def _header(cells: list[str], columns: Columns) -> dict[str, int]:
    field_of_header = {header: (name, 0) for name, header in columns.headers.items()}
    for name, others in columns.aliases.items():
        for rank, other in enumerate(others, start=1):
            field_of_header.setdefault(other.lower(), (name, rank))
    positions: dict[str, tuple[int, int]] = {}
    for index, header in enumerate(cells):
        found = field_of_header.get(header) or field_of_header.get(header.lower())
        if found is None:
            continue
        name, rank = found
        if name in positions and positions[name][0] == rank:
            raise TableFileError(texts.duplicate_column(header))
        if name not in positions or rank < positions[name][0]:
            positions[name] = (rank, index)
    missing = [_named(columns, name) for name in columns.required if name not in positions]
    if missing:
        optional = [header for name, header in columns.headers.items() if name not in columns.required]
        raise TableFileError(texts.missing_columns(missing, list(columns.headers.values()), optional))
    return {name: index for name, (_, index) in positions.items()}


def _named(columns: Columns, name: str) -> str:
    others = columns.aliases.get(name, ())
    return f"{columns.headers[name]}（或 {'、'.join(others)}）" if others else columns.headers[name]
