"""A mistyped command line reads in Chinese (bot/cli/usage.py): the usage, how to get help, what was wrong, with
Click's exit codes; errors a command words itself keep their own form."""

import click
import pytest
from click.testing import CliRunner

from bot.cli.gridbot import main
from bot.cli.usage import ChineseGroup


def gridbot(*arguments: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(arguments), env={"GRIDBOT_DATABASE_URL": "sqlite://"},
                              prog_name="gridbot")


@pytest.mark.parametrize(("arguments", "said"), [
    (["reassign"], "错误：缺少 'TICKET'。"),
    (["apeals"], "错误：没有命令“apeals”。是不是要写 appeals？"),
    (["appeals", "list", "--bogus"], "错误：没有选项 --bogus。"),
    (["appeals", "list", "--since"], "错误：选项 --since 后面要写一个值。"),
    (["reassign", "G2612030004", "第二网格", "张伟"], "错误：多了参数：张伟（值里有空格时请用引号括起来）。"),
    (["rates", "--by", "楼栋"], "错误：'--by' 的值不对：只能是 street、community、grid、member、category、街道、社区、网格、"
                               "网格员、类别 之一。"),
    (["notice", "send", "--kind", "天灾", "--scope", "全部", "--text", "停水"],
     "错误：'--kind' 的值不对：只能是 停水、停电、停气、防汛、其他 之一。"),
    (["simulate", "--openid", "o1"], "错误：请写要发送的文字（或用 --event、--image、--location）。"),
    (["simulate", "--openid", "o1", "--location", "北京"], "错误：--location 要写成 纬度,经度，如 39.9,116.4。"),
    (["simulate", "--openid", "o1", "--safe", "--plain", "你好"], "错误：--safe 和 --plain 只能选一个。"),
    (["appeals", "list", "--json", "--csv"], "错误：--json 和 --csv 只能选一个。"),
    (["org", "list", "--json", "--csv"], "错误：--json 和 --csv 只能选一个。"),
])
def test_a_mistyped_command_line_is_explained_in_chinese_with_clicks_exit_code(arguments, said):
    result = gridbot(*arguments)
    assert result.exit_code == 2
    assert said in result.output.splitlines(), result.output
    assert not any(word in result.output for word in ("Usage:", "Error:", "Try ", "Invalid value", "is not one of"))


# Chinese typed in a terminal set to GBK, as Python reads those bytes of the command line (surrogateescape).
IN_GBK = "电梯坏了".encode("gbk").decode("utf-8", "surrogateescape")


@pytest.mark.parametrize("arguments", [["staff", "disable", IN_GBK], ["simulate", "--openid", "o1", IN_GBK]])
def test_chinese_typed_in_a_gbk_terminal_is_refused_saying_so_not_with_a_traceback(arguments):
    result = gridbot(*arguments)
    assert result.exit_code == 2, result.output
    assert "错误：命令行里有不是 UTF-8 编码的文字（终端可能设成了 GBK，或脚本截断了一个汉字）" in result.output, result.output
    assert "Traceback" not in result.output


def test_the_usage_line_names_the_command_and_its_help():
    lines = gridbot("reassign").output.splitlines()
    assert lines[:2] == ["用法：gridbot reassign [选项] TICKET GRID_OR_NAME", "看说明：gridbot reassign --help"]


def test_input_ending_at_a_question_is_cancelled_in_chinese():
    @click.group(cls=ChineseGroup)
    def asks() -> None:
        pass

    @asks.command()
    def go() -> None:
        click.confirm("继续吗？", abort=True)

    result = CliRunner().invoke(asks, ["go"], input="")  # stdin closed at the question, or Ctrl-C
    assert result.exit_code == 1 and "已取消。" in result.output and "Aborted" not in result.output, result.output


def test_a_refusal_a_command_words_itself_keeps_its_form():
    result = gridbot("nlp", "eval", "--data", "/nonexistent/sample.jsonl")
    assert result.exit_code != 0 and "Error:" not in result.output and "Traceback" not in result.output
