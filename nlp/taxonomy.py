"""The appeal taxonomy: categories, their time limits, routes and keyword weights, read from TOML."""

from __future__ import annotations

import functools
import math
import tomllib
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

UNCLASSIFIED = "待分类"
# A complaint about staff (nlp.complaints) is filed under this category, which no taxonomy file lists: it is not
# a kind of problem the classifier learns but a matter of who may hear of it. Private (sensitive), default limits.
STAFF_COMPLAINT = "投诉工作人员"
# Questions (低保怎么申请): answered from the FAQ when it knows them, each asker answered in person otherwise.
QUESTION_CATEGORY = "政策咨询"
DEFAULT_RESPONSE_HOURS = 4
DEFAULT_RESOLVE_HOURS = 72
GRID_ROUTE = "grid"
DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_MODEL = DATA_DIR / "model"  # the model trained on the shipped corpus (nlp/loading.py loads it)
DEPARTMENT_PREFIX = "department:"

_TOP_LEVEL_KEYS = frozenset(
    {"threshold", "default_response_hours", "default_resolve_hours", "hotspots", "category", "emergency"}
)
_HOTSPOT_KEYS = ("window_days", "building", "compound", "grid")
_CATEGORY_KEYS = frozenset(
    {"name", "response_hours", "resolve_hours", "route", "sensitive", "keywords", "negative", "subcategory",
     "working_days", "volunteers"}
)
_SUBCATEGORY_KEYS = frozenset({"name", "keywords", "route", "response_hours", "resolve_hours", "volunteers"})
_EMERGENCY_KEYS = frozenset({"name", "label", "category", "call", "advice", "response_minutes", "phrases", "not"})
_EMERGENCY_TEXTS = ("label", "call", "advice")
PHRASE_JOIN = "+"  # "电梯+困": every part, in this order, anywhere in the message


class TaxonomyError(ValueError):
    """The taxonomy file is missing, unreadable or invalid; the message names the category and field."""


@dataclass(frozen=True)
class Limits:
    """Who gets an appeal and how fast: its category's, or its subcategory's where that sets its own."""

    response_hours: int
    resolve_hours: int
    route: str
    working_days: bool = False  # the hours count on working days only: the category's setting, for all its kinds

    @property
    def department(self) -> str | None:
        """The department that receives the appeal, or None when the grid handles it."""
        if self.route.startswith(DEPARTMENT_PREFIX):
            return self.route[len(DEPARTMENT_PREFIX):]
        return None


@dataclass(frozen=True)
class Subcategory:
    """A finer kind within a category (物业服务 → 电梯), told apart by its own keywords; it may route elsewhere or
    run on other clocks than its category (噪音扰民 · 施工噪音 goes to law enforcement). None: the category's."""

    name: str
    keywords: Mapping[str, float] = field(default_factory=dict, hash=False)
    route: str | None = None
    response_hours: int | None = None
    resolve_hours: int | None = None
    volunteers: bool | None = None  # whether volunteers may take it (领单); None: as its category says

    def __post_init__(self) -> None:
        object.__setattr__(self, "keywords", MappingProxyType(dict(self.keywords)))

    def __reduce__(self) -> tuple[type[Subcategory], tuple[Any, ...]]:
        return Subcategory, (self.name, dict(self.keywords), self.route, self.response_hours, self.resolve_hours,
                             self.volunteers)


