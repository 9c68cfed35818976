"""政策咨询 in the chat: a question the FAQ knows is answered at once; 转人工 turns it into an appeal."""

import re

import pytest
from sqlalchemy import select

from handlers.faq import looks_like_question
from handlers.faq_cache import REFRESH_INTERVAL
from nlp import Classification
from storage import faq_import, residents
from storage.faq_import import FaqRow
from storage.models import Appeal, FaqAnswer, Resident
from storage.tasks import RATING_DIALOG
from tests.support.worker import file_and_dispatch

pytestmark = pytest.mark.postgres

PERMIT_ANSWER = "在本市居住满半年"  # the start of the sample's 居住证怎么办理 answer
ASK_A_PERSON = "没解决请回复 转人工"


def appeals(database):
    with database.transaction() as session:
        rows = session.scalars(select(Appeal).order_by(Appeal.id)).all()
        session.expunge_all()
        return rows


def answers(database):
    with database.transaction() as session:
        rows = session.scalars(select(FaqAnswer).order_by(FaqAnswer.id)).all()
        session.expunge_all()
        return rows


def test_a_question_the_faq_knows_is_answered_at_once_and_no_appeal_is_filed(wechat, seeded):
    reply = wechat.send("o1", "请问居住证在哪里办？")

    assert reply.startswith(PERMIT_ANSWER) and reply.endswith(ASK_A_PERSON)
    assert appeals(seeded) == []
    (logged,) = answers(seeded)
    assert logged.question == "请问居住证在哪里办？" and logged.score >= 0.6 and logged.escalated_appeal_id is None


def test_a_question_in_traditional_characters_is_answered_too(wechat, seeded):
    assert PERMIT_ANSWER in wechat.send("o1", "居住證在哪裡辦")
    assert appeals(seeded) == []


def test_a_question_written_as_a_letter_is_answered_too(wechat, seeded):
    assert PERMIT_ANSWER in wechat.send("o1", "尊敬的领导您好，我想咨询一下居住证在哪里办理，谢谢！")
    assert appeals(seeded) == []


def test_a_question_word_in_traditional_characters_makes_a_question():
    assert looks_like_question("高齡津貼怎麼領", Classification(category="养老服务", confidence=0.9))


def test_to_human_files_the_answered_question_as_an_appeal_with_a_ticket(wechat, seeded):
    wechat.send("o1", "我妈85岁了，高龄补贴怎么领？")

    reply = wechat.send("o1", "转人工")

    assert "已受理您的诉求" in reply
    ticket = re.search(r"G\d{10}", reply).group(0)
    (appeal,) = appeals(seeded)
    assert (appeal.ticket, appeal.content, appeal.status) == (ticket, "我妈85岁了，高龄补贴怎么领？", "submitted")
    assert appeal.category in reply and appeal.response_due_at is not None
    (logged,) = answers(seeded)
    assert logged.escalated_appeal_id == appeal.id
    assert "请直接描述您遇到的问题" in wechat.send("o1", "转人工")  # the question was handed over once
    assert len(appeals(seeded)) == 1


@pytest.mark.parametrize("said", ["没解决。", "嗯还是没解决啊", "我要找人工服务。", "看不懂"])
def test_not_solved_in_her_words_files_the_answered_question(wechat, seeded, said):
    wechat.send("o1", "我妈85岁了，高龄补贴怎么领？")
    assert "已受理您的诉求" in wechat.send("o1", said)
    assert [appeal.content for appeal in appeals(seeded)] == ["我妈85岁了，高龄补贴怎么领？"]


def test_not_solved_with_no_answer_given_is_no_appeal_of_those_words(wechat, seeded):
    assert "已受理您的诉求" not in wechat.send("o1", "人工服务")
    assert appeals(seeded) == []


def test_to_human_after_another_problem_was_filed_files_nothing_more(wechat, seeded):
    wechat.send("o1", "我妈85岁了，高龄补贴怎么领？")
    assert "已受理您的诉求" in wechat.send("o1", "楼道灯不亮")
    assert "请直接描述您遇到的问题" in wechat.send("o1", "转人工")
    assert [appeal.content for appeal in appeals(seeded)] == ["楼道灯不亮"]


def test_a_thank_you_after_the_answer_keeps_to_human_for_the_question(wechat, seeded):
    wechat.send("o1", "我妈85岁了，高龄补贴怎么领？")
    wechat.send("o1", "谢谢")
    assert "已受理您的诉求" in wechat.send("o1", "转人工")
    assert [appeal.content for appeal in appeals(seeded)] == ["我妈85岁了，高龄补贴怎么领？"]


def test_a_neighbour_who_asked_the_faq_first_is_still_offered_to_join(wechat, seeded, clock):
    first = file_and_dispatch(wechat, seeded, clock, openid="o1")
    wechat.send("o5", "居住证在哪里办？")
    reply = wechat.send("o5", "3号楼的电梯又坏了，上下楼很不方便")
    assert f"同楼已有相同诉求正在办理（编号 {first}" in reply


