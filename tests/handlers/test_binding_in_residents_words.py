"""Binding in residents' words (issue 10, section 7): residents name their 小区, not a grid; names, parts of names
and slips are understood at every question; 返回 goes back one; 我搬家了 and 更换地址 bind again; and a problem
typed in the middle of binding is kept and placed with the address.

The test street: 幸福里社区 has 阳光花园 (第一网格: 张伟, 李娜, 王强) and 锦绣家园 (第二网格: 刘洋); 和平社区 has 和平小区
and 东方名苑. o1 lives in 阳光花园3号楼1单元; o_new has no address yet.
"""

import re

import pytest

from storage.models import AppealStatus
from tests.support.database import appeal, notices, resident
from tests.support.personas import LI, LIU, RESIDENT, WANG, ZHANG
from tests.support.worker import dispatch_filed

pytestmark = pytest.mark.postgres


def ticket_in(reply):
    return re.search(r"G\d{10}", reply).group(0)


def test_the_resident_is_asked_for_their_xiaoqu_and_the_grid_follows(wechat, seeded):
    reply = wechat.send("o_new", "绑定")
    assert "请选择您所在的社区" in reply and "也可以直接回复小区名称" in reply
    reply = wechat.send("o_new", "1")
    assert "请选择您所在的小区" in reply and "1. 阳光花园\n2. 锦绣家园" in reply and "网格" not in reply
    wechat.dialog("o_new", [
        ("2", "请选择您所在的楼栋"),
        ("1", "请选择您所在的单元"),
        ("1", "绑定成功！您的住址：幸福里社区·第二网格 锦绣家园5号楼1单元"),
    ])


def test_a_xiaoqu_typed_at_the_first_question_skips_the_community(wechat):
    wechat.dialog("o_new", [
        ("绑定", "请选择您所在的社区"),
        ("阳光花园", "请选择您所在的楼栋"),
        ("3号楼", "请选择您所在的单元"),
        ("1单元", "绑定成功！您的住址：幸福里社区·第一网格 阳光花园3号楼1单元"),
    ])


@pytest.mark.parametrize("said", ["我住阳光花园三号楼二单元。", "阳光花园3号楼2单元", "阳光花园三栋二单元", "阳光花园3幢2单元"])
def test_a_whole_address_said_at_one_question_answers_the_questions_after_it(wechat, said):
    wechat.dialog("o_new", [
        ("绑定", "请选择您所在的社区"),
        (said, "绑定成功！您的住址：幸福里社区·第一网格 阳光花园3号楼2单元"),
    ])


def test_the_rest_of_an_address_answers_what_it_names_and_the_rest_is_asked(wechat):
    wechat.dialog("o_new", [
        ("绑定", "请选择您所在的社区"),
        ("幸福里社区阳光花园", "请选择您所在的楼栋"),
        ("三号楼一单元", "绑定成功！您的住址：幸福里社区·第一网格 阳光花园3号楼1单元"),
    ])


def test_back_after_a_whole_address_returns_to_the_question_it_skipped(wechat):
    wechat.dialog("o_new", [
        ("绑定", "请选择您所在的社区"),
        ("阳光花园3号楼", "请选择您所在的单元"),
        ("返回", "请选择您所在的楼栋"),
    ])


@pytest.mark.parametrize("said", ["我住阳光花园三号楼二单元。", "我要绑定地址我住幸福里社区阳光花园三号楼二单元",
                                  "我家住在阳光花园3栋2单元的"])
def test_an_address_said_before_binding_binds_and_is_not_held_as_an_appeal(wechat, said):
    wechat.dialog("o_new", [
        (said, "绑定成功！您的住址：幸福里社区·第一网格 阳光花园3号楼2单元"),
        ("我的诉求", "还没有提交过诉求"),
    ])


