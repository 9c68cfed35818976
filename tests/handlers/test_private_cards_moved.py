"""A private appeal (家庭矛盾 and the taxonomy's other `sensitive` categories) moved on keeps its words and unit
from whom may not read it: every path that sends its task card again (改派 in the chat, the console and the
command line, a leaver's tasks handed back, a departed holder's task reopened by 不满意, a building moved to
another grid, 拆分 and the release of a withdrawn or rejected appeal's followers) sends the card dispatch sends."""

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli.gridbot import main
from bot.web.app import create_app
from handlers import notifications
from storage.models import Appeal, OutboxMessage, Staff
from tests.support.console import cast, logged_in
from tests.support.personas import LI, LIU, NEXT_DOOR, OPERATOR, RESIDENT, WANG, ZHANG
from tests.support.worker import file_and_dispatch

pytestmark = pytest.mark.postgres

FAMILY = "我老公天天跟我吵架还动手打人，住3号楼1单元，孩子也吓坏了"
WORDS, UNIT = "动手打人", "3号楼1单元"


def latest_outbox_id(database):
    with database.transaction() as session:
        return session.scalar(select(func.max(OutboxMessage.id))) or 0


def cards_since(database, ticket, since):
    """The task cards of `ticket` written after outbox row `since`, by recipient, worded as they will read them."""
    with database.transaction() as session:
        rows = session.scalars(
            select(OutboxMessage).join(Appeal, Appeal.id == OutboxMessage.appeal_id)
            .where(Appeal.ticket == ticket, OutboxMessage.template == "staff_new_appeal", OutboxMessage.id > since)
        ).all()
        return {row.recipient_openid: notifications.render(row.template, json.loads(row.params)) for row in rows}


def assert_private(card, ticket):
    assert f"接单 {ticket}" in card and "涉及个人隐私" in card
    assert WORDS not in card and UNIT not in card


