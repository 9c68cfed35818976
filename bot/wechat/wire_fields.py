"""What each field of an inbound WeChat message may hold: one table, checked before anything is stored.

A validly signed message is still untrusted input (plain mode signs only the URL, and a buggy or hostile
sender can sign anything it likes in safe mode once it has the key). Every field the conversation reads, and
every field kept in an appeal's raw message, is bounded here; a field that breaks its rule refuses the whole
message with a 400. Reasons name the field and what is wrong, never its value (it may be personal data).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Mapping

# The wire's own ceiling for free text: far above what the conversation accepts from people (its polite
# limits are its own business), low enough that nothing absurd reaches the database.
TEXT_LIMIT = 8000
# What a person typed or said gets to the conversation whole even when absurdly long (a 15,000-character note),
# so that it can refuse it politely and say its limit; the 64 KiB body bounds it anyway (~21,000 CJK characters).
SPOKEN_LIMIT = 22_000
MAX_FIELDS = 64
# The largest Unix time a datetime can hold (9999-12-31T23:59:59Z); twelve digits at most.
MAX_UNIX_TIME = 253_402_300_799
MAX_MSG_ID = 2**63 - 1  # a signed 64-bit integer, as WeChat's MsgId is
_OPENID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_WORD = re.compile(r"[A-Za-z0-9_]{1,64}")
# The URL check's echostr: WeChat sends a short random string of digits. It is echoed as the answer, so anything
# else (markup, a message to whoever opens the link) is refused rather than served from this site's address.
_ECHOSTR = re.compile(r"[A-Za-z0-9_-]{1,128}")


def plain_echostr(value: str) -> bool:
    """Whether the URL check's echostr is a plain token that may be echoed."""
    return _ECHOSTR.fullmatch(value) is not None


class FieldError(ValueError):
    """A field breaks its rule; the message says which field and how (never its value)."""


def ascii_digits(value: str, max_digits: int) -> int | None:
    """The value as a number if it is 1..max_digits ASCII digits, else None (`str.isdigit` accepts "²")."""
    if not (0 < len(value) <= max_digits and value.isascii() and value.isdigit()):
        return None
    return int(value)


def unix_time(value: str) -> datetime | None:
    """A Unix time in whole seconds as a UTC datetime, or None if it is not one a datetime can hold."""
    seconds = ascii_digits(value, len(str(MAX_UNIX_TIME)))
    if seconds is None or seconds > MAX_UNIX_TIME:
        return None
    return datetime.fromtimestamp(seconds, timezone.utc)


@dataclass(frozen=True)
class Rule:
    """A check of one field's text; `what` completes "<field> must be …" in the refusal."""

    check: Callable[[str], bool]
    what: str


def _pattern(regex: re.Pattern[str], what: str) -> Rule:
    return Rule(lambda value: regex.fullmatch(value) is not None, what)


def _bounded(limit: int) -> Rule:
    return Rule(lambda value: len(value) <= limit, f"at most {limit} characters")


def _coordinate(limit: float) -> Rule:
    def check(value: str) -> bool:
        if not (value.isascii() and len(value) <= 32):
            return False
        try:
            number = float(value)
        except ValueError:
            return False
        return math.isfinite(number) and -limit <= number <= limit

    return Rule(check, f"a number between -{limit:g} and {limit:g}")


def _msg_id(value: str) -> bool:
    number = ascii_digits(value, 20)
    return number is not None and number <= MAX_MSG_ID


def _url(limit: int) -> Rule:
    return Rule(lambda value: len(value) <= limit and value.startswith(("http://", "https://")),
                f"an http(s) URL of at most {limit} characters")


_OPENID_RULE = _pattern(_OPENID, "1-64 characters of A-Z a-z 0-9 _ -")
_COUNT = Rule(lambda value: ascii_digits(value, 10) is not None, "1-10 ASCII digits")
RULES: Mapping[str, Rule] = {
    "ToUserName": _OPENID_RULE,
    "FromUserName": _OPENID_RULE,
    "CreateTime": Rule(lambda value: unix_time(value) is not None, "a Unix time in ASCII digits"),
    "MsgType": _pattern(_WORD, "1-64 characters of A-Z a-z 0-9 _"),
    "MsgId": Rule(_msg_id, "1-20 ASCII digits below 2**63"),
    "Event": _pattern(_WORD, "1-64 characters of A-Z a-z 0-9 _"),
    "EventKey": _bounded(1024),  # a menu key, a QR scene, or a VIEW menu's URL
    "Content": _bounded(SPOKEN_LIMIT),
    "Recognition": _bounded(SPOKEN_LIMIT),
    "MediaId": _bounded(256),
    "ThumbMediaId": _bounded(256),
    "Format": _bounded(16),
    "PicUrl": _url(2048),
    "Location_X": _coordinate(90),
    "Location_Y": _coordinate(180),
    "Scale": _bounded(16),
    "Label": _bounded(512),
    # Job-finish events of mass sends and template messages: the send's id, its status and WeChat's counts.
    "MsgID": Rule(_msg_id, "1-20 ASCII digits below 2**63"),
    "Status": _bounded(64),
    "TotalCount": _COUNT,
    "FilterCount": _COUNT,
    "SentCount": _COUNT,
    "ErrorCount": _COUNT,
}
# Any field WeChat adds that gridbot does not read is still kept in the appeal's raw message: bound it too.
DEFAULT_RULE = _bounded(TEXT_LIMIT)


def check(fields: Mapping[str, str]) -> None:
    """Raise FieldError for the first field that breaks its rule (empty values are left to the callers)."""
    if len(fields) > MAX_FIELDS:
        raise FieldError(f"message with {len(fields)} fields (at most {MAX_FIELDS})")
    for name, value in fields.items():
        rule = RULES.get(name, DEFAULT_RULE)
        if value and not rule.check(value):
            raise FieldError(f"{_shown(name)} must be {rule.what} (got {len(value)} characters)")


def _shown(name: str) -> str:
    # The element name itself is attacker-chosen: log a bounded, printable form of it.
    return name if _WORD.fullmatch(name) else f"a field named {name[:32]!r}"
