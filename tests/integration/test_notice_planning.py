"""Planning broadcast notices on the test street: channels per audience and account type, who is skipped and
why, the 4-a-month count, quotas spread over days, permissions, refusals that store nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from handlers import notice_texts
from storage import notice_planning, notice_records
from storage.errors import NotAllowed
from storage.models import (
    Broadcast,
    BroadcastRecipient,
    ChannelStop,
    NoticeAudience,
    NoticeChannel,
    ReplyWindow,
    Resident,
    ResidentStatus,
    Staff,
)
from storage.notice_planning import Limits, NoticeRefused, Request, SkipReason
from storage.staff import UnknownPlace
from storage.tickets import LOCAL_ZONE
from tests.support.personas import (
    BUILDING_LEAD,
    CHEN,
    LI,
    LIU,
    NEIGHBOUR,
    NEXT_DOOR,
    OPERATOR,
    RESIDENT,
    UNIT_NEIGHBOUR,
    WANG,
    ZHANG,
)

pytestmark = pytest.mark.postgres

FIRST_GRID = "幸福里社区/第一网格"
BUILDING_3 = "幸福里社区/第一网格/阳光花园/3号楼"
SERVICE = Limits()
WITH_TEMPLATE = Limits(template_id="tmpl-notice")
SUBSCRIPTION = Limits(account_type="subscription", mass_per_day=1)


def plan(database, clock, limits: Limits = SERVICE, **asked):  # type: ignore[no-untyped-def]
    asked.setdefault("scope_path", FIRST_GRID)
    asked.setdefault("text", "明天上午9点到12点停水检修")
    with database.transaction() as session:
        return notice_planning.plan(session, Request(**asked), limits, clock())


def send(database, clock, limits: Limits = SERVICE, **asked) -> str:  # type: ignore[no-untyped-def]
    asked.setdefault("scope_path", FIRST_GRID)
    asked.setdefault("text", "本周六上午社区消防安全演练")
    with database.transaction() as session:
        planned = notice_planning.plan(session, Request(**asked), limits, clock())
        return notice_planning.store(session, planned, clock()).number


def staff(database, openid: str) -> Staff:  # type: ignore[no-untyped-def]
    with database.transaction() as session:
        member = session.scalars(select(Staff).where(Staff.openid == openid)).one()
        session.expunge(member)
        return member


def test_residents_of_a_grid_go_by_one_mass_send(seeded, clock) -> None:
    planned = plan(seeded, clock)
    assert planned.by_channel == {NoticeChannel.MASS: 5} and planned.skipped == {}
    assert [len(chunk.people) for chunk in planned.chunks] == [5]
    # 赵阿姨, 楼长 of 3号楼, hears residents' notices of her building to pass them on
    assert {p.openid for p in planned.people} == {RESIDENT, NEIGHBOUR, UNIT_NEIGHBOUR, NEXT_DOOR, BUILDING_LEAD}


def test_residents_of_a_building_the_ledger_dropped_still_hear_their_grids_notices(seeded, clock) -> None:
    from storage.models import Building

    with seeded.transaction() as session:  # as `gridbot import org --prune` leaves 1号楼 and its resident
        session.scalars(select(Building).where(Building.compound == "阳光花园", Building.name == "1号楼")).one() \
            .active = False

    assert NEXT_DOOR in {p.openid for p in plan(seeded, clock).people}
    assert NEXT_DOOR in {p.openid for p in plan(seeded, clock, scope_path="幸福里社区/第一网格/阳光花园").people}


def test_a_building_path_names_only_its_residents(seeded, clock) -> None:
    planned = plan(seeded, clock, scope_path=BUILDING_3)
    assert {p.openid for p in planned.people} == {RESIDENT, NEIGHBOUR, UNIT_NEIGHBOUR, BUILDING_LEAD}
    assert planned.scope.label == BUILDING_3
    next_door = plan(seeded, clock, WITH_TEMPLATE, scope_path="幸福里社区/第一网格/阳光花园/1号楼", urgent=True)
    assert {p.openid for p in next_door.people} == {NEXT_DOOR}


def test_an_urgent_notice_goes_by_template_and_without_a_template_by_mass_send(seeded, clock) -> None:
    urgent = plan(seeded, clock, WITH_TEMPLATE, scope_path=BUILDING_3, urgent=True, kind="停水")
    assert urgent.by_channel == {NoticeChannel.TEMPLATE: 4}
    assert plan(seeded, clock, scope_path=BUILDING_3, urgent=True, kind="停水").by_channel == {NoticeChannel.MASS: 4}


def test_staff_go_by_customer_service_inside_their_window_else_template_else_are_skipped(seeded, clock) -> None:
    with seeded.transaction() as session:
        session.add(ReplyWindow(openid=ZHANG, opened_at=clock() - timedelta(hours=1), sent_count=0))
    planned = plan(seeded, clock, WITH_TEMPLATE, audience=NoticeAudience.STAFF)
    channels = {p.openid: p.channel for p in planned.people}
    assert channels == {ZHANG: NoticeChannel.CUSTOM, LI: NoticeChannel.TEMPLATE, WANG: NoticeChannel.TEMPLATE,
                        BUILDING_LEAD: NoticeChannel.TEMPLATE}
    without = plan(seeded, clock, audience=NoticeAudience.STAFF)
    # the 楼长 would go with residents' mass send; alone in it, she cannot (a mass send needs two)
    assert without.by_channel == {NoticeChannel.CUSTOM: 1}
    assert without.skipped == {SkipReason.NO_TEMPLATE: 2, SkipReason.ALONE: 1}


def test_a_notice_put_off_by_quota_goes_the_next_morning_and_an_urgent_one_at_midnight(seeded, clock) -> None:
    """Nobody wants an ordinary notice pushed at 00:00; a water cut is worth it."""
    quota = Limits(mass_per_day=1)
    send(seeded, clock, quota)
    tomorrow = (clock().astimezone(LOCAL_ZONE) + timedelta(days=1)).date()
    ordinary = plan(seeded, clock, quota, text="周日上午义诊")
    assert [chunk.due_at.astimezone(LOCAL_ZONE) for chunk in ordinary.chunks] == [
        datetime.combine(tomorrow, time(8), LOCAL_ZONE)]
    urgent = plan(seeded, clock, quota, text="今晚停电抢修", urgent=True, kind="停电")
    assert [chunk.due_at.astimezone(LOCAL_ZONE) for chunk in urgent.chunks] == [
        datetime.combine(tomorrow, time(), LOCAL_ZONE)]


def test_a_subscription_account_never_uses_templates_and_mass_sends_once_a_day(seeded, clock) -> None:
    planned = plan(seeded, clock, SUBSCRIPTION, audience=NoticeAudience.ALL, urgent=True, kind="停电")
    assert set(planned.by_channel) == {NoticeChannel.MASS}
    send(seeded, clock, SUBSCRIPTION)
    later = plan(seeded, clock, SUBSCRIPTION)
    assert list(later.later.values()) == [{NoticeChannel.MASS: 1}]  # today's one mass send is taken


def test_the_daily_mass_quota_spreads_chunks_to_the_next_day(seeded, clock) -> None:
    send(seeded, clock, Limits(mass_per_day=1))
    planned = plan(seeded, clock, Limits(mass_per_day=1))
    assert [chunk.due_at > clock() for chunk in planned.chunks] == [True]
    with pytest.raises(NoticeRefused) as refused:  # three template calls never fit into a day of two
        plan(seeded, clock, Limits(template_id="t", templates_per_day=2), scope_path=BUILDING_3, urgent=True)
    assert refused.value.reason == "over_quota"


def test_the_unfollowed_and_the_opted_out_are_skipped_but_urgent_notices_reach_the_opted_out(seeded, clock) -> None:
    with seeded.transaction() as session:
        residents = {r.openid: r for r in session.scalars(select(Resident))}
        residents[NEIGHBOUR].status = ResidentStatus.INACTIVE
        assert notice_records.opt_out(residents[UNIT_NEIGHBOUR], clock())
        assert not notice_records.opt_out(residents[UNIT_NEIGHBOUR], clock())
    ordinary = plan(seeded, clock, text="本月垃圾分类宣传")
    assert ordinary.skipped == {SkipReason.UNFOLLOWED: 1, SkipReason.OPTED_OUT: 1}
    assert len(ordinary.people) == 5 and ordinary.by_channel == {NoticeChannel.MASS: 3}
    urgent = plan(seeded, clock, WITH_TEMPLATE, scope_path=BUILDING_3, urgent=True, kind="停气")
    assert urgent.skipped == {SkipReason.UNFOLLOWED: 1} and urgent.by_channel == {NoticeChannel.TEMPLATE: 3}


def test_a_mass_send_of_one_goes_by_template_or_is_skipped(seeded, clock) -> None:
    with seeded.transaction() as session:
        for resident in session.scalars(select(Resident).where(Resident.openid.in_((NEIGHBOUR, UNIT_NEIGHBOUR)))):
            resident.status = ResidentStatus.INACTIVE
        session.scalars(select(Staff).where(Staff.openid == BUILDING_LEAD)).one().active = False
    assert plan(seeded, clock, WITH_TEMPLATE, scope_path=BUILDING_3).by_channel == {NoticeChannel.TEMPLATE: 1}
    with pytest.raises(NoticeRefused) as refused:
        plan(seeded, clock, scope_path=BUILDING_3)
    assert refused.value.reason == "no_recipients"


def test_four_mass_sends_a_month_then_the_resident_is_skipped_until_next_month(seeded, clock) -> None:
    for number in range(4):
        send(seeded, clock, scope_path=BUILDING_3, text=f"第{number + 1}次消防演练")
    with seeded.transaction() as session:
        assert notice_planning.monthly_count(session, RESIDENT, clock()) == 4
    with pytest.raises(NoticeRefused) as nobody:
        plan(seeded, clock, scope_path=FIRST_GRID)
    # 3号楼's three and its 楼长 have had their four; 1号楼's one resident is alone for a mass send
    assert nobody.value.detail["skipped"] == {SkipReason.MONTHLY_QUOTA: 4, SkipReason.ALONE: 1}
    by_template = plan(seeded, clock, WITH_TEMPLATE, scope_path=FIRST_GRID)
    assert by_template.skipped == {SkipReason.MONTHLY_QUOTA: 3}  # the 楼长 goes by template
    assert by_template.by_channel == {NoticeChannel.TEMPLATE: 2}
    next_month = plan(seeded, clock, scope_path=FIRST_GRID, send_at=clock() + timedelta(days=12))
    assert next_month.skipped == {} and next_month.by_channel == {NoticeChannel.MASS: 5}


LAST_DAY = datetime(2026, 11, 30, 10, 0, tzinfo=LOCAL_ZONE)
FIRST_MORNING = datetime(2026, 12, 1, 8, 0, tzinfo=LOCAL_ZONE)


def stop_mass_sends_until_tomorrow(database) -> None:  # type: ignore[no-untyped-def]
    """WeChat answered 45009 to a mass send: the day's quota is used up (storage.notice_sending)."""
    with database.transaction() as session:
        session.add(ChannelStop(channel=NoticeChannel.MASS.value, until=datetime(2026, 12, 1, tzinfo=LOCAL_ZONE),
                                reason="45009"))


