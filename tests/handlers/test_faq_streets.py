"""Each street its own FAQ: a resident is answered from their street's entries first, then the district-wide
ones; a street's entry overrides the district-wide one of the same question for that street's residents only."""

import pytest

from handlers import resident_texts as texts
from handlers.types import REPLY_BYTES
from storage import faq, faq_import, staff
from storage.errors import NotFound
from storage.faq_import import MAX_LENGTH, FaqRow
from tests.support.street import ANNING, ANNING_RESIDENT, RESIDENT, add_second_street

pytestmark = pytest.mark.postgres

CENTRE = "社区服务中心在哪"
XINGFU_CENTRE = "幸福街道便民服务中心在幸福路1号。"
ANNING_CENTRE = "安宁街道便民服务中心在安宁路8号。"
DISTRICT_CENTRE = "区政务服务中心在人民路100号。"
ASSISTANCE_ANSWER = "家庭人均收入低于"  # the start of the sample's answer
HINT = "各街道的答复可能不同：回复“绑定”绑定住址后再问一次"


@pytest.fixture
def streets(seeded, clock):
    """安宁街道 beside 幸福街道; each street answers 社区服务中心在哪 its own way, and so does the district."""
    with seeded.transaction() as session:
        add_second_street(session, clock())
        faq_import.apply(session, [FaqRow(2, CENTRE, DISTRICT_CENTRE, "服务中心在哪里", "")], clock())
        for name, answer in (("幸福街道", XINGFU_CENTRE), (ANNING, ANNING_CENTRE)):
            street_id = staff.find_street(session, name).id
            faq_import.apply(session, [FaqRow(2, CENTRE, answer, "服务中心在哪里", "")], clock(), street_id)
    return seeded


def test_two_streets_with_the_same_question_each_answer_their_own_residents(wechat, streets):
    assert wechat.send(RESIDENT, "请问社区服务中心在哪？").startswith(XINGFU_CENTRE)
    assert wechat.send(ANNING_RESIDENT, "服务中心在哪里？").startswith(ANNING_CENTRE)


def test_a_resident_with_no_bound_address_is_answered_from_the_district_wide_entries(wechat, streets):
    assert wechat.send("o_nowhere", "社区服务中心在哪？").startswith(DISTRICT_CENTRE)


def test_a_resident_bound_nowhere_is_told_when_streets_answer_the_question_their_own_way(wechat, streets):
    differs = wechat.send("o_nowhere", "社区服务中心在哪？")
    same = wechat.send("o_elsewhere", "居住证在哪里办？")
    bound = wechat.send(RESIDENT, "社区服务中心在哪？")

    assert HINT in differs and differs.endswith("没解决请回复 转人工")
    assert HINT not in same and HINT not in bound


def test_the_longest_answer_with_the_street_hint_fits_one_passive_reply():
    longest = texts.FAQ_ANSWER_DIFFERS_BY_STREET.format(answer="答" * MAX_LENGTH["answer"])
    assert len(longest.encode()) <= REPLY_BYTES


def test_a_district_wide_entry_answers_a_street_that_has_no_entry_of_its_own(wechat, streets):
    assert ASSISTANCE_ANSWER in wechat.send(ANNING_RESIDENT, "低保怎么申请？")


def test_a_streets_entry_overrides_the_district_wide_one_only_for_its_residents(wechat, streets, clock):
    with streets.transaction() as session:
        faq_import.apply(session, [FaqRow(2, "低保怎么申请？", "幸福街道：到便民服务中心2号窗口申请。", "", "")], clock(),
                         staff.find_street(session, "幸福街道").id)

    assert wechat.send(RESIDENT, "低保怎么申请").startswith("幸福街道：到便民服务中心2号窗口申请。")
    assert ASSISTANCE_ANSWER in wechat.send(ANNING_RESIDENT, "低保怎么申请")


def test_another_phrasing_of_a_question_the_street_overrides_gets_the_streets_answer(wechat, streets, clock):
    with streets.transaction() as session:
        faq_import.apply(session, [FaqRow(2, "低保怎么申请？", "幸福街道：到便民服务中心2号窗口申请。", "", "")], clock(),
                         staff.find_street(session, "幸福街道").id)

    # 最低生活保障怎么办 is one of the district-wide entry's other phrasings only.
    assert wechat.send(RESIDENT, "最低生活保障怎么办").startswith("幸福街道：到便民服务中心2号窗口申请。")


def test_a_street_overriding_one_question_answers_every_other_as_the_district_does(wechat, streets, clock):
    # 孩子户口怎么上 is only just close enough to 新生儿怎么上户口: a street's residents must not lose it because
    # their street answers another question its own way.
    with streets.transaction() as session:
        faq_import.apply(session, [FaqRow(2, "低保怎么申请？", "幸福街道：到便民服务中心2号窗口申请。", "", "")], clock(),
                         staff.find_street(session, "幸福街道").id)

    assert "已受理" not in wechat.send(ANNING_RESIDENT, "孩子户口怎么上")
    assert "已受理" not in wechat.send(RESIDENT, "孩子户口怎么上")


def test_a_street_that_disables_its_own_answer_lets_the_district_wide_one_answer_again(wechat, streets, clock):
    with streets.transaction() as session:
        own = next(entry for entry in faq.all_entries(session, street_id=None)
                   if entry.street_id == staff.find_street(session, "幸福街道").id)
        faq.set_active(session, own.id, False, clock())

    assert wechat.send(RESIDENT, "社区服务中心在哪？").startswith(DISTRICT_CENTRE)
    assert wechat.send(ANNING_RESIDENT, "社区服务中心在哪？").startswith(ANNING_CENTRE)


def test_a_streets_entry_answers_in_place_of_the_district_wide_entry_of_the_same_question():
    entries = [faq.Entry(1, "社区服务中心在哪？", "区", ()), faq.Entry(2, "居住证怎么办理", "区", ()),
               faq.Entry(3, "社区服务中心在哪", "幸福", (), street_id=7), faq.Entry(4, "社区服务中心在哪", "安宁", (), 8)]

    assert faq.answering(entries, 7) == ([entries[2]], entries[:2], {1: 3})
    assert faq.answering(entries, None) == ([], entries[:2], {})


def test_a_street_operator_cannot_switch_another_streets_entry(streets, clock):
    with streets.transaction() as session:
        anning_entry = next(entry.id for entry in faq.all_entries(session)
                            if entry.street_id == staff.find_street(session, ANNING).id)
        with pytest.raises(NotFound):
            faq.set_active(session, anning_entry, False, clock(), street_id=staff.find_street(session, "幸福街道").id)
