"""`gridbot import org FILE`: real CSV and .xlsx files in, the grid hierarchy in the database out, all or nothing."""

import re
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli.gridbot import main
from bot.sheets.org import OrgFileError, read_org_rows
from bot.sheets.workbook import xlsx_lines
from storage import org_import
from storage.models import Building, Community, Grid, Street, Unit
from storage.org_import import OrgRow, Problem
from tests.support.files import write

pytestmark = pytest.mark.postgres

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "org-sample.csv"
SAMPLE_COUNTS = {"streets": 1, "communities": 2, "grids": 4, "buildings": 12, "units": 16}
EMPTY = {"streets": 0, "communities": 0, "grids": 0, "buildings": 0, "units": 0}
HEADER = "街道,社区,网格,小区,楼栋,单元"
SMALL = [
    HEADER,
    "幸福街道,幸福里社区,第一网格,阳光花园,1号楼,1单元",
    "幸福街道,幸福里社区,第一网格,阳光花园,1号楼,2单元",
    "幸福街道,幸福里社区,第二网格,锦绣家园,5号楼,1单元",
]


def counts(database) -> dict[str, int]:
    with database.transaction() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (Street, Community, Grid, Building, Unit)}


def gridbot_import(database_url: str, path: Path):
    result = CliRunner().invoke(main, ["import", "org", str(path)], env={"GRIDBOT_DATABASE_URL": database_url})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


# --- through the command, as an operator runs it ---------------------------------------------------------

def test_the_sample_file_imports_one_street_two_communities_and_four_grids(database, database_url):
    result = gridbot_import(database_url, SAMPLE)

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "导入完成（20 行）：新建 1 个街道、2 个社区、4 个网格、12 栋楼、16 个单元。"
    )
    assert counts(database) == SAMPLE_COUNTS


def test_importing_the_same_file_again_reports_everything_as_present_and_changes_nothing(database, database_url):
    gridbot_import(database_url, SAMPLE)

    again = gridbot_import(database_url, SAMPLE)

    assert again.exit_code == 0, again.output
    assert again.stdout.strip() == (
        "导入完成（20 行）：没有需要新建的，全部已存在（1 个街道、2 个社区、4 个网格、12 栋楼、16 个单元）。"
    )
    assert counts(database) == SAMPLE_COUNTS


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_a_csv_in_utf8_with_or_without_bom_or_in_gbk_imports_with_the_same_names(database, database_url, tmp_path,
                                                                                  encoding):
    path = write(tmp_path / "org.csv", SMALL, encoding)

    result = gridbot_import(database_url, path)

    assert result.exit_code == 0, result.output
    with database.transaction() as session:
        assert session.scalars(select(Street.name)).all() == ["幸福街道"]
        assert sorted(session.scalars(select(Building.compound + Building.name))) == ["锦绣家园5号楼", "阳光花园1号楼"]
    assert counts(database) == {"streets": 1, "communities": 1, "grids": 2, "buildings": 2, "units": 3}


def test_bad_rows_are_all_reported_by_line_and_nothing_of_the_file_is_imported(database, database_url, tmp_path):
    gridbot_import(database_url, SAMPLE)
    before = counts(database)
    path = write(tmp_path / "bad.csv", [
        HEADER,
        "东湖街道,新星社区,第一网格,新星花园,1号楼,1单元",  # fine, and new: must not be imported either
        "东湖街道,新星社区,第一网格,新星花园,,1单元",
        "",
        "东湖街道,新星社区,第一网格,新星花园,2号楼," + "长" * 65,
        "东湖街道,新星社区,第二网格,新星花园,1号楼,2单元",
        '东湖街道,新星社区,第一网格,新星花园,"3号\n楼",1单元',
        "东湖街道,新湖社区,,新星花园,4号楼,1单元",  # a blank 网格 of another 社区: not "same as above"
    ])

    result = gridbot_import(database_url, path)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "文件有 5 处错误，未导入任何数据：",
        "  第 3 行：缺少“楼栋”",
        "  第 5 行：“单元”太长（65 个字），最多 64 个字",
        "  第 6 行：“新星花园1号楼”在第 2 行属于“第一网格”，这里又写成“第二网格”；同一栋楼只能属于一个网格",
        "  第 7 行：“楼栋”含有换行、制表符或不可见字符，请删除",
        "  第 9 行：缺少“网格”",
        "请修改以上各行后重新导入。",
    ]
    assert counts(database) == before


def test_one_building_written_two_ways_in_a_compound_is_refused_so_residents_do_not_see_two(database, database_url,
                                                                                              tmp_path):
    path = write(tmp_path / "ledger.csv", [
        HEADER,
        "东湖街道,滨湖社区,第一网格,滨湖花园,2号楼,1单元",
        "东湖街道,滨湖社区,第一网格,滨湖花园,2栋,2单元",  # the same building as line 2
        "东湖街道,滨湖社区,第一网格,滨湖花园,02#,3单元",  # and again
        "东湖街道,滨湖社区,第一网格,滨湖花园,二号楼,4单元",  # and as said aloud
        "东湖街道,滨湖社区,第一网格,滨湖花园,3号楼,1单元",
        "东湖街道,滨湖社区,第二网格,湖畔名邸,2栋,1单元",  # another compound's 2栋: another building
        "东湖街道,滨湖社区,第二网格,,沿湖路2号,",  # a street address is no building number
    ])

    result = gridbot_import(database_url, path)

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "文件有 3 处错误，未导入任何数据：",
        "  第 3 行：“滨湖花园2栋”和第 2 行的“滨湖花园2号楼”像是同一栋楼，请统一写法（不统一的话，居民选楼栋时会看到两栋）",
        "  第 4 行：“滨湖花园02#”和第 2 行的“滨湖花园2号楼”像是同一栋楼，请统一写法（不统一的话，居民选楼栋时会看到两栋）",
        "  第 5 行：“滨湖花园二号楼”和第 2 行的“滨湖花园2号楼”像是同一栋楼，请统一写法（不统一的话，居民选楼栋时会看到两栋）",
        "请修改以上各行后重新导入。",
    ]
    assert counts(database) == EMPTY