def test_a_notice_of_a_months_last_day_put_off_to_the_1st_is_not_held_back_by_the_old_months_four(
        seeded, clock) -> None:
    clock.current = LAST_DAY
    for number in range(4):
        send(seeded, clock, scope_path=BUILDING_3, text=f"第{number + 1}次消防演练")
    stop_mass_sends_until_tomorrow(seeded)

    planned = plan(seeded, clock, scope_path=FIRST_GRID)

    assert [chunk.due_at for chunk in planned.chunks] == [FIRST_MORNING]
    assert planned.skipped == {} and planned.by_channel == {NoticeChannel.MASS: 5}
    with seeded.transaction() as session:
        notice_planning.store(session, planned, clock())
        assert notice_planning.monthly_count(session, RESIDENT, FIRST_MORNING) == 1


def test_a_notice_of_a_months_last_day_put_off_to_the_1st_skips_whom_the_new_month_has_four_for(
        seeded, clock) -> None:
    clock.current = LAST_DAY
    for number in range(4):  # planned for December already
        send(seeded, clock, scope_path=BUILDING_3, text=f"十二月第{number + 1}次通知",
             send_at=datetime(2026, 12, 3, 9, 0, tzinfo=LOCAL_ZONE))
    stop_mass_sends_until_tomorrow(seeded)

    with pytest.raises(NoticeRefused) as nobody:
        plan(seeded, clock, scope_path=FIRST_GRID)

    # 3号楼's three and its 楼长 would get a fifth in December, which WeChat drops; 1号楼's one is alone
    assert nobody.value.detail["skipped"] == {SkipReason.MONTHLY_QUOTA: 4, SkipReason.ALONE: 1}


