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
from nlp.complaints import CATEGORY, may_accuse, recognise
from storage import complaints


def file_if_complaint(conversation: Conversation, text: str) -> Reply | None:
    """File `text` as a complaint about staff when it is one (the reply says who handles it); else None."""
    if not may_accuse(text):
        return None  # every message comes through here: no staff query for one that accuses nobody
    session, grid_id = conversation.session, conversation.sender.grid_id
    staff = complaints.named_staff(session, grid_id)
    complaint = recognise(text, [person.name for person in staff if person.name])
    if complaint is None:
        return None
    result = Classification(category=CATEGORY, confidence=1.0)
    reply, appeal_id = filing.file_text(conversation, text, conversation.inbound.kind, result)
    if appeal_id is None:
        return reply
    if complaints.accused(session, appeal_id) is None:
        about = complaints.complained_about(session, grid_id, complaint.names, complaint.about_a_leader)
        complaints.mark(session, appeal_id, about, conversation.now)
    return Reply(f"{reply.text}\n{texts.COMPLAINT_HANDLED_BY}")
