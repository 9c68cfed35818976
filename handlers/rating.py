"""The resident's answer to the rating question after 办结: 1 满意 / 2 基本满意 / 3 不满意, or the same in words
(the table is in nlp/rating_words.py)."""

from __future__ import annotations

import unicodedata

from sqlalchemy.orm import Session

from handlers import complaining, dialogues
from handlers import resident_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import Kind, Reply
from nlp.rating_words import Score, about_the_same_problem, defers, rating_of, star_score
from storage import appeals, material, rating
from storage.errors import DomainError, NotFound
from storage.models import OPEN_STATUSES, Appeal, AppealStatus, StaffRole
from storage.tasks import RATING_DIALOG, RATING_WINDOW

DIALOG = RATING_DIALOG  # opened by storage when a task is resolved (tasks.resolve)
# The rating scale of nlp.rating_words (1/2/3, said in any words) as storage records it.
RATINGS = {Score.SATISFIED: rating.Rating.SATISFIED, Score.BASIC: rating.Rating.BASIC,
           Score.UNSATISFIED: rating.Rating.UNSATISFIED}
# Said as a bare number or label, there are no words to pass on to the handler.
OFF_THE_SCALE = frozenset({"0", "4", "5", "6", "7", "8", "9", "10", "100", "四", "五", "十"})
BARE_ANSWERS = frozenset({"1", "2", "3", "一", "二", "三", "满意", "非常满意", "基本满意", "一般", "不满意", "很不满意"})


def is_answer(conversation: Conversation) -> bool:
    """A 1/2/3, or words or emoji that rate (很满意, 还行, 👍, 电梯还是坏的), while the rating question is open (the
    router checks); anything else is a new message. A complaint about staff (我要投诉网格员张伟，态度很差) is one
    too, though its words rate: as a rating it would reach the appeal's handler, maybe the very person it names."""
    inbound = conversation.inbound
    if inbound.kind not in (Kind.TEXT, Kind.VOICE):
        return False
    given = rating_of(inbound.text)
    if given is None or (given.complaint and not _about_the_rated_appeal(conversation, inbound.text)):
        return False
    return complaining.complaint_in(conversation, conversation.sender.grid_id, inbound.text) is None


def is_off_the_scale(conversation: Conversation) -> bool:
    """A bare number the 1/2/3 scale lacks (5, 4, 10: a score out of five or ten, maybe) while the rating question
    is open: asked again rather than guessed, or read as a problem too short to file."""
    inbound = conversation.inbound
    if inbound.kind not in (Kind.TEXT, Kind.VOICE):
        return False
    said = unicodedata.normalize("NFKC", inbound.text).strip().rstrip("。.!！分")
    return said in OFF_THE_SCALE


def is_deferral(conversation: Conversation) -> bool:
    """我看看再说, 等我下楼看看 while the rating question is open: she goes to look first (the router checks)."""
    inbound = conversation.inbound
    return inbound.kind in (Kind.TEXT, Kind.VOICE) and defers(inbound.text)


def deferred(conversation: Conversation) -> Reply:
    """The rating question kept open for when she has looked; nothing filed."""
    ticket = dialogues.answered(conversation, DIALOG).data.get("ticket", "")
    return Reply(texts.RATING_DEFERRED.format(ticket=ticket))


def ask_again(conversation: Conversation) -> Reply:
    """The rating question again, with the appeal it is about."""
    ticket = dialogues.answered(conversation, DIALOG).data.get("ticket", "")
    return Reply(texts.RATING_OFF_THE_SCALE.format(ticket=ticket))


def answer(conversation: Conversation) -> Reply:
    """Record the rating and thank the resident (or tell them the task is reopened, their words passed on)."""
    state = dialogues.answered(conversation, DIALOG).data
    return _rate(conversation, state["appeal_id"], state.get("ticket", ""))


def rate_by_ticket(conversation: Conversation, arguments: Arguments) -> Reply:
    """评价 G… 1 (or 评价 G… 满意): the rating of one's own appeal named by its ticket, as the 1/2/3 answer would
    give it while it waits for one; otherwise where it stands. Never filed as a new appeal with a card to staff."""
    session, ticket = conversation.session, arguments.ticket or ""
    try:
        appeal = appeals.own_appeal(session, conversation.sender, ticket)
    except NotFound:
        return Reply(texts.NOT_FOUND.format(ticket=ticket))
    words = (arguments.words or "").strip()
    given = rating_of(words) if words else None
    if given is None:
        return Reply(texts.RATING_OFF_THE_SCALE.format(ticket=appeal.ticket))
    if appeal.status == AppealStatus.RESOLVED and rating.still_open(appeal, conversation.now):
        return _rate(conversation, appeal.id, appeal.ticket, words)
    if appeal.status == AppealStatus.RESOLVED:
        return Reply(texts.RATING_CLOSED.format(ticket=appeal.ticket, days=RATING_WINDOW.days))
    if appeal.rating == rating.Rating.UNSATISFIED and appeal.status in OPEN_STATUSES:
        return Reply(texts.RATING_GIVEN_REOPENED.format(ticket=appeal.ticket))
    if appeal.rating is not None:
        return Reply(texts.RATING_GIVEN.format(ticket=appeal.ticket, rating=texts.RATING_NAMES[appeal.rating]))
    return Reply(texts.RATING_NOT_YET.format(ticket=appeal.ticket))


