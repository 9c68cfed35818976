"""Staff with one hand free (issue 10, section 6): 我的任务 most urgent first, with a snippet and the time left,
ten a page and 更多; 接 1 / 结 2 已修好 by position; 进展 说明 on the one task in progress; 帮助 per role."""

import re

import pytest

from handlers import staff_texts
from tests.support.database import appeal
from tests.support.personas import LI, NEXT_DOOR, OPERATOR, RESIDENT, UNIT_NEIGHBOUR, WANG, ZHANG
from tests.support.worker import dispatch_filed

pytestmark = pytest.mark.postgres

LIFT = "3号楼电梯坏了，物业一直不来修，老人上下楼很困难"


def file(wechat, openid, text):
    return re.search(r"G\d{10}", wechat.send(openid, text)).group(0)


def lamps_dispatched(wechat, seeded, clock, count: int) -> list[str]:
    """`count` lamp appeals from the three neighbours of one grid, a minute apart, dispatched: a list longer than
    a page."""
    tickets = []
    for n in range(count):
        tickets.append(file(wechat, (RESIDENT, NEXT_DOOR, UNIT_NEIGHBOUR)[n % 3], f"门口的{n + 1}号路灯不亮了"))
        clock.advance(minutes=1)
    dispatch_filed(seeded, clock)
    return tickets


def test_my_tasks_puts_the_overdue_first_with_a_snippet_and_the_time_left_or_late(wechat, seeded, clock):
    lift = file(wechat, RESIDENT, LIFT)
    dispatch_filed(seeded, clock)
    wechat.send(ZHANG, f"接单 {lift}")
    clock.advance(hours=5)
    lamp = file(wechat, NEXT_DOOR, "1号楼楼道灯坏了好几天")
    dispatch_filed(seeded, clock)
    clock.advance(hours=3)  # the lamp waits past its claim deadline; the lift has days left
    reply = wechat.send(ZHANG, "我的任务")
    assert reply.index(lamp) < reply.index(lift)
    assert "接单已超时1小时" in reply and "办结剩2天" in reply
    assert "3号楼电梯坏了，物业一直不来修，…" in reply and "1号楼楼道灯坏了好几天" in reply


def test_my_tasks_right_after_a_2_hour_receipt_says_2_hours_left_to_claim_then_the_minutes(wechat, seeded, clock):
    # The time left was cut down to whole hours: 接单剩1小时 a few seconds after the resident read 2小时内响应.
    lamp = file(wechat, NEXT_DOOR, "1号楼楼道灯坏了好几天")
    dispatch_filed(seeded, clock)
    assert appeal(seeded, lamp).response_hours == 2
    clock.advance(seconds=30)
    assert "接单剩2小时" in wechat.send(ZHANG, "我的任务")
    clock.advance(minutes=40)
    assert "接单剩1小时20分钟" in wechat.send(ZHANG, "我的任务")


def test_my_tasks_pages_ten_at_a_time_and_says_how_many_more(wechat, seeded, clock):
    tickets = lamps_dispatched(wechat, seeded, clock, 12)
    first_page = wechat.send(ZHANG, "我的任务")
    assert first_page.count("待接单") == 10 and "还有 2 条，回复“更多”查看" in first_page
    assert first_page.endswith("用序号办理：接 1、进展 1 说明、结 1 说明")
    second_page = wechat.send(ZHANG, "更多")
    assert "11. " in second_page and "12. " in second_page and "还有" not in second_page
    assert second_page.endswith("用序号办理：接 11、进展 11 说明、结 11 说明")  # this page's places, not the first's
    assert {t for t in tickets if t in first_page + second_page} == set(tickets)
    assert "没有更多任务了" in wechat.send(ZHANG, "更多")
    picked = re.search(r"12\. (G\d{10})", second_page).group(1)
    assert f"接单成功：{picked}" in wechat.send(ZHANG, "接 12")


@pytest.mark.parametrize("asked", ["我的任务 2", "我的任务2", "我的任务 第2页"])
def test_my_tasks_with_a_page_number_shows_that_page_numbered_on(wechat, seeded, clock, asked):
    lamps_dispatched(wechat, seeded, clock, 12)
    second_page = wechat.send(ZHANG, asked)
    assert second_page.startswith("您的任务（续）：\n11. ") and "12. " in second_page and "\n1. " not in second_page
    assert second_page.endswith("用序号办理：接 11、进展 11 说明、结 11 说明")
    picked = re.search(r"12\. (G\d{10})", second_page).group(1)
    assert f"接单成功：{picked}" in wechat.send(ZHANG, "接 12")
    assert wechat.send(ZHANG, "我的任务 3") == "“我的任务”只有 2 页。回复“我的任务”从第 1 页看起，之后回复“更多”翻页。"