def test_one_unit_written_as_a_number_cell_on_one_line_and_in_words_on_another_is_refused(database, database_url,
                                                                                             tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER.split(","))
    workbook.active.append(["东湖街道", "滨湖社区", "第一网格", "滨湖花园", "2号楼", "1单元"])
    workbook.active.append(["东湖街道", "滨湖社区", "第一网格", "滨湖花园", "2号楼", 1])  # the same unit, typed as 1
    workbook.active.append(["东湖街道", "滨湖社区", "第一网格", "滨湖花园", "2号楼", "一单元"])  # and as said aloud
    workbook.active.append(["东湖街道", "滨湖社区", "第一网格", "滨湖花园", "3号楼", 1])  # another building's: fine
    workbook.save(tmp_path / "ledger.xlsx")

    result = gridbot_import(database_url, tmp_path / "ledger.xlsx")

    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:-1] == [
        "  第 3 行：“滨湖花园2号楼”的“1”和第 2 行的“1单元”像是同一个单元，请统一写法（不统一的话，居民选单元时会看到两个）",
        "  第 4 行：“滨湖花园2号楼”的“一单元”和第 2 行的“1单元”像是同一个单元，请统一写法（不统一的话，居民选单元时会看到两个）"]
    assert counts(database) == EMPTY


def test_a_stored_building_whose_number_a_later_ledger_writes_another_way_is_refused_not_duplicated(
        database, database_url, tmp_path):
    gridbot_import(database_url, write(tmp_path / "2025.csv", [HEADER, "东湖街道,滨湖社区,第一网格,滨湖花园,2号楼,1单元",
                                                                "东湖街道,滨湖社区,第二网格,,3号楼,1单元"]))
    before = counts(database)
    path = write(tmp_path / "2026.csv", [
        HEADER,
        "东湖街道,滨湖社区,第一网格,滨湖花园,2栋,1单元",  # 2号楼 as this year's system writes it
        "东湖街道,滨湖社区,第二网格,,3幢,1单元",  # and the grid's own 3号楼
        "东湖街道,滨湖社区,第二网格,湖畔名邸,2栋,1单元",  # another compound's 2栋: another building
    ])

    result = gridbot_import(database_url, path)

    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:-1] == [
        "  第 2 行：“滨湖花园2栋”和已导入的“滨湖花园2号楼”像是同一栋楼，请照已导入的写法（不然居民选楼栋时会看到两栋）",
        "  第 3 行：“3幢”和已导入的“3号楼”像是同一栋楼，请照已导入的写法（不然居民选楼栋时会看到两栋）"]
    assert counts(database) == before


def test_a_stored_unit_a_later_ledger_gives_as_a_bare_number_is_refused_not_duplicated(database, database_url,
                                                                                         tmp_path):
    gridbot_import(database_url, write(tmp_path / "2025.csv", [HEADER, "东湖街道,滨湖社区,第一网格,滨湖花园,2号楼,1单元"]))
    before = counts(database)
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER.split(","))
    workbook.active.append(["东湖街道", "滨湖社区", "第一网格", "滨湖花园", "2号楼", 1])  # 1单元, typed as a number
    workbook.active.append(["东湖街道", "滨湖社区", "第一网格", "滨湖花园", "2号楼", 2])  # a new unit: fine
    workbook.save(tmp_path / "2026.xlsx")

    result = gridbot_import(database_url, tmp_path / "2026.xlsx")

    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:-1] == [
        "  第 2 行：“滨湖花园2号楼”的“1”和已导入的“1单元”像是同一个单元，请照已导入的写法（不然居民选单元时会看到两个）"]
    assert counts(database) == before


def test_one_grid_written_with_two_kinds_of_numerals_is_refused_so_its_buildings_stay_together(database,
                                                                                             database_url, tmp_path):
    path = write(tmp_path / "ledger.csv", [
        HEADER,
        "东湖街道,滨湖社区,第一网格,滨湖花园,1号楼,1单元",
        "东湖街道,滨湖社区,第1网格,滨湖花园,三号楼,1单元",  # the same grid as line 2
        "东湖街道,滨湖社区,第二网格,湖畔名邸,5号楼,1单元",
        "东湖街道,桂园社区,第1网格,桂园小区,1栋,1单元",  # another community's: another grid
    ])

    result = gridbot_import(database_url, path)

    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:-1] == [
        "  第 3 行：网格“第1网格”和第 2 行的“第一网格”像是同一个网格，请统一写法（不统一的话会导入成两个网格，各有一半楼栋）"]
    assert counts(database) == EMPTY


def test_several_units_written_in_one_cell_are_refused_so_residents_do_not_pick_a_unit_named_1_3(database,
                                                                                                  database_url,
                                                                                                  tmp_path):
    path = write(tmp_path / "units.csv", [HEADER, "幸福街道,幸福里社区,第一网格,阳光花园,1号楼,1-3单元",
                                          "幸福街道,幸福里社区,第一网格,阳光花园,2号楼,1、2单元",
                                          "幸福街道,幸福里社区,第一网格,阳光花园,3号楼,一至二单元",
                                          "幸福街道,幸福里社区,第一网格,阳光花园,4号楼,2单元"])

    result = gridbot_import(database_url, path)

    assert result.exit_code == 1
    assert "第 2 行：“单元”写的是几个单元（“1-3单元”），导入后居民只能选到一个叫“1-3单元”的单元；请每个单元写一行" in result.stderr
    assert "第 3 行：“单元”写的是几个单元（“1、2单元”）" in result.stderr
    assert "第 4 行：“单元”写的是几个单元（“一至二单元”）" in result.stderr and "第 5 行" not in result.stderr
    assert counts(database) == EMPTY