def rate_unnamed(conversation: Conversation) -> Reply:
    """评价 said alone: the rating question of the resident's latest appeal waiting for one (asked again, so that a
    bare 1/2/3 next answers it), or that none waits."""
    waiting = rating.ask_next(conversation.session, conversation.resident, conversation.now)
    if waiting is None:
        return Reply(texts.NOTHING_TO_RATE)
    return Reply(texts.RATING_OFF_THE_SCALE.format(ticket=waiting.ticket))


def _rate(conversation: Conversation, appeal_id: int, ticket: str, said: str | None = None) -> Reply:
    """Rate by what was said: `said`, else the whole message."""
    text = (said if said is not None else conversation.inbound.text).strip()
    given = rating_of(text)
    resident = conversation.resident
    assert given is not None, "a rating answer"
    score = RATINGS[given.score]
    words = None if _bare(text) else text
    try:
        appeal = rating.rate(conversation.session, resident, appeal_id, score, conversation.now, words,
                             sensitive=conversation.understanding.taxonomy.sensitive)
    except DomainError:
        return Reply(texts.RATING_TOO_LATE.format(ticket=ticket))
    if score is rating.Rating.UNSATISFIED:
        session = conversation.session
        material.adopt_for_reopened(session, resident.id, appeal, conversation.now,
                                    conversation.understanding.taxonomy.sensitive)
        answered_text = texts.rating_reopened(appeal.ticket, _follower(session, appeal), words is not None)
    else:
        answered_text = texts.RATING_THANKS.format(ticket=appeal.ticket)
    waiting = rating.ask_next(conversation.session, resident, conversation.now)
    if waiting is None:
        return Reply(answered_text)
    return Reply(f"{answered_text}\n{texts.RATING_NEXT.format(ticket=waiting.ticket)}")


def is_unasked_answer(conversation: Conversation) -> bool:
    """A bare 1/2/3 or 满意/不满意 with no rating question open (the router asks only then) from a resident whose
    latest 办结 is unrated: its question never opened (they were in another dialogue) or it closed. Without this
    it read as a problem too short to file."""
    inbound = conversation.inbound
    if inbound.kind not in (Kind.TEXT, Kind.VOICE) or not _bare(inbound.text) or conversation.is_staff:
        return False
    return rating.latest_unrated(conversation.session, conversation.sender.id) is not None


def answer_unasked(conversation: Conversation) -> Reply:
    """Rate the latest 办结 while its three days last; after them, say the rating closed (it counts as unrated)
    and how to go on if the problem is still there."""
    unrated = rating.latest_unrated(conversation.session, conversation.sender.id)
    assert unrated is not None, "is_unasked_answer() matched"
    if rating.still_open(unrated, conversation.now):
        return _rate(conversation, unrated.id, unrated.ticket)
    return Reply(texts.RATING_CLOSED.format(ticket=unrated.ticket, days=RATING_WINDOW.days))


def is_rated_again(conversation: Conversation) -> bool:
    """A bare rating with no rating question open from a resident who rated within RATING_WINDOW: sent twice, or
    another mind (1 after 3, 3 after 1). A rating is not changed, and without this a 1 or 3 read as a problem too
    short to file."""
    inbound = conversation.inbound
    if inbound.kind not in (Kind.TEXT, Kind.VOICE) or not _bare(inbound.text) or conversation.is_staff:
        return False
    return rating.latest_rated(conversation.session, conversation.sender.id, conversation.now) is not None


def answer_rated_again(conversation: Conversation) -> Reply:
    """The rating stands: a reopened appeal is asked again once resolved; a closed one's rating is named, with
    thanks for the same one again or, for another, how to report the problem again."""
    rated = rating.latest_rated(conversation.session, conversation.sender.id, conversation.now)
    given = rating_of(conversation.inbound.text)
    assert rated is not None and rated.rating is not None and given is not None, "is_rated_again() matched"
    if rated.rating == rating.Rating.UNSATISFIED:
        return Reply(texts.RATING_GIVEN_REOPENED.format(ticket=rated.ticket))
    name = texts.RATING_NAMES[rated.rating]
    if rated.rating == RATINGS[given.score]:
        return Reply(texts.RATING_GIVEN_AGAIN.format(ticket=rated.ticket, rating=name))
    return Reply(texts.RATING_GIVEN.format(ticket=rated.ticket, rating=name))


def _follower(session: Session, appeal: Appeal) -> str | None:
    """Who follows the reopened appeal up, as the resident is told: leader, community, street or None."""
    followers = rating.follow_up_by(session, appeal)
    if not followers:
        return None
    if followers[0].role == StaffRole.GRID_LEADER:
        return "leader"
    return "community" if followers[0].community_id is not None else "street"


def _about_the_rated_appeal(conversation: Conversation, text: str) -> bool:
    dialogue = dialogues.named(conversation, DIALOG)
    rated = conversation.session.get(Appeal, dialogue.data["appeal_id"]) if dialogue is not None else None
    return rated is not None and about_the_same_problem(text, rated.content)


def _bare(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip().rstrip("。.!！") in BARE_ANSWERS or star_score(text) is not None
