"""Labelled examples: from JSONL ({"text": ..., "label": ...} per line), or from a spreadsheet's rows (CSV or
.xlsx, read in bot/sheets/examples.py) with a text and a label column.

Any label set works, not only the taxonomy's: a street office's 12345 export keeps its own categories.
Every problem names the file and line, and nothing is returned from a file with a problem in it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Iterable, Iterator, Sequence

# A spreadsheet's headers for the two columns, the first the documented one (an office's spreadsheet is rarely
# in English; a 12345 export says 诉求内容).
TEXT_COLUMNS = ("内容", "文本", "诉求内容", "诉求", "text", "content")
LABEL_COLUMNS = ("类别", "标签", "分类", "label", "category")
MAX_ERRORS = 10


class Trouble(StrEnum):
    """What is wrong with a labelled-examples file (operators read it in Chinese, logs in English)."""

    UNREADABLE = "unreadable"  # detail: the system's reason
    ENCODING = "encoding"  # detail: the encodings accepted
    NOT_OBJECT = "not_object"
    MISSING_FIELD = "missing_field"  # field
    NOT_STRING = "not_string"  # field, detail: the value
    EMPTY_FIELD = "empty_field"  # field
    NO_EXAMPLES = "no_examples"
    ONE_LABEL = "one_label"  # field: the label, detail: how many examples


_ENGLISH = {
    Trouble.UNREADABLE: "cannot read: {detail}",
    Trouble.ENCODING: "not {detail} text; save the file as {detail}",
    Trouble.NOT_OBJECT: 'not a JSON object like {{"text": "...", "label": "..."}}',
    Trouble.MISSING_FIELD: 'missing field "{field}"',
    Trouble.NOT_STRING: 'field "{field}" must be a string, got {detail}',
    Trouble.EMPTY_FIELD: 'field "{field}" is empty',
    Trouble.NO_EXAMPLES: "no examples",
    Trouble.ONE_LABEL: "only one label ({field}) in {detail} examples: a classifier needs at least two labels",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, and the line it is on (None: the whole file)."""

    trouble: Trouble
    line: int | None = None
    field: str = ""
    detail: str = ""

    def english(self) -> str:
        return _ENGLISH[self.trouble].format(field=self.field, detail=self.detail)


class DatasetError(ValueError):
    """The file can't be used for training or evaluation: every problem, each with its line."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        shown = [f"{source}:{problem.line}: " if problem.line else f"{source}: " for problem in self.problems]
        lines = [where + problem.english() for where, problem in zip(shown, self.problems, strict=True)]
        more = f"\n... and {len(lines) - MAX_ERRORS} more" if len(lines) > MAX_ERRORS else ""
        super().__init__("\n".join(lines[:MAX_ERRORS]) + more)


@dataclass(frozen=True)
class Example:
    text: str
    label: str


def read_examples(path: str | Path, require_labels: int = 2) -> list[Example]:
    """All examples of a JSONL file; DatasetError if any line is bad or there are fewer labels than required."""
    source = Path(path)
    try:
        raw = source.read_bytes()
    except OSError as error:
        raise DatasetError(str(source), [Problem(Trouble.UNREADABLE, detail=str(error.strerror or error))]) from error
    return _checked(str(source), _json_lines(_decode(raw, source)), require_labels)


def examples_from_rows(source: str, rows: Iterable[tuple[int, str, str]], require_labels: int = 2) -> list[Example]:
    """The examples of a spreadsheet's (line, text, label) rows; DatasetError naming every bad line."""
    return _checked(source, (_example(line, text, label, TEXT_COLUMNS[0], LABEL_COLUMNS[0])
                             for line, text, label in rows), require_labels)


def _checked(source: str, lines: Iterable[Example | Problem], require_labels: int) -> list[Example]:
    examples, problems = [], []
    for example in lines:
        if isinstance(example, Problem):
            problems.append(example)
        else:
            examples.append(example)
    if problems:
        raise DatasetError(source, problems)
    check_labels(examples, source, require_labels)
    return examples


def check_labels(examples: list[Example], source: str, require_labels: int = 2) -> None:
    """DatasetError unless there are examples of at least `require_labels` labels."""
    if not examples:
        raise DatasetError(source, [Problem(Trouble.NO_EXAMPLES)])
    labels = Counter(example.label for example in examples)
    if len(labels) < require_labels:
        raise DatasetError(source, [Problem(Trouble.ONE_LABEL, field="、".join(labels), detail=str(len(examples)))])


def label_counts(examples: Iterable[Example]) -> dict[str, int]:
    """Examples per label, most frequent first (ties by name)."""
    counts = Counter(example.label for example in examples)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _decode(raw: bytes, source: Path) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise DatasetError(str(source), [Problem(Trouble.ENCODING, line, detail="UTF-8")]) from error


def _json_lines(text: str) -> Iterator[Example | Problem]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            yield Problem(Trouble.NOT_OBJECT, number)
            continue
        if not isinstance(record, dict):
            yield Problem(Trouble.NOT_OBJECT, number)
            continue
        yield _example(number, record.get("text"), record.get("label"), "text", "label")


def _example(line: int, text: object, label: object, text_name: str, label_name: str) -> Example | Problem:
    for value, name in ((text, text_name), (label, label_name)):
        if value is None:
            return Problem(Trouble.MISSING_FIELD, line, field=name)
        if not isinstance(value, str):
            return Problem(Trouble.NOT_STRING, line, field=name, detail=repr(value))
        if not value.strip():
            return Problem(Trouble.EMPTY_FIELD, line, field=name)
    assert isinstance(text, str) and isinstance(label, str)
    return Example(text.strip(), label.strip())
