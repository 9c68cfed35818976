"""How residents and staff reach each other: a work phone staff publish, a phone and a 门牌 residents may leave.

Before: after 已接单 the resident learned the handler's name but not how to reach them, and staff were told
"请尽快联系居民" with no phone or room number. Now the resident's phone and 门牌 are read whole only by whoever
claims their appeal (the 接单 reply, their 查询); the card before the claim and everyone else's 查询 show them
masked; the resident's 已接单 names the handler's work phone, or says to write here.
"""

import json

import pytest
from sqlalchemy import select

from handlers import notifications, resident_texts, staff_texts
from storage.models import Appeal, OutboxMessage
from tests.support.database import resident
from tests.support.personas import CHEN, LI, OPERATOR, RESIDENT, ZHANG
from tests.support.worker import file_and_dispatch

pytestmark = pytest.mark.postgres

PHONE = "13900002222"
MASKED = "139****2222"
DOOR = "3号楼1单元501"
WORK_PHONE = "13800001111"


def worded(seeded, template, openid, ticket, contact_masked=True):
    """What `openid` reads of the notice `template` about `ticket`."""
    with seeded.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.template == template,
                                                           OutboxMessage.recipient_openid == openid)).all()
        row = next(row for row in rows if ticket in row.params)
        assert not contact_masked or PHONE not in row.params  # what waits in the outbox for the card's readers is masked already
        return notifications.render(row.template, json.loads(row.params))


def test_a_grid_member_publishes_a_work_phone_and_takes_it_down(wechat):
    wechat.dialog(ZHANG, [
        ("工作电话", "您还没有设置工作电话"),
        (f"工作电话 {WORK_PHONE}", f"工作电话已设为 {WORK_PHONE}"),
        ("工作电话", f"您的工作电话：{WORK_PHONE}"),
        ("工作电话 删除", "工作电话已撤下"),
        ("我的电话 0531-87654321", "工作电话已设为 0531-87654321"),  # from staff, 我的电话 is the work phone
        ("工作电话 (0531)8765 4321-8001", "工作电话已设为 0531-87654321-8001"),
    ])


def test_a_work_phone_that_is_no_number_is_refused_with_the_format_and_nothing_changes(wechat, seeded):
    wechat.send(ZHANG, f"工作电话 {WORK_PHONE}")
    for typed in ("工作电话 1380000111", "工作电话 123456789012345678901234567", "工作电话 138-abcd-1111"):
        assert "没能识别这个号码，没有保存。手机请写 11 位" in wechat.send(ZHANG, typed)
    assert f"您的工作电话：{WORK_PHONE}" in wechat.send(ZHANG, "工作电话")


def test_residents_are_told_work_phones_are_for_staff(wechat):
    assert "这个指令是工作人员专用的" in wechat.send(RESIDENT, f"工作电话 {WORK_PHONE}")


def test_a_resident_adds_a_phone_and_a_door_after_binding_and_sees_them_masked(wechat, seeded):
    wechat.dialog("o_new", [
        ("绑定", "请选择您所在的社区"),
        ("1", "请选择您所在的小区"),
        ("1", "请选择您所在的楼栋"),
        ("3", "请选择您所在的单元"),
        ("2", "（可选）方便网格员联系您：可发送“我的电话 手机号”和“门牌 3号楼2单元501”"),
        (f"我的电话 {PHONE}", f"已记下您的电话 {MASKED}"),
        ("门牌 3号楼2单元501", "已记下您的门牌 3号楼2单元***"),
        ("我的地址", f"您留的联系方式：电话 {MASKED}，门牌 3号楼2单元***"),
        ("我的电话", f"您留的电话：{MASKED}"),
    ])
    left = resident(seeded, "o_new")
    assert (left.phone, left.door) == (PHONE, "3号楼2单元501")
    wechat.dialog("o_new", [
        ("删除电话", "已删除您留的电话"),
        ("门牌号 删除", "已删除您留的门牌"),
        ("我的地址", "（可选）方便网格员联系您"),
        ("删除电话", "您还没有留电话（可选）"),  # nothing to delete is said, not pretended
        ("删除门牌", "您还没有留门牌（可选）"),
    ])
    left = resident(seeded, "o_new")
    assert (left.phone, left.door) == (None, None)


