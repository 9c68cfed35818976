"""Signed, expiring links to saved photos: what staff open from a card, a notice or 查询.

A link is GRIDBOT_PUBLIC_URL/media/<token>; the token is an itsdangerous URLSafeTimedSerializer signature (keyed
with GRIDBOT_SECRET_KEY, salted for this use alone) of the attachment's random public id, so a link names one
photo, cannot be made or altered without the key, tells nothing of how many photos there are, and expires
after GRIDBOT_MEDIA_LINK_DAYS. Handlers and storage never sign: storage reaches a `MediaLinks` through the
session's info (storage.media_files.session_info), the view (bot/web/media.py) reads tokens with it.
"""

from __future__ import annotations

from datetime import timedelta

from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer

from bot.clock import Clock, now_utc

SALT = "gridbot.media-link"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"  # gridbot serve's default address
DEFAULT_DAYS = 7


class MediaLinks:
    """Makes and reads the links to saved photos, on the process's clock."""

    def __init__(self, secret_key: str, public_url: str | None = None, days: int = DEFAULT_DAYS,
                 clock: Clock = now_utc) -> None:
        self.base = (public_url or DEFAULT_PUBLIC_URL).rstrip("/")
        self.max_age = timedelta(days=days)
        signer = type("ClockedSigner", (TimestampSigner,), {"get_timestamp": lambda _: int(clock().timestamp())})
        self._serializer = URLSafeTimedSerializer(secret_key, salt=SALT, signer=signer)

    def photo(self, public_id: str) -> str:
        """The URL of the photo `public_id` names, valid for the configured days from now."""
        return f"{self.base}/media/{self.token(public_id)}"

    def token(self, public_id: str) -> str:
        """The signed token for `public_id`."""
        return self._serializer.dumps(public_id)

    def public_id(self, token: str) -> str | None:
        """The public id a genuine, unexpired token names; None for anything else."""
        try:
            value = self._serializer.loads(token, max_age=int(self.max_age.total_seconds()))
        except BadData:
            return None
        return value if isinstance(value, str) else None
