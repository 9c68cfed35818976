"""Fitting a timeline into one passive reply: WeChat shows nothing at all of a reply over REPLY_BYTES, and an
appeal's timeline grows without bound (a long repair's daily 进展, a burst of neighbours merged into it)."""

from __future__ import annotations

from typing import Callable

from handlers.types import REPLY_BYTES


def within_one_reply(lines: list[str], render: Callable[[str], str], earlier: str) -> str:
    """`render` of the lines joined, the earliest left out while it is longer than one reply: in their place
    `earlier` says how many ({count}). The latest lines are the ones a reader asks after."""
    text, left_out = render("\n".join(lines)), 0
    while len(text.encode()) > REPLY_BYTES and left_out < len(lines):
        left_out += 1
        text = render("\n".join([earlier.format(count=left_out), *lines[left_out:]]))
    return text


def first_that_fit(lines: list[str], render: Callable[[str], str], rest: str) -> str:
    """`render` of as many of the lines, from the first, as fit in one reply; `rest` says how many more there are
    ({count}) when some are left out."""
    shown = len(lines)
    text = render("\n".join(lines))
    while len(text.encode()) > REPLY_BYTES and shown > 0:
        shown -= 1
        text = render("\n".join([*lines[:shown], rest.format(count=len(lines) - shown)]))
    return text