@pytest.mark.parametrize("said", [PHONE, f"电话 {PHONE}", "手机：139 0000 2222。", f"手机号{PHONE}", f"联系电话 {PHONE}",
                                  f"留个电话 {PHONE}", f"我想留个电话，{PHONE}"])
def test_a_phone_sent_alone_or_after_dianhua_is_left_as_my_phone_not_read_as_a_ticket_or_filed(wechat, seeded, said):
    assert wechat.send(RESIDENT, said).startswith(f"已记下您的电话 {MASKED}")
    assert resident(seeded, RESIDENT).phone == PHONE


def test_wanting_to_leave_a_phone_is_told_how_not_filed(wechat, seeded):
    reply = wechat.send(RESIDENT, "我想留个电话")
    assert "已受理" not in reply and "我的电话" in reply
    assert "还没有提交过诉求" in wechat.send(RESIDENT, "我的诉求")


def test_a_sentence_about_a_phone_is_still_a_problem_and_staff_publish_theirs_only_by_name(wechat, seeded):
    assert "已受理您的诉求" in wechat.send(RESIDENT, "电话亭坏了3个")
    assert resident(seeded, RESIDENT).phone is None
    assert wechat.send(ZHANG, PHONE) == staff_texts.WORK_PHONE_BY_NAME  # maybe a resident's number: not published
    assert "您还没有设置工作电话" in wechat.send(ZHANG, "工作电话")


@pytest.mark.parametrize("said", [f"我的电话是{PHONE}，小区门口垃圾堆了三天没人清", f"我的手机 {PHONE} 3号楼电梯坏了"])
def test_a_problem_written_after_my_phone_and_its_number_is_filed_not_refused_as_a_bad_number(wechat, seeded, said):
    reply = wechat.send(RESIDENT, said)
    assert "已受理您的诉求" in reply and "没能识别" not in reply
    assert "您最近的诉求" in wechat.send(RESIDENT, "我的诉求")
    assert "已受理" not in wechat.send(RESIDENT, f"我的电话 {PHONE} 谢谢")  # a thank-you is no problem to file


@pytest.mark.parametrize("said", ["门牌 3号楼2单元501 楼道灯坏了好几天", "门牌号：3-2-501，楼上漏水到我家了"])
def test_a_problem_written_after_a_door_is_filed_not_kept_as_a_long_door(wechat, seeded, said):
    reply = wechat.send(RESIDENT, said)
    assert "已受理您的诉求" in reply and "门牌" not in reply
    assert resident(seeded, RESIDENT).door is None
    assert "已记下您的门牌" in wechat.send(RESIDENT, "门牌 3号楼 2单元 501")  # spaced apart, still one 门牌


@pytest.mark.parametrize("said", [f"我的电话换了，新号{PHONE}", f"我的电话 {PHONE} 谢谢", f"我的手机号改成 {PHONE} 了"])
def test_a_phone_with_a_few_words_around_it_is_kept_not_refused_as_unreadable(wechat, seeded, said):
    assert wechat.send(RESIDENT, said).startswith(f"已记下您的电话 {MASKED}")
    assert resident(seeded, RESIDENT).phone == PHONE


def test_the_hint_is_one_optional_line_and_is_not_repeated_once_a_phone_is_left(wechat):
    wechat.send(RESIDENT, f"我的电话是{PHONE}")
    wechat.dialog(RESIDENT, [("绑定", "请选择您所在的社区"), ("1", "请选择您所在的小区"), ("1", "请选择您所在的楼栋"),
                             ("3", "请选择您所在的单元")])
    assert "可选" not in wechat.send(RESIDENT, "1")


