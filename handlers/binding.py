"""The address-binding dialogue: 街道 → 社区 → 小区 → 楼栋 → 单元, answered by number or by name (see binding.mmd).

Residents know their 小区 rather than their grid, so they are asked for it and the grid follows from it; a 小区
named at the first question skips the 社区. The 街道 is asked only where more than one is switched on (a city's
293 社区 in one menu were fifteen pages to leaf through); there a 社区's name answers it as well. Names are
understood whole, in part (幸福里, 阳光) and with a slip (阳光花苑); 返回 goes back one question. A problem typed
instead of an answer is the router's (filing.hold_problem).

State lives on the resident row (survives restarts) and expires after a quiet half hour. A level with a
single option is chosen automatically, so nobody is asked to pick "1" out of one. A long menu comes a page at a
time (更多 for the next); numbers go on counting across pages and a name is understood on any page.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Sequence

from handlers import community_texts, dialogues, staff_texts
from handlers import resident_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import REPLY_BYTES, Kind, Reply
from nlp import UNCLASSIFIED, Classification
from nlp.chatter import chatter_of
from nlp.cleaning import as_read
from storage import (
    appeals,
    chain,
    chasing,
    contact_input,
    contacts,
    emergencies,
    enrolments,
    org,
    residents,
    verification,
)
from storage.models import Building, Community, StaffRole, Unit, Verification
from storage.privacy import mask_door
from storage.typed_ids import typed_id

DIALOG = "binding"
STEPS = ("street", "community", "compound", "building", "unit")
# "grid" is the step dialogues opened before 小区 were asked for: one still open after an upgrade goes on.
_NEXT = {"street": "community", "community": "compound", "compound": "building", "grid": "building", "building": "unit"}
BACK_WORDS = frozenset({"返回", "上一步", "返回上一步", "后退"})
MORE_WORDS = frozenset({"更多", "下一页", "下页"})
# A long menu (a grid of 140 buildings once made one 3.9 KB reply) is shown a page at a time: at most PAGE_SIZE
# options, and never more than fits in one passive reply (2048 bytes) with the question around it.
PAGE_SIZE = 20
_MENU_DIGITS = 3  # the most digits of an option's number in any menu
_AROUND_OPTIONS = 400  # bytes of the longest question, page line and 返回/取消 hints, with room to spare
# A building or a unit as said ("3号楼", "三栋", "A座", "2单元"): what a later question asks for.
_UNIT = re.compile(r"[0-9一二三四五六七八九十两]+单元")
_BUILDING_OR_UNIT = re.compile(r"[0-9一二三四五六七八九十两]+(?:号楼|号栋|栋|幢)(?:[0-9一二三四五六七八九十两]+单元)?|[A-Za-z]座|"
                               + _UNIT.pattern)
_PLACE_WORDS = frozenset({"小区", "社区", "网格", "楼栋", "单元", "住址", "地址"})
# 我住, 我们家住, and 家住 said first: where the sender lives. 我妈家住在…, 她家住… is someone else's home (a daughter
# writing for her mother): 家 counts alone only where nothing stands before it.
_LIVES_AT = re.compile(r"(?:我们?家?|(?<![^\W_])家)住(?:在)?")
# What an address says besides the names of its 社区 and 小区: numbered buildings, units and rooms, and the words
# people put around it (我家住在…的, 我要绑定地址…).
_ADDRESS_WORDS = re.compile(r"[0-9A-Za-z一二三四五六七八九十两幺零〇]+(?:号楼|号|栋|幢|座|单元|室|层|楼)"
                            r"|我们|我家|我要|你好|您好|那个|就是|绑定|地址|住址|住在|小区|社区|[我家住在是的了啊呀嗯\W_]")


def is_answer(conversation: Conversation) -> bool:
    """A text or voice message: while the binding dialogue is open (the router checks), it answers a question."""
    return conversation.inbound.kind in (Kind.TEXT, Kind.VOICE)


def is_next_page(conversation: Conversation) -> bool:
    """更多 while the binding dialogue is open (the router checks): the menu's next page."""
    return is_answer(conversation) and _cleaned(conversation.inbound.text) in MORE_WORDS


