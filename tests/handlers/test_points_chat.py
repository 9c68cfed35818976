"""积分 in the chat: grid staff earn by their results (接单 in time, 办结, the resident's rating), a 楼长 by 已转达;
what did not hold is taken back; 我的积分 and 积分排行."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers import community_texts, resident_texts, staff_texts
from storage import notice_planning, points
from storage.models import Appeal, Building, Grid, PointsEntry, Staff, StaffRole
from storage.notice_planning import Limits, Request
from storage.points import Source
from tests.support.database import appeal, staff_id
from tests.support.personas import BUILDING_LEAD, OPERATOR, PARTY_MEMBER, RESIDENT, VOLUNTEER, WANG, ZHANG
from tests.support.worker import TICKET, dispatch_filed, file_and_dispatch

pytestmark = pytest.mark.postgres


def ledger(database, openid: str) -> list[tuple[str, int, bool]]:  # type: ignore[no-untyped-def]
    """The person's entries, oldest first: (rule, amount, is a reversal)."""
    with database.transaction() as session:
        rows = session.scalars(select(PointsEntry).join(Staff, Staff.id == PointsEntry.staff_id)
                               .where(Staff.openid == openid).order_by(PointsEntry.id)).all()
        return [(row.rule, row.amount, row.reverses_id is not None) for row in rows]


