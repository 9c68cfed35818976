"""nlp.several: where one message holds several problems, with the shipped classifier."""

import pytest

from nlp.several import problems_in


@pytest.fixture(scope="module")
def classify():
    from nlp import load
    return load()[1].classify


def described(text, classify):
    return [(part.text, part.category, part.subcategory) for part in problems_in(text, classify)]


def test_a_numbered_list_is_cut_at_its_numbers(classify):
    assert described("1.小区门口路灯坏了 2.垃圾桶满了没人倒 3.楼上漏水", classify) == [
        ("小区门口路灯坏了", "市政设施", "路灯"), ("垃圾桶满了没人倒", "环境卫生", "垃圾清运"), ("楼上漏水", "邻里纠纷", None)]


@pytest.mark.parametrize("text", [
    "１．小区门口路灯坏了　２．垃圾桶满了没人倒",  # full-width digits, points and space
    "（1）小区门口路灯坏了；（2）垃圾桶满了没人倒",
    "⑴小区门口路灯坏了⑵垃圾桶满了没人倒",
    "①小区门口路灯坏了②垃圾桶满了没人倒",
])
def test_numbers_from_any_keyboard_cut_a_list(text, classify):
    assert described(text, classify) == [
        ("小区门口路灯坏了", "市政设施", "路灯"), ("垃圾桶满了没人倒", "环境卫生", "垃圾清运")]


def test_a_connector_starts_a_problem_and_stays_with_its_words(classify):
    assert described("3号楼电梯坏了，楼道灯也不亮，还有楼下垃圾好几天没人清运", classify) == [
        ("3号楼电梯坏了，楼道灯也不亮", "物业服务", "电梯"), ("还有楼下垃圾好几天没人清运", "环境卫生", "垃圾清运")]
    assert described("楼道里堆满了杂物，消防通道被堵了，还有人在楼道里充电瓶车", classify)[1][0] == "还有人在楼道里充电瓶车"


def test_a_spoken_connector_cuts_without_a_comma(classify):
    assert described("嗯三号楼的电梯坏了还有楼道灯也不亮另外楼下垃圾也没人收。", classify) == [
        ("嗯三号楼的电梯坏了", "物业服务", "电梯"), ("还有楼道灯也不亮", "物业服务", "楼道照明"),
        ("另外楼下垃圾也没人收", "环境卫生", "垃圾清运")]


def test_words_before_the_first_problem_are_kept_with_it(classify):
    parts = described("我反映两个事：1、3号楼路灯坏了；2、垃圾桶满了没人倒", classify)
    assert parts[0][0] == "我反映两个事：3号楼路灯坏了" and len(parts) == 2


def test_each_part_names_its_problem_without_the_words_before_the_list(classify):
    first, second = problems_in("我反映两个事：1、3号楼路灯坏了；2、垃圾桶满了没人倒", classify)
    assert (first.lead, first.problem) == ("我反映两个事", "3号楼路灯坏了")
    assert (second.lead, second.problem) == ("", "垃圾桶满了没人倒")


@pytest.mark.parametrize("text", [
    "3号楼2单元电梯坏了",
    "电梯坏了，老人上不了楼",
    "楼上漏水，把我家天花板泡坏了，墙皮都掉了",
    "我反映几个问题：1、3号楼路灯坏了；2、5号楼路灯也坏了",
    "停水了，另外什么时候来水",
    "电梯坏了还有人被困在里面",
    "道路问题反映。位置：和平路口 1.路口的红绿灯不亮了",  # a letter's title, then its one numbered detail
    "3号楼(1)单元门口的路灯坏了",  # a number in brackets inside an address
])
def test_one_problem_is_not_cut(text, classify):
    assert problems_in(text, classify) == ()


def test_a_single_piece_is_not_classified_again():
    def refuse(_text):
        raise AssertionError("classified")
    assert problems_in("3号楼电梯坏了，物业一直不来修", refuse) == ()


def test_a_long_list_is_left_to_a_person(classify):
    text = "；".join(["路灯坏了", "垃圾没人倒", "楼上漏水", "井盖松了", "电梯坏了", "楼下广场舞太吵了", "有人在楼道里充电瓶车"])
    assert problems_in(text, classify) == ()


def test_a_title_then_its_detail_in_one_category_is_one_problem_of_the_details_subcategory(classify):
    assert described("道路问题反映。位置：和平路口 1.路口的红绿灯不亮了 2.垃圾桶满了没人倒", classify) == [
        ("道路问题反映。位置：和平路口，路口的红绿灯不亮了", "市政设施", "交通设施"),
        ("垃圾桶满了没人倒", "环境卫生", "垃圾清运")]
