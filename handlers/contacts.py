"""工作电话, 我的电话, 门牌, 删除电话, 删除门牌: how residents and staff reach each other (storage/contacts.py).

Staff publish a work phone their residents are told on 已接单; residents may leave a phone and a 门牌 that only
the appeal's handler reads whole. Each is optional, shown masked to its owner, refused whole when it is not one.
"""

from __future__ import annotations

import re
import unicodedata

from handlers import binding, community_texts, staff_texts
from handlers import resident_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import Reply
from storage import contacts, org, said_places
from storage.contact_input import DELETE_WORDS, InvalidContact, in_digits, phone_number
from storage.privacy import mask_door, mask_personal_numbers

# "我的电话是139…", "门牌号为3-2-501", "我的电话号码：139…": the words people put before the value.
_LEAD = re.compile(r"^(?:号码|号)?[是为:：\s]*")


def without_lead(words: str) -> str:
    """The value without the words people put before it (是, 为, 号码：)."""
    return _LEAD.sub("", words.strip())


def _typed(arguments: Arguments) -> str:
    return without_lead(arguments.words)


def phone_given(conversation: Conversation, arguments: Arguments) -> Reply:
    """电话 13912345678, or the number alone: a resident's 我的电话 said shorter. Staff publish a work phone only by
    its name: a number a member sends alone may well be a resident's."""
    if conversation.is_staff:
        return Reply(staff_texts.WORK_PHONE_BY_NAME)
    stored = my_phone(conversation, arguments)
    # Sent in the middle of choosing an address (the phone first, as a caller would): the menu still waits.
    return Reply(stored.text + binding.still_to_answer(conversation, emergency=False)) if stored.text else stored


def work_phone(conversation: Conversation, arguments: Arguments) -> Reply:
    """工作电话 <号码>: publish it; 工作电话 删除: withdraw it; alone: show it."""
    member = conversation.staff
    typed = _typed(arguments)
    if not typed:
        shown = staff_texts.WORK_PHONE_SHOWN.format(phone=member.work_phone) if member.work_phone else None
        return Reply(shown or staff_texts.WORK_PHONE_NONE)
    if typed in DELETE_WORDS:
        contacts.publish_work_phone(member, None)
        return Reply(staff_texts.WORK_PHONE_REMOVED)
    try:
        phone = contacts.publish_work_phone(member, typed)
    except InvalidContact:
        return Reply(staff_texts.WORK_PHONE_FORMAT)
    return Reply(staff_texts.WORK_PHONE_SAVED.format(phone=phone))


def my_phone(conversation: Conversation, arguments: Arguments) -> Reply:
    """我的电话 <号码>: a resident's phone for their handler; from staff, their work phone."""
    if conversation.is_staff:
        return work_phone(conversation, arguments)
    resident = conversation.resident
    typed = _typed(arguments)
    if not typed:
        shown = texts.PHONE_SHOWN.format(phone=mask_personal_numbers(resident.phone)) if resident.phone else None
        return Reply(shown or texts.NO_PHONE)
    if typed in DELETE_WORDS:
        return forget_phone(conversation, arguments)
    try:
        phone = contacts.set_phone(resident, _number_in_words(typed))
    except InvalidContact:
        return Reply(texts.PHONE_ONE_ONLY if _several_phones(typed) else texts.PHONE_FORMAT)
    saved = texts.PHONE_SAVED.format(phone=mask_personal_numbers(phone or ""))
    # A volunteer's phone also goes to the grid member responsible for a task they take (【志愿者领单】).
    return Reply(saved + community_texts.PHONE_FOR_TASKS if conversation.volunteer is not None else saved)


# Between two numbers: 139… 139…, 139…、139…, 139…/139…, 139…和139….
_BETWEEN_NUMBERS = re.compile(r"[、，,;；/\s]+|和|或")


# Words around the one number: "换了，新号139…", "139… 谢谢" (a problem after it is filed instead: handlers.commands).
_WORDS_AROUND = re.compile(r"^[^\d(（+]*(.*?)[^\d]*$", re.DOTALL)


