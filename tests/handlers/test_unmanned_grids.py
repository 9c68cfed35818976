"""A new appeal in a grid nobody there is bound to claim (a street just imported, its only member disabled): its
card goes to the grid's 网格长, else the community's operators, else the street's, worded for what each does with
it; the resident is told who was told; with nobody at all it waits in the unclaimed lists and the worker logs it.

幸福里社区·第一网格: 张伟 and 李娜 members, 王强 the leader, 孙丽 the community's operator; 和平社区·第二网格: 赵磊 alone,
and 和平社区 has no operator.
"""

import logging
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from bot.cli.gridbot import main
from storage import org, queries, residents, seeding
from storage.models import DispatchMode, Grid, Staff, StaffRole, Street
from tests.support.database import appeal, notices, worded
from tests.support.personas import LI, NEIGHBOUR, NEXT_DOOR, OPERATOR, RESIDENT, WANG, ZHANG, ZHAO
from tests.support.races import dispatch_while_disabling
from tests.support.street import HEPING, SECOND, STREET
from tests.support.worker import dispatch_filed

pytestmark = pytest.mark.postgres

LAMP = "楼道里的灯坏了好几天了，晚上看不见"
DONGFANG = "o_dongfang"  # a resident of 和平社区·第二网格, 东方名苑A座
STREET_OPERATOR = "o_street_operator"


def leave(seeded, *openids):
    with seeded.transaction() as session:
        session.execute(update(Staff).where(Staff.openid.in_(openids)).values(active=False))


def dongfang_resident(seeded, clock):
    with seeded.transaction() as session:
        building, unit = seeding.home(session, STREET, (HEPING, SECOND, "A座", None))
        residents.bind(session, residents.get_or_create(session, DONGFANG, clock()), building, unit)


def file(wechat, seeded, clock, openid):
    reply = wechat.send(openid, LAMP)
    ticket = re.search(r"G\d{10}", reply).group(0)
    dispatch_filed(seeded, clock)
    return reply, ticket


def test_with_its_members_gone_the_grid_leader_gets_the_card_to_claim_or_hand_on(wechat, seeded, clock):
    leave(seeded, ZHANG, LI)
    reply, ticket = file(wechat, seeded, clock, RESIDENT)
    assert "接下来：网格长会尽快联系您" in reply
    assert notices(seeded, "staff_new_appeal", ticket) == [WANG]
    card = worded(seeded, "staff_new_appeal", WANG)[-1]
    assert f"回复“接单 {ticket}”自己办理，或回复“改派 {ticket} 姓名”交给网格员" in card


def assign_mode(seeded):
    with seeded.transaction() as session:
        session.execute(update(Grid).values(dispatch_mode=DispatchMode.ASSIGN))


def test_in_a_派单_grid_with_every_member_on_leave_the_receipt_says_the_grid_leader_will_call(wechat, seeded, clock):
    # It said 网格员会尽快联系您 while the card went to the 网格长 alone.
    assign_mode(seeded)
    for member in (ZHANG, LI):
        assert "已登记请假" in wechat.send(member, "请假")
    reply, ticket = file(wechat, seeded, clock, RESIDENT)
    assert "接下来：网格长会尽快联系您" in reply
    assert notices(seeded, "staff_new_appeal", ticket) == [WANG]
    assert f"回复“接单 {ticket}”自己办理，或回复“改派 {ticket} 姓名”交给网格员" in worded(
        seeded, "staff_new_appeal", WANG)[-1]


def test_in_a_派单_grid_a_member_back_from_leave_or_on_duty_is_the_one_the_receipt_names(wechat, seeded, clock):
    assign_mode(seeded)
    wechat.send(ZHANG, "请假")
    wechat.send(LI, "请假 到 明天")
    clock.advance(days=2)  # 李娜's leave ran out at midnight: 派单 picks her again
    reply, ticket = file(wechat, seeded, clock, RESIDENT)
    assert "接下来：网格员会尽快联系您" in reply
    assert notices(seeded, "staff_new_appeal", ticket) == [LI]


def test_in_a_派单_grid_with_members_and_leader_on_leave_the_communitys_operator_gets_the_card(wechat, seeded, clock):
    # The card went to the members on leave, and the receipt said 网格员会尽快联系您: nobody at work saw it.
    assign_mode(seeded)
    for person in (ZHANG, LI, WANG):
        assert "已登记请假" in wechat.send(person, "请假")
    reply, ticket = file(wechat, seeded, clock, RESIDENT)
    assert "接下来：您所在网格的网格员暂时都不在岗，已通知社区工作人员尽快安排人员联系您" in reply
    assert notices(seeded, "staff_new_appeal", ticket) == [OPERATOR]
    card = worded(seeded, "staff_new_appeal", OPERATOR)[-1]
    # It said the grid had nobody bound: 张伟, 李娜 and 王强 are, on leave.
    assert f"网格员和网格长现在都不在岗（请假或取消关注了公众号），没有人能接单：请回复“改派 {ticket} 网格或姓名”派给能办理的人" in card
    assert "没有绑定微信" not in card
    assert "网格员和网格长都不在岗，发给社区操作员改派" in wechat.send(OPERATOR, f"查询 {ticket}")
    # The 网格长 back from leave takes the next one; a member back, the one after.
    assert "销假" in wechat.send(WANG, "销假")
    reply, ticket = file(wechat, seeded, clock, NEIGHBOUR)
    assert "接下来：网格长会尽快联系您" in reply
    assert notices(seeded, "staff_new_appeal", ticket) == [WANG]
    wechat.send(LI, "销假")
    reply, ticket = file(wechat, seeded, clock, NEXT_DOOR)
    assert "接下来：网格员会尽快联系您" in reply
    assert notices(seeded, "staff_new_appeal", ticket) == [LI]


