"""Each notice reaches its person once, by the channel WeChat allows: customer service in the window, else a template."""

import logging
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

import worker as worker_module
from bot.settings import Settings, SettingsError
from bot.web.app import create_app
from bot.web.runtime import Runtime
from bot.wechat.api import WeChatAPI, WeChatAPIError
from bot.worker import jobs, schedule
from handlers import notifications
from storage import outbox, windows
from storage.models import DeliveryChannel, OutboxStatus, ReplyWindow
from storage.notices import ResidentProgress, ResidentResolved, StaffNewAppeal, StaffTaken
from tests.conftest import TEST_SECRET_KEY
from tests.support.database import add_notice, outbox_row
from tests.support.personas import RESIDENT, ZHANG
from tests.support.worker import work

pytestmark = pytest.mark.postgres

CUSTOM_SEND = "/cgi-bin/message/custom/send"
TEMPLATE_SEND = "/cgi-bin/message/template/send"
STAFF = ZHANG
TICKET = "G2611220001"
TEMPLATE_IDS = {"resident_progress": "TPL-PROGRESS", "resident_resolved": "TPL-RESOLVED", "staff_new_appeal": "TPL-NEW"}
CS = DeliveryChannel.CUSTOMER_SERVICE
TEMPLATE = DeliveryChannel.TEMPLATE
# What the lifecycle writes, as example notices for the channel tests (every type's wording: tests/unit/test_notices.py).
PROGRESS = ResidentProgress(ticket=TICKET, note="已联系物业，明天上午维修电梯")
RESOLVED = ResidentResolved(ticket=TICKET, note="电梯已修好并通过检测，可以正常使用了", photo=True)
NEW_APPEAL = StaffNewAppeal(ticket=TICKET, category="物业服务", grid="幸福里社区·第一网格", home="阳光花园3号楼1单元",
                            content="3号楼电梯坏了，物业一直不来修",
                            resolve_due_at=datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc))
TAKEN = StaffTaken(ticket=TICKET, by="李娜")


@pytest.fixture
def worker(worker_runtime):
    """The worker runtime, with template ids for a few notices."""
    worker_runtime.settings = worker_runtime.settings.with_(template_ids=TEMPLATE_IDS)
    return worker_runtime


def notify(worker, key, notice=PROGRESS, openid=RESIDENT):
    """Write one outbox row the way the appeal lifecycle does; returns its id."""
    return add_notice(worker.database, key, notice, worker.clock(), openid)


# The tests here hold the worker runtime rather than its database.
def row(worker, outbox_id):
    return outbox_row(worker.database, outbox_id)


def sent_to(fake_wechat, path, openid=RESIDENT):
    return [call for call in fake_wechat.calls(path) if call["body"]["touser"] == openid]


def test_a_notice_inside_the_residents_window_goes_as_a_customer_service_message(wechat, worker, fake_wechat):
    wechat.send(RESIDENT, "你好")
    notice = notify(worker, "n1")
    work(worker)
    (call,) = sent_to(fake_wechat, CUSTOM_SEND)
    assert TICKET in call["body"]["text"]["content"] and "明天上午维修电梯" in call["body"]["text"]["content"]
    assert sent_to(fake_wechat, TEMPLATE_SEND) == []
    sent = row(worker, notice)
    assert (sent.status, sent.channel, sent.wechat_msgid) == (OutboxStatus.SENT, CS, None)


def test_the_sixth_notice_in_one_window_goes_as_a_template_message(wechat, worker, fake_wechat):
    wechat.send(RESIDENT, "你好")
    notices = [notify(worker, f"n{number}") for number in range(6)]
    work(worker)
    assert len(sent_to(fake_wechat, CUSTOM_SEND)) == 5
    (template,) = sent_to(fake_wechat, TEMPLATE_SEND)
    assert template["body"]["template_id"] == "TPL-PROGRESS"
    assert template["body"]["data"]["keyword1"]["value"] == TICKET
    assert [row(worker, notice).channel for notice in notices] == [CS] * 5 + [TEMPLATE]
    assert row(worker, notices[-1]).wechat_msgid is not None


