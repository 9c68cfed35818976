"""How residents and staff reach each other: a staff member's published work phone (工作电话), a resident's
optional phone (我的电话) and 门牌, and who reads them whole.

A resident's phone and 门牌 are read whole only by the appeal's handler (its assignee, who must call or
visit); anyone else who may read the appeal (`staff.can_read`) sees them masked, and no one else sees them at
all. A work phone is published for residents: their 已接单 notice names it whole.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from storage.contact_input import door_number, phone_number
from storage.models import Appeal, Resident, Staff
from storage.privacy import mask_door, mask_id_numbers, mask_personal_numbers
from storage.staff import can_read, readable


def publish_work_phone(member: Staff, typed: str | None) -> str | None:
    """工作电话: the number residents are told when the member claims their appeal; None withdraws it."""
    member.work_phone = phone_number(typed) if typed else None
    return member.work_phone


def volunteer_phone(session: Session, member: Staff) -> str | None:
    """The phone the one responsible for a volunteer's task reaches them on: the one their community entered, else
    the one they left with 我的电话 (a member who enrolled in the chat has no other)."""
    if member.phone or member.openid is None:
        return member.phone
    return session.scalars(select(Resident.phone).where(Resident.openid == member.openid)).first()


def set_phone(resident: Resident, typed: str | None) -> str | None:
    """我的电话: the number the resident's handler may call; None removes it."""
    resident.phone = phone_number(typed) if typed else None
    return resident.phone


def set_door(resident: Resident, typed: str | None) -> str | None:
    """门牌: the door the resident's handler may knock on; None removes it."""
    resident.door = door_number(typed) if typed else None
    return resident.door


@dataclass(frozen=True)
class Contact:
    """A resident's phone and 门牌 as one reader may see them (either may be None: not given)."""

    phone: str | None
    door: str | None
    whole: bool  # the reader is the handler: nothing is masked

    @property
    def given(self) -> bool:
        """Whether the resident left anything to reach them by."""
        return bool(self.phone or self.door)


def masked(resident: Resident | _Reached) -> Contact:
    """The resident's own contact as anyone but the handler sees it (the resident too, in 我的地址)."""
    return Contact(mask_personal_numbers(resident.phone) if resident.phone else None,
                   mask_door(resident.door) if resident.door else None, whole=False)


def on_card(session: Session, appeal: Appeal) -> Contact:
    """What a task card shows of the appeal's resident: masked, whoever reads the card (a 上报 has no resident),
    but for an emergency's 门牌 (`_carded`)."""
    resident = _resident(session, appeal)
    return _carded(_at_appeal(resident, appeal), appeal) if resident is not None else Contact(None, None, whole=False)


def words_on_card(appeal: Appeal, limit: int | None = None) -> str:
    """The appeal's words as a card shows them before anyone has claimed it: an ID-card number written in them
    masked (the card reaches the whole grid; the handler reads it whole in 查询 once they have claimed it), a
    phone number as written; after 分开, the problem the ticket kept, not the others filed apart. `limit`: cut after
    masking, so no cut leaves part of a number bare."""
    shown = mask_id_numbers(appeal.listed_words)
    return shown if limit is None else shown[:limit]


def on_cards(session: Session, appeals: Collection[Appeal]) -> dict[int, Contact]:
    """`on_card` of many appeals (by appeal id) in one statement, as a dispatch chunk's cards need."""
    resident_ids = {appeal.resident_id for appeal in appeals if appeal.resident_id is not None}
    residents = {row.id: _Reached(row.phone, row.door, row.building_id)
                 for row in session.execute(_RESIDENTS, {"ids": list(resident_ids)})} if resident_ids else {}
    return {appeal.id: _carded(_at_appeal(residents[appeal.resident_id], appeal), appeal)
            if appeal.resident_id is not None and appeal.resident_id in residents else Contact(None, None, whole=False)
            for appeal in appeals}


def _carded(reached: _Reached, appeal: Appeal) -> Contact:
    """A card's contact: masked, but an emergency's 门牌 whole, since whoever reads its card may have to knock on
    that door before anyone has claimed it (the phone stays the handler's)."""
    shown = masked(reached)
    if appeal.emergency is not None and reached.door:
        return replace(shown, door=reached.door)
    return shown


_RESIDENTS = select(Resident.id, Resident.phone, Resident.door, Resident.building_id).where(Resident.id.in_(bindparam("ids", expanding=True)))


def for_reader(session: Session, member: Staff, appeal: Appeal, sensitive: Collection[str]) -> Contact | None:
    """The appeal's resident's contact as `member` may see it: whole for its handler, masked for whoever else may
    read the appeal, None for whoever may not (or when the appeal has no resident, as a 上报 has none)."""
    if not can_read(member, readable(session, appeal, sensitive)):
        return None
    return for_admitted(session, member, appeal)


def for_admitted(session: Session, member: Staff, appeal: Appeal) -> Contact | None:
    """`for_reader` once the read was checked (and audited, as 查询's storage.lookups does)."""
    resident = _resident(session, appeal)
    if resident is None:
        return None
    reached = _at_appeal(resident, appeal)
    if member.id is not None and member.id == appeal.assignee_staff_id:
        return Contact(reached.phone, reached.door, whole=True)
    return masked(reached)


def of_appeal(session: Session, appeal: Appeal) -> Contact:
    """The appeal's contact masked, as an operator's record shows it (nothing given when it has no resident)."""
    resident = _resident(session, appeal)
    return masked(_at_appeal(resident, appeal)) if resident is not None else Contact(None, None, whole=False)


def _resident(session: Session, appeal: Appeal) -> Resident | None:
    return session.get(Resident, appeal.resident_id) if appeal.resident_id is not None else None


@dataclass(frozen=True)
class _Reached:
    phone: str | None
    door: str | None
    building_id: int | None = None  # where the resident lives now: their 门牌 is a door there


def _at_appeal(resident: Resident | _Reached, appeal: Appeal) -> _Reached:
    """The phone and 门牌 an appeal's handler uses: a 代报's door is the neighbour's, kept on the appeal; the phone
    is the resident's (the 楼长's, who hears back). The resident's own 门牌 is a door of the building they live in
    now: an appeal filed at their former home (before 我搬家了) does not show the new home's door."""
    at_home = resident.building_id == appeal.building_id
    return _Reached(resident.phone, appeal.door or (resident.door if at_home else None))
