"""Fuzzing every command that reads an operator's file: `gridbot import org`, `gridbot faq import`,
`gridbot invite --from`, `gridbot nlp train --data`, and the files every command reads through its settings (GRIDBOT_HOLIDAYS,
GRIDBOT_POINTS_RULES, GRIDBOT_TAXONOMY).

Files are generated spreadsheets (CSV in several encodings, .xlsx, damaged workbooks), JSONL and TOML, with
missing and extra columns, huge cells and bytes that are no text at all. A command either does its work or
refuses cleanly: a non-zero exit status, a Chinese message, no Python traceback, and the database as it was.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import event, example, given
from hypothesis import strategies as st

from bot.cli.gridbot import main
from bot.sheets.excel_text import FORMULA_STARTS
from nlp.taxonomy import default_taxonomy_path
from storage import points_rules as points_rules_module
from storage.faq_import import COLUMNS as FAQ_COLUMNS
from storage.invite_batch import COLUMNS as INVITE_COLUMNS
from storage.org_import import COLUMNS as ORG_COLUMNS
from tests.conftest import TEST_SECRET_KEY
from tests.fuzz.conftest import fewer_in_ci
from tests.fuzz.invariants import row_counts
from tests.fuzz.strategies import characters, free_text, ticket_like

POINTS_RULES = Path(points_rules_module.__file__).parent / "data" / "points.toml"
HOLIDAYS = Path(points_rules_module.__file__).parent / "data" / "holidays.txt"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
NAMES = ["幸福街道", "幸福里社区", "第一网格", "和平社区", "网格员", "网格长", "操作员", "楼长", "钱一", "张伟", "13900000001",
         "0531-87654321", "+86 139 0000 0002", "阳光花园", "3号楼", "1单元", "合计", "小计", "=SUM(A1:A3)", "问题", "答案",
         "电梯坏了", "物业服务", "市容环境", "内容", "类别", "", " ", "同上", "１号楼"]
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "latin-1", "big5"]
_FILES = itertools.count()


def cells() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NAMES), st.text(characters(), max_size=12), free_text(30),
                     st.builds(lambda piece, times: piece * times, st.sampled_from(["楼", "a,", '"', "\n"]),
                               st.integers(100, 5000)))


@st.composite
def tables(draw: st.DrawFn, headers: list[str]) -> list[list[str]]:
    """A header row (some columns missing, doubled, renamed or extra; sometimes under a title) and rows."""
    header = draw(st.lists(st.one_of(st.sampled_from(headers), cells()), min_size=1, max_size=len(headers) + 2))
    if draw(st.booleans()):
        header = list(headers) + header[: draw(st.integers(0, 2))]
    title = [[draw(cells())]] if draw(st.booleans()) else []
    rows = draw(st.lists(st.lists(cells(), max_size=len(header) + 2), max_size=8))
    return [*title, header, *rows]


@st.composite
def sheet_files(draw: st.DrawFn, headers: list[str]) -> tuple[str, bytes]:
    """A spreadsheet as an office might send it: (suffix, bytes)."""
    table = draw(tables(headers))
    form = draw(st.sampled_from(["csv", "csv", "xlsx", "damaged xlsx", "bytes"]))
    if form == "bytes":
        return draw(st.sampled_from([".csv", ".xlsx", ".xls"])), draw(st.binary(max_size=400))
    if form == "csv":
        text = io.StringIO()
        csv.writer(text).writerows(table)
        data = text.getvalue().encode(draw(st.sampled_from(ENCODINGS)), "replace")
        if draw(st.booleans()):  # cut anywhere: in a quoted cell, in a multibyte character
            data = data[: draw(st.integers(0, len(data)))]
        return ".csv", data
    data = _xlsx(table)
    if form == "damaged xlsx":
        cut = draw(st.integers(4, max(4, len(data) - 1)))
        data = data[:cut] + draw(st.binary(max_size=50))
    return ".xlsx", data


def _xlsx(table: list[list[str]]) -> bytes:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = openpyxl.Workbook()
    for row in table:
        workbook.active.append([ILLEGAL_CHARACTERS_RE.sub("", cell)[:32767] for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def gridbot(seeded, database_url, clock, tmp_path):  # type: ignore[no-untyped-def]
    """`gridbot ARGS` on the seeded test database with a file of the given bytes: (result, rows before, after)."""

    def run(args: list[str], file: tuple[str, bytes] | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        paths = []
        if file is not None:
            path = tmp_path / f"fuzz{next(_FILES)}{file[0]}"
            path.write_bytes(file[1])
            paths.append(str(path))
        environment = {"GRIDBOT_DATABASE_URL": database_url, "GRIDBOT_SECRET_KEY": TEST_SECRET_KEY,
                       **{name: value.replace("{file}", paths[0] if paths else "") for name, value in (env or {}).items()}}
        arguments = [argument.replace("{file}", paths[0] if paths else "") for argument in args]
        before = row_counts(seeded)
        result = CliRunner().invoke(main, arguments, env=environment, obj=clock)
        return result, before, row_counts(seeded)

    return run


def assert_done_or_refused_cleanly(result: Result, before: dict[str, int], after: dict[str, int]) -> None:
    """Exit 0, or a refusal: non-zero, worded in Chinese, no traceback, nothing written."""
    event(f"exit {result.exit_code}")
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}\n{result.output}")
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert CHINESE.search(result.output), result.output
        assert after == before, "a refused command wrote to the database"


@given(file=sheet_files(list(ORG_COLUMNS.values())))
@example(file=(".csv", "街道,社区,网格,小区,楼栋,单元\r\n幸福街道,幸福里社区,第一网格,阳光花园,3号楼,\x00".encode()))
@example(file=(".csv", ("街道,社区,网格,小区,楼栋,单元\r\n幸福街道,幸福里社区,第一网格,阳光花园," + "楼" * 5000 + ",1单元")
                       .encode("gbk")))
def test_import_org_of_any_file_imports_or_refuses_cleanly(gridbot, file: tuple[str, bytes]) -> None:  # type: ignore[no-untyped-def]
    assert_done_or_refused_cleanly(*gridbot(["import", "org", "{file}"], file))


LEDGER_VALUES = {"姓名": ["钱一", "孙二", "张伟", "阿依·古丽", "李" * 40, "  王五  ", "=HYPERLINK(\"x\")"],
                 "手机号": ["13900000001", "0531-87654321", "+86 139 0000 0002", "1390000", "", "１３９００００００03"],
                 "角色": ["网格员", "网格长", "操作员", "网格员", "网格长", "操作员", "网格员 ", "网格员", "楼长"],
                 "街道": ["幸福街道", "", "安宁街道", "幸福"],
                 "社区": ["幸福里社区", "和平社区", "幸福里社区", "和平社区", "", "幸福里", "幸福里社区/第一网格"],
                 "网格": ["第一网格", "第二网格", "第一网格", "第二网格", "", "第九网格", "幸福里社区·第一网格"]}


@st.composite
def ledger_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A staff ledger whose rows are mostly plausible (so that invites are made), cells sometimes anything."""
    header = [column for column in INVITE_COLUMNS.values() if column in ("姓名", "角色") or draw(st.integers(0, 4))]
    table = [header, *([draw(cells()) if draw(st.integers(0, 9)) == 0 else draw(st.sampled_from(LEDGER_VALUES[column]))
                        for column in header] for _ in range(draw(st.integers(1, 4))))]
    if draw(st.booleans()):
        text = io.StringIO()
        csv.writer(text).writerows(table)
        return ".csv", text.getvalue().encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"])), "replace")
    return ".xlsx", _xlsx(table)


