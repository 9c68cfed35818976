"""Staff read only what their role and place entitle them to (issue 8, item 2): 查询 and every other read path,
with an audit of who read what and a limit on lookups an hour."""

import json
import re

import pytest
from sqlalchemy import select

from bot.worker import schedule
from handlers import notifications, staff_texts
from storage import dispatch, staff
from storage.appeals import Action
from storage.models import Appeal, AppealEvent, OutboxMessage, Staff, StaffRole
from tests.support.personas import LI, LIU, OPERATOR, WANG, ZHANG

pytestmark = pytest.mark.postgres

PROPERTY = "prop_heping"  # 和美物业, 和平社区·第一网格
LOOKUPS_PER_HOUR = 12
FAMILY = "我老公天天跟我吵架还动手打人，住3号楼1单元，孩子也吓坏了"
APPEALS = (  # nine appeals of 幸福里社区·第一网格, one of them a family conflict with its address
    ("o1", "3号楼电梯坏了，物业一直不来修"), ("o5", FAMILY), ("o6", "2号楼楼道灯坏了好几天"),
    ("o7", "小区垃圾桶满了没人清"), ("o1", "小区绿化带被人种菜了"), ("o5", "3号楼门禁坏了"),
    ("o6", "楼上漏水把我家天花板泡了"), ("o7", "楼下有人占用消防通道停车"), ("o1", "1号楼门口的路灯也坏了"),
)


@pytest.fixture
def settings(settings):
    """The test settings with a lookup limit small enough to reach."""
    return settings.with_(staff_lookups_per_hour=LOOKUPS_PER_HOUR)


@pytest.fixture
def street(wechat, seeded, clock):
    """The nine appeals filed and dispatched, and a property-company account of the other community."""
    with seeded.transaction() as session:
        grid = staff.find_grid(session, "和平社区·第一网格")
        session.add(Staff(openid=PROPERTY, name="物业钱经理", role=StaffRole.PROPERTY, department="和美物业",
                          grid_id=grid.id, community_id=grid.community_id, active=True, created_at=clock()))
    tickets = [re.search(r"G\d{10}", wechat.send(openid, text)).group(0) for openid, text in APPEALS]
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    return tickets


def not_found(ticket):
    return staff_texts.TASK_NOT_FOUND.format(ticket=ticket)


def shown(reply, ticket):
    """Whether the reply is the appeal's detail (a refusal names the ticket too)."""
    return reply.startswith(f"诉求 {ticket}\n")


def views(seeded, ticket):
    """Who read the appeal, by staff openid, from its audit trail."""
    with seeded.transaction() as session:
        return session.scalars(
            select(Staff.openid).join(AppealEvent, AppealEvent.actor_id == Staff.id)
            .join(Appeal, Appeal.id == AppealEvent.appeal_id)
            .where(Appeal.ticket == ticket, AppealEvent.action == Action.VIEWED, AppealEvent.internal.is_(True))
            .order_by(AppealEvent.id)
        ).all()


def test_a_property_account_of_another_community_guessing_tickets_sees_none(wechat, seeded, street):
    guesses = [f"G261122{number:04d}" for number in range(1, 11)]  # the day's nine, and one not filed yet
    assert guesses[:9] == street

    replies = [wechat.send(PROPERTY, f"查询 {ticket}") for ticket in guesses]

    assert replies == [not_found(ticket) for ticket in guesses]  # the same words as a ticket that does not exist
    assert wechat.send(PROPERTY, f"接单 {street[0]}") == not_found(street[0])
    assert wechat.send(PROPERTY, f"进展 {street[1]} 看看") == not_found(street[1])
    assert all(views(seeded, ticket) == [] for ticket in street)  # nothing was read


def test_a_member_of_another_grid_of_the_same_community_sees_none(wechat, street):
    for ticket in street:
        assert wechat.send(LIU, f"查询 {ticket}") == not_found(ticket)
        assert wechat.send(LIU, f"接单 {ticket}") == not_found(ticket)
    assert street[0] not in wechat.send(LIU, "我的任务")


def test_a_family_conflict_is_read_by_its_assignee_and_the_grid_leader_not_by_a_colleague(wechat, seeded, street):
    family = street[1]
    assert "接单成功" in wechat.send(ZHANG, f"接单 {family}")

    assert wechat.send(LI, f"查询 {family}") == not_found(family)
    assert wechat.send(LI, f"进展 {family} 我去看看") == not_found(family)
    assert "动手打人" in wechat.send(ZHANG, f"查询 {family}")
    leader_reads = wechat.send(WANG, f"查询 {family}")
    assert "动手打人" in leader_reads and "查阅" not in leader_reads
    assert "动手打人" in wechat.send(OPERATOR, f"查询 {family}")

    assert views(seeded, family) == [WANG, OPERATOR]  # the assignee reading their own task is not a lookup
    assert "查阅（王强）" in wechat.send(OPERATOR, f"查询 {family}")  # operators see who read it


