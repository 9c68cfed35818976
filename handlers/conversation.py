"""What a handler gets: the message, the transaction it runs in, the clock, and the process's classifier."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from handlers.types import Inbound
from nlp import Classification, KeywordClassifier, Taxonomy
from storage import residents
from storage.models import Resident
from storage.residents import ResidentView


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
    classification: Classification | None = None  # worked out before the transaction, see intake.prepare
    _sender: ResidentView | None = field(default=None, repr=False)
    _resident: Resident | None = field(default=None, repr=False)

    @property
    def sender(self) -> ResidentView:
        """Who wrote, as a read-only snapshot (created on first contact): enough to route and file."""
        if self._sender is None:
            self._sender = residents.view(self.session, self.inbound.openid, self.now)
        return self._sender

    @property
    def resident(self) -> Resident:
        """Who wrote, as the ORM row, for handlers that change it (the snapshot is re-read after that)."""
        if self._resident is None:
            self._resident = residents.get_or_create(self.session, self.inbound.openid, self.now)
        self._sender = None
        return self._resident
