"""聚焦办 with a clock the test moves: recurring appeals of one place become one focus case, alerted once."""

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.worker import schedule
from storage import appeals, dispatch, focus, focus_cases, joins, queries, rejecting
from storage.errors import IllegalTransition, NotAllowed
from storage.models import (
    Appeal,
    AppealEvent,
    FocusCase,
    FocusCaseAppeal,
    FocusStatus,
    OutboxMessage,
    Resident,
    Staff,
)
from storage.notices import StaffFocusOpened
from tests.support.personas import NEXT_DOOR, OPERATOR, WANG, ZHANG

pytestmark = pytest.mark.postgres

LEADER, MEMBER = WANG, ZHANG  # 幸福里社区·第一网格's 网格长 and one of its 网格员
BUILDING_3 = ("o1", "o5", "o6")  # 幸福里社区·第一网格 阳光花园3号楼
SENSITIVE = schedule.hotspot_rules()[0]
DEFAULT_RULES = focus.HotspotRules()  # 7 days; building 3, compound 5, grid 8


def file(seeded, clock, openid, category="物业服务", keywords=("电梯",), content="电梯坏了"):
    """One appeal filed by a bound resident, as the webhook would; returns its ticket."""
    intake = appeals.Intake(content=content, channel=appeals.Channel.TEXT, category=category, confidence=0.9,
                            keywords=tuple(keywords), raw_message={}, response_hours=2, resolve_hours=72)
    with seeded.transaction() as session:
        resident = session.scalars(select(Resident).where(Resident.openid == openid)).one()
        return appeals.file_appeal(session, resident, intake, clock()).ticket


def dispatch_and_check(seeded, clock, rules=DEFAULT_RULES):
    """What the worker's dispatch round does: dispatch, then check the dispatched appeals for hot spots."""
    with seeded.transaction() as session:
        dispatched = dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
        return [case.code for case in focus.check(session, dispatched, clock(), SENSITIVE, rules)]


def cases(seeded):
    """(code, scope kind, label, key kind, key, status, owner name, tickets) of every case."""
    with seeded.transaction() as session:
        return [(s.case.code, s.case.scope_kind, s.case.scope_label, s.case.key_kind, s.case.key, s.case.status,
                 s.owner_name, s.tickets) for s in queries.focus_cases(session, include_closed=True)]


def alerts(seeded):
    with seeded.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.template == StaffFocusOpened.name)
                               .order_by(OutboxMessage.id)).all()
        return [(row.recipient_openid, json.loads(row.params)) for row in rows]


def staff(session, openid):
    return session.scalars(select(Staff).where(Staff.openid == openid)).one()


def test_two_appeals_of_a_building_are_no_hot_spot(seeded, clock):
    file(seeded, clock, "o1")
    file(seeded, clock, "o5")
    assert dispatch_and_check(seeded, clock) == []
    assert cases(seeded) == [] and alerts(seeded) == []


def test_the_third_appeal_of_a_building_opens_one_case_owned_by_the_grid_leader_and_alerts_once(seeded, clock):
    tickets = [file(seeded, clock, openid) for openid in BUILDING_3[:2]]
    dispatch_and_check(seeded, clock)
    clock.advance(days=2)
    tickets.append(file(seeded, clock, "o6"))
    opened = dispatch_and_check(seeded, clock)
    assert opened == ["J2611240001"]
    assert cases(seeded) == [("J2611240001", "building", "幸福里社区·第一网格 阳光花园3号楼", "category", "物业服务",
                              FocusStatus.OPEN, "王强", tuple(tickets))]
    sent = alerts(seeded)
    assert sorted(openid for openid, _ in sent) == sorted([LEADER, OPERATOR])
    assert sent[0][1] == {"code": "J2611240001", "place": "幸福里社区·第一网格 阳光花园3号楼", "key_kind": "category",
                          "key": "物业服务", "count": 3, "days": 7, "tickets": tickets, "owner": "王强"}


