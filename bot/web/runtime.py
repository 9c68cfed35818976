"""The process-wide parts of the web app, built once by the app factory (never at import time)."""

from __future__ import annotations

import functools
import gc
import logging
import os
import threading
import time
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from subprocess import SubprocessError

import redis
from sqlalchemy.exc import DBAPIError

from bot import media_store, redisconn
from bot.clock import Clock, ReferenceClock
from bot.figure_cache import FigureCache
from bot.privacy import mask
from bot.settings import COMPAT, PLAIN, Problem, Settings, SettingsError
from bot.throttle import LineBudget
from bot.web import inbox
from bot.web.webhook_metrics import Outcome, WebhookMetrics
from bot.wechat.replay import ReplayGuard
from bot.wechat.sources import SourceCheck
from bot.wechat.wire import Decoded, Wire
from handlers import emergency
from handlers.conversation import Access, Understanding
from handlers.faq_cache import FaqCache
from handlers.taxonomy_cache import TaxonomyInForce, saved_text
from nlp import ModelError, Taxonomy, TaxonomyError, build_classifier, load
from nlp.loading import with_taxonomy
from nlp.taxonomy import taxonomy_from_text
from storage import media_files, points_rules, workdays
from storage.db import SHORT_CONNECT_TIMEOUT_S, Database, ended_by_server, first_line, is_busy, is_out_of_space

log = logging.getLogger(__name__)


class UnderstandingError(RuntimeError):
    """The configured taxonomy, model or dictionaries can't be used; the message says which and why."""


def understanding_for(settings: Settings, saved: str | None = None, preload: bool = True) -> Understanding:
    """The configured taxonomy and classifier, jieba's dictionaries loaded (`preload`; else on first use): once per
    process and configuration.

    `saved`: the TOML of the newest taxonomy saved from the console (handlers.taxonomy_cache.saved_text), which
    overrides the file: a model retrained since knows its categories, which the file may lack. One that cannot
    be used (a code or model upgrade since) is logged, and the file is used.
    """
    if saved is not None:
        try:
            return _understanding(settings.taxonomy_path, settings.nlp_model, settings.userdicts, saved, preload)
        except UnderstandingError as error:
            log.error("the taxonomy saved from the console cannot be used (%s); starting with the taxonomy file",
                      error)
    return _understanding(settings.taxonomy_path, settings.nlp_model, settings.userdicts, None, preload)


@functools.cache
def _understanding(taxonomy_path: Path | None, model: Path | None, userdicts: tuple[Path, ...],
                   saved: str | None, preload: bool) -> Understanding:
    try:
        if saved is None:
            taxonomy, classifier = load(taxonomy_path, model, userdicts)
        else:
            taxonomy = taxonomy_from_text(saved, "the taxonomy saved from the console")
            classifier = build_classifier(taxonomy, model, userdicts)
    except (ModelError, TaxonomyError) as error:
        raise UnderstandingError(str(error)) from error
    if not preload:
        return Understanding(classifier=classifier, taxonomy=taxonomy)
    classifier.preload()
    # jieba's and the model's dictionaries are millions of objects that live as long as the process: move them
    # out of the cyclic garbage collector's sight, or every full collection walks them all (and, after a fork,
    # touches their pages, which then stop being shared).
    gc.freeze()
    return Understanding(classifier=classifier, taxonomy=taxonomy)


def access_for(settings: Settings) -> Access:
    """The access rules the conversation applies; settings built in code must name a secret key too."""
    if settings.secret_key is None:
        raise SettingsError(Problem("GRIDBOT_SECRET_KEY", "required", "GRIDBOT_SECRET_KEY is required"))
    return Access(settings.secret_key, settings.staff_lookups_per_hour, notices=settings.notice_limits())


def _log_mode(settings: Settings) -> None:
    if settings.mode == COMPAT:
        log.warning("GRIDBOT_WECHAT_MODE=compat: plaintext messages are accepted next to encrypted ones; their "
                    "body is not signed, only the replay guard stops a forged one. Switch to safe once WeChat "
                    "sends encrypted messages only")
    elif settings.mode == PLAIN and settings.wechat_aes_key:
        log.warning("GRIDBOT_WECHAT_MODE=plain although WECHAT_AES_KEY is set: plaintext message bodies are not "
                    "signed, only the replay guard stops a forged one. Use safe mode unless WeChat sends plaintext")