def test_garbage_and_over_long_values_are_refused_politely_and_nothing_is_half_written(wechat, seeded):
    wechat.send(RESIDENT, f"我的电话 {PHONE}")
    assert "没能识别这个电话号码，没有保存" in wechat.send(RESIDENT, "我的电话 12345")
    assert "没能识别这个门牌，没有保存" in wechat.send(RESIDENT, "门牌 " + "3号楼" * 12 + "501")
    assert "没能识别这个门牌，没有保存" in wechat.send(RESIDENT, "门牌 <b>501</b>")
    left = resident(seeded, RESIDENT)
    assert (left.phone, left.door) == (PHONE, None)


def test_a_door_plate_that_fell_off_is_still_an_appeal(wechat, clock):
    assert "已受理您的诉求" in wechat.send(RESIDENT, "门牌掉了好几天没人管")
    clock.advance(minutes=4)  # minutes apart: words of no category right after an appeal would go on with it
    assert "已受理您的诉求" in wechat.send(RESIDENT, "门牌一直没人给装")


def test_a_phone_said_without_my_is_kept_not_filed(wechat, seeded):
    assert f"已记下您的电话 {MASKED}" in wechat.send(RESIDENT, f"电话号码是{PHONE}")
    assert resident(seeded, RESIDENT).phone == PHONE


def test_a_door_said_aloud_in_numerals_is_kept_not_filed(wechat, seeded):
    assert "已记下您的门牌 3号楼2单元***" in wechat.send(RESIDENT, "门牌三号楼二单元五零一。")
    assert resident(seeded, RESIDENT).door == "3号楼2单元501"


@pytest.mark.parametrize("said", ["我住三号楼一单元五零一", "嗯，那个，我家是3号楼1单元501室。", "3栋1单元501"])
def test_her_own_building_unit_and_room_said_alone_is_kept_as_her_door_not_filed(wechat, seeded, said):
    # It was filed as a 待分类 appeal of nothing but her address.
    assert "已记下您的门牌 3号楼1单元***" in wechat.send(RESIDENT, said)
    assert resident(seeded, RESIDENT).door == "3号楼1单元501"
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


def test_another_building_said_alone_is_told_her_bound_address_and_how_to_move(wechat, seeded):
    reply = wechat.send(RESIDENT, "我住五号楼二单元三零二")
    assert reply.startswith("您绑定的住址是 幸福里社区·第一网格 阳光花园3号楼1单元。如果已经搬家，请回复“我搬家了”")
    assert resident(seeded, RESIDENT).door is None
    assert "已受理您的诉求" in wechat.send(RESIDENT, "我住3号楼1单元501，楼上一直往下漏水")  # a problem too: filed


def test_claiming_shows_the_handler_the_whole_contact_and_everyone_else_sees_it_masked(wechat, seeded, clock):
    wechat.send(RESIDENT, f"我的电话 {PHONE}")
    wechat.send(RESIDENT, f"门牌 {DOOR}")
    ticket = file_and_dispatch(wechat, seeded, clock)
    card = worded(seeded, "staff_new_appeal", ZHANG, ticket)
    assert f"电话 {MASKED}，门牌 3号楼1单元***（接单后可见完整）" in card and PHONE not in card
    claimed = wechat.send(ZHANG, f"接单 {ticket}")
    assert f"接单成功：{ticket}\n居民联系方式：电话 {PHONE}，门牌 {DOOR}\n请尽快联系居民处理。" in claimed
    assert f"居民联系方式：电话 {PHONE}，门牌 {DOOR}" in wechat.send(ZHANG, f"查询 {ticket}")
    for reader in (OPERATOR, LI):
        shown = wechat.send(reader, f"查询 {ticket}")
        assert f"居民联系方式：电话 {MASKED}，门牌 3号楼1单元***" in shown and PHONE not in shown