@pytest.mark.parametrize("said", ["我住东方名苑B座", "我家住在东方名苑B座的"])
def test_a_building_named_with_zuo_before_binding_binds_and_is_not_sent_to_the_grid(wechat, said):
    wechat.dialog("o_new", [
        (said, "绑定成功！您的住址：和平社区·第二网格 东方名苑B座"),
        ("我的诉求", "还没有提交过诉求"),
    ])


def test_a_xiaoqu_said_before_binding_asks_what_it_leaves_out(wechat):
    wechat.dialog("o_new", [("阳光花园", "请选择您所在的楼栋"), ("返回", "请选择您所在的社区")])


def test_a_problem_the_classifier_misses_after_an_address_is_not_lost(wechat, seeded):
    reply = wechat.send("o_new", "我住阳光花园三号楼一单元我家门口楼到灯不亮了。")
    ticket = ticket_in(reply)
    assert f"您反映的问题（编号 {ticket}）已提交给 幸福里社区·第一网格" in reply
    assert appeal(seeded, ticket).content == "我住阳光花园三号楼一单元我家门口楼到灯不亮了。"


def test_a_problem_with_its_address_before_binding_is_still_held(wechat, seeded):
    reply = wechat.send("o_new", "阳光花园3号楼电梯坏了")
    assert "已收到您的诉求" in reply and "请选择您所在的社区" in reply
    assert appeal(seeded, ticket_in(reply)).status == AppealStatus.AWAITING_ADDRESS


def test_a_problem_that_says_where_she_lives_binds_her_there_and_goes_to_the_grid(wechat, seeded):
    reply = wechat.send("o_new", "你好我住在阳光花园三号楼二单元我家楼上天天往下漏水。")
    assert "绑定成功！您的住址：幸福里社区·第一网格 阳光花园3号楼2单元" in reply
    assert "之前" not in reply and "暂存" not in reply  # one message: nothing was held "before" as far as she knows
    ticket = ticket_in(reply)
    assert f"您反映的问题（编号 {ticket}）已提交给 幸福里社区·第一网格" in reply
    assert appeal(seeded, ticket).status == AppealStatus.SUBMITTED


def test_a_problem_naming_part_of_her_home_asks_the_rest(wechat, seeded):
    reply = wechat.send("o_new", "我家住阳光花园，楼上天天往下漏水")
    assert "已收到您的诉求" in reply and "请选择您所在的楼栋" in reply
    assert appeal(seeded, ticket_in(reply)).status == AppealStatus.AWAITING_ADDRESS


@pytest.mark.parametrize("words", ["我妈家住在阳光花园3号楼2单元，楼上漏水好几天了", "我爸妈家住阳光花园三号楼二单元，楼道灯坏了"])
def test_someone_else_s_home_is_not_taken_for_hers(wechat, seeded, words):
    reply = wechat.send("o_new", words)
    # Not bound unasked; she is told which address the menu wants: her family's, where the problem is.
    assert "已收到您替家人反映的问题" in reply and "请按您家人的住址选择" in reply and "请选择您所在的社区" in reply
    assert "绑定成功" not in reply
    assert appeal(seeded, ticket_in(reply)).status == AppealStatus.AWAITING_ADDRESS


@pytest.mark.parametrize("words", ["家住阳光花园三号楼二单元，楼上天天往下漏水", "我们家住在阳光花园三号楼二单元，楼上漏水"])
def test_her_own_home_said_with_jia_binds_her_there(wechat, words):
    assert "绑定成功！您的住址：幸福里社区·第一网格 阳光花园3号楼2单元" in wechat.send("o_new", words)


def test_a_place_named_without_saying_she_lives_there_is_not_taken_for_her_home(wechat):
    assert "请选择您所在的社区" in wechat.send("o_new", "阳光花园3号楼门口的路灯坏了好几天了")


def test_a_building_said_as_dong_is_the_hao_lou_of_that_number(wechat):
    wechat.dialog("o_new", [
        ("绑定", "请选择您所在的社区"),
        ("阳光花园", "请选择您所在的楼栋"),
        ("三栋。", "请选择您所在的单元"),
        ("1单元", "绑定成功！您的住址：幸福里社区·第一网格 阳光花园3号楼1单元"),
    ])


