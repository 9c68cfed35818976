"""`gridbot faq import FILE` and `gridbot faq list`: question-answer pairs in, all or nothing, keyed by question."""

import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli.gridbot import main
from bot.sheets.faq import read_faq_rows
from nlp import KeywordClassifier, load_taxonomy
from nlp.faq import FaqIndex
from storage import faq, faq_import, org
from storage.models import FaqEntry, Street
from tests.support.files import write

pytestmark = pytest.mark.postgres

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "faq-sample.csv"
HEADER = "问题,答案,同义问法,类别"
SMALL = [
    HEADER,
    "居住证怎么办理,带身份证和租房合同到社区服务站登记。,居住证在哪里办｜办居住证要什么材料,政策咨询",
    "高龄补贴怎么申请,80周岁以上老人带身份证到社区服务站申请。,高龄津贴怎么领|80岁老人有什么补贴,",
]


def gridbot(database_url: str, clock, *arguments: str):
    result = CliRunner().invoke(main, list(arguments), obj=clock, env={"GRIDBOT_DATABASE_URL": database_url})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def entries(database) -> dict[str, FaqEntry]:
    with database.transaction() as session:
        rows = session.scalars(select(FaqEntry)).all()
        session.expunge_all()
        return {row.question: row for row in rows}


def test_the_sample_file_imports_every_pair_with_its_phrasings(database, database_url, clock):
    result = gridbot(database_url, clock, "faq", "import", str(SAMPLE))

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("问答导入完成（16 行）：新增 16 条，更新 0 条，未变 0 条。")
    stored = entries(database)
    assert len(stored) == 16
    assert faq.split_alternates(stored["居住证怎么办理"].alternates)[:2] == ("居住证在哪里办", "办居住证需要什么材料")
    assert stored["高龄补贴怎么申请"].category == "养老服务"


def test_every_phrasing_of_the_sample_is_answered_by_its_own_entry():
    rows = read_faq_rows(SAMPLE)
    classifier = KeywordClassifier(load_taxonomy())
    index = FaqIndex(((row.line, (row.question, *faq.split_alternates(row.alternates))) for row in rows),
                     classifier.tokenize)
    for row in rows:
        for phrasing in (row.question, *faq.split_alternates(row.alternates)):
            found = index.match(phrasing)
            assert found is not None and found.entry_id == row.line, (phrasing, index.search(phrasing))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_a_csv_in_utf8_with_or_without_bom_or_in_gbk_imports_the_same_text(database, database_url, clock, tmp_path,
                                                                             encoding):
    result = gridbot(database_url, clock, "faq", "import", str(write(tmp_path / "faq.csv", SMALL, encoding)))

    assert result.exit_code == 0, result.output
    stored = entries(database)
    assert sorted(stored) == ["居住证怎么办理", "高龄补贴怎么申请"]
    assert faq.split_alternates(stored["高龄补贴怎么申请"].alternates) == ("高龄津贴怎么领", "80岁老人有什么补贴")
    assert stored["高龄补贴怎么申请"].category == ""


def test_an_xlsx_with_line_breaks_in_an_answer_keeps_them(database, database_url, clock, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["问题", "答案"])
    sheet.append(["低保怎么申请", "1. 带户口本和身份证\n2. 到街道便民服务中心申请"])
    workbook.save(tmp_path / "faq.xlsx")

    result = gridbot(database_url, clock, "faq", "import", str(tmp_path / "faq.xlsx"))

    assert result.exit_code == 0, result.output
    assert entries(database)["低保怎么申请"].answer == "1. 带户口本和身份证\n2. 到街道便民服务中心申请"


