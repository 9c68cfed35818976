"""A resident's complaint about a staff member: filed under 投诉工作人员 for their leader and the operators.

Recognised (nlp.complaints) before the FAQ and the classifier, from the complaint words and the names of the
staff of the sender's grid and community. Whom it is about is recorded with the appeal (storage.complaints):
they never get its card, nor read or act on it.
"""

from __future__ import annotations

from handlers import filing
from handlers import resident_texts as texts
from handlers.conversation import Conversation
from handlers.types import Reply
from nlp import Classification
from nlp.complaints import CATEGORY, StaffComplaint, may_accuse, recognise, without_details
from storage import complaints

AS_COMPLAINT = Classification(category=CATEGORY, confidence=1.0)


def file_if_complaint(conversation: Conversation, text: str) -> Reply | None:
    """File `text` as a complaint about staff when it is one (the reply says who handles it); else None."""
    grid_id = conversation.sender.grid_id
    complaint = complaint_in(conversation, grid_id, text)
    if complaint is None:
        return None
    if without_details(text, complaint.names):  # 投诉网格员张伟: what happened is asked for, nothing filed yet
        return Reply(texts.COMPLAINT_DETAILS_WANTED)
    reply, appeal_id = filing.file_text(conversation, text, conversation.inbound.kind, AS_COMPLAINT)
    if appeal_id is None:
        return reply
    mark(conversation, grid_id, appeal_id, complaint)
    return Reply(f"{reply.text}\n{texts.COMPLAINT_HANDLED_BY.format(who=handlers_named(conversation, appeal_id))}")


def handlers_named(conversation: Conversation, appeal_id: int) -> str:
    """Who handles the filed complaint, as its sender reads it: not 网格长 when it is about the 网格长."""
    return texts.COMPLAINT_HANDLERS[complaints.handled_at(conversation.session, appeal_id)]


def complaint_in(conversation: Conversation, grid_id: int | None, text: str) -> StaffComplaint | None:
    """The complaint `text` makes about the staff of that grid (or its community), if it makes one."""
    if not may_accuse(text):
        return None  # every message comes through here: no staff query for one that accuses nobody
    staff = complaints.named_staff(conversation.session, grid_id)
    return recognise(text, [person.name for person in staff if person.name])


def mark(conversation: Conversation, grid_id: int | None, appeal_id: int, complaint: StaffComplaint) -> None:
    """Record whom the filed appeal complains about (once): they never get its card, nor read or act on it."""
    session = conversation.session
    if complaints.accused(session, appeal_id) is None:
        about = complaints.complained_about(session, grid_id, complaint.names, complaint.about_a_leader)
        complaints.mark(session, appeal_id, about, conversation.now)
