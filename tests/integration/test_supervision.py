"""督着办 with a clock the test moves: reminders before deadlines, escalation up the chain; and 派单."""

import dataclasses
import itertools
import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from bot.cli.gridbot import main
from bot.settings import Settings, SettingsError
from bot.web.app import create_app
from bot.worker import schedule
from handlers import notifications, staff_texts
from handlers.resident_texts import LOCAL_ZONE
from storage import dispatch, outbox, queries, rate_counts, reassigning, roster, staff, supervision, tasks
from storage.errors import NotAllowed
from storage.models import Appeal, AppealEvent, AppealStatus, Grid, OutboxMessage, OutboxStatus, Staff, StaffRole
from storage.notices import StaffCardLost, StaffEscalated, StaffNewAppeal, StaffReminder
from tests.conftest import TEST_SECRET_KEY
from tests.support.console import cast, logged_in
from tests.support.database import appeal, staff_id, worded
from tests.support.personas import LI, OPERATOR, WANG, ZHANG
from tests.support.races import sweep_while_disabling, sweep_while_moving

pytestmark = pytest.mark.postgres

STREET_OPERATOR = "street_zhou"
GRID_ONE = "幸福里社区·第一网格"
ELEVATOR = "3号楼电梯坏了，物业一直不来修"
TICKET = re.compile(r"G\d{10}")
FILED = itertools.count()


def add_street_operator(seeded, clock):
    """周主任, the street's operator (bound to no community): the top of the 督办 ladder."""
    with seeded.transaction() as session:
        session.add(Staff(openid=STREET_OPERATOR, name="周主任", role=StaffRole.OPERATOR, community_id=None,
                          active=True, created_at=clock()))


def file(wechat, seeded, clock, count=1):
    """o1 files `count` appeals, then the worker dispatches them in one batch; returns the tickets."""
    # Numbered: the same words again would be a repeat of the open appeal, not a new one.
    tickets = [TICKET.search(wechat.send("o1", f"{ELEVATOR}（第{next(FILED)}次反映）")).group(0)
               for _ in range(count)]
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    return tickets if count > 1 else tickets[0]


def sweep(seeded, clock, unclaimed_after=supervision.DEFAULT_UNCLAIMED_AFTER):
    """As the worker sweeps: the appeals `due` finds, then the sweep of those alone (every test below also checks
    that `due` misses nothing the sweep of all open appeals would do)."""
    with seeded.read() as session:
        due = supervision.due(session, clock(), unclaimed_after)
    with seeded.transaction() as session:
        return supervision.sweep(session, clock(), unclaimed_after, only=due)


def member(session, openid):
    return session.scalars(select(Staff).where(Staff.openid == openid)).one()


def act(seeded, clock, action, openid, ticket, *args, **named):
    """A staff action from storage.tasks (claim, pause, resume, transfer) in its own transaction."""
    with seeded.transaction() as session:
        getattr(tasks, action)(session, member(session, openid), ticket, *args, clock(), **named)


# Not tests.support.database.notices: escalations are told apart by their parameters, not only by who gets them.
def notices(seeded, template, ticket=None):
    """(recipient, params without the ticket) of every outbox row of `template`, sorted."""
    with seeded.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.template == template)).all()
        found = [(row.recipient_openid, _without_context(template, json.loads(row.params))) for row in rows]
    found = [(openid, params) for openid, params in found if ticket is None or params.pop("ticket") == ticket]
    return sorted(found, key=lambda item: (item[0], json.dumps(item[1])))


# What a reminder or 督办 says about the appeal (what, where, since when): tests/handlers/test_leader_messages.py.
CONTEXT = ("category", "subcategory", "place", "content", "filed_at", "holder", "yours", "emergency", "operator",
           "overseer")


def _without_context(template, params):
    if template not in (StaffReminder.name, StaffEscalated.name):
        return params
    return {key: value for key, value in params.items() if key not in CONTEXT}


def escalation_events(seeded, ticket):
    with seeded.transaction() as session:
        events = session.scalars(
            select(AppealEvent).join(Appeal, Appeal.id == AppealEvent.appeal_id)
            .where(Appeal.ticket == ticket, AppealEvent.action == "escalated").order_by(AppealEvent.id)
        ).all()
        return [(event.actor_kind, event.actor_id, event.note, event.internal) for event in events]


def set_mode(seeded, mode):
    with seeded.transaction() as session:
        dispatch.set_mode(session, staff.find_grid(session, GRID_ONE), mode)


def set_on_duty(seeded, openid, on_duty):
    with seeded.transaction() as session:
        member(session, openid).on_duty = on_duty


def climbs_at(seeded, clock, ticket, steps):  # type: ignore[no-untyped-def]
    """For each (level, at): no escalation a second before `at`, one at it, to that level."""
    for level, at in steps:
        clock.current = at - timedelta(seconds=1)
        assert sweep(seeded, clock).escalations == 0
        clock.current = at
        assert sweep(seeded, clock).escalations == 1
        assert appeal(seeded, ticket).escalation_level == level


def escalated(level, reason):
    return {"level": level, "reason": reason}


# --- the response clock --------------------------------------------------------------------------------------

def test_three_quarters_into_the_response_time_the_grid_is_reminded_once(wechat, seeded, clock):
    ticket = file(wechat, seeded, clock)
    dispatched_at, due = clock(), appeal(seeded, ticket).response_due_at
    remind_at = dispatched_at + (due - dispatched_at) * 0.75
    clock.current = remind_at - timedelta(minutes=1)
    assert sweep(seeded, clock, timedelta(hours=5)).reminders == 0
    clock.current = remind_at
    assert sweep(seeded, clock, timedelta(hours=5)).reminders == 1
    assert sweep(seeded, clock, timedelta(hours=5)).reminders == 0
    wanted = {"due_at": due.isoformat(), "clock": "response"}
    assert notices(seeded, "staff_reminder", ticket) == [(LI, wanted), (WANG, wanted), (ZHANG, wanted)]
    assert appeal(seeded, ticket).response_reminded_at == remind_at


def test_a_抢单_reminder_skips_a_member_on_leave_as_the_card_did(wechat, seeded, clock):
    ticket = file(wechat, seeded, clock)
    set_on_duty(seeded, LI, False)  # 请假 after the card came
    dispatched_at, due = clock(), appeal(seeded, ticket).response_due_at
    clock.current = dispatched_at + (due - dispatched_at) * 0.75
    assert sweep(seeded, clock, timedelta(hours=5)).reminders == 1
    assert [openid for openid, _ in notices(seeded, "staff_reminder", ticket)] == [WANG, ZHANG]


def test_a_reminder_in_january_of_an_appeal_filed_in_december_says_the_year_it_was_filed(wechat, seeded, clock):
    clock.current = datetime(2026, 12, 31, 23, 0, tzinfo=LOCAL_ZONE)
    ticket = file(wechat, seeded, clock)
    due = appeal(seeded, ticket).response_due_at
    clock.current = clock() + (due - clock()) * 0.75
    assert clock().astimezone(LOCAL_ZONE).year == 2027
    assert sweep(seeded, clock, timedelta(hours=5)).reminders == 1

    (said,) = worded(seeded, "staff_reminder", ZHANG)

    assert "提交时间：2026年12月31日 23:00" in said, said
    assert f"须在 {staff_texts.due_clock(due)} 前" in said and "2027年" not in said  # this year's: no year


def test_a_leader_who_got_the_unclaimed_督办_is_not_reminded_of_the_same_appeal_again(wechat, seeded, clock):
    ticket = file(wechat, seeded, clock)
    dispatched_at, due = clock(), appeal(seeded, ticket).response_due_at
    clock.advance(minutes=31)
    assert sweep(seeded, clock).escalations == 1  # to 王强
    clock.current = dispatched_at + (due - dispatched_at) * 0.75
    assert sweep(seeded, clock).reminders == 1
    assert [openid for openid, _ in notices(seeded, "staff_reminder", ticket)] == [LI, ZHANG]