@given(file=st.one_of(ledger_files(), sheet_files(list(INVITE_COLUMNS.values()))),
       street=st.one_of(st.none(), st.sampled_from(["幸福街道", "", " ", "安宁街道", "幸福"]), cells()))
@example(file=(".csv", "姓名,手机号,角色,社区,网格\n钱一,13900000001,网格员,幸福里社区,第一网格\n".encode()), street=None)
@example(file=(".csv", '姓名,角色,社区,网格\n"=1+2",网格员,幸福里社区,第一网格\n@SUM(1),网格员,幸福里社区,第一网格\n'.encode()),
         street=None)
def test_invite_from_any_ledger_invites_or_refuses_cleanly_and_writes_codes_only_for_invites_made(
        gridbot, tmp_path: Path, file: tuple[str, bytes], street: str | None) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / f"codes{next(_FILES)}.csv"
    where = [] if street is None else ["--street", street]
    result, before, after = gridbot(["invite", "--from", "{file}", "--out", str(out), *where], file)
    assert_done_or_refused_cleanly(result, before, after)
    made = after["staff_invites"] - before["staff_invites"]
    assert out.exists() == (made > 0), result.output
    if made:  # one line a person, and no cell a spreadsheet would run as a formula (the ledger's names are in it)
        rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
        assert len(rows) == made + 1 and not [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]


@given(file=sheet_files(list(FAQ_COLUMNS.values())), prune=st.booleans())
@example(file=(".csv", "问题,答案\r\n低保怎么办,".encode("utf-16")), prune=False)
def test_faq_import_of_any_file_imports_or_refuses_cleanly(gridbot, file: tuple[str, bytes], prune: bool) -> None:  # type: ignore[no-untyped-def]
    assert_done_or_refused_cleanly(*gridbot(["faq", "import", "{file}", *(["--prune"] if prune else [])], file))