def test_an_answer_excel_saved_with_a_carriage_return_reads_as_a_line_break_not_x000d(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["问题", "答案"])
    workbook.active.append(["低保怎么申请", "PLACEHOLDER"])
    workbook.save(tmp_path / "plain.xlsx")
    # Excel writes a pasted CR LF as _x000D_ and a typed "_x" as _x005F_x; openpyxl does neither.
    answer = "1. 带户口本_x000D_\n2. 到街道申请（编号写成 _x005F_x0031_）"
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as plain, zipfile.ZipFile(tmp_path / "faq.xlsx", "w") as saved:
        for item in plain.infolist():
            saved.writestr(item, plain.read(item).replace(b"PLACEHOLDER", answer.encode()))

    [row] = read_faq_rows(tmp_path / "faq.xlsx")

    assert row.answer == "1. 带户口本\n2. 到街道申请（编号写成 _x0031_）"


def test_importing_again_changes_only_the_changed_answers(database, database_url, clock, tmp_path):
    gridbot(database_url, clock, "faq", "import", str(write(tmp_path / "faq.csv", SMALL)))
    first = entries(database)
    clock.advance(days=1)
    changed = [SMALL[0], SMALL[1], SMALL[2].replace("80周岁以上", "年满80周岁的"), "失业登记怎么办,到街道便民服务中心就业窗口办理。,,"]

    same = gridbot(database_url, clock, "faq", "import", str(write(tmp_path / "same.csv", SMALL)))
    again = gridbot(database_url, clock, "faq", "import", str(write(tmp_path / "changed.csv", changed)))

    assert same.stdout.startswith("问答导入完成（2 行）：新增 0 条，更新 0 条，未变 2 条。")
    assert again.stdout.startswith("问答导入完成（3 行）：新增 1 条，更新 1 条，未变 1 条。")
    stored = entries(database)
    assert len(stored) == 3
    assert stored["高龄补贴怎么申请"].answer.startswith("年满80周岁的")
    assert stored["高龄补贴怎么申请"].updated_at == clock() and stored["高龄补贴怎么申请"].id == first["高龄补贴怎么申请"].id
    assert stored["居住证怎么办理"].updated_at == first["居住证怎么办理"].updated_at


def test_the_same_question_with_a_question_mark_updates_its_entry_and_two_such_rows_are_refused(
        database, database_url, clock, tmp_path):
    gridbot(database_url, clock, "faq", "import", str(write(tmp_path / "faq.csv", SMALL)))
    first = entries(database)
    marked = [HEADER, SMALL[1], SMALL[2].replace("高龄补贴怎么申请,80周岁以上", "高龄补贴怎么申请？ ,年满80周岁的")]

    again = gridbot(database_url, clock, "faq", "import", str(write(tmp_path / "marked.csv", marked)))
    twice = gridbot(database_url, clock, "faq", "import", str(write(tmp_path / "twice.csv", [*SMALL, marked[2]])))

    assert again.stdout.startswith("问答导入完成（2 行）：新增 0 条，更新 1 条，未变 1 条。")
    stored = entries(database)
    assert set(stored) == {"居住证怎么办理", "高龄补贴怎么申请？"}
    assert stored["高龄补贴怎么申请？"].id == first["高龄补贴怎么申请"].id
    assert stored["高龄补贴怎么申请？"].answer.startswith("年满80周岁的")
    assert twice.exit_code == 1 and "第 4 行：问题与第 3 行重复" in twice.stderr


def test_bad_rows_are_all_reported_by_line_and_nothing_is_imported(database, database_url, clock, tmp_path):
    path = write(tmp_path / "bad.csv", [
        HEADER,
        "医保怎么交,到社区服务站登记后缴费。,,",  # fine: must not be imported either
        ",没有问题的答案,,",
        "",
        "居住证怎么办理,,,",
        "医保怎么交,重复的问题。,,",
        "残疾人证怎么办," + "长" * 601 + ",,",
        "老年证怎么办,到社区服务站办理。,老人卡怎么办｜" + "问" * 201 + ",",
        "开证明\u200b去哪里,到社区服务站办理。,,",
    ])

    result = gridbot(database_url, clock, "faq", "import", str(path))

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "文件有 6 处错误，未导入任何数据：",
        "  第 3 行：缺少“问题”",
        "  第 5 行：缺少“答案”",
        "  第 6 行：问题与第 2 行重复；同一个问题只写一行，其他问法写进“同义问法”",
        "  第 7 行：“答案”太长（601 个字），最多 600 个字",
        "  第 8 行：“同义问法”太长（201 个字），每种问法最多 200 个字",
        "  第 9 行：“问题”含有制表符或不可见字符，请删除",
        "请修改以上各行后重新导入。",
    ]
    assert entries(database) == {}


