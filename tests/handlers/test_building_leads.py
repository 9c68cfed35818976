"""楼长 (issue 12): 代报 for a neighbour who doesn't use WeChat, filed and dispatched like a resident's appeal, the
楼长 hearing back; and a 楼长 is no grid staff: no tasks, no claiming, no reading the grid's appeals."""

import json

import pytest
from sqlalchemy import select

from handlers import community_texts, notifications, resident_texts, staff_texts
from storage import appeals, staff
from storage.models import Appeal, AppealEvent, AppealStatus, OutboxMessage, Staff, Unit
from tests.support.database import appeal, notices, staff_id, worded
from tests.support.personas import BUILDING_LEAD, LI, NEIGHBOUR, RESIDENT, WANG, ZHANG
from tests.support.worker import TICKET, dispatch_filed, file_and_dispatch

pytestmark = pytest.mark.postgres

LIGHT = "代报 2单元 楼道灯坏了好几天，老人晚上下楼看不见"


def filed_for_neighbour(wechat, seeded, clock, words=LIGHT):
    reply = wechat.send(BUILDING_LEAD, words)
    ticket = TICKET.search(reply).group(0)
    dispatch_filed(seeded, clock)
    return ticket, reply


def test_a_building_lead_files_for_a_neighbour_at_the_neighbours_unit_and_the_grid_gets_the_card(
        wechat, seeded, clock):
    ticket, reply = filed_for_neighbour(wechat, seeded, clock)
    assert "已为邻居（阳光花园3号楼2单元）代报" in reply and "幸福里社区·第一网格" in reply
    filed = appeal(seeded, ticket)
    assert filed.channel == appeals.Channel.BUILDING_LEAD and filed.status == AppealStatus.DISPATCHED
    assert filed.content == "楼道灯坏了好几天，老人晚上下楼看不见" and filed.door is None
    with seeded.transaction() as session:
        assert session.get_one(Unit, filed.unit_id).name == "2单元"
        names = session.execute(select(AppealEvent.actor_kind, AppealEvent.actor_id, AppealEvent.note)
                                .where(AppealEvent.appeal_id == filed.id, AppealEvent.action == "submitted")).one()
    assert names == ("staff", staff_id(seeded, BUILDING_LEAD), "building_lead")  # the audit names the 楼长
    assert filed.reporter_staff_id == staff_id(seeded, BUILDING_LEAD)
    assert notices(seeded, "staff_new_appeal", ticket) == sorted([LI, WANG, ZHANG])  # never the 楼长


def test_the_building_lead_hears_back_at_every_step_and_rates_for_the_neighbour(wechat, seeded, clock):
    ticket, _ = filed_for_neighbour(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"进展 {ticket} 已报修", "已记录"),
                          (f"办结 {ticket} 已换灯泡", "已办结")])
    for template in ("resident_accepted", "resident_progress", "resident_resolved"):
        assert notices(seeded, template, ticket) == [BUILDING_LEAD]
    assert "感谢您的评价" in wechat.send(BUILDING_LEAD, "1")
    rated = appeal(seeded, ticket)
    assert rated.status == AppealStatus.CLOSED and rated.rating == "satisfied"
    detail = wechat.send(BUILDING_LEAD, f"查询 {ticket}")
    assert detail.startswith(f"诉求 {ticket}\n") and "状态：已评价完结" in detail
    assert ticket in wechat.send(BUILDING_LEAD, "我的诉求")
    assert ticket in wechat.send(BUILDING_LEAD, "我的代报")  # as she calls them: not a problem too short to file


def test_the_building_leads_notices_name_the_appeal_a_neighbours_and_ask_her_to_rate_for_them(
        wechat, seeded, clock):
    ticket, _ = filed_for_neighbour(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"进展 {ticket} 已报修", "已记录"),
                          (f"办结 {ticket} 已换灯泡", "已办结")])
    told = [worded(seeded, template, BUILDING_LEAD)[-1]
            for template in ("resident_accepted", "resident_progress", "resident_resolved")]
    assert all(text.startswith(f"您代报的诉求 {ticket} ") for text in told)
    assert resident_texts.RATE_FOR_NEIGHBOUR in told[-1]


