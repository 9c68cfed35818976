"""The FAQ indexes of one process, rebuilt when the table changes, so no message reads the whole table."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable, NamedTuple

from sqlalchemy.orm import Session

from nlp.faq import FaqIndex
from storage import faq

# How stale a process's index may get after an import: the version query is cheap, but not free per message.
REFRESH_INTERVAL = timedelta(seconds=30)
Tokenizer = Callable[[str], list[str]]


class Tiers(NamedTuple):
    """What a resident of one street is answered from (storage/faq.py): the street's own entries' index (None
    without any), then the district-wide entries' (one for every street: a question scores the same wherever it is
    asked), by district-wide entry id the street's entry of the same question that answers in its place, and the
    district-wide entries some street answers its own way."""

    own: FaqIndex | None
    district: FaqIndex
    replaced: dict[int, int]
    differing: frozenset[int]


class FaqCache:
    """The FAQ indexes of one process, rebuilt when the table's version changes (checked at most every 30 s)."""

    def __init__(self) -> None:
        # One tuple swapped whole: threads of a process read it without a lock; two rebuilding at once is harmless.
        self._state: _State | None = None

    def lookup(self, session: Session, now: datetime, tokenize: Tokenizer,
               street_id: int | None = None) -> tuple[Tiers, dict[int, faq.Entry]]:
        """The indexes a resident of the street is answered from, and the entries by id."""
        state = self._state
        # A clock that went back (a test, a corrected host) checks again rather than trusting the future.
        if state is None or not state.checked_at <= now < state.checked_at + REFRESH_INTERVAL:
            version = faq.version(session)
            if state is None or state.version != version:
                entries = faq.active_entries(session)
                district = _index([entry for entry in entries if entry.street_id is None], tokenize)
                state = _State(version, entries, {entry.id: entry for entry in entries}, district, {}, now)
            else:
                state = state._replace(checked_at=now)
            self._state = state
        tiers = state.streets.get(street_id)
        if tiers is None:
            # Built on the first question from the street: a district of 31 streets builds what it is asked for.
            own, _district, replaced = faq.answering(state.entries, street_id)
            tiers = Tiers(_index(own, tokenize) if own else None, state.district, replaced,
                          faq.differing(state.entries))
            state.streets[street_id] = tiers
        return tiers, state.by_id

    def forget(self) -> None:
        """Rebuild at the next lookup: an entry found in the index has been disabled since it was built."""
        self._state = None


def _index(entries: list[faq.Entry], tokenize: Tokenizer) -> FaqIndex:
    return FaqIndex(((entry.id, entry.phrasings) for entry in entries), tokenize)


class _State(NamedTuple):
    version: faq.Version
    entries: list[faq.Entry]
    by_id: dict[int, faq.Entry]
    district: FaqIndex
    streets: dict[int | None, Tiers]
    checked_at: datetime
