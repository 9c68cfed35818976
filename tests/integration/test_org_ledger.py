"""Real ledgers over time: a street office's own workbook in, the organisation listed, exported, pruned."""

import io
import json
import time
import zipfile
from datetime import timedelta

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli.gridbot import main
from bot.sheets.org import read_org_rows
from storage import duty, org
from storage.models import Building, Grid, Staff, Unit
from tests.support.files import write
from tests.support.personas import RESIDENT

pytestmark = pytest.mark.postgres

HEADER = ["街道", "社区", "网格", "小区", "楼栋", "单元"]


def gridbot(database_url, *args, obj=None):
    result = CliRunner().invoke(main, list(args), env={"GRIDBOT_DATABASE_URL": database_url}, obj=obj)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def office_ledger(path):
    """A workbook as a street office keeps it: a merged title, a date line, the header, 社区 and 网格 merged down
    their rows, full-width digits and a spaced name, a 合计 line at the end."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["东湖街道网格化管理台账（2026 年 12 月）"])
    sheet.merge_cells("A1:F1")
    sheet.append(["填报单位：东湖街道办事处", None, None, None, "填报日期：2026-12-01"])
    sheet.append([" 街道 ", "社区", "网格", "小区", "楼 栋", "单元"])
    rows = [
        ("东湖街道", "滨湖社区", "第一网格", "滨湖花园", "１号楼", "1单元"),
        (None, None, None, "滨湖花园", "１号楼", "2单元"),
        (None, None, None, "滨湖花园", "2号楼", "1单元"),
        (None, None, "第二网格", "湖畔 人家", "3号楼", 1),
        (None, "新星社区", "第一网格", "新星花园", "A座", None),
        (None, None, None, "新星花园", "B座", None),
    ]
    for row in rows:
        sheet.append(list(row))
    sheet.merge_cells("A4:A9")  # 街道
    sheet.merge_cells("B4:B7")  # 滨湖社区
    sheet.merge_cells("C4:C6")  # 第一网格
    sheet.merge_cells("B8:B9")  # 新星社区
    sheet.merge_cells("C8:C9")
    sheet.append(["合计", None, "3 个网格", None, "5 栋", "4 个单元"])
    workbook.save(path)
    return path


def counts(database):
    with database.transaction() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model)
                                                    .where(model.active.is_(True)))
                for model in (Grid, Building, Unit)}


def test_an_office_ledger_with_a_title_merged_cells_and_a_total_line_imports_as_written(database, database_url,
                                                                                          tmp_path):
    path = office_ledger(tmp_path / "台账.xlsx")

    result = gridbot(database_url, "import", "org", str(path))

    assert result.exit_code == 0, result.output
    assert "导入完成（6 行）：新建 1 个街道、2 个社区、3 个网格、5 栋楼、4 个单元。" in result.stdout
    with database.transaction() as session:
        names = sorted(session.scalars(select(Building.compound + "·" + Building.name)))
    assert names == ["新星花园·A座", "新星花园·B座", "湖畔人家·3号楼", "滨湖花园·1号楼", "滨湖花园·2号楼"]
    assert [row.line for row in read_org_rows(path)] == [4, 5, 6, 7, 8, 9]


def _rewritten(path, sheet_xml):
    """The workbook at `path` with its first sheet's XML passed through `sheet_xml`."""
    source = zipfile.ZipFile(path)
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            target.writestr(member.filename, sheet_xml(data) if member.filename == "xl/worksheets/sheet1.xml" else data)
    path.write_bytes(packed.getvalue())
    return path


@pytest.mark.parametrize("spoil", [
    lambda xml: xml.replace(b'ref="A4:A9"', b'ref="A4:Z200000"'),  # one merged range over five million cells
    lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + b" " * (120 * 1024 * 1024)),  # a zip bomb
], ids=["a merged range over millions of cells", "a sheet unpacking to 120 MB"])
def test_a_workbook_of_a_few_kilobytes_claiming_far_more_is_refused_before_it_is_loaded(database, database_url,
                                                                                       tmp_path, spoil):
    path = _rewritten(office_ledger(tmp_path / "台账.xlsx"), spoil)
    assert path.stat().st_size < 200 * 1024
    started = time.monotonic()

    result = gridbot(database_url, "import", "org", str(path))

    assert time.monotonic() - started < 5
    assert result.exit_code != 0 and "解压后过大，或合并单元格的范围过大" in result.output
    assert counts(database) == {"grids": 0, "buildings": 0, "units": 0}


