"""Delivering broadcast notices through RQ and the fake WeChat API: mass sends, template messages, WeChat's
answers (45065, 45009, 40130), job-finish events on the webhook, and the pace shared by workers."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
import redis as redis_lib
import requests
from sqlalchemy import select, update

from bot.rate import SharedRate
from bot.wechat.api import WeChatAPIError
from bot.wechat.fake_notices import MASS_SEND_PATH
from bot.wechat.simulator import WeChatServer
from bot.worker import notices, schedule
from bot.worker.runtime import WorkerRuntime, install
from storage import notice_planning, notice_records, notice_sending, windows
from storage.models import (
    BroadcastChunk,
    BroadcastRecipient,
    ChannelStop,
    ChunkStatus,
    NoticeAudience,
    Resident,
    ResidentStatus,
    Staff,
)
from storage.notice_planning import Limits, Request
from storage.tickets import LOCAL_ZONE
from tests.conftest import TEST_AES_KEY, TEST_APPID, TEST_TOKEN
from tests.support.personas import BUILDING_LEAD, NEIGHBOUR, NEXT_DOOR, RESIDENT, UNIT_NEIGHBOUR, ZHANG
from tests.support.races import second_while_first_open
from tests.support.worker import CUSTOM_SEND, with_redis_refusing, work

pytestmark = pytest.mark.postgres

FIRST_GRID = "幸福里社区/第一网格"
BUILDING_3 = "幸福里社区/第一网格/阳光花园/3号楼"
TEMPLATE_SEND = "/cgi-bin/message/template/send"
SERVICE = Limits()
GRID_PEOPLE = {RESIDENT, NEIGHBOUR, UNIT_NEIGHBOUR, NEXT_DOOR, BUILDING_LEAD}


def send(runtime: WorkerRuntime, limits: Limits = SERVICE, **asked) -> str:  # type: ignore[no-untyped-def]
    asked.setdefault("scope_path", FIRST_GRID)
    asked.setdefault("text", "本周六上午社区消防安全演练")
    with runtime.database.transaction() as session:
        planned = notice_planning.plan(session, Request(**asked), limits, runtime.clock())
        return notice_planning.store(session, planned, runtime.clock()).number


def progress(runtime: WorkerRuntime, number: str) -> notice_records.Progress:
    with runtime.database.transaction() as session:
        return notice_records.progress(session, notice_records.find(session, number))


def chunks(runtime: WorkerRuntime, number: str) -> list[BroadcastChunk]:
    with runtime.database.transaction() as session:
        notice = notice_records.find(session, number)
        found = session.scalars(select(BroadcastChunk).where(BroadcastChunk.broadcast_id == notice.id)).all()
        session.expunge_all()
        return list(found)


def with_template(runtime: WorkerRuntime) -> WorkerRuntime:
    settings = runtime.settings.with_(notice_template_id="tmpl-notice")
    changed = WorkerRuntime(settings, runtime.database, runtime.redis, runtime.api, runtime.clock)
    install(changed)
    return changed


def test_a_grid_notice_goes_out_as_one_mass_send_with_a_deterministic_clientmsgid(worker_runtime, fake_wechat):
    number = send(worker_runtime)
    work(worker_runtime)
    (call,) = fake_wechat.calls(MASS_SEND_PATH)
    assert set(call["body"]["touser"]) == GRID_PEOPLE and call["body"]["clientmsgid"] == f"{number}-1"
    assert "消防安全演练" in call["body"]["text"]["content"] and number in call["body"]["text"]["content"]
    shown = progress(worker_runtime, number)
    assert (shown.state, shown.sent, shown.percent, shown.by_channel["mass"]) == ("done", 5, 100, {"sent": 5, "failed": 0})


def test_a_chunk_redis_refused_goes_back_at_once_and_is_sent_at_the_next_round(worker_runtime, fake_wechat):
    number = send(worker_runtime)
    with pytest.raises(redis_lib.ConnectionError):
        schedule.relay_notices(with_redis_refusing(worker_runtime))
    assert [chunk.status for chunk in chunks(worker_runtime, number)] == [ChunkStatus.PENDING]
    work(worker_runtime)
    assert len(fake_wechat.calls(MASS_SEND_PATH)) == 1 and progress(worker_runtime, number).state == "done"


def test_a_mass_send_repeated_after_a_dead_worker_is_answered_45065_and_counted_once(worker_runtime, fake_wechat,
                                                                                      clock):
    number = send(worker_runtime)
    lease = timedelta(seconds=worker_runtime.settings.notice_lease_s)
    with worker_runtime.database.transaction() as session:  # a worker claims the chunk, sends, and dies
        (chunk_id,) = notice_sending.take_due(session, clock())
        claimed = notice_sending.claim(session, chunk_id, clock(), lease)
    assert claimed is not None
    first = worker_runtime.api.mass_send_text([o for _, o in claimed.recipients], "x",
                                              notice_sending.mass_key(number, 1))
    assert schedule.tick(worker_runtime) == 0  # still within the lease: nobody takes it over
    clock.advance(seconds=worker_runtime.settings.notice_lease_s + 1)
    work(worker_runtime)
    calls = fake_wechat.calls(MASS_SEND_PATH)
    assert [c["response"]["errcode"] for c in calls] == [0, 45065]
    (chunk,) = chunks(worker_runtime, number)
    assert (chunk.status, chunk.msg_id, chunk.attempts) == (ChunkStatus.DONE, first, 2)
    assert progress(worker_runtime, number).sent == 5


def test_45009_stops_the_channel_until_midnight_and_is_reported_not_retried(worker_runtime, fake_wechat, clock):
    number = send(worker_runtime)
    fake_wechat.fail(MASS_SEND_PATH, 45009, times=5)
    work(worker_runtime)
    work(worker_runtime)
    assert len(fake_wechat.calls(MASS_SEND_PATH)) == 1
    (chunk,) = chunks(worker_runtime, number)
    assert chunk.status == ChunkStatus.PENDING and chunk.due_at > clock()
    shown = progress(worker_runtime, number)
    assert shown.state == "sending" and "45009" in (shown.waiting_reason or "") and shown.sent == 0
    other = send(worker_runtime, scope_path="全部", text="另一条通知")  # planned past the stop, not into it
    assert chunks(worker_runtime, other)[0].due_at == chunk.due_at
    with worker_runtime.database.transaction() as session:  # open at midnight; an ordinary notice waits for 08:00
        until = session.get_one(ChannelStop, "mass").until
    assert until.astimezone(LOCAL_ZONE).hour == 0 and chunk.due_at == until + timedelta(hours=8)
    clock.current = chunk.due_at + timedelta(seconds=1)  # a new day, a new quota
    requests.delete(f"{fake_wechat.url}/_fake/fail", timeout=5).raise_for_status()
    work(worker_runtime)
    assert progress(worker_runtime, number).state == "done"


def test_a_mass_send_put_off_by_45009_into_the_next_month_counts_in_that_month(worker_runtime, fake_wechat, clock):
    clock.current = datetime(2026, 11, 30, 22, tzinfo=LOCAL_ZONE)  # the month's last evening
    number = send(worker_runtime)
    fake_wechat.fail(MASS_SEND_PATH, 45009, times=1)
    work(worker_runtime)
    (chunk,) = chunks(worker_runtime, number)
    assert chunk.due_at == datetime(2026, 12, 1, 8, tzinfo=LOCAL_ZONE)

    with worker_runtime.database.transaction() as session:
        months = set(session.scalars(select(BroadcastRecipient.mass_month)
                                     .where(BroadcastRecipient.chunk_id == chunk.id)))
        in_december = notice_planning.monthly_count(session, RESIDENT, chunk.due_at)

    assert months == {"202612"} and in_december == 1  # one of December's four, which planning counts


def chunk_recipients(runtime: WorkerRuntime, number: str) -> dict[str, tuple[str, str | None, str | None]]:
    """openid -> (status, reason, mass month) of the notice's one chunk."""
    (chunk,) = chunks(runtime, number)
    with runtime.database.transaction() as session:
        rows = session.execute(select(BroadcastRecipient.openid, BroadcastRecipient.status,
                                      BroadcastRecipient.reason, BroadcastRecipient.mass_month)
                               .where(BroadcastRecipient.chunk_id == chunk.id)).all()
    return {openid: (status, reason, month) for openid, status, reason, month in rows}


