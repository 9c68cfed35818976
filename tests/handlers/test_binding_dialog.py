"""The address-binding dialogue, as a resident experiences it."""

import re

import pytest
from sqlalchemy import select

from storage import seeding
from storage.models import Appeal, AppealStatus, Building
from tests.support.database import resident

pytestmark = pytest.mark.postgres


def test_a_new_resident_binds_step_by_step_with_numbers(wechat, seeded):
    wechat.dialog("o_new", [
        ("绑定", "请选择您所在的社区"),
        ("1", "请选择您所在的小区"),
        ("1", "请选择您所在的楼栋"),
        ("3", "请选择您所在的单元"),
        ("2", "绑定成功！您的住址：幸福里社区·第一网格 阳光花园3号楼2单元"),
    ])
    bound = resident(seeded, "o_new")
    assert bound.grid_id is not None and bound.unit_id is not None and bound.dialog is None


def test_help_while_choosing_an_address_says_first_that_the_menu_still_waits(wechat, seeded):
    wechat.dialog("o_new", [("绑定", "请选择您所在的社区"), ("1", "请选择您所在的小区")])
    helped = wechat.send("o_new", "帮助")
    assert helped.startswith("您正在绑定住址：看完说明，请回复刚才选单里的序号或名称接着选（回复“取消”退出）。\n")
    assert "· 我的诉求：" in helped
    wechat.dialog("o_new", [("1", "请选择您所在的楼栋"), ("3", "请选择您所在的单元"), ("2", "绑定成功！")])
    assert not wechat.send("o_new", "帮助").startswith("您正在绑定住址")


def test_chasing_an_appeal_that_waits_for_the_address_says_to_bind_not_to_look_it_up(wechat, seeded):
    ticket = re.search(r"G\d{10}", wechat.send("o_new", "楼道里堆满了杂物，过不去人")).group(0)
    wechat.send("o_new", "取消")
    assert wechat.send("o_new", f"催办 {ticket}") == (
        f"您的诉求 {ticket}（安全隐患）当前状态：待绑定地址。您的诉求还在等待提交：绑定住址后会马上派给网格员。"
        "回复“绑定”开始，按提示回复序号即可。")


def test_a_wrong_answer_repeats_the_options_and_cancel_leaves(wechat):
    wechat.dialog("o_new", [
        ("绑定", "请选择您所在的社区"),
        ("9", "请回复 1 到 2 之间的序号"),
        ("好的好的", "请回复 1 到 2 之间的序号"),
        ("取消", "已退出地址绑定"),
        ("我的地址", "您还没有绑定住址"),
    ])


def test_cancelling_the_binding_says_the_held_appeal_still_waits_for_the_address(wechat):
    ticket = re.search(r"G\d{10}", wechat.send("o_new", "小区门口路灯坏了三天了")).group(0)
    reply = wechat.send("o_new", "取消")
    assert "已退出地址绑定" in reply and f"您的诉求 {ticket} 还没有转给网格员" in reply


def test_a_building_or_unit_said_before_its_question_is_asked_for_in_turn(wechat):
    # 3号楼2单元 at the 社区 question, 2单元 at the 楼栋 one, were told only 没有这个选项.
    wechat.dialog("o_new", [
        ("绑定", "请选择您所在的社区"),
        ("3号楼2单元", "请先选择您所在的社区，3号楼2单元下一步再选。请回复 1 到 2 之间的序号或名称"),
        ("1", "请选择您所在的小区"),
        ("1", "请选择您所在的楼栋"),
        ("2单元", "请先选择您所在的楼栋，2单元下一步再选。请回复 1 到 3 之间的序号或名称"),
        ("3号楼", "请选择您所在的单元"),
        ("2单元", "绑定成功！您的住址：幸福里社区·第一网格 阳光花园3号楼2单元"),
    ])


def test_a_unit_said_with_liang_is_the_second(wechat):
    # 两单元 (and 两 alone) were told 没有这个选项.
    wechat.dialog("o_new", [("我住阳光花园三号楼两单元", "绑定成功！您的住址：幸福里社区·第一网格 阳光花园3号楼2单元")])
    wechat.dialog("o_other", [("绑定", "请选择您所在的社区"), ("1", "请选择您所在的小区"), ("1", "请选择您所在的楼栋"),
                              ("3", "请选择您所在的单元"), ("两", "绑定成功！您的住址：幸福里社区·第一网格 阳光花园3号楼2单元")])


