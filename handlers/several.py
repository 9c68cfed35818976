"""Several problems in one message ("1.路灯坏了 2.垃圾桶满了 3.楼上漏水"): the appeal is filed whole at once, and
the reply names the problems it found and offers to file them separately ("分开"); 不用了 keeps it whole.

Filing first means nothing is lost if the resident never answers. The offer is a dialogue lasting one message
(like the join offer, which it takes the place of), and is made only when no other dialogue is open.
"""

from __future__ import annotations

import re

from handlers import dialogues
from handlers import resident_texts as texts
from handlers.conversation import Conversation
from handlers.types import Reply
from nlp.several import Part, problems_in
from storage import appeals, parts
from storage.errors import NotFound

DIALOG = "several_problems"
ACCEPTANCES = frozenset({"分开", "分开登记", "分开办", "分开办理", "分别登记", "拆开", "1", "好的", "好", "可以", "要",
                         "行", "同意"})
DECLINES = frozenset({"不用了", "不用", "不要", "不要了", "算了", "不分开", "不需要", "一起办", "一起办理"})
# The same in a few more words: 分开处理, 分别办理吧, 各自登记 / 一起处理就行, 放在一起办, 不用分开.
_APART = re.compile(r"(分开|分别|拆开|各自|单独)(来|登记|办|办理|处理|报|派)?(就行|就好|就可以)?")
_TOGETHER = re.compile(r"(放在?|合在)?(一起|一块)(来|办|办理|处理|登记)?(就行|就好|就可以|也行)?|不(用|要|需要)?(再)?分开(了)?")


def offer(conversation: Conversation, filed: appeals.Filed, text: str, category: str) -> str | None:
    """The offer to append to a new appeal's reply when `text` holds several problems; remembers it. `category`
    is the one the appeal was filed under."""
    if dialogues.current(conversation) is not None:
        return None
    # A private matter among them (邻里纠纷) is better apart: on its own it gets the withheld card it deserves.
    found = problems_in(text, conversation.understanding.classifier.classify)
    if not found:
        return None
    ordered = _original_first(found, category)
    dialogues.begin(conversation, DIALOG, {"appeal_id": filed.id, "ticket": filed.ticket,
                                           "parts": [part.text for part in ordered],
                                           "problems": [part.problem for part in ordered]})
    # A letter's opening ("尊敬的领导您好！我是3号楼的住户，反映以下问题：") would fill the first line: each line
    # names the problem.
    return texts.several_problems_offer([(part.problem, part.category, part.subcategory) for part in found])


def _original_first(found: tuple[Part, ...], category: str) -> list[Part]:
    """The parts, the one the original ticket keeps first: the problem of the category it was filed under (its
    card, clock and handlers are that category's; "1.路灯坏了 2.垃圾桶满了" may read as 环境卫生 whole), else the
    first problem."""
    kept = next((part for part in found if part.category == category), found[0])
    return [kept, *(part for part in found if part is not kept)]


def is_acceptance(conversation: Conversation) -> bool:
    """分开 (or 好的, 1), while the offer is open (the router checks)."""
    said = dialogues.short_answer(conversation)
    return said in ACCEPTANCES or (bool(said) and _APART.fullmatch(said or "") is not None)


def is_decline(conversation: Conversation) -> bool:
    """不用了 (or 一起办), while the offer is open (the router checks)."""
    said = dialogues.short_answer(conversation)
    return said in DECLINES or (bool(said) and _TOGETHER.fullmatch(said or "") is not None)


def decline(conversation: Conversation) -> Reply:
    """Keep the appeal whole: it was filed already."""
    ticket = dialogues.answered(conversation, DIALOG).data.get("ticket", "")
    dialogues.end(conversation)
    return Reply(texts.SEVERAL_KEPT_WHOLE.format(ticket=ticket))


def accept(conversation: Conversation) -> Reply:
    """File the other problems as appeals of their own; the one of the original's category stays with it.

    As many as the sender's hourly limit still allows: the rest stay in the original, and the reply says so.
    """
    state = dialogues.answered(conversation, DIALOG).data
    dialogues.end(conversation)
    session, sender, now = conversation.session, conversation.sender, conversation.now
    words: list[str] = list(state.get("parts", ()))
    shown: list[str] = list(state.get("problems") or words)  # offers made before problems were kept show the words
    ticket = state.get("ticket", "")
    room = conversation.understanding.limits.appeals_per_hour - appeals.recent_filings(session, sender.id, now).last_hour
    others = words[1:][:max(room, 0)]
    if not others:
        return Reply(texts.SEVERAL_OVER_LIMIT.format(ticket=ticket))
    classify, kind = conversation.understanding.classifier.classify, conversation.inbound.kind
    intakes = [conversation.understanding.intake(text, classify(text), kind, {}) for text in others]
    try:
        filed = parts.file_parts(session, sender, state["appeal_id"], words[0], intakes, now,
                                 conversation.understanding.taxonomy.sensitive)
    except NotFound:
        return Reply(texts.SEVERAL_GONE.format(ticket=ticket))
    named = zip(filed, intakes, shown[1:len(others) + 1], strict=True)
    return Reply(texts.several_filed(ticket, shown[0], [(f.ticket, i.category, i.subcategory, problem)
                                                        for f, i, problem in named],
                                     kept_back=len(words) - 1 - len(others)))
