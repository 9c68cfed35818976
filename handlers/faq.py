"""政策咨询: a resident's question the FAQ knows gets its answer at once; 转人工 files it as an appeal."""

from __future__ import annotations

from dataclasses import dataclass, replace

from handlers import dialogues, filing
from handlers import resident_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import Kind, Reply
from nlp import Classification
from nlp.cleaning import to_simplified
from nlp.faq import FaqMatch
from nlp.taxonomy import QUESTION_CATEGORY
from storage import faq as faq_store

DIALOG = "faq"
# Words that make a message a question even when the classifier filed it elsewhere ("高龄补贴怎么申请" is 养老服务).
QUESTION_MARKERS = ("?", "？", "怎么", "怎样", "如何", "哪里", "哪儿", "在哪", "能不能", "可不可以", "能否", "是否",
                    "吗", "什么", "多少", "几点", "请问", "咨询")


@dataclass(frozen=True)
class Answer:
    """The entry that answers a question, and how closely it matched."""

    entry: faq_store.Entry
    match: FaqMatch
    differs_by_street: bool = False  # a district-wide answer given to a resident bound nowhere; a street differs


def looks_like_question(text: str, result: Classification) -> bool:
    """A 政策咨询 message, or one asked as a question; complaints and reports are filed, not answered."""
    simplified = to_simplified(text)  # 怎麼 asks like 怎么
    return result.category == QUESTION_CATEGORY or any(marker in simplified for marker in QUESTION_MARKERS)


def find_answer(conversation: Conversation, text: str) -> Answer | None:
    """The FAQ entry that confidently answers text, if any: the sender's street's entries first, then the
    district-wide ones (storage/faq.py)."""
    understanding = conversation.understanding
    street_id = faq_store.street_of_grid(conversation.session, conversation.sender.grid_id)
    for _ in range(2):
        tiers, entries = understanding.faq.lookup(conversation.session, conversation.now,
                                                  understanding.classifier.tokenize, street_id)
        found = tiers.own.match(text) if tiers.own is not None else None
        if found is None:
            found = tiers.district.match(text)
            if found is None:
                return None
            if found.entry_id in tiers.replaced:  # the street answers this question its own way
                found = replace(found, entry_id=tiers.replaced[found.entry_id])
        # The index may be up to REFRESH_INTERVAL old; one primary-key read keeps a disabled entry from being
        # answered in that time. Rebuilt without it, another entry may answer the question in its place.
        if faq_store.is_active(conversation.session, found.entry_id):
            return Answer(entries[found.entry_id], found, street_id is None and found.entry_id in tiers.differing)
        understanding.faq.forget()
    return None


def answer_question(conversation: Conversation, text: str, result: Classification) -> Reply | None:
    """The FAQ's answer to a resident's question (kept for 转人工 and logged), or None to file it as usual."""
    if not looks_like_question(text, result):
        return None
    dialogue = dialogues.current(conversation)
    if dialogue is not None and dialogue.name != DIALOG:
        return None  # binding or rating is open: a new dialogue would end it, so the message is filed instead
    found = find_answer(conversation, text)
    if found is None:
        return None
    resident = conversation.resident
    answer_id = faq_store.log_answer(conversation.session, resident.id, found.entry.id, text, found.match.score,
                               conversation.now)
    dialogues.begin(conversation, DIALOG, {"question": text, "kind": str(conversation.inbound.kind),
                                           "answer_id": answer_id})
    wording = texts.FAQ_ANSWER_DIFFERS_BY_STREET if found.differs_by_street else texts.FAQ_ANSWER
    return Reply(wording.format(answer=found.entry.answer))


# Said back to an answer that did not help, by someone who does not know the word 转人工 (the answer's last line
# says "没解决请回复 转人工", and "没解决" is what she replies).
NOT_SOLVED = frozenset({"没解决", "没有解决", "还是没解决", "没解决问题", "不明白", "没明白", "没听懂", "看不懂", "不懂",
                        "还是不懂", "还是不明白"})


def is_not_solved(conversation: Conversation) -> bool:
    """"没解决" (or 看不懂) right after an answer from the FAQ: 转人工 for that question."""
    return dialogues.named(conversation, DIALOG) is not None and dialogues.short_answer(conversation) in NOT_SOLVED


def forget_answered_question(conversation: Conversation) -> None:
    """The resident went on to something else: 转人工 no longer means the question answered before, and the new
    appeal's offers (我也遇到, 分开), which never replace an open dialogue, may be made."""
    if dialogues.named(conversation, DIALOG) is None:
        return
    dialogues.end(conversation)
    conversation.session.flush()  # the sender snapshot is re-read with driver SQL, which does not autoflush


def to_human(conversation: Conversation, _arguments: Arguments) -> Reply:
    """转人工: file the question the FAQ answered as an appeal, exactly as free text would be."""
    dialogue = dialogues.named(conversation, DIALOG)
    if dialogue is None:
        return Reply(texts.FAQ_NOTHING_PENDING)
    state = dialogue.data
    resident = conversation.resident
    dialogues.end(conversation)  # before filing: an unbound resident's binding starts
    question = state["question"]
    result = conversation.understanding.classifier.classify(question)
    reply, appeal_id = filing.file_text(conversation, question, Kind(state["kind"]), result)
    if appeal_id is not None:  # None: the sender's intake limit refused it
        faq_store.link_escalation(conversation.session, state["answer_id"], resident.id, appeal_id)
    return reply
