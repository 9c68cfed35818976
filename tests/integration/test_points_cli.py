"""`gridbot points`: the month's report (and its workbook), 积分兑换 never below zero, an operator's reversal, and a
person's entries — what an operator needs to answer "why do I have 37 points"."""

from __future__ import annotations

import json
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import event, select

from storage import org, points, points_report, staff
from storage.models import Grid, PointsEntry, Staff, StaffRole, Wish
from storage.points import Source
from storage.queries import Scope
from tests.support.cli import ok, refused
from tests.support.database import staff_id
from tests.support.personas import BUILDING_LEAD, CHEN, PARTY_MEMBER, VOLUNTEER, ZHANG
from tests.support.street import ANNING, SQUAD_ANNING, SQUAD_XINGFU, add_second_street

pytestmark = pytest.mark.postgres


@pytest.fixture
def earned(seeded, clock):
    """November: 陈明 (党员) 3 wishes done (15), 张伟 (网格员) one 办结 (2) and 陈静 (和平社区) one (2); 陈明 then
    redeems 4. December: 陈明 one wish more (5). Returns 陈明's first grant's entry id."""
    ids = {openid: staff_id(seeded, openid) for openid in (PARTY_MEMBER, ZHANG, CHEN)}
    with seeded.transaction() as session:
        community = session.get_one(Staff, ids[PARTY_MEMBER]).community_id
        made = [Wish(code=f"W261122{number:04d}", community_id=community, text="陪老人去医院", status="open",
                     created_at=clock()) for number in range(1, 6)]
        session.add_all(made)
        session.flush()
        first = points.grant(session, ids[PARTY_MEMBER], "task_confirmed", Source(wish_id=made[0].id), clock())
        for wish in made[1:3]:
            points.grant(session, ids[PARTY_MEMBER], "task_confirmed", Source(wish_id=wish.id), clock())
        points.grant(session, ids[ZHANG], "resolved", Source(wish_id=made[3].id), clock())
        points.grant(session, ids[CHEN], "resolved", Source(wish_id=made[3].id), clock())
        points.redeem(session, ids[PARTY_MEMBER], 4, "兑换洗衣液一瓶", clock())
        points.grant(session, ids[PARTY_MEMBER], "task_confirmed", Source(wish_id=made[4].id),
                     clock() + timedelta(days=10))
        assert first is not None
        return first.id


def test_the_report_lists_each_persons_month_by_rule_with_totals(gridbot, earned):
    printed = ok(gridbot("points", "report", "--month", "2026-11")).splitlines()
    assert printed[0].startswith("2026-11 积分")
    header = printed[1].split()
    assert header[:5] == ["姓名", "角色", "地点", "街道", "领单任务完成"]
    assert header[-4:] == ["撤销", "兑换", "本月净得", "月末余额"]
    chen = printed[2].split()
    assert chen[:2] == ["陈明", "党员"] and chen[3:5] == ["幸福街道", "15"] and chen[-4:] == ["0", "-4", "11", "11"]
    total = printed[-1].split()
    assert total[0] == "合计" and total[1] == "15" and total[-4:] == ["0", "-4", "15", "15"]
    assert len(printed) == 6  # heading, header, 陈明, 张伟, 陈静, 合计


def test_the_report_takes_a_scope_and_a_later_month_carries_the_balance(gridbot, earned, clock):
    scoped = ok(gridbot("points", "report", "--month", "2026-11", "--scope", "幸福里社区"))
    assert "陈明" in scoped and "张伟" in scoped and "陈静" not in scoped
    clock.advance(days=10)  # 12月2日: December has begun
    december = ok(gridbot("points", "report", "--month", "2026-12")).splitlines()
    chen = next(line.split() for line in december if line.startswith("陈明"))
    assert chen[4] == "5" and chen[-2:] == ["5", "16"]  # this month's net, the balance at its end
    assert any(line.startswith("张伟") and line.split()[-2:] == ["0", "2"] for line in december)  # holds points
    assert "没有积分记录" in ok(gridbot("points", "report", "--month", "2026-10"))


