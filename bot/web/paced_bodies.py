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

A pace bounds each piece, not the whole: a body of MAX_BODY sent a piece every two seconds holds its thread for
three minutes, and a dozen of them, at 400 KiB/s in all, held every thread while WeChat's messages went
unanswered. So a body of more than one piece (only the organisation import needs one; a long taxonomy comes
close) is read by at most LARGE_AT_ONCE threads of a process at a time; another that comes meanwhile is not read
at all, BUSY set in its environ (the console answers 503, nothing done), and the other threads stay free.
"""

from __future__ import annotations

import io
import logging
import socket
import threading
from typing import Any, Callable, Iterable

from bot.throttle import LineBudget
from bot.web.read_deadline import deadlines

log = logging.getLogger(__name__)
PIECE = 64 * 1024
PIECE_DEADLINE_S = 2.0  # the webhook's body deadline: a slow client holds a thread this long per piece at most
MAX_BODY = 6 * 1024 * 1024  # the organisation import's 5 MB file and its form around it (nginx: client_max_body_size)
INCOMPLETE = "gridbot.body_incomplete"
BUSY = "gridbot.body_busy"
LARGE_AT_ONCE = 2  # of a process's 12 threads (bot/web/server.py), what slow large bodies may hold
LINES_PER_MINUTE = 20  # of the warnings below: anyone can make them as fast as the network carries requests
UNREAD_PATHS = frozenset({"/wechat"})

_App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class PacedBodies:
    """WSGI middleware: read every request body (but the webhook's) at a pace before the app sees it."""

    def __init__(self, app: _App) -> None:
        self._app = app
        self._large = threading.BoundedSemaphore(LARGE_AT_ONCE)
        self._lines = LineBudget(LINES_PER_MINUTE)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = _announced(environ)
        if length != 0 and environ.get("PATH_INFO") not in UNREAD_PATHS:
            environ["wsgi.input"] = io.BytesIO(self._body(environ, length) or b"")
        return self._app(environ, start_response)

    def _body(self, environ: dict[str, Any], length: int | None) -> bytes | None:
        """The body as `_read` gives it; nothing, with BUSY set, for a large one while LARGE_AT_ONCE are read."""
        large = length is None or PIECE < length <= MAX_BODY
        if large and not self._large.acquire(blocking=False):
            environ[BUSY] = True
            _stop_reading(environ.get("gunicorn.socket"))
            self._warn(environ, f"a large body refused unread, {LARGE_AT_ONCE} are being read already")
            return None
        try:
            body = _read(environ, length)
        finally:
            if large:
                self._large.release()
        if body is None:
            environ[INCOMPLETE] = True
            self._warn(environ, "body not received in time")
        return body

    def _warn(self, environ: dict[str, Any], what: str) -> None:
        left_out = self._lines.take()
        if left_out is not None:
            log.warning("%s %s…: %s (from %s)%s", environ.get("REQUEST_METHOD"),
                        _first_segment(environ.get("PATH_INFO") or ""), what, environ.get("REMOTE_ADDR"),
                        f"; {left_out} more such lines before this one, not logged" if left_out else "")


def _first_segment(path: str) -> str:
    # Not the whole path: a photo link's holds the token that opens it. The path arrives percent-decoded: a line
    # break in it (%0a) would start a log line of the sender's own making, so anything unprintable is escaped.
    segment = "/" + path.lstrip("/").split("/", 1)[0]
    return segment if segment.isprintable() else repr(segment)


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