def test_chasing_up_a_daibao_names_it_the_neighbours(wechat, seeded, clock):
    ticket, _ = filed_for_neighbour(wechat, seeded, clock)
    assert wechat.send(BUILDING_LEAD, f"催办 {ticket}").startswith(f"您代报的诉求 {ticket}（")


def test_a_daibao_not_taken_as_an_appeal_tells_the_lead_to_report_again_with_daibao_not_as_her_own(
        wechat, seeded, clock):
    ticket, _ = filed_for_neighbour(wechat, seeded, clock)
    assert "已不受理" in wechat.send(WANG, f"不受理 {ticket} 王奶奶说灯已经自己修好了")
    told = worded(seeded, "resident_rejected", BUILDING_LEAD)[-1]
    assert told.startswith(f"您好，您代报的诉求 {ticket} ") and "需要代邻居评价" in told
    assert told.endswith(resident_texts.REPORT_FOR_NEIGHBOUR)  # plain words would be filed as her own appeal
    assert "请直接发文字" not in told


@pytest.mark.parametrize("asked", ["我代报的那个怎么样了", "替邻居报的事有进展吗"])
def test_a_lead_asking_after_what_she_filed_for_a_neighbour_is_told_its_status_not_filed_anew(
        wechat, seeded, clock, asked):
    ticket, _ = filed_for_neighbour(wechat, seeded, clock)
    assert wechat.send(BUILDING_LEAD, asked).startswith(f"您代报的诉求 {ticket}（")
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal.ticket)).all() == [ticket]


@pytest.mark.parametrize("asked", ["代报的进度", "代报进度", "代报的怎么样了", "代报的那件事呢"])
def test_a_lead_asking_after_her_daibao_by_its_name_is_told_its_status_not_its_unit_is_unknown(
        wechat, seeded, clock, asked):
    ticket, _ = filed_for_neighbour(wechat, seeded, clock)
    assert wechat.send(BUILDING_LEAD, asked).startswith(f"您代报的诉求 {ticket}（")
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal.ticket)).all() == [ticket]


def test_a_daibao_of_a_unit_that_is_not_there_is_still_refused_with_the_format(wechat, seeded):
    assert "不是本楼的单元" in wechat.send(BUILDING_LEAD, "代报 王奶奶家电梯还没修好")


@pytest.mark.parametrize("verb", ["帮邻居代报", "替邻居代报", "代邻居报"])
def test_the_neighbour_said_before_the_verb_is_a_daibao_not_the_leads_own_appeal(wechat, seeded, clock, verb):
    ticket, reply = filed_for_neighbour(wechat, seeded, clock, f"{verb} 1单元 单元门的门禁坏了")
    assert "已为邻居（阳光花园3号楼1单元）代报" in reply
    filed = appeal(seeded, ticket)
    assert filed.reporter_staff_id == staff_id(seeded, BUILDING_LEAD) and filed.content == "单元门的门禁坏了"


def test_a_daibao_merged_into_a_neighbours_appeal_is_followed_as_hers_to_pass_on_not_as_one_she_joined(
        wechat, seeded, clock):
    ticket, _ = filed_for_neighbour(wechat, seeded, clock)
    into = TICKET.search(wechat.send(NEIGHBOUR, "2单元楼道灯不亮了，晚上看不见")).group(0)
    dispatch_filed(seeded, clock)
    wechat.dialog(WANG, [(f"合并 {ticket} {into}", "并入"), (f"接单 {into}", "接单成功"),
                         (f"进展 {into} 已报修", "已记录"), (f"办结 {into} 已换灯泡", "已办结")])
    progress, = worded(seeded, "resident_follow_progress", BUILDING_LEAD)
    assert progress.startswith(f"您代报的诉求所并入的诉求 {into} 有新进展")
    resolved, = worded(seeded, "resident_follow_resolved", BUILDING_LEAD)
    assert resolved == (f"您代报的诉求所并入的诉求 {into} 已办结。\n"
                        "请转告邻居。邻居的问题仍未解决的，请用“代报 单元或门牌 内容”再报。")
    assert worded(seeded, "resident_follow_resolved", NEIGHBOUR) == []  # the neighbour's own: rated, not followed