def test_a_task_nobody_claims_for_31_minutes_goes_to_the_grid_leader(wechat, seeded, clock):
    ticket = file(wechat, seeded, clock)
    clock.advance(minutes=29)
    assert sweep(seeded, clock) == supervision.SweepReport(reminders=0, escalations=0)
    clock.advance(minutes=2)
    assert sweep(seeded, clock).escalations == 1
    assert sweep(seeded, clock).escalations == 0
    assert notices(seeded, "staff_escalated", ticket) == [(WANG, escalated(1, "unclaimed"))]
    assert escalation_events(seeded, ticket) == [("system", None, "level 1", True)]
    late = appeal(seeded, ticket)
    assert (late.escalation_level, late.escalated_at, late.status) == (1, clock(), AppealStatus.DISPATCHED)
    assert "level" not in wechat.send("o1", f"查询 {ticket}")  # supervision is internal


def test_a_task_still_unclaimed_at_its_response_deadline_is_escalated_as_overdue(wechat, seeded, clock):
    ticket = file(wechat, seeded, clock)
    clock.current = appeal(seeded, ticket).response_due_at
    assert sweep(seeded, clock, timedelta(hours=5)).escalations == 1
    assert notices(seeded, "staff_escalated", ticket) == [(WANG, escalated(1, "response_overdue"))]


def test_a_task_dispatched_hours_late_after_an_outage_is_chased_from_its_dispatch_while_the_rates_count_from_filing(
        wechat, seeded, clock):
    # The worker was down when it was filed: its card came with a 督办 to the 网格长 (and the community) at once.
    ticket = TICKET.search(wechat.send("o1", f"{ELEVATOR}（第{next(FILED)}次反映）")).group(0)
    filed = appeal(seeded, ticket)
    clock.current = filed.response_due_at + timedelta(hours=filed.response_hours)
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    dispatched = appeal(seeded, ticket)
    assert dispatched.response_due_at == clock() + timedelta(hours=filed.response_hours)
    assert sweep(seeded, clock) == supervision.SweepReport(reminders=0, escalations=0)
    clock.advance(minutes=31)
    assert sweep(seeded, clock).escalations == 1
    assert notices(seeded, "staff_escalated", ticket) == [(WANG, escalated(1, "unclaimed"))]
    # Claimed within the fresh clock, yet late for the resident: 响应率 counts it late, from filing.
    act(seeded, clock, "claim", ZHANG, ticket)
    with seeded.read() as session:
        day = filed.created_at - timedelta(days=1)
        counts = rate_counts.counts_by(session, rate_counts.Unit.GRID, day, clock() + timedelta(days=1), clock(),
                                       queries.EVERYWHERE)
    assert [(found.dispatched, found.responded) for found in counts.values()] == [(1, 0)]


def test_a_task_dispatched_a_minute_after_filing_keeps_the_claim_clock_of_its_filing(wechat, seeded, clock):
    ticket = TICKET.search(wechat.send("o1", f"{ELEVATOR}（第{next(FILED)}次反映）")).group(0)
    filed = appeal(seeded, ticket)
    clock.advance(minutes=1)
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    dispatched = appeal(seeded, ticket)
    assert (dispatched.response_due_at, dispatched.claim_due_at) == (filed.response_due_at, None)


def test_a_task_nobody_claims_climbs_to_the_community_and_the_street_a_response_period_at_a_time(wechat, seeded,
                                                                                                  clock):
    add_street_operator(seeded, clock)
    ticket = file(wechat, seeded, clock)
    waiting = appeal(seeded, ticket)
    due, period = waiting.response_due_at, timedelta(hours=waiting.response_hours)
    clock.advance(minutes=31)
    assert sweep(seeded, clock).escalations == 1  # the 网格长, as before
    climbs_at(seeded, clock, ticket, ((2, due + period), (3, due + 2 * period)))
    clock.current = due + 10 * period
    assert sweep(seeded, clock).escalations == 0
    told = {(openid, params["level"], params["reason"])
            for openid, params in notices(seeded, "staff_escalated", ticket)}
    assert told == {(WANG, 1, "unclaimed"), (OPERATOR, 2, "response_overdue"),
                    (STREET_OPERATOR, 3, "response_overdue")}
    # Claimed at last: the completion clock climbs from the 网格长 again, as for any task claimed after a 督办.
    act(seeded, clock, "claim", LI, ticket)
    assert appeal(seeded, ticket).escalation_level == 1
    clock.current = appeal(seeded, ticket).resolve_due_at
    assert sweep(seeded, clock).escalations == 1
    assert (OPERATOR, escalated(2, "resolve_overdue")) in notices(seeded, "staff_escalated", ticket)


@pytest.mark.parametrize("first", ["sweep", "disable"])
def test_an_operator_disabled_while_the_sweep_escalates_to_them_is_not_sent_the_督办(wechat, seeded, clock, first):
    # On PostgreSQL the sweep read the operator unlocked: one disabled meanwhile was still sent the 督办, with the
    # words and the address.
    ticket = file(wechat, seeded, clock)
    waiting = appeal(seeded, ticket)
    clock.current = waiting.response_due_at + timedelta(hours=waiting.response_hours)  # level 2: the community's
    assert sweep_while_disabling(seeded, OPERATOR, clock, first) == ("done", "done")
    assert appeal(seeded, ticket).escalation_level == 2
    assert [openid for openid, _ in notices(seeded, "staff_escalated", ticket)] == [WANG]


@pytest.mark.parametrize("first", ["sweep", "disable"])
def test_a_member_disabled_while_the_sweep_reminds_the_grid_is_not_sent_the_reminder(wechat, seeded, clock, first):
    # On PostgreSQL the sweep read the grid's team unlocked: a member disabled meanwhile was still sent the reminder.
    ticket = file(wechat, seeded, clock)
    dispatched_at, due = clock(), appeal(seeded, ticket).response_due_at
    clock.current = dispatched_at + (due - dispatched_at) * 0.75
    assert sweep_while_disabling(seeded, ZHANG, clock, first) == ("done", "done")
    assert [openid for openid, _ in notices(seeded, "staff_reminder", ticket)] == [LI]  # the 网格长 had the 督办


@pytest.mark.parametrize("first", ["sweep", "move"])
def test_a_member_moved_to_another_grid_while_the_sweep_reminds_their_old_one_is_not_sent_the_reminder(
        wechat, seeded, clock, first):
    ticket = file(wechat, seeded, clock)
    dispatched_at, due = clock(), appeal(seeded, ticket).response_due_at
    clock.current = dispatched_at + (due - dispatched_at) * 0.75
    assert sweep_while_moving(seeded, ZHANG, "幸福里社区·第二网格", clock, first) == ("done", "done")
    assert [openid for openid, _ in notices(seeded, "staff_reminder", ticket)] == [LI]  # the 网格长 had the 督办


@pytest.mark.parametrize("first", ["sweep", "disable"])
def test_an_operator_disabled_while_the_sweep_escalates_the_emergency_they_hold_is_not_sent_it_and_it_goes_back(
        wechat, seeded, clock, first):
    # The disabling locks the operator's row, then the task they hold, which the sweep escalates: both end, and
    # whichever ran first, the leaver is not told of it.
    ticket = file_emergency(wechat, seeded, clock)
    act(seeded, clock, "claim", OPERATOR, ticket)
    clock.current = appeal(seeded, ticket).resolve_due_at
    assert sweep_while_disabling(seeded, OPERATOR, clock, first) == ("done", "done")
    assert OPERATOR not in [openid for openid, _ in notices(seeded, "staff_escalated", ticket)]
    assert appeal(seeded, ticket).assignee_staff_id is None  # handed back to the grid


def test_the_operators_a_督办_reached_hear_when_the_task_is_claimed_at_last(wechat, seeded, clock):
    add_street_operator(seeded, clock)
    ticket = file(wechat, seeded, clock)
    waiting = appeal(seeded, ticket)
    clock.current = waiting.response_due_at + 2 * timedelta(hours=waiting.response_hours)
    assert sweep(seeded, clock).escalations == 1  # the community and the street are chasing it now

    act(seeded, clock, "claim", LI, ticket)

    told = [openid for openid, params in notices(seeded, "staff_taken", ticket)]
    assert OPERATOR in told and STREET_OPERATOR in told  # nobody goes on chasing, or 改派s it away from 李娜
    assert LI not in told


def test_a_street_with_no_operator_bound_leaves_the_top_督办_with_the_community_not_with_nobody(wechat, seeded, clock):
    ticket = file(wechat, seeded, clock)  # the street's operators are not bound yet: only 孙丽, of the community
    waiting = appeal(seeded, ticket)
    due, period = waiting.response_due_at, timedelta(hours=waiting.response_hours)
    clock.advance(minutes=31)
    assert sweep(seeded, clock).escalations == 1
    climbs_at(seeded, clock, ticket, ((2, due + period), (3, due + 2 * period)))
    told = {(openid, params["level"]) for openid, params in notices(seeded, "staff_escalated", ticket)}
    assert told == {(WANG, 1), (OPERATOR, 2), (OPERATOR, 3)}