def test_a_grid_leader_broadcasts_to_their_grid_only_and_an_operator_to_their_community(seeded, clock) -> None:
    leader, operator, member = staff(seeded, WANG), staff(seeded, OPERATOR), staff(seeded, ZHANG)
    assert plan(seeded, clock, author=leader, scope_path=BUILDING_3).by_channel
    with pytest.raises(NotAllowed):
        plan(seeded, clock, author=leader, scope_path="幸福里社区/第二网格")
    with pytest.raises(NotAllowed):
        plan(seeded, clock, author=leader, scope_path="幸福里社区")
    assert plan(seeded, clock, author=operator, scope_path="幸福里社区").by_channel
    with pytest.raises(NotAllowed):
        plan(seeded, clock, author=operator, scope_path="和平社区")
    with pytest.raises(NotAllowed):
        plan(seeded, clock, author=operator, scope_path="全部")
    with pytest.raises(NotAllowed):
        plan(seeded, clock, author=member, scope_path=BUILDING_3)


def test_a_building_lead_cannot_broadcast_but_hears_their_buildings_notices(seeded, clock) -> None:
    with pytest.raises(NotAllowed):
        plan(seeded, clock, author=staff(seeded, BUILDING_LEAD), scope_path=BUILDING_3)
    planned = plan(seeded, clock, WITH_TEMPLATE, scope_path=BUILDING_3, audience=NoticeAudience.STAFF)
    assert {p.openid for p in planned.people} == {ZHANG, LI, WANG, BUILDING_LEAD}
    next_door = plan(seeded, clock, WITH_TEMPLATE, scope_path="幸福里社区/第一网格/阳光花园/1号楼",
                     audience=NoticeAudience.STAFF)
    assert {p.openid for p in next_door.people} == {ZHANG, LI, WANG}
    assert CHEN not in {p.openid for p in plan(seeded, clock, WITH_TEMPLATE, audience=NoticeAudience.STAFF).people}


