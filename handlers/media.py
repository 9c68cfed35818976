"""Images and locations complete an appeal; other message kinds are politely declined."""

from __future__ import annotations

from handlers import binding, staff_texts, volunteering
from handlers import resident_texts as texts
from handlers.chasing import appeal_awaiting_rating
from handlers.conversation import Conversation
from handlers.joins import sensitive_categories
from handlers.types import Kind, Reply
from storage import material, patrol
from storage.models import Attachment


def matches(conversation: Conversation) -> bool:
    """Images, locations and kinds we can't use."""
    return conversation.inbound.kind in (Kind.IMAGE, Kind.LOCATION, Kind.OTHER)


def handle(conversation: Conversation) -> Reply:
    """Attach to the appeal the resident is talking about (its holder is told), or keep it for the next one and
    ask what it is about; staff attach a photo or location to their 办结 or 上报 just now (or to their next
    上报, storage/patrol.py); a volunteer's goes with the task they finished just now (领单 … 完成)."""
    inbound = conversation.inbound
    if inbound.kind is Kind.OTHER:  # staff file no 诉求: their own words for it
        return Reply(staff_texts.UNSUPPORTED if conversation.is_staff else texts.UNSUPPORTED)
    attachment = Attachment(
        kind=inbound.kind.value,
        media_id=inbound.media_id or None,
        url=inbound.pic_url or None,
        latitude=inbound.latitude,
        longitude=inbound.longitude,
        label=inbound.label or None,
    )
    if conversation.is_staff:
        return _from_staff(conversation, attachment)
    kept = volunteering.material(conversation, attachment)  # a volunteer's photo just after their 完成
    if kept is not None:
        return kept
    full = material.limit_reached(conversation.session, conversation.sender.id, conversation.now)
    if full is not None:
        window, limit = full
        return Reply(texts.attachment_limit(attachment.kind, window, limit))
    attached = material.add(conversation.session, conversation.sender, attachment, conversation.now,
                            sensitive_categories(conversation))
    if attached.appeal is not None:  # one held for the address: the binding question still waits
        reminder = binding.still_to_answer(conversation, emergency=attached.appeal.emergency is not None)
        return Reply(texts.attachment_added(attachment.kind, attached.appeal.ticket) + reminder)
    if attached.older is not None:
        return Reply(texts.attachment_not_for_older(attachment.kind, attached.older.ticket))
    awaiting = appeal_awaiting_rating(conversation)
    if awaiting is not None:  # likely the repair that did not hold: 不满意 takes it to the handler
        return Reply(texts.attachment_while_rating(attachment.kind, awaiting.ticket))
    return Reply(texts.attachment_waiting(attachment.kind))


def _from_staff(conversation: Conversation, attachment: Attachment) -> Reply:
    full = patrol.limit_reached(conversation.session, conversation.staff, conversation.sender.id, conversation.now)
    if full is not None:
        window, limit = full
        return Reply(staff_texts.material_limit(attachment.kind, window, limit))
    attached = patrol.attach(conversation.session, conversation.staff, conversation.sender.id, attachment,
                             conversation.now)
    if attached.appeal is None:
        return Reply(staff_texts.material_waiting(attachment.kind))
    if attached.as_result:
        return Reply(staff_texts.result_material_attached(attachment.kind, attached.appeal.ticket))
    if attached.with_progress:
        return Reply(staff_texts.progress_material_attached(attachment.kind, attached.appeal.ticket))
    if attached.with_claim:
        return Reply(staff_texts.claim_material_attached(attachment.kind, attached.appeal.ticket))
    return Reply(staff_texts.report_material_attached(attachment.kind, attached.appeal.ticket))
