"""Personal data never reaches a log whole (storage logs 认证 lockouts; the edge logs every request)."""

from __future__ import annotations


def mask(openid: str) -> str:
    """An openid shortened to tell users apart in logs without identifying them."""
    if len(openid) <= 8:
        return openid[:2] + "…"
    return f"{openid[:4]}…{openid[-2:]}"
