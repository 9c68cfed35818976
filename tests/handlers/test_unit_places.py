"""Departments and property companies confined to their place (storage.unit_reach): two streets each with a
综合执法中队, and 阳光物业公司 serving a compound in two communities."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.worker import schedule
from handlers import staff_texts
from storage import dispatch, notice_scope, roster, staff, supervision, tasks
from storage.models import Appeal, AppealStatus, Building, Grid, Staff, StaffRole
from tests.support.database import appeal, notices, staff_id
from tests.support.personas import CHEN, HEPING_RESIDENT, OPERATOR, RESIDENT, ZHANG
from tests.support.races import second_while_first_open
from tests.support.street import (
    ANNING_MEMBER,
    ANNING_RESIDENT,
    CLERK_HEPING,
    CLERK_YANGGUANG,
    SQUAD_ANNING,
    SQUAD_XINGFU,
    add_second_street,
)
from tests.support.worker import TICKET, file_and_dispatch

pytestmark = pytest.mark.postgres

STALL = "小区门口有人占道经营，天天摆摊堵路"  # 综合执法: its category routes it to 综合执法中队


@pytest.fixture
def district(seeded, clock):
    with seeded.transaction() as session:
        add_second_street(session, clock())
    return seeded


def not_found(ticket):
    return staff_texts.TASK_NOT_FOUND.format(ticket=ticket)


def test_a_transfer_to_the_squadron_reaches_only_the_squadron_of_the_appeals_street(wechat, district, clock):
    ticket = file_and_dispatch(wechat, district, clock)
    assert "已转办给 综合执法中队" in wechat.send(ZHANG, f"转办 {ticket} 综合执法中队")

    assert SQUAD_XINGFU in notices(district, "staff_new_appeal", ticket)
    assert SQUAD_ANNING not in notices(district, "staff_new_appeal", ticket)


def test_a_category_routed_to_the_squadron_reaches_the_squadron_of_the_residents_street(wechat, district, clock):
    here = file_and_dispatch(wechat, district, clock, STALL)
    there = file_and_dispatch(wechat, district, clock, STALL, openid=ANNING_RESIDENT)

    assert appeal(district, there).department == "综合执法中队"
    assert SQUAD_ANNING in notices(district, "staff_new_appeal", there)
    assert SQUAD_XINGFU not in notices(district, "staff_new_appeal", there)
    assert SQUAD_ANNING not in notices(district, "staff_new_appeal", here)


def test_the_squadron_of_another_street_can_neither_claim_nor_read_nor_list_its_case(wechat, district, clock):
    ticket = file_and_dispatch(wechat, district, clock, STALL)  # 幸福街道's, routed to its 综合执法中队

    # A guessed number of another street's case reads as one that does not exist.
    assert wechat.send(SQUAD_ANNING, f"接单 {ticket}") == not_found(ticket)
    assert wechat.send(SQUAD_ANNING, f"查询 {ticket}") == not_found(ticket)
    assert ticket not in wechat.send(SQUAD_ANNING, "我的任务")
    assert appeal(district, ticket).status == AppealStatus.DISPATCHED
    assert ticket in wechat.send(SQUAD_XINGFU, "我的任务")
    assert "接单成功" in wechat.send(SQUAD_XINGFU, f"接单 {ticket}")
    assert wechat.send(SQUAD_ANNING, f"查询 {ticket}") == not_found(ticket)
    assert SQUAD_ANNING not in notices(district, "staff_taken", ticket)  # no 已由周队长接单 of a case not theirs


def test_a_property_company_gets_and_reads_only_the_transfers_of_the_compound_it_serves(wechat, district, clock):
    ticket = file_and_dispatch(wechat, district, clock, openid=HEPING_RESIDENT)  # 和平社区·第一网格
    assert "已转办给 阳光物业公司" in wechat.send(CHEN, f"转办 {ticket} 阳光物业")

    assert CLERK_HEPING in notices(district, "staff_new_appeal", ticket)
    assert CLERK_YANGGUANG not in notices(district, "staff_new_appeal", ticket)
    assert wechat.send(CLERK_YANGGUANG, f"接单 {ticket}") == not_found(ticket)
    assert wechat.send(CLERK_YANGGUANG, f"查询 {ticket}") == not_found(ticket)
    assert "接单成功" in wechat.send(CLERK_HEPING, f"接单 {ticket}")


def test_an_unclaimed_transfer_is_chased_with_the_squadron_of_its_street_only(wechat, district, clock):
    ticket = file_and_dispatch(wechat, district, clock, STALL)
    clock.current = appeal(district, ticket).response_due_at - timedelta(minutes=1)
    with district.transaction() as session:
        supervision.sweep(session, clock(), timedelta(hours=5))

    assert notices(district, "staff_reminder", ticket) == [SQUAD_XINGFU]


def test_a_district_wide_office_still_serves_every_street(wechat, district, clock):
    with district.transaction() as session:
        session.add(Staff(openid="qu_zhujian", name="区住建局刘工", role=StaffRole.DEPARTMENT, department="区住建局",
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, district, clock, openid=ANNING_RESIDENT)

    assert "已转办给 区住建局" in wechat.send(ANNING_MEMBER, f"转办 {ticket} 区住建局")
    assert "接单成功" in wechat.send("qu_zhujian", f"接单 {ticket}")


def test_when_a_streets_last_officer_leaves_its_waiting_cases_go_back_to_the_grid(wechat, district, clock):
    ticket = file_and_dispatch(wechat, district, clock, STALL)
    with district.transaction() as session:
        officer = session.scalars(select(Staff).where(Staff.openid == SQUAD_XINGFU)).one()
        roster.disable(session, officer, None, clock(), ())

    # 安宁街道's 中队 of the same name is no colleague who could take it: the grid's team has it again.
    back = appeal(district, ticket)
    assert back.department is None and back.status == AppealStatus.DISPATCHED
    assert ZHANG in notices(district, "staff_new_appeal", ticket)


def test_a_report_of_a_routed_category_in_a_street_without_its_squadron_tells_the_member_the_grid_has_it(
        wechat, district, clock):
    with district.transaction() as session:
        session.scalars(select(Staff).where(Staff.openid == SQUAD_ANNING)).one().active = False
    reply = wechat.send(ANNING_MEMBER, f"上报 1号楼门口{STALL}")

    assert "已派发到本网格" in reply and "综合执法中队" not in reply
    ticket = re.search(r"G\d{10}", reply).group(0)
    with district.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
        assert session.scalars(select(Appeal.department).where(Appeal.ticket == ticket)).one() is None
    assert SQUAD_XINGFU not in notices(district, "staff_new_appeal", ticket)


def test_the_offered_departments_are_those_serving_the_appeals_place(wechat, district, clock):
    with district.transaction() as session:  # the property company of 锦绣家园, 幸福里社区·第二网格
        grid = staff.find_grid(session, "幸福里社区·第二网格")
        session.add(Staff(openid="wy_jinxiu", name="物业郑经理", role=StaffRole.PROPERTY, department="锦绣物业",
                          grid_id=grid.id, community_id=grid.community_id, active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, district, clock, openid=RESIDENT)  # 阳光花园, 幸福里社区·第一网格
    wechat.send(ZHANG, f"接单 {ticket}")

    listed = wechat.send(ZHANG, f"转办 {ticket} 不存在的局")
    assert "综合执法中队" in listed and "阳光物业公司" in listed and "锦绣物业" not in listed
    # 物业 is the compound's own company: not a choice between it and another compound's.
    assert "已转办给 阳光物业公司" in wechat.send(ZHANG, f"转办 {ticket} 给物业")


def test_a_street_without_its_own_squadron_is_not_offered_another_streets(wechat, district, clock):
    ticket = file_and_dispatch(wechat, district, clock, openid=RESIDENT)
    wechat.send(ZHANG, f"接单 {ticket}")
    with district.transaction() as session:
        session.scalars(select(Staff).where(Staff.openid == SQUAD_XINGFU)).one().active = False

    assert "综合执法中队" not in wechat.send(ZHANG, f"转办 {ticket} 不存在的局")
    # Not "没有找到部门": the 中队 exists, but serves another street.
    assert wechat.send(ZHANG, f"转办 {ticket} 综合执法中队") == (
        f"诉求 {ticket} 所在的地方没有“综合执法中队”可以接单的人员。可转办的部门：阳光物业公司")
    assert appeal(district, ticket).department is None
    assert SQUAD_ANNING not in notices(district, "staff_new_appeal", ticket)


@pytest.mark.parametrize("path", ["幸福街道", "幸福里社区"])
def test_a_notice_to_a_streets_staff_reaches_its_own_squadron_not_another_streets(district, path):
    with district.transaction() as session:
        scope = notice_scope.resolve(session, path)
        told = set(session.scalars(select(Staff.openid).where(scope.staff_condition())))

    assert SQUAD_XINGFU in told and SQUAD_ANNING not in told


@pytest.mark.parametrize("path, told", [("幸福里社区/第二网格", True), ("和平社区/第一网格", False)])
def test_a_notice_to_a_compound_reaches_the_clerk_serving_its_whole_community(district, clock, path, told):
    with district.transaction() as session:
        community_id = staff.find_community(session, "幸福里社区").id
        session.add(Staff(openid="wy_community", name="物业李经理", role=StaffRole.PROPERTY, department="锦绣物业",
                          community_id=community_id, active=True, created_at=clock()))
    with district.transaction() as session:
        scope = notice_scope.resolve(session, path)
        reached = set(session.scalars(select(Staff.openid).where(scope.staff_condition())))

    assert ("wy_community" in reached) is told


def test_a_clerk_serving_a_whole_community_reports_in_the_grid_of_the_building_named_or_is_told_how(
        wechat, district, clock):
    with district.transaction() as session:
        community_id = staff.find_community(session, "幸福里社区").id
        session.add(Staff(openid="wy_community", name="物业李经理", role=StaffRole.PROPERTY, department="锦绣物业",
                          community_id=community_id, active=True, created_at=clock()))

    community_help = wechat.send("wy_community", "帮助")
    assert "· 上报 楼栋和内容：巡查发现的问题，写明哪栋楼" in community_help, community_help
    assert "登记为那栋楼所在网格的诉求" in community_help and "登记为本网格诉求" not in community_help
    # a compound's clerk files in its grid, as before
    assert "· 上报 内容：巡查发现的问题，登记为本网格诉求" in wechat.send(CLERK_YANGGUANG, "帮助")
    # No building named: nothing is filed, and the clerk is told how (it was 您没有绑定网格，不能上报).
    refused = wechat.send("wy_community", "上报 小区门口的垃圾三天没人清")
    assert refused == staff_texts.REPORT_NEEDS_BUILDING.format(community="幸福里社区", example="阳光花园1号楼"), refused
    with district.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []

    said = wechat.send("wy_community", "上报 锦绣家园5号楼楼道里堆满杂物，堵住了消防通道")

    ticket = re.search(r"G\d{10}", said).group(0)
    assert "已派发给幸福里社区·第二网格的网格员接单办理" in said, said
    with district.transaction() as session:
        filed = session.scalars(select(Appeal).where(Appeal.ticket == ticket)).one()
        grid, building = session.execute(select(Grid.name, Building.name).join(Building, Building.grid_id == Grid.id)
                                         .where(Building.id == filed.building_id)).one()
    assert (filed.grid_id is not None, grid, building) == (True, "第二网格", "5号楼")
    assert filed.reporter_staff_id == staff_id(district, "wy_community")


def test_a_clerks_上报_of_a_danger_is_not_answered_with_a_接单_the_clerk_would_be_refused(wechat, district, clock):
    said = wechat.send(CLERK_YANGGUANG, "上报 3号楼楼道着火了")

    ticket = re.search(r"G\d{10}", said).group(0)
    assert said.startswith("【紧急】请立即拨打 119！"), said
    assert "任务卡已发给本网格的网格员和社区工作人员" in said and f"回复“查询 {ticket}”" in said
    assert f"接单 {ticket}" not in said
    with district.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    assert "不能由您接单" in wechat.send(CLERK_YANGGUANG, f"接单 {ticket}")  # the grid's members claim it


def test_a_squadron_officer_back_from_leave_is_not_promised_派单(wechat, district):
    wechat.send(SQUAD_XINGFU, "请假")

    assert wechat.send(SQUAD_XINGFU, "销假") == staff_texts.BACK_UNIT
    assert wechat.send(SQUAD_XINGFU, "销假") == staff_texts.BACK_ALREADY_UNIT
    assert "派单" not in staff_texts.BACK_UNIT + staff_texts.BACK_ALREADY_UNIT


def test_reclassifying_to_a_category_of_the_squadron_suggests_转办_only_where_a_squadron_serves(
        wechat, district, clock):
    ticket = file_and_dispatch(wechat, district, clock)  # 电梯: 物业服务, the grid's
    assert "转办 " in wechat.send(OPERATOR, f"分类 {ticket} 综合执法")  # 幸福街道 has its 中队
    with district.transaction() as session:
        session.scalars(select(Staff).where(Staff.openid == SQUAD_XINGFU)).one().active = False

    assert wechat.send(OPERATOR, f"分类 {ticket} 小区治理").startswith(f"诉求 {ticket} 已改为")
    assert wechat.send(OPERATOR, f"分类 {ticket} 综合执法") == (  # not a 转办 to 安宁街道's 中队, which is refused
        f"诉求 {ticket} 已改为“综合执法”，办理时限按新类别计算。该类别由综合执法中队办理，"
        "但诉求所在的地方还没有综合执法中队可以接单的人员，仍由网格办理。")


def _transfer_and_placing_the_squadron_elsewhere(district, clock, ticket):
    """Two steps to race: ZHANG's 转办 of the ticket to 综合执法中队, and its only officer of 幸福街道 placed in 安宁街道."""
    with district.transaction() as session:
        anning_place = staff.Scope(None, None, "综合执法中队", street_id=staff.find_street(session, "安宁街道").id)

    def transfer(session):
        tasks.transfer(session, staff.staff_by_openid(session, ZHANG), ticket, "综合执法中队", clock(), ())

    def place(session):
        roster.place_officer(session, staff.staff_by_openid(session, SQUAD_XINGFU), anning_place, clock(), ())

    return transfer, place