def test_an_unclaimed_task_with_no_leader_or_operator_bound_anywhere_is_chased_with_the_grid_itself(
        wechat, seeded, clock):
    with seeded.transaction() as session:  # 王强 and 孙丽 left: nobody above the grid's members is bound
        for openid in (WANG, OPERATOR):
            member(session, openid).active = False
    ticket = file(wechat, seeded, clock)
    clock.advance(minutes=31)
    assert sweep(seeded, clock).escalations == 1
    assert notices(seeded, "staff_escalated", ticket) == [(LI, escalated(1, "unclaimed")),
                                                         (ZHANG, escalated(1, "unclaimed"))]


def file_emergency(wechat, seeded, clock):
    ticket = TICKET.search(wechat.send("o1", "楼道里着火了，好多烟")).group(0)
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    return ticket


def emergency_alerts(seeded, ticket):
    """(recipient, level) of each 紧急督办 of `ticket`, sorted."""
    return sorted((openid, params["level"]) for openid, params in notices(seeded, "staff_emergency_unclaimed", ticket))


def test_an_unclaimed_emergency_climbs_from_the_grid_leader_to_the_community_and_the_street_until_claimed(
        wechat, seeded, clock):
    add_street_operator(seeded, clock)
    ticket = file_emergency(wechat, seeded, clock)
    waiting = appeal(seeded, ticket)
    due, period = waiting.response_due_at, timedelta(minutes=waiting.response_minutes)
    climbs_at(seeded, clock, ticket, ((1, due), (2, due + period), (3, due + 2 * period)))
    clock.current = due + 10 * period
    assert sweep(seeded, clock).escalations == 0
    assert emergency_alerts(seeded, ticket) == [(OPERATOR, 2), (WANG, 1), (STREET_OPERATOR, 3)]
    assert [note for _, _, note, _ in escalation_events(seeded, ticket)] == [
        "level 1 (emergency unclaimed)", "level 2 (emergency unclaimed)", "level 3 (emergency unclaimed)"]


def test_an_emergencys_reminder_reaches_the_grid_leader_however_short_the_unclaimed_minutes(wechat, seeded, clock):
    ticket = file_emergency(wechat, seeded, clock)
    waiting = appeal(seeded, ticket)
    clock.current = waiting.created_at + (waiting.response_due_at - waiting.created_at) * 0.75
    # A street that set GRIDBOT_UNCLAIMED_MINUTES to 2 (as the demo does): no 督办 told the 网格长 of an emergency
    assert sweep(seeded, clock, timedelta(minutes=2)).reminders == 1
    assert [openid for openid, _ in notices(seeded, "staff_reminder", ticket)] == [LI, WANG, ZHANG]


def test_a_claimed_emergency_climbs_no_further_on_its_response_clock(wechat, seeded, clock):
    ticket = file_emergency(wechat, seeded, clock)
    waiting = appeal(seeded, ticket)
    due, period = waiting.response_due_at, timedelta(minutes=waiting.response_minutes)
    clock.current = due
    assert sweep(seeded, clock).escalations == 1
    act(seeded, clock, "claim", LI, ticket)
    clock.current = due + 2 * period
    assert sweep(seeded, clock).escalations == 0
    assert emergency_alerts(seeded, ticket) == [(WANG, 1)]


def test_an_emergency_found_unclaimed_after_an_outage_tells_each_level_once_and_a_level_nobody_holds_nobody_twice(
        wechat, seeded, clock):
    ticket = file_emergency(wechat, seeded, clock)  # the street's operators are not bound: level 3 is 孙丽's again
    waiting = appeal(seeded, ticket)
    clock.current = waiting.response_due_at + timedelta(minutes=3 * waiting.response_minutes)
    assert sweep(seeded, clock).escalations == 1
    clock.advance(seconds=10)
    assert sweep(seeded, clock).escalations == 0
    assert appeal(seeded, ticket).escalation_level == 3
    assert emergency_alerts(seeded, ticket) == [(OPERATOR, 3), (WANG, 3)]
    assert len(escalation_events(seeded, ticket)) == 3


def test_a_transferred_task_gets_a_fresh_response_clock_for_the_department(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_wuye", name="物业钱经理", role=StaffRole.PROPERTY, department="阳光物业",
                          active=True, created_at=clock()))
    ticket = file(wechat, seeded, clock)
    act(seeded, clock, "claim", ZHANG, ticket)
    clock.advance(days=1)
    act(seeded, clock, "transfer", ZHANG, ticket, "阳光物业", sensitive=frozenset())
    assert sweep(seeded, clock) == supervision.SweepReport(reminders=0, escalations=0)
    clock.advance(minutes=90)  # 75 % of the category's 2 hours
    assert sweep(seeded, clock, timedelta(hours=5)) == supervision.SweepReport(reminders=1, escalations=0)
    due = (clock() + timedelta(minutes=30)).isoformat()
    assert notices(seeded, "staff_reminder", ticket) == [("dept_wuye", {"due_at": due, "clock": "response"})]
    assert sweep(seeded, clock).escalations == 1
    assert notices(seeded, "staff_escalated", ticket) == [
        (WANG, {**escalated(1, "unclaimed"), "waiting_for": "阳光物业"})]  # whom the leader chases


def test_a_task_transferred_after_its_grid_was_reminded_and_escalated_is_chased_afresh_at_the_department(
        wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_wuye", name="物业钱经理", role=StaffRole.PROPERTY, department="阳光物业",
                          active=True, created_at=clock()))
    ticket = file(wechat, seeded, clock)
    clock.current = appeal(seeded, ticket).response_due_at
    assert sweep(seeded, clock, timedelta(hours=5)).escalations == 1  # the grid was chased: 网格长, level 1
    act(seeded, clock, "claim", ZHANG, ticket)
    act(seeded, clock, "transfer", ZHANG, ticket, "阳光物业", sensitive=frozenset())
    clock.advance(minutes=90)  # 75 % of the category's 2 hours, at the department
    assert sweep(seeded, clock, timedelta(hours=5)).reminders == 1
    assert [openid for openid, _ in notices(seeded, "staff_reminder", ticket)] == ["dept_wuye"]
    clock.advance(minutes=30)
    assert sweep(seeded, clock, timedelta(hours=5)).escalations == 1
    assert (WANG, {**escalated(1, "response_overdue"), "waiting_for": "阳光物业"}) in notices(
        seeded, "staff_escalated", ticket)


def test_a_task_given_back_and_not_routed_again_in_its_response_time_goes_to_the_community_and_street(
        wechat, seeded, clock):
    add_street_operator(seeded, clock)
    ticket = file(wechat, seeded, clock)
    act(seeded, clock, "claim", ZHANG, ticket)
    clock.advance(days=3)  # long past its deadlines: the 退回 starts a wait of its own
    act(seeded, clock, "give_back", ZHANG, ticket, "不归本网格")
    assert sweep(seeded, clock) == supervision.SweepReport(reminders=0, escalations=0)
    period = timedelta(hours=appeal(seeded, ticket).response_hours)
    climbs_at(seeded, clock, ticket, ((3, clock() + period),))
    clock.advance(days=30)
    assert sweep(seeded, clock).escalations == 0  # once: it waits for an operator, nobody else may move it
    told = {(openid, params["level"], params["reason"])
            for openid, params in notices(seeded, "staff_escalated", ticket)}
    assert told == {(OPERATOR, 3, "returned_waiting"), (STREET_OPERATOR, 3, "returned_waiting")}
    (said,) = worded(seeded, "staff_escalated", OPERATOR)
    assert said.startswith(f"【督办】{ticket} 退回社区后超时未重新派发，已升级为第3级督办\n")
    assert said.endswith(f"请回复“改派 {ticket} 网格或姓名”重新派发，归部门或物业办理的回复“转办 {ticket} 部门”；"
                         f"回复“查询 {ticket}”查看详情。")
    with seeded.transaction() as session:  # 改派 starts the response clock afresh, from the 网格长
        reassigning.reassign(session, member(session, OPERATOR), ticket, GRID_ONE, clock(), ())
    assert appeal(seeded, ticket).escalation_level == 0


