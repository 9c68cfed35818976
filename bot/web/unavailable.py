"""What a page answers when the database cannot be used: down, restarting, the connection ended, a lock held too
long, or every pooled connection busy for the pool's whole wait.

One place decides which errors those are, the status (503), how long the reader is asked to wait before reloading
(Retry-After: a restart or a failover takes a few seconds), that a page one asked for reloads itself after that
wait, and the log line (English, the endpoint and the driver's first line: no statement parameters, no path, which
for a photo link holds its token). Each blueprint gives only its page, in its reader's words.
"""

from __future__ import annotations

import logging
from typing import Callable

from flask import Blueprint, Response, request
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from storage.db import first_line

log = logging.getLogger(__name__)
DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, PoolTimeout)
RETRY_AFTER_S = 5
# Asked-for pages reload themselves; a form's answer does not (reloading it would not redo the action, and the
# operator must first look whether it was done).
RELOADED_METHODS = frozenset({"GET", "HEAD"})


def answer_with(blueprint: Blueprint, page: Callable[[], Response]) -> None:
    """Answer the blueprint's requests that meet an unusable database with `page()`, as 503 with Retry-After, and
    for a page one asked for, `Refresh`: browsers (WeChat's included) handle it as HTML's meta refresh, so the page
    comes back by itself once the database does, without a script (the console's CSP allows none inline)."""
    def unavailable(error: Exception) -> Response:
        log.warning("%s %s: database unavailable: %s", request.method, request.endpoint, first_line(error))
        response = page()
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
        if request.method in RELOADED_METHODS:
            response.headers["Refresh"] = str(RETRY_AFTER_S)
        return response
    for kind in DATABASE_ERRORS:
        blueprint.register_error_handler(kind, unavailable)
