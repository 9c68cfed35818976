"""Importing FAQ entries from an operator's spreadsheet: rows, their validation, and applying them."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import BATCH_ROWS, Database
from storage.faq import split_alternates
from storage.models import FaqEntry

# The file's column headers: FaqRow field -> header.
COLUMNS: dict[str, str] = {
    "question": "问题",
    "answer": "答案",
    "alternates": "同义问法",
    "category": "类别",
}
REQUIRED = ("question", "answer")
MAX_LENGTH = {
    "question": 200,  # the column's length in storage.models
    "alternates": 200,  # each phrasing
    # A passive reply carries at most 2048 bytes: 600 characters of UTF-8 Chinese plus the 转人工 line fit.
    "answer": 600,
    "category": 32,
}


@dataclass(frozen=True)
class FaqRow:
    """One data line of the file, cells trimmed; "" for an empty 同义问法 or 类别."""

    line: int
    question: str
    answer: str
    alternates: str
    category: str


class FaqProblem(StrEnum):
    MISSING = "missing"
    TOO_LONG = "too_long"
    CONTROL_CHARACTER = "control_character"
    DUPLICATE_QUESTION = "duplicate_question"


@dataclass(frozen=True)
class FaqRowError:
    """One problem on one line, worded for operators in handlers/operator_texts.py."""

    line: int
    problem: FaqProblem
    column: str
    length: int = 0
    other_line: int = 0  # for a duplicate: where the question first appears


@dataclass(frozen=True)
class FaqImportReport:
    """How many entries the file created, changed, and found as they were."""

    rows: int
    created: int
    updated: int
    unchanged: int


def validate(rows: Iterable[FaqRow]) -> list[FaqRowError]:
    """Every problem of every row, by line: required cells, lengths, control characters, repeated questions."""
    errors: list[FaqRowError] = []
    first_line: dict[str, int] = {}
    for row in rows:
        row_errors = _field_errors(row)
        errors.extend(row_errors)
        if row.question and not row_errors:
            first = first_line.setdefault(row.question, row.line)
            if first != row.line:
                errors.append(FaqRowError(row.line, FaqProblem.DUPLICATE_QUESTION, "question", other_line=first))
    return sorted(errors, key=lambda error: error.line)


def apply(session: Session, rows: Iterable[FaqRow], now: datetime) -> FaqImportReport:
    """Create or update the (validated) rows' entries, keyed by question, in the caller's transaction."""
    rows = list(rows)
    stored = {entry.question: entry for entry in session.scalars(
        select(FaqEntry).where(FaqEntry.question.in_([row.question for row in rows]))
    )}
    created = updated = 0
    for row in rows:
        values = {"answer": row.answer, "alternates": "\n".join(split_alternates(row.alternates)),
                  "category": row.category, "active": True}
        entry = stored.get(row.question)
        if entry is None:
            session.add(FaqEntry(question=row.question, created_at=now, updated_at=now, **values))
            created += 1
        elif any(getattr(entry, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(entry, name, value)
            entry.updated_at = now  # the webhook processes' caches notice the change by this
            updated += 1
    session.flush()
    return FaqImportReport(rows=len(rows), created=created, updated=updated,
                           unchanged=len(rows) - created - updated)


def import_rows(database: Database, rows: Sequence[FaqRow], now: datetime,
                batch_rows: int = BATCH_ROWS) -> FaqImportReport:
    """Like `apply`, in short transactions of `batch_rows` rows: a big file never holds the write lock for long.

    Entries are keyed by question, so a run cut off between two batches is completed by running it again.
    """
    created = updated = 0
    for session, batch in database.batches(rows, batch_rows):
        report = apply(session, batch, now)
        created, updated = created + report.created, updated + report.updated
    return FaqImportReport(rows=len(rows), created=created, updated=updated,
                           unchanged=len(rows) - created - updated)


def _field_errors(row: FaqRow) -> list[FaqRowError]:
    errors = []
    for name in COLUMNS:
        value: str = getattr(row, name)
        if not value:
            if name in REQUIRED:
                errors.append(FaqRowError(row.line, FaqProblem.MISSING, name))
            continue
        parts = split_alternates(value) if name == "alternates" else (value,)
        longest = max((len(part) for part in parts), default=0)
        if longest > MAX_LENGTH[name]:
            errors.append(FaqRowError(row.line, FaqProblem.TOO_LONG, name, length=longest))
        elif any(_is_control(char, allow_newline=name in ("answer", "alternates")) for char in value):
            errors.append(FaqRowError(row.line, FaqProblem.CONTROL_CHARACTER, name))
    return errors


def _is_control(char: str, allow_newline: bool) -> bool:
    # An answer may keep its line breaks (Alt+Enter in Excel); zero-width characters (Cf) make questions that
    # look equal but are not.
    if allow_newline and char == "\n":
        return False
    return unicodedata.category(char) in ("Cc", "Cf")