@pytest.mark.parametrize("asked", ["我的任务 99999999999999999999", "我的任务 0", "我的任务 -1", "超期 1000"])
def test_a_page_number_out_of_bounds_gets_the_command_hint_and_reads_nothing(wechat, seeded, clock, asked):
    lamps_dispatched(wechat, seeded, clock, 12)
    assert wechat.send(WANG if asked.startswith("超期") else ZHANG, asked) == staff_texts.STAFF_FREE_TEXT


def test_overdue_with_a_page_number_shows_that_page_or_says_how_many_there_are(wechat, seeded, clock):
    lamps_dispatched(wechat, seeded, clock, 12)
    assert wechat.send(WANG, "超期 2").startswith("本网格超期和无人接单的任务（续）：\n11. ")
    assert wechat.send(WANG, "超期 1").startswith("本网格超期和无人接单的任务（超期最久的在前）：\n1. ")
    assert wechat.send(WANG, "超期 5") == "“超期”只有 2 页。回复“超期”从第 1 页看起，之后回复“更多”翻页。"


def test_a_page_of_tasks_in_a_compound_with_a_long_name_fits_one_reply_and_more_shows_the_rest(wechat, seeded, clock):
    from sqlalchemy import update

    from storage.models import Building

    with seeded.transaction() as session:  # as a street office's ledger may name it
        session.execute(update(Building).where(Building.compound == "阳光花园")
                        .values(compound="阳光花园东区二期安置房小区北院南片临时过渡安置区"))
    tickets = []
    for n in range(12):
        tickets.append(file(wechat, (RESIDENT, NEXT_DOOR, UNIT_NEIGHBOUR)[n % 3], f"门口的{n + 1}号路灯不亮了，晚上看不见路"))
    dispatch_filed(seeded, clock)

    first_page = wechat.send(ZHANG, "我的任务")
    second_page = wechat.send(ZHANG, "更多")

    assert "后面的部分已省略" not in first_page  # not ten lines cut off mid-line, without 更多 or how to act
    shown = first_page.count("待接单")
    assert shown < 10 and first_page.endswith(f"还有 {12 - shown} 条，回复“更多”查看。用序号办理：接 1、进展 1 说明、结 1 说明")
    assert f"{shown + 1}. " in second_page  # positions go on where the page stopped
    assert {t for t in tickets if t in first_page + second_page} == set(tickets)


def test_an_operators_list_says_to_move_or_correct_by_position_not_to_claim(wechat, seeded, clock):
    ticket = file(wechat, RESIDENT, "3号楼电梯坏了，物业一直不来修")
    dispatch_filed(seeded, clock)
    wechat.send(ZHANG, f"退回 {ticket} 不归本网格管")
    listed = wechat.send(OPERATOR, "我的任务")
    assert listed.startswith(f"您的任务（最急的在前）：\n1. {ticket}｜")
    # Not 接 1、进展 1 说明、结 1 说明: an operator routes what waits for them.
    assert listed.endswith("用序号办理：改派 1 网格或姓名、分类 1 类别")
    assert f"诉求 {ticket} 已改派给 幸福里社区·第二网格" in wechat.send(OPERATOR, "改派 1 第二网格")


def test_an_operators_list_with_an_emergency_nobody_claimed_says_they_may_take_it_by_position(wechat, seeded, clock):
    ticket = file(wechat, RESIDENT, "楼道里着火了，好多烟")
    dispatch_filed(seeded, clock)
    clock.advance(minutes=11)  # overdue: now in the operator's list

    listed = wechat.send(OPERATOR, "我的任务")

    assert listed.startswith(f"您的任务（最急的在前）：\n1. 【紧急·火情】{ticket}｜")
    assert listed.endswith("用序号办理：改派 1 网格或姓名、分类 1 类别；紧急诉求没有人接单时您也可以接：接 1")
    assert f"接单成功：{ticket}" in wechat.send(OPERATOR, "接 1")


