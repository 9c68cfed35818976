"""Grid members work a task inside the chat: 接单, 进展, 办结, 挂起/恢复, 转办, 退回, 我的任务."""

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.worker import schedule
from handlers import notifications, staff_texts
from storage import dispatch, duty, roster, staff, tasks
from storage.errors import IllegalTransition
from storage.models import Appeal, AppealStatus, Building, OutboxMessage, Staff, StaffRole
from tests.support.database import appeal, notices, staff_id, worded
from tests.support.personas import CHEN, HEPING_RESIDENT, LI, LIU, OPERATOR, UNIT_NEIGHBOUR, WANG, ZHANG
from tests.support.races import dispatch_while_disabling, second_while_first_open
from tests.support.street import add_contractors
from tests.support.worker import TICKET, dispatch_filed, file_and_dispatch

pytestmark = pytest.mark.postgres


def test_a_grid_member_claims_reports_progress_and_resolves(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [
        (f"接单 {ticket}", f"接单成功：{ticket}"),
        (f"进展 {ticket[1:]} 已联系电梯维保公司，下午到", "已记录"),
        (f"办结 {ticket} 已更换电机，电梯恢复运行", "已办结"),
    ])
    done = appeal(seeded, ticket)
    assert done.status == AppealStatus.RESOLVED and done.resolution == "已更换电机，电梯恢复运行"
    assert notices(seeded, "resident_accepted") == ["o1"]
    assert notices(seeded, "resident_progress") == ["o1"]
    assert notices(seeded, "resident_resolved") == ["o1"]
    assert notices(seeded, "staff_taken") == [LI]  # the 网格长 oversees a 抢单 grid: no 已接单 (issue 10, §4)
    timeline = wechat.send("o1", f"查询 {ticket}")
    assert "状态：已办结" in timeline and "工作人员张伟已接单" in timeline and "办理进展" in timeline


def test_a_record_of_last_year_says_its_year_to_staff_too(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)  # 22 November 2026, 10:00 in Beijing
    clock.advance(days=365)
    wechat.send(ZHANG, f"接单 {ticket}")

    detail = wechat.send(ZHANG, f"查询 {ticket}")

    assert "2026年11月22日 10:00" in detail  # filed a year ago, not today
    assert "\n11月22日 10:00" in detail  # the 接单 of today goes without its year


def test_a_long_record_fits_one_reply_its_latest_lines_shown_and_the_earliest_counted(wechat, seeded, clock):
    # A burst merged into one appeal, or a long repair, gives it more lines than one reply (2048 bytes) holds.
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    for day in range(1, 17):
        clock.advance(hours=3)  # a long repair: a few notes a day (five an hour reach the resident)
        wechat.send(ZHANG, f"进展 {ticket} 第{day}次联系电梯维保公司，对方说配件还在路上，预计下周到货后上门更换电机")
    detail = wechat.send(ZHANG, f"查询 {ticket}")
    assert len(detail.encode()) <= 2048
    assert detail.startswith(f"诉求 {ticket}\n") and "第16次联系电梯维保公司" in detail
    assert re.search(rf"……（较早的 \d+ 条记录从略，回复“查询 {ticket} 2”查看）\n", detail) and "第1次联系" not in detail