MONTHS_LAST_EVENING = datetime(2026, 11, 30, 22, tzinfo=LOCAL_ZONE)
NEXT_MORNING = datetime(2026, 12, 1, 9, 30, tzinfo=LOCAL_ZONE)


def test_a_mass_send_a_worker_outage_carried_into_the_next_month_counts_in_that_month(worker_runtime, fake_wechat,
                                                                                       clock):
    clock.current = MONTHS_LAST_EVENING  # and the worker is down until the next morning
    number = send(worker_runtime)
    clock.current = NEXT_MORNING

    work(worker_runtime)

    assert chunk_recipients(worker_runtime, number) == dict.fromkeys(GRID_PEOPLE, ("sent", None, "202612"))


def test_a_mass_send_a_worker_outage_carried_into_the_next_month_skips_whom_that_month_has_four_for(
        worker_runtime, fake_wechat, clock):
    clock.current = MONTHS_LAST_EVENING
    number = send(worker_runtime)
    for count in range(4):  # 3号楼's December is planned already
        send(worker_runtime, scope_path=BUILDING_3, text=f"十二月第{count + 1}次通知",
             send_at=datetime(2026, 12, 1, 9, tzinfo=LOCAL_ZONE))
    clock.current = NEXT_MORNING

    work(worker_runtime)

    rows = chunk_recipients(worker_runtime, number)
    assert {openid: rows[openid][:2] for openid in GRID_PEOPLE - {NEXT_DOOR}} == dict.fromkeys(
        GRID_PEOPLE - {NEXT_DOOR}, ("skipped", "monthly_quota"))  # a fifth in December, which WeChat drops
    assert rows[NEXT_DOOR][:2] == ("skipped", "alone")  # left alone for a mass send (no template configured)
    assert not any(call["body"]["clientmsgid"].startswith(number) for call in fake_wechat.calls(MASS_SEND_PATH))


