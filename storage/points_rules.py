"""积分规则: the points configuration (storage/data/points.toml, or the file GRIDBOT_POINTS_RULES names).

The rules are fixed by name (the code decides when each applies); the file sets what each is worth, its monthly
cap and its label for the whole district ([rule.NAME]), and a street may set its own points and caps
([street."NAME".RULE]): a grant is priced by the rules of the grantee's street, a street the file does not name has
the district's. Labels are the district's only, so that a report over several streets has one set of columns.

Like the holiday calendar, the file is chosen once per process at start-up (`configure`): the lifecycle grants
points inside transactions all over storage, and threading a setting through each would not make it any less
global.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Collection

SHIPPED = Path(__file__).parent / "data" / "points.toml"
RULE_NAMES = ("task_confirmed", "task_satisfied", "notice_relayed", "neighbour_report", "accepted_in_time",
              "resolved", "rated_satisfied", "rated_unsatisfied")
COMMUNITY_RULES = ("task_confirmed", "task_satisfied", "notice_relayed", "neighbour_report")  # what volunteers earn by
GRID_TEAM_RULES = ("accepted_in_time", "resolved", "rated_satisfied", "rated_unsatisfied")  # grid staff's
REDEEM = "redeem"  # 积分兑换: not configured, recorded by `gridbot points redeem`
_FIELDS = {"label", "points", "monthly_cap"}
_STREET_FIELDS = {"points", "monthly_cap"}
_MOST = 1000  # a rule worth more than this in one grant is a typing error
_STREET_NAME = 64  # Street.name's length
_TOML_LINE = re.compile(r"at line (\d+)")
_HEADER = re.compile(r"^\s*\[([^\[\]]+)\]\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*((?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+))*)\s*=")
_DOTS = re.compile(r"\"[^\"]*\"|'[^']*'|[^.\s]+")


class PointsRulesError(ValueError):
    """The file is not a usable rules file: `reason` says what is wrong (the operator's Chinese is keyed by it,
    bot/cli/startup_texts.py), `line` where (None: the file as a whole), `facts` the rule, field or street named;
    str() is the English for the log."""

    def __init__(self, reason: str, detail: str, line: int | None = None, **facts: object) -> None:
        super().__init__(f"line {line}: {detail}" if line is not None else detail)
        self.reason, self.line = reason, line
        self.facts = {name: str(value) for name, value in facts.items()}


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    points: int  # per grant; 0: off
    monthly_cap: int  # the most one person gets by it in a month (absolute value); 0: no cap


@dataclass(frozen=True)
class Rules:
    """The district's rules (`by_name`) and, by street name, the rules of each street that overrides some."""

    by_name: dict[str, Rule]
    streets: dict[str, dict[str, Rule]] = field(default_factory=dict)  # every rule, the defaults filled in
    written: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # by key: the name as typed, its line

    def __getitem__(self, name: str) -> Rule:
        return self.by_name[name]

    def label(self, name: str) -> str:
        """What people read for a rule's entries (积分兑换 for redemptions; the name itself if unknown)."""
        if name == REDEEM:
            return "积分兑换"
        rule = self.by_name.get(name)
        return rule.label if rule is not None else name

    def for_street(self, street: str | None) -> Rules:
        """The rules in force in the street of that name: its own where it has any, the district's for the rest
        (a street the file does not name, or None, has the district's)."""
        own = self.streets.get(street_key(street)) if street is not None else None
        return Rules(own) if own is not None else Rules(self.by_name)

    def overridden(self, street: str | None) -> list[str]:
        """The rules whose points or cap that street set for itself, in RULE_NAMES' order."""
        own = self.for_street(street).by_name
        return [name for name in RULE_NAMES if own[name] != self.by_name[name]]


