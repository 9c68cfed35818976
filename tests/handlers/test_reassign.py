"""改派: a returned, unclaimed or held appeal reaches another grid or member; nobody is left waiting on it.

Also: a resident's 撤销 of a task someone is working on tells that person.
"""

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli.gridbot import main
from handlers import resident_texts
from storage import appeals, chasing, reassigning, rejecting, residents, seeding, tasks
from storage.models import Appeal, AppealStatus, Community, Grid, OutboxMessage, Staff, StaffRole
from storage.notices import ResidentTransferred
from tests.support.database import appeal, notices, worded
from tests.support.personas import LI, LIU, OPERATOR, RESIDENT, WANG, ZHANG
from tests.support.races import second_while_first_open
from tests.support.street import SECOND, XINGFULI, add_contractors
from tests.support.worker import file_and_dispatch

pytestmark = pytest.mark.postgres


def test_an_operator_hands_a_returned_appeal_to_another_grid_whose_member_claims_it(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"退回 {ticket} 这是锦绣家园的事")
    assert "已改派给 幸福里社区·第二网格" in wechat.send(OPERATOR, f"改派 {ticket} 第二网格")
    moved = appeal(seeded, ticket)
    assert moved.status == AppealStatus.DISPATCHED and moved.assignee_staff_id is None
    assert LIU in notices(seeded, "staff_new_appeal", ticket)
    assert notices(seeded, "resident_transferred", ticket) == [RESIDENT]
    assert f"接单成功：{ticket}" in wechat.send(LIU, f"接单 {ticket}")
    assert "改由幸福里社区·第二网格办理" in wechat.send(RESIDENT, f"查询 {ticket}")


def test_a_task_moved_to_another_grid_gives_its_new_holder_the_grid_its_building_is_in(wechat, seeded, clock):
    # The card paired the new grid with the old building: 幸福里社区·第二网格 阳光花园3号楼, a place that does not exist,
    # and in another community a compound the new holder would look for in the wrong one.
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"退回 {ticket} 这是锦绣家园的事")
    wechat.send(OPERATOR, f"改派 {ticket} 第二网格")
    (card,) = worded(seeded, "staff_new_appeal", LIU)
    assert "地址：幸福里社区·第一网格 阳光花园3号楼1单元" in card, card


def test_reassigning_to_a_grid_nobody_works_in_says_no_card_reached_anyone(wechat, seeded, clock):
    with seeded.transaction() as session:  # 刘洋, the second grid's only member, left
        session.scalars(select(Staff).where(Staff.openid == LIU)).one().active = False
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"退回 {ticket} 这是锦绣家园的事")
    assert wechat.send(OPERATOR, f"改派 {ticket} 第二网格") == (
        f"诉求 {ticket} 已改派给 幸福里社区·第二网格，并告知居民。\n"
        "注意：幸福里社区·第二网格 现在没有在岗的网格员，没有人收到任务卡；请改派给有人的网格或网格员。")
    assert notices(seeded, "staff_new_appeal", ticket) == [LI, WANG, ZHANG]  # the first cards, none since


