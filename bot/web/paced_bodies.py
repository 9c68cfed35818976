"""Request bodies, except the webhook's, are read before the app and at a pace: a client trickling one cannot hold a
server thread for longer than a WeChat message could wait.

Without it a body sent one byte a second held its thread for as long as the client liked: Flask reads a console
form (the login page's too, before anyone is logged in) with no deadline, and gunicorn drains a body the app left
unread (a GET with a Content-Length) one recv at a time, each within its timeout. A dozen such connections held
every thread of a process and WeChat's messages went unanswered. Here each PIECE of a body must arrive within
PIECE_DEADLINE_S (bot/web/read_deadline.py cuts the socket's reading side when it does not): a form or a login
comes in one piece, a 5 MB file at 32 KiB/s or faster. A body cut off is handed to the app as empty, with
INCOMPLETE set in its environ (the console answers 408); one announced over MAX_BODY is not read at all, and the
app's own bounds refuse it by its Content-Length (413, as before). The webhook reads its own body after checking
the signature (bot/web/webhook.py).
"""

from __future__ import annotations

import io
import logging
import socket
from typing import Any, Callable, Iterable

from bot.web.read_deadline import deadlines

log = logging.getLogger(__name__)
PIECE = 64 * 1024
PIECE_DEADLINE_S = 2.0  # the webhook's body deadline: a slow client holds a thread this long per piece at most
MAX_BODY = 6 * 1024 * 1024  # the organisation import's 5 MB file and its form around it (nginx: client_max_body_size)
INCOMPLETE = "gridbot.body_incomplete"
UNREAD_PATHS = frozenset({"/wechat"})

_App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class PacedBodies:
    """WSGI middleware: read every request body (but the webhook's) at a pace before the app sees it."""

    def __init__(self, app: _App) -> None:
        self._app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = _announced(environ)
        if length != 0 and environ.get("PATH_INFO") not in UNREAD_PATHS:
            body = _read(environ, length)
            if body is None:
                environ[INCOMPLETE] = True
                log.warning("%s %s…: body not received in time (from %s)", environ.get("REQUEST_METHOD"),
                            _first_segment(environ.get("PATH_INFO") or ""), environ.get("REMOTE_ADDR"))
            environ["wsgi.input"] = io.BytesIO(body or b"")
        return self._app(environ, start_response)


def _first_segment(path: str) -> str:
    # Not the whole path: a photo link's holds the token that opens it.
    return "/" + path.lstrip("/").split("/", 1)[0]


def _announced(environ: dict[str, Any]) -> int | None:
    """The body's announced length; None for a chunked body (its length is known at its end)."""
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return None
    try:
        return max(0, int(environ.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _read(environ: dict[str, Any], length: int | None) -> bytes | None:
    """The body, or None if it did not all come in time; nothing (b"") of one over MAX_BODY."""
    sock, stream = environ.get("gunicorn.socket"), environ["wsgi.input"]
    if length is not None and length > MAX_BODY:
        _stop_reading(sock)
        return b""
    pieces, received = [], 0
    while length is None or received < length:
        wanted = PIECE if length is None else min(PIECE, length - received)
        with deadlines.bounded(sock, PIECE_DEADLINE_S):
            piece = stream.read(wanted)
        if not piece:
            break
        pieces.append(piece)
        received += len(piece)
        if received > MAX_BODY:  # a chunked body that never ends
            _stop_reading(sock)
            return b""
    if length is not None and received < length:
        return None
    return b"".join(pieces)


def _stop_reading(sock: socket.socket | None) -> None:
    """The rest of the body is never read: not by the app, nor by the server draining it before the next request."""
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RD)
    except OSError:
        pass  # the client has gone already