class PhotoPage(Enum):
    """Why a photo link shows a page instead of the photo."""

    INVALID = "invalid"  # forged, altered, expired, or naming no photo
    SAVING = "saving"  # not downloaded from WeChat yet
    LOST = "lost"  # given up: WeChat's copy expired, or every try failed


@dataclass(frozen=True)
class PhotoFile:
    """A saved photo to stream."""

    path: Path
    content_type: str


class Runtime:
    """Settings, database, classifier and wire shared by every request of a process."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock | None = None,
        database: Database | None = None,
        understanding: Understanding | None = None,
    ) -> None:
        self.settings = settings
        self.access = access_for(settings)  # first: without a secret key nothing else is built
        workdays.configure(settings.holidays_path)  # the calendar of the deadlines requests set
        points_rules.configure(settings.points_rules_path)  # what the changes requests make are worth
        # The request path waits for a lock only briefly (see `handle`); the worker and the CLI wait longer.
        self.database = database or settings.open_database(lock_wait_ms=settings.request_db_wait_ms)
        # The database server's time unless a test gives its own clock (see bot/clock.py).
        self.clock = clock = clock or ReferenceClock(self.database.server_time)
        # Each runtime keeps its own FAQ index: it belongs to this runtime's database, not to the process.
        self._understanding = replace(understanding or understanding_for(settings, saved_text(self.database)),
                                      faq=FaqCache(), limits=settings.intake_limits())
        self.taxonomy = TaxonomyInForce(self._with_taxonomy)
        self.links = settings.media_links(clock)
        self.wire = Wire(settings, clock)
        self.replay = ReplayGuard(settings, clock, self.redis)
        self.sources = SourceCheck(settings, self.redis)
        self._redis: redis.Redis | None = None
        self._redis_pid = 0
        self._redis_lock = threading.Lock()
        self.figures = FigureCache(self.database, self.redis, clock, settings.rate_weights,
                                   settings.figures_keep_after_ms)
        # gunicorn runs a dozen threads per worker so that slow clients cannot hold the webhook; the handling
        # itself (one short database transaction) still runs one at a time per process, as the sync workers
        # did: threads contending for SQLite's write lock would wait in its busy handler's sleeps instead.
        self._handling = threading.Lock()
        self.metrics = WebhookMetrics()
        self.refusal_lines: dict[int, LineBudget] = {}  # the webhook's refusals logged, per status (webhook.py)
        _log_mode(settings)

    @property
    def understanding(self) -> Understanding:
        """The classifier and taxonomy in force: the newest taxonomy saved from the console, else the file's."""
        return self.taxonomy.current(self.database, self.clock())

    @understanding.setter
    def understanding(self, understanding: Understanding) -> None:
        self._understanding = understanding
        self.taxonomy.forget()

    def _with_taxonomy(self, taxonomy: Taxonomy | None) -> Understanding:
        if taxonomy is None:
            return self._understanding
        return replace(self._understanding, taxonomy=taxonomy,
                       classifier=with_taxonomy(self._understanding.classifier, taxonomy))

    def redis(self) -> redis.Redis:
        """This process's Redis client (GRIDBOT_REDIS_URL, else the embedded server), made on first use.

        Made lazily, so that gunicorn's workers each make their own after the fork; a failure to reach or
        start Redis is a Redis error for the caller to handle, like a lost connection.
        """
        if self._redis is None or self._redis_pid != os.getpid():
            with self._redis_lock:
                if self._redis is None or self._redis_pid != os.getpid():
                    try:
                        url = redisconn.redis_url(self.settings)
                    except (OSError, RuntimeError, SubprocessError) as error:
                        raise redis.ConnectionError(f"cannot start the embedded Redis: {error}") from None
                    self._redis, self._redis_pid = redisconn.connect_for_web(url), os.getpid()
        return self._redis

    def handle(self, decoded: Decoded) -> inbox.Answer:
        """The plaintext reply to a verified message and how it was answered (a polite apology if something
        unexpected broke, or if it could not be handled within the request's wait, GRIDBOT_REQUEST_DB_WAIT_MS).

        The wait is one budget: the time spent queued behind the message before it in this process leaves that
        much less to wait for a database lock, so that the reply reaches WeChat (5 s) and the proxy in time.
        """
        wait_s = self.settings.request_db_wait_ms / 1000
        deadline = time.monotonic() + wait_s
        if not self._handling.acquire(timeout=wait_s):
            # A gthread worker is not restarted for one stuck thread as a sync worker was: answer WeChat in time.
            log.error("message from %s waited %.1f s for the one before it; asked to resend",
                      mask(decoded.inbound.openid), wait_s)
            return self._apology(decoded, Outcome.BUSY)
        try:
            return self._process(decoded, deadline)
        except Exception as error:
            # Nothing was committed, so nothing was stored under the message key either: WeChat's retry or the
            # resident's resend is handled afresh. The resident is asked to resend rather than left with silence.
            if is_busy(error):
                log.warning("database locked by another transaction for over %d ms: asked %s to resend",
                            self.settings.request_db_wait_ms, mask(decoded.inbound.openid))
                return self._apology(decoded, Outcome.BUSY)
            if is_out_of_space(error):
                log.error("the database's disk is full (%s): the message from %s was not recorded and its sender "
                          "was asked to resend; free disk space where the database keeps its files",
                          first_line(error), mask(decoded.inbound.openid))
                return self._apology(decoded, Outcome.ERROR)
            log.exception("failed to handle message from %s", mask(decoded.inbound.openid))
            return self._apology(decoded, Outcome.ERROR)
        finally:
            self._handling.release()

    def _process(self, decoded: Decoded, deadline: float) -> inbox.Answer:
        """The message handled within what is left of its wait, once more on a new connection if the database
        server had ended the one its transaction took (a restart or a failover while it sat idle): otherwise every
        idle connection would fail one resident's message after the database came back.

        Handling twice is safe even when the connection broke at the commit and the first try did commit: the
        retry's claim of the message key finds it taken and answers with the stored reply.
        """
        try:
            return self._process_once(decoded, deadline)
        except DBAPIError as error:
            if not ended_by_server(error) or deadline - time.monotonic() < SHORT_CONNECT_TIMEOUT_S:
                raise  # with less time left, a new connection to a server that does not answer would miss WeChat's 5 s
            log.warning("the database server ended the connection of the message from %s (%s): handling it again "
                        "on a new one", mask(decoded.inbound.openid), first_line(error))
        return self._process_once(decoded, deadline)

    def _process_once(self, decoded: Decoded, deadline: float) -> inbox.Answer:
        with self.database.waiting_at_most((deadline - time.monotonic()) * 1000):
            return inbox.process(self.database, self.understanding, self.access, decoded.inbound,
                                 lambda reply: self.wire.render(reply, decoded), self.clock)

    def _apology(self, decoded: Decoded, outcome: Outcome) -> inbox.Answer:
        # The taxonomy read last: asking the database for a newer one would wait for the lock again.
        understanding = self.taxonomy.last_known() or self._understanding
        reply = emergency.unfiled(understanding.taxonomy, decoded.inbound)
        return inbox.Answer(self.wire.render(reply, decoded), outcome)

    def open_photo(self, token: str) -> PhotoFile | PhotoPage:
        """The saved photo a link's token names, or the page to show instead."""
        public_id = self.links.public_id(token) if self.links else None
        if public_id is None:
            return PhotoPage.INVALID
        with self.database.transaction() as session:
            attachment = media_files.by_public_id(session, public_id)
            if attachment is None or attachment.kind != "image":
                return PhotoPage.INVALID
            saved = media_files.stored_file(attachment)
            state = media_files.state(attachment, self.clock())
        if saved is None:
            return PhotoPage.LOST if state is media_files.Saved.FAILED else PhotoPage.SAVING
        path = media_store.path_of(self.settings.data_dir, saved.sha256)
        if not path.is_file():
            log.error("attachment %s: its saved copy is missing from %s", attachment.id, path.parent)
            return PhotoPage.LOST
        return PhotoFile(path, saved.content_type)
