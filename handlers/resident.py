"""Resident commands: 我的诉求, 查询, 撤销, 补充, 我的地址 (with the phone and 门牌 they left, masked). A resident
only ever sees, and adds to, their own appeals."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from handlers import chasing as chasing_words
from handlers import contacts, help_pages, staff, staff_texts
from handlers import resident_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import Reply
from storage import appeals, chasing, joins, material, org, queries
from storage.actors import ActorKind
from storage.appeals import Action
from storage.errors import IllegalTransition, NotFound
from storage.models import OPEN_STATUSES, Appeal, AppealEvent, AppealStatus

# What the joined appeal's own resident did is theirs alone ("您已撤销", "您已评价" would also read wrong).
OTHER_RESIDENTS_ACTIONS = frozenset({Action.CANCELLED, Action.RATED, Action.ATTACHED, Action.WORDS_ADDED,
                                     Action.HELD})


def my_appeals(conversation: Conversation, _arguments: Arguments) -> Reply:
    """我的诉求: the latest five with their status."""
    latest = queries.latest_of(conversation.session, conversation.sender)
    if not latest:
        return Reply(staff_texts.NO_APPEALS if conversation.is_staff else texts.NO_APPEALS)
    session = conversation.session
    return Reply(texts.appeal_list([(a.ticket, a.category, appeals.shown_status(session, a), a.created_at, a.listed_words,
                                     a.department) for a in latest], conversation.now))


def show(conversation: Conversation, arguments: Arguments) -> Reply:
    """查询 <编号>: one appeal with its timeline (staff see any appeal, with internal notes). A 微心愿's or a focus
    case's number (arguments.words) is said to be what it is, with where to follow it."""
    ticket = arguments.ticket
    if not ticket and arguments.words:
        said = staff_texts.NOT_A_TICKET if conversation.is_staff else texts.NOT_A_TICKET
        return Reply(said[arguments.words[0]].format(code=arguments.words))
    if conversation.is_staff:
        return staff.show(conversation, ticket, help_pages.page_number(arguments.words))
    session = conversation.session
    try:
        appeal = appeals.own_appeal(session, conversation.sender, ticket)
    except NotFound:
        # 查询 of the neighbour's appeal they joined: shown through their own merged one.
        followed = joins.followed_through(session, conversation.sender.id, ticket)
        if followed is None:
            return Reply(texts.NOT_FOUND.format(ticket=ticket))
        appeal = followed
    page = help_pages.page_number(arguments.words)
    target = joins.merged_into(session, appeal)
    if target is not None:
        return Reply(_merged_detail(conversation, appeal, target, page))
    events = _told_steps(session, appeal)
    return Reply(texts.appeal_detail(appeal.ticket, appeal.category, appeals.shown_status(session, appeal),
                                     appeal.content, events, appeal.department, page, conversation.now))


def _merged_detail(conversation: Conversation, appeal: Appeal, target: Appeal, page: int) -> str:
    """The follower's own words, then the joined appeal's progress: staff's steps, never the other resident's."""
    events = [step for step in _told_steps(conversation.session, target) if step[1] not in OTHER_RESIDENTS_ACTIONS]
    return texts.merged_detail(appeal.ticket, appeal.content, target.ticket, target.category, target.status, events,
                               target.department, page, conversation.now)


def _told_steps(session: Session, appeal: Appeal) -> list[tuple[datetime, str, str | None]]:
    """The appeal's steps the resident may read, as she reads them (`_as_told`)."""
    return [_as_told(session, event, name) for event, name in queries.timeline_with_names(session, appeal)
            if not event.internal]


def _as_told(session: Session, event: AppealEvent, name: str | None) -> tuple[datetime, str, str | None]:
    """A step as the resident reads it: a dispatch its category routed to a department (综合执法 → 综合执法中队)
    went to that department, as a 转办 does, not to the grid's members; a claim names who took it, as the 已接单
    notice did; a 改派 says who has it now (its note), or, taken from its holder and left with its grid, that the
    grid puts someone else on it — never 重新派发, which told her nothing of either."""
    at, action, note = event.at, event.action, event.note
    if action == Action.DISPATCHED:
        department = appeals.routed_department(note)
        return (at, Action.TRANSFERRED, department) if department else (at, action, note)
    if action == Action.ACCEPTED:  # a console account's name is no one she was told of: the bare step then
        return at, action, name if event.actor_kind == ActorKind.STAFF else None
    if action == Action.REASSIGNED and event.from_grid_id is not None \
            and note == org.grid_label(session, event.from_grid_id):
        return at, texts.REASSIGNED_WITHIN, note
    return at, action, note


