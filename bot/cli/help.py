"""`gridbot … --help` in Chinese: the texts of bot/cli/help_texts.py put on the commands, and a help formatter that
says Click's own words (用法、选项、命令) in Chinese and wraps lines by the columns a Chinese character takes.

Click counts characters, so a Chinese line it wraps to 78 characters is twice as wide as the terminal, and a
Chinese choice in the first column ([停水|停电|…]) pushes its description out of line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

import click

from bot.cli import help_texts as texts

# One piece a line may break after: spaces; a run of printable ASCII (a word, an option, a path); or one other
# character, with the opening marks before it and the closing marks after it, so that no line starts with ，or ）.
_PIECE = re.compile(r"\s+|[（「“《(]*(?:[!-~]+|.)[，。、；：！？）」”》,.;:!?)]*")


def columns(text: str) -> int:
    """How many terminal columns `text` takes: two for a wide (Chinese) character, one for others."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def wrapped(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """`text` (one paragraph) in lines of at most `width` columns where it can break, the first line starting
    with `first` and the others with `rest`."""
    lines, line = [], first
    for piece in _PIECE.findall(" ".join(text.split())):
        if piece.isspace():
            if line.strip():
                line += " "
            continue
        if columns(line) + columns(piece) > width and line.strip():
            lines.append(line.rstrip())
            line = rest
        line += piece
    lines.append(line.rstrip())
    return lines


class ChineseFormatter(click.HelpFormatter):
    """Click's help page with its own words in Chinese, wrapped by display columns."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, texts.USAGE_PREFIX if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{texts.HEADINGS.get(heading, heading)}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        paragraphs = [paragraph for paragraph in re.split(r"\n\s*\n", text) if paragraph.strip()]
        self.write("\n\n".join("\n".join(wrapped(paragraph, self.width, indent, indent)) for paragraph in paragraphs))
        self.write("\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_width = min(max((columns(first) for first, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for first, second in rows:
            term = f"{indent}{first}"
            said = _chinese_extra(second)
            if not said:
                self.write(f"{term}\n")
                continue
            hanging = " " * (self.current_indent + first_width)
            width = max(self.width, len(hanging) + 20)
            if columns(first) + col_spacing <= first_width:
                lines = wrapped(said, width, term + " " * (first_width - columns(first)), hanging)
            else:
                lines = [term, *wrapped(said, width, hanging, hanging)]
            self.write("\n".join(lines) + "\n")


def _chinese_extra(help_text: str) -> str:
    """Click's `[default: 72; required]` after an option's help, and the help option's own text, in Chinese."""
    if help_text == "Show this message and exit.":
        return texts.HELP_OPTION
    match = re.search(r"\[([^\[\]]*)\]$", help_text)
    if not match:
        return help_text
    extra = match.group(1)
    for english, chinese in texts.EXTRA.items():
        extra = re.sub(rf"(^|; ){re.escape(english)}", rf"\g<1>{chinese}", extra)
    return f"{help_text[:match.start()]}[{extra.replace('; ', '；')}]"


def _in_chinese(metavar: str) -> str:
    """[OPTIONS], COMMAND [ARGS]... with Click's placeholder words in Chinese."""
    return re.sub(r"[A-Z]+", lambda word: texts.METAVAR_WORDS.get(word.group(), word.group()), metavar)


class ChineseContext(click.Context):
    formatter_class = ChineseFormatter


def commands_under(command: click.Command, path: str = "", load: bool = True) -> Iterator[tuple[str, click.Command]]:
    """(path, command) for `command` and every command below it; the path as help_texts keys it. `load`: also the
    commands of a lazy group not imported yet (importing them); else only those it holds already."""
    yield path, command
    if isinstance(command, click.Group):
        context = click.Context(command)
        for name in command.list_commands(context) if load else list(command.commands):
            sub = command.get_command(context, name) if load else command.commands[name]
            if sub is not None:
                yield from commands_under(sub, f"{path} {name}".strip(), load)


def parameter_key(path: str, parameter: click.Parameter) -> str:
    """How help_texts keys a parameter: the command's path and the first long option, or the argument's name."""
    if isinstance(parameter, click.Option):
        name = next((option for option in parameter.opts if option.startswith("--")), parameter.opts[0])
    else:
        name = parameter.name or ""
    return f"{path} {name}".strip()


def short_help(path: str) -> str | None:
    """The line a group's help lists for the command at `path`: the first sentence of its help text, if it has one."""
    said = texts.COMMANDS.get(path)
    return None if said is None else said.split("。")[0]


def put_chinese_help(root: click.Command, root_path: str = "") -> None:
    """Give `root` (at `root_path`) and every command it holds its Chinese help, and each of their options and
    arguments theirs. A lazy group's commands get theirs as they are imported."""
    for path, command in commands_under(root, root_path, load=False):
        command.context_class = ChineseContext
        command.options_metavar = _in_chinese(command.options_metavar)
        if isinstance(command, click.Group):
            command.subcommand_metavar = _in_chinese(command.subcommand_metavar)
        said = texts.COMMANDS.get(path)
        if said is not None:
            command.help = said
            command.short_help = short_help(path)
        for parameter in command.params:
            described = texts.PARAMETERS.get(parameter_key(path, parameter))
            if described is not None:
                parameter.help = described