def test_an_emergency_given_back_keeps_its_minutes_for_the_operators_who_must_route_it_again(wechat, seeded, clock):
    # The 退回 of an emergency waited on the category's hours: the console showed 重新派发剩59分钟 for a fire.
    from storage import queries

    add_street_operator(seeded, clock)
    ticket = TICKET.search(wechat.send("o1", "着火了，楼道里全是烟")).group(0)
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    act(seeded, clock, "claim", ZHANG, ticket)
    act(seeded, clock, "give_back", ZHANG, ticket, "不在本网格")
    minutes = timedelta(minutes=appeal(seeded, ticket).response_minutes)
    with seeded.transaction() as session:
        (listed,) = [row for row in queries.appeals(session, clock(), wanted=queries.AppealFilter(returned=True))
                     if row.appeal.ticket == ticket]
        assert listed.due == clock() + minutes
    climbs_at(seeded, clock, ticket, ((3, clock() + minutes),))
    with seeded.transaction() as session:
        late = queries.overdue(session, clock(), clocks=(queries.Clock.RETURNED,))
        assert [row.appeal.ticket for row in late if row.appeal.ticket == ticket] == [ticket]
    told = {openid for openid, params in notices(seeded, "staff_escalated", ticket)
            if params["reason"] == "returned_waiting"}
    assert told == {OPERATOR, STREET_OPERATOR}


def test_an_emergency_transferred_to_a_department_keeps_its_minutes_and_its_card_says_紧急_by_when(
        wechat, seeded, clock):
    # At the department a fire ran on its category's hour: its card's deadline was the grid's, long past, nobody was
    # reminded or pressed for an hour, then every level was told at once.
    from storage import queries

    with seeded.transaction() as session:
        session.add(Staff(openid="dept_wuye", name="物业钱经理", role=StaffRole.PROPERTY, department="阳光物业",
                          active=True, created_at=clock()))
    ticket = file_emergency(wechat, seeded, clock)
    act(seeded, clock, "claim", ZHANG, ticket)
    clock.advance(minutes=30)  # past the grid's minutes: the department's are its own, from the 转办
    act(seeded, clock, "transfer", ZHANG, ticket, "阳光物业", sensitive=frozenset())
    minutes = timedelta(minutes=appeal(seeded, ticket).response_minutes)
    due = clock() + minutes
    (card,) = worded(seeded, "staff_new_appeal", "dept_wuye")
    assert card.startswith(f"【紧急】火情 {ticket}")
    assert f"{due.astimezone(LOCAL_ZONE):%H:%M}前无人接单将升级督办" in card
    with seeded.transaction() as session:
        (waiting,) = [row for row in queries.unclaimed(session) if row.appeal.ticket == ticket]
        assert waiting.due == due
    clock.current = due - minutes / 4
    assert sweep(seeded, clock).reminders == 1
    assert [openid for openid, _ in notices(seeded, "staff_reminder", ticket)] == ["dept_wuye"]
    climbs_at(seeded, clock, ticket, ((1, due), (2, due + minutes)))
    with seeded.transaction() as session:
        late = queries.overdue(session, clock(), clocks=(queries.Clock.RESPONSE,))
        assert [row.appeal.ticket for row in late if row.appeal.ticket == ticket] == [ticket]
    assert emergency_alerts(seeded, ticket) == [(OPERATOR, 2), (WANG, 1)]


def test_the_紧急督办_of_an_emergency_waiting_for_a_department_asks_to_press_it_not_to_claim_it(wechat, seeded, clock):
    # It asked the 网格长 to 接单 it themselves, which is refused: only the department it went to may claim it.
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_wuye", name="物业钱经理", role=StaffRole.PROPERTY, department="阳光物业",
                          active=True, created_at=clock()))
    ticket = file_emergency(wechat, seeded, clock)
    act(seeded, clock, "claim", ZHANG, ticket)
    act(seeded, clock, "transfer", ZHANG, ticket, "阳光物业", sensitive=frozenset())
    clock.advance(minutes=appeal(seeded, ticket).response_minutes)
    assert sweep(seeded, clock).escalations == 1
    (said,) = worded(seeded, "staff_emergency_unclaimed", WANG)
    assert said.endswith(f"已转给阳光物业，只有他们能接单：请立即电话联系阳光物业安排人员赶赴现场，"
                         f"联系不上的回复“改派 {ticket} 网格或姓名”交回网格；危及人身安全请同时拨打 110、119 或 120。")
    assert f"接单 {ticket}”" not in said
    assert "已改派" in wechat.send(WANG, f"改派 {ticket} 李娜")


def test_an_unbound_residents_appeal_still_held_a_day_later_reminds_them_once_to_give_the_address(
        wechat, seeded, clock):
    reply = wechat.send("o3", "小区门口垃圾堆了三天没人清")  # o3 has bound no address: the appeal is held
    ticket = TICKET.search(reply).group(0)
    assert appeal(seeded, ticket).status == AppealStatus.AWAITING_ADDRESS
    clock.advance(hours=23, minutes=59)
    assert sweep(seeded, clock).reminders == 0
    clock.advance(minutes=1)
    assert sweep(seeded, clock).reminders == 1
    clock.advance(days=5)
    assert sweep(seeded, clock).reminders == 0  # once: a nag a day would drive them away
    (said,) = worded(seeded, "resident_address_wanted", "o3")
    assert said == (f"您反映的问题（编号 {ticket}）还在等您的住址：绑定住址后会马上转给您所在的网格办理。"
                    f"请回复“绑定”开始；不需要办理了，请回复“撤销 {ticket}”。提交后 30 天仍未绑定住址的，将自动关闭。")


def test_an_appeal_held_a_month_for_an_address_never_given_lapses_once_and_its_resident_is_told(
        wechat, seeded, clock):
    ticket = TICKET.search(wechat.send("o3", "小区门口垃圾堆了三天没人清")).group(0)
    filed = clock()
    clock.advance(days=1)
    assert sweep(seeded, clock).reminders == 1  # the day's reminder, as before
    clock.current = filed + supervision.HELD_LAPSES_AFTER - timedelta(minutes=1)
    assert sweep(seeded, clock).lapsed == 0
    clock.current = filed + supervision.HELD_LAPSES_AFTER
    assert sweep(seeded, clock) == supervision.SweepReport(lapsed=1)
    clock.advance(days=365)
    assert sweep(seeded, clock).lapsed == 0  # once

    assert appeal(seeded, ticket).status == AppealStatus.CANCELLED
    with seeded.transaction() as session:
        (event,) = session.scalars(select(AppealEvent).where(AppealEvent.action == "lapsed")).all()
        assert (event.actor_kind, event.note, event.to_status) == ("system", "30", AppealStatus.CANCELLED)
    assert worded(seeded, "resident_held_lapsed", "o3") == [
        f"您反映的问题（编号 {ticket}）等了 30 天仍没有住址，无法转给网格办理，已自动关闭。"
        "问题如果还在，请回复“绑定”绑定住址后重新发送。"]
    # Back a year later: welcomed as anyone new, not asked about last year's message.
    back = wechat.deliver(wechat.server.event("o3", "subscribe", "", create_time=wechat.now()))
    assert ticket not in back and "第一次使用请先绑定住址" in back
    shown = wechat.send("o3", f"查询 {ticket}")
    assert "状态：未绑定住址，已自动关闭" in shown and "一直未绑定住址，已自动关闭" in shown  # never "已撤销": they did not
    for said in ("我的诉求", f"催办 {ticket}", f"撤销 {ticket}", f"补充 {ticket} 还是很脏", f"恢复 {ticket}"):
        reply = wechat.send("o3", said)
        assert "已自动关闭" in reply and "已撤销" not in reply and "已经撤销" not in reply, (said, reply)


def test_an_emergency_held_for_an_address_lapses_too_for_nobody_may_claim_it_while_held(wechat, seeded, clock,
                                                                                       runtime):
    ticket = TICKET.search(wechat.send("o3", "有人晕倒了")).group(0)
    assert appeal(seeded, ticket).status == AppealStatus.AWAITING_ADDRESS  # every operator was told at once
    clock.advance(days=30)
    assert sweep(seeded, clock).lapsed == 1
    assert appeal(seeded, ticket).status == AppealStatus.CANCELLED
    shown = wechat.send(OPERATOR, f"查询 {ticket}")  # staff read why it closed, not that the resident withdrew it
    assert "居民一直未绑定住址，已自动关闭" in shown and "居民已撤销" not in shown, shown
    # The emergency's card asked every operator to take it: one who comes to it now is told why it closed.
    refused = wechat.send(OPERATOR, f"接单 {ticket}")
    assert "当前状态为“居民一直未绑定住址，已自动关闭”，不能接单" in refused, refused
    cast(seeded, clock())
    page = logged_in(create_app(runtime=runtime), "admin").get(f"/console/appeals/{ticket}").get_data(as_text=True)
    assert '<dd id="appeal-status">居民一直未绑定住址，已自动关闭</dd>' in page


