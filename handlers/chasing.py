"""催办: a resident asks after an open appeal (电梯还没修好！！, or the command 催办 编号); they get its status and
its handler gets a 催办 (storage/chasing.py), never a new ticket with a fresh clock.

With nothing open, a chase-up that says what is wrong (电梯还没修好) is a problem to file; one that only asks
(上次说的事怎么样了) is told where their latest appeal ended, and is never filed. A question about a matter that
none of the open ones is about (电梯那个怎么样了, 上次反映的路灯修好了吗) is looked for among their appeals resolved
within storage.chasing.FINISHED_ASKED_AFTER: it is told when that one was resolved and with what result, and how to
say it is still not fixed (不满意 while its rating is asked reopens it; otherwise describing it files it anew);
the question itself is never filed. Asked whether it was fixed (电梯修好了吗) when none of those is about it, she is
told that no appeal of hers is about it and how to report it: the question is not the problem, and filing it would
send a card that says only 电梯修好了吗."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from typing import Sequence

from handlers import dialogues
from handlers import resident_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import Reply
from nlp.chatter import as_said
from nlp.cleaning import spoken_ticket_digits
from nlp.follow_ups import asks, asks_if_done, chased_words, is_chase_up, names_a_problem
from nlp.similarity import features, is_repeat, text_similarity
from storage import appeals, chasing, joins, tasks
from storage.errors import NotFound
from storage.models import OPEN_STATUSES, Appeal, AppealStatus
from storage.tasks import RATING_DIALOG
from storage.tickets import normalize_ticket

_TICKET = re.compile(r"[Gg]?\d{10}")
# 物业呢 chases a 物业 appeal of the last days: an older one is likely not what a short "where are they" is about.
PROPERTY_CHASE_WINDOW = timedelta(days=7)
_PROPERTY = "物业"


def chase_up(conversation: Conversation, text: str) -> Reply | None:
    """The reply to free text that chases up one of the sender's appeals; None if it is not a chase-up, or if
    nothing is open and it names a problem (then it is read as a new message)."""
    if not is_chase_up(text):
        return None
    return ask_after(conversation, text)


def ask_after(conversation: Conversation, text: str) -> Reply | None:
    """The reply to words that ask after one of the sender's appeals (a chase-up, or a 楼长's 代报的进度): the open
    one they are about, chased; None when they name a problem that is to be filed anew."""
    own = chasing.open_appeals(conversation.session, conversation.sender.id)
    if _resends_one_of(own, text, conversation.now):
        return None  # their appeal's own words sent again (its words may ask 什么时候修？): filing says 您已反映过
    # A resident whose appeal joined a neighbour's asks after that one: never a new appeal of the same fault.
    open_appeals = [*own, *chasing.followed_open_appeals(conversation.session, conversation.sender.id)]
    if open_appeals:
        appeal = _about(open_appeals, text)
        if appeal is None and names_a_problem(text):
            # "小区东门的井盖丢了，一直没人管": a problem of its own, not her lamp's chase-up; one the classifier cannot
            # place ("楼下那个坑一直没人管") too, filed for an operator to classify rather than lost in a chase.
            return _asked_after_finished(conversation, text)
        appeal = appeal or open_appeals[0]
        return _chase(conversation, appeal, text, followed=appeal not in own)
    named = _named_tickets(text)
    if named:
        return _chase_ticket(conversation, sorted(named)[0])
    if names_a_problem(text):
        return _asked_after_finished(conversation, text)
    awaiting = appeal_awaiting_rating(conversation)
    if awaiting is not None:
        return Reply(texts.RATE_TO_REOPEN.format(ticket=awaiting.ticket))
    latest = chasing.latest_appeal(conversation.session, conversation.sender.id)
    if latest is None:
        return Reply(texts.NOTHING_TO_CHASE)
    return Reply(texts.nothing_open(latest.ticket, latest.category, texts.status_name(
        appeals.shown_status(conversation.session, latest), latest.category, latest.department)))


def _asked_after_finished(conversation: Conversation, text: str) -> Reply | None:
    """路灯修好了吗 about one of the resident's appeals resolved of late: when and how it was resolved, and how to
    say it is still not fixed; None when it says the problem is still there (filed) or is about none of them."""
    if not asks(text):
        return None
    finished = list(chasing.recently_finished(conversation.session, conversation.sender.id, conversation.now))
    appeal = _about(finished, text)
    if appeal is None or appeal.resolved_at is None:
        return _never_reported(text)
    return Reply(texts.finished_asked_after(appeal.ticket, appeal.category, appeal.resolved_at, appeal.resolution,
                                            awaits_rating(conversation, appeal)))


def _never_reported(text: str) -> Reply | None:
    """电梯修好了吗 about nothing open nor resolved of late: she is told no such appeal is on record and how to
    report it, rather than have the question filed as the problem; None when the words say it is still broken."""
    if not asks_if_done(text):
        return None
    return Reply(texts.never_reported(chased_words(text)))


def chase_property(conversation: Conversation, text: str) -> Reply | None:
    """物业呢 from a resident with a 物业 appeal (its category, subcategory or department) filed within
    PROPERTY_CHASE_WINDOW still open: chased as 怎么没人回复 chases it; None when there is none (they are then
    asked what is wrong with the service)."""
    since = conversation.now - PROPERTY_CHASE_WINDOW
    about_property = [appeal for appeal in chasing.open_appeals(conversation.session, conversation.sender.id)
                      if appeal.created_at >= since and _PROPERTY in
                      f"{appeal.category}{appeal.subcategory or ''}{appeal.department or ''}"]
    return _chase(conversation, about_property[0], text) if about_property else None


def chase_command(conversation: Conversation, arguments: Arguments) -> Reply:
    """催办 编号: chase up one of the resident's own appeals."""
    return _chase_ticket(conversation, arguments.ticket)


