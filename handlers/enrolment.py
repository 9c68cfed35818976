"""党员报到 / 志愿者报名 in the chat, and the operator's 报到待确认, 确认报到 and 不予确认 (storage/enrolments.py).

The dialogue (enrolment.mmd beside this module): 党员报到 (or 志愿者报名) checks the resident may ask — a bound
home, not staff or a member already, nothing waiting — then asks their name, then their Party organisation (a
volunteer: their team or employer, 无 for none), and stores the request for the community's operators. 取消
leaves it at any question with nothing stored; a wrong answer is asked again.
"""

from __future__ import annotations

from typing import Callable

from handlers import community_texts as texts
from handlers import dialogues, staff_texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import Kind, Reply
from nlp import UNCLASSIFIED
from nlp.names import reads_as_a_name
from storage import enrolments
from storage.errors import DomainError, NotAllowed, NotFound
from storage.limits import LIMITS, TextField
from storage.models import COMMUNITY_ROLES, StaffRole

DIALOG = "enrolment"


def party_member(conversation: Conversation, _arguments: Arguments) -> Reply:
    """党员报到: start the dialogue for a party member."""
    return _start(conversation, StaffRole.PARTY_MEMBER)


def volunteer(conversation: Conversation, _arguments: Arguments) -> Reply:
    """志愿者报名: start the dialogue for a volunteer."""
    return _start(conversation, StaffRole.VOLUNTEER)


def withdraw(conversation: Conversation, _arguments: Arguments) -> Reply:
    """撤回报名: take back the request still waiting for the community."""
    withdrawn = enrolments.withdraw(conversation.session, conversation.sender.id, conversation.now)
    if withdrawn is None:
        return Reply(texts.ENROL_NOTHING_TO_WITHDRAW)
    return Reply(texts.ENROL_WITHDRAWN.format(what=texts.enrol_word(withdrawn.role), number=withdrawn.id))


def is_answer(conversation: Conversation) -> bool:
    """A text or voice message while the dialogue is open (the router checks): it answers the question."""
    return conversation.inbound.kind in (Kind.TEXT, Kind.VOICE)


def answer(conversation: Conversation) -> Reply:
    """The name, then the organisation; with both, the request is stored and the dialogue ends."""
    state = dialogues.answered(conversation, DIALOG).data
    role, typed = state["role"], conversation.inbound.text
    what = texts.enrol_word(role)
    if "applicant" not in state:
        try:
            name = enrolments.clean_name(typed)
        except enrolments.InvalidAnswer as invalid:
            return Reply(texts.ENROL_BAD_NAME.format(limit=invalid.limit))
        except enrolments.NotAName:
            return Reply(texts.ENROL_NOT_A_NAME.format(what=what))
        problem_words = _problem_words(conversation, name)
        if problem_words and not reads_as_a_name(name, problem_words):
            return Reply(texts.ENROL_NOT_A_NAME.format(what=what))
        dialogues.begin(conversation, DIALOG, {"role": role, "applicant": name})
        ask = texts.ENROL_ASK_ORGANISATION[role].format(limit=LIMITS[TextField.ORGANISATION])
        # 王路灯 holds a problem's words: said back, so that a problem taken for a name is seen before it is stored.
        return Reply(texts.ENROL_NAME_NOTED.format(name=name, ask=ask) if problem_words else ask)
    try:
        organisation = enrolments.clean_organisation(typed)
    except enrolments.InvalidAnswer as invalid:
        return Reply(texts.ENROL_BAD_ORGANISATION.format(limit=invalid.limit))
    dialogues.end(conversation)
    resident = conversation.resident
    try:
        enrolment = enrolments.request(conversation.session, resident, StaffRole(role), state["applicant"],
                                       organisation, conversation.now)
    except DomainError as refused:
        return Reply(_refusal(refused, what))
    home = enrolments.home_label(conversation.session, enrolment.building_id, enrolment.unit_id)
    return Reply(texts.ENROL_SENT.format(what=what, name=enrolment.name, home=home, number=enrolment.id,
                                         organisation=organisation or texts.ENROL_NO_ORGANISATION))


def _problem_words(conversation: Conversation, name: str) -> tuple[str, ...]:
    """The words of a problem the classifier finds in a name-shaped answer (电梯坏了, but also 王路灯), if any."""
    result = conversation.understanding.classifier.classify(name)
    return result.keywords if result.category != UNCLASSIFIED else ()