def test_the_operator_standing_in_for_a_派单_grid_on_leave_finds_the_task_in_my_tasks_until_someone_is_back(
        wechat, seeded, clock):
    # Their card said 改派, but 我的任务 listed only what grids with nobody bound were waiting on.
    assign_mode(seeded)
    for person in (ZHANG, LI, WANG):
        wechat.send(person, "请假")
    _, ticket = file(wechat, seeded, clock, RESIDENT)
    assert f"{ticket}｜" in wechat.send(OPERATOR, "我的任务")
    wechat.send(LI, "销假")
    assert f"{ticket}｜" not in wechat.send(OPERATOR, "我的任务")  # a member is at work again: theirs to claim
    assert f"{ticket}｜" in wechat.send(LI, "我的任务")


def test_in_a_派单_grid_on_leave_with_no_community_operator_the_streets_gets_the_card(wechat, seeded, clock):
    with seeded.transaction() as session:
        street = session.scalars(select(Street)).first()
        session.add(Staff(openid=STREET_OPERATOR, name="周强", role=StaffRole.OPERATOR, street_id=street.id,
                          active=True, created_at=clock()))
    assign_mode(seeded)
    assert "已登记请假" in wechat.send(ZHAO, "请假")
    dongfang_resident(seeded, clock)
    reply, ticket = file(wechat, seeded, clock, DONGFANG)
    assert "您所在网格的网格员暂时都不在岗，已通知街道工作人员尽快安排人员联系您" in reply
    assert notices(seeded, "staff_new_appeal", ticket) == [STREET_OPERATOR]


def test_in_a_派单_grid_on_leave_with_nobody_above_it_the_team_on_leave_still_gets_the_card(wechat, seeded, clock):
    assign_mode(seeded)
    assert "已登记请假" in wechat.send(ZHAO, "请假")
    dongfang_resident(seeded, clock)
    reply, ticket = file(wechat, seeded, clock, DONGFANG)
    assert "接下来：网格员会尽快联系您" in reply
    assert notices(seeded, "staff_new_appeal", ticket) == [ZHAO]


def test_with_no_member_or_leader_bound_the_communitys_operator_gets_the_card_to_route_it(wechat, seeded, clock):
    leave(seeded, ZHANG, LI, WANG)
    reply, ticket = file(wechat, seeded, clock, RESIDENT)
    assert "网格员会尽快联系您" not in reply
    assert "暂时还没有网格员在公众号上接收消息，已通知社区工作人员尽快安排人员联系您" in reply
    assert notices(seeded, "staff_new_appeal", ticket) == [OPERATOR]
    card = worded(seeded, "staff_new_appeal", OPERATOR)[-1]
    assert f"请回复“改派 {ticket} 网格或姓名”派给能办理的人" in card and f"回复“接单 {ticket}”" not in card
    assert "没有绑定微信的网格员和网格长，发给社区操作员改派" in wechat.send(OPERATOR, f"查询 {ticket}")
    # 接单 as a member would: told what an operator does instead, not that it is not their grid
    assert wechat.send(OPERATOR, f"接单 {ticket}").startswith(
        f"操作员不接普通诉求，由网格接单。诉求 {ticket} 请回复“改派 {ticket} 网格或姓名”")


def test_the_operator_standing_in_finds_the_task_in_my_tasks_until_it_is_routed(wechat, seeded, clock):
    # 我的任务 listed what grids returned, 待分类 and what was late, not the card they had been sent to 改派.
    leave(seeded, ZHANG, LI, WANG)
    _, ticket = file(wechat, seeded, clock, RESIDENT)
    assert f"{ticket}｜" in wechat.send(OPERATOR, "我的任务")
    with seeded.transaction() as session:
        session.execute(update(Staff).where(Staff.openid == ZHANG).values(active=True))
    assert f"{ticket}｜" not in wechat.send(OPERATOR, "我的任务")  # the grid has a member again: theirs to claim