def test_an_evenings_notice_a_worker_down_overnight_finds_at_3_am_waits_for_the_morning(worker_runtime, fake_wechat,
                                                                                           clock):
    clock.current = datetime(2026, 12, 6, 21, tzinfo=LOCAL_ZONE)  # and the worker is down from now
    ordinary = send(worker_runtime)
    urgent = send(worker_runtime, scope_path=BUILDING_3, text="3号楼今晚停水抢修", urgent=True, kind="停水")
    clock.current = datetime(2026, 12, 7, 3, tzinfo=LOCAL_ZONE)  # back in the night

    work(worker_runtime)

    sent = {call["body"]["clientmsgid"].split("-")[0] for call in fake_wechat.calls(MASS_SEND_PATH)}
    assert sent == {urgent}  # a water cut is worth waking for; a fire drill is not
    clock.current = datetime(2026, 12, 7, 8, tzinfo=LOCAL_ZONE)
    work(worker_runtime)
    assert progress(worker_runtime, ordinary).state == "done"


def test_a_notice_an_operator_set_for_the_night_still_goes_at_its_time(worker_runtime, fake_wechat, clock):
    number = send(worker_runtime, send_at=datetime(2026, 11, 23, 2, tzinfo=LOCAL_ZONE))
    clock.current = datetime(2026, 11, 23, 2, 1, tzinfo=LOCAL_ZONE)

    work(worker_runtime)

    assert progress(worker_runtime, number).state == "done"


def test_a_mass_send_refused_with_40130_fails_the_chunk_with_the_reason(worker_runtime, fake_wechat):
    # A list of one is never sent now (test_a_mass_send_left_with_one_person_is_not_attempted); WeChat refusing
    # a list all the same is still a failure of the chunk, with its reason.
    number = send(worker_runtime, scope_path=BUILDING_3)
    fake_wechat.fail(MASS_SEND_PATH, 40130, times=1)
    work(worker_runtime)
    (call,) = fake_wechat.calls(MASS_SEND_PATH)
    assert call["response"]["errcode"] == 40130
    (chunk,) = chunks(worker_runtime, number)
    assert chunk.status == ChunkStatus.FAILED and "40130" in (chunk.last_error or "")
    shown = progress(worker_runtime, number)
    assert (shown.state, shown.failed, shown.sent) == ("done", 4, 0)


def test_an_urgent_notice_goes_by_template_with_a_key_per_person_and_a_link_to_the_full_text(worker_runtime,
                                                                                             fake_wechat):
    runtime = with_template(worker_runtime)
    number = send(runtime, Limits(template_id="tmpl-notice"), scope_path=BUILDING_3, urgent=True, kind="停水",
                  text="3号楼明天上午8点至下午6点停水，请提前储水，抢修完成后恢复供水")
    work(runtime)
    calls = fake_wechat.calls(TEMPLATE_SEND)
    assert {c["body"]["touser"] for c in calls} == {RESIDENT, NEIGHBOUR, UNIT_NEIGHBOUR, BUILDING_LEAD}
    assert len({c["body"]["client_msg_id"] for c in calls}) == 4
    body = calls[0]["body"]
    assert body["url"].endswith(f"/n/{number}") and len(body["data"]["keyword2"]["value"]) <= 20
    assert "停水" in body["data"]["keyword1"]["value"]
    shown = progress(runtime, number)
    assert (shown.state, shown.by_channel["template"]["sent"]) == ("done", 4)