def test_a_new_message_from_the_resident_gives_the_window_its_five_slots_again(wechat, worker, fake_wechat, clock):
    wechat.send(RESIDENT, "你好")
    for number in range(5):
        notify(worker, f"n{number}")
    work(worker)
    clock.advance(hours=30)
    wechat.send(RESIDENT, "谢谢")
    again = notify(worker, "again")
    work(worker)
    assert row(worker, again).channel == CS
    assert len(sent_to(fake_wechat, CUSTOM_SEND)) == 6 and sent_to(fake_wechat, TEMPLATE_SEND) == []


def test_forty_eight_hours_after_the_residents_last_message_notices_go_as_template_messages(
        wechat, worker, fake_wechat, clock):
    wechat.send(RESIDENT, "你好")
    clock.advance(hours=47, minutes=59)
    last_minute = notify(worker, "last-minute")
    work(worker)
    clock.advance(minutes=2)  # 48 h + 1 min after the message
    too_late = notify(worker, "too-late")
    work(worker)
    assert (row(worker, last_minute).channel, row(worker, too_late).channel) == (CS, TEMPLATE)
    assert len(sent_to(fake_wechat, CUSTOM_SEND)) == 1 and len(sent_to(fake_wechat, TEMPLATE_SEND)) == 1


def test_events_do_not_open_the_window(wechat, worker, fake_wechat):
    wechat.deliver(wechat.server.event(RESIDENT, "CLICK", "我的诉求", create_time=wechat.now()))
    notice = notify(worker, "n1")
    work(worker)
    assert row(worker, notice).channel == TEMPLATE and sent_to(fake_wechat, CUSTOM_SEND) == []


@pytest.mark.parametrize("errcode", [45015, 45047])
def test_a_closed_window_sends_the_template_in_the_same_job_and_stays_closed(
        wechat, worker, fake_wechat, errcode):
    wechat.send(RESIDENT, "你好")
    fake_wechat.fail(CUSTOM_SEND, errcode, times=1)
    first = notify(worker, "n1")
    schedule.tick(worker)
    assert jobs.deliver(first) == "sent"
    assert len(sent_to(fake_wechat, CUSTOM_SEND)) == 1 and len(sent_to(fake_wechat, TEMPLATE_SEND)) == 1
    sent = row(worker, first)
    assert (sent.status, sent.channel, sent.attempts) == (OutboxStatus.SENT, TEMPLATE, 1)
    second = notify(worker, "n2")
    work(worker)
    assert row(worker, second).channel == TEMPLATE
    assert len(sent_to(fake_wechat, CUSTOM_SEND)) == 1, "the closed window was tried again"


@pytest.mark.parametrize("errcode", [-1, 45009])
def test_a_transient_error_is_retried_later_by_the_same_channel(wechat, worker, fake_wechat, clock, errcode):
    wechat.send(RESIDENT, "你好")
    fake_wechat.fail(CUSTOM_SEND, errcode, times=1)
    notice = notify(worker, "n1")
    work(worker)
    waiting = row(worker, notice)
    assert (waiting.status, waiting.channel, waiting.attempts) == (OutboxStatus.PENDING, CS, 1)
    assert str(errcode) in waiting.last_error
    assert work(worker) == 0  # not due yet
    clock.advance(seconds=31)
    work(worker)
    assert row(worker, notice).status == OutboxStatus.SENT
    assert len(sent_to(fake_wechat, CUSTOM_SEND)) == 2 and sent_to(fake_wechat, TEMPLATE_SEND) == []
    with worker.database.transaction() as session:
        assert session.get_one(ReplyWindow, RESIDENT).sent_count == 1  # the retry used the slot it had


def test_a_timeout_is_retried_later(wechat, worker, fake_wechat, clock, redis_client):
    settings = worker.settings
    worker.api = WeChatAPI(settings.wechat_appid, settings.wechat_secret, redis_client,
                            base_url=fake_wechat.url, timeout=0.5)
    wechat.send(RESIDENT, "你好")
    fake_wechat.fail(CUSTOM_SEND, "timeout", times=1, delay=1.5)
    notice = notify(worker, "n1")
    work(worker)
    waiting = row(worker, notice)
    assert (waiting.status, waiting.channel) == (OutboxStatus.PENDING, CS) and "timed out" in waiting.last_error
    clock.advance(seconds=31)
    work(worker)
    assert row(worker, notice).status == OutboxStatus.SENT and sent_to(fake_wechat, TEMPLATE_SEND) == []