def test_full_width_and_spaced_names_of_a_reimport_map_to_the_buildings_already_stored(database, database_url,
                                                                                        tmp_path):
    gridbot(database_url, "import", "org", str(office_ledger(tmp_path / "台账.xlsx")))
    before = counts(database)
    path = write(tmp_path / "again.csv", [",".join(HEADER), "东湖街道,滨湖社区,第一网格,滨湖花园,1 号楼,１单元",
                                          "东湖街道,滨湖社区,第二网格,湖畔人家,３号楼,1"])

    result = gridbot(database_url, "import", "org", str(path))

    assert result.exit_code == 0, result.output
    assert "没有需要新建的" in result.stdout
    assert counts(database) == before


def test_a_blank_hierarchy_cell_in_a_csv_repeats_the_one_above_but_a_blank_building_is_missing(database,
                                                                                                 database_url,
                                                                                                 tmp_path):
    path = write(tmp_path / "org.csv", [",".join(HEADER), "东湖街道,滨湖社区,第一网格,滨湖花园,1号楼,1单元",
                                        ",,,,2号楼,1单元", ",,,,,2单元", "小计,,,,,"])

    result = gridbot(database_url, "import", "org", str(path))

    assert result.exit_code == 1
    assert result.stderr.splitlines()[1].startswith("  第 4 行：缺少“楼栋”（第 3 行的“2号楼”像是合并的单元格")


def test_the_same_error_on_thousands_of_rows_is_listed_three_times_and_counted(database, database_url, tmp_path):
    lines = [",".join(HEADER)] + [f"东湖街道,,第一网格,滨湖花园,{n}号楼," for n in range(1, 4971)]
    lines[1] = "东湖街道,,第一网格,滨湖花园,1号楼," + "长" * 65
    path = write(tmp_path / "org.csv", lines)

    result = gridbot(database_url, "import", "org", str(path))

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "文件有 4971 处错误，未导入任何数据：",
        "  第 2 行：缺少“社区”",
        "  第 3 行：缺少“社区”",
        "  第 4 行：缺少“社区”",
        "  以及另外 4967 行同样的问题",
        "  第 2 行：“单元”太长（65 个字），最多 64 个字",
        "请修改以上各行后重新导入。",
    ]


def test_a_street_of_five_thousand_rows_imports_in_seconds(database, database_url, tmp_path, capsys):
    lines = [",".join(HEADER)]
    for n in range(5000):
        community, grid, building, unit = n // 1000, n // 250, n // 5, n % 5
        lines.append(f"东湖街道,社区{community},网格{grid},花园{grid},{building}号楼,{unit + 1}单元")
    path = write(tmp_path / "street.csv", lines)

    started = time.perf_counter()
    result = gridbot(database_url, "import", "org", str(path))
    seconds = time.perf_counter() - started

    assert result.exit_code == 0, result.output
    assert "新建 1 个街道、5 个社区、20 个网格、1000 栋楼、5000 个单元" in result.stdout
    with capsys.disabled():
        print(f"\n5,000-row street import: {seconds:.2f} s")
    assert seconds < 30  # the issue measured 5-6 s; a generous bound for a shared, busy test machine


def test_an_export_imports_back_unchanged(seeded, database_url, tmp_path):
    exported = tmp_path / "org.xlsx"

    result = gridbot(database_url, "org", "export", str(exported))

    assert result.exit_code == 0, result.output
    assert "已导出 15 行（9 栋楼）" in result.stdout
    rows = read_org_rows(exported)
    assert rows[0].street == "幸福街道" and rows[0].building == "1号楼" and rows[0].unit == "1单元"
    again = gridbot(database_url, "import", "org", str(exported))
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines() == [
        "导入完成（15 行）：没有需要新建的，全部已存在（1 个街道、2 个社区、4 个网格、9 栋楼、13 个单元）。"
    ]


def test_a_ledger_lacking_buildings_reports_them_and_prune_deactivates_them(seeded, database_url, tmp_path, wechat):
    exported = tmp_path / "org.xlsx"
    gridbot(database_url, "org", "export", str(exported))
    workbook = openpyxl.load_workbook(exported)
    sheet = workbook.active
    for row in reversed(range(2, sheet.max_row + 1)):
        if sheet.cell(row, 5).value == "3号楼":
            sheet.delete_rows(row)
    workbook.save(exported)

    reported = gridbot(database_url, "import", "org", str(exported))

    assert "台账中缺少 1 个楼栋：幸福里社区·第一网格·阳光花园·3号楼" in reported.stdout
    assert "加 --prune" in reported.stdout
    pruned = gridbot(database_url, "import", "org", str(exported), "--prune")
    assert "已停用 0 个网格、1 个楼栋、0 个单元" in pruned.stdout
    assert "3 位居民仍绑定在这些楼栋，住址和诉求都保留" in pruned.stdout
    wechat.dialog("o_new", [("绑定", "请选择您所在的社区"), ("1", "请选择您所在的小区"), ("1", "2. 2号楼")])
    assert "3号楼" not in wechat.send("o_new", "4")
    assert "阳光花园3号楼" in wechat.send(RESIDENT, "我的地址")  # the resident keeps the address
    assert "台账中缺少" not in gridbot(database_url, "import", "org", str(exported)).stdout