def test_a_phone_number_sent_while_choosing_an_address_is_kept_and_the_menu_said_to_still_wait(wechat):
    # Only 已记下您的电话 came back, nothing of the address menu the held appeal waited on.
    wechat.send("o_new", "楼道里堆满了杂物，过不去人")
    reply = wechat.send("o_new", "13912345678")
    assert reply.startswith("已记下您的电话 139****5678。")
    assert reply.endswith("请接着回复上面选单里的序号或名称完成住址绑定，绑定后诉求马上转给网格员（回复“取消”退出）。")
    wechat.dialog("o_new", [("1", "请选择您所在的小区")])


def test_names_and_spoken_numbers_are_understood(wechat):
    wechat.dialog("o_new", [
        ("绑定", "1. 幸福里社区"),
        ("和平社区", "请选择您所在的小区"),
        ("二", "请选择您所在的楼栋"),
        ("Ｂ座", "绑定成功"),  # full-width letters typed on a phone; B座 has no units
    ])



def test_a_building_typed_in_small_letters_is_the_one_of_the_sign(wechat):
    wechat.dialog("o_new", [("绑定", "请选择您所在的社区"), ("和平社区", "请选择您所在的小区"), ("东方名苑", "2. B座"),
                            ("b座", "绑定成功！您的住址：和平社区·第二网格 东方名苑B座")])
    wechat.dialog("o_other", [("我住东方名苑a座", "绑定成功！您的住址：和平社区·第二网格 东方名苑A座")])


def test_two_streets_communities_of_one_name_are_told_apart_by_their_street(wechat, seeded, clock):
    with seeded.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan("平安街道", {"和平社区": {"第一网格": ("平安小区", {
            "1号楼": ("1单元",)})}}), clock())

    menu = wechat.send("o_new", "绑定")
    assert "1. 幸福街道\n2. 平安街道" in menu  # two streets: the street is asked first
    wechat.dialog("o_new", [
        # The name alone is either street's: not "没有这个选项", which it is, twice.
        ("和平社区", "“和平社区”有不止一个（在不同街道），请回复序号选择您所在的那个"),
        # its one 小区, building and unit follow; the street named, as only it tells the two apart
        ("2", "绑定成功！您的住址：平安街道·和平社区·第一网格 平安小区1号楼1单元"),
    ])
    wechat.dialog("o_other", [  # a community no other street has: its name is enough, as ever
        ("绑定", "1. 幸福街道"), ("1", "1. 幸福里社区"), ("1", "请选择您所在的小区"), ("1", "请选择您所在的楼栋"),
        ("1", "请选择"), ("1", "绑定成功！您的住址：幸福里社区·第一网格 阳光花园1号楼1单元"),
    ])


def test_a_compound_whose_buildings_lie_in_two_grids_is_one_choice_holding_all_its_buildings(wechat, seeded):
    from storage import org
    from storage.models import Community, Grid

    with seeded.transaction() as session:  # 阳光花园's new 7号楼 went to the second grid
        second = session.scalars(select(Grid).join(Community, Community.id == Grid.community_id)
                                 .where(Community.name == "幸福里社区", Grid.name == "第二网格")).one()
        org.ensure_unit(session, org.ensure_building(session, second, "7号楼", "阳光花园"), "1单元")

    compounds = wechat.send("o_new", "绑定") and wechat.send("o_new", "幸福里社区")
    assert compounds.count("阳光花园") == 1, compounds
    buildings = wechat.send("o_new", "阳光花园")
    assert "3号楼" in buildings and "7号楼" in buildings, buildings
    wechat.dialog("o_new", [("7号楼", "绑定成功！您的住址：幸福里社区·第二网格 阳光花园7号楼1单元")])


def test_the_dialogue_survives_a_restart_of_the_app(wechat, client, runtime, clock):
    from bot.web.app import create_app
    from tests.conftest import WeChat

    wechat.dialog("o_new", [("绑定", "请选择您所在的社区"), ("1", "请选择您所在的小区")])
    restarted = WeChat(create_app(runtime=runtime).test_client(), clock)
    restarted.dialog("o_new", [("1", "请选择您所在的楼栋")])


def test_a_quiet_half_hour_ends_the_dialogue(wechat, clock):
    wechat.dialog("o_new", [("绑定", "请选择您所在的社区")])
    clock.advance(minutes=31)
    assert "请再具体描述" in wechat.send("o_new", "1")


