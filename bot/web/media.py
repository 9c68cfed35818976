"""GET /media/<token>: a saved photo behind a signed, expiring link (bot/media_links.py), or a short page why not.

Translates HTTP to one lookup (`Runtime.open_photo`) and back, nothing else. Whatever is wrong with a link
(forged, altered, expired, naming nothing) reads the same 404: a guesser learns nothing.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, send_file

from bot.web import unavailable
from bot.web.runtime import PhotoPage, Runtime
from handlers import staff_texts

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
    # Flask reads a relative path from its package folder; the data directory (GRIDBOT_DATA_DIR=var) is the cwd's.
    response = send_file(found.path.absolute(), mimetype=found.content_type, conditional=False, etag=False)
    response.headers["Content-Disposition"] = "inline"
    return _private(response)


unavailable.answer_with(  # the database could not be read (down, restarting): reload in a moment
    blueprint, lambda: _private(Response(PAGE.format(text=staff_texts.MEDIA_UNAVAILABLE), mimetype="text/html")))


def _private(response: Response) -> Response:
    """For this reader only (no shared caches), never sniffed into something else."""
    response.headers["Cache-Control"] = "private"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
