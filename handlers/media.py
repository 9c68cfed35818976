"""Images and locations complete an appeal; other message kinds are politely declined."""

from __future__ import annotations

from handlers import resident_texts as texts
from handlers import staff_texts
from handlers.conversation import Conversation
from handlers.types import Kind, Reply
from storage import material, tasks
from storage.models import Attachment


def matches(conversation: Conversation) -> bool:
    """Images, locations and kinds we can't use."""
    return conversation.inbound.kind in (Kind.IMAGE, Kind.LOCATION, Kind.OTHER)


def handle(conversation: Conversation) -> Reply:
    """Attach to the appeal the resident is talking about (its holder is told), or keep it for the next one and
    ask what it is about; staff attach a photo or location to the result of their 办结 just now."""
    inbound = conversation.inbound
    if inbound.kind is Kind.OTHER:
        return Reply(texts.UNSUPPORTED)
    attachment = Attachment(
        kind=inbound.kind.value,
        media_id=inbound.media_id or None,
        url=inbound.pic_url or None,
        latitude=inbound.latitude,
        longitude=inbound.longitude,
        label=inbound.label or None,
    )
    if conversation.is_staff:
        resolved = tasks.attach_result_photo(conversation.session, conversation.staff, attachment, conversation.now)
        if resolved is None:
            return Reply(staff_texts.result_material_waiting(attachment.kind))
        return Reply(staff_texts.result_material_attached(attachment.kind, resolved.ticket))
    attached = material.add(conversation.session, conversation.sender, attachment, conversation.now)
    if attached.appeal is not None:
        return Reply(texts.attachment_added(attachment.kind, attached.appeal.ticket))
    if attached.older is not None:
        return Reply(texts.attachment_not_for_older(attachment.kind, attached.older.ticket))
    return Reply(texts.attachment_waiting(attachment.kind))