def test_positions_in_the_last_list_claim_and_resolve(wechat, seeded, clock):
    lift = file(wechat, RESIDENT, LIFT)
    dispatch_filed(seeded, clock)
    listed = wechat.send(ZHANG, "我的任务")
    assert f"1. {lift}" in listed
    wechat.dialog(ZHANG, [
        ("接 1", f"接单成功：{lift}"),
        ("我的任务", f"1. {lift}"),
        ("结 1 已修好", f"诉求 {lift} 已办结"),
    ])
    assert appeal(seeded, lift).resolution == "已修好"
    assert "列表里没有第 5 条" in wechat.send(ZHANG, "接单 5")
    assert "列表里没有第 0 条" in wechat.send(ZHANG, "接单 0")


def test_a_position_without_the_words_a_command_needs_is_said_back_with_its_ticket(wechat, seeded, clock):
    lift = file(wechat, RESIDENT, LIFT)
    dispatch_filed(seeded, clock)
    wechat.dialog(ZHANG, [
        ("我的任务", f"1. {lift}"),
        ("退回 1", f"还需要写上原因，请按这个格式发送：退回 {lift} 原因"),
        ("接 1", f"接单成功：{lift}"),
        ("我的任务", f"1. {lift}"),
        ("结 1", f"还需要写上说明，请按这个格式发送：办结 {lift} 说明"),
    ])
    assert appeal(seeded, lift).status == "accepted"


def test_several_positions_in_the_last_list_claim_each_as_several_numbers_do(wechat, seeded, clock):
    # 接 1 2 got the staff's general help, as if 接 were no command; 接单 G… G… claimed each.
    lift = file(wechat, RESIDENT, LIFT)
    lamp = file(wechat, NEXT_DOOR, "1号楼楼道灯坏了好几天")
    gate = file(wechat, UNIT_NEIGHBOUR, "小区东门的门禁坏了，进不去")
    dispatch_filed(seeded, clock)
    listed = wechat.send(ZHANG, "我的任务")
    first, third = (re.search(rf"{n}\. (G\d{{10}})", listed).group(1) for n in (1, 3))
    reply = wechat.send(ZHANG, "接 1、3")
    assert f"接单成功：{first}" in reply and f"接单成功：{third}" in reply
    assert {appeal(seeded, ticket).status for ticket in (first, third)} == {"accepted"}
    assert {first, third} < {lift, lamp, gate}
    assert "列表里没有第 9 条" in wechat.send(ZHANG, "接 2 9")


def test_a_position_without_a_list_asks_for_the_list_first(wechat, seeded, clock):
    assert "我的任务" in wechat.send(ZHANG, "接 1")


def test_progress_without_a_number_goes_to_the_one_task_in_progress(wechat, seeded, clock):
    lift = file(wechat, RESIDENT, LIFT)
    dispatch_filed(seeded, clock)
    wechat.dialog(ZHANG, [
        ("进展 已联系物业", "没有办理中的任务"),
        (f"接单 {lift}", "接单成功"),
        ("进展 已联系电梯维保公司，下午到", f"已记录诉求 {lift} 的进展"),
    ])
    assert "已联系电梯维保公司" in wechat.send(RESIDENT, f"查询 {lift}")


def test_a_voice_note_with_a_full_stop_after_the_verb_reaches_the_resident_without_it(wechat, seeded, clock):
    lift = file(wechat, RESIDENT, LIFT)
    dispatch_filed(seeded, clock)
    wechat.send(ZHANG, f"接单 {lift}")
    said = wechat.deliver(wechat.server.voice(ZHANG, "进展。已经联系电梯公司了，明天上午来修。", create_time=wechat.now()))
    assert f"已记录诉求 {lift} 的进展" in said
    said = wechat.deliver(wechat.server.voice(ZHANG, f"办结{lift}。电梯修好了。", create_time=wechat.now()))
    assert f"诉求 {lift} 已办结" in said
    assert appeal(seeded, lift).resolution == "电梯修好了"