def test_every_refusal_of_an_appeal_lapsed_for_its_address_names_it_so_in_the_chat_console_and_command_line(
        wechat, seeded, clock, runtime, database_url):
    ticket = TICKET.search(wechat.send("o3", "有人晕倒了")).group(0)
    other = file(wechat, seeded, clock)
    clock.advance(days=30)
    assert sweep(seeded, clock).lapsed == 1
    lapsed = "当前状态为“居民一直未绑定住址，已自动关闭”"
    # In no grid, it was refused as outside the operator's grid (只有社区操作员…可以改派), or as 居民已撤销.
    for words in (f"改派 {ticket} {GRID_ONE}", f"督办 {ticket} 尽快处理", f"合并 {ticket} {other}",
                  f"改分类 {ticket} 物业服务", f"不受理 {ticket} 不属于受理范围"):
        said = wechat.send(OPERATOR, words)
        assert lapsed in said and "居民已撤销" not in said, (words, said)
    assert "没有找到" in wechat.send(ZHANG, f"改派 {ticket} {GRID_ONE}")  # one who may not read it learns nothing
    told = CliRunner().invoke(main, ["reassign", ticket, GRID_ONE],
                              env={"GRIDBOT_DATABASE_URL": database_url})
    assert told.exit_code != 0 and lapsed in told.output, told.output
    cast(seeded, clock())
    person = logged_in(create_app(runtime=runtime), "admin")
    for action, form in (("reassign", {"target": GRID_ONE}), ("supervise", {"text": "尽快处理"}),
                         ("reject", {"reason": "不属于受理范围"}), ("merge", {"into": other}),
                         ("reclassify", {"category": "物业服务"})):
        page = person.client.post(f"/console/appeals/{ticket}/{action}",
                                  data={**form, "csrf_token": person.token("/console/")})
        refusal = re.search(r'id="action-refusal"[^>]*>([^<]*)<', page.get_data(as_text=True)).group(1)
        assert page.status_code == 409 and lapsed in refusal, (action, refusal)
    assert appeal(seeded, ticket).status == AppealStatus.CANCELLED


def test_the_consoles_lists_say_an_appeal_lapsed_for_its_address_closed_so_not_withdrawn(wechat, seeded, clock,
                                                                                        runtime):
    lapsed = TICKET.search(wechat.send("o3", "有人晕倒了")).group(0)
    clock.advance(days=30)
    assert sweep(seeded, clock).lapsed == 1
    withdrawn = file(wechat, seeded, clock)
    assert "已撤销" in wechat.send("o1", f"撤销 {withdrawn}")
    cast(seeded, clock())
    person = logged_in(create_app(runtime=runtime), "admin")

    listed = person.get("/console/appeals?status=all").get_data(as_text=True)
    exported = person.get("/console/appeals.csv?status=all").get_data(as_text=True)

    for shown in (listed, exported):
        rows = {ticket: line for line in shown.split("<tr") for ticket in (lapsed, withdrawn) if ticket in line} \
            if shown is listed else {line.split(",")[0]: line for line in shown.splitlines()}
        assert "居民一直未绑定住址，已自动关闭" in rows[lapsed] and "居民已撤销" not in rows[lapsed], rows[lapsed]
        assert "居民已撤销" in rows[withdrawn]
    # Each has a status of its own to list it by: 居民已撤销 is what residents withdrew.
    assert lapsed not in person.get("/console/appeals.csv?status=cancelled").get_data(as_text=True)
    assert withdrawn not in person.get("/console/appeals.csv?status=lapsed").get_data(as_text=True)
    assert lapsed in person.get("/console/appeals.csv?status=lapsed").get_data(as_text=True)


# --- the completion clock ------------------------------------------------------------------------------------

def test_a_task_paused_for_longer_than_its_completion_time_is_brought_back_to_its_holder_and_leader_once(
        wechat, seeded, clock):
    ticket = file(wechat, seeded, clock)
    act(seeded, clock, "claim", ZHANG, ticket)
    act(seeded, clock, "pause", ZHANG, ticket, "等电梯配件")
    paused_at, period = clock(), timedelta(hours=appeal(seeded, ticket).resolve_hours)
    clock.current = paused_at + period - timedelta(minutes=1)
    assert sweep(seeded, clock) == supervision.SweepReport(reminders=0, escalations=0)
    clock.current = paused_at + period
    assert sweep(seeded, clock) == supervision.SweepReport(reminders=1, escalations=0)
    clock.advance(days=30)
    assert sweep(seeded, clock).reminders == 0  # once a pause: it is theirs to 恢复, not a daily nag
    wanted = {"due_at": paused_at.isoformat(), "clock": "paused"}
    assert notices(seeded, "staff_reminder", ticket) == [(WANG, wanted), (ZHANG, wanted)]
    (said,) = worded(seeded, "staff_reminder", ZHANG)
    assert said.startswith(f"【挂起提醒】{ticket} 自 11月22日 10:00 挂起至今，已超过办结时限\n")
    assert said.endswith(f"能办了请回复“恢复 {ticket}”；仍要等的，请回复“进展 {ticket} 说明”告诉居民在等什么。")
    act(seeded, clock, "resume", ZHANG, ticket)
    act(seeded, clock, "pause", ZHANG, ticket, "还是等配件")  # a new pause: its own reminder, a period later
    clock.advance(hours=1)
    assert sweep(seeded, clock).reminders == 0
    clock.current += period
    assert sweep(seeded, clock).reminders == 1


def test_the_assignee_is_reminded_once_at_three_quarters_of_the_completion_time(wechat, seeded, clock):
    ticket = file(wechat, seeded, clock)
    act(seeded, clock, "claim", ZHANG, ticket)
    claimed = appeal(seeded, ticket)
    remind_at = claimed.resolve_due_at - timedelta(hours=claimed.resolve_hours) / 4
    clock.current = remind_at - timedelta(minutes=1)
    assert sweep(seeded, clock).reminders == 0
    clock.current = remind_at
    assert sweep(seeded, clock).reminders == 1
    assert sweep(seeded, clock).reminders == 0
    assert notices(seeded, "staff_reminder", ticket) == [
        (ZHANG, {"due_at": claimed.resolve_due_at.isoformat(), "clock": "resolve"})]


def test_an_overdue_task_climbs_one_level_per_period_up_to_the_street_and_no_further(wechat, seeded, clock):
    add_street_operator(seeded, clock)
    ticket = file(wechat, seeded, clock)
    act(seeded, clock, "claim", ZHANG, ticket)
    claimed = appeal(seeded, ticket)
    due, period = claimed.resolve_due_at, timedelta(hours=claimed.resolve_hours)
    clock.current = due - timedelta(seconds=1)
    assert sweep(seeded, clock).escalations == 0
    climbs_at(seeded, clock, ticket, ((1, due), (2, due + period), (3, due + 2 * period)))
    clock.current = due + 10 * period
    assert sweep(seeded, clock).escalations == 0
    assert sweep(seeded, clock).escalations == 0
    assert appeal(seeded, ticket).escalation_level == 3
    told = {(openid, params["level"]) for openid, params in notices(seeded, "staff_escalated", ticket)}
    assert told == {(WANG, 1), (OPERATOR, 2), (STREET_OPERATOR, 3), (ZHANG, 1), (ZHANG, 2), (ZHANG, 3)}
    assert {params["reason"] for _, params in notices(seeded, "staff_escalated", ticket)} == {"resolve_overdue"}
    assert len(notices(seeded, "staff_escalated", ticket)) == 6
    assert [note for _, _, note, _ in escalation_events(seeded, ticket)] == ["level 1", "level 2", "level 3"]