def test_a_scheduled_notices_template_shows_the_time_it_goes_not_when_it_was_written(worker_runtime, fake_wechat,
                                                                                     clock):
    runtime = with_template(worker_runtime)
    send(runtime, Limits(template_id="tmpl-notice"), scope_path=BUILDING_3, urgent=True, kind="停水",
         text="3号楼明天上午8点至下午6点停水", send_at=clock() + timedelta(hours=10))
    clock.advance(hours=10)
    work(runtime)
    calls = fake_wechat.calls(TEMPLATE_SEND)
    goes = f"{clock().astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}"
    assert calls and {c["body"]["data"]["keyword3"]["value"] for c in calls} == {goes}


def test_residents_who_opted_out_or_unfollowed_before_a_scheduled_notice_goes_do_not_get_it(worker_runtime,
                                                                                            fake_wechat, clock):
    number = send(worker_runtime, send_at=clock() + timedelta(hours=2))
    with worker_runtime.database.transaction() as session:
        session.execute(update(Resident).where(Resident.openid == NEIGHBOUR).values(notices_opted_out_at=clock()))
        session.execute(update(Resident).where(Resident.openid == UNIT_NEIGHBOUR)
                        .values(status=ResidentStatus.INACTIVE))
    clock.advance(hours=3)
    work(worker_runtime)
    (call,) = fake_wechat.calls(MASS_SEND_PATH)
    assert set(call["body"]["touser"]) == GRID_PEOPLE - {NEIGHBOUR, UNIT_NEIGHBOUR}
    shown = progress(worker_runtime, number)
    assert (shown.sent, shown.skipped_why) == (3, {"opted_out": 1, "unfollowed": 1})


def test_a_resident_who_moved_out_of_the_scope_before_a_scheduled_notice_goes_does_not_get_it(worker_runtime,
                                                                                               fake_wechat, clock):
    """3号楼's water cut, planned at 20:00 for the morning, is no news to a neighbour who moved to 1号楼 at 22:00."""
    number = send(worker_runtime, scope_path=BUILDING_3, text="3号楼明天上午停水检修", send_at=clock() + timedelta(hours=2))
    with worker_runtime.database.transaction() as session:
        elsewhere = session.scalar(select(Resident.building_id).where(Resident.openid == NEXT_DOOR))
        session.execute(update(Resident).where(Resident.openid == NEIGHBOUR).values(building_id=elsewhere))
    clock.advance(hours=3)
    work(worker_runtime)
    (call,) = fake_wechat.calls(MASS_SEND_PATH)
    assert NEIGHBOUR not in call["body"]["touser"] and RESIDENT in call["body"]["touser"]
    assert progress(worker_runtime, number).skipped_why == {"moved": 1}


def test_residents_of_a_building_the_ledger_dropped_get_the_grids_notice_the_preview_counted_them_for(
        worker_runtime, fake_wechat):
    """`import org --prune` dropped 1号楼; its resident still lives there and still belongs to the grid."""
    from storage.models import Building

    with worker_runtime.database.transaction() as session:
        session.execute(update(Building).where(Building.compound == "阳光花园", Building.name == "1号楼")
                        .values(active=False))
    number = send(worker_runtime)
    work(worker_runtime)
    (call,) = fake_wechat.calls(MASS_SEND_PATH)
    assert set(call["body"]["touser"]) == GRID_PEOPLE  # NEXT_DOOR, of 1号楼, too: not skipped as moved away
    assert progress(worker_runtime, number).skipped_why == {}


def test_a_mass_send_left_with_one_person_is_not_attempted(worker_runtime, fake_wechat, clock):
    """WeChat refuses a mass list of one (40130): the last one is skipped as planning skips a lone person."""
    number = send(worker_runtime, send_at=clock() + timedelta(hours=2))
    with worker_runtime.database.transaction() as session:
        session.execute(update(Resident).where(Resident.openid.in_(GRID_PEOPLE - {RESIDENT}))
                        .values(notices_opted_out_at=clock()))
        session.execute(update(Staff).where(Staff.openid == BUILDING_LEAD).values(active=False))
    clock.advance(hours=3)
    work(worker_runtime)
    assert fake_wechat.calls(MASS_SEND_PATH) == []
    shown = progress(worker_runtime, number)
    assert (shown.state, shown.failed, shown.skipped_why) == ("done", 0, {"opted_out": 3, "staff_left": 1, "alone": 1})