def is_problem(conversation: Conversation) -> bool:
    """A message in the open dialogue that names no option but a problem to file ("3号楼电梯坏了")."""
    dialogue = dialogues.named(conversation, DIALOG)  # open: the router asks only then; its data is needed
    if dialogue is None or not is_answer(conversation):
        return False
    text = _cleaned(conversation.inbound.text)
    state = dialogue.data
    names = [option[1] for option in state["options"]]
    if text in BACK_WORDS | MORE_WORDS or _named(text, names) is not None or chatter_of(text) is not None:
        return False
    result = conversation.classification or conversation.understanding.classifier.classify(text)
    if emergencies.in_one(conversation.session, conversation.sender.id, conversation.now):
        # "楼道里全是烟，我们下不去" is for the responders, not a wrong answer (handlers.filing); "阳光花园三号楼二单元"
        # answers the question, so that the responders learn where she is.
        return _names_a_problem(result) or not _answers(conversation, state, text)
    return _names_a_problem(result)


def _names_a_problem(result: Classification) -> bool:
    # "和平小区" is classified by its 小区 and "二单元" by its likeness to property complaints: an address is no
    # problem. A problem names one ("电梯", "楼道").
    return result.category != UNCLASSIFIED and any(word not in _PLACE_WORDS for word in result.keywords)


def _answers(conversation: Conversation, state: Any, text: str) -> bool:
    """Whether `answer` would take the text as an option: a name in it, or a 小区 named at the first question."""
    names = [option[1] for option in state["options"]]
    if _choice(text, names) is not None:
        return True
    return _place_named(conversation, state, text) is not None


def is_lapsed_answer(conversation: Conversation) -> bool:
    """A bare number with no dialogue open, from a resident whose appeal waits for their address: the answer to a
    menu that lapsed after a quiet half hour (the router asks only with no dialogue open)."""
    if not is_answer(conversation) or conversation.is_staff or conversation.sender.grid_id is not None:
        return False
    text = _cleaned(conversation.inbound.text)
    number = str(_CHINESE_DIGITS.get(text, text))  # voice writes a spoken "二" as a character
    if len(number) > _MENU_DIGITS or typed_id(number) is None:
        return False  # a phone number is no menu answer
    return bool(appeals.held_tickets(conversation.session, conversation.sender.id))


def ask_again(conversation: Conversation) -> Reply:
    """The lapsed menu's number cannot be trusted to mean the same option: start the binding again."""
    held = appeals.held_tickets(conversation.session, conversation.sender.id)
    return Reply(texts.BIND_LAPSED.format(tickets="、".join(held), question=start(conversation)))


def start(conversation: Conversation) -> str:
    """Begin (or restart) the dialogue; returns the first question, or the result if nothing was to choose."""
    first = "street" if len(org.streets_in_use(conversation.session)) > 1 else "community"
    return _advance(conversation, first, parent=None, chosen={}, trail=[])


def names_only_an_address(conversation: Conversation, text: str, result: Classification) -> bool:
    """An unbound resident's message that says where they live and nothing wrong ("我住阳光花园三号楼二单元"):
    the answer to the binding's first question, never an appeal to hold."""
    if conversation.sender.grid_id is not None or conversation.is_staff or _names_a_problem(result):
        return False  # "阳光花园3号楼电梯坏了" names a problem as well
    said = _cleaned(text)
    found = _compounds_named(conversation, said)
    if not found:
        return False
    # Nothing may be left but the address and the words around it: "我住阳光花园三号楼我家门口楼到灯不亮了" holds
    # a problem the classifier missed, which must be held as the appeal it is. The 小区's buildings go too: "B座",
    # "沿湖路12号" left behind made "我住东方名苑B座" an appeal sent to the grid.
    buildings = [option[1] for _community, place in found for option in _options(conversation, "building", place)]
    rest = said
    for name in sorted([*_place_names(conversation), *buildings], key=len, reverse=True):
        rest = rest.replace(name, "")
    return not _ADDRESS_WORDS.sub("", rest)


def _place_names(conversation: Conversation) -> list[str]:
    """Every 社区 and 小区 name, as residents say them."""
    communities = org.communities(conversation.session)
    every = _compounds_of(conversation, [community.id for community in communities])
    return [*(community.name for community in communities),
            *(option[1] for community in communities for option in every[community.id])]


def start_from_address(conversation: Conversation, text: str) -> str:
    """Begin the dialogue with an address said unasked: its 小区, and its building and unit if it names them."""
    said = _cleaned(text)
    found = _compounds_named(conversation, said)
    if len(found) > 1:
        return _shared_compound(conversation, found[0][1][1]) + "\n" + start(conversation)
    if not found:
        return start(conversation)
    community_id, compound = found[0]
    return _chosen(conversation, "compound", compound, {"community": community_id},
                   _trail_to(conversation, community_id), said=said)


