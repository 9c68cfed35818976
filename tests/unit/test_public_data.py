"""The public data sets joined to gridbot's labels, and the fixed train/test split of the hand labels."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from nlp import load_taxonomy, public
from nlp.taxonomy import UNCLASSIFIED


def write_lines(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    return path


def test_the_shipped_labels_are_ids_and_taxonomy_labels_without_texts() -> None:
    labels = public.read_labels()
    names = {*load_taxonomy().names, UNCLASSIFIED}
    assert len(labels) == len({item.id for item in labels}) == 1660
    assert {item.label for item in labels} <= names
    assert {item.second for item in labels if item.second} <= names
    raw = public.LABELS_FILE.read_text(encoding="utf-8")
    assert all(set(json.loads(line)) <= {"id", "label", "second", "note", "split_by"} for line in raw.splitlines())
    assert {item.split_by for item in labels if item.split_by} <= names


def test_the_split_is_stratified_and_fixed() -> None:
    labels = public.read_labels()
    sides = public.split(labels)
    assert sides == public.split(list(reversed(labels)))  # order does not matter, only the ids
    tested = Counter(item.stratum for item in labels if sides[item.id] == "test")
    every = Counter(item.stratum for item in labels)
    for label, count in every.items():
        assert tested[label] == round(count * public.TEST_PERCENT / 100), label
    assert sum(tested.values()) == 498


def test_adding_a_label_moves_no_other_label_across(tmp_path: Path) -> None:
    labels = [public.Labelled(str(number), "噪音扰民" if number % 2 else "市政设施") for number in range(40)]
    before = public.split(labels)
    after = public.split([*labels, public.Labelled("x", "待分类")])
    assert {key: side for key, side in after.items() if key != "x"} == before


def test_a_corrected_train_label_moves_no_message_across() -> None:
    # Five 市政设施 put two in the test split; four would put one, so relabelling one without split_by would move one.
    labels = [public.Labelled(str(number), "市政设施" if number < 5 else "噪音扰民") for number in range(25)]
    before = public.split(labels)
    trained = next(item for item in labels if item.label == "市政设施" and before[item.id] == "train")
    corrected = [public.Labelled(item.id, "噪音扰民", split_by=item.label) if item is trained else item
                 for item in labels]
    assert public.split(corrected) == before
    assert public.split([public.Labelled(item.id, "噪音扰民") if item is trained else item for item in labels]) != before


def test_zhejiang_texts_are_joined_by_id(tmp_path: Path) -> None:
    labels = write_lines(tmp_path / "labels.jsonl", [{"id": "1", "label": "噪音扰民"}, {"id": "2", "label": "待分类"},
                                                     {"id": "3", "label": "噪音扰民"}])
    write_lines(tmp_path / public.ZHEJIANG, [{"id": 3, "text": "工地夜里施工"}, {"id": 1, "text": "广场舞太吵"},
                                              {"id": 2, "text": "工资被拖欠"}])
    every = public.zhejiang(tmp_path, labels=labels)
    assert [(example.text, example.label) for example in every] == [
        ("广场舞太吵", "噪音扰民"), ("工资被拖欠", "待分类"), ("工地夜里施工", "噪音扰民")]
    assert [example.label for example in public.zhejiang(tmp_path, labels=labels, unclassified=False)] == ["噪音扰民"] * 2
    sides = public.split(public.read_labels(labels))
    assert len(public.zhejiang(tmp_path, "test", labels)) == sum(side == "test" for side in sides.values())


def test_a_labels_second_problem_comes_with_its_text(tmp_path: Path) -> None:
    labels = write_lines(tmp_path / "labels.jsonl", [{"id": "1", "label": "噪音扰民", "second": "环境卫生"},
                                                     {"id": "2", "label": "市政设施"}])
    write_lines(tmp_path / public.ZHEJIANG, [{"id": 1, "text": "广场舞太吵，垃圾也没人清"}, {"id": 2, "text": "路灯坏了"}])
    assert [(item.second, text) for item, text in public.with_texts(tmp_path, labels=labels)] == [
        ("环境卫生", "广场舞太吵，垃圾也没人清"), (None, "路灯坏了")]


def test_a_missing_text_or_file_is_named(tmp_path: Path) -> None:
    labels = write_lines(tmp_path / "labels.jsonl", [{"id": "7", "label": "噪音扰民"}])
    with pytest.raises(public.PublicDataError, match="cannot read"):
        public.zhejiang(tmp_path, labels=labels)
    write_lines(tmp_path / public.ZHEJIANG, [{"id": 1, "text": "广场舞太吵"}])
    with pytest.raises(public.PublicDataError, match="no message with id 7"):
        public.zhejiang(tmp_path, labels=labels)


def test_kaohsiung_noise_is_noise_again(tmp_path: Path) -> None:
    write_lines(tmp_path / public.KAOHSIUNG, [
        {"text": "该处工地噪音", "label": "综合执法", "source_label": "噪音"},
        {"text": "该址住户电钻", "label": "邻里纠纷", "source_label": "妨害安寧"},
        {"text": "该处路灯不亮", "label": "市政设施", "source_label": "路燈故障(一)"},
    ])
    assert [example.label for example in public.kaohsiung(tmp_path)] == ["噪音扰民", "噪音扰民", "市政设施"]
