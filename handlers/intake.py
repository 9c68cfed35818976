"""Free text and recognised voice that is not a command: answered from the FAQ, or filed as an appeal."""

from __future__ import annotations

import re
from dataclasses import replace

from handlers import binding, chasing, commands, community_texts, complaining, contacts, faq, filing, resident
from handlers import resident_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation, Understanding
from handlers.types import Inbound, Kind, Reply
from nlp import UNCLASSIFIED, Classification
from nlp.chatter import (
    Chatter,
    asks_where_property,
    chatter_of,
    is_cry_for_help,
    is_fragment,
    is_too_short,
    names_only_a_place,
    place_only,
)
from nlp.complaints import without_details as complaint_without_details
from nlp.follow_ups import (
    asks_for_ticket,
    calls_off,
    is_chase_up,
    regrets_withdrawal,
    says_another_matter,
    says_when_home,
    ticket_asked_after,
)
from storage import chasing as chasing_store
from storage.limits import TextField, excess
from storage.tickets import normalize_ticket

# Shorter than this and not understood: ask for details rather than file "嗯嗯" as an appeal.
MIN_UNCLASSIFIED_LENGTH = 5
# During the sender's emergency a fragment is where they are (502, 门口), 在吗 that they still wait and 没事了 that
# the danger passed, 帮帮我 that they still need them: its responders hear them. Thanks and 好的 are answered as ever.
SAID_TO_RESPONDERS = (Chatter.FRAGMENT, Chatter.GREETING, Chatter.NO_THANKS, Chatter.HELP_ME)


# 回复“我的诉求”, 回复1, 回复：分开 — our replies say 回复“…” and some type the 回复 too, as read: what follows it
# is what they mean, when it is a command or an answer as short as the ones asked for (1, 分开, 不用了, 加入).
_ECHOED = re.compile(r"^\s*回复\s*[：:，,]?\s*[“\"'「『]?(?P<said>[^“”\"'「」『』]+?)[”\"'」』]?\s*[。.!！]*\s*$")
MAX_ECHOED_ANSWER = 4


def as_meant(inbound: Inbound) -> Inbound:
    """The message without the 回复 typed before what a reply asked for (回复1 is 1, 回复“我的诉求” 我的诉求);
    any other message as it came ("回复一下我的问题好吗" is a message of its own)."""
    if inbound.kind not in (Kind.TEXT, Kind.VOICE):
        return inbound
    echoed = _ECHOED.match(inbound.text)
    if echoed is None:
        return inbound
    said = echoed.group("said").strip()
    if len(said) > MAX_ECHOED_ANSWER and commands.parse(said) is None:
        return inbound
    return replace(inbound, text=said)


def prepare(understanding: Understanding, inbound: Inbound) -> Classification | None:
    """Classify a message that may become an appeal, before any database work (pure, ~0.1 ms)."""
    if inbound.kind not in (Kind.TEXT, Kind.VOICE) or commands.parse(inbound.text) is not None:
        return None
    text = inbound.text.strip()
    if not text or chatter_of(text) is not None or excess(TextField.APPEAL, text):
        return None  # an over-long text is refused unread: classifying it would only cost time
    return understanding.classifier.classify(text)


def matches(conversation: Conversation) -> bool:
    """Text and voice messages."""
    return conversation.inbound.kind in (Kind.TEXT, Kind.VOICE)


