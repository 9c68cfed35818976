"""`gridbot … --help` reads in Chinese (bot/cli/help.py, bot/cli/help_texts.py): every command, option and argument
has its text in the one table, Click's own words are Chinese, and lines wrap by the columns Chinese takes."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import help_texts
from bot.cli.gridbot import main
from bot.cli.help import columns, commands_under, parameter_key, wrapped

COMMANDS = list(commands_under(main))
CLI = Path(__file__).resolve().parents[2] / "bot" / "cli"
# English left on a help page once option names, metavars, code and file names are taken out: Click's words or a
# sentence of ours that the table missed.
_ENGLISH = re.compile(r"\b(?:the|and|of|with|Usage|Options|Commands|Show|default|required|when|only)\b")
_CODE = re.compile(r"--?[a-z][a-z-]*|\[[^\]]*\|[^\]]*\]|[A-Z_]{2,}\w*|\S+\.(?:py|xlsx|csv|jsonl)|\w+://\S+")


def help_page(path: str) -> str:
    result = CliRunner().invoke(main, [*path.split(), "--help"], prog_name="gridbot", terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


def test_every_command_option_and_argument_has_its_chinese_text_and_the_table_names_nothing_else():
    keys = {parameter_key(path, parameter) for path, command in COMMANDS for parameter in command.params}
    assert [path for path, _ in COMMANDS if path not in help_texts.COMMANDS] == []
    assert sorted(keys - help_texts.PARAMETERS.keys()) == []
    assert sorted(help_texts.PARAMETERS.keys() - keys) == []
    assert sorted(help_texts.COMMANDS.keys() - {path for path, _ in COMMANDS}) == []


def test_no_decorator_writes_help_of_its_own():
    """The table is the one place: a help= beside an option would be overwritten, or drift from it."""
    written = [f"{path.name}:{number}" for path in sorted(CLI.glob("*.py")) if path.name not in ("help.py",)
               for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               if re.search(r"\bhelp=", line)]
    assert written == []


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS], ids=lambda path: path or "gridbot")
def test_each_help_page_is_chinese_and_fits_the_terminal(path):
    page = help_page(path)
    assert page.startswith(f"用法：gridbot {path} [选项]".replace("  ", " "))
    assert "选项：" in page and "显示这份说明后退出" in page
    english = [line for line in page.splitlines() if _ENGLISH.search(_CODE.sub(" ", line))]
    assert english == []
    too_wide = [line for line in page.splitlines() if columns(line) > 80 and " " in line.strip()]
    assert too_wide == []


def test_a_groups_command_list_shows_each_commands_first_sentence_on_one_line():
    page = help_page("notice")
    assert "  send    发一条通知" in page
    for path, _ in COMMANDS:
        assert columns(help_texts.COMMANDS[path].split("。")[0]) <= 62, path


def test_clicks_defaults_and_required_marks_are_chinese():
    page = help_page("invite")
    assert "验证码的有效小时数 [默认：72]" in page
    assert "[必填]" in help_page("notice send")
    assert "[default" not in page and "required" not in page


def test_arguments_are_described():
    page = help_page("reassign")
    assert "参数：" in page and re.search(r"TICKET\s+诉求编号", page)


def test_chinese_choices_keep_the_descriptions_in_line():
    lines = help_page("notice send").splitlines()
    kind = lines.index("  --kind [停水|停电|停气|防汛|其他]")  # wider than the column: its text goes below
    assert lines[kind + 1].strip() == "紧急通知是关于什么的"
    at = next(line for line in lines if line.startswith("  --at"))
    assert at.index("稍后发送") == lines[kind + 1].index("紧急通知")


def test_wrapping_counts_a_chinese_character_as_two_columns_and_never_starts_a_line_with_closing_punctuation():
    lines = wrapped("谁在公众号里发送“认证 验证码”，谁就绑定为这位工作人员，网格员、网格长或物业都可以。", 20, "  ", "  ")
    assert all(columns(line) <= 20 for line in lines), lines
    assert not any(line.strip()[0] in "，。、）”" for line in lines), lines
    assert "".join(line.strip() for line in lines).replace("认证验证码", "认证 验证码") == \
        "谁在公众号里发送“认证 验证码”，谁就绑定为这位工作人员，网格员、网格长或物业都可以。"


def test_an_ascii_word_is_never_split():
    lines = wrapped("用 GRIDBOT_DATABASE_URL 设置数据库", 16)
    assert "GRIDBOT_DATABASE_URL" in lines[1] or "GRIDBOT_DATABASE_URL" in lines[0], lines


def test_a_mistyped_line_and_the_help_share_the_chinese_usage():
    result = CliRunner().invoke(main, ["reassign"], prog_name="gridbot", env={"GRIDBOT_DATABASE_URL": "sqlite://"})
    assert result.output.splitlines()[0] == "用法：gridbot reassign [选项] TICKET GRID_OR_NAME"


@pytest.mark.parametrize("path", ["points", "points report", "points reverse", "points show"])
def test_points_help_names_a_correction_as_the_report_and_readme_do(path):
    page = help_page(path)
    assert "撤销" in page and "冲销" not in page and "净增" not in page


def test_import_org_help_says_prune_looks_at_the_communities_in_the_file_not_the_whole_street():
    """README 停用（--prune）: a file of one community leaves the street's other communities alone."""
    page = help_page("import org")
    assert "文件所涉街道" not in page and page.count("其他社区不动") == 2



def test_grid_mode_help_says_what_street_sets_as_it_says_what_community_sets():
    page = "".join(help_page("grid mode").split())  # wrapped at 80 columns
    assert "加--community时设置这个社区的所有网格" in page and "加--street时设置这个街道各社区的所有网格" in page


# What a command that needs none of it must not load: the database layer, the classifier, spreadsheets, the web app.
_HEAVY = ("sqlalchemy", "numpy", "jieba", "openpyxl", "flask", "handlers.conversation", "storage.models")
_LOADED = """
import sys
from bot.cli.gridbot import main
try:
    main({arguments!r}, prog_name="gridbot")
except SystemExit:
    pass
print(",".join(name for name in {heavy!r} if name in sys.modules))
print(",".join(sorted(name for name in sys.modules if name.startswith("bot.cli."))))
"""


def loaded_by(*arguments: str) -> tuple[list[str], list[str]]:
    """The heavy modules and the bot.cli modules a fresh process has loaded after `gridbot <arguments>`."""
    result = subprocess.run([sys.executable, "-c", _LOADED.format(arguments=list(arguments), heavy=_HEAVY)],
                            capture_output=True, text=True, timeout=60, cwd=CLI.parents[1])
    assert result.returncode == 0, result.stderr
    heavy, cli = result.stdout.splitlines()[-2:]
    return [name for name in heavy.split(",") if name], cli.split(",")


def test_the_command_list_loads_no_command_and_simulate_loads_neither_the_database_nor_the_classifier():
    heavy, cli = loaded_by("--help")
    assert heavy == []
    assert "bot.cli.appeals" not in cli and "bot.cli.dev" not in cli  # the list comes from help_texts

    heavy, cli = loaded_by("simulate", "--help")
    assert heavy == []
    assert "bot.cli.dev" in cli and "bot.cli.appeals" not in cli

    heavy, _ = loaded_by("appeals", "--help")
    assert "openpyxl" not in heavy and "flask" not in heavy  # only what `appeals` needs
