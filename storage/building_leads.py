"""代报 (红色代办): the community's own people who may (NEIGHBOUR_REPORTERS: 楼长, 单元长, 党员中心户, 党员) file
for a neighbour who does not use WeChat, `代报 2单元 …` or `代报 3-2-501 …`.

None of them is grid staff: no task cards, no claiming, no reading of appeals (storage.staff.can_read admits
only what they filed). The neighbour lives in the reporter's building: for a 楼长 the one they look after, for the
others their home (their Staff row's building; `gridbot invite` or a confirmed 党员报到 sets it). The appeal is an
ordinary one, filed by storage.appeals.file_appeal: its address is that building and the unit (or 门牌) named, it
is classified and dispatched to the grid like any other, and the reporter stands in the resident's place for it
(the ticket, every status notice, the rating all go to them: the appeal's resident is the reporter's own
resident row). The audit event names the reporter and its channel is `building_lead`. A filed 代报 earns the
reporter the `neighbour_report` points in the same transaction (storage.points; reversed if it is 不受理).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from storage import appeals, org, points
from storage.contact_input import InvalidContact, door_number, in_digits
from storage.errors import DomainError, NotAllowed
from storage.models import NEIGHBOUR_REPORTERS, Appeal, Building, Staff, Unit

# Between the unit or 门牌 and the problem (代报 2单元，楼道灯坏了).
_APART = re.compile(r"[\s,，:：;；]+")
_UNIT_WORD = "单元"
_GAP = " ,，:：;；\t\u3000"
_ROOM_START = re.compile(r"[0-9\-#/]")  # 2单元501, 2单元-501: a room follows the unit
_DOOR_END = re.compile(r"[0-9A-Za-z室号户]$")
_BUILDING_IN_DOOR = re.compile(r"(\d+)(?:号楼|栋|幢)")
# A 门牌 with the words right after it, no space (2单元501王奶奶家水管漏水, 3-2-501家里漏水): a room of three or four
# digits (or one ending in 室/号/户), so that 2单元5楼… (a floor) is not read as one.
_DOOR_THEN_WORDS = re.compile(r"((?:\d+(?:号楼|栋|幢))?\d+单元(?:\d{3,4}(?:室|号|户)?|\d+(?:室|号|户))"
                              r"|\d+-\d+-(?:\d{3,4}(?:室|号)?|\d+(?:室|号)))(?=[\u4e00-\u9fff])")


class UnknownHome(DomainError):
    """The words name no unit of the reporter's building and are no 门牌; `units` are the building's units."""

    def __init__(self, typed: str, units: list[str]) -> None:
        super().__init__(typed)
        self.typed, self.units = typed, units


class OtherBuilding(DomainError):
    """The 门牌 names another building than the reporter's (5号楼1单元201 from the 楼长 of 3号楼)."""

    def __init__(self, typed: str, building: str) -> None:
        super().__init__(typed)
        self.typed, self.building = typed, building


class NothingToReport(DomainError):
    """A unit or 门牌, but no problem after it."""


@dataclass(frozen=True)
class Home:
    """The neighbour's home in the reporter's building: a unit of it, a 门牌, or both (2单元501 names 2单元)."""

    building_id: int
    grid_id: int
    unit_id: int | None
    door: str | None
    label: str  # 阳光花园3号楼2单元, 阳光花园3号楼 3-2-501: how the reply names it


@dataclass(frozen=True)
class _OnBehalf:
    """What file_appeal needs of a sender: who hears back (the reporter's resident row) and the neighbour's address."""

    id: int
    grid_id: int
    building_id: int
    unit_id: int | None


def reporter_building(member: Staff) -> int:
    """The building whose neighbours an active reporter files for (a 楼长's, or the reporter's home); NotAllowed
    for anyone else (a 志愿者, grid staff, or a member without a building)."""
    if member.role not in NEIGHBOUR_REPORTERS or not member.active or member.building_id is None:
        raise NotAllowed("not_a_neighbour_reporter")
    return member.building_id


