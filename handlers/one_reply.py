"""Fitting a timeline into one passive reply: WeChat shows nothing at all of a reply over REPLY_BYTES, and an
appeal's timeline grows without bound (a long repair's daily 进展, a burst of neighbours merged into it)."""

from __future__ import annotations

from typing import Callable

from handlers.types import REPLY_BYTES


def within_one_reply(lines: list[str], render: Callable[[str], str], earlier: str, page: int = 1,
                     **fields: str) -> str:
    """`render` of the lines joined, the earliest left out while it is longer than one reply: in their place
    `earlier` says how many ({count}) and which page holds them ({next}; `fields` fill the rest of it). The latest
    lines are the ones a reader asks after: page 1 ends with them, page 2 with those before, and so on (a page past
    the first lines is the one that starts with them)."""
    end, text = len(lines), ""
    for number in range(1, max(page, 1) + 1):
        text, start = _latest_that_fit(lines[:end], render, earlier, number + 1, fields)
        if start == 0:
            break
        end = start
    return text


def _latest_that_fit(lines: list[str], render: Callable[[str], str], earlier: str, next_page: int,
                     fields: dict[str, str]) -> tuple[str, int]:
    """The reply of the latest lines that fit, and where they start among `lines`."""
    text, left_out = render("\n".join(lines)), 0
    while len(text.encode()) > REPLY_BYTES and left_out < len(lines):
        left_out += 1
        text = render("\n".join([earlier.format(count=left_out, next=next_page, **fields), *lines[left_out:]]))
    return text, left_out


def first_that_fit(lines: list[str], render: Callable[[str], str], rest: str) -> str:
    """`render` of as many of the lines, from the first, as fit in one reply; `rest` says how many more there are
    ({count}) when some are left out."""
    shown = len(lines)
    text = render("\n".join(lines))
    while len(text.encode()) > REPLY_BYTES and shown > 0:
        shown -= 1
        text = render("\n".join([*lines[:shown], rest.format(count=len(lines) - shown)]))
    return text


def cut_to_fit(text: str, cut: str) -> str:
    """The text's first lines that fit in one reply with `cut` (saying the rest was left out) after them; a first
    line alone too long is cut within, at a character."""
    lines = text.split("\n")
    budget = REPLY_BYTES - len(cut.encode()) - 1
    kept: list[str] = []
    for line in lines:
        size = len(line.encode()) + (1 if kept else 0)
        if size > budget:
            if not kept:
                kept.append(line.encode()[:budget].decode(errors="ignore"))
            break
        kept.append(line)
        budget -= size
    return "\n".join([*kept, cut])