def test_progress_without_a_number_with_two_in_progress_asks_which(wechat, seeded, clock):
    lift = file(wechat, RESIDENT, LIFT)
    lamp = file(wechat, NEXT_DOOR, "1号楼楼道灯坏了好几天")
    dispatch_filed(seeded, clock)
    wechat.send(ZHANG, f"接单 {lift} {lamp}")
    reply = wechat.send(ZHANG, "进展 已联系物业")
    assert "您有 2 条办理中的任务，是哪一条" in reply and lift in reply and lamp in reply
    first = re.search(r"1\. (G\d{10})", reply).group(1)
    assert f"已记录诉求 {first} 的进展" in wechat.send(ZHANG, "进展 1 已联系物业")


def test_resolve_without_a_number_closes_the_one_task_in_progress_or_asks_which(wechat, seeded, clock):
    lift = file(wechat, RESIDENT, LIFT)
    lamp = file(wechat, NEXT_DOOR, "1号楼楼道灯坏了好几天")
    dispatch_filed(seeded, clock)
    wechat.dialog(ZHANG, [
        ("办结，已修好", "您目前没有办理中的任务。请按这个格式发送：办结 编号 说明"),
        (f"接单 {lift} {lamp}", "接单成功"),
        ("办结 灯换好了", "您有 2 条办理中的任务，是哪一条？请回复：办结 序号 说明"),
        (f"办结 {lamp} 灯换好了", f"诉求 {lamp} 已办结"),
        ("办结，电梯修好了", f"诉求 {lift} 已办结"),
    ])
    assert appeal(seeded, lift).resolution == "电梯修好了"
    assert appeal(seeded, lamp).resolution == "灯换好了"


def test_claim_said_alone_lists_the_tasks_waiting_to_take_one_by_position(wechat, seeded, clock):
    assert wechat.send(ZHANG, "接单") == "您目前没有等待接单的任务。回复“我的任务”查看全部任务。"
    lift = file(wechat, RESIDENT, LIFT)
    lamp = file(wechat, NEXT_DOOR, "1号楼楼道灯坏了好几天")
    dispatch_filed(seeded, clock)
    listed = wechat.send(ZHANG, "接。")
    assert listed.startswith("有 2 条任务等待接单，要接哪一条？请回复：接 序号（或 接单 编号）\n1. ")
    first = re.search(r"1\. (G\d{10})", listed).group(1)
    assert {first, lift, lamp} == {lift, lamp}
    wechat.dialog(ZHANG, [("接 1", f"接单成功：{first}")])
    assert "有 1 条任务等待接单" in wechat.send(ZHANG, "接单")
    assert wechat.send(OPERATOR, "接单").startswith("请在“接单”后面加上诉求编号")  # an operator routes their list


def test_resolve_or_progress_said_alone_names_the_task_in_progress_to_complete_the_line(wechat, seeded, clock):
    lift = file(wechat, RESIDENT, LIFT)
    lamp = file(wechat, NEXT_DOOR, "1号楼楼道灯坏了好几天")
    dispatch_filed(seeded, clock)
    assert wechat.send(ZHANG, "办结") == "您目前没有办理中的任务。请按这个格式发送：办结 编号 说明"
    wechat.send(ZHANG, f"接单 {lift}")
    assert wechat.send(ZHANG, "办结。") == f"还需要写上说明，请按这个格式发送：办结 {lift} 说明"
    assert wechat.send(ZHANG, "进展") == f"还需要写上说明，请按这个格式发送：进展 {lift} 说明"
    wechat.send(ZHANG, f"接单 {lamp}")
    assert wechat.send(ZHANG, "结").startswith("您有 2 条办理中的任务，是哪一条？请回复：办结 序号 说明")


def test_pause_or_resume_said_alone_names_the_task_to_pause_or_lists_those_paused(wechat, seeded, clock):
    lift = file(wechat, RESIDENT, LIFT)
    lamp = file(wechat, NEXT_DOOR, "1号楼楼道灯坏了好几天")
    dispatch_filed(seeded, clock)
    assert wechat.send(ZHANG, "挂起") == "您目前没有办理中的任务。请按这个格式发送：挂起 编号 原因"
    assert wechat.send(ZHANG, "恢复") == "您目前没有挂起的任务，无需恢复。回复“我的任务”查看全部任务。"
    wechat.send(ZHANG, f"接单 {lift}")
    assert wechat.send(ZHANG, "挂。") == f"还需要写上原因，请按这个格式发送：挂起 {lift} 原因"
    wechat.send(ZHANG, f"接单 {lamp}")
    assert wechat.send(ZHANG, "挂").startswith("您有 2 条办理中的任务，是哪一条？请回复：挂起 序号 原因（或 挂起 编号 原因）\n1. ")
    wechat.send(ZHANG, f"挂起 {lift} 等电梯配件")
    listed = wechat.send(ZHANG, "恢复")
    assert listed.startswith(f"您有 1 条挂起的任务，要恢复哪一条？请回复：恢复 序号（或 恢复 编号）\n1. {lift}｜")
    assert lamp not in listed
    assert wechat.send(ZHANG, "恢复 1").startswith(f"诉求 {lift} 已恢复办理")