def test_a_grid_the_ledger_dropped_takes_nobody_new_but_its_past_is_still_read(seeded, database_url, tmp_path):
    exported = tmp_path / "org.xlsx"
    gridbot(database_url, "org", "export", str(exported))
    workbook = openpyxl.load_workbook(exported)
    sheet = workbook.active
    for row in reversed(range(2, sheet.max_row + 1)):
        if (sheet.cell(row, 2).value, sheet.cell(row, 3).value) == ("和平社区", "第二网格"):
            sheet.delete_rows(row)
    workbook.save(exported)
    assert "已停用 1 个网格" in gridbot(database_url, "import", "org", str(exported), "--prune").stdout

    member_moved = gridbot(database_url, "staff", "move", "张伟", "--grid", "和平社区·第二网格", "--tasks", "keep")
    building_moved = gridbot(database_url, "org", "move-building", "阳光花园·1号楼", "--grid", "和平社区·第二网格",
                             "--yes")

    for refused in (member_moved, building_moved):
        assert refused.exit_code == 1 and "找不到网格“和平社区·第二网格”" in refused.output, refused.output
    assert gridbot(database_url, "org", "codes", "--scope", "和平社区·第二网格").exit_code == 0


def test_org_list_shows_the_tree_and_scripts_get_json_and_csv(seeded, database_url):
    listed = gridbot(database_url, "org", "list", "--scope", "幸福里社区")

    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert lines[:4] == ["幸福里社区（幸福街道）", "  第一网格（抢单，3 名成员）", "    阳光花园",
                         lines[3]]
    assert lines[3].startswith("      1号楼（2 个单元，1 位居民，ID ")
    assert "和平社区" not in listed.stdout
    as_json = json.loads(gridbot(database_url, "org", "list", "--json").stdout)
    assert [community["name"] for community in as_json] == ["幸福里社区", "和平社区"]
    assert as_json[0]["grids"][0]["buildings"][2]["residents"] == 3
    as_csv = gridbot(database_url, "org", "list", "--csv", "--scope", "和平社区·第二网格").stdout.splitlines()
    assert as_csv[0].startswith("\ufeff街道,社区,网格,模式,成员,小区,楼栋")  # the BOM: Excel reads it as UTF-8
    assert [line.split(",")[6] for line in as_csv[1:]] == ["A座", "B座"]
    assert {line.split(",")[3] for line in as_csv[1:]} <= {"抢单", "派单"}


def test_an_unclear_scope_is_one_line_naming_the_candidates(seeded, database_url):
    result = gridbot(database_url, "org", "list", "--scope", "第一网格")

    assert result.exit_code == 1
    assert "幸福里社区·第一网格" in result.stderr and "Traceback" not in result.output


def test_grid_list_and_a_mode_for_a_whole_community(seeded, database_url):
    done = gridbot(database_url, "grid", "mode", "派单", "--community", "幸福里社区")
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("幸福里社区 的 2 个网格设为派单模式（其中 2 个原来不是）")
    assert gridbot(database_url, "grid", "mode", "和平社区·第一网格", "派单").exit_code == 0  # the old form
    mode_first = gridbot(database_url, "grid", "mode", "派单", "和平社区·第二网格")  # the --community form's order
    assert mode_first.exit_code == 0 and mode_first.stdout.startswith("已将 和平社区·第二网格 设为派单模式"), mode_first.output

    listed = gridbot(database_url, "grid", "list").stdout.splitlines()

    assert listed == ["网格\t模式\t在岗/成员\t未办结", "幸福里社区·第一网格\t派单\t3/3\t0",
                      "幸福里社区·第二网格\t派单\t1/1\t0", "和平社区·第一网格\t派单\t1/1\t0",
                      "和平社区·第二网格\t派单\t1/1\t0"]
    wrong = gridbot(database_url, "grid", "mode", "派单")
    assert wrong.exit_code == 1 and "--community" in wrong.stderr