def neighbour_home(session: Session, member: Staff, words: str) -> tuple[Home, str]:
    """Split what follows 代报 into the neighbour's home and the problem: `2单元 楼道灯坏了`, `2 楼道灯坏了` (the
    unit's number), `2单元501 …` / `3-2-501 …` (a 门牌, its unit found in it), or `2单元楼道灯坏了`,
    `2单元501王奶奶家漏水` (no space after a unit or a 门牌). UnknownHome when the first words are neither; NothingToReport when no problem follows."""
    building = session.get_one(Building, reporter_building(member))
    if not building.active:
        raise NotAllowed("building_gone")
    units = list(org.units_of(session, building.id))
    text = _without_building(words.strip(), building.name, units)
    parts = _APART.split(text, maxsplit=1)  # the problem is kept as typed; the home is read normalised
    head, problem = unicodedata.normalize("NFKC", parts[0]), (parts[1].strip() if len(parts) > 1 else "")
    spoken = in_digits(head)  # 二单元 is 2单元 (and 二单元楼道灯坏了 too, where the lengths agree to cut it right)
    unit, door = _unit_named(units, spoken), None
    leading = None if unit else _leading_unit(units, spoken if len(spoken) == len(head) else head)
    if leading is not None:  # no space after a unit: 2单元楼道灯坏了
        # A unit's name (digits and 单元) normalises one character to one: its length is the same as typed.
        unit, problem = leading, text[len(leading.name):].lstrip(_GAP).strip()
    elif unit is None:
        door = _door(head) if problem else None
        if door is None and len(head) == len(parts[0]):  # 2单元501王奶奶家水管漏水: a 门牌, then the words
            door, problem = _leading_door(spoken if len(spoken) == len(head) else head, text, problem)
        if _names_another_building(door or spoken, building.name):  # 1号楼2单元 … is another building's, door or not
            raise OtherBuilding(head, f"{building.compound}{building.name}")
        if door is None:
            raise UnknownHome(head, [row.name for row in units])
        unit = _unit_in(units, door)
        if unit is None and units and _UNIT_WORD in door:  # 5单元501 in a building of two units: a slip
            raise UnknownHome(head, [row.name for row in units])
    if not problem:
        raise NothingToReport(head)
    place = f"{building.compound}{building.name}"
    label = f"{place} {door}" if door else f"{place}{unit.name if unit else ''}"
    return Home(building.id, building.grid_id, unit.id if unit else None, door, label), problem


def whole_building(session: Session, member: Staff) -> Home:
    """The reporter's building itself, no unit or 门牌 in it: where a danger reported without a readable home is
    filed (someone may be hurt; the responders find the flat on the spot)."""
    building = session.get_one(Building, reporter_building(member))
    if not building.active:
        raise NotAllowed("building_gone")
    return Home(building.id, building.grid_id, None, None, f"{building.compound}{building.name}")


def file_for_neighbour(session: Session, member: Staff, resident_id: int, home: Home, intake: appeals.Intake,
                       now: datetime) -> appeals.Filed:
    """代报: file `intake` (its channel made `building_lead`) at the neighbour's home and grant the reporter the
    `neighbour_report` points for it; `resident_id` is the reporter's own resident row, who hears back. Refused
    (NotAllowed) unless `member` is an active reporter of that building."""
    if reporter_building(member) != home.building_id:
        raise NotAllowed("not_their_building")
    on_behalf = _OnBehalf(resident_id, home.grid_id, home.building_id, home.unit_id)
    filed_as = replace(intake, channel=appeals.Channel.BUILDING_LEAD)
    filed = appeals.file_appeal(session, on_behalf, filed_as, now, reporter=member, door=home.door)
    points.grant(session, member.id, "neighbour_report", points.Source(appeal_id=filed.id), now)
    return filed