def street_key(name: str) -> str:
    """A street's name as the file and the ledger are matched: full-width letters and spaces do not matter."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def parse(text: str) -> Rules:
    """The rules in a TOML text; PointsRulesError naming what is wrong and on which line."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = _TOML_LINE.search(str(error))
        raise PointsRulesError("toml", f"not valid TOML: {error}", int(where.group(1)) if where else None) from None
    lines = _Lines(text)
    stray = sorted(set(document) - {"rule", "street"})
    if stray:  # [rules.resolved] or a key above the tables: a typing error that would leave the rules unread
        raise PointsRulesError("stray", f"unknown table or key {stray[0]!r} (the rules are [rule.NAME] tables)",
                               lines.of((stray[0],)), name=stray[0])
    tables = document.get("rule")
    if not isinstance(tables, dict):
        raise PointsRulesError("no_rules", "no [rule.NAME] tables", lines.of(("rule",)))
    _known(tables, ("rule",), lines)
    missing = [name for name in RULE_NAMES if name not in tables]
    if missing:
        raise PointsRulesError("missing", f"rule {missing[0]!r} is missing", name=missing[0])
    defaults = {name: _rule(name, tables[name], lines) for name in RULE_NAMES}
    streets = _streets(document.get("street", {}), defaults, lines)
    written = {street_key(name): (name, lines.of(("street", name))) for name in document.get("street", {})}
    return Rules(defaults, streets, written)


def check_streets(rules: Rules, ledger: Collection[str]) -> None:
    """PointsRulesError("street_unknown") for the first street the file names that the ledger has not: a misspelt
    name (幸福街到) whose rules would price nobody's points. Nothing while the ledger has no street yet (a new
    install before `gridbot org import`)."""
    known = {street_key(name) for name in ledger}
    if not known:
        return
    for key, (name, line) in rules.written.items():
        if key not in known:
            listed = sorted(ledger)
            raise PointsRulesError("street_unknown", f"street {name!r} is not in the ledger (its streets: "
                                   f"{', '.join(listed)})", line, street=name, known="、".join(listed))


def _known(tables: dict[str, object], path: tuple[str, ...], lines: _Lines) -> None:
    unknown = sorted(set(tables) - set(RULE_NAMES))
    if unknown:
        raise PointsRulesError("unknown_rule", f"unknown rule {unknown[0]!r} (known: {', '.join(RULE_NAMES)})",
                               lines.of((*path, unknown[0])), name=unknown[0], known="、".join(RULE_NAMES))
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise PointsRulesError("not_table", f"rule {name!r}: must be a table", lines.of((*path, name)),
                                   name=name)


def _rule(name: str, table: dict[str, object], lines: _Lines) -> Rule:
    path = ("rule", name)
    extra = sorted(set(table) - _FIELDS)
    if extra:
        raise PointsRulesError("unknown_field", f"rule {name!r}: unknown field {extra[0]!r}",
                               lines.of(path, extra[0]), name=name, field=extra[0])
    label = table.get("label")
    if not isinstance(label, str) or not label.strip() or len(label) > 32:
        raise PointsRulesError("label", f"rule {name!r}: field \"label\" must be text of 1 to 32 characters",
                               lines.of(path, "label"), name=name)
    return Rule(name, label.strip(), _points(table, path, lines), _cap(table, path, lines))


def _points(table: dict[str, object], path: tuple[str, ...], lines: _Lines) -> int:
    points = table.get("points")
    if isinstance(points, bool) or not isinstance(points, int) or abs(points) > _MOST:
        raise PointsRulesError("points", f"rule {path[-1]!r}: field \"points\" must be a whole number from -{_MOST} "
                               f"to {_MOST}", lines.of(path, "points"), name=path[-1], most=_MOST,
                               street=_street_in(path))
    return points


def _cap(table: dict[str, object], path: tuple[str, ...], lines: _Lines) -> int:
    cap = table.get("monthly_cap", 0)
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 0:
        raise PointsRulesError("monthly_cap", f"rule {path[-1]!r}: field \"monthly_cap\" must be a whole number, "
                               "0 or more", lines.of(path, "monthly_cap"), name=path[-1],
                               street=_street_in(path))
    return cap


