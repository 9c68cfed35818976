"""The day's work from the command line: `gridbot appeals list` and `show`, `gridbot outbox failed`."""

import csv
import io
import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli.gridbot import main
from handlers import notifications
from storage import seeding, supervision
from storage.models import Appeal, AppealEvent, Community, Grid, OutboxMessage, OutboxStatus, Street
from storage.notices import ResidentResolved
from storage.privacy import mask
from storage.tickets import LOCAL_ZONE
from tests.support.console import new_appeal
from tests.support.database import add_notice, appeal, outbox_row
from tests.support.personas import BUILDING_LEAD, OPERATOR, ZHANG
from tests.support.worker import TICKET, dispatch_filed, file_and_dispatch

pytestmark = pytest.mark.postgres

LAMP = "1号楼楼道灯坏了好几天，联系我13812345678"


def gridbot(database_url, clock, *args):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), obj=clock, env={"GRIDBOT_DATABASE_URL": database_url})


@pytest.fixture
def day(wechat, seeded, clock):  # type: ignore[no-untyped-def]
    """One of each: claimed, unclaimed with a phone number in it, returned, elsewhere, waiting for an address."""
    claimed = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {claimed}")
    unclaimed = file_and_dispatch(wechat, seeded, clock, LAMP, openid="o7")
    returned = file_and_dispatch(wechat, seeded, clock, "2号楼楼道灯坏了好几天", openid="o5")
    wechat.send(ZHANG, f"接单 {returned}")
    wechat.send(ZHANG, f"退回 {returned} 这是锦绣家园的事")
    heping = file_and_dispatch(wechat, seeded, clock, "1栋门口的垃圾好几天没人清", openid="o2")
    held = TICKET.search(wechat.send("o_new", "小区门口的路灯坏了")).group(0)
    return {"claimed": claimed, "unclaimed": unclaimed, "returned": returned, "heping": heping, "held": held}


