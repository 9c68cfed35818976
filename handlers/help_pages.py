"""帮助 in pages. Each role's list of commands grows with the product, and a passive reply holds REPLY_BYTES (WeChat
shows nothing at all of a longer one): 帮助 answers the first page, 帮助 2 (3, …) the next ones."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from handlers.types import REPLY_BYTES

PAGE_WORDS = ("2", "3", "4", "5", "二", "三", "四", "五")  # after 帮助; full-width digits are read as these
_NUMBERS = {"二": 2, "三": 3, "四": 4, "五": 5}


@dataclass(frozen=True)
class Wording:
    """An audience's words around its pages: the first page's header, a later page's, and the pointer onward."""

    header: str
    continued: str  # {page}, {pages}
    more: str  # {next}


def page_number(words: str) -> int:
    """The page 帮助 <words> asks for (1 for none)."""
    words = unicodedata.normalize("NFKC", words).strip()
    return _NUMBERS.get(words) or (int(words) if words.isdigit() else 1)


def page(lines: list[str], number: int, wording: Wording) -> str:
    """Page `number` of the lines (the last one when there are fewer), each page within one passive reply."""
    split = _pages(lines, wording)
    index = min(max(number, 1), len(split)) - 1
    header = wording.header if index == 0 else wording.continued.format(page=index + 1, pages=len(split))
    parts = [header, *split[index]]
    if index + 1 < len(split):
        parts.append(wording.more.format(next=index + 2))
    return "\n".join(parts)


def _pages(lines: list[str], wording: Wording) -> list[list[str]]:
    """The lines in order, as many on each page as fit beside its header and the pointer to the next page."""
    around = max(len(wording.header.encode()), len(wording.continued.format(page=9, pages=9).encode())) \
        + len(wording.more.format(next=9).encode()) + 2  # the two line breaks around them
    pages: list[list[str]] = [[]]
    used = around
    for line in lines:
        size = len(line.encode()) + 1
        if pages[-1] and used + size > REPLY_BYTES:
            pages.append([])
            used = around
        pages[-1].append(line)
        used += size
    return pages