@st.composite
def json_lines(draw: st.DrawFn) -> tuple[str, bytes]:
    values = st.one_of(cells(), st.integers(), st.none(), st.lists(st.integers(), max_size=2), st.floats())
    records = draw(st.lists(st.one_of(
        st.fixed_dictionaries({"text": values, "label": values}),
        st.dictionaries(st.sampled_from(["text", "label", "内容", "类别", "x"]), values, max_size=3),
        st.lists(values, max_size=2)), max_size=6))
    lines = [json.dumps(record, ensure_ascii=draw(st.booleans())) for record in records]
    lines += draw(st.lists(st.sampled_from(["", "{", "[1,", "null", '"text"', "{\"text\": \"a\"\x00}"]), max_size=2))
    return ".jsonl", "\n".join(lines).encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16"])), "replace")


@given(file=st.one_of(json_lines(), sheet_files(["内容", "类别"])))
@example(file=(".jsonl", b'{"text": "\xe7\x94\xb5", "label": 1}\n{"text": [1], "label": "x"}'))
def test_nlp_train_on_any_data_file_trains_or_refuses_cleanly(gridbot, tmp_path: Path, file: tuple[str, bytes]) -> None:  # type: ignore[no-untyped-def]
    result, before, after = gridbot(["nlp", "train", "--data", "{file}", "--model", str(tmp_path / "model")], file)
    assert_done_or_refused_cleanly(result, before, after)


TOML_VALUES = st.one_of(st.integers(-10**20, 10**20), st.text(characters(), max_size=10), st.booleans(),
                        st.floats(allow_nan=True), st.lists(st.integers(), max_size=2))


@st.composite
def points_files(draw: st.DrawFn) -> tuple[str, bytes]:
    rules = ["task_confirmed", "task_satisfied", "notice_relayed", "neighbour_report", "accepted_in_time", "resolved",
             "rated_satisfied", "rated_unsatisfied"]
    lines = []
    streets = st.one_of(st.sampled_from(["幸福街道", "", " "]), st.text(characters(), max_size=70))
    tables = st.one_of(st.just("rule"), streets.map(lambda street: f"street.{json.dumps(street, ensure_ascii=False)}"),
                       st.just("street"))
    for name in draw(st.lists(st.one_of(st.sampled_from(rules), st.text(characters(), max_size=6)), max_size=10)):
        lines.append(f"[{draw(tables)}.{json.dumps(name)}]")
        for key in draw(st.lists(st.sampled_from(["label", "points", "monthly_cap", "other"]), max_size=4)):
            lines.append(f"{key} = {_toml(draw(TOML_VALUES))}")
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.text(characters(), max_size=20)))
    return ".toml", "\n".join(lines).encode(draw(st.sampled_from(["utf-8", "gbk", "utf-16"])), "replace")


@st.composite
def holiday_files(draw: st.DrawFn) -> tuple[str, bytes]:
    day = st.one_of(st.dates().map(str), st.text(characters(), max_size=10),
                    st.sampled_from(["2026-02-30", "2026-13-01", "9999-12-31", "0001-01-01", "2026-1-1"]))
    line = st.builds(lambda a, b, word, note: f"{a}{b} {word} {note}", day,
                     st.one_of(st.just(""), day.map(lambda d: f"..{d}")),
                     st.sampled_from(["休", "班", "", "放假", "休班"]), st.text(characters(), max_size=6))
    lines = draw(st.lists(st.one_of(line, st.text(characters(), max_size=20)), max_size=8))
    return ".txt", "\n".join(lines).encode(draw(st.sampled_from(["utf-8", "gbk", "utf-16"])), "replace")


@st.composite
def taxonomy_files(draw: st.DrawFn) -> tuple[str, bytes]:
    keys = ["keywords", "response_hours", "resolve_hours", "routes_to", "sensitive", "working_days", "volunteers",
            "weight", "department", "x"]
    lines = []
    for name in draw(st.lists(st.one_of(st.sampled_from(["物业服务", "市容环境", "其他"]),
                                        st.text(characters(), max_size=6)), max_size=5)):
        lines.append(f"[category.{json.dumps(name)}]")
        for key in draw(st.lists(st.sampled_from(keys), max_size=4)):
            lines.append(f"{key} = {_toml(draw(st.one_of(TOML_VALUES, st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))))}")
    return ".toml", "\n".join(lines).encode(draw(st.sampled_from(["utf-8", "gbk"])), "replace")