def test_without_a_template_id_a_notice_outside_the_window_fails_with_the_reason(worker_runtime, fake_wechat):
    notice = notify(worker_runtime, "n1")
    work(worker_runtime)
    failed = row(worker_runtime, notice)
    assert failed.status == OutboxStatus.FAILED and failed.channel == TEMPLATE
    assert failed.last_error == "no template id for resident_progress and the reply window is closed"
    assert sent_to(fake_wechat, CUSTOM_SEND) == [] and sent_to(fake_wechat, TEMPLATE_SEND) == []


def test_a_staff_notice_tries_customer_service_first_and_the_template_on_45015(worker, fake_wechat):
    first = notify(worker, "s1", NEW_APPEAL, STAFF)
    work(worker)
    fake_wechat.fail(CUSTOM_SEND, 45015, times=1)
    second = notify(worker, "s2", NEW_APPEAL, STAFF)
    work(worker)
    assert (row(worker, first).channel, row(worker, second).channel) == (CS, TEMPLATE)
    assert len(sent_to(fake_wechat, CUSTOM_SEND, STAFF)) == 2
    (template,) = sent_to(fake_wechat, TEMPLATE_SEND, STAFF)
    assert template["body"]["template_id"] == "TPL-NEW"
    assert template["body"]["data"]["keyword3"]["value"] == "阳光花园3号楼1单元"


def test_the_claim_gives_staff_rows_customer_service_and_a_retry_keeps_the_channel_it_had(worker, clock):
    staff, resident = notify(worker, "s1", NEW_APPEAL, STAFF), notify(worker, "r1")

    def claimed():
        with worker.database.transaction() as session:
            due = outbox.take_due(session, clock())
            rows = outbox.claim(session, due, clock(), None, customer_service=notifications.FOR_STAFF)
            return {delivery.id: delivery.channel for delivery in rows}

    assert claimed() == {staff: CS, resident: None}  # the resident's waits for a look at the window
    with worker.database.transaction() as session:
        outbox.record_channels(session, [outbox.Delivery(staff, STAFF, "staff_new_appeal", {}, 1, TEMPLATE),
                                         outbox.Delivery(resident, RESIDENT, "resident_progress", {}, 1, TEMPLATE)])
        for row_id in (staff, resident):
            outbox.retry_later(session, row_id, "errcode -1", clock())
    assert claimed() == {staff: TEMPLATE, resident: TEMPLATE}


def test_a_staff_notice_without_a_template_id_fails_on_a_closed_window_naming_both(worker_runtime, fake_wechat):
    fake_wechat.fail(CUSTOM_SEND, 45015, times=1)
    notice = notify(worker_runtime, "s1", TAKEN, STAFF)
    work(worker_runtime)
    failed = row(worker_runtime, notice)
    assert failed.status == OutboxStatus.FAILED
    assert failed.last_error.startswith("no template id for staff_taken and the reply window is closed (")
    assert "45015" in failed.last_error


def test_a_row_left_sending_by_a_dead_worker_is_failed_later_and_never_sent(worker, fake_wechat, clock):
    notice = notify(worker, "n1", TAKEN, STAFF)
    schedule.tick(worker)
    with worker.database.transaction() as session:
        assert outbox.claim(session, [notice], clock(), None)  # the worker dies right after this, before any mark
    clock.advance(minutes=9)
    assert work(worker) == 0 and row(worker, notice).status == OutboxStatus.SENDING
    clock.advance(minutes=2)
    assert work(worker) == 0
    failed = row(worker, notice)
    assert (failed.status, failed.last_error) == (OutboxStatus.FAILED, outbox.OUTCOME_UNKNOWN)
    assert jobs.deliver(notice) == "skipped"
    assert sent_to(fake_wechat, CUSTOM_SEND, STAFF) == []


def test_a_task_card_for_the_longest_appeal_reaches_wechat_cut_to_its_byte_limit(worker, fake_wechat):
    with worker.database.transaction() as session:
        outbox.add(session, key="long", recipient_openid=STAFF, notice=replace(NEW_APPEAL, content="电梯坏了" * 250),
                   now=worker.clock())
    work(worker)
    (call,) = sent_to(fake_wechat, CUSTOM_SEND, STAFF)
    assert call["response"]["errcode"] == 0
    content = call["body"]["text"]["content"]
    assert len(content.encode("utf-8")) <= notifications.TEXT_BYTE_LIMIT
    assert f"…（全文请回复“查询 {TICKET}”）" in content and f"接单 {TICKET}" in content