def test_a_phone_inside_the_appeal_is_the_resident_s_words_and_stays_as_written(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, f"3号楼电梯坏了，物业一直不来修，有事打我电话{PHONE}")
    assert f"打我电话{PHONE}" in worded(seeded, "staff_new_appeal", ZHANG, ticket, contact_masked=False)
    assert f"打我电话{PHONE}" in wechat.send(ZHANG, f"查询 {ticket}")


def test_an_id_number_inside_the_appeal_is_masked_on_the_card_the_whole_grid_gets(wechat, seeded, clock):
    """No one needs it to take the task: the handler reads it whole in 查询 after claiming."""
    text = f"想申请高龄补贴，我母亲身份证110101194003071234，电话{PHONE}"
    ticket = file_and_dispatch(wechat, seeded, clock, text)
    card = worded(seeded, "staff_new_appeal", ZHANG, ticket, contact_masked=False)
    assert f"身份证110101********1234，电话{PHONE}" in card and "110101194003071234" not in card
    wechat.send(ZHANG, f"接单 {ticket}")
    assert "身份证110101194003071234" in wechat.send(ZHANG, f"查询 {ticket}")


def test_without_a_contact_the_handler_is_told_how_to_reach_the_resident(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert f"居民未留电话和门牌：请按地址上门，或回复“进展 {ticket} 说明”" in wechat.send(ZHANG, f"接单 {ticket}")


def test_the_resident_s_accepted_notice_names_the_handler_and_their_work_phone(wechat, seeded, clock):
    wechat.send(ZHANG, f"工作电话 {WORK_PHONE}")
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    told = worded(seeded, "resident_accepted", RESIDENT, ticket)
    assert f"办理人：张伟，工作电话 {WORK_PHONE}" in told  # published to be called: not masked


def test_without_a_work_phone_the_accepted_notice_says_to_write_here(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    told = worded(seeded, "resident_accepted", RESIDENT, ticket)
    assert "办理人：张伟\n" in told and f"有话要告诉办理人，请回复“补充 {ticket} 内容”" in told


def move_to_heping(wechat, openid=RESIDENT):
    """我搬家了 to 和平小区 2栋 (和平社区·第一网格): the reply that says it is done."""
    wechat.send(openid, "我搬家了")
    wechat.send(openid, "和平小区")
    return wechat.send(openid, "2栋")


def test_a_door_left_before_moving_stays_on_the_old_home_s_appeals_and_leaves_the_new_home_s(wechat, seeded, clock):
    wechat.send(RESIDENT, f"门牌 {DOOR}")
    old_ticket = file_and_dispatch(wechat, seeded, clock)
    moved = move_to_heping(wechat)
    assert "绑定成功！您的住址：和平社区·第一网格 和平小区2栋" in moved
    assert "您原来留的门牌 3号楼1单元*** 是原住址的" in moved
    assert resident(seeded, RESIDENT).door is None
    assert f"门牌 {DOOR}" in wechat.send(ZHANG, f"接单 {old_ticket}")  # its handler still knocks at the old door
    new_ticket = file_and_dispatch(wechat, seeded, clock, "楼道里的灯坏了好几天了")
    claimed = wechat.send(CHEN, f"接单 {new_ticket}")
    assert "3号楼1单元" not in claimed and "居民未留电话和门牌" in claimed


def test_a_door_left_after_moving_is_not_shown_on_the_old_home_s_appeals(wechat, seeded, clock):
    old_ticket = file_and_dispatch(wechat, seeded, clock)
    move_to_heping(wechat)
    wechat.send(RESIDENT, "门牌 2栋1单元302")
    assert "居民未留电话和门牌" in wechat.send(ZHANG, f"接单 {old_ticket}")
    assert "2栋1单元302" not in wechat.send(ZHANG, f"查询 {old_ticket}")
    new_ticket = file_and_dispatch(wechat, seeded, clock, "楼道里的灯坏了好几天了")
    assert "门牌 2栋1单元302" in wechat.send(CHEN, f"接单 {new_ticket}")


def test_choosing_another_unit_of_the_same_building_keeps_the_door(wechat, seeded):
    wechat.send(RESIDENT, f"门牌 {DOOR}")
    wechat.dialog(RESIDENT, [("我搬家了", "请选择您所在的社区"), ("阳光花园三号楼二单元", "绑定成功")])
    assert resident(seeded, RESIDENT).door == DOOR


@pytest.mark.parametrize("typed", ["我的电话 13900001111 13900002222", "我的电话 13900001111、0531-87654321",
                                   "我的电话 13900001111和13900002222"])
def test_two_numbers_at_once_are_refused_as_two_not_as_unreadable(wechat, seeded, typed):
    reply = wechat.send(RESIDENT, typed)
    assert "只能留一个电话，这次没有保存" in reply and "没能识别" not in reply
    assert resident(seeded, RESIDENT).phone is None


def test_one_unreadable_number_is_still_told_the_format(wechat):
    assert "没能识别这个电话号码" in wechat.send(RESIDENT, "我的电话 1390000111")


@pytest.mark.parametrize("said", ["删除我的信息", "注销", "我要注销账号", "请帮我删除我的个人信息"])
def test_asking_to_delete_ones_data_is_told_what_is_kept_and_how_not_filed_as_an_appeal(wechat, seeded, said):
    from storage.models import Appeal

    wechat.send(RESIDENT, f"我的电话 {PHONE}")
    reply = wechat.send(RESIDENT, said)
    assert reply == resident_texts.MY_DATA
    assert "删除电话" in reply and "我的诉求" in reply and "社区" in reply
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).first() is None


@pytest.mark.parametrize("said", ["删除我的电话", "删除手机号", "删掉电话", "删除我的手机号码"])
def test_a_phone_deleted_in_ones_own_words_is_deleted_not_filed_as_an_appeal(wechat, seeded, said):
    from storage.models import Appeal

    wechat.send(RESIDENT, f"我的电话 {PHONE}")
    assert wechat.send(RESIDENT, said) == resident_texts.PHONE_REMOVED
    assert resident(seeded, RESIDENT).phone is None
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).first() is None


