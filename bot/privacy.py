"""Personal data never reaches a log whole: the edge masks openids the same way the domain does."""

from __future__ import annotations

import logging
import re

from storage.privacy import mask

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# A mainland mobile number (not part of a longer number), and a WeChat openid: "o" and 27 of [A-Za-z0-9_-].
# The number as people and browsers write it: +86 or 0086 before it (a phone's autofill), 3-4-4 with spaces or
# dashes, full-width digits (a Chinese keyboard): each of these passed whole into a log line before.
_D = "[0-9０-９]"
_PHONE = re.compile(rf"(?<![0-9A-Za-z０-９])((?:\+|00)?86[ -]?)?([1１][3-9３-９]{_D})[ -]?{_D}{{4}}[ -]?({_D}{{4}})"
                    r"(?![0-9A-Za-z０-９])")  # not inside a hex id
_OPENID = re.compile(r"(?<![A-Za-z0-9_-])o[A-Za-z0-9_-]{27}(?![A-Za-z0-9_-])")
# A photo link's token (bot/media_links.py) opens a resident's photo for days: a path naming it is cut to /media/….
_PHOTO_TOKEN = re.compile(r"(/media/)[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")  # payload.time.signature


__all__ = ["LOG_FORMAT", "configure_logging", "mask", "redact", "PrivateFormatter"]


def redact(text: str) -> str:
    """`text` with every phone number, openid and photo-link token in it masked: for what our code does not word
    itself, such as a database error's detail (PostgreSQL names the duplicate key's value), a traceback or the path
    of a request."""
    unlinked = _PHOTO_TOKEN.sub(r"\1…", text)
    phones_masked = _PHONE.sub(lambda found: f"{found[1] or ''}{found[2]}****{found[3]}", unlinked)
    return _OPENID.sub(lambda found: mask(found.group()), phones_masked)


class PrivateFormatter(logging.Formatter):
    """Formats records (tracebacks included) as usual, then redacts them."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(level: str) -> None:
    """Log to stderr at `level`, redacted, unless logging was configured already (a test runner, a host app)."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(PrivateFormatter(LOG_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