def test_with_nobody_in_the_grid_or_community_the_streets_operator_gets_the_card(wechat, seeded, clock):
    with seeded.transaction() as session:
        street = session.scalars(select(Street)).first()
        session.add(Staff(openid=STREET_OPERATOR, name="周强", role=StaffRole.OPERATOR, street_id=street.id,
                          active=True, created_at=clock()))
    leave(seeded, ZHAO)
    dongfang_resident(seeded, clock)
    reply, ticket = file(wechat, seeded, clock, DONGFANG)
    assert "已通知街道工作人员尽快安排人员联系您" in reply
    assert notices(seeded, "staff_new_appeal", ticket) == [STREET_OPERATOR]
    assert f"“改派 {ticket} 网格或姓名”" in worded(seeded, "staff_new_appeal", STREET_OPERATOR)[-1]


def test_with_nobody_bound_anywhere_it_waits_in_the_unclaimed_lists_and_the_worker_logs_it(
        wechat, seeded, clock, caplog, database_url):
    leave(seeded, ZHAO)
    dongfang_resident(seeded, clock)
    with caplog.at_level(logging.WARNING, logger="storage.dispatch"):
        reply, ticket = file(wechat, seeded, clock, DONGFANG)
    assert "会尽快联系您" not in reply and "已通知" not in reply
    assert "您所在的网格暂时还没有工作人员在公众号上接收消息，诉求已登记，等待工作人员安排" in reply
    assert notices(seeded, "staff_new_appeal", ticket) == []
    logged = [record.getMessage() for record in caplog.records if ticket in record.getMessage()]
    assert logged and "its community or street bound to tell" in logged[0] and DONGFANG not in logged[0]
    grid_id = appeal(seeded, ticket).grid_id
    shown = CliRunner().invoke(main, ["appeals", "show", ticket], obj=clock,
                               env={"GRIDBOT_DATABASE_URL": database_url}).output
    assert "派发：本网格、社区和街道都还没有绑定微信的工作人员，无人收到任务卡" in shown
    with seeded.transaction() as session:
        grid = org.address(session, grid_id, None, None).grid_label
        scope = queries.Scope.of_path(session, grid)
        listed = queries.appeals(session, clock(), scope, queries.AppealFilter(unclaimed=True))
        assert [row.appeal.ticket for row in listed if row.appeal.ticket == ticket] == [ticket]
        assert ticket in [row.appeal.ticket for row in queries.unclaimed(session)]


@pytest.mark.parametrize("first", ["dispatch", "disable"])
def test_an_operator_disabled_while_they_stand_in_for_the_grid_is_not_sent_the_card(wechat, seeded, clock, first):
    leave(seeded, ZHANG, LI, WANG)
    ticket = re.search(r"G\d{10}", wechat.send(RESIDENT, LAMP)).group(0)

    assert dispatch_while_disabling(seeded, OPERATOR, clock, first) == ("done", "done")
    assert notices(seeded, "staff_new_appeal", ticket) == []


def test_the_operators_督办_of_a_task_in_a_grid_with_nobody_asks_them_to_route_it_not_to_chase_the_grid(
        wechat, seeded, clock):
    # It said 请督促网格安排接单, of a grid with nobody in it to press.
    from storage import supervision

    leave(seeded, ZHANG, LI, WANG)
    _, ticket = file(wechat, seeded, clock, RESIDENT)
    clock.advance(minutes=31)
    with seeded.transaction() as session:
        assert supervision.sweep(session, clock()).escalations == 1
    (said,) = worded(seeded, "staff_escalated", OPERATOR)
    assert "督促网格" not in said
    assert f"这个网格还没有绑定微信的网格员和网格长，请回复“改派 {ticket} 网格或姓名”" in said


def test_a_leavers_task_handed_back_to_a_grid_with_nobody_left_goes_to_the_communitys_operator(wechat, seeded, clock):
    # The leaver's task went back to 幸福里社区·第二网格, where 刘洋 had been the only member: no card reached anyone
    # in the chat, and only the command line said so.
    from bot.cli import roster_texts
    from storage import roster, staff
    from tests.support.personas import LIU
    from tests.support.street import XINGFULI

    with seeded.transaction() as session:
        building, unit = seeding.home(session, STREET, (XINGFULI, SECOND, "5号楼", "1单元"))
        residents.bind(session, residents.get_or_create(session, "o_jinxiu", clock()), building, unit)
    _, ticket = file(wechat, seeded, clock, "o_jinxiu")
    assert f"接单成功：{ticket}" in wechat.send(LIU, f"接单 {ticket}")
    with seeded.transaction() as session:
        moved = roster.disable(session, staff.staff_by_openid(session, LIU), None, clock(), ())
        said = "\n".join(roster_texts.handed(moved))
    assert "幸福里社区·第二网格 已没有在岗的网格员和网格长，这些任务的任务卡已发给社区操作员" in said
    assert "没有人收到" not in said
    card = worded(seeded, "staff_new_appeal", OPERATOR)[-1]
    assert ticket in card and f"请回复“改派 {ticket} 网格或姓名”派给能办理的人" in card