def relayer(session: Session, appeal: Appeal, resident_id: int) -> Staff | None:
    """Who wrote for the appeal's resident when `resident_id` is the reporter of a 代报 (her words about it are
    hers, not the neighbour's); None for anyone else, or an appeal filed by its resident."""
    if appeal.reporter_staff_id is None or appeal.resident_id != resident_id:
        return None  # 上报 has a reporter but no resident; a neighbour who joined speaks for themselves
    return session.get(Staff, appeal.reporter_staff_id)


def filed_at(session: Session, member: Staff, appeal_id: int, home: Home) -> bool:
    """True when the appeal is one `member` filed for the neighbour of `home` (the same unit and 门牌): a 代报 sent
    again is told apart from the same words reported for another neighbour (2单元 and 1单元 both 楼道灯坏了)."""
    filed = session.get_one(Appeal, appeal_id)
    return (filed.reporter_staff_id == member.id and filed.building_id == home.building_id
            and filed.unit_id == home.unit_id and filed.door == home.door)


def _without_building(text: str, building: str, units: list[Unit]) -> str:
    """The words with the reporter's own building left out before a unit (3号楼2单元 楼道灯坏了, 三号楼 2单元 …) or,
    written apart, a 门牌 (3号楼 2单元501 …): she names her building out of habit. Kept otherwise: 3号楼2单元501
    is a 门牌 stored as typed, and 3号楼 楼道灯坏了 names no neighbour."""
    said = in_digits(unicodedata.normalize("NFKC", text))
    if not said.startswith(building) or len(said) != len(text):
        return text  # a numeral read as more digits (十单元) would cut the problem at the wrong place
    apart = text[len(building):len(building) + 1] in tuple(_GAP)
    rest = text[len(building):].lstrip(_GAP)
    head = in_digits(unicodedata.normalize("NFKC", _APART.split(rest, maxsplit=1)[0]))
    if apart and _door(head) is not None:  # 3号楼 2单元501 …: her building, then the 门牌
        return rest
    named = _unit_named(units, head) or _leading_unit(units, head)
    return rest if named is not None and not _ROOM_START.match(head[len(named.name):]) else text


def _names_another_building(door: str, building: str) -> bool:
    """The 门牌 starts with a building's number (5号楼…, 5栋…; 5-1-201 and 501号 do not say) not this one's."""
    named = _BUILDING_IN_DOOR.match(door)
    own = re.match(r"\d+", building)
    return named is not None and own is not None and named.group(1) != own.group(0)


def _unit_named(units: list[Unit], typed: str) -> Unit | None:
    """The unit `typed` names: its name (2单元), or its number alone (2)."""
    for unit in units:
        if typed in (unit.name, unit.name.removesuffix(_UNIT_WORD)):
            return unit
    return None


def _leading_unit(units: list[Unit], head: str) -> Unit | None:
    """The unit `head` starts with when words, not a room, follow it (2单元楼道灯坏了, not 2单元501)."""
    for unit in sorted(units, key=lambda row: -len(row.name)):
        rest = head.removeprefix(unit.name)
        if rest != head and rest and not _ROOM_START.match(rest):
            return unit
    return None


def _leading_door(head: str, text: str, problem: str) -> tuple[str | None, str]:
    """The 门牌 `head` starts with when words follow it without a space, and the problem from those words on
    (`text`, as typed, of which `head` is the first word read normalised); (None, `problem`) when it starts with
    none."""
    found = _DOOR_THEN_WORDS.match(head)
    if found is None:
        return None, problem
    return _door(found.group(1)), text[found.end(1):].lstrip(_GAP).strip()


def _door(typed: str) -> str | None:
    """The 门牌 as contacts store it, if `typed` is one: it ends in a room (501, 501室), never in words."""
    if not _DOOR_END.search(typed):
        return None
    try:
        return door_number(typed)
    except InvalidContact:
        return None


def _unit_in(units: list[Unit], door: str) -> Unit | None:
    """The unit a 门牌 names by its name (3号楼2单元501 is in 2单元); None when it names none (3-2-501)."""
    named = [unit for unit in units if re.search(rf"(?<!\d){re.escape(unit.name)}", door)]
    return max(named, key=lambda unit: len(unit.name)) if named else None