def test_a_merged_building_cell_saved_as_csv_is_explained_not_just_called_missing(database, database_url, tmp_path):
    path = write(tmp_path / "ledger.csv", [  # Excel's 另存为 CSV of a 楼栋 cell merged over its units
        HEADER,
        "东湖街道,桂园社区,第一网格,桂园小区,3栋,1单元",
        ",,,,,2单元",
        ",,,,,3单元",
    ])

    result = gridbot_import(database_url, path)

    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:3] == [
        f"  第 {line} 行：缺少“楼栋”（第 2 行的“3栋”像是合并的单元格，另存为 CSV 后只有第一行有值："
        "楼栋空着不算同上，请每行都写上，或直接导入 .xlsx 原文件）" for line in (3, 4)]
    assert counts(database) == EMPTY


def test_a_stored_street_or_community_written_with_an_office_suffix_is_refused_not_duplicated(database,
                                                                                              database_url, tmp_path):
    gridbot_import(database_url, SAMPLE)
    before = counts(database)
    path = write(tmp_path / "next-export.csv", [
        HEADER,
        "东湖街道办事处,滨湖社区,第一网格,滨湖花园,1号楼,1单元",  # the stored 东湖街道, as another export writes it
        "东湖街道,滨湖社区居委会,第一网格,滨湖花园,1号楼,1单元",  # the stored 滨湖社区
        "西湖街道,滨湖社区,第一网格,西湖花园,1号楼,1单元",  # a street joining: new, and fine
    ])

    result = gridbot_import(database_url, path)

    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:-1] == [
        "  第 2 行：街道“东湖街道办事处”和已导入的“东湖街道”像是同一个街道，请照已导入的写法（不然会多出一个街道，下面的网格、楼栋都重复一份）",
        "  第 3 行：社区“滨湖社区居委会”和已导入的“滨湖社区”像是同一个社区，请照已导入的写法（不然会多出一个社区，下面的网格、楼栋都重复一份）",
    ]
    assert counts(database) == before


def rename(database_url: str, *args: str) -> None:
    renamed = CliRunner().invoke(main, ["org", "rename", *args], env={"GRIDBOT_DATABASE_URL": database_url})
    assert renamed.exit_code == 0, renamed.output


def test_the_old_ledger_after_a_community_was_renamed_is_matched_to_it_not_imported_as_a_second_copy(
        database, database_url, tmp_path):
    gridbot_import(database_url, SAMPLE)
    rename(database_url, "社区", "滨湖社区", "滨湖湾社区")
    before = counts(database)
    joining = write(tmp_path / "new-community.csv", [HEADER, "东湖街道,新建社区,第一网格,新建花园,1号楼,1单元"])

    result = gridbot_import(database_url, SAMPLE)

    assert result.exit_code == 0, result.output
    assert "按原名匹配到 1 处已改名的地方" in result.stdout and "社区 滨湖社区 → 滨湖湾社区" in result.stdout
    assert "没有需要新建的，全部已存在" in result.stdout
    assert counts(database) == before
    assert gridbot_import(database_url, joining).exit_code == 0  # a new community of new compounds is welcome


def test_the_old_ledger_after_a_grid_a_compound_a_building_and_a_unit_were_renamed_makes_no_copies(
        database, database_url, tmp_path):
    ledger = write(tmp_path / "ledger.csv", [HEADER, "东湖街道,滨湖社区,第一网络,滨湖花园,1号楼,1单元",
                                             "东湖街道,滨湖社区,第一网络,滨湖花园,沿湖路12号,",
                                             "东湖街道,滨湖社区,第二网格,,5号楼,一单元"])
    gridbot_import(database_url, ledger)
    rename(database_url, "网格", "滨湖社区·第一网络", "第一网格")
    rename(database_url, "小区", "滨湖社区·滨湖花园", "滨湖佳园")
    rename(database_url, "楼栋", "滨湖佳园·沿湖路12号", "沿湖路14号")
    rename(database_url, "单元", "第二网格·5号楼·一单元", "1单元")
    before = counts(database)

    result = CliRunner().invoke(main, ["import", "org", str(ledger), "--prune"],
                                env={"GRIDBOT_DATABASE_URL": database_url})

    assert result.exit_code == 0, result.output
    assert "按原名匹配到 4 处已改名的地方" in result.stdout
    assert "网格 滨湖社区·第一网络 → 第一网格" in result.stdout and "小区 滨湖社区·滨湖花园 → 滨湖佳园" in result.stdout
    assert "楼栋 滨湖社区·第一网格·滨湖佳园·沿湖路12号 → 沿湖路14号" in result.stdout
    assert "单元 滨湖社区·第二网格·5号楼·一单元 → 1单元" in result.stdout
    assert "全部已存在" in result.stdout and "缺少" not in result.stdout  # nothing renamed is pruned either
    assert counts(database) == before


