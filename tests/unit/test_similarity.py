"""Which pairs of appeals of one building read as the same problem (the threshold behind "我也遇到")."""

from __future__ import annotations

import pytest

from nlp.similarity import (
    REPEAT_SIMILARITY,
    SIMILAR_ENOUGH,
    is_repeat,
    numbers,
    significant_text,
    text_similarity,
    wording_similarity,
)

SAME_PROBLEM = [
    ("3号楼电梯坏了，物业一直不来修", "3号楼的电梯又坏了，上下楼很不方便"),
    ("3号楼电梯坏了，物业一直不来修", "我也遇到了，3号楼电梯坏了"),
    ("电梯坏了", "电梯又坏了"),
    ("楼道灯不亮好几天了", "3号楼2单元楼道灯坏了，晚上黑乎乎的"),
    ("单元门门禁坏了关不上", "门禁坏了，单元门一直开着"),
    ("楼下垃圾桶满了没人清", "垃圾堆了三天没人清理，垃圾桶都满了"),
    ("楼顶漏水，家里天花板渗水", "顶楼漏水严重，下雨天天花板渗水"),
    ("楼上装修噪音太大", "楼上一直在装修，吵得没法休息"),
]
DIFFERENT_PROBLEMS = [
    ("3号楼电梯坏了，物业一直不来修", "3号楼楼道灯不亮"),
    ("电梯坏了不来修", "楼道灯坏了不来修"),
    ("电梯坏了", "单元门门禁坏了关不上"),
    ("楼下垃圾桶满了没人清", "有人在绿化带种菜"),
    ("楼顶漏水，家里天花板渗水", "电梯经常停运"),
    ("物业费太贵了", "物业不来修电梯"),
    ("楼道灯不亮", "楼道堆放杂物堵住消防通道"),
]


@pytest.mark.parametrize(("first", "second"), SAME_PROBLEM)
def test_restatements_of_one_problem_reach_the_threshold(first, second):
    assert text_similarity(first, second) >= SIMILAR_ENOUGH


@pytest.mark.parametrize(("first", "second"), DIFFERENT_PROBLEMS)
def test_different_problems_of_one_building_stay_below_it(first, second):
    assert text_similarity(first, second) < SIMILAR_ENOUGH


def test_it_is_symmetric_bounded_and_one_for_the_same_words():
    first, second = SAME_PROBLEM[0]
    assert text_similarity(first, second) == text_similarity(second, first)
    assert text_similarity(first, first) == 1.0
    assert 0.0 <= text_similarity(first, "完全无关的内容") <= 1.0


def test_the_address_and_filler_do_not_count():
    assert text_similarity("3号楼2单元", "3号楼2单元") == 0.0
    assert text_similarity("我们一直都", "") == 0.0
    assert "电梯" in significant_text("３号楼电梯坏了！")
    assert "3" not in significant_text("３号楼电梯坏了！")


def test_full_width_and_case_fold_like_the_classifier():
    assert text_similarity("ＷＩＦＩ信号差", "wifi信号差") == 1.0


def test_traditional_characters_fold_like_the_classifier():
    assert text_similarity("電梯壞了，3號樓，老人上不去", "3号楼电梯坏了，物业一直不来修") >= SIMILAR_ENOUGH
    assert is_repeat("3號樓電梯壞了，物業一直不來修", "3号楼电梯坏了，物业一直不来修")


# --- is_repeat: one sender sending the same message again (folded into their open appeal) ------------------

REPEATS = [
    ("3号楼电梯坏了，物业一直不来修", "3号楼电梯坏了，物业一直不来修"),
    ("3号楼电梯坏了，物业一直不来修", "３号楼电梯坏了,物业一直不来修！！"),
    ("3号楼电梯坏了，物业一直不来修", "3号楼电梯坏了物业一直不来修"),
    ("3号楼电梯坏了，物业一直不来修", "3号楼电梯又坏了，物业一直不来修"),
    ("3号楼电梯坏了，物业一直不来修", "3号楼电梯坏了，物业一直不来修，请尽快"),
    ("小区门口垃圾堆了三天没人清", "小区门口垃圾堆了三天没人清，臭死了"),
    ("楼上装修噪音太大", "楼上装修噪音太大了"),
]
NOT_REPEATS = [
    ("3号楼电梯坏了，物业一直不来修", "5号楼电梯坏了，物业一直不来修"),  # another building
    ("3号楼电梯坏了，物业一直不来修", "3号楼楼道灯坏了，物业一直不来修"),  # another fault
    ("3号楼电梯坏了，物业一直不来修", "3号楼的电梯又坏了，上下楼很不方便"),  # the same fault, told anew
    ("楼上装修噪音太大", "楼下装修噪音太大"),
    ("楼顶漏水，家里天花板渗水", "楼顶漏水，家里墙面渗水"),
    ("电梯坏了", "电梯又坏了"),  # short texts: one word is a large part of them
]


@pytest.mark.parametrize(("first", "second"), REPEATS)
def test_the_same_message_resent_or_barely_changed_is_a_repeat(first, second):
    assert wording_similarity(first, second) >= REPEAT_SIMILARITY
    assert is_repeat(first, second) and is_repeat(second, first)


@pytest.mark.parametrize(("first", "second"), NOT_REPEATS)
def test_another_place_or_another_fault_is_not_a_repeat(first, second):
    assert not is_repeat(first, second)


def test_numbers_must_match_even_when_the_words_do():
    assert numbers("３号楼2单元") == ("3", "2")
    assert wording_similarity("3号楼电梯坏了，物业一直不来修", "3号楼电梯坏了，物业一直不来修（第2次反映）") >= 0.85
    assert not is_repeat("3号楼电梯坏了，物业一直不来修", "3号楼电梯坏了，物业一直不来修（第2次反映）")