def start_for_held(conversation: Conversation, text: str) -> str:
    """Begin the dialogue for an appeal held until the address is known; where its words say where the resident
    lives ("我住在和平小区一栋二单元，楼上天天漏水"), from that address, which may bind them at once. A place named
    without 住 may be where the problem is, not home: then the first question is asked."""
    lives = _LIVES_AT.search(as_read(text))
    return start_from_address(conversation, as_read(text)[lives.end():]) if lives else start(conversation)


def restart(conversation: Conversation, _arguments: Arguments) -> Reply:
    """绑定, 更换地址, 我搬家了: start over."""
    return Reply(start(conversation))


def cancel(conversation: Conversation, _arguments: Arguments) -> Reply:
    """取消: leave the dialogue (the address stays as it was); with none open, say there is nothing to leave.

    A bound resident leaving a new binding keeps their address, so what they filed meanwhile goes to it.
    """
    leaving = dialogues.current(conversation)
    if leaving is None:
        return Reply(staff_texts.NOTHING_TO_CANCEL if conversation.is_staff else texts.NOTHING_TO_CANCEL)
    dialogues.end(conversation)
    if leaving.name != DIALOG:
        return Reply(staff_texts.QUIT_DONE if conversation.is_staff else texts.QUIT_DONE)
    resident = conversation.resident
    if resident.grid_id is None:
        held = appeals.held_tickets(conversation.session, resident.id)
        if held:  # they must not think it went to the grid: it waits for the address they just left
            return Reply(texts.BIND_CANCELLED_HELD.format(tickets="、".join(held)))
        return Reply(texts.BIND_CANCELLED)
    return Reply(_with_released(conversation, texts.BIND_CANCELLED, org.grid_label(conversation.session,
                                                                                    resident.grid_id)))


def question(conversation: Conversation) -> str:
    """The open dialogue's question again, as it was asked."""
    return _asked(dialogues.answered(conversation, DIALOG).data)


def _asked(state: Any, page: int | None = None) -> str:
    """The question of a dialogue's state, on its page (or `page`)."""
    return _question(state["step"], [option[1] for option in state["options"]],
                     state.get("page", 0) if page is None else page, first=not state.get("trail"))


def answer(conversation: Conversation) -> Reply:
    """Take one answer (a number, a name, 返回) and ask the next question (or finish)."""
    state = dialogues.answered(conversation, DIALOG).data
    text = _cleaned(conversation.inbound.text)
    trail: list[list[Any]] = [list(asked) for asked in state.get("trail", [])]
    if text in BACK_WORDS:
        return Reply(_back(conversation, state, trail))
    options: list[list[Any]] = state["options"]
    names = [option[1] for option in options]
    if text in MORE_WORDS:
        if len(pages(names)) == 1:  # not "没有这个选项": 更多 is no option, and there is no page more
            return Reply(texts.BIND_NO_MORE.format(options=_page(names, 0)))
        page = (state.get("page", 0) + 1) % len(pages(names))  # after the last page, the first again
        dialogues.begin(conversation, DIALOG, {**state, "page": page})
        return Reply(_asked(state, page))
    index = _choice(text, names)
    step, chosen = state["step"], dict(state["chosen"])
    trail.append([step, state.get("parent")])
    # A 小区 named at the first question goes before a 社区 only guessed at (和平小区 is not 和平社区).
    if _named(text, names) is None:
        jumped = _jumped(conversation, state, text, chosen, trail)
        if jumped is not None:
            return Reply(jumped)
    if index is None:
        later = _later_part(step, text)
        if later is not None:
            return Reply(texts.BIND_NOT_YET.format(level=texts.LEVELS[step], said=later, count=len(names),
                                                   options=_page(names, state.get("page", 0))))
        return Reply(texts.BIND_RETRY.format(count=len(names), options=_page(names, state.get("page", 0))))
    return Reply(_chosen(conversation, step, options[index][0], chosen, trail, said=_words_of(text)))


def _later_part(step: str, text: str) -> str | None:
    """The building or unit an answer says that a later question asks for ("3号楼2单元" at the 社区 question, "2单元"
    at the 楼栋 one), as said; None when it says none."""
    said = (_BUILDING_OR_UNIT if step in ("street", "community", "compound", "grid") else
            _UNIT if step == "building" else None)
    found = said.search(text) if said is not None else None
    return found.group(0) if found is not None else None


