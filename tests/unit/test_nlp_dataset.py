"""Reading labelled examples from JSONL (spreadsheets: tests/unit/test_training_sheets.py): any label set, every
problem named by its line."""

from pathlib import Path

import pytest

from nlp.dataset import DatasetError, Example, read_examples


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_jsonl_with_any_labels(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", '{"text": "公交车不停站", "label": "交通"}\n\n{"text": " 学费太贵 ", "label": "教育"}\n')
    assert read_examples(path) == [Example("公交车不停站", "交通"), Example("学费太贵", "教育")]


@pytest.mark.parametrize(("content", "expected"), [
    ('{"text": "a", "label": "x"}\n{"text": "b"}\n', 'a.jsonl:2: missing field "label"'),
    ('{"text": "a", "label": "x"}\nnot json\n', "a.jsonl:2: not a JSON object"),
    ('{"text": "", "label": "x"}\n{"text": "b", "label": "y"}\n', 'a.jsonl:1: field "text" is empty'),
    ('{"text": 3, "label": "x"}\n{"text": "b", "label": "y"}\n', 'a.jsonl:1: field "text" must be a string'),
    ('["a", "x"]\n{"text": "b", "label": "y"}\n', "a.jsonl:1: not a JSON object"),
])
def test_a_bad_line_is_named(tmp_path: Path, content: str, expected: str) -> None:
    with pytest.raises(DatasetError, match=expected):
        read_examples(write(tmp_path, "a.jsonl", content))


def test_every_bad_line_is_reported_not_only_the_first(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as raised:
        read_examples(write(tmp_path, "a.jsonl", '{"text": "a"}\n{"label": "b"}\n{"text": "c", "label": "d"}\n'))
    assert "a.jsonl:1:" in str(raised.value) and "a.jsonl:2:" in str(raised.value)


def test_one_label_only_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", '{"text": "a", "label": "x"}\n{"text": "b", "label": "x"}\n')
    with pytest.raises(DatasetError, match=r"only one label \(x\)"):
        read_examples(path)


def test_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", '{"text": "a", "label": "x"}\n{"text": "电梯", "label": "y"}\n', "gbk")
    with pytest.raises(DatasetError, match=r"a.jsonl:2: not UTF-8 text"):
        read_examples(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="cannot read"):
        read_examples(tmp_path / "absent.jsonl")


def test_operators_read_the_problems_in_chinese_by_line(tmp_path: Path) -> None:
    from handlers import operator_texts

    with pytest.raises(DatasetError) as raised:
        read_examples(write(tmp_path, "b.jsonl", '{"text": "a"}\n{"text": "", "label": "y"}\n'))
    assert operator_texts.dataset_problems(raised.value).splitlines()[:2] == [
        f"{tmp_path / 'b.jsonl'} 第 1 行：缺少“类别”", f"{tmp_path / 'b.jsonl'} 第 2 行：“文本”是空的"]