def test_the_fake_refuses_a_text_over_wechats_byte_limit_as_wechat_does(worker, fake_wechat):
    with pytest.raises(WeChatAPIError, match="45002"):
        worker.api.send_text(STAFF, "字" * 683)  # 2,049 bytes
    worker.api.send_text(STAFF, "字" * 682 + "a" * 2)  # 2,048 bytes


# --- wording and template data for every notice the lifecycle writes ----------------------------------------


def test_the_resolved_notice_asks_the_resident_to_rate_in_both_channels():
    params = RESOLVED.params()
    assert "回复 1 满意 / 2 基本满意 / 3 不满意" in notifications.render(RESOLVED.name, params)
    assert "照片" in notifications.render(RESOLVED.name, params)
    lines = [field["value"] for field in notifications.template_data(RESOLVED.name, params).values()]
    assert "回复1满意/2基本满意/3不满意" in lines


def test_a_long_note_is_cut_where_a_template_line_ends():
    params = {"ticket": TICKET, "note": "电梯已修好并通过检测，\n可以正常使用了，感谢您的耐心等待"}
    line = notifications.template_data("resident_progress", params)["keyword3"]["value"]
    assert line == "电梯已修好并通过检测， 可以正常使用了…"


# --- GRIDBOT_TEMPLATE_IDS ----------------------------------------------------------------------------------

BASE_ENV = {"WECHAT_TOKEN": "t", "WECHAT_APPID": "wx1", "GRIDBOT_SECRET_KEY": TEST_SECRET_KEY}


def test_template_ids_are_read_from_json():
    env = {**BASE_ENV, "GRIDBOT_TEMPLATE_IDS": '{"resident_resolved": " TPL-1 ", "staff_taken": "TPL-2"}'}
    assert dict(Settings.from_env(env).template_ids) == {"resident_resolved": "TPL-1", "staff_taken": "TPL-2"}
    assert dict(Settings.from_env(BASE_ENV).template_ids) == {}


@pytest.mark.parametrize("raw, words", [
    ("{resident_resolved: 1}", "not valid JSON"),
    ('["TPL-1"]', "JSON object"),
    ('{"resident_resolved": ""}', "JSON object"),
    ('{"resident_resovled": "TPL-1"}', "unknown templates: resident_resovled"),
])
def test_a_bad_template_id_setting_is_refused_naming_the_variable(raw, words):
    with pytest.raises(SettingsError, match="GRIDBOT_TEMPLATE_IDS") as refused:
        Settings.from_env({**BASE_ENV, "GRIDBOT_TEMPLATE_IDS": raw})
    assert words in str(refused.value)


def test_a_window_gives_five_slots_until_the_next_message_and_closes_on_request(worker, clock):
    with worker.database.transaction() as session:
        assert not windows.take_slot(session, RESIDENT, clock())
        windows.opened(session, RESIDENT, clock())
        assert [windows.take_slot(session, RESIDENT, clock()) for _ in range(6)] == [True] * 5 + [False]
        windows.opened(session, RESIDENT, clock() - timedelta(minutes=1))  # an older message arriving late
        assert not windows.take_slot(session, RESIDENT, clock())
        windows.opened(session, RESIDENT, clock())
        assert windows.take_slot(session, RESIDENT, clock())
        windows.close(session, RESIDENT)
        assert not windows.take_slot(session, RESIDENT, clock())


# --- one generic template for every resident notice (GRIDBOT_RESIDENT_TEMPLATE_ID) ---------------------------

GENERIC = "TPL-RESIDENT"


