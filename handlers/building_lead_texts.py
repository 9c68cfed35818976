"""What a 楼长 (building lead) reads in the chat: 代报 for a neighbour, their help, and the refusals of staff work.

A 楼长 is a resident volunteer, not grid staff: the wording never promises them tasks or other people's appeals.
"""

from __future__ import annotations

DAIBAO_USAGE = "代报 单元或门牌 内容"
DAIBAO_FILED = ("已为邻居（{home}）代报，编号 {ticket}，类别：{category}，已派给 {grid}。"
                "办理进展会发给您，请转告邻居；办结后请您代邻居评价。回复“查询 {ticket}”可查看进度。")
DAIBAO_UNKNOWN_HOME = ("“{typed}”不是本楼的单元，也不像门牌（需含数字，如 3-2-501）。"
                       "请按“代报 单元或门牌 内容”发送，例如：代报 {example} 楼道灯不亮。")
DAIBAO_UNITS = "本楼的单元：{units}。"
DAIBAO_NOTHING = "请写明邻居遇到的问题，例如：代报 {example} 楼道灯不亮。"
DAIBAO_BUILDING_GONE = "您负责的楼栋已停用，暂时不能代报，请联系社区。"
DAIBAO_TOO_LONG = "代报内容最多 {limit} 字，您发了 {length} 字，没有登记。请精简后再发。"
# Intake limits (GRIDBOT_APPEALS_PER_HOUR / _PER_DAY) count a 楼长's own appeals and those filed for neighbours.
DAIBAO_LIMIT_PER_HOUR = ("抱歉，一小时内最多提交 {limit} 条诉求（含代报），您已达到上限，这条没有登记。"
                         "请稍后再代报；紧急情况请直接致电社区居委会，危及人身安全请拨打 110、119 或 120。")
DAIBAO_LIMIT_PER_DAY = ("抱歉，24 小时内最多提交 {limit} 条诉求（含代报），您已达到上限，这条没有登记。"
                        "请明天再代报；紧急情况请直接致电社区居委会，危及人身安全请拨打 110、119 或 120。")
LEADS_ONLY = "“代报”是楼长为不用微信的邻居反映问题用的。您自己遇到的问题，直接发送文字描述即可。"
STAFF_USE_REPORT = "“代报”是楼长专用的指令；工作人员发现问题请发送：上报 内容。"
NOT_FOR_LEADS = ("楼长不承担网格员的办理工作，这个指令不能使用。您可以用“代报 单元或门牌 内容”替邻居反映问题，"
                 "回复“帮助”查看可用指令。")
HELP_HEADER = "楼长您好！您可以替不用微信的邻居反映问题（代报），也可以直接发送文字提交您自己的诉求。可用指令："
HELP_LINE = "· {usage}：{summary}"


def filed(ticket: str, home: str, category: str, subcategory: str | None, grid: str) -> str:
    """The reply to 代报: the ticket, the home it was filed for, where it went."""
    named = f"{category}·{subcategory}" if subcategory else category
    return DAIBAO_FILED.format(ticket=ticket, home=home, category=named, grid=grid)


def unknown_home(typed: str, units: list[str]) -> str:
    """The first words after 代报 are no unit of the building and no 门牌: the format, with the units there are."""
    example = units[0] if units else "501"
    reply = DAIBAO_UNKNOWN_HOME.format(typed=typed, example=example)
    return f"{reply}\n{DAIBAO_UNITS.format(units='、'.join(units))}" if units else reply


def nothing(units: list[str]) -> str:
    """A unit or 门牌 with no problem after it."""
    return DAIBAO_NOTHING.format(example=units[0] if units else "501")
