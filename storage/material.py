"""A photo or a location a resident sends: added to the appeal they are talking about, and its holder told.

Which appeal is `storage.appeals.attach`'s rule. Whoever holds that appeal hears of the new material (the same
people a 催办 reaches, storage.chasing.holders_of) once the appeal has reached them: an appeal not yet
dispatched carries its material on the card it is about to get. The notice carries the photo's signed link or
the location's map link (storage/media_files.py); a holder who may not read the appeal is told without its
words or links (storage.chasing.tell_holders).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from storage import appeals, media_files
from storage.chasing import holders_of, tell_holders
from storage.models import Appeal, AppealStatus, Attachment
from storage.notices import StaffMaterialAdded

# The statuses in which somebody already has the appeal in front of them (a submitted one's card is yet to go).
HELD = (AppealStatus.DISPATCHED, AppealStatus.ACCEPTED, AppealStatus.PAUSED, AppealStatus.RETURNED)


def add(session: Session, resident: appeals.Sender, attachment: Attachment, now: datetime,
        sensitive: Collection[str]) -> appeals.Attached:
    """Attach the material to the appeal being talked about (or keep it for the next) and tell its holder;
    `sensitive` names the private categories (their links go only to whom may read the appeal)."""
    attached = appeals.attach(session, resident, attachment, now)
    if attached.appeal is not None and attached.appeal.status in HELD:
        _tell_holders(session, attached.appeal, attachment, now, sensitive)
    return attached


def _tell_holders(session: Session, appeal: Appeal, attachment: Attachment, now: datetime,
                  sensitive: Collection[str]) -> None:
    session.flush()  # the attachment's id and public id, for its link
    notice = StaffMaterialAdded(ticket=appeal.ticket, material=attachment.kind, content=appeal.content,
                                claimed=appeal.assignee_staff_id is not None)
    linked = replace(notice, photos=_photo_link(session, attachment), places=_place_link(attachment))
    tell_holders(session, appeal, holders_of(session, appeal), linked, now, sensitive)


def _photo_link(session: Session, attachment: Attachment) -> tuple[str, ...]:
    links: media_files.Links | None = session.info.get(media_files.LINKS_KEY)
    if attachment.kind != "image" or links is None or attachment.public_id is None:
        return ()
    return (links.photo(attachment.public_id),)


def _place_link(attachment: Attachment) -> tuple[str, ...]:
    if attachment.kind != "location":
        return ()
    link = media_files.map_link(attachment.latitude, attachment.longitude, attachment.label)
    return (link,) if link else ()