def test_a_month_not_begun_yet_is_refused_not_printed_as_zeros(gridbot, earned, tmp_path):
    file = tmp_path / "积分12月.xlsx"
    said = refused(gridbot("points", "report", "--month", "2026-12", "--xlsx", str(file)))
    assert "2026-12 还没到（今天是 2026-11-22），这个月还没有积分可报。" in said
    assert "合计" not in said and not file.exists()


def test_the_report_writes_a_workbook_that_opens_with_the_same_figures(gridbot, earned, tmp_path):
    file = tmp_path / "积分11月.xlsx"
    printed = ok(gridbot("points", "report", "--month", "2026-11", "--xlsx", str(file)))
    assert f"已写入 {file}：2026-11 3 人，本月净得合计 15 分。" in printed
    book = openpyxl.load_workbook(file)
    sheet = book["积分"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:5] == ["姓名", "角色", "地点", "街道", "领单任务完成"]
    assert rows[1][0] == "陈明" and rows[1][3:5] == ["幸福街道", 15] and rows[1][-4:] == [0, -4, 11, 11]
    assert rows[-1][0] == "合计" and rows[-1][-2] == 15
    rules = [[cell.value for cell in row] for row in book["规则"].iter_rows()]
    assert ["全区", "task_confirmed", "领单任务完成", 5, 100] in rules
    assert ["全区", "rated_unsatisfied", "居民不满意", -2, "不限"] in rules


