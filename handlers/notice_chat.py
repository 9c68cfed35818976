"""Broadcast notices in the chat: 通知 (operators for their community or street, 网格长 for their grid), 工作通知
(the same, to staff only) and 紧急通知 (停水, 停电, 停气, 防汛) with a preview and 确认 发送, 通知进度, residents' 退订通知 / 订阅通知, and 楼长's 已转达.

The dialogue (notice_confirm.mmd beside this module): 通知 <范围> <内容> plans the notice and shows the preview; the
draft waits in the sender's dialogue; 确认 发送 plans it again (people and quotas of that moment) and stores it for
the worker; any other message drops the draft.
"""

from __future__ import annotations

import re
import unicodedata

from handlers import dialogues
from handlers import notice_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import Kind, Reply
from storage import notice_planning, notice_records, notice_scope
from storage.errors import NotAllowed, NotFound
from storage.models import Broadcast, NoticeAudience, StaffRole
from storage.notice_planning import NoticeRefused, Request
from storage.staff import AmbiguousPlace, UnclearPlace
from storage.tickets import normalize_notice_number

DIALOG = "notice_confirm"
BROADCASTERS = (StaffRole.GRID_LEADER, StaffRole.OPERATOR)  # 楼长, 网格员 and residents cannot broadcast
CONFIRM_WORDS = frozenset({"确认发送", "确认 发送", "确认"})
CANCEL_WORDS = frozenset({"取消", "退出"})  # the preview says 放弃请回复“取消”
# A yes that is not 确认 发送: asked again with the draft kept, not dropped as "any other message" (the sender meant
# to send and would take the staff hint that follows for a notice on its way).
NEAR_CONFIRM_WORDS = frozenset({"确定", "确定发送", "发送", "发", "发吧", "发出", "好", "好的", "可以", "是", "是的", "对",
                                "同意", "没问题", "ok", "yes"})
_SLASHES = ("/", "／")
# What may stand first after 通知: 全部, a path with /, or a name of the organisation's levels.
_OPTING_OUT = re.compile(r"(?:请)?(?:不要|别|不用|不想|不需要)再?(?:给我)?(?:发|推送?|收到?|接收)?(?:这些|这种|这类)?"
                         r"(?:通知|群发|群发消息)(?:给我)?了?")
_SCOPE_LIKE = re.compile(r"(全部|.+/.+|.+(街道|社区|网格|小区|花园|家园|苑|号楼|栋|座))")


def names_scope(rest: str) -> bool:
    """Whether 通知's words start with a scope and go on with text (else it is a sentence: 通知物业来修)."""
    scope, text = scope_and_text(unicodedata.normalize("NFKC", rest))
    return bool(text) and bool(_SCOPE_LIKE.fullmatch(scope))


def scope_and_text(words: str) -> tuple[str, str]:
    """The scope and the text of 通知's words; spaces around a / stay inside the scope ("幸福里社区 / 第一网格" is
    one grid, not the whole community with a text starting "/ 第一网格")."""
    scope, text = _split_once(words)
    while text and (scope.endswith(_SLASHES) or text.startswith(_SLASHES)):
        more, text = _split_once(text)
        scope += more
    return scope, text


def _split_once(words: str) -> tuple[str, str]:
    parts = words.split(maxsplit=1)
    return (parts[0] if parts else "", parts[1] if len(parts) > 1 else "")


def draft(conversation: Conversation, arguments: Arguments,
          audience: NoticeAudience = NoticeAudience.RESIDENTS, urgent: bool = False) -> Reply:
    """通知 <范围> <内容>: the preview, and 确认 发送 to send it."""
    if conversation.staff.role not in BROADCASTERS:
        return Reply(texts.NOT_ALLOWED)
    # The scope is read normalised; the text goes out as typed (NFKC would make the notice's ，。 into ,.).
    typed_scope, text = scope_and_text(arguments.words)
    text = _as_typed_to_the_end(conversation.inbound.text, text)
    try:
        scope_path = notice_scope.qualified(conversation.session, unicodedata.normalize("NFKC", typed_scope),
                                            notice_scope.part_of(conversation.staff))
    except UnclearPlace as unclear:
        return Reply(texts.unclear_place(unclear))
    kind = urgent_kind(text) if urgent else None
    request = Request(scope_path, text, audience=audience, urgent=urgent, kind=kind, author=conversation.staff)
    refused = _planned(conversation, request)
    if isinstance(refused, Reply):
        return refused
    dialogues.begin(conversation, DIALOG, {"scope": scope_path, "text": text, "audience": audience.value,
                                           "urgent": urgent, "kind": kind})
    return Reply(texts.ask_confirm(refused))


