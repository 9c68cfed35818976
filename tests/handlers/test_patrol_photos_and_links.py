"""Staff open photos and locations; a grid member's patrol photos join their 上报 (issue 10, section 5).

o1 lives in 阳光花园 3号楼 (幸福里社区·第一网格: 张伟 and 李娜 members, 王强 the leader; 刘洋 is of the second
grid). Photo links are signed with the test settings' key and point at GRIDBOT_PUBLIC_URL (https://gridbot.test).
"""

import json
import re

import pytest
from sqlalchemy import select

from handlers import notifications
from storage import media_files
from storage.models import Attachment, OutboxMessage
from tests.support.database import appeal
from tests.support.personas import LI, LIU, RESIDENT, WANG, ZHANG
from tests.support.worker import LIFT, dispatch_filed, file_and_dispatch

pytestmark = pytest.mark.postgres
TICKET = re.compile(r"G\d{10}")
PHOTO_LINK = re.compile(r"图片1：https://gridbot\.test/media/[\w.-]+")
MAP = "位置1：https://uri.amap.com/marker?position=116.4,39.91&name=%E9%98%B3%E5%85%89%E8%8A%B1%E5%9B%AD3%E5%8F%B7%E6%A5%BC"


@pytest.fixture
def linked(seeded, settings, clock):
    """The test database with the photo links' signer in its sessions, as Settings.open_database gives them."""
    seeded.session_info[media_files.LINKS_KEY] = settings.media_links(clock)
    return seeded


def photo(wechat, openid=RESIDENT):
    return wechat.deliver(wechat.server.image(openid, create_time=wechat.now()))


def location(wechat, openid=RESIDENT):
    return wechat.deliver(wechat.server.location(openid, 39.91, 116.40, "阳光花园3号楼", create_time=wechat.now()))


def attachments_of(database, ticket):
    appeal_id = appeal(database, ticket).id
    with database.transaction() as session:
        return session.scalars(select(Attachment.kind).where(Attachment.appeal_id == appeal_id)
                               .order_by(Attachment.id)).all()


def read(database, template, openid):
    with database.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.template == template,
                                                           OutboxMessage.recipient_openid == openid)).all()
        return [notifications.render(row.template, json.loads(row.params)) for row in rows]


def mark_saved(database):
    with database.transaction() as session:
        for row in session.scalars(select(Attachment).where(Attachment.kind == "image")):
            row.sha256, row.size, row.content_type, row.downloaded_at = "ab" * 32, 68, "image/png", row.created_at


# --- patrol photos join 上报 ----------------------------------------------------------------------------------

def test_a_photo_sent_before_the_report_goes_with_it(wechat, linked, clock):
    assert "30 分钟内发送“上报 内容”，照片会附到上报的诉求" in photo(wechat, ZHANG)
    clock.advance(minutes=3)
    assert "30 分钟内发送“上报 内容”，位置会附到上报的诉求" in location(wechat, ZHANG)
    clock.advance(minutes=10)
    reply = wechat.send(ZHANG, "上报 2号楼消防通道堆满杂物")
    ticket = TICKET.search(reply).group(0)
    assert f"已上报，编号 {ticket}" in reply and f"刚才发的照片或位置（2 份）已附到 {ticket}" in reply
    assert attachments_of(linked, ticket) == ["image", "location"]
    dispatch_filed(linked, clock)
    (card,) = read(linked, "staff_new_appeal", LI)
    assert PHOTO_LINK.search(card) and MAP in card


def test_a_photo_sent_after_the_report_joins_it(wechat, linked, clock):
    ticket = TICKET.search(wechat.send(ZHANG, "上报 2号楼消防通道堆满杂物")).group(0)
    clock.advance(minutes=20)
    assert photo(wechat, ZHANG) == f"照片已附到 {ticket}。"
    assert attachments_of(linked, ticket) == ["image"]
    reply = wechat.send(ZHANG, f"查询 {ticket}")
    assert "图片1：图片（保存中）" in reply and "补充材料（张伟）：图片" in reply