@pytest.fixture
def street_rules(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """The shipped rules, with 幸福街道's task_confirmed at 8 (cap 160) and 和平街道 (no such street) relaying at 0,
    for the command in the test's process (gridbot reads GRIDBOT_POINTS_RULES at start-up)."""
    from storage import points_rules

    path = tmp_path / "points.toml"
    path.write_text(points_rules.SHIPPED.read_text(encoding="utf-8")
                    + '\n[street."幸福街道".task_confirmed]\npoints = 8\nmonthly_cap = 160\n'
                      '\n[street."和平街道".notice_relayed]\npoints = 0\n', encoding="utf-8")
    monkeypatch.setenv("GRIDBOT_POINTS_RULES", str(path))
    monkeypatch.setattr(points_rules, "_configured", [path])
    return path


def test_the_report_and_its_workbook_name_a_streets_own_rules(gridbot, earned, street_rules, tmp_path):
    file = tmp_path / "积分11月.xlsx"
    printed = ok(gridbot("points", "report", "--month", "2026-11", "--xlsx", str(file))).splitlines()
    assert printed[1] == "幸福街道有自己的规则：领单任务完成 +8 分（每月至多 160 分）；其余规则同全区。"
    assert printed[2].split()[:5] == ["姓名", "角色", "地点", "街道", "领单任务完成"]
    rules = [[cell.value for cell in row] for row in openpyxl.load_workbook(file)["规则"].iter_rows()]
    assert ["全区", "task_confirmed", "领单任务完成", 5, 100] in rules
    assert ["幸福街道", "task_confirmed", "领单任务完成", 8, 160] in rules
    assert not any(row[0] == "幸福街道" and row[1] != "task_confirmed" for row in rules)


def test_points_rules_lists_each_streets_own(gridbot, seeded, street_rules):
    street_rules.write_text(street_rules.read_text(encoding="utf-8").replace("和平街道", "幸福街道"), encoding="utf-8")
    printed = ok(gridbot("points", "rules"))
    assert "全区的积分规则" in printed and "task_confirmed     领单任务完成  每次 +5 分，每月上限 100" in printed
    assert "幸福街道有自己的规则：领单任务完成 +8 分（每月至多 160 分）" in printed
    street = ok(gridbot("points", "rules", "--street", "幸福街道")).splitlines()
    assert street[0] == "幸福街道的积分规则（其中标 * 的是本街道自己定的，其余同全区）："
    assert street[1].startswith("  *task_confirmed") and "每次 +8 分，每月上限 160" in street[1]
    assert street[6].startswith("   resolved") and "每次 +2 分" in street[6]
    assert refused(gridbot("points", "rules", "--street", "平安街道")) == "台账里没有叫“平安街道”的街道（有：幸福街道）。"


def test_points_rules_refuses_a_street_the_ledger_has_not_naming_the_line_and_the_ledgers_streets(
        gridbot, seeded, street_rules):
    line = street_rules.read_text(encoding="utf-8").splitlines().index('[street."和平街道".notice_relayed]') + 1
    for args in (("points", "rules"), ("points", "rules", "--street", "幸福街道")):
        result = gridbot(*args)
        assert result.exit_code == 2
        assert result.stderr.strip() == (
            f"GRIDBOT_POINTS_RULES 指向的积分规则文件 {street_rules} 第 {line} 行：街道“和平街道”在台账里没有（多半是街道名写错了，"
            "它的规则不会用上；台账里的街道有：幸福街道）（格式见 README“积分”一节和随软件附带的 storage/data/points.toml）。")


@pytest.mark.parametrize(("args", "line"), [
    (("report", "--month", "2026-13"), "月份请写成 YYYY-MM，如 2026-11；收到“2026-13”。"),
    (("report", "--month", "11月"), "月份请写成 YYYY-MM"),
    (("report", "--month", "2026-11", "--xlsx", "out.csv"), "报表文件名请以 .xlsx 结尾"),
    (("redeem", "陈明", "2.5", "兑换"), "积分数请写正整数，如 20；收到“2.5”。"),
    (("redeem", "陈明", "-3", "兑换"), "积分数请写正整数"),
    (("redeem", "陈明", "0", "兑换"), "积分数请写正整数"),
    (("redeem", "陈小明", "3", "兑换"), "没有叫“陈小明”的人员"),
    (("reverse", "abc", "录错了"), "记录编号请写数字"),
    (("reverse", "-5", "录错了"), "记录编号请写数字"),
    (("reverse", "999999", "录错了"), "没有编号为 999999 的积分记录。"),
    (("reverse", "99999999999", "录错了"), "没有编号为 99999999999 的积分记录。"),  # past any id, as on SQLite
    (("show", "无此人"), "没有叫“无此人”的人员"),
    (("report", "--month", "2026-11", "--scope", "无此社区"), "无此社区"),
])
def test_a_bad_argument_is_refused_in_one_chinese_line(gridbot, earned, args, line):
    assert line in refused(gridbot("points", *args))


def test_a_redemption_records_an_exchange_and_prints_the_balance(gridbot, earned, seeded):
    printed = ok(gridbot("points", "redeem", "陈明", "10", "兑换", "大米一袋"))
    assert printed.startswith("已记录积分兑换：陈明 -10 分（兑换 大米一袋）") and printed.strip().endswith("现有 6 分。")
    assert refused(gridbot("points", "redeem", "陈明", "7", "兑换油")) == "陈明 现有 6 分，不够兑换 7 分，没有记录。"
    with seeded.transaction() as session:
        redemptions = session.scalars(select(PointsEntry.amount).where(PointsEntry.rule == "redeem")).all()
    assert sorted(redemptions) == [-10, -4]


def test_two_people_of_one_name_are_refused_with_their_ids(gridbot, seeded, earned, clock):
    with seeded.transaction() as session:
        twin = session.scalars(select(Staff).where(Staff.openid == VOLUNTEER)).one()
        session.add(Staff(openid="o_chenming_2", name="陈明", role=StaffRole.VOLUNTEER, grid_id=twin.grid_id,
                          community_id=twin.community_id, building_id=twin.building_id, active=True,
                          created_at=clock()))
    line = refused(gridbot("points", "redeem", "陈明", "1", "兑换"))
    assert "有 2 位叫“陈明”的人员" in line and f"[{staff_id(seeded, PARTY_MEMBER)}] 陈明 · 党员" in line
    assert ok(gridbot("points", "redeem", str(staff_id(seeded, PARTY_MEMBER)), "1", "兑换")).startswith("已记录")


def test_an_operator_reverses_an_entry_once_and_never_a_reversal(gridbot, earned, seeded):
    printed = ok(gridbot("points", "reverse", str(earned), "重复记分"))
    assert printed.startswith(f"已撤销记录 {earned}（陈明 领单任务完成 +5）") and "陈明 现有 11 分" in printed
    assert refused(gridbot("points", "reverse", str(earned), "再撤")) == f"记录 {earned} 已经撤销过了，不能再撤销。"
    with seeded.transaction() as session:
        undo = session.scalars(select(PointsEntry.id).where(PointsEntry.reverses_id == earned)).one()
    assert "本身就是一次撤销" in refused(gridbot("points", "reverse", str(undo), "撤销撤销"))


def test_a_reversal_that_would_take_back_points_already_redeemed_is_refused_with_the_figures(gridbot, earned,
                                                                                              seeded):
    ok(gridbot("points", "redeem", "陈明", "14", "兑换", "大米一袋"))  # 20 earned, 4 + 14 spent: 2 left
    printed = refused(gridbot("points", "reverse", str(earned), "重复记分"))
    assert printed.startswith(f"没有撤销：陈明 现有 2 分，撤销记录 {earned}（领单任务完成 +5）会变成 -3 分")
    chen = staff_id(seeded, PARTY_MEMBER)
    with seeded.transaction() as session:
        assert session.scalars(select(PointsEntry).where(PointsEntry.reverses_id == earned)).all() == []
        assert points.balance(session, chen) == 2


def test_show_lists_a_persons_entries_with_ids_and_what_undid_them(gridbot, earned):
    ok(gridbot("points", "reverse", str(earned), "重复记分"))
    lines = ok(gridbot("points", "show", "陈明")).splitlines()
    assert lines[0] == "陈明（党员，幸福里社区·第一网格·阳光花园·2号楼）现有 11 分，共 6 条记录，最新的在前："
    assert "撤销「领单任务完成」 -5，W2611220001（重复记分）" in lines[1]
    assert lines[-1].startswith(f"[{earned}] 2026-11-22 10:00 领单任务完成 +5，W2611220001")
    assert lines[-1].endswith("撤销）") and "积分兑换 -4（兑换洗衣液一瓶）" in "\n".join(lines)
    shown = json.loads(ok(gridbot("points", "show", "陈明", "--json")))
    assert shown["balance"] == 11 and shown["role"] == "党员" and len(shown["entries"]) == 6
    assert shown["entries"][-1]["reversed_by"] == shown["entries"][0]["id"]
    assert "还没有积分记录" in ok(gridbot("points", "show", "赵阿姨"))
    assert BUILDING_LEAD not in ok(gridbot("points", "show", "赵阿姨", "--json"))


def test_a_streets_report_of_hundreds_of_building_leads_reads_their_places_at_once(seeded, clock):
    with seeded.transaction() as session:
        grid = session.scalars(select(Grid).order_by(Grid.id)).first()
        leads = []
        for number in range(1, 201):
            building = org.ensure_building(session, grid, f"{number}号楼", "新苑")
            leads.append(Staff(name=f"楼长{number}", role=StaffRole.BUILDING_LEAD, grid_id=grid.id,
                               building_id=building.id, created_at=clock()))
        session.add_all(leads)
        session.flush()
        for lead in leads:
            session.add(PointsEntry(staff_id=lead.id, amount=1, rule="notice_relayed", month="2026-11",
                                    created_at=clock(), key=f"test:{lead.id}"))
    statements = []

    def seen(*_args):  # type: ignore[no-untyped-def]
        statements.append(1)

    event.listen(seeded.engine, "before_cursor_execute", seen)
    try:
        with seeded.transaction() as session:
            report = points_report.report(session, "2026-11", Scope())
    finally:
        event.remove(seeded.engine, "before_cursor_execute", seen)

    assert {person.place for person in report.people if person.name == "楼长200"} == {"幸福里社区·第一网格·新苑·200号楼"}
    assert len(statements) < 50  # one by one: four or five a person


def test_a_streets_report_leaves_out_another_streets_department_staff(seeded, clock):
    with seeded.transaction() as session:
        add_second_street(session, clock())
    officers = [staff_id(seeded, openid) for openid in (SQUAD_XINGFU, SQUAD_ANNING)]
    with seeded.transaction() as session:
        session.add_all(PointsEntry(staff_id=one, amount=2, rule="resolved", month="2026-11", created_at=clock(),
                                    key=f"test:{one}") for one in officers)
    with seeded.transaction() as session:
        xingfu = points_report.report(session, "2026-11", Scope(street_id=staff.find_street(session, "幸福街道").id))
        anning = points_report.report(session, "2026-11", Scope(street_id=staff.find_street(session, ANNING).id))

    assert [(one.name, one.street) for one in xingfu.people] == [("周队长", "幸福街道")]
    assert [(one.name, one.street) for one in anning.people] == [("吴队长", ANNING)]
