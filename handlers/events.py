"""Subscribe, unsubscribe, QR-code scans and menu clicks."""

from __future__ import annotations

import logging

from handlers import binding, commands, staff_texts
from handlers import resident_texts as texts
from handlers.conversation import Conversation
from handlers.types import Kind, Reply
from storage import appeals, notice_records, org, residents

log = logging.getLogger(__name__)


def matches(conversation: Conversation) -> bool:
    """Every event."""
    return conversation.inbound.kind is Kind.EVENT


def handle(conversation: Conversation) -> Reply:
    """Welcome, farewell, one-step binding by QR code, or a menu click run as its command."""
    inbound = conversation.inbound
    if inbound.event in JOB_FINISHED:
        return _job_finished(conversation)
    if inbound.event == "subscribe":
        return _subscribed(conversation)
    if inbound.event == "unsubscribe":
        residents.mark_unsubscribed(conversation.resident, conversation.now)
        return Reply.silent()
    if inbound.event == "scan" and inbound.event_key:
        return Reply(binding.bind_by_scene(conversation, inbound.event_key))
    if inbound.event == "click" and inbound.event_key:
        return commands.run_text(conversation, inbound.event_key) or _unknown_menu_key(inbound.event_key)
    return Reply.silent()  # view, location reports, template receipts: nothing to say


def _unknown_menu_key(key: str) -> Reply:
    """A menu item whose key is no command (a menu set up by hand with keys like V1001_MY): the resident who
    tapped it gets a hint instead of nothing, and the log says which key to change."""
    log.warning("menu click with key %r, which is no command: set the menu item's key to a command, e.g. 我的诉求",
                key[:64])
    return Reply(texts.MENU_KEY_UNKNOWN)


JOB_FINISHED = frozenset({"masssendjobfinish", "templatesendjobfinish"})


def _job_finished(conversation: Conversation) -> Reply:
    """WeChat's report on a mass send or a template message (sent by WeChat itself, not a person): its counts go
    on the notice. A repeat sets the same values again; a report on something else (a console send, an appeal's
    template) changes nothing."""
    fields, inbound = conversation.inbound.raw, conversation.inbound
    msg_id, status = str(fields.get("MsgID") or ""), str(fields.get("Status") or "")
    if not msg_id:
        return Reply.silent()
    if inbound.event == "masssendjobfinish":
        counts = [int(fields.get(name) or 0) for name in ("TotalCount", "FilterCount", "SentCount", "ErrorCount")]
        notice_records.record_mass_event(conversation.session, msg_id, status, *counts)
    else:
        notice_records.record_template_event(conversation.session, msg_id, status)
    return Reply.silent()


def _subscribed(conversation: Conversation) -> Reply:
    resident = conversation.resident
    residents.mark_subscribed(resident, conversation.now)
    scene = conversation.inbound.event_key
    if scene:
        return Reply(texts.WELCOME + "\n" + binding.bind_by_scene(conversation, scene))
    if conversation.is_staff:  # a grid member back after unfollowing: no "first time, bind your address"
        return Reply(staff_texts.subscribed_again(conversation.staff.name, conversation.staff.role))
    if resident.grid_id is None:
        held = appeals.held_tickets(conversation.session, resident.id)
        hint = texts.HELD_ON_RETURN.format(tickets="、".join(held)) if held else texts.BIND_FIRST_HINT
        return Reply(texts.WELCOME + "\n" + hint)
    home = org.address(conversation.session, resident.grid_id, resident.building_id, resident.unit_id)
    return Reply(texts.WELCOME + "\n" + texts.WELCOME_BACK_HOME.format(grid_label=home.grid_label,
                                                                        home=home.home_label))
