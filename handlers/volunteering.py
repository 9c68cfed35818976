"""领单 in the chat: 可领任务, 领单, 完成, 放弃 for the community's own people; 发布心愿 and 确认完成 for grid staff
and operators. Each parses nothing more than the command table did, makes one call into storage
(volunteer_tasks, volunteer_claims, wishes) and words the outcome (community_texts, staff_texts)."""

from __future__ import annotations

import re
import unicodedata

from handlers import community_texts as texts
from handlers import staff_texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import REPLY_BYTES, Kind, Reply
from storage import contacts, volunteer_claims, volunteer_tasks, wishes
from storage.errors import NotAllowed, NotFound
from storage.models import Attachment, ClaimStatus, Staff
from storage.privacy import mask_for_volunteers
from storage.tasks import RESULT_PHOTO_WINDOW
from storage.volunteer_claims import AlreadyReported, ClaimRefused, TakenByOther

_CLAIM_REFUSALS = {
    "not_volunteer_work": texts.NOT_VOLUNTEER_WORK,
    "emergency": texts.EMERGENCY_TASK,
    "closed": texts.CLOSED_TASK,
    "in_progress": texts.TOO_MANY_IN_PROGRESS,
    "per_day": texts.TOO_MANY_TODAY,
}


_WISH_IN_WORDS = re.compile(r"[Ww]\s*(\d{10})(?!\d)")  # 领 W2612020001, W2612020001 完成了, 接单 w2612020001


def task_in_words(conversation: Conversation) -> bool:
    """A member of the community's own people writing about a 微心愿 by its number in words the command table does
    not take (领 W…, W… 完成了, 不做了 W…): told the command to send, never filed as an appeal of theirs."""
    inbound = conversation.inbound
    return (inbound.kind in (Kind.TEXT, Kind.VOICE) and conversation.volunteer is not None
            and _WISH_IN_WORDS.search(unicodedata.normalize("NFKC", inbound.text)) is not None)


def task_words_hint(conversation: Conversation) -> Reply:
    """The three commands for the 微心愿 named, with its number filled in."""
    found = _WISH_IN_WORDS.search(unicodedata.normalize("NFKC", conversation.inbound.text))
    assert found is not None, "task_in_words matched it"
    return Reply(texts.TASK_IN_WORDS.format(code=f"W{found.group(1)}"))


# 我不做了, 这个任务我做不了, 不干了, 放弃 said alone: giving back a task taken, without its number.
_QUITTING = re.compile(r"(?:我|这个|这件|这|任务|的)*(?:不做了|不干了|不想做了|做不了了?|干不了了?|放弃了?|不领了)(?:吧|啦|啊|哈)*")
_QUITTING_EDGES = " \t\u3000。.，,！!？?~～…"


def is_quitting(conversation: Conversation) -> bool:
    """A volunteer saying they give up their task without its number (我不做了, 做不了了, 放弃): asked which, or to
    confirm the one they have, never filed as an appeal of theirs."""
    return _said_alone(conversation, _QUITTING) and conversation.volunteer is not None


def _said_alone(conversation: Conversation, words: re.Pattern[str]) -> bool:
    """Whether the text or voice message is `words` and nothing else, punctuation and spaces aside."""
    inbound = conversation.inbound
    return (inbound.kind in (Kind.TEXT, Kind.VOICE)
            and words.fullmatch(unicodedata.normalize("NFKC", inbound.text).strip(_QUITTING_EDGES)) is not None)


# 我做完了, 弄好了, 完成了 said alone: their task done, without its number or what they did.
_DONE = re.compile(r"(?:我|这个|这件|任务|的)*(?:已经)?(?:(?:做|干|弄|搞|办|忙)(?:完|好)了?|完成了?|已完成)(?:吧|啦|啊|哈)*")


def is_done_in_words(conversation: Conversation) -> bool:
    """A volunteer with a task in progress saying it is done without its number (我做完了, 完成了): told the 完成 to
    send, never filed as an appeal of theirs. Without one, 弄好了 is what a resident says of their own appeal."""
    member = conversation.volunteer if _said_alone(conversation, _DONE) else None
    return member is not None and bool(_in_progress(conversation, member))


def done_in_words(conversation: Conversation) -> Reply:
    """The 完成 to send for the one task in progress, with a sentence of what they did; or which of several."""
    code = _one_in_progress(conversation)
    if isinstance(code, Reply):
        return code
    return Reply(texts.DONE_NEEDS_WORDS.format(verb="完成", code=code))