def _place_named(conversation: Conversation, state: Any, text: str) -> tuple[str, Any] | None:
    """What an answer to the 街道 or 社区 question names that is no option of it: ("shared", name) for a 社区 name
    two streets have, ("community", its id) for a 社区 (at the 街道 question), ("compound", (its 社区, [grid, 小区]))
    for a 小区 (in the chosen 街道, if one was), ("shared_compound", name) for a 小区 name several 社区 have."""
    step, parent = state["step"], state.get("parent")
    if step not in ("street", "community") or not _words_of(text):
        return None  # a menu number is the menu's
    if parent is None and _comparable(text) in _shared_community_names(conversation):
        return "shared", text
    street_id = parent if step == "community" and isinstance(parent, int) else None
    if step == "street":
        communities = org.communities(conversation.session)
        names = [community.name for community in communities]
        found = _named(text, names)
        found = _named_in_sentence(text, names) if found is None else found
        if found is not None:
            return "community", communities[found].id
    compounds = _compounds_named(conversation, text, street_id)
    if len(compounds) > 1:
        return "shared_compound", compounds[0][1][1]
    return ("compound", compounds[0]) if compounds else None


def _jumped(conversation: Conversation, state: Any, text: str, chosen: dict[str, Any],
            trail: list[list[Any]]) -> str | None:
    """The next question after a 社区 or 小区 named at the 街道 or 社区 question (see `_place_named`)."""
    named = _place_named(conversation, state, text)
    if named is None:
        return None
    kind, value = named
    if kind == "shared_compound":
        return texts.BIND_SHARED_COMPOUND.format(name=value, level=texts.LEVELS[state["step"]]) + "\n" + _asked(state)
    if kind == "shared":
        # Two streets' communities of that name: neither is meant more than the other, nor a 小区 near it.
        if state["step"] == "community":
            return texts.BIND_SHARED_NAME.format(name=text, options=_page([o[1] for o in state["options"]],
                                                                           state.get("page", 0)))
        options = _options(conversation, "community", text)
        dialogues.begin(conversation, DIALOG, {"step": "community", "parent": text, "options": options,
                                               "chosen": chosen, "trail": trail, "page": 0})
        return texts.BIND_SHARED_NAME.format(name=text, options=_page([option[1] for option in options], 0))
    community_id = value if kind == "community" else value[0]
    chosen["community"] = community_id
    if state["step"] == "street":
        trail = _trail_to(conversation, community_id)
    if kind == "community":
        return _advance(conversation, "compound", community_id, chosen, trail, said=_words_of(text))
    return _chosen(conversation, "compound", value[1], chosen, trail, said=_words_of(text))


def _shared_compound(conversation: Conversation, name: str) -> str:
    """A 小区 name several communities have: which of them is asked by the first question."""
    several_streets = len(org.streets_in_use(conversation.session)) > 1
    return texts.BIND_SHARED_COMPOUND.format(name=name, level=texts.LEVELS["street" if several_streets else "community"])


def _trail_to(conversation: Conversation, community_id: int) -> list[list[Any]]:
    """The questions a resident who named a 社区 or 小区 at the first one goes back through with 返回."""
    if len(org.streets_in_use(conversation.session)) < 2:
        return [["community", None]]
    street_id = conversation.session.get_one(Community, community_id).street_id
    return [["street", None], ["community", street_id]]


def _words_of(answer: str) -> str:
    """The answer to look for the next questions' options in: none when it was a menu number ("2", "二")."""
    return "" if answer.isdigit() or answer in _CHINESE_DIGITS else answer


def bind_by_scene(conversation: Conversation, scene_key: str) -> str:
    """A building QR code (subscribe or SCAN event): bind to that building in one step."""
    building = org.building_by_scene(conversation.session, scene_key)
    if building is None:
        return texts.BIND_SCENE_UNKNOWN
    resident = conversation.resident
    unit = _unit_kept(conversation, building)
    old_home = _other_home(conversation, building)
    moved_from = resident.building_id
    dropped_door = residents.bind(conversation.session, resident, building, unit)
    verification.mark(resident, Verification.QR_CODE, conversation.now)  # the code hangs in the building
    dialogues.end(conversation)
    place = org.address(conversation.session, building.grid_id, building.id, unit.id if unit else None)
    if old_home:
        done = texts.BIND_SCENE_MOVED.format(old=old_home, grid_label=place.grid_label, home=place.home_label)
    else:
        done = (texts.BIND_SCENE_DONE if unit is None else texts.BIND_SCENE_UNIT_KEPT).format(
            grid_label=place.grid_label, home=place.home_label)
    return _with_released(conversation, _after_move(conversation, done, moved_from, dropped_door), place.grid_label)