def test_a_phrasing_two_rows_share_is_refused_as_neither_row_would_answer_it(database, database_url, clock, tmp_path):
    path = write(tmp_path / "faq.csv", ["问题,答案,同义问法", "居住证怎么办理,带身份证到社区。,怎么办证｜居住证在哪办",
                                        "身份证怎么办理,带户口本到派出所。,怎么办证？", "居住证在哪办,社区服务站。,"])

    result = gridbot(database_url, clock, "faq", "import", str(path))

    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:3] == [
        "  第 3 行：“怎么办证？”在第 2 行已经有了；居民这样问时两条一样接近，哪条都不会答复，请只保留在一行里",
        "  第 4 行：“居住证在哪办”在第 2 行已经有了；居民这样问时两条一样接近，哪条都不会答复，请只保留在一行里",
    ]
    assert entries(database) == {}


def test_a_file_without_the_answer_column_names_it(database, database_url, clock, tmp_path):
    result = gridbot(database_url, clock, "faq", "import", str(write(tmp_path / "faq.csv", ["问题,类别", "低保怎么申请,"])))

    assert result.exit_code == 1
    assert ("表头（第 1 行）缺少 “答案（或 回答、答复、解答）” 列。请在表头里写上这些列名，表头的列名为："
            "问题,答案,同义问法,类别（同义问法、类别可以不填）。") in result.stderr
    with_missing_file = gridbot(database_url, clock, "faq", "import", str(tmp_path / "nothing.csv"))
    assert with_missing_file.exit_code == 1 and "找不到文件" in with_missing_file.stderr


def test_a_line_break_saved_as_crlf_inside_an_answer_is_a_line_break(tmp_path):
    path = write(tmp_path / "faq.csv", ["问题,答案", '办事时间,"周一至周五\r\n9:00-17:00"'])

    [row] = read_faq_rows(path)

    assert row.answer == "周一至周五\n9:00-17:00"
    assert faq_import.validate([row]) == []


def test_the_list_indents_an_answers_own_lines_under_it(database, database_url, clock, tmp_path):
    gridbot(database_url, clock, "faq", "import",
            str(write(tmp_path / "faq.csv", ["问题,答案", '怎么开证明,"办理步骤：\n1. 带身份证\n2. 到社区服务站"'])))

    listing = gridbot(database_url, clock, "faq", "list").stdout.splitlines()

    assert listing[-3:] == ["   答案：办理步骤：", "         1. 带身份证", "         2. 到社区服务站"]


def test_a_file_with_the_consoles_column_names_keeps_its_other_phrasings(tmp_path):
    path = write(tmp_path / "faq.csv", ["问题,答案,其他问法,分类", "低保怎么申请,带户口本到街道申请。,低保去哪里办,政策咨询"])

    [row] = read_faq_rows(path)

    assert (row.question, row.alternates, row.category) == ("低保怎么申请", "低保去哪里办", "政策咨询")


def test_a_header_repeated_below_the_first_rows_is_no_question_of_its_own(tmp_path):
    path = write(tmp_path / "faq.csv", [SMALL[0], SMALL[1], "问题,回答,其他问法,分类", SMALL[2]])

    assert [row.question for row in read_faq_rows(path)] == ["居住证怎么办理", "高龄补贴怎么申请"]


