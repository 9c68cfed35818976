"""A routine appeal is filed where the resident's words say the problem is when that is another building of her
community the ledger knows, or of her street said with its 小区 (storage.said_places): it goes to that building's
grid, and the reply names the place.

o1 lives in 阳光花园3号楼1单元 (幸福里社区·第一网格: 张伟, 李娜, 王强); 锦绣家园5号楼 is 第二网格's (刘洋);
和平社区 has 和平小区1栋 and 东方名苑A座.
"""

import pytest
from sqlalchemy import select

from storage.models import Appeal, AppealStatus, Unit
from tests.handlers.test_emergencies import cards, grid_of, report
from tests.support.database import appeal
from tests.support.personas import CHEN, LIU, ZHANG, ZHAO

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("said", ["5号楼楼道灯坏了，晚上黑漆漆的", "锦绣家园五号楼楼道灯坏了"])
def test_a_problem_said_to_be_in_another_grids_building_of_her_community_goes_to_that_grid(
        wechat, seeded, clock, said):
    reply, ticket = report(wechat, seeded, clock, said)
    assert "网格：幸福里社区·第二网格" in reply
    assert f"地点：按您说的登记在锦绣家园5号楼，转给那里的网格。地点不对请回复“撤销 {ticket}”" in reply
    filed = appeal(seeded, ticket)
    assert filed.grid_id == grid_of(seeded, LIU) and filed.unit_id is None
    assert filed.status == AppealStatus.DISPATCHED
    told = cards(seeded, ticket)
    assert LIU in told and ZHANG not in told
    assert "锦绣家园5号楼" in told[LIU][0]


def test_a_building_of_her_own_compound_is_filed_there_in_her_own_grid(wechat, seeded, clock):
    reply, ticket = report(wechat, seeded, clock, "2号楼门口的垃圾堆了三天没人清")
    assert "地点：按您说的登记在阳光花园2号楼" in reply and "网格：幸福里社区·第一网格" in reply
    assert ZHANG in cards(seeded, ticket)


@pytest.mark.parametrize("text", [
    "3号楼楼道灯坏了",  # her own building
    "9号楼楼道灯坏了",  # no building the ledger knows
    "A座门口的路灯不亮",  # another community's, its 小区 not said
    "我妈住和平小区5栋，她家水管漏了",  # a 小区 named that has no such building: not 锦绣家园's 5号楼
    "楼道灯坏了好几天了",  # no building said
])
def test_her_home_an_unknown_building_or_another_communitys_keep_the_appeal_at_home(wechat, seeded, clock, text):
    reply, ticket = report(wechat, seeded, clock, text)
    assert "网格：幸福里社区·第一网格" in reply and "按您说的登记" not in reply
    filed = appeal(seeded, ticket)
    assert filed.grid_id == grid_of(seeded, ZHANG) and filed.unit_id is not None


@pytest.mark.parametrize(("said", "place", "grid", "member"), [
    ("我妈住在和平小区1栋2单元，她家厨房水管漏水了", "和平小区1栋2单元", "和平社区·第一网格", CHEN),
    ("帮我妈反映一下，她家门口的路灯坏了，她住东方名苑A座", "东方名苑A座", "和平社区·第二网格", ZHAO),
])
def test_a_daughter_reporting_for_her_mother_in_another_community_reaches_her_mothers_grid(
        wechat, seeded, clock, said, place, grid, member):
    # 和平小区1栋 was filed at the daughter's own 阳光花园1号楼, 东方名苑A座 at her home: her grid's members got it.
    reply, ticket = report(wechat, seeded, clock, said)
    assert f"网格：{grid}" in reply and f"地点：按您说的登记在{place}，转给那里的网格" in reply
    told = cards(seeded, ticket)
    assert member in told and ZHANG not in told


def test_a_complaint_about_staff_naming_a_building_stays_with_her_own_grid(wechat, seeded, clock):
    reply = wechat.send("o1", "投诉网格员，5号楼的灯坏了他一直不管")
    assert "按您说的登记" not in reply


