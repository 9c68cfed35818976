"""聚焦办 in the chat: 聚焦 lists the open focus cases a staff member oversees, 结案 closes one."""

from __future__ import annotations

from handlers import one_reply
from handlers import staff_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import Reply
from storage import focus_cases, queries
from storage.errors import IllegalTransition, NotAllowed, NotFound


def list_cases(conversation: Conversation, _arguments: Arguments) -> Reply:
    """聚焦: the open cases of the member's grid (an operator: of their community)."""
    member = conversation.staff
    found = queries.focus_cases_visible_to(conversation.session, member)
    if not found:
        return Reply(texts.FOCUS_NONE)
    lines = [line(summary) for summary in found]
    closes = any(focus_cases.may_close(conversation.session, member, summary.case) for summary in found)
    header = texts.FOCUS_HEADER if closes else texts.FOCUS_HEADER_READ_ONLY
    return Reply(one_reply.first_that_fit(lines, lambda shown: f"{header}\n{shown}", texts.FOCUS_MORE))


def line(summary: queries.CaseSummary) -> str:
    """One focus case in a list (the chat's 聚焦 and `gridbot focus list`)."""
    case = summary.case
    return texts.FOCUS_LINE.format(
        code=case.code, place=case.scope_label, subject=texts.focus_subject(case.key_kind, case.key),
        count=len(summary.tickets), owner=texts.focus_owner(summary.owner_name),
        tickets=texts.focus_tickets(summary.tickets),
    )


def close_case(conversation: Conversation, arguments: Arguments) -> Reply:
    """结案 <案号> <说明>: the case number comes checked and normalised by the command table."""
    member = conversation.staff
    code = arguments.case_code
    try:
        focus_cases.close(conversation.session, member, code, arguments.words, conversation.now)
    except NotFound:
        return Reply(texts.FOCUS_NOT_FOUND.format(code=code))
    except NotAllowed:
        return Reply(texts.FOCUS_NOT_YOURS.format(code=code))
    except IllegalTransition:
        return Reply(texts.FOCUS_ALREADY_CLOSED.format(code=code))
    return Reply(texts.FOCUS_CLOSED.format(code=code))
