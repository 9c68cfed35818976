"""The read model's clocks with a clock the test moves: what a console lists as unclaimed or overdue, and where."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.worker import schedule
from storage import appeals, dispatch, org, queries, rejecting, staff, tasks
from storage.models import Community, Resident, Staff, StaffRole, Street
from storage.queries import Clock, Scope

pytestmark = pytest.mark.postgres

ZHANG = "demo_staff_zhangwei"  # 幸福里社区·第一网格, like o1
WANG = "demo_staff_wangqiang"  # its 网格长
RESPONSE_HOURS, RESOLVE_HOURS = 2, 72


def file(seeded, clock, openid="o1", dispatched=True):
    """One appeal filed by a bound resident (and, as the worker would, dispatched); returns its ticket."""
    intake = appeals.Intake(content="电梯坏了", channel=appeals.Channel.TEXT, category="物业服务", confidence=0.9,
                            keywords=("电梯",), raw_message={}, response_hours=RESPONSE_HOURS,
                            resolve_hours=RESOLVE_HOURS)
    with seeded.transaction() as session:
        resident = session.scalars(select(Resident).where(Resident.openid == openid)).one()
        ticket = appeals.file_appeal(session, resident, intake, clock()).ticket
    if dispatched:
        with seeded.transaction() as session:
            dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    return ticket


def act(seeded, clock, action, openid, ticket, *args, **named):
    """A staff action from storage.tasks (claim, pause, transfer) in its own transaction."""
    with seeded.transaction() as session:
        member = session.scalars(select(Staff).where(Staff.openid == openid)).one()
        getattr(tasks, action)(session, member, ticket, *args, clock(), **named)


def unclaimed(seeded, *args, **kwargs):
    """(ticket, since, due) of each row `queries.unclaimed` lists."""
    with seeded.transaction() as session:
        return [(row.appeal.ticket, row.since, row.due) for row in queries.unclaimed(session, *args, **kwargs)]


def overdue(seeded, clock, *args, **kwargs):
    """(ticket, clock, due) of each row `queries.overdue` lists at the test's now."""
    with seeded.transaction() as session:
        return [(row.appeal.ticket, row.clock, row.due) for row in queries.overdue(session, clock(), *args, **kwargs)]


def community_id(seeded, name):
    with seeded.transaction() as session:
        return session.scalars(select(Community.id).where(Community.name == name)).one()


def grid_id(seeded, name):
    with seeded.transaction() as session:
        return staff.find_grid(session, name).id


# --- unclaimed ------------------------------------------------------------------------------------------------

def test_a_dispatched_appeal_is_unclaimed_until_someone_claims_it(seeded, clock):
    ticket = file(seeded, clock)
    file(seeded, clock, dispatched=False)  # still submitted: nobody was asked to claim it yet
    assert unclaimed(seeded) == [(ticket, clock(), clock() + timedelta(hours=RESPONSE_HOURS))]
    clock.advance(minutes=5)
    act(seeded, clock, "claim", ZHANG, ticket)
    assert unclaimed(seeded) == []


def test_unclaimed_since_a_moment_lists_only_those_waiting_since_then(seeded, clock):
    start = clock()
    first = file(seeded, clock)
    clock.advance(minutes=20)
    second = file(seeded, clock)
    clock.current = start + timedelta(minutes=29)
    assert unclaimed(seeded, dispatched_by=clock() - timedelta(minutes=30)) == []
    clock.current = start + timedelta(minutes=30)
    assert [row[0] for row in unclaimed(seeded, dispatched_by=clock() - timedelta(minutes=30))] == [first]
    clock.current = start + timedelta(minutes=50)
    assert [row[0] for row in unclaimed(seeded, dispatched_by=clock() - timedelta(minutes=30))] == [first, second]


def test_a_page_of_unclaimed_appeals_goes_on_after_the_last_id_of_the_one_before(seeded, clock):
    tickets = [file(seeded, clock) for _ in range(3)]
    with seeded.transaction() as session:
        first_page = queries.unclaimed(session, limit=2)
        second_page = queries.unclaimed(session, limit=2, after_id=first_page[-1].appeal.id)
        assert [row.appeal.ticket for row in first_page] == tickets[:2]
        assert [row.appeal.ticket for row in second_page] == tickets[2:]


# --- overdue --------------------------------------------------------------------------------------------------

def test_an_unclaimed_appeal_becomes_overdue_at_its_response_deadline_and_not_a_minute_before(seeded, clock):
    due = clock() + timedelta(hours=RESPONSE_HOURS)
    ticket = file(seeded, clock)
    clock.current = due - timedelta(minutes=1)
    assert overdue(seeded, clock) == []
    clock.current = due
    assert overdue(seeded, clock) == [(ticket, Clock.RESPONSE, due)]
    assert overdue(seeded, clock, clocks=(Clock.RESOLVE,)) == []


def test_a_claimed_appeal_is_overdue_at_its_resolve_deadline_but_not_while_paused(seeded, clock):
    due = clock() + timedelta(hours=RESOLVE_HOURS)
    ticket = file(seeded, clock)
    act(seeded, clock, "claim", ZHANG, ticket)
    clock.current = due - timedelta(minutes=1)
    assert overdue(seeded, clock) == []
    clock.current = due
    assert overdue(seeded, clock) == [(ticket, Clock.RESOLVE, due)]
    assert overdue(seeded, clock, clocks=(Clock.RESPONSE,)) == []
    act(seeded, clock, "pause", ZHANG, ticket, "等配件")
    assert overdue(seeded, clock) == []