def _number_in_words(typed: str) -> str:
    """The number alone when words around it are all that keeps the text from being one; else the text."""
    if _is_phone(typed):
        return typed
    found = _WORDS_AROUND.fullmatch(typed)
    inner = found.group(1) if found else typed
    return inner if inner and _is_phone(inner) else typed


def _several_phones(typed: str) -> bool:
    """Whether the words are two or more numbers, each one a phone (a couple leaving both)."""
    parts = [part for part in _BETWEEN_NUMBERS.split(typed) if part]
    return len(parts) > 1 and all(_is_phone(part) for part in parts)


def _is_phone(typed: str) -> bool:
    try:
        phone_number(typed)
    except InvalidContact:
        return False
    return True


def door(conversation: Conversation, arguments: Arguments) -> Reply:
    """门牌 <门牌>: where the handler may knock; alone: show it."""
    resident = conversation.resident
    typed = _typed(arguments)
    if not typed:
        return Reply(texts.DOOR_SHOWN.format(door=mask_door(resident.door)) if resident.door else texts.NO_DOOR)
    if typed in DELETE_WORDS:
        return forget_door(conversation, arguments)
    try:
        saved = contacts.set_door(resident, typed)
    except InvalidContact:
        return Reply(texts.DOOR_FORMAT)
    return Reply(texts.DOOR_SAVED.format(door=mask_door(saved or "")))


# "我住三号楼二单元五零一", "嗯，我家是3号楼2单元501室": where one lives said as people say it, nothing else.
_HOME_SAID = re.compile(r"(?:我们?|我家)?(?:就)?(?:住在?|家在|家住在?|是|在)?(\d+)(?:号楼|号|栋|幢)(\d+)单元(\d+)(?:室|号)?")
_FILLERS = re.compile(r"^(?:嗯+|啊|呃|那个|就是说?|你好|您好)+")
_QUIET = re.compile(r"[\s，。,.!！?？、~～]+")


def home_said(conversation: Conversation, text: str) -> Reply | None:
    """A bound resident's message that only says where she lives (我住三号楼二单元五零一): kept as her 门牌 when it
    is in her bound building and unit, for the handler to knock on; else her bound address and how to change it.
    None for anything else (an unbound resident's address starts the binding: handlers.binding)."""
    sender = conversation.sender
    if sender.grid_id is None or sender.building_id is None:
        return None
    said = _HOME_SAID.fullmatch(_FILLERS.sub("", in_digits(_QUIET.sub("", unicodedata.normalize("NFKC", text)))))
    if said is None:
        return None
    building, unit, room = (part.lstrip("0") for part in said.groups())
    home = org.address(conversation.session, sender.grid_id, sender.building_id, sender.unit_id)
    unit_name = in_digits(home.unit or "")
    if said_places.building_key(home.building or "") != building or (unit_name and unit_name != f"{unit}单元"):
        return Reply(texts.HOME_SAID_ELSEWHERE.format(grid_label=home.grid_label, home=home.home_label))
    saved = contacts.set_door(conversation.resident, f"{building}号楼{unit}单元{room}")
    return Reply(texts.DOOR_SAVED.format(door=mask_door(saved or "")))


def forget_phone(conversation: Conversation, arguments: Arguments) -> Reply:
    """删除电话: the resident's phone (from staff: their work phone) is removed."""
    if conversation.is_staff:
        return work_phone(conversation, Arguments(words="删除"))
    resident = conversation.resident
    if not resident.phone:
        return Reply(texts.NO_PHONE)
    contacts.set_phone(resident, None)
    return Reply(texts.PHONE_REMOVED)


def forget_door(conversation: Conversation, _arguments: Arguments) -> Reply:
    """删除门牌: the resident's 门牌 is removed."""
    resident = conversation.resident
    if not resident.door:
        return Reply(texts.NO_DOOR)
    contacts.set_door(resident, None)
    return Reply(texts.DOOR_REMOVED)


def own_contact(conversation: Conversation) -> str:
    """The line 我的地址 adds: what the resident left, masked, or how to leave it."""
    contact = contacts.masked(conversation.resident)
    if not contact.given:
        return "" if conversation.is_staff else "\n" + texts.CONTACT_HINT  # staff: see _with_released in binding
    return "\n" + texts.my_contact(contact.phone, contact.door)
