"""The FAQ index of one process, rebuilt when the table changes, so no message reads the whole table."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable, NamedTuple

from sqlalchemy.orm import Session

from nlp.faq import FaqIndex
from storage import faq

# How stale a process's index may get after an import: the version query is cheap, but not free per message.
REFRESH_INTERVAL = timedelta(seconds=30)


class FaqCache:
    """The FAQ index of one process, rebuilt when the table's version changes (checked at most every 30 s)."""

    def __init__(self) -> None:
        # One tuple swapped whole: threads of a process read it without a lock; two rebuilding at once is harmless.
        self._state: _State | None = None

    def lookup(self, session: Session, now: datetime,
               tokenize: Callable[[str], list[str]]) -> tuple[FaqIndex, dict[int, faq.Entry]]:
        """The current index and its entries by id."""
        state = self._state
        # A clock that went back (a test, a corrected host) checks again rather than trusting the future.
        if state is not None and state.checked_at <= now < state.checked_at + REFRESH_INTERVAL:
            return state.index, state.entries
        version = faq.version(session)
        if state is None or state.version != version:
            entries = faq.active_entries(session)
            index = FaqIndex(((entry.id, entry.phrasings) for entry in entries), tokenize)
            state = _State(version, index, {entry.id: entry for entry in entries}, now)
        else:
            state = state._replace(checked_at=now)
        self._state = state
        return state.index, state.entries

    def forget(self) -> None:
        """Rebuild at the next lookup: an entry found in the index has been disabled since it was built."""
        self._state = None


class _State(NamedTuple):
    version: faq.Version
    index: FaqIndex
    entries: dict[int, faq.Entry]
    checked_at: datetime
