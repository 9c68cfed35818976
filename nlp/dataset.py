"""Labelled examples from a file: JSONL ({"text": ..., "label": ...} per line) or CSV with text and label columns.

Any label set works, not only the taxonomy's: a street office's 12345 export keeps its own categories.
Every problem names the file and line, and nothing is returned from a file with a problem in it.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

# Header names a CSV export may use for the two columns (an office's spreadsheet is rarely in English).
TEXT_COLUMNS = ("text", "文本", "内容", "诉求内容", "诉求", "content")
LABEL_COLUMNS = ("label", "标签", "类别", "分类", "category")
MAX_ERRORS = 10


class DatasetError(ValueError):
    """The file can't be used for training or evaluation; the message names the line(s)."""


@dataclass(frozen=True)
class Example:
    text: str
    label: str


def read_examples(path: str | Path, require_labels: int = 2) -> list[Example]:
    """All examples of a .jsonl or .csv file; DatasetError if any line is bad or fewer labels than required."""
    source = Path(path)
    try:
        raw = source.read_bytes()
    except OSError as error:
        raise DatasetError(f"{source}: cannot read: {error.strerror or error}") from error
    csv_file = source.suffix.lower() in (".csv", ".tsv")
    text = _decode(raw, source, allow_gbk=csv_file)
    lines = _csv_rows(text, source) if csv_file else _json_lines(text, source)
    examples, errors = [], []
    for number, example in lines:
        if isinstance(example, str):
            errors.append(f"{source}:{number}: {example}")
        else:
            examples.append(example)
    if errors:
        more = f"\n... and {len(errors) - MAX_ERRORS} more" if len(errors) > MAX_ERRORS else ""
        raise DatasetError("\n".join(errors[:MAX_ERRORS]) + more)
    check_labels(examples, str(source), require_labels)
    return examples


def check_labels(examples: list[Example], source: str, require_labels: int = 2) -> None:
    """DatasetError unless there are examples of at least `require_labels` labels."""
    if not examples:
        raise DatasetError(f"{source}: no examples")
    labels = Counter(example.label for example in examples)
    if len(labels) < require_labels:
        only = "、".join(labels)
        raise DatasetError(f"{source}: only one label ({only}) in {len(examples)} examples: a classifier needs "
                           f"at least {require_labels} labels")


def label_counts(examples: Iterable[Example]) -> dict[str, int]:
    """Examples per label, most frequent first (ties by name)."""
    counts = Counter(example.label for example in examples)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _decode(raw: bytes, source: Path, allow_gbk: bool) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        if allow_gbk:
            try:
                return raw.decode("gbk")
            except UnicodeDecodeError:
                pass
        line = raw.count(b"\n", 0, error.start) + 1
        expected = "UTF-8 or GBK" if allow_gbk else "UTF-8"
        raise DatasetError(f"{source}:{line}: not {expected} text (byte 0x{raw[error.start]:02x}); save the "
                           f"file as {expected}") from error


def _json_lines(text: str, source: Path) -> Iterator[tuple[int, Example | str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, f"not a JSON object ({error.msg})"
            continue
        if not isinstance(record, dict):
            yield number, 'not a JSON object like {"text": "...", "label": "..."}'
            continue
        yield number, _example(record.get("text"), record.get("label"), "text", "label")


def _csv_rows(text: str, source: Path) -> Iterator[tuple[int, Example | str]]:
    dialect = "excel-tab" if source.suffix.lower() == ".tsv" else "excel"
    reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect)
    header = next(reader, None)
    if header is None:
        raise DatasetError(f"{source}: empty file")
    names = [cell.strip().lower() for cell in header]
    text_column = _column(names, TEXT_COLUMNS)
    label_column = _column(names, LABEL_COLUMNS)
    if text_column is None or label_column is None:
        missing = "text" if text_column is None else "label"
        raise DatasetError(f"{source}:1: no {missing} column in the header {header!r}; name the columns "
                           f"{'/'.join(TEXT_COLUMNS[:3])} and {'/'.join(LABEL_COLUMNS[:3])}")
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        number = reader.line_num
        if len(row) <= max(text_column, label_column):
            yield number, f"{len(row)} column(s), expected at least {max(text_column, label_column) + 1}"
            continue
        yield number, _example(row[text_column], row[label_column], header[text_column], header[label_column])


def _column(names: list[str], accepted: tuple[str, ...]) -> int | None:
    for name in accepted:
        if name in names:
            return names.index(name)
    return None


def _example(text: object, label: object, text_name: str, label_name: str) -> Example | str:
    for value, name in ((text, text_name), (label, label_name)):
        if value is None:
            return f'missing field "{name}"'
        if not isinstance(value, str):
            return f'field "{name}" must be a string, got {value!r}'
        if not value.strip():
            return f'field "{name}" is empty'
    assert isinstance(text, str) and isinstance(label, str)
    return Example(text.strip(), label.strip())
