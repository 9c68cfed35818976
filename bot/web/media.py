"""GET /media/<token>: a saved photo behind a signed, expiring link (bot/media_links.py), or a short page why not.

Translates HTTP to one lookup (`Runtime.open_photo`) and back, nothing else. Whatever is wrong with a link
(forged, altered, expired, naming nothing) reads the same 404: a guesser learns nothing.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, send_file
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.web.runtime import DATABASE_RETRY_AFTER_S, PhotoPage, Runtime
from handlers import staff_texts
from storage.db import first_line

log = logging.getLogger(__name__)
blueprint = Blueprint("media", __name__)
PAGE = '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" ' \
       'content="width=device-width"><title>{text}</title><p>{text}</p></html>'
PAGES = {
    PhotoPage.INVALID: (404, staff_texts.MEDIA_LINK_INVALID),
    PhotoPage.SAVING: (404, staff_texts.MEDIA_SAVING),
    PhotoPage.LOST: (404, staff_texts.MEDIA_LOST),
}


@blueprint.get("/media/<token>")
def photo(token: str) -> Response:
    """The photo, inline, for this reader only (no shared caches), never sniffed into something else."""
    runtime: Runtime = current_app.extensions["gridbot"]
    found = runtime.open_photo(token)
    if isinstance(found, PhotoPage):
        status, text = PAGES[found]
        return _private(Response(PAGE.format(text=text), status=status, mimetype="text/html"))
    response = send_file(found.path, mimetype=found.content_type, conditional=False, etag=False)
    response.headers["Content-Disposition"] = "inline"
    return _private(response)


@blueprint.errorhandler(OperationalError)
@blueprint.errorhandler(PoolTimeout)
def unavailable(error: OperationalError | PoolTimeout) -> Response:
    """The database could not be read (down, restarting): a short page asking to reload in a moment."""
    log.warning("photo link: database unavailable: %s", first_line(error))
    page = Response(PAGE.format(text=staff_texts.MEDIA_UNAVAILABLE), status=503, mimetype="text/html")
    page.headers["Retry-After"] = str(DATABASE_RETRY_AFTER_S)
    return _private(page)


def _private(response: Response) -> Response:
    """For this reader only (no shared caches), never sniffed into something else."""
    response.headers["Cache-Control"] = "private"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
