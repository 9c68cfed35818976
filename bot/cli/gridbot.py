"""The `gridbot` command: one group, its commands kept by audience in the modules next to this one."""

from __future__ import annotations

import click

from bot.cli import (
    appeals,
    dev,
    members,
    notices,
    org,
    org_chain,
    org_codes,
    points,
    processes,
    rates,
    staff,
    summary,
    users,
    wishes,
)
from bot.cli.faq import faq
from bot.cli.help import put_chinese_help
from bot.cli.nlp import nlp
from bot.cli.usage import ChineseGroup


@click.group(cls=ChineseGroup)
def main() -> None:
    """网格诉求助手 gridbot: a WeChat official-account assistant for community grid governance."""
    from bot.cli.support import configured
    from bot.settings import Settings
    from storage import points_rules, workdays

    # Deadlines a command sets (改派, 分类) count on the operator's holiday calendar; a bad file stops here.
    workdays.configure(configured(Settings.holidays_from_env))
    points_rules.configure(configured(Settings.points_rules_from_env))  # points a command grants (gridbot notice…)


COMMANDS = (*processes.COMMANDS, *org.COMMANDS, *staff.COMMANDS, *members.COMMANDS, *appeals.COMMANDS,
            *notices.COMMANDS, *rates.COMMANDS, *summary.COMMANDS, *users.COMMANDS, *wishes.COMMANDS, *points.COMMANDS,
            faq, nlp, *dev.COMMANDS)
for command in COMMANDS:
    main.add_command(command)
org.org_group.add_command(org_codes.org_codes)
for command in org_chain.COMMANDS:
    org.org_group.add_command(command)
put_chinese_help(main)
