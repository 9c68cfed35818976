"""Renders outbox messages: each template name belongs to exactly one audience's wording module."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from handlers import resident_texts, staff_texts

RESIDENT_PREFIX = "resident_"
TEMPLATE_LINE_LIMIT = 20  # WeChat cuts each line of a template message at 20 characters
# A template's whole content stays within 200 characters; the remark gets what the lines leave.
TEMPLATE_REMARK_LIMIT = 100
TEXTS = {**staff_texts.TEMPLATES, **resident_texts.TEMPLATES}
FIELDS = {**staff_texts.TEMPLATE_FIELDS, **resident_texts.TEMPLATE_FIELDS}
NAMES = frozenset(TEXTS)


def for_resident(template: str) -> bool:
    """Residents' notices go by the reply window; everything else is for staff."""
    return template.startswith(RESIDENT_PREFIX)


def render(template: str, params: dict[str, Any]) -> str:
    """The text for an outbox row; KeyError names a template this version does not know."""
    return TEXTS[template](params)


def template_data(template: str, params: dict[str, Any]) -> dict[str, dict[str, str]]:
    """A template message's `data`: keyword1…keywordN, one line each, and the remark."""
    keywords, remark = FIELDS[template](params)
    data = {f"keyword{number}": {"value": _line(value)} for number, value in enumerate(keywords, start=1)}
    data["remark"] = {"value": remark}
    return data


def generic_template_data(template: str, params: dict[str, Any], at: datetime) -> dict[str, dict[str, str]]:
    """The `data` of the one generic template every resident notice may share (GRIDBOT_RESIDENT_TEMPLATE_ID):
    first (the headline), keyword1 编号, keyword2 状态, keyword3 时间 (of the step), remark.

    WeChat no longer shows first and remark (2023), so keyword2 carries what the resident must know or do.
    """
    first, status, remark = resident_texts.GENERIC_FIELDS[template](params)
    return {
        "first": {"value": _line(first)},
        "keyword1": {"value": _line(params["ticket"])},
        "keyword2": {"value": _line(status)},
        "keyword3": {"value": resident_texts.clock(at)},
        "remark": {"value": _line(remark, TEMPLATE_REMARK_LIMIT)},
    }


def _line(value: str, limit: int = TEMPLATE_LINE_LIMIT) -> str:
    # Cut here rather than let WeChat cut: the reader sees where the text goes on (查询 shows it whole).
    flat = " ".join(str(value).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
