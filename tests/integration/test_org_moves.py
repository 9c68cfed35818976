"""`gridbot org move-building`: a building changes grid, said beforehand, done at once with its residents."""

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli.gridbot import main
from storage import org, org_moves
from storage.models import AppealEvent, Building, Grid, Staff
from storage.staff import UnknownPlace
from tests.support.database import appeal, notices, resident
from tests.support.personas import LIU, RESIDENT
from tests.support.worker import file_and_dispatch

pytestmark = pytest.mark.postgres

BUILDING, SECOND = "阳光花园·3号楼", "幸福里社区·第二网格"


def move(database_url, clock, *args):
    result = CliRunner().invoke(main, ["org", "move-building", *args], env={"GRIDBOT_DATABASE_URL": database_url},
                                obj=clock)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def building_grid(database):
    with database.transaction() as session:
        return session.scalars(select(Building.grid_id).where(Building.compound == "阳光花园",
                                                              Building.name == "3号楼")).one()


def test_without_open_appeals_it_says_what_happens_and_moves_the_residents(seeded, database_url, clock):
    result = move(database_url, clock, BUILDING, "--grid", SECOND)

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "将把“阳光花园·3号楼”从 幸福里社区·第一网格 划到 幸福里社区·第二网格：",
        "  3 位居民随楼栋划过去，以后反映的问题派给 幸福里社区·第二网格；",
        "  0 件未办结的诉求。",
    ]
    assert "已把“阳光花园·3号楼”划到 幸福里社区·第二网格：3 位居民随之划转" in result.stdout
    moved_to = building_grid(seeded)
    assert resident(seeded, RESIDENT).grid_id == moved_to


def test_open_appeals_need_a_choice_and_a_non_interactive_run_is_refused(seeded, database_url, clock, wechat):
    ticket = file_and_dispatch(wechat, seeded, clock)
    before = building_grid(seeded)

    result = move(database_url, clock, BUILDING, "--grid", SECOND)

    assert result.exit_code == 1
    assert f"1 件未办结的诉求（{ticket}）。" in result.stdout
    assert "请用 --appeals keep" in result.stderr
    assert building_grid(seeded) == before and resident(seeded, RESIDENT).grid_id == before


def test_keep_leaves_open_appeals_with_their_handlers_and_notes_the_move(seeded, database_url, clock, wechat):
    ticket = file_and_dispatch(wechat, seeded, clock)
    first = appeal(seeded, ticket).grid_id

    result = move(database_url, clock, BUILDING, "--grid", SECOND, "--appeals", "keep")

    assert result.exit_code == 0, result.output
    assert "仍由现在的办理人办完" in result.stdout and "1 件诉求仍由原办理人办理" in result.stdout
    assert appeal(seeded, ticket).grid_id == first
    assert resident(seeded, RESIDENT).grid_id == building_grid(seeded) != first
    with seeded.transaction() as session:
        notes = session.scalars(select(AppealEvent.note).where(AppealEvent.action == "building_moved")).all()
    assert notes == ["阳光花园·3号楼：幸福里社区·第一网格 → 幸福里社区·第二网格（keep）"]


def test_move_hands_open_appeals_to_the_new_grid_and_tells_its_members(seeded, database_url, clock, wechat):
    ticket = file_and_dispatch(wechat, seeded, clock)

    result = move(database_url, clock, BUILDING, "--grid", SECOND, "--appeals", "move")

    assert result.exit_code == 0, result.output
    assert appeal(seeded, ticket).grid_id == building_grid(seeded)
    assert LIU in notices(seeded, "staff_new_appeal", ticket)
    assert notices(seeded, "resident_transferred", ticket) == [RESIDENT]
    with seeded.transaction() as session:
        actions = session.scalars(select(AppealEvent.action).where(AppealEvent.action.in_(
            ("building_moved", "reassigned")))).all()
    assert sorted(actions) == ["building_moved", "reassigned"]


def test_an_unknown_building_names_the_candidates_and_a_building_can_be_given_by_id(seeded, database_url, clock):
    unknown = move(database_url, clock, "阳光花园·9号楼", "--grid", SECOND)
    assert unknown.exit_code == 1 and "Traceback" not in unknown.output

    with seeded.transaction() as session:
        building_id = session.scalars(select(Building.id).where(Building.name == "5号楼")).one()
    same_grid = move(database_url, clock, str(building_id), "--grid", SECOND)
    assert same_grid.exit_code == 1
    assert "“5号楼”已经在 幸福里社区·第二网格，没有改动。" in same_grid.stderr


def test_a_building_of_a_compound_named_with_a_middle_dot_is_found_by_the_path_the_candidates_show(seeded):
    with seeded.transaction() as session:
        first = session.scalars(select(Grid).where(Grid.name == "第一网格")).first()
        built = org.ensure_building(session, first, "3号楼", "万科·城市花园").id

    with seeded.transaction() as session:
        for typed in ("万科·城市花园·3号楼", "幸福里社区/第一网格/万科·城市花园/3号楼", "幸福里社区·第一网格·万科・城市花园·3号楼"):
            assert org_moves.find_building(session, typed).id == built, typed


def test_a_building_typed_in_the_other_case_is_offered_on_postgresql_as_on_sqlite(seeded):
    # SQLite's LIKE ignores the case of Latin letters, PostgreSQL's does not: "东方名苑·b座" was refused with
    # "您是不是要找：…东方名苑·B座" in the demo and with no building offered in a city's deployment.
    with seeded.transaction() as session, pytest.raises(UnknownPlace) as unknown:
        org_moves.find_building(session, "东方名苑·b座")
    assert unknown.value.candidates == ["和平社区·第二网格·东方名苑·B座"]


def test_moving_open_appeals_to_a_grid_with_nobody_on_duty_warns_that_no_card_reached_anyone(
        seeded, database_url, clock, wechat):
    file_and_dispatch(wechat, seeded, clock)
    with seeded.transaction() as session:
        session.scalars(select(Staff).where(Staff.openid == LIU)).one().active = False

    moved = move(database_url, clock, BUILDING, "--grid", SECOND, "--appeals", "move")
    kept = move(database_url, clock, BUILDING, "--grid", "幸福里社区·第一网格", "--appeals", "keep")

    assert moved.exit_code == 0 and kept.exit_code == 0
    assert f"注意：{SECOND} 现在没有在岗的网格员" in moved.output and "gridbot reassign" in moved.output
    assert "注意：" not in kept.output