def _unit_kept(conversation: Conversation, building: Building) -> Unit | None:
    """The resident's unit when the code is their own building's (a poster in their lobby): scanning it confirms
    the address they chose, it does not take the unit away."""
    resident = conversation.resident
    if resident.building_id != building.id or resident.unit_id is None:
        return None
    unit = conversation.session.get(Unit, resident.unit_id)
    return unit if unit is not None and unit.active else None


def _other_home(conversation: Conversation, building: Building) -> str | None:
    """The address the resident is bound to, when it is in another building than `building`."""
    resident = conversation.resident
    if resident.building_id is None or resident.grid_id is None or resident.building_id == building.id:
        return None
    home = org.address(conversation.session, resident.grid_id, resident.building_id, resident.unit_id)
    return f"{home.grid_label} {home.home_label}"


def _chosen(conversation: Conversation, step: str, value: Any, chosen: dict[str, Any],
            trail: list[list[Any]], said: str = "") -> str:
    chosen = dict(chosen, **{step: value})
    following = _NEXT.get(step)
    if following is None:
        return _finish(conversation, chosen, said)
    return _advance(conversation, following, parent=value, chosen=chosen, trail=trail, said=said)


def _advance(conversation: Conversation, step: str, parent: Any, chosen: dict[str, Any],
             trail: list[list[Any]], said: str = "") -> str:
    """Ask the question of `step`, unless it has one option or `said` (the answer to the question before, e.g.
    "阳光花园三号楼二单元") already names one of its options: then that is chosen and the next question follows."""
    options = _options(conversation, step, parent)
    if step == "unit" and not options:
        return _finish(conversation, chosen, said)  # a building without units binds at building level
    if not options:
        dialogues.end(conversation)
        return texts.BIND_EMPTY.format(level=texts.LEVELS[step])
    if len(options) == 1:
        return _chosen(conversation, step, options[0][0], chosen, trail, said)
    already = _named_in_sentence(said, [name for _id, name in options]) if said else None
    if already is not None:
        return _chosen(conversation, step, options[already][0], chosen, [*trail, [step, parent]], said)
    dialogues.begin(conversation, DIALOG,
                    {"step": step, "parent": parent, "options": options, "chosen": chosen, "trail": trail, "page": 0})
    return _question(step, [name for _id, name in options], first=not trail)


def _question(step: str, names: list[str], page: int = 0, first: bool = True) -> str:
    if step == "street":
        return texts.BIND_CHOOSE_STREET.format(options=_page(names, page))
    if step == "community" and first:
        return texts.BIND_CHOOSE_FIRST.format(options=_page(names, page))
    return texts.BIND_CHOOSE.format(level=texts.LEVELS[step], options=_page(names, page))


def pages(names: list[str]) -> list[tuple[int, int]]:
    """The menu's pages as [start, end) of `names`: up to PAGE_SIZE options that fit in one reply."""
    budget = REPLY_BYTES - _AROUND_OPTIONS
    found: list[tuple[int, int]] = []
    start, used = 0, 0
    for index, name in enumerate(names):
        size = len(f"{index + 1}. {name}\n".encode())
        if index > start and (index - start == PAGE_SIZE or used + size > budget):
            found.append((start, index))
            start, used = index, 0
        used += size
    found.append((start, len(names)))
    return found


def _page(names: list[str], page: int) -> str:
    """One page of the numbered options, with how to see the next when there is more than one."""
    all_pages = pages(names)
    start, end = all_pages[min(page, len(all_pages) - 1)]
    shown = texts.choices(names[start:end], start=start + 1)
    if len(all_pages) == 1:
        return shown
    more = texts.BIND_MORE_FROM_START if end == len(names) else texts.BIND_MORE
    return shown + "\n" + more.format(first=start + 1, last=end, count=len(names))


def _back(conversation: Conversation, state: Any, trail: list[list[Any]]) -> str:
    """返回: the question before this one, with what was chosen there and after it forgotten."""
    if not trail:
        return texts.BIND_NO_STEP_BACK + "\n" + _asked(state)
    step, parent = trail.pop()
    forgotten = set(STEPS[STEPS.index(step):]) if step in STEPS else set(STEPS)
    chosen = {level: value for level, value in state["chosen"].items() if level not in forgotten}
    return _advance(conversation, step, parent, chosen, trail)