def test_a_compound_named_in_latin_letters_is_told_apart_in_either_case(wechat, seeded, clock):
    # Both compounds have a 2号楼: "soho家园2号楼" named SOHO家园's, but only when the case matched; otherwise the
    # resident's own 阳光花园2号楼 was taken, in her own grid.
    from sqlalchemy import select

    from storage.models import Building
    with seeded.transaction() as session:
        for building in session.scalars(select(Building).where(Building.compound == "锦绣家园")):
            building.compound = "SOHO家园"
            if building.name == "6号楼":
                building.name = "2号楼"
    reply, ticket = report(wechat, seeded, clock, "soho家园2号楼楼道灯坏了")
    assert "按您说的登记在SOHO家园2号楼" in reply
    assert appeal(seeded, ticket).grid_id == grid_of(seeded, LIU)


def test_apart_files_the_parts_of_an_appeal_placed_at_another_building_there(wechat, seeded, clock):
    reply, ticket = report(wechat, seeded, clock, "锦绣家园5号楼：1.楼道灯坏了 2.门口垃圾桶满了没人倒")
    assert "按您说的登记在锦绣家园5号楼" in reply and "回复“分开”为每件事分别登记" in reply
    assert wechat.send("o1", "分开").startswith(f"已分开登记：\n· {ticket}：")
    original = appeal(seeded, ticket)
    with seeded.transaction() as session:
        parts = session.scalars(select(Appeal).where(Appeal.id != original.id)).all()
        assert [(part.grid_id, part.building_id, part.unit_id) for part in parts] == [
            (original.grid_id, original.building_id, None)]
    assert original.grid_id == grid_of(seeded, LIU)


def test_a_neighbours_report_of_the_building_she_named_is_offered_as_a_join(wechat, seeded, clock):
    # o7 lives in 1号楼; o1, of 3号楼, reports the same lamp there: the join is with 1号楼's report, as o7's own
    # neighbours would be offered it.
    _, first = report(wechat, seeded, clock, "1号楼楼道灯坏了好几天了，晚上看不见路", openid="o7")
    reply = wechat.send("o1", "1号楼楼道灯坏了好几天了，晚上看不见路")
    assert "按您说的登记在阳光花园1号楼" in reply
    assert f"同楼已有相同诉求正在办理（编号 {first}" in reply and "阳光花园1号楼" in reply.split("同楼")[1]
    assert wechat.send("o1", "1").startswith(f"已加入诉求 {first}")


def test_her_home_buildings_report_is_not_offered_for_an_appeal_placed_elsewhere(wechat, seeded, clock):
    report(wechat, seeded, clock, "楼道灯坏了好几天了，晚上看不见路", openid="o5")  # 3号楼, o1's home
    reply = wechat.send("o1", "1号楼楼道灯坏了好几天了，晚上看不见路")
    assert "按您说的登记在阳光花园1号楼" in reply and "同楼已有相同诉求" not in reply


@pytest.mark.parametrize(("said", "place", "unit"), [
    ("3号楼2单元楼道灯坏了好几天", "阳光花园3号楼2单元", "2单元"),  # her own building, her neighbours' unit
    ("二单元的楼道灯坏了好几天", "阳光花园3号楼2单元", "2单元"),  # a unit of her building, said alone
    ("2号楼1单元门口的垃圾堆了三天没人清", "阳光花园2号楼1单元", "1单元"),  # another building, with its unit
])
def test_a_unit_said_with_the_problem_is_where_it_is_filed_not_the_residents_own(wechat, seeded, clock, said, place,
                                                                                 unit):
    # The card sent the member to o1's 3号楼1单元 (or to the building without a unit) for what is in 2单元.
    reply, ticket = report(wechat, seeded, clock, said)
    assert f"地点：按您说的登记在{place}，" in reply
    told = cards(seeded, ticket)
    assert f"阳光花园{place.removeprefix('阳光花园')}" in told[ZHANG][0]
    with seeded.transaction() as session:
        filed = session.scalars(select(Appeal).where(Appeal.ticket == ticket)).one()
        assert session.get(Unit, filed.unit_id).name == unit


def test_her_own_unit_said_keeps_the_appeal_at_home_and_says_nothing_of_the_place(wechat, seeded, clock):
    reply, ticket = report(wechat, seeded, clock, "3号楼1单元楼道灯坏了好几天")
    assert "按您说的登记" not in reply


def test_an_emergency_in_another_unit_of_her_building_sends_the_responders_to_that_unit(wechat, seeded, clock):
    reply, ticket = report(wechat, seeded, clock, "3号楼2单元楼道里冒烟了")
    assert "阳光花园3号楼2单元" in reply
    assert "阳光花园3号楼2单元" in cards(seeded, ticket)[ZHANG][0]
