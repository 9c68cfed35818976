"""The ordered table of handlers: the first whose check matches handles the message."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from handlers import (
    binding,
    commands,
    dialogues,
    emergency,
    enrolment,
    events,
    filing,
    intake,
    joins,
    media,
    notice_chat,
    one_reply,
    rating,
    resident_texts,
    several,
    staff,
    staff_binding,
    volunteering,
)
from handlers.conversation import Conversation
from handlers.types import REPLY_BYTES, Reply

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Handler:
    """A named pair: does this message belong to me, and what do I answer.

    A handler that answers a dialogue names it: it is asked only while the sender is in that dialogue. If the
    dialogue `ends_on_other_message`, a message another handler takes closes it first.
    """

    name: str
    check: Callable[[Conversation], bool]
    handle: Callable[[Conversation], Reply]
    dialogue: str | None = None
    ends_on_other_message: bool = False


def _emergency_in_refused_command(conversation: Conversation) -> bool:
    return commands.is_refused(conversation) and emergency.matches(conversation)


# Order matters: events never enter a dialogue; command words (绑定, 取消, 帮助) work even inside one;
# an emergency is answered in any state, before any dialogue reads it as an answer;
# a dialogue takes the numbered answers; media and free text come last.
HANDLERS: tuple[Handler, ...] = (
    Handler("event", events.matches, events.handle),
    # A notice's draft waits for 确认 发送; anything else drops it (the draft was never stored), 取消 saying so.
    Handler("notice cancelled", notice_chat.is_cancel, notice_chat.cancel, dialogue=notice_chat.DIALOG),
    Handler("notice yes in other words", notice_chat.is_near_confirmation, notice_chat.ask_again,
            dialogue=notice_chat.DIALOG),
    Handler("notice confirmation", notice_chat.is_confirmation, notice_chat.confirm, dialogue=notice_chat.DIALOG,
            ends_on_other_message=True),
    Handler("notice confirmation without a draft", notice_chat.is_stray_confirmation, notice_chat.no_draft),
    # 更多 in a long binding menu is its next page, not the staff command of the same word.
    Handler("binding next page", binding.is_next_page, binding.answer, dialogue=binding.DIALOG),
    # Before the command table, which would recite 已转达's format, and before free text, which would file it.
    Handler("relayed without a number", notice_chat.is_relayed_without_a_number, notice_chat.relayed_the_latest),
    # A resident's 通知 3号楼 着火了 is an emergency, not a staff command to refuse.
    Handler("emergency in words of a refused command", _emergency_in_refused_command, emergency.handle),
    # 我也遇到 G… (加入 G…) naming the offered appeal: the offer's answer, before the command of those words ends it.
    Handler("join offer by its number", joins.is_acceptance, joins.accept, dialogue=joins.DIALOG),
    # 我不做了, 放弃 without a number: a volunteer giving back their task, before 放弃 asks for the number it lacks.
    Handler("volunteer giving back in words", volunteering.is_quitting, volunteering.quitting),
    # 我做完了, 完成了 without a number: the 完成 of their task to send, before 完成 asks for its format.
    Handler("volunteer done in words", volunteering.is_done_in_words, volunteering.done_in_words),
    Handler("command", commands.matches, commands.handle),
    Handler("emergency", emergency.matches, emergency.handle),
    # 领 W…, W… 完成了: a volunteer's 微心愿 in their own words, before a binding or the intake files it as an appeal.
    Handler("volunteer task in words", volunteering.task_in_words, volunteering.task_words_hint),
    # 认证 of a phone-bound invite waits for four digits; any other message ends the wait (认证 again restarts it).
    Handler("certify phone", staff_binding.is_phone_digits, staff_binding.confirm_phone,
            dialogue=staff_binding.PHONE_DIALOG, ends_on_other_message=True),
    # A problem typed instead of an address is held for the address, not read as a wrong answer.
    Handler("problem while binding", binding.is_problem, filing.hold_problem, dialogue=binding.DIALOG),
    Handler("binding dialogue", binding.is_answer, binding.answer, dialogue=binding.DIALOG),
    # 党员报到 / 志愿者报名 asks a name, then an organisation; 取消 (a command) leaves it with nothing stored.
    Handler("enrolment dialogue", enrolment.is_answer, enrolment.answer, dialogue=enrolment.DIALOG),
    Handler("rating", rating.is_answer, rating.answer, dialogue=rating.DIALOG),
    Handler("rating off the scale", rating.is_off_the_scale, rating.ask_again, dialogue=rating.DIALOG),
    Handler("rating put off", rating.is_deferral, rating.deferred, dialogue=rating.DIALOG),
    # The offer lasts exactly one message: a later "1" must not join by surprise.
    Handler("join offer", joins.is_acceptance, joins.accept, dialogue=joins.DIALOG, ends_on_other_message=True),
    Handler("join declined", joins.is_decline, joins.decline, dialogue=joins.DIALOG, ends_on_other_message=True),
    Handler("several apart", several.is_acceptance, several.accept, dialogue=several.DIALOG,
            ends_on_other_message=True),
    Handler("several kept whole", several.is_decline, several.decline, dialogue=several.DIALOG,
            ends_on_other_message=True),
    Handler("media", media.matches, media.handle),
    Handler("notice without a scope", notice_chat.is_unscoped_notice, notice_chat.notice_usage),
    Handler("unsubscribing in words", notice_chat.is_opting_out_in_words, notice_chat.opt_out_in_words),
    Handler("staff chat", staff.is_staff_chat, staff.staff_chat_hint),
    # A number answering the address menu after it lapsed, while an appeal waits for the address: asked again.
    Handler("binding lapsed", binding.is_lapsed_answer, binding.ask_again),
    # A 1/2/3 with no rating question open (another dialogue held it, or it closed): rated, or told it closed.
    Handler("rating unasked", rating.is_unasked_answer, rating.answer_unasked),
    # A 1 sent twice, or a 3 just after rating 1: the rating given stands (and what to do instead).
    Handler("rated again", rating.is_rated_again, rating.answer_rated_again),
    Handler("appeal intake", intake.matches, intake.handle),
)
_ENDING_ON_OTHER_MESSAGE = frozenset(handler.dialogue for handler in HANDLERS if handler.ends_on_other_message)


def dispatch(conversation: Conversation) -> Reply:
    """Answer one inbound message."""
    # Read once: checks do not change the sender's dialogue, and the table has a dozen dialogue handlers.
    dialogue = dialogues.current(conversation)
    open_name = dialogue.name if dialogue is not None else None
    for handler in HANDLERS:
        # Whether its dialogue is open is the cheap question: a dialogue's check may classify the text.
        if (handler.dialogue is None or handler.dialogue == open_name) and handler.check(conversation):
            _end_passed_dialogue(conversation, handler, open_name)
            return _fitted(handler, handler.handle(conversation))
    return Reply.silent()


def _fitted(handler: Handler, reply: Reply) -> Reply:
    """WeChat shows nothing at all of a passive reply over REPLY_BYTES. The replies known to grow fit themselves
    (pages, the latest steps, the first of a list); any other that grew past it loses its last lines instead of
    all of them, and the log names the handler so that it can be made to fit."""
    if reply.text is None or len(reply.text.encode()) <= REPLY_BYTES:
        return reply
    log.warning("reply of handler %r is %d bytes, over WeChat's %d: its last lines are cut", handler.name,
                len(reply.text.encode()), REPLY_BYTES)
    return Reply(one_reply.cut_to_fit(reply.text, resident_texts.REPLY_CUT))


def _end_passed_dialogue(conversation: Conversation, taker: Handler, open_name: str | None) -> None:
    if open_name is None or open_name == taker.dialogue or open_name not in _ENDING_ON_OTHER_MESSAGE:
        return
    if taker.check is commands.matches and commands.asks_for_help(conversation):
        return  # 帮助 read before answering an offer (分开, 1 加入): the offer still waits for that answer
    dialogues.end(conversation)
    conversation.session.flush()  # the sender snapshot is re-read with driver SQL, which does not autoflush
