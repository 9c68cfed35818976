"""The `gridbot` command: one group, its commands kept by audience in the modules next to this one."""

from __future__ import annotations

import click

from bot.cli import appeals, dev, org, org_codes, processes, staff, users
from bot.cli.faq import faq
from bot.cli.nlp import nlp


@click.group()
def main() -> None:
    """网格诉求助手 gridbot: a WeChat official-account assistant for community grid governance."""


for command in (*processes.COMMANDS, *org.COMMANDS, *staff.COMMANDS, *appeals.COMMANDS, *users.COMMANDS, faq, nlp, *dev.COMMANDS):
    main.add_command(command)
org.org_group.add_command(org_codes.org_codes)
