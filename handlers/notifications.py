"""Renders outbox messages: a row becomes its notice again (storage.notices), worded by the notice's type.

Each notice type has its wording in exactly one audience's module (resident_texts or staff_texts).

This is the one place a notice becomes what a channel carries, so this is where it is made to fit and made
safe: residents' notices have phone and ID-card numbers masked (handlers/privacy.py), all but a handler's
published work phone; a customer-service text is cut to WeChat's byte limit, a template line to its character
limit. Callers store people's words whole (查询 shows them) and never cut or mask them themselves.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from handlers import resident_texts, staff_texts
from handlers.privacy import mask_personal_numbers
from storage import notices
from storage.notices import Audience, Notice, ResidentNotice

TEMPLATE_LINE_LIMIT = 20  # WeChat cuts each line of a template message at 20 characters
# A template's whole content stays within 200 characters; the remark gets what the lines leave.
TEMPLATE_REMARK_LIMIT = 100
# WeChat refuses a customer-service text over 2,048 bytes of UTF-8 (errcode 45002): a CJK character is 3.
TEXT_BYTE_LIMIT = 2048
ELLIPSIS = "…"
# Fields that are codes or switches, never people's words: cutting them would break the wording.
UNCUT = frozenset({"ticket", "code", "into", "from_", "clock", "key_kind", "level", "who", "work_phone"})
# Numbers published to be called (a handler's 工作电话): masking them would defeat their purpose.
PUBLISHED = frozenset({"work_phone"})
TEXTS = {**staff_texts.TEMPLATES, **resident_texts.TEMPLATES}
FIELDS = {**staff_texts.TEMPLATE_FIELDS, **resident_texts.TEMPLATE_FIELDS}
# What an operator calls each notice (its label), by the name rows and GRIDBOT_TEMPLATE_IDS use.
LABELS = {kind.name: label for kind, label in {**staff_texts.NOTICE_LABELS, **resident_texts.NOTICE_LABELS}.items()}
NAMES = frozenset(notices.BY_NAME)  # what outbox rows (and GRIDBOT_TEMPLATE_IDS) may name


# The staff's notices by name: they go by customer service first (bot/worker/delivery.py), claimed with it.
FOR_STAFF = frozenset(name for name, kind in notices.BY_NAME.items() if kind.audience is not Audience.RESIDENT)


def for_resident(template: str) -> bool:
    """Residents' notices go by the reply window; everything else is for staff."""
    kind = notices.BY_NAME.get(template)
    return kind is not None and kind.audience is Audience.RESIDENT


def render(template: str, params: dict[str, Any], made: datetime | None = None) -> str:
    """The customer-service text for an outbox row, within TEXT_BYTE_LIMIT; KeyError names an unknown template.
    `made`: when the notice was made (the row's created_at): a date of another year says its year.

    Too long, the longest of people's words is cut (then the next), ending with … and, where there is a
    ticket, a pointer to 查询 for the whole text: the wording around them (what to reply, how to rate) stays.
    """
    with resident_texts.worded_at(made):
        return _render(notices.from_params(template, params))


def _render(notice: Notice) -> str:
    wording = TEXTS[type(notice)]
    shown = _readable(notice)
    text = wording(shown)
    words = sorted((name for name, value in _fields(shown) if isinstance(value, str) and name not in UNCUT),
                   key=lambda name: -_size(getattr(shown, name)))
    ticket = getattr(notice, "ticket", None)
    mark = resident_texts.CUT_MARK.format(ticket=ticket) if ticket else ELLIPSIS
    for name in words:
        overflow = _size(text) - TEXT_BYTE_LIMIT
        if overflow <= 0:
            break
        value = getattr(shown, name)
        shown = dataclasses.replace(shown, **{name: _cut(value, _size(value) - overflow - _size(mark)) + mark})
        text = wording(shown)
    return text if _size(text) <= TEXT_BYTE_LIMIT else _cut(text, TEXT_BYTE_LIMIT - _size(ELLIPSIS)) + ELLIPSIS


def template_data(template: str, params: dict[str, Any], made: datetime | None = None) -> dict[str, dict[str, str]]:
    """A template message's `data`: keyword1…keywordN, one line each, and the remark (`made`: as `render`)."""
    notice = notices.from_params(template, params)
    with resident_texts.worded_at(made):
        keywords, remark = FIELDS[type(notice)](_readable(notice))
    data = {f"keyword{number}": {"value": _line(value)} for number, value in enumerate(keywords, start=1)}
    data["remark"] = {"value": remark}
    return data


def generic_template_data(template: str, params: dict[str, Any], at: datetime) -> dict[str, dict[str, str]]:
    """The `data` of the one generic template every resident notice may share (GRIDBOT_RESIDENT_TEMPLATE_ID):
    first (the headline), keyword1 编号, keyword2 状态, keyword3 时间 (of the step), remark.

    WeChat no longer shows first and remark (2023), so keyword2 carries what the resident must know or do.
    """
    notice = notices.from_params(template, params)
    if not isinstance(notice, ResidentNotice):
        raise KeyError(template)  # staff have no generic template
    first, status, remark = resident_texts.GENERIC_FIELDS[type(notice)](_readable(notice))
    return {
        "first": {"value": _line(first)},
        "keyword1": {"value": _line(notice.ticket)},
        "keyword2": {"value": _line(status)},
        "keyword3": {"value": resident_texts.clock(at)},
        "remark": {"value": _line(remark, TEMPLATE_REMARK_LIMIT)},
    }


def _readable(notice: Notice) -> Notice:
    """The notice as its reader may see it: for residents, numbers of people masked."""
    if notice.audience is not Audience.RESIDENT:
        return notice  # staff call residents back: they need the numbers
    return dataclasses.replace(notice, **{name: mask_personal_numbers(value) for name, value in _fields(notice)
                                          if isinstance(value, str) and name not in PUBLISHED})


def _fields(notice: Notice) -> list[tuple[str, Any]]:
    return [(field.name, getattr(notice, field.name)) for field in dataclasses.fields(notice)]


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut(text: str, max_bytes: int) -> str:
    """The longest start of `text` within max_bytes of UTF-8, never half a character."""
    return text.encode("utf-8")[: max(max_bytes, 0)].decode("utf-8", errors="ignore")


def _line(value: str, limit: int = TEMPLATE_LINE_LIMIT) -> str:
    # Cut here rather than let WeChat cut: the reader sees where the text goes on (查询 shows it whole).
    flat = " ".join(str(value).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + ELLIPSIS
