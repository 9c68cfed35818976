"""Importing FAQ entries from an operator's spreadsheet: rows, their validation, and applying them.

The file is the FAQ: its entries are answered, keyed by question. With `prune`, active entries the file lacks
are switched off (never deleted: the answers given keep their history) and a later file that has them again
brings them back. An entry an operator disabled by hand (`gridbot faq disable`) stays off whatever is imported.

A file is either the district-wide FAQ or one street's (`gridbot faq import --street`): it creates, updates and
prunes only the entries of its own street (or only the district-wide ones), so a street office re-importing its
file never touches another street's answers nor the district's.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Iterable, Sequence

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from storage.db import BATCH_ROWS, Database
from storage.faq import question_key, split_alternates
from storage.models import FaqDisabled, FaqEntry

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
    SHARED_PHRASING = "shared_phrasing"  # one phrasing in two rows: equally close to both, neither is answered


@dataclass(frozen=True)
class FaqRowError:
    """One problem on one line, worded for operators in handlers/operator_texts.py."""

    line: int
    problem: FaqProblem
    column: str
    length: int = 0
    other_line: int = 0  # for a duplicate: where the question (or the shared phrasing) first appears
    phrasing: str = ""  # SHARED_PHRASING: the phrasing as this line writes it


@dataclass(frozen=True)
class FaqImportReport:
    """What the file did: rows = created + updated + restored + held + unchanged."""

    rows: int
    created: int
    updated: int
    unchanged: int
    restored: int = 0  # left out of an earlier file imported with --prune, answered again
    held: int = 0  # disabled by an operator: content updated, still not answered
    left_out: int = 0  # active entries the file lacks: switched off with prune, else still answered
    pruned: bool = False

    def __add__(self, other: FaqImportReport) -> FaqImportReport:
        return FaqImportReport(self.rows + other.rows, self.created + other.created, self.updated + other.updated,
                               self.unchanged + other.unchanged, self.restored + other.restored,
                               self.held + other.held)


def validate(rows: Iterable[FaqRow]) -> list[FaqRowError]:
    """Every problem of every row, by line: required cells, lengths, control characters, repeated questions, and
    a phrasing (question or 同义问法) that two rows share."""
    errors: list[FaqRowError] = []
    first_line: dict[str, int] = {}
    phrasing_line: dict[str, int] = {}  # every phrasing of the rows so far, questions included
    for row in rows:
        row_errors = _field_errors(row)
        errors.extend(row_errors)
        if not row.question or row_errors:
            continue
        first = first_line.setdefault(question_key(row.question), row.line)
        if first != row.line:
            errors.append(FaqRowError(row.line, FaqProblem.DUPLICATE_QUESTION, "question", other_line=first))
            continue
        errors.extend(_shared_phrasings(row, phrasing_line))
    return sorted(errors, key=lambda error: error.line)


def _shared_phrasings(row: FaqRow, phrasing_line: dict[str, int]) -> list[FaqRowError]:
    """The row's phrasings an earlier row has already (then noted as the row's own)."""
    errors = []
    for column, phrasings in (("question", (row.question,)), ("alternates", split_alternates(row.alternates))):
        for phrasing in phrasings:
            other = phrasing_line.setdefault(question_key(phrasing), row.line)
            if other != row.line:
                errors.append(FaqRowError(row.line, FaqProblem.SHARED_PHRASING, column, other_line=other,
                                          phrasing=phrasing))
    return errors


def of_street(street_id: int | None) -> ColumnElement[bool]:
    """A condition on FaqEntry: the street's own entries, or with None the district-wide ones."""
    return FaqEntry.street_id.is_(None) if street_id is None else FaqEntry.street_id == street_id


def apply(session: Session, rows: Iterable[FaqRow], now: datetime, street_id: int | None = None) -> FaqImportReport:
    """Create or update the (validated) rows' entries of the street (None: district-wide), keyed by question, in
    the caller's transaction: the same question written with another closing mark or spacing updates its entry
    (and takes the file's wording)."""
    rows = list(rows)
    # A street's FAQ: hundreds at most.
    entries = session.scalars(select(FaqEntry).where(of_street(street_id)).order_by(FaqEntry.id)).all()
    by_key: dict[str, FaqEntry] = {}
    for stored_entry in entries:
        by_key.setdefault(question_key(stored_entry.question), stored_entry)
    exact = {stored_entry.question: stored_entry for stored_entry in entries}
    counts = dict.fromkeys(("created", "updated", "unchanged", "restored", "held"), 0)
    for row in rows:
        values: dict[str, object] = {"answer": row.answer, "alternates": "\n".join(split_alternates(row.alternates)),
                                     "category": row.category}
        entry = exact.get(row.question) or by_key.get(question_key(row.question))
        if entry is not None and entry.question != row.question:
            values["question"] = row.question
        if entry is None:
            session.add(FaqEntry(question=row.question, street_id=street_id, created_at=now, updated_at=now,
                                 active=True, **values))
            counts["created"] += 1
            continue
        outcome = "updated"
        if entry.disabled_reason == FaqDisabled.OPERATOR:
            outcome = "held"
        elif not entry.active:
            values.update(active=True, disabled_reason=None)
            outcome = "restored"
        if any(getattr(entry, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(entry, name, value)
            entry.updated_at = now  # the webhook processes' caches notice the change by this
        elif outcome == "updated":
            outcome = "unchanged"
        counts[outcome] += 1
    session.flush()
    return FaqImportReport(rows=len(rows), **counts)


def retire_missing(session: Session, questions: set[str], now: datetime, prune: bool,
                   street_id: int | None = None) -> int:
    """How many active entries of the street (None: district-wide) are not among `questions`; with prune they are
    switched off (never deleted)."""
    keys = {question_key(question) for question in questions}
    missing = [entry for entry in session.scalars(select(FaqEntry).where(FaqEntry.active, of_street(street_id)))
               if question_key(entry.question) not in keys]
    if prune:
        for entry in missing:
            entry.active, entry.disabled_reason, entry.updated_at = False, FaqDisabled.PRUNED, now
        session.flush()
    return len(missing)


def import_rows(database: Database, rows: Sequence[FaqRow], now: datetime, prune: bool = False,
                batch_rows: int = BATCH_ROWS, street_id: int | None = None) -> FaqImportReport:
    """Like `apply`, in short transactions of `batch_rows` rows: a big file never holds the write lock for long;
    then the entries of the same street (None: district-wide) the file lacks are counted, and with prune switched
    off.

    Entries are keyed by question, so a run cut off between two batches is completed by running it again.
    """
    report = FaqImportReport(rows=0, created=0, updated=0, unchanged=0)
    for session, batch in database.batches(rows, batch_rows):
        report += apply(session, batch, now, street_id)
    with database.transaction() as session:
        left_out = retire_missing(session, {row.question for row in rows}, now, prune, street_id)
    return replace(report, left_out=left_out, pruned=prune)


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