def test_outside_the_window_with_only_the_default_id_a_resident_notice_goes_as_the_generic_template(
        worker_runtime, fake_wechat, clock):
    worker_runtime.settings = worker_runtime.settings.with_(resident_template_id=GENERIC)
    notice = notify(worker_runtime, "n1")  # o1 has not written: no window
    clock.advance(minutes=3)  # the template tells when the step happened, not when it was sent
    work(worker_runtime)
    (template,) = sent_to(fake_wechat, TEMPLATE_SEND)
    assert template["body"]["template_id"] == GENERIC
    assert {name: field["value"] for name, field in template["body"]["data"].items()} == {
        "first": "您的诉求有新进展", "keyword1": TICKET, "keyword2": "进展：已联系物业，明天上午维修电梯",
        "keyword3": "11月22日 10:00", "remark": f"回复“查询 {TICKET}”可查看办理进度。"}
    sent = row(worker_runtime, notice)
    assert (sent.status, sent.channel) == (OutboxStatus.SENT, TEMPLATE) and sent.wechat_msgid


def test_a_notices_own_template_id_wins_over_the_default_and_staff_notices_do_not_use_it(worker, fake_wechat):
    worker.settings = worker.settings.with_(resident_template_id=GENERIC)
    own, default = notify(worker, "n1"), notify(worker, "n2", RESOLVED)
    fake_wechat.fail(CUSTOM_SEND, 45015, times=1)
    staff_notice = notify(worker, "s1", TAKEN, STAFF)
    work(worker)
    assert [call["body"]["template_id"] for call in sent_to(fake_wechat, TEMPLATE_SEND)] == ["TPL-PROGRESS", "TPL-RESOLVED"]
    assert [row(worker, n).status for n in (own, default)] == [OutboxStatus.SENT] * 2
    assert row(worker, staff_notice).status == OutboxStatus.FAILED


def test_the_generic_resolved_notice_still_asks_for_the_rating_in_a_line_that_is_shown():
    data = notifications.generic_template_data(RESOLVED.name, RESOLVED.params(), worker_clock_time())
    assert data["keyword2"]["value"] == "已办结，回复1满意/2基本满意/3不满意"


def worker_clock_time():
    return datetime(2026, 11, 22, 2, 0, tzinfo=timezone.utc)  # the test clock's start: 10:00 in Beijing


def test_the_default_template_id_is_read_and_checked():
    env = {**BASE_ENV, "GRIDBOT_RESIDENT_TEMPLATE_ID": " Ab-12_cd "}
    assert Settings.from_env(env).resident_template_id == "Ab-12_cd"
    assert Settings.from_env(BASE_ENV).resident_template_id is None
    with pytest.raises(SettingsError, match="GRIDBOT_RESIDENT_TEMPLATE_ID"):
        Settings.from_env({**BASE_ENV, "GRIDBOT_RESIDENT_TEMPLATE_ID": "not an id"})


def test_without_any_template_id_the_web_app_and_the_worker_warn_and_healthz_shows_it(
        settings, seeded, worker_runtime, caplog):
    caplog.set_level(logging.WARNING)
    client = create_app(runtime=Runtime(settings, database=seeded)).test_client()
    worker_module.main(worker_runtime.settings, burst=True)
    warnings = [record for record in caplog.records if "no template id" in record.getMessage()]
    assert [record.name for record in warnings] == ["bot.web.app", "worker"]
    assert "GRIDBOT_RESIDENT_TEMPLATE_ID" in warnings[0].getMessage()
    assert client.get("/healthz").get_data(as_text=True) == "ok"
    detail = client.get("/healthz?detail=1")
    assert detail.status_code == 200 and detail.json["status"] == "ok"
    (warning,) = detail.json["warnings"]
    resident_notices = sum(1 for name in notifications.NAMES if notifications.for_resident(name))
    assert f"{resident_notices} resident notice(s) have no template id" in warning and "GRIDBOT_RESIDENT_TEMPLATE_ID" in warning
    assert settings.wechat_token not in detail.get_data(as_text=True)


def test_with_the_default_template_id_there_is_nothing_to_warn_of(settings, seeded):
    configured = settings.with_(resident_template_id=GENERIC)
    client = create_app(runtime=Runtime(configured, database=seeded)).test_client()
    detail = client.get("/healthz?detail=1").json
    assert (detail["status"], detail["warnings"]) == ("ok", [])
    partly = settings.with_(template_ids={"resident_progress": "TPL-PROGRESS"})
    (warning,) = partly.warnings()
    resident_notices = sum(1 for name in notifications.NAMES if notifications.for_resident(name))
    assert warning.startswith(f"{resident_notices - 1} resident notice(s)") and "resident_progress" not in warning
