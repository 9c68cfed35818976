"""What a handler gets: the message, the transaction it runs in, the clock, and the process's classifier."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from handlers.types import Inbound
from nlp import KeywordClassifier, Taxonomy
from storage import residents
from storage.models import Resident


@dataclass(frozen=True)
class Understanding:
    """The classifier and taxonomy, built once per process (jieba loads before workers fork)."""

    classifier: KeywordClassifier
    taxonomy: Taxonomy


@dataclass
class Conversation:
    """One inbound message being handled inside one database transaction."""

    session: Session
    inbound: Inbound
    now: datetime
    understanding: Understanding
    _resident: Resident | None = field(default=None, repr=False)

    @property
    def resident(self) -> Resident:
        """The sender as a resident (created on first contact)."""
        if self._resident is None:
            self._resident = residents.get_or_create(self.session, self.inbound.openid, self.now)
        return self._resident