@dataclass(frozen=True)
class Category:
    """One kind of appeal: who gets it, how fast, and the words that reveal it."""

    name: str
    response_hours: int
    resolve_hours: int
    route: str
    sensitive: bool
    keywords: Mapping[str, float] = field(default_factory=dict, hash=False)
    negative: Mapping[str, float] = field(default_factory=dict, hash=False)
    subcategories: tuple[Subcategory, ...] = ()
    # Its hours count on working days only: holidays and weekends stop the clock (storage/workdays.py).
    working_days: bool = False
    # Volunteers and party members may take its appeals (领单: help for an elderly neighbour, a clean-up); never a
    # sensitive category's. A subcategory may say otherwise for itself.
    volunteers: bool = False

    def __post_init__(self) -> None:
        # A frozen dataclass does not freeze the dicts it holds; read-only copies make the category truly immutable.
        object.__setattr__(self, "keywords", MappingProxyType(dict(self.keywords)))
        object.__setattr__(self, "negative", MappingProxyType(dict(self.negative)))

    def __reduce__(self) -> tuple[type[Category], tuple[Any, ...]]:
        # Read-only mappings cannot be pickled; rebuild from plain dicts so categories can travel to workers.
        fields = (self.name, self.response_hours, self.resolve_hours, self.route, self.sensitive)
        return Category, (*fields, dict(self.keywords), dict(self.negative), self.subcategories, self.working_days,
                          self.volunteers)

    def subcategory_of(self, text: str) -> str | None:
        """The subcategory whose keywords in text weigh most (the earlier one on a tie); None if none is named."""
        folded = normalize_text(text)
        best, weight = None, 0.0
        for subcategory in self.subcategories:
            found = sum(value for word, value in subcategory.keywords.items() if word in folded)
            if found > weight:
                best, weight = subcategory.name, found
        return best

    @property
    def department(self) -> str | None:
        """The department that receives this category, or None when the grid handles it."""
        return self.limits().department

    def limits(self, subcategory: str | None = None) -> Limits:
        """The route and clocks of an appeal of this category and `subcategory` (None, or one it does not have:
        the category's own)."""
        own = Limits(self.response_hours, self.resolve_hours, self.route, self.working_days)
        found = next((sub for sub in self.subcategories if sub.name == subcategory), None)
        if found is None:
            return own
        return Limits(found.response_hours or own.response_hours, found.resolve_hours or own.resolve_hours,
                      found.route or own.route, own.working_days)

    def for_volunteers(self, subcategory: str | None = None) -> bool:
        """Whether volunteers may take an appeal of this category and `subcategory` (its own flag where it sets
        one, else the category's)."""
        found = next((sub for sub in self.subcategories if sub.name == subcategory), None)
        if found is not None and found.volunteers is not None:
            return found.volunteers
        return self.volunteers

    @property
    def routes(self) -> frozenset[str]:
        """Every route an appeal of this category can take: its own and its subcategories'."""
        return frozenset({self.route, *(sub.route for sub in self.subcategories if sub.route)})


@dataclass(frozen=True)
class Emergency:
    """A danger to life (火情, 急病, 暴力…): the phrases that reveal it and what the resident must do first."""

    name: str
    label: str
    category: str
    call: str
    advice: str
    response_minutes: int
    phrases: tuple[str, ...]
    not_phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hotspots:
    """聚焦办: this many appeals of one category (or with one keyword) within window_days make a hot spot."""

    window_days: int = 7
    building: int = 3
    compound: int = 5  # 小区
    grid: int = 8


@dataclass(frozen=True)
class Taxonomy:
    """The validated taxonomy: a confidence threshold and the categories in file order."""

    threshold: float
    categories: tuple[Category, ...]
    default_response_hours: int = DEFAULT_RESPONSE_HOURS
    default_resolve_hours: int = DEFAULT_RESOLVE_HOURS
    hotspots: Hotspots = Hotspots()
    emergencies: tuple[Emergency, ...] = ()

    @property
    def sensitive(self) -> frozenset[str]:
        """The private categories (family, neighbours, complaints about staff): never offered to join, merged, or
        clustered."""
        return frozenset(category.name for category in self.categories if category.sensitive) | {STAFF_COMPLAINT}

    @functools.cached_property
    def emergency_phrases(self) -> tuple[str, ...]:
        """Every emergency's phrases, in file order (cached: the taxonomy never changes once loaded)."""
        return tuple(phrase for emergency in self.emergencies for phrase in emergency.phrases)

    def emergency_labelled(self, label: str) -> Emergency | None:
        """The emergency whose label an appeal carries (火情, 急病…), if the taxonomy still names it."""
        return next((emergency for emergency in self.emergencies if emergency.label == label), None)

    def category(self, name: str) -> Category:
        """Return the category called name (UNCLASSIFIED and STAFF_COMPLAINT give the default limits); KeyError if
        unknown."""
        for category in self.categories:
            if category.name == name:
                return category
        if name in (UNCLASSIFIED, STAFF_COMPLAINT):
            return Category(
                name=name,
                response_hours=self.default_response_hours,
                resolve_hours=self.default_resolve_hours,
                route=GRID_ROUTE,
                sensitive=name == STAFF_COMPLAINT,
            )
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        """Category names in file order."""
        return tuple(category.name for category in self.categories)

    @property
    def volunteer_categories(self) -> frozenset[str]:
        """The categories volunteers may take appeals of, all of them or some kinds (see `for_volunteers`)."""
        return frozenset(category.name for category in self.categories if not category.sensitive and (
            category.volunteers or any(sub.volunteers for sub in category.subcategories)))

    def for_volunteers(self, category: str, subcategory: str | None = None) -> bool:
        """Whether volunteers may take (领单) an appeal filed as category · subcategory: the taxonomy flags it and
        it is no private matter. False for a category this taxonomy does not know."""
        if category in self.sensitive:
            return False
        found = next((known for known in self.categories if known.name == category), None)
        return found is not None and found.for_volunteers(subcategory)

    def limits(self, category: str, subcategory: str | None = None) -> Limits:
        """Route and clocks of an appeal filed as category · subcategory (KeyError for an unknown category)."""
        return self.category(category).limits(subcategory)

    @property
    def departments(self) -> tuple[str, ...]:
        """The departments categories and subcategories route appeals to, sorted."""
        routes = {route for category in self.categories for route in category.routes}
        return tuple(sorted(route[len(DEPARTMENT_PREFIX):] for route in routes if route.startswith(DEPARTMENT_PREFIX)))


