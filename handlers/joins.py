"""我也遇到: a new appeal that matches a neighbour's open one is offered as a join; "1" (or 加入, 好的, 是同一个问题)
accepts,
不用了 declines.

The new appeal is filed and dispatched first, so nothing is lost if the resident never answers. The offer is
a dialogue (like binding and rating) and is made only when no other dialogue is open: a pending rating's
"1 满意" must never be read as a join. Any other message ends the offer (its row in router.HANDLERS says so).
"""

from __future__ import annotations

import re

from handlers import dialogues
from handlers import resident_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import Reply
from nlp import UNCLASSIFIED
from nlp.similarity import SIMILAR_ENOUGH, text_similarity
from nlp.taxonomy import QUESTION_CATEGORY
from storage import appeals, joins, org, verification
from storage.errors import DomainError

DIALOG = "join_offer"
ACCEPTANCES = frozenset({"1", "一", "加入", "1加入", "加入已有诉求", "1加入已有诉求", "我也遇到", "好的", "好", "可以",
                         "行", "同意", "要", "加入吧"})
# "Yes, it is the same one" in words (是的, 对, 是同一个问题, 是的，就是一样的): the offer asked whether it is.
_SAME = re.compile(r"(是|是的|对|对的|对对|没错)?[,，、]?((就|就是|是|应该是)?(同一个|同一件|一样的|一个)(问题|事|事情)?)?(吧|啊|呀|哈)?")
# "No, another one" (不是, 不是同一个问题, 不一样): kept on its own, as 不用了 keeps it.
_NOT_SAME = re.compile(r"(不是|不对)[,，、]?((不是)?(同一个|同一件|一样的|一个|一回事)(问题|事|事情)?)?(吧|啊|呀)?|不一样(的)?(吧|啊|呀)?")
# Said to the offer, these keep the new appeal on its own (any other message also ends the offer, silently).
DECLINES = frozenset({"不用了", "不用", "不要", "不要了", "算了", "不加入", "不需要", "单独办理"})
# Lets a slightly looser wording match a neighbour of the same unit: the same stairwell's lift or door is very
# likely the same fault.
SAME_UNIT_BONUS = 0.05


def offer(conversation: Conversation, filed: appeals.Filed, category: str, text: str,
          place: appeals.Sender) -> str | None:
    """The offer to append to a new appeal's reply, or None; remembers it as the resident's dialogue. `place` is
    where it was filed: the sender's home, or the building their words named (storage.said_places), whose
    neighbours' reports are the ones of the same problem."""
    if category == UNCLASSIFIED or category in sensitive_categories(conversation):
        return None  # family conflicts and neighbour disputes are never offered, merged or shown to others
    if category == QUESTION_CATEGORY:
        return None  # the answer is the handler's note, which only the asker hears: a follower would never get it
    if dialogues.current(conversation) is not None:
        return None
    # Of the neighbours' appeals about the same problem, the first: fifty neighbours reporting one lift in a minute
    # then join one appeal, not a handful (one they joined is merged, and no longer among the candidates). Oldest
    # first, the comparing stops there: in a burst, at the first candidate.
    candidates = joins.neighbours(conversation.session, place, category, conversation.now)
    best = next((n for n in candidates if _score(n, text, place.unit_id) >= SIMILAR_ENOUGH), None)
    if best is None:
        return None
    if not verification.may_join(conversation.session, place.id):
        return None  # anyone can pick a unit's numbers: where the community asks, only a verified address
    dialogues.begin(conversation, DIALOG, {"appeal_id": filed.id, "ticket": filed.ticket, "target_id": best.id,
                                           "target": best.ticket})
    # The building, never the unit: "same unit" would point at the door of the neighbour who asked.
    building = org.address(conversation.session, place.grid_id, place.building_id, None).home_label  # type: ignore[arg-type]
    return texts.join_offer(best.ticket, category, building, best.status, best.department)


def is_acceptance(conversation: Conversation) -> bool:
    """"1" or 加入, while a join offer is open (the router checks); also 加入 (or 我也遇到) with the offered number."""
    said = dialogues.short_answer(conversation)
    if said is None or said in ACCEPTANCES:
        return said is not None
    if said and _SAME.fullmatch(said):
        return True
    offered = dialogues.answered(conversation, DIALOG).data.get("target")
    return any(said == f"{word}{offered}" for word in ACCEPTANCES) if offered else False


def is_decline(conversation: Conversation) -> bool:
    """不用了 (or 算了, 不加入, 不是同一个问题), while a join offer is open (the router checks)."""
    said = dialogues.short_answer(conversation)
    return said in DECLINES or (said is not None and _NOT_SAME.fullmatch(said) is not None)


def decline(conversation: Conversation) -> Reply:
    """Keep the new appeal on its own: it was filed and dispatched already."""
    state = dialogues.answered(conversation, DIALOG).data
    dialogues.end(conversation)
    return Reply(texts.JOIN_DECLINED.format(ticket=state.get("ticket", "")))


def accept(conversation: Conversation) -> Reply:
    """Merge the resident's new appeal into the neighbour's; they follow it from now on."""
    state = dialogues.answered(conversation, DIALOG).data
    dialogues.end(conversation)
    resident = conversation.resident
    ticket, target = state.get("ticket", ""), state.get("target", "")
    try:
        joined = joins.join(conversation.session, resident.id, state["appeal_id"], state["target_id"],
                            sensitive_categories(conversation), conversation.now)
    except DomainError:
        return Reply(texts.JOIN_UNAVAILABLE.format(ticket=ticket, target=target))
    return Reply(texts.JOINED.format(ticket=ticket, target=joined.ticket))  # merged meanwhile: the one handled


def by_ticket(conversation: Conversation, arguments: Arguments) -> Reply:
    """加入 G… / 我也遇到 G… with no offer of that appeal open (`is_acceptance` takes the offered one): a
    neighbour's appeal is joined only through the offer its own description brings, since a typed number would
    let anyone follow anyone's; and a number alone is no problem to file."""
    return Reply(texts.JOIN_BY_TICKET)


def sensitive_categories(conversation: Conversation) -> frozenset[str]:
    """Family conflicts, neighbour disputes, …: the taxonomy's private categories, never offered or merged."""
    return conversation.understanding.taxonomy.sensitive


def _score(neighbour: joins.Neighbour, text: str, unit_id: int | None) -> float:
    bonus = SAME_UNIT_BONUS if unit_id is not None and neighbour.unit_id == unit_id else 0.0
    return text_similarity(text, neighbour.content) + bonus