def _chase_ticket(conversation: Conversation, ticket: str) -> Reply:
    session = conversation.session
    try:
        appeal = appeals.own_appeal(session, conversation.sender, ticket)
    except NotFound:
        # The neighbour's appeal theirs joined: 查询 shows it to them, so 催办 chases it.
        followed = joins.followed_through(session, conversation.sender.id, ticket)
        if followed is None:
            return Reply(texts.NOT_FOUND.format(ticket=ticket))
        appeal = followed
    target = joins.merged_into(session, appeal) if appeal.status == AppealStatus.MERGED else None
    if target is not None and target.status in OPEN_STATUSES:
        return _chase(conversation, target, None, followed=True)  # their own is handled as part of it
    if awaits_rating(conversation, appeal):
        return Reply(texts.RATE_TO_REOPEN.format(ticket=appeal.ticket))
    if appeal.status not in OPEN_STATUSES:
        return Reply(texts.CHASE_NOT_OPEN.format(ticket=ticket, status=texts.status_name(
            appeals.shown_status(conversation.session, appeal), appeal.category, appeal.department)))
    return _chase(conversation, appeal, None)


def appeal_awaiting_rating(conversation: Conversation) -> Appeal | None:
    """The resolved appeal the open rating question asks about, or None: while it is open, 不满意 in the
    resident's words reopens it for its handler, which a new appeal of the same problem would not."""
    dialogue = dialogues.named(conversation, RATING_DIALOG)
    if dialogue is None:
        return None
    appeal = conversation.session.get(Appeal, dialogue.data["appeal_id"])
    return appeal if appeal is not None and appeal.status == AppealStatus.RESOLVED else None


def awaits_rating(conversation: Conversation, appeal: Appeal) -> bool:
    """Whether the open rating question asks about this appeal."""
    awaiting = appeal_awaiting_rating(conversation)
    return awaiting is not None and awaiting.id == appeal.id


def _resends_one_of(open_appeals: Sequence[Appeal], text: str, now: datetime) -> bool:
    """The words of an open appeal filed within the repeat window, sent again: a repeat (handlers.filing), not a
    chase-up, even when those words ask when it will be fixed; its handler just got the card."""
    since = now - appeals.REPEAT_WINDOW
    return any(appeal.created_at >= since and is_repeat(appeal.content, text) for appeal in open_appeals)


def _named_tickets(text: str) -> set[str]:
    """The tickets a chase-up names, written or read out to voice input (二六一二零七零零二四 is 2612070024)."""
    said = spoken_ticket_digits(unicodedata.normalize("NFKC", text))
    return {normalize_ticket(match) for match in _TICKET.findall(said)}


def _about(open_appeals: list[Appeal] | tuple[Appeal, ...], text: str) -> Appeal | None:
    """The appeal named by its number, else the one whose words the message shares most; None when it names none
    and shares no word with any (the caller takes the latest, or a problem named to be filed)."""
    named = _named_tickets(text)
    for appeal in open_appeals:
        if appeal.ticket in named:
            return appeal
    # Its asking words left out: "树那个怎么样了" shares 怎么 with "怎么发语音" and asks nothing of it.
    cleaned = chased_words(text)
    if not cleaned:
        return None
    said_in = [appeal for appeal in open_appeals if cleaned in as_said(appeal.content)]
    if len(said_in) == 1:
        return said_in[0]  # "树那个怎么样了": the one appeal its 树 is in, a lone character as it may be
    # A word in common, not a lone character: "你们什么时候来" shares 来 with "你们快来看看" and says nothing of it.
    score, best = max(((text_similarity(cleaned, a.content) if _shares_a_word(cleaned, a.content) else 0.0, -index)
                       for index, a in enumerate(open_appeals)), default=(0.0, 0))
    return open_appeals[-best] if score > 0 else None


def _shares_a_word(text: str, content: str) -> bool:
    return any(len(feature) > 1 for feature in features(text) & features(content))


def _chase(conversation: Conversation, appeal: Appeal, words: str | None, followed: bool = False) -> Reply:
    session = conversation.session
    chased = chasing.chase(session, conversation.sender.id, appeal, words, conversation.now,
                            conversation.understanding.taxonomy.sensitive)
    status = texts.status_name(appeal.status, appeal.category, appeal.department)
    reason = chasing.pause_reason(session, appeal)
    if reason:  # "为什么暂缓": what it waits for, as the 暂缓 notice said
        status = texts.PAUSED_BECAUSE.format(status=status, reason=reason)
    handler = tasks.assignee_name(session, appeal)
    # Waiting for a department's claim, or returned to the community: they were chased (storage.chasing.holders_of),
    # not the grid.
    waiting_with = appeal.department if appeal.status == AppealStatus.DISPATCHED \
        else texts.CHASED_COMMUNITY if appeal.status == AppealStatus.RETURNED else None
    for_neighbour = appeal.reporter_staff_id is not None and not followed  # a 代报: a staff reporter, a resident
    just_filed = int(chasing.JUST_FILED.total_seconds() // 60) if chased.early else None
    return Reply(texts.chase_reply(appeal.ticket, appeal.category, status, handler, chased.sent, chased.count,
                                   followed, for_neighbour, waiting_with, just_filed,
                                   dispatching=appeal.status == AppealStatus.SUBMITTED, held=appeal.grid_id is None))
