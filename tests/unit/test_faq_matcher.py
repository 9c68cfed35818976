"""FAQ matching thresholds: a listed question or a paraphrase is answered; unrelated, vague or ambiguous is not."""

from __future__ import annotations

import time

import pytest

from nlp import KeywordClassifier, load_taxonomy
from nlp.faq import MARGIN, THRESHOLD, FaqIndex

ENTRIES: list[tuple[int, tuple[str, ...]]] = [
    (1, ("高龄补贴怎么申请", "高龄津贴怎么领", "80岁老人有什么补贴", "高龄补贴需要什么材料")),
    (2, ("残疾人补贴怎么申请", "残疾人两项补贴怎么领", "残疾人生活补贴需要什么材料")),
    (3, ("低保怎么申请", "最低生活保障怎么办", "申请低保需要什么材料", "家里困难能不能办低保")),
    (4, ("居住证怎么办理", "居住证在哪里办", "办居住证需要什么材料", "外地人怎么办居住证")),
    (5, ("居住证怎么续签", "居住证到期了怎么办", "居住证签注在哪里办")),
    (6, ("新生儿怎么上户口", "孩子出生怎么落户", "新生儿落户需要什么材料")),
    (7, ("养老助餐卡怎么办", "老年人助餐卡在哪里办", "社区食堂老人卡怎么办")),
    (8, ("社区服务站几点上班", "社区服务站办公时间", "周末社区有人吗")),
    (9, ("开居住证明去哪里办", "社区怎么开证明", "开居住证明需要什么材料")),
]


@pytest.fixture(scope="module")
def tokenize():
    classifier = KeywordClassifier(load_taxonomy())
    classifier.preload()
    return classifier.tokenize


@pytest.fixture(scope="module")
def index(tokenize) -> FaqIndex:
    return FaqIndex(ENTRIES, tokenize)


@pytest.mark.parametrize("question, entry", [
    ("高龄补贴怎么申请", 1),
    ("低保怎么申请？", 3),
    ("居住证怎么办理", 4),
    ("居住证怎么办理？", 4),
])
def test_a_listed_question_matches_its_entry_fully(index, question, entry):
    found = index.match(question)
    assert found is not None and found.entry_id == entry
    assert found.score == pytest.approx(1.0)


@pytest.mark.parametrize("question, entry", [
    ("居住证在哪儿办啊", 4),
    ("请问办居住证要带什么材料", 4),
    ("我家孩子出生了怎么落户", 6),
    ("养老助餐卡在哪办", 7),
    ("社区几点上班", 8),
    ("在社区开个居住证明要带什么", 9),
    ("我妈85岁了，有高龄补贴吗？", 1),
    ("居住证过期了怎么续签", 5),
    ("高齡補貼怎麼申請", 1),  # traditional characters
    ("居住證在哪裡辦", 4),
    ("您好！请问居住证怎么办理？盼复。", 4),  # a question written as a letter
    ("尊敬的领导您好，我想咨询一下高龄补贴怎么申请，谢谢！", 1),
])
def test_a_paraphrase_clears_the_threshold_and_the_margin(index, question, entry):
    found = index.search(question)
    assert found is not None and found.entry_id == entry
    assert found.score >= THRESHOLD, found
    assert found.score - found.runner_up_score >= MARGIN, found
    assert index.match(question) == found


@pytest.mark.parametrize("question", [
    "3号楼电梯坏了，物业一直不来修",
    "楼上漏水到我家，找他们好几次都不管",
    "小区停车位怎么申请",
    "垃圾桶满了怎么还没人清理",
    "低保被取消了能申诉吗",  # the topic word is shared, the question is another one
])
def test_an_unrelated_or_different_question_stays_below_the_threshold(index, question):
    found = index.search(question)
    assert found is None or found.score < THRESHOLD, found
    assert index.match(question) is None


@pytest.mark.parametrize("question", [
    "怎么办理",  # only question words: nothing to match on
    "需要什么材料",
    "在哪里申请？",
])
def test_a_question_with_no_topic_matches_nothing(index, question):
    assert index.match(question) is None


@pytest.mark.parametrize("question", [
    "补贴怎么申请",  # 高龄补贴 or 残疾人补贴?
    "补贴需要什么材料",
])
def test_an_ambiguous_question_is_not_answered_even_when_close(index, question):
    found = index.search(question)
    assert found is not None and found.entry_id in (1, 2) and found.score >= THRESHOLD - 0.2, found
    assert found.score - found.runner_up_score < MARGIN, found
    assert index.match(question) is None


def test_matching_is_deterministic_whatever_the_entry_order(tokenize):
    forward = FaqIndex(ENTRIES, tokenize)
    backward = FaqIndex(list(reversed(ENTRIES)), tokenize)
    for question in ("居住证在哪儿办啊", "补贴怎么申请", "社区几点上班", "楼道灯坏了"):
        assert forward.search(question) == backward.search(question) == forward.search(question)


def test_an_empty_faq_matches_nothing(tokenize):
    assert FaqIndex([], tokenize).match("居住证怎么办理") is None


@pytest.mark.quiet
def test_a_question_takes_well_under_a_millisecond_against_a_hundred_entries(tokenize):
    topics = ["高龄补贴", "低保", "居住证", "医保", "新生儿户口", "养老助餐卡", "残疾人证", "失业登记", "社保", "优待证"]
    entries = [(n, (f"{topics[n % 10]}第{n}项怎么办理", f"{topics[n % 10]}{n}号窗口在哪里")) for n in range(100)]
    index = FaqIndex(entries, tokenize)
    questions = ["居住证怎么办理", "我妈85岁了，有高龄补贴吗？", "3号楼电梯坏了，物业一直不来修", "医保在哪里交"]
    index.search(questions[0])
    rounds = 200
    started = time.perf_counter()
    for _ in range(rounds):
        for question in questions:
            index.search(question)
    per_question = (time.perf_counter() - started) / (rounds * len(questions))
    assert per_question < 0.001, f"{per_question * 1e6:.0f} µs per question"
