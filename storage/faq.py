"""The FAQ: entries to match questions against, and the log of questions answered from it.

An entry is district-wide (`street_id` None) or one street's. A resident bound to an address in a street is
answered from that street's entries first and then from the district-wide ones; a street's entry overrides the
district-wide entry with the same question (`question_key`): a question of that street's residents the
district-wide entry matches (by its question or its other phrasings) gets the street's answer instead. Only an
active street entry overrides: a street that disables its own answer (or prunes it) lets the district-wide one
answer its residents again. A resident with no bound address is answered from the district-wide entries only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from storage import org
from storage.errors import NotFound
from storage.models import FaqAnswer, FaqDisabled, FaqEntry

# 同义问法 cells separate phrasings as offices type lists: 、 ； ; ｜ | / ／ or a line break (Alt+Enter) in the
# cell. Stored one per line, and split again when read, so rows imported before a separator was known are cut too.
ALTERNATE_SEPARATORS = re.compile(r"[、；;｜|/／\n]")
# What makes two written questions one: spaces, full-width forms and the closing mark (高龄补贴怎么申请？ is
# 高龄补贴怎么申请). Two entries that differ only so are equally close to every question, and the matcher, which
# answers only a clear winner, would answer neither.
_QUESTION_NOISE = re.compile(r"\s+")
_CLOSING_MARKS = "?？。.!！~～…"


@dataclass(frozen=True)
class Entry:
    """What matching and answering need of one active entry."""

    id: int
    question: str
    answer: str
    alternates: tuple[str, ...]
    street_id: int | None = None  # None: district-wide

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The question first, then its other phrasings."""
        return (self.question, *self.alternates)


def question_key(question: str) -> str:
    """The question as compared for sameness: NFKC, no spaces, no closing question or full stop marks."""
    return _QUESTION_NOISE.sub("", unicodedata.normalize("NFKC", question)).rstrip(_CLOSING_MARKS)


def split_alternates(cell: str) -> tuple[str, ...]:
    """The phrasings of a 同义问法 cell (or of the stored column), trimmed, empty ones dropped."""
    return tuple(part.strip() for part in ALTERNATE_SEPARATORS.split(cell) if part.strip())


Version = tuple[int, int, int, datetime | None]


def version(session: Session) -> Version:
    """A cheap fingerprint of the table (count, active count, highest id, last change): it differs after any
    import, disable or enable, even two within the same second."""
    count, active, highest, changed = session.execute(
        select(func.count(FaqEntry.id), func.sum(case((FaqEntry.active, 1), else_=0)), func.max(FaqEntry.id),
               func.max(FaqEntry.updated_at))
    ).one()
    return int(count), int(active or 0), int(highest or 0), changed


def is_active(session: Session, entry_id: int) -> bool:
    """Whether the entry may still be answered (checked before answering from a cached index)."""
    return bool(session.scalar(select(FaqEntry.active).where(FaqEntry.id == entry_id)))


def set_active(session: Session, entry_id: int, active: bool, now: datetime,
               street_id: int | None = None) -> tuple[FaqEntry, bool]:
    """`gridbot faq enable|disable ID`: the entry and whether it changed; NotFound for an unknown id, and, with
    `street_id` (a street's operator), for an entry that is not that street's own.

    A disabled entry is never answered again, and stays disabled through imports until it is enabled; its
    answers keep their history.
    """
    entry = session.get(FaqEntry, entry_id)
    if entry is None or (street_id is not None and entry.street_id != street_id):
        raise NotFound(str(entry_id))
    reason = None if active else FaqDisabled.OPERATOR
    if entry.active == active and entry.disabled_reason == reason:
        return entry, False
    entry.active, entry.disabled_reason, entry.updated_at = active, reason, now
    session.flush()
    return entry, True


def active_entries(session: Session) -> list[Entry]:
    """Every active entry of every street and of the district, oldest first."""
    rows = session.scalars(select(FaqEntry).where(FaqEntry.active).order_by(FaqEntry.id))
    return [Entry(row.id, row.question, row.answer, split_alternates(row.alternates), row.street_id) for row in rows]