def test_a_mass_send_left_with_one_person_reaches_them_by_template_when_the_account_has_one(worker_runtime,
                                                                                            fake_wechat, clock):
    """Planning sends a lone person a template message; a scheduled send left with one does the same."""
    runtime = with_template(worker_runtime)
    number = send(runtime, Limits(template_id="tmpl-notice"), send_at=clock() + timedelta(hours=2))
    with runtime.database.transaction() as session:
        session.execute(update(Resident).where(Resident.openid.in_(GRID_PEOPLE - {RESIDENT}))
                        .values(notices_opted_out_at=clock()))
        session.execute(update(Staff).where(Staff.openid == BUILDING_LEAD).values(active=False))
    clock.advance(hours=3)
    work(runtime)
    assert fake_wechat.calls(MASS_SEND_PATH) == []
    assert [call["body"]["touser"] for call in fake_wechat.calls(TEMPLATE_SEND)] == [RESIDENT]
    shown = progress(runtime, number)
    assert (shown.state, shown.sent, shown.by_channel["template"]["sent"]) == ("done", 1, 1)
    assert shown.skipped_why == {"opted_out": 3, "staff_left": 1}


def test_staff_who_left_before_a_scheduled_staff_notice_goes_do_not_get_it(worker_runtime, fake_wechat, clock):
    runtime = with_template(worker_runtime)
    number = send(runtime, Limits(template_id="tmpl-notice"), audience=NoticeAudience.STAFF, text="周五下午网格员例会",
                  send_at=clock() + timedelta(hours=2))
    with runtime.database.transaction() as session:
        session.execute(update(Staff).where(Staff.openid == ZHANG).values(active=False))
    clock.advance(hours=3)
    work(runtime)
    assert ZHANG not in {call["body"]["touser"] for call in fake_wechat.calls(TEMPLATE_SEND)}
    assert progress(runtime, number).skipped_why == {"staff_left": 1}


def test_a_cancelled_notice_sends_nothing_more(worker_runtime, fake_wechat, clock):
    number = send(worker_runtime, send_at=clock() + timedelta(hours=2))
    with worker_runtime.database.transaction() as session:
        assert notice_records.cancel(session, notice_records.find(session, number), clock()) == 5
    clock.advance(hours=3)
    work(worker_runtime)
    assert fake_wechat.calls(MASS_SEND_PATH) == []
    shown = progress(worker_runtime, number)
    assert (shown.state, shown.skipped, shown.skipped_why) == ("cancelled", 5, {"cancelled": 5})


def test_masssendjobfinish_on_the_webhook_records_wechats_counts_once(worker_runtime, fake_wechat, wechat):
    number = send(worker_runtime)
    work(worker_runtime)
    (chunk,) = chunks(worker_runtime, number)
    server = WeChatServer(TEST_TOKEN, TEST_APPID, TEST_AES_KEY)
    fields = {"MsgID": chunk.msg_id, "Status": "send success", "TotalCount": "5", "FilterCount": "4",
              "SentCount": "4", "ErrorCount": "0"}
    for _ in range(2):  # WeChat may repeat it
        assert wechat.deliver(server.platform_event("mphelper", "MASSSENDJOBFINISH", fields)) is None
    shown = progress(worker_runtime, number)
    assert (shown.sent, shown.filtered, shown.failed, shown.recipients) == (4, 1, 0, 5)


def test_two_workers_share_one_pace(redis_client):
    slept: list[float] = []
    now = [1000.0]
    first, second = (SharedRate(redis_client, "template", 3, 1.0, sleep=lambda s: (slept.append(s),
                                                                                 now.__setitem__(0, now[0] + s)),
                                clock=lambda: now[0]) for _ in range(2))
    for rate in (first, second, first):
        rate.wait()
    assert slept == []
    second.wait()  # the fourth call of the second: the window is full for both
    assert len(slept) == 1 and now[0] >= 1001.0


def test_staff_notices_reach_staff_by_template_outside_their_window(worker_runtime, fake_wechat):
    runtime = with_template(worker_runtime)
    number = send(runtime, Limits(template_id="tmpl-notice"), audience=NoticeAudience.STAFF, text="周五下午网格员例会")
    work(runtime)
    assert len(fake_wechat.calls(TEMPLATE_SEND)) == 4 and progress(runtime, number).sent == 4  # 3 + the 楼长