def cancel(conversation: Conversation, arguments: Arguments) -> Reply:
    """撤销 <编号>: withdraw an open appeal; the number of a neighbour's appeal theirs joined withdraws theirs (they
    stop following it; the neighbour's goes on)."""
    ticket = arguments.ticket
    followed = joins.followed_through(conversation.session, conversation.sender.id, ticket) if ticket else None
    if followed is not None:
        ticket = followed.ticket
    try:
        joined = joins.merged_into(conversation.session, appeals.own_appeal(conversation.session, conversation.sender,
                                                                            ticket))
        appeal = appeals.cancel(conversation.session, conversation.sender, ticket, conversation.now)
        # Neighbours who joined it still have their problem: their own appeals go back to the grid.
        joins.release_followers(conversation.session, appeal, conversation.now,
                                conversation.understanding.taxonomy.sensitive)
    except NotFound:
        return Reply(texts.NOT_FOUND.format(ticket=ticket))
    except IllegalTransition:
        kept = appeals.own_appeal(conversation.session, conversation.sender, ticket)
        shown = appeals.shown_status(conversation.session, kept)
        if shown == AppealStatus.CANCELLED:  # sent twice: it was withdrawn, which 不能撤销 would read as a failure
            return Reply(texts.ALREADY_CANCELLED.format(ticket=ticket))
        if chasing_words.awaits_rating(conversation, kept):  # 办结 already: not 不能撤销, but how to rate it
            return Reply(texts.CANCEL_WHILE_RATING.format(ticket=ticket))
        status = texts.status_name(shown, kept.category, kept.department)
        return Reply(texts.CANNOT_CANCEL.format(ticket=ticket, status=status))
    if joined is not None:  # their own, joined to a neighbour's (我也遇到): that one goes on without them
        return Reply(texts.STOPPED_FOLLOWING.format(ticket=appeal.ticket, joined=joined.ticket))
    return Reply(texts.CANCELLED.format(ticket=appeal.ticket))


def add_words(conversation: Conversation, arguments: Arguments) -> Reply:
    """补充 <编号> <内容>: tell whoever handles an open appeal more; without a number, the one appeal open."""
    session = conversation.session
    if arguments.ticket:
        try:
            appeal = appeals.own_appeal(session, conversation.sender, arguments.ticket)
        except NotFound:  # the neighbour's appeal theirs joined: 查询 shows it and 催办 chases it, so 补充 adds to it
            followed = joins.followed_through(session, conversation.sender.id, arguments.ticket)
            if followed is None:
                return Reply(texts.NOT_FOUND.format(ticket=arguments.ticket))
            appeal = followed
        handled = joins.merged_into(session, appeal) if appeal.status == AppealStatus.MERGED else None
        if handled is not None and handled.status in OPEN_STATUSES:
            appeal = handled  # their own is handled as part of it: its handler hears what they add
        if chasing_words.awaits_rating(conversation, appeal):
            return Reply(texts.RATE_TO_REOPEN.format(ticket=appeal.ticket))
        if appeal.status not in OPEN_STATUSES:
            return Reply(texts.WORDS_NOT_OPEN.format(ticket=appeal.ticket,
                                                     status=texts.status_name(appeals.shown_status(session, appeal),
                                                                              appeal.category, appeal.department)))
    else:
        own = chasing.open_appeals(session, conversation.sender.id)
        still_open = [*own, *(appeal for appeal in chasing.followed_open_appeals(session, conversation.sender.id)
                              if appeal not in own)]
        awaiting = chasing_words.appeal_awaiting_rating(conversation)
        if not still_open and awaiting is not None:
            return Reply(texts.RATE_TO_REOPEN.format(ticket=awaiting.ticket))
        if len(still_open) != 1:
            return Reply(texts.which_to_add_to([(a.ticket, a.category, a.listed_words) for a in still_open]))
        appeal = still_open[0]
    added = material.add_words(session, conversation.sender.id, appeal, arguments.words, conversation.now,
                               conversation.understanding.taxonomy.sensitive)
    return Reply(texts.words_added(appeal.ticket, added))


def ticket_missing(conversation: Conversation, command: str, verb: str) -> Reply:
    """查询, 撤销, 催办 without a number (forgotten, or not said): 查询 lists her appeals as 我的诉求 does; the others
    list those still open, each with its number to send the command with."""
    if command == "show":
        return my_appeals(conversation, Arguments())
    still_open = chasing.open_or_joined(conversation.session, conversation.sender.id)
    return Reply(texts.which_ticket(verb, [(a.ticket, a.category, a.listed_words) for a in still_open]))


def calling_off(conversation: Conversation) -> Reply:
    """她说“不用了，我自己弄好了”: the open appeals and how to withdraw one; nothing is withdrawn unasked."""
    still_open = chasing.open_or_joined(conversation.session, conversation.sender.id)
    return Reply(texts.how_to_call_off([(a.ticket, a.category, a.listed_words) for a in still_open]))


def cannot_restore(conversation: Conversation) -> Reply | None:
    """撤销错了 / 恢复 G…: a withdrawn appeal stays withdrawn; the latest one's words, to send again. None when
    the resident never withdrew one."""
    withdrawn = appeals.latest_withdrawn(conversation.session, conversation.sender.id)
    if withdrawn is None:
        return None
    if appeals.shown_status(conversation.session, withdrawn) == appeals.LAPSED_STATUS:
        return Reply(texts.cannot_restore_lapsed(withdrawn.ticket, withdrawn.content))
    return Reply(texts.cannot_restore(withdrawn.ticket, withdrawn.content))


def my_data(_conversation: Conversation, _arguments: Arguments) -> Reply:
    """删除我的信息: what gridbot keeps about the resident and what they can delete themselves; never an appeal."""
    return Reply(texts.MY_DATA)


def my_address(conversation: Conversation, _arguments: Arguments) -> Reply:
    """我的地址: the bound address."""
    resident = conversation.sender
    if resident.grid_id is None:
        return Reply(texts.NO_ADDRESS)
    place = org.address(conversation.session, resident.grid_id, resident.building_id, resident.unit_id)
    return Reply(texts.MY_ADDRESS.format(street=place.street, grid_label=place.grid_label, home=place.home_label,
                                         contact=contacts.own_contact(conversation)))