def quitting(conversation: Conversation) -> Reply:
    """The 放弃 to send for the one task in progress, or which of several; nothing is given back until they do."""
    doing = _in_progress(conversation, _member(conversation))
    if not doing:
        return Reply(texts.NONE_TO_GIVE_BACK)
    if len(doing) == 1:
        task = doing[0]
        return Reply(texts.GIVE_BACK_ONE.format(code=task.code, what=task.what or texts.WISH_WHAT, place=task.place))
    return Reply(texts.GIVE_BACK_WHICH.format(count=len(doing), codes="、".join(task.code for task in doing),
                                              first=doing[0].code))


def open_tasks(conversation: Conversation, _arguments: Arguments) -> Reply:
    """可领任务: open tasks near the member (their 小区 first), then their own in progress."""
    member = _member(conversation)
    offer = volunteer_tasks.offer(conversation.session, member, conversation.understanding.taxonomy)
    mine = [texts.MINE_HEADER, *(texts.mine_line(task.code, task.what, task.place, task.status)
                                 for task in offer.mine)] if offer.mine else []
    if not offer.open:
        return Reply("\n".join([texts.TASKS_NONE, *mine]))
    offered = [texts.task_line(n, task.code, task.what, task.place, task.text)
               for n, task in enumerate(offer.open, start=1)]
    return Reply(_fitting(offered, mine))


def _fitting(offered: list[str], mine: list[str]) -> str:
    """The open tasks as many as fit one reply (WeChat shows nothing of a longer one) with how to take them and
    the member's own: fewer open ones, and a line saying how many more, rather than her own cut off."""
    shown = len(offered)
    while True:
        more = [texts.TASKS_MORE.format(n=len(offered) - shown)] if shown < len(offered) else []
        text = "\n".join([texts.TASKS_HEADER, *offered[:shown], *more, texts.TASKS_HINT, *mine])
        if len(text.encode("utf-8")) <= REPLY_BYTES or shown == 1:
            return text
        shown -= 1


def take(conversation: Conversation, arguments: Arguments) -> Reply:
    """领单 编号: take an open task; one winner when several try at once."""
    member, code = _member(conversation), arguments.ticket
    try:
        claimed = volunteer_claims.claim(conversation.session, member, code, conversation.understanding.taxonomy,
                                         conversation.now)
    except NotFound:
        return Reply(texts.NO_SUCH_TASK.format(code=code))
    except TakenByOther as taken:
        return Reply((texts.TAKEN_DONE if taken.done else texts.TAKEN).format(code=code, role=texts.role_name(taken.role),
                                                                             name=taken.name))
    except AlreadyReported as reported:
        return Reply(_reported(conversation, reported, code))
    except ClaimRefused as refused:
        return Reply(_CLAIM_REFUSALS[refused.reason].format(code=code, limit=refused.limit))
    target = claimed.target
    if not claimed.new:
        return Reply(texts.ALREADY_YOURS.format(code=target.code))
    if target.appeal is None:
        wish = target.wish
        assert wish is not None, "a task is an appeal or a wish"
        place, what, text = wishes.place_label(conversation.session, wish), texts.WISH_WHAT, wish.text
    else:
        appeal = target.appeal
        place = volunteer_tasks.appeal_place(conversation.session, appeal)
        what, text = volunteer_tasks.what(appeal), appeal.content
    responsible = _responsible(conversation, target)
    reply = texts.CLAIMED.format(code=target.code, what=what, place=place, text=mask_for_volunteers(text),
                                 responsible=responsible)
    reachable = contacts.volunteer_phone(conversation.session, member) is not None
    return Reply(reply if reachable else reply + texts.CLAIMED_NO_PHONE.format(responsible=responsible))


