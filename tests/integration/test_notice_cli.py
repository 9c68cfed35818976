"""`gridbot notice send|status|list|cancel` as operators and scripts use them."""

from __future__ import annotations

import getpass
import json
import re
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from bot.cli.gridbot import main
from storage import notice_records
from storage.models import Broadcast, BroadcastRecipient, NoticeState, RecipientStatus, Resident
from storage.tickets import LOCAL_ZONE
from tests.support.personas import NEIGHBOUR
from tests.support.worker import work

pytestmark = pytest.mark.postgres

NUMBER = re.compile(r"N\d{10}")
GRID = "幸福里社区/第一网格"


def gridbot(database_url, clock, *args, env=None, stdin=None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), obj=clock, input=stdin,
                              env={"GRIDBOT_DATABASE_URL": database_url, **(env or {})})


def stored(database) -> int:  # type: ignore[no-untyped-def]
    with database.transaction() as session:
        return session.scalar(select(func.count()).select_from(Broadcast)) or 0


def test_send_with_yes_prints_the_number_and_the_preview_and_the_worker_sends_it(worker_runtime, database_url,
                                                                                   clock, fake_wechat):
    result = gridbot(database_url, clock, "notice", "send", "--scope", GRID, "--text", "周六上午消防演练", "--yes")
    assert result.exit_code == 0, result.output
    number = NUMBER.search(result.output).group(0)
    assert "群发：5 人（1 批）" in result.output
    work(worker_runtime)
    status = gridbot(database_url, clock, "notice", "status", number, "--json")
    shown = json.loads(status.output)
    assert list(shown) == ["number", "state", "recipients", "sent", "filtered", "failed", "skipped",
                           "confirmed_by_building_leads", "by_channel", "cancelled_at", "cancelled_by",
                           "cancelled_by_login"]
    assert (shown["number"], shown["state"], shown["sent"], shown["recipients"]) == (number, "done", 5, 5)
    assert shown["by_channel"] == {"mass": {"sent": 5, "failed": 0}, "template": {"sent": 0, "failed": 0},
                                   "custom": {"sent": 0, "failed": 0}}
    lines = gridbot(database_url, clock, "notice", "status", number).output.splitlines()
    assert lines[1] == f"范围：{GRID}（居民）" and lines[3] == "按渠道：群发 已发 5 失败 0"
    watched = gridbot(database_url, clock, "notice", "status", number, "--watch")
    assert "100%" in watched.output
    listed = gridbot(database_url, clock, "notice", "list", "--json")
    assert [item["number"] for item in json.loads(listed.output)] == [number]
    assert number in gridbot(database_url, clock, "notice", "list").output


def test_send_without_yes_shows_the_preview_and_refuses_without_a_terminal(seeded, database_url, clock):
    result = gridbot(database_url, clock, "notice", "send", "--scope", GRID, "--text", "周六上午消防演练")
    assert result.exit_code == 1 and "群发：5 人" in result.output and "--yes" in result.output
    assert stored(seeded) == 0


@pytest.mark.parametrize(("args", "says"), [
    (("--scope", "幸福里社区/第九网格", "--text", "通知"), "第九网格"),
    (("--scope", GRID, "--text", "   "), "不能为空"),
    (("--scope", GRID, "--text", "停" * 700), "太长"),
    (("--scope", GRID, "--text", "通知", "--at", "2020-01-01 09:00"), "已经过去"),
    (("--scope", GRID, "--text", "通知", "--at", "明天早上"), "YYYY-MM-DD HH:MM"),
    (("--scope", "和平社区/第二网格", "--text", "通知"), "没有可以发送的人"),
    (("--scope", GRID, "--text", "通知", "--kind", "停水"), "请同时加 --urgent"),
])
def test_bad_input_is_refused_in_one_chinese_line_and_nothing_is_stored(seeded, database_url, clock, args, says):
    result = gridbot(database_url, clock, "notice", "send", *args, "--yes")
    assert result.exit_code == 1 and says in result.output, result.output
    assert "Traceback" not in result.output and stored(seeded) == 0


@pytest.mark.parametrize(("scope", "says"), [("幸福里社区/第九网格", "第九网格"), ("和平社区/第二网格", "没有可以发送的人")])
def test_a_refusal_without_yes_is_not_headed_as_a_preview(seeded, database_url, clock, scope, says):
    result = gridbot(database_url, clock, "notice", "send", "--scope", scope, "--text", "周六上午消防演练")
    assert result.exit_code == 1 and says in result.output, result.output
    assert "通知预览" not in result.output


@pytest.mark.parametrize("at", ["2026-11-23 09：00", "２０２６-１１-２３ ０９:００"])
def test_a_send_time_typed_with_full_width_characters_is_read(seeded, database_url, clock, at):
    sent = gridbot(database_url, clock, "notice", "send", "--scope", GRID, "--text", "下周一停车场划线", "--at", at, "--yes")
    assert sent.exit_code == 0, sent.output
    assert "发送时间：2026-11-23 09:00" in sent.output