@st.composite
def mutated(draw: st.DrawFn, shipped: Path, suffix: str) -> tuple[str, bytes]:
    """A shipped file with one line changed, dropped or doubled, or cut short: nearly right, as edits go wrong."""
    lines = shipped.read_text(encoding="utf-8").splitlines()
    at = draw(st.integers(0, len(lines) - 1))
    change = draw(st.sampled_from(["replace", "drop", "double", "cut"]))
    if change == "replace":
        lines[at] = draw(st.one_of(st.text(characters(), max_size=30), st.builds(
            lambda line, value: line.split("=")[0] + "= " + value, st.just(lines[at]), TOML_VALUES.map(_toml))))
    elif change == "drop":
        del lines[at]
    elif change == "double":
        lines.insert(at, lines[at])
    else:
        lines = lines[:at]
    return suffix, "\n".join(lines).encode()


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(str(value), repr(value))
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {v}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


@given(variable=st.sampled_from(["GRIDBOT_POINTS_RULES", "GRIDBOT_HOLIDAYS"]), data=st.data())
def test_a_settings_file_of_any_content_starts_the_command_or_refuses_cleanly(gridbot, variable: str, data) -> None:  # type: ignore[no-untyped-def]
    made = (st.one_of(points_files(), mutated(POINTS_RULES, ".toml")) if variable == "GRIDBOT_POINTS_RULES"
            else st.one_of(holiday_files(), mutated(HOLIDAYS, ".txt")))
    file = data.draw(st.one_of(made, st.binary(max_size=300).map(lambda raw: (".txt", raw))))
    assert_done_or_refused_cleanly(*gridbot(["faq", "list"], file, env={variable: "{file}"}))


@fewer_in_ci(5)  # a taxonomy that loads builds the classifier (jieba and all): up to seconds an example
@given(file=st.one_of(taxonomy_files(), mutated(default_taxonomy_path(), ".toml"),
                      st.binary(max_size=300).map(lambda raw: (".toml", raw))))
@example(file=(".toml", b""))  # was: an English "missing field \"threshold\"" alone, no Chinese for the operator
def test_a_taxonomy_file_of_any_content_classifies_or_refuses_cleanly(gridbot, file: tuple[str, bytes]) -> None:  # type: ignore[no-untyped-def]
    result, before, after = gridbot(["nlp", "classify", "电梯坏了"], file,
                                    env={"GRIDBOT_TAXONOMY": "{file}", "GRIDBOT_NLP_MODEL": "none"})
    assert_done_or_refused_cleanly(result, before, after)


# Commands that take a person's, an invite's, an entry's or a notice's name or number.
NAMED = [["staff", "disable", "{word}"], ["staff", "duty", "{word}", "在岗"], ["invite", "revoke", "{word}"],
         ["members", "confirm", "{word}"], ["members", "decline", "{word}"], ["points", "show", "{word}"],
         ["points", "reverse", "{word}", "记错了"], ["faq", "disable", "{word}"], ["faq", "enable", "{word}"],
         ["wishes", "cancel", "{word}"], ["notice", "status", "{word}"], ["notice", "cancel", "{word}"],
         ["org", "move-building", "{word}", "--grid", "幸福里社区·第二网格"], ["appeals", "show", "{word}"],
         ["org", "rename", "楼栋", "{word}", "9号楼"], ["org", "rename", "小区", "{word}", "阳光花苑"],
         ["org", "rename", "单元", "阳光花园·3号楼·{word}", "1单元"], ["org", "rename", "网格", "幸福里社区·第二网格", "{word}"],
         ["rates", "--from", "{word}", "--to", "2026-11-30"], ["rates", "--from", "2026-11-01", "--to", "{word}"],
         ["summary", "--date", "{word}"]]
WORDS = st.one_of(free_text(20), ticket_like(), st.integers(-10**30, 10**30).map(str),
                  st.sampled_from(["²", "𐩀", "١٢", "99999999999999999999", "0", "-1", "张伟", "#1", "１"]),
                  st.dates().map(str), st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-29"]))


@given(command=st.sampled_from(NAMED), word=WORDS)
# Each once a traceback: twenty digits overflowed the id column, "²" passed isdigit() and broke int().
@example(command=["staff", "disable", "{word}"], word="99999999999999999999")
@example(command=["invite", "revoke", "{word}"], word="99999999999999999999")
@example(command=["members", "confirm", "{word}"], word="²")
@example(command=["points", "reverse", "{word}", "记错了"], word="99999999999999999999")
@example(command=["faq", "disable", "{word}"], word="99999999999999999999")
# The day after the calendar's last one does not exist (bot/day_words.py).
@example(command=["rates", "--from", "2026-11-01", "--to", "{word}"], word="9999-12-31")
@example(command=["rates", "--from", "{word}", "--to", "2026-11-30"], word="0001-01-01")
def test_a_command_naming_anyone_or_anything_acts_or_refuses_cleanly(gridbot, command: list[str], word: str) -> None:  # type: ignore[no-untyped-def]
    word = word.replace("\x00", "").lstrip("-") or "x"  # a leading "-" is click's option, not the command's word
    arguments = [part.replace("{word}", word) for part in command]
    assert_done_or_refused_cleanly(*gridbot(arguments))