@pytest.mark.parametrize(("asked", "reason"), [
    ({"text": "  "}, "empty_text"),
    ({"scope_path": " \u3000"}, "empty_scope"),  # not everywhere: that is 全部
    ({"text": "停" * 700}, "text_too_long"),
    ({"send_at_offset": -10}, "past_time"),
    ({"send_at_offset": 90 * 24 * 60 + 1}, "far_time"),
    ({"kind": "停水"}, "bad_kind"),
    ({"urgent": True, "kind": "地震"}, "bad_kind"),
])
def test_bad_requests_are_refused_and_nothing_is_stored(seeded, clock, asked, reason) -> None:
    offset = asked.pop("send_at_offset", None)
    if offset is not None:
        asked["send_at"] = clock() + timedelta(minutes=offset)
    with pytest.raises(NoticeRefused) as refused:
        send(seeded, clock, **asked)
    assert refused.value.reason == reason
    with seeded.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Broadcast)) == 0


def test_the_same_notice_to_the_same_place_again_within_two_hours_is_refused_naming_the_first(seeded, clock) -> None:
    first = send(seeded, clock, scope_path=BUILDING_3)
    clock.advance(minutes=20)  # a second operator, told the same
    with pytest.raises(NoticeRefused) as repeat:
        send(seeded, clock, scope_path="幸福里社区 / 第一网格 / 阳光花园 / 3号楼", text=" 本周六上午社区消防安全演练")
    assert (repeat.value.reason, repeat.value.detail["number"]) == ("repeat", first)
    assert f"{first} 已在 10:00 发出" in notice_texts.refusal(repeat.value)
    # A notice all sent cannot be withdrawn: the refusal does not tell the clerk to, but how to correct it.
    assert "请先撤回" not in notice_texts.refusal(repeat.value) and "“更正：”" in notice_texts.refusal(repeat.value)
    send(seeded, clock, WITH_TEMPLATE, scope_path="幸福里社区/第一网格/1号楼")  # another place, or other words, go
    send(seeded, clock, scope_path=BUILDING_3, text="本周六上午社区消防安全演练，请带好孩子")
    with seeded.transaction() as session:
        notice_records.cancel(session, notice_records.find(session, first), clock())
    send(seeded, clock, scope_path=BUILDING_3)  # cancelled: sending it again is how it is corrected
    clock.advance(hours=2)
    send(seeded, clock, scope_path=FIRST_GRID)


