"""Complaints about staff are recognised from complaint words and a name or a role word (nlp.complaints)."""

import pytest

from nlp import load_taxonomy
from nlp.complaints import CATEGORY, may_accuse, recognise, without_details

STAFF = ["张伟", "王强"]


def test_a_complaint_naming_a_member_names_them_and_their_role():
    complaint = recognise("我要投诉网格员张伟，上门态度很差还骂人", STAFF)
    assert complaint is not None and complaint.names == ("张伟",) and complaint.roles == ("网格员",)
    assert not complaint.about_a_leader


def test_a_complaint_in_traditional_characters_names_the_same_member():
    text = "我要投訴網格員張偉，上門態度很差還罵人"
    complaint = recognise(text, STAFF)
    assert may_accuse(text) and complaint is not None and complaint.names == ("张伟",)


def test_a_complaint_about_the_grid_leader_by_role_alone():
    complaint = recognise("我要举报网格长", STAFF)
    assert complaint is not None and complaint.names == () and complaint.about_a_leader


@pytest.mark.parametrize("text", ["投诉物业乱收费", "楼上邻居骂人", "张伟你好，电梯坏了", "网格员什么时候来"])
def test_no_complaint_about_staff(text):
    assert recognise(text, STAFF) is None


def test_物业_is_a_person_when_the_words_are_about_conduct():
    assert recognise("物业的人态度很差，还骂人", STAFF).roles == ("物业",)


@pytest.mark.parametrize("text", ["车库渗水报修半年，物业一直不作为", "投诉物业推诿扯皮，楼道灯坏了没人修", "物业和开发商互相踢皮球"])
def test_物业_leaving_its_work_undone_is_a_service_not_a_person(text):
    assert recognise(text, STAFF) is None


def test_a_staff_member_leaving_their_work_undone_is_still_a_complaint():
    assert recognise("网格员张伟不作为，反映了三次都推诿", STAFF).names == ("张伟",)


def test_complaints_are_filed_under_a_private_category_no_taxonomy_file_may_take():
    taxonomy = load_taxonomy()
    assert CATEGORY in taxonomy.sensitive and taxonomy.category(CATEGORY).sensitive
    assert CATEGORY not in taxonomy.names


@pytest.mark.parametrize("text", ["3号楼电梯坏了，物业一直不来修", "楼道灯不亮", "网格员电话多少"])
def test_a_message_that_accuses_nobody_needs_no_staff_lookup(text):
    assert not may_accuse(text)


@pytest.mark.parametrize("text", ["我要投诉网格员张伟，上门态度很差还骂人", "物业的人骂人", "举报社区干部收红包"])
def test_a_complaint_or_conduct_word_is_worth_a_staff_lookup(text):
    assert may_accuse(text)


@pytest.mark.parametrize("text", ["我要投诉网格员", "投诉网格员", "我要投诉", "我想投诉一下网格长！", "举报社区工作人员。", "投 诉 网 格 员",
                                  "我要投诉物业"])
def test_a_complaint_that_names_neither_whom_nor_what_is_without_details(text):
    assert without_details(text)


def test_a_complaint_naming_only_whom_is_without_details():
    assert without_details("投诉网格员张伟", STAFF) and without_details("我要举报王强！", STAFF)
    assert not without_details("投诉网格员张伟", ())


@pytest.mark.parametrize("text", ["我要投诉网格员张伟，上门态度很差还骂人", "投诉网格长王强不管事", "投诉物业乱收费", "网格员什么时候来",
                                  "我要投诉网格员态度很差"])
def test_a_complaint_that_says_whom_or_what_has_details(text):
    assert not without_details(text)