def test_list_prints_each_entry_with_its_phrasings_and_answer(database, database_url, clock, tmp_path):
    assert "还没有问答" in gridbot(database_url, clock, "faq", "list").stdout
    gridbot(database_url, clock, "faq", "import", str(write(tmp_path / "faq.csv", SMALL)))

    listing = gridbot(database_url, clock, "faq", "list").stdout

    assert "共 2 条问答（答复中 2 条，已停用 0 条）：" in listing
    assert "［政策咨询］居住证怎么办理  已答 0 次，转人工 0 次" in listing
    assert "同义问法：高龄津贴怎么领｜80岁老人有什么补贴" in listing
    assert "答案：带身份证和租房合同到社区服务站登记。" in listing
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(FaqEntry)) == 2


def test_phrasings_separated_as_offices_type_lists_are_stored_one_each(database, database_url, clock, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["问题", "答案", "同义问法"])
    sheet.append(["低保怎么申请", "到街道便民服务中心申请。", "低保在哪办、低保要什么材料；低保标准多少;低保能领多少钱"])
    sheet.append(["医保怎么交", "到社区服务站缴费。", "医保在哪交/医保交多少／医保缴费时间\n医保断交了怎么办"])
    workbook.save(tmp_path / "faq.xlsx")

    result = gridbot(database_url, clock, "faq", "import", str(tmp_path / "faq.xlsx"))

    assert result.exit_code == 0, result.output
    stored = entries(database)
    assert faq.split_alternates(stored["低保怎么申请"].alternates) == (
        "低保在哪办", "低保要什么材料", "低保标准多少", "低保能领多少钱")
    assert stored["医保怎么交"].alternates == "医保在哪交\n医保交多少\n医保缴费时间\n医保断交了怎么办"


def test_a_file_without_some_entries_says_they_are_still_answered_and_prune_switches_them_off(
        database, database_url, clock, tmp_path):
    gridbot(database_url, clock, "faq", "import", str(write(tmp_path / "faq.csv", SMALL)))
    shorter = write(tmp_path / "shorter.csv", SMALL[:2])

    kept = gridbot(database_url, clock, "faq", "import", str(shorter))
    assert "数据库里另有 1 条文件里没有的问答仍在答复；要停用它们，请加 --prune 重新导入" in kept.stdout
    assert entries(database)["高龄补贴怎么申请"].active

    clock.advance(minutes=1)
    pruned = gridbot(database_url, clock, "faq", "import", str(shorter), "--prune")

    assert pruned.exit_code == 0, pruned.output
    assert "停用了文件里没有的 1 条（没有删除，答复记录保留" in pruned.stdout
    retired = entries(database)["高龄补贴怎么申请"]
    assert (retired.active, retired.disabled_reason, retired.updated_at) == (False, "pruned", clock())
    assert entries(database)["居住证怎么办理"].active
    listing = gridbot(database_url, clock, "faq", "list").stdout
    assert "共 2 条问答（答复中 1 条，已停用 1 条）：" in listing
    assert "高龄补贴怎么申请（已停用：最近导入的文件里没有）" in listing

    back = gridbot(database_url, clock, "faq", "import", str(write(tmp_path / "all.csv", SMALL)), "--prune")
    assert "重新启用 1 条（上次用 --prune 导入时文件里没有）" in back.stdout and "停用了" not in back.stdout
    assert entries(database)["高龄补贴怎么申请"].active