def test_a_family_conflicts_task_card_shows_its_words_and_unit_only_to_whom_may_read_it(wechat, seeded, street):
    family = street[1]
    with seeded.transaction() as session:
        rows = session.scalars(
            select(OutboxMessage).join(Appeal, Appeal.id == OutboxMessage.appeal_id)
            .where(Appeal.ticket == family, OutboxMessage.template == "staff_new_appeal")
        ).all()
        cards = {row.recipient_openid: notifications.render(row.template, json.loads(row.params)) for row in rows}

    assert set(cards) == {ZHANG, LI, WANG}  # 抢单: the whole grid is told, so that someone claims it
    assert "动手打人" in cards[WANG] and "3号楼1单元" in cards[WANG]
    for member in (ZHANG, LI):
        assert "家庭矛盾" in cards[member] and f"接单 {family}" in cards[member]
        assert "动手打人" not in cards[member] and "3号楼1单元" not in cards[member]
    assert "接单成功" in wechat.send(LI, f"接单 {family}")
    assert "动手打人" in wechat.send(LI, f"查询 {family}")  # claimed: now theirs to read


def test_a_chase_up_of_an_unclaimed_family_conflict_tells_who_may_not_read_it_only_that_it_was_chased(
        wechat, seeded, street, clock):
    family = street[1]
    owner = next(openid for openid, text in APPEALS if "动手打人" in text)
    clock.advance(minutes=10)  # past the new card (chasing.JUST_FILED): a 催办 now goes to its holders
    wechat.send(owner, f"催办 {family}")
    with seeded.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.template == "staff_chased")).all()
        told = {row.recipient_openid: notifications.render(row.template, json.loads(row.params)) for row in rows}
    assert set(told) == {ZHANG, LI, WANG}
    assert "动手打人" in told[WANG]
    for member in (ZHANG, LI):
        assert f"【催办】{family}" in told[member] and "动手打人" not in told[member] and "涉及个人隐私" in told[member]


def test_a_colleague_still_reads_the_grids_other_appeals_and_that_is_audited(wechat, seeded, street):
    detail = wechat.send(LI, f"查询 {street[0]}")
    assert "电梯坏了" in detail and "查阅" not in detail
    assert views(seeded, street[0]) == [LI]


def test_a_waiting_family_conflict_is_listed_to_grid_members_without_its_words_or_place(wechat, street):
    # Its card asks them to claim it, with the words withheld: 我的任务 lists it so, not as if there were none.
    listed = wechat.send(LI, "我的任务")
    assert f"{street[1]}｜家庭矛盾｜待接单" in listed and FAMILY[:8] not in listed
    assert listed.split(street[1], 1)[1].split("\n")[1].strip() == "涉及个人隐私，接单后可见"
    assert street[0] in listed
    assert FAMILY[:8] in wechat.send(WANG, "我的任务")


def test_lookups_are_limited_per_hour_and_refusals_are_not_audited(wechat, seeded, clock, street):
    assert "接单成功" in wechat.send(LI, f"接单 {street[0]}")
    readable = [street[index] for index in (2, 3, 4, 5, 7, 8)]  # not the two sensitive ones
    for number in range(LOOKUPS_PER_HOUR):
        ticket = readable[number % len(readable)]
        assert shown(wechat.send(LI, f"查询 {ticket}"), ticket)

    refused = wechat.send(LI, f"查询 {street[2]}")
    assert refused == staff_texts.LOOKUP_LIMIT.format(limit=LOOKUPS_PER_HOUR, until="11月22日 11:00")
    assert wechat.send(LI, "查询 G2611229999") == refused  # guessing counts too
    assert "电梯坏了" in wechat.send(LI, f"查询 {street[0]}")  # their own task: not a lookup
    with seeded.transaction() as session:
        audited = session.scalars(select(AppealEvent).where(AppealEvent.action == Action.VIEWED)).all()
    assert len(audited) == LOOKUPS_PER_HOUR

    clock.advance(hours=1)
    assert shown(wechat.send(LI, f"查询 {street[2]}"), street[2])