def test_a_mode_for_a_whole_street_sets_its_communities_grids_and_no_other_streets(seeded, database_url, clock):
    from storage import seeding

    with seeded.transaction() as session:  # 滨湖街道: another street, left as it is
        seeding.seed_street(session, seeding.StreetPlan(
            "滨湖街道", {"湖畔社区": {"第一网格": ("湖畔小区", {"1号楼": ("1单元",)})}}), clock())
    gridbot(database_url, "grid", "mode", "派单", "--community", "和平社区")

    done = gridbot(database_url, "grid", "mode", "派单", "--street", "幸福街道")

    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("幸福街道 2 个社区的 4 个网格设为派单模式（其中 2 个原来不是）")
    listed = gridbot(database_url, "grid", "list").stdout.splitlines()
    assert all("\t派单\t" in line for line in listed if line.startswith(("幸福里社区", "和平社区")))
    assert any(line.startswith("湖畔社区·第一网格\t抢单") for line in listed), listed
    unknown = gridbot(database_url, "grid", "mode", "派单", "--street", "火星街道")
    assert unknown.exit_code == 1 and "火星街道" in unknown.stderr and "Traceback" not in unknown.output
    both = gridbot(database_url, "grid", "mode", "派单", "--street", "幸福街道", "--community", "和平社区")
    assert both.exit_code == 1 and "只写一个" in both.stderr


def test_grid_list_counts_a_member_whose_leave_ran_out_on_duty_as_派单_does(seeded, database_url, clock):
    # 张伟's leave through tomorrow ended at the midnight after it: 派单 picks him again, the list said 2/3.
    with seeded.transaction() as session:
        zhang = session.scalars(select(Staff).where(Staff.name == "张伟")).one()
        duty.set_duty(zhang, False, duty.today(clock()) + timedelta(days=1), clock())
    listed = gridbot(database_url, "grid", "list", "--scope", "幸福里社区", obj=clock).stdout.splitlines()
    assert listed[1] == "幸福里社区·第一网格\t抢单\t2/3\t0"
    clock.advance(days=2)
    listed = gridbot(database_url, "grid", "list", "--scope", "幸福里社区", obj=clock).stdout.splitlines()
    assert listed[1] == "幸福里社区·第一网格\t抢单\t3/3\t0"


def test_grid_list_names_the_street_where_a_second_street_has_a_community_of_the_same_name(seeded, database_url,
                                                                                          clock):
    from storage import seeding

    with seeded.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan("平安街道", {"和平社区": {"第一网格": ("平安小区", {
            "1号楼": ("1单元",)})}}), clock())

    listed = gridbot(database_url, "grid", "list").stdout.splitlines()

    assert "幸福街道·和平社区·第一网格\t抢单\t1/1\t0" in listed and "平安街道·和平社区·第一网格\t抢单\t0/0\t0" in listed
    assert gridbot(database_url, "grid", "list", "--scope", "平安街道").stdout.splitlines()[1:] == [
        "和平社区·第一网格\t抢单\t0/0\t0"]


def test_names_are_normalised_the_same_way_the_migration_does():
    import importlib.util
    from pathlib import Path

    source = Path(org.__file__).parent / "migrations" / "versions" / "0017_org_over_time.py"
    spec = importlib.util.spec_from_file_location("migration_0017", source)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for name in ("３号楼", "3 号楼", "Ａ座", "阳光  花园", " Block  A ", "东方名苑B座"):
        assert org.normalised_name(name) == migration._normalised(name)
    assert org.normalised_name("３ 号楼") == "3号楼" and org.normalised_name("Block  A") == "Block A"


def test_a_ledger_of_one_community_leaves_the_other_communities_alone(seeded, database_url, tmp_path):
    exported = tmp_path / "heping.xlsx"
    gridbot(database_url, "org", "export", str(exported), "--scope", "和平社区")

    result = gridbot(database_url, "import", "org", str(exported), "--prune")

    assert result.exit_code == 0, result.output
    assert "台账中缺少" not in result.stdout and "已停用" not in result.stdout
    assert counts(seeded) == {"grids": 4, "buildings": 9, "units": 13}


def test_a_ledger_of_one_grid_is_exported_with_a_warning_against_pruning_its_community(seeded, database_url, tmp_path):
    one_grid = gridbot(database_url, "org", "export", str(tmp_path / "grid.xlsx"), "--scope", "和平社区·第一网格")
    community = gridbot(database_url, "org", "export", str(tmp_path / "heping.xlsx"), "--scope", "和平社区")

    assert one_grid.stdout.splitlines()[1] == (
        "注意：这只是 和平社区·第一网格 一个网格的台账。导回时，本社区的其他网格会被报告为“台账中缺少”，不要加 --prune"
        "（那会停用它们）；要改整个社区，请用 --scope 和平社区 导出。")
    assert len(community.stdout.splitlines()) == 1
    assert "台账中缺少 1 个网格：和平社区·第二网格" in gridbot(database_url, "import", "org", str(tmp_path / "grid.xlsx")).stdout