def test_an_entry_disabled_by_hand_stays_disabled_through_imports_until_enabled(database, database_url, clock,
                                                                                  tmp_path):
    path = write(tmp_path / "faq.csv", SMALL)
    gridbot(database_url, clock, "faq", "import", str(path))
    entry_id = entries(database)["高龄补贴怎么申请"].id

    disabled = gridbot(database_url, clock, "faq", "disable", str(entry_id))
    again = gridbot(database_url, clock, "faq", "disable", str(entry_id))
    imported = gridbot(database_url, clock, "faq", "import", str(path), "--prune")

    assert disabled.stdout.startswith(f"已停用问答 {entry_id}：高龄补贴怎么申请。从现在起不再答复")
    assert again.stdout.startswith(f"问答 {entry_id} 本来就已停用，没有改动")
    assert "1 条已被手动停用，仍不答复（gridbot faq enable 编号 重新启用）。" in imported.stdout
    assert "停用了" not in imported.stdout
    assert (entries(database)["高龄补贴怎么申请"].active, entries(database)["高龄补贴怎么申请"].disabled_reason) == (
        False, "operator")
    assert "高龄补贴怎么申请（已停用）" in gridbot(database_url, clock, "faq", "list").stdout

    enabled = gridbot(database_url, clock, "faq", "enable", str(entry_id))

    assert enabled.stdout.startswith(f"已启用问答 {entry_id}：高龄补贴怎么申请。正在运行的服务 30 秒内开始答复它。")
    stored = entries(database)["高龄补贴怎么申请"]
    assert (stored.active, stored.disabled_reason) == (True, None)


@pytest.mark.parametrize("command", ["disable", "enable"])
def test_an_unknown_id_is_refused_in_one_line(database, database_url, clock, command):
    result = gridbot(database_url, clock, "faq", command, "999")

    assert result.exit_code == 1
    assert result.stderr == "没有编号为 999 的问答。编号见 gridbot faq list。\n"


def test_the_answered_entries_export_in_the_imports_columns_and_import_back_unchanged(database, database_url, clock,
                                                                                      tmp_path):
    assert gridbot(database_url, clock, "faq", "import", str(SAMPLE)).exit_code == 0
    first = min(entry.id for entry in entries(database).values())  # PostgreSQL's ids run on across tests
    assert gridbot(database_url, clock, "faq", "disable", str(first)).exit_code == 0
    before = {question: (e.answer, e.alternates, e.category, e.active) for question, e in entries(database).items()}
    target = tmp_path / "问答.xlsx"

    result = gridbot(database_url, clock, "faq", "export", str(target))

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"已导出 15 条答复中的问答到 {target}")
    assert "另有 1 条已停用，没有导出" in result.stdout
    sheet = openpyxl.load_workbook(target).active
    assert [cell.value for cell in sheet[1]] == ["问题", "答案", "同义问法", "类别"]
    assert sheet.max_row == 16
    again = gridbot(database_url, clock, "faq", "import", str(target), "--prune")
    assert again.exit_code == 0, again.output
    assert "未变 15 条" in again.stdout
    assert {question: (e.answer, e.alternates, e.category, e.active)
            for question, e in entries(database).items()} == before


def test_an_export_to_anything_but_xlsx_or_to_an_unwritable_place_is_refused_in_chinese(database_url, clock, tmp_path):
    csv = gridbot(database_url, clock, "faq", "export", str(tmp_path / "问答.csv"))
    assert csv.exit_code == 1 and "导出文件名请以 .xlsx 结尾" in csv.stderr
    missing = gridbot(database_url, clock, "faq", "export", str(tmp_path / "没有这个目录" / "问答.xlsx"))
    assert missing.exit_code == 1 and "无法写入" in missing.stderr and "Traceback" not in missing.output


# --- each street its own FAQ (--street) -------------------------------------------------------------------------

CENTRE = ["问题,答案", "社区服务中心在哪,{answer}", "老年证到哪办,{answer}老年证窗口。"]


def two_streets(database, clock):
    with database.transaction() as session:
        for name in ("幸福街道", "安宁街道"):
            org.ensure_street(session, name)


def by_street(database) -> dict[tuple[str | None, str], FaqEntry]:
    """Every entry by (street name or None, question)."""
    with database.transaction() as session:
        rows = session.execute(select(FaqEntry, Street.name).outerjoin(Street, Street.id == FaqEntry.street_id)).all()
        session.expunge_all()
        return {(street, entry.question): entry for entry, street in rows}