def test_what_the_lead_adds_or_chases_reaches_the_handler_as_hers_not_the_neighbours(wechat, seeded, clock):
    ticket, _ = filed_for_neighbour(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(BUILDING_LEAD, f"补充 {ticket} 王奶奶说下午三点以后家里有人")
    added = worded(seeded, "staff_words_added", ZHANG)[-1]
    assert "代报的楼长赵阿姨说：王奶奶说下午三点以后家里有人" in added and "居民" not in added
    assert added.startswith(f"【楼长补充】{ticket}\n")
    assert added.endswith(f"“进展 {ticket} 说明”告诉代报的楼长赵阿姨。")
    clock.advance(hours=1)
    wechat.send(BUILDING_LEAD, f"催办 {ticket}")
    assert worded(seeded, "staff_chased", ZHANG)[-1].endswith(f"请尽快处理，并回复“进展 {ticket} 说明”告知代报的楼长赵阿姨。")


def test_the_leads_unsatisfied_rating_reaches_the_handler_as_hers_for_the_neighbour(wechat, seeded, clock):
    ticket, _ = filed_for_neighbour(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已换灯泡", "已办结")])
    wechat.send(BUILDING_LEAD, "不满意，王奶奶说灯还是不亮")
    reopened = worded(seeded, "staff_reopened", ZHANG)[-1]
    assert reopened.startswith(f"【重新办理】{ticket} 代报的楼长赵阿姨转达邻居对办理结果不满意，诉求已重新打开")
    assert "代报的楼长赵阿姨说：" in reopened and "居民原话" not in reopened
    with seeded.transaction() as session:  # the template message, once the chat's window has closed
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.template == "staff_reopened")).first()
        lines = notifications.template_data(row.template, json.loads(row.params))
    assert "楼长转达不满意，重新办理" in json.dumps(lines, ensure_ascii=False)


def test_a_photo_the_lead_sends_for_her_daibao_reaches_the_handler_as_hers(wechat, seeded, clock):
    ticket, _ = filed_for_neighbour(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    assert ticket in wechat.deliver(wechat.server.image(BUILDING_LEAD, create_time=wechat.now()))
    card = worded(seeded, "staff_material_added", ZHANG)[-1]
    assert card.startswith(f"【补充材料】{ticket} 代报的楼长赵阿姨补充了照片") and "居民" not in card
    with seeded.transaction() as session:  # the template message, once the chat's window has closed
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.template == "staff_material_added")).first()
        lines = json.dumps(notifications.template_data(row.template, json.loads(row.params)), ensure_ascii=False)
    assert "楼长补充了照片" in lines and "居民" not in lines


def test_the_building_lead_withdraws_what_they_filed_as_a_resident_would(wechat, seeded, clock):
    ticket, _ = filed_for_neighbour(wechat, seeded, clock)
    assert wechat.send(BUILDING_LEAD, f"撤销 {ticket}") == resident_texts.CANCELLED.format(ticket=ticket)
    assert appeal(seeded, ticket).status == AppealStatus.CANCELLED