def test_a_transfer_while_the_squadrons_only_officer_is_placed_elsewhere_leaves_no_case_waiting_for_nobody(
        wechat, district, clock):
    # On PostgreSQL the move read what waited for the squadron before the 转办 committed: the case then waited for a
    # unit nobody of its street serves any more. The 转办 now holds its officers' rows, so the move waits and finds
    # it; a move first makes the 转办 find nobody there and refuse.
    ticket = file_and_dispatch(wechat, district, clock)
    transfer, place = _transfer_and_placing_the_squadron_elsewhere(district, clock, ticket)
    wechat.send(ZHANG, f"接单 {ticket}")
    assert second_while_first_open(district, transfer, place) == ("done", "done")
    back = appeal(district, ticket)
    assert (back.department, back.status) == (None, AppealStatus.DISPATCHED)  # its grid's again, not nobody's


def test_a_transfer_after_the_squadrons_only_officer_was_placed_elsewhere_is_refused(wechat, district, clock):
    ticket = file_and_dispatch(wechat, district, clock)
    transfer, place = _transfer_and_placing_the_squadron_elsewhere(district, clock, ticket)
    wechat.send(ZHANG, f"接单 {ticket}")
    assert second_while_first_open(district, place, transfer) == ("done", "NotAllowed")
    assert appeal(district, ticket).department is None


