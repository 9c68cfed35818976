"""Category corrections of the 待分类 review; every correction is kept as a labelled example.

The queue itself is a list of the read model (`storage.queries.review_queue`).

`gridbot nlp train --from-db` learns from `labelled_history`: the corrections, and the appeals that were
resolved under the category they had (staff worked them to the end without correcting it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage import complaints, workdays
from storage.actors import ActorKind, Manager, actor_of, name_of, staff_id_of
from storage.appeals import UNCLASSIFIED, Action, Channel, record, refuse_unplaced, wrong_state
from storage.chasing import holders_of
from storage.errors import NotAllowed
from storage.models import (
    OPEN_STATUSES,
    Appeal,
    AppealEvent,
    AppealStatus,
    ConsoleUser,
    LabelledExample,
    Staff,
)
from storage.notices import ResidentRecategorised, StaffRecategorised
from storage.privacy import mask_personal_numbers
from storage.staff import manages_grid
from storage.tasks import held
from storage.telling import tell, tell_resident

FINISHED = (AppealStatus.RESOLVED, AppealStatus.CLOSED)
OVERRIDE_WINDOW = timedelta(minutes=10)
LEARNABLE_CHANNELS = (Channel.TEXT, Channel.VOICE, Channel.GRID_REPORT, Channel.BUILDING_LEAD)


@dataclass(frozen=True)
class NewCategory:
    """The category an appeal is corrected to, with its time limits and subcategories from the taxonomy.

    `hours_of`: the (response, resolve) hours of one of its subcategories, where a subcategory sets its own
    (None: the category's hours for every subcategory).
    """

    name: str
    response_hours: int
    resolve_hours: int
    subcategory_of: Callable[[str], str | None] = lambda _text: None
    hours_of: Callable[[str | None], tuple[int, int]] | None = None
    working_days: bool = False  # its hours count on working days only

    def hours(self, subcategory: str | None) -> tuple[int, int]:
        """(response, resolve) hours of an appeal of this category and subcategory."""
        if self.hours_of is None:
            return self.response_hours, self.resolve_hours
        return self.hours_of(subcategory)


def reclassify(session: Session, reviewer: Manager, ticket: str, category: NewCategory, now: datetime) -> Appeal:
    """分类 <编号> <类别>: give an open appeal another category; its deadlines move by the change in time limits.

    Allowed to the operators of the appeal's community and the leader of its grid (in the console: an operator
    of its scope). The correction is kept as a
    labelled example (one per appeal: a second correction replaces the first, one back to the category the
    classifier gave undoes it); 待分类 takes a correction back:
    the appeal waits in the queue again and its example is dropped. Whoever holds the task (its
    assignee, or the team its card went to while unclaimed) is told the new category and deadlines: the card they
    hold says the old ones. The resident is told the category and its time limits: the receipt said 待分类
    (工作人员将尽快确认类别) or the old category, with the old limits.

    A resolved or closed appeal may be corrected too, or `nlp train --from-db` would learn it under the wrong
    category as one "resolved under its own": only its category and the example change, its time limits are
    the ones it was handled under and nobody is told.
    """
    appeal = held(session, ticket)  # the deadlines shifted are those a 改派 at the same moment has just set
    refuse_unplaced(session, appeal)
    if not manages_grid(session, reviewer, appeal.grid_id):
        raise NotAllowed("not_reviewer")
    if complaints.accused(session, appeal.id) is not None:
        # Recognised by nlp.complaints, never by the classifier: as 物业服务 it would read as no complaint, its words
        # open to the colleagues of the person it is about, and teach the classifier a complaint as a service.
        raise NotAllowed("complaint")
    finished = appeal.status in FINISHED
    if appeal.status not in OPEN_STATUSES and not (finished and category.name != UNCLASSIFIED):
        raise wrong_state(session, appeal)
    old = appeal.category
    if category.name == old:
        return appeal
    if finished:
        return _correct_record(session, appeal, reviewer, category, now)
    subcategory = category.subcategory_of(appeal.content)
    response_hours, resolve_hours = category.hours(subcategory)
    values: dict[str, object] = {"category": category.name, "response_hours": response_hours,
                                 "resolve_hours": resolve_hours, "updated_at": now, "subcategory": subcategory,
                                 "working_days": category.working_days}
    # Shift rather than recompute, so a pause already added to the deadlines stays added; on the new category's
    # clock.
    clock = workdays.clock(category.working_days)
    # An emergency's claim deadline is its minutes (storage.emergencies), whatever its category's hours.
    if appeal.response_due_at is not None and appeal.emergency is None:
        values["response_due_at"] = clock.shift(appeal.response_due_at,
                                                timedelta(hours=response_hours - appeal.response_hours))
    if appeal.resolve_due_at is not None:
        values["resolve_due_at"] = clock.shift(appeal.resolve_due_at,
                                               timedelta(hours=resolve_hours - appeal.resolve_hours))
    _write_category(session, appeal, reviewer, values, now)
    _tell_holders(session, appeal, reviewer, now)
    if category.name == UNCLASSIFIED:  # taken back: nothing was learnt; the resident hears once it is settled
        session.execute(delete(LabelledExample).where(LabelledExample.appeal_id == appeal.id))
        return appeal
    _keep_example(session, appeal, old, reviewer, now)
    if appeal.emergency is not None:
        return appeal  # the resident was told whom to call and that staff come at once, not a category's hours
    tell_resident(session, appeal, ResidentRecategorised(
        ticket=appeal.ticket, category=appeal.category, response_hours=response_hours, resolve_hours=resolve_hours,
        working_days=category.working_days, confirmed=old == UNCLASSIFIED), now)
    return appeal


@dataclass(frozen=True)
class Overridden:
    """A correction someone else made of the same appeal just before: two reviewers working the queue at once."""

    by: str | None  # None: the account is gone
    category: str
    at: datetime


def overridden(session: Session, appeal: Appeal, reviewer: Manager, now: datetime) -> Overridden | None:
    """After `reclassify`: the correction the reviewer's has just replaced, when someone else made it within
    OVERRIDE_WINDOW (they were both shown the appeal in 待分类 and each believes theirs stands)."""
    latest = session.execute(
        select(AppealEvent.actor_kind, AppealEvent.actor_id, AppealEvent.note, AppealEvent.at)
        .where(AppealEvent.appeal_id == appeal.id, AppealEvent.action == str(Action.RECLASSIFIED))
        .order_by(AppealEvent.id.desc()).limit(2)
    ).all()
    mine = actor_of(reviewer)
    if len(latest) < 2 or latest[0].at != now or (latest[0].actor_kind, latest[0].actor_id) != (mine.kind, mine.id):
        return None  # this reviewer's correction changed nothing, or nobody corrected it before
    before = latest[1]
    if (before.actor_kind, before.actor_id) == (mine.kind, mine.id) or before.at < now - OVERRIDE_WINDOW:
        return None
    model = Staff if before.actor_kind == ActorKind.STAFF else ConsoleUser
    who = session.get(model, before.actor_id) if before.actor_id is not None else None
    return Overridden(name_of(who) if who is not None else None, (before.note or "").rsplit(" → ", 1)[-1], before.at)


def labelled_history(session: Session) -> list[tuple[str, str]]:
    """(text, label) pairs to learn from: every correction, then appeals resolved under their own category.

    Phone and ID-card numbers come masked: a model keeps every word it learned in its features file, which is
    copied to other hosts and kept for as long as the model is used."""
    corrected = session.execute(select(LabelledExample.text, LabelledExample.label, LabelledExample.appeal_id)
                                .order_by(LabelledExample.id)).all()
    skip = {appeal_id for _, _, appeal_id in corrected if appeal_id is not None}
    confirmed = session.execute(
        select(Appeal.content, Appeal.category, Appeal.id)
        .where(Appeal.status.in_(FINISHED), Appeal.category != UNCLASSIFIED, Appeal.channel.in_(LEARNABLE_CHANNELS))
        .order_by(Appeal.id)
    ).all()
    return [(mask_personal_numbers(text), label) for text, label, _ in corrected] + [
        (mask_personal_numbers(text), label) for text, label, appeal_id in confirmed if appeal_id not in skip
    ]


def corrections(session: Session) -> list[tuple[str, str, str | None]]:
    """(text, new label, previous label) of every correction, oldest first; numbers masked as in labelled_history."""
    return [(mask_personal_numbers(text), label, previous) for text, label, previous in session.execute(
        select(LabelledExample.text, LabelledExample.label, LabelledExample.previous_label)
        .order_by(LabelledExample.id)
    ).all()]


def _correct_record(session: Session, appeal: Appeal, reviewer: Manager, category: NewCategory,
                    now: datetime) -> Appeal:
    """分类 of a finished appeal: the record and what retraining learns, nothing else."""
    old = appeal.category
    _write_category(session, appeal, reviewer, {"category": category.name, "updated_at": now,
                                                 "subcategory": category.subcategory_of(appeal.content)}, now)
    _keep_example(session, appeal, old, reviewer, now)
    return appeal


def _write_category(session: Session, appeal: Appeal, reviewer: Manager, values: dict[str, object],
                    now: datetime) -> None:
    """Write the new category (`values`) over the one the appeal had when read, and the audit event."""
    old = appeal.category
    changed = session.execute(
        update(Appeal).where(Appeal.id == appeal.id, Appeal.category == old).values(**values)
    ).rowcount
    if changed != 1:
        raise wrong_state(session, appeal)  # corrected by someone else at the same moment
    session.refresh(appeal)
    record(session, appeal.id, now, Action.RECLASSIFIED, appeal.status, appeal.status, actor=actor_of(reviewer),
           note=f"{old} → {appeal.category}", internal=True)


def _tell_holders(session: Session, appeal: Appeal, reviewer: Manager, now: datetime) -> None:
    if appeal.status == AppealStatus.RETURNED:
        return  # held by the operators until one routes it again: the new card will carry the new category
    unclaimed = appeal.status in (AppealStatus.SUBMITTED, AppealStatus.DISPATCHED)
    notice = StaffRecategorised(ticket=appeal.ticket, by=name_of(reviewer), category=appeal.category,
                                subcategory=appeal.subcategory,
                                response_due_at=appeal.response_due_at if unclaimed else None,
                                resolve_due_at=appeal.resolve_due_at)
    for holder in holders_of(session, appeal):
        if holder.openid and holder.id != staff_id_of(reviewer):  # the reviewer was answered in the chat
            tell(session, holder.openid, notice, now, appeal=appeal)


def _keep_example(session: Session, appeal: Appeal, previous: str, reviewer: Manager, now: datetime) -> None:
    example = session.scalars(select(LabelledExample).where(LabelledExample.appeal_id == appeal.id)).first()
    if example is None:
        session.add(LabelledExample(appeal_id=appeal.id, text=appeal.content, label=appeal.category,
                                    previous_label=previous, staff_id=staff_id_of(reviewer), created_at=now))
        return
    if example.previous_label == appeal.category:  # corrected back to what the classifier said: nothing to learn
        session.delete(example)
        return
    example.label, example.staff_id, example.created_at = appeal.category, staff_id_of(reviewer), now