def centre_file(tmp_path, name, answer, rows=3):
    return str(write(tmp_path / name, [line.format(answer=answer) for line in CENTRE[:rows]]))


def test_two_streets_import_the_same_questions_with_different_answers(database, database_url, clock, tmp_path):
    two_streets(database, clock)
    gridbot(database_url, clock, "faq", "import", str(write(tmp_path / "all.csv", SMALL)))

    xingfu = gridbot(database_url, clock, "faq", "import", centre_file(tmp_path, "x.csv", "幸福路1号"), "--street",
                     "幸福街道")
    anning = gridbot(database_url, clock, "faq", "import", centre_file(tmp_path, "a.csv", "安宁路8号"), "--street",
                     " 安宁街道 ")

    assert xingfu.exit_code == 0 and anning.exit_code == 0, xingfu.output + anning.output
    assert xingfu.stdout.startswith("问答导入完成（幸福街道，2 行）：新增 2 条")
    found = by_street(database)
    assert found[("幸福街道", "社区服务中心在哪")].answer == "幸福路1号"
    assert found[("安宁街道", "社区服务中心在哪")].answer == "安宁路8号"
    assert found[(None, "居住证怎么办理")].street_id is None and len(found) == 6


def test_reimporting_a_streets_file_with_prune_replaces_only_that_streets_entries(database, database_url, clock,
                                                                                  tmp_path):
    two_streets(database, clock)
    gridbot(database_url, clock, "faq", "import", str(write(tmp_path / "all.csv", SMALL)))
    for name, answer in (("幸福街道", "幸福路1号"), ("安宁街道", "安宁路8号")):
        gridbot(database_url, clock, "faq", "import", centre_file(tmp_path, f"{name}.csv", answer), "--street", name)

    shorter = gridbot(database_url, clock, "faq", "import", centre_file(tmp_path, "x2.csv", "幸福路2号", rows=2),
                      "--street", "幸福街道", "--prune")

    assert shorter.exit_code == 0, shorter.output
    assert "幸福街道的问答中，停用了文件里没有的 1 条" in shorter.stdout
    found = by_street(database)
    assert found[("幸福街道", "社区服务中心在哪")].answer == "幸福路2号"
    assert not found[("幸福街道", "老年证到哪办")].active
    assert found[("安宁街道", "老年证到哪办")].active and found[("安宁街道", "社区服务中心在哪")].answer == "安宁路8号"
    assert all(entry.active for (street, _q), entry in found.items() if street is None)


def test_a_district_wide_import_with_prune_leaves_every_streets_entries_alone(database, database_url, clock, tmp_path):
    two_streets(database, clock)
    gridbot(database_url, clock, "faq", "import", centre_file(tmp_path, "a.csv", "安宁路8号"), "--street", "安宁街道")

    result = gridbot(database_url, clock, "faq", "import", str(write(tmp_path / "all.csv", SMALL)), "--prune")

    assert "停用了" not in result.stdout
    assert all(entry.active for entry in by_street(database).values())


def test_an_unknown_street_is_refused_naming_the_streets_and_nothing_is_imported(database, database_url, clock,
                                                                                 tmp_path):
    two_streets(database, clock)

    result = gridbot(database_url, clock, "faq", "import", centre_file(tmp_path, "x.csv", "幸福路1号"), "--street",
                     "平安街道")

    assert result.exit_code == 1 and "平安街道" in result.stderr and "安宁街道" in result.stderr
    assert "Traceback" not in result.output and by_street(database) == {}