def test_a_former_name_given_back_or_taken_by_another_place_is_that_place_again(database, database_url, tmp_path):
    ledger = write(tmp_path / "ledger.csv", [HEADER, "东湖街道,滨湖社区,第一网格,滨湖花园,1号楼,1单元"])
    gridbot_import(database_url, ledger)
    rename(database_url, "小区", "滨湖社区·滨湖花园", "滨湖佳园")
    rename(database_url, "小区", "滨湖社区·滨湖佳园", "滨湖花园")

    result = gridbot_import(database_url, ledger)

    assert result.exit_code == 0, result.output
    assert "按原名" not in result.stdout and "全部已存在" in result.stdout
    with database.transaction() as session:
        assert session.scalars(select(Building.compound)).all() == ["滨湖花园"]


def test_a_missing_header_column_is_named_and_nothing_is_imported(database, database_url, tmp_path):
    path = write(tmp_path / "org.csv", ["街道,社区,网格,小区,单元", "东湖街道,滨湖社区,第一网格,滨湖花园,1单元"])

    result = gridbot_import(database_url, path)

    assert result.exit_code == 1
    assert "表头（第 1 行）缺少 “楼栋（或 楼栋号、楼栋名称、楼号、楼幢、幢号、栋号、楼栋编号）” 列" in result.stderr
    assert "Traceback" not in result.output
    assert counts(database) == EMPTY


def test_a_header_below_a_title_lacking_a_column_is_named_by_its_row(tmp_path):
    path = write(tmp_path / "org.csv", ["东湖街道网格台账", "填报日期：2026年12月1日", "街道,社区,网格,小区,门牌,单元",
                                        "东湖街道,滨湖社区,第一网格,滨湖花园,1号楼,1单元"])

    with pytest.raises(OrgFileError) as refused:
        read_org_rows(path)

    assert str(refused.value).startswith("表头（第 3 行）缺少 “楼栋（或 ")
    assert "第一行" not in str(refused.value)


def test_a_header_of_two_rows_with_an_address_over_its_parts_is_read_as_one(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["东湖街道网格台账"])
    sheet.append(["序号", "街道", "社区", "网格", "住址", None, None])
    sheet.append([None, None, None, None, "小区", "楼栋", "单元"])
    for column in "ABCD":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("E2:G2")
    sheet.append([1, "东湖街道", "滨湖社区", "第一网格", "滨湖花园", "1号楼", "1单元"])
    workbook.save(tmp_path / "org.xlsx")
    saved_as_csv = write(tmp_path / "org.csv", ["序号,街道,社区,网格,住址,,", ",,,,小区,楼栋,单元",
                                                "1,东湖街道,滨湖社区,第一网格,滨湖花园,1号楼,1单元"])

    assert read_org_rows(tmp_path / "org.xlsx") == [OrgRow(4, "东湖街道", "滨湖社区", "第一网格", "滨湖花园", "1号楼", "1单元")]
    assert read_org_rows(saved_as_csv) == [OrgRow(3, "东湖街道", "滨湖社区", "第一网格", "滨湖花园", "1号楼", "1单元")]


def test_a_compound_and_unit_named_under_an_address_heading_are_read_not_dropped(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["序号", "街道", "社区", "网格", "楼栋", "住址", None])
    sheet.append([None, None, None, None, None, "小区", "单元"])
    for column in "ABCDE":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.merge_cells("F1:G1")
    sheet.append([1, "东湖街道", "滨湖社区", "第一网格", "1号楼", "滨湖花园", "1单元"])
    workbook.save(tmp_path / "org.xlsx")
    saved_as_csv = write(tmp_path / "org.csv", ["序号,街道,社区,网格,楼栋,住址,", ",,,,,小区,单元",
                                                "1,东湖街道,滨湖社区,第一网格,1号楼,滨湖花园,1单元"])

    assert read_org_rows(tmp_path / "org.xlsx") == [OrgRow(3, "东湖街道", "滨湖社区", "第一网格", "滨湖花园", "1号楼", "1单元")]
    assert read_org_rows(saved_as_csv) == [OrgRow(3, "东湖街道", "滨湖社区", "第一网格", "滨湖花园", "1号楼", "1单元")]


def test_a_building_stored_in_another_grid_is_refused_and_nothing_is_imported(database, database_url, tmp_path):
    gridbot_import(database_url, SAMPLE)
    path = write(tmp_path / "moved.csv", [
        HEADER,
        "东湖街道,滨湖社区,第三网格,滨湖花园,9号楼,1单元",
        "东湖街道,滨湖社区,第三网格,滨湖花园,1号楼,1单元",
    ])

    result = gridbot_import(database_url, path)

    assert result.exit_code == 1
    assert "第 3 行：“滨湖花园1号楼”已属于“第一网格”，不能再放到“第三网格”" in result.stderr
    assert "第 2 行" not in result.stderr
    assert counts(database) == SAMPLE_COUNTS


@pytest.mark.parametrize(("name", "separator", "encoding"), [
    ("org.txt", "\t", "utf-16"),  # Excel's and WPS's "Unicode 文本": UTF-16 with its BOM, tab-separated
    ("org.csv", "\t", "utf-8"),  # cells copied out of a sheet into a text file
    ("org.csv", ",", "utf-16"),
])
def test_unicode_text_and_tab_separated_files_import_as_the_csv_does(database, database_url, tmp_path, name,
                                                                      separator, encoding):
    path = write(tmp_path / name, [line.replace(",", separator) for line in SMALL], encoding)

    result = gridbot_import(database_url, path)

    assert result.exit_code == 0, result.output
    assert counts(database) == {"streets": 1, "communities": 1, "grids": 2, "buildings": 2, "units": 3}