def _street_in(path: tuple[str, ...]) -> str:
    """The street whose rule a table path names ("" for the district's)."""
    return path[1] if path[0] == "street" else ""


def _streets(tables: object, defaults: dict[str, Rule], lines: _Lines) -> dict[str, dict[str, Rule]]:
    """[street."幸福街道".resolved] tables: a street's own points and caps, over the district's rules."""
    if not isinstance(tables, dict):
        raise PointsRulesError("street_not_table", "street: must be [street.\"NAME\".RULE] tables",
                               lines.of(("street",)))
    streets: dict[str, dict[str, Rule]] = {}
    for street, rules in tables.items():
        path = ("street", street)
        key = street_key(street)
        if not key or len(street) > _STREET_NAME:
            raise PointsRulesError("street_name", f"street {street!r}: a street's name of 1 to {_STREET_NAME} "
                                   "characters", lines.of(path), street=street, most=_STREET_NAME)
        if key in streets:
            raise PointsRulesError("street_twice", f"street {street!r} is written twice", lines.of(path),
                                   street=street)
        if not isinstance(rules, dict):
            raise PointsRulesError("street_not_table", f"street {street!r}: must be [street.\"NAME\".RULE] tables",
                                   lines.of(path), street=street)
        _known(rules, path, lines)
        streets[key] = defaults | {name: _override(defaults[name], table, (*path, name), lines)
                                   for name, table in rules.items()}
    return streets


def _override(default: Rule, table: dict[str, object], path: tuple[str, ...], lines: _Lines) -> Rule:
    street = path[1]
    if "label" in table:  # one label per rule, so that a district's report has the same columns for every street
        raise PointsRulesError("street_label", f"street {street!r}, rule {default.name!r}: the label is the "
                               "district's, a street sets points and monthly_cap", lines.of(path, "label"),
                               street=street, name=default.name)
    extra = sorted(set(table) - _STREET_FIELDS)
    if extra or not table:
        raise PointsRulesError("street_field", f"street {street!r}, rule {default.name!r}: only points and "
                               "monthly_cap", lines.of(path, extra[0]) if extra else lines.of(path),
                               street=street, name=default.name, field=extra[0] if extra else "")
    return replace(default, points=_points(table, path, lines) if "points" in table else default.points,
                   monthly_cap=_cap(table, path, lines) if "monthly_cap" in table else default.monthly_cap)


class _Lines:
    """Where each table and key of the file is written, to name the line of a mistake (tomllib keeps none)."""

    def __init__(self, text: str) -> None:
        self.found: dict[tuple[tuple[str, ...], str | None], int] = {}
        table: tuple[str, ...] = ()
        for number, line in enumerate(text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header is not None:
                table = _path(header.group(1))
                for depth in range(1, len(table) + 1):
                    self.found.setdefault((table[:depth], None), number)
                continue
            key = _KEY.match(line)
            if key is not None:
                name = _path(key.group(1))
                self.found.setdefault(((*table, *name[:-1]), name[-1]), number)
                self.found.setdefault(((*table, *name), None), number)

    def of(self, table: tuple[str, ...], key: str | None = None) -> int | None:
        """The line of `key` in `table` (None: of the table's header); that of the table for a key not written."""
        return self.found.get((table, key)) or self.found.get((table, None))


def _path(dotted: str) -> tuple[str, ...]:
    """rule.resolved, street."幸福街道".resolved: the names of a dotted TOML key."""
    return tuple(part.strip().strip("\"'") for part in _DOTS.findall(dotted))


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


def configured_path() -> Path:
    """The file the process's rules come from (GRIDBOT_POINTS_RULES, else the shipped one)."""
    return _configured[0] or SHIPPED


def current() -> Rules:
    """The process's rules."""
    return load(_configured[0])