def test_a_rejected_appeal_is_neither_unclaimed_nor_overdue_nor_anyones_task(seeded, clock):
    waiting, claimed = file(seeded, clock), file(seeded, clock)
    act(seeded, clock, "claim", ZHANG, claimed)
    clock.advance(hours=RESOLVE_HOURS)
    assert {ticket for ticket, *_ in overdue(seeded, clock)} == {waiting, claimed}
    with seeded.transaction() as session:
        leader = session.scalars(select(Staff).where(Staff.openid == WANG)).one()
        for ticket in (waiting, claimed):
            rejecting.reject(session, leader, ticket, "不是诉求", clock(), ())
    assert unclaimed(seeded) == [] and overdue(seeded, clock) == []
    with seeded.transaction() as session:
        member = session.scalars(select(Staff).where(Staff.openid == ZHANG)).one()
        assert queries.tasks_of(session, member) == []


def test_after_a_transfer_the_department_is_late_only_after_its_own_response_time(seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_wuye", name="物业钱经理", role=StaffRole.PROPERTY, department="阳光物业",
                          active=True, created_at=clock()))
    ticket = file(seeded, clock)
    act(seeded, clock, "claim", ZHANG, ticket)
    clock.advance(days=1)  # the appeal's own response deadline has long passed
    act(seeded, clock, "transfer", ZHANG, ticket, "阳光物业", sensitive=frozenset())
    transferred, due = clock(), clock() + timedelta(hours=RESPONSE_HOURS)
    assert unclaimed(seeded) == [(ticket, transferred, due)]
    clock.current = due - timedelta(minutes=1)
    assert overdue(seeded, clock) == []
    clock.current = due
    assert overdue(seeded, clock) == [(ticket, Clock.RESPONSE, due)]


def test_an_appeal_given_back_is_late_once_its_response_time_passed_since_the_return_without_a_re_route(seeded,
                                                                                                          clock):
    ticket = file(seeded, clock)
    act(seeded, clock, "claim", ZHANG, ticket)
    clock.advance(days=1)  # long past its own deadlines: the 退回 starts the community's wait
    act(seeded, clock, "give_back", ZHANG, ticket, "不归本网格")
    due = clock() + timedelta(hours=RESPONSE_HOURS)
    clock.current = due - timedelta(minutes=1)
    assert overdue(seeded, clock) == []
    clock.current = due
    assert overdue(seeded, clock) == [(ticket, Clock.RETURNED, due)]
    assert overdue(seeded, clock, clocks=(Clock.RESPONSE, Clock.RESOLVE)) == []
    with seeded.transaction() as session:
        listed = queries.appeals(session, clock(), wanted=queries.AppealFilter(overdue=True))
        assert [(row.appeal.ticket, row.due) for row in listed] == [(ticket, due)]


# --- scope ----------------------------------------------------------------------------------------------------

def test_a_scope_lists_only_its_own_street_community_or_grid(seeded, clock):
    here = file(seeded, clock, "o1")  # 幸福里社区·第一网格
    there = file(seeded, clock, "o2")  # 和平社区·第一网格
    with seeded.transaction() as session:
        street = session.scalars(select(Street.id)).one()
        elsewhere = org.ensure_street(session, "另一街道").id
    xingfuli, heping = community_id(seeded, "幸福里社区"), community_id(seeded, "和平社区")
    assert [row[0] for row in unclaimed(seeded, Scope(community_id=xingfuli))] == [here]
    assert [row[0] for row in unclaimed(seeded, Scope(community_id=heping))] == [there]
    assert [row[0] for row in unclaimed(seeded, Scope(grid_id=grid_id(seeded, "和平社区·第一网格")))] == [there]
    assert unclaimed(seeded, Scope(grid_id=grid_id(seeded, "幸福里社区·第二网格"))) == []
    assert [row[0] for row in unclaimed(seeded, Scope(street_id=street))] == [here, there]
    assert unclaimed(seeded, Scope(street_id=elsewhere)) == []
    clock.advance(hours=RESPONSE_HOURS)
    assert [row[0] for row in overdue(seeded, clock, Scope(community_id=heping))] == [there]
    assert [row[0] for row in overdue(seeded, clock)] == [here, there]


def test_a_reviewer_oversees_their_grid_or_community_and_a_street_operator_everything(seeded):
    with seeded.transaction() as session:
        leader = session.scalars(select(Staff).where(Staff.openid == "demo_staff_wangqiang")).one()
        operator = session.scalars(select(Staff).where(Staff.openid == "demo_staff_sunli")).one()
        assert Scope.overseen_by(leader) == Scope(grid_id=leader.grid_id) and leader.grid_id is not None
        assert Scope.overseen_by(operator) == Scope(community_id=operator.community_id)
        assert operator.community_id is not None
    street_operator = Staff(openid="street_zhou", name="周街道", role=StaffRole.OPERATOR, community_id=None)
    assert Scope.overseen_by(street_operator) == queries.EVERYWHERE


def test_the_review_queue_of_a_community_holds_only_that_communitys_unclassified_appeals(seeded, clock):
    intake = appeals.Intake(content="有件事想反映", channel=appeals.Channel.TEXT, category=appeals.UNCLASSIFIED,
                            confidence=0.1, keywords=(), raw_message={}, response_hours=RESPONSE_HOURS,
                            resolve_hours=RESOLVE_HOURS)
    with seeded.transaction() as session:
        for openid in ("o1", "o2"):
            resident = session.scalars(select(Resident).where(Resident.openid == openid)).one()
            appeals.file_appeal(session, resident, intake, clock())
    heping = community_id(seeded, "和平社区")
    with seeded.transaction() as session:
        residents = {appeal.resident_id for appeal in queries.review_queue(session, Scope(community_id=heping))}
        o2 = session.scalars(select(Resident.id).where(Resident.openid == "o2")).one()
        assert residents == {o2}
        assert len(queries.review_queue(session)) == 2
