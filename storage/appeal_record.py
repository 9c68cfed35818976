"""Everything an operator reads about one appeal (`gridbot appeals show`, the console's page): the appeal, its
place, who holds it, its timeline with staff names, material, rating, followers and the resident's contact.

The contact is masked: an operator is not the appeal's handler (storage/contacts.py). Reading is audited by
the caller (storage/lookups.py `read_from_cli`), never here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import contacts
from storage.appeals import shown_status, shown_statuses
from storage.models import (
    Appeal,
    AppealEvent,
    AppealFollower,
    AppealStatus,
    Attachment,
    FocusCase,
    FocusCaseAppeal,
    Staff,
)
from storage.org import Address, address
from storage.queries import Scope, response_due, returned_due, timeline_with_names

OTHER_APPEALS = 10  # of the same resident, on the page: enough to see a pattern


@dataclass(frozen=True)
class Follower:
    """A resident following the appeal: their own appeal that was joined or merged into it."""

    ticket: str
    joined_at: datetime


@dataclass(frozen=True)
class AppealRecord:
    """One appeal with what an operator needs to act on it."""

    appeal: Appeal
    place: Address | None
    assignee: str | None
    reporter: str | None  # the staff member who filed it (上报); None for a resident's appeal
    timeline: list[tuple[AppealEvent, str | None]]  # every event, internal ones too, with the staff name
    material: Sequence[Attachment]
    followers: list[Follower]
    contact: contacts.Contact  # masked; nothing given when there is no resident
    status: str  # as its resident is told it (storage.appeals.shown_status): a lapsed one is not 居民已撤销


def record_of(session: Session, appeal: Appeal) -> AppealRecord:
    """The appeal's record as an operator reads it."""
    place = address(session, appeal.grid_id, appeal.building_id, appeal.unit_id) if appeal.grid_id else None
    material = session.scalars(select(Attachment).where(Attachment.appeal_id == appeal.id)
                               .order_by(Attachment.id)).all()
    followers = [Follower(ticket, at) for ticket, at in session.execute(
        select(Appeal.ticket, AppealFollower.joined_at)
        .join(Appeal, Appeal.id == AppealFollower.source_appeal_id)
        .where(AppealFollower.appeal_id == appeal.id).order_by(AppealFollower.id)
    )]
    contact = contacts.of_appeal(session, appeal)
    return AppealRecord(appeal, place, _name(session, appeal.assignee_staff_id),
                        _name(session, appeal.reporter_staff_id), timeline_with_names(session, appeal),
                        material, followers, contact, shown_status(session, appeal))


def running_due(record: AppealRecord) -> datetime | None:
    """The deadline of the clock the appeal is on (the claim's, the resolve's, or, given back, its re-routing's),
    None when none runs."""
    appeal = record.appeal
    if appeal.paused_at is not None:
        return None
    if appeal.status == AppealStatus.RETURNED:
        returned = max((event.at for event, _ in record.timeline if event.to_status == AppealStatus.RETURNED),
                       default=None)
        return returned_due(appeal, returned)
    if appeal.status == AppealStatus.DISPATCHED:
        since = max((event.at for event, _ in record.timeline if event.to_status == AppealStatus.DISPATCHED),
                    default=appeal.created_at)
        return response_due(appeal, since)
    return appeal.resolve_due_at if appeal.status == AppealStatus.ACCEPTED else None


@dataclass(frozen=True)
class Surroundings:
    """What lies around an appeal on the console's page."""

    others: Sequence[Appeal]  # the same resident's other appeals within the operator's scope, newest first
    focus_cases: Sequence[FocusCase]  # the 聚焦办 cases it belongs to
    statuses: dict[int, str]  # each other appeal's status as shown (storage.appeals.shown_status), by id


def surroundings(session: Session, appeal: Appeal, scope: Scope) -> Surroundings:
    """The resident's other appeals an operator of `scope` may open, and the focus cases of the appeal."""
    others: Sequence[Appeal] = []
    if appeal.resident_id is not None:
        others = session.scalars(
            select(Appeal).where(Appeal.resident_id == appeal.resident_id, Appeal.id != appeal.id, scope.condition())
            .order_by(Appeal.id.desc()).limit(OTHER_APPEALS)
        ).all()
    cases = session.scalars(
        select(FocusCase).join(FocusCaseAppeal, FocusCaseAppeal.case_id == FocusCase.id)
        .where(FocusCaseAppeal.appeal_id == appeal.id).order_by(FocusCase.id)
    ).all()
    return Surroundings(others, cases, shown_statuses(session, others))


def _name(session: Session, staff_id: int | None) -> str | None:
    return session.get_one(Staff, staff_id).name if staff_id is not None else None