@pytest.mark.parametrize("verb", ["转人工", "人工", "人工客服"])
def test_to_human_without_an_answered_question_asks_for_the_problem(wechat, seeded, verb):
    assert "请直接描述您遇到的问题或想咨询的事项" in wechat.send("o1", verb)
    assert appeals(seeded) == []


def test_to_human_is_listed_in_the_residents_help(wechat):
    assert "· 转人工：自动答复没解决时，转给工作人员办理" in wechat.send("o1", "帮助")


@pytest.mark.parametrize("message", [
    "3号楼电梯坏了，物业一直不来修",  # a complaint, not a question
    "小区停车位怎么申请",  # a question the FAQ does not know
])
def test_what_the_faq_does_not_answer_is_filed_as_before(wechat, seeded, message):
    reply = wechat.send("o1", message)

    assert "已受理您的诉求" in reply and ASK_A_PERSON not in reply
    assert [appeal.content for appeal in appeals(seeded)] == [message]
    assert answers(seeded) == []


def test_staff_get_their_hint_and_never_an_faq_answer(wechat, seeded):
    reply = wechat.send("demo_staff_zhangwei", "居住证在哪里办？")

    assert "工作人员请使用指令" in reply and PERMIT_ANSWER not in reply
    assert answers(seeded) == []


def test_an_unbound_resident_is_answered_and_to_human_holds_the_appeal_and_asks_for_the_address(wechat, seeded):
    wechat.dialog("o_new", [
        ("居住证怎么办理", PERMIT_ANSWER),
        ("转人工", "绑定住址后会马上转给您所在的网格"),
        ("1", "请选择您所在的小区"),
    ])
    (appeal,) = appeals(seeded)
    assert appeal.status == "awaiting_address" and appeal.content == "居住证怎么办理"


def test_an_open_rating_question_is_not_replaced_by_an_faq_answer(wechat, seeded, clock):
    with seeded.transaction() as session:
        resident = session.scalars(select(Resident).where(Resident.openid == "o1")).one()
        residents.set_dialog(resident, {"name": RATING_DIALOG, "appeal_id": 0, "ticket": "G2611220001"}, clock())

    reply = wechat.send("o1", "居住证在哪里办？")

    assert "已受理您的诉求" in reply
    with seeded.transaction() as session:
        resident = session.scalars(select(Resident).where(Resident.openid == "o1")).one()
        assert residents.dialog_of(resident, clock())["name"] == RATING_DIALOG


def test_a_voice_question_is_answered_and_its_appeal_keeps_the_voice_channel(wechat, seeded):
    reply = wechat.deliver(wechat.server.voice("o1", "养老助餐卡在哪里办", create_time=wechat.now()))

    assert reply.startswith("60周岁以上") and reply.endswith(ASK_A_PERSON)
    wechat.send("o1", "转人工")
    (appeal,) = appeals(seeded)
    assert appeal.channel == "voice"


def test_a_new_import_is_answered_once_the_refresh_interval_has_passed(wechat, seeded, clock):
    question = "垃圾分类的投放时间是什么时候？"
    assert "已受理您的诉求" in wechat.send("o1", question)

    with seeded.transaction() as session:
        faq_import.apply(session, [FaqRow(2, "垃圾分类投放时间", "每天 7:00-9:00、18:00-20:00 定时定点投放。",
                                          "垃圾什么时候扔｜垃圾分类几点投放", "")], clock())
    clock.advance(seconds=REFRESH_INTERVAL.total_seconds())

    assert wechat.send("o1", question).startswith("每天 7:00-9:00")


def test_a_changed_answer_replaces_the_old_one_after_the_refresh_interval(wechat, seeded, clock):
    assert wechat.send("o1", "居住证怎么办理").startswith(PERMIT_ANSWER)
    clock.advance(minutes=5)  # the operator edits the file, then imports it again
    with seeded.transaction() as session:
        faq_import.apply(session, [FaqRow(2, "居住证怎么办理", "居住证改为网上办理。", "", "政策咨询")], clock())
    clock.advance(seconds=REFRESH_INTERVAL.total_seconds())

    assert wechat.send("o1", "居住证怎么办理").startswith("居住证改为网上办理。")


@pytest.mark.parametrize("said", ["咨询", "我要咨询", "我想咨询一下！", "政策咨询", "嗯我想咨询个事情",
                                  "你好，我想问下", "请问一下"])  # were filed as 政策咨询 appeals
def test_saying_only_that_she_wants_to_ask_asks_for_the_question_and_files_nothing(wechat, seeded, said):
    assert wechat.send("o1", said).startswith("请直接发您想咨询的问题，例如：“高龄补贴怎么申请？”")
    assert appeals(seeded) == []


@pytest.mark.parametrize("asked", ["我想咨询高龄补贴怎么领", "咨询一下居住证在哪里办"])
def test_a_question_said_after_the_word_consult_is_answered(wechat, seeded, asked):
    assert "没解决请回复 转人工" in wechat.send("o1", asked)
