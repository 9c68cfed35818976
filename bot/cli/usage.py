"""The `gridbot` group's own report of a mistyped command line: an operator reads Chinese, not Click's English.

Click words its errors (`Error: No such option`, `Missing argument`, `Aborted!`) in English. The group catches them
where it parses and runs a command and raises them again as `Explained`, which Click shows as it shows any error: the
usage line, how to get help and what was wrong, in Chinese, with Click's exit codes. An error a command words itself
(`preflight.Refused`, one line per failure) keeps its own way of showing.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import IO, Any, Iterator

import click
from click import exceptions

from bot.cli import usage_texts as texts

_EXTRA = re.compile(r"^Got unexpected extra arguments? \((?P<arguments>.*)\)$")
# How Click's own parameter types word a bad value; a callback's refusal (already Chinese) says none of it.
_CLICK_WORDING = re.compile(r"is not|does not|not a valid|is a directory|not readable|not writable")


class Explained(click.ClickException):
    """A Click error as the operator reads it."""

    def __init__(self, message: str, exit_code: int, ctx: click.Context | None = None, error: bool = True) -> None:
        super().__init__(message)
        self.exit_code, self.ctx, self.error = exit_code, ctx, error

    def show(self, file: IO[Any] | None = None) -> None:
        if self.ctx is not None:
            pieces = " ".join(self.ctx.command.collect_usage_pieces(self.ctx))
            click.echo(texts.USAGE.format(usage=f"{self.ctx.command_path} {pieces}".rstrip()), file=file, err=True)
            click.echo(texts.HELP.format(command=self.ctx.command_path), file=file, err=True)
        click.echo(texts.ERROR.format(message=self.message) if self.error else self.message, file=file, err=True)


class ChineseGroup(click.Group):
    """A group whose own and whose commands' Click errors are worded in Chinese."""

    def make_context(self, info_name: str | None, args: list[str], *rest: Any, **kwargs: Any) -> click.Context:
        _refuse_undecodable(args)
        with in_chinese():
            return super().make_context(info_name, args, *rest, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with in_chinese():
            return super().invoke(ctx)


def _refuse_undecodable(args: list[str]) -> None:
    """Python reads bytes of the command line that are not UTF-8 as lone surrogates, which every database, file and
    request refuses later with a traceback: refused here, before any of it runs."""
    for arg in args:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raise Explained(texts.NOT_UTF8, 2) from None


@contextmanager
def in_chinese() -> Iterator[None]:
    """Click's errors raised inside, raised again as `Explained` (those with a show of their own left alone)."""
    try:
        yield
    except exceptions.NoArgsIsHelpError:
        raise  # it shows the help, not an error
    except (click.Abort, EOFError, KeyboardInterrupt):
        raise Explained(texts.ABORTED, 1, error=False) from None
    except exceptions.UsageError as error:
        if type(error).show is not exceptions.UsageError.show:
            raise
        raise Explained(_usage_message(error), error.exit_code, error.ctx) from None
    except click.ClickException as error:
        if type(error).show is not click.ClickException.show or isinstance(error, Explained):
            raise
        raise Explained(error.format_message(), error.exit_code) from None


def _usage_message(error: exceptions.UsageError) -> str:
    if isinstance(error, exceptions.NoSuchOption):
        return texts.NO_SUCH_OPTION.format(option=error.option_name) + _suggested(error.possibilities)
    if isinstance(error, exceptions.NoSuchCommand):
        return texts.NO_SUCH_COMMAND.format(command=error.command_name) + _suggested(error.possibilities)
    if isinstance(error, exceptions.MissingParameter):
        hint = _hint(error)
        kind = error.param_type or (error.param.param_type_name if error.param is not None else "")
        return (texts.MISSING_OPTION if kind == "option" else texts.MISSING_ARGUMENT).format(hint=hint)
    if isinstance(error, exceptions.BadParameter):
        return _bad_value(error)
    if isinstance(error, exceptions.BadOptionUsage) and error.message.endswith("requires an argument."):
        return texts.NEEDS_VALUE.format(option=error.option_name)
    extra = _EXTRA.match(error.message)
    if extra:
        return texts.EXTRA_ARGUMENTS.format(arguments=extra.group("arguments"))
    if error.message == "Missing command.":
        return texts.MISSING_COMMAND
    return error.message


def _suggested(possibilities: list[str] | None) -> str:
    return texts.DID_YOU_MEAN.format(choices="、".join(sorted(possibilities))) if possibilities else ""


def _hint(error: exceptions.BadParameter) -> str:
    if error.param_hint is not None:
        hint = error.param_hint
        return hint if isinstance(hint, str) else " / ".join(hint)
    return error.param.get_error_hint(error.ctx) if error.param is not None else ""


def _bad_value(error: exceptions.BadParameter) -> str:
    """What the value should have been, from the parameter's type; a message a callback worded in Chinese as is."""
    worded_by_click = error.param is not None and _CLICK_WORDING.search(error.message)
    why = (_expected(error.param.type, error.message) if worded_by_click else None) or error.message
    return texts.BAD_VALUE.format(hint=_hint(error), why=why)


def _expected(kind: click.ParamType, message: str) -> str | None:
    if isinstance(kind, click.Choice):
        return texts.ONE_OF.format(choices="、".join(str(choice) for choice in kind.choices))
    if isinstance(kind, click.IntRange | click.FloatRange) and "range" in message:  # a number, out of range
        if kind.min is not None and kind.max is not None:
            return texts.IN_RANGE.format(low=kind.min, high=kind.max)
        return texts.AT_LEAST.format(low=kind.min) if kind.min is not None else texts.AT_MOST.format(high=kind.max)
    if isinstance(kind, click.types.IntParamType):
        return texts.WHOLE_NUMBER
    if isinstance(kind, click.types.FloatParamType):
        return texts.NUMBER
    if isinstance(kind, click.DateTime):
        return texts.DATE.format(formats="、".join(kind.formats))
    if isinstance(kind, click.Path | click.File):
        return texts.NO_FILE
    return None