def test_a_notice_sent_from_the_command_line_records_the_server_login_that_sent_it(seeded, database_url, clock,
                                                                                   monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "zhangsan")  # two operators share the server: which one?
    sent = gridbot(database_url, clock, "notice", "send", "--scope", GRID, "--text", "周六上午消防演练", "--yes")
    number = NUMBER.search(sent.output).group(0)
    with seeded.transaction() as session:
        assert session.scalars(select(Broadcast.author_login).where(Broadcast.number == number)).one() == "zhangsan"
    assert "发布人：命令行 zhangsan" in gridbot(database_url, clock, "notice", "status", number).output


def test_the_status_of_a_notice_says_why_those_not_sent_were_not(seeded, database_url, clock):
    with seeded.transaction() as session:
        session.execute(update(Resident).where(Resident.openid == NEIGHBOUR).values(notices_opted_out_at=clock()))
    sent = gridbot(database_url, clock, "notice", "send", "--scope", GRID, "--text", "周六上午消防演练", "--yes")
    status = gridbot(database_url, clock, "notice", "status", NUMBER.search(sent.output).group(0)).output
    assert "未发送 1，待发 4（未发送：1 人已退订通知）" in status, status


def test_the_status_of_a_notice_quota_put_off_says_when_it_goes(seeded, database_url, clock):
    clock.current = datetime(2026, 12, 31, 10, 0, tzinfo=LOCAL_ZONE)
    quota = {"GRIDBOT_MASS_SEND_DAILY_QUOTA": "1"}
    gridbot(database_url, clock, "notice", "send", "--scope", GRID, "--text", "周六上午消防演练", "--yes", env=quota)
    later = gridbot(database_url, clock, "notice", "send", "--scope", GRID, "--text", "周日上午义诊", "--yes",
                    env=quota)
    assert "超出当日配额，1月1日 发出" in later.output, later.output  # as the chat writes a day, not 01月01日
    status = gridbot(database_url, clock, "notice", "status", NUMBER.search(later.output).group(0)).output
    tomorrow = (clock() + timedelta(days=1)).astimezone(LOCAL_ZONE)
    assert f"当天的微信接口配额已排满，{tomorrow:%Y-%m-%d} 08:00（北京时间）起发送" in status, status
    assert "定时发送" not in status


def test_cancelling_a_notice_all_handed_to_wechat_says_to_send_a_correction(seeded, database_url, clock):
    sent = gridbot(database_url, clock, "notice", "send", "--scope", GRID, "--text", "周六上午9点停水", "--yes")
    number = NUMBER.search(sent.output).group(0)
    with seeded.transaction() as session:  # the worker handed it all over
        session.execute(update(Broadcast).where(Broadcast.number == number).values(state=NoticeState.DONE))
    refused = gridbot(database_url, clock, "notice", "cancel", number)
    assert refused.exit_code == 1 and "已发出的消息无法收回" in refused.output and "更正通知" in refused.output


def test_cancelling_a_notice_partly_sent_says_who_has_it_already_and_that_wechat_cannot_recall_it(
        seeded, database_url, clock):
    sent = gridbot(database_url, clock, "notice", "send", "--scope", GRID, "--text", "周六上午9点停水", "--yes")
    number = NUMBER.search(sent.output).group(0)
    with seeded.transaction() as session:  # two of the five have it; the rest wait (quota, quiet hours)
        notice = notice_records.find(session, number)
        first_two = select(BroadcastRecipient.id).where(BroadcastRecipient.broadcast_id == notice.id).limit(2)
        session.execute(update(BroadcastRecipient).where(BroadcastRecipient.id.in_(first_two.scalar_subquery()))
                        .values(status=RecipientStatus.SENT))
        session.execute(update(Broadcast).where(Broadcast.id == notice.id).values(state=NoticeState.SENDING))

    cancelled = gridbot(database_url, clock, "notice", "cancel", number)

    assert cancelled.exit_code == 0, cancelled.output
    assert cancelled.output.strip() == (f"通知 {number} 已撤销：3 人不会再收到。已经发出的 2 人已收到，微信上的消息无法收回；"
                                        "内容有误请另发一条更正通知（同样的范围，内容以“更正：”开头写明正确的内容）。")
    # 已撤销，100% and a full bar read as sent to all: the figure is what went out before it was stopped
    assert gridbot(database_url, clock, "notice", "status", number).output.startswith(f"通知 {number}：已撤销，40%\n")
    assert f"{number}  已撤销  40%" in gridbot(database_url, clock, "notice", "list").output


