"""How the three rates combine (storage/rates.py), apart from computing them: configuration reads it at start."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Weights:
    """How the rates combine: the credit of a 基本满意 (w) and the weights of 综合成绩 (they sum to 1)."""

    basic_credit: float = 0.9
    response: float = 0.10
    resolve: float = 0.50
    satisfaction: float = 0.40


DEFAULT_WEIGHTS = Weights()
