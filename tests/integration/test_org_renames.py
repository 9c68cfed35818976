"""`gridbot org rename`: a place mistyped in the ledger (or renamed by the district) gets its right name, and
nobody binds again."""

import re
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli.gridbot import main
from storage import org
from storage.models import Broadcast, Building, FocusCase, FocusStatus, PartyBranch
from storage.staff import find_grid
from storage.tickets import LOCAL_ZONE
from tests.support.database import resident
from tests.support.personas import RESIDENT

pytestmark = pytest.mark.postgres

NUMBER = re.compile(r"N\d{10}")


def gridbot(database_url, clock, *args):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, list(args), env={"GRIDBOT_DATABASE_URL": database_url}, obj=clock)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def home(database) -> str:  # type: ignore[no-untyped-def]
    """The resident's address as cards and replies name it."""
    found = resident(database, RESIDENT)
    with database.transaction() as session:
        place = org.address(session, found.grid_id, found.building_id, found.unit_id)
    return f"{place.grid_label}·{place.home_label}"


def test_a_grid_renamed_keeps_its_residents_and_cards_read_the_new_name(seeded, database_url, clock):
    before = resident(seeded, RESIDENT)

    result = gridbot(database_url, clock, "org", "rename", "网格", "幸福里社区·第一网格", "阳光网格")

    assert result.exit_code == 0, result.output
    assert "已改名：网格 幸福里社区·第一网格 → 幸福里社区·阳光网格。" in result.stdout
    assert "位住在这里的居民不用重新绑定" in result.stdout and "下次导入（gridbot import org" in result.stdout
    after = resident(seeded, RESIDENT)
    assert (after.grid_id, after.building_id, after.unit_id) == (before.grid_id, before.building_id, before.unit_id)
    assert home(seeded) == "幸福里社区·阳光网格·阳光花园3号楼1单元"


def test_renaming_back_undoes_it(seeded, database_url, clock):
    gridbot(database_url, clock, "org", "rename", "社区", "幸福里社区", "幸福理社区")
    result = gridbot(database_url, clock, "org", "rename", "社区", "幸福理社区", "幸福里社区")

    assert result.exit_code == 0, result.output
    assert home(seeded) == "幸福里社区·第一网格·阳光花园3号楼1单元"


@pytest.mark.parametrize(("kind", "place", "new", "shown"), [
    ("楼栋", "阳光花园·3号楼", "3号楼", "新名字和现在的一样"),
    ("楼栋", "阳光花园·3号楼", "2号楼", "同一级里已经有叫“2号楼”的了"),
    ("楼栋", "阳光花园·3号楼", "二号楼", "已经有“阳光花园·2号楼”，和新名字是同一个编号"),
    ("网格", "幸福里社区·第一网格", "第2网格", "已经有“第二网格”，和新名字是同一个编号"),
    ("社区", "幸福里社区", "和平社区", "同一级里已经有叫“和平社区”的了"),
    ("单元", "阳光花园·3号楼·1单元", "2单元", "同一级里已经有叫“2单元”的了"),
    ("单元", "阳光花园·3号楼·1单元", "二单元", "已经有“2单元”，和新名字是同一个编号"),
    ("小区", "幸福里社区·阳光花园", "锦绣家园", "同一级里已经有叫“锦绣家园”的了"),
    ("社区", "幸福里社区", "   ", "新名字是空的"),
    ("社区", "幸福里社区", "幸福\u200b里", "看不见的控制字符"),
    ("社区", "幸福里社区", "幸" * 65, "最多 64 个字"),
])
def test_a_name_that_would_clash_or_is_no_name_is_refused_and_nothing_changes(seeded, database_url, clock, kind,
                                                                               place, new, shown):
    result = gridbot(database_url, clock, "org", "rename", kind, place, new)

    assert result.exit_code == 1
    assert shown in result.stderr and "没有改动" in result.stderr
    assert home(seeded) == "幸福里社区·第一网格·阳光花园3号楼1单元"


