"""Commands said by voice or typed in a hurry: 。！？ around them, numbers read out in Chinese, several numbers,
a number with a digit missing (issue 10, section 2)."""

import re

import pytest
from sqlalchemy import func, select

from bot.worker import schedule
from storage import dispatch
from storage.models import Appeal, AppealStatus
from tests.support.database import appeal
from tests.support.personas import RESIDENT, WANG, ZHANG

pytestmark = pytest.mark.postgres

LIFT = "3号楼电梯坏了，物业一直不来修"
LAMP = "2号楼楼道灯坏了好几天"
SPOKEN = str.maketrans("0123456789", "零一二三四五六七八九")


def file_and_dispatch(wechat, seeded, clock, text=LIFT):
    ticket = re.search(r"G\d{10}", wechat.send(RESIDENT, text)).group(0)
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    return ticket


def say(wechat, openid, recognition):
    return wechat.deliver(wechat.server.voice(openid, recognition, create_time=wechat.now())) or ""


def test_a_resident_says_my_appeals_with_a_full_stop_and_gets_the_list_not_a_new_ticket(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    reply = say(wechat, RESIDENT, "我的诉求。")
    assert ticket in reply and "已受理您的诉求" not in reply


def test_help_typed_with_a_full_stop_is_help(wechat, seeded):
    wechat.dialog(RESIDENT, [("帮助。", "我的诉求"), ("帮助？", "查询 编号")])


def test_a_member_claims_by_voice_with_a_full_stop(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert f"接单成功：{ticket}" in say(wechat, ZHANG, f"接单 {ticket[1:]}。")
    assert appeal(seeded, ticket).status == AppealStatus.ACCEPTED


def test_my_tasks_by_voice_lists_the_tasks(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert ticket in say(wechat, ZHANG, "我的任务。")


def test_a_ticket_read_out_in_chinese_numerals_is_claimed(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    spoken = ticket[1:].translate(SPOKEN).replace("一", "幺", 1)
    assert f"接单成功：{ticket}" in say(wechat, ZHANG, f"接单{spoken}")


def test_two_numbers_in_one_claim_claim_each_never_one_glued_number(wechat, seeded, clock):
    first = file_and_dispatch(wechat, seeded, clock)
    second = file_and_dispatch(wechat, seeded, clock, LAMP)
    reply = wechat.send(ZHANG, f"接单 {first[1:]} {second[1:]}")
    assert f"接单成功：{first}" in reply and f"接单成功：{second}" in reply
    assert {appeal(seeded, first).status, appeal(seeded, second).status} == {AppealStatus.ACCEPTED}


def test_two_numbers_in_a_command_that_takes_one_are_refused_clearly(wechat, seeded, clock):
    first = file_and_dispatch(wechat, seeded, clock)
    second = file_and_dispatch(wechat, seeded, clock, LAMP)
    wechat.send(ZHANG, f"接单 {first} {second}")
    assert wechat.send(ZHANG, f"办结 {first} {second} 已修好").endswith(f"例如：办结 {first} 说明")
    assert wechat.send(RESIDENT, f"查询 {first} {second}").endswith(f"例如：查询 {first}")
    assert appeal(seeded, first).status == AppealStatus.ACCEPTED


def test_a_number_with_a_digit_missing_is_told_the_ticket_format(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    reply = wechat.send(ZHANG, f"接单 {ticket[:-1]}")
    assert "G 加 10 位数字" in reply and "9 位" in reply
    assert appeal(seeded, ticket).status == AppealStatus.DISPATCHED


@pytest.mark.parametrize("text", ["挂起 F1 等配件", "进展 A12 已联系物业", "接单 F26112", "查询 F1"])
def test_a_number_with_a_letter_mistyped_for_g_is_told_it_is_no_ticket(wechat, seeded, clock, text):
    """挂起 F1 等配件 got the staff's generic hint, as if no number had been sent at all."""
    ticket = file_and_dispatch(wechat, seeded, clock)
    reply = wechat.send(ZHANG, text)
    assert "G 加 10 位数字" in reply and f"您发的 {text.split()[1]} 不是完整的编号" in reply
    assert appeal(seeded, ticket).status == AppealStatus.DISPATCHED


def test_a_sentence_after_a_staff_verb_stays_a_sentence(wechat, seeded, clock):
    assert "不是完整的编号" not in wechat.send(ZHANG, "进展 A座电梯已联系物业")


def test_a_residents_words_about_building_a1_are_added_not_refused_as_a_number(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    reply = wechat.send(RESIDENT, "补充 A1 栋门口也堆着垃圾")
    assert "不是完整的编号" not in reply and ticket in reply


@pytest.mark.parametrize("text", ["查询 W1", "查询 J1", "撤销 J12", "催办 W123"])
def test_a_residents_command_with_a_wish_or_case_number_cut_short_is_told_so_and_files_nothing(
        wechat, seeded, clock, text):
    """查询 W1 filed a new appeal “查询 W1” (or was added to the last one as its words)."""
    ticket = file_and_dispatch(wechat, seeded, clock)
    reply = wechat.send(RESIDENT, text)
    assert f"您发的 {text.split()[1]} 不是完整的编号" in reply and "已受理" not in reply and "补充" not in reply
    with seeded.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Appeal)) == 1
    assert appeal(seeded, ticket).content == LIFT


def test_a_place_in_the_list_said_as_people_count_lines_is_that_place(wechat, seeded, clock):
    lift = file_and_dispatch(wechat, seeded, clock)
    lamp = file_and_dispatch(wechat, seeded, clock, LAMP)
    listed = wechat.send(ZHANG, "我的任务")
    first, second = (re.search(rf"{n}\. (G\d{{10}})", listed).group(1) for n in (1, 2))
    assert {first, second} == {lift, lamp}
    assert f"接单成功：{second}" in say(wechat, ZHANG, "接第二个。")
    assert f"接单成功：{first}" in say(wechat, ZHANG, "接单第1条")
    assert f"诉求 {second} 已办结" in say(wechat, ZHANG, "结第二个，已经修好了。")
    assert appeal(seeded, second).resolution == "已经修好了"


@pytest.mark.parametrize("said", ["接了 {ticket}", "我来处理 {ticket}。", "接单了，{ticket}", "我接了{ticket}"])
def test_a_member_answering_a_card_in_his_own_words_claims_it(wechat, seeded, clock, said):
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert f"接单成功：{ticket}" in say(wechat, ZHANG, said.format(ticket=ticket))


def test_own_words_without_a_ticket_are_no_claim(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert "接单成功" not in say(wechat, ZHANG, "我来处理一下这个事")
    assert "工作人员专用" in wechat.send(RESIDENT, f"我来处理 {ticket}")
    assert appeal(seeded, ticket).status == AppealStatus.DISPATCHED


def test_a_tickets_last_four_digits_name_the_members_one_task_ending_so(wechat, seeded, clock):
    lift = file_and_dispatch(wechat, seeded, clock)
    lamp = file_and_dispatch(wechat, seeded, clock, LAMP)
    assert f"接单成功：{lift}" in say(wechat, ZHANG, f"接单 {lift[-4:]}。")
    assert wechat.send(ZHANG, f"结 {lift[-4:]}") == f"还需要写上说明，请按这个格式发送：办结 {lift} 说明"
    assert f"诉求 {lift} 已办结" in say(wechat, ZHANG, f"结{lift[-4:].translate(SPOKEN)}，电梯修好了。")
    assert appeal(seeded, lift).resolution == "电梯修好了"
    assert "只有 4 位数字" in wechat.send(ZHANG, "接单 9999")  # no task of his ends so
    clock.advance(days=1)  # numbers start again each day: the next day's second ends like the lamp's
    file_and_dispatch(wechat, seeded, clock, "1号楼门口的路灯不亮了")
    again = file_and_dispatch(wechat, seeded, clock, "1号楼单元门的门禁坏了")
    assert again[-4:] == lamp[-4:]
    reply = wechat.send(ZHANG, f"接单 {lamp[-4:]}")
    assert reply.startswith(f"您的任务里有 2 条编号以 {lamp[-4:]} 结尾：") and lamp in reply and again in reply
    assert appeal(seeded, lamp).status == AppealStatus.DISPATCHED
    assert "只有 4 位数字" in wechat.send(RESIDENT, f"查询 {lamp[-4:]}")  # a resident's number is read whole


@pytest.mark.parametrize("said", ["先挂起 {ticket}，等环卫车明天来。", "转给物业 {ticket}", "收到{number}",
                                  "查询{ticket}怎么样了"])
def test_own_words_around_one_ticket_are_answered_with_its_commands_ready_to_send(wechat, seeded, clock, said):
    ticket = file_and_dispatch(wechat, seeded, clock)
    reply = say(wechat, ZHANG, said.format(ticket=ticket, number=ticket[1:]))
    assert reply.startswith(f"没有看懂要对 {ticket} 做什么")
    assert reply.endswith(f"\n查询 {ticket}\n接单 {ticket}\n进展 {ticket} 说明\n办结 {ticket} 说明\n挂起 {ticket} 原因\n"
                          f"转办 {ticket} 部门\n退回 {ticket} 原因")
    assert appeal(seeded, ticket).status == AppealStatus.DISPATCHED


def test_words_around_an_emergencys_ticket_do_not_offer_to_pause_it(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, "救命 楼下着火了 好多烟")
    wechat.send(ZHANG, f"接单 {ticket}")
    reply = wechat.send(ZHANG, f"先挂起 {ticket} 等消防")
    assert reply.startswith(f"没有看懂要对 {ticket} 做什么") and "挂起" not in reply.split("\n", 1)[1]
    assert f"办结 {ticket} 说明" in reply and f"转办 {ticket} 部门" in reply


def test_words_around_a_paused_ticket_offer_to_resume_it(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(ZHANG, f"挂起 {ticket} 等配件")
    reply = wechat.send(ZHANG, f"配件到了 {ticket}")
    assert f"\n恢复 {ticket}\n" in reply and f"挂起 {ticket} 原因" not in reply


def test_a_grid_leaders_own_words_around_a_ticket_list_reassigning_too(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    reply = say(wechat, WANG, f"盯一下 {ticket}。")
    assert reply.startswith(f"没有看懂要对 {ticket} 做什么")
    assert reply.endswith(f"\n退回 {ticket} 原因\n改派 {ticket} 网格或姓名\n督办 {ticket} 要求")
    assert "改派" not in say(wechat, ZHANG, f"盯一下 {ticket}。")  # a member does not move tasks


def test_own_words_without_one_ticket_get_the_general_hint(wechat, seeded, clock):
    assert "工作人员请使用指令" in say(wechat, ZHANG, "今天巡查完了。")
    assert "工作人员请使用指令" in say(wechat, ZHANG, "G2612060001 和 G2612060002 都看过了")
