"""Deadlines of a category that counts working days: across 国庆节 and its make-up Saturday, through a pause, a
reassignment and a correction of the category; a category that does not opt in keeps exact hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from storage import appeals, dispatch, queries, reassigning, review, supervision, tasks, taxonomy_versions
from storage.models import Appeal, Resident, Staff, StaffRole
from storage.workdays import LOCAL_ZONE
from tests.support.database import worded
from tests.support.personas import RESIDENT, ZHANG
from tests.support.races import second_while_first_open

pytestmark = pytest.mark.postgres

# Wednesday 30 September 2026, 16:00: 8 hours of that working day are left; 1–7 October are 国庆节; 8 and 9
# October are a Thursday and a Friday; Saturday 10 October is a make-up working day (调休); 11 October a Sunday.
FILED = datetime(2026, 9, 30, 16, tzinfo=LOCAL_ZONE)


def bj(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=LOCAL_ZONE)


def _file(database, working_days: bool) -> str:  # type: ignore[no-untyped-def]
    intake = appeals.Intake(content="楼道灯坏了", channel=appeals.Channel.TEXT, category="公共设施", confidence=1.0,
                            keywords=(), raw_message={}, response_hours=24, resolve_hours=72,
                            working_days=working_days)
    with database.transaction() as session:
        resident = session.scalars(select(Resident).where(Resident.openid == RESIDENT)).one()
        filed = appeals.file_appeal(session, resident, intake, FILED)
        dispatch.dispatch_pending(session, FILED, ())
    return filed.ticket


def _appeal(database, ticket: str) -> Appeal:  # type: ignore[no-untyped-def]
    with database.transaction() as session:
        appeal = session.scalars(select(Appeal).where(Appeal.ticket == ticket)).one()
        session.expunge(appeal)
        return appeal


def test_working_day_limits_skip_the_holiday_and_count_the_make_up_saturday(seeded):
    appeal = _appeal(seeded, _file(seeded, working_days=True))
    assert appeal.working_days
    # 接单 24 h: 8 h on 30 Sep, then 16 h of 8 Oct.
    assert appeal.response_due_at == bj(10, 8, 16)
    # 办结 72 h: 8 h on 30 Sep, 24 on 8 Oct, 24 on 9 Oct, 16 on the make-up Saturday.
    assert appeal.resolve_due_at == bj(10, 10, 16)


def test_hours_limits_stay_exact_hours(seeded):
    appeal = _appeal(seeded, _file(seeded, working_days=False))
    assert not appeal.working_days
    assert (appeal.response_due_at, appeal.resolve_due_at) == (FILED + timedelta(hours=24), FILED + timedelta(hours=72))


def _paused_over_the_holiday(seeded, working_days: bool) -> str:
    """An appeal claimed on 30 Sep, paused 20:00 that day until 12:00 on 8 Oct; its ticket."""
    ticket = _file(seeded, working_days=working_days)
    with seeded.transaction() as session:
        member = session.scalars(select(Staff).where(Staff.openid == ZHANG)).one()
        tasks.claim(session, member, ticket, bj(9, 30, 17))
        tasks.pause(session, member, ticket, "等配件", bj(9, 30, 20))
        tasks.resume(session, member, ticket, bj(10, 8, 12))
    return ticket


def test_a_pause_gives_back_only_the_working_time_it_took(seeded):
    # Paused 20:00 on 30 Sep until 12:00 on 8 Oct: 4 h of 30 Sep and 12 h of 8 Oct were working time.
    ticket = _paused_over_the_holiday(seeded, working_days=True)
    # 10 Oct 16:00 + 16 working hours: 8 more on the Saturday, Sunday off, 8 on Monday 12 Oct.
    assert _appeal(seeded, ticket).resolve_due_at == bj(10, 12, 8)


def test_a_plain_pause_gives_back_every_hour(seeded):
    ticket = _paused_over_the_holiday(seeded, working_days=False)
    assert _appeal(seeded, ticket).resolve_due_at == FILED + timedelta(hours=72) + (bj(10, 8, 12) - bj(9, 30, 20))


def test_a_reassignment_restarts_the_response_clock_on_working_days(seeded):
    ticket = _file(seeded, working_days=True)
    with seeded.transaction() as session:
        reassigning.reassign(session, None, ticket, "和平社区·第一网格", bj(10, 9, 18), ())
    # Friday 18:00: 6 h that Friday, 18 h of the make-up Saturday.
    assert _appeal(seeded, ticket).response_due_at == bj(10, 10, 18)


def test_a_corrected_category_shifts_the_deadlines_on_its_own_clock(seeded):
    ticket = _file(seeded, working_days=False)
    new = review.NewCategory("市容环境", response_hours=24, resolve_hours=96, working_days=True)
    with seeded.transaction() as session:
        operator = session.scalars(select(Staff).where(Staff.role == "operator")).first()
        assert operator is not None
        review.reclassify(session, operator, ticket, new, bj(9, 30, 17))
    appeal = _appeal(seeded, ticket)
    # 3 Oct 16:00 (72 plain hours, in the holiday) moved on by 24 working hours: all of 8 Oct.
    assert appeal.working_days and appeal.resolve_due_at == bj(10, 9)


def test_a_category_corrected_as_the_task_is_reassigned_shifts_the_fresh_deadline_not_the_old_one(seeded):
    # 改分类 computed the new deadline from the one it had read, and on PostgreSQL wrote it over the fresh response
    # clock a 改派 at the same moment had just given: the new grid's deadline went back to the old one's, in the past.
    raced, alone = _file(seeded, working_days=False), _file(seeded, working_days=False)
    new = review.NewCategory("市容环境", response_hours=12, resolve_hours=96, working_days=False)
    at = FILED + timedelta(days=3)

    def move(ticket):
        return lambda session: reassigning.reassign(session, None, ticket, "幸福里社区·第二网格", at, ())

    def correct(ticket):
        def step(session):
            operator = session.scalars(select(Staff).where(Staff.role == "operator")).first()
            review.reclassify(session, operator, ticket, new, at)
        return step

    assert second_while_first_open(seeded, move(raced), correct(raced)) == ("done", "done")
    with seeded.transaction() as session:
        move(alone)(session)
    with seeded.transaction() as session:
        correct(alone)(session)
    assert _appeal(seeded, raced).response_due_at == _appeal(seeded, alone).response_due_at == at + timedelta(hours=12)


def test_an_overdue_working_day_task_climbs_a_level_per_period_of_working_time_not_over_the_holiday(seeded):
    # Filed Wednesday 23 September 10:00, 72 working hours: 中秋节 (25–27 Sep) stops the clock, due 29 Sep 10:00.
    intake = appeals.Intake(content="楼道灯坏了", channel=appeals.Channel.TEXT, category="公共设施", confidence=1.0,
                            keywords=(), raw_message={}, response_hours=24, resolve_hours=72, working_days=True)
    with seeded.transaction() as session:
        resident = session.scalars(select(Resident).where(Resident.openid == RESIDENT)).one()
        ticket = appeals.file_appeal(session, resident, intake, bj(9, 23, 10)).ticket
        dispatch.dispatch_pending(session, bj(9, 23, 10), ())
        tasks.claim(session, session.scalars(select(Staff).where(Staff.openid == ZHANG)).one(), ticket,
                    bj(9, 23, 11))
    assert _appeal(seeded, ticket).resolve_due_at == bj(9, 29, 10)

    def level_at(moment: datetime) -> int:
        with seeded.transaction() as session:
            supervision.sweep(session, moment)
        return _appeal(seeded, ticket).escalation_level

    assert level_at(bj(9, 29, 10)) == 1
    # 72 more hours of the calendar end on 2 October, in 国庆节: nobody works, nobody is escalated to.
    assert level_at(bj(10, 2, 10)) == 1
    assert level_at(bj(10, 7, 23)) == 1
    # 14 h of 29 Sep, 24 of 30 Sep, 24 of 8 Oct, 10 of 9 Oct: the community's operators on 9 October at 10:00.
    assert level_at(bj(10, 9, 9)) == 1
    assert level_at(bj(10, 9, 10)) == 2


SHIPPED_TAXONOMY = (Path(__file__).parents[2] / "nlp" / "data" / "taxonomy.toml").read_text(encoding="utf-8")
MUNICIPAL = 'name = "市政设施"\nresponse_hours = 4\nresolve_hours = 120\nroute = "grid"\n'


def test_the_receipt_of_a_working_day_category_says_its_limits_are_working_days(wechat, runtime, clock):
    assert MUNICIPAL in SHIPPED_TAXONOMY
    with runtime.database.transaction() as session:
        taxonomy_versions.save(session, SHIPPED_TAXONOMY.replace(MUNICIPAL, MUNICIPAL + "working_days = true\n"),
                               None, clock())
    runtime.taxonomy.forget()
    clock.current = FILED  # the eve of 国庆节: five working days end on 13 October
    receipt = wechat.send(RESIDENT, "3号楼门口的路灯坏了，晚上走路看不见")
    assert "类别：市政设施" in receipt
    assert "时限：4个工作小时内响应，5个工作日内办结（周末和节假日不计）" in receipt


def test_the_receipt_of_an_hours_category_says_hours_and_days(wechat, runtime, clock):
    receipt = wechat.send(RESIDENT, "3号楼门口的路灯坏了，晚上走路看不见")
    assert "时限：4小时内响应，5天内办结\n" in receipt


def _reminded_at(seeded, ticket: str, moment: datetime) -> int:  # type: ignore[no-untyped-def]
    """Reminders the worker's sweep sends at `moment` (its `due` first, then the sweep of those, as the worker)."""
    with seeded.read() as session:
        due = supervision.due(session, moment)
    with seeded.transaction() as session:
        return supervision.sweep(session, moment, only=due).reminders