def test_a_long_record_is_read_to_its_first_line_page_by_page(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    for day in range(1, 41):
        clock.advance(hours=3)  # a long repair: a few notes a day (five an hour reach the resident)
        wechat.send(ZHANG, f"进展 {ticket} 第{day}次联系电梯维保公司，对方说配件还在路上，预计下周到货后上门更换电机")
    latest = wechat.send(ZHANG, f"查询 {ticket}")
    earlier = wechat.send(ZHANG, f"查询 {ticket[1:]} 2")  # as 帮助 2: the page, a space after the ticket
    assert len(earlier.encode()) <= 2048 and earlier.startswith(f"诉求 {ticket}\n")
    assert "第40次" in latest and "第40次" not in earlier
    first_shown = min(int(n) for n in re.findall(r"第(\d+)次", latest))
    assert f"第{first_shown - 1}次联系" in earlier  # it ends where the latest page begins
    pages = [wechat.send(ZHANG, f"查询 {ticket} {page}") for page in range(3, 7)]
    assert any("接单" in page and "较早的" not in page for page in pages)  # the first lines, on the last page
    assert wechat.send(ZHANG, f"查询 {ticket} 9") == pages[-1]  # past the last page: the last one


def test_a_long_appeal_is_read_whole_its_text_following_the_reply_in_parts(wechat, seeded, clock):
    # A letter-length appeal (up to 1000 characters, 3 bytes each) cannot be one reply: WeChat would show nothing.
    words = "3号楼电梯从上周起反复停运，" + "老人上下楼十分困难，物业答复配件未到，" * 50
    assert 900 < len(words) <= 1000
    ticket = file_and_dispatch(wechat, seeded, clock, words)
    detail = wechat.send(ZHANG, f"查询 {ticket}")
    assert len(detail.encode()) <= 2048 and words[:100] in detail
    assert f"全文共 {len(words)} 字，随后分 2 条发给您" in detail
    parts = worded(seeded, "staff_appeal_text", ZHANG)
    assert [part.split("\n", 1)[0] for part in parts] == [f"【诉求全文 1/2】{ticket}", f"【诉求全文 2/2】{ticket}"]
    assert "".join(part.split("\n", 1)[1] for part in parts) == words
    assert all(len(part.encode()) <= 2048 for part in parts)
    # Asked again at once (their own task's 查询 is not a counted lookup): not queued again without end.
    again = wechat.send(ZHANG, f"查询 {ticket}")
    assert "10 分钟内已分 2 条发给您" in again and len(worded(seeded, "staff_appeal_text", ZHANG)) == 2
    clock.advance(minutes=10)  # a message lost or scrolled away: asked later, sent again
    assert "随后分 2 条发给您" in wechat.send(ZHANG, f"查询 {ticket}")
    assert len(worded(seeded, "staff_appeal_text", ZHANG)) == 4


def test_two_members_claiming_at_the_same_moment_exactly_one_wins(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    barrier = threading.Barrier(2)

    def claim(openid):
        barrier.wait()
        try:
            with seeded.transaction() as session:
                member = session.scalars(select(Staff).where(Staff.openid == openid)).one()
                tasks.claim(session, member, ticket, clock())
                return "won"
        except IllegalTransition:
            return "lost"

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(claim, [ZHANG, LI]))
    assert results == ["lost", "won"]
    winner = appeal(seeded, ticket).assignee_staff_id
    loser_openid = LI if winner == staff_id(seeded, ZHANG) else ZHANG
    assert "已被" in wechat.send(loser_openid, f"接单 {ticket}")


def test_claiming_ones_own_task_again_says_it_is_already_theirs_and_tells_nobody(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    again = wechat.send(ZHANG, f"接单 {ticket}。")
    assert again.startswith(f"诉求 {ticket} 您已经接单了") and "已被" not in again
    assert notices(seeded, "resident_accepted") == ["o1"]


def test_the_same_progress_sent_twice_reaches_the_resident_once(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    note = f"进展 {ticket}，已联系电梯维保公司，师傅下午三点到。"
    assert wechat.send(ZHANG, note) == f"已记录诉求 {ticket} 的进展，并通知居民。"
    clock.advance(minutes=2)  # the network stalled: the member sends it again
    again = wechat.send(ZHANG, note)
    assert again.startswith(f"诉求 {ticket} 的这条进展 ") and "没有重复记录和发送" in again
    assert notices(seeded, "resident_progress") == ["o1"]
    assert "已记录诉求" in wechat.send(ZHANG, f"进展 {ticket} 师傅到了，正在修")  # new words are a new step
    clock.advance(hours=2)
    assert "已记录诉求" in wechat.send(ZHANG, note)  # hours later the same words are news again
    assert notices(seeded, "resident_progress") == ["o1", "o1", "o1"]


def test_a_flood_of_progress_notes_reaches_the_resident_five_times_an_hour(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    for step in range(5):
        clock.advance(seconds=10)
        assert "已记录诉求" in wechat.send(ZHANG, f"进展 {ticket} 第{step + 1}步")
    refused = wechat.send(WANG, f"进展 {ticket} 第6步")  # whoever writes it: the resident is the one messaged
    assert refused == f"诉求 {ticket} 一小时内已给居民发了 5 条进展，这条没有保存，也没有发给居民。请把要说的合在一条里，稍后再发。"
    assert notices(seeded, "resident_progress") == ["o1"] * 5
    clock.advance(hours=1)
    assert "已记录诉求" in wechat.send(ZHANG, f"进展 {ticket} 第6步")
    assert notices(seeded, "resident_progress") == ["o1"] * 6


def test_the_same_progress_sent_twice_at_once_reaches_the_resident_once(wechat, seeded, clock):
    # A double tap, or the console form sent from two tabs: on PostgreSQL the second request read no earlier
    # 进展 (the first had not committed) and both reached the resident. The second now waits for the first.
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")

    def send(session):
        member = session.scalars(select(Staff).where(Staff.openid == ZHANG)).one()
        tasks.progress(session, member, ticket, "已联系电梯维保公司，师傅下午三点到", clock())

    assert second_while_first_open(seeded, send, send) == ("done", "Repeated")
    assert notices(seeded, "resident_progress") == ["o1"]


def test_a_member_claiming_as_they_are_disabled_does_not_keep_the_task(wechat, seeded, clock):
    # gridbot staff disable hands the member's tasks back, reading them before the 接单 committed (PostgreSQL): the
    # claim then left the task with someone who has left, whom nobody presses and who reads nothing more.
    ticket = file_and_dispatch(wechat, seeded, clock)

    def disable(session):
        roster.disable(session, staff.staff_by_openid(session, ZHANG), None, clock(), ())

    def claim(session):
        tasks.claim(session, staff.staff_by_openid(session, ZHANG), ticket, clock())

    assert second_while_first_open(seeded, disable, claim) == ("done", "NotAllowed")
    waiting = appeal(seeded, ticket)
    assert (waiting.status, waiting.assignee_staff_id) == (AppealStatus.DISPATCHED, None)


@pytest.mark.parametrize("first", ["dispatch", "disable"])
def test_a_member_disabled_while_a_task_is_dispatched_is_not_sent_its_card(wechat, seeded, clock, first):
    # PostgreSQL: the dispatch read the team before the disabling committed (or wrote the card after it had dropped
    # what waited for the member), and the leaver got the new task's words and address.
    ticket = TICKET.search(wechat.send("o1", "3号楼电梯坏了，物业一直不来修")).group(0)

    assert dispatch_while_disabling(seeded, ZHANG, clock, first) == ("done", "done")
    assert ZHANG not in notices(seeded, "staff_new_appeal", ticket) and LI in notices(seeded, "staff_new_appeal", ticket)


def test_resuming_said_as_hui_fu_ban_li_or_qu_xiao_gua_qi_resumes(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [
        (f"接单 {ticket}", "接单成功"),
        (f"挂起 {ticket} 等电梯配件", "已挂起"),
        (f"恢复办理 {ticket[-4:]}。", f"诉求 {ticket} 已恢复办理"),
        (f"挂起 {ticket} 配件又缺了一个", "已挂起"),
        (f"取消挂起 {ticket}", f"诉求 {ticket} 已恢复办理"),
    ])
    assert appeal(seeded, ticket).status == AppealStatus.ACCEPTED


def test_pausing_and_resuming_in_a_loop_reaches_the_resident_four_times_an_hour_and_still_changes_the_task(
        wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    for round_ in range(2):  # two rounds of waiting for a part: each told
        clock.advance(seconds=10)
        assert wechat.send(ZHANG, f"挂起 {ticket} 等配件{round_}").endswith(f"恢复时回复：恢复 {ticket}")
        clock.advance(seconds=10)
        assert wechat.send(ZHANG, f"恢复 {ticket}").endswith("。")
    clock.advance(seconds=10)
    paused = wechat.send(WANG, f"挂起 {ticket} 再等等")  # whoever makes it: the resident is the one messaged
    assert paused == (f"诉求 {ticket} 已挂起，办结时限暂停计时。恢复时回复：恢复 {ticket}\n"
                      "这件诉求一小时内已挂起或恢复 4 次，这次没有再通知居民和接单人（查询时看到的是当前状态）。")
    assert appeal(seeded, ticket).status == AppealStatus.PAUSED  # the change is made: the task can go on
    clock.advance(seconds=10)
    assert "这次没有再通知居民" in wechat.send(WANG, f"恢复 {ticket}")
    assert appeal(seeded, ticket).status == AppealStatus.ACCEPTED
    assert [len(notices(seeded, kind)) for kind in ("resident_paused", "resident_resumed")] == [2, 2]
    # …nor 张伟, who claimed it: a stolen leader's account toggling it would message him without end as well
    assert notices(seeded, "staff_paused_by_other", ticket) == notices(seeded, "staff_resumed_by_other", ticket) == []
    clock.advance(hours=1)
    assert "没有再通知居民" not in wechat.send(ZHANG, f"挂起 {ticket} 等配件")
    assert [len(notices(seeded, kind)) for kind in ("resident_paused", "resident_resumed")] == [3, 2]


def test_resuming_a_task_paused_past_its_deadline_says_it_is_late_not_extended_to_a_past_day(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    due = appeal(seeded, ticket).resolve_due_at
    clock.advance(days=10)  # the part never came: paused long after the deadline
    wechat.send(ZHANG, f"挂起 {ticket} 等配件")
    clock.advance(hours=1)  # paused an hour: the deadline moves an hour, still long gone
    resumed = wechat.send(ZHANG, f"恢复 {ticket}")
    assert resumed.startswith(f"诉求 {ticket} 已恢复办理。办结时限 {staff_texts.due_clock(due + timedelta(hours=1))} 已过（办结已超时7天）")
    assert "顺延" not in resumed and resumed.endswith(f"请尽快办结：办结 {ticket} 处理说明")


def test_resolving_pausing_or_resuming_twice_says_what_stands_not_that_it_failed(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [
        (f"接单 {ticket}", "接单成功"),
        (f"挂起 {ticket} 等电梯配件", "已挂起"),
        (f"挂起 {ticket} 等电梯配件。", f"诉求 {ticket} 已经挂起了，无需重复挂起。恢复时回复：恢复 {ticket}"),
        (f"恢复 {ticket}", "已恢复办理"),
        (f"恢复 {ticket}。", f"诉求 {ticket} 已在办理中，无需恢复。办结时回复：办结 {ticket} 处理说明"),
        (f"办结 {ticket} 已更换电机", "已办结"),
        (f"办结 {ticket} 已更换电机。", f"诉求 {ticket} 您已经办结了，无需重复办结，居民已收到办结通知。"),
    ])
    assert [len(notices(seeded, kind)) for kind in ("resident_paused", "resident_resumed", "resident_resolved")] == [
        1, 1, 1]
    other = file_and_dispatch(wechat, seeded, clock, "2号楼楼道灯坏了好几天")
    wechat.send(ZHANG, f"接单 {other}")
    wechat.send(WANG, f"办结 {other} 物业已换灯泡")  # the leader closed it while the member was on the way
    assert wechat.send(ZHANG, f"办结 {other} 已换灯泡") == f"诉求 {other} 已由 王强 办结，您无需再处理。"
    assert wechat.send(ZHANG, f"进展 {other} 已到楼下") == f"诉求 {other} 已由 王强 办结，您无需再处理。"
    assert notices(seeded, "resident_progress", other) == []


def test_closing_or_noting_a_task_nobody_claimed_yet_says_to_claim_it_first(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    for said in (f"办结 {ticket} 已修好", f"进展 {ticket} 已去现场", f"挂起 {ticket} 等配件"):
        assert f"请先回复“接单 {ticket}”" in wechat.send(ZHANG, said), said
    assert appeal(seeded, ticket).status == AppealStatus.DISPATCHED
    assert notices(seeded, "resident_resolved") == []


def test_returning_a_task_twice_says_it_is_back_with_the_community_not_that_it_is_someone_elses(
        wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert "已退回社区" in wechat.send(ZHANG, f"退回 {ticket} 不是本网格的事")
    again = wechat.send(ZHANG, f"退回 {ticket} 不是本网格的事")
    assert again == f"诉求 {ticket} 当前状态为“已退回社区”，不能退回。"
    assert "当前状态为“已退回社区”" in wechat.send(LI, f"办结 {ticket} 已修好")
    assert len(notices(seeded, "staff_returned")) == 1


def test_a_member_of_another_grid_is_refused_like_for_a_ticket_that_does_not_exist(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    missing = "G2611229999"
    assert wechat.send(LIU, f"接单 {ticket}") == wechat.send(LIU, f"接单 {missing}").replace(missing, ticket)
    assert appeal(seeded, ticket).status == AppealStatus.DISPATCHED


def test_a_resident_typing_a_staff_command_is_told_it_is_not_theirs(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert "工作人员专用" in wechat.send("o2", f"接单 {ticket}")
    assert appeal(seeded, ticket).status == AppealStatus.DISPATCHED


def test_only_the_assignee_or_the_grid_leader_may_work_the_task(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    assert wechat.send(LI, f"进展 {ticket} 我也去看看") == (
        f"诉求 {ticket} 不是您负责的任务，现由 张伟 负责（只有接单人或本网格网格长可以操作）。")
    assert "已记录" in wechat.send(WANG, f"进展 {ticket} 网格长已督办")


def test_a_grid_leader_closing_a_members_task_tells_the_member_who_need_not_go(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    assert "已办结" in wechat.send(WANG, f"办结 {ticket} 物业已修好，我已到现场核实")
    assert notices(seeded, "staff_resolved_by_other", ticket) == [ZHANG]
    assert worded(seeded, "staff_resolved_by_other", ZHANG) == [
        f"【已办结】{ticket} 已由王强办结：物业已修好，我已到现场核实。您无需再处理。"]
    other = file_and_dispatch(wechat, seeded, clock, "2号楼楼道灯坏了好几天")
    wechat.send(ZHANG, f"接单 {other}")
    wechat.send(ZHANG, f"办结 {other} 已换灯泡")  # their own: nobody else to tell
    assert notices(seeded, "staff_resolved_by_other", other) == []


def test_a_grid_leaders_progress_note_on_a_members_task_reaches_the_member_too(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    assert "已记录" in wechat.send(WANG, f"进展 {ticket} 已督促物业，明天上午来修")
    assert notices(seeded, "resident_progress", ticket) == ["o1"]
    assert worded(seeded, "staff_progress_by_other", ZHANG) == [f"【新进展】{ticket} 王强已告知居民：已督促物业，明天上午来修。"]
    wechat.send(ZHANG, f"进展 {ticket} 师傅到了")  # their own: nobody else to tell
    assert notices(seeded, "staff_progress_by_other", ticket) == [ZHANG]


def test_a_grid_leader_pausing_or_resuming_a_members_task_tells_the_member(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    assert "已挂起" in wechat.send(WANG, f"挂起 {ticket} 等物业报价。")
    assert worded(seeded, "staff_paused_by_other", ZHANG) == [
        f"【已挂起】{ticket} 已由王强挂起：等物业报价。办结时限暂停计时；恢复办理时回复“恢复 {ticket}”。"]
    clock.advance(hours=5)
    assert "已恢复办理" in wechat.send(WANG, f"恢复 {ticket}")
    assert worded(seeded, "staff_resumed_by_other", ZHANG) == [
        f"【已恢复】{ticket} 已由王强恢复办理，办结时限顺延至 11月25日 15:00。办好后回复“办结 {ticket} 说明”。"]
    wechat.dialog(ZHANG, [(f"挂起 {ticket} 等配件", "已挂起"), (f"恢复 {ticket}", "已恢复办理")])  # their own
    assert notices(seeded, "staff_paused_by_other", ticket) == notices(seeded, "staff_resumed_by_other", ticket) == [
        ZHANG]


def test_pausing_stops_the_clock_and_resuming_moves_the_deadline(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    due = appeal(seeded, ticket).resolve_due_at
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"挂起 {ticket} 等电梯配件", "已挂起")])
    clock.advance(hours=5)
    # The parts came and the member goes straight to 办结: told the way on, not only that the task is paused.
    assert wechat.send(ZHANG, f"办结 {ticket} 已修好") == (
        f"诉求 {ticket} 已挂起，不能办结。请先回复“恢复 {ticket}”，再办结。")
    # Or it turned out to be another unit's: not only 当前状态为“已挂起”，不能转办 either.
    assert wechat.send(ZHANG, f"转办 {ticket} 物业") == (
        f"诉求 {ticket} 已挂起，不能转办。请先回复“恢复 {ticket}”，再转办。")
    assert wechat.send(ZHANG, f"退回 {ticket} 不归本网格") == (
        f"诉求 {ticket} 已挂起，不能退回。请先回复“恢复 {ticket}”，再退回。")
    # The deadline moved from 11月25日 10:00: the member is told to when.
    assert wechat.send(ZHANG, f"恢复 {ticket}") == f"诉求 {ticket} 已恢复办理，办结时限顺延至 11月25日 15:00。"
    resumed = appeal(seeded, ticket)
    assert resumed.status == AppealStatus.ACCEPTED and resumed.resolve_due_at == due + timedelta(hours=5)


def test_resuming_a_task_nobody_has_claimed_says_to_claim_it_not_that_it_is_someone_elses(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)

    assert wechat.send(ZHANG, f"恢复 {ticket}") == staff_texts.RESUME_UNCLAIMED.format(ticket=ticket)
    assert "不是您负责的任务" not in wechat.send(LI, f"恢复 {ticket}")
    assert appeal(seeded, ticket).status == AppealStatus.DISPATCHED


def test_a_transfer_hands_the_task_to_a_department_whose_staff_claim_it(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_chengguan", name="赵队长", role=StaffRole.DEPARTMENT, department="城管执法中队",
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock, "小区门口有人占道经营，摆摊堵路")
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"转办 {ticket} 城管执法中队", "已转办给 城管执法中队")])
    assert notices(seeded, "resident_transferred") == ["o1"]
    assert "dept_chengguan" in notices(seeded, "staff_new_appeal")
    (card,) = worded(seeded, "staff_new_appeal", "dept_chengguan")
    assert "本网格" not in card and card.endswith(f"接单后回复“退回 {ticket} 原因”，由社区重新派发。")
    (grid_card,) = worded(seeded, "staff_new_appeal", ZHANG)
    assert grid_card.endswith(f"不属于本网格请回复“退回 {ticket} 原因”。")
    assert wechat.send(LI, f"接单 {ticket}").startswith(f"诉求 {ticket} 已转给其他部门（城管执法中队）办理，不能由您接单")
    # The resident reads who has it now, not a grid member.
    assert "状态：已转交相关部门\n" in wechat.send("o1", f"查询 {ticket}")
    assert f"{ticket}｜综合执法｜已转交相关部门｜" in wechat.send("o1", "我的诉求")
    assert "接单成功" in wechat.send("dept_chengguan", f"接单 {ticket}")


def test_a_transfer_sent_twice_or_followed_by_a_note_says_where_the_task_went(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_chengguan", name="赵队长", role=StaffRole.DEPARTMENT, department="城管执法中队",
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock, "小区门口有人占道经营，摆摊堵路")
    wechat.send(ZHANG, f"接单 {ticket}")
    said = f"转办 {ticket} 城管执法中队"
    assert "已转办给 城管执法中队" in wechat.send(ZHANG, said)
    gone = f"诉求 {ticket} 已转办给 城管执法中队，由对方接单办理，您无需再处理。"
    assert wechat.send(ZHANG, said) == gone  # the network stalled: not "不是您负责的任务"
    assert wechat.send(ZHANG, f"进展 {ticket} 已告知城管") == gone
    assert notices(seeded, "resident_transferred") == ["o1"]
    assert "不是您负责的任务" in wechat.send(LI, f"进展 {ticket} 我也去看看")  # she never had it
    unclaimed = file_and_dispatch(wechat, seeded, clock, "小区北门有人占道卖菜")
    wechat.send(ZHANG, f"转办 {unclaimed} 城管执法中队")  # straight from the card, never claimed
    assert wechat.send(ZHANG, f"转办 {unclaimed} 城管执法中队") == gone.replace(ticket, unclaimed)


def test_a_transfer_to_the_unit_a_task_already_waits_with_sends_nothing_again(wechat, seeded, clock):
    # Routed to 综合执法中队 by its category, the 网格长's 转办 to it sent the resident 已转交 and the officers the
    # same card a second time, and reset its response clock.
    with seeded.transaction() as session:
        add_contractors(session, clock())  # 周队长 of 综合执法中队
    ticket = file_and_dispatch(wechat, seeded, clock, "小区门口有人占道经营摆摊，堵住了消防通道")
    routed = appeal(seeded, ticket)
    assert routed.department == "综合执法中队"
    clock.advance(minutes=30)

    reply = wechat.send(WANG, f"转办 {ticket} 综合执法中队")

    assert reply == f"诉求 {ticket} 已转给 综合执法中队，正等对方接单，不用再转办；对方已收到任务卡。"
    assert notices(seeded, "resident_transferred") == [] and notices(seeded, "staff_new_appeal", ticket).count(
        "dept_zhifa") == 1
    assert appeal(seeded, ticket).response_due_at == routed.response_due_at
    assert "接单成功" in wechat.send("dept_zhifa", f"接单 {ticket}")


def test_a_transferred_task_the_department_gave_back_is_not_said_to_be_with_the_department(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_chengguan", name="赵队长", role=StaffRole.DEPARTMENT, department="城管执法中队",
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock, "小区门口有人占道经营，摆摊堵路")
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(ZHANG, f"转办 {ticket} 城管执法中队")
    wechat.dialog("dept_chengguan", [(f"接单 {ticket}", "接单成功"), (f"退回 {ticket} 不归我们管", "已退回社区")])
    # The operator reads which unit gave it back and the command that routes it again.
    assert worded(seeded, "staff_returned", OPERATOR) == [
        f"【诉求退回】{ticket}\n退回人：赵队长（城管执法中队）\n原因：不归我们管\n"
        f"请重新分派：回复“改派 {ticket} 网格或姓名”，归部门或物业办理的回复“转办 {ticket} 部门”；"
        f"回复“查询 {ticket}”查看详情。"]
    # Not 由对方接单办理: the department gave it back, the community has it now.
    assert wechat.send(ZHANG, f"进展 {ticket} 已告知城管") == (
        f"诉求 {ticket} 已转办给 城管执法中队，对方已退回社区，由社区重新派发，您无需再处理。")


def test_the_grids_property_company_claims_only_what_was_transferred_to_it(wechat, seeded, clock):
    with seeded.transaction() as session:
        grid = staff.find_grid(session, "幸福里社区·第一网格")
        session.add(Staff(openid="prop_1", name="物业钱经理", role=StaffRole.PROPERTY, department="阳光物业公司",
                          grid_id=grid.id, community_id=grid.community_id, active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock)
    # It is their own grid's appeal (they may read it): not "不属于您的网格", but whose it is and what comes next.
    assert wechat.send("prop_1", f"接单 {ticket}") == staff_texts.NOT_ALLOWED["not_transferred_to_you"].format(
        ticket=ticket)
    wechat.dialog(ZHANG, [(f"转办 {ticket} 阳光物业", "已转办给 阳光物业公司")])
    assert "接单成功" in wechat.send("prop_1", f"接单 {ticket}")


def test_a_claimed_task_the_grid_leader_transfers_away_is_told_to_its_holder(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="prop_1", name="物业钱经理", role=StaffRole.PROPERTY, department="阳光物业公司",
                          active=True, created_at=clock()))
        session.add(Staff(openid="dept_zhifa", name="周队长", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"转办 {ticket} 阳光物业", "已转办")])
    wechat.dialog("prop_1", [(f"接单 {ticket}", "接单成功")])
    wechat.dialog(WANG, [(f"转办 {ticket} 综合执法中队", "已转办给 综合执法中队")])
    assert worded(seeded, "staff_transferred_away", "prop_1") == [
        f"【已转办】{ticket} 已由王强转办给 综合执法中队，由对方接单办理，您无需再处理。"]
    assert notices(seeded, "staff_transferred_away") == ["prop_1"]  # not the leader who did it, nor ZHANG
    # Their own 转办 tells nobody that it moved: they did it.
    wechat.dialog("dept_zhifa", [(f"接单 {ticket}", "接单成功"), (f"转办 {ticket} 阳光物业", "已转办")])
    assert notices(seeded, "staff_transferred_away") == ["prop_1"]


def test_a_property_clerk_transferring_a_task_to_their_own_company_is_told_it_is_theirs_already(
        wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="prop_1", name="物业钱经理", role=StaffRole.PROPERTY, department="阳光物业公司",
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"转办 {ticket} 阳光物业", "已转办")])
    wechat.dialog("prop_1", [(f"接单 {ticket}", "接单成功")])
    assert wechat.send("prop_1", f"转办 {ticket} 物业") == staff_texts.NOT_ALLOWED["own_department"].format(
        ticket=ticket)
    kept = appeal(seeded, ticket)
    assert kept.status == AppealStatus.ACCEPTED and kept.assignee_staff_id == staff_id(seeded, "prop_1")
    assert "已记录" in wechat.send("prop_1", f"进展 {ticket} 已联系维保")  # still theirs, not "您无需再处理"


def test_a_transfer_to_an_unknown_department_lists_the_known_ones(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="prop_1", name="物业钱经理", role=StaffRole.PROPERTY, department="阳光物业",
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    assert "可转办的部门：阳光物业" in wechat.send(ZHANG, f"转办 {ticket} 不存在的局")


def test_a_transfer_names_a_department_by_a_part_of_its_name_when_only_one_has_it(wechat, seeded, clock):
    with seeded.transaction() as session:
        for openid, department in (("prop_1", "阳光物业服务有限公司"), ("prop_2", "锦绣物业"), ("dept_1", "城管执法中队")):
            session.add(Staff(openid=openid, name="经办人", role=StaffRole.PROPERTY, department=department,
                              active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    assert wechat.send(ZHANG, f"转办 {ticket} 物业") == staff_texts.NOT_ALLOWED["ambiguous_department"].format(
        department="物业", departments="、".join(sorted(("阳光物业服务有限公司", "锦绣物业"))))  # not 城管执法中队
    assert appeal(seeded, ticket).department is None
    assert "已转办给 阳光物业服务有限公司" in wechat.send(ZHANG, f"转办 {ticket} 阳光物业")
    assert appeal(seeded, ticket).department == "阳光物业服务有限公司"
    assert notices(seeded, "staff_new_appeal", ticket)[-1] == "prop_1"


def test_a_transfer_said_with_gei_before_the_department_is_taken(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="prop_1", name="物业钱经理", role=StaffRole.PROPERTY, department="阳光物业公司",
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    assert "已转办给 阳光物业公司" in wechat.send(ZHANG, f"转办 {ticket} 给物业。")
    assert appeal(seeded, ticket).department == "阳光物业公司"


def test_returning_a_task_sends_it_to_the_community_operators(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert "已退回社区" in wechat.send(ZHANG, f"退回 {ticket} 这是隔壁小区的事")
    assert appeal(seeded, ticket).status == AppealStatus.RETURNED
    assert notices(seeded, "staff_returned") == [OPERATOR]


def test_a_grid_leader_giving_back_a_members_claimed_task_tells_the_member(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    assert "已退回社区" in wechat.send(WANG, f"退回 {ticket} 这是隔壁小区的事")
    assert worded(seeded, "staff_returned_by_other", ZHANG) == [
        f"【已退回】{ticket} 已由王强退回社区重新派发：这是隔壁小区的事。您无需再处理。"]
    other = file_and_dispatch(wechat, seeded, clock, "2号楼楼道灯坏了好几天")
    wechat.send(ZHANG, f"接单 {other}")
    wechat.send(ZHANG, f"退回 {other} 不归本网格")  # their own: nobody else to tell
    assert notices(seeded, "staff_returned_by_other", other) == []


def test_a_task_returned_in_a_community_without_an_operator_goes_to_the_streets(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="street_zhou", name="周主任", role=StaffRole.OPERATOR, community_id=None,
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock, "楼道灯坏了，晚上看不见", openid=HEPING_RESIDENT)
    assert "已退回社区" in wechat.send(CHEN, f"退回 {ticket} 这是隔壁小区的事")  # 和平社区 has no operator bound
    assert notices(seeded, "staff_returned", ticket) == ["street_zhou"]  # not nobody told


def test_what_a_resident_adds_to_a_task_returned_to_the_street_reaches_its_operator_not_nobody(wechat, seeded,
                                                                                                clock):
    # The 退回 went to the street's operator (no community operator bound), her 补充 and 催办 to nobody.
    with seeded.transaction() as session:
        session.add(Staff(openid="street_zhou", name="周主任", role=StaffRole.OPERATOR, community_id=None,
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock, "楼道灯坏了，晚上看不见", openid=HEPING_RESIDENT)
    wechat.send(CHEN, f"退回 {ticket} 这是隔壁小区的事")
    said = wechat.send(HEPING_RESIDENT, f"补充 {ticket} 灯在2单元门口")
    clock.advance(minutes=10)  # past the new card (chasing.JUST_FILED): a 催办 now goes to its holders
    wechat.send(HEPING_RESIDENT, f"催办 {ticket}")
    assert notices(seeded, "staff_words_added", ticket) == ["street_zhou"]
    assert notices(seeded, "staff_chased", ticket) == ["street_zhou"]
    assert said.startswith("已把您补充的情况转告") and "街道的工作人员" in said


def test_my_tasks_lists_what_i_work_on_and_what_waits_the_soonest_due_first(wechat, seeded, clock):
    first = file_and_dispatch(wechat, seeded, clock)
    second = file_and_dispatch(wechat, seeded, clock, "2号楼楼道灯坏了好几天")
    wechat.send(ZHANG, f"接单 {first}")
    reply = wechat.send(ZHANG, "我的任务")
    # The waiting one must be claimed within hours, the claimed one resolved within days.
    assert reply.index(second) < reply.index(first) and "办理中" in reply and "待接单" in reply
    assert "没有待办任务" in wechat.send(LIU, "任务")


def test_an_emergency_heads_my_tasks_even_above_tasks_overdue_for_days(wechat, seeded, clock):
    late = file_and_dispatch(wechat, seeded, clock, "2号楼楼道灯坏了好几天")
    wechat.send(ZHANG, f"接单 {late}")
    clock.advance(days=10)  # long overdue
    emergency = file_and_dispatch(wechat, seeded, clock, "楼道里着火了，全是烟", openid="o5")
    listed = wechat.send(ZHANG, "我的任务")
    assert listed.index(emergency) < listed.index(late) and listed.index("1.") < listed.index(emergency)


def test_an_emergency_cannot_be_paused_the_member_is_told_to_keep_at_it_or_transfer_it(wechat, seeded, clock):
    emergency = file_and_dispatch(wechat, seeded, clock, "楼道里着火了，全是烟")
    wechat.send(ZHANG, f"接单 {emergency}")
    refused = wechat.send(ZHANG, f"挂起 {emergency} 等消防队")
    assert refused.startswith(f"诉求 {emergency} 是紧急诉求，不能挂起") and f"转办 {emergency}" in refused
    assert "不能挂起" in wechat.send(WANG, f"挂起 {emergency} 等消防队")  # nor by the 网格长
    assert appeal(seeded, emergency).status == AppealStatus.ACCEPTED and notices(seeded, "resident_paused") == []


def test_leave_for_tomorrow_starts_tomorrow_and_leave_through_tomorrow_starts_now(wechat, seeded, clock):
    assert wechat.send(ZHANG, "我明天请假").startswith("已登记请假：11月23日起至 11月23日（含）")
    with seeded.transaction() as session:
        assert duty.duty_of(session.scalars(select(Staff).where(Staff.openid == ZHANG)).one(), clock()).on_duty
    assert wechat.send(ZHANG, "请假 明天").startswith("已登记请假：11月23日起至 11月23日（含）")
    assert wechat.send(ZHANG, "请假 到 明天").startswith("已登记请假，至 11月23日（含）")
    assert wechat.send(ZHANG, "请假 两天").startswith("已登记请假，至 11月23日（含）")


def test_the_same_leave_typed_twice_is_taken_both_times_and_the_grid_leader_told_once(wechat, seeded, clock):
    # The second 请假 到 明天 was refused as "系统有点忙" every time: its notice to the 网格长 was written twice.
    lamp = file_and_dispatch(wechat, seeded, clock, "2号楼楼道灯坏了好几天")
    wechat.send(ZHANG, f"接单 {lamp}")
    assert wechat.send(ZHANG, "请假 到 明天").startswith("已登记请假，至 11月23日（含）")
    assert wechat.send(ZHANG, "请假 到 明天").startswith("已登记请假，至 11月23日（含）")
    assert notices(seeded, "staff_member_on_leave") == [WANG]


def test_pause_said_alone_never_offers_an_emergency(wechat, seeded, clock):
    emergency = file_and_dispatch(wechat, seeded, clock, "楼道里着火了，全是烟")
    wechat.send(ZHANG, f"接单 {emergency}")
    assert wechat.send(ZHANG, "挂起").startswith("您办理中的任务都是紧急诉求，紧急诉求不能挂起")
    lamp = file_and_dispatch(wechat, seeded, clock, "2号楼楼道灯坏了好几天", openid="o5")
    wechat.send(ZHANG, f"接单 {lamp}")
    alone = wechat.send(ZHANG, "挂起")
    assert lamp in alone and emergency not in alone


def test_staff_get_their_own_help_and_a_hint_for_free_text(wechat, seeded):
    help_text = wechat.send(ZHANG, "帮助")
    assert "接单 编号" in help_text and "我的诉求" not in help_text
    assert "接单" not in wechat.send("o1", "帮助")
    assert "工作人员请使用指令" in wechat.send(ZHANG, "今天巡查了三栋楼")
    assert "例如：我的任务（查看待办" in wechat.send(ZHANG, "我的任务有哪些")  # asked in his own words


@pytest.mark.parametrize("said", ["收到", "好的", "收到，谢谢", "[强]"])
def test_staff_acknowledging_a_notice_are_answered_briefly_not_with_every_command(wechat, seeded, said):
    # 收到 to each card or 督办 was answered with the whole command list.
    assert wechat.send(ZHANG, said) == "好的。需要办理时回复“我的任务”查看待办。"


def test_a_command_without_its_words_shows_the_format(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert wechat.send(ZHANG, f"进展 {ticket}") == f"还需要写上说明，请按这个格式发送：进展 {ticket} 说明"
    # Voice ends the number with 。 and stops: the line to send comes back with the ticket in it.
    assert wechat.send(ZHANG, f"办结 {ticket[1:]}。") == f"还需要写上说明，请按这个格式发送：办结 {ticket} 说明"
    assert wechat.send(ZHANG, f"退回 {ticket}") == f"还需要写上原因，请按这个格式发送：退回 {ticket} 原因"
    assert "进展 编号 说明" in wechat.send(ZHANG, "进展")
    # Not 办结 (结): a resident's question, and since issue 10 a chase-up of the open appeal, not a new one.
    assert f"您的诉求 {ticket}（物业服务）当前状态" in wechat.send("o1", "结果怎么样了，电梯还是坏的")


def resolve_for_o1(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已修好", "已办结")])
    return ticket


def test_a_satisfied_rating_closes_the_appeal(wechat, seeded, clock):
    ticket = resolve_for_o1(wechat, seeded, clock)
    assert "感谢您的评价" in wechat.send("o1", "1")
    closed = appeal(seeded, ticket)
    assert closed.status == AppealStatus.CLOSED and closed.rating == "satisfied"
    assert "已受理您的诉求" in wechat.send("o1", "1号楼门口的路灯也坏了")  # the question is answered: "1…" is news


def test_an_unsatisfied_rating_reopens_it_and_the_grid_leader_calls_back(wechat, seeded, clock):
    ticket = resolve_for_o1(wechat, seeded, clock)
    assert "已重新打开" in wechat.send("o1", "不满意")
    reopened = appeal(seeded, ticket)
    assert reopened.status == AppealStatus.ACCEPTED and reopened.rating == "unsatisfied"
    assert notices(seeded, "staff_reopened") == [WANG, ZHANG]
    assert "已办结" in wechat.send(ZHANG, f"办结 {ticket} 重新调试了一遍")
    assert "感谢您的评价" in wechat.send("o1", "2")
    assert appeal(seeded, ticket).rating == "basic"


def test_the_resolved_notice_says_how_long_the_rating_question_lasts(wechat, seeded, clock):
    resolve_for_o1(wechat, seeded, clock)
    [notice] = worded(seeded, "resident_resolved", "o1")
    assert "请您在 3 天内对本次办理进行评价：回复 1 满意 / 2 基本满意 / 3 不满意" in notice


def test_no_answer_in_three_days_stays_unrated(wechat, seeded, clock):
    ticket = resolve_for_o1(wechat, seeded, clock)
    clock.advance(days=3, minutes=1)
    assert "已受理您的诉求" in wechat.send("o1", "3号楼的垃圾桶满了没人清")
    unrated = appeal(seeded, ticket)
    assert unrated.status == AppealStatus.RESOLVED and unrated.rating is None


@pytest.mark.parametrize("answer", ["1", "满意。", "3"])
def test_a_rating_after_the_three_days_is_told_the_rating_closed_and_how_to_go_on(wechat, seeded, clock, answer):
    ticket = resolve_for_o1(wechat, seeded, clock)
    clock.advance(days=3, minutes=1)
    reply = wechat.send("o1", answer)
    assert reply.startswith(f"诉求 {ticket} 办结已超过 3 天，评价已经截止")
    assert "如问题仍未解决，请直接描述问题" in reply and f"查询 {ticket}" in reply
    unrated = appeal(seeded, ticket)
    assert unrated.status == AppealStatus.RESOLVED and unrated.rating is None


def test_an_appeal_resolved_while_the_resident_picks_an_address_leaves_the_menu_and_is_rated_after(
        wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    assert "2. 和平社区" in wechat.send("o1", "绑定")  # o1 moves house: the community menu is open
    wechat.send(ZHANG, f"办结 {ticket} 已修好")
    assert "感谢您的评价" not in wechat.send("o1", "2")  # 和平社区, not 2 基本满意
    assert appeal(seeded, ticket).rating is None
    assert "已退出地址绑定" in wechat.send("o1", "取消")
    assert "感谢您的评价" in wechat.send("o1", "1")  # the rating the 办结 notice asked for, once the menu is gone
    assert appeal(seeded, ticket).rating == "satisfied"


def test_a_bare_number_with_no_rating_ever_asked_still_asks_for_the_problem(wechat, seeded, clock):
    ticket = resolve_for_o1(wechat, seeded, clock)
    assert "感谢您的评价" in wechat.send("o1", "1")
    clock.advance(days=4)
    assert "请再具体描述" in wechat.send("o1", "1")  # its latest 办结 was rated: nothing to say about a rating
    assert appeal(seeded, ticket).rating == "satisfied"


def test_a_resident_adding_words_to_a_returned_appeal_hears_the_community_has_them_not_the_handler(wechat, seeded,
                                                                                                    clock):
    # She was told 已把您补充的情况转告诉求 … 的办理人 while nobody handled it: it waited for the community's 改派.
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"退回 {ticket} 不是本网格的事", "已退回社区")])
    said = wechat.send("o1", f"补充 {ticket} 塌陷的地方在3号楼东侧")
    assert said == (f"已把您补充的情况转告幸福里社区的工作人员，他们正在为诉求 {ticket} 另行安排办理人员，"
                    "办理人也能看到您补充的情况。")


def test_words_a_resident_adds_to_a_returned_appeal_ask_the_operator_to_route_it_again_not_to_claim_it(
        wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"退回 {ticket} 不是本网格的事", "已退回社区")])
    wechat.send("o1", f"补充 {ticket} 塌陷的地方在3号楼东侧")
    clock.advance(hours=2)
    wechat.send("o1", f"催办 {ticket}")
    for template in ("staff_words_added", "staff_chased"):
        (told,) = worded(seeded, template, OPERATOR)
        assert told.endswith(f"网格已退回，等待重新派发：请尽快回复“改派 {ticket} 网格或姓名”或“转办 {ticket} 部门”。")
        assert f"接单 {ticket}" not in told


def test_a_resident_told_who_handles_their_appeal_hears_when_that_member_gives_it_back(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"退回 {ticket} 这是城管的事，不归网格", "已退回社区")])
    (told,) = worded(seeded, "resident_transferred", "o1")
    assert told.startswith(f"您的诉求 {ticket} 将由 幸福里社区 另行安排工作人员办理")
    assert "城管" not in told  # the reason is the office's, not the resident's
    unclaimed = file_and_dispatch(wechat, seeded, clock, "2号楼楼道灯不亮")
    wechat.send(ZHANG, f"退回 {unclaimed} 不是本网格的")
    assert len(worded(seeded, "resident_transferred", "o1")) == 1  # no handler was named: nothing to correct


def test_a_member_who_tried_to_claim_a_second_late_is_told_once_who_has_it(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert wechat.send(LI, f"接单 {ticket}").startswith("接单成功")
    assert ZHANG in notices(seeded, "staff_taken", ticket)
    assert wechat.send(ZHANG, f"接单 {ticket}") == f"诉求 {ticket} 已被 李娜 接单。"
    assert ZHANG not in notices(seeded, "staff_taken", ticket)  # not the same news again a second later


def test_a_card_given_back_unclaimed_tells_the_colleagues_who_had_it_not_to_go(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert "已退回社区" in wechat.send(ZHANG, f"退回 {ticket} 这是城管的事")
    assert worded(seeded, "staff_returned_by_other", LI) == [
        f"【已退回】{ticket} 已由张伟退回社区重新派发：这是城管的事。您无需再处理。"]
    assert ZHANG not in notices(seeded, "staff_returned_by_other") and OPERATOR in notices(seeded, "staff_returned")
    assert OPERATOR not in notices(seeded, "staff_returned_by_other")


def test_a_photo_right_after_resolving_joins_the_result(wechat, seeded, clock):
    ticket = resolve_for_o1(wechat, seeded, clock)
    assert f"照片已附到诉求 {ticket}" in wechat.deliver(wechat.server.image(ZHANG, create_time=wechat.now()))
    clock.advance(minutes=31)
    assert "发送“办结 编号 说明”，会附到办结结果" in wechat.deliver(wechat.server.image(ZHANG, create_time=wechat.now()))


def test_in_assign_mode_only_the_assigned_member_sees_and_claims_the_task(wechat, seeded, clock):
    from storage.models import DispatchMode, Grid

    with seeded.transaction() as session:
        for grid in session.scalars(select(Grid)).all():
            grid.dispatch_mode = DispatchMode.ASSIGN
    ticket = file_and_dispatch(wechat, seeded, clock)
    assigned = appeal(seeded, ticket).assignee_staff_id
    chosen, other = (ZHANG, LI) if assigned == staff_id(seeded, ZHANG) else (LI, ZHANG)
    assert ticket not in wechat.send(other, "我的任务")
    assert "已派给其他网格员" in wechat.send(other, f"接单 {ticket}")
    assert "不是您负责的任务" in wechat.send(other, f"退回 {ticket} 不归我管")
    assert ticket in wechat.send(chosen, "我的任务")
    assert "接单成功" in wechat.send(chosen, f"接单 {ticket}")


def test_a_category_routed_to_a_department_goes_straight_to_its_staff(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_zhifa", name="周队长", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock, "小区门口有人占道经营，天天摆摊堵路")
    routed = appeal(seeded, ticket)
    assert routed.category == "综合执法" and routed.department == "综合执法中队"
    assert notices(seeded, "staff_new_appeal") == ["dept_zhifa"]
    assert "已转给其他部门" in wechat.send(ZHANG, f"接单 {ticket}")
    (card,) = worded(seeded, "staff_new_appeal", "dept_zhifa")
    assert "本网格" not in card
    assert f"回复“接单 {ticket}”接下任务，办理中回复“进展 {ticket} 说明”，办完回复“办结 {ticket} 说明”" in card
    # The card says 退回 comes after claiming: sent first, the reply says so, not 不是您负责的任务.
    for said, action in ((f"退回 {ticket} 不归执法中队管", "退回"), (f"转办 {ticket} 物业", "转办")):
        assert wechat.send("dept_zhifa", said) == staff_texts.CLAIM_FIRST.format(ticket=ticket, action=action)
    assert "接单成功" in wechat.send("dept_zhifa", f"接单 {ticket}")
    # What the card says a department does with a task that is not theirs works as said.
    assert "已退回社区" in wechat.send("dept_zhifa", f"退回 {ticket} 不归执法中队管")
    assert appeal(seeded, ticket).status == AppealStatus.RETURNED


def test_a_resident_whose_category_goes_to_a_department_is_not_promised_a_grid_member(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_zhifa", name="周队长", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          active=True, created_at=clock()))
    received = wechat.send("o1", "小区门口有人占道经营，天天摆摊堵路")
    assert "接下来：工作人员会尽快联系您" in received and "网格员会尽快联系您" not in received
    assert "接下来：网格员会尽快联系您" in wechat.send("o1", "3号楼电梯坏了，物业一直不来修")


def test_a_resident_whose_category_went_to_a_department_reads_in_查询_that_it_went_there_not_to_a_grid_member(
        wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_zhifa", name="周队长", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock, "小区门口有人占道经营，天天摆摊堵路")
    wechat.dialog("dept_zhifa", [(f"接单 {ticket}", "接单成功")])

    detail = wechat.send("o1", f"查询 {ticket}")

    assert "转交相关部门办理：综合执法中队" in detail and "已转交网格员办理" not in detail


def test_a_department_officer_acting_on_what_a_colleague_claimed_is_told_the_colleague_has_it_not_of_a_grid_leader(
        wechat, seeded, clock):
    with seeded.transaction() as session:
        for openid, name in (("dept_zhou", "周队长"), ("dept_feng", "冯军")):
            session.add(Staff(openid=openid, name=name, role=StaffRole.DEPARTMENT, department="综合执法中队",
                              active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock, "小区门口有人占道经营，天天摆摊堵路")
    wechat.dialog("dept_zhou", [(f"接单 {ticket}", "接单成功")])

    said = wechat.send("dept_feng", f"进展 {ticket} 已到现场")

    assert said == staff_texts.HELD_BY_COLLEAGUE.format(ticket=ticket, name="周队长")
    assert "网格长" not in said


def test_a_resident_hears_which_department_the_officer_who_claimed_their_appeal_works_for(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_zhifa", name="周队长", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock, "小区门口有人占道经营，天天摆摊堵路")
    wechat.dialog("dept_zhifa", [(f"接单 {ticket}", "接单成功")])
    other = file_and_dispatch(wechat, seeded, clock, "3号楼电梯坏了，物业一直不来修")
    wechat.dialog(ZHANG, [(f"接单 {other}", "接单成功")])

    told = worded(seeded, "resident_accepted", "o1")

    assert "办理人：周队长（综合执法中队）" in told[0]
    assert "办理人：张伟\n" in told[1]  # a grid member is the grid's, as ever


def test_a_department_nobody_has_bound_yet_leaves_the_task_with_the_grid(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, "小区门口有人占道经营，天天摆摊堵路")
    assert appeal(seeded, ticket).department is None
    assert notices(seeded, "staff_new_appeal") == sorted([ZHANG, LI, WANG])


def test_a_problem_found_on_patrol_becomes_a_dispatched_appeal_of_the_grid(wechat, seeded, clock):
    reply = wechat.send(ZHANG, "上报 3号楼消防通道堆满杂物，电动车在楼道充电")
    ticket = re.search(r"G\d{10}", reply).group(0)
    assert "安全隐患" in reply
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    reported = appeal(seeded, ticket)
    assert reported.channel == "grid_report" and reported.resident_id is None
    assert reported.reporter_staff_id == staff_id(seeded, ZHANG) and reported.status == AppealStatus.DISPATCHED
    assert "接单成功" in wechat.send(ZHANG, f"接单 {ticket}")
    assert "已办结" in wechat.send(ZHANG, f"办结 {ticket} 已清理杂物")
    assert notices(seeded, "resident_resolved") == []  # nobody to ask for a rating
    assert "请按这个格式发送：上报 内容" in wechat.send(ZHANG, "上报")
    assert "工作人员专用" in wechat.send("o1", "上报 有人乱停车")


def test_a_report_says_who_claims_it_when_that_is_not_the_reporter_or_the_grid(wechat, seeded, clock):
    with seeded.transaction() as session:
        add_contractors(session, clock())
    routed = wechat.send(ZHANG, "上报 小区门口有人占道经营，天天摆摊堵路")
    ticket = re.search(r"G\d{10}", routed).group(0)
    assert routed == staff_texts.REPORTED_TO_DEPARTMENT.format(ticket=ticket, category="综合执法", department="综合执法中队")
    by_property = wechat.send("prop_1", "上报 2号楼门口井盖松动了")
    ticket = re.search(r"G\d{10}", by_property).group(0)
    assert "已派发给本网格的网格员接单办理" in by_property and "可回复：接单" not in by_property
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    assert "接单成功" in wechat.send(ZHANG, f"接单 {ticket}")


def test_the_same_report_sent_twice_is_filed_and_dispatched_once(wechat, seeded, clock):
    said = "上报 3号楼东边的井盖丢了，很危险。"
    ticket = re.search(r"G\d{10}", wechat.send(ZHANG, said)).group(0)
    clock.advance(minutes=1)  # the network stalled: sent again
    assert wechat.send(ZHANG, said) == (
        f"这个问题您刚才已上报，编号 {ticket}，这次没有重复登记。回复“查询 {ticket}”可查看办理情况。")
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    cards = notices(seeded, "staff_new_appeal")
    assert cards == notices(seeded, "staff_new_appeal", ticket) == sorted(set(cards))  # one card each, one appeal
    assert "已上报，编号" in wechat.send(ZHANG, "上报 3号楼西边的井盖也丢了")  # other words: another problem


def test_staff_see_their_grids_appeal_timeline_with_internal_notes_and_who_acted(wechat, seeded, clock):
    ticket = resolve_for_o1(wechat, seeded, clock)
    wechat.send("o1", "3")
    detail = wechat.send(LI, f"查询 {ticket}")
    assert f"诉求 {ticket}" in detail and "接单（张伟）" in detail and "办结（张伟）：已修好" in detail
    assert "居民评价：不满意" in detail and "回访：王强" in detail  # the follow-up is an internal note
    assert "回访" not in wechat.send("o1", f"查询 {ticket}")
    assert "回复“接单" in notices_text(seeded, "staff_new_appeal")


def notices_text(seeded, template):
    with seeded.transaction() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.template == template)).first()
        return notifications.render(row.template, json.loads(row.params))


def test_an_operators_tasks_are_what_waits_for_them_returned_then_unclassified_then_overdue(wechat, seeded, clock):
    assert wechat.send(OPERATOR, "我的任务") == "您目前没有待办任务。"
    late = file_and_dispatch(wechat, seeded, clock, "1号楼楼道灯坏了好几天", openid="o7")
    elsewhere = file_and_dispatch(wechat, seeded, clock, "1栋门口的垃圾好几天没人清", openid="o2")  # 和平社区
    clock.advance(hours=5)  # past the 接单 limit of both
    unsure = file_and_dispatch(wechat, seeded, clock, "有个事情想反映一下", openid="o5")
    returned = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {returned}")
    wechat.send(ZHANG, f"退回 {returned} 这是锦绣家园的事")
    tasks = wechat.send(OPERATOR, "我的任务")
    assert tasks.index(f"1. {returned}") < tasks.index(f"2. {unsure}") < tasks.index(f"3. {late}")
    assert "已退回社区" in tasks and "待分类" in tasks and "接单已超时" in tasks
    assert elsewhere not in tasks  # another community's
    assert "已改派给 幸福里社区·第二网格" in wechat.send(OPERATOR, "改派 1 第二网格")  # positions name the tickets
    assert wechat.send(OPERATOR, "更多").startswith("没有更多任务了")
    again = wechat.send(OPERATOR, "我的任务")
    assert returned not in again and f"1. {unsure}" in again and f"2. {late}" in again


def test_a_grid_members_tasks_put_the_overdue_before_one_waiting_in_review(wechat, seeded, clock):
    late = file_and_dispatch(wechat, seeded, clock, "1号楼楼道灯坏了好几天", openid="o7")
    clock.advance(hours=5)  # past its 接单 limit
    unsure = file_and_dispatch(wechat, seeded, clock, "有个事情想反映一下", openid="o5")
    tasks = wechat.send(ZHANG, "我的任务")
    assert tasks.index(f"1. {late}") < tasks.index(f"2. {unsure}")  # 待分类 goes first for operators only


def test_a_member_who_binds_an_address_is_not_told_that_their_words_become_appeals(wechat, seeded):
    assert "直接发送" not in wechat.send(ZHANG, "我的诉求") and "上报 内容" in wechat.send(ZHANG, "我的诉求")
    wechat.dialog(ZHANG, [("绑定", "请选择您所在的社区"), ("1", "请选择您所在的小区"), ("1", "请选择您所在的楼栋"),
                          ("3", "请选择您所在的单元")])
    bound = wechat.send(ZHANG, "2")
    assert bound.startswith("绑定成功！") and "直接发送诉求" not in bound and "上报 内容" in bound
    assert "工作人员请使用指令" in wechat.send(ZHANG, "我家楼下的下水道堵了")  # as both replies say


def test_a_member_who_binds_an_address_is_not_invited_to_leave_a_phone_that_would_be_published(wechat, seeded):
    # For staff 我的电话 sets the work phone every resident they serve is told: the residents' hint is not theirs.
    wechat.dialog(ZHANG, [("绑定", "请选择您所在的社区"), ("1", "请选择您所在的小区"), ("1", "请选择您所在的楼栋"),
                          ("3", "请选择您所在的单元")])
    assert "我的电话 手机号" not in wechat.send(ZHANG, "2")
    address = wechat.send(ZHANG, "我的地址")
    assert "阳光花园3号楼2单元" in address and "我的电话 手机号" not in address
    with seeded.transaction() as session:
        scene = session.scalars(select(Building).where(Building.name == "5号楼")).one().scene_key
    scanned = wechat.deliver(wechat.server.event(ZHANG, "SCAN", scene, create_time=wechat.now()))
    assert "锦绣家园5号楼" in scanned and "我的电话 手机号" not in scanned


def test_a_member_cancelling_is_not_told_to_describe_a_problem_or_to_withdraw_an_appeal(wechat, seeded, clock):
    nothing = wechat.send(ZHANG, "取消")
    assert nothing.startswith("目前没有正在进行的操作") and "撤销" not in nothing
    file_and_dispatch(wechat, seeded, clock)
    assert "1. G" in wechat.send(ZHANG, "我的任务")  # the list remembered for 接 1 is what 取消 leaves
    left = wechat.send(ZHANG, "取消")
    assert left.startswith("已退出当前操作") and "直接描述" not in left


def test_an_operator_transfers_an_appeal_the_grid_gave_back_to_the_unit_it_belongs_to(wechat, seeded, clock):
    # 退回 says "not the grid's": often it is a department's, and 改派 reaches grids and members only.
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_chengguan", name="赵队长", role=StaffRole.DEPARTMENT, department="城管执法中队",
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock, "小区门口有人占道经营，摆摊堵路")
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"退回 {ticket} 占道经营归城管", "已退回社区")])
    assert "已转办给 城管执法中队" in wechat.send(OPERATOR, f"转办 {ticket} 城管执法中队")
    moved = appeal(seeded, ticket)
    assert (moved.status, moved.department) == (AppealStatus.DISPATCHED, "城管执法中队")
    assert "dept_chengguan" in notices(seeded, "staff_new_appeal")
    assert "接单成功" in wechat.send("dept_chengguan", f"接单 {ticket}")


def test_an_operator_transferring_a_returned_appeal_to_an_unknown_unit_is_told_the_units_there_are(
        wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_chengguan", name="赵队长", role=StaffRole.DEPARTMENT, department="城管执法中队",
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock, "小区门口有人占道经营，摆摊堵路")
    wechat.send(ZHANG, f"退回 {ticket} 不归本网格")
    reply = wechat.send(OPERATOR, f"转办 {ticket} 交警大队")
    assert "城管执法中队" in reply and "已退回社区" not in reply  # not "can't in this state": no such unit
    assert appeal(seeded, ticket).status == AppealStatus.RETURNED


def test_a_give_back_nobody_would_receive_is_refused_and_the_task_stays_with_its_holder(wechat, seeded, clock):
    with seeded.transaction() as session:  # 孙丽 left; no street operator is bound either
        session.scalars(select(Staff).where(Staff.openid == OPERATOR)).one().active = False
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    assert wechat.send(ZHANG, f"退回 {ticket} 不归本网格") == (
        f"社区和街道都还没有绑定操作员，退回后没有人接收，诉求 {ticket} 没有退回。请继续办理，或联系社区安排。")
    kept = appeal(seeded, ticket)
    assert (kept.status, kept.assignee_staff_id) == (AppealStatus.ACCEPTED, staff_id(seeded, ZHANG))


def _hire_as_grid_member(database, openid: str, now) -> None:  # type: ignore[no-untyped-def]
    """The resident of `openid` becomes a grid member of the grid they live in."""
    from tests.support.database import resident

    grid_id = resident(database, openid).grid_id
    with database.transaction() as session:
        session.add(Staff(openid=openid, name="周新", role=StaffRole.GRID_MEMBER, grid_id=grid_id, active=True,
                          created_at=now))


def test_a_member_may_not_claim_or_close_the_appeal_they_filed_as_a_resident(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, openid=UNIT_NEIGHBOUR)
    _hire_as_grid_member(seeded, UNIT_NEIGHBOUR, clock())
    assert wechat.send(UNIT_NEIGHBOUR, f"接单 {ticket}") == staff_texts.NOT_ALLOWED["own_appeal"].format(ticket=ticket)
    assert appeal(seeded, ticket).status == AppealStatus.DISPATCHED
    filer = staff_id(seeded, UNIT_NEIGHBOUR)
    with seeded.transaction() as session:  # 改派 (or a claim before this rule) made it theirs all the same
        held = session.scalars(select(Appeal).where(Appeal.ticket == ticket)).one()
        held.status, held.assignee_staff_id = AppealStatus.ACCEPTED, filer
    refused = wechat.send(UNIT_NEIGHBOUR, f"办结 {ticket} 已修好")
    assert refused == staff_texts.NOT_ALLOWED["own_appeal"].format(ticket=ticket)
    assert appeal(seeded, ticket).status == AppealStatus.ACCEPTED
    assert "已办结" in wechat.send(WANG, f"办结 {ticket} 已更换电机")  # the 网格长 closes it; its filer rates it


@pytest.mark.parametrize("said", ["撤销 {ticket}", "催办 {ticket}", "补充 {ticket} 明天上午家里有人", "评价 {ticket} 1"])
def test_a_residents_command_on_a_task_is_answered_with_the_tasks_commands_not_no_such_appeal(wechat, seeded, clock,
                                                                                               said):
    ticket = file_and_dispatch(wechat, seeded, clock)
    reply = wechat.send(ZHANG, said.format(ticket=ticket))
    verb = said.split()[0]
    assert reply.startswith(f"“{verb}”是居民对自己提交的诉求用的，{ticket} 不是您提交的。办理这件请按下面的格式发送其中一条：")
    assert f"\n接单 {ticket}\n进展 {ticket} 说明\n办结 {ticket} 说明" in reply
    assert appeal(seeded, ticket).status == AppealStatus.DISPATCHED


def test_a_member_cancels_the_appeal_they_filed_as_a_resident_as_any_resident(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, openid=UNIT_NEIGHBOUR)
    _hire_as_grid_member(seeded, UNIT_NEIGHBOUR, clock())
    assert f"诉求 {ticket} 已撤销" in wechat.send(UNIT_NEIGHBOUR, f"撤销 {ticket}")
    assert "没有找到" in wechat.send(LI, "撤销 G2601010001")  # no such appeal: said as before


def test_assign_mode_never_gives_an_appeal_to_the_member_who_filed_it(wechat, seeded, clock):
    from storage.models import DispatchMode, Grid

    ticket = TICKET.search(wechat.send(UNIT_NEIGHBOUR, "3号楼电梯坏了，物业一直不来修")).group(0)
    _hire_as_grid_member(seeded, UNIT_NEIGHBOUR, clock())
    with seeded.transaction() as session:
        for grid in session.scalars(select(Grid)).all():
            grid.dispatch_mode = DispatchMode.ASSIGN
        for member in session.scalars(select(Staff).where(Staff.openid.in_((ZHANG, LI)))).all():
            member.on_duty = False  # on leave: the filer is the only member on duty
    dispatch_filed(seeded, clock)
    assert appeal(seeded, ticket).assignee_staff_id != staff_id(seeded, UNIT_NEIGHBOUR)
    assert UNIT_NEIGHBOUR not in notices(seeded, "staff_new_appeal", ticket)


def test_assign_mode_gives_no_task_to_a_member_who_unfollowed_the_account(wechat, seeded, clock):
    # WeChat refuses every message to someone who unfollowed (43004): a task 派单 gave them would wait unseen.
    from storage.models import DispatchMode, Grid

    with seeded.transaction() as session:
        for grid in session.scalars(select(Grid)).all():
            grid.dispatch_mode = DispatchMode.ASSIGN
    wechat.deliver(wechat.server.event(ZHANG, "unsubscribe", create_time=wechat.now()))
    tickets = [file_and_dispatch(wechat, seeded, clock, problem) for problem in ("3号楼电梯坏了", "3号楼楼道灯不亮")]
    assert {appeal(seeded, ticket).assignee_staff_id for ticket in tickets} == {staff_id(seeded, LI)}
    assert ZHANG not in notices(seeded, "staff_new_appeal")
    clock.advance(seconds=5)  # an event's message key is its sender and second
    wechat.deliver(wechat.server.event(ZHANG, "subscribe", create_time=wechat.now()))  # back: given tasks again
    assert appeal(seeded, file_and_dispatch(wechat, seeded, clock, "2号楼门口垃圾没人清")).assignee_staff_id == \
        staff_id(seeded, ZHANG)


def test_the_member_who_filed_an_appeal_as_a_resident_gets_no_card_for_it(wechat, seeded, clock):
    ticket = TICKET.search(wechat.send(UNIT_NEIGHBOUR, "3号楼电梯坏了，物业一直不来修")).group(0)
    _hire_as_grid_member(seeded, UNIT_NEIGHBOUR, clock())
    dispatch_filed(seeded, clock)
    told = notices(seeded, "staff_new_appeal", ticket)
    assert UNIT_NEIGHBOUR not in told and ZHANG in told and LI in told