@functools.lru_cache(maxsize=1024)
def normalize_text(text: str) -> str:
    """Fold text as keywords and messages are compared: NFKC (full-width to half-width), stripped, lowercase.

    Cached: the model, the rules and the FAQ each fold the same message.
    """
    return unicodedata.normalize("NFKC", text).strip().lower()


def default_taxonomy_path() -> Path:
    """Path of the taxonomy shipped with the package."""
    return DATA_DIR / "taxonomy.toml"


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read and validate a taxonomy file (the shipped default when path is None)."""
    source = Path(path) if path is not None else default_taxonomy_path()
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise TaxonomyError(f"{source}: cannot read taxonomy file: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")  # Notepad and WPS save "UTF-8" with a BOM, an invalid statement to TOML
    except UnicodeDecodeError as exc:
        raise TaxonomyError(f"{source}: not valid UTF-8 TOML: {exc}") from exc
    return taxonomy_from_text(text, source=str(source))


def taxonomy_from_text(text: str, source: str = "<taxonomy>") -> Taxonomy:
    """Read and validate a taxonomy's TOML (a version saved from the console, or a file's content)."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"{source}: not valid UTF-8 TOML: {exc}") from exc
    return parse_taxonomy(document, source=source)


def parse_taxonomy(document: Mapping[str, Any], source: str = "<taxonomy>") -> Taxonomy:
    """Validate an already-parsed TOML document and build the Taxonomy."""
    unknown = sorted(set(document) - _TOP_LEVEL_KEYS)
    if unknown:
        raise TaxonomyError(f"{source}: unknown top-level key {unknown[0]!r}")
    threshold = _threshold(document, source)
    default_response = _hours(document, "default_response_hours", source, DEFAULT_RESPONSE_HOURS)
    default_resolve = _hours(document, "default_resolve_hours", source, DEFAULT_RESOLVE_HOURS)
    if default_response > default_resolve:
        raise TaxonomyError(f"{source}: default_response_hours must not exceed default_resolve_hours")
    tables = document.get("category")
    if not isinstance(tables, list) or not tables:
        raise TaxonomyError(f"{source}: no categories: add at least one [[category]] table")
    categories: list[Category] = []
    seen: set[str] = set()
    for position, table in enumerate(tables, start=1):
        category = _category(table, source, position)
        if category.name in seen:
            raise TaxonomyError(f'{source}: duplicate category "{category.name}"')
        seen.add(category.name)
        categories.append(category)
    return Taxonomy(
        threshold=threshold,
        categories=tuple(categories),
        default_response_hours=default_response,
        default_resolve_hours=default_resolve,
        hotspots=_hotspots(document.get("hotspots", {}), source),
        emergencies=_emergencies(document.get("emergency", []), source, seen),
    )


