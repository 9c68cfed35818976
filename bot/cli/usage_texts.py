"""What an operator reads when a command line is mistyped: Click's own errors, in Chinese (bot/cli/usage.py)."""

from __future__ import annotations

ABORTED = "已取消。"
ERROR = "错误：{message}"
USAGE = "用法：{usage}"
HELP = "看说明：{command} --help"
NO_SUCH_OPTION = "没有选项 {option}。"
NO_SUCH_COMMAND = "没有命令“{command}”。"
DID_YOU_MEAN = "是不是要写 {choices}？"
MISSING_ARGUMENT = "缺少 {hint}。"
MISSING_OPTION = "缺少选项 {hint}。"
NEEDS_VALUE = "选项 {option} 后面要写一个值。"
BAD_VALUE = "{hint} 的值不对：{why}"
ONE_OF = "只能是 {choices} 之一。"
WHOLE_NUMBER = "要写整数。"
NUMBER = "要写数字。"
IN_RANGE = "要在 {low} 到 {high} 之间。"
AT_LEAST = "不能小于 {low}。"
AT_MOST = "不能大于 {high}。"
DATE = "日期或时间要写成 {formats}。"
NO_FILE = "找不到这个文件或目录，或者没有权限读取。"
EXTRA_ARGUMENTS = "多了参数：{arguments}（值里有空格时请用引号括起来）。"
MISSING_COMMAND = "缺少子命令。"
# Bytes that are not UTF-8 on the command line: most often Chinese typed in a terminal set to GBK.
NOT_UTF8 = ("命令行里有不是 UTF-8 编码的文字（终端可能设成了 GBK，或脚本截断了一个汉字）：请把终端的字符编码改成 UTF-8，"
            "检查后重新输入。")
