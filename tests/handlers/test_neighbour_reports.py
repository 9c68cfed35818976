"""红色代办 (issue 14): party members and every post (NEIGHBOUR_REPORTERS) file for a neighbour of their building
with 代报, as a 楼长 does; a volunteer who only signed up does not. A 代报 earns the `neighbour_report` points."""

import pytest
from sqlalchemy import select

from handlers import community_texts
from storage import points
from storage.models import Appeal, AppealStatus, PointsEntry
from tests.support.database import appeal, notices, staff_id
from tests.support.personas import BUILDING_LEAD, LI, PARTY_MEMBER, VOLUNTEER, WANG, ZHANG
from tests.support.worker import TICKET, dispatch_filed

pytestmark = pytest.mark.postgres

SUMMARY = "替不用微信的邻居反映问题，进展会发给您"


def grants(seeded, openid):
    member = staff_id(seeded, openid)
    with seeded.transaction() as session:
        return session.execute(select(PointsEntry.rule, PointsEntry.amount, PointsEntry.appeal_id)
                               .where(PointsEntry.staff_id == member)).all()


def test_a_party_member_files_for_a_neighbour_of_their_home_and_follows_it(wechat, seeded, clock):
    reply = wechat.send(PARTY_MEMBER, "代报 2单元 楼道灯坏了好几天，老人晚上下楼看不见")
    assert "已为邻居（阳光花园2号楼2单元）代报" in reply
    ticket = TICKET.search(reply).group(0)
    dispatch_filed(seeded, clock)
    filed = appeal(seeded, ticket)
    assert filed.status == AppealStatus.DISPATCHED and filed.reporter_staff_id == staff_id(seeded, PARTY_MEMBER)
    assert notices(seeded, "staff_new_appeal", ticket) == sorted([LI, WANG, ZHANG])
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功")])
    assert notices(seeded, "resident_accepted", ticket) == [PARTY_MEMBER]  # the reporter hears back
    assert ticket in wechat.send(PARTY_MEMBER, f"查询 {ticket}")


def test_a_neighbour_report_earns_its_points_once(wechat, seeded, clock):
    ticket = TICKET.search(wechat.send(PARTY_MEMBER, "代报 1单元 单元门的门禁坏了")).group(0)
    appeal_id, member = appeal(seeded, ticket).id, staff_id(seeded, PARTY_MEMBER)
    assert grants(seeded, PARTY_MEMBER) == [("neighbour_report", 2, appeal_id)]
    with seeded.transaction() as session:  # the same grant again (a retried step) adds nothing
        assert points.grant(session, member, "neighbour_report", points.Source(appeal_id=appeal_id), clock()) is None
    assert len(grants(seeded, PARTY_MEMBER)) == 1


def test_a_building_leads_daibao_earns_the_points_too(wechat, seeded):
    wechat.send(BUILDING_LEAD, "代报 2单元 楼道堆满了杂物")
    assert [rule for rule, _, _ in grants(seeded, BUILDING_LEAD)] == ["neighbour_report"]


@pytest.mark.parametrize("again", ["代报 2单元 楼道堆满了杂物", "代报 2单元，楼道堆满了杂物。", "代报 2 楼道堆满了杂物"])
def test_a_daibao_sent_twice_by_mistake_is_filed_and_earns_points_once(wechat, seeded, again):
    ticket = TICKET.search(wechat.send(BUILDING_LEAD, "代报 2单元 楼道堆满了杂物")).group(0)
    assert wechat.send(BUILDING_LEAD, again) == community_texts.already_reported(
        ticket, "阳光花园3号楼2单元", "楼道堆满了杂物")
    assert [appeal_id for _, _, appeal_id in grants(seeded, BUILDING_LEAD)] == [appeal(seeded, ticket).id]
    with seeded.transaction() as session:
        assert len(session.scalars(select(Appeal.id)).all()) == 1


@pytest.mark.parametrize("other", ["代报 1单元 楼道堆满了杂物", "代报 3-2-501 楼道堆满了杂物"])
def test_the_same_words_for_another_neighbour_are_filed_apart(wechat, seeded, other):
    first = TICKET.search(wechat.send(BUILDING_LEAD, "代报 2单元 楼道堆满了杂物")).group(0)
    second = TICKET.search(wechat.send(BUILDING_LEAD, other)).group(0)
    assert second != first and len(grants(seeded, BUILDING_LEAD)) == 2


def test_a_volunteer_may_not_file_for_a_neighbour(wechat, seeded):
    refused = wechat.send(VOLUNTEER, "代报 2单元 楼道灯坏了")
    assert refused == community_texts.COMMUNITY_ONLY.format(
        verb="代报", summary=SUMMARY, who="楼长、单元长、党员中心户和党员")
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []
        assert session.scalars(select(PointsEntry)).all() == []


def test_a_party_members_help_lists_daibao_and_a_volunteers_does_not(wechat, seeded):
    assert "代报 单元或门牌 内容" in wechat.send(PARTY_MEMBER, "帮助")
    assert "代报 单元或门牌 内容" not in wechat.send(VOLUNTEER, "帮助")
