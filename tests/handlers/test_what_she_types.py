"""What a retired resident types on her phone, and her daughter for her: one character, a question about a fix she
never reported, a report for her mother, the steps of an appeal handed to someone else.

o5 lives in 阳光花园 3号楼 2单元 (幸福里社区·第一网格: 张伟 and 李娜 members, 王强 the leader); o_daughter is bound
nowhere.
"""

import pytest
from sqlalchemy import func, select

from handlers import resident_texts
from nlp.chatter import Chatter
from storage.models import Appeal
from tests.support.personas import NEIGHBOUR
from tests.support.worker import TICKET

pytestmark = pytest.mark.postgres


def appeal_count(seeded):
    with seeded.transaction() as session:
        return session.scalar(select(func.count(Appeal.id)))


@pytest.mark.parametrize("words", ["灯", "灯。", "电梯", "水？", "？？", "啊啊"])
def test_one_or_two_characters_ask_her_for_a_sentence_and_file_nothing(wechat, seeded, words):
    assert wechat.send(NEIGHBOUR, words) == resident_texts.CHATTER_REPLIES[Chatter.FRAGMENT]
    assert appeal_count(seeded) == 0


@pytest.mark.parametrize("words", ["漏水了", "停电了"])
def test_a_short_problem_that_says_what_happened_is_still_filed(wechat, seeded, words):
    assert TICKET.search(wechat.send(NEIGHBOUR, words))
    assert appeal_count(seeded) == 1