def handle(conversation: Conversation) -> Reply:
    """Answer a question the FAQ knows; file anything else as an appeal, answered with its ticket."""
    inbound = conversation.inbound
    text = inbound.text.strip()
    if inbound.kind is Kind.VOICE and not _has_words(text):  # no recognition, or just "。": nothing heard
        return Reply(filing.voice_unheard_in_emergency(conversation) or texts.VOICE_UNCLEAR)
    if not text:
        return Reply(texts.TOO_SHORT)
    too_long = excess(TextField.APPEAL, text)
    if too_long is not None:  # refused whole before the FAQ or filing: nothing of it is stored
        return Reply(texts.APPEAL_TOO_LONG.format(limit=too_long.limit, length=too_long.length))
    if is_cry_for_help(text):  # 救命！: maybe in danger, though what and where are not said
        return filing.told_in_emergency(conversation, text) or Reply(texts.CRY_FOR_HELP)
    if complaint_without_details(text):  # 我要投诉网格员: who and what are asked for, an empty complaint filed never
        return Reply(texts.COMPLAINT_DETAILS_WANTED)
    if faq.is_not_solved(conversation):  # "没解决", "看不懂" to the answer just given: the question goes to a person
        return faq.to_human(conversation, Arguments())
    # `prepare` classified the message only if it was no chatter: asked once, not twice.
    chatter = chatter_of(text) if conversation.classification is None else None
    if chatter is not None:  # small talk, a how-to question or a fragment: never an appeal
        told = filing.told_in_emergency(conversation, text) if chatter in SAID_TO_RESPONDERS else None
        chased = chasing.chase_property(conversation, text) if told is None and chatter is Chatter.PROPERTY \
            and asks_where_property(text) else None
        if chased is not None:  # 物业呢 with their 物业 appeal open: where it stands, and its handler chased
            return chased
        if told is None and chatter is Chatter.HOW_TO_CLAIM and conversation.volunteer is not None:
            return Reply(community_texts.HOW_TO_CLAIM)  # a confirmed volunteer asks how: 可领任务, 领单
        return told or _chatter_reply(conversation, chatter, text)
    faq.forget_answered_question(conversation)  # answered again below if it is another question the FAQ knows
    # Before the FAQ ("投诉…" is no question) and before chasing: a chase passes the words to the handler, who may
    # be the person the complaint names.
    complained = complaining.file_if_complaint(conversation, text)
    if complained is not None:
        return complained
    if is_chase_up(text) or calls_off(text):  # 怎么还没人来, 不用来了火灭了: an emergency's responders must hear it
        told = filing.told_in_emergency(conversation, text)
        if told is not None:
            return told
    chased = chasing.chase_up(conversation, text)  # asking after an open appeal files nothing new
    if chased is not None:
        return chased
    if asks_for_ticket(text):  # "我的编号是多少": their numbers, never a new one
        return resident.my_appeals(conversation, Arguments())
    if says_when_home(text) and chasing_store.open_appeals(conversation.session, conversation.sender.id):
        return resident.add_words(conversation, Arguments(words=text))  # 下午家里有人: for the handler, as 补充
    if calls_off(text):  # "那个事不用了我自己弄好了": how to withdraw, never a card for the grid
        return resident.calling_off(conversation)
    regretted = resident.cannot_restore(conversation) if regrets_withdrawal(text) else None
    if regretted is not None:  # "撤销错了": how to report it again, never a card saying so
        return regretted
    asked = ticket_asked_after(text)  # "请帮我查一下G2612060048的进度" is 查询, said in a sentence
    if asked is not None:
        return resident.show(conversation, Arguments(ticket=normalize_ticket(asked) or asked))
    home = contacts.home_said(conversation, text)  # "我住三号楼二单元五零一" from a bound resident: her 门牌
    if home is not None:
        return home
    understanding = conversation.understanding
    result = conversation.classification or understanding.classifier.classify(text)
    if binding.names_only_an_address(conversation, text, result):  # "我住阳光花园三号楼二单元", before binding
        return Reply(binding.start_from_address(conversation, text))
    if names_only_a_place(text):  # "2号楼1单元" answering 请再具体描述: where, not what (filed, a task of no problem)
        return (filing.told_in_emergency(conversation, text) or filing.continued_if_recent(conversation, text)
                or Reply(texts.PLACE_ONLY.format(place=place_only(text))))
    # Staff never get here (their free text gets a hint), so only residents are answered from the FAQ.
    answered = faq.answer_question(conversation, text, result)
    if answered is not None:
        return answered
    if result.category == UNCLASSIFIED and len(text) < MIN_UNCLASSIFIED_LENGTH:
        return filing.told_in_emergency(conversation, text) or Reply(texts.TOO_SHORT)
    # Of no category of its own, it may be the rest of what they reported minutes ago (filing._continues).
    may_continue = result.category == UNCLASSIFIED and not says_another_matter(text)  # "还有，…" is news
    return filing.file_text(conversation, text, inbound.kind, result, may_continue=may_continue)[0]


def _chatter_reply(conversation: Conversation, chatter: Chatter, text: str) -> Reply:
    """The answer to small talk or a fragment. One or two characters naming a thing of a kind the taxonomy knows
    dangers of ("火！", "煤气", "电梯": fire, gas, someone shut in) may be all a frightened person types: the numbers
    to call come first. Half a sentence ("坏了", "报修") names no thing: only asked about."""
    if chatter is Chatter.FRAGMENT and is_too_short(text) and not is_fragment(text):
        understanding = conversation.understanding
        category = understanding.classifier.classify(text).category
        if any(emergency.category == category for emergency in understanding.taxonomy.emergencies):
            return Reply(texts.SHORT_MAYBE_IN_DANGER)
    return Reply(texts.CHATTER_REPLIES[chatter])


def _has_words(text: str) -> bool:
    return any(character.isalnum() for character in text)
