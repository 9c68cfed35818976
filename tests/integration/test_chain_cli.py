"""The chain (issue 14): `gridbot org branch 社区/小区` sets up a 小区党支部 and its secretary (a party member living
there), and `gridbot org posts` shows and exports who holds which post — never an openid or a phone."""

import csv
import json

import pytest
from sqlalchemy import select

from bot.cli import org_texts
from handlers import community_texts
from storage import org
from storage.models import Grid, PartyBranch
from tests.support.cli import ok, refused
from tests.support.database import staff_id
from tests.support.personas import BUILDING_LEAD, PARTY_MEMBER, VOLUNTEER

pytestmark = pytest.mark.postgres

BRANCH = "阳光花园小区党支部"


def branches(seeded):
    with seeded.transaction() as session:
        return session.execute(select(PartyBranch.name, PartyBranch.compound, PartyBranch.secretary_staff_id)).all()


def test_a_branch_is_made_with_its_default_name_then_given_a_secretary(gridbot, seeded):
    assert ok(gridbot("org", "branch", "幸福里社区/阳光花园")).strip() == org_texts.branch_saved(
        True, "幸福里社区", "阳光花园", BRANCH, None)
    assert ok(gridbot("org", "branch", "幸福里社区·阳光花园", "--secretary", "陈明")).strip() == \
        org_texts.branch_saved(False, "幸福里社区", "阳光花园", BRANCH, "陈明")
    assert branches(seeded) == [(BRANCH, "阳光花园", staff_id(seeded, PARTY_MEMBER))]
    ok(gridbot("org", "branch", "幸福里社区/阳光花园", "--name", "阳光花园第一党支部"))
    assert branches(seeded) == [("阳光花园第一党支部", "阳光花园", staff_id(seeded, PARTY_MEMBER))]


def test_a_compound_named_with_a_middle_dot_gets_its_branch(gridbot, seeded):
    with seeded.transaction() as session:
        org.ensure_building(session, session.scalars(select(Grid).where(Grid.name == "第一网格")).first(), "1号楼",
                            "万科·城市花园")

    assert ok(gridbot("org", "branch", "幸福里社区/万科·城市花园")).strip() == org_texts.branch_saved(
        True, "幸福里社区", "万科·城市花园", "万科·城市花园小区党支部", None)
    assert branches(seeded) == [("万科·城市花园小区党支部", "万科·城市花园", None)]


def test_the_secretary_must_be_a_party_member_of_the_compound(gridbot, seeded):
    assert "不是住在这个小区的党员或党员中心户" in refused(
        gridbot("org", "branch", "幸福里社区/阳光花园", "--secretary", "周敏"))  # a volunteer
    assert "不是住在这个小区的党员" in refused(gridbot("org", "branch", "幸福里社区/锦绣家园", "--secretary", "陈明"))
    assert "这个社区的小区：锦绣家园、阳光花园" in refused(gridbot("org", "branch", "幸福里社区/无此小区"))
    assert branches(seeded) == []


def test_posts_show_the_branch_the_buildings_and_the_volunteers(gridbot, seeded):
    ok(gridbot("org", "branch", "幸福里社区/阳光花园", "--secretary", "陈明"))
    printed = ok(gridbot("org", "posts", "--scope", "幸福里社区"))
    lines = printed.splitlines()
    assert lines[:2] == ["幸福里社区", f"  阳光花园 {BRANCH}"]
    secretary = f"    支部书记：陈明 [{staff_id(seeded, PARTY_MEMBER)}]（市税务局第二党支部）"
    member = f"    2号楼 1单元 党员：陈明 [{staff_id(seeded, PARTY_MEMBER)}]（市税务局第二党支部）"
    lead = f"    3号楼 楼长：赵阿姨 [{staff_id(seeded, BUILDING_LEAD)}]"
    volunteer = f"    1号楼 2单元 志愿者：周敏 [{staff_id(seeded, VOLUNTEER)}]"
    assert [lines.index(line) for line in (secretary, member, lead, volunteer)] == [2, 3, 4, 5]
    rows = json.loads(ok(gridbot("org", "posts", "--json")))
    assert [row["post"] for row in rows] == ["支部书记", "党员", "楼长", "志愿者"]
    assert not any(openid in printed + json.dumps(rows) for openid in (PARTY_MEMBER, VOLUNTEER, BUILDING_LEAD))
    assert ok(gridbot("org", "posts", "--scope", "和平社区")).strip() == org_texts.POSTS_NONE


def test_posts_are_exported_as_csv_for_excel(gridbot, tmp_path):
    target = tmp_path / "posts.csv"
    assert ok(gridbot("org", "posts", "--csv", str(target))).strip() == org_texts.POSTS_EXPORTED.format(
        n=3, path=target)
    with target.open(encoding="utf-8-sig", newline="") as written:
        rows = list(csv.reader(written))
    assert rows[0] == org_texts.POSTS_CSV_HEADER
    assert ["幸福里社区", "阳光花园", "", "3号楼", "", "楼长", "赵阿姨"] == rows[2][:7]


def test_a_branch_secretary_moving_to_another_compound_stays_registered_where_the_branch_is(gridbot, wechat, seeded):
    ok(gridbot("org", "branch", "幸福里社区/阳光花园", "--secretary", "陈明"))
    for answer in ("我搬家了", "幸福里社区", "锦绣家园", "6号楼"):
        reply = wechat.send(PARTY_MEMBER, answer)
    assert "绑定成功" in reply and community_texts.MEMBER_HOME_STAYS.format(role="党员", home="阳光花园 2号楼 1单元") in reply
    assert "支部书记：陈明" in ok(gridbot("org", "posts", "--scope", "幸福里社区"))