def test_near_names_are_understood_at_each_question(wechat):
    wechat.dialog("o_new", [
        ("绑定", "请选择您所在的社区"),
        ("幸福里", "请选择您所在的小区"),  # 幸福里社区, said the way people say it
        ("阳光", "请选择您所在的楼栋"),  # 阳光花园
        ("我住3号楼", "请选择您所在的单元"),
        ("二单元", "绑定成功！您的住址：幸福里社区·第一网格 阳光花园3号楼2单元"),
    ])


def test_names_in_traditional_characters_are_understood(wechat):
    wechat.dialog("o_new", [
        ("綁定", "请选择您所在的社区"),
        ("陽光花園", "请选择您所在的楼栋"),
        ("三號樓。", "请选择您所在的单元"),
        ("二單元", "绑定成功！您的住址：幸福里社区·第一网格 阳光花园3号楼2单元"),
    ])


def test_a_slip_of_the_keyboard_still_finds_the_xiaoqu(wechat):
    wechat.dialog("o_new", [
        ("绑定", "请选择您所在的社区"),
        ("锦绣花园。", "请选择您所在的楼栋"),  # 锦绣家园, one character off, with voice's full stop
        ("5号楼", "请选择您所在的单元"),
    ])


def test_a_name_that_fits_nothing_repeats_the_options(wechat):
    wechat.dialog("o_new", [
        ("绑定", "请选择您所在的社区"),
        ("1", "请选择您所在的小区"),
        ("和平小区", "没有这个选项，请回复 1 到 2 之间的序号或名称"),  # a 小区 of the other community
    ])


def test_back_goes_one_question_back(wechat, seeded):
    wechat.dialog("o_new", [
        ("绑定", "请选择您所在的社区"),
        ("返回", "这已经是第一步了"),
        ("1", "请选择您所在的小区"),
        ("1", "请选择您所在的楼栋"),
        ("返回", "请选择您所在的小区"),
        ("返回", "请选择您所在的社区"),
        ("和平社区", "请选择您所在的小区"),
        ("东方名苑", "请选择您所在的楼栋"),
        ("A座", "绑定成功！您的住址：和平社区·第二网格 东方名苑A座"),
    ])


def test_a_xiaoqu_is_not_mistaken_for_a_community_of_a_like_name(wechat):
    wechat.dialog("o_new", [
        ("绑定", "请选择您所在的社区"),
        ("和平小区", "请选择您所在的楼栋"),  # not 和平社区's 小区 question
        ("2栋", "绑定成功！您的住址：和平社区·第一网格 和平小区2栋1单元"),
    ])


def test_back_from_a_xiaoqu_named_at_the_first_question_returns_to_it(wechat):
    wechat.dialog("o_new", [
        ("绑定", "请选择您所在的社区"),
        ("阳光花园", "请选择您所在的楼栋"),
        ("返回", "请选择您所在的社区"),
    ])


@pytest.mark.parametrize("words", ["我搬家了", "更换地址", "我搬家了。", "我们搬家了", "我已经搬家了。", "我家搬家了",
                                   "换地址", "我要改地址", "地址变了", "我搬家啦", "我们家搬家了", "我想换个地址",
                                   "地址错了", "我绑错地址了", "住址填错了"])
def test_moving_house_starts_binding_again(wechat, seeded, words):
    wechat.dialog(RESIDENT, [
        (words, "请选择您所在的社区"),
        ("锦绣家园", "请选择您所在的楼栋"),
        ("6号楼", "绑定成功！您的住址：幸福里社区·第二网格 锦绣家园6号楼1单元"),
        ("我的地址", "锦绣家园6号楼1单元"),
    ])