def test_list_marks_street_entries_and_with_street_shows_what_its_residents_are_answered_from(
        database, database_url, clock, tmp_path):
    two_streets(database, clock)
    gridbot(database_url, clock, "faq", "import", str(write(tmp_path / "all.csv", SMALL)))
    for name, answer in (("幸福街道", "幸福路1号"), ("安宁街道", "安宁路8号")):
        gridbot(database_url, clock, "faq", "import", centre_file(tmp_path, f"{name}.csv", answer), "--street", name)
    ids = {key: entry.id for key, entry in by_street(database).items()}

    everything = gridbot(database_url, clock, "faq", "list").stdout
    anning = gridbot(database_url, clock, "faq", "list", "--street", "安宁街道").stdout

    assert f"{ids[('幸福街道', '社区服务中心在哪')]}. 【幸福街道】社区服务中心在哪" in everything
    assert f"{ids[('安宁街道', '社区服务中心在哪')]}. 【安宁街道】社区服务中心在哪" in everything
    assert "共 6 条问答" in everything and "共 4 条问答" in anning
    assert "【幸福街道】" not in anning and "居住证怎么办理" in anning


def test_a_streets_export_holds_its_own_entries_and_disable_names_the_street(database, database_url, clock, tmp_path):
    two_streets(database, clock)
    gridbot(database_url, clock, "faq", "import", str(write(tmp_path / "all.csv", SMALL)))
    gridbot(database_url, clock, "faq", "import", centre_file(tmp_path, "a.csv", "安宁路8号"), "--street", "安宁街道")
    target = tmp_path / "安宁.xlsx"

    exported = gridbot(database_url, clock, "faq", "export", str(target), "--street", "安宁街道")
    district = gridbot(database_url, clock, "faq", "export", str(tmp_path / "区.xlsx"))
    entry_id = by_street(database)[("安宁街道", "老年证到哪办")].id
    disabled = gridbot(database_url, clock, "faq", "disable", str(entry_id))

    assert exported.stdout.startswith(f"已导出安宁街道的 2 条答复中的问答到 {target}；改好后用 gridbot faq import "
                                      f"{target} --street 安宁街道 导回")
    assert [row[0] for row in openpyxl.load_workbook(target).active.values][1:] == ["社区服务中心在哪", "老年证到哪办"]
    assert district.stdout.startswith("已导出 2 条答复中的问答")
    assert disabled.stdout.startswith(f"已停用问答 {entry_id}（安宁街道）：老年证到哪办。")


def test_list_with_street_marks_the_district_wide_entries_the_streets_own_replace(database, database_url, clock,
                                                                                  tmp_path):
    two_streets(database, clock)
    gridbot(database_url, clock, "faq", "import", str(write(tmp_path / "all.csv", SMALL)))
    gridbot(database_url, clock, "faq", "import", str(write(tmp_path / "x.csv", ["问题,答案", "居住证怎么办理？,幸福路1号。"])),
            "--street", "幸福街道")

    xingfu = gridbot(database_url, clock, "faq", "list", "--street", "幸福街道").stdout
    anning = gridbot(database_url, clock, "faq", "list", "--street", "安宁街道").stdout

    assert "居住证怎么办理（幸福街道的居民得到的是本街道同一问题的答案）" in xingfu
    assert "高龄补贴怎么申请  已答" in xingfu and "得到的是本街道" not in anning


def test_disable_with_street_switches_only_that_streets_entry(database, database_url, clock, tmp_path):
    two_streets(database, clock)
    gridbot(database_url, clock, "faq", "import", centre_file(tmp_path, "a.csv", "安宁路8号"), "--street", "安宁街道")
    entry_id = by_street(database)[("安宁街道", "老年证到哪办")].id

    wrong = gridbot(database_url, clock, "faq", "disable", str(entry_id), "--street", "幸福街道")
    right = gridbot(database_url, clock, "faq", "disable", str(entry_id), "--street", "安宁街道")

    assert wrong.exit_code == 1 and wrong.stderr.startswith(f"幸福街道没有编号为 {entry_id} 的问答，没有改动。")
    assert right.exit_code == 0 and not by_street(database)[("安宁街道", "老年证到哪办")].active