def test_a_grid_leader_or_operator_presses_the_holder_of_a_stalled_task_once_an_hour(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    assert wechat.send(WANG, f"督办 {ticket} 今天务必修好") == f"已督办诉求 {ticket}，已发给：张伟。"
    assert worded(seeded, "staff_supervised", ZHANG) == [
        f"【督办】{ticket} 王强督办：今天务必修好\n"
        f"请尽快办理：办好后回复“办结 {ticket} 说明”，未办完请回复“进展 {ticket} 说明”告知居民。"]
    assert wechat.send(OPERATOR, f"督办 {ticket} 居民又来电了").startswith(f"诉求 {ticket} ")  # within the hour
    assert "已督办过" in wechat.send(OPERATOR, f"督办 {ticket} 居民又来电了")
    clock.advance(hours=1)
    assert wechat.send(OPERATOR, f"督办 {ticket} 居民又来电了") == f"已督办诉求 {ticket}，已发给：张伟。"
    assert "只有社区操作员和本网格网格长可以督办" in wechat.send(LI, f"督办 {ticket} 快点")
    assert "督办" in wechat.send(ZHANG, f"查询 {ticket}")  # on the record, for staff only
    assert "督办" not in wechat.send(RESIDENT, f"查询 {ticket}")


def test_a_督办_or_催办_of_a_task_改派d_to_one_member_reaches_that_member_not_the_whole_grid(wechat, seeded, clock):
    # It reached 张伟、李娜、王强 (the whole team, though 李娜 alone may claim it) and asked her to 办结 it.
    from storage import supervision

    ticket = file_and_dispatch(wechat, seeded, clock)
    clock.advance(minutes=10)  # past the new card (chasing.JUST_FILED): a 催办 now goes to its holders
    wechat.send(WANG, f"改派 {ticket} 李娜")
    assert wechat.send(OPERATOR, f"督办 {ticket} 今天务必修好") == f"已督办诉求 {ticket}，已发给：李娜。"
    assert worded(seeded, "staff_supervised", LI) == [
        f"【督办】{ticket} 孙丽督办：今天务必修好\n尚无人接单，请尽快回复“接单 {ticket}”；回复“查询 {ticket}”查看详情。"]
    wechat.send(RESIDENT, f"催办 {ticket}")
    assert notices(seeded, "staff_chased", ticket) == [LI]
    for hours in (1, 4, 8):  # the sweep's 督办: her, and the ladder above her
        clock.advance(hours=hours)
        with seeded.transaction() as session:
            supervision.sweep(session, clock())
    assert set(notices(seeded, "staff_escalated", ticket)) == {LI, WANG, OPERATOR}
    assert ZHANG not in notices(seeded, "staff_supervised") + notices(seeded, "staff_chased")


def test_a_督办_of_a_task_waiting_for_a_member_on_leave_says_so_as_the_改派_did(wechat, seeded, clock):
    # It said 已发给：张伟 and nothing more, while 张伟, on leave, would not claim it for days.
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(WANG, f"改派 {ticket} 张伟")
    wechat.send(ZHANG, "请假 三天")
    assert wechat.send(WANG, f"督办 {ticket} 今天务必修好") == (
        f"已督办诉求 {ticket}，已发给：张伟。\n"
        "注意：张伟正在请假（至 11月24日），这件诉求会等张伟接单；需要尽快办理的，请改派给在岗的人。")


def test_a_residents_催办_of_a_task_waiting_for_a_member_on_leave_reaches_the_grid_leader_to_改派_it(
        wechat, seeded, clock):
    # It reached 张伟 alone, on leave for days: nobody at work heard the resident ask.
    ticket = file_and_dispatch(wechat, seeded, clock)
    clock.advance(minutes=10)  # past the new card (chasing.JUST_FILED): a 催办 now goes to its holders
    wechat.send(WANG, f"改派 {ticket} 张伟")
    wechat.send(ZHANG, "请假 三天")
    wechat.send(RESIDENT, f"催办 {ticket}")
    assert sorted(notices(seeded, "staff_chased", ticket)) == sorted([ZHANG, WANG])
    assert worded(seeded, "staff_chased", WANG)[-1].endswith(
        f"办理人张伟正在请假：需要尽快办理的，请回复“改派 {ticket} 姓名”交给在岗的网格员。")
    wechat.send(WANG, "请假")  # the 网格长 away too: the community's operators
    clock.advance(hours=1)
    wechat.send(RESIDENT, f"催办 {ticket}")
    assert sorted(notices(seeded, "staff_chased", ticket)) == sorted([ZHANG, WANG, ZHANG, OPERATOR])


def _filed_while_the_派单_grid_is_all_on_leave(wechat, seeded, clock) -> str:
    """第一网格 on 派单 with 张伟, 李娜 and 王强 on leave: the new appeal's card goes to the community's operator."""
    with seeded.transaction() as session:
        session.scalars(select(Grid).where(Grid.name == "第一网格")).first().dispatch_mode = "assign"
    for openid in (ZHANG, LI, WANG):
        wechat.send(openid, "请假 三天")
    return file_and_dispatch(wechat, seeded, clock)


def test_a_residents_催办_of_an_unclaimed_task_whose_grid_is_all_on_leave_reaches_the_operators_to_改派_it(
        wechat, seeded, clock):
    # It reached 张伟, 李娜 and 王强, all on leave, and not the community's operators its 派单 card had gone to.
    ticket = _filed_while_the_派单_grid_is_all_on_leave(wechat, seeded, clock)
    assert notices(seeded, "staff_new_appeal", ticket) == [OPERATOR]
    clock.advance(minutes=10)  # past the new card (chasing.JUST_FILED): a 催办 now goes to its holders
    wechat.send(RESIDENT, f"催办 {ticket}")
    assert OPERATOR in notices(seeded, "staff_chased", ticket)
    assert worded(seeded, "staff_chased", OPERATOR)[-1].endswith(
        f"这个网格的网格员和网格长现在都不在岗（请假），尚无人接单：请回复“改派 {ticket} 网格或姓名”派给在岗的人，"
        f"归部门或物业办理的回复“转办 {ticket} 部门”。")


def test_words_a_resident_adds_to_an_unclaimed_task_whose_grid_is_all_on_leave_reach_the_operators_to_改派_it(
        wechat, seeded, clock):
    # Her 补充 reached 张伟, 李娜 and 王强, all on leave, and not the operators its 派单 card had gone to.
    ticket = _filed_while_the_派单_grid_is_all_on_leave(wechat, seeded, clock)
    wechat.send(RESIDENT, f"补充 {ticket} 下午三点以后家里有人")
    assert OPERATOR in notices(seeded, "staff_words_added", ticket)
    assert worded(seeded, "staff_words_added", OPERATOR)[-1].endswith(
        f"请回复“改派 {ticket} 网格或姓名”派给在岗的人，归部门或物业办理的回复“转办 {ticket} 部门”。")


def test_a_grid_leader_presses_the_communitys_operators_to_route_an_appeal_the_grid_gave_back(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"退回 {ticket} 这是锦绣家园的事")
    assert wechat.send(WANG, f"督办 {ticket} 请今天改派") == f"已督办诉求 {ticket}，已发给：孙丽。"
    assert worded(seeded, "staff_supervised", OPERATOR) == [
        f"【督办】{ticket} 王强督办：请今天改派\n"
        f"网格已退回，等待重新派发：请尽快回复“改派 {ticket} 网格或姓名”或“转办 {ticket} 部门”；回复“查询 {ticket}”查看详情。"]
    assert "督办 编号 要求：督促承办人（无人接单时：可以接单的人；已退回的：社区操作员）" in wechat.send(WANG, "帮助 2")
    clock.advance(hours=1)  # the only operator presses nobody but themselves: they route it
    assert wechat.send(OPERATOR, f"督办 {ticket} 快点") == (
        f"诉求 {ticket} 已退回社区，社区没有其他在岗的操作员可以督办：请直接改派或转办。")



def test_two_supervisors_pressing_the_holder_at_once_press_them_once_and_a_resident_chasing_twice_too(
        wechat, seeded, clock):
    # On PostgreSQL the second 督办 (or 催办) read no earlier one (the first had not committed): the holder got both.
    ticket = file_and_dispatch(wechat, seeded, clock)
    clock.advance(minutes=10)  # past the new card (chasing.JUST_FILED): a 催办 now goes to its holders
    wechat.send(ZHANG, f"接单 {ticket}")

    def supervise(openid):
        def step(session):
            by = session.scalars(select(Staff).where(Staff.openid == openid)).one()
            chasing.supervise(session, by, ticket, "今天务必修好", clock())
        return step

    assert second_while_first_open(seeded, supervise(WANG), supervise(OPERATOR)) == ("done", "Repeated")
    assert notices(seeded, "staff_supervised") == [ZHANG]

    chases = []

    def chase(session):
        held = session.scalars(select(Appeal).where(Appeal.ticket == ticket)).one()
        chases.append(chasing.chase(session, held.resident_id, held, "怎么还没修", clock(), ()).sent)

    assert second_while_first_open(seeded, chase, chase) == ("done", "done")
    assert chases == [True, False]
    assert notices(seeded, "staff_chased") == [ZHANG]

def test_a_member_claiming_while_the_operator_moves_the_task_to_another_grid_is_refused_not_made_its_holder(
        wechat, seeded, clock):
    # 改派 keeps the task waiting for a claim (dispatched to dispatched), so the claim's compare-and-set on the
    # status passed on PostgreSQL after it: the task sat in the second grid, held by the first grid's member.
    ticket = file_and_dispatch(wechat, seeded, clock)

    def act(openid, step):
        def run(session):
            step(session, session.scalars(select(Staff).where(Staff.openid == openid)).one())
        return run

    move = act(OPERATOR, lambda session, by: reassigning.reassign(session, by, ticket, SECOND, clock(), ()))
    claim = act(ZHANG, lambda session, member: tasks.claim(session, member, ticket, clock()))
    assert second_while_first_open(seeded, move, claim) == ("done", "NotAllowed")
    moved = appeal(seeded, ticket)
    assert moved.status == AppealStatus.DISPATCHED and moved.assignee_staff_id is None
    assert notices(seeded, "resident_accepted") == []


def test_a_resident_withdrawing_while_the_operator_gives_the_task_to_a_member_tells_that_member(
        wechat, seeded, clock):
    # 改派 to a member keeps the task waiting for a claim, so the 撤销 checked before it still passed after it on
    # PostgreSQL, with the holder it had read (nobody): the member 改派 had just named was never told to stop.
    ticket = file_and_dispatch(wechat, seeded, clock)

    def move(session):
        by = session.scalars(select(Staff).where(Staff.openid == OPERATOR)).one()
        reassigning.reassign(session, by, ticket, "李娜", clock(), ())

    def withdraw(session):
        resident = residents.view(session, RESIDENT, clock())
        appeals.cancel(session, resident, ticket, clock())

    assert second_while_first_open(seeded, move, withdraw) == ("done", "done")
    assert appeal(seeded, ticket).status == AppealStatus.CANCELLED
    assert notices(seeded, "staff_cancelled") == [LI]


def test_the_grid_leader_rejecting_while_the_operator_gives_the_task_to_a_member_tells_that_member(
        wechat, seeded, clock):
    # As 撤销 above: 不受理 read the holder (nobody) before the 改派 committed, and 李娜 was never told.
    ticket = file_and_dispatch(wechat, seeded, clock)

    def by(openid, step):
        return lambda session: step(session, session.scalars(select(Staff).where(Staff.openid == openid)).one())

    move = by(OPERATOR, lambda session, who: reassigning.reassign(session, who, ticket, "李娜", clock(), ()))
    reject = by(WANG, lambda session, who: rejecting.reject(session, who, ticket, "属于燃气公司受理范围", clock(), ()))
    assert second_while_first_open(seeded, move, reject) == ("done", "done")
    assert appeal(seeded, ticket).status == AppealStatus.REJECTED
    assert notices(seeded, "staff_rejected") == [LI]


def test_a_grid_leader_moves_a_claimed_task_to_a_colleague_and_the_holder_is_told(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    assert "已改派给 李娜（幸福里社区·第一网格）" in wechat.send(WANG, f"改派 {ticket} 李娜")
    assert notices(seeded, "staff_reassigned", ticket) == [ZHANG]
    assert LI in notices(seeded, "staff_new_appeal", ticket)
    # Taking it back by habit, or a note on the way there: told where it went, as the notice said.
    moved_away = f"诉求 {ticket} 已改派给 李娜（幸福里社区·第一网格），您无需再处理。"
    assert wechat.send(ZHANG, f"接单 {ticket}") == moved_away
    assert wechat.send(ZHANG, f"进展 {ticket} 已到现场") == moved_away
    assert f"接单成功：{ticket}" in wechat.send(LI, f"接单 {ticket}")
    assert wechat.send(ZHANG, f"办结 {ticket} 已修好") == moved_away
    assert notices(seeded, "resident_progress", ticket) == []


def test_a_resident_whose_task_is_改派d_to_a_member_is_told_who_handles_it_now_not_that_it_was_transferred(
        wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(WANG, f"改派 {ticket} 李娜")
    told = worded(seeded, "resident_transferred", RESIDENT)
    assert told[-1].startswith(f"您的诉求 {ticket} 改由网格工作人员 李娜（幸福里社区·第一网格）负责办理")
    assert "转交" not in told[-1] and "转办" not in told[-1]
    with seeded.transaction() as session:
        params = json.loads(session.scalars(select(OutboxMessage.params).where(
            OutboxMessage.template == "resident_transferred")).one())
    notice = ResidentTransferred(**{k: v for k, v in params.items() if k in ("ticket", "to", "again", "person")})
    assert resident_texts.TEMPLATE_FIELDS[ResidentTransferred](notice)[0][1:] == ("更换办理人", "办理人：李娜（幸福里社区·第一网格）")
    assert resident_texts.GENERIC_FIELDS[ResidentTransferred](notice)[:2] == ("您的诉求更换办理人", "改由李娜（幸福里社区·第一网格）办理")


def test_a_target_said_with_gei_or_dao_before_it_is_found(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    assert "已改派给 李娜（幸福里社区·第一网格）" in wechat.send(WANG, f"改派 {ticket} 给李娜。")
    assert "已改派给 幸福里社区·第二网格" in wechat.send(OPERATOR, f"改派 {ticket} 到第二网格")


def test_a_member_named_with_their_title_is_found(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert "已改派给 李娜（幸福里社区·第一网格）" in wechat.send(WANG, f"改派 {ticket} 给网格员李娜")
    assert "已改派给 王强（幸福里社区·第一网格）" in wechat.send(OPERATOR, f"改派 {ticket} 网格长王强")


def test_a_reason_said_after_the_name_is_not_taken_for_part_of_it(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert "已改派给 李娜（幸福里社区·第一网格）" in wechat.send(WANG, f"改派 {ticket} 李娜，她熟悉情况")


def test_the_card_of_a_reassigned_task_says_who_moved_it_and_why_not_new_appeal(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(WANG, f"改派 {ticket} 李娜，她熟悉情况")
    card = worded(seeded, "staff_new_appeal", LI)[-1]
    assert card.startswith(f"【改派】{ticket} 王强改派给您：她熟悉情况\n类别：")
    assert "新诉求" not in card
    wechat.send(OPERATOR, f"改派 {ticket} 第二网格")
    assert worded(seeded, "staff_new_appeal", LIU)[-1].startswith(f"【改派】{ticket} 孙丽改派到本网格\n类别：")


def test_reassigning_to_a_member_on_leave_says_so_to_whoever_moved_it(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(LI, "请假 到 11月30日")
    assert wechat.send(WANG, f"改派 {ticket} 李娜") == (
        f"诉求 {ticket} 已改派给 李娜（幸福里社区·第一网格），已通知对方接单，并告知居民。\n"
        "注意：李娜正在请假（至 11月30日），这件诉求会等李娜接单；需要尽快办理的，请改派给在岗的人。")
    wechat.send(LI, "销假")
    assert "注意" not in wechat.send(WANG, f"改派 {ticket} 张伟")


def test_reassigning_to_a_member_whose_leave_starts_tomorrow_says_so_to_whoever_moved_it(wechat, seeded, clock):
    # She is at work today, so the reply said nothing: the 网格长 learnt only the next morning that she was away.
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(LI, "请假 明天到周三")
    assert wechat.send(WANG, f"改派 {ticket} 李娜") == (
        f"诉求 {ticket} 已改派给 李娜（幸福里社区·第一网格），已通知对方接单，并告知居民。\n"
        "注意：李娜将于 11月23日起请假至 11月25日；办不完的，请和李娜确认在那之前交接，或改派给那时在岗的人。")
    wechat.send(ZHANG, "明天起请假")
    assert "将于 11月23日起请假（直到销假）" in wechat.send(WANG, f"改派 {ticket} 张伟")


def test_a_member_on_leave_who_answers_a_card_takes_it_and_is_reminded_to_say_they_are_back(wechat, seeded, clock):
    wechat.send(LI, "请假 到 11月30日")
    ticket = file_and_dispatch(wechat, seeded, clock)
    claimed = wechat.send(LI, f"接单 {ticket}")
    assert claimed.startswith(f"接单成功：{ticket}")
    assert claimed.endswith("您登记了请假（至 11月30日）；已经回来上班的，请发“销假”，派单才会给您派新任务。")
    wechat.send(LI, "销假")
    other = file_and_dispatch(wechat, seeded, clock, "2号楼楼道灯不亮")
    assert "请假" not in wechat.send(LI, f"接单 {other}")


def test_reassigning_to_a_member_on_leave_into_next_year_says_the_year_it_ends(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(LI, "请假 到 2027-11-01")  # on 22 November: a year's leave, not one over since the 1st
    assert "注意：李娜正在请假（至 2027年11月1日）" in wechat.send(WANG, f"改派 {ticket} 李娜")


def test_a_grid_leader_moving_a_task_he_holds_himself_is_not_told_of_his_own_move(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(WANG, f"接单 {ticket}")
    assert "已改派给 李娜" in wechat.send(WANG, f"改派 {ticket} 李娜")
    assert notices(seeded, "staff_reassigned", ticket) == []  # not 【已改派】…已由王强改派给 李娜 to 王强
    assert notices(seeded, "resident_transferred", ticket) == [RESIDENT]


def test_a_task_moved_to_another_grid_tells_its_former_holder_where_it_went_not_that_it_is_unknown(
        wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(OPERATOR, f"改派 {ticket} 第二网格")
    assert wechat.send(ZHANG, f"办结 {ticket} 已修好") == (
        f"诉求 {ticket} 已改派给 幸福里社区·第二网格，您无需再处理。")
    assert "没有找到" in wechat.send(LI, f"办结 {ticket} 已修好")  # who never held it learns nothing of it
    assert appeal(seeded, ticket).status == AppealStatus.DISPATCHED


def test_a_paused_task_moved_to_a_colleague_keeps_the_time_its_pause_gave_back(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    due = appeal(seeded, ticket).resolve_due_at
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"挂起 {ticket} 等电梯配件", "已挂起")])
    clock.advance(days=10)  # the parts took ten days; then 张伟 is taken off it
    assert "已改派给 李娜" in wechat.send(WANG, f"改派 {ticket} 李娜")
    moved = appeal(seeded, ticket)
    assert moved.paused_at is None and moved.resolve_due_at == due + timedelta(days=10)
    assert f"接单成功：{ticket}" in wechat.send(LI, f"接单 {ticket}")
    assert "办理中｜办结剩" in wechat.send(LI, "我的任务")  # not 办结已超时7天 the moment she takes it


def _response_counts(seeded, clock):
    from storage.queries import EVERYWHERE
    from storage.rates import Period, Unit, ranking

    with seeded.transaction() as session:
        return ranking(session, Period.month_of(clock()), clock(), Unit.STREET, EVERYWHERE).total.counts


def test_a_late_claim_or_a_missed_deadline_is_not_made_in_time_by_a_reassignment(wechat, seeded, clock):
    """改派 gives the new holder a fresh clock to claim by, but the rates judge the appeal by the deadline it had:
    a task claimed late, or left unclaimed past its deadline, does not become 响应及时 by being moved on."""
    late = file_and_dispatch(wechat, seeded, clock)
    missed = file_and_dispatch(wechat, seeded, clock, text="3号楼1单元楼道灯不亮了")
    clock.advance(hours=5)  # both past their 2 hours to claim
    wechat.send(ZHANG, f"接单 {late}")
    assert "已改派给 李娜" in wechat.send(WANG, f"改派 {late} 李娜")
    assert "已改派给 李娜" in wechat.send(WANG, f"改派 {missed} 李娜")
    wechat.send(LI, f"接单 {late}")
    wechat.send(LI, f"接单 {missed}")
    counts = _response_counts(seeded, clock)
    assert counts.dispatched == 2 and counts.responded == 0 and counts.overdue == 2


def test_a_reassignment_before_the_deadline_gives_the_new_holder_its_fresh_clock(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    clock.advance(hours=1)  # within its 2 hours to claim
    assert "已改派给 李娜" in wechat.send(WANG, f"改派 {ticket} 李娜")
    clock.advance(hours=1, minutes=30)  # past the first 2 hours, within the fresh ones
    wechat.send(LI, f"接单 {ticket}")
    counts = _response_counts(seeded, clock)
    assert counts.dispatched == 1 and counts.responded == 1 and counts.overdue == 0


def test_a_card_sent_after_the_deadline_says_the_task_is_overdue(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    (first_card,) = worded(seeded, "staff_new_appeal", LI)
    assert "办结时限：11月25日 10:00前\n" in first_card
    wechat.send(ZHANG, f"接单 {ticket}")
    clock.advance(days=4)  # a day past the deadline 张伟 is taken off it
    assert "已改派给 李娜" in wechat.send(WANG, f"改派 {ticket} 李娜")
    late_card = worded(seeded, "staff_new_appeal", LI)[-1]
    assert "办结时限：11月25日 10:00前（已超时）" in late_card


def test_only_operators_and_the_grid_leader_reassign_and_only_within_their_scope(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert "只有社区操作员和本网格网格长可以改派" in wechat.send(ZHANG, f"改派 {ticket} 李娜")
    assert "负责范围以外" in wechat.send(WANG, f"改派 {ticket} 第二网格")
    assert "负责范围以外" in wechat.send(OPERATOR, f"改派 {ticket} 和平社区·第一网格")
    assert appeal(seeded, ticket).grid_id is not None and notices(seeded, "staff_reassigned") == []


def test_reassigning_to_where_the_appeal_already_is_changes_nothing_and_sends_no_second_card(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    due = appeal(seeded, ticket).response_due_at
    clock.advance(hours=3)  # the grid has not claimed it yet: moving it "again" must not restart its clock
    cards = notices(seeded, "staff_new_appeal", ticket)
    assert wechat.send(WANG, f"改派 {ticket} 第一网格") == f"诉求 {ticket} 已经在幸福里社区·第一网格，不用改派。"
    wechat.send(ZHANG, f"接单 {ticket}")
    assert wechat.send(WANG, f"改派 {ticket} 张伟") == f"诉求 {ticket} 已经由张伟（幸福里社区·第一网格）负责，不用改派。"
    assert notices(seeded, "staff_new_appeal", ticket) == cards and appeal(seeded, ticket).response_due_at == due
    assert notices(seeded, "resident_transferred", ticket) == []


def test_an_unknown_target_lists_the_grids_and_members_that_may_be_meant(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    reply = wechat.send(OPERATOR, f"改派 {ticket} 王小明")
    assert "找不到网格或工作人员“王小明”" in reply and "幸福里社区·第二网格" in reply and "刘洋" in reply
    assert "和平社区" not in reply  # the operator's own community only


def test_reassigning_to_a_member_who_left_says_they_left(wechat, seeded, clock, database_url):
    ticket = file_and_dispatch(wechat, seeded, clock)
    left = CliRunner().invoke(main, ["staff", "disable", "李娜"], obj=clock, env={"GRIDBOT_DATABASE_URL": database_url})
    assert left.exit_code == 0, left.output
    # Not 找不到网格或工作人员“李娜” with a list of names, as for a typo.
    assert wechat.send(WANG, f"改派 {ticket} 李娜") == (
        f"这位工作人员已停用（离职），不能把诉求 {ticket} 改派给 TA，请改派给在岗的网格员或网格。")


def test_reassigning_to_an_operator_by_name_says_whom_tasks_go_to(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    # Not 找不到网格或工作人员“孙丽” with a list of names, as for a typo: she is the community's operator.
    assert wechat.send(WANG, f"改派 {ticket} 孙丽") == (
        "这位工作人员不是网格员或网格长，改派只能交给网格员或网格；"
        f"要交给物业或部门，请用“转办 {ticket} 单位名称”。")


def test_the_street_office_reassigns_from_the_command_line(wechat, seeded, clock, database_url):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"退回 {ticket} 不归我们管")
    result = CliRunner().invoke(main, ["reassign", ticket[1:], "和平社区·第一网格"], obj=clock,
                                env={"GRIDBOT_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert f"诉求 {ticket} 已改派给 和平社区·第一网格" in result.output
    assert appeal(seeded, ticket).status == AppealStatus.DISPATCHED
    refused = CliRunner().invoke(main, ["reassign", "G123", "第二网格"], obj=clock,
                                 env={"GRIDBOT_DATABASE_URL": database_url})
    assert refused.exit_code == 1 and "编号是 G 加 10 位数字" in refused.output


def test_a_resident_cancelling_a_task_in_hand_tells_the_member_working_on_it(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(RESIDENT, f"撤销 {ticket}")
    assert notices(seeded, "staff_cancelled", ticket) == [ZHANG]


def test_returned_appeals_head_the_operators_tasks_and_are_reassigned_by_position(wechat, seeded, clock):
    waiting = file_and_dispatch(wechat, seeded, clock, "2号楼楼道灯坏了好几天")
    returned = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"退回 {returned} 这是锦绣家园的事")
    tasks = wechat.send(OPERATOR, "我的任务")
    assert f"1. {returned}" in tasks and "已退回社区" in tasks and waiting not in tasks
    assert "｜重新派发剩2小时" in tasks  # the community's own clock from the 退回, not the grid's old deadline
    assert "已改派给 幸福里社区·第二网格" in wechat.send(OPERATOR, "改派 1 第二网格")
    assert LIU in notices(seeded, "staff_new_appeal", returned)


def test_a_guessed_ticket_of_another_community_is_answered_as_not_found(wechat, seeded, clock):
    elsewhere = file_and_dispatch(wechat, seeded, clock, "1栋楼道灯坏了好几天", openid="o2")  # 和平社区
    for sender in (OPERATOR, WANG):
        assert f"没有找到编号为 {elsewhere} 的诉求" in wechat.send(sender, f"改派 {elsewhere} 第二网格")
    assert "网格或姓名最多 32 字，您发了 200 字" in wechat.send(OPERATOR, f"改派 {elsewhere} " + "网" * 200)
    assert notices(seeded, "staff_reassigned") == [] and notices(seeded, "resident_transferred") == []


def test_a_grid_named_alone_is_the_operators_own_even_where_another_street_has_a_community_of_that_name(
        wechat, seeded, clock):
    with seeded.transaction() as session:  # 滨湖街道 has a 幸福里社区 of its own, with a 第二网格 too
        seeding.seed_street(session, seeding.StreetPlan(
            "滨湖街道", {XINGFULI: {SECOND: ("幸福家园", {"1号楼": ("1单元",)})}}), clock())
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"退回 {ticket} 这是锦绣家园的事")

    replied = wechat.send(OPERATOR, f"改派 {ticket} 第二网格")

    assert "已改派给 幸福里社区·第二网格" in replied and "滨湖街道" not in replied
    assert LIU in notices(seeded, "staff_new_appeal", ticket)


def test_a_member_named_is_never_matched_with_a_namesake_of_another_street(wechat, seeded, clock):
    with seeded.transaction() as session:  # 滨湖街道 has a 刘洋 of its own
        seeding.seed_street(session, seeding.StreetPlan(
            "滨湖街道", {"滨湖社区": {"第一网格": ("湖景苑", {"1号楼": ("1单元",)})}}), clock())
        grid = session.scalars(select(Grid).join(Community, Community.id == Grid.community_id)
                               .where(Community.name == "滨湖社区")).one()
        session.add(Staff(openid="o_binhu_liu", name="刘洋", role=StaffRole.GRID_MEMBER, grid_id=grid.id,
                          community_id=grid.community_id, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock)

    replied = wechat.send(WANG, f"改派 {ticket} 刘洋")

    assert "负责范围以外" in replied and "滨湖" not in replied  # 刘洋 of 第二网格: not the 网格长's to move to


def test_an_appeal_is_never_reassigned_to_the_member_who_filed_it_as_a_resident(wechat, seeded, clock):
    # They may not claim or close it (conflict of interest): handed to them, it would wait on nobody.
    from handlers import staff_texts
    from tests.support.personas import UNIT_NEIGHBOUR

    ticket = file_and_dispatch(wechat, seeded, clock, openid=UNIT_NEIGHBOUR)
    with seeded.transaction() as session:
        grid_id = session.scalars(select(Staff.grid_id).where(Staff.openid == ZHANG)).one()
        session.add(Staff(openid=UNIT_NEIGHBOUR, name="周新", role=StaffRole.GRID_MEMBER, grid_id=grid_id,
                          active=True, created_at=clock()))
    assert wechat.send(WANG, f"改派 {ticket} 周新") == \
        staff_texts.REASSIGN_REFUSED["filed_by_target"].format(ticket=ticket)
    assert appeal(seeded, ticket).assignee_staff_id is None
    assert "已改派给" in wechat.send(WANG, f"改派 {ticket} 张伟")


def test_a_transfer_before_the_deadline_gives_the_department_its_fresh_clock_in_the_rates_too(wechat, seeded, clock):
    """转办 gives the department its own time to claim (the reminders and 超期 go by it); the rates judge its claim
    by that time too, as after a 改派 — and a deadline missed before the transfer stays missed."""
    from tests.support.street import PROPERTY_CLERK, add_contractors

    with seeded.transaction() as session:
        add_contractors(session, clock())
    ticket = file_and_dispatch(wechat, seeded, clock)
    missed = file_and_dispatch(wechat, seeded, clock, text="3号楼1单元楼道灯不亮了")
    clock.advance(hours=1)  # within its 2 hours to claim
    assert "阳光物业公司" in wechat.send(WANG, f"转办 {ticket} 阳光物业公司")
    clock.advance(hours=1, minutes=30)  # past the first 2 hours, within the property company's fresh ones
    assert "阳光物业公司" in wechat.send(WANG, f"转办 {missed} 阳光物业公司")
    assert "接单成功" in wechat.send(PROPERTY_CLERK, f"接单 {ticket}")
    assert "接单成功" in wechat.send(PROPERTY_CLERK, f"接单 {missed}")
    counts = _response_counts(seeded, clock)
    assert counts.dispatched == 2 and counts.responded == 1 and counts.overdue == 1


def test_moving_a_task_back_and_forth_reaches_the_resident_four_times_an_hour_and_still_moves_it(
        wechat, seeded, clock):
    # A stolen operator account, or two operators disagreeing: every 改派 and 转办 messaged the resident, without end.
    with seeded.transaction() as session:
        add_contractors(session, clock())  # 周队长 of 综合执法中队
    ticket = file_and_dispatch(wechat, seeded, clock)
    for grid in ("第二网格", "第一网格", "第二网格", "第一网格"):
        clock.advance(minutes=1)
        assert wechat.send(OPERATOR, f"改派 {ticket} {grid}").endswith("并告知居民。")
    clock.advance(minutes=1)
    untold = "这件诉求一小时内已改派或转办 4 次，这次没有再通知居民（居民查询时看到的是当前状态）。"
    assert wechat.send(WANG, f"转办 {ticket} 综合执法中队") == f"诉求 {ticket} 已转办给 综合执法中队。\n{untold}"
    assert appeal(seeded, ticket).department == "综合执法中队"  # made all the same, its officer has the card
    assert "dept_zhifa" in notices(seeded, "staff_new_appeal", ticket)
    clock.advance(minutes=1)
    assert wechat.send(OPERATOR, f"改派 {ticket} 第二网格") == (
        f"诉求 {ticket} 已改派给 幸福里社区·第二网格，已通知对方接单。\n{untold}")
    assert notices(seeded, "staff_new_appeal", ticket).count(LIU) == 3  # the new holders got the card each time
    assert len(notices(seeded, "resident_transferred", ticket)) == 4
    clock.advance(hours=1)
    assert wechat.send(OPERATOR, f"改派 {ticket} 第一网格").endswith("并告知居民。")
    assert len(notices(seeded, "resident_transferred", ticket)) == 5


def test_a_grid_leader_giving_an_unclaimed_task_to_one_member_tells_the_others_who_had_its_card(
        wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    clock.advance(hours=3)
    assert "已发给：张伟、李娜" in wechat.send(WANG, f"督办 {ticket} 请尽快接单")  # both pressed to claim it
    assert "已改派给 李娜" in wechat.send(WANG, f"改派 {ticket} 李娜")
    assert notices(seeded, "staff_reassigned", ticket) == [ZHANG]  # not the new holder, nor the mover
    assert worded(seeded, "staff_reassigned", ZHANG) == [
        f"【已改派】{ticket} 已由王强改派给 李娜（幸福里社区·第一网格），您无需再处理。"]


def test_an_operator_moving_an_unclaimed_task_to_another_grid_tells_the_team_that_had_its_card(
        wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(OPERATOR, f"改派 {ticket} 第二网格")
    assert notices(seeded, "staff_reassigned", ticket) == sorted([ZHANG, LI])  # 王强 had it in his digest only
    assert LIU in notices(seeded, "staff_new_appeal", ticket)


def test_a_reason_longer_than_a_name_after_the_comma_is_written_on_the_card_not_refused_as_a_long_name(
        wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    reason = "她之前处理过这栋楼的电梯问题，和物业经理也熟悉，请她尽快联系居民上门查看"
    assert "已改派给 李娜" in wechat.send(WANG, f"改派 {ticket} 李娜，{reason}")
    assert worded(seeded, "staff_new_appeal", LI)[-1].startswith(f"【改派】{ticket} 王强改派给您：{reason}\n")


def test_a_reason_over_a_notes_limit_is_refused_and_nothing_moves(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    refused = wechat.send(WANG, f"改派 {ticket} 李娜，" + "情" * 301)
    assert refused == "改派理由（逗号后面的话）最多 300 字，您发了 301 字，没有保存。请精简后再发。"
    assert appeal(seeded, ticket).assignee_staff_id is None and notices(seeded, "resident_transferred") == []


def test_an_unknown_target_in_a_community_of_many_grids_lists_the_first_few_within_one_reply(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    with seeded.transaction() as session:
        community = session.scalars(select(Community.id).where(Community.name == XINGFULI)).one()
        session.add_all(Grid(community_id=community, name=f"第{number}网格（新建小区）") for number in range(3, 43))
    reply = wechat.send(OPERATOR, f"改派 {ticket} 王小明")
    assert "幸福里社区·第一网格、幸福里社区·第二网格" in reply and "等 42 个网格，请写完整的名称" in reply
    assert "（内容较长" not in reply and len(reply.encode()) <= 2048