def test_an_unknown_or_ambiguous_place_names_the_candidates(seeded, database_url, clock):
    unknown = gridbot(database_url, clock, "org", "rename", "楼栋", "阳光花园·9号楼", "10号楼")
    ambiguous = gridbot(database_url, clock, "org", "rename", "网格", "第一网格", "阳光网格")
    no_unit = gridbot(database_url, clock, "org", "rename", "单元", "阳光花园·3号楼·5单元", "6单元")

    assert unknown.exit_code == ambiguous.exit_code == no_unit.exit_code == 1
    assert "找不到楼栋“阳光花园·9号楼”" in unknown.stderr
    assert "幸福里社区·第一网格" in ambiguous.stderr and "和平社区·第一网格" in ambiguous.stderr
    assert "找不到单元“阳光花园·3号楼·5单元”" in no_unit.stderr and "1单元" in no_unit.stderr


def test_a_unit_is_found_by_its_number_and_renamed(seeded, database_url, clock):
    result = gridbot(database_url, clock, "org", "rename", "单元", "阳光花园·3号楼·1", "一单元")

    assert result.exit_code == 0, result.output
    assert home(seeded) == "幸福里社区·第一网格·阳光花园3号楼一单元"


def test_a_compound_renamed_moves_its_buildings_party_branch_and_open_hot_spot(seeded, database_url, clock):
    with seeded.transaction() as session:
        grid = find_grid(session, "幸福里社区·第一网格")
        session.add(PartyBranch(community_id=grid.community_id, compound="阳光花园", name="阳光花园小区党支部",
                                created_at=clock()))
        session.add(FocusCase(code="J2026112201", scope_kind="compound", scope_ref=f"compound:{grid.id}:阳光花园",
                              scope_label="幸福里社区·第一网格 阳光花园", grid_id=grid.id, key_kind="category",
                              key="物业服务", status=FocusStatus.OPEN, opened_at=clock(),
                              open_key=f"compound:{grid.id}:阳光花园|category:物业服务"))

    result = gridbot(database_url, clock, "org", "rename", "小区", "阳光花园", "阳光花苑")

    assert result.exit_code == 0, result.output
    assert "已改名：小区 幸福街道·幸福里社区·阳光花园 → 幸福街道·幸福里社区·阳光花苑" in result.stdout
    assert home(seeded) == "幸福里社区·第一网格·阳光花苑3号楼1单元"
    with seeded.transaction() as session:
        assert set(session.scalars(select(Building.compound).where(Building.grid_id == grid.id))) == {"阳光花苑"}
        assert session.scalars(select(PartyBranch.compound)).one() == "阳光花苑"
        case = session.scalars(select(FocusCase)).one()
        assert case.scope_ref == f"compound:{grid.id}:阳光花苑"
        assert case.open_key == f"compound:{grid.id}:阳光花苑|category:物业服务"
        assert case.scope_label == "幸福里社区·第一网格 阳光花苑"


def test_a_scheduled_notice_to_the_renamed_place_keeps_its_reach(seeded, database_url, clock):
    at = (clock() + timedelta(days=2)).astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")
    sent = gridbot(database_url, clock, "notice", "send", "--scope", "幸福里社区/第一网格/阳光花园/3号楼", "--text",
                   "周六上午电梯检修", "--at", at, "--yes")
    other = gridbot(database_url, clock, "notice", "send", "--scope", "幸福里社区/第一网格", "--text", "周日停水",
                    "--at", at, "--yes")
    assert sent.exit_code == other.exit_code == 0, sent.output + other.output

    result = gridbot(database_url, clock, "org", "rename", "楼栋", "阳光花园·3号楼", "3幢")

    assert result.exit_code == 0, result.output
    assert "1 条通知的范围已改成新名字" in result.stdout
    with seeded.transaction() as session:
        paths = sorted(session.scalars(select(Broadcast.scope_path)))
    assert paths == ["幸福里社区/第一网格", "幸福里社区/第一网格/阳光花园/3幢"]
    shown = gridbot(database_url, clock, "notice", "status", NUMBER.search(sent.output).group(0))
    assert "范围：幸福里社区/第一网格/阳光花园/3幢" in shown.output