def test_a_menu_answered_after_it_lapsed_is_asked_again_while_an_appeal_waits_for_the_address(wechat, seeded, clock):
    ticket = re.search(r"G\d{10}", wechat.send("o_new", "小区门口路灯坏了三天了")).group(0)
    clock.advance(hours=3)  # back from work: the menu lapsed after a quiet half hour
    assert "选单已过期" not in wechat.send("o_new", "13800000000")  # a phone number answers no menu
    reply = wechat.send("o_new", "1。")
    assert reply.startswith(f"刚才的选单已过期，您的诉求 {ticket} 还在等待绑定住址，请重新选择：\n请选择您所在的社区")
    wechat.dialog("o_new", [("1", "请选择您所在的小区"), ("1", "楼栋"), ("1", "单元"), ("1", f"您反映的问题（编号 {ticket}）已提交")])


def test_an_unbound_residents_appeal_waits_and_is_submitted_after_binding(wechat, seeded):
    reply = wechat.send("o_new", "小区门口垃圾堆了三天没人清理，味道很大")
    assert "绑定住址后会马上转给您所在的网格" in reply and "请选择您所在的社区" in reply
    with seeded.transaction() as session:
        held = session.scalars(select(Appeal)).one()
        assert held.status == AppealStatus.AWAITING_ADDRESS and held.grid_id is None
    wechat.dialog("o_new", [("1", "请选择您所在的小区"), ("1", "楼栋"), ("1", "单元"), ("1", f"您反映的问题（编号 {held.ticket}）已提交给 幸福里社区·第一网格")])
    with seeded.transaction() as session:
        submitted = session.scalars(select(Appeal)).one()
        assert submitted.status == AppealStatus.SUBMITTED and submitted.grid_id is not None
        assert submitted.resolve_due_at is not None


def test_a_building_qr_code_binds_in_one_step(wechat, seeded):
    with seeded.transaction() as session:
        building = session.scalars(select(Building).where(Building.name == "5号楼")).one()
        scene = building.scene_key
    reply = wechat.deliver(wechat.server.event("o_scan", "subscribe", f"qrscene_{scene}", create_time=wechat.now()))
    assert "欢迎关注" in reply and "已为您绑定：幸福里社区·第二网格 锦绣家园5号楼" in reply
    assert resident(seeded, "o_scan").building_id == building.id
    reply = wechat.deliver(wechat.server.event("o_scan2", "SCAN", scene, create_time=wechat.now()))
    assert "已为您绑定" in reply


def test_an_unknown_qr_code_asks_to_bind_by_hand(wechat):
    reply = wechat.deliver(wechat.server.event("o_scan", "SCAN", "bnosuchthing", create_time=wechat.now()))
    assert "这个二维码没有对应的楼栋" in reply


def test_a_retried_answer_advances_the_dialogue_once_and_gets_the_same_reply(wechat, seeded):
    wechat.dialog("o_new", [("绑定", "请选择您所在的社区")])
    answer = wechat.server.text("o_new", "1", msg_id=777, create_time=wechat.now())
    first = wechat.deliver(answer)
    again = wechat.deliver(answer)  # WeChat's retry: same MsgId
    assert first == again and "请选择您所在的小区" in first
    assert "请选择您所在的楼栋" in wechat.send("o_new", "1")  # the retry did not answer the grid question


def test_a_code_scanned_in_another_building_says_which_address_it_replaced(wechat, seeded):
    with seeded.transaction() as session:
        scene = session.scalars(select(Building).where(Building.name == "5号楼")).one().scene_key
        same = session.scalars(select(Building).where(Building.name == "3号楼")).one().scene_key
    # o2 lives in 和平小区 1栋 2单元 and scans the code in her mother's building
    reply = wechat.deliver(wechat.server.event("o2", "SCAN", scene, create_time=wechat.now()))
    assert "已将您的住址由 和平社区·第一网格 和平小区1栋2单元 改为：幸福里社区·第二网格 锦绣家园5号楼" in reply
    assert "如果您并不住在这栋楼" in reply
    # o1 lives in 3号楼: scanning its code moves nothing and says so the usual way
    reply = wechat.deliver(wechat.server.event("o1", "SCAN", same, create_time=wechat.now()))
    assert "已为您绑定：幸福里社区·第一网格 阳光花园3号楼" in reply and "改为" not in reply


def test_scanning_the_code_of_one_s_own_building_keeps_the_unit_chosen(wechat, seeded):
    with seeded.transaction() as session:
        scene = session.scalars(select(Building).where(Building.name == "3号楼")).one().scene_key
    unit_before = resident(seeded, "o1").unit_id
    reply = wechat.deliver(wechat.server.event("o1", "SCAN", scene, create_time=wechat.now()))
    assert "已为您绑定：幸福里社区·第一网格 阳光花园3号楼1单元" in reply
    assert unit_before is not None and resident(seeded, "o1").unit_id == unit_before