def test_give_back_said_alone_lists_the_tasks_to_give_back_by_place(wechat, seeded, clock):
    assert wechat.send(ZHANG, "退回") == "您目前没有可以退回的任务。回复“我的任务”查看全部任务。"
    lift = file(wechat, RESIDENT, LIFT)
    dispatch_filed(seeded, clock)
    assert wechat.send(ZHANG, "退。") == f"还需要写上原因，请按这个格式发送：退回 {lift} 原因"
    lamp = file(wechat, NEXT_DOOR, "1号楼楼道灯坏了好几天")
    dispatch_filed(seeded, clock)
    wechat.send(ZHANG, f"接单 {lift}")
    listed = wechat.send(ZHANG, "退回")
    assert listed.startswith("您有 2 条任务可以退回，是哪一条？请回复：退回 序号 原因（或 退回 编号 原因）\n1. ")
    place = 1 if listed.index(lamp) < listed.index(lift) else 2
    assert wechat.send(ZHANG, f"退回 {place} 这是物业的事").startswith(f"诉求 {lamp} 已退回")


def test_a_list_to_pick_from_ends_with_the_line_to_send_for_its_own_verb_not_claim_and_resolve(wechat, seeded, clock):
    lift = file(wechat, RESIDENT, LIFT)
    lamp = file(wechat, NEXT_DOOR, "1号楼楼道灯坏了好几天")
    dispatch_filed(seeded, clock)
    assert wechat.send(ZHANG, "接").endswith("\n用序号办理：接 1")
    wechat.send(ZHANG, f"接单 {lift}")
    wechat.send(ZHANG, f"接单 {lamp}")
    assert wechat.send(ZHANG, "挂").endswith("\n用序号办理：挂起 1 原因")
    assert wechat.send(ZHANG, "进展").endswith("\n用序号办理：进展 1 说明")
    assert wechat.send(ZHANG, "退回").endswith("\n用序号办理：退回 1 原因")
    wechat.send(ZHANG, f"挂起 {lift} 等配件")
    assert wechat.send(ZHANG, "恢复").endswith("\n用序号办理：恢复 1")
    assert wechat.send(ZHANG, "我的任务").endswith("用序号办理：接 1、进展 1 说明、结 1 说明")


def test_more_after_a_pick_list_goes_on_with_that_list_and_its_own_line_not_my_tasks(wechat, seeded, clock):
    tickets = lamps_dispatched(wechat, seeded, clock, 13)
    wechat.send(ZHANG, f"接单 {tickets[0]}")
    first_page = wechat.send(ZHANG, "接")
    assert tickets[0] not in first_page and "还有" in first_page and first_page.endswith("用序号办理：接 1")
    shown = len(re.findall(r"^\d+\. ", first_page, re.MULTILINE))
    second_page = wechat.send(ZHANG, "更多")
    assert second_page.startswith("可选的任务（续）：") and tickets[0] not in second_page
    assert "办理中" not in second_page and second_page.endswith(f"用序号办理：接 {shown + 1}")
    assert {t for t in tickets[1:] if t in first_page + second_page} == set(tickets[1:])
    assert wechat.send(ZHANG, "更多").startswith("这份列表没有更多任务了，请用列表里的序号回复“接 序号”")
    picked = re.search(rf"{shown + 1}\. (G\d{{10}})", second_page).group(1)
    assert f"接单成功：{picked}" in wechat.send(ZHANG, f"接 {shown + 1}")


