"""Renders outbox messages: each template name belongs to exactly one audience's wording module.

This is the one place a notice becomes what a channel carries, so this is where it is made to fit and made
safe: residents' notices have phone and ID-card numbers masked (handlers/privacy.py), a customer-service
text is cut to WeChat's byte limit, a template line to its character limit. Callers store people's words
whole (查询 shows them) and never cut or mask them themselves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from handlers import resident_texts, staff_texts
from handlers.privacy import mask_personal_numbers

RESIDENT_PREFIX = "resident_"
TEMPLATE_LINE_LIMIT = 20  # WeChat cuts each line of a template message at 20 characters
# A template's whole content stays within 200 characters; the remark gets what the lines leave.
TEMPLATE_REMARK_LIMIT = 100
# WeChat refuses a customer-service text over 2,048 bytes of UTF-8 (errcode 45002): a CJK character is 3.
TEXT_BYTE_LIMIT = 2048
ELLIPSIS = "…"
# Parameters that are codes, times or switches, never people's words: cutting them would break the wording.
UNCUT = frozenset({"ticket", "code", "into", "from", "due_at", "resolve_due_at", "clock", "key_kind", "level",
                   "window_start", "until", "who"})
TEXTS = {**staff_texts.TEMPLATES, **resident_texts.TEMPLATES}
FIELDS = {**staff_texts.TEMPLATE_FIELDS, **resident_texts.TEMPLATE_FIELDS}
NAMES = frozenset(TEXTS)


def for_resident(template: str) -> bool:
    """Residents' notices go by the reply window; everything else is for staff."""
    return template.startswith(RESIDENT_PREFIX)


def render(template: str, params: dict[str, Any]) -> str:
    """The customer-service text for an outbox row, within TEXT_BYTE_LIMIT; KeyError names an unknown template.

    Too long, the longest of people's words is cut (then the next), ending with … and, where there is a
    ticket, a pointer to 查询 for the whole text: the wording around them (what to reply, how to rate) stays.
    """
    shown = _readable(template, params)
    text = TEXTS[template](shown)
    words = sorted((name for name, value in shown.items() if isinstance(value, str) and name not in UNCUT),
                   key=lambda name: -_size(shown[name]))
    mark = resident_texts.CUT_MARK.format(ticket=params["ticket"]) if params.get("ticket") else ELLIPSIS
    for name in words:
        overflow = _size(text) - TEXT_BYTE_LIMIT
        if overflow <= 0:
            break
        shown = {**shown, name: _cut(shown[name], _size(shown[name]) - overflow - _size(mark)) + mark}
        text = TEXTS[template](shown)
    return text if _size(text) <= TEXT_BYTE_LIMIT else _cut(text, TEXT_BYTE_LIMIT - _size(ELLIPSIS)) + ELLIPSIS


def template_data(template: str, params: dict[str, Any]) -> dict[str, dict[str, str]]:
    """A template message's `data`: keyword1…keywordN, one line each, and the remark."""
    keywords, remark = FIELDS[template](_readable(template, params))
    data = {f"keyword{number}": {"value": _line(value)} for number, value in enumerate(keywords, start=1)}
    data["remark"] = {"value": remark}
    return data


def generic_template_data(template: str, params: dict[str, Any], at: datetime) -> dict[str, dict[str, str]]:
    """The `data` of the one generic template every resident notice may share (GRIDBOT_RESIDENT_TEMPLATE_ID):
    first (the headline), keyword1 编号, keyword2 状态, keyword3 时间 (of the step), remark.

    WeChat no longer shows first and remark (2023), so keyword2 carries what the resident must know or do.
    """
    first, status, remark = resident_texts.GENERIC_FIELDS[template](_readable(template, params))
    return {
        "first": {"value": _line(first)},
        "keyword1": {"value": _line(params["ticket"])},
        "keyword2": {"value": _line(status)},
        "keyword3": {"value": resident_texts.clock(at)},
        "remark": {"value": _line(remark, TEMPLATE_REMARK_LIMIT)},
    }


def _readable(template: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters as this notice's reader may see them: for residents, numbers of people masked."""
    if not for_resident(template):
        return params  # staff call residents back: they need the numbers
    return {name: mask_personal_numbers(value) if isinstance(value, str) else value for name, value in params.items()}


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut(text: str, max_bytes: int) -> str:
    """The longest start of `text` within max_bytes of UTF-8, never half a character."""
    return text.encode("utf-8")[: max(max_bytes, 0)].decode("utf-8", errors="ignore")


def _line(value: str, limit: int = TEMPLATE_LINE_LIMIT) -> str:
    # Cut here rather than let WeChat cut: the reader sees where the text goes on (查询 shows it whole).
    flat = " ".join(str(value).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + ELLIPSIS
