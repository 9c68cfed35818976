"""A photo or a location a resident sends: added to the appeal they are talking about, and its holder told.

Which appeal is `storage.appeals.attach`'s rule. Whoever holds that appeal hears of the new material (the same
people a 催办 reaches, storage.chasing.holders_of) once the appeal has reached them: an appeal not yet
dispatched carries its material on the card it is about to get.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage import appeals
from storage.chasing import holders_of
from storage.models import Appeal, AppealStatus, Attachment
from storage.notices import StaffMaterialAdded
from storage.telling import tell

# The statuses in which somebody already has the appeal in front of them (a submitted one's card is yet to go).
HELD = (AppealStatus.DISPATCHED, AppealStatus.ACCEPTED, AppealStatus.PAUSED, AppealStatus.RETURNED)


def add(session: Session, resident: appeals.Sender, attachment: Attachment, now: datetime) -> appeals.Attached:
    """Attach the material to the appeal being talked about (or keep it for the next) and tell its holder."""
    attached = appeals.attach(session, resident, attachment, now)
    if attached.appeal is not None and attached.appeal.status in HELD:
        _tell_holders(session, attached.appeal, attachment.kind, now)
    return attached


def _tell_holders(session: Session, appeal: Appeal, kind: str, now: datetime) -> None:
    notice = StaffMaterialAdded(ticket=appeal.ticket, material=kind, content=appeal.content,
                                claimed=appeal.assignee_staff_id is not None)
    for holder in holders_of(session, appeal):
        tell(session, holder.openid, notice, now, appeal=appeal)
