"""Editing FAQ entries one at a time (the console), by the rules of the spreadsheet import (storage/faq_import.py):
the same required cells, lengths, no control characters, and a question that no other entry has.

Deleting an entry that has answered residents switches it off instead (FaqDisabled.OPERATOR, as `gridbot faq
disable`): the answers given keep their history. Every change moves `updated_at`, which every process's FAQ index
notices within handlers/faq_cache.REFRESH_INTERVAL.

An entry keeps the street it was made for (None: district-wide). A street's operator (`operator_street`) reads its
street's entries and the district-wide ones, and adds, changes and deletes only its street's: another street's
entry, and a district-wide one to change, are NotFound to them, as an entry that is not there.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.errors import DomainError, NotFound
from storage.faq import question_key, split_alternates
from storage.faq_import import FaqProblem, FaqRow, FaqRowError, of_street, validate
from storage.models import FaqAnswer, FaqDisabled, FaqEntry


class FaqRefused(DomainError):
    """The entry breaks the import's rules; `errors` say which field and how (their `line` is always 1)."""

    def __init__(self, errors: list[FaqRowError]) -> None:
        super().__init__(", ".join(f"{error.column}:{error.problem}" for error in errors))
        self.errors = errors


def row(question: str, answer: str, alternates: str = "", category: str = "") -> FaqRow:
    """A form's fields as the import reads a line: cells trimmed (an answer keeps its inner line breaks)."""
    return FaqRow(1, question.strip(), answer.strip().replace("\r\n", "\n"), alternates.strip(), category.strip())


def add(session: Session, entry: FaqRow, now: datetime, street_id: int | None = None) -> FaqEntry:
    """A new active entry of the street (None: district-wide); FaqRefused when invalid, or when another entry of
    the same street has the question (a street's entry may repeat a district-wide question: it overrides it)."""
    _check(session, entry, None, street_id)
    created = FaqEntry(question=entry.question, answer=entry.answer, category=entry.category, created_at=now,
                       updated_at=now, active=True, alternates="\n".join(split_alternates(entry.alternates)),
                       street_id=street_id)
    session.add(created)
    session.flush()
    return created


def edit(session: Session, entry_id: int, entry: FaqRow, now: datetime,
         operator_street: int | None = None) -> FaqEntry:
    """Change an entry's question, answer, phrasings or category (FaqRefused, NotFound)."""
    stored = _own(session, entry_id, operator_street)
    _check(session, entry, entry_id, stored.street_id)
    stored.question, stored.answer, stored.category = entry.question, entry.answer, entry.category
    stored.alternates = "\n".join(split_alternates(entry.alternates))
    stored.updated_at = now
    session.flush()
    return stored


def delete(session: Session, entry_id: int, now: datetime, operator_street: int | None = None) -> bool:
    """Remove an entry; one that has answered residents is switched off instead. True when it was removed."""
    stored = _own(session, entry_id, operator_street)
    if session.scalars(select(FaqAnswer.id).where(FaqAnswer.faq_id == entry_id).limit(1)).first() is not None:
        stored.active, stored.disabled_reason, stored.updated_at = False, FaqDisabled.OPERATOR, now
        return False
    session.delete(stored)
    session.flush()
    return True


def one(session: Session, entry_id: int, operator_street: int | None = None) -> FaqEntry:
    """One entry, active or not: for a street's operator their street's or a district-wide one (NotFound)."""
    found = session.get(FaqEntry, entry_id)
    if found is None or operator_street is not None and found.street_id not in (None, operator_street):
        raise NotFound(str(entry_id))
    return found


def _own(session: Session, entry_id: int, operator_street: int | None) -> FaqEntry:
    """An entry the operator may change: any for a 管理员 (None), else only their street's own (NotFound)."""
    found = session.get(FaqEntry, entry_id)
    if found is None or operator_street is not None and found.street_id != operator_street:
        raise NotFound(str(entry_id))
    return found


def _check(session: Session, entry: FaqRow, own_id: int | None, street_id: int | None) -> None:
    errors = validate([entry])
    if not errors:
        # Every entry locked (PostgreSQL), not only the street's: a street's first entry has none of its own to lock,
        # and one saved at the same moment (a double click) must be waited for and found.
        session.execute(select(FaqEntry.id).with_for_update())
        key = question_key(entry.question)
        other = next((stored.id for stored in session.scalars(select(FaqEntry).where(of_street(street_id))
                                                              .order_by(FaqEntry.id))
                      if question_key(stored.question) == key and stored.id != own_id), None)
        if other is not None:
            errors = [FaqRowError(entry.line, FaqProblem.DUPLICATE_QUESTION, "question", other_line=other)]
    if errors:
        raise FaqRefused(errors)
