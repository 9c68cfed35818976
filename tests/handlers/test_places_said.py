"""A routine appeal is filed where the resident's words say the problem is when that is another building of her
community the ledger knows (storage.said_places): it goes to that building's grid, and the reply names the place.

o1 lives in 阳光花园3号楼1单元 (幸福里社区·第一网格: 张伟, 李娜, 王强); 锦绣家园5号楼 is 第二网格's (刘洋);
和平社区 has 和平小区1栋 and 东方名苑A座.
"""

import pytest

from storage.models import AppealStatus
from tests.handlers.test_emergencies import cards, grid_of, report
from tests.support.database import appeal
from tests.support.personas import LIU, ZHANG

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
    "东方名苑A座门口的路灯不亮",  # another community's
    "楼道灯坏了好几天了",  # no building said
])
def test_her_home_an_unknown_building_or_another_communitys_keep_the_appeal_at_home(wechat, seeded, clock, text):
    reply, ticket = report(wechat, seeded, clock, text)
    assert "网格：幸福里社区·第一网格" in reply and "按您说的登记" not in reply
    filed = appeal(seeded, ticket)
    assert filed.grid_id == grid_of(seeded, ZHANG) and filed.unit_id is not None


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