def test_a_building_lead_in_their_window_is_asked_to_reply_relayed_and_grid_staff_are_not(worker_runtime, fake_wechat,
                                                                                            clock):
    with worker_runtime.database.transaction() as session:
        for openid in (BUILDING_LEAD, ZHANG):
            windows.opened(session, openid, clock())
    number = send(worker_runtime, audience=NoticeAudience.ALL, text="周五下午消防通道清理")
    work(worker_runtime)
    read = {call["body"]["touser"]: call["body"]["text"]["content"] for call in fake_wechat.calls(CUSTOM_SEND)}
    assert read[BUILDING_LEAD].endswith(f"请回复“已转达 {number}”）")
    assert read[ZHANG].endswith(f"（通知编号 {number}）") and "已转达" not in read[ZHANG]


def test_a_building_lead_is_not_asked_to_pass_a_staff_only_notice_on_to_neighbours(worker_runtime, fake_wechat, clock):
    with worker_runtime.database.transaction() as session:
        windows.opened(session, BUILDING_LEAD, clock())
    number = send(worker_runtime, audience=NoticeAudience.STAFF, text="周五下午网格员和楼长例会")
    work(worker_runtime)
    (call,) = [c for c in fake_wechat.calls(CUSTOM_SEND) if c["body"]["touser"] == BUILDING_LEAD]
    assert call["body"]["text"]["content"].endswith(f"（通知编号 {number}）")


def test_a_staff_only_notice_has_no_public_page_to_guess_and_its_templates_link_nowhere(worker_runtime, fake_wechat,
                                                                                        client):
    runtime = with_template(worker_runtime)
    number = send(runtime, Limits(template_id="tmpl-notice"), audience=NoticeAudience.STAFF, text="周五下午网格员例会")
    work(runtime)
    assert progress(runtime, number).state == "done"
    # Numbers are sequential: someone walking /n/N… must not read what was meant for staff only.
    assert client.get(f"/n/{number}").status_code == 404
    assert "网格员例会" not in client.get(f"/n/{number}").get_data(as_text=True)
    assert all(not call["body"].get("url") for call in fake_wechat.calls(TEMPLATE_SEND))
    remarks = {call["body"]["data"]["remark"]["value"] for call in fake_wechat.calls(TEMPLATE_SEND)}
    assert remarks == {f"回复“{number}”查看全文"}  # nothing to click: its readers send the number back
    # WeChat no longer shows the remark (2023): a line it shows says so, whole within its 20 characters.
    categories = {call["body"]["data"]["keyword1"]["value"] for call in fake_wechat.calls(TEMPLATE_SEND)}
    assert categories == {f"通知（回复{number}看全文）"} and len(categories.pop()) <= 20


def test_the_public_page_shows_the_full_text_once_sent_and_nothing_about_recipients(worker_runtime, client):
    number = send(worker_runtime, text="3号楼明天停水<b>检修</b>，请储水")
    assert client.get(f"/n/{number}").status_code == 404  # stored, not sent yet
    work(worker_runtime)
    page = client.get(f"/n/{number}").get_data(as_text=True)
    assert "3号楼明天停水&lt;b&gt;检修&lt;/b&gt;，请储水" in page and number in page
    assert not any(openid in page for openid in GRID_PEOPLE)
    assert client.get("/n/N2611229999").status_code == 404


def test_a_web_address_in_a_notice_is_a_link_on_its_page(worker_runtime, client):
    number = send(worker_runtime, text="停水安排详见 https://example.gov.cn/n?id=12&from=wx，请关注<b>")
    work(worker_runtime)
    page = client.get(f"/n/{number}").get_data(as_text=True)
    address = "https://example.gov.cn/n?id=12&amp;from=wx"
    assert f'<a href="{address}" rel="noopener noreferrer">{address}</a>，请关注&lt;b&gt;' in page


def test_a_chunk_whose_worker_died_sends_nothing_more_once_its_notice_is_cancelled(worker_runtime, fake_wechat, clock):
    number = send(worker_runtime)
    with worker_runtime.database.transaction() as session:  # a worker claims the chunk and dies before its call
        (chunk_id,) = notice_sending.take_due(session, clock())
        assert notice_sending.claim(session, chunk_id, clock(), timedelta(seconds=5)) is not None
        notice_records.cancel(session, notice_records.find(session, number), clock())
    clock.advance(seconds=6)
    work(worker_runtime)
    assert fake_wechat.calls(MASS_SEND_PATH) == []
    shown = progress(worker_runtime, number)
    assert (shown.state, shown.skipped, chunks(worker_runtime, number)[0].status) == ("cancelled", 5, "cancelled")