def test_the_list_shows_the_open_appeals_with_place_status_holder_clock_and_a_masked_snippet(
        day, database_url, clock):
    result = gridbot(database_url, clock, "appeals", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["编号", "提交时间", "类别", "地点"]
    row = next(line for line in lines if day["claimed"] in line)
    assert "幸福里社区·第一网格 阳光花园3号楼1单元" in row and "办理中" in row and "张伟" in row and "办结剩" in row
    lamp = next(line for line in lines if day["unclaimed"] in line)
    assert "待接单" in lamp and "接单剩" in lamp and "138****5678" in lamp and "13812345678" not in lamp
    returned = next(line for line in lines if day["returned"] in line)
    assert "已退回社区" in returned and "重新派发剩" in returned  # the community's clock to route it again
    assert "（待绑定地址）" in next(line for line in lines if day["held"] in line)
    assert lines[-1] == "共 5 条诉求。"


def test_an_appeal_of_another_year_is_listed_and_shown_with_its_year_as_the_chat_says_it(day, seeded, database_url,
                                                                                          clock):
    last_year = datetime(2025, 12, 20, 9, 30, tzinfo=LOCAL_ZONE)
    with seeded.transaction() as session:  # still open a year on: not an appeal of this 12月20日
        appeal_row = session.scalars(select(Appeal).where(Appeal.ticket == day["unclaimed"])).one()
        appeal_row.created_at = last_year
        for event in session.scalars(select(AppealEvent).where(AppealEvent.appeal_id == appeal_row.id)):
            event.at = last_year

    lines = gridbot(database_url, clock, "appeals", "list").output.splitlines()
    shown = gridbot(database_url, clock, "appeals", "show", day["unclaimed"]).output

    assert "2025-12-20 09:30" in next(line for line in lines if day["unclaimed"] in line)
    assert re.search(r"\s11-22 \d\d:\d\d\s", next(line for line in lines if day["claimed"] in line))
    assert "  2025-12-20 09:30 " in shown


def test_the_list_names_the_street_where_two_streets_communities_of_one_name_are_in_it(day, seeded, database_url,
                                                                                       clock):
    with seeded.transaction() as session:  # 滨湖街道 has a 幸福里社区 too, and an appeal filed there
        seeding.seed_street(session, seeding.StreetPlan(
            "滨湖街道", {"幸福里社区": {"第一网格": ("幸福家园", {"1号楼": ("1单元",)})}}), clock())
        grid = session.scalars(select(Grid.id).join(Community, Community.id == Grid.community_id).join(Street)
                               .where(Street.name == "滨湖街道")).one()
        session.add(new_appeal("G-BINHU", grid, clock()))

    lines = gridbot(database_url, clock, "appeals", "list").output.splitlines()

    assert "滨湖街道·幸福里社区·第一网格" in next(line for line in lines if "G-BINHU" in line)
    assert "幸福街道·幸福里社区·第一网格 阳光花园3号楼1单元" in next(line for line in lines if day["claimed"] in line)


def test_options_narrow_the_list_by_place_status_and_clock(day, database_url, clock):
    def tickets(*args: str) -> set[str]:
        result = gridbot(database_url, clock, "appeals", "list", "--json", *args)
        assert result.exit_code == 0, result.output
        return {row["ticket"] for row in json.loads(result.output)}

    assert tickets("--scope", "和平社区") == {day["heping"]}
    assert tickets("--scope", "幸福里社区·第一网格", "--unclaimed") == {day["unclaimed"]}
    assert tickets("--scope", "幸福里社区 第一网格", "--unclaimed") == {day["unclaimed"]}  # typed without ·
    assert tickets("--returned") == {day["returned"]}
    assert tickets("--pending-binding") == {day["held"]}
    assert tickets("--status", "办理中,returned") == {day["claimed"], day["returned"]}
    assert tickets("--status", "待接单", "--scope", "幸福里社区") == {day["unclaimed"]}
    assert tickets("--overdue") == set()
    clock.advance(hours=5)  # past every 接单 limit (4 hours at most), within the 办结 limits
    # …and the returned one not routed again within that time (退回 starts the community's clock)
    assert tickets("--overdue") == {day["unclaimed"], day["heping"], day["returned"]}
    assert tickets("--since", "2026-11-23") == set()
    assert tickets("--since", "2026-11-22", "--status", "已办结") == set()


def test_status_全部_lists_the_closed_and_withdrawn_too_as_the_consoles_全部_does(day, wechat, database_url, clock):
    wechat.send(ZHANG, f"办结 {day['claimed']} 灯已经换好了")
    wechat.send("o7", f"撤销 {day['unclaimed']}")

    def tickets(*options: str) -> set[str]:
        result = gridbot(database_url, clock, "appeals", "list", "--json", *options)
        assert result.exit_code == 0, result.output
        return {row["ticket"] for row in json.loads(result.output)}

    assert tickets() == {day["returned"], day["heping"], day["held"]}
    assert tickets("--status", "全部") == tickets("--status", "all") == set(day.values())
    assert tickets("--status", "全部", "--scope", "和平社区") == {day["heping"]}


def test_an_appeal_closed_for_the_address_never_given_is_listed_so_not_as_withdrawn(day, wechat, seeded,
                                                                                      database_url, clock):
    wechat.send("o7", f"撤销 {day['unclaimed']}")  # withdrawn by its resident
    clock.advance(days=30)
    with seeded.transaction() as session:
        assert supervision.sweep(session, clock(), supervision.DEFAULT_UNCLAIMED_AFTER).lapsed == 1

    def tickets(*options):  # type: ignore[no-untyped-def]
        result = gridbot(database_url, clock, "appeals", "list", *options, "--json")
        assert result.exit_code == 0, result.output
        return [(row["ticket"], row["status_name"]) for row in json.loads(result.output)]

    lapsed = [(day["held"], "居民一直未绑定住址，已自动关闭")]
    for typed in ("自动关闭", "lapsed", "居民一直未绑定住址，已自动关闭"):  # the label as the list prints it, too
        assert tickets("--status", typed) == lapsed, typed
    assert tickets("--status", "已撤销") == [(day["unclaimed"], "居民已撤销")]  # only what residents withdrew
    assert tickets("--status", "cancelled,自动关闭") == sorted([*lapsed, (day["unclaimed"], "居民已撤销")])
    # A script reads back the word it typed: "lapsed", not the "cancelled" its rows store.
    rows = json.loads(gridbot(database_url, clock, "appeals", "list", "--status", "lapsed,cancelled", "--json").output)
    assert {row["ticket"]: row["status"] for row in rows} == {day["held"]: "lapsed", day["unclaimed"]: "cancelled"}
    table = gridbot(database_url, clock, "appeals", "list", "--status", "自动关闭")
    assert table.exit_code == 0 and "居民一直未绑定住址，已自动关闭" in table.output and "已撤销" not in table.output


def test_appeals_show_says_an_appeal_closed_for_the_address_never_given_closed_so(day, seeded, database_url, clock):
    clock.advance(days=30)
    with seeded.transaction() as session:
        supervision.sweep(session, clock(), supervision.DEFAULT_UNCLAIMED_AFTER)

    shown = gridbot(database_url, clock, "appeals", "show", day["held"])

    assert shown.exit_code == 0 and "状态：居民一直未绑定住址，已自动关闭" in shown.output.splitlines(), shown.output


def test_json_keeps_english_keys_and_says_by_how_much_an_appeal_is_late(day, database_url, clock):
    clock.advance(hours=5)
    result = gridbot(database_url, clock, "appeals", "list", "--json", "--unclaimed", "--scope", "幸福里社区/第一网格")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert row["ticket"] == day["unclaimed"] and row["status"] == "dispatched" and row["status_name"] == "待接单"
    assert row["community"] == "幸福里社区" and row["grid"] == "第一网格" and row["place"] == "阳光花园1号楼1单元"
    assert row["street"] == "幸福街道"  # two streets of a district may each have a 幸福里社区
    assert row["overdue_minutes"] > 0 and row["due_at"].endswith("+08:00") and row["emergency"] is None
    assert "138****5678" in row["snippet"] and row["assignee"] is None
    assert list(row) == _json_keys_readme_names()


def _json_keys_readme_names() -> list[str]:
    """The keys README's 每天的工作 lists for `gridbot appeals list --json`, in its order."""
    readme = (Path(__file__).parent.parent.parent / "README.md").read_text(encoding="utf-8")
    listed = readme.split("`--json` 给程序用（英文键：", 1)[1].split("。", 1)[0]
    return re.findall(r"`([a-z_]+)`", listed)


def test_csv_opens_in_excel_with_chinese_headers(day, database_url, clock):
    result = gridbot(database_url, clock, "appeals", "list", "--csv", "--returned")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("\ufeff编号,提交时间,类别")
    rows = list(csv.reader(io.StringIO(result.output.removeprefix("\ufeff"))))
    assert len(rows) == 2 and rows[1][0] == day["returned"] and rows[1][8] == "已退回社区"


def test_csv_on_a_server_whose_terminal_is_gbk_is_still_the_utf8_file_with_a_bom_excel_reads(day, database_url,
                                                                                               clock):
    result = CliRunner(charset="gbk").invoke(main, ["appeals", "list", "--csv", "--returned"], obj=clock,
                                             env={"GRIDBOT_DATABASE_URL": database_url})

    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith("\ufeff编号,提交时间,类别".encode("utf-8"))


def test_a_compound_narrows_the_list_to_its_buildings_and_one_two_communities_share_is_asked_to_qualify(
        seeded, database_url, clock):
    from storage import org

    with seeded.transaction() as session:
        grids = dict(session.execute(select(Community.name, Grid.id).join(Community, Community.id == Grid.community_id)
                                     .where(Grid.name == "第一网格")).all())
        sunny = org.buildings_of(session, grids["幸福里社区"], "阳光花园")[0]
        session.add_all([new_appeal("G-SUNNY", grids["幸福里社区"], clock(), building_id=sunny.id),
                         new_appeal("G-NOWHERE", grids["幸福里社区"], clock())])

    def tickets(*args: str) -> set[str]:
        result = gridbot(database_url, clock, "appeals", "list", "--json", *args)
        assert result.exit_code == 0, result.output
        return {row["ticket"] for row in json.loads(result.output)}

    assert tickets("--scope", "阳光花园") == {"G-SUNNY"}
    with seeded.transaction() as session:  # 和平社区 gets a 阳光花园 too
        org.ensure_building(session, session.get_one(Grid, grids["和平社区"]), "9号楼", "阳光花园")
    unclear = gridbot(database_url, clock, "appeals", "list", "--scope", "阳光花园")
    assert unclear.exit_code == 1 and "小区“阳光花园”不唯一，请写明是哪一个（社区·小区）" in unclear.output
    assert "幸福里社区·阳光花园" in unclear.output and "和平社区·阳光花园" in unclear.output
    assert tickets("--scope", "幸福里社区·阳光花园") == {"G-SUNNY"}
    assert tickets("--scope", "和平社区/阳光花园") == set()
    nowhere = gridbot(database_url, clock, "appeals", "list", "--scope", "月亮花园")
    assert nowhere.exit_code == 1 and "请写街道、社区、网格或小区的名称" in nowhere.output


def test_bad_options_are_refused_in_one_chinese_line(day, database_url, clock):
    unknown = gridbot(database_url, clock, "appeals", "list", "--status", "办完了")
    assert unknown.exit_code == 1 and "不认识的状态“办完了”" in unknown.output and "待接单" in unknown.output
    unclear = gridbot(database_url, clock, "appeals", "list", "--scope", "第一网格")
    assert unclear.exit_code == 1 and "幸福里社区·第一网格" in unclear.output and "和平社区·第一网格" in unclear.output
    assert "网格“第一网格”不唯一" in unclear.output and "没有找到" not in unclear.output  # it exists, twice
    nowhere = gridbot(database_url, clock, "appeals", "list", "--scope", "火星社区")
    assert nowhere.exit_code == 1 and "没有找到“火星社区”" in nowhere.output
    assert "Traceback" not in unknown.output + unclear.output + nowhere.output


def test_nothing_failed_points_an_operator_to_where_a_broadcast_notices_failures_are(seeded, database_url, clock):
    result = gridbot(database_url, clock, "outbox", "failed")
    assert result.exit_code == 0 and "gridbot notice status" in result.output, result.output


def test_until_ends_the_list_on_a_day_filed_so_a_month_is_listed_by_since_and_until(day, seeded, database_url,
                                                                                     clock):
    with seeded.transaction() as session:  # the 和平社区 one filed on the last day of October, Beijing time
        session.scalars(select(Appeal).where(Appeal.ticket == day["heping"])).one().created_at = \
            datetime(2026, 10, 31, 23, 30, tzinfo=LOCAL_ZONE)

    def tickets(*options: str) -> set[str]:
        result = gridbot(database_url, clock, "appeals", "list", "--json", *options)
        assert result.exit_code == 0, result.output
        return {row["ticket"] for row in json.loads(result.output)}

    assert tickets("--since", "2026-10-01", "--until", "2026-10-31") == {day["heping"]}  # the day included
    assert day["heping"] not in tickets("--since", "2026-11-01", "--until", "2026-11-30")
    assert tickets("--until", "2026-10-30") == set()
    backwards = gridbot(database_url, clock, "appeals", "list", "--since", "2026-11-30", "--until", "2026-11-01")
    assert backwards.exit_code == 1 and backwards.output.strip() == "--until（2026-11-01）不能早于 --since（2026-11-30）。"
    bad = gridbot(database_url, clock, "appeals", "list", "--until", "11月底")
    assert bad.exit_code == 1 and bad.output.strip() == "--until 的日期请写成 YYYY-MM-DD，如 2026-12-01；收到“11月底”。"
    told = gridbot(database_url, clock, "appeals", "list", "--from", "2026-11-01", "--to", "2026-11-30")
    assert told.exit_code == 1 and "按提交日期列出请用 --since 和 --until" in told.output


def test_resolved_since_and_until_list_what_was_resolved_in_a_month_whenever_it_was_filed(day, wechat, seeded,
                                                                                          database_url, clock):
    wechat.send(ZHANG, f"办结 {day['claimed']} 已修好")
    with seeded.transaction() as session:  # filed on the last evening of October, resolved today in November
        session.scalars(select(Appeal).where(Appeal.ticket == day["claimed"])).one().created_at = \
            datetime(2026, 10, 31, 23, 30, tzinfo=LOCAL_ZONE)

    def tickets(*options: str) -> set[str]:
        result = gridbot(database_url, clock, "appeals", "list", "--json", *options)
        assert result.exit_code == 0, result.output
        return {row["ticket"] for row in json.loads(result.output)}

    assert tickets("--resolved-since", "2026-11-01", "--resolved-until", "2026-11-30") == {day["claimed"]}
    assert tickets("--resolved-since", "2026-11-01", "--status", "已办结") == {day["claimed"]}
    assert tickets("--since", "2026-11-01", "--status", "已办结") == set()  # filed in October
    assert tickets("--resolved-until", "2026-11-21") == set()
    exported = gridbot(database_url, clock, "appeals", "list", "--resolved-since", "2026-11-01", "--csv").output
    header, row = list(csv.reader(io.StringIO(exported.removeprefix("\ufeff"))))
    assert (header[-1], row[-1]) == ("办结时间", clock().astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M"))
    backwards = gridbot(database_url, clock, "appeals", "list", "--resolved-since", "2026-11-30",
                        "--resolved-until", "2026-11-01")
    assert backwards.exit_code == 1
    assert backwards.output.strip() == "--resolved-until（2026-11-01）不能早于 --resolved-since（2026-11-30）。"


@pytest.mark.parametrize("command", [("appeals", "list"), ("outbox", "failed")])
@pytest.mark.parametrize(("typed", "says"), [
    ("2026/11/22", "--since 的日期请写成 YYYY-MM-DD，如 2026-12-01；收到“2026/11/22”。"),
    ("昨天", "--since 的日期请写成 YYYY-MM-DD，如 2026-12-01；收到“昨天”。"),
    ("2026-02-29", "日历上没有 2026-02-29 这一天，请核对 --since 的日期。"),  # the form is right, the day is not
])
def test_a_since_that_is_no_day_is_refused_in_one_chinese_line(day, database_url, clock, command, typed, says):
    result = gridbot(database_url, clock, *command, "--since", typed)

    assert result.exit_code == 1 and result.output.strip() == says


def test_show_gives_the_operator_everything_with_the_phone_masked_and_the_read_audited(
        wechat, day, seeded, database_url, clock, monkeypatch):
    wechat.send("o7", "我的电话 13912345678")
    wechat.send(ZHANG, f"接单 {day['unclaimed']}")
    wechat.send(ZHANG, f"进展 {day['unclaimed']} 已联系电工")
    monkeypatch.setattr("getpass.getuser", lambda: "sunli")
    result = gridbot(database_url, clock, "appeals", "show", day["unclaimed"][1:])
    assert result.exit_code == 0, result.output
    shown = result.output
    assert shown.startswith(f"诉求 {day['unclaimed']}") and "状态：办理中" in shown
    assert "地址：幸福里社区·第一网格 阳光花园1号楼1单元" in shown and "联系方式（已遮挡）：电话 139****5678" in shown
    assert "13912345678" not in shown and "办理：张伟" in shown and "办结剩" in shown
    assert "接单（张伟）" in shown and "进展（张伟）：已联系电工" in shown
    with seeded.transaction() as session:
        audit = session.scalars(select(AppealEvent).where(AppealEvent.action == "viewed")).one()
        assert (audit.actor_kind, audit.note, audit.internal) == ("system", "cli:sunli", True)
    again = gridbot(database_url, clock, "appeals", "show", day["unclaimed"])
    assert "查阅：命令行 sunli" in again.output
    assert "查阅：命令行 sunli" in wechat.send(OPERATOR, f"查询 {day['unclaimed']}")
    missing = gridbot(database_url, clock, "appeals", "show", "G2611229999")
    assert missing.exit_code == 1 and "没有找到编号为 G2611229999 的诉求" in missing.output


def test_show_gives_a_midnight_deadline_as_the_end_of_its_day_as_the_chat_and_console_do(
        wechat, day, seeded, database_url, clock):
    with seeded.transaction() as session:  # a working-day limit that began on a holiday ends at midnight
        session.scalars(select(Appeal).where(Appeal.ticket == day["unclaimed"])).one().response_due_at = \
            datetime(2026, 11, 24, tzinfo=LOCAL_ZONE)
    shown = gridbot(database_url, clock, "appeals", "show", day["unclaimed"]).output
    assert "（截止 11月23日 24:00）" in shown


def test_show_of_an_appeal_reopened_by_unsatisfied_calls_its_result_and_rating_the_last_rounds(
        wechat, seeded, database_url, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(ZHANG, f"办结 {ticket} 已修好")
    wechat.send("o1", "3")
    shown = gridbot(database_url, clock, "appeals", "show", ticket).output
    assert "状态：办理中" in shown and "上次办结说明（居民不满意，已重新办理）：已修好" in shown
    assert "上次评价：不满意" in shown and "\n办结说明：" not in shown and "\n评价：" not in shown
    wechat.send(ZHANG, f"办结 {ticket} 换了控制板")
    wechat.send("o1", "1")
    shown = gridbot(database_url, clock, "appeals", "show", ticket).output
    assert "\n办结说明：换了控制板" in shown and "\n评价：满意" in shown


def test_show_names_a_building_leads_report_for_a_neighbour_as_such_and_a_patrol_report_as_such(
        wechat, seeded, database_url, clock):
    for_neighbour = TICKET.search(wechat.send(BUILDING_LEAD, "代报 2单元 楼道灯坏了")).group(0)
    on_patrol = TICKET.search(wechat.send(ZHANG, "上报 2号楼门口井盖丢了")).group(0)
    dispatch_filed(seeded, clock)
    assert "（代报：赵阿姨）" in gridbot(database_url, clock, "appeals", "show", for_neighbour).output
    assert "（网格员上报：张伟）" in gridbot(database_url, clock, "appeals", "show", on_patrol).output


def test_failed_notices_are_listed_with_the_reason_in_words_and_one_is_sent_again_once(
        day, seeded, database_url, clock):
    notice = ResidentResolved(ticket=day["claimed"], note="已修好")
    first = add_notice(seeded, "t:window", notice, clock())
    second = add_notice(seeded, "t:unknown", notice, clock(), openid=ZHANG)
    appeal_id = appeal(seeded, day["claimed"]).id
    with seeded.transaction() as session:
        for outbox_id, error in ((first, "send failed: errcode 45015 (response out of time limit)"),
                                 (second, "outcome unknown: worker stopped during the send")):
            row = session.get_one(OutboxMessage, outbox_id)
            row.status, row.last_error, row.attempts, row.appeal_id = OutboxStatus.FAILED, error, 1, appeal_id
    listed = gridbot(database_url, clock, "outbox", "failed")
    assert listed.exit_code == 0, listed.output
    assert "发送失败的通知共 2 条" in listed.output and "回复时间超过限制" in listed.output
    assert f"张伟（{mask(ZHANG)}）" in listed.output and "不确定对方是否收到" in listed.output
    label = notifications.LABELS["resident_resolved"]
    assert f"｜通知 {label}（resident_resolved）｜" in listed.output  # what it is, and the name the settings use
    assert "o1" not in listed.output.replace("o1…", "")
    rows = json.loads(gridbot(database_url, clock, "outbox", "failed", "--json").output)
    assert [row["ticket"] for row in rows] == [day["claimed"]] * 2 and rows[0]["reason"].startswith("回复时间")
    retried = gridbot(database_url, clock, "outbox", "failed", "--retry", str(first))
    assert retried.exit_code == 0 and f"#{first} 已重新排队" in retried.output
    row = outbox_row(seeded, first)
    assert row.status == OutboxStatus.PENDING and row.idempotency_key == "t:window" and row.channel is None
    twice = gridbot(database_url, clock, "outbox", "failed", "--retry", str(first))
    assert twice.exit_code == 1 and f"#{first} 不是发送失败的通知（当前状态：待发送）" in twice.output
    unknown = gridbot(database_url, clock, "outbox", "failed", "--retry", str(second))
    assert unknown.exit_code == 1 and "可能已经收到" in unknown.output
    assert outbox_row(seeded, second).status == OutboxStatus.FAILED
    assert "发送失败的通知共 1 条" in gridbot(database_url, clock, "outbox", "failed").output


def test_every_notice_failed_since_a_day_is_sent_again_at_once_after_the_cause_is_put_right(
        day, seeded, database_url, clock):
    """A wrong AppSecret fails every notice for minutes: once WECHAT_SECRET is right, one command, not one each."""
    notice = ResidentResolved(ticket=day["claimed"], note="已修好")
    secret = "fetching the WeChat access token failed: errcode 40125, the app secret is invalid; check WECHAT_SECRET"
    yesterday = add_notice(seeded, "t:old", notice, clock() - timedelta(days=1))
    today = [add_notice(seeded, f"t:{n}", notice, clock(), openid=f"o{n}") for n in range(3)]
    with seeded.transaction() as session:
        for outbox_id, error in ((yesterday, secret), (today[0], secret), (today[1], secret),
                                 (today[2], "outcome unknown: worker stopped during the send")):
            row = session.get_one(OutboxMessage, outbox_id)
            row.status, row.last_error, row.attempts = OutboxStatus.FAILED, error, 1
    since = clock().astimezone(LOCAL_ZONE).date().isoformat()
    assert f"--retry-all --since {(clock() - timedelta(days=1)).astimezone(LOCAL_ZONE).date()}" in gridbot(
        database_url, clock, "outbox", "failed").output  # the list says how, from its first row's day

    retried = gridbot(database_url, clock, "outbox", "failed", "--retry-all", "--since", since)

    assert retried.exit_code == 0, retried.output
    assert "已重新排队 2 条" in retried.output and "另有 1 条发送时中断" in retried.output
    assert [outbox_row(seeded, n).status for n in (yesterday, *today)] == [
        OutboxStatus.FAILED, OutboxStatus.PENDING, OutboxStatus.PENDING, OutboxStatus.FAILED]
    again = gridbot(database_url, clock, "outbox", "failed", "--retry-all", "--since", since)
    assert "已重新排队 0 条" in again.output  # queued once: a second run finds them pending
    for wrong in (("--retry-all",), ("--retry-all", "--since", since, "--json")):
        refused = gridbot(database_url, clock, "outbox", "failed", *wrong)
        assert refused.exit_code == 1 and "--retry-all 要和 --since 日期 一起用" in refused.output


@pytest.mark.parametrize("error", [
    "fetching the WeChat access token failed: errcode 40125, the app secret is invalid; check WECHAT_SECRET",
    "fetching the WeChat access token failed: errcode 40125, the app secret is invalid; check WECHAT_SECRET "
    "(not retried for 300 s after the first failure)",
])
def test_a_notice_failed_on_a_rotated_app_secret_says_so_in_chinese(day, seeded, database_url, clock, error):
    failed = add_notice(seeded, "t:secret", ResidentResolved(ticket=day["claimed"], note="已修好"), clock())
    with seeded.transaction() as session:
        row = session.get_one(OutboxMessage, failed)
        row.status, row.last_error, row.attempts = OutboxStatus.FAILED, error, 1

    listed = gridbot(database_url, clock, "outbox", "failed")

    assert "原因：AppSecret 不对" in listed.output and "重启 worker 后重发" in listed.output
    assert "未能识别" not in listed.output and "app secret" not in listed.output


@pytest.mark.parametrize("typed", ["99999999999999999999999", "abc", "-1"])
def test_a_retry_of_an_id_no_row_can_have_is_refused_in_one_chinese_line(day, database_url, clock, typed):
    result = gridbot(database_url, clock, "outbox", "failed", "--retry", typed)

    assert result.exit_code == 1 and result.output.strip() == f"没有序号为 {typed} 的通知。"


def test_counted_lists_what_a_figure_of_the_rates_counted_by_the_rates_period_not_filing_day(
        day, seeded, database_url, clock):
    # An operator at a terminal could list only by filing day: the console's ?counted= lists had no CLI.
    with seeded.transaction() as session:  # filed last month with no address, placed this month when bound
        held = session.scalars(select(Appeal).where(Appeal.ticket == day["unclaimed"])).one()
        held.created_at = clock() - timedelta(days=40)
        held.placed_at = clock()
    first, last = (clock() - timedelta(days=3)).astimezone(LOCAL_ZONE).date(), clock().astimezone(LOCAL_ZONE).date()

    result = gridbot(database_url, clock, "appeals", "list", "--counted", "派发", "--from", first.isoformat(),
                     "--to", last.isoformat())
    by_filing = gridbot(database_url, clock, "appeals", "list", "--since", first.isoformat())

    assert result.exit_code == 0, result.output
    assert result.output.startswith("三率计入“派发”的诉求（统计期")
    assert day["unclaimed"] in result.output and day["claimed"] in result.output and day["held"] not in result.output
    assert day["claimed"] in by_filing.output and day["unclaimed"] not in by_filing.output  # as the figure would not
    keyed = gridbot(database_url, clock, "appeals", "list", "--counted", "responded", "--json")
    assert keyed.exit_code == 0, keyed.output
    assert day["claimed"] in keyed.output and day["unclaimed"] not in keyed.output


def test_counted_refuses_an_unknown_figure_and_a_period_without_it_in_one_line(day, database_url, clock):
    unknown = gridbot(database_url, clock, "appeals", "list", "--counted", "满意")
    assert unknown.exit_code != 0 and "不认识 --counted “满意”。可用：派发、响应及时、已解决、办结过、已评价" in unknown.output
    alone = gridbot(database_url, clock, "appeals", "list", "--from", "2026-11-01", "--to", "2026-11-30")
    assert alone.exit_code != 0 and "只和 --counted 一起用" in alone.output
    long = gridbot(database_url, clock, "appeals", "list", "--counted", "派发", "--from", "2025-01-01", "--to",
                   "2026-11-22")
    assert long.exit_code != 0 and "统计期最长 366 天" in long.output


def test_list_and_show_give_the_time_left_as_我的任务_does_not_an_hour_short(wechat, seeded, database_url, clock):
    # A few seconds after a 2小时内响应 receipt, appeals list and show said 接单剩1小时, where 我的任务 says 2小时.
    ticket = file_and_dispatch(wechat, seeded, clock, LAMP, openid="o7")
    clock.advance(seconds=30)
    listed = gridbot(database_url, clock, "appeals", "list").output
    shown = gridbot(database_url, clock, "appeals", "show", ticket).output
    assert "接单剩2小时" in next(line for line in listed.splitlines() if ticket in line)
    assert "时限：接单剩2小时（截止" in shown
    clock.advance(minutes=40)
    assert "接单剩1小时20分钟" in gridbot(database_url, clock, "appeals", "show", ticket).output
