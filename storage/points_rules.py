"""积分规则: the points configuration (storage/data/points.toml, or the file GRIDBOT_POINTS_RULES names).

The rules are fixed by name (the code decides when each applies); the file sets what each is worth, its monthly
cap and its label. Like the holiday calendar, the file is chosen once per process at start-up (`configure`): the
lifecycle grants points inside transactions all over storage, and threading a setting through each would not
make it any less global.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SHIPPED = Path(__file__).parent / "data" / "points.toml"
RULE_NAMES = ("task_confirmed", "task_satisfied", "notice_relayed", "neighbour_report", "accepted_in_time",
              "resolved", "rated_satisfied", "rated_unsatisfied")
REDEEM = "redeem"  # 积分兑换: not configured, recorded by `gridbot points redeem`
_FIELDS = {"label", "points", "monthly_cap"}
_MOST = 1000  # a rule worth more than this in one grant is a typing error


class PointsRulesError(ValueError):
    """The file is not a usable rules file; the message names the rule and the field, in English."""


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    points: int  # per grant; 0: off
    monthly_cap: int  # the most one person gets by it in a month (absolute value); 0: no cap


@dataclass(frozen=True)
class Rules:
    by_name: dict[str, Rule]

    def __getitem__(self, name: str) -> Rule:
        return self.by_name[name]

    def label(self, name: str) -> str:
        """What people read for a rule's entries (积分兑换 for redemptions; the name itself if unknown)."""
        if name == REDEEM:
            return "积分兑换"
        rule = self.by_name.get(name)
        return rule.label if rule is not None else name


def parse(text: str) -> Rules:
    """The rules in a TOML text; PointsRulesError naming what is wrong."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PointsRulesError(f"not valid TOML: {error}") from None
    stray = sorted(set(document) - {"rule"})
    if stray:  # [rules.resolved] or a key above the tables: a typing error that would leave the rules unread
        raise PointsRulesError(f"unknown table or key {stray[0]!r} (the rules are [rule.NAME] tables)")
    tables = document.get("rule")
    if not isinstance(tables, dict):
        raise PointsRulesError("no [rule.NAME] tables")
    unknown = sorted(set(tables) - set(RULE_NAMES))
    if unknown:
        raise PointsRulesError(f"unknown rule {unknown[0]!r} (known: {', '.join(RULE_NAMES)})")
    missing = [name for name in RULE_NAMES if name not in tables]
    if missing:
        raise PointsRulesError(f"rule {missing[0]!r} is missing")
    return Rules({name: _rule(name, tables[name]) for name in RULE_NAMES})


def _rule(name: str, table: object) -> Rule:
    if not isinstance(table, dict):
        raise PointsRulesError(f"rule {name!r}: must be a table")
    extra = sorted(set(table) - _FIELDS)
    if extra:
        raise PointsRulesError(f"rule {name!r}: unknown field {extra[0]!r}")
    label = table.get("label")
    if not isinstance(label, str) or not label.strip() or len(label) > 32:
        raise PointsRulesError(f"rule {name!r}: field \"label\" must be text of 1 to 32 characters")
    points, cap = table.get("points"), table.get("monthly_cap", 0)
    if isinstance(points, bool) or not isinstance(points, int) or abs(points) > _MOST:
        raise PointsRulesError(f"rule {name!r}: field \"points\" must be a whole number from -{_MOST} to {_MOST}")
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 0:
        raise PointsRulesError(f"rule {name!r}: field \"monthly_cap\" must be a whole number, 0 or more")
    return Rule(name, label.strip(), points, cap)


@lru_cache(maxsize=4)
def load(path: Path | None = None) -> Rules:
    """The rules in `path` (None: the shipped ones); OSError, UnicodeDecodeError or PointsRulesError if unusable."""
    # utf-8-sig: Notepad and WPS save "UTF-8" with a BOM, which TOML calls an invalid statement on line 1.
    return parse((path or SHIPPED).read_text(encoding="utf-8-sig"))


_configured: list[Path | None] = [None]  # the process's rules file: set once at start-up (`configure`)


def configure(path: Path | None) -> None:
    """Make the rules in `path` (None: the shipped ones) the process's; the app, the worker and the CLI call it at
    start-up with GRIDBOT_POINTS_RULES, which settings have already checked."""
    _configured[0] = path


def current() -> Rules:
    """The process's rules."""
    return load(_configured[0])
