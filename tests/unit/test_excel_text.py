"""Exports open in Excel with what people wrote shown as text: a cell that starts like a formula never runs."""

import csv
import io

import openpyxl

from bot.sheets.excel_text import csv_row
from bot.sheets.org import read_org_rows, write_org_rows
from storage.org_import import OrgRow

FORMULA = "=HYPERLINK(\"http://x.example\",\"3号楼\")"


def test_a_csv_cell_starting_like_a_formula_gets_an_apostrophe_and_numbers_stay_numbers():
    buffer = io.StringIO()
    csv.writer(buffer).writerow(csv_row([FORMULA, "+1 电梯", "-2+3", "@SUM(1)", "\t=1", "3号楼", -2, 0.5]))

    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == [
        "'" + FORMULA, "'+1 电梯", "'-2+3", "'@SUM(1)", "'\t=1", "3号楼", "-2", "0.5"]


def test_an_org_workbook_stores_a_name_starting_with_equals_as_text_and_reads_back_unchanged(tmp_path):
    path = tmp_path / "org.xlsx"
    row = OrgRow(2, "东湖街道", "滨湖社区", "第一网格", "滨湖花园", FORMULA, "1单元")

    write_org_rows(path, [row])

    cell = openpyxl.load_workbook(path).active.cell(row=2, column=5)
    assert (cell.value, cell.data_type) == (FORMULA, "s")
    assert read_org_rows(path) == [row]
