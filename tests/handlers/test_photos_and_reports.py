"""Photos, locations and 上报 (issue 10, section 5): material goes to the appeal being talked about and its
holder hears of it, a location is called a location, and a 上报 names its building.

o1 lives in 阳光花园 3号楼 (幸福里社区·第一网格: 张伟 and 李娜 members, 王强 the leader).
"""

import json
import re

import pytest
from sqlalchemy import func, select

from handlers import notifications
from storage.models import Attachment, OutboxMessage
from tests.support.database import appeal, notices
from tests.support.personas import LI, RESIDENT, WANG, ZHANG
from tests.support.worker import LIFT, dispatch_filed, file_and_dispatch

pytestmark = pytest.mark.postgres


def photo(wechat, openid=RESIDENT):
    return wechat.deliver(wechat.server.image(openid, create_time=wechat.now()))


def location(wechat, openid=RESIDENT):
    return wechat.deliver(wechat.server.location(openid, 39.91, 116.40, "阳光花园3号楼", create_time=wechat.now()))


def attached_to(seeded):
    with seeded.transaction() as session:
        return session.scalars(select(Attachment.appeal_id).order_by(Attachment.id)).all()


def staff_read(seeded, template, openid):
    with seeded.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.template == template,
                                                           OutboxMessage.recipient_openid == openid)).all()
        return [notifications.render(row.template, json.loads(row.params)) for row in rows]


# --- a photo goes to the appeal being talked about ----------------------------------------------------------

def test_a_photo_sent_before_its_words_joins_the_new_appeal_not_an_older_one(wechat, seeded, clock):
    older = file_and_dispatch(wechat, seeded, clock)
    clock.advance(days=2)
    reply = photo(wechat)
    assert f"您的诉求 {older} 已提交一段时间，这次的图片没有附到它" in reply
    assert "请用文字说明图片反映的问题" in reply
    clock.advance(minutes=1)
    newer = file_and_dispatch(wechat, seeded, clock, "小区门口垃圾桶满了，好几天没人清")
    assert attached_to(seeded) == [appeal(seeded, newer).id]
    assert staff_read(seeded, "staff_material_added", ZHANG) == []


def test_a_photo_or_location_while_choosing_an_address_is_kept_and_the_menu_still_waits_for_its_answer(wechat):
    ticket = re.search(r"G\d{10}", wechat.send("o_new", "路灯坏了好几天了")).group(0)
    still = "请接着回复上面选单里的序号或名称完成住址绑定，绑定后诉求马上转给网格员（回复“取消”退出）。"
    assert photo(wechat, "o_new") == f"已将图片补充到诉求 {ticket}。\n{still}"
    assert location(wechat, "o_new") == f"已将位置补充到诉求 {ticket}。\n{still}"
    wechat.dialog("o_new", [("1", "请选择您所在的小区")])
    assert photo(wechat, RESIDENT).endswith("。") and still not in photo(wechat, RESIDENT)  # bound: nothing waits


