"""Followers and bindings: the attack of issue 8 item 6, replayed.

A stranger bound themselves to o1's unit by picking numbers, was offered o1's appeal ("同单元"), joined it, and
from then on received every progress note, one of which carried a neighbour's phone number. Now followers get
the steps without staff's words, residents never read a phone or ID number whole, and a community may require
a verified address (the building's QR code, or staff's 核实 after a visit) before joins are offered.
"""

import json
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from handlers import notifications
from storage import dispatch, joins
from storage.errors import NotAllowed
from storage.models import Appeal, AppealFollower, Building, Community, OutboxMessage, Resident

pytestmark = pytest.mark.postgres

ZHANG, LI = "demo_staff_zhangwei", "demo_staff_lina"  # 幸福里社区·第一网格
LIU = "demo_staff_liuyang"  # 幸福里社区·第二网格
STRANGER = "o_stranger"
LIFT = "3号楼电梯坏了，物业一直不来修"
LIFT_AGAIN = "3号楼的电梯又坏了，上下楼很不方便"
OFFER = "回复 1 加入已有诉求"
PHONE_NOTE = "已联系1单元王阿姨13812345678，维保公司下午到"


def file(wechat, seeded, clock, openid, text):
    """Send an appeal, let the worker dispatch it; returns (ticket, reply)."""
    reply = wechat.send(openid, text)
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock())
    return re.search(r"G\d{10}", reply).group(0), reply


def binding(database_url, *arguments):
    return CliRunner().invoke(main, ["binding", "require", *arguments], env={"GRIDBOT_DATABASE_URL": database_url})


def require_verified(database_url, community="幸福里社区"):
    result = binding(database_url, community, "on")
    assert result.exit_code == 0 and f"已要求{community}的居民先核实住址" in result.output, result.output


def bind_by_numbers(wechat, openid):
    """What the stranger did: 幸福里社区 → 第一网格 → 3号楼 → 1单元, o1's unit."""
    wechat.dialog(openid, [("绑定", "社区"), ("1", "小区/网格"), ("1", "楼栋"), ("3", "单元"),
                           ("1", "阳光花园3号楼1单元")])


def followers(seeded, ticket):
    with seeded.transaction() as session:
        return session.scalars(
            select(Resident.openid).join(AppealFollower, AppealFollower.resident_id == Resident.id)
            .join(Appeal, Appeal.id == AppealFollower.appeal_id).where(Appeal.ticket == ticket)
        ).all()


def told(seeded, openid):
    """Every notice written to `openid`, as the channel would carry it: (template, text)."""
    with seeded.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_openid == openid)
                               .order_by(OutboxMessage.id)).all()
        return [(row.template, notifications.render(row.template, json.loads(row.params))) for row in rows]


def test_a_stranger_who_picks_numbers_is_not_offered_the_neighbours_appeal_and_cannot_join(
        wechat, seeded, clock, database_url):
    require_verified(database_url)
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    bind_by_numbers(wechat, STRANGER)
    second, reply = file(wechat, seeded, clock, STRANGER, LIFT_AGAIN)
    assert "已受理您的诉求" in reply and OFFER not in reply and first not in reply
    assert "请再具体描述" in wechat.send(STRANGER, "1")  # no offer to accept
    with seeded.transaction() as session:  # nor may storage be asked directly
        stranger = session.scalars(select(Resident).where(Resident.openid == STRANGER)).one()
        source, target = (session.scalars(select(Appeal.id).where(Appeal.ticket == t)).one() for t in (second, first))
        with pytest.raises(NotAllowed, match="unverified"):
            joins.join(session, stranger.id, source, target, (), clock())
    assert followers(seeded, first) == []