def test_the_member_holding_a_daibao_hears_the_lead_withdrew_it_not_a_resident(wechat, seeded, clock):
    ticket, _ = filed_for_neighbour(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(BUILDING_LEAD, f"撤销 {ticket}")
    told, = worded(seeded, "staff_cancelled", ZHANG)
    assert told == f"【代报已撤销】{ticket} 代报的楼长赵阿姨已撤销这件诉求，您无需再处理。"
    with seeded.transaction() as session:  # the template message, once the chat's window has closed
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.template == "staff_cancelled")).one()
        lines = json.dumps(notifications.template_data(row.template, json.loads(row.params)), ensure_ascii=False)
    assert "楼长已撤销代报" in lines and "居民" not in lines


@pytest.mark.parametrize(("home", "unit", "door", "label"), [
    ("3号楼2单元501", "2单元", "3号楼2单元501", "阳光花园3号楼 3号楼2单元501"),
    ("3-2-501", None, "3-2-501", "阳光花园3号楼 3-2-501"),
    ("1", "1单元", None, "阳光花园3号楼1单元"),
])
def test_a_door_number_is_kept_on_the_appeal_and_names_its_unit_when_it_can(wechat, seeded, clock, home, unit, door,
                                                                            label):
    ticket, reply = filed_for_neighbour(wechat, seeded, clock, f"代报 {home} 家里水管漏水了")
    assert f"（{label}）" in reply
    filed = appeal(seeded, ticket)
    assert filed.door == door
    with seeded.transaction() as session:
        assert (session.get_one(Unit, filed.unit_id).name if filed.unit_id else None) == unit
    if door:
        card = worded(seeded, "staff_new_appeal", ZHANG)[-1]
        assert "501" not in card  # the card shows the door masked; the assignee reads it whole


def test_the_assignee_reads_the_neighbours_door_whole(wechat, seeded, clock):
    ticket, _ = filed_for_neighbour(wechat, seeded, clock, "代报 3-2-501 家里水管漏水了")
    assert "3-2-***" in wechat.send(LI, f"查询 {ticket}")
    wechat.send(ZHANG, f"接单 {ticket}")
    assert "3-2-501" in wechat.send(ZHANG, f"查询 {ticket}")


@pytest.mark.parametrize(("words", "door"), [("代报 2单元 楼道灯坏了", None), ("代报 3-2-501 家里水管漏水了", "3-2-501")])
def test_claiming_a_daibao_tells_the_member_who_reported_it_and_whom_the_account_reaches(wechat, seeded, clock,
                                                                                        words, door):
    ticket, _ = filed_for_neighbour(wechat, seeded, clock, words)
    reply = wechat.send(ZHANG, f"接单 {ticket}")
    said = staff_texts.CLAIM_FOR_NEIGHBOUR.format(who="楼长赵阿姨", ticket=ticket)
    assert said in reply and "居民未留电话和门牌" not in reply
    assert (door in reply) if door else "门牌" not in reply


@pytest.mark.parametrize(("words", "content"), [
    ("代报 1单元门禁坏了进不去", "门禁坏了进不去"),
    ("代报 1单元门禁坏了，老人进不去", "门禁坏了，老人进不去"),  # a comma in the problem is no 门牌's end
])
def test_no_space_after_the_unit_is_understood(wechat, seeded, clock, words, content):
    ticket, reply = filed_for_neighbour(wechat, seeded, clock, words)
    filed = appeal(seeded, ticket)
    assert filed.content == content and filed.door is None and "3号楼1单元" in reply


@pytest.mark.parametrize(("words", "unit", "door", "content"), [
    ("代报 2单元501王奶奶家水管漏水", "2单元", "2单元501", "王奶奶家水管漏水"),
    ("代报 3-2-501家里暖气不热", None, "3-2-501", "家里暖气不热"),
    ("代报 2单元501室王奶奶家 水管漏水", "2单元", "2单元501室", "王奶奶家 水管漏水"),
])
def test_no_space_after_a_door_number_is_understood(wechat, seeded, clock, words, unit, door, content):
    ticket, _ = filed_for_neighbour(wechat, seeded, clock, words)
    filed = appeal(seeded, ticket)
    assert (filed.door, filed.content) == (door, content)
    with seeded.transaction() as session:
        assert (session.get_one(Unit, filed.unit_id).name if filed.unit_id else None) == unit