def draft_urgent(conversation: Conversation, arguments: Arguments) -> Reply:
    """紧急通知 <范围> <内容>: a 停水/停电/停气/防汛 notice, as the console's and the CLI's --urgent: by template message
    where there is one, to those who opted out of ordinary notices too, not counted in the four mass sends a month."""
    return draft(conversation, arguments, urgent=True)


def urgent_kind(text: str) -> str:
    """The urgent notice's kind its words name first (明天停水 → 停水); 其他 when they name none."""
    found = [(text.find(kind), kind) for kind in notice_planning.KINDS if kind in text]
    return min(found)[1] if found else "其他"


def draft_for_staff(conversation: Conversation, arguments: Arguments) -> Reply:
    """工作通知 <范围> <内容>: a notice to the scope's staff only (a meeting, a work arrangement), as the console's and
    the CLI's --audience staff; previewed and confirmed like 通知."""
    return draft(conversation, arguments, NoticeAudience.STAFF)


def is_unscoped_notice(conversation: Conversation) -> bool:
    """A sender's 通知 without a scope the command could read (voice runs it together: 通知幸福里社区第一网格明天停水)."""
    inbound = conversation.inbound
    return inbound.kind in (Kind.TEXT, Kind.VOICE) and conversation.is_staff and \
        conversation.staff.role in BROADCASTERS and \
        unicodedata.normalize("NFKC", inbound.text).strip().startswith(("通知", "工作通知", "紧急通知"))


def notice_usage(conversation: Conversation) -> Reply:
    """How to write it, rather than the staff hint that does not mention notices; unless its first word is a place
    of the organisation the command's pattern of place words does not take (a 小区 called 阳光花园一期 or 金地城):
    then it is the scope, and the notice is drafted."""
    typed = conversation.inbound.text.strip()
    for verb, drafting in (("工作通知", draft_for_staff), ("紧急通知", draft_urgent), ("通知", draft)):
        if typed.startswith(verb):
            words = typed[len(verb):].strip()
            typed_scope, text = scope_and_text(unicodedata.normalize("NFKC", words))
            if text and _names_a_place(conversation, typed_scope):
                return drafting(conversation, Arguments(words=words))
            break
    return Reply(texts.NOTICE_USAGE)


def _names_a_place(conversation: Conversation, typed_scope: str) -> bool:
    """Whether the words name a place (or several, which the draft then asks to tell apart) in the sender's part
    or anywhere."""
    try:
        notice_scope.resolve(conversation.session, notice_scope.qualified(
            conversation.session, typed_scope, notice_scope.part_of(conversation.staff)))
    except AmbiguousPlace:
        return True
    except UnclearPlace:
        return False
    return True


def _said(conversation: Conversation) -> str | None:
    """A text or voice message as it is compared with the dialogue's words: NFKC, without the marks around it."""
    inbound = conversation.inbound
    if inbound.kind not in (Kind.TEXT, Kind.VOICE):
        return None
    return unicodedata.normalize("NFKC", inbound.text).strip(" 。.!！")


def is_confirmation(conversation: Conversation) -> bool:
    """确认 发送 (or 确认) while a draft waits."""
    return _said(conversation) in CONFIRM_WORDS


def is_near_confirmation(conversation: Conversation) -> bool:
    """确定, 发送, 好的 while a draft waits: a yes in other words."""
    return (_said(conversation) or "").lower() in NEAR_CONFIRM_WORDS


def ask_again(_conversation: Conversation) -> Reply:
    """The draft still waits: say the one word that sends it."""
    return Reply(texts.NOT_CONFIRMED)


def is_stray_confirmation(conversation: Conversation) -> bool:
    """确认 发送 from a sender with no draft waiting (dropped by another message, or 30 minutes quiet)."""
    return conversation.is_staff and _said(conversation) in CONFIRM_WORDS - {"确认"}


def no_draft(_conversation: Conversation) -> Reply:
    """Nothing waits to be sent: say so, rather than the staff hint a sender would take for a notice on its way."""
    return Reply(texts.NO_DRAFT)


def is_cancel(conversation: Conversation) -> bool:
    """取消 while a draft waits: the draft is dropped like on any other message, and the sender is told so."""
    return _said(conversation) in CANCEL_WORDS


def cancel(conversation: Conversation) -> Reply:
    """Drop the draft: nothing was stored, nothing is sent."""
    dialogues.end(conversation)
    return Reply(texts.CANCELLED)