def test_a_photo_older_than_half_an_hour_stays_out_of_the_report(wechat, linked, clock):
    photo(wechat, ZHANG)
    clock.advance(minutes=31)
    reply = wechat.send(ZHANG, "上报 2号楼消防通道堆满杂物")
    assert "已附到" not in reply
    assert attachments_of(linked, TICKET.search(reply).group(0)) == []


def test_a_photo_goes_with_the_later_of_a_result_and_a_report(wechat, linked, clock):
    resolved = file_and_dispatch(wechat, linked, clock)
    wechat.dialog(ZHANG, [(f"接单 {resolved}", "接单成功"), (f"办结 {resolved} 已修好", "已办结")])
    clock.advance(minutes=2)
    reported = TICKET.search(wechat.send(ZHANG, "上报 2号楼消防通道堆满杂物")).group(0)
    clock.advance(minutes=2)
    assert photo(wechat, ZHANG) == f"照片已附到 {reported}。"
    assert attachments_of(linked, resolved) == []


def test_a_photo_after_a_note_on_another_task_goes_with_that_task_not_the_earlier_result(wechat, linked, clock):
    resolved = file_and_dispatch(wechat, linked, clock)
    wechat.dialog(ZHANG, [(f"接单 {resolved}", "接单成功"), (f"办结 {resolved} 灯已经换好了", "已办结")])
    working = file_and_dispatch(wechat, linked, clock, "2号楼楼道墙上贴满了小广告")
    clock.advance(minutes=3)
    wechat.dialog(ZHANG, [(f"接单 {working}", "接单成功"), (f"进展 {working} 小广告清理了一半", "已记录")])
    clock.advance(minutes=1)
    assert photo(wechat, ZHANG) == f"照片已附到诉求 {working} 的办理记录（刚才填写进展的这件）。"
    assert attachments_of(linked, resolved) == [] and attachments_of(linked, working) == ["image"]
    wechat.send(ZHANG, f"办结 {working} 全部清理干净了")
    assert photo(wechat, ZHANG) == f"照片已附到诉求 {working} 的办结结果。"  # the latest step again


def test_a_photo_after_claiming_another_task_goes_with_that_task_not_the_earlier_result(wechat, linked, clock):
    """Resolved one, claimed the next and photographed it on arrival: the first one's resident must not get a
    photo of another place as their result."""
    resolved = file_and_dispatch(wechat, linked, clock)
    wechat.dialog(ZHANG, [(f"接单 {resolved}", "接单成功"), (f"办结 {resolved} 灯已经换好了", "已办结")])
    working = file_and_dispatch(wechat, linked, clock, "2号楼楼道墙上贴满了小广告")
    clock.advance(minutes=3)
    wechat.dialog(ZHANG, [(f"接单 {working}", "接单成功")])
    clock.advance(minutes=1)
    assert photo(wechat, ZHANG) == f"照片已附到诉求 {working} 的办理记录（刚才接单的这件）。"
    assert attachments_of(linked, resolved) == [] and attachments_of(linked, working) == ["image"]


def test_a_photo_taken_on_site_before_typing_the_resolution_goes_with_it(wechat, linked, clock):
    """Claimed in the morning, on site in the afternoon: photo first, then 结 … 已修好, one hand free."""
    ticket = file_and_dispatch(wechat, linked, clock)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功")])
    clock.advance(hours=3)
    assert "发送“办结 编号 说明”，会附到办结结果" in photo(wechat, ZHANG)
    clock.advance(minutes=2)
    assert wechat.send(ZHANG, f"结 {ticket} 电梯已修好") == (
        f"诉求 {ticket} 已办结，刚才发的照片或位置（1 份）已附到办结结果，居民会收到通知并评价。")
    assert attachments_of(linked, ticket) == ["image"]
    (told,) = read(linked, "resident_resolved", RESIDENT)
    assert "工作人员已上传办结现场照片。" in told


# --- staff open photos and locations ---------------------------------------------------------------------