def test_a_floor_after_the_unit_is_not_taken_for_a_door_number(wechat, seeded):
    refused = wechat.send(BUILDING_LEAD, "代报 2单元5楼楼道灯坏了")
    assert refused.startswith("“2单元5楼楼道灯坏了”不是本楼的单元")
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


@pytest.mark.parametrize(("words", "unit", "door", "content"), [
    ("代报 3号楼2单元 楼道灯坏了", "2单元", None, "楼道灯坏了"),  # her own building named out of habit
    ("代报 3号楼 2单元 楼道灯坏了", "2单元", None, "楼道灯坏了"),
    ("代报 三号楼二单元楼道灯坏了", "2单元", None, "楼道灯坏了"),
    ("代报 二单元 楼道灯坏了", "2单元", None, "楼道灯坏了"),  # the unit said in numerals, as voice writes it
    ("代报 二单元楼道灯坏了", "2单元", None, "楼道灯坏了"),
    ("代报 3号楼 2单元501 水管漏水", "2单元", "2单元501", "水管漏水"),
])
def test_her_own_building_and_a_unit_in_numerals_name_the_neighbours_home(wechat, seeded, clock, words, unit, door,
                                                                          content):
    ticket, reply = filed_for_neighbour(wechat, seeded, clock, words)
    filed = appeal(seeded, ticket)
    assert (filed.content, filed.door) == (content, door) and "阳光花园3号楼" in reply
    with seeded.transaction() as session:
        assert session.get_one(Unit, filed.unit_id).name == unit


def test_a_building_without_a_neighbours_home_is_still_refused(wechat, seeded):
    assert "不是本楼的单元" in wechat.send(BUILDING_LEAD, "代报 3号楼 楼道灯坏了")
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal.id)).all() == []


@pytest.mark.parametrize("home", ["5号楼2单元", "1号楼", "五号楼二单元"])
def test_a_unit_of_another_building_is_refused_as_another_buildings_not_as_no_door(wechat, seeded, home):
    """Before, 5号楼2单元 was told it "does not look like a 门牌 (it needs a digit)", which it holds."""
    assert wechat.send(BUILDING_LEAD, f"代报 {home} 楼道灯坏了") == community_texts.other_building(home, "阳光花园3号楼")
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal.id)).all() == []


@pytest.mark.parametrize(("words", "said"), [
    ("代报 3号楼 楼道灯坏了", "“3号楼”不是本楼的单元"),
    # Another building (written together or apart) was told "不是本楼的单元，也不像门牌", as if it were a typing slip.
    ("代报 5号楼2单元 楼道灯坏了", community_texts.other_building("5号楼2单元", "阳光花园3号楼")),
    ("代报 1号楼2单元楼道堆满了杂物", community_texts.other_building("1号楼2单元楼道堆满了杂物", "阳光花园3号楼")),
    ("代报 五号楼 楼道灯坏了", community_texts.other_building("五号楼", "阳光花园3号楼")),
])
def test_a_building_without_a_neighbours_home_or_another_building_is_still_refused(wechat, seeded, words, said):
    assert said in wechat.send(BUILDING_LEAD, words)
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal.id)).all() == []


@pytest.mark.parametrize("home", ["5号楼1单元201", "5栋1单元201"])
def test_a_door_of_another_building_is_refused_not_filed_at_hers(wechat, seeded, home):
    reply = wechat.send(BUILDING_LEAD, f"代报 {home} 家里水管漏水")
    assert reply == community_texts.other_building(home, "阳光花园3号楼")
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal.id)).all() == []
    assert "已为邻居（阳光花园3号楼 501号）代报" in wechat.send(BUILDING_LEAD, "代报 501号 水管漏水")  # a room, no building
    danger = wechat.send(BUILDING_LEAD, f"代报 {home} 家里着火了")  # a danger is never refused
    assert danger.startswith("【紧急】") and TICKET.search(danger)