def test_without_the_requirement_a_bound_neighbour_is_offered_the_appeal_as_before(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    bind_by_numbers(wechat, STRANGER)
    _, reply = file(wechat, seeded, clock, STRANGER, LIFT_AGAIN)
    assert OFFER in reply and "单元" not in reply.split("\n")[-1]  # the offer names the building, not the unit


def test_the_buildings_qr_code_verifies_until_the_resident_binds_elsewhere_by_numbers(
        wechat, seeded, clock, database_url):
    require_verified(database_url)
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    with seeded.transaction() as session:
        scene = session.scalars(select(Building.scene_key).where(Building.name == "3号楼")).one()
    wechat.deliver(wechat.server.event("o_scan", "subscribe", f"qrscene_{scene}", create_time=wechat.now()))
    _, reply = file(wechat, seeded, clock, "o_scan", LIFT_AGAIN)
    assert f"编号 {first}" in reply and OFFER in reply
    wechat.dialog("o_scan", [("绑定", "社区"), ("1", "小区/网格"), ("1", "楼栋"), ("3", "单元"),
                             ("2", "阳光花园3号楼2单元")])  # the unit chosen within the scanned building: still verified
    _, reply = file(wechat, seeded, clock, "o_scan", LIFT_AGAIN)
    assert OFFER in reply
    wechat.dialog("o_scan", [("绑定", "社区"), ("1", "小区/网格"), ("1", "楼栋"), ("1", "单元"), ("1", "1号楼1单元")])
    file(wechat, seeded, clock, "o7", "1号楼电梯坏了，物业一直不来修")
    _, reply = file(wechat, seeded, clock, "o_scan", "1号楼的电梯又坏了，上下楼很不方便")
    assert OFFER not in reply  # another building, picked by numbers: not verified there


def test_a_grid_member_confirms_a_resident_after_a_visit_and_then_they_may_join(
        wechat, seeded, clock, database_url):
    require_verified(database_url)
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    own, reply = file(wechat, seeded, clock, "o5", "3号楼2单元门禁坏了关不上")
    assert "已受理" in reply
    assert "不属于您的网格" in wechat.send(LIU, f"核实 {own}")
    assert "工作人员专用" in wechat.send("o5", f"核实 {own}")
    assert "已核实诉求" in wechat.send(ZHANG, f"核实 {own[1:]}")
    assert "已经核实过" in wechat.send(LI, f"核实 {own}")
    assert "核实居民住址（张伟）" in wechat.send(LI, f"查询 {own}")  # audited, for staff
    assert "核实" not in wechat.send("o5", f"查询 {own}")
    _, reply = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    assert OFFER in reply
    assert f"已加入诉求 {first}" in wechat.send("o5", "1")
    assert followers(seeded, first) == ["o5"]


def test_staff_cannot_verify_for_a_report_or_a_resident_who_has_moved(wechat, seeded, clock):
    reported = re.search(r"G\d{10}", wechat.send(ZHANG, "上报 3号楼消防通道堆满杂物")).group(0)
    assert "没有需要核实住址的居民" in wechat.send(ZHANG, f"核实 {reported}")
    own, _ = file(wechat, seeded, clock, "o5", "3号楼2单元门禁坏了关不上")
    wechat.dialog("o5", [("绑定", "社区"), ("1", "小区/网格"), ("1", "楼栋"), ("1", "单元"), ("1", "1号楼1单元")])
    assert "已改绑其他住址" in wechat.send(ZHANG, f"核实 {own}")
    assert "没有找到编号为 G2611229999" in wechat.send(ZHANG, "核实 G2611229999")


def test_the_requirement_is_per_community_and_the_command_says_what_it_did(database_url, seeded):
    require_verified(database_url)
    assert "没有改动" in binding(database_url, "幸福里社区", "on").output
    with seeded.transaction() as session:
        required = dict(session.execute(select(Community.name, Community.require_verified_binding)).all())
    assert required == {"幸福里社区": True, "和平社区": False}
    off = binding(database_url, "幸福里社区", "off")
    assert off.exit_code == 0 and "已取消幸福里社区的住址核实要求" in off.output
    bad = binding(database_url, "幸福里社区", "maybe")
    assert bad.exit_code == 1 and "开关只能是 on" in bad.output
    unknown = binding(database_url, "幸福社区", "on")
    assert unknown.exit_code == 1 and "找不到社区“幸福社区”" in unknown.output


def test_a_follower_hears_each_step_but_not_the_note_with_the_phone_number(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, _ = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    wechat.send("o5", "1")
    wechat.dialog(LI, [(f"接单 {first}", "接单成功"), (f"进展 {first} {PHONE_NOTE}", "已记录"),
                       (f"挂起 {first} 等王阿姨13812345678回家开门", "已挂起"), (f"恢复 {first}", "已恢复"),
                       (f"办结 {first} 已更换电机，王阿姨13812345678确认", "已办结")])
    follower = told(seeded, "o5")
    assert [template for template, _ in follower] == [
        "resident_accepted", "resident_follow_progress", "resident_follow_paused", "resident_resumed",
        "resident_follow_resolved"]
    assert not any("5678" in text or "王阿姨" in text for _, text in follower)
    with seeded.transaction() as session:  # the words are not even queued for them
        rows = session.scalars(select(OutboxMessage.params).where(OutboxMessage.recipient_openid == "o5")).all()
        assert not any("王阿姨" in params for params in rows)
    shown = wechat.send("o5", f"查询 {second}")
    assert "办理进展" in shown and "王阿姨" not in shown and "5678" not in shown


def test_the_appeals_own_resident_reads_the_note_with_the_number_masked(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    wechat.dialog(LI, [(f"接单 {first}", "接单成功"), (f"进展 {first} {PHONE_NOTE}", "已记录")])
    (progress,) = [text for template, text in told(seeded, "o1") if template == "resident_progress"]
    assert "已联系1单元王阿姨138****5678，维保公司下午到" in progress and "13812345678" not in progress
    shown = wechat.send("o1", f"查询 {first}")
    assert "王阿姨138****5678" in shown and "13812345678" not in shown
    assert "13812345678" in wechat.send(LI, f"查询 {first}")  # staff read it whole: they call back
