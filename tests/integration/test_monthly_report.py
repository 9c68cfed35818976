"""`gridbot report --month`: the figures of a small month, computed by hand, and the workbook read back."""

from datetime import datetime, timezone

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.cli.gridbot import main
from storage import staff
from storage.models import Staff, StaffRole
from storage.monthly_report import report
from storage.queries import Scope
from storage.rates import Counts, Period
from storage.tickets import LOCAL_ZONE
from tests.support.personas import LI, WANG, ZHANG
from tests.support.street import SQUAD_XINGFU, add_second_street
from tests.support.worker import LIFT, file_and_dispatch

pytestmark = pytest.mark.postgres

XINGFULI_FIRST, HEPING_FIRST = "幸福里社区·第一网格", "和平社区·第一网格"


@pytest.fixture
def november(wechat, seeded, clock):  # type: ignore[no-untyped-def]
    """Five appeals filed on 22 November, one on 2 December; the report is made on 2 December.

    t1 claimed and resolved at once, rated 满意; t2 resolved, rated 不满意 and reopened (LI holds it); t3 (和平社区)
    never claimed; t4 不受理; t5 an emergency claimed within its 10 minutes and never resolved.
    """
    t1 = file_and_dispatch(wechat, seeded, clock, LIFT)
    wechat.dialog(ZHANG, [(f"接单 {t1}", "接单成功"), (f"办结 {t1} 已修好", "已办结")])
    assert "感谢您的评价" in wechat.send("o1", "1")
    t2 = file_and_dispatch(wechat, seeded, clock, "1号楼楼道灯坏了好几天", openid="o7")
    wechat.dialog(LI, [(f"接单 {t2}", "接单成功"), (f"办结 {t2} 换了灯泡", "已办结")])
    assert "已重新打开" in wechat.send("o7", "不满意")
    file_and_dispatch(wechat, seeded, clock, "1栋门口的垃圾好几天没人清", openid="o2")
    t4 = file_and_dispatch(wechat, seeded, clock, "3号楼门口的垃圾桶满了没人清", openid="o5")
    assert "不受理" in wechat.send(WANG, f"不受理 {t4} 已由环卫当场清理")
    t5 = file_and_dispatch(wechat, seeded, clock, "3号楼电梯又不动了，困了好久", openid="o6")
    clock.advance(minutes=5)
    assert "接单成功" in wechat.send(ZHANG, f"接单 {t5}")
    clock.advance(days=10)  # 2 December: every 办结 limit of November has passed
    file_and_dispatch(wechat, seeded, clock, "1号楼门口的路灯也坏了", openid="o7")
    return seeded


def test_the_figures_follow_the_definitions(november, clock):
    period = Period.month(2026, 11)
    assert period.start == datetime(2026, 10, 31, 16, tzinfo=timezone.utc)
    assert period.end == datetime(2026, 11, 30, 16, tzinfo=timezone.utc)
    with november.transaction() as session:
        made = report(session, period, clock())
    grids = {line.label: line.counts for line in made.grids}
    assert len(grids) == 4 and grids["幸福里社区·第二网格"] == Counts()
    assert grids[XINGFULI_FIRST] == Counts(
        received=4, dispatched=3, responded=3, resolved=1, resolved_on_time=1, ever_resolved=2, reopened=1,
        overdue=2, satisfied=1, unsatisfied=1, rejected=1, emergencies=1)
    assert grids[HEPING_FIRST] == Counts(received=1, dispatched=1, overdue=1)
    total = made.total.counts
    assert (total.received, total.dispatched, total.responded, total.resolved, total.overdue) == (5, 4, 3, 1, 3)
    rates = made.total.rates
    assert (rates.response, rates.resolve, rates.satisfaction, rates.rating) == (0.75, 0.25, 0.5, 1.0)
    members = {line.label: line for line in made.members}
    assert members["张伟"].counts == Counts(received=2, dispatched=2, responded=2, resolved=1, resolved_on_time=1,
                                          ever_resolved=1, overdue=1, satisfied=1, emergencies=1)
    assert members["李娜"].counts == Counts(received=1, dispatched=1, responded=1, ever_resolved=1, reopened=1,
                                          overdue=1, unsatisfied=1)
    assert members["王强"].counts == Counts() and members["李娜"].grid == XINGFULI_FIRST
    assert members["王强"].rates.response is None  # nothing to rate is not 0%


