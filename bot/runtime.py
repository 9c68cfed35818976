"""The process-wide parts of the web app, built once by the app factory (never at import time)."""

from __future__ import annotations

import functools
import gc
import logging
from dataclasses import replace
from pathlib import Path

from bot import inbox
from bot.clock import Clock, now_utc
from bot.privacy import mask
from bot.settings import Settings
from bot.wire import Decoded, Wire
from handlers import resident_texts
from handlers.conversation import Understanding
from handlers.faq_cache import FaqCache
from handlers.types import Reply
from nlp import ModelError, TaxonomyError, load
from storage.db import Database, is_busy

log = logging.getLogger(__name__)


class UnderstandingError(RuntimeError):
    """The configured taxonomy, model or dictionaries can't be used; the message says which and why."""


def understanding_for(settings: Settings) -> Understanding:
    """The configured taxonomy and classifier, jieba's dictionaries loaded: once per process and configuration."""
    return _understanding(settings.taxonomy_path, settings.nlp_model, settings.userdicts)


@functools.cache
def _understanding(taxonomy_path: Path | None, model: Path | None, userdicts: tuple[Path, ...]) -> Understanding:
    try:
        taxonomy, classifier = load(taxonomy_path, model, userdicts)
    except (ModelError, TaxonomyError) as error:
        raise UnderstandingError(str(error)) from error
    classifier.preload()
    # jieba's and the model's dictionaries are millions of objects that live as long as the process: move them
    # out of the cyclic garbage collector's sight, or every full collection walks them all (and, after a fork,
    # touches their pages, which then stop being shared).
    gc.freeze()
    return Understanding(classifier=classifier, taxonomy=taxonomy)


class Runtime:
    """Settings, database, classifier and wire shared by every request of a process."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock = now_utc,
        database: Database | None = None,
        understanding: Understanding | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        # The request path waits for a lock only briefly (see `handle`); the worker and the CLI wait longer.
        self.database = database or Database(settings.database_url, settings.sqlite_synchronous,
                                             settings.request_db_wait_ms)
        # Each runtime keeps its own FAQ index: it belongs to this runtime's database, not to the process.
        self.understanding = replace(understanding or understanding_for(settings), faq=FaqCache())
        self.wire = Wire(settings, clock)

    def handle(self, decoded: Decoded) -> str:
        """The plaintext reply to a verified message (a polite apology if something unexpected broke)."""
        try:
            return inbox.process(
                self.database, self.understanding, decoded.inbound, lambda r: self.wire.render(r, decoded), self.clock
            )
        except Exception as error:
            # Nothing was committed, so nothing was stored under the message key either: WeChat's retry or the
            # resident's resend is handled afresh. The resident is asked to resend rather than left with silence.
            if is_busy(error):
                log.warning("database locked by another transaction for over %d ms: asked %s to resend",
                            self.settings.request_db_wait_ms, mask(decoded.inbound.openid))
            else:
                log.exception("failed to handle message from %s", mask(decoded.inbound.openid))
            return self.wire.render(Reply(resident_texts.SYSTEM_BUSY), decoded)