def test_help_is_short_and_per_role(wechat, seeded):
    resident_help = wechat.send(RESIDENT, "帮助")
    assert "查询 编号" in resident_help and "接单" not in resident_help
    member_help = wechat.send(ZHANG, "帮助")
    assert "查询 编号" in member_help and "接单 编号（可简写“接”）" in member_help
    assert "办结 编号 说明（可简写“结”）" in member_help and "接 1" in member_help
    assert "合并" not in member_help and "待分类" not in member_help
    for overseer in (WANG, OPERATOR):
        overseer_help = wechat.send(overseer, "帮助")
        assert "合并 编号 目标编号" in overseer_help and "待分类" in overseer_help, overseer
    leader_help = wechat.send(WANG, "帮助") + "\n" + wechat.send(WANG, "帮助 2")
    assert len(member_help.splitlines()) < len(leader_help.splitlines())


def test_a_resident_saying_more_or_asking_about_progress_is_not_a_staff_command(wechat, seeded, clock):
    assert "工作人员专用" not in wechat.send(RESIDENT, "进展怎么样了？")


def test_a_grid_leader_lists_every_overdue_and_unclaimed_task_of_the_grid_with_who_holds_it(wechat, seeded, clock):
    lift = file(wechat, RESIDENT, LIFT)
    dispatch_filed(seeded, clock)
    wechat.send(ZHANG, f"接单 {lift}")
    lamp = file(wechat, NEXT_DOOR, "1号楼楼道灯坏了好几天")
    dispatch_filed(seeded, clock)
    clock.advance(days=4)  # the lamp nobody claimed and the lift 张伟 holds are both late
    bin_ = file(wechat, UNIT_NEIGHBOUR, "3号楼门口的垃圾桶满了没人清理")
    dispatch_filed(seeded, clock)  # unclaimed, not late yet
    listed = wechat.send(WANG, "超期")
    assert listed.startswith("本网格超期和无人接单的任务（超期最久的在前）：")
    assert listed.index(lamp) < listed.index(lift) < listed.index(bin_)
    assert re.search(rf"{lamp}｜[^\n]*｜待接单｜接单已超时\d+天｜无人接单", listed)
    assert re.search(rf"{lift}｜[^\n]*｜办理中｜办结已超时[^\n]*｜张伟", listed)
    assert re.search(rf"{bin_}｜[^\n]*｜待接单｜接单剩[^\n]*｜无人接单", listed)
    assert listed.endswith("用序号督办、改派：督办 1 要求、改派 1 网格或姓名")
    position = listed.splitlines().index(next(line for line in listed.splitlines() if lift in line)) // 2 + 1
    assert wechat.send(WANG, f"督办 {position} 今天务必修好") == f"已督办诉求 {lift}，已发给：张伟。"
    assert wechat.send(OPERATOR, "超期").startswith("本社区超期和无人接单的任务")
    assert "本网格超期" in wechat.send(WANG, "本网格超期")


@pytest.mark.parametrize("said", ["超时", "逾期", "超时任务", "逾期任务"])
def test_a_grid_leader_asking_in_the_督办_notices_words_gets_the_overdue_list(wechat, seeded, clock, said):
    lamp = file(wechat, NEXT_DOOR, "1号楼楼道灯坏了好几天")
    dispatch_filed(seeded, clock)
    clock.advance(days=1)  # its 督办 said 超时未响应
    assert wechat.send(WANG, said).startswith(f"本网格超期和无人接单的任务（超期最久的在前）：\n1. {lamp}｜")
    assert wechat.send(OPERATOR, said).startswith("本社区超期和无人接单的任务")


def test_supervise_said_alone_by_a_grid_leader_lists_what_is_late_to_supervise_by_place(wechat, seeded, clock):
    assert wechat.send(WANG, "督办") == "本网格目前没有超期或无人接单的任务。"
    lift = file(wechat, RESIDENT, LIFT)
    dispatch_filed(seeded, clock)
    wechat.send(ZHANG, f"接单 {lift}")
    clock.advance(days=4)
    listed = wechat.send(WANG, "督办。")
    assert listed.startswith(f"本网格超期和无人接单的任务（超期最久的在前）：\n1. {lift}｜")
    assert listed.endswith("用序号督办、改派：督办 1 要求、改派 1 网格或姓名")
    assert wechat.send(WANG, "督办 1 今天务必修好") == f"已督办诉求 {lift}，已发给：张伟。"
    assert wechat.send(ZHANG, "督办") == "请按这个格式发送：督办 编号 要求"  # a member oversees nothing