def test_two_workers_claiming_one_chunk_at_once_leave_it_to_exactly_one(worker_runtime, clock):
    send(worker_runtime)
    with worker_runtime.database.transaction() as session:
        (chunk_id,) = notice_sending.take_due(session, clock())
    barrier, claimed = threading.Barrier(2), []

    def claim() -> None:
        barrier.wait()
        with worker_runtime.database.transaction() as session:
            claimed.append(notice_sending.claim(session, chunk_id, clock(), timedelta(seconds=60)))

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(work is not None for work in claimed) == [False, True]


def test_a_worker_whose_chunk_was_taken_over_fails_nothing_of_the_new_attempt(worker_runtime, clock):
    # A worker silent past its lease (a long stall) is taken over; when it then met an error it failed the chunk and
    # every recipient not yet sent, under the attempt now sending them: they never got the notice.
    number = send(worker_runtime)
    lease = timedelta(seconds=60)
    with worker_runtime.database.transaction() as session:
        (chunk_id,) = notice_sending.take_due(session, clock())
    with worker_runtime.database.transaction() as session:
        stalled = notice_sending.claim(session, chunk_id, clock(), lease)
    clock.advance(seconds=61)
    with worker_runtime.database.transaction() as session:
        assert notice_sending.take_due(session, clock()) == [chunk_id]
    with worker_runtime.database.transaction() as session:
        taken_over = notice_sending.claim(session, chunk_id, clock(), lease)
    assert stalled is not None and taken_over is not None and taken_over.attempt == stalled.attempt + 1
    refused = WeChatAPIError("invalid openid list", errcode=40130)
    assert notices._after_failure(worker_runtime, stalled, refused) == "failed"  # the stalled worker wakes to this
    (chunk,) = chunks(worker_runtime, number)
    assert (chunk.status, chunk.last_error) == (ChunkStatus.SENDING, None)
    assert progress(worker_runtime, number).failed == 0


def test_the_last_two_chunks_finishing_at_once_on_two_workers_end_the_notice(worker_runtime, clock, monkeypatch):
    # Each finish looked for chunks still open before the other had committed (PostgreSQL): each saw the other's,
    # and the notice stayed 发送中 for ever (never forgotten, still 撤回-able after everyone had it).
    monkeypatch.setattr(notice_planning, "BATCH", 2)  # template messages two a chunk: two chunks for 4 people
    runtime = with_template(worker_runtime)
    number = send(runtime, Limits(template_id="tmpl-notice"), scope_path=BUILDING_3, urgent=True, kind="停水",
                  text="3号楼明天上午8点至下午6点停水，请提前储水")
    with runtime.database.transaction() as session:
        ids = notice_sending.take_due(session, clock())
    works = []
    for chunk_id in ids:
        with runtime.database.transaction() as session:
            works.append(notice_sending.claim(session, chunk_id, clock(), timedelta(seconds=60)))
    assert len(works) == 2 and all(works)

    def finish(work):
        return lambda session: notice_sending.finish(session, work.chunk_id, work.attempt, clock())

    assert second_while_first_open(runtime.database, finish(works[0]), finish(works[1])) == ("done", "done")
    assert progress(runtime, number).state == "done"


def recipient_rows(runtime: WorkerRuntime, number: str) -> int:
    with runtime.database.transaction() as session:
        notice = notice_records.find(session, number)
        return len(session.scalars(select(BroadcastRecipient.id)
                                   .where(BroadcastRecipient.broadcast_id == notice.id)).all())