@pytest.mark.parametrize("said", ["删除门牌号", "删除我的门牌", "删掉门牌"])
def test_a_door_deleted_in_ones_own_words_is_deleted_not_filed_as_an_appeal(wechat, seeded, said):
    wechat.send(RESIDENT, f"门牌 {DOOR}")
    assert wechat.send(RESIDENT, said) == resident_texts.DOOR_REMOVED
    assert resident(seeded, RESIDENT).door is None


@pytest.mark.parametrize("said", ["删除我的地址", "解除绑定", "解绑", "删除住址"])
def test_asking_to_unbind_the_address_is_told_what_is_kept_and_how_to_change_it(wechat, seeded, said):
    from storage.models import Appeal

    reply = wechat.send(RESIDENT, said)
    assert reply == resident_texts.MY_DATA and "我搬家了" in reply
    assert resident(seeded, RESIDENT).building_id is not None
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).first() is None


@pytest.mark.parametrize(("said", "answer"), [
    ("我的个人信息", "您绑定的住址："), ("查看我的信息", "您绑定的住址："), ("我的资料", "您绑定的住址："),
    ("你们保存了我哪些信息", resident_texts.MY_DATA), ("你们有我哪些信息？", resident_texts.MY_DATA),
])
def test_asking_what_is_kept_about_oneself_is_answered_not_filed_as_an_appeal(wechat, seeded, said, answer):
    from storage.models import Appeal

    assert wechat.send(RESIDENT, said).startswith(answer)
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).first() is None
