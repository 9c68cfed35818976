"""The taxonomy as operators edit it in the console: each save is a new version, the newest is the one in force.

Storage keeps the TOML text only; whether it is a valid taxonomy is the caller's check (nlp.taxonomy's loader,
which storage does not import), done before `save`. Every process asks `newest_id` now and then (cheap: the
primary key's maximum) and reloads when it changed; while no version exists, the file (GRIDBOT_TAXONOMY, else the
shipped one) is the taxonomy. Versions are never changed or deleted: going back saves the old text as a new
version, so the history says who brought what back, and when.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.errors import NotFound
from storage.models import ConsoleUser, TaxonomyVersion

HISTORY_LIMIT = 50


@dataclass(frozen=True)
class Saved:
    """One version as the history lists it: its number, when, by whom (their display name), what it restored."""

    id: int
    saved_at: datetime
    saved_by: str
    restored_from: int | None
    size: int  # characters of TOML


def newest_id(session: Session) -> int | None:
    """The number of the version in force, or None while the file is the taxonomy."""
    found = session.scalar(select(func.max(TaxonomyVersion.id)))
    return int(found) if found is not None else None


def text_of(session: Session, version_id: int) -> str:
    """The TOML of one version (NotFound for an unknown number)."""
    found = session.get(TaxonomyVersion, version_id)
    if found is None:
        raise NotFound(str(version_id))
    return found.text


def newest(session: Session) -> tuple[int, str] | None:
    """The version in force and its TOML, or None while the file is the taxonomy."""
    found = session.scalars(select(TaxonomyVersion).order_by(TaxonomyVersion.id.desc()).limit(1)).first()
    return (found.id, found.text) if found is not None else None


def save(session: Session, text: str, user_id: int | None, now: datetime,
         restored_from: int | None = None) -> int:
    """Store an already validated taxonomy as the newest version; its number."""
    version = TaxonomyVersion(text=text, saved_at=now, saved_by=user_id, restored_from=restored_from)
    session.add(version)
    session.flush()
    return version.id


def history(session: Session, limit: int = HISTORY_LIMIT) -> Sequence[Saved]:
    """The latest versions, newest first, with the name of the operator who saved each."""
    rows = session.execute(
        select(TaxonomyVersion.id, TaxonomyVersion.saved_at, ConsoleUser.display_name, TaxonomyVersion.restored_from,
               func.length(TaxonomyVersion.text))
        .outerjoin(ConsoleUser, ConsoleUser.id == TaxonomyVersion.saved_by)
        .order_by(TaxonomyVersion.id.desc()).limit(limit)
    )
    return [Saved(row[0], row[1], row[2] or "", row[3], int(row[4] or 0)) for row in rows]