def done(conversation: Conversation, arguments: Arguments) -> Reply:
    """完成 编号 说明: the member's part is done; the one responsible is asked to confirm. 完成 说明 alone: their
    one task in progress (a volunteer of 65 writes what they did, not the number)."""
    code = arguments.ticket or _one_in_progress(conversation)
    if isinstance(code, Reply):
        return code
    try:
        target = volunteer_claims.finish(conversation.session, _member(conversation), code, arguments.words,
                                         conversation.now)
    except NotFound:
        return Reply(texts.NOT_YOUR_CLAIM.format(code=code))
    except AlreadyReported as reported:
        return Reply(_reported(conversation, reported, code))
    minutes = int(RESULT_PHOTO_WINDOW.total_seconds() // 60)
    return Reply(texts.DONE.format(code=target.code, minutes=minutes, responsible=_responsible(conversation, target)))


def give_back(conversation: Conversation, arguments: Arguments) -> Reply:
    """放弃 编号: the member gives a task back; it is open to others again."""
    try:
        target = volunteer_claims.release(conversation.session, _member(conversation), arguments.ticket,
                                          conversation.now)
    except NotFound:
        return Reply(texts.NOT_YOUR_CLAIM.format(code=arguments.ticket))
    except AlreadyReported as reported:
        return Reply(_reported(conversation, reported, arguments.ticket))
    return Reply(texts.RELEASED.format(code=target.code))


def _one_in_progress(conversation: Conversation) -> str | Reply:
    """The number of the sender's one task in progress, or what to tell them when they have none or several."""
    doing = [task.code for task in _in_progress(conversation, _member(conversation))]
    if len(doing) == 1:
        return doing[0]
    if not doing:
        return Reply(texts.NONE_IN_PROGRESS)
    return Reply(texts.WHICH_IN_PROGRESS.format(count=len(doing), codes="、".join(doing), first=doing[0]))


def _in_progress(conversation: Conversation, member: Staff) -> list[volunteer_tasks.Task]:
    """The member's tasks taken and not yet reported done."""
    return [task for task in volunteer_tasks.mine(conversation.session, member) if task.status == ClaimStatus.CLAIMED]


def _reported(conversation: Conversation, reported: AlreadyReported, code: str) -> str:
    if reported.confirmed:
        return texts.REPORTED_CONFIRMED.format(code=code)
    target = volunteer_tasks.find(conversation.session, code)
    return texts.REPORTED_WAITING.format(code=target.code, responsible=_responsible(conversation, target))


def _responsible(conversation: Conversation, target: volunteer_tasks.Target) -> str:
    """Who checks the task, as the volunteer's reply names them: the operator who posted a 微心愿 is no 网格员."""
    people = volunteer_claims.responsible(conversation.session, target)
    return texts.responsible([(one.role, one.name) for one in people])


def post_wish(conversation: Conversation, arguments: Arguments) -> Reply:
    """发布心愿 内容: a grid member's or leader's wish for their grid, an operator's for their community."""
    member = conversation.staff
    try:
        place = wishes.place_of_member(member)
    except NotAllowed:
        return Reply(staff_texts.WISH_NOT_YOURS)
    wish = wishes.post(conversation.session, place, arguments.words, conversation.now, posted_by=member)
    return Reply(staff_texts.WISH_POSTED.format(code=wish.code, place=wishes.place_label(conversation.session, wish)))


def confirm_done(conversation: Conversation, arguments: Arguments) -> Reply:
    """确认完成 编号: the responsible member (or operator) confirms the volunteer's part; points follow."""
    code = arguments.ticket
    try:
        confirmed = volunteer_claims.confirm(conversation.session, conversation.staff, code, conversation.now)
    except NotFound:
        return Reply(staff_texts.CONFIRM_NONE.format(code=code))
    except ClaimRefused:
        return Reply(staff_texts.CONFIRM_NOT_DONE.format(code=code))
    if confirmed.already:
        return Reply(staff_texts.CONFIRM_ALREADY.format(code=confirmed.target.code))
    earned = staff_texts.CONFIRMED_POINTS.format(points=confirmed.points) if confirmed.points \
        else staff_texts.CONFIRMED_NO_POINTS
    return Reply(staff_texts.CONFIRMED.format(code=confirmed.target.code, volunteer=confirmed.volunteer.name,
                                              role=texts.role_name(confirmed.volunteer.role), points=earned))


def to_confirm_ending(conversation: Conversation, digits: str) -> list[str]:
    """确认完成 0001: the tasks waiting for this member's confirmation whose numbers end in the digits said."""
    return volunteer_claims.to_confirm_ending(conversation.session, conversation.staff, digits)


def own_ending(conversation: Conversation, digits: str) -> list[str]:
    """完成 0001 说明, 放弃 0001: the numbers of the sender's own tasks that end in the digits said."""
    member = conversation.volunteer
    if member is None:
        return []
    return [task.code for task in volunteer_tasks.mine(conversation.session, member) if task.code.endswith(digits)]


def material(conversation: Conversation, attachment: Attachment) -> Reply | None:
    """A photo or location a volunteer sends just after 完成 goes with that task; None when there is none."""
    member = conversation.volunteer
    if member is None:
        return None
    code = volunteer_claims.attach_photo(conversation.session, member, attachment, conversation.now)
    if code is None:
        return None
    if isinstance(code, volunteer_claims.PhotoNotKept):
        return Reply(texts.material_limit(attachment.kind, code.window, code.limit))
    responsible = _responsible(conversation, volunteer_tasks.find(conversation.session, code))
    return Reply(texts.MATERIAL_KEPT.format(kind=texts.MATERIAL_NAMES.get(attachment.kind, "材料"), code=code,
                                            responsible=responsible))


def _member(conversation: Conversation) -> Staff:
    member = conversation.volunteer
    assert member is not None, "the command table lets only the community's own people through"
    return member
