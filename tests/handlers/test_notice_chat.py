"""Broadcast notices in the chat: 通知 with its preview and 确认 发送, 通知进度, 退订通知 / 订阅通知, 已转达."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from handlers import community_texts as lead_texts
from handlers import notice_texts, resident_texts, staff_texts
from handlers.resident_texts import LOCAL_ZONE
from storage import notice_planning, notice_records, seeding
from storage.models import (
    Appeal,
    Broadcast,
    BroadcastChunk,
    BroadcastRecipient,
    Building,
    ChunkStatus,
    Community,
    Grid,
    NoticeState,
    RecipientStatus,
    Resident,
    Staff,
    StaffRole,
    Street,
)
from storage.notice_planning import Limits, Request
from tests.support.personas import BUILDING_LEAD, CHEN, NEXT_DOOR, OPERATOR, RESIDENT, WANG, ZHANG
from tests.support.street import FIRST, XINGFULI

pytestmark = pytest.mark.postgres

NUMBER = re.compile(r"N\d{10}")
LEAD, OTHER_LEAD = BUILDING_LEAD, "o_lead_1"  # 赵阿姨 of 3号楼; a 楼长 of 1号楼


def add_lead(database, clock, openid: str, building_of: str) -> None:  # type: ignore[no-untyped-def]
    with database.transaction() as session:
        home = session.scalars(select(Resident).where(Resident.openid == building_of)).one()
        session.add(Staff(openid=openid, name="周楼长", role=StaffRole.BUILDING_LEAD, grid_id=home.grid_id,
                          building_id=home.building_id, active=True, created_at=clock()))


def test_an_operator_previews_and_confirms_a_notice_to_a_grid(wechat, seeded):
    wechat.dialog(OPERATOR, [
        ("通知 幸福里社区/第一网格 周六上午9点小区消防演练，请大家配合", "群发：5 人"),
        ("确认 发送", "已排入发送"),
    ])
    with seeded.transaction() as session:
        (notice,) = session.scalars(select(Broadcast)).all()
        author = session.get_one(Staff, notice.author_staff_id)
    assert (notice.scope_path, author.openid, notice.state) == ("幸福里社区/第一网格", OPERATOR, "scheduled")
    assert notice.text == "周六上午9点小区消防演练，请大家配合"  # as typed: Chinese punctuation is not normalised away
    assert NUMBER.search(wechat.send(OPERATOR, f"通知进度 {notice.number}")).group(0) == notice.number


def test_a_grid_leader_sends_a_staff_only_notice_from_the_chat(wechat, seeded):
    wechat.dialog(WANG, [
        ("工作通知 本网格 周五下午3点网格员例会，请准时参加", "范围：幸福里社区/第一网格（工作人员）"),
        ("确认 发送", "已排入发送"),
    ])
    with seeded.transaction() as session:
        (notice,) = session.scalars(select(Broadcast)).all()
        reached = set(session.scalars(select(BroadcastRecipient.resident_id)
                                      .where(BroadcastRecipient.broadcast_id == notice.id)))
    assert (notice.audience, notice.text, reached) == ("staff", "周五下午3点网格员例会，请准时参加", {None})
    assert "工作通知 范围 内容" in wechat.send(WANG, "帮助 2")
    assert "范围：" not in wechat.send(ZHANG, "工作通知 本网格 周五例会")  # a member cannot broadcast


def test_a_grid_leader_sends_an_urgent_notice_from_the_chat_and_it_reaches_those_who_opted_out(wechat, seeded,
                                                                                              clock):
    with seeded.transaction() as session:
        session.execute(update(Resident).where(Resident.openid == RESIDENT).values(notices_opted_out_at=clock()))
    wechat.dialog(WANG, [
        ("紧急通知 3号楼 明天上午8点至12点抢修水管停水，请提前储水", "范围：幸福里社区/第一网格/阳光花园/3号楼（居民），紧急：停水"),
        ("确认 发送", "已排入发送"),
    ])
    with seeded.transaction() as session:
        (notice,) = session.scalars(select(Broadcast)).all()
        reached = set(session.scalars(select(BroadcastRecipient.openid).where(
            BroadcastRecipient.broadcast_id == notice.id, BroadcastRecipient.status != RecipientStatus.SKIPPED)))
    assert (notice.urgent, notice.kind) == (True, "停水") and RESIDENT in reached
    assert "紧急：其他" in wechat.send(WANG, "紧急通知 本网格 今晚有大风，请收好阳台物品")


def test_notice_progress_says_why_those_not_sent_were_not(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.execute(update(Resident).where(Resident.openid == RESIDENT).values(notices_opted_out_at=clock()))
    wechat.dialog(WANG, [("通知 本网格 周六上午消防演练", "不发送：1 人，已退订通知"), ("确认 发送", "已排入发送")])
    with seeded.transaction() as session:
        (notice,) = session.scalars(select(Broadcast)).all()
    assert "未发送 1（1 人已退订通知）" in wechat.send(WANG, f"通知进度 {notice.number}")


@pytest.mark.parametrize("sender", [OPERATOR, WANG])
def test_a_grid_named_alone_is_the_senders_own_though_another_community_has_one_of_that_name(wechat, seeded, sender):
    wechat.dialog(sender, [
        ("通知 第一网格 周六上午消防演练", "范围：幸福里社区/第一网格（居民）"),
        ("确认 发送", "已排入发送"),
    ])
    with seeded.transaction() as session:
        (notice,) = session.scalars(select(Broadcast)).all()
    assert notice.scope_path == "幸福里社区/第一网格"  # stored as it can be read again, whatever grids come later


@pytest.mark.parametrize(("sender", "said"), [
    (OPERATOR, "第一网格"), (WANG, "本网格"), (OPERATOR, "本社区"), (OPERATOR, "幸福里社区"), (WANG, "3号楼"),
    (OPERATOR, "阳光花园"), (WANG, "阳光花园")])
def test_the_senders_own_place_is_found_though_another_street_has_a_community_of_that_name(
        wechat, seeded, clock, sender, said):
    with seeded.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan(
            "滨湖街道", {XINGFULI: {FIRST: ("幸福家园", {"3号楼": ("1单元",)})}}), clock())
    wechat.dialog(sender, [(f"通知 {said} 明天上午停水", "范围：幸福街道/幸福里社区"), ("确认 发送", "已排入发送")])
    with seeded.transaction() as session:
        (notice,) = session.scalars(select(Broadcast)).all()
    assert notice.scope_path.startswith("幸福街道/幸福里社区")


def _binhu_street_operator(seeded, clock):
    """A second street, 滨湖街道 (one community, one grid), and its street operator o_binhu_street."""
    with seeded.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan(
            "滨湖街道", {"滨湖社区": {FIRST: ("湖景苑", {"1号楼": ("1单元",)})}}), clock())
        street = session.scalars(select(Street.id).where(Street.name == "滨湖街道")).one()
        session.add(Staff(openid="o_binhu_street", name="周红", role=StaffRole.OPERATOR, street_id=street,
                          created_at=clock()))


def test_a_street_operator_sends_to_their_street_and_is_told_so_when_they_reach_beyond_it(wechat, seeded, clock):
    _binhu_street_operator(seeded, clock)

    assert wechat.send("o_binhu_street", "通知 滨湖社区 明天上午停水") != notice_texts.NOT_YOURS  # their own
    assert wechat.send("o_binhu_street", "通知 幸福里社区 明天上午停水") == notice_texts.NOT_YOURS
    assert "街道操作员：本街道" in notice_texts.NOT_YOURS and "街道操作员：本街道" in wechat.send("o_binhu_street", "帮助 2")


def test_a_street_operator_may_call_their_street_本街道_as_the_refusal_tells_them(wechat, seeded, clock):
    _binhu_street_operator(seeded, clock)
    with seeded.transaction() as session:
        grid = session.scalars(select(Grid.id).join(Community).where(Community.name == "滨湖社区")).one()
        session.add(Staff(openid="o_binhu_member", name="吴军", role=StaffRole.GRID_MEMBER, grid_id=grid,
                          created_at=clock()))

    wechat.send("o_binhu_member", "帮助")  # within the 48 hours: a customer-service message reaches them
    wechat.dialog("o_binhu_street", [("工作通知 本街道 周五下午全体网格员例会", "范围：滨湖街道（工作人员）"),
                                     ("确认 发送", "已排入发送")])
    assert wechat.send(OPERATOR, "通知 本街道 明天上午停水") == notice_texts.NOT_YOURS  # a community's: beyond it
    with seeded.transaction() as session:
        assert session.scalars(select(Broadcast.scope_path)).all() == ["滨湖街道"]


@pytest.mark.parametrize(("sender", "said", "scope"), [
    (WANG, "本网格", "幸福里社区/第一网格"),
    (WANG, "本网格/3号楼", "幸福里社区/第一网格/3号楼"),
    (OPERATOR, "本社区", "幸福里社区"),
])
def test_the_senders_own_grid_or_community_may_be_called_so(wechat, seeded, sender, said, scope):
    wechat.dialog(sender, [(f"通知 {said} 明天上午停水", f"范围：{scope}（居民）"), ("确认 发送", "已排入发送")])


@pytest.mark.parametrize("said", ["3号楼", "阳光花园/3号楼"])
def test_a_building_named_alone_is_the_grid_leaders_own(wechat, seeded, said):
    wechat.dialog(WANG, [
        (f"通知 {said} 明天上午停水", "范围：幸福里社区/第一网格/阳光花园/3号楼（居民）"),
        ("确认 发送", "已排入发送"),
    ])
    with seeded.transaction() as session:
        (notice,) = session.scalars(select(Broadcast)).all()
    assert notice.scope_path == "幸福里社区/第一网格/阳光花园/3号楼"


@pytest.mark.parametrize(("sender", "scope"), [
    (OPERATOR, "幸福里社区/阳光花园"), (WANG, "幸福里社区/第一网格/阳光花园")])
def test_a_compound_named_alone_is_the_operators_whole_and_the_grid_leaders_part(wechat, seeded, clock, sender, scope):
    """阳光花园 spans both of 幸福里社区's grids and 和平社区 has one too: the operator's is their community's whole
    小区, the 网格长's their grid's part of it."""
    with seeded.transaction() as session:
        session.scalars(select(Building).where(Building.name == "5号楼")).one().compound = "阳光花园"
        seeding.seed_street(session, seeding.StreetPlan("幸福街道", {"和平社区": {"第三网格": ("阳光花园", {
            "9号楼": ("1单元",)})}}), clock())
    wechat.dialog(sender, [("通知 阳光花园 明天上午停水", f"范围：{scope}（居民）"), ("确认 发送", "已排入发送")])
    with seeded.transaction() as session:
        assert session.scalars(select(Broadcast.scope_path)).all() == [scope]


@pytest.mark.parametrize(("sender", "said", "scope"), [
    (OPERATOR, "通知", "幸福里社区/金地城（居民）"),
    (WANG, "工作通知", "幸福里社区/第一网格/金地城（工作人员）"),
    (OPERATOR, "紧急通知", "幸福里社区/金地城（居民），紧急：停水"),
])
def test_a_compound_whose_name_ends_in_no_place_word_is_still_the_scope(wechat, seeded, sender, said, scope):
    """金地城 ends in none of 小区, 花园, 苑…: read as the place the organisation has, not answered with the usage."""
    with seeded.transaction() as session:
        session.execute(update(Building).where(Building.compound == "阳光花园").values(compound="金地城"))
    wechat.dialog(sender, [(f"{said} 金地城 明天上午停水，请提前储水！", f"范围：{scope}"), ("确认 发送", "已排入发送")])
    with seeded.transaction() as session:
        (notice,) = session.scalars(select(Broadcast)).all()
    assert notice.text == "明天上午停水，请提前储水！"  # as typed
    assert wechat.send(OPERATOR, "通知 物业 明天上午来修水管") == notice_texts.NOTICE_USAGE  # no place: the usage


def test_a_place_found_nowhere_is_answered_with_how_a_scope_is_written_not_as_choices(wechat, seeded):
    reply = wechat.send(WANG, "通知 9号楼 明天上午停水")
    assert reply == "范围里的“9号楼”没有找到。范围的写法：全部、社区、小区、社区/网格、社区/网格/小区/楼栋。"


@pytest.mark.parametrize("said", ["幸福里社区 / 第一网格", "幸福里社区/ 第一网格", "幸福里社区 ／第一网格"])
def test_spaces_around_a_slash_stay_in_the_scope(wechat, seeded, said):
    wechat.dialog(OPERATOR, [
        (f"通知 {said} 周六上午消防演练", "范围：幸福里社区/第一网格（居民）"),
        ("确认 发送", "已排入发送"),
    ])
    with seeded.transaction() as session:
        (notice,) = session.scalars(select(Broadcast)).all()
    assert (notice.scope_path, notice.text) == ("幸福里社区/第一网格", "周六上午消防演练")


def test_the_chat_preview_shows_the_text_that_goes_out(wechat, seeded):
    assert "内容：周六上午9点小区消防演练" in wechat.send(OPERATOR, "通知 幸福里社区/第一网格 周六上午9点小区消防演练")
    long = "周六上午9点小区消防演练，" * 20 + "请大家配合"
    assert f"内容：{long[:60]}…（共 {len(long)} 字）" in wechat.send(OPERATOR, f"通知 幸福里社区/第一网格 {long}")


def test_the_notice_keeps_the_punctuation_it_ends_with(wechat, seeded):
    wechat.dialog(OPERATOR, [("通知 幸福里社区/第一网格 明天停水，请提前储水！ ", "请提前储水！"), ("确认 发送", "已排入发送")])
    with seeded.transaction() as session:
        assert session.scalars(select(Broadcast.text)).one() == "明天停水，请提前储水！"


def test_a_draft_not_confirmed_stores_nothing(wechat, seeded):
    wechat.dialog(OPERATOR, [("通知 幸福里社区 周六上午消防演练", "确认 发送"), ("取消。", "已放弃这条通知，什么也没有发出")])
    assert wechat.send(OPERATOR, "确认 发送") == notice_texts.NO_DRAFT
    with seeded.transaction() as session:
        assert session.scalars(select(Broadcast)).all() == []


@pytest.mark.parametrize("said", ["确定", "发送", "好的。", "OK"])
def test_a_yes_in_other_words_asks_for_the_confirmation_and_keeps_the_draft(wechat, seeded, said):
    wechat.dialog(OPERATOR, [
        ("通知 幸福里社区/第一网格 周六上午9点小区消防演练", "确认 发送"),
        (said, notice_texts.NOT_CONFIRMED),
        ("确认 发送", "已排入发送"),
    ])


def test_a_confirmation_after_the_draft_expired_says_nothing_was_sent(wechat, seeded, clock):
    wechat.send(OPERATOR, "通知 幸福里社区/第一网格 周六上午消防演练")
    clock.advance(minutes=31)
    assert wechat.send(OPERATOR, "确认发送。") == notice_texts.NO_DRAFT


def test_a_second_confirmation_sends_nothing_twice_and_does_not_say_nothing_went(wechat, seeded):
    wechat.dialog(OPERATOR, [("通知 幸福里社区/第一网格 周六上午消防演练", "确认 发送"), ("确认 发送", "已排入发送"),
                             ("确认 发送", "已确认的通知不会重复发送")])
    with seeded.transaction() as session:
        assert len(session.scalars(select(Broadcast)).all()) == 1


@pytest.mark.parametrize("said", ["通知幸福里社区第一网格明天上午停水。", "通知 明天上午停水"])
def test_a_sender_whose_notice_names_no_scope_is_shown_how_to_write_one(wechat, seeded, said):
    assert wechat.send(OPERATOR, said) == notice_texts.NOTICE_USAGE
    assert wechat.send(ZHANG, said) == staff_texts.STAFF_FREE_TEXT  # a 网格员 sends no notices


def test_a_grid_leader_broadcasts_to_their_grid_only(wechat, seeded):
    assert notice_texts.NOT_YOURS in wechat.send(WANG, "通知 和平社区 周六上午消防演练")
    assert "群发：4 人" in wechat.send(WANG, "通知 幸福里社区/第一网格/阳光花园/3号楼 明天电梯检修")


def test_grid_members_building_leads_and_residents_cannot_broadcast(wechat, seeded, clock):
    assert wechat.send(ZHANG, "通知 幸福里社区/第一网格 周六消防演练") == notice_texts.NOT_ALLOWED
    assert wechat.send(LEAD, "通知 幸福里社区/第一网格/阳光花园/3号楼 明天停水") == lead_texts.NOT_GRID_WORK.format(
        role="楼长", instead=lead_texts.GRID_WORK_INSTEAD_OTHERWISE)
    assert wechat.send(RESIDENT, "通知 全部 明天停水") == staff_texts.NOT_YOURS
    assert re.search(r"G\d{10}", wechat.send(RESIDENT, "通知物业来修一下3号楼的电梯，一直坏着"))  # an appeal


def test_a_grid_member_is_told_notice_progress_is_for_senders(wechat, seeded, clock):
    number = sent_notice(seeded, clock)
    assert wechat.send(ZHANG, f"通知进度 {number}") == notice_texts.PROGRESS_NOT_ALLOWED
    assert number in wechat.send(WANG, f"通知进度 {number}")


def test_notice_progress_of_another_community_or_grid_reads_as_a_number_that_does_not_exist(wechat, seeded, clock):
    with seeded.transaction() as session:
        peace = session.scalars(select(Grid).join(Community).where(Community.name == "和平社区")).first()
        session.add(Staff(openid="o_peace_operator", name="和平操作员", role=StaffRole.OPERATOR,
                          community_id=peace.community_id, active=True, created_at=clock()))
        session.add(Staff(openid="o_peace_leader", name="和平网格长", role=StaffRole.GRID_LEADER, grid_id=peace.id,
                          active=True, created_at=clock()))
        session.add(Staff(openid="o_second_leader", name="二网格长", role=StaffRole.GRID_LEADER,
                          grid_id=session.scalars(select(Grid.id).join(Community).where(
                              Community.name == "幸福里社区", Grid.name == "第二网格")).one(),
                          active=True, created_at=clock()))
    number = sent_notice(seeded, clock)  # to 幸福里社区/第一网格/阳光花园/3号楼
    for outsider in ("o_peace_operator", "o_peace_leader", "o_second_leader"):
        assert wechat.send(outsider, f"通知进度 {number}") == notice_texts.UNKNOWN_NOTICE.format(number=number)
    assert number in wechat.send(OPERATOR, f"通知进度 {number}")
    assert number in wechat.send(WANG, f"通知进度 {number}")  # the leader of the grid it went to


@pytest.mark.parametrize("argument", ["N" * 6000, "' OR 1=1 --", "N2612079999", "N%", ""])
def test_a_hostile_or_unknown_number_after_cancel_stops_nothing(wechat, seeded, clock, argument):
    wechat.dialog(WANG, [("通知 本网格 明天上午停水", "群发：5 人"), ("确认 发送", "已排入发送")])
    reply = wechat.send(OPERATOR, f"撤销通知 {argument}".strip())
    assert reply in (staff_texts.STAFF_FREE_TEXT, notice_texts.UNKNOWN_NOTICE.format(number=argument),
                     "请按这个格式发送：撤销通知 编号")
    with seeded.transaction() as session:
        assert session.scalars(select(Broadcast.state)).all() != [NoticeState.CANCELLED]


def test_a_grid_leader_stops_a_notice_sent_by_mistake_from_the_chat_once_and_in_his_name(wechat, seeded, clock):
    wechat.dialog(WANG, [("通知 本网格 明天上午停水", "群发：5 人"), ("确认 发送", "已排入发送")])
    with seeded.transaction() as session:
        (number,) = session.scalars(select(Broadcast.number)).all()

    assert wechat.send(WANG, f"撤销通知 {number}") == f"通知 {number} 已撤销：还没发出的 5 人不会再收到。"

    with seeded.transaction() as session:
        shown = notice_records.progress(session, notice_records.find(session, number))
    assert (shown.state, shown.pending, shown.cancelled_by) == ("cancelled", 0, "王强")
    assert (shown.as_json()["cancelled_by"], shown.as_json()["cancelled_by_login"]) == ("王强", None)
    again = wechat.send(OPERATOR, f"撤回通知 {number}")
    assert again == f"通知 {number} 已于 {resident_texts.clock(shown.cancelled_at)} 撤销过（王强），这次没有改动。"


def test_cancelling_a_notice_partly_sent_from_the_chat_says_who_has_it_already(wechat, seeded, clock):
    number = sent_notice(seeded, clock)
    with seeded.transaction() as session:  # two have it, the rest wait (quota, quiet hours)
        notice = notice_records.find(session, number)
        notice.state = NoticeState.SENDING
        first_two = select(BroadcastRecipient.id).where(BroadcastRecipient.broadcast_id == notice.id).limit(2)
        session.execute(update(BroadcastRecipient).where(BroadcastRecipient.id.in_(first_two.scalar_subquery()))
                        .values(status=RecipientStatus.SENT))
        waiting = session.scalar(select(func.count()).select_from(BroadcastRecipient).where(
            BroadcastRecipient.broadcast_id == notice.id, BroadcastRecipient.status == RecipientStatus.PENDING))

    answer = wechat.send(OPERATOR, f"撤销通知 {number}")

    assert answer == (f"通知 {number} 已撤销：还没发出的 {waiting} 人不会再收到。"
                      "已经发出的 2 人已收到，微信上的消息无法收回；内容有误请另发一条以“更正：”开头的通知。")


def test_only_senders_of_the_part_may_cancel_a_notice_and_a_finished_one_asks_for_a_correction(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="o_second_leader", name="二网格长", role=StaffRole.GRID_LEADER,
                          grid_id=session.scalars(select(Grid.id).join(Community).where(
                              Community.name == XINGFULI, Grid.name == "第二网格")).one(),
                          active=True, created_at=clock()))
    number = sent_notice(seeded, clock)  # to 3号楼, all handed to WeChat

    assert wechat.send(ZHANG, f"撤销通知 {number}") == notice_texts.CANCEL_NOT_ALLOWED
    assert wechat.send("o_second_leader", f"撤销通知 {number}") == notice_texts.UNKNOWN_NOTICE.format(number=number)
    assert "不能再撤销：已发出的消息无法收回" in wechat.send(WANG, f"撤销通知 {number}")
    assert "撤销通知 编号" in wechat.send(WANG, "帮助 2") + wechat.send(WANG, "帮助")


def test_the_progress_of_a_scheduled_notice_says_when_it_goes(wechat, seeded, clock):
    with seeded.transaction() as session:
        request = Request("幸福里社区/第一网格", "下周一停车场划线", send_at=clock() + timedelta(days=2))
        number = notice_planning.store(session, notice_planning.plan(session, request, Limits(), clock()),
                                       clock()).number
        send_at = session.scalars(select(Broadcast.send_at).where(Broadcast.number == number)).one()
    answer = wechat.send(OPERATOR, f"通知进度 {number}")
    assert "待发送" in answer and notice_texts.scheduled_line(send_at) in answer


def test_a_building_lead_confirms_they_passed_a_notice_on(wechat, seeded, clock):
    add_lead(seeded, clock, OTHER_LEAD, "o7")
    with seeded.transaction() as session:
        request = Request("幸福里社区/第一网格/阳光花园/3号楼", "明天上午停水", audience="all", urgent=True, kind="停水")
        planned = notice_planning.plan(session, request, Limits(template_id="t"), clock())
        number = notice_planning.store(session, planned, clock()).number
    assert wechat.send(LEAD, f"已转达 {number}") == notice_texts.RELAYED.format(number=number)
    assert wechat.send(LEAD, f"已转达 {number.lower()}") == notice_texts.ALREADY_RELAYED.format(number=number)
    assert wechat.send(OTHER_LEAD, f"已转达 {number}") == notice_texts.NOT_FOR_YOU.format(number=number)
    with seeded.transaction() as session:
        shown = notice_records.progress(session, notice_records.find(session, number))
    assert shown.confirmed_by_building_leads == 1


@pytest.mark.parametrize("said", ["已转达了 {number}", "转达了{number}。", "已经转达了 {number}", "已经转达 {number}"])
def test_a_building_lead_saying_she_passed_it_on_in_her_own_words_confirms_it(wechat, seeded, clock, said):
    with seeded.transaction() as session:
        request = Request("幸福里社区/第一网格/阳光花园/3号楼", "明天上午停水", audience="all", urgent=True, kind="停水")
        number = notice_planning.store(session, notice_planning.plan(session, request, Limits(template_id="t"),
                                                                     clock()), clock()).number
    assert wechat.send(LEAD, said.format(number=number)) == notice_texts.RELAYED.format(number=number)
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []  # never filed as her own appeal


def sent_to_the_lead(seeded, clock, text: str) -> str:
    """A notice for 3号楼 whose message reached its 楼长 (as the worker records it)."""
    with seeded.transaction() as session:
        request = Request("幸福里社区/第一网格/阳光花园/3号楼", text, audience="all", urgent=True, kind="停水")
        notice = notice_planning.store(session, notice_planning.plan(session, request, Limits(template_id="t"),
                                                                     clock()), clock())
        session.execute(update(BroadcastRecipient).where(BroadcastRecipient.broadcast_id == notice.id,
                                                         BroadcastRecipient.openid == LEAD)
                        .values(status=RecipientStatus.SENT, sent_at=clock()))
        return notice.number


@pytest.mark.parametrize("said", ["已转达", "收到，已转达", "好的，已经转达了，谢谢！", "转达了。"])
def test_a_building_lead_saying_she_passed_it_on_without_its_number_confirms_the_latest(wechat, seeded, clock, said):
    earlier = sent_to_the_lead(seeded, clock, "明天上午停水")
    clock.advance(hours=1)
    latest = sent_to_the_lead(seeded, clock, "后天下午停电检修")
    assert wechat.send(LEAD, said) == notice_texts.RELAYED.format(number=latest)
    assert wechat.send(LEAD, said) == notice_texts.RELAYED.format(number=earlier)  # the one still waiting
    assert wechat.send(LEAD, said) == notice_texts.RELAY_WHICH
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []  # never filed as her own appeal


def test_a_week_old_notice_is_not_what_a_bare_relayed_is_about(wechat, seeded, clock):
    sent_to_the_lead(seeded, clock, "明天上午停水")
    clock.advance(days=8)
    assert wechat.send(LEAD, "已转达") == notice_texts.RELAY_WHICH
    assert wechat.send("o1", "已转达").endswith("只有楼长可以使用。您自己遇到的问题，直接发送文字描述即可。")  # as before


def test_a_building_lead_is_told_a_staff_only_notice_is_not_for_neighbours(wechat, seeded, clock):
    with seeded.transaction() as session:
        request = Request("幸福里社区/第一网格", "周五下午网格员和楼长例会", audience="staff")
        number = notice_planning.store(session, notice_planning.plan(session, request, Limits(template_id="t"),
                                                                     clock()), clock()).number
    assert wechat.send(LEAD, f"已转达 {number}") == notice_texts.NOT_FOR_NEIGHBOURS.format(number=number)
    with seeded.transaction() as session:
        assert notice_records.progress(session, notice_records.find(session, number)).confirmed_by_building_leads == 0


def test_a_staff_only_notice_that_did_not_reach_a_building_lead_reads_as_not_found_to_her(wechat, seeded, clock):
    with seeded.transaction() as session:  # 和平社区's staff: not the 楼长 of 阳光花园3号楼
        request = Request("和平社区", "和平社区工作人员周五例会", audience="staff")
        number = notice_planning.store(session, notice_planning.plan(session, request, Limits(template_id="t"),
                                                                     clock()), clock()).number
    assert wechat.send(LEAD, f"已转达 {number}") == notice_texts.UNKNOWN_NOTICE.format(number=number)
    assert wechat.send(LEAD, f"已转达 {number}") == wechat.send(LEAD, "已转达 N2612069999").replace("N2612069999",
                                                                                                number)


def test_a_building_lead_is_told_a_notice_that_ended_long_ago_is_past_confirming(wechat, seeded, clock):
    with seeded.transaction() as session:
        request = Request("幸福里社区/第一网格/阳光花园/3号楼", "明天上午停水", audience="all", urgent=True, kind="停水")
        notice = notice_planning.store(session, notice_planning.plan(session, request, Limits(template_id="t"),
                                                                     clock()), clock())
        number, notice.state, notice.finished_at = notice.number, NoticeState.DONE, clock()
    clock.advance(days=366)
    with seeded.transaction() as session:  # its recipients forgotten, as the worker does after GRIDBOT_NOTICE_KEEP_DAYS
        while notice_records.forget_recipients(session, clock() - timedelta(days=365)):
            pass
    assert wechat.send(LEAD, f"已转达 {number}") == notice_texts.RELAY_TOO_LATE.format(number=number)


def sent_notice(database, clock, audience: str = "residents") -> str:  # type: ignore[no-untyped-def]
    """A notice to 3号楼 that has gone out; its number."""
    with database.transaction() as session:
        request = Request("幸福里社区/第一网格/阳光花园/3号楼", "明天8点至12点停水检修", audience=audience)
        planned = notice_planning.plan(session, request, Limits(template_id="t"), clock())
        notice = notice_planning.store(session, planned, clock())
        notice.state = NoticeState.DONE
        return notice.number


@pytest.mark.parametrize("said", ["{number}", "查询 {number}", "{lower}。", "通知编号：{number}", "通知 {number}"])
def test_a_resident_sending_a_notice_number_back_reads_the_notice_and_files_no_appeal(wechat, seeded, clock, said):
    number = sent_notice(seeded, clock)
    answer = wechat.send(RESIDENT, said.format(number=number, lower=number.lower()))
    assert answer.startswith("【通知】明天8点至12点停水检修") and number in answer
    assert not re.search(r"G\d{10}", answer)


@pytest.mark.parametrize("said", ["最近通知", "最近的通知", "我的通知"])
def test_a_resident_who_lost_a_notices_number_asks_for_the_recent_ones_and_files_no_appeal(wechat, seeded, clock,
                                                                                         said):
    assert wechat.send(RESIDENT, said) == notice_texts.NO_RECENT
    number = sent_notice(seeded, clock)
    with seeded.transaction() as session:
        session.execute(update(BroadcastRecipient).values(status=RecipientStatus.SENT, sent_at=clock()))
    answer = wechat.send(RESIDENT, said)
    assert answer.startswith(notice_texts.RECENT_HEADING) and f"{number}｜" in answer and "明天8点至12点停水检修" in answer
    assert not re.search(r"G\d{10}", answer)
    assert wechat.send(NEXT_DOOR, said) == notice_texts.NO_RECENT  # 1号楼: it did not reach them


def test_the_recent_notices_say_when_each_went_with_the_year_of_one_sent_last_year(wechat, seeded, clock):
    clock.current = datetime(2026, 12, 28, 9, 0, tzinfo=LOCAL_ZONE)
    number = sent_notice(seeded, clock)
    with seeded.transaction() as session:
        session.execute(update(BroadcastRecipient).values(status=RecipientStatus.SENT, sent_at=clock()))
    clock.current = datetime(2027, 1, 3, 10, 0, tzinfo=LOCAL_ZONE)

    answer = wechat.send(RESIDENT, "最近通知")

    assert f"{number}｜2026年12月28日 09:00｜" in answer, answer  # it said 12月28日, read as this year's


def test_a_staff_only_or_unknown_notice_number_reads_as_not_found(wechat, seeded, clock):
    number = sent_notice(seeded, clock, audience="staff")
    assert wechat.send(RESIDENT, number) == notice_texts.UNKNOWN_NOTICE.format(number=number)
    assert wechat.send(CHEN, number) == notice_texts.UNKNOWN_NOTICE.format(number=number)  # staff it did not reach
    assert wechat.send(RESIDENT, "n2612069999") == notice_texts.UNKNOWN_NOTICE.format(number="N2612069999")


def test_a_resident_asking_about_a_notice_withdrawn_after_part_of_it_went_is_told_so(wechat, seeded, clock):
    number = sent_notice(seeded, clock)
    with seeded.transaction() as session:  # one chunk went out, then an operator cancelled the rest
        notice = notice_records.find(session, number)
        session.execute(update(BroadcastChunk).where(BroadcastChunk.broadcast_id == notice.id)
                        .values(status=ChunkStatus.DONE))
        notice.state = NoticeState.CANCELLED
    answer = wechat.send(RESIDENT, number)
    assert answer == notice_texts.WITHDRAWN.format(number=number) and "停水" not in answer


@pytest.mark.parametrize("openid", [ZHANG, LEAD])
def test_staff_sending_back_the_number_of_a_staff_notice_they_received_read_it(wechat, seeded, clock, openid):
    number = sent_notice(seeded, clock, audience="staff")  # 3号楼: the grid's staff and its 楼长
    answer = wechat.send(openid, f"查询 {number}")
    assert answer.startswith("【通知】明天8点至12点停水检修") and number in answer
    with seeded.transaction() as session:
        session.scalars(select(Staff).where(Staff.openid == openid)).one().active = False
    assert wechat.send(openid, number) == notice_texts.UNKNOWN_NOTICE.format(number=number)  # disabled since


def test_a_resident_opts_out_of_ordinary_notices_and_back_in(wechat, seeded):
    wechat.dialog(RESIDENT, [
        ("退订通知", "紧急通知仍会发给您"), ("退订通知", "您已退订"), ("订阅通知", "已重新订阅"), ("订阅通知", "无需"),
    ])


def test_staff_and_building_leads_are_told_their_notices_cannot_be_unsubscribed(wechat, seeded, clock):
    for member in (ZHANG, LEAD):
        assert wechat.send(member, "退订通知") == notice_texts.STAFF_CANNOT_OPT_OUT
    with seeded.transaction() as session:
        request = Request("幸福里社区/第一网格/阳光花园/3号楼", "明天电梯检修", audience="all")
        planned = notice_planning.plan(session, request, Limits(template_id="t"), clock())
    assert notice_planning.SkipReason.OPTED_OUT not in planned.skipped


@pytest.mark.parametrize("said", ["退订", "取消订阅", "TD", "td。", "退订！"])
def test_a_resident_opts_out_the_way_people_unsubscribe_from_messages(wechat, seeded, said):
    assert wechat.send(RESIDENT, said) == notice_texts.OPTED_OUT
    assert wechat.send(RESIDENT, "订阅") == notice_texts.OPTED_IN


@pytest.mark.parametrize("said", ["不要再发通知了", "别给我发通知了。", "不想收到通知", "请不要再发这种通知！"])
def test_a_resident_asking_in_words_for_no_more_notices_is_opted_out_not_filed(wechat, seeded, said):
    assert wechat.send(RESIDENT, said) == notice_texts.OPTED_OUT
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []
    assert wechat.send(LEAD, said) == notice_texts.STAFF_CANNOT_OPT_OUT


def test_a_sentence_starting_like_unsubscribing_is_still_an_appeal(wechat, seeded):
    assert re.search(r"G\d{10}", wechat.send(RESIDENT, "订阅号里的停水通知怎么没收到，3号楼今天停水了"))


def test_a_street_operators_grid_named_alone_that_is_several_of_theirs_names_only_their_own(wechat, seeded, clock):
    # 幸福街道 has two 第一网格 (幸福里社区's, 和平社区's) and 平安街道 a third: the street operator's 通知 第一网格
    # asked them to choose among all three, naming the other street's.
    with seeded.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan("平安街道", {"平安社区": {FIRST: ("平安家园", {
            "1号楼": ("1单元",)})}}), clock())
        street = session.scalars(select(Street.id).where(Street.name == "幸福街道")).one()
        session.add(Staff(openid="o_street_op", name="钱科长", role=StaffRole.OPERATOR, street_id=street,
                          active=True, created_at=clock()))

    reply = wechat.send("o_street_op", "通知 第一网格 明天上午停水")

    assert "幸福里社区·第一网格" in reply and "和平社区·第一网格" in reply and "平安" not in reply


def test_help_lists_the_notice_commands_by_role(wechat, seeded):
    assert "通知 范围 内容" in wechat.send(OPERATOR, "帮助 2")  # a second page: the first is the day's work
    # 工作通知 to a street or community reaches its 部门 officers too (storage.notice_scope): help says so.
    assert "（网格员、网格长、物业、楼长，街道、社区范围还有部门人员）" in wechat.send(OPERATOR, "帮助 2")
    assert "通知 范围 内容" not in wechat.send(ZHANG, "帮助")
    assert "已转达 编号" in wechat.send(LEAD, "帮助")
    assert "退订通知" in wechat.send(RESIDENT, "帮助")


def test_a_building_named_alone_that_the_operators_community_has_twice_is_asked_about_not_called_missing(
        wechat, seeded):
    with seeded.transaction() as session:
        second = session.scalars(select(Grid.id).join(Community).where(Community.name == XINGFULI,
                                                                         Grid.name == "第二网格")).one()
        session.add(Building(grid_id=second, compound="锦绣家园", name="1号楼", scene_key="b_second_1"))

    reply = wechat.send(OPERATOR, "通知 1号楼 明天上午停水")

    assert reply == ("范围里的“1号楼”不止一个，请写全：幸福里社区/第一网格/阳光花园/1号楼、"
                     "幸福里社区/第二网格/锦绣家园/1号楼")
    assert "范围内没有人" in wechat.send(OPERATOR, "通知 锦绣家园/1号楼 明天上午停水")  # found: nobody lives there yet
