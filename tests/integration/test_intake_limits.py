"""Limits on intake: one openid can't file a thousand appeals, resending folds into the open appeal, and a burst
of task cards or escalations reaches each person as a few notices and one digest."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.settings import Settings, SettingsError
from bot.worker import schedule
from handlers import notifications, resident_texts, staff_texts
from handlers.conversation import IntakeLimits
from storage import dispatch, outbox, supervision
from storage.models import Appeal, AppealEvent, OutboxMessage, OutboxStatus, ProcessedMessage
from storage.notices import StaffDigest, StaffEscalated, StaffMerged, StaffNewAppeal, StaffReminder, StaffTaken
from tests.conftest import TEST_SECRET_KEY
from tests.support.personas import LI, WANG, ZHANG
from tests.support.worker import work

pytestmark = pytest.mark.postgres

CUSTOM_SEND = "/cgi-bin/message/custom/send"
TICKET = re.compile(r"G\d{10}")
ELEVATOR = "3号楼电梯坏了，物业一直不来修"
FLOOD = 1000
N = outbox.DIGEST_AFTER


def appeal_count(database) -> int:
    with database.transaction() as session:
        return session.scalar(select(func.count(Appeal.id)))


def rows_to(database, openid: str) -> dict[str, list[OutboxMessage]]:
    """The outbox rows to one person, by status."""
    with database.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_openid == openid)
                               .order_by(OutboxMessage.id)).all()
    found: dict[str, list[OutboxMessage]] = {}
    for row in rows:
        found.setdefault(row.status, []).append(row)
    return found


def templates(rows: list[OutboxMessage]) -> list[str]:
    return [row.template for row in rows]


def texts_to(fake_wechat, openid: str) -> list[str]:
    return [call["body"]["text"]["content"] for call in fake_wechat.calls(CUSTOM_SEND)
            if call["body"]["touser"] == openid]


def test_a_thousand_appeals_from_one_openid_file_ten_and_each_person_gets_n_notices_and_one_digest(
        wechat, worker_runtime, fake_wechat, clock):
    database = worker_runtime.database
    # No building named: one of another grid (5号楼) would be filed there (storage.said_places).
    replies = [wechat.send("o1", f"门口的{number}号路灯坏了，晚上走路看不见") for number in range(FLOOD)]

    assert appeal_count(database) == 10
    assert all(reply.startswith("已受理您的诉求") for reply in replies[:10])
    refusal = resident_texts.LIMIT_PER_HOUR.format(limit=10)
    assert set(replies[10:]) == {refusal} and "10 条" in refusal and "社区" in refusal

    # The attack ran in seconds; the worker's next round dispatches the ten.
    with database.transaction() as session:
        assert len(dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])) == 10
    for member in (ZHANG, LI):
        rows = rows_to(database, member)
        assert templates(rows[OutboxStatus.PENDING]) == ["staff_new_appeal"] * N + [StaffDigest.name]
        assert templates(rows[OutboxStatus.DIGESTED]) == ["staff_new_appeal"] * (10 - N)
        digest = json.loads(rows[OutboxStatus.PENDING][-1].params)
        assert (digest["count"], digest["new"]) == (10 - N, 10 - N)
        assert digest["tickets"] == [json.loads(row.params)["ticket"] for row in rows[OutboxStatus.DIGESTED]]

    # The 网格长 of a 抢单 grid oversees: all ten cards go into their digest of the quarter hour.
    rows = rows_to(database, WANG)
    assert templates(rows[OutboxStatus.PENDING]) == [StaffDigest.name]
    assert templates(rows[OutboxStatus.DIGESTED]) == ["staff_new_appeal"] * 10
    routine = json.loads(rows[OutboxStatus.PENDING][0].params)
    assert (routine["count"], routine["new"], routine["minutes"]) == (10, 10, 15)

    work(worker_runtime)  # the cards go now; each digest is due at the end of its minute
    assert all(len(texts_to(fake_wechat, member)) == N for member in (ZHANG, LI))
    assert texts_to(fake_wechat, WANG) == []
    clock.advance(minutes=1)
    work(worker_runtime)
    for member in (ZHANG, LI):
        received = texts_to(fake_wechat, member)
        assert len(received) == N + 1 and "我的任务" in received[-1] and f"另有 {10 - N} 条" in received[-1]

    clock.advance(minutes=1)  # two minutes after the flood nobody has claimed anything
    with database.transaction() as session:
        assert supervision.sweep(session, clock(), timedelta(minutes=2)).escalations == 10
    escalations = rows_to(database, WANG)[OutboxStatus.PENDING][1:]  # after the quarter's digest of the cards
    assert templates(escalations) == ["staff_escalated"] * N + [StaffDigest.name]
    assert json.loads(escalations[-1].params)["escalations"] == 10 - N
    assert templates(rows_to(database, WANG)[OutboxStatus.DIGESTED]).count("staff_escalated") == 10 - N
    clock.advance(minutes=1)
    work(worker_runtime)
    assert len(texts_to(fake_wechat, WANG)) == N + 1
    clock.advance(minutes=12)  # the quarter hour is over: the leader's digest of the ten cards
    work(worker_runtime)
    received = texts_to(fake_wechat, WANG)
    assert len(received) == N + 2 and received[-1].startswith("【本网格新任务汇总】")


def test_a_refusal_is_stored_with_the_message_key_and_wechat_retries_get_it_again(wechat, seeded):
    for number in range(10):
        wechat.send("o1", f"{number}号楼门口的路灯坏了")
    retried = wechat.server.text("o1", "11号楼门口的路灯坏了", create_time=wechat.now())
    first, again = wechat.deliver(retried), wechat.deliver(retried)
    assert first == again == resident_texts.LIMIT_PER_HOUR.format(limit=10)
    assert appeal_count(seeded) == 10
    with seeded.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedMessage)) == 11


def test_the_daily_limit_counts_the_last_24_hours(wechat, seeded, clock):
    for hour in range(3):
        for number in range(10):
            assert wechat.send("o1", f"{hour}-{number}号楼门口的路灯坏了").startswith("已受理")
        clock.advance(minutes=61)
    assert wechat.send("o1", "99号楼的井盖丢了") == resident_texts.LIMIT_PER_DAY.format(limit=30)
    clock.advance(hours=21, minutes=1)  # the first ten are more than 24 h old
    assert wechat.send("o1", "99号楼的井盖丢了").startswith("已受理")


def test_another_resident_is_not_held_back_by_a_flooding_neighbour(wechat, seeded):
    for number in range(11):
        wechat.send("o1", f"{number}号楼门口的路灯坏了")
    assert wechat.send("o5", "3号楼门口的路灯坏了").startswith("已受理")


def test_the_same_words_again_fold_into_the_open_appeal_and_staff_see_the_repeat(wechat, seeded, clock):
    ticket = TICKET.search(wechat.send("o1", ELEVATOR)).group(0)
    clock.advance(minutes=5)
    again = wechat.send("o1", "3号楼电梯坏了,物业一直不来修！！")
    assert again.startswith("您已反映过") and f"编号 {ticket}，正在办理" in again
    wechat.send("o1", ELEVATOR)  # a third time within the hour: answered the same, noted once
    assert appeal_count(seeded) == 1
    with seeded.transaction() as session:
        repeats = session.scalars(select(AppealEvent).where(AppealEvent.action == "repeated")).all()
        assert [(event.internal, event.note) for event in repeats] == [(True, "3号楼电梯坏了,物业一直不来修！！")]
        assert len(dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])) == 1  # one appeal, one set of cards
    shown = wechat.send(WANG, f"查询 {ticket}")
    assert staff_texts.EVENT_NAMES["repeated"] in shown
    assert "再次反映" not in wechat.send("o1", f"查询 {ticket}")  # internal: the resident's timeline is unchanged
    # Another building's lift is a new appeal, and so is the same words once the first is closed or a day old.
    assert wechat.send("o1", "5号楼电梯坏了，物业一直不来修").startswith("已受理")
    clock.advance(hours=24, minutes=1)
    assert wechat.send("o1", ELEVATOR).startswith("已受理")


def test_staff_reports_have_their_own_hourly_limit(wechat, runtime, seeded):
    runtime.understanding = replace(runtime.understanding, limits=IntakeLimits(reports_per_hour=2))
    for number in range(2):
        assert wechat.send(ZHANG, f"上报 {number}号楼门口垃圾堆放").startswith("已上报")
    assert wechat.send(ZHANG, "上报 9号楼门口垃圾堆放") == staff_texts.REPORT_LIMIT.format(limit=2)
    assert wechat.send(LI, "上报 9号楼门口垃圾堆放").startswith("已上报")
    assert appeal_count(seeded) == 3


def test_digests_follow_the_setting_and_count_cards_and_escalations_together(seeded, clock):
    seeded.session_info = outbox.session_info(2)
    with seeded.transaction() as session:
        cards = [StaffNewAppeal(ticket="G2611220000", category="物业服务", grid="幸福里社区·第一网格", content="电梯坏了"),
                 StaffEscalated(ticket="G2611220001", level=1), StaffReminder(ticket="G2611220002", due_at=clock()),
                 StaffTaken(ticket="G2611220003", by="李娜"), StaffEscalated(ticket="G2611220004", level=1)]
        for number, notice in enumerate(cards):
            outbox.add(session, key=f"k{number}", recipient_openid=ZHANG, notice=notice, now=clock())
    rows = rows_to(seeded, ZHANG)
    assert templates(rows[OutboxStatus.PENDING]) == ["staff_new_appeal", "staff_escalated", StaffDigest.name,
                                                     "staff_taken"]
    assert templates(rows[OutboxStatus.DIGESTED]) == ["staff_reminder", "staff_escalated"]
    (digest,) = [row for row in rows[OutboxStatus.PENDING] if row.template == StaffDigest.name]
    assert digest.next_attempt_at == clock().replace(second=0) + outbox.DIGEST_WINDOW
    assert json.loads(digest.params) | {"window_start": ""} == {
        "window_start": "", "count": 2, "tickets": ["G2611220002", "G2611220004"],
        "new": 0, "reminders": 1, "escalations": 1, "merged": 0, "overseen": 0, "minutes": 1}
    assert "办理提醒1条、督办1条" in notifications.render(digest.template, json.loads(digest.params))


def test_a_burst_of_merges_folds_into_the_digest_too(seeded, clock):
    """A 网格长 merging two dozen neighbours' reports of one lift in a minute: each member who held their cards
    heard of every merge one by one (24 messages); past the setting they are counted into the digest."""
    seeded.session_info = outbox.session_info(2)
    with seeded.transaction() as session:
        for number in range(5):
            outbox.add(session, key=f"m{number}", recipient_openid=ZHANG,
                       notice=StaffMerged(ticket=f"G261122000{number}", into="G2611229999"), now=clock())
    rows = rows_to(seeded, ZHANG)
    assert templates(rows[OutboxStatus.PENDING]) == ["staff_merged", "staff_merged", StaffDigest.name]
    (digest,) = [row for row in rows[OutboxStatus.PENDING] if row.template == StaffDigest.name]
    assert json.loads(digest.params)["merged"] == 3
    assert "已合并3条" in notifications.render(digest.template, json.loads(digest.params))


BASE_ENV = {"WECHAT_TOKEN": "t", "WECHAT_APPID": "wx1", "GRIDBOT_SECRET_KEY": TEST_SECRET_KEY}


def test_the_limits_are_read_from_the_environment(tmp_path):
    defaults = Settings.from_env(BASE_ENV)
    assert (defaults.appeals_per_hour, defaults.appeals_per_day, defaults.reports_per_hour,
            defaults.digest_after) == (10, 30, 60, 5)
    configured = Settings.from_env({**BASE_ENV, "GRIDBOT_APPEALS_PER_HOUR": "3", "GRIDBOT_APPEALS_PER_DAY": "5",
                                    "GRIDBOT_REPORTS_PER_HOUR": "7", "GRIDBOT_DIGEST_AFTER": "2",
                                    "GRIDBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert configured.intake_limits() == IntakeLimits(3, 5, 7)
    assert configured.open_database().session_info.items() >= outbox.session_info(2).items()


@pytest.mark.parametrize("env, words", [
    ({"GRIDBOT_APPEALS_PER_HOUR": "0"}, "GRIDBOT_APPEALS_PER_HOUR must be positive"),
    ({"GRIDBOT_APPEALS_PER_DAY": "ten"}, "GRIDBOT_APPEALS_PER_DAY must be a whole number"),
    ({"GRIDBOT_APPEALS_PER_HOUR": "40"}, "GRIDBOT_APPEALS_PER_DAY (30) must be at least GRIDBOT_APPEALS_PER_HOUR"),
    ({"GRIDBOT_DIGEST_AFTER": "-1"}, "GRIDBOT_DIGEST_AFTER must be positive"),
])
def test_a_bad_limit_is_refused_naming_the_variable(env, words):
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({**BASE_ENV, **env})
    assert words in str(refused.value)


def test_a_member_told_of_thirty_tasks_in_a_minute_hears_how_many_in_all_and_how_to_list_the_rest(seeded, clock):
    """Thirty 督办 at once (a worker back after an outage): five come one by one, the digest names ten of the other
    twenty-five, says how many it is about and how to page through them all."""
    tickets = [f"G26112200{number:02d}" for number in range(30)]
    with seeded.transaction() as session:
        for number, ticket in enumerate(tickets):
            outbox.add(session, key=f"e{number}", recipient_openid=ZHANG, notice=StaffEscalated(ticket=ticket, level=1),
                       now=clock())
    (digest,) = [row for row in rows_to(seeded, ZHANG)[OutboxStatus.PENDING] if row.template == StaffDigest.name]
    text = notifications.render(digest.template, json.loads(digest.params))

    assert "另有 25 条通知" in text and "、".join(tickets[N:N + 10]) in text and tickets[N + 10] not in text
    assert "共涉及 25 件，以上是前 10 件；回复“我的任务”查看全部待办（回复“更多”翻页）" in text


def test_a_grid_leaders_digest_of_others_late_tasks_names_overdue_not_my_tasks(seeded, clock):
    """督办 of the grid's tasks told to its 网格长: 我的任务 lists only their own, 超期 the grid's."""
    tickets = [f"G26112200{number:02d}" for number in range(30)]
    with seeded.transaction() as session:
        for number, ticket in enumerate(tickets):
            outbox.add(session, key=f"e{number}", recipient_openid=WANG,
                       notice=StaffEscalated(ticket=ticket, level=2, overseer=True), now=clock())
    (digest,) = [row for row in rows_to(seeded, WANG)[OutboxStatus.PENDING] if row.template == StaffDigest.name]
    text = notifications.render(digest.template, json.loads(digest.params))

    assert "共涉及 25 件，以上是前 10 件；回复“超期”查看全部超期和无人接单的任务（回复“更多”翻页）" in text
    assert "我的任务" not in text