def test_cancel_stops_a_scheduled_notice_once(seeded, database_url, clock):
    sent = gridbot(database_url, clock, "notice", "send", "--scope", GRID, "--text", "下周一停车场划线",
                   "--at", "2026-11-23 09:00", "--yes")
    number = NUMBER.search(sent.output).group(0)
    assert "发送时间：2026-11-23 09:00" in sent.output
    assert "定时发送：2026-11-23 09:00（北京时间）" in gridbot(database_url, clock, "notice", "status", number).output
    cancelled = gridbot(database_url, clock, "notice", "cancel", number)
    assert cancelled.exit_code == 0 and cancelled.output.strip() == f"通知 {number} 已撤销：5 人不会再收到。"
    at = clock().astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")
    login = getpass.getuser()
    again = gridbot(database_url, clock, "notice", "cancel", number)
    assert again.exit_code == 0, again.output
    assert again.output.strip() == f"通知 {number} 已于 {at}（北京时间）撤销过，撤销人：命令行 {login}，这次没有改动。"
    status = gridbot(database_url, clock, "notice", "status", number).output
    assert "按渠道：还没有发出" in status and f"撤销：{at}（北京时间），撤销人：命令行 {login}" in status
    assert "没有编号" in gridbot(database_url, clock, "notice", "status", "N2611229999").output


def test_status_json_says_when_and_by_whom_a_notice_was_cancelled(seeded, database_url, clock):
    sent = gridbot(database_url, clock, "notice", "send", "--scope", GRID, "--text", "下周一停车场划线",
                   "--at", "2026-11-23 09:00", "--yes")
    number = NUMBER.search(sent.output).group(0)
    waiting = json.loads(gridbot(database_url, clock, "notice", "status", number, "--json").output)
    assert (waiting["cancelled_at"], waiting["cancelled_by"], waiting["cancelled_by_login"]) == (None, None, None)
    gridbot(database_url, clock, "notice", "cancel", number)
    shown = json.loads(gridbot(database_url, clock, "notice", "status", number, "--json").output)
    assert shown["state"] == "cancelled"
    assert shown["cancelled_at"] == clock().astimezone(LOCAL_ZONE).isoformat()
    assert shown["cancelled_by"] is None and shown["cancelled_by_login"] == getpass.getuser()
    listed = json.loads(gridbot(database_url, clock, "notice", "list", "--json").output)
    assert listed[0]["cancelled_at"] == shown["cancelled_at"]


def test_a_building_named_with_its_compound_or_alone_is_found_as_the_chat_finds_it(seeded, database_url, clock):
    from storage import seeding

    for typed in ("阳光花园/3号楼", "3号楼", "幸福里社区/阳光花园/3号楼"):
        shown = gridbot(database_url, clock, "notice", "send", "--scope", typed, "--text", "明天停水")
        assert "范围：幸福里社区/第一网格/阳光花园/3号楼（居民）" in shown.output, shown.output
    with seeded.transaction() as session:  # another 3号楼, in 和平社区
        seeding.seed_street(session, seeding.StreetPlan("幸福街道", {"和平社区": {"第三网格": ("金地城", {
            "3号楼": ("1单元",)})}}), clock())
    several = gridbot(database_url, clock, "notice", "send", "--scope", "3号楼", "--text", "明天停水", "--yes")
    assert several.exit_code == 1 and "范围里的楼栋“3号楼”不止一个，可选：幸福里社区/第一网格/阳光花园/3号楼、和平社区/第三网格/金地城/3号楼" \
        in several.output  # not "not found": it is there twice
    assert stored(seeded) == 0


def test_status_watch_with_json_waits_for_the_end_and_prints_only_the_json(seeded, database_url, clock, monkeypatch):
    import bot.cli.notices

    number = NUMBER.search(gridbot(database_url, clock, "notice", "send", "--scope", GRID, "--text", "周六消防演练",
                                   "--yes").output).group(0)
    looks = iter([False, True])  # scheduled at the first look, done at the next: as a worker sends it meanwhile

    def progress(wanted: str):  # type: ignore[no-untyped-def]
        with seeded.transaction() as session:
            if next(looks):
                session.execute(update(Broadcast).values(state=NoticeState.DONE))
            return notice_records.progress(session, notice_records.find(session, wanted))

    monkeypatch.setattr(bot.cli.notices, "_progress", progress)
    monkeypatch.setattr(bot.cli.notices, "WATCH_EVERY_S", 0)
    watched = gridbot(database_url, clock, "notice", "status", number, "--watch", "--json")

    assert watched.exit_code == 0 and json.loads(watched.output)["state"] == "done"  # no progress bar before it