def test_a_督办_told_to_a_leader_or_an_operator_is_marked_theirs_to_list_with_超期_and_the_holders_is_not(
        wechat, seeded, clock):
    ticket = file(wechat, seeded, clock)
    act(seeded, clock, "claim", ZHANG, ticket)
    claimed = appeal(seeded, ticket)
    clock.current = claimed.resolve_due_at + timedelta(hours=claimed.resolve_hours)
    assert sweep(seeded, clock).escalations == 1
    with seeded.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.template == StaffEscalated.name)).all()
        marked = {row.recipient_openid: json.loads(row.params).get("overseer", False) for row in rows}
    assert marked == {WANG: True, OPERATOR: True, ZHANG: False}


def test_after_a_worker_outage_an_overdue_task_lands_at_its_level_at_once_with_one_notice_each(wechat, seeded,
                                                                                                    clock):
    add_street_operator(seeded, clock)
    ticket = file(wechat, seeded, clock)
    act(seeded, clock, "claim", ZHANG, ticket)
    claimed = appeal(seeded, ticket)
    clock.current = claimed.resolve_due_at + 2 * timedelta(hours=claimed.resolve_hours)  # the worker was down
    assert sweep(seeded, clock).escalations == 1
    for _ in range(3):  # the worker is back and sweeps every 10 s
        clock.advance(seconds=10)
        assert sweep(seeded, clock).escalations == 0
    assert appeal(seeded, ticket).escalation_level == 3
    assert [note for _, _, note, _ in escalation_events(seeded, ticket)] == ["level 1", "level 2", "level 3"]
    assert notices(seeded, "staff_escalated", ticket) == [
        (OPERATOR, escalated(3, "resolve_overdue")), (WANG, escalated(3, "resolve_overdue")),
        (ZHANG, escalated(3, "resolve_overdue")), (STREET_OPERATOR, escalated(3, "resolve_overdue"))]


def test_after_a_worker_outage_an_unclaimed_task_lands_at_its_level_at_once_and_climbs_on_from_there(
        wechat, seeded, clock):
    ticket = file(wechat, seeded, clock)
    waiting = appeal(seeded, ticket)
    due, period = waiting.response_due_at, timedelta(hours=waiting.response_hours)
    clock.current = due + period  # down since before the 网格长's 督办 was due
    assert sweep(seeded, clock).escalations == 1
    clock.advance(seconds=10)
    assert sweep(seeded, clock).escalations == 0
    assert notices(seeded, "staff_escalated", ticket) == [(OPERATOR, escalated(2, "response_overdue")),
                                                         (WANG, escalated(2, "response_overdue"))]
    climbs_at(seeded, clock, ticket, ((3, due + 2 * period),))
    assert [note for _, _, note, _ in escalation_events(seeded, ticket)] == ["level 1", "level 2", "level 3"]


def two_sweeps_at_once(seeded, clock):
    """Two workers' sweeps started at the same moment; their reports."""
    barrier = threading.Barrier(2)

    def run(_):
        barrier.wait()
        with seeded.transaction() as session:
            return supervision.sweep(session, clock())

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(run, range(2)))


def test_two_workers_catching_up_after_an_outage_escalate_once(wechat, seeded, clock):
    ticket = file(wechat, seeded, clock)
    act(seeded, clock, "claim", ZHANG, ticket)
    claimed = appeal(seeded, ticket)
    clock.current = claimed.resolve_due_at + 2 * timedelta(hours=claimed.resolve_hours)
    reports = two_sweeps_at_once(seeded, clock)
    assert sum(report.escalations for report in reports) == 1
    assert len(escalation_events(seeded, ticket)) == 3
    assert [openid for openid, _ in notices(seeded, "staff_escalated", ticket)] == [OPERATOR, WANG, ZHANG]


def test_a_task_claimed_after_an_unclaimed_escalation_climbs_from_the_grid_leader(wechat, seeded, clock):
    ticket = file(wechat, seeded, clock)
    clock.advance(minutes=31)
    assert sweep(seeded, clock).escalations == 1
    act(seeded, clock, "claim", LI, ticket)
    clock.current = appeal(seeded, ticket).resolve_due_at
    assert sweep(seeded, clock).escalations == 1
    assert appeal(seeded, ticket).escalation_level == 2
    assert (OPERATOR, escalated(2, "resolve_overdue")) in notices(seeded, "staff_escalated", ticket)


def test_an_appeal_reopened_long_after_its_deadline_climbs_from_the_reopening_not_all_levels_at_once(wechat, seeded,
                                                                                                      clock):
    ticket = file(wechat, seeded, clock)
    act(seeded, clock, "claim", ZHANG, ticket)
    claimed = appeal(seeded, ticket)
    period = timedelta(hours=claimed.resolve_hours)
    clock.current = claimed.resolve_due_at + 2 * period  # resolved late, then rated 不满意
    act(seeded, clock, "resolve", ZHANG, ticket, "已修好")
    wechat.send("o1", "3")
    assert appeal(seeded, ticket).status == AppealStatus.ACCEPTED
    for _ in range(3):  # the worker sweeps every 10 s: before, 网格长, community and street within 30 s
        clock.advance(seconds=10)
        sweep(seeded, clock)
    assert [note for _, _, note, _ in escalation_events(seeded, ticket)] == ["level 1"]
    clock.advance(hours=claimed.resolve_hours)  # a full period since the reopening
    assert sweep(seeded, clock).escalations == 1