def test_the_same_words_to_an_overlapping_place_reach_only_those_the_first_notice_does_not(seeded, clock) -> None:
    """阳光花园's water cut, then the same words to its 3号楼 (or the other way round): nobody reads it twice,
    nor loses a second of their four mass sends a month to it."""
    text = "明天上午9点到12点阳光花园停水检修，请提前储水"
    send(seeded, clock, WITH_TEMPLATE, scope_path=BUILDING_3, text=text)
    planned = plan(seeded, clock, WITH_TEMPLATE, scope_path=FIRST_GRID, text=text)  # a wider place
    reached = {person.openid for person in planned.people if person.channel is not None}
    assert reached == {NEXT_DOOR}
    assert planned.skipped == {SkipReason.ALREADY_TOLD: 4}  # o1, o5, o6 and 赵阿姨 of 3号楼
    wider = send(seeded, clock, WITH_TEMPLATE, scope_path=FIRST_GRID, text=text)
    with pytest.raises(NoticeRefused) as covered:  # everyone in 1号楼 has it already, from the grid's notice
        send(seeded, clock, WITH_TEMPLATE, scope_path="幸福里社区/第一网格/1号楼", text=text)
    assert (covered.value.reason, covered.value.detail["number"]) == ("covered", wider)
    assert f"{wider} 已在 10:00 发给" in notice_texts.refusal(covered.value)


@pytest.mark.parametrize(("first", "again"), [
    (FIRST_GRID, "幸福街道/幸福里社区/第一网格"),
    (BUILDING_3, "幸福里社区/第一网格/3号楼"),
    ("阳光花园", "幸福里社区/第一网格/阳光花园"),
    ("幸福街道", "全部"),
])
def test_the_same_notice_to_the_same_place_written_another_way_is_refused(seeded, clock, first, again) -> None:
    number = send(seeded, clock, scope_path=first)
    with pytest.raises(NoticeRefused) as repeat:
        send(seeded, clock, scope_path=again)
    assert (repeat.value.reason, repeat.value.detail["number"]) == ("repeat", number)


def test_an_unknown_scope_names_the_part_that_is_not_found(seeded, clock) -> None:
    with pytest.raises(UnknownPlace) as unknown:
        plan(seeded, clock, scope_path="幸福里社区/第一网格/阳光花园/9号楼")
    assert unknown.value.kind == "building" and "3号楼" in " ".join(unknown.value.candidates)
    with pytest.raises(UnknownPlace):
        plan(seeded, clock, scope_path="幸福里社区/第一网格/锦绣家园/3号楼")


def test_the_whole_plan_is_stored_before_anything_is_sent(seeded, clock) -> None:
    number = send(seeded, clock, WITH_TEMPLATE, audience=NoticeAudience.ALL)
    with seeded.transaction() as session:
        notice = notice_records.find(session, number)
        shown = notice_records.progress(session, notice)
        rows = session.scalars(select(BroadcastRecipient).where(BroadcastRecipient.broadcast_id == notice.id)).all()
    assert number.startswith("N") and shown.state == "scheduled" and shown.recipients == len(rows) == 8
    assert shown.pending == 8 and shown.percent == 0


def test_a_leading_street_tells_apart_two_streets_communities_of_one_name(seeded, clock) -> None:
    from storage import notice_scope, seeding
    from storage.models import Building, Community, Street

    with seeded.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan("平安街道", {"幸福里社区": {"第一网格": ("平安小区", {
            "1号楼": ("1单元",)})}}), clock())
        community_id = session.scalars(select(Community.id).join(Street, Street.id == Community.street_id)
                                       .where(Street.name == "平安街道")).one()
        building_id = session.scalars(select(Building.id).where(Building.compound == "平安小区")).one()
        community = notice_scope.resolve(session, "平安街道/幸福里社区")
        building = notice_scope.resolve(session, "平安街道/幸福里社区/第一网格/平安小区/1号楼")
    assert community.scope.community_id == community_id
    assert building.building_id == building_id


JINXIU_SUNSHINE, JINXIU = "o_sunshine_5", "o_jinxiu_6"  # 5号楼 made part of 阳光花园, 6号楼 still 锦绣家园