def test_a_photo_right_after_an_appeal_is_added_to_it_and_the_grid_is_told(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    clock.advance(minutes=5)
    assert f"已将图片补充到诉求 {ticket}" in photo(wechat)
    assert attached_to(seeded) == [appeal(seeded, ticket).id]
    assert notices(seeded, "staff_material_added", ticket) == sorted([ZHANG, LI, WANG])
    (card,) = staff_read(seeded, "staff_material_added", ZHANG)
    assert f"【补充材料】{ticket} 居民补充了照片" in card and LIFT in card
    assert f"回复“查询 {ticket}”查看" in card and f"请回复“接单 {ticket}”" in card


def test_a_flood_of_photos_is_all_kept_but_the_grid_hears_of_nine_an_hour(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    for _ in range(12):
        clock.advance(seconds=2)
        assert f"已将图片补充到诉求 {ticket}" in photo(wechat)
    assert attached_to(seeded) == [appeal(seeded, ticket).id] * 12
    assert len(staff_read(seeded, "staff_material_added", ZHANG)) == 9
    told = []
    for _ in range(3):  # the twelve leave the hour's count 75 minutes after the first of them
        clock.advance(minutes=25)
        assert f"已将位置补充到诉求 {ticket}" in location(wechat)
        told.append(len(staff_read(seeded, "staff_material_added", ZHANG)))
    assert told == [9, 9, 10]


def test_a_resident_flooding_photos_is_told_past_thirty_an_hour_and_nothing_more_is_kept(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    for _ in range(30):
        clock.advance(seconds=1)
        assert f"已将图片补充到诉求 {ticket}" in photo(wechat)
    clock.advance(seconds=1)
    refused = photo(wechat)
    assert refused.startswith("抱歉，每位居民一小时内最多发送 30 张图片或位置，您已达到上限，这次的图片没有保存。")
    assert "拨打 110、119 或 120" in refused
    assert "这次的位置没有保存" in location(wechat)
    assert len(attached_to(seeded)) == 30
    assert photo(wechat, "o5").startswith("收到图片")  # a neighbour is not held back
    clock.advance(hours=1)
    assert photo(wechat).startswith("收到图片")  # the hour passed: kept again
    assert len(attached_to(seeded)) == 32


def test_a_handlers_result_photos_do_not_use_up_the_residents_share(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已修好", "已办结")])
    for _ in range(30):
        clock.advance(seconds=1)
        assert "办结结果" in photo(wechat, ZHANG)
    assert not photo(wechat).startswith("抱歉")


def test_a_staff_account_flooding_photos_is_told_past_two_hundred_an_hour_and_nothing_more_is_kept(
        wechat, seeded, clock, caplog):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已修好", "已办结")])
    for _ in range(199):
        clock.advance(seconds=1)
        assert "办结结果" in photo(wechat, ZHANG)
    clock.advance(minutes=31)  # past the result's half hour: one more waits for the next 上报, and counts too
    assert photo(wechat, ZHANG).startswith("收到照片")
    refused = photo(wechat, ZHANG)
    assert refused == ("抱歉，每个工作账号一小时内最多发送 200 张照片或位置，您已达到上限，这次的照片没有保存。"
                       "请稍后再发；办理情况可以用文字写在进展或办结里。")
    assert "这次的位置没有保存" in location(wechat, ZHANG)
    with seeded.transaction() as session:
        assert session.scalar(select(func.count(Attachment.id))) == 200
    assert "over 200 photos and locations in the hour" in caplog.text and ZHANG not in caplog.text
    assert photo(wechat, LI).startswith("收到照片")  # a colleague is not held back
    clock.advance(hours=1)
    assert photo(wechat, ZHANG).startswith("收到照片")


def test_a_photo_from_a_neighbour_who_joined_the_appeal_goes_to_the_appeal_being_handled(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    file_and_dispatch(wechat, seeded, clock, openid="o5", text="3号楼的电梯又坏了，上下楼很不方便")
    wechat.dialog("o5", [("1", f"已加入诉求 {ticket}")])
    clock.advance(minutes=2)
    assert f"已将图片补充到诉求 {ticket}" in photo(wechat, "o5")
    assert attached_to(seeded) == [appeal(seeded, ticket).id]
    assert notices(seeded, "staff_material_added", ticket) == sorted([ZHANG, LI, WANG])


def test_material_for_a_task_in_hand_goes_to_its_handler_alone(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert "接单成功" in wechat.send(ZHANG, f"接单 {ticket}")
    clock.advance(minutes=10)
    assert f"已将位置补充到诉求 {ticket}" in location(wechat)
    assert notices(seeded, "staff_material_added", ticket) == [ZHANG]
    (card,) = staff_read(seeded, "staff_material_added", ZHANG)
    assert "居民补充了位置" in card and "接单" not in card


def test_an_older_appeal_the_resident_just_chased_is_the_one_being_talked_about(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    clock.advance(days=2)
    wechat.send(RESIDENT, f"催办 {ticket}")
    clock.advance(minutes=3)
    assert f"已将图片补充到诉求 {ticket}" in photo(wechat)


# --- a location is a location ------------------------------------------------------------------------------

def test_a_location_is_received_as_a_location(wechat, seeded, clock):
    assert "收到位置。请用文字说明" in location(wechat)
    assert "收到位置。30 分钟内发送“上报 内容”，位置会附到上报的诉求" in location(wechat, ZHANG)
    assert "收到照片。30 分钟内发送“上报 内容”，照片会附到上报的诉求" in photo(wechat, ZHANG)


def test_a_location_after_a_result_is_attached_as_a_location(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已修好", "已办结")])
    assert f"位置已附到诉求 {ticket} 的办结结果" in location(wechat, ZHANG)


# --- 上报 names its building ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("said", "home"), [
    ("上报 2号楼消防通道堆满杂物", "阳光花园2号楼"),
    ("上报 2栋楼道堆了杂物", "阳光花园2号楼"),
    ("上报 二号楼楼道电动车充电", "阳光花园2号楼"),
])
def test_a_report_names_its_building_on_the_card_and_in_the_lookup(wechat, seeded, clock, said, home):
    ticket = re.search(r"G\d{10}", wechat.send(ZHANG, said)).group(0)
    dispatch_filed(seeded, clock)
    (card,) = staff_read(seeded, "staff_new_appeal", LI)
    assert home in card and "未填写楼栋" not in card
    assert home in wechat.send(ZHANG, f"查询 {ticket}")


def test_a_report_naming_no_building_of_the_grid_stays_with_the_grid(wechat, seeded, clock):
    ticket = re.search(r"G\d{10}", wechat.send(ZHANG, "上报 12号楼消防通道堆满杂物")).group(0)
    assert appeal(seeded, ticket).building_id is None


def test_progress_and_closing_a_report_do_not_speak_of_a_resident_told_or_rating(wechat, seeded, clock):
    ticket = re.search(r"G\d{10}", wechat.send(ZHANG, "上报 2号楼消防通道堆满杂物 我来办")).group(0)
    progress = wechat.send(ZHANG, f"进展 {ticket} 已联系物业清理")
    assert progress.startswith(f"已记录诉求 {ticket} 的进展") and "通知居民" not in progress
    closed = wechat.send(ZHANG, f"办结 {ticket} 已清理")
    assert closed.startswith(f"诉求 {ticket} 已办结") and "居民会收到通知并评价" not in closed


def test_claiming_a_colleagues_report_does_not_speak_of_a_resident_to_contact(wechat, seeded, clock):
    ticket = re.search(r"G\d{10}", wechat.send(ZHANG, "上报 2号楼门口井盖松动了")).group(0)
    dispatch_filed(seeded, clock)
    claimed = wechat.send(LI, f"接单 {ticket}")
    assert claimed.startswith(f"接单成功：{ticket}") and "居民" in claimed and "告诉居民" not in claimed


def test_a_photo_while_the_rating_is_asked_goes_with_the_unsatisfied_rating_to_the_handler(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(ZHANG, f"办结 {ticket} 已修好")
    clock.advance(hours=20)
    reply = photo(wechat)
    assert f"诉求 {ticket} 已办结，正在等您评价" in reply and "这次的图片会一并转给办理人员" in reply
    clock.advance(minutes=2)
    assert f"诉求 {ticket} 已重新打开" in wechat.send(RESIDENT, "电梯还是坏的")
    assert attached_to(seeded) == [appeal(seeded, ticket).id]
    (card,) = staff_read(seeded, "staff_material_added", ZHANG)
    assert f"【补充材料】{ticket} 居民补充了照片" in card
    assert "图片1：" in wechat.send(ZHANG, f"查询 {ticket}")
