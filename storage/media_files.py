"""Photos kept before WeChat forgets them: which attachments still need their bytes, and what became of each try.

WeChat keeps temporary media (a resident's photo) three days. The worker's schedule takes the image
attachments still to download (`take_due`, each try counted and pushed out of the next round before the job is
queued), a job fetches and stores the bytes (bot/worker/media.py) and records the copy (`stored`) or the error
(`failed`: retried with backoff until MAX_ATTEMPTS). A photo older than WeChat's three days, or out of tries, is
given up: staff read "图片未能保存" instead of a link that breaks.

Staff open a photo by a signed, expiring link (bot/media_links.py signs; bot/web/media.py serves), and a
location by a map link; storage reaches the signer through the session's info (`session_info`), as it reaches
the digest threshold, so that the web process, the worker and the CLI word cards and notices alike. A session
without one (a test's bare database) words photos without links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Collection, Iterable, Protocol
from urllib.parse import quote

from sqlalchemy import Row, bindparam, or_, select, update
from sqlalchemy.orm import Session

from storage.models import Attachment

WECHAT_KEEPS = timedelta(days=3)
MAX_ATTEMPTS = 4
BACKOFF = timedelta(minutes=1)  # then 4, 16 minutes
# A taken try whose job never reported (Redis lost it, the worker died) is due again after this.
TAKEN_FOR = timedelta(minutes=10)
TAKE_LIMIT = 50
LINKS_KEY = "media_links"
# Amap's URI API: a marker on its map page, opened in WeChat's browser; nothing is fetched from it.
MAP_LINK = "https://uri.amap.com/marker?position={lng},{lat}"


class Links(Protocol):
    """Makes the signed link to a saved photo (bot/media_links.py)."""

    def photo(self, public_id: str) -> str:
        """The URL staff open the photo `public_id` names by."""
        ...


@dataclass(frozen=True)
class Material:
    """An appeal's photos and locations for staff who may read it, oldest first: each photo's signed link (None
    without a signer) with where its copy stands, and each location's map link."""

    photos: tuple[tuple[str | None, Saved], ...] = ()
    places: tuple[str, ...] = ()


class Saved(StrEnum):
    """Where a photo's own copy stands."""

    SAVED = "saved"
    SAVING = "saving"
    FAILED = "failed"


@dataclass(frozen=True)
class Fetch:
    """What a download job needs: the attachment and WeChat's media id for it."""

    attachment_id: int
    media_id: str
    attempt: int


@dataclass(frozen=True)
class StoredFile:
    """A saved photo, as the link's view serves it."""

    sha256: str
    content_type: str
    size: int


