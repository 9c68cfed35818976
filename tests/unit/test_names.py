"""nlp.names: a short answer holding a problem's words that still reads as a person's name."""

import pytest

from nlp.names import reads_as_a_name, surname_of


@pytest.mark.parametrize(("name", "words"), [("王路灯", ("路灯",)), ("李电梯", ("电梯",)), ("欧阳垃圾", ("垃圾",)),
                                             ("张物业", ("物业",))])
def test_a_surname_before_the_problem_words_is_a_name(name, words):
    assert reads_as_a_name(name, words)


@pytest.mark.parametrize(("text", "words"), [
    ("路灯坏了", ("路灯",)),  # 路 is a surname, but 路灯 starts with it, and 坏了 is a complaint
    ("高空抛物", ("高空抛物",)),  # the words start at the surname
    ("电梯", ("电梯",)),  # no common surname
    ("王路灯不亮", ("路灯",)),  # five characters, and 不
    ("李电梯坏", ("电梯",)),
    ("王", ()),
])
def test_a_problem_is_no_name(text, words):
    assert not reads_as_a_name(text, words)


def test_a_compound_surname_goes_before_its_first_character():
    assert surname_of("欧阳娜娜") == "欧阳" and surname_of("欧建国") == "欧" and surname_of("电梯") is None