def test_a_transfer_while_the_squadrons_only_officer_is_disabled_leaves_no_case_waiting_for_nobody(
        wechat, district, clock):
    ticket = file_and_dispatch(wechat, district, clock)

    def transfer(session):
        tasks.transfer(session, staff.staff_by_openid(session, ZHANG), ticket, "综合执法中队", clock(), ())

    def disable(session):
        roster.disable(session, staff.staff_by_openid(session, SQUAD_XINGFU), None, clock(), ())

    wechat.send(ZHANG, f"接单 {ticket}")
    assert second_while_first_open(district, transfer, disable) == ("done", "done")
    assert appeal(district, ticket).department is None  # back with its grid: nobody of the squadron serves it


def test_a_case_routed_to_the_squadron_while_its_only_officer_there_is_placed_elsewhere_goes_to_its_grid(
        wechat, district, clock):
    # PostgreSQL: the dispatch read the squadron's officers before the move committed, and the move had looked for
    # what waited for the squadron before the dispatch committed: the case waited for a unit nobody there serves.
    ticket = TICKET.search(wechat.send(RESIDENT, STALL)).group(0)
    with district.transaction() as session:
        anning_place = staff.Scope(None, None, "综合执法中队", street_id=staff.find_street(session, "安宁街道").id)

    def run_dispatch(session):
        dispatch.dispatch_pending(session, clock(), ())

    def place(session):
        roster.place_officer(session, staff.staff_by_openid(session, SQUAD_XINGFU), anning_place, clock(), ())

    assert second_while_first_open(district, run_dispatch, place) == ("done", "done")
    assert appeal(district, ticket).department is None  # its grid's, whose team can claim it
