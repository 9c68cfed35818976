"""Real messages made ready for classifying: pleasantries out, masks as one token, simplified, the lead weighed."""

from __future__ import annotations

import pytest

from nlp.cleaning import LEAD_LIMIT, MASK, emphasised, lead, mask_spans, prepare, strip_pleasantries, to_simplified


@pytest.mark.parametrize(("text", "expected"), [
    ("尊敬的领导您好：小区门口路灯坏了，谢谢！", "小区门口路灯坏了"),
    ("书记您好！工地夜里施工。此致敬礼", "工地夜里施工"),
    ("领导好，请问加装电梯有补贴吗？盼复", "请问加装电梯有补贴吗"),
    ("电梯坏了，感谢您的关注", "电梯坏了"),
    ("各位领导们好，垃圾没人清", "垃圾没人清"),
])
def test_salutations_and_sign_offs_go(text: str, expected: str) -> None:
    assert strip_pleasantries(text) == expected


def test_a_message_that_is_only_a_greeting_is_kept() -> None:
    assert strip_pleasantries("您好") == "您好"
    assert prepare("谢谢！") == "谢谢!"


def test_the_word_leader_inside_a_sentence_stays() -> None:
    assert strip_pleasantries("希望领导重视这个问题") == "希望领导重视这个问题"


@pytest.mark.parametrize(("text", "expected"), [
    ("住在14幢*02室", f"住在14幢{MASK}02室"), ("杭州铭****物业", f"杭州铭{MASK}物业"),
    ("×××小区", f"{MASK}小区"), ("订单某某某", f"订单{MASK}"),
    ("XX路", f"{MASK}路"),
])
def test_masked_spans_are_one_token(text: str, expected: str) -> None:
    assert mask_spans(text) == expected


def test_a_single_letter_x_is_not_a_mask() -> None:
    assert mask_spans("X光片和3x3") == "X光片和3x3"


def test_traditional_characters_become_simplified() -> None:
    assert to_simplified("對面工地半夜還在開工，路燈壞了") == "对面工地半夜还在开工，路灯坏了"
    assert to_simplified("电梯坏了😡") == "电梯坏了😡"  # outside GB 2312, converted: nothing to change
    assert to_simplified("路灯坏了") == "路灯坏了"


def test_prepare_folds_width_and_spaces_and_is_idempotent() -> None:
    text = "尊敬的领导：　３号楼  電梯壞了＊＊，謝謝"
    once = prepare(text)
    assert once == f"3号楼 电梯坏了{MASK}"
    assert prepare(once) == once


def test_the_lead_of_a_long_message_is_its_first_sentence() -> None:
    title = "工地夜间施工扰民"
    body = "。" + "我家住在附近的小区，每天晚上都能听到机器的声音，家里老人孩子都休息不好，" * 2
    assert lead(title + body) == title
    assert emphasised(title + body) == f"{title}。{title}{body}"


def test_a_short_message_has_no_lead_and_a_long_first_sentence_is_cut() -> None:
    assert lead("电梯坏了") == "" and emphasised("电梯坏了") == "电梯坏了"
    endless = "楼" * 100
    assert lead(endless) == "楼" * LEAD_LIMIT


@pytest.mark.parametrize(("text", "expected"), [
    ("我家水管漏了[流泪][流泪][流泪]", "我家水管漏了"),
    ("[发怒]楼上又吵 [啤酒][啤酒]", "楼上又吵"),
    ("路灯不亮［玫瑰］", "路灯不亮"),  # full-width brackets, as some keyboards type them
    ("電梯壞了[流淚]", "电梯坏了"),  # a phone set to traditional characters sends the codes so
    ("东方瑧悦[东方瑧悦]小区", "东方瑧悦[东方瑧悦]小区"),  # brackets around anything else stay
])
def test_wechat_emoji_codes_carry_no_topic_and_go(text: str, expected: str) -> None:
    # WeChat sends its built-in emoji as [名字]: read as words, [啤酒][啤酒] took 楼上又吵 from 0.51 to 0.31
    assert prepare(text) == expected


def test_a_message_of_emoji_codes_only_is_kept() -> None:
    assert prepare("[流泪][流泪]") == "[流泪][流泪]"