def test_the_督办_of_a_departments_overdue_task_names_the_officer_with_their_department(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_wu", name="吴刚", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          active=True, created_at=clock()))
    ticket = file(wechat, seeded, clock)
    act(seeded, clock, "transfer", ZHANG, ticket, "综合执法中队", sensitive=frozenset())
    act(seeded, clock, "claim", "dept_wu", ticket)
    clock.current = appeal(seeded, ticket).resolve_due_at

    assert sweep(seeded, clock).escalations == 1

    [told] = worded(seeded, "staff_escalated", WANG)
    assert "经办人：吴刚（综合执法中队）" in told and "请联系经办人吴刚（综合执法中队）了解原因" in told


def test_a_long_overdue_task_claimed_again_after_a_hand_over_climbs_from_its_new_claim(wechat, seeded, clock):
    ticket = file(wechat, seeded, clock)
    act(seeded, clock, "claim", ZHANG, ticket)
    claimed = appeal(seeded, ticket)
    period = timedelta(hours=claimed.resolve_hours)
    clock.current = claimed.resolve_due_at + 2 * period
    while sweep(seeded, clock).escalations:
        clock.advance(seconds=10)
    with seeded.transaction() as session:  # 张伟 left (gridbot staff disable 张伟): his task is back with the grid
        roster.disable(session, member(session, ZHANG), None, clock(), ())
    clock.advance(minutes=5)
    act(seeded, clock, "claim", LI, ticket)
    before = len(escalation_events(seeded, ticket))
    for _ in range(3):  # the worker sweeps every 10 s: before, three levels came in 30 s, each to 李娜
        clock.advance(seconds=10)
        sweep(seeded, clock)
    assert [note for _, _, note, _ in escalation_events(seeded, ticket)[before:]] == ["level 1"]
    assert (LI, escalated(1, "resolve_overdue")) in notices(seeded, "staff_escalated", ticket)
    assert (LI, escalated(2, "resolve_overdue")) not in notices(seeded, "staff_escalated", ticket)
    clock.advance(hours=claimed.resolve_hours)  # a further full period overdue since the new claim
    assert sweep(seeded, clock).escalations == 1
    assert appeal(seeded, ticket).escalation_level == 2


def test_a_paused_task_is_not_escalated_and_resuming_keeps_the_time_it_had_left(wechat, seeded, clock):
    ticket = file(wechat, seeded, clock)
    act(seeded, clock, "claim", ZHANG, ticket)
    clock.advance(hours=1)
    act(seeded, clock, "pause", ZHANG, ticket, "等电梯配件")
    clock.advance(days=10)
    assert sweep(seeded, clock) == supervision.SweepReport(reminders=1, escalations=0)  # to 恢复 it, once
    assert appeal(seeded, ticket).escalation_level == 0
    act(seeded, clock, "resume", ZHANG, ticket)
    assert sweep(seeded, clock) == supervision.SweepReport(reminders=0, escalations=0)
    clock.current = appeal(seeded, ticket).resolve_due_at
    assert sweep(seeded, clock).escalations == 1
    assert escalation_events(seeded, ticket) == [("system", None, "level 1", True)]


def test_two_workers_sweeping_at_the_same_moment_remind_and_escalate_once(wechat, seeded, clock):
    ticket = file(wechat, seeded, clock)
    clock.advance(minutes=90)  # both the reminder (75 % of 2 hours) and the unclaimed escalation are due
    reports = two_sweeps_at_once(seeded, clock)
    assert sum(report.reminders for report in reports) == 1
    assert sum(report.escalations for report in reports) == 1
    assert notices(seeded, "staff_escalated", ticket) == [(WANG, escalated(1, "unclaimed"))]
    assert [openid for openid, _ in notices(seeded, "staff_reminder", ticket)] == [LI, ZHANG]  # 王强 has the 督办
    assert len(escalation_events(seeded, ticket)) == 1


def test_the_worker_sweeps_with_the_configured_unclaimed_minutes(wechat, worker_runtime, seeded, clock):
    ticket = file(wechat, seeded, clock)
    clock.advance(minutes=6)
    assert schedule.supervise_once(worker_runtime).escalations == 0  # the default: 30 minutes
    impatient = dataclasses.replace(worker_runtime, settings=worker_runtime.settings.with_(unclaimed_minutes=5))
    assert schedule.supervise_once(impatient).escalations == 1
    assert appeal(seeded, ticket).escalation_level == 1


def test_the_worker_takes_the_write_lock_only_when_something_is_due(wechat, seeded, clock, worker_runtime,
                                                                  monkeypatch):
    file(wechat, seeded, clock)
    opened = []
    transaction = seeded.transaction

    def counted():  # type: ignore[no-untyped-def]
        opened.append(clock())
        return transaction()
    monkeypatch.setattr(seeded, "transaction", counted)
    clock.advance(minutes=29)
    assert schedule.supervise_once(worker_runtime) == supervision.SweepReport()
    assert opened == []  # looked at on a read-only session: nothing due, no write transaction
    clock.advance(minutes=2)
    assert schedule.supervise_once(worker_runtime).escalations == 1
    assert len(opened) == 1


def test_the_unclaimed_minutes_come_from_the_environment_and_must_be_positive():
    env = {"WECHAT_TOKEN": "t", "WECHAT_APPID": "wx1", "GRIDBOT_SECRET_KEY": TEST_SECRET_KEY}
    assert Settings.from_env(env).unclaimed_minutes == 30
    assert Settings.from_env({**env, "GRIDBOT_UNCLAIMED_MINUTES": "45"}).unclaimed_minutes == 45
    for bad in ("0", "-5", "半小时"):
        with pytest.raises(SettingsError, match="GRIDBOT_UNCLAIMED_MINUTES"):
            Settings.from_env({**env, "GRIDBOT_UNCLAIMED_MINUTES": bad})


# --- 派单 ----------------------------------------------------------------------------------------------------

def test_派单_gives_the_task_to_the_member_with_fewer_open_tasks_and_only_they_get_the_card(wechat, seeded, clock):
    set_mode(seeded, "assign")
    first = file(wechat, seeded, clock)
    assert appeal(seeded, first).assignee_staff_id == staff_id(seeded, ZHANG)  # a tie: the lower staff id
    act(seeded, clock, "claim", ZHANG, first)
    second = file(wechat, seeded, clock)
    given = appeal(seeded, second)
    assert (given.status, given.assignee_staff_id) == (AppealStatus.DISPATCHED, staff_id(seeded, LI))
    assert [openid for openid, _ in notices(seeded, "staff_new_appeal", first)] == [ZHANG]
    assert [openid for openid, _ in notices(seeded, "staff_new_appeal", second)] == [LI]


def test_in_派单_another_member_may_not_claim_but_the_grid_leader_may(wechat, seeded, clock):
    set_mode(seeded, "assign")
    ticket = file(wechat, seeded, clock)
    with pytest.raises(NotAllowed) as refused:
        act(seeded, clock, "claim", LI, ticket)
    assert refused.value.reason == "assigned_to_other"
    assert appeal(seeded, ticket).status == AppealStatus.DISPATCHED
    act(seeded, clock, "claim", WANG, ticket)
    taken = appeal(seeded, ticket)
    assert (taken.status, taken.assignee_staff_id) == (AppealStatus.ACCEPTED, staff_id(seeded, WANG))
    assert [openid for openid, _ in notices(seeded, "staff_taken", ticket)] == [ZHANG]  # who had the card


def test_a_burst_of_派单_appeals_dispatched_together_is_spread_over_the_members(wechat, seeded, clock):
    set_mode(seeded, "assign")
    tickets = file(wechat, seeded, clock, count=4)
    assignees = [appeal(seeded, ticket).assignee_staff_id for ticket in tickets]
    zhang, li = staff_id(seeded, ZHANG), staff_id(seeded, LI)
    assert assignees == [zhang, li, zhang, li]


def test_派单_passes_over_a_member_who_is_off_duty(wechat, seeded, clock):
    set_mode(seeded, "assign")
    act(seeded, clock, "claim", ZHANG, file(wechat, seeded, clock))
    set_on_duty(seeded, LI, False)
    ticket = file(wechat, seeded, clock)
    assert appeal(seeded, ticket).assignee_staff_id == staff_id(seeded, ZHANG)


def test_with_nobody_on_duty_派单_sends_the_card_to_the_grid_leader_unassigned(wechat, seeded, clock):
    set_mode(seeded, "assign")
    set_on_duty(seeded, ZHANG, False)
    set_on_duty(seeded, LI, False)
    ticket = file(wechat, seeded, clock)
    assert appeal(seeded, ticket).assignee_staff_id is None
    assert [openid for openid, _ in notices(seeded, "staff_new_appeal", ticket)] == [WANG]


def test_抢单_cards_skip_a_member_on_leave_while_another_is_on_duty(wechat, seeded, clock):
    # The default mode sent every card to a member on leave, whom 请假 had told "请假期间派单不会给您派新任务".
    set_on_duty(seeded, LI, False)
    ticket = file(wechat, seeded, clock)
    assert sorted(openid for openid, _ in notices(seeded, "staff_new_appeal", ticket)) == sorted([ZHANG, WANG])


def test_抢单_with_every_member_on_leave_still_reaches_them_all(wechat, seeded, clock):
    set_on_duty(seeded, ZHANG, False)
    set_on_duty(seeded, LI, False)
    ticket = file(wechat, seeded, clock)
    assert sorted(openid for openid, _ in notices(seeded, "staff_new_appeal", ticket)) == sorted([ZHANG, LI, WANG])


def test_in_派单_the_chosen_member_alone_is_reminded_and_hears_of_the_escalation(wechat, seeded, clock):
    set_mode(seeded, "assign")
    ticket = file(wechat, seeded, clock)
    clock.advance(minutes=31)
    assert sweep(seeded, clock).escalations == 1
    given = {**escalated(1, "unclaimed"), "given_to": "张伟"}  # whom the leader chases
    assert notices(seeded, "staff_escalated", ticket) == [(WANG, given), (ZHANG, given)]
    clock.advance(minutes=59)
    assert sweep(seeded, clock).reminders == 1
    assert [openid for openid, _ in notices(seeded, "staff_reminder", ticket)] == [ZHANG]


# --- gridbot grid mode -------------------------------------------------------------------------------------

@pytest.fixture
def grid_mode(seeded, database_url):
    """`gridbot grid mode ARGS` on the seeded test database; returns click's result."""

    def run(*args):
        return CliRunner().invoke(main, ["grid", "mode", *args], env={"GRIDBOT_DATABASE_URL": database_url})

    return run


def mode_of(seeded, grid_name):
    with seeded.transaction() as session:
        return staff.find_grid(session, grid_name).dispatch_mode


def test_gridbot_grid_mode_switches_a_grid_to_派单_and_back(grid_mode, seeded):
    result = grid_mode(GRID_ONE, "派单")
    assert result.exit_code == 0, result.output
    assert f"已将 {GRID_ONE} 设为派单模式" in result.output
    assert mode_of(seeded, GRID_ONE) == "assign"
    assert mode_of(seeded, "和平社区/第一网格") == "grab"
    assert "已经是派单模式" in grid_mode("幸福里社区/第一网格", "派单").output
    assert grid_mode(GRID_ONE, "抢单").exit_code == 0
    assert mode_of(seeded, GRID_ONE) == "grab"


def test_gridbot_grid_mode_refuses_an_unclear_grid_or_an_unknown_mode(grid_mode, seeded):
    ambiguous = grid_mode("第一网格", "派单")
    assert ambiguous.exit_code == 1
    assert "不唯一" in ambiguous.output and "和平社区·第一网格" in ambiguous.output
    unknown = grid_mode("幸福里社区/第九网格", "派单")
    assert unknown.exit_code == 1 and "找不到网格" in unknown.output
    bad_mode = grid_mode(GRID_ONE, "随便")
    assert bad_mode.exit_code == 1 and "只能是“抢单”或“派单”" in bad_mode.output
    with seeded.transaction() as session:
        assert set(session.scalars(select(Grid.dispatch_mode))) == {"grab"}


# --- task cards cut off by a crash (outcome unknown) ---------------------------------------------------------


def no_marks(_claims):
    """A worker's marks that say nothing (another Redis server now): every abandoned row is outcome unknown."""
    return {}


def lose_cards(seeded, clock):
    """Every task card was claimed by a worker that died during the send; the relay fails them later."""
    with seeded.transaction() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.template == StaffNewAppeal.name)
                        .values(status=OutboxStatus.SENDING, sending_at=clock()))
    clock.advance(minutes=11)
    with seeded.transaction() as session:
        return supervision.report_lost_cards(session, outbox.settle_abandoned(session, clock(), no_marks), clock())