def test_a_working_day_task_due_just_after_the_holiday_is_reminded_of_before_the_holiday(seeded):
    # Filed and claimed Monday 28 September 10:00, 72 working hours: 14 h of 28 Sep, 24 of 29 and of 30 Sep, 10 of
    # 8 Oct. Three quarters of it are gone at 16:00 on 30 Sep (18 h left); in hours of the calendar, that would be
    # 16:00 on 7 October, the last afternoon of 国庆节.
    intake = appeals.Intake(content="楼道灯坏了", channel=appeals.Channel.TEXT, category="公共设施", confidence=1.0,
                            keywords=(), raw_message={}, response_hours=24, resolve_hours=72, working_days=True)
    with seeded.transaction() as session:
        resident = session.scalars(select(Resident).where(Resident.openid == RESIDENT)).one()
        ticket = appeals.file_appeal(session, resident, intake, bj(9, 28, 10)).ticket
        dispatch.dispatch_pending(session, bj(9, 28, 10), ())
        tasks.claim(session, session.scalars(select(Staff).where(Staff.openid == ZHANG)).one(), ticket,
                    bj(9, 28, 10))
    assert _appeal(seeded, ticket).resolve_due_at == bj(10, 8, 10)

    assert _reminded_at(seeded, ticket, bj(9, 30, 15)) == 0
    assert _reminded_at(seeded, ticket, bj(9, 30, 16)) == 1
    assert _reminded_at(seeded, ticket, bj(10, 7, 16)) == 0