def test_an_unknown_home_or_a_missing_problem_is_refused_with_the_format_and_nothing_is_filed(wechat, seeded):
    reply = wechat.send(BUILDING_LEAD, "代报 5单元 楼道灯坏了")
    assert "“5单元”不是本楼的单元" in reply and "本楼的单元：1单元、2单元" in reply
    assert "请写明邻居遇到的问题" in wechat.send(BUILDING_LEAD, "代报 2单元")
    assert "请按这个格式发送：代报 单元或门牌 内容" in wechat.send(BUILDING_LEAD, "代报")
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal.id)).all() == []


def test_a_long_problem_without_a_unit_is_said_back_cut_short_within_one_reply(wechat, seeded):
    reply = wechat.send(BUILDING_LEAD, "代报 " + "楼道里堆满了纸箱和旧家具还有自行车" * 50)
    assert "“楼道里堆满了纸箱和旧家具还有自行车楼道里…”不是本楼的单元" in reply
    assert len(reply.encode()) <= 2048


def test_a_danger_is_filed_as_an_emergency_with_the_advice(wechat, seeded, clock):
    reply = wechat.send(BUILDING_LEAD, "代报 2单元 502家里着火了，冒烟了")
    ticket = TICKET.search(reply).group(0)
    assert reply.startswith("【紧急】请立即拨打 119！")
    # The 楼长 at the door hears it is urgent and how soon someone comes, not the routine 代报 reply.
    assert (f"已为邻居（阳光花园3号楼2单元）代报，登记为紧急诉求 {ticket}，同时通知了网格员、网格长和社区工作人员，"
            "10分钟内会有人联系您。") in reply
    assert "办结后请您代邻居评价" not in reply
    assert appeal(seeded, ticket).emergency is not None


def test_a_danger_reported_where_nobody_has_bound_wechat_yet_is_not_said_to_have_been_told(wechat, seeded, clock):
    # A street whose 楼长 were invited before its grid's staff: the 楼长 at the door was told the grid and the
    # community had been called and someone would come within 10 minutes, while no card went to anyone.
    from storage import seeding

    with seeded.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan(
            "长青街道", {"长青社区": {"第一网格": ("长青苑", {"1号楼": ("1单元",)})}},
            building_leads=(("lead_changqing", "钱阿姨", "长青社区", "第一网格", "1号楼"),)), clock())

    reply = wechat.send("lead_changqing", "代报 1单元 502家里着火了，冒烟了")

    assert reply.startswith("【紧急】请立即拨打 119！") and "登记为紧急诉求" in reply
    assert "这里暂时还没有工作人员在公众号上接收消息，请一定先打上面的电话求助" in reply
    assert "通知了" not in reply and "10分钟内会有人联系您" not in reply


@pytest.mark.parametrize("words", ["代报 王奶奶家着火了，冒烟了", "代报 5号楼2单元 502家里着火了"])
def test_a_danger_without_a_home_that_can_be_read_is_filed_at_the_building_not_refused(wechat, seeded, words):
    reply = wechat.send(BUILDING_LEAD, words)
    assert reply.startswith("【紧急】") and "已为邻居（阳光花园3号楼）代报" in reply
    filed = appeal(seeded, TICKET.search(reply).group(0))
    assert filed.emergency is not None and filed.unit_id is None and filed.content == words.removeprefix("代报 ")


def test_building_leads_are_limited_like_residents(wechat, seeded, settings, clock):
    limit = settings.appeals_per_hour
    for number in range(limit):
        assert "代报" in wechat.send(BUILDING_LEAD, f"代报 {number + 101} 第{number + 1}件事：门口的灯不亮")
    refused = wechat.send(BUILDING_LEAD, "代报 2单元 楼道堆满了杂物")
    assert refused == community_texts.DAIBAO_LIMIT_PER_HOUR.format(limit=limit)
    with seeded.transaction() as session:
        assert len(session.scalars(select(Appeal.id)).all()) == limit


