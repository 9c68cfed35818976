"""Resident commands: 我的诉求, 查询, 撤销, 我的地址. A resident only ever sees their own appeals."""

from __future__ import annotations

from handlers import resident_texts as texts
from handlers import staff
from handlers.conversation import Conversation
from handlers.types import Reply
from storage import appeals, org
from storage.errors import IllegalTransition, NotFound


def my_appeals(conversation: Conversation, _argument: str) -> Reply:
    """我的诉求: the latest five with their status."""
    latest = appeals.latest_of(conversation.session, conversation.sender)
    if not latest:
        return Reply(texts.NO_APPEALS)
    return Reply(texts.appeal_list([(a.ticket, a.category, a.status, a.created_at) for a in latest]))


def show(conversation: Conversation, ticket: str) -> Reply:
    """查询 <编号>: one appeal with its timeline (staff see any appeal, with internal notes)."""
    if conversation.staff is not None:
        return staff.show(conversation, ticket)
    try:
        appeal = appeals.own_appeal(conversation.session, conversation.sender, ticket)
    except NotFound:
        return Reply(texts.NOT_FOUND.format(ticket=ticket))
    events = [(e.at, e.action, e.note) for e in appeals.timeline(conversation.session, appeal)]
    return Reply(texts.appeal_detail(appeal.ticket, appeal.category, appeal.status, appeal.content, events))


def cancel(conversation: Conversation, ticket: str) -> Reply:
    """撤销 <编号>: withdraw an open appeal."""
    try:
        appeal = appeals.cancel(conversation.session, conversation.sender, ticket, conversation.now)
    except NotFound:
        return Reply(texts.NOT_FOUND.format(ticket=ticket))
    except IllegalTransition as refused:
        status = texts.STATUS_NAMES.get(refused.status, refused.status)
        return Reply(texts.CANNOT_CANCEL.format(ticket=ticket, status=status))
    return Reply(texts.CANCELLED.format(ticket=appeal.ticket))


def my_address(conversation: Conversation, _argument: str) -> Reply:
    """我的地址: the bound address."""
    resident = conversation.sender
    if resident.grid_id is None:
        return Reply(texts.NO_ADDRESS)
    place = org.address(conversation.session, resident.grid_id, resident.building_id, resident.unit_id)
    return Reply(texts.MY_ADDRESS.format(street=place.street, grid_label=place.grid_label, home=place.home_label))
