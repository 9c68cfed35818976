"""The `gridbot` command: one group, its commands kept by audience in the modules next to this one.

A command's module is imported when the command runs (or its help is shown), not before: `gridbot simulate` does
not load spreadsheets and the classifier, and an operator's `gridbot appeals list` does not load the web app.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

import click

from bot.cli.help import put_chinese_help, short_help
from bot.cli.usage import ChineseGroup

# Each command: the module under bot/cli and the name in it that defines the command.
COMMANDS = {
    "serve": "processes:serve",
    "worker": "processes:worker",
    "db": "processes:db",
    "import": "org:import_group",
    "org": "org:org_group",
    "grid": "org:grid",
    "binding": "org:binding",
    "invite": "staff:invite",
    "staff": "staff:staff_group",
    "members": "members:members_group",
    "appeals": "appeals:appeals_group",
    "focus": "appeals:focus_group",
    "reassign": "appeals:reassign",
    "outbox": "appeals:outbox_group",
    "report": "appeals:report",
    "notice": "notices:notice_group",
    "rates": "rates:rates",
    "summary": "summary:summary",
    "user": "users:user_group",
    "wishes": "wishes:wishes_group",
    "points": "points:points_group",
    "faq": "faq:faq",
    "nlp": "nlp:nlp",
    "fake-wechat": "dev:fake_wechat",
    "simulate": "dev:simulate",
    "demo": "dev:demo",
}


class LazyGroup(ChineseGroup):
    """A group that imports a command's module the first time the command is asked for (Click's documented
    pattern for lazily loaded subcommands), and gives the command its Chinese help then."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, name = self.lazy[cmd_name].split(":")
            command = getattr(import_module(f"bot.cli.{module}"), name)
            put_chinese_help(command, cmd_name)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """`gridbot --help` lists each command's first sentence from bot/cli/help_texts.py without importing it."""
        rows = []
        for name in self.list_commands(ctx):
            said = short_help(name)
            if said is None:
                command = self.get_command(ctx, name)
                said = command.get_short_help_str() if command is not None else ""
            rows.append((name, said))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, lazy=COMMANDS)
def main() -> None:
    """网格诉求助手 gridbot: a WeChat official-account assistant for community grid governance."""
    from bot.cli.support import configured
    from bot.settings import Settings
    from storage import points_rules, workdays

    # Deadlines a command sets (改派, 分类) count on the operator's holiday calendar; a bad file stops here.
    workdays.configure(configured(Settings.holidays_from_env))
    points_rules.configure(configured(Settings.points_rules_from_env))  # points a command grants (gridbot notice…)


put_chinese_help(main)