def pending(conversation: Conversation, _arguments: Arguments) -> Reply:
    """报到待确认: the requests the operator may confirm, oldest first."""
    if conversation.staff.role != StaffRole.OPERATOR:
        return Reply(staff_texts.ENROLMENT_REFUSALS["operator"])
    waiting = enrolments.pending(conversation.session, conversation.staff)
    if not waiting:
        return Reply(staff_texts.ENROLMENTS_NONE)
    lines = [staff_texts.enrolment_line(row) for row in waiting[:staff_texts.ENROLMENTS_SHOWN]]
    more = len(waiting) - len(lines)
    tail = [staff_texts.ENROLMENTS_MORE.format(n=more)] if more > 0 else []
    return Reply("\n".join([staff_texts.ENROLMENTS_HEADER.format(n=len(waiting)), *lines, *tail]))


def confirm(conversation: Conversation, arguments: Arguments) -> Reply:
    """确认报到 姓名或编号: make the applicant a member of the community (an operator of it, or the street's)."""
    decided = _decide(conversation, arguments, enrolments.confirm, "确认报到")
    if isinstance(decided, Reply):
        return decided
    row = decided.enrolment
    reply = staff_texts.ENROLMENT_ALREADY if decided.already else staff_texts.ENROLMENT_CONFIRMED
    return Reply(reply.format(name=row.name, role=texts.role_name(row.role), number=row.id))


def decline(conversation: Conversation, arguments: Arguments) -> Reply:
    """不予确认 姓名或编号: turn the request down, as `gridbot members decline` does; the applicant is told politely."""
    decided = _decide(conversation, arguments, enrolments.decline, "不予确认")
    if isinstance(decided, Reply):
        return decided
    row = decided.enrolment
    reply = staff_texts.ENROLMENT_ALREADY_DECLINED if decided.already else staff_texts.ENROLMENT_DECLINED
    return Reply(reply.format(name=row.name, what=texts.enrol_word(row.role), number=row.id))


def _decide(conversation: Conversation, arguments: Arguments, decision: Callable[..., enrolments.Decided],
            verb: str) -> enrolments.Decided | Reply:
    """The enrolment named, decided by the operator; the refusal to say when it cannot be."""
    session, operator = conversation.session, conversation.staff
    try:
        enrolment = enrolments.find(session, arguments.words, operator)
        return decision(session, enrolment, conversation.now, by=operator)
    except NotFound:
        return Reply(staff_texts.ENROLMENT_NOT_FOUND.format(typed=arguments.words.strip()))
    except enrolments.Ambiguous as ambiguous:
        return Reply(staff_texts.ENROLMENT_AMBIGUOUS.format(name=ambiguous.name, verb=verb,
                                                            ids="、".join(map(str, ambiguous.ids))))
    except enrolments.AlreadyMember as member:
        return Reply(staff_texts.ENROLMENT_NOW_STAFF.format(role=staff_texts.role_title(member.role)))
    except NotAllowed as refused:
        return Reply(staff_texts.ENROLMENT_REFUSALS.get(refused.reason, staff_texts.ENROLMENT_REFUSALS["scope"]))


def _start(conversation: Conversation, role: StaffRole) -> Reply:
    what = texts.enrol_word(role)
    try:
        enrolments.check_can_enrol(conversation.session, conversation.resident)
    except DomainError as refused:
        return Reply(_refusal(refused, what))
    dialogues.begin(conversation, DIALOG, {"role": str(role)})
    return Reply(texts.ENROL_ASK_NAME.format(what=what, limit=LIMITS[TextField.NAME]))


def _refusal(refused: Exception, what: str) -> str:
    """Why the resident cannot ask (now): no home, a member or staff already, a request waiting."""
    if isinstance(refused, enrolments.NoHome):
        return texts.ENROL_NO_HOME.format(what=what)
    if isinstance(refused, enrolments.AlreadyMember):
        if refused.role in COMMUNITY_ROLES:
            return texts.ENROL_ALREADY_MEMBER.format(role=texts.role_name(refused.role), what=what)
        return texts.ENROL_ALREADY_STAFF.format(role=staff_texts.role_title(refused.role), what=what)
    if isinstance(refused, enrolments.AlreadyPending):
        return texts.ENROL_PENDING
    raise refused