def test_a_property_company_is_named_with_the_grid_it_serves(wechat, seeded, clock):
    with seeded.transaction() as session:
        grid = staff.find_grid(session, XINGFULI_FIRST)
        session.add(Staff(openid="prop_1", name="钱经理", role=StaffRole.PROPERTY, department="阳光物业公司",
                          grid_id=grid.id, community_id=grid.community_id, active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock, LIFT)
    wechat.dialog(ZHANG, [(f"转办 {ticket} 阳光物业", "已转办")])
    wechat.dialog("prop_1", [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已修好", "已办结")])
    with seeded.transaction() as session:
        made = report(session, Period.month(2026, 11), clock())
    members = {line.label: line for line in made.members}
    assert members["钱经理"].grid == "阳光物业公司（幸福里社区·第一网格）" and members["张伟"].grid == XINGFULI_FIRST


def test_a_streets_squadron_is_named_with_its_street(wechat, seeded, clock):
    with seeded.transaction() as session:  # every street of a district has its 综合执法中队
        add_second_street(session, clock())
    ticket = file_and_dispatch(wechat, seeded, clock, "小区门口有人占道经营，天天摆摊堵路")  # routed to the 中队
    wechat.dialog(SQUAD_XINGFU, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已劝离", "已办结")])
    with seeded.transaction() as session:
        made = report(session, Period.month(2026, 11), clock())
    members = {line.label: line for line in made.members}
    assert members["周队长"].grid == "综合执法中队（幸福街道）"


def test_a_scope_keeps_its_grids_and_members_only(november, clock):
    with november.transaction() as session:
        made = report(session, Period.month(2026, 11), clock(), Scope.of_path(session, "和平社区"))
    assert [line.label for line in made.grids] == [HEPING_FIRST, "和平社区·第二网格"]
    assert {line.label for line in made.members} == {"陈静", "赵磊"} and made.total.counts.received == 1


def test_the_workbook_has_a_sheet_per_level_and_the_definitions(november, clock, database_url, tmp_path):
    path = tmp_path / "十一月.xlsx"
    result = CliRunner().invoke(main, ["report", "--month", "2026-11", "--xlsx", str(path)], obj=clock,
                                env={"GRIDBOT_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert "收到 5 件，响应率 75.0%，解决率 25.0%，满意率 50.0%" in result.output
    book = load_workbook(path)
    assert book.sheetnames == ["网格", "网格员", "说明"]
    header, *rows = book["网格"].iter_rows(values_only=True)
    assert header[:4] == ("网格", "收到", "派发", "响应及时") and "满意率" in header and "综合成绩" in header
    first = dict(zip(header, next(row for row in rows if row[0] == XINGFULI_FIRST), strict=True))
    assert (first["收到"], first["超期"], first["不受理"], first["紧急"]) == (4, 2, 1, 1)
    assert first["响应率"] == 1.0 and first["满意率"] == 0.5
    quiet = dict(zip(header, next(row for row in rows if row[0] == "和平社区·第二网格"), strict=True))
    assert quiet["收到"] == 0 and quiet["响应率"] is None
    total = dict(zip(header, rows[-1], strict=True))
    assert total["网格"] == "合计" and total["收到"] == 5 and total["响应率"] == 0.75
    # Excel rounds what it shows: short of 100 % shows 99.9% at most, as the tables do
    assert book["网格"].cell(row=2, column=len(header)).number_format == '[>=1]0.0%;[>=0.9995]"99.9%";0.0%'
    people = {row[0]: row for row in book["网格员"].iter_rows(min_row=2, values_only=True)}
    assert people["张伟"][1] == XINGFULI_FIRST and people["张伟"][2] == 2
    definitions = {row[0]: row[1] for row in book["说明"].iter_rows(min_row=2, values_only=True)}
    assert "2026-11-01 00:00 至 2026-12-01 00:00" in definitions["统计范围"]
    assert definitions["响应率"] == "响应及时 ÷ 派发。"
    assert "截止后仍在时限内接单的也算" in definitions["响应及时"]  # the one figure that may still move
    assert "才改派、转办或拆分的，仍按原时限" in definitions["响应及时"]  # a department's fresh clock, as 改派's
    assert "那时已合并、之后才拆分的，仍不计入" in definitions["统计范围"]
    assert "未办结的算在 2026-12-01 00:00 时的接单人名下" in definitions["网格员"]  # not whoever holds it now
    assert "0.9 × 基本满意" in definitions["满意率"] and "0.1 × 响应率" in definitions["综合成绩"]
    assert book["网格"].cell(row=2, column=header.index("综合成绩") + 1).number_format == '[>=100]0.0;[>=99.95]"99.9";0.0'


@pytest.mark.parametrize(("scope", "named"), [(["--scope", "幸福里社区"], "范围：幸福里社区。"), ([], "范围：全部街道。")])
def test_the_definitions_name_the_scope_whose_total_it_is(november, clock, database_url, tmp_path, scope, named):
    path = tmp_path / "十一月.xlsx"
    result = CliRunner().invoke(main, ["report", "--month", "2026-11", "--xlsx", str(path), *scope], obj=clock,
                                env={"GRIDBOT_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    definitions = {row[0]: row[1] for row in load_workbook(path)["说明"].iter_rows(min_row=2, values_only=True)}
    assert definitions["统计范围"].startswith(named + "2026-11-01 00:00 至 2026-12-01 00:00")


def test_every_heading_fits_its_column(november, clock, database_url, tmp_path):
    path = tmp_path / "十一月.xlsx"
    result = CliRunner().invoke(main, ["report", "--month", "2026-11", "--xlsx", str(path)], obj=clock,
                                env={"GRIDBOT_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    for name in ("网格", "网格员"):
        sheet = book[name]
        for cell in sheet[1]:  # Chinese characters are two of Excel's width units each: 按期办结率 needs ten
            # A width not written in the file is Excel's default, about eight (openpyxl would make up 13 for it).
            assert cell.column_letter in sheet.column_dimensions, (name, cell.value)
            width = sheet.column_dimensions[cell.column_letter].width
            assert width >= 2 * len(cell.value), (name, cell.value, width)


def test_a_month_typed_with_full_width_digits_is_read(november, clock, database_url, tmp_path):
    path = tmp_path / "十一月.xlsx"
    result = CliRunner().invoke(main, ["report", "--month", "２０２６－１１ ", "--xlsx", str(path)], obj=clock,
                                env={"GRIDBOT_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert "：全部街道 2026年11月，" in result.output and "收到 5 件" in result.output


def test_the_done_line_names_the_scope_whose_figures_it_quotes(november, clock, database_url, tmp_path):
    """gridbot report --scope 幸福里社区 said only 2026-11 月 … 收到 5 件: the line now says whose month it is."""
    result = CliRunner().invoke(main, ["report", "--month", "2026-11", "--xlsx", str(tmp_path / "r.xlsx"), "--scope",
                                       "幸福里社区"], obj=clock, env={"GRIDBOT_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert "：幸福里社区 2026年11月，" in result.output


def test_a_report_of_the_month_still_running_says_it_is_not_the_whole_month(november, clock, database_url, tmp_path):
    """On 2 December a report of December looked like a month's: it went to the district with two days in it."""
    env = {"GRIDBOT_DATABASE_URL": database_url}
    running = CliRunner().invoke(main, ["report", "--month", "2026-12", "--xlsx", str(tmp_path / "d.xlsx")],
                                 obj=clock, env=env)
    assert running.exit_code == 0, running.output
    as_of = clock().astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")
    assert f"这个月还没过完，数字截至 {as_of}（北京时间）" in running.output
    ended = CliRunner().invoke(main, ["report", "--month", "2026-11", "--xlsx", str(tmp_path / "n.xlsx")],
                               obj=clock, env=env)
    assert "还没过完" not in ended.output


def test_a_bad_month_or_file_is_refused_in_one_line(november, clock, database_url, tmp_path):
    env = {"GRIDBOT_DATABASE_URL": database_url}
    bad = CliRunner().invoke(main, ["report", "--month", "2026-13", "--xlsx", str(tmp_path / "a.xlsx")], obj=clock,
                             env=env)
    assert bad.exit_code == 1 and "月份请写成 YYYY-MM" in bad.output
    ahead = CliRunner().invoke(main, ["report", "--month", "2027-06", "--xlsx", str(tmp_path / "a.xlsx")], obj=clock,
                               env=env)
    assert ahead.exit_code == 1 and f"2027-06 还没到（今天是 {clock().astimezone(LOCAL_ZONE):%Y-%m-%d}）" in ahead.output
    assert not (tmp_path / "a.xlsx").exists()
    csv = CliRunner().invoke(main, ["report", "--month", "2026-11", "--xlsx", str(tmp_path / "a.csv")], obj=clock,
                             env=env)
    assert csv.exit_code == 1 and "以 .xlsx 结尾" in csv.output
    nowhere = CliRunner().invoke(main, ["report", "--month", "2026-11", "--xlsx", str(tmp_path / "no" / "a.xlsx")],
                                 obj=clock, env=env)
    assert nowhere.exit_code == 1 and "无法写入" in nowhere.output
    assert "文件或目录不存在" in nowhere.output and "No such file" not in nowhere.output  # the OS's reason in Chinese
    (tmp_path / "folder.xlsx").mkdir()
    folder = CliRunner().invoke(main, ["report", "--month", "2026-11", "--xlsx", str(tmp_path / "folder.xlsx")],
                                obj=clock, env=env)
    assert folder.exit_code == 1 and "这是一个目录" in folder.output


def test_the_members_sheet_adds_up_to_the_grids_sheet(november, clock, database_url, tmp_path):
    path = tmp_path / "十一月.xlsx"
    result = CliRunner().invoke(main, ["report", "--month", "2026-11", "--xlsx", str(path)], obj=clock,
                                env={"GRIDBOT_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    header, *rows = book["网格员"].iter_rows(values_only=True)
    people = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    # t3 (never claimed) and t4 (不受理 before anyone claimed it) belong to nobody: the district still finds them
    assert people["（无人接单）"]["收到"] == 2 and people["（无人接单）"]["派发"] == 1
    assert rows[-1][0] == "合计"
    grids_total = next(row for row in book["网格"].iter_rows(values_only=True) if row[0] == "合计")
    assert rows[-1][2:] == grids_total[1:]
    assert sum(row[2] for row in rows[:-1]) == grids_total[1] == 5
    definitions = {row[0]: row[1] for row in book["说明"].iter_rows(min_row=2, values_only=True)}
    assert "合计与网格表的合计相同" in definitions["网格员"]