def take_due(session: Session, now: datetime, limit: int = TAKE_LIMIT) -> list[int]:
    """The photos to download now (younger than WeChat keeps them, tries left), each try counted; their ids.

    Counted and pushed TAKEN_FOR out in the transaction that takes them, so the next rounds do not queue them
    again while their job runs; a job that never reports leaves them due again after that.
    """
    ids = list(session.scalars(
        select(Attachment.id)
        .where(Attachment.kind == "image", Attachment.media_id.is_not(None), Attachment.downloaded_at.is_(None),
               Attachment.download_attempts < MAX_ATTEMPTS, Attachment.created_at >= now - WECHAT_KEEPS,
               or_(Attachment.download_due_at.is_(None), Attachment.download_due_at <= now))
        .order_by(Attachment.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ))
    if ids:
        session.execute(update(Attachment).where(Attachment.id.in_(ids))
                        .values(download_attempts=Attachment.download_attempts + 1,
                                download_due_at=now + TAKEN_FOR))
    return ids


def release_taken(session: Session, ids: list[int], now: datetime) -> int:
    """Hand photos taken at `now` back, their try not counted, when their jobs never reached Redis: due again at
    once instead of after TAKEN_FOR. A photo a job has started on meanwhile is left alone."""
    return session.execute(
        update(Attachment)
        .where(Attachment.id.in_(ids), Attachment.downloaded_at.is_(None),
               Attachment.download_due_at == now + TAKEN_FOR)
        .values(download_attempts=Attachment.download_attempts - 1, download_due_at=now)
    ).rowcount


def to_fetch(session: Session, attachment_id: int) -> Fetch | None:
    """The download a job is to make; None when there is nothing to do (saved already, or no media id)."""
    row = session.get(Attachment, attachment_id)
    if row is None or row.downloaded_at is not None or not row.media_id:
        return None
    return Fetch(row.id, row.media_id, row.download_attempts)


def stored(session: Session, attachment_id: int, sha256: str, size: int, content_type: str, now: datetime) -> bool:
    """Record the photo's own copy, once: False when a run before this one recorded it already."""
    saved = session.execute(
        update(Attachment)
        .where(Attachment.id == attachment_id, Attachment.downloaded_at.is_(None))
        .values(sha256=sha256, size=size, content_type=content_type, downloaded_at=now, download_error=None,
                download_due_at=None)
    )
    return bool(saved.rowcount)  # type: ignore[attr-defined]


def failed(session: Session, attachment_id: int, error: str, now: datetime) -> bool:
    """Record a failed try; True when it was the last (no tries left), else the next is due after a backoff."""
    row = session.get_one(Attachment, attachment_id)
    row.download_error = error[:500]
    final = row.download_attempts >= MAX_ATTEMPTS
    row.download_due_at = None if final else now + BACKOFF * (4 ** (max(row.download_attempts, 1) - 1))
    return final


def state(attachment: Attachment, now: datetime) -> Saved:
    """Saved, still being saved, or given up (no tries left, or older than WeChat keeps it)."""
    if attachment.downloaded_at is not None:
        return Saved.SAVED
    if (not attachment.media_id or attachment.download_attempts >= MAX_ATTEMPTS and attachment.download_due_at is None
            or attachment.created_at < now - WECHAT_KEEPS):
        return Saved.FAILED
    return Saved.SAVING


def by_public_id(session: Session, public_id: str) -> Attachment | None:
    """The attachment a link names, if there is one."""
    return session.scalars(select(Attachment).where(Attachment.public_id == public_id)).first()


def stored_file(attachment: Attachment) -> StoredFile | None:
    """The saved copy of a photo, if it has one."""
    if attachment.downloaded_at is None or not attachment.sha256:
        return None
    return StoredFile(attachment.sha256, attachment.content_type or "application/octet-stream", attachment.size or 0)


def session_info(links: Links | None) -> dict[str, Any]:
    """What a Database puts into each session's info for the links in cards, notices and 查询."""
    return {LINKS_KEY: links} if links is not None else {}


def map_link(latitude: float | None, longitude: float | None, label: str | None) -> str | None:
    """Amap's marker page for a location (None without coordinates)."""
    if latitude is None or longitude is None:
        return None
    link = MAP_LINK.format(lng=longitude, lat=latitude)
    return f"{link}&name={quote(label)}" if label else link


def material(session: Session, appeal_id: int, now: datetime) -> Material:
    """The appeal's photos (link and state) and locations (map link), for 查询."""
    links: Links | None = session.info.get(LINKS_KEY)
    photos, places = [], []
    for row in _attachments(session, appeal_id):
        if row.kind == "image":
            photos.append((links.photo(row.public_id) if links and row.public_id else None, state(row, now)))
        elif (place := map_link(row.latitude, row.longitude, row.label)) is not None:
            places.append(place)
    return Material(tuple(photos), tuple(places))


CardLinks = tuple[tuple[str, ...], tuple[str, ...]]  # a card's photo links and map links


def card_links(session: Session, appeal_id: int) -> CardLinks:
    """The links a card or notice carries: every photo's (a card goes out before its photos are saved, and the
    link's page says so until they are) and every location's; no photo links without a signer."""
    return _links_of(session, _attachments(session, appeal_id))


def cards_links(session: Session, appeal_ids: Collection[int]) -> dict[int, CardLinks]:
    """`card_links` of many appeals (by appeal id) in one statement, as a dispatch chunk's cards need."""
    rows: dict[int, list[Row[Any]]] = {appeal_id: [] for appeal_id in appeal_ids}
    if rows:
        for row in session.execute(_OF_APPEALS, {"appeals": list(rows)}):
            rows[row.appeal_id].append(row)
    return {appeal_id: _links_of(session, attachments) for appeal_id, attachments in rows.items()}


def _links_of(session: Session, attachments: Iterable[Attachment | Row[Any]]) -> CardLinks:
    links: Links | None = session.info.get(LINKS_KEY)
    photos, places = [], []
    for row in attachments:
        if row.kind == "image":
            if links and row.public_id:
                photos.append(links.photo(row.public_id))
        elif (place := map_link(row.latitude, row.longitude, row.label)) is not None:
            places.append(place)
    return tuple(photos), tuple(places)


def _attachments(session: Session, appeal_id: int) -> list[Attachment]:
    return list(session.scalars(_OF_APPEAL, {"appeal": appeal_id}))


# Run for every task card, or every dispatch chunk: built once (see storage/outbox.py's statements).
_OF_APPEAL = select(Attachment).where(Attachment.appeal_id == bindparam("appeal")).order_by(Attachment.id)
_OF_APPEALS = (
    select(Attachment.appeal_id, Attachment.kind, Attachment.public_id, Attachment.latitude, Attachment.longitude,
           Attachment.label)
    .where(Attachment.appeal_id.in_(bindparam("appeals", expanding=True)))
    .order_by(Attachment.id)
)
