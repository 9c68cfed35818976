"""What a resident says about an appeal already reported (nlp.follow_ups), told apart from small talk (nlp.chatter)
with the same folding: traditional characters, full-width digits and voice's spelled-out numbers read as typed."""

import pytest

from nlp.chatter import chatter_of
from nlp.follow_ups import (
    asks_for_ticket,
    calls_off,
    is_chase_up,
    names_a_problem,
    regrets_withdrawal,
    says_another_matter,
    says_when_home,
    ticket_asked_after,
)


@pytest.mark.parametrize(("text", "problem"), [("电梯还没修好！！", True), ("上次说的事怎么样了", False),
                                               ("電梯還沒修好", True), ("你们到底管不管啊", False),
                                               ("啥时候来修啊", False), ("进度怎么样", False), ("有结果了吗", False),
                                               ("这事还管不管了", False), ("楼道灯啥时候能修好", True),
                                               ("有人来看过了吗", False), ("来人了没有", False), ("修了没", False),
                                               ("师傅啥时候到", False), ("维修师傅到底几点到", False),
                                               ("电梯坏了有人来看过了吗", True), ("说了好几次了，一直没人管", False),
                                               ("打了好几次电话一直没人管", False), ("楼下那个坑一直没人管", True),
                                               ("电话打不通，怎么还没人回复", True), ("麻烦帮我催一下", False),
                                               ("你好，我反映的问题怎么还没人管", False), ("帮我催下", False),
                                               ("楼上漏水怎么还没人管", True), ("水管还没修好", True),
                                               ("我代报的那个怎么样了", False), ("替邻居报的事有进展吗", False),
                                               ("代报的楼道灯修好了吗", True), ("超时了怎么还没人来修", False),
                                               ("已经逾期了怎么还没人管", False), ("电梯超时了怎么还没修", True)])
def test_a_chase_up_is_told_with_whether_it_names_the_problem(text: str, problem: bool) -> None:
    assert is_chase_up(text) and names_a_problem(text) is problem
    assert chatter_of(text) is None  # never small talk: the conversation answers it with the appeal's status


def test_a_new_problem_asking_whether_anyone_cares_is_no_chase_up() -> None:
    assert not is_chase_up("小区门口乱停车，有没有人管？")
    assert not is_chase_up("楼下垃圾到现在也没人管") and is_chase_up("到现在也没人联系我")
    # What she said before is a chase when named as the matter, not when corrected ("我刚才说的不对，是4号楼").
    assert is_chase_up("我刚才说的那个暖气的事") and not names_a_problem("我刚才说的那个暖气的事")
    assert not is_chase_up("我刚才说的不对，是4号楼") and not is_chase_up("刚才说的暖气不热")
    # Someone coming is a chase only when asked after: 有人来敲门, 快来人啊, 家里来人了 say something new.
    assert not any(is_chase_up(said) for said in ("有人来敲门", "快来人啊", "家里来人了", "有没有人来管管楼下的狗"))


def test_the_other_follow_ups_are_told_apart() -> None:
    assert calls_off("那个事不用了，我自己弄好了") and not calls_off("电梯坏了")
    assert calls_off("撤销电梯那个") and not calls_off("取消停车位收费") and not calls_off("撤销违建")
    assert regrets_withdrawal("撤销错了，我不想撤销") and not regrets_withdrawal("撤销 G2612060048")
    assert says_another_matter("还有，我们楼下的下水道又堵了") and not says_another_matter("下水道又堵了")
    assert says_when_home("下午家里有人") and not says_when_home("下午家里漏水了")
    assert asks_for_ticket("我忘了编号了") and not asks_for_ticket("楼道灯坏了")
    assert (ticket_asked_after("请帮我查一下G2612060048的进度") or "").upper() == "G2612060048"
    assert ticket_asked_after("查询二六一二零六零零二零谢谢") == "2612060020"
    assert ticket_asked_after("G2612060048 电梯还没修好") is None