def test_a_department_reads_what_was_transferred_to_it_now_or_before(wechat, seeded, clock, street):
    with seeded.transaction() as session:
        for openid, name in (("dept_a", "城管执法中队"), ("dept_b", "市政养护所")):
            session.add(Staff(openid=openid, name=name, role=StaffRole.DEPARTMENT, department=name, active=True,
                              created_at=clock()))
    ticket = street[7]
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"转办 {ticket} 城管执法中队", "已转办")])
    assert shown(wechat.send("dept_a", f"查询 {ticket}"), ticket)
    assert wechat.send("dept_b", f"查询 {ticket}") == not_found(ticket)
    wechat.dialog("dept_a", [(f"接单 {ticket}", "接单成功"), (f"转办 {ticket} 市政养护所", "已转办")])
    assert shown(wechat.send("dept_b", f"查询 {ticket}"), ticket)
    assert shown(wechat.send("dept_a", f"查询 {ticket}"), ticket)  # transferred to them before
    assert wechat.send("dept_b", f"查询 {street[0]}") == not_found(street[0])


def test_a_family_conflict_transferred_to_a_department_shows_its_words_only_to_the_officer_who_claims_it(
        wechat, seeded, clock, street):
    family = street[1]
    with seeded.transaction() as session:
        for openid, name in (("dept_a", "吴刚"), ("dept_b", "冯军")):
            session.add(Staff(openid=openid, name=name, role=StaffRole.DEPARTMENT, department="综合执法中队",
                              active=True, created_at=clock()))
    wechat.dialog(WANG, [(f"转办 {family} 综合执法中队", "已转办")])
    with seeded.transaction() as session:
        rows = session.scalars(
            select(OutboxMessage).join(Appeal, Appeal.id == OutboxMessage.appeal_id)
            .where(Appeal.ticket == family, OutboxMessage.template == "staff_new_appeal",
                   OutboxMessage.recipient_openid.in_(("dept_a", "dept_b")))
        ).all()
        cards = {row.recipient_openid: notifications.render(row.template, json.loads(row.params)) for row in rows}

    assert set(cards) == {"dept_a", "dept_b"}
    for officer in ("dept_a", "dept_b"):
        assert f"接单 {family}" in cards[officer] and "涉及个人隐私" in cards[officer]
        assert "动手打人" not in cards[officer] and "3号楼1单元" not in cards[officer]
    assert wechat.send("dept_b", f"查询 {family}") == not_found(family)  # the card said no more than 查询 does
    assert "接单成功" in wechat.send("dept_a", f"接单 {family}")
    assert "动手打人" in wechat.send("dept_a", f"查询 {family}")


def test_a_department_reads_what_its_category_routed_to_it_after_transferring_it_on(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_zhifa", name="周队长", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          active=True, created_at=clock()))
        session.add(Staff(openid="dept_b", name="市政养护所", role=StaffRole.DEPARTMENT, department="市政养护所",
                          active=True, created_at=clock()))
    ticket = re.search(r"G\d{10}", wechat.send("o1", "小区门口有人占道经营，天天摆摊堵路")).group(0)
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    wechat.dialog("dept_zhifa", [(f"接单 {ticket}", "接单成功"), (f"转办 {ticket} 市政养护所", "已转办")])
    assert shown(wechat.send("dept_zhifa", f"查询 {ticket}"), ticket)  # routed to them before: 现在或曾经


def test_focus_cases_of_another_community_are_neither_listed_nor_told_of(wechat, seeded, clock):
    from bot.worker import schedule
    from storage import focus

    for openid in ("o1", "o5", "o6"):
        wechat.send(openid, "3号楼停水了，一整天没水")
    with seeded.transaction() as session:
        focus.check(session, dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0]), clock(), schedule.hotspot_rules()[0])
        grid = staff.find_grid(session, "和平社区·第一网格")
        session.add(Staff(openid="op_heping", name="吴芳", role=StaffRole.OPERATOR, community_id=grid.community_id,
                          active=True, created_at=clock()))
    assert "J2611220001" in wechat.send(OPERATOR, "聚焦")
    assert wechat.send("op_heping", "聚焦") == staff_texts.FOCUS_NONE
    assert wechat.send("op_heping", "结案 J2611220001 已处理") == staff_texts.FOCUS_NOT_FOUND.format(code="J2611220001")
    assert wechat.send(LIU, "结案 J2611220001 已处理") == staff_texts.FOCUS_NOT_FOUND.format(code="J2611220001")
    assert "不由您负责" in wechat.send(ZHANG, "结案 J2611220001 已处理")  # their grid's: no content, "not yours"


def test_lookups_at_the_same_moment_from_several_processes_all_count(seeded, clock):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from storage import attempts

    barrier = threading.Barrier(6)

    def look(_):
        barrier.wait()
        with seeded.transaction() as session:
            try:
                attempts.count_lookup(session, 1, clock(), per_hour=4)
                return "counted"
            except attempts.TooMany:
                return "refused"

    with ThreadPoolExecutor(6) as pool:
        results = sorted(pool.map(look, range(6)))
    assert results == ["counted"] * 4 + ["refused"] * 2
