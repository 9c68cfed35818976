"""Editing FAQ entries one at a time (the console), by the rules of the spreadsheet import (storage/faq_import.py):
the same required cells, lengths, no control characters, and a question that no other entry has.

Deleting an entry that has answered residents switches it off instead (FaqDisabled.OPERATOR, as `gridbot faq
disable`): the answers given keep their history. Every change moves `updated_at`, which every process's FAQ index
notices within handlers/faq_cache.REFRESH_INTERVAL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.errors import DomainError, NotFound
from storage.faq import question_key, split_alternates
from storage.faq_import import FaqProblem, FaqRow, FaqRowError, validate
from storage.models import FaqAnswer, FaqDisabled, FaqEntry


class FaqRefused(DomainError):
    """The entry breaks the import's rules; `errors` say which field and how (their `line` is always 1)."""

    def __init__(self, errors: list[FaqRowError]) -> None:
        super().__init__(", ".join(f"{error.column}:{error.problem}" for error in errors))
        self.errors = errors


def row(question: str, answer: str, alternates: str = "", category: str = "") -> FaqRow:
    """A form's fields as the import reads a line: cells trimmed (an answer keeps its inner line breaks)."""
    return FaqRow(1, question.strip(), answer.strip().replace("\r\n", "\n"), alternates.strip(), category.strip())


def add(session: Session, entry: FaqRow, now: datetime) -> FaqEntry:
    """A new active entry (FaqRefused when invalid, or when another entry has the question)."""
    _check(session, entry, None)
    created = FaqEntry(question=entry.question, answer=entry.answer, category=entry.category, created_at=now,
                       updated_at=now, active=True, alternates="\n".join(split_alternates(entry.alternates)))
    session.add(created)
    session.flush()
    return created


def edit(session: Session, entry_id: int, entry: FaqRow, now: datetime) -> FaqEntry:
    """Change an entry's question, answer, phrasings or category (FaqRefused, NotFound)."""
    stored = _entry(session, entry_id)
    _check(session, entry, entry_id)
    stored.question, stored.answer, stored.category = entry.question, entry.answer, entry.category
    stored.alternates = "\n".join(split_alternates(entry.alternates))
    stored.updated_at = now
    session.flush()
    return stored


def delete(session: Session, entry_id: int, now: datetime) -> bool:
    """Remove an entry; one that has answered residents is switched off instead. True when it was removed."""
    stored = _entry(session, entry_id)
    if session.scalars(select(FaqAnswer.id).where(FaqAnswer.faq_id == entry_id).limit(1)).first() is not None:
        stored.active, stored.disabled_reason, stored.updated_at = False, FaqDisabled.OPERATOR, now
        return False
    session.delete(stored)
    session.flush()
    return True


def one(session: Session, entry_id: int) -> FaqEntry:
    """One entry, active or not (NotFound)."""
    return _entry(session, entry_id)


def _entry(session: Session, entry_id: int) -> FaqEntry:
    found = session.get(FaqEntry, entry_id)
    if found is None:
        raise NotFound(str(entry_id))
    return found


def _check(session: Session, entry: FaqRow, own_id: int | None) -> None:
    errors = validate([entry])
    if not errors:
        # The entries locked (PostgreSQL): one saved at the same moment (a double click) is waited for and found.
        session.execute(select(FaqEntry.id).with_for_update())
        key = question_key(entry.question)
        other = next((stored.id for stored in session.scalars(select(FaqEntry).order_by(FaqEntry.id))
                      if question_key(stored.question) == key and stored.id != own_id), None)
        if other is not None:
            errors = [FaqRowError(entry.line, FaqProblem.DUPLICATE_QUESTION, "question", other_line=other)]
    if errors:
        raise FaqRefused(errors)