@pytest.mark.parametrize("own", ["本街道", "本社区", "本网格"])
def test_the_cli_has_no_street_community_or_grid_of_its_own(seeded, database_url, clock, own):
    sent = gridbot(database_url, clock, "notice", "send", "--scope", own, "--text", "明天停水", "--yes")

    assert sent.exit_code == 1 and f"“{own}”没有找到" in sent.output  # not the first street there is
    assert stored(seeded) == 0


def test_an_empty_scope_is_refused_not_read_as_everywhere(seeded, database_url, clock):
    sent = gridbot(database_url, clock, "notice", "send", "--scope", "", "--text", "周六上午消防演练", "--yes")

    assert sent.exit_code == 1 and "请填写范围" in sent.output and "发给所有人请写“全部”" in sent.output
    assert stored(seeded) == 0


def test_the_json_list_gives_the_send_time_in_beijing_time_as_it_was_typed(seeded, database_url, clock):
    sent = gridbot(database_url, clock, "notice", "send", "--scope", GRID, "--text", "周六上午消防演练",
                   "--at", "2026-11-23 09:00", "--yes")
    assert sent.exit_code == 0, sent.output

    [item] = json.loads(gridbot(database_url, clock, "notice", "list", "--json").output)

    assert item["send_at"] == "2026-11-23T09:00:00+08:00"  # not 01:00+00:00, an hour the operator never typed


def test_a_send_time_years_ahead_is_refused_in_chinese_and_nothing_is_stored(seeded, database_url, clock):
    sent = gridbot(database_url, clock, "notice", "send", "--scope", GRID, "--text", "下周一停车场划线",
                   "--at", "9999-12-31 23:59", "--yes")

    assert sent.exit_code == 1
    assert "发送时间最多只能定在 90 天以后" in sent.output
    assert stored(seeded) == 0


def test_notices_past_the_latest_fifty_are_reached_with_until_and_since_as_the_console_pages_them(seeded, database_url,
                                                                                                  clock):
    older = clock() - timedelta(days=20)
    stored_numbers = [f"N261122{n:04d}" for n in range(1, 56)]
    with seeded.transaction() as session:
        session.add_all(Broadcast(number=number, scope_path=GRID, audience="residents", text=f"第{n}次通知", urgent=False,
                                  state=NoticeState.DONE, account_type="service", created_at=older if n < 5 else clock(),
                                  send_at=older if n < 5 else clock()) for n, number in enumerate(stored_numbers))
    older_day = older.astimezone(LOCAL_ZONE).date().isoformat()
    today = clock().astimezone(LOCAL_ZONE).date().isoformat()

    latest = gridbot(database_url, clock, "notice", "list")
    earlier = gridbot(database_url, clock, "notice", "list", "--until", older_day)
    recent = gridbot(database_url, clock, "notice", "list", "--since", today, "--json")
    latest_json = json.loads(gridbot(database_url, clock, "notice", "list", "--json").output)
    earlier_json = json.loads(gridbot(database_url, clock, "notice", "list", "--until", older_day, "--json").output)

    assert latest.exit_code == 0 and stored_numbers[54] in latest.output and stored_numbers[5] in latest.output
    assert stored_numbers[4] not in latest.output
    assert f"只列出了最近 50 条。更早的通知：gridbot notice list --until {today}" in latest.output
    assert earlier.exit_code == 0 and all(number in earlier.output for number in stored_numbers[:5])
    assert stored_numbers[5] not in earlier.output and "只列出了" not in earlier.output
    assert [item["number"] for item in json.loads(recent.output)] == stored_numbers[:4:-1]
    # --json says as much as the text's last line: the latest 50 are not all, the period's 5 are
    assert len(latest_json) == 50 and all(item["more_than_listed"] for item in latest_json)
    assert len(earlier_json) == 5 and not any(item["more_than_listed"] for item in earlier_json)
    assert {"number", "state", "scope", "text", "send_at"} <= set(latest_json[0])


def test_a_notice_list_day_that_is_none_is_refused_in_one_chinese_line(seeded, database_url, clock):
    bad = gridbot(database_url, clock, "notice", "list", "--since", "上个月")
    missing = gridbot(database_url, clock, "notice", "list", "--until", "2026-11-31")

    assert bad.exit_code == 1 and bad.output.strip() == "--since 的日期请写成 YYYY-MM-DD，如 2026-12-01；收到“上个月”。"
    assert missing.exit_code == 1 and missing.output.strip() == "日历上没有 2026-11-31 这一天，请核对 --until 的日期。"


def test_a_notice_list_period_that_ends_before_it_starts_is_refused_rather_than_found_empty(seeded, database_url,
                                                                                           clock):
    backwards = gridbot(database_url, clock, "notice", "list", "--since", "2026-12-01", "--until", "2026-11-01")

    assert backwards.exit_code == 1 and backwards.output.strip() == "--until（2026-11-01）不能早于 --since（2026-12-01）。"
