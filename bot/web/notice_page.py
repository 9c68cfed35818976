"""GET /n/<number>: a broadcast notice's full text, the page its template message links to.

It shows only what was broadcast (the text, its kind and time), never who got it; a notice not sent yet (scheduled
for later, or cancelled before it went) reads as not found, like a number that does not exist; one cancelled after
part of it went says it was withdrawn. Numbers are sequential, so the page must never show more than the notice
itself.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app
from markupsafe import escape

from bot.web import unavailable
from bot.web.runtime import Runtime
from handlers import notice_texts
from storage import notice_records

blueprint = Blueprint("notice_page", __name__)


@blueprint.get("/n/<number>")
def notice(number: str) -> Response:
    """The notice's page, or a short not-found page."""
    runtime: Runtime = current_app.extensions["gridbot"]
    with runtime.database.transaction() as session:
        shown = notice_records.public(session, number)
    if shown is None:
        body, status = notice_texts.PAGE_MISSING, 404
    elif shown.withdrawn:
        body, status = notice_texts.PAGE_WITHDRAWN.format(
            line=escape(notice_texts.WITHDRAWN.format(number=shown.number))), 410
    else:
        body, status = notice_texts.PAGE.format(
            title=escape(notice_texts.page_title(shown.urgent, shown.kind)), number=escape(shown.number),
            at=escape(notice_texts.page_time(shown.send_at)), text=_linked(shown.text)), 200
    return _page(body, status)


unavailable.answer_with(blueprint, lambda: _page(notice_texts.PAGE_UNAVAILABLE))  # the 503 and its headers: there


# A web address in the text: ASCII up to a space, a quote or angle bracket, a Chinese character, or closing marks.
WEB_ADDRESS = re.compile(r"https?://[!#-;=?-~]+?(?=[.,;:!?)\]]*(?:[^!#-;=?-~]|$))")


def _linked(text: str) -> str:
    """The text escaped, its web addresses made links: a mass send's text shows them tappable, and the page a
    template message opens should too."""
    pieces, at = [], 0
    for found in WEB_ADDRESS.finditer(text):
        address = escape(found.group(0))
        pieces += [escape(text[at:found.start()]), f'<a href="{address}" rel="noopener noreferrer">{address}</a>']
        at = found.end()
    return "".join([*map(str, pieces), str(escape(text[at:]))])


def _page(body: str, status: int = 200) -> Response:
    response = Response(body, status=status, mimetype="text/html")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