def test_a_grid_leader_with_no_task_of_her_own_is_pointed_to_the_grids_overdue_list(wechat, seeded, clock):
    lift = file(wechat, RESIDENT, LIFT)
    dispatch_filed(seeded, clock)
    wechat.send(ZHANG, f"接单 {lift}")
    assert wechat.send(WANG, "我的任务") == "您目前没有待办任务。本网格超期和无人接单的任务请回复“超期”查看。"
    assert wechat.send(OPERATOR, "我的任务") == "您目前没有待办任务。"  # what waits for an operator is in her list


def test_overdue_is_paged_like_my_tasks_and_more_goes_on_with_it(wechat, seeded, clock):
    tickets = lamps_dispatched(wechat, seeded, clock, 12)
    first_page = wechat.send(WANG, "超期")
    assert first_page.count("｜无人接单") == 10 and "还有 2 条，回复“更多”查看" in first_page
    second_page = wechat.send(WANG, "更多")
    assert second_page.startswith("本网格超期和无人接单的任务（续）：") and "11. " in second_page
    assert second_page.endswith("督办 11 要求、改派 11 网格或姓名")
    assert {t for t in tickets if t in first_page + second_page} == set(tickets)
    assert wechat.send(WANG, "更多") == "没有更多了。回复“超期”从头查看。"


def test_overdue_is_for_grid_leaders_and_operators_and_says_so_to_a_member(wechat, seeded, clock):
    file(wechat, RESIDENT, LIFT)
    dispatch_filed(seeded, clock)
    refused = wechat.send(ZHANG, "超期")
    assert "是给网格长和社区操作员用的" in refused and "我的任务" in refused
    assert "超期" not in wechat.send(ZHANG, "帮助")
    for overseer in (WANG, OPERATOR):
        assert "· 超期：" in wechat.send(overseer, "帮助"), overseer


def test_a_grid_with_nothing_late_or_waiting_is_told_so(wechat, seeded):
    assert wechat.send(WANG, "超期") == "本网格目前没有超期或无人接单的任务。"


def test_a_place_typed_without_a_space_before_the_words_is_the_place(wechat, seeded, clock):
    # One thumb leaves the space out: 结1已修好 was answered with the general hint, and nothing was closed.
    lamp = file(wechat, NEXT_DOOR, "1号楼楼道灯坏了好几天")
    dispatch_filed(seeded, clock)
    wechat.send(ZHANG, "我的任务")
    wechat.send(ZHANG, "接1")
    assert wechat.send(ZHANG, "结1已修好").startswith(f"诉求 {lamp} 已办结")
    assert appeal(seeded, lamp).status == "resolved"
    assert "工作人员请使用指令" in wechat.send(ZHANG, "进3号楼看看")  # 3号楼 is a building, not the third task


def test_a_member_looks_a_task_up_by_its_last_four_as_she_closes_it(wechat, seeded, clock):
    # 查询 0001 was answered "只有 4 位数字，请核对": she had to type all ten digits to read her own task.
    lamp = file(wechat, NEXT_DOOR, "1号楼楼道灯坏了好几天")
    dispatch_filed(seeded, clock)
    assert wechat.send(ZHANG, f"查询 {lamp[-4:]}").startswith(f"诉求 {lamp}")
    assert wechat.send(ZHANG, f"查询{lamp[-4:]}").startswith(f"诉求 {lamp}")
    assert "只有 4 位数字" in wechat.send(NEXT_DOOR, f"查询 {lamp[-4:]}")  # a resident's number is read whole


def test_a_sensitive_task_whose_card_asks_her_to_claim_it_is_in_her_list_with_its_words_withheld(wechat, seeded, clock):
    # The card said 接单 G…, 我的任务 said 您目前没有待办任务: the dispute waited while she believed she had none.
    dispute = file(wechat, NEXT_DOOR, "我和老公经常吵架，家庭矛盾想请社区调解一下")
    dispatch_filed(seeded, clock)
    listed = wechat.send(LI, "我的任务")
    assert dispute in listed and "涉及个人隐私，接单后可见" in listed
    assert "吵架" not in listed and "阳光花园" not in listed
    assert f"接单成功：{dispute}" in wechat.send(LI, "接 1")
    assert dispute in wechat.send(LI, "我的任务") and "吵架" in wechat.send(LI, "我的任务")
    assert dispute not in wechat.send(ZHANG, "我的任务")  # claimed by 李娜: nothing of it for him
