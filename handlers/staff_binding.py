"""认证 <验证码>: a staff member binds their WeChat account with the one-time code `gridbot invite` printed; an
invite bound to the person's phone asks for its last four digits first (a dialogue of one answer)."""

from __future__ import annotations

from handlers import dialogues
from handlers import staff_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.resident_texts import clock
from handlers.types import Reply
from storage import staff, volunteer_claims
from storage.attempts import TooMany
from storage.errors import NotFound
from storage.models import COMMUNITY_ROLES, Staff, StaffInvite

PHONE_DIALOG = "certify_phone"


def certify(conversation: Conversation, arguments: Arguments) -> Reply:
    """认证 <验证码>: bind the sender as the staff member the code was issued for (once, before it expires);
    too many wrong codes lock the sender out for a while, the right one included."""
    session = conversation.session
    access = conversation.access
    try:
        result = staff.certify(session, conversation.inbound.openid, arguments.words, conversation.now,
                               access.secret_key, access.certify_lockout)
    except TooMany as locked:
        return Reply(texts.CERTIFY_LOCKED.format(until=clock(locked.retry_at, conversation.now)))
    except NotFound:
        return Reply(texts.CERTIFY_REFUSED)
    except staff.StaffNotMember as refused:
        return Reply(_staff_not_member(conversation, refused))
    if isinstance(result, staff.PhoneCheck):
        dialogues.begin(conversation, PHONE_DIALOG, {"invite_id": result.invite_id})
        return Reply(texts.CERTIFY_ASK_PHONE)
    return _certified(conversation, result)


def is_phone_digits(conversation: Conversation) -> bool:
    """Four digits, while 认证 waits for them (the router checks): typed as 5678, 5 6 7 8 or said as 5678。"""
    typed = dialogues.short_answer(conversation)
    return typed is not None and len(typed) == staff.PHONE_CHECK_DIGITS and typed.isascii() and typed.isdigit()


def confirm_phone(conversation: Conversation) -> Reply:
    """The last four digits of the invite's phone: right ones bind; wrong ones may be tried again, each counting
    as a failed 认证 until the lockout."""
    dialogue = dialogues.answered(conversation, PHONE_DIALOG)
    access = conversation.access
    try:
        member = staff.confirm_phone(conversation.session, conversation.inbound.openid, dialogue.data["invite_id"],
                                     dialogues.short_answer(conversation) or "", conversation.now,
                                     access.certify_lockout)
    except staff.WrongDigits:
        return Reply(texts.CERTIFY_WRONG_DIGITS)
    except TooMany as locked:
        dialogues.end(conversation)
        return Reply(texts.CERTIFY_LOCKED.format(until=clock(locked.retry_at, conversation.now)))
    except NotFound:
        dialogues.end(conversation)
        return Reply(texts.CERTIFY_REFUSED)
    except staff.StaffNotMember as refused:  # bound as staff by another code between the code and the digits
        dialogues.end(conversation)
        return Reply(_staff_not_member(conversation, refused))
    dialogues.end(conversation)
    return _certified(conversation, member)


def _certified(conversation: Conversation, member: Staff) -> Reply:
    reply = texts.certified(member.role, _place(conversation, member), member.department)
    if member.role in COMMUNITY_ROLES:
        return Reply(reply)
    # A volunteer now bound to a work role can no longer 完成 or 放弃 (community commands): what they had taken
    # would stay theirs, closed to everyone, for good.
    released = volunteer_claims.release_all(conversation.session, member, conversation.now)
    if released:
        reply += "\n" + texts.CERTIFIED_CLAIMS_RELEASED.format(codes="、".join(released))
    return Reply(reply)


def _staff_not_member(conversation: Conversation, refused: staff.StaffNotMember) -> str:
    member = refused.member
    invite = conversation.session.get_one(StaffInvite, refused.invite_id)
    return texts.certify_staff_not_member(member.role, _place(conversation, member), member.department, invite.role)


def _place(conversation: Conversation, member: Staff) -> str | None:
    session = conversation.session
    place = staff.place_label(session, member.grid_id, member.community_id, member.building_id, member.unit_id)
    if place is None and (member.department is None or member.street_id is not None):
        place = staff.street_name(session, member.street_id)  # a street operator, or a street's department
    return place
