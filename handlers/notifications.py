"""Renders outbox messages: each template name belongs to exactly one audience's wording module."""

from __future__ import annotations

from typing import Any

from handlers import staff_texts


def render(template: str, params: dict[str, Any]) -> str:
    """The text for an outbox row; KeyError names a template this version does not know."""
    return staff_texts.TEMPLATES[template](params)