def test_the_task_card_carries_the_photo_and_the_location_as_links(wechat, linked, clock):
    photo(wechat)
    location(wechat)
    clock.advance(minutes=1)
    ticket = file_and_dispatch(wechat, linked, clock)
    for member in (ZHANG, LI, WANG):
        (card,) = read(linked, "staff_new_appeal", member)
        assert f"【新诉求】{ticket}" in card and PHOTO_LINK.search(card) and MAP in card


def test_the_material_notice_links_the_new_photo(wechat, linked, clock):
    ticket = file_and_dispatch(wechat, linked, clock)
    clock.advance(minutes=5)
    photo(wechat)
    (notice,) = read(linked, "staff_material_added", ZHANG)
    assert f"【补充材料】{ticket} 居民补充了照片" in notice and PHOTO_LINK.search(notice)


def test_staff_query_shows_saving_then_the_link_and_the_map(wechat, linked, clock):
    ticket = file_and_dispatch(wechat, linked, clock)
    clock.advance(minutes=5)
    photo(wechat)
    location(wechat)
    reply = wechat.send(ZHANG, f"查询 {ticket}")
    assert "图片1：图片（保存中）" in reply and MAP in reply
    mark_saved(linked)
    assert PHOTO_LINK.search(wechat.send(ZHANG, f"查询 {ticket}"))


def test_a_photo_never_saved_reads_as_not_saved(wechat, linked, clock):
    ticket = file_and_dispatch(wechat, linked, clock)
    clock.advance(minutes=5)
    photo(wechat)
    clock.advance(days=3, minutes=1)
    assert "图片1：图片未能保存" in wechat.send(ZHANG, f"查询 {ticket}")


def test_residents_and_staff_of_another_grid_get_no_links(wechat, linked, clock):
    ticket = file_and_dispatch(wechat, linked, clock)
    clock.advance(minutes=5)
    photo(wechat)
    mark_saved(linked)
    resident_view = wechat.send(RESIDENT, f"查询 {ticket}")
    assert "/media/" not in resident_view and "uri.amap.com" not in resident_view
    assert "/media/" not in wechat.send(LIU, f"查询 {ticket}")
    assert read(linked, "staff_material_added", LIU) == []


def test_without_a_signer_photos_are_listed_without_links(wechat, seeded, clock):
    photo(wechat)
    clock.advance(minutes=1)
    file_and_dispatch(wechat, seeded, clock, LIFT)
    (card,) = read(seeded, "staff_new_appeal", ZHANG)
    assert "/media/" not in card and "图片1" not in card


# --- 上报 … 我来办: the reporter handles it ---------------------------------------------------------------------

@pytest.mark.parametrize("said", ["上报 2号楼消防通道堆满杂物，我来办", "上报 2号楼消防通道堆满杂物 自己办。",
                                  "上报 2号楼消防通道堆满杂物，我自己办", "上报 2号楼消防通道堆满杂物，我来处理。"])
def test_a_report_the_member_will_handle_is_theirs_and_the_grid_gets_no_card(wechat, linked, clock, said):
    reply = wechat.send(ZHANG, said)
    ticket = TICKET.search(reply).group(0)
    assert "已由您接单办理" in reply and f"办结 {ticket} 说明" in reply
    filed = appeal(linked, ticket)
    assert (filed.status, filed.content) == ("accepted", "2号楼消防通道堆满杂物")
    dispatch_filed(linked, clock)
    assert all(read(linked, "staff_new_appeal", member) == [] for member in (ZHANG, LI, WANG))
    timeline = wechat.send(ZHANG, f"查询 {ticket}")
    assert "派发（张伟）：上报人自己办理" in timeline and "接单（张伟）" in timeline
    assert "已办结" in wechat.send(ZHANG, f"办结 {ticket} 已清理")


def test_without_those_words_a_report_goes_to_the_grid_as_before(wechat, linked, clock):
    ticket = TICKET.search(wechat.send(ZHANG, "上报 我来办公室门口的灯坏了")).group(0)
    assert appeal(linked, ticket).content == "我来办公室门口的灯坏了"
    dispatch_filed(linked, clock)
    assert len(read(linked, "staff_new_appeal", LI)) == 1