def test_a_working_day_claim_due_on_monday_is_reminded_of_on_monday_not_on_sunday_night(seeded):
    # Friday 9 October is a working day and Saturday 10 October a make-up one; filed Friday 16 October 16:00, 24
    # working hours to claim: 8 h of Friday, 16 of Monday 19 October. Three quarters in: Monday 10:00 (in hours of
    # the calendar: Sunday 22:00).
    intake = appeals.Intake(content="楼道灯坏了", channel=appeals.Channel.TEXT, category="公共设施", confidence=1.0,
                            keywords=(), raw_message={}, response_hours=24, resolve_hours=72, working_days=True)
    with seeded.transaction() as session:
        resident = session.scalars(select(Resident).where(Resident.openid == RESIDENT)).one()
        ticket = appeals.file_appeal(session, resident, intake, bj(10, 16, 16)).ticket
        dispatch.dispatch_pending(session, bj(10, 16, 16), ())
    assert _appeal(seeded, ticket).response_due_at == bj(10, 19, 16)

    assert _reminded_at(seeded, ticket, bj(10, 18, 22)) == 0
    assert _reminded_at(seeded, ticket, bj(10, 19, 10)) == 1


def _claimed_friday_evening(seeded) -> str:  # type: ignore[no-untyped-def]
    """A working-day appeal (24 h to claim) filed and claimed on Friday 16 October 2026 at 10:00; its ticket."""
    intake = appeals.Intake(content="楼道灯坏了", channel=appeals.Channel.TEXT, category="公共设施", confidence=1.0,
                            keywords=(), raw_message={}, response_hours=24, resolve_hours=72, working_days=True)
    with seeded.transaction() as session:
        resident = session.scalars(select(Resident).where(Resident.openid == RESIDENT)).one()
        ticket = appeals.file_appeal(session, resident, intake, bj(10, 16, 10)).ticket
        dispatch.dispatch_pending(session, bj(10, 16, 10), ())
        tasks.claim(session, session.scalars(select(Staff).where(Staff.openid == ZHANG)).one(), ticket,
                    bj(10, 16, 10))
    return ticket


NEVER = timedelta(days=365)  # GRIDBOT_UNCLAIMED_MINUTES out of the way: the deadline alone escalates


