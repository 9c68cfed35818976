"""Several problems in one appeal, filed separately at the resident's word ("分开"): each other problem becomes
an appeal of its own (own category, own card, own clock) and the first stays with the original ticket.

The original's words are the resident's and are never rewritten: its record notes which tickets the other
problems went to, whoever already holds it is told to handle only the first, and lists show it by that first
problem (`Appeal.kept_words`). The others are filed where the original was: at the building her words named
when that was not her home (storage.said_places).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Collection, Sequence

from sqlalchemy.orm import Session

from storage import appeals
from storage.chasing import claimed, holders_of, tell_holders
from storage.errors import NotFound
from storage.material import HELD
from storage.models import OPEN_STATUSES, Appeal
from storage.notices import StaffPartsFiled
from storage.said_places import SaidPlace


def file_parts(session: Session, resident: appeals.Sender, original_id: int, kept: str,
               others: Sequence[appeals.Intake], now: datetime, sensitive: Collection[str]) -> list[appeals.Filed]:
    """File `others` as the resident's appeals and note them on the original, which keeps the words `kept`.

    NotFound when the original is not the resident's or is no longer open (cancelled, merged, closed since the
    offer): its problems are then told anew rather than split from a finished record.
    """
    original = session.get(Appeal, original_id)
    if original is None or original.resident_id != resident.id or original.status not in OPEN_STATUSES:
        raise NotFound(str(original_id))
    # Each keeps the message it came in, as received, and its channel (the "分开" that split it is no appeal).
    as_received = {"raw_message": json.loads(original.raw_message), "channel": appeals.Channel(original.channel)}
    # Each is where the original was filed, which is not her home when her words named another building
    # (storage.said_places): the problems she reported are there.
    place = (SaidPlace(resident.id, original.grid_id, original.building_id, original.unit_id)
             if original.grid_id is not None and original.building_id is not None else resident)
    filed = [appeals.file_appeal(session, place, replace(intake, **as_received), now) for intake in others]
    tickets = tuple(f.ticket for f in filed)
    original.second_category = None  # the other problems have appeals of their own now
    original.kept_words = kept  # lists show it by its own problem, not the opening its split-off tickets have
    appeals.record(session, original.id, now, appeals.Action.PARTS_FILED, None, None, actor_id=resident.id,
                   note="、".join(tickets))
    if original.status in HELD:
        notice = StaffPartsFiled(ticket=original.ticket, content=kept, tickets=tickets,
                                 claimed=claimed(original))
        tell_holders(session, original, holders_of(session, original), notice, now, sensitive)
    return filed
