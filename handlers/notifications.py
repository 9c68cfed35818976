"""Renders outbox messages: each template name belongs to exactly one audience's wording module."""

from __future__ import annotations

from typing import Any

from handlers import resident_texts, staff_texts

RESIDENT_PREFIX = "resident_"
TEMPLATE_LINE_LIMIT = 20  # WeChat cuts each line of a template message at 20 characters
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


def _line(value: str) -> str:
    # Cut here rather than let WeChat cut: the reader sees where the text goes on (查询 shows it whole).
    flat = " ".join(str(value).split())
    return flat if len(flat) <= TEMPLATE_LINE_LIMIT else flat[: TEMPLATE_LINE_LIMIT - 1] + "…"