def _options(conversation: Conversation, step: str, parent: Any) -> list[list[Any]]:
    session = conversation.session
    rows: Sequence[Any]
    if step == "street":
        return [[street.id, street.name] for street in org.streets_in_use(session)]
    if step == "community":
        return _community_options(conversation, parent)
    if step == "compound":
        return _compounds(conversation, parent)
    if step == "grid":
        return [[g.id, g.name] for g in org.grids_of(session, parent)]
    if step == "building":
        # [grid, 小区] once a 小区 was chosen; a bare grid id from a dialogue opened before 小区 were asked for
        grid_id, compound = parent if isinstance(parent, list) else (parent, None)
        rows = [building for grid in (grid_id if isinstance(grid_id, list) else [grid_id])
                for building in org.buildings_of(session, grid, compound)]
        return [[b.id, b.name if compound is not None else f"{b.compound}{b.name}"] for b in rows]
    return [[u.id, u.name] for u in org.units_of(session, parent)]


def _community_options(conversation: Conversation, parent: int | str | None) -> list[list[Any]]:
    """The communities of the chosen street (`parent`), of one name (a name two streets have), or of every street;
    by name, where two streets each have one of a name those two also by their street."""
    session = conversation.session
    if isinstance(parent, int):
        return [[community.id, community.name] for community in org.communities_of(session, parent)]
    communities = [community for community in org.communities(session) if parent in (None, community.name)]
    names = [community.name for community in communities]
    shared = {name for name in names if names.count(name) > 1}
    streets = org.street_names(conversation.session) if shared else {}
    return [[community.id, texts.BIND_COMMUNITY_OF_STREET.format(community=community.name,
                                                                 street=streets[community.street_id])
             if community.name in shared else community.name] for community in communities]


def _shared_community_names(conversation: Conversation) -> set[str]:
    """The community names more than one street has, as answers are compared."""
    names = [_comparable(community.name) for community in org.communities(conversation.session)]
    return {name for name in names if names.count(name) > 1}


def _compounds(conversation: Conversation, community_id: int) -> list[list[Any]]:
    """The 小区 of a community, each as [[grid, 小区], name]; a grid without named 小区 goes by its own name. A 小区
    whose buildings lie in several grids is one option, [[[grid, grid …], 小区], name]: residents know their 小区
    and building, not which grid the ledger put the building in."""
    return _compounds_of(conversation, [community_id])[community_id]


def _compounds_of(conversation: Conversation, community_ids: list[int]) -> dict[int, list[list[Any]]]:
    """`_compounds` of each community, read at once."""
    found: dict[int, list[list[Any]]] = {}
    for community_id, grids in org.compounds_by_grid(conversation.session, community_ids).items():
        options: list[list[Any]] = []
        found[community_id] = options
        named: dict[str, list[Any]] = {}  # 小区 -> its place, [grid or grids, 小区]
        for grid, compounds in grids:
            for compound in compounds or [""]:
                place = named.get(compound) if compound else None
                if place is None:
                    place = [grid.id, compound]
                    options.append([place, compound or grid.name])
                    named[compound] = place
                else:
                    place[0] = [*(place[0] if isinstance(place[0], list) else [place[0]]), grid.id]
    return found


def _compounds_named(conversation: Conversation, text: str,
                     street_id: int | None = None) -> list[tuple[int, list[Any]]]:
    """Each 小区 (its community and [grid, 小区]) of the name the text gives: one, or each community's of a name
    several communities have (two streets' 阳光花园: neither is meant more than the other)."""
    session = conversation.session
    communities = org.communities(session) if street_id is None else org.communities_of(session, street_id)
    every = _compounds_of(conversation, [community.id for community in communities])
    found = [(community.id, option) for community in communities for option in every[community.id]]
    names = [_comparable(option[1]) for _community, option in found]
    index = _choice(text, [option[1] for _community, option in found], numbers=False)
    if index is not None:
        wanted = {names[index]}
    else:  # "我住阳光花园3号楼": a sentence holding a name several have is no choice among them, nor no 小区
        held = [name for name in names if name in _comparable(text)]
        wanted = {name for name in held if len(name) == max(map(len, held))} if held else set()
    if len(wanted) != 1:
        return []
    return [(community_id, option[0]) for (community_id, option), name in zip(found, names, strict=True)
            if name in wanted]


