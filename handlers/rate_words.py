"""How every operator surface writes the three rates (the CLI's `gridbot rates`, the console's ranking and dashboard,
the morning summary): a percentage, a score, the change against the previous period, and a unit's name."""

from __future__ import annotations

from storage.rates import Rates, Row

NONE = "—"  # a rate over nothing: never 0 %
# --by, and how a table names the unit (storage.rate_counts.Unit; a test keeps them equal).
UNIT_NAMES = {"street": "街道", "community": "社区", "grid": "网格", "member": "网格员", "category": "类别"}
NOBODY = "（无人接单）"  # the member unit of appeals nobody claimed
LEFT = "（已离职）"  # after a member who has left since: their figures stay, nobody looks for them in the staff list
TOTAL = "合计"
# What each figure a list of the rates' appeals can be drawn for counted (storage.rate_counts.LISTED): the console's
# ?counted= heading and `gridbot appeals list --counted` (which reads these words as well as the keys).
COUNTED_NAMES = {"dispatched": "派发", "responded": "响应及时", "resolved": "已解决", "ever_resolved": "办结过",
                 "rated": "已评价"}


def percent(rate: float | None, decimals: int = 1) -> str:
    """87.5%; "—" for a rate over nothing; a rate short of 100 % never reads 100 % (1999 of 2000 is 99.9%)."""
    return NONE if rate is None else f"{_short_of_full(rate * 100, decimals)}%"


def points(score: float | None) -> str:
    """综合成绩 with one decimal; "—" when there is none; short of 100 never reads 100.0."""
    return NONE if score is None else _short_of_full(score, 1)


# What scripts read (`gridbot rates --json`): a rate as a fraction to 4 decimals (the table's 68.5% is 0.685), a
# 综合成绩 to 2: no float noise (0.6849999999999999), and short of full never rounds to full.
FRACTION_DECIMALS = 4
SCORE_DECIMALS = 2


def fraction(rate: float | None) -> float | None:
    """A rate rounded to FRACTION_DECIMALS (short of 1 never 1.0: 19999 of 20000 is 0.9999); None stays None."""
    return None if rate is None else _rounded(rate, FRACTION_DECIMALS, 1)


def score_value(score: float | None) -> float | None:
    """综合成绩 rounded to SCORE_DECIMALS (short of 100 never 100.0); None stays None."""
    return None if score is None else _rounded(score, SCORE_DECIMALS, 100)


def _rounded(value: float, decimals: int, full: float) -> float:
    written = round(value, decimals)
    return round(full - 10 ** -decimals, decimals) if value < full and written >= full else written


def _short_of_full(value: float, decimals: int) -> str:
    # Rounding would print 99.95 as 100.0: a unit one appeal short would read as perfect as a perfect one, and
    # 考核办 is asked why. Below 100 shows at most the largest figure below 100 at these decimals.
    written = f"{value:.{decimals}f}"
    return f"{100 - 10 ** -decimals:.{decimals}f}" if value < 100 and float(written) >= 100 else written


def change(now: Rates, before: Rates | None) -> str:
    """↑2.5 / ↓1.0 / 0.0 points of 综合成绩 against the previous period; "—" when either has none."""
    if now.score is None or before is None or before.score is None:
        return NONE
    delta = round(now.score - before.score, 1)
    return f"↑{delta:.1f}" if delta > 0 else f"↓{-delta:.1f}" if delta < 0 else "0.0"


def label(row: Row) -> str:
    """The unit's name as a table writes it: 无人接单 for nobody, a member who has left marked so."""
    if row.key is None and row.label == "":
        return NOBODY
    return row.label + LEFT if row.left else row.label
