"""Training data from a street office's spreadsheets: .xlsx and CSV (UTF-8, BOM, GBK) read like the other imports,
with Chinese headers, Excel's row numbers in every complaint, and nothing trained until every row is clean."""

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from bot.cli.gridbot import main
from bot.sheets.errors import TableFileError
from bot.sheets.examples import read_labelled
from handlers import operator_texts
from nlp.dataset import DatasetError, Example

HOTLINE = Path(__file__).parent.parent / "data" / "hotline_small.jsonl"  # 12345-style labels, 10 per label


def hotline() -> list[Example]:
    lines = HOTLINE.read_text(encoding="utf-8").splitlines()
    return [Example(**json.loads(line)) for line in lines if line.strip()]


def history_workbook(path: Path, examples: list[Example], blank: dict[int, str] | None = None) -> Path:
    """A 12345 history export as offices keep it: ticket numbers, dates, 诉求内容 and 分类 among other columns,
    an empty row between two months; `blank` empties a column ("text" or "label") on the given Excel rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "历史工单"
    sheet.append(["工单编号", "来电时间", "诉求内容", "承办单位", "分类"])
    for number, example in enumerate(examples, start=1):
        if number == 21:
            sheet.append([])  # the month changes: offices leave a line
        row = sheet.max_row + 1
        text = "" if (blank or {}).get(row) == "text" else example.text
        label = "" if (blank or {}).get(row) == "label" else example.label
        sheet.append([202611000 + number, f"2026-11-{number % 28 + 1:02d}", text, "幸福街道", label])
    workbook.save(path)
    return path


def gridbot(*arguments: str):
    return CliRunner().invoke(main, list(arguments))


def test_an_xlsx_export_with_its_own_headers_trains_and_evaluates(tmp_path):
    data = history_workbook(tmp_path / "历史工单.xlsx", hotline())

    trained = gridbot("nlp", "train", "--data", str(data), "--model", str(tmp_path / "m"))
    evaluated = gridbot("nlp", "eval", "--data", str(data), "--model", str(tmp_path / "m"), "--json")

    assert trained.exit_code == 0, trained.output
    assert trained.output.startswith("训练完成：40 条样本，4 个类别")
    assert "模型已保存到" in trained.output
    assert evaluated.exit_code == 0, evaluated.output
    assert json.loads(evaluated.output)["n"] == 40


def test_rows_without_text_or_label_are_all_named_by_excel_row_and_nothing_is_trained(tmp_path):
    data = history_workbook(tmp_path / "历史工单.xlsx", hotline(), blank={5: "text", 24: "label", 30: "text"})

    result = gridbot("nlp", "train", "--data", str(data), "--model", str(tmp_path / "m"))

    assert result.exit_code == 1
    assert [line.removeprefix("错误：") for line in result.output.splitlines()] == [
        f"{data} 第 5 行：“内容”是空的",
        f"{data} 第 24 行：“类别”是空的",
        f"{data} 第 30 行：“内容”是空的",
        "请改正后重试，没有生成或更新任何模型。",
    ]
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_a_csv_in_utf8_with_or_without_bom_or_in_gbk_reads_the_same(tmp_path, encoding):
    path = tmp_path / "a.csv"
    path.write_bytes("编号,内容,类别\r\n1,电梯坏了,物业\r\n2,\"路灯不亮,晚上很黑\",市政\r\n".encode(encoding))

    assert read_labelled(path) == [Example("电梯坏了", "物业"), Example("路灯不亮,晚上很黑", "市政")]


@pytest.mark.parametrize("header", ["text,label", "文本,标签", "诉求内容,分类", "Content,Category"])
def test_the_header_names_of_other_exports_are_accepted(tmp_path, header):
    path = tmp_path / "a.csv"
    path.write_text(f"{header}\n电梯坏了,物业\n路灯不亮,市政\n", encoding="utf-8")

    assert read_labelled(path) == [Example("电梯坏了", "物业"), Example("路灯不亮", "市政")]


def test_the_documented_header_wins_over_another_name_for_the_same_column(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("诉求,内容,类别\n电梯,电梯坏了,物业\n路灯,路灯不亮,市政\n", encoding="utf-8")

    assert [example.text for example in read_labelled(path)] == ["电梯坏了", "路灯不亮"]


def test_a_file_without_a_label_column_names_the_headers_it_may_have(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("内容,备注\n电梯坏了,1\n", encoding="utf-8")

    with pytest.raises(TableFileError) as raised:
        read_labelled(path)

    assert str(raised.value).startswith("表头（第 1 行）缺少 “类别（或 标签、分类、label、category）” 列。")


def test_an_old_excel_file_is_refused_with_save_as_advice(tmp_path):
    path = tmp_path / "历史工单.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))

    result = gridbot("nlp", "train", "--data", str(path), "--model", str(tmp_path / "m"))

    assert result.exit_code == 1
    assert "旧版 Excel（.xls）" in result.output and "另存为" in result.output
    assert operator_texts.SAVE_AS_HINT in result.output


def test_one_label_in_a_spreadsheet_is_refused_like_in_jsonl(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("内容,类别\n电梯坏了,物业\n楼道灯坏了,物业\n", encoding="utf-8")

    with pytest.raises(DatasetError) as raised:
        read_labelled(path)

    assert "2 条样本只有一个类别（物业）" in operator_texts.dataset_problems(raised.value)