def sunshine_across_two_grids(database, clock) -> None:  # type: ignore[no-untyped-def]
    """阳光花园 spans 幸福里社区's two grids: 第二网格's 5号楼 is in it too (6号楼 stays 锦绣家园); one resident each."""
    from storage.models import Building

    with database.transaction() as session:
        buildings = {b.name: b for b in session.scalars(select(Building).where(Building.compound == "锦绣家园"))}
        buildings["5号楼"].compound = "阳光花园"
        for openid, name in ((JINXIU_SUNSHINE, "5号楼"), (JINXIU, "6号楼")):
            session.add(Resident(openid=openid, grid_id=buildings[name].grid_id, building_id=buildings[name].id,
                                 created_at=clock(), subscribed_at=clock()))


def test_a_compound_alone_reaches_its_residents_in_every_grid_and_no_one_else(seeded, clock) -> None:
    sunshine_across_two_grids(seeded, clock)
    planned = plan(seeded, clock, scope_path="阳光花园")
    assert planned.scope.label == "幸福里社区/阳光花园"
    assert {p.openid for p in planned.people} == {RESIDENT, NEIGHBOUR, UNIT_NEIGHBOUR, NEXT_DOOR, BUILDING_LEAD,
                                                  JINXIU_SUNSHINE}
    # its staff: both grids' teams (第二网格 serves 5号楼), no department (as a grid's compound)
    staff_notice = plan(seeded, clock, WITH_TEMPLATE, scope_path="幸福里社区/阳光花园", audience=NoticeAudience.STAFF)
    assert {p.openid for p in staff_notice.people} == {ZHANG, LI, WANG, LIU, BUILDING_LEAD}


def test_a_compound_two_communities_share_is_asked_to_be_qualified(seeded, clock) -> None:
    from storage import seeding
    from storage.staff import AmbiguousPlace

    with seeded.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan("幸福街道", {"和平社区": {"第三网格": ("阳光花园", {
            "9号楼": ("1单元",)})}}), clock())
    with pytest.raises(AmbiguousPlace) as several:
        plan(seeded, clock, scope_path="阳光花园")
    assert several.value.candidates == ["幸福里社区·阳光花园", "和平社区·阳光花园"]
    assert "请写全：幸福里社区·阳光花园、和平社区·阳光花园" in notice_texts.unclear_place(several.value)
    assert {p.openid for p in plan(seeded, clock, scope_path="幸福里社区·阳光花园").people} == {
        RESIDENT, NEIGHBOUR, UNIT_NEIGHBOUR, NEXT_DOOR, BUILDING_LEAD}


def test_an_operator_and_a_grid_leader_name_their_own_compound_alone(seeded, clock) -> None:
    from storage import notice_overview
    from storage.queries import Scope

    sunshine_across_two_grids(seeded, clock)
    operator, leader = staff(seeded, OPERATOR), staff(seeded, WANG)
    assert plan(seeded, clock, author=operator, scope_path="阳光花园").scope.label == "幸福里社区/阳光花园"
    with pytest.raises(NotAllowed):  # 5号楼 is 第二网格's
        plan(seeded, clock, author=leader, scope_path="阳光花园")
    with seeded.transaction() as session:
        community = session.get_one(Staff, operator.id).community_id
        console = notice_overview.plan_within(session, Scope(community_id=community),
                                              Request("阳光花园", "明天停水"), SERVICE, clock())
    assert console.scope.label == "幸福里社区/阳光花园"


def test_a_building_named_after_its_community_and_compound_without_the_grid_is_found(seeded, clock) -> None:
    """幸福里社区/阳光花园/3号楼, as a resident names a home: the grid is left out."""
    planned = plan(seeded, clock, scope_path="幸福里社区/阳光花园/3号楼")
    assert planned.scope.label == BUILDING_3
    assert {p.openid for p in planned.people} == {RESIDENT, NEIGHBOUR, UNIT_NEIGHBOUR, BUILDING_LEAD}
    with pytest.raises(UnknownPlace) as unknown:  # the 小区 is there, its 9号楼 is not: said so, with its buildings
        plan(seeded, clock, scope_path="幸福里社区/阳光花园/9号楼")
    assert (unknown.value.kind, unknown.value.name) == ("building", "9号楼")
    assert "阳光花园/3号楼" in unknown.value.candidates
