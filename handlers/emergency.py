"""Emergencies first: a message naming a danger to life is answered with the number to call and what to do,
in any state of the conversation (unbound, mid-binding, being asked to rate, offered a join).

Its row in router.HANDLERS comes right after the commands (取消 and 帮助 still work) and before every dialogue.
A resident's message is filed as 紧急 (storage.emergencies says who hears of it and how soon); an open binding
dialogue stays open, so the address can still be given, and a resident with no address is asked for it after
the advice. Whatever else the resident writes in the next hours goes to the same appeal's responders
(handlers.filing: "我们被困在5楼" is what they need on the way), never into an appeal of its own. Staff get the
advice only: what they find on patrol they 上报.
"""

from __future__ import annotations

from handlers import binding, complaining, dialogues, filing
from handlers import resident_texts as texts
from handlers.conversation import Conversation
from handlers.types import Inbound, Kind, Reply
from nlp import Emergency, Taxonomy, emergency_asked_about, recognise_emergency
from storage.models import AppealStatus


def matches(conversation: Conversation) -> bool:
    """A text or voice message that names an emergency of the taxonomy happening now, or asks its number."""
    return _emergency(conversation) is not None or _asked(conversation) is not None


def handle(conversation: Conversation) -> Reply:
    """The number and the advice first; then the 紧急 appeal's ticket, and the address question if there is none."""
    emergency = _emergency(conversation)
    if emergency is None:  # "着火了应该打什么电话": the number is the answer; nobody is sent running
        asked = _asked(conversation)
        assert asked is not None  # matches() said so
        answer = texts.EMERGENCY_ASKED.format(label=asked.label, call=asked.call, advice=asked.advice)
        return Reply(f"{answer}\n{texts.EMERGENCY_STAFF if conversation.is_staff else texts.EMERGENCY_ASKED_TELL_US}")
    advice = texts.EMERGENCY_ADVICE.format(call=emergency.call, advice=emergency.advice)
    if conversation.is_staff:
        return Reply(f"{advice}\n{texts.EMERGENCY_STAFF}")
    text = conversation.inbound.text.strip()
    ongoing = filing.ongoing_emergency(conversation, emergency)
    if ongoing is not None:
        return Reply(f"{advice}\n{filing.more_of_emergency(conversation, ongoing, text)}{binding.still_to_answer(conversation)}")
    filed = filing.file_emergency(conversation, text, emergency)
    grid_id = conversation.sender.grid_id
    complaint = complaining.complaint_in(conversation, grid_id, text) if grid_id is not None else None
    if complaint is not None:  # "网格员李娜动手打我": the accused never gets its card, nor reads or claims it
        complaining.mark(conversation, grid_id, filed.id, complaint)
    if filed.status is not AppealStatus.AWAITING_ADDRESS:  # placed: at home, or where the words say it is
        into = filing.join_same_danger(conversation, filed, text) if complaint is None else None
        told = filing.told_of_emergency(conversation, filed.id)
        who = texts.who_was_told(told) if told else ""
        if into is not None:  # three households, one fire: one emergency, its cards sent once
            joined = texts.EMERGENCY_JOINED if told else texts.EMERGENCY_JOINED_NOBODY
            return Reply(f"{advice}\n" + joined.format(ticket=filed.ticket, into=into, who=who))
        filed_reply = texts.EMERGENCY_FILED.format(ticket=filed.ticket, minutes=emergency.response_minutes, who=who) \
            if told else texts.EMERGENCY_FILED_NOBODY.format(ticket=filed.ticket)
        return Reply(f"{advice}\n{filed_reply}{filing.place_named(conversation, filed)}"
                     f"{binding.still_to_answer(conversation)}")
    told = filing.told_of_unplaced_emergency(conversation)
    held = texts.EMERGENCY_HELD.format(ticket=filed.ticket, who=texts.who_was_told(told)) if told \
        else texts.EMERGENCY_HELD_NOBODY.format(ticket=filed.ticket)
    if dialogues.named(conversation, binding.DIALOG) is not None:
        return Reply(f"{advice}\n{held}{binding.still_to_answer(conversation)}")
    return Reply(f"{advice}\n{held}\n" + texts.EMERGENCY_ASK_ADDRESS.format(question=binding.start(conversation)))


def unfiled(taxonomy: Taxonomy, inbound: Inbound) -> Reply:
    """The reply to a message that could not be handled (the database busy or failing): please resend. A danger is
    told its number and advice first all the same: they need no database, and the sender cannot wait for one."""
    emergency = _recognised(taxonomy, inbound)
    if emergency is None:
        asked = emergency_asked_about(taxonomy, inbound.text) if inbound.kind in (Kind.TEXT, Kind.VOICE) else None
        if asked is not None:  # the answer needs no database either
            answer = texts.EMERGENCY_ASKED.format(label=asked.label, call=asked.call, advice=asked.advice)
            return Reply(f"{answer}\n{texts.EMERGENCY_ASKED_TELL_US}")
        return Reply(texts.SYSTEM_BUSY)
    advice = texts.EMERGENCY_ADVICE.format(call=emergency.call, advice=emergency.advice)
    return Reply(f"{advice}\n{texts.EMERGENCY_NOT_FILED}")


def _emergency(conversation: Conversation) -> Emergency | None:
    return _recognised(conversation.understanding.taxonomy, conversation.inbound)


def _asked(conversation: Conversation) -> Emergency | None:
    if conversation.inbound.kind not in (Kind.TEXT, Kind.VOICE):
        return None
    return emergency_asked_about(conversation.understanding.taxonomy, conversation.inbound.text)


def _recognised(taxonomy: Taxonomy, inbound: Inbound) -> Emergency | None:
    if inbound.kind not in (Kind.TEXT, Kind.VOICE):
        return None
    return recognise_emergency(taxonomy, inbound.text)