def test_lost_cards_go_to_the_grid_leader_and_the_leaders_own_to_the_community_operators(wechat, seeded, clock):
    ticket = file(wechat, seeded, clock)  # 抢单: cards to 张伟, 李娜 and the 网格长 王强
    assert lose_cards(seeded, clock) == 3
    with seeded.transaction() as session:
        assert supervision.report_lost_cards(session, outbox.settle_abandoned(session, clock(), no_marks), clock()) == 0
    assert notices(seeded, StaffCardLost.name, ticket) == [
        (OPERATOR, {"holder": "王强"}), (WANG, {"holder": "张伟"}), (WANG, {"holder": "李娜"})]
    with seeded.transaction() as session:
        events = session.scalars(select(AppealEvent).where(AppealEvent.action == "card_lost")).all()
    assert sorted((e.note, e.internal) for e in events) == [("张伟", True), ("李娜", True), ("王强", True)]


def test_the_督办_of_a_task_given_to_a_member_on_leave_asks_the_leader_to_改派_it_not_to_chase_them(wechat, seeded,
                                                                                                   clock):
    # It said 请联系张伟尽快接单 of 张伟, away on leave for days.
    set_mode(seeded, "assign")
    ticket = file(wechat, seeded, clock)
    assert appeal(seeded, ticket).assignee_staff_id == staff_id(seeded, ZHANG)
    set_on_duty(seeded, ZHANG, False)  # 请假 after the card came
    clock.advance(minutes=31)
    assert sweep(seeded, clock).escalations == 1
    away = {**escalated(1, "unclaimed"), "given_to": "张伟", "given_to_away": True}
    assert notices(seeded, "staff_escalated", ticket) == [(WANG, away), (ZHANG, away)]
    with seeded.transaction() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.template == "staff_escalated",
                                                          OutboxMessage.recipient_openid == WANG)).one()
        text = notifications.render(row.template, json.loads(row.params))
    assert text.endswith(f"已派给张伟，尚未接单，张伟正在请假：请回复“改派 {ticket} 姓名”交给在岗的人；回复“查询 {ticket}”查看详情。")


def test_a_lost_card_is_told_to_the_community_operators_while_the_grid_leader_is_on_leave(wechat, seeded, clock):
    # The 网格长 on leave was asked to 确认 with 张伟 and 李娜; nobody at work heard the cards may not have arrived.
    ticket = file(wechat, seeded, clock)  # 抢单: cards to 张伟, 李娜 and the 网格长 王强
    set_on_duty(seeded, WANG, False)
    lose_cards(seeded, clock)
    assert notices(seeded, StaffCardLost.name, ticket) == [
        (OPERATOR, {"holder": "张伟"}), (OPERATOR, {"holder": "李娜"}), (OPERATOR, {"holder": "王强"})]


def test_a_lost_card_of_an_appeal_claimed_meanwhile_is_recorded_but_nobody_is_disturbed(wechat, seeded, clock):
    ticket = file(wechat, seeded, clock)
    act(seeded, clock, "claim", LI, ticket)
    assert lose_cards(seeded, clock) == 3
    assert notices(seeded, StaffCardLost.name) == []
    assert len(escalation_events(seeded, ticket)) == 0



def test_a_派单_task_whose_grid_is_all_on_leave_is_reminded_and_督办_to_the_operators_holding_it(wechat, seeded,
                                                                                            clock):
    # The card went to the community's operators (OPERATOR_AWAY_CARD); the reminder went to the members on leave,
    # the level-1 督办 to the 网格长 on leave, and the operators heard only at level 2, told to chase the grid.
    set_mode(seeded, "assign")
    for openid in (ZHANG, LI, WANG):
        set_on_duty(seeded, openid, False)
    ticket = file(wechat, seeded, clock)
    assert [openid for openid, _ in notices(seeded, "staff_new_appeal", ticket)] == [OPERATOR]
    dispatched_at, due = clock(), appeal(seeded, ticket).response_due_at
    clock.current = dispatched_at + timedelta(minutes=31)
    assert sweep(seeded, clock).escalations == 1
    assert notices(seeded, "staff_escalated", ticket) == [(OPERATOR, {**escalated(1, "unclaimed"), "grid_away": True})]
    clock.current = dispatched_at + (due - dispatched_at) * 0.75
    assert sweep(seeded, clock).reminders == 1
    wanted = {"due_at": due.isoformat(), "clock": "response", "grid_away": True}
    assert notices(seeded, "staff_reminder", ticket) == [(OPERATOR, wanted)]
    with seeded.transaction() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.template == "staff_escalated")).one()
        text = notifications.render(row.template, json.loads(row.params))
    assert "都不在岗" in text and f"改派 {ticket}" in text and "督促网格" not in text


def test_a_网格长_on_leave_is_passed_over_by_the_督办_for_the_operators(wechat, seeded, clock):
    set_on_duty(seeded, WANG, False)
    ticket = file(wechat, seeded, clock)
    clock.advance(minutes=31)
    assert sweep(seeded, clock).escalations == 1
    assert [openid for openid, _ in notices(seeded, "staff_escalated", ticket)] == [OPERATOR]


# --- leave arranged for a later day, as it begins ------------------------------------------------------------

def test_the_grid_leader_hears_which_tasks_a_member_holds_when_her_leave_for_a_later_day_begins(
        wechat, seeded, clock, worker_runtime):
    # Leave taken today told the 网格长 which open tasks she holds; leave said for tomorrow began at midnight in
    # silence, though she had claimed more tasks since arranging it.
    wechat.send(LI, "我明天请假")
    ticket = file(wechat, seeded, clock)
    wechat.dialog(LI, [(f"接单 {ticket}", "接单成功")])
    [arranged] = worded(seeded, "staff_member_on_leave", WANG)
    assert "将于 11月23日起请假" in arranged and ticket not in arranged
    schedule.supervise_once(worker_runtime)
    assert len(worded(seeded, "staff_member_on_leave", WANG)) == 1  # not begun yet

    clock.advance(hours=14, minutes=1)  # 11月23日 00:01: begun, but the quiet hours let the 网格长 sleep
    schedule.supervise_once(worker_runtime)
    assert len(worded(seeded, "staff_member_on_leave", WANG)) == 1
    clock.advance(hours=7)  # 07:01
    schedule.supervise_once(worker_runtime)
    schedule.supervise_once(worker_runtime)  # once

    assert worded(seeded, "staff_member_on_leave", WANG)[1:] == [
        f"【请假】李娜请假至 11月23日，手上 1 件未办结的任务仍在其名下：{ticket}。需要尽快办理的，请回复“改派 编号 姓名”交给在岗的人。"]


def test_no_notice_when_leave_for_a_later_day_begins_and_she_holds_nothing_or_cancelled_it(
        wechat, seeded, clock, worker_runtime):
    wechat.send(LI, "我明天请假")
    ticket = file(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功")])
    wechat.send(ZHANG, "请假 明天")
    wechat.send(ZHANG, "销假")
    clock.advance(hours=22)  # 11月23日 08:00
    assert schedule.tell_leaves_begun(worker_runtime, clock()) == 0
    assert [told for told in worded(seeded, "staff_member_on_leave", WANG) if "将于" not in told] == []