def confirm(conversation: Conversation) -> Reply:
    """Store the draft for the worker (planned again now) and say its number."""
    data = dialogues.answered(conversation, DIALOG).data
    dialogues.end(conversation)
    if not conversation.is_staff:
        return Reply(texts.NOT_ALLOWED)
    # A draft saved before 工作通知 existed has no audience: it was a residents' notice.
    audience = NoticeAudience(data.get("audience", NoticeAudience.RESIDENTS))
    planned = _planned(conversation, Request(data["scope"], data["text"], audience=audience,
                                             urgent=bool(data.get("urgent")), kind=data.get("kind"),
                                             author=conversation.staff))
    if isinstance(planned, Reply):
        return planned
    number = notice_planning.store(conversation.session, planned, conversation.now).number
    return Reply(texts.SENT.format(number=number))


def _as_typed_to_the_end(typed: str, text: str) -> str:
    """The text with the 。！？ that ended the message: the command parser strips them off every command, but they
    belong to the notice ("请提前储水！")."""
    typed = typed.rstrip()
    at = typed.rfind(text)
    return typed[at:] if text and at >= 0 else text


def _planned(conversation: Conversation, request: Request) -> notice_planning.Plan | Reply:
    try:
        return notice_planning.plan(conversation.session, request, conversation.access.notices, conversation.now)
    except NoticeRefused as refused:
        detail = dict(refused.detail)
        if refused.reason == "no_recipients":
            detail["skipped"] = texts.skipped_line(detail.get("skipped") or {})  # type: ignore[arg-type]
        return Reply(texts.REFUSALS[refused.reason].format(**detail))
    except NotAllowed:
        return Reply(texts.NOT_YOURS)
    except UnclearPlace as unclear:
        return Reply(texts.unclear_place(unclear))


def progress(conversation: Conversation, arguments: Arguments) -> Reply:
    """通知进度 <编号>: how far a notice to the sender's part is (as the console shows a community account only the
    notices within its community); another part's number is answered as a number that does not exist."""
    if conversation.staff.role not in BROADCASTERS:
        return Reply(texts.PROGRESS_NOT_ALLOWED)
    notice = _notice_within_reach(conversation, arguments.words)
    if notice is None:
        return Reply(texts.UNKNOWN_NOTICE.format(number=arguments.words))
    return Reply(texts.progress_line(notice_records.progress(conversation.session, notice)))


def cancel_notice(conversation: Conversation, arguments: Arguments) -> Reply:
    """撤销通知 <编号>: stop what of a notice to the sender's part is not handed to WeChat yet, in their name, as the
    console and `gridbot notice cancel` do; a grid leader has neither. Another part's number reads as unknown."""
    if conversation.staff.role not in BROADCASTERS:
        return Reply(texts.CANCEL_NOT_ALLOWED)
    notice = _notice_within_reach(conversation, arguments.words)
    if notice is None:
        return Reply(texts.UNKNOWN_NOTICE.format(number=arguments.words))
    try:
        stopped = notice_records.cancel(conversation.session, notice, conversation.now,
                                        notice_records.Canceller(staff_id=conversation.staff.id))
    except NotAllowed as refused:
        shown = notice_records.progress(conversation.session, notice)
        return Reply(texts.already_cancelled(shown) if refused.reason == "cancelled"
                     else texts.ALL_SENT.format(number=notice.number))
    return Reply(texts.cancelled(notice_records.progress(conversation.session, notice), stopped))


def _notice_within_reach(conversation: Conversation, number: str) -> Broadcast | None:
    """The notice of that number if the sender could have sent it; None for an unknown number or another part's."""
    try:
        notice = notice_records.find(conversation.session, number)
    except NotFound:
        return None
    return notice if _within_reach(conversation, notice.scope_path) else None


def _within_reach(conversation: Conversation, path: str) -> bool:
    """Whether the staff member could have sent a notice to `path` (a path no longer naming a place: nobody)."""
    try:
        scope = notice_scope.resolve(conversation.session, path)
    except UnclearPlace:
        return False
    return notice_scope.may_broadcast(conversation.session, conversation.staff, scope)