def test_moving_with_appeals_open_says_they_stay_with_the_old_home_s_grid(wechat, seeded):
    first = ticket_in(wechat.send(RESIDENT, "3号楼电梯坏了，物业一直不来修"))
    second = ticket_in(wechat.send(RESIDENT, "楼下垃圾桶满了没人清理"))
    wechat.send(RESIDENT, f"撤销 {second}")
    wechat.dialog(RESIDENT, [
        ("我搬家了", "请选择您所在的社区"),
        ("锦绣家园", "请选择您所在的楼栋"),
        ("6号楼", f"您在原住址反映的诉求 {first} 仍由原住址的网格办理，进展照常通知您。"),
    ])
    moved_back = wechat.send(RESIDENT, "我搬家了") and wechat.send(RESIDENT, "阳光花园三号楼一单元")
    assert "绑定成功" in moved_back and "原住址反映的诉求" not in moved_back  # none was filed at 6号楼


def test_choosing_another_unit_of_the_same_building_says_nothing_of_appeals_left(wechat):
    wechat.send(RESIDENT, "3号楼电梯坏了，物业一直不来修")
    wechat.send(RESIDENT, "我搬家了")
    assert "原住址" not in wechat.send(RESIDENT, "阳光花园三号楼二单元")


def test_a_problem_typed_while_choosing_a_building_is_held_and_placed_with_the_address(wechat, seeded, clock):
    wechat.dialog("o_new", [("绑定", "请选择您所在的社区"), ("阳光花园", "请选择您所在的楼栋")])
    reply = wechat.send("o_new", "3号楼电梯坏了")
    assert "已记下您的诉求" in reply and "住址绑定后会马上转给您所在的网格" in reply
    assert "请选择您所在的楼栋" in reply  # and the dialogue goes on where it was
    ticket = ticket_in(reply)
    assert appeal(seeded, ticket).status == AppealStatus.AWAITING_ADDRESS
    wechat.dialog("o_new", [
        ("3", "请选择您所在的单元"),
        ("1", f"您反映的问题（编号 {ticket}）已提交给 幸福里社区·第一网格"),
    ])
    assert appeal(seeded, ticket).status == AppealStatus.SUBMITTED
    dispatch_filed(seeded, clock)
    assert notices(seeded, "staff_new_appeal", ticket) == sorted([ZHANG, LI, WANG])


def test_a_problem_typed_while_moving_waits_for_the_new_address(wechat, seeded, clock):
    wechat.dialog(RESIDENT, [("我搬家了", "请选择您所在的社区"), ("锦绣家园", "请选择您所在的楼栋")])
    ticket = ticket_in(wechat.send(RESIDENT, "楼道里的灯坏了好几天了"))
    assert appeal(seeded, ticket).status == AppealStatus.AWAITING_ADDRESS  # not sent to the old grid
    wechat.dialog(RESIDENT, [("5号楼", "请选择您所在的单元"), ("2", f"（编号 {ticket}）已提交给 幸福里社区·第二网格")])
    dispatch_filed(seeded, clock)
    assert notices(seeded, "staff_new_appeal", ticket) == [LIU]


def test_a_problem_held_while_moving_goes_to_the_old_address_when_the_move_is_cancelled(wechat, seeded):
    wechat.dialog(RESIDENT, [("更换地址", "请选择您所在的社区")])
    ticket = ticket_in(wechat.send(RESIDENT, "3号楼电梯坏了"))
    wechat.dialog(RESIDENT, [("取消", "已退出地址绑定"), ("取消", "目前没有正在进行的操作")])
    assert appeal(seeded, ticket).status == AppealStatus.SUBMITTED
    assert resident(seeded, RESIDENT).building_id is not None  # the address stayed as it was


def test_small_talk_while_binding_is_not_filed(wechat, seeded):
    wechat.dialog("o_new", [
        ("绑定", "请选择您所在的社区"),
        ("好的", "请回复 1 到 2 之间的序号"),
        ("我的诉求", "您还没有提交过诉求"),
    ])
