"""What a resident adds to an appeal: a photo, a location or words (补充), and its holder told.

Which appeal a photo or location goes to is `storage.appeals.attach`'s rule; words name theirs. Whoever holds
that appeal hears of the new material (the same people a 催办 reaches, storage.chasing.holders_of) once the
appeal has reached them: an appeal not yet dispatched carries its photos and places on the card it is about to
get. The notice carries the photo's signed link or the location's map link (storage/media_files.py); a holder
who may not read the appeal is told without its words or links (storage.chasing.tell_holders). What is added to an
emergency (words, a photo, a location) goes to everyone its 【紧急】 card reached, before the resident's address too.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import (
    appeals,
    building_leads,
    contacts,
    dispatch,
    emergencies,
    media_files,
    org,
    photo_shares,
    supervision,
    tasks,
)
from storage.chasing import claimed, holders_of, tell_holders
from storage.models import Appeal, AppealEvent, AppealFollower, AppealStatus, Attachment, Staff
from storage.notices import StaffMaterialAdded, StaffWordsAdded
from storage.staff import duty_desks
from storage.telling import tell

# The statuses in which somebody already has the appeal in front of them (a submitted one's card is yet to go).
HELD = (AppealStatus.DISPATCHED, AppealStatus.ACCEPTED, AppealStatus.PAUSED, AppealStatus.RETURNED)
# 补充: how often a resident's words reach an appeal's holders in an hour. An emergency's are what the responders
# need on the way (trapped on the 5th floor, an old man inside), so they get many more; the cap stops a flood.
WORDS_PER_HOUR = 5
EMERGENCY_WORDS_PER_HOUR = 20
WORDS_WINDOW = timedelta(hours=1)
# Photos and locations of one appeal its holders hear of in an hour: an album picked at once (WeChat sends up to nine)
# reaches them whole, a resident sending hundreds does not send hundreds of messages to each of them. Every one is
# still attached, and 查询 lists them all.
MATERIAL_TOLD_PER_HOUR = 9


@dataclass(frozen=True)
class WordsAdded:
    """What became of a resident's 补充: kept on the appeal and told to `told` people, or not kept at all
    (`too_often`: the hour's share was used; `again`: the same words went within the hour)."""

    told: int
    too_often: bool = False
    again: bool = False
    routing: str | None = None  # given back (退回): the community (or street) whose operators it reached, to route it


def limit_reached(session: Session, resident_id: int, now: datetime) -> tuple[str, int] | None:
    """Whether the resident has sent as many photos and locations as may be kept (storage.photo_shares): ("hour" or
    "day", the limit), or None while there is room for one more. Counted by what they attached (its trail names them)
    and what waits unattached: a handler's 办结 photos on their appeal carry their resident id too, and are not theirs."""
    def kept_since(moment: datetime) -> int:
        attached = session.scalar(select(func.count(AppealEvent.id)).where(
            AppealEvent.action == appeals.Action.ATTACHED, AppealEvent.actor_kind == "resident",
            AppealEvent.actor_id == resident_id, AppealEvent.at > moment)) or 0
        waiting = session.scalar(select(func.count(Attachment.id)).where(
            Attachment.resident_id == resident_id, Attachment.appeal_id.is_(None),
            Attachment.created_at > moment)) or 0
        return attached + waiting
    return photo_shares.used_up(photo_shares.RESIDENT, kept_since, now)


def add(session: Session, resident: appeals.Sender, attachment: Attachment, now: datetime,
        sensitive: Collection[str]) -> appeals.Attached:
    """Attach the material to the appeal being talked about (or keep it for the next) and tell its holder;
    `sensitive` names the private categories (their links go only to whom may read the appeal)."""
    attached = appeals.attach(session, resident, attachment, now)
    if attached.appeal is not None and _held_or_urgent(attached.appeal) \
            and _material_within(session, attached.appeal.id, now - WORDS_WINDOW) <= MATERIAL_TOLD_PER_HOUR:
        _tell_holders(session, attached.appeal, attachment, now, sensitive)
    return attached


def _held_or_urgent(appeal: Appeal) -> bool:
    """Whether someone holds the appeal to be told of more: its card went out, or it is an emergency still waiting
    for the resident's address, whose card every operator got (a location is where she is)."""
    return appeal.status in HELD or (appeal.emergency is not None and appeal.status == AppealStatus.AWAITING_ADDRESS)


def adopt_for_reopened(session: Session, resident_id: int, appeal: Appeal, now: datetime,
                       sensitive: Collection[str]) -> int:
    """Attach to an appeal just reopened by its resident's 不满意 the photos and locations they sent with no appeal
    open within LOOSE_ATTACHMENT_WINDOW (likely showing it still broken), telling its holders as `add` does; how
    many. Without this they waited for a new appeal that never came, and nobody saw them."""
    loose = session.scalars(select(Attachment).where(
        Attachment.resident_id == resident_id, Attachment.appeal_id.is_(None),
        Attachment.created_at >= now - appeals.LOOSE_ATTACHMENT_WINDOW).order_by(Attachment.id)).all()
    for attachment in loose:
        attachment.appeal_id = appeal.id
        appeals.record(session, appeal.id, now, appeals.Action.ATTACHED, None, None, actor_id=resident_id,
                       note=attachment.kind)
        if _material_within(session, appeal.id, now - WORDS_WINDOW) <= MATERIAL_TOLD_PER_HOUR:
            _tell_holders(session, appeal, attachment, now, sensitive)
    return len(loose)


def _material_within(session: Session, appeal_id: int, since: datetime) -> int:
    """How many photos and locations the resident attached to the appeal since `since`, this one included."""
    return session.scalar(select(func.count(AppealEvent.id)).where(
        AppealEvent.appeal_id == appeal_id, AppealEvent.action == appeals.Action.ATTACHED,
        AppealEvent.actor_kind == "resident", AppealEvent.at > since)) or 0


def _tell_holders(session: Session, appeal: Appeal, attachment: Attachment, now: datetime,
                  sensitive: Collection[str]) -> None:
    session.flush()  # the attachment's id and public id, for its link
    relayer = building_leads.relayer(session, appeal, attachment.resident_id) if attachment.resident_id else None
    notice = StaffMaterialAdded(ticket=appeal.ticket, material=attachment.kind, content=appeal.listed_words,
                                claimed=claimed(appeal), returned=appeal.status == AppealStatus.RETURNED,
                                relayer_role=relayer.role if relayer else None, relayer_name=relayer.name if relayer else None)
    linked = replace(notice, photos=photo_link(session, attachment), places=place_link(attachment))
    _tell(session, appeal, _told_of_more(session, appeal), linked, now, sensitive)


def photo_link(session: Session, attachment: Attachment) -> tuple[str, ...]:
    """The photo's signed link for a notice (flushed first: it needs the public id); none for a location."""
    links: media_files.Links | None = session.info.get(media_files.LINKS_KEY)
    if attachment.kind != "image" or links is None or attachment.public_id is None:
        return ()
    return (links.photo(attachment.public_id),)


def place_link(attachment: Attachment) -> tuple[str, ...]:
    """The location's map link for a notice; none for a photo."""
    if attachment.kind != "location":
        return ()
    link = media_files.map_link(attachment.latitude, attachment.longitude, attachment.label)
    return (link,) if link else ()


def add_words(session: Session, resident_id: int, appeal: Appeal, words: str, now: datetime,
              sensitive: Collection[str]) -> WordsAdded:
    """补充: keep the resident's words on their open appeal and tell whoever holds it; an emergency's go to
    everyone its 【紧急】 card reached (its assignee once claimed) and the community's operators. `sensitive` names
    the private categories (their words go only to whom may read the appeal)."""
    earlier = _words_within(session, appeal.id, now - WORDS_WINDOW)
    if earlier and " ".join(earlier[0].split()) == " ".join(words.split()):
        return WordsAdded(0, again=True)  # a resend, or "着火了！！楼下好多烟" twenty times: told once
    if len(earlier) >= (EMERGENCY_WORDS_PER_HOUR if appeal.emergency else WORDS_PER_HOUR):
        return WordsAdded(0, too_often=True)
    appeals.record(session, appeal.id, now, appeals.Action.WORDS_ADDED, None, None, actor_id=resident_id,
                   note=words)
    recipients = _told_of_more(session, appeal)
    relayer = building_leads.relayer(session, appeal, resident_id)
    notice = StaffWordsAdded(ticket=appeal.ticket, content=appeal.listed_words, words=words, emergency=appeal.emergency,
                             claimed=claimed(appeal), returned=appeal.status == AppealStatus.RETURNED,
                             reporter=_other_reporter(session, appeal, resident_id),
                             relayer_role=relayer.role if relayer else None, relayer_name=relayer.name if relayer else None)
    _tell(session, appeal, recipients, notice, now, sensitive)
    routing = tasks.routing_place(session, appeal, any(person.community_id is not None for person in recipients)) \
        if appeal.status == AppealStatus.RETURNED and recipients else None
    return WordsAdded(len(recipients), routing=routing)


def _tell(session: Session, appeal: Appeal, recipients: Sequence[Staff], notice: StaffMaterialAdded | StaffWordsAdded,
          now: datetime, sensitive: Collection[str]) -> None:
    if appeal.emergency is not None and appeal.grid_id is None:
        # The duty desks got its 【紧急】 card whole (emergencies.alert_unplaced), though the appeal is in no
        # community yet: what she adds, which may be where she is, reaches them whole as well.
        for operator in recipients:
            tell(session, operator.openid, notice, now, appeal=appeal)
    else:
        tell_holders(session, appeal, recipients, notice, now, sensitive)
    if appeal.emergency is None:  # nobody of its grid at work to claim it: the operators standing in, to 改派 it
        standing_in = [person for person in dispatch.away_stand_ins(session, appeal, now) if person not in recipients]
        tell_holders(session, appeal, standing_in, replace(notice, grid_away=True), now, sensitive)


def _other_reporter(session: Session, appeal: Appeal, resident_id: int) -> str | None:
    """For an emergency's words from a neighbour whose report of it joined it: that report's ticket, home and
    门牌 (whole, as on an emergency's card); None for its own resident's."""
    if appeal.emergency is None or appeal.resident_id == resident_id:
        return None
    joined = session.scalars(select(Appeal).join(AppealFollower, AppealFollower.source_appeal_id == Appeal.id).where(
        AppealFollower.appeal_id == appeal.id, AppealFollower.resident_id == resident_id)).first()
    if joined is None or joined.grid_id is None:
        return None
    home = org.address(session, joined.grid_id, joined.building_id, joined.unit_id).home_label
    door = contacts.on_card(session, joined).door
    return f"{joined.ticket}，{home}{f' {door}' if door else ''}"


def _words_within(session: Session, appeal_id: int, since: datetime) -> list[str]:
    """The words the resident added to the appeal since `since`, the latest first."""
    return list(session.scalars(select(AppealEvent.note).where(
        AppealEvent.appeal_id == appeal_id, AppealEvent.action == appeals.Action.WORDS_ADDED, AppealEvent.at > since,
    ).order_by(AppealEvent.id.desc())))


def _told_of_more(session: Session, appeal: Appeal) -> Sequence[Staff]:
    """Who hears what the resident adds (words, a photo, a location): its holders; an emergency's responders, and
    whom its 督办 reached while nobody claimed it."""
    if appeal.emergency is None:
        return holders_of(session, appeal)
    if appeal.grid_id is None:  # held for the resident's address: the duty desks got its card
        return duty_desks(session)
    # Unclaimed, its 督办 may have climbed to the street: the operators it reached hear it too.
    return emergencies.responders(session, appeal, [*holders_of(session, appeal), *supervision.reached(session, appeal)])