def answering(entries: list[Entry], street_id: int | None) -> tuple[list[Entry], list[Entry], dict[int, int]]:
    """What a resident of the street is answered from, in order: the street's own active entries, then every
    active district-wide one (matched as for any resident); and, by district-wide entry, the street's entry of the
    same question that answers in its place. No street: district-wide only."""
    own = [entry for entry in entries if street_id is not None and entry.street_id == street_id]
    district = [entry for entry in entries if entry.street_id is None]
    by_key = {question_key(entry.question): entry.id for entry in own}
    replaced = {entry.id: by_key[question_key(entry.question)] for entry in district
                if question_key(entry.question) in by_key}
    return own, district, replaced


def differing(entries: list[Entry]) -> frozenset[int]:
    """The district-wide entries some street's active entry overrides: a resident bound nowhere, answered from
    one of them, may be told a different answer once bound."""
    streets = {question_key(entry.question) for entry in entries if entry.street_id is not None}
    return frozenset(entry.id for entry in entries
                     if entry.street_id is None and question_key(entry.question) in streets)


def street_of_grid(session: Session, grid_id: int | None) -> int | None:
    """The street a resident bound in that grid lives in (None without a grid): whose FAQ answers them first."""
    return org.grid_place(session, grid_id)[1]


def all_entries(session: Session, street_id: int | None = None, every_street: bool = True) -> list[FaqEntry]:
    """Entries, active or not, district-wide first and then by street, oldest first (`gridbot faq list`, the
    console): every street's with `every_street`, else the district-wide ones and, given one, that street's."""
    query = select(FaqEntry).order_by(FaqEntry.street_id.is_not(None), FaqEntry.street_id, FaqEntry.id)
    if not every_street:
        query = query.where(FaqEntry.street_id.is_(None) | (FaqEntry.street_id == street_id))
    return list(session.scalars(query))


def overridden(entries: list[FaqEntry], street_id: int | None) -> set[int]:
    """The district-wide entries among `entries` the street's active entries override (the same question): its
    residents are never answered from them, whatever their state says."""
    if street_id is None:
        return set()
    own = {question_key(entry.question) for entry in entries if entry.street_id == street_id and entry.active}
    return {entry.id for entry in entries if entry.street_id is None and question_key(entry.question) in own}


def street_entries(session: Session, street_id: int | None) -> list[FaqEntry]:
    """The entries of one street (None: the district-wide ones), active or not, oldest first (`faq export`)."""
    condition = FaqEntry.street_id.is_(None) if street_id is None else FaqEntry.street_id == street_id
    return list(session.scalars(select(FaqEntry).where(condition).order_by(FaqEntry.id)))


def escalation_counts(session: Session) -> dict[int, tuple[int, int]]:
    """Per entry: how many questions it answered, and how many of those still became appeals (转人工)."""
    rows = session.execute(
        select(FaqAnswer.faq_id, func.count(FaqAnswer.id), func.count(FaqAnswer.escalated_appeal_id))
        .group_by(FaqAnswer.faq_id)
    )
    return {faq_id: (int(answered), int(escalated)) for faq_id, answered, escalated in rows}


def log_answer(session: Session, resident_id: int, faq_id: int, question: str, score: float, now: datetime) -> int:
    """Record that a resident's question was answered from an entry; returns the log row's id."""
    row = FaqAnswer(resident_id=resident_id, faq_id=faq_id, question=question, score=score, answered_at=now)
    session.add(row)
    session.flush()
    return row.id


def link_escalation(session: Session, answer_id: int, resident_id: int, appeal_id: int) -> None:
    """The answer did not help: remember the appeal the question became (only on the resident's own row)."""
    session.execute(
        update(FaqAnswer)
        .where(FaqAnswer.id == answer_id, FaqAnswer.resident_id == resident_id,
               FaqAnswer.escalated_appeal_id.is_(None))
        .values(escalated_appeal_id=appeal_id)
    )
