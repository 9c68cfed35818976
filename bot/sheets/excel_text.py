"""Cells that Excel and WPS open as text, never as formulas.

A cell beginning with `=`, `+`, `-` or `@` (or a tab or carriage return before one) is a formula to a spreadsheet,
and what residents and staff write reaches the operator's exports: an appeal saying `=cmd|' /C calc'!A0` would run
on the office computer that opens the CSV. In a CSV such a cell gets a leading apostrophe, as OWASP advises; in an
.xlsx, openpyxl stores a string beginning with `=` as a formula unless the cell is typed as a string again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """`value` as a CSV cell: text that would start a formula is prefixed with an apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: Iterable[object]) -> list[object]:
    """A CSV row of `csv_cell`s."""
    return [csv_cell(value) for value in values]


def append_as_text(sheet: Any, values: Iterable[object]) -> None:
    """Append a row to an openpyxl worksheet with every string kept as the string it is (`=…` included)."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