def test_a_csv_in_another_encoding_is_refused_with_a_clear_message(database, database_url, tmp_path):
    path = write(tmp_path / "org.csv", SMALL, "utf-16-le")  # no BOM: nothing says which UTF-16 it is

    result = gridbot_import(database_url, path)

    assert result.exit_code == 1
    assert "无法识别文件" in result.stderr and "UTF-8" in result.stderr and "GBK" in result.stderr
    assert counts(database) == EMPTY


def test_a_missing_file_or_an_old_xls_workbook_is_refused_without_a_traceback(database, database_url, tmp_path):
    missing = gridbot_import(database_url, tmp_path / "nowhere.csv")
    xls = tmp_path / "org.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    old = gridbot_import(database_url, xls)

    assert (missing.exit_code, old.exit_code) == (1, 1)
    assert missing.stderr.startswith("找不到文件：")
    assert "旧版 Excel（.xls）" in old.stderr
    assert "Traceback" not in missing.output + old.output


@pytest.mark.parametrize("exported", [
    "\r\n<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><body><table><tr><td>街道</td><td>社区</td>",
    "<table border=1><tr><th>街道</th><th>社区</th><th>网格</th><th>楼栋</th></tr>",
    "<?xml version=\"1.0\"?>\r\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">",
])
def test_a_web_page_a_system_exported_as_xls_is_refused_as_such_not_said_to_lack_a_header(tmp_path, exported):
    path = tmp_path / "导出.xls"
    path.write_text(exported, encoding="utf-8")

    with pytest.raises(OrgFileError) as refused:
        read_org_rows(path)

    assert "其实是网页（HTML/XML）格式的表格" in str(refused.value) and "找不到表头" not in str(refused.value)


def test_a_wps_et_workbook_renamed_xlsx_is_named_as_what_it_may_be(tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))  # WPS 表格 saves .et as Excel 97 does .xls

    with pytest.raises(OrgFileError) as refused:
        read_org_rows(path)

    assert "WPS 表格（.et）" in str(refused.value) and "另存为" in str(refused.value)


def test_a_password_protected_xlsx_is_refused_as_encrypted_not_called_an_old_xls(tmp_path):
    path = tmp_path / "org.xlsx"
    # What Excel saves with an opening password: an OLE compound file holding the workbook as EncryptedPackage.
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1016) + "EncryptedPackage".encode("utf-16-le")
                     + bytes(512))

    with pytest.raises(OrgFileError) as refused:
        read_org_rows(path)

    assert "设置了打开密码" in str(refused.value) and "旧版" not in str(refused.value)


def test_a_header_without_data_rows_imports_nothing_and_fails(database, database_url, tmp_path):
    result = gridbot_import(database_url, write(tmp_path / "org.csv", [HEADER, "", ",,,,,"]))

    assert result.exit_code == 1
    assert "只有表头，没有数据行" in result.stderr


@pytest.mark.parametrize("lines", [
    SMALL[1:],  # the header row left out
    [line.replace(",", ";") for line in SMALL],  # saved with semicolons
    ["问题,答案", *(f"问题{n},答案{n}" for n in range(12))],  # another import's file, longer than the header search
])
def test_a_file_with_rows_but_no_header_row_says_so_instead_of_calling_it_empty(database, database_url, tmp_path,
                                                                              lines):
    result = gridbot_import(database_url, write(tmp_path / "org.csv", lines))

    assert result.exit_code == 1
    assert "找不到表头" in result.stderr and "是空的" not in result.stderr
    assert counts(database) == EMPTY


def test_a_file_of_blank_lines_is_empty(database, database_url, tmp_path):
    result = gridbot_import(database_url, write(tmp_path / "org.csv", ["", ",,,,,", ""]))

    assert result.exit_code == 1
    assert "是空的" in result.stderr


