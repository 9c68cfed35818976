"""Every `gridbot …` command line README shows names a command and options that exist: a newcomer copies them."""

import re
from pathlib import Path

import click

from bot.cli.gridbot import main

README = (Path(__file__).parent.parent.parent / "README.md").read_text(encoding="utf-8")
# a command line in README: `gridbot` then lowercase command words, then its arguments up to the end of the code span
COMMAND_LINE = re.compile(r"gridbot ([a-z][a-z-]*(?: [a-z][a-z-]*)?)([^`\n#]*)")
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def _resolve(words: list[str]) -> click.Command | None:
    context = click.Context(main)
    command = main.get_command(context, words[0])
    if isinstance(command, click.Group) and len(words) > 1:
        return command.get_command(context, words[1])
    return command


def _option_names(command: click.Command) -> set[str]:
    return {name for parameter in command.params for name in (*parameter.opts, *parameter.secondary_opts)} | {"--help"}


def _readme_command_lines() -> list[tuple[list[str], str]]:
    lines = [(match.group(1).split(), match.group(0)) for match in COMMAND_LINE.finditer(README)]
    # the English introduction says "gridbot is a …": prose, not a command line
    return [(words, line) for words, line in lines if words[0] not in {"is", "acknowledges"}]


def test_every_command_readme_shows_exists():
    missing = [line for words, line in _readme_command_lines() if _resolve(words) is None]
    assert not missing, missing


def test_every_option_readme_shows_belongs_to_its_command():
    wrong = []
    for words, line in _readme_command_lines():
        command = _resolve(words)
        if command is not None:
            wrong += [f"{option} in {line}" for option in OPTION.findall(line) if option not in _option_names(command)]
    assert not wrong, wrong