def cli(database_url, clock, *args):
    result = CliRunner().invoke(main, list(args), obj=clock, env={"GRIDBOT_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def family(wechat, seeded, clock):
    """A family conflict of 幸福里社区·第一网格, dispatched to its team."""
    return file_and_dispatch(wechat, seeded, clock, FAMILY)


def test_reassigned_in_the_chat_to_another_grid_its_member_reads_only_that_it_is_private(wechat, seeded, family):
    since = latest_outbox_id(seeded)
    assert "已改派给 幸福里社区·第二网格" in wechat.send(OPERATOR, f"改派 {family} 第二网格")
    cards = cards_since(seeded, family, since)
    assert set(cards) == {LIU}
    assert_private(cards[LIU], family)


def test_reassigned_to_the_grids_team_after_a_claim_only_the_leader_reads_it(wechat, seeded, family):
    wechat.send(ZHANG, f"接单 {family}")
    since = latest_outbox_id(seeded)
    assert "已改派给" in wechat.send(OPERATOR, f"改派 {family} 第一网格")
    cards = cards_since(seeded, family, since)
    assert set(cards) == {ZHANG, LI, WANG}
    assert WORDS in cards[WANG] and UNIT in cards[WANG]
    for member in (ZHANG, LI):  # 张伟 no longer holds it: he claims it again like anyone else
        assert_private(cards[member], family)


def test_reassigned_from_the_command_line_the_new_grids_member_reads_only_that_it_is_private(
        seeded, family, clock, database_url):
    since = latest_outbox_id(seeded)
    assert "已改派给 幸福里社区·第二网格" in cli(database_url, clock, "reassign", family, "幸福里社区·第二网格")
    assert_private(cards_since(seeded, family, since)[LIU], family)


def test_reassigned_in_the_console_the_new_grids_member_reads_only_that_it_is_private(
        seeded, family, clock, runtime):
    cast(seeded, clock())
    person = logged_in(create_app(runtime=runtime), "xingfuli")
    since = latest_outbox_id(seeded)
    response = person.client.post(f"/console/appeals/{family}/reassign",
                                  data={"target": "幸福里社区·第二网格", "csrf_token": person.token("/console/")})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert_private(cards_since(seeded, family, since)[LIU], family)


def test_a_leavers_private_task_goes_back_to_the_grid_with_the_card_dispatch_sends(
        wechat, seeded, family, clock, database_url):
    wechat.send(ZHANG, f"接单 {family}")
    since = latest_outbox_id(seeded)
    cli(database_url, clock, "staff", "disable", "张伟")
    cards = cards_since(seeded, family, since)
    assert set(cards) == {LI, WANG}
    assert_private(cards[LI], family)
    assert WORDS in cards[WANG]


def test_a_leaver_disabled_in_the_console_hands_back_a_private_task_as_dispatch_would(
        wechat, seeded, family, clock, runtime):
    wechat.send(ZHANG, f"接单 {family}")
    cast(seeded, clock())
    person = logged_in(create_app(runtime=runtime), "xingfuli")
    with seeded.transaction() as session:
        zhang = session.scalars(select(Staff.id).where(Staff.openid == ZHANG)).one()
    since = latest_outbox_id(seeded)
    response = person.client.post(f"/console/staff/{zhang}/disable", data={"csrf_token": person.token("/console/")})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert_private(cards_since(seeded, family, since)[LI], family)


def test_a_member_moving_grid_returns_a_private_task_to_the_old_grid_as_dispatch_would(
        wechat, seeded, family, clock, database_url):
    wechat.send(ZHANG, f"接单 {family}")
    since = latest_outbox_id(seeded)
    cli(database_url, clock, "staff", "move", "张伟", "--grid", "幸福里社区·第二网格", "--tasks", "return")
    assert_private(cards_since(seeded, family, since)[LI], family)


def test_a_departed_holders_private_task_reopened_by_the_resident_goes_back_as_dispatch_would(
        wechat, seeded, family, clock, database_url):
    wechat.send(ZHANG, f"接单 {family}")
    wechat.send(ZHANG, f"办结 {family} 已上门调解")
    cli(database_url, clock, "staff", "disable", "张伟")
    since = latest_outbox_id(seeded)
    wechat.dialog(RESIDENT, [("3", f"诉求 {family} 已重新打开")])
    assert_private(cards_since(seeded, family, since)[LI], family)


def test_a_building_moved_with_its_appeals_sends_a_private_ones_card_as_dispatch_would(
        seeded, family, clock, database_url):
    since = latest_outbox_id(seeded)
    cli(database_url, clock, "org", "move-building", "阳光花园·3号楼", "--grid", "幸福里社区·第二网格",
        "--appeals", "move", "--yes")
    assert_private(cards_since(seeded, family, since)[LIU], family)


def merged_then_made_private(wechat, seeded, clock):
    """Two lift appeals merged; the first's category then made private (a taxonomy edited since the merge)."""
    first = file_and_dispatch(wechat, seeded, clock, "3号楼1单元电梯坏了，动手打人也叫不来人修")
    second = file_and_dispatch(wechat, seeded, clock, "3号楼电梯坏了", NEXT_DOOR)
    assert f"已将诉求 {first} 并入 {second}" in wechat.send(WANG, f"合并 {first} {second}")
    with seeded.transaction() as session:
        session.scalars(select(Appeal).where(Appeal.ticket == first)).one().category = "家庭矛盾"
    return first, second


def test_a_private_appeal_split_from_a_merge_is_sent_as_dispatch_would(wechat, seeded, clock):
    first, _second = merged_then_made_private(wechat, seeded, clock)
    since = latest_outbox_id(seeded)
    assert f"已从 {_second} 拆分" in wechat.send(WANG, f"拆分 {first}")
    assert_private(cards_since(seeded, first, since)[LI], first)


def test_a_private_follower_released_by_a_rejection_is_sent_as_dispatch_would(wechat, seeded, clock):
    first, second = merged_then_made_private(wechat, seeded, clock)
    since = latest_outbox_id(seeded)
    assert "不受理" in wechat.send(WANG, f"不受理 {second} 重复反映")
    assert_private(cards_since(seeded, first, since)[LI], first)


def test_a_private_follower_released_by_its_targets_residents_withdrawal_is_sent_as_dispatch_would(
        wechat, seeded, clock):
    first, second = merged_then_made_private(wechat, seeded, clock)
    since = latest_outbox_id(seeded)
    assert "已撤销" in wechat.send(NEXT_DOOR, f"撤销 {second}")
    assert_private(cards_since(seeded, first, since)[LI], first)


@pytest.mark.parametrize(("action", "form"), [("split", {}), ("reject", {"reason": "重复反映"}),
                                              ("withdraw", {"note": "居民来电说不用了"})])
def test_a_private_appeal_dispatched_again_from_the_console_is_sent_as_dispatch_would(
        wechat, seeded, clock, runtime, action, form):
    first, second = merged_then_made_private(wechat, seeded, clock)
    cast(seeded, clock())
    person = logged_in(create_app(runtime=runtime), "xingfuli")
    since = latest_outbox_id(seeded)
    response = person.client.post(f"/console/appeals/{first if action == 'split' else second}/{action}",
                                  data={**form, "csrf_token": person.token("/console/")})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert_private(cards_since(seeded, first, since)[LI], first)


def test_a_family_emergency_moved_on_still_gives_its_words_and_unit_to_all_it_reaches(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, "我老公又打我了，快来人，3号楼1单元")
    assert appeal_of(seeded, ticket).emergency is not None
    since = latest_outbox_id(seeded)
    assert "已改派给 幸福里社区·第二网格" in wechat.send(OPERATOR, f"改派 {ticket} 第二网格")
    card = cards_since(seeded, ticket, since)[LIU]
    assert "打我" in card and "涉及个人隐私" not in card  # as the first cards did: someone must find the door now


def appeal_of(database, ticket):
    with database.transaction() as session:
        return session.scalars(select(Appeal).where(Appeal.ticket == ticket)).one()