def _finish(conversation: Conversation, chosen: dict[str, Any], said: str = "") -> str:
    session = conversation.session
    building = session.get_one(Building, chosen["building"])
    unit = session.get(Unit, chosen["unit"]) if "unit" in chosen else None
    resident = conversation.resident
    moved_from = resident.building_id
    dropped_door = residents.bind(session, resident, building, unit)
    dialogues.end(conversation)
    place = org.address(session, building.grid_id, building.id, unit.id if unit else None)
    # 和平社区 in two streets: the street named, as the menu named it, so the resident sees which one was bound.
    shared = _comparable(place.community) in _shared_community_names(conversation)
    grid_label = f"{place.street}·{place.grid_label}" if shared else place.grid_label
    done = (staff_texts.BIND_DONE if conversation.is_staff else texts.BIND_DONE).format(
        grid_label=grid_label, home=place.home_label)
    door = _door_said(building, unit, said) if not conversation.is_staff else None
    if door is not None:  # before the held appeals go out: an emergency's card shows it to whoever goes first
        contacts.set_door(resident, door)
        done += "\n" + texts.DOOR_NOTED.format(door=resident.door)
    return _with_released(conversation, _after_move(conversation, done, moved_from, dropped_door), place.grid_label)


# The room number said after the unit, in one sentence with the address: 阳光花园3号楼2单元502, …二单元五零二室.
_ROOM_AFTER_UNIT = re.compile(r"单元\s*([0-9零一二三四五六七八九幺两]{3,4})\s*[室号房户]?$")


def _door_said(building: Building, unit: Unit | None, said: str) -> str | None:
    """The 门牌 a resident gave with the address they bound to ("我住阳光花园3号楼2单元502"), as `门牌` would store
    it (3号楼2单元502); None when they said no room number. Without this the number was dropped, and in an
    emergency told while binding, the responders did not know which door."""
    room = _ROOM_AFTER_UNIT.search(said.rstrip(_ENDINGS)) if unit is not None else None
    if room is None:
        return None
    try:
        return contact_input.door_number(f"{building.name}{unit.name}{room.group(1)}")  # type: ignore[union-attr]
    except contact_input.InvalidContact:
        return None


def _after_move(conversation: Conversation, message: str, moved_from: int | None, dropped_door: str | None) -> str:
    """What a move to another building leaves behind: the appeals still open at the old home (worked on there,
    the resident must not think them lost or moved) and the 门牌 that was the old home's."""
    new_home = conversation.resident.building_id
    if moved_from is not None and moved_from != new_home:
        left = [appeal.ticket for appeal in chasing.open_appeals(conversation.session, conversation.resident.id)
                if appeal.building_id == moved_from]
        if left:
            message += "\n" + texts.APPEALS_STAY_AT_OLD_HOME.format(tickets="、".join(reversed(left)))
    if dropped_door is not None:
        message += "\n" + texts.DOOR_OF_OLD_HOME.format(door=mask_door(dropped_door))
    return message + _member_home(conversation)


def _member_home(conversation: Conversation) -> str:
    """A 党员 or 志愿者 (any of the community's own people) who moved: where they are registered now, as a line."""
    member, resident = conversation.volunteer, conversation.resident
    if member is None or member.role == StaffRole.BUILDING_LEAD \
            or (member.building_id, member.unit_id) == (resident.building_id, resident.unit_id):
        return ""
    session = conversation.session
    unit = session.get(Unit, resident.unit_id) if resident.unit_id is not None else None
    followed = chain.follow_home(session, member, session.get_one(Building, resident.building_id), unit)
    line = community_texts.MEMBER_HOME_FOLLOWED if followed else community_texts.MEMBER_HOME_STAYS
    return "\n" + line.format(role=community_texts.role_name(member.role),
                               home=enrolments.home_label(session, member.building_id, member.unit_id))


def still_to_answer(conversation: Conversation, emergency: bool = True) -> str:
    """The reminder to an unbound resident that the open binding question still wants an answer (in an emergency:
    the responders need the address; else the appeal waits for it), as a line of its own; nothing when they have an
    address or no binding goes on."""
    if conversation.sender.grid_id is not None or dialogues.named(conversation, DIALOG) is None:
        return ""
    return f"\n{texts.EMERGENCY_BINDING_GOES_ON if emergency else texts.BINDING_GOES_ON}"