def test_a_building_lead_does_no_grid_work_and_reads_no_one_elses_appeal(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)  # o1 lives in the 楼长's own building
    for command in (f"接单 {ticket}", f"办结 {ticket} 已修好", "待分类", "聚焦", "上报 3号楼门禁坏了",
                    "请假"):
        instead = community_texts.GRID_WORK_INSTEAD.get(command.split()[0], "回复“帮助”查看您可以使用的指令。")
        assert wechat.send(BUILDING_LEAD, command) == community_texts.NOT_GRID_WORK.format(
            role="楼长", instead=instead), command
    assert wechat.send(BUILDING_LEAD, f"接单 {ticket}").endswith("领取任务请发送：领单 编号（回复“可领任务”查看可以领的）。")
    assert wechat.send(BUILDING_LEAD, f"查询 {ticket}") == resident_texts.NOT_FOUND.format(ticket=ticket)
    assert appeal(seeded, ticket).assignee_staff_id is None
    with seeded.transaction() as session:
        lead = session.scalars(select(Staff).where(Staff.openid == BUILDING_LEAD)).one()
        theirs = session.scalars(select(Appeal).where(Appeal.ticket == ticket)).one()
        assert not staff.may_read(session, lead, theirs, ())


def test_a_building_leads_help_lists_daibao_and_the_residents_commands_not_staff_work(wechat, seeded):
    help_text = wechat.send(BUILDING_LEAD, "帮助")
    assert help_text.startswith(community_texts.HELP_HEADER.format(role="楼长"))
    assert help_text.startswith("遇到火灾、急病、暴力等危险，请先拨打 119 火警、120 急救、110 报警。\n楼长您好！")
    assert "代报 单元或门牌 内容" in help_text and "我的诉求" in help_text
    assert "接单" not in help_text and "上报" not in help_text
    assert "党员报到" not in help_text and "志愿者报名" not in help_text  # a member joined already
    assert "党员报到" in wechat.send(RESIDENT, "帮助")


def test_their_own_words_are_their_own_appeal_as_a_residents(wechat, seeded):
    reply = wechat.send(BUILDING_LEAD, "小区东门的路灯坏了")
    assert staff_texts.STAFF_FREE_TEXT not in reply and TICKET.search(reply)


def test_residents_and_staff_are_told_daibao_is_for_building_leads(wechat, seeded):
    assert wechat.send(RESIDENT, LIGHT) == community_texts.COMMUNITY_ONLY.format(
        verb="代报", summary="替不用微信的邻居反映问题，进展会发给您", who="楼长、单元长、党员中心户和党员"
    ) + community_texts.JOIN_TO_USE_PARTY
    assert wechat.send(ZHANG, LIGHT) == community_texts.STAFF_USE_REPORT.format(
        verb="代报", who="楼长、单元长、党员中心户和党员", instead="发现问题请发送：上报 内容")


def test_a_disabled_building_lead_can_no_longer_file_for_neighbours(wechat, seeded):
    with seeded.transaction() as session:
        session.scalars(select(Staff).where(Staff.openid == BUILDING_LEAD)).one().active = False
    assert wechat.send(BUILDING_LEAD, LIGHT) == staff_texts.STAFF_DISABLED
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal.id)).all() == []


def test_the_card_shows_the_neighbours_home_and_never_the_building_leads_openid(wechat, seeded, clock):
    filed_for_neighbour(wechat, seeded, clock)
    with seeded.transaction() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_openid == ZHANG,
                                                          OutboxMessage.template == "staff_new_appeal")).one()
        assert BUILDING_LEAD not in row.params and "3号楼2单元" in json.loads(row.params)["home"]
