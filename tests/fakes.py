"""Test-side handle on the fake WeChat API (bot/wechat/fake.py) over its /_fake control endpoints."""

from __future__ import annotations

from typing import Any

import requests


class Fake:
    """A running fake with small helpers for its control API."""

    def __init__(self, url: str) -> None:
        self.url = url

    def calls(self, path: str | None = None) -> list[dict[str, Any]]:
        return requests.get(f"{self.url}/_fake/calls", params={"path": path} if path else {}, timeout=5).json()

    def stats(self) -> dict[str, Any]:
        return requests.get(f"{self.url}/_fake/stats", timeout=5).json()

    def fail(self, path: str, errcode: int | str, times: int = 1, delay: float = 6.0) -> None:
        spec = {"path": path, "errcode": errcode, "times": times, "delay": delay}
        requests.post(f"{self.url}/_fake/fail", json=spec, timeout=5).raise_for_status()

    def expire_token(self) -> None:
        requests.post(f"{self.url}/_fake/expire-token", timeout=5).raise_for_status()