def test_a_notice_that_ended_long_ago_keeps_its_counts_when_its_recipients_are_forgotten(worker_runtime, clock,
                                                                                         monkeypatch):
    old = send(worker_runtime)
    work(worker_runtime)
    before = progress(worker_runtime, old)
    assert (before.state, before.recipients, before.recipients_forgotten) == ("done", 5, False)
    clock.advance(days=300)
    recent = send(worker_runtime, text="下周一上午停水")
    work(worker_runtime)
    clock.advance(days=64)
    assert schedule.forget_old_recipients(worker_runtime) == 0  # the first ended 364 days ago
    clock.advance(days=2)
    monkeypatch.setattr(notice_records, "FORGET_BATCH", 2)  # a batch at a time: the schedule comes back for the rest
    assert schedule.forget_old_records(worker_runtime) is True
    assert [schedule.forget_old_recipients(worker_runtime) for _ in range(3)] == [2, 1, 0]
    assert recipient_rows(worker_runtime, old) == 0 and recipient_rows(worker_runtime, recent) == 5
    assert progress(worker_runtime, old) == replace(before, recipients_forgotten=True)
    assert not progress(worker_runtime, recent).recipients_forgotten
    off = WorkerRuntime(worker_runtime.settings.with_(notice_keep_days=None), worker_runtime.database,
                        worker_runtime.redis, worker_runtime.api, worker_runtime.clock)
    clock.advance(days=3650)
    assert schedule.forget_old_recipients(off) == 0 and recipient_rows(worker_runtime, recent) == 5


def test_two_workers_forgetting_at_once_leave_one_notice_to_one_and_its_tally_whole(worker_runtime, clock,
                                                                                    monkeypatch):
    if worker_runtime.database.engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one transaction at a time write: the second waits for the first")
    number = send(worker_runtime)
    work(worker_runtime)
    before = progress(worker_runtime, number)
    clock.advance(days=366)
    monkeypatch.setattr(notice_records, "FORGET_BATCH", 2)
    cutoff = clock() - timedelta(days=365)
    # The executor outside the transaction: were the other worker to wait for the lock, the timeout ends the test
    # (and the transaction) instead of both waiting for ever.
    with ThreadPoolExecutor(1) as other_worker, worker_runtime.database.transaction() as session:
        assert notice_records.forget_recipients(session, cutoff, 2) == 2
        skipped = other_worker.submit(schedule.forget_old_recipients, worker_runtime)
        assert skipped.result(timeout=10) == 0  # the notice is locked: the other skips it, it does not wait
    assert [schedule.forget_old_recipients(worker_runtime) for _ in range(3)] == [2, 1, 0]
    assert progress(worker_runtime, number) == replace(before, recipients_forgotten=True)



def test_a_notice_cancelled_after_part_of_it_went_tells_its_readers_it_was_withdrawn(worker_runtime, fake_wechat,
                                                                                    client, clock, monkeypatch):
    monkeypatch.setattr(notice_planning, "BATCH", 2)  # four recipients in two chunks, one a day
    runtime = with_template(worker_runtime)
    number = send(runtime, Limits(template_id="tmpl-notice", templates_per_day=2), scope_path=BUILDING_3,
                  urgent=True, kind="停水", text="3号楼明天上午停水，请提前储水")
    work(runtime)  # today's two templates go; the rest wait for tomorrow's quota
    assert len(fake_wechat.calls(TEMPLATE_SEND)) == 2
    with runtime.database.transaction() as session:
        notice_records.cancel(session, notice_records.find(session, number), clock())
    # The two who got it follow its link: the page says it was withdrawn, and no longer repeats the text.
    answer = client.get(f"/n/{number}")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 410 and "已撤回" in page and number in page and "储水" not in page


def test_a_notice_cancelled_before_anything_went_stays_not_found(worker_runtime, client, clock):
    number = send(worker_runtime, send_at=clock() + timedelta(hours=2))
    with worker_runtime.database.transaction() as session:
        notice_records.cancel(session, notice_records.find(session, number), clock())
    assert client.get(f"/n/{number}").status_code == 404


@pytest.mark.parametrize("path", ["/n/", "/media/", "/nothing-here", "/wechat/extra"])
def test_an_address_nothing_answers_says_so_in_chinese(client, path):
    answer = client.get(path)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 404 and "页面不存在" in page and "Not Found" not in page


def test_small_notices_that_ended_long_ago_are_forgotten_one_after_another_not_one_an_hour(worker_runtime, clock):
    first = send(worker_runtime)
    second = send(worker_runtime, text="下周一上午停水")
    work(worker_runtime)
    clock.advance(days=400)

    assert schedule.forget_old_records(worker_runtime) is True  # the first notice's 5 rows: the next may wait too
    assert recipient_rows(worker_runtime, first) == 0 and recipient_rows(worker_runtime, second) == 5
    assert schedule.forget_old_records(worker_runtime) is True
    assert schedule.forget_old_records(worker_runtime) is False  # nothing left: back in an hour
    assert recipient_rows(worker_runtime, second) == 0