def test_a_fresh_deployment_is_migrated_before_the_import(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh' / 'gridbot.db'}"

    result = gridbot_import(url, SAMPLE)

    assert result.exit_code == 0, result.output
    assert "新建 1 个街道" in result.stdout


# --- the file reader ---------------------------------------------------------------------------------------

def test_an_xlsx_first_sheet_is_read_with_numbers_as_text_and_excel_row_numbers(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["楼栋", " 单元 ", "备注", "网格", "社区", "街道", "小区"])
    sheet.append([3, 1, "临街", "第一网格", "和平社区", "幸福街道", None])
    sheet.append([])
    sheet.append([None, None, None, None])
    sheet.append(["B座", 2.0, None, "第二网格", "和平社区", "幸福街道", "东方名苑"])
    workbook.create_sheet("说明").append(["这一页不导入"])
    workbook.save(tmp_path / "org.xlsx")

    rows = read_org_rows(tmp_path / "org.xlsx")

    assert rows == [
        OrgRow(2, "幸福街道", "和平社区", "第一网格", "", "3", "1"),
        OrgRow(5, "幸福街道", "和平社区", "第二网格", "东方名苑", "B座", "2"),
    ]


def test_numbers_are_read_with_the_words_their_format_shows(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["街道", "社区", "网格", "小区", "楼栋", "单元"])
    for building, unit, building_format, unit_format in ((3, 1, '0"号楼"', '0"单元"'), (5, 2, '"第"0"栋"', "General"),
                                                         (7, 1, "0\\号\\楼", "0")):
        sheet.append(["东湖街道", "滨湖社区", "第一网格", "滨湖花园", building, unit])
        sheet.cell(sheet.max_row, 5).number_format = building_format
        sheet.cell(sheet.max_row, 6).number_format = unit_format
    sheet.append(["东湖街道", "滨湖社区", "第一网格", "滨湖花园", None, 2])
    sheet.merge_cells("E4:E5")  # 7号楼's two units
    workbook.save(tmp_path / "org.xlsx")

    assert [(row.building, row.unit) for row in read_org_rows(tmp_path / "org.xlsx")] == [
        ("3号楼", "1单元"), ("第5栋", "2"), ("7号楼", "1"), ("7号楼", "2")]


def test_a_workbook_whose_ledger_is_not_the_first_sheet_is_refused_naming_the_sheets(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "填表说明"
    workbook.active.append(["每个单元填一行"])
    ledger = workbook.create_sheet("台账")
    for line in SMALL:
        ledger.append(line.split(","))
    workbook.save(tmp_path / "org.xlsx")

    with pytest.raises(OrgFileError) as refused:
        read_org_rows(tmp_path / "org.xlsx")

    assert str(refused.value).endswith("（只读取第一个工作表“填表说明”；要导入的是“台账”的话，请在 Excel 里把它拖到最前面，"
                                       "保存后再导入。）")
    assert "每个列名写在它那一列的单元格里" in str(refused.value) and "逗号" not in str(refused.value)


def test_a_hidden_sheet_of_drop_down_lists_before_the_ledger_is_passed_over_for_the_sheet_excel_shows(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "字典"
    workbook.active.append(["社区列表", "和平社区"])
    workbook.active.sheet_state = "hidden"
    ledger = workbook.create_sheet("台账")
    for line in SMALL:
        ledger.append(line.split(","))
    workbook.active = 1
    workbook.save(tmp_path / "org.xlsx")

    assert [row.line for row in read_org_rows(tmp_path / "org.xlsx")] == [2, 3, 4]


def test_a_blank_sheet_before_the_ledger_is_passed_over_for_the_sheet_with_the_ledger(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Sheet1"
    workbook.active["C3"] = "  "  # a space typed once is still a blank sheet
    ledger = workbook.create_sheet("台账")
    for line in SMALL:
        ledger.append(line.split(","))
    workbook.save(tmp_path / "org.xlsx")

    assert [row.line for row in read_org_rows(tmp_path / "org.xlsx")] == [2, 3, 4]


def test_a_unit_excel_turned_into_a_date_is_refused_by_row_and_column_but_dates_elsewhere_are_fine(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["填报日期", datetime(2026, 12, 1)])
    sheet.append(["街道", "社区", "网格", "小区", "楼栋", "单元", "核查日期"])
    sheet.append(["东湖街道", "滨湖社区", "第一网格", "滨湖花园", "1号楼", "1单元", datetime(2026, 11, 30)])
    sheet.append(["东湖街道", "滨湖社区", "第一网格", "滨湖花园", "3号楼", datetime(2026, 1, 2), None])
    workbook.save(tmp_path / "org.xlsx")

    with pytest.raises(OrgFileError) as refused:
        read_org_rows(tmp_path / "org.xlsx")

    assert "第 4 行的“单元”是日期（2026-01-02），未导入任何数据" in str(refused.value)
    sheet["F4"] = "1-2"  # typed again into a text cell
    workbook.save(tmp_path / "org.xlsx")
    assert [row.unit for row in read_org_rows(tmp_path / "org.xlsx")] == ["1单元", "1-2"]


def test_a_lookup_formula_that_found_nothing_is_refused_by_row_and_column_not_imported_as_a_building_named_na(
        tmp_path):
    workbook = openpyxl.Workbook()
    for line in SMALL:
        workbook.active.append(line.split(","))
    workbook.active["E3"] = "#N/A"
    workbook.active["E3"].data_type = "e"  # as Excel stores a VLOOKUP that found nothing
    workbook.save(tmp_path / "org.xlsx")
    saved_as_csv = write(tmp_path / "org.csv", [*SMALL[:3], SMALL[3].replace("5号楼", "#REF!")])

    with pytest.raises(OrgFileError) as refused:
        read_org_rows(tmp_path / "org.xlsx")
    with pytest.raises(OrgFileError) as refused_csv:
        read_org_rows(saved_as_csv)

    assert "第 3 行的“楼栋”是 Excel 的错误值 #N/A" in str(refused.value)
    assert "第 4 行的“楼栋”是 Excel 的错误值 #REF!" in str(refused_csv.value)


def test_a_workbook_a_program_wrote_with_uncalculated_formulas_is_refused_not_read_as_empty_cells(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["东湖街道", "滨湖社区", "第一网格", "滨湖花园", "1号楼", "1单元"])
    sheet.append(["东湖街道", "滨湖社区", "第二网格", "湖畔名邸", "2号楼", "1单元"])
    sheet.append(["东湖街道", "=B3", "=C3", "=D3", "3号楼", "1单元"])  # openpyxl stores no result: would fill down
    workbook.save(tmp_path / "org.xlsx")

    with pytest.raises(OrgFileError) as refused:
        read_org_rows(tmp_path / "org.xlsx")

    assert "有公式还没有计算出结果" in str(refused.value)


def test_calculated_formulas_and_formulas_giving_empty_text_are_read_as_their_results(tmp_path):
    workbook = openpyxl.Workbook()
    for line in SMALL:
        workbook.active.append(line.split(","))
    workbook.save(tmp_path / "plain.xlsx")
    # As Excel saves them: a formula's text result beside it, and an empty text result marked as text.
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as plain, zipfile.ZipFile(tmp_path / "org.xlsx", "w") as saved:
        for item in plain.infolist():
            data = plain.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</row>", b'<c r="G1" t="str"><f>""</f><v></v></c></row>', 1)
                data = data.replace(b'<c r="E4" t="inlineStr"><is><t>5\xe5\x8f\xb7\xe6\xa5\xbc</t></is></c>',
                                    b'<c r="E4" t="str"><f>"5"&amp;"\xe5\x8f\xb7\xe6\xa5\xbc"</f>'
                                    b'<v>5\xe5\x8f\xb7\xe6\xa5\xbc</v></c>')
                assert data.count(b"<f>") == 2
            saved.writestr(item, data)

    assert [row.building for row in read_org_rows(tmp_path / "org.xlsx")] == ["1号楼", "1号楼", "5号楼"]


def test_an_xlsx_whose_stored_dimensions_are_wrong_is_read_to_its_last_row(tmp_path):
    workbook = openpyxl.Workbook()
    for line in SMALL:
        workbook.active.append(line.split(","))
    workbook.save(tmp_path / "good.xlsx")
    # Some exporters write the sheet's size as A1:A1 whatever it holds.
    with zipfile.ZipFile(tmp_path / "good.xlsx") as good, zipfile.ZipFile(tmp_path / "org.xlsx", "w") as bad:
        for item in good.infolist():
            data = good.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:A1"', data)
                assert b'ref="A1:A1"' in data
            bad.writestr(item, data)

    assert [row.line for row in read_org_rows(tmp_path / "org.xlsx")] == [2, 3, 4]


def test_an_xlsx_imports_through_the_command(database, database_url, tmp_path):
    workbook = openpyxl.Workbook()
    for line in SMALL:
        workbook.active.append(line.split(","))
    workbook.save(tmp_path / "org.xlsx")

    result = gridbot_import(database_url, tmp_path / "org.xlsx")

    assert result.exit_code == 0, result.output
    assert counts(database) == {"streets": 1, "communities": 1, "grids": 2, "buildings": 2, "units": 3}


def test_two_ledgers_pasted_one_under_the_other_import_without_a_street_named_after_the_header(database,
                                                                                              database_url, tmp_path):
    path = write(tmp_path / "org.csv", [*SMALL[:3], HEADER, SMALL[3]])

    result = gridbot_import(database_url, path)

    assert result.exit_code == 0, result.output
    assert counts(database) == {"streets": 1, "communities": 1, "grids": 2, "buildings": 2, "units": 3}


def test_two_csvs_with_a_bom_each_joined_by_copy_import_without_refusing_the_second_header(tmp_path):
    path = tmp_path / "org.csv"
    path.write_bytes(b"".join("\r\n".join(lines).encode("utf-8-sig") + b"\r\n" for lines in (SMALL[:3], SMALL[::3])))

    assert [row.line for row in read_org_rows(path)] == [2, 3, 5]


def test_a_damaged_xlsx_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "org.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"not really a zip archive")

    with pytest.raises(OrgFileError, match="无法打开 Excel 文件"):
        read_org_rows(path)


def test_csv_columns_may_come_in_any_order_extra_columns_are_ignored_and_cells_are_trimmed(tmp_path):
    path = write(tmp_path / "org.csv", [
        " 单元 ,备注,楼栋,网格,社区,街道",
        "1单元,新楼, 7号楼 ,第一网格,滨湖社区,东湖街道",
        "",
        "   ,  ,,,,",
        ",,8号楼,第一网格,滨湖社区,东湖街道",
    ])

    assert read_org_rows(path) == [
        OrgRow(2, "东湖街道", "滨湖社区", "第一网格", "", "7号楼", "1单元"),
        OrgRow(5, "东湖街道", "滨湖社区", "第一网格", "", "8号楼", ""),
    ]


def test_a_cell_saying_the_same_as_above_takes_the_cell_above(tmp_path):
    path = write(tmp_path / "org.csv", [HEADER, "同上,滨湖社区,第一网格,滨湖花园,同上,1单元",
                                        "东湖街道,滨湖社区,第一网格,滨湖花园,1号楼,1单元", "同上,同上,同 上,〃,同上,2单元"])

    rows = read_org_rows(path)

    assert (rows[0].street, rows[0].building) == ("", "")
    assert rows[2] == OrgRow(4, "东湖街道", "滨湖社区", "第一网格", "滨湖花园", "1号楼", "2单元")


def test_subtotal_lines_under_a_street_merged_over_the_whole_sheet_are_skipped(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([*HEADER.split(","), "户数"])
    sheet.append(["东湖街道", "滨湖社区", "第一网格", "滨湖花园", "1号楼", "1单元", 20])
    sheet.append([None, "小计", None, None, None, None, 20])
    sheet.append([None, "桂园社区", "第一网格", "合计花园", "1号楼", "1单元", 30])  # a name beginning with 合计
    sheet.append([None, "小计", None, None, None, None, 30])
    sheet.append(["合计", None, None, None, None, None, 50])
    sheet.merge_cells("A2:A5")
    workbook.save(tmp_path / "org.xlsx")

    assert [(row.line, row.community, row.compound) for row in read_org_rows(tmp_path / "org.xlsx")] == [
        (2, "滨湖社区", "滨湖花园"), (4, "桂园社区", "合计花园")]


def test_a_stray_blank_cell_far_below_and_to_the_right_is_not_read_as_a_sheet_of_that_size(tmp_path):
    # A space typed into row 20,000 and column CV: openpyxl's sheet then spans them, and reading every row up to its
    # end created every cell on the way. At row 1,048,576 and column XFD a 5 KB upload took 24 GB and was killed.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["东湖街道", "滨湖社区", "第一网格", "滨湖花园", "1号楼", "1单元"])
    sheet.cell(row=20_000, column=1, value=" ")
    sheet.cell(row=3, column=100, value=" ")
    workbook.save(tmp_path / "org.xlsx")

    lines, _sheets = xlsx_lines(tmp_path / "org.xlsx", (tmp_path / "org.xlsx").read_bytes())

    assert [(number, len(cells)) for number, cells in lines] == [(1, 6), (2, 6)]
    assert [(row.line, row.building, row.unit) for row in read_org_rows(tmp_path / "org.xlsx")] == [(2, "1号楼", "1单元")]


def test_a_csv_a_program_wrote_from_float_columns_reads_building_3_0_as_excel_shows_it(tmp_path):
    path = write(tmp_path / "org.csv", [HEADER, "东湖街道,滨湖社区,第一网格,滨湖花园,3.0,1.0",
                                        "东湖街道,滨湖社区,第一网格,滨湖花园,3.5,", "东湖街道,滨湖社区,第一网格,,沿湖路12.0号,"])

    assert [(row.building, row.unit) for row in read_org_rows(path)] == [("3", "1"), ("3.5", ""), ("沿湖路12.0号", "")]


def test_the_total_row_chinese_excel_adds_to_a_table_is_skipped(tmp_path):
    path = write(tmp_path / "org.csv", [f"{HEADER},户数", "东湖街道,滨湖社区,第一网格,滨湖花园,1号楼,1单元,20",
                                        "汇总,,,,,,20", "共计 1 栋楼,,,,,,20"])

    assert [row.line for row in read_org_rows(path)] == [2]


def test_rows_with_nothing_but_a_serial_number_are_blank(tmp_path):
    path = write(tmp_path / "org.csv", ["序号," + HEADER, "1,东湖街道,滨湖社区,第一网格,滨湖花园,1号楼,1单元",
                                        *(f"{n},,,,,," for n in range(2, 50)), "50,,,,,2号楼,"])

    assert [(row.line, row.building) for row in read_org_rows(path)] == [(2, "1号楼"), (51, "2号楼")]


def test_a_record_spanning_lines_is_numbered_by_the_line_it_starts_on(tmp_path):
    path = write(tmp_path / "org.csv", [HEADER, '东湖街道,滨湖社区,第一网格,,"1号\n楼",', "东湖街道,滨湖社区,第一网格,,2号楼,"])

    assert [row.line for row in read_org_rows(path)] == [2, 4]


def test_headers_under_the_names_offices_give_them_or_with_a_remark_in_brackets_are_read(tmp_path):
    path = write(tmp_path / "org.csv", ["街 道,社区（居委会）,网格名称,小区名称,楼栋号,单元(号)",
                                        "东湖街道,滨湖社区,第一网格,滨湖花园,1号楼,1单元"])

    assert read_org_rows(path) == [OrgRow(2, "东湖街道", "滨湖社区", "第一网格", "滨湖花园", "1号楼", "1单元")]


def test_headers_a_template_marks_as_required_with_an_asterisk_or_a_star_are_read(tmp_path):
    path = write(tmp_path / "org.csv", ["*街道,＊社区,网格*,小区,★楼栋(必填)*,单元",
                                        "东湖街道,滨湖社区,第一网格,滨湖花园,1号楼,1单元"])

    assert read_org_rows(path) == [OrgRow(2, "东湖街道", "滨湖社区", "第一网格", "滨湖花园", "1号楼", "1单元")]


def test_a_unit_column_headed_as_a_grid_system_exports_it_is_read_not_silently_dropped(tmp_path):
    path = write(tmp_path / "org.csv", ["所属街道,所属社区,所属网格,小区名称,栋号,单元编号,单元长",
                                        "东湖街道,滨湖社区,第一网格,滨湖花园,1号楼,2单元,王阿姨"])

    assert read_org_rows(path) == [OrgRow(2, "东湖街道", "滨湖社区", "第一网格", "滨湖花园", "1号楼", "2单元")]


def test_a_header_naming_a_column_twice_is_refused(tmp_path):
    with pytest.raises(OrgFileError, match="“楼栋”出现了不止一次"):
        read_org_rows(write(tmp_path / "org.csv", [HEADER + ",楼栋", "a,b,c,d,e,f,g"]))


# --- the domain ----------------------------------------------------------------------------------------------

def row(line: int, grid: str, compound: str, building: str, unit: str = "") -> OrgRow:
    return OrgRow(line, "东湖街道", "滨湖社区", grid, compound, building, unit)


def test_the_same_building_name_in_two_grids_is_fine_without_a_compound_or_in_different_compounds():
    rows = [row(2, "第一网格", "", "1号楼"), row(3, "第二网格", "", "1号楼"),
            row(4, "第一网格", "滨湖花园", "2号楼"), row(5, "第二网格", "湖畔名邸", "2号楼")]

    assert org_import.validate(rows) == []


def test_zero_width_characters_count_as_control_characters():
    errors = org_import.validate([row(2, "第一\u200b网格", "", "1号楼")])

    assert [(error.line, error.problem, error.column) for error in errors] == [(2, Problem.CONTROL_CHARACTER, "grid")]


def test_units_are_optional_and_the_report_counts_created_and_present_per_level(database):
    with database.transaction() as session:
        org_import.apply(session, [row(2, "第一网格", "滨湖花园", "1号楼", "1单元")])

    with database.transaction() as session:
        report = org_import.apply(session, [
            row(2, "第一网格", "滨湖花园", "1号楼", "1单元"),
            row(3, "第一网格", "滨湖花园", "1号楼", "2单元"),
            row(4, "第一网格", "滨湖花园", "2号楼"),
            row(5, "第二网格", "", "3号楼"),
        ])

    assert report.created == {"street": 0, "community": 0, "grid": 1, "building": 2, "unit": 1}
    assert report.present == {"street": 1, "community": 1, "grid": 1, "building": 1, "unit": 1}
    assert counts(database) == {"streets": 1, "communities": 1, "grids": 2, "buildings": 3, "units": 2}