def test_the_alert_says_where_what_how_many_which_tickets_who_owns_it_and_how_to_close_it(seeded, clock):
    from handlers import notifications

    tickets = [file(seeded, clock, openid) for openid in BUILDING_3]
    dispatch_and_check(seeded, clock)
    text = notifications.render(StaffFocusOpened.name, alerts(seeded)[0][1])
    for part in ("【聚焦办】J2611220001", "阳光花园3号楼", "7天内有 3 件“物业服务”类诉求", *tickets, "负责人：王强（网格长）",
                 "结案 J2611220001"):
        assert part in text
    assert notifications.template_data(StaffFocusOpened.name, alerts(seeded)[0][1])["keyword1"]["value"] == "J2611220001"


def test_appeals_outside_the_window_or_of_another_building_do_not_count(seeded, clock):
    file(seeded, clock, "o1")
    clock.advance(days=7, minutes=1)
    file(seeded, clock, "o5")
    file(seeded, clock, NEXT_DOOR)
    assert dispatch_and_check(seeded, clock) == []
    assert dispatch_and_check(seeded, clock) == []
    assert cases(seeded) == []


def test_cancelled_appeals_do_not_count(seeded, clock):
    first = file(seeded, clock, "o1")
    with seeded.transaction() as session:
        resident = session.scalars(select(Resident).where(Resident.openid == "o1")).one()
        appeals.cancel(session, resident, first, clock())
    file(seeded, clock, "o5")
    file(seeded, clock, "o6")
    assert dispatch_and_check(seeded, clock) == []


def test_a_rejected_appeal_does_not_count_even_when_a_case_already_linked_it(seeded, clock):
    rules = focus.HotspotRules(building=3, compound=4, grid=8)
    not_an_appeal = file(seeded, clock, "o1")
    for openid in BUILDING_3[1:]:
        file(seeded, clock, openid)
    assert dispatch_and_check(seeded, clock, rules) == ["J2611220001"]  # 3号楼: it was linked
    with seeded.transaction() as session:
        rejecting.reject(session, staff(session, LEADER), not_an_appeal, "居民致谢，不是诉求", clock(), ())
    file(seeded, clock, NEXT_DOOR)
    assert dispatch_and_check(seeded, clock, rules) == []  # 阳光花园: 3 counted, not 4
    file(seeded, clock, NEXT_DOOR)
    assert dispatch_and_check(seeded, clock, rules) == ["J2611220002"]
    assert not_an_appeal not in cases(seeded)[1][-1]


def test_an_appeal_merged_into_another_counts_once(seeded, clock):
    first = file(seeded, clock, "o1")
    second = file(seeded, clock, "o5")
    dispatch_and_check(seeded, clock)
    with seeded.transaction() as session:
        resident = session.scalars(select(Resident).where(Resident.openid == "o5")).one()
        by_ticket = {a.ticket: a.id for a in session.scalars(select(Appeal).where(Appeal.ticket.in_([first, second])))}
        joins.join(session, resident.id, by_ticket[second], by_ticket[first], SENSITIVE, clock())
    file(seeded, clock, "o6")
    assert dispatch_and_check(seeded, clock) == []


def test_a_later_appeal_joins_the_open_case_without_a_new_alert(seeded, clock):
    for openid in BUILDING_3:
        file(seeded, clock, openid)
    dispatch_and_check(seeded, clock)
    clock.advance(days=1)
    later = file(seeded, clock, "o1")
    assert dispatch_and_check(seeded, clock) == []
    assert len(cases(seeded)) == 1 and cases(seeded)[0][-1][-1] == later
    assert len(alerts(seeded)) == 2
    with seeded.transaction() as session:
        event = session.scalars(select(AppealEvent).join(Appeal, Appeal.id == AppealEvent.appeal_id)
                                .where(Appeal.ticket == later, AppealEvent.action == "focused")).one()
        assert (event.actor_kind, event.note, event.internal) == ("system", "J2611220001", True)


