"""What an operator does to an appeal in the console, through Flask's client: every role against every action (in
scope, out of scope: 404), the CSRF check, each action's effect through the same lifecycle function the chat
uses, its audit line 控制台 <显示名>, and a refusal as one Chinese line that leaves the appeal as it was."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.web.app import create_app
from storage.appeals import UNCLASSIFIED
from storage.models import (
    Appeal,
    AppealEvent,
    AppealStatus,
    Community,
    Grid,
    LabelledExample,
    Resident,
    Staff,
    StaffRole,
)
from tests.support.console import ACCOUNTS, PLACES, SEES, browser, cast, logged_in, new_appeal, street_id
from tests.support.database import appeal, notices, worded
from tests.support.street import FIRST, SECOND, XINGFULI

pytestmark = pytest.mark.postgres

# Each action with a form that would succeed on a waiting G-XFL (幸福里社区·第二网格).
ACTIONS = {
    "reclassify": {"category": "物业服务"},
    "reassign": {"target": f"{XINGFULI}·{FIRST}"},
    "reject": {"reason": "属于燃气公司受理范围"},
    "merge": {"into": "G-XFL2"},
}
RESIDENT_OPENID = "o-console-resident-0001"
DISPLAY = {username: name for username, (_role, _scope, name) in ACCOUNTS.items()}


@pytest.fixture
def app(runtime, clock):
    now = clock()
    cast(runtime.database, now)
    with runtime.database.transaction() as session:
        grid_id = session.scalars(select(Grid.id).join(Community, Community.id == Grid.community_id)
                                  .where(Community.name == XINGFULI, Grid.name == SECOND)).one()
        session.add(new_appeal("G-XFL2", grid_id, now, content="同一处垃圾"))
        session.add(new_appeal("G-REVIEW", grid_id, now, category=UNCLASSIFIED, content="小区路灯不亮了，晚上很黑"))
        resident = Resident(openid=RESIDENT_OPENID, grid_id=grid_id, created_at=now)
        session.add(resident)
        session.flush()
        session.add(new_appeal("G-WORK", grid_id, now, status=AppealStatus.ACCEPTED, accepted_at=now,
                               resolve_due_at=now + timedelta(hours=72), resident_id=resident.id))
    return create_app(runtime=runtime)



def post(person, ticket, action, form, token=True):
    data = dict(form)
    if token:
        data["csrf_token"] = person.token("/console/")
    return person.client.post(f"/console/appeals/{ticket}/{action}", data=data)


def events(database, ticket):
    appeal_id = appeal(database, ticket).id
    with database.transaction() as session:
        return session.scalars(select(AppealEvent).where(AppealEvent.appeal_id == appeal_id)
                               .order_by(AppealEvent.id)).all()


# --- every role against every action ----------------------------------------------------------------------------

OUTSIDE = [(username, ticket) for username in sorted(ACCOUNTS) for ticket in sorted(PLACES)
           if ticket not in SEES[username]]


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize(("username", "ticket"), OUTSIDE)
def test_an_action_on_an_appeal_outside_the_scope_is_not_found_and_changes_nothing(app, runtime, action,
                                                                                   username, ticket):
    before = appeal(runtime.database, ticket)
    response = post(logged_in(app, username), ticket, action, ACTIONS[action])
    assert response.status_code == 404
    assert ticket not in response.get_data(as_text=True)
    after = appeal(runtime.database, ticket)
    assert (after.status, after.category, after.grid_id) == (before.status, before.category, before.grid_id)
    assert events(runtime.database, ticket) == []


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("username", sorted(ACCOUNTS))
def test_each_role_acts_on_an_appeal_in_its_scope_and_the_trail_names_the_operator(app, runtime, action, username):
    response = post(logged_in(app, username), "G-XFL", action, ACTIONS[action])
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == f"/console/appeals/G-XFL?done={action}"
    trail = events(runtime.database, "G-XFL")
    assert [(event.actor_kind, event.actor_id is not None) for event in trail] == [("console_user", True)]
    page = logged_in(app, username).get("/console/appeals/G-XFL").get_data(as_text=True)
    assert f"（控制台 {DISPLAY[username]}）" in page


def test_an_action_without_the_token_is_refused_and_changes_nothing(app, runtime):
    response = post(logged_in(app, "admin"), "G-XFL", "reject", ACTIONS["reject"], token=False)
    assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
    assert appeal(runtime.database, "G-XFL").status == AppealStatus.DISPATCHED


@pytest.mark.parametrize(("action", "field"), [("note", "text"), ("reject", "reason"), ("reassign", "target")])
def test_a_text_longer_than_the_form_allows_is_refused_in_chinese_and_changes_nothing(app, runtime, action, field):
    response = post(logged_in(app, "xingfuli"), "G-XFL", action, {field: "字" * 250})

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "最多 200 字，您写了 250 字，没有保存。" in page and "Bad Request" not in page
    assert appeal(runtime.database, "G-XFL").status == AppealStatus.DISPATCHED
    assert events(runtime.database, "G-XFL") == []


def test_a_too_long_text_for_an_appeal_outside_the_scope_is_not_found(app, runtime):
    response = post(logged_in(app, "xingfuli"), "G-HP", "note", {"text": "字" * 250})

    assert response.status_code == 404 and "G-HP" not in response.get_data(as_text=True)


def test_an_action_needs_a_login(app, runtime):
    visitor = browser(app)
    response = visitor.client.post("/console/appeals/G-XFL/reject",
                           data={**ACTIONS["reject"], "csrf_token": visitor.token()})  # the login page's token
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    assert appeal(runtime.database, "G-XFL").status == AppealStatus.DISPATCHED


def test_a_merge_into_an_appeal_outside_the_scope_reads_like_one_that_does_not_exist(app, runtime):
    person = logged_in(app, "xingfuli")
    outside = post(person, "G-XFL", "merge", {"into": "G-HP"})
    missing = post(person, "G-XFL", "merge", {"into": "G-NOPE"})
    # The operator stays on the appeal's page with one line, as for any other refusal; a typo loses nothing.
    assert outside.status_code == missing.status_code == 409
    said = [page.get_data(as_text=True) for page in (outside, missing)]
    assert "没有找到诉求 G-HP，请核对编号。" in said[0] and "没有找到诉求 G-NOPE，请核对编号。" in said[1]
    assert 'id="action-merge"' in said[1]
    assert appeal(runtime.database, "G-XFL").status == AppealStatus.DISPATCHED


# --- each action's effect --------------------------------------------------------------------------------------

def test_reclassifying_keeps_the_correction_for_retraining(app, runtime):
    post(logged_in(app, "xingfuli"), "G-XFL", "reclassify", {"category": "物业服务"})
    assert appeal(runtime.database, "G-XFL").category == "物业服务"
    with runtime.database.transaction() as session:
        example = session.scalars(select(LabelledExample)).one()
        assert (example.label, example.previous_label, example.staff_id) == ("物业服务", "市容环境", None)
    (event,) = events(runtime.database, "G-XFL")
    assert (event.action, event.note, event.internal) == ("reclassified", "市容环境 → 物业服务", True)


def test_the_review_queue_offers_the_machines_suggestion_as_one_click(app, runtime):
    person = logged_in(app, "xingfuli")
    queue = person.get("/console/appeals?queue=review").get_data(as_text=True)
    assert 'id="appeal-G-REVIEW"' in queue
    page = person.get("/console/appeals/G-REVIEW").get_data(as_text=True)
    assert 'id="action-suggestion"' in page and "系统建议类别：" in page
    suggested = page.split('name="category" value="', 1)[1].split('"', 1)[0]
    assert post(person, "G-REVIEW", "reclassify", {"category": suggested}).status_code == 302
    assert appeal(runtime.database, "G-REVIEW").category == suggested != UNCLASSIFIED
    assert 'id="appeal-G-REVIEW"' not in person.get("/console/appeals?queue=review").get_data(as_text=True)


def test_reassigning_to_a_grid_of_the_scope_restarts_the_wait_there(app, runtime):
    post(logged_in(app, "xingfuli"), "G-XFL", "reassign", {"target": f"{XINGFULI}·{FIRST}"})
    moved = appeal(runtime.database, "G-XFL")
    with runtime.database.transaction() as session:
        first = session.get_one(Grid, moved.grid_id)
        assert first.name == FIRST
    assert moved.status == AppealStatus.DISPATCHED
    assert events(runtime.database, "G-XFL")[0].action == "reassigned"


def test_reassigning_back_and_forth_past_four_an_hour_moves_it_and_says_the_resident_was_not_told(app, runtime):
    person = logged_in(app, "xingfuli")
    for grid in (FIRST, SECOND, FIRST, SECOND):
        page = person.get(post(person, "G-XFL", "reassign", {"target": f"{XINGFULI}·{grid}"}).headers["Location"])
        assert "没有再通知居民" not in page.get_data(as_text=True)
    response = post(person, "G-XFL", "reassign", {"target": f"{XINGFULI}·{FIRST}"})
    page = person.get(response.headers["Location"]).get_data(as_text=True)
    assert "已改派，新的承办人已收到任务。这件诉求一小时内已改派或转办 4 次，这次没有再通知居民" in page
    grid_id = appeal(runtime.database, "G-XFL").grid_id
    with runtime.database.transaction() as session:
        assert session.get_one(Grid, grid_id).name == FIRST  # moved all the same


def test_an_appeal_given_back_waits_in_its_own_queue_until_it_is_reassigned(app, runtime):
    with runtime.database.transaction() as session:  # the grid gave it back (退回): not 待接单, not in any grid's hands
        session.scalars(select(Appeal).where(Appeal.ticket == "G-XFL")).one().status = AppealStatus.RETURNED
    person = logged_in(app, "xingfuli")
    home = person.get("/console/").get_data(as_text=True)
    card = home[home.index('id="queue-returned" href="/console/appeals?queue=returned">'):]
    assert "已退回" in card[:card.index("</a>")] and 'data-count="1"' in card[:card.index("</a>")]
    assert 'id="appeal-G-XFL"' in person.get("/console/appeals?queue=returned").get_data(as_text=True)
    post(person, "G-XFL", "reassign", {"target": f"{XINGFULI}·{FIRST}"})
    assert 'id="appeal-G-XFL"' not in person.get("/console/appeals?queue=returned").get_data(as_text=True)


def test_pressing_a_task_waiting_for_a_member_on_leave_says_so_on_the_page_as_the_chat_does(app, runtime, clock):
    person = logged_in(app, "xingfuli")
    post(person, "G-XFL", "reassign", {"target": "刘洋"})
    with runtime.database.transaction() as session:
        member = session.scalars(select(Staff).where(Staff.name == "刘洋")).one()
        member.on_duty, member.off_duty_until = False, clock() + timedelta(days=5)
    response = post(person, "G-XFL", "supervise", {"text": "今天务必上门"})
    page = person.get(response.headers["Location"]).get_data(as_text=True)
    assert "注意：刘洋正在请假（至 " in page and "需要尽快办理的，请改派给在岗的人" in page


def test_reassigning_to_a_member_on_leave_says_so_on_the_page_as_the_chat_does(app, runtime, clock):
    with runtime.database.transaction() as session:
        member = session.scalars(select(Staff).where(Staff.name == "刘洋")).one()
        member.on_duty, member.off_duty_until = False, clock() + timedelta(days=5)
    person = logged_in(app, "xingfuli")
    response = post(person, "G-XFL", "reassign", {"target": "刘洋"})
    assert response.status_code == 302
    page = person.get(response.headers["Location"]).get_data(as_text=True)
    assert "已改派，新的承办人已收到任务。" in page
    assert "注意：刘洋正在请假（至 " in page and "需要尽快办理的，请改派给在岗的人" in page
    assert appeal(runtime.database, "G-XFL").assignee_staff_id == member.id  # moved all the same, as in the chat
    assert "正在请假" not in person.get("/console/appeals/G-XFL").get_data(as_text=True)  # said once, when done


def test_reassigning_to_a_grid_nobody_works_in_says_on_the_page_that_nobody_got_it(app, runtime):
    with runtime.database.transaction() as session:  # 刘洋, the second grid's only member, left
        session.scalars(select(Staff).where(Staff.name == "刘洋")).one().active = False
        session.scalars(select(Appeal).where(Appeal.ticket == "G-XFL")).one().status = AppealStatus.RETURNED
    person = logged_in(app, "xingfuli")
    response = post(person, "G-XFL", "reassign", {"target": f"{XINGFULI}·{SECOND}"})
    page = person.get(response.headers["Location"]).get_data(as_text=True)
    assert "已改派，居民已收到通知。注意：这个网格现在没有在岗的网格员，没有人收到任务卡" in page
    assert "新的承办人已收到任务" not in page


def test_a_community_operator_cannot_reassign_into_another_community(app, runtime):
    response = post(logged_in(app, "xingfuli"), "G-XFL", "reassign", {"target": "和平社区·第一网格"})
    assert response.status_code == 409
    assert "不在您的管辖范围" in response.get_data(as_text=True)
    assert appeal(runtime.database, "G-XFL").grid_id == appeal(runtime.database, "G-XFL2").grid_id


def test_rejecting_closes_it_with_the_reason(app, runtime):
    post(logged_in(app, "street"), "G-XFL", "reject", ACTIONS["reject"])
    (event,) = events(runtime.database, "G-XFL")
    assert (appeal(runtime.database, "G-XFL").status, event.note) == (AppealStatus.REJECTED, "属于燃气公司受理范围")


def test_merging_a_duplicate_then_splitting_it_again(app, runtime):
    person = logged_in(app, "xingfuli")
    post(person, "G-XFL", "merge", {"into": "g-xfl2"})
    merged = appeal(runtime.database, "G-XFL")
    assert (merged.status, merged.merged_into_id) == (AppealStatus.MERGED, appeal(runtime.database, "G-XFL2").id)
    assert 'id="action-split"' in person.get("/console/appeals/G-XFL").get_data(as_text=True)
    assert post(person, "G-XFL", "split", {}).status_code == 302
    assert appeal(runtime.database, "G-XFL").status == AppealStatus.DISPATCHED
    assert [event.action for event in events(runtime.database, "G-XFL")] == ["merged", "viewed", "split"]


# --- refusals: one line on the page, nothing changed ------------------------------------------------------------

@pytest.mark.parametrize(("action", "form", "words"), [
    ("reclassify", {"category": "不存在的类别"}, "没有“不存在的类别”这个类别"),
    ("reassign", {"target": ""}, "请写明改派给"),
    ("reassign", {"target": "火星网格"}, "没有找到网格或网格员"),
    ("reassign", {"target": f"{XINGFULI}·{SECOND}"}, f"这条诉求已经在{XINGFULI}·{SECOND}，不用改派。"),
    ("reject", {"reason": "  "}, "请写明不受理的原因"),
    ("merge", {"into": "G-XFL"}, "不能把诉求 G-XFL 并入它自己"),
    ("merge", {"into": "g-hp "}, "诉求 G-XFL 和 G-HP 不属于同一网格"),  # the ticket as written everywhere, not as typed
    ("merge", {"into": ""}, "请写明并入哪条诉求"),
    ("split", {}, "不能这样处理"),
])
def test_a_refused_action_is_one_chinese_line_on_the_page_and_changes_nothing(app, runtime, action, form, words):
    response = post(logged_in(app, "admin"), "G-XFL", action, form)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    refusal = page[page.index('id="action-refusal"'):]
    assert words in refusal[:refusal.index("</p>")]
    assert "Traceback" not in page
    assert appeal(runtime.database, "G-XFL").status == AppealStatus.DISPATCHED
    assert events(runtime.database, "G-XFL") == []


def test_an_action_on_a_closed_appeal_is_refused(app, runtime):
    person = logged_in(app, "admin")
    post(person, "G-XFL", "reject", ACTIONS["reject"])
    response = post(person, "G-XFL", "reclassify", {"category": "物业服务"})
    assert response.status_code == 409 and "不受理" in response.get_data(as_text=True)
    assert appeal(runtime.database, "G-XFL").category == "市容环境"


# --- stepping into the work: pause, resume, a note, a message to the resident ----------------------------------

def test_pausing_stops_the_clock_and_resuming_moves_the_deadline(app, runtime, clock):
    person = logged_in(app, "street")
    due = appeal(runtime.database, "G-WORK").resolve_due_at
    assert post(person, "G-WORK", "pause", {"reason": "等待电梯配件"}).status_code == 302
    assert appeal(runtime.database, "G-WORK").status == AppealStatus.PAUSED
    assert notices(runtime.database, "resident_paused", "G-WORK") == [RESIDENT_OPENID]
    clock.advance(minutes=20)  # within the session's idle timeout
    assert post(person, "G-WORK", "resume", {}).status_code == 302
    resumed = appeal(runtime.database, "G-WORK")
    assert (resumed.status, resumed.resolve_due_at) == (AppealStatus.ACCEPTED, due + timedelta(minutes=20))
    assert [(e.action, e.actor_kind) for e in events(runtime.database, "G-WORK")] == [
        ("paused", "console_user"), ("resumed", "console_user")]


def test_an_emergency_in_progress_offers_no_pause_and_a_pause_posted_anyway_is_refused(app, runtime):
    person = logged_in(app, "street")
    assert 'id="action-pause"' in person.get("/console/appeals/G-WORK").get_data(as_text=True)
    with runtime.database.transaction() as session:
        session.scalars(select(Appeal).where(Appeal.ticket == "G-WORK")).one().emergency = "火情"
    assert 'id="action-pause"' not in person.get("/console/appeals/G-WORK").get_data(as_text=True)
    refused = post(person, "G-WORK", "pause", {"reason": "等待消防"})
    assert refused.status_code == 409 and "这是紧急诉求，不能挂起" in refused.get_data(as_text=True)
    assert appeal(runtime.database, "G-WORK").status == AppealStatus.ACCEPTED


def test_pausing_and_resuming_past_four_an_hour_changes_the_appeal_without_messaging_the_resident(app, runtime):
    person = logged_in(app, "street")
    for _ in range(2):
        assert post(person, "G-WORK", "pause", {"reason": "等待电梯配件"}).status_code == 302
        assert post(person, "G-WORK", "resume", {}).status_code == 302
    paused = post(person, "G-WORK", "pause", {"reason": "等待电梯配件"})
    assert paused.status_code == 302 and appeal(runtime.database, "G-WORK").status == AppealStatus.PAUSED
    page = person.get(paused.headers["Location"]).get_data(as_text=True)
    assert "已挂起。这件诉求一小时内已挂起或恢复 4 次，这次没有再通知居民和接单人" in page
    assert notices(runtime.database, "resident_paused", "G-WORK") == [RESIDENT_OPENID] * 2


def test_supervising_from_the_page_presses_whoever_holds_it_once_an_hour(app, runtime, clock):
    with runtime.database.transaction() as session:  # 刘洋 claimed G-WORK
        work = session.scalars(select(Appeal).where(Appeal.ticket == "G-WORK")).one()
        work.assignee_staff_id = session.scalars(select(Staff.id).where(Staff.name == "刘洋")).one()
    person = logged_in(app, "xingfuli")
    assert 'id="action-supervise"' in person.get("/console/appeals/G-WORK").get_data(as_text=True)
    response = post(person, "G-WORK", "supervise", {"text": "居民反映多次，今天务必上门"})
    assert response.status_code == 302
    assert "已督办，承办人已收到。" in person.get(response.headers["Location"]).get_data(as_text=True)
    (said,) = worded(runtime.database, "staff_supervised", "demo_staff_liuyang")
    assert said == ("【督办】G-WORK 孙丽督办：居民反映多次，今天务必上门\n"
                    "请尽快办理：办好后回复“办结 G-WORK 说明”，未办完请回复“进展 G-WORK 说明”告知居民。")
    assert ("supervised", "console_user", "居民反映多次，今天务必上门", True) in [
        (e.action, e.actor_kind, e.note, e.internal) for e in events(runtime.database, "G-WORK")]
    again = post(person, "G-WORK", "supervise", {"text": "再催一次"})
    assert again.status_code == 409 and "已督办过" in again.get_data(as_text=True)
    clock.advance(hours=1)
    person = logged_in(app, "xingfuli")  # the console's idle sign-out came first
    assert post(person, "G-WORK", "supervise", {"text": "再催一次"}).status_code == 302
    waiting = post(person, "G-XFL", "supervise", {"text": "请尽快接单"})  # nobody claimed it: the grid's team
    assert waiting.status_code == 302
    said = person.get(waiting.headers["Location"]).get_data(as_text=True)
    assert "已督办：还没有人接单，督办已发给可以接单的人" in said and "承办人已收到" not in said  # there is none
    assert notices(runtime.database, "staff_supervised", "G-XFL") == ["demo_staff_liuyang"]


def test_supervising_an_appeal_given_back_says_the_communitys_operators_got_it_not_a_holder(app, runtime):
    with runtime.database.transaction() as session:  # the grid gave it back (退回): the operators must route it
        session.scalars(select(Appeal).where(Appeal.ticket == "G-XFL")).one().status = AppealStatus.RETURNED
    person = logged_in(app, "xingfuli")
    assert 'id="action-supervise"' in person.get("/console/appeals/G-XFL").get_data(as_text=True)
    response = post(person, "G-XFL", "supervise", {"text": "请今天改派"})
    assert response.status_code == 302
    said = person.get(response.headers["Location"]).get_data(as_text=True)
    assert "已督办：诉求已退回社区、等待重新派发，督办已发给社区操作员（孙丽），请他们尽快改派或转办。" in said
    assert "承办人已收到" not in said
    assert notices(runtime.database, "staff_supervised", "G-XFL") == ["demo_staff_sunli"]
    (told,) = worded(runtime.database, "staff_supervised", "demo_staff_sunli")
    assert "请尽快回复“改派 G-XFL 网格或姓名”或“转办 G-XFL 部门”" in told


def test_a_note_stays_internal_and_nobody_is_told(app, runtime):
    person = logged_in(app, "xingfuli")
    assert post(person, "G-WORK", "note", {"text": "已联系物业，明天上门"}).status_code == 302
    (event,) = events(runtime.database, "G-WORK")
    assert (event.action, event.internal, event.note, event.actor_kind) == ("noted", True, "已联系物业，明天上门",
                                                                             "console_user")
    assert "内部备注（控制台 孙丽）：已联系物业，明天上门" in person.get("/console/appeals/G-WORK").get_data(as_text=True)
    with runtime.database.transaction() as session:
        assert session.scalars(select(AppealEvent).where(AppealEvent.action == "noted")).all()
    assert notices(runtime.database, "resident_progress") == []


def test_a_note_sent_twice_by_a_double_click_is_saved_once(app, runtime, clock):
    person = logged_in(app, "xingfuli")
    assert post(person, "G-WORK", "note", {"text": "已联系物业，明天上门"}).status_code == 302
    again = post(person, "G-WORK", "note", {"text": "已联系物业，明天上门 "})
    assert again.status_code == 409 and "同样的备注" in again.get_data(as_text=True)
    assert [event.note for event in events(runtime.database, "G-WORK")] == ["已联系物业，明天上门"]
    assert post(person, "G-WORK", "note", {"text": "物业说后天才能来"}).status_code == 302  # other words: a new note


def test_a_message_reaches_the_resident_as_a_progress_update(app, runtime):
    person = logged_in(app, "admin")
    assert post(person, "G-WORK", "message", {"text": "师傅明天上午到，请家里留人"}).status_code == 302
    assert any("师傅明天上午到" in text for text in worded(runtime.database, "resident_progress", RESIDENT_OPENID))
    (event,) = events(runtime.database, "G-WORK")
    assert (event.action, event.internal, event.actor_kind) == ("progress", False, "console_user")


def test_a_message_posted_twice_reaches_the_resident_once(app, runtime):
    person = logged_in(app, "admin")
    assert post(person, "G-WORK", "message", {"text": "师傅明天上午到，请家里留人"}).status_code == 302
    again = post(person, "G-WORK", "message", {"text": "师傅明天上午到，请家里留人"})
    assert again.status_code == 409 and "这次没有重复发送" in again.get_data(as_text=True)
    assert notices(runtime.database, "resident_progress") == [RESIDENT_OPENID]
    assert len(events(runtime.database, "G-WORK")) == 1


def test_messages_past_five_an_hour_are_refused_and_not_sent(app, runtime):
    person = logged_in(app, "admin")
    for count in range(5):
        assert post(person, "G-WORK", "message", {"text": f"第{count + 1}条留言"}).status_code == 302
    refused = post(person, "G-WORK", "message", {"text": "第6条留言"})
    assert refused.status_code == 409 and "一小时内已给居民发了 5 条进展或留言" in refused.get_data(as_text=True)
    assert notices(runtime.database, "resident_progress") == [RESIDENT_OPENID] * 5


def test_a_message_on_an_appeal_nobody_works_on_yet_is_refused(app, runtime):
    response = post(logged_in(app, "admin"), "G-XFL", "message", {"text": "您好"})
    assert response.status_code == 409 and "待接单" in response.get_data(as_text=True)
    assert notices(runtime.database, "resident_progress") == []


@pytest.mark.parametrize("action", ["pause", "resume", "note", "message"])
def test_stepping_in_outside_the_scope_is_not_found(app, runtime, action):
    response = post(logged_in(app, "street"), "G-PA", action, {"reason": "x", "text": "x"})
    assert response.status_code == 404
    assert events(runtime.database, "G-PA") == []


def test_transferring_to_a_department_hands_it_to_their_staff(app, runtime, clock):
    with runtime.database.transaction() as session:
        session.add(Staff(openid="o-dept-chengguan-01", name="赵队长", role=StaffRole.DEPARTMENT,
                          department="城管执法中队", active=True, created_at=clock()))
    person = logged_in(app, "street")
    assert 'id="action-transfer"' in person.get("/console/appeals/G-XFL").get_data(as_text=True)
    assert post(person, "G-XFL", "transfer", {"department": "城管执法中队"}).status_code == 302
    moved = appeal(runtime.database, "G-XFL")
    assert (moved.status, moved.department) == (AppealStatus.DISPATCHED, "城管执法中队")
    assert notices(runtime.database, "staff_new_appeal", "G-XFL") == ["o-dept-chengguan-01"]
    assert [(e.action, e.actor_kind) for e in events(runtime.database, "G-XFL")][-1] == ("transferred", "console_user")


def test_transferring_again_to_the_department_it_waits_with_is_refused_and_sends_nothing(app, runtime, clock):
    with runtime.database.transaction() as session:
        session.add(Staff(openid="o-dept-chengguan-01", name="赵队长", role=StaffRole.DEPARTMENT,
                          department="城管执法中队", active=True, created_at=clock()))
    person = logged_in(app, "street")
    assert post(person, "G-XFL", "transfer", {"department": "城管执法中队"}).status_code == 302
    assert "<option>城管执法中队</option>" not in person.get("/console/appeals/G-XFL").get_data(as_text=True)

    again = post(person, "G-XFL", "transfer", {"department": "城管执法中队"})

    assert again.status_code == 409 and "正等对方接单，不用再转办" in again.get_data(as_text=True)
    assert notices(runtime.database, "staff_new_appeal", "G-XFL") == ["o-dept-chengguan-01"]
    assert [e.action for e in events(runtime.database, "G-XFL")].count("transferred") == 1


def test_an_appeal_given_back_is_transferred_from_its_page_to_the_unit_it_belongs_to(app, runtime, clock):
    with runtime.database.transaction() as session:  # the grid gave it back (退回): a department's business
        session.scalars(select(Appeal).where(Appeal.ticket == "G-XFL")).one().status = AppealStatus.RETURNED
        session.add(Staff(openid="o-dept-chengguan-01", name="赵队长", role=StaffRole.DEPARTMENT,
                          department="城管执法中队", active=True, created_at=clock()))
    person = logged_in(app, "xingfuli")
    assert 'id="action-transfer"' in person.get("/console/appeals/G-XFL").get_data(as_text=True)
    assert post(person, "G-XFL", "transfer", {"department": "城管执法中队"}).status_code == 302
    moved = appeal(runtime.database, "G-XFL")
    assert (moved.status, moved.department) == (AppealStatus.DISPATCHED, "城管执法中队")
    assert notices(runtime.database, "staff_new_appeal", "G-XFL") == ["o-dept-chengguan-01"]


def test_the_transfer_list_offers_only_the_units_serving_the_appeals_street(app, runtime, clock):
    pingan = street_id(runtime.database, "平安街道")
    with runtime.database.transaction() as session:  # 平安街道 has its own 综合执法中队, and a 平安物业
        session.add(Staff(openid="o-dept-pingan-01", name="吴队长", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          street_id=pingan, active=True, created_at=clock()))
        session.add(Staff(openid="o-dept-pingan-02", name="郑经理", role=StaffRole.DEPARTMENT, department="平安物业",
                          street_id=pingan, active=True, created_at=clock()))
    page = logged_in(app, "street").get("/console/appeals/G-XFL").get_data(as_text=True)

    assert "平安物业" not in page and "<option>综合执法中队</option>" not in page
    response = post(logged_in(app, "street"), "G-XFL", "transfer", {"department": "综合执法中队"})
    assert response.status_code == 409 and appeal(runtime.database, "G-XFL").department is None
    assert notices(runtime.database, "staff_new_appeal", "G-XFL") == []


def test_a_transfer_to_a_department_without_staff_is_refused(app, runtime):
    response = post(logged_in(app, "admin"), "G-XFL", "transfer", {"department": "不存在的部门"})
    assert response.status_code == 409 and "还没有可以接单的工作人员" in response.get_data(as_text=True)
    assert appeal(runtime.database, "G-XFL").department is None


def test_the_review_queue_is_worked_from_the_list_one_click_each(app, runtime):
    person = logged_in(app, "street")
    queue = person.get("/console/appeals?queue=review").get_data(as_text=True)
    form = queue[queue.index('id="suggest-G-REVIEW"'):queue.index("</form>", queue.index('id="suggest-G-REVIEW"'))]
    suggested = form.split('name="category" value="', 1)[1].split('"', 1)[0]
    response = post(person, "G-REVIEW", "reclassify", {"category": suggested, "back": "review"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/appeals?queue=review&done=reclassify"
    assert appeal(runtime.database, "G-REVIEW").category == suggested
    after = person.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="appeal-G-REVIEW"' not in after and "已改分类" in after


def test_a_one_click_correction_keeps_the_filters_of_the_review_list_it_came_from(app, runtime):
    person = logged_in(app, "street")
    queue = person.get("/console/appeals?queue=review&where=幸福里社区&from=2000-01-01").get_data(as_text=True)
    start = queue.index('id="suggest-G-REVIEW"')
    form = queue[start:queue.index("</form>", start)]
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    assert (fields["back_where"], fields["back_from"]) == ("幸福里社区", "2000-01-01")
    response = post(person, "G-REVIEW", "reclassify", {name: value for name, value in fields.items()
                                                       if name != "csrf_token"})
    assert response.status_code == 302
    assert response.headers["Location"] == ("/console/appeals?queue=review&done=reclassify"
                                             "&where=%E5%B9%B8%E7%A6%8F%E9%87%8C%E7%A4%BE%E5%8C%BA&from=2000-01-01")


def test_withdrawing_on_the_residents_word_cancels_it_with_how_they_asked(app, runtime):
    person = logged_in(app, "xingfuli")
    response = post(person, "G-WORK", "withdraw", {"note": "居民来电：已自行解决"})
    assert response.status_code == 302
    assert appeal(runtime.database, "G-WORK").status == AppealStatus.CANCELLED
    (event,) = events(runtime.database, "G-WORK")
    assert (event.action, event.note, event.actor_kind) == ("cancelled", "居民来电：已自行解决", "console_user")
    (told,) = worded(runtime.database, "resident_withdrawn", RESIDENT_OPENID)
    assert "G-WORK 已由工作人员按您的要求撤销" in told and "如果不是您要求撤销的" in told


def test_withdrawing_needs_to_say_how_the_resident_asked(app, runtime):
    response = post(logged_in(app, "admin"), "G-WORK", "withdraw", {"note": ""})
    assert response.status_code == 409 and "怎样要求撤销" in response.get_data(as_text=True)
    assert appeal(runtime.database, "G-WORK").status == AppealStatus.ACCEPTED
    assert notices(runtime.database, "resident_withdrawn") == []