def test_a_claim_in_time_a_resolve_and_the_residents_satisfaction_earn_the_grid_member_points(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已修好", "已办结")])
    assert "感谢您的评价" in wechat.send(RESIDENT, "1")
    assert ledger(seeded, ZHANG) == [("accepted_in_time", 1, False), ("resolved", 2, False),
                                     ("rated_satisfied", 2, False)]
    reply = wechat.send(ZHANG, "我的积分")
    assert reply.startswith("张伟您好！您的积分：5 分，本月 5 分。")
    assert f"11月22日 居民满意 +2，{ticket}" in reply and f"按时接单 +1，{ticket}" in reply
    assert ledger(seeded, RESIDENT) == [] and ledger(seeded, WANG) == []


def test_my_points_gives_the_year_of_an_entry_of_last_year(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已修好", "已办结")])
    clock.advance(days=365)

    reply = wechat.send(ZHANG, "我的积分")

    assert f"2026年11月22日 办结诉求 +2，{ticket}" in reply  # not read as this November's
    assert "本月 0 分" in reply


def test_a_late_claim_earns_nothing_for_the_claim(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    due = appeal(seeded, ticket).response_due_at
    clock.advance(seconds=(due - clock()).total_seconds() + 60)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已修好", "已办结")])
    assert ledger(seeded, ZHANG) == [("resolved", 2, False)]


def test_unsatisfied_reopens_costs_the_resolver_and_takes_back_the_resolve_until_the_next(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已修好", "已办结")])
    wechat.send(RESIDENT, "3")
    assert ledger(seeded, ZHANG) == [("accepted_in_time", 1, False), ("resolved", 2, False),
                                     ("rated_unsatisfied", -2, False), ("resolved", -2, True)]
    reply = wechat.send(ZHANG, "我的积分")
    assert "您的积分：-1 分" in reply and f"撤销「办结诉求」 -2，{ticket}（居民不满意，重新办理）" in reply
    wechat.send(ZHANG, f"办结 {ticket} 已更换电梯主板")
    wechat.send(RESIDENT, "1")
    assert ledger(seeded, ZHANG)[4:] == [("resolved", 2, False), ("rated_satisfied", 2, False)]
    member = staff_id(seeded, ZHANG)
    with seeded.transaction() as session:
        assert points.balance(session, member) == 3


def test_the_grid_leader_who_resolves_for_the_member_earns_the_resolve_and_the_rating(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(WANG, f"办结 {ticket} 已修好")
    wechat.send(RESIDENT, "满意")
    assert ledger(seeded, WANG) == [("resolved", 2, False), ("rated_satisfied", 2, False)]
    assert ledger(seeded, ZHANG) == [("accepted_in_time", 1, False)]


def test_a_department_that_claims_and_resolves_a_transferred_appeal_earns_nothing(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_chengguan", name="赵队长", role=StaffRole.DEPARTMENT, department="城管执法中队",
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock, "小区门口有人占道经营，摆摊堵路")
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"转办 {ticket} 城管执法中队", "已转办")])
    wechat.dialog("dept_chengguan", [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已劝离", "已办结")])
    wechat.send(RESIDENT, "1")
    assert ledger(seeded, "dept_chengguan") == []
    assert ledger(seeded, ZHANG) == [("accepted_in_time", 1, False)]  # the grid member's claim was in time
    mine = wechat.send("dept_chengguan", "我的积分")
    # Not 还没有积分记录…网格员…都会记积分, read as if their 满意 went missing: they earn none, and that is said.
    assert "您的积分：0 分" in mine and staff_texts.MY_POINTS_NOT_EARNED in mine and "还没有积分记录" not in mine


def test_a_building_lead_earns_a_point_for_passing_a_notice_on_once(wechat, seeded, clock):
    with seeded.transaction() as session:
        request = Request("幸福里社区/第一网格/阳光花园/3号楼", "明天上午停水", audience="all", urgent=True, kind="停水")
        planned = notice_planning.plan(session, request, Limits(template_id="t"), clock())
        number = notice_planning.store(session, planned, clock()).number
    wechat.send(BUILDING_LEAD, f"已转达 {number}")
    wechat.send(BUILDING_LEAD, f"已转达 {number}")
    assert ledger(seeded, BUILDING_LEAD) == [("notice_relayed", 1, False)]
    assert f"转达通知 +1，{number}" in wechat.send(BUILDING_LEAD, "我的积分")


def test_a_rejected_neighbour_report_loses_its_points_and_says_why(wechat, seeded, clock):
    ticket = TICKET.search(wechat.send(BUILDING_LEAD, "代报 2单元 楼道灯坏了好几天")).group(0)
    dispatch_filed(seeded, clock)
    lead, filed, leader = staff_id(seeded, BUILDING_LEAD), appeal(seeded, ticket).id, staff_id(seeded, WANG)
    with seeded.transaction() as session:  # what the 代报 grants (the members' part of issue 14)
        points.grant(session, lead, "neighbour_report", Source(appeal_id=filed), clock())
    wechat.send(WANG, f"不受理 {ticket} 不是诉求，是邻居的感谢")
    assert ledger(seeded, BUILDING_LEAD) == [("neighbour_report", 2, False), ("neighbour_report", -2, True)]
    with seeded.transaction() as session:
        undo = session.scalars(select(PointsEntry).where(PointsEntry.reverses_id.is_not(None))).one()
        assert (undo.note, undo.granted_by_staff_id) == ("rejected", leader)
    assert "（代报的问题不受理）" in wechat.send(BUILDING_LEAD, "我的积分")


def test_my_points_for_the_community_lists_what_earns_points_and_residents_hear_who_earns_them(wechat, seeded):
    reply = wechat.send(VOLUNTEER, "我的积分")
    assert reply.startswith("志愿者周敏您好！您的积分：0 分，本月获得 0 分。")
    assert community_texts.MY_POINTS_NONE in reply and community_texts.MY_POINTS_MORE in reply
    assert reply.count("回复“积分排行”") == 1, reply
    assert wechat.send(RESIDENT, "我的积分") == resident_texts.POINTS_NOT_FOR_RESIDENTS
    assert "积分" in wechat.send(OPERATOR, "积分")


def test_my_points_says_what_each_rule_is_worth_in_the_senders_street(wechat, seeded, tmp_path, monkeypatch):
    from storage import points_rules

    reply = wechat.send(VOLUNTEER, "我的积分")
    assert ("幸福街道的积分规则：领单任务完成 +5 分（每月至多 100 分）、居民评价满意 +2 分（每月至多 40 分）、"
            "转达通知 +1 分（每月至多 20 分）、代报成为诉求 +2 分（每月至多 20 分）。") in reply
    path = tmp_path / "points.toml"
    path.write_text(points_rules.SHIPPED.read_text(encoding="utf-8")
                    + '\n[street."幸福街道".task_confirmed]\npoints = 8\nmonthly_cap = 0\n'
                      '\n[street."幸福街道".notice_relayed]\npoints = 0\n'
                      '\n[street."幸福街道".resolved]\npoints = 3\n', encoding="utf-8")
    monkeypatch.setattr(points_rules, "_configured", [path])
    reply = wechat.send(VOLUNTEER, "我的积分")
    assert "幸福街道的积分规则：领单任务完成 +8 分、居民评价满意 +2 分（每月至多 40 分）、代报成为诉求 +2 分" in reply
    assert "转达通知" not in reply.split("积分规则：")[1]  # off in the street
    staff = wechat.send(ZHANG, "我的积分")
    assert "幸福街道的积分规则：按时接单 +1 分（每月至多 100 分）、办结诉求 +3 分（每月至多 200 分）、" in staff
    assert "居民不满意 -2 分" in staff and "领单任务完成" not in staff


def test_a_resident_whose_enrolment_waits_hears_it_waits_not_how_to_join(wechat, seeded):
    wechat.dialog(RESIDENT, [("志愿者报名", "姓名"), ("刘芳", "单位"), ("无", "已收到")])
    assert wechat.send(RESIDENT, "我的积分") == resident_texts.POINTS_WAITING_FOR_COMMUNITY
    assert wechat.send(RESIDENT, "积分兑换") == resident_texts.POINTS_WAITING_FOR_COMMUNITY
    listing = wechat.send(RESIDENT, "可领任务")
    assert listing.endswith(community_texts.JOIN_WAITING) and "志愿者报名" not in listing


def test_help_lists_my_points_to_staff_and_the_community_and_the_ranking_to_the_community(wechat, seeded):
    community_help = wechat.send(PARTY_MEMBER, "帮助")
    assert "我的积分" in community_help and "积分排行" in community_help
    staff_help = wechat.send(ZHANG, "帮助")
    assert "我的积分" in staff_help and "积分排行" not in staff_help
    assert "积分" not in wechat.send(RESIDENT, "帮助")
    assert wechat.send(ZHANG, "积分排行") == community_texts.STAFF_USE_REPORT.format(
        verb="积分排行", who=community_texts.who(tuple(community_texts.ROLE_NAMES)), instead="回复“帮助”查看工作指令")


def grant_to(database, clock, openid: str, amount_rule: str, how_many: int) -> None:  # type: ignore[no-untyped-def]
    """`how_many` grants of a rule to `openid`, for as many notices."""
    with database.transaction() as session:
        person = session.scalars(select(Staff.id).where(Staff.openid == openid)).one()
        for number in range(how_many):
            request = Request("幸福里社区/第一网格", f"给{openid}的第{number}条通知", audience="all", urgent=True, kind="停水")
            notice = notice_planning.store(session, notice_planning.plan(session, request, Limits(template_id="t"),
                                                                         clock()), clock())
            points.grant(session, person, amount_rule, Source(broadcast_id=notice.id), clock())


def test_the_ranking_lists_the_compounds_people_by_this_months_points_and_the_senders_place(wechat, seeded, clock):
    with seeded.transaction() as session:  # a volunteer of 锦绣家园, the community's other compound
        building = session.scalars(select(Building).where(Building.compound == "锦绣家园")).first()
        grid = session.get_one(Grid, building.grid_id)
        session.add(Staff(openid="o_volunteer_2", name="吴芳", role=StaffRole.VOLUNTEER, grid_id=grid.id,
                          community_id=grid.community_id, building_id=building.id, active=True, created_at=clock()))
    grant_to(seeded, clock, PARTY_MEMBER, "notice_relayed", 3)
    grant_to(seeded, clock, BUILDING_LEAD, "notice_relayed", 2)
    grant_to(seeded, clock, "o_volunteer_2", "notice_relayed", 5)
    grant_to(seeded, clock, ZHANG, "notice_relayed", 4)  # grid staff are not ranked with the community
    party_member = staff_id(seeded, PARTY_MEMBER)
    with seeded.transaction() as session:  # a redemption spends points; the month's ranking stands
        points.redeem(session, party_member, 3, "兑换大米", clock())
    reply = wechat.send(BUILDING_LEAD, "积分排行")
    assert reply == "\n".join(["阳光花园 2026年11月积分排行（前 10 名）：", "1. 陈明（党员）3 分", "2. 赵阿姨（楼长）2 分",
                               "您排第 2 名，本月 2 分。"])
    whole = wechat.send(VOLUNTEER, "积分排行 社区").split("\n")
    assert whole[0].startswith("幸福里社区 2026年11月") and whole[1:4] == ["1. 吴芳（志愿者）5 分", "2. 陈明（党员）3 分",
                                                                   "3. 赵阿姨（楼长）2 分"]
    assert whole[-1] == community_texts.RANKING_OWN_NONE and "张伟" not in "\n".join(whole)


@pytest.mark.parametrize(("said", "same_as"), [("积分排行 全社区", "积分排行 社区"), ("积分排行 本社区。", "积分排行 社区"),
                                             ("积分排行 小区", "积分排行"), ("排行榜", "积分排行"),
                                             ("积分排行榜 社区", "积分排行 社区")])
def test_the_ranking_asked_in_other_words_is_the_ranking_not_an_appeal(wechat, seeded, clock, said, same_as):
    grant_to(seeded, clock, BUILDING_LEAD, "notice_relayed", 2)
    assert wechat.send(VOLUNTEER, said) == wechat.send(VOLUNTEER, same_as)
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


def test_a_ranking_with_nobody_yet_says_so_and_other_words_are_no_ranking(wechat, seeded):
    assert wechat.send(VOLUNTEER, "积分排行").startswith("阳光花园 2026年11月还没有人获得积分。")
    sentence = wechat.send(VOLUNTEER, "积分排行榜上怎么没有我的名字") or ""
    assert "积分排行（" not in sentence and "还没有人获得积分" not in sentence


@pytest.mark.parametrize("asked", ["我的积分是多少？", "我有多少积分", "查一下我的积分", "我有多少分"])
def test_points_asked_in_a_volunteers_own_words_are_told_not_filed_as_an_appeal(wechat, seeded, asked):
    reply = wechat.send(VOLUNTEER, asked)
    assert reply.startswith("志愿者周敏您好！您的积分：0 分")
    assert wechat.send(PARTY_MEMBER, "我的积分排名").endswith(community_texts.RANKING_OWN_NONE)
    assert wechat.send(RESIDENT, asked) == resident_texts.POINTS_NOT_FOR_RESIDENTS
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


def test_a_ranking_of_a_named_place_shows_the_senders_own_and_tells_them_which_they_may_see(wechat, seeded):
    own_compound = wechat.send(VOLUNTEER, "积分排行 阳光花园小区")
    assert own_compound == wechat.send(VOLUNTEER, "积分排行")
    assert wechat.send(VOLUNTEER, "积分排行 幸福里社区") == wechat.send(VOLUNTEER, "积分排行 社区")
    assert wechat.send(VOLUNTEER, "积分排行 和平社区") == community_texts.RANKING_OWN_PLACES_ONLY.format(
        compound="阳光花园", community="幸福里社区")
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


@pytest.mark.parametrize("asked", ["积分兑换", "兑换积分？"])
def test_asking_how_to_redeem_points_says_who_records_it_and_the_balance(wechat, seeded, asked):
    assert wechat.send(VOLUNTEER, asked) == community_texts.REDEEM_HOW.format(balance=0)
    assert wechat.send(RESIDENT, asked) == resident_texts.POINTS_NOT_FOR_RESIDENTS
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


def test_a_residents_ranking_is_refused_without_parentheses_inside_parentheses(wechat, seeded):
    refused = wechat.send(RESIDENT, "积分排行")
    assert refused.startswith("“积分排行”：本小区本月的积分排行（积分排行 社区：全社区）。只有楼长、"), refused