def test_checking_the_same_appeals_again_changes_nothing(seeded, clock):
    for openid in BUILDING_3:
        file(seeded, clock, openid)
    dispatch_and_check(seeded, clock)
    with seeded.transaction() as session:
        ids = session.scalars(select(Appeal.id)).all()
        assert focus.check(session, ids, clock(), SENSITIVE) == []
        assert len(session.scalars(select(FocusCaseAppeal)).all()) == 3
    assert len(alerts(seeded)) == 2


def test_a_keyword_recurring_across_categories_opens_a_keyword_case(seeded, clock):
    for openid, category in zip(BUILDING_3, ("物业服务", "市政设施", "环境卫生"), strict=True):
        file(seeded, clock, openid, category=category, keywords=("停水",), content="又停水了")
    dispatch_and_check(seeded, clock)
    assert [(kind, key) for _, _, _, kind, key, *_ in cases(seeded)] == [("keyword", "停水")]


def test_family_and_neighbour_matters_never_cluster(seeded, clock):
    assert {"邻里纠纷", "家庭矛盾"} <= SENSITIVE
    for openid in BUILDING_3:
        file(seeded, clock, openid, category="邻里纠纷", keywords=("楼上漏水", "邻居"), content="楼上漏水到我家")
    assert dispatch_and_check(seeded, clock) == []


def test_unclassified_appeals_cluster_by_keyword_only(seeded, clock):
    for openid in BUILDING_3:
        file(seeded, clock, openid, category="待分类", keywords=(), content="你好")
    assert dispatch_and_check(seeded, clock) == []


def test_the_compound_opens_a_case_when_no_single_building_crosses(seeded, clock):
    rules = focus.HotspotRules(building=3, compound=4, grid=8)
    for openid in ("o1", "o5", NEXT_DOOR, NEXT_DOOR):
        file(seeded, clock, openid)
    assert dispatch_and_check(seeded, clock, rules) == ["J2611220001"]
    assert [(kind, label) for _, kind, label, *_ in cases(seeded)] == [("compound", "幸福里社区·第一网格 阳光花园")]


def test_the_owner_closes_the_case_and_the_appeals_stay_as_they_are(seeded, clock):
    tickets = [file(seeded, clock, openid) for openid in BUILDING_3]
    dispatch_and_check(seeded, clock)
    with seeded.transaction() as session:
        with pytest.raises(NotAllowed):
            focus_cases.close(session, staff(session, MEMBER), "J2611220001", "已处理", clock())
    with seeded.transaction() as session:
        case = focus_cases.close(session, staff(session, LEADER), "J2611220001", "已统一更换电梯主板", clock())
        assert (case.status, case.note, case.open_key) == (FocusStatus.CLOSED, "已统一更换电梯主板", None)
        assert set(session.scalars(select(Appeal.status).where(Appeal.ticket.in_(tickets)))) == {"dispatched"}
    with seeded.transaction() as session:
        with pytest.raises(IllegalTransition):
            focus_cases.close(session, staff(session, OPERATOR), "J2611220001", "再结一次", clock())


def test_after_closing_only_new_appeals_count_towards_the_next_case(seeded, clock):
    for openid in BUILDING_3:
        file(seeded, clock, openid)
    dispatch_and_check(seeded, clock)
    with seeded.transaction() as session:
        focus_cases.close(session, staff(session, OPERATOR), "J2611220001", "已修好", clock())
    clock.advance(hours=1)
    file(seeded, clock, "o1")
    assert dispatch_and_check(seeded, clock) == []
    file(seeded, clock, "o5")
    file(seeded, clock, "o6")
    assert dispatch_and_check(seeded, clock) == ["J2611220002"]
    assert len(cases(seeded)[1][-1]) == 3


def test_two_workers_checking_at_once_open_one_case_and_alert_once(seeded, clock):
    for openid in BUILDING_3:
        file(seeded, clock, openid)
    with seeded.transaction() as session:
        ids = dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            with seeded.transaction() as session:
                focus.check(session, ids, clock(), SENSITIVE)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(cases(seeded)) == 1 and len(cases(seeded)[0][-1]) == 3
    assert len(alerts(seeded)) == 2
    with seeded.transaction() as session:
        assert len(session.scalars(select(FocusCase)).all()) == 1