def show(conversation: Conversation, arguments: Arguments) -> Reply:
    """A notice's number sent back (查询 N…, or the number alone): the notice as broadcast, what its page shows;
    not found for a number that is not out yet, unknown, or staff-only unless the sender was among its staff."""
    working = conversation.is_staff or conversation.volunteer is not None  # active: a disabled one reads as anyone
    shown = (notice_records.received_by(conversation.session, arguments.words, conversation.inbound.openid)
             if working else notice_records.public(conversation.session, arguments.words))
    if shown is None:
        return Reply(texts.UNKNOWN_NOTICE.format(number=normalize_notice_number(arguments.words) or arguments.words))
    if shown.withdrawn:
        return Reply(texts.WITHDRAWN.format(number=shown.number))
    return Reply(texts.shown(shown))


def recent(conversation: Conversation, _arguments: Arguments) -> Reply:
    """最近通知: the notices that reached the sender lately, by number, for one whose number is lost."""
    return Reply(texts.recent(notice_records.received_lately(conversation.session, conversation.inbound.openid,
                                                             conversation.now), conversation.now))


def is_opting_out_in_words(conversation: Conversation) -> bool:
    """不要再发通知了, 别给我发通知了, 不想收到通知: 退订通知 said as people say it (a whole message, nothing else)."""
    inbound = conversation.inbound
    if inbound.kind not in (Kind.TEXT, Kind.VOICE):
        return False
    return _OPTING_OUT.fullmatch(unicodedata.normalize("NFKC", inbound.text).strip(" 。.!！~～")) is not None


def opt_out_in_words(conversation: Conversation) -> Reply:
    return opt_out(conversation, Arguments())


def opt_out(conversation: Conversation, _arguments: Arguments) -> Reply:
    """退订通知: no more ordinary notices (urgent ones still come). Staff and 楼长 get notices as staff, whom an
    opt-out never skips: they are told so rather than that it worked."""
    if conversation.is_staff or conversation.building_lead is not None:
        return Reply(texts.STAFF_CANNOT_OPT_OUT)
    changed = notice_records.opt_out(conversation.resident, conversation.now)
    return Reply(texts.OPTED_OUT if changed else texts.ALREADY_OPTED_OUT)


def opt_in(conversation: Conversation, _arguments: Arguments) -> Reply:
    """订阅通知: ordinary notices again."""
    return Reply(texts.OPTED_IN if notice_records.opt_in(conversation.resident) else texts.ALREADY_OPTED_IN)


# 已转达 said without a number, alone or as people say it (收到，已转达; 好的，已经转达了，谢谢).
_RELAYED_IN_WORDS = re.compile(r"(?:收到了?|好的?|嗯)?[，,。\s]*(?:已经?|都)?转达(?:过)?了?(?:邻居)?[，,。!！~～\s]*(?:谢谢)?")


def is_relayed_without_a_number(conversation: Conversation) -> bool:
    """A 楼长 saying 已转达 with no notice number: about the latest notice sent them to pass on, not a problem of
    their own to file (nor the command's format to be recited)."""
    inbound = conversation.inbound
    if inbound.kind not in (Kind.TEXT, Kind.VOICE) or "转达" not in inbound.text:  # cheap first: every message
        return False
    said = unicodedata.normalize("NFKC", inbound.text).strip(" 。.!！~～")
    return _RELAYED_IN_WORDS.fullmatch(said) is not None and conversation.building_lead is not None


def relayed_the_latest(conversation: Conversation) -> Reply:
    """Confirm the latest notice the 楼长 was sent and has not confirmed yet; none within the week: the format."""
    notice = notice_records.awaiting_relay(conversation.session, conversation.building_lead, conversation.now)
    if notice is None:
        return Reply(texts.RELAY_WHICH)
    return relayed(conversation, Arguments(words=notice.number))


def relayed(conversation: Conversation, arguments: Arguments) -> Reply:
    """已转达 <编号>: a 楼长 passed the notice on to neighbours without WeChat; it counts on the notice."""
    lead = conversation.building_lead
    if lead is None:  # the command table lets only 楼长 through: this is for the type checker's sake
        return Reply(texts.NOT_FOR_YOU.format(number=arguments.words))
    try:
        notice = notice_records.find(conversation.session, arguments.words)
        new = notice_records.confirm_relayed(conversation.session, lead, notice, conversation.now)
    except NotFound:
        return Reply(texts.UNKNOWN_NOTICE.format(number=arguments.words))
    except NotAllowed as refused:
        refusal = {"forgotten": texts.RELAY_TOO_LATE, "staff_only": texts.NOT_FOR_NEIGHBOURS}.get(
            refused.reason, texts.NOT_FOR_YOU)
        return Reply(refusal.format(number=notice.number))
    return Reply((texts.RELAYED if new else texts.ALREADY_RELAYED).format(number=notice.number))
