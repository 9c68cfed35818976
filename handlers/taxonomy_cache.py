"""The taxonomy in force in one process: the newest version saved from the console, else the file.

Each process (every web worker, the RQ worker's schedule) keeps what it built from the taxonomy and asks the
database for the newest version number at most every REFRESH_INTERVAL, as the FAQ index does: a saved change
reaches every process within that time without a restart or a message between processes. A process that saves
a version forgets its own at once. A stored version this process cannot use (a code or model upgrade since it
was saved) is logged and the file's taxonomy is used instead, rather than stopping the process.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Callable, Generic, NamedTuple, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from nlp import ModelError, Taxonomy, TaxonomyError
from nlp.taxonomy import taxonomy_from_text
from storage import taxonomy_versions
from storage.db import Database

REFRESH_INTERVAL = timedelta(seconds=30)
_T = TypeVar("_T")
log = logging.getLogger(__name__)


class _State(NamedTuple, Generic[_T]):
    version: int | None
    value: _T
    checked_at: datetime


class TaxonomyInForce(Generic[_T]):
    """What `build` makes of the taxonomy in force (None: the file's), rebuilt when the version changes."""

    def __init__(self, build: Callable[[Taxonomy | None], _T]) -> None:
        self._build = build
        # One tuple swapped whole: threads read it without a lock; two rebuilding at once is harmless.
        self._state: _State[_T] | None = None

    def current(self, database: Database, now: datetime) -> _T:
        """The value for the version in force (checked against the database at most every REFRESH_INTERVAL)."""
        state = self._state
        # A clock that went back (a test, a corrected host) checks again rather than trusting the future.
        if state is not None and state.checked_at <= now < state.checked_at + REFRESH_INTERVAL:
            return state.value
        try:
            # A read of its own: a console page asks for the taxonomy inside its transaction.
            with database.read() as session:
                version = taxonomy_versions.newest_id(session)
                text = None if version is None or (state is not None and state.version == version) \
                    else taxonomy_versions.text_of(session, version)
        except SQLAlchemyError as error:
            if state is None:
                raise
            log.warning("could not check the taxonomy version (%s); keeping version %s", type(error).__name__,
                        state.version)
            return state.value
        if state is not None and state.version == version:
            self._state = state._replace(checked_at=now)
            return state.value
        self._state = _State(version, self._value(version, text), now)
        return self._state.value

    def last_known(self) -> _T | None:
        """The value built at the last check, without asking the database (None before the first): for the
        answer to a message the database could not take."""
        state = self._state
        return state.value if state is not None else None

    def forget(self) -> None:
        """Check the database at the next use (this process has just saved a version)."""
        self._state = None

    def _value(self, version: int | None, text: str | None) -> _T:
        if text is None:
            return self._build(None)
        try:
            return self._build(taxonomy_from_text(text, f"taxonomy version {version}"))
        except (TaxonomyError, ModelError) as error:
            log.error("taxonomy version %s saved from the console cannot be used (%s); using the taxonomy file",
                      version, error)
            return self._build(None)


def saved_text(database: Database) -> str | None:
    """The TOML of the newest version saved from the console, for a process starting up; None when there is none,
    or when the database cannot tell (not reachable, not migrated yet): the file's taxonomy then, as before."""
    try:
        with database.transaction() as session:
            newest = taxonomy_versions.newest(session)
    except SQLAlchemyError as error:
        # Said once more by the start-up checks when the database itself is the problem (unmigrated, unreachable).
        log.debug("could not read the saved taxonomy (%s); starting with the taxonomy file", type(error).__name__)
        return None
    return newest[1] if newest is not None else None