@pytest.mark.parametrize("away", ["active", "on_duty"])  # no 网格长, or theirs on leave (was made its 负责人)
def test_a_grid_without_a_leader_at_work_leaves_the_case_to_the_community_operators(seeded, clock, away):
    with seeded.transaction() as session:
        setattr(staff(session, LEADER), away, False)
    for openid in BUILDING_3:
        file(seeded, clock, openid)
    dispatch_and_check(seeded, clock)
    assert cases(seeded)[0][6] is None
    assert [openid for openid, _ in alerts(seeded)] == [OPERATOR]


def test_the_worker_round_opens_the_case_from_chat_appeals(worker_runtime, wechat, clock):
    for openid in BUILDING_3:
        wechat.send(openid, "3号楼停水了，一整天没水")
    assert schedule.dispatch_once(worker_runtime) == 3
    with worker_runtime.database.transaction() as session:
        case = session.scalars(select(FocusCase)).one()
        assert (case.scope_kind, case.key_kind, case.key) == ("building", "category", "市政设施")  # 停水 is the utility's
    clock.advance(days=8)
    wechat.send("o1", "3号楼又停水了")
    schedule.dispatch_once(worker_runtime)
    with worker_runtime.database.transaction() as session:
        assert len(session.scalars(select(FocusCaseAppeal)).all()) == 4  # the open case takes it, window or not
    assert timedelta(days=7) == focus.HotspotRules().window


def test_gridbot_focus_list_prints_open_cases_and_with_all_the_closed_ones(seeded, clock, database_url):
    from click.testing import CliRunner

    from bot.cli.gridbot import main

    def focus_list(*args):
        result = CliRunner().invoke(main, ["focus", "list", *args], env={"GRIDBOT_DATABASE_URL": database_url},
                                    obj=clock)
        assert result.exit_code == 0, result.output
        return result.output

    assert focus_list() == "没有进行中的聚焦事项。\n"
    tickets = [file(seeded, clock, openid) for openid in BUILDING_3]
    dispatch_and_check(seeded, clock)
    listed = focus_list()
    assert listed.startswith("进行中的聚焦事项（1 件）：\nJ2611220001｜幸福里社区·第一网格 阳光花园3号楼｜“物业服务”类诉求 3件")
    assert "负责人：王强（网格长）" in listed and "、".join(tickets) in listed
    with seeded.transaction() as session:
        focus_cases.close(session, staff(session, LEADER), "J2611220001", "已统一维修", clock())
    assert focus_list() == "没有进行中的聚焦事项。\n"
    everything = focus_list("--all")
    assert everything.startswith("全部聚焦事项（1 件）：\nJ2611220001") and "已结案 11月22日 10:00：已统一维修" in everything
    clock.advance(days=60)  # read in the new year: last year's case says its year
    assert "已结案 2026年11月22日 10:00：已统一维修" in focus_list("--all")


def test_a_worker_that_read_before_another_opened_the_case_joins_that_case(seeded, clock):
    """The race two workers on PostgreSQL can run: both see no open case, the second's insert hits open_key."""
    tickets = [file(seeded, clock, openid) for openid in BUILDING_3]
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
        grid_id = session.scalars(select(Appeal.grid_id)).first()
        stale = focus._grid_states(session, [grid_id], focus._open_cases(session, [grid_id]),
                                   clock() - timedelta(days=7), SENSITIVE)[grid_id]
    with seeded.transaction() as session:
        third = session.scalars(select(Appeal.id).where(Appeal.ticket == tickets[2])).one()
    with seeded.transaction() as session:  # the other worker checks the third appeal and opens the case
        assert len(focus.check(session, [third], clock(), SENSITIVE)) == 1
    with seeded.transaction() as session:  # this worker, with its stale view, checks the same appeal again
        assert focus._check_one(session, stale, third, clock(), SENSITIVE, DEFAULT_RULES) is None
    assert len(cases(seeded)) == 1 and len(alerts(seeded)) == 2