def _late_at(seeded, ticket: str, moment: datetime) -> tuple[int, bool]:  # type: ignore[no-untyped-def]
    """The escalations for being late the worker's sweep makes at `moment` (none for being unclaimed a while), and
    whether the overdue list has the appeal then."""
    with seeded.read() as session:
        due = supervision.due(session, moment, NEVER)
        listed = any(item.appeal.ticket == ticket for item in queries.overdue(session, moment))
    with seeded.transaction() as session:
        return supervision.sweep(session, moment, NEVER, only=due).escalations, listed


def test_a_working_day_task_transferred_on_friday_evening_is_due_at_the_department_on_monday(seeded):
    ticket = _claimed_friday_evening(seeded)
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_wuye", name="物业钱经理", role=StaffRole.PROPERTY, department="阳光物业",
                          active=True, created_at=bj(10, 16, 10)))
        tasks.transfer(session, session.scalars(select(Staff).where(Staff.openid == ZHANG)).one(), ticket,
                       "阳光物业", bj(10, 16, 18), frozenset())
    # 24 working hours from Friday 18:00: 6 h of Friday, then 18 h of Monday 19 October.
    with seeded.read() as session:
        [waiting] = [item for item in queries.unclaimed(session) if item.appeal.ticket == ticket]
    assert waiting.due == bj(10, 19, 18)
    assert _late_at(seeded, ticket, bj(10, 17, 18)) == (0, False)  # Saturday: nobody is chased
    assert _late_at(seeded, ticket, bj(10, 19, 17)) == (0, False)
    assert _late_at(seeded, ticket, bj(10, 19, 18)) == (1, True)


def test_a_working_day_task_given_back_on_friday_evening_is_not_escalated_over_the_weekend(seeded):
    ticket = _claimed_friday_evening(seeded)
    with seeded.transaction() as session:
        tasks.give_back(session, session.scalars(select(Staff).where(Staff.openid == ZHANG)).one(), ticket,
                        "不归本网格", bj(10, 16, 18))
    assert _late_at(seeded, ticket, bj(10, 17, 18)) == (0, False)  # Saturday: the operators are off
    assert _late_at(seeded, ticket, bj(10, 19, 17)) == (0, False)
    assert _late_at(seeded, ticket, bj(10, 19, 18)) == (1, True)


def test_a_working_day_appeal_filed_on_saturday_is_not_escalated_as_unclaimed_until_monday(seeded):
    # Saturday 17 October 2026 10:00: the clock starts at Monday's midnight; 30 minutes unclaimed is Monday 00:30.
    intake = appeals.Intake(content="楼道灯坏了", channel=appeals.Channel.TEXT, category="公共设施", confidence=1.0,
                            keywords=(), raw_message={}, response_hours=24, resolve_hours=72, working_days=True)
    with seeded.transaction() as session:
        resident = session.scalars(select(Resident).where(Resident.openid == RESIDENT)).one()
        ticket = appeals.file_appeal(session, resident, intake, bj(10, 17, 10)).ticket
        dispatch.dispatch_pending(session, bj(10, 17, 10), ())

    def level_at(moment: datetime) -> int:
        with seeded.read() as session:
            due = supervision.due(session, moment)
        with seeded.transaction() as session:
            supervision.sweep(session, moment, only=due)
        return _appeal(seeded, ticket).escalation_level

    assert level_at(bj(10, 17, 11)) == 0
    assert level_at(bj(10, 18, 22)) == 0  # Sunday night: the 网格长 is not chased
    assert level_at(bj(10, 19, 0)) == 0
    assert level_at(bj(10, 19, 1)) == 1


def test_a_deadline_at_midnight_is_given_as_the_end_of_its_day(seeded):
    # Filed on Saturday 17 October 2026: 72 working hours from Monday's midnight end at Thursday 22 October 00:00.
    intake = appeals.Intake(content="楼道灯坏了", channel=appeals.Channel.TEXT, category="公共设施", confidence=1.0,
                            keywords=(), raw_message={}, response_hours=24, resolve_hours=72, working_days=True)
    with seeded.transaction() as session:
        resident = session.scalars(select(Resident).where(Resident.openid == RESIDENT)).one()
        ticket = appeals.file_appeal(session, resident, intake, bj(10, 17, 10)).ticket
        dispatch.dispatch_pending(session, bj(10, 17, 10), ())
    assert _appeal(seeded, ticket).resolve_due_at == bj(10, 22)

    [card] = worded(seeded, "staff_new_appeal", ZHANG)

    assert "办结时限：10月21日 24:00前" in card  # 10月22日 00:00前 reads as one day more