def _with_released(conversation: Conversation, message: str, grid_label: str) -> str:
    resident = conversation.resident
    # optional, never a step: one line, until they leave either. Not for staff: their 我的电话 is the work phone
    # every resident they serve is told, no number only their handler reads.
    if resident.phone is None and resident.door is None and not conversation.is_staff:
        message += "\n" + texts.CONTACT_HINT
    released = appeals.release_held(conversation.session, resident, conversation.now)
    if not released:
        return message
    tickets = "、".join(appeal.ticket for appeal in released)
    return message + "\n" + texts.HELD_RELEASED.format(tickets=tickets, grid_label=grid_label)


_CHINESE_DIGITS = {**{c: i for i, c in enumerate("一二三四五六七八九十", start=1)}, "两": 2}  # 两: 2 as said
_ENDINGS = "。.!！，,?？~ "
# How alike a slip of the keyboard or of voice recognition is to the name meant (阳光花苑 for 阳光花园: 0.75).
_NEAR_ENOUGH = 0.6


# "二单元" and "2单元", "三号楼" and "3号楼" are one name: answers and options are compared with digits.
_DIGITS = str.maketrans("一二两三四五六七八九", "1223456789")  # 两单元: 2单元 as people say it


# 3号楼, 3栋, 3幢 and 3号 name one building however it is written on the sign or said.
_BUILDING_WORD = re.compile(r"(\d+)(?:号楼|号栋|栋|幢|号)")


def _comparable(text: str) -> str:
    """A name or an answer with its digits as digits, its word for a building as one word and its letters as
    capitals (b座 typed on a phone is the B座 of the sign)."""
    return _BUILDING_WORD.sub(r"\1栋", text.translate(_DIGITS)).upper()


def _cleaned(text: str) -> str:
    """The answer as the options are written: half-width, simplified (陽光花園 is 阳光花园), no full stop."""
    return as_read(text).strip().strip(_ENDINGS)


def _choice(text: str, names: list[str], numbers: bool = True) -> int | None:
    """The option an answer picks: its number, its name, a part of it, a sentence naming it, or a near name."""
    if numbers:
        # Voice recognition writes a spoken "二" as a character.
        number = typed_id(str(_CHINESE_DIGITS.get(text, text)))
        if number is not None and 1 <= number <= len(names):
            return number - 1
    text, names = _comparable(text), [_comparable(name) for name in names]
    named = _named(text, names)
    if named is not None:
        return named
    # "我住阳光花园": the longest name the sentence holds, if only one is that long.
    held = [index for index, name in enumerate(names) if name in text]
    longest = [index for index in held if len(names[index]) == max(len(names[i]) for i in held)]
    if len(longest) == 1:
        return longest[0]
    return _near(text, names)


def _named_in_sentence(text: str, names: list[str]) -> int | None:
    """The one option whose whole name the sentence holds, the longest if several ("3号楼" in "阳光花园三号楼二单元");
    a name after a digit is part of another number (1号楼 is not in 11号楼 nor in 十一号楼). A menu number answered
    the question before, so a name of digits alone is never looked for."""
    text, names = _comparable(text), [_comparable(name) for name in names]
    held = [index for index, name in enumerate(names) if not name.isdigit()  # "3" is a menu number, not a name
            and re.search(r"(?<![0-9十百])" + re.escape(name), text) is not None]
    longest = [index for index in held if len(names[index]) == max(len(names[i]) for i in held)]
    return longest[0] if len(longest) == 1 else None


def _named(text: str, names: list[str]) -> int | None:
    """The option whose name is the text, or the only one holding it ("幸福里", "阳光", "B座" for "东方名苑B座")."""
    text, names = _comparable(text), [_comparable(name) for name in names]
    if not text:
        return None
    if text in names:
        return names.index(text)
    holding = [index for index, name in enumerate(names) if text in name]
    if len(holding) == 1:
        return holding[0]
    ending = [index for index in holding if names[index].endswith(text)]
    return ending[0] if len(ending) == 1 else None


def _near(text: str, names: list[str]) -> int | None:
    """The one option clearly nearest to a name with a wrong character (幸福里小区 for 幸福里社区)."""
    likeness = [difflib.SequenceMatcher(None, text, name).ratio() if len(text) <= len(name) + 2 else 0.0
                for name in names]
    best = max(likeness, default=0.0)
    if best < _NEAR_ENOUGH or likeness.count(best) > 1:
        return None
    return likeness.index(best)