def _named_tables(tables: Any, within: str, kind: str, plural: str, syntax: str,
                  keys: frozenset[str]) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Each of a list of [[kind]] tables with its checked, unique name and where it is (for error messages)."""
    if not isinstance(tables, list):
        raise TaxonomyError(f"{within}: {plural} are written as {syntax} tables")
    names: set[str] = set()
    for position, table in enumerate(tables, start=1):
        where = f"{within}: {kind} #{position}"
        if not isinstance(table, dict):
            raise TaxonomyError(f"{where}: must be a table")
        name = table.get("name")
        if not isinstance(name, str) or not name.strip() or name != name.strip():
            raise TaxonomyError(f'{where}: field "name" must be a non-empty string without surrounding spaces, '
                                f"got {name!r}")
        where = f'{within}: {kind} "{name}"'
        unknown = sorted(set(table) - keys)
        if unknown:
            raise TaxonomyError(f"{where}: unknown field {unknown[0]!r}")
        if name in names:
            raise TaxonomyError(f"{where}: duplicate {kind}")
        names.add(name)
        yield name, table, where


def _emergencies(tables: Any, source: str, categories: set[str]) -> tuple[Emergency, ...]:
    found: list[Emergency] = []
    for name, table, where in _named_tables(tables, source, "emergency", "emergencies", "[[emergency]]",
                                            _EMERGENCY_KEYS):
        texts = {}
        for key in _EMERGENCY_TEXTS:
            value = table.get(key)
            if not isinstance(value, str) or not value.strip():
                raise TaxonomyError(f'{where}: field "{key}" must be a non-empty string, got {value!r}')
            texts[key] = value.strip()
        category = table.get("category")
        if category not in categories:
            raise TaxonomyError(f'{where}: field "category" must name a [[category]], got {category!r}')
        minutes = table.get("response_minutes")
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
            raise TaxonomyError(f'{where}: field "response_minutes" must be a positive whole number, got {minutes!r}')
        phrases = _phrases(table, "phrases", where)
        if not phrases:
            raise TaxonomyError(f'{where}: field "phrases" is empty')
        found.append(Emergency(name=name, category=category, response_minutes=minutes, phrases=phrases,
                               not_phrases=_phrases(table, "not", where), **texts))
    return tuple(found)


def _phrases(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list):
        raise TaxonomyError(f'{where}: field "{key}" must be a list of phrases')
    phrases = []
    for phrase in value:
        folded = normalize_text(phrase) if isinstance(phrase, str) else ""
        if not folded or any(not part.strip() for part in folded.split(PHRASE_JOIN)):
            raise TaxonomyError(f'{where}: field "{key}" has an empty phrase: {phrase!r}')
        phrases.append(folded)
    return tuple(phrases)


def _hotspots(table: Any, source: str) -> Hotspots:
    where = f"{source}: [hotspots]"
    if not isinstance(table, dict):
        raise TaxonomyError(f"{where}: must be a table")
    unknown = sorted(set(table) - set(_HOTSPOT_KEYS))
    if unknown:
        raise TaxonomyError(f"{where}: unknown field {unknown[0]!r}")
    values = {}
    for key in _HOTSPOT_KEYS:
        if key in table:
            value = table[key]
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise TaxonomyError(f'{where}: field "{key}" must be a positive whole number, got {value!r}')
            values[key] = value
    hotspots = Hotspots(**values)
    if not hotspots.building <= hotspots.compound <= hotspots.grid:
        raise TaxonomyError(f"{where}: thresholds must grow with the place: building <= compound <= grid")
    return hotspots


def _threshold(document: Mapping[str, Any], source: str) -> float:
    if "threshold" not in document:
        raise TaxonomyError(f'{source}: missing field "threshold"')
    value = document["threshold"]
    if not _is_number(value) or not 0.0 < float(value) < 1.0:
        raise TaxonomyError(f'{source}: field "threshold" must be a number between 0 and 1, got {value!r}')
    return float(value)


def _hours(table: Mapping[str, Any], key: str, where: str, default: int | None = None) -> int:
    if key not in table:
        if default is not None:
            return default
        raise TaxonomyError(f'{where}: missing field "{key}"')
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise TaxonomyError(f'{where}: field "{key}" must be a positive whole number of hours, got {value!r}')
    return value


def _category(table: Any, source: str, position: int) -> Category:
    where = f"{source}: category #{position}"
    if not isinstance(table, dict):
        raise TaxonomyError(f"{where}: must be a table")
    name = table.get("name")
    if name is None:
        raise TaxonomyError(f'{where}: missing field "name"')
    if not isinstance(name, str) or not name.strip():
        raise TaxonomyError(f'{where}: field "name" must be a non-empty string, got {name!r}')
    where = f'{source}: category "{name}"'
    if name != name.strip():
        raise TaxonomyError(f'{where}: field "name" has surrounding whitespace')
    if name == UNCLASSIFIED:
        raise TaxonomyError(f'{where}: field "name" is reserved for unclassified appeals')
    if name == STAFF_COMPLAINT:
        raise TaxonomyError(f'{where}: field "name" is reserved for complaints about staff')
    unknown = sorted(set(table) - _CATEGORY_KEYS)
    if unknown:
        raise TaxonomyError(f"{where}: unknown field {unknown[0]!r}")
    response_hours = _hours(table, "response_hours", where)
    resolve_hours = _hours(table, "resolve_hours", where)
    if response_hours > resolve_hours:
        raise TaxonomyError(
            f'{where}: field "response_hours" ({response_hours}) exceeds "resolve_hours" ({resolve_hours})'
        )
    route = _route(table["route"], where) if "route" in table else _missing(where, "route")
    sensitive = table.get("sensitive", False)
    if not isinstance(sensitive, bool):
        raise TaxonomyError(f'{where}: field "sensitive" must be true or false, got {sensitive!r}')
    working_days = table.get("working_days", False)
    if not isinstance(working_days, bool):
        raise TaxonomyError(f'{where}: field "working_days" must be true or false, got {working_days!r}')
    volunteers = _flag(table, "volunteers", where)
    if sensitive and (volunteers or any(sub.get("volunteers") is True for sub in _tables(table.get("subcategory")))):
        # A volunteer reads the appeal's place and words: a private matter must never reach them.
        raise TaxonomyError(f'{where}: a sensitive category cannot be given to volunteers (field "volunteers")')
    keywords = _keywords(table, where)
    negative = _weights(table.get("negative", {}), where, "negative")
    both = [word for word in keywords if word in negative]
    if both:
        raise TaxonomyError(f'{where}: keyword "{both[0]}" is in both "keywords" and "negative"')
    return Category(
        name=name,
        response_hours=response_hours,
        resolve_hours=resolve_hours,
        route=route,
        sensitive=sensitive,
        keywords=keywords,
        negative=negative,
        subcategories=_subcategories(table.get("subcategory", []), where,
                                     Limits(response_hours, resolve_hours, route)),
        working_days=working_days,
        volunteers=bool(volunteers),
    )


def _flag(table: Mapping[str, Any], key: str, where: str) -> bool | None:
    """An optional true/false field; None when it is left out."""
    value = table.get(key)
    if value is not None and not isinstance(value, bool):
        raise TaxonomyError(f'{where}: field "{key}" must be true or false, got {value!r}')
    return value


def _tables(value: Any) -> list[dict[str, Any]]:
    """The tables of a list of [[...]] tables, skipping what is no table (reported where the list is read)."""
    return [table for table in value if isinstance(table, dict)] if isinstance(value, list) else []


def _subcategories(tables: Any, where: str, limits: Limits) -> tuple[Subcategory, ...]:
    found = []
    for name, table, place in _named_tables(tables, where, "subcategory", "subcategories",
                                            "[[category.subcategory]]", _SUBCATEGORY_KEYS):
        route = _route(table["route"], place) if "route" in table else None
        response = _hours(table, "response_hours", place) if "response_hours" in table else None
        resolve = _hours(table, "resolve_hours", place) if "resolve_hours" in table else None
        if (response or limits.response_hours) > (resolve or limits.resolve_hours):
            raise TaxonomyError(f'{place}: its response hours ({response or limits.response_hours}) exceed its '
                                f"resolve hours ({resolve or limits.resolve_hours})")
        found.append(Subcategory(name, _keywords(table, place), route, response, resolve,
                                 _flag(table, "volunteers", place)))
    return tuple(found)


def _missing(where: str, key: str) -> Any:
    raise TaxonomyError(f'{where}: missing field "{key}"')


def _route(route: Any, where: str) -> str:
    if route == GRID_ROUTE:
        return route
    if isinstance(route, str) and route.startswith(DEPARTMENT_PREFIX):
        department = route[len(DEPARTMENT_PREFIX):]
        if department and department == department.strip():
            return route
    raise TaxonomyError(f'{where}: field "route" must be "grid" or "department:<name>", got {route!r}')


def _keywords(table: Mapping[str, Any], where: str) -> dict[str, float]:
    """The required, non-empty keywords of a category or subcategory."""
    if "keywords" not in table:
        raise TaxonomyError(f'{where}: missing field "keywords"')
    keywords = _weights(table["keywords"], where, "keywords")
    if not keywords:
        raise TaxonomyError(f'{where}: field "keywords" is empty')
    return keywords


def _weights(value: Any, where: str, key: str) -> dict[str, float]:
    if not isinstance(value, dict):
        raise TaxonomyError(f'{where}: field "{key}" must be a table of word = weight')
    weights: dict[str, float] = {}
    for word, weight in value.items():
        folded = normalize_text(word)
        if not folded:
            raise TaxonomyError(f'{where}: field "{key}" has an empty word')
        if not _is_number(weight) or not math.isfinite(weight) or weight <= 0:
            raise TaxonomyError(
                f'{where}: field "{key}": weight of "{word}" must be a positive number, got {weight!r}'
            )
        if folded in weights:
            raise TaxonomyError(f'{where}: field "{key}": "{word}" repeats another word once normalised')
        weights[folded] = float(weight)
    return weights


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
