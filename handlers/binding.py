"""The address-binding dialogue: 社区 → 小区/网格 → 楼栋 → 单元 by numbered choices (see binding.mmd).

State lives on the resident row (survives restarts) and expires after a quiet half hour. A level with a
single option is chosen automatically, so nobody is asked to pick "1" out of one.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Sequence

from handlers import dialogues
from handlers import resident_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import Kind, Reply
from storage import appeals, org, residents, verification
from storage.models import Building, Unit, Verification

DIALOG = "binding"
STEPS = ("community", "grid", "building", "unit")


def is_answer(conversation: Conversation) -> bool:
    """A text or voice message: while the binding dialogue is open (the router checks), it answers a question."""
    return conversation.inbound.kind in (Kind.TEXT, Kind.VOICE)


def start(conversation: Conversation) -> str:
    """Begin (or restart) the dialogue; returns the first question, or the result if nothing was to choose."""
    return _advance(conversation, "community", parent=None, chosen={})


def restart(conversation: Conversation, _arguments: Arguments) -> Reply:
    """绑定: start over."""
    return Reply(start(conversation))


def cancel(conversation: Conversation, _arguments: Arguments) -> Reply:
    """取消: leave the dialogue (the address stays as it was); with none open, say there is nothing to leave."""
    leaving = dialogues.current(conversation)
    if leaving is None:
        return Reply(texts.NOTHING_TO_CANCEL)
    dialogues.end(conversation)
    return Reply(texts.BIND_CANCELLED if leaving.name == DIALOG else texts.QUIT_DONE)


def answer(conversation: Conversation) -> Reply:
    """Take one numbered answer and ask the next question (or finish)."""
    state = dialogues.answered(conversation, DIALOG).data
    options: list[list[Any]] = state["options"]
    index = _choice(conversation.inbound.text, [name for _id, name in options])
    if index is None:
        names = [name for _id, name in options]
        return Reply(texts.BIND_RETRY.format(count=len(names), options=texts.choices(names)))
    step = state["step"]
    chosen = dict(state["chosen"], **{step: options[index][0]})
    following = STEPS[STEPS.index(step) + 1] if step != STEPS[-1] else None
    if following is None:
        return Reply(_finish(conversation, chosen))
    return Reply(_advance(conversation, following, parent=options[index][0], chosen=chosen))


def bind_by_scene(conversation: Conversation, scene_key: str) -> str:
    """A building QR code (subscribe or SCAN event): bind to that building in one step."""
    building = org.building_by_scene(conversation.session, scene_key)
    if building is None:
        return texts.BIND_SCENE_UNKNOWN
    resident = conversation.resident
    residents.bind(conversation.session, resident, building, None)
    verification.mark(resident, Verification.QR_CODE, conversation.now)  # the code hangs in the building
    dialogues.end(conversation)
    place = org.address(conversation.session, building.grid_id, building.id, None)
    done = texts.BIND_SCENE_DONE.format(grid_label=place.grid_label, home=place.home_label)
    return _with_released(conversation, done, place.grid_label)


def _advance(conversation: Conversation, step: str, parent: int | None, chosen: dict[str, int]) -> str:
    options = _options(conversation, step, parent)
    if step == "unit" and not options:
        return _finish(conversation, chosen)  # a building without units binds at building level
    if not options:
        dialogues.end(conversation)
        return texts.BIND_EMPTY.format(level=texts.LEVELS[step])
    if len(options) == 1:
        only_id = options[0][0]
        chosen = dict(chosen, **{step: only_id})
        if step == STEPS[-1]:
            return _finish(conversation, chosen)
        return _advance(conversation, STEPS[STEPS.index(step) + 1], only_id, chosen)
    dialogues.begin(conversation, DIALOG, {"step": step, "options": options, "chosen": chosen})
    names = [name for _id, name in options]
    return texts.BIND_CHOOSE.format(level=texts.LEVELS[step], options=texts.choices(names))


def _options(conversation: Conversation, step: str, parent: int | None) -> list[list[Any]]:
    session = conversation.session
    rows: Sequence[Any]
    if step == "community":
        return [[c.id, c.name] for c in org.communities(session)]
    if step == "grid":
        rows = org.grids_of(session, parent)  # type: ignore[arg-type]
        return [[g.id, g.name] for g in rows]
    if step == "building":
        rows = org.buildings_of(session, parent)  # type: ignore[arg-type]
        return [[b.id, f"{b.compound}{b.name}"] for b in rows]
    return [[u.id, u.name] for u in org.units_of(session, parent)]  # type: ignore[arg-type]


def _finish(conversation: Conversation, chosen: dict[str, int]) -> str:
    session = conversation.session
    building = session.get_one(Building, chosen["building"])
    unit = session.get(Unit, chosen["unit"]) if "unit" in chosen else None
    resident = conversation.resident
    residents.bind(session, resident, building, unit)
    dialogues.end(conversation)
    place = org.address(session, building.grid_id, building.id, unit.id if unit else None)
    done = texts.BIND_DONE.format(grid_label=place.grid_label, home=place.home_label)
    return _with_released(conversation, done, place.grid_label)


def _with_released(conversation: Conversation, message: str, grid_label: str) -> str:
    released = appeals.release_held(conversation.session, conversation.resident, conversation.now)
    if not released:
        return message
    tickets = "、".join(appeal.ticket for appeal in released)
    return message + "\n" + texts.HELD_RELEASED.format(tickets=tickets, grid_label=grid_label)


_CHINESE_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def _choice(text: str, names: list[str]) -> int | None:
    cleaned = unicodedata.normalize("NFKC", text).strip().rstrip("。.!！")
    # Voice recognition writes a spoken "二" as a character.
    cleaned = str(_CHINESE_DIGITS.get(cleaned, cleaned))
    if cleaned.isdigit() and 1 <= int(cleaned) <= len(names):
        return int(cleaned) - 1
    if cleaned in names:
        return names.index(cleaned)
    # "B座" for "东方名苑B座": the option's own name without the compound, if only one fits.
    fitting = [index for index, name in enumerate(names) if cleaned and name.endswith(cleaned)]
    return fitting[0] if len(fitting) == 1 else None
