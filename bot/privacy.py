"""Personal data never reaches a log whole: the edge masks openids the same way the domain does."""

from __future__ import annotations

import logging
import re

from storage.privacy import mask

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# A mainland mobile number (not part of a longer number), and a WeChat openid: "o" and 27 of [A-Za-z0-9_-].
_PHONE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d)\d{4}(\d{4})(?![0-9A-Za-z])")  # not inside a hex id
_OPENID = re.compile(r"(?<![A-Za-z0-9_-])o[A-Za-z0-9_-]{27}(?![A-Za-z0-9_-])")
# A photo link's token (bot/media_links.py) opens a resident's photo for days: a path naming it is cut to /media/….
_PHOTO_TOKEN = re.compile(r"(/media/)[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")  # payload.time.signature


__all__ = ["LOG_FORMAT", "configure_logging", "mask", "redact", "PrivateFormatter"]


def redact(text: str) -> str:
    """`text` with every phone number, openid and photo-link token in it masked: for what our code does not word
    itself, such as a database error's detail (PostgreSQL names the duplicate key's value), a traceback or the path
    of a request."""
    unlinked = _PHOTO_TOKEN.sub(r"\1…", text)
    return _OPENID.sub(lambda found: mask(found.group()), _PHONE.sub(r"\1****\2", unlinked))


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
